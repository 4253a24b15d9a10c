"""Dated runs and races in the core (issue 10, item 3): which run is on a date, the calendar's
races beside the profile's, and the warnings when a dated run takes the free days."""

from __future__ import annotations

import datetime as dt

from calfcoach.catalog import load_catalog
from calfcoach.core.engine.walk import build_plan
from calfcoach.core.models import DatedRun, Profile, Race, Run
from calfcoach.core.races import race_calendar, with_races
from calfcoach.core.schedule import RunDays, build_schedule, hard_run_checks, move_problems

MONDAY = dt.date(2026, 9, 7)
DAY = dt.timedelta(days=1)
CATALOG = load_catalog()


def runner(**changes: object) -> Profile:
    base: dict[str, object] = {
        "level": "intermediate",
        "free_days": frozenset({"mon", "wed", "fri", "sat"}),
        "runs": (Run(day="tue", kind="hard"), Run(day="sun", kind="long")),
        "equipment": frozenset({"dumbbell", "step", "wall"}),
    }
    return Profile.model_validate({**base, **changes})


def test_the_strongest_run_of_a_day_counts_from_the_usual_week_or_the_dated_runs() -> None:
    runs = RunDays(runner(), (DatedRun(MONDAY, "easy"), DatedRun(MONDAY + DAY, "long")))
    assert runs.kind_on(MONDAY) == "easy"
    assert runs.kind_on(MONDAY + DAY) == "long"  # dated long beats the usual hard Tuesday
    assert runs.kind_on(MONDAY + 6 * DAY) == "long"  # the usual Sunday stays
    assert runs.has_hard(MONDAY + DAY)  # the usual hard run is still there (R-SCHED-4b)


def test_a_dated_long_run_takes_its_day_and_the_day_before_and_says_so() -> None:
    # Free Mon, Wed, Fri, Sat; a dated long run on Thursday takes Wednesday; Saturday is the
    # eve of the usual Sunday long run: only Monday and Friday are left.
    weeks, issues = build_schedule(runner(), MONDAY, 1, (DatedRun(MONDAY + 3 * DAY, "long"),))
    assert set(weeks[0].dates) <= {MONDAY, MONDAY + 4 * DAY}
    assert MONDAY + 2 * DAY not in weeks[0].dates


def test_a_dated_hard_run_makes_its_eve_the_day_before_a_hard_run() -> None:
    before, after = hard_run_checks(runner(), dated=(DatedRun(MONDAY + 4 * DAY, "hard"),))
    assert before(MONDAY + 3 * DAY) and after(MONDAY + 5 * DAY)
    assert before(MONDAY)  # the usual Tuesday hard run
    assert not before(MONDAY + 2 * DAY)


def test_a_move_onto_the_eve_of_a_dated_long_run_is_refused() -> None:
    plan = build_plan(runner(), CATALOG, MONDAY, 2)
    session = plan.sessions[0]
    to = MONDAY + 9 * DAY  # Wednesday of week 2
    problems = move_problems(runner(), session, to, [], (DatedRun(to + DAY, "long"),))
    assert ("R-SCHED-4", f"{to.isoformat()} is the day before a long run (thu)") in problems


def test_the_calendars_races_join_the_profiles_and_the_profiles_own_race_wins_its_day() -> None:
    own = Race(date=MONDAY + 20 * DAY, distance_km=42.195, name="Berlin")
    profile = runner(races=(own,))
    planned = with_races(
        profile,
        (
            Race(date=own.date, distance_km=5.0, name="calendar guess"),
            Race(date=MONDAY + 6 * DAY, distance_km=5.0, tune_up=True),
            Race(date=MONDAY + 6 * DAY, distance_km=10.0),
        ),
    )
    assert [r.name for r in planned.races] == [None, "Berlin"]
    assert planned.races[0].distance_km == 10.0 and not planned.races[0].tune_up  # stricter
    assert profile.races == (own,)  # the stored profile is not changed
    assert race_calendar(planned).day(MONDAY + 7 * DAY).blocked is not None


def test_no_dated_races_give_the_same_profile() -> None:
    profile = runner()
    assert with_races(profile, ()) is profile
