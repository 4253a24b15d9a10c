"""A coach's plan change carries its note (issue 9; D-114, was two steps in D-111):
the profile form and ``PUT /api/v1/athletes/{id}/profile`` take an optional note, stored in
the unit of work of the change and its audit record: both or neither. The athlete sees it
on Today and the plan as before. On SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from tests.integration.server_mode import context, make_account, server_app, signed_in
from tests.integration.test_services import PROFILE

from calfcoach.errors import StorageError
from calfcoach.services import athletes
from calfcoach.services.access import Actor
from calfcoach.storage.coaching import CoachingRepository
from calfcoach.web.profile_form import profile_values

TODAY = dt.date.today()


@pytest.fixture
def app(database_url: str, tmp_path: Path) -> Iterator[FastAPI]:
    made = server_app(database_url, tmp_path)
    ctx = context(made)
    ana = athletes.add_athlete(ctx, Actor.local(), PROFILE, start=TODAY, name="ana").athlete.id
    athletes.add_athlete(ctx, Actor.local(), PROFILE, start=TODAY, name="bo")
    made.state.ana = ana
    make_account(made, "ana@example.org", "athlete", athlete_id=ana)
    coach = make_account(made, "coach@example.org", "coach")
    from calfcoach.services.accounts import add_coach_link

    add_coach_link(ctx, Actor.local(), coach, ana)
    try:
        yield made
    finally:
        made.state.service_context.close()


def profile_json(app: FastAPI, **changes: Any) -> dict[str, Any]:
    client = signed_in(app, "coach@example.org")
    body: dict[str, Any] = client.get(f"/api/v1/athletes/{app.state.ana}/profile").json()
    return body | changes


def state(app: FastAPI) -> tuple[int, list[str], list[str]]:
    """Ana's session minutes, her audit trail's kinds (newest first), the notes' texts."""
    with context(app).unit_of_work(read_only=True) as uow:
        minutes = uow.athletes.get(app.state.ana).profile.session_minutes
        trail = [e.what for e in uow.coaching.events(app.state.ana)]
        notes = [n.text for n in uow.coaching.notes(app.state.ana)]
    return minutes, trail, notes


def test_the_api_stores_the_change_its_record_and_the_note_together(app: FastAPI) -> None:
    coach = signed_in(app, "coach@example.org")
    minutes = state(app)[0]
    url = f"/api/v1/athletes/{app.state.ana}/profile"
    body = profile_json(app, session_minutes=minutes + 5, coach_note="Shorter rests: 20 s.")
    done = coach.put(url, json=body)
    assert done.status_code == 200, done.text
    assert state(app) == (minutes + 5, ["note", "profile"], ["Shorter rests: 20 s."])
    ana = signed_in(app, "ana@example.org")
    assert "Shorter rests: 20 s." in ana.get("/today").text
    assert "Shorter rests: 20 s." in ana.get("/plan").text
    notes = ana.get(f"/api/v1/athletes/{app.state.ana}/notes").json()
    assert notes["plan_note"]["text"] == "Shorter rests: 20 s."
    # the profile itself has no note: it is not stored in it
    assert "coach_note" not in coach.get(url).json()
    # without a note: as before, one record
    again = coach.put(url, json=profile_json(app, session_minutes=minutes))
    assert again.status_code == 200
    assert state(app)[1:] == (["profile", "note", "profile"], ["Shorter rests: 20 s."])


def test_a_note_without_a_change_is_still_the_coachs_note(app: FastAPI) -> None:
    coach = signed_in(app, "coach@example.org")
    url = f"/api/v1/athletes/{app.state.ana}/profile"
    done = coach.put(url, json=profile_json(app, coach_note="All good, keep going."))
    assert done.status_code == 200 and done.json()["kind"] == "unchanged"
    assert state(app)[1:] == (["note"], ["All good, keep going."])


def test_a_coachs_change_of_the_name_alone_is_stored_and_recorded_with_the_note(
    app: FastAPI,
) -> None:
    coach = signed_in(app, "coach@example.org")
    url = f"/api/v1/athletes/{app.state.ana}/profile"
    old = profile_json(app)["name"]
    done = coach.put(url, json=profile_json(app, name="Ana Lee", coach_note="New name."))
    assert done.status_code == 200, done.text
    assert done.json()["kind"] == "renamed"
    assert coach.get(url).json()["name"] == "Ana Lee"
    assert state(app)[1:] == (["note", "name"], ["New name."])
    with context(app).unit_of_work(read_only=True) as uow:
        assert uow.athletes.get(app.state.ana).name == "Ana Lee"
        event = uow.coaching.events(app.state.ana)[1]
    assert (event.what, event.before, event.after) == ("name", old, "Ana Lee")


def test_a_refused_change_stores_no_note_and_a_failed_note_undoes_the_change(
    app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    coach = signed_in(app, "coach@example.org")
    url = f"/api/v1/athletes/{app.state.ana}/profile"
    before = state(app)
    taken = coach.put(url, json=profile_json(app, name="bo", coach_note="Renamed."))
    assert taken.status_code == 409
    too_long = coach.put(url, json=profile_json(app, session_minutes=45, coach_note="x" * 2001))
    assert too_long.status_code == 422
    assert state(app) == before

    def broken(*args: object, **kwargs: object) -> None:
        raise StorageError("the note could not be written")

    monkeypatch.setattr(CoachingRepository, "add_note", broken)
    failed = coach.put(url, json=profile_json(app, session_minutes=45, coach_note="Longer."))
    assert failed.status_code == 503
    assert state(app) == before  # the change and its record went with the note


def test_only_a_coach_writes_a_note_with_a_change(app: FastAPI) -> None:
    ana = signed_in(app, "ana@example.org")
    url = f"/api/v1/athletes/{app.state.ana}/profile"
    before = state(app)
    mine = ana.put(url, json=profile_json(app, session_minutes=45, coach_note="Dear me"))
    assert mine.status_code == 403  # who first: no change made either
    assert state(app) == before
    assert ana.put(url, json=profile_json(app, session_minutes=45)).status_code == 200


def _form(app: FastAPI, **changes: str) -> dict[str, Any]:
    with context(app).unit_of_work(read_only=True) as uow:
        profile = uow.athletes.get(app.state.ana).profile
    values, lists = profile_values(profile)
    return {**values, **lists, **changes}


def test_the_profile_form_of_the_coach_carries_the_note(app: FastAPI) -> None:
    coach = signed_in(app, "coach@example.org")
    assert coach.get(f"/roster/view/{app.state.ana}?to=profile", follow_redirects=False)
    page = coach.get("/profile")
    assert 'name="coach_note"' in page.text
    minutes = state(app)[0]
    empty = coach.post("/profile", data=_form(app, coach_note=" " * 3))
    assert empty.status_code == 200  # a blank note is no note
    assert state(app)[2] == []
    long = coach.post(
        "/profile", data=_form(app, session_minutes=str(minutes + 5), coach_note="y" * 2001)
    )
    assert long.status_code == 422
    assert 'id="f-coach_note-error"' in long.text and "too long" in long.text
    assert state(app)[0] == minutes  # nothing changed
    saved = coach.post(
        "/profile", data=_form(app, session_minutes=str(minutes + 5), coach_note="Go easy.")
    )
    assert saved.status_code == 200 and "Your note was saved with the change" in saved.text
    assert state(app) == (minutes + 5, ["note", "profile"], ["Go easy."])
    ana: TestClient = signed_in(app, "ana@example.org")
    assert 'name="coach_note"' not in ana.get("/profile").text
    assert "Go easy." in ana.get("/today").text
    refused = ana.post("/profile", data=_form(app, session_minutes="45", coach_note="Me"))
    assert refused.status_code == 403
