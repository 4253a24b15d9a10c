"""A sports physiotherapist's review of what the engine gives (stop 27): the session after a
flare, a load-finding ramp in a lighter week, and the words of the calf-strain ladder. Each
history is lived through with the simulated athlete (``tests/sim.py``: the engine is asked for
each day's session as ``calfcoach today`` does) or built from the plan alone."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from calfcoach.core.engine import build_plan, walk
from calfcoach.core.models import Session
from tests.scenarios.findings import DAY, MON, profile, texts
from tests.sim import CATALOG, Flare, RedFlag, behaviour, is_ramp, simulate

CALM = behaviour(seed=7, checkin_rate=1.0, calm=1)
CALF_WORK = ("light", "heavy", "isometric", "plyometric")


def restarted(s: Session) -> bool:
    return any("The flare ended" in r.text for rx in s.exercises for r in rx.reasons)


# ------------------------------------------------------------------ the session after a flare


def test_the_first_session_after_a_flare_never_adds_a_calf_block_to_the_protocol_R_PAIN_2b():
    """Plantar heel pain, a 2-day flare in week 2. The flare held the protocol's ladder at
    3x12RM, which leaves minutes free, and the first session after it (R-PAIN-2b: "restarts one
    step lower and holds until one full session is logged") held a light straight-knee heel
    raise beside the lowered protocol that the calm plan did not hold that day. It holds the
    protocol and foot work only, says so, and the rotation comes back once a full session is
    in."""
    p = profile(complaints=["plantar_heel"], usual_pain=2)
    flared = replace(CALM, flares=(Flare(start=9, days=2, rise=2),))
    sim = simulate(p, MON, 5, flared)
    after = [d for d in sorted(sim.shown) if restarted(sim.shown[d])]
    assert after, "no session after the flare"
    first = sim.shown[after[0]]
    assert {rx.scheme for rx in first.exercises} <= {"rehab", "skill"}, [
        (rx.exercise, rx.scheme) for rx in first.exercises
    ]
    said = " ".join(texts(rx) for rx in first.exercises)
    assert "protocol and foot work only" in said, said
    later = [sim.shown[d] for d in sorted(sim.shown) if d > after[0]][:3]
    assert any(rx.scheme in CALF_WORK for s in later for rx in s.exercises), [
        s.title for s in later
    ]


def test_the_logged_session_after_a_flare_counts_as_the_full_session_R_PAIN_2b_R_PROG_6():
    """The first session after a flare leads with "The flare ended ..." (an R-PAIN-2b reason),
    and its protocol sets were read as a flare's hold: not evidence, so the restart's "one full
    session" was only seen a session later. The session right after it says the full session
    at the lowered dose is logged."""
    p = profile(complaints=["plantar_heel"], usual_pain=2)
    flared = replace(CALM, flares=(Flare(start=9, days=2, rise=2),))
    sim = simulate(p, MON, 5, flared)
    days = sorted(sim.shown)
    first = next(i for i, d in enumerate(days) if restarted(sim.shown[d]))
    nxt = sim.shown[days[first + 1]]
    protocol = [rx for rx in nxt.exercises if rx.scheme == "rehab"]
    assert protocol
    assert any("full session at the lowered dose is logged" in texts(rx) for rx in protocol), [
        texts(rx) for rx in protocol
    ]


# ------------------------------------------------------------------ a ramp in a lighter week


def test_a_load_finding_ramp_in_a_lighter_week_is_carried_never_repeated_R_PROG_1a_R_PROG_5():
    """An Achilles athlete away for the first three weeks starts in the lighter week (week 4):
    the Monday's ramp (stopped at RPE 7, D-171) was thrown away with the lighter week's other
    evidence, so Wednesday, Friday and the Monday after were load-finding sessions again (four
    ramps). The base it finds is carried: one ramp per exercise, loads from then on."""
    p = profile(complaints=["achilles"], usual_pain=2)
    away = replace(CALM, away=((0, 21),))
    sim = simulate(p, MON, 7, away)
    ramps: dict[str, list[dt.date]] = {}
    back = MON + 21 * DAY  # the sessions shown while away were missed, not done
    for d in sorted(sim.shown):
        for rx in sim.shown[d].exercises if d >= back else ():
            if is_ramp(rx):
                ramps.setdefault(rx.exercise, []).append(d)
    assert ramps, "no load-finding session"
    for exercise, days in ramps.items():
        assert len(days) == 1, (exercise, days)
    first = min(d for days in ramps.values() for d in days)
    assert sim.shown[first].deload
    nxt = next(sim.shown[d] for d in sorted(sim.shown) if d > first)
    for rx in nxt.exercises:
        if rx.exercise in ramps:
            assert (rx.added_load_kg or 0) > 0, rx
            assert "is the base" in texts(rx), texts(rx)


# ------------------------------------------------------------------ the calf-strain ladder


def test_calf_strain_ladder_steps_read_as_rehab_never_as_training_R_WHY_R_PAIN_4():
    """Steps 1-3 of the calf-strain ladder (dosed as isometric and light work, under the scheme
    `rehab` since R-PAIN-5 asks it) read like training: "Light: ... for blood flow, recovery,
    muscle mass and durability", "depth and added load set the load" (the wall sit's), and the
    plantar flexors tiring "in hard running". A ladder step says it is a rehab step passed by
    criteria (R-PAIN-4), and keeps its own why."""
    p = profile(complaints=["calf_strain"], usual_pain=1)
    # seed 7 until pain above 2/10 logged in a lighter week counted (it drops a calf-strain
    # step, R-PAIN-4): that athlete then stayed on step 1
    sim = simulate(p, MON, 6, behaviour(seed=1, checkin_rate=1.0, calm=0))
    plan = build_plan(p, CATALOG, MON, 6)
    blocks = [
        rx
        for s in [*sim.shown.values(), *plan.sessions]
        for rx in s.exercises
        if CATALOG.get(rx.exercise).steps.get("calf_strain", 4) < 4
        and any("criteria ladder" in r.text for r in rx.reasons if r.rule == "R-PAIN-4")
    ]
    assert blocks
    assert {rx.scheme for rx in blocks} == {"rehab"}  # R-PAIN-5
    steps = {CATALOG.get(rx.exercise).steps["calf_strain"] for rx in blocks}
    assert steps == {1, 2}, steps  # steps 1 and 2 were reached
    for rx in blocks:
        rules = {r.rule for r in rx.reasons}
        said = texts(rx)
        assert not rules & {"R-SCH-1", "R-SCH-4"}, (rx.exercise, said)
        assert "muscle mass" not in said and "durability" not in said, said
        assert "hard running" not in said and "in running" not in said, said
        assert "rehab step after a calf strain" in said, said
        assert any(r.rule == "R-WHY" for r in rx.reasons), said


# ------------------------------------------------------------------ a flare in the warnings


def test_a_cycle_a_flare_held_back_names_the_flare_never_hard_run_days_R_SCHED_0_R_PAIN_2b():
    """Plantar heel pain (no hard runs in the week) and a flare in week 2: the cycle lost its
    jump rope to the flare (plyometrics stop, R-PAIN-2b) and the session back after it, but the
    R-SCHED-5 warning said "the sessions of these two weeks hold no room for it, or races and
    hard-run days left no day for it". R-SCHED-0: the rule that gave way is named."""
    p = profile(complaints=["plantar_heel"], usual_pain=2, session_minutes=40)
    flared = replace(CALM, flares=(Flare(start=9, days=3, rise=3),))
    sim = simulate(p, MON, 4, flared)
    calm = simulate(p, MON, 4, CALM)
    assert any(rx.scheme == "plyometric" for s in calm.final if s.week <= 2 for rx in s.exercises)
    plan = walk(p, CATALOG, MON, 4, log=sim.log, today=MON + 27 * DAY).plan
    gaps = [w.message for w in plan.warnings if w.rule == "R-SCHED-5" and "Weeks 1-2" in w.message]
    assert gaps, [w.message for w in plan.warnings]
    for message in gaps:
        assert "R-PAIN-2b" in message and "flare" in message, message
        assert "hard-run days" not in message, message


# ------------------------------------------------------------------ after a clearance


def test_after_a_clearance_the_protocol_restarts_at_the_bottom_of_its_ladder_R_PAIN_2a():
    """An Achilles athlete at 3x12RM reports calf swelling on a lighter-week Friday (a red flag,
    R-PAIN-2a) and is cleared 6 days later. The session says "the plan restarts at the bottom
    of the complaint's ladder", but gave 3x12RM: the week the red flag cut short was closed only
    after the reset and counted again. The bottom is the protocol's first step, 3x15RM."""
    p = profile(complaints=["achilles"], usual_pain=2)
    flagged = replace(CALM, red_flag=RedFlag(day=24, flag="swelling", clear_after=6))
    sim = simulate(p, MON, 8, flagged)
    back = [d for d in sorted(sim.shown) if d > MON + 24 * DAY and sim.shown[d].status == "planned"]
    assert back
    first = sim.shown[back[0]]
    assert "Cleared by a clinician" in " ".join(texts(rx) for rx in first.exercises)
    protocol = [rx for rx in first.exercises if rx.scheme == "rehab"]
    assert protocol and all(rx.reps == 15 and rx.sets == 3 for rx in protocol), [
        (rx.exercise, rx.sets, rx.reps) for rx in protocol
    ]


# ------------------------------------------------------------------ a closed complaint


def test_a_closed_calf_strains_ladder_runs_once_a_week_and_says_why_R_PAIN_4():
    """A calf strain closes (R-PAIN-4: 4 weeks of morning pain <= 1/10 and a heel-raise test
    with a limb symmetry index >= 90) on 16 February; "its protocol then runs once a week for 8
    more weeks". The ladder's steps 1-3 are light and isometric work, which the once-a-week
    count did not see, so the ladder ran every session; and nothing said the complaint had
    closed, while the rotation's calf blocks came back ("never silently")."""
    p = profile(complaints=["calf_strain"], usual_pain=1)
    closing = replace(
        behaviour(seed=11, checkin_rate=1.0, calm=0), hop_days=(40, 50), test_days=(41,)
    )
    sim = simulate(p, MON, 12, closing)
    closed = [
        d
        for d in sorted(sim.shown)
        if any("closed on" in r.text for rx in sim.shown[d].exercises for r in rx.reasons)
    ]
    assert closed, "the complaint never closed in this history"
    weeks: dict[int, int] = {}
    for d in closed:
        s = sim.shown[d]
        if any("of the criteria ladder" in texts(rx) for rx in s.exercises):
            weeks[s.week] = weeks.get(s.week, 0) + 1
    assert weeks and max(weeks.values()) == 1, weeks
    first = closed[0]
    assert all(d in closed for d in sim.shown if d >= first and sim.shown[d].exercises)


def test_a_closed_complaints_protocol_ends_after_8_weeks_and_says_so_R_PAIN_4():
    """R-PAIN-4: "its protocol then runs once a week for 8 more weeks". It ran on for as long
    as the plan did (``rules.CLOSED_PROTOCOL_WEEKS`` was read nowhere), every session saying
    "for 8 more weeks"."""
    p = profile(complaints=["calf_strain"], usual_pain=1)
    closing = replace(
        behaviour(seed=11, checkin_rate=1.0, calm=0), hop_days=(40, 50), test_days=(41,)
    )
    sim = simulate(p, MON, 20, closing)
    closed_on = dt.date(2026, 2, 16)
    said = {
        d: " ".join(texts(rx) for rx in s.exercises) for d, s in sim.shown.items() if s.exercises
    }
    assert any(f"closed on {closed_on}" in t for t in said.values()), "no closure"
    end = closed_on + dt.timedelta(weeks=8)
    after = [d for d in said if d >= end]
    assert after
    for d in after:
        assert "of the criteria ladder" not in said[d], (d, said[d])
        assert f"ended on {end}" in said[d], (d, said[d])
    assert any("of the criteria ladder" in said[d] for d in said if closed_on <= d < end)
