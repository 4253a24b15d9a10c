"""Hypothesis strategies: random athlete profiles and plan requests."""

from __future__ import annotations

import datetime as dt

from hypothesis import strategies as st

from calfcoach.core.models import COMPLAINTS, DAYS, EQUIPMENT, LEVELS, Profile, Run

dates = st.dates(min_value=dt.date(2025, 1, 1), max_value=dt.date(2028, 12, 31))


@st.composite
def profiles(draw: st.DrawFn, *, complaints: bool = True) -> Profile:
    runs = draw(
        st.lists(
            st.builds(
                Run, day=st.sampled_from(DAYS), kind=st.sampled_from(("easy", "hard", "long"))
            ),
            max_size=7,
        )
    )
    return Profile(
        name=draw(st.none() | st.text(min_size=1, max_size=20)),
        sex=draw(st.none() | st.sampled_from(("female", "male"))),
        birth_year=draw(st.none() | st.integers(1940, 2010)),
        body_mass_kg=draw(
            st.none() | st.floats(40, 130, allow_nan=False).map(lambda x: round(x, 1))
        ),
        level=draw(st.sampled_from(LEVELS)),
        equipment=frozenset(draw(st.sets(st.sampled_from(EQUIPMENT)))),
        free_days=frozenset(draw(st.sets(st.sampled_from(DAYS), min_size=1))),
        sessions_per_week=draw(st.integers(1, 3)),
        session_minutes=draw(st.integers(10, 90)),
        runs=tuple(runs),
        races=tuple(draw(st.lists(dates, max_size=3))),
        complaints=frozenset(draw(st.sets(st.sampled_from(COMPLAINTS))))
        if complaints
        else frozenset(),
        units=draw(st.sampled_from(("metric", "imperial"))),
    )


@st.composite
def plan_requests(draw: st.DrawFn) -> tuple[Profile, dt.date, int]:
    profile = draw(profiles())
    start = draw(dates)
    # Races near the plan so the race rules are exercised often.
    near = draw(st.lists(st.integers(0, 20 * 7), max_size=2))
    races = tuple(sorted(set(profile.races) | {start + dt.timedelta(days=d) for d in near}))
    profile = profile.model_copy(update={"races": races})
    weeks = draw(st.integers(1, 20))
    return profile, start, weeks
