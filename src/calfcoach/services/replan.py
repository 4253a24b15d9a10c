"""A profile change re-plans the future only (issue 8, part 2; R-HIST).

``update_profile`` stores the new profile and re-plans from today on, in one transaction:

1. Every session before today is fixed first, exactly as it was given (``settle``; a session
   of today with a logged set is fixed already), so no later walk can change it.
2. If the new profile keeps the plan's session days up to today (the same skeleton in the
   past: a new body mass, level, equipment, pain answer, units...), the profile is replaced
   in place: the plan's walk reads it from today on, and the fixed past stands.
3. If it moves the session days (free days, sessions per week, runs, races, complaints),
   the same walk would put sessions on past days that never had one and drop past ones.
   Then the rest of the plan becomes a new block from today (tomorrow when today's session
   has anything logged), as long as the plan had left, continuing from the state the old
   block's walk reached (the mechanism of ``corrections.next_plan``). The old block and
   everything given in it stay stored as they were.
4. A plan that has ended keeps its history; the new profile is used by the next block.

Decision D-52 in docs/decisions.md.

The same path re-plans the future when the running changes (issue 10, item 3): importing
runs, importing a training calendar, or editing a run's or an event's kind or date changes the
engine's dated inputs (``services.plan_inputs``); ``replan_running`` compares the session days
before today with the old and the new inputs and keeps the plan (``in_place``) or starts a new
block from today (``new_block``), exactly as a profile change does. What was given stays.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from calfcoach.core import limits
from calfcoach.core.models import Profile
from calfcoach.services.access import Actor

if TYPE_CHECKING:
    from calfcoach.core.catalog import Catalog
    from calfcoach.core.models import DatedRun
    from calfcoach.services.context import ServiceContext
    from calfcoach.services.plan_inputs import PlanInputs
    from calfcoach.storage.records import Athlete
    from calfcoach.storage.uow import AbstractUnitOfWork

__all__ = ["Replan", "ReplanKind", "replan_running", "update_profile"]

ReplanKind = Literal["unchanged", "in_place", "new_block", "profile_only", "renamed"]


@dataclass(frozen=True, slots=True)
class Replan:
    athlete: str
    kind: ReplanKind
    first_day: dt.date | None
    """The first day the new profile plans (None: nothing was re-planned)."""
    weeks: int | None
    """The new block's length (``new_block`` only)."""
    cause: str = "profile"
    """What changed: "profile", or the running ("runs", "calendar")."""

    @property
    def message(self) -> str:
        if self.kind == "unchanged":
            return "Nothing changed."
        if self.kind == "renamed":
            return (
                f"The name is now {self.athlete!r}; nothing else changed, so nothing is re-planned."
            )
        if self.kind == "profile_only":
            if self.cause != "profile":
                return "No plan runs from today on; the next block will plan around the running."
            return "The profile is saved; the plan has ended, so the next block will use it."
        assert self.first_day is not None
        when = f"{self.first_day:%a %d %b %Y}"
        if self.kind == "in_place":
            return (
                f"The plan is re-planned from {when} on; the sessions before it stay as "
                "they were given (R-HIST)."
            )
        return (
            f"The session days changed, so the rest of the plan is a new {self.weeks}-week "
            f"block from {when}, continuing from what you did; the sessions before it stay "
            "as they were given (R-HIST)."
        )


def _session_days(
    inputs: tuple[Profile, tuple[DatedRun, ...]],
    catalog: Catalog,
    start: dt.date,
    weeks: int,
    before: dt.date,
) -> list[dt.date]:
    """The days the plan's skeleton has sessions on before ``before`` (the log does not move
    them; moves apply alike to both inputs). ``inputs``: the profile the engine plans with
    and the dated runs (``PlanInputs.placement``)."""
    from calfcoach.core.planner import build_plan

    profile, dated = inputs
    plan = build_plan(profile, catalog, start, weeks, dated=dated)
    return [s.date for s in plan.sessions if s.date < before]


def _replan(
    uow: AbstractUnitOfWork,
    athlete: Athlete,
    catalog: Catalog,
    old: PlanInputs,
    new: PlanInputs,
    today: dt.date,
    *,
    cause: str = "profile",
) -> Replan:
    """Steps 2-4 of the module doc, once the past is fixed (``begin_write``) and the change is
    written in ``uow`` (the caller commits): the plan kept in place when the session days
    before today are the same with ``old`` and ``new`` inputs, else a new block from today."""
    from calfcoach.core.planner import build_plan

    stored = uow.plans.active(athlete.id)
    if stored is None:
        return Replan(athlete.name, "profile_only", None, None, cause)
    start, weeks = stored.plan.start, stored.plan.weeks
    end = start + dt.timedelta(weeks=weeks)  # the first day after the plan
    if end <= today:
        return Replan(athlete.name, "profile_only", None, None, cause)
    if old.placement() == new.placement() or _session_days(
        old.placement(), catalog, start, weeks, today
    ) == _session_days(new.placement(), catalog, start, weeks, today):
        return Replan(athlete.name, "in_place", max(today, start), None, cause)
    logged_today = bool(uow.logs.session_logs(athlete.id, on=today))
    first = max(start, today + dt.timedelta(days=1 if logged_today else 0))
    if first >= end:
        return Replan(athlete.name, "profile_only", None, None, cause)
    left = max(limits.MIN_WEEKS, -(-(end - first).days // 7))
    plan = build_plan(new.profile, catalog, first, left, dated=new.dated)
    # The block keeps the athlete's own profile (the calendar's races stay the calendar's).
    own = uow.athletes.get(athlete.id).profile
    uow.plans.add(athlete.id, plan, own, continues=stored.id)
    return Replan(athlete.name, "new_block", first, left, cause)


def replan_running(
    uow: AbstractUnitOfWork,
    athlete: Athlete,
    catalog: Catalog,
    before: PlanInputs,
    today: dt.date,
    *,
    cause: str,
    changed_from: dt.date | None,
) -> Replan:
    """Re-plan the future after the running changed in ``uow`` (runs imported or edited, a
    calendar imported or edited; R-HIST): ``before`` are the engine's inputs read before the
    change, after ``begin_write`` fixed the past. The engine snapshots from ``changed_from``
    (the earliest day the change touches; None: all) are dropped and the athlete's stored day
    answers stop being current (D-79), so every later walk sees the new inputs."""
    from calfcoach.services.plan_inputs import plan_inputs

    after = plan_inputs(uow, athlete, today)
    if after == before:
        return Replan(athlete.name, "unchanged", None, None, cause)
    result = _replan(uow, athlete, catalog, before, after, today, cause=cause)
    first = changed_from if changed_from is not None else dt.date.min
    uow.snapshots.invalidate(athlete.id, max(first, dt.date(1900, 1, 1)))
    return result


def update_profile(
    ctx: ServiceContext,
    actor: Actor,
    athlete_id: int,
    profile: Profile,
    *,
    today: dt.date,
    note: str | None = None,
) -> Replan:
    """Store ``profile`` as the athlete's and re-plan the future only (module doc), in one
    unit of work; ``actor`` must be allowed to ``manage`` the athlete. A name other than the
    stored profile's renames the athlete (a name another athlete has is a ``ConflictError``),
    also when nothing else changes (``renamed``: stored, nothing re-planned); a profile
    without a name keeps the stored one.

    ``note`` (a coach's, optional): a note on the plan stored in the same unit of work as
    the change and its audit record, so the athlete never sees the new plan without the
    coach's word on it, nor the word without the plan (D-114). Checked like
    ``coaching.add_note`` before anything changes; kept even when the profile is unchanged."""
    from calfcoach.errors import ConflictError
    from calfcoach.services.athletes import check_name
    from calfcoach.services.audit import record
    from calfcoach.services.coaching import check_note, write_note
    from calfcoach.services.corrections import begin_write
    from calfcoach.services.plan_inputs import plan_inputs
    from calfcoach.services.training import active_plan

    new_name = check_name(profile.name) if profile.name is not None else None
    catalog = ctx.catalog()
    with ctx.unit_of_work() as uow:
        body = None
        if note is not None and note.strip():
            body = check_note(actor, athlete_id, note)  # who first, then the text
        # Allowed, locked, and the past fixed (R-HIST) before anything changes.
        athlete = begin_write(uow, actor, athlete_id, today, "manage")
        old = athlete.profile  # as stored before this change (a rename writes its name)
        # The name changes when it differs from the profile's (what the form and GET show);
        # a profile without one keeps the stored name.
        profile = profile.model_copy(update={"name": new_name or old.name})
        renamed = profile.name != old.name
        if new_name is not None and renamed:
            other = uow.athletes.find(new_name)
            if other is not None and other.id != athlete.id:
                raise ConflictError.about(
                    "name",
                    f"an athlete named {other.name!r} already exists",
                    value=new_name,
                    allowed="a name not yet used, ignoring case",
                )
            athlete = uow.athletes.rename(athlete.id, new_name)
        if profile == old.model_copy(update={"name": profile.name}):
            # Nothing the engine reads changed: nothing to re-plan. A new name is stored all
            # the same (committed here), as ``corrections.rename_athlete`` stores it.
            if renamed:
                record(uow, actor, athlete.id, "name", old.name, athlete.name)  # issue 9
            if body is not None:  # the coach's word still goes
                write_note(uow, actor, athlete.id, body)
            if renamed or body is not None:
                uow.commit()
            return Replan(athlete.name, "renamed" if renamed else "unchanged", None, None)
        active_plan(uow, athlete)  # NotFoundError without a plan
        # The engine's inputs with the old and the new profile: the calendar's races and the
        # dated runs are the same for both (issue 10).
        before = plan_inputs(uow, athlete, today)
        after = plan_inputs(uow, athlete, today, profile=profile)
        uow.athletes.update_profile(athlete.id, profile)
        result = _replan(uow, athlete, catalog, before, after, today)
        # issue 9: a coach's change is recorded, in this unit of work (services/audit.py)
        record(
            uow,
            actor,
            athlete.id,
            "profile",
            old.model_dump(mode="json"),
            {**profile.model_dump(mode="json"), "replan": result.kind},
        )
        if body is not None:
            write_note(uow, actor, athlete.id, body)  # after the change: its newest record
        uow.commit()
    return result
