"""services/runs.py on the in-memory unit of work (tests/fakes.py): the service sees only the
abstract repositories, and a batch is stored whole or not at all."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from tests.activity_files import RunSpec, fit_run
from tests.fakes import FakeStore, FakeUnitOfWork
from tests.integration.test_services import PROFILE

from calfcoach.errors import InputError
from calfcoach.services import runs
from calfcoach.services.access import Actor
from calfcoach.services.context import ServiceContext

START = dt.datetime(2026, 9, 7, 6, 30, tzinfo=dt.UTC)
ME = Actor.local()


def fake_ctx(store: FakeStore) -> ServiceContext:
    def factory(*, read_only: bool = False, clock: Callable[[], dt.datetime] | None = None):  # type: ignore[no-untyped-def]
        return FakeUnitOfWork(store)

    return ServiceContext(unit_of_work=factory, today=lambda: dt.date(2026, 9, 20))


def with_athlete() -> tuple[ServiceContext, FakeStore, int]:
    store = FakeStore()
    with FakeUnitOfWork(store) as uow:
        athlete = uow.athletes.add("ana", PROFILE)
        uow.commit()
    return fake_ctx(store), store, athlete.id


def test_a_batch_on_the_fake_stores_the_good_runs_and_reports_the_bad_file() -> None:
    ctx, store, ana = with_athlete()
    files = [
        ("a.fit", fit_run(RunSpec(START))),
        ("b.fit", fit_run(RunSpec(START + dt.timedelta(days=2)))),
        ("c.fit", b"\x0e\x10broken"),
        ("a-again.fit", fit_run(RunSpec(START))),
    ]

    report = runs.import_bytes(ctx, ME, ana, files)

    assert (report.imported, report.duplicates) == (2, 1)
    assert [e.source for e in report.errors] == ["c.fit"]
    assert len(store.runs) == 2
    assert runs.list_runs(ctx, ME, ana).total == 2


def test_a_failure_while_storing_keeps_nothing_of_the_batch(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ctx, store, ana = with_athlete()
    from tests.fakes import FakeRunRepository

    real_add = FakeRunRepository.add
    calls = []

    def add_then_fail(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(1)
        if len(calls) == 2:
            raise InputError("load: cannot write")
        return real_add(self, *args, **kwargs)

    monkeypatch.setattr(FakeRunRepository, "add", add_then_fail)
    files = [(f"{i}.fit", fit_run(RunSpec(START + dt.timedelta(days=i)))) for i in range(3)]

    with pytest.raises(InputError):
        runs.import_bytes(ctx, ME, ana, files)

    assert store.runs == {}


def test_an_empty_upload_is_refused() -> None:
    ctx, _, ana = with_athlete()

    with pytest.raises(InputError, match="no file given"):
        runs.import_bytes(ctx, ME, ana, [])
