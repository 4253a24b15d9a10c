"""The public plan JSON (schema_version 2) and its JSON Schema.

``plan_to_dict`` is on the hot path of ``calfcoach plan --format json`` and uses only the
standard library. The pydantic models that mirror the contract exist only to produce the
JSON Schema, so they are built the first time ``plan_json_schema`` is called.

Schema 2 (issue 6) adds to every session ``status`` ("planned" or "stopped") and ``advice``
(text or null; a stopped session has no exercises and its advice says why and whom to see,
R-PAIN-2a/2b), and to every exercise ``reasons``: the structured ``[{"rule", "text"}]``
behind its ``why`` (R-WHY). ``upgrade_plan_dict`` reads a schema 1 document as schema 2.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache
from typing import TYPE_CHECKING, Any

from calfcoach.core.limits import MAX_WEEKS, MIN_WEEKS

if TYPE_CHECKING:
    from calfcoach.core.models import Plan, PlanWarning, Prescription, Session

SCHEMA_VERSION = 2
READABLE_SCHEMA_VERSIONS = (1, 2)
SESSION_STATUSES = ("planned", "stopped")
STOPPED_ADVICE = (
    "The plan is stopped (R-PAIN-2a/2b): no strength session today. See a clinician "
    "(a physiotherapist or doctor) before training again."
)
"""Shown on a stopped session that came without advice of its own: a stopped day always
says why and whom to see."""
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
        # The lead adds ``reasons`` to Prescription; before that every list is empty.
        "reasons": [
            {"rule": reason.rule, "text": reason.text}
            for reason in getattr(p, "reasons", None) or ()
        ],
    }


def session_to_dict(session: Session) -> dict[str, Any]:
    """The "session shape": one element of the plan's ``sessions`` (also ``calfcoach today``).

    A stopped session (R-PAIN-2a/2b) is written without exercises, whatever it holds."""
    stopped = session.status == "stopped"
    return {
        "date": session.date.isoformat(),
        "week": session.week,
        "deload": session.deload,
        "title": session.title,
        "status": session.status,
        "advice": STOPPED_ADVICE if stopped and not session.advice else session.advice,
        "exercises": [] if stopped else [prescription_to_dict(p) for p in session.exercises],
    }


def warning_to_dict(warning: PlanWarning) -> dict[str, Any]:
    return {"rule": warning.rule, "message": warning.message}


def plan_to_dict(plan: Plan) -> dict[str, Any]:
    """The public plan JSON contract, nothing more (dates as ISO strings)."""
    return {
        "schema_version": SCHEMA_VERSION,
        "start": plan.start.isoformat(),
        "weeks": plan.weeks,
        "warnings": [warning_to_dict(w) for w in plan.warnings],
        "sessions": [session_to_dict(s) for s in plan.sessions],
    }


def upgrade_plan_dict(document: Mapping[str, Any]) -> dict[str, Any]:
    """A plan document of any readable schema version as schema 2 (a new dict).

    Schema 1 sessions become ``"status": "planned", "advice": null`` and its exercises get
    ``"reasons": []``; schema 2 documents come back as they are. Any other version (or a
    document that is not a plan) raises ``ValueError`` naming what was found.
    """
    if not isinstance(document, Mapping):
        raise ValueError(f"a plan document is an object, not {type(document).__name__}")
    version = document.get("schema_version")
    if isinstance(version, bool) or version not in READABLE_SCHEMA_VERSIONS:
        allowed = ", ".join(map(str, READABLE_SCHEMA_VERSIONS))
        raise ValueError(f"schema_version: {version!r} is not allowed; allowed: {allowed}")
    upgraded = dict(document)
    if version == 1:
        sessions = []
        for session in document.get("sessions") or ():
            if isinstance(session, Mapping):
                session = {
                    **session,
                    "status": session.get("status", "planned"),
                    "advice": session.get("advice"),
                    "exercises": [
                        {**p, "reasons": p.get("reasons", [])} if isinstance(p, Mapping) else p
                        for p in session.get("exercises") or ()
                    ],
                }
            sessions.append(session)
        upgraded["sessions"] = sessions
        upgraded["schema_version"] = SCHEMA_VERSION
    return upgraded


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

    class Reason(_Strict):
        """Why the engine did something: a rule id and one sentence (R-WHY)."""

        rule: str = Field(
            min_length=1,
            description="Id of the rule in the training rule sheet, e.g. R-PAIN-2b.",
        )
        text: str = Field(min_length=1, description="The reason, in a sentence.")

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
        reasons: list[Reason] = Field(
            description="The reasons behind the prescription, one rule and sentence each "
            "(R-WHY); the same content as why, structured. May be empty."
        )

    class Session(_Strict):
        """One training session on one day."""

        date: dt.date = Field(description="Day of the session (YYYY-MM-DD).")
        week: int = Field(ge=1, description="Plan week, 1-based, counted from the start date.")
        deload: bool = Field(description="True in a lighter week (R-PROG-5).")
        title: str = Field(min_length=1, description="Short title of the session.")
        status: Literal["planned", "stopped"] = Field(
            description="planned: train as written. stopped: the plan is stopped "
            "(a red flag or a pain stop, R-PAIN-2a/2b); the session has no exercises and its "
            "advice says why and whom to see."
        )
        advice: str | None = Field(
            description="Advice to the athlete for this day (whom to see, easing the "
            "running), or null. Always set on a stopped session."
        )
        exercises: list[Exercise] = Field(
            description="The session's prescriptions, in order; empty when stopped."
        )

    class Plan(_Strict):
        """A calfcoach training plan (public JSON contract, schema_version 2)."""

        model_config = ConfigDict(title="calfcoach plan", extra="forbid")
        schema_version: Literal[2] = Field(description="Version of this contract; always 2.")
        start: dt.date = Field(description="First day of week 1 (YYYY-MM-DD).")
        weeks: int = Field(
            ge=MIN_WEEKS, le=MAX_WEEKS, description="Number of plan weeks (7-day blocks)."
        )
        warnings: list[PlanWarning] = Field(
            description="Rules that gave way for this athlete, one per entry (R-SCHED-0)."
        )
        sessions: list[Session] = Field(description="All sessions of the plan, by date.")

    return Plan
