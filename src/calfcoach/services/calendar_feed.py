"""The calendar subscription address of an athlete (issue 8, part 2, "Export").

``/calendar/{token}.ics`` gives the athlete's plan as iCalendar (``formats.ics``) to any
calendar app that subscribes to it, with no sign-in: the token is the secret. It is 32 random
bytes (``secrets.token_urlsafe``), shown once when made; only its SHA-256 is stored
(``uow.calendar_tokens``), so the address cannot be read back from the database, only
replaced ("rotate": the old address stops working at once) or stopped.

    new_calendar_token(ctx, actor, athlete_id)      -> the token (actor: manage)
    calendar_address_since(ctx, actor, athlete_id)  -> when the address was made (view)
    stop_calendar_address(ctx, actor, athlete_id)   -> whether there was one (manage)
    calendar_for_token(ctx, token, today)           -> the iCalendar bytes: the token is the
                                                       actor (it may view its athlete only)
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from typing import TYPE_CHECKING

from calfcoach.errors import NotFoundError, Problem
from calfcoach.services.access import Actor
from calfcoach.services.athletes import athlete_in

if TYPE_CHECKING:
    from calfcoach.services.context import ServiceContext

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


def new_calendar_token(ctx: ServiceContext, actor: Actor, athlete_id: int) -> str:
    """Make the athlete a new calendar token (an older one stops working) and return it:
    the only time it can be read."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    with ctx.unit_of_work() as uow:
        athlete = athlete_in(uow, actor, athlete_id, "manage")
        uow.calendar_tokens.replace(athlete.id, token_hash(token))
        uow.commit()
    return token


def calendar_address_since(
    ctx: ServiceContext, actor: Actor, athlete_id: int
) -> dt.datetime | None:
    """When the athlete's current calendar address was made; None when there is none."""
    with ctx.unit_of_work(read_only=True) as uow:
        athlete = athlete_in(uow, actor, athlete_id)
        return uow.calendar_tokens.created_at(athlete.id)


def stop_calendar_address(ctx: ServiceContext, actor: Actor, athlete_id: int) -> bool:
    """Stop the athlete's calendar address; whether there was one."""
    with ctx.unit_of_work() as uow:
        athlete = athlete_in(uow, actor, athlete_id, "manage")
        removed = uow.calendar_tokens.remove(athlete.id)
        uow.commit()
    return removed


def token_actor(athlete_id: int) -> Actor:
    """Who asks with a calendar token: a token that may only view its own athlete."""
    return Actor.for_athletes("token", None, (athlete_id,), ("view",))


def calendar_for_token(ctx: ServiceContext, token: str, today: dt.date) -> bytes:
    """The plan (adapted to the log up to ``today``) of the athlete whose token this is, as
    iCalendar bytes, read in one unit of work. The token is the credential: it acts as a
    ``token_actor`` of its athlete. An unknown, stopped or malformed token is
    ``NotFoundError``, all with the same message: the answer says nothing about which
    tokens exist."""
    from calfcoach.formats.ics import plan_to_ics
    from calfcoach.services.inputs import check_date
    from calfcoach.services.training import current_plan_in

    unknown = NotFoundError(
        Problem("not_found", "no calendar at this address (it may have been replaced)")
    )
    if not _TOKEN_SHAPE.match(token):
        raise unknown
    check_date("date", today)
    with ctx.unit_of_work(read_only=True) as uow:
        athlete_id = uow.calendar_tokens.athlete_for(token_hash(token))
        if athlete_id is None:
            raise unknown
        current = current_plan_in(uow, token_actor(athlete_id), athlete_id, today)
    athlete = current.athlete
    return plan_to_ics(
        current.plan, athlete.name, units=athlete.profile.units, catalog=ctx.catalog()
    )
