"""The coach's flows through the pages and the API (issue 9, part 3): invitation ->
acceptance -> the roster; the coach's note on Today and the plan page; leaving a coach ends
the coach's access, session and tokens alike, on the very next request."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from tests.integration.server_mode import context, make_account, server_app, signed_in
from tests.integration.test_services import PROFILE

from calfcoach.services import accounts, athletes, tokens
from calfcoach.services.access import Actor

TODAY = dt.date.today()
_LINK = re.compile(r"/coach/join/([A-Za-z0-9_-]{20,})")


@pytest.fixture
def app(database_url: str, tmp_path: Path) -> Iterator[FastAPI]:
    made = server_app(database_url, tmp_path)
    ctx = context(made)
    ana = athletes.add_athlete(ctx, Actor.local(), PROFILE, start=TODAY, name="ana").athlete.id
    made.state.ana = ana
    make_account(made, "ana@example.org", "athlete", athlete_id=ana)
    made.state.coach = make_account(made, "coach@example.org", "coach")
    try:
        yield made
    finally:
        made.state.service_context.close()


def _invite_and_accept(app: FastAPI) -> None:
    coach = signed_in(app, "coach@example.org")
    page = coach.post("/coach/invitations")
    assert page.status_code == 200
    found = _LINK.search(page.text)
    assert found is not None, page.text[:800]
    ana = signed_in(app, "ana@example.org")
    assert "coach" in ana.get(f"/coach/join/{found.group(1)}").text
    accepted = ana.post(f"/coach/join/{found.group(1)}", follow_redirects=False)
    assert accepted.status_code == 303
    assert "coach@example.org" in ana.get("/account/coaches").text
    again = ana.post(f"/coach/join/{found.group(1)}", follow_redirects=False)
    assert again.status_code == 404  # single use


def test_an_invitation_accepted_in_the_browser_puts_the_athlete_on_the_roster(
    app: FastAPI,
) -> None:
    coach = signed_in(app, "coach@example.org")
    assert "ana" not in coach.get("/api/v1/roster").text
    _invite_and_accept(app)
    names = [row["name"] for row in coach.get("/api/v1/roster").json()["items"]]
    assert names == ["ana"]
    assert "ana" in coach.get("/coach").text


def test_the_coachs_note_and_comment_show_on_the_athletes_today_and_plan(app: FastAPI) -> None:
    _invite_and_accept(app)
    coach = signed_in(app, "coach@example.org")
    assert coach.get(f"/roster/view/{app.state.ana}?to=plan", follow_redirects=False).is_redirect
    sent = coach.post("/coach/note", data={"text": "Easy week: travel."}, follow_redirects=False)
    assert sent.status_code == 303
    api = coach.post(
        f"/api/v1/athletes/{app.state.ana}/notes",
        json={"text": "Slow lowering today.", "date": TODAY.isoformat()},
    )
    assert api.status_code == 201, api.text
    ana = signed_in(app, "ana@example.org")
    today = ana.get("/today").text
    assert "Easy week: travel." in today and "Slow lowering today." in today
    assert "Easy week: travel." in ana.get("/plan").text
    trail = ana.get(f"/api/v1/athletes/{app.state.ana}/audit").json()
    assert [e["what"] for e in trail] == ["comment", "note"]
    assert "Slow lowering today." in ana.get("/account/audit").text


def test_a_coachs_profile_change_through_the_api_is_in_the_athletes_audit_trail(
    app: FastAPI,
) -> None:
    _invite_and_accept(app)
    coach = signed_in(app, "coach@example.org")
    url = f"/api/v1/athletes/{app.state.ana}/profile"
    profile = coach.get(url).json()
    profile["session_minutes"] = 40 if profile["session_minutes"] != 40 else 30
    changed = coach.put(url, json=profile)
    assert changed.status_code == 200, changed.text
    ana = signed_in(app, "ana@example.org")
    trail = ana.get(f"/api/v1/athletes/{app.state.ana}/audit").json()
    assert trail[0]["what"] == "profile" and trail[0]["who"] == "coach@example.org"
    assert trail[0]["after"]["session_minutes"] == profile["session_minutes"]
    assert trail[0]["before"]["session_minutes"] != profile["session_minutes"]


def test_leaving_a_coach_ends_the_coachs_session_and_token_access_at_once(app: FastAPI) -> None:
    _invite_and_accept(app)
    ctx = context(app)
    with ctx.unit_of_work(read_only=True) as uow:
        account = uow.accounts.get(app.state.coach)
        assert account is not None
        coach_actor = accounts.actor_for_account(uow, account)
    token = tokens.create_token(ctx, coach_actor, "club sync", ["read"]).token
    coach = signed_in(app, "coach@example.org")
    bearer = {"Authorization": f"Bearer {token}"}
    notes = f"/api/v1/athletes/{app.state.ana}/notes"
    assert coach.get(notes).status_code == 200
    assert coach.get(notes, headers=bearer).status_code == 200
    ana = signed_in(app, "ana@example.org")
    left = ana.post(f"/account/coaches/{app.state.coach}/leave", follow_redirects=False)
    assert left.status_code == 303
    assert coach.get(notes).status_code == 403
    assert coach.get(notes, headers=bearer).status_code == 403
    assert coach.post(notes, json={"text": "still there?"}).status_code == 403
    assert coach.get(f"/roster/view/{app.state.ana}", follow_redirects=False).status_code == 403
    assert coach.get("/api/v1/roster").json()["items"] == []
    assert "No coach follows you" in ana.get("/account/coaches").text
