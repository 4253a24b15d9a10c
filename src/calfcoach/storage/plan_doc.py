"""Plans as JSON documents for storage, and back.

The stored document is the public plan JSON (``calfcoach.formats.plan_json.plan_to_dict``,
schema_version 1) plus three fields the contract leaves out, so that a stored plan comes
back equal to the one saved: ``notes`` (plan), ``minutes`` (session) and ``rule``
(exercise). ``plan_from_dict`` reads both shapes, so a public plan file can be stored too.
Export with ``plan_to_dict``, never by dumping the stored document.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, cast

from calfcoach.core.models import Plan, PlanWarning, Prescription, Scheme, Session
from calfcoach.errors import InputError
from calfcoach.formats.plan_json import plan_to_dict, prescription_to_dict, session_to_dict

__all__ = [
    "SCHEMA_VERSION",
    "plan_from_dict",
    "plan_to_doc",
    "prescription_from_dict",
    "prescription_to_doc",
    "session_from_dict",
    "session_to_doc",
]

SCHEMA_VERSION = 1
_SCHEMES = frozenset({"light", "heavy", "plyometric", "isometric", "skill", "rehab"})


def prescription_to_doc(prescription: Prescription) -> dict[str, Any]:
    return {**prescription_to_dict(prescription), "rule": prescription.rule}


def session_to_doc(session: Session) -> dict[str, Any]:
    return {
        **session_to_dict(session),
        "exercises": [prescription_to_doc(p) for p in session.exercises],
        "minutes": session.minutes,
    }


def plan_to_doc(plan: Plan) -> dict[str, Any]:
    """The stored document: the public plan JSON plus notes, minutes and rule ids."""
    return {
        **plan_to_dict(plan),
        "sessions": [session_to_doc(s) for s in plan.sessions],
        "notes": list(plan.notes),
    }


def _optional_int(value: Any) -> int | None:
    return None if value is None else int(value)


def _optional_float(value: Any) -> float | None:
    return None if value is None else float(value)


def prescription_from_dict(doc: Mapping[str, Any]) -> Prescription:
    scheme = str(doc["scheme"])
    if scheme not in _SCHEMES:
        raise ValueError(f"unknown scheme {scheme!r}")
    return Prescription(
        exercise=str(doc["exercise"]),
        scheme=cast(Scheme, scheme),
        sets=int(doc["sets"]),
        reps=_optional_int(doc.get("reps")),
        seconds=_optional_int(doc.get("seconds")),
        distance_m=_optional_float(doc.get("distance_m")),
        contacts=_optional_int(doc.get("contacts")),
        per_side=bool(doc.get("per_side", False)),
        added_load_kg=_optional_float(doc.get("added_load_kg")),
        rest_seconds=int(doc.get("rest_seconds", 60)),
        tempo=None if doc.get("tempo") is None else str(doc["tempo"]),
        why=str(doc.get("why", "")),
        rule=str(doc.get("rule", "")),
    )


def session_from_dict(doc: Mapping[str, Any]) -> Session:
    return Session(
        date=dt.date.fromisoformat(str(doc["date"])),
        week=int(doc["week"]),
        deload=bool(doc["deload"]),
        title=str(doc["title"]),
        exercises=tuple(prescription_from_dict(p) for p in doc["exercises"]),
        minutes=int(doc.get("minutes", 0)),
    )


def plan_from_dict(doc: Mapping[str, Any]) -> Plan:
    """A ``Plan`` from the public plan JSON or the stored document.

    Raises ``InputError`` naming what is wrong when the document does not fit.
    """
    version = doc.get("schema_version") if isinstance(doc, Mapping) else None
    if version != SCHEMA_VERSION:
        raise InputError(
            f"plan document: schema_version is {version!r}; this calfcoach reads "
            f"version {SCHEMA_VERSION}"
        )
    try:
        return Plan(
            start=dt.date.fromisoformat(str(doc["start"])),
            weeks=int(doc["weeks"]),
            warnings=tuple(
                PlanWarning(rule=str(w["rule"]), message=str(w["message"])) for w in doc["warnings"]
            ),
            sessions=tuple(session_from_dict(s) for s in doc["sessions"]),
            schema_version=SCHEMA_VERSION,
            notes=tuple(str(n) for n in doc.get("notes", ())),
        )
    except (KeyError, TypeError, ValueError) as exc:
        detail = f"missing key {exc}" if isinstance(exc, KeyError) else str(exc)
        raise InputError(f"plan document does not fit schema_version 1: {detail}") from None
