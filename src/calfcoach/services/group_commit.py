"""Group commit: writes that arrive together share one transaction and one commit (D-94).

    writer = GroupCommit(ctx.unit_of_work)
    logged = writer.submit(athlete_id, lambda uow: _log_set_in(uow, ...))   # blocks
    future = writer.queue(athlete_id, lambda uow: ...)    # does not block (an async route)
    writer.close()

Each acknowledged set is a committed transaction (SQLite ``synchronous=FULL``: its WAL
fsynced; PostgreSQL ``synchronous_commit=on``), and that commit is what a set costs most
under load: a few ms of fsync, with one SQLite writer at a time. A per-process writer
thread takes every write waiting in its queue (up to ``MAX_BATCH``), runs each in a
savepoint of one unit of work, commits once, and only then answers each caller: with its
result, or with its own error (its savepoint rolled back, the others kept), or, when the
commit fails, with that error for all of them (nothing of theirs was stored). Nothing is
acknowledged before the commit; a crash before it loses only unacknowledged writes.

The works of a batch run in the order of their athlete ids, so two processes' batches take
PostgreSQL's athlete row locks (``lock_athlete``) in one global order and cannot deadlock.
The writer keeps no data of its own: N processes, each with its writer, serve one database.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from calfcoach.services.context import UnitOfWorkFactory
    from calfcoach.storage.uow import AbstractUnitOfWork

__all__ = ["MAX_BATCH", "GroupCommit"]

T = TypeVar("T")

MAX_BATCH = 64
"""The most writes one commit takes (a bound on how long the batch holds the write lock)."""


@dataclass(slots=True)
class _Pending:
    athlete_id: int
    work: Callable[[AbstractUnitOfWork], Any]
    future: Future[Any] = field(default_factory=Future)


class GroupCommit:
    """A writer thread that commits the writes waiting together in one transaction."""

    def __init__(self, unit_of_work: UnitOfWorkFactory, *, max_batch: int = MAX_BATCH) -> None:
        self._unit_of_work = unit_of_work
        self._max_batch = max_batch
        self._queue: queue.SimpleQueue[_Pending | None] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._closed = False

    def submit(self, athlete_id: int, work: Callable[[AbstractUnitOfWork], T]) -> T:
        """Run ``work`` in the writer's next transaction; returns its result once that
        transaction is committed, or raises its error (then nothing of it was stored)."""
        result: T = self.queue(athlete_id, work).result()
        return result

    def queue(self, athlete_id: int, work: Callable[[AbstractUnitOfWork], T]) -> Future[T]:
        """``submit`` without waiting: the future of ``work``'s result, set once the
        transaction holding it is committed (or of its error). An ``async`` caller awaits it
        on its event loop (``asyncio.wrap_future``) and holds no thread meanwhile (D-217)."""
        pending = _Pending(athlete_id, work)
        with self._lock:
            if self._closed:
                raise RuntimeError("the group-commit writer is closed")
            if self._thread is None:  # started on first use: a process that never logs
                self._thread = threading.Thread(  # a set has no thread
                    target=self._run, name="calfcoach-group-commit", daemon=True
                )
                self._thread.start()
            self._queue.put(pending)
        return pending.future

    def close(self) -> None:
        """Let the writer finish what is queued, then stop it."""
        with self._lock:
            self._closed = True
            thread = self._thread
            if thread is not None:
                self._queue.put(None)
        if thread is not None:
            thread.join()

    def _run(self) -> None:
        while True:
            first = self._queue.get()
            if first is None:
                return
            batch = [first]
            stop = False
            while len(batch) < self._max_batch:
                try:
                    more = self._queue.get_nowait()
                except queue.Empty:
                    break
                if more is None:
                    stop = True
                    break
                batch.append(more)
            self._write(batch)
            if stop:
                return

    def _write(self, batch: list[_Pending]) -> None:
        batch.sort(key=lambda p: p.athlete_id)  # one lock order for every process
        done: list[tuple[_Pending, Any]] = []
        try:
            with self._unit_of_work() as uow:
                for pending in batch:
                    try:
                        with uow.savepoint():
                            result = pending.work(uow)
                    except Exception as exc:  # this write only: its savepoint is undone
                        pending.future.set_exception(exc)
                    else:
                        done.append((pending, result))
                if done:
                    uow.commit()
        except BaseException as exc:  # the commit failed: nothing of theirs is stored
            for pending, _result in done:
                pending.future.set_exception(exc)
            for pending in batch:
                if not pending.future.done():
                    pending.future.set_exception(exc)
            if not isinstance(exc, Exception):
                raise
            return
        for pending, result in done:
            pending.future.set_result(result)
