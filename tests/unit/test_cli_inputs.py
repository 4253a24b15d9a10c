"""What the CLI takes as a date (D-25: YYYY-MM-DD in ASCII digits, nothing else that
``date.fromisoformat`` would take) and as a number (what a person types, not all that
Python's ``int`` takes)."""

from __future__ import annotations

import datetime as dt

import pytest

from calfcoach.cli.options import parse_date
from calfcoach.errors import InputError

BAD = ["2026-W49-5", "2026W495", "20261204", "２０２６-12-04", "2026-12-4"]


@pytest.mark.parametrize("text", BAD)
def test_a_date_option_takes_only_year_month_day_with_dashes(text: str) -> None:
    with pytest.raises(InputError, match="is not a valid date; allowed: YYYY-MM-DD"):
        parse_date("--date", text)


def test_a_date_option_takes_year_month_day() -> None:
    assert parse_date("--date", "2026-12-04") == dt.date(2026, 12, 4)


@pytest.mark.parametrize("text", ["٥", "０5", "1_0", "1 0"])
def test_a_number_option_takes_only_what_a_person_types(text: str) -> None:
    # Python's int() takes all of these ("1_0" is 10): a hostile test logged them.
    from calfcoach.cli.athlete_cmds import parse_float, parse_int

    with pytest.raises(InputError, match="is not a whole number"):
        parse_int("--reps", text, "0-500")
    with pytest.raises(InputError, match="is not a number"):
        parse_float("--load-kg", text, "0-500")


def test_a_number_option_takes_plain_numbers() -> None:
    from calfcoach.cli.athlete_cmds import parse_float, parse_int

    assert parse_int("--reps", " 12 ", "0-500") == 12
    assert parse_float("--load-kg", "2,5", "0-500") == 2.5
