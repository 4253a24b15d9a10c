"""The exercise catalog (R-EX): validated entries, their cross-references, fast look-ups.

Pure: the entries come in already parsed (``Catalog.from_data``); reading the YAML file is the
job of ``calfcoach.catalog.load_catalog``. Every problem in the data is collected, not just the
first, and raised together as one ``InputError`` whose lines name the exercise and the field.
"""

from __future__ import annotations

import difflib
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from pydantic import ValidationError

from calfcoach.core.models import Dose, Exercise, Region, Unit
from calfcoach.errors import InputError, NotFoundError

__all__ = ["Catalog", "describe_dose", "short_dose"]

# Which Dose field carries the dose of each unit (a "reps" exercise must say how many reps).
_DOSE_FIELD: dict[Unit, str] = {
    "reps": "reps",
    "seconds": "seconds",
    "distance": "distance_m",
    "contacts": "contacts",
}


class Catalog:
    """An immutable, validated set of exercises with precomputed indexes.

    Build it with ``Catalog(exercises)`` or ``Catalog.from_data(parsed_yaml)``; both check the
    cross-references (ids unique and existing, R-EX-2 reasons, ladders, plyometric units).
    """

    __slots__ = ("_by_id", "_exercises", "_ladders", "_needs", "_by_region")

    def __init__(self, exercises: Iterable[Exercise]) -> None:
        items = tuple(exercises)
        problems = _cross_check(items, frozenset())
        if problems:
            raise InputError(*problems)
        self._index(items)

    def _index(self, items: tuple[Exercise, ...]) -> None:
        """Precompute the look-ups (the planner filters often; the catalog never changes)."""
        self._exercises = items
        self._by_id: dict[str, Exercise] = {ex.id: ex for ex in items}
        # Required equipment per exercise as a frozenset, so filter() is one subset test each.
        self._needs: tuple[frozenset[str], ...] = tuple(frozenset(ex.equipment) for ex in items)
        by_region: dict[str, list[int]] = {}
        ladders: dict[str, list[Exercise]] = {}
        for index, ex in enumerate(items):
            by_region.setdefault(ex.region, []).append(index)
            if ex.ladder is not None:
                ladders.setdefault(ex.ladder, []).append(ex)
        self._by_region: dict[str, tuple[int, ...]] = {k: tuple(v) for k, v in by_region.items()}
        self._ladders: dict[str, tuple[Exercise, ...]] = {
            name: tuple(sorted(steps, key=lambda ex: ex.ladder_step or 0))
            for name, steps in ladders.items()
        }

    @classmethod
    def from_data(cls, data: object) -> Catalog:
        """Validate a parsed catalog document: ``{"exercises": [ {...}, ... ]}``."""
        if not isinstance(data, Mapping):
            raise InputError(
                f"catalog: expected a mapping with an 'exercises' list, got {_kind(data)}"
            )
        problems: list[str] = [
            f"catalog: unknown top-level key {key!r} (allowed: 'exercises')"
            for key in data
            if key != "exercises"
        ]
        entries = data.get("exercises")
        if not isinstance(entries, list) or not entries:
            problems.append(f"catalog: 'exercises' must be a non-empty list, got {_kind(entries)}")
            raise InputError(*problems)

        exercises: list[Exercise] = []
        invalid_ids: list[str] = []  # ids of entries that failed: still "known" to references
        for number, entry in enumerate(entries, start=1):
            label = _label(entry, number)
            if not isinstance(entry, Mapping):
                problems.append(f"{label}: expected a mapping of fields, got {_kind(entry)}")
                continue
            try:
                exercises.append(Exercise.model_validate(entry))
            except ValidationError as error:
                if isinstance(entry.get("id"), str):
                    invalid_ids.append(entry["id"])
                problems.extend(f"{label}: {_describe(detail)}" for detail in error.errors())
        problems.extend(_cross_check(exercises, frozenset(invalid_ids)))
        if problems:
            raise InputError(*problems)
        catalog = cls.__new__(cls)  # already cross-checked above, with the broken entries
        catalog._index(tuple(exercises))
        return catalog

    # ------------------------------------------------------------------ look-ups

    def get(self, exercise_id: str) -> Exercise:
        """The exercise with this id; ``NotFoundError`` names the closest ids."""
        try:
            return self._by_id[exercise_id]
        except KeyError:
            raise NotFoundError(self._unknown(exercise_id)) from None

    def _unknown(self, exercise_id: str) -> str:
        # Ids that contain what was typed come first ("calf raise" -> single-leg-calf-raise),
        # then the closest spellings ("toe-tap" -> toe-taps).
        slug = "-".join(exercise_id.lower().split())
        close = [i for i in self._by_id if slug and slug in i]
        close += difflib.get_close_matches(slug, self._by_id, n=3, cutoff=0.6)
        close = list(dict.fromkeys(close))[:3]
        message = f"unknown exercise {exercise_id!r}"
        if close:
            quoted = [repr(i) for i in close]
            choices = (
                quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " or " + quoted[-1]
            )
            message += f"; did you mean {choices}?"
        return message

    def __contains__(self, exercise_id: object) -> bool:
        return exercise_id in self._by_id

    def __iter__(self) -> Iterator[Exercise]:
        return iter(self._exercises)

    def __len__(self) -> int:
        return len(self._exercises)

    def ids(self) -> tuple[str, ...]:
        """All ids, in catalog order."""
        return tuple(self._by_id)

    def filter(
        self, region: Region | None = None, equipment: Iterable[str] | None = None
    ) -> tuple[Exercise, ...]:
        """Exercises of ``region`` (any when None) that the athlete's ``equipment`` allows.

        ``equipment`` is what the athlete has: an exercise qualifies when everything it
        requires is in that set. None means no equipment filter at all.
        """
        indexes = range(len(self._exercises)) if region is None else self._by_region.get(region, ())
        if equipment is None:
            return tuple(self._exercises[i] for i in indexes)
        have = equipment if isinstance(equipment, frozenset) else frozenset(equipment)
        return tuple(self._exercises[i] for i in indexes if self._needs[i] <= have)

    def ladder(self, name: str) -> tuple[Exercise, ...]:
        """The exercises of a progression ladder (e.g. "soleus", R-PROG-3), by step."""
        try:
            return self._ladders[name]
        except KeyError:
            known = ", ".join(repr(n) for n in sorted(self._ladders)) or "none"
            raise NotFoundError(f"unknown ladder {name!r} (known: {known})") from None

    def ladder_names(self) -> tuple[str, ...]:
        return tuple(sorted(self._ladders))


# ---------------------------------------------------------------------- dose in words


def describe_dose(exercise: Exercise, dose: Dose | None = None) -> str:
    """A dose in words: "3 sets x 12 reps per side, rest 60 s" (the default dose if none)."""
    dose = dose or exercise.default_dose
    sets = f"{dose.sets} set" + ("s" if dose.sets != 1 else "")
    text = f"{sets} x {_amount(exercise, dose)}"
    if dose.per_side:
        text += " per side"
    if dose.sets > 1:
        text += f", rest {dose.rest_seconds} s"
    return text


def short_dose(exercise: Exercise) -> str:
    """The default dose in a few characters for tables: "3x12/side", "3x30 s"."""
    dose = exercise.default_dose
    side = "/side" if dose.per_side else ""
    return f"{dose.sets}x{_amount(exercise, dose, short=True)}{side}"


def _amount(exercise: Exercise, dose: Dose, short: bool = False) -> str:
    """One set's dose with its unit ("12 reps", "30 s", "3 m", "24 contacts")."""
    if exercise.unit == "reps":
        return f"{dose.reps}" if short else f"{dose.reps} rep" + ("s" if dose.reps != 1 else "")
    if exercise.unit == "seconds":
        return f"{dose.seconds} s"
    if exercise.unit == "distance":
        metres = dose.distance_m or 0.0
        return f"{metres:g} m" if short else f"{metres:g} m (about {round(metres / 0.3048)} ft)"
    contacts = f"{dose.contacts} contacts"
    if not short and exercise.contacts_per_minute and dose.contacts:
        # R-SCH-3a: show the time next to the contacts.
        seconds = round(dose.contacts * 60 / exercise.contacts_per_minute)
        contacts += f" (about {seconds} s at {exercise.contacts_per_minute} contacts/min)"
    return contacts


# ---------------------------------------------------------------------- validation


def _cross_check(exercises: Iterable[Exercise], also_known: frozenset[str]) -> list[str]:
    """Every cross-reference problem of a set of individually valid exercises."""
    items = tuple(exercises)
    problems: list[str] = []
    counts = Counter(ex.id for ex in items)
    counts.update(also_known)
    known = frozenset(counts)
    reported: set[str] = set()
    for ex in items:
        where = f"exercise {ex.id!r}"
        if counts[ex.id] > 1 and ex.id not in reported:
            reported.add(ex.id)
            problems.append(f"{where}: field 'id': duplicate id ({counts[ex.id]} entries)")
        for field in ("progressions", "regressions"):
            refs: tuple[str, ...] = getattr(ex, field)
            for ref in refs:
                if ref == ex.id:
                    problems.append(f"{where}: field {field!r}: lists the exercise itself")
                elif ref not in known:
                    close = difflib.get_close_matches(ref, known, n=1, cutoff=0.6)
                    hint = f" (did you mean {close[0]!r}?)" if close else ""
                    problems.append(f"{where}: field {field!r}: unknown exercise {ref!r}{hint}")
        if not ex.seed and not (ex.extra_reason and ex.extra_reason.strip()):
            problems.append(
                f"{where}: field 'extra_reason': required when 'seed' is empty "
                "(R-EX-2: an extra exercise needs a cited reason)"
            )
        dose_field = _DOSE_FIELD[ex.unit]
        if getattr(ex.default_dose, dose_field) is None:
            problems.append(
                f"{where}: field 'default_dose.{dose_field}': required for unit {ex.unit!r}"
            )
        if (ex.ladder is None) != (ex.ladder_step is None):
            problems.append(f"{where}: fields 'ladder' and 'ladder_step': set both or neither")
        if ex.contraction == "plyometric":
            if ex.unit != "contacts":
                problems.append(
                    f"{where}: field 'unit': a plyometric exercise is counted in 'contacts' "
                    f"(R-SCH-3), not {ex.unit!r}"
                )
            if ex.contacts_per_minute is None:
                problems.append(
                    f"{where}: field 'contacts_per_minute': required for a plyometric "
                    "exercise (R-SCH-3a shows time next to contacts)"
                )
            if ex.default_dose.per_side:
                problems.append(
                    f"{where}: field 'default_dose.per_side': must be false for a plyometric "
                    "exercise (contacts are counted over both feet, R-SCH-3a)"
                )
        if ex.protocol is not None and "rehab" not in ex.schemes:
            problems.append(
                f"{where}: field 'schemes': a protocol exercise is prescribed as 'rehab' (R-PAIN-5)"
            )
    steps: dict[tuple[str, int], str] = {}
    for ex in items:
        if ex.ladder is None or ex.ladder_step is None:
            continue
        key = (ex.ladder, ex.ladder_step)
        if key in steps:
            problems.append(
                f"exercise {ex.id!r}: field 'ladder_step': step {ex.ladder_step} of ladder "
                f"{ex.ladder!r} is also taken by {steps[key]!r}"
            )
        else:
            steps[key] = ex.id
    return problems


def _label(entry: object, number: int) -> str:
    if isinstance(entry, Mapping) and isinstance(entry.get("id"), str) and entry["id"]:
        return f"exercise {entry['id']!r}"
    return f"exercise #{number} (no id)"


def _describe(detail: Mapping[str, Any]) -> str:
    """One pydantic error as "field 'equipment[0]': input should be ... (got 'kettle')"."""
    path = ""
    for part in detail.get("loc", ()):
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    message = str(detail.get("msg", "invalid"))
    message = message[:1].lower() + message[1:]
    text = f"field {path!r}: {message}" if path else message
    if detail.get("type") != "missing" and "input" in detail:
        text += f" (got {_short(detail['input'])})"
    return text


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _kind(value: object) -> str:
    return "nothing" if value is None else type(value).__name__
