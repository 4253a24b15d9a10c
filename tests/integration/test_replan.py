"""services.replan: a profile change re-plans the future only (R-HIST, issue 8 part 2), on
SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from tests.service_calls import local, on

from calfcoach.core.models import Profile
from calfcoach.errors import ConflictError
from calfcoach.services.athletes import add_athlete
from calfcoach.services.replan import update_profile
from calfcoach.services.training import SetInput, current_plan, log_set
from calfcoach.storage.db import Database

TODAY = dt.date.today()
EVERY_DAY = frozenset({"mon", "tue", "wed", "thu", "fri", "sat", "sun"})


def profile(**changes: object) -> Profile:
    data: dict[str, object] = {
        "name": "Ana",
        "level": "intermediate",
        "equipment": frozenset({"dumbbell", "step"}),
        "free_days": frozenset({"mon", "wed", "fri"}),
    }
    data.update(changes)
    return Profile(**data)  # type: ignore[arg-type]


def start(database: Database, **changes: object) -> None:
    add_athlete(*local(database), profile(**changes), start=TODAY - dt.timedelta(days=15), weeks=6)


def past(database: Database) -> list[tuple[dt.date, str, tuple[object, ...]]]:
    plan = current_plan(*on(database), TODAY).plan
    return [(s.date, s.title, s.exercises) for s in plan.sessions if s.date < TODAY]


def test_a_change_that_keeps_the_session_days_re_plans_in_place_and_keeps_the_past(
    database: Database,
) -> None:
    start(database)
    given = past(database)
    assert given
    result = update_profile(*on(database), profile(level="advanced"), today=TODAY)
    assert result.kind == "in_place"
    assert result.first_day == TODAY
    assert past(database) == given  # R-HIST: what was given stays
    assert current_plan(*on(database), TODAY).athlete.profile.level == "advanced"


def test_a_change_of_the_free_days_starts_a_new_block_today_and_keeps_the_old_one(
    database: Database,
) -> None:
    start(database)
    old_end = TODAY - dt.timedelta(days=15) + dt.timedelta(weeks=6)
    result = update_profile(
        *on(database), profile(free_days=frozenset({"tue", "thu", "sat"})), today=TODAY
    )
    assert result.kind == "new_block"
    assert result.first_day == TODAY
    assert result.weeks == -(-(old_end - TODAY).days // 7)
    plan = current_plan(*on(database), TODAY).plan
    assert plan.start == TODAY
    assert plan.sessions and all(s.date >= TODAY for s in plan.sessions)
    assert {s.date.strftime("%a").lower() for s in plan.sessions} <= {"tue", "thu", "sat"}
    with database.unit_of_work(read_only=True) as uow:
        athlete = uow.athletes.all()[0]
        history = uow.plans.history(athlete.id)
        assert len(history) == 2 and not history[1].active  # the old block is kept
        fixed = uow.history.fixed(athlete.id, history[1].id)
    old_past = [s.date for s in history[1].plan.sessions if s.date < TODAY]
    assert set(old_past) <= set(fixed)  # every past session was fixed before the change


def test_a_new_block_starts_tomorrow_when_today_already_has_a_logged_set(
    database: Database,
) -> None:
    start(database)
    # Any set logged today gives today a session log: today is then given (R-HIST).
    entry = SetInput(exercise="bent-knee-heel-raise", set_number=1, side="left", reps=10)
    log_set(*on(database), TODAY, entry, today=TODAY)
    result = update_profile(
        *on(database), profile(free_days=frozenset({"tue", "sat"})), today=TODAY
    )
    assert result.kind == "new_block"
    assert result.first_day == TODAY + dt.timedelta(days=1)


def test_saving_the_same_profile_changes_nothing(database: Database) -> None:
    start(database)
    result = update_profile(*on(database), profile(), today=TODAY)
    assert result.kind == "unchanged"
    assert result.message == "Nothing changed."


def test_a_change_after_the_plan_ended_is_kept_for_the_next_block(database: Database) -> None:
    add_athlete(*local(database), profile(), start=TODAY - dt.timedelta(weeks=3), weeks=2)
    result = update_profile(*on(database), profile(free_days=EVERY_DAY), today=TODAY)
    assert result.kind == "profile_only"
    assert current_plan(*on(database), TODAY).athlete.profile.free_days == EVERY_DAY


def test_a_change_of_the_name_alone_is_stored_and_re_plans_nothing(database: Database) -> None:
    start(database)
    given = current_plan(*on(database), TODAY).plan
    with database.unit_of_work(read_only=True) as uow:
        athlete = uow.athletes.all()[0]
        plans = len(uow.plans.history(athlete.id))

    result = update_profile(*on(database), profile(name="Alice"), today=TODAY)

    assert (result.kind, result.first_day, result.weeks) == ("renamed", None, None)
    assert result.message.startswith("The name is now 'Alice'")
    with database.unit_of_work(read_only=True) as uow:
        (athlete,) = uow.athletes.all()
        assert (athlete.name, athlete.profile.name) == ("Alice", "Alice")
        assert athlete.profile == profile(name="Alice")
        assert len(uow.plans.history(athlete.id)) == plans  # no new block
    assert current_plan(*on(database), TODAY).plan == given
    again = update_profile(*on(database), profile(name="Alice"), today=TODAY)
    assert again.kind == "unchanged"


def test_a_new_name_beside_another_change_is_stored_with_it(database: Database) -> None:
    start(database)
    result = update_profile(*on(database), profile(name="Alice", level="advanced"), today=TODAY)
    assert result.kind == "in_place"
    athlete = current_plan(*on(database), TODAY).athlete
    assert (athlete.name, athlete.profile.name, athlete.profile.level) == (
        "Alice",
        "Alice",
        "advanced",
    )


def test_a_profile_without_a_name_keeps_the_stored_one(database: Database) -> None:
    start(database)
    result = update_profile(*on(database), profile(name=None), today=TODAY)
    assert result.kind == "unchanged"
    athlete = current_plan(*on(database), TODAY).athlete
    assert (athlete.name, athlete.profile.name) == ("Ana", "Ana")


def test_a_name_another_athlete_has_is_refused_and_nothing_changes(database: Database) -> None:
    start(database)
    add_athlete(*local(database), profile(name="Bo"), start=TODAY, weeks=6)
    ana = on(database, "Ana")
    with pytest.raises(ConflictError, match="an athlete named 'Bo' already exists"):
        update_profile(*ana, profile(name="bo"), today=TODAY)
    assert current_plan(*on(database, "Ana"), TODAY).athlete.profile.name == "Ana"
