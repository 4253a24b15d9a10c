"""Planned events edited through the services on SQLite and PostgreSQL (issue 10, item 2;
D-NEW-RUNSWEB-1): the SQL repository and the fake one give the same events; another
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
