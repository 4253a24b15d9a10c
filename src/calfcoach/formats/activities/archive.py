"""Activity files in bulk: single files, folders, zip archives (Garmin's and Strava's bulk
exports) and gzip members (Strava's ``activities/123.fit.gz``).

``read_paths`` yields one ``FileResult`` per activity file, ok or with one clear error, so a
batch goes on after a bad file. Archives are read within limits: a member or a gzip stream
that inflates more than ``MAX_RATIO`` times (and past 1 MiB), or past ``MAX_FILE_BYTES``, an
archive whose members add up to more than ``MAX_ARCHIVE_BYTES``, and zips nested deeper than
Garmin's one level are refused with a message, without inflating them.
"""

from __future__ import annotations

import tempfile
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO

from calfcoach.core.running import Activity
from calfcoach.formats.activities.common import (
    MAX_FILE_BYTES,
    ActivityFileError,
    check_size,
    fingerprint,
)
from calfcoach.formats.activities.fit import read_fit
from calfcoach.formats.activities.gpx import read_gpx
from calfcoach.formats.activities.tcx import read_tcx

__all__ = [
    "ACTIVITY_SUFFIXES",
    "MAX_ARCHIVE_BYTES",
    "MAX_MEMBERS",
    "MAX_RATIO",
    "FileResult",
    "Progress",
    "is_activity_name",
    "read_activity_bytes",
    "read_paths",
]

MAX_RATIO = 100
"""Activity files compress 3-20x (FIT least, GPX most); a zip bomb, hundreds to millions."""
RATIO_FLOOR = 1024 * 1024  # below 1 MiB inflated, a high ratio does no harm
MAX_ARCHIVE_BYTES = 4 * 1024 * 1024 * 1024
"""All members of one archive, inflated: a heavy Garmin export of ten years is about 2 GB."""
MAX_MEMBERS = 200_000
SPOOL_BYTES = 32 * 1024 * 1024  # a nested zip up to this size stays in memory

READERS: dict[str, Callable[[str, bytes, str | None], list[Activity]]] = {
    ".fit": read_fit,
    ".gpx": read_gpx,
    ".tcx": read_tcx,
}
ACTIVITY_SUFFIXES = tuple(READERS)

Progress = Callable[[int, int, str], None]
"""Called after each file: files done, files known so far (it grows when a nested archive
is opened), and the file's name."""


@dataclass(frozen=True, slots=True)
class FileResult:
    """One activity file: its activities, or the one error that stopped it."""

    source: str
    activities: tuple[Activity, ...] = ()
    error: ActivityFileError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def _kind(name: str) -> tuple[str | None, bool]:
    """(".fit" / ".gpx" / ".tcx" or None, gzipped?) from a file name."""
    lower = name.lower()
    gz = lower.endswith(".gz")
    if gz:
        lower = lower[:-3]
    for suffix in READERS:
        if lower.endswith(suffix):
            return suffix, gz
    return None, gz


def is_activity_name(name: str) -> bool:
    return _kind(name)[0] is not None


def _gunzip(source: str, data: bytes) -> bytes:
    inflater = zlib.decompressobj(wbits=31)  # gzip header and trailer
    try:
        out = inflater.decompress(data, MAX_FILE_BYTES + 1)
    except zlib.error as error:
        raise ActivityFileError(source, f"not a valid gzip file: {error}") from None
    if len(out) > MAX_FILE_BYTES or inflater.unconsumed_tail:
        raise ActivityFileError(
            source,
            f"gzip content is too large (more than {MAX_FILE_BYTES:,} bytes); refused unread",
        )
    if not inflater.eof:
        raise ActivityFileError(source, "gzip file is truncated")
    _check_ratio(source, len(data), len(out))
    return out


def _check_ratio(source: str, packed: int, unpacked: int) -> None:
    if unpacked > RATIO_FLOOR and unpacked > MAX_RATIO * max(packed, 1):
        raise ActivityFileError(
            source,
            f"compressed {unpacked / max(packed, 1):,.0f}:1 ({packed:,} bytes to "
            f"{unpacked:,}); allowed: at most {MAX_RATIO}:1 (a zip bomb?)",
        )


def read_activity_bytes(source: str, data: bytes) -> list[Activity]:
    """The activities of one file's content, chosen by its name (``.fit``, ``.gpx``,
    ``.tcx``, each optionally ``.gz``). Raises only ``ActivityFileError``."""
    suffix, gz = _kind(source)
    if suffix is None:
        raise ActivityFileError(
            source, "not an activity file; allowed: .fit, .gpx, .tcx (optionally .gz) or .zip"
        )
    if gz:
        data = _gunzip(source, data)
    check_size(source, len(data))
    try:
        return READERS[suffix](source, data, fingerprint(data))
    except ActivityFileError:
        raise
    except RecursionError:
        raise ActivityFileError(source, "file is nested too deeply to read") from None
    except Exception as error:  # a parser's own failure, said plainly (D-45)
        kind = suffix[1:].upper()
        raise ActivityFileError(
            source, f"damaged {kind} file ({type(error).__name__}: {str(error)[:160]})"
        ) from None


def _result(source: str, data: bytes) -> FileResult:
    try:
        return FileResult(source, tuple(read_activity_bytes(source, data)))
    except ActivityFileError as error:
        return FileResult(source, error=error)


class _Counter:
    def __init__(self, progress: Progress | None, total: int) -> None:
        self.progress = progress
        self.total = total
        self.done = 0

    def tick(self, source: str) -> None:
        self.done += 1
        if self.progress is not None:
            self.progress(self.done, max(self.total, self.done), source)


def _entries(path: Path) -> list[Path]:
    if path.is_dir():
        return sorted(
            p
            for p in path.rglob("*")
            if p.is_file() and (is_activity_name(p.name) or p.suffix.lower() == ".zip")
        )
    return [path]


def read_paths(paths: list[Path], progress: Progress | None = None) -> Iterator[FileResult]:
    """Every activity file under ``paths`` (files, folders, zip archives), one result each,
    in order; ``progress`` is called after each."""
    entries = [entry for path in paths for entry in _entries(path)]
    counter = _Counter(progress, len(entries))
    for entry in entries:
        source = str(entry)
        if entry.suffix.lower() == ".zip":
            try:
                with zipfile.ZipFile(entry) as archive:
                    yield from _archive(source, archive, counter, depth=0)
            except Exception as error:  # zipfile fails in many ways (D-45)
                yield FileResult(source, error=ActivityFileError(source, _zip_problem(error)))
                counter.tick(source)
            continue
        try:
            size = entry.stat().st_size
            if not entry.is_file():
                raise ActivityFileError(source, "not a file")
            suffix, gz = _kind(entry.name)
            if suffix is None:
                raise ActivityFileError(
                    source,
                    "not an activity file; allowed: .fit, .gpx, .tcx (optionally .gz) or .zip",
                )
            if not gz:
                check_size(source, size)
            elif size > MAX_FILE_BYTES:
                raise ActivityFileError(
                    source, f"file is too large ({size:,} bytes); allowed: {MAX_FILE_BYTES:,}"
                )
            data = entry.read_bytes()
        except FileNotFoundError:
            yield FileResult(source, error=ActivityFileError(source, "no such file or folder"))
        except ActivityFileError as error:
            yield FileResult(source, error=error)
        except OSError as error:
            problem = f"cannot be read ({error.strerror or type(error).__name__})"
            yield FileResult(source, error=ActivityFileError(source, problem))
        else:
            yield _result(source, data)
        counter.tick(source)


def _zip_problem(error: BaseException) -> str:
    return f"not a readable zip archive ({type(error).__name__}: {str(error)[:160]})"


def _archive(
    source: str, archive: zipfile.ZipFile, counter: _Counter, depth: int
) -> Iterator[FileResult]:
    infos = archive.infolist()
    if len(infos) > MAX_MEMBERS:
        raise zipfile.BadZipFile(f"{len(infos):,} members; allowed: at most {MAX_MEMBERS:,}")
    wanted = [
        info
        for info in infos
        if not info.is_dir()
        and (is_activity_name(info.filename) or info.filename.lower().endswith(".zip"))
        and not PurePosixPath(info.filename).name.startswith("._")  # macOS resource forks
    ]
    declared = sum(info.file_size for info in wanted)
    if declared > MAX_ARCHIVE_BYTES:
        problem = f"members add up to {declared:,} bytes; allowed: at most {MAX_ARCHIVE_BYTES:,}"
        yield FileResult(source, error=ActivityFileError(source, problem))
        counter.tick(source)
        return
    counter.total += len(wanted) - 1  # the archive itself was counted as one
    for info in wanted:
        name = f"{source}/{info.filename}"
        try:
            nested = info.filename.lower().endswith(".zip")
            limit = MAX_ARCHIVE_BYTES if nested else MAX_FILE_BYTES
            if info.file_size > limit:
                raise ActivityFileError(
                    name, f"member is too large ({info.file_size:,} bytes); allowed: {limit:,}"
                )
            _check_ratio(name, info.compress_size, info.file_size)
            if nested:
                if depth >= 1:
                    raise ActivityFileError(
                        name, "a zip inside a zip inside a zip: nested too deep; allowed: 1 level"
                    )
                with archive.open(info) as member, _spool(member, info.file_size) as copy:
                    with zipfile.ZipFile(copy) as inner:
                        yield from _archive(name, inner, counter, depth + 1)
                continue
            with archive.open(info) as member:
                data = member.read(limit + 1)
            if len(data) > limit:
                raise ActivityFileError(name, f"member is too large; allowed: {limit:,} bytes")
        except ActivityFileError as error:
            yield FileResult(name, error=error)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError) as error:
            yield FileResult(name, error=ActivityFileError(name, _zip_problem(error)))
        except Exception as error:
            # RuntimeError: an encrypted member; zlib, EOF, struct, ValueError: a damaged one
            problem = f"member cannot be read ({type(error).__name__}: {str(error)[:160]})"
            yield FileResult(name, error=ActivityFileError(name, problem))
        else:
            yield _result(name, data)
        counter.tick(name)


class _spool:
    """A nested zip copied out (bounded) so it can be opened with random access."""

    def __init__(self, member: IO[bytes], size: int) -> None:
        self.member = member
        self.size = size
        self.file = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)

    def __enter__(self) -> IO[bytes]:
        copied = 0
        while chunk := self.member.read(1024 * 1024):
            copied += len(chunk)
            if copied > self.size:
                raise zipfile.BadZipFile("member is longer than its header says")
            self.file.write(chunk)
        self.file.seek(0)
        return self.file

    def __exit__(self, *_: object) -> None:
        self.file.close()
