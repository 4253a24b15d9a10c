"""Athletes: add one with a generated plan, list them, and find one's id by name.

    add_athlete(ctx, actor, profile, start=..., weeks=..., name=...)  -> AddedAthlete
    list_athletes(ctx, actor)                     -> the athletes the actor may see
    get_athlete(ctx, actor, athlete_id)           -> the athlete (name, profile)
    athlete_in(uow, actor, athlete_id, action)    -> the athlete, inside a use case's unit of
                                                     work, after the access check
    find_athlete_id(ctx, actor, name_or_none)     -> an id: the CLI's ``--athlete NAME``
                                                     (None: the only athlete there is)

Every other use case takes an athlete id; the name lookup is the CLI's convenience. Its
errors never list other athletes' names (they say how to list them).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from calfcoach.core.limits import MAX_WEEKS, MIN_WEEKS
from calfcoach.core.models import Plan, Profile
from calfcoach.core.names import MAX_NAME_LENGTH, clean_name
from calfcoach.errors import ConflictError, InputError, NotFoundError, Problem
from calfcoach.services.access import Action, Actor, can_see, ensure_can, may_add_own_athlete

if TYPE_CHECKING:
    # Annotations only: services never import storage at run time.
    from calfcoach.services.context import ServiceContext
    from calfcoach.storage.records import Athlete, StoredPlan
    from calfcoach.storage.uow import AbstractUnitOfWork

__all__ = [
    "first_athlete_id",
    "AddedAthlete",
    "AthleteSummary",
    "LIST_HINT",
    "MAX_NAME_LENGTH",
    "add_athlete",
    "athlete_in",
    "check_name",
    "find_athlete_id",
    "get_athlete",
    "list_athletes",
    "no_athlete_error",
    "visible_athlete",
]

LIST_HINT = "a name that `calfcoach athlete list` shows"
"""Where to find the names to choose from (errors never list other athletes' names)."""


@dataclass(frozen=True, slots=True)
class AddedAthlete:
    athlete: Athlete
    plan: StoredPlan


@dataclass(frozen=True, slots=True)
class AthleteSummary:
    id: int
    name: str
    level: str
    plan_start: dt.date | None
    plan_weeks: int | None
    sessions: int
    created_at: dt.datetime


def check_name(name: str | None, field: str = "name") -> str:
    """The name as stored: NFC, stripped, no control characters, at most
    ``MAX_NAME_LENGTH`` (``core.names.clean_name``); the same rule for adding, importing and
    renaming. Uniqueness ignores case (``core.names.name_key``, checked by the database)."""
    if name is None or not name.strip():
        raise InputError(
            f'{field}: missing; allowed: a name (the profile\'s "name" key, or a name given '
            "beside it)"
        )
    return clean_name(name, field)


def add_athlete(
    ctx: ServiceContext,
    actor: Actor,
    profile: Profile,
    *,
    start: dt.date,
    weeks: int = 8,
    name: str | None = None,
) -> AddedAthlete:
    """Store a new athlete and the plan built from the profile, in one transaction.

    The name is ``name`` or else the profile's name; a name already taken is refused with
    ``InputError`` and nothing is written.
    """
    from calfcoach.core.planner import build_plan

    ensure_can(actor, None, "manage")
    athlete_name = check_name(name if name is not None else profile.name)
    if not MIN_WEEKS <= weeks <= MAX_WEEKS:
        raise InputError(f"weeks: {weeks} is out of range; allowed: {MIN_WEEKS}-{MAX_WEEKS}")
    # Plan before opening the transaction: a profile that cannot be planned writes nothing,
    # and the write lock is held only for the inserts.
    plan: Plan = build_plan(profile, ctx.catalog(), start, weeks)
    with ctx.unit_of_work() as uow:
        existing = uow.athletes.find(athlete_name)  # ignoring case (D-35)
        if existing is not None:
            raise ConflictError(
                f"name: an athlete named {existing.name!r} already exists; "
                "allowed: a name not yet used, ignoring case (see calfcoach athlete list)"
            )
        athlete = uow.athletes.add(athlete_name, profile)
        stored = uow.plans.add(athlete.id, plan, profile)
        if may_add_own_athlete(actor) and actor.account_id is not None:
            from calfcoach.services.coaching import link_claimed

            uow.accounts.link_athlete(actor.account_id, athlete.id)  # its own (issue 9)
            # signed up through a coach's invitation: the coach follows from now on
            link_claimed(uow, actor.account_id, athlete.id)
        uow.commit()
    return AddedAthlete(athlete, stored)


def first_athlete_id(ctx: ServiceContext, actor: Actor) -> int | None:
    """The first athlete added that ``actor`` may see (local single-user mode's athlete), or
    None when there is none; one query, no profile read (every page asks it)."""
    if ctx.athlete_ids is not None:  # one statement, no unit of work (the pages' hot path)
        ids = ctx.athlete_ids()
    else:
        with ctx.unit_of_work(read_only=True) as uow:
            ids = uow.athletes.ids_by_age()
    return next((athlete_id for athlete_id in ids if can_see(actor, athlete_id)), None)


def own_athlete_id(ctx: ServiceContext, actor: Actor) -> int:
    """The athlete whose training ``actor`` asks about when no id is named (the API's
    ``/today``): an account's own athlete; in local single-user mode the first stored that
    ``actor`` may see. ``NotFoundError`` when there is none (a coach's account has no
    athlete of its own: the coach names one by id)."""
    if actor.account_id is not None:
        if actor.own_athlete_id is None:
            raise NotFoundError(
                Problem(
                    "not_found",
                    "this account has no athlete of its own",
                    field="athlete",
                    allowed="name the athlete by id (an athlete this account may see)",
                )
            )
        return actor.own_athlete_id
    found = first_athlete_id(ctx, actor)
    if found is None:
        raise no_athlete_error()
    return found


def visible_athlete(ctx: ServiceContext, actor: Actor, athlete_id: int) -> tuple[int, str] | None:
    """(id, name) of the athlete ``athlete_id`` if it exists and ``actor`` may see it, else
    None; one query (the pages ask it when an athlete was chosen on the roster)."""
    if not can_see(actor, athlete_id):
        return None
    with ctx.unit_of_work(read_only=True) as uow:
        found = uow.athletes.visible(frozenset({athlete_id}))
    return found[0] if found else None


def list_athletes(ctx: ServiceContext, actor: Actor) -> list[AthleteSummary]:
    """The athletes ``actor`` may see, by name, with their active plan's start and length."""
    out: list[AthleteSummary] = []
    with ctx.unit_of_work(read_only=True) as uow:
        for athlete in uow.athletes.all():
            if not can_see(actor, athlete.id):
                continue
            stored = uow.plans.active(athlete.id)
            out.append(
                AthleteSummary(
                    id=athlete.id,
                    name=athlete.name,
                    level=athlete.profile.level,
                    plan_start=stored.plan.start if stored else None,
                    plan_weeks=stored.plan.weeks if stored else None,
                    sessions=len(stored.plan.sessions) if stored else 0,
                    created_at=athlete.created_at,
                )
            )
    return out


def no_athlete_error() -> NotFoundError:
    return NotFoundError(
        Problem(
            "not_found",
            "no athlete stored yet",
            field="athlete",
            allowed="add one with `calfcoach athlete add --profile FILE` or try the demo "
            "athlete with `calfcoach demo`",
        )
    )


def athlete_in(
    uow: AbstractUnitOfWork, actor: Actor, athlete_id: int, action: Action = "view"
) -> Athlete:
    """The athlete ``athlete_id`` inside a use case's unit of work, once ``actor`` may
    ``action`` them (``ensure_can``: ``ForbiddenError``); ``NotFoundError`` when there is no
    such athlete. The access check comes first, so an id the actor may not see is refused
    the same way whether or not it exists."""
    ensure_can(actor, athlete_id, action)
    try:
        return uow.athletes.get(athlete_id)
    except NotFoundError:
        raise athlete_not_found(athlete_id) from None


def athlete_not_found(athlete_id: int) -> NotFoundError:
    """The typed problem of an athlete id with no athlete (``athlete_in``'s)."""
    return NotFoundError(
        Problem(
            "not_found",
            f"no athlete with id {athlete_id}",
            field="athlete",
            value=athlete_id,
            allowed="the id of a stored athlete",
        )
    )


def get_athlete(ctx: ServiceContext, actor: Actor, athlete_id: int) -> Athlete:
    """The athlete ``athlete_id`` (name, profile, creation time), for ``actor`` to view."""
    with ctx.unit_of_work(read_only=True) as uow:
        return athlete_in(uow, actor, athlete_id)


def find_athlete_id(ctx: ServiceContext, actor: Actor, name: str | None) -> int:
    """The id of the athlete named ``name`` (ignoring case) among those ``actor`` may see;
    without a name, of the only one there is. The CLI's ``--athlete NAME``: it is needed
    only when more than one athlete exists. The errors never list other athletes' names:
    they say how to list them."""
    with ctx.unit_of_work(read_only=True) as uow:
        if name is not None:
            found = uow.athletes.find(name)
            if found is not None and can_see(actor, found.id):
                return found.id
            if not any(can_see(actor, a.id) for a in uow.athletes.all()):
                raise no_athlete_error()
            raise NotFoundError(
                Problem(
                    "not_found",
                    f"no athlete named {name!r}",
                    field="athlete",
                    value=name,
                    allowed=LIST_HINT,
                )
            )
        visible = [a for a in uow.athletes.all() if can_see(actor, a.id)]
    if not visible:
        raise no_athlete_error()
    if len(visible) > 1:
        raise InputError(
            Problem(
                "invalid",
                f"missing; {len(visible)} athletes are stored",
                field="athlete",
                allowed=LIST_HINT,
            )
        )
    return visible[0].id
