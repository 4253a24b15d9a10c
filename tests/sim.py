"""A simulated athlete (issue 6, item 5): a small, pure simulator of someone following a plan.

``simulate`` lives through the plan day by day, the way the training service is used: each
morning the athlete may record a check-in (calm, a flare, a red flag) or a clinician's
clearance; on a session day the engine is asked for the day's session (``walk`` with the log
so far and ``today`` = that day, exactly what ``calfcoach today`` does), and the athlete logs its
sets (as prescribed, more or fewer reps, RPE 6-10, pain 0-8, values left out now and then),
skips it, or is away; hop tests and heel-raise tests are done after training. Sessions are fixed
the way the service fixes them (R-HIST): at the first logged set as shown, and every session
before a later walk's ``today`` that is not fixed yet is fixed from that walk ("settle").

Everything is decided by a ``Behaviour`` drawn by hypothesis and a ``random.Random`` seeded
from it, so a failing example replays exactly. Nothing here reads the engine's internals: it
only sees the sessions, as an athlete would.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from hypothesis import strategies as st

from calfcoach.catalog import load_catalog
from calfcoach.core.engine import walk
from calfcoach.core.engine.walk import build_plan
from calfcoach.core.models import (
    COMPLAINTS,
    DAYS,
    EQUIPMENT,
    LEVELS,
    RED_FLAGS,
    CapacityTest,
    CheckIn,
    Clearance,
    HopTest,
    LoggedSet,
    Prescription,
    Profile,
    Race,
    Run,
    Session,
    TrainingLog,
)

CATALOG = load_catalog()
DAY = dt.timedelta(days=1)

# ------------------------------------------------------------------ the athlete's behaviour


@dataclass(frozen=True)
class Flare:
    """Morning pain at ``intake usual + rise`` (rise 2-4) on ``days`` days from ``start``."""

    start: int
    days: int
    rise: int


@dataclass(frozen=True)
class RedFlag:
    """A check-in answering yes to ``flag`` on day ``day``; a clearance ``clear_after`` days
    later (None: never)."""

    day: int
    flag: str
    clear_after: int | None


@dataclass(frozen=True)
class Behaviour:
    seed: int
    checkin_rate: float
    """Chance of a morning check-in on an ordinary day."""
    calm: int
    """Morning pain on a calm day, 0..intake usual (so the usual never rises above the intake)."""
    skip_rate: float
    more_rate: float
    fewer_rate: float
    high_rpe_rate: float
    pain_rate: float
    """Chance that a set hurts (pain 4-8) instead of 0-3."""
    missing_rate: float
    """Chance that RPE or pain is left out of a set."""
    flares: tuple[Flare, ...] = ()
    red_flag: RedFlag | None = None
    away: tuple[tuple[int, int], ...] = ()
    """(first day, days): no training, no check-ins (missed weeks)."""
    hop_days: tuple[int, ...] = ()
    hop_pain: int = 0
    test_days: tuple[int, ...] = ()


def day_offsets(weeks: int) -> st.SearchStrategy[int]:
    return st.integers(0, 7 * weeks - 1)


@st.composite
def behaviours(draw: st.DrawFn, weeks: int, intake: int) -> Behaviour:
    rate = st.sampled_from((0.0, 0.05, 0.15, 0.3, 0.6))
    flares = draw(
        st.lists(
            st.builds(
                Flare,
                start=day_offsets(weeks),
                days=st.integers(2, 18),
                rise=st.integers(2, 4),
            ),
            max_size=2,
        )
    )
    red = draw(
        st.none()
        | st.none()
        | st.builds(
            RedFlag,
            day=day_offsets(weeks),
            flag=st.sampled_from(RED_FLAGS),
            clear_after=st.none() | st.integers(1, 20),
        )
    )
    away = draw(st.lists(st.tuples(day_offsets(weeks), st.integers(8, 30)), max_size=2))
    return Behaviour(
        seed=draw(st.integers(0, 2**32 - 1)),
        checkin_rate=draw(st.sampled_from((0.0, 0.5, 0.9, 1.0, 1.0))),
        calm=draw(st.integers(0, intake)),
        skip_rate=draw(st.sampled_from((0.0, 0.0, 0.1, 0.3))),
        more_rate=draw(rate),
        fewer_rate=draw(rate),
        high_rpe_rate=draw(rate),
        pain_rate=draw(rate),
        missing_rate=draw(st.sampled_from((0.0, 0.0, 0.05))),
        flares=tuple(flares),
        red_flag=red,
        away=tuple(away),
        hop_days=tuple(draw(st.lists(day_offsets(weeks), max_size=3))),
        hop_pain=draw(st.integers(0, 3)),
        test_days=tuple(draw(st.lists(day_offsets(weeks), max_size=2))),
    )


# ------------------------------------------------------------------ profiles

START_DATES = st.dates(min_value=dt.date(2026, 1, 1), max_value=dt.date(2028, 6, 30))
RUN_KINDS = ("easy", "hard", "long")
RACE_KM = (5.0, 10.0, 15.0, 21.0975, 30.0, 42.195, 50.0, 80.0)


Athlete = tuple[Profile, dt.date, int, Behaviour]
"""A drawn example: the profile, the plan's start and weeks, and how the athlete behaves."""


@st.composite
def athletes(
    draw: st.DrawFn,
    *,
    complaints: st.SearchStrategy[frozenset[str]] | None = None,
    max_weeks: int = 12,
) -> Athlete:
    """A profile with races near its plan, a start, a number of weeks and a behaviour."""
    start = draw(START_DATES)
    weeks = draw(st.integers(3, max_weeks))
    runs = draw(
        st.lists(
            st.builds(
                Run, day=st.sampled_from(DAYS), kind=st.sampled_from(("easy", "hard", "long"))
            ),
            max_size=5,
        )
    )
    races = [
        Race(
            date=start + dt.timedelta(days=draw(st.integers(-10, 7 * weeks))),
            distance_km=draw(st.none() | st.sampled_from(RACE_KM)),
            name=draw(st.none() | st.sampled_from(("City 10k", "Spring half", "Berlin"))),
            tune_up=draw(st.booleans()),
        )
        for _ in range(draw(st.integers(0, 2)))
    ]
    chosen = draw(complaints) if complaints is not None else None
    if chosen is None:
        chosen = frozenset(draw(st.sets(st.sampled_from(COMPLAINTS), max_size=2)))
    usual = draw(st.none() | st.integers(0, 4))
    profile = Profile.model_validate(
        {
            "sex": draw(st.none() | st.sampled_from(("female", "male"))),
            "birth_year": draw(st.none() | st.integers(1950, 2005)),
            "body_mass_kg": draw(st.none() | st.integers(45, 110)),
            "level": draw(st.sampled_from(LEVELS)),
            "equipment": sorted(draw(st.sets(st.sampled_from(EQUIPMENT)))),
            "free_days": sorted(draw(st.sets(st.sampled_from(DAYS), min_size=2))),
            "sessions_per_week": draw(st.none() | st.integers(1, 3)),
            "session_minutes": draw(st.sampled_from((20, 25, 30, 45, 60))),
            "runs": [r.model_dump() for r in runs],
            "races": [r.model_dump() for r in races],
            "complaints": sorted(chosen),
            "usual_pain": usual,
            "bone_stress_history": draw(st.booleans()) and draw(st.booleans()),
        }
    )
    behaviour = draw(behaviours(weeks, intake(profile)))
    return profile, start, weeks, behaviour


def intake(profile: Profile) -> int:
    """The intake usual pain (R-PAIN-2: 2 when not given)."""
    return profile.usual_pain if profile.usual_pain is not None else 2


# ------------------------------------------------------------------ the simulation


@dataclass
class Simulation:
    profile: Profile
    start: dt.date
    weeks: int
    behaviour: Behaviour
    end: dt.date
    log: TrainingLog
    shown: dict[dt.date, Session]
    """What ``today`` showed on each session day (R-HIST: what was given)."""
    fixed: dict[dt.date, Session]
    """What the service would have stored as fixed."""
    final: tuple[Session, ...]
    """The plan walked at ``end`` (after the plan), with the fixed sessions, as the service."""
    logged_days: list[dt.date] = field(default_factory=list)
    skipped_days: list[dt.date] = field(default_factory=list)

    def sets_on(self, day: dt.date, exercise: str | None = None) -> list[LoggedSet]:
        return [
            s
            for s in self.log.sets
            if s.date == day and (exercise is None or s.exercise == exercise)
        ]

    def checkins(self) -> list[CheckIn]:
        return list(self.log.checkins)

    def given(self) -> list[Session]:
        """The sessions the athlete was given, in date order."""
        return [self.shown[d] for d in sorted(self.shown)]


def is_ramp(rx: Prescription) -> bool:
    """A load-finding session (R-PROG-1a) as the athlete reads it."""
    return any(r.rule == "R-PROG-1a" and "Load-finding" in r.text for r in rx.reasons)


def amount_field(rx: Prescription) -> str | None:
    for name in ("contacts", "reps", "seconds", "distance_m"):
        if getattr(rx, name) is not None:
            return name
    return None


class _Athlete:
    def __init__(self, profile: Profile, start: dt.date, b: Behaviour) -> None:
        self.p = profile
        self.start = start
        self.b = b
        self.rng = random.Random(b.seed)
        self.intake = intake(profile)
        self.flare_days: dict[dt.date, int] = {}
        for f in b.flares:
            for i in range(f.days):
                self.flare_days[start + dt.timedelta(days=f.start + i)] = min(
                    10, self.intake + f.rise
                )
        self.away: set[dt.date] = {
            start + dt.timedelta(days=a + i) for a, n in b.away for i in range(n)
        }
        self.red_day = start + dt.timedelta(days=b.red_flag.day) if b.red_flag else None
        self.clear_day = (
            self.red_day + dt.timedelta(days=b.red_flag.clear_after)
            if b.red_flag and b.red_flag.clear_after is not None and self.red_day
            else None
        )
        self.mass = profile.body_mass_kg or 70.0

    def morning(self, day: dt.date) -> tuple[CheckIn | None, Clearance | None]:
        clearance = Clearance(day, "cleared by my physio") if day == self.clear_day else None
        if day == self.red_day and self.b.red_flag is not None:
            flags = frozenset({self.b.red_flag.flag})
            return CheckIn(day, self.b.calm, self.b.calm, flags), clearance  # type: ignore[arg-type]
        if day in self.flare_days:
            pain = self.flare_days[day]
            return CheckIn(day, pain, pain), clearance
        if day in self.away or self.rng.random() >= self.b.checkin_rate:
            return None, clearance
        return CheckIn(day, self.b.calm, self.b.calm), clearance

    def train(self, session: Session) -> list[LoggedSet] | None:
        """The sets logged for a planned session; None: skipped; []: missed (away)."""
        if session.date in self.away:
            return []
        if self.rng.random() < self.b.skip_rate:
            return None
        out: list[LoggedSet] = []
        for rx in session.exercises:
            out += self._sets(session.date, rx)
        return out

    def _sets(self, day: dt.date, rx: Prescription) -> list[LoggedSet]:
        unit = amount_field(rx)
        if unit is None:
            return []
        planned = getattr(rx, unit)
        style = self.rng.random()
        ramp = is_ramp(rx)
        sets = []
        step = max(1.0, round(self.mass * 0.05))
        for n in range(1, rx.sets + 1):
            amount = planned
            if style < self.b.more_rate:
                amount = planned + (self.rng.randint(1, 6) if unit != "distance_m" else 1.5)
            elif style < self.b.more_rate + self.b.fewer_rate:
                amount = max(1, planned - self.rng.randint(1, 3)) if unit != "distance_m" else 1.0
            if unit == "seconds" and amount != planned:
                amount = max(5, planned + (amount - planned) * 5)
            load = rx.added_load_kg
            rpe = self.rng.choice((6, 7, 7, 8, 8))
            if ramp:
                load = (rx.added_load_kg or 0.0) + step * (n - 1)
                rpe = min(10, 6 + n)
            if self.rng.random() < self.b.high_rpe_rate:
                rpe = self.rng.choice((9, 10))
            pain = self.rng.choice((0, 0, 1, 1, 2, 3))
            if self.rng.random() < self.b.pain_rate:
                pain = self.rng.randint(4, 8)
            rpe_v: int | None = rpe
            pain_v: int | None = pain
            if self.rng.random() < self.b.missing_rate:
                if self.rng.random() < 0.5:
                    rpe_v = None
                else:
                    pain_v = None
            values = {unit: amount}
            sets.append(
                LoggedSet(
                    date=day,
                    exercise=rx.exercise,
                    set_number=n,
                    load_kg=load,
                    side="both",
                    rpe=rpe_v,
                    pain=pain_v,
                    scheme=rx.scheme,
                    **{f"planned_{unit}": planned},  # type: ignore[arg-type]
                    planned_load_kg=rx.added_load_kg,
                    **values,  # type: ignore[arg-type]
                )
            )
        return sets

    def tests(self, day: dt.date) -> tuple[HopTest | None, CapacityTest | None]:
        offset = (day - self.start).days
        hop = None
        if offset in self.b.hop_days and day not in self.away:
            hop = HopTest(day, hops=self.rng.choice((40, 40, 30)), pain=self.b.hop_pain)
        test = None
        if offset in self.b.test_days and day not in self.away:
            left = self.rng.randint(12, 35)
            test = CapacityTest(day, left=left, right=max(1, left + self.rng.randint(-8, 3)))
        return hop, test


def session_days(profile: Profile, start: dt.date, weeks: int) -> list[dt.date]:
    """The days that carry a session (the skeleton does not depend on the log)."""
    return [s.date for s in build_plan(profile, CATALOG, start, weeks).sessions]


def simulate(profile: Profile, start: dt.date, weeks: int, behaviour: Behaviour) -> Simulation:
    athlete = _Athlete(profile, start, behaviour)
    slots = set(session_days(profile, start, weeks))
    end = start + dt.timedelta(days=7 * weeks)
    sets: list[LoggedSet] = []
    checkins: list[CheckIn] = []
    clearances: list[Clearance] = []
    skipped: list[dt.date] = []
    hops: list[HopTest] = []
    tests: list[CapacityTest] = []
    shown: dict[dt.date, Session] = {}
    fixed: dict[dt.date, Session] = {}
    logged_days: list[dt.date] = []

    def current_log() -> TrainingLog:
        return TrainingLog(
            sets=tuple(sets),
            checkins=tuple(checkins),
            tests=tuple(tests),
            skipped=tuple(skipped),
            hop_tests=tuple(hops),
            clearances=tuple(clearances),
        )

    def settle(plan_sessions: tuple[Session, ...], today: dt.date) -> None:
        # training.settle: every session before today not fixed yet is fixed as walked now.
        for s in plan_sessions:
            if s.date >= today:
                break
            fixed.setdefault(s.date, s)

    day = start
    while day < end:
        checkin, clearance = athlete.morning(day)
        if clearance is not None:
            clearances.append(clearance)
        if checkin is not None:
            checkins.append(checkin)
        if day in slots:
            # The day's session from a walk cut after the day (D-200): every session up to it
            # as the whole walk that `today` runs makes it (checked by
            # test_a_walk_cut_after_a_day_gives_every_session_up_to_it_as_the_whole_walk_R_HIST),
            # in about 0.65x the CPU of a whole walk.
            result = walk(
                profile,
                CATALOG,
                start,
                weeks,
                log=current_log(),
                today=day,
                fixed=fixed,
                until=day,
            )
            settle(result.plan.sessions, day)
            session = next((s for s in result.plan.sessions if s.date == day), None)
            if session is not None:
                shown[day] = session
                if session.status == "planned":
                    done = athlete.train(session)
                    if done is None:
                        skipped.append(day)
                    elif done:
                        fixed.setdefault(day, session)  # fixed at its first logged set
                        sets.extend(done)
                        logged_days.append(day)
        hop, test = athlete.tests(day)
        if hop is not None:
            hops.append(hop)
        if test is not None:
            tests.append(test)
        day += DAY
    log = current_log()
    result = walk(profile, CATALOG, start, weeks, log=log, today=end, fixed=fixed)
    settle(result.plan.sessions, end)
    return Simulation(
        profile=profile,
        start=start,
        weeks=weeks,
        behaviour=behaviour,
        end=end,
        log=log,
        shown=shown,
        fixed=fixed,
        final=result.plan.sessions,
        logged_days=logged_days,
        skipped_days=skipped,
    )


__all__ = [
    "CATALOG",
    "Athlete",
    "Behaviour",
    "Flare",
    "RedFlag",
    "Simulation",
    "amount_field",
    "athletes",
    "behaviours",
    "intake",
    "is_ramp",
    "session_days",
    "simulate",
]


def behaviour(**kw: object) -> Behaviour:
    """An athlete who does everything as prescribed, with ``kw`` changed."""
    base: dict[str, object] = {
        "seed": 0,
        "checkin_rate": 0.0,
        "calm": 0,
        "skip_rate": 0.0,
        "more_rate": 0.0,
        "fewer_rate": 0.0,
        "high_rpe_rate": 0.0,
        "pain_rate": 0.0,
        "missing_rate": 0.0,
    }
    base.update(kw)
    return Behaviour(**base)  # type: ignore[arg-type]
