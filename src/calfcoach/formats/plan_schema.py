"""The public plan JSON (schema_version 2) as module-level pydantic models.

The same contract as ``formats.plan_json.plan_to_dict`` field by field, in its key order, so
``Plan.model_validate(plan_to_dict(plan)).model_dump(mode="json")`` is the same document
(tests/unit/test_schemas.py). ``plan_json.plan_json_schema`` is generated from ``Plan``; the
service DTOs (``services.schemas``) and the API's OpenAPI schema use the same classes. The
class names are the ``$defs`` names of the published JSON Schema: do not rename them.

Imported only where a model is needed (the JSON Schema, a DTO): building the models costs a
cold start some milliseconds.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from calfcoach.core.limits import MAX_WEEKS, MIN_WEEKS
from calfcoach.core.models import Scheme

__all__ = ["Exercise", "Plan", "PlanWarning", "Reason", "Session"]


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
