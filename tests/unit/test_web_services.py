"""The services the web pages added (issue 8, part 2) on the service layer of part 1, over
the in-memory unit of work (tests/fakes.py): the calendar address and its token, the plan
calendar, the progress charts and the profile change each check who asks (``ensure_can``)
inside their one unit of work, and store nothing when refused."""

from __future__ import annotations

import datetime as dt

import pytest
from tests.fakes import FakeStore, FakeUnitOfWork

from calfcoach.core.models import Profile
from calfcoach.errors import ConflictError, ForbiddenError, NotFoundError
from calfcoach.services import athletes
from calfcoach.services.access import Actor
from calfcoach.services.calendar import plan_calendar
from calfcoach.services.calendar_feed import (
    calendar_address_since,
    calendar_for_token,
    new_calendar_token,
    stop_calendar_address,
    token_actor,
    token_hash,
)
from calfcoach.services.charts import progress_charts
from calfcoach.services.context import ServiceContext
from calfcoach.services.replan import update_profile

TODAY = dt.date(2026, 3, 4)
LOCAL = Actor.local()


def profile(**changes: object) -> Profile:
    data: dict[str, object] = {
        "name": "Ana",
        "level": "intermediate",
        "equipment": frozenset({"dumbbell", "step"}),
        "free_days": frozenset({"mon", "wed", "fri"}),
    }
    data.update(changes)
    return Profile(**data)  # type: ignore[arg-type]


@pytest.fixture
def store() -> FakeStore:
    return FakeStore()


@pytest.fixture
def ctx(store: FakeStore) -> ServiceContext:
    return ServiceContext(unit_of_work=lambda **_: FakeUnitOfWork(store), today=lambda: TODAY)


def add(ctx: ServiceContext, name: str = "Ana") -> int:
    start = TODAY - dt.timedelta(days=9)
    return athletes.add_athlete(ctx, LOCAL, profile(name=name), start=start, weeks=4).athlete.id


def viewer(athlete_id: int) -> Actor:
    return Actor.for_athletes("coach", 7, (athlete_id,), ("view",))


def test_a_calendar_token_is_kept_only_as_its_hash_and_gives_its_athletes_plan(
    ctx: ServiceContext, store: FakeStore
) -> None:
    ana = add(ctx)
    assert calendar_address_since(ctx, LOCAL, ana) is None
    token = new_calendar_token(ctx, LOCAL, ana)
    assert store.calendar_tokens[ana][0] == token_hash(token) != token
    assert calendar_address_since(ctx, LOCAL, ana) is not None
    ics = calendar_for_token(ctx, token, TODAY)
    assert ics.startswith(b"BEGIN:VCALENDAR") and b"Ana" in ics


def test_a_new_token_stops_the_old_one_and_a_stopped_address_is_not_found(
    ctx: ServiceContext,
) -> None:
    ana = add(ctx)
    first = new_calendar_token(ctx, LOCAL, ana)
    second = new_calendar_token(ctx, LOCAL, ana)
    with pytest.raises(NotFoundError):
        calendar_for_token(ctx, first, TODAY)
    assert stop_calendar_address(ctx, LOCAL, ana) is True
    assert stop_calendar_address(ctx, LOCAL, ana) is False
    with pytest.raises(NotFoundError) as caught:
        calendar_for_token(ctx, second, TODAY)
    assert caught.value.details[0].message.startswith("no calendar at this address")


def test_an_actor_who_may_only_view_cannot_make_or_stop_a_calendar_address(
    ctx: ServiceContext, store: FakeStore
) -> None:
    ana = add(ctx)
    assert calendar_address_since(ctx, viewer(ana), ana) is None  # viewing is allowed
    with pytest.raises(ForbiddenError):
        new_calendar_token(ctx, viewer(ana), ana)
    assert store.calendar_tokens == {}
    new_calendar_token(ctx, LOCAL, ana)
    with pytest.raises(ForbiddenError):
        stop_calendar_address(ctx, viewer(ana), ana)
    assert ana in store.calendar_tokens


def test_a_token_acts_as_a_viewer_of_its_own_athlete_only(ctx: ServiceContext) -> None:
    ana, ben = add(ctx, "Ana"), add(ctx, "Ben")
    actor = token_actor(ana)
    assert actor.kind == "token" and actor.actions == frozenset({"view"})
    plan_calendar(ctx, actor, ana, TODAY)
    with pytest.raises(ForbiddenError):
        plan_calendar(ctx, actor, ben, TODAY)


def test_the_plan_calendar_and_the_charts_refuse_an_athlete_the_actor_may_not_see(
    ctx: ServiceContext,
) -> None:
    ana, ben = add(ctx, "Ana"), add(ctx, "Ben")
    calendar = plan_calendar(ctx, viewer(ana), ana, TODAY)
    assert calendar.athlete == "Ana" and calendar.weeks
    assert progress_charts(ctx, viewer(ana), ana, TODAY).logged_anything is False
    for call in (plan_calendar, progress_charts):
        with pytest.raises(ForbiddenError):
            call(ctx, viewer(ana), ben, TODAY)


def test_a_profile_change_needs_the_right_to_manage_the_athlete(
    ctx: ServiceContext, store: FakeStore
) -> None:
    ana = add(ctx)
    before = store.athletes[ana]
    with pytest.raises(ForbiddenError):
        update_profile(ctx, viewer(ana), ana, profile(level="advanced"), today=TODAY)
    assert store.athletes[ana] == before
    result = update_profile(ctx, LOCAL, ana, profile(level="advanced"), today=TODAY)
    assert result.kind == "in_place"
    assert store.athletes[ana].profile.level == "advanced"


def test_a_profile_change_to_another_athletes_name_is_a_conflict_about_the_name(
    ctx: ServiceContext, store: FakeStore
) -> None:
    ana = add(ctx, "Ana")
    add(ctx, "Ben")
    with pytest.raises(ConflictError) as caught:
        update_profile(ctx, LOCAL, ana, profile(name="ben"), today=TODAY)
    (problem,) = caught.value.details
    assert (problem.code, problem.field, problem.value) == ("conflict", "name", "ben")
    assert store.athletes[ana].name == "Ana"
