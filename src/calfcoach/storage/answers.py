"""Stored day answers (issue 8, figures): a computed answer about one day of an athlete,
kept until anything it was computed from changes.

An answer is current while its ``revision`` equals the athlete's ``data_revision``, which
every write of engine input raises (``repositories._SqlRepository._invalidate``: the writes
that drop engine snapshots), and its ``code`` is the running code's (``code_id``: the version
and a digest of the package's files, D-163). So an answer can never outlive what it was made
from: a writer that commits between the read of the revision and the store of the answer
leaves it with an old revision, and it is never served. No app process keeps state of its own:
N processes share the stored answers (issue 8, part 2).
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from functools import cache
from typing import TYPE_CHECKING, Any

from sqlalchemy import Date, Integer, bindparam, delete, select, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import aliased

from calfcoach.storage.orm import AthleteRow, DayAnswerRow
from calfcoach.storage.repositories import _SqlRepository, database_error

if TYPE_CHECKING:
    from sqlalchemy import Engine

__all__ = ["AbstractAnswerRepository", "AnswerRepository", "answer_lookup", "athlete_ids_lookup"]

KEEP_DAYS = 7
"""Answers for days more than this before the one being stored are dropped then."""


class AbstractAnswerRepository(ABC):
    @abstractmethod
    def revision(self, athlete_id: int) -> int | None:
        """The athlete's data revision now; None when there is no such athlete."""

    @abstractmethod
    def current(self, athlete_id: int, date: dt.date, kind: str, code: str) -> str | None:
        """The stored answer if it is current (same revision as the athlete, same code)."""

    def revisions(self, athlete_ids: Sequence[int]) -> dict[int, int]:
        """The data revision now of each athlete of ``athlete_ids`` that exists (one query on
        a database): what a copy of an answer kept elsewhere is checked against."""
        out: dict[int, int] = {}
        for athlete_id in athlete_ids:
            revision = self.revision(athlete_id)
            if revision is not None:
                out[athlete_id] = revision
        return out

    def current_many(
        self, athlete_ids: Sequence[int], date: dt.date, kind: str, code: str
    ) -> dict[int, tuple[int, str | None]]:
        """For each athlete of ``athlete_ids`` that exists: (its data revision now, its
        current stored answer or None). One query on a database (the roster, issue 9)."""
        out: dict[int, tuple[int, str | None]] = {}
        for athlete_id in athlete_ids:
            revision = self.revision(athlete_id)
            if revision is not None:
                out[athlete_id] = (revision, self.current(athlete_id, date, kind, code))
        return out

    @abstractmethod
    def store(
        self, athlete_id: int, date: dt.date, kind: str, code: str, revision: int, body: str
    ) -> bool:
        """Keep ``body`` as the answer computed at ``revision``; False when it could not be
        stored (another process stored it first, or the database is read-only): the caller
        has its answer anyway."""

    @abstractmethod
    def keep(self, athlete_id: int, date: dt.date, kinds: Sequence[str], revision: int) -> None:
        """The stored answers of ``date`` of ``kinds`` that were current at ``revision``
        stay current after a write made since in this unit of work: they are moved to the
        athlete's revision now. Only for a write the caller knows cannot change them (a set
        on a fixed day, ``services.training.log_set``)."""


class AnswerRepository(_SqlRepository, AbstractAnswerRepository):
    def revision(self, athlete_id: int) -> int | None:
        return self._session.scalar(
            select(AthleteRow.data_revision).where(AthleteRow.id == athlete_id)
        )

    def current(self, athlete_id: int, date: dt.date, kind: str, code: str) -> str | None:
        return self._session.scalar(
            select(DayAnswerRow.body)
            .join(AthleteRow, AthleteRow.id == DayAnswerRow.athlete_id)
            .where(
                DayAnswerRow.athlete_id == athlete_id,
                DayAnswerRow.date == date,
                DayAnswerRow.kind == kind,
                DayAnswerRow.code == code,
                DayAnswerRow.revision == AthleteRow.data_revision,
            )
        )

    def revisions(self, athlete_ids: Sequence[int]) -> dict[int, int]:
        if not athlete_ids:
            return {}
        statement = select(AthleteRow.id, AthleteRow.data_revision).where(
            AthleteRow.id.in_(sorted(set(athlete_ids)))
        )
        return {int(i): int(revision) for i, revision in self._session.execute(statement)}

    def keep(self, athlete_id: int, date: dt.date, kinds: Sequence[str], revision: int) -> None:
        # One UPDATE, built once: the rows stay as they are, at the athlete's revision now.
        self._session.connection().execute(
            _keep_sql(),
            {"athlete": athlete_id, "day": date, "kinds": list(kinds), "old_revision": revision},
        )

    def current_many(
        self, athlete_ids: Sequence[int], date: dt.date, kind: str, code: str
    ) -> dict[int, tuple[int, str | None]]:
        if not athlete_ids:
            return {}
        answer = aliased(DayAnswerRow)
        statement = (
            select(AthleteRow.id, AthleteRow.data_revision, answer.body)
            .outerjoin(
                answer,
                (answer.athlete_id == AthleteRow.id)
                & (answer.date == date)
                & (answer.kind == kind)
                & (answer.code == code)
                & (answer.revision == AthleteRow.data_revision),
            )
            .where(AthleteRow.id.in_(sorted(set(athlete_ids))))
        )
        return {
            int(i): (int(revision), None if body is None else str(body))
            for i, revision, body in self._session.execute(statement)
        }

    def store(
        self, athlete_id: int, date: dt.date, kind: str, code: str, revision: int, body: str
    ) -> bool:
        try:
            with self._session.begin_nested():
                self._session.execute(
                    delete(DayAnswerRow).where(
                        DayAnswerRow.athlete_id == athlete_id,
                        (DayAnswerRow.date < date - dt.timedelta(days=KEEP_DAYS))
                        | ((DayAnswerRow.date == date) & (DayAnswerRow.kind == kind)),
                    )
                )
                self._session.add(
                    DayAnswerRow(
                        athlete_id=athlete_id,
                        date=date,
                        kind=kind,
                        code=code,
                        revision=revision,
                        body=body,
                    )
                )
                self._session.flush()
        except DBAPIError:
            return False  # derived data: not storing it loses nothing
        return True


@cache
def _keep_sql() -> Any:
    """``AnswerRepository.keep``'s statement, built once."""
    athlete = bindparam("athlete", type_=Integer)  # not a column's name (update's SET)
    return (
        update(DayAnswerRow)
        .where(
            DayAnswerRow.athlete_id == athlete,
            DayAnswerRow.date == bindparam("day", type_=Date),
            DayAnswerRow.kind.in_(bindparam("kinds", expanding=True)),
            DayAnswerRow.revision == bindparam("old_revision", type_=Integer),
        )
        .values(
            revision=select(AthleteRow.data_revision)
            .where(AthleteRow.id == athlete)
            .scalar_subquery()
        )
    )


_CURRENT = "d.date = {p} AND d.kind = {p} AND d.code = {p} AND d.revision = a.data_revision"
"""A stored answer ``d`` of athlete ``a`` is current: its day, kind and code, and the athlete's
data revision (the one rule of both lookups below)."""

_CURRENT_SQL = (
    "SELECT d.body FROM day_answers d JOIN athletes a ON a.id = d.athlete_id "
    "WHERE d.athlete_id = {p} AND " + _CURRENT
)


def answer_lookup(engine: Engine) -> Callable[[int, dt.date, str, str], str | None]:
    """``AnswerRepository.current`` as one statement on a pooled DBAPI connection, without
    an ORM session (the hot path of a stored answer: about 10x cheaper). Same query, same
    rule: served only while the revision is the athlete's."""
    sqlite = engine.dialect.name == "sqlite"
    sql = _CURRENT_SQL.format(p="?" if sqlite else "%s")

    def lookup(athlete_id: int, date: dt.date, kind: str, code: str) -> str | None:
        # SQLAlchemy's Date is ISO text in SQLite; psycopg adapts a date itself.
        day: Any = date.isoformat() if sqlite else date
        rows = _read_alone(engine, sql, (athlete_id, day, kind, code))
        return None if not rows else str(rows[0][0])

    return lookup


_FIRST_SQL = (
    "SELECT a.id, (SELECT d.body FROM day_answers d WHERE d.athlete_id = a.id AND "
    + _CURRENT
    + ") FROM athletes a ORDER BY a.created_at, a.id LIMIT 1"
)
"""The answer as a subquery of the one athlete kept, not a join: PostgreSQL then reads one
answer, not every athlete's (50 athletes: 0.04 ms to run and 0.07 to plan, against 0.15 and
0.45 for the join)."""


def first_answer_lookup(
    engine: Engine,
) -> Callable[[dt.date, str, str], tuple[int, str | None] | None]:
    """The first athlete added (``athlete_ids_lookup``'s first) with its current stored answer
    of (date, kind, code) or None, in one statement: local mode's pages asked the two apart,
    two round trips to PostgreSQL a page (D-165). None when no athlete is stored. Same rule
    as ``answer_lookup``: served only while the revision is the athlete's."""
    sqlite = engine.dialect.name == "sqlite"
    sql = _FIRST_SQL.format(p="?" if sqlite else "%s")

    def lookup(date: dt.date, kind: str, code: str) -> tuple[int, str | None] | None:
        day: Any = date.isoformat() if sqlite else date
        rows = _read_alone(engine, sql, (day, kind, code))
        if not rows:
            return None
        athlete_id, body = rows[0]
        return int(athlete_id), None if body is None else str(body)

    return lookup


def _read_alone(engine: Engine, sql: str, params: tuple[Any, ...] = ()) -> list[Any]:
    """The rows of one read statement on a pooled DBAPI connection, run on its own: a
    single statement sees one snapshot, so it needs no transaction. PostgreSQL: the
    connection is in autocommit for it, so no BEGIN goes before it and no ROLLBACK after
    it when the pool takes the connection back (four round trips to the server became
    two, the pool's ping and the statement; D-133), and a connection used a moment ago is
    not pinged (one round trip, D-136): when the server closed it anyway, the read is
    tried once more on a new connection (a lone read changes nothing, so it may be
    repeated). SQLite's connections never open a transaction for a lone statement
    (``db._sqlite_on_connect``)."""
    try:
        return _read_on_pooled_connection(engine, sql, params)
    except DBAPIError as exc:
        if not exc.connection_invalidated:
            raise database_error(exc, what="read") from None
    try:
        return _read_on_pooled_connection(engine, sql, params)
    except DBAPIError as exc:
        raise database_error(exc, what="read") from None


def _read_on_pooled_connection(engine: Engine, sql: str, params: tuple[Any, ...]) -> list[Any]:
    connection = engine.raw_connection()
    try:
        driver: Any = connection.driver_connection
        alone = engine.dialect.name == "postgresql" and not driver.autocommit
        if alone:
            driver.autocommit = True  # idle (checked in after its last use): allowed
        try:
            cursor = connection.cursor()
            try:
                cursor.execute(sql, params)
                return list(cursor.fetchall())
            finally:
                cursor.close()
        finally:
            if alone and not driver.closed:
                driver.autocommit = False  # as the pool and the ORM expect it
    except engine.dialect.loaded_dbapi.Error as exc:
        # A DBAPI error on a raw connection, handled as SQLAlchemy's Connection does: when
        # the server is gone, this connection is dropped and so are the pool's older ones
        # (a restarted server closed them all; each is replaced when next taken).
        invalidated = engine.dialect.is_disconnect(exc, connection.dbapi_connection, None)
        if invalidated:
            engine.pool._invalidate(connection, exc)  # noqa: SLF001 (as Connection does)
        raise DBAPIError.instance(
            sql, params, exc, engine.dialect.loaded_dbapi.Error,
            connection_invalidated=invalidated, dialect=engine.dialect,
        ) from exc  # fmt: skip
    finally:
        connection.close()  # back to the pool


_IDS_SQL = "SELECT id FROM athletes ORDER BY created_at, id"


def athlete_ids_lookup(engine: Engine) -> Callable[[], list[int]]:
    """``AthleteRepository.ids_by_age`` as one statement on a pooled DBAPI connection (what
    each page of local mode asks first: about 0.3 ms through a unit of work). Read anew on
    every call, so an athlete added or removed by another process is seen at once."""

    def ids() -> list[int]:
        return [int(row[0]) for row in _read_alone(engine, _IDS_SQL)]

    return ids
