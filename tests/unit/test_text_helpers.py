"""The small text helpers the CLI's voice stands on (issue 7, items 11, 15, 20, 23)."""

from __future__ import annotations

import codecs

import pytest

from calfcoach.cli.errors import ERRORS, PLAIN_ASCII, protect_streams, shown_bytes
from calfcoach.formats.text import article, column_lines, fit_widths, plural, printable
from calfcoach.services.inputs import number_text, text_problem


@pytest.mark.parametrize(
    ("count", "word", "expected"),
    [(1, "week", "1 week"), (2, "week", "2 weeks"), (0, "session", "0 sessions")],
)
def test_plural_says_one_week_and_two_weeks(count: int, word: str, expected: str) -> None:
    assert plural(count, word) == expected
    assert plural(1, "extra day") == "1 extra day"


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("8-week plan", "an 8-week plan"),
        ("11-week plan", "an 11-week plan"),
        ("18-week plan", "an 18-week plan"),
        ("1-week plan", "a 1-week plan"),
        ("12-week plan", "a 12-week plan"),
        ("easy run", "an easy run"),
        ("heavy day", "a heavy day"),
    ],
)
def test_article_is_the_spoken_one(phrase: str, expected: str) -> None:
    assert article(phrase) == expected


def test_printable_escapes_control_characters_and_keeps_ordinary_text() -> None:
    assert printable("Zoë × Ørsted") == "Zoë × Ørsted"
    assert printable("Evil\n\x1b[31mRed\tX\r") == "Evil\\n\\x1b[31mRed\\tX\\r"
    assert printable("a\x00b\x7f\u202eevil") == "a\\x00b\\x7f\\u202eevil"
    assert printable("bad\udcff") == "bad\\xff"


def test_numbers_in_messages_are_never_hundreds_of_digits() -> None:
    assert number_text(1e308) == "1e+308"
    assert number_text(12.0) == "12" and number_text(4.5) == "4.5"
    assert number_text(float("nan")) == "nan" and number_text(-float("inf")) == "-inf"


def test_a_whole_number_beyond_any_float_is_shown_short_not_an_overflow() -> None:
    # JSON's 400 nines is a Python int no float can hold: `contacts` of it was a 500.
    assert number_text(int("9" * 400)) == "1e+400"
    assert number_text(-int("9" * 400)) == "-1e+400"
    assert number_text(123456789012345678) == "1.23457e+17"
    assert number_text(10**16) == "1e+16" and number_text(12) == "12"
    assert number_text(True) == "1"


def test_a_free_text_with_nul_control_characters_or_surrogates_has_a_problem() -> None:
    assert text_problem("--note", "fine\n\tnote", max_chars=50, multiline=True) is None
    nul = text_problem("--note", "a\x00b", max_chars=50, multiline=True)
    assert nul is not None and nul.startswith("--note: 'a\\x00b' holds a NUL character")
    assert "control character" in (text_problem("--name", "a\nb", max_chars=50) or "")
    assert "not valid UTF-8" in (text_problem("--note", "bad\udcff", max_chars=50) or "")
    assert "too long" in (text_problem("--note", "x" * 51, max_chars=50) or "")


def test_columns_give_way_to_fit_the_width_and_wrap_inside_their_column() -> None:
    widths = fit_widths([40, 30, 10, 20], 60, [12, 12, 6, 8])
    assert sum(widths) <= 60 and all(w >= m for w, m in zip(widths, [12, 12, 6, 8], strict=True))
    lines = column_lines(("Bent-knee heel raise (standing)", "4 x 4", "60 s", ""), [12, 6, 5, 4])
    assert all(len(line) <= 2 + 12 + 6 + 5 + 4 + 6 for line in lines)
    assert " ".join(" ".join(lines).split()).startswith("Bent-knee 4 x 4 60 s heel raise")


def test_an_ascii_stream_gets_plain_letters(monkeypatch: pytest.MonkeyPatch) -> None:
    import io
    import sys

    raw = io.BytesIO()
    stream = io.TextIOWrapper(raw, encoding="ascii")
    monkeypatch.setattr(sys, "stdout", stream)
    protect_streams()
    assert stream.encoding == PLAIN_ASCII and stream.errors == ERRORS
    stream.write("Zoë × 5–6 ≥ bad\udcff 日")
    stream.flush()
    assert raw.getvalue() == b"Zoe x 5-6 >= bad\\xff ?"
    assert codecs.lookup(PLAIN_ASCII).name == PLAIN_ASCII


def test_undecodable_bytes_are_shown_as_escapes() -> None:
    assert shown_bytes("bad\udcff") == "'bad\\xff'"


@pytest.mark.parametrize("color", [False, True])
def test_a_stored_reason_or_advice_quoting_an_old_race_name_prints_escaped_never_raw(
    color: bool,
) -> None:
    """D-154: a session given before names were checked keeps its words (R-HIST); the plan
    and a session print them escaped, as they print a stored athlete name."""
    import dataclasses
    import datetime as dt
    import io

    from rich.console import Console

    from calfcoach.catalog import load_catalog
    from calfcoach.cli.athlete_cmds import render_session
    from calfcoach.cli.plan_cmds import render_plan_table
    from calfcoach.core.models import Profile
    from calfcoach.core.planner import build_plan

    evil = "Race week (Spring\x1b[2J\u202eHalf)"
    profile = Profile(level="novice", free_days=frozenset({"mon", "thu"}))
    plan = build_plan(profile, load_catalog(), dt.date(2027, 3, 1), 2)
    first = plan.sessions[0]
    given = dataclasses.replace(
        first,
        advice=f"{evil}: rest.",
        exercises=tuple(dataclasses.replace(p, why=f"{evil}: hold.") for p in first.exercises),
    )
    plan = dataclasses.replace(plan, sessions=(given, *plan.sessions[1:]))
    for render in ("plan", "session"):
        buffer = io.StringIO()
        out = Console(file=buffer, width=100, force_terminal=color, no_color=not color)
        if render == "plan":
            render_plan_table(plan, profile, load_catalog(), out)
        else:
            render_session(given, profile, out)
        text = buffer.getvalue()
        assert "\u202e" not in text and "\x1b[2J" not in text, render
        assert "Spring\\x1b[2J\\u202eHalf" in text.replace("\n", "").replace(" ", ""), render


def test_a_lone_surrogate_is_shown_escaped_not_a_crash_of_the_error_report() -> None:
    # A hostile test: "\ud800" in an export file made the error report itself fail (exit 70).
    from calfcoach.cli.errors import shown_bytes

    assert shown_bytes("a\ud800b") == "'a\\\\ud800b'"
    assert shown_bytes("bad\udcff") == "'bad\\xff'"
