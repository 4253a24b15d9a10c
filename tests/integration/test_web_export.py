"""The export page (issue 8, part 2, "Export"): download and upload (all or nothing), the
calendar subscription address with its hashed token, the printable handout and its PDF. On
SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from icalendar import Calendar
from tests.web_history import LOCAL, PROFILE, add_history, add_runner

from calfcoach.services.athletes import list_athletes
from calfcoach.services.calendar_feed import token_hash
from calfcoach.services.training import current_plan
from calfcoach.services.transfer import document_to_json, export_document
from calfcoach.settings import Settings
from calfcoach.web.app import create_app

HTML = {"accept": "text/html"}
TODAY = dt.date.today()


def make_app(database_url: str, home: Path) -> FastAPI:
    return create_app(Settings(home=home, database_url=database_url))


@pytest.fixture
def app(database_url: str, tmp_path: Path) -> Iterator[FastAPI]:
    app = make_app(database_url, tmp_path)
    yield app
    app.state.service_context.close()


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


NAME = PROFILE["name"]


@pytest.fixture
def runner(app: FastAPI) -> int:
    """The runner's id (their name is ``NAME``)."""
    return add_runner(app.state.service_context, TODAY, weeks_ago=1)


def athlete_names(app: FastAPI) -> list[str]:
    return [a.name for a in list_athletes(app.state.service_context, LOCAL)]


def file_errors(text: str) -> list[str]:
    block = re.search(r'id="file-error".*?</ul>', text, re.S)
    assert block is not None, "no error at the file field"
    return re.findall(r"<li>(.*?)</li>", block.group(0), re.S)


# --------------------------------------------------------------------------- download


@pytest.mark.parametrize("file_format", ["json", "csv"])
def test_the_download_is_the_cli_export_of_the_athlete(
    app: FastAPI, client: TestClient, runner: int, file_format: str
) -> None:
    before = dt.date.today()  # the file is named by the server's day (a run may pass midnight)
    response = client.get(f"/export/download?format={file_format}", headers=HTML)
    assert response.status_code == 200
    assert response.headers["content-disposition"] in {
        f'attachment; filename="calfcoach-export-{day.isoformat()}.{file_format}"'
        for day in (before, dt.date.today())
    }
    if file_format == "json":
        assert response.headers["content-type"] == "application/json"
        ctx = app.state.service_context
        expected = json.loads(document_to_json(export_document(ctx, LOCAL, runner)))
        exported = response.json()
        for key in ("format", "format_version"):
            assert exported[key] == expected[key]
        assert [a["name"] for a in exported["athletes"]] == [NAME]
    else:
        assert response.headers["content-type"] == "text/csv; charset=utf-8"
        assert NAME in response.text


def test_an_unknown_download_format_is_shown_at_its_field(client: TestClient, runner: int) -> None:
    response = client.get("/export/download?format=xml", headers=HTML)
    assert response.status_code == 422
    assert "format: &#39;xml&#39; is not an export format; allowed: json, csv" in response.text
    assert 'aria-describedby="format-error"' in response.text


# --------------------------------------------------------------------------- import


def test_an_uploaded_export_is_imported_whole_into_another_database(
    app: FastAPI, client: TestClient, database_url: str, tmp_path: Path
) -> None:
    add_history(app.state.service_context, TODAY, weeks=1)
    exported = client.get("/export/download?format=json", headers=HTML).content
    sets = sum(
        len(s["sets"]) for a in json.loads(exported)["athletes"] for s in a.get("sessions", [])
    )
    # The same database refuses it (the name is taken) and stores nothing.
    refused = client.post("/export/import", files={"file": ("mine.json", exported)}, headers=HTML)
    assert refused.status_code == 422
    assert file_errors(refused.text) == [
        "athletes[0].name: an athlete named &#39;Web Runner&#39; already exists in this "
        "database; allowed: a name not yet used (nothing was imported)"
    ]
    assert len(athlete_names(app)) == 1
    # After renaming the athlete in the file (as `calfcoach export` would write it), it
    # goes in whole.
    document = json.loads(exported)
    document["athletes"][0]["name"] = "Web Runner Two"
    document.pop("sha256", None)
    renamed = document_to_json(document).encode()  # with its new checksum
    response = client.post(
        "/export/import", files={"file": ("renamed.json", renamed)}, headers=HTML
    )
    assert response.status_code == 200, response.text
    assert f"Imported <strong>Web Runner Two</strong>: {sets} logged sets." in response.text
    assert set(athlete_names(app)) == {"Web Runner", "Web Runner Two"}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"{not json", "bad.json: not valid JSON"),
        (b"", "file: bad.json is empty"),
        (b'{"format": "calfcoach-export", "format_version": 3}', "bad.json"),
    ],
)
def test_a_bad_upload_is_refused_at_the_field_and_nothing_is_stored(
    app: FastAPI, client: TestClient, runner: int, content: bytes, message: str
) -> None:
    response = client.post("/export/import", files={"file": ("bad.json", content)}, headers=HTML)
    assert response.status_code == 422
    errors = file_errors(response.text)
    assert errors and errors[0].startswith(message)
    assert "Traceback" not in response.text
    assert athlete_names(app) == [NAME]


def test_an_import_without_a_file_names_the_missing_field(client: TestClient, runner: int) -> None:
    response = client.post("/export/import", data={}, headers=HTML)
    assert response.status_code == 422
    assert file_errors(response.text) == [
        "file: missing; allowed: a calfcoach export file (JSON or CSV)"
    ]


# --------------------------------------------------------------------------- calendar


def make_address(client: TestClient) -> str:
    response = client.post("/export/calendar", data={"action": "rotate"}, headers=HTML)
    assert response.status_code == 200
    found = re.search(r'value="http://testserver(/calendar/[A-Za-z0-9_-]{43}\.ics)"', response.text)
    assert found is not None
    return found.group(1)


def test_the_calendar_address_serves_the_plan_as_icalendar(
    app: FastAPI, client: TestClient, runner: int
) -> None:
    address = make_address(client)
    response = client.get(address)
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    events = Calendar.from_ical(response.content).walk("VEVENT")
    plan = current_plan(app.state.service_context, LOCAL, runner, TODAY).plan
    assert [e.decoded("dtstart") for e in events] == [s.date for s in plan.sessions]
    assert "An address was made on" in client.get("/export", headers=HTML).text


def test_the_token_is_stored_only_as_its_hash(
    app: FastAPI, client: TestClient, runner: int, database_url: str, tmp_path: Path
) -> None:
    from sqlalchemy import text

    from calfcoach.bootstrap import open_database

    token = make_address(client).removeprefix("/calendar/").removesuffix(".ics")
    with app.state.service_context.unit_of_work(read_only=True) as uow:
        assert uow.calendar_tokens.athlete_for(token_hash(token)) == runner
        assert uow.calendar_tokens.athlete_for(token) is None
    database = open_database(Settings(home=tmp_path, database_url=database_url))
    try:
        with database.engine.connect() as connection:
            rows = connection.execute(text("SELECT token_hash FROM calendar_tokens"))
            stored = rows.scalars().all()
    finally:
        database.dispose()
    assert stored == [token_hash(token)]
    assert token not in stored[0]


def test_a_new_address_replaces_the_old_one_and_a_stopped_one_is_gone(
    client: TestClient, runner: int
) -> None:
    first = make_address(client)
    second = make_address(client)
    assert first != second
    assert client.get(first).status_code == 404
    assert client.get(second).status_code == 200
    stopped = client.post("/export/calendar", data={"action": "stop"}, headers=HTML)
    assert stopped.status_code == 200
    assert "The calendar address was stopped" in stopped.text
    assert client.get(second).status_code == 404
    assert "No address yet." in client.get("/export", headers=HTML).text


@pytest.mark.parametrize("token", ["nope", "x" * 43, "A" * 44, "%00" * 5])
def test_an_unknown_or_malformed_token_is_the_same_404(client: TestClient, token: str) -> None:
    response = client.get(f"/calendar/{token}.ics")
    assert response.status_code == 404
    assert response.json()["detail"] == "No calendar at this address (it may have been replaced)"


def test_an_unknown_calendar_action_is_refused_with_422(client: TestClient, runner: int) -> None:
    response = client.post("/export/calendar", data={"action": "delete-all"}, headers=HTML)
    assert response.status_code == 422
    assert "action: &#39;delete-all&#39; is not an action; allowed: rotate, stop" in response.text


def test_removing_an_athlete_removes_their_calendar_token(
    app: FastAPI, client: TestClient, runner: int
) -> None:
    make_address(client)
    with app.state.service_context.unit_of_work() as uow:
        counts = uow.athletes.remove(runner)
        uow.commit()
    assert counts["calendar_tokens"] == 1


# --------------------------------------------------------------------------- handout


def test_the_handout_lists_every_session_and_every_exercise_it_uses(
    app: FastAPI, client: TestClient, runner: int
) -> None:
    response = client.get("/export/handout", headers=HTML)
    assert response.status_code == 200
    plan = current_plan(app.state.service_context, LOCAL, runner, TODAY).plan
    assert response.text.count('class="card handout-session"') == len(plan.sessions)
    used = {p.exercise for s in plan.sessions for p in s.exercises}
    assert response.text.count('class="card handout-exercise"') == len(used)
    for exercise_id in used:
        assert f'id="ex-{exercise_id}"' in response.text


def test_the_handout_pdf_is_a_pdf_download(client: TestClient, runner: int) -> None:
    response = client.get("/export/handout.pdf", headers=HTML)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"].startswith("attachment; filename=")
    assert response.content.startswith(b"%PDF-")
    assert response.content.rstrip().endswith(b"%%EOF")
    assert len(re.findall(rb"/Type /Page\b", response.content)) >= 2
