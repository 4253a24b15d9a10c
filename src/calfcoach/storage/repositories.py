"""Repositories: the core's dataclasses in, the core's dataclasses (or small records) out.

Each repository has an abstract base (what services may rely on; ``tests/fakes.py``
implements it in memory) and a SQLAlchemy implementation working on one ORM ``Session``
that the unit of work owns. Repositories never commit.

Ranges (RPE 1-10, pain 0-10, ...) are validated by the adapters; here the database's CHECK
and UNIQUE constraints are the backstop. A violation raises ``InputError`` with a sentence
naming the rule, and only the failed write is undone (each write runs in a savepoint), so
the unit of work stays usable and the database unchanged.

Engine snapshots (``SnapshotRepository``) stand for the log up to their ``as_of`` day. Every
write of log data dated d here (sets, session logs incl. skipped and moved days, check-ins,
capacity and hop tests, clearances; imports go through the same methods) drops the
athlete's snapshots with ``as_of >= d`` in the same savepoint, so no caller can forget it;
a profile update or a new plan drops all the athlete's snapshots. Notes are not engine
input and leave them alone.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import cache
from typing import Any, cast

from sqlalchemy import (
    Date,
    Integer,
    String,
    UniqueConstraint,
    and_,
    bindparam,
    case,
    delete,
    exists,
    func,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm import Session as OrmSession

from calfcoach.core.models import (
    CapacityTest,
    CheckIn,
    Clearance,
    HopSide,
    HopTest,
    Knee,
    LoggedSet,
    Plan,
    Profile,
    Scheme,
    Session,
    Side,
    TestKind,
    TrainingLog,
)
from calfcoach.core.names import clean_name, name_key
from calfcoach.errors import CalfcoachError, InputError, NotFoundError, StorageError, first_line
from calfcoach.storage.orm import (
    AccessTokenRow,
    AccountRow,
    AthleteRow,
    AuthSessionRow,
    Base,
    CalendarTokenRow,
    CapacityTestRow,
    CheckInRow,
    ClearanceRow,
    CoachLinkRow,
    DayAnswerRow,
    FixedSessionRow,
    HopTestRow,
    LoggedSetRow,
    NoteRow,
    OneTimeTokenRow,
    PlannedEventRow,
    PlannedSessionRow,
    PlanRow,
    RunRow,
    SessionLogRow,
    SnapshotRow,
)
from calfcoach.storage.plan_doc import (
    plan_from_dict,
    plan_to_doc,
    session_from_dict,
    session_to_doc,
)
from calfcoach.storage.records import (
    Athlete,
    Clock,
    FixedSession,
    Note,
    PlannedSession,
    PlanOutline,
    ProgressLog,
    SessionLog,
    SessionOutline,
    SessionStatus,
    SetLogState,
    Snapshot,
    StoredPlan,
    StoredSet,
    checkins_since,
    profile_from_doc,
    profile_to_doc,
    red_flags_from_doc,
    red_flags_to_doc,
    utc_now,
)

__all__ = [
    "AbstractAthleteRepository",
    "AbstractHistoryRepository",
    "AbstractLogRepository",
    "AbstractPlanRepository",
    "AbstractSnapshotRepository",
    "Athlete",
    "AthleteRepository",
    "Clock",
    "FixedSession",
    "HistoryRepository",
    "LogRepository",
    "Note",
    "PlanRepository",
    "PlannedSession",
    "SessionLog",
    "SessionStatus",
    "Snapshot",
    "SnapshotRepository",
    "StoredPlan",
    "SetLogState",
    "StoredSet",
    "database_error",
    "is_damaged",
    "plan_inputs",
    "profile_to_doc",
    "utc_now",
]


def plan_inputs(plan: Plan, profile: Profile, catalog_version: str | None = None) -> dict[str, Any]:
    """What a plan was generated from, as stored beside it."""
    return {
        "profile": profile_to_doc(profile),
        "start": plan.start.isoformat(),
        "weeks": plan.weeks,
        "catalog_version": catalog_version,
    }


def _athlete(row: AthleteRow) -> Athlete:
    return Athlete(
        id=row.id,
        name=row.name,
        profile=profile_from_doc(row.profile, athlete=row.name),
        created_at=row.created_at,
    )


def _planned_row(plan_id: int, session: Session) -> PlannedSessionRow:
    """The stored row of a planned session (a new plan, or the weeks an extension adds)."""
    return PlannedSessionRow(
        plan_id=plan_id,
        date=session.date,
        week=session.week,
        deload=session.deload,
        title=session.title,
        minutes=session.minutes,
        exercises=session_to_doc(session)["exercises"],
        status=session.status,
        advice=session.advice,
    )


def _stored_plan(row: PlanRow) -> StoredPlan:
    return StoredPlan(
        id=row.id,
        athlete_id=row.athlete_id,
        created_at=row.created_at,
        active=row.active,
        inputs=row.inputs,
        plan=plan_from_dict(row.plan),
    )


def _session_log(row: SessionLogRow) -> SessionLog:
    return SessionLog(
        id=row.id,
        athlete_id=row.athlete_id,
        date=row.date,
        status=cast(SessionStatus, row.status),
        plan_session_id=row.plan_session_id,
        moved_to=row.moved_to,
        created_at=row.created_at,
    )


def _set_row(
    logged: LoggedSet,
    session_log_id: int,
    now: dt.datetime,
    athlete_id: int,
    client_id: str | None = None,
) -> LoggedSetRow:
    return LoggedSetRow(
        session_log_id=session_log_id,
        athlete_id=athlete_id,
        client_id=client_id,
        exercise=logged.exercise,
        set_number=logged.set_number,
        side=logged.side,
        reps=logged.reps,
        seconds=logged.seconds,
        distance_m=logged.distance_m,
        contacts=logged.contacts,
        load_kg=logged.load_kg,
        rpe=logged.rpe,
        pain=logged.pain,
        planned_reps=logged.planned_reps,
        planned_seconds=logged.planned_seconds,
        planned_distance_m=logged.planned_distance_m,
        planned_contacts=logged.planned_contacts,
        planned_load_kg=logged.planned_load_kg,
        scheme=logged.scheme,
        created_at=now,
    )


def _set_values(
    logged: LoggedSet,
    session_log_id: int,
    now: dt.datetime,
    athlete_id: int,
    client_id: str | None,
) -> dict[str, Any]:
    """``_set_row``'s columns as values of a Core INSERT (no ORM object)."""
    return {
        "session_log_id": session_log_id,
        "athlete_id": athlete_id,
        "client_id": client_id,
        "exercise": logged.exercise,
        "set_number": logged.set_number,
        "side": logged.side,
        "reps": logged.reps,
        "seconds": logged.seconds,
        "distance_m": logged.distance_m,
        "contacts": logged.contacts,
        "load_kg": logged.load_kg,
        "rpe": logged.rpe,
        "pain": logged.pain,
        "planned_reps": logged.planned_reps,
        "planned_seconds": logged.planned_seconds,
        "planned_distance_m": logged.planned_distance_m,
        "planned_contacts": logged.planned_contacts,
        "planned_load_kg": logged.planned_load_kg,
        "scheme": logged.scheme,
        "created_at": now,
    }


def _insert_for(dialect: str) -> Any:
    """The dialect's INSERT (with ON CONFLICT)."""
    return postgresql.insert if dialect == "postgresql" else sqlite.insert


def _date_value(value: Any) -> dt.date | None:
    """A date read by a scalar subquery (SQLite may give its ISO text)."""
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def _json_value(value: Any) -> Any:
    """A JSON document read by a scalar subquery (SQLite may give its text)."""
    return json.loads(value) if isinstance(value, str | bytes) else value


@cache
def _set_log_state_sql() -> Any:
    """``LogRepository.set_log_state``'s statement, built once (its parameters bound at each
    execution): the athlete's row with a scalar subquery for each fact. Every subquery names
    the athlete by the parameter, not by correlation (a nested one would not correlate)."""
    a, p, snap, f = AthleteRow, PlanRow, SnapshotRow, FixedSessionRow
    day, s = SessionLogRow, LoggedSetRow
    athlete = bindparam("athlete_id", type_=Integer)
    date = bindparam("date", type_=Date)
    side = bindparam("side", type_=String)
    plan_id = (
        select(p.id).where(p.athlete_id == athlete, p.active.is_(True)).limit(1).scalar_subquery()
    )
    given = (
        select(f.session)
        .where(f.athlete_id == athlete, f.plan_id == plan_id, f.date == date)
        .order_by(f.version.desc())
        .limit(1)
        .scalar_subquery()
    )
    settled = (
        select(snap.as_of)
        .where(snap.athlete_id == athlete, snap.plan_id == plan_id)
        .limit(1)
        .scalar_subquery()
    )
    snapshots_to = select(func.max(snap.as_of)).where(snap.athlete_id == athlete)
    taken = exists().where(
        s.athlete_id == athlete, s.client_id == bindparam("client_id", type_=String)
    )
    done = (
        select(day.id)
        .where(day.athlete_id == athlete, day.date == date, day.status == "done")
        .order_by(day.id)
        .limit(1)
        .scalar_subquery()
    )
    skipped = exists().where(day.athlete_id == athlete, day.date == date, day.status == "skipped")
    # D-26: set N of an exercise is logged as both sides or per side, each side once.
    clash = (
        select(s.side)
        .join(day, s.session_log_id == day.id)
        .where(
            day.athlete_id == athlete,
            day.date == date,
            s.exercise == bindparam("exercise", type_=String),
            s.set_number == bindparam("set_number", type_=Integer),
            or_(s.side == "both", s.side == side, side == "both"),
        )
        .order_by(s.side, s.id)
        .limit(1)
        .scalar_subquery()
    )
    return select(
        a.data_revision,
        plan_id,
        settled,
        snapshots_to.scalar_subquery(),
        taken,
        given,
        done,
        skipped,
        clash,
    ).where(a.id == athlete)


DAY_SET_COLUMNS = (
    "exercise", "set_number", "reps", "seconds", "distance_m", "contacts", "load_kg", "side",
    "rpe", "pain", "planned_reps", "planned_seconds", "planned_distance_m", "planned_contacts",
    "planned_load_kg", "scheme",
)  # fmt: skip
"""The columns of a set that ``LogRepository.day_sets`` reads: ``LoggedSet``'s fields after
its date, in their order."""


@cache
def _day_sets_sql() -> Any:
    """``LogRepository.day_sets``'s statement, built once: the athlete's row, outer-joined
    to their session logs of the day and those logs' sets, in ``stored_sets``' order (a row
    with no set: the athlete exists; no row at all: no such athlete)."""
    a, day, s = AthleteRow, SessionLogRow, LoggedSetRow
    athlete = bindparam("athlete_id", type_=Integer)
    return (
        select(*(getattr(s, name) for name in DAY_SET_COLUMNS))
        .select_from(a)
        .outerjoin(day, and_(day.athlete_id == a.id, day.date == bindparam("date", type_=Date)))
        .outerjoin(s, s.session_log_id == day.id)
        .where(a.id == athlete)
        .order_by(s.exercise, s.set_number, s.side, s.id)
    )


@cache
def _append_set_sql(dialect: str) -> tuple[Any, Any, Any]:
    """``LogRepository.append_set``'s statements, built once per dialect."""
    insert_set = (
        _insert_for(dialect)(LoggedSetRow).on_conflict_do_nothing().returning(LoggedSetRow.id)
    )
    athlete = bindparam("athlete", type_=Integer)  # not a column's name (update's SET)
    drop_snapshots = delete(SnapshotRow).where(
        SnapshotRow.athlete_id == athlete, SnapshotRow.as_of >= bindparam("date", type_=Date)
    )
    next_revision = (
        update(AthleteRow)
        .where(AthleteRow.id == athlete)
        .values(data_revision=AthleteRow.data_revision + 1)
    )
    return insert_set, drop_snapshots, next_revision


def _one_set_for(client_id: str | None, sets: Sequence[LoggedSet]) -> None:
    """A client id names one set: it is given only with exactly one."""
    if client_id is not None and len(sets) != 1:
        raise ValueError(f"a client id is given with one set, not {len(sets)}")


def _logged_set(row: LoggedSetRow, date: dt.date) -> LoggedSet:
    return LoggedSet(
        date=date,
        exercise=row.exercise,
        set_number=row.set_number,
        reps=row.reps,
        seconds=row.seconds,
        distance_m=row.distance_m,
        contacts=row.contacts,
        load_kg=row.load_kg,
        side=cast(Side, row.side),
        rpe=row.rpe,
        pain=row.pain,
        planned_reps=row.planned_reps,
        planned_seconds=row.planned_seconds,
        planned_distance_m=row.planned_distance_m,
        planned_contacts=row.planned_contacts,
        planned_load_kg=row.planned_load_kg,
        scheme=cast("Scheme | None", row.scheme),
    )


# --------------------------------------------------------------------------- errors

_MESSAGES: dict[str, str] = {
    "uq_athletes_name": "an athlete with this name already exists",
    "uq_athletes_name_key": (
        "an athlete with this name already exists (names are compared ignoring case)"
    ),
    "ck_athletes_name_not_empty": "the athlete's name must not be empty",
    "ck_plans_weeks_range": "a plan has 1 to 52 weeks",
    "uq_plans_one_active_per_athlete": (
        "another plan was made active for this athlete at the same moment; try again"
    ),
    "ck_planned_sessions_week_range": "plan weeks are counted from 1",
    "ck_session_logs_status_values": "a session's status is done, skipped or moved",
    "ck_session_logs_moved_to_iff_moved": (
        "a moved session needs the day it moved to, and only a moved session has one"
    ),
    "uq_logged_sets_session_log_id_exercise_set_number_side": (
        "this set is already logged (same session, exercise, set number and side)"
    ),
    "ck_logged_sets_set_number_range": "set numbers start at 1",
    "ck_logged_sets_side_values": "side is left, right or both",
    "ck_logged_sets_rpe_range": "RPE is 1 to 10",
    "ck_logged_sets_pain_range": "pain is 0 to 10",
    "uq_checkins_athlete_id_date": "there is already a check-in for this day",
    "ck_checkins_pain_range": "pain is 0 to 10",
    "ck_checkins_stiffness_range": "stiffness is 0 to 10",
    "ck_capacity_tests_knee_values": "knee is straight, bent or none",
    "ck_capacity_tests_left_range": "test reps per side are 0 to 500",
    "ck_capacity_tests_right_range": "test reps per side are 0 to 500",
    "ck_planned_sessions_status_values": "a planned session's status is planned or stopped",
    "ck_hop_tests_hops_range": "a hop test has 0 to 500 hops",
    "ck_hop_tests_pain_range": "pain is 0 to 10",
    "ck_hop_tests_side_values": "side is left, right or both",
    "ck_clearances_note_length": "a clearance note has at most 2000 characters",
    "uq_fixed_sessions_plan_id_date_version": (
        "this version of the session was fixed at the same moment by another process; try again"
    ),
    "ck_fixed_sessions_version_range": "session versions are counted from 1",
    "ck_fixed_sessions_reason_not_empty": "a fixed session needs a reason",
}
for _prefix in ("", "planned_"):
    for _column, _what in (
        ("reps", "reps"),
        ("seconds", "seconds"),
        ("distance_m", "distance"),
        ("contacts", "contacts"),
    ):
        _MESSAGES[f"ck_logged_sets_{_prefix}{_column}_range"] = (
            f"{_prefix.replace('_', ' ')}{_what} must not be negative"
        )
    _MESSAGES[f"ck_logged_sets_{_prefix}load_kg_range"] = (
        f"{_prefix.replace('_', ' ')}load is 0 to 500 kg"
    )


@cache
def _unique_names_by_columns() -> dict[str, str]:
    """SQLite names UNIQUE violations by their columns ("t.a, t.b"); map those to names."""
    names: dict[str, str] = {}
    for table in Base.metadata.tables.values():
        for constraint in table.constraints:
            if isinstance(constraint, UniqueConstraint) and constraint.name:
                key = ", ".join(f"{table.name}.{c.name}" for c in constraint.columns)
                names[key] = str(constraint.name)
        for index in table.indexes:
            if index.unique and index.name and index.dialect_options["sqlite"]["where"] is None:
                key = ", ".join(f"{table.name}.{c.name}" for c in index.columns)
                names.setdefault(key, str(index.name))
    return names


def _constraint_name(exc: IntegrityError) -> str | None:
    diag = getattr(exc.orig, "diag", None)  # psycopg
    if diag is not None and getattr(diag, "constraint_name", None):
        return str(diag.constraint_name)
    message = str(exc.orig)
    if match := re.search(r"CHECK constraint failed: (\w+)", message):
        return match.group(1)
    if match := re.search(r"UNIQUE constraint failed: index '(\w+)'", message):
        return match.group(1)
    if match := re.search(r"UNIQUE constraint failed: ([\w., ]+)", message):
        return _unique_names_by_columns().get(match.group(1).strip())
    return None


def is_damaged(exc: BaseException) -> bool:
    """Whether ``exc`` is SQLite finding its file damaged ("database disk image is
    malformed", "file is not a database"): a page that does not read, not a bug."""
    if not isinstance(exc, DBAPIError):
        return False
    text = str(exc.orig).lower()
    return "malformed" in text or "file is not a database" in text


def database_error(exc: DBAPIError, *, what: str = "write") -> CalfcoachError:
    """A calfcoach error for a database error: a sentence, not a traceback."""
    if isinstance(exc, IntegrityError):
        name = _constraint_name(exc)
        if name is None and "foreign key" in str(exc.orig).lower():
            return NotFoundError(f"cannot {what}: it refers to a row that does not exist")
        message = _MESSAGES.get(name or "", f"it breaks the rule {name or str(exc.orig)!r}")
        return InputError(f"cannot {what}: {message}")
    if exc.connection_invalidated:
        # The server closed the connection (a restart; D-136): SQLAlchemy has dropped it and
        # the pool's older ones, so the next unit of work connects anew.
        return StorageError(
            f"the connection to the database was lost: {first_line(exc.orig)}",
            "nothing was stored; try again in a moment",
        )
    if is_damaged(exc):
        return StorageError(
            f"cannot {what}: the database file is damaged ({first_line(exc.orig)}); nothing "
            "was changed",
            "restore a backup with `calfcoach restore FILE` (`calfcoach db current` shows "
            "which database this is)",
        )
    if isinstance(exc, OperationalError) and "locked" in str(exc.orig).lower():
        return StorageError(
            f"cannot {what}: the database stayed locked by another process for too long",
            "try again; if it keeps happening, close other calfcoach windows or processes",
        )
    return StorageError(f"cannot {what}: the database said: {first_line(exc.orig)}")


SCRUB_AFTER_COMMIT = "calfcoach.scrub_after_commit"
"""Set in a session's ``info`` by a removal of personal data on SQLite: after the commit the
unit of work checkpoints the WAL, so no page image of the removed rows stays in it."""


class _SqlRepository:
    def __init__(self, session: OrmSession, clock: Clock = utc_now) -> None:
        self._session = session
        self._clock = clock

    @contextmanager
    def _write(self, what: str) -> Iterator[None]:
        """Run a write in a savepoint: on failure only it is undone, as a calfcoach error."""
        try:
            with self._session.begin_nested():
                yield
        except DBAPIError as exc:
            raise database_error(exc, what=what) from None

    def _require_athlete(self, athlete_id: int) -> AthleteRow:
        row = self._session.get(AthleteRow, athlete_id)
        if row is None:
            raise NotFoundError(f"no athlete with id {athlete_id}")
        return row

    def _invalidate(self, athlete_id: int, from_date: dt.date | None) -> None:
        """Drop the athlete's engine snapshots with ``as_of >= from_date`` (all when None).

        Called inside every write of log data, in its savepoint (see the module)."""
        statement = delete(SnapshotRow).where(SnapshotRow.athlete_id == athlete_id)
        if from_date is not None:
            statement = statement.where(SnapshotRow.as_of >= from_date)
        self._session.execute(statement.execution_options(synchronize_session=False))
        # Every stored day answer of the athlete stops being current (``storage/answers.py``).
        self._session.execute(
            update(AthleteRow)
            .where(AthleteRow.id == athlete_id)
            .values(data_revision=AthleteRow.data_revision + 1)
            .execution_options(synchronize_session=False)
        )


# --------------------------------------------------------------------------- athletes


class AbstractAthleteRepository(ABC):
    @abstractmethod
    def add(self, name: str, profile: Profile) -> Athlete:
        """Store a new athlete; ``InputError`` when the name is taken."""

    @abstractmethod
    def get(self, athlete_id: int) -> Athlete:
        """The athlete with this id; ``NotFoundError`` when there is none."""

    @abstractmethod
    def find(self, name: str) -> Athlete | None:
        """The athlete with this name, or None."""

    def by_name(self, name: str) -> Athlete:
        """The athlete with this name; ``NotFoundError`` when there is none."""
        athlete = self.find(name)
        if athlete is None:
            raise NotFoundError(f"no athlete named {name!r}")
        return athlete

    @abstractmethod
    def all(self) -> list[Athlete]:
        """All athletes, by name."""

    def ids_by_age(self) -> list[int]:
        """Every athlete's id, the first added first (without reading their profiles)."""
        return [a.id for a in sorted(self.all(), key=lambda a: (a.created_at, a.id))]

    def visible(self, athlete_ids: frozenset[int] | None) -> list[tuple[int, str]]:
        """(id, name) of the athletes in ``athlete_ids`` (None: every athlete), by name;
        the filter is in the query, so a coach's roster never loads everyone (issue 9)."""
        return [(a.id, a.name) for a in self.all() if athlete_ids is None or a.id in athlete_ids]

    @abstractmethod
    def update_profile(self, athlete_id: int, profile: Profile) -> Athlete:
        """Replace the athlete's profile (plans keep the profile they were made from)."""

    def rename(self, athlete_id: int, name: str) -> Athlete:
        """Give the athlete a new (validated) name; ``InputError`` when another athlete has
        it (compared by ``core.names.name_key``)."""
        raise NotImplementedError(f"{type(self).__name__} does not rename athletes")

    def remove(self, athlete_id: int) -> dict[str, int]:
        """Delete the athlete and every row of theirs in every table; the rows deleted per
        table. ``NotFoundError`` when there is no such athlete."""
        raise NotImplementedError(f"{type(self).__name__} does not remove athletes")


class AthleteRepository(_SqlRepository, AbstractAthleteRepository):
    def add(self, name: str, profile: Profile) -> Athlete:
        clean_name(name)  # the backstop of every way in (add, import): no control characters
        row = AthleteRow(
            name=name,
            name_key=name_key(name),
            profile=profile_to_doc(profile),
            created_at=self._clock(),
        )
        with self._write(f"add athlete {name!r}"):
            self._session.add(row)
        return _athlete(row)

    def get(self, athlete_id: int) -> Athlete:
        return _athlete(self._require_athlete(athlete_id))

    def find(self, name: str) -> Athlete | None:
        key = name_key(name)
        row = self._session.scalars(select(AthleteRow).where(AthleteRow.name_key == key)).first()
        return None if row is None else _athlete(row)

    def all(self) -> list[Athlete]:
        rows = self._session.scalars(select(AthleteRow).order_by(AthleteRow.name))
        return [_athlete(row) for row in rows]

    def ids_by_age(self) -> list[int]:
        return list(
            self._session.scalars(
                select(AthleteRow.id).order_by(AthleteRow.created_at, AthleteRow.id)
            )
        )

    def visible(self, athlete_ids: frozenset[int] | None) -> list[tuple[int, str]]:
        statement = select(AthleteRow.id, AthleteRow.name).order_by(AthleteRow.name)
        if athlete_ids is not None:
            if not athlete_ids:
                return []
            statement = statement.where(AthleteRow.id.in_(sorted(athlete_ids)))
        return [(int(i), str(n)) for i, n in self._session.execute(statement)]

    def update_profile(self, athlete_id: int, profile: Profile) -> Athlete:
        row = self._require_athlete(athlete_id)
        with self._write("update the profile"):
            row.profile = profile_to_doc(profile)
            self._invalidate(athlete_id, None)  # the engine's input changed from day one
        return _athlete(row)

    def rename(self, athlete_id: int, name: str) -> Athlete:
        clean_name(name)
        row = self._require_athlete(athlete_id)
        with self._write(f"rename the athlete to {name!r}"):
            row.name = name
            row.name_key = name_key(name)
            if isinstance(row.profile, dict):
                # The profile's own name follows (the engine does not read it: no snapshot
                # is dropped).
                row.profile = {**row.profile, "name": name}
            self._session.flush()
        return _athlete(row)

    def remove(self, athlete_id: int) -> dict[str, int]:
        self._require_athlete(athlete_id)
        # Children first and explicitly, not by the foreign keys' cascades: SQLite applies
        # them only with PRAGMA foreign_keys, and a removal must not depend on it.
        plans = select(PlanRow.id).where(PlanRow.athlete_id == athlete_id)
        logs = select(SessionLogRow.id).where(SessionLogRow.athlete_id == athlete_id)
        own = select(AccountRow.id).where(
            AccountRow.athlete_id == athlete_id,
            AccountRow.is_coach.is_(False),
            AccountRow.is_admin.is_(False),
        )
        steps: list[tuple[str, Any]] = [
            ("logged_sets", delete(LoggedSetRow).where(LoggedSetRow.session_log_id.in_(logs))),
            ("session_logs", delete(SessionLogRow).where(SessionLogRow.athlete_id == athlete_id)),
            ("engine_snapshots", delete(SnapshotRow).where(SnapshotRow.athlete_id == athlete_id)),
            (
                "fixed_sessions",
                delete(FixedSessionRow).where(FixedSessionRow.athlete_id == athlete_id),
            ),
            (
                "planned_sessions",
                delete(PlannedSessionRow).where(PlannedSessionRow.plan_id.in_(plans)),
            ),
            ("plans", delete(PlanRow).where(PlanRow.athlete_id == athlete_id)),
            ("checkins", delete(CheckInRow).where(CheckInRow.athlete_id == athlete_id)),
            (
                "capacity_tests",
                delete(CapacityTestRow).where(CapacityTestRow.athlete_id == athlete_id),
            ),
            ("hop_tests", delete(HopTestRow).where(HopTestRow.athlete_id == athlete_id)),
            ("clearances", delete(ClearanceRow).where(ClearanceRow.athlete_id == athlete_id)),
            ("notes", delete(NoteRow).where(NoteRow.athlete_id == athlete_id)),
            (
                "calendar_tokens",
                delete(CalendarTokenRow).where(CalendarTokenRow.athlete_id == athlete_id),
            ),
            ("day_answers", delete(DayAnswerRow).where(DayAnswerRow.athlete_id == athlete_id)),
            ("runs", delete(RunRow).where(RunRow.athlete_id == athlete_id)),
            (
                "planned_events",
                delete(PlannedEventRow).where(PlannedEventRow.athlete_id == athlete_id),
            ),
            # issue 9 (D-107): no coach follows a removed athlete; the athlete's own
            # account goes with its sessions, links and tokens, unless it is also a coach's
            # or an admin's, which stays, unlinked
            ("coach_links", delete(CoachLinkRow).where(CoachLinkRow.athlete_id == athlete_id)),
            ("access_tokens", delete(AccessTokenRow).where(AccessTokenRow.account_id.in_(own))),
            ("auth_sessions", delete(AuthSessionRow).where(AuthSessionRow.account_id.in_(own))),
            (
                "one_time_tokens",
                delete(OneTimeTokenRow).where(OneTimeTokenRow.account_id.in_(own)),
            ),
            ("accounts", delete(AccountRow).where(AccountRow.id.in_(own))),
            (
                "accounts unlinked",
                update(AccountRow)
                .where(AccountRow.athlete_id == athlete_id)
                .values(athlete_id=None),
            ),
            ("athletes", delete(AthleteRow).where(AthleteRow.id == athlete_id)),
        ]
        # Any other table with an athlete_id column (one added later and not listed above)
        # goes too, before the athlete: nothing of theirs may outlive a removal (issue 9).
        listed = {table for table, _ in steps}
        for table in reversed(Base.metadata.sorted_tables):
            if table.name not in listed and "athlete_id" in table.c:
                steps.insert(
                    -1, (table.name, delete(table).where(table.c.athlete_id == athlete_id))
                )
        counts: dict[str, int] = {}
        with self._write("remove the athlete"):
            if self._session.get_bind().dialect.name == "sqlite":
                # The freed bytes are overwritten with zeros, not left in free pages; the unit
                # of work checkpoints the WAL after the commit (``uow.commit``).
                self._session.execute(text("PRAGMA secure_delete = ON"))
                self._session.info[SCRUB_AFTER_COMMIT] = True
            for table, statement in steps:
                result = self._session.execute(
                    statement.execution_options(synchronize_session=False)
                )
                counts[table] = int(getattr(result, "rowcount", 0) or 0)
        self._session.expire_all()
        return counts


# --------------------------------------------------------------------------- plans


class AbstractPlanRepository(ABC):
    @abstractmethod
    def add(
        self,
        athlete_id: int,
        plan: Plan,
        profile: Profile,
        *,
        catalog_version: str | None = None,
        continues: int | None = None,
    ) -> StoredPlan:
        """Store a new plan and its sessions as the athlete's active plan.

        The previous active plan is deactivated, never deleted: history survives a re-plan.
        ``continues``: the id of the plan this one is the next block of (kept in its inputs;
        its walk starts from that plan's, ``services.corrections.carried_state``).
        """

    @abstractmethod
    def get(self, plan_id: int) -> StoredPlan:
        """The plan with this id; ``NotFoundError`` when there is none."""

    @abstractmethod
    def active(self, athlete_id: int) -> StoredPlan | None:
        """The athlete's active plan, or None."""

    def active_outline(self, athlete_id: int) -> PlanOutline | None:
        """The active plan's outline (``PlanOutline``): what the roster reads of it. This
        one goes through ``active`` (fakes); the SQL repository reads the stored document
        without building the prescriptions (D-125)."""
        stored = self.active(athlete_id)
        if stored is None:
            return None
        return PlanOutline(
            stored.id,
            stored.plan.weeks,
            tuple(
                SessionOutline(s.date, s.week, s.deload, s.title, session_to_doc(s))
                for s in stored.plan.sessions
            ),
        )

    def active_id(self, athlete_id: int) -> int | None:
        """The id of the athlete's active plan, or None (without reading the plan)."""
        stored = self.active(athlete_id)
        return None if stored is None else stored.id

    @abstractmethod
    def history(self, athlete_id: int) -> list[StoredPlan]:
        """All the athlete's plans, newest first."""

    @abstractmethod
    def sessions(self, plan_id: int, *, on: dt.date | None = None) -> list[PlannedSession]:
        """The plan's sessions by date (only those ``on`` a day when given)."""

    def extend(self, plan_id: int, plan: Plan) -> StoredPlan:
        """Make the stored plan ``plan`` (the same start, more weeks): its document and length
        are replaced, the planned sessions after the old end are added (the earlier ones and
        the logs that refer to them stay), and the athlete's engine snapshots are dropped."""
        raise NotImplementedError(f"{type(self).__name__} does not extend plans")


class PlanRepository(_SqlRepository, AbstractPlanRepository):
    def add(
        self,
        athlete_id: int,
        plan: Plan,
        profile: Profile,
        *,
        catalog_version: str | None = None,
        continues: int | None = None,
    ) -> StoredPlan:
        # Lock the athlete row (PostgreSQL; SQLite's BEGIN IMMEDIATE already serialises
        # writers) so two re-plans at once queue instead of both trying to be active.
        locked = self._session.scalars(
            select(AthleteRow).where(AthleteRow.id == athlete_id).with_for_update()
        ).first()
        if locked is None:
            raise NotFoundError(f"no athlete with id {athlete_id}")
        now = self._clock()
        row = PlanRow(
            athlete_id=athlete_id,
            created_at=now,
            start=plan.start,
            weeks=plan.weeks,
            inputs=plan_inputs(plan, profile, catalog_version),
            plan=plan_to_doc(plan),
            active=True,
        )
        if continues is not None:
            row.inputs = {**row.inputs, "continues": continues}
        with self._write("save the plan"):
            self._invalidate(athlete_id, None)
            self._session.execute(
                update(PlanRow)
                .where(PlanRow.athlete_id == athlete_id, PlanRow.active.is_(True))
                .values(active=False)
                .execution_options(synchronize_session="fetch")
            )
            self._session.add(row)
            self._session.flush()
            self._session.add_all(_planned_row(row.id, session) for session in plan.sessions)
        return StoredPlan(
            id=row.id,
            athlete_id=athlete_id,
            created_at=now,
            active=True,
            inputs=row.inputs,
            plan=plan,
        )

    def get(self, plan_id: int) -> StoredPlan:
        row = self._session.get(PlanRow, plan_id)
        if row is None:
            raise NotFoundError(f"no plan with id {plan_id}")
        return _stored_plan(row)

    def extend(self, plan_id: int, plan: Plan) -> StoredPlan:
        row = self._session.scalars(
            select(PlanRow).where(PlanRow.id == plan_id).with_for_update()
        ).first()
        if row is None:
            raise NotFoundError(f"no plan with id {plan_id}")
        if plan.start != row.start or plan.weeks < row.weeks:
            raise InputError(
                f"cannot extend the plan: it starts on {row.start} with {row.weeks} weeks; "
                "allowed: the same start and at least as many weeks"
            )
        old_end = row.start + dt.timedelta(weeks=row.weeks)
        with self._write("extend the plan"):
            self._invalidate(row.athlete_id, None)
            row.weeks = plan.weeks
            row.plan = plan_to_doc(plan)
            row.inputs = {**row.inputs, "weeks": plan.weeks}
            self._session.add_all(
                _planned_row(row.id, session)
                for session in plan.sessions
                if session.date >= old_end
            )
            self._session.flush()
        return _stored_plan(row)

    def active(self, athlete_id: int) -> StoredPlan | None:
        row = self._session.scalars(
            select(PlanRow).where(PlanRow.athlete_id == athlete_id, PlanRow.active.is_(True))
        ).first()
        return None if row is None else _stored_plan(row)

    def active_outline(self, athlete_id: int) -> PlanOutline | None:
        found = (
            self._session.connection()
            .execute(
                select(PlanRow.id, PlanRow.plan).where(
                    PlanRow.athlete_id == athlete_id, PlanRow.active.is_(True)
                )
            )
            .first()
        )
        if found is None:
            return None
        plan_id, doc = found
        plan = plan_from_dict({**doc, "sessions": ()})  # the checks of the document's head
        try:
            sessions = tuple(
                SessionOutline(
                    dt.date.fromisoformat(str(d["date"])),
                    int(d["week"]),
                    bool(d["deload"]),
                    str(d["title"]),
                    d,
                )
                for d in doc["sessions"]
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise InputError(f"plan {plan_id}: a session does not fit: {exc}") from None
        return PlanOutline(plan_id, plan.weeks, sessions)

    def active_id(self, athlete_id: int) -> int | None:
        return self._session.scalar(
            select(PlanRow.id).where(PlanRow.athlete_id == athlete_id, PlanRow.active.is_(True))
        )

    def history(self, athlete_id: int) -> list[StoredPlan]:
        rows = self._session.scalars(
            select(PlanRow)
            .where(PlanRow.athlete_id == athlete_id)
            .order_by(PlanRow.created_at.desc(), PlanRow.id.desc())
        )
        return [_stored_plan(row) for row in rows]

    def sessions(self, plan_id: int, *, on: dt.date | None = None) -> list[PlannedSession]:
        query = select(PlannedSessionRow).where(PlannedSessionRow.plan_id == plan_id)
        if on is not None:
            query = query.where(PlannedSessionRow.date == on)
        rows = self._session.scalars(query.order_by(PlannedSessionRow.date, PlannedSessionRow.id))
        return [
            PlannedSession(
                id=row.id,
                plan_id=row.plan_id,
                session=session_from_dict(
                    {
                        "date": row.date.isoformat(),
                        "week": row.week,
                        "deload": row.deload,
                        "title": row.title,
                        "minutes": row.minutes,
                        "exercises": row.exercises,
                        "status": row.status,
                        "advice": row.advice,
                    }
                ),
            )
            for row in rows
        ]


# --------------------------------------------------------------------------- training log


class AbstractLogRepository(ABC):
    @abstractmethod
    def log_session(
        self,
        athlete_id: int,
        date: dt.date,
        sets: Sequence[LoggedSet] = (),
        *,
        status: SessionStatus = "done",
        plan_session_id: int | None = None,
        moved_to: dt.date | None = None,
        client_id: str | None = None,
    ) -> SessionLog:
        """Record a training day (done, skipped or moved) and the sets done in it;
        ``client_id``: the client's id of its one set (``set_by_client_id``)."""

    @abstractmethod
    def add_sets(
        self, session_log_id: int, sets: Iterable[LoggedSet], *, client_id: str | None = None
    ) -> None:
        """Add sets to a logged session. A set logged twice raises ``InputError``."""

    def append_set(
        self,
        state: SetLogState,
        athlete_id: int,
        logged: LoggedSet,
        *,
        client_id: str | None = None,
    ) -> None:
        """Add one set to the day's session log ``state.done_log_id``, ``state`` read in this
        unit of work under the athlete's write lock (``AbstractUnitOfWork.set_log_state``),
        which lets a database skip what cannot change: the snapshots dated before the set
        are kept, as ``add_sets`` keeps them. A set logged twice raises ``InputError``."""
        assert state.done_log_id is not None
        self.add_sets(state.done_log_id, [logged], client_id=client_id)

    @abstractmethod
    def session_logs(
        self, athlete_id: int, *, on: dt.date | None = None, moved: bool = False
    ) -> list[SessionLog]:
        """The athlete's logged sessions by date; ``on``: of that day only; ``moved``: only
        the moves (what the plan needs on every read, without the whole history)."""

    def progress_log(
        self, athlete_id: int, as_of: dt.date, *, since: dt.date | None = None
    ) -> ProgressLog:
        """The log up to ``as_of`` as the progress report reads it (``ProgressLog``); the
        sums follow ``core.load.day_totals``. This one reads the whole log through the other
        methods (fakes); the SQL repository sums in the database.

        With ``since`` (the roster's window): only what is dated on or after it, except that
        the latest day with sets, the latest check-in and the latest test up to ``as_of`` are
        always there, however old (``window_start``); the moves are all of them."""
        from calfcoach.core.load import day_totals

        log = self.load_training_log(athlete_id)
        moves: dict[dt.date, dt.date] = {}
        for moved in sorted(self.session_logs(athlete_id, moved=True), key=lambda m: m.id):
            if moved.moved_to is not None:
                moves[moved.date] = moved.moved_to
        sets = [s for s in log.sets if s.date <= as_of]
        checkins = [c for c in log.checkins if c.date <= as_of]
        tests = [t for t in log.tests if t.date <= as_of]
        skipped = [d for d in log.skipped if d <= as_of]
        if since is not None:
            first_set = window_start(since, max((s.date for s in sets), default=None))
            first_checkin = window_start(since, checkins[-1].date if checkins else None)
            first_test = window_start(since, tests[-1].date if tests else None)
            sets = [s for s in sets if s.date >= first_set]
            checkins = [c for c in checkins if c.date >= first_checkin]
            tests = [t for t in tests if t.date >= first_test]
            skipped = [d for d in skipped if d >= since]
        return ProgressLog(
            days=day_totals(sets), checkins=checkins, tests=tests, skipped=skipped, moves=moves
        )

    @abstractmethod
    def add_checkin(self, athlete_id: int, checkin: CheckIn, *, replace: bool = False) -> None:
        """Record a next-morning check-in with its red flags; one per day (``replace``
        overwrites it, red flags included)."""

    def set_by_client_id(self, athlete_id: int, client_id: str) -> LoggedSet | None:
        """The athlete's set stored with this client id, or None (idempotent logging: a
        client id is unique per athlete, ``logged_sets.client_id``)."""
        raise NotImplementedError(f"{type(self).__name__} does not keep client ids")

    def stored_sets(
        self,
        athlete_id: int,
        *,
        first: dt.date | None = None,
        last: dt.date | None = None,
        exercise: str | None = None,
        set_number: int | None = None,
    ) -> list[StoredSet]:
        """The athlete's logged sets with their ids, by date, exercise, set number and side
        (dated ``first`` to ``last``, of ``exercise``, numbered ``set_number``, when given)."""
        raise NotImplementedError(f"{type(self).__name__} does not list sets with ids")

    def update_set(self, set_id: int, logged: LoggedSet) -> None:
        """Replace what was done in the set ``set_id`` (its date, exercise, number, side and
        planned values stay); drops the snapshots from its day on."""
        raise NotImplementedError(f"{type(self).__name__} does not edit sets")

    def delete_set(self, set_id: int) -> None:
        """Delete the set ``set_id``, and its day's session log when no set is left in it;
        drops the snapshots from its day on."""
        raise NotImplementedError(f"{type(self).__name__} does not delete sets")

    def delete_session_logs(self, athlete_id: int, date: dt.date, status: SessionStatus) -> int:
        """Delete the athlete's session logs of ``date`` with ``status`` (an undone skip);
        drops the snapshots from that day on. Returns how many there were."""
        raise NotImplementedError(f"{type(self).__name__} does not delete session logs")

    @abstractmethod
    def add_test(self, athlete_id: int, test: CapacityTest, *, replace: bool = False) -> int:
        """Record a capacity test; returns its id. ``replace``: first remove the tests of the
        same day, kind and knee position (a test redone that day)."""

    def add_hop_test(self, athlete_id: int, test: HopTest, *, replace: bool = False) -> int:
        """Record a hop test (R-TEST-5); returns its id. ``replace``: first remove the hop
        tests of that day whose legs overlap (``both`` overlaps ``left`` and ``right``)."""
        raise NotImplementedError(f"{type(self).__name__} does not record hop tests")

    def add_clearance(self, athlete_id: int, clearance: Clearance) -> int:
        """Record a clinician's clearance (R-PAIN-2a); returns its id."""
        raise NotImplementedError(f"{type(self).__name__} does not record clearances")

    @abstractmethod
    def add_note(self, athlete_id: int, date: dt.date, text: str) -> Note:
        """Record a free-text note."""

    @abstractmethod
    def notes(self, athlete_id: int) -> list[Note]:
        """The athlete's notes by date."""

    @abstractmethod
    def load_training_log(self, athlete_id: int, since: dt.date | None = None) -> TrainingLog:
        """Everything logged for the athlete, in date order (the engine's input).

        With ``since``: only what is dated on or after it, except check-ins, which start
        28 days earlier (the R-PAIN-2 usual-pain window; ``records.checkins_since``)."""


def window_start(since: dt.date, latest: dt.date | None) -> dt.date:
    """The first day a windowed ``progress_log`` reads of one kind of entry: ``since``, or
    the latest entry's day when that is older (so "the last one" is always known)."""
    return latest if latest is not None and latest < since else since


def _check_dates(sets: Sequence[LoggedSet], date: dt.date) -> None:
    for logged in sets:
        if logged.date != date:
            raise InputError(
                f"set {logged.set_number} of {logged.exercise} is dated {logged.date}, "
                f"but the session is on {date}"
            )


class LogRepository(_SqlRepository, AbstractLogRepository):
    def progress_log(
        self, athlete_id: int, as_of: dt.date, *, since: dt.date | None = None
    ) -> ProgressLog:
        """The log up to ``as_of``, with the sets summed per day, exercise and scheme in SQL.

        Ten years of history is about 30,000 sets: building a ``LoggedSet`` (and an ORM
        object) per set takes most of a second, the database's GROUP BY a few tens of
        milliseconds. The sums follow ``core.load.day_totals`` (a test compares them).
        With ``since``: the window of the abstract method, each latest entry found by a
        scalar subquery in the same statement (the indexes by athlete and date serve it)."""
        from calfcoach.core.load import REP_SECONDS, SLOW_REP_SECONDS, DayTotals

        # Core, not ORM, execution: plain rows, no per-row ORM bookkeeping.
        connection = self._session.connection()
        s, day = LoggedSetRow, SessionLogRow

        def first(column: Any, *where: Any) -> Any:
            """``window_start(since, the latest value of column up to as_of)`` in SQL."""
            if since is None:
                return None
            latest = select(func.max(column)).where(*where, column <= as_of).scalar_subquery()
            return case((latest < since, latest), else_=since)

        first_set = first(
            day.date,
            day.athlete_id == athlete_id,
            select(s.id).where(s.session_log_id == day.id).exists(),
        )
        first_checkin = first(CheckInRow.date, CheckInRow.athlete_id == athlete_id)
        first_test = first(CapacityTestRow.date, CapacityTestRow.athlete_id == athlete_id)
        per_rep = case((s.scheme.in_(("heavy", "rehab")), SLOW_REP_SECONDS), else_=REP_SECONDS)
        time_under_load = case(
            (s.seconds > 0, case((s.reps > 0, s.reps * s.seconds), else_=s.seconds)),
            (s.reps > 0, s.reps * per_rep),
            else_=0,
        )
        rows = connection.execute(
            select(
                day.date,
                s.exercise,
                s.scheme,
                func.count(),
                func.sum(s.reps),
                func.sum(time_under_load),
                func.sum(s.contacts),
                func.max(s.load_kg),
                func.sum(s.pain),
                func.count(s.pain),
                func.max(s.pain),
            )
            .join(day, s.session_log_id == day.id)
            .where(
                day.athlete_id == athlete_id,
                day.date <= as_of,
                *(() if first_set is None else (day.date >= first_set,)),
            )
            .group_by(day.date, s.exercise, s.scheme)
        )
        # Sorted here, not by the database: without ORDER BY, PostgreSQL can hash the groups
        # instead of sorting 30,000 rows by collated text (three times faster).
        days = sorted(
            map(DayTotals._make, rows), key=lambda d: (d.date, d.exercise, d.scheme or "")
        )
        skipped: set[dt.date] = set()
        moves: dict[dt.date, dt.date] = {}
        for date, status, moved_to in connection.execute(
            select(day.date, day.status, day.moved_to)
            .where(day.athlete_id == athlete_id, day.status != "done")
            .order_by(day.id)
        ):
            if status == "skipped" and date <= as_of and (since is None or date >= since):
                skipped.add(date)
            elif status == "moved" and moved_to is not None:
                moves[date] = moved_to
        checkins = [
            CheckIn(date, pain, stiffness)
            for date, pain, stiffness in connection.execute(
                select(CheckInRow.date, CheckInRow.pain, CheckInRow.stiffness)
                .where(
                    CheckInRow.athlete_id == athlete_id,
                    CheckInRow.date <= as_of,
                    *(() if first_checkin is None else (CheckInRow.date >= first_checkin,)),
                )
                .order_by(CheckInRow.date)
            )
        ]
        tests = [
            CapacityTest(date=d, left=left, right=right, knee=knee, kind=kind)
            for d, left, right, knee, kind in connection.execute(
                select(
                    CapacityTestRow.date,
                    CapacityTestRow.left,
                    CapacityTestRow.right,
                    CapacityTestRow.knee,
                    CapacityTestRow.kind,
                )
                .where(
                    CapacityTestRow.athlete_id == athlete_id,
                    CapacityTestRow.date <= as_of,
                    *(() if first_test is None else (CapacityTestRow.date >= first_test,)),
                )
                .order_by(CapacityTestRow.date, CapacityTestRow.id)
            )
        ]
        return ProgressLog(days, checkins, tests, sorted(skipped), moves)

    def log_session(
        self,
        athlete_id: int,
        date: dt.date,
        sets: Sequence[LoggedSet] = (),
        *,
        status: SessionStatus = "done",
        plan_session_id: int | None = None,
        moved_to: dt.date | None = None,
        client_id: str | None = None,
    ) -> SessionLog:
        self._require_athlete(athlete_id)
        _one_set_for(client_id, sets)
        _check_dates(sets, date)
        now = self._clock()
        row = SessionLogRow(
            athlete_id=athlete_id,
            date=date,
            plan_session_id=plan_session_id,
            status=status,
            moved_to=moved_to,
            created_at=now,
        )
        with self._write(f"log the session of {date}"):
            self._invalidate(athlete_id, date if moved_to is None else min(date, moved_to))
            self._session.add(row)
            self._session.flush()
            self._session.add_all(
                _set_row(s, row.id, now, athlete_id, client_id if i == 0 else None)
                for i, s in enumerate(sets)
            )
        return _session_log(row)

    def add_sets(
        self, session_log_id: int, sets: Iterable[LoggedSet], *, client_id: str | None = None
    ) -> None:
        log = self._session.get(SessionLogRow, session_log_id)
        if log is None:
            raise NotFoundError(f"no logged session with id {session_log_id}")
        sets = list(sets)
        _one_set_for(client_id, sets)
        _check_dates(sets, log.date)
        now = self._clock()
        with self._write(f"log sets of the session of {log.date}"):
            self._invalidate(log.athlete_id, log.date)
            self._session.add_all(
                _set_row(s, session_log_id, now, log.athlete_id, client_id if i == 0 else None)
                for i, s in enumerate(sets)
            )

    def set_log_state(
        self,
        athlete_id: int,
        date: dt.date,
        *,
        exercise: str,
        set_number: int,
        side: str,
        client_id: str | None,
    ) -> SetLogState | None:
        """``AbstractUnitOfWork.set_log_state`` as ONE statement (Core, not ORM, built once:
        ``_set_log_state_sql``). None: no such athlete."""
        row = (
            self._session.connection()
            .execute(
                _set_log_state_sql(),
                {
                    "athlete_id": athlete_id,
                    "date": date,
                    "exercise": exercise,
                    "set_number": set_number,
                    "side": side,
                    "client_id": client_id,
                },
            )
            .first()
        )
        if row is None:
            return None
        revision, plan, settled_as_of, to, is_taken, doc, done_id, is_skipped, side_ = row
        return SetLogState(
            revision=int(revision),
            plan_id=plan,
            settled_as_of=_date_value(settled_as_of),
            snapshots_to=_date_value(to),
            client_id_taken=bool(is_taken),
            given=None if doc is None else session_from_dict(_json_value(doc)),
            done_log_id=done_id,
            skipped=bool(is_skipped),
            clash_side=side_,
        )

    def append_set(
        self,
        state: SetLogState,
        athlete_id: int,
        logged: LoggedSet,
        *,
        client_id: str | None = None,
    ) -> None:
        """One INSERT (a unique violation answers no row instead of raising, so no savepoint
        is needed to keep the unit of work usable), then the snapshots dated on or after the
        set are dropped (only when there is one: ``state.snapshots_to``) and the athlete's
        data revision raised, as every log write does (``_invalidate``). Statements built
        once (``_append_set_sql``)."""
        assert state.done_log_id is not None
        connection = self._session.connection()
        insert_set, drop_snapshots, next_revision = _append_set_sql(connection.dialect.name)
        values = _set_values(logged, state.done_log_id, self._clock(), athlete_id, client_id)
        try:
            if connection.execute(insert_set, values).first() is None:
                raise InputError(
                    f"cannot log sets of the session of {logged.date}: "
                    + _MESSAGES["uq_logged_sets_session_log_id_exercise_set_number_side"]
                )
            if state.snapshots_to is not None and state.snapshots_to >= logged.date:
                connection.execute(drop_snapshots, {"athlete": athlete_id, "date": logged.date})
            connection.execute(next_revision, {"athlete": athlete_id})
        except DBAPIError as exc:
            raise database_error(exc, what=f"log sets of the session of {logged.date}") from None

    def day_sets(self, athlete_id: int, date: dt.date) -> tuple[LoggedSet, ...] | None:
        """``AbstractUnitOfWork.day_sets`` as ONE Core statement (``_day_sets_sql``): plain
        rows made into ``LoggedSet``s, no ORM objects, no athlete profile. None: no such
        athlete."""
        rows = (
            self._session.connection()
            .execute(_day_sets_sql(), {"athlete_id": athlete_id, "date": date})
            .all()
        )
        if not rows:
            return None
        # DAY_SET_COLUMNS are LoggedSet's fields after its date, in order (a test checks).
        return tuple(
            LoggedSet(date, *row)
            for row in rows
            if row[0] is not None  # the athlete's row alone, or a log without sets
        )

    def set_by_client_id(self, athlete_id: int, client_id: str) -> LoggedSet | None:
        row = self._session.execute(
            select(LoggedSetRow, SessionLogRow.date)
            .join(SessionLogRow, LoggedSetRow.session_log_id == SessionLogRow.id)
            .where(LoggedSetRow.athlete_id == athlete_id, LoggedSetRow.client_id == client_id)
        ).first()
        return None if row is None else _logged_set(row[0], row[1])

    def session_logs(
        self, athlete_id: int, *, on: dt.date | None = None, moved: bool = False
    ) -> list[SessionLog]:
        query = select(SessionLogRow).where(SessionLogRow.athlete_id == athlete_id)
        if on is not None:
            query = query.where(SessionLogRow.date == on)
        if moved:
            query = query.where(SessionLogRow.status == "moved")
        rows = self._session.scalars(query.order_by(SessionLogRow.date, SessionLogRow.id))
        return [_session_log(row) for row in rows]

    def add_checkin(self, athlete_id: int, checkin: CheckIn, *, replace: bool = False) -> None:
        self._require_athlete(athlete_id)
        values = {
            "athlete_id": athlete_id,
            "date": checkin.date,
            "pain": checkin.pain,
            "stiffness": checkin.stiffness,
            "red_flags": red_flags_to_doc(checkin.red_flags),
            "created_at": self._clock(),
        }
        with self._write(f"record the check-in of {checkin.date}"):
            self._invalidate(athlete_id, checkin.date)
            if not replace:
                self._session.add(CheckInRow(**values))
                return
            # One statement, so two processes replacing the same day cannot collide.
            insert = (
                postgresql.insert
                if self._session.get_bind().dialect.name == "postgresql"
                else sqlite.insert
            )
            statement = insert(CheckInRow).values(**values)
            self._session.execute(
                statement.on_conflict_do_update(
                    index_elements=["athlete_id", "date"],
                    set_={
                        "pain": statement.excluded.pain,
                        "stiffness": statement.excluded.stiffness,
                        "red_flags": statement.excluded.red_flags,
                        "created_at": statement.excluded.created_at,
                    },
                )
            )

    def stored_sets(
        self,
        athlete_id: int,
        *,
        first: dt.date | None = None,
        last: dt.date | None = None,
        exercise: str | None = None,
        set_number: int | None = None,
    ) -> list[StoredSet]:
        query = (
            select(LoggedSetRow, SessionLogRow.date)
            .join(SessionLogRow, LoggedSetRow.session_log_id == SessionLogRow.id)
            .where(SessionLogRow.athlete_id == athlete_id)
        )
        if first is not None:
            query = query.where(SessionLogRow.date >= first)
        if last is not None:
            query = query.where(SessionLogRow.date <= last)
        if exercise is not None:
            query = query.where(LoggedSetRow.exercise == exercise)
        if set_number is not None:
            query = query.where(LoggedSetRow.set_number == set_number)
        rows = self._session.execute(
            query.order_by(
                SessionLogRow.date,
                LoggedSetRow.exercise,
                LoggedSetRow.set_number,
                LoggedSetRow.side,
                LoggedSetRow.id,
            )
        ).all()
        return [StoredSet(row.id, row.session_log_id, _logged_set(row, date)) for row, date in rows]

    def _set_and_log(self, set_id: int) -> tuple[LoggedSetRow, SessionLogRow]:
        row = self._session.get(LoggedSetRow, set_id)
        log = None if row is None else self._session.get(SessionLogRow, row.session_log_id)
        if row is None or log is None:
            raise NotFoundError(f"no logged set with id {set_id}")
        return row, log

    def update_set(self, set_id: int, logged: LoggedSet) -> None:
        row, log = self._set_and_log(set_id)
        with self._write(f"edit set {row.set_number} of {row.exercise} on {log.date}"):
            self._invalidate(log.athlete_id, log.date)
            for column in ("reps", "seconds", "distance_m", "contacts", "load_kg", "rpe", "pain"):
                setattr(row, column, getattr(logged, column))
            self._session.flush()

    def delete_set(self, set_id: int) -> None:
        row, log = self._set_and_log(set_id)
        with self._write(f"delete set {row.set_number} of {row.exercise} on {log.date}"):
            self._invalidate(log.athlete_id, log.date)
            self._session.delete(row)
            self._session.flush()
            left = self._session.scalar(
                select(func.count())
                .select_from(LoggedSetRow)
                .where(LoggedSetRow.session_log_id == log.id)
            )
            if not left and log.status == "done":
                self._session.delete(log)
                self._session.flush()

    def delete_session_logs(self, athlete_id: int, date: dt.date, status: SessionStatus) -> int:
        self._require_athlete(athlete_id)
        with self._write(f"undo the {status} session of {date}"):
            self._invalidate(athlete_id, date)
            result = self._session.execute(
                delete(SessionLogRow)
                .where(
                    SessionLogRow.athlete_id == athlete_id,
                    SessionLogRow.date == date,
                    SessionLogRow.status == status,
                )
                .execution_options(synchronize_session=False)
            )
        return int(getattr(result, "rowcount", 0) or 0)

    def add_test(self, athlete_id: int, test: CapacityTest, *, replace: bool = False) -> int:
        self._require_athlete(athlete_id)
        row = CapacityTestRow(
            athlete_id=athlete_id,
            date=test.date,
            kind=test.kind,
            knee=test.knee,
            left=test.left,
            right=test.right,
            created_at=self._clock(),
        )
        with self._write(f"record the capacity test of {test.date}"):
            self._invalidate(athlete_id, test.date)
            if replace:
                self._session.execute(
                    delete(CapacityTestRow).where(
                        CapacityTestRow.athlete_id == athlete_id,
                        CapacityTestRow.date == test.date,
                        CapacityTestRow.kind == test.kind,
                        CapacityTestRow.knee == test.knee,
                    )
                )
            self._session.add(row)
        return row.id

    def add_hop_test(self, athlete_id: int, test: HopTest, *, replace: bool = False) -> int:
        self._require_athlete(athlete_id)
        row = HopTestRow(
            athlete_id=athlete_id,
            date=test.date,
            hops=test.hops,
            pain=test.pain,
            side=test.side,
            created_at=self._clock(),
        )
        with self._write(f"record the hop test of {test.date}"):
            self._invalidate(athlete_id, test.date)
            if replace:
                overlapping = (
                    ("left", "right", "both") if test.side == "both" else (test.side, "both")
                )
                self._session.execute(
                    delete(HopTestRow).where(
                        HopTestRow.athlete_id == athlete_id,
                        HopTestRow.date == test.date,
                        HopTestRow.side.in_(overlapping),
                    )
                )
            self._session.add(row)
        return row.id

    def add_clearance(self, athlete_id: int, clearance: Clearance) -> int:
        self._require_athlete(athlete_id)
        row = ClearanceRow(
            athlete_id=athlete_id,
            date=clearance.date,
            note=clearance.note,
            created_at=self._clock(),
        )
        with self._write(f"record the clearance of {clearance.date}"):
            self._invalidate(athlete_id, clearance.date)
            self._session.add(row)
        return row.id

    def add_note(self, athlete_id: int, date: dt.date, text: str) -> Note:
        self._require_athlete(athlete_id)
        row = NoteRow(athlete_id=athlete_id, date=date, text=text, created_at=self._clock())
        with self._write(f"save the note of {date}"):
            self._session.add(row)
        return Note(row.id, row.athlete_id, row.date, row.text, row.created_at)

    def notes(self, athlete_id: int) -> list[Note]:
        rows = self._session.scalars(
            select(NoteRow)
            .where(NoteRow.athlete_id == athlete_id)
            .order_by(NoteRow.date, NoteRow.id)
        )
        return [Note(r.id, r.athlete_id, r.date, r.text, r.created_at) for r in rows]

    def load_training_log(self, athlete_id: int, since: dt.date | None = None) -> TrainingLog:
        self._require_athlete(athlete_id)
        first = dt.date.min if since is None else since
        first_checkin = dt.date.min if since is None else checkins_since(since)
        set_rows = self._session.execute(
            select(LoggedSetRow, SessionLogRow.date)
            .join(SessionLogRow, LoggedSetRow.session_log_id == SessionLogRow.id)
            .where(SessionLogRow.athlete_id == athlete_id, SessionLogRow.date >= first)
            .order_by(SessionLogRow.date, SessionLogRow.id, LoggedSetRow.id)
        ).all()
        checkins = self._session.scalars(
            select(CheckInRow)
            .where(CheckInRow.athlete_id == athlete_id, CheckInRow.date >= first_checkin)
            .order_by(CheckInRow.date)
        )
        tests = self._session.scalars(
            select(CapacityTestRow)
            .where(CapacityTestRow.athlete_id == athlete_id, CapacityTestRow.date >= first)
            .order_by(CapacityTestRow.date, CapacityTestRow.id)
        )
        hop_tests = self._session.scalars(
            select(HopTestRow)
            .where(HopTestRow.athlete_id == athlete_id, HopTestRow.date >= first)
            .order_by(HopTestRow.date, HopTestRow.id)
        )
        clearances = self._session.scalars(
            select(ClearanceRow)
            .where(ClearanceRow.athlete_id == athlete_id, ClearanceRow.date >= first)
            .order_by(ClearanceRow.date, ClearanceRow.id)
        )
        skipped = self._session.scalars(
            select(SessionLogRow.date)
            .where(
                SessionLogRow.athlete_id == athlete_id,
                SessionLogRow.status == "skipped",
                SessionLogRow.date >= first,
            )
            .distinct()
            .order_by(SessionLogRow.date)
        )
        return TrainingLog(
            sets=tuple(_logged_set(row, date) for row, date in set_rows),
            checkins=tuple(
                CheckIn(c.date, c.pain, c.stiffness, red_flags_from_doc(c.red_flags))
                for c in checkins
            ),
            tests=tuple(
                CapacityTest(
                    date=t.date,
                    left=t.left,
                    right=t.right,
                    knee=cast(Knee, t.knee),
                    kind=cast(TestKind, t.kind),
                )
                for t in tests
            ),
            skipped=tuple(skipped),
            hop_tests=tuple(
                HopTest(date=h.date, hops=h.hops, pain=h.pain, side=cast(HopSide, h.side))
                for h in hop_tests
            ),
            clearances=tuple(Clearance(date=c.date, note=c.note) for c in clearances),
        )


# --------------------------------------------------------------------------- history (R-HIST)


class AbstractHistoryRepository(ABC):
    """R-HIST, "history is what was given": the sessions as they were fixed, every version."""

    @abstractmethod
    def fixed(
        self, athlete_id: int, plan_id: int, *, up_to: dt.date | None = None
    ) -> dict[dt.date, FixedSession]:
        """The latest version of every fixed session of the plan (dated ``up_to`` or
        earlier when given), by date."""

    @abstractmethod
    def versions(self, athlete_id: int, plan_id: int, date: dt.date) -> list[FixedSession]:
        """Every version of the plan's session on ``date``, oldest first."""

    @abstractmethod
    def fix(self, athlete_id: int, plan_id: int, session: Session, reason: str) -> FixedSession:
        """Fix ``session`` (on ``session.date``) as version n+1 (1 when none), at the clock's
        time, with ``reason``. When it equals the latest version (the same document) nothing
        is written and the latest version is returned. ``NotFoundError`` when the plan is
        not the athlete's."""

    def every_version(self, athlete_id: int, plan_id: int) -> list[FixedSession]:
        """Every version of every fixed session of the plan, by date then version (what an
        export carries, R-HIST)."""
        return [
            version
            for date in self.fixed(athlete_id, plan_id)
            for version in self.versions(athlete_id, plan_id, date)
        ]

    @abstractmethod
    def restore(self, athlete_id: int, plan_id: int, fixed: FixedSession) -> None:
        """Write ``fixed`` as it was (its version, time and reason): an import of an export's
        sessions as given (R-HIST). ``NotFoundError`` when the plan is not the athlete's;
        the database refuses a version the plan's day already holds."""


def _fixed_session(row: FixedSessionRow) -> FixedSession:
    return FixedSession(
        date=row.date,
        version=row.version,
        fixed_at=row.fixed_at,
        reason=row.reason,
        session=session_from_dict(row.session),
    )


def same_session_doc(stored: dict[str, Any], session: Session) -> bool:
    """Whether a stored session document is ``session`` (compared in today's document form,
    so a document written by an older calfcoach compares by what it says)."""
    return session_to_doc(session_from_dict(stored)) == session_to_doc(session)


class HistoryRepository(_SqlRepository, AbstractHistoryRepository):
    def fixed(
        self, athlete_id: int, plan_id: int, *, up_to: dt.date | None = None
    ) -> dict[dt.date, FixedSession]:
        f = FixedSessionRow
        latest = select(f.date, func.max(f.version).label("version")).where(
            f.athlete_id == athlete_id, f.plan_id == plan_id
        )
        if up_to is not None:
            latest = latest.where(f.date <= up_to)
        newest = latest.group_by(f.date).subquery()
        rows = self._session.scalars(
            select(f)
            .join(newest, and_(f.date == newest.c.date, f.version == newest.c.version))
            .where(f.athlete_id == athlete_id, f.plan_id == plan_id)
            .order_by(f.date)
        )
        return {row.date: _fixed_session(row) for row in rows}

    def _versions(self, athlete_id: int, plan_id: int, date: dt.date) -> list[FixedSessionRow]:
        f = FixedSessionRow
        return list(
            self._session.scalars(
                select(f)
                .where(f.athlete_id == athlete_id, f.plan_id == plan_id, f.date == date)
                .order_by(f.version)
            )
        )

    def versions(self, athlete_id: int, plan_id: int, date: dt.date) -> list[FixedSession]:
        return [_fixed_session(row) for row in self._versions(athlete_id, plan_id, date)]

    def fix(self, athlete_id: int, plan_id: int, session: Session, reason: str) -> FixedSession:
        # Lock the plan row (PostgreSQL; SQLite's BEGIN IMMEDIATE already serialises
        # writers) so two processes fixing the same day number their versions in turn.
        plan = self._session.scalars(
            select(PlanRow).where(PlanRow.id == plan_id).with_for_update()
        ).first()
        if plan is None or plan.athlete_id != athlete_id:
            raise NotFoundError(f"no plan with id {plan_id} for athlete {athlete_id}")
        if not reason.strip():
            raise InputError("cannot fix the session: a fixed session needs a reason")
        existing = self._versions(athlete_id, plan_id, session.date)
        if existing and same_session_doc(existing[-1].session, session):
            return _fixed_session(existing[-1])
        now = self._clock()
        row = FixedSessionRow(
            athlete_id=athlete_id,
            plan_id=plan_id,
            date=session.date,
            version=existing[-1].version + 1 if existing else 1,
            fixed_at=now,
            reason=reason,
            session=session_to_doc(session),
        )
        with self._write(f"fix the session of {session.date}"):
            self._session.add(row)
        return FixedSession(
            date=row.date,
            version=row.version,
            fixed_at=now.astimezone(dt.UTC),
            reason=reason,
            session=session_from_dict(row.session),
        )

    def every_version(self, athlete_id: int, plan_id: int) -> list[FixedSession]:
        f = FixedSessionRow
        rows = self._session.scalars(
            select(f)
            .where(f.athlete_id == athlete_id, f.plan_id == plan_id)
            .order_by(f.date, f.version)
        )
        return [_fixed_session(row) for row in rows]

    def restore(self, athlete_id: int, plan_id: int, fixed: FixedSession) -> None:
        plan = self._session.get(PlanRow, plan_id)
        if plan is None or plan.athlete_id != athlete_id:
            raise NotFoundError(f"no plan with id {plan_id} for athlete {athlete_id}")
        row = FixedSessionRow(
            athlete_id=athlete_id,
            plan_id=plan_id,
            date=fixed.date,
            version=fixed.version,
            fixed_at=fixed.fixed_at,
            reason=fixed.reason,
            session=session_to_doc(fixed.session),
        )
        with self._write(f"keep the session of {fixed.date} as it was given"):
            self._session.add(row)


# --------------------------------------------------------------------------- engine snapshots


class AbstractSnapshotRepository(ABC):
    """The engine's state per athlete and plan, so a walk starts from it, not from day one."""

    @abstractmethod
    def get(self, athlete_id: int, plan_id: int) -> Snapshot | None:
        """The snapshot of the athlete's plan, or None (never taken, or invalidated)."""

    @abstractmethod
    def put(self, athlete_id: int, plan_id: int, as_of: dt.date, state: dict[str, Any]) -> None:
        """Store the state after the day ``as_of``, replacing the plan's snapshot.

        ``state`` must be JSON data (``InputError`` otherwise); ``get`` returns it as JSON
        parses it (tuples come back as lists). Take it in the unit of work that read the
        log it stands for."""

    @abstractmethod
    def invalidate(self, athlete_id: int, from_date: dt.date) -> None:
        """Drop the athlete's snapshots with ``as_of >= from_date`` (every plan)."""


def json_state(state: dict[str, Any]) -> dict[str, Any]:
    """``state`` as it will come back from the database; ``InputError`` when it is not JSON."""
    try:
        doc = json.loads(json.dumps(state, allow_nan=False))
    except (TypeError, ValueError) as exc:
        raise InputError(f"cannot store the engine snapshot: it is not JSON data ({exc})") from None
    if not isinstance(doc, dict):
        raise InputError("cannot store the engine snapshot: its state must be a JSON object")
    return doc


class SnapshotRepository(_SqlRepository, AbstractSnapshotRepository):
    def get(self, athlete_id: int, plan_id: int) -> Snapshot | None:
        row = self._session.execute(
            select(SnapshotRow.as_of, SnapshotRow.state).where(
                SnapshotRow.athlete_id == athlete_id, SnapshotRow.plan_id == plan_id
            )
        ).first()
        return None if row is None else Snapshot(as_of=row[0], state=row[1])

    def put(self, athlete_id: int, plan_id: int, as_of: dt.date, state: dict[str, Any]) -> None:
        plan = self._session.get(PlanRow, plan_id)
        if plan is None or plan.athlete_id != athlete_id:
            raise NotFoundError(f"no plan with id {plan_id} for athlete {athlete_id}")
        values = {
            "athlete_id": athlete_id,
            "plan_id": plan_id,
            "as_of": as_of,
            "state": json_state(state),
            "created_at": self._clock(),
        }
        insert = (
            postgresql.insert
            if self._session.get_bind().dialect.name == "postgresql"
            else sqlite.insert
        )
        statement = insert(SnapshotRow).values(**values)
        with self._write(f"store the engine snapshot of {as_of}"):
            self._session.execute(
                statement.on_conflict_do_update(
                    index_elements=["athlete_id", "plan_id"],
                    set_={
                        "as_of": statement.excluded.as_of,
                        "state": statement.excluded.state,
                        "created_at": statement.excluded.created_at,
                    },
                )
            )

    def invalidate(self, athlete_id: int, from_date: dt.date) -> None:
        with self._write(f"drop the engine snapshots from {from_date}"):
            self._invalidate(athlete_id, from_date)
