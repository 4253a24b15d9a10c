"""The CLI's one date format (D-25): YYYY-MM-DD in ASCII digits, nothing else that Python's
``date.fromisoformat`` would take."""

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
