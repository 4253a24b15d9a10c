"""A read-only path to a SQLite database on the standard library's ``sqlite3``, no SQLAlchemy.

Importing SQLAlchemy and mapping the tables costs about 0.4 s of a cold start, far more than
the reads of `calfcoach today` themselves. ``open_reader(url)`` returns a ``SqliteReader``
when ``url`` is a plain ``sqlite:///`` file that exists and is at ``HEAD_REVISION``, else
None: the caller then opens the database the usual way (``db.open_database``), which
creates, migrates or reports what is wrong with it.

A reader's unit of work offers the reads the current plan needs (``training.current_plan``
and ``training.day_plan``): ``athletes.find/get/all``, ``plans.active``,
``logs.session_logs/load_training_log`` (with ``since``), ``history.fixed/versions`` and
``snapshots.get``. They return the same records as the SQLAlchemy repositories (a test
compares the two) and read in one deferred transaction (no write lock). It has no writes:
a command that writes opens the database with ``db.open_database``.

The column conversions are SQLAlchemy's on SQLite: dates are ``YYYY-MM-DD`` text, times UTC
text without an offset (``AwareDateTime`` marks them UTC on the way out), JSON is text and
booleans are 0/1.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
from pathlib import Path
from types import TracebackType
from typing import Any, Self, cast

from calfcoach.core.models import (
    STORED,
    CapacityTest,
    CheckIn,
    Clearance,
    HopSide,
    HopTest,
    Knee,
    LoggedSet,
    Scheme,
    Side,
    TestKind,
    TrainingLog,
)
from calfcoach.errors import NotFoundError, StorageError, first_line
from calfcoach.storage.records import (
    Athlete,
    FixedSession,
    PlannedEvent,
    SessionLog,
    SessionStatus,
    Snapshot,
    StoredPlan,
    StoredRun,
    checkins_since,
    profile_from_doc,
    red_flags_from_doc,
)
from calfcoach.storage.revision import HEAD_REVISION, VERSION_TABLE
from calfcoach.storage.sqlite_connect import (
    BUSY_TIMEOUT_MS,
    SYNCHRONOUS,
    apply_sqlite_pragmas,
    connect_read_only,
    no_database_error,
)

__all__ = [
    "BUSY_TIMEOUT_MS",
    "SYNCHRONOUS",
    "SqliteReader",
    "apply_sqlite_pragmas",
    "connect_read_only",
    "no_database_error",
    "open_reader",
]

_PREFIX = "sqlite:///"


def _file_of(url: str) -> str | None:
    """The file of a plain ``sqlite:///PATH`` URL; None for anything else (memory, URI
    filenames, query options, escapes, other drivers): those take the usual path."""
    if not url.startswith(_PREFIX):
        return None
    path = url[len(_PREFIX) :]
    if not path or path == ":memory:" or path.startswith("file:") or any(c in path for c in "?%#"):
        return None
    return path


def open_reader(url: str) -> SqliteReader | None:
    """A reader on the SQLite file of ``url`` when it exists and is at the head revision."""
    path = _file_of(url)
    if path is None or not os.path.isfile(path):
        return None
    try:
        # Read-only (issue 7, item 21): works in a read-only data folder, changes nothing.
        connection = connect_read_only(Path(path))()
    except (sqlite3.Error, StorageError):
        return None
    try:
        versions = connection.execute(f"SELECT version_num FROM {VERSION_TABLE}").fetchall()
    except sqlite3.Error:  # no version table yet, not a database, locked...: the usual path
        connection.close()
        return None
    if versions != [(HEAD_REVISION,)]:
        connection.close()
        return None
    return SqliteReader(url, connection)


class SqliteReader:
    """A SQLite database opened for reading (see the module); use it like a ``Database``
    whose units of work are read-only."""

    backend = "sqlite"

    def __init__(self, url: str, connection: sqlite3.Connection) -> None:
        self.url = url
        self._connection = connection

    @property
    def display_url(self) -> str:
        return self.url

    def unit_of_work(
        self, *, read_only: bool = False, clock: object = None
    ) -> SqliteReadUnitOfWork:
        if not read_only:
            raise RuntimeError("a SqliteReader only reads: open the database with open_database")
        return SqliteReadUnitOfWork(self)

    def read_error(self, exc: sqlite3.Error) -> StorageError:
        return StorageError(
            f"cannot read the database {self.url}: {first_line(exc)}",
            "check that the file's folder exists and is writable and that the file is a "
            "calfcoach database; set CALFCOACH_HOME or CALFCOACH_DATABASE_URL to use another",
        )

    def query(self, sql: str, *params: object) -> list[tuple[Any, ...]]:
        try:
            return self._connection.execute(sql, params).fetchall()
        except sqlite3.Error as exc:
            raise self.read_error(exc) from None

    def dispose(self) -> None:
        self._connection.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.dispose()

    def __repr__(self) -> str:
        return f"SqliteReader({self.url!r})"


class SqliteReadUnitOfWork:
    """One deferred (read) transaction; leaving the block ends it."""

    def __init__(self, reader: SqliteReader) -> None:
        self._reader = reader
        self.athletes = _Athletes(reader)
        self.plans = _Plans(reader)
        self.logs = _Logs(reader)
        self.history = _History(reader)
        self.snapshots = _Snapshots(reader)
        self.runs = _Runs(reader)

    def __enter__(self) -> Self:
        self._reader.query("BEGIN DEFERRED")
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.rollback()

    def commit(self) -> None:
        if self._reader._connection.in_transaction:
            self._reader.query("COMMIT")

    def rollback(self) -> None:
        if self._reader._connection.in_transaction:
            self._reader.query("ROLLBACK")


# --------------------------------------------------------------------------- conversions


def _date(value: str) -> dt.date:
    return dt.date.fromisoformat(value)


def _time(value: str) -> dt.datetime:
    parsed = dt.datetime.fromisoformat(value)
    return parsed.replace(tzinfo=dt.UTC) if parsed.tzinfo is None else parsed.astimezone(dt.UTC)


def _athlete(row: tuple[Any, ...]) -> Athlete:
    athlete_id, name, profile, created_at = row
    return Athlete(
        id=athlete_id,
        name=name,
        profile=profile_from_doc(json.loads(profile), athlete=name),
        created_at=_time(created_at),
    )


_ATHLETE = "SELECT id, name, profile, created_at FROM athletes"


class _Athletes:
    def __init__(self, reader: SqliteReader) -> None:
        self._reader = reader

    def get(self, athlete_id: int) -> Athlete:
        rows = self._reader.query(f"{_ATHLETE} WHERE id = ?", athlete_id)
        if not rows:
            raise NotFoundError(f"no athlete with id {athlete_id}")
        return _athlete(rows[0])

    def find(self, name: str) -> Athlete | None:
        from calfcoach.core.names import name_key

        rows = self._reader.query(f"{_ATHLETE} WHERE name_key = ?", name_key(name))
        return _athlete(rows[0]) if rows else None

    def all(self) -> list[Athlete]:
        return [_athlete(row) for row in self._reader.query(f"{_ATHLETE} ORDER BY name")]


class _Plans:
    def __init__(self, reader: SqliteReader) -> None:
        self._reader = reader

    def active(self, athlete_id: int) -> StoredPlan | None:
        rows = self._reader.query(
            "SELECT id, athlete_id, created_at, active, inputs, plan FROM plans "
            "WHERE athlete_id = ? AND active IS 1",
            athlete_id,
        )
        return self._stored(rows[0]) if rows else None

    def get(self, plan_id: int) -> StoredPlan:
        rows = self._reader.query(
            "SELECT id, athlete_id, created_at, active, inputs, plan FROM plans WHERE id = ?",
            plan_id,
        )
        if not rows:
            raise NotFoundError(f"no plan with id {plan_id}")
        return self._stored(rows[0])

    @staticmethod
    def _stored(row: tuple[Any, ...]) -> StoredPlan:
        from calfcoach.storage.plan_doc import plan_from_dict

        plan_id, owner, created_at, active, inputs, plan = row
        return StoredPlan(
            id=plan_id,
            athlete_id=owner,
            created_at=_time(created_at),
            active=bool(active),
            inputs=json.loads(inputs),
            plan=plan_from_dict(json.loads(plan)),
        )


_SET_COLUMNS = (
    "exercise, set_number, reps, seconds, distance_m, contacts, load_kg, side, rpe, pain, "
    "planned_reps, planned_seconds, planned_distance_m, planned_contacts, planned_load_kg, "
    "scheme"
)


class _Logs:
    def __init__(self, reader: SqliteReader) -> None:
        self._reader = reader

    def session_logs(
        self, athlete_id: int, *, on: dt.date | None = None, moved: bool = False
    ) -> list[SessionLog]:
        where = "athlete_id = ?"
        params: list[object] = [athlete_id]
        if on is not None:
            where += " AND date = ?"
            params.append(on.isoformat())
        if moved:
            where += " AND status = 'moved'"
        rows = self._reader.query(
            "SELECT id, athlete_id, date, status, plan_session_id, moved_to, created_at "
            f"FROM session_logs WHERE {where} ORDER BY date, id",
            *params,
        )
        return [
            SessionLog(
                id=log_id,
                athlete_id=owner,
                date=_date(date),
                status=cast(SessionStatus, status),
                plan_session_id=plan_session_id,
                moved_to=None if moved_to is None else _date(moved_to),
                created_at=_time(created_at),
            )
            for log_id, owner, date, status, plan_session_id, moved_to, created_at in rows
        ]

    def load_training_log(self, athlete_id: int, since: dt.date | None = None) -> TrainingLog:
        query = self._reader.query
        if not query("SELECT 1 FROM athletes WHERE id = ?", athlete_id):
            raise NotFoundError(f"no athlete with id {athlete_id}")
        # Dates are ISO text: text order is date order. "" is before every date.
        first = "" if since is None else since.isoformat()
        first_checkin = "" if since is None else checkins_since(since).isoformat()
        columns = ", ".join(f"s.{c.strip()}" for c in _SET_COLUMNS.split(","))
        set_rows = query(
            f"SELECT l.date, {columns} FROM logged_sets AS s "
            "JOIN session_logs AS l ON s.session_log_id = l.id "
            "WHERE l.athlete_id = ? AND l.date >= ? ORDER BY l.date, l.id, s.id",
            athlete_id,
            first,
        )
        checkins = query(
            "SELECT date, pain, stiffness, red_flags FROM checkins "
            "WHERE athlete_id = ? AND date >= ? ORDER BY date",
            athlete_id,
            first_checkin,
        )
        tests = query(
            'SELECT date, "left", "right", knee, kind FROM capacity_tests '
            "WHERE athlete_id = ? AND date >= ? ORDER BY date, id",
            athlete_id,
            first,
        )
        hop_tests = query(
            "SELECT date, hops, pain, side FROM hop_tests "
            "WHERE athlete_id = ? AND date >= ? ORDER BY date, id",
            athlete_id,
            first,
        )
        clearances = query(
            "SELECT date, note FROM clearances "
            "WHERE athlete_id = ? AND date >= ? ORDER BY date, id",
            athlete_id,
            first,
        )
        skipped = query(
            "SELECT DISTINCT date FROM session_logs "
            "WHERE athlete_id = ? AND status = 'skipped' AND date >= ? ORDER BY date",
            athlete_id,
            first,
        )
        return TrainingLog(
            sets=tuple(
                LoggedSet(
                    date=_date(row[0]),
                    exercise=row[1],
                    set_number=row[2],
                    reps=row[3],
                    seconds=row[4],
                    distance_m=row[5],
                    contacts=row[6],
                    load_kg=row[7],
                    side=cast(Side, row[8]),
                    rpe=row[9],
                    pain=row[10],
                    planned_reps=row[11],
                    planned_seconds=row[12],
                    planned_distance_m=row[13],
                    planned_contacts=row[14],
                    planned_load_kg=row[15],
                    scheme=cast("Scheme | None", row[16]),
                )
                for row in set_rows
            ),
            checkins=tuple(
                CheckIn(_date(d), pain, stiffness, red_flags_from_doc(json.loads(flags)))
                for d, pain, stiffness, flags in checkins
            ),
            tests=tuple(
                CapacityTest(
                    date=_date(d),
                    left=left,
                    right=right,
                    knee=cast(Knee, knee),
                    kind=cast(TestKind, kind),
                )
                for d, left, right, knee, kind in tests
            ),
            skipped=tuple(_date(d) for (d,) in skipped),
            hop_tests=tuple(
                HopTest(date=_date(d), hops=hops, pain=pain, side=cast(HopSide, side))
                for d, hops, pain, side in hop_tests
            ),
            clearances=tuple(Clearance(date=_date(d), note=note) for d, note in clearances),
        )


class _History:
    """``repositories.HistoryRepository``'s reads (R-HIST)."""

    def __init__(self, reader: SqliteReader) -> None:
        self._reader = reader

    @staticmethod
    def _fixed(row: tuple[Any, ...]) -> FixedSession:
        from calfcoach.storage.plan_doc import session_from_dict

        date, version, fixed_at, reason, session = row
        return FixedSession(
            date=_date(date),
            version=version,
            fixed_at=_time(fixed_at),
            reason=reason,
            session=session_from_dict(json.loads(session)),
        )

    def fixed(
        self, athlete_id: int, plan_id: int, *, up_to: dt.date | None = None
    ) -> dict[dt.date, FixedSession]:
        last = "9999-12-31" if up_to is None else up_to.isoformat()
        rows = self._reader.query(
            "SELECT f.date, f.version, f.fixed_at, f.reason, f.session FROM fixed_sessions AS f "
            "JOIN (SELECT date, max(version) AS version FROM fixed_sessions "
            "      WHERE athlete_id = ? AND plan_id = ? AND date <= ? GROUP BY date) AS n "
            "ON f.date = n.date AND f.version = n.version "
            "WHERE f.athlete_id = ? AND f.plan_id = ? ORDER BY f.date",
            athlete_id,
            plan_id,
            last,
            athlete_id,
            plan_id,
        )
        fixed = (self._fixed(row) for row in rows)
        return {f.date: f for f in fixed}

    def versions(self, athlete_id: int, plan_id: int, date: dt.date) -> list[FixedSession]:
        rows = self._reader.query(
            "SELECT date, version, fixed_at, reason, session FROM fixed_sessions "
            "WHERE athlete_id = ? AND plan_id = ? AND date = ? ORDER BY version",
            athlete_id,
            plan_id,
            date.isoformat(),
        )
        return [self._fixed(row) for row in rows]


class _Snapshots:
    """``repositories.SnapshotRepository``'s read."""

    def __init__(self, reader: SqliteReader) -> None:
        self._reader = reader

    def get(self, athlete_id: int, plan_id: int) -> Snapshot | None:
        rows = self._reader.query(
            "SELECT as_of, state FROM engine_snapshots WHERE athlete_id = ? AND plan_id = ?",
            athlete_id,
            plan_id,
        )
        if not rows:
            return None
        as_of, state = rows[0]
        return Snapshot(as_of=_date(as_of), state=json.loads(state))


class _Runs:
    """``runs.RunRepository``'s reads the plan needs (issue 10: imported runs and calendar
    events are engine inputs, ``services.plan_inputs``)."""

    def __init__(self, reader: SqliteReader) -> None:
        self._reader = reader

    def all(self, athlete_id: int) -> list[StoredRun]:
        rows = self._reader.query(
            "SELECT id, activity, kind, kind_source, load, load_basis, created_at FROM runs "
            "WHERE athlete_id = ? ORDER BY start, id",
            athlete_id,
        )
        if not rows:  # no runs: the running model is not even imported (a cold `today`)
            return []
        from calfcoach.core.running import Activity

        return [
            StoredRun(
                id=run_id,
                activity=Activity.model_validate(json.loads(activity), context={STORED: True}),
                kind=kind,
                kind_source=kind_source,
                load=load,
                load_basis=load_basis,
                imported_on=_time(created_at).date(),
            )
            for run_id, activity, kind, kind_source, load, load_basis, created_at in rows
        ]

    def events(
        self, athlete_id: int, first: dt.date | None = None, last: dt.date | None = None
    ) -> list[PlannedEvent]:
        sql = (
            "SELECT date, kind, title, source, start, detail, distance_km, tune_up, uid, id "
            "FROM planned_events WHERE athlete_id = ?"
        )
        params: list[object] = [athlete_id]
        if first is not None:
            sql += " AND date >= ?"
            params.append(first.isoformat())
        if last is not None:
            sql += " AND date <= ?"
            params.append(last.isoformat())
        rows = self._reader.query(sql + " ORDER BY date, start, id", *params)
        return [
            PlannedEvent(
                date=_date(day),
                kind=kind,
                title=title,
                source=source,
                start=_time(start) if start is not None else None,
                detail=detail,
                distance_km=distance_km,
                tune_up=bool(tune_up),
                uid=uid,
                id=event_id,
            )
            for day, kind, title, source, start, detail, distance_km, tune_up, uid, event_id in rows
        ]
