"""Calendar subscription tokens (issue 8, part 2): the SHA-256 of each athlete's ICS token.

The token itself is made and hashed by ``services/calendar_feed.py``; this repository only
keeps hashes: one per athlete, replaced when rotated.
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod

from sqlalchemy import delete, select

from calfcoach.storage.orm import CalendarTokenRow
from calfcoach.storage.repositories import _SqlRepository

__all__ = ["AbstractCalendarTokenRepository", "CalendarTokenRepository"]


class AbstractCalendarTokenRepository(ABC):
    @abstractmethod
    def replace(self, athlete_id: int, token_hash: str) -> dt.datetime:
        """Store ``token_hash`` as the athlete's only token (an older one stops working);
        when it was made."""

    @abstractmethod
    def created_at(self, athlete_id: int) -> dt.datetime | None:
        """When the athlete's token was made; None when they have none."""

    @abstractmethod
    def athlete_for(self, token_hash: str) -> int | None:
        """The athlete whose token has this hash, or None."""

    @abstractmethod
    def remove(self, athlete_id: int) -> bool:
        """Drop the athlete's token (the address stops working); whether there was one."""


class CalendarTokenRepository(_SqlRepository, AbstractCalendarTokenRepository):
    def replace(self, athlete_id: int, token_hash: str) -> dt.datetime:
        now = self._clock()
        with self._write("store the calendar address"):
            self._session.execute(
                delete(CalendarTokenRow).where(CalendarTokenRow.athlete_id == athlete_id)
            )
            self._session.add(
                CalendarTokenRow(athlete_id=athlete_id, token_hash=token_hash, created_at=now)
            )
            self._session.flush()
        return now

    def created_at(self, athlete_id: int) -> dt.datetime | None:
        return self._session.scalar(
            select(CalendarTokenRow.created_at).where(CalendarTokenRow.athlete_id == athlete_id)
        )

    def athlete_for(self, token_hash: str) -> int | None:
        return self._session.scalar(
            select(CalendarTokenRow.athlete_id).where(CalendarTokenRow.token_hash == token_hash)
        )

    def remove(self, athlete_id: int) -> bool:
        with self._write("remove the calendar address"):
            result = self._session.execute(
                delete(CalendarTokenRow).where(CalendarTokenRow.athlete_id == athlete_id)
            )
        return bool(getattr(result, "rowcount", 0))
