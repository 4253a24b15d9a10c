"""The rule sheet v2 as properties of plans built from a profile alone (no log), over many
random athletes (hypothesis): scheduling (R-SCHED-0..7, 4a, 4b), progression (R-PROG-1a, 4,
4a, 5, 7), complaints from the profile (R-PAIN-2a, 3, 4, 5), reasons (R-WHY) and determinism.
The checks read the plan as a user would, with the rule sheet and the catalog data; the shape
of each session (R-SCHED-8, R-SCH bands) is in test_session_shape.py."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from tests.strategies import (
    CATALOG,
    DAY,
    NO_JUMP_COMPLAINTS,
    PROTOCOL_COMPLAINTS,
    RULE_ID,
    after_hard,
    before_hard,
    blocked,
    calf_blocks,
    combos,
    describe,
    examples,
    first_after,
    gaps,
    held_steps_up,
    in_taper,
    is_protocol,
    is_ramp,
    light_only,
    lighter_week_reason_problems,
    long_race,
    plan_end,
    plan_requests,
    planned,
    race_week_rm_rises,
    reasons_text,
    referred,
    region,
    repeated_claims,
    run_days,
    session_contacts,
    stacked_set_cuts,
    step_claims,
    titled_names,
    tune_up,
    wanted,
    warned,
    week_label_weeks,
    week_options,
    week_sessions,
    with_races,
)

from calfcoach.core import rules
from calfcoach.core.models import DAYS, Plan, Prescription, Profile, Race, Session
from calfcoach.core.planner import build_plan
from calfcoach.core.races import is_tune_up

MANY = examples(150, 40)


def make(req: tuple[Profile, dt.date, int]) -> tuple[Profile, Plan]:
    profile, start, weeks = req
    return profile, build_plan(profile, CATALOG, start, weeks)


@st.composite
def _forced(draw: st.DrawFn, fields: dict[str, st.SearchStrategy]) -> tuple[Profile, dt.date, int]:
    profile, start, _ = draw(plan_requests())
    update: dict[str, object] = {
        "runs": (),
        "races": (),
        "bone_stress_history": False,
        "missed_periods": False,
        "complaints": frozenset(),  # no gate in the way unless a test draws one
        "session_minutes": 60,
        "free_days": frozenset(("mon", "wed", "fri")),
    }
    weeks = draw(st.integers(4, 12))
    for name, strategy in fields.items():
        value = draw(strategy)
        if name == "weeks":
            weeks = value
        elif name == "one_day":
            update.update(free_days=frozenset({"mon"}), sessions_per_week=1)
            weeks = 8
        elif name == "race_on_start":
            update["races"] = (Race(date=start, distance_km=value),)
        elif name in ("equipment", "complaints"):
            update[name] = frozenset(value) | (profile.equipment if name == "equipment" else set())
        else:
            update[name] = value
    return profile.model_copy(update=update), start, weeks


def forced(**fields: st.SearchStrategy) -> st.SearchStrategy[tuple[Profile, dt.date, int]]:
    """Plan requests where a rule always applies: no runs, no races, no complaint, Mon/Wed/Fri
    free, 60 minutes, these fields drawn."""
    return _forced(fields)


def main_block(s: Session):
    """The block the title names when it names one ("...: <exercise name>"); None when it
    names none or several (a cycle's extra block, a ladder's next step: D-140)."""
    names = titled_names(s.title)
    if len(names) != 1:
        return None
    return next(
        (rx for rx in s.exercises if CATALOG.get(rx.exercise).name.lower() == names[0]), None
    )


def earliest_in(plan: Plan, week_start: dt.date) -> dt.date | None:
    before = [s.date for s in plan.sessions if s.date < week_start]
    return before[-1] + 2 * DAY if before else None


# ------------------------------------------------------------------ R-SCHED-0 / 1 / 2


@MANY
@given(plan_requests())
def test_plan_weeks_are_seven_day_blocks_counted_from_the_start_R_SCHED_0(req):
    profile, start, weeks = req
    plan = build_plan(profile, CATALOG, start, weeks)
    assert plan.start == start and plan.weeks == weeks
    for s in plan.sessions:
        assert s.week == (s.date - start).days // 7 + 1
        assert 1 <= s.week <= weeks


@MANY
@given(plan_requests())
def test_sessions_fall_on_free_days_at_least_two_days_apart_never_consecutive_R_SCHED_0_2(req):
    profile, plan = make(req)
    dates = [s.date for s in plan.sessions]
    assert dates == sorted(dates)
    for d in dates:
        assert DAYS[d.weekday()] in profile.free_days
    assert all(g >= rules.MIN_DAYS_BETWEEN for g in gaps(dates)), gaps(dates)


@MANY
@given(plan_requests())
def test_no_session_on_or_the_day_before_a_long_run_R_SCHED_4(req):
    profile, plan = make(req)
    long_days = run_days(profile, "long")
    for s in plan.sessions:
        assert s.date.weekday() not in long_days
        assert (s.date + DAY).weekday() not in long_days


@MANY
@given(plan_requests())
def test_no_session_on_race_day_the_day_before_or_in_the_recovery_window_R_SCHED_4a(req):
    # N = 2 up to 10 km, 4 below 42.195, 7 up to 60, 10 beyond; a tune-up has no window but
    # its own day holds no session (D-16).
    profile, plan = make(req)
    for s in plan.sessions:
        assert not blocked(profile, s.date), (s.date, profile.races)


@MANY
@given(plan_requests())
def test_every_warning_names_its_rule_and_says_why_R_SCHED_0(req):
    _, plan = make(req)
    for w in plan.warnings:
        assert RULE_ID.match(w.rule), w
        assert w.message.strip() and ":" in w.message


@MANY
@given(plan_requests())
def test_sessions_per_week_are_what_the_free_days_allow_and_fewer_are_warned_R_SCHED_1(req):
    # R-SCHED-0 order (2): as many sessions as wanted where the hard rules (1) allow them;
    # R-PAIN-4: 3 by default for plantar heel and Achilles complaints; fewer is said.
    profile, start, weeks = req
    plan = build_plan(profile, CATALOG, start, weeks)
    per_week = week_sessions(plan)
    want = wanted(profile)
    for week in range(1, weeks + 1):
        week_start = start + (week - 1) * 7 * DAY
        n = len(per_week.get(week, []))
        options = week_options(profile, week_start, earliest_in(plan, week_start))
        possible = max((k for k in range(0, want + 1) if combos(options, k)), default=0)
        assert n <= want
        assert n == possible, f"week {week}: {n} sessions, the free days allow {possible}"
        if n < want:
            assert warned(plan, ("R-SCHED-1", "R-SCHED-4a"), week), f"week {week}: {n}/{want}"


@MANY
@given(plan_requests())
def test_a_pair_two_to_three_days_apart_is_used_whenever_the_free_days_allow_R_SCHED_2(req):
    # R-SCHED-0 order (3) after (2): among the ways to place this many sessions.
    profile, start, weeks = req
    plan = build_plan(profile, CATALOG, start, weeks)
    for week, sessions in week_sessions(plan).items():
        dates = [s.date for s in sessions]
        if len(dates) < 2:
            continue
        week_start = start + (week - 1) * 7 * DAY
        options = week_options(profile, week_start, earliest_in(plan, week_start))
        can = any(any(2 <= g <= 3 for g in gaps(list(c))) for c in combos(options, len(dates)))
        has = any(2 <= g <= 3 for g in gaps(dates))
        if can:
            assert has, f"week {week}: gaps {gaps(dates)} though {options} allow a pair"
        if not has:
            assert warned(plan, "R-SCHED-2", week), f"week {week}: gaps {gaps(dates)}"


@MANY
@given(plan_requests())
def test_the_day_before_a_hard_run_is_avoided_where_possible_and_warned_otherwise_R_SCHED_4(req):
    # R-SCHED-0 order (4) after (2) and (3): fewest sessions the day before a hard run (a
    # tune-up race counts) among placements with as many sessions and as good a 48-72 h pair.
    profile, start, weeks = req
    plan = build_plan(profile, CATALOG, start, weeks)
    for week, sessions in week_sessions(plan).items():
        dates = [s.date for s in sessions]
        week_start = start + (week - 1) * 7 * DAY
        options = week_options(profile, week_start, earliest_in(plan, week_start))

        def score(c: tuple[dt.date, ...] | list[dt.date]) -> tuple[int, int, int]:
            g = gaps(list(c))
            pair = 0 if len(c) < 2 or any(x <= 3 for x in g) else 1
            wide = sum(x > 3 for x in g)
            return pair, wide, sum(before_hard(profile, d) for d in c)

        best = min((score(c) for c in combos(options, len(dates))), default=None)
        if best is not None:
            assert score(dates) <= best, f"week {week}: {dates} scores {score(dates)} > {best}"
        for d in dates:
            if before_hard(profile, d):
                assert warned(plan, "R-SCHED-4", week), f"{d} is the day before a hard run"


def rm_protocol(rx: Prescription) -> bool:
    """A block of an RM protocol (R-PAIN-3 heavy slow resistance, R-PAIN-4 high-load heel
    raise): `rehab`, and not a step of the calf-strain ladder (`rehab` too, R-PAIN-5)."""
    return rx.scheme == "rehab" and not any(
        r.rule == "R-PAIN-4" and r.text.startswith("Calf strain, step ") for r in rx.reasons
    )


@MANY
@given(plan_requests())
def test_a_session_on_the_eve_of_a_hard_run_is_as_light_as_its_warning_says_R_SCHED_4b(req):
    # R-SCHED-4b: "a plan never says 'keep it light' and then prescribes heavy work". A
    # session the schedule put on the eve of a hard run holds no heavy or plyometric block; a
    # loaded protocol block (rehab: RM sets) may stay, since the complaint comes first
    # (R-SCHED-0), and then the warning names the protocol instead of calling the day light.
    profile, plan = make(req)
    for week, sessions in week_sessions(plan).items():
        eves = [s for s in sessions if s.status == "planned" and before_hard(profile, s.date)]
        for s in eves:
            kinds = {rx.scheme for rx in s.exercises}
            assert not kinds & {"heavy", "plyometric"}, f"{s.date}: {sorted(kinds)}"
        # (a calf-strain ladder step is `rehab` too, R-PAIN-5, but its holds and raises are
        # not RM sets: no "loaded sets stay" for it)
        loaded = [s for s in eves if any(rm_protocol(rx) for rx in s.exercises)]
        if not loaded:
            continue
        said = [
            w.message
            for w in plan.warnings
            if w.rule == "R-SCHED-4" and "day before" in w.message
            and week in week_label_weeks(w.message)
        ]  # fmt: skip
        assert said, f"week {week}: a loaded protocol on the eve of a hard run, not warned"
        assert all("protocol" in m and "loaded sets stay" in m for m in said), said


@MANY
@given(plan_requests())
def test_a_coverage_gap_blamed_on_races_or_hard_run_days_is_true_of_every_session_R_SCHED_5(req):
    # D-184: "every session of these two weeks falls on the day before a hard run" (or in a
    # race's taper, the light week after a marathon) only where it is so.
    profile, plan = make(req)
    by_week = week_sessions(plan)
    for w in plan.warnings:
        blamed = "every session of these two weeks falls" in w.message
        if w.rule != "R-SCHED-5" or not (blamed or "races left no day" in w.message):
            continue
        plyo = "no plyometric block" in w.message
        for week in week_label_weeks(w.message):
            for s in by_week.get(week, []):
                if s.status != "planned":
                    continue
                race = in_taper(profile, s.date) or light_only(profile, s.date)
                eve = before_hard(profile, s.date) or (plyo and after_hard(profile, s.date))
                assert race or eve, (w.message, s.date)


# ------------------------------------------------------------------ R-SCHED-4a / 4b races


@MANY
@given(plan_requests())
def test_no_heavy_or_plyometric_work_in_the_seven_days_before_a_race_R_SCHED_4(req):
    profile, plan = make(req)
    for s in plan.sessions:
        if in_taper(profile, s.date):
            assert not {rx.scheme for rx in s.exercises} & {"heavy", "plyometric"}, s


@MANY
@given(plan_requests())
def test_the_week_after_a_marathon_window_holds_light_foot_and_rehab_work_only_R_SCHED_4a(req):
    profile, plan = make(req)
    for s in plan.sessions:
        if light_only(profile, s.date):
            assert not {rx.scheme for rx in s.exercises} & {"heavy", "plyometric"}, s


@MANY
@given(plan_requests())
def test_no_rehab_in_the_two_days_before_a_race_and_one_set_fewer_in_race_week_R_SCHED_4a(req):
    profile, plan = make(req)
    last: dict[tuple[str, int], int] = {}  # (exercise, reps) -> sets outside taper and deload
    for s in planned(plan):
        taper = in_taper(profile, s.date)
        for rx in s.exercises:
            if rx.scheme != "rehab":
                continue
            days_out = [(r.date - s.date).days for r in profile.races if not tune_up(r)]
            assert not any(0 < d < rules.RACE_REHAB_LAST_DAYS_OUT for d in days_out), s
            key = (rx.exercise, rx.reps or 0)
            if is_ramp(rx):
                continue
            if taper:
                assert rx.sets >= rules.MIN_CUT_SETS
                assert any(r.rule == "R-SCHED-4a" for r in rx.reasons), rx.reasons
                if key in last and not s.deload:
                    assert rx.sets == max(rules.MIN_CUT_SETS, last[key] - 1), (rx, last[key])
            elif not s.deload:
                last[key] = rx.sets


@MANY
@given(plan_requests())
def test_no_dose_goes_up_nor_a_ladder_on_in_race_week_a_marathons_light_week_or_a_lighter_week(
    req,
):
    # R-SCHED-4a. D-147: the 7 days before a race ask nothing new of the legs (rehab keeps its
    # load; the protective reading for every block and both ladders); D-149: nor does the
    # light week after a marathon's recovery window ("recovery comes first"); D-151: nor does
    # a lighter week (R-PROG-5): the step waits for the week after it.
    profile, plan = make(req)
    for s in planned(plan):
        assert not held_steps_up(profile, s), (s.date, held_steps_up(profile, s))


@MANY
@given(plan_requests())
def test_every_session_in_race_week_names_the_race_R_SCHED_4a_R_WHY(req):
    # D-147: a session made lighter by a race says so: a protocol block's "one set fewer",
    # the protocol resting from 3 days out, or what stops (and that no dose goes up).
    profile, plan = make(req)
    for s in planned(plan):
        texts = [r.text for rx in s.exercises for r in rx.reasons if r.rule == "R-SCHED-4a"]
        if in_taper(profile, s.date):
            assert any(t.startswith("Race week (") for t in texts), (s.date, s.title, texts)
        if light_only(profile, s.date):
            # D-149: the light week after a marathon's window says what it holds, and until when.
            assert any("light, foot and rehab work only, and no dose goes up" in t for t in texts)


@MANY
@given(plan_requests())
def test_a_protocol_keeps_its_rm_load_through_race_week_and_lighter_weeks_R_SCHED_4a(req):
    # "In the 7 days before a race, rehab keeps its load" (D-139): the protocol's RM step
    # (fewer reps = a heavier load) never advances inside race week. Reps in race week are
    # never fewer than at the exercise's last session before it. D-153: nor in a lighter week,
    # whose "one set fewer, load kept" keeps the RM too (R-PROG-5).
    profile, plan = make(req)
    assert race_week_rm_rises(profile, planned(plan)) == []


@MANY
@given(plan_requests(), st.integers(0, 60), st.sampled_from(("achilles", "plantar_heel")))
def test_a_protocol_keeps_its_rm_load_through_a_marathons_light_week_R_SCHED_4a(
    req, days, complaint
):
    # D-149: the light week after a marathon's window holds the protocol's RM step as race
    # week does (D-139); the step the logged weeks earned comes after it.
    profile, start, weeks = req
    update = {"complaints": frozenset({complaint}), "equipment": profile.equipment | {"dumbbell"}}
    profile = profile.model_copy(update=update)
    marathon = Race(date=start + dt.timedelta(days=days), distance_km=42.195)
    profile = with_races(profile, [marathon])
    _, plan = make((profile, start, max(weeks, 12)))
    assert race_week_rm_rises(profile, planned(plan)) == []


@MANY
@given(plan_requests())
def test_no_reason_speaks_of_plyometrics_to_an_athlete_whose_plyometrics_are_gated_R_WHY(req):
    # A profile's complaint closes the plyometric gate for the whole plan (D-7): a race's or
    # a gap's reason then says nothing of plyometrics restarting (R-WHY, R-SCHED-4a).
    profile, plan = make(req)
    if not profile.complaints & NO_JUMP_COMPLAINTS:
        return
    for s in planned(plan):
        for rx in s.exercises:
            for r in rx.reasons:
                assert "plyometrics restart" not in r.text, (s.date, rx.exercise, r.text)


@MANY
@given(plan_requests())
def test_a_dose_step_names_the_amount_prescribed_R_WHY(req):
    # D-141: a calf-strain step holds at most 45 s while its reason said "goes up from 45 s
    # to 60 s". A step's reason names what the athlete is given (a lighter week cuts after).
    profile, plan = make(req)
    for s in planned(plan):
        if s.deload:
            continue
        for rx in s.exercises:
            for text, named, shown in step_claims(rx):
                assert shown is None or abs(named - shown) < 1e-6, (s.date, rx, text)


def _heavy_eve_case() -> tuple[Profile, dt.date, int]:
    """The plan read for D-156: Monday, the eve of a hard run, can never hold heavy work."""
    profile = Profile.model_validate(
        {
            "level": "advanced",
            "equipment": ["step", "barbell", "leg_press", "seated_calf_machine", "jump_rope"],
            "free_days": ["mon", "wed", "thu", "sat"],
            "sessions_per_week": 2,
            "runs": [
                {"day": "tue", "kind": "hard"},
                {"day": "fri", "kind": "easy"},
                {"day": "sun", "kind": "long"},
            ],
            "races": [{"date": "2027-02-21", "distance_km": 42.195}],
        }
    )
    return profile, dt.date(2027, 1, 4), 10


@MANY
@given(plan_requests())
@example(_heavy_eve_case())
def test_an_extra_heavy_block_takes_the_knee_angle_not_loaded_heavy_in_the_cycle_before_R_SCHED_3(
    req,
):
    # D-156: with the eve of a hard run ruling out one session's heavy block every week, the
    # cycle's extra heavy block (R-SCHED-5) was always straight-knee: an advanced runner with a
    # seated calf machine had no heavy bent-knee work in ten weeks.
    from calfcoach.core.engine.blocks import choices_for
    from calfcoach.core.engine.skeleton import (
        BENT_KINDS,
        HEAVY_KINDS,
        STRAIGHT_KINDS,
        build_skeleton,
    )
    from calfcoach.core.races import race_calendar

    profile, start, weeks = req
    if profile.complaints:
        return  # a protocol is the heavy work; with shin pain the ladder is every main block
    choices = choices_for(CATALOG, profile.equipment, profile.complaints)
    skeleton = build_skeleton(profile, CATALOG, start, weeks, choices, race_calendar(profile))
    cycles: dict[int, list] = {}
    for slot in skeleton.slots:
        cycles.setdefault((slot.week - 1) // rules.CYCLE_WEEKS, []).append(slot)
    before: set[str] = set()
    for c in sorted(cycles):
        heavy = set()
        mains = {slot.kind for slot in cycles[c]}
        for slot in cycles[c]:
            heavy |= {k for k in (slot.kind, *slot.extras) if k in HEAVY_KINDS}
            for extra in slot.extras:
                knee = STRAIGHT_KINDS if extra in STRAIGHT_KINDS else BENT_KINDS
                if mains.isdisjoint(knee):
                    continue  # it covers the cycle's missing knee angle first (R-SCHED-5)
                if extra in HEAVY_KINDS and before == {extra}:
                    other = next(k for k in HEAVY_KINDS if k != extra)
                    assert not choices.kind_possible(other), (slot.date, extra, before)
        before = heavy or before


_SOLEUS_FIRST = {"novice": "soleus-wall-sit", "intermediate": "tip-toe-walking"}


@MANY
@given(plan_requests())
def test_the_soleus_ladder_starts_at_the_levels_step_or_the_bottom_with_a_complaint_R_PROG_3(
    req,
):
    # D-157: the level's start step was never used: every runner began at the wall sit.
    profile, plan = make(req)
    ladder = [
        rx.exercise
        for s in planned(plan)
        for rx in s.exercises
        if any(r.rule == "R-PROG-3" for r in rx.reasons)
    ]
    if not ladder:
        return
    level = "novice" if profile.complaints else profile.level
    assert ladder[0] == _SOLEUS_FIRST.get(level, "bent-knee-heel-raise"), (level, ladder[:3])


_CLAIMS_A_LOG = re.compile(r"\b(was|were) (done|logged)\b|\byou (did|logged)\b")


@MANY
@given(plan_requests())
def test_a_plan_without_a_log_never_says_something_was_done_R_WHY(req):
    # D-158: "The top dose of soleus wall sit was done at pain <= 3/10, so the soleus ladder
    # moves on" in week 5 of a plan made today. Nothing is logged: a step planned on the
    # sessions before it says it is planned, and that the log decides (D-141).
    _, plan = make(req)
    for s in planned(plan):
        for rx in s.exercises:
            for r in rx.reasons:
                assert not _CLAIMS_A_LOG.search(r.text), (s.date, rx.exercise, r.text)


@MANY
@given(plan_requests())
def test_a_lighter_week_names_the_dose_it_gives_R_PROG_5(req):
    # D-143: every lighter week said "volume about halved, load kept", beside cuts of 0-33 %
    # (a band's floor, a protocol's one set fewer).
    _, plan = make(req)
    for s in planned(plan):
        for rx in s.exercises:
            problems = lighter_week_reason_problems(rx)
            assert not problems, (s.date, rx.exercise, problems)


@MANY
@given(plan_requests())
def test_the_first_session_after_a_race_names_the_race_R_SCHED_4a(req):
    profile, plan = make(req)
    race_days = sorted({r.date for r in profile.races})
    for day in race_days:
        if not plan.start <= day <= plan_end(plan):
            continue
        s = first_after(plan, day)
        if s is None or s.status != "planned":
            continue
        if any(day < other < s.date for other in race_days):
            continue
        labels = [r.label for r in profile.races if r.date == day]
        text = reasons_text(s)
        assert any(label in text for label in labels), (s.date, labels)
        # A tune-up (a hard run, D-16) had no recovery window: the sentence says so.
        if all(is_tune_up(r) for r in profile.races if r.date == day):
            said = [
                r.text
                for rx in s.exercises
                for r in rx.reasons
                if r.text.startswith("First session after")
                and any(f"after {label} (" in r.text for label in labels)
            ]
            assert said and all("a tune-up has no recovery window" in t for t in said), said


@MANY
@given(plan_requests())
def test_every_session_in_the_14_days_after_a_marathon_names_it_R_SCHED_4a(req):
    # (another race in between: see the unit test of the overlap in tests/unit/test_planner.py)
    profile, plan = make(req)
    for s in planned(plan):
        for r in profile.races:
            between = any(r.date <= o.date < s.date and o is not r for o in profile.races)
            if long_race(r) and 0 < (s.date - r.date).days <= 14 and not between:
                assert r.label in reasons_text(s), (s.date, r)


@MANY
@given(plan_requests())
def test_the_first_plyometric_block_after_any_race_is_50_contacts_R_SCHED_4a(req):
    profile, plan = make(req)
    race_days = sorted({r.date for r in profile.races})
    plyo = [s for s in planned(plan) if session_contacts(s)]
    for day in race_days:
        first = next((s for s in plyo if s.date > day), None)
        if first is None or any(day < other < first.date for other in race_days):
            continue
        if first is plyo[0]:
            continue  # the plan's first plyometric block: the xfail test below
        if any(day < s.date < first.date for s in plyo):
            continue
        total = session_contacts(first)
        # two-foot landings come in pairs: two bouts of 26 is "50 contacts"
        assert abs(total - rules.PLYO_RESTART_CONTACTS) <= 2, (first.date, total, day)


@MANY
@given(plan_requests())
def test_no_heavy_or_plyometric_block_the_day_before_a_hard_run_nor_plyometrics_after_R_SCHED_4b(
    req,
):
    profile, plan = make(req)
    for s in plan.sessions:
        schemes = {rx.scheme for rx in s.exercises}
        if before_hard(profile, s.date):
            assert not schemes & {"heavy", "plyometric"}, (s.date, s.title)
        if after_hard(profile, s.date):
            assert "plyometric" not in schemes, (s.date, s.title)


@MANY
@given(plan_requests())
def test_a_plan_never_says_keep_it_light_and_then_prescribes_heavy_work_R_SCHED_4b(req):
    profile, plan = make(req)
    light_weeks = {
        week
        for w in plan.warnings
        if "keep it light" in w.message.lower()
        for week in week_label_weeks(w.message)
    }
    for s in plan.sessions:
        heavy = {rx.scheme for rx in s.exercises} & {"heavy", "plyometric"}
        assert not ("keep it light" in reasons_text(s).lower() and heavy), s
        if s.week in light_weeks and before_hard(profile, s.date):
            assert not heavy, (s.date, s.title)


# ------------------------------------------------------------------ R-SCHED-3 / 5 / 6 / 7


def signature(s: Session) -> tuple[str, ...]:
    return tuple(sorted(f"{rx.exercise}/{rx.scheme}" for rx in s.exercises))


@MANY
@given(plan_requests())
def test_two_consecutive_weeks_never_repeat_a_session_R_SCHED_3(req):
    _, plan = make(req)
    per_week = week_sessions(plan)
    for week in range(2, plan.weeks + 1):
        before = {signature(s) for s in per_week.get(week - 1, []) if s.status == "planned"}
        for s in per_week.get(week, []):
            if s.status == "planned" and signature(s) in before:
                assert warned(plan, "R-SCHED-3", week), f"week {week} repeats {signature(s)}"


COVERAGE_WORDS = {
    "straight": "straight",
    "bent": "bent",
    "heavy": "heavy",
    "light": "light",
    "plyometric": "plyometric",
}


@MANY
@given(plan_requests())
def test_every_two_week_cycle_trains_both_knee_angles_heavy_light_and_jumps_or_warns_R_SCHED_5(
    req,
):
    # Complete aligned cycles (weeks 1-2, 3-4, ...; D-10); a complaint protocol's heavy slow
    # raises count as the heavy work (R-PAIN-5).
    profile, plan = make(req)
    per_week = week_sessions(plan)
    for first in range(1, plan.weeks, 2):
        sessions = per_week.get(first, []) + per_week.get(first + 1, [])
        if not sessions or any(s.status != "planned" for s in sessions):
            continue  # no session fits (warned: R-SCHED-1/6) or the plan is stopped
        calf = [(CATALOG.get(rx.exercise), rx) for s in sessions for rx in s.exercises]
        calf = [(e, rx) for e, rx in calf if e.region == "calf"]
        found = {
            "straight": any(e.knee == "straight" and rx.scheme != "plyometric" for e, rx in calf),
            "bent": any(e.knee == "bent" for e, rx in calf),
            "heavy": any(rx.scheme in ("heavy", "rehab") for _, rx in calf),
            "light": any(rx.scheme == "light" for _, rx in calf),
            "plyometric": any(rx.scheme == "plyometric" for _, rx in calf),
        }
        for need, ok in found.items():
            if not ok:
                assert any(
                    w.rule in ("R-SCHED-5", "R-SCH-2")
                    and COVERAGE_WORDS[need] in w.message.lower()
                    and first in week_label_weeks(w.message)
                    for w in plan.warnings
                ), f"cycle from week {first}: no {need} block and no warning; {plan.warnings}"


@MANY
@given(plan_requests())
def test_a_protocol_blocks_set_cuts_never_stack_in_a_race_week_that_is_a_lighter_week_R_PAIN_5(
    req,
):
    # R-PAIN-5: set cuts (lighter week, race week) never stack; R-SCHED-0: the race comes
    # before the lighter week, so its one set fewer is the cut (D-146).
    _, plan = make(req)
    for s in planned(plan):
        for rx in s.exercises:
            assert not stacked_set_cuts(rx), (s.date, rx.exercise, rx.sets, stacked_set_cuts(rx))


@MANY
@given(plan_requests())
def test_a_week_with_one_protocol_session_says_the_protocol_stays_at_its_step_R_PAIN_5(req):
    # R-PAIN-5: a protocol week counts only with 2 logged protocol sessions; a week whose
    # schedule holds one session cannot count, and the plan says so (D-152).
    profile, plan = make(req)
    weekly = {"achilles", "achilles_insertional", "plantar_heel"}
    if "calf_strain" in profile.complaints or not profile.complaints & weekly:
        return
    for week, sessions in week_sessions(plan).items():
        live = [s for s in sessions if s.status == "planned"]
        if len(live) == 1 and any(rx.scheme == "rehab" for rx in live[0].exercises):
            assert any(
                w.rule == "R-PAIN-5"
                and "stays at its step" in w.message
                and week in week_label_weeks(w.message)
                for w in plan.warnings
            ), (week, plan.warnings)


@MANY
@given(plan_requests())
def test_a_protocol_that_names_an_rm_says_what_it_means_R_PROG_1a_R_WHY(req):
    # R-PROG-1a: "xRM" in a protocol means 0-1 reps in reserve; an athlete is told so.
    _, plan = make(req)
    for s in planned(plan):
        for rx in s.exercises:
            for r in rx.reasons:
                if re.search(r"\d+x\d+RM", r.text):
                    assert "0-1 reps in reserve" in r.text, (s.date, r.text)


def _shin_only(req: tuple[Profile, dt.date, int]) -> tuple[Profile, dt.date, int]:
    """The request with shin pain as its one complaint, load at hand and time to spare."""
    profile, start, weeks = req
    update = {
        "complaints": frozenset({"shin"}),
        "equipment": profile.equipment | {"dumbbell"},
        "session_minutes": max(profile.session_minutes, 45),
    }
    return profile.model_copy(update=update), start, weeks


@MANY
@given(plan_requests().map(_shin_only))
def test_with_shin_pain_each_cycle_still_holds_heavy_straight_knee_work_R_SCHED_5_R_PAIN_4(req):
    # The soleus ladder is every session's main block with shin pain (R-PAIN-4); the cycle's
    # straight-knee and heavy work come as a short extra block on a day that allows heavy work
    # (D-145), not a warning that the sessions and minutes could not hold it.
    profile, plan = make(req)
    per_week = week_sessions(plan)
    for first in range(1, plan.weeks, 2):
        sessions = per_week.get(first, []) + per_week.get(first + 1, [])
        if not sessions or any(s.status != "planned" for s in sessions):
            continue  # no session, or a stopped plan (a referral)
        heavy_days = [
            s
            for s in sessions
            if not before_hard(profile, s.date)
            and not in_taper(profile, s.date)
            and not light_only(profile, s.date)
            and (profile.level != "novice" or s.week > rules.NOVICE_LIGHT_ONLY_WEEKS)
        ]
        if not heavy_days:
            continue
        calf = [(CATALOG.get(rx.exercise), rx) for s in sessions for rx in calf_blocks(s)]
        assert any(rx.scheme == "heavy" for _, rx in calf), (
            f"cycle from week {first}: no heavy block, though {heavy_days[0].date} allows one"
        )
        assert any(e.knee == "straight" and rx.scheme != "plyometric" for e, rx in calf), (
            f"cycle from week {first}: no straight-knee block"
        )


@MANY
@given(plan_requests())
def test_foot_work_every_week_or_a_warning_R_SCHED_6(req):
    _, plan = make(req)
    per_week = week_sessions(plan)
    for week in range(1, plan.weeks + 1):
        sessions = [s for s in per_week.get(week, []) if s.status == "planned"]
        if not per_week.get(week):
            assert warned(plan, "R-SCHED-6", week)
            continue
        if not sessions:
            continue  # stopped (R-PAIN-2a/2b): the stop wins (R-SCHED-0)
        assert any(region(rx) in ("foot", "ankle") for s in sessions for rx in s.exercises), week


@MANY
@given(plan_requests())
def test_a_session_over_the_time_budget_is_warned_R_SCHED_7(req):
    profile, plan = make(req)
    for s in planned(plan):
        assert s.minutes > 0
        if s.minutes > profile.session_minutes:
            assert warned(plan, "R-SCHED-7", s.week), (s.minutes, profile.session_minutes)


# ------------------------------------------------------------------ R-PROG


@MANY
@given(plan_requests())
def test_a_lighter_week_every_fourth_week_says_so_on_every_block_R_PROG_5(req):
    _, plan = make(req)
    for s in planned(plan):
        assert s.deload == (plan.weeks >= 4 and s.week % 4 == 0)
        if s.deload:
            assert s.title.startswith("Lighter week"), s.title
            for rx in s.exercises:
                if rx.scheme != "skill":
                    assert any(r.rule == "R-PROG-5" for r in rx.reasons), rx.reasons


def lighter_week_problems(plan: Plan) -> list[object]:
    """Lighter-week main blocks with no less volume than the heavier of the same block's
    neighbouring full-week exposures (D-4: where the band's floor stops the cut, it wins)."""
    mains: list[tuple[bool, tuple[str, str], float, Prescription]] = []
    for s in planned(plan):
        rx = main_block(s)
        if rx is not None and rx.scheme != "skill" and not is_ramp(rx):
            amount = rx.contacts or rx.reps or rx.seconds or rx.distance_m or 0
            mains.append((s.deload, (rx.exercise, rx.scheme), rx.sets * amount, rx))
    problems: list[object] = []
    for i, (deload, key, volume, rx) in enumerate(mains):
        after = [v for d, k, v, _ in mains[i + 1 :] if k == key and not d][:1]
        before = [v for d, k, v, _ in mains[:i] if k == key and not d][-1:]
        if not deload or not (after or before):
            continue
        floor = (
            (rx.scheme == "plyometric" and volume <= rules.MAIN_BLOCK_MIN_CONTACTS + 2)
            or (rx.scheme == "isometric" and rx.seconds == rules.ISO_SECONDS.low)
            or (rx.scheme == "light" and rx.reps == rules.LIGHT_REPS.low)
            or (rx.scheme == "light" and rx.seconds is not None and rx.seconds <= 30)
        ) and rx.sets <= rules.MAIN_BLOCK_MIN_SETS
        if volume > max(after + before) or (volume == max(after + before) and not floor):
            problems.append((rx.exercise, rx.sets, volume, before, after))
    return problems


def test_a_lighter_weeks_main_block_has_less_volume_than_the_weeks_around_it_R_PROG_5():
    # (A comparison by sets x reps ignores load: a full week after a load step at the bottom
    # rung may carry the same sets x reps as the lighter week before it; not a case here.)
    cases = [
        ({"level": "novice", "free_days": ["mon", "tue", "wed"]}, dt.date(2025, 1, 1), 4),
        ({"level": "intermediate", "free_days": ["mon", "thu"]}, dt.date(2025, 1, 6), 8),
    ]
    for data, start, weeks in cases:
        plan = build_plan(Profile.model_validate(data), CATALOG, start, weeks)
        assert not lighter_week_problems(plan), (data, lighter_week_problems(plan))


@MANY
@given(plan_requests())
def test_plyometric_contacts_start_light_and_climb_at_most_20_a_session_R_PROG_4(req):
    # (after a lighter week, and the level's ceiling: the xfail tests below)
    profile, plan = make(req)
    totals = [(s.week, session_contacts(s)) for s in planned(plan) if session_contacts(s)]
    full = [s for s in planned(plan) if session_contacts(s) and not s.deload]
    for a, b in zip(full, full[1:], strict=False):
        # "about 20": two-foot landings come in pairs, so each bout may round up by 1 pair
        bouts = sum(rx.sets for rx in b.exercises if rx.scheme == "plyometric")
        step = session_contacts(b) - session_contacts(a)
        assert step <= rules.PLYO_WEEKLY_STEP + 2 * bouts, totals
    for week, total in totals:
        assert total <= rules.PLYO_CEILING[profile.level] + 4
        if profile.level == "novice" and week <= rules.NOVICE_LIGHT_ONLY_WEEKS:
            assert total <= rules.PLYO_LIGHT_MAX
    if totals and profile.level == "novice":
        assert totals[0][1] <= rules.PLYO_LIGHT_MAX


@examples(50, 5)
@given(forced(level=st.just("intermediate"), equipment=st.just(set()), one_day=st.just(True)))
def test_after_a_lighter_week_plyometric_contacts_climb_back_at_most_20_R_PROG_4(req):
    _, plan = make(req)
    totals = [session_contacts(s) for s in planned(plan) if session_contacts(s)]
    assert len(totals) >= 2
    for a, b in zip(totals, totals[1:], strict=False):
        assert b - a <= rules.PLYO_WEEKLY_STEP + 2, totals


@examples(50, 5)
@given(forced(level=st.just("advanced"), equipment=st.just(set()), weeks=st.just(24)))
def test_plyometric_contacts_never_pass_the_levels_ceiling_R_PROG_4(req):
    profile, plan = make(req)
    totals = [session_contacts(s) for s in planned(plan)]
    # (D-3: lighter weeks every 4th week and the +20 climb back may keep it below the top.)
    assert max(totals) <= rules.PLYO_CEILING[profile.level], totals


@MANY
@given(plan_requests())
def test_a_novices_first_two_weeks_hold_no_heavy_work_R_PROG_4a(req):
    profile, plan = make(req)
    if profile.level != "novice":
        return
    for s in plan.sessions:
        if s.week <= rules.NOVICE_LIGHT_ONLY_WEEKS:
            assert all(rx.scheme != "heavy" for rx in s.exercises), s


@MANY
@given(plan_requests())
def test_plyometrics_first_heavy_before_light_and_foot_work_last_R_PROG_4a(req):
    _, plan = make(req)
    for s in planned(plan):
        schemes = [rx.scheme for rx in s.exercises]
        if "plyometric" in schemes:
            assert schemes[0] == "plyometric", schemes
        calf = [(i, rx.scheme) for i, rx in enumerate(s.exercises) if region(rx) == "calf"]
        heavy = [i for i, sc in calf if sc == "heavy"]
        light = [i for i, sc in calf if sc == "light"]
        assert not heavy or not light or max(heavy) < min(light), schemes
        regions = [region(rx) for rx in s.exercises]
        first_foot = next((i for i, r in enumerate(regions) if r != "calf"), len(regions))
        assert all(r != "calf" for r in regions[first_foot:]), regions


@MANY
@given(plan_requests())
def test_heavy_load_rises_at_most_ten_percent_between_exposures_R_PROG_2(req):
    _, plan = make(req)
    last: dict[str, float] = {}
    for s in planned(plan):
        for rx in s.exercises:
            if rx.scheme not in ("heavy", "rehab") or not rx.added_load_kg or is_ramp(rx):
                continue
            if rx.exercise in last and last[rx.exercise] > 0:
                # R-PROG-7: where the smallest step is more than 10 %, one step of it
                steps = [rules.LOAD_INCREMENT_KG[e] for e in CATALOG.get(rx.exercise).load_with]
                step = max(last[rx.exercise] * rules.LOAD_STEP_MAX, min(steps, default=0.0))
                assert rx.added_load_kg <= last[rx.exercise] + step + 1e-9, rx
            last[rx.exercise] = rx.added_load_kg


@MANY
@given(plan_requests())
def test_the_first_heavy_exposure_is_a_load_finding_ramp_from_a_stated_start_R_PROG_1a(req):
    # At most 4 ramp sets; body weight for standing raises, 25 % of body mass on machines;
    # the plan says the shown load is a starting point.
    profile, plan = make(req)
    seen: set[str] = set()
    for s in planned(plan):
        for rx in s.exercises:
            if rx.scheme != "heavy" or rx.exercise in seen:
                continue
            seen.add(rx.exercise)
            assert is_ramp(rx), (s.date, rx.exercise, [r.rule for r in rx.reasons])
            assert rx.sets <= rules.RAMP_MAX_SETS
            ex = CATALOG.get(rx.exercise)
            if ex.machine:
                mass = profile.body_mass_kg or rules.ASSUMED_BODY_MASS_KG
                assert rx.added_load_kg is not None
                assert abs(rx.added_load_kg - 0.25 * mass) <= 5.0, (rx.added_load_kg, mass)
            else:
                assert rx.added_load_kg in (0, 0.0), rx.added_load_kg


@MANY
@given(plan_requests())
def test_without_load_equipment_there_is_no_heavy_block_and_a_warning_says_so_R_SCH_2a(req):
    profile, plan = make(req)
    if profile.equipment & rules.LOAD_EQUIPMENT:
        return
    sessions = planned(plan)
    assert all(rx.scheme != "heavy" for s in sessions for rx in s.exercises)
    cycles = plan.weeks >= 2 and not profile.complaints & PROTOCOL_COMPLAINTS
    if cycles and len(sessions) >= 2 and not referred(profile):
        assert warned(plan, ("R-SCH-2", "R-SCH-2a")), plan.warnings


@MANY
@given(plan_requests())
def test_a_machine_the_athlete_owns_carries_the_heavy_work_R_PROG_7(req):
    # A leg press carries heavy work at both knee angles, a seated calf machine the bent-knee
    # heavy work (machines take the heel below the platform: not with insertional pain).
    profile, plan = make(req)
    if "achilles_insertional" in profile.complaints:
        return
    for s in planned(plan):
        for rx in s.exercises:
            if rx.scheme != "heavy":
                continue
            ex = CATALOG.get(rx.exercise)
            if "leg_press" in profile.equipment:
                assert ex.machine, rx.exercise
            if "seated_calf_machine" in profile.equipment and ex.knee == "bent":
                assert ex.machine, rx.exercise


@examples(100, 10)
@given(
    forced(
        equipment=st.sampled_from(({"seated_calf_machine"}, {"leg_press"})),
        complaints=st.sampled_from(({"achilles"}, {"achilles", "plantar_heel"})),
    )
)
def test_a_machine_the_athlete_owns_carries_the_bent_knee_protocol_raise_R_PROG_7(req):
    profile, plan = make(req)
    machines = profile.equipment & {"leg_press", "seated_calf_machine"}
    assert machines and planned(plan)
    assert any(rx.scheme == "rehab" for s in planned(plan) for rx in s.exercises)
    for s in planned(plan):
        for rx in s.exercises:
            ex = CATALOG.get(rx.exercise)
            if rx.scheme == "rehab" and ex.knee == "bent":
                assert ex.machine, (machines, rx.exercise)


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


# ------------------------------------------------------------------ complaints (R-PAIN)


@MANY
@given(plan_requests())
def test_shin_with_bone_stress_history_or_missed_periods_stops_every_session_R_PAIN_2a(req):
    profile, plan = make(req)
    if not referred(profile):
        assert all(s.status == "planned" for s in plan.sessions)
        return
    for s in plan.sessions:
        assert s.status == "stopped" and s.exercises == ()
        advice = (s.advice or "").lower()
        assert any(who in advice for who in ("clinician", "doctor", "physio")), s.advice


@MANY
@given(plan_requests())
def test_a_complaint_protocol_block_runs_every_session_R_PAIN_5(req):
    # ... except in the 2 days before a race (its last session >= 3 days out, R-SCHED-4a).
    profile, plan = make(req)
    if not profile.complaints & PROTOCOL_COMPLAINTS or referred(profile):
        return
    for s in planned(plan):
        protocol = [rx for rx in s.exercises if is_protocol(rx)]
        near_race = any(
            0 < (r.date - s.date).days < rules.RACE_REHAB_LAST_DAYS_OUT
            for r in profile.races
            if not tune_up(r)
        )
        if near_race:
            assert not any(rx.scheme == "rehab" for rx in s.exercises)
            continue
        assert protocol, (s.date, s.title)
        assert len(protocol) <= 2, [rx.exercise for rx in protocol]
        knees = [CATALOG.get(rx.exercise).knee for rx in protocol]
        assert len(set(knees)) == len(knees), knees
        complaints = " ".join(r.text.lower() for rx in protocol for r in rx.reasons)
        assert any(c.replace("_", " ").split()[0] in complaints for c in profile.complaints)


@MANY
@given(plan_requests())
def test_protocol_raises_follow_the_protocol_tables_and_tempo_R_PAIN_3_4(req):
    profile, plan = make(req)
    achilles = profile.complaints & {"achilles", "achilles_insertional"}
    plantar = "plantar_heel" in profile.complaints
    if "calf_strain" in profile.complaints or not (achilles or plantar) or referred(profile):
        return
    allowed = set()
    if achilles:
        allowed |= {step.reps for step in rules.ACHILLES_HSR}
    if plantar:
        allowed |= {step.reps for step in rules.PLANTAR_HEEL_RAISE}
    reps_seen: list[int] = []
    for s in planned(plan):
        rehab = [rx for rx in s.exercises if rx.scheme == "rehab"]
        for rx in rehab:
            assert rx.reps in allowed, rx
            assert rx.tempo in (rules.ACHILLES_HSR_TEMPO, rules.PLANTAR_HEEL_TEMPO), rx.tempo
            assert rules.MIN_CUT_SETS <= rx.sets <= 5
            ex = CATALOG.get(rx.exercise)
            if plantar and ex.knee == "straight":
                assert "plantar_heel" in ex.protocols, rx.exercise  # the towel raise
                assert rx.tempo == rules.PLANTAR_HEEL_TEMPO
        if rehab:
            reps_seen.append(max(rx.reps or 0 for rx in rehab))
    assert reps_seen == sorted(reps_seen, reverse=True), reps_seen


@MANY
@given(plan_requests())
def test_insertional_achilles_pain_never_gets_a_heel_drop_exercise_R_PAIN_5(req):
    profile, plan = make(req)
    if "achilles_insertional" not in profile.complaints:
        return
    for s in plan.sessions:
        for rx in s.exercises:
            assert not CATALOG.get(rx.exercise).heel_drop, rx.exercise


@MANY
@given(plan_requests())
def test_a_calf_strain_starts_at_step_1_of_its_ladder_at_both_knee_angles_R_PAIN_4(req):
    profile, plan = make(req)
    if "calf_strain" not in profile.complaints or referred(profile):
        return
    sessions = [s for s in planned(plan) if any(is_protocol(rx) for rx in s.exercises)]
    if not sessions:
        return
    first = [rx for rx in sessions[0].exercises if is_protocol(rx)]
    steps = {CATALOG.get(rx.exercise).steps.get("calf_strain") for rx in first}
    assert steps == {1}, [rx.exercise for rx in first]
    assert {CATALOG.get(rx.exercise).knee for rx in first} == {"straight", "bent"}


@MANY
@given(plan_requests())
def test_no_plyometrics_while_a_complaint_gate_is_closed_nor_single_leg_hops_R_PAIN_3_4(req):
    # A plan from a profile alone has no log to open a gate (D-7), and single-leg hops come
    # only after rope skipping is easy (R-SCH-3a, D-8).
    profile, plan = make(req)
    for s in plan.sessions:
        for rx in s.exercises:
            if rx.scheme == "plyometric":
                assert not profile.complaints & NO_JUMP_COMPLAINTS, (profile.complaints, rx)
                assert CATALOG.get(rx.exercise).tier == 1, rx.exercise


@MANY
@given(plan_requests())
def test_a_gated_complaint_names_its_gate_where_the_plan_has_no_plyometrics_R_SCHED_5(req):
    profile, plan = make(req)
    if not profile.complaints & NO_JUMP_COMPLAINTS or referred(profile) or plan.weeks < 2:
        return
    if len(planned(plan)) < 1:
        return
    assert any(
        w.rule == "R-SCHED-5" and "plyometric" in w.message.lower() for w in plan.warnings
    ), plan.warnings


@MANY
@given(plan_requests())
def test_shin_pain_gets_a_dorsiflexor_accessory_with_its_low_evidence_reason_R_PAIN_4(req):
    # every session of week 1 (later weeks: the no-repeat swap drops it, xfail example below)
    profile, plan = make(req)
    if "shin" not in profile.complaints or referred(profile):
        return
    for s in planned(plan):
        dorsi = [
            rx
            for rx in s.exercises
            if CATALOG.get(rx.exercise).dorsiflexor
            and CATALOG.get(rx.exercise).contraction != "mobility"
        ]
        for rx in dorsi:
            text = " ".join(r.text.lower() for r in rx.reasons if r.rule == "R-PAIN-4")
            assert "low" in text and "running load" in text, text
        if s.week > 1 or (not dorsi and s.minutes >= profile.session_minutes - 5):
            continue  # a full time budget: the xfail example below (it is dropped silently)
        assert dorsi, (s.date, [rx.exercise for rx in s.exercises])


def test_the_no_repeat_swap_never_removes_the_shin_accessory_R_PAIN_4():
    profile = Profile.model_validate(
        {
            "level": "novice",
            "free_days": ["mon", "tue", "wed", "fri"],
            "session_minutes": 60,
            "complaints": ["shin", "achilles"],
        }
    )
    plan = build_plan(profile, CATALOG, dt.date(2025, 1, 6), 4)
    for s in planned(plan):
        assert any(CATALOG.get(rx.exercise).dorsiflexor for rx in s.exercises), s.exercises


def test_a_tight_budget_never_drops_the_shin_accessory_silently_R_PAIN_4():
    profile = Profile.model_validate(
        {
            "level": "novice",
            "free_days": ["mon"],
            "session_minutes": 32,
            "complaints": ["achilles", "achilles_insertional", "shin"],
        }
    )
    plan = build_plan(profile, CATALOG, dt.date(2025, 1, 1), 2)
    for s in planned(plan):
        dorsi = [rx for rx in s.exercises if CATALOG.get(rx.exercise).dorsiflexor]
        assert dorsi or warned(plan, ("R-SCHED-7", "R-PAIN-4"), s.week), s.exercises


@examples(100, 10)
@given(forced(complaints=st.just({"shin"})))
def test_shin_pain_puts_the_soleus_ladder_in_every_session_R_PAIN_4(req):
    profile, plan = make(req)
    assert planned(plan)
    for s in planned(plan):
        assert any("soleus" in CATALOG.get(rx.exercise).steps for rx in calf_blocks(s)), (
            s.date,
            s.title,
        )


@MANY
@given(plan_requests())
def test_calf_strain_plans_state_the_two_out_of_ten_limit_and_the_signs_R_PAIN_2a(req):
    profile, plan = make(req)
    if "calf_strain" not in profile.complaints or referred(profile):
        return
    for s in planned(plan):
        if any(is_protocol(rx) for rx in s.exercises):
            text = reasons_text(s)
            assert "2/10" in text and "pop" in text, (s.date, s.title)


@examples(100, 10)
@given(forced(complaints=st.just({"shin"})))
def test_shin_plans_state_the_two_out_of_ten_limit_R_PAIN_2a(req):
    profile, plan = make(req)
    assert planned(plan)
    for s in planned(plan):
        text = reasons_text(s)
        assert "2/10" in text and "pop" in text, (s.date, s.title)


@examples(100, 10)
@given(
    forced(
        level=st.sampled_from(("intermediate", "advanced")),
        equipment=st.just({"jump_rope"}),
        race_on_start=st.sampled_from((5.0, 10.0, 21.0975)),
    )
)
def test_the_first_plyometric_block_after_a_race_is_50_even_as_the_plans_first_R_SCHED_4a(req):
    _, plan = make(req)
    plyo = [s for s in planned(plan) if session_contacts(s)]
    assert plyo
    assert abs(session_contacts(plyo[0]) - rules.PLYO_RESTART_CONTACTS) <= 2


@MANY
@given(plan_requests())
def test_plantar_heel_and_achilles_plans_ask_for_three_sessions_by_default_R_PAIN_4(req):
    profile, start, weeks = req
    if profile.sessions_per_week is not None or referred(profile):
        return
    if not profile.complaints & {"plantar_heel", "achilles", "achilles_insertional"}:
        return
    plan = build_plan(profile, CATALOG, start, weeks)
    for week in range(1, weeks + 1):
        n = len(week_sessions(plan).get(week, []))
        if n < 3:
            assert warned(plan, ("R-SCHED-1", "R-SCHED-4a"), week), (week, n, describe(*req))


# ------------------------------------------------------------------ R-WHY and determinism


@MANY
@given(plan_requests())
def test_every_prescription_gives_reasons_that_start_with_a_rule_id_R_WHY(req):
    _, plan = make(req)
    for s in plan.sessions:
        for rx in s.exercises:
            assert rx.reasons, rx
            for r in rx.reasons:
                assert RULE_ID.match(r.rule), r
                assert r.text.strip()
            assert rx.rule == rx.reasons[0].rule
            assert rx.why.startswith(rx.rule)


@MANY
@given(plan_requests())
def test_no_block_says_the_same_thing_twice_R_WHY(req):
    _, plan = make(req)
    for s in plan.sessions:
        for rx in s.exercises:
            assert not repeated_claims(rx), (s.date, rx.exercise, repeated_claims(rx))


@MANY
@given(plan_requests())
def test_a_light_block_never_claims_what_only_heavy_loads_do_R_WHY(req):
    _, plan = make(req)
    for s in plan.sessions:
        for rx in s.exercises:
            if rx.scheme in ("light", "skill", "isometric"):
                for r in rx.reasons:
                    assert "heavy load" not in r.text.lower(), (rx.exercise, rx.scheme, r)


@MANY
@given(plan_requests())
def test_a_block_dosed_in_metres_or_reps_is_never_explained_as_a_timed_hold_R_WHY(req):
    # D-168: tip-toe walking (3 x 3 m) carried "Isometric holds of 30-60 s ...".
    _, plan = make(req)
    for s in plan.sessions:
        for rx in s.exercises:
            if rx.seconds is None:
                for r in rx.reasons:
                    assert "holds of 30-60 s" not in r.text, (rx.exercise, rx.scheme, r)


@MANY
@given(plan_requests())
def test_shin_and_foot_exercises_are_never_explained_as_plantar_flexor_work_R_WHY(req):
    _, plan = make(req)
    claims = ("plantar flexor", "plantarflexion", "willer", "6.5-8x", "calves")
    for s in plan.sessions:
        for rx in s.exercises:
            ex = CATALOG.get(rx.exercise)
            if {"gastrocnemius", "soleus"} & set(ex.muscles):
                continue
            for r in rx.reasons:
                assert not any(c in r.text.lower() for c in claims), (rx.exercise, r)


@MANY
@given(plan_requests())
def test_catalog_reasons_are_attached_only_to_blocks_they_fit_R_WHY(req):
    profile, plan = make(req)
    by_text = {c.text: c for c in CATALOG.reasons}
    for s in plan.sessions:
        for rx in s.exercises:
            ex = CATALOG.get(rx.exercise)
            for r in rx.reasons:
                c = by_text.get(r.text)
                if c is None or r.rule == "R-WHY":
                    continue
                fits = c.fits
                assert rx.scheme in fits.schemes, (rx.exercise, rx.scheme, c.id)
                assert ex.contraction in fits.contractions, (rx.exercise, c.id)
                assert set(fits.muscles) & set(ex.muscles), (rx.exercise, c.id)
                assert not fits.knees or ex.knee in fits.knees, (rx.exercise, c.id)
                complaints = getattr(fits, "complaints", ())
                assert not complaints or set(complaints) & profile.complaints, (c.id,)


@examples(100, 20)
@given(plan_requests())
def test_the_same_input_gives_the_same_plan(req):
    profile, start, weeks = req
    assert build_plan(profile, CATALOG, start, weeks) == build_plan(profile, CATALOG, start, weeks)
    copy = Profile.model_validate_json(profile.model_dump_json())
    assert build_plan(copy, CATALOG, start, weeks) == build_plan(profile, CATALOG, start, weeks)


def test_a_profile_with_no_free_day_is_an_error():
    from calfcoach.errors import PlanningError

    profile = Profile(level="novice", free_days=frozenset())
    with pytest.raises(PlanningError, match="free_days"):
        build_plan(profile, CATALOG, dt.date(2026, 1, 5), 4)


@MANY
@given(plan_requests())
@example(
    # D-170: free Mon/Thu, a hard run on Tue: Monday cannot hold heavy work, and it used to
    # use up the rotation's heavy turn, so weeks 1-2 had none while every Thursday could.
    (
        Profile.model_validate(
            {
                "name": "Eve Of Hard",
                "level": "intermediate",
                "body_mass_kg": 70,
                "equipment": ["dumbbell", "jump_rope", "band", "towel", "wall", "step"],
                "free_days": ["mon", "thu"],
                "sessions_per_week": 2,
                "session_minutes": 25,
                "runs": [{"day": "tue", "kind": "hard"}, {"day": "sun", "kind": "long"}],
            }
        ),
        dt.date(2027, 1, 4),
        8,
    )
)
def test_a_cycle_with_a_day_that_may_hold_heavy_work_holds_it_R_SCHED_5(req):
    # R-SCHED-5 with R-SCHED-4b (D-170): a day that cannot hold heavy work (the eve of a hard
    # run, a race's taper or light-only days) never takes the heavy turn of a day that can.
    profile, plan = make(req)
    if (
        profile.complaints
        or not profile.equipment & rules.LOAD_EQUIPMENT
        or profile.session_minutes < 20
    ):
        return  # a protocol is the heavy work; nothing loads it; a short budget (warned)
    heavy_from = rules.NOVICE_LIGHT_ONLY_WEEKS + 1 if profile.level == "novice" else 1
    for first, sessions in planned_cycles(plan):
        could = [
            s.date
            for s in sessions
            if s.week >= heavy_from
            and not before_hard(profile, s.date)
            and not in_taper(profile, s.date)
            and not light_only(profile, s.date)
        ]
        held = any(rx.scheme == "heavy" for s in sessions for rx in calf_blocks(s))
        assert held or not could, (
            f"cycle from week {first}: no heavy block, though {could} may hold one; "
            f"{describe(*req)}"
        )


@MANY
@given(plan_requests())
def test_a_cycle_with_a_day_that_may_hold_plyometrics_holds_them_R_SCHED_5(req):
    # R-SCHED-5 with R-SCHED-4b (D-170): the day before a hard run and the day after one never
    # take the plyometric turn of the days that may jump.
    profile, plan = make(req)
    if profile.complaints or profile.session_minutes < 20:
        return  # a complaint's gate (R-PAIN-3/4); a short budget (warned)
    if any("no plyometric exercise fits" in w.message for w in plan.warnings):
        return  # nothing to jump with (R-SCHED-5 warns)
    for first, sessions in planned_cycles(plan):
        could = [
            s.date
            for s in sessions
            if not before_hard(profile, s.date)
            and not after_hard(profile, s.date)
            and not in_taper(profile, s.date)
            and not light_only(profile, s.date)
        ]
        held = any(rx.scheme == "plyometric" for s in sessions for rx in s.exercises)
        # One such day may go to the cycle's heavy work: two of them hold a plyometric block.
        # With one session a week a cycle has two mains and two short extras for five needs
        # (R-SCHED-5): where they cannot all fit, which one gives way is warned, not ruled.
        if len(sessions) < 3:
            continue
        assert held or len(could) < 2, (
            f"cycle from week {first}: no plyometric block, though {could} may hold one; "
            f"{describe(*req)}"
        )


@MANY
@given(plan_requests())
def test_a_load_finding_ramp_in_a_lighter_week_stops_at_an_eased_effort_R_PROG_5_R_PROG_1a(req):
    # D-171: a lighter week eases effort (R-PROG-5), so its ramp never asks for RPE 8-9
    # (R-PROG-1a); every other ramp does.
    _, plan = make(req)
    for s, rx in ramp_blocks(plan):
        text = next(r.text for r in rx.reasons if r.rule == "R-PROG-1a")
        eased = f"stop at RPE {rules.RAMP_EASED_RPE} (not 8-9"
        if s.deload:
            assert eased in text, (s.date, rx.exercise, text)
        elif "race week" not in text:
            assert "stop at RPE 8-9" in text, (s.date, rx.exercise, text)


def planned_cycles(plan: Plan) -> list[tuple[int, list[Session]]]:
    """The aligned 2-week cycles (weeks 1-2, 3-4, ...; D-10) whose sessions are all planned:
    (first week, sessions)."""
    per_week = week_sessions(plan)
    out = []
    for first in range(1, plan.weeks, 2):
        sessions = per_week.get(first, []) + per_week.get(first + 1, [])
        if sessions and all(s.status == "planned" for s in sessions):
            out.append((first, sessions))
    return out


def ramp_blocks(plan: Plan) -> list[tuple[Session, Prescription]]:
    """The load-finding ramps (R-PROG-1a) of a plan's planned sessions, with their session."""
    return [(s, rx) for s in planned(plan) for rx in s.exercises if is_ramp(rx)]


@MANY
@given(plan_requests())
def test_a_ramp_block_never_allows_more_pain_than_the_ramp_stops_at_R_PROG_1a_R_PAIN_1(req):
    # D-173: a protocol's ramp said "pain up to 5/10 is acceptable" beside "stop at pain above
    # 3/10"; R-PAIN-1's allowance is for the working sets once the load is found.
    _, plan = make(req)
    for s, rx in ramp_blocks(plan):
        for r in rx.reasons:
            if "is acceptable" in r.text and r.rule == "R-PAIN-5":
                assert "once the load is found" in r.text, (s.date, rx.exercise, r.text)


@MANY
@given(plan_requests())
@example(
    (
        Profile(
            level="intermediate",
            free_days=frozenset({"mon", "wed"}),
            runs=({"day": "tue", "kind": "hard"},),
            complaints=frozenset({"shin"}),
            bone_stress_history=True,
        ),
        dt.date(2027, 1, 4),
        4,
    )
)
def test_a_week_whose_sessions_are_all_stopped_carries_no_warning_R_PAIN_2a(req):
    # D-174: a plan stopped for a referral (shin with a previous bone stress injury) listed
    # "heavy work needs external load" and "a session falls the day before a hard run" for
    # weeks that hold no training at all.
    _, plan = make(req)
    for week, sessions in week_sessions(plan).items():
        if sessions and all(s.status == "stopped" for s in sessions):
            assert not any(week in week_label_weeks(w.message) for w in plan.warnings), (
                week,
                plan.warnings,
            )


@pytest.mark.parametrize("minutes", [25, 30, 35])
@pytest.mark.parametrize("complaint", ["achilles", "achilles_insertional", "plantar_heel"])
def test_a_lighter_week_gains_no_calf_block_beside_a_protocol_R_PROG_5(complaint, minutes):
    # R-PROG-5: volume cut, exercises kept (D-175). An Achilles protocol filled 30 minutes; the
    # lighter week's one set fewer freed minutes that let in a soleus wall sit and light raises
    # the weeks around it never held (rotation kinds differ week to week, so this is checked on
    # athletes whose budget the protocol fills, not over random ones).
    profile = Profile(
        level="intermediate",
        body_mass_kg=70.0,
        equipment=frozenset({"dumbbell", "step", "jump_rope", "towel", "band"}),
        free_days=frozenset({"mon", "wed", "fri", "sun"}),
        runs=({"day": "tue", "kind": "hard"}, {"day": "sat", "kind": "long"}),
        complaints=frozenset({complaint}),
        usual_pain=2,
        session_minutes=minutes,
    )
    plan = build_plan(profile, CATALOG, dt.date(2027, 1, 4), 12)

    def others(s: Session) -> set[str]:
        return {rx.exercise for rx in calf_blocks(s) if not is_protocol(rx)}

    full = [s for s in planned(plan) if not s.deload]
    lighter = [s for s in planned(plan) if s.deload]
    assert lighter and full
    held = set().union(*(others(s) for s in full))
    for s in lighter:
        assert others(s) <= held, (s.date, s.title, sorted(held))
