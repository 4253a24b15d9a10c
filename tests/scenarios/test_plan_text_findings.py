"""A clinician's review of plan text and exercise choice (D-18x): each finding as the
reviewer's own profile and date, asserting what rule sheet v2 requires there."""

from __future__ import annotations

import datetime as dt
import re

from calfcoach.catalog import load_catalog
from calfcoach.core.models import Plan, Prescription, Profile
from calfcoach.core.planner import build_plan
from calfcoach.formats.text import describe_dose, loads_in_units

CATALOG = load_catalog()

R1 = {
    "name": "R1",
    "sex": "female",
    "birth_year": 1961,
    "body_mass_kg": 82.0,
    "level": "advanced",
    "equipment": [
        "wall", "dumbbell", "towel", "weight_vest", "leg_press", "band", "step", "backpack",
        "jump_rope", "kettlebell",
    ],
    "free_days": ["fri", "mon", "sun", "thu", "sat", "wed"],
    "runs": [],
    "races": [
        {"date": "2026-12-29", "distance_km": 15.0},
        {"date": "2027-02-19", "distance_km": 30.0},
    ],
    "complaints": [],
    "units": "imperial",
}  # fmt: skip
INSERTIONAL = {
    "name": "Ins Ertional",
    "sex": "female",
    "birth_year": 1970,
    "body_mass_kg": 65.0,
    "level": "intermediate",
    "equipment": [
        "step", "leg_press", "seated_calf_machine", "dumbbell", "jump_rope", "towel", "band",
    ],
    "free_days": ["mon", "wed", "fri"],
    "runs": [
        {"day": "tue", "kind": "easy"},
        {"day": "thu", "kind": "hard"},
        {"day": "sat", "kind": "long"},
    ],
    "races": [],
    "complaints": ["achilles_insertional"],
    "usual_pain": 3,
    "units": "metric",
}  # fmt: skip
ONE_DAY = {
    "name": "One Day",
    "sex": "male",
    "birth_year": 1992,
    "body_mass_kg": 82.0,
    "level": "intermediate",
    "equipment": ["backpack", "step"],
    "free_days": ["sat"],
    "runs": [{"day": "sun", "kind": "hard"}, {"day": "wed", "kind": "long"}],
    "races": [],
    "complaints": [],
    "units": "imperial",
}
SHIN = {
    "name": "Shin Splint",
    "sex": "female",
    "birth_year": 2000,
    "body_mass_kg": 55.0,
    "level": "intermediate",
    "equipment": ["band", "wall", "step", "dumbbell", "jump_rope"],
    "free_days": ["mon", "wed", "fri"],
    "runs": [{"day": "tue", "kind": "hard"}, {"day": "sun", "kind": "long"}],
    "races": [],
    "complaints": ["shin"],
    "units": "metric",
}


def plan_of(data: dict[str, object], start: dt.date, weeks: int) -> tuple[Profile, Plan]:
    profile = Profile.model_validate(data)
    return profile, build_plan(profile, CATALOG, start, weeks)


def texts(rx: Prescription) -> str:
    return " ".join(r.text for r in rx.reasons)


def test_a_light_block_never_takes_the_leg_press_and_machines_carry_a_load_R_SCH_6_R_PROG_1a():
    _, plan = plan_of(R1, dt.date(2026, 12, 12), 8)
    sunday = next(s for s in plan.sessions if s.date == dt.date(2027, 1, 17))
    calf = sunday.exercises[0]
    # The ladder's light top stays the single-leg standing raise (it had reached 3 x 20 each
    # side): no unloaded two-leg press, no claim of heavier loading in light work (R-WHY).
    assert calf.exercise == "bent-knee-heel-raise"
    assert calf.scheme == "light" and calf.per_side
    assert "loaded more heavily" not in texts(calf)
    for s in plan.sessions:
        for rx in s.exercises:
            if CATALOG.get(rx.exercise).machine:
                assert rx.scheme != "light", (s.date, rx.exercise)
                assert rx.added_load_kg, (s.date, rx.exercise)  # R-SCH-6, R-PROG-1a


def test_insertional_achilles_is_not_given_the_mid_portion_trial_as_its_reason_R_WHY_R_PAIN_5():
    _, plan = plan_of(INSERTIONAL, dt.date(2026, 12, 7), 4)
    said = [texts(rx) for s in plan.sessions for rx in s.exercises]
    assert not any("helped" in t and "Beyer" in t for t in said)
    first = plan.sessions[0].exercises[0]
    assert "studied mid-portion tendinopathy only" in texts(first)
    assert "no drop below floor level" in texts(first)


def test_mid_portion_achilles_keeps_the_heavy_slow_resistance_trial_once_a_session_R_PAIN_3():
    data = {**INSERTIONAL, "complaints": ["achilles"]}
    _, plan = plan_of(data, dt.date(2026, 12, 7), 2)
    for s in plan.sessions:
        cited = [rx for rx in s.exercises if "helped mid-portion Achilles" in texts(rx)]
        assert len(cited) == 1, s.date


def test_an_imperial_athlete_reads_feet_in_a_distance_step_as_on_the_dose_line_R_WHY():
    profile, plan = plan_of(ONE_DAY, dt.date(2026, 12, 7), 4)
    week3 = [s for s in plan.sessions if s.week == 3]
    walk = next(rx for s in week3 for rx in s.exercises if rx.exercise == "tip-toe-walking")
    assert describe_dose(walk, "imperial").startswith("3 x 15 ft")
    why = loads_in_units(walk.why, profile.units)
    assert "from 10 ft to 15 ft" in why
    assert not re.search(r"\d m\b", why), why
    # A metric athlete reads metres only, the seeds' feet included.
    metric = loads_in_units(walk.why, "metric")
    assert "from 3 m to 4.5 m" in metric and " ft" not in metric


def test_a_load_finding_reason_offers_no_more_ramp_sets_than_the_block_holds_R_PROG_1a():
    _, plan = plan_of(SHIN, dt.date(2026, 12, 7), 2)
    wed = plan.sessions[0]
    heavy = next(rx for rx in wed.exercises if rx.scheme == "heavy")
    assert heavy.sets == 3 and heavy.reps == 4
    assert "up to 3 ramp sets" in texts(heavy) and "up to 3 ramp sets" in heavy.why
    assert "up to 4 ramp sets" not in heavy.why


def test_the_smallest_load_step_is_named_as_such_not_as_a_100_percent_jump_R_PROG_2_R_PROG_7():
    _, plan = plan_of(SHIN, dt.date(2026, 12, 7), 8)
    week7 = next(s for s in plan.sessions if s.date == dt.date(2027, 1, 20))
    soleus = next(rx for rx in week7.exercises if rx.exercise == "bent-knee-heel-raise")
    assert soleus.added_load_kg == 2.0  # body weight + 2 kg: +1 kg is about 2 % of the load
    assert "load goes up by the smallest step, +1 kg, to 2 kg" in texts(soleus)
    assert "100 %" not in texts(soleus)
