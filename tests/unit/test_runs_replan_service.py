"""Imported runs and the plan (issue 10, item 3), on the in-memory unit of work: a long run
imported on its own day takes that day's session away (R-SCHED-4); a run imported after its
day moves nothing (the days around it are given, R-HIST; D-100); both count toward
the spike rule."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

from tests.activity_files import RunSpec, fit_run
from tests.fakes import FakeStore, FakeUnitOfWork

from calfcoach.catalog import load_catalog
from calfcoach.core.engine.walk import build_plan
from calfcoach.core.models import Profile
from calfcoach.services import runs
from calfcoach.services.access import Actor
from calfcoach.services.athletes import add_athlete
from calfcoach.services.context import ServiceContext
from calfcoach.services.training import current_plan

ME = Actor.local()
DEMO = Path(__file__).resolve().parents[2] / "examples" / "demo-profile.json"
PROFILE = Profile.model_validate(json.loads(DEMO.read_text()))
START = dt.date(2026, 9, 7)


def session_day() -> dt.date:
    """A session day of the demo athlete's plan in its second week."""
    plan = build_plan(PROFILE, load_catalog(), START, 4)
    return next(s.date for s in plan.sessions if s.date >= START + dt.timedelta(days=7))


def setup(today: dt.date) -> tuple[ServiceContext, int, FakeStore]:
    store = FakeStore()
    noon = dt.datetime.combine(today, dt.time(12), tzinfo=dt.UTC)

    def factory(*, read_only: bool = False, clock: Callable[[], dt.datetime] | None = None):  # type: ignore[no-untyped-def]
        return FakeUnitOfWork(store, clock=lambda: noon)

    ctx = ServiceContext(unit_of_work=factory, today=lambda: today)
    athlete = add_athlete(ctx, ME, PROFILE, start=START, weeks=4, name="ana").athlete.id
    return ctx, athlete, store


def given(store: FakeStore, athlete: int, today: dt.date) -> dict[dt.date, object]:
    """Every session fixed before ``today``, in whichever block gave it (R-HIST)."""
    with FakeUnitOfWork(store) as uow:
        return {
            d: f.session
            for plan in uow.plans.history(athlete)
            for d, f in uow.history.fixed(athlete, plan.id).items()
            if d < today
        }


def long_run(day: dt.date) -> tuple[str, bytes]:
    start = dt.datetime.combine(day, dt.time(6, 30), tzinfo=dt.UTC)
    return f"{day}.fit", fit_run(RunSpec(start, minutes=100, utc_offset_h=0))


def test_a_long_run_imported_on_its_day_takes_that_days_session_away() -> None:
    today = session_day()
    ctx, athlete, store = setup(today)
    before = current_plan(ctx, ME, athlete, today).plan
    assert today in {s.date for s in before.sessions}

    report = runs.import_bytes(ctx, ME, athlete, [long_run(today)], today=today)

    assert report.runs[0].kind == "long"
    assert report.replan is not None and report.replan.kind in ("in_place", "new_block")
    after = current_plan(ctx, ME, athlete, today).plan
    assert today not in {s.date for s in after.sessions}  # R-SCHED-4: not on a long-run day
    # R-HIST: what was given before today stays, in whichever block it was given.
    assert given(store, athlete, today) == {s.date: s for s in before.sessions if s.date < today}


def test_a_run_imported_after_its_day_moves_no_session() -> None:
    today = session_day()
    ctx, athlete, _ = setup(today)
    before = current_plan(ctx, ME, athlete, today).plan
    earlier = max(s.date for s in before.sessions if s.date < today)

    runs.import_bytes(ctx, ME, athlete, [long_run(earlier + dt.timedelta(days=1))], today=today)

    after = current_plan(ctx, ME, athlete, today).plan
    assert [s.date for s in after.sessions] == [s.date for s in before.sessions]
    assert [s for s in after.sessions if s.date < today] == [
        s for s in before.sessions if s.date < today
    ]
