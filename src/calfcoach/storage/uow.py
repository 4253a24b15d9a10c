"""Unit of work: one transaction per use case (cosmicpython's pattern, SQLAlchemy 2).

    with database.unit_of_work() as uow:
        athlete = uow.athletes.by_name("ana")
        uow.logs.log_session(athlete.id, today, sets)
        uow.commit()            # nothing is written unless this is called

Leaving the block without ``commit()`` rolls back. Keep units of work short: on SQLite a
writing unit of work holds the database's write lock from its first statement to its end
(``BEGIN IMMEDIATE``), and other writers wait for it (up to the busy timeout).
Services take an ``AbstractUnitOfWork`` so their tests can use ``tests/fakes.py``.
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from types import TracebackType
from typing import TYPE_CHECKING, Self

from sqlalchemy.exc import DBAPIError

from calfcoach.errors import StorageError
from calfcoach.storage.access_tokens import (
    AbstractAccessTokenRepository,
    AccessTokenRepository,
)
from calfcoach.storage.accounts import (
    AbstractAccountRepository,
    AbstractAuthRepository,
    AccountRepository,
    AuthRepository,
)
from calfcoach.storage.answers import AbstractAnswerRepository, AnswerRepository
from calfcoach.storage.calendar_tokens import (
    AbstractCalendarTokenRepository,
    CalendarTokenRepository,
)
from calfcoach.storage.coaching import AbstractCoachingRepository, CoachingRepository
from calfcoach.storage.repositories import (
    SCRUB_AFTER_COMMIT,
    AbstractAthleteRepository,
    AbstractHistoryRepository,
    AbstractLogRepository,
    AbstractPlanRepository,
    AbstractSnapshotRepository,
    AthleteRepository,
    Clock,
    HistoryRepository,
    LogRepository,
    PlanRepository,
    SetLogState,
    SnapshotRepository,
    database_error,
    is_damaged,
    utc_now,
)
from calfcoach.storage.runs import AbstractRunRepository, RunRepository

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from calfcoach.core.models import LoggedSet
    from calfcoach.storage.db import Database
    from calfcoach.storage.write_gate import WriteGate

__all__ = ["AbstractUnitOfWork", "SqlAlchemyUnitOfWork"]


class AbstractUnitOfWork(ABC):
    athletes: AbstractAthleteRepository
    plans: AbstractPlanRepository
    logs: AbstractLogRepository
    history: AbstractHistoryRepository
    """R-HIST: the sessions as they were given, every version."""
    snapshots: AbstractSnapshotRepository
    """The engine's state per athlete and plan (dropped by every log write it predates)."""
    calendar_tokens: AbstractCalendarTokenRepository
    """The hashed tokens of the athletes' calendar subscription addresses (issue 8)."""
    access_tokens: AbstractAccessTokenRepository
    """The hashed personal access tokens of the API (issue 8, part 3)."""
    answers: AbstractAnswerRepository
    """Computed day answers, kept while the athlete's data are unchanged (issue 8)."""
    runs: AbstractRunRepository
    """Imported runs and planned calendar events (issue 10)."""
    accounts: AbstractAccountRepository
    """Accounts and coach links (issue 9)."""
    auth: AbstractAuthRepository
    """Sessions, the login throttle and one-time tokens (issue 9)."""
    coaching: AbstractCoachingRepository
    """Coach invitations, coaches' notes and comments, the audit trail (issue 9, part 3)."""

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.rollback()

    def lock_athlete(self, athlete_id: int) -> None:  # noqa: B027 (a no-op by default)
        """Serialise the writers of one athlete until this unit of work ends, so two
        processes logging the same day find or create one session log. A unit of work whose
        writes are already serialised (SQLite's ``BEGIN IMMEDIATE``, a fake) does nothing."""

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
        """What logging set ``set_number`` of ``exercise`` (``side``) on ``date`` checks, read
        after ``lock_athlete`` (``services.training.log_set``): the athlete's revision, the
        active plan and its snapshot, whether ``client_id`` is taken, the day's fixed session,
        session log, skip and a clashing set (D-26). None: no such athlete. This one asks
        each repository; the database's unit of work reads it all in one statement."""
        revision = self.answers.revision(athlete_id)
        if revision is None:
            return None
        plan_id = self.plans.active_id(athlete_id)
        snapshot = None if plan_id is None else self.snapshots.get(athlete_id, plan_id)
        versions = [] if plan_id is None else self.history.versions(athlete_id, plan_id, date)
        day_logs = self.logs.session_logs(athlete_id, on=date)
        done = [log.id for log in day_logs if log.status == "done"]
        clash = next(
            (
                stored.set.side
                for stored in self.logs.stored_sets(
                    athlete_id, first=date, last=date, exercise=exercise, set_number=set_number
                )
                if stored.set.side == side or "both" in (stored.set.side, side)
            ),
            None,
        )
        return SetLogState(
            revision=revision,
            plan_id=plan_id,
            settled_as_of=None if snapshot is None else snapshot.as_of,
            snapshots_to=date,  # cannot tell: the write drops from ``date`` on
            client_id_taken=client_id is not None
            and self.logs.set_by_client_id(athlete_id, client_id) is not None,
            given=versions[-1].session if versions else None,
            done_log_id=done[0] if done else None,
            skipped=any(log.status == "skipped" for log in day_logs),
            clash_side=clash,
        )

    def day_sets(self, athlete_id: int, date: dt.date) -> tuple[LoggedSet, ...] | None:
        """The sets logged on ``date`` by date, exercise, set number and side (``stored_sets``'
        order): what the Today page shows beside its stored frame (``services.training.
        day_sets``). None: no such athlete. This one asks the repositories; the database's
        unit of work reads it in one Core statement (``LogRepository.day_sets``)."""
        if self.answers.revision(athlete_id) is None:
            return None
        return tuple(s.set for s in self.logs.stored_sets(athlete_id, first=date, last=date))

    def savepoint(self) -> AbstractContextManager[None]:
        """A ``with`` block whose writes are undone alone when it raises (the rest of the
        unit of work is kept): one write of a group commit (``services.group_commit``)."""
        raise NotImplementedError(f"{type(self).__name__} has no savepoints")

    @abstractmethod
    def commit(self) -> None:
        """Make everything done in this unit of work permanent."""

    @abstractmethod
    def rollback(self) -> None:
        """Undo everything not yet committed."""


class SqlAlchemyUnitOfWork(AbstractUnitOfWork):
    """A unit of work on a ``Database``; a new ORM session (and transaction) per ``with``."""

    def __init__(
        self,
        database: Database,
        *,
        read_only: bool = False,
        clock: Clock | None = None,
    ) -> None:
        self._database = database
        self._read_only = read_only
        self._clock = clock or utc_now
        self._session: Session | None = None
        self._gate: WriteGate | None = None

    @property
    def session(self) -> Session:
        """The ORM session of the running unit of work (for queries no repository has)."""
        if self._session is None:
            raise RuntimeError("use the unit of work in a `with` block")
        return self._session

    def __enter__(self) -> Self:
        if self._session is not None:
            raise RuntimeError("this unit of work is already in use")
        # D-198: a writer on a SQLite file queues at the gate before its BEGIN IMMEDIATE.
        self._gate = None if self._read_only else self._database.write_gate
        if self._gate is not None:
            self._gate.enter()
        try:
            self._session = self._database.session(read_only=self._read_only)
        except BaseException:
            self._leave_gate()
            raise
        self.athletes = AthleteRepository(self._session, self._clock)
        self.plans = PlanRepository(self._session, self._clock)
        self.logs = LogRepository(self._session, self._clock)
        self.history = HistoryRepository(self._session, self._clock)
        self.snapshots = SnapshotRepository(self._session, self._clock)
        self.calendar_tokens = CalendarTokenRepository(self._session, self._clock)
        self.access_tokens = AccessTokenRepository(self._session, self._clock)
        self.answers = AnswerRepository(self._session, self._clock)
        self.runs = RunRepository(self._session, self._clock)
        self.accounts = AccountRepository(self._session, self._clock)
        self.auth = AuthRepository(self._session, self._clock)
        self.coaching = CoachingRepository(self._session, self._clock)
        return super().__enter__()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            super().__exit__(exc_type, exc, tb)
        finally:
            try:
                self.session.close()
            finally:
                self._session = None
                self._leave_gate()
        if isinstance(exc, DBAPIError) and (exc.connection_invalidated or is_damaged(exc)):
            # A lost connection (D-136) or a damaged SQLite file is a calfcoach error (the
            # API's 503, the CLI's exit 2), never a driver traceback nor "a bug".
            raise database_error(exc, what="read" if is_damaged(exc) else "write") from None

    def _leave_gate(self) -> None:
        gate, self._gate = self._gate, None
        if gate is not None:
            gate.leave()

    def lock_athlete(self, athlete_id: int) -> None:
        """PostgreSQL: the athlete's row ``FOR UPDATE``; SQLite's ``BEGIN IMMEDIATE`` already
        holds the database's write lock (the statement is then a no-op read)."""
        from sqlalchemy import select

        from calfcoach.storage.orm import AthleteRow

        if not self._read_only and self.session.get_bind().dialect.name == "sqlite":
            return  # BEGIN IMMEDIATE (the first statement) takes the database's write lock
        self.session.execute(
            select(AthleteRow.id).where(AthleteRow.id == athlete_id).with_for_update()
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
        assert isinstance(self.logs, LogRepository)
        return self.logs.set_log_state(
            athlete_id,
            date,
            exercise=exercise,
            set_number=set_number,
            side=side,
            client_id=client_id,
        )

    def day_sets(self, athlete_id: int, date: dt.date) -> tuple[LoggedSet, ...] | None:
        assert isinstance(self.logs, LogRepository)
        return self.logs.day_sets(athlete_id, date)

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        with self.session.begin_nested():
            yield

    def commit(self) -> None:
        scrub = bool(self.session.info.pop(SCRUB_AFTER_COMMIT, False))
        try:
            self.session.commit()
        except DBAPIError as exc:
            self.session.rollback()
            raise database_error(exc, what="save") from None
        if scrub:
            self._scrub_wal()

    def _scrub_wal(self) -> None:
        """After a removal of personal data on SQLite (``secure_delete`` zeroed the rows in
        the database's pages): copy the WAL into the file and empty it, so the page images
        holding the removed rows are gone from the WAL too. A reader still holding an old
        snapshot can make the checkpoint partial; the next checkpoint finishes it."""
        connection = self._database.engine.raw_connection()
        try:
            cursor = connection.cursor()
            try:
                cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            finally:
                cursor.close()
        finally:
            connection.close()

    def rollback(self) -> None:
        try:
            self.session.rollback()
        except DBAPIError as exc:  # the connection went away: nothing left to undo
            raise StorageError(f"cannot roll back: {exc.orig}") from None
