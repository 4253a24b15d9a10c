"""The runs API (issue 10, item 5): list, upload (multipart; a bad file reported, the others
stored), the running load, and the day's FIT workout, on SQLite and PostgreSQL."""

from __future__ import annotations

import io
import zipfile

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from tests.integration.test_api_v1 import LOOPBACK
from tests.integration.test_runs import DATA, run_file
from tests.integration.test_services import PROFILE, START, TODAY, WED
from tests.service_calls import local, on

from calfcoach.bootstrap import context_for
from calfcoach.services import athletes
from calfcoach.services.access import Actor
from calfcoach.storage.db import Database
from calfcoach.web import api_runs, api_v1


def make_app(database: Database, actor: Actor | None = None) -> FastAPI:
    app = FastAPI()
    app.state.service_context = context_for(database, today=lambda: TODAY)
    api_v1.install_problem_handlers(app)
    app.include_router(api_runs.router)
    if actor is not None:
        app.dependency_overrides[api_v1.current_actor] = lambda: actor
    return app


@pytest.fixture
def ana(database: Database) -> int:
    athletes.add_athlete(*local(database), PROFILE, start=START, weeks=8, name="ana")
    return on(database, "ana")[2]


def a_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("activities/r1.fit", run_file(1))
        archive.writestr("activities/broken.fit", b"garbage")
    return buffer.getvalue()


def test_an_upload_stores_the_good_files_and_names_the_bad_ones(
    database: Database, ana: int
) -> None:
    client = TestClient(make_app(database), client=LOOPBACK)
    files = [
        ("files", ("r0.fit", run_file(0), "application/octet-stream")),
        ("files", ("easy.gpx", (DATA / "garmin_connect_easy_run.gpx").read_bytes(), "text/xml")),
        ("files", ("export.zip", a_zip(), "application/zip")),
        ("files", ("notes.txt", b"hello", "text/plain")),
    ]

    answer = client.post(f"/api/v1/athletes/{ana}/runs", files=files)

    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["imported"] == 3
    assert sorted(e["source"] for e in body["errors"]) == [
        "export.zip/activities/broken.fit",
        "notes.txt",
    ]
    listed = client.get(f"/api/v1/athletes/{ana}/runs", params={"limit": 2}).json()
    assert (listed["total"], len(listed["items"])) == (3, 2)
    again = client.post(f"/api/v1/athletes/{ana}/runs", files=files[:1]).json()
    assert (again["imported"], again["duplicates"]) == (0, 1)


def test_the_runs_list_refuses_a_bad_range_as_problem_json(database: Database, ana: int) -> None:
    client = TestClient(make_app(database), client=LOOPBACK)

    answer = client.get(
        f"/api/v1/athletes/{ana}/runs", params={"from": "2026-09-10", "to": "2026-09-01"}
    )

    assert answer.status_code == 422
    assert answer.headers["content-type"].startswith("application/problem+json")
    problem = answer.json()["errors"][0]
    assert problem["field"] == "to"  # the query's own name
    assert problem["message"] == "2026-09-01 is before the first day, from 2026-09-10"


def test_the_workout_of_a_day_downloads_as_a_fit_file(database: Database, ana: int) -> None:
    client = TestClient(make_app(database), client=LOOPBACK)

    answer = client.get(f"/api/v1/athletes/{ana}/workout.fit", params={"date": WED.isoformat()})
    rest = client.get(f"/api/v1/athletes/{ana}/workout.fit", params={"date": START.isoformat()})

    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/vnd.ant.fit"
    assert answer.content[8:12] == b".FIT"
    assert rest.status_code == 404


def test_the_running_load_answers_with_weeks_and_the_spike_check(
    database: Database, ana: int
) -> None:
    client = TestClient(make_app(database), client=LOOPBACK)
    client.post(
        f"/api/v1/athletes/{ana}/runs",
        files=[("files", ("r0.fit", run_file(0), "application/octet-stream"))],
    )

    body = client.get(f"/api/v1/athletes/{ana}/running-load", params={"date": "2026-09-10"}).json()

    assert body["weeks"][0]["runs"] == 1
    assert body["spike"]["rule"] == "RUN-SPIKE-1"


def test_an_actor_who_may_only_view_cannot_upload(database: Database, ana: int) -> None:
    viewer = Actor.for_athletes("token", None, [ana], ["view"])
    client = TestClient(make_app(database, viewer), client=LOOPBACK)

    answer = client.post(
        f"/api/v1/athletes/{ana}/runs",
        files=[("files", ("r0.fit", run_file(0), "application/octet-stream"))],
    )

    assert answer.status_code == 403
    assert client.get(f"/api/v1/athletes/{ana}/runs").json()["total"] == 0
