"""The audit trail (issue 9): every change a coach makes to an athlete, recorded in one
place, from the services (never from routes), in the unit of work of the change itself, so
a change and its record are written together or not at all.

    record(uow, actor, athlete_id, what, before, after)   a no-op unless a coach's
    trail(ctx, actor, athlete_id)                          the athlete's trail, newest first

Recorded: a change by an account (a signed-in coach or a coach's token) to an athlete who
is not the account's own. The athlete's own changes and the local user's are not a coach's
and are not recorded (D-110).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from calfcoach.services.access import Actor, ensure_can

if TYPE_CHECKING:
    from calfcoach.services.context import ServiceContext
    from calfcoach.storage.uow import AbstractUnitOfWork

__all__ = ["AuditEvent", "is_coach_change", "record", "trail"]


@dataclass(frozen=True, slots=True)
class AuditEvent:
    at: dt.datetime
    who: str
    what: str
    before: Any
    after: Any


def is_coach_change(actor: Actor, athlete_id: int) -> bool:
    """Whether a change by ``actor`` to ``athlete_id`` is someone else's (a coach's)."""
    return actor.account_id is not None and actor.own_athlete_id != athlete_id


def record(
    uow: AbstractUnitOfWork,
    actor: Actor,
    athlete_id: int,
    what: str,
    before: Any,
    after: Any,
) -> None:
    """Record in ``uow`` that ``actor`` changed ``what`` of the athlete from ``before`` to
    ``after`` (JSON values), if it is a coach's change (``is_coach_change``)."""
    if not is_coach_change(actor, athlete_id):
        return
    assert actor.account_id is not None
    account = uow.accounts.get(actor.account_id)
    who = account.email if account is not None else f"account {actor.account_id}"
    uow.coaching.add_event(athlete_id, actor.account_id, who, what, before, after)


def trail(ctx: ServiceContext, actor: Actor, athlete_id: int) -> list[AuditEvent]:
    """The audit trail of the athlete, newest first (the athlete and their coach read it)."""
    with ctx.unit_of_work(read_only=True) as uow:
        ensure_can(actor, athlete_id, "view")
        uow.athletes.get(athlete_id)
        return [
            AuditEvent(e.at, e.actor_name, e.what, e.before, e.after)
            for e in uow.coaching.events(athlete_id)
        ]
