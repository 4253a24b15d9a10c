"""Accounts and server mode (issue 9), on SQLite and PostgreSQL: sign-in, lockout that holds
across app instances and restarts, session rotation, logout everywhere, reset links, CSRF,
security headers, tokens per account, and a server that refuses bad settings."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from tests.integration.cli_harness import make_cli
from tests.integration.server_mode import (
    PASSWORD,
    SECRET,
    context,
    make_account,
    server_app,
    server_settings,
    signed_in,
)
from tests.integration.test_services import PROFILE

from calfcoach.errors import InputError
from calfcoach.services import accounts, athletes, tokens
from calfcoach.services.access import Actor
from calfcoach.settings import Settings
from calfcoach.web.app import TEMPLATE_DIR, create_app
from calfcoach.web.auth import COOKIE

ANA = "ana@example.org"


@pytest.fixture
def app(database_url: str, tmp_path: Path) -> Iterator[FastAPI]:
    app = server_app(database_url, tmp_path)
    try:
        yield app
    finally:
        app.state.service_context.close()


@pytest.fixture
def ana_id(app: FastAPI) -> int:
    """Ana's athlete, and her athlete account (password ``PASSWORD``)."""
    ctx = context(app)
    added = athletes.add_athlete(ctx, Actor.local(), PROFILE, start=dt.date.today(), name="ana")
    make_account(app, ANA, "athlete", athlete_id=added.athlete.id)
    return added.athlete.id


def anonymous(app: FastAPI) -> TestClient:
    return TestClient(app, raise_server_exceptions=False)


def login(client: TestClient, email: str, password: str) -> int:
    response = client.post(
        "/login", data={"email": email, "password": password}, follow_redirects=False
    )
    return response.status_code


# --------------------------------------------------------------------------- sign-in


def test_an_anonymous_visitor_is_sent_to_login_and_the_api_answers_401(
    app: FastAPI, ana_id: int
) -> None:
    client = anonymous(app)
    page = client.get("/today", follow_redirects=False)
    assert page.status_code == 303
    assert page.headers["location"] == "/login?next=/today"
    api = client.get(f"/api/v1/athletes/{ana_id}/plan")
    assert api.status_code == 401
    assert api.headers["content-type"] == "application/problem+json"
    assert client.get("/login").status_code == 200
    assert client.get("/healthz").status_code == 200


def test_a_signed_in_athlete_sees_her_own_today_page(app: FastAPI, ana_id: int) -> None:
    client = signed_in(app, ANA)
    page = client.get("/today")
    assert page.status_code == 200
    assert "Today" in page.text
    cookie = next(c for c in client.cookies.jar if c.name == COOKIE)
    assert cookie.has_nonstandard_attr("HttpOnly")


def test_a_wrong_password_and_an_unknown_address_get_the_same_answer(
    app: FastAPI, ana_id: int
) -> None:
    client = anonymous(app)
    wrong = client.post("/login", data={"email": ANA, "password": "not the password"})
    unknown = client.post(
        "/login", data={"email": "nobody@example.org", "password": "not the password"}
    )
    assert wrong.status_code == unknown.status_code == 401
    message = "the e-mail address or the password is wrong"
    assert message in wrong.text and message in unknown.text
    assert 'aria-invalid="true"' in wrong.text  # the message at the field
    assert COOKIE not in client.cookies


def test_five_failed_logins_lock_the_address_across_two_app_instances_and_a_restart(
    database_url: str, tmp_path: Path
) -> None:
    first = server_app(database_url, tmp_path)
    second = server_app(database_url, tmp_path)  # another worker process on one database
    try:
        make_account(first, ANA)
        for _ in range(3):
            assert login(anonymous(first), ANA, "wrong password!") == 401
        for _ in range(accounts.LOCK_AFTER - 3):
            assert login(anonymous(second), ANA, "wrong password!") == 401
        # locked: even the right password is refused, on either instance
        assert login(anonymous(second), ANA, PASSWORD) == 429
        assert login(anonymous(first), ANA, PASSWORD) == 429
    finally:
        first.state.service_context.close()
        second.state.service_context.close()
    restarted = server_app(database_url, tmp_path)
    try:
        refused = anonymous(restarted).post("/login", data={"email": ANA, "password": PASSWORD})
        assert refused.status_code == 429
        assert "too many failed logins" in refused.text
    finally:
        restarted.state.service_context.close()


def test_the_lockout_ends_after_its_time(app: FastAPI, monkeypatch: pytest.MonkeyPatch) -> None:
    make_account(app, ANA)
    for _ in range(accounts.LOCK_AFTER):
        login(anonymous(app), ANA, "wrong password!")
    assert login(anonymous(app), ANA, PASSWORD) == 429
    later = dt.datetime.now(dt.UTC) + accounts.LOCK_FOR + dt.timedelta(seconds=1)
    monkeypatch.setattr(accounts, "_now", lambda: later)
    assert login(anonymous(app), ANA, PASSWORD) == 303


@pytest.mark.parametrize(
    ("target", "lands"),
    [("/plan", "/plan"), ("//evil.example/x", "/"), ("https://evil.example", "/"), ("/\\x", "/")],
)
def test_after_sign_in_only_a_path_of_this_site_is_followed(
    app: FastAPI, ana_id: int, target: str, lands: str
) -> None:
    answer = anonymous(app).post(
        "/login",
        data={"email": ANA, "password": PASSWORD, "next": target},
        follow_redirects=False,
    )
    assert answer.status_code == 303 and answer.headers["location"] == lands


def test_the_session_is_rotated_at_login(app: FastAPI, ana_id: int) -> None:
    client = signed_in(app, ANA)
    before = client.cookies[COOKIE]
    assert login(client, ANA, PASSWORD) == 303  # signs in again from the same browser
    after = client.cookies[COOKIE]
    assert after != before
    stale = anonymous(app)
    stale.cookies[COOKIE] = before
    assert stale.get("/today", follow_redirects=False).status_code == 303  # to /login


def test_logout_ends_this_session_and_logout_everywhere_ends_all(app: FastAPI, ana_id: int) -> None:
    phone, laptop, tablet = (signed_in(app, ANA) for _ in range(3))
    assert phone.post("/logout", follow_redirects=False).status_code == 303
    assert phone.get("/today", follow_redirects=False).headers["location"].startswith("/login")
    assert laptop.get("/today").status_code == 200
    ended = laptop.post("/account/logout-everywhere", follow_redirects=False)
    assert ended.status_code == 303
    for client in (laptop, tablet):
        response = client.get("/today", follow_redirects=False)
        assert response.headers["location"].startswith("/login")


def test_a_disabled_account_is_signed_out_and_cannot_sign_in(app: FastAPI, ana_id: int) -> None:
    admin_id = make_account(app, "admin@example.org", "admin")
    ana = signed_in(app, ANA)
    admin = signed_in(app, "admin@example.org")
    ana_account = next(
        a.id
        for a in accounts.list_accounts(context(app), Actor.local())
        if a.email == ANA and a.id != admin_id
    )
    assert admin.post(f"/admin/accounts/{ana_account}/disable").status_code == 200
    assert ana.get("/today", follow_redirects=False).headers["location"].startswith("/login")
    assert login(anonymous(app), ANA, PASSWORD) == 401


def test_changing_the_password_needs_the_current_one_and_guessing_it_locks(
    app: FastAPI, ana_id: int
) -> None:
    client = signed_in(app, ANA)
    other = signed_in(app, ANA)
    new = "another long password"
    changed = client.post(
        "/account/password", data={"current_password": PASSWORD, "new_password": new}
    )
    assert changed.status_code == 200 and "Password changed" in changed.text
    assert client.get("/today").status_code == 200  # this session stays
    assert other.get("/today", follow_redirects=False).status_code == 303  # others end
    for _ in range(accounts.LOCK_AFTER):
        wrong = client.post(
            "/account/password", data={"current_password": "a wrong guess!", "new_password": new}
        )
        assert wrong.status_code == 422
    locked = client.post(
        "/account/password", data={"current_password": new, "new_password": PASSWORD}
    )
    assert locked.status_code == 422 and "too many failed logins" in locked.text
    assert login(anonymous(app), ANA, new) == 429


def test_a_local_users_token_does_not_work_in_server_mode(app: FastAPI, ana_id: int) -> None:
    token = tokens.create_token(context(app), Actor.local(), "cli", ["read"]).token
    answer = anonymous(app).get(
        f"/api/v1/athletes/{ana_id}/plan", headers={"Authorization": f"Bearer {token}"}
    )
    assert answer.status_code == 401


# --------------------------------------------------------------------------- reset


def _reset_link(home: Path) -> str:
    text = (home / "mail.txt").read_text(encoding="utf-8")
    return re.findall(r"http://testserver(/reset/[A-Za-z0-9_-]+)", text)[-1]


def test_a_reset_link_is_mailed_works_once_and_ends_the_sessions(
    app: FastAPI, ana_id: int, tmp_path: Path
) -> None:
    old = signed_in(app, ANA)
    client = anonymous(app)
    asked = client.post("/reset", data={"email": ANA.upper()})
    assert asked.status_code == 200
    silent = client.post("/reset", data={"email": "nobody@example.org"})
    assert silent.status_code == 200 and silent.text.count("If an account") == 1
    link = _reset_link(tmp_path)
    assert (tmp_path / "mail.txt").read_text().count("/reset/") == 1  # nobody@ got none
    new_password = "a brand new password"
    done = client.post(link, data={"password": new_password}, follow_redirects=False)
    assert done.status_code == 303
    again = client.post(link, data={"password": "yet another password"})
    assert again.status_code == 404
    assert login(anonymous(app), ANA, new_password) == 303
    assert login(anonymous(app), ANA, PASSWORD) == 401
    assert old.get("/today", follow_redirects=False).headers["location"].startswith("/login")


def test_a_reset_link_is_built_on_the_public_url_never_on_the_host_header(
    app: FastAPI, ana_id: int, tmp_path: Path
) -> None:
    anonymous(app).post("/reset", data={"email": ANA}, headers={"Host": "evil.example"})
    mail = (tmp_path / "mail.txt").read_text(encoding="utf-8")
    assert "http://testserver/reset/" in mail and "evil.example" not in mail


def test_server_mode_needs_its_public_url(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = server_settings(database_url, tmp_path, public_url="")
    with pytest.raises(InputError, match="CALFCOACH_PUBLIC_URL"):
        create_app(settings)
    cli = make_cli(database_url, tmp_path, monkeypatch)
    cli.env.update({"CALFCOACH_SECRET_KEY": SECRET, "CALFCOACH_SERVER": "1"})
    result = cli("serve", "--port", "8765")
    assert result.code == 2 and "CALFCOACH_PUBLIC_URL" in result.err


@pytest.mark.parametrize("public_url", ["http://[::1", "https://[coach.example.org"])
def test_server_mode_refuses_a_public_url_the_url_parser_refuses_naming_the_variable(
    database_url: str, tmp_path: Path, public_url: str
) -> None:
    """It was an internal error (ValueError: Invalid IPv6 URL), exit 70 from `serve`."""
    settings = server_settings(database_url, tmp_path, public_url=public_url)

    with pytest.raises(InputError, match="CALFCOACH_PUBLIC_URL: .* is not the server's address"):
        create_app(settings)


def test_reset_requests_to_one_address_are_capped(
    app: FastAPI, ana_id: int, tmp_path: Path
) -> None:
    for _ in range(accounts.RESET_MAX + 3):
        answer = anonymous(app).post("/reset", data={"email": ANA})
        assert answer.status_code == 200 and "If an account" in answer.text
    mail = (tmp_path / "mail.txt").read_text(encoding="utf-8")
    assert mail.count("Subject: calfcoach: reset your password") == accounts.RESET_MAX


def test_expired_sessions_and_links_are_purged(app: FastAPI, ana_id: int) -> None:
    ctx = context(app)
    with ctx.unit_of_work() as uow:
        account = uow.accounts.by_email(ANA)
        assert account is not None
        past = dt.datetime.now(dt.UTC) - dt.timedelta(days=2)
        uow.auth.add_session(account.id, "0" * 64, "c" * 43, past)
        uow.auth.add_one_time("1" * 64, "password_reset", expires_at=past, account_id=account.id)
        uow.commit()
    assert login(anonymous(app), ANA, PASSWORD) == 303
    with ctx.unit_of_work(read_only=True) as uow:
        assert uow.auth.session_by_hash("0" * 64) is None
        assert uow.auth.one_time_by_hash("1" * 64) is None
        assert len(uow.auth.sessions(account.id)) == 1  # the new one


def test_a_reset_link_expires(
    app: FastAPI, ana_id: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    anonymous(app).post("/reset", data={"email": ANA})
    link = _reset_link(tmp_path)
    later = dt.datetime.now(dt.UTC) + accounts.RESET_VALID + dt.timedelta(seconds=1)
    monkeypatch.setattr(accounts, "_now", lambda: later)
    expired = anonymous(app).post(link, data={"password": "a brand new password"})
    assert expired.status_code == 404
    assert "expired" in expired.text
    monkeypatch.undo()
    assert login(anonymous(app), ANA, PASSWORD) == 303  # the password did not change


def test_an_invitation_link_sets_the_password_once(app: FastAPI) -> None:
    made = accounts.create_account(context(app), Actor.local(), "bo@example.org", "coach")
    client = anonymous(app)
    assert client.get(f"/invite/{made.token}").status_code == 200
    set_it = client.post(f"/invite/{made.token}", data={"password": "short"})
    assert set_it.status_code == 422 and 'aria-invalid="true"' in set_it.text
    ok = client.post(f"/invite/{made.token}", data={"password": PASSWORD}, follow_redirects=False)
    assert ok.status_code == 303
    assert client.get(f"/invite/{made.token}").status_code == 404
    assert login(anonymous(app), "bo@example.org", PASSWORD) == 303


# --------------------------------------------------------------------------- CSRF


def test_a_post_without_the_csrf_token_is_refused_and_changes_nothing(
    app: FastAPI, ana_id: int
) -> None:
    client = signed_in(app, ANA)
    token = client.headers.pop("X-CSRF-Token")
    form = {"name": "sync", "scope": ["read"]}
    refused = client.post("/account/tokens", data=form)
    assert refused.status_code == 403
    forged = client.post("/account/tokens", data={**form, "csrf_token": "0" * 64})
    assert forged.status_code == 403
    assert tokens.list_tokens(context(app), _actor_of(app, ANA)) == []
    accepted = client.post("/account/tokens", data={**form, "csrf_token": token})
    assert accepted.status_code == 201
    assert [t.name for t in tokens.list_tokens(context(app), _actor_of(app, ANA))] == ["sync"]


def test_every_post_form_of_the_templates_carries_the_csrf_field() -> None:
    for template in TEMPLATE_DIR.rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        for form in re.finditer(r"<form\b[^>]*method=\"post\"[^>]*>", text):
            following = text[form.end() : form.end() + 200]
            assert "csrf_field()" in following, f"{template.name}: {form.group(0)[:80]}"


def test_the_templates_have_no_inline_script_or_event_attribute() -> None:
    for template in TEMPLATE_DIR.rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        for script in re.finditer(r"<script\b([^>]*)>(.*?)</script>", text, re.S):
            attributes, body = script.groups()
            assert "src=" in attributes or 'type="application/json"' in attributes, template.name
            assert "src=" not in attributes or not body.strip(), template.name
        assert not re.search(r"\son[a-z]+\s*=", text), template.name


def test_local_mode_refuses_a_cross_site_post_and_keeps_its_own(
    database_url: str, tmp_path: Path
) -> None:
    app = create_app(Settings(home=tmp_path, database_url=database_url))
    try:
        client = TestClient(app, raise_server_exceptions=False)
        form = {"name": "sync", "scope": ["read"]}
        evil = client.post("/account/tokens", data=form, headers={"Origin": "https://evil.example"})
        assert evil.status_code == 403
        fetch = client.post("/account/tokens", data=form, headers={"Sec-Fetch-Site": "cross-site"})
        assert fetch.status_code == 403
        assert tokens.list_tokens(context(app), Actor.local()) == []
        own = client.post(
            "/account/tokens",
            data=form,
            headers={"Origin": "http://testserver", "Sec-Fetch-Site": "same-origin"},
        )
        assert own.status_code == 201
        assert len(tokens.list_tokens(context(app), Actor.local())) == 1
    finally:
        app.state.service_context.close()


def _actor_of(app: FastAPI, email: str) -> Actor:
    ctx = context(app)
    with ctx.unit_of_work(read_only=True) as uow:
        account = uow.accounts.by_email(email)
        assert account is not None
        return accounts.actor_for_account(uow, account)


# --------------------------------------------------------------------------- headers


def test_every_response_has_the_security_headers_and_hsts_only_in_server_mode(
    app: FastAPI, ana_id: int, database_url: str, tmp_path: Path
) -> None:
    client = signed_in(app, ANA)
    for path in ("/today", "/login", "/static/css/app.css", "/api/v1/exercises", "/nowhere"):
        headers = client.get(path).headers
        csp = headers["content-security-policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("script-src")[1]
        assert "frame-ancestors 'none'" in csp
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["x-frame-options"] == "DENY"
        assert headers["referrer-policy"] == "same-origin"
        assert headers["strict-transport-security"].startswith("max-age=")
        if not path.startswith("/static/"):
            assert headers["cache-control"] == "no-store"
    local = create_app(Settings(home=tmp_path / "local", database_url=database_url))
    try:
        headers = TestClient(local).get("/healthz").headers
        assert "content-security-policy" in headers
        assert "strict-transport-security" not in headers
    finally:
        local.state.service_context.close()


def test_the_api_docs_page_runs_its_one_inline_script_by_hash_only(app: FastAPI) -> None:
    import base64
    import hashlib

    page = TestClient(app).get("/api/docs")
    csp = page.headers["content-security-policy"]
    (script,) = re.findall(r"<script>(.*?)</script>", page.text, re.S)
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    assert f"'sha256-{digest}'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp


# --------------------------------------------------------------------------- tokens, roles


def test_an_account_token_sees_only_its_athlete_within_its_scope(app: FastAPI, ana_id: int) -> None:
    ctx = context(app)
    bo = athletes.add_athlete(ctx, Actor.local(), PROFILE, start=dt.date.today(), name="bo")
    actor = _actor_of(app, ANA)
    read = tokens.create_token(ctx, actor, "read only", ["read"]).token
    api = anonymous(app)
    auth = {"Authorization": f"Bearer {read}"}
    assert api.get(f"/api/v1/athletes/{ana_id}/plan", headers=auth).status_code == 200
    assert api.get(f"/api/v1/athletes/{bo.athlete.id}/plan", headers=auth).status_code == 403
    listed = api.get("/api/v1/athletes", headers=auth).json()
    assert [a["id"] for a in listed["items"]] == [ana_id]
    checkin = {"date": dt.date.today().isoformat(), "pain": 0, "stiffness": 0}
    logged = api.post(f"/api/v1/athletes/{ana_id}/checkins", json=checkin, headers=auth)
    assert logged.status_code == 403  # a read token cannot log
    with pytest.raises(InputError):
        tokens.create_token(ctx, actor, "too much", ["manage"])  # manage: local user only


def test_a_coach_sees_and_adjusts_a_coached_athlete_but_does_not_log_and_admin_sees_none(
    app: FastAPI, ana_id: int
) -> None:
    ctx = context(app)
    coach_id = make_account(app, "coach@example.org", "coach")
    make_account(app, "admin@example.org", "admin")
    coach = signed_in(app, "coach@example.org")
    assert coach.get(f"/api/v1/athletes/{ana_id}/plan").status_code == 403  # not linked yet
    accounts.add_coach_link(ctx, Actor.local(), coach_id, ana_id)
    assert coach.get(f"/api/v1/athletes/{ana_id}/plan").status_code == 200
    profile = coach.get(f"/api/v1/athletes/{ana_id}/profile").json()
    assert coach.put(f"/api/v1/athletes/{ana_id}/profile", json=profile).status_code == 200
    checkin = {"date": dt.date.today().isoformat(), "pain": 0, "stiffness": 0}
    assert coach.post(f"/api/v1/athletes/{ana_id}/checkins", json=checkin).status_code == 403
    admin = signed_in(app, "admin@example.org")
    assert admin.get(f"/api/v1/athletes/{ana_id}/plan").status_code == 403
    assert admin.get("/api/v1/athletes").json()["items"] == []
    assert admin.get("/admin/accounts").status_code == 200
    assert coach.get("/admin/accounts").status_code == 403
    ctx_link_ended = ctx
    with ctx_link_ended.unit_of_work() as uow:
        uow.accounts.end_coach_link(coach_id, ana_id)
        uow.commit()
    assert coach.get(f"/api/v1/athletes/{ana_id}/plan").status_code == 403  # at once


def test_today_without_an_id_is_the_accounts_own_athlete_and_a_404_for_a_coach(
    app: FastAPI, ana_id: int
) -> None:
    ctx = context(app)
    bo = athletes.add_athlete(ctx, Actor.local(), PROFILE, start=dt.date.today(), name="bo")
    read = tokens.create_token(ctx, _actor_of(app, ANA), "read only", ["read"]).token
    auth = {"Authorization": f"Bearer {read}"}
    api = anonymous(app)
    own = api.get("/api/v1/today", headers=auth)
    assert own.status_code == 200
    assert own.json() == api.get(f"/api/v1/athletes/{ana_id}/today", headers=auth).json()
    assert api.get("/api/v1/today").status_code == 401  # server mode: no token, no answer
    coach_id = make_account(app, "coach@example.org", "coach")
    accounts.add_coach_link(ctx, Actor.local(), coach_id, bo.athlete.id)
    coach = signed_in(app, "coach@example.org")
    refused = coach.get("/api/v1/today")
    assert refused.status_code == 404
    assert "no athlete of its own" in refused.json()["detail"]
    assert "bo" not in refused.text  # no other athlete's name in the message


def test_a_new_athlete_account_onboards_its_own_athlete(app: FastAPI) -> None:
    make_account(app, "cy@example.org", "athlete")
    client = signed_in(app, "cy@example.org")
    html = {"accept": "text/html"}
    first = client.get("/today", headers=html, follow_redirects=False)
    assert first.headers["location"] == "/welcome"
    actor = _actor_of(app, "cy@example.org")
    added = athletes.add_athlete(context(app), actor, PROFILE, start=dt.date.today(), name="cy")
    assert _actor_of(app, "cy@example.org").own_athlete_id == added.athlete.id
    assert client.get("/today").status_code == 200
    with pytest.raises(Exception, match="may not"):
        athletes.add_athlete(
            context(app), _actor_of(app, "cy@example.org"), PROFILE, start=dt.date.today(),
            name="cy2",
        )  # fmt: skip


def test_onboarding_on_the_welcome_page_makes_the_accounts_own_athlete(app: FastAPI) -> None:
    from tests.integration.test_web_profile import answers

    make_account(app, "kim@example.org", "athlete")
    client = signed_in(app, "kim@example.org")
    made = client.post("/welcome", data=answers(), follow_redirects=False)
    assert made.status_code == 303, made.text[:300]
    own = _actor_of(app, "kim@example.org").own_athlete_id
    assert own is not None
    assert client.get("/today").status_code == 200
    again = client.post("/welcome", data=answers(name="Kim Two"), follow_redirects=False)
    assert again.status_code in (303, 403)  # no second athlete for the account
    assert _actor_of(app, "kim@example.org").own_athlete_id == own
    coach_id = make_account(app, "coach@example.org", "coach")
    assert coach_id
    coach = signed_in(app, "coach@example.org")
    refused = coach.post("/welcome", data=answers(name="Coach Self"), follow_redirects=False)
    # a coach has no training of their own to onboard: refused at the form, nothing stored
    assert refused.status_code == 422 and "may not manage a new athlete" in refused.text
    names = [a.name for a in athletes.list_athletes(context(app), Actor.local())]
    assert "Coach Self" not in names


# --------------------------------------------------------------------------- refusing to start


@pytest.mark.parametrize(
    ("secret", "says"),
    [
        ("", "is not set"),
        ("too-short-secret", "too short"),
        ("changeme", "known example value"),
        ("a" * 40, "too few characters"),
        ("short", "too short"),
    ],
)
def test_server_mode_refuses_a_missing_short_or_known_secret(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, secret: str, says: str
) -> None:
    cli = make_cli(database_url, tmp_path, monkeypatch)
    cli.env["CALFCOACH_SECRET_KEY"] = secret
    result = cli("serve", "--server", "--port", "8765")
    assert result.code == 2
    assert "CALFCOACH_SECRET_KEY" in result.err and says in result.err
    assert "Traceback" not in result.err
    settings = server_settings(database_url, tmp_path)
    with pytest.raises(InputError, match="CALFCOACH_SECRET_KEY"):
        create_app(dataclasses.replace(settings, secret_key=secret))


def test_server_mode_refuses_an_outside_address_without_tls_or_a_proxy(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cli = make_cli(database_url, tmp_path, monkeypatch)
    cli.env.update(
        {
            "CALFCOACH_SECRET_KEY": SECRET,
            "CALFCOACH_SERVER": "1",
            "CALFCOACH_PUBLIC_URL": "https://coach.example.org",
        }
    )
    result = cli("serve", "--host", "0.0.0.0", "--port", "8765")
    assert result.code == 2
    assert "--host" in result.err and "--ssl-certfile" in result.err
    half = cli("serve", "--server", "--ssl-certfile", str(tmp_path / "cert.pem"))
    assert half.code == 2 and "--ssl-keyfile" in half.err


def test_the_cli_makes_the_first_admin_with_a_set_password_link(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cli = make_cli(database_url, tmp_path, monkeypatch)
    result = cli("account", "add", "Root@Example.org", "--role", "admin")
    assert result.code == 0, result.err
    link = result.out.strip()
    assert re.fullmatch(r"http://127\.0\.0\.1:8000/invite/[A-Za-z0-9_-]{43}", link)
    again = cli("account", "add", "root@example.org", "--role", "admin")
    assert again.code == 2 and "exists" in again.err
    bad = cli("account", "add", "root2@example.org", "--role", "owner")
    assert bad.code == 2 and "--role" in bad.err


def test_a_stored_today_page_carries_each_sessions_own_csrf_token(
    database_url: str, tmp_path: Path
) -> None:
    """The Today page is stored while nothing changes (D-79); the session's CSRF token in it
    is put back per request, so a second device never gets the first one's token."""
    from tests.integration.server_mode import csrf_token

    app = server_app(database_url, tmp_path)
    try:
        ctx = app.state.service_context
        ana = athletes.add_athlete(
            ctx, Actor.local(), PROFILE, start=dt.date.today(), name="ana"
        ).athlete.id
        make_account(app, "ana@example.org", "athlete", athlete_id=ana)
        phone = signed_in(app, "ana@example.org")
        laptop = signed_in(app, "ana@example.org")
        first, second = csrf_token(phone), csrf_token(laptop)
        assert first != second
        for client, own, other in ((phone, first, second), (laptop, second, first)):
            for _ in range(2):  # made, then served from the store
                page = client.get("/today")
                assert page.status_code == 200
                assert own in page.text
                assert other not in page.text
                assert "@@calfcoach-csrf-token@@" not in page.text
    finally:
        app.state.service_context.close()
