"""Backup and restore of the whole database (see ``calfcoach.services.transfer`` for the
two kinds of backup file). Moved here from ``transfer``, which re-exports the names.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from calfcoach.errors import InputError, StorageError
from calfcoach.services.transfer import (
    SQLITE_HEADER,
    document_to_json,
    export_document,
    import_document,
    parse_export,
)
from calfcoach.storage.db import Database

__all__ = ["BackupResult", "backup", "restore"]


@dataclass(frozen=True, slots=True)
class BackupResult:
    path: Path
    kind: str
    """``"sqlite"`` (a database file) or ``"json"`` (an export of every athlete)."""
    athletes: int
    kept: Path | None = None
    """Restore: where the replaced SQLite database was kept."""


@contextmanager
def _atomic_target(path: Path) -> Iterator[Path]:
    """A temporary file beside ``path`` that replaces it only when the block succeeds."""
    path = Path(path)
    folder = path.absolute().parent
    if not folder.is_dir():
        raise InputError(f"FILE: the folder {str(folder)!r} does not exist")
    handle, name = tempfile.mkstemp(prefix=".calfcoach-", suffix=".tmp", dir=folder)
    os.close(handle)
    temporary = Path(name)
    try:
        yield temporary
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def _raw_sqlite(database: Database) -> Any:
    return database.engine.raw_connection()


def backup(database: Database, path: Path) -> BackupResult:
    """Copy the database to ``path`` (see the module docstring for the two kinds)."""
    with database.unit_of_work(read_only=True) as uow:
        count = len(uow.athletes.all())
    if database.backend == "sqlite":
        with _atomic_target(path) as temporary:
            raw = _raw_sqlite(database)
            try:
                target = sqlite3.connect(temporary)
                try:
                    raw.driver_connection.backup(target)
                finally:
                    target.close()
            except sqlite3.Error as exc:
                raise StorageError(f"cannot back up the database: {exc}") from None
            finally:
                raw.close()
        return BackupResult(Path(path), "sqlite", count)
    document = export_document(database, None, everyone=True)
    with _atomic_target(path) as temporary:
        temporary.write_text(document_to_json(document), encoding="utf-8")
    return BackupResult(Path(path), "json", count)


def _check_sqlite_backup(path: Path) -> int:
    """Athletes in a SQLite backup; ``InputError`` when it is not a calfcoach database."""
    try:
        connection = sqlite3.connect(f"{Path(path).absolute().as_uri()}?mode=ro", uri=True)
        try:
            if connection.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                raise sqlite3.DatabaseError("the file is damaged")
            revision = connection.execute("SELECT version_num FROM alembic_version").fetchall()
            athletes = connection.execute("SELECT count(*) FROM athletes").fetchone()[0]
        finally:
            connection.close()
    except sqlite3.Error as exc:
        raise InputError(
            f"FILE: {Path(path).name} is not a calfcoach backup ({exc}); allowed: a file "
            "written by `calfcoach backup`"
        ) from None
    if len(revision) != 1:
        raise InputError(
            f"FILE: {Path(path).name} has no single schema revision; allowed: a file "
            "written by `calfcoach backup`"
        )
    return int(athletes)


def restore(database: Database, path: Path, *, keep_folder: Path, now: dt.datetime) -> BackupResult:
    """Restore a backup made by ``backup`` (either kind) into ``database``.

    A SQLite backup into a SQLite database replaces it; the database as it was is first
    copied to ``keep_folder`` (named after ``now``), so a restore loses nothing either. Any
    other combination imports the backup's athletes, into a database without athletes.
    """
    path = Path(path)
    try:
        with path.open("rb") as handle:
            head = handle.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise InputError(f"FILE: cannot read {str(path)!r} ({exc.strerror})") from None
    if head == SQLITE_HEADER:
        count = _check_sqlite_backup(path)
        if database.backend == "sqlite":
            try:
                keep_folder.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StorageError(
                    f"cannot create {str(keep_folder)!r} to keep the database before restoring "
                    f"({exc.strerror})"
                ) from None
            kept = keep_folder / f"calfcoach-before-restore-{now:%Y%m%dT%H%M%S}.sqlite3"
            backup(database, kept)
            _copy_sqlite_into(path, database)
            return BackupResult(path, "sqlite", count, kept)
        with Database(_sqlite_url(path)) as source:
            document = export_document(source, None, everyone=True)
        _require_empty(database)
        result = import_document(database, document)
        return BackupResult(path, "sqlite", len(result.athletes))
    document = parse_export(path.read_bytes(), source=path.name)
    _require_empty(database)
    result = import_document(database, document)
    return BackupResult(path, "json", len(result.athletes))


def _sqlite_url(path: Path) -> str:
    from calfcoach.settings import sqlite_url

    return sqlite_url(path)


def _require_empty(database: Database) -> None:
    with database.unit_of_work(read_only=True) as uow:
        names = [a.name for a in uow.athletes.all()]
    if names:
        raise InputError(
            f"restore: the database already holds {len(names)} athlete(s) "
            f"({', '.join(map(repr, names))}); allowed: a database without athletes (point "
            "CALFCOACH_DATABASE_URL at a new one), or use `calfcoach import` to add athletes"
        )


def _copy_sqlite_into(path: Path, database: Database) -> None:
    from calfcoach.storage.migrate import ensure_at_head

    raw = _raw_sqlite(database)
    try:
        source = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True)
        try:
            source.backup(raw.driver_connection)
        finally:
            source.close()
    except sqlite3.Error as exc:
        raise StorageError(f"cannot restore the database: {exc}") from None
    finally:
        raw.close()
    database.dispose()
    ensure_at_head(database.engine)
