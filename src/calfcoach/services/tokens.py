"""Personal access tokens for scripts (issue 8, part 3): make, list, revoke, authenticate.

    create_token(ctx, actor, name, scopes)   -> NewToken (the token, shown this once)
    list_tokens(ctx, actor)                  -> every token, revoked ones too (never the token)
    revoke_token(ctx, actor, token_id)       -> the revoked token
    actor_for_token(ctx, token)              -> the Actor the token acts as, or None

A token is ``secrets.token_urlsafe(32)`` (256 random bits), prefixed ``cc_`` so a leaked one
is recognisable in a log or a repository. Only its SHA-256 is stored (D-72): a copy
of the database does not give the tokens away, and a fast hash is enough for a secret that
cannot be guessed (a slow password hash protects guessable secrets, at a cost per request).

Scopes (``SCOPES``): ``read`` lets a token see the athletes' plans and logs (``view``),
``log`` lets it record training (sets, check-ins, tests, skips and moves), ``manage`` lets
it change an athlete (the profile). The local user's tokens see every athlete. An account's
tokens (issue 9) act as their account (``services.accounts.actor_for_account``: its own
athlete, its coached athletes), limited to the token's scopes (``ACCOUNT_SCOPES``: read and
log); a disabled account's tokens stop working. Making, listing and revoking tokens is the
local user's business or a signed-in account's, for its own tokens; a token cannot make
tokens.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from calfcoach.errors import InputError, NotFoundError, Problem
from calfcoach.services.access import Action, Actor, ensure_can
from calfcoach.services.inputs import check_text

if TYPE_CHECKING:
    from calfcoach.services.context import ServiceContext
    from calfcoach.storage.access_tokens import StoredToken

__all__ = [
    "DEFAULT_SCOPES",
    "SCOPES",
    "NewToken",
    "actor_for_token",
    "check_scopes",
    "create_token",
    "list_tokens",
    "revoke_token",
    "token_hash",
]

PREFIX = "cc_"
TOKEN_BYTES = 32
_TOKEN_SHAPE = re.compile(r"^cc_[A-Za-z0-9_-]{43}$")
NAME_MAX = 60
SCOPES: dict[str, frozenset[Action]] = {
    "read": frozenset({"view"}),
    "log": frozenset({"view", "log"}),
    "manage": frozenset({"view", "manage"}),
}
"""What each scope lets a token do (``services.access`` actions); a token's actions are the
union of its scopes'."""
DEFAULT_SCOPES = ("read", "log")
ACCOUNT_SCOPES = ("read", "log")
"""The scopes an account's token may have (issue 9): ``manage`` stays the local user's."""
TOUCH_EVERY = dt.timedelta(minutes=1)
"""``last_used_at`` is written at most once a minute per token: a script that sends a request
a second does not turn every read into a write."""


@dataclass(frozen=True, slots=True)
class NewToken:
    token: str
    """The token itself: shown once, never stored."""
    stored: StoredToken


def token_hash(token: str) -> str:
    """The stored form of a token: SHA-256, hex (256 random bits need no salt or stretching)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def check_scopes(scopes: Iterable[str], known: Iterable[str] = tuple(SCOPES)) -> tuple[str, ...]:
    """The scopes, each ``known``, without repeats, in ``SCOPES`` order; ``InputError`` else."""
    given = list(scopes)
    allowed = tuple(known)
    unknown = [s for s in given if s not in allowed]
    if unknown:
        raise InputError(
            Problem(
                "invalid",
                f"{unknown[0]!r} is not a scope",
                field="scopes",
                value=unknown[0][:40],
                allowed=", ".join(allowed),
            )
        )
    if not given:
        raise InputError.about("scopes", "a token needs a scope", allowed=", ".join(allowed))
    return tuple(s for s in SCOPES if s in given)


def _check_name(name: str) -> str:
    text = name.strip()
    if not text:
        raise InputError.about(
            "name", "is empty", value=name, allowed=f"1 to {NAME_MAX} characters"
        )
    check_text("name", text, max_chars=NAME_MAX)
    return text


def create_token(
    ctx: ServiceContext, actor: Actor, name: str, scopes: Iterable[str] = DEFAULT_SCOPES
) -> NewToken:
    """A new token called ``name`` (what it is for: "garmin sync") with ``scopes``."""
    owner = _owner(actor)
    text = _check_name(name)
    chosen = check_scopes(scopes, SCOPES if owner is None else ACCOUNT_SCOPES)
    token = PREFIX + secrets.token_urlsafe(TOKEN_BYTES)
    with ctx.unit_of_work() as uow:
        stored = uow.access_tokens.add(text, token_hash(token), chosen, account_id=owner)
        uow.commit()
    return NewToken(token=token, stored=stored)


def _owner(actor: Actor) -> int | None:
    """Whose tokens ``actor`` manages: the local user's (None) or a signed-in account's;
    ``ForbiddenError`` for anyone else (a token)."""
    if actor.kind != "token" and actor.account_id is not None:
        return actor.account_id
    ensure_can(actor, None, "manage")
    return None


def list_tokens(ctx: ServiceContext, actor: Actor) -> list[StoredToken]:
    """Every token of the actor (the local user's, or the account's), revoked ones too,
    oldest first."""
    owner = _owner(actor)
    with ctx.unit_of_work(read_only=True) as uow:
        return uow.access_tokens.all(owner)


def revoke_token(ctx: ServiceContext, actor: Actor, token_id: int) -> StoredToken:
    """Revoke the token: it stops working at once and stays listed as revoked."""
    owner = _owner(actor)
    with ctx.unit_of_work() as uow:
        mine = {t.id for t in uow.access_tokens.all(owner)}
        stored = uow.access_tokens.revoke(token_id) if token_id in mine else None
        if stored is None:
            raise NotFoundError(
                Problem(
                    "not_found",
                    f"no token with id {token_id}",
                    field="token",
                    value=token_id,
                    allowed="an id that `calfcoach token list` shows",
                )
            )
        uow.commit()
    return stored


def actor_for_token(
    ctx: ServiceContext, token: str, now: dt.datetime | None = None
) -> Actor | None:
    """The actor a request with this bearer token acts as; None for a malformed, unknown or
    revoked token (all alike: the answer says nothing about which tokens exist)."""
    if not _TOKEN_SHAPE.match(token):
        return None
    digest = token_hash(token)
    with ctx.unit_of_work(read_only=True) as uow:
        stored = uow.access_tokens.by_hash(digest)
    if stored is None or stored.revoked_at is not None:
        return None
    actions: frozenset[Action] = frozenset().union(
        *(SCOPES[s] for s in stored.scopes if s in SCOPES)
    )
    account_actor: Actor | None = None
    if stored.account_id is not None:
        from calfcoach.services.accounts import actor_for_account

        with ctx.unit_of_work(read_only=True) as uow:
            account = uow.accounts.get(stored.account_id)
            if account is None or account.disabled_at is not None:
                return None
            account_actor = actor_for_account(uow, account, actions)
    when = now or dt.datetime.now(dt.UTC)
    if stored.last_used_at is None or when - stored.last_used_at >= TOUCH_EVERY:
        with ctx.unit_of_work() as uow:
            uow.access_tokens.touch(stored.id, when)
            uow.commit()
    if account_actor is not None:
        return dataclasses.replace(account_actor, kind="token")
    return Actor(kind="token", account_id=stored.account_id, athlete_ids=None, actions=actions)
