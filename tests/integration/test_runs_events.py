"""Planned events edited through the services on SQLite and PostgreSQL (issue 10, item 2;
D-83): the SQL repository and the fake one give the same events; another
athlete's event is not found and stays as it was."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable

import pytest
from tests.fakes import FakeStore, FakeUnitOfWork
from tests.integration.test_services import PROFILE, START
from tests.service_calls import local, on

from calfcoach.core.running import PlannedRun
from calfcoach.errors import NotFoundError
from calfcoach.services import athletes, runs
from calfcoach.services.context import ServiceContext
from calfcoach.storage.db import Database
from calfcoach.storage.runs import PlannedEvent
from calfcoach.storage.uow import AbstractUnitOfWork

TODAY = START + dt.timedelta(days=3)


def _scenario(make_uow: Callable[[], AbstractUnitOfWork], athlete: int) -> list[object]:
    planned = [
        PlannedRun(date=TODAY + dt.timedelta(days=2), kind="easy", title="Easy 8 km"),
        PlannedRun(date=TODAY + dt.timedelta(days=5), kind="long", title="Long 20 km"),
    ]
    with make_uow() as uow:
        uow.runs.replace_events(athlete, "plan.ics", planned)
        uow.commit()
    with make_uow() as uow:
        first, second = uow.runs.events(athlete)
        assert first.id is not None and second.id is not None
        moved = uow.runs.update_event(
            athlete, first.id, kind="hard", date=TODAY + dt.timedelta(days=6)
        )
        uow.commit()
    with make_uow() as uow:
        after = uow.runs.events(athlete)
        with pytest.raises(NotFoundError):
            uow.runs.update_event(athlete, 99999, kind="easy", date=TODAY)

    def shown(e: PlannedEvent) -> tuple[object, ...]:
        return dataclasses.astuple(dataclasses.replace(e, id=None))

    return [shown(moved), [shown(e) for e in after]]


def test_the_fake_repository_edits_events_as_the_sql_one(database: Database) -> None:
    store = FakeStore()
    ctx = ServiceContext(unit_of_work=lambda **_: FakeUnitOfWork(store), today=lambda: TODAY)
    fake_athlete = athletes.add_athlete(ctx, local(database)[1], PROFILE, start=START, weeks=8)
    real_athlete = athletes.add_athlete(*local(database), PROFILE, start=START, weeks=8)

    fake = _scenario(lambda: FakeUnitOfWork(store), fake_athlete.athlete.id)
    real = _scenario(database.unit_of_work, real_athlete.athlete.id)

    assert fake == real
    assert [e[1] for e in real[1]] == ["long", "hard"]  # type: ignore[index, union-attr]


def test_another_athletes_event_is_not_found_and_stays_as_it_was(database: Database) -> None:
    athletes.add_athlete(*local(database), PROFILE, start=START, weeks=8, name="ana")
    athletes.add_athlete(*local(database), PROFILE, start=START, weeks=8, name="bo")
    with database.unit_of_work() as uow:
        bo = on(database, "bo")[2]
        run = PlannedRun(date=TODAY + dt.timedelta(days=2), kind="easy", title="Easy")
        uow.runs.replace_events(bo, "plan.ics", [run])
        uow.commit()
    (event,) = runs.list_events(*on(database, "bo")).items

    with pytest.raises(NotFoundError):
        runs.edit_event(*on(database, "ana"), event.id, today=TODAY, kind="long")

    assert runs.list_events(*on(database, "bo")).items == [event]


def test_an_event_edited_into_a_long_run_moves_the_strength_sessions_off_it_and_its_eve(
    database: Database,
) -> None:
    """R-SCHED-4 on the calendar's dates: making a planned run long re-plans the future
    (D-98); the sessions before today stay as given (R-HIST)."""
    from calfcoach.services import training

    athletes.add_athlete(*local(database), PROFILE, start=START, weeks=8, name="ana")
    ana = on(database, "ana")
    before = training.current_plan(*ana, TODAY).plan.sessions
    day = min(s.date for s in before if s.date >= TODAY + dt.timedelta(days=2))
    with database.unit_of_work() as uow:
        uow.runs.replace_events(
            ana[2], "plan.ics", [PlannedRun(date=day, kind="easy", title="Easy 8 km")]
        )
        uow.commit()
    (event,) = runs.list_events(*ana).items
    assert training.today_answer(*ana, day) != "null"  # stored (D-79), and then stale

    runs.edit_event(*ana, event.id, today=TODAY, kind="long")

    assert training.today_answer(*ana, day) == "null"

    after = training.current_plan(*ana, TODAY).plan.sessions
    assert not [s.date for s in after if s.date in (day, day - dt.timedelta(days=1))]
    assert [s for s in after if s.date < TODAY] == [s for s in before if s.date < TODAY]


def test_a_run_made_long_today_leaves_yesterdays_session_as_it_was_given(
    database: Database,
) -> None:
    """Yesterday is the eve of a long run made today, but yesterday's session was given:
    the edit fixes the past before it re-plans (R-HIST), so it is kept as it was given."""
    from calfcoach.services import training

    athletes.add_athlete(*local(database), PROFILE, start=START, weeks=8, name="ana")
    ana = on(database, "ana")
    sessions = training.current_plan(*ana, START).plan.sessions
    given = min((s for s in sessions if s.date > START), key=lambda s: s.date)
    today = given.date + dt.timedelta(days=1)
    assert training.today_session(*ana, given.date) == given  # shown on its day
    with database.unit_of_work() as uow:
        uow.runs.replace_events(
            ana[2], "plan.ics", [PlannedRun(date=today, kind="easy", title="Easy 8 km")]
        )
        uow.commit()
    (event,) = runs.list_events(*ana).items

    with database.unit_of_work(read_only=True) as uow:
        plan_id = uow.plans.active_id(ana[2])
    assert plan_id is not None

    runs.edit_event(*ana, event.id, today=today, kind="long")

    with database.unit_of_work(read_only=True) as uow:  # kept with the plan it was given in
        versions = uow.history.versions(ana[2], plan_id, given.date)
    assert versions and versions[-1].session == given
