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
    """The pydantic model of the contract (``formats.plan_schema.Plan``), imported only when
    the schema is asked for: ``plan_to_dict`` stays on the standard library."""
    from calfcoach.formats.plan_schema import Plan

    return Plan
