"""What one session holds, as properties over many random plans built from a profile alone:
the session shape of R-SCHED-8 (v2), the scheme bands and what every prescription names
(R-SCH-1..6, R-SCH-2a, R-SCH-3a, R-PROG-1a), and titles that name what the session holds."""

from __future__ import annotations

import datetime as dt
import math
import re

from hypothesis import given
from tests.strategies import (
    CATALOG,
    calf_blocks,
    examples,
    in_taper,
    is_protocol,
    is_ramp,
    plan_requests,
    planned,
    session_contacts,
    title_parts,
    titled_names,
)

from calfcoach.core import rules
from calfcoach.core.models import Plan, Prescription, Profile
from calfcoach.core.planner import build_plan

MANY = examples(200, 40)
UNIT_FIELD = {
    "reps": "reps",
    "seconds": "seconds",
    "distance": "distance_m",
    "contacts": "contacts",
}
REP_SECONDS = 3  # D-11: a rep takes about 3 s where no tempo is given


def dosed_as(rx: Prescription) -> str:
    """The scheme whose band a block is read against: its own, except a calf-strain ladder
    step 1-3, a `rehab` block (R-PAIN-5) dosed as its exercise's isometric holds or light
    raises (R-PAIN-4's top doses); `rehab` below means a protocol's RM dose."""
    steps = CATALOG.get(rx.exercise).steps
    if rx.scheme == "rehab" and steps.get(rules.CALF_STRAIN_LADDER, 4) < 4:
        return "isometric" if rx.seconds is not None or rx.distance_m is not None else "light"
    return rx.scheme


def make(req: tuple[Profile, dt.date, int]) -> tuple[Profile, Plan]:
    profile, start, weeks = req
    return profile, build_plan(profile, CATALOG, start, weeks)


def tempo_seconds(tempo: str | None) -> int:
    """ "3 s up, 2 s hold, 3 s down" -> 8."""
    return sum(int(x) for x in re.findall(r"(\d+) s", tempo or "")) or REP_SECONDS


def seconds_under_load(rx: Prescription) -> int:
    """Per side, over the block's working sets."""
    if rx.reps is not None:
        return rx.sets * rx.reps * tempo_seconds(rx.tempo)
    if rx.seconds is not None and rx.scheme != "plyometric":
        return rx.sets * rx.seconds
    return 0


def is_extra(rx: Prescription) -> bool:
    """A short coverage extra (D-10): at most 2 sets, not a protocol block."""
    return rx.sets <= 2 and not is_protocol(rx)


def real_work(rx: Prescription, cut_week: bool = False) -> bool:
    """R-SCHED-8: at least 3 working sets and 60 s under load per side, or 50+ contacts."""
    if rx.scheme == "plyometric":
        return rx.sets * (rx.contacts or 0) >= rules.MAIN_BLOCK_MIN_CONTACTS
    # R-PAIN-5: a protocol's set cut (lighter week, race week) may go down to 2 sets
    cut = is_protocol(rx) and (
        cut_week or any(r.rule in ("R-PROG-5", "R-SCHED-4a") for r in rx.reasons)
    )
    least = rules.MIN_CUT_SETS if cut else rules.MAIN_BLOCK_MIN_SETS
    return rx.sets >= least and seconds_under_load(rx) >= rules.MAIN_BLOCK_MIN_SECONDS


# ------------------------------------------------------------------ R-SCHED-8 shape


@MANY
@given(plan_requests())
def test_no_exercise_appears_twice_in_a_session_R_SCHED_8(req):
    _, plan = make(req)
    for s in plan.sessions:
        ids = [rx.exercise for rx in s.exercises]
        assert len(ids) == len(set(ids)), ids


@MANY
@given(plan_requests())
def test_a_session_holds_one_heavy_calf_block_or_a_protocol_block_never_both_R_SCHED_8(req):
    _, plan = make(req)
    for s in plan.sessions:
        heavy = [rx for rx in calf_blocks(s) if rx.scheme == "heavy"]
        protocol = [rx for rx in s.exercises if is_protocol(rx)]
        titled = [rx for rx in heavy if CATALOG.get(rx.exercise).name.lower() in s.title.lower()]
        others = [rx for rx in heavy if rx not in titled]
        # a second heavy block as a coverage extra (D-10): the xfail example below
        assert len(titled) <= 1 and len(heavy) <= 2, [rx.exercise for rx in heavy]
        assert all(rx.reasons for rx in others)
        assert not (heavy and protocol), ([rx.exercise for rx in heavy], protocol)


@MANY
@given(plan_requests())
def test_every_session_has_a_main_block_of_real_work_R_SCHED_8(req):
    # 3+ working sets and 60 s under load per side, or 50+ contacts; a tip-toe walk is a
    # finisher, never the session's only calf work.
    profile, plan = make(req)
    for s in planned(plan):
        calf = calf_blocks(s)
        walk = any(rx.distance_m is not None for rx in calf)  # xfail example below
        if not calf or walk:
            continue  # a main block that inherits an extra's 2 sets: the xfail example below
        if s.deload:
            continue  # D-24: a lighter week cuts below R-SCHED-8's minimum
        cut_week = in_taper(profile, s.date)
        assert any(real_work(rx, cut_week) for rx in calf), [
            (rx.exercise, rx.sets, rx.reps, rx.seconds, rx.contacts, rx.tempo) for rx in calf
        ]
        walks = [rx for rx in calf if rx.distance_m is not None]
        if profile.session_minutes > 15:  # a tight budget: the xfail example below
            assert not walks or len(calf) > len(walks), [rx.exercise for rx in calf]
        if profile.session_minutes > 20:
            assert not walks or any(real_work(rx) for rx in calf if rx not in walks), calf


@MANY
@given(plan_requests())
def test_doses_are_in_units_a_person_can_do_never_one_rep_R_SCHED_8(req):
    _, plan = make(req)
    for s in plan.sessions:
        for rx in s.exercises:
            assert rx.reps is None or rx.reps >= 2, rx
            ex = CATALOG.get(rx.exercise)
            if ex.unit != "reps":
                assert rx.reps is None, (rx.exercise, ex.unit, rx.reps)


@MANY
@given(plan_requests())
def test_plyometric_bouts_last_8_to_30_s_and_show_contacts_and_time_R_SCH_3a(req):
    _, plan = make(req)
    for s in plan.sessions:
        for rx in s.exercises:
            if rx.scheme != "plyometric":
                continue
            ex = CATALOG.get(rx.exercise)
            assert rx.contacts and rx.contacts > 0 and rx.per_side is False, rx
            assert rx.seconds is not None, "contacts and the equivalent time (R-SCH-3a)"
            assert rules.PLYO_BOUT_MIN_S <= rx.seconds <= 30, rx
            if ex.contacts_per_minute:
                shown = rx.contacts * 60 / ex.contacts_per_minute
                assert abs(rx.seconds - max(rules.PLYO_BOUT_MIN_S, shown)) <= 1, (rx, shown)


@MANY
@given(plan_requests())
def test_a_light_two_foot_dose_is_bouts_of_8_to_10_seconds_R_SCH_3a(req):
    _, plan = make(req)
    for s in plan.sessions:
        if not 0 < session_contacts(s) <= rules.PLYO_LIGHT_MAX:
            continue
        for rx in s.exercises:
            ex = CATALOG.get(rx.exercise)
            if rx.scheme == "plyometric" and ex.tier == 1 and "jump_rope" in ex.equipment:
                total = session_contacts(s)
                if total >= 60:  # "2 bouts of 8-10 s (about 60-75 contacts)"
                    # (80 contacts as 2 x 40 = 11 s: the xfail example below)
                    assert rules.PLYO_BOUT_MIN_S <= (rx.seconds or 0) <= 11, rx
                    assert rx.sets >= 2, rx
                else:  # fewer contacts than two 8-10 s bouts: short bouts all the same
                    assert rules.PLYO_BOUT_MIN_S <= (rx.seconds or 0) <= rules.PLYO_BOUT_MAX_S, rx


# ------------------------------------------------------------------ R-SCH bands, R-SCH-6


@MANY
@given(plan_requests())
def test_every_prescription_stays_inside_its_scheme_band_R_SCH_1_to_4(req):
    _, plan = make(req)
    for s in plan.sessions:
        for rx in s.exercises:
            ex = CATALOG.get(rx.exercise)
            scheme = dosed_as(rx)
            if scheme == "light" and ex.region == "calf":
                assert rx.sets in rules.LIGHT_SETS, rx
                if rx.reps is not None:
                    assert rx.reps in rules.LIGHT_REPS, rx
                else:
                    assert rx.seconds is not None and rx.seconds <= rules.LIGHT_MAX_SECONDS, rx
            elif scheme == "heavy":
                assert rx.reps in rules.HEAVY_REPS, rx
                if is_ramp(rx):
                    assert rx.sets <= rules.RAMP_MAX_SETS, rx
                else:
                    assert rx.sets in rules.HEAVY_SETS, rx
            elif scheme == "isometric":
                if rx.distance_m is not None:
                    assert rules.DISTANCE_M[0] <= rx.distance_m <= rules.DISTANCE_M[1], rx
                else:
                    assert rx.seconds in rules.ISO_SECONDS, rx
                ladder = "calf_strain" in ex.steps and is_protocol(rx)
                extra = is_extra(rx)  # 2-set coverage extras: the xfail example below
                assert rx.sets == rules.ISO_SETS or (ladder and rx.sets <= 5) or extra, rx
            elif scheme == "rehab":
                assert rx.reps is not None and rx.tempo, rx
                assert rules.MIN_CUT_SETS <= rx.sets <= 5, rx


@MANY
@given(plan_requests())
def test_every_prescription_names_scheme_sets_dose_side_load_rest_and_tempo_R_SCH_6(req):
    _, plan = make(req)
    for s in plan.sessions:
        for rx in s.exercises:
            ex = CATALOG.get(rx.exercise)
            # (a calf-strain step: `rehab` by R-PAIN-5, dosed as its exercise's own work)
            assert dosed_as(rx) in ex.schemes or rx.scheme == "skill", (rx.exercise, rx.scheme)
            assert rx.sets >= 1 and rx.rest_seconds >= 0
            assert getattr(rx, UNIT_FIELD[ex.unit]) is not None, (rx.exercise, ex.unit)
            if rx.scheme != "plyometric":
                assert rx.per_side == ex.unilateral, rx
            if dosed_as(rx) in ("heavy", "rehab"):
                assert rx.tempo, rx
                assert rx.rest_seconds > 0, rx


@MANY
@given(plan_requests())
def test_every_heavy_block_carries_a_load_in_kg_from_owned_equipment_R_SCH_2a_R_PROG_1a(req):
    # Body weight alone only as a standing raise's ramp start (R-PROG-1a); no heavy block at
    # all without load equipment (R-SCH-2a).
    profile, plan = make(req)
    for s in plan.sessions:
        for rx in s.exercises:
            if rx.scheme != "heavy":
                continue
            ex = CATALOG.get(rx.exercise)
            assert profile.equipment & rules.LOAD_EQUIPMENT, rx
            assert rx.added_load_kg is not None, rx
            if not ex.machine and any(r.rule == "R-PROG-1a" for r in rx.reasons):
                continue  # the ramp's start, or the load the ramp will find (no log)
            assert rx.added_load_kg > 0, rx
            assert (set(ex.load_with) | set(ex.equipment)) & profile.equipment, rx


# ------------------------------------------------------------------ titles and status


@MANY
@given(plan_requests())
def test_the_title_names_what_the_session_holds_R_SCHED_8(req):
    _, plan = make(req)
    for s in plan.sessions:
        title = s.title.lower()
        if s.status == "stopped":
            assert s.exercises == () and s.advice, s
            assert title.startswith("stopped"), s.title
            continue
        schemes = {rx.scheme for rx in calf_blocks(s)}
        names = {CATALOG.get(rx.exercise).name.lower() for rx in s.exercises}
        assert s.deload == title.startswith("lighter week"), s.title
        if any(is_protocol(rx) for rx in s.exercises):
            assert "protocol" in title or "ladder" in title, s.title
        for head, named in title_parts(s.title):
            if "heavy" in head:
                assert "heavy" in schemes, (s.title, schemes)
            if "plyometric" in head:
                assert "plyometric" in schemes, (s.title, schemes)
            if "light" in head:
                assert "light" in schemes, (s.title, schemes)
            if "soleus strength" in head:
                # D-144: the soleus ladder (R-PROG-3), not a light block using its exercise.
                ladder = {
                    CATALOG.get(rx.exercise).name.lower()
                    for rx in s.exercises
                    if any(r.rule == "R-PROG-3" for r in rx.reasons)
                }
                assert set(named) <= ladder, (s.title, ladder)
            for name in named:
                assert name in names, (s.title, names)
        # ...and every calf block is named (a cycle's extra too, D-140)
        titled = titled_names(s.title)
        for rx in calf_blocks(s):
            if not is_protocol(rx):
                assert CATALOG.get(rx.exercise).name.lower() in titled, (s.title, rx.exercise)


@MANY
@given(plan_requests())
def test_a_stopped_session_holds_no_exercise_and_says_why_and_whom_to_see(req):
    _, plan = make(req)
    for s in plan.sessions:
        assert s.status in ("planned", "stopped")
        if s.status == "stopped":
            assert s.exercises == () and s.advice and s.advice.strip()
        else:
            assert s.exercises, s


# ------------------------------------------------------------------ known engine bugs


NOVICE_MONDAYS = {"level": "novice", "free_days": ["mon"], "session_minutes": 14}
NEW_YEAR = dt.date(2025, 1, 1)


def test_a_main_block_is_real_work_after_an_extra_and_after_a_marathon_R_SCHED_8():
    # Found as engine bugs: 2 x 12 light raises kept from an earlier 2-set coverage extra
    # (2025-01-20), 2 x 10 in the light week after a marathon (2025-01-13).
    marathon = {"date": "2025-01-01", "distance_km": 42.195}
    cases = [
        {**NOVICE_MONDAYS, "session_minutes": 60},
        {**NOVICE_MONDAYS, "session_minutes": 10, "races": [marathon]},
    ]
    for data in cases:
        plan = build_plan(Profile.model_validate(data), CATALOG, NEW_YEAR, 3)
        for s in planned(plan):
            assert any(real_work(rx) for rx in calf_blocks(s)), (data, s.date, s.exercises)


def test_a_session_never_holds_two_heavy_calf_blocks_R_SCHED_8():
    data = {**NOVICE_MONDAYS, "equipment": ["dumbbell"], "session_minutes": 17}
    profile = Profile.model_validate(data)
    plan = build_plan(profile, CATALOG, NEW_YEAR, 10)
    for s in plan.sessions:
        heavy = [rx for rx in s.exercises if rx.scheme == "heavy"]
        assert len(heavy) <= 1, (s.date, [(rx.exercise, rx.sets) for rx in heavy])
        for rx in heavy:
            assert rx.sets in rules.HEAVY_SETS or is_ramp(rx), (s.date, rx.exercise, rx.sets)


def test_an_isometric_hold_is_three_sets_R_SCH_4():
    profile = Profile.model_validate(NOVICE_MONDAYS)
    plan = build_plan(profile, CATALOG, NEW_YEAR, 3)
    for s in plan.sessions:
        for rx in s.exercises:
            if rx.scheme == "isometric" and not is_protocol(rx):
                assert rx.sets == rules.ISO_SETS, (s.date, rx.exercise, rx.sets)


def test_a_tip_toe_walk_is_never_a_sessions_only_calf_work_R_SCHED_8():
    profile = Profile.model_validate({**NOVICE_MONDAYS, "session_minutes": 10})
    plan = build_plan(profile, CATALOG, NEW_YEAR, 17)
    for s in planned(plan):
        calf = calf_blocks(s)
        assert any(rx.distance_m is None for rx in calf), (s.date, calf)


def test_a_light_rope_dose_never_has_bouts_over_10_s_R_SCH_3a():
    race = {"date": "2025-01-01"}
    profile = Profile.model_validate(
        {
            "level": "intermediate",
            "equipment": ["jump_rope", "dumbbell", "band", "towel"],
            "free_days": ["mon"],
            "session_minutes": 12,
            "races": [race, race, race],
        }
    )
    plan = build_plan(profile, CATALOG, NEW_YEAR, 13)
    light = [
        rx
        for s in planned(plan)
        if 0 < session_contacts(s) <= rules.PLYO_LIGHT_MAX
        for rx in s.exercises
        if rx.exercise == "jump-rope"
    ]
    assert light

    def longest(rx: Prescription) -> int:
        # D-21: a total too small for two 8 s bouts (50 contacts at 220 a minute) is one bout,
        # which R-SCHED-8's 8-30 s allows; every other light dose keeps to 8-10 s bouts.
        two_bouts = 2 * math.ceil((rules.PLYO_BOUT_MIN_S - 0.5) * 220 / 60)
        return 15 if rx.sets == 1 and (rx.contacts or 0) < two_bouts else 10

    assert all((rx.seconds or 0) <= longest(rx) for rx in light), [
        (rx.sets, rx.contacts, rx.seconds) for rx in light
    ]


def test_the_step_paired_with_a_tip_toe_walk_is_real_work_R_SCHED_8():
    profile = Profile.model_validate(
        {
            "level": "intermediate",  # the soleus ladder starts at the tip-toe walk (step 2)
            "free_days": ["mon", "wed"],
            "session_minutes": 45,
            "complaints": ["shin"],  # the soleus ladder is the main block (R-PAIN-4)
        }
    )
    plan = build_plan(profile, CATALOG, dt.date(2025, 9, 1), 4)
    walked = [s for s in planned(plan) if any(rx.distance_m for rx in s.exercises)]
    assert walked
    for s in walked:
        assert any(real_work(rx) for rx in calf_blocks(s)), (s.date, calf_blocks(s))
