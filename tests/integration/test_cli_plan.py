"""`calfcoach plan`, `calfcoach schema plan` and `calfcoach init`, end to end.

These run the real planner and catalog on the demo profile; CliRunner for most cases and a
real process (`python -m calfcoach`) where the console script's error handling matters.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import icalendar
import jsonschema
import pytest
from typer.testing import CliRunner

from calfcoach.cli import app
from calfcoach.core import rules
from calfcoach.profile_io import load_profile

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "examples" / "demo-profile.json"
START = "2027-01-04"

runner = CliRunner()


def invoke(*args: str, input: str | None = None) -> Any:
    return runner.invoke(app, list(args), input=input)


def plan_args(*extra: str, profile: Path = DEMO) -> list[str]:
    return ["plan", "--profile", str(profile), "--start", START, *extra]


@pytest.fixture
def bad_profile(tmp_path: Path) -> Path:
    path = tmp_path / "bad.json"
    data = json.loads(DEMO.read_text(encoding="utf-8"))
    data.update(foo=1, equipment=["rowing_machine"], sessions_per_week=5, races=["2027-13-01"])
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


# ------------------------------------------------------------------------- errors


def test_a_bad_profile_exits_2_with_one_line_per_problem(bad_profile: Path) -> None:
    result = invoke(*plan_args(profile=bad_profile))
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 4
    assert [line.split(":")[1].strip() for line in lines] == [
        "equipment",
        "sessions_per_week",
        "races[0]",
        "foo",
    ]
    assert all(line.startswith("error: ") for line in lines)


def test_the_real_console_script_reports_a_bad_profile_without_a_traceback(
    bad_profile: Path,
) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "calfcoach", *plan_args(profile=bad_profile)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert done.stderr.splitlines() == [
        "error: equipment: 'rowing_machine' is not allowed; allowed: band, towel, chair, wall, "
        "step, dumbbell, kettlebell, barbell, weight_vest, backpack, leg_press, "
        "seated_calf_machine, jump_rope",
        "error: sessions_per_week: 5 is out of range; allowed: 1-3",
        "error: races[0]: '2027-13-01' is not a valid date (YYYY-MM-DD)",
        "error: foo: unknown key; allowed keys: name, sex, birth_year, body_mass_kg, level, "
        "equipment, free_days, sessions_per_week, session_minutes, runs, races, complaints, "
        "usual_pain, bone_stress_history, missed_periods, units",
    ]


def test_a_profile_that_is_not_json_exits_2_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    path.write_text("{level: novice}", encoding="utf-8")
    result = invoke(*plan_args(profile=path))
    assert result.exit_code == 2
    assert result.stderr == (
        "error: p.json: not valid JSON: Expecting property name enclosed in double quotes "
        "at line 1, column 2\n"
    )


def test_a_missing_profile_file_exits_2(tmp_path: Path) -> None:
    result = invoke(*plan_args(profile=tmp_path / "nope.json"))
    assert result.exit_code == 2
    assert "profile file not found" in result.stderr


def test_a_profile_without_free_days_exits_2_with_the_planning_error(tmp_path: Path) -> None:
    path = tmp_path / "p.toml"
    path.write_text('level = "novice"\nfree_days = []\n', encoding="utf-8")
    result = invoke(*plan_args(profile=path))
    assert result.exit_code == 2
    assert result.stderr.startswith("error: free_days: ")
    assert "Traceback" not in result.output


@pytest.mark.parametrize("weeks", ["0", "53"])
def test_weeks_out_of_range_exits_2_naming_the_option_and_1_to_52(weeks: str) -> None:
    result = invoke(*plan_args("--weeks", weeks))
    assert result.exit_code == 2
    assert result.stderr == f"error: --weeks: {weeks} is out of range; allowed: 1-52\n"


def test_weeks_that_are_not_a_number_exit_2() -> None:
    result = invoke(*plan_args("--weeks", "eight"))
    assert result.exit_code == 2
    assert result.stderr == "error: --weeks: 'eight' is not a whole number; allowed: 1-52\n"


@pytest.mark.parametrize("start", ["2027-02-30", "04/01/2027", "20270104", "tomorrow"])
def test_a_malformed_start_exits_2_naming_start(start: str) -> None:
    result = invoke("plan", "--profile", str(DEMO), "--start", start)
    assert result.exit_code == 2
    assert result.stderr == f"error: --start: {start!r} is not a valid date; allowed: YYYY-MM-DD\n"


def test_an_unknown_format_exits_2() -> None:
    result = invoke(*plan_args("--format", "pdf"))
    assert result.exit_code == 2
    assert "--format: 'pdf' is not allowed; allowed: table, json, ics" in result.stderr


def test_plan_without_a_profile_exits_2() -> None:
    result = invoke("plan")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: --profile: missing")


# ------------------------------------------------------------------------- outputs


def test_json_output_validates_against_the_schema_command() -> None:
    schema_result = invoke("schema", "plan")
    assert schema_result.exit_code == 0
    schema = json.loads(schema_result.stdout)
    result = invoke(*plan_args("--format", "json", "--weeks", "12"))
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    assert list(validator.iter_errors(document)) == []
    assert document["start"] == START
    assert document["weeks"] == 12
    assert document["sessions"]


@pytest.mark.parametrize(
    "fmt",
    ["json", "ics"],
)
def test_the_same_input_gives_byte_identical_json_and_ics(tmp_path: Path, fmt: str) -> None:
    first = invoke(*plan_args("--format", fmt)).stdout_bytes
    second = invoke(*plan_args("--format", fmt)).stdout_bytes
    assert first and first == second
    out = tmp_path / f"plan.{fmt}"
    assert invoke(*plan_args("--format", fmt, "--output", str(out))).exit_code == 0
    assert out.read_bytes() == first


def test_ics_output_has_one_event_per_planned_session() -> None:
    document = json.loads(invoke(*plan_args("--format", "json")).stdout)
    data = invoke(*plan_args("--format", "ics")).stdout_bytes
    calendar = icalendar.Calendar.from_ical(data)
    events = [c for c in calendar.walk() if c.name == "VEVENT"]
    assert [str(e.decoded("DTSTART")) for e in events] == [s["date"] for s in document["sessions"]]
    assert [str(e["SUMMARY"]) for e in events] == [s["title"] for s in document["sessions"]]


def test_the_table_shows_every_week_and_session() -> None:
    result = invoke(*plan_args("--weeks", "5"))
    assert result.exit_code == 0, result.output
    document = json.loads(invoke(*plan_args("--weeks", "5", "--format", "json")).stdout)
    for week in range(1, 6):
        assert f"Week {week}: " in result.stdout
    flat = " ".join(result.stdout.split())  # a long title wraps to the terminal's width
    for session in document["sessions"]:
        assert session["title"] in flat
        assert session["date"] in result.stdout
    if any(s["deload"] for s in document["sessions"]):
        assert "lighter week (R-PROG-5)" in result.stdout


def test_the_table_lists_warnings_first_with_their_rule(tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    path.write_text(
        json.dumps(
            {"level": "novice", "free_days": ["sat"], "runs": [{"day": "sun", "kind": "long"}]}
        ),
        encoding="utf-8",
    )
    document = json.loads(invoke(*plan_args("--format", "json", profile=path)).stdout)
    assert document["warnings"], "this profile should give at least one warning"
    result = invoke(*plan_args(profile=path))
    assert result.exit_code == 0, result.output
    first_rule = document["warnings"][0]["rule"]
    assert first_rule in result.stdout
    assert result.stdout.index(first_rule) < result.stdout.index("Week 1: ")


def test_schema_plan_prints_a_draft_2020_12_schema() -> None:
    result = invoke("schema", "plan")
    schema = json.loads(result.stdout)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert result.stdout.endswith("}\n")


# ------------------------------------------------------------------------- init

ANSWERS = [
    "Kim",  # name
    "female",  # sex
    "1990",  # birth year
    "58",  # body mass
    "intermediate",  # level
    "band, dumbbell, jump_rope",  # equipment
    "mon, wed, sat",  # free days
    "2",  # sessions per week
    "30",  # session minutes
    "tue:hard, sun:long",  # runs
    "2027-04-18",  # races
    "none",  # complaints
    "metric",  # units
]


def test_init_with_piped_answers_writes_a_profile_that_loads(tmp_path: Path) -> None:
    out = tmp_path / "profile.json"
    result = invoke("init", "--output", str(out), input="\n".join(ANSWERS) + "\n")
    assert result.exit_code == 0, result.output
    profile = load_profile(out)
    assert profile.name == "Kim"
    assert profile.equipment == frozenset({"band", "dumbbell", "jump_rope"})
    assert [(r.day, r.kind) for r in profile.runs] == [("tue", "hard"), ("sun", "long")]
    assert f"calfcoach plan --profile {out}" in result.stdout
    assert invoke(*plan_args("--format", "json", profile=out)).exit_code == 0


@pytest.mark.parametrize("answered", [0, 3])
def test_init_at_the_end_of_its_input_says_where_it_stopped_and_writes_nothing(
    tmp_path: Path, answered: int
) -> None:
    out = tmp_path / "profile.json"
    result = invoke("init", "--output", str(out), input="\n".join(ANSWERS[:answered]))
    assert result.exit_code == 1
    assert "init: stopped: the input ended at the question " in result.output
    assert f"nothing was written to {out}." in result.output
    assert "Aborted" not in result.output and "Traceback" not in result.output
    assert not out.exists()


def test_init_takes_the_defaults_on_empty_answers(tmp_path: Path) -> None:
    out = tmp_path / "profile.toml"
    result = invoke("init", "--output", str(out), input="\n" * len(ANSWERS))
    assert result.exit_code == 0, result.output
    profile = load_profile(out)
    assert profile.level == "novice"
    assert profile.equipment == frozenset()
    assert profile.free_days == frozenset({"mon", "wed", "fri"})
    # v2: an empty answer leaves sessions_per_week unset (null), so the complaint defaults of
    # R-PAIN-4 can apply; without a complaint the plan asks for 2 (R-SCHED-1).
    assert (profile.sessions_per_week, profile.session_minutes) == (None, 25)
    assert rules.sessions_wanted(profile) == 2
    assert profile.units == "metric"


def test_init_asks_again_after_an_invalid_answer_with_the_reason(tmp_path: Path) -> None:
    out = tmp_path / "profile.json"
    answers = [
        *ANSWERS[:5],
        "band, rowing_machine",  # bad equipment ...
        ANSWERS[5],  # ... asked again
        ANSWERS[6],
        "4",  # bad sessions per week ...
        ANSWERS[7],
        "95",  # bad session minutes ...
        ANSWERS[8],
        "tuesday hard",  # bad runs ...
        ANSWERS[9],
        *ANSWERS[10:],
    ]
    result = invoke("init", "--output", str(out), input="\n".join(answers) + "\n")
    assert result.exit_code == 0, result.output
    assert "equipment: 'rowing_machine' is not allowed; allowed: band," in result.stderr
    assert "sessions_per_week: 4 is out of range; allowed: 1-3" in result.stderr
    assert "session_minutes: 95 is out of range; allowed: 10-90" in result.stderr
    assert "runs: 'tuesday' is not day:kind" in result.stderr
    profile = load_profile(out)
    assert profile.sessions_per_week == 2
    assert profile.session_minutes == 30


def test_init_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    out = tmp_path / "profile.json"
    out.write_text("keep me", encoding="utf-8")
    result = invoke("init", "--output", str(out), input="\n".join(ANSWERS) + "\n")
    assert result.exit_code == 2
    assert "already exists; allowed: another name, or --force" in result.stderr
    assert out.read_text(encoding="utf-8") == "keep me"
    forced = invoke("init", "--output", str(out), "--force", input="\n".join(ANSWERS) + "\n")
    assert forced.exit_code == 0, forced.output
    assert load_profile(out).name == "Kim"
