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


def test_requests_that_find_no_answer_at_once_compute_it_once_and_all_get_it(
    database: Database, ana: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # D-199: 6 threads ask for the same missing answer at the same moment; one walks, the
    # others wait for it and read the answer it stored.
    import threading
    import time

    walk = training.day_plan
    walks: list[int] = []

    def slow_walk(*args: object, **kwargs: object) -> object:
        walks.append(1)
        time.sleep(0.2)  # long enough for every thread to arrive meanwhile
        return walk(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(training, "day_plan", slow_walk)
    start = threading.Barrier(6)
    answers: list[object] = []

    def ask() -> None:
        start.wait()
        answers.append(answer(database, ana, WED))

    threads = [threading.Thread(target=ask) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(walks) == 1
    assert len(answers) == 6 and all(a == answers[0] for a in answers)
    assert answers[0] == fresh(database, ana, WED)


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
    from calfcoach.code_id import answer_code

    code = answer_code()

    with ctx.unit_of_work(read_only=True) as uow:  # the stored answer is no longer current
        assert uow.answers.current(ana, FRI, training.TODAY_ANSWER, code) is None
    assert answer(database, ana, FRI) == fresh(database, ana, FRI)
    if write == "red_flag":
        assert answer(database, ana, FRI)["status"] == "stopped"  # type: ignore[index]


def test_an_answer_made_before_a_write_that_landed_meanwhile_is_never_served(
    database: Database, ana: int
) -> None:
    from calfcoach.code_id import answer_code

    code = answer_code()

    ctx, actor = local(database)
    with ctx.unit_of_work(read_only=True) as uow:
        old_revision = uow.answers.revision(ana)
    # A check-in is committed between the revision read and the store (another process).
    training.record_checkin(
        ctx, actor, ana, FRI, pain=3, stiffness=2, today=FRI, red_flags=["swelling"]
    )
    with ctx.unit_of_work() as uow:
        assert old_revision is not None
        uow.answers.store(ana, FRI, training.TODAY_ANSWER, code, old_revision, '"stale"')
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


def test_an_answer_made_by_other_code_under_the_same_version_is_not_served(
    database: Database, ana: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # D-163: a checkout brought up to date runs new code under the same version number.
    import calfcoach.code_id

    answer(database, ana, WED)
    ctx, _actor = local(database)
    with ctx.unit_of_work() as uow:
        revision = uow.answers.revision(ana)
        assert revision is not None
        code = calfcoach.code_id.answer_code()
        uow.answers.store(ana, WED, training.TODAY_ANSWER, code, revision, '"made by old code"')
        uow.commit()
    assert answer(database, ana, WED) == "made by old code"  # the same code: served
    new_code = f"{calfcoach.__version__}+000000000000"
    monkeypatch.setattr(calfcoach.code_id, "code_id", lambda: new_code)
    assert calfcoach.code_id.answer_code() == new_code
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
    from calfcoach.code_id import answer_code
    from calfcoach.storage.answers import answer_lookup, athlete_ids_lookup

    code = answer_code()

    lookup = answer_lookup(database.engine)
    ids = athlete_ids_lookup(database.engine)
    with database.unit_of_work() as uow:
        revision = uow.answers.revision(ana)
        assert revision is not None
        uow.answers.store(ana, WED, "test.kind", code, revision, '"kept"')
        uow.commit()
    for _ in range(3):  # the same pooled connection, again and again
        assert lookup(ana, WED, "test.kind", code) == '"kept"'
        assert lookup(ana, FRI, "test.kind", code) is None
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
    assert lookup(ana, WED, "test.kind", code) is None


def _close_the_pooled_connections(database: Database) -> None:
    """What a restart of the server does to the pool: every connection it holds is gone
    (those of this test's engine only: the fixtures' own engine is left alone)."""
    import psycopg

    taken = [database.engine.raw_connection() for _ in range(database.engine.pool.checkedin())]
    pids = [conn.driver_connection.info.backend_pid for conn in taken]  # type: ignore[union-attr]
    for conn in taken:
        conn.close()
    assert pids, "the pool holds no connection to close"
    url = database.engine.url.set(drivername="postgresql").render_as_string(False)
    with psycopg.connect(url, autocommit=True) as admin:
        for pid in pids:
            admin.execute("SELECT pg_terminate_backend(%s)", (pid,))


def _stored(database: Database, ana: int) -> str:
    from calfcoach.code_id import answer_code

    code = answer_code()
    with database.unit_of_work() as uow:
        revision = uow.answers.revision(ana)
        assert revision is not None
        uow.answers.store(ana, WED, "test.kind", code, revision, '"kept"')
        uow.commit()
    return code


def test_a_lone_lookup_on_a_connection_the_server_closed_is_read_again_on_a_new_one(
    database: Database, ana: int
) -> None:
    # D-136: a connection used a moment ago is not pinged; when the server closed it (a
    # restart), the lookup's one read is repeated on a new connection, never a failed page.
    if database.backend != "postgresql":
        pytest.skip("PostgreSQL only: a SQLite file has no server to close its connections")
    from calfcoach.storage.answers import answer_lookup, athlete_ids_lookup

    version = _stored(database, ana)
    lookup = answer_lookup(database.engine)
    ids = athlete_ids_lookup(database.engine)
    assert lookup(ana, WED, "test.kind", version) == '"kept"'  # the pool holds a connection
    for read in (
        lambda: lookup(ana, WED, "test.kind", version) == '"kept"',
        lambda: ids() == [ana],
    ):
        _close_the_pooled_connections(database)
        assert read()
    with database.unit_of_work() as uow:  # the pool's other connections were renewed too
        assert uow.answers.revision(ana) is not None


def test_a_lone_lookup_that_fails_says_so_as_a_storage_error_not_a_driver_traceback(
    database: Database, ana: int
) -> None:
    from calfcoach.errors import StorageError
    from calfcoach.storage.answers import _read_alone

    with pytest.raises(StorageError, match="cannot read: the database said"):
        _read_alone(database.engine, "SELECT no_such_column FROM athletes")


def test_a_pooled_postgresql_connection_is_pinged_only_after_it_was_idle(
    database: Database, ana: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # D-136: a connection back in the pool a moment ago is used as it is (no round trip);
    # one idle for longer than PING_AFTER_IDLE_S is pinged, and replaced when the server
    # closed it.
    if database.backend != "postgresql":
        pytest.skip("PostgreSQL only: SQLite connections are files, never pinged")
    from calfcoach.storage import db

    pings: list[object] = []
    dialect = database.engine.dialect
    real_ping = dialect.do_ping
    monkeypatch.setattr(dialect, "do_ping", lambda conn: pings.append(conn) or real_ping(conn))
    for _ in range(3):
        with database.unit_of_work() as uow:
            assert uow.answers.revision(ana) is not None
    assert pings == []
    monkeypatch.setattr(db, "PING_AFTER_IDLE_S", 0.0)
    _close_the_pooled_connections(database)
    with database.unit_of_work() as uow:  # pinged, found closed, replaced: no error
        assert uow.answers.revision(ana) is not None
    assert len(pings) >= 1


def test_a_unit_of_work_on_a_connection_closed_a_moment_ago_fails_cleanly_and_the_next_works(
    database: Database, ana: int
) -> None:
    # D-136, the risk accepted: the server closed a connection less than PING_AFTER_IDLE_S
    # after its last use (a restart that fast). The unit of work that takes it fails with a
    # storage error (the API's 503, the CLI's exit 2; nothing stored), the pool drops its
    # connections, and the next unit of work gets a new one.
    if database.backend != "postgresql":
        pytest.skip("PostgreSQL only: a SQLite file has no server to close its connections")
    from calfcoach.errors import StorageError

    with database.unit_of_work() as uow:
        assert uow.answers.revision(ana) is not None
    _close_the_pooled_connections(database)
    ctx, actor = local(database)
    with pytest.raises(StorageError, match="the connection to the database was lost"):
        training.record_checkin(ctx, actor, ana, FRI, pain=3, stiffness=2, today=FRI)
    # Stored now; had the failed one stored anything, this would be "already a check-in".
    training.record_checkin(ctx, actor, ana, FRI, pain=3, stiffness=2, today=FRI)


def test_the_first_athlete_and_its_current_answer_come_from_one_statement(
    database: Database,
) -> None:
    # D-165: local mode's pages read the first athlete added and its stored answer together;
    # the answer only while current (the code, the kind, the date and the athlete's revision
    # all match), never another athlete's, and the next athlete once the first is removed.
    from calfcoach.code_id import answer_code
    from calfcoach.services.corrections import remove_athlete
    from calfcoach.storage.answers import first_answer_lookup

    first = first_answer_lookup(database.engine)
    code = answer_code()
    assert first(WED, "test.kind", code) is None  # no athlete stored yet
    ctx, actor = local(database)
    athletes.add_athlete(ctx, actor, PROFILE, start=START, weeks=8, name="ana")
    athletes.add_athlete(ctx, actor, PROFILE, start=START, weeks=8, name="bob")
    ana, bob = on(database, "ana")[2], on(database, "bob")[2]
    assert first(WED, "test.kind", code) == (ana, None)  # nothing stored for ana
    with database.unit_of_work() as uow:
        for athlete, body in ((bob, '"bob"'), (ana, '"ana"')):
            revision = uow.answers.revision(athlete)
            assert revision is not None
            uow.answers.store(athlete, WED, "test.kind", code, revision, body)
        uow.commit()
    for _ in range(3):  # the same pooled connection, again and again
        assert first(WED, "test.kind", code) == (ana, '"ana"')
    assert first(FRI, "test.kind", code) == (ana, None)
    assert first(WED, "other.kind", code) == (ana, None)
    assert first(WED, "test.kind", answer_code("another variant")) == (ana, None)
    assert first(WED, "test.kind", code) == (athletes.first_athlete_id(ctx, actor), '"ana"')
    training.record_checkin(ctx, actor, ana, FRI, pain=3, stiffness=2, today=FRI)
    assert first(WED, "test.kind", code) == (ana, None)  # ana's data changed: not current
    remove_athlete(ctx, actor, ana)
    assert first(WED, "test.kind", code) == (bob, '"bob"')
    assert athletes.first_athlete_id(ctx, actor) == bob
