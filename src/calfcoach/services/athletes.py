"""Athletes: add one with a generated plan, list them, resolve ``--athlete NAME``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from calfcoach.core.limits import MAX_WEEKS, MIN_WEEKS
from calfcoach.core.models import Plan, Profile
from calfcoach.core.names import MAX_NAME_LENGTH, clean_name
from calfcoach.errors import ConflictError, InputError, NotFoundError

if TYPE_CHECKING:
    # Annotations only: the read path of `calfcoach today` must not import SQLAlchemy.
    from calfcoach.storage.db import Database
    from calfcoach.storage.repositories import Athlete, StoredPlan
    from calfcoach.storage.uow import AbstractUnitOfWork

__all__ = [
    "AddedAthlete",
    "AthleteSummary",
    "MAX_NAME_LENGTH",
    "add_athlete",
    "check_name",
    "list_athletes",
    "no_athlete_error",
    "resolve_athlete",
    "resolve_in",
]


@dataclass(frozen=True, slots=True)
class AddedAthlete:
    athlete: Athlete
    plan: StoredPlan


@dataclass(frozen=True, slots=True)
class AthleteSummary:
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
    database: Database,
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
    from calfcoach.catalog import load_catalog
    from calfcoach.core.planner import build_plan

    athlete_name = check_name(name if name is not None else profile.name)
    if not MIN_WEEKS <= weeks <= MAX_WEEKS:
        raise InputError(f"weeks: {weeks} is out of range; allowed: {MIN_WEEKS}-{MAX_WEEKS}")
    # Plan before opening the transaction: a profile that cannot be planned writes nothing,
    # and the write lock is held only for the inserts.
    plan: Plan = build_plan(profile, load_catalog(), start, weeks)
    with database.unit_of_work() as uow:
        existing = uow.athletes.find(athlete_name)  # ignoring case (D-35)
        if existing is not None:
            raise ConflictError(
                f"name: an athlete named {existing.name!r} already exists; "
                "allowed: a name not yet used, ignoring case (see calfcoach athlete list)"
            )
        athlete = uow.athletes.add(athlete_name, profile)
        stored = uow.plans.add(athlete.id, plan, profile)
        uow.commit()
    return AddedAthlete(athlete, stored)


def list_athletes(database: Database) -> list[AthleteSummary]:
    """Every athlete by name, with their active plan's start and length."""
    out: list[AthleteSummary] = []
    with database.unit_of_work(read_only=True) as uow:
        for athlete in uow.athletes.all():
            stored = uow.plans.active(athlete.id)
            out.append(
                AthleteSummary(
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
        "no athlete stored yet; add one with `calfcoach athlete add --profile FILE` "
        "or try the demo athlete with `calfcoach demo`"
    )


def resolve_in(uow: AbstractUnitOfWork, name: str | None) -> Athlete:
    """The athlete named ``name``; without a name, the only athlete there is.

    ``--athlete`` is required only when more than one athlete exists; the errors list the
    names to choose from.
    """
    if name is not None:
        found = uow.athletes.find(name)
        if found is not None:
            return found
        names = [a.name for a in uow.athletes.all()]
        if not names:
            raise no_athlete_error()
        raise NotFoundError(
            f"athlete: no athlete named {name!r}; allowed: {', '.join(map(repr, names))}"
        )
    athletes = uow.athletes.all()
    if not athletes:
        raise no_athlete_error()
    if len(athletes) > 1:
        choices = ", ".join(repr(a.name) for a in athletes)
        raise InputError(
            f"athlete: missing; {len(athletes)} athletes are stored, allowed: one of {choices}"
        )
    return athletes[0]


def resolve_athlete(database: Database, name: str | None) -> Athlete:
    """``resolve_in`` in a read-only transaction of its own."""
    with database.unit_of_work(read_only=True) as uow:
        return resolve_in(uow, name)
