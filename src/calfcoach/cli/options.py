"""Option parsing shared by every command module: one date rule for every date option.

Module level: the standard library and ``core.limits`` only (no pydantic, no typer): every
command's cold start may pass here.
"""

from __future__ import annotations

import datetime as dt

from calfcoach.core.limits import date_problem, read_iso_date
from calfcoach.errors import InputError


def parse_date(option: str, text: str | None, default: dt.date | None = None) -> dt.date:
    """A ``YYYY-MM-DD`` option inside the one date rule (D-25): ``--date 0001-01-01`` is
    refused with ``--date: 0001-01-01 is out of range; allowed: 1900-01-01 to 2199-12-31``.
    ``None`` is ``default`` (today, usually), or a "missing" problem without one."""
    if text is None:
        if default is None:
            raise InputError(f"{option}: missing; allowed: a date YYYY-MM-DD")
        return default
    try:
        value = read_iso_date(text)  # not "2026-W49-5" (an ISO week), nor "20261204"
    except ValueError:
        raise InputError(f"{option}: {text!r} is not a valid date; allowed: YYYY-MM-DD") from None
    problem = date_problem(option, value)
    if problem is not None:
        raise InputError(problem)
    return value


def parse_date_range(
    first_option: str,
    first_text: str | None,
    last_option: str,
    last_text: str | None,
) -> tuple[dt.date | None, dt.date | None]:
    """Two date options that bound a listing (``--from``, ``--to``), each by ``parse_date``
    (None when not given), the last not before the first: ``--from 2026-09-10 --to
    2026-09-01`` is refused naming both: ``--to: 2026-09-01 is before the first day, --from
    2026-09-10``."""
    first = parse_date(first_option, first_text) if first_text is not None else None
    last = parse_date(last_option, last_text) if last_text is not None else None
    from calfcoach.services.inputs import check_range

    check_range(first, last, first_option, last_option)
    return first, last
