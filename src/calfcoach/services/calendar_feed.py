"""The calendar subscription address of an athlete (issue 8, part 2, "Export").

``/calendar/{token}.ics`` gives the athlete's plan as iCalendar (``formats.ics``) to any
calendar app that subscribes to it, with no sign-in: the token is the secret. It is 32 random
bytes (``secrets.token_urlsafe``), shown once when made; only its SHA-256 is stored, so the
address cannot be read back from the database, only replaced ("rotate": the old address
stops working at once) or stopped.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from typing import TYPE_CHECKING

from calfcoach.errors import NotFoundError

if TYPE_CHECKING:
    from calfcoach.storage.db import Database

__all__ = [
    "TOKEN_BYTES",
    "calendar_address_since",
    "calendar_for_token",
    "new_calendar_token",
    "stop_calendar_address",
    "token_hash",
]

TOKEN_BYTES = 32
_TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_-]{43}$")  # token_urlsafe(32): 43 characters


def token_hash(token: str) -> str:
    """The stored form of a token: SHA-256, hex (a 256-bit random token needs no salt)."""
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def new_calendar_token(database: Database, name: str | None) -> str:
    """Make the athlete a new calendar token (an older one stops working) and return it:
    the only time it can be read."""
    from calfcoach.services.athletes import resolve_in

    token = secrets.token_urlsafe(TOKEN_BYTES)
    with database.unit_of_work() as uow:
        athlete = resolve_in(uow, name)
        uow.calendar_tokens.replace(athlete.id, token_hash(token))
        uow.commit()
    return token


def calendar_address_since(database: Database, name: str | None) -> dt.datetime | None:
    """When the athlete's current calendar address was made; None when there is none."""
    from calfcoach.services.athletes import resolve_in

    with database.unit_of_work(read_only=True) as uow:
        athlete = resolve_in(uow, name)
        return uow.calendar_tokens.created_at(athlete.id)


def stop_calendar_address(database: Database, name: str | None) -> bool:
    """Stop the athlete's calendar address; whether there was one."""
    from calfcoach.services.athletes import resolve_in

    with database.unit_of_work() as uow:
        athlete = resolve_in(uow, name)
        removed = uow.calendar_tokens.remove(athlete.id)
        uow.commit()
    return removed


def calendar_for_token(database: Database, token: str, today: dt.date) -> bytes:
    """The plan (adapted to the log up to ``today``) of the athlete whose token this is, as
    iCalendar bytes. An unknown, stopped or malformed token is ``NotFoundError``, all with
    the same message: the answer says nothing about which tokens exist."""
    from calfcoach.catalog import load_catalog
    from calfcoach.formats.ics import plan_to_ics
    from calfcoach.services.training import current_plan

    unknown = NotFoundError("no calendar at this address (it may have been replaced)")
    if not _TOKEN_SHAPE.match(token):
        raise unknown
    with database.unit_of_work(read_only=True) as uow:
        athlete_id = uow.calendar_tokens.athlete_for(token_hash(token))
        if athlete_id is None:
            raise unknown
        athlete = uow.athletes.get(athlete_id)
    current = current_plan(database, athlete.name, today)
    return plan_to_ics(
        current.plan, athlete.name, units=athlete.profile.units, catalog=load_catalog()
    )
