"""Plans as JSON documents for storage, and back.

The stored document is the public plan JSON (``calfcoach.formats.plan_json.plan_to_dict``,
schema_version 2) plus the fields the contract leaves out, so that a stored plan comes back
equal to the one saved: ``notes`` (plan), ``minutes`` (session), ``rule`` and ``reasons``
(exercise). ``status`` and ``advice`` (session, schema 2) are written here whether or not the
public JSON carries them. ``plan_from_dict`` reads both shapes and both versions (1 and 2),
so a public plan file can be stored too and the plans stored before engine v2 still load
(their sessions are "planned", without advice). Export with ``plan_to_dict``, never by
dumping the stored document.

``reasons`` (a list of ``{"rule", "text"}``) is written only when ``Prescription`` has the
attribute, and read back only then: documents without it load with no reasons.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, cast

from calfcoach.core.models import (
    Plan,
    PlanWarning,
    Prescription,
    Reason,
    Scheme,
    Session,
    SessionStatus,
)
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

SCHEMA_VERSION = 2
READABLE_VERSIONS = frozenset({1, 2})
_SCHEMES = frozenset({"light", "heavy", "plyometric", "isometric", "skill", "rehab"})
_STATUSES = frozenset({"planned", "stopped"})
# Whether the core's Prescription carries structured reasons yet (the lead adds them).
_HAS_REASONS = "reasons" in getattr(Prescription, "__dataclass_fields__", {})


def prescription_to_doc(prescription: Prescription) -> dict[str, Any]:
    doc = {**prescription_to_dict(prescription), "rule": prescription.rule}
    if _HAS_REASONS:
        reasons = getattr(prescription, "reasons", ())
        doc["reasons"] = [{"rule": r.rule, "text": r.text} for r in reasons]
    return doc


def session_to_doc(session: Session) -> dict[str, Any]:
    return {
        **session_to_dict(session),
        "status": session.status,
        "advice": session.advice,
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
    extra: dict[str, Any] = {}
    if _HAS_REASONS:
        extra["reasons"] = tuple(
            Reason(rule=str(r["rule"]), text=str(r["text"])) for r in doc.get("reasons") or ()
        )
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
        **extra,
    )


def session_from_dict(doc: Mapping[str, Any]) -> Session:
    """A ``Session`` from its stored document or the public session shape (v1 or v2)."""
    status = str(doc.get("status") or "planned")
    if status not in _STATUSES:
        raise ValueError(f"unknown session status {status!r}")
    advice = doc.get("advice")
    return Session(
        date=dt.date.fromisoformat(str(doc["date"])),
        week=int(doc["week"]),
        deload=bool(doc["deload"]),
        title=str(doc["title"]),
        exercises=tuple(prescription_from_dict(p) for p in doc["exercises"]),
        minutes=int(doc.get("minutes", 0)),
        status=cast(SessionStatus, status),
        advice=None if advice is None else str(advice),
    )


def plan_from_dict(doc: Mapping[str, Any]) -> Plan:
    """A ``Plan`` from the public plan JSON or the stored document.

    Raises ``InputError`` naming what is wrong when the document does not fit.
    """
    version = doc.get("schema_version") if isinstance(doc, Mapping) else None
    if isinstance(version, bool) or version not in READABLE_VERSIONS:
        raise InputError(
            f"plan document: schema_version is {version!r}; this calfcoach reads "
            f"versions {', '.join(map(str, sorted(READABLE_VERSIONS)))}"
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
        raise InputError(f"plan document does not fit schema_version {version}: {detail}") from None
