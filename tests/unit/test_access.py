"""The one access check of the services (issue 8, part 1): ``access.ensure_can``."""

from __future__ import annotations

import pytest

from calfcoach.errors import ForbiddenError
from calfcoach.services.access import ALL_ACTIONS, Actor, can_see, ensure_can


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
