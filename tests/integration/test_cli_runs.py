"""`calfcoach runs|calendar|workout` and `log import` (issue 10, item 5): the contract's
commands, their summaries and exit statuses, and refused input that leaves the data as it was."""

from __future__ import annotations

import datetime as dt
import json
import time
from pathlib import Path

import pytest
from tests.integration.cli_harness import DEMO, START, WED, Cli, make_cli, make_demo_cli
from tests.integration.test_runs import DATA, batch, calendar_file, run_file
from tests.unit.test_fit_workout import strength_activity


@pytest.fixture
def cli(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Cli:
    return make_demo_cli(database_url, tmp_path, monkeypatch)


def test_runs_import_summarises_a_batch_and_exits_2_when_a_file_failed(
    cli: Cli, tmp_path: Path
) -> None:
    result = cli("runs", "import", str(batch(tmp_path)))

    assert result.code == 2
    assert "Imported 6 runs; 1 duplicate not stored again; 1 file with errors." in result.out
    assert result.err.count("error:") == 1 and "broken.fit" in result.err
    listed = json.loads(cli("runs", "list", "--format", "json").out)
    assert len(listed) == 6
    assert {"date", "kind", "distance_km", "duration_s", "load", "source"} <= set(listed[0])


def test_runs_import_of_good_files_exits_0_and_again_finds_only_duplicates(
    cli: Cli, tmp_path: Path
) -> None:
    files = [tmp_path / "a.fit", tmp_path / "b.gpx"]
    files[0].write_bytes(run_file(0))
    files[1].write_bytes((DATA / "garmin_connect_easy_run.gpx").read_bytes())

    first = cli("runs", "import", *map(str, files))
    again = cli("runs", "import", *map(str, files))

    assert first.code == 0, first.err
    assert "Imported 2 runs; 0 duplicates" in first.out
    assert again.code == 0
    assert "Imported 0 runs; 2 duplicates not stored again" in again.out


def test_runs_list_shows_the_columns_and_filters_by_date(cli: Cli, tmp_path: Path) -> None:
    (tmp_path / "a.fit").write_bytes(run_file(0))
    (tmp_path / "b.fit").write_bytes(run_file(3))
    cli("runs", "import", str(tmp_path))

    table = cli("runs", "list")
    ranged = json.loads(
        cli("runs", "list", "--from", "2026-09-09", "--to", "2026-09-30", "--format", "json").out
    )

    for column in ("date", "kind", "distance_km", "duration_s", "load", "source"):
        assert column in table.out
    assert "a.fit" in table.out and "b.fit" in table.out
    assert [r["date"] for r in ranged] == ["2026-09-10"]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("runs", "list", "--from", "2026-13-01"), "--from: "),
        (("runs", "list", "--format", "xml"), "--format: 'xml' is not allowed"),
        (("runs", "list", "--from", "2026-09-10", "--to", "2026-09-01"), "--to: 2026-09-01"),
        (("runs", "kind", "1", "sprint"), "sprint"),
        (("runs", "kind", "77", "easy"), "no run with id 77"),
        (("calendar", "import", "http://example.com/p.ics"), "not an https address"),
        (("workout", "export", "--date", WED), "--output: missing"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message_and_no_traceback(
    cli: Cli, args: tuple[str, ...], expected: str
) -> None:
    before = cli.snapshot()

    result = cli.run(*args)

    assert result.code == 2, result.out
    assert expected in result.err
    assert "Traceback" not in result.err + result.out
    assert cli.snapshot() == before


def test_runs_kind_changes_a_runs_kind(cli: Cli, tmp_path: Path) -> None:
    (tmp_path / "a.fit").write_bytes(run_file(0, heart_rate=None))
    cli("runs", "import", str(tmp_path))
    run_id = json.loads(cli("runs", "list", "--format", "json").out)[0]["id"]

    result = cli("runs", "kind", str(run_id), "hard")

    assert result.code == 0
    assert "is now hard" in result.out
    assert json.loads(cli("runs", "list", "--format", "json").out)[0]["kind_source"] == "edited"


def test_runs_load_shows_the_weeks_and_the_spike_rule(cli: Cli, tmp_path: Path) -> None:
    (tmp_path / "a.fit").write_bytes(run_file(0))
    cli("runs", "import", str(tmp_path))

    result = cli("runs", "load", "--date", "2026-09-10")

    assert "week of 2026-09-07: 1 runs" in result.out
    assert "RUN-SPIKE-1: not enough running history" in result.out


def test_calendar_import_lists_the_planned_runs_and_races(cli: Cli, tmp_path: Path) -> None:
    cli.on("2026-09-01")
    path = calendar_file(tmp_path, ("20260906", "Long run 24 km"), ("20261018", "Berlin Marathon"))

    result = cli("calendar", "import", str(path))

    assert result.code == 0, result.err
    assert "Imported 1 planned run and 1 race" in result.out
    assert "2026-10-18  race  Berlin Marathon" in result.out


def test_calendar_import_of_a_rule_repeating_every_second_exits_2_at_once(
    cli: Cli, tmp_path: Path
) -> None:
    cli.on("2026-09-01")
    path = tmp_path / "rrule.ics"
    path.write_bytes(  # D-191: the file that took 24 GB of memory
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:1@x\r\n"
        b"DTSTART;VALUE=DATE:20260920\r\nRRULE:FREQ=SECONDLY\r\nSUMMARY:Race 10k\r\n"
        b"END:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    before = cli.snapshot()
    started = time.perf_counter()

    result = cli.run("calendar", "import", str(path))

    assert time.perf_counter() - started < 5.0  # was minutes (and 24 GB)
    assert result.code == 2, result.out
    assert "'Race 10k' repeats every second" in result.err
    assert "Traceback" not in result.err + result.out
    assert cli.snapshot() == before


def test_workout_export_writes_a_fit_file_and_refuses_to_overwrite_it(
    cli: Cli, tmp_path: Path
) -> None:
    target = tmp_path / "wed.fit"

    written = cli("workout", "export", "--date", WED, "-o", str(target))
    refused = cli.run("workout", "export", "--date", WED, "-o", str(target))
    forced = cli("workout", "export", "--date", WED, "-o", str(target), "--force")

    assert written.code == 0 and target.read_bytes()[8:12] == b".FIT"
    assert refused.code == 2 and "already exists" in refused.err and "--force" in refused.err
    assert forced.code == 0


def test_workout_export_on_a_rest_day_says_so(cli: Cli, tmp_path: Path) -> None:
    result = cli.run("workout", "export", "--date", START, "-o", str(tmp_path / "x.fit"))

    assert result.code == 2
    assert "rest day" in result.err
    assert not (tmp_path / "x.fit").exists()


def test_log_import_logs_a_watch_file_once(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cli = make_cli(database_url, tmp_path, monkeypatch)
    cli("athlete", "add", "--profile", str(DEMO), "--start", "2027-01-04")
    cli.on("2027-01-08")
    path = tmp_path / "watch.fit"
    path.write_bytes(strength_activity([], jump_count=100))

    first = cli("log", "import", str(path))
    again = cli("log", "import", str(path))

    assert first.code == 0, first.err
    assert "Logged 1 sets of 2027-01-0" in first.out and "jump count 100" in first.out
    assert "Logged 0 sets" in again.out and "1 already imported" in again.out
    sets = json.loads(cli("sets", "--format", "json").out)
    assert [(s["exercise"], s["contacts"]) for s in sets] == [("jump-rope", 200)]


def test_log_import_of_a_file_that_is_not_there_or_not_fit_is_refused(
    cli: Cli, tmp_path: Path
) -> None:
    (tmp_path / "x.fit").write_bytes(b"nope")

    missing = cli.run("log", "import", str(tmp_path / "none.fit"))
    damaged = cli.run("log", "import", str(tmp_path / "x.fit"))
    wrong = cli.run("log", "export", "x")

    assert missing.code == damaged.code == wrong.code == 2
    assert "is not a file" in missing.err
    assert "x.fit" in damaged.err
    assert "not a log action" in wrong.err


def test_the_date_helpers_agree_with_the_fixture_days() -> None:
    assert dt.date.fromisoformat(WED).weekday() == 2


def test_runs_import_of_nothing_readable_exits_2_and_writes_nothing(
    cli: Cli, tmp_path: Path
) -> None:
    """Every file failed: the import fixed the past sessions (R-HIST's 'end of its day'
    versions) and committed them, a write by a refused command (found by test_cli_fuzz)."""
    cli.on("2026-12-04")  # the plan (from START) is past: its days are there to fix
    before = cli.snapshot()
    result = cli.run("runs", "import", str(tmp_path / "none.fit"))
    assert result.code == 2, result.err
    assert "none.fit" in result.err
    assert cli.snapshot() == before
