"""Imported runs and planned calendar events (issue 10): records and repositories.

A run is stored with the columns lists and totals read (start, kind, distance, moving time,
load and its basis, heart rate, source file) and the whole validated ``Activity`` as JSON, so
the core rules (weekly totals, the spike check, RUN-DUP-1) recompute from exactly what was
read. The fingerprint (SHA-256 of the file) is unique per athlete. Planned events are the
runs and races of an imported calendar; a re-import of one calendar replaces its events.
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from collections.abc import Sequence

from sqlalchemy import delete, select

from calfcoach.core.models import STORED, Race, RunKind
from calfcoach.core.running import Activity, LoadBasis, PlannedRun
from calfcoach.errors import NotFoundError
from calfcoach.storage.orm import PlannedEventRow, RunRow
from calfcoach.storage.records import EventKind, KindSource, PlannedEvent, StoredRun
from calfcoach.storage.repositories import _SqlRepository

__all__ = [
    "AbstractRunRepository",
    "EventKind",
    "KindSource",
    "PlannedEvent",
    "RunRepository",
    "StoredRun",
]


def planned_events(
    source: str, runs: Sequence[PlannedRun], races: Sequence[Race]
) -> list[PlannedEvent]:
    """The rows of a calendar: its runs, and its races as events of kind "race"."""
    events = [
        PlannedEvent(
            date=r.date,
            kind=r.kind,
            title=r.title,
            source=source,
            start=r.start,
            detail=r.detail,
            distance_km=r.distance_km,
            uid=r.uid,
        )
        for r in runs
    ]
    events += [
        PlannedEvent(
            date=r.date,
            kind="race",
            title=r.name or "race",
            source=source,
            distance_km=r.distance_km,
            tune_up=r.tune_up,
        )
        for r in races
    ]
    return sorted(events, key=lambda e: e.date)


class AbstractRunRepository(ABC):
    @abstractmethod
    def add(
        self,
        athlete_id: int,
        activity: Activity,
        kind: RunKind,
        kind_source: KindSource,
        load: float,
        load_basis: LoadBasis,
    ) -> StoredRun:
        """Store one imported activity; ``ConflictError``/``InputError`` when its fingerprint
        is already stored for the athlete (callers check duplicates first)."""

    @abstractmethod
    def all(self, athlete_id: int) -> list[StoredRun]:
        """Every stored activity of the athlete, oldest start first."""

    @abstractmethod
    def between(
        self, athlete_id: int, first: dt.date | None, last: dt.date | None
    ) -> list[StoredRun]:
        """The athlete's activities whose local day is within ``first``..``last``
        (inclusive; None: open), oldest start first."""

    @abstractmethod
    def set_kind(
        self,
        athlete_id: int,
        run_id: int,
        kind: RunKind,
        kind_source: KindSource,
        load: float,
        load_basis: LoadBasis,
    ) -> StoredRun:
        """Change a run's kind (and the load that follows from it); ``NotFoundError`` for a
        run that is not the athlete's."""

    @abstractmethod
    def replace_events(
        self,
        athlete_id: int,
        source: str,
        runs: Sequence[PlannedRun],
        races: Sequence[Race] = (),
    ) -> int:
        """Store ``runs`` and ``races`` as the calendar ``source``'s only events (those it
        had before are dropped); how many were dropped."""

    @abstractmethod
    def events(
        self, athlete_id: int, first: dt.date | None = None, last: dt.date | None = None
    ) -> list[PlannedEvent]:
        """The athlete's planned events within ``first``..``last``, by date."""

    @abstractmethod
    def update_event(
        self, athlete_id: int, event_id: int, *, kind: EventKind, date: dt.date
    ) -> PlannedEvent:
        """Change a planned event's kind and day; ``NotFoundError`` for an event that is not
        the athlete's. The athlete's engine snapshots from the earlier of its two days on
        are dropped (the plan around a moved run is re-planned)."""


def _stored(row: RunRow) -> StoredRun:
    return StoredRun(
        id=row.id,
        activity=Activity.model_validate(row.activity, context={STORED: True}),
        kind=row.kind,  # type: ignore[arg-type]  # the CHECK constraint keeps it one
        kind_source=row.kind_source,  # type: ignore[arg-type]
        load=row.load,
        load_basis=row.load_basis,  # type: ignore[arg-type]
        imported_on=row.created_at.date(),
    )


def _event(row: PlannedEventRow) -> PlannedEvent:
    return PlannedEvent(
        date=row.date,
        kind=row.kind,  # type: ignore[arg-type]
        title=row.title,
        source=row.source,
        start=row.start,
        detail=row.detail,
        distance_km=row.distance_km,
        tune_up=row.tune_up,
        uid=row.uid,
        id=row.id,
    )


class RunRepository(_SqlRepository, AbstractRunRepository):
    def add(
        self,
        athlete_id: int,
        activity: Activity,
        kind: RunKind,
        kind_source: KindSource,
        load: float,
        load_basis: LoadBasis,
    ) -> StoredRun:
        self._require_athlete(athlete_id)
        heart = activity.heart_rate
        row = RunRow(
            athlete_id=athlete_id,
            start=activity.start,
            local_date=activity.local_date,
            sport=activity.sport,
            kind=kind,
            kind_source=kind_source,
            distance_m=activity.distance_m,
            duration_s=activity.elapsed_s,
            moving_s=activity.moving_s,
            load=load,
            load_basis=load_basis,
            avg_hr=heart.avg_bpm if heart is not None else None,
            max_hr=heart.max_bpm if heart is not None else None,
            source=activity.source,
            fingerprint=activity.fingerprint,
            activity=activity.model_dump(mode="json"),
            created_at=self._clock(),
        )
        with self._write("store the run"):
            self._session.add(row)
            self._session.flush()
        return _stored(row)

    def all(self, athlete_id: int) -> list[StoredRun]:
        return self.between(athlete_id, None, None)

    def between(
        self, athlete_id: int, first: dt.date | None, last: dt.date | None
    ) -> list[StoredRun]:
        statement = select(RunRow).where(RunRow.athlete_id == athlete_id)
        if first is not None:
            statement = statement.where(RunRow.local_date >= first)
        if last is not None:
            statement = statement.where(RunRow.local_date <= last)
        rows = self._session.scalars(statement.order_by(RunRow.start, RunRow.id))
        return [_stored(r) for r in rows]

    def set_kind(
        self,
        athlete_id: int,
        run_id: int,
        kind: RunKind,
        kind_source: KindSource,
        load: float,
        load_basis: LoadBasis,
    ) -> StoredRun:
        row = self._session.get(RunRow, run_id)
        if row is None or row.athlete_id != athlete_id:
            raise NotFoundError(f"run: no run with id {run_id} for this athlete")
        with self._write("change the run"):
            row.kind = kind
            row.kind_source = kind_source
            row.load = load
            row.load_basis = load_basis
            self._session.flush()
        return _stored(row)

    def replace_events(
        self,
        athlete_id: int,
        source: str,
        runs: Sequence[PlannedRun],
        races: Sequence[Race] = (),
    ) -> int:
        self._require_athlete(athlete_id)
        now = self._clock()
        with self._write("store the calendar"):
            result = self._session.execute(
                delete(PlannedEventRow).where(
                    PlannedEventRow.athlete_id == athlete_id, PlannedEventRow.source == source
                )
            )
            for e in planned_events(source, runs, races):
                self._session.add(
                    PlannedEventRow(
                        athlete_id=athlete_id,
                        date=e.date,
                        start=e.start,
                        kind=e.kind,
                        detail=e.detail,
                        title=e.title,
                        distance_km=e.distance_km,
                        tune_up=e.tune_up,
                        source=source,
                        uid=e.uid,
                        created_at=now,
                    )
                )
            self._session.flush()
        return int(getattr(result, "rowcount", 0) or 0)

    def events(
        self, athlete_id: int, first: dt.date | None = None, last: dt.date | None = None
    ) -> list[PlannedEvent]:
        statement = select(PlannedEventRow).where(PlannedEventRow.athlete_id == athlete_id)
        if first is not None:
            statement = statement.where(PlannedEventRow.date >= first)
        if last is not None:
            statement = statement.where(PlannedEventRow.date <= last)
        rows = self._session.scalars(
            statement.order_by(PlannedEventRow.date, PlannedEventRow.start, PlannedEventRow.id)
        )
        return [_event(r) for r in rows]

    def update_event(
        self, athlete_id: int, event_id: int, *, kind: EventKind, date: dt.date
    ) -> PlannedEvent:
        row = self._session.get(PlannedEventRow, event_id)
        if row is None or row.athlete_id != athlete_id:
            raise NotFoundError(f"event: no planned event with id {event_id} for this athlete")
        with self._write("change the planned event"):
            earlier = min(row.date, date)
            row.kind = kind
            row.date = date
            if row.start is not None and row.start.date() != date:
                row.start = row.start + (date - row.start.date())
            self._invalidate(athlete_id, earlier)
            self._session.flush()
        return _event(row)
