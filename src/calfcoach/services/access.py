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
    Actor.for_grants(kind, account, {athlete id: actions}, own_athlete_id, scope)
                                        an account (issue 9): what it may do per athlete
                                        (its own athlete: everything; a coached one: what a
                                        coach may), limited by a token's scope
    ensure_can(actor, athlete_id, action)    ForbiddenError unless allowed
    can_see(actor, athlete_id)               the same as a bool (lists filter with it)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal, get_args

from calfcoach.errors import ForbiddenError, Problem

__all__ = [
    "ALL_ACTIONS",
    "Action",
    "ensure_owner",
    "Actor",
    "ActorKind",
    "can_see",
    "ensure_can",
    "may_add_own_athlete",
]

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
    grants: Mapping[int, frozenset[Action]] | None = field(default=None, hash=False)
    """Per athlete, what this actor may do there (an account: everything on its own athlete,
    a coach's actions on a coached one), within ``actions``; None: ``actions`` everywhere."""
    own_athlete_id: int | None = None
    """The account's own athlete (the pages' athlete in server mode), or None."""

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

    @classmethod
    def for_grants(
        cls,
        kind: ActorKind,
        account_id: int,
        grants: Mapping[int, Iterable[Action]],
        own_athlete_id: int | None = None,
        scope: Iterable[Action] = ALL_ACTIONS,
    ) -> Actor:
        """An account's actor: per athlete what it may do (``grants``), all of it limited to
        ``scope`` (a token's scopes; a signed-in browser: every action)."""
        frozen = {athlete: frozenset(actions) for athlete, actions in grants.items()}
        return cls(
            kind,
            account_id,
            frozenset(frozen),
            frozenset(scope),
            grants=frozen,
            own_athlete_id=own_athlete_id,
        )

    def may(self, athlete_id: int, action: Action) -> bool:
        """Whether this actor may ``action`` the athlete ``athlete_id``."""
        if not can_see(self, athlete_id) or action not in self.actions:
            return False
        return self.grants is None or action in self.grants.get(athlete_id, frozenset())


def can_see(actor: Actor, athlete_id: int) -> bool:
    """Whether ``actor`` may see the athlete at all (lists show only those)."""
    return actor.athlete_ids is None or athlete_id in actor.athlete_ids


def may_add_own_athlete(actor: Actor) -> bool:
    """An athlete's account without its athlete yet may add one, its own (onboarding in
    server mode); nobody else but an actor who sees everyone adds athletes."""
    return (
        actor.kind == "athlete"
        and actor.account_id is not None
        and actor.own_athlete_id is None
        and actor.grants is not None
    )


def ensure_can(actor: Actor, athlete_id: int | None, action: Action) -> None:
    """Refuse with ``ForbiddenError`` unless ``actor`` may ``action`` the athlete
    ``athlete_id`` (None: a new athlete, which only an actor who sees everyone may add).

    The one access check of the services: each use case calls it in its unit of work."""
    if athlete_id is None:
        allowed = (actor.athlete_ids is None or may_add_own_athlete(actor)) and (
            action in actor.actions
        )
    else:
        allowed = actor.may(athlete_id, action)
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


def ensure_owner(actor: Actor, athlete_id: int) -> None:
    """Refuse with ``ForbiddenError`` unless ``actor`` is the athlete ``athlete_id``
    themself (their account, or a token of it) or the local user: removing an athlete and
    deleting all of their data is theirs alone (issue 9, part 5; D-106). A coach who
    may ``manage`` the athlete adjusts their plan, but never erases them."""
    ensure_can(actor, athlete_id, "manage")
    if actor.kind != "local" and actor.own_athlete_id != athlete_id:
        raise ForbiddenError(
            Problem(
                "forbidden",
                f"only the athlete may delete athlete {athlete_id}'s data",
                field="athlete",
                value=athlete_id,
                allowed="your own athlete",
            )
        )
