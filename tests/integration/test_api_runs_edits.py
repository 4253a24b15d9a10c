"""The API twins of the runs pages' actions (issue 10, items 2, 4, 5): a run's kind, the
calendar import (file or address), the planned events listed and edited, a watch's strength
activity logged. Problem+json for bad input, nothing stored. On SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from tests.integration.test_api_runs import ana, make_app  # noqa: F401  (the fixture)
from tests.integration.test_api_v1 import LOOPBACK
from tests.integration.test_runs import run_file
from tests.integration.test_services import TODAY
from tests.integration.test_web_runs import ics
from tests.unit.test_fit_workout import strength_activity

from calfcoach.services.access import Actor
from calfcoach.storage.db import Database


def client_of(database: Database, actor: Actor | None = None) -> TestClient:
    return TestClient(make_app(database, actor), client=LOOPBACK)


def problem(answer: object) -> dict[str, object]:
    assert answer.headers["content-type"].startswith("application/problem+json")  # type: ignore[attr-defined]
    body: dict[str, object] = answer.json()  # type: ignore[attr-defined]
    return body


def in_days(n: int) -> dt.date:
    return TODAY + dt.timedelta(days=n)


def test_a_runs_kind_is_changed_by_patch_and_a_bad_kind_is_a_422(
    database: Database,
    ana: int,  # noqa: F811
) -> None:
    client = client_of(database)
    files = [("files", ("r0.fit", run_file(0), "application/octet-stream"))]
    run = client.post(f"/api/v1/athletes/{ana}/runs", files=files).json()["runs"][0]
    other = next(k for k in ("easy", "hard", "long") if k != run["kind"])

    changed = client.patch(f"/api/v1/athletes/{ana}/runs/{run['id']}", json={"kind": other})
    refused = client.patch(f"/api/v1/athletes/{ana}/runs/{run['id']}", json={"kind": "jog"})
    missing = client.patch(f"/api/v1/athletes/{ana}/runs/99999", json={"kind": "easy"})

    assert changed.status_code == 200
    assert (changed.json()["kind"], changed.json()["kind_source"]) == (other, "edited")
    assert refused.status_code == 422 and problem(refused)["errors"][0]["field"] == "kind"  # type: ignore[index]
    assert missing.status_code == 404
    listed = client.get(f"/api/v1/athletes/{ana}/runs").json()["items"]
    assert [r["kind"] for r in listed] == [other]


def test_the_upload_answers_each_files_outcome(database: Database, ana: int) -> None:  # noqa: F811
    client = client_of(database)
    files = [
        ("files", ("r0.fit", run_file(0), "application/octet-stream")),
        ("files", ("cut.fit", run_file(1)[:300], "application/octet-stream")),
    ]

    body = client.post(f"/api/v1/athletes/{ana}/runs", files=files).json()
    again = client.post(f"/api/v1/athletes/{ana}/runs", files=files[:1]).json()

    assert [(f["source"], f["outcome"]) for f in body["files"]] == [
        ("r0.fit", "imported"),
        ("cut.fit", "error"),
    ]
    assert "cut.fit" in body["files"][1]["message"]
    assert [f["outcome"] for f in again["files"]] == ["duplicate"]


def test_a_calendar_is_imported_listed_and_its_events_edited(
    database: Database,
    ana: int,  # noqa: F811
) -> None:
    client = client_of(database)
    data = ics(
        (in_days(2), "Long run 20 km"),
        (in_days(9), "Intervals 6x800"),
        (in_days(30), "Half marathon"),
    )

    imported = client.post(
        f"/api/v1/athletes/{ana}/calendar", files={"file": ("plan.ics", data, "text/calendar")}
    )

    assert imported.status_code == 200, imported.text
    body = imported.json()
    assert (body["runs"], body["races"], body["source"]) == (2, 1, "plan.ics")
    listed = client.get(f"/api/v1/athletes/{ana}/events", params={"from": in_days(3).isoformat()})
    assert [e["kind"] for e in listed.json()["items"]] == ["hard", "race"]
    event = body["events"][0]
    moved = client.patch(
        f"/api/v1/athletes/{ana}/events/{event['id']}",
        json={"date": in_days(3).isoformat(), "kind": "easy"},
    )
    assert moved.status_code == 200
    assert (moved.json()["date"], moved.json()["kind"]) == (in_days(3).isoformat(), "easy")
    past = client.patch(
        f"/api/v1/athletes/{ana}/events/{event['id']}", json={"date": in_days(-1).isoformat()}
    )
    assert past.status_code == 422 and problem(past)["errors"][0]["field"] == "date"  # type: ignore[index]
    nothing = client.patch(f"/api/v1/athletes/{ana}/events/{event['id']}", json={})
    assert nothing.status_code == 422
    missing = client.patch(f"/api/v1/athletes/{ana}/events/99999", json={"kind": "easy"})
    assert missing.status_code == 404
    unchanged = client.get(f"/api/v1/athletes/{ana}/events").json()["items"][0]
    assert (unchanged["date"], unchanged["kind"]) == (in_days(3).isoformat(), "easy")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"files": {"file": ("notes.ics", b"no calendar here", "text/calendar")}},
            "not a valid iCalendar file",
        ),
        ({"data": {"url": "https://127.0.0.1:1/plan.ics"}}, "could not fetch the calendar"),
        ({}, "no file or address given"),
    ],
)
def test_a_calendar_that_cannot_be_read_is_a_422_and_nothing_is_stored(
    database: Database,
    ana: int,  # noqa: F811
    kwargs: dict[str, object],
    message: str,
) -> None:
    client = client_of(database)

    answer = client.post(f"/api/v1/athletes/{ana}/calendar", **kwargs)  # type: ignore[arg-type]

    assert answer.status_code == 422
    errors = problem(answer)["errors"]
    assert len(errors) == 1 and message in errors[0]["message"]  # type: ignore[index, arg-type]
    assert client.get(f"/api/v1/athletes/{ana}/events").json()["total"] == 0


def repeating(rule: str, start: str = "DTSTART;VALUE=DATE:{day}") -> bytes:
    """One event repeating by ``rule``, starting in 16 days (the defect's 150-byte file)."""
    first = start.format(day=f"{in_days(16):%Y%m%d}")
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:1@x\r\n"
        f"{first}\r\nRRULE:{rule}\r\nSUMMARY:Race 10k\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    ).encode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        # D-191: 24 GB of memory, then the server was killed.
        (repeating("FREQ=SECONDLY"), "'Race 10k' repeats every second"),
        # 39 s before the event limit was reached.
        (repeating("FREQ=MINUTELY"), "'Race 10k' repeats every minute"),
        (
            repeating(
                "FREQ=DAILY;COUNT=2000000000;BYHOUR=6,12,18;BYMINUTE=0,10,20,30,40,50",
                "DTSTART:{day}T060000",
            ),
            "more than 5,000 events",
        ),
    ],
)
def test_a_calendar_repeating_too_often_is_a_quick_422_and_nothing_is_stored(
    database: Database,
    ana: int,  # noqa: F811
    data: bytes,
    message: str,
) -> None:
    client = client_of(database)
    started = time.perf_counter()

    answer = client.post(
        f"/api/v1/athletes/{ana}/calendar", files={"file": ("rrule.ics", data, "text/calendar")}
    )

    assert time.perf_counter() - started < 5.0  # was minutes (and 24 GB)
    assert answer.status_code == 422
    errors = problem(answer)["errors"]
    assert len(errors) == 1 and message in errors[0]["message"]  # type: ignore[index, arg-type]
    assert client.get(f"/api/v1/athletes/{ana}/events").json()["total"] == 0


def test_a_watch_strength_activity_is_logged_once_through_the_api(
    database: Database,
    ana: int,  # noqa: F811
) -> None:
    client = client_of(database)
    start = dt.datetime.combine(in_days(-2), dt.time(6), dt.UTC)
    data = strength_activity([], jump_count=80, start=start)
    url = f"/api/v1/athletes/{ana}/strength-activities"

    first = client.post(url, files={"file": ("watch.fit", data)})
    second = client.post(url, files={"file": ("watch.fit", data)})
    broken = client.post(url, files={"file": ("cut.fit", data[:30])})

    assert first.status_code == 200, first.text
    assert first.json()["jump_count"] == 80 and len(first.json()["logged"]) == 1
    assert (len(second.json()["logged"]), second.json()["already"]) == (0, 1)
    assert broken.status_code == 422 and problem(broken)["errors"][0]["field"] == "file"  # type: ignore[index]


def test_an_actor_who_may_only_view_cannot_import_a_calendar_or_edit_an_event(
    database: Database,
    ana: int,  # noqa: F811
) -> None:
    data = ics((in_days(2), "Long run"))
    client_of(database).post(
        f"/api/v1/athletes/{ana}/calendar", files={"file": ("plan.ics", data, "text/calendar")}
    )
    viewer = Actor.for_athletes("token", None, [ana], ["view"])
    client = client_of(database, viewer)
    event = client.get(f"/api/v1/athletes/{ana}/events").json()["items"][0]

    imported = client.post(
        f"/api/v1/athletes/{ana}/calendar", files={"file": ("other.ics", data, "text/calendar")}
    )
    edited = client.patch(f"/api/v1/athletes/{ana}/events/{event['id']}", json={"kind": "easy"})

    assert (imported.status_code, edited.status_code) == (403, 403)
    assert client.get(f"/api/v1/athletes/{ana}/events").json()["items"] == [event]


@pytest.mark.parametrize("shown", ["0.0", "1e9", "20261201", "2026-12-1"])
def test_a_day_in_the_api_is_written_yyyy_mm_dd_and_nothing_else(
    database: Database,
    ana: int,  # noqa: F811
    shown: str,
) -> None:
    """pydantic alone reads ``0.0`` as 1970-01-01 (a Unix time): the API refuses it."""
    client = client_of(database)
    # (today, plan and the sessions' days: the schemathesis negative cases of test_api_fuzz)
    for url in (
        f"/api/v1/athletes/{ana}/runs?from={shown}",
        f"/api/v1/athletes/{ana}/runs?to={shown}",
        f"/api/v1/athletes/{ana}/workout.fit?date={shown}",
    ):
        response = client.get(url)
        assert response.status_code == 422, (url, response.text)
        problem = response.json()["errors"][0]
        assert (problem["message"], problem["allowed"]) == (
            f"{shown!r} is not a valid date",  # the CLI's words (was "not a day; allowed: ...")
            "YYYY-MM-DD",
        )


# D-191: the calendar address does not reach into this machine or its network.
INSIDE_URLS = [
    "https://localhost/plan.ics",
    "https://[::1]/plan.ics",
    "https://0x7f000001/plan.ics",
    "https://2130706433/plan.ics",
    "https://169.254.169.254/latest/meta-data/",
    "https://10.0.0.5/plan.ics",
]


@pytest.fixture
def server(database_url: str, tmp_path: Path) -> Iterator[tuple[FastAPI, int]]:
    from tests.integration.server_mode import context, make_account, server_app
    from tests.integration.test_services import PROFILE

    from calfcoach.services import athletes

    made = server_app(database_url, tmp_path)
    ctx = context(made)
    added = athletes.add_athlete(ctx, Actor.local(), PROFILE, start=TODAY, name="ana")
    make_account(made, "ana@example.org", "athlete", athlete_id=added.athlete.id)
    try:
        yield made, added.athlete.id
    finally:
        made.state.service_context.close()


def test_server_mode_refuses_a_calendar_address_inside_this_machine_or_network(
    server: tuple[FastAPI, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.integration.server_mode import signed_in

    from calfcoach.services import calendar_fetch

    def no_connection(*args: object) -> object:
        raise AssertionError("a socket was opened")

    monkeypatch.setattr(calendar_fetch, "_open", no_connection)
    app, athlete_id = server
    client = signed_in(app, "ana@example.org")

    for url in INSIDE_URLS:
        answer = client.post(f"/api/v1/athletes/{athlete_id}/calendar", data={"url": url})
        page = client.post("/runs/calendar", data={"url": url})

        assert answer.status_code == 422, url
        errors = problem(answer)["errors"]
        assert errors == [  # one message, whatever the address and however it is written
            {
                "code": "invalid",
                "field": "calendar",
                "message": calendar_fetch.SERVER_REFUSAL,
                "value": url,
                "allowed": "a calendar on a public https address, or its file",
            }
        ], errors
        assert page.status_code == 422 and calendar_fetch.SERVER_REFUSAL in page.text, url
    assert client.get(f"/api/v1/athletes/{athlete_id}/events").json()["total"] == 0


def test_local_mode_refuses_the_metadata_address_but_tries_its_own_machine(
    database: Database,
    ana: int,  # noqa: F811
) -> None:
    client = client_of(database)

    metadata = client.post(
        f"/api/v1/athletes/{ana}/calendar", data={"url": "https://169.254.169.254/latest/"}
    )
    loopback = client.post(
        f"/api/v1/athletes/{ana}/calendar", data={"url": "https://127.0.0.1:1/plan.ics"}
    )

    assert metadata.status_code == 422
    assert "cloud metadata" in problem(metadata)["errors"][0]["message"]  # type: ignore[index]
    assert loopback.status_code == 422
    message = problem(loopback)["errors"][0]["message"]  # type: ignore[index]
    assert message.startswith("could not fetch the calendar from 127.0.0.1 (")  # type: ignore[union-attr]


def test_an_events_new_day_given_as_a_number_is_refused_not_read_as_a_unix_time(
    database: Database,
    ana: int,  # noqa: F811
) -> None:
    """``{"date": 1764806400}`` moved the run to 2025-12-04 (pydantic's Unix time)."""
    client = client_of(database)
    data = ics((in_days(2), "Long run"))
    client.post(
        f"/api/v1/athletes/{ana}/calendar", files={"file": ("plan.ics", data, "text/calendar")}
    )
    event = client.get(f"/api/v1/athletes/{ana}/events").json()["items"][0]

    moved = client.patch(f"/api/v1/athletes/{ana}/events/{event['id']}", json={"date": 1764806400})

    assert moved.status_code == 422, moved.text
    problem = moved.json()["errors"][0]
    assert (problem["field"], problem["message"], problem["allowed"]) == (
        "date",
        "1764806400 is not a valid date",
        "YYYY-MM-DD",
    )
    assert client.get(f"/api/v1/athletes/{ana}/events").json()["items"] == [event]
