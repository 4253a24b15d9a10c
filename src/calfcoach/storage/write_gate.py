"""The writers' queue of a SQLite database (D-198).

SQLite lets one transaction write at a time; a writer that finds the lock taken waits in
SQLite's busy handler, which sleeps and tries again, 1 ms, then 2, 5, 10 ... up to 100 ms a
turn. It is not a queue: the writer that just let go takes the lock again while the others
sleep, and under load a sleeper lost turn after turn. With 50 phones logging sets against
2 server workers the median set took 125 ms and the 99th percentile 1.1 s, even with only 4
connections 0.8 s, while the server's CPU stood half idle and the commit (its fsync) took
0.2 ms.

A writing unit of work on a SQLite file passes this gate first (``storage.uow``): a lock of
the process, so the process's threads queue in it and the one let go is woken at once, then
a lock of the file beside the database (``<database>-writer``), which the kernel gives back
when its process ends, however that ends. Between processes the gate is tried again every
0.05-1 ms (``flock`` has no timeout), so the other process's writer is in within a
millisecond, not within 100. A writer that waits longer than SQLite's busy timeout gets the
same error as one SQLite kept waiting (nothing is stored). Writers that do not pass the gate
(the migrations, ``sqlite3`` in another program) still meet SQLite's own lock: the gate only
orders calfcoach's writers, it never replaces the lock.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows: the threads' queue only; SQLite orders the processes
    fcntl = None  # type: ignore[assignment]

from calfcoach.storage import sqlite_connect
from calfcoach.storage.sqlite_connect import busy_error

__all__ = ["POLITE_S", "WriteGate"]

_FIRST_PAUSE_S = 0.00005
_LONGEST_PAUSE_S = 0.001
POLITE_S = 0.005
"""How long a writer lets another process's waiting writer go first, at most."""


def _pauses() -> Iterator[None]:
    """Sleeps between two tries: 0.05 ms, doubling up to 1 ms (``flock`` has no timeout)."""
    pause = _FIRST_PAUSE_S
    while True:
        time.sleep(pause)
        pause = min(pause * 2, _LONGEST_PAUSE_S)
        yield


class WriteGate:
    """The gate of the SQLite file ``database``: ``enter()`` before a writing transaction
    begins, ``leave()`` once it has ended (committed or rolled back). Re-entrant in a thread
    (a unit of work inside another holds it once)."""

    def __init__(
        self, database: Path, *, timeout_s: float | None = None, polite_s: float = POLITE_S
    ) -> None:
        # One file under two names (a linked folder or file) is one queue, as SQLite, which
        # follows the links to name its journal, has one lock for it.
        database = Path(os.path.realpath(database))
        self.path = database.with_name(database.name + "-writer")
        self.queue_path = database.with_name(database.name + "-writers")
        self._timeout_s = timeout_s
        self._polite_s = polite_s
        self._threads = threading.RLock()
        self._depth = 0
        self._fd: int | None = None
        self._queue: int | None = None
        self._pid = os.getpid()

    def enter(self) -> None:
        if self._pid != os.getpid():
            self._after_fork()
        timeout = self._timeout_s
        if timeout is None:  # SQLite's busy timeout, as it is now
            timeout = sqlite_connect.BUSY_TIMEOUT_MS / 1000
        deadline = time.monotonic() + timeout
        if not self._threads.acquire(timeout=timeout):
            raise busy_error()
        try:
            self._depth += 1
            if self._depth == 1:
                self._lock_file(deadline)
        except BaseException:
            self._depth -= 1
            self._threads.release()
            raise

    def leave(self) -> None:
        try:
            self._depth -= 1
            if self._depth == 0 and self._fd is not None and fcntl is not None:
                fcntl.flock(self._fd, fcntl.LOCK_UN)
        finally:
            self._threads.release()

    def _after_fork(self) -> None:
        """A forked child has its own queue: a new process lock (a parent's thread may have
        held the old one at the fork) and its own descriptors (``flock`` locks belong to the
        open file, which a child shares with its parent until it opens the file again)."""
        self._close_files()  # the child's copies; the parent's stay open and locked as they were
        self._threads = threading.RLock()
        self._depth = 0
        self._pid = os.getpid()

    def close(self) -> None:
        """The lock files' descriptors are closed (the database is disposed of)."""
        with self._threads:
            self._close_files()

    def _close_files(self) -> None:
        for fd in (self._fd, self._queue):
            if fd is not None:
                os.close(fd)
        self._fd = self._queue = None

    def _lock_file(self, deadline: float) -> None:
        if fcntl is None:
            return
        if self._fd is None:
            try:
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
                queue = os.open(self.queue_path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
            except OSError:
                return  # a read-only folder: SQLite's own lock and busy handler order writers
            self._fd, self._queue = fd, queue
        assert self._queue is not None
        # Turns, not races: while another process's writer waits (it holds the queue file
        # shared), a writer of this process, which may just have let go, lets it in first.
        polite_until = min(deadline, time.monotonic() + self._polite_s)
        pauses = _pauses()
        while self._others_wait() and time.monotonic() < polite_until:
            next(pauses)
        pauses = _pauses()
        waiting = False
        try:
            while True:
                try:
                    fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    return
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise busy_error() from None
                    if not waiting:
                        fcntl.flock(self._queue, fcntl.LOCK_SH)
                        waiting = True
                    next(pauses)
        finally:
            if waiting:
                fcntl.flock(self._queue, fcntl.LOCK_UN)

    def _others_wait(self) -> bool:
        assert fcntl is not None and self._queue is not None
        try:
            fcntl.flock(self._queue, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(self._queue, fcntl.LOCK_UN)
        return False
