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
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, get_args

from calfcoach.core import limits, rules
from calfcoach.core.models import (
    ACHILLES_COMPLAINTS,
    RED_FLAGS,
    URGENT_RED_FLAGS,
    CapacityTest,
    CheckIn,
    Clearance,
    Exercise,
    HopTest,
    Knee,
    LoggedSet,
    Plan,
    Prescription,
    RedFlag,
    Session,
    Side,
    TrainingLog,
)
from calfcoach.core.schedule import move_problems
from calfcoach.core.units import LB_PER_KG, kg_from_lb
from calfcoach.errors import CalfcoachError, ConflictError, InputError, NotFoundError
from calfcoach.services.access import Action, Actor
from calfcoach.services.athletes import athlete_in, athlete_not_found
from calfcoach.services.inputs import check_date, check_text, number_text

if TYPE_CHECKING:
    # Annotations only: services never import storage (nor SQLAlchemy) at run time.
    from concurrent.futures import Future

    from calfcoach.core.engine import Decision, WalkResult
    from calfcoach.core.models import Race
    from calfcoach.core.safety import DaySafety
    from calfcoach.services.context import ServiceContext
    from calfcoach.storage.records import Athlete, SessionLog, SetLogState, StoredPlan
    from calfcoach.storage.uow import AbstractUnitOfWork

__all__ = [
    "CurrentPlan",
    "active_plan",
    "DOSE_LIMITS",
    "LoggedSession",
    "SetInput",
    "TestResult",
    "current_plan",
    "log_set_once",
    "queue_set",
    "DayAhead",
    "day_walked_ahead",
    "walk_day_ahead",
    "current_plan_in",
    "DAY_FRAME_ANSWER",
    "KEPT_BY_A_SET",
    "DayFrame",
    "day_frame",
    "day_plan",
    "day_sets",
    "effective_plan",
    "log_session_as_prescribed",
    "log_set",
    "measure_problem",
    "move_limit_problem",
    "move_problems",
    "set_measure_problem",
    "side_conflict",
    "move_session",
    "plan_window",
    "ClearanceResult",
    "HopTestResult",
    "evaluate_hop_test",
    "open_red_flag_checkins",
    "parse_red_flags",
    "record_checkin",
    "record_clearance",
    "record_hop_test",
    "record_test",
    "red_flag_advice",
    "skip_session",
    "stored_answer",
    "today_answer",
    "today_session",
    "validate_set",
]

SIDES: tuple[str, ...] = get_args(Side)
KNEES: tuple[str, ...] = ("straight", "bent")
# Field -> (option name, low, high, unit text). Reps, seconds, contacts and distance may not
# be negative (the issue); the upper limits only catch typing slips (an extra zero).
DOSE_LIMITS: dict[str, tuple[str, float, float, str]] = {
    "reps": ("reps", 0, 500, "reps"),
    "seconds": ("seconds", 0, 3600, "seconds"),
    "distance_m": ("distance_m", 0, 1000, "metres"),
    "contacts": ("contacts", 0, 2000, "contacts"),
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
    load_lb: float | None = None
    """The added load typed in pounds (an imperial athlete); stored in kg (``load``)."""

    def load(self) -> float | None:
        """The added load as it is stored: kilograms (pounds converted, D-27)."""
        if self.load_lb is not None:
            return kg_from_lb(self.load_lb)
        return self.load_kg


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
    """What the walk read: the log from the engine snapshot's evidence day on (all of it when
    there was no snapshot), up to the plan's date. Not the whole history."""

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
    notes: tuple[str, ...] = ()
    """Why the test fell on a day R-TEST-5 keeps free of capacity tests (a race's window, a
    pain flare): it is stored as done, and the note says to read it with care (D-161)."""


# --------------------------------------------------------------------------- validation


def _number_text(value: float) -> str:
    return number_text(value)  # 1e+308, never 309 digits


def _check_range(field: str, value: float | None, low: float, high: float, what: str) -> None:
    if value is None:
        return
    if not low <= value <= high:
        raise InputError.about(
            field,
            f"{_number_text(value)} is out of range",
            value=value if value == value and abs(value) != float("inf") else str(value),
            allowed=f"{_number_text(low)}-{_number_text(high)} {what}".rstrip(),
        )


EARLIEST_LOG_DATE = limits.EARLIEST_DATE


def check_log_date(date: dt.date, today: dt.date, field: str = "date") -> None:
    """A log dated after the real today, or outside the one date rule (D-25), is refused."""
    if date < EARLIEST_LOG_DATE:
        raise InputError.about(
            field,
            f"{date.isoformat()} is too early",
            value=date.isoformat(),
            allowed=f"{EARLIEST_LOG_DATE.isoformat()} to today ({today.isoformat()})",
        )
    if date > today:
        raise InputError.about(
            field,
            f"{date.isoformat()} is in the future",
            value=date.isoformat(),
            allowed=f"today ({today.isoformat()}) or earlier",
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
                f"exercise: {error.problems[0]}; allowed: an exercise id of the catalog"
            ) from None
    _check_range("set_number", entry.set_number, *SET_NUMBER_RANGE, "")
    doses = [name for name in DOSE_LIMITS if getattr(entry, name) is not None]
    if not doses:
        raise InputError("dose: missing; allowed: one of reps, seconds, distance_m or contacts")
    for name in doses:
        option, low, high, unit = DOSE_LIMITS[name]
        _check_range(option, getattr(entry, name), low, high, unit)
    if entry.load_kg is not None and entry.load_lb is not None:
        raise InputError.about(
            "load_lb",
            f"{_number_text(entry.load_lb)} is given beside a load in kg",
            value=entry.load_lb,
            allowed="the load in kg or in lb, not both",
        )
    _check_range("load_kg", entry.load_kg, 0, rules.MAX_LOAD_KG, "kg")
    _check_range("load_lb", entry.load_lb, 0, MAX_LOAD_LB, "lb")
    if entry.side not in SIDES:
        raise InputError(f"side: {entry.side!r} is not allowed; allowed: {', '.join(SIDES)}")
    _check_range("rpe", entry.rpe, *RPE_RANGE, "")
    _check_range("pain", entry.pain, *PAIN_RANGE, "")
    problem = set_measure_problem(
        catalog.get(entry.exercise), {name: getattr(entry, name) for name in doses}
    )
    if problem is not None:
        raise InputError(problem)


MAX_LOAD_LB = int(rules.MAX_LOAD_KG * LB_PER_KG)
"""The load limit typed in pounds: 500 kg is 1102.3 lb, so 0-1102 lb."""

MEASURE_OPTIONS: dict[str, str] = {name: limit[0] for name, limit in DOSE_LIMITS.items()}
"""A logged measure (a ``LoggedSet`` field) -> its CLI option."""


def measure_problem(
    exercise: Exercise, measure: str, value: float | None = None, *, field: str | None = None
) -> str | None:
    """Why ``measure`` (``reps``, ``seconds``, ``distance_m`` or ``contacts``) cannot be logged
    for ``exercise``, or None when it is the exercise's own unit (the catalog's ``unit``).

    The engine reads a logged set in the exercise's unit (22 reps of the rope would be read
    as 22 contacts and change the coaching), so any other measure is refused. ``field`` is
    how the caller names the value and its allowed counterpart: the CLI option by default
    (``--reps``; allowed ``--contacts``), a path in an import file (``...sets[3].reps``; the
    allowed field is named beside it)."""
    from calfcoach.core.dosing import unit_of

    expected = unit_of(exercise)
    if measure == expected:
        return None
    if field is None:
        name, allowed = MEASURE_OPTIONS.get(measure, measure), MEASURE_OPTIONS[expected]
    else:
        name, allowed = field, expected
    shown = "" if value is None else f"{_number_text(value)} "
    unit = exercise.unit if exercise.unit != "distance" else "distance (metres)"
    return (
        f"{name}: {shown}is not how {exercise.id} is measured (it is logged in {unit}); "
        f"allowed: {allowed}"
    )


def set_measure_problem(
    exercise: Exercise, values: Mapping[str, float | None], *, prefix: str | None = None
) -> str | None:
    """Why a logged set with these measures (``{"reps": 22, ...}``; None means absent) does
    not fit ``exercise``, or None. It must carry the exercise's own measure and no other,
    except ``seconds`` beside it: the time of each rep (time under load, ``core.load``) or of
    a plyometric bout (as its prescription has it, R-SCH-3a). ``prefix``: the set's path in
    an import file (the fields are then named ``prefix.reps`` and the allowed one by its
    field name); without it the CLI options are named."""
    from calfcoach.core.dosing import unit_of

    own = unit_of(exercise)
    given = {name: value for name, value in values.items() if value is not None}
    for name, value in given.items():
        if name == own or (name == "seconds" and own in given):
            continue
        field = None if prefix is None else f"{prefix}.{name}"
        return measure_problem(exercise, name, value, field=field)
    if own in given:
        return None
    field = MEASURE_OPTIONS[own] if prefix is None else f"{prefix}.{own}"
    return f"{field}: missing; {exercise.id} is logged in {exercise.unit}; allowed: {field}"


SIDE_RULE = (
    "a set is logged either once as both sides or once per side (left, right), never both ways"
)


def side_conflict(
    logged: Iterable[LoggedSet], date: dt.date, exercise: str, set_number: int, side: str
) -> LoggedSet | None:
    """The set already logged that a new set ``(exercise, set_number, side)`` on ``date``
    would count twice, or None. The rule (D-26): set N of an exercise on a day is
    logged either as ``both`` or per side (``left``/``right``), never both ways, and each
    side once; so ``left`` then ``both`` is the same set twice, ``left`` then ``right`` is
    not."""
    for s in logged:
        if (s.date, s.exercise, s.set_number) != (date, exercise, set_number):
            continue
        if s.side == side or "both" in (s.side, side):
            return s
    return None


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


def active_plan(uow: AbstractUnitOfWork, athlete: Athlete) -> StoredPlan:
    """The athlete's active stored plan, inside a use case's unit of work (after the access
    check, ``athletes.athlete_in``); ``NotFoundError`` when they have none."""
    stored = uow.plans.active(athlete.id)
    if stored is None:
        raise NotFoundError(
            f"athlete {athlete.name!r} has no plan; add the athlete again with "
            "`calfcoach athlete add --profile FILE`"
        )
    return stored


def _walk(
    uow: AbstractUnitOfWork,
    athlete: Athlete,
    stored: StoredPlan,
    date: dt.date,
    *,
    until: dt.date | None = None,
) -> tuple[WalkResult, dict[dt.date, dt.date], TrainingLog, dict[dt.date, Session]]:
    """The forward walk (core.engine) as of ``date``: sessions before it as they were given
    (R-HIST: the fixed versions), the session of ``date`` from everything before it, later ones
    projected. Starts from the stored snapshot when one is older than ``date``."""
    from calfcoach.catalog import load_catalog
    from calfcoach.core.engine import State, walk
    from calfcoach.services.plan_inputs import plan_inputs

    moves = session_moves(uow.logs.session_logs(athlete.id, moved=True))
    fixed = {d: f.session for d, f in uow.history.fixed(athlete.id, stored.id).items()}
    snapshot = uow.snapshots.get(athlete.id, stored.id)
    state = None
    if snapshot is not None and snapshot.as_of < date:
        state = State.from_dict(snapshot.state)
    if state is None:  # a next block (issue 7, item 16) starts where the plan before it ended
        from calfcoach.services.corrections import carried_state

        state = carried_state(uow, athlete, stored, date)
    since = state.evidence_since() if state is not None else None
    if state is not None and since is None:
        state = None
    log = uow.logs.load_training_log(athlete.id, since=since).up_to(date)
    inputs = plan_inputs(uow, athlete, date)  # imported runs and calendars (issue 10)
    result = walk(
        inputs.profile,
        load_catalog(),
        stored.plan.start,
        stored.plan.weeks,
        log=log,
        today=date,
        moves=moves,
        fixed=fixed,
        state=state,
        dated=inputs.dated,
        running=inputs.running,
        until=until,
    )
    return result, moves, log, fixed


def _current_in(
    uow: AbstractUnitOfWork,
    actor: Actor,
    athlete_id: int,
    date: dt.date,
    *,
    day: bool = False,
    action: Action = "view",
    until: dt.date | None = None,
) -> CurrentPlan:
    """The plan as of ``date`` (see ``current_plan``). The session of a day is always made from
    what was logged before it, so ``day`` (as of the start of ``date``) gives the same plan.
    ``until``: the plan stops after that day, with no warnings (``core.engine.walk``, D-200)."""
    athlete = athlete_in(uow, actor, athlete_id, action)
    stored = active_plan(uow, athlete)
    result, moves, log, _fixed = _walk(uow, athlete, stored, date, until=until)
    originals = {new: old for old, new in moves.items()}
    for session in result.plan.sessions:
        originals.setdefault(session.date, session.date)
    return CurrentPlan(
        athlete=athlete,
        stored=stored,
        plan=result.plan,
        decisions=result.decisions,
        original_dates=originals,
        log=log,
    )


def settle(uow: AbstractUnitOfWork, athlete: Athlete, today: dt.date) -> None:
    """R-HIST: fix every session dated before ``today`` that is not fixed yet (a session is
    fixed at the end of its day), then keep the walk's state after ``today - 1`` as the
    athlete's snapshot. Every write calls it first, inside its own transaction, so nothing
    logged later (a set dated in the past, an import) can change what was given."""
    plan_id = uow.plans.active_id(athlete.id)
    if plan_id is None:
        return
    snapshot = uow.snapshots.get(athlete.id, plan_id)
    if snapshot is not None and snapshot.as_of >= today - dt.timedelta(days=1):
        return  # settled already today, and nothing dated before today was logged since
    stored = uow.plans.active(athlete.id)
    assert stored is not None  # the same unit of work found its id just above
    result, _moves, _log, fixed = _walk(uow, athlete, stored, today)
    for session in result.plan.sessions:
        if session.date >= today:
            break
        if session.date not in fixed:
            uow.history.fix(athlete.id, stored.id, session, "end of its day")
    if result.snapshot is not None:
        as_of, state = result.snapshot
        if as_of >= stored.plan.start:
            uow.snapshots.put(athlete.id, stored.id, as_of, dict(state))


def fix_day(uow: AbstractUnitOfWork, athlete: Athlete, session: Session, reason: str) -> None:
    """R-HIST: fix the session of a day as it was given (its first logged set)."""
    plan_id = uow.plans.active_id(athlete.id)
    if plan_id is not None:
        uow.history.fix(athlete.id, plan_id, session, reason)


def _given_on(uow: AbstractUnitOfWork, athlete: Athlete, date: dt.date) -> Session | None:
    """The session of ``date`` as it was fixed (R-HIST: its first logged set, or the end of
    its day), or None when it is not fixed yet. A fixed day is what the walk gives for it,
    so a set logged on a fixed day needs no walk."""
    plan_id = uow.plans.active_id(athlete.id)
    if plan_id is None:
        return None
    versions = uow.history.versions(athlete.id, plan_id, date)
    return versions[-1].session if versions else None


def current_plan(ctx: ServiceContext, actor: Actor, athlete_id: int, date: dt.date) -> CurrentPlan:
    """The stored plan with moves applied, walked forward over the log up to ``date``:
    sessions before ``date`` exactly as they were given (R-HIST), later ones reflecting the
    log (``calfcoach plan --athlete NAME --date DATE``)."""
    check_date("date", date)
    with ctx.read_unit_of_work() as uow:
        return _current_in(uow, actor, athlete_id, date)


def current_plan_in(
    uow: AbstractUnitOfWork, actor: Actor, athlete_id: int, date: dt.date
) -> CurrentPlan:
    """``current_plan`` inside a use case's own unit of work (a use case that reads more of
    the athlete beside the plan, in the same transaction): the access check (``view``) and
    the walk over the log up to ``date``. The caller checks ``date`` (``check_date``)."""
    return _current_in(uow, actor, athlete_id, date)


def plan_window(plan: Plan, first_day: dt.date, weeks: int, field: str = "start") -> Plan:
    """``weeks`` plan weeks of ``plan`` from the plan week that holds ``first_day`` (week 1
    when it is before the plan starts), as a plan of its own: it starts on that week's first
    day and its weeks are counted from there (R-SCHED-0), so the JSON contract holds. A day
    after the plan's end is refused (``field`` names it); fewer weeks are shown when the plan
    ends sooner."""
    if not limits.MIN_WEEKS <= weeks <= limits.MAX_WEEKS:
        raise InputError(
            f"weeks: {weeks} is out of range; allowed: {limits.MIN_WEEKS}-{limits.MAX_WEEKS}"
        )
    problem = limits.date_problem(field, first_day)
    if problem is not None:
        raise InputError(problem)
    end = plan.start + dt.timedelta(days=7 * plan.weeks - 1)
    if first_day > end:
        raise InputError(
            f"{field}: {first_day.isoformat()} is after the plan's end; allowed: "
            f"{plan.start.isoformat()} to {end.isoformat()}"
        )
    offset = max(0, (first_day - plan.start).days // 7)
    shown = min(weeks, plan.weeks - offset)
    start = plan.start + dt.timedelta(days=7 * offset)
    sessions = tuple(
        replace(s, week=s.week - offset) for s in plan.sessions if offset < s.week <= offset + shown
    )
    return replace(plan, start=start, weeks=shown, sessions=sessions)


def day_plan(ctx: ServiceContext, actor: Actor, athlete_id: int, date: dt.date) -> CurrentPlan:
    """The plan as of the start of ``date``: the session of ``date`` itself is made from
    everything logged before it (and that morning's check-in). What ``today`` shows and
    what a set logged on ``date`` is compared with."""
    check_date("date", date)
    with ctx.read_unit_of_work() as uow:
        return _current_in(uow, actor, athlete_id, date, day=True)


TODAY_ANSWER = "today.json"
"""The kind of stored day answer ``today_answer`` keeps (``storage/answers.py``)."""


def stored_answer(
    ctx: ServiceContext,
    actor: Actor,
    athlete_id: int,
    date: dt.date,
    kind: str,
    compute: Callable[[], str],
    *,
    variant: str = "",
) -> str:
    """An answer about ``date`` of the athlete (``compute()``: text made from their data
    only), stored and served again while nothing it was made from has changed.

    Every write of engine input raises the athlete's data revision, which a stored answer
    must match; so must the code that made it (``code_id``: the version and a digest of the
    package's files, D-163) and ``variant`` (what else the answer depends on, e.g. the real
    today). The revision is read before ``compute`` reads
    the data: a write that lands in between leaves the answer with an older revision than
    the athlete's, so it is never served (``storage/answers.py``). The access check is the
    caller's ``compute``'s and this function's: ``view``."""
    from calfcoach.code_id import answer_code
    from calfcoach.services.access import ensure_can

    check_date("date", date)
    ensure_can(actor, athlete_id, "view")
    code = answer_code(variant)
    if ctx.answer_lookup is not None:
        body = ctx.answer_lookup(athlete_id, date, kind, code)
        if body is not None:
            return body
    from calfcoach.services.single_flight import one_at_a_time

    # D-199: the threads that find no answer compute it one at a time; those that waited
    # read what the first stored.
    with one_at_a_time((athlete_id, date, kind, code)) as waited:
        with ctx.unit_of_work(read_only=True) as uow:
            if ctx.answer_lookup is None or waited:  # else it was just asked
                body = uow.answers.current(athlete_id, date, kind, code)
                if body is not None:
                    return body
            revision = uow.answers.revision(athlete_id)
        body = compute()
        if revision is not None:
            with ctx.unit_of_work() as uow:
                if uow.answers.store(athlete_id, date, kind, code, revision, body):
                    uow.commit()
    return body


def first_athlete_answer(
    ctx: ServiceContext, actor: Actor, date: dt.date, kind: str, *, variant: str = ""
) -> tuple[int, str | None] | None:
    """Local single-user mode's first athlete (``athletes.first_athlete_id``) and its
    current stored answer of ``kind`` about ``date`` (``stored_answer``'s, None when there is
    none), read by one statement: a page of local mode asked the two apart, two round trips
    to PostgreSQL, and the Today page made 24 % of the server's ceiling against 38 % with one
    (D-165). None when this read does not apply (an account's actor, one who does not see
    every athlete, a date out of range, a context without it) or no athlete is stored: the
    caller then asks the usual way, which says why."""
    from calfcoach.code_id import answer_code
    from calfcoach.errors import CalfcoachError
    from calfcoach.services.access import ensure_can

    if ctx.first_answer is None or actor.account_id is not None or actor.athlete_ids is not None:
        return None
    try:
        check_date("date", date)
    except CalfcoachError:
        return None
    found = ctx.first_answer(date, kind, answer_code(variant))
    if found is None:
        return None
    try:
        ensure_can(actor, found[0], "view")  # as stored_answer checks it
    except CalfcoachError:
        return None
    return found


def today_answer(ctx: ServiceContext, actor: Actor, athlete_id: int, date: dt.date) -> str:
    """The session of ``date`` (``day_plan``) as the JSON of its DTO (``SessionDocument``, or
    ``null`` on a rest day): what ``GET /api/v1/athletes/{id}/today`` answers, stored while
    nothing it was made from changes (``stored_answer``): the second request of a day is one
    indexed query, however long the history (issue 8, figures)."""

    def compute() -> str:
        from calfcoach.services.plan_documents import session_document

        document = session_document(day_plan(ctx, actor, athlete_id, date).session_on(date))
        return "null" if document is None else document.model_dump_json()

    return stored_answer(ctx, actor, athlete_id, date, TODAY_ANSWER, compute)


def own_today_answer(ctx: ServiceContext, actor: Actor, date: dt.date) -> str:
    """``today_answer`` for the caller's own athlete (``athletes.own_athlete_id``: what
    ``GET /api/v1/today`` answers). In local mode the athlete and its stored answer are read
    by one statement (``first_athlete_answer``, as the Today page reads them, D-165)."""
    from calfcoach.services.athletes import own_athlete_id

    found = first_athlete_answer(ctx, actor, date, TODAY_ANSWER)
    if found is not None and found[1] is not None:
        return found[1]
    athlete_id = found[0] if found is not None else own_athlete_id(ctx, actor)
    return today_answer(ctx, actor, athlete_id, date)


DAY_FRAME_ANSWER = "today.frame"
"""The kind of stored day answer ``day_frame`` keeps."""

KEPT_BY_A_SET = (TODAY_ANSWER, DAY_FRAME_ANSWER)
"""The stored answers of a fixed day that a set logged on it cannot change (R-HIST, D-80):
the set is engine input from the next day on, never for the session given on its day nor
for what was decided about it. ``log_set`` keeps them at the new data revision."""


@dataclass(frozen=True, slots=True)
class DayFrame:
    """What the Today page shows about a day beside its logged sets (``day_frame``)."""

    athlete: str
    units: str
    session: Session | None
    """The session of the day (as given, R-HIST), None on a rest day."""
    skipped: bool
    decisions: tuple[tuple[str, str, str, str], ...]
    """The day's decisions: (exercise, action, rule, message)."""
    next_session: Session | None
    ended: str | None
    """What the page says after the plan's end (a rest day only)."""
    red_flags_open: bool
    """A red flag no clearance has lifted (R-PAIN-2a)."""


def day_frame(ctx: ServiceContext, actor: Actor, athlete_id: int, date: dt.date) -> DayFrame:
    """The day as the Today page frames it (``day_plan``: a walk), stored while nothing it was
    made from changes (``stored_answer``); a set logged on a fixed day keeps it
    (``KEPT_BY_A_SET``), so the page after a set reads it and the day's sets, no walk."""
    import json

    from calfcoach.services.corrections import plan_ended
    from calfcoach.storage.plan_doc import session_from_dict, session_to_doc

    def compute() -> str:
        current = day_plan(ctx, actor, athlete_id, date)
        session = current.session_on(date)
        later = [s for s in current.plan.sessions if s.date > date]
        ended = plan_ended(current, date) if session is None else None
        return json.dumps(
            {
                "athlete": current.athlete.name,
                "units": current.athlete.profile.units,
                "session": None if session is None else session_to_doc(session),
                "skipped": date in current.log.skipped,
                "decisions": [
                    [d.exercise, d.action, d.rule, d.message]
                    for d in current.decisions
                    if d.date == date
                ],
                "next_session": session_to_doc(later[0]) if later else None,
                "ended": ended.message if ended is not None else None,
                "red_flags_open": bool(open_red_flag_checkins(current.log, date)),
            }
        )

    doc = json.loads(stored_answer(ctx, actor, athlete_id, date, DAY_FRAME_ANSWER, compute))
    return DayFrame(
        athlete=doc["athlete"],
        units=doc["units"],
        session=None if doc["session"] is None else session_from_dict(doc["session"]),
        skipped=bool(doc["skipped"]),
        decisions=tuple((str(a), str(b), str(c), str(d)) for a, b, c, d in doc["decisions"]),
        next_session=None
        if doc["next_session"] is None
        else session_from_dict(doc["next_session"]),
        ended=doc["ended"],
        red_flags_open=bool(doc["red_flags_open"]),
    )


def day_sets(
    ctx: ServiceContext, actor: Actor, athlete_id: int, date: dt.date
) -> tuple[LoggedSet, ...]:
    """The sets logged on ``date`` (``AbstractUnitOfWork.day_sets``: on a database one Core
    statement, no ORM objects and no profile): what the Today page shows beside its stored
    frame, read anew after every set (D-126)."""
    from calfcoach.services.access import ensure_can

    check_date("date", date)
    ensure_can(actor, athlete_id, "view")  # first: an id not the actor's is refused alike
    with ctx.read_unit_of_work() as uow:
        sets = uow.day_sets(athlete_id, date)
    if sets is None:
        raise athlete_not_found(athlete_id)
    return sets


def today_session(
    ctx: ServiceContext, actor: Actor, athlete_id: int, date: dt.date
) -> Session | None:
    """The session of ``date`` as adapted to the log before it, or None on a rest day."""
    return day_plan(ctx, actor, athlete_id, date).session_on(date)


# --------------------------------------------------------------------------- logging


def _day_logs(uow: AbstractUnitOfWork, athlete_id: int, date: dt.date) -> list[SessionLog]:
    return uow.logs.session_logs(athlete_id, on=date)


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
        load_kg=entry.load(),
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
            f"date: the session of {date.isoformat()} is marked skipped; "
            "allowed: a day that is not skipped"
        )
    return None


def log_set(
    ctx: ServiceContext,
    actor: Actor,
    athlete_id: int,
    date: dt.date,
    entry: SetInput,
    *,
    today: dt.date,
    session: Session | None = None,
    use_session: bool = False,
    client_id: str | None = None,
) -> LoggedSet:
    """Log one set done on ``date``; it is acknowledged (committed) when this returns.

    The planned values come from the adapted plan's session on ``date``; a caller that
    already has it (the interactive log) passes it with ``use_session=True``.

    ``client_id``: the id the client gave the set (a phone's queue of sets logged offline).
    A set whose client id is already stored for the athlete is not stored again: the stored
    one is returned (an idempotent retry), checked under the athlete's write lock so two
    identical requests at once store one row; the same id for another set is a conflict.
    """
    logged, _ = log_set_once(
        ctx,
        actor,
        athlete_id,
        date,
        entry,
        today=today,
        session=session,
        use_session=use_session,
        client_id=client_id,
    )
    return logged


def log_set_once(
    ctx: ServiceContext,
    actor: Actor,
    athlete_id: int,
    date: dt.date,
    entry: SetInput,
    *,
    today: dt.date,
    session: Session | None = None,
    use_session: bool = False,
    client_id: str | None = None,
) -> tuple[LoggedSet, bool]:
    """``log_set``, and whether the set was stored before under ``client_id`` (True: a
    replay of an idempotent request, nothing stored now; the API answers it 200, a first
    post 201)."""
    _check_set(entry, date, today, client_id)

    def write(uow: AbstractUnitOfWork) -> tuple[LoggedSet, bool]:
        return _log_set_in(
            uow, actor, athlete_id, date, entry, today, session, use_session, client_id
        )

    if ctx.group_commit is not None:
        # A server: the sets logged together share one commit; this returns once the
        # transaction holding this set is committed (D-94).
        return ctx.group_commit.submit(athlete_id, write)
    with ctx.unit_of_work() as uow:
        logged = write(uow)
        uow.commit()
    return logged


def _check_set(entry: SetInput, date: dt.date, today: dt.date, client_id: str | None) -> None:
    """A set's own checks, before any read: its values and its client id."""
    validate_set(entry, date, today)
    if client_id is not None:
        check_client_id(client_id)


def _set_state(
    uow: AbstractUnitOfWork,
    athlete_id: int,
    date: dt.date,
    entry: SetInput,
    client_id: str | None,
) -> SetLogState | None:
    """Everything logging ``entry`` checks, in one read (``set_log_state``)."""
    return uow.set_log_state(
        athlete_id,
        date,
        exercise=entry.exercise,
        set_number=entry.set_number,
        side=entry.side,
        client_id=client_id,
    )


def _settle_due(state: SetLogState, today: dt.date) -> bool:
    """R-HIST: the days before ``today`` are not all fixed yet (a write settles first)."""
    return state.plan_id is not None and (
        state.settled_as_of is None or state.settled_as_of < today - dt.timedelta(days=1)
    )


def queue_set(
    ctx: ServiceContext,
    actor: Actor,
    athlete_id: int,
    date: dt.date,
    entry: SetInput,
    *,
    today: dt.date,
    client_id: str | None = None,
    ahead: DayAhead | None = None,
) -> Future[tuple[LoggedSet, bool]] | None:
    """``log_set_once`` for an ``async`` caller (the API's set POST, D-217): the input is
    checked now (its errors raised here, nothing queued), and the write is queued to the
    context's group-commit writer without waiting; the future holds what ``log_set_once``
    returns (or raises), set once the transaction holding the set is committed. None: the
    context has no writer (PostgreSQL, the CLI); then call ``log_set_once`` on a thread.
    ``ahead``: the day's session walked outside the write lock (``walk_day_ahead``)."""
    if ctx.group_commit is None:
        return None
    _check_set(entry, date, today, client_id)

    def write(uow: AbstractUnitOfWork) -> tuple[LoggedSet, bool]:
        done = _log_set_in(
            uow, actor, athlete_id, date, entry, today, None, False, client_id, ahead
        )
        _remember_day_given(ctx, athlete_id, date)
        return done

    return ctx.group_commit.queue(athlete_id, write)


DAYS_GIVEN_KEPT = 4096
"""The most (athlete, day) pairs a context remembers as logged on (``days_given``)."""


@dataclass(frozen=True, slots=True)
class DayAhead:
    """The session of a day not fixed yet, walked outside the write lock at the athlete's
    data revision ``revision`` (``walk_day_ahead``, D-218)."""

    revision: int
    session: Session | None


def day_walked_ahead(ctx: ServiceContext, athlete_id: int, date: dt.date) -> bool:
    """Whether a set on ``date`` is worth walking the day ahead for: not when this process
    has logged a set on that day already (its session is fixed then, R-HIST)."""
    return (athlete_id, date) not in ctx.days_given


def _remember_day_given(ctx: ServiceContext, athlete_id: int, date: dt.date) -> None:
    if len(ctx.days_given) >= DAYS_GIVEN_KEPT:
        ctx.days_given.clear()  # a hint: forgetting costs one read ahead per day
    ctx.days_given[(athlete_id, date)] = None


def walk_day_ahead(
    ctx: ServiceContext,
    actor: Actor,
    athlete_id: int,
    date: dt.date,
    entry: SetInput,
    *,
    today: dt.date,
    client_id: str | None = None,
) -> DayAhead | None:
    """D-218: the first set of a day fixes its session (R-HIST), a walk of the history up to
    the day (D-200). Walked here, in a read-only unit of work and outside the write lock, it
    costs the other writers nothing; the write that then finds the athlete still at this
    data revision fixes this session instead of walking again under the lock (the walk is
    a function of the stored data, which the revision names, as the stored answers of D-79
    rely on). None: nothing to walk ahead (the day is fixed already, the days before today
    are not settled yet, a replay, or anything the write will refuse and say why itself)."""
    try:
        _check_set(entry, date, today, client_id)  # no query with a set number past any column's
        with ctx.unit_of_work(read_only=True) as uow:
            state = _set_state(uow, athlete_id, date, entry, client_id)
            if state is None or state.client_id_taken or state.skipped:
                return None
            if state.given is not None:
                _remember_day_given(ctx, athlete_id, date)
                return None
            if _settle_due(state, today):
                return None  # the write settles first (R-HIST), a new revision
            current = _current_in(uow, actor, athlete_id, date, day=True, until=date)
            return DayAhead(state.revision, current.session_on(date))
    except CalfcoachError:
        return None  # the write checks again under the lock and answers the error


def _log_set_in(
    uow: AbstractUnitOfWork,
    actor: Actor,
    athlete_id: int,
    date: dt.date,
    entry: SetInput,
    today: dt.date,
    session: Session | None,
    use_session: bool,
    client_id: str | None,
    ahead: DayAhead | None = None,
) -> tuple[LoggedSet, bool]:
    """``log_set``'s checks and writes in ``uow`` (the caller commits); True with a set
    stored before under ``client_id`` (a replay: nothing is written). ``ahead``: the day's
    session walked outside the lock (D-218), used only at the revision it was walked at.

    Everything the checks need is read in one go under the athlete's write lock
    (``set_log_state``: one statement on a database); a set on a day already fixed and
    settled then writes the set, the revision and the kept answer, and walks nothing."""
    from calfcoach.services.access import ensure_can

    ensure_can(actor, athlete_id, "log")
    uow.lock_athlete(athlete_id)

    def read() -> SetLogState:
        state = _set_state(uow, athlete_id, date, entry, client_id)
        if state is None:
            raise athlete_not_found(athlete_id)
        return state

    state = read()
    if client_id is not None and state.client_id_taken:
        stored = uow.logs.set_by_client_id(athlete_id, client_id)
        assert stored is not None  # read under the same lock just above
        return _same_set_or_conflict(stored, date, entry, client_id), True
    athlete: Athlete | None = None
    if _settle_due(state, today):
        athlete = uow.athletes.get(athlete_id)
        settle(uow, athlete, today)  # R-HIST: the days before today are fixed first
        state = read()
        ahead = None  # walked before the settle: walk again
    given = None
    walked = False
    if not use_session:
        session = given = state.given
        if session is None:
            if ahead is not None and ahead.revision == state.revision:
                # D-218: walked outside the lock from the very data this lock now holds.
                session = ahead.session
            else:
                # D-200: the walk stops after the day; the set needs its session, not the plan.
                current = _current_in(uow, actor, athlete_id, date, day=True, until=date)
                session = current.session_on(date)
            walked = True
    logged = _logged(entry, date, _planned(session, entry.exercise))
    # D-26, checked under the athlete's write lock: two processes cannot both pass it.
    _refuse_set_logged_twice(state.clash_side, date, entry)
    if state.done_log_id is None and state.skipped:
        raise InputError(
            f"date: the session of {date.isoformat()} is marked skipped; "
            "allowed: a day that is not skipped"
        )
    if session is not None and session.date == date and session is not given:
        # R-HIST: the first logged set fixes the day. A session read from its fixed
        # version is that version already (fixing it again writes nothing), so the
        # plan's row lock and the comparison of documents are skipped (D-80).
        athlete = athlete or uow.athletes.get(athlete_id)
        fix_day(uow, athlete, session, "first logged set")
    if state.done_log_id is None:
        athlete = athlete or uow.athletes.get(athlete_id)
        plan_session_id = _plan_session_id(uow, athlete, date, None)
        uow.logs.log_session(
            athlete_id, date, [logged], plan_session_id=plan_session_id, client_id=client_id
        )
    else:
        uow.logs.append_set(state, athlete_id, logged, client_id=client_id)
    if given is not None or (walked and session is not None and session.date == date):
        # The stored answers of this day stay true: a set on a fixed day changes the
        # engine's input from the next day on, never the session given on it (R-HIST,
        # D-80). They are kept at the new data revision, so the next read needs no walk.
        # So does the first set of a session's day (D-127): the session it
        # fixes is the one walked here as of the start of the day at ``state.revision``,
        # the walk the answers kept (made at that same revision) were made from. A first
        # set on a rest day keeps nothing: the frame's next session is shown there.
        uow.answers.keep(athlete_id, date, KEPT_BY_A_SET, state.revision)
    return logged, False


CLIENT_ID_MAX = 64
"""The longest client id (``storage.records.CLIENT_ID_LENGTH``; a UUID has 36 characters)."""


def check_client_id(client_id: str) -> str:
    """A client id: 1 to ``CLIENT_ID_MAX`` characters of printable text."""
    if not client_id.strip():
        raise InputError.about(
            "client_id", "is empty", value=client_id, allowed=f"1-{CLIENT_ID_MAX} characters"
        )
    return check_text("client_id", client_id, max_chars=CLIENT_ID_MAX)


def _same_set_or_conflict(
    stored: LoggedSet, date: dt.date, entry: SetInput, client_id: str
) -> LoggedSet:
    """The stored set of a retried request (the same set, the same values: an idempotent
    retry); a client id given before to another set, or to this set with other values, is a
    conflict naming what differs (the client reused an id, or changed a set it had sent: a
    correction is an edit of the stored set, never a silent keep of the old values)."""
    sent = _logged(entry, date, None)
    differ = [name for name in CLIENT_SET_FIELDS if getattr(stored, name) != getattr(sent, name)]
    if not differ:
        return stored
    where = f"set {stored.set_number} of {stored.exercise} on {stored.date.isoformat()}"
    shown = ", ".join(
        f"{name} {_shown(getattr(sent, name))} (stored: {_shown(getattr(stored, name))})"
        for name in differ
    )
    raise ConflictError.about(
        "client_id",
        f"{client_id!r} was given to {where} ({stored.side}); this request differs in {shown}",
        value=client_id,
        allowed="a new client id for each set (a retry sends the same values again)",
    )


CLIENT_SET_FIELDS = (
    "date",
    "exercise",
    "set_number",
    "side",
    "reps",
    "seconds",
    "distance_m",
    "contacts",
    "load_kg",
    "rpe",
    "pain",
)
"""What a client sends of a set (``SetInput``, the load in kg): a retry under the same client
id must send all of it again unchanged. The planned values are the service's, not compared."""


def _shown(value: object) -> str:
    if value is None:
        return "none"
    if isinstance(value, dt.date):
        return value.isoformat()
    return _number_text(value) if isinstance(value, float) else str(value)


def _refuse_set_logged_twice(clash_side: str | None, date: dt.date, entry: SetInput) -> None:
    """D-26: ``clash_side`` is the side of a set already logged that the new one would count
    twice (``side_conflict``'s rule, read in ``set_log_state``)."""
    if clash_side is None:
        return
    what = f"set {entry.set_number} of {entry.exercise} on {date.isoformat()}"
    if clash_side == entry.side:
        raise ConflictError(
            f"set_number: {what} ({entry.side}) is already logged; "
            "allowed: a set number not yet logged"
        )
    raise ConflictError(
        f"side: {entry.side} for {what}, which is already logged as {clash_side}; allowed: "
        f"{SIDE_RULE}"
    )


def _plan_session_id(
    uow: AbstractUnitOfWork, athlete: Athlete, date: dt.date, current: CurrentPlan | None
) -> int | None:
    plan_id = uow.plans.active_id(athlete.id)
    if plan_id is None:
        return None
    original = date
    if current is not None:
        original = current.original_dates.get(date, date)
    else:
        moves = session_moves(uow.logs.session_logs(athlete.id, moved=True))
        for old, new in moves.items():
            if new == date:
                original = old
    planned = uow.plans.sessions(plan_id, on=original)
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
    ctx: ServiceContext,
    actor: Actor,
    athlete_id: int,
    date: dt.date,
    *,
    today: dt.date,
    rpe: int | None = None,
    pain: int | None = None,
) -> LoggedSession:
    """Log the whole session of ``date`` as prescribed, in ONE transaction: after a crash
    either every set of it is stored or none is."""
    check_log_date(date, today)
    _check_range("rpe", rpe, *RPE_RANGE, "")
    _check_range("pain", pain, *PAIN_RANGE, "")
    with ctx.unit_of_work() as uow:
        athlete = athlete_in(uow, actor, athlete_id, "log")
        uow.lock_athlete(athlete.id)
        settle(uow, athlete, today)
        current = _current_in(uow, actor, athlete_id, date, day=True, action="log")
        session = current.session_on(date)
        if session is None:
            raise InputError(
                f"date: no session is planned on {date.isoformat()}; {_next(current, date)}"
            )
        sets = prescribed_sets(session, rpe=rpe, pain=pain)
        fix_day(uow, athlete, session, "first logged set")  # R-HIST
        day_logs = _day_logs(uow, athlete.id, date)
        target = _refuse_unloggable_day(day_logs, date)
        if target is not None:
            raise ConflictError(
                f"date: the session of {date.isoformat()} already has logged sets; "
                "allowed: log the remaining sets one by one"
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


def skip_session(
    ctx: ServiceContext,
    actor: Actor,
    athlete_id: int,
    date: dt.date,
    *,
    today: dt.date | None = None,
) -> None:
    """Mark the planned session on ``date`` as skipped (the progression engine sees it)."""
    with ctx.unit_of_work() as uow:
        current = _current_in(uow, actor, athlete_id, date, action="log")
        athlete = current.athlete
        uow.lock_athlete(athlete.id)
        settle(uow, athlete, today or date)
        if current.session_on(date) is None:
            raise InputError(
                f"date: no session is planned on {date.isoformat()}; {_next(current, date)}"
            )
        status = _status_on(uow, athlete.id, date)
        if status is not None:
            raise ConflictError(
                f"date: the session of {date.isoformat()} is already {status}; "
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
    ctx: ServiceContext,
    actor: Actor,
    athlete_id: int,
    from_date: dt.date,
    to_date: dt.date,
    *,
    today: dt.date,
) -> Session:
    """Move the session of ``from_date`` to ``to_date`` if the scheduling rules still hold;
    otherwise refuse with the rule that forbids it. Returns the session on its new day.

    The limits of a move (D-29): both days inside the one date rule (D-25), neither
    in the past, the new day inside the plan (its start to its end) and at most
    ``MAX_MOVE_DAYS`` from the day the plan had the session on."""
    for field, value in (("from_date", from_date), ("to_date", to_date)):
        problem = limits.date_problem(field, value)
        if problem is not None:
            raise InputError(problem)
    for field, value in (("from_date", from_date), ("to_date", to_date)):
        if value < today:
            raise InputError(
                f"{field}: {value.isoformat()} is in the past; allowed: today "
                f"({today.isoformat()}) or later"
            )
    with ctx.unit_of_work() as uow:
        current = _current_in(uow, actor, athlete_id, today, action="log")
        athlete = current.athlete
        uow.lock_athlete(athlete.id)
        settle(uow, athlete, today)
        session = current.session_on(from_date)
        if session is None:
            raise InputError(
                f"from_date: no session on {from_date.isoformat()} to move; "
                f"{_next(current, from_date)}"
            )
        if to_date == from_date:
            raise InputError(
                f"to_date: {to_date.isoformat()} is the session's own day; allowed: another day"
            )
        status = _status_on(uow, athlete.id, from_date)
        if status is not None:
            raise ConflictError(
                f"from_date: the session of {from_date.isoformat()} is already {status}; "
                "allowed: a planned session not yet done or skipped"
            )
        planned_on = current.original_dates.get(from_date, from_date)
        problem = move_limit_problem(current.stored.plan, planned_on, to_date, today)
        if problem is not None:
            raise InputError(problem)
        others = [s.date for s in current.plan.sessions if s.date != from_date]
        from calfcoach.services.plan_inputs import plan_inputs

        inputs = plan_inputs(uow, athlete, today)  # dated runs and races too (issue 10)
        problems = move_problems(inputs.profile, session, to_date, others, inputs.dated)
        if problems:
            raise InputError(
                *(
                    f"to_date: {to_date.isoformat()} is refused by {rule}: {message}"
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


MAX_MOVE_DAYS = 6
"""How far a session may move from the day the plan had it on (D-29): less than a
plan week (R-SCHED-0), so a week's sessions stay near their week and the rotation's order
(R-SCHED-3) and the weekly count (R-SCHED-1) hold; a session cannot be pushed on and on."""


def move_limit_problem(
    plan: Plan, planned_on: dt.date, to: dt.date, today: dt.date | None = None
) -> str | None:
    """Why a session the plan had on ``planned_on`` may not move to ``to``, leaving the
    scheduling rules aside (``move_problems``): outside the plan, or more than
    ``MAX_MOVE_DAYS`` from its planned day. None: within the limits."""
    first = plan.start
    last = plan.start + dt.timedelta(days=7 * plan.weeks - 1)
    earliest = max(first, planned_on - dt.timedelta(days=MAX_MOVE_DAYS), today or first)
    latest = min(last, planned_on + dt.timedelta(days=MAX_MOVE_DAYS))
    if earliest <= to <= latest:
        return None
    if not first <= to <= last:
        where = "before the plan starts" if to < first else "after the plan ends"
        why = f"{where} ({first.isoformat()} to {last.isoformat()})"
    else:
        days = abs((to - planned_on).days)
        why = (
            f"{days} days from the session's planned day ({planned_on.isoformat()}); a session "
            f"moves at most {MAX_MOVE_DAYS} days, inside the plan"
        )
    allowed = (
        f"{earliest.isoformat()} to {latest.isoformat()}"
        if earliest <= latest
        else "no other day (the session has moved as far as it may)"
    )
    return f"to_date: {to.isoformat()} is {why}; allowed: {allowed}"


# --------------------------------------------------------------------------- check-ins, tests


def record_checkin(
    ctx: ServiceContext,
    actor: Actor,
    athlete_id: int,
    date: dt.date,
    *,
    pain: int,
    stiffness: int,
    today: dt.date,
    replace_existing: bool = False,
    red_flags: Iterable[str] = (),
) -> CheckIn:
    """The next-morning check-in (R-PAIN-1/2): pain and stiffness 0-10, one per day, and the
    red flags answered yes (R-PAIN-2a; any one stops the plan until a clinician's clearance
    is recorded with ``record_clearance``)."""
    check_log_date(date, today)
    _check_range("pain", pain, *PAIN_RANGE, "")
    _check_range("stiffness", stiffness, *PAIN_RANGE, "")
    flags = parse_red_flags(red_flags)
    checkin = CheckIn(date=date, pain=pain, stiffness=stiffness, red_flags=flags)
    with ctx.unit_of_work() as uow:
        athlete = athlete_in(uow, actor, athlete_id, "log")
        uow.lock_athlete(athlete.id)
        settle(uow, athlete, today)
        same_day = [c for c in uow.logs.load_training_log(athlete.id).checkins if c.date == date]
        if same_day and not replace_existing:
            raise ConflictError(
                f"date: there is already a check-in on {date.isoformat()}; "
                "allowed: another day, or replacing the stored check-in"
            )
        if same_day and same_day[0].red_flags:
            # D-19: a replaced check-in keeps its red flags; only a clearance lifts a stop
            # (R-PAIN-2a).
            checkin = replace(checkin, red_flags=checkin.red_flags | same_day[0].red_flags)
        uow.logs.add_checkin(athlete.id, checkin, replace=replace_existing)
        uow.commit()
    return checkin


def validate_test(test: CapacityTest, today: dt.date) -> None:
    check_log_date(test.date, today)
    _check_range("left", test.left, *TEST_REPS_RANGE, "reps")
    _check_range("right", test.right, *TEST_REPS_RANGE, "reps")
    if test.knee not in KNEES:
        raise InputError(f"knee: {test.knee!r} is not allowed; allowed: {', '.join(KNEES)}")


def record_test(
    ctx: ServiceContext,
    actor: Actor,
    athlete_id: int,
    test: CapacityTest,
    *,
    today: dt.date,
    replace_existing: bool = False,
) -> TestResult:
    """Store a heel-raise test and evaluate it against the norms and the previous test.

    One test a day per knee position, like the check-in: a second one that day is refused
    unless ``replace_existing`` (it then replaces the first); it is never stored twice nor
    compared with itself (D-28)."""
    from calfcoach.core.capacity import age_on, compare_tests, evaluate_heel_raise

    validate_test(test, today)
    with ctx.unit_of_work() as uow:
        athlete = athlete_in(uow, actor, athlete_id, "log")
        uow.lock_athlete(athlete.id)
        settle(uow, athlete, today)
        same_kind = [
            t
            for t in uow.logs.load_training_log(athlete.id).tests
            if t.knee == test.knee and t.kind == test.kind
        ]
        if any(t.date == test.date for t in same_kind) and not replace_existing:
            raise _test_taken(test)
        previous = [t for t in same_kind if t.date < test.date]
        uow.logs.add_test(athlete.id, test, replace=replace_existing)
        uow.commit()
    with ctx.unit_of_work(read_only=True) as uow:  # after the commit: the write lock is short
        notes = _test_day_notes(uow, ctx, athlete, test.date)
    profile = athlete.profile
    age = age_on(profile.birth_year, test.date) if profile.birth_year is not None else None
    evaluation = evaluate_heel_raise(test, sex=profile.sex, age=age)
    comparison = compare_tests(previous[-1], test) if previous else None
    return TestResult(test=test, evaluation=evaluation, comparison=comparison, notes=notes)


def _test_day_notes(
    uow: AbstractUnitOfWork, ctx: ServiceContext, athlete: Athlete, day: dt.date
) -> tuple[str, ...]:
    """R-TEST-5 (D-161): no capacity test while the plan is stopped, during a pain flare nor
    in a race's window. A test done then is kept (history is what was done); these notes say
    why to read it with care, and, with a complaint, what it can still change (D-164)."""
    from calfcoach.core.races import capacity_test_barred
    from calfcoach.services.plan_inputs import athlete_races

    races = athlete_races(uow, athlete)
    notes: list[str] = []
    barred = capacity_test_barred(races, day)
    if barred is not None:
        notes.append(f"{barred[:-1]} (R-TEST-5): race fatigue or taper skews it; retest later.")
    profile = athlete.profile
    if profile.complaints:
        log = uow.logs.load_training_log(athlete.id).up_to(day)
        safety = _safety_on(ctx, athlete, log, day, races)
        if safety.stop is not None:
            notes.append(
                "No capacity test while the plan is stopped (R-TEST-5, "
                f"{safety.stop.rule}; since {safety.stop.since.isoformat()}): retest once it "
                "restarts."
            )
        if safety.flare is not None:
            notes.append(
                f"No capacity test during a pain flare (R-TEST-5; a flare since "
                f"{safety.flare.start.isoformat()}): read it with care and retest after it."
            )
        if notes:
            notes.append(
                "For the complaint, a test on such a day counts only if a side is below 90%: "
                "it can hold back closing the complaint or the wider plyometric band, never "
                "open them (D-164)."
            )
    if "achilles_insertional" in profile.complaints:
        notes.append(
            "Insertional Achilles pain: the test belongs on flat ground, no incline and no "
            "step (R-PAIN-5); compare it only with tests done the same way."
        )
    return tuple(notes)


def _test_taken(test: CapacityTest) -> ConflictError:
    return ConflictError(
        f"date: there is already a {test.kind} test ({test.knee} knee) on "
        f"{test.date.isoformat()}; allowed: another day, another knee, or replacing the "
        "stored test"
    )


def check_test_day(ctx: ServiceContext, actor: Actor, athlete_id: int, test: CapacityTest) -> None:
    """Refuse at once a test whose day already has one of the same knee position (D-28):
    the live test asks before its minutes of counting, not after. ``record_test`` checks it
    again in its transaction."""
    with ctx.unit_of_work(read_only=True) as uow:
        athlete = athlete_in(uow, actor, athlete_id, "log")
        tests = uow.logs.load_training_log(athlete.id, since=test.date).tests
    if any((t.date, t.knee, t.kind) == (test.date, test.knee, test.kind) for t in tests):
        raise _test_taken(test)


def parse_knee(value: str) -> Knee:
    if value not in KNEES:
        raise InputError(f"knee: {value!r} is not allowed; allowed: {', '.join(KNEES)}")
    return value  # type: ignore[return-value]


# --------------------------------------------------------------------------- red flags, hop test


def parse_red_flags(names: Iterable[str]) -> frozenset[RedFlag]:
    """The red-flag names of a check-in (R-PAIN-2a); an unknown name is refused, naming
    the allowed ones."""
    flags: set[RedFlag] = set()
    for raw in names:
        name = raw.strip().lower().replace("-", "_")
        if name not in RED_FLAGS:
            raise InputError(f"red_flags: {raw!r} is not allowed; allowed: {', '.join(RED_FLAGS)}")
        flags.add(name)  # checked against RED_FLAGS (narrowed by "in")
    return frozenset(flags)


def open_red_flag_checkins(log: TrainingLog, date: dt.date) -> tuple[CheckIn, ...]:
    """The check-ins with red flags up to ``date`` that no clearance has lifted yet.

    R-PAIN-2a, as the safety layer reads it (D-18): a clearance lifts the red flags of the
    days strictly before it; a red flag on the clearance's own day stays open."""
    clearances = [c.date for c in getattr(log, "clearances", ()) if c.date <= date]
    last = max(clearances, default=None)
    return tuple(
        c
        for c in sorted(log.checkins, key=lambda c: c.date)
        if c.red_flags and c.date <= date and (last is None or c.date >= last)
    )


def red_flag_advice(flags: Iterable[str]) -> str:
    """What the athlete is told at once when a check-in has a red flag (R-PAIN-2a)."""
    given = sorted(set(flags), key=lambda f: RED_FLAGS.index(f) if f in RED_FLAGS else 99)
    urgent = [f for f in given if f in URGENT_RED_FLAGS]
    words = ", ".join(RED_FLAG_WORDS.get(f, f) for f in given)
    when = "today" if urgent else "within the next few days"
    return (
        f"RED FLAG ({words}): see a clinician (a doctor or physiotherapist) {when}. "
        "Your plan is stopped: no strength sessions until you record the clinician's "
        "clearance (R-PAIN-2a)."
    )


RED_FLAG_WORDS: dict[str, str] = {
    "pop": "a pop or sudden pain in the calf, Achilles or heel",
    "swelling": "calf swelling",
    "warmth": "a warm calf",
    "redness": "a red calf",
    "cant_rise": "cannot walk normally or rise on the toes",
    "night_pain": "pain at night",
    "rest_pain": "pain at rest",
    "bone_spot": "pain on one spot of a bone",
    "worse_during_run": "pain that grows through a run",
    "numbness": "numbness, tingling or weakness in the foot",
}
"""Each red flag in plain words (R-PAIN-2a), for the check-in's questions and its advice."""

RED_FLAG_QUESTIONS: dict[str, str] = {
    "pop": "Did you feel a pop or a sudden pain in the calf, Achilles or heel?",
    "swelling": "Is your calf swollen?",
    "warmth": "Is your calf warm to the touch?",
    "redness": "Is your calf red?",
    "cant_rise": "Is it hard to walk normally or to rise on your toes?",
    "night_pain": "Did pain wake you or keep you up at night?",
    "rest_pain": "Does it hurt at rest, sitting or lying still?",
    "bone_spot": (
        "Is there pain on one spot of a bone (the shin, the top of the midfoot, the heel "
        "when squeezed)?"
    ),
    "worse_during_run": "Does the pain grow as a run goes on?",
    "numbness": "Any numbness, tingling or weakness in the foot?",
}
"""The yes/no questions of the interactive check-in, one per red flag (R-PAIN-2a)."""


@dataclass(frozen=True, slots=True)
class ClearanceResult:
    clearance: Clearance
    cleared: tuple[CheckIn, ...]
    """The red-flag check-ins this clearance lifts."""


def record_clearance(
    ctx: ServiceContext,
    actor: Actor,
    athlete_id: int,
    date: dt.date,
    *,
    today: dt.date,
    note: str | None = None,
) -> ClearanceResult:
    """Record a clinician's clearance (R-PAIN-2a): it lifts the red-flag stop of the
    check-ins before ``date``. Refused when there is no red-flag check-in to clear, or when
    one is dated on or after ``date`` (the clearance would not lift it, D-18/D-19)."""
    check_log_date(date, today)
    text = note.strip() if note is not None else None
    if text is not None:
        check_text("note", text, max_chars=CLEARANCE_NOTE_MAX, multiline=True)
    clearance = Clearance(date=date, note=text or None)
    with ctx.unit_of_work() as uow:
        athlete = athlete_in(uow, actor, athlete_id, "log")
        uow.lock_athlete(athlete.id)
        settle(uow, athlete, today)
        log = uow.logs.load_training_log(athlete.id)
        open_flags = open_red_flag_checkins(log, dt.date.max)
        lifted = tuple(c for c in open_flags if c.date < date)
        if not lifted or len(lifted) < len(open_flags):
            later = [c.date for c in open_flags if c.date >= date]
            hint = (
                f"; the red flag of {later[-1].isoformat()} needs a clearance dated after it"
                if later
                else ""
            )
            raise InputError(
                f"date: there is no red-flag check-in to clear on or before "
                f"{date.isoformat()}{hint}; allowed: a clearance after a check-in with "
                "red_flags"
            )
        uow.logs.add_clearance(athlete.id, clearance)
        uow.commit()
    return ClearanceResult(clearance=clearance, cleared=lifted)


CLEARANCE_NOTE_MAX = 500


@dataclass(frozen=True, slots=True)
class HopTestResult:
    test: HopTest
    passed: bool
    """Complete (every hop done) with pain within the limit of the athlete's complaints."""
    pain_limit: int
    messages: tuple[str, ...]
    """The result in words, one sentence each (R-TEST-5)."""
    counts: bool = True
    """Whether the plan counts it: the test was allowed on its day (R-TEST-5: 7 days of
    check-ins at 2/10 or less, no red flag, no flare, no race window, 7 days since the last
    test). A test that does not count clears nothing, whatever its result (D-166)."""


def hop_pass_pain(complaints: Iterable[str]) -> int:
    """The highest pain (0-10) with which the hop test passes (R-TEST-5): shin 0, calf
    strain 2, otherwise 3; with several complaints the strictest."""
    limit = rules.HOP_TEST_PASS_PAIN
    strict: dict[str, int] = {str(k): v for k, v in rules.HOP_TEST_STRICT_PASS_PAIN.items()}
    for complaint in complaints:
        limit = min(limit, strict.get(complaint, limit))
    return limit


def evaluate_hop_test(
    test: HopTest,
    complaints: Iterable[str],
    previous: Sequence[HopTest] = (),
    *,
    refused: str | None = None,
) -> HopTestResult:
    """The hop test in words (R-TEST-5): complete, pain within the complaint's limit.
    ``refused``: why the test was not allowed on its day (``hop_test_refusal``); it then
    counts for nothing, and the words say so instead of what a pass would clear (D-166)."""
    complaints = frozenset(complaints)
    limit = hop_pass_pain(complaints)
    legs = "each leg" if test.side == "both" else f"the {test.side} leg"
    messages: list[str] = []
    complete = test.hops >= rules.HOP_TEST_HOPS
    painless = test.pain <= limit
    who = (
        "with shin pain"
        if "shin" in complaints
        else "with a calf strain"
        if "calf_strain" in complaints
        else "with your complaint"
        if complaints
        else ""
    )
    if complete and painless:
        messages.append(
            f"{'Done' if refused else 'Passed'}: {test.hops} hops on {legs} with pain "
            f"{test.pain}/10, within the {limit}/10 limit{' ' + who if who else ''} (R-TEST-5)."
        )
    else:
        if not complete:
            messages.append(
                f"Not passed: {test.hops} hops on {legs}; the test is {rules.HOP_TEST_HOPS} "
                "(10, then after 60 s another 30) (R-TEST-5)."
            )
        if not painless:
            messages.append(
                f"Not passed: pain {test.pain}/10 is above the {limit}/10 limit"
                f"{' ' + who if who else ''} (R-TEST-5). Stop hopping for now."
            )
    if refused is not None:
        # D-166: a test on a day it was not allowed clears nothing; it still loaded the leg,
        # so the next one waits the 7 days all the same.
        messages.append(
            f"Not counted: {refused.rstrip('.')}. It clears nothing (R-TEST-5); the next "
            f"hop test is due no sooner than {rules.HOP_TEST_RETEST_DAYS} days after this one, "
            "once it is allowed."
        )
        return HopTestResult(
            test=test,
            passed=complete and painless,
            pain_limit=limit,
            messages=tuple(messages),
            counts=False,
        )
    if "shin" in complaints and complete and painless:
        messages.append(
            "Shin: it counts only if the bone is also pain-free tomorrow morning; pain on one "
            "spot of a bone is a red flag (check in with --red-flag bone_spot)."
        )
    if complete and painless and complaints & {"shin", "calf_strain"}:
        messages.append("This clears light plyometrics (R-PAIN-4).")
    elif complete and painless and complaints & ACHILLES_COMPLAINTS:
        messages.append("This clears single-leg hops (R-PAIN-3).")
    if complete and painless and complaints:
        messages.append(
            "It counts only when the test was allowed: 7 days of check-ins at 2/10 or less "
            "without a red flag, no flare, not within a week of a race (R-TEST-5); the plan "
            "decides."
        )
    recent = [
        t
        for t in previous
        if t.date < test.date and (test.date - t.date).days < rules.HOP_TEST_RETEST_DAYS
    ]
    if recent:
        messages.append(
            f"Note: the previous hop test was on {recent[-1].date.isoformat()}; retest no "
            f"sooner than {rules.HOP_TEST_RETEST_DAYS} days (R-TEST-5)."
        )
    return HopTestResult(
        test=test, passed=complete and painless, pain_limit=limit, messages=tuple(messages)
    )


def validate_hop_test(test: HopTest, today: dt.date) -> None:
    check_log_date(test.date, today)
    _check_range("hops", test.hops, 0, rules.HOP_TEST_MAX_HOPS, "hops per leg")
    _check_range("pain", test.pain, *PAIN_RANGE, "")
    if test.side not in SIDES:
        raise InputError(f"side: {test.side!r} is not allowed; allowed: {', '.join(SIDES)}")


def record_hop_test(
    ctx: ServiceContext,
    actor: Actor,
    athlete_id: int,
    test: HopTest,
    *,
    today: dt.date,
    replace_existing: bool = False,
) -> HopTestResult:
    """Store a hop test (R-TEST-5) and say in words whether it passed.

    Refused while a red-flag stop is on (R-TEST-5: no test with a red flag). One test a day
    per leg (``both`` is each leg): a second one is refused unless ``replace_existing``
    (D-28)."""
    validate_hop_test(test, today)
    with ctx.unit_of_work() as uow:
        athlete = athlete_in(uow, actor, athlete_id, "log")
        uow.lock_athlete(athlete.id)
        settle(uow, athlete, today)
        log = uow.logs.load_training_log(athlete.id)
        flagged = open_red_flag_checkins(log, test.date)
        if flagged:
            raise InputError(
                f"date: the plan is stopped by the red flag of "
                f"{flagged[-1].date.isoformat()} (R-PAIN-2a); allowed: a hop test after a "
                "clinician's clearance is recorded"
            )
        earlier = sorted(getattr(log, "hop_tests", ()), key=lambda t: t.date)
        same_day = [
            t
            for t in earlier
            if t.date == test.date and (t.side == test.side or "both" in (t.side, test.side))
        ]
        if same_day and not replace_existing:
            legs = "both legs" if same_day[0].side == "both" else f"the {same_day[0].side} leg"
            raise ConflictError(
                f"date: there is already a hop test of {legs} on {test.date.isoformat()}; "
                "allowed: another day, the other leg, or replacing the stored test"
            )
        previous = [t for t in earlier if t not in same_day]
        refused = hop_test_refusal(uow, ctx, athlete, log, test.date)
        uow.logs.add_hop_test(athlete.id, test, replace=replace_existing)
        uow.commit()
    return evaluate_hop_test(test, athlete.profile.complaints, previous, refused=refused)


def hop_test_refusal(
    uow: AbstractUnitOfWork,
    ctx: ServiceContext,
    athlete: Athlete,
    log: TrainingLog,
    day: dt.date,
) -> str | None:
    """Why a hop test on ``day`` is not allowed (R-TEST-5), as the engine judges it on the
    morning of the day (``core.safety.assess``: the evidence before the day's own hop tests,
    so one leg then the other is one test); None when it is allowed, or when the athlete has
    no complaint (the test then gates nothing)."""
    from calfcoach.services.plan_inputs import athlete_races

    if not athlete.profile.complaints:
        return None
    before = log.up_to(day)
    before = replace(before, hop_tests=tuple(h for h in before.hop_tests if h.date < day))
    allowed, why = _safety_on(ctx, athlete, before, day, athlete_races(uow, athlete)).hop_test
    return None if allowed else why


def _safety_on(
    ctx: ServiceContext, athlete: Athlete, log: TrainingLog, day: dt.date, races: Sequence[Race]
) -> DaySafety:
    """What the engine's safety layer holds for the athlete on the morning of ``day``
    (``core.safety.assess`` over ``log``, with the catalog's clearance exercises for their
    equipment and complaints and the athlete's races): the tests' notes and answers ask it
    as the walk does."""
    from calfcoach.core.engine.blocks import choices_for
    from calfcoach.core.safety import assess

    profile = athlete.profile
    choices = choices_for(ctx.catalog(), profile.equipment, profile.complaints)
    safety, _ = assess(profile, log, day, clearance_exercises=choices.clearance_ids, races=races)
    return safety
