"""Corrections (issue 7, item 16): edit or delete a logged set, undo a skip, rename or remove
an athlete, extend a plan or start the next block when it ends.

Use cases for the CLI and a web app alike: each takes the context, the actor, the athlete's
id and the real ``today``, checks access (``access.ensure_can``), validates first
(``InputError`` naming the field, the value and what is allowed) and writes in one
transaction.

R-HIST: every correction of the log first settles the athlete (``training.settle``: each
session dated before today is fixed as it was given), then writes through the repositories,
which drop the engine snapshots from the corrected day on. So a correction re-adapts only
the future: a session already given never changes, whatever is edited or deleted before it.
"""

from __future__ import annotations

import datetime as dt
import shlex
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from calfcoach.core import limits
from calfcoach.errors import ConflictError, InputError, NotFoundError
from calfcoach.services.access import Action, Actor, ensure_owner
from calfcoach.services.accounts import forget_own_login
from calfcoach.services.athletes import athlete_in, check_name
from calfcoach.services.audit import record

if TYPE_CHECKING:
    from calfcoach.core.engine import State
    from calfcoach.core.models import Plan
    from calfcoach.services.context import ServiceContext
    from calfcoach.services.training import CurrentPlan
    from calfcoach.storage.records import Athlete, StoredPlan, StoredSet
    from calfcoach.storage.uow import AbstractUnitOfWork

__all__ = [
    "EXTEND_COMMAND",
    "NEXT_COMMAND",
    "PlanChange",
    "PlanEnded",
    "RemovedAthlete",
    "SetChanges",
    "SetRef",
    "SetListing",
    "begin_write",
    "carried_state",
    "delete_set",
    "edit_set",
    "extend_plan",
    "list_sets",
    "next_plan",
    "plan_ended",
    "remove_athlete",
    "rename_athlete",
    "undo_skip",
]

DOSE_FIELDS = ("reps", "seconds", "distance_m", "contacts")
EXTEND_COMMAND = "calfcoach extend-plan --weeks N"
NEXT_COMMAND = "calfcoach next-plan"


# --------------------------------------------------------------------------- records


@dataclass(frozen=True, slots=True)
class SetRef:
    """Which logged set: its id (``calfcoach sets`` shows it), or its day, exercise, set
    number and side (the side may be left out when only one side of the set is logged)."""

    id: int | None = None
    date: dt.date | None = None
    exercise: str | None = None
    set_number: int | None = None
    side: str | None = None


@dataclass(frozen=True, slots=True)
class SetChanges:
    """What a set edit changes; None keeps the logged value."""

    reps: int | None = None
    seconds: int | None = None
    distance_m: float | None = None
    contacts: int | None = None
    load_kg: float | None = None
    rpe: int | None = None
    pain: int | None = None

    def empty(self) -> bool:
        return all(getattr(self, name) is None for name in self.__slots__)


@dataclass(frozen=True, slots=True)
class SetListing:
    athlete: str
    sets: tuple[StoredSet, ...]


@dataclass(frozen=True, slots=True)
class RemovedAthlete:
    name: str
    rows: dict[str, int]
    """Rows deleted per table."""


@dataclass(frozen=True, slots=True)
class PlanChange:
    athlete: str
    start: dt.date
    weeks: int
    first_new_day: dt.date
    """The first day the change added (the day after the old plan's last day, or the new
    block's start)."""


@dataclass(frozen=True, slots=True)
class PlanEnded:
    """``today`` after the plan's last day: what it says instead of "rest day"."""

    last_day: dt.date
    message: str


# --------------------------------------------------------------------------- sets


def list_sets(
    ctx: ServiceContext,
    actor: Actor,
    athlete_id: int,
    *,
    first: dt.date | None = None,
    last: dt.date | None = None,
) -> SetListing:
    """The athlete's logged sets with their ids (dated ``first`` to ``last`` when given)."""
    from calfcoach.services.inputs import check_range

    check_range(first, last)
    with ctx.unit_of_work(read_only=True) as uow:
        athlete = athlete_in(uow, actor, athlete_id)
        sets = uow.logs.stored_sets(athlete.id, first=first, last=last)
    return SetListing(athlete.name, tuple(sets))


def _describe(stored: StoredSet) -> str:
    s = stored.set
    return f"#{stored.id} {s.date.isoformat()} {s.exercise} set {s.set_number} {s.side}"


def _find_set(uow: AbstractUnitOfWork, athlete: Athlete, ref: SetRef) -> StoredSet:
    if ref.id is not None:
        for stored in uow.logs.stored_sets(athlete.id):
            if stored.id == ref.id:
                return stored
        raise NotFoundError(
            f"id: no logged set #{ref.id} of {athlete.name!r}; allowed: an id that "
            "`calfcoach sets` lists"
        )
    if ref.date is None or ref.exercise is None or ref.set_number is None:
        missing = [
            option
            for option, value in (
                ("date", ref.date),
                ("exercise", ref.exercise),
                ("set_number", ref.set_number),
            )
            if value is None
        ]
        raise InputError(
            f"{missing[0]}: missing; allowed: a set's id, or date, exercise and set_number "
            "(and side when both sides are logged)"
        )
    if problem := limits.date_problem("date", ref.date):
        raise InputError(problem)
    day = uow.logs.stored_sets(athlete.id, first=ref.date, last=ref.date)
    found = [
        s
        for s in day
        if s.set.exercise == ref.exercise
        and s.set.set_number == ref.set_number
        and (ref.side is None or s.set.side == ref.side)
    ]
    if len(found) == 1:
        return found[0]
    if not found:
        numbers: dict[str, list[int]] = {}
        for s in day:
            if s.set.set_number not in numbers.setdefault(s.set.exercise, []):
                numbers[s.set.exercise].append(s.set.set_number)
        logged = "; ".join(
            f"{exercise} set {', '.join(map(str, sets))}" for exercise, sets in numbers.items()
        )
        raise NotFoundError(
            f"set_number: no set {ref.set_number} of {ref.exercise}"
            f"{' (' + ref.side + ')' if ref.side else ''} is logged on {ref.date.isoformat()}; "
            f"allowed: {'one of ' + logged if logged else 'a day with logged sets'}"
        )
    sides = ", ".join(s.set.side for s in found)
    raise InputError(
        f"side: missing; set {ref.set_number} of {ref.exercise} on {ref.date.isoformat()} is "
        f"logged for {sides}; allowed: {sides}"
    )


def begin_write(
    uow: AbstractUnitOfWork,
    actor: Actor,
    athlete_id: int,
    today: dt.date,
    action: Action = "log",
) -> Athlete:
    """The athlete, once ``actor`` may ``action`` them, locked (``uow.lock_athlete``) and
    settled (``training.settle``: every session before ``today`` fixed as it was given,
    R-HIST): the first step, inside its unit of work, of any use case that corrects or
    changes what an athlete has stored (a set, a skip, the plan, the profile)."""
    from calfcoach.services.training import settle

    athlete = athlete_in(uow, actor, athlete_id, action)
    uow.lock_athlete(athlete.id)
    settle(uow, athlete, today)
    return athlete


def edit_set(
    ctx: ServiceContext,
    actor: Actor,
    athlete_id: int,
    ref: SetRef,
    changes: SetChanges,
    *,
    today: dt.date,
) -> tuple[StoredSet, StoredSet]:
    """Change what was done in a logged set, validated by the rules of logging
    (``training.validate_set``). Returns the set before and after."""
    from calfcoach.services.training import SetInput, validate_set

    if changes.empty():
        raise InputError(
            "change: missing; allowed: one or more of reps, seconds, distance_m, "
            "contacts, load_kg, rpe, pain"
        )
    with ctx.unit_of_work() as uow:
        athlete = begin_write(uow, actor, athlete_id, today)
        before = _find_set(uow, athlete, ref)
        old = before.set
        updates = {k: v for k in SetChanges.__slots__ if (v := getattr(changes, k)) is not None}
        measured = [k for k in DOSE_FIELDS if getattr(old, k) is not None]
        for field in DOSE_FIELDS:
            if field in updates and measured and field not in measured:
                raise InputError(
                    f"{field}: this set is logged in {measured[0]}; allowed: "
                    f"{', '.join(measured)} (the set's own measure)"
                )
        new = replace(old, **updates)
        validate_set(
            SetInput(
                exercise=new.exercise,
                set_number=new.set_number,
                reps=new.reps,
                seconds=new.seconds,
                distance_m=new.distance_m,
                contacts=new.contacts,
                load_kg=new.load_kg,
                side=new.side,
                rpe=new.rpe,
                pain=new.pain,
            ),
            new.date,
            today,
        )
        uow.logs.update_set(before.id, new)
        uow.commit()
    return before, replace(before, set=new)


def delete_set(
    ctx: ServiceContext, actor: Actor, athlete_id: int, ref: SetRef, *, today: dt.date
) -> StoredSet:
    """Delete a logged set (and its day's session log when it was the last set)."""
    with ctx.unit_of_work() as uow:
        athlete = begin_write(uow, actor, athlete_id, today)
        found = _find_set(uow, athlete, ref)
        uow.logs.delete_set(found.id)
        uow.commit()
    return found


def find_set(ctx: ServiceContext, actor: Actor, athlete_id: int, ref: SetRef) -> StoredSet:
    """The set ``ref`` names (to show it before a confirmation), read only."""
    with ctx.unit_of_work(read_only=True) as uow:
        return _find_set(uow, athlete_in(uow, actor, athlete_id), ref)


# --------------------------------------------------------------------------- skip


def undo_skip(
    ctx: ServiceContext, actor: Actor, athlete_id: int, date: dt.date, *, today: dt.date
) -> None:
    """Undo ``calfcoach skip`` of ``date``: the session is planned again (a past day's is then
    missed unless sets are logged for it)."""
    if problem := limits.date_problem("date", date):
        raise InputError(problem)
    with ctx.unit_of_work() as uow:
        athlete = begin_write(uow, actor, athlete_id, today)
        statuses = {log.status for log in uow.logs.session_logs(athlete.id, on=date)}
        if "skipped" not in statuses:
            raise InputError(
                f"date: the session of {date.isoformat()} is not skipped; allowed: a day "
                "marked with `calfcoach skip`"
            )
        uow.logs.delete_session_logs(athlete.id, date, "skipped")
        uow.commit()


# --------------------------------------------------------------------------- athletes


def rename_athlete(ctx: ServiceContext, actor: Actor, athlete_id: int, new_name: str) -> Athlete:
    """Give an athlete a new name: the rules of ``athlete add`` (``check_name``); a name that
    another athlete has, ignoring case, is refused."""
    clean = check_name(new_name, "new_name")
    with ctx.unit_of_work() as uow:
        athlete = athlete_in(uow, actor, athlete_id, "manage")
        other = uow.athletes.find(clean)
        if other is not None and other.id != athlete.id:
            raise ConflictError(
                f"new_name: an athlete named {other.name!r} already exists; allowed: a name not "
                "yet used, ignoring case (see calfcoach athlete list)"
            )
        renamed = uow.athletes.rename(athlete.id, clean)
        record(uow, actor, athlete.id, "name", athlete.name, renamed.name)  # issue 9
        uow.commit()
    return renamed


def remove_athlete(ctx: ServiceContext, actor: Actor, athlete_id: int) -> RemovedAthlete:
    """Delete an athlete and everything of theirs (every row in every table). The name is
    required by the CLI: removal never picks "the only athlete"."""
    with ctx.unit_of_work() as uow:
        athlete = athlete_in(uow, actor, athlete_id, "manage")
        ensure_owner(actor, athlete.id)  # the athlete's own act (D-106)
        uow.lock_athlete(athlete.id)
        throttled = forget_own_login(uow, athlete.id)  # before its account goes (D-107)
        rows = uow.athletes.remove(athlete.id)
        rows["login_throttle"] = throttled
        uow.commit()
    return RemovedAthlete(athlete.name, rows)


# --------------------------------------------------------------------------- plans


def _end(stored: StoredPlan) -> dt.date:
    """The first day after the plan."""
    return stored.plan.start + dt.timedelta(weeks=stored.plan.weeks)


def _check_weeks(weeks: int, high: int, hint: str) -> None:
    if high < limits.MIN_WEEKS:
        raise InputError(f"weeks: {weeks} is out of range; allowed: none ({hint})")
    if not limits.MIN_WEEKS <= weeks <= high:
        raise InputError(
            f"weeks: {weeks} is out of range; allowed: {limits.MIN_WEEKS}-{high} ({hint})"
        )


def _active(uow: AbstractUnitOfWork, athlete: Athlete) -> StoredPlan:
    from calfcoach.services.training import active_plan

    return active_plan(uow, athlete)


def extend_plan(
    ctx: ServiceContext, actor: Actor, athlete_id: int, weeks: int, *, today: dt.date
) -> PlanChange:
    """Add ``weeks`` weeks to the end of the active plan (at most 52 weeks in all). The
    sessions already given stay as given (R-HIST); the added weeks are walked from the log
    like the rest of the plan. A plan that ended before today is continued by ``next_plan``
    instead: extending it would put missed sessions into the past."""
    from calfcoach.catalog import load_catalog
    from calfcoach.core.models import Plan
    from calfcoach.core.planner import build_plan
    from calfcoach.services.plan_inputs import plan_inputs

    with ctx.unit_of_work() as uow:
        athlete = begin_write(uow, actor, athlete_id, today, "manage")
        stored = _active(uow, athlete)
        end = _end(stored)
        if end < today:
            raise InputError(
                f"weeks: the plan ended on {(end - dt.timedelta(days=1)).isoformat()}; "
                f"allowed: start the next block with `{NEXT_COMMAND}` (an extension would put "
                "missed sessions into the past)"
            )
        room = limits.MAX_WEEKS - stored.plan.weeks
        latest = limits.latest_plan_start(stored.plan.weeks + weeks)
        _check_weeks(
            weeks,
            room,
            f"the plan has {stored.plan.weeks} of at most {limits.MAX_WEEKS} weeks; "
            f"then start the next block with `{NEXT_COMMAND}`",
        )
        if stored.plan.start > latest:
            raise InputError(
                f"weeks: {weeks} would end the plan after {limits.LATEST_DATE.isoformat()}; "
                f"allowed: a plan that ends by {limits.LATEST_DATE.isoformat()} (D-25)"
            )
        total = stored.plan.weeks + weeks
        inputs = plan_inputs(uow, athlete, today)  # imported runs and calendars (issue 10)
        built = build_plan(
            inputs.profile, load_catalog(), stored.plan.start, total, dated=inputs.dated
        )
        plan: Plan = Plan(
            start=stored.plan.start,
            weeks=total,
            warnings=built.warnings,
            sessions=tuple(stored.plan.sessions)
            + tuple(s for s in built.sessions if s.date >= end),
        )
        uow.plans.extend(stored.id, plan)
        record(  # issue 9: a coach's change is recorded
            uow,
            actor,
            athlete.id,
            "plan_extended",
            {"start": stored.plan.start.isoformat(), "weeks": stored.plan.weeks},
            {"start": plan.start.isoformat(), "weeks": total},
        )
        uow.commit()
    return PlanChange(athlete.name, plan.start, total, end)


def next_plan(
    ctx: ServiceContext,
    actor: Actor,
    athlete_id: int,
    *,
    today: dt.date,
    weeks: int | None = None,
    start: dt.date | None = None,
) -> PlanChange:
    """Start the next block when the active plan has ended: a new plan from the day after
    it (or today, or ``start`` when later), ``weeks`` long (default: as long as the ended
    one). It continues from what was done: its walk starts from the state the ended plan's
    walk left, log included (``carried_state``); the ended plan and everything given in it
    stay stored as they were."""
    from calfcoach.catalog import load_catalog
    from calfcoach.core.planner import build_plan
    from calfcoach.services.plan_inputs import plan_inputs

    if start is not None and (problem := limits.date_problem("start", start)):
        raise InputError(problem)
    with ctx.unit_of_work() as uow:
        athlete = begin_write(uow, actor, athlete_id, today, "manage")
        stored = _active(uow, athlete)
        end = _end(stored)
        if end > today:
            raise InputError(
                f"plan: the plan of {athlete.name!r} runs until "
                f"{(end - dt.timedelta(days=1)).isoformat()}; allowed: the next block from "
                f"{end.isoformat()} on, or `{EXTEND_COMMAND}` now"
            )
        earliest = max(end, today)
        first = start if start is not None else earliest
        if first < earliest:
            raise InputError(
                f"start: {first.isoformat()} is before the next block can start; allowed: "
                f"{earliest.isoformat()} (the later of the day after the plan and today) or later"
            )
        length = weeks if weeks is not None else stored.plan.weeks
        _check_weeks(length, limits.MAX_WEEKS, "weeks of the next block")
        if problem := limits.date_problem("start", first, limits.latest_plan_start(length)):
            raise InputError(f"{problem} for a plan of {length} weeks")
        inputs = plan_inputs(uow, athlete, today)  # imported runs and calendars (issue 10)
        plan = build_plan(inputs.profile, load_catalog(), first, length, dated=inputs.dated)
        uow.plans.add(athlete.id, plan, athlete.profile, continues=stored.id)
        record(  # issue 9: a coach's change is recorded
            uow,
            actor,
            athlete.id,
            "plan_next",
            {"start": stored.plan.start.isoformat(), "weeks": stored.plan.weeks},
            {"start": first.isoformat(), "weeks": length},
        )
        uow.commit()
    return PlanChange(athlete.name, first, length, first)


def carried_state(
    uow: AbstractUnitOfWork, athlete: Athlete, stored: StoredPlan, date: dt.date
) -> State | None:
    """The walk state a plan started by ``next_plan`` begins from: the state the plan it
    continues left after the day before its start (its log walked, R-HIST kept), with the
    week numbers counted from the new start (a track last done in week 8 of the old plan is
    in week 0 of the new one). None for any other plan, or for a ``date`` before the start."""
    continues = stored.inputs.get("continues")
    if not isinstance(continues, int) or date < stored.plan.start:
        return None
    from calfcoach.core.engine import State
    from calfcoach.services.training import _walk

    try:
        previous = uow.plans.get(continues)
    except NotFoundError:
        return None
    if previous.athlete_id != athlete.id:
        return None
    result, *_ = _walk(uow, athlete, previous, stored.plan.start)
    if result.snapshot is None:
        return None
    state = State.from_dict(dict(result.snapshot[1]))
    if state is None:
        return None
    shift = (stored.plan.start - previous.plan.start).days // 7
    for track in state.tracks.values():
        track.last_week -= shift
    if state.protocol_week:
        state.protocol_week -= shift
    return state


def plan_ended(
    current: CurrentPlan, date: dt.date, *, athlete: str | None = None
) -> PlanEnded | None:
    """What ``today`` says on ``date`` after the plan's last day (None before): the plan has
    ended, and the commands that extend it or start the next block."""
    end = current.stored.plan.start + dt.timedelta(weeks=current.stored.plan.weeks)
    if date < end:
        return None
    last = end - dt.timedelta(days=1)
    who = f" --athlete {shlex.quote(athlete)}" if athlete else ""
    if date > end:  # extend_plan refuses a plan that ended before today
        message = (
            f"The plan ended on {last:%a %Y-%m-%d}. Start the next block with "
            f"`{NEXT_COMMAND}{who}`."
        )
    else:
        message = (
            f"The plan ended on {last:%a %Y-%m-%d}. Extend it with "
            f"`calfcoach extend-plan{who} --weeks 4`, or start the next block with "
            f"`{NEXT_COMMAND}{who}`."
        )
    return PlanEnded(last, message)
