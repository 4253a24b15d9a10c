"""The pain and safety layer (core/safety.py): one or more scenarios per rule of sheet v2."""

from __future__ import annotations

import datetime as dt
import json

from calfcoach.core import rules
from calfcoach.core.models import (
    CapacityTest,
    CheckIn,
    Clearance,
    HopTest,
    LoggedSet,
    Profile,
    Race,
    TrainingLog,
)
from calfcoach.core.safety import DaySafety, SafetyState, assess, hop_test_passed, usual_pain

D0 = dt.date(2026, 3, 2)
CLEAR = frozenset({"single-leg-calf-raise", "straight-knee-heel-raise", "heavy-slow-heel-raise"})


def day(n: int) -> dt.date:
    return D0 + dt.timedelta(days=n)


def athlete(*complaints: str, **extra: object) -> Profile:
    return Profile.model_validate(
        {"level": "intermediate", "free_days": ["mon", "thu"], "complaints": list(complaints)}
        | extra
    )


def ci(n: int, pain: int, *flags: str) -> CheckIn:
    return CheckIn(date=day(n), pain=pain, stiffness=0, red_flags=frozenset(flags))  # type: ignore[arg-type]


def daily(pains: list[int], start: int = 0) -> tuple[CheckIn, ...]:
    return tuple(ci(start + i, p) for i, p in enumerate(pains))


def raises(n: int, *, side: str = "both", reps: int = 15, pain: int | None = 2) -> tuple:
    return tuple(
        LoggedSet(
            date=day(n),
            exercise="single-leg-calf-raise",
            set_number=k,
            reps=reps,
            side=side,  # type: ignore[arg-type]
            pain=pain,
        )
        for k in (1, 2, 3)
    )


def at(profile: Profile, log: TrainingLog, n: int, *, strain_step: int = 1, races=()) -> DaySafety:
    return assess(
        profile, log, day(n), clearance_exercises=CLEAR, strain_step=strain_step, races=races
    )[0]


# ----------------------------------------------------------------- R-PAIN-2 usual pain


def test_usual_is_the_intake_answer_until_three_checkins_outside_a_flare_R_PAIN_2():
    p = athlete("achilles", usual_pain=3)
    log = daily([1, 1])
    assert usual_pain(p, log, day(2)) == 3
    assert usual_pain(athlete("achilles"), (), day(0)) == rules.USUAL_PAIN_DEFAULT
    assert usual_pain(p, daily([1, 1, 1]), day(3)) == 1


def test_usual_is_the_median_rounded_up_of_the_last_seven_within_28_days_R_PAIN_2():
    p = athlete("achilles", usual_pain=2)
    # 1 2 1 2 ... : 8 check-ins; the last 7 are 2 1 2 1 2 1 2 -> median 2
    assert usual_pain(p, daily([1, 2, 1, 2, 1, 2, 1, 2]), day(8)) == 2
    # an even count rounds up: [0, 1, 1, 2] -> median 1.0 ... [1, 2] halves round up
    assert usual_pain(p, daily([1, 2, 2, 1]), day(4)) == 2


def test_with_no_checkin_in_the_28_day_window_the_last_usual_stands_R_PAIN_2():
    p = athlete("achilles", usual_pain=4)
    log = daily([1, 1, 1, 1])
    assert usual_pain(p, log, day(60)) == 1


def test_a_flare_never_becomes_the_new_usual_pain_R_PAIN_2():
    p = athlete("achilles", usual_pain=2)
    log = daily([2, 2, 2] + [6] * 40)
    for n in range(3, 44):
        assert usual_pain(p, log, day(n)) == 2
    s = at(p, TrainingLog(checkins=log), 43)
    assert s.usual == 2 and s.stop is not None


def test_a_one_off_usual_plus_two_does_not_enter_the_baseline_R_PAIN_2():
    p = athlete("achilles", usual_pain=1)
    log = daily([1, 1, 1, 3, 1, 3, 1, 3, 1, 3, 1])
    assert usual_pain(p, log, day(11)) == 1


# ----------------------------------------------------------------- R-PAIN-2 responses


def test_morning_pain_at_usual_plus_one_holds_every_dose_R_PAIN_2():
    s = at(athlete("achilles", usual_pain=2), TrainingLog(checkins=(ci(0, 3),)), 0)
    assert s.morning == "hold" and s.flare is None
    assert any(r.rule == "R-PAIN-2" for r in s.reasons)


def test_usual_plus_two_once_gives_one_set_fewer_the_next_session_only_R_PAIN_2():
    p = athlete("achilles", usual_pain=2)
    log = TrainingLog(checkins=(ci(0, 4),))
    assert at(p, log, 0).morning == "one_set_fewer"
    trained = TrainingLog(checkins=(ci(0, 4),), sets=raises(0, reps=10))
    assert at(p, trained, 2).morning == "hold"
    assert at(p, trained, 2).flare is None


def test_a_flare_starts_at_usual_plus_two_on_two_consecutive_checkins_from_the_first_R_PAIN_2():
    p = athlete("achilles", usual_pain=2)
    s = at(p, TrainingLog(checkins=(ci(0, 4), ci(2, 4))), 2)
    assert s.flare is not None and s.flare.start == day(0)
    assert any(str(day(0)) in r.text for r in s.reasons if r.rule == "R-PAIN-2b")


def test_a_flare_starts_at_usual_plus_three_or_five_once_R_PAIN_2():
    assert at(athlete("achilles", usual_pain=1), TrainingLog(checkins=(ci(0, 4),)), 0).flare
    assert at(athlete("achilles", usual_pain=4), TrainingLog(checkins=(ci(0, 5),)), 0).flare


def test_a_flare_ends_at_the_second_of_two_settled_checkins_R_PAIN_2():
    p = athlete("achilles", usual_pain=2)
    log = TrainingLog(checkins=(ci(0, 6), ci(1, 3), ci(2, 4), ci(3, 3), ci(4, 2)))
    assert at(p, log, 3).flare is not None
    s = at(p, log, 4)
    assert s.flare is None and s.lifted_on == day(4)


def test_during_session_limit_is_five_and_two_for_calf_strain_or_shin_strictest_wins_R_PAIN_2a():
    assert at(athlete("achilles"), TrainingLog(), 0).limit == 5
    assert at(athlete("achilles", "calf_strain"), TrainingLog(), 0).limit == 2
    assert at(athlete("shin", "plantar_heel"), TrainingLog(), 0).limit == 2


def test_calf_strain_flares_at_morning_pain_three_R_PAIN_2a():
    s = at(athlete("calf_strain", usual_pain=2), TrainingLog(checkins=(ci(0, 3),)), 0)
    assert s.flare is not None


def test_no_checkin_for_seven_days_with_a_complaint_holds_and_asks_for_one_R_PAIN_2():
    p = athlete("plantar_heel")
    log = TrainingLog(checkins=(ci(0, 1),))
    assert not at(p, log, 6).ask_checkin
    s = at(p, log, 7)
    assert s.ask_checkin and s.morning == "hold"
    assert not at(athlete(), log, 7).ask_checkin


# ----------------------------------------------------------------- R-PAIN-2a red flags


def test_a_red_flag_stops_the_plan_until_a_clearance_dated_after_it_R_PAIN_2a():
    p = athlete("achilles")
    base = (ci(0, 1), ci(3, 1, "night_pain"), ci(4, 1))
    s = at(p, TrainingLog(checkins=base), 5)
    assert s.stop is not None and s.stop.kind == "red_flag" and not s.stop.urgent
    assert s.stop.since == day(3) and "physiotherapist" in s.stop.advice
    same_day = TrainingLog(checkins=base, clearances=(Clearance(date=day(3)),))
    assert at(p, same_day, 5).stop is not None
    cleared = TrainingLog(checkins=base, clearances=(Clearance(date=day(5)),))
    s = at(p, cleared, 5)
    assert s.stop is None and s.cleared_on == day(5)


def test_urgent_red_flags_say_see_a_clinician_today_R_PAIN_2a():
    s = at(athlete(), TrainingLog(checkins=(ci(0, 0, "pop"),)), 0)
    assert s.stop is not None and s.stop.urgent and "today" in s.stop.advice


def test_shin_with_a_bone_stress_history_or_missed_periods_is_stopped_from_day_one_R_PAIN_2a():
    for extra in ({"bone_stress_history": True}, {"missed_periods": True}):
        p = athlete("shin", **extra)
        s = at(p, TrainingLog(), 0)
        assert s.stop is not None and s.stop.kind == "referral"
        assert at(p, TrainingLog(clearances=(Clearance(date=day(1)),)), 2).stop is None
    assert at(athlete("achilles", bone_stress_history=True), TrainingLog(), 0).stop is None


# ----------------------------------------------------------------- R-PAIN-2b flares and stops


def test_morning_pain_seven_stops_until_the_flare_ends_then_reports_the_lift_R_PAIN_2b():
    p = athlete("achilles", usual_pain=2)
    log = TrainingLog(checkins=(ci(0, 7), ci(1, 5), ci(2, 3), ci(3, 2)))
    s = at(p, log, 1)
    assert s.stop is not None and s.stop.kind == "pain" and s.stop.rule == "R-PAIN-2b"
    assert "physiotherapist" in s.stop.advice
    s = at(p, log, 3)
    assert s.stop is None and s.flare is None and s.lifted_on == day(3)


def test_a_flare_still_on_after_14_days_with_two_flare_checkins_in_a_week_stops_R_PAIN_2b():
    p = athlete("achilles", usual_pain=2)
    log = TrainingLog(checkins=(ci(0, 5), ci(10, 5), ci(13, 4)))
    assert at(p, log, 13).stop is None
    s = at(p, log, 14)
    assert s.stop is not None and s.stop.since == day(14) and str(day(0)) in s.stop.advice
    quiet = TrainingLog(checkins=(ci(0, 5), ci(13, 4)))
    assert at(p, quiet, 14).stop is None


def test_during_a_flare_plyometrics_stop_and_the_gate_names_the_flare_R_PAIN_2b():
    s = at(athlete(), TrainingLog(checkins=(ci(0, 5),)), 1)
    assert not s.plyo.open and str(day(0)) in s.plyo.reason.text


# ----------------------------------------------------------------- R-PAIN-3 Achilles gate


def test_achilles_gate_opens_after_3x15_with_low_pain_and_a_settled_next_checkin_R_PAIN_3():
    p = athlete("achilles", usual_pain=2)
    log = TrainingLog(checkins=(ci(0, 2), ci(2, 3)), sets=raises(1))
    assert not at(p, log, 1).plyo.open
    s = at(p, log, 2)
    assert s.plyo.open and s.plyo.since == day(2) and not s.plyo.single_leg_hops


def test_achilles_gate_stays_shut_when_the_next_checkin_rises_or_pain_was_high_R_PAIN_3():
    p = athlete("achilles_insertional", usual_pain=2)
    assert not at(p, TrainingLog(checkins=(ci(0, 2), ci(2, 4)), sets=raises(1)), 3).plyo.open
    assert not at(p, TrainingLog(checkins=(ci(2, 2),), sets=raises(1, pain=4)), 3).plyo.open
    assert not at(p, TrainingLog(checkins=(ci(2, 2),), sets=raises(1, pain=None)), 3).plyo.open
    assert not at(p, TrainingLog(checkins=(ci(2, 2),), sets=raises(1, reps=12)), 3).plyo.open


def test_achilles_gate_needs_both_legs_when_the_side_is_unknown_R_PAIN_3():
    p = athlete("achilles")
    left = TrainingLog(checkins=(ci(2, 2),), sets=raises(1, side="left"))
    s = at(p, left, 3)
    assert not s.plyo.open and "right" in s.plyo.reason.text
    both = TrainingLog(
        checkins=(ci(2, 2), ci(4, 2)), sets=raises(1, side="left") + raises(3, side="right")
    )
    assert at(p, both, 4).plyo.open


def test_a_flare_voids_the_achilles_gate_evidence_R_PAIN_3():
    p = athlete("achilles", usual_pain=2)
    log = TrainingLog(checkins=(ci(0, 2), ci(2, 2), ci(3, 6), ci(4, 2), ci(5, 2)), sets=raises(1))
    assert at(p, log, 2).plyo.open
    assert not at(p, log, 6).plyo.open


# ----------------------------------------------------------------- R-PAIN-4 other gates


def test_plantar_heel_impact_needs_five_checkins_in_seven_days_all_at_most_two_R_PAIN_4():
    p = athlete("plantar_heel", usual_pain=2)
    assert not at(p, TrainingLog(checkins=daily([2, 2, 2, 2])), 3).plyo.open
    s = at(p, TrainingLog(checkins=daily([2, 2, 2, 2, 1])), 4)
    assert s.plyo.open and s.plyo.since == day(4)
    assert not at(p, TrainingLog(checkins=daily([2, 2, 3, 2, 1, 1])), 5).plyo.open


def passing_hops(p_days: list[int], test_day: int, pain: int = 0) -> TrainingLog:
    return TrainingLog(
        checkins=daily([1] * len(p_days)),
        hop_tests=(HopTest(date=day(test_day), hops=40, pain=pain),),
    )


def test_shin_plyometrics_only_after_the_hop_test_with_a_settled_morning_light_band_R_PAIN_4():
    p = athlete("shin", usual_pain=1)
    log = passing_hops(list(range(10)), 7)
    assert not at(p, log, 8).plyo.open or at(p, log, 8).plyo.since == day(8)
    s = at(p, log, 9)
    assert s.plyo.open and s.plyo.cap == rules.PLYO_LIGHT_MAX
    assert hop_test_passed(p, log, day(9)) == day(8)
    hurt = passing_hops(list(range(10)), 7, pain=1)
    assert not at(p, hurt, 9).plyo.open


def test_calf_strain_plyometrics_need_step_three_and_the_hop_test_moderate_at_lsi_90_R_PAIN_4():
    p = athlete("calf_strain", usual_pain=1)
    log = passing_hops(list(range(10)), 7, pain=2)
    assert not at(p, log, 9, strain_step=2).plyo.open
    s = at(p, log, 9, strain_step=3)
    assert s.plyo.open and s.plyo.cap == rules.PLYO_LIGHT_MAX and s.plyo.single_leg_hops
    sym = TrainingLog(
        checkins=log.checkins,
        hop_tests=log.hop_tests,
        tests=(CapacityTest(date=day(5), left=27, right=30),),
    )
    assert at(p, sym, 9, strain_step=3).plyo.cap == rules.PLYO_MODERATE.high


def test_a_hop_test_done_when_not_allowed_does_not_count_R_TEST_5():
    p = athlete("calf_strain", usual_pain=1)
    log = passing_hops(list(range(10)), 3, pain=0)  # only 4 days of check-ins
    assert hop_test_passed(p, log, day(9)) is None


# ----------------------------------------------------------------- R-TEST-5 hop test


def test_hop_test_allowed_after_seven_days_of_checkins_at_two_or_less_R_TEST_5():
    p = athlete("achilles")
    assert not at(p, TrainingLog(checkins=daily([1] * 6)), 5).hop_test[0]
    assert at(p, TrainingLog(checkins=daily([1] * 7)), 6).hop_test[0]
    assert not at(p, TrainingLog(checkins=daily([1, 1, 3, 1, 1, 1, 1])), 6).hop_test[0]
    flagged = daily([1] * 6) + (ci(6, 1, "numbness"),)
    assert not at(p, TrainingLog(checkins=flagged), 6).hop_test[0]


def test_no_hop_test_near_a_race_or_within_seven_days_of_the_last_R_TEST_5():
    p = athlete("achilles")
    log = TrainingLog(checkins=daily([1] * 31))
    assert not at(p, log, 10, races=(Race(date=day(15)),)).hop_test[0]
    assert not at(p, log, 20, races=(Race(date=day(15)),)).hop_test[0]
    assert at(p, log, 23, races=(Race(date=day(15)),)).hop_test[0]
    marathon = Race(date=day(15), distance_km=42.195)
    assert not at(p, log, 28, races=(marathon,)).hop_test[0]
    assert at(p, log, 30, races=(marathon,)).hop_test[0]
    retest = TrainingLog(checkins=log.checkins, hop_tests=(HopTest(date=day(10), hops=40, pain=0),))
    assert not at(p, retest, 16).hop_test[0]
    assert at(p, retest, 17).hop_test[0]


# ----------------------------------------------------------------- R-PAIN-4 closing


def test_a_complaint_closes_after_four_weeks_at_one_or_less_with_lsi_90_R_PAIN_4():
    p = athlete("achilles", usual_pain=1)
    test = (CapacityTest(date=day(20), left=28, right=30),)
    log = TrainingLog(checkins=daily([1] * 40), tests=test)
    assert not at(p, log, 26).closed_complaints
    s = at(p, log, 27)
    assert s.closed_complaints == {"achilles"} and s.closed_on == day(27)
    lopsided = TrainingLog(
        checkins=log.checkins, tests=(CapacityTest(date=day(20), left=20, right=30),)
    )
    assert not at(p, lopsided, 35).closed_complaints
    gaps = TrainingLog(checkins=tuple(ci(n, 1) for n in (0, 1, 2, 20, 27)), tests=test)
    assert not at(p, gaps, 27).closed_complaints


def test_a_symmetric_test_in_a_race_window_never_closes_a_complaint_D_164_R_TEST_5():
    # The same test that closes the complaint above, but 3 days before a race: R-TEST-5
    # keeps the day free of tests, so it cannot open anything.
    p = athlete("achilles", usual_pain=1)
    race = (Race(date=day(23)),)
    test = (CapacityTest(date=day(20), left=28, right=30),)
    log = TrainingLog(checkins=daily([1] * 60), tests=test)
    assert not at(p, log, 27, races=race).closed_complaints
    assert not at(p, log, 40, races=race).closed_complaints
    # A retest on a free day (10 days after the race) counts in full.
    free = TrainingLog(
        checkins=log.checkins, tests=(*test, CapacityTest(date=day(33), left=29, right=30))
    )
    assert at(p, free, 40, races=race).closed_complaints == {"achilles"}


def test_a_lopsided_test_in_a_race_window_or_a_flare_still_holds_closing_back_D_164_R_TEST_5():
    # A symmetric test on day 20, then a lopsided one in the race window: the lower reading
    # counts (it protects), until a retest on a free day.
    p = athlete("achilles", usual_pain=1)
    race = (Race(date=day(26)),)
    tests = (
        CapacityTest(date=day(20), left=28, right=30),
        CapacityTest(date=day(24), left=20, right=30),
    )
    log = TrainingLog(checkins=daily([1] * 60), tests=tests)
    assert not at(p, log, 34, races=race).closed_complaints
    retest = TrainingLog(
        checkins=log.checkins, tests=(*tests, CapacityTest(date=day(36), left=29, right=30))
    )
    assert at(p, retest, 37, races=race).closed_complaints == {"achilles"}


def test_a_symmetric_test_during_a_flare_does_not_widen_the_calf_strain_band_D_164_R_TEST_5():
    # A flare on days 3-4 (usual + 2 twice), settled from day 5; a passing hop test on day 15
    # after 7 calm days; a symmetric heel-raise test on day 4 (in the flare) or day 12 (calm).
    p = athlete("calf_strain", usual_pain=1)
    checkins = daily([1, 1, 1, 3, 3] + [1] * 20)
    hops = (HopTest(date=day(15), hops=40, pain=1),)

    def with_test(n: int) -> TrainingLog:
        test = (CapacityTest(date=day(n), left=29, right=30),)
        return TrainingLog(checkins=checkins, hop_tests=hops, tests=test)

    assert at(p, with_test(4), 3, strain_step=3).flare is not None
    light = at(p, with_test(4), 20, strain_step=3).plyo
    assert light.open and light.cap == rules.PLYO_LIGHT_MAX
    assert at(p, with_test(12), 20, strain_step=3).plyo.cap == rules.PLYO_MODERATE.high


# ----------------------------------------------------------------- the state


def test_the_state_round_trips_through_json():
    p = athlete("achilles", "shin", usual_pain=2)
    log = TrainingLog(
        checkins=daily([1, 2, 5, 3, 6, 2, 1, 1], 0) + (ci(9, 1, "pop"),),
        sets=raises(3),
        hop_tests=(HopTest(date=day(4), hops=40, pain=0),),
        tests=(CapacityTest(date=day(2), left=20, right=25),),
    )
    _, state = assess(p, log, day(9), clearance_exercises=CLEAR)
    again = SafetyState.from_dict(json.loads(json.dumps(state.to_dict())))
    assert again == state


def test_the_incremental_state_gives_the_same_answer_as_a_fresh_call():
    p = athlete("achilles", usual_pain=2)
    log = TrainingLog(checkins=daily([2, 3, 4, 4, 2, 2, 1, 7, 5, 2, 2]), sets=raises(1) + raises(5))
    state = None
    for n in range(0, 14):
        inc, state = assess(p, log, day(n), clearance_exercises=CLEAR, state=state)
        assert inc == at(p, log, n)


def test_calm_checkins_ageing_out_during_a_flare_do_not_lift_the_usual_R_PAIN_2():
    # Found by the property test: [0, 0, 1] then 25 days at 2 (usual + 2, a flare): the window
    # would hold [0, 1] -> 1; the usual stays at its value when the flare started (D-18).
    p = athlete("achilles", usual_pain=0)
    log = daily([0, 0, 1] + [2] * 25)
    assert usual_pain(p, log, day(3)) == 0
    assert at(p, TrainingLog(checkins=log), 27).usual == 0
