"""The writers' queue of a SQLite database (D-198, issue 8 figures): calfcoach's writers wait
their turn in a queue that wakes them at once, not in SQLite's busy handler, which slept up
to 100 ms a try and let the writer that had just let go take the lock again.

Two ``WriteGate`` objects on one file stand for two processes: each has its own descriptor of
the lock file, and ``flock`` locks belong to the descriptor."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from calfcoach.errors import StorageError
from calfcoach.settings import sqlite_url
from calfcoach.storage import migrate
from calfcoach.storage.db import Database
from calfcoach.storage.write_gate import WriteGate


def _enter_in_thread(
    gate: WriteGate, entered: list[tuple[str, float]], name: str
) -> threading.Thread:
    def run() -> None:
        gate.enter()
        entered.append((name, time.monotonic()))
        gate.leave()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def _passes(gate: WriteGate) -> None:
    """The gate is free for ``gate``'s writer: it enters and leaves (or raises busy)."""
    gate.enter()
    gate.leave()


@pytest.fixture
def migrated(tmp_path: Path) -> Path:
    path = tmp_path / "calfcoach.sqlite3"
    migrate.upgrade(sqlite_url(path))
    return path


def test_a_waiting_writer_of_another_process_is_let_in_within_milliseconds(tmp_path: Path) -> None:
    database = tmp_path / "gate.sqlite3"
    first, second = WriteGate(database), WriteGate(database)
    entered: list[tuple[str, float]] = []
    first.enter()
    waiter = _enter_in_thread(second, entered, "second")
    time.sleep(0.2)  # the second process's writer waits (SQLite's handler slept 100 ms a try)
    assert entered == []
    let_go = time.monotonic()
    first.leave()
    waiter.join(timeout=5)
    assert [name for name, _ in entered] == ["second"]
    # the queue polls every 1 ms at most; 100 ms leaves room for a busy machine
    assert entered[0][1] - let_go < 0.1
    first.close()
    second.close()


def test_the_writer_that_just_let_go_lets_a_waiting_writer_of_another_process_in_first(
    tmp_path: Path,
) -> None:
    database = tmp_path / "gate.sqlite3"
    # A long polite wait, so that the order, not the machine's speed, is what is tested.
    first, second = WriteGate(database, polite_s=5.0), WriteGate(database, polite_s=5.0)
    entered: list[tuple[str, float]] = []
    first.enter()
    waiter = _enter_in_thread(second, entered, "second")
    time.sleep(0.2)
    first.leave()
    first.enter()  # this process's next writer, at once: it waits for the waiting one
    entered.append(("first again", time.monotonic()))
    first.leave()
    waiter.join(timeout=5)
    assert [name for name, _ in entered] == ["second", "first again"]
    first.close()
    second.close()


def test_a_writer_that_waits_past_the_busy_timeout_is_told_the_database_is_busy(
    tmp_path: Path,
) -> None:
    database = tmp_path / "gate.sqlite3"
    holder, late = WriteGate(database), WriteGate(database, timeout_s=0.05)
    holder.enter()
    try:
        started = time.monotonic()
        with pytest.raises(StorageError, match="the database is busy") as caught:
            late.enter()
        assert time.monotonic() - started < 2
        assert "nothing was stored" in str(caught.value)
    finally:
        holder.leave()
    _passes(late)  # and the gate is free again for it afterwards
    holder.close()
    late.close()


def test_a_database_named_through_a_symlink_queues_with_the_one_named_by_its_real_path(
    tmp_path: Path,
) -> None:
    """One file, two names (a linked folder, a linked file): one queue, as SQLite has one lock."""
    real = tmp_path / "data" / "gate.sqlite3"
    real.parent.mkdir()
    real.touch()
    (tmp_path / "linked-folder").symlink_to(real.parent)
    (tmp_path / "linked-file.sqlite3").symlink_to(real)
    holder = WriteGate(real)
    others = [
        WriteGate(tmp_path / "linked-folder" / "gate.sqlite3", timeout_s=0.05),
        WriteGate(tmp_path / "linked-file.sqlite3", timeout_s=0.05),
    ]
    holder.enter()
    try:
        for other in others:
            with pytest.raises(StorageError, match="the database is busy"):
                other.enter()
    finally:
        holder.leave()
    for other in others:
        _passes(other)
        other.close()
    holder.close()
    assert sorted(p.name for p in real.parent.iterdir()) == [
        "gate.sqlite3",
        "gate.sqlite3-writer",
        "gate.sqlite3-writers",
    ]


def test_the_threads_of_one_process_queue_and_a_unit_of_work_inside_another_holds_it_once(
    tmp_path: Path,
) -> None:
    gate = WriteGate(tmp_path / "gate.sqlite3")
    entered: list[tuple[str, float]] = []
    gate.enter()
    gate.enter()  # re-entrant in its thread
    other = _enter_in_thread(gate, entered, "other thread")
    gate.leave()
    time.sleep(0.1)
    assert entered == []  # still held once
    gate.leave()
    other.join(timeout=5)
    assert [name for name, _ in entered] == ["other thread"]
    gate.close()


def test_a_writing_unit_of_work_on_sqlite_holds_the_gate_and_a_reading_one_does_not(
    migrated: Path,
) -> None:
    other_process = WriteGate(migrated, timeout_s=0.05)
    with Database(sqlite_url(migrated)) as database:
        assert database.write_gate is not None
        with database.unit_of_work(read_only=True) as uow:
            uow.athletes.all()
            _passes(other_process)  # a reader leaves the gate free
        with database.unit_of_work() as uow:
            uow.athletes.all()
            with pytest.raises(StorageError, match="busy"):
                other_process.enter()
        # left at the end of the unit of work, whether it committed or not
        _passes(other_process)
        with pytest.raises(RuntimeError), database.unit_of_work() as uow:
            raise RuntimeError("a failed use case")
        _passes(other_process)
    other_process.close()


def test_a_lock_file_that_cannot_be_made_leaves_the_order_to_sqlite(
    migrated: Path, tmp_path: Path
) -> None:
    # The lock file cannot be made there: the gate steps aside (SQLite's own lock orders
    # the writers) instead of failing the write.
    gate = WriteGate(migrated)
    gate.path = tmp_path / "missing-folder" / "calfcoach.sqlite3-writer"
    _passes(gate)
    gate.close()


def test_postgresql_has_no_gate(database_url: str) -> None:
    # PostgreSQL runs many writers at once and orders an athlete's by its row lock.
    with Database(database_url) as database:
        assert (database.write_gate is None) == (database.backend == "postgresql")


def test_a_forked_child_queues_with_its_parent_not_beside_it(tmp_path: Path) -> None:
    # flock locks belong to the open file, which a forked child shares with its parent: the
    # child must open its own, or it would pass the gate while its parent holds it.
    import os

    gate = WriteGate(tmp_path / "gate.sqlite3", timeout_s=0.2)
    gate.enter()
    gate.leave()  # the descriptors are open now, and the child inherits them
    gate.enter()
    pid = os.fork()
    if pid == 0:  # the child: its writer must wait for the parent's and give up
        try:
            gate.enter()
        except StorageError:
            os._exit(0)
        os._exit(1)
    _, status = os.waitpid(pid, 0)
    gate.leave()
    assert os.WEXITSTATUS(status) == 0, "the child passed the gate its parent held"
    gate.close()
