"""Progression engine (R-PROG-2..6, R-PAIN-1..4) on hand-built plans and logs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import replace

from calfcoach.catalog import load_catalog
from calfcoach.core import rules
from calfcoach.core.models import (
    CheckIn,
    LoggedSet,
    Plan,
    Prescription,
    Profile,
    Session,
    TrainingLog,
)
from calfcoach.core.progression import AdaptedPlan, Decision, adapt_plan, usual_pain

CATALOG = load_catalog()
START = dt.date(2025, 1, 6)  # a Monday
PROFILE = Profile(
    level="intermediate",
    body_mass_kg=70,
    equipment=frozenset({"dumbbell", "jump_rope", "wall"}),
    free_days=frozenset({"mon", "thu"}),
)


def day(n: int) -> dt.date:
    return START + dt.timedelta(days=n)


def heavy(reps: int = 6, sets: int = 4, load: float | None = 20.0) -> Prescription:
    return Prescription(
        "straight-knee-heel-raise",
        "heavy",
        sets,
        reps=reps,
        per_side=True,
        added_load_kg=load,
        tempo=rules.HEAVY_TEMPO,
        why="R-SCH-2: heavy. Gastrocnemius.",
        rule="R-SCH-2",
    )


def light(reps: int = 12, sets: int = 3, exercise: str = "single-leg-calf-raise") -> Prescription:
    return Prescription(exercise, "light", sets, reps=reps, per_side=True, why="R-SCH-1: light.")


def hold(seconds: int = 30, exercise: str = "soleus-wall-sit") -> Prescription:
    return Prescription(exercise, "isometric", 3, seconds=seconds, why="R-SCH-4: holds.")


def walk(metres: float = 3.0) -> Prescription:
    return Prescription("tip-toe-walking", "isometric", 3, distance_m=metres, why="R-PROG-2: walk.")


def rope(contacts: int = 20, sets: int = 3) -> Prescription:
    return Prescription(
        "jump-rope", "plyometric", sets, seconds=6, contacts=contacts, why="R-SCH-3: rope."
    )


def plan_of(
    *sessions: tuple[int, tuple[Prescription, ...]], deload_weeks: Collection[int] = ()
) -> Plan:
    built = []
    for offset, exercises in sessions:
        week = offset // 7 + 1
        built.append(Session(day(offset), week, week in deload_weeks, "Session", exercises))
    weeks = max(s.week for s in built)
    return Plan(start=START, weeks=weeks, warnings=(), sessions=tuple(built))


def did(
    offset: int,
    rx: Prescription,
    *,
    amount: float | None = None,
    amounts: list[float] | None = None,
    rpe: int | None = 7,
    pain: int | None = 1,
    load: float | None = None,
) -> tuple[LoggedSet, ...]:
    """All planned sets of ``rx`` as logged on day ``offset`` (with its planned values)."""
    unit = next(u for u in ("contacts", "reps", "seconds", "distance_m") if getattr(rx, u))
    planned = getattr(rx, unit)
    values = amounts or [amount if amount is not None else planned] * rx.sets
    out = []
    for number, value in enumerate(values, start=1):
        fields = {unit: value, f"planned_{unit}": planned}
        out.append(
            LoggedSet(
                date=day(offset),
                exercise=rx.exercise,
                set_number=number,
                rpe=rpe,
                pain=pain,
                load_kg=load if load is not None else rx.added_load_kg,
                planned_load_kg=rx.added_load_kg,
                scheme=rx.scheme,
                **fields,
            )
        )
    return tuple(out)


def adapt(
    plan: Plan,
    *sets: tuple[LoggedSet, ...],
    today: int,
    profile: Profile = PROFILE,
    checkins: tuple[CheckIn, ...] = (),
    catalog: bool = True,
) -> AdaptedPlan:
    log = TrainingLog(sets=tuple(s for group in sets for s in group), checkins=checkins)
    return adapt_plan(plan, log, profile, day(today), catalog=CATALOG if catalog else None)


def rx_on(adapted: AdaptedPlan, offset: int, index: int = 0) -> Prescription:
    session = next(s for s in adapted.plan.sessions if s.date == day(offset))
    return session.exercises[index]


def decisions_on(adapted: AdaptedPlan, offset: int) -> list[Decision]:
    return [d for d in adapted.decisions if d.date == day(offset)]


# ----------------------------------------------------------------- what never changes


def test_sessions_on_or_before_today_are_returned_unchanged() -> None:
    plan = plan_of((0, (heavy(),)), (3, (heavy(),)), (7, (heavy(),)))
    adapted = adapt(plan, did(0, heavy(), pain=8), today=3)
    assert adapted.plan.sessions[:2] == plan.sessions[:2]
    assert adapted.plan.sessions[0] is plan.sessions[0]
    assert adapted.plan.start == plan.start and adapted.plan.weeks == plan.weeks


def test_without_any_log_the_plan_is_kept() -> None:
    plan = plan_of((0, (heavy(),)), (3, (light(),)), (7, (rope(),)))
    adapted = adapt(plan, today=-1)
    assert adapted.plan == plan
    assert adapted.decisions == ()


# ----------------------------------------------------------------- R-PROG-2 double progression


def test_all_sets_at_target_with_low_rpe_climb_two_reps_in_the_light_band() -> None:
    plan = plan_of((0, (light(12),)), (7, (light(12),)))
    adapted = adapt(plan, did(0, light(12), rpe=7, pain=2), today=1)
    new = rx_on(adapted, 7)
    assert new.reps == 14 and new.sets == 3
    assert new.why.startswith("R-PROG-2: All 3 sets reached 12 reps at RPE 7")
    assert [d.action for d in decisions_on(adapted, 7)] == ["progress"]


def test_top_of_the_heavy_band_adds_load_by_next_load_and_returns_to_the_bottom() -> None:
    plan = plan_of((0, (heavy(6, load=20.0),)), (7, (heavy(6, load=20.0),)))
    adapted = adapt(plan, did(0, heavy(6, load=20.0)), today=1)
    new = rx_on(adapted, 7)
    assert new.added_load_kg == rules.next_load(20.0, rules.LOAD_INCREMENT_KG["dumbbell"]) == 21.0
    assert new.reps == rules.HEAVY_REPS.low
    assert new.why.startswith("R-PROG-2: All 4 sets reached 6 reps at RPE 7")
    assert "load goes up 5 % to 21 kg" in new.why
    assert new.tempo == rules.HEAVY_TEMPO  # the scheme's tempo is kept


def test_one_or_two_reps_over_target_still_count_as_reaching_it() -> None:
    plan = plan_of((0, (heavy(5),)), (7, (heavy(5),)))
    adapted = adapt(plan, did(0, heavy(5), amount=7), today=1)
    assert rx_on(adapted, 7).reps == 6  # one step, not a jump to what was done


def test_load_holds_and_a_set_is_added_when_one_increment_is_over_ten_percent() -> None:
    rx = heavy(6, sets=3, load=5.0)
    plan = plan_of((0, (rx,)), (7, (rx,)))
    new = rx_on(adapt(plan, did(0, rx), today=1), 7)
    assert new.added_load_kg == 5.0 and new.sets == 4 and new.reps == 6


def test_the_next_load_starts_from_the_load_actually_lifted() -> None:
    plan = plan_of((0, (heavy(6, load=20.0),)), (7, (heavy(6, load=20.0),)))
    adapted = adapt(plan, did(0, heavy(6, load=20.0), load=30.0), today=1)
    assert rx_on(adapted, 7).added_load_kg == rules.next_load(30.0, 1.0) == 32.0


def test_holds_climb_from_thirty_to_sixty_seconds_then_take_load() -> None:
    plan = plan_of((0, (hold(30),)), (7, (hold(30),)))
    assert rx_on(adapt(plan, did(0, hold(30)), today=1, catalog=False), 7).seconds == 45
    plan = plan_of((0, (hold(60),)), (7, (hold(60),)))
    new = rx_on(adapt(plan, did(0, hold(60)), today=1, catalog=False), 7)
    assert new.seconds == rules.ISO_SECONDS.low
    assert new.added_load_kg == 10.0  # first load: 10 increments of 1 kg (5 % of 70 kg is less)


def test_distance_climbs_from_ten_to_fifteen_feet() -> None:
    plan = plan_of((0, (walk(3.0),)), (7, (walk(3.0),)))
    new = rx_on(adapt(plan, did(0, walk(3.0)), today=1, catalog=False), 7)
    assert new.distance_m == rules.DISTANCE_M[1]


def test_sets_not_all_logged_hold_the_dose() -> None:
    plan = plan_of((0, (light(12),)), (7, (light(12),)))
    adapted = adapt(plan, did(0, light(12), amounts=[12, 12]), today=1)
    assert rx_on(adapted, 7).reps == 12
    assert decisions_on(adapted, 7)[0].action == "hold"


# ----------------------------------------------------------------- R-PROG-6 difficulty, gaps


def test_failed_reps_hold_the_dose() -> None:
    plan = plan_of((0, (heavy(5),)), (7, (heavy(5),)))
    adapted = adapt(plan, did(0, heavy(5), amounts=[5, 5, 4, 3]), today=1)
    new = rx_on(adapted, 7)
    assert (new.reps, new.added_load_kg, new.sets) == (5, 20.0, 4)
    assert decisions_on(adapted, 7)[0].action == "hold"
    assert new.why.startswith("R-PROG-6:")


def test_rpe_nine_holds_the_dose() -> None:
    plan = plan_of((0, (heavy(5),)), (7, (heavy(5),)))
    adapted = adapt(plan, did(0, heavy(5), rpe=9), today=1)
    assert rx_on(adapted, 7).reps == 5
    assert decisions_on(adapted, 7)[0].action == "hold"


def test_two_failed_sessions_in_a_row_regress_one_step() -> None:
    plan = plan_of((0, (heavy(5),)), (3, (heavy(5),)), (7, (heavy(5),)))
    adapted = adapt(plan, did(0, heavy(5), rpe=10), did(3, heavy(5), amounts=[5, 4, 4, 4]), today=4)
    new = rx_on(adapted, 7)
    assert new.added_load_kg == 19.0 and new.reps == 5
    assert decisions_on(adapted, 7)[0].action == "regress"


def test_a_missed_week_restarts_one_step_lower() -> None:
    plan = plan_of((0, (light(12),)), (3, (light(12),)), (7, (light(12),)), (14, (light(12),)))
    adapted = adapt(plan, did(0, light(12)), today=10)
    new = rx_on(adapted, 14)
    assert new.reps == 10
    decision = decisions_on(adapted, 14)[0]
    assert decision.action == "regress" and decision.rule == "R-PROG-6"


def test_sessions_still_ahead_are_not_counted_as_missed() -> None:
    plan = plan_of((0, (light(12),)), (3, (light(12),)), (7, (light(12),)), (14, (light(12),)))
    adapted = adapt(plan, did(0, light(12)), today=1)
    assert rx_on(adapted, 14).reps == 14


# ----------------------------------------------------------------- R-PAIN


def test_pain_above_five_regresses_the_exercise_at_its_next_prescription() -> None:
    plan = plan_of((0, (heavy(5),)), (7, (heavy(5),)))
    adapted = adapt(plan, did(0, heavy(5), pain=6), today=1)
    new = rx_on(adapted, 7)
    assert new.added_load_kg == 19.0
    decision = decisions_on(adapted, 7)[0]
    assert decision.action == "regress" and decision.rule == "R-PAIN-2"
    assert new.why.startswith("R-PAIN-2:")


def test_pain_of_four_or_five_holds_the_dose() -> None:
    plan = plan_of((0, (light(12),)), (7, (light(12),)))
    for pain in (4, 5):
        adapted = adapt(plan, did(0, light(12), pain=pain), today=1)
        assert rx_on(adapted, 7).reps == 12
        assert decisions_on(adapted, 7)[0].action == "hold"


def test_calf_strain_regresses_above_two_out_of_ten() -> None:
    strain = PROFILE.model_copy(update={"complaints": frozenset({"calf_strain"})})
    plan = plan_of((0, (light(12),)), (7, (light(12),)))
    adapted = adapt(plan, did(0, light(12), pain=3), today=1, profile=strain)
    assert rx_on(adapted, 7).reps == 10
    assert decisions_on(adapted, 7)[0].action == "regress"


def test_pain_in_another_scheme_of_the_same_exercise_also_regresses_it() -> None:
    light_sk = light(12, exercise="straight-knee-heel-raise")
    plan = plan_of((0, (heavy(5),)), (3, (light_sk,)), (7, (heavy(5),)))
    adapted = adapt(plan, did(0, heavy(5)), did(3, light_sk, pain=7), today=4)
    assert rx_on(adapted, 7).added_load_kg == 19.0


def test_usual_pain_is_the_median_of_the_last_seven_check_ins_before_the_date() -> None:
    checkins = [
        CheckIn(day(i), pain=p, stiffness=0) for i, p in enumerate([9, 1, 1, 2, 2, 3, 3, 4])
    ]
    assert usual_pain(checkins, day(8)) == 2.0
    assert usual_pain(checkins, day(1)) == 9.0
    assert usual_pain(checkins, day(0)) is None


def test_morning_pain_two_above_usual_reduces_the_next_session_only() -> None:
    plan = plan_of((0, (light(12),)), (3, (light(12),)), (7, (light(12),)))
    checkins = tuple(CheckIn(day(-7 + i), pain=1, stiffness=0) for i in range(7)) + (
        CheckIn(day(1), pain=3, stiffness=2),
    )
    adapted = adapt(plan, did(0, light(12)), today=1, checkins=checkins)
    reduced = rx_on(adapted, 3)
    assert reduced.reps == 11  # 14 after progressing, then 15 % less
    assert any(d.action == "reduce" and d.rule == "R-PAIN-2" for d in decisions_on(adapted, 3))
    assert "R-PAIN-2" in reduced.why
    assert rx_on(adapted, 7).reps == 14


def test_a_small_morning_rise_changes_nothing() -> None:
    plan = plan_of((0, (light(12),)), (3, (light(12),)))
    checkins = tuple(CheckIn(day(-7 + i), pain=1, stiffness=0) for i in range(7)) + (
        CheckIn(day(1), pain=2, stiffness=2),
    )
    adapted = adapt(plan, did(0, light(12)), today=1, checkins=checkins)
    assert all(d.action != "reduce" for d in adapted.decisions)


# ----------------------------------------------------------------- R-PROG-3 soleus ladder


def test_soleus_ladder_moves_on_after_the_top_dose_at_low_pain() -> None:
    plan = plan_of((0, (hold(60),)), (7, (hold(60),)))
    adapted = adapt(plan, did(0, hold(60), pain=3), today=1)
    new = rx_on(adapted, 7)
    assert new.exercise == "tip-toe-walking"
    assert new.distance_m == rules.DISTANCE_M[0] and new.sets == rules.ISO_SETS
    assert new.why.startswith("R-PROG-3:")
    assert decisions_on(adapted, 7)[0].rule == "R-PROG-3"


def test_soleus_ladder_waits_when_pain_was_above_three() -> None:
    plan = plan_of((0, (hold(60),)), (7, (hold(60),)))
    adapted = adapt(plan, did(0, hold(60), pain=4), today=1)
    assert rx_on(adapted, 7).exercise == "soleus-wall-sit"


def test_soleus_ladder_without_a_leg_press_loads_the_standing_raise() -> None:
    raise_ = light(20, exercise="bent-knee-heel-raise")
    plan = plan_of((0, (raise_,)), (7, (raise_,)))
    new = rx_on(adapt(plan, did(0, raise_), today=1), 7)
    assert new.exercise == "bent-knee-heel-raise"
    assert new.added_load_kg == 10.0 and new.reps == rules.LIGHT_REPS.low


def test_soleus_ladder_with_a_leg_press_moves_to_the_leg_press() -> None:
    gym = PROFILE.model_copy(update={"equipment": PROFILE.equipment | {"leg_press"}})
    raise_ = light(20, exercise="bent-knee-heel-raise")
    plan = plan_of((0, (raise_,)), (7, (raise_,)))
    new = rx_on(adapt(plan, did(0, raise_), today=1, profile=gym), 7)
    assert new.exercise == "bent-knee-heel-raise-leg-press"
    assert new.scheme == "light" and rules.LIGHT_REPS.low <= (new.reps or 0)


def test_pain_on_a_ladder_step_goes_back_to_its_first_regression() -> None:
    plan = plan_of((0, (walk(4.5),)), (7, (walk(4.5),)))
    adapted = adapt(plan, did(0, walk(4.5), pain=7), today=1)
    new = rx_on(adapted, 7)
    assert new.exercise == "soleus-wall-sit" and new.seconds == rules.ISO_SECONDS.low
    assert decisions_on(adapted, 7)[0].action == "regress"


# ----------------------------------------------------------------- R-PROG-4 plyometrics


def test_plyometric_contacts_rise_at_most_twenty_once_a_week() -> None:
    plan = plan_of((0, (rope(20),)), (3, (rope(20),)), (7, (rope(20),)))
    adapted = adapt(plan, did(0, rope(20)), today=1)
    same_week = rx_on(adapted, 3)
    assert same_week.contacts * same_week.sets == 60  # type: ignore[operator]
    assert decisions_on(adapted, 3)[0].action == "hold"
    next_week = rx_on(adapted, 7)
    assert next_week.contacts * next_week.sets <= 60 + rules.PLYO_WEEKLY_STEP  # type: ignore[operator]
    assert next_week.contacts * next_week.sets > 60  # type: ignore[operator]


def test_plyometric_contacts_stop_at_the_level_ceiling() -> None:
    big = rope(30, sets=4)  # 120: the intermediate ceiling
    plan = plan_of((0, (big,)), (7, (big,)))
    new = rx_on(adapt(plan, did(0, big), today=1), 7)
    assert new.contacts * new.sets <= rules.PLYO_CEILING["intermediate"]  # type: ignore[operator]


def test_a_planned_jump_above_twenty_contacts_is_capped() -> None:
    plan = plan_of((0, (rope(20),)), (7, (rope(40),)))
    adapted = adapt(plan, today=1)
    new = rx_on(adapted, 7)
    assert new.contacts * new.sets <= 60 + rules.PLYO_WEEKLY_STEP  # type: ignore[operator]
    assert "R-PROG-4" in new.why


def achilles_plan() -> Plan:
    return plan_of((0, (light(15),)), (7, (rope(20), light(15))), (14, (rope(20), light(15))))


ACHILLES = PROFILE.model_copy(update={"complaints": frozenset({"achilles"})})


def test_achilles_complaint_holds_plyometrics_until_three_by_fifteen_is_logged() -> None:
    adapted = adapt(achilles_plan(), today=-1, profile=ACHILLES)
    for offset in (7, 14):
        session = next(s for s in adapted.plan.sessions if s.date == day(offset))
        assert all(rx.scheme != "plyometric" for rx in session.exercises)
        stop = [d for d in decisions_on(adapted, offset) if d.action == "stop"]
        assert stop and stop[0].rule == "R-PAIN-3" and "3x15" in stop[0].message
    assert any(w.rule == "R-PAIN-3" for w in adapted.plan.warnings)


def test_three_by_fifteen_at_pain_three_clears_plyometrics_for_later_sessions() -> None:
    adapted = adapt(achilles_plan(), did(0, light(15), pain=3), today=1, profile=ACHILLES)
    session = next(s for s in adapted.plan.sessions if s.date == day(7))
    plyo = [rx for rx in session.exercises if rx.scheme == "plyometric"]
    assert plyo and plyo[0].contacts * plyo[0].sets <= rules.PLYO_START["intermediate"]  # type: ignore[operator]


def test_three_by_fifteen_at_pain_four_does_not_clear_plyometrics() -> None:
    adapted = adapt(achilles_plan(), did(0, light(15), pain=4), today=1, profile=ACHILLES)
    session = next(s for s in adapted.plan.sessions if s.date == day(7))
    assert all(rx.scheme != "plyometric" for rx in session.exercises)


def test_calf_strain_clearance_needs_pain_of_two_or_less() -> None:
    strain = PROFILE.model_copy(update={"complaints": frozenset({"calf_strain"})})
    blocked = adapt(achilles_plan(), did(0, light(15), pain=3), today=1, profile=strain)
    assert all(d.rule == "R-PAIN-4" for d in decisions_on(blocked, 7) if d.action == "stop")
    assert any(d.action == "stop" for d in decisions_on(blocked, 7))
    cleared = adapt(achilles_plan(), did(0, light(15), pain=2), today=1, profile=strain)
    assert not any(d.action == "stop" for d in decisions_on(cleared, 7))


# ----------------------------------------------------------------- R-PROG-5 lighter weeks


def test_a_lighter_week_keeps_its_reduction_relative_to_the_new_dose() -> None:
    plan = plan_of((0, (heavy(5),)), (21, (heavy(5),)), deload_weeks={4})
    adapted = adapt(plan, did(0, heavy(5)), today=1)
    new = rx_on(adapted, 21)
    assert new.added_load_kg == 20.0  # load kept
    assert new.sets * new.reps < 4 * 6  # type: ignore[operator]
    assert rules.HEAVY_SETS.low <= new.sets and rules.HEAVY_REPS.low <= (new.reps or 0)
    assert "R-PROG-5" in new.why


def test_a_lighter_week_exposure_is_not_the_base_of_the_next_dose() -> None:
    plan = plan_of(
        (0, (heavy(5),)),
        (21, (replace(heavy(5), sets=3, reps=3),)),
        (28, (heavy(5),)),
        deload_weeks={4},
    )
    light_week = replace(heavy(5), sets=3, reps=3)
    adapted = adapt(plan, did(0, heavy(5)), did(21, light_week), today=22)
    assert rx_on(adapted, 28).reps == 6  # progressed from day 0's 4x5, not from 3x3


# ----------------------------------------------------------------- explanations


def test_every_decision_names_its_rule_and_every_changed_why_begins_with_it() -> None:
    plan = plan_of((0, (heavy(5), light(12))), (7, (heavy(5), light(12))))
    adapted = adapt(plan, did(0, heavy(5), pain=6), did(0, light(12)), today=1)
    for decision in adapted.decisions:
        assert decision.rule.startswith("R-") and decision.message
    for rx in rx_on(adapted, 7, 0), rx_on(adapted, 7, 1):
        assert rx.why.startswith(rx.rule + ":")


def test_without_a_catalog_the_engine_still_adapts_doses() -> None:
    plan = plan_of((0, (heavy(6),)), (7, (heavy(6),)))
    new = rx_on(adapt(plan, did(0, heavy(6)), today=1, catalog=False), 7)
    assert new.added_load_kg == 21.0
