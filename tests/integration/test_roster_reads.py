"""The roster's windowed reads (D-124/-2) against the repositories' whole reads,
on SQLite and PostgreSQL: ``progress_log(since=...)`` in SQL is the abstract method's answer
(the whole log filtered in Python), and ``plans.active_outline`` is the parsed active plan."""

from __future__ import annotations

import datetime as dt

from tests.integration.test_services import PROFILE
from tests.service_calls import local

from calfcoach.core.capacity import retest_dates, retest_days
from calfcoach.core.models import CapacityTest, CheckIn, LoggedSet
from calfcoach.services import athletes
from calfcoach.storage.db import Database
from calfcoach.storage.repositories import AbstractLogRepository, AbstractPlanRepository

START = dt.date(2026, 1, 5)
DAY = dt.timedelta(days=1)


def _history(database: Database) -> int:
    """Sets on 3 days (one far before the others), check-ins, tests, a skip and a move."""
    added = athletes.add_athlete(*local(database), PROFILE, start=START, weeks=12, name="ana")
    athlete_id = added.athlete.id
    sessions = [s for s in added.plan.plan.sessions if s.exercises]
    with database.unit_of_work() as uow:
        for session in (sessions[0], sessions[9], sessions[10]):
            p = session.exercises[0]
            sets = [
                LoggedSet(session.date, p.exercise, n, reps=8, pain=n % 3, scheme=p.scheme)
                for n in (1, 2)
            ]
            uow.logs.log_session(athlete_id, session.date, sets)
        uow.logs.log_session(athlete_id, sessions[11].date, status="skipped")
        uow.logs.log_session(
            athlete_id, sessions[12].date, status="moved", moved_to=sessions[12].date + DAY
        )
        for day in (START + DAY, START + 30 * DAY, START + 40 * DAY):
            uow.logs.add_checkin(athlete_id, CheckIn(day, 2, 1))
        uow.logs.add_test(athlete_id, CapacityTest(START + 3 * DAY, 20, 21))
        uow.commit()
    return athlete_id


def test_a_windowed_progress_log_in_sql_is_the_whole_log_filtered(database: Database) -> None:
    athlete_id = _history(database)
    with database.unit_of_work(read_only=True) as uow:
        for as_of in (START - DAY, START + 2 * DAY, START + 35 * DAY, START + 90 * DAY):
            for since in (None, START - 10 * DAY, START + 20 * DAY, as_of, as_of + DAY):
                in_sql = uow.logs.progress_log(athlete_id, as_of, since=since)
                whole = AbstractLogRepository.progress_log(uow.logs, athlete_id, as_of, since=since)
                assert in_sql == whole, (as_of, since)
        # The latest entries are there however old: a test 3 days after the start.
        late = uow.logs.progress_log(athlete_id, START + 90 * DAY, since=START + 80 * DAY)
        assert [t.date for t in late.tests] == [START + 3 * DAY]
        assert [c.date for c in late.checkins] == [START + 40 * DAY]
        assert len({d.date for d in late.days}) == 1 and late.skipped == []


def test_the_active_outline_is_the_active_plan_without_its_prescriptions_built(
    database: Database,
) -> None:
    athlete_id = _history(database)
    with database.unit_of_work(read_only=True) as uow:
        stored = uow.plans.active(athlete_id)
        outline = uow.plans.active_outline(athlete_id)
        assert outline == AbstractPlanRepository.active_outline(uow.plans, athlete_id)
        assert uow.plans.active_outline(athlete_id + 1000) is None
    assert stored is not None and outline is not None
    assert (outline.id, outline.weeks) == (stored.id, stored.plan.weeks)
    assert [o.session() for o in outline.sessions] == list(stored.plan.sessions)
    assert [(o.date, o.title) for o in outline.sessions] == [
        (s.date, s.title) for s in stored.plan.sessions
    ]
    days = retest_days(((o.date, o.week, o.deload) for o in outline.sessions), outline.weeks)
    assert days == retest_dates(stored.plan) and days
