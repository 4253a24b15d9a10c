"""Issue 10, item 3 end to end through the CLI: imported runs and an imported training
calendar change what `plan` and `today` show from today on (R-SCHED-4, R-SCHED-4a, RUN-SPIKE-1),
and what was given before today stays as it was (R-HIST)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.integration.cli_harness import DEMO, Cli, make_cli
from tests.integration.test_runs import MONDAY, calendar_file, run_file

# The demo athlete (free Mon, Wed, Fri, Sat; hard run Tue, easy Thu, long Sun), planned from
# Monday 2026-09-07; "today" is Monday 2026-09-21, the first day of week 3.
START = MONDAY.date()
TODAY = START + dt.timedelta(days=14)
DAY = dt.timedelta(days=1)


@pytest.fixture
def cli(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Cli]:
    cli = make_cli(database_url, tmp_path, monkeypatch)
    result = cli("athlete", "add", "--profile", str(DEMO), "--start", START.isoformat())
    assert result.code == 0, result.err
    cli.on(TODAY.isoformat())
    yield cli


def plan(cli: Cli, on: dt.date = TODAY) -> dict[dt.date, dict[str, Any]]:
    result = cli("plan", "--athlete", "Alex Demo", "--date", on.isoformat(), "--format", "json")
    assert result.code == 0, result.err
    return {dt.date.fromisoformat(s["date"]): s for s in json.loads(result.out)["sessions"]}


def runs_folder(tmp_path: Path, day: dt.date) -> Path:
    """Three 40-minute runs a week for the 5 weeks before ``day``, then four hour-long runs in
    its last 4 days: the 7 days up to ``day`` carry about twice the average week before."""
    folder = tmp_path / "runs"
    folder.mkdir()
    last = (day - START).days  # run_file counts days from the plan's Monday
    for back in range(35, 7, -1):
        if back % 7 in (0, 2, 4):
            (folder / f"steady{back}.fit").write_bytes(run_file(last - back))
    for back in range(4, 0, -1):
        (folder / f"burst{back}.fit").write_bytes(run_file(last - back, minutes=60))
    return folder


def today_session(cli: Cli) -> dict[str, Any] | None:
    result = cli("today", "--athlete", "Alex Demo", "--format", "json")
    assert result.code == 0, result.err
    found: dict[str, Any] | None = json.loads(result.out)
    return found


def steps_up(session: dict[str, Any]) -> list[str]:
    """The reasons of a dose stepping up (R-PROG-2/6 load or reps, R-PROG-4 contacts)."""
    return [
        r["text"]
        for e in session["exercises"]
        for r in e["reasons"]
        if (r["rule"] in ("R-PROG-2", "R-PROG-6") and ", so " in r["text"])
        or (r["rule"] == "R-PROG-4" and "go up" in r["text"])
    ]


def test_imported_runs_and_a_calendar_move_the_sessions_from_today_on_only(
    cli: Cli, tmp_path: Path
) -> None:
    before = plan(cli)
    past = {d: s for d, s in before.items() if d < TODAY}
    assert past, "the plan has sessions before today"
    # A session day of the plan from today on: the calendar puts a long run on it.
    target = min(d for d in before if d > TODAY + DAY)
    race_day = TODAY + 13 * DAY  # a Sunday: a half marathon (recovery: 4 days)
    path = calendar_file(
        tmp_path,
        (f"{target:%Y%m%d}", "Long run 26 km"),
        (f"{race_day:%Y%m%d}", "Half marathon"),
        (f"{TODAY - 5 * DAY:%Y%m%d}", "Long run 20 km"),  # in the past: changes nothing given
    )

    imported = cli("calendar", "import", str(path))
    assert imported.code == 0, imported.err
    assert "re-planned" in imported.out or "new" in imported.out, imported.out
    after = plan(cli)

    # R-SCHED-4: no session on the long run's day or the day before; R-SCHED-4a: none the
    # day before the race, on it or in its 4 days of recovery.
    for day in (
        target,
        target - DAY,
        race_day - DAY,
        race_day,
        *(race_day + i * DAY for i in range(1, 5)),
    ):
        assert day not in after, day
    # R-SCHED-4: no heavy or plyometric work in the 7 days before the race.
    for day, session in after.items():
        if 0 < (race_day - day).days <= 7:
            assert not [e for e in session["exercises"] if e["scheme"] in ("heavy", "plyometric")]
    # R-HIST: what was given before today is what the plan showed before the import (the same
    # JSON), wherever the plan still shows it.
    for day, session in after.items():
        if day < TODAY:
            assert session == past[day]


def test_a_running_load_spike_holds_todays_progression_and_shows_the_figures(
    cli: Cli, tmp_path: Path
) -> None:
    # The athlete does every session as prescribed until a day whose session steps a dose up.
    day = None
    for d in sorted(plan(cli)):
        cli.on(d.isoformat())
        session = today_session(cli)
        assert session is not None
        if d >= TODAY and steps_up(session):
            day = d
            break
        done = cli("log", "--date", d.isoformat(), "--as-prescribed", "--rpe", "7", "--pain", "0")
        assert done.code == 0, done.err
    assert day is not None, "some session of the plan steps a dose up"

    # The runs of the 5 weeks before, imported that morning: the last 7 days spike.
    imported = cli("runs", "import", str(runs_folder(tmp_path, day)))
    assert imported.code == 0, imported.err
    load = cli("runs", "load", "--date", day.isoformat())
    assert "RUN-SPIKE-1: running load spike" in load.out, load.out

    session = today_session(cli)
    assert session is not None
    assert steps_up(session) == []  # held: nothing steps up that day
    reasons = [
        r["text"] for e in session["exercises"] for r in e["reasons"] if r["rule"] == "RUN-SPIKE-1"
    ]
    assert reasons, session
    # The figures: the last 7 days, the 4-week average, the ratio.
    assert "last 7 days" in reasons[0] and "average week of the 4 before" in reasons[0]
    assert "x, above 1.5x" in reasons[0] and "progression held" in reasons[0]
    shown = plan(cli, day)[day]
    assert any(r["rule"] == "RUN-SPIKE-1" for e in shown["exercises"] for r in e["reasons"])
