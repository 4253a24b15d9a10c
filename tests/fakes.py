"""In-memory unit of work and repositories for service unit tests (no database).

They implement the same abstract classes as the SQLAlchemy ones and keep their promises
that services may rely on: nothing is kept without ``commit()``, a re-plan deactivates and
keeps the old plan, one check-in per day, a set cannot be logged twice, the ranges the
database checks (RPE 1-10, pain 0-10, ...) raise ``InputError``, unknown ids raise
``NotFoundError``. Storage v2 too: red flags (an unknown one is refused), hop tests and
clearances, ``load_training_log(since=...)`` (check-ins from 28 days earlier), R-HIST fixed
sessions (versions only ever added, an equal one is a no-op) and engine snapshots, dropped
by every log write dated on or before their ``as_of`` (all of them by a profile update or
a new plan), as ``storage/repositories.py`` does. Calendar tokens: one hash per athlete,
replaced when rotated (``storage/calendar_tokens.py``).

    uow = FakeUnitOfWork()
    some_service(uow, ...)
    assert uow.committed
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Self

from calfcoach.core.models import (
    CapacityTest,
    CheckIn,
    Clearance,
    HopTest,
    LoggedSet,
    Plan,
    Profile,
    Race,
    RunKind,
    Session,
    TrainingLog,
)
from calfcoach.core.names import name_key
from calfcoach.core.running import Activity, LoadBasis, PlannedRun
from calfcoach.errors import ConflictError, InputError, NotFoundError
from calfcoach.storage.answers import AbstractAnswerRepository
from calfcoach.storage.calendar_tokens import AbstractCalendarTokenRepository
from calfcoach.storage.plan_doc import session_to_doc
from calfcoach.storage.records import StoredSet, checkins_since, red_flags_to_doc
from calfcoach.storage.repositories import (
    AbstractAthleteRepository,
    AbstractHistoryRepository,
    AbstractLogRepository,
    AbstractPlanRepository,
    AbstractSnapshotRepository,
    Athlete,
    Clock,
    FixedSession,
    Note,
    PlannedSession,
    SessionLog,
    SessionStatus,
    Snapshot,
    StoredPlan,
    json_state,
    plan_inputs,
)
from calfcoach.storage.runs import (
    AbstractRunRepository,
    EventKind,
    KindSource,
    PlannedEvent,
    StoredRun,
    planned_events,
)
from calfcoach.storage.uow import AbstractUnitOfWork

FIXED_NOW = dt.datetime(2026, 1, 5, 12, 0, tzinfo=dt.UTC)


@dataclass
class FakeStore:
    """Everything the fake database holds; copied on commit and restored on rollback."""

    athletes: dict[int, Athlete] = field(default_factory=dict)
    plans: dict[int, StoredPlan] = field(default_factory=dict)
    planned_sessions: dict[int, PlannedSession] = field(default_factory=dict)
    session_logs: dict[int, SessionLog] = field(default_factory=dict)
    sets: list[tuple[int, int, LoggedSet]] = field(default_factory=list)
    """(set id, session log id, set)"""
    checkins: dict[tuple[int, dt.date], CheckIn] = field(default_factory=dict)
    tests: list[tuple[int, int, CapacityTest]] = field(default_factory=list)
    """(test id, athlete id, test)"""
    hop_tests: list[tuple[int, int, HopTest]] = field(default_factory=list)
    """(hop test id, athlete id, test)"""
    clearances: list[tuple[int, int, Clearance]] = field(default_factory=list)
    """(clearance id, athlete id, clearance)"""
    notes: dict[int, Note] = field(default_factory=dict)
    fixed_sessions: dict[tuple[int, int, dt.date], list[FixedSession]] = field(default_factory=dict)
    """(athlete id, plan id, date) -> every version, oldest first (R-HIST)"""
    snapshots: dict[tuple[int, int], Snapshot] = field(default_factory=dict)
    """(athlete id, plan id) -> the engine's state"""
    client_ids: dict[tuple[int, str], int] = field(default_factory=dict)
    """(athlete id, client id) -> set id (idempotent logging; unique per athlete)"""
    data_revisions: dict[int, int] = field(default_factory=dict)
    """athlete id -> data revision, raised by every write of engine input"""
    answers: dict[tuple[int, dt.date, str], tuple[str, int, str]] = field(default_factory=dict)
    """(athlete id, date, kind) -> (code, revision, body): stored day answers"""
    calendar_tokens: dict[int, tuple[str, dt.datetime]] = field(default_factory=dict)
    """athlete id -> (the token's hash, when it was made): one per athlete"""
    runs: dict[int, tuple[int, StoredRun]] = field(default_factory=dict)
    """run id -> (athlete id, run); a fingerprint is unique per athlete"""
    events: list[tuple[int, PlannedEvent]] = field(default_factory=list)
    """(athlete id, planned calendar event)"""
    """(athlete id, client id) -> set id (idempotent logging; unique per athlete)"""
    last_id: int = 0

    def next_id(self) -> int:
        self.last_id += 1
        return self.last_id


def _require_athlete(store: FakeStore, athlete_id: int) -> Athlete:
    if athlete_id not in store.athletes:
        raise NotFoundError(f"no athlete with id {athlete_id}")
    return store.athletes[athlete_id]


def _check_range(what: str, value: float | None, low: float, high: float | None) -> None:
    if value is not None and (value < low or (high is not None and value > high)):
        bounds = f"{low} to {high}" if high is not None else f"at least {low}"
        raise InputError(f"cannot write: {what} is {bounds} (got {value})")


def _check_set(logged: LoggedSet) -> None:
    _check_range("set number", logged.set_number, 1, None)
    _check_range("RPE", logged.rpe, 1, 10)
    _check_range("pain", logged.pain, 0, 10)
    for prefix in ("", "planned_"):
        for name in ("reps", "seconds", "distance_m", "contacts"):
            _check_range(f"{prefix}{name}", getattr(logged, prefix + name), 0, None)
        _check_range(f"{prefix}load_kg", getattr(logged, prefix + "load_kg"), 0, 500)
    if logged.side not in ("left", "right", "both"):
        raise InputError("cannot write: side is left, right or both")


class _FakeRepository:
    def __init__(self, uow: FakeUnitOfWork) -> None:
        self._uow = uow

    @property
    def _store(self) -> FakeStore:
        return self._uow.store

    def _now(self) -> dt.datetime:
        return self._uow.clock()

    def _invalidate(self, athlete_id: int, from_date: dt.date | None) -> None:
        """Drop the athlete's snapshots with ``as_of >= from_date`` (all when None), and
        raise their data revision (no stored day answer stays current)."""
        for key, snapshot in list(self._store.snapshots.items()):
            if key[0] == athlete_id and (from_date is None or snapshot.as_of >= from_date):
                del self._store.snapshots[key]
        revisions = self._store.data_revisions
        revisions[athlete_id] = revisions.get(athlete_id, 0) + 1


class FakeAthleteRepository(_FakeRepository, AbstractAthleteRepository):
    def add(self, name: str, profile: Profile) -> Athlete:
        if not name:
            raise InputError("cannot write: the athlete's name must not be empty")
        if self.find(name) is not None:
            raise InputError(
                f"cannot add athlete {name!r}: an athlete with this name already exists"
            )
        athlete = Athlete(self._store.next_id(), name, profile, self._now())
        self._store.athletes[athlete.id] = athlete
        return athlete

    def get(self, athlete_id: int) -> Athlete:
        return _require_athlete(self._store, athlete_id)

    def find(self, name: str) -> Athlete | None:
        key = name_key(name)  # names compare ignoring case, as the database's name_key does
        return next((a for a in self._store.athletes.values() if name_key(a.name) == key), None)

    def all(self) -> list[Athlete]:
        return sorted(self._store.athletes.values(), key=lambda a: a.name)

    def update_profile(self, athlete_id: int, profile: Profile) -> Athlete:
        old = _require_athlete(self._store, athlete_id)
        athlete = Athlete(old.id, old.name, profile, old.created_at)
        self._store.athletes[athlete_id] = athlete
        self._invalidate(athlete_id, None)  # the engine's input changed from day one
        return athlete


class FakePlanRepository(_FakeRepository, AbstractPlanRepository):
    def add(
        self,
        athlete_id: int,
        plan: Plan,
        profile: Profile,
        *,
        catalog_version: str | None = None,
        continues: int | None = None,
    ) -> StoredPlan:
        _require_athlete(self._store, athlete_id)
        if not 1 <= plan.weeks <= 52:
            raise InputError("cannot save the plan: a plan has 1 to 52 weeks")
        self._invalidate(athlete_id, None)
        for plan_id, stored in list(self._store.plans.items()):
            if stored.athlete_id == athlete_id and stored.active:
                self._store.plans[plan_id] = _replace(stored, active=False)
        stored = StoredPlan(
            id=self._store.next_id(),
            athlete_id=athlete_id,
            created_at=self._now(),
            active=True,
            inputs=plan_inputs(plan, profile, catalog_version),
            plan=plan,
        )
        if continues is not None:  # as the SQL repository keeps it (a next block)
            stored = _replace(stored, inputs={**stored.inputs, "continues": continues})
        self._store.plans[stored.id] = stored
        for session in plan.sessions:
            planned = PlannedSession(self._store.next_id(), stored.id, session)
            self._store.planned_sessions[planned.id] = planned
        return stored

    def get(self, plan_id: int) -> StoredPlan:
        if plan_id not in self._store.plans:
            raise NotFoundError(f"no plan with id {plan_id}")
        return self._store.plans[plan_id]

    def active(self, athlete_id: int) -> StoredPlan | None:
        return next(
            (p for p in self._store.plans.values() if p.athlete_id == athlete_id and p.active),
            None,
        )

    def history(self, athlete_id: int) -> list[StoredPlan]:
        plans = [p for p in self._store.plans.values() if p.athlete_id == athlete_id]
        return sorted(plans, key=lambda p: (p.created_at, p.id), reverse=True)

    def sessions(self, plan_id: int, *, on: dt.date | None = None) -> list[PlannedSession]:
        found = [
            s
            for s in self._store.planned_sessions.values()
            if s.plan_id == plan_id and (on is None or s.session.date == on)
        ]
        return sorted(found, key=lambda s: (s.session.date, s.id))


class FakeLogRepository(_FakeRepository, AbstractLogRepository):
    def log_session(
        self,
        athlete_id: int,
        date: dt.date,
        sets: Sequence[LoggedSet] = (),
        *,
        status: SessionStatus = "done",
        plan_session_id: int | None = None,
        moved_to: dt.date | None = None,
        client_id: str | None = None,
    ) -> SessionLog:
        _require_athlete(self._store, athlete_id)
        if status not in ("done", "skipped", "moved"):
            raise InputError("cannot write: a session's status is done, skipped or moved")
        if (status == "moved") != (moved_to is not None):
            raise InputError(
                "cannot write: a moved session needs the day it moved to, "
                "and only a moved session has one"
            )
        snapshots = dict(self._store.snapshots)
        log = SessionLog(
            self._store.next_id(), athlete_id, date, status, plan_session_id, moved_to, self._now()
        )
        self._store.session_logs[log.id] = log
        try:
            self.add_sets(log.id, sets, client_id=client_id)
        except Exception:
            del self._store.session_logs[log.id]
            self._store.snapshots = snapshots  # a failed write changes nothing
            raise
        self._invalidate(athlete_id, date if moved_to is None else min(date, moved_to))
        return log

    def add_sets(
        self, session_log_id: int, sets: Iterable[LoggedSet], *, client_id: str | None = None
    ) -> None:
        if session_log_id not in self._store.session_logs:
            raise NotFoundError(f"no logged session with id {session_log_id}")
        log = self._store.session_logs[session_log_id]
        new = list(sets)
        if client_id is not None and len(new) != 1:
            raise ValueError(f"a client id is given with one set, not {len(new)}")
        if client_id is not None and (log.athlete_id, client_id) in self._store.client_ids:
            raise InputError("cannot write: this client id is already stored for the athlete")
        seen = {
            (s.exercise, s.set_number, s.side)
            for _, log_id, s in self._store.sets
            if log_id == session_log_id
        }
        for logged in new:
            if logged.date != log.date:
                raise InputError(
                    f"set {logged.set_number} of {logged.exercise} is dated {logged.date}, "
                    f"but the session is on {log.date}"
                )
            _check_set(logged)
            key = (logged.exercise, logged.set_number, logged.side)
            if key in seen:
                raise InputError(
                    "cannot write: this set is already logged "
                    "(same session, exercise, set number and side)"
                )
            seen.add(key)
        self._invalidate(log.athlete_id, log.date)
        for logged in new:
            set_id = self._store.next_id()
            self._store.sets.append((set_id, session_log_id, logged))
            if client_id is not None:
                self._store.client_ids[(log.athlete_id, client_id)] = set_id

    def set_by_client_id(self, athlete_id: int, client_id: str) -> LoggedSet | None:
        set_id = self._store.client_ids.get((athlete_id, client_id))
        for stored_id, _log_id, logged in self._store.sets:
            if stored_id == set_id:
                return logged
        return None

    def stored_sets(
        self,
        athlete_id: int,
        *,
        first: dt.date | None = None,
        last: dt.date | None = None,
        exercise: str | None = None,
        set_number: int | None = None,
    ) -> list[StoredSet]:
        out = [
            StoredSet(set_id, log_id, logged)
            for set_id, log_id, logged in self._store.sets
            if self._store.session_logs[log_id].athlete_id == athlete_id
            and (first is None or logged.date >= first)
            and (last is None or logged.date <= last)
            and (exercise is None or logged.exercise == exercise)
            and (set_number is None or logged.set_number == set_number)
        ]
        return sorted(out, key=lambda s: (s.set.date, s.set.exercise, s.set.set_number, s.set.side))

    def session_logs(
        self, athlete_id: int, *, on: dt.date | None = None, moved: bool = False
    ) -> list[SessionLog]:
        logs = [
            s
            for s in self._store.session_logs.values()
            if s.athlete_id == athlete_id
            and (on is None or s.date == on)
            and (not moved or s.status == "moved")
        ]
        return sorted(logs, key=lambda s: (s.date, s.id))

    def add_checkin(self, athlete_id: int, checkin: CheckIn, *, replace: bool = False) -> None:
        _require_athlete(self._store, athlete_id)
        _check_range("pain", checkin.pain, 0, 10)
        _check_range("stiffness", checkin.stiffness, 0, 10)
        red_flags_to_doc(checkin.red_flags)  # an unknown red flag is refused, never dropped
        key = (athlete_id, checkin.date)
        if key in self._store.checkins and not replace:
            raise InputError("cannot write: there is already a check-in for this day")
        self._invalidate(athlete_id, checkin.date)
        self._store.checkins[key] = checkin

    def add_test(self, athlete_id: int, test: CapacityTest, *, replace: bool = False) -> int:
        _require_athlete(self._store, athlete_id)
        if test.knee not in ("straight", "bent", "none"):
            raise InputError("cannot write: knee is straight, bent or none")
        _check_range("left", test.left, 0, 500)
        _check_range("right", test.right, 0, 500)
        self._invalidate(athlete_id, test.date)
        if replace:
            self._store.tests[:] = [
                item
                for item in self._store.tests
                if (item[1], item[2].date, item[2].kind, item[2].knee)
                != (athlete_id, test.date, test.kind, test.knee)
            ]
        test_id = self._store.next_id()
        self._store.tests.append((test_id, athlete_id, test))
        return test_id

    def add_hop_test(self, athlete_id: int, test: HopTest, *, replace: bool = False) -> int:
        _require_athlete(self._store, athlete_id)
        _check_range("hops", test.hops, 0, 500)
        _check_range("pain", test.pain, 0, 10)
        if test.side not in ("left", "right", "both"):
            raise InputError("cannot write: side is left, right or both")
        self._invalidate(athlete_id, test.date)
        if replace:
            self._store.hop_tests[:] = [
                item
                for item in self._store.hop_tests
                if item[1] != athlete_id
                or item[2].date != test.date
                or "both" not in (item[2].side, test.side)
                and item[2].side != test.side
            ]
        test_id = self._store.next_id()
        self._store.hop_tests.append((test_id, athlete_id, test))
        return test_id

    def add_clearance(self, athlete_id: int, clearance: Clearance) -> int:
        _require_athlete(self._store, athlete_id)
        if clearance.note is not None and len(clearance.note) > 2000:
            raise InputError("cannot write: a clearance note has at most 2000 characters")
        self._invalidate(athlete_id, clearance.date)
        clearance_id = self._store.next_id()
        self._store.clearances.append((clearance_id, athlete_id, clearance))
        return clearance_id

    def add_note(self, athlete_id: int, date: dt.date, text: str) -> Note:
        _require_athlete(self._store, athlete_id)
        note = Note(self._store.next_id(), athlete_id, date, text, self._now())
        self._store.notes[note.id] = note
        return note

    def notes(self, athlete_id: int) -> list[Note]:
        notes = [n for n in self._store.notes.values() if n.athlete_id == athlete_id]
        return sorted(notes, key=lambda n: (n.date, n.id))

    def load_training_log(self, athlete_id: int, since: dt.date | None = None) -> TrainingLog:
        _require_athlete(self._store, athlete_id)
        first = dt.date.min if since is None else since
        first_checkin = dt.date.min if since is None else checkins_since(since)
        logs = {log.id: log for log in self.session_logs(athlete_id) if log.date >= first}
        sets = sorted(
            (
                (logs[log_id].date, log_id, set_id, s)
                for set_id, log_id, s in self._store.sets
                if log_id in logs
            ),
            key=lambda item: item[:3],
        )
        checkins = sorted(
            (
                c
                for (a, _), c in self._store.checkins.items()
                if a == athlete_id and c.date >= first_checkin
            ),
            key=lambda c: c.date,
        )

        def mine(rows: list[tuple[int, int, Any]]) -> tuple[Any, ...]:
            found = sorted(
                (row.date, row_id, row)
                for row_id, a, row in rows
                if a == athlete_id and row.date >= first
            )
            return tuple(item[2] for item in found)

        skipped = sorted({log.date for log in logs.values() if log.status == "skipped"})
        return TrainingLog(
            sets=tuple(item[3] for item in sets),
            checkins=tuple(checkins),
            tests=mine(self._store.tests),
            skipped=tuple(skipped),
            hop_tests=mine(self._store.hop_tests),
            clearances=mine(self._store.clearances),
        )


def _require_plan_of(store: FakeStore, athlete_id: int, plan_id: int) -> None:
    plan = store.plans.get(plan_id)
    if plan is None or plan.athlete_id != athlete_id:
        raise NotFoundError(f"no plan with id {plan_id} for athlete {athlete_id}")


class FakeHistoryRepository(_FakeRepository, AbstractHistoryRepository):
    def fixed(
        self, athlete_id: int, plan_id: int, *, up_to: dt.date | None = None
    ) -> dict[dt.date, FixedSession]:
        latest = {
            date: versions[-1]
            for (a, p, date), versions in self._store.fixed_sessions.items()
            if (a, p) == (athlete_id, plan_id) and (up_to is None or date <= up_to)
        }
        return dict(sorted(latest.items()))

    def versions(self, athlete_id: int, plan_id: int, date: dt.date) -> list[FixedSession]:
        return list(self._store.fixed_sessions.get((athlete_id, plan_id, date), []))

    def fix(self, athlete_id: int, plan_id: int, session: Session, reason: str) -> FixedSession:
        _require_plan_of(self._store, athlete_id, plan_id)
        if not reason.strip():
            raise InputError("cannot fix the session: a fixed session needs a reason")
        versions = self._store.fixed_sessions.setdefault((athlete_id, plan_id, session.date), [])
        if versions and session_to_doc(versions[-1].session) == session_to_doc(session):
            return versions[-1]
        fixed = FixedSession(
            date=session.date,
            version=len(versions) + 1,
            fixed_at=self._now().astimezone(dt.UTC),
            reason=reason,
            session=session,
        )
        versions.append(fixed)
        return fixed

    def restore(self, athlete_id: int, plan_id: int, fixed: FixedSession) -> None:
        _require_plan_of(self._store, athlete_id, plan_id)
        versions = self._store.fixed_sessions.setdefault((athlete_id, plan_id, fixed.date), [])
        if any(v.version == fixed.version for v in versions):
            raise ConflictError(f"the session of {fixed.date} already has version {fixed.version}")
        versions.append(fixed)
        versions.sort(key=lambda v: v.version)


class FakeSnapshotRepository(_FakeRepository, AbstractSnapshotRepository):
    def get(self, athlete_id: int, plan_id: int) -> Snapshot | None:
        snapshot = self._store.snapshots.get((athlete_id, plan_id))
        return None if snapshot is None else copy.deepcopy(snapshot)

    def put(self, athlete_id: int, plan_id: int, as_of: dt.date, state: dict[str, Any]) -> None:
        _require_plan_of(self._store, athlete_id, plan_id)
        self._store.snapshots[(athlete_id, plan_id)] = Snapshot(as_of, json_state(state))

    def invalidate(self, athlete_id: int, from_date: dt.date) -> None:
        self._invalidate(athlete_id, from_date)


class FakeAnswerRepository(_FakeRepository, AbstractAnswerRepository):
    def revision(self, athlete_id: int) -> int | None:
        if athlete_id not in self._store.athletes:
            return None
        return self._store.data_revisions.get(athlete_id, 0)

    def current(self, athlete_id: int, date: dt.date, kind: str, code: str) -> str | None:
        found = self._store.answers.get((athlete_id, date, kind))
        if found is None or found[0] != code or found[1] != self.revision(athlete_id):
            return None
        return found[2]

    def store(
        self, athlete_id: int, date: dt.date, kind: str, code: str, revision: int, body: str
    ) -> bool:
        _require_athlete(self._store, athlete_id)
        self._store.answers[(athlete_id, date, kind)] = (code, revision, body)
        return True

    def keep(self, athlete_id: int, date: dt.date, kinds: Sequence[str], revision: int) -> None:
        now = self.revision(athlete_id)
        for kind in kinds:
            found = self._store.answers.get((athlete_id, date, kind))
            if now is not None and found is not None and found[1] == revision:
                self._store.answers[(athlete_id, date, kind)] = (found[0], now, found[2])


class FakeCalendarTokenRepository(_FakeRepository, AbstractCalendarTokenRepository):
    def replace(self, athlete_id: int, token_hash: str) -> dt.datetime:
        _require_athlete(self._store, athlete_id)
        if any(h == token_hash for h, _ in self._store.calendar_tokens.values()):
            raise InputError("cannot write: this calendar token hash is stored already")
        now = self._now()
        self._store.calendar_tokens[athlete_id] = (token_hash, now)
        return now

    def created_at(self, athlete_id: int) -> dt.datetime | None:
        stored = self._store.calendar_tokens.get(athlete_id)
        return None if stored is None else stored[1]

    def athlete_for(self, token_hash: str) -> int | None:
        return next(
            (a for a, (h, _) in self._store.calendar_tokens.items() if h == token_hash), None
        )

    def remove(self, athlete_id: int) -> bool:
        return self._store.calendar_tokens.pop(athlete_id, None) is not None


class FakeRunRepository(_FakeRepository, AbstractRunRepository):
    def add(
        self,
        athlete_id: int,
        activity: Activity,
        kind: RunKind,
        kind_source: KindSource,
        load: float,
        load_basis: LoadBasis,
    ) -> StoredRun:
        _require_athlete(self._store, athlete_id)
        if any(
            a == athlete_id and r.activity.fingerprint == activity.fingerprint
            for a, r in self._store.runs.values()
        ):
            raise InputError("cannot write: this file is already stored for the athlete")
        _check_range("load", load, 0, None)
        run = StoredRun(
            self._store.next_id(),
            activity,
            kind,
            kind_source,
            load,
            load_basis,
            imported_on=self._now().date(),
        )
        self._store.runs[run.id] = (athlete_id, run)
        return run

    def all(self, athlete_id: int) -> list[StoredRun]:
        return self.between(athlete_id, None, None)

    def between(
        self, athlete_id: int, first: dt.date | None, last: dt.date | None
    ) -> list[StoredRun]:
        mine = [
            r
            for a, r in self._store.runs.values()
            if a == athlete_id
            and (first is None or r.activity.local_date >= first)
            and (last is None or r.activity.local_date <= last)
        ]
        return sorted(mine, key=lambda r: (r.activity.start, r.id))

    def set_kind(
        self,
        athlete_id: int,
        run_id: int,
        kind: RunKind,
        kind_source: KindSource,
        load: float,
        load_basis: LoadBasis,
    ) -> StoredRun:
        found = self._store.runs.get(run_id)
        if found is None or found[0] != athlete_id:
            raise NotFoundError(f"run: no run with id {run_id} for this athlete")
        run = dataclasses.replace(
            found[1], kind=kind, kind_source=kind_source, load=load, load_basis=load_basis
        )
        self._store.runs[run_id] = (athlete_id, run)
        return run

    def replace_events(
        self,
        athlete_id: int,
        source: str,
        runs: Sequence[PlannedRun],
        races: Sequence[Race] = (),
    ) -> int:
        _require_athlete(self._store, athlete_id)
        before = len(self._store.events)
        self._store.events = [
            (a, e) for a, e in self._store.events if not (a == athlete_id and e.source == source)
        ]
        dropped = before - len(self._store.events)
        self._store.events += [
            (athlete_id, dataclasses.replace(e, id=self._store.next_id()))
            for e in planned_events(source, runs, races)
        ]
        return dropped

    def events(
        self, athlete_id: int, first: dt.date | None = None, last: dt.date | None = None
    ) -> list[PlannedEvent]:
        mine = [
            e
            for a, e in self._store.events
            if a == athlete_id
            and (first is None or e.date >= first)
            and (last is None or e.date <= last)
        ]
        return sorted(mine, key=lambda e: e.date)

    def update_event(
        self, athlete_id: int, event_id: int, *, kind: EventKind, date: dt.date
    ) -> PlannedEvent:
        for index, (a, e) in enumerate(self._store.events):
            if a == athlete_id and e.id == event_id:
                start = e.start + (date - e.start.date()) if e.start is not None else None
                changed = dataclasses.replace(e, kind=kind, date=date, start=start)
                self._store.events[index] = (a, changed)
                self._invalidate(athlete_id, min(e.date, date))
                return changed
        raise NotFoundError(f"event: no planned event with id {event_id} for this athlete")


def _replace(stored: StoredPlan, **changes: Any) -> StoredPlan:
    import dataclasses

    return dataclasses.replace(stored, **changes)


class FakeUnitOfWork(AbstractUnitOfWork):
    """A unit of work over a ``FakeStore``; pass one store to several to share the "database"."""

    def __init__(self, store: FakeStore | None = None, *, clock: Clock | None = None) -> None:
        self.committed_store = store if store is not None else FakeStore()
        self.store = copy.deepcopy(self.committed_store)
        self.clock: Clock = clock or (lambda: FIXED_NOW)
        self.committed = False
        self.athletes = FakeAthleteRepository(self)
        self.plans = FakePlanRepository(self)
        self.logs = FakeLogRepository(self)
        self.history = FakeHistoryRepository(self)
        self.snapshots = FakeSnapshotRepository(self)
        self.answers = FakeAnswerRepository(self)
        self.calendar_tokens = FakeCalendarTokenRepository(self)
        self.runs = FakeRunRepository(self)

    def __enter__(self) -> Self:
        self.store = copy.deepcopy(self.committed_store)
        return self

    def commit(self) -> None:
        self.committed = True
        # Update the shared store in place, so other units of work on it see the commit.
        self.committed_store.__dict__.update(copy.deepcopy(self.store).__dict__)

    def rollback(self) -> None:
        self.store = copy.deepcopy(self.committed_store)
