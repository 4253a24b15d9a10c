"""Writing a file the user names (`backup FILE`, `export -o FILE`, `plan -o FILE`) safely.

One mechanism for every command that writes a file (issue 7, items 4 and 13):
- an existing file is never overwritten without ``force`` (the message names the file and
  says ``--force``); a folder is never a target; a device or a pipe (``/dev/stdout``) is
  written into, never replaced;
- the content goes to a temporary file in the same folder, is fsynced, and is moved into
  place in one step (``os.replace``; without ``force`` a hard link, which fails if the name
  was taken meanwhile), so a failure or a crash never leaves half a file under the name.

Standard library only (the CLI imports it at start-up).
"""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from calfcoach.errors import InputError

__all__ = ["atomic_target", "check_target", "protect", "write_file"]

_READ: set[Path] = set()
"""The files this process reads (``protect``): never the target of its own output."""


def protect(path: Path) -> None:
    """Remember ``path`` as a file this command reads (a profile): ``check_target`` and the
    writes refuse it as an output, so ``plan -p p.json -o p.json --force`` cannot replace the
    profile it is reading."""
    _READ.add(Path(os.path.abspath(path)))


def _database_files() -> list[Path]:
    """The live SQLite database of this environment and its journal files (none with
    PostgreSQL): an output over them with --force replaced the database (hostile test)."""
    from calfcoach.settings import Settings

    try:
        url = Settings.from_env().database_url
    except Exception:  # a bad setting: the command that opens the database says so
        return []
    if not url.startswith("sqlite:///"):
        return []
    database = Path(url.removeprefix("sqlite:///"))
    journals = ("-wal", "-shm", "-journal")
    return [database, *(database.with_name(database.name + j) for j in journals)]


def _same(a: Path, b: Path) -> bool:
    if os.path.realpath(a) == os.path.realpath(b):
        return True
    try:
        return os.path.samefile(a, b)  # a hard link
    except OSError:
        return False


def _check_not_own_file(path: Path, field: str) -> None:
    """``InputError`` when ``path`` is the live database (or its journal) or a file this
    command reads: --force never lets an output replace them."""
    shown = repr(str(path))
    for own in _database_files():
        if _same(path, own):
            raise InputError(
                f"{field}: {shown} is calfcoach's own database; allowed: another file name "
                "(the database is never written over)"
            )
    for read in _READ:
        if _same(path, read):
            raise InputError(
                f"{field}: {shown} is the file this command reads; allowed: another file name"
            )


def check_target(path: Path, *, force: bool, field: str) -> None:
    """``InputError`` when ``path`` cannot be written: a folder, a folder that does not
    exist, or an existing file without ``force``."""
    path = Path(path)
    shown = repr(str(path))
    if path.is_dir():
        raise InputError(f"{field}: {shown} is a folder; allowed: a file name in it")
    _check_not_own_file(path, field)
    folder = path.absolute().parent
    if not folder.is_dir():
        raise InputError(f"{field}: the folder {str(folder)!r} does not exist; allowed: a file "
                         "in an existing folder")  # fmt: skip
    if path.exists() and not path.is_file():
        return  # a device or a pipe (/dev/stdout): written into, never replaced
    if path.exists() and not force:
        raise InputError(
            f"{field}: {shown} already exists; allowed: a new file name, or --force to overwrite it"
        )


def _fsync_folder(folder: Path) -> None:
    try:
        handle = os.open(folder, os.O_RDONLY)
    except OSError:  # pragma: no cover - a platform without folder handles
        return
    try:
        os.fsync(handle)
    except OSError:  # pragma: no cover - some file systems refuse it
        pass
    finally:
        os.close(handle)


def _default_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


@contextmanager
def atomic_target(path: Path, *, force: bool, field: str, private: bool = False) -> Iterator[Path]:
    """A temporary file beside ``path`` to write; it takes the name ``path`` only when the
    block succeeds (see the module). ``private``: readable by the owner only (0600)."""
    path = Path(path)
    check_target(path, force=force, field=field)
    if path.exists() and not path.is_file():
        raise InputError(f"{field}: {str(path)!r} is not a regular file; allowed: a file name")
    folder = path.absolute().parent
    try:
        handle, name = tempfile.mkstemp(prefix=".calfcoach-", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise InputError(
            f"{field}: cannot write in {str(folder)!r} ({exc.strerror}); allowed: a folder "
            "you may write to"
        ) from None
    os.close(handle)
    temporary = Path(name)
    try:
        if not private:
            os.chmod(temporary, _default_mode())
        yield temporary
        with temporary.open("rb+") as written:
            os.fsync(written.fileno())
        _move_into_place(temporary, path, force=force, field=field)
        _fsync_folder(folder)
    finally:
        temporary.unlink(missing_ok=True)


def _move_into_place(temporary: Path, path: Path, *, force: bool, field: str) -> None:
    if force:
        os.replace(temporary, path)
        return
    try:
        os.link(temporary, path)  # fails if the name exists: nothing is overwritten
    except FileExistsError:
        raise InputError(
            f"{field}: {str(path)!r} already exists; allowed: a new file name, or --force to "
            "overwrite it"
        ) from None
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV):
            raise
        # A file system without hard links: checked just before, replaced in one step.
        check_target(path, force=False, field=field)
        os.replace(temporary, path)


def write_file(path: Path, data: bytes, *, force: bool, field: str) -> None:
    """Write ``data`` to ``path`` safely (see the module); ``InputError`` when it cannot."""
    path = Path(path)
    try:
        if path.exists() and not path.is_file() and not path.is_dir():
            check_target(path, force=force, field=field)
            with path.open("wb") as special:  # a device or a pipe: nothing to replace
                special.write(data)
            return
        with atomic_target(path, force=force, field=field) as temporary:
            temporary.write_bytes(data)
    except OSError as exc:
        raise InputError(
            f"{field}: cannot write {str(path)!r} ({exc.strerror}); allowed: a file in a "
            "folder you may write to"
        ) from None
