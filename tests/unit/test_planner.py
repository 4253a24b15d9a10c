"""Unit tests of the plan engine: the rotation, the soleus ladder, schedules and complaints on
hand-picked profiles (the properties over random profiles are in tests/property/)."""

from __future__ import annotations

import datetime as dt

import pytest

from calfcoach.catalog import load_catalog
from calfcoach.core import rules
from calfcoach.core.models import Plan, Profile, Session
from calfcoach.core.planner import build_plan
from calfcoach.errors import PlanningError

CATALOG = load_catalog()
MONDAY = dt.date(2026, 1, 5)


def profile(**kw: object) -> Profile:
    base: dict[str, object] = {
        "level": "intermediate",
        "equipment": ["dumbbell", "jump_rope", "band", "towel"],
        "free_days": ["mon", "wed", "fri", "sat"],
        "runs": [
            {"day": "tue", "kind": "hard"},
            {"day": "thu", "kind": "easy"},
            {"day": "sun", "kind": "long"},
        ],
    }
    base.update(kw)
    return Profile.model_validate(base)


def plan_for(p: Profile, weeks: int = 8, start: dt.date = MONDAY) -> Plan:
    return build_plan(p, CATALOG, start, weeks)


def calf(s: Session) -> list[tuple[str, str]]:
    return [
        (rx.exercise, rx.scheme) for rx in s.exercises if CATALOG.get(rx.exercise).region == "calf"
    ]


def week(plan: Plan, n: int) -> list[Session]:
    return [s for s in plan.sessions if s.week == n]


# ------------------------------------------------------------------ rotation (R-SCHED-3)


def test_the_first_two_weeks_follow_the_seed_rotation():
    # Seed 001: week 1 = jump rope; bent-knee heavy heel raises; week 2 = mini-squat; light
    # straight-knee heel raises.
    plan = plan_for(profile())
    w1 = [calf(s) for s in week(plan, 1)]
    w2 = [calf(s) for s in week(plan, 2)]
    assert w1 == [[("jump-rope", "plyometric")], [("bent-knee-heel-raise", "heavy")]]
    assert w2 == [[("one-leg-mini-squat", "light")], [("straight-knee-heel-raise", "light")]]


def test_the_rotation_alternates_the_heavy_knee_angle_between_cycles():
    plan = plan_for(profile(), weeks=6)
    heavy = [rx.exercise for s in plan.sessions for rx in s.exercises if rx.scheme == "heavy"]
    assert heavy[:3] == ["bent-knee-heel-raise", "straight-knee-heel-raise", "bent-knee-heel-raise"]


def test_three_sessions_a_week_share_no_main_block_with_the_week_before():
    plan = plan_for(
        profile(sessions_per_week=3, free_days=["mon", "wed", "fri", "sat"], runs=[]), weeks=6
    )
    for n in range(2, 7):
        before = {tuple(calf(s)) for s in week(plan, n - 1)}
        for s in week(plan, n):
            assert tuple(calf(s)) not in before


def test_plyometrics_take_a_day_without_a_hard_run():
    # Wed (no run) and Fri (hard run) are free: the plyometric slot goes to Wednesday.
    p = profile(free_days=["wed", "fri"], runs=[{"day": "fri", "kind": "hard"}])
    plan = plan_for(p, weeks=2)
    plyo = [s for s in plan.sessions if any(rx.scheme == "plyometric" for rx in s.exercises)]
    assert plyo and all(s.date.weekday() == 2 for s in plyo)


# ------------------------------------------------------------------ soleus ladder (R-PROG-3)


def soleus_steps(plan: Plan) -> list[str]:
    return [
        rx.exercise
        for s in plan.sessions
        for rx in s.exercises
        if CATALOG.get(rx.exercise).ladder == "soleus" and rx.rule == "R-PROG-3"
    ]


def test_a_novice_starts_the_soleus_ladder_at_the_wall_sit_and_climbs_in_order():
    p = profile(level="novice", equipment=["leg_press"], sessions_per_week=2)
    steps = soleus_steps(plan_for(p, weeks=40))
    assert steps[0] == "soleus-wall-sit"
    order = [e.id for e in CATALOG.ladder("soleus")]
    seen = list(dict.fromkeys(steps))
    assert seen == order[: len(seen)] and len(seen) >= 3
    positions = [order.index(x) for x in steps]
    assert positions == sorted(positions), "the ladder never goes down without a log"


def test_the_wall_sit_climbs_from_30_to_60_seconds_before_the_next_step():
    p = profile(level="novice", sessions_per_week=2)
    plan = plan_for(p, weeks=40)
    holds = [
        rx.seconds
        for s in plan.sessions
        if not s.deload
        for rx in s.exercises
        if rx.exercise == "soleus-wall-sit" and rx.rule == "R-PROG-3"
    ]
    assert holds[:3] == [30, 45, 60]


def test_the_leg_press_step_needs_a_leg_press():
    p = profile(level="advanced", equipment=["dumbbell"])
    assert "bent-knee-heel-raise-leg-press" not in soleus_steps(plan_for(p, weeks=40))


# ------------------------------------------------------------------ schedule (R-SCHED-*)


def test_sessions_avoid_the_long_run_and_the_day_before_it():
    p = profile(free_days=["mon", "tue", "wed", "thu", "fri", "sat", "sun"])
    for s in plan_for(p).sessions:
        assert s.date.strftime("%a") not in ("Sat", "Sun")


def test_two_sessions_are_48_to_72_hours_apart_when_the_free_days_allow():
    plan = plan_for(profile())
    for n in range(1, 9):
        a, b = week(plan, n)
        assert 2 <= (b.date - a.date).days <= 3


def test_only_two_adjacent_free_days_give_one_session_a_week_and_a_warning():
    plan = plan_for(profile(free_days=["mon", "tue"], runs=[]), weeks=2)
    assert [len(week(plan, n)) for n in (1, 2)] == [1, 1]
    assert any(w.rule == "R-SCHED-1" for w in plan.warnings)


def test_a_forced_day_before_a_hard_run_is_warned():
    plan = plan_for(profile(free_days=["mon"], runs=[{"day": "tue", "kind": "hard"}]), weeks=2)
    assert [s.date.weekday() for s in plan.sessions] == [0, 0]
    assert any(w.rule == "R-SCHED-4" and "hard run" in w.message for w in plan.warnings)


def test_no_heavy_or_plyometric_work_in_the_week_before_a_race():
    race = MONDAY + dt.timedelta(days=20)
    plan = plan_for(profile(races=[race.isoformat()]), weeks=4)
    taper = [s for s in plan.sessions if 0 < (race - s.date).days <= 7]
    assert taper
    for s in taper:
        assert not {rx.scheme for rx in s.exercises} & {"heavy", "plyometric"}


def test_a_profile_without_free_days_is_refused_with_the_field_named():
    with pytest.raises(PlanningError) as err:
        plan_for(profile(free_days=[]))
    assert "free_days" in str(err.value)


def test_warnings_are_grouped_over_weeks():
    plan = plan_for(profile(free_days=["mon"], runs=[{"day": "tue", "kind": "hard"}]), weeks=6)
    hard = [w for w in plan.warnings if w.rule == "R-SCHED-4"]
    assert len(hard) == 1 and hard[0].message.startswith("Weeks 1-6:")


# ------------------------------------------------------------------ doses


def test_every_fourth_week_is_lighter_and_has_less_volume():
    plan = plan_for(profile(), weeks=8)

    def volume(n: int) -> int:
        return sum(
            rx.sets * (rx.reps or rx.seconds or rx.contacts or 1)
            for s in week(plan, n)
            for rx in s.exercises
        )

    assert [s.week for s in plan.sessions if s.deload] == [4, 4, 8, 8]
    assert all(s.title.startswith("Lighter week") for s in plan.sessions if s.deload)
    heavy = [rx for s in week(plan, 4) for rx in s.exercises if rx.scheme in ("heavy", "light")]
    assert all("R-PROG-5" in rx.why for rx in heavy)
    assert volume(4) < volume(3) or volume(4) < volume(2)


def test_heavy_work_without_load_becomes_slow_light_work_with_a_warning():
    plan = plan_for(profile(equipment=["jump_rope"]), weeks=4)
    assert not any(rx.scheme == "heavy" for s in plan.sessions for rx in s.exercises)
    slow = [rx for s in plan.sessions for rx in s.exercises if rx.tempo == rules.SLOW_LIGHT_TEMPO]
    assert slow and all(rx.scheme == "light" for rx in slow)
    assert any(w.rule == "R-SCH-2" for w in plan.warnings)


def test_heavy_load_climbs_by_reps_then_load_and_returns_to_the_bottom():
    plan = plan_for(profile(level="advanced"), weeks=24)
    heavy = [
        (rx.reps, rx.added_load_kg)
        for s in plan.sessions
        if not s.deload
        for rx in s.exercises
        if rx.exercise == "bent-knee-heel-raise" and rx.scheme == "heavy"
    ]
    reps = [r for r, _ in heavy]
    assert reps[:4] == [4, 5, 6, 4]
    assert heavy[3][1] > heavy[2][1]
    assert heavy[3][1] <= heavy[2][1] * (1 + rules.LOAD_STEP_MAX)


def test_a_novice_plyometric_block_is_short_bouts_in_the_light_band():
    plan = plan_for(profile(level="novice"), weeks=2)
    plyo = [rx for s in plan.sessions for rx in s.exercises if rx.scheme == "plyometric"]
    assert plyo
    for rx in plyo:
        assert rx.sets * (rx.contacts or 0) <= rules.PLYO_LIGHT_MAX
        assert rx.seconds is not None and rx.seconds <= rules.PLYO_MAX_SET_SECONDS


def test_a_session_with_a_tight_budget_is_trimmed_to_fit():
    plan = plan_for(profile(session_minutes=12), weeks=4)
    assert all(s.minutes <= 12 for s in plan.sessions) or any(
        w.rule == "R-SCHED-7" for w in plan.warnings
    )


# ------------------------------------------------------------------ complaints (R-PAIN-*)


def test_achilles_gets_heavy_slow_resistance_every_session_with_beyers_steps():
    plan = plan_for(profile(complaints=["achilles"]), weeks=10)
    by_week = {}
    for s in plan.sessions:
        rehab = [rx for rx in s.exercises if rx.scheme == "rehab"]
        assert len(rehab) == 1 and rehab[0].exercise == "heavy-slow-heel-raise"
        assert rehab[0].tempo == rules.ACHILLES_HSR_TEMPO
        assert "achilles" in rehab[0].why.lower()
        by_week[s.week] = (rehab[0].sets, rehab[0].reps)
    assert by_week[1] == (3, 15) and by_week[2] == (3, 12) and by_week[4] == (4, 10)
    assert by_week[6] == (4, 8) and by_week[9] == (4, 6)
    assert not any(rx.scheme == "plyometric" for s in plan.sessions for rx in s.exercises)
    assert any(w.rule == "R-SCHED-5" and "Achilles" in w.message for w in plan.warnings)


def test_plantar_heel_pain_gets_the_towel_heel_raise_and_foot_work_every_session():
    plan = plan_for(profile(complaints=["plantar_heel"]), weeks=4)
    for s in plan.sessions:
        ids = [rx.exercise for rx in s.exercises]
        assert "high-load-heel-raise-towel" in ids
        assert any(CATALOG.get(i).region == "foot" for i in ids)


def test_a_calf_strain_opens_every_session_with_an_isometric_hold():
    plan = plan_for(profile(complaints=["calf_strain"]), weeks=4)
    for s in plan.sessions:
        assert s.exercises[0].scheme == "isometric"
        assert "calf strain" in s.exercises[0].why


def test_shin_pain_adds_dorsiflexor_work_and_no_plyometrics():
    plan = plan_for(profile(complaints=["shin"]), weeks=4)
    for s in plan.sessions:
        muscles = {m for rx in s.exercises for m in CATALOG.get(rx.exercise).muscles}
        assert "tibialis anterior" in muscles
        assert all(rx.scheme != "plyometric" for rx in s.exercises)


def test_every_prescription_names_its_rule_and_source():
    plan = plan_for(profile(), weeks=4)
    for s in plan.sessions:
        for rx in s.exercises:
            assert rx.why.startswith("R-")
            assert "(" in rx.why  # the catalog sentence cites its source
