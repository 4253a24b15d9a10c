"""The plan as a calendar of weeks (the web app's Plan page, issue 8 part 2): every session of
the current plan with what became of it (done, skipped, missed, planned or stopped), the
lighter weeks (R-PROG-5) and the races (R-SCHED-4a) of each week.

Read only, in one unit of work: the plan as ``training.current_plan`` makes it (past sessions
as they were given, R-HIST; later ones projected from the log), the day statuses from the
session logs.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from calfcoach.core.models import Race, Session, Units
from calfcoach.services.access import Actor

if TYPE_CHECKING:
    from calfcoach.services.context import ServiceContext

__all__ = ["CalendarDay", "CalendarWeek", "DayStatus", "PlanCalendar", "plan_calendar"]

DayStatus = Literal["done", "skipped", "missed", "planned", "stopped"]


@dataclass(frozen=True, slots=True)
class CalendarDay:
    session: Session
    status: DayStatus


@dataclass(frozen=True, slots=True)
class CalendarWeek:
    number: int
    first_day: dt.date
    lighter: bool
    """A lighter (deload) week, R-PROG-5: any of its sessions is a deload session."""
    races: tuple[Race, ...]
    days: tuple[CalendarDay, ...]

    @property
    def last_day(self) -> dt.date:
        return self.first_day + dt.timedelta(days=6)


@dataclass(frozen=True, slots=True)
class PlanCalendar:
    athlete: str
    units: Units
    start: dt.date
    weeks: tuple[CalendarWeek, ...]
    warnings: tuple[tuple[str, str], ...]
    earlier: tuple[CalendarDay, ...] = ()
    """Sessions of earlier blocks before this plan's start (a next block, or a re-plan after a
    profile change): as they were given (R-HIST), newest block first for a day."""


def day_status(session: Session, logged: set[str], today: dt.date) -> DayStatus:
    """What became of a session: a stop (R-PAIN-2a/2b) wins, then what was logged that day;
    a past day with nothing logged is missed."""
    if session.status == "stopped":
        return "stopped"
    if "done" in logged:
        return "done"
    if "skipped" in logged:
        return "skipped"
    return "missed" if session.date < today else "planned"


def plan_calendar(
    ctx: ServiceContext, actor: Actor, athlete_id: int, today: dt.date
) -> PlanCalendar:
    """The athlete's current plan as weeks of days, as of ``today`` (``actor`` must be
    allowed to view the athlete)."""
    from calfcoach.services.inputs import check_date
    from calfcoach.services.training import current_plan_in

    check_date("date", today)
    earlier: dict[dt.date, Session] = {}
    with ctx.unit_of_work(read_only=True) as uow:
        current = current_plan_in(uow, actor, athlete_id, today)
        athlete = current.athlete
        logs = uow.logs.session_logs(athlete.id)
        for stored in uow.plans.history(athlete.id):  # newest first
            if stored.active:
                continue
            for day, fixed in uow.history.fixed(athlete.id, stored.id).items():
                if day < current.plan.start:
                    earlier.setdefault(day, fixed.session)
    statuses: dict[dt.date, set[str]] = {}
    for log in logs:
        statuses.setdefault(log.date, set()).add(log.status)
    plan = current.plan
    profile = current.athlete.profile
    weeks = []
    for number in range(1, plan.weeks + 1):
        first = plan.start + dt.timedelta(days=7 * (number - 1))
        last = first + dt.timedelta(days=6)
        sessions = [s for s in plan.sessions if first <= s.date <= last]
        weeks.append(
            CalendarWeek(
                number=number,
                first_day=first,
                lighter=any(s.deload for s in sessions),
                races=tuple(r for r in profile.races if first <= r.date <= last),
                days=tuple(
                    CalendarDay(s, day_status(s, statuses.get(s.date, set()), today))
                    for s in sessions
                ),
            )
        )
    return PlanCalendar(
        athlete=current.athlete.name,
        units=profile.units,
        start=plan.start,
        weeks=tuple(weeks),
        warnings=tuple((w.rule, w.message) for w in plan.warnings),
        earlier=tuple(
            CalendarDay(session, day_status(session, statuses.get(day, set()), today))
            for day, session in sorted(earlier.items())
        ),
    )
