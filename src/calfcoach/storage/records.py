"""The records repositories return, and the conversions that need no SQLAlchemy.

Kept apart from ``repositories`` (which imports SQLAlchemy) so that the SQLite read path of
``sqlite_reader`` (a cold `calfcoach today`) can build the same records without it.
``repositories`` re-exports every name here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, cast

from pydantic import ValidationError

from calfcoach.core.load import DayTotals
from calfcoach.core.models import (
    RED_FLAGS,
    STORED,
    CapacityTest,
    CheckIn,
    LoggedSet,
    Plan,
    Profile,
    RedFlag,
    RunKind,
    Session,
)
from calfcoach.errors import InputError, StorageError

if TYPE_CHECKING:  # the fields of a stored run only; `today` without runs skips the import
    from calfcoach.core.running import Activity, LoadBasis

__all__ = [
    "SetLogState",
    "CLIENT_ID_LENGTH",
    "EventKind",
    "KindSource",
    "PlannedEvent",
    "StoredRun",
    "SNAPSHOT_CHECKIN_LOOKBACK_DAYS",
    "Athlete",
    "Clock",
    "FixedSession",
    "Note",
    "PlannedSession",
    "ProgressLog",
    "SessionLog",
    "SessionStatus",
    "Snapshot",
    "StoredPlan",
    "StoredSet",
    "checkins_since",
    "profile_from_doc",
    "profile_to_doc",
    "red_flags_from_doc",
    "red_flags_to_doc",
    "utc_now",
]

Clock = Callable[[], dt.datetime]
CLIENT_ID_LENGTH = 64
"""The longest client id of a logged set (a UUID is 36 characters)."""
SessionStatus = Literal["done", "skipped", "moved"]


# Imported runs and calendar events (issue 10): kept here so the SQLite read path reads them
# without SQLAlchemy (``storage.runs`` holds their repository).
KindSource = Literal["auto", "edited"]
EventKind = Literal["easy", "hard", "long", "race"]


@dataclass(frozen=True, slots=True)
class StoredRun:
    id: int
    activity: Activity
    kind: RunKind
    kind_source: KindSource
    load: float
    load_basis: LoadBasis
    imported_on: dt.date | None = None
    """The (UTC) day the run was stored: a run imported after its day places no session
    (the past is given, R-HIST; D-100)."""


@dataclass(frozen=True, slots=True)
class PlannedEvent:
    """A run or a race of an imported calendar."""

    date: dt.date
    kind: EventKind
    title: str
    source: str
    start: dt.datetime | None = None
    detail: str | None = None
    distance_km: float | None = None
    tune_up: bool = False
    uid: str | None = None
    id: int | None = None
    """The stored event's id (None before it is stored)."""


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


# --------------------------------------------------------------------------- records


@dataclass(frozen=True, slots=True)
class Athlete:
    id: int
    name: str
    profile: Profile
    created_at: dt.datetime


@dataclass(frozen=True, slots=True)
class ProgressLog:
    """An athlete's log up to a day as the progress report reads it: the sets summed per day,
    exercise and scheme (``core.load.day_totals``), the check-ins, tests, skipped days and
    moves (original date -> new date, the latest move winning)."""

    days: Sequence[DayTotals]
    checkins: list[CheckIn]
    tests: list[CapacityTest]
    skipped: list[dt.date]
    moves: dict[dt.date, dt.date]


@dataclass(frozen=True, slots=True)
class StoredPlan:
    """A plan as generated, with the inputs it was generated from."""

    id: int
    athlete_id: int
    created_at: dt.datetime
    active: bool
    inputs: Mapping[str, Any]
    """``{"profile", "start", "weeks", "catalog_version"}`` as JSON values."""
    plan: Plan


@dataclass(frozen=True, slots=True)
class SessionOutline:
    """A planned session's day, week, lighter week and title, with its stored document,
    whose prescriptions are built only when asked (``session``)."""

    date: dt.date
    week: int
    deload: bool
    title: str
    doc: Mapping[str, Any]

    def session(self) -> Session:
        """The whole session, as ``plan_from_dict`` builds it."""
        from calfcoach.storage.plan_doc import session_from_dict

        return session_from_dict(self.doc)


@dataclass(frozen=True, slots=True)
class PlanOutline:
    """The active plan as the roster reads it (``plans.active_outline``): its id, weeks and
    sessions in the document's order, without the prescriptions built."""

    id: int
    weeks: int
    sessions: tuple[SessionOutline, ...]


@dataclass(frozen=True, slots=True)
class PlannedSession:
    id: int
    plan_id: int
    session: Session


@dataclass(frozen=True, slots=True)
class SessionLog:
    id: int
    athlete_id: int
    date: dt.date
    status: SessionStatus
    plan_session_id: int | None
    moved_to: dt.date | None
    created_at: dt.datetime


@dataclass(frozen=True, slots=True)
class FixedSession:
    """R-HIST: one version of a session as it was given (``today`` showed it), kept forever.

    ``version`` counts from 1 per plan and day; ``fixed_at`` is aware UTC; ``reason`` says
    why this version was fixed (first logged set, end of its day, a stop, a race...)."""

    date: dt.date
    version: int
    fixed_at: dt.datetime
    reason: str
    session: Session


@dataclass(frozen=True, slots=True)
class Snapshot:
    """The engine's state after the day ``as_of``; ``state`` is JSON data the engine gave."""

    as_of: dt.date
    state: dict[str, Any]


@dataclass(frozen=True, slots=True)
class SetLogState:
    """Everything logging one set checks, read together under the athlete's write lock
    (``AbstractUnitOfWork.set_log_state``; on a database one statement)."""

    revision: int
    """The athlete's data revision (``storage/answers.py``)."""
    plan_id: int | None
    """The active plan's id."""
    settled_as_of: dt.date | None
    """The ``as_of`` of the active plan's engine snapshot (``services.training.settle``)."""
    snapshots_to: dt.date | None
    """The latest ``as_of`` of any of the athlete's snapshots: a write dated after it drops
    none. None: none is stored (or, for a unit of work that cannot tell, use ``date``)."""
    client_id_taken: bool
    """A set is stored under the client id given (a retry, or a reused id)."""
    given: Session | None
    """The latest fixed version of the day's session (R-HIST), None when not fixed."""
    done_log_id: int | None
    """The day's session log that sets go into (status done), None when there is none."""
    skipped: bool
    """The day is marked skipped."""
    clash_side: str | None
    """The side of a set already logged that the new one would count twice (D-26)."""


@dataclass(frozen=True, slots=True)
class StoredSet:
    """A logged set with its id (what a correction names) and its session log's id."""

    id: int
    session_log_id: int
    set: LoggedSet


@dataclass(frozen=True, slots=True)
class Note:
    id: int
    athlete_id: int
    date: dt.date
    text: str
    created_at: dt.datetime


# --------------------------------------------------------------------------- conversions


def profile_to_doc(profile: Profile) -> dict[str, Any]:
    """The profile as JSON values; set-valued fields sorted so the stored text is stable, and
    races by date (as ``Profile`` orders them when it validates; a profile built with
    ``model_copy(update=...)`` skipped that)."""
    doc = profile.model_dump(mode="json")
    for key, value in doc.items():
        if isinstance(value, list) and key in {"equipment", "free_days", "complaints"}:
            doc[key] = sorted(value)
    if isinstance(doc.get("races"), list):
        doc["races"] = sorted(doc["races"], key=lambda race: str(race.get("date", "")))
    return doc


def profile_from_doc(doc: Mapping[str, Any], *, athlete: str) -> Profile:
    try:
        # Read as stored (models.STORED): a race stored before the date rule held races.
        return Profile.model_validate(doc, context={STORED: True})
    except ValidationError as exc:
        raise StorageError(
            f"the stored profile of athlete {athlete!r} no longer validates: "
            f"{exc.error_count()} problem(s), first: {exc.errors()[0]['msg']}",
            "save the athlete's profile again (calfcoach profile ...)",
        ) from None


# The usual-pain baseline (R-PAIN-2) looks back 28 days before the check-in it judges, so a
# read of the log ``since`` a day brings the check-ins of the 28 days before it too.
SNAPSHOT_CHECKIN_LOOKBACK_DAYS = 28


def checkins_since(since: dt.date) -> dt.date:
    """The first check-in date ``load_training_log(since=...)`` returns (R-PAIN-2 window)."""
    return since - dt.timedelta(days=SNAPSHOT_CHECKIN_LOOKBACK_DAYS)


def red_flags_to_doc(flags: frozenset[RedFlag] | set[RedFlag]) -> list[str]:
    """A check-in's red flags as stored: a JSON list of names in ``RED_FLAGS`` order."""
    unknown = set(flags) - set(RED_FLAGS)
    if unknown:
        raise InputError(f"unknown red flag(s): {', '.join(sorted(unknown))}")
    return [flag for flag in RED_FLAGS if flag in flags]


def red_flags_from_doc(value: Any) -> frozenset[RedFlag]:
    """The stored red flags back as a frozenset; a name this calfcoach does not know is a
    ``StorageError`` (R-PAIN-2a: a flag must never be dropped silently)."""
    names = value if isinstance(value, list) else []
    flags = frozenset(str(name) for name in names)
    unknown = flags - set(RED_FLAGS)
    if unknown:
        raise StorageError(
            f"a stored check-in has red flag(s) this calfcoach does not know: "
            f"{', '.join(sorted(unknown))}",
            "upgrade calfcoach",
        )
    return cast(frozenset[RedFlag], flags)
