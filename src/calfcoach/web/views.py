"""What the coaching pages show, built from the engine's sessions: one place that turns a
``Session`` into the rows a template prints (Today, guided mode, Plan), and a refused
service call's typed problems into messages at its form fields (``field_errors``).

The dose words come from ``formats.text`` (the CLI's table, the ICS export and these pages
spell a dose the same way); the reasons are the prescription's structured ``(rule, text)``
(R-WHY), never re-parsed from its ``why``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from calfcoach.formats.text import (
    describe_dose,
    describe_load,
    describe_rest,
    is_stopped,
    loads_in_units,
    session_advice,
)

if TYPE_CHECKING:
    from calfcoach.core.models import Exercise, LoggedSet, Prescription, Session, Units
    from calfcoach.errors import Problem

__all__ = [
    "ExerciseView",
    "SessionView",
    "FORM_FIELDS",
    "SetSlot",
    "field_errors",
    "form_field",
    "session_view",
    "tempo_phases",
]

FORM_FIELDS: dict[str, str] = {
    "load_kg": "load",  # the set form has one load field, in the athlete's units
    "load_lb": "load",
    "red_flag": "red_flags",  # the check-in's red-flag questions
}
"""The ONE table from the services' domain field names (``Problem.field``) to the pages'
form field names; a field not in it has the same name on the form (``rpe``, ``date``,
``set_number``, ``from_date``, ``to_date``...). A path in a document (``runs[0].kind``)
belongs to the field it starts with (``runs``)."""

_PATH_HEAD = re.compile(r"^[A-Za-z_]+")


def form_field(problem: Problem) -> str | None:
    """The form field a problem is about: its domain ``field`` through ``FORM_FIELDS`` (a
    path's first name for a path); None for a problem of the request as a whole."""
    if not problem.field:
        return None
    head = _PATH_HEAD.match(problem.field)
    name = head.group(0) if head else problem.field
    return FORM_FIELDS.get(name, name)


def field_errors(
    problems: Iterable[Problem],
    fields: Collection[str] | None = None,
    *,
    default: str = "form",
    rename: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """Each typed problem at the form field it is about (``form_field``), as its domain
    message and what is allowed (``11 is out of range; allowed: 1-10``; no CLI option, no
    field name in front). ``fields``: the fields the form shows (None: any); a problem
    about another field, or about none, goes under ``default`` (the top of the form) with
    its field's name in front, so it still says what it is about. ``rename``: this form's
    own names for some fields (the move form's ``date`` is its ``from_date``)."""
    out: dict[str, str] = {}
    for problem in problems:
        name = form_field(problem)
        if name is not None and rename:
            name = rename.get(name, name)
        if name is None or (fields is not None and name not in fields):
            name, text = default, problem.text()
        elif problem.field is not None and problem.field != name and "[" in problem.field:
            text = problem.text()  # a path says which item of the field (runs[1].kind: ...)
        else:
            text = problem.text("")
        out[name] = f"{out[name]} {text}" if name in out else text
    return out


_PHASE = re.compile(r"(\d+)\s*s\s+(up|down|hold)")


def tempo_phases(tempo: str | None) -> str:
    """The prescription's tempo as metronome phases for ``guided.js``: "3 s up, 2 s hold, 3 s
    down" -> "up:3,hold:2,down:3"; empty when there is no tempo or it reads otherwise."""
    if not tempo:
        return ""
    return ",".join(f"{name}:{seconds}" for seconds, name in _PHASE.findall(tempo))


@dataclass(frozen=True, slots=True)
class SetSlot:
    """One set to log: its number and side, and what is logged of it already (or None)."""

    number: int
    side: str
    logged: LoggedSet | None = None


@dataclass(frozen=True, slots=True)
class ExerciseView:
    prescription: Prescription
    name: str
    dose: str
    rest: str
    unit: str
    """How a set is measured: reps, seconds, distance or contacts (the catalog's unit)."""
    kind: str
    """What guided mode times: "hold" (an isometric), "tempo" (slow reps), "contacts" (rope,
    pogo), "reps" or "distance"."""
    load: str | None
    load_value: float | None
    """The planned load in the athlete's units (kg or lb), to prefill the form."""
    tempo: str | None
    tempo_phases: str
    cues: tuple[str, ...]
    instructions: tuple[str, ...]
    reasons: tuple[tuple[str, str], ...]
    slots: tuple[SetSlot, ...] = field(default=())
    cpm: int | None = None
    """Contacts per minute at the usual cadence (plyometrics), for the rope timer's count."""

    @property
    def id(self) -> str:
        return self.prescription.exercise

    @property
    def planned(self) -> float | None:
        """The planned measure of one set (reps, seconds, contacts or metres)."""
        p = self.prescription
        return {"reps": p.reps, "seconds": p.seconds, "contacts": p.contacts}.get(
            self.unit, p.distance_m
        )

    @property
    def done(self) -> int:
        return sum(1 for s in self.slots if s.logged is not None)


@dataclass(frozen=True, slots=True)
class SessionView:
    session: Session
    stopped: bool
    advice: str | None
    exercises: tuple[ExerciseView, ...]

    @property
    def date(self) -> dt.date:
        return self.session.date

    @property
    def sets_total(self) -> int:
        return sum(len(e.slots) for e in self.exercises)

    @property
    def sets_done(self) -> int:
        return sum(e.done for e in self.exercises)


def _kind(exercise: Exercise | None, p: Prescription, unit: str) -> str:
    if unit == "contacts":
        return "contacts"
    if unit == "seconds" or (exercise is not None and exercise.contraction == "isometric"):
        return "hold" if p.seconds else "reps"
    if tempo_phases(p.tempo):
        return "tempo"
    return "distance" if unit == "distance" else "reps"


def _shown_load(p: Prescription, units: Units) -> float | None:
    if not p.added_load_kg:
        return None
    if units == "imperial":
        from calfcoach.core.units import LB_PER_KG

        return round(p.added_load_kg * LB_PER_KG * 2) / 2
    return round(p.added_load_kg, 1)


def _reasons(p: Prescription, units: Units) -> tuple[tuple[str, str], ...]:
    structured = tuple((r.rule, loads_in_units(r.text, units)) for r in p.reasons)
    if structured or not p.why:
        return structured
    return ((p.rule, loads_in_units(p.why, units)),)


def exercise_view(
    p: Prescription,
    exercise: Exercise | None,
    units: Units,
    logged: tuple[LoggedSet, ...] = (),
) -> ExerciseView:
    from calfcoach.core.dosing import unit_of

    unit = unit_of(exercise) if exercise is not None else "reps"
    sides = ("left", "right") if p.per_side else ("both",)
    slots = []
    for number in range(1, p.sets + 1):
        for side in sides:
            done = next(
                (
                    s
                    for s in logged
                    if s.exercise == p.exercise
                    and s.set_number == number
                    and (s.side == side or "both" in (s.side, side))
                ),
                None,
            )
            slots.append(SetSlot(number, side, done))
    cpm = exercise.contacts_per_minute if exercise is not None else None
    return ExerciseView(
        prescription=p,
        name=exercise.name if exercise is not None else p.exercise,
        dose=describe_dose(p, units, contacts_per_minute=cpm),
        rest=describe_rest(p.rest_seconds),
        unit=unit,
        kind=_kind(exercise, p, unit),
        load=describe_load(p.added_load_kg, units) if p.added_load_kg else None,
        load_value=_shown_load(p, units),
        tempo=p.tempo,
        tempo_phases=tempo_phases(p.tempo),
        cues=exercise.cues if exercise is not None else (),
        instructions=exercise.instructions if exercise is not None else (),
        reasons=_reasons(p, units),
        slots=tuple(slots),
        cpm=cpm,
    )


def session_view(session: Session, units: Units, logged: tuple[LoggedSet, ...] = ()) -> SessionView:
    """A session as the pages show it: a stopped one (R-PAIN-2a/2b) with its advice and no
    exercises at all, whatever it holds."""
    from calfcoach.catalog import load_catalog

    stopped = is_stopped(session)
    advice = session_advice(session)
    if stopped:
        return SessionView(session, True, advice, ())
    catalog = load_catalog()
    day_sets = tuple(s for s in logged if s.date == session.date)
    exercises = tuple(
        exercise_view(
            p, catalog.get(p.exercise) if p.exercise in catalog else None, units, day_sets
        )
        for p in session.exercises
    )
    return SessionView(session, False, advice, exercises)
