"""The stored-athlete commands as a user runs them, on SQLite and PostgreSQL.

Every bad input exits with status 2, names the field, the value and what is allowed on
stderr, and leaves the database exactly as it was (an export before and after is equal).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from tests.service_calls import local
from typer.testing import CliRunner

from calfcoach.cli import app
from calfcoach.services import transfer
from calfcoach.storage.db import Database

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "examples" / "demo-profile.json"
START = "2026-03-02"  # the demo athlete's plan: Wed 03-04, Fri 03-06, Wed 03-11, ...
# v2 (R-SCHED-3 rotation, R-PROG-1a): Wed 03-04 heavy bent-knee heel raises (a load-finding
# ramp from body weight), Fri 03-06 one-leg mini-squats, Wed 03-11 light straight-knee raises,
# Fri 03-13 jump rope, ..., Wed 04-01 heavy bent-knee raises again.
WED, THU, FRI = "2026-03-04", "2026-03-05", "2026-03-06"
ROPE_DAY = "2026-03-13"
NEXT_BENT_KNEE_HEAVY = "2026-04-01"
FUTURE = "2099-01-01"


@dataclass
class Result:
    code: int
    out: str
    err: str


@dataclass
class Cli:
    runner: CliRunner
    env: dict[str, str]
    url: str
    monkeypatch: pytest.MonkeyPatch

    def on(self, day: str) -> None:
        """Set the real today the commands read (R-HIST: what was given depends on when)."""
        today = dt.date.fromisoformat(day)
        for module in ("calfcoach.cli.athlete_cmds", "calfcoach.cli.training_cmds"):
            self.monkeypatch.setattr(f"{module}.real_today", lambda: today)

    def __call__(self, *args: str, input: str | None = None) -> Result:
        result = self.runner.invoke(app, list(args), env=self.env, input=input)
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise result.exception
        return Result(result.exit_code, result.stdout, result.stderr)

    def snapshot(self) -> dict[str, Any]:
        with Database(self.url) as database:
            return transfer.export_document(*local(database), None, everyone=True)


@pytest.fixture
def cli(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Cli]:
    env = {
        "CALFCOACH_HOME": str(tmp_path / "home"),
        "CALFCOACH_DATABASE_URL": database_url,
        "COLUMNS": "200",
    }
    yield Cli(CliRunner(), env, database_url, monkeypatch)


@pytest.fixture
def demo(cli: Cli) -> Cli:
    result = cli("athlete", "add", "--profile", str(DEMO), "--start", START)
    assert result.code == 0, result.err
    return cli


def refused(cli: Cli, *args: str, expect: list[str], input: str | None = None) -> Result:
    """Run a command that must be refused: status 2, the words expected, nothing written."""
    before = cli.snapshot()
    result = cli(*args, input=input)
    assert result.code == 2, (result.out, result.err)
    for words in expect:
        assert words in result.err, result.err
    assert "Traceback" not in result.err + result.out
    assert cli.snapshot() == before
    return result


# ---------------------------------------------------------------- athlete, demo


def test_athlete_add_stores_the_athlete_and_list_shows_the_plan(cli: Cli) -> None:
    result = cli("athlete", "add", "--profile", str(DEMO), "--start", START, "--weeks", "4")
    assert result.code == 0, result.err
    assert "Added 'Alex Demo': a 4-week plan from 2026-03-02" in result.out

    listed = cli("athlete", "list", "--format", "json")
    (shown,) = json.loads(listed.out)
    assert isinstance(shown["id"], int)  # what the services and the API take (D-66)
    assert [shown] == [
        {
            "id": shown["id"],
            "name": "Alex Demo",
            "level": "intermediate",
            "plan_start": START,
            "plan_weeks": 4,
            "sessions": 8,
        }
    ]
    assert "Alex Demo" in cli("athlete", "list").out


def test_athlete_add_with_a_bad_profile_or_bad_weeks_is_refused(cli: Cli, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"level": "expert", "name": "x"}')
    refused(cli, "athlete", "add", "--profile", str(bad), expect=["level: 'expert'", "novice"])
    refused(cli, "athlete", "add", "--profile", str(DEMO), "--weeks", "60", expect=["--weeks: 60"])
    refused(cli, "athlete", "add", "--profile", str(DEMO), "--start", "3/2/26", expect=["--start"])


def test_adding_the_same_athlete_twice_is_refused(demo: Cli) -> None:
    refused(
        demo,
        "athlete",
        "add",
        "--profile",
        str(DEMO),
        expect=["an athlete named 'Alex Demo' already exists"],
    )


def test_demo_adds_the_demo_athlete_once_and_shows_today_and_two_weeks(cli: Cli) -> None:
    first = cli("demo", "--date", START)
    assert first.code == 0, first.err
    assert "Added the demo athlete" in first.out
    assert "Next 2 weeks (4 sessions)" in first.out and "Jump rope" in first.out

    second = cli("demo", "--date", START)
    assert second.code == 0 and "Added" not in second.out
    assert len(json.loads(cli("athlete", "list", "--format", "json").out)) == 1


def test_an_empty_database_says_how_to_add_an_athlete(cli: Cli) -> None:
    result = refused(cli, "today", expect=["calfcoach athlete add --profile FILE"])
    assert "calfcoach demo" in result.err


def test_athlete_is_required_only_when_several_are_stored(demo: Cli) -> None:
    assert demo("today", "--date", WED).code == 0
    added = demo(
        "athlete", "add", "--profile", str(DEMO), "--start", START, "--name", "Second Runner"
    )
    assert added.code == 0, added.err

    refused(
        demo, "today", "--date", WED,
        expect=["--athlete: missing; 2 athletes are stored",
                "allowed: a name that `calfcoach athlete list` shows"],
    )  # fmt: skip
    assert "Alex Demo" not in demo("today", "--date", WED).err
    assert demo("today", "--date", WED, "--athlete", "Second Runner").code == 0
    refused(demo, "today", "--athlete", "Nobody", expect=["--athlete: no athlete named 'Nobody'"])


# ---------------------------------------------------------------- today, plan


def test_today_as_json_is_one_session_in_the_plan_shape_or_null(demo: Cli) -> None:
    session = json.loads(demo("today", "--date", WED, "--format", "json").out)
    # Plan JSON schema 2: every session has its status and advice.
    assert list(session) == ["date", "week", "deload", "title", "status", "advice", "exercises"]
    plan = json.loads(demo("plan", "--profile", str(DEMO), "--start", START, "-f", "json").out)
    assert session == [s for s in plan["sessions"] if s["date"] == WED][0]
    assert session["status"] == "planned" and session["advice"] is None
    assert session["exercises"][0]["exercise"] == "bent-knee-heel-raise"

    rest = demo("today", "--date", THU, "--format", "json")
    assert rest.code == 0 and json.loads(rest.out) is None
    # As the Today page: the next session's day and title.
    assert "rest day; next session Fri 2026-03-06, " in demo("today", "--date", THU).out
    assert "Bent-knee heel raise" in demo("today", "--date", WED).out


def test_a_rest_day_of_a_stopped_plan_says_the_next_session_is_stopped_R_PAIN_2a(
    demo: Cli,
) -> None:
    # A red flag on Wednesday: Thursday is a rest day, and the session it announces is the
    # stop, never a session to train (as the Today page shows it).
    flagged = demo("checkin", "--date", WED, "--pain", "2", "--stiffness", "1", "--red-flag", "pop")
    assert flagged.code == 0, flagged.err
    rest = demo("today", "--date", THU).out
    assert "rest day; next session Fri 2026-03-06, Stopped: see a clinician" in rest, rest


def test_plan_of_a_stored_athlete_shows_past_sessions_exactly_as_given_R_HIST(demo: Cli) -> None:
    def today_json(day: str) -> Any:
        return json.loads(demo("today", "--date", day, "-f", "json").out)

    before = json.loads(demo("plan", "--athlete", "Alex Demo", "--date", START, "-f", "json").out)
    demo.on(WED)
    given = {WED: today_json(WED)}
    assert demo("log", "--date", WED, "--as-prescribed", "--rpe", "9", "--pain", "5").code == 0
    demo.on(FRI)
    given[FRI] = today_json(FRI)
    # Logged later, dated earlier: a bad morning on THU, and FRI's session done painfully.
    demo.on("2026-03-12")
    assert demo("checkin", "--date", THU, "--pain", "6", "--stiffness", "5").code == 0
    assert demo("log", "--date", FRI, "--as-prescribed", "--rpe", "10", "--pain", "6").code == 0
    after = json.loads(
        demo("plan", "--athlete", "Alex Demo", "--date", "2026-03-12", "-f", "json").out
    )

    assert after["schema_version"] == 2 and after["start"] == START
    shown = {s["date"]: s for s in after["sessions"] if s["date"] <= FRI}
    assert shown == given
    # Nothing was logged before WED, so WED was given as the plan first showed it.
    assert given[WED] == [s for s in before["sessions"] if s["date"] == WED][0]


def test_plan_takes_a_profile_or_an_athlete_not_both(demo: Cli) -> None:
    refused(
        demo,
        "plan",
        "--profile",
        str(DEMO),
        "--athlete",
        "Alex Demo",
        expect=["--profile and --athlete: give one, not both"],
    )
    assert demo("plan", "--profile", str(DEMO), "--start", START, "-f", "json").code == 0


# ---------------------------------------------------------------- log


def test_log_one_set_stores_it_with_the_planned_dose(demo: Cli) -> None:
    planned = json.loads(demo("today", "--date", WED, "-f", "json").out)["exercises"][0]
    assert planned["exercise"] == "bent-knee-heel-raise"
    result = demo(
        "log", "--date", WED, "--exercise", "bent-knee-heel-raise", "--set", "1",
        "--side", "left", "--reps", "5", "--load-kg", "5", "--rpe", "6", "--pain", "1",
    )  # fmt: skip
    assert result.code == 0, result.err
    sets = demo.snapshot()["athletes"][0]["sessions"][0]["sets"]
    assert [
        (s["exercise"], s["side"], s["reps"], s["load_kg"], s["rpe"], s["pain"]) for s in sets
    ] == [("bent-knee-heel-raise", "left", 5, 5.0, 6, 1)]
    assert sets[0]["planned_reps"] == planned["reps"] is not None
    assert sets[0]["planned_load_kg"] == planned["added_load_kg"]
    assert sets[0]["scheme"] == planned["scheme"]


def test_log_as_prescribed_stores_the_whole_session_in_one_go(demo: Cli) -> None:
    result = demo("log", "--date", FRI, "--as-prescribed", "--rpe", "7", "--pain", "0")
    assert result.code == 0, result.err
    assert "Logged the session of 2026-03-06" in result.out
    sessions = demo.snapshot()["athletes"][0]["sessions"]
    assert len(sessions) == 1 and len(sessions[0]["sets"]) > 5


def test_interactive_log_walks_through_the_session_with_planned_defaults(demo: Cli) -> None:
    # Heavy bent-knee raises, 4 sets a side: accept the first (left), change the second
    # (right), then skip the rest of it; then quit at the first foot exercise. Each set asks
    # the dose, the added load (the ramp starts at body weight, 0 kg, R-PROG-1a), RPE and pain.
    answers = ["", "", "", "", "3", "5", "8", "2", "skip", "q"]
    result = demo("log", "--date", WED, input="\n".join(answers) + "\n")
    assert result.code == 0, result.err
    assert "Stopped; every set entered so far is saved." in result.out
    sets = demo.snapshot()["athletes"][0]["sessions"][0]["sets"]
    planned = sets[0]["planned_reps"]
    assert planned is not None
    rows = [
        (s["exercise"], s["set_number"], s["side"], s["reps"], s["load_kg"], s["rpe"], s["pain"])
        for s in sets
    ]
    assert rows == [
        ("bent-knee-heel-raise", 1, "left", planned, 0.0, 7, 0),
        ("bent-knee-heel-raise", 1, "right", 3, 5.0, 8, 2),
    ]


def test_interactive_log_at_the_end_of_its_input_says_nothing_was_logged_and_stores_nothing(
    demo: Cli,
) -> None:
    """hostile sweep, stop 29: Ctrl-D (or a closed stdin) at a prompt ended with click's bare
    "Aborted."; now it says where it stopped and what was kept, exit 1 as every abort."""
    before = demo.snapshot()
    for given in ("", "4\n"):  # at the first prompt, and half-way through the first set
        result = demo("log", "--date", WED, input=given)
        assert result.code == 1, (result.out, result.err)
        assert result.err == (
            "log: stopped: the input ended before bent-knee-heel-raise set 1/4 left was "
            "complete; nothing was logged.\n"
        )
        assert "Traceback" not in result.out + result.err and "Aborted" not in result.err
        assert demo.snapshot() == before


def test_interactive_log_at_the_end_of_its_input_keeps_the_sets_saved_before(demo: Cli) -> None:
    result = demo("log", "--date", WED, input="\n" * 4 + "5\n")  # one set whole, one half
    assert result.code == 1, (result.out, result.err)
    assert result.err == (
        "log: stopped: the input ended before bent-knee-heel-raise set 1/4 right was complete; "
        "that set was not logged; the set saved before it stays (1 saved).\n"
    )
    sets = demo.snapshot()["athletes"][0]["sessions"][0]["sets"]
    assert [(s["set_number"], s["side"]) for s in sets] == [(1, "left")]


SET = ["log", "--date", WED, "--exercise", "jump-rope", "--set", "1"]
BAD_LOGS = [
    ([*SET, "--reps", "-1", "--rpe", "5", "--pain", "0"], ["--reps: -1", "allowed: 0-500"]),
    ([*SET, "--seconds", "-3", "--rpe", "5", "--pain", "0"], ["--seconds: -3", "allowed: 0-"]),
    ([*SET, "--contacts", "-4", "--rpe", "5", "--pain", "0"], ["--contacts: -4", "allowed: 0-"]),
    ([*SET, "--contacts", "20", "--rpe", "0", "--pain", "0"], ["--rpe: 0", "allowed: 1-10"]),
    ([*SET, "--contacts", "20", "--rpe", "11", "--pain", "0"], ["--rpe: 11", "allowed: 1-10"]),
    ([*SET, "--contacts", "20", "--rpe", "5", "--pain", "-1"], ["--pain: -1", "allowed: 0-10"]),
    ([*SET, "--contacts", "20", "--rpe", "5", "--pain", "11"], ["--pain: 11", "allowed: 0-10"]),
    (
        [*SET, "--reps", "5", "--load-kg", "501", "--rpe", "5", "--pain", "0"],
        ["--load-kg: 501", "allowed: 0-500 kg"],
    ),
    (
        [
            "log",
            "--date",
            FUTURE,
            "--exercise",
            "jump-rope",
            "--set",
            "1",
            "--contacts",
            "20",
            "--rpe",
            "5",
            "--pain",
            "0",
        ],
        [f"--date: {FUTURE} is in the future", "allowed: today"],
    ),  # fmt: skip
    (
        [
            "log",
            "--date",
            WED,
            "--exercise",
            "rope-jump",
            "--set",
            "1",
            "--contacts",
            "20",
            "--rpe",
            "5",
            "--pain",
            "0",
        ],
        ["--exercise: unknown exercise 'rope-jump'", "allowed: an exercise id of the catalog"],
    ),  # fmt: skip
    (
        [*SET, "--contacts", "20", "--rpe", "5", "--pain", "0", "--athlete", "Ghost"],
        ["--athlete: no athlete named 'Ghost'; allowed: a name that `calfcoach athlete list`"],
    ),
    ([*SET, "--contacts", "20", "--rpe", "5"], ["--pain: missing"]),
    ([*SET, "--contacts", "20", "--reps", "3", "--rpe", "5", "--pain", "1"], ["give only one"]),
    (
        [*SET, "--contacts", "many", "--rpe", "5", "--pain", "1"],
        ["--contacts: 'many' is not a whole number; allowed: 0-2000"],
    ),
    ([*SET, "--contacts", "20", "--rpe", "5", "--pain", "1", "--side", "up"], ["--side: 'up'"]),
    (["log", "--date", "2026-02-30"], ["--date: '2026-02-30' is not a valid date"]),
    (["log", "--date", FUTURE], [f"--date: {FUTURE} is in the future"]),
]


HUGE = "9" * 5000
ODD_NUMBERS = [
    (
        ["--reps", "1e20"],
        "--reps: '1e20' is not a whole number in plain digits; allowed: 0-500 reps",
    ),
    (["--reps", "12.5"], "--reps: '12.5' is not a whole number; allowed: 0-500 reps"),
    (
        ["--reps", "99999999999999999999999"],
        "--reps: 99999999999999999999999 is out of range; allowed: 0-500 reps",
    ),
    (["--reps", HUGE], "--reps: 1e+5000 is out of range; allowed: 0-500 reps"),  # as the API
    (["--reps", "-" + HUGE], "--reps: -1e+5000 is out of range; allowed: 0-500 reps"),
    (["--reps", "x" * 100], "--reps: 'xxxxxxxxxxxx'... (100 characters) is not a whole number"),
    (["--seconds", "1e400"], "--seconds: '1e400' is not a whole number in plain digits"),
    (["--reps", "5", "--load-kg", "1e20"], "--load-kg: 1e20 is out of range; allowed: 0-500 kg"),
    (["--reps", "5", "--load-kg", "1e400"], "--load-kg: 1e400 is out of range; allowed: 0-500 kg"),
    (["--reps", "5", "--load-kg", HUGE + ".5"], "--load-kg: 1e+5000 is out of range"),
    (["--reps", "5", "--load-lb", "1e20"], "--load-lb: 1e20 is out of range; allowed: 0-1102 lb"),
    (["--distance-m", "1e20"], "--distance-m: 1e20 is out of range; allowed: 0-1000 metres"),
    (["--contacts", "2.5"], "--contacts: '2.5' is not a whole number; allowed: 0-2000 contacts"),
]


@pytest.mark.parametrize(("extra", "expect"), ODD_NUMBERS, ids=[e[:40] for _, e in ODD_NUMBERS])
def test_a_huge_or_non_whole_number_is_refused_with_what_was_typed_and_the_range(
    demo: Cli, extra: list[str], expect: str
) -> None:
    """hostile sweep, stop 29: ``--reps 99999999999999999999999`` was echoed as ``1e+23``, a
    5,000-digit number was echoed whole ('...' is not a whole number), and the two refusals
    gave the range with and without its unit."""
    args = ["log", "--date", WED, "--exercise", "bent-knee-heel-raise", "--set", "1"]
    result = refused(demo, *args, *extra, "--rpe", "5", "--pain", "0", expect=[expect])
    assert len(result.err) < 200, result.err
    assert "1e+23" not in result.err


@pytest.mark.parametrize(("args", "expect"), BAD_LOGS, ids=[words[0] for _, words in BAD_LOGS])
def test_a_bad_log_exits_2_naming_field_value_and_allowed_and_writes_nothing(
    demo: Cli, args: list[str], expect: list[str]
) -> None:
    refused(demo, *args, expect=expect)


# ---------------------------------------------------------------- skip, move


def test_skip_and_move_follow_the_scheduling_rules(demo: Cli) -> None:
    assert demo("skip", "--date", WED).code == 0
    refused(demo, "skip", "--date", WED, expect=["already skipped"])
    demo.on(START)  # `move --date` is now an old name of --from, not "today"
    refused(
        demo, "move", "--from", FRI, "--to", "2026-03-07",
        expect=["--to: 2026-03-07 is refused by R-SCHED-4", "the day before a long run"],
    )  # fmt: skip
    moved = demo("move", "--from", FRI, "--to", "2026-03-09")
    assert moved.code == 0, moved.err
    assert json.loads(demo("today", "--date", "2026-03-09", "-f", "json").out) is not None
    assert json.loads(demo("today", "--date", FRI, "-f", "json").out) is None


# ---------------------------------------------------------------- checkin, test


def test_checkin_is_stored_and_bad_values_are_refused(demo: Cli) -> None:
    result = demo("checkin", "--date", THU, "--pain", "2", "--stiffness", "3")
    assert result.code == 0, result.err
    assert demo.snapshot()["athletes"][0]["checkins"] == [
        {"date": THU, "pain": 2, "stiffness": 3, "red_flags": []}
    ]
    refused(demo, "checkin", "--date", FRI, "--pain", "11", "--stiffness", "0",
            expect=["--pain: 11 is out of range; allowed: 0-10"])  # fmt: skip
    refused(demo, "checkin", "--date", FRI, "--pain", "1", "--stiffness", "-2",
            expect=["--stiffness: -2 is out of range; allowed: 0-10"])  # fmt: skip
    refused(demo, "checkin", "--date", FUTURE, "--pain", "1", "--stiffness", "1",
            expect=[f"--date: {FUTURE} is in the future"])  # fmt: skip
    refused(demo, "checkin", "--date", THU, "--pain", "1", "--stiffness", "1",
            expect=["already a check-in on 2026-03-05",
                    "or replacing the stored check-in"])  # fmt: skip
    replaced = demo("checkin", "--date", THU, "--pain", "1", "--stiffness", "1", "--replace")
    assert replaced.code == 0


def test_heel_raise_test_is_stored_and_judged(demo: Cli) -> None:
    result = demo("test", "heel-raise", "--date", THU, "--left", "22", "--right", "27")
    assert result.code == 0, result.err
    assert "left 22, right 27" in result.out
    assert demo.snapshot()["athletes"][0]["tests"] == [
        {"date": THU, "kind": "heel-raise", "knee": "straight", "left": 22, "right": 27}
    ]
    as_json = demo("test", "heel-raise", "--date", FRI, "--left", "25", "--right", "27",
                   "--knee", "straight", "--format", "json")  # fmt: skip
    assert as_json.code == 0 and json.loads(as_json.out)["test"]["left"] == 25


@pytest.mark.parametrize(
    ("args", "expect"),
    [
        (["--left", "-1", "--right", "20"], ["--left: -1 is out of range; allowed: 0-500"]),
        (["--left", "10", "--right", "501"], ["--right: 501 is out of range"]),
        (["--left", "10", "--right", "10", "--knee", "wobbly"], ["--knee: 'wobbly'"]),
        (["--left", "10"], ["--right: missing"]),
        ([], ["live metronome mode"]),  # no terminal in tests
    ],
)
def test_a_bad_heel_raise_test_is_refused(demo: Cli, args: list[str], expect: list[str]) -> None:
    refused(demo, "test", "heel-raise", "--date", THU, *args, expect=expect)


# ---------------------------------------------------------------- progress


def test_progress_shows_adherence_volume_pain_and_tests(demo: Cli) -> None:
    # WED: the load-finding ramp of heavy bent-knee raises (R-PROG-1a), load added each set.
    for number, load in enumerate(("0", "5", "10", "12.5"), start=1):
        for side in ("left", "right"):
            logged = demo(
                "log", "--date", WED, "--exercise", "bent-knee-heel-raise", "--set", str(number),
                "--side", side, "--reps", "4", "--load-kg", load, "--rpe", "6", "--pain", "2",
            )  # fmt: skip
            assert logged.code == 0, logged.err
    demo("checkin", "--date", THU, "--pain", "1", "--stiffness", "2")
    demo("test", "heel-raise", "--date", THU, "--left", "22", "--right", "27")
    demo("log", "--date", FRI, "--as-prescribed", "--rpe", "8", "--pain", "1")
    demo("log", "--date", ROPE_DAY, "--as-prescribed", "--rpe", "7", "--pain", "1")

    table = demo("progress", "--date", ROPE_DAY)
    assert table.code == 0, table.err
    assert "Adherence: 3 of 4 planned sessions done" in table.out
    assert "plyometric" in table.out and "Load trend" in table.out
    assert "Capacity tests" in table.out

    report = json.loads(demo("progress", "--date", ROPE_DAY, "--format", "json").out)
    assert report["adherence"]["done"] == 3 and report["adherence"]["missed"] == 1
    assert report["load_trends"][0]["exercise"] == "bent-knee-heel-raise"
    assert report["tests"][0]["test"]["right"] == 27


def test_progress_with_a_bad_format_is_refused(demo: Cli) -> None:
    refused(demo, "progress", "--format", "xml", expect=["--format: 'xml' is not allowed"])


def test_the_live_heel_raise_test_counts_key_presses_per_side_in_a_terminal(
    demo: Cli, tmp_path: Path
) -> None:
    import os
    import pty
    import select
    import subprocess
    import sys
    import time

    master, slave = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "calfcoach", "test", "heel-raise", "--date", THU],
        stdin=slave,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, **demo.env},
    )
    os.close(slave)
    assert process.stdout is not None
    seen = b""  # output not yet matched
    everything = b""

    def wait_for(text: bytes, timeout: float = 60) -> None:
        """Read the output until ``text``; what was matched is not seen again."""
        nonlocal seen, everything
        deadline = time.monotonic() + timeout
        while text not in seen:
            assert time.monotonic() < deadline, everything.decode(errors="replace")
            ready, _, _ = select.select([process.stdout], [], [], 0.5)
            if ready:
                chunk = os.read(process.stdout.fileno(), 4096)
                assert chunk, everything.decode(errors="replace")
                seen += chunk
                everything += chunk
        seen = seen[seen.index(text) + len(text) :]

    try:
        # Each side: Enter to start, then (once the metronome ticks) one key per rep, then
        # Enter to stop.
        for side, reps in (("left", 23), ("right", 19)):
            wait_for(b"Press Enter to start")
            os.write(master, b"\n")
            wait_for(b"tick   1")
            os.write(master, b"x" * reps)
            time.sleep(0.2)
            os.write(master, b"\n")
            wait_for(f"{side}: ".encode())
        rest, err = process.communicate(timeout=60)
        out = everything + rest
    finally:
        os.close(master)
        if process.poll() is None:
            process.kill()

    assert process.returncode == 0, err.decode()
    text = out.decode()
    assert "tick" in text and "\a" in text
    assert "left: 23 reps" in text and "right: 19 reps" in text
    assert demo.snapshot()["athletes"][0]["tests"] == [
        {"date": THU, "kind": "heel-raise", "knee": "straight", "left": 23, "right": 19}
    ]


def test_today_is_adapted_to_what_was_logged_before_it_R_PAIN_2(demo: Cli) -> None:
    # The athlete logs WED on WED (the real today): later sessions are not given yet.
    demo.on(WED)
    day = NEXT_BENT_KNEE_HEAVY

    def session_in_plan_as_of(as_of: str) -> Any:
        plan = json.loads(demo("plan", "--athlete", "Alex Demo", "--date", as_of, "-f", "json").out)
        return [s for s in plan["sessions"] if s["date"] == day][0]

    def lift(session: Any) -> Any:
        return [e for e in session["exercises"] if e["exercise"] == "bent-knee-heel-raise"][0]

    planned = session_in_plan_as_of(WED)
    assert demo("log", "--date", WED, "--as-prescribed", "--rpe", "6", "--pain", "7").code == 0
    # `today` is the plan as of the evening before: the same session there.
    shown = json.loads(demo("today", "--date", day, "-f", "json").out)
    evening = (dt.date.fromisoformat(day) - dt.timedelta(days=1)).isoformat()
    assert session_in_plan_as_of(evening) == shown

    # Seen the day after WED (the sessions between projected as done as prescribed): pain
    # 7/10 is above 5, so that exercise is regressed, and its prescription says why.
    adapted = lift(session_in_plan_as_of(THU))
    before = lift(planned)
    assert adapted["sets"] * adapted["reps"] < before["sets"] * before["reps"]
    assert {"R-PAIN-1", "R-PAIN-2", "R-PROG-6"} & {r["rule"] for r in adapted["reasons"]}
    assert "7/10" in adapted["why"]


def test_the_progress_report_moves_a_retest_out_of_race_week_R_TEST_5(
    cli: Cli, tmp_path: Path
) -> None:
    """D-159: the lighter week of week 4 is the week of a half marathon on Sunday 03-29; no
    capacity test in the 7 days before a race nor the 7 after (R-TEST-5): the retest moves
    to the first session after, and the coach's roster says the same."""
    profile = json.loads(DEMO.read_text())
    profile["races"] = [{"date": "2026-03-29", "distance_km": 21.1, "name": "Spring Half"}]
    path = tmp_path / "racer.json"
    path.write_text(json.dumps(profile))
    assert cli("athlete", "add", "--profile", str(path), "--start", START).code == 0
    plan = json.loads(cli("plan", "--date", START, "--format", "json").out)
    lighter = [s["date"] for s in plan["sessions"] if s["deload"]]
    assert lighter and all("2026-03-22" <= d <= "2026-03-29" for d in lighter[:2])
    report = json.loads(cli("progress", "--date", START, "--format", "json").out)
    first = report["retests"][0]
    assert first not in lighter[:2] and first > "2026-04-05", report["retests"]
    assert first in [s["date"] for s in plan["sessions"]]
    from calfcoach.services.roster import roster

    with Database(cli.url) as database:
        (row,) = roster(*local(database), as_of=dt.date.fromisoformat(START))
    assert row.next_retest is not None and row.next_retest.isoformat() == first


def test_a_heel_raise_test_in_race_week_or_a_flare_is_stored_with_a_note_R_TEST_5(
    cli: Cli, tmp_path: Path
) -> None:
    """D-161: R-TEST-5 plans no capacity test in a race's window, in a pain flare nor while the
    plan is stopped. A test done then is kept as done, and the answer says why to read it with
    care and, with a complaint, what it still counts for (D-164)."""
    profile = json.loads(DEMO.read_text())
    profile["races"] = [{"date": "2026-03-29", "distance_km": 21.1}]
    profile["complaints"] = ["achilles"]
    path = tmp_path / "racer.json"
    path.write_text(json.dumps(profile))
    assert cli("athlete", "add", "--profile", str(path), "--start", START).code == 0
    cli.on("2026-04-30")
    args = ("test", "heel-raise", "--left", "22", "--right", "24")
    calm = cli(*args, "--date", "2026-03-10")
    assert calm.code == 0, calm.err
    assert "Note:" not in calm.out
    race_week = cli(*args, "--date", "2026-03-25", "--format", "json")
    assert race_week.code == 0, race_week.err
    note, counts = json.loads(race_week.out)["notes"]
    assert note.startswith("No capacity test in the 7 days before the race of 2026-03-29")
    assert "never open them (D-164)" in counts  # with a complaint: what it still counts for
    after = cli(*args, "--date", "2026-04-02")
    assert "Note: No capacity test in the 7 days after the race of 2026-03-29" in after.out
    for day in ("2026-04-13", "2026-04-14"):  # a flare: usual + 3 once (R-PAIN-2)
        assert cli("checkin", "--date", day, "--pain", "6", "--stiffness", "3").code == 0
    flare = cli(*args, "--date", "2026-04-14", "--format", "json")
    assert flare.code == 0, flare.err
    notes = json.loads(flare.out)["notes"]
    assert any(n.startswith("No capacity test during a pain flare") for n in notes), notes
    red = cli("checkin", "--date", "2026-04-20", "--pain", "1", "--stiffness", "1")
    assert red.code == 0, red.err
    assert (
        cli(
            "checkin",
            "--date",
            "2026-04-21",
            "--pain",
            "1",
            "--stiffness",
            "1",
            "--red-flag",
            "swelling",
        ).code
        == 0
    )
    stopped = cli(*args, "--date", "2026-04-21", "--format", "json")
    assert stopped.code == 0, stopped.err
    notes = json.loads(stopped.out)["notes"]
    assert any(n.startswith("No capacity test while the plan is stopped") for n in notes), notes
    assert len(json.loads(cli("progress", "--format", "json").out)["tests"]) == 5
