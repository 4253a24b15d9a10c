"""Sign-up through a coach's invitation link (issue 9: "sign-up by invitation"; D-115,
-2): a person without an account opens the link, makes their account (name, address,
password: the same rules, argon2id) and is signed in; the link is used; onboarding follows,
and the athlete it adds is followed by the coach. The page (CSRF, errors at the field, the
login's lockout), the API and the CLI. On SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from tests.integration.cli_harness import make_cli
from tests.integration.server_mode import PASSWORD, context, make_account, server_app, signed_in

from calfcoach.services import accounts, coaching
from calfcoach.services.access import Actor
from calfcoach.storage.orm import AccountRow, CoachInvitationRow, LoginThrottleRow

_CSRF_FIELD = re.compile(r'name="csrf_token" value="([0-9a-f]{64})"')


@pytest.fixture
def app(database_url: str, tmp_path: Path) -> Iterator[FastAPI]:
    made = server_app(database_url, tmp_path)
    made.state.coach = make_account(made, "coach@example.org", "coach")
    try:
        yield made
    finally:
        made.state.service_context.close()


def invitation(app: FastAPI) -> str:
    return coaching.create_invitation(context(app), Actor.local(), app.state.coach).token


def anonymous(app: FastAPI) -> TestClient:
    return TestClient(app, raise_server_exceptions=False)


def form_of(client: TestClient, token: str) -> str:
    """Open the link as an anonymous visitor: the sign-up form; its CSRF token."""
    page = client.get(f"/coach/join/{token}")
    assert page.status_code == 200, page.text[:300]
    assert f'action="/coach/join/{token}/signup"' in page.text
    assert f'href="/login?next=/coach/join/{token}"' in page.text  # an account already: sign in
    found = _CSRF_FIELD.search(page.text)
    assert found is not None, page.text[:800]
    return found.group(1)


def fields(name: str = "Lea Runner", email: str = "lea@example.org", **more: str) -> dict[str, str]:
    return {"name": name, "email": email, "password": PASSWORD} | more


def account_row(app: FastAPI, email: str) -> AccountRow | None:
    with context(app).unit_of_work(read_only=True) as uow:
        found = uow.session.scalars(select(AccountRow).where(AccountRow.email == email)).first()
        if found is not None:
            uow.session.expunge(found)
        return found


def test_a_person_without_an_account_signs_up_through_the_link_and_onboarding_links_the_coach(
    app: FastAPI,
) -> None:
    from tests.integration.test_web_profile import answers

    token = invitation(app)
    client = anonymous(app)
    csrf = form_of(client, token)
    made = client.post(
        f"/coach/join/{token}/signup", data=fields(csrf_token=csrf), follow_redirects=False
    )
    assert made.status_code == 303, made.text[:500]
    assert made.headers["location"] == "/welcome"  # signed in; the profile questions next
    row = account_row(app, "lea@example.org")
    assert row is not None and row.display_name == "Lea Runner"
    assert row.password_hash is not None and row.password_hash.startswith(
        "$argon2id$v=19$m=32768,t=3"
    )
    assert not row.is_coach and not row.is_admin and row.athlete_id is None
    assert client.get("/welcome").status_code == 200
    # The link is used: a second sign-up, or another person opening it, is a 404.
    other = anonymous(app)
    assert other.get(f"/coach/join/{token}").status_code == 404
    # Onboarding: the athlete added is the account's own, and the coach follows it.
    client.headers["X-CSRF-Token"] = _csrf_of(client)
    onboarded = client.post("/welcome", data=answers(name="Lea Runner"), follow_redirects=False)
    assert onboarded.status_code == 303, onboarded.text[:500]
    lea = account_row(app, "lea@example.org")
    assert lea is not None and lea.athlete_id is not None
    coach = signed_in(app, "coach@example.org")
    assert [r["name"] for r in coach.get("/api/v1/roster").json()["items"]] == ["Lea Runner"]
    assert "coach@example.org" in client.get("/account/coaches").text
    with context(app).unit_of_work(read_only=True) as uow:
        used = uow.session.scalars(select(CoachInvitationRow)).one()
        assert used.used_at is not None
        assert (used.account_id, used.athlete_id) == (lea.id, lea.athlete_id)


def _csrf_of(client: TestClient) -> str:
    from tests.integration.server_mode import csrf_token

    return csrf_token(client)


def test_the_sign_up_form_needs_its_csrf_token_and_answers_at_each_field(app: FastAPI) -> None:
    token = invitation(app)
    client = anonymous(app)
    csrf = form_of(client, token)
    # No token, a forged one, or the token without the browser's cookie: 403, nothing made.
    for data, sender in (
        (fields(), client),
        (fields(csrf_token="0" * 64), client),
        (fields(csrf_token=csrf), anonymous(app)),
    ):
        refused = sender.post(f"/coach/join/{token}/signup", data=data)
        assert refused.status_code == 403, refused.text[:300]
    assert account_row(app, "lea@example.org") is None
    bad = client.post(
        f"/coach/join/{token}/signup",
        data={"name": " ", "email": "not an address", "password": "short", "csrf_token": csrf},
    )
    assert bad.status_code == 422
    for name in ("name", "email", "password"):  # each message at its field
        assert f'id="f-{name}-error"' in bad.text, name
        assert f'aria-describedby="f-{name}-error"' in bad.text
    assert "is too short (5 characters)" in bad.text
    assert 'value="not an address"' in bad.text  # kept, but never the password
    assert "short" not in bad.text.split('id="f-password"')[1].split(">")[0]
    # The link is still good after the refused tries.
    done = client.post(f"/coach/join/{token}/signup", data=fields(csrf_token=csrf))
    assert done.status_code == 200 and done.url.path == "/welcome"


def test_an_address_with_an_account_is_told_to_sign_in_and_counts_toward_the_lockout(
    app: FastAPI,
) -> None:
    make_account(app, "taken@example.org", "athlete")
    token = invitation(app)
    client = anonymous(app)
    csrf = form_of(client, token)
    for _ in range(accounts.LOCK_AFTER):
        taken = client.post(
            f"/coach/join/{token}/signup",
            data=fields(email="TAKEN@example.org", csrf_token=csrf),
        )
        assert taken.status_code == 409
        assert 'id="f-email-error"' in taken.text and "sign in" in taken.text
    locked = client.post(
        f"/coach/join/{token}/signup", data=fields(email="taken@example.org", csrf_token=csrf)
    )
    assert locked.status_code == 429 and "too many failed" in locked.text
    # the address is locked, for the login too (one lockout per address, D-88)
    login = client.post("/login", data={"email": "taken@example.org", "password": PASSWORD})
    assert login.status_code == 429
    # the client is not (5 < 20): a new address still signs up with the link
    done = client.post(f"/coach/join/{token}/signup", data=fields(csrf_token=csrf))
    assert done.status_code == 200 and done.url.path == "/welcome"


def test_a_bad_link_counts_against_the_client_and_locks_it_out(app: FastAPI) -> None:
    client = anonymous(app)
    token = invitation(app)
    csrf = form_of(client, token)
    for _ in range(accounts.IP_LOCK_AFTER):
        wrong = client.post("/coach/join/not-a-link/signup", data=fields(csrf_token=csrf))
        assert wrong.status_code == 404
    locked = client.post(f"/coach/join/{token}/signup", data=fields(csrf_token=csrf))
    assert locked.status_code == 429 and "too many failed" in locked.text
    assert account_row(app, "lea@example.org") is None


def test_an_expired_link_is_a_404_and_makes_nothing(app: FastAPI) -> None:
    token = invitation(app)
    client = anonymous(app)
    csrf = form_of(client, token)
    with context(app).unit_of_work() as uow:
        uow.session.execute(
            update(CoachInvitationRow).values(
                expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
            )
        )
        uow.commit()
    gone = client.post(f"/coach/join/{token}/signup", data=fields(csrf_token=csrf))
    assert gone.status_code == 404
    assert client.get(f"/coach/join/{token}").status_code == 404
    assert account_row(app, "lea@example.org") is None


def test_a_signed_in_visitor_accepts_and_an_anonymous_accept_goes_to_sign_in(app: FastAPI) -> None:
    token = invitation(app)
    post = anonymous(app).post(f"/coach/join/{token}", follow_redirects=False)
    assert post.status_code == 303
    assert post.headers["location"] == f"/login?next=/coach/join/{token}"
    make_account(app, "kim@example.org", "athlete")
    kim = signed_in(app, "kim@example.org")
    page = kim.get(f"/coach/join/{token}")
    assert "Accept" in page.text and "/signup" not in page.text
    twice = kim.post(f"/coach/join/{token}/signup", data=fields())
    assert twice.status_code == 409  # signed in: accept with this account
    assert account_row(app, "lea@example.org") is None


def test_the_api_signs_up_without_a_session_and_the_password_then_signs_in(app: FastAPI) -> None:
    token = invitation(app)
    api = anonymous(app)
    bad = api.post(f"/api/v1/coach/invitations/{token}/signup", json=fields(password="short"))
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "password"
    made = api.post(f"/api/v1/coach/invitations/{token}/signup", json=fields())
    assert made.status_code == 201, made.text
    body = made.json()
    assert body["email"] == "lea@example.org" and body["coach"]["email"] == "coach@example.org"
    assert body["coach"]["account_id"] == app.state.coach
    assert "set-cookie" not in made.headers
    again = api.post(f"/api/v1/coach/invitations/{token}/signup", json=fields(email="b@e.org"))
    assert again.status_code == 404  # single use
    signed_in(app, "lea@example.org")  # the password works
    with context(app).unit_of_work(read_only=True) as uow:
        row = uow.accounts.by_email("lea@example.org")
        assert row is not None and uow.auth.sessions(row.id) != []  # the login's only
    coach = signed_in(app, "coach@example.org")
    other = invitation(app)
    conflict = coach.post(f"/api/v1/coach/invitations/{other}/signup", json=fields(email="c@e.org"))
    assert conflict.status_code == 409


def test_the_cli_signs_up_with_the_password_from_stdin(
    app: FastAPI, database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = invitation(app)
    cli = make_cli(database_url, tmp_path, monkeypatch)
    short = cli.run(
        "coach", "signup", token, "--name", "Lea", "--email", "lea@example.org",
        "--password-stdin", input="short\n",
    )  # fmt: skip
    assert short.code == 2 and "password" in short.err
    done = cli.run(
        "coach", "signup", f"http://testserver/coach/join/{token}", "--name", "Lea",
        "--email", "lea@example.org", "--password-stdin", input=PASSWORD + "\n",
    )  # fmt: skip
    assert done.code == 0, done.err
    row = account_row(app, "lea@example.org")
    assert row is not None and row.password_hash is not None
    with context(app).unit_of_work(read_only=True) as uow:
        assert uow.auth.sessions(row.id) == []  # the CLI signs nobody in
        assert uow.session.scalars(select(LoginThrottleRow)).all() == []


def test_a_coach_disabled_before_onboarding_does_not_follow_the_athlete(app: FastAPI) -> None:
    from tests.integration.test_services import PROFILE

    from calfcoach.services import athletes

    ctx = context(app)
    token = invitation(app)
    made = accounts.sign_up(ctx, token, "Lea", "lea@example.org", PASSWORD, "192.0.2.1")
    assert made.session is not None and made.coach.account_id == app.state.coach
    accounts.set_disabled(ctx, Actor.local(), app.state.coach, True)
    with ctx.unit_of_work(read_only=True) as uow:
        account = uow.accounts.get(made.account.id)
        assert account is not None
        lea = accounts.actor_for_account(uow, account)
    added = athletes.add_athlete(ctx, lea, PROFILE, start=dt.date.today(), name="Lea")
    with ctx.unit_of_work(read_only=True) as uow:
        assert uow.coaching.coaches_of(added.athlete.id) == []
        assert uow.accounts.coached_athletes(app.state.coach) == frozenset()
        used = uow.session.scalars(select(CoachInvitationRow)).one()
        assert used.athlete_id == added.athlete.id  # used, by this athlete
        assert uow.coaching.claimed_by(made.account.id) == []
