"""The complaint protocols' RM ladders (R-PAIN-3 heavy slow resistance, R-PAIN-4 high-load
heel raise, R-PAIN-5): a ladder never skips a step, however many weeks held it (a lighter
week, race week: D-139, D-153). Read from the plan as given, never from the engine's state."""

from __future__ import annotations

import datetime as dt

from hypothesis import example, given
from hypothesis import strategies as st
from tests.strategies import CATALOG, examples, plan_requests, planned, with_races

from calfcoach.core import rules
from calfcoach.core.models import Profile, Race, Session
from calfcoach.core.planner import build_plan

MANY = examples(150, 40)

# The reviewer's plan: a lighter week (4) and race week (5) in a row held 3x12RM, and week 6
# jumped to 4x8RM, skipping 4x10RM.
ACHY_MID = Profile.model_validate(
    {
        "name": "Achy Mid",
        "sex": "male",
        "birth_year": 1978,
        "body_mass_kg": 80.0,
        "level": "intermediate",
        "equipment": ["dumbbell", "step", "band", "towel", "jump_rope"],
        "free_days": ["mon", "wed", "fri", "sat"],
        "runs": [
            {"day": "tue", "kind": "hard"},
            {"day": "thu", "kind": "easy"},
            {"day": "sun", "kind": "long"},
        ],
        "races": [{"date": "2027-01-10", "distance_km": 21.1}],
        "complaints": ["achilles"],
        "usual_pain": 2,
        "units": "metric",
    }
)


def _ladder(table: tuple[rules.ProtocolStep, ...]) -> list[int]:
    return [t.reps for t in table]


LADDERS = (_ladder(rules.ACHILLES_HSR), _ladder(rules.PLANTAR_HEEL_RAISE))


def rm_skips(sessions: list[Session]) -> list[tuple[object, ...]]:
    """Protocol blocks whose RM step is more than one step above (fewer reps than the step
    after) the exercise's last protocol session given, or a second new step in one plan week:
    (date, exercise, reps before, reps now). Load-finding sessions keep the step too."""
    last: dict[str, tuple[int, int]] = {}  # exercise -> (reps, plan week that step began)
    out: list[tuple[object, ...]] = []
    for s in sessions:
        for rx in s.exercises:
            if rx.scheme != "rehab" or rx.reps is None or rx.tempo is None:
                continue
            ladder = next((lad for lad in LADDERS if rx.reps in lad), None)
            if ladder is None:
                continue
            if rx.exercise in last:
                before, began = last[rx.exercise]
                if before in ladder and rx.reps < before:
                    i = ladder.index(before)
                    if ladder.index(rx.reps) > i + 1 or began == s.week:
                        out.append((s.date, rx.exercise, before, rx.reps))
            if rx.exercise not in last or last[rx.exercise][0] != rx.reps:
                last[rx.exercise] = (rx.reps, s.week)
    return out


@MANY
@given(plan_requests())
@example((ACHY_MID, dt.date(2026, 12, 7), 8))
def test_a_protocols_rm_step_never_skips_one_nor_takes_two_in_a_week_R_PAIN_3_R_PAIN_5(req):
    # R-PAIN-3/5: the protocol's week ladder governs; held weeks (lighter, race week) keep
    # the step (D-139, D-153), and after them the next step is the one after the last given.
    profile, start, weeks = req
    plan = build_plan(profile, CATALOG, start, weeks)
    assert rm_skips(planned(plan)) == []


@MANY
@given(plan_requests(), st.integers(14, 60), st.sampled_from(("achilles", "plantar_heel")))
def test_a_lighter_week_then_a_race_week_never_skip_a_protocol_step_R_PAIN_5(req, days, complaint):
    # The same with a protocol and a race forced, so a held lighter week and race week meet.
    profile, start, weeks = req
    update = {"complaints": frozenset({complaint}), "equipment": profile.equipment | {"dumbbell"}}
    profile = profile.model_copy(update=update)
    profile = with_races(profile, [Race(date=start + dt.timedelta(days=days), distance_km=21.1)])
    plan = build_plan(profile, CATALOG, start, max(weeks, 12))
    assert rm_skips(planned(plan)) == []


def steps_left_after_one_session(sessions: list[Session]) -> list[tuple[object, ...]]:
    """RM steps a protocol moved on from (to a heavier RM) without a plan week in which that
    step was given in at least 2 protocol sessions, the week that counts (R-PAIN-5):
    (date of the next step, exercise, reps before, reps now, the step's sessions by week)."""
    out: list[tuple[object, ...]] = []
    at: dict[str, tuple[int, dict[int, int]]] = {}  # exercise -> (reps, sessions per week)
    for s in sessions:
        for rx in s.exercises:
            if rx.scheme != "rehab" or rx.reps is None or rx.tempo is None:
                continue
            if not any(rx.reps in lad for lad in LADDERS):
                continue
            reps, weeks = at.get(rx.exercise, (rx.reps, {}))
            if rx.reps != reps:
                if rx.reps < reps and max(weeks.values(), default=0) < 2:
                    out.append((s.date, rx.exercise, reps, rx.reps, dict(weeks)))
                reps, weeks = rx.reps, {}
            weeks[s.week] = weeks.get(s.week, 0) + 1
            at[rx.exercise] = (reps, weeks)
    return out


@MANY
@given(plan_requests(), st.integers(14, 60), st.sampled_from(("achilles", "plantar_heel")))
@example((ACHY_MID, dt.date(2026, 12, 7), 10), 34, "achilles")
def test_a_protocol_rm_step_never_passes_without_a_week_that_counts_R_PAIN_5(req, days, complaint):
    # R-PAIN-5: "a week counts only with at least 2 logged protocol sessions". A step begun in a
    # week a race's recovery left one session (Achy Mid: 4x10RM once on Fri 15 January, then
    # 4x8RM) is given again the week after, never passed after a single session (D-187's gap).
    profile, start, weeks = req
    update = {"complaints": frozenset({complaint}), "equipment": profile.equipment | {"dumbbell"}}
    profile = profile.model_copy(update=update)
    profile = with_races(profile, [Race(date=start + dt.timedelta(days=days), distance_km=21.1)])
    plan = build_plan(profile, CATALOG, start, max(weeks, 12))
    assert steps_left_after_one_session(planned(plan)) == []
