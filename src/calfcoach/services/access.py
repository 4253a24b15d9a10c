"""Who is asking, and the one check of what they may do to an athlete's data.

Every use case takes an ``Actor`` and an athlete id and calls ``ensure_can`` inside its unit
of work, before it reads or writes anything of that athlete. Today only the local single user
exists (``Actor.local()``, the CLI and the local web app): it may see and change everything.
Accounts and coaches (issue 9) add actors whose ``athlete_ids`` name the athletes they may
see and whose ``actions`` name what they may do; no service changes for that, only the code
that builds the actor from a login or a token.

    Actor.local()                       the machine's user: every athlete, every action
    Actor.for_athletes(kind, account, ids, actions)
                                        an athlete (their own id), a coach (their athletes),
                                        a token (its scope)
    ensure_can(actor, athlete_id, action)    ForbiddenError unless allowed
    can_see(actor, athlete_id)               the same as a bool (lists filter with it)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal, get_args

from calfcoach.errors import ForbiddenError, Problem

__all__ = ["ALL_ACTIONS", "Action", "Actor", "ActorKind", "can_see", "ensure_can"]

ActorKind = Literal["local", "athlete", "coach", "admin", "token"]
Action = Literal["view", "log", "manage"]
"""``view`` reads an athlete's plan and log; ``log`` records training (sets, check-ins,
tests, skips and moves, corrections of them); ``manage`` changes the athlete itself (add,
rename, remove, a new or longer plan, import)."""
ALL_ACTIONS: frozenset[Action] = frozenset(get_args(Action))


@dataclass(frozen=True, slots=True)
class Actor:
    """Who asks a service for something, and what they may do."""

    kind: ActorKind
    account_id: int | None = None
    """The account behind the request (issue 9); None for the local user."""
    athlete_ids: frozenset[int] | None = None
    """The athletes this actor may see; None: every athlete (the local user, an admin)."""
    actions: frozenset[Action] = ALL_ACTIONS
    """What this actor may do to the athletes it sees (a read-only token: ``view``)."""

    @classmethod
    def local(cls) -> Actor:
        """The one user of a local installation (the CLI, ``calfcoach serve`` on this
        machine): every athlete, every action."""
        return cls(kind="local")

    @classmethod
    def for_athletes(
        cls,
        kind: ActorKind,
        account_id: int | None,
        athlete_ids: Iterable[int],
        actions: Iterable[Action] = ALL_ACTIONS,
    ) -> Actor:
        """An actor limited to ``athlete_ids`` (an athlete's own account, a coach's
        athletes, a token's scope)."""
        return cls(kind, account_id, frozenset(athlete_ids), frozenset(actions))


def can_see(actor: Actor, athlete_id: int) -> bool:
    """Whether ``actor`` may see the athlete at all (lists show only those)."""
    return actor.athlete_ids is None or athlete_id in actor.athlete_ids


def ensure_can(actor: Actor, athlete_id: int | None, action: Action) -> None:
    """Refuse with ``ForbiddenError`` unless ``actor`` may ``action`` the athlete
    ``athlete_id`` (None: a new athlete, which only an actor who sees everyone may add).

    The one access check of the services: each use case calls it in its unit of work."""
    if athlete_id is None:
        allowed = actor.athlete_ids is None and action in actor.actions
    else:
        allowed = can_see(actor, athlete_id) and action in actor.actions
    if not allowed:
        raise ForbiddenError(
            Problem(
                "forbidden",
                f"this {actor.kind} may not {action} "
                + ("a new athlete" if athlete_id is None else f"athlete {athlete_id}"),
                field="athlete",
                value=athlete_id,
                allowed="an athlete this account may " + action,
            )
        )
