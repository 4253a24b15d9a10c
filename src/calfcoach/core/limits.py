"""Plain limits of the rule sheet that the adapters check before anything heavy is imported
(a cold `calfcoach today` must not import pydantic just to know them). ``rules`` re-exports
them: they are rule constants, kept here only so the CLI can read them for free.

The one date rule (D-25): every date calfcoach accepts, from any way in (a CLI option, a
profile or import field, later the API), lies between ``EARLIEST_DATE`` and ``LATEST_DATE``,
and a plan must end by ``LATEST_DATE``. Nothing outside can be a runner's training, and the
engine's date arithmetic (a plan's weeks, race windows) stays far from ``date.max``.
"""

import datetime as dt
from typing import Final

MIN_WEEKS: Final = 1  # a plan is 1-52 weeks (7-day blocks, R-SCHED-0)
MAX_WEEKS: Final = 52

EARLIEST_DATE: Final = dt.date(1900, 1, 1)
LATEST_DATE: Final = dt.date(2199, 12, 31)


def date_range_text(latest: dt.date = LATEST_DATE) -> str:
    """What is allowed, as the messages say it: ``1900-01-01 to 2199-12-31``."""
    return f"{EARLIEST_DATE.isoformat()} to {latest.isoformat()}"


def date_problem(field: str, value: dt.date, latest: dt.date = LATEST_DATE) -> str | None:
    """The message for a date outside the one date rule (``field: value ...; allowed: ...``),
    or None when it is inside. ``latest`` narrows the end (a plan start, today for a log)."""
    if EARLIEST_DATE <= value <= latest:
        return None
    return f"{field}: {value.isoformat()} is out of range; allowed: {date_range_text(latest)}"


def read_iso_date(text: str) -> dt.date:
    """The date of ``text`` written exactly ``YYYY-MM-DD`` (ASCII digits), else ValueError.
    ``date.fromisoformat`` alone also takes ``20261204`` and the ISO week date
    ``2026-W49-5``, which no way in takes (the CLI, the pages, the API, an import)."""
    digits = text[:4] + text[5:7] + text[8:]
    if len(text) != 10 or text[4] != "-" or text[7] != "-" or not digits.isascii():
        raise ValueError(f"{text!r} is not YYYY-MM-DD")
    if not digits.isdigit():
        raise ValueError(f"{text!r} is not YYYY-MM-DD")
    return dt.date.fromisoformat(text)


def plain_number(text: str) -> str:
    """``text`` stripped, if it is written as a person types a number: ASCII only and no
    ``_`` (Python's ``int`` and ``float`` also take "1_0", "٥" and "０5"); else ValueError.
    The one rule of a typed number: the CLI's options and the pages' fields."""
    text = text.strip()
    if not text.isascii() or "_" in text:
        raise ValueError(text)
    return text


def not_whole_words(text: str) -> str:
    """Why ``text`` is not read as a whole number, in the words of every way in:
    ``is not a whole number in plain digits`` for a number written otherwise (``1e3``,
    ``10.0``, ``1_0``, ``１０``), else ``is not a whole number``."""
    try:
        number = float(text)
    except ValueError:
        return "is not a whole number"
    if number.is_integer() or abs(number) == float("inf") and "n" not in text.lower():
        return "is not a whole number in plain digits"
    return "is not a whole number"


def latest_plan_start(weeks: int) -> dt.date:
    """The last start date of a plan of ``weeks`` weeks that still ends by LATEST_DATE
    (``date.min`` when no start can: a count of weeks far beyond any plan's, which a caller
    may check after this, must not overflow the date arithmetic)."""
    days = 7 * max(weeks, 0) - 1
    if days > (LATEST_DATE - dt.date.min).days:
        return dt.date.min
    return LATEST_DATE - dt.timedelta(days=days)
