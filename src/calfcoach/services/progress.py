"""The progress report: adherence, weekly volume, load and pain trends, tests against norms.

The arithmetic is in ``calfcoach.core.load`` (pure); this module reads the log in one
read-only transaction and puts the pieces together.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from calfcoach.core.load import (
    REP_SECONDS,
    SLOW_REP_SECONDS,
    Adherence,
    DayTotals,
    LoadTrend,
    PainWeek,
    WeekVolume,
    adherence,
    day_totals,
    summarize,
)
from calfcoach.core.models import CapacityTest, CheckIn
from calfcoach.core.safety import usual_pain
from calfcoach.services.athletes import resolve_in
from calfcoach.services.training import effective_plan, session_moves
from calfcoach.storage.db import Database
from calfcoach.storage.uow import AbstractUnitOfWork

__all__ = ["ProgressReport", "TestLine", "progress_report", "report_to_dict", "to_plain"]

_ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True, slots=True)
class TestLine:
    """One capacity test, judged against the norms and the previous test (R-TEST-1..4)."""

    test: CapacityTest
    evaluation: Any
    comparison: Any | None


@dataclass(frozen=True, slots=True)
class ProgressReport:
    athlete: str
    as_of: dt.date
    adherence: Adherence
    weekly_volume: tuple[WeekVolume, ...]
    load_trends: tuple[LoadTrend, ...]
    pain_trend: tuple[PainWeek, ...]
    usual_pain: float | None
    tests: tuple[TestLine, ...]
    total_sets: int
    retests: tuple[dt.date, ...] = ()
    """Capacity retest days of the plan still to come: in the lighter weeks (R-PROG-5,
    R-TEST-4)."""


def progress_report(database: Database, name: str | None, as_of: dt.date) -> ProgressReport:
    """Everything logged up to ``as_of`` (inclusive), summarised."""
    from calfcoach.catalog import load_catalog
    from calfcoach.services.inputs import check_date

    check_date("date", as_of)

    with database.unit_of_work(read_only=True) as uow:
        athlete = resolve_in(uow, name)
        stored = uow.plans.active(athlete.id)
        logged = _read_log(uow, athlete.id, as_of)
    from calfcoach.core.capacity import retest_dates

    planned: list[dt.date] = []
    retests: tuple[dt.date, ...] = ()
    if stored is not None:
        plan, _ = effective_plan(stored.plan, logged.moves)
        planned = [s.date for s in plan.sessions]
        retests = tuple(d for d in retest_dates(plan) if d >= as_of)
    region_of = {ex.id: ex.region for ex in load_catalog()}
    days = logged.days
    summary = summarize(days, logged.checkins, region_of)
    return ProgressReport(
        athlete=athlete.name,
        as_of=as_of,
        adherence=adherence(planned, {d.date for d in days}, logged.skipped, as_of),
        weekly_volume=summary.weekly_volume,
        load_trends=summary.load_trends,
        pain_trend=summary.pain_trend,
        # R-PAIN-2: the same baseline the engine judges the next check-in against.
        usual_pain=float(usual_pain(athlete.profile, logged.checkins, as_of + _ONE_DAY)),
        tests=_test_lines(athlete.profile, logged.tests),
        total_sets=sum(d.sets for d in days),
        retests=retests,
    )


@dataclass(frozen=True, slots=True)
class _Logged:
    days: Sequence[DayTotals]
    checkins: list[CheckIn]
    tests: list[CapacityTest]
    skipped: list[dt.date]
    moves: dict[dt.date, dt.date]


def _read_log(uow: AbstractUnitOfWork, athlete_id: int, as_of: dt.date) -> _Logged:
    """The log up to ``as_of``, with the sets summed per day, exercise and scheme in SQL.

    Ten years of history is about 30,000 sets: building a ``LoggedSet`` (and an ORM object)
    per set takes most of a second, the database's GROUP BY a few tens of milliseconds. The
    sums follow ``core.load.day_totals`` (a test compares them). The unit of work's ORM
    session is meant for queries no repository has; a fake unit of work (unit tests) goes
    through the repositories instead.
    """
    orm_session = getattr(uow, "session", None)
    if orm_session is None:
        log = uow.logs.load_training_log(athlete_id)
        return _Logged(
            days=day_totals(s for s in log.sets if s.date <= as_of),
            checkins=[c for c in log.checkins if c.date <= as_of],
            tests=[t for t in log.tests if t.date <= as_of],
            skipped=[d for d in log.skipped if d <= as_of],
            moves=session_moves(uow.logs.session_logs(athlete_id, moved=True)),
        )
    from sqlalchemy import case, func, select

    from calfcoach.storage.orm import CapacityTestRow, CheckInRow, LoggedSetRow, SessionLogRow

    # Core, not ORM, execution: plain rows, no per-row ORM bookkeeping.
    connection = orm_session.connection()
    s, day = LoggedSetRow, SessionLogRow
    per_rep = case((s.scheme.in_(("heavy", "rehab")), SLOW_REP_SECONDS), else_=REP_SECONDS)
    time_under_load = case(
        (s.seconds > 0, case((s.reps > 0, s.reps * s.seconds), else_=s.seconds)),
        (s.reps > 0, s.reps * per_rep),
        else_=0,
    )
    rows = connection.execute(
        select(
            day.date,
            s.exercise,
            s.scheme,
            func.count(),
            func.sum(s.reps),
            func.sum(time_under_load),
            func.sum(s.contacts),
            func.max(s.load_kg),
            func.sum(s.pain),
            func.count(s.pain),
            func.max(s.pain),
        )
        .join(day, s.session_log_id == day.id)
        .where(day.athlete_id == athlete_id, day.date <= as_of)
        .group_by(day.date, s.exercise, s.scheme)
    )
    # Sorted here, not by the database: without ORDER BY, PostgreSQL can hash the groups
    # instead of sorting 30,000 rows by collated text (three times faster).
    days = sorted(map(DayTotals._make, rows), key=lambda d: (d.date, d.exercise, d.scheme or ""))
    skipped: set[dt.date] = set()
    moves: dict[dt.date, dt.date] = {}
    for date, status, moved_to in connection.execute(
        select(day.date, day.status, day.moved_to)
        .where(day.athlete_id == athlete_id, day.status != "done")
        .order_by(day.id)
    ):
        if status == "skipped" and date <= as_of:
            skipped.add(date)
        elif status == "moved" and moved_to is not None:
            moves[date] = moved_to
    checkins = [
        CheckIn(date, pain, stiffness)
        for date, pain, stiffness in connection.execute(
            select(CheckInRow.date, CheckInRow.pain, CheckInRow.stiffness)
            .where(CheckInRow.athlete_id == athlete_id, CheckInRow.date <= as_of)
            .order_by(CheckInRow.date)
        )
    ]
    tests = [
        CapacityTest(date=d, left=left, right=right, knee=knee, kind=kind)
        for d, left, right, knee, kind in connection.execute(
            select(
                CapacityTestRow.date,
                CapacityTestRow.left,
                CapacityTestRow.right,
                CapacityTestRow.knee,
                CapacityTestRow.kind,
            )
            .where(CapacityTestRow.athlete_id == athlete_id, CapacityTestRow.date <= as_of)
            .order_by(CapacityTestRow.date, CapacityTestRow.id)
        )
    ]
    return _Logged(days, checkins, tests, sorted(skipped), moves)


def _test_lines(profile: Any, tests: list[CapacityTest]) -> tuple[TestLine, ...]:
    if not tests:
        return ()
    from calfcoach.core.capacity import age_on, compare_tests, evaluate_heel_raise

    lines = []
    last: dict[tuple[str, str], CapacityTest] = {}
    for test in tests:
        age = age_on(profile.birth_year, test.date) if profile.birth_year is not None else None
        key = (test.kind, test.knee)
        previous = last.get(key)
        lines.append(
            TestLine(
                test=test,
                evaluation=evaluate_heel_raise(test, sex=profile.sex, age=age),
                comparison=compare_tests(previous, test) if previous is not None else None,
            )
        )
        last[key] = test
    return tuple(lines)


def to_plain(value: Any) -> Any:
    """JSON values of dataclasses, dates and tuples (for ``--format json``)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [to_plain(item) for item in value]
    if isinstance(value, dict):
        return {str(k): to_plain(v) for k, v in value.items()}
    return value


def report_to_dict(report: ProgressReport) -> dict[str, Any]:
    """The report as JSON values; derived figures (rate, load change) included."""
    data: dict[str, Any] = to_plain(report)
    data["adherence"]["rate"] = report.adherence.rate
    for trend, plain in zip(report.load_trends, data["load_trends"], strict=True):
        plain["first_kg"] = trend.first_kg
        plain["last_kg"] = trend.last_kg
        plain["change_kg"] = trend.change_kg
    return data
