"""The progress report: adherence, weekly volume, load and pain trends, tests against norms.

The arithmetic is in ``calfcoach.core.load`` (pure); this module reads the log in one
read-only transaction and puts the pieces together.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from calfcoach.core.load import (
    Adherence,
    LoadTrend,
    PainWeek,
    WeekVolume,
    adherence,
    summarize,
)
from calfcoach.core.models import CapacityTest
from calfcoach.core.safety import usual_pain
from calfcoach.services.access import Actor
from calfcoach.services.athletes import athlete_in
from calfcoach.services.training import effective_plan

if TYPE_CHECKING:
    from calfcoach.core.catalog import Catalog
    from calfcoach.services.context import ServiceContext
    from calfcoach.storage.uow import AbstractUnitOfWork

__all__ = [
    "ProgressReport",
    "TestLine",
    "progress_report",
    "progress_report_in",
    "report_to_dict",
    "to_plain",
]

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


def progress_report(
    ctx: ServiceContext, actor: Actor, athlete_id: int, as_of: dt.date
) -> ProgressReport:
    """Everything logged up to ``as_of`` (inclusive), summarised, in one read-only unit of
    work (the sums come from ``uow.logs.progress_log``: the database's GROUP BY)."""
    from calfcoach.services.inputs import check_date

    check_date("date", as_of)
    with ctx.unit_of_work(read_only=True) as uow:
        return progress_report_in(uow, ctx.catalog(), actor, athlete_id, as_of)


def progress_report_in(
    uow: AbstractUnitOfWork, catalog: Catalog, actor: Actor, athlete_id: int, as_of: dt.date
) -> ProgressReport:
    """``progress_report`` inside a use case's own unit of work (one that reads more of the
    athlete in the same transaction, such as the progress charts): the access check
    (``view``), the log read and the summary. The caller checks ``as_of``."""
    from calfcoach.core.capacity import retest_dates
    from calfcoach.services.plan_inputs import athlete_races

    athlete = athlete_in(uow, actor, athlete_id)
    stored = uow.plans.active(athlete.id)
    logged = uow.logs.progress_log(athlete.id, as_of)

    planned: list[dt.date] = []
    retests: tuple[dt.date, ...] = ()
    if stored is not None:
        plan, _ = effective_plan(stored.plan, logged.moves)
        planned = [s.date for s in plan.sessions]
        # R-TEST-5 (D-159): no retest in a race's window, the calendars' races included.
        races = athlete_races(uow, athlete)
        retests = tuple(d for d in retest_dates(plan, races) if d >= as_of)
    region_of = {ex.id: ex.region for ex in catalog}
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
