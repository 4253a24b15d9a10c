"""Engines and the ``Database`` handle: SQLite by default, PostgreSQL (psycopg 3) on request.

Nothing here runs at import time. ``open_database(settings)`` is the one entry point the
CLI and the web app use: it builds the engine, brings the schema to the head revision when
it is behind (migrations run on first use), and returns a ``Database``.

SQLite is tuned for two processes writing at once (the CLI and the web app, say):
write-ahead logging so readers never block the writer, a 10 s busy timeout so a writer waits
instead of failing, and ``BEGIN IMMEDIATE`` so a transaction takes the write lock when it
starts. A deferred transaction that reads first and writes later can otherwise fail with
"database is locked" at once (SQLite cannot upgrade its read lock while another writer
waits), which the busy timeout does not cover. ``synchronous=FULL`` makes every commit
wait for the WAL's fsync: a commit that returned is on disk (issue 6, item 6).

Reading only (issue 7, items 2 and 21): ``open_database(settings, read_only=True)`` never
creates a SQLite file or its folder (a typo in ``CALFCOACH_HOME`` must not look like lost
data: it says there is no database there), opens the file with SQLite's ``mode=ro`` (no
journal-mode switch, no migration when it is at the head revision) and so works in a
read-only data folder. A WAL database in a read-only folder without its ``-shm`` file cannot
be opened ``mode=ro``; it is then opened ``immutable=1`` when no write-ahead log holds
changes (see ``connect_read_only``).
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.exc import ArgumentError, DisconnectionError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from calfcoach.errors import StorageError, first_line
from calfcoach.storage.sqlite_connect import (
    BUSY_TIMEOUT_MS,
    apply_sqlite_pragmas,
    busy_error,
    connect_read_only,
    no_database_error,
)

if TYPE_CHECKING:
    from calfcoach.settings import Settings
    from calfcoach.storage.uow import SqlAlchemyUnitOfWork
    from calfcoach.storage.write_gate import WriteGate

__all__ = [
    "BUSY_TIMEOUT_MS",
    "Database",
    "make_engine",
    "mask_url",
    "open_database",
    "no_database_error",
    "open_error",
    "sqlite_file",
]

SQLITE_BEGIN_OPTION = "calfcoach_sqlite_begin"
"""Execution option naming the SQLite BEGIN mode: "IMMEDIATE" (default) or "DEFERRED"."""
_BEGIN_MODES = frozenset({"IMMEDIATE", "DEFERRED", "EXCLUSIVE"})


def mask_url(url: str | URL) -> str:
    """The URL with its password replaced by ``***``, for messages and logs."""
    from calfcoach.settings import hide_password

    try:
        parsed = url if isinstance(url, URL) else make_url(url)
    except (ArgumentError, ValueError):
        return hide_password(str(url))
    return parsed.render_as_string(hide_password=True)


def _parse(url: str | URL) -> URL:
    from calfcoach.settings import URL_ALLOWED, URL_VARIABLE

    if isinstance(url, URL):
        return url
    try:
        return make_url(url)
    except (ArgumentError, ValueError) as exc:  # ValueError: a bad port or IPv6 host
        reason = f" ({exc})" if isinstance(exc, ValueError) else ""
        raise StorageError(
            f"{URL_VARIABLE}: {mask_url(url)!r} is not a valid database URL{reason}; "
            f"allowed: {URL_ALLOWED}"
        ) from None


def sqlite_file(url: str | URL) -> Path | None:
    """The file of a SQLite URL; None for another backend, memory or a ``file:`` URI."""
    parsed = _parse(url)
    if parsed.get_backend_name() != "sqlite":
        return None
    database = parsed.database or ""
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database).expanduser().absolute()


def make_engine(url: str | URL, *, echo: bool = False) -> Engine:
    """An engine for ``url``; nothing connects yet.

    SQLite: the file's folder is created, and every connection gets WAL, the busy timeout,
    foreign keys and ``synchronous=FULL`` (durability: a commit is fsynced, so it survives
    a power loss; see README "Durability"); ``Connection.begin()`` emits ``BEGIN
    IMMEDIATE``. PostgreSQL: ``postgresql://`` is taken to mean psycopg 3, a pooled
    connection idle for more than ``PING_AFTER_IDLE_S`` is pinged before use (D-136).
    """
    parsed = _parse(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return _sqlite_engine(parsed, echo=echo)
    if backend == "postgresql":
        if parsed.drivername == "postgresql":
            parsed = parsed.set(drivername="postgresql+psycopg")
        try:
            engine = create_engine(parsed, echo=echo)
        except ImportError as exc:
            raise StorageError(
                f"cannot use {mask_url(parsed)}: the database driver is missing ({exc})",
                "install psycopg 3 (pip install 'psycopg[binary]') or use postgresql+psycopg://",
            ) from None
        _ping_when_idle(engine)
        return engine
    raise StorageError(
        f"{mask_url(parsed)}: database {backend!r} is not supported",
        "use SQLite (sqlite:///path/to/file.sqlite3) or PostgreSQL (postgresql://...)",
    )


PING_AFTER_IDLE_S = 1.0
"""A pooled PostgreSQL connection idle for longer than this is pinged before it is used; one
used more recently is not, which under load is every connection (D-136). After a server
restart faster than this, a unit of work that takes a closed connection fails (a 503,
nothing stored) and the pool is renewed; the lone lookups read again on a new one."""

_IDLE_SINCE = "calfcoach_idle_since"


def _ping_when_idle(engine: Engine) -> None:
    """SQLAlchemy's ``pool_pre_ping``, but only for a connection idle for more than
    ``PING_AFTER_IDLE_S``: under load every checkout pinged, one round trip to the server
    for each statement a hot read sends (D-136). A failed ping makes the pool replace the
    connection (``DisconnectionError``: it tries a fresh one, up to three times)."""
    dialect = engine.dialect

    def checkin(_dbapi_connection: Any, record: Any) -> None:
        record.info[_IDLE_SINCE] = time.monotonic()

    def checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        since = record.info.pop(_IDLE_SINCE, None)
        if since is None or time.monotonic() - since <= PING_AFTER_IDLE_S:
            return  # a new connection, or one in use a moment ago
        try:
            alive = dialect.do_ping(dbapi_connection)
        except dialect.loaded_dbapi.Error as exc:
            if not dialect.is_disconnect(exc, dbapi_connection, None):
                raise
            alive = False
        if not alive:
            raise DisconnectionError("the pooled connection is gone; taking a new one")

    event.listen(engine, "checkin", checkin)
    event.listen(engine, "checkout", checkout)


def _sqlite_engine(url: URL, *, echo: bool) -> Engine:
    database = url.database or ""
    if database and database != ":memory:" and not database.startswith("file:"):
        folder = Path(database).expanduser().absolute().parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StorageError(
                f"cannot open the database {mask_url(url)}: cannot create the folder "
                f"{folder}: {exc.strerror or exc}",
                "set CALFCOACH_HOME to a writable folder, or CALFCOACH_DATABASE_URL to "
                "another database",
            ) from None
    engine = create_engine(url, echo=echo)
    event.listen(engine, "connect", _sqlite_on_connect)
    event.listen(engine, "begin", _sqlite_on_begin)
    return engine


def _sqlite_on_connect(dbapi_connection: Any, _record: object) -> None:
    # Take BEGIN away from the sqlite3 module (it would defer it and skip it before DDL and
    # SAVEPOINT); _sqlite_on_begin emits it instead.
    dbapi_connection.isolation_level = None
    apply_sqlite_pragmas(dbapi_connection)


def _sqlite_on_begin(connection: Connection) -> None:
    mode = str(connection.get_execution_options().get(SQLITE_BEGIN_OPTION, "IMMEDIATE"))
    if mode not in _BEGIN_MODES:
        raise ValueError(f"{SQLITE_BEGIN_OPTION} must be one of {sorted(_BEGIN_MODES)}")
    try:
        connection.exec_driver_sql(f"BEGIN {mode}")
    except OperationalError as exc:
        if "locked" not in str(exc.orig).lower():
            raise
        # Another process held the write lock past the busy timeout: a calfcoach error (the
        # CLI exits 2, the API answers 503), never a traceback; nothing was written.
        raise busy_error() from None


def open_error(url: str | URL, exc: BaseException, *, doing: str = "open") -> StorageError:
    """A ``StorageError`` saying which database (password masked), what failed, what to do."""
    orig = getattr(exc, "orig", None) or exc
    reason = first_line(orig)
    masked = mask_url(url)
    try:
        backend = _parse(url).get_backend_name()
    except StorageError:
        backend = ""
    if backend == "postgresql":
        hint = (
            "check that the PostgreSQL server is running and reachable, that the database "
            "exists and that the user may connect; the URL comes from CALFCOACH_DATABASE_URL"
        )
    elif "readonly" in reason.lower() or "read-only" in reason.lower():
        hint = (
            "the database or its folder is read-only: commands that only read work, those "
            "that store need write access to the file and its folder"
        )
    else:
        hint = (
            "check that the file's folder exists and is writable and that the file is a "
            "calfcoach database; set CALFCOACH_HOME or CALFCOACH_DATABASE_URL to use another"
        )
    return StorageError(f"cannot {doing} the database {masked}: {reason}", hint)


class Database:
    """One database: its engine and a session factory. Cheap to build; connects lazily."""

    def __init__(self, url: str | URL, *, engine: Engine | None = None) -> None:
        self.url: str = url if isinstance(url, str) else url.render_as_string(False)
        self.engine: Engine = engine if engine is not None else make_engine(url)
        file = sqlite_file(self.url) if self.engine.dialect.name == "sqlite" else None
        self.write_gate: WriteGate | None = None
        """SQLite file: the queue its writing units of work pass first (D-198)."""
        if file is not None:
            from calfcoach.storage.write_gate import WriteGate

            self.write_gate = WriteGate(file)
        self._sessions = sessionmaker(bind=self.engine, expire_on_commit=False)
        self._read_sessions = sessionmaker(
            bind=self.engine.execution_options(**{SQLITE_BEGIN_OPTION: "DEFERRED"}),
            expire_on_commit=False,
        )

    @property
    def display_url(self) -> str:
        """The URL with the password masked."""
        return mask_url(self.url)

    @property
    def backend(self) -> str:
        """``"sqlite"`` or ``"postgresql"``."""
        return self.engine.dialect.name

    def session(self, *, read_only: bool = False) -> Session:
        """A new ORM session. ``read_only`` starts SQLite transactions DEFERRED (no write lock)."""
        return (self._read_sessions if read_only else self._sessions)()

    def unit_of_work(
        self,
        *,
        read_only: bool = False,
        clock: Callable[[], dt.datetime] | None = None,
    ) -> SqlAlchemyUnitOfWork:
        """A unit of work on this database (see ``calfcoach.storage.uow``)."""
        from calfcoach.storage.uow import SqlAlchemyUnitOfWork

        return SqlAlchemyUnitOfWork(self, read_only=read_only, clock=clock)

    def revision(self) -> str | None:
        """The schema revision the database is at, or None when it has none yet."""
        from calfcoach.storage.migrate import current_revision

        return current_revision(self.engine)

    def dispose(self) -> None:
        """Close all pooled connections (and the writers' gate's lock file)."""
        self.engine.dispose()
        if self.write_gate is not None:
            self.write_gate.close()

    def __enter__(self) -> Database:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.dispose()

    def __repr__(self) -> str:
        return f"Database({self.display_url!r})"


def open_database(settings: Settings | str, *, read_only: bool = False) -> Database:
    """Open the database of ``settings`` (or a URL), migrating it to the head revision first.

    ``read_only``: for a command that only reads. A SQLite file that does not exist is not
    created (``StorageError``: there is no database there); one that exists is opened
    read-only, and migrated only when it is behind and may be written. PostgreSQL opens
    as usual. Raises ``StorageError`` when it cannot be opened or migrated.
    """
    from calfcoach.storage.migrate import ensure_at_head

    url = settings if isinstance(settings, str) else settings.database_url
    if read_only:
        path = sqlite_file(url)
        if path is not None:
            return _open_sqlite_read_only(url, path)
    database = Database(url)
    try:
        ensure_at_head(database.engine)
    except BaseException:
        database.dispose()
        raise
    return database


# ------------------------------------------------------------------ read-only SQLite


def _sqlite_read_only_on_connect(dbapi_connection: Any, _record: object) -> None:
    dbapi_connection.isolation_level = None  # BEGIN is emitted by _sqlite_on_begin


def read_only_engine(url: str | URL, path: Path) -> Engine:
    """An engine on the SQLite file ``path`` whose connections are read-only (see
    ``connect_read_only``); its transactions begin DEFERRED (no write lock)."""
    connect = connect_read_only(path)
    engine = create_engine(_parse(url), creator=connect)
    event.listen(engine, "connect", _sqlite_read_only_on_connect)
    event.listen(engine, "begin", _sqlite_on_begin)
    return engine.execution_options(**{SQLITE_BEGIN_OPTION: "DEFERRED"})


def _writable(path: Path) -> bool:
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)


def _open_sqlite_read_only(url: str | URL, path: Path) -> Database:
    from calfcoach.storage.migrate import HEAD_REVISION, current_revision, ensure_at_head

    engine = read_only_engine(url, path)
    try:
        revision = current_revision(engine)
        if revision != HEAD_REVISION:
            # Behind (or empty): the schema must be upgraded before anything can be read.
            if not _writable(path):
                raise StorageError(
                    f"the database {str(path)!r} is at schema revision {revision or 'none'} "
                    f"and this calfcoach reads {HEAD_REVISION}; upgrading it needs write "
                    "access",
                    f"run `calfcoach db upgrade` as a user who may write to {path.parent}",
                )
            ensure_at_head(str(url) if isinstance(url, str) else url.render_as_string(False))
    except BaseException:
        engine.dispose()
        raise
    return Database(url, engine=engine)
