"""Backup and restore of the whole database (see ``calfcoach.services.transfer`` for the
two kinds of backup file).

Not a service: it works on the database itself (files, SQLite's backup API, migrations) for
the machine's operator, so it lives beside the composition root and may import storage; a
JSON backup goes through the transfer services as the local user (``Actor.local()``).

Backup (issue 7, items 4 and 13): the file is written whole or not at all (a temporary file
in the same folder, moved into place), an existing file is replaced only with ``force``,
and never by a backup of a database that holds no athlete (D-32).

Restore (issue 7, item 1) checks the backup completely before it touches the live database:
- a SQLite backup is read read-only, must pass ``PRAGMA integrity_check``, have one schema
  revision this calfcoach knows, be copied to a staging file, upgraded there to the head
  revision, pass the integrity and foreign-key checks again and be read whole (every
  athlete exported); a JSON backup is parsed and validated whole;
- into a SQLite database, the checked staging file (in the database's folder) replaces the
  database in one ``os.replace``, under an exclusive lock, after the database was switched
  out of WAL mode (which succeeds only when no other connection has it open: a restore
  under another process's feet is refused). The database as it was is kept in
  ``keep_folder`` and, until the restored one is verified, under a hard link beside it: when
  anything after the swap fails, that link is put back (again one ``os.replace``);
- into PostgreSQL (or from a JSON backup), the backup's athletes are imported in one
  transaction into a database that holds none.
"""

from __future__ import annotations

import datetime as dt
import errno
import os
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from calfcoach.bootstrap import context_for
from calfcoach.errors import CalfcoachError, InputError, StorageError
from calfcoach.files import atomic_target, check_target
from calfcoach.services.access import Actor
from calfcoach.services.transfer import (
    SQLITE_HEADER,
    document_to_json,
    export_document,
    import_document,
    parse_export,
)
from calfcoach.storage.db import Database, sqlite_file

__all__ = ["BackupResult", "backup", "restore"]


@dataclass(frozen=True, slots=True)
class BackupResult:
    path: Path
    kind: str
    """``"sqlite"`` (a database file) or ``"json"`` (an export of every athlete)."""
    athletes: int
    kept: Path | None = None
    """Restore: where the replaced SQLite database was kept."""


def _raw_sqlite(database: Database) -> Any:
    return database.engine.raw_connection()


LOCK_TIMEOUT_S = 10.0
"""How long a SQLite restore waits for other connections to the database to go away."""
ALLOWED_BACKUP = "a file written by `calfcoach backup` (or `calfcoach export`)"


def backup(database: Database, path: Path, *, force: bool = False) -> BackupResult:
    """Copy the database to ``path`` (see the module docstring for the two kinds).

    ``InputError`` when ``path`` is a folder, exists and ``force`` is not given, or exists
    and the database holds no athlete (even with ``force``: an empty backup never replaces
    a file, D-32).
    """
    path = Path(path)
    check_target(path, force=force, field="FILE")
    with database.unit_of_work(read_only=True) as uow:
        count = len(uow.athletes.all())
    if count == 0 and path.exists():
        raise InputError(
            f"FILE: {str(path)!r} already exists and the database holds no athlete, so the "
            "backup would replace that file with an empty one (not even with --force); "
            "allowed: a new file name, or remove the old file first"
        )
    try:
        if database.backend == "sqlite":
            with atomic_target(path, force=force, field="FILE", private=True) as temporary:
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
            return BackupResult(path, "sqlite", count)
        document = export_document(context_for(database), Actor.local(), None, everyone=True)
        with atomic_target(path, force=force, field="FILE", private=True) as temporary:
            temporary.write_text(document_to_json(document), encoding="utf-8")
    except OSError as exc:
        raise InputError(
            f"FILE: cannot write {str(path)!r} ({exc.strerror}); allowed: a file in a folder "
            "you may write to"
        ) from None
    return BackupResult(path, "json", count)


# --------------------------------------------------------------------------- restore


def _read_head(path: Path) -> bytes:
    if path.is_dir():
        raise InputError(
            f"FILE: {str(path)!r} is a folder; allowed: {ALLOWED_BACKUP}, e.g. "
            f"{str(path / 'calfcoach-backup.sqlite3')!r}"
        )
    try:
        with path.open("rb") as handle:
            return handle.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise InputError(
            f"FILE: cannot read {str(path)!r} ({exc.strerror}); allowed: {ALLOWED_BACKUP}"
        ) from None


def _not_a_backup(path: Path, why: str) -> InputError:
    return InputError(
        f"FILE: {path.name} is not a calfcoach backup ({why}); allowed: {ALLOWED_BACKUP}"
    )


def _open_backup(path: Path) -> sqlite3.Connection:
    """The backup file, read-only, leaving nothing beside it (``immutable`` unless a
    write-ahead log with changes lies beside it)."""
    wal = Path(f"{path}-wal")
    query = "mode=ro" if wal.exists() and wal.stat().st_size > 0 else "mode=ro&immutable=1"
    return sqlite3.connect(f"{path.absolute().as_uri()}?{query}", uri=True)


def _check_source(path: Path) -> str:
    """Check a SQLite backup in place (integrity, one known revision); its revision."""
    from calfcoach.storage.migrate import HEAD_REVISION, known_revisions

    try:
        connection = _open_backup(path)
        try:
            problems = [row[0] for row in connection.execute("PRAGMA integrity_check")]
            if problems != ["ok"]:
                raise _not_a_backup(path, f"it is damaged: {'; '.join(problems[:3])}")
            revisions = connection.execute("SELECT version_num FROM alembic_version").fetchall()
        finally:
            connection.close()
    except sqlite3.Error as exc:
        raise _not_a_backup(path, str(exc)) from None
    except UnicodeDecodeError:  # damaged pages can hold text that is not UTF-8
        raise _not_a_backup(path, "it is damaged: its pages hold text that is not UTF-8") from None
    if len(revisions) != 1:
        raise _not_a_backup(path, f"it has {len(revisions)} schema revisions, not one")
    revision = str(revisions[0][0])
    known = known_revisions()
    if revision not in known:
        raise InputError(
            f"FILE: {path.name} is at schema revision {revision!r}, which this calfcoach does "
            f"not know; allowed: a backup at revision {', '.join(known)} (this calfcoach "
            f"writes {HEAD_REVISION}; a backup written by a newer calfcoach needs that "
            "version)"
        )
    return revision


SQLITE_FULL = 13
"""SQLite's result code for a write that found no room (its low byte, as extended codes)."""


def _out_of_room(exc: BaseException) -> bool:
    """Whether ``exc`` or an error behind it (SQLAlchemy's ``orig``, a cause or context) is
    a disk without room: SQLite's SQLITE_FULL or the system's ENOSPC/EDQUOT."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, sqlite3.Error):
            if getattr(current, "sqlite_errorcode", 0) & 0xFF == SQLITE_FULL:
                return True
        elif isinstance(current, OSError) and current.errno in (errno.ENOSPC, errno.EDQUOT):
            return True
        orig = getattr(current, "orig", None)
        current = (
            orig if isinstance(orig, BaseException) else (current.__cause__ or current.__context__)
        )
    return False


def _no_room(folder: Path) -> StorageError:
    """A restore that ran out of room beside the database: the backup is not to blame."""
    return StorageError(
        f"cannot restore: no room to restore in {str(folder)!r} (the disk is full); nothing "
        "was changed",
        "free space there (about twice the backup's size) and run the restore again",
    )


@dataclass(frozen=True, slots=True)
class _Staged:
    path: Path
    athletes: int
    document: dict[str, Any]


@contextmanager
def _staged(path: Path, folder: Path) -> Iterator[_Staged]:
    """A checked copy of the SQLite backup ``path`` in ``folder``, at the head revision and
    read whole; removed afterwards unless it was moved away. ``InputError`` when the backup
    fails a check: the live database has not been touched."""
    from calfcoach.settings import sqlite_url
    from calfcoach.storage.migrate import ensure_at_head

    _check_source(path)
    try:
        handle, name = tempfile.mkstemp(prefix=".calfcoach-restore-", suffix=".sqlite3", dir=folder)
    except OSError as exc:
        raise StorageError(
            f"cannot restore: cannot write in {str(folder)!r} ({exc.strerror})",
            "the folder of the database must be writable to restore into it",
        ) from None
    os.close(handle)
    staged = Path(name)
    try:
        try:
            source = _open_backup(path)
            try:
                target = sqlite3.connect(staged)
                try:
                    source.backup(target)
                finally:
                    target.close()
            finally:
                source.close()
        except sqlite3.Error as exc:
            if _out_of_room(exc):
                raise _no_room(folder) from None
            raise _not_a_backup(path, str(exc)) from None
        url = sqlite_url(staged)
        try:
            ensure_at_head(url)
            with Database(url) as copy:
                raw = _raw_sqlite(copy)
                try:
                    cursor = raw.driver_connection
                    problems = [row[0] for row in cursor.execute("PRAGMA integrity_check")]
                    orphans = cursor.execute("PRAGMA foreign_key_check").fetchall()
                finally:
                    raw.close()
                if problems != ["ok"] or orphans:
                    raise _not_a_backup(path, "it fails the integrity checks once upgraded")
                # Read it whole, and check every value as an import checks it: SQLite keeps
                # text in a number column ("abc" as reps), which broke `sets` afterwards.
                document = export_document(context_for(copy), Actor.local(), None, everyone=True)
                _check_values(path, document)
        except InputError:
            raise
        except Exception as exc:
            if _out_of_room(exc):  # the upgrade or a read of the staged copy found no room
                raise _no_room(folder) from None
            raise _unreadable(path, exc) from None
        yield _Staged(staged, len(document["athletes"]), document)
    finally:
        for leftover in (staged, Path(f"{staged}-wal"), Path(f"{staged}-shm")):
            leftover.unlink(missing_ok=True)


def _unreadable(path: Path, exc: Exception) -> InputError:
    """The backup, once copied, could not be upgraded or read."""
    if isinstance(exc, CalfcoachError):
        return InputError(
            f"FILE: {path.name} cannot be upgraded or read ({exc.problems[0]}); allowed: "
            f"{ALLOWED_BACKUP}"
        )
    # SQLAlchemy on a schema that is not calfcoach's
    return _not_a_backup(path, f"{type(exc).__name__}: {exc}".splitlines()[0])


def _check_values(path: Path, document: Mapping[str, Any]) -> None:
    """``InputError`` when a value of the backup is not one calfcoach could have stored (the
    import's one validation model, ``import_model.validate_document``)."""
    import json

    from calfcoach.services.import_model import validate_document
    from calfcoach.services.transfer import document_to_json

    try:
        validate_document(json.loads(document_to_json(document)))
    except InputError as error:
        raise InputError(
            f"FILE: {path.name} holds values calfcoach never stores ({error.problems[0]}); "
            f"allowed: {ALLOWED_BACKUP}"
        ) from None


def restore(database: Database, path: Path, *, keep_folder: Path, now: dt.datetime) -> BackupResult:
    """Restore a backup made by ``backup`` (either kind) into ``database``.

    A SQLite backup into a SQLite database replaces it; the database as it was is first
    copied to ``keep_folder`` (named after ``now``), so a restore loses nothing either. Any
    other combination imports the backup's athletes, into a database without athletes.
    Everything about the backup is checked before the database is touched, and a failure
    after the swap puts the database back (see the module docstring). A refusal
    (``InputError``) says what is wrong with the file in the user's words, never SQLite's,
    and that nothing was changed (``services.backup_words``), for every caller.
    """
    from calfcoach.services.backup_words import restore_refusal

    try:
        return _restore(database, path, keep_folder=keep_folder, now=now)
    except InputError as error:  # the backup is refused before anything is touched
        raise restore_refusal(error) from None


def _restore(
    database: Database, path: Path, *, keep_folder: Path, now: dt.datetime
) -> BackupResult:
    path = Path(path)
    head = _read_head(path)
    if head == SQLITE_HEADER:
        live = sqlite_file(database.url) if database.backend == "sqlite" else None
        if live is None:
            with tempfile.TemporaryDirectory(prefix="calfcoach-restore-") as folder:
                with _staged(path, Path(folder)) as staged:
                    document = staged.document
            return BackupResult(path, "sqlite", _import_into_empty(database, document))
        with _staged(path, live.parent) as staged:
            kept = _kept_path(keep_folder, now)
            _swap_in(database, staged.path, live, kept)
            try:
                _check_live(database, staged.athletes)
            except BaseException as exc:
                _undo(database, live)
                raise _failed_after_swap(exc, kept) from None
            finally:
                _undo_path(live).unlink(missing_ok=True)
        return BackupResult(path, "sqlite", staged.athletes, kept)
    from calfcoach.formats.export_file import MAX_IMPORT_BYTES, check_size

    try:
        with path.open("rb") as handle:  # at most the limit and a byte: /dev/zero never ends
            data = handle.read(MAX_IMPORT_BYTES + 1)
    except OSError as exc:
        raise InputError(f"FILE: cannot read {str(path)!r} ({exc.strerror})") from None
    check_size(len(data), path.name)
    start = data[:64].decode("utf-8-sig", errors="replace").lstrip()
    if not start and not data.strip():
        raise _not_a_backup(path, "the file is empty")
    if start and not start.startswith(("{", "record,")):  # the export's JSON or CSV
        raise _not_a_backup(path, "neither a SQLite database nor a JSON or CSV export")
    document = parse_export(data, source=path.name)
    return BackupResult(path, "json", _import_into_empty(database, document))


def _import_into_empty(database: Database, document: Mapping[str, Any]) -> int:
    _require_empty(database)
    return len(import_document(context_for(database), Actor.local(), document).athletes)


def _kept_path(keep_folder: Path, now: dt.datetime) -> Path:
    """Where the database as it was is kept (the folder is created)."""
    try:
        keep_folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StorageError(
            f"cannot create {str(keep_folder)!r} to keep the database before restoring "
            f"({exc.strerror})"
        ) from None
    kept = keep_folder / f"calfcoach-before-restore-{now:%Y%m%dT%H%M%S}.sqlite3"
    if kept.exists():
        kept = keep_folder / f"calfcoach-before-restore-{now:%Y%m%dT%H%M%S%f}.sqlite3"
    return kept


def _undo_path(live: Path) -> Path:
    return live.with_name(f".{live.name}.before-restore")


def _replace(source: Path, target: Path) -> None:
    """``os.replace``, then the folder fsynced (the rename is on disk)."""
    os.replace(source, target)
    handle = os.open(target.parent, os.O_RDONLY)
    try:
        os.fsync(handle)
    except OSError:  # pragma: no cover - a file system that refuses it
        pass
    finally:
        os.close(handle)


def _swap_in(database: Database, staged: Path, live: Path, kept: Path) -> None:
    """Put ``staged`` in the place of ``live`` in one step, keeping ``live`` as the undo
    file and a copy of it in ``kept``. Refused (nothing changed) when another connection
    has the database open."""
    database.dispose()
    undo = _undo_path(live)
    undo.unlink(missing_ok=True)
    guard = sqlite3.connect(live, isolation_level=None, timeout=LOCK_TIMEOUT_S)
    try:
        try:
            # Leaving WAL mode needs the only connection: it checkpoints the log into the
            # file and removes it, so the file alone is the whole database.
            mode = str(guard.execute("PRAGMA journal_mode = DELETE").fetchone()[0])
            if mode.lower() != "delete":
                raise sqlite3.OperationalError(f"journal mode stays {mode}")
            guard.execute("BEGIN EXCLUSIVE")
        except sqlite3.Error as exc:
            raise StorageError(
                f"cannot restore: the database {str(live)!r} is in use by another process "
                f"({exc}); nothing was changed",
                "close the other calfcoach processes (e.g. the web app) and run restore again",
            ) from None
        # The database as it was, for the user (the file alone is the whole database now).
        try:
            with atomic_target(kept, force=False, field="restore", private=True) as temporary:
                shutil.copyfile(live, temporary)
        except OSError as exc:
            raise StorageError(
                f"cannot restore: cannot keep a copy of the database in {str(kept)!r} "
                f"({exc.strerror or exc}); nothing was changed"
            ) from None
        try:
            shutil.copymode(live, staged)  # the restored file keeps the database's mode
            try:
                os.link(live, undo)
            except OSError:  # no hard links here: a copy (the exclusive lock holds it still)
                shutil.copyfile(live, undo)
            _replace(staged, live)
        except OSError as exc:
            undo.unlink(missing_ok=True)
            raise StorageError(
                f"cannot restore: cannot put the backup in place of {str(live)!r} "
                f"({exc.strerror or exc}); nothing was changed"
            ) from None
    finally:
        guard.close()


def _check_live(database: Database, athletes: int) -> None:
    """After the swap: the database opens, is at the head revision and holds the backup's
    athletes. Raises when not (the caller puts the old database back)."""
    from calfcoach.storage.migrate import HEAD_REVISION, ensure_at_head

    database.dispose()
    ensure_at_head(database.engine)
    if database.revision() != HEAD_REVISION:
        raise StorageError(f"the restored database is at revision {database.revision()}")
    with database.unit_of_work(read_only=True) as uow:
        found = len(uow.athletes.all())
    if found != athletes:
        raise StorageError(f"the restored database holds {found} athletes, not {athletes}")


def _undo(database: Database, live: Path) -> None:
    database.dispose()
    undo = _undo_path(live)
    _replace(undo, live)
    for leftover in (Path(f"{live}-wal"), Path(f"{live}-shm")):
        leftover.unlink(missing_ok=True)


def _failed_after_swap(exc: BaseException, kept: Path) -> StorageError:
    reason = exc.problems[0] if isinstance(exc, CalfcoachError) else f"{type(exc).__name__}: {exc}"
    return StorageError(
        f"cannot restore: the restored database failed its check ({reason}); the database "
        f"was put back as it was before the restore",
        f"a copy of it is also kept in {kept}",
    )


def _require_empty(database: Database) -> None:
    with database.unit_of_work(read_only=True) as uow:
        count = len(uow.athletes.all())
    if count:
        # The count, not the names: a server's database may hold hundreds of athletes, and
        # no error message lists athletes' names (issue 8); `athlete list` shows them.
        raise InputError(
            f"restore: the database already holds {count} athlete(s) (`calfcoach athlete "
            "list` shows them); allowed: a database without athletes (point "
            "CALFCOACH_DATABASE_URL at a new one), or use `calfcoach import` to add athletes"
        )
