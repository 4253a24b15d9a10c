"""The progression engine's safety promises, over many generated plans and training logs.

The checks read the adapted plan as a user would, plus the bands in `rules`; they do not
reuse the engine's internals.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from calfcoach.catalog import load_catalog
from calfcoach.core import rules
from calfcoach.core.models import (
    COMPLAINTS,
    LEVELS,
    CheckIn,
    LoggedSet,
    Plan,
    Prescription,
    Profile,
    Session,
    TrainingLog,
)
from calfcoach.core.progression import AdaptedPlan, adapt_plan

CATALOG = load_catalog()
MANY = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
START = dt.date(2025, 1, 6)
UNITS = ("contacts", "reps", "seconds", "distance_m")
CLEARANCE = {"single-leg-calf-raise", "straight-knee-heel-raise"}
# Mostly easy sessions (so progressions happen), sometimes hard or painful ones.
RPE = st.none() | st.integers(5, 8) | st.integers(5, 10)
PAIN = st.none() | st.integers(0, 3) | st.integers(0, 3) | st.integers(0, 8)


@dataclass(frozen=True)
class Case:
    profile: Profile
    plan: Plan
    log: TrainingLog
    today: dt.date
    catalog: bool

    def adapt(self, log: TrainingLog | None = None) -> AdaptedPlan:
        return adapt_plan(
            self.plan,
            self.log if log is None else log,
            self.profile,
            self.today,
            catalog=CATALOG if self.catalog else None,
        )


# ----------------------------------------------------------------- strategies


@st.composite
def prescriptions(draw: st.DrawFn) -> tuple[Prescription, ...]:
    """One plan's fixed menu: heavy and light raises, a hold, a walk, rope skipping."""
    heavy_load = draw(st.sampled_from([4.0, 8.0, 12.0, 20.0, 35.0, 60.0]))
    return (
        Prescription(
            "straight-knee-heel-raise",
            "heavy",
            draw(st.integers(3, 6)),
            reps=draw(st.integers(3, 6)),
            per_side=True,
            added_load_kg=heavy_load,
        ),
        Prescription(
            "single-leg-calf-raise",
            "light",
            draw(st.integers(2, 3)),
            reps=draw(st.integers(8, 20)),
            per_side=True,
        ),
        Prescription(
            "soleus-wall-sit", "isometric", 3, seconds=draw(st.sampled_from([30, 45, 60]))
        ),
        Prescription(
            "tip-toe-walking", "isometric", 3, distance_m=draw(st.sampled_from([3.0, 4.5]))
        ),
        Prescription(
            "jump-rope",
            "plyometric",
            draw(st.integers(2, 4)),
            seconds=5,
            contacts=draw(st.integers(8, 20)),
        ),
    )


@st.composite
def plans(draw: st.DrawFn) -> Plan:
    menu = draw(prescriptions())
    gaps = draw(st.lists(st.integers(2, 4), min_size=4, max_size=16))
    sessions = []
    offset = 0
    for gap in gaps:
        chosen = draw(st.lists(st.sampled_from(menu), min_size=1, max_size=3, unique=True))
        week = offset // 7 + 1
        sessions.append(
            Session(START + dt.timedelta(days=offset), week, week % 4 == 0, "S", tuple(chosen))
        )
        offset += gap
    return Plan(START, sessions[-1].week, (), tuple(sessions))


def logged(draw: st.DrawFn, session: Session, rx: Prescription) -> list[LoggedSet]:
    unit = next(u for u in UNITS if getattr(rx, u) is not None)
    planned = getattr(rx, unit)
    out = []
    for number in range(1, rx.sets + draw(st.integers(-1, 1)) + 1):
        if unit == "distance_m":
            value: float = draw(st.sampled_from([1.5, 3.0, 4.5, 6.0]))
        else:
            value = max(0, planned + draw(st.integers(-3, 3)))
        load = rx.added_load_kg
        if load is not None:
            load = draw(st.sampled_from([load, load, load * 0.9, load * 1.2]))
        out.append(
            LoggedSet(
                date=session.date,
                exercise=rx.exercise,
                set_number=number,
                load_kg=load,
                rpe=draw(RPE),
                pain=draw(PAIN),
                planned_load_kg=rx.added_load_kg,
                scheme=draw(st.sampled_from([rx.scheme, None])),
                **{unit: value, f"planned_{unit}": planned},
            )
        )
    return out


@st.composite
def cases(draw: st.DrawFn, complaints: frozenset[str] | None = None) -> Case:
    plan = draw(plans())
    today = plan.sessions[draw(st.integers(0, len(plan.sessions) - 1))].date
    today += dt.timedelta(days=draw(st.integers(-3, 2)))
    sets: list[LoggedSet] = []
    diligence = draw(st.sampled_from([2, 8, 10]))  # sessions logged, out of 10
    for session in plan.sessions:
        if draw(st.integers(0, 9)) >= diligence:
            continue
        for rx in session.exercises:
            sets.extend(logged(draw, session, rx))
        if draw(st.integers(0, 4)) == 0:  # a clearance attempt (R-PAIN-3)
            for number in range(1, 4):
                sets.append(
                    LoggedSet(
                        date=session.date,
                        exercise="single-leg-calf-raise",
                        set_number=number,
                        reps=draw(st.integers(12, 18)),
                        pain=draw(st.integers(0, 5)),
                        scheme="light",
                    )
                )
    last = plan.sessions[-1].date
    checkins = [
        CheckIn(START + dt.timedelta(days=d), pain=draw(st.integers(0, 8)), stiffness=0)
        for d in sorted(set(draw(st.lists(st.integers(-10, (last - START).days), max_size=20))))
    ]
    chosen = complaints
    if chosen is None:
        chosen = frozenset(draw(st.sets(st.sampled_from(COMPLAINTS), max_size=2)))
    profile = Profile(
        level=draw(st.sampled_from(LEVELS)),
        body_mass_kg=draw(st.none() | st.sampled_from([50.0, 70.0, 95.0])),
        equipment=frozenset(
            draw(st.sets(st.sampled_from(["dumbbell", "kettlebell", "barbell", "leg_press"])))
        ),
        free_days=frozenset({"mon", "thu"}),
        complaints=chosen,
    )
    return Case(
        profile,
        plan,
        TrainingLog(sets=tuple(sets), checkins=tuple(checkins)),
        today,
        draw(st.booleans()),
    )


# ----------------------------------------------------------------- helpers


def future(case: Case, adapted: AdaptedPlan) -> list[Session]:
    return [s for s in adapted.plan.sessions if s.date > case.today]


def exposures_before(case: Case, exercise: str, date: dt.date) -> dict[dt.date, list[LoggedSet]]:
    out: dict[dt.date, list[LoggedSet]] = {}
    for s in case.log.sets:
        if s.exercise == exercise and s.date < date:
            out.setdefault(s.date, []).append(s)
    return out


def deload_dates(plan: Plan) -> set[dt.date]:
    return {s.date for s in plan.sessions if s.deload}


def contacts(session: Session) -> int:
    return sum(
        (rx.contacts or 0) * rx.sets for rx in session.exercises if rx.scheme == "plyometric"
    )


# ----------------------------------------------------------------- properties


@MANY
@given(cases())
def test_sessions_on_or_before_today_never_change(case: Case) -> None:
    adapted = case.adapt()
    before = [s for s in case.plan.sessions if s.date <= case.today]
    assert [s for s in adapted.plan.sessions if s.date <= case.today] == before
    assert len(adapted.plan.sessions) == len(case.plan.sessions)


@MANY
@given(cases(), st.data())
def test_entries_dated_on_or_after_a_session_never_change_it_or_earlier_ones(
    case: Case, data: st.DataObject
) -> None:
    cut = data.draw(st.sampled_from([s.date for s in case.plan.sessions]))
    earlier = TrainingLog(
        sets=tuple(s for s in case.log.sets if s.date < cut),
        checkins=tuple(c for c in case.log.checkins if c.date <= cut),
    )
    full = case.adapt()
    partial = case.adapt(earlier)
    assert [s for s in full.plan.sessions if s.date <= cut] == [
        s for s in partial.plan.sessions if s.date <= cut
    ]
    assert [d for d in full.decisions if d.date <= cut] == [
        d for d in partial.decisions if d.date <= cut
    ]


@MANY
@given(cases())
def test_load_never_rises_more_than_ten_percent_in_one_step(case: Case) -> None:
    adapted = case.adapt()
    lighter = deload_dates(case.plan)
    for session in future(case, adapted):
        for rx in session.exercises:
            if not rx.added_load_kg:
                continue
            done = exposures_before(case, rx.exercise, session.date)
            base = [d for d in sorted(done) if d not in lighter]
            loads = [s.load_kg for s in done[base[-1]] if s.load_kg] if base else []
            reference = min(loads) if loads else None
            if reference is None:
                planned = [
                    p.added_load_kg
                    for s in case.plan.sessions
                    if s.date == session.date
                    for p in s.exercises
                    if p.exercise == rx.exercise and p.added_load_kg
                ]
                reference = max(planned) if planned else None
            if reference:  # from no load at all, the first load is not a percentage step
                assert rx.added_load_kg <= reference * (1 + rules.LOAD_STEP_MAX) + 1e-9


@MANY
@given(cases())
def test_prescriptions_never_leave_the_scheme_bands(case: Case) -> None:
    adapted = case.adapt()
    for session in future(case, adapted):
        for rx in session.exercises:
            if rx.scheme == "heavy":
                assert rx.sets in rules.HEAVY_SETS and rx.reps in rules.HEAVY_REPS
            elif rx.scheme == "light" and rx.reps is not None:
                assert rx.sets in rules.LIGHT_SETS and rx.reps in rules.LIGHT_REPS
            elif rx.scheme == "isometric" and rx.seconds is not None:
                assert rx.sets == rules.ISO_SETS and rx.seconds in rules.ISO_SECONDS
            elif rx.scheme == "isometric" and rx.distance_m is not None:
                assert rules.DISTANCE_M[0] <= rx.distance_m <= rules.DISTANCE_M[1]
        assert contacts(session) <= rules.PLYO_CEILING[case.profile.level]


@MANY
@given(cases())
def test_never_progresses_when_pain_was_above_the_limit_in_the_last_exposure(case: Case) -> None:
    adapted = case.adapt()
    limit = rules.pain_limit(case.profile.complaints)
    lighter = deload_dates(case.plan)
    for session in future(case, adapted):
        for rx in session.exercises:
            done = exposures_before(case, rx.exercise, session.date)
            if not done:
                continue
            latest = done[max(done)]
            if max((s.pain or 0 for s in latest), default=0) <= limit:
                continue
            assert not any(
                d.exercise == rx.exercise and d.date == session.date and d.action == "progress"
                for d in adapted.decisions
            )
            base = [d for d in sorted(done) if d not in lighter]
            if rx.added_load_kg and base:
                lifted = [s.load_kg for s in done[base[-1]] if s.load_kg]
                if lifted:
                    assert rx.added_load_kg <= min(lifted)


@MANY
@given(cases())
def test_plyometric_contacts_never_rise_more_than_twenty_between_plyometric_sessions(
    case: Case,
) -> None:
    adapted = case.adapt()
    previous: int | None = None
    for session in adapted.plan.sessions:
        total = contacts(session)
        if not total:
            continue
        if previous is not None and session.date > case.today:
            assert total - previous <= rules.PLYO_WEEKLY_STEP
        previous = total


def cleared_before(case: Case, date: dt.date) -> bool:
    by_date: dict[dt.date, int] = {}
    for s in case.log.sets:
        if (
            s.date < date
            and s.exercise in CLEARANCE
            and (s.reps or 0) >= 15
            and s.pain is not None
            and s.pain <= 3
        ):
            by_date[s.date] = by_date.get(s.date, 0) + 1
    return any(n >= 3 for n in by_date.values())


@MANY
@given(cases(complaints=frozenset({"achilles"})))
def test_no_plyometrics_with_an_achilles_complaint_until_three_by_fifteen_is_logged(
    case: Case,
) -> None:
    adapted = case.adapt()
    for session in future(case, adapted):
        if not cleared_before(case, session.date):
            assert contacts(session) == 0
            planned = next(s for s in case.plan.sessions if s.date == session.date)
            if contacts(planned):
                assert any(
                    d.date == session.date and d.action == "stop" and d.rule == "R-PAIN-3"
                    for d in adapted.decisions
                )
