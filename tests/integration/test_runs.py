"""Imported runs and calendars through the services (issue 10), on SQLite and PostgreSQL:
batches with bad files, duplicates, kinds, weekly load and the spike check, calendars from
files and addresses, and watch workouts both ways."""

from __future__ import annotations

import datetime as dt
import io
import urllib.request
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from garmin_fit_sdk import Decoder, Stream
from tests.activity_files import RunSpec, calendar_ics, fit_run
from tests.integration.test_services import PROFILE, START, WED, make_athlete
from tests.service_calls import local, on
from tests.unit.test_fit_workout import strength_activity

from calfcoach.errors import ForbiddenError, InputError, NotFoundError
from calfcoach.services import athletes, calendar_fetch, runs
from calfcoach.services.access import Actor
from calfcoach.storage.db import Database
from calfcoach.storage.uow import AbstractUnitOfWork

DATA = Path(__file__).resolve().parents[1] / "data" / "activities"
MONDAY = dt.datetime(2026, 9, 7, 6, 30, tzinfo=dt.UTC)


def run_file(day: int, minutes: float = 40, **spec: object) -> bytes:
    start = MONDAY + dt.timedelta(days=day)
    return fit_run(RunSpec(start, minutes=minutes, seed=day, **spec))  # type: ignore[arg-type]


def batch(tmp_path: Path) -> Path:
    """A folder as a watch export leaves it: 3 FIT runs, a GPX and a TCX from other
    services, a truncated FIT, and a zip holding a copy of one FIT run and one new run."""
    folder = tmp_path / "export"
    folder.mkdir()
    for day in (0, 2, 4):
        (folder / f"run-{day}.fit").write_bytes(run_file(day))
    (folder / "strava.gpx").write_bytes((DATA / "strava_run_with_pause.gpx").read_bytes())
    (folder / "polar.tcx").write_bytes((DATA / "polar_treadmill.tcx").read_bytes())
    (folder / "broken.fit").write_bytes(run_file(5)[:300])
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("UploadedFiles/run-2.fit", run_file(2))
        archive.writestr("UploadedFiles/run-6.fit", run_file(6, minutes=100))
    (folder / "garmin.zip").write_bytes(buffer.getvalue())
    return folder


def test_a_batch_imports_every_good_file_and_reports_the_bad_one_and_the_duplicate(
    database: Database, tmp_path: Path
) -> None:
    make_athlete(database)
    seen: list[tuple[int, int]] = []

    report = runs.import_paths(
        *on(database), [batch(tmp_path)], progress=lambda d, t, _: seen.append((d, t))
    )

    assert report.imported == 6  # 3 FIT, GPX, TCX, the new run of the zip
    assert report.duplicates == 1  # the zip's copy of run-2.fit (RUN-DUP-1)
    assert [Path(e.source).name for e in report.errors] == ["broken.fit"]
    assert "broken.fit" in (report.errors[0].error or "")
    assert seen[-1][0] == seen[-1][1] == 8  # one tick per file, archive members included
    listed = runs.list_runs(*on(database))
    assert listed.total == 6
    assert [r.date for r in listed.items] == sorted(r.date for r in listed.items)
    long_run = next(r for r in listed.items if r.source.endswith("run-6.fit"))
    assert long_run.kind == "long" and long_run.kind_source == "auto"  # RUN-CLASS-1
    assert all(r.load > 0 and r.duration_s > 0 for r in listed.items)


def test_importing_the_same_files_again_stores_nothing_twice(
    database: Database, tmp_path: Path
) -> None:
    make_athlete(database)
    folder = batch(tmp_path)
    runs.import_paths(*on(database), [folder])

    again = runs.import_paths(*on(database), [folder])

    assert again.imported == 0
    assert again.duplicates == 7
    assert runs.list_runs(*on(database)).total == 6


def test_a_batch_of_only_bad_files_stores_nothing_and_says_why_for_each(
    database: Database, tmp_path: Path
) -> None:
    make_athlete(database)
    bad = [tmp_path / "a.fit", tmp_path / "b.gpx", tmp_path / "missing.tcx"]
    bad[0].write_bytes(b"not a fit file at all")
    bad[1].write_bytes((DATA / "billion_laughs.gpx").read_bytes())

    report = runs.import_paths(*on(database), bad)

    assert report.imported == 0
    assert [Path(e.source).name for e in report.errors] == ["a.fit", "b.gpx", "missing.tcx"]
    assert "no such file" in (report.errors[2].error or "")
    assert runs.list_runs(*on(database)).total == 0


def test_a_run_recorded_by_two_devices_is_stored_once(database: Database, tmp_path: Path) -> None:
    make_athlete(database)
    watch = tmp_path / "watch.fit"
    phone = tmp_path / "phone.fit"
    watch.write_bytes(run_file(1, manufacturer="garmin"))
    # The same run a minute later, recorded every 2 s: another file, the same activity.
    phone.write_bytes(
        fit_run(
            RunSpec(MONDAY + dt.timedelta(days=1, minutes=1), minutes=39, record_every_s=2, seed=9)
        )
    )

    report = runs.import_paths(*on(database), [watch, phone])

    assert (report.imported, report.duplicates) == (1, 1)


def test_walks_and_rides_are_not_stored_as_runs(database: Database, tmp_path: Path) -> None:
    make_athlete(database)
    ride = tmp_path / "ride.fit"
    ride.write_bytes(run_file(1, sport="cycling", speed_mps=8.0))

    report = runs.import_paths(*on(database), [ride])

    assert (report.imported, report.not_runs) == (0, 1)
    assert runs.list_runs(*on(database)).total == 0


def test_runs_are_listed_by_date_range_and_page(database: Database, tmp_path: Path) -> None:
    make_athlete(database)
    runs.import_paths(*on(database), [batch(tmp_path)])
    first, last = dt.date(2026, 9, 8), dt.date(2026, 9, 12)

    ranged = runs.list_runs(*on(database), first, last)
    page = runs.list_runs(*on(database), offset=1, limit=2)

    assert ranged.items and all(first <= r.date <= last for r in ranged.items)
    assert ranged.total < 6
    assert (page.total, page.offset, len(page.items)) == (6, 1, 2)
    with pytest.raises(InputError) as raised:
        runs.list_runs(*on(database), last, first)
    assert raised.value.details[0].field == "to_date"


def test_a_runs_kind_is_edited_and_kept_as_edited(database: Database, tmp_path: Path) -> None:
    make_athlete(database)
    (tmp_path / "no-hr.fit").write_bytes(run_file(0, heart_rate=None))
    report = runs.import_paths(*on(database), [tmp_path / "no-hr.fit"])
    easy = report.runs[0]
    assert (easy.kind, easy.load_basis) == ("easy", "estimate")

    edited = runs.set_run_kind(*on(database), easy.id, "hard")

    assert (edited.kind, edited.kind_source) == ("hard", "edited")
    assert edited.load > easy.load  # RUN-LOAD-3: an estimated RPE of 7, not 3
    stored = next(r for r in runs.list_runs(*on(database)).items if r.id == easy.id)
    assert stored.kind == "hard"
    with pytest.raises(InputError, match="kind"):
        runs.set_run_kind(*on(database), easy.id, "sprint")
    with pytest.raises(NotFoundError, match="no run with id 999999"):
        runs.set_run_kind(*on(database), 999_999, "easy")


def test_the_spike_check_holds_after_a_week_far_above_the_four_before(
    database: Database, tmp_path: Path
) -> None:
    make_athlete(database)
    files = []
    for day in range(0, 28, 3):  # four calm weeks: 30 min every third day
        files.append((f"calm-{day}.fit", run_file(day, minutes=30, heart_rate=None)))
    for day in range(28, 35):  # then every day for an hour
        files.append((f"hot-{day}.fit", run_file(day, minutes=60, heart_rate=None)))
    for name, data in files:
        (tmp_path / name).write_bytes(data)
    runs.import_paths(*on(database), [tmp_path])
    today = (MONDAY + dt.timedelta(days=34)).date()

    load = runs.running_load(*on(database), today)

    assert load.spike.hold is True  # RUN-SPIKE-1
    assert load.spike.ratio is not None and load.spike.ratio > 1.5
    assert "strength progression held" in load.spike.message
    assert len(load.spike.weeks_before) == 4
    assert sum(w.runs for w in load.weeks) == len(files)
    calm = runs.running_load(*on(database), today - dt.timedelta(days=7))
    assert calm.spike.hold is False


def test_an_actor_who_may_not_log_for_the_athlete_cannot_import(
    database: Database, tmp_path: Path
) -> None:
    make_athlete(database)
    ctx, _, athlete_id = on(database)
    viewer = Actor.for_athletes("token", None, [athlete_id], ["view"])
    (tmp_path / "r.fit").write_bytes(run_file(0))

    with pytest.raises(ForbiddenError):
        runs.import_paths(ctx, viewer, athlete_id, [tmp_path / "r.fit"])
    assert runs.list_runs(*on(database)).total == 0


# --------------------------------------------------------------------------- calendar

TODAY = dt.date(2026, 9, 1)


def calendar_file(tmp_path: Path, *events: tuple[str, str]) -> Path:
    path = tmp_path / "plan.ics"
    path.write_bytes(calendar_ics(*events))
    return path


def test_a_calendar_file_gives_planned_runs_and_races_and_a_reimport_replaces_them(
    database: Database, tmp_path: Path
) -> None:
    make_athlete(database)
    path = calendar_file(
        tmp_path,
        ("20260906", "Long run 24 km"),
        ("20260908", "Tempo 3x10 min"),
        ("20260910", "Rest day"),
        ("20261018", "Berlin Marathon"),
    )

    report = runs.import_calendar(*on(database), str(path), today=TODAY)

    assert [(e.date.isoformat(), e.kind) for e in report.events] == [
        ("2026-09-06", "long"),
        ("2026-09-08", "hard"),
        ("2026-10-18", "race"),
    ]
    assert report.events[2].distance_km == pytest.approx(42.195)
    assert len(report.skipped) == 1 and "Rest day" in report.skipped[0]
    path.write_text(path.read_text().replace("Tempo 3x10 min", "Easy run"))
    again = runs.import_calendar(*on(database), str(path), today=TODAY)
    assert again.replaced == 3
    assert [e.kind for e in again.events] == ["long", "easy", "race"]


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("http://example.com/plan.ics", "not an https address"),
        ("file:///etc/passwd", "not an https address"),
        ("https://127.0.0.1:1/plan.ics", "could not fetch the calendar from 127.0.0.1"),
        ("no-such-plan.ics", "is not a file"),
    ],
)
def test_a_calendar_that_cannot_be_had_is_one_clear_error(
    database: Database, source: str, message: str
) -> None:
    make_athlete(database)

    with pytest.raises(InputError, match=message) as raised:
        runs.import_calendar(*on(database), source, today=TODAY)

    assert raised.value.details[0].field == "calendar"


def test_a_damaged_calendar_is_refused_and_nothing_is_stored(
    database: Database, tmp_path: Path
) -> None:
    make_athlete(database)
    path = tmp_path / "bad.ics"
    path.write_text("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:notadate\r\n")

    with pytest.raises(InputError, match="calendar"):
        runs.import_calendar(*on(database), str(path), today=TODAY)


# --------------------------------------------------------------------------- watch workouts


def test_the_days_session_is_exported_as_a_fit_workout(database: Database) -> None:
    make_athlete(database)

    data = runs.workout_fit(*on(database), WED)

    messages, errors = Decoder(Stream.from_byte_array(bytearray(data))).read()
    assert errors == []
    assert messages["file_id_mesgs"][0]["type"] == "workout"
    assert len(messages["workout_step_mesgs"]) >= 2


def test_a_rest_day_has_no_workout_to_export(database: Database) -> None:
    make_athlete(database)

    with pytest.raises(NotFoundError, match="rest day"):
        runs.workout_fit(*on(database), START)  # a Monday: a run day, no strength


def test_a_watch_strength_file_is_logged_once_however_often_it_is_imported(
    database: Database,
) -> None:
    athletes.add_athlete(*local(database), PROFILE, start=dt.date(2027, 1, 4), weeks=8, name="ana")
    data = strength_activity([], jump_count=150)  # the evening of 2027-01-06 (UTC)
    today = dt.date(2027, 1, 8)

    first = runs.import_strength_fit(*on(database), data, today=today)
    second = runs.import_strength_fit(*on(database), data, today=today)

    assert [(s.exercise, s.contacts) for s in first.logged] == [("jump-rope", 300)]
    assert (len(second.logged), second.already) == (0, 1)
    from calfcoach.services.corrections import list_sets

    assert len(list_sets(*on(database)).sets) == 1


def test_a_file_that_is_not_a_fit_strength_activity_is_refused(database: Database) -> None:
    make_athlete(database)

    with pytest.raises(InputError) as raised:
        runs.import_strength_fit(*on(database), b"hello", today=WED)

    assert raised.value.details[0].field == "file"


# --------------------------------------------------------------------------- the repository


def _repository_scenario(make_uow: Callable[[], AbstractUnitOfWork]) -> list[object]:
    from calfcoach.core.models import Race
    from calfcoach.core.running import PlannedRun
    from calfcoach.formats.activities import read_activity_bytes

    activity = read_activity_bytes("a.fit", run_file(0))[0]
    seen: list[object] = []
    with make_uow() as uow:
        athlete = uow.athletes.add("ana", PROFILE)
        run = uow.runs.add(athlete.id, activity, "easy", "auto", 120.0, "trimp")
        uow.commit()
    with make_uow() as uow:
        seen.append([(r.kind, r.load, r.activity) for r in uow.runs.all(athlete.id)])
        seen.append(len(uow.runs.between(athlete.id, activity.local_date, None)))
        seen.append(len(uow.runs.between(athlete.id, None, activity.local_date - ONE_DAY)))
        edited = uow.runs.set_kind(athlete.id, run.id, "long", "edited", 200.0, "estimate")
        seen.append((edited.kind, edited.kind_source, edited.load, edited.load_basis))
        with pytest.raises(NotFoundError):
            uow.runs.set_kind(athlete.id + 1, run.id, "long", "edited", 1.0, "estimate")
        planned = [PlannedRun(date=WED, kind="long", title="Long run")]
        races = [Race(date=WED + ONE_DAY * 10, distance_km=10.0, name="10K")]
        seen.append(uow.runs.replace_events(athlete.id, "plan.ics", planned, races))
        seen.append(uow.runs.replace_events(athlete.id, "plan.ics", planned, races))
        seen.append(uow.runs.replace_events(athlete.id, "other.ics", planned, ()))
        seen.append([(e.date, e.kind, e.title, e.source) for e in uow.runs.events(athlete.id)])
        seen.append(len(uow.runs.events(athlete.id, WED + ONE_DAY, None)))
        # not committed: nothing of this unit of work is kept
    with make_uow() as uow:
        seen.append([r.kind for r in uow.runs.all(athlete.id)])
        seen.append(uow.runs.events(athlete.id))
    return seen


ONE_DAY = dt.timedelta(days=1)


def test_the_fake_run_repository_keeps_the_promises_of_the_sql_one(database: Database) -> None:
    from tests.fakes import FakeStore, FakeUnitOfWork

    store = FakeStore()
    fake = _repository_scenario(lambda: FakeUnitOfWork(store))
    real = _repository_scenario(database.unit_of_work)

    assert fake == real
    assert real[-2:] == [["easy"], []]
    assert real[1:7] == [1, 0, ("long", "edited", 200.0, "estimate"), 0, 2, 0]


class _Answer(io.BytesIO):
    def __enter__(self) -> _Answer:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


class _Opener:
    """Stands in for urllib's opener: records the request and the timeout, serves ``body``."""

    def __init__(self, body: bytes) -> None:
        self.body = body
        self.calls: list[tuple[str, float]] = []

    def open(self, request: urllib.request.Request, timeout: float) -> _Answer:
        self.calls.append((request.full_url, timeout))
        return _Answer(self.body)


def test_a_calendar_at_an_https_address_is_fetched_with_a_timeout_and_imported(
    database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_athlete(database)
    body = calendar_file(tmp_path, ("20260906", "Long run 24 km")).read_bytes()
    opener = _Opener(body)
    monkeypatch.setattr(urllib.request, "build_opener", lambda *handlers: opener)

    report = runs.import_calendar(*on(database), "https://plan.example/p.ics", today=TODAY)

    assert opener.calls == [("https://plan.example/p.ics", runs.CALENDAR_TIMEOUT_S)]
    assert [e.kind for e in report.events] == ["long"]


def test_a_calendar_address_serving_too_much_is_refused_unread(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    from calfcoach.formats.calendar_import import MAX_CALENDAR_BYTES

    make_athlete(database)
    opener = _Opener(b"x" * (MAX_CALENDAR_BYTES + 10))
    monkeypatch.setattr(urllib.request, "build_opener", lambda *handlers: opener)

    with pytest.raises(InputError, match="larger than"):
        runs.import_calendar(*on(database), "https://plan.example/big.ics", today=TODAY)


def test_a_redirect_away_from_https_is_refused() -> None:
    handler = calendar_fetch._HttpsOnly()
    request = urllib.request.Request("https://plan.example/p.ics")

    with pytest.raises(InputError, match="not https"):
        handler.redirect_request(request, None, 302, "Found", {}, "http://plan.example/p.ics")
