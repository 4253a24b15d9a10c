"""Storage round trips and guarantees, on SQLite and PostgreSQL (see conftest.py)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import func, select

from calfcoach.core.models import (
    CapacityTest,
    CheckIn,
    LoggedSet,
    Plan,
    PlanWarning,
    Prescription,
    Profile,
    Run,
    Session,
)
from calfcoach.errors import InputError, NotFoundError
from calfcoach.formats.plan_json import plan_to_dict
from calfcoach.storage.db import Database
from calfcoach.storage.orm import CheckInRow, LoggedSetRow, PlanRow, SessionLogRow
from calfcoach.storage.plan_doc import plan_from_dict, plan_to_doc

DAY = dt.date(2026, 3, 2)
NOON_UTC = dt.datetime(2026, 3, 2, 12, 0, tzinfo=dt.UTC)


def make_profile(**overrides: Any) -> Profile:
    values: dict[str, Any] = {
        "name": "Ana",
        "level": "intermediate",
        "sex": "female",
        "birth_year": 1990,
        "body_mass_kg": 61.5,
        "equipment": ["step", "dumbbell", "band"],
        "free_days": ["tue", "fri"],
        "sessions_per_week": 2,
        "runs": [Run(day="sat", kind="long"), Run(day="wed", kind="hard")],
        "races": ["2026-06-01"],
        "complaints": ["achilles"],
    }
    values.update(overrides)
    return Profile.model_validate(values)


def make_plan(start: dt.date = DAY, title: str = "Strength A", weeks: int = 2) -> Plan:
    heavy = Prescription(
        exercise="seated-calf-raise",
        scheme="heavy",
        sets=3,
        reps=8,
        per_side=True,
        added_load_kg=20.0,
        rest_seconds=120,
        tempo="3 s up, 3 s down",
        why="R-SCH-2: heavy and slow, knee bent for the soleus.",
        rule="R-SCH-2",
    )
    hops = Prescription(
        exercise="pogo-hops",
        scheme="plyometric",
        sets=2,
        contacts=30,
        rest_seconds=90,
        why="R-SCH-3a: two-foot hops first.",
        rule="R-SCH-3a",
    )
    walk = Prescription(
        exercise="heel-walk", scheme="skill", sets=2, distance_m=20.0, why="R-EX-2: shins."
    )
    sessions = tuple(
        Session(
            date=start + dt.timedelta(days=7 * week + offset),
            week=week + 1,
            deload=week == weeks - 1,
            title=f"{title} w{week + 1}",
            exercises=(heavy, hops, walk),
            minutes=25,
        )
        for week in range(weeks)
        for offset in (1, 4)
    )
    return Plan(
        start=start,
        weeks=weeks,
        warnings=(PlanWarning("R-SCHED-4", "Only one free day after the long run."),),
        sessions=sessions,
        notes=("Check in each morning.",),
    )


def make_set(number: int = 1, **overrides: Any) -> LoggedSet:
    values: dict[str, Any] = {
        "date": DAY,
        "exercise": "seated-calf-raise",
        "set_number": number,
        "reps": 8,
        "load_kg": 20.0,
        "side": "left",
        "rpe": 7,
        "pain": 2,
        "planned_reps": 10,
        "planned_load_kg": 22.5,
        "scheme": "heavy",
    }
    values.update(overrides)
    return LoggedSet(**values)


def add_athlete(database: Database, name: str = "ana", profile: Profile | None = None) -> int:
    with database.unit_of_work() as uow:
        athlete = uow.athletes.add(name, profile or make_profile())
        uow.commit()
    return athlete.id


def count(database: Database, table: type[Any]) -> int:
    with database.session() as session:
        return int(session.scalar(select(func.count()).select_from(table)) or 0)


# --------------------------------------------------------------------------- athletes


def test_an_athlete_and_profile_come_back_as_saved(database: Database) -> None:
    profile = make_profile()
    athlete_id = add_athlete(database, "ana", profile)

    with database.unit_of_work(read_only=True) as uow:
        by_id = uow.athletes.get(athlete_id)
        by_name = uow.athletes.by_name("ana")
        everyone = uow.athletes.all()

    assert by_id == by_name
    assert by_id.profile == profile
    assert by_id.name == "ana"
    assert [a.id for a in everyone] == [athlete_id]


def test_updating_a_profile_replaces_it(database: Database) -> None:
    athlete_id = add_athlete(database)
    with database.unit_of_work() as uow:
        uow.athletes.update_profile(athlete_id, make_profile(level="advanced"))
        uow.commit()
    with database.unit_of_work() as uow:
        assert uow.athletes.get(athlete_id).profile.level == "advanced"


def test_a_second_athlete_with_the_same_name_is_refused_and_nothing_changes(
    database: Database,
) -> None:
    add_athlete(database, "ana")
    with database.unit_of_work() as uow, pytest.raises(InputError, match="already exists"):
        uow.athletes.add("ana", make_profile())
    with database.unit_of_work() as uow:
        assert [a.name for a in uow.athletes.all()] == ["ana"]


def test_unknown_athletes_raise_not_found(database: Database) -> None:
    with database.unit_of_work() as uow:
        with pytest.raises(NotFoundError, match="no athlete with id 999"):
            uow.athletes.get(999)
        with pytest.raises(NotFoundError, match="no athlete named 'bo'"):
            uow.athletes.by_name("bo")
        with pytest.raises(NotFoundError):
            uow.logs.log_session(999, DAY, [make_set()])
        assert uow.athletes.find("bo") is None


def test_nothing_is_written_without_commit(database: Database) -> None:
    with database.unit_of_work() as uow:
        uow.athletes.add("ana", make_profile())
    with database.unit_of_work() as uow:
        assert uow.athletes.all() == []


# --------------------------------------------------------------------------- plans


def test_a_plan_comes_back_equal_with_its_inputs_and_sessions(database: Database) -> None:
    athlete_id = add_athlete(database)
    plan, profile = make_plan(), make_profile()
    with database.unit_of_work() as uow:
        stored = uow.plans.add(athlete_id, plan, profile, catalog_version="2026.1")
        uow.commit()

    with database.unit_of_work() as uow:
        again = uow.plans.get(stored.id)
        sessions = uow.plans.sessions(stored.id)
        on_day = uow.plans.sessions(stored.id, on=plan.sessions[1].date)

    assert again.plan == plan
    assert again.active is True
    assert again.inputs == {
        "profile": again.inputs["profile"],
        "start": "2026-03-02",
        "weeks": 2,
        "catalog_version": "2026.1",
    }
    assert Profile.model_validate(again.inputs["profile"]) == profile
    assert [s.session for s in sessions] == list(plan.sessions)
    assert [s.session for s in on_day] == [plan.sessions[1]]


def test_a_re_plan_deactivates_the_old_plan_and_keeps_it(database: Database) -> None:
    athlete_id = add_athlete(database)
    first, second = make_plan(title="First"), make_plan(DAY + dt.timedelta(days=14), "Second")
    with database.unit_of_work() as uow:
        old = uow.plans.add(athlete_id, first, make_profile())
        uow.commit()
    with database.unit_of_work() as uow:
        old_session = uow.plans.sessions(old.id)[0]
        log = uow.logs.log_session(athlete_id, DAY, plan_session_id=old_session.id)
        uow.commit()
    with database.unit_of_work() as uow:
        new = uow.plans.add(athlete_id, second, make_profile(level="advanced"))
        uow.commit()

    with database.unit_of_work() as uow:
        active = uow.plans.active(athlete_id)
        history = uow.plans.history(athlete_id)
        old_again = uow.plans.get(old.id)
        old_sessions = uow.plans.sessions(old.id)
        logs = uow.logs.session_logs(athlete_id)

    assert active is not None and active.id == new.id and active.plan == second
    assert [p.id for p in history] == [new.id, old.id]
    assert old_again.active is False and old_again.plan == first
    assert old_again.inputs["profile"]["level"] == "intermediate"
    assert len(old_sessions) == len(first.sessions)
    assert logs[0].id == log.id and logs[0].plan_session_id == old_session.id


def test_the_database_allows_one_active_plan_per_athlete(database: Database) -> None:
    athlete_id = add_athlete(database)
    with database.unit_of_work() as uow:
        uow.plans.add(athlete_id, make_plan(), make_profile())
        uow.commit()
    with database.unit_of_work() as uow:
        doc = plan_to_doc(make_plan())
        uow.session.add(
            PlanRow(
                athlete_id=athlete_id,
                created_at=NOON_UTC,
                start=DAY,
                weeks=2,
                inputs={},
                plan=doc,
                active=True,
            )
        )
        with pytest.raises(Exception, match="uq_plans_one_active_per_athlete|UNIQUE"):
            uow.session.flush()
    assert count(database, PlanRow) == 1


def test_plan_documents_read_the_public_plan_json_too() -> None:
    plan = make_plan()
    public = plan_from_dict(plan_to_dict(plan))
    assert public.sessions[0].exercises[0].why == plan.sessions[0].exercises[0].why
    assert public.notes == () and public.sessions[0].minutes == 0
    assert plan_from_dict(plan_to_doc(plan)) == plan
    with pytest.raises(InputError, match="schema_version"):
        plan_from_dict({**plan_to_dict(plan), "schema_version": 3})
    with pytest.raises(InputError, match="missing key 'weeks'"):
        plan_from_dict({k: v for k, v in plan_to_dict(plan).items() if k != "weeks"})


def test_plan_documents_of_schema_1_still_load_as_planned_sessions() -> None:
    """A plan stored before engine v2 (schema_version 1, no status or advice) loads as it
    was: every session planned, without advice."""
    doc = plan_to_doc(make_plan())
    doc["schema_version"] = 1
    for session in doc["sessions"]:
        del session["status"], session["advice"]
    assert plan_from_dict(doc) == make_plan()


def test_structured_reasons_round_trip_and_documents_without_them_still_load() -> None:
    """R-WHY: a prescription's reasons ({rule, text}) are kept once the core has them; a
    stored document written before (no "reasons") loads with none."""
    import calfcoach.storage.plan_doc as plan_doc
    from calfcoach.core.models import Reason

    doc = plan_to_doc(make_plan())
    for session in doc["sessions"]:
        for exercise in session["exercises"]:
            exercise.pop("reasons", None)
    assert plan_from_dict(doc) == make_plan()
    if not plan_doc._HAS_REASONS:
        assert "reasons" not in plan_to_doc(make_plan())["sessions"][0]["exercises"][0]
        return
    plan = make_plan()
    given = (Reason("R-PAIN-3", "Heavy slow resistance."), Reason("R-SCH-2", "Slow tempo."))
    first = dataclasses.replace(
        plan.sessions[0],
        exercises=tuple(
            dataclasses.replace(p, reasons=given)  # type: ignore[call-arg]
            for p in plan.sessions[0].exercises
        ),
    )
    plan = dataclasses.replace(plan, sessions=(first, *plan.sessions[1:]))
    stored = plan_to_doc(plan)
    assert stored["sessions"][0]["exercises"][0]["reasons"] == [
        {"rule": "R-PAIN-3", "text": "Heavy slow resistance."},
        {"rule": "R-SCH-2", "text": "Slow tempo."},
    ]
    assert plan_from_dict(stored) == plan


def test_a_stopped_session_and_its_advice_round_trip(database: Database) -> None:
    """R-PAIN-2a/2b: a stopped session has no exercises and advice; storage keeps both."""
    athlete_id = add_athlete(database)
    plan = make_plan()
    stopped = dataclasses.replace(
        plan.sessions[1],
        exercises=(),
        status="stopped",
        advice="See a clinician today: a pop was reported.",
    )
    plan = dataclasses.replace(plan, sessions=(plan.sessions[0], stopped, *plan.sessions[2:]))
    with database.unit_of_work() as uow:
        stored = uow.plans.add(athlete_id, plan, make_profile())
        uow.commit()
    with database.unit_of_work(read_only=True) as uow:
        again = uow.plans.get(stored.id)
        sessions = [s.session for s in uow.plans.sessions(stored.id)]
    assert again.plan == plan
    assert sessions == list(plan.sessions)
    assert sessions[1].status == "stopped" and sessions[1].advice is not None


# --------------------------------------------------------------------------- training log


def test_sets_keep_planned_and_actual_dose_and_come_back_in_date_order(
    database: Database,
) -> None:
    athlete_id = add_athlete(database)
    later = DAY + dt.timedelta(days=3)
    day_sets = [
        make_set(1, side="left"),
        make_set(1, side="right", rpe=8, pain=3),
        make_set(2, side="left", reps=6, load_kg=None, planned_load_kg=None),
    ]
    hops = make_set(
        1,
        date=later,
        exercise="pogo-hops",
        side="both",
        reps=None,
        contacts=28,
        planned_contacts=30,
        load_kg=None,
        planned_reps=None,
        planned_load_kg=None,
        scheme="plyometric",
        rpe=None,
        pain=0,
    )
    hold = make_set(
        1, exercise="wall-hold", seconds=45, planned_seconds=45, distance_m=None, scheme=None
    )
    with database.unit_of_work() as uow:
        uow.logs.log_session(athlete_id, later, [hops])
        log = uow.logs.log_session(athlete_id, DAY, day_sets)
        uow.logs.add_sets(log.id, [hold])
        uow.commit()

    with database.unit_of_work() as uow:
        log_out = uow.logs.load_training_log(athlete_id)

    assert log_out.sets == (*day_sets, hold, hops)


def test_a_retried_set_cannot_be_logged_twice(database: Database) -> None:
    athlete_id = add_athlete(database)
    with database.unit_of_work() as uow:
        log = uow.logs.log_session(athlete_id, DAY, [make_set(1)])
        uow.commit()
    with database.unit_of_work() as uow:
        with pytest.raises(InputError, match="already logged"):
            uow.logs.add_sets(log.id, [make_set(1, reps=9)])
        uow.logs.add_sets(log.id, [make_set(2)])  # the unit of work is still usable
        uow.commit()
    with database.unit_of_work() as uow:
        sets = uow.logs.load_training_log(athlete_id).sets
    assert [(s.set_number, s.reps) for s in sets] == [(1, 8), (2, 8)]


def test_sets_must_be_dated_on_their_session_day(database: Database) -> None:
    athlete_id = add_athlete(database)
    with database.unit_of_work() as uow, pytest.raises(InputError, match="dated 2026-03-03"):
        uow.logs.log_session(athlete_id, DAY, [make_set(date=DAY + dt.timedelta(days=1))])


def test_one_check_in_per_day_unless_replaced(database: Database) -> None:
    athlete_id = add_athlete(database)
    with database.unit_of_work() as uow:
        uow.logs.add_checkin(athlete_id, CheckIn(DAY, pain=2, stiffness=3))
        uow.logs.add_checkin(athlete_id, CheckIn(DAY + dt.timedelta(days=1), 1, 1))
        uow.commit()
    with database.unit_of_work() as uow:
        with pytest.raises(InputError, match="already a check-in for this day"):
            uow.logs.add_checkin(athlete_id, CheckIn(DAY, pain=5, stiffness=5))
        uow.commit()
    with database.unit_of_work() as uow:
        assert uow.logs.load_training_log(athlete_id).checkins[0] == CheckIn(DAY, 2, 3)
        uow.logs.add_checkin(athlete_id, CheckIn(DAY, pain=4, stiffness=1), replace=True)
        uow.commit()
    with database.unit_of_work() as uow:
        checkins = uow.logs.load_training_log(athlete_id).checkins
    assert checkins == (CheckIn(DAY, 4, 1), CheckIn(DAY + dt.timedelta(days=1), 1, 1))


def test_capacity_tests_notes_and_skipped_days_round_trip(database: Database) -> None:
    athlete_id = add_athlete(database)
    tests = [
        CapacityTest(DAY, left=25, right=22),
        CapacityTest(DAY, left=18, right=20, knee="bent"),
    ]
    skipped_day, moved_day = DAY + dt.timedelta(days=2), DAY + dt.timedelta(days=4)
    with database.unit_of_work() as uow:
        for test in tests:
            uow.logs.add_test(athlete_id, test)
        uow.logs.add_note(athlete_id, DAY, "Achilles felt fine — warm-up helped.")
        uow.logs.log_session(athlete_id, skipped_day, status="skipped")
        uow.logs.log_session(athlete_id, moved_day, status="moved", moved_to=moved_day)
        uow.commit()
    with database.unit_of_work() as uow:
        log = uow.logs.load_training_log(athlete_id)
        notes = uow.logs.notes(athlete_id)
        statuses = [(s.status, s.moved_to) for s in uow.logs.session_logs(athlete_id)]
    assert log.tests == tuple(tests)
    assert log.skipped == (skipped_day,)
    assert [n.text for n in notes] == ["Achilles felt fine — warm-up helped."]
    assert statuses == [("skipped", None), ("moved", moved_day)]


BAD_WRITES: dict[str, tuple[Callable[[Any, int], object], str]] = {
    "rpe 11": (lambda uow, a: uow.logs.log_session(a, DAY, [make_set(rpe=11)]), "RPE is 1 to 10"),
    "rpe 0": (lambda uow, a: uow.logs.log_session(a, DAY, [make_set(rpe=0)]), "RPE is 1 to 10"),
    "pain 11": (lambda uow, a: uow.logs.log_session(a, DAY, [make_set(pain=11)]), "pain is 0"),
    "pain -1": (lambda uow, a: uow.logs.log_session(a, DAY, [make_set(pain=-1)]), "pain is 0"),
    "negative reps": (
        lambda uow, a: uow.logs.log_session(a, DAY, [make_set(reps=-1)]),
        "reps must not be negative",
    ),
    "negative contacts": (
        lambda uow, a: uow.logs.log_session(a, DAY, [make_set(contacts=-5)]),
        "contacts must not be negative",
    ),
    "negative seconds": (
        lambda uow, a: uow.logs.log_session(a, DAY, [make_set(seconds=-5)]),
        "seconds must not be negative",
    ),
    "load over 500": (
        lambda uow, a: uow.logs.log_session(a, DAY, [make_set(load_kg=501.0)]),
        "load is 0 to 500 kg",
    ),
    "planned load under 0": (
        lambda uow, a: uow.logs.log_session(a, DAY, [make_set(planned_load_kg=-1.0)]),
        "planned load is 0 to 500 kg",
    ),
    "set 0": (
        lambda uow, a: uow.logs.log_session(a, DAY, [make_set(0)]),
        "set numbers start at 1",
    ),
    "unknown side": (
        lambda uow, a: uow.logs.log_session(a, DAY, [make_set(side="top")]),
        "side is left, right or both",
    ),
    "stiffness 11": (
        lambda uow, a: uow.logs.add_checkin(a, CheckIn(DAY, 0, 11)),
        "stiffness is 0 to 10",
    ),
    "moved without a day": (
        lambda uow, a: uow.logs.log_session(a, DAY, status="moved"),
        "moved session needs the day",
    ),
    "unknown knee": (
        lambda uow, a: uow.logs.add_test(a, CapacityTest(DAY, 3, 3, knee="half")),  # type: ignore[arg-type]
        "knee is straight, bent or none",
    ),
}


@pytest.mark.parametrize("case", list(BAD_WRITES))
def test_a_constraint_violation_raises_and_leaves_the_database_unchanged(
    database: Database, case: str
) -> None:
    write, message = BAD_WRITES[case]
    athlete_id = add_athlete(database)
    with database.unit_of_work() as uow:
        before = DAY - dt.timedelta(days=1)
        uow.logs.log_session(athlete_id, before, [make_set(date=before)])
        with pytest.raises(InputError, match=message):
            write(uow, athlete_id)
        uow.commit()  # what came before the violation is kept; the violation is not

    assert count(database, SessionLogRow) == 1
    assert count(database, LoggedSetRow) == 1
    assert count(database, CheckInRow) == 0


# --------------------------------------------------------------------------- time


def test_times_come_back_timezone_aware_in_utc(database: Database) -> None:
    paris = dt.timezone(dt.timedelta(hours=1), "CET")
    local = dt.datetime(2026, 3, 2, 13, 0, 0, 123456, tzinfo=paris)
    with database.unit_of_work(clock=lambda: local) as uow:
        athlete = uow.athletes.add("ana", make_profile())
        log = uow.logs.log_session(athlete.id, DAY, [make_set()])
        uow.commit()
    with database.unit_of_work() as uow:
        again = uow.athletes.get(athlete.id)
        logs = uow.logs.session_logs(athlete.id)
        set_created_at = uow.session.scalars(select(LoggedSetRow.created_at)).one()

    for value in (again.created_at, logs[0].created_at, set_created_at):
        assert value.tzinfo is not None and value.utcoffset() == dt.timedelta(0)
        assert value == local == NOON_UTC.replace(microsecond=123456)
    assert log.created_at == local


def test_naive_times_are_refused(database: Database) -> None:
    naive = dt.datetime(2026, 3, 2, 12, 0)
    with database.unit_of_work(clock=lambda: naive) as uow, pytest.raises(Exception, match="naive"):
        uow.athletes.add("ana", make_profile())
    assert add_athlete(database) > 0


def test_stored_records_are_plain_frozen_dataclasses(database: Database) -> None:
    athlete_id = add_athlete(database)
    with database.unit_of_work() as uow:
        athlete = uow.athletes.get(athlete_id)
    with pytest.raises(dataclasses.FrozenInstanceError):
        athlete.name = "bo"  # type: ignore[misc]


# --------------------------------------------------------------------------- the fake


def _scenario(unit_of_work: Callable[[], Any]) -> tuple[object, ...]:
    """The same use of the repositories; what it observes, without ids."""
    observed: list[object] = []
    with unit_of_work() as uow:
        athlete = uow.athletes.add("ana", make_profile())
        uow.plans.add(athlete.id, make_plan(title="First"), make_profile())
        uow.commit()
    with unit_of_work() as uow:
        uow.athletes.add("bo", make_profile())  # never committed
    with unit_of_work() as uow:
        uow.plans.add(athlete.id, make_plan(title="Second"), make_profile(level="advanced"))
        log = uow.logs.log_session(athlete.id, DAY, [make_set(1), make_set(2)])
        writes: list[Callable[[], object]] = [
            lambda: uow.logs.add_sets(log.id, [make_set(1)]),
            lambda: uow.logs.add_sets(log.id, [make_set(3, rpe=11)]),
            lambda: uow.logs.add_checkin(athlete.id, CheckIn(DAY, 11, 0)),
            lambda: uow.athletes.add("ana", make_profile()),
        ]
        for write in writes:
            with pytest.raises(InputError):
                write()
        with pytest.raises(NotFoundError):
            uow.plans.get(10_000)
        uow.logs.add_checkin(athlete.id, CheckIn(DAY, 1, 1))
        with pytest.raises(InputError):
            uow.logs.add_checkin(athlete.id, CheckIn(DAY, 2, 2))
        uow.logs.add_checkin(athlete.id, CheckIn(DAY, 3, 3), replace=True)
        uow.logs.log_session(athlete.id, DAY + dt.timedelta(days=1), status="skipped")
        uow.logs.add_test(athlete.id, CapacityTest(DAY, 20, 21))
        uow.logs.add_note(athlete.id, DAY, "ok")
        uow.commit()
    with unit_of_work() as uow:
        active = uow.plans.active(athlete.id)
        observed += [
            [a.name for a in uow.athletes.all()],
            active.plan.sessions[0].title if active else None,
            [(p.active, p.plan.sessions[0].title) for p in uow.plans.history(athlete.id)],
            len(uow.plans.sessions(active.id)) if active else 0,
            uow.logs.load_training_log(athlete.id),
            [n.text for n in uow.logs.notes(athlete.id)],
            [(s.date, s.status) for s in uow.logs.session_logs(athlete.id)],
        ]
    return tuple(observed)


def test_the_fake_unit_of_work_behaves_like_the_database(database: Database) -> None:
    from tests.fakes import FakeStore, FakeUnitOfWork

    store = FakeStore()
    assert _scenario(lambda: FakeUnitOfWork(store)) == _scenario(database.unit_of_work)
