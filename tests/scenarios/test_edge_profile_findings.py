"""Findings of a review on unusual profiles and athletes simulated with the CLI: each test is
the behaviour the rule sheet asks for, on the smallest log that showed it broken."""

from __future__ import annotations

from dataclasses import replace

from calfcoach.core.engine import walk
from calfcoach.core.models import CheckIn, Clearance, LoggedSet, Profile, Session, TrainingLog
from tests.scenarios.findings import DAY, MON, profile, texts
from tests.sim import CATALOG, RedFlag, behaviour, is_ramp, simulate
from tests.strategies import week_label_weeks

CALM = behaviour(seed=7, checkin_rate=1.0, calm=1)

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


def _back_after_a_clearance(rpe: int):
    """Friday's session of an Achilles athlete who logged Monday's ramp at body weight at
    ``rpe``, reported pain at night on Tuesday (a red flag) and was cleared on Friday."""
    p = profile(complaints=["achilles"], usual_pain=2)
    sets = _bare_ramp_log(p, rpe=rpe)
    friday = MON + 4 * DAY
    checkins = [CheckIn(date=MON + i * DAY, pain=2, stiffness=2) for i in range(5)]
    checkins[1] = CheckIn(date=MON + DAY, pain=2, stiffness=2, red_flags=frozenset({"night_pain"}))
    log = TrainingLog(sets=sets, checkins=tuple(checkins), clearances=(Clearance(date=friday),))
    plan = walk(p, CATALOG, MON, 4, log=log, today=friday).plan
    return next(s for s in plan.sessions if s.date == friday)


def test_a_clearance_never_turns_a_bare_body_weight_ramp_into_a_found_load_R_PROG_1a_R_PAIN_2a():
    """An Achilles athlete logs Monday's load-finding ramp at body weight, RPE 7 (body weight
    left more than 2 reps in reserve, so no load was found), reports pain at night on Tuesday
    (a red flag) and is cleared on Friday. Without the red flag Wednesday repeats the ramp;
    after the clearance the protocol gave 3 x 15RM with no load and no ramp: body weight became
    the "found" base, which R-PROG-1a allows for rehab only while it leaves 2 or fewer reps in
    reserve."""
    back = _back_after_a_clearance(rpe=7)
    assert "Cleared by a clinician" in " ".join(texts(rx) for rx in back.exercises)
    protocol = [rx for rx in back.exercises if rx.scheme == "rehab"]
    assert protocol
    for rx in protocol:
        assert is_ramp(rx) or (rx.added_load_kg or 0) > 0, (rx.exercise, texts(rx))


def test_a_clearance_keeps_a_body_weight_base_that_left_two_reps_in_reserve_R_PROG_1a():
    """The same athlete, whose ramp at body weight was hard (RPE 8): body weight is a base
    for rehab (R-PROG-1a), so the restart after the clearance is no load-finding session."""
    back = _back_after_a_clearance(rpe=8)
    protocol = [rx for rx in back.exercises if rx.scheme == "rehab"]
    assert protocol and not any(is_ramp(rx) for rx in protocol), [texts(rx) for rx in protocol]


# ------------------------------------------------------------------ a red flag is not a flare


def test_a_cycle_a_red_flag_stop_held_back_never_blames_a_flare_R_SCHED_0_R_PAIN_2a():
    """An Achilles athlete with calm mornings reports pain at night (a red flag, R-PAIN-2a)
    and is cleared 4 days later; no flare at any time. The R-SCHED-5 warning of that cycle
    said "a pain flare in these two weeks held it back ... (R-PAIN-2b)": the first session
    back after a clearance was read as a flare. R-SCHED-0: the rule that gave way is named,
    and it is the red-flag stop and its clearance (R-PAIN-2a), not a flare."""
    p = profile(complaints=["achilles"], usual_pain=2, free_days=["mon", "wed", "fri", "sat"])
    flagged = replace(CALM, red_flag=RedFlag(day=17, flag="night_pain", clear_after=4))
    sim = simulate(p, MON, 6, flagged)
    assert not any(
        r.rule == "R-PAIN-2b" for s in sim.shown.values() for rx in s.exercises for r in rx.reasons
    ), "the behaviour has a flare"
    assert any(s.status == "stopped" for s in sim.shown.values())
    plan = walk(p, CATALOG, MON, 6, log=sim.log, today=MON + 41 * DAY, fixed=sim.fixed).plan
    cycle = [
        w.message
        for w in plan.warnings
        if w.rule == "R-SCHED-5" and {3, 4} <= week_label_weeks(w.message)
    ]
    assert cycle, [w.message for w in plan.warnings]
    for message in cycle:
        assert "flare" not in message, message
        assert "R-PAIN-2a" in message, message


# ------------------------------------------------------------------ jumps back after a clearance


def test_the_first_jumps_after_a_clearance_say_why_at_50_contacts_R_PAIN_3_R_PAIN_2a():
    """An Achilles athlete jumps from week 2 (R-PAIN-3's criteria met), reports pain at rest in
    week 5 (a red flag) and is cleared 3 days later: the clearance voids the gate's evidence,
    the 3 x 15 criterion is met again and rope skipping comes back in week 7, as "50 foot
    contacts (light band)" and nothing more. R-PAIN-3: plyometrics return at 50 two-foot
    contacts "and the reason says why"."""
    p = profile(complaints=["achilles"], usual_pain=2, session_minutes=60)
    flagged = behaviour(
        seed=3, checkin_rate=1.0, calm=1, red_flag=RedFlag(day=30, flag="rest_pain", clear_after=3)
    )
    sim = simulate(p, MON, 8, flagged)
    cleared = MON + 33 * DAY
    before = [d for d in sim.shown if d < cleared and _jumps(sim.shown[d])]
    assert before, "the athlete never jumped before the red flag"
    back = sorted(d for d in sim.shown if d > cleared and _jumps(sim.shown[d]))
    assert back, "no jumps after the clearance"
    rx = next(rx for rx in sim.shown[back[0]].exercises if rx.scheme == "plyometric")
    assert 50 <= (rx.contacts or 0) * rx.sets <= 55, (rx.sets, rx.contacts)
    said = texts(rx)
    assert any(r.rule in ("R-PAIN-3", "R-PAIN-2a") for r in rx.reasons), said
    assert "clearance" in said and "criteria for plyometrics were met" in said, said


def _jumps(s: Session) -> bool:
    return s.status == "planned" and any(rx.scheme == "plyometric" for rx in s.exercises)
