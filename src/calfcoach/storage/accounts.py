"""Accounts and what signing in needs (issue 9): accounts and coach links, sessions, the
login throttle and one-time tokens. Storage only: hashing, lockout numbers, expiry and who
may do what are ``services/accounts.py``'s business.

Every secret is stored as its SHA-256 (session tokens, one-time tokens) or its argon2id hash
(passwords, made by the service); nothing here ever sees a password or a token.
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import delete, select, update

from calfcoach.errors import ConflictError, InputError, Problem
from calfcoach.storage.orm import (
    AccountRow,
    AuthSessionRow,
    CoachLinkRow,
    LoginThrottleRow,
    OneTimeTokenRow,
)
from calfcoach.storage.repositories import _SqlRepository

__all__ = [
    "AbstractAccountRepository",
    "AbstractAuthRepository",
    "AccountRepository",
    "AuthRepository",
    "StoredAccount",
    "StoredOneTimeToken",
    "StoredSession",
    "ThrottleState",
    "email_key",
]


def email_key(email: str) -> str:
    """The unique form of an e-mail address: trimmed, lower case."""
    return email.strip().lower()


@dataclass(frozen=True, slots=True)
class StoredAccount:
    id: int
    email: str
    display_name: str
    password_hash: str | None
    is_admin: bool
    is_coach: bool
    athlete_id: int | None
    created_at: dt.datetime
    disabled_at: dt.datetime | None


@dataclass(frozen=True, slots=True)
class StoredSession:
    id: int
    account_id: int
    csrf_secret: str
    created_at: dt.datetime
    last_seen_at: dt.datetime
    expires_at: dt.datetime


@dataclass(frozen=True, slots=True)
class ThrottleState:
    key: str
    failures: int
    window_start: dt.datetime
    locked_until: dt.datetime | None


@dataclass(frozen=True, slots=True)
class StoredOneTimeToken:
    id: int
    purpose: str
    account_id: int | None
    email: str | None
    role: str | None
    invited_by: int | None
    created_at: dt.datetime
    expires_at: dt.datetime
    used_at: dt.datetime | None


class AbstractAccountRepository(ABC):
    @abstractmethod
    def add(
        self,
        email: str,
        display_name: str,
        *,
        is_admin: bool = False,
        is_coach: bool = False,
        athlete_id: int | None = None,
        password_hash: str | None = None,
    ) -> StoredAccount:
        """A new account; ``ConflictError`` when the address (in any case) has one."""

    @abstractmethod
    def get(self, account_id: int) -> StoredAccount | None: ...

    @abstractmethod
    def by_email(self, email: str) -> StoredAccount | None:
        """The account of this address, in any case, or None."""

    @abstractmethod
    def by_athlete(self, athlete_id: int) -> StoredAccount | None: ...

    @abstractmethod
    def all(self) -> list[StoredAccount]:
        """Every account, disabled ones too, oldest first."""

    @abstractmethod
    def set_password(self, account_id: int, password_hash: str) -> None: ...

    @abstractmethod
    def set_disabled(self, account_id: int, when: dt.datetime | None) -> None:
        """Disable the account at ``when`` (None: enable it again)."""

    @abstractmethod
    def link_athlete(self, account_id: int, athlete_id: int) -> None:
        """Make ``athlete_id`` the account's own athlete."""

    @abstractmethod
    def add_coach_link(self, coach_account_id: int, athlete_id: int) -> None:
        """The coach follows the athlete from now (a later phase's invitation flow)."""

    @abstractmethod
    def end_coach_link(self, coach_account_id: int, athlete_id: int) -> int:
        """End the coach's active links to the athlete; how many were ended."""

    @abstractmethod
    def coached_athletes(self, coach_account_id: int) -> frozenset[int]:
        """The athletes the coach follows now (active links only)."""


class AbstractAuthRepository(ABC):
    # sessions
    @abstractmethod
    def add_session(
        self, account_id: int, token_hash: str, csrf_secret: str, expires_at: dt.datetime
    ) -> StoredSession: ...

    @abstractmethod
    def session_by_hash(self, token_hash: str) -> StoredSession | None: ...

    @abstractmethod
    def touch_session(
        self, session_id: int, when: dt.datetime, expires_at: dt.datetime
    ) -> None: ...

    @abstractmethod
    def delete_session(self, token_hash: str) -> None: ...

    @abstractmethod
    def delete_sessions(self, account_id: int, keep: int | None = None) -> int:
        """Delete every session of the account but ``keep`` (logout everywhere); how many."""

    @abstractmethod
    def sessions(self, account_id: int) -> list[StoredSession]: ...

    @abstractmethod
    def purge_expired(self, now: dt.datetime) -> None:
        """Delete what can no longer be used: expired sessions, one-time tokens expired a
        day ago, throttle counts whose window and lockout are a day past."""

    # throttle
    @abstractmethod
    def throttle(self, key: str, *, for_update: bool = False) -> ThrottleState | None:
        """The failures counted for ``key``; ``for_update`` locks the row (PostgreSQL) until
        the unit of work ends, so two workers count one failure each."""

    @abstractmethod
    def save_throttle(
        self,
        key: str,
        failures: int,
        window_start: dt.datetime,
        locked_until: dt.datetime | None,
    ) -> None:
        """Store the count of ``key`` (a new row for its first failure)."""

    @abstractmethod
    def clear_throttle(self, key: str) -> None: ...

    @abstractmethod
    def delete_throttles(self, keys: Iterable[str]) -> int:
        """Delete the rows of these keys (an account deleted: its counts go too); how many."""

    # one-time tokens
    @abstractmethod
    def add_one_time(
        self,
        token_hash: str,
        purpose: str,
        *,
        expires_at: dt.datetime,
        account_id: int | None = None,
        email: str | None = None,
        role: str | None = None,
        invited_by: int | None = None,
    ) -> StoredOneTimeToken: ...

    @abstractmethod
    def one_time_by_hash(self, token_hash: str) -> StoredOneTimeToken | None:
        """The token (locked until the unit of work ends, so it is used once), or None."""

    @abstractmethod
    def use_one_time(self, token_id: int, when: dt.datetime) -> bool:
        """Mark the token used; False when it already was (another request won)."""

    @abstractmethod
    def retire_one_time(self, account_id: int, purpose: str, when: dt.datetime) -> None:
        """Mark every unused token of the account for ``purpose`` used (a new one replaces
        them; a changed password ends the reset links)."""


def _account(row: AccountRow) -> StoredAccount:
    return StoredAccount(
        id=row.id,
        email=row.email,
        display_name=row.display_name,
        password_hash=row.password_hash,
        is_admin=row.is_admin,
        is_coach=row.is_coach,
        athlete_id=row.athlete_id,
        created_at=row.created_at,
        disabled_at=row.disabled_at,
    )


def _session(row: AuthSessionRow) -> StoredSession:
    return StoredSession(
        id=row.id,
        account_id=row.account_id,
        csrf_secret=row.csrf_secret,
        created_at=row.created_at,
        last_seen_at=row.last_seen_at,
        expires_at=row.expires_at,
    )


def _one_time(row: OneTimeTokenRow) -> StoredOneTimeToken:
    return StoredOneTimeToken(
        id=row.id,
        purpose=row.purpose,
        account_id=row.account_id,
        email=row.email,
        role=row.role,
        invited_by=row.invited_by,
        created_at=row.created_at,
        expires_at=row.expires_at,
        used_at=row.used_at,
    )


class AccountRepository(_SqlRepository, AbstractAccountRepository):
    def add(
        self,
        email: str,
        display_name: str,
        *,
        is_admin: bool = False,
        is_coach: bool = False,
        athlete_id: int | None = None,
        password_hash: str | None = None,
    ) -> StoredAccount:
        if self.by_email(email) is not None:
            raise ConflictError(
                Problem(
                    "conflict",
                    "an account with this e-mail address exists",
                    field="email",
                    value=email,
                    allowed="an address without an account",
                )
            )
        row = AccountRow(
            email=email.strip(),
            email_key=email_key(email),
            display_name=display_name,
            password_hash=password_hash,
            is_admin=is_admin,
            is_coach=is_coach,
            athlete_id=athlete_id,
            created_at=self._clock(),
        )
        with self._write("add the account"):
            self._session.add(row)
            self._session.flush()
        return _account(row)

    def get(self, account_id: int) -> StoredAccount | None:
        row = self._session.get(AccountRow, account_id)
        return None if row is None else _account(row)

    def by_email(self, email: str) -> StoredAccount | None:
        row = self._session.scalar(
            select(AccountRow).where(AccountRow.email_key == email_key(email))
        )
        return None if row is None else _account(row)

    def by_athlete(self, athlete_id: int) -> StoredAccount | None:
        row = self._session.scalar(select(AccountRow).where(AccountRow.athlete_id == athlete_id))
        return None if row is None else _account(row)

    def all(self) -> list[StoredAccount]:
        return [
            _account(r) for r in self._session.scalars(select(AccountRow).order_by(AccountRow.id))
        ]

    def _update(self, account_id: int, what: str, **values: object) -> None:
        with self._write(what):
            self._session.execute(
                update(AccountRow)
                .where(AccountRow.id == account_id)
                .values(**values)
                .execution_options(synchronize_session=False)
            )

    def set_password(self, account_id: int, password_hash: str) -> None:
        self._update(account_id, "set the password", password_hash=password_hash)

    def set_disabled(self, account_id: int, when: dt.datetime | None) -> None:
        self._update(account_id, "disable the account", disabled_at=when)

    def link_athlete(self, account_id: int, athlete_id: int) -> None:
        self._update(account_id, "link the athlete to the account", athlete_id=athlete_id)

    def add_coach_link(self, coach_account_id: int, athlete_id: int) -> None:
        row = CoachLinkRow(
            coach_account_id=coach_account_id, athlete_id=athlete_id, started_at=self._clock()
        )
        with self._write("link the coach to the athlete"):
            self._session.add(row)

    def end_coach_link(self, coach_account_id: int, athlete_id: int) -> int:
        with self._write("end the coach's link"):
            result = self._session.execute(
                update(CoachLinkRow)
                .where(
                    CoachLinkRow.coach_account_id == coach_account_id,
                    CoachLinkRow.athlete_id == athlete_id,
                    CoachLinkRow.ended_at.is_(None),
                )
                .values(ended_at=self._clock())
                .execution_options(synchronize_session=False)
            )
        return int(getattr(result, "rowcount", 0) or 0)

    def coached_athletes(self, coach_account_id: int) -> frozenset[int]:
        ids = self._session.scalars(
            select(CoachLinkRow.athlete_id).where(
                CoachLinkRow.coach_account_id == coach_account_id,
                CoachLinkRow.ended_at.is_(None),
            )
        )
        return frozenset(ids)


class AuthRepository(_SqlRepository, AbstractAuthRepository):
    def add_session(
        self, account_id: int, token_hash: str, csrf_secret: str, expires_at: dt.datetime
    ) -> StoredSession:
        now = self._clock()
        row = AuthSessionRow(
            token_hash=token_hash,
            account_id=account_id,
            csrf_secret=csrf_secret,
            created_at=now,
            last_seen_at=now,
            expires_at=expires_at,
        )
        with self._write("store the session"):
            self._session.add(row)
            self._session.flush()
        return _session(row)

    def session_by_hash(self, token_hash: str) -> StoredSession | None:
        row = self._session.scalar(
            select(AuthSessionRow).where(AuthSessionRow.token_hash == token_hash)
        )
        return None if row is None else _session(row)

    def touch_session(self, session_id: int, when: dt.datetime, expires_at: dt.datetime) -> None:
        with self._write("record the session's use"):
            self._session.execute(
                update(AuthSessionRow)
                .where(AuthSessionRow.id == session_id)
                .values(last_seen_at=when, expires_at=expires_at)
                .execution_options(synchronize_session=False)
            )

    def delete_session(self, token_hash: str) -> None:
        with self._write("end the session"):
            self._session.execute(
                delete(AuthSessionRow).where(AuthSessionRow.token_hash == token_hash)
            )

    def delete_sessions(self, account_id: int, keep: int | None = None) -> int:
        query = delete(AuthSessionRow).where(AuthSessionRow.account_id == account_id)
        if keep is not None:
            query = query.where(AuthSessionRow.id != keep)
        with self._write("end the account's sessions"):
            result = self._session.execute(query)
        return int(getattr(result, "rowcount", 0) or 0)

    def sessions(self, account_id: int) -> list[StoredSession]:
        rows = self._session.scalars(
            select(AuthSessionRow)
            .where(AuthSessionRow.account_id == account_id)
            .order_by(AuthSessionRow.id)
        )
        return [_session(r) for r in rows]

    def purge_expired(self, now: dt.datetime) -> None:
        day_ago = now - dt.timedelta(days=1)
        with self._write("purge expired sessions and links"):
            self._session.execute(delete(AuthSessionRow).where(AuthSessionRow.expires_at <= now))
            self._session.execute(
                delete(OneTimeTokenRow).where(OneTimeTokenRow.expires_at <= day_ago)
            )
            self._session.execute(
                delete(LoginThrottleRow).where(
                    LoginThrottleRow.window_start <= day_ago,
                    (LoginThrottleRow.locked_until.is_(None))
                    | (LoginThrottleRow.locked_until <= day_ago),
                )
            )

    def throttle(self, key: str, *, for_update: bool = False) -> ThrottleState | None:
        query = select(LoginThrottleRow).where(LoginThrottleRow.key == key)
        if for_update:
            query = query.with_for_update()
        row = self._session.scalar(query)
        if row is None:
            return None
        return ThrottleState(row.key, row.failures, row.window_start, row.locked_until)

    def save_throttle(
        self,
        key: str,
        failures: int,
        window_start: dt.datetime,
        locked_until: dt.datetime | None,
    ) -> None:
        state = ThrottleState(key, failures, window_start, locked_until)
        row = self._session.scalar(
            select(LoginThrottleRow).where(LoginThrottleRow.key == state.key)
        )
        try:
            with self._write("count the failed login"):
                if row is None:
                    self._session.add(
                        LoginThrottleRow(
                            key=state.key,
                            failures=state.failures,
                            window_start=state.window_start,
                            locked_until=state.locked_until,
                        )
                    )
                else:
                    row.failures = state.failures
                    row.window_start = state.window_start
                    row.locked_until = state.locked_until
                self._session.flush()
        except InputError:
            # Another worker inserted the key's first failure at the same moment: count on
            # its row (locked, so the two counts add up).
            again = self._session.scalar(
                select(LoginThrottleRow).where(LoginThrottleRow.key == state.key).with_for_update()
            )
            if again is not None:
                with self._write("count the failed login"):
                    again.failures += state.failures
                    if state.locked_until is not None:
                        again.locked_until = state.locked_until

    def clear_throttle(self, key: str) -> None:
        with self._write("clear the failed logins"):
            self._session.execute(delete(LoginThrottleRow).where(LoginThrottleRow.key == key))

    def delete_throttles(self, keys: Iterable[str]) -> int:
        wanted = sorted(set(keys))
        if not wanted:
            return 0
        with self._write("delete the account's login counts"):
            result = self._session.execute(
                delete(LoginThrottleRow)
                .where(LoginThrottleRow.key.in_(wanted))
                .execution_options(synchronize_session=False)
            )
        return int(getattr(result, "rowcount", 0) or 0)

    def add_one_time(
        self,
        token_hash: str,
        purpose: str,
        *,
        expires_at: dt.datetime,
        account_id: int | None = None,
        email: str | None = None,
        role: str | None = None,
        invited_by: int | None = None,
    ) -> StoredOneTimeToken:
        row = OneTimeTokenRow(
            token_hash=token_hash,
            purpose=purpose,
            account_id=account_id,
            email=email,
            role=role,
            invited_by=invited_by,
            created_at=self._clock(),
            expires_at=expires_at,
        )
        with self._write("store the one-time token"):
            self._session.add(row)
            self._session.flush()
        return _one_time(row)

    def one_time_by_hash(self, token_hash: str) -> StoredOneTimeToken | None:
        row = self._session.scalar(
            select(OneTimeTokenRow)
            .where(OneTimeTokenRow.token_hash == token_hash)
            .with_for_update()
        )
        return None if row is None else _one_time(row)

    def use_one_time(self, token_id: int, when: dt.datetime) -> bool:
        with self._write("use the one-time token"):
            result = self._session.execute(
                update(OneTimeTokenRow)
                .where(OneTimeTokenRow.id == token_id, OneTimeTokenRow.used_at.is_(None))
                .values(used_at=when)
                .execution_options(synchronize_session=False)
            )
        return int(getattr(result, "rowcount", 0) or 0) == 1

    def retire_one_time(self, account_id: int, purpose: str, when: dt.datetime) -> None:
        with self._write("retire the one-time tokens"):
            self._session.execute(
                update(OneTimeTokenRow)
                .where(
                    OneTimeTokenRow.account_id == account_id,
                    OneTimeTokenRow.purpose == purpose,
                    OneTimeTokenRow.used_at.is_(None),
                )
                .values(used_at=when)
                .execution_options(synchronize_session=False)
            )
