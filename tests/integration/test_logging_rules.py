"""Issue 7, items 6-9, 17 and 19: what a log, a test, a move and `plan --weeks` refuse or honour,
on SQLite and PostgreSQL. Every refusal exits 2 naming the field, the value and what is
allowed, and writes nothing (an export before and after is equal)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from tests.service_calls import local, on
from typer.testing import CliRunner

from calfcoach.catalog import load_catalog
from calfcoach.cli import app
from calfcoach.core.models import CapacityTest, HopTest
from calfcoach.errors import InputError
from calfcoach.services import training, transfer
from calfcoach.services.training import SetInput
from calfcoach.storage.db import Database

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "examples" / "demo-profile.json"
START = "2026-03-02"  # a Monday; the demo's plan (8 weeks) ends Sun 2026-04-26
# Wed 03-04 heavy bent-knee heel raises (per side, a ramp from 0 kg), Fri 03-06 mini-squats,
# Fri 03-13 jump rope (contacts).
WED, THU, FRI = "2026-03-04", "2026-03-05", "2026-03-06"
ROPE_DAY = "2026-03-13"
LATER = "2026-03-20"


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

    def sets(self) -> list[dict[str, Any]]:
        sessions = self.snapshot()["athletes"][0]["sessions"]
        return [s for session in sessions for s in session["sets"]]


@pytest.fixture
def cli(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Cli]:
    env = {
        "CALFCOACH_HOME": str(tmp_path / "home"),
        "CALFCOACH_DATABASE_URL": database_url,
        "COLUMNS": "200",
    }
    yield Cli(CliRunner(), env, database_url, monkeypatch)


def _add(cli: Cli, tmp_path: Path, units: str) -> Cli:
    profile = json.loads(DEMO.read_text())
    profile["units"] = units
    path = tmp_path / f"{units}.json"
    path.write_text(json.dumps(profile))
    result = cli("athlete", "add", "--profile", str(path), "--start", START)
    assert result.code == 0, result.err
    cli.on(LATER)
    return cli


@pytest.fixture
def demo(cli: Cli, tmp_path: Path) -> Cli:
    return _add(cli, tmp_path, "metric")


@pytest.fixture
def imperial(cli: Cli, tmp_path: Path) -> Cli:
    return _add(cli, tmp_path, "imperial")


def refused(cli: Cli, *args: str, expect: list[str]) -> Result:
    before = cli.snapshot()
    result = cli(*args)
    assert result.code == 2, (result.out, result.err)
    for words in expect:
        assert words in result.err, result.err
    assert "Traceback" not in result.err + result.out
    assert cli.snapshot() == before
    return result


def log_args(day: str, exercise: str, number: int, *dose: str, side: str = "both") -> list[str]:
    return [
        "log", "--date", day, "--exercise", exercise, "--set", str(number), *dose,
        "--side", side, "--rpe", "7", "--pain", "0",
    ]  # fmt: skip


# ---------------------------------------------------------------- 6: the exercise's measure


def test_reps_logged_for_the_jump_rope_are_refused_naming_the_contacts_option(demo: Cli) -> None:
    refused(
        demo, *log_args(ROPE_DAY, "jump-rope", 1, "--reps", "22"),
        expect=["--reps: 22 is not how jump-rope is measured", "contacts", "allowed: --contacts"],
    )  # fmt: skip
    assert demo(*log_args(ROPE_DAY, "jump-rope", 1, "--contacts", "22")).code == 0
    assert [(s["exercise"], s["reps"], s["contacts"]) for s in demo.sets()] == [
        ("jump-rope", None, 22)
    ]


@pytest.mark.parametrize(
    ("exercise", "dose", "allowed"),
    [
        ("bent-knee-heel-raise", ["--seconds", "30"], "--reps"),
        ("toe-taps", ["--reps", "12"], "--seconds"),
        ("jump-rope", ["--distance-m", "3"], "--contacts"),
    ],
)
def test_a_set_in_another_measure_than_the_exercises_unit_is_refused(
    demo: Cli, exercise: str, dose: list[str], allowed: str
) -> None:
    refused(
        demo, *log_args(WED, exercise, 1, *dose),
        expect=[f"{dose[0]}: {dose[1]} is not how {exercise} is measured", f"allowed: {allowed}"],
    )  # fmt: skip


def test_validate_set_refuses_a_wrong_measure_for_every_caller_not_only_the_cli() -> None:
    day = dt.date(2026, 3, 13)
    entry = SetInput(exercise="jump-rope", set_number=1, reps=22, rpe=7, pain=0)
    with pytest.raises(InputError, match="allowed: contacts"):
        training.validate_set(entry, day, day)
    training.validate_set(SetInput("jump-rope", 1, contacts=22), day, day)


def test_measure_problem_names_an_import_path_and_the_allowed_field() -> None:
    rope = load_catalog().get("jump-rope")
    assert training.measure_problem(rope, "contacts", 22) is None
    problem = training.measure_problem(rope, "reps", 22, field="sessions[0].sets[1].reps")
    assert problem is not None
    assert problem.startswith("sessions[0].sets[1].reps: 22 is not how jump-rope is measured")
    assert problem.endswith("allowed: contacts")


def test_every_prescribed_set_is_in_its_exercises_own_measure(demo: Cli) -> None:
    # The refusal must never hit what the plan itself prescribes (log --as-prescribed and the
    # interactive log send the prescription's measures; a rope set has its bout's seconds too).
    plan = json.loads(demo("plan", "--athlete", "Alex Demo", "--date", START, "-f", "json").out)
    catalog = load_catalog()
    for session in plan["sessions"]:
        for p in session["exercises"]:
            values = {m: p[m] for m in ("reps", "seconds", "distance_m", "contacts")}
            assert training.set_measure_problem(catalog.get(p["exercise"]), values) is None


def test_a_set_without_the_exercises_own_measure_is_refused_for_an_import_path() -> None:
    rope = load_catalog().get("jump-rope")
    problem = training.set_measure_problem(rope, {}, prefix="sessions[2].sets[0]")
    assert problem == (
        "sessions[2].sets[0].contacts: missing; jump-rope is logged in contacts; allowed: "
        "sessions[2].sets[0].contacts"
    )
    # Seconds stand only beside the own measure (a bout's time), never instead of it.
    problem = training.set_measure_problem(rope, {"seconds": 9}, prefix="sessions[2].sets[0]")
    assert problem == (
        "sessions[2].sets[0].seconds: 9 is not how jump-rope is measured (it is logged in "
        "contacts); allowed: contacts"
    )
    assert training.set_measure_problem(rope, {"contacts": 30, "seconds": 9}) is None
    problem = training.set_measure_problem(rope, {"reps": 22}, prefix="sessions[2].sets[0]")
    assert problem is not None and problem.endswith("allowed: contacts")


# ---------------------------------------------------------------- 7: a set is counted once


def test_a_set_logged_for_one_side_and_again_for_both_is_refused_and_counted_once(
    demo: Cli,
) -> None:
    dose = ("--reps", "5", "--load-kg", "5")
    assert demo(*log_args(WED, "bent-knee-heel-raise", 1, *dose, side="left")).code == 0
    refused(
        demo, *log_args(WED, "bent-knee-heel-raise", 1, *dose, side="both"),
        expect=["--side: both for set 1 of bent-knee-heel-raise on 2026-03-04",
                "already logged as left", "never both ways"],
    )  # fmt: skip
    refused(
        demo, *log_args(WED, "bent-knee-heel-raise", 1, *dose, side="left"),
        expect=["--set: set 1 of bent-knee-heel-raise on 2026-03-04 (left) is already logged"],
    )  # fmt: skip
    # The other side of the same set, and both sides of the next set, are new sets.
    assert demo(*log_args(WED, "bent-knee-heel-raise", 1, *dose, side="right")).code == 0
    assert demo(*log_args(WED, "bent-knee-heel-raise", 2, *dose, side="both")).code == 0
    refused(
        demo, *log_args(WED, "bent-knee-heel-raise", 2, *dose, side="right"),
        expect=["--side: right", "already logged as both"],
    )  # fmt: skip
    assert sorted((s["set_number"], s["side"]) for s in demo.sets()) == [
        (1, "left"), (1, "right"), (2, "both"),
    ]  # fmt: skip


def test_the_side_rule_holds_for_callers_that_bring_their_own_session(database: Database) -> None:
    # The interactive log passes the session (use_session=True) and skipped the old check:
    # the rule is now checked inside the write transaction, for every caller.
    from calfcoach.core.models import Profile
    from calfcoach.services import athletes

    profile = Profile.model_validate(json.loads(DEMO.read_text()))
    athletes.add_athlete(*local(database), profile, start=dt.date(2026, 3, 2), weeks=8, name="ana")
    day, today = dt.date(2026, 3, 13), dt.date(2026, 3, 20)
    both = SetInput("jump-rope", 1, contacts=30, side="both", rpe=7, pain=0)
    training.log_set(*on(database, "ana"), day, both, today=today, use_session=True)
    with pytest.raises(InputError, match="already logged as both"):
        training.log_set(
            *on(database, "ana"),
            day,
            SetInput("jump-rope", 1, contacts=30, side="left"),
            today=today,
            use_session=True,
        )
    log = training.current_plan(*on(database, "ana"), today).log
    assert [(s.set_number, s.side) for s in log.sets] == [(1, "both")]


# ---------------------------------------------------------------- 8: pounds


def test_load_lb_is_stored_in_kg_and_the_confirmation_shows_pounds(imperial: Cli) -> None:
    result = imperial(
        *log_args(WED, "bent-knee-heel-raise", 1, "--reps", "5", "--load-lb", "35.5", side="left")
    )
    assert result.code == 0, result.err
    assert "set 1 of bent-knee-heel-raise (left): 5 reps, +35.5 lb" in result.out
    assert [s["load_kg"] for s in imperial.sets()] == [16.1]  # 35.5 lb / 2.20462, to 0.01 kg


def test_load_kg_still_works_and_a_metric_confirmation_shows_kg(demo: Cli) -> None:
    result = demo(
        *log_args(WED, "bent-knee-heel-raise", 1, "--reps", "5", "--load-kg", "7.5", side="left")
    )
    assert result.code == 0, result.err
    assert "5 reps, +7.5 kg" in result.out
    assert [s["load_kg"] for s in demo.sets()] == [7.5]


@pytest.mark.parametrize(
    ("load", "expect"),
    [
        (["--load-lb", "1103"], ["--load-lb: 1103 is out of range; allowed: 0-1102 lb"]),
        (["--load-lb", "-1"], ["--load-lb: -1 is out of range"]),
        (["--load-lb", "ten"], ["--load-lb: 'ten' is not a number"]),
        (
            ["--load-lb", "10", "--load-kg", "5"],
            ["--load-lb: 10 is given beside a load in kg; allowed: the load in kg or in lb"],
        ),
    ],
)
def test_a_bad_load_in_pounds_is_refused(imperial: Cli, load: list[str], expect: list[str]) -> None:
    refused(
        imperial, *log_args(WED, "bent-knee-heel-raise", 1, "--reps", "5", *load, side="left"),
        expect=expect,
    )  # fmt: skip


def test_the_interactive_log_asks_the_load_in_the_profiles_unit(imperial: Cli) -> None:
    # First set (left): the planned reps, then 22 lb, RPE 7, pain 0; then quit.
    result = imperial("log", "--date", WED, input="\n22\n7\n0\nq\n")
    assert result.code == 0, result.err
    assert "added load lb" in result.out and "added load kg" not in result.out
    assert [s["load_kg"] for s in imperial.sets()] == [9.98]


def test_progress_shows_the_load_trend_in_pounds_for_an_imperial_athlete(imperial: Cli) -> None:
    for number, load in ((1, "22"), (2, "33")):
        dose = ("--reps", "5", "--load-lb", load)
        assert imperial(*log_args(WED, "bent-knee-heel-raise", number, *dose)).code == 0
    out = imperial("progress", "--date", LATER).out
    assert "bent-knee-heel-raise: 33 lb -> 33 lb" in out, out
    assert " kg" not in out


# ---------------------------------------------------------------- 9: one test a day


def test_a_second_heel_raise_test_on_a_day_is_refused_unless_replace(demo: Cli) -> None:
    assert demo("test", "heel-raise", "--date", THU, "--left", "22", "--right", "27").code == 0
    refused(
        demo, "test", "heel-raise", "--date", THU, "--left", "25", "--right", "27",
        expect=["--date: there is already a heel-raise test (straight knee) on 2026-03-05",
                "or replacing the stored test"],
    )  # fmt: skip
    # The other knee position is another test.
    assert demo("test", "heel-raise", "--date", THU, "--left", "30", "--right", "30",
                "--knee", "bent").code == 0  # fmt: skip
    replaced = demo("test", "heel-raise", "--date", THU, "--left", "25", "--right", "27",
                    "--replace", "-f", "json")  # fmt: skip
    assert replaced.code == 0, replaced.err
    assert json.loads(replaced.out)["comparison"] is None  # never compared with itself
    tests = demo.snapshot()["athletes"][0]["tests"]
    assert sorted((t["knee"], t["left"]) for t in tests) == [("bent", 30), ("straight", 25)]


def test_the_live_heel_raise_test_is_refused_before_counting_when_the_day_has_one(
    demo: Cli,
) -> None:
    assert demo("test", "heel-raise", "--date", THU, "--left", "22", "--right", "27").code == 0
    # Without the early check the live mode would only say it needs a terminal (no tty here);
    # in a terminal, the refusal would come after a minute of counting.
    result = refused(
        demo, "test", "heel-raise", "--date", THU,
        expect=["already a heel-raise test (straight knee) on 2026-03-05"],
    )  # fmt: skip
    assert "metronome" not in result.err


def test_a_retest_on_a_later_day_is_still_compared_with_the_one_before(demo: Cli) -> None:
    assert demo("test", "heel-raise", "--date", THU, "--left", "20", "--right", "20").code == 0
    later = demo("test", "heel-raise", "--date", FRI, "--left", "26", "--right", "27", "-f", "json")
    assert later.code == 0 and json.loads(later.out)["comparison"] is not None


def test_a_second_hop_test_of_the_same_leg_on_a_day_is_refused_unless_replace(
    demo: Cli,
) -> None:
    hop = ["test", "hop", "--date", THU, "--hops", "40", "--pain", "0"]
    assert demo(*hop, "--side", "left").code == 0
    refused(demo, *hop, "--side", "left",
            expect=["already a hop test of the left leg on 2026-03-05",
                    "or replacing the stored test"])  # fmt: skip
    refused(demo, *hop, "--side", "both", expect=["already a hop test of the left leg"])
    assert demo(*hop, "--side", "right").code == 0  # the other leg
    assert demo(*hop, "--side", "both", "--replace").code == 0
    assert [(h["side"], h["hops"]) for h in demo.snapshot()["athletes"][0]["hop_tests"]] == [
        ("both", 40)
    ]


def test_record_test_refuses_a_same_day_test_for_every_caller(database: Database) -> None:
    from calfcoach.core.models import Profile
    from calfcoach.services import athletes

    profile = Profile.model_validate(json.loads(DEMO.read_text()))
    athletes.add_athlete(*local(database), profile, start=dt.date(2026, 3, 2), weeks=8, name="ana")
    day = dt.date(2026, 3, 5)
    training.record_test(*on(database, "ana"), CapacityTest(day, 20, 22), today=day)
    with pytest.raises(InputError, match="already a heel-raise test"):
        training.record_test(*on(database, "ana"), CapacityTest(day, 21, 22), today=day)
    training.record_hop_test(*on(database, "ana"), HopTest(day, 40, 0, "right"), today=day)
    with pytest.raises(InputError, match="already a hop test of the right leg"):
        training.record_hop_test(*on(database, "ana"), HopTest(day, 40, 0, "both"), today=day)


# ---------------------------------------------------------------- 17: move limits


def test_a_move_from_a_day_without_a_session_says_there_is_no_session_to_move(demo: Cli) -> None:
    demo.on(START)
    refused(
        demo, "move", "--from", THU, "--to", THU,
        expect=["--from: no session on 2026-03-05 to move", "the next is 2026-03-06"],
    )  # fmt: skip
    result = refused(demo, "move", "--from", THU, "--to", "2026-03-07",
                     expect=["no session on 2026-03-05 to move"])  # fmt: skip
    assert "own day" not in result.err


@pytest.mark.parametrize(
    ("session", "to", "expect"),
    [
        # Five weeks after the plan's end (the case).
        ("2026-04-24", "2026-05-29", "after the plan ends (2026-03-02 to 2026-04-26)"),
        ("2026-03-04", "2026-03-13", "9 days from the session's planned day (2026-03-04)"),
        ("2026-03-04", "9999-12-31", "--to: 9999-12-31 is out of range; allowed: 1900-01-01"),
    ],
)
def test_a_move_far_from_the_planned_day_outside_the_plan_or_the_date_rule_is_refused(
    demo: Cli, session: str, to: str, expect: str
) -> None:
    demo.on(START)
    today = json.loads(demo("today", "--date", session, "-f", "json").out)
    assert today is not None, f"the demo plan has a session on {session}"
    refused(demo, "move", "--from", session, "--to", to, expect=[expect])


def test_a_move_before_the_plan_starts_is_refused(demo: Cli) -> None:
    demo.on("2026-02-27")
    refused(demo, "move", "--from", WED, "--to", "2026-02-28",
            expect=["before the plan starts", "allowed: 2026-03-02 to 2026-03-10"])  # fmt: skip


def test_a_move_within_six_days_inside_the_plan_is_allowed(demo: Cli) -> None:
    demo.on(START)
    assert demo("move", "--from", FRI, "--to", "2026-03-09").code == 0
    # Moved again, it still counts from the day the plan had it on (Fri 03-06): 03-12 is 6 days.
    refused(demo, "move", "--from", "2026-03-09", "--to", "2026-03-13",
            expect=["7 days from the session's planned day (2026-03-06)"])  # fmt: skip


def test_move_date_is_a_deprecated_name_of_from_not_today(demo: Cli) -> None:
    demo.on(START)
    result = demo("move", "--date", FRI, "--to", "2026-03-09")
    assert result.code == 0, result.err
    assert "Moved the session of 2026-03-06 to Mon 2026-03-09" in result.out
    assert "deprecated" in result.err
    refused(demo, "move", "--date", WED, "--from", WED, "--to", "2026-03-07",
            expect=["--date: an old name of --from"])  # fmt: skip
    assert "--date" not in demo("move", "--help").out


# ---------------------------------------------------------------- 19: plan --weeks


def test_plan_of_a_stored_athlete_shows_the_weeks_asked_for_from_start(demo: Cli) -> None:
    args = ["plan", "--athlete", "Alex Demo", "--date", START, "-f", "json"]
    whole = json.loads(demo(*args).out)
    shown = json.loads(demo(*args, "--weeks", "3", "--start", "2026-03-18").out)
    # The plan week of 03-18 is week 3 (03-16 to 03-22): weeks 3-5, counted from there.
    assert (shown["start"], shown["weeks"]) == ("2026-03-16", 3)
    expected = [s["date"] for s in whole["sessions"] if "2026-03-16" <= s["date"] <= "2026-04-05"]
    assert [s["date"] for s in shown["sessions"]] == expected and expected
    assert {s["week"] for s in shown["sessions"]} == {1, 2, 3}
    table = demo("plan", "--athlete", "Alex Demo", "--date", START, "--weeks", "3").out
    assert "3 weeks, Mon 2026-03-02 to Sun 2026-03-22" in table
    assert "Week 4" not in table


def test_plan_weeks_beyond_the_plans_end_are_cut_and_a_start_after_it_is_refused(
    demo: Cli,
) -> None:
    args = ["plan", "--athlete", "Alex Demo", "--date", START, "-f", "json"]
    last = json.loads(demo(*args, "--weeks", "5", "--start", "2026-04-20").out)
    assert (last["start"], last["weeks"]) == ("2026-04-20", 1)
    refused(demo, *args, "--weeks", "2", "--start", "2026-05-01",
            expect=["--start: 2026-05-01 is after the plan's end", "2026-04-26"])  # fmt: skip
    refused(demo, *args, "--weeks", "0", expect=["--weeks: 0 is out of range"])


def test_an_imperial_athletes_today_and_plan_show_no_kilograms(imperial: Cli) -> None:
    # WED's heavy block is a load-finding ramp whose reason says how much to add a set
    # (R-PROG-1a): the engine writes it in kg, the athlete reads pounds.
    today = imperial("today", "--date", WED)
    assert today.code == 0, today.err
    assert "Load-finding session" in today.out and " lb " in today.out
    assert " kg" not in today.out
    table = imperial("plan", "--athlete", "Alex Demo", "--date", START, "--weeks", "2").out
    assert " lb" in table and " kg" not in table


def test_loads_in_units_rewrites_every_load_of_an_engine_text_for_imperial_only() -> None:
    from calfcoach.formats.text import loads_in_units

    text = "from body weight adding about 2.5 kg a set; the load goes up 10 % to 22.5 kg"
    assert loads_in_units(text, "imperial") == (
        "from body weight adding about 5.5 lb a set; the load goes up 10 % to 49.5 lb"
    )
    assert loads_in_units(text, "metric") == text
