"""The cheap request paths of logging and Today (issue 8, figures) keep what they shortcut:
a set on a fixed day takes the fixed session and writes no new version (R-HIST, D-80);
the local athlete is read anew by every request (nothing kept that can go stale); the
double-log check's narrow read finds what the whole day's read found (D-26). SQLite and
PostgreSQL."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from tests.integration.test_idempotent_logging import ana  # noqa: F401
from tests.integration.test_services import PROFILE, START, TODAY, WED, a_set
from tests.service_calls import LOCAL, local

from calfcoach.bootstrap import context_for
from calfcoach.errors import NotFoundError
from calfcoach.services import athletes, training
from calfcoach.storage.db import Database


def test_sets_on_a_fixed_day_take_the_fixed_session_and_write_no_new_version(
    database: Database,
    ana: int,  # noqa: F811
) -> None:
    ctx, actor = local(database)
    training.log_set(ctx, actor, ana, WED, a_set(set_number=1), today=TODAY)  # settles WED
    with database.unit_of_work(read_only=True) as uow:
        plan_id = uow.plans.active_id(ana)
        assert plan_id is not None
        before = uow.history.versions(ana, plan_id, WED)
    assert len(before) >= 1
    given = before[-1].session.exercises[0]
    dose = {k: getattr(given, k) for k in ("reps", "seconds", "contacts", "distance_m")}
    entry = training.SetInput(
        exercise=given.exercise, set_number=1, **{k: v for k, v in dose.items() if v}
    )
    logged = [
        training.log_set(
            ctx, actor, ana, WED, dataclasses.replace(entry, set_number=n), today=TODAY
        )
        for n in (1, 2, 3)
    ]
    with database.unit_of_work(read_only=True) as uow:
        after = uow.history.versions(ana, plan_id, WED)
    assert after == before  # R-HIST: fixed once, never again
    assert all(s.planned_reps == given.reps for s in logged)
    assert all(s.planned_seconds == given.seconds for s in logged)
    assert all(s.planned_load_kg == given.added_load_kg for s in logged)
    assert all(s.scheme == given.scheme for s in logged)


def test_the_local_athlete_is_read_anew_by_every_request(database: Database) -> None:
    ctx = context_for(database)
    assert ctx.athlete_ids is not None  # the one-statement path is the one measured
    assert athletes.first_athlete_id(ctx, LOCAL) is None
    # Another process (its own context) adds athletes: the next request sees the first one.
    other = context_for(database)
    athletes.add_athlete(other, LOCAL, PROFILE, start=START, weeks=4, name="first")
    athletes.add_athlete(other, LOCAL, PROFILE, start=START, weeks=4, name="second")
    with database.unit_of_work(read_only=True) as uow:
        by_age = uow.athletes.ids_by_age()
    assert ctx.athlete_ids() == by_age
    assert athletes.first_athlete_id(ctx, LOCAL) == by_age[0]


def test_the_narrow_double_log_read_finds_what_the_whole_day_read_finds(
    database: Database,
    ana: int,  # noqa: F811
) -> None:
    ctx, actor = local(database)
    for n, side in ((1, "left"), (1, "right"), (2, "both"), (3, "left")):
        training.log_set(ctx, actor, ana, WED, a_set(set_number=n, side=side), today=TODAY)
    with database.unit_of_work(read_only=True) as uow:
        day = uow.logs.stored_sets(ana, first=WED, last=WED)
        for exercise in ("jump-rope", "toe-taps"):
            for number in (1, 2, 3, 4):
                narrow = uow.logs.stored_sets(
                    ana, first=WED, last=WED, exercise=exercise, set_number=number
                )
                assert narrow == [
                    s for s in day if (s.set.exercise, s.set.set_number) == (exercise, number)
                ]


def test_a_set_on_a_fixed_day_keeps_that_days_stored_today_answer_and_it_stays_true(
    database: Database,
    ana: int,  # noqa: F811
) -> None:
    import sqlalchemy as sa

    from calfcoach.code_id import answer_code

    code = answer_code()

    ctx, actor = local(database)
    training.log_set(ctx, actor, ana, WED, a_set(set_number=1), today=TODAY)  # fixes WED
    stored = training.today_answer(ctx, actor, ana, WED)
    training.log_set(ctx, actor, ana, WED, a_set(set_number=2), today=TODAY)

    with database.unit_of_work(read_only=True) as uow:
        kept = uow.answers.current(ana, WED, training.TODAY_ANSWER, code)
        later = uow.answers.current(ana, WED + dt.timedelta(days=2), training.TODAY_ANSWER, code)
    assert kept == stored  # current at the new revision: the next read walks nothing
    assert later is None  # a later day's answer is never carried (the set is its input)
    with database.engine.begin() as connection:
        connection.execute(sa.text("DELETE FROM day_answers"))
    assert training.today_answer(ctx, actor, ana, WED) == stored  # made anew: the same


def test_a_later_days_answer_is_made_anew_after_a_set(
    database: Database,
    ana: int,  # noqa: F811
) -> None:
    ctx, actor = local(database)
    friday = WED + dt.timedelta(days=2)
    training.log_set(ctx, actor, ana, WED, a_set(set_number=1), today=TODAY)
    training.today_answer(ctx, actor, ana, friday)
    training.log_set(ctx, actor, ana, WED, a_set(set_number=2), today=TODAY)
    from calfcoach.code_id import answer_code

    code = answer_code()

    with database.unit_of_work(read_only=True) as uow:
        assert uow.answers.current(ana, friday, training.TODAY_ANSWER, code) is None


def test_a_set_on_a_fixed_day_keeps_its_page_frame_and_the_next_read_walks_nothing(
    database: Database,
    ana: int,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import sqlalchemy as sa

    ctx, actor = local(database)
    training.log_set(ctx, actor, ana, WED, a_set(set_number=1), today=TODAY)  # fixes WED
    frame = training.day_frame(ctx, actor, ana, WED)
    assert frame.session is not None and frame.session.date == WED
    training.log_set(ctx, actor, ana, WED, a_set(set_number=2), today=TODAY)

    def no_walk(*args: object, **kwargs: object) -> None:
        raise AssertionError("walked")

    with monkeypatch.context() as patched:
        patched.setattr(training, "_walk", no_walk)
        assert training.day_frame(ctx, actor, ana, WED) == frame  # kept: read, not walked
        numbers = [s.set_number for s in training.day_sets(ctx, actor, ana, WED)]
        assert sorted(numbers) == [1, 2]  # the page's sets are read anew
        # A later day's frame is not kept: the set is its input.
        with pytest.raises(AssertionError, match="walked"):
            training.day_frame(ctx, actor, ana, WED + dt.timedelta(days=2))
    with database.engine.begin() as connection:
        connection.execute(sa.text("DELETE FROM day_answers"))
    assert training.day_frame(ctx, actor, ana, WED) == frame  # made anew: the same


def test_a_set_on_a_fixed_and_settled_day_is_a_handful_of_statements(
    database: Database,
    ana: int,  # noqa: F811
) -> None:
    """One read of everything the checks need, the INSERT, the revision, the kept answers
    (and PostgreSQL's row lock): no savepoint, no snapshot drop, no ORM loads. The set is
    the second athlete's, so a read of another athlete's plan or day would show (a walk)."""
    import sqlalchemy as sa

    ctx, actor = local(database)
    training.log_set(ctx, actor, ana, TODAY, a_set(set_number=1), today=TODAY)
    athletes.add_athlete(ctx, actor, PROFILE, start=START, weeks=8, name="bo")
    ana = athletes.find_athlete_id(ctx, actor, "bo")
    training.log_set(ctx, actor, ana, TODAY, a_set(set_number=1), today=TODAY)  # fixes it
    with database.unit_of_work(read_only=True) as uow:
        plan_id = uow.plans.active_id(ana)
        assert plan_id is not None
        snapshot = uow.snapshots.get(ana, plan_id)
    assert snapshot is not None and snapshot.as_of < TODAY  # settled: the set drops none
    statements: list[str] = []

    def seen(conn: object, cursor: object, statement: str, *args: object) -> None:
        statements.append(statement.split()[0].upper())

    sa.event.listen(database.engine, "before_cursor_execute", seen)
    try:
        training.log_set(ctx, actor, ana, TODAY, a_set(set_number=2), today=TODAY)
    finally:
        sa.event.remove(database.engine, "before_cursor_execute", seen)
    expected = ["SELECT", "INSERT", "UPDATE", "UPDATE"]
    if database.engine.dialect.name == "postgresql":
        expected = ["SELECT", *expected]  # the athlete's row lock
    else:
        expected = ["BEGIN", *expected]  # BEGIN IMMEDIATE: the write lock
    assert statements == expected
    with database.unit_of_work(read_only=True) as uow:
        assert uow.snapshots.get(ana, plan_id) == snapshot  # kept: dated before the set


def test_a_set_dated_on_or_before_the_snapshot_still_drops_it(
    database: Database,
    ana: int,  # noqa: F811
) -> None:
    ctx, actor = local(database)
    training.log_set(ctx, actor, ana, WED, a_set(set_number=1), today=TODAY)
    training.log_set(ctx, actor, ana, TODAY, a_set(set_number=1), today=TODAY)
    with database.unit_of_work(read_only=True) as uow:
        plan_id = uow.plans.active_id(ana)
        assert plan_id is not None
        snapshot = uow.snapshots.get(ana, plan_id)
    assert snapshot is not None and snapshot.as_of >= WED
    training.log_set(ctx, actor, ana, WED, a_set(set_number=2), today=TODAY)  # into WED's log
    with database.unit_of_work(read_only=True) as uow:
        after = uow.snapshots.get(ana, plan_id)
    assert after is None or after.as_of < WED  # the set is engine input from WED on


def test_the_one_statement_insert_stores_every_column_as_the_orm_does(
    database: Database,
    ana: int,  # noqa: F811
) -> None:
    """``append_set``'s Core INSERT and ``log_session``'s ORM rows hold the same columns."""
    ctx, actor = local(database)
    entry = a_set(set_number=1, rpe=7, pain=2, load_kg=5.0)
    first = training.log_set(ctx, actor, ana, WED, entry, today=TODAY)  # ORM: a new day
    again = training.log_set(  # Core: into the day's log
        ctx, actor, ana, WED, dataclasses.replace(entry, set_number=2), today=TODAY
    )
    with database.unit_of_work(read_only=True) as uow:
        stored = [s.set for s in uow.logs.stored_sets(ana, first=WED, last=WED)]
    assert stored == [first, again]
    assert dataclasses.replace(stored[1], set_number=1) == stored[0]


def test_the_one_statement_set_log_state_reads_what_the_repositories_read(
    database: Database,
    ana: int,  # noqa: F811
) -> None:
    """``LogRepository.set_log_state`` (one statement) against the unit of work's default,
    which asks each repository (the fakes' path): the same state for clashing sides (D-26),
    a taken client id, a fixed and a skipped day, a day without a log, another athlete."""
    from calfcoach.storage.uow import AbstractUnitOfWork

    ctx, actor = local(database)
    training.log_set(ctx, actor, ana, WED, a_set(set_number=1, side="left"), today=TODAY)
    training.log_set(
        ctx, actor, ana, WED, a_set(set_number=2, side="both"), today=TODAY, client_id="c-2"
    )
    friday = WED + dt.timedelta(days=2)
    training.skip_session(ctx, actor, ana, friday, today=TODAY)
    athletes.add_athlete(ctx, actor, PROFILE, start=START, weeks=8, name="bo")
    bo = athletes.find_athlete_id(ctx, actor, "bo")
    asked = [
        (ana, WED, 1, "left", None),
        (ana, WED, 1, "right", None),
        (ana, WED, 1, "both", None),
        (ana, WED, 2, "left", "c-2"),
        (ana, WED, 3, "both", "c-new"),
        (ana, friday, 1, "both", None),
        (ana, TODAY, 1, "both", None),
        (bo, WED, 1, "left", None),
        (bo + 100, WED, 1, "left", None),
    ]
    with database.unit_of_work() as uow:
        for athlete, day, number, side, client_id in asked:
            args = dict(exercise="jump-rope", set_number=number, side=side, client_id=client_id)
            one = uow.set_log_state(athlete, day, **args)  # type: ignore[arg-type]
            each = AbstractUnitOfWork.set_log_state(uow, athlete, day, **args)  # type: ignore[arg-type]
            if one is None or each is None:
                assert one is each is None
                continue
            assert dataclasses.replace(one, snapshots_to=day) == each, (athlete, day, side)
    with database.unit_of_work(read_only=True) as uow:
        state = uow.set_log_state(
            ana, WED, exercise="jump-rope", set_number=1, side="right", client_id=None
        )
    assert state is not None and state.given is not None and state.clash_side is None


def test_the_days_sets_in_one_core_statement_are_what_the_repositories_give(
    database: Database,
    ana: int,  # noqa: F811
) -> None:
    """``LogRepository.day_sets`` (the Today page's sets after a set, D-126):
    one statement, no ORM objects, the same sets in the same order as ``stored_sets`` (the
    default ``AbstractUnitOfWork.day_sets``): several exercises and sides, another
    athlete's sets on the same day left out, a day without sets, no such athlete."""
    import sqlalchemy as sa

    from calfcoach.core.models import LoggedSet
    from calfcoach.storage.repositories import DAY_SET_COLUMNS
    from calfcoach.storage.uow import AbstractUnitOfWork

    # The statement's columns are LoggedSet's fields after its date, in their order.
    assert DAY_SET_COLUMNS == tuple(f.name for f in dataclasses.fields(LoggedSet))[1:]
    ctx, actor = local(database)
    athletes.add_athlete(ctx, actor, PROFILE, start=START, weeks=8, name="bo")
    bo = athletes.find_athlete_id(ctx, actor, "bo")
    training.log_set(ctx, actor, ana, WED, a_set(set_number=2, load_kg=5.5), today=TODAY)
    session = training.day_frame(ctx, actor, ana, WED).session
    assert session is not None
    for p in session.exercises:
        dose = {k: getattr(p, k) for k in ("reps", "seconds", "contacts", "distance_m")}
        dose = {k: v for k, v in dose.items() if v} or {"reps": 10}
        for side in ("right", "left") if p.per_side else ("both",):
            for number in (2, 1):
                entry = training.SetInput(
                    exercise=p.exercise, set_number=number, side=side, rpe=7, pain=number,
                    **dose,
                )  # fmt: skip
                if (p.exercise, number) != ("jump-rope", 2):
                    training.log_set(ctx, actor, ana, WED, entry, today=TODAY)
    training.log_set(ctx, actor, bo, WED, a_set(set_number=3), today=TODAY)
    statements: list[str] = []

    def seen(conn: object, cursor: object, statement: str, *args: object) -> None:
        statements.append(statement.split()[0].upper())

    with database.unit_of_work(read_only=True) as uow:
        sa.event.listen(database.engine, "before_cursor_execute", seen)
        try:
            core = uow.day_sets(ana, WED)
        finally:
            sa.event.remove(database.engine, "before_cursor_execute", seen)
        assert core == AbstractUnitOfWork.day_sets(uow, ana, WED)
        assert uow.day_sets(bo, WED) == AbstractUnitOfWork.day_sets(uow, bo, WED)
        assert uow.day_sets(ana, WED + dt.timedelta(days=1)) == ()
        assert uow.day_sets(10_000, WED) is None
        assert AbstractUnitOfWork.day_sets(uow, 10_000, WED) is None
    assert [s for s in statements if s != "BEGIN"] == ["SELECT"]
    assert core is not None and len(core) > 2
    assert {s.exercise for s in core} == {"jump-rope"} | {p.exercise for p in session.exercises}
    bos = training.day_sets(ctx, actor, bo, WED)
    assert [(s.date, s.set_number) for s in bos] == [(WED, 3)]
    with pytest.raises(NotFoundError):
        training.day_sets(ctx, actor, 10_000, WED)


def test_the_first_set_of_a_sessions_day_keeps_its_page_frame_and_answer(
    database: Database,
    ana: int,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """D-127: the first set of a day with a session fixes it as walked at the
    revision the stored frame and answer were made at, so they are kept (the page after it
    walks nothing) and equal what a walk makes after the set (R-HIST). A first set on a
    rest day keeps nothing (the frame names the next session, which the set changes)."""
    import sqlalchemy as sa

    ctx, actor = local(database)
    training.log_set(ctx, actor, ana, WED, a_set(set_number=1), today=TODAY)  # settles
    frame = training.day_frame(ctx, actor, ana, TODAY)
    answer = training.today_answer(ctx, actor, ana, TODAY)
    assert frame.session is not None and frame.session.date == TODAY
    rest = TODAY - dt.timedelta(days=1)
    rest_frame = training.day_frame(ctx, actor, ana, rest)
    assert rest_frame.session is None
    with database.unit_of_work(read_only=True) as uow:
        plan_id = uow.plans.active_id(ana)
        assert plan_id is not None
        assert uow.history.versions(ana, plan_id, TODAY) == []  # not fixed yet
    p = frame.session.exercises[0]
    dose = {k: getattr(p, k) for k in ("reps", "seconds", "contacts", "distance_m")}
    entry = training.SetInput(
        exercise=p.exercise, set_number=1, side="left" if p.per_side else "both",
        **{k: v for k, v in dose.items() if v},
    )  # fmt: skip
    training.log_set(ctx, actor, ana, TODAY, entry, today=TODAY)  # the first: fixes TODAY
    with database.unit_of_work(read_only=True) as uow:
        assert [v.session for v in uow.history.versions(ana, plan_id, TODAY)] == [frame.session]

    def no_walk(*args: object, **kwargs: object) -> None:
        raise AssertionError("walked")

    with monkeypatch.context() as patched:
        patched.setattr(training, "_walk", no_walk)
        assert training.day_frame(ctx, actor, ana, TODAY) == frame  # kept
        assert training.today_answer(ctx, actor, ana, TODAY) == answer
        with pytest.raises(AssertionError, match="walked"):
            training.day_frame(ctx, actor, ana, rest)  # not kept: the set was not its own
    assert training.day_frame(ctx, actor, ana, rest) == rest_frame  # stored again
    training.log_set(ctx, actor, ana, rest, a_set(set_number=1), today=TODAY)  # rest day
    with monkeypatch.context() as patched:
        patched.setattr(training, "_walk", no_walk)
        with pytest.raises(AssertionError, match="walked"):
            training.day_frame(ctx, actor, ana, rest)  # a rest day's first set keeps nothing
    with database.engine.begin() as connection:
        connection.execute(sa.text("DELETE FROM day_answers"))
    # Made anew by a walk after the sets: the same as the kept ones.
    assert training.day_frame(ctx, actor, ana, TODAY) == frame
    assert training.today_answer(ctx, actor, ana, TODAY) == answer
