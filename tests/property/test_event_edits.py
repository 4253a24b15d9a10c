"""Planned calendar events are edited in the future only (D-83, R-HIST), as
hypothesis properties over generated days and kinds, on the fake unit of work: an event
before today is never changed, no event moves before today or past the calendar's window,
and a refused edit changes nothing; an allowed one changes exactly what was asked."""

from __future__ import annotations

import datetime as dt
from functools import cache

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.fakes import FakeStore, FakeUnitOfWork
from tests.integration.test_services import PROFILE, START
from tests.strategies import examples

from calfcoach.core.running import PlannedRun
from calfcoach.errors import InputError
from calfcoach.services import athletes, runs
from calfcoach.services.access import Actor
from calfcoach.services.context import ServiceContext

LOCAL = Actor.local()
TODAY = START + dt.timedelta(days=10)
KINDS = st.sampled_from(runs.EVENT_KINDS)


@cache
def _store() -> tuple[FakeStore, int]:
    store = FakeStore()
    ctx = ServiceContext(unit_of_work=lambda **_: FakeUnitOfWork(store), today=lambda: TODAY)
    athletes.add_athlete(ctx, LOCAL, PROFILE, start=START, weeks=8, name="ana")
    return store, athletes.find_athlete_id(ctx, LOCAL, "ana")


def _one_event(day: dt.date, kind: str) -> tuple[ServiceContext, int, runs.PlannedEventOut]:
    store, athlete = _store()
    with FakeUnitOfWork(store) as uow:
        if kind == "race":
            from calfcoach.core.models import Race

            uow.runs.replace_events(athlete, "plan.ics", [], [Race(date=day, name="City 10K")])
        else:
            run = PlannedRun(date=day, kind=kind, title="Run")  # type: ignore[arg-type]
            uow.runs.replace_events(athlete, "plan.ics", [run])
        uow.commit()
    ctx = ServiceContext(unit_of_work=lambda **_: FakeUnitOfWork(store), today=lambda: TODAY)
    (event,) = runs.list_events(ctx, LOCAL, athlete).items
    return ctx, athlete, event


@examples(ci=150, dev=40)
@given(
    event_day=st.integers(-40, 400),
    kind=KINDS,
    new_day=st.none() | st.integers(-40, 420),
    new_kind=st.none() | KINDS,
)
def test_a_planned_event_changes_only_in_the_future_and_only_as_asked(
    event_day: int, kind: str, new_day: int | None, new_kind: str | None
) -> None:
    ctx, athlete, event = _one_event(TODAY + dt.timedelta(days=event_day), kind)
    target = None if new_day is None else TODAY + dt.timedelta(days=new_day)
    last = TODAY + dt.timedelta(days=runs.CALENDAR_FUTURE_DAYS)
    allowed = (
        (new_day is not None or new_kind is not None)
        and event.date >= TODAY
        and (target is None or TODAY <= target <= last)
    )

    if not allowed:
        with pytest.raises(InputError):
            runs.edit_event(ctx, LOCAL, athlete, event.id, today=TODAY, kind=new_kind, date=target)
        assert runs.list_events(ctx, LOCAL, athlete).items == [event]
        return
    changed = runs.edit_event(
        ctx, LOCAL, athlete, event.id, today=TODAY, kind=new_kind, date=target
    )
    assert changed.date == (target or event.date) and changed.date >= TODAY
    assert changed.kind == (new_kind or event.kind)
    assert (changed.id, changed.title, changed.source) == (event.id, event.title, event.source)
    assert runs.list_events(ctx, LOCAL, athlete).items == [changed]
