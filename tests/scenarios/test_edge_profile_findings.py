"""Findings of a review on unusual profiles and athletes simulated with the CLI: each test is
the behaviour the rule sheet asks for, on the smallest log that showed it broken."""

from __future__ import annotations

from calfcoach.core.engine import walk
from calfcoach.core.models import CheckIn, Clearance, LoggedSet, Profile, TrainingLog
from tests.scenarios.findings import DAY, MON, profile, texts
from tests.sim import CATALOG, is_ramp

# ------------------------------------------------------------------ a ramp before a red flag


def _bare_ramp_log(p: Profile, rpe: int) -> tuple[LoggedSet, ...]:
    """Monday's load-finding ramp of the protocol, logged at body weight at ``rpe``."""
    first = walk(p, CATALOG, MON, 4, today=MON).plan.sessions[0]
    assert first.date == MON
    ramps = [rx for rx in first.exercises if rx.scheme == "rehab"]
    assert ramps and all(is_ramp(rx) for rx in ramps)
    return tuple(
        LoggedSet(
            date=MON,
            exercise=rx.exercise,
            set_number=i + 1,
            reps=rx.reps,
            load_kg=0.0,
            rpe=rpe,
            pain=2,
        )
        for rx in ramps
        for i in range(rx.sets)
    )


def test_a_clearance_never_turns_a_bare_body_weight_ramp_into_a_found_load_R_PROG_1a_R_PAIN_2a():
    """An Achilles athlete logs Monday's load-finding ramp at body weight, RPE 7 (body weight
    left more than 2 reps in reserve, so no load was found), reports pain at night on Tuesday
    (a red flag) and is cleared on Friday. Without the red flag Wednesday repeats the ramp;
    after the clearance the protocol gave 3 x 15RM with no load and no ramp: body weight became
    the "found" base, which R-PROG-1a allows for rehab only while it leaves 2 or fewer reps in
    reserve."""
    p = profile(complaints=["achilles"], usual_pain=2)
    sets = _bare_ramp_log(p, rpe=7)
    friday = MON + 4 * DAY
    checkins = [CheckIn(date=MON + i * DAY, pain=2, stiffness=2) for i in range(5)]
    checkins[1] = CheckIn(date=MON + DAY, pain=2, stiffness=2, red_flags=frozenset({"night_pain"}))
    log = TrainingLog(sets=sets, checkins=tuple(checkins), clearances=(Clearance(date=friday),))
    plan = walk(p, CATALOG, MON, 4, log=log, today=friday).plan
    back = next(s for s in plan.sessions if s.date == friday)
    assert "Cleared by a clinician" in " ".join(texts(rx) for rx in back.exercises)
    protocol = [rx for rx in back.exercises if rx.scheme == "rehab"]
    assert protocol
    for rx in protocol:
        assert is_ramp(rx) or (rx.added_load_kg or 0) > 0, (rx.exercise, texts(rx))


def test_a_clearance_keeps_a_body_weight_base_that_left_two_reps_in_reserve_R_PROG_1a():
    """The same athlete, whose ramp at body weight was hard (RPE 8): body weight is a base
    for rehab (R-PROG-1a), so the restart after the clearance is no load-finding session."""
    p = profile(complaints=["achilles"], usual_pain=2)
    sets = _bare_ramp_log(p, rpe=8)
    friday = MON + 4 * DAY
    checkins = [CheckIn(date=MON + i * DAY, pain=2, stiffness=2) for i in range(5)]
    checkins[1] = CheckIn(date=MON + DAY, pain=2, stiffness=2, red_flags=frozenset({"night_pain"}))
    log = TrainingLog(sets=sets, checkins=tuple(checkins), clearances=(Clearance(date=friday),))
    plan = walk(p, CATALOG, MON, 4, log=log, today=friday).plan
    back = next(s for s in plan.sessions if s.date == friday)
    protocol = [rx for rx in back.exercises if rx.scheme == "rehab"]
    assert protocol and not any(is_ramp(rx) for rx in protocol), [texts(rx) for rx in protocol]
