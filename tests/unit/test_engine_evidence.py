"""What the log says about one exposure (core/engine/evidence.py): ``outcome_of`` over logged
sets (per side, missing values, the load-finding ramp of R-PROG-1a) and ``judge``, the next
dose from that outcome (R-PROG-2, R-PROG-6, R-PROG-7, R-PAIN-1, R-PAIN-2a).

Hypothesis: ``HYPOTHESIS_PROFILE=ci`` runs the full example counts, anything else (dev) a few.
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.strategies import examples as shared_examples

from calfcoach.core import dosing, rules
from calfcoach.core.dosing import Dose
from calfcoach.core.engine.evidence import judge, outcome_of, projected
from calfcoach.core.engine.state import Track
from calfcoach.core.models import LoggedSet, Reason


def examples(ci: int, dev: int = 30) -> settings:
    """This file's default dev count on the shared profile switch (tests/strategies.py)."""
    return shared_examples(ci, dev)


DAY = dt.date(2026, 3, 2)
SAFE, STOP = rules.PAIN_SAFE_MAX, rules.PAIN_ACCEPTABLE_MAX  # 3 and 5 (R-PAIN-1)
STRICT = rules.PAIN_STRICT_MAX  # 2 for calf strain and shin (R-PAIN-2a)


def logged(
    n: int = 3,
    reps: int | None = 12,
    *,
    rpe: int | None = 7,
    pain: int | None = 1,
    load: float | None = None,
    side: str = "both",
    exercise: str = "straight-knee-heel-raise",
) -> list[LoggedSet]:
    return [
        LoggedSet(
            DAY,
            exercise,
            i + 1,
            reps=reps,
            rpe=rpe,
            pain=pain,
            load_kg=load,
            side=side,  # type: ignore[arg-type]
        )
        for i in range(n)
    ]


def outcome(sets: list[LoggedSet], planned: Dose, *, ramp: bool = False, limit: int = SAFE):
    return outcome_of(sets, planned, DAY, ramp=ramp, pain_limit=limit)


def verdict(
    dose: Dose,
    sets: list[LoggedSet],
    *,
    scheme: str = "light",
    inc: float | None = 1.0,
    safe: int = SAFE,
    stop: int = STOP,
    hold_all: Reason | None = None,
    checkin_ok: bool = True,
    track: Track | None = None,
):
    track = track or Track(dose, True)
    track.pending = outcome(sets, dose)
    return judge(
        track,
        scheme,  # type: ignore[arg-type]
        inc,
        safe_pain=safe,
        stop_pain=stop,
        hold_all=hold_all,
        checkin_ok=checkin_ok,
    )


LIGHT = Dose(3, 12.0, "reps")
HEAVY = Dose(4, 4.0, "reps", 20.0)
HSR = Dose(3, 12.0, "reps", 20.0, True)  # a protocol's 3 x 12RM at 20 kg (R-PAIN-3/5)


# ------------------------------------------------------------------ outcome_of


def test_an_outcome_holds_the_smallest_set_the_set_count_and_the_worst_rpe_and_pain() -> None:
    sets = [
        LoggedSet(DAY, "x", 1, reps=14, rpe=6, pain=0),
        LoggedSet(DAY, "x", 2, reps=12, rpe=8, pain=2),
        LoggedSet(DAY, "x", 3, reps=13, rpe=7, pain=1),
    ]
    o = outcome(sets, LIGHT)
    assert (o.sets, o.least, o.max_rpe, o.max_pain, o.missing) == (3, 12, 8, 2, False)
    assert o.found_load is None and not o.projected and o.planned == LIGHT and o.date == DAY


def test_per_side_sets_count_once_and_the_weaker_side_is_the_least_R_PROG_6() -> None:
    left = logged(3, 15, side="left")
    right = logged(3, 11, side="right")
    o = outcome(left + right, LIGHT)
    assert o.sets == 3  # three sets each side are three sets
    assert o.least == 11  # every logged set must reach the top: the weaker side decides


def test_plyometric_contacts_count_as_the_session_total_R_SCH_3() -> None:
    sets = [LoggedSet(DAY, "jump-rope", i + 1, contacts=30, rpe=6, pain=0) for i in range(3)]
    o = outcome(sets, Dose(1, 90.0, "contacts"))
    assert o.least == 90


@pytest.mark.parametrize(
    "missing",
    [{"reps": None}, {"rpe": None}, {"pain": None}],
    ids=["amount", "rpe", "pain"],
)
def test_a_value_missing_on_any_set_marks_the_outcome_missing_R_PROG_6(missing) -> None:
    sets = logged(3, 12)
    sets[1] = LoggedSet(
        DAY,
        sets[1].exercise,
        2,
        reps=missing.get("reps", 12),
        rpe=missing.get("rpe", 7),
        pain=missing.get("pain", 1),
    )
    assert outcome(sets, LIGHT).missing


set_strategy = st.builds(
    lambda n, reps, rpe, pain, side: LoggedSet(
        DAY, "x", n, reps=reps, rpe=rpe, pain=pain, side=side
    ),
    st.integers(1, 6),
    st.none() | st.integers(0, 30),
    st.none() | st.integers(1, 10),
    st.none() | st.integers(0, 10),
    st.sampled_from(["both", "left", "right"]),
)


@examples(300)
@given(st.lists(set_strategy, min_size=1, max_size=8))
def test_an_outcome_reads_every_logged_set_R_PROG_6(sets: list[LoggedSet]) -> None:
    o = outcome(sets, LIGHT)
    reps = [s.reps for s in sets if s.reps is not None]
    assert o.least == (min(reps) if reps else None)
    assert o.sets == len({s.set_number for s in sets})
    assert o.missing == any(s.reps is None or s.rpe is None or s.pain is None for s in sets)
    rpes = [s.rpe for s in sets if s.rpe is not None]
    pains = [s.pain for s in sets if s.pain is not None]
    assert o.max_rpe == (max(rpes) if rpes else None)
    assert o.max_pain == (max(pains) if pains else None)


# ------------------------------------------------------------------ the found load (R-PROG-1a)


def ramp(*rows: tuple[float | None, int | None, int | None, int | None]) -> list[LoggedSet]:
    """Ramp sets as (load, reps, rpe, pain)."""
    return [
        LoggedSet(DAY, "bent-knee-heel-raise", i + 1, reps=r, rpe=e, pain=p, load_kg=w)
        for i, (w, r, e, p) in enumerate(rows)
    ]


def test_the_found_load_is_the_heaviest_set_within_rpe_9_and_the_pain_limit_R_PROG_1a() -> None:
    sets = ramp((None, 4, 5, 0), (5.0, 4, 7, 1), (10.0, 4, 9, 2), (15.0, 4, 10, 2))
    o = outcome(sets, Dose(4, 4.0, "reps", 0.0), ramp=True)
    assert o.found_load == 10.0  # 15 kg went to RPE 10: over the 8-9 stop


def test_a_set_over_the_pain_limit_is_not_the_base_R_PROG_1a() -> None:
    sets = ramp((None, 4, 6, 1), (5.0, 4, 7, 4))
    assert outcome(sets, Dose(4, 4.0, "reps", 0.0), ramp=True).found_load == 0.0


def test_a_heavier_set_after_one_above_the_pain_limit_is_not_the_base_R_PROG_1a() -> None:
    # D-160: 4 kg hurt 7/10, then 8 kg at 3/10 was taken as the base: the ramp had stopped.
    sets = ramp((None, 15, 7, 2), (4.0, 15, 8, 7), (8.0, 15, 9, 3))
    assert outcome(sets, Dose(3, 15.0, "reps", 0.0), ramp=True).found_load == 0.0
    first_hurt = ramp((None, 15, 7, 4), (4.0, 15, 8, 1), (8.0, 15, 9, 3))
    assert outcome(first_hurt, Dose(3, 15.0, "reps", 0.0), ramp=True).found_load is None
    # RPE 10 or a set short of the target stops it too
    sets = ramp((None, 15, 10, 0), (4.0, 15, 8, 0))
    assert outcome(sets, Dose(3, 15.0, "reps", 0.0), ramp=True).found_load is None


def test_calf_strain_and_shin_find_loads_within_2_of_10_pain_R_PROG_1a_R_PAIN_2a() -> None:
    sets = ramp((None, 6, 6, 1), (5.0, 6, 7, 2), (10.0, 6, 8, 3))
    dose = Dose(4, 6.0, "reps", 0.0)
    assert outcome(sets, dose, ramp=True, limit=STRICT).found_load == 5.0
    assert outcome(sets, dose, ramp=True, limit=SAFE).found_load == 10.0


def test_a_set_short_of_the_target_reps_is_not_the_base_R_PROG_1a() -> None:
    sets = ramp((None, 6, 6, 0), (5.0, 6, 8, 0), (10.0, 4, 9, 0))
    assert outcome(sets, Dose(4, 6.0, "reps", 0.0), ramp=True).found_load == 5.0


def test_no_set_within_the_limits_finds_no_load_R_PROG_1a() -> None:
    sets = ramp((None, 4, 10, 0), (5.0, 4, None, 0))
    assert outcome(sets, Dose(4, 4.0, "reps", 0.0), ramp=True).found_load is None


ramp_rows = st.lists(
    st.tuples(
        st.none() | st.integers(0, 80).map(float),
        st.none() | st.integers(0, 12),
        st.none() | st.integers(1, 10),
        st.none() | st.integers(0, 10),
    ),
    min_size=1,
    max_size=rules.RAMP_MAX_SETS * 2,
)


@examples(300)
@given(ramp_rows, st.sampled_from([SAFE, STRICT]), st.integers(3, 8))
def test_the_found_load_is_never_a_set_outside_the_limits_R_PROG_1a(rows, limit, target) -> None:
    sets = ramp(*rows)
    o = outcome(sets, Dose(4, float(target), "reps", 0.0), ramp=True, limit=limit)
    # D-160: the ramp stops at the first set above a limit; nothing after it is the base.
    stop = next(
        (
            i
            for i, s in enumerate(sets)
            if (s.pain is not None and s.pain > limit)
            or (s.rpe is not None and s.rpe > rules.RAMP_RPE.high)
            or (s.reps is not None and s.reps < target)
        ),
        len(sets),
    )
    ok = [
        s.load_kg or 0.0
        for s in sets[:stop]
        if s.reps is not None and s.rpe is not None and s.pain is not None
    ]
    assert o.found_load == (max(ok) if ok else None)


def test_a_projected_ramp_finds_its_starting_point_R_PROG_1a() -> None:
    o = projected(Dose(4, 4.0, "reps", 20.0), DAY, ramp=True)
    assert o.projected and o.found_load == 20.0 and not o.missing


# ------------------------------------------------------------------ judge: regress


@pytest.mark.parametrize("pain", [6, 7, 10])
def test_pain_above_5_regresses_the_dose_R_PAIN_1(pain: int) -> None:
    v = verdict(HEAVY, logged(4, 4, pain=pain, load=20.0), scheme="heavy")
    assert v.action == "regress"
    assert v.dose.load is not None and v.dose.load < HEAVY.load  # type: ignore[operator]
    assert v.reason is not None and v.reason.rule == "R-PAIN-1"


@pytest.mark.parametrize("pain", [3, 4])
def test_pain_above_2_regresses_with_calf_strain_or_shin_R_PAIN_2a(pain: int) -> None:
    v = verdict(LIGHT, logged(3, 12, pain=pain), safe=STRICT, stop=STRICT)
    assert v.action == "regress"
    assert v.dose.amount < LIGHT.amount


def test_pain_above_the_limit_regresses_even_with_values_missing_R_PAIN_1() -> None:
    sets = logged(3, 12, pain=7)
    sets[0] = LoggedSet(DAY, sets[0].exercise, 1, reps=12, rpe=None, pain=7)
    assert verdict(LIGHT, sets).action == "regress"


# ------------------------------------------------------------------ judge: hold


def test_a_missing_value_holds_the_dose_R_PROG_6() -> None:
    sets = logged(3, 15)
    sets[2] = LoggedSet(DAY, sets[2].exercise, 3, reps=15, rpe=None, pain=1)
    v = verdict(LIGHT, sets)
    assert (v.action, v.dose) == ("hold", LIGHT)
    assert v.reason is not None and v.reason.rule == "R-PROG-6"


@pytest.mark.parametrize("pain", [4, 5])
def test_pain_4_to_5_is_acceptable_and_holds_R_PAIN_1(pain: int) -> None:
    v = verdict(LIGHT, logged(3, 15, pain=pain))
    assert (v.action, v.dose) == ("hold", LIGHT)


@pytest.mark.parametrize("rpe", [9, 10])
def test_rpe_9_or_10_holds_once_and_regresses_the_second_time_in_a_row_R_PROG_6(rpe: int) -> None:
    track = Track(HEAVY, True)
    first = verdict(HEAVY, logged(4, 4, rpe=rpe, load=20.0), scheme="heavy", track=track)
    assert (first.action, first.dose) == ("hold", HEAVY)
    second = verdict(HEAVY, logged(4, 4, rpe=rpe, load=20.0), scheme="heavy", track=track)
    assert second.action == "regress"
    assert second.dose.load is not None and second.dose.load < 20.0


def test_missed_reps_hold_once_and_regress_the_second_time_in_a_row_R_PROG_6() -> None:
    track = Track(LIGHT, True)
    assert verdict(LIGHT, logged(3, 10), track=track).action == "hold"
    second = verdict(LIGHT, logged(3, 11), track=track)
    assert second.action == "regress" and second.dose.amount < LIGHT.amount


def test_a_missing_set_counts_as_missed_reps_R_PROG_6() -> None:
    assert verdict(LIGHT, logged(2, 12)).action == "hold"


def test_a_good_session_between_two_hard_ones_resets_the_count_R_PROG_6() -> None:
    track = Track(LIGHT, True)
    verdict(LIGHT, logged(3, 12, rpe=10), track=track)
    assert verdict(LIGHT, logged(3, 12, rpe=7), track=track).action == "progress"
    track.dose = LIGHT
    assert verdict(LIGHT, logged(3, 12, rpe=10), track=track).action == "hold"


def test_a_morning_after_above_usual_plus_1_holds_R_PROG_6() -> None:
    v = verdict(LIGHT, logged(3, 15), checkin_ok=False)
    assert (v.action, v.dose) == ("hold", LIGHT)


def test_a_hold_for_every_dose_wins_over_a_good_session_R_PAIN_2() -> None:
    why = Reason("R-PAIN-2", "Morning pain 1 above your usual: doses hold.")
    v = verdict(LIGHT, logged(3, 20, rpe=6, pain=0), hold_all=why)
    assert (v.action, v.dose, v.reason) == ("hold", LIGHT, why)


def test_after_a_long_gap_the_dose_holds_until_a_full_session_is_logged_R_PROG_6() -> None:
    track = Track(LIGHT, True, hold_until_full=True)
    short = verdict(LIGHT, logged(3, 10), track=track)  # not full: still held
    assert (short.action, track.hold_until_full) == ("hold", True)
    full = verdict(LIGHT, logged(3, 12, rpe=7), track=track)
    # The session after the first full one back holds too (issue 6: the second session back
    # progressed after two missed weeks); the flag is cleared for the next one.
    assert (full.action, full.dose, track.hold_until_full) == ("hold", LIGHT, False)
    assert verdict(LIGHT, logged(3, 12, rpe=7), track=track).action == "progress"


# ------------------------------------------------------------------ judge: progress


def test_a_good_session_climbs_one_rung_R_PROG_2() -> None:
    v = verdict(LIGHT, logged(3, 12, rpe=8, pain=3))
    assert v.action == "progress" and v.dose == Dose(3, 15.0, "reps")


def test_logged_reps_over_the_plan_drive_the_step_R_PROG_6() -> None:
    # 20 reps logged on a light 3 x 12 (issue 6 gave 3 x 14): the top of 8-20 is reached,
    # so load goes on.
    v = verdict(Dose(3, 12.0, "reps", 10.0), logged(3, 20, rpe=7, load=10.0))
    assert v.action == "progress"
    assert v.dose.load == 11.0 and v.dose.amount == dosing.band("light", "reps").low
    assert v.reason is not None and v.reason.rule in ("R-PROG-6", "R-PROG-2")


def test_logged_reps_over_the_top_of_the_band_count_as_the_top_R_PROG_6() -> None:
    v = verdict(Dose(3, 12.0, "reps", 10.0), logged(3, 30, rpe=7, load=10.0))
    assert v.dose.load == 11.0 and v.dose.amount == dosing.band("light", "reps").low


def test_six_reps_logged_where_four_were_planned_steps_the_load_R_PROG_6() -> None:
    v = verdict(HEAVY, logged(4, 6, rpe=6, load=20.0), scheme="heavy")
    assert v.action == "progress"
    assert v.dose.load is not None and 20.0 < v.dose.load <= 22.0
    assert v.dose.amount == dosing.band("heavy", "reps").low


def test_a_protocol_dose_holds_below_target_plus_2_R_PROG_2_R_PAIN_5() -> None:
    v = verdict(HSR, logged(3, 13, rpe=7, load=20.0), scheme="rehab")
    assert (v.action, v.dose) == ("hold", HSR)


def test_a_protocol_dose_steps_load_only_at_target_plus_2_keeping_its_sets_and_reps_R_PROG_2() -> (
    None
):
    v = verdict(HSR, logged(3, 14, rpe=8, load=20.0), scheme="rehab")
    assert v.action == "progress"
    assert (v.dose.sets, v.dose.amount, v.dose.fixed) == (3, 12.0, True)
    assert v.dose.load is not None and 20.0 * 1.02 <= v.dose.load <= 20.0 * 1.10


def test_a_protocol_dose_on_a_coarse_increment_needs_target_plus_4_R_PROG_7() -> None:
    # A leg press at 20 kg: the 5 kg step is 25 % of the load.
    v = verdict(HSR, logged(3, 14, rpe=7, load=20.0), scheme="rehab", inc=5.0)
    assert (v.action, v.dose) == ("hold", HSR)


def test_a_protocol_dose_on_a_coarse_increment_steps_load_at_target_plus_4_R_PROG_7() -> None:
    v = verdict(HSR, logged(3, 16, rpe=7, load=20.0), scheme="rehab", inc=5.0)
    assert v.action == "progress" and v.dose.load == 25.0


def test_a_projected_session_progresses_as_prescribed_R_PROG_2() -> None:
    track = Track(LIGHT, True, pending=projected(LIGHT, DAY, ramp=False))
    v = judge(
        track,
        "light",
        None,
        safe_pain=SAFE,
        stop_pain=STOP,
        hold_all=None,
        checkin_ok=True,
    )
    assert v.action == "progress" and v.dose.amount == 15


def test_a_projected_protocol_session_holds_its_load_R_PROG_1a() -> None:
    track = Track(HSR, True, pending=projected(HSR, DAY, ramp=False))
    v = judge(track, "rehab", 1.0, safe_pain=SAFE, stop_pain=STOP, hold_all=None, checkin_ok=True)
    assert v.dose == HSR


def test_no_pending_outcome_holds_without_a_reason() -> None:
    v = judge(
        Track(LIGHT, True),
        "light",
        None,
        safe_pain=SAFE,
        stop_pain=STOP,
        hold_all=None,
        checkin_ok=True,
    )
    assert (v.action, v.dose, v.reason) == ("hold", LIGHT, None)


# ------------------------------------------------------------------ the whole decision table


@st.composite
def sessions(draw: st.DrawFn) -> tuple[Dose, list[LoggedSet]]:
    scheme_dose = draw(st.sampled_from([LIGHT, Dose(2, 10.0, "reps", 15.0), Dose(3, 15.0, "reps")]))
    n = draw(st.integers(1, 4))
    sets = [
        LoggedSet(
            DAY,
            "x",
            i + 1,
            reps=draw(st.none() | st.integers(8, 22)),
            rpe=draw(st.none() | st.integers(5, 10)),
            pain=draw(st.none() | st.integers(0, 7)),
            load_kg=scheme_dose.load,
        )
        for i in range(n)
    ]
    return scheme_dose, sets


@examples(500, 60)
@given(sessions(), st.booleans(), st.booleans())
def test_judge_follows_the_rule_sheet_order_regress_hold_progress_R_PROG_6_R_PAIN_1(
    case, strict: bool, checkin_ok: bool
) -> None:
    dose, sets = case
    safe, stop = (STRICT, STRICT) if strict else (SAFE, STOP)
    v = verdict(dose, sets, safe=safe, stop=stop, checkin_ok=checkin_ok)
    pains = [s.pain for s in sets if s.pain is not None]
    missing = any(s.reps is None or s.rpe is None or s.pain is None for s in sets)
    reps = [s.reps for s in sets if s.reps is not None]
    failed = len(sets) < dose.sets or not reps or min(reps) < dose.amount
    hard = any(s.rpe is not None and s.rpe > rules.RPE_PROGRESS_MAX for s in sets)
    if pains and max(pains) > stop:
        expected = "regress"
    elif missing or failed or hard or max(pains) > safe or not checkin_ok:
        expected = "hold"
    else:
        expected = "progress"
    assert v.action == expected
    if expected == "hold":
        assert v.dose == dose
    if expected == "regress":
        assert v.dose.sets <= dose.sets and v.dose.amount <= dose.amount
        assert (v.dose.load or 0) <= (dose.load or 0)
        assert v.dose != dose
    if expected == "progress":
        assert (
            (v.dose.load or 0) > (dose.load or 0)
            or v.dose.amount > dose.amount
            or (v.dose.sets > dose.sets)
        )
        # Progress happens only at 0-3 (0-2 strict) pain and RPE <= 8 (R-PAIN-1, R-PROG-2).
        assert max(pains) <= safe and all(s.rpe is not None and s.rpe <= 8 for s in sets)
    assert v.reason is not None or expected == "hold"
