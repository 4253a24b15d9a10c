"""Training use cases: log sets and sessions, skip or move sessions, check-ins, tests, today.

Every function validates its input first (``InputError`` naming the field, the value and
what is allowed) and writes in one transaction, so a refused call leaves the database exactly
as it was. Dates come in as arguments: ``today`` is the real today the CLI passes (a log
dated after it is refused), never read from the clock here.

The effective plan of an athlete is the stored plan with its moved sessions on their new
days; ``current_plan`` runs the progression engine over it and the log up to a date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, get_args

from calfcoach.core import rules
from calfcoach.core.models import (
    CapacityTest,
    CheckIn,
    Knee,
    LoggedSet,
    Plan,
    Prescription,
    Session,
    Side,
    TrainingLog,
)
from calfcoach.core.schedule import move_problems
from calfcoach.errors import InputError, NotFoundError
from calfcoach.services.athletes import resolve_in

if TYPE_CHECKING:
    # Annotations only: the read path of `calfcoach today` must not import SQLAlchemy.
    from calfcoach.core.progression import Decision
    from calfcoach.storage.db import Database
    from calfcoach.storage.repositories import Athlete, SessionLog, StoredPlan
    from calfcoach.storage.sqlite_reader import SqliteReader
    from calfcoach.storage.uow import AbstractUnitOfWork

__all__ = [
    "CurrentPlan",
    "DOSE_LIMITS",
    "LoggedSession",
    "SetInput",
    "TestResult",
    "current_plan",
    "day_plan",
    "effective_plan",
    "log_session_as_prescribed",
    "log_set",
    "move_problems",
    "move_session",
    "record_checkin",
    "record_test",
    "skip_session",
    "today_session",
    "validate_set",
]

SIDES: tuple[str, ...] = get_args(Side)
KNEES: tuple[str, ...] = ("straight", "bent")
# Field -> (option name, low, high, unit text). Reps, seconds, contacts and distance may not
# be negative (the issue); the upper limits only catch typing slips (an extra zero).
DOSE_LIMITS: dict[str, tuple[str, float, float, str]] = {
    "reps": ("--reps", 0, 500, "reps"),
    "seconds": ("--seconds", 0, 3600, "seconds"),
    "distance_m": ("--distance-m", 0, 1000, "metres"),
    "contacts": ("--contacts", 0, 2000, "contacts"),
}
RPE_RANGE = (1, 10)
PAIN_RANGE = (0, 10)
SET_NUMBER_RANGE = (1, 50)
TEST_REPS_RANGE = (0, 500)


# --------------------------------------------------------------------------- records


@dataclass(frozen=True, slots=True)
class SetInput:
    """One set as the athlete reports it (planned values are filled in by the service)."""

    exercise: str
    set_number: int
    reps: int | None = None
    seconds: int | None = None
    distance_m: float | None = None
    contacts: int | None = None
    load_kg: float | None = None
    side: str = "both"
    rpe: int | None = None
    pain: int | None = None


@dataclass(frozen=True, slots=True)
class CurrentPlan:
    """The athlete's plan as of a date: moves applied, then adapted to the log (R-PROG)."""

    athlete: Athlete
    stored: StoredPlan
    plan: Plan
    decisions: tuple[Decision, ...]
    original_dates: dict[dt.date, dt.date]
    """Effective session date -> the date the stored plan had it on (moved sessions)."""
    log: TrainingLog

    def session_on(self, date: dt.date) -> Session | None:
        for session in self.plan.sessions:
            if session.date == date:
                return session
        return None


@dataclass(frozen=True, slots=True)
class LoggedSession:
    date: dt.date
    sets: tuple[LoggedSet, ...]
    session_log_id: int


@dataclass(frozen=True, slots=True)
class TestResult:
    test: CapacityTest
    evaluation: Any
    """``calfcoach.core.capacity.evaluate_heel_raise``'s result."""
    comparison: Any | None
    """``compare_tests`` against the previous test of the same knee position, if any."""


# --------------------------------------------------------------------------- validation


def _number_text(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _check_range(field: str, value: float | None, low: float, high: float, what: str) -> None:
    if value is None:
        return
    if not low <= value <= high:
        raise InputError(
            f"{field}: {_number_text(value)} is out of range; allowed: "
            f"{_number_text(low)}-{_number_text(high)} {what}".rstrip()
        )


def check_log_date(date: dt.date, today: dt.date, field: str = "--date") -> None:
    """A log dated after the real today is refused."""
    if date > today:
        raise InputError(
            f"{field}: {date.isoformat()} is in the future; allowed: today "
            f"({today.isoformat()}) or earlier"
        )


def validate_set(entry: SetInput, date: dt.date, today: dt.date) -> None:
    """Every range of a logged set, checked before anything is written."""
    from calfcoach.catalog import load_catalog

    check_log_date(date, today)
    catalog = load_catalog()
    if entry.exercise not in catalog:
        try:
            catalog.get(entry.exercise)
        except NotFoundError as error:
            raise NotFoundError(
                f"--exercise: {error.problems[0]}; allowed: an id from `calfcoach exercises`"
            ) from None
    _check_range("--set", entry.set_number, *SET_NUMBER_RANGE, "")
    doses = [name for name in DOSE_LIMITS if getattr(entry, name) is not None]
    if not doses:
        raise InputError(
            "dose: missing; allowed: one of --reps, --seconds, --distance-m or --contacts"
        )
    for name in doses:
        option, low, high, unit = DOSE_LIMITS[name]
        _check_range(option, getattr(entry, name), low, high, unit)
    _check_range("--load-kg", entry.load_kg, 0, rules.MAX_LOAD_KG, "kg")
    if entry.side not in SIDES:
        raise InputError(f"--side: {entry.side!r} is not allowed; allowed: {', '.join(SIDES)}")
    _check_range("--rpe", entry.rpe, *RPE_RANGE, "")
    _check_range("--pain", entry.pain, *PAIN_RANGE, "")


# --------------------------------------------------------------------------- the plan


def session_moves(logs: Iterable[SessionLog]) -> dict[dt.date, dt.date]:
    """Original date -> new date, the latest move of each session winning."""
    moves: dict[dt.date, dt.date] = {}
    for log in sorted(logs, key=lambda item: item.id):
        if log.status == "moved" and log.moved_to is not None:
            moves[log.date] = log.moved_to
    return moves


def effective_plan(
    plan: Plan, moves: dict[dt.date, dt.date]
) -> tuple[Plan, dict[dt.date, dt.date]]:
    """The plan with moved sessions on their new days; and new date -> original date."""
    if not moves:
        return plan, {s.date: s.date for s in plan.sessions}
    sessions = []
    originals: dict[dt.date, dt.date] = {}
    for session in plan.sessions:
        new_date = moves.get(session.date, session.date)
        originals[new_date] = session.date
        sessions.append(session if new_date == session.date else replace(session, date=new_date))
    sessions.sort(key=lambda s: s.date)
    return replace(plan, sessions=tuple(sessions)), originals


def _log_up_to(log: TrainingLog, date: dt.date) -> TrainingLog:
    """The log as it stood at the end of ``date`` (a replay ignores what came later)."""
    if all(s.date <= date for s in log.sets) and all(c.date <= date for c in log.checkins):
        if all(t.date <= date for t in log.tests) and all(d <= date for d in log.skipped):
            return log
    return TrainingLog(
        sets=tuple(s for s in log.sets if s.date <= date),
        checkins=tuple(c for c in log.checkins if c.date <= date),
        tests=tuple(t for t in log.tests if t.date <= date),
        skipped=tuple(d for d in log.skipped if d <= date),
    )


def _active_plan(uow: AbstractUnitOfWork, athlete: Athlete) -> StoredPlan:
    stored = uow.plans.active(athlete.id)
    if stored is None:
        raise NotFoundError(
            f"athlete {athlete.name!r} has no plan; add the athlete again with "
            "`calfcoach athlete add --profile FILE`"
        )
    return stored


def _current_in(
    uow: AbstractUnitOfWork, name: str | None, date: dt.date, *, day: bool = False
) -> CurrentPlan:
    """The plan as of ``date`` (see ``current_plan``); ``day``: as of the start of ``date``."""
    from calfcoach.catalog import load_catalog
    from calfcoach.core.progression import adapt_plan

    athlete = resolve_in(uow, name)
    stored = _active_plan(uow, athlete)
    logs = uow.logs.session_logs(athlete.id)
    plan, originals = effective_plan(stored.plan, session_moves(logs))
    log = _log_up_to(uow.logs.load_training_log(athlete.id), date)
    # The engine keeps sessions on or before its "today" as they are and derives a session
    # dated D from the sets logged before D (and check-ins up to D): for the session of a
    # day itself, its "today" is the day before.
    fixed_until = date - dt.timedelta(days=1) if day else date
    adapted = adapt_plan(plan, log, athlete.profile, fixed_until, catalog=load_catalog())
    return CurrentPlan(
        athlete=athlete,
        stored=stored,
        plan=adapted.plan,
        decisions=tuple(adapted.decisions),
        original_dates=originals,
        log=log,
    )


def current_plan(database: Database | SqliteReader, name: str | None, date: dt.date) -> CurrentPlan:
    """The stored plan with moves applied, adapted by the progression engine to the log
    up to ``date``: sessions after ``date`` reflect the log, sessions up to ``date`` are
    exactly as planned (``calfcoach plan --athlete NAME --date DATE``)."""
    with database.unit_of_work(read_only=True) as uow:
        return _current_in(uow, name, date)


def day_plan(database: Database | SqliteReader, name: str | None, date: dt.date) -> CurrentPlan:
    """The plan as of the start of ``date``: the session of ``date`` itself is adapted to
    everything logged before it (and that morning's check-in). What ``today`` shows and
    what a set logged on ``date`` is compared with."""
    with database.unit_of_work(read_only=True) as uow:
        return _current_in(uow, name, date, day=True)


def today_session(database: Database, name: str | None, date: dt.date) -> Session | None:
    """The session of ``date`` as adapted to the log before it, or None on a rest day."""
    return day_plan(database, name, date).session_on(date)


# --------------------------------------------------------------------------- logging


def _lock_athlete(uow: AbstractUnitOfWork, athlete_id: int) -> None:
    """Serialise writers of one athlete (PostgreSQL row lock; SQLite's BEGIN IMMEDIATE
    already does), so two processes logging the same day find or create one session log."""
    session = getattr(uow, "session", None)
    if session is None:  # a fake unit of work in unit tests
        return
    from sqlalchemy import select

    from calfcoach.storage.orm import AthleteRow

    session.execute(select(AthleteRow.id).where(AthleteRow.id == athlete_id).with_for_update())


def _day_logs(uow: AbstractUnitOfWork, athlete_id: int, date: dt.date) -> list[SessionLog]:
    return [log for log in uow.logs.session_logs(athlete_id) if log.date == date]


def _planned(session: Session | None, exercise: str) -> Prescription | None:
    if session is None:
        return None
    for prescription in session.exercises:
        if prescription.exercise == exercise:
            return prescription
    return None


def _logged(entry: SetInput, date: dt.date, planned: Prescription | None) -> LoggedSet:
    return LoggedSet(
        date=date,
        exercise=entry.exercise,
        set_number=entry.set_number,
        reps=entry.reps,
        seconds=entry.seconds,
        distance_m=entry.distance_m,
        contacts=entry.contacts,
        load_kg=entry.load_kg,
        side=entry.side,  # type: ignore[arg-type]  # validated against SIDES
        rpe=entry.rpe,
        pain=entry.pain,
        planned_reps=planned.reps if planned else None,
        planned_seconds=planned.seconds if planned else None,
        planned_distance_m=planned.distance_m if planned else None,
        planned_contacts=planned.contacts if planned else None,
        planned_load_kg=planned.added_load_kg if planned else None,
        scheme=planned.scheme if planned else None,
    )


def _refuse_unloggable_day(day_logs: Sequence[SessionLog], date: dt.date) -> SessionLog | None:
    """The day's session log that sets go into (None: a new one); refuses skipped days."""
    done = [log for log in day_logs if log.status == "done"]
    if done:
        return done[0]
    if any(log.status == "skipped" for log in day_logs):
        raise InputError(
            f"--date: the session of {date.isoformat()} is marked skipped; "
            "allowed: a day that is not skipped"
        )
    return None


def log_set(
    database: Database,
    name: str | None,
    date: dt.date,
    entry: SetInput,
    *,
    today: dt.date,
    session: Session | None = None,
    use_session: bool = False,
) -> LoggedSet:
    """Log one set done on ``date``; it is acknowledged (committed) when this returns.

    The planned values come from the adapted plan's session on ``date``; a caller that
    already has it (the interactive log) passes it with ``use_session=True``.
    """
    validate_set(entry, date, today)
    if not use_session:
        with database.unit_of_work(read_only=True) as uow:
            current = _current_in(uow, name, date, day=True)
        session = current.session_on(date)
        already = [
            s
            for s in current.log.sets
            if (s.date, s.exercise, s.set_number, s.side)
            == (date, entry.exercise, entry.set_number, entry.side)
        ]
        if already:
            raise InputError(
                f"--set: set {entry.set_number} of {entry.exercise} ({entry.side}) on "
                f"{date.isoformat()} is already logged; allowed: a set number not yet logged"
            )
    logged = _logged(entry, date, _planned(session, entry.exercise))
    with database.unit_of_work() as uow:
        athlete = resolve_in(uow, name)
        _lock_athlete(uow, athlete.id)
        target = _refuse_unloggable_day(_day_logs(uow, athlete.id, date), date)
        if target is None:
            plan_session_id = _plan_session_id(uow, athlete, date, None)
            uow.logs.log_session(athlete.id, date, [logged], plan_session_id=plan_session_id)
        else:
            uow.logs.add_sets(target.id, [logged])
        uow.commit()
    return logged


def _plan_session_id(
    uow: AbstractUnitOfWork, athlete: Athlete, date: dt.date, current: CurrentPlan | None
) -> int | None:
    stored = uow.plans.active(athlete.id)
    if stored is None:
        return None
    original = date
    if current is not None:
        original = current.original_dates.get(date, date)
    else:
        moves = session_moves(uow.logs.session_logs(athlete.id))
        for old, new in moves.items():
            if new == date:
                original = old
    planned = uow.plans.sessions(stored.id, on=original)
    return planned[0].id if planned else None


def prescribed_sets(
    session: Session, *, rpe: int | None, pain: int | None
) -> tuple[LoggedSet, ...]:
    """Every set of a session exactly as prescribed (each side for per-side work)."""
    out: list[LoggedSet] = []
    for p in session.exercises:
        sides: tuple[Side, ...] = ("left", "right") if p.per_side else ("both",)
        for number in range(1, p.sets + 1):
            for side in sides:
                out.append(
                    LoggedSet(
                        date=session.date,
                        exercise=p.exercise,
                        set_number=number,
                        reps=p.reps,
                        seconds=p.seconds,
                        distance_m=p.distance_m,
                        contacts=p.contacts,
                        load_kg=p.added_load_kg,
                        side=side,
                        rpe=rpe,
                        pain=pain,
                        planned_reps=p.reps,
                        planned_seconds=p.seconds,
                        planned_distance_m=p.distance_m,
                        planned_contacts=p.contacts,
                        planned_load_kg=p.added_load_kg,
                        scheme=p.scheme,
                    )
                )
    return tuple(out)


def log_session_as_prescribed(
    database: Database,
    name: str | None,
    date: dt.date,
    *,
    today: dt.date,
    rpe: int | None = None,
    pain: int | None = None,
) -> LoggedSession:
    """Log the whole session of ``date`` as prescribed, in ONE transaction: after a crash
    either every set of it is stored or none is."""
    check_log_date(date, today)
    _check_range("--rpe", rpe, *RPE_RANGE, "")
    _check_range("--pain", pain, *PAIN_RANGE, "")
    with database.unit_of_work(read_only=True) as uow:
        current = _current_in(uow, name, date, day=True)
    session = current.session_on(date)
    if session is None:
        raise InputError(
            f"--date: no session is planned on {date.isoformat()}; {_next(current, date)}"
        )
    sets = prescribed_sets(session, rpe=rpe, pain=pain)
    with database.unit_of_work() as uow:
        athlete = resolve_in(uow, name)
        _lock_athlete(uow, athlete.id)
        day_logs = _day_logs(uow, athlete.id, date)
        target = _refuse_unloggable_day(day_logs, date)
        if target is not None:
            raise InputError(
                f"--date: the session of {date.isoformat()} already has logged sets; "
                "allowed: log the remaining sets one by one (calfcoach log --exercise ...)"
            )
        log = uow.logs.log_session(
            athlete.id,
            date,
            sets,
            plan_session_id=_plan_session_id(uow, athlete, date, current),
        )
        uow.commit()
    return LoggedSession(date=date, sets=sets, session_log_id=log.id)


def _next(current: CurrentPlan, date: dt.date) -> str:
    later = [s.date for s in current.plan.sessions if s.date > date]
    if later:
        return f"allowed: a session day (the next is {later[0].isoformat()})"
    return "allowed: a session day (the plan has none after this day)"


# --------------------------------------------------------------------------- skip and move


def _status_on(uow: AbstractUnitOfWork, athlete_id: int, date: dt.date) -> str | None:
    statuses = {log.status for log in _day_logs(uow, athlete_id, date)}
    for status in ("done", "skipped"):
        if status in statuses:
            return status
    return None


def skip_session(database: Database, name: str | None, date: dt.date) -> None:
    """Mark the planned session on ``date`` as skipped (the progression engine sees it)."""
    with database.unit_of_work() as uow:
        current = _current_in(uow, name, date)
        athlete = current.athlete
        _lock_athlete(uow, athlete.id)
        if current.session_on(date) is None:
            raise InputError(
                f"--date: no session is planned on {date.isoformat()}; {_next(current, date)}"
            )
        status = _status_on(uow, athlete.id, date)
        if status is not None:
            raise InputError(
                f"--date: the session of {date.isoformat()} is already {status}; "
                "allowed: a planned session not yet done or skipped"
            )
        uow.logs.log_session(
            athlete.id,
            date,
            status="skipped",
            plan_session_id=_plan_session_id(uow, athlete, date, current),
        )
        uow.commit()


def move_session(
    database: Database,
    name: str | None,
    from_date: dt.date,
    to_date: dt.date,
    *,
    today: dt.date,
) -> Session:
    """Move the session of ``from_date`` to ``to_date`` if the scheduling rules still hold;
    otherwise refuse with the rule that forbids it. Returns the session on its new day."""
    for field, value in (("--from", from_date), ("--to", to_date)):
        if value < today:
            raise InputError(
                f"{field}: {value.isoformat()} is in the past; allowed: today "
                f"({today.isoformat()}) or later"
            )
    if to_date == from_date:
        raise InputError(
            f"--to: {to_date.isoformat()} is the session's own day; allowed: another day"
        )
    with database.unit_of_work() as uow:
        current = _current_in(uow, name, today)
        athlete = current.athlete
        _lock_athlete(uow, athlete.id)
        session = current.session_on(from_date)
        if session is None:
            raise InputError(
                f"--from: no session is planned on {from_date.isoformat()}; "
                f"{_next(current, from_date)}"
            )
        status = _status_on(uow, athlete.id, from_date)
        if status is not None:
            raise InputError(
                f"--from: the session of {from_date.isoformat()} is already {status}; "
                "allowed: a planned session not yet done or skipped"
            )
        others = [s.date for s in current.plan.sessions if s.date != from_date]
        problems = move_problems(athlete.profile, session, to_date, others)
        if problems:
            raise InputError(
                *(
                    f"--to: {to_date.isoformat()} is refused by {rule}: {message}"
                    for rule, message in problems
                )
            )
        original = current.original_dates.get(from_date, from_date)
        uow.logs.log_session(
            athlete.id,
            original,
            status="moved",
            moved_to=to_date,
            plan_session_id=_plan_session_id(uow, athlete, from_date, current),
        )
        uow.commit()
    return replace(session, date=to_date)


# --------------------------------------------------------------------------- check-ins, tests


def record_checkin(
    database: Database,
    name: str | None,
    date: dt.date,
    *,
    pain: int,
    stiffness: int,
    today: dt.date,
    replace_existing: bool = False,
) -> CheckIn:
    """The next-morning check-in (R-PAIN-1/2): pain and stiffness 0-10, one per day."""
    check_log_date(date, today)
    _check_range("--pain", pain, *PAIN_RANGE, "")
    _check_range("--stiffness", stiffness, *PAIN_RANGE, "")
    checkin = CheckIn(date=date, pain=pain, stiffness=stiffness)
    with database.unit_of_work() as uow:
        athlete = resolve_in(uow, name)
        if not replace_existing and any(
            c.date == date for c in uow.logs.load_training_log(athlete.id).checkins
        ):
            raise InputError(
                f"--date: there is already a check-in on {date.isoformat()}; "
                "allowed: another day, or --replace to overwrite it"
            )
        uow.logs.add_checkin(athlete.id, checkin, replace=replace_existing)
        uow.commit()
    return checkin


def validate_test(test: CapacityTest, today: dt.date) -> None:
    check_log_date(test.date, today)
    _check_range("--left", test.left, *TEST_REPS_RANGE, "reps")
    _check_range("--right", test.right, *TEST_REPS_RANGE, "reps")
    if test.knee not in KNEES:
        raise InputError(f"--knee: {test.knee!r} is not allowed; allowed: {', '.join(KNEES)}")


def record_test(
    database: Database, name: str | None, test: CapacityTest, *, today: dt.date
) -> TestResult:
    """Store a heel-raise test and evaluate it against the norms and the previous test."""
    from calfcoach.core.capacity import age_on, compare_tests, evaluate_heel_raise

    validate_test(test, today)
    with database.unit_of_work() as uow:
        athlete = resolve_in(uow, name)
        previous = [
            t
            for t in uow.logs.load_training_log(athlete.id).tests
            if t.knee == test.knee and t.kind == test.kind and t.date <= test.date
        ]
        uow.logs.add_test(athlete.id, test)
        uow.commit()
    profile = athlete.profile
    age = age_on(profile.birth_year, test.date) if profile.birth_year is not None else None
    evaluation = evaluate_heel_raise(test, sex=profile.sex, age=age)
    comparison = compare_tests(previous[-1], test) if previous else None
    return TestResult(test=test, evaluation=evaluation, comparison=comparison)


def parse_knee(value: str) -> Knee:
    if value not in KNEES:
        raise InputError(f"--knee: {value!r} is not allowed; allowed: {', '.join(KNEES)}")
    return value  # type: ignore[return-value]
