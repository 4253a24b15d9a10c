"""Capacity tests (R-TEST-1..4): norms, symmetry, change over time, when to retest."""

from __future__ import annotations

import datetime as dt

import pytest

from calfcoach.catalog import load_catalog
from calfcoach.core import rules
from calfcoach.core.capacity import (
    age_on,
    compare_tests,
    evaluate_heel_raise,
    retest_dates,
    symmetry_index,
)
from calfcoach.core.models import CapacityTest, Plan, Profile, Race, Session
from calfcoach.core.planner import build_plan
from calfcoach.errors import InputError

DAY = dt.date(2025, 3, 3)


def hr(left: int, right: int, knee: str = "straight", date: dt.date = DAY) -> CapacityTest:
    """A heel-raise test."""
    return CapacityTest(date=date, left=left, right=right, knee=knee)  # type: ignore[arg-type]


# ----------------------------------------------------------------- R-TEST-1 norms


def test_norm_is_the_age_band_of_the_athletes_sex() -> None:
    result = evaluate_heel_raise(hr(16, 32), sex="male", age=35)
    assert result.norm == 32
    assert result.left_percent == 50.0
    assert result.right_percent == 100.0
    assert any("R-TEST-1" in m and "30-39" in m for m in result.messages)


def test_norm_falls_back_to_the_median_outside_the_age_bands() -> None:
    assert evaluate_heel_raise(hr(21, 21), sex="female", age=85).norm == 21
    assert evaluate_heel_raise(hr(24, 24), sex="male", age=None).norm == 24


def test_norm_is_unknown_without_sex() -> None:
    result = evaluate_heel_raise(hr(20, 20), sex=None, age=40)
    assert result.norm is None and result.left_percent is None
    assert any("no norm" in m for m in result.messages)


def test_bent_knee_test_has_no_norm_and_says_so() -> None:
    result = evaluate_heel_raise(hr(30, 31, knee="bent"), sex="female", age=30)
    assert result.norm is None
    assert result.left_percent is None and result.right_percent is None
    assert any(
        "R-TEST-4" in m and "bent-knee" in m and "no published norm" in m for m in result.messages
    )


def test_result_says_reps_to_fatigue_are_endurance_not_maximal_strength() -> None:
    result = evaluate_heel_raise(hr(20, 20), sex="female", age=30)
    assert any("R-TEST-4" in m and "endurance, not maximal strength" in m for m in result.messages)


# ----------------------------------------------------------------- R-TEST-3 symmetry


def test_symmetry_index_is_weaker_over_stronger_and_flags_below_ninety() -> None:
    result = evaluate_heel_raise(hr(18, 24), sex="male", age=30)
    assert result.symmetry_index == 75.0
    assert result.weaker == "left"
    assert result.asymmetry_flag
    assert any("R-TEST-3" in m and "left" in m for m in result.messages)


def test_symmetry_of_exactly_ninety_is_not_flagged() -> None:
    result = evaluate_heel_raise(hr(30, 27), sex="female", age=30)
    assert result.symmetry_index == rules.SYMMETRY_FLAG_BELOW
    assert result.weaker == "right"
    assert not result.asymmetry_flag


def test_both_sides_zero_have_no_symmetry_index() -> None:
    result = evaluate_heel_raise(hr(0, 0), sex="female", age=30)
    assert result.symmetry_index is None and not result.asymmetry_flag
    assert symmetry_index(0, 5) == 0.0


def test_equal_sides_have_no_weaker_side() -> None:
    result = evaluate_heel_raise(hr(25, 25), sex="male", age=30)
    assert result.weaker is None and result.symmetry_index == 100.0


# ----------------------------------------------------------------- R-TEST-2 change


def test_change_under_six_reps_is_noise() -> None:
    change = compare_tests(hr(20, 30), hr(25, 25, date=DAY + dt.timedelta(days=35)))
    assert change.left.difference == 5 and not change.left.real
    assert change.right.difference == -5 and not change.right.real
    assert "noise" in change.left.sentence and "R-TEST-2" in change.left.sentence


def test_change_of_six_reps_or_more_is_real_either_way() -> None:
    change = compare_tests(hr(20, 30), hr(26, 24, date=DAY + dt.timedelta(days=35)))
    assert change.left.real and change.right.real
    assert "up 6" in change.left.sentence and "down 6" in change.right.sentence
    assert change.messages == (change.left.sentence, change.right.sentence)


def test_tests_of_different_knee_positions_are_not_compared() -> None:
    with pytest.raises(InputError):
        compare_tests(hr(20, 20), hr(20, 20, knee="bent"))


def test_an_earlier_test_dated_after_the_later_one_is_refused() -> None:
    with pytest.raises(InputError):
        compare_tests(hr(20, 20, date=DAY), hr(20, 20, date=DAY - dt.timedelta(days=1)))


# ----------------------------------------------------------------- age


def test_age_is_the_age_reached_in_the_year() -> None:
    assert age_on(1990, dt.date(2025, 1, 1)) == 35
    assert age_on(None, DAY) is None
    assert age_on(2030, DAY) is None


# ----------------------------------------------------------------- retest dates


def session(date: dt.date, week: int, deload: bool = False) -> Session:
    return Session(date=date, week=week, deload=deload, title="t", exercises=())


def test_retests_fall_on_the_first_session_of_each_lighter_week() -> None:
    start = dt.date(2025, 1, 6)
    sessions = tuple(
        session(start + dt.timedelta(days=7 * (w - 1) + d), w, deload=w % 4 == 0)
        for w in range(1, 9)
        for d in (0, 3)
    )
    plan = Plan(start=start, weeks=8, warnings=(), sessions=sessions)
    assert retest_dates(plan) == (start + dt.timedelta(days=21), start + dt.timedelta(days=49))


def test_plan_without_lighter_week_retests_at_the_last_session_of_every_fourth_week() -> None:
    start = dt.date(2025, 1, 6)
    sessions = tuple(
        session(start + dt.timedelta(days=7 * (w - 1) + d), w) for w in range(1, 10) for d in (0, 3)
    )
    plan = Plan(start=start, weeks=9, warnings=(), sessions=sessions)
    assert retest_dates(plan) == (start + dt.timedelta(days=24), start + dt.timedelta(days=52))


def test_short_plan_without_lighter_week_has_no_retest() -> None:
    start = dt.date(2025, 1, 6)
    plan = Plan(start=start, weeks=3, warnings=(), sessions=(session(start, 1),))
    assert retest_dates(plan) == ()


def test_planned_retests_are_in_lighter_weeks_of_a_real_plan() -> None:
    profile = Profile(level="intermediate", free_days=frozenset({"mon", "thu"}))
    plan = build_plan(profile, load_catalog(), dt.date(2025, 1, 6), 12)
    dates = retest_dates(plan)
    deload_dates = {s.date for s in plan.sessions if s.deload}
    assert dates and set(dates) <= deload_dates
    assert len(dates) == len({s.week for s in plan.sessions if s.deload})


def _weekly_plan(start: dt.date, weeks: int) -> Plan:
    sessions = tuple(
        session(start + dt.timedelta(days=7 * (w - 1) + d), w, deload=w % 4 == 0)
        for w in range(1, weeks + 1)
        for d in (0, 3)
    )
    return Plan(start=start, weeks=weeks, warnings=(), sessions=sessions)


def test_a_retest_in_race_week_moves_to_the_first_session_the_race_does_not_bar_R_TEST_5() -> None:
    # D-159: the lighter week of week 4 is the half marathon's week (Mon 27th, Thu 30th,
    # race Sun 2nd): no test in the 7 days before it nor the 7 after (R-TEST-5).
    start = dt.date(2025, 1, 6)
    plan = _weekly_plan(start, 8)
    half = Race(date=dt.date(2025, 2, 2), distance_km=21.1)
    assert retest_dates(plan) == (dt.date(2025, 1, 27), dt.date(2025, 2, 24))
    assert retest_dates(plan, [half]) == (dt.date(2025, 2, 10), dt.date(2025, 2, 24))
    # a marathon bars the 14 days after it, past the two weeks a retest may wait: that
    # retest is left out, the next lighter week's stands
    marathon = Race(date=dt.date(2025, 2, 2), distance_km=42.195)
    assert retest_dates(plan, [marathon]) == (dt.date(2025, 2, 24),)


def test_a_race_the_day_after_the_lighter_weeks_first_session_takes_its_second_one() -> None:
    start = dt.date(2025, 1, 6)
    plan = _weekly_plan(start, 8)
    # a 10 km race on Tue 28th: Mon 27th is in the 7 days before it, Thu 30th in the 7 after
    ten = Race(date=dt.date(2025, 1, 28), distance_km=10)
    assert retest_dates(plan, [ten])[0] == dt.date(2025, 2, 6)
    # a race far from the lighter week changes nothing
    later = Race(date=dt.date(2025, 3, 30), distance_km=10)
    assert retest_dates(plan, [later]) == retest_dates(plan)


def test_a_retest_no_session_within_two_weeks_can_take_is_left_out() -> None:
    start = dt.date(2025, 1, 6)
    plan = _weekly_plan(start, 8)
    races = [
        Race(date=dt.date(2025, 1, 30) + dt.timedelta(days=7 * k), distance_km=5) for k in range(3)
    ]
    assert dt.date(2025, 1, 27) not in retest_dates(plan, races)
    for day in retest_dates(plan, races):
        assert all(abs((day - r.date).days) > 7 for r in races)


def test_the_heel_raise_test_steps_follow_the_knee_and_keep_insertional_achilles_flat_R_TEST_1():
    # R-TEST-1 (incline if at hand, fingertips, stop criteria), R-TEST-4 (bent knee), R-PAIN-5
    # (insertional Achilles: flat ground). The live test printed "knee straight" for --knee bent
    # and never said flat ground (stop 24's review).
    from calfcoach.core.capacity import heel_raise_test_steps

    plain = " ".join(heel_raise_test_steps("straight"))
    assert "10-degree incline" in plain and "knee straight" in plain
    assert "fingertips" in plain and "can no longer rise fully" in plain
    assert "more than fingertip support" in plain and "60 beats a minute" in plain
    bent = " ".join(heel_raise_test_steps("bent", ["achilles"]))
    assert "knee bent" in bent and "knee straight" not in bent and "R-TEST-4" in bent
    flat = " ".join(heel_raise_test_steps("straight", ["achilles_insertional", "plantar_heel"]))
    assert "flat ground" in flat and "no incline" in flat and "incline if" not in flat
