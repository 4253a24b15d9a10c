"""Issue 7 (items 10, 11, 15, 20, 22, 23): every way a command can be given bad input ends
with exit status 2 and ``error: <field>: <value> ...; allowed: ...``, never a traceback, and
leaves the database as it was; what is printed is safe and fits the terminal."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from tests.integration.cli_harness import DEMO, START, WED, Cli, make_cli
from tests.service_calls import on

from calfcoach import __version__
from calfcoach.services import progress, training
from calfcoach.storage.db import Database

RANGE = "is out of range; allowed: 1900-01-01 to 2199-12-31"


@pytest.fixture
def cli(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Cli]:
    yield make_cli(database_url, tmp_path, monkeypatch)


@pytest.fixture
def demo(cli: Cli) -> Cli:
    result = cli("athlete", "add", "--profile", str(DEMO), "--start", START)
    assert result.code == 0, result.err
    return cli


def assert_refused(cli: Cli, args: tuple[str, ...], *expected: str) -> str:
    """Exit 2, one ``error:`` line per problem naming what is expected, nothing written."""
    before = cli.snapshot()
    result = cli(*args)
    assert result.code == 2, (args, result.out, result.err)
    assert result.err.startswith("error: "), result.err
    for part in expected:
        assert part in result.err, (part, result.err)
    assert "Traceback" not in result.out + result.err
    assert cli.snapshot() == before
    return result.err


# ------------------------------------------------------------------ item 10: one date rule

DATE_OPTIONS = [
    (("today", "--date", "0001-01-01"), "--date: 0001-01-01"),
    (("today", "--date", "9999-12-31"), "--date: 9999-12-31"),
    (("log", "--date", "0001-01-01"), "--date: 0001-01-01"),
    (("demo", "--date", "9999-12-31"), "--date: 9999-12-31"),
    (("move", "--from", "2026-03-06", "--to", "9999-12-31"), "--to: 9999-12-31"),
    (("move", "--from", "0001-01-01", "--to", "2026-03-07"), "--from: 0001-01-01"),
    (("plan", "--profile", str(DEMO), "--start", "9999-12-01"), "--start: 9999-12-01"),
    (("athlete", "add", "--profile", str(DEMO), "--start", "9999-12-01"), "--start: 9999-12-01"),
    (("checkin", "--date", "0001-01-01", "--pain", "1", "--stiffness", "1"), "--date: 0001"),
    (("test", "heel-raise", "--date", "0001-01-01", "--left", "9", "--right", "9"), "--date"),
    (("test", "hop", "--date", "0001-01-01", "--hops", "10", "--pain", "0"), "--date: 0001"),
    (("progress", "--date", "9999-12-31"), "--date: 9999-12-31"),
    (("plan", "--athlete", "Alex Demo", "--date", "0001-01-01"), "--date: 0001-01-01"),
    (("skip", "--date", "1899-12-31"), "--date: 1899-12-31"),
    (("clear", "--date", "2200-01-01"), "--date: 2200-01-01"),
]


@pytest.mark.parametrize(("args", "named"), DATE_OPTIONS, ids=lambda v: " ".join(v)[:40])
def test_every_date_option_outside_the_date_rule_exits_2_naming_the_option_and_the_range(
    demo: Cli, args: tuple[str, ...], named: str
) -> None:
    assert_refused(demo, args, named, RANGE)


def test_the_services_refuse_a_date_outside_the_date_rule_for_any_caller(demo: Cli) -> None:
    import datetime as dt

    from calfcoach.errors import InputError

    far, early, today = dt.date(9999, 12, 31), dt.date(1, 1, 1), dt.date(2026, 3, 5)
    with Database(demo.url) as database:
        calls = [
            lambda: training.day_plan(*on(database, None), early),
            lambda: training.current_plan(*on(database, None), far),
            lambda: progress.progress_report(*on(database, None), far),
            lambda: training.move_session(
                *on(database, None), dt.date(2026, 3, 6), far, today=today
            ),
        ]
        for call in calls:
            with pytest.raises(InputError, match=re.escape(RANGE)):
                call()


# ------------------------------------------------------------------ item 11: text


@pytest.mark.parametrize(
    "args",
    [
        ("today", "--athlete", "bad\udcff"),
        ("athlete", "add", "--profile", str(DEMO), "--name", "bad\udcff"),
        ("progress", "--athlete=bad\udcff"),
        ("exercise", "toe-taps\udcff"),
    ],
)
def test_an_argument_that_is_not_utf8_exits_2_naming_the_option(
    demo: Cli, args: tuple[str, ...]
) -> None:
    err = assert_refused(demo, args, "is not valid UTF-8 text; allowed: text in UTF-8")
    assert "\\xff" in err


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (("athlete", "rename", "Demo", "new\udcff"), "NEW_NAME: "),
        (("athlete", "rename", "bad\udcff", "New"), "NAME: "),
        (("runs", "kind", "--athlete", "Demo", "7", "easy\udcff"), "EASY|HARD|LONG: "),
        (("runs", "kind", "--athlete", "ath\udcff", "7", "easy"), "--athlete: "),
        (("account", "link-coach", "coach@example.org", "ath\udcff"), "ATHLETE: "),
    ],
)
def test_a_positional_that_is_not_utf8_is_named_by_its_own_place(
    demo: Cli, args: tuple[str, ...], field: str
) -> None:
    # Each positional is named by the argument it fills, past the options and their values.
    err = assert_refused(demo, args, "is not valid UTF-8 text; allowed: text in UTF-8")
    assert err.startswith(f"error: {field}"), err


@pytest.mark.parametrize(
    "args", [("athlete", "rename", "Nobody", "New"), ("athlete", "remove", "Nobody", "--yes")]
)
def test_an_unknown_athlete_given_as_an_argument_is_named_by_the_argument(
    demo: Cli, args: tuple[str, ...]
) -> None:
    # The name was the NAME argument: the error names it, not an --athlete the command lacks.
    err = assert_refused(demo, args, "no athlete named 'Nobody'")
    assert err.startswith("error: NAME: "), err


def test_an_emoji_sequence_in_a_new_name_is_kept_as_typed(demo: Cli) -> None:
    # D-194: the joiner of an emoji sequence is part of the name; the key ignores it.
    new = "Zo\u00eb \U0001f3c3\u200d\u2640\ufe0f"
    renamed = demo("athlete", "rename", "Alex Demo", new)
    assert renamed.code == 0, renamed.err
    listed = demo("athlete", "list", "--format", "json")
    assert new in [a["name"] for a in json.loads(listed.out)], listed.out
    again = demo("today", "--athlete", "zo\u00eb \U0001f3c3\u2640\ufe0f", "--format", "json")
    assert again.code == 0, again.err


def test_a_positional_file_name_that_is_not_utf8_reaches_the_file_check(cli: Cli) -> None:
    result = cli("restore", "/nonexistent/backup\udcff.db")
    assert result.code == 2
    assert "not valid UTF-8" not in result.err


def test_a_file_name_that_is_not_utf8_reaches_the_file_check(cli: Cli) -> None:
    # A Linux file name may be any bytes: it is not refused as text, only as a missing file.
    result = cli("plan", "--profile", "/nonexistent/p\udcff.json")
    assert result.code == 2
    assert "not valid UTF-8" not in result.err


def test_a_note_with_a_nul_or_a_control_character_is_refused_before_the_database(
    demo: Cli,
) -> None:
    demo.on("2026-03-10")
    flagged = demo("checkin", "--date", "2026-03-05", "--pain", "2", "--stiffness", "2")
    assert flagged.code == 0, flagged.err
    flagged = demo(
        "checkin", "--date", "2026-03-06", "--pain", "2", "--stiffness", "2", "--red-flag", "pop"
    )
    assert flagged.code == 0, flagged.err
    assert_refused(demo, ("clear", "--date", "2026-03-09", "--note", "ok\x00no"), "--note:", "NUL")
    assert_refused(demo, ("clear", "--date", "2026-03-09", "--note", "a\x1b[31m"), "--note:")
    fine = demo("clear", "--date", "2026-03-09", "--note", "cleared by Dr. Zoë:\n\tall fine")
    assert fine.code == 0, fine.err


def test_a_value_the_database_refuses_becomes_a_message_not_a_traceback() -> None:
    import psycopg
    from sqlalchemy.exc import DataError

    from calfcoach.cli.errors import stored_value_problem

    driver = psycopg.DataError("PostgreSQL text fields cannot contain NUL (0x00) bytes")
    problem = stored_value_problem(DataError("INSERT ...", {}, driver))
    assert problem is not None
    assert problem.startswith("database: a value was refused (PostgreSQL text fields")
    assert "nothing was written" in problem
    assert stored_value_problem(ValueError("a bug")) is None


def test_a_nul_in_a_name_is_refused_on_every_backend_never_a_traceback(
    cli: Cli, tmp_path: Path
) -> None:
    profile = json.loads(DEMO.read_text())
    profile["name"] = "Nul\x00Runner"
    path = tmp_path / "nul.json"
    path.write_text(json.dumps(profile))
    result = cli.run("athlete", "add", "--profile", str(path), "--start", START)
    assert result.exception is None
    assert result.code == 2 and result.err.startswith("error: ")
    assert cli.snapshot()["athletes"] == []


# ------------------------------------------------------------------ item 15: output


def _run(*args: str, env: dict[str, str] | None = None, stdout: int | None = None) -> Any:
    return subprocess.run(
        [sys.executable, "-m", "calfcoach", *args],
        stdout=stdout if stdout is not None else subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, **(env or {})},
        timeout=120,
    )


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full on this system")
@pytest.mark.parametrize(
    "args",
    [
        ("exercises",),
        ("exercise", "toe-taps", "--format", "json"),
        ("plan", "--profile", str(DEMO), "--start", START),
    ],
)
def test_output_to_a_full_device_exits_1_with_a_message_and_no_traceback(
    args: tuple[str, ...],
) -> None:
    with open("/dev/full", "wb") as full:
        result = _run(*args, stdout=full.fileno())
    err = result.stderr.decode()
    assert result.returncode == 1, err
    assert err == "error: output: cannot write to standard output (No space left on device)\n"


def test_an_ascii_terminal_gets_plain_letters_instead_of_a_traceback(tmp_path: Path) -> None:
    profile = json.loads(DEMO.read_text())
    profile["name"] = "Zoë × Ørsted"
    path = tmp_path / "p.json"
    path.write_text(json.dumps(profile, ensure_ascii=False), encoding="utf-8")
    env = {"PYTHONIOENCODING": "ascii", "CALFCOACH_HOME": str(tmp_path / "home")}
    table = _run("plan", "--profile", str(path), "--start", START, env=env)
    assert table.returncode == 0, table.stderr.decode()
    assert table.stdout.decode("ascii").startswith("Plan for Zoe x Orsted: 8 weeks")
    added = _run("athlete", "add", "--profile", str(path), "--start", START, env=env)
    assert added.returncode == 0, added.stderr.decode()
    listed = _run("athlete", "list", env=env)
    assert listed.stdout.decode("ascii").startswith("Zoe x Orsted  (intermediate;")
    # A typed answer the ASCII terminal cannot decode is asked again, not a traceback.
    answers = "Zo\u00eb\nSam\n" + "\n" * 12
    asked = subprocess.run(
        [sys.executable, "-m", "calfcoach", "init", "--output", str(tmp_path / "me.json")],
        input=answers.encode("utf-8"),
        capture_output=True,
        env={**os.environ, **env},
        timeout=120,
    )
    assert asked.returncode == 0, asked.stderr.decode()
    assert b"Traceback" not in asked.stderr
    assert json.loads((tmp_path / "me.json").read_text())["name"] == "Sam"


# ------------------------------------------------------------------ item 20: printing


def _rename(url: str, name: str) -> None:
    """A name as an old database or an import may hold it (no validation on the way in)."""
    with Database(url) as database, database.engine.begin() as connection:
        connection.execute(text("UPDATE athletes SET name = :name"), {"name": name})


def test_control_characters_in_a_stored_name_are_printed_escaped_never_raw(demo: Cli) -> None:
    _rename(demo.url, "Evil\n\x1b[31mRed\tX")
    shown = "Evil\\n\\x1b[31mRed\\tX"
    outputs = {
        "athlete list": demo("athlete", "list").out,
        "plan": demo("plan", "--date", WED).out,
        "progress": demo("progress", "--date", WED).out,
    }
    for command, out in outputs.items():
        assert shown in out, command
        assert "\x1b" not in out and "\t" not in out, command
    listed = demo("athlete", "list", "--format", "json").out
    assert "\x1b" not in listed and json.loads(listed)[0]["name"] == "Evil\n\x1b[31mRed\tX"


# ------------------------------------------------------------------ item 22: the CLI's voice


def test_a_bare_calfcoach_prints_the_help_and_exits_0(cli: Cli) -> None:
    result = cli()
    assert result.code == 0
    assert result.out.startswith("Usage: calfcoach") and "exercises" in result.out
    group = cli("athlete")
    assert group.code == 0 and "add" in group.out


def test_version_prints_the_version(cli: Cli) -> None:
    result = cli("--version")
    assert (result.code, result.out) == (0, f"calfcoach {__version__}\n")


USAGE_MISTAKES = [
    (("exercises", "--region", "leg"), "--region: 'leg' is not allowed; allowed: calf, foot"),
    (("exercises", "--frmat", "json"), "--frmat: no such option (did you mean --format?)"),
    (("today", "--date"), "--date: missing its value; allowed: YYYY-MM-DD"),
    (("log", "--rpe"), "--rpe: missing its value; allowed: X (Effort 1-10)"),
    (("athlete", "add"), "--profile: missing; allowed: FILE"),
    (("exercise",), "ID: missing; allowed: ID"),
    (("exrcises",), "command: 'exrcises' is not a command (did you mean 'exercises'"),
    (("exercises", "extra"), "argument: 'extra' is not expected"),
    (("test", "jump"), "command: 'jump' is not a command; allowed: heel-raise, hop"),
]


@pytest.mark.parametrize(("args", "message"), USAGE_MISTAKES, ids=lambda v: " ".join(v)[:30])
def test_usage_mistakes_of_every_command_are_one_error_line_in_the_project_style(
    cli: Cli, args: tuple[str, ...], message: str
) -> None:
    result = cli(*args)
    assert result.code == 2
    assert result.err.startswith(f"error: {message}"), result.err
    assert "allowed:" in result.err and "Usage:" not in result.err
    assert len(result.err.splitlines()) == 1


def test_the_catalog_commands_take_f_and_table_or_json_like_the_others(cli: Cli) -> None:
    listed = cli("exercises", "-f", "json")
    assert listed.code == 0 and json.loads(listed.out)["exercises"]
    page = cli("exercise", "toe-taps", "-f", "table")
    assert page.code == 0 and page.out.startswith("Toe taps  [toe-taps]")
    alias = cli("exercise", "toe-taps", "--format", "text")  # the old name, kept hidden
    assert alias.out == page.out
    assert "text" not in cli("exercise", "--help").out.split("--format")[1].split("\n")[0]


def test_log_without_rpe_or_pain_names_the_range(demo: Cli) -> None:
    args = ("log", "--date", WED, "--exercise", "toe-taps", "--set", "1", "--seconds", "30")
    assert_refused(demo, args, "--rpe: missing; allowed: 1-10", "--pain: missing; allowed: 0-10")


@pytest.mark.parametrize(
    ("where", "message"),
    [
        ("missing/profile.json", "the folder"),
        (".", "is a folder"),
        ("taken.json", "already exists; allowed: another name, or --force"),
    ],
)
def test_init_checks_the_output_before_asking_any_question(
    cli: Cli, tmp_path: Path, where: str, message: str
) -> None:
    (tmp_path / "taken.json").write_text("{}")
    result = cli("init", "--output", str(tmp_path / where), input="")
    assert result.code == 2
    assert result.err.startswith("error: --output: ") and message in result.err
    assert result.out == ""  # not one question asked
    assert (tmp_path / "taken.json").read_text() == "{}"


def test_init_accepts_answers_in_any_case_and_points_to_athlete_add(
    cli: Cli, tmp_path: Path
) -> None:
    out = tmp_path / "me.json"
    answers = ["Sam", "Female", "", "", "Intermediate", "", "", "", "", "", "", "", "Metric"]
    result = cli("init", "--output", str(out), input="\n".join(answers) + "\n")
    assert result.code == 0, result.err
    written = json.loads(out.read_text())
    assert (written["level"], written["sex"], written["units"]) == (
        "intermediate",
        "female",
        "metric",
    )
    assert f"calfcoach athlete add --profile {out}" in result.out


def test_the_interactive_log_asks_again_only_the_field_that_was_wrong(demo: Cli) -> None:
    # The first set of the heavy bent-knee ramp: reps, load, then an RPE the service refuses
    # (11), an RPE that is no number, and a good one: only the RPE is asked again.
    answers = ["4", "0", "11", "0", "x", "7", "q"]
    result = demo("log", "--date", WED, input="\n".join(answers) + "\n")
    assert result.code == 0, result.err
    assert "--rpe: 11 is out of range; allowed: 1-10" in result.err
    assert "rpe: not a number" in result.err
    first_set = result.out.split("saved")[0]
    assert first_set.count("RPE 1-10") == 3
    assert first_set.count("pain 0-10") == 1
    assert first_set.count("added load kg") == 1
    sets = demo.snapshot()["athletes"][0]["sessions"][0]["sets"]
    row = sets[0]
    assert (row["reps"], row["load_kg"], row["rpe"], row["pain"]) == (4, 0.0, 7, 0)


# ------------------------------------------------------------------ item 23: layout and words


def test_the_plan_table_fits_80_columns(cli: Cli) -> None:
    cli.env["COLUMNS"] = "80"
    result = cli("plan", "--profile", str(DEMO), "--start", START, "--weeks", "16")
    assert result.code == 0
    too_long = [line for line in result.out.splitlines() if len(line) > 80]
    assert too_long == []


def test_exercises_at_80_columns_keep_the_name_column(cli: Cli) -> None:
    cli.env["COLUMNS"] = "80"
    result = cli("exercises")
    assert result.code == 0
    header = result.out.splitlines()[2].split()
    assert header[:3] == ["id", "name", "region"] and header[-1] == "dose"
    assert "Toe taps" in result.out
    assert max(len(line) for line in result.out.splitlines()) <= 80


def test_counts_are_spelled_with_the_right_plural_and_article(cli: Cli) -> None:
    one = cli("athlete", "add", "--profile", str(DEMO), "--start", START, "--weeks", "1")
    assert "a 1-week plan" in one.out and "with 2 sessions" in one.out
    assert ", 1 week, 2 sessions" in cli("athlete", "list").out
    eight = cli(
        "athlete", "add", "--profile", str(DEMO), "--start", START, "--name", "B", "--weeks", "8"
    )
    assert "an 8-week plan" in eight.out
    assert "1 weeks" not in cli("plan", "--profile", str(DEMO), "--weeks", "1").out


def test_a_huge_load_is_refused_by_its_range_without_a_309_digit_number(demo: Cli) -> None:
    args = ("log", "--date", WED, "--exercise", "bent-knee-heel-raise", "--set", "1")
    err = assert_refused(
        demo,
        (*args, "--reps", "4", "--load-kg", "1e308", "--rpe", "7", "--pain", "0"),
        "--load-kg: 1e308 is out of range; allowed: 0-500 kg",
    )
    assert not re.search(r"\d{20}", err)


# ------------------------------------------------------------------ last resorts


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("deep.json", "[" * 100_000 + "]" * 100_000),
        ("deep.toml", "a = " + "[" * 100_000 + "]" * 100_000),
    ],
)
def test_a_file_nested_too_deeply_for_its_parser_is_refused_without_a_traceback(
    cli: Cli, tmp_path: Path, name: str, content: str
) -> None:
    path = tmp_path / name
    path.write_text(content)
    result = cli.run("plan", "--profile", str(path))
    assert result.exception is None
    assert result.code == 2
    assert result.err.startswith("error: ") and "nested too deeply" in result.err


def test_a_recursion_error_of_calfcoach_itself_is_not_taken_for_bad_input() -> None:
    from calfcoach.cli.errors import _from_a_parser

    def forever(n: int) -> int:
        return forever(n + 1)

    with pytest.raises(RecursionError) as caught:
        forever(0)
    assert not _from_a_parser(caught.value)


def test_extending_a_plan_by_a_million_weeks_is_refused_by_range_not_an_overflow(
    cli: Cli,
) -> None:
    # Found by the CLI fuzz: the date rule's latest plan start overflowed before the weeks
    # were checked (a plan that has not ended yet can be extended).
    import datetime as dt

    cli.monkeypatch.setattr("calfcoach.cli.correction_cmds.real_today", lambda: dt.date(2026, 6, 1))
    added = cli("athlete", "add", "--profile", str(DEMO), "--start", "2026-06-01")
    assert added.code == 0, added.err
    err = assert_refused(cli, ("extend-plan", "--weeks", "1000000"), "--weeks: 1000000")
    assert "is out of range; allowed: 1-44" in err


def test_a_bug_is_one_plain_message_with_status_70_never_a_traceback(
    demo: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The brief: never a traceback. A bug (here: the engine failing) is said in words, with a
    # status of its own (70, EX_SOFTWARE; 2 says the input was refused), and the traceback is
    # there on request (CALFCOACH_DEBUG=1).
    from calfcoach.core.engine import session

    def broken(*args: object, **kwargs: object) -> object:
        raise RuntimeError("boom")

    monkeypatch.setattr(session.SessionMaker, "_compose", broken)
    result = demo("today", "--date", WED)
    assert result.code == 70
    assert "Traceback" not in result.err + result.out
    assert "internal error (RuntimeError: boom)" in result.err
    assert "not your input" in result.err and "CALFCOACH_DEBUG=1" in result.err
    monkeypatch.setenv("CALFCOACH_DEBUG", "1")
    with pytest.raises(RuntimeError, match="boom"):
        demo("today", "--date", WED)
