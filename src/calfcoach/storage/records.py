"""The records repositories return, and the conversions that need no SQLAlchemy.

Kept apart from ``repositories`` (which imports SQLAlchemy) so that the SQLite read path of
``sqlite_reader`` (a cold `calfcoach today`) can build the same records without it.
``repositories`` re-exports every name here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import ValidationError

from calfcoach.core.models import Plan, Profile, Session
from calfcoach.errors import StorageError

__all__ = [
    "Athlete",
    "Clock",
    "Note",
    "PlannedSession",
    "SessionLog",
    "SessionStatus",
    "StoredPlan",
    "profile_from_doc",
    "profile_to_doc",
    "utc_now",
]

Clock = Callable[[], dt.datetime]
SessionStatus = Literal["done", "skipped", "moved"]


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
class Note:
    id: int
    athlete_id: int
    date: dt.date
    text: str
    created_at: dt.datetime


# --------------------------------------------------------------------------- conversions


def profile_to_doc(profile: Profile) -> dict[str, Any]:
    """The profile as JSON values; set-valued fields sorted so the stored text is stable."""
    doc = profile.model_dump(mode="json")
    for key, value in doc.items():
        if isinstance(value, list) and key in {"equipment", "free_days", "complaints"}:
            doc[key] = sorted(value)
    return doc


def profile_from_doc(doc: Mapping[str, Any], *, athlete: str) -> Profile:
    try:
        return Profile.model_validate(doc)
    except ValidationError as exc:
        raise StorageError(
            f"the stored profile of athlete {athlete!r} no longer validates: "
            f"{exc.error_count()} problem(s), first: {exc.errors()[0]['msg']}",
            "save the athlete's profile again (calfcoach profile ...)",
        ) from None
