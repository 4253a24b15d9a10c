"""The engine's output: reasons, warnings, prescriptions, sessions and plans (R-WHY, R-SCH-6).

Plain slotted dataclasses with no pydantic, so that mypyc compiles this module with the engine
(``[tool.calfcoach.mypyc]``): in the compiled build they are native classes, built and read by
the compiled engine without the interpreter (their interpreted ``__init__``s were about 6 % of
a compiled plan). ``calfcoach.core.models`` re-exports every name: import them from there.
The pure-Python module is the reference; both builds give the same plans
(tests/unit/test_compiled_core.py).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

Scheme = Literal["light", "heavy", "plyometric", "isometric", "skill", "rehab"]


@dataclass(frozen=True, slots=True)
class Reason:
    """Why the engine did something: a rule id and one sentence (R-WHY), structured from the
    moment it is made and never edited afterwards."""

    rule: str
    text: str

    def __init__(self, rule: str, text: str) -> None:
        # Written out: mypyc compiles it to native slot writes (D-130).
        object.__setattr__(self, "rule", rule)
        object.__setattr__(self, "text", text)

    def __str__(self) -> str:
        return f"{self.rule}: {self.text}"


@dataclass(frozen=True, slots=True)
class PlanWarning:
    """A rule that gave way, and why (R-SCHED-0)."""

    rule: str
    message: str

    def __init__(self, rule: str, message: str) -> None:
        # Written out: mypyc compiles it to native slot writes (D-130).
        object.__setattr__(self, "rule", rule)
        object.__setattr__(self, "message", message)


@dataclass(slots=True, unsafe_hash=True)
class Prescription:
    """One block of a session (R-SCH-6): scheme, sets, dose per set, side, load, rest, tempo.

    Treat as immutable (derive changed copies with `dataclasses.replace`). It is not declared
    frozen only because frozen slotted dataclasses are about five times slower to build, and a
    plan holds hundreds of these (benchmark target: 1,000 sixteen-week plans a second).
    """

    exercise: str
    scheme: Scheme
    sets: int
    reps: int | None = None
    seconds: int | None = None
    distance_m: float | None = None
    contacts: int | None = None
    per_side: bool = False
    added_load_kg: float | None = None
    rest_seconds: int = 60
    tempo: str | None = None
    why: str = ""
    rule: str = ""
    """The main rule id behind the choice (also named at the start of ``why``)."""
    reasons: tuple[Reason, ...] = ()
    """Every reason, structured (R-WHY); ``why`` is their text joined, ``rule`` the first id."""

    def __init__(
        self,
        exercise: str,
        scheme: Scheme,
        sets: int,
        reps: int | None = None,
        seconds: int | None = None,
        distance_m: float | None = None,
        contacts: int | None = None,
        per_side: bool = False,
        added_load_kg: float | None = None,
        rest_seconds: int = 60,
        tempo: str | None = None,
        why: str = "",
        rule: str = "",
        reasons: tuple[Reason, ...] = (),
    ) -> None:
        # Written out: mypyc compiles it to native slot writes (D-130).
        self.exercise = exercise
        self.scheme = scheme
        self.sets = sets
        self.reps = reps
        self.seconds = seconds
        self.distance_m = distance_m
        self.contacts = contacts
        self.per_side = per_side
        self.added_load_kg = added_load_kg
        self.rest_seconds = rest_seconds
        self.tempo = tempo
        self.why = why
        self.rule = rule
        self.reasons = reasons


SessionStatus = Literal["planned", "stopped"]


@dataclass(slots=True, unsafe_hash=True)
class Session:
    """One planned session. Treat as immutable (see Prescription)."""

    date: dt.date
    week: int
    deload: bool
    title: str
    exercises: tuple[Prescription, ...]
    minutes: int = 0
    """Estimated duration, warm-up included (R-SCHED-7)."""
    status: SessionStatus = "planned"
    """"stopped": withdrawn by a stop (R-PAIN-2a/2b): no exercises, ``advice`` says why."""
    advice: str | None = None
    """Advice to the athlete (whom to see, easing the running); None when there is none."""

    def __init__(
        self,
        date: dt.date,
        week: int,
        deload: bool,
        title: str,
        exercises: tuple[Prescription, ...],
        minutes: int = 0,
        status: SessionStatus = "planned",
        advice: str | None = None,
    ) -> None:
        # Written out: mypyc compiles it to native slot writes (D-130).
        self.date = date
        self.week = week
        self.deload = deload
        self.title = title
        self.exercises = exercises
        self.minutes = minutes
        self.status = status
        self.advice = advice


@dataclass(frozen=True, slots=True)
class Plan:
    start: dt.date
    weeks: int
    warnings: tuple[PlanWarning, ...]
    sessions: tuple[Session, ...]
    schema_version: int = 2
    notes: tuple[str, ...] = field(default=())


__all__ = ["Plan", "PlanWarning", "Prescription", "Reason", "Session", "SessionStatus"]
