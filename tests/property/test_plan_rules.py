"""Every scheduling, dosage and coverage rule the planner claims, as properties over many
random athlete profiles (hypothesis). The checks here are written independently of the
planner's internals: they read the plan as a user would, plus the bands in `rules`."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import pytest
from hypothesis import HealthCheck, given, settings
from tests.strategies import plan_requests

from calfcoach.catalog import load_catalog
from calfcoach.core import rules
from calfcoach.core.models import DAYS, Plan, Profile, Session
from calfcoach.core.planner import build_plan

CATALOG = load_catalog()
MANY = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def make(req: tuple[Profile, dt.date, int]) -> tuple[Profile, Plan]:
    profile, start, weeks = req
    return profile, build_plan(profile, CATALOG, start, weeks)


def warned(plan: Plan, rule: str) -> bool:
    return any(w.rule == rule for w in plan.warnings)


def run_days(profile: Profile, kind: str) -> set[int]:
    return {DAYS.index(r.day) for r in profile.runs if r.kind == kind}


def week_sessions(plan: Plan) -> dict[int, list[Session]]:
    out: dict[int, list[Session]] = defaultdict(list)
    for s in plan.sessions:
        out[s.week].append(s)
    return out


def session_contacts(s: Session) -> int:
    return sum((rx.contacts or 0) * rx.sets for rx in s.exercises if rx.scheme == "plyometric")


# ------------------------------------------------------------------ scheduling


@MANY
@given(plan_requests())
def test_sessions_fall_only_on_free_days_and_never_on_consecutive_days(req):  # R-SCHED-0/2
    profile, plan = make(req)
    dates = [s.date for s in plan.sessions]
    assert dates == sorted(dates)
    for d in dates:
        assert DAYS[d.weekday()] in profile.free_days
    for a, b in zip(dates, dates[1:], strict=False):
        assert (b - a).days >= rules.MIN_DAYS_BETWEEN


@MANY
@given(plan_requests())
def test_weeks_are_seven_day_blocks_from_the_start(req):  # R-SCHED-0
    profile, start, weeks = req
    plan = build_plan(profile, CATALOG, start, weeks)
    for s in plan.sessions:
        assert s.week == (s.date - start).days // 7 + 1
        assert 1 <= s.week <= weeks


@MANY
@given(plan_requests())
def test_no_session_on_or_the_day_before_a_long_run_or_a_race(req):  # R-SCHED-4
    profile, plan = make(req)
    long_days = run_days(profile, "long")
    races = set(profile.races)
    for s in plan.sessions:
        assert s.date.weekday() not in long_days
        assert (s.date.weekday() + 1) % 7 not in long_days
        assert s.date not in races
        assert s.date + dt.timedelta(days=1) not in races


@MANY
@given(plan_requests())
def test_sessions_per_week_are_kept_or_a_warning_says_why(req):  # R-SCHED-1
    profile, plan = make(req)
    per_week = week_sessions(plan)
    for week in range(1, plan.weeks + 1):
        n = len(per_week.get(week, []))
        assert n <= profile.sessions_per_week
        if n < profile.sessions_per_week:
            assert warned(plan, "R-SCHED-1"), f"week {week}: {n} sessions, no R-SCHED-1 warning"


@MANY
@given(plan_requests())
def test_a_week_with_two_sessions_uses_a_pair_48_to_72_hours_apart_or_warns(req):  # R-SCHED-2
    _, plan = make(req)
    for week, sessions in week_sessions(plan).items():
        if len(sessions) < 2:
            continue
        gaps = [(b.date - a.date).days for a, b in zip(sessions, sessions[1:], strict=False)]
        if not any(2 <= g <= 3 for g in gaps):
            assert warned(plan, "R-SCHED-2"), f"week {week} gaps {gaps} without warning"


@MANY
@given(plan_requests())
def test_a_pair_two_to_three_days_apart_is_used_whenever_the_free_days_allow_one(req):
    # R-SCHED-2: "where the athlete's free days allow a pair 2-3 days apart, the plan uses one".
    profile, start, weeks = req
    plan = build_plan(profile, CATALOG, start, weeks)
    if profile.sessions_per_week < 2:
        return
    long_days = run_days(profile, "long")
    races = set(profile.races)
    per_week = week_sessions(plan)
    for week in range(1, weeks + 1):
        sessions = per_week.get(week, [])
        if len(sessions) < 2:
            continue
        week_start = start + dt.timedelta(days=7 * (week - 1))
        prev = [s.date for s in plan.sessions if s.date < week_start]
        earliest = prev[-1] + dt.timedelta(days=2) if prev else week_start
        ok = []
        for i in range(7):
            d = week_start + dt.timedelta(days=i)
            if d < earliest or DAYS[d.weekday()] not in profile.free_days:
                continue
            if d.weekday() in long_days or (d.weekday() + 1) % 7 in long_days:
                continue
            if d in races or d + dt.timedelta(days=1) in races:
                continue
            ok.append(d)
        possible = any(2 <= (b - a).days <= 3 for a in ok for b in ok)
        gaps = [(b.date - a.date).days for a, b in zip(sessions, sessions[1:], strict=False)]
        if possible:
            assert any(2 <= g <= 3 for g in gaps), f"week {week}: {gaps} though {ok} allows"


@MANY
@given(plan_requests())
def test_a_session_the_day_before_a_hard_run_is_always_warned(req):  # R-SCHED-4
    profile, plan = make(req)
    hard = run_days(profile, "hard")
    for s in plan.sessions:
        if (s.date.weekday() + 1) % 7 in hard:
            assert warned(plan, "R-SCHED-4")


@MANY
@given(plan_requests())
def test_no_heavy_or_plyometric_work_in_the_seven_days_before_a_race(req):  # R-SCHED-4
    profile, plan = make(req)
    for s in plan.sessions:
        if any(0 < (race - s.date).days <= 7 for race in profile.races):
            assert not {rx.scheme for rx in s.exercises} & {"heavy", "plyometric"}, s


@MANY
@given(plan_requests())
def test_two_consecutive_weeks_never_repeat_the_same_session(req):  # R-SCHED-3
    _, plan = make(req)
    per_week = week_sessions(plan)

    def sig(s: Session) -> tuple[str, ...]:
        return tuple(sorted(f"{rx.exercise}/{rx.scheme}" for rx in s.exercises))

    for week in range(2, plan.weeks + 1):
        before = {sig(s) for s in per_week.get(week - 1, [])}
        for s in per_week.get(week, []):
            if sig(s) in before:
                assert warned(plan, "R-SCHED-3"), f"week {week} repeats {sig(s)}"


@MANY
@given(plan_requests())
def test_every_two_week_cycle_trains_both_knee_angles_heavy_light_and_plyometrics(req):
    # R-SCHED-5 (R-EX-3): over each complete 2-week cycle, or a warning names the gap.
    profile, plan = make(req)
    per_week = week_sessions(plan)
    for first in range(1, plan.weeks, 2):
        rxs = [rx for w in (first, first + 1) for s in per_week.get(w, []) for rx in s.exercises]
        calf = [(CATALOG.get(rx.exercise), rx) for rx in rxs]
        calf = [(e, rx) for e, rx in calf if e.region == "calf"]
        found = {
            "straight": any(e.knee == "straight" and rx.scheme != "plyometric" for e, rx in calf),
            "bent": any(e.knee == "bent" for e, rx in calf),
            "heavy": any(rx.scheme == "heavy" for _, rx in calf),
            "light": any(rx.scheme == "light" for _, rx in calf),
            "plyometric": any(rx.scheme == "plyometric" for _, rx in calf),
        }
        for need, ok in found.items():
            if not ok:
                assert any(
                    w.rule == "R-SCHED-5" and need[:5] in w.message for w in plan.warnings
                ), f"cycle from week {first}: no {need} block and no R-SCHED-5 warning"


@MANY
@given(plan_requests())
def test_foot_work_every_week(req):  # R-SCHED-6
    _, plan = make(req)
    per_week = week_sessions(plan)
    for week in range(1, plan.weeks + 1):
        sessions = per_week.get(week, [])
        if not sessions:
            assert warned(plan, "R-SCHED-6")
            continue
        regions = {CATALOG.get(rx.exercise).region for s in sessions for rx in s.exercises}
        assert regions & {"foot", "ankle"}, f"week {week} has no foot work"


@MANY
@given(plan_requests())
def test_each_session_fits_the_time_budget_or_warns(req):  # R-SCHED-7
    profile, plan = make(req)
    for s in plan.sessions:
        if s.minutes > profile.session_minutes:
            assert warned(plan, "R-SCHED-7")


# ------------------------------------------------------------------ dosage


@MANY
@given(plan_requests())
def test_every_prescription_stays_inside_its_scheme_band(req):  # R-SCH-1..4, R-SCH-6
    profile, plan = make(req)
    for s in plan.sessions:
        for rx in s.exercises:
            assert rx.sets >= 1 and rx.rest_seconds >= 0
            doses = [rx.reps, rx.seconds, rx.distance_m, rx.contacts]
            assert any(d is not None for d in doses), rx
            if rx.scheme == "light":
                assert rx.sets in rules.LIGHT_SETS, rx
                if rx.reps is not None:
                    assert rx.reps in rules.LIGHT_REPS, rx
                else:
                    assert rx.seconds is not None and rx.seconds <= rules.LIGHT_MAX_SECONDS
            elif rx.scheme == "heavy":
                assert rx.sets in rules.HEAVY_SETS and rx.reps in rules.HEAVY_REPS, rx
                assert rx.added_load_kg and rx.added_load_kg > 0, "heavy needs load (R-SCH-2a)"
                assert rx.tempo, "heavy names its tempo (R-SCH-6)"
            elif rx.scheme == "isometric":
                assert rx.sets == rules.ISO_SETS
                if rx.seconds is not None:
                    assert rx.seconds in rules.ISO_SECONDS, rx
            elif rx.scheme == "plyometric":
                assert rx.contacts and rx.contacts > 0 and rx.per_side is False
                assert rx.seconds is not None, "plyometrics show contacts and time (R-SCH-3a)"
                assert rx.seconds <= rules.PLYO_MAX_SET_SECONDS + 1


@MANY
@given(plan_requests())
def test_plyometric_volume_starts_light_for_novices_and_climbs_at_most_20_contacts(req):
    # R-PROG-4, R-PROG-4a, R-SCH-3a
    profile, plan = make(req)
    totals = [(s.week, session_contacts(s)) for s in plan.sessions if session_contacts(s)]
    for (_, a), (_, b) in zip(totals, totals[1:], strict=False):
        assert b - a <= rules.PLYO_WEEKLY_STEP
    for week, total in totals:
        assert total <= rules.PLYO_CEILING[profile.level]
        if profile.level == "novice" and week <= 2:
            assert total <= rules.PLYO_LIGHT_MAX


@MANY
@given(plan_requests())
def test_novices_do_no_heavy_work_in_their_first_two_weeks(req):  # R-PROG-4a
    profile, plan = make(req)
    if profile.level != "novice":
        return
    for s in plan.sessions:
        if s.week <= 2:
            assert all(rx.scheme != "heavy" for rx in s.exercises)


@MANY
@given(plan_requests())
def test_plyometrics_first_heavy_before_light_foot_work_last(req):  # R-PROG-4a
    _, plan = make(req)
    for s in plan.sessions:
        schemes = [rx.scheme for rx in s.exercises]
        if "plyometric" in schemes:
            assert schemes[0] == "plyometric" or s.exercises[0].rule == "R-PAIN-4"
        if "heavy" in schemes and "light" in schemes:
            calf_light = [
                i
                for i, rx in enumerate(s.exercises)
                if rx.scheme == "light" and CATALOG.get(rx.exercise).region == "calf"
            ]
            assert all(i > schemes.index("heavy") for i in calf_light)
        regions = [CATALOG.get(rx.exercise).region for rx in s.exercises]
        first_foot = next((i for i, r in enumerate(regions) if r != "calf"), len(regions))
        assert all(r != "calf" for r in regions[first_foot:]), regions


@MANY
@given(plan_requests())
def test_a_lighter_week_every_fourth_week_cuts_volume(req):  # R-PROG-5
    _, plan = make(req)
    for s in plan.sessions:
        assert s.deload == (plan.weeks >= 4 and s.week % 4 == 0)


@MANY
@given(plan_requests())
def test_heavy_load_never_rises_more_than_ten_percent_between_exposures(req):  # R-PROG-2
    _, plan = make(req)
    last: dict[str, float] = {}
    for s in plan.sessions:
        for rx in s.exercises:
            if rx.scheme != "heavy" or rx.added_load_kg is None:
                continue
            if rx.exercise in last:
                assert rx.added_load_kg <= last[rx.exercise] * (1 + rules.LOAD_STEP_MAX) + 1e-9
            last[rx.exercise] = rx.added_load_kg


# ------------------------------------------------------------------ complaints, equipment, why


@MANY
@given(plan_requests())
def test_complaints_that_forbid_jumping_get_no_plyometrics(req):  # R-PAIN-3, R-PAIN-4
    profile, plan = make(req)
    if profile.complaints & {"achilles", "calf_strain", "shin"}:
        assert all(rx.scheme != "plyometric" for s in plan.sessions for rx in s.exercises)


@MANY
@given(plan_requests())
def test_a_complaint_protocol_repeats_in_every_session(req):  # R-PAIN-5
    profile, plan = make(req)
    for complaint in profile.complaints & {"achilles", "plantar_heel"}:
        for s in plan.sessions:
            rehab = [
                rx
                for rx in s.exercises
                if rx.scheme == "rehab" and CATALOG.get(rx.exercise).protocol == complaint
            ]
            assert len(rehab) == 1, (complaint, s)
            assert rehab[0].tempo


@MANY
@given(plan_requests())
def test_every_exercise_needs_only_equipment_the_athlete_has(req):
    profile, plan = make(req)
    for s in plan.sessions:
        for rx in s.exercises:
            ex = CATALOG.get(rx.exercise)
            assert set(ex.equipment) <= profile.equipment, (rx.exercise, ex.equipment)
            if rx.added_load_kg:
                assert (set(ex.load_with) | set(ex.equipment)) & profile.equipment


@MANY
@given(plan_requests())
def test_every_prescription_says_why_with_a_rule_id(req):  # R-WHY
    _, plan = make(req)
    for s in plan.sessions:
        for rx in s.exercises:
            assert rx.why.startswith("R-"), rx.why
    for w in plan.warnings:
        assert w.rule.startswith("R-") and w.message


@settings(max_examples=100, deadline=None)
@given(plan_requests())
def test_the_same_input_gives_the_same_plan(req):
    profile, start, weeks = req
    assert build_plan(profile, CATALOG, start, weeks) == build_plan(profile, CATALOG, start, weeks)


def test_a_profile_with_no_free_day_is_an_error():
    from calfcoach.errors import PlanningError

    profile = Profile(level="novice", free_days=frozenset())
    with pytest.raises(PlanningError, match="free_days"):
        build_plan(profile, CATALOG, dt.date(2026, 1, 5), 4)
