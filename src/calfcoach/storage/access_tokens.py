"""Personal access tokens (issue 8, part 3): the SHA-256 of each token, its name and scopes.

The token itself is made and hashed by ``services/tokens.py``; this repository only keeps
hashes. A revoked token keeps its row with ``revoked_at`` set.
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from dataclasses import dataclass

from sqlalchemy import select, update

from calfcoach.storage.orm import AccessTokenRow
from calfcoach.storage.repositories import _SqlRepository

__all__ = ["AbstractAccessTokenRepository", "AccessTokenRepository", "StoredToken"]


@dataclass(frozen=True, slots=True)
class StoredToken:
    id: int
    name: str
    scopes: tuple[str, ...]
    account_id: int | None
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None


class AbstractAccessTokenRepository(ABC):
    @abstractmethod
    def add(
        self,
        name: str,
        token_hash: str,
        scopes: tuple[str, ...],
        account_id: int | None = None,
    ) -> StoredToken:
        """Store a new token's hash (``account_id``: the account it acts for; None: the local
        user's)."""

    @abstractmethod
    def all(self, account_id: int | None = None) -> list[StoredToken]:
        """Every token of the account (None: the local user's, those without an account),
        revoked ones too, oldest first."""

    @abstractmethod
    def by_hash(self, token_hash: str) -> StoredToken | None:
        """The token with this hash (revoked or not), or None."""

    @abstractmethod
    def touch(self, token_id: int, when: dt.datetime) -> None:
        """Record that the token was used at ``when``."""

    @abstractmethod
    def revoke(self, token_id: int) -> StoredToken | None:
        """Revoke the token (it stays listed); None when there is no such token. Revoking
        a revoked token keeps its first revocation time."""


def _stored(row: AccessTokenRow) -> StoredToken:
    return StoredToken(
        id=row.id,
        name=row.name,
        scopes=tuple(row.scopes.split()),
        account_id=row.account_id,
        created_at=row.created_at,
        last_used_at=row.last_used_at,
        revoked_at=row.revoked_at,
    )


class AccessTokenRepository(_SqlRepository, AbstractAccessTokenRepository):
    def add(
        self,
        name: str,
        token_hash: str,
        scopes: tuple[str, ...],
        account_id: int | None = None,
    ) -> StoredToken:
        row = AccessTokenRow(
            name=name,
            token_hash=token_hash,
            scopes=" ".join(scopes),
            account_id=account_id,
            created_at=self._clock(),
        )
        with self._write("store the access token"):
            self._session.add(row)
            self._session.flush()
        return _stored(row)

    def all(self, account_id: int | None = None) -> list[StoredToken]:
        owner = (
            AccessTokenRow.account_id.is_(None)
            if account_id is None
            else AccessTokenRow.account_id == account_id
        )
        rows = self._session.scalars(
            select(AccessTokenRow).where(owner).order_by(AccessTokenRow.id)
        )
        return [_stored(row) for row in rows]

    def by_hash(self, token_hash: str) -> StoredToken | None:
        row = self._session.scalar(
            select(AccessTokenRow).where(AccessTokenRow.token_hash == token_hash)
        )
        return None if row is None else _stored(row)

    def touch(self, token_id: int, when: dt.datetime) -> None:
        with self._write("record the access token's use"):
            self._session.execute(
                update(AccessTokenRow)
                .where(AccessTokenRow.id == token_id)
                .values(last_used_at=when)
                .execution_options(synchronize_session=False)
            )

    def revoke(self, token_id: int) -> StoredToken | None:
        row = self._session.get(AccessTokenRow, token_id)
        if row is None:
            return None
        if row.revoked_at is None:
            with self._write("revoke the access token"):
                row.revoked_at = self._clock()
                self._session.flush()
        return _stored(row)
