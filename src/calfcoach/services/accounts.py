"""Accounts, sign-in and who an account acts as (issue 9, server mode).

    create_account(ctx, actor, email, role)        -> NewAccount (and its set-password link)
    accept_invitation(ctx, token, password)        -> the account, its password set
    sign_up(ctx, token, name, email, password, ip)  -> SignedUp: an athlete's account made
                                                      through a coach's invitation link, its
                                                      first session (D-115)
    login(ctx, email, password, client_ip)         -> NewSession (a new session each time)
    session_actor(ctx, token)                      -> SignedIn (actor, session) or None
    logout(ctx, token); logout_everywhere(ctx, actor)
    change_password(ctx, actor, current, new, keep_session_token)
    request_password_reset(ctx, mailer, email, base_url); reset_password(ctx, token, new)
    list_accounts / set_disabled (an admin)
    actor_for_account(uow, account, scope)         -> the Actor of an account

Passwords: argon2id (argon2-cffi) at ``ARGON2_TIME_COST`` passes over ``ARGON2_MEMORY_KIB``
of memory, one lane: about 80 ms a hash on the 2-core machine of bench/bench_login.py
(D-87). Login with an unknown address verifies the password against a dummy hash of
the same cost, so the answer takes as long as for a known one and says nothing of which
addresses have accounts.

Lockout (D-88): ``LOCK_AFTER`` failed logins for one address within ``WINDOW`` lock
that address for ``LOCK_FOR``; ``IP_LOCK_AFTER`` failures from one client address within
``WINDOW`` lock that address too. Counted in the database (``login_throttle``): a restart
or another worker process sees the same count. A locked key is refused before the password
is checked, so a locked account cannot be probed; a correct login clears the address's count.

Sessions: a random 256-bit token in the cookie, only its SHA-256 stored, with a CSRF secret
of its own; a login always makes a new session (and ends the one the browser had:
rotation), idle for ``SESSION_IDLE`` or older than ``SESSION_MAX`` it is over.

Who an account acts as (D-89): an athlete account its own athlete, every action; a
coach the athletes with an active ``coach_links`` row, ``COACH_ACTIONS`` (see and adjust
profile and plan, never log in the athlete's name); an admin accounts only, no training
data (no athlete) unless also a coach or an athlete; a token its account's athletes within
its scopes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from calfcoach.errors import (
    CalfcoachError,
    ConflictError,
    ForbiddenError,
    InputError,
    NotFoundError,
    Problem,
)
from calfcoach.services.access import ALL_ACTIONS, Action, Actor

if TYPE_CHECKING:
    from collections.abc import Iterable

    from argon2 import PasswordHasher

    from calfcoach.mail import Mailer
    from calfcoach.services.coaching import CoachOut
    from calfcoach.services.context import ServiceContext
    from calfcoach.storage.accounts import StoredAccount, StoredSession, ThrottleState
    from calfcoach.storage.uow import AbstractUnitOfWork

__all__ = [
    "ARGON2_MEMORY_KIB",
    "ARGON2_TIME_COST",
    "COACH_ACTIONS",
    "IP_LOCK_AFTER",
    "LOCK_AFTER",
    "LOCK_FOR",
    "ROLES",
    "WINDOW",
    "AccountOut",
    "LockedOut",
    "LoginFailed",
    "NewAccount",
    "NewSession",
    "Role",
    "SignedIn",
    "accept_invitation",
    "account_id_of",
    "add_coach_link",
    "invitation_account",
    "actor_for_account",
    "change_password",
    "create_account",
    "forget_own_login",
    "hash_password",
    "list_accounts",
    "login",
    "logout",
    "logout_everywhere",
    "request_password_reset",
    "reset_password",
    "session_actor",
    "SignedUp",
    "sign_up",
    "sessions_of",
    "set_disabled",
    "throttle_keys_of",
    "verify_password",
]

Role = Literal["athlete", "coach", "admin"]
ROLES: tuple[Role, ...] = ("athlete", "coach", "admin")

ARGON2_TIME_COST = 3
ARGON2_MEMORY_KIB = 32 * 1024
ARGON2_PARALLELISM = 1

LOCK_AFTER = 5
IP_LOCK_AFTER = 20
WINDOW = dt.timedelta(minutes=15)
LOCK_FOR = dt.timedelta(minutes=15)

SESSION_IDLE = dt.timedelta(days=7)
SESSION_MAX = dt.timedelta(days=30)
TOUCH_EVERY = dt.timedelta(minutes=1)
RESET_VALID = dt.timedelta(hours=1)
RESET_MAX = 3
"""Reset messages to one address within ``WINDOW``; more requests are answered alike but
send nothing (no mail bombing)."""
INVITATION_VALID = dt.timedelta(days=7)

PASSWORD_MIN = 10
PASSWORD_MAX = 1024
EMAIL_MAX = 254
NAME_MAX = 100
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

COACH_ACTIONS: frozenset[Action] = frozenset({"view", "manage"})
"""What a coach may do to a coached athlete (issue 9: sees them, adjusts their profile and
plan); logging training stays the athlete's own (D-89)."""


class LoginFailed(CalfcoachError):
    """Wrong address or password (one message for both), or a disabled account."""

    code = "unauthorized"


class LockedOut(CalfcoachError):
    """Too many failed logins: the address or the client is locked for a while."""

    code = "unauthorized"

    def __init__(self, until: dt.datetime) -> None:
        minutes = max(1, int((until - _now()).total_seconds() // 60) + 1)
        super().__init__(
            Problem(
                "unauthorized",
                f"too many failed logins; try again in {minutes} minutes, or reset the password",
                field="email",
                allowed=f"at most {LOCK_AFTER} failed logins in {_minutes(WINDOW)} minutes",
            )
        )
        self.until = until


def _minutes(delta: dt.timedelta) -> int:
    return int(delta.total_seconds() // 60)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


# --------------------------------------------------------------------------- hashing


def _hasher() -> PasswordHasher:
    from argon2 import PasswordHasher, Type  # imported on first use (not at CLI start)

    return PasswordHasher(
        time_cost=ARGON2_TIME_COST,
        memory_cost=ARGON2_MEMORY_KIB,
        parallelism=ARGON2_PARALLELISM,
        type=Type.ID,
    )


_DUMMY: list[str] = []


def hash_password(password: str) -> str:
    """The argon2id hash of ``password`` (salted, with its parameters)."""
    digest: str = _hasher().hash(password)
    return digest


def verify_password(password_hash: str | None, password: str) -> bool:
    """Whether ``password`` matches; with no hash (no account, no password yet) a dummy
    hash of the same cost is checked, so the time is alike."""
    from argon2.exceptions import InvalidHashError, VerificationError

    if password_hash is None:
        if not _DUMMY:
            _DUMMY.append(hash_password(secrets.token_urlsafe(16)))
        password_hash = _DUMMY[0]
        real = False
    else:
        real = True
    try:
        return bool(_hasher().verify(password_hash, password)) and real
    except (VerificationError, InvalidHashError):
        return False


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def check_password(password: str, field: str = "password") -> str:
    """``InputError`` unless the password is long enough (and not absurdly long)."""
    if len(password) < PASSWORD_MIN:
        raise InputError.about(
            field,
            f"is too short ({len(password)} characters)",
            allowed=f"{PASSWORD_MIN} to {PASSWORD_MAX} characters",
        )
    if len(password) > PASSWORD_MAX:
        raise InputError.about(
            field, "is too long", allowed=f"{PASSWORD_MIN} to {PASSWORD_MAX} characters"
        )
    return password


def check_email(email: str) -> str:
    text = email.strip()
    if len(text) > EMAIL_MAX or not _EMAIL.match(text):
        raise InputError.about(
            "email", "is not an e-mail address", value=text[:60], allowed="name@example.org"
        )
    return text


def _check_role(role: str) -> Role:
    for known in ROLES:
        if role == known:
            return known
    raise InputError.about("role", f"{role!r} is not a role", allowed=", ".join(ROLES))


# --------------------------------------------------------------------------- actors


def actor_for_account(
    uow: AbstractUnitOfWork, account: StoredAccount, scope: Iterable[Action] = ALL_ACTIONS
) -> Actor:
    """The actor of ``account`` (D-89), limited to ``scope`` (a token's)."""
    grants: dict[int, frozenset[Action]] = {}
    if account.is_coach:
        for athlete_id in uow.accounts.coached_athletes(account.id):
            grants[athlete_id] = COACH_ACTIONS
    if account.athlete_id is not None:
        grants[account.athlete_id] = ALL_ACTIONS  # one's own athlete: everything
    kind: Literal["admin", "coach", "athlete"] = (
        "admin" if account.is_admin else "coach" if account.is_coach else "athlete"
    )
    return Actor.for_grants(kind, account.id, grants, account.athlete_id, scope)


def _account_of(uow: AbstractUnitOfWork, actor: Actor) -> StoredAccount:
    """The signed-in account behind ``actor`` (not a token: tokens manage no account)."""
    if actor.account_id is None or actor.kind in ("local", "token"):
        raise ForbiddenError(
            Problem(
                "forbidden",
                "only a signed-in account may do this",
                field="account",
                allowed="sign in with the account's password",
            )
        )
    account = uow.accounts.get(actor.account_id)
    if account is None or account.disabled_at is not None:
        raise ForbiddenError(Problem("forbidden", "the account is disabled", field="account"))
    return account


def _ensure_admin(uow: AbstractUnitOfWork, actor: Actor) -> int | None:
    """The admin's account id (None: the local user, the CLI); ``ForbiddenError`` else."""
    if actor.kind == "local":
        return None
    account = _account_of(uow, actor)
    if not account.is_admin:
        raise ForbiddenError(
            Problem("forbidden", "only an admin manages accounts", field="account")
        )
    return account.id


# --------------------------------------------------------------------------- accounts


@dataclass(frozen=True, slots=True)
class AccountOut:
    id: int
    email: str
    display_name: str
    roles: tuple[str, ...]
    athlete_id: int | None
    has_password: bool
    created_at: dt.datetime
    disabled_at: dt.datetime | None


def _out(account: StoredAccount) -> AccountOut:
    roles = tuple(
        r
        for r, has in (
            ("admin", account.is_admin),
            ("coach", account.is_coach),
            ("athlete", not account.is_admin and not account.is_coach),
        )
        if has
    )
    return AccountOut(
        id=account.id,
        email=account.email,
        display_name=account.display_name,
        roles=roles,
        athlete_id=account.athlete_id,
        has_password=account.password_hash is not None,
        created_at=account.created_at,
        disabled_at=account.disabled_at,
    )


@dataclass(frozen=True, slots=True)
class NewAccount:
    account: AccountOut
    token: str
    """The one-time set-password token (shown once: the link /invite/TOKEN)."""


def create_account(
    ctx: ServiceContext,
    actor: Actor,
    email: str,
    role: str,
    display_name: str | None = None,
    athlete_id: int | None = None,
) -> NewAccount:
    """A new account without a password, and its one-time set-password link (an admin, or
    the local user at the command line for the first admin)."""
    address = check_email(email)
    chosen = _check_role(role)
    name = (display_name or address.split("@", 1)[0]).strip()[:NAME_MAX] or address
    token = secrets.token_urlsafe(32)
    with ctx.unit_of_work() as uow:
        admin_id = _ensure_admin(uow, actor)
        if athlete_id is not None:
            uow.athletes.get(athlete_id)  # NotFoundError for an unknown one
            if uow.accounts.by_athlete(athlete_id) is not None:
                raise ConflictError(
                    Problem(
                        "conflict",
                        "this athlete already belongs to an account",
                        field="athlete",
                        value=athlete_id,
                    )
                )
        account = uow.accounts.add(
            address,
            name,
            is_admin=chosen == "admin",
            is_coach=chosen == "coach",
            athlete_id=athlete_id,
        )
        uow.auth.add_one_time(
            _digest(token),
            "invitation",
            expires_at=_now() + INVITATION_VALID,
            account_id=account.id,
            role=chosen,
            invited_by=admin_id,
        )
        uow.commit()
    return NewAccount(_out(account), token)


def _usable_token(
    uow: AbstractUnitOfWork, token: str, purpose: str
) -> tuple[int, int | None, str | None, str | None]:
    stored = uow.auth.one_time_by_hash(_digest(token)) if token else None
    if (
        stored is None
        or stored.purpose != purpose
        or stored.used_at is not None
        or stored.expires_at <= _now()
    ):
        raise NotFoundError(
            Problem(
                "not_found",
                "this link is not valid: it was used already, has expired or was mistyped",
                field="token",
                allowed="a link from a message of the last hour (reset) or week (invitation)",
            )
        )
    return stored.id, stored.account_id, stored.email, stored.role


def invitation_account(ctx: ServiceContext, token: str) -> AccountOut:
    """The account an invitation link sets a password for (``NotFoundError`` if invalid)."""
    with ctx.unit_of_work(read_only=True) as uow:
        _, account_id, _, _ = _usable_token(uow, token, "invitation")
        account = uow.accounts.get(account_id) if account_id is not None else None
        if account is None:
            raise NotFoundError.about("token", "this link is not valid")
        return _out(account)


def accept_invitation(ctx: ServiceContext, token: str, password: str) -> AccountOut:
    """Set the invited account's password (the link works once)."""
    check_password(password)
    with ctx.unit_of_work(read_only=True) as uow:  # a bad link costs no hashing
        _usable_token(uow, token, "invitation")
    password_hash = hash_password(password)
    with ctx.unit_of_work() as uow:
        token_id, account_id, _, _ = _usable_token(uow, token, "invitation")
        account = uow.accounts.get(account_id) if account_id is not None else None
        if account is None or not uow.auth.use_one_time(token_id, _now()):
            raise NotFoundError.about("token", "this link is not valid")
        uow.accounts.set_password(account.id, password_hash)
        uow.commit()
    return _out(account)


def list_accounts(ctx: ServiceContext, actor: Actor) -> list[AccountOut]:
    with ctx.unit_of_work(read_only=True) as uow:
        _ensure_admin(uow, actor)
        return [_out(a) for a in uow.accounts.all()]


def set_disabled(ctx: ServiceContext, actor: Actor, account_id: int, disabled: bool) -> AccountOut:
    """Disable an account (its sessions end at once, its tokens stop working) or enable it."""
    with ctx.unit_of_work() as uow:
        admin_id = _ensure_admin(uow, actor)
        if admin_id == account_id and disabled:
            raise InputError.about(
                "account", "an admin cannot disable their own account", value=account_id
            )
        account = uow.accounts.get(account_id)
        if account is None:
            raise NotFoundError.about("account", "no such account", value=account_id)
        uow.accounts.set_disabled(account_id, _now() if disabled else None)
        if disabled:
            uow.auth.delete_sessions(account_id)
        uow.commit()
        updated = uow.accounts.get(account_id)
    assert updated is not None
    return _out(updated)


# --------------------------------------------------------------------------- login


@dataclass(frozen=True, slots=True)
class NewSession:
    token: str
    """The session cookie's value (never stored)."""
    csrf_token: str
    account: AccountOut


@dataclass(frozen=True, slots=True)
class SignedIn:
    actor: Actor
    session_id: int
    csrf_token: str
    account: AccountOut


def _refuse_if_locked(uow: AbstractUnitOfWork, keys: Iterable[str], now: dt.datetime) -> None:
    """``LockedOut`` when any of the throttle ``keys`` (an address, a client) is locked now:
    checked before anything is looked up or hashed (the login and the sign-up, D-88)."""
    for key in keys:
        until = _locked_until(uow.auth.throttle(key), now)
        if until is not None:
            raise LockedOut(until)


def _locked_until(state: ThrottleState | None, now: dt.datetime) -> dt.datetime | None:
    if state is None or state.locked_until is None or state.locked_until <= now:
        return None
    return state.locked_until


def _count_failure(uow: AbstractUnitOfWork, key: str, limit: int, now: dt.datetime) -> None:
    state = uow.auth.throttle(key, for_update=True)
    if state is None or now - state.window_start >= WINDOW:
        failures, start = 1, now
    else:
        failures, start = state.failures + 1, state.window_start
    locked = now + LOCK_FOR if failures >= limit else None
    if state is not None and (kept := _locked_until(state, now)) is not None:
        locked = max(kept, locked or kept)
    uow.auth.save_throttle(key, failures, start, locked)


def _keys(email: str, client_ip: str) -> tuple[str, str]:
    """The throttle's keys: the address (lower case, like the accounts' unique key) and
    the client's IP address."""
    return f"email:{email.strip().lower()[:EMAIL_MAX]}", f"ip:{client_ip[:45]}"


def throttle_keys_of(email: str) -> tuple[str, ...]:
    """Every ``login_throttle`` key named after the address ``email``: its failed logins
    (and sign-ups, change-password attempts) and its reset requests."""
    address_key = _keys(email, "")[0]
    return address_key, "reset:" + address_key


def forget_own_login(uow: AbstractUnitOfWork, athlete_id: int) -> int:
    """In the unit of work of an athlete's removal (D-107), before it: delete the
    ``login_throttle`` rows of the athlete's own account when the removal deletes that
    account (an athlete's only, not a coach's or an admin's, which stay). How many rows.
    The rows keyed by a client's IP address are not the account's and stay (they expire)."""
    account = uow.accounts.by_athlete(athlete_id)
    if account is None or account.is_coach or account.is_admin:
        return 0
    return uow.auth.delete_throttles(throttle_keys_of(account.email))


def login(
    ctx: ServiceContext,
    email: str,
    password: str,
    client_ip: str,
    old_session_token: str | None = None,
) -> NewSession:
    """A new session for the account, or ``LockedOut`` / ``LoginFailed``. The browser's
    previous session (``old_session_token``) ends: a login always rotates the session."""
    now = _now()
    email_key_, ip_key = _keys(email, client_ip)
    with ctx.unit_of_work(read_only=True) as uow:
        _refuse_if_locked(uow, (email_key_, ip_key), now)
        account = uow.accounts.by_email(email) if len(email) <= EMAIL_MAX else None
    candidate = account.password_hash if account is not None else None
    ok = verify_password(candidate, password[:PASSWORD_MAX])  # ~80 ms, outside any lock
    if not ok or account is None or account.disabled_at is not None:
        with ctx.unit_of_work() as uow:
            _count_failure(uow, email_key_, LOCK_AFTER, now)
            _count_failure(uow, ip_key, IP_LOCK_AFTER, now)
            uow.commit()
        raise LoginFailed(
            Problem(
                "unauthorized",
                "the e-mail address or the password is wrong",
                field="password",
                allowed="the account's address and password (or reset the password)",
            )
        )
    token = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    with ctx.unit_of_work() as uow:
        if old_session_token:
            uow.auth.delete_session(_digest(old_session_token))
        uow.auth.clear_throttle(email_key_)
        uow.auth.purge_expired(now)
        uow.auth.add_session(account.id, _digest(token), csrf, now + SESSION_IDLE)
        uow.commit()
    return NewSession(token, csrf, _out(account))


def session_actor(
    ctx: ServiceContext, token: str, now: dt.datetime | None = None
) -> SignedIn | None:
    """Who the session cookie ``token`` is, or None (unknown, expired, ended, disabled)."""
    if not token or len(token) > 100:
        return None
    when = now or _now()
    with ctx.unit_of_work(read_only=True) as uow:
        session = uow.auth.session_by_hash(_digest(token))
        if session is None or session.expires_at <= when:
            return None
        if when - session.created_at >= SESSION_MAX:
            return None
        account = uow.accounts.get(session.account_id)
        if account is None or account.disabled_at is not None:
            return None
        actor = actor_for_account(uow, account)
    if when - session.last_seen_at >= TOUCH_EVERY:
        with ctx.unit_of_work() as uow:
            uow.auth.touch_session(session.id, when, when + SESSION_IDLE)
            uow.commit()
    return SignedIn(actor, session.id, session.csrf_secret, _out(account))


def logout(ctx: ServiceContext, token: str) -> None:
    """End this session (nothing happens for an unknown one)."""
    with ctx.unit_of_work() as uow:
        uow.auth.delete_session(_digest(token))
        uow.commit()


def logout_everywhere(ctx: ServiceContext, actor: Actor) -> int:
    """End every session of the actor's account (this one too); how many ended."""
    with ctx.unit_of_work() as uow:
        account = _account_of(uow, actor)
        ended = uow.auth.delete_sessions(account.id)
        uow.commit()
    return ended


def sessions_of(ctx: ServiceContext, actor: Actor) -> list[StoredSession]:
    with ctx.unit_of_work(read_only=True) as uow:
        account = _account_of(uow, actor)
        return uow.auth.sessions(account.id)


def change_password(
    ctx: ServiceContext,
    actor: Actor,
    current: str,
    new: str,
    keep_session_id: int | None = None,
) -> None:
    """Change the password (the current one first); every other session ends."""
    check_password(new, "new_password")
    now = _now()
    with ctx.unit_of_work(read_only=True) as uow:
        account = _account_of(uow, actor)
        key = _keys(account.email, "")[0]
        until = _locked_until(uow.auth.throttle(key), now)
    if until is not None:  # the same lockout as the login's: no guessing from a session
        raise LockedOut(until)
    if not verify_password(account.password_hash, current[:PASSWORD_MAX]):
        with ctx.unit_of_work() as uow:
            _count_failure(uow, key, LOCK_AFTER, now)
            uow.commit()
        raise InputError.about("current_password", "is not the account's password")
    new_hash = hash_password(new)
    with ctx.unit_of_work() as uow:
        uow.accounts.set_password(account.id, new_hash)
        uow.auth.delete_sessions(account.id, keep=keep_session_id)
        uow.auth.retire_one_time(account.id, "password_reset", _now())
        uow.commit()


def request_password_reset(ctx: ServiceContext, mailer: Mailer, email: str, base_url: str) -> None:
    """Send a single-use reset link (valid ``RESET_VALID``) if the address has an enabled
    account; the same answer either way (nothing tells which addresses exist)."""
    from calfcoach.mail import Message

    if len(email) > EMAIL_MAX:
        return
    token = secrets.token_urlsafe(32)
    now = _now()
    with ctx.unit_of_work() as uow:
        account = uow.accounts.by_email(email)
        if account is None or account.disabled_at is not None:
            return
        key = throttle_keys_of(account.email)[1]
        state = uow.auth.throttle(key, for_update=True)
        if state is not None and now - state.window_start < WINDOW:
            if state.failures >= RESET_MAX:
                return  # no mail bombing: the same silent answer
            uow.auth.save_throttle(key, state.failures + 1, state.window_start, None)
        else:
            uow.auth.save_throttle(key, 1, now, None)
        uow.auth.purge_expired(now)
        uow.auth.retire_one_time(account.id, "password_reset", now)  # one live link at a time
        uow.auth.add_one_time(
            _digest(token), "password_reset", expires_at=now + RESET_VALID, account_id=account.id
        )
        uow.commit()
    link = f"{base_url.rstrip('/')}/reset/{token}"
    mailer.send(
        Message(
            to=account.email,
            subject="calfcoach: reset your password",
            body=(
                f"Someone asked to reset the password of {account.email} on calfcoach.\n"
                f"Open this link within {_minutes(RESET_VALID)} minutes to choose a new one "
                f"(it works once):\n\n{link}\n\nIf it was not you, ignore this message."
            ),
        )
    )


def reset_password(ctx: ServiceContext, token: str, new_password: str) -> AccountOut:
    """Set a new password with a reset link (once); every session of the account ends and
    its lockout is lifted."""
    check_password(new_password)
    with ctx.unit_of_work(read_only=True) as uow:  # a bad link costs no hashing
        _usable_token(uow, token, "password_reset")
    new_hash = hash_password(new_password)
    with ctx.unit_of_work() as uow:
        token_id, account_id, _, _ = _usable_token(uow, token, "password_reset")
        account = uow.accounts.get(account_id) if account_id is not None else None
        if account is None or account.disabled_at is not None:
            raise NotFoundError.about("token", "this link is not valid")
        if not uow.auth.use_one_time(token_id, _now()):
            raise NotFoundError.about("token", "this link was used already")
        uow.accounts.set_password(account.id, new_hash)
        uow.auth.delete_sessions(account.id)
        uow.auth.clear_throttle(_keys(account.email, "")[0])
        uow.commit()
    return _out(account)


def add_coach_link(
    ctx: ServiceContext, actor: Actor, coach_account_id: int, athlete_id: int
) -> None:
    """Link a coach to an athlete (an admin or the local user; the later phase's invitation
    flow adds the athlete's own acceptance)."""
    with ctx.unit_of_work() as uow:
        _ensure_admin(uow, actor)
        coach = uow.accounts.get(coach_account_id)
        if coach is None or not coach.is_coach:
            raise NotFoundError.about("coach", "no such coach", value=coach_account_id)
        uow.athletes.get(athlete_id)
        uow.accounts.add_coach_link(coach_account_id, athlete_id)
        uow.commit()


def account_id_of(ctx: ServiceContext, actor: Actor, email: str) -> int:
    """The id of the account of ``email`` (an admin or the local user)."""
    with ctx.unit_of_work(read_only=True) as uow:
        _ensure_admin(uow, actor)
        account = uow.accounts.by_email(email)
    if account is None:
        raise NotFoundError.about("email", "no account has this address", value=email[:60])
    return account.id


# --------------------------------------------------------------------------- sign-up


@dataclass(frozen=True, slots=True)
class SignedUp:
    account: AccountOut
    coach: CoachOut
    session: NewSession | None
    """The account's first session (the web page signs in); None when not asked (the API)."""


def check_display_name(name: str) -> str:
    text = " ".join(name.split())
    if not text:
        raise InputError.about("name", "is empty", allowed=f"1 to {NAME_MAX} characters")
    if len(text) > NAME_MAX:
        raise InputError.about("name", "is too long", allowed=f"1 to {NAME_MAX} characters")
    return text


def _sign_up_failed(ctx: ServiceContext, keys: Iterable[tuple[str, int]], now: dt.datetime) -> None:
    with ctx.unit_of_work() as uow:
        for key, limit in keys:
            _count_failure(uow, key, limit, now)
        uow.commit()


def sign_up(
    ctx: ServiceContext,
    token: str,
    name: str,
    email: str,
    password: str,
    client_ip: str,
    old_session_token: str | None = None,
    *,
    session: bool = True,
) -> SignedUp:
    """A person without an account signs up through a coach's invitation link (issue 9): an
    athlete's account (``name``, ``email``, a password of the same rules, argon2id), the
    invitation used by it in the same transaction, and its first session (signed in).
    The account has no athlete yet: onboarding adds it, and the coach follows from then
    (``coaching.link_claimed``, D-115).

    The lockout of the login (D-88) guards it: a locked address or client is refused
    before anything is checked or hashed (``LockedOut``); a link that is not valid (404)
    counts as a failure of the client, an address that has an account (409, at ``email``)
    of the client and of the address. The field checks (422) cost no hashing and are
    answered all at once, each at its field."""
    from calfcoach.services.coaching import inviting_coach, usable_invitation

    now = _now()
    email_key_, ip_key = _keys(email, client_ip)
    with ctx.unit_of_work(read_only=True) as uow:
        _refuse_if_locked(uow, (email_key_, ip_key), now)
        bad_link: NotFoundError | None = None
        try:
            inviting_coach(uow, token)
        except NotFoundError as error:
            bad_link = error
    if bad_link is not None:  # counted like a failed login of the client
        _sign_up_failed(ctx, [(ip_key, IP_LOCK_AFTER)], now)
        raise bad_link
    problems: list[Problem] = []
    checked: dict[str, str] = {}
    for field, check, value in (
        ("name", check_display_name, name),
        ("email", check_email, email),
        ("password", check_password, password),
    ):
        try:
            checked[field] = check(value)
        except InputError as error:
            problems.extend(error.details)
    if problems:
        raise InputError(*problems)
    with ctx.unit_of_work(read_only=True) as uow:
        taken = uow.accounts.by_email(checked["email"]) is not None
    if taken:
        _sign_up_failed(ctx, [(email_key_, LOCK_AFTER), (ip_key, IP_LOCK_AFTER)], now)
        raise ConflictError(
            Problem(
                "conflict",
                "an account has this address already: sign in, then open the link again "
                "to accept the coach",
                field="email",
                allowed="an address without an account",
            )
        )
    password_hash = hash_password(password)  # ~80 ms, outside any transaction
    session_token = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    with ctx.unit_of_work() as uow:
        coach = inviting_coach(uow, token, for_update=True)  # used meanwhile: 404
        invitation_id = usable_invitation(uow, token)
        account = uow.accounts.add(
            checked["email"], checked["name"], password_hash=password_hash
        )  # ConflictError (email) if taken meanwhile: nothing is written
        if not uow.coaching.claim_invitation(invitation_id, account.id, now):
            raise NotFoundError.about("token", "this invitation was used already")
        if old_session_token:
            uow.auth.delete_session(_digest(old_session_token))
        uow.auth.purge_expired(now)
        if session:
            uow.auth.add_session(account.id, _digest(session_token), csrf, now + SESSION_IDLE)
        uow.commit()
    out = _out(account)
    return SignedUp(out, coach, NewSession(session_token, csrf, out) if session else None)
