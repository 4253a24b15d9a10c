"""Issue 10, item 6: every activity reader fed truncated and mutated files.

Whatever the bytes, a reader returns activities or raises ``ActivityFileError`` (or
``CalendarFileError`` for calendars), never anything else; and a batch of files goes on past
the bad ones. The examples per run follow the hypothesis profile (``tests/strategies.py``:
``HYPOTHESIS_PROFILE=ci`` runs the full counts); ``pytest -m fuzz`` runs only these.
"""

from __future__ import annotations

import datetime as dt
import gzip
import io
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.activity_files import RunSpec, fit_run
from tests.integration.test_import_fuzz import mutate, mutations
from tests.strategies import examples
from tests.unit.test_calendar_import import event, ics
from tests.unit.test_fit_workout import CATALOG, SESSION, strength_activity

from calfcoach.formats.activities import ActivityFileError, read_activity_bytes, read_paths
from calfcoach.formats.calendar_import import CalendarFileError, read_calendar
from calfcoach.formats.fit_workout import read_strength_activity, session_to_fit

pytestmark = pytest.mark.fuzz

DATA = Path(__file__).resolve().parents[1] / "data" / "activities"
START = dt.datetime(2026, 3, 1, 6, 30, tzinfo=dt.UTC)


def _short_gpx() -> bytes:
    """The Strava file's first 20 points: a small but whole GPX file."""
    text = (DATA / "strava_run_with_pause.gpx").read_bytes()
    end = 0
    for _ in range(20):
        end = text.index(b"</trkpt>", end) + len(b"</trkpt>")
    return text[:end] + b"\n  </trkseg>\n </trk>\n</gpx>\n"


SEEDS: dict[str, bytes] = {
    "run.fit": fit_run(RunSpec(START, minutes=3, pauses=[(1, 20)], developer_power=True)),
    "run.gpx": _short_gpx(),
    "run.tcx": (DATA / "polar_treadmill.tcx").read_bytes(),
    "run.fit.gz": gzip.compress(fit_run(RunSpec(START, minutes=2))),
}
STRENGTH = strength_activity(
    [{"set_type": "active", "repetitions": 10, "wkt_step_index": 0, "category": ["cardio"]}],
    jump_count=50,
)
CALENDAR = ics(
    event("a", "Long run 20K", "DTSTART;TZID=Europe/Berlin:20270310T080000"),
    event("b", "Tempo", "DTSTART;VALUE=DATE:20270302", "RRULE:FREQ=WEEKLY;COUNT=5"),
)
FUZZ = settings(
    examples(ci=400, dev=40),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _mutated(data: bytes, changes: list[tuple[str, float, bytes]]) -> bytes:
    for kind, where, extra in changes:
        if kind == "oversize":
            continue  # the size limits have their own tests; no 64 MB files here
        data = mutate(data, kind, where, extra) if data else data
    return data


@FUZZ
@given(
    name=st.sampled_from(sorted(SEEDS)),
    changes=st.lists(mutations, min_size=1, max_size=4),
)
def test_a_mutated_activity_file_is_read_or_refused_with_the_one_error_type(
    name: str, changes: list[tuple[str, float, bytes]]
) -> None:
    data = _mutated(SEEDS[name], changes)
    try:
        activities = read_activity_bytes(name, data)
    except ActivityFileError as error:
        assert str(error).startswith(f"{name}: ") and len(str(error)) > len(name) + 2
    else:
        assert activities  # a reader never returns an empty list silently


@FUZZ
@given(name=st.sampled_from(sorted(SEEDS)), cut=st.floats(0, 1))
def test_a_truncated_activity_file_is_read_or_refused_with_the_one_error_type(
    name: str, cut: float
) -> None:
    data = SEEDS[name]
    try:
        read_activity_bytes(name, data[: int(len(data) * cut)])
    except ActivityFileError:
        pass


@FUZZ
@given(data=st.binary(max_size=2000), suffix=st.sampled_from([".fit", ".gpx", ".tcx", ".gpx.gz"]))
def test_random_bytes_are_refused_with_the_one_error_type(data: bytes, suffix: str) -> None:
    with pytest.raises(ActivityFileError):
        read_activity_bytes(f"x{suffix}", data)


@FUZZ
@given(changes=st.lists(mutations, min_size=1, max_size=4))
def test_a_mutated_strength_activity_is_read_or_refused_with_the_one_error_type(
    changes: list[tuple[str, float, bytes]],
) -> None:
    try:
        read_strength_activity("s.fit", _mutated(STRENGTH, changes), CATALOG, SESSION)
    except ActivityFileError:
        pass


@FUZZ
@given(changes=st.lists(mutations, min_size=1, max_size=4))
def test_a_mutated_calendar_is_read_or_refused_with_the_one_error_type(
    changes: list[tuple[str, float, bytes]],
) -> None:
    try:
        read_calendar(_mutated(CALENDAR, changes), dt.date(2027, 1, 1), dt.date(2027, 12, 31))
    except CalendarFileError:
        pass


@settings(examples(ci=60, dev=10), suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(changes=st.lists(mutations, min_size=1, max_size=3), at=st.integers(0, 3))
def test_a_zip_export_with_a_damaged_member_still_yields_every_other_member(
    tmp_path: Path, changes: list[tuple[str, float, bytes]], at: int
) -> None:
    buffer = io.BytesIO()
    names = sorted(SEEDS)
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for i, name in enumerate(names):
            body = _mutated(SEEDS[name], changes) if i == at else SEEDS[name]
            z.writestr(f"activities/{name}", body)
    path = tmp_path / "export.zip"
    path.write_bytes(buffer.getvalue())
    results = list(read_paths([path]))
    assert [r.source.rsplit("/", 1)[-1] for r in results] == names
    assert all(r.ok for i, r in enumerate(results) if i != at)


@settings(examples(ci=300, dev=30), suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(changes=st.lists(mutations, min_size=1, max_size=4), nested=st.booleans())
def test_a_damaged_zip_archive_gives_results_and_never_raises(
    tmp_path: Path, changes: list[tuple[str, float, bytes]], nested: bool
) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for name in sorted(SEEDS):
            z.writestr(f"activities/{name}", SEEDS[name])
    archive = buffer.getvalue()
    if nested:  # Garmin's layout: the damaged zip inside a good one
        outer = io.BytesIO()
        with zipfile.ZipFile(outer, "w") as z:
            z.writestr("DI_CONNECT/UploadedFiles_0-_Part1.zip", _mutated(archive, changes))
        data = outer.getvalue()
    else:
        data = _mutated(archive, changes)
    path = tmp_path / "export.zip"
    path.write_bytes(data)
    seen: list[int] = []
    results = list(read_paths([path], lambda done, total, name: seen.append(done)))
    assert all(r.ok or isinstance(r.error, ActivityFileError) for r in results)
    assert seen == list(range(1, len(seen) + 1))


def test_every_seed_of_the_fuzz_is_itself_valid() -> None:
    # The seeds above must be readable, or the fuzz would test only refusals.
    for name, data in SEEDS.items():
        assert read_activity_bytes(name, data), name
    assert read_strength_activity("s.fit", STRENGTH, CATALOG, SESSION).sets
    assert read_calendar(CALENDAR, dt.date(2027, 1, 1), dt.date(2027, 12, 31)).runs
    assert session_to_fit(SESSION, CATALOG)
