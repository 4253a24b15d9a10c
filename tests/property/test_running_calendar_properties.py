"""Issue 10, item 3 as properties over many generated profiles and dated calendars: the dated
runs and races (imported runs, a training calendar's runs and races) drive placement
(R-SCHED-4, R-SCHED-4a, R-SCHED-4b) on their dates, and a running load spike (RUN-SPIKE-1)
holds strength progression with its figures. The expected days are worked out here from the
rule sheet, not from the engine's internals."""

from __future__ import annotations

import datetime as dt
import re

from hypothesis import example, given
from hypothesis import strategies as st
from tests.strategies import (
    CATALOG,
    blocked,
    dates,
    examples,
    in_taper,
    light_only,
    profiles,
    races_on,
)

from calfcoach.core.engine import walk
from calfcoach.core.engine.walk import build_plan
from calfcoach.core.models import (
    CheckIn,
    DatedRun,
    LoggedSet,
    Plan,
    Prescription,
    Profile,
    Race,
    Session,
    TrainingLog,
)
from calfcoach.core.races import with_races
from calfcoach.core.running import DayLoad, RunningLoads

DAY = dt.timedelta(days=1)
INTENSE = ("heavy", "plyometric")


# ------------------------------------------------------------------ generated calendars


@st.composite
def dated_calendars(
    draw: st.DrawFn,
) -> tuple[Profile, dt.date, int, tuple[DatedRun, ...], tuple[Race, ...]]:
    """A profile (its usual week included), a plan start and length, and a dated calendar
    near the plan: runs of every kind and races of random distances and tune-up flags."""
    profile = draw(profiles())
    start = draw(dates)
    weeks = draw(st.integers(1, 12))
    span = 7 * weeks + 7
    runs = draw(
        st.lists(
            st.builds(
                DatedRun,
                date=st.integers(-10, span).map(lambda d: start + d * DAY),
                kind=st.sampled_from(("easy", "hard", "long")),
            ),
            max_size=3 * weeks + 3,
        )
    )
    races = draw(
        st.lists(races_on(st.integers(-20, span).map(lambda d: start + d * DAY)), max_size=3)
    )
    return profile, start, weeks, tuple(runs), tuple(races)


def plan_for(
    profile: Profile,
    start: dt.date,
    weeks: int,
    runs: tuple[DatedRun, ...],
    races: tuple[Race, ...],
) -> tuple[Plan, Profile]:
    planned = with_races(profile, races)  # what services.plan_inputs gives the engine
    return build_plan(planned, CATALOG, start, weeks, dated=runs), planned


def intense(session: Session) -> list[Prescription]:
    return [p for p in session.exercises if p.scheme in INTENSE]


# ------------------------------------------------------------------ placement


@examples(ci=250, dev=40)
@given(dated_calendars())
def test_no_session_falls_on_or_the_day_before_a_dated_long_run(
    case: tuple[Profile, dt.date, int, tuple[DatedRun, ...], tuple[Race, ...]],
) -> None:
    # R-SCHED-4: no strength session the day before a long run, nor on a long-run day.
    profile, start, weeks, runs, races = case
    plan, _ = plan_for(profile, start, weeks, runs, races)
    long_days = {r.date for r in runs if r.kind == "long"}
    for s in plan.sessions:
        assert s.date not in long_days, (s.date, runs)
        assert s.date + DAY not in long_days, (s.date, runs)


@examples(ci=250, dev=40)
@given(dated_calendars())
def test_no_session_falls_on_a_dated_race_its_eve_or_its_recovery_window(
    case: tuple[Profile, dt.date, int, tuple[DatedRun, ...], tuple[Race, ...]],
) -> None:
    # R-SCHED-4 and R-SCHED-4a on the calendar's races as on the profile's.
    profile, start, weeks, runs, races = case
    plan, planned = plan_for(profile, start, weeks, runs, races)
    for s in plan.sessions:
        assert not blocked(planned, s.date), (s.date, planned.races)


@examples(ci=250, dev=40)
@given(dated_calendars())
def test_nothing_heavy_or_plyometric_before_a_dated_race_or_in_the_light_week_after_one(
    case: tuple[Profile, dt.date, int, tuple[DatedRun, ...], tuple[Race, ...]],
) -> None:
    # R-SCHED-4: no heavy or plyometric work in the 7 days before a race; R-SCHED-4a: after
    # a marathon or longer, the week after the recovery window holds light work only.
    profile, start, weeks, runs, races = case
    plan, planned = plan_for(profile, start, weeks, runs, races)
    for s in plan.sessions:
        if in_taper(planned, s.date) or light_only(planned, s.date):
            assert intense(s) == [], (s.date, [p.exercise for p in intense(s)])


@examples(ci=250, dev=40)
@given(dated_calendars())
def test_heavy_and_plyometric_blocks_never_fall_the_day_before_a_dated_hard_run(
    case: tuple[Profile, dt.date, int, tuple[DatedRun, ...], tuple[Race, ...]],
) -> None:
    # R-SCHED-4b: swapped inside the week, or cut to light and foot work; and no plyometric
    # block the day after a hard run.
    profile, start, weeks, runs, races = case
    plan, _ = plan_for(profile, start, weeks, runs, races)
    hard_days = {r.date for r in runs if r.kind == "hard"}
    for s in plan.sessions:
        if s.date + DAY in hard_days:
            assert intense(s) == [], (s.date, [p.exercise for p in intense(s)])
        if s.date - DAY in hard_days:
            assert [p for p in s.exercises if p.scheme == "plyometric"] == [], s.date


@examples(ci=200, dev=30)
@given(dated_calendars())
def test_a_calendar_without_dates_in_the_plan_changes_nothing(
    case: tuple[Profile, dt.date, int, tuple[DatedRun, ...], tuple[Race, ...]],
) -> None:
    # The dated inputs add to the usual week: without any, the plan is the profile's alone.
    profile, start, weeks, _, _ = case
    far = tuple(DatedRun(start - 400 * DAY, "long") for _ in range(1))
    assert build_plan(profile, CATALOG, start, weeks, dated=far) == build_plan(
        profile, CATALOG, start, weeks
    )


# ------------------------------------------------------------------ the spike rule


def steady_runs(first: dt.date, last: dt.date, per_week: float) -> list[DayLoad]:
    """Three runs a week, the same load each week: never a spike."""
    out = []
    d = first
    while d <= last:
        if d.weekday() in (1, 3, 6):
            out.append(DayLoad(d, round(per_week / 3, 1)))
        d += DAY
    return out


@st.composite
def spike_cases(draw: st.DrawFn) -> tuple[Profile, dt.date, int, RunningLoads, dt.date]:
    """A profile, a plan (3-8 weeks), steady runs from 6 weeks before it, and a burst of
    running in some week of the plan (2-4x the usual load): the days after it spike."""
    profile = draw(profiles())
    start = draw(dates)
    weeks = draw(st.integers(3, 8))
    per_week = draw(st.floats(60, 600).map(lambda x: round(x, 1)))
    burst_day = start + draw(st.integers(0, 7 * weeks - 1)) * DAY
    factor = draw(st.floats(2.0, 4.0))
    loads = steady_runs(start - 42 * DAY, start + 7 * weeks * DAY, per_week)
    loads.append(DayLoad(burst_day, round(per_week * (factor - 1), 1)))
    running = RunningLoads(tuple(sorted(loads, key=lambda x: x.date)), start - 42 * DAY)
    return profile, start, weeks, running, burst_day


def usual(profile: Profile) -> int:
    return profile.usual_pain if profile.usual_pain is not None else 2


def logged_as_prescribed(session: Session) -> list[LoggedSet]:
    """Every set done as prescribed, RPE 7, no pain: what lets a dose step up."""
    out: list[LoggedSet] = []
    for rx in session.exercises:
        for field in ("contacts", "reps", "seconds", "distance_m"):
            amount = getattr(rx, field)
            if amount is not None:
                break
        else:
            continue
        sides = ("left", "right") if rx.per_side else ("both",)
        for n in range(1, rx.sets + 1):
            for side in sides:
                out.append(
                    LoggedSet(
                        date=session.date,
                        exercise=rx.exercise,
                        set_number=n,
                        load_kg=rx.added_load_kg,
                        side=side,  # type: ignore[arg-type]
                        rpe=7,
                        pain=0,
                        **{field: amount},
                    )
                )
    return out


def live(
    profile: Profile, start: dt.date, weeks: int, running: RunningLoads | None
) -> list[tuple[Session, list[str], list[str]]]:
    """An athlete who does every session as prescribed, with a calm check-in every morning.
    For each session day: the session given that day, the progressions the walk made on it
    (decisions, and contacts going up), with and without ``running``, on the same log."""
    days = [s.date for s in build_plan(profile, CATALOG, start, weeks).sessions]
    sets: list[LoggedSet] = []
    fixed: dict[dt.date, Session] = {}
    checkins = tuple(
        CheckIn(start + i * DAY, usual(profile), usual(profile)) for i in range(7 * weeks)
    )
    out = []
    for day in days:
        log = TrainingLog(sets=tuple(sets), checkins=tuple(c for c in checkins if c.date <= day))
        result = walk(
            profile, CATALOG, start, weeks, log=log, today=day, fixed=fixed, running=running
        )
        plain = walk(profile, CATALOG, start, weeks, log=log, today=day, fixed=fixed)
        session = next((s for s in result.plan.sessions if s.date == day), None)
        if session is None:
            continue
        fixed[day] = session
        sets += logged_as_prescribed(session)
        out.append((session, progressions(result, day), progressions(plain, day)))
        for r in (result, plain):
            given = {rx.exercise for s in r.plan.sessions if s.date == day for rx in s.exercises}
            # D-150: the changes told for a day are about what that day gives (a block the
            # time budget left out made none).
            told = [d for d in r.decisions if d.date == day and d.exercise not in given]
            assert told == [], (day, told)
    return out


def progressions(result: object, day: dt.date) -> list[str]:
    """The steps up the walk made on ``day``: its "progress" decisions and contacts going up."""
    found = [
        f"{d.exercise}: {d.message}"
        for d in result.decisions  # type: ignore[attr-defined]
        if d.date == day and d.action == "progress"
    ]
    session = next((s for s in result.plan.sessions if s.date == day), None)  # type: ignore[attr-defined]
    if session is not None:
        for rx in session.exercises:
            found += [
                f"{rx.exercise}: {r.text}"
                for r in rx.reasons
                if r.rule == "R-PROG-4" and "go up" in r.text
            ]
    return found


def _budget_drop_case() -> tuple[Profile, dt.date, int, RunningLoads, dt.date]:
    """Found by the search (D-150): on 2025-01-29 the 31-min session has no room left for its
    soleus block beside the protocol's 4 x 10, and the walk told a change to that block."""
    start, burst = dt.date(2025, 1, 1), dt.date(2025, 1, 23)
    profile = Profile(
        level="novice",
        free_days=frozenset({"mon", "tue", "wed"}),
        session_minutes=31,
        races=(Race(date=start),),
        complaints=frozenset({"achilles"}),
        bone_stress_history=True,
        missed_periods=True,
    )
    loads = steady_runs(start - 42 * DAY, start + 35 * DAY, 60.0) + [DayLoad(burst, 60.0)]
    running = RunningLoads(tuple(sorted(loads, key=lambda x: x.date)), start - 42 * DAY)
    return profile, start, 5, running, burst


def _same_exercise_case() -> tuple[Profile, dt.date, int, RunningLoads, dt.date]:
    """Found by the search (D-150): on 2025-02-15 a light straight-knee block made way for the
    heavy one of the same exercise (R-SCHED-8), and the walk told the light block's step."""
    start, burst = dt.date(2025, 2, 1), dt.date(2025, 2, 9)
    profile = Profile(
        level="intermediate",
        equipment=frozenset({"dumbbell"}),
        free_days=frozenset({"mon", "sat"}),
        sessions_per_week=3,
        session_minutes=10,
        bone_stress_history=True,
        missed_periods=True,
    )
    loads = steady_runs(start - 42 * DAY, start + 28 * DAY, 60.0) + [DayLoad(burst, 60.0)]
    running = RunningLoads(tuple(sorted(loads, key=lambda x: x.date)), start - 42 * DAY)
    return profile, start, 4, running, burst


def _spike_in_a_lighter_week_case() -> tuple[Profile, dt.date, int, RunningLoads, dt.date]:
    """Found by the search (stop 31, D-230): a spike from 2025-01-23 held the calf-strain
    ladder's blocks in the lighter week and took the step the weeks before had earned with
    it, so on 2025-01-29 (the spike still on) the blocks held at 3 x 12 without a word, where
    the walk without runs stepped up to 15 reps."""
    start, burst = dt.date(2025, 1, 1), dt.date(2025, 1, 23)
    profile = Profile(
        level="novice",
        free_days=frozenset({"mon", "tue", "wed"}),
        session_minutes=10,
        complaints=frozenset({"calf_strain", "achilles"}),
        bone_stress_history=True,
        missed_periods=True,
    )
    loads = steady_runs(start - 42 * DAY, start + 35 * DAY, 60.0) + [DayLoad(burst, 60.0)]
    running = RunningLoads(tuple(sorted(loads, key=lambda x: x.date)), start - 42 * DAY)
    return profile, start, 5, running, burst


@examples(ci=60, dev=8)
@given(spike_cases())
@example(_budget_drop_case())
@example(_same_exercise_case())
@example(_spike_in_a_lighter_week_case())
def test_a_spike_week_never_progresses_and_says_why_with_the_figures(
    case: tuple[Profile, dt.date, int, RunningLoads, dt.date],
) -> None:
    profile, start, weeks, running, _burst = case
    for session, spiked, plain in live(profile, start, weeks, running):
        check = running.spike(session.date)
        if not check.hold:
            continue
        # RUN-SPIKE-1: nothing steps up on a day whose last 7 days spiked.
        assert spiked == [], (session.date, spiked)
        if plain:
            # Where it would have stepped up, the session says why, with the figures.
            texts = [
                r.text for rx in session.exercises for r in rx.reasons if r.rule == "RUN-SPIKE-1"
            ]
            assert texts, (session.date, plain)
            assert f"last 7 days {check.last_7_days:g}" in texts[0]
            assert f"average week of the 4 before {check.average_week:g}" in texts[0]
            assert f"{check.ratio:g}x" in texts[0]


def _with_protocol(
    case: tuple[Profile, dt.date, int, RunningLoads, dt.date], complaint: str
) -> tuple[Profile, dt.date, int, RunningLoads, dt.date]:
    profile, start, weeks, running, burst = case
    profile = profile.model_copy(update={"complaints": frozenset({complaint})})
    return profile, start, weeks, running, burst


@examples(ci=60, dev=8)
@given(spike_cases(), st.sampled_from(("achilles", "plantar_heel")))
def test_a_protocols_next_week_waits_for_a_week_without_a_spike(
    case: tuple[Profile, dt.date, int, RunningLoads, dt.date], complaint: str
) -> None:
    # D-99: a spike holds "a protocol's next week" too. D-150: the next week is a heavier RM
    # (fewer reps) or a set more; on a spike day the protocol's step (its "4x10RM", R-PAIN-5)
    # is the one of its session before.
    profile, start, weeks, running, _burst = _with_protocol(case, complaint)
    last: dict[str, tuple[int, int]] = {}  # exercise -> the protocol step last given
    for session, _spiked, _plain in live(profile, start, weeks, running):
        hold = running.spike(session.date).hold
        for rx in session.exercises:
            m = next(
                (
                    m
                    for r in rx.reasons
                    if r.rule == "R-PAIN-5" and (m := PROTOCOL_STEP.search(r.text))
                ),
                None,
            )
            if m is None:
                continue
            step = (int(m[1]), int(m[2]))
            before = last.get(rx.exercise)
            if hold and before is not None:
                assert step[1] >= before[1] and step[0] <= before[0], (session.date, rx, before)
            last[rx.exercise] = step


PROTOCOL_STEP = re.compile(r"protocol, (\d+)x(\d+)RM")


@examples(ci=60, dev=8)
@given(spike_cases())
def test_a_spike_holds_the_plan_ahead_too(
    case: tuple[Profile, dt.date, int, RunningLoads, dt.date],
) -> None:
    # The projected plan: a session on a spike day never asks for more than the same
    # session without the spike (holding never gives more), and shows the rule.
    profile, start, weeks, running, _burst = case
    with_spike = walk(profile, CATALOG, start, weeks, today=start, running=running).plan
    without = walk(profile, CATALOG, start, weeks, today=start).plan
    by_date = {s.date: s for s in without.sessions}
    for s in with_spike.sessions:
        other = by_date.get(s.date)
        if other is None or not running.spike(s.date).hold:
            continue
        theirs = {(p.exercise, p.scheme): p for p in other.exercises}
        for p in s.exercises:
            q = theirs.get((p.exercise, p.scheme))
            if q is None:
                continue
            if p.scheme == "plyometric":  # bouts reshape with the total: compare the total
                assert p.sets * (p.contacts or 0) <= q.sets * (q.contacts or 0), (s.date, p, q)
                continue
            if p.scheme == "rehab":
                # A protocol's next week is a heavier RM (fewer reps) or a set more: it waits
                # for a week without a spike (D-99, D-150).
                assert (p.reps or 0) >= (q.reps or 0) and p.sets <= q.sets, (s.date, p, q)
                continue
            # Double progression (R-PROG-2): a load step sends the reps back down, so the
            # dose is compared as (load, amount), load first.
            assert dose(p) <= dose(q), (s.date, p.exercise, dose(p), dose(q))


def dose(rx: Prescription) -> tuple[float, float]:
    amount = rx.reps or rx.seconds or rx.distance_m or 0
    return (rx.added_load_kg or 0.0, float(amount))


@examples(ci=60, dev=10)
@given(
    profiles(),
    dates,
    st.integers(1, 8),
    st.floats(0, 600).map(lambda x: round(x, 1)),
    st.integers(0, 60),
)
def test_no_spike_no_hold(
    profile: Profile, start: dt.date, weeks: int, per_week: float, today_offset: int
) -> None:
    # Steady running never spikes: the plan and its decisions are exactly those without any
    # running, and no reason names the spike rule.
    running = RunningLoads(
        tuple(steady_runs(start - 42 * DAY, start + 7 * weeks * DAY, per_week)), start - 42 * DAY
    )
    today = start + today_offset * DAY
    a = walk(profile, CATALOG, start, weeks, today=today, running=running)
    b = walk(profile, CATALOG, start, weeks, today=today)
    assert a.plan == b.plan
    assert a.decisions == b.decisions
    assert not any(
        r.rule == "RUN-SPIKE-1" for s in a.plan.sessions for p in s.exercises for r in p.reasons
    )


@examples(ci=60, dev=10)
@given(spike_cases())
def test_too_little_running_history_holds_nothing(
    case: tuple[Profile, dt.date, int, RunningLoads, dt.date],
) -> None:
    # Runs known only from the plan's start (a first import): no verdict, nothing held,
    # however the running climbs (RUN-SPIKE-1).
    profile, start, weeks, running, _ = case
    weeks = min(weeks, 4)  # every day of the plan has less than the 5 weeks the rule needs
    recent = RunningLoads(tuple(x for x in running.runs if x.date >= start), start)
    a = walk(profile, CATALOG, start, weeks, today=start, running=recent)
    b = walk(profile, CATALOG, start, weeks, today=start)
    assert a.plan == b.plan
