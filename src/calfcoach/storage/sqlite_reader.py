"""A read-only path to a SQLite database on the standard library's ``sqlite3``, no SQLAlchemy.

Importing SQLAlchemy and mapping the tables costs about 0.4 s of a cold start, far more than
the reads of `calfcoach today` themselves. ``open_reader(url)`` returns a ``SqliteReader``
when ``url`` is a plain ``sqlite:///`` file that exists and is at ``HEAD_REVISION``, else
None: the caller then opens the database the usual way (``db.open_database``), which
creates, migrates or reports what is wrong with it.

A reader's unit of work offers the reads the current plan needs (``training.current_plan``
and ``training.day_plan``): ``athletes.find/get/all``, ``plans.active`` and
``logs.session_logs/load_training_log``. They return the same records as the SQLAlchemy
repositories (a test compares the two) and read in one deferred transaction (no write lock).
It has no writes: a command that writes opens the database with ``db.open_database``.

The column conversions are SQLAlchemy's on SQLite: dates are ``YYYY-MM-DD`` text, times UTC
text without an offset (``AwareDateTime`` marks them UTC on the way out), JSON is text and
booleans are 0/1.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
from types import TracebackType
from typing import Any, Self, cast

from calfcoach.core.models import (
    CapacityTest,
    CheckIn,
    Knee,
    LoggedSet,
    Scheme,
    Side,
    TestKind,
    TrainingLog,
)
from calfcoach.errors import NotFoundError, StorageError
from calfcoach.storage.records import (
    Athlete,
    SessionLog,
    SessionStatus,
    StoredPlan,
    profile_from_doc,
)
from calfcoach.storage.revision import HEAD_REVISION, VERSION_TABLE

__all__ = ["BUSY_TIMEOUT_MS", "SqliteReader", "apply_sqlite_pragmas", "open_reader"]

BUSY_TIMEOUT_MS = 10_000
_PREFIX = "sqlite:///"


def apply_sqlite_pragmas(connection: Any) -> None:
    """What every calfcoach SQLite connection gets (``db`` applies it on connect too)."""
    cursor = connection.cursor()
    try:
        # busy_timeout first: switching to WAL needs a lock another process may hold.
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.execute("PRAGMA foreign_keys = ON")
    finally:
        cursor.close()


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
        connection = sqlite3.connect(path, isolation_level=None)
    except sqlite3.Error:
        return None
    try:
        apply_sqlite_pragmas(connection)
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
        reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        return StorageError(
            f"cannot read the database {self.url}: {reason}",
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
        rows = self._reader.query(f"{_ATHLETE} WHERE name = ?", name)
        return _athlete(rows[0]) if rows else None

    def all(self) -> list[Athlete]:
        return [_athlete(row) for row in self._reader.query(f"{_ATHLETE} ORDER BY name")]


class _Plans:
    def __init__(self, reader: SqliteReader) -> None:
        self._reader = reader

    def active(self, athlete_id: int) -> StoredPlan | None:
        from calfcoach.storage.plan_doc import plan_from_dict

        rows = self._reader.query(
            "SELECT id, athlete_id, created_at, active, inputs, plan FROM plans "
            "WHERE athlete_id = ? AND active IS 1",
            athlete_id,
        )
        if not rows:
            return None
        plan_id, owner, created_at, active, inputs, plan = rows[0]
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

    def session_logs(self, athlete_id: int) -> list[SessionLog]:
        rows = self._reader.query(
            "SELECT id, athlete_id, date, status, plan_session_id, moved_to, created_at "
            "FROM session_logs WHERE athlete_id = ? ORDER BY date, id",
            athlete_id,
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

    def load_training_log(self, athlete_id: int) -> TrainingLog:
        query = self._reader.query
        if not query("SELECT 1 FROM athletes WHERE id = ?", athlete_id):
            raise NotFoundError(f"no athlete with id {athlete_id}")
        columns = ", ".join(f"s.{c.strip()}" for c in _SET_COLUMNS.split(","))
        set_rows = query(
            f"SELECT l.date, {columns} FROM logged_sets AS s "
            "JOIN session_logs AS l ON s.session_log_id = l.id "
            "WHERE l.athlete_id = ? ORDER BY l.date, l.id, s.id",
            athlete_id,
        )
        checkins = query(
            "SELECT date, pain, stiffness FROM checkins WHERE athlete_id = ? ORDER BY date",
            athlete_id,
        )
        tests = query(
            'SELECT date, "left", "right", knee, kind FROM capacity_tests '
            "WHERE athlete_id = ? ORDER BY date, id",
            athlete_id,
        )
        skipped = query(
            "SELECT DISTINCT date FROM session_logs "
            "WHERE athlete_id = ? AND status = 'skipped' ORDER BY date",
            athlete_id,
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
                    scheme=cast(Scheme | None, row[16]),
                )
                for row in set_rows
            ),
            checkins=tuple(CheckIn(_date(d), pain, stiffness) for d, pain, stiffness in checkins),
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
        )
