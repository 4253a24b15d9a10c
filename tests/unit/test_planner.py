"""Unit tests of the plan engine (v2, built from a profile alone): the rotation, the soleus
ladder, schedules, races and complaints on hand-picked profiles (the properties over random
profiles are in tests/property/test_plan_rules.py and test_session_shape.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from tests.strategies import demo_like_profile as profile

from calfcoach.catalog import load_catalog
from calfcoach.core import rules
from calfcoach.core.models import Plan, Profile, Session
from calfcoach.core.planner import build_plan
from calfcoach.errors import PlanningError

CATALOG = load_catalog()
MONDAY = dt.date(2026, 1, 5)


def plan_for(p: Profile, weeks: int = 8, start: dt.date = MONDAY) -> Plan:
    return build_plan(p, CATALOG, start, weeks)


def calf(s: Session) -> list[tuple[str, str]]:
    return [
        (rx.exercise, rx.scheme) for rx in s.exercises if CATALOG.get(rx.exercise).region == "calf"
    ]


def week(plan: Plan, n: int) -> list[Session]:
    return [s for s in plan.sessions if s.week == n]


# ------------------------------------------------------------------ rotation (R-SCHED-3)


def test_the_first_two_weeks_follow_the_seed_rotation_R_SCHED_3():
    # Seed 001: week 1 = jump rope; bent-knee heavy heel raises; week 2 = mini-squat; light
    # straight-knee heel raises. (v2: without hard runs, so R-SCHED-4b moves nothing.)
    plan = plan_for(profile(runs=[]))
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
    """The soleus-ladder step of each session (R-PROG-3 reason), the finisher's pair aside."""
    out = []
    for s in plan.sessions:
        steps = [
            rx.exercise
            for rx in s.exercises
            if any(r.rule == "R-PROG-3" for r in rx.reasons) and rx.distance_m is None
        ]
        out += steps[:1]
    return out


def test_a_novice_starts_the_soleus_ladder_at_the_wall_sit_and_never_goes_down_R_PROG_3():
    # v2: without a log no pain is known, so the plan does not assume a step is passed
    # (R-PROG-6: where a value is missing, the dose holds); it never goes down either.
    p = profile(level="novice", equipment=["leg_press"], sessions_per_week=2)
    steps = soleus_steps(plan_for(p, weeks=40))
    assert steps[0] == "soleus-wall-sit"
    order = [e.id for e in CATALOG.ladder("soleus")]
    positions = [order.index(x) for x in steps]
    assert positions == sorted(positions), "the ladder never goes down without a log"


@pytest.mark.parametrize(
    ("level", "complaints", "first"),
    [
        ("novice", [], "soleus-wall-sit"),
        ("intermediate", [], "tip-toe-walking"),
        ("advanced", [], "bent-knee-heel-raise"),
        ("advanced", ["achilles"], "soleus-wall-sit"),
        ("intermediate", ["shin"], "soleus-wall-sit"),
    ],
)
def test_the_soleus_ladder_starts_at_the_levels_step_and_at_the_bottom_with_a_complaint_R_PROG_3(
    level: str, complaints: list[str], first: str
) -> None:
    # D-157: "a novice starts at the bottom": an advanced runner's soleus work was a 30 s wall
    # sit for weeks; with a complaint every runner starts at the bottom (the protective reading).
    # With a complaint the protocol fills a short session (R-PAIN-5, R-SCHED-7): 45 minutes
    # leave room for the ladder beside it (D-175: a lighter week's cut no longer makes room).
    p = profile(
        level=level,
        complaints=complaints,
        equipment=["dumbbell", "step"],
        races=[],
        session_minutes=45 if complaints else 25,
    )
    ladder = [
        rx.exercise
        for s in plan_for(p, weeks=12).sessions
        for rx in s.exercises
        if any(r.rule == "R-PROG-3" for r in rx.reasons)
    ]
    assert ladder and ladder[0] == first, ladder


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


def test_sessions_avoid_the_long_run_and_the_day_before_it_R_SCHED_4():
    p = profile(free_days=["mon", "tue", "wed", "thu", "fri", "sat", "sun"])
    for s in plan_for(p).sessions:
        assert s.date.strftime("%a") not in ("Sat", "Sun")


def test_two_sessions_are_48_to_72_hours_apart_when_the_free_days_allow_R_SCHED_2():
    plan = plan_for(profile())
    for n in range(1, 9):
        a, b = week(plan, n)
        assert 2 <= (b.date - a.date).days <= 3


def test_only_two_adjacent_free_days_give_one_session_a_week_and_a_warning_R_SCHED_1():
    plan = plan_for(profile(free_days=["mon", "tue"], runs=[]), weeks=2)
    assert [len(week(plan, n)) for n in (1, 2)] == [1, 1]
    assert any(w.rule == "R-SCHED-1" for w in plan.warnings)


def test_a_forced_day_before_a_hard_run_is_warned_and_holds_no_heavy_or_jumps_R_SCHED_4b():
    plan = plan_for(profile(free_days=["mon"], runs=[{"day": "tue", "kind": "hard"}]), weeks=2)
    assert [s.date.weekday() for s in plan.sessions] == [0, 0]
    assert any(w.rule == "R-SCHED-4" and "hard run" in w.message for w in plan.warnings)
    for s in plan.sessions:
        assert not {rx.scheme for rx in s.exercises} & {"heavy", "plyometric"}


def test_no_heavy_or_plyometric_work_in_the_week_before_a_race_R_SCHED_4():
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


def test_warnings_are_grouped_over_weeks_R_SCHED_0():
    plan = plan_for(profile(free_days=["mon"], runs=[{"day": "tue", "kind": "hard"}]), weeks=6)
    hard = [w for w in plan.warnings if w.rule == "R-SCHED-4"]
    assert len(hard) == 1 and hard[0].message.startswith("Weeks 1-6:")


# ------------------------------------------------------------------ doses


def test_every_fourth_week_is_lighter_and_has_less_volume_R_PROG_5():
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


def test_heavy_work_without_load_becomes_slow_light_work_with_a_warning_R_SCH_2a():
    plan = plan_for(profile(equipment=["jump_rope"]), weeks=4)
    assert not any(rx.scheme == "heavy" for s in plan.sessions for rx in s.exercises)
    slow = [rx for s in plan.sessions for rx in s.exercises if rx.tempo == rules.SLOW_LIGHT_TEMPO]
    assert slow and all(rx.scheme == "light" for rx in slow)
    assert any(w.rule == "R-SCH-2" for w in plan.warnings)


def test_heavy_work_starts_with_a_ramp_then_climbs_by_reps_then_load_R_PROG_1a_R_PROG_2():
    # v2: the first exposure is a load-finding ramp (R-PROG-1a); from a profile alone the
    # found load is unknown, so the plan shows body weight and says the ramp finds it.
    plan = plan_for(profile(level="advanced"), weeks=24)
    heavy = [
        rx
        for s in plan.sessions
        if not s.deload
        for rx in s.exercises
        if rx.exercise == "bent-knee-heel-raise" and rx.scheme == "heavy"
    ]
    first = heavy[0]
    assert first.sets <= rules.RAMP_MAX_SETS and first.added_load_kg == 0
    assert any(r.rule == "R-PROG-1a" and "starting point" in r.text for r in first.reasons)
    after = [(rx.reps, rx.added_load_kg) for rx in heavy[1:]]
    reps = [r for r, _ in after]
    assert reps[:4] == [4, 5, 6, 4]
    assert after[3][1] > after[2][1]


def test_a_novice_plyometric_block_is_short_bouts_in_the_light_band_R_SCH_3a():
    # v2: 50 contacts at the rope's 220 a minute is under two 8 s bouts, so one short bout.
    plan = plan_for(profile(level="novice", runs=[]), weeks=2)
    plyo = [rx for s in plan.sessions for rx in s.exercises if rx.scheme == "plyometric"]
    assert plyo
    for rx in plyo:
        assert rx.sets * (rx.contacts or 0) <= rules.PLYO_LIGHT_MAX
        assert rx.seconds is not None
        assert rules.PLYO_BOUT_MIN_S <= rx.seconds <= rules.PLYO_BOUT_MAX_S


def test_a_session_with_a_tight_budget_is_trimmed_to_fit():
    plan = plan_for(profile(session_minutes=12), weeks=4)
    assert all(s.minutes <= 12 for s in plan.sessions) or any(
        w.rule == "R-SCHED-7" for w in plan.warnings
    )


# ------------------------------------------------------------------ complaints (R-PAIN-*)


def test_achilles_gets_one_protocol_block_of_straight_and_bent_slow_raises_every_session_R_PAIN_3():
    # v2 (R-PAIN-5): one block of at most 2 exercises, straight- and bent-knee heavy slow
    # raises, no other heavy block; 3 sessions a week by default; Beyer's week ladder (weeks
    # with 2+ protocol sessions count); no plyometrics until the 3x15 clearance (a log).
    plan = plan_for(profile(complaints=["achilles"]), weeks=10)
    assert {len(week(plan, n)) for n in range(1, 11)} == {3}
    by_week = {}
    for s in plan.sessions:
        rehab = [rx for rx in s.exercises if rx.scheme == "rehab"]
        assert [CATALOG.get(rx.exercise).knee for rx in rehab] == ["straight", "bent"]
        assert all(rx.tempo == rules.ACHILLES_HSR_TEMPO for rx in rehab)
        assert all("achilles" in rx.why.lower() for rx in rehab)
        assert all(rx.scheme != "heavy" for rx in s.exercises)
        ramp = any("oad-finding session:" in r.text for rx in rehab for r in rx.reasons)
        if not s.deload and not ramp:
            by_week[s.week] = (rehab[0].sets, rehab[0].reps)
    assert by_week[1] == (3, 15) and by_week[2] == (3, 12) and by_week[5] == (4, 10)
    assert not any(rx.scheme == "plyometric" for s in plan.sessions for rx in s.exercises)
    assert any(w.rule == "R-SCHED-5" and "R-PAIN-3" in w.message for w in plan.warnings)


def test_beyers_week_ladder_keeps_its_weeks_through_a_lighter_week_R_PAIN_3_R_PAIN_5():
    plan = plan_for(profile(complaints=["achilles"]), weeks=10)
    by_week = {
        s.week: (rx.sets, rx.reps)
        for s in plan.sessions
        for rx in s.exercises[:1]
        if rx.scheme == "rehab" and not s.deload
    }
    assert by_week[6] == (4, 8) and by_week[9] == (4, 6), by_week


def test_plantar_heel_pain_gets_the_towel_heel_raise_and_foot_work_every_session_R_PAIN_4():
    plan = plan_for(profile(complaints=["plantar_heel"]), weeks=4)
    for s in plan.sessions:
        ids = [rx.exercise for rx in s.exercises]
        assert "high-load-heel-raise-towel" in ids
        assert any(CATALOG.get(i).region == "foot" for i in ids)


def test_a_calf_strain_starts_at_step_1_isometric_holds_at_both_knee_angles_R_PAIN_4():
    # v2: a criteria ladder, not the calendar; without a log it stays at step 1. Its holds are
    # a complaint protocol's blocks: scheme `rehab` (R-PAIN-5), dosed in seconds.
    plan = plan_for(profile(complaints=["calf_strain"]), weeks=4)
    for s in plan.sessions:
        holds = [rx for rx in s.exercises if rx.scheme == "rehab" and rx.seconds is not None]
        assert not any(rx.scheme == "isometric" for rx in s.exercises)
        assert {CATALOG.get(rx.exercise).knee for rx in holds} >= {"straight", "bent"}
        assert all(CATALOG.get(rx.exercise).steps.get("calf_strain") == 1 for rx in holds[:2])
        assert "calf strain" in s.exercises[0].why.lower()
        assert "2/10" in s.exercises[0].why
        assert all(rx.scheme != "heavy" for rx in s.exercises)


@pytest.mark.parametrize("step", [1, 2, 3, 4])
def test_the_calf_strain_ladder_says_when_running_may_start_again_R_PAIN_4(step: int):
    # R-PAIN-4: "Running advice from step 3 with pain-free walking" (D-183); said once a
    # session, on the ladder's first block.
    from calfcoach.core.engine import State, walk

    state = State()
    state.strain_step = step
    p = profile(complaints=["calf_strain"])
    plan = walk(p, CATALOG, dt.date(2026, 3, 2), 2, state=state).plan
    for s in plan.sessions:
        said = [
            r.text
            for rx in s.exercises
            for r in rx.reasons
            if "Running may start" in r.text or "Running waits" in r.text
        ]
        assert len(said) == 1, said
        if step >= rules.STRAIN_RUNNING_STEP:
            assert "Running may start again from this step, once walking is pain-free" in said[0]
        else:
            assert "Running waits for step 3" in said[0]


def test_shin_pain_adds_dorsiflexor_work_and_no_plyometrics_R_PAIN_4():
    plan = plan_for(profile(complaints=["shin"]), weeks=4)
    for s in plan.sessions:
        muscles = {m for rx in s.exercises for m in CATALOG.get(rx.exercise).muscles}
        assert "tibialis anterior" in muscles
        assert all(rx.scheme != "plyometric" for rx in s.exercises)


def test_every_prescription_names_its_rule_and_source_R_WHY():
    plan = plan_for(profile(), weeks=4)
    for s in plan.sessions:
        for rx in s.exercises:
            assert rx.why.startswith("R-")
            assert "(" in rx.why  # the catalog sentence cites its source


# ------------------------------------------------------------------ v2 additions


def test_shin_with_a_bone_stress_history_is_referred_before_any_plan_R_PAIN_2a():
    plan = plan_for(profile(complaints=["shin"], bone_stress_history=True), weeks=2)
    assert plan.sessions
    for s in plan.sessions:
        assert s.status == "stopped" and s.exercises == () and s.advice


def test_insertional_achilles_pain_raises_on_flat_ground_only_R_PAIN_5():
    p = profile(complaints=["achilles_insertional", "plantar_heel"], equipment=["dumbbell", "step"])
    plan = plan_for(p, weeks=4)
    for s in plan.sessions:
        assert not any(CATALOG.get(rx.exercise).heel_drop for rx in s.exercises)
        rehab = [rx for rx in s.exercises if rx.scheme == "rehab"]
        assert rehab and all("flat ground" in rx.why for rx in rehab)


def test_the_first_session_after_a_race_names_it_R_SCHED_4a():
    race = {
        "date": (MONDAY + dt.timedelta(days=9)).isoformat(),
        "distance_km": 21.1,
        "name": "Spring half",
    }
    plan = plan_for(profile(races=[race]), weeks=4)
    after = [s for s in plan.sessions if s.date > MONDAY + dt.timedelta(days=9)]
    assert after[0].date > MONDAY + dt.timedelta(days=9 + 4), "4-day window below 42.2 km"
    assert "Spring half" in " ".join(r.text for rx in after[0].exercises for r in rx.reasons)


def test_every_session_in_the_14_days_after_a_marathon_names_it_even_after_another_race():
    races = [
        {"date": "2026-01-05", "distance_km": 42.195, "name": "Berlin"},
        {"date": "2026-01-07", "distance_km": 5, "name": "City 10k"},
    ]
    plan = plan_for(profile(races=races), weeks=3)
    named = [s for s in plan.sessions if 0 < (s.date - MONDAY).days <= 14]
    assert named
    for s in named:
        assert "Berlin" in " ".join(r.text for rx in s.exercises for r in rx.reasons), s.date


@pytest.mark.parametrize("start", [dt.date(1, 1, 1), dt.date(1899, 12, 31), dt.date(9999, 12, 1)])
def test_a_start_date_out_of_range_is_refused_naming_the_field_and_the_range(start) -> None:
    with pytest.raises(PlanningError) as caught:
        build_plan(profile(), CATALOG, start, 8)
    message = str(caught.value)
    assert message.startswith(f"start: {start.isoformat()} is out of range; allowed: 1900-01-01")
    assert "for a plan of 8 weeks" in message


def test_one_session_a_week_avoids_the_day_after_a_hard_run_when_an_equal_day_is_free():
    # D-162: the demo's week (hard Tue, easy Thu, long Sun; free Mon, Wed, Fri, Sat) with one
    # session a week took Wednesday, the day after the hard run, which never holds plyometrics
    # (R-SCHED-4b): twelve weeks without a plyometric block. Friday is as good by every rule.
    p = profile(
        level="advanced",
        equipment=["dumbbell", "step", "jump_rope"],
        sessions_per_week=1,
        races=[],
    )
    plan = plan_for(p, weeks=12)
    assert {s.date.strftime("%a") for s in plan.sessions} == {"Fri"}
    assert any(rx.scheme == "plyometric" for s in plan.sessions for rx in s.exercises)
