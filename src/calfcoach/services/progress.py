"""The progress report: adherence, weekly volume, load and pain trends, tests against norms.

The arithmetic is in ``calfcoach.core.load`` (pure); this module reads the log in one
read-only transaction and puts the pieces together.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Any

from calfcoach.core.load import (
    Adherence,
    LoadTrend,
    PainWeek,
    WeekVolume,
    adherence,
    load_trends,
    pain_trend,
    usual_pain,
    weekly_volume,
)
from calfcoach.core.models import CapacityTest
from calfcoach.services.athletes import resolve_in
from calfcoach.services.training import effective_plan, session_moves
from calfcoach.storage.db import Database

__all__ = ["ProgressReport", "TestLine", "progress_report", "report_to_dict", "to_plain"]


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


def progress_report(database: Database, name: str | None, as_of: dt.date) -> ProgressReport:
    """Everything logged up to ``as_of`` (inclusive), summarised."""
    from calfcoach.catalog import load_catalog

    with database.unit_of_work(read_only=True) as uow:
        athlete = resolve_in(uow, name)
        stored = uow.plans.active(athlete.id)
        session_logs = uow.logs.session_logs(athlete.id)
        log = uow.logs.load_training_log(athlete.id)
    sets = [s for s in log.sets if s.date <= as_of]
    checkins = [c for c in log.checkins if c.date <= as_of]
    planned: list[dt.date] = []
    if stored is not None:
        plan, _ = effective_plan(stored.plan, session_moves(session_logs))
        planned = [s.date for s in plan.sessions]
    region_of = {ex.id: ex.region for ex in load_catalog()}
    return ProgressReport(
        athlete=athlete.name,
        as_of=as_of,
        adherence=adherence(
            planned, {s.date for s in sets}, [d for d in log.skipped if d <= as_of], as_of
        ),
        weekly_volume=weekly_volume(sets, region_of),
        load_trends=load_trends(sets),
        pain_trend=pain_trend(sets, checkins),
        usual_pain=usual_pain(checkins),
        tests=_test_lines(athlete.profile, [t for t in log.tests if t.date <= as_of]),
        total_sets=len(sets),
    )


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
