"""A few weeks of training history for the web pages' tests (progress, export, handout):
stored through the services, as the CLI would, relative to ``today``. ``target`` is a
database or a service context (the web app's ``app.state.service_context``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from calfcoach.bootstrap import context_for
from calfcoach.services.access import Actor
from calfcoach.services.context import ServiceContext

LOCAL = Actor.local()


def context_of(target: Any) -> ServiceContext:
    """A service context on ``target``: itself when it is one, else one on the database."""
    return target if isinstance(target, ServiceContext) else context_for(target)


PROFILE: dict[str, Any] = {
    "name": "Web Runner",
    "sex": "female",
    "birth_year": 1990,
    "body_mass_kg": 62,
    "level": "intermediate",
    "equipment": ["band", "step", "dumbbell", "jump_rope", "wall", "towel"],
    "free_days": ["mon", "wed", "fri", "sat"],
    "sessions_per_week": 2,
    "session_minutes": 25,
    "runs": [
        {"day": "tue", "kind": "hard"},
        {"day": "thu", "kind": "easy"},
        {"day": "sun", "kind": "long"},
    ],
    "races": [],
    "complaints": [],
    "units": "metric",
}


def add_runner(target: Any, today: dt.date, *, weeks_ago: int = 0) -> int:
    """The athlete of ``PROFILE`` with an 8-week plan that started ``weeks_ago`` weeks
    before this week's Monday; their id."""
    from calfcoach.profile_io import profile_from_data
    from calfcoach.services.athletes import add_athlete

    monday = today - dt.timedelta(days=today.weekday())
    start = monday - dt.timedelta(weeks=weeks_ago)
    added = add_athlete(
        context_of(target),
        LOCAL,
        profile_from_data(PROFILE),
        start=start,
        weeks=8,
        name=PROFILE["name"],
    )
    return added.athlete.id


def add_history(target: Any, today: dt.date, weeks: int = 4) -> int:
    """A runner whose plan began ``weeks`` weeks ago: every set of every past session
    logged as prescribed (pain 1-2), with a dumbbell load rising 2.5 kg a week on the
    exercises that can carry one, except the first session of the second week (skipped); a
    morning check-in after each, and a straight-knee heel-raise test in the first and the
    last session. The athlete's id."""
    from calfcoach.catalog import load_catalog
    from calfcoach.core.models import CapacityTest
    from calfcoach.services.training import (
        SetInput,
        current_plan,
        day_plan,
        log_set,
        prescribed_sets,
        record_checkin,
        record_test,
        skip_session,
    )

    catalog = load_catalog()

    ctx = context_of(target)
    name = add_runner(ctx, today, weeks_ago=weeks)
    plan = current_plan(ctx, LOCAL, name, today).plan
    past = [s.date for s in plan.sessions if s.date < today]
    second_week = past[0] + dt.timedelta(weeks=1)
    skipped = next((d for d in past if d >= second_week), None)
    for number, day in enumerate(past):
        if day == skipped:
            skip_session(ctx, LOCAL, name, day, today=today)
            continue
        session = day_plan(ctx, LOCAL, name, day).session_on(day)
        assert session is not None, day
        load = 5 + 2.5 * ((day - past[0]).days // 7)
        for done in prescribed_sets(session, rpe=7, pain=1 + number % 2):
            loaded = "dumbbell" in catalog.get(done.exercise).load_with
            entry = SetInput(
                exercise=done.exercise,
                set_number=done.set_number,
                reps=done.reps,
                seconds=done.seconds,
                distance_m=done.distance_m,
                contacts=done.contacts,
                load_kg=load if loaded and done.reps else done.load_kg,
                side=done.side,
                rpe=done.rpe,
                pain=done.pain,
            )
            log_set(ctx, LOCAL, name, day, entry, today=today, session=session, use_session=True)
        morning = day + dt.timedelta(days=1)
        if morning <= today:
            record_checkin(ctx, LOCAL, name, morning, pain=1, stiffness=2, today=today)
    first, last = past[0], past[-1]
    record_test(ctx, LOCAL, name, CapacityTest(first, left=22, right=26), today=today)
    if last != first:
        record_test(ctx, LOCAL, name, CapacityTest(last, left=27, right=28), today=today)
    return name
