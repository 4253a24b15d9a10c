"""core.load: weekly volume, load and pain trends, adherence, from plain data."""

from __future__ import annotations

import datetime as dt

from calfcoach.core.load import (
    Adherence,
    adherence,
    day_totals,
    load_trends,
    pain_trend,
    summarize,
    time_under_load,
    week_of,
    weekly_volume,
)
from calfcoach.core.models import CheckIn, LoggedSet

MON = dt.date(2026, 3, 2)
WED = dt.date(2026, 3, 4)
NEXT_MON = dt.date(2026, 3, 9)
REGIONS = {"bent-knee-heel-raise": "calf", "jump-rope": "calf", "banded-foot-pull": "foot"}


def a_set(date: dt.date = WED, **fields: object) -> LoggedSet:
    values: dict[str, object] = {"exercise": "bent-knee-heel-raise", "set_number": 1}
    values.update(fields)
    return LoggedSet(date=date, **values)  # type: ignore[arg-type]


def test_weeks_are_iso_weeks_keyed_by_their_monday() -> None:
    assert week_of(MON) == MON
    assert week_of(dt.date(2026, 3, 8)) == MON  # Sunday
    assert week_of(NEXT_MON) == NEXT_MON


def test_time_under_load_counts_holds_reps_of_holds_and_slow_heavy_reps() -> None:
    assert time_under_load(None, 45, "isometric") == 45
    assert time_under_load(12, 2, "skill") == 24  # 12 reps, each held 2 s
    assert time_under_load(10, None, "light") == 20
    assert time_under_load(5, None, "heavy") == 30  # 3 s up, 3 s down
    assert time_under_load(None, None, "plyometric") == 0


def test_weekly_volume_sums_sets_reps_time_and_contacts_per_region_and_scheme() -> None:
    sets = [
        a_set(reps=5, load_kg=20.0, scheme="heavy"),
        a_set(set_number=2, reps=5, load_kg=20.0, scheme="heavy"),
        a_set(exercise="jump-rope", contacts=30, scheme="plyometric"),
        a_set(exercise="banded-foot-pull", reps=12, seconds=2, scheme="skill"),
        a_set(NEXT_MON, exercise="unknown-thing", reps=10),
    ]
    volume = weekly_volume(day_totals(sets), REGIONS)
    assert [(v.week, v.region, v.scheme, v.sets, v.reps, v.time_under_load_s, v.contacts)
            for v in volume] == [
        (MON, "calf", "heavy", 2, 10, 60, 0),
        (MON, "calf", "plyometric", 1, 0, 0, 30),
        (MON, "foot", "skill", 1, 12, 24, 0),
        (NEXT_MON, "other", "unplanned", 1, 10, 20, 0),
    ]  # fmt: skip


def test_the_load_trend_is_the_heaviest_load_per_week_of_each_loaded_exercise() -> None:
    sets = [
        a_set(MON, reps=5, load_kg=20.0),
        a_set(WED, reps=5, load_kg=22.5),
        a_set(NEXT_MON, reps=5, load_kg=25.0),
        a_set(WED, exercise="banded-foot-pull", reps=12),
    ]
    (trend,) = load_trends(day_totals(sets))
    assert trend.exercise == "bent-knee-heel-raise"
    assert [(p.week, p.max_load_kg) for p in trend.points] == [(MON, 22.5), (NEXT_MON, 25.0)]
    assert (trend.first_kg, trend.last_kg, trend.change_kg) == (22.5, 25.0, 2.5)


def test_the_pain_trend_has_set_pain_and_morning_checkins_per_week() -> None:
    sets = [a_set(pain=2), a_set(set_number=2, pain=4), a_set(set_number=3)]
    checkins = [CheckIn(dt.date(2026, 3, 5), 3, 2), CheckIn(NEXT_MON, 1, 1)]
    weeks = pain_trend(day_totals(sets), checkins)
    assert [(w.week, w.set_pain_mean, w.set_pain_max, w.morning_pain_mean) for w in weeks] == [
        (MON, 3.0, 4, 3.0),
        (NEXT_MON, None, None, 1.0),
    ]


def test_summarize_gives_the_same_as_the_three_functions() -> None:
    sets = [a_set(reps=5, load_kg=20.0, pain=1), a_set(NEXT_MON, contacts=40, pain=0)]
    days = day_totals(sets)
    summary = summarize(days, [], REGIONS)
    assert summary.weekly_volume == weekly_volume(days, REGIONS)
    assert summary.load_trends == load_trends(days)
    assert summary.pain_trend == pain_trend(days, [])


def test_adherence_counts_done_skipped_missed_and_extra_days_up_to_the_date() -> None:
    planned = [MON, WED, NEXT_MON]
    result = adherence(planned, done=[MON, dt.date(2026, 3, 5)], skipped=[WED], up_to=WED)
    assert result == Adherence(planned=2, done=1, skipped=1, missed=0, extra=0)
    done = [MON, dt.date(2026, 3, 5)]
    on_the_day = adherence(planned, done=done, skipped=[WED], up_to=NEXT_MON)
    assert (on_the_day.planned, on_the_day.missed) == (2, 0)  # today's session is still to come
    day_after = NEXT_MON + dt.timedelta(days=1)
    later = adherence(planned, done=done, skipped=[WED], up_to=day_after)
    assert (later.planned, later.missed, later.extra, later.rate) == (3, 1, 1, 0.333)
    assert adherence([], [], [], WED).rate is None
