"""The one dosing model (core/dosing.py) against the rule sheet v2: scheme bands and rungs
(R-SCH-1/2/4, R-PROG-2), first doses, the step up driven by logged amounts (R-PROG-6), load
steps and increments (R-PROG-2, R-PROG-7), the step down, lighter weeks (R-PROG-5), set cuts
(R-PAIN-5), plyometric bouts and volumes (R-SCH-3a, R-SCHED-8, R-PROG-4) and the load-finding
ramp (R-PROG-1a). The expected numbers are read from the rule sheet, not from the code.

Hypothesis: ``HYPOTHESIS_PROFILE=ci`` runs the full example counts, anything else (dev) a few.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from tests.strategies import examples as shared_examples

from calfcoach.catalog import load_catalog
from calfcoach.core import dosing, rules
from calfcoach.core.dosing import Dose
from calfcoach.core.models import EQUIPMENT, LEVELS, Profile


def examples(ci: int, dev: int = 25) -> settings:
    """This file's default dev count on the shared profile switch (tests/strategies.py)."""
    return shared_examples(ci, dev)


CATALOG = load_catalog()
EXERCISES = tuple(CATALOG)
PLYOS = tuple(e for e in EXERCISES if e.unit == "contacts")
HEAVY_EXERCISES = tuple(e for e in EXERCISES if "heavy" in e.schemes)
MACHINE_EXERCISES = tuple(e for e in EXERCISES if dosing.is_machine(e))
STANDING_LOADABLE = tuple(
    e
    for e in EXERCISES
    if not dosing.is_machine(e) and set(e.load_with) & set(rules.LOAD_INCREMENT_KG)
)
INCREMENTS = sorted(set(rules.LOAD_INCREMENT_KG.values()))

# (scheme, unit) pairs with an R-SCH band, and the rule's limits: (amount low, amount high,
# sets low, sets high).
BANDED = {
    ("light", "reps"): (8, 20, 2, 3),  # R-SCH-1
    ("heavy", "reps"): (3, 6, 3, 6),  # R-SCH-2
    ("isometric", "seconds"): (30, 60, 3, 3),  # R-SCH-4
    ("light", "seconds"): (1, 60, 2, 3),  # R-SCH-1: up to one minute of work
    ("isometric", "distance_m"): (3.0, 4.5, 3, 3),  # R-PROG-2: 10 ft -> 15 ft
    ("light", "distance_m"): (3.0, 4.5, 2, 3),
}

loads = st.integers(1, 600).map(lambda x: x / 2)  # 0.5-300 kg in half kilos
increments = st.sampled_from(INCREMENTS)


@st.composite
def banded_doses(draw: st.DrawFn, *, loaded: bool | None = None) -> tuple[Dose, str]:
    """A dose on a rung of its band, with sets inside the band (optionally loaded)."""
    scheme, unit = draw(st.sampled_from(sorted(BANDED)))
    b = dosing.band(scheme, unit)  # type: ignore[arg-type]
    load: float | None
    if loaded is None:
        load = draw(st.none() | loads)
    else:
        load = draw(loads) if loaded else None
    dose = Dose(
        draw(st.integers(b.sets[0], b.sets[1])),
        draw(st.sampled_from(b.rungs)),
        unit,  # type: ignore[arg-type]
        load,
    )
    return dose, scheme


def volume(d: Dose) -> float:
    return d.sets * d.amount


# ------------------------------------------------------------------ bands and rungs


@pytest.mark.parametrize(("scheme", "unit"), sorted(BANDED))
def test_every_band_rung_and_set_count_is_inside_its_scheme_range_R_SCH_1_R_SCH_2_R_SCH_4(
    scheme: str, unit: str
) -> None:
    low, high, sets_low, sets_high = BANDED[(scheme, unit)]
    b = dosing.band(scheme, unit)  # type: ignore[arg-type]
    assert b.rungs, f"{scheme} in {unit} has a band"
    assert list(b.rungs) == sorted(set(b.rungs)), "rungs climb"
    assert all(low <= r <= high for r in b.rungs)
    assert (sets_low, sets_high) == b.sets


def test_heavy_rungs_never_leave_3_to_6_reps_and_light_rungs_reach_the_top_of_8_to_20_R_SCH_2() -> (
    None
):
    heavy = dosing.band("heavy", "reps")
    light = dosing.band("light", "reps")
    assert heavy.low >= rules.HEAVY_REPS.low and heavy.top <= rules.HEAVY_REPS.high
    assert light.top == rules.LIGHT_REPS.high  # double progression climbs to the top (R-PROG-2)


def test_holds_climb_from_30_to_60_seconds_R_PROG_2() -> None:
    holds = dosing.band("isometric", "seconds")
    assert (holds.low, holds.top) == (30, 60)


@pytest.mark.parametrize("scheme", ["rehab", "plyometric"])
def test_protocol_and_plyometric_doses_have_no_band_R_PAIN_5_R_SCH_3(scheme: str) -> None:
    # A protocol's own sets and reps take precedence over the scheme bands (R-PAIN-5);
    # plyometrics are dosed in contacts (R-SCH-3).
    for unit in ("reps", "seconds", "distance_m", "contacts"):
        assert dosing.band(scheme, unit).rungs == ()  # type: ignore[arg-type]


# ------------------------------------------------------------------ first doses


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("ex", HEAVY_EXERCISES, ids=lambda e: e.id)
def test_a_first_heavy_dose_is_3_to_6_sets_of_3_to_6_reps_starting_at_body_weight_R_SCH_2_R_PROG_1a(
    ex, level
) -> None:
    d = dosing.first_dose(ex, "heavy", level)
    assert rules.HEAVY_SETS.low <= d.sets <= rules.HEAVY_SETS.high
    assert rules.HEAVY_REPS.low <= d.amount <= rules.HEAVY_REPS.high
    assert d.load == 0.0  # the ramp starts from body weight (the load is found, not guessed)
    assert not d.fixed


@pytest.mark.parametrize("level", LEVELS)
def test_a_first_light_dose_is_inside_8_to_20_reps_and_2_to_3_sets_R_SCH_1(level) -> None:
    ex = CATALOG.get("straight-knee-heel-raise")
    d = dosing.first_dose(ex, "light", level)
    assert rules.LIGHT_REPS.low <= d.amount <= rules.LIGHT_REPS.high
    assert rules.LIGHT_SETS.low <= d.sets <= rules.LIGHT_SETS.high
    assert d.load is None


def test_a_novice_starts_at_the_bottom_of_the_light_range_and_others_no_lower_R_PROG_3() -> None:
    ex = CATALOG.get("straight-knee-heel-raise")
    novice = dosing.first_dose(ex, "light", "novice")
    assert novice.amount == dosing.band("light", "reps").low
    for level in ("intermediate", "advanced"):
        assert volume(dosing.first_dose(ex, "light", level)) >= volume(novice)


@pytest.mark.parametrize("level", LEVELS)
def test_a_first_hold_is_3_x_30_s_the_bottom_of_the_hold_range_R_SCH_4(level) -> None:
    d = dosing.first_dose(CATALOG.get("soleus-wall-sit"), "isometric", level)
    assert (d.sets, d.amount, d.unit) == (3, 30, "seconds")


def test_a_first_tip_toe_walk_is_3_x_3_m_the_10_ft_start_R_PROG_2() -> None:
    d = dosing.first_dose(CATALOG.get("tip-toe-walking"), "isometric", "novice")
    assert (d.sets, d.amount, d.unit) == (3, 3.0, "distance_m")


# ------------------------------------------------------------------ step up (R-PROG-2/6)


@examples(300)
@given(banded_doses())
def test_a_step_up_climbs_one_rung_or_at_the_top_adds_load_and_goes_back_down_R_PROG_2(
    case: tuple[Dose, str],
) -> None:
    dose, scheme = case
    assume(dose.load is None or dose.load >= 10)  # 1 kg is a step of 10 % or less
    b = dosing.band(scheme, dose.unit)  # type: ignore[arg-type]
    step = dosing.step_up(dose, scheme, 1.0)  # type: ignore[arg-type]
    new = step.dose
    if dose.amount < b.top:
        i = b.rungs.index(dose.amount)
        assert (new.amount, new.sets, new.load) == (b.rungs[i + 1], dose.sets, dose.load)
    else:
        assert new.load is not None and new.load > (dose.load or 0.0)
        assert new.amount == b.low
        assert new.sets == dose.sets


def test_logged_reps_over_the_plan_drive_the_next_rung_R_PROG_6() -> None:
    # 3 x 10 light was planned, 13 were done in every set: the next dose is the rung above 13.
    step = dosing.step_up(Dose(3, 10.0, "reps"), "light", None, logged=13.0)
    assert step.dose.amount == 15
    assert step.moved


def test_six_reps_logged_on_a_planned_heavy_four_is_a_load_step_not_a_rep_R_PROG_6() -> None:
    # Issue 6: "6 reps at RPE 6 were logged where 4 were planned; the next session is 'reps go
    # up from 4 to 5', same load". The logged 6 is the top of 3-6: load goes up.
    step = dosing.step_up(Dose(4, 4.0, "reps", 20.0), "heavy", 1.0, logged=6.0)
    assert step.dose.load is not None and 20.0 * 1.02 <= step.dose.load <= 20.0 * 1.10
    assert step.dose.amount == dosing.band("heavy", "reps").low


def test_reps_logged_over_the_top_of_the_band_count_as_the_top_R_PROG_6() -> None:
    # Issue 6: 20 reps logged on a light 3 x 12 gave 3 x 14. Over the top is the top: load.
    step = dosing.step_up(Dose(3, 12.0, "reps", 10.0), "light", 1.0, logged=25.0)
    assert step.dose.load == 11.0
    assert step.dose.amount == dosing.band("light", "reps").low


@examples(300)
@given(banded_doses(), st.floats(0, 40, allow_nan=False))
def test_the_next_dose_is_never_below_what_was_logged_unless_load_was_added_R_PROG_6(
    case: tuple[Dose, str], logged: float
) -> None:
    dose, scheme = case
    assume(dose.load is None or dose.load >= 10)  # a load step is possible (R-PROG-7 aside)
    b = dosing.band(scheme, dose.unit)  # type: ignore[arg-type]
    step = dosing.step_up(dose, scheme, 1.0, logged=logged)  # type: ignore[arg-type]
    new = step.dose
    if new.load != dose.load:
        assert new.load is not None and new.load > (dose.load or 0.0)
        return
    assert new.amount >= min(max(logged, dose.amount), b.top) - 1e-9
    assert new.amount > dose.amount or new.sets > dose.sets or not step.moved


def test_at_the_top_without_load_equipment_a_set_is_added_then_the_dose_holds_R_PROG_1() -> None:
    dose = Dose(2, 20.0, "reps")
    first = dosing.step_up(dose, "light", None)
    assert (first.dose.sets, first.dose.amount, first.moved) == (3, 20.0, True)
    last = dosing.step_up(first.dose, "light", None)
    assert last.dose == first.dose and not last.moved


# ------------------------------------------------------------------ load steps (R-PROG-2/7)


@examples(500, 60)
@given(loads, increments)
def test_a_load_step_is_2_to_10_percent_in_whole_increments_R_PROG_2_R_PROG_7(
    load: float, inc: float
) -> None:
    new = dosing.load_step(load, inc)
    if inc > load * rules.LOAD_STEP_MAX + 1e-9:
        assert new is None  # the smallest step is more than 10 %: reps climb first (R-PROG-7)
        return
    assert new is not None
    added = new - load
    assert rules.LOAD_STEP_MIN * load - 1e-9 <= added <= rules.LOAD_STEP_MAX * load + 1e-9
    assert math.isclose(added / inc, round(added / inc), abs_tol=1e-6)


@pytest.mark.parametrize("inc", INCREMENTS)
def test_the_first_load_on_body_weight_is_one_increment_R_PROG_1(inc: float) -> None:
    assert dosing.load_step(0.0, inc) == inc


def test_a_fixed_prescription_steps_load_at_target_plus_2_R_PROG_2() -> None:
    # 3 x 12RM with 20 kg dumbbells: 1 kg is 5 % of the load, so the top is 12 + 2.
    assert dosing.top_of(Dose(3, 12.0, "reps", 20.0, True), "rehab", 1.0) == 14


def test_with_an_increment_over_10_percent_reps_climb_to_target_plus_4_R_PROG_7() -> None:
    # 3 x 12RM on a leg press at 20 kg: the 5 kg step is 25 % of the load: top 12 + 4.
    assert dosing.top_of(Dose(3, 12.0, "reps", 20.0, True), "rehab", 5.0) == 16
    # At exactly 10 % the ordinary target + 2 stands.
    assert dosing.top_of(Dose(3, 12.0, "reps", 50.0, True), "rehab", 5.0) == 14


def test_a_banded_dose_tops_out_at_the_top_of_its_range_R_PROG_2() -> None:
    assert dosing.top_of(Dose(3, 12.0, "reps", 10.0), "light", 1.0) == 20


@pytest.mark.parametrize(("load", "inc"), [(20.0, 5.0), (5.0, 1.0), (15.0, 2.5)])
def test_reaching_target_plus_4_on_a_coarse_increment_gives_the_load_step_R_PROG_7(
    load: float, inc: float
) -> None:
    dose = Dose(3, 12.0, "reps", load, True)
    assert dosing.top_of(dose, "rehab", inc) == 16
    step = dosing.step_up(dose, "rehab", inc)
    assert step.moved
    assert step.dose.load == load + inc


def test_heavy_work_on_a_machine_with_a_coarse_increment_still_gets_its_load_step_R_PROG_7() -> (
    None
):
    # 20 kg is where a 70 kg athlete's seated calf machine ramp starts (R-PROG-1a): common.
    dose = Dose(4, 4.0, "reps", 20.0)
    for _ in range(12):  # every session logged at the top of the range
        dose = dosing.step_up(dose, "heavy", 5.0, logged=6.0).dose
        if dose.load != 20.0:
            break
    assert dose.load == 25.0


# ------------------------------------------------------------------ step down


@examples(300)
@given(banded_doses())
def test_a_step_down_lowers_one_thing_and_never_leaves_the_band_R_PROG_6(
    case: tuple[Dose, str],
) -> None:
    dose, scheme = case
    b = dosing.band(scheme, dose.unit)  # type: ignore[arg-type]
    step = dosing.step_down(dose, scheme, 1.0)  # type: ignore[arg-type]
    new = step.dose
    assert new.sets >= b.sets[0]
    assert new.amount >= b.low
    assert new.sets <= dose.sets and new.amount <= dose.amount
    if dose.load:
        # Loaded: the load comes down (or off), the sets and reps stay.
        assert (new.sets, new.amount) == (dose.sets, dose.amount)
        assert new.load is None or 0 < new.load < dose.load
    else:
        assert new.load == dose.load
        lower = (new.sets, new.amount) != (dose.sets, dose.amount)
        assert lower == step.moved
        at_floor = dose.sets == b.sets[0] and dose.amount == b.low
        assert step.moved or at_floor


@examples(200)
@given(st.integers(1, 8), st.integers(4, 20), st.booleans())
def test_a_fixed_protocol_dose_steps_down_to_no_fewer_than_2_sets_R_PAIN_5(
    sets: int, reps: int, loaded: bool
) -> None:
    dose = Dose(sets, float(reps), "reps", 12.0 if loaded else None, True)
    new = dosing.step_down(dose, "rehab", 1.0).dose
    assert new.amount == dose.amount  # a protocol's reps are its own (R-PAIN-5)
    assert new.sets >= min(sets, rules.MIN_CUT_SETS)
    if loaded:
        assert new.load is None or new.load < 12.0


@examples(200)
@given(st.integers(1, 300))
def test_plyometrics_step_down_20_contacts_and_never_below_the_50_contact_restart_R_PROG_4(
    total: int,
) -> None:
    new = dosing.step_down(Dose(1, float(total), "contacts"), "plyometric", None).dose
    got = dosing.total_contacts(new)
    assert got >= min(total, rules.PLYO_RESTART_CONTACTS)
    assert total - got <= rules.PLYO_WEEKLY_STEP
    assert got <= total


@examples(300)
@given(st.integers(1, 200), st.none() | increments)
def test_a_load_comes_down_about_5_percent_at_least_one_increment_never_below_zero_R_PROG_6(
    steps: int, inc: float | None
) -> None:
    load = steps * (inc or 1.0)  # loads the athlete's equipment can make
    lighter = dosing.load_down(load, inc)
    step = inc or 1.0
    if lighter is None:
        assert load <= step  # the last increment comes off: body weight
        return
    assert 0 < lighter <= load - step + 1e-9
    assert load - lighter <= max(step, rules.LOAD_STEP_MAX * load) + 1e-9


# ------------------------------------------------------------------ lighter week (R-PROG-5)


@examples(300)
@given(banded_doses())
def test_a_lighter_week_cuts_volume_by_about_40_to_50_percent_inside_the_band_R_PROG_5(
    case: tuple[Dose, str],
) -> None:
    dose, scheme = case
    b = dosing.band(scheme, dose.unit)  # type: ignore[arg-type]
    light = dosing.deload(dose, scheme)  # type: ignore[arg-type]
    assert light.load == dose.load  # "effort eased", load kept
    assert b.sets[0] <= light.sets <= dose.sets
    # A rung, or the band's own floor below the first rung (8 light reps, R-SCH-1; D-21; 3 heavy
    # reps, R-SCH-2; D-171).
    floors = {("light", "reps"): rules.LIGHT_REPS.low, ("heavy", "reps"): rules.HEAVY_REPS.low}
    lowest = float(floors.get((scheme, dose.unit), b.low))
    assert (light.amount in b.rungs or light.amount == lowest) and light.amount <= dose.amount
    floor = b.sets[0] * lowest
    if floor <= 0.65 * volume(dose):
        assert 0.40 <= volume(light) / volume(dose) <= 0.65
    else:  # the band's floor stops the cut: the floor wins
        assert (light.sets, light.amount) == (b.sets[0], lowest)


@examples(100)
@given(st.integers(2, 6), st.integers(4, 20))
def test_a_lighter_week_takes_one_set_off_a_protocol_dose_never_below_2_R_PROG_5_R_PAIN_5(
    sets: int, reps: int
) -> None:
    dose = Dose(sets, float(reps), "reps", 15.0, True)
    light = dosing.deload(dose, "rehab")
    assert (light.amount, light.load) == (dose.amount, dose.load)
    assert light.sets == max(rules.MIN_CUT_SETS, sets - 1)


@examples(100)
@given(st.integers(50, 200))
def test_a_lighter_week_about_halves_the_contacts_R_PROG_5(total: int) -> None:
    light = dosing.total_contacts(dosing.deload(Dose(1, float(total), "contacts"), "plyometric"))
    assert 0.45 * total - 1 <= light <= 0.60 * total + 1


# ------------------------------------------------------------------ set cuts (R-PAIN-5)


@examples(200)
@given(st.integers(1, 8), st.integers(0, 4))
def test_set_cuts_never_go_below_2_sets_R_PAIN_5(sets: int, n: int) -> None:
    dose = Dose(sets, 12.0, "reps", 10.0, True)
    cut = dosing.cut_sets(dose, n)
    assert cut.sets <= sets
    assert cut.sets == max(sets - n, min(sets, rules.MIN_CUT_SETS))
    assert (cut.amount, cut.load) == (dose.amount, dose.load)


@examples(100)
@given(st.integers(2, 8))
def test_set_cuts_of_a_lighter_week_and_a_race_week_do_not_stack_below_2_R_PAIN_5(
    sets: int,
) -> None:
    dose = Dose(sets, 12.0, "reps", 10.0, True)
    twice = dosing.cut_sets(dosing.deload(dose, "rehab"), rules.RACE_REHAB_SET_CUT)
    assert twice.sets >= rules.MIN_CUT_SETS


# ------------------------------------------------------------------ bouts (R-SCH-3a, R-SCHED-8)


@examples(300, 60)
@given(st.sampled_from(PLYOS), st.integers(rules.PLYO_LIGHT_MIN, 200))
def test_every_plyometric_bout_lasts_8_to_30_s_at_the_exercise_cadence_R_SCHED_8(
    ex, total: int
) -> None:
    b = dosing.bouts(total, ex)
    cpm = ex.contacts_per_minute or rules.DEFAULT_CONTACTS_PER_MINUTE
    actual = b.contacts * 60 / cpm
    assert rules.PLYO_BOUT_MIN_S - 0.5 <= actual <= 30
    assert 8 <= b.seconds <= 30
    assert abs(b.seconds - actual) <= 1  # the time shown matches the contacts (R-SCH-3a)
    assert b.sets >= 1


@examples(300, 60)
@given(st.sampled_from([e for e in PLYOS if e.tier == 1]), st.integers(1, 300))
def test_two_foot_bouts_come_in_pairs_of_contacts_R_SCH_3(ex, total: int) -> None:
    assert dosing.bouts(total, ex).contacts % 2 == 0


@examples(300, 60)
@given(st.sampled_from(PLYOS), st.integers(rules.PLYO_LIGHT_MIN, 200))
def test_bouts_add_up_to_about_the_prescribed_contacts_R_SCH_3a(ex, total: int) -> None:
    b = dosing.bouts(total, ex)
    assert abs(b.sets * b.contacts - total) <= 2 * b.sets


@examples(300, 80)
@given(st.sampled_from(PLYOS), st.integers(rules.PLYO_LIGHT_MIN, 200))
def test_bouts_keep_the_prescribed_contacts_in_their_band_R_SCH_3a(ex, total: int) -> None:
    b = dosing.bouts(total, ex)
    assert dosing.plyo_band(b.sets * b.contacts) == dosing.plyo_band(total)


def test_the_default_two_foot_cadence_is_220_contacts_a_minute_R_SCH_3a() -> None:
    assert rules.DEFAULT_CONTACTS_PER_MINUTE == 220


@examples(60, 20)
@given(st.integers(60, 72))
def test_a_light_two_foot_rope_dose_of_about_60_to_75_contacts_is_2_bouts_of_8_to_10_s_R_SCH_3a(
    total: int,
) -> None:
    rope = CATALOG.get("jump-rope")
    b = dosing.bouts(total, rope)
    assert b.sets == 2
    assert 8 <= b.seconds <= 10
    assert 8 - 0.5 <= b.contacts * 60 / (rope.contacts_per_minute or 0) <= 10 + 0.5


@examples(200, 40)
@given(st.integers(rules.PLYO_LIGHT_MIN, 200))
def test_single_leg_hop_bouts_last_at_most_10_s_per_leg_R_SCH_3a(total: int) -> None:
    hops = next(e for e in PLYOS if e.tier >= 2)
    b = dosing.bouts(total, hops)
    assert b.contacts * 60 / (hops.contacts_per_minute or 120) <= 10 + 1e-9


# ------------------------------------------------------------------ plyometric volume (R-PROG-4)


@examples(300)
@given(
    st.integers(0, 300),
    st.sampled_from(LEVELS),
    st.none() | st.integers(rules.PLYO_LIGHT_MIN, 200),
)
def test_contacts_climb_at_most_20_a_session_up_to_the_level_ceiling_and_the_cap_R_PROG_4(
    last: int, level, cap: int | None
) -> None:
    new = dosing.plyo_next(last, level, cap)
    ceiling = rules.PLYO_CEILING[level]
    assert new <= last + rules.PLYO_WEEKLY_STEP
    assert new <= ceiling
    if cap is not None:
        assert new <= cap
    limit = min(ceiling, cap if cap is not None else ceiling)
    assert new >= min(last, limit)  # no silent drop


def test_novices_start_plyometrics_in_the_light_band_and_levels_climb_R_PROG_4() -> None:
    assert rules.PLYO_LIGHT_MIN <= dosing.plyo_start("novice") <= rules.PLYO_LIGHT_MAX
    starts = [dosing.plyo_start(level) for level in LEVELS]
    assert starts == sorted(starts)
    assert all(s <= rules.PLYO_CEILING[level] for s, level in zip(starts, LEVELS, strict=True))


def test_contact_bands_are_light_to_80_moderate_to_140_heavy_above_R_SCH_3a() -> None:
    assert [dosing.plyo_band(n) for n in (50, 80, 81, 140, 141)] == [
        "light",
        "light",
        "moderate",
        "moderate",
        "heavy",
    ]


# ------------------------------------------------------------------ load-finding ramp (R-PROG-1a)


def profile_with(equipment: frozenset, mass: float | None) -> Profile:
    return Profile(
        level="intermediate",
        equipment=equipment,
        free_days=frozenset({"mon", "thu"}),
        body_mass_kg=mass,
    )


masses = st.none() | st.integers(25, 250).map(float)
equipment_sets = st.sets(st.sampled_from(EQUIPMENT)).map(frozenset)


@examples(300, 60)
@given(st.sampled_from(STANDING_LOADABLE), equipment_sets, masses)
def test_a_standing_ramp_starts_at_body_weight_R_PROG_1a(ex, equipment, mass) -> None:
    assert dosing.ramp_start(ex, profile_with(equipment, mass)) == 0.0


@examples(300, 60)
@given(st.sampled_from(MACHINE_EXERCISES), masses)
def test_a_machine_ramp_starts_at_a_quarter_of_body_mass_in_machine_steps_R_PROG_1a(
    ex, mass
) -> None:
    eq = frozenset(ex.equipment)
    start = dosing.ramp_start(ex, profile_with(eq, mass))
    inc = dosing.increment(ex, eq)
    assert inc is not None
    m = mass if mass is not None else rules.ASSUMED_BODY_MASS_KG
    assert math.isclose(start / inc, round(start / inc))
    assert abs(start - 0.25 * m) <= inc / 2 + 1e-9 or start == inc


@examples(300, 60)
@given(st.sampled_from(MACHINE_EXERCISES + STANDING_LOADABLE), equipment_sets, masses)
def test_a_ramp_adds_5_to_10_percent_of_body_mass_a_set_in_whole_increments_R_PROG_1a(
    ex, equipment, mass
) -> None:
    eq = frozenset(equipment) | frozenset(ex.equipment)
    inc = dosing.increment(ex, eq)
    assume(inc is not None)
    assert inc is not None
    step = dosing.ramp_step(ex, profile_with(eq, mass))
    m = mass if mass is not None else rules.ASSUMED_BODY_MASS_KG
    assert math.isclose(step / inc, round(step / inc), abs_tol=1e-6)
    # Some multiple of the increment lies within 5-10 % of body mass: the step is one of them;
    # otherwise the nearest possible (one increment) is used.
    k_low, k_high = math.ceil(0.05 * m / inc - 1e-9), math.floor(0.10 * m / inc + 1e-9)
    if k_low <= k_high:
        assert 0.05 * m - 1e-9 <= step <= 0.10 * m + 1e-9
    else:
        assert step in (k_high * inc, k_low * inc) and step >= inc


def test_machines_are_the_leg_press_and_the_seated_calf_machine_R_PROG_7() -> None:
    for ex in EXERCISES:
        machine = bool({"leg_press", "seated_calf_machine"} & set(ex.equipment))
        assert dosing.is_machine(ex) == machine
        if machine:
            inc = dosing.increment(ex, frozenset(ex.equipment))
            assert inc == rules.LOAD_INCREMENT_KG[dosing.load_equipment(ex, frozenset())]


def test_an_exercise_loaded_only_by_a_band_has_no_kg_increment_R_PROG_7() -> None:
    for ex in EXERCISES:
        if "band" in ex.load_with:
            eq = frozenset({"band"}) | frozenset(ex.equipment)
            inc = dosing.increment(ex, eq)
            assert inc is None or inc in rules.LOAD_INCREMENT_KG.values()


def test_increments_are_the_smallest_step_of_the_athletes_own_equipment_R_PROG_7() -> None:
    ex = CATALOG.get("bent-knee-heel-raise")
    assert dosing.increment(ex, frozenset()) is None
    assert dosing.increment(ex, frozenset({"kettlebell"})) == 2.0
    assert dosing.increment(ex, frozenset({"kettlebell", "dumbbell"})) == 1.0
    assert dosing.increment(ex, frozenset({"barbell"})) == 2.5


# ------------------------------------------------------------------ flare holds (R-PAIN-2b)


def test_a_flare_hold_is_5_x_30_s_and_never_progresses_R_PAIN_2b() -> None:
    hold = dosing.flare_hold()
    assert (hold.sets, hold.amount, hold.unit, hold.load, hold.fixed) == (
        5,
        30.0,
        "seconds",
        None,
        True,
    )
    assert not dosing.step_up(hold, "isometric", None).moved


# ------------------------------------------------------------------ cached steps (D-101)


def test_a_cached_dose_step_never_hands_back_a_number_of_another_type():
    # 10 and 10.0 are equal keys: a cache without the type guard would give the second call
    # the first call's float load, and the plan JSON would show 10.0 for 10.
    as_float = Dose(3, 15.0, "reps", 10.0, True)
    as_int = Dose(3, 15.0, "reps", 10, True)  # type: ignore[arg-type]
    assert type(dosing.deload(as_float, "rehab").load) is float
    assert type(dosing.deload(as_int, "rehab").load) is int
    # A fixed dose with nothing to add holds: the step hands back the dose it was given.
    assert type(dosing.step_up(as_float, "rehab", None).dose.load) is float
    assert type(dosing.step_up(as_int, "rehab", None).dose.load) is int


@given(
    sets=st.integers(1, 6),
    amount=st.sampled_from((4.0, 5.0, 6.0, 8.0, 10.0, 12.0, 15.0, 20.0, 30.0, 45.0, 60.0)),
    unit=st.sampled_from(("reps", "seconds")),
    load=st.one_of(st.none(), st.sampled_from((0.0, 2.5, 10.0, 37.5, 80.0))),
    fixed=st.booleans(),
    scheme=st.sampled_from(("light", "heavy", "isometric", "rehab", "skill")),
    inc=st.one_of(st.none(), st.sampled_from((1.0, 2.5, 5.0))),
    logged=st.one_of(st.none(), st.sampled_from((3.0, 12.0, 25.0))),
)
def test_cached_dose_steps_equal_the_steps_worked_out_afresh(
    sets, amount, unit, load, fixed, scheme, inc, logged
):
    dose = Dose(sets, amount, unit, load, fixed)
    for _ in range(2):  # the second round is served from the cache
        assert dosing.step_up(dose, scheme, inc, logged) == dosing._step_up(
            dose, scheme, inc, logged
        )
        assert dosing.step_down(dose, scheme, inc) == dosing._step_down(dose, scheme, inc)
        assert dosing.deload(dose, scheme, 3) == dosing._deload(dose, scheme, 3)


def test_of_two_protocol_rm_steps_the_one_with_more_reps_is_the_lighter_R_PAIN_2a() -> None:
    # R-PROG-1a: "xRM" means 0-1 reps in reserve, so 12RM asks more than 15RM at the same
    # load; a restart (R-PROG-6) after a clearance's return to 3 x 15RM (R-PAIN-2a) keeps it.
    bottom = Dose(3, 15.0, "reps", None, True)
    done_before = Dose(3, 12.0, "reps", None, True)
    assert dosing.lighter_of(bottom, done_before) == bottom
    assert dosing.lighter_of(done_before, bottom) == bottom
    # The load still comes first, and a band dose reads its reps as before.
    assert dosing.lighter_of(Dose(3, 15.0, "reps", 10.0, True), done_before) == done_before
    assert dosing.lighter_of(Dose(3, 12.0, "reps"), Dose(3, 10.0, "reps")) == Dose(3, 10.0, "reps")
