"""Checks every service applies to its own input, whoever calls it (the CLI, an import, later
the web app): the one date rule (D-25) and text that can be stored and printed.

Each raises ``InputError`` with the project's message, ``field: value ...; allowed: ...``.
"""

from __future__ import annotations

import datetime as dt
import unicodedata

from calfcoach.core.limits import LATEST_DATE, date_problem
from calfcoach.errors import InputError


def check_date(field: str, value: dt.date, latest: dt.date = LATEST_DATE) -> dt.date:
    """``value`` if it lies inside the one date rule (D-25), else an ``InputError``."""
    problem = date_problem(field, value, latest)
    if problem is not None:
        raise InputError(problem)
    return value


def check_range(
    first: dt.date | None,
    last: dt.date | None,
    first_field: str = "from_date",
    last_field: str = "to_date",
) -> None:
    """A from/to range of a listing: each day inside the one date rule (D-25), the last day
    not before the first: ``to_date: 2026-09-01 is before the first day, from_date
    2026-09-10``. An adapter checks first with its own names for the two (``--from`` and
    ``--to``, the query's ``from`` and ``to``), so its message names what was typed."""
    for field, value in ((first_field, first), (last_field, last)):
        if value is not None:
            check_date(field, value)
    if first is not None and last is not None and last < first:
        raise InputError.about(
            last_field,
            f"{last.isoformat()} is before the first day, {first_field} {first.isoformat()}",
            value=last.isoformat(),
            allowed=f"a day on or after {first.isoformat()}",
        )


def number_text(value: float) -> str:
    """A number for a message: ``12``, ``4.5``, ``1e+308`` (never 309 digits), ``nan``; a
    whole number beyond any float (JSON's 400 nines) as ``1e+400``, never an overflow."""
    if isinstance(value, int):
        if abs(value) < 10**15:
            return str(int(value))  # a bool as 1 or 0
        from decimal import Decimal  # not float: an int past 1.8e308 does not convert

        mantissa, exponent = f"{Decimal(value):.5e}".split("e")
        return f"{mantissa.rstrip('0').rstrip('.')}e{exponent}"
    if value != value or value in (float("inf"), float("-inf")):
        return str(value)
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.6g}"


def _shown(text: str, limit: int = 40) -> str:
    short = text if len(text) <= limit else text[:limit] + "..."
    return repr(short.encode("utf-8", "backslashreplace").decode("ascii", "backslashreplace"))


def text_problem(field: str, value: str, *, max_chars: int, multiline: bool = False) -> str | None:
    """The problem of a free text (a note): too long, a NUL or another control character
    (newlines and tabs only where ``multiline``), or not valid Unicode (a lone surrogate),
    none of which PostgreSQL stores or a terminal prints safely. None when it is fine."""
    if len(value) > max_chars:
        return (
            f"{field}: {len(value)} characters is too long; allowed: at most {max_chars} characters"
        )
    allowed_controls = "\n\t" if multiline else ""
    for char in value:
        category = unicodedata.category(char)
        if category == "Cs":
            return f"{field}: {_shown(value)} is not valid UTF-8 text; allowed: text in UTF-8"
        if category == "Cc" and char not in allowed_controls:
            kind = "a NUL character" if char == "\0" else f"the control character {char!r}"
            allowed = "text without control characters" + (
                " (newlines and tabs are fine)" if multiline else ""
            )
            return f"{field}: {_shown(value)} holds {kind}; allowed: {allowed}"
    return None


def check_text(field: str, value: str, *, max_chars: int, multiline: bool = False) -> str:
    """``value`` if ``text_problem`` finds nothing, else an ``InputError``."""
    problem = text_problem(field, value, max_chars=max_chars, multiline=multiline)
    if problem is not None:
        raise InputError(problem)
    return value
