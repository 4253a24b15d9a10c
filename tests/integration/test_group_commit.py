"""Group commit of logged sets (D-94): sets that arrive together share one
transaction, each is acknowledged only after that commit, and one refused set does not take
the others with it; on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from tests.integration.test_idempotent_logging import CLIENT_ID, ana, client_rows  # noqa: F401
from tests.integration.test_services import TODAY, WED, a_set, snapshot
from tests.service_calls import LOCAL, local

from calfcoach.bootstrap import context_for
from calfcoach.errors import ConflictError, StorageError
from calfcoach.services import training
from calfcoach.services.group_commit import GroupCommit
from calfcoach.storage.db import Database


def held_writer(database: Database) -> tuple[GroupCommit, threading.Event, threading.Thread]:
    """A writer whose first transaction waits for ``release``, so the writes submitted
    meanwhile are taken together by its next one."""
    writer = GroupCommit(database.unit_of_work)  # type: ignore[arg-type]
    release = threading.Event()
    started = threading.Event()

    def hold(uow: Any) -> None:
        started.set()
        release.wait(timeout=30)

    first = threading.Thread(target=writer.submit, args=(0, hold))
    first.start()
    assert started.wait(timeout=30)
    return writer, release, first


def submit_all(
    writer: GroupCommit, works: list[tuple[int, Callable[[Any], Any]]]
) -> tuple[list[Any], list[threading.Thread]]:
    outcomes: list[Any] = [None] * len(works)

    def run(k: int, athlete_id: int, work: Callable[[Any], Any]) -> None:
        try:
            outcomes[k] = writer.submit(athlete_id, work)
        except BaseException as error:  # the outcome the caller sees
            outcomes[k] = error

    threads = [
        threading.Thread(target=run, args=(k, athlete, work))
        for k, (athlete, work) in enumerate(works)
    ]
    for thread in threads:
        thread.start()
    return outcomes, threads


def log_work(athlete: int, entry: training.SetInput, client_id: str) -> Callable[[Any], Any]:
    def work(uow: Any) -> Any:
        return training._log_set_in(uow, LOCAL, athlete, WED, entry, TODAY, None, False, client_id)

    return work


def test_sets_logged_together_are_committed_together_and_a_refused_one_alone_is_undone(
    database: Database,
    ana: int,  # noqa: F811
) -> None:
    writer, release, first = held_writer(database)
    try:
        outcomes, threads = submit_all(
            writer,
            [
                (ana, log_work(ana, a_set(set_number=1), "a")),
                (ana, log_work(ana, a_set(set_number=2), "b")),
                (ana, log_work(ana, a_set(set_number=1), "c")),  # set 1 again: D-26
                (ana, log_work(ana, a_set(set_number=3), "d")),
            ],
        )
        release.set()
        for thread in [first, *threads]:
            thread.join(timeout=60)
    finally:
        writer.close()

    refused = [o for o in outcomes if isinstance(o, BaseException)]
    assert len(refused) == 1 and isinstance(refused[0], ConflictError)
    logged = training.current_plan(*local(database), ana, TODAY).log
    stored = sorted(s.set_number for s in logged.sets if s.date == WED)
    assert stored == [1, 2, 3]
    assert sum(client_rows(database, c) for c in "abcd") == 3


def test_an_acknowledged_set_is_committed_and_a_failed_commit_acknowledges_none(
    database: Database,
    ana: int,  # noqa: F811
) -> None:
    """Nothing is answered before the commit: when it fails, every set of the batch gets
    the error and none is stored."""

    class FailingCommit:
        def __init__(self) -> None:
            self.inner = database.unit_of_work()

        def __enter__(self) -> FailingCommit:
            self.inner.__enter__()
            return self

        def __exit__(self, *exc: Any) -> None:
            self.inner.__exit__(*exc)

        def __getattr__(self, name: str) -> Any:
            return getattr(self.inner, name)

        @contextmanager
        def savepoint(self) -> Iterator[None]:
            with self.inner.savepoint():
                yield

        def commit(self) -> None:
            raise StorageError("cannot save: the disk is full")

    before = snapshot(database)
    writer = GroupCommit(lambda **_: FailingCommit())  # type: ignore[arg-type,return-value]
    try:
        outcomes, threads = submit_all(
            writer,
            [(ana, log_work(ana, a_set(set_number=n), f"x{n}")) for n in (1, 2, 3)],
        )
        for thread in threads:
            thread.join(timeout=60)
    finally:
        writer.close()

    assert all(isinstance(o, StorageError) for o in outcomes)
    assert snapshot(database) == before


def test_a_server_context_on_sqlite_logs_through_the_writer_and_retries_stay_idempotent(
    database: Database,
    ana: int,  # noqa: F811
) -> None:
    ctx = context_for(database, group_commit=True)
    try:
        # SQLite only: PostgreSQL already flushes concurrent commits together.
        sqlite = database.engine.dialect.name == "sqlite"
        assert (ctx.group_commit is not None) == sqlite
        results: list[Any] = []
        barrier = threading.Barrier(4)

        def request() -> None:
            barrier.wait(timeout=10)
            results.append(
                training.log_set(ctx, LOCAL, ana, WED, a_set(), today=TODAY, client_id=CLIENT_ID)
            )

        threads = [threading.Thread(target=request) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    finally:
        ctx.close()

    assert len(results) == 4 and all(r == results[0] for r in results)
    assert client_rows(database) == 1


def test_a_closed_writer_refuses_new_sets(database: Database) -> None:
    writer = GroupCommit(database.unit_of_work)  # type: ignore[arg-type]
    writer.close()
    with pytest.raises(RuntimeError, match="closed"):
        writer.submit(1, lambda uow: None)


def _settled_on(database: Database, athlete_id: int, day: Any) -> None:
    """What the first write of ``day`` does first: the days before it fixed (R-HIST)."""
    with database.unit_of_work() as uow:
        training.settle(uow, uow.athletes.get(athlete_id), day)
        uow.commit()


def _given_on(database: Database, athlete_id: int, day: Any) -> Any:
    with database.unit_of_work(read_only=True) as uow:
        plan_id = uow.plans.active_id(athlete_id)
        assert plan_id is not None
        return uow.history.fixed(athlete_id, plan_id)[day].session


@pytest.mark.parametrize("same_revision", [True, False])
def test_a_first_set_fixes_the_day_walked_ahead_only_at_the_revision_it_was_walked_at(
    database: Database,
    ana: int,  # noqa: F811
    same_revision: bool,
) -> None:
    # D-218: the API walks the first set's day outside the write lock; the write uses that
    # walk only if the athlete's data are still at its revision, and walks again otherwise.
    import dataclasses

    sqlite = database.engine.dialect.name == "sqlite"
    ctx = context_for(database, today=lambda: WED, group_commit=True)
    try:
        _settled_on(database, ana, WED)
        entry = a_set()
        assert training.day_walked_ahead(ctx, ana, WED)
        ahead = training.walk_day_ahead(ctx, LOCAL, ana, WED, entry, today=WED)
        assert ahead is not None and ahead.session is not None
        assert ahead.session.date == WED and len(ahead.session.exercises) > 1
        walked = ahead.session
        first = walked.exercises[0]
        entry = a_set(exercise=first.exercise, contacts=None, reps=first.reps or 8, side="left")
        # a session the walk would never give, to see which one the write fixes
        marker = dataclasses.replace(walked, exercises=walked.exercises[:1])
        revision = ahead.revision if same_revision else ahead.revision - 1
        hint = training.DayAhead(revision, marker)
        queued = training.queue_set(ctx, LOCAL, ana, WED, entry, today=WED, ahead=hint)
        if not sqlite:  # no writer on PostgreSQL: the route logs on a thread, no hint
            assert queued is None
            return
        assert queued is not None
        queued.result(timeout=60)
        assert _given_on(database, ana, WED) == (marker if same_revision else walked)
        assert not training.day_walked_ahead(ctx, ana, WED)  # fixed now: no walk ahead
        assert training.walk_day_ahead(ctx, LOCAL, ana, WED, entry, today=WED) is None
    finally:
        ctx.close()


def test_no_day_is_walked_ahead_before_the_days_before_it_are_settled(
    database: Database,
    ana: int,  # noqa: F811
) -> None:
    # D-218: the write settles first (a new revision), so a walk ahead would be thrown away.
    ctx = context_for(database, today=lambda: WED, group_commit=True)
    try:
        assert training.walk_day_ahead(ctx, LOCAL, ana, WED, a_set(), today=WED) is None
    finally:
        ctx.close()
