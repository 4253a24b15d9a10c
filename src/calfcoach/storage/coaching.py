"""The coach's flows in storage (issue 9, part 3): invitation links (their SHA-256 only),
coaches' notes and comments, the audit trail of coaches' changes. Storage only: expiry,
who may do what and what is recorded are ``services/coaching.py``'s and
``services/audit.py``'s business."""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update

from calfcoach.storage.orm import (
    AthleteRow,
    AuditEventRow,
    CoachInvitationRow,
    CoachLinkRow,
    CoachNoteRow,
)
from calfcoach.storage.repositories import _SqlRepository

__all__ = [
    "AbstractCoachingRepository",
    "CoachingRepository",
    "StoredAuditEvent",
    "StoredCoachNote",
    "StoredInvitation",
]


@dataclass(frozen=True, slots=True)
class StoredInvitation:
    id: int
    coach_account_id: int
    created_at: dt.datetime
    expires_at: dt.datetime
    used_at: dt.datetime | None
    athlete_id: int | None
    account_id: int | None = None
    """The account that signed up through it (D-115)."""


@dataclass(frozen=True, slots=True)
class StoredCoachNote:
    id: int
    athlete_id: int
    coach_account_id: int | None
    coach_name: str
    day: dt.date | None
    text: str
    created_at: dt.datetime


@dataclass(frozen=True, slots=True)
class StoredAuditEvent:
    id: int
    athlete_id: int
    actor_account_id: int | None
    actor_name: str
    at: dt.datetime
    what: str
    before: Any
    after: Any


class AbstractCoachingRepository(ABC):
    @abstractmethod
    def add_invitation(
        self, token_hash: str, coach_account_id: int, expires_at: dt.datetime
    ) -> StoredInvitation: ...

    @abstractmethod
    def invitation_by_hash(
        self, token_hash: str, *, for_update: bool = False
    ) -> StoredInvitation | None: ...

    @abstractmethod
    def use_invitation(self, invitation_id: int, athlete_id: int, when: dt.datetime) -> bool:
        """Mark it used by ``athlete_id``; False if it was used already (a race)."""

    @abstractmethod
    def claim_invitation(self, invitation_id: int, account_id: int, when: dt.datetime) -> bool:
        """Mark it used by a new account, which has no athlete yet (sign-up through the
        link); False if it was used already (a race)."""

    @abstractmethod
    def claimed_by(self, account_id: int) -> list[StoredInvitation]:
        """The invitations the account signed up through whose athlete is not set yet."""

    @abstractmethod
    def set_invitation_athlete(self, invitation_id: int, athlete_id: int) -> None:
        """The athlete a claimed invitation's account added (onboarding)."""

    @abstractmethod
    def coaches_of(self, athlete_id: int) -> list[int]:
        """The account ids of the coaches who follow the athlete now (an active link)."""

    @abstractmethod
    def followed_once(self, coach_account_id: int, athlete_id: int) -> bool:
        """Whether the coach follows or once followed the athlete (any ``coach_links``)."""

    @abstractmethod
    def add_note(
        self,
        athlete_id: int,
        coach_account_id: int | None,
        coach_name: str,
        day: dt.date | None,
        text: str,
    ) -> StoredCoachNote: ...

    @abstractmethod
    def notes(self, athlete_id: int, day: dt.date | None = None) -> list[StoredCoachNote]:
        """The athlete's notes, oldest first; with ``day`` only those of that day and the
        plan notes (``day`` NULL)."""

    @abstractmethod
    def add_event(
        self,
        athlete_id: int,
        actor_account_id: int | None,
        actor_name: str,
        what: str,
        before: Any,
        after: Any,
    ) -> StoredAuditEvent: ...

    @abstractmethod
    def events(self, athlete_id: int) -> list[StoredAuditEvent]:
        """The athlete's audit trail, newest first."""


def _invitation(row: CoachInvitationRow) -> StoredInvitation:
    return StoredInvitation(
        row.id,
        row.coach_account_id,
        row.created_at,
        row.expires_at,
        row.used_at,
        row.athlete_id,
        row.account_id,
    )


def _note(row: CoachNoteRow) -> StoredCoachNote:
    return StoredCoachNote(
        row.id,
        row.athlete_id,
        row.coach_account_id,
        row.coach_name,
        row.day,
        row.text,
        row.created_at,
    )


def _event(row: AuditEventRow) -> StoredAuditEvent:
    return StoredAuditEvent(
        row.id,
        row.athlete_id,
        row.actor_account_id,
        row.actor_name,
        row.at,
        row.what,
        row.before,
        row.after,
    )


class CoachingRepository(_SqlRepository, AbstractCoachingRepository):
    def add_invitation(
        self, token_hash: str, coach_account_id: int, expires_at: dt.datetime
    ) -> StoredInvitation:
        row = CoachInvitationRow(
            token_hash=token_hash,
            coach_account_id=coach_account_id,
            created_at=self._clock(),
            expires_at=expires_at,
        )
        with self._write("store the invitation"):
            self._session.add(row)
            self._session.flush()
        return _invitation(row)

    def invitation_by_hash(
        self, token_hash: str, *, for_update: bool = False
    ) -> StoredInvitation | None:
        statement = select(CoachInvitationRow).where(CoachInvitationRow.token_hash == token_hash)
        if for_update:
            statement = statement.with_for_update()
        row = self._session.scalars(statement).first()
        return None if row is None else _invitation(row)

    def use_invitation(self, invitation_id: int, athlete_id: int, when: dt.datetime) -> bool:
        with self._write("use the invitation"):
            result = self._session.execute(
                update(CoachInvitationRow)
                .where(CoachInvitationRow.id == invitation_id, CoachInvitationRow.used_at.is_(None))
                .values(used_at=when, athlete_id=athlete_id)
                .execution_options(synchronize_session=False)
            )
        return int(getattr(result, "rowcount", 0) or 0) == 1

    def claim_invitation(self, invitation_id: int, account_id: int, when: dt.datetime) -> bool:
        with self._write("use the invitation"):
            result = self._session.execute(
                update(CoachInvitationRow)
                .where(CoachInvitationRow.id == invitation_id, CoachInvitationRow.used_at.is_(None))
                .values(used_at=when, account_id=account_id)
                .execution_options(synchronize_session=False)
            )
        return int(getattr(result, "rowcount", 0) or 0) == 1

    def claimed_by(self, account_id: int) -> list[StoredInvitation]:
        rows = self._session.scalars(
            select(CoachInvitationRow)
            .where(
                CoachInvitationRow.account_id == account_id,
                CoachInvitationRow.athlete_id.is_(None),
                CoachInvitationRow.used_at.is_not(None),
            )
            .order_by(CoachInvitationRow.id)
        )
        return [_invitation(row) for row in rows]

    def set_invitation_athlete(self, invitation_id: int, athlete_id: int) -> None:
        with self._write("link the invitation to the athlete"):
            self._session.execute(
                update(CoachInvitationRow)
                .where(CoachInvitationRow.id == invitation_id)
                .values(athlete_id=athlete_id)
                .execution_options(synchronize_session=False)
            )

    def coaches_of(self, athlete_id: int) -> list[int]:
        ids = self._session.scalars(
            select(CoachLinkRow.coach_account_id)
            .where(CoachLinkRow.athlete_id == athlete_id, CoachLinkRow.ended_at.is_(None))
            .order_by(CoachLinkRow.started_at)
        )
        return list(dict.fromkeys(ids))

    def followed_once(self, coach_account_id: int, athlete_id: int) -> bool:
        found = self._session.scalars(
            select(CoachLinkRow.id).where(
                CoachLinkRow.coach_account_id == coach_account_id,
                CoachLinkRow.athlete_id == athlete_id,
            )
        ).first()
        return found is not None

    def add_note(
        self,
        athlete_id: int,
        coach_account_id: int | None,
        coach_name: str,
        day: dt.date | None,
        text: str,
    ) -> StoredCoachNote:
        self._require_athlete(athlete_id)
        row = CoachNoteRow(
            athlete_id=athlete_id,
            coach_account_id=coach_account_id,
            coach_name=coach_name,
            day=day,
            text=text,
            created_at=self._clock(),
        )
        with self._write("store the coach's note"):
            self._session.add(row)
            self._session.flush()
            # The pages stored for the athlete (Today) show the notes: they are made anew.
            self._session.execute(
                update(AthleteRow)
                .where(AthleteRow.id == athlete_id)
                .values(data_revision=AthleteRow.data_revision + 1)
                .execution_options(synchronize_session=False)
            )
        return _note(row)

    def notes(self, athlete_id: int, day: dt.date | None = None) -> list[StoredCoachNote]:
        statement = select(CoachNoteRow).where(CoachNoteRow.athlete_id == athlete_id)
        if day is not None:
            statement = statement.where((CoachNoteRow.day == day) | CoachNoteRow.day.is_(None))
        rows = self._session.scalars(statement.order_by(CoachNoteRow.id))
        return [_note(row) for row in rows]

    def add_event(
        self,
        athlete_id: int,
        actor_account_id: int | None,
        actor_name: str,
        what: str,
        before: Any,
        after: Any,
    ) -> StoredAuditEvent:
        row = AuditEventRow(
            athlete_id=athlete_id,
            actor_account_id=actor_account_id,
            actor_name=actor_name,
            at=self._clock(),
            what=what,
            before=before,
            after=after,
        )
        with self._write("record the change in the audit trail"):
            self._session.add(row)
            self._session.flush()
        return _event(row)

    def events(self, athlete_id: int) -> list[StoredAuditEvent]:
        rows = self._session.scalars(
            select(AuditEventRow)
            .where(AuditEventRow.athlete_id == athlete_id)
            .order_by(AuditEventRow.id.desc())
        )
        return [_event(row) for row in rows]
