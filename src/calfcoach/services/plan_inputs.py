"""What the engine plans with beside the profile and the log (issue 10, item 3).

The runs an athlete imported (the past, ``uow.runs.all``) and the runs and races of their
imported training calendars (the future, ``uow.runs.events``) become the engine's inputs:

* dated runs (``DatedRun``): the placement rules R-SCHED-4 and R-SCHED-4b hold on their dates,
  beside the usual week of the profile (``schedule.RunDays``; D-96); an imported
  run only when imported on its own day (D-100);
* dated races: the profile's races with the calendar's added (``races.with_races``), so the
  race rules (R-SCHED-4, R-SCHED-4a) see them (D-97);
* the runs' loads on every basis (``running.RunningLoads``) for the spike rule RUN-SPIKE-1,
  which holds strength progression in a week whose running load jumped.

The core stays pure: everything is read here and passed in (``core.engine.walk``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from calfcoach.core.models import DatedRun, Profile, Race
from calfcoach.core.names import printable_name
from calfcoach.core.races import with_races

if TYPE_CHECKING:  # core.running only where there are runs (issue 6: a cold `today`)
    from calfcoach.core.running import Activity, Physiology, RunningLoads
    from calfcoach.storage.records import Athlete
    from calfcoach.storage.uow import AbstractUnitOfWork

__all__ = ["PlanInputs", "athlete_races", "physiology", "plan_inputs"]


def physiology(profile: Profile, today: dt.date, activities: Sequence[Activity]) -> Physiology:
    """RUN-CLASS-2: HRmax from the profile's birth year (Tanaka), else the highest seen."""
    from calfcoach.core.running import Physiology

    age = today.year - profile.birth_year if profile.birth_year is not None else None
    return Physiology.build(age=age, sex=profile.sex, activities=activities)


@dataclass(frozen=True, slots=True)
class PlanInputs:
    """The engine's inputs of one athlete beside the log."""

    profile: Profile
    """The profile the engine plans with: the athlete's, with the calendar's races added."""
    dated: tuple[DatedRun, ...]
    """Imported runs and the calendar's runs, by date."""
    running: RunningLoads | None
    """The imported runs' loads (RUN-SPIKE-1); None without runs."""

    def placement(self) -> tuple[Profile, tuple[DatedRun, ...]]:
        """What the skeleton (the session days) depends on."""
        return self.profile, self.dated


def plan_inputs(
    uow: AbstractUnitOfWork,
    athlete: Athlete,
    today: dt.date,
    *,
    profile: Profile | None = None,
) -> PlanInputs:
    """The engine's inputs of ``athlete`` as stored (``profile``: plan with this profile
    instead of the stored one, e.g. a profile being saved). ``today`` sets the age of the
    heart-rate rules (RUN-CLASS-2, through ``runs.physiology``)."""
    own = profile if profile is not None else athlete.profile
    stored = uow.runs.all(athlete.id)
    events = uow.runs.events(athlete.id)
    # An imported run places sessions only when it is imported on its own day (a long run
    # this morning: no session today); one imported later changes no placement, since the
    # days around it are given already (R-HIST, D-100). Every run counts toward
    # the spike rule.
    dated: list[DatedRun] = [
        DatedRun(r.activity.local_date, r.kind)
        for r in stored
        if r.imported_on is None or r.activity.local_date >= r.imported_on
    ]
    dated += [DatedRun(e.date, e.kind) for e in events if e.kind != "race"]
    races = _calendar_races(events)
    dated.sort(key=_dated_key)
    running: RunningLoads | None = None
    if stored:
        from calfcoach.core.running import run_loads

        activities = [r.activity for r in stored]
        kinds = {r.activity.fingerprint: r.kind for r in stored}
        running = run_loads(activities, physiology(own, today, activities), kinds)
    return PlanInputs(with_races(own, races), tuple(dated), running)


def athlete_races(uow: AbstractUnitOfWork, athlete: Athlete) -> tuple[Race, ...]:
    """Every race the engine plans around: the profile's and its training calendars' (as
    ``plan_inputs`` merges them), for a reader that needs the races alone (the capacity
    retests, R-TEST-5)."""
    return with_races(athlete.profile, _calendar_races(uow.runs.events(athlete.id))).races


def _calendar_races(events: Sequence[Any]) -> list[Race]:
    return [
        Race(
            date=e.date,
            distance_km=e.distance_km,
            # A title stored by an older version may hold a control character (D-154).
            name=printable_name(e.title) or None,
            tune_up=e.tune_up,
        )
        for e in events
        if e.kind == "race"
    ]


def _dated_key(run: DatedRun) -> tuple[dt.date, str]:
    return run.date, run.kind
