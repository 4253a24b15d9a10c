"""The one access check of the services (issue 8, part 1): ``access.ensure_can``."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from calfcoach.errors import ForbiddenError
from calfcoach.services.access import (
    ALL_ACTIONS,
    Action,
    Actor,
    can_see,
    ensure_can,
    may_add_own_athlete,
)


def test_the_local_user_may_do_everything_to_every_athlete_and_add_new_ones() -> None:
    local = Actor.local()
    for action in ALL_ACTIONS:
        ensure_can(local, 1, action)
        ensure_can(local, 12345, action)
        ensure_can(local, None, action)
    assert local.kind == "local" and local.account_id is None


def test_a_coach_sees_only_their_athletes() -> None:
    coach = Actor.for_athletes("coach", 7, [1, 2])
    ensure_can(coach, 2, "log")
    assert can_see(coach, 1) and not can_see(coach, 3)
    with pytest.raises(ForbiddenError, match="this coach may not view athlete 3"):
        ensure_can(coach, 3, "view")


def test_only_an_actor_who_sees_everyone_may_add_an_athlete() -> None:
    with pytest.raises(ForbiddenError):
        ensure_can(Actor.for_athletes("athlete", 5, [5]), None, "manage")


def test_a_read_only_token_may_view_but_not_log() -> None:
    token = Actor.for_athletes("token", 9, [4], actions=["view"])
    ensure_can(token, 4, "view")
    with pytest.raises(ForbiddenError) as caught:
        ensure_can(token, 4, "log")
    assert caught.value.details[0].code == "forbidden"


def test_an_actor_is_a_frozen_value() -> None:
    with pytest.raises(AttributeError):
        Actor.local().kind = "admin"  # type: ignore[misc]


# --------------------------------------------------------------------------- accounts (issue 9)


ACTIONS = sorted(ALL_ACTIONS)
action_sets = st.frozensets(st.sampled_from(ACTIONS))


@given(
    grants=st.dictionaries(st.integers(1, 20), action_sets, max_size=6),
    scope=action_sets,
    athlete=st.integers(1, 25),
    action=st.sampled_from(ACTIONS),
)
def test_an_account_may_do_on_an_athlete_exactly_its_grant_within_its_scope(
    grants: dict[int, frozenset[Action]], scope: frozenset[Action], athlete: int, action: Action
) -> None:
    actor = Actor.for_grants("coach", 3, grants, None, scope)
    allowed = athlete in grants and action in grants[athlete] and action in scope
    assert actor.may(athlete, action) is allowed
    if allowed:
        ensure_can(actor, athlete, action)
    else:
        with pytest.raises(ForbiddenError):
            ensure_can(actor, athlete, action)
    assert can_see(actor, athlete) is (athlete in grants)


def test_only_an_athlete_account_without_its_athlete_may_add_one() -> None:
    newcomer = Actor.for_grants("athlete", 4, {}, None)
    ensure_can(newcomer, None, "manage")
    assert may_add_own_athlete(newcomer)
    onboarded = Actor.for_grants("athlete", 4, {9: ALL_ACTIONS}, 9)
    coach = Actor.for_grants("coach", 5, {})
    admin = Actor.for_grants("admin", 6, {})
    for actor in (onboarded, coach, admin):
        assert not may_add_own_athlete(actor)
        with pytest.raises(ForbiddenError):
            ensure_can(actor, None, "manage")
    read_only = Actor.for_grants("athlete", 4, {}, None, {"view"})
    with pytest.raises(ForbiddenError):
        ensure_can(read_only, None, "manage")  # a read token cannot onboard
