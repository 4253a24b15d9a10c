"""The public plan JSON (schema_version 1) and its JSON Schema.

``plan_to_dict`` is on the hot path of ``calfcoach plan --format json`` and uses only the
standard library. The pydantic models that mirror the contract exist only to produce the
JSON Schema, so they are built the first time ``plan_json_schema`` is called.
"""

from __future__ import annotations

import json
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from calfcoach.core.models import Plan, PlanWarning, Prescription, Session

SCHEMA_VERSION = 1
JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def prescription_to_dict(prescription: Prescription) -> dict[str, Any]:
    """One exercise of a session, in contract key order (R-SCH-6: tempo included)."""
    p = prescription
    return {
        "exercise": p.exercise,
        "scheme": p.scheme,
        "sets": p.sets,
        "reps": p.reps,
        "seconds": p.seconds,
        "distance_m": None if p.distance_m is None else float(p.distance_m),
        "contacts": p.contacts,
        "per_side": p.per_side,
        "added_load_kg": None if p.added_load_kg is None else float(p.added_load_kg),
        "rest_seconds": p.rest_seconds,
        "tempo": p.tempo,
        "why": p.why,
    }


def session_to_dict(session: Session) -> dict[str, Any]:
    """The "session shape": one element of the plan's ``sessions`` (also ``calfcoach today``)."""
    return {
        "date": session.date.isoformat(),
        "week": session.week,
        "deload": session.deload,
        "title": session.title,
        "exercises": [prescription_to_dict(p) for p in session.exercises],
    }


def warning_to_dict(warning: PlanWarning) -> dict[str, Any]:
    return {"rule": warning.rule, "message": warning.message}


def plan_to_dict(plan: Plan) -> dict[str, Any]:
    """The public plan JSON contract, nothing more (dates as ISO strings)."""
    return {
        "schema_version": plan.schema_version,
        "start": plan.start.isoformat(),
        "weeks": plan.weeks,
        "warnings": [warning_to_dict(w) for w in plan.warnings],
        "sessions": [session_to_dict(s) for s in plan.sessions],
    }


def to_json_text(document: Any) -> str:
    """Deterministic JSON text: contract key order, 2-space indent, UTF-8, final newline."""
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def plan_to_json(plan: Plan) -> str:
    return to_json_text(plan_to_dict(plan))


def plan_json_schema() -> dict[str, Any]:
    """JSON Schema (draft 2020-12) of the plan JSON, generated from pydantic models."""
    import copy

    return copy.deepcopy(_cached_schema())


@cache
def _cached_schema() -> dict[str, Any]:
    schema = _schema_model().model_json_schema(mode="serialization")
    return {"$schema": JSON_SCHEMA_DIALECT, **schema}


def _schema_model() -> Any:
    """Pydantic models mirroring the contract field by field (schema generation only)."""
    import datetime as dt
    from typing import Literal

    from pydantic import BaseModel, ConfigDict, Field

    from calfcoach.core.models import Scheme

    class _Strict(BaseModel):
        model_config = ConfigDict(extra="forbid")

    class PlanWarning(_Strict):
        """A scheduling or loading rule that gave way, and why (R-SCHED-0)."""

        rule: str = Field(
            pattern=r"^R-[A-Z]+-[0-9]+[a-z]?$",
            description="Id of the rule in the training rule sheet, e.g. R-SCHED-4.",
        )
        message: str = Field(min_length=1, description="What gave way and why, in a sentence.")

    class Exercise(_Strict):
        """One prescription of a session (R-SCH-6)."""

        exercise: str = Field(
            pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$",
            description="Stable catalog id of the exercise (kebab-case slug).",
        )
        scheme: Scheme = Field(
            description="Loading scheme: light, heavy, plyometric, isometric, skill "
            "(foot and balance work) or rehab (a complaint protocol, R-PAIN-5)."
        )
        sets: int = Field(ge=1, description="Number of sets.")
        reps: int | None = Field(ge=1, description="Repetitions per set, or null.")
        seconds: int | None = Field(
            ge=1, description="Seconds of work or hold per set (per rep if reps is set), or null."
        )
        distance_m: float | None = Field(gt=0, description="Distance per set in metres, or null.")
        contacts: int | None = Field(
            ge=1,
            description="Foot contacts per set, counted over both feet (R-SCH-3a), or null.",
        )
        per_side: bool = Field(
            description="True when the dose is done on each side; false for plyometrics."
        )
        added_load_kg: float | None = Field(
            ge=0, description="External load in kilograms, or null for body weight."
        )
        rest_seconds: int = Field(ge=0, description="Rest between sets in seconds.")
        tempo: str | None = Field(
            description="Tempo where it matters (e.g. '3 s up, 3 s down'), or null."
        )
        why: str = Field(description="Why this prescription, naming its rule and source (R-WHY).")

    class Session(_Strict):
        """One training session on one day."""

        date: dt.date = Field(description="Day of the session (YYYY-MM-DD).")
        week: int = Field(ge=1, description="Plan week, 1-based, counted from the start date.")
        deload: bool = Field(description="True in a lighter week (R-PROG-5).")
        title: str = Field(min_length=1, description="Short title of the session.")
        exercises: list[Exercise] = Field(description="The session's prescriptions, in order.")

    class Plan(_Strict):
        """A calfcoach training plan (public JSON contract, schema_version 1)."""

        model_config = ConfigDict(title="calfcoach plan", extra="forbid")
        schema_version: Literal[1] = Field(description="Version of this contract; always 1.")
        start: dt.date = Field(description="First day of week 1 (YYYY-MM-DD).")
        weeks: int = Field(ge=1, le=52, description="Number of plan weeks (7-day blocks).")
        warnings: list[PlanWarning] = Field(
            description="Rules that gave way for this athlete, one per entry (R-SCHED-0)."
        )
        sessions: list[Session] = Field(description="All sessions of the plan, by date.")

    return Plan
