"""Hypothesis strategies for races (R-SCHED-4a): random distances and tune-up flags, near
the plan so the race windows are exercised often. Kept apart from `tests.strategies`."""

from __future__ import annotations

import datetime as dt

from hypothesis import strategies as st

from calfcoach.core.models import Profile, Race
from tests.strategies import dates, profiles

# Distances around every threshold of R-SCHED-4a, and some anywhere.
DISTANCES = (
    3.0,
    5.0,
    10.0,
    10.01,
    15.0,
    21.0975,
    30.0,
    42.0,
    42.195,
    42.2,
    50.0,
    60.0,
    60.5,
    100.0,
)
distances = (
    st.none() | st.sampled_from(DISTANCES) | st.floats(1.0, 250.0).map(lambda x: round(x, 2))
)


def races_at(day: dt.date) -> st.SearchStrategy[Race]:
    return st.builds(
        Race,
        date=st.just(day),
        distance_km=distances,
        name=st.none() | st.sampled_from(("City 10k", "Spring half", "Berlin", "UTMB")),
        tune_up=st.booleans(),
    )


@st.composite
def race_lists(draw: st.DrawFn, start: dt.date, span_days: int) -> tuple[Race, ...]:
    offsets = draw(st.lists(st.integers(-20, span_days), max_size=4))
    return tuple(draw(races_at(start + dt.timedelta(days=o))) for o in offsets)


@st.composite
def race_plan_requests(draw: st.DrawFn) -> tuple[Profile, dt.date, int]:
    """A profile with races near its plan, a start date and a number of weeks (1-20)."""
    profile = draw(profiles())
    start = draw(dates)
    weeks = draw(st.integers(1, 20))
    races = draw(race_lists(start, 7 * weeks + 7))
    return Profile.model_validate({**profile.model_dump(), "races": races}), start, weeks
