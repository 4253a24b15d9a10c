"""Engine v2 storage (issue 6 items 2, 4, 6), on SQLite and PostgreSQL (see conftest.py):
fixed sessions (R-HIST), engine snapshots and their invalidation, red flags, hop tests,
clearances, ``load_training_log(since=...)`` and SQLite durability."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from tests.integration.test_storage import DAY, add_athlete, make_plan, make_profile, make_set

from calfcoach.core.models import CapacityTest, CheckIn, Clearance, HopTest, Session
from calfcoach.errors import InputError, NotFoundError
from calfcoach.storage.db import Database
from calfcoach.storage.records import FixedSession, Snapshot

T0 = dt.datetime(2026, 3, 3, 7, 30, tzinfo=dt.UTC)


def plan_for(database: Database, athlete_id: int, **kwargs: Any) -> int:
    with database.unit_of_work() as uow:
        stored = uow.plans.add(athlete_id, make_plan(**kwargs), make_profile())
        uow.commit()
    return stored.id


def first_session() -> Session:
    return make_plan().sessions[0]


def lighter(session: Session) -> Session:
    """The same day with one set fewer everywhere (a check-in adapted it)."""
    return dataclasses.replace(
        session,
        exercises=tuple(dataclasses.replace(p, sets=p.sets - 1) for p in session.exercises),
    )


# --------------------------------------------------------------------------- R-HIST


def test_r_hist_a_fixed_session_comes_back_exactly_as_given(database: Database) -> None:
    athlete_id = add_athlete(database)
    plan_id = plan_for(database, athlete_id)
    session = first_session()
    with database.unit_of_work(clock=lambda: T0) as uow:
        fixed = uow.history.fix(athlete_id, plan_id, session, "first logged set")
        uow.commit()

    with database.unit_of_work(read_only=True) as uow:
        again = uow.history.fixed(athlete_id, plan_id)
        versions = uow.history.versions(athlete_id, plan_id, session.date)

    assert fixed == FixedSession(session.date, 1, T0, "first logged set", session)
    assert again == {session.date: fixed}
    assert versions == [fixed]
    assert fixed.fixed_at.utcoffset() == dt.timedelta(0)


def test_r_hist_every_version_is_kept_with_its_time_and_reason(database: Database) -> None:
    athlete_id = add_athlete(database)
    plan_id = plan_for(database, athlete_id)
    given = first_session()
    stopped = dataclasses.replace(
        given, exercises=(), status="stopped", advice="See a clinician today."
    )
    times = iter([T0, T0 + dt.timedelta(hours=1), T0 + dt.timedelta(hours=2)])
    with database.unit_of_work(clock=lambda: next(times)) as uow:
        one = uow.history.fix(athlete_id, plan_id, given, "end of its day")
        two = uow.history.fix(athlete_id, plan_id, lighter(given), "check-in earlier that day")
        three = uow.history.fix(athlete_id, plan_id, stopped, "R-PAIN-2a stop")
        uow.commit()

    with database.unit_of_work(read_only=True) as uow:
        versions = uow.history.versions(athlete_id, plan_id, given.date)
        latest = uow.history.fixed(athlete_id, plan_id)

    assert [v.version for v in (one, two, three)] == [1, 2, 3]
    assert versions == [one, two, three]
    assert [v.reason for v in versions] == [
        "end of its day",
        "check-in earlier that day",
        "R-PAIN-2a stop",
    ]
    assert versions[0].session == given and versions[2].session == stopped
    assert latest == {given.date: three}


def test_r_hist_fixing_the_same_session_again_is_a_no_op(database: Database) -> None:
    athlete_id = add_athlete(database)
    plan_id = plan_for(database, athlete_id)
    session = first_session()
    with database.unit_of_work(clock=lambda: T0) as uow:
        first = uow.history.fix(athlete_id, plan_id, session, "first logged set")
        uow.commit()
    with database.unit_of_work(clock=lambda: T0 + dt.timedelta(days=1)) as uow:
        again = uow.history.fix(athlete_id, plan_id, session, "end of its day")
        uow.commit()
    with database.unit_of_work(read_only=True) as uow:
        versions = uow.history.versions(athlete_id, plan_id, session.date)
    assert again == first
    assert versions == [first]


def test_r_hist_fixed_gives_the_latest_version_per_day_up_to_a_date(database: Database) -> None:
    athlete_id = add_athlete(database)
    plan_id = plan_for(database, athlete_id)
    sessions = make_plan().sessions
    with database.unit_of_work(clock=lambda: T0) as uow:
        for session in sessions:
            uow.history.fix(athlete_id, plan_id, session, "end of its day")
        uow.history.fix(athlete_id, plan_id, lighter(sessions[1]), "flare")
        uow.commit()

    with database.unit_of_work(read_only=True) as uow:
        everything = uow.history.fixed(athlete_id, plan_id)
        early = uow.history.fixed(athlete_id, plan_id, up_to=sessions[1].date)
        before = uow.history.fixed(athlete_id, plan_id, up_to=sessions[0].date - dt.timedelta(1))
        other_athlete = uow.history.fixed(athlete_id + 1, plan_id)

    assert list(everything) == [s.date for s in sessions]
    assert [f.version for f in everything.values()] == [1, 2, 1, 1]
    assert everything[sessions[1].date].session == lighter(sessions[1])
    assert list(early) == [sessions[0].date, sessions[1].date]
    assert early[sessions[1].date].version == 2
    assert before == {} and other_athlete == {}


def test_r_hist_fixed_sessions_belong_to_their_plan(database: Database) -> None:
    ana = add_athlete(database, "ana")
    bo = add_athlete(database, "bo")
    old = plan_for(database, ana, title="Old")
    new = plan_for(database, ana, title="New")  # a re-plan keeps the old plan's history
    with database.unit_of_work(clock=lambda: T0) as uow:
        uow.history.fix(ana, old, first_session(), "end of its day")
        with pytest.raises(NotFoundError):
            uow.history.fix(bo, old, first_session(), "not bo's plan")
        with pytest.raises(NotFoundError):
            uow.history.fix(ana, 10_000, first_session(), "no such plan")
        with pytest.raises(InputError, match="reason"):
            uow.history.fix(ana, old, first_session(), " ")
        uow.commit()
    with database.unit_of_work(read_only=True) as uow:
        assert len(uow.history.fixed(ana, old)) == 1
        assert uow.history.fixed(ana, new) == {}
        assert uow.history.fixed(bo, old) == {}


# --------------------------------------------------------------------------- snapshots


def test_a_snapshot_is_replaced_and_comes_back_as_json(database: Database) -> None:
    athlete_id = add_athlete(database)
    plan_id = plan_for(database, athlete_id)
    with database.unit_of_work() as uow:
        assert uow.snapshots.get(athlete_id, plan_id) is None
        uow.snapshots.put(athlete_id, plan_id, DAY, {"usual": 2, "ladder": ("a", "b")})
        uow.snapshots.put(athlete_id, plan_id, DAY + dt.timedelta(days=3), {"usual": 3})
        uow.commit()
    with database.unit_of_work(read_only=True) as uow:
        assert uow.snapshots.get(athlete_id, plan_id) == Snapshot(
            DAY + dt.timedelta(days=3), {"usual": 3}
        )
    with database.unit_of_work() as uow:
        uow.snapshots.put(athlete_id, plan_id, DAY, {"ladder": ("a", "b"), "flare": None})
        uow.commit()
    with database.unit_of_work(read_only=True) as uow:
        assert uow.snapshots.get(athlete_id, plan_id) == Snapshot(
            DAY, {"ladder": ["a", "b"], "flare": None}
        )


def test_a_snapshot_must_be_json_data_of_the_athletes_own_plan(database: Database) -> None:
    ana = add_athlete(database, "ana")
    bo = add_athlete(database, "bo")
    plan_id = plan_for(database, ana)
    with database.unit_of_work() as uow:
        with pytest.raises(InputError, match="JSON"):
            uow.snapshots.put(ana, plan_id, DAY, {"day": DAY})
        with pytest.raises(InputError, match="JSON"):
            uow.snapshots.put(ana, plan_id, DAY, {"x": float("nan")})
        with pytest.raises(NotFoundError):
            uow.snapshots.put(bo, plan_id, DAY, {})
        uow.commit()
    with database.unit_of_work(read_only=True) as uow:
        assert uow.snapshots.get(ana, plan_id) is None


def _put_snapshots(database: Database, athlete_id: int, days: list[dt.date]) -> list[int]:
    """One plan per snapshot day (a snapshot is per athlete and plan)."""
    plan_ids = []
    for day in days:
        plan_id = plan_for(database, athlete_id, title=f"Plan {day}")
        plan_ids.append(plan_id)
    with database.unit_of_work() as uow:
        for plan_id, day in zip(plan_ids, days, strict=True):
            uow.snapshots.put(athlete_id, plan_id, day, {"as_of": day.isoformat()})
        uow.commit()
    return plan_ids


def _snapshot_days(database: Database, athlete_id: int, plan_ids: list[int]) -> list[dt.date]:
    with database.unit_of_work(read_only=True) as uow:
        snapshots = [uow.snapshots.get(athlete_id, p) for p in plan_ids]
    return [s.as_of for s in snapshots if s is not None]


D = [DAY + dt.timedelta(days=n) for n in range(8)]

LOG_WRITES: dict[str, tuple[Callable[[Any, int], object], dt.date]] = {
    "a session with sets": (
        lambda uow, a: uow.logs.log_session(a, D[3], [make_set(date=D[3])]),
        D[3],
    ),
    "a skipped day": (lambda uow, a: uow.logs.log_session(a, D[4], status="skipped"), D[4]),
    "a day moved earlier": (
        lambda uow, a: uow.logs.log_session(a, D[5], status="moved", moved_to=D[2]),
        D[2],
    ),
    "sets added to a day": (
        lambda uow, a: uow.logs.add_sets(uow.logs.session_logs(a)[0].id, [make_set(7, date=DAY)]),
        DAY,
    ),
    "a check-in": (lambda uow, a: uow.logs.add_checkin(a, CheckIn(D[3], 2, 2)), D[3]),
    "a replaced check-in": (
        lambda uow, a: uow.logs.add_checkin(a, CheckIn(DAY, 6, 2), replace=True),
        DAY,
    ),
    "a capacity test": (lambda uow, a: uow.logs.add_test(a, CapacityTest(D[5], 20, 20)), D[5]),
    "a hop test": (lambda uow, a: uow.logs.add_hop_test(a, HopTest(D[4], 30, 1)), D[4]),
    "a clearance": (lambda uow, a: uow.logs.add_clearance(a, Clearance(D[6], "ok")), D[6]),
}


@pytest.mark.parametrize("case", list(LOG_WRITES))
def test_every_log_write_dated_d_drops_the_snapshots_from_d_in_its_transaction(
    database: Database, case: str
) -> None:
    write, from_day = LOG_WRITES[case]
    athlete_id = add_athlete(database)
    other = add_athlete(database, "bo")
    with database.unit_of_work() as uow:
        uow.logs.log_session(athlete_id, DAY, [make_set(1)])
        uow.logs.add_checkin(athlete_id, CheckIn(DAY, 1, 1))
        uow.commit()
    days = [D[1], D[2], D[3], D[4], D[5], D[6]]
    plans = _put_snapshots(database, athlete_id, days)
    other_plans = _put_snapshots(database, other, days)

    with database.unit_of_work() as uow:
        write(uow, athlete_id)
        assert _snapshot_days(database, athlete_id, plans) == days  # not before the commit
        uow.commit()

    assert _snapshot_days(database, athlete_id, plans) == [d for d in days if d < from_day]
    assert _snapshot_days(database, other, other_plans) == days  # other athletes untouched


def test_a_rolled_back_log_write_keeps_the_snapshots(database: Database) -> None:
    athlete_id = add_athlete(database)
    plans = _put_snapshots(database, athlete_id, [D[3]])
    with database.unit_of_work() as uow:
        uow.logs.add_checkin(athlete_id, CheckIn(DAY, 1, 1))
    with database.unit_of_work() as uow, pytest.raises(InputError):
        uow.logs.add_hop_test(athlete_id, HopTest(DAY, 30, 11))
    assert _snapshot_days(database, athlete_id, plans) == [D[3]]


def test_a_profile_update_or_a_new_plan_drops_every_snapshot_of_the_athlete(
    database: Database,
) -> None:
    athlete_id = add_athlete(database)
    plans = _put_snapshots(database, athlete_id, [D[1], D[7]])
    with database.unit_of_work() as uow:
        uow.athletes.update_profile(athlete_id, make_profile(level="advanced"))
        uow.commit()
    assert _snapshot_days(database, athlete_id, plans) == []

    plans = _put_snapshots(database, athlete_id, [D[1]])
    plan_for(database, athlete_id, title="Re-plan")
    assert _snapshot_days(database, athlete_id, plans) == []


def test_invalidate_drops_snapshots_from_a_day_and_notes_do_not(database: Database) -> None:
    athlete_id = add_athlete(database)
    plans = _put_snapshots(database, athlete_id, [D[1], D[2], D[3]])
    with database.unit_of_work() as uow:
        uow.logs.add_note(athlete_id, DAY, "a note is not engine input")
        uow.commit()
    assert _snapshot_days(database, athlete_id, plans) == [D[1], D[2], D[3]]
    with database.unit_of_work() as uow:
        uow.snapshots.invalidate(athlete_id, D[2])
        uow.commit()
    assert _snapshot_days(database, athlete_id, plans) == [D[1]]


# --------------------------------------------------------------------------- log additions


def test_r_pain_2a_red_flags_of_a_check_in_round_trip(database: Database) -> None:
    athlete_id = add_athlete(database)
    flagged = CheckIn(DAY, 3, 2, frozenset({"pop", "night_pain", "numbness"}))
    with database.unit_of_work() as uow:
        uow.logs.add_checkin(athlete_id, flagged)
        uow.logs.add_checkin(athlete_id, CheckIn(D[1], 1, 1))
        uow.commit()
    with database.unit_of_work(read_only=True) as uow:
        assert uow.logs.load_training_log(athlete_id).checkins == (flagged, CheckIn(D[1], 1, 1))
    replaced = CheckIn(DAY, 2, 2, frozenset({"swelling"}))
    with database.unit_of_work() as uow:
        uow.logs.add_checkin(athlete_id, replaced, replace=True)
        with pytest.raises(InputError, match="red flag"):
            uow.logs.add_checkin(athlete_id, CheckIn(D[2], 1, 1, frozenset({"itch"})))  # type: ignore[arg-type]
        uow.commit()
    with database.unit_of_work(read_only=True) as uow:
        assert uow.logs.load_training_log(athlete_id).checkins[0] == replaced


def test_r_test_5_hop_tests_and_clearances_round_trip_in_date_order(database: Database) -> None:
    athlete_id = add_athlete(database)
    hops = [HopTest(D[3], 30, 0, "left"), HopTest(DAY, 10, 2), HopTest(D[3], 28, 1, "right")]
    clearances = [Clearance(D[5], "Dr Lee: cleared to load."), Clearance(D[2])]
    with database.unit_of_work() as uow:
        ids = [uow.logs.add_hop_test(athlete_id, h) for h in hops]
        ids += [uow.logs.add_clearance(athlete_id, c) for c in clearances]
        uow.commit()
    with database.unit_of_work(read_only=True) as uow:
        log = uow.logs.load_training_log(athlete_id)
    assert all(isinstance(i, int) for i in ids)
    assert log.hop_tests == (hops[1], hops[0], hops[2])
    assert log.clearances == (clearances[1], clearances[0])


@pytest.mark.parametrize(
    ("write", "message"),
    [
        (lambda uow, a: uow.logs.add_hop_test(a, HopTest(DAY, -1, 0)), "0 to 500 hops"),
        (lambda uow, a: uow.logs.add_hop_test(a, HopTest(DAY, 30, 11)), "pain is 0 to 10"),
        (
            lambda uow, a: uow.logs.add_hop_test(a, HopTest(DAY, 30, 1, "top")),  # type: ignore[arg-type]
            "side is left, right or both",
        ),
        (
            lambda uow, a: uow.logs.add_clearance(a, Clearance(DAY, "x" * 2001)),
            "at most 2000 characters",
        ),
    ],
    ids=["negative hops", "pain 11", "unknown side", "long note"],
)
def test_hop_tests_and_clearances_are_checked_by_the_database(
    database: Database, write: Callable[[Any, int], object], message: str
) -> None:
    athlete_id = add_athlete(database)
    with database.unit_of_work() as uow:
        with pytest.raises(InputError, match=message):
            write(uow, athlete_id)
        uow.logs.add_hop_test(athlete_id, HopTest(DAY, 30, 0))  # still usable
        uow.commit()
    with database.unit_of_work(read_only=True) as uow:
        log = uow.logs.load_training_log(athlete_id)
    assert log.hop_tests == (HopTest(DAY, 30, 0),) and log.clearances == ()


def test_since_reads_only_what_is_new_but_28_days_of_check_ins(database: Database) -> None:
    """R-PAIN-2: the usual-pain baseline looks back 28 days, so check-ins start 28 days
    before ``since``; everything else starts on ``since``."""
    athlete_id = add_athlete(database)
    since = DAY + dt.timedelta(days=40)
    days = [since - dt.timedelta(days=n) for n in (29, 28, 1, 0)] + [since + dt.timedelta(1)]
    with database.unit_of_work() as uow:
        for day in days:
            uow.logs.log_session(athlete_id, day, [make_set(date=day)])
            uow.logs.add_checkin(athlete_id, CheckIn(day, 1, 1))
            uow.logs.add_test(athlete_id, CapacityTest(day, 20, 20))
            uow.logs.add_hop_test(athlete_id, HopTest(day, 30, 0))
            uow.logs.add_clearance(athlete_id, Clearance(day))
            uow.logs.log_session(athlete_id, day + dt.timedelta(days=100), status="skipped")
        uow.logs.log_session(athlete_id, since - dt.timedelta(days=1), status="skipped")
        uow.commit()
    with database.unit_of_work(read_only=True) as uow:
        everything = uow.logs.load_training_log(athlete_id)
        new = uow.logs.load_training_log(athlete_id, since=since)

    assert len(everything.sets) == len(everything.checkins) == 5
    assert [s.date for s in new.sets] == days[3:]
    assert [c.date for c in new.checkins] == days[1:]
    assert [t.date for t in new.tests] == days[3:]
    assert [h.date for h in new.hop_tests] == days[3:]
    assert [c.date for c in new.clearances] == days[3:]
    assert since - dt.timedelta(days=1) in everything.skipped
    assert all(d >= since for d in new.skipped) and len(new.skipped) == 5


# --------------------------------------------------------------------------- durability


def test_sqlite_connections_run_wal_with_synchronous_full(database: Database) -> None:
    """Issue 6 item 6: a commit is fsynced before it returns (WAL + synchronous=FULL = 2)."""
    if database.backend != "sqlite":
        pytest.skip("SQLite pragma; PostgreSQL keeps fsync and synchronous_commit on")
    from calfcoach.storage.sqlite_reader import open_reader

    with database.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 2
    database.dispose()
    reader = open_reader(database.url)
    assert reader is not None
    with reader:
        assert reader.query("PRAGMA journal_mode") == [("wal",)]
        assert reader.query("PRAGMA synchronous") == [(2,)]


def test_postgresql_commits_are_fsynced(database: Database) -> None:
    """Issue 6 item 6: on PostgreSQL durability is the server's fsync and
    synchronous_commit, on by default; the test server must not have them off."""
    if database.backend != "postgresql":
        pytest.skip("PostgreSQL settings")
    with database.engine.connect() as connection:
        assert connection.exec_driver_sql("SHOW fsync").scalar() == "on"
        assert connection.exec_driver_sql("SHOW synchronous_commit").scalar() in {
            "on",
            "remote_write",
            "remote_apply",
            "local",
        }
