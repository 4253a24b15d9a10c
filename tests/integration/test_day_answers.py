"""Stored day answers (issue 8, figures): ``training.today_answer`` serves the session of a
day again while nothing it was made from has changed, on SQLite and PostgreSQL, and never
after a write of engine input (a set, a check-in, a test, a profile change, a skip)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from tests.integration.test_services import PROFILE, START, WED, a_set
from tests.service_calls import local, on

from calfcoach.services import athletes, training
from calfcoach.services.schemas import session_document
from calfcoach.storage.db import Database

FRI = WED + dt.timedelta(days=2)


@pytest.fixture
def ana(database: Database) -> int:
    athletes.add_athlete(*local(database), PROFILE, start=START, weeks=8, name="ana")
    return on(database, "ana")[2]


def fresh(database: Database, athlete_id: int, day: dt.date) -> object:
    ctx, actor = local(database)
    document = session_document(training.day_plan(ctx, actor, athlete_id, day).session_on(day))
    return None if document is None else json.loads(document.model_dump_json())


def answer(database: Database, athlete_id: int, day: dt.date) -> object:
    ctx, actor = local(database)
    return json.loads(training.today_answer(ctx, actor, athlete_id, day))


def test_the_answer_is_the_days_session_document_and_null_on_a_rest_day(
    database: Database, ana: int
) -> None:
    assert answer(database, ana, WED) == fresh(database, ana, WED)
    assert answer(database, ana, WED)["date"] == WED.isoformat()  # type: ignore[index]
    tue = WED - dt.timedelta(days=1)  # the demo plan's hard-run day: no session
    assert answer(database, ana, tue) is None


def test_a_second_request_is_served_from_the_stored_answer_without_the_engine(
    database: Database, ana: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = answer(database, ana, WED)

    def no_engine(*args: object, **kwargs: object) -> object:
        raise AssertionError("the engine ran although the stored answer is current")

    monkeypatch.setattr(training, "_current_in", no_engine)
    assert answer(database, ana, WED) == first


@pytest.mark.parametrize("write", ["set", "checkin", "red_flag", "profile", "skip"])
def test_every_write_of_engine_input_makes_the_next_answer_fresh_again(
    database: Database, ana: int, write: str
) -> None:
    ctx, actor = local(database)
    today = FRI
    answer(database, ana, FRI)  # stored
    if write == "set":
        training.log_set(ctx, actor, ana, WED, a_set(), today=today)
    elif write == "checkin":
        training.record_checkin(ctx, actor, ana, FRI, pain=3, stiffness=2, today=today)
    elif write == "red_flag":
        training.record_checkin(
            ctx, actor, ana, FRI, pain=3, stiffness=2, today=today, red_flags=["swelling"]
        )
    elif write == "profile":
        with ctx.unit_of_work() as uow:  # the repository write every profile change makes
            uow.athletes.update_profile(ana, PROFILE.model_copy(update={"level": "novice"}))
            uow.commit()
    else:
        training.skip_session(ctx, actor, ana, FRI, today=today)
    from calfcoach import __version__

    with ctx.unit_of_work(read_only=True) as uow:  # the stored answer is no longer current
        assert uow.answers.current(ana, FRI, training.TODAY_ANSWER, __version__) is None
    assert answer(database, ana, FRI) == fresh(database, ana, FRI)
    if write == "red_flag":
        assert answer(database, ana, FRI)["status"] == "stopped"  # type: ignore[index]


def test_an_answer_made_before_a_write_that_landed_meanwhile_is_never_served(
    database: Database, ana: int
) -> None:
    from calfcoach import __version__

    ctx, actor = local(database)
    with ctx.unit_of_work(read_only=True) as uow:
        old_revision = uow.answers.revision(ana)
    # A check-in is committed between the revision read and the store (another process).
    training.record_checkin(
        ctx, actor, ana, FRI, pain=3, stiffness=2, today=FRI, red_flags=["swelling"]
    )
    with ctx.unit_of_work() as uow:
        assert old_revision is not None
        uow.answers.store(ana, FRI, training.TODAY_ANSWER, __version__, old_revision, '"stale"')
        uow.commit()
    assert answer(database, ana, FRI) != "stale"
    assert answer(database, ana, FRI)["status"] == "stopped"  # type: ignore[index]


def test_an_answer_made_by_another_calfcoach_version_is_not_served(
    database: Database, ana: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    import calfcoach

    answer(database, ana, WED)
    ctx, _actor = local(database)
    with ctx.unit_of_work() as uow:
        revision = uow.answers.revision(ana)
        assert revision is not None
        uow.answers.store(ana, WED, training.TODAY_ANSWER, "0.0.0-old", revision, '"old"')
        uow.commit()
    monkeypatch.setattr(calfcoach, "__version__", calfcoach.__version__)
    assert answer(database, ana, WED) == fresh(database, ana, WED)


def test_an_unknown_athlete_is_not_found_and_nothing_is_stored(database: Database) -> None:
    from calfcoach.errors import NotFoundError

    ctx, actor = local(database)
    with pytest.raises(NotFoundError):
        training.today_answer(ctx, actor, 4242, WED)


def test_the_lone_lookups_leave_each_pooled_connection_as_they_found_it(
    database: Database, ana: int
) -> None:
    # D-133: on PostgreSQL the lookups run their one statement in autocommit (no BEGIN, no
    # ROLLBACK); the connection goes back to the pool out of autocommit, with no transaction
    # open, and the units of work that take it next work as before.
    from calfcoach import __version__
    from calfcoach.storage.answers import answer_lookup, athlete_ids_lookup

    lookup = answer_lookup(database.engine)
    ids = athlete_ids_lookup(database.engine)
    with database.unit_of_work() as uow:
        revision = uow.answers.revision(ana)
        assert revision is not None
        uow.answers.store(ana, WED, "test.kind", __version__, revision, '"kept"')
        uow.commit()
    for _ in range(3):  # the same pooled connection, again and again
        assert lookup(ana, WED, "test.kind", __version__) == '"kept"'
        assert lookup(ana, FRI, "test.kind", __version__) is None
        assert ids() == [ana]
    connection = database.engine.raw_connection()
    try:
        driver = connection.driver_connection
        if database.backend == "postgresql":
            import psycopg.pq

            assert driver.autocommit is False  # type: ignore[union-attr]
            assert driver.pgconn.transaction_status == psycopg.pq.TransactionStatus.IDLE  # type: ignore[union-attr]
        else:
            assert not driver.in_transaction  # type: ignore[union-attr]
    finally:
        connection.close()
    # A write made after a lookup is seen by the next one (no snapshot kept between them).
    ctx, actor = local(database)
    training.record_checkin(ctx, actor, ana, FRI, pain=3, stiffness=2, today=FRI)
    assert lookup(ana, WED, "test.kind", __version__) is None
