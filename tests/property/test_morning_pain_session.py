"""R-PAIN-2 (D-167): a morning at usual + 2 makes the session lighter, never fuller.

A clinical review (stop 24) found an Achilles protocol session that, on a morning at usual + 2,
took one set off each protocol block and then, in the minutes that freed, added a light
straight-knee block that the same session on a calm morning did not hold. Over random
profiles, plans and days: the same day's session after a calm morning and after a morning at
usual + 2, with the same calm check-ins before; where the engine made its cut ("one set
fewer"), the cut session holds no calf exercise the calm one does not, and no block of it
has more sets.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from hypothesis import example, given
from hypothesis import strategies as st
from tests.sim import CATALOG, Simulation, behaviour, simulate
from tests.strategies import describe, examples, is_ramp, plan_requests

from calfcoach.core import rules
from calfcoach.core.engine import walk
from calfcoach.core.models import CheckIn, Profile, Session
from calfcoach.core.planner import build_plan

FOOT = frozenset({"skill"})
"""Foot and balance work (R-SCH-5): not calf load; the freed minutes may go to it."""


def _session(
    profile: Profile,
    start: dt.date,
    weeks: int,
    day: dt.date,
    pain: int,
    before: Simulation,
) -> Session | None:
    """The session of ``day`` after a morning check-in at ``pain``, for an athlete who trained
    as prescribed and checked in calm every morning before it (``before``)."""
    log = before.log.up_to(day - dt.timedelta(days=1))
    log = replace(log, checkins=(*log.checkins, CheckIn(date=day, pain=pain, stiffness=1)))
    fixed = {d: s for d, s in before.fixed.items() if d < day}
    result = walk(profile, CATALOG, start, weeks, log=log, today=day, fixed=fixed)
    return next((s for s in result.plan.sessions if s.date == day), None)


# The review's athlete: Achilles, usual 2, Mon/Wed/Fri/Sun free, hard Tuesday, long Saturday;
# on Wednesday 6 January, after Monday's session, a light straight-knee block joined the cut
# protocol (kept as an explicit example: it fails without D-167).
REVIEWED = Profile(
    level="intermediate",
    body_mass_kg=80.0,
    equipment=frozenset({"dumbbell", "step", "jump_rope", "towel", "band"}),
    free_days=frozenset({"mon", "wed", "fri", "sun"}),
    runs=({"day": "sat", "kind": "long"}, {"day": "tue", "kind": "hard"}),
    complaints=frozenset({"achilles"}),
    usual_pain=2,
)

# D-172: one Monday a week, three complaints, 39 minutes. The sore morning holds every dose
# (no step up), so its light straight-knee raises were shorter than the calm morning's and fitted
# beside the cut protocol, where the calm session's budget had no room for them.
HELD_SHORTER = Profile(
    level="novice",
    free_days=frozenset({"mon"}),
    session_minutes=39,
    complaints=frozenset({"achilles", "achilles_insertional", "plantar_heel"}),
)

# D-178: the calm Wednesday holds pogo hops beside the protocol; on the sore one the complaint's
# gate shuts the hops, and light straight-knee raises stood in for them.
HOPS_SHUT = Profile(
    level="novice",
    free_days=frozenset({"mon", "wed"}),
    session_minutes=46,
    complaints=frozenset({"achilles", "achilles_insertional", "plantar_heel"}),
)


def _calm_and_sore(req, data):
    """A drawn (or given) session day of the plan, made after a calm morning (usual pain) and
    after a sore one (usual + 2), from the same history; None where either is no planned
    session."""
    profile, start, weeks = req
    days = [s.date for s in build_plan(profile, CATALOG, start, weeks).sessions]
    if not days:
        return None
    day = data if isinstance(data, dt.date) else data.draw(st.sampled_from(days))
    usual = profile.usual_pain if profile.usual_pain is not None else rules.USUAL_PAIN_DEFAULT
    before = simulate(profile, start, weeks, behaviour(checkin_rate=1.0, calm=usual))
    calm = _session(profile, start, weeks, day, usual, before)
    sore = _session(profile, start, weeks, day, usual + 2, before)
    if calm is None or sore is None or sore.status != "planned":
        return None
    return day, calm, sore


@examples(200, 25)
@given(plan_requests(max_weeks=6), st.data())
@example((REVIEWED, dt.date(2027, 1, 4), 8), dt.date(2027, 1, 6)).via("the clinical review")
@example((HELD_SHORTER, dt.date(2025, 1, 1), 3), dt.date(2025, 1, 20)).via("D-172")
@example((HOPS_SHUT, dt.date(2025, 1, 1), 3), dt.date(2025, 1, 15)).via("D-178")
def test_a_morning_at_usual_plus_2_never_adds_calf_work_to_the_session_R_PAIN_2(req, data):
    pair = _calm_and_sore(req, data)
    if pair is None:
        return
    day, calm, sore = pair
    cut = any(
        r.rule == "R-PAIN-2" and "one set fewer" in r.text
        for rx in sore.exercises
        for r in rx.reasons
    )
    if not cut:
        return  # a flare, a stop or no calf block: other rules (and tests) speak for the day
    calm_sets = {(rx.exercise, rx.scheme): rx.sets for rx in calm.exercises}
    for rx in sore.exercises:
        if rx.scheme in FOOT:
            continue
        key = (rx.exercise, rx.scheme)
        assert key in calm_sets, (day, key, [r.exercise for r in calm.exercises], describe(*req))
        assert rx.sets <= calm_sets[key], (day, key, rx.sets, calm_sets[key])


# Found on a review of unusual profiles: in a lighter week (week 4) a plantar heel protocol at
# 4 x 10RM is cut to 3 x 10 (R-PROG-5); after a morning at usual + 2 it stayed 3 x 10 ("no dose
# goes up"), where any other week loses the set (R-PAIN-2; D-146: the morning's set is a
# safety cut that applies on top of a lighter or race week's, never below 2 sets).
LIGHTER_WEEK_SORE = Profile(
    level="intermediate",
    body_mass_kg=70.0,
    equipment=frozenset({"dumbbell", "step", "towel", "band", "jump_rope"}),
    free_days=frozenset({"mon", "wed", "fri"}),
    complaints=frozenset({"plantar_heel"}),
    usual_pain=2,
)


@examples(200, 25)
@given(plan_requests(max_weeks=6), st.data())
@example((LIGHTER_WEEK_SORE, dt.date(2026, 1, 5), 6), dt.date(2026, 1, 26)).via("lighter week")
def test_a_morning_at_usual_plus_2_takes_a_set_off_a_protocol_block_in_any_week_R_PAIN_2(req, data):
    pair = _calm_and_sore(req, data)
    if pair is None:
        return
    day, calm, sore = pair
    judged = any(
        r.rule == "R-PAIN-2" and "above your usual" in r.text.lower()
        for rx in sore.exercises
        for r in rx.reasons
    )
    if not judged:
        return  # a flare (usual + 2 >= 5, or >= 3 with calf strain or shin), a stop: not this rule
    calm_sets = {(rx.exercise, rx.scheme): rx.sets for rx in calm.exercises}
    for rx in sore.exercises:
        if rx.scheme != "rehab" or is_ramp(rx):
            continue
        before_sets = calm_sets.get((rx.exercise, rx.scheme))
        if before_sets is None or before_sets <= rules.MIN_CUT_SETS:
            continue
        assert rx.sets < before_sets, (day, rx.exercise, before_sets, rx.sets, describe(*req))
