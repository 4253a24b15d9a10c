"""Idempotent set logging (issue 8): a set sent with a client id is stored once per athlete,
on SQLite and PostgreSQL, even when two identical requests arrive at once."""

from __future__ import annotations

import threading

import pytest
from tests.integration.test_services import PROFILE, START, TODAY, WED, a_set, snapshot
from tests.service_calls import LOCAL, local, on

from calfcoach.bootstrap import context_for
from calfcoach.errors import ConflictError, InputError
from calfcoach.services import athletes, training
from calfcoach.storage.db import Database

CLIENT_ID = "6f1c2a7e-3b9d-4c51-9a2e-1f0b8d7c6e54"


@pytest.fixture
def ana(database: Database) -> int:
    athletes.add_athlete(*local(database), PROFILE, start=START, weeks=8, name="ana")
    return on(database, "ana")[2]


def client_rows(database: Database, client_id: str = CLIENT_ID) -> int:
    import sqlalchemy as sa

    with database.engine.connect() as connection:
        return connection.execute(
            sa.text("SELECT count(*) FROM logged_sets WHERE client_id = :c"), {"c": client_id}
        ).scalar_one()


def test_a_retried_set_with_its_client_id_is_stored_once_and_returned(
    database: Database, ana: int
) -> None:
    ctx, actor = local(database)
    first = training.log_set(ctx, actor, ana, WED, a_set(), today=TODAY, client_id=CLIENT_ID)
    before = snapshot(database)

    again = training.log_set(ctx, actor, ana, WED, a_set(), today=TODAY, client_id=CLIENT_ID)

    assert again == first
    assert snapshot(database) == before
    assert client_rows(database) == 1


def test_without_a_client_id_a_second_identical_set_is_still_refused(
    database: Database, ana: int
) -> None:
    ctx, actor = local(database)
    training.log_set(ctx, actor, ana, WED, a_set(), today=TODAY)
    with pytest.raises(ConflictError, match="is already logged"):
        training.log_set(ctx, actor, ana, WED, a_set(), today=TODAY)


def test_a_client_id_given_again_to_another_set_is_a_conflict_and_nothing_is_written(
    database: Database, ana: int
) -> None:
    ctx, actor = local(database)
    training.log_set(ctx, actor, ana, WED, a_set(), today=TODAY, client_id=CLIENT_ID)
    before = snapshot(database)
    with pytest.raises(ConflictError) as caught:
        training.log_set(
            ctx, actor, ana, WED, a_set(set_number=2), today=TODAY, client_id=CLIENT_ID
        )
    (problem,) = caught.value.details
    assert (problem.code, problem.field, problem.value) == ("conflict", "client_id", CLIENT_ID)
    assert snapshot(database) == before


@pytest.mark.parametrize(
    ("changes", "differs"),
    [
        ({"contacts": 30}, "contacts 30 (stored: 22)"),
        ({"pain": 7, "rpe": 9}, "rpe 9 (stored: 6), pain 7 (stored: 1)"),
        ({"load_kg": 2.5}, "load_kg 2.5 (stored: none)"),
        ({"side": "left"}, "side left (stored: both)"),
    ],
)
def test_a_client_id_sent_again_with_other_values_is_a_conflict_naming_them(
    database: Database, ana: int, changes: dict[str, object], differs: str
) -> None:
    """The same id and set with other values is not a retry: answering with the stored set
    would tell the client its new values were kept while the old ones stay."""
    ctx, actor = local(database)
    first = training.log_set(ctx, actor, ana, WED, a_set(), today=TODAY, client_id=CLIENT_ID)
    before = snapshot(database)
    with pytest.raises(ConflictError) as caught:
        training.log_set(ctx, actor, ana, WED, a_set(**changes), today=TODAY, client_id=CLIENT_ID)
    (problem,) = caught.value.details
    assert (problem.code, problem.field, problem.value) == ("conflict", "client_id", CLIENT_ID)
    assert problem.message.endswith(f"this request differs in {differs}")
    assert snapshot(database) == before
    again = training.log_set(ctx, actor, ana, WED, a_set(), today=TODAY, client_id=CLIENT_ID)
    assert again == first


def test_a_retry_of_a_set_typed_in_pounds_is_the_same_set(database: Database, ana: int) -> None:
    ctx, actor = local(database)
    entry = a_set(load_lb=22.5)
    first = training.log_set(ctx, actor, ana, WED, entry, today=TODAY, client_id=CLIENT_ID)
    before = snapshot(database)
    again = training.log_set(ctx, actor, ana, WED, entry, today=TODAY, client_id=CLIENT_ID)
    assert again == first and snapshot(database) == before


def test_the_same_client_id_for_two_athletes_is_two_sets(database: Database, ana: int) -> None:
    athletes.add_athlete(*local(database), PROFILE, start=START, weeks=8, name="bo")
    ctx, actor, bo = on(database, "bo")
    training.log_set(ctx, actor, ana, WED, a_set(), today=TODAY, client_id=CLIENT_ID)
    training.log_set(ctx, actor, bo, WED, a_set(), today=TODAY, client_id=CLIENT_ID)
    assert client_rows(database) == 2


@pytest.mark.parametrize(
    ("client_id", "message"),
    [("", "client_id: is empty"), ("x" * 65, "client_id: 65 characters is too long")],
)
def test_a_bad_client_id_is_refused_before_anything_is_written(
    database: Database, ana: int, client_id: str, message: str
) -> None:
    before = snapshot(database)
    with pytest.raises(InputError, match=message):
        training.log_set(*local(database), ana, WED, a_set(), today=TODAY, client_id=client_id)
    assert snapshot(database) == before


def test_two_identical_requests_at_once_store_one_row(database: Database, ana: int) -> None:
    barrier = threading.Barrier(2)
    results: list[object] = []
    errors: list[BaseException] = []

    def request() -> None:
        ctx = context_for(database)  # each request its own units of work, one database
        try:
            barrier.wait(timeout=10)
            results.append(
                training.log_set(ctx, LOCAL, ana, WED, a_set(), today=TODAY, client_id=CLIENT_ID)
            )
        except BaseException as error:  # reported below, with the thread's traceback lost
            errors.append(error)

    threads = [threading.Thread(target=request) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert len(results) == 2 and results[0] == results[1]
    assert client_rows(database) == 1
    day = training.current_plan(*local(database), ana, TODAY).log
    assert [s for s in day.sets if s.date == WED] == [results[0]]


def test_the_fake_unit_of_work_keeps_the_client_id_promise() -> None:
    from tests.fakes import FakeStore, FakeUnitOfWork

    from calfcoach.services.context import ServiceContext

    store = FakeStore()
    ctx = ServiceContext(unit_of_work=lambda **_: FakeUnitOfWork(store), today=lambda: TODAY)
    athletes.add_athlete(ctx, LOCAL, PROFILE, start=START, weeks=8, name="ana")
    ana = athletes.find_athlete_id(ctx, LOCAL, "ana")
    first = training.log_set(ctx, LOCAL, ana, WED, a_set(), today=TODAY, client_id=CLIENT_ID)
    again = training.log_set(ctx, LOCAL, ana, WED, a_set(), today=TODAY, client_id=CLIENT_ID)
    assert again == first
    assert [s for _, _, s in store.sets if s.date == WED] == [first]
