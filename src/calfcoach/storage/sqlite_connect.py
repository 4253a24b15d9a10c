"""What every calfcoach SQLite connection shares, SQLAlchemy's (``storage.db``) and the read
path's (``storage.sqlite_reader``): the pragmas, the busy timeout, the read-only connection
and the error of a missing file. Standard library only; kept apart so that a process that
never takes the CLI's read path (the web app) does not import ``sqlite_reader``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

from calfcoach.errors import StorageError

__all__ = [
    "BUSY_TIMEOUT_MS",
    "busy_error",
    "SYNCHRONOUS",
    "apply_sqlite_pragmas",
    "connect_read_only",
    "no_database_error",
]

BUSY_TIMEOUT_MS = 10_000


SYNCHRONOUS = "FULL"
"""Issue 6, item 6 (durability): in WAL mode, ``synchronous=FULL`` fsyncs the WAL at every
commit, so a committed transaction survives a power loss; ``NORMAL`` only survives a
process crash (the last commits may roll back after a power cut)."""


def apply_sqlite_pragmas(connection: Any) -> None:
    """What every calfcoach SQLite connection gets (``db`` applies it on connect too)."""
    cursor = connection.cursor()
    try:
        # busy_timeout first: switching to WAL needs a lock another process may hold.
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute(f"PRAGMA synchronous = {SYNCHRONOUS}")
        cursor.execute("PRAGMA foreign_keys = ON")
    finally:
        cursor.close()


def busy_error() -> StorageError:
    """What a writer kept waiting past the busy timeout is told: by SQLite's own wait
    (``db``) or by the writers' gate (``write_gate``); nothing was stored."""
    return StorageError(
        "the database is busy: another process held it for longer than "
        f"{BUSY_TIMEOUT_MS / 1000:g} s",
        "nothing was stored; try again in a moment",
    )


def no_database_error(path: Path) -> StorageError:
    """The error of a read on a SQLite file that does not exist (nothing is created)."""
    return StorageError(
        f"database: there is no calfcoach database at {str(path)!r}; allowed: a command "
        "that stores something creates it (`calfcoach athlete add --profile FILE` or "
        "`calfcoach demo`), or set CALFCOACH_HOME or CALFCOACH_DATABASE_URL to where your "
        "database is"
    )


def connect_read_only(path: Path) -> Callable[[], sqlite3.Connection]:
    """A function that opens ``path`` read-only (a new ``sqlite3`` connection per call).

    ``mode=ro`` first. In a read-only folder a WAL database whose ``-shm`` file is absent
    cannot be opened so (SQLite would have to create it); then, when no write-ahead log
    holds changes (the ``-wal`` file is absent or empty), ``immutable=1``: SQLite reads the
    file without locks, which is safe because nobody can write in a read-only folder. A
    ``-wal`` with changes and no ``-shm`` in a read-only folder cannot be read at all.
    ``StorageError`` when the file cannot be read.
    """
    path = Path(path)
    if path.is_dir():
        raise StorageError(
            f"database: {str(path)!r} is a folder; allowed: a calfcoach SQLite database file"
        )
    if not path.exists():
        raise no_database_error(path)
    uri = path.absolute().as_uri()
    first: sqlite3.Error | None = None
    for query in ("mode=ro", "mode=ro&immutable=1"):

        def connect(query: str = query) -> sqlite3.Connection:
            connection = sqlite3.connect(
                f"{uri}?{query}", uri=True, isolation_level=None, check_same_thread=False
            )
            connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            return connection

        if "immutable" in query:
            wal = Path(f"{path}-wal")
            if wal.exists() and wal.stat().st_size > 0:
                raise StorageError(
                    f"cannot read the database {str(path)!r} read-only: {first}",
                    f"its write-ahead log {str(wal)!r} holds changes that SQLite can read "
                    f"only with {path.name}-shm beside it or with write access to the folder; "
                    "run a calfcoach command once where the folder may be written",
                )
        try:
            probe = connect()
            try:
                probe.execute("SELECT count(*) FROM sqlite_master").fetchone()
            finally:
                probe.close()
        except sqlite3.Error as exc:
            first = first or exc
            continue
        return connect
    raise StorageError(
        f"cannot read the database {str(path)!r}: {first}",
        "check that the file is a calfcoach database and that you may read it",
    )
