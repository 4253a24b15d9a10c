"""The runs pages (issue 10, the web app's side), on SQLite and PostgreSQL: the runs list with
its filter, weekly totals and spike check, kinds edited; the upload with each file's outcome;
the training calendar (file or address) with its events edited; the watch workout download
and the strength activity upload on Today. Bad input: one clear message at the field, status
422 (404 for what does not exist), and nothing stored."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from garmin_fit_sdk import Decoder, Stream
from tests.activity_files import RunSpec, calendar_ics, fit_run
from tests.integration.web_pages import add_runner, on_app, text_of
from tests.unit.test_fit_workout import strength_activity

from calfcoach.services import runs
from calfcoach.services.corrections import list_sets
from calfcoach.web.routes.runs import hms

TODAY = dt.date.today()


def run_days_ago(days: int, minutes: float = 40) -> bytes:
    """A FIT run of ``days`` days before today, at 06:30 UTC."""
    day = dt.date.today() - dt.timedelta(days=days)  # the day of the test, not of the import
    start = dt.datetime(day.year, day.month, day.day, 6, 30, tzinfo=dt.UTC)
    return fit_run(RunSpec(start, minutes=minutes, seed=days))


def a_zip(*members: tuple[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members:
            archive.writestr(name, data)
    return buffer.getvalue()


def outcomes(html: str) -> dict[str, str]:
    """The upload result's file -> outcome."""
    found = re.findall(
        r'<span class="file-name">([^<]+)</span>\s*'
        r'<span class="badge outcome-[^"]+">([^<]+)</span>',
        html,
    )
    return dict(found)


def upload(client: TestClient, *files: tuple[str, bytes]) -> tuple[int, str]:
    answer = client.post(
        "/runs/upload",
        files=[("files", (name, data, "application/octet-stream")) for name, data in files],
    )
    return answer.status_code, answer.text


@pytest.fixture
def runner(app: FastAPI) -> int:
    add_runner(app)
    return on_app(app)[2]


def stored_runs(app: FastAPI) -> int:
    return runs.list_runs(*on_app(app)).total


def stored_events(app: FastAPI) -> int:
    return runs.list_events(*on_app(app)).total


# --------------------------------------------------------------------------- runs page


def test_the_runs_page_is_in_the_nav_and_says_what_to_do_when_empty(
    client: TestClient, runner: int
) -> None:
    page = client.get("/today").text
    assert '<a href="/runs"' in page

    answer = client.get("/runs")

    assert answer.status_code == 200
    text = text_of(answer.text)
    assert "No runs yet." in text and "Upload the activity files" in text
    assert 'aria-current="page">Runs' in answer.text
    assert "data-upload" in answer.text and 'src="/static/js/upload.js"' in answer.text


def test_an_upload_shows_each_files_outcome_and_lists_the_runs(
    app: FastAPI, client: TestClient, runner: int
) -> None:
    walk = fit_run(
        RunSpec(dt.datetime.combine(TODAY, dt.time(8), dt.UTC), sport="walking", seed=99)
    )
    archive = a_zip(("export/r3.fit", run_days_ago(3)), ("export/broken.fit", b"garbage"))

    status, html = upload(
        client,
        ("r1.fit", run_days_ago(1, minutes=61)),
        ("walk.fit", walk),
        ("garmin.zip", archive),
        ("truncated.fit", run_days_ago(5)[:300]),
    )

    assert status == 200
    assert outcomes(html) == {
        "r1.fit": "imported",
        "walk.fit": "not a run",
        "garmin.zip/export/r3.fit": "imported",
        "garmin.zip/export/broken.fit": "error",
        "truncated.fit": "error",
    }
    assert "2 runs imported" in text_of(html)
    assert stored_runs(app) == 2
    listed = client.get("/runs").text
    first = runs.list_runs(*on_app(app)).items[-1]
    assert hms(first.duration_s) in listed and re.search(r"\d:\d\d:\d\d", listed)
    assert "r1.fit" in listed and f"{first.distance_km:.2f} km" in listed

    status, again = upload(client, ("r1.fit", run_days_ago(1, minutes=61)))
    assert outcomes(again) == {"r1.fit": "duplicate"}
    assert stored_runs(app) == 2


def test_a_truncated_file_alone_is_one_clear_error_and_nothing_is_stored(
    app: FastAPI, client: TestClient, runner: int
) -> None:
    status, html = upload(client, ("broken.fit", run_days_ago(2)[:300]))

    assert status == 422
    assert outcomes(html) == {"broken.fit": "error"}
    errors = re.findall(r'<p class="field-error">([^<]+)</p>', html)
    assert len(errors) == 1 and "broken.fit" in errors[0]
    assert stored_runs(app) == 0


def test_an_upload_without_a_file_is_refused_at_the_field(
    app: FastAPI, client: TestClient, runner: int
) -> None:
    answer = client.post("/runs/upload", data={"x": "1"})

    assert answer.status_code == 422
    assert 'id="runs-error"' in answer.text and "no file given" in answer.text
    assert 'aria-invalid="true"' in answer.text
    assert stored_runs(app) == 0


def test_an_upload_over_the_limit_is_refused_before_it_is_read(
    client: TestClient, runner: int
) -> None:
    from calfcoach.web.api_runs import MAX_UPLOAD_BYTES

    answer = client.post(
        "/runs/upload",
        content=b"x",
        headers={
            "content-type": "multipart/form-data; boundary=b",
            "content-length": str(MAX_UPLOAD_BYTES + 10**6),
        },
    )

    assert answer.status_code == 413
    assert "larger than" in answer.json()["detail"]


def test_the_list_is_filtered_by_dates_and_a_bad_range_is_shown_at_its_field(
    app: FastAPI, client: TestClient, runner: int
) -> None:
    upload(client, ("a.fit", run_days_ago(10)), ("b.fit", run_days_ago(2)))
    since = (TODAY - dt.timedelta(days=5)).isoformat()

    filtered = client.get("/runs", params={"from": since})
    assert filtered.status_code == 200
    assert "b.fit" in filtered.text and "a.fit" not in filtered.text

    empty = client.get("/runs", params={"to": (TODAY - dt.timedelta(days=30)).isoformat()})
    assert "No runs between these days." in text_of(empty.text)

    bad = client.get("/runs", params={"from": "2026-13-40"})
    assert bad.status_code == 422
    assert 'id="runs-from-error"' in bad.text and "is not a valid date" in bad.text

    backwards = client.get("/runs", params={"from": TODAY.isoformat(), "to": since})
    assert backwards.status_code == 422
    assert 'id="runs-to-error"' in backwards.text and "before the first day" in backwards.text


def test_the_list_opens_on_its_latest_runs_and_pages_back_to_the_earlier_ones(
    client: TestClient, runner: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    from calfcoach.web.routes import runs as runs_page

    monkeypatch.setattr(runs_page, "PAGE_SIZE", 2)
    upload(client, *((f"day{d}.fit", run_days_ago(d)) for d in (9, 6, 3)))

    latest = client.get("/runs").text
    assert "day6.fit" in latest and "day3.fit" in latest and "day9.fit" not in latest
    assert "2 to 3 shown" in text_of(latest)
    earlier = re.search(r'href="(/runs\?offset=0[^"]*)">Earlier runs', latest)
    assert earlier is not None
    first_page = client.get(earlier.group(1).replace("&amp;", "&")).text
    assert "day9.fit" in first_page and "day3.fit" not in first_page
    assert "Later runs" in first_page
    bad = client.get("/runs", params={"offset": "many"})
    assert bad.status_code == 422 and "is not a whole number" in bad.text


def test_weekly_totals_and_the_spike_check_are_shown_with_their_figures(
    app: FastAPI, client: TestClient, runner: int
) -> None:
    upload(client, *((f"r{d}.fit", run_days_ago(d, minutes=50)) for d in (1, 3, 9)))

    html = client.get("/runs").text

    load = runs.running_load(*on_app(app), dt.date.today())  # the page's day (not import's)
    assert "Weekly totals" in html and load.spike.rule in html
    assert load.spike.message.split(":")[0] in text_of(html)
    for week in load.weeks:
        if week.runs:
            assert week.week_start.strftime("%d %b %Y") in html


def test_a_runs_kind_is_changed_and_a_bad_kind_is_refused_at_its_field(
    app: FastAPI, client: TestClient, runner: int
) -> None:
    upload(client, ("r.fit", run_days_ago(2)))
    run = runs.list_runs(*on_app(app)).items[0]
    other = next(k for k in ("easy", "hard", "long") if k != run.kind)

    changed = client.post(f"/runs/{run.id}/kind", data={"kind": other}, follow_redirects=False)
    assert changed.status_code == 303 and changed.headers["location"] == "/runs?done=kind"
    page = client.get(changed.headers["location"]).text
    assert "The run&#39;s kind was changed" in page and "(edited)" in page
    assert runs.list_runs(*on_app(app)).items[0].kind == other

    refused = client.post(f"/runs/{run.id}/kind", data={"kind": "sprint"})
    assert refused.status_code == 422
    assert f'id="kind-{run.id}-error"' in refused.text and "not a kind of run" in refused.text
    assert runs.list_runs(*on_app(app)).items[0].kind == other

    missing = client.post("/runs/999999/kind", data={"kind": "easy"})
    assert missing.status_code == 404 and "no run with id 999999" in missing.text


# --------------------------------------------------------------------------- calendar


def ics(*events: tuple[dt.date, str]) -> bytes:
    return calendar_ics(*((f"{day:%Y%m%d}", title) for day, title in events))


def in_days(n: int) -> dt.date:
    return TODAY + dt.timedelta(days=n)


def import_calendar(client: TestClient, data: bytes, name: str = "plan.ics") -> str:
    answer = client.post("/runs/calendar", files={"file": (name, data, "text/calendar")})
    assert answer.status_code == 200, text_of(answer.text)
    return answer.text


def test_the_calendar_page_says_what_to_do_when_empty(client: TestClient, runner: int) -> None:
    answer = client.get("/runs/calendar")

    assert answer.status_code == 200
    assert "No planned runs or races from today on." in text_of(answer.text)


def test_a_calendar_file_is_imported_and_its_events_listed_with_their_kinds(
    app: FastAPI, client: TestClient, runner: int
) -> None:
    html = import_calendar(
        client,
        ics((in_days(3), "Long run 24 km"), (in_days(5), "Tempo 3x10"), (in_days(40), "City 10K")),
    )

    text = text_of(html)
    assert "Imported 2 planned runs and 1 race" in text
    for title, kind in (("Long run 24 km", "Long"), ("Tempo 3x10", "Hard"), ("City 10K", "Race")):
        assert re.search(rf"{kind}</span></h3>\s*<p>{title}", html), title
    assert stored_events(app) == 3


def test_a_calendar_page_import_says_what_lay_outside_the_window_and_how_a_latin_1_file_was_read(
    app: FastAPI, client: TestClient, runner: int
) -> None:
    """hostile sweep, stop 29: events outside the window went without a word; a Latin-1 file
    was stored with U+FFFD in its titles."""
    data = ics((in_days(3), "Course facile Hélène 8 km"), (in_days(900), "Long run"))
    html = import_calendar(client, data.decode().encode("latin-1"))

    text = text_of(html)
    assert "Course facile Hélène 8 km" in text and "\ufffd" not in text
    assert "1 event outside the import window (" in text and "was not imported." in text
    assert "The file is not UTF-8: it was read as Windows-1252 (Latin-1)" in text
    assert stored_events(app) == 1


@pytest.mark.parametrize(
    ("form", "message"),
    [
        (
            {"files": {"file": ("notes.ics", b"this is not a calendar", "text/calendar")}},
            "not a valid iCalendar file",
        ),
        ({"data": {"url": "https://127.0.0.1:1/plan.ics"}}, "could not fetch the calendar"),
        ({"data": {"url": "http://plan.example/plan.ics"}}, "not an https address"),
        ({"data": {"url": ""}}, "no file or address given"),
        (
            {
                "files": {"file": ("p.ics", ics((in_days(2), "Long run")), "text/calendar")},
                "data": {"url": "https://plan.example/p.ics"},
            },
            "both a file and an address",
        ),
    ],
)
def test_a_calendar_that_cannot_be_read_is_one_message_and_nothing_is_stored(
    app: FastAPI, client: TestClient, runner: int, form: dict[str, object], message: str
) -> None:
    answer = client.post("/runs/calendar", **form)  # type: ignore[arg-type]

    assert answer.status_code == 422
    block = re.search(r'<div id="calendar-error"[^>]*>(.*?)</div>', answer.text, re.S)
    assert block is not None
    items = re.findall(r"<li>(.*?)</li>", block.group(1), re.S)
    assert len(items) == 1 and message in items[0]
    assert stored_events(app) == 0


def test_a_planned_events_kind_and_day_are_changed_and_the_past_is_refused(
    app: FastAPI, client: TestClient, runner: int
) -> None:
    import_calendar(client, ics((in_days(3), "Easy run 8 km"), (in_days(6), "Long run")))
    event = runs.list_events(*on_app(app)).items[0]

    moved = client.post(
        f"/runs/calendar/events/{event.id}",
        data={"kind": "long", "date": in_days(4).isoformat()},
        follow_redirects=False,
    )
    assert moved.status_code == 303
    assert "The planned event was changed." in client.get(moved.headers["location"]).text
    after = runs.list_events(*on_app(app)).items[0]
    assert (after.id, after.kind, after.date) == (event.id, "long", in_days(4))

    past = client.post(
        f"/runs/calendar/events/{event.id}",
        data={"kind": "long", "date": in_days(-2).isoformat()},
    )
    assert past.status_code == 422
    assert f'id="event-{event.id}-date-error"' in past.text
    assert "the past is not re-planned" in past.text
    bad_kind = client.post(f"/runs/calendar/events/{event.id}", data={"kind": "nap"})
    assert bad_kind.status_code == 422 and f'id="event-{event.id}-kind-error"' in bad_kind.text
    bad_day = client.post(f"/runs/calendar/events/{event.id}", data={"date": "tomorrow"})
    assert bad_day.status_code == 422 and "is not a valid date" in bad_day.text
    assert runs.list_events(*on_app(app)).items[0] == after

    missing = client.post("/runs/calendar/events/999999", data={"kind": "easy"})
    assert missing.status_code == 404 and "no planned event with id 999999" in missing.text


# --------------------------------------------------------------------------- watch


def session_days(app: FastAPI) -> list[dt.date]:
    from calfcoach.services.training import current_plan

    return [s.date for s in current_plan(*on_app(app), TODAY).plan.sessions]


def test_today_offers_the_session_as_a_fit_workout_for_the_watch(
    app: FastAPI, client: TestClient, runner: int
) -> None:
    day = next(d for d in session_days(app) if d >= TODAY)

    page = client.get("/today", params={"date": day.isoformat()}).text
    link = f'href="/today/workout.fit?date={day.isoformat()}"'
    assert link in page and "Download for your watch (.fit)" in page

    answer = client.get(f"/today/workout.fit?date={day.isoformat()}")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/vnd.ant.fit"
    assert answer.content == runs.workout_fit(*on_app(app), day)
    messages, errors = Decoder(Stream.from_byte_array(bytearray(answer.content))).read()
    assert errors == [] and messages["file_id_mesgs"][0]["type"] == "workout"


def test_a_rest_day_has_no_workout_link_and_no_workout(
    app: FastAPI, client: TestClient, runner: int
) -> None:
    plan_days = set(session_days(app))
    rest = next(in_days(n) for n in range(1, 8) if in_days(n) not in plan_days)

    page = client.get("/today", params={"date": rest.isoformat()}).text
    assert "workout.fit" not in page

    answer = client.get(
        f"/today/workout.fit?date={rest.isoformat()}", headers={"accept": "text/html"}
    )
    assert answer.status_code == 404 and "rest day" in answer.text
    assert client.get("/today/workout.fit?date=soon").status_code == 422


def test_a_stopped_day_offers_no_workout_for_the_watch(
    app: FastAPI, client: TestClient, runner: int
) -> None:
    from calfcoach.services.training import record_checkin

    record_checkin(*on_app(app), TODAY, pain=3, stiffness=2, today=TODAY, red_flags=["pop"])
    day = next(d for d in session_days(app) if d > TODAY)  # R-PAIN-2a: stopped until cleared

    page = client.get("/today", params={"date": day.isoformat()}).text
    answer = client.get(f"/today/workout.fit?date={day.isoformat()}")
    local = TestClient(app, client=("127.0.0.1", 50000))  # the API serves loopback untokened
    api = local.get(f"/api/v1/athletes/{runner}/workout.fit", params={"date": day.isoformat()})

    assert "data-stopped" in page and "workout.fit" not in page
    assert answer.status_code == 404 and "The plan is stopped" in answer.text
    assert api.status_code == 404 and "the plan is stopped" in api.json()["detail"]


def test_a_watch_strength_activity_is_logged_once_and_summed_up_on_today(
    app: FastAPI, client: TestClient, runner: int
) -> None:
    day = [d for d in session_days(app) if d < TODAY][-1]
    data = strength_activity([], jump_count=120, start=dt.datetime.combine(day, dt.time(6), dt.UTC))

    answer = client.post("/today/strength", files={"file": ("watch.fit", data)})

    assert answer.status_code == 200
    text = text_of(answer.text)
    assert f"Logged 1 set of {day:%a %d %b}" in text and "Jump count: 120." in text
    assert len(list_sets(*on_app(app)).sets) == 1
    again = text_of(client.post("/today/strength", files={"file": ("watch.fit", data)}).text)
    assert "Logged 0 sets" in again and "1 set of this file were logged by an earlier" in again
    assert len(list_sets(*on_app(app)).sets) == 1


def test_a_watch_file_with_one_impossible_set_logs_none_of_its_sets(
    app: FastAPI, client: TestClient, runner: int
) -> None:
    from calfcoach.formats.fit_workout import workout_steps
    from calfcoach.services.training import today_session

    day = [d for d in session_days(app) if d < TODAY][-1]
    session = today_session(*on_app(app), day)
    assert session is not None
    steps = [s for s in workout_steps(session) if not s.rest][:2]
    sets = [
        {"set_type": "active", "repetitions": 8, "weight": kg, "wkt_step_index": step.index}
        for step, kg in zip(steps, (None, 900.0), strict=True)  # 900 kg: a watch's glitch
    ]
    data = strength_activity(sets, start=dt.datetime.combine(day, dt.time(6), dt.UTC))

    answer = client.post("/today/strength", files={"file": ("glitch.fit", data)})

    assert answer.status_code == 422
    assert "900" in text_of(answer.text)
    assert not list_sets(*on_app(app)).sets


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({"file": ("watch.fit", b"")}, "watch.fit is empty"),
        ({"file": ("empty.fit", b"\x00")}, "empty.fit"),
        ({"file": ("cut.fit", strength_activity([], jump_count=50)[:40])}, "cut.fit"),
    ],
)
def test_a_bad_strength_file_is_one_message_at_its_field_and_nothing_is_logged(
    app: FastAPI, client: TestClient, runner: int, files: dict[str, object], message: str
) -> None:
    answer = client.post("/today/strength", files=files)  # type: ignore[arg-type]

    assert answer.status_code == 422
    block = re.search(r'<div id="strength-error"[^>]*>(.*?)</div>', answer.text, re.S)
    assert block is not None
    items = re.findall(r"<li>(.*?)</li>", block.group(1), re.S)
    assert len(items) == 1 and message in items[0]
    assert not list_sets(*on_app(app)).sets


def test_a_strength_upload_without_a_file_is_refused_at_its_field(
    app: FastAPI, client: TestClient, runner: int
) -> None:
    answer = client.post("/today/strength", data={"date": TODAY.isoformat()})

    assert answer.status_code == 422
    assert 'id="strength-error"' in answer.text and "no file given" in answer.text
    assert not list_sets(*on_app(app)).sets


def test_a_strength_upload_over_its_limit_is_refused_before_it_is_read(
    client: TestClient, runner: int
) -> None:
    from calfcoach.web.api_runs import MAX_STRENGTH_UPLOAD_BYTES

    answer = client.post(
        "/today/strength",
        content=b"x",
        headers={
            "content-type": "multipart/form-data; boundary=b",
            "content-length": str(MAX_STRENGTH_UPLOAD_BYTES + 10**6),
        },
    )

    assert answer.status_code == 413
