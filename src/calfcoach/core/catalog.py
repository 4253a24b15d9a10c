"""The exercise catalog (R-EX): validated entries, their cross-references, fast look-ups.

Pure: the entries come in already parsed (``Catalog.from_data``); reading the YAML file is the
job of ``calfcoach.catalog.load_catalog``. Every problem in the data is collected, not just the
first, and raised together as one ``InputError`` whose lines name the exercise and the field.

The checks themselves are in `calfcoach.core.catalog_checks` and the R-WHY reasons model
(`Fits`, `CatalogReason`, re-exported here) in `calfcoach.core.catalog_reasons`.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator, Mapping

from pydantic import ValidationError

from calfcoach.core.catalog_checks import (
    check_complete,
    check_reasons,
    cross_check,
    describe_error,
    entry_label,
    kind_of,
    parse_reasons,
)
from calfcoach.core.catalog_reasons import CatalogReason, Fits
from calfcoach.core.models import Complaint, Dose, Exercise, Knee, Reason, Region, Scheme
from calfcoach.errors import InputError, NotFoundError

__all__ = ["Catalog", "CatalogReason", "Fits", "describe_dose", "short_dose"]

_TOP_KEYS = ("exercises", "reasons")
_KNEES: tuple[Knee, ...] = ("straight", "bent", "none")


class Catalog:
    """An immutable, validated set of exercises with precomputed indexes.

    Build it with ``Catalog(exercises)`` or ``Catalog.from_data(parsed_yaml)``; both check the
    cross-references (ids unique and existing, R-EX-2 reasons, ladders, plyometric units).
    """

    __slots__ = (
        "_by_id",
        "_exercises",
        "_ladders",
        "_needs",
        "_by_region",
        "_reasons",
        "_reasons_cache",
        "_variants",
    )

    def __init__(
        self,
        exercises: Iterable[Exercise],
        reasons: Iterable[CatalogReason] = (),
        *,
        complete: bool = False,
    ) -> None:
        items = tuple(exercises)
        why = tuple(reasons)
        problems = cross_check(items, frozenset())
        problems += check_reasons(items, why)
        if complete:
            problems += check_complete(items, why)
        if problems:
            raise InputError(*problems)
        self._index(items, why)

    def _index(self, items: tuple[Exercise, ...], reasons: tuple[CatalogReason, ...]) -> None:
        """Precompute the look-ups (the planner filters often; the catalog never changes)."""
        self._exercises = items
        self._reasons = reasons
        self._reasons_cache: dict[tuple[str, str, frozenset[str]], tuple[Reason, ...]] = {}
        self._by_id: dict[str, Exercise] = {ex.id: ex for ex in items}
        # Required equipment per exercise as a frozenset, so filter() is one subset test each.
        self._needs: tuple[frozenset[str], ...] = tuple(frozenset(ex.equipment) for ex in items)
        by_region: dict[str, list[int]] = {}
        ladders: dict[str, list[Exercise]] = {}
        for index, ex in enumerate(items):
            by_region.setdefault(ex.region, []).append(index)
            for name in ex.steps:
                ladders.setdefault(name, []).append(ex)
        self._by_region: dict[str, tuple[int, ...]] = {k: tuple(v) for k, v in by_region.items()}
        self._ladders: dict[str, tuple[Exercise, ...]] = {
            name: tuple(
                sorted(steps, key=lambda ex: (ex.steps[name], _KNEES.index(ex.knee), ex.priority))
            )
            for name, steps in ladders.items()
        }
        self._variants: dict[str, tuple[Exercise, ...]] = {
            ex.id: tuple(
                sorted((self._by_id[m] for m in ex.machines), key=lambda v: (v.priority, v.id))
            )
            for ex in items
            if ex.machines
        }

    @classmethod
    def from_data(cls, data: object, *, complete: bool = False) -> Catalog:
        """Validate a parsed catalog document: ``{"exercises": [...], "reasons": [...]}``.

        With ``complete`` (the packaged catalog) every role the engine needs must be filled:
        flare holds at both knee angles, the calf-strain ladder, the protocol slots, a
        clearance and a dorsiflexor exercise, and a reason for every exercise and scheme."""
        if not isinstance(data, Mapping):
            raise InputError(
                f"catalog: expected a mapping with an 'exercises' list, got {kind_of(data)}"
            )
        allowed = ", ".join(repr(k) for k in _TOP_KEYS)
        problems: list[str] = [
            f"catalog: unknown top-level key {key!r} (allowed: {allowed})"
            for key in data
            if key not in _TOP_KEYS
        ]
        entries = data.get("exercises")
        if not isinstance(entries, list) or not entries:
            problems.append(
                f"catalog: 'exercises' must be a non-empty list, got {kind_of(entries)}"
            )
            raise InputError(*problems)
        reasons, reason_problems = parse_reasons(data.get("reasons", []))
        problems += reason_problems

        exercises: list[Exercise] = []
        invalid_ids: list[str] = []  # ids of entries that failed: still "known" to references
        for number, entry in enumerate(entries, start=1):
            label = entry_label(entry, number)
            if not isinstance(entry, Mapping):
                problems.append(f"{label}: expected a mapping of fields, got {kind_of(entry)}")
                continue
            try:
                exercises.append(Exercise.model_validate(entry))
            except ValidationError as error:
                if isinstance(entry.get("id"), str):
                    invalid_ids.append(entry["id"])
                problems.extend(f"{label}: {describe_error(detail)}" for detail in error.errors())
        problems.extend(cross_check(exercises, frozenset(invalid_ids)))
        if not problems:  # the reasons' checks need sound exercises
            problems.extend(check_reasons(exercises, reasons))
            if complete:
                problems.extend(check_complete(exercises, reasons))
        if problems:
            raise InputError(*problems)
        catalog = cls.__new__(cls)  # already cross-checked above, with the broken entries
        catalog._index(tuple(exercises), reasons)
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

    def ladder_step(self, name: str, step: int) -> tuple[Exercise, ...]:
        """The exercises on one step of a ladder (straight knee first, then by priority):
        e.g. ``ladder_step("calf_strain", 1)`` gives both isometric holds (R-PAIN-4)."""
        return tuple(ex for ex in self.ladder(name) if ex.steps[name] == step)

    # ------------------------------------------------------------------ roles (issue 6)

    def protocol_exercises(
        self, complaint: Complaint, knee: Knee | None = None
    ) -> tuple[Exercise, ...]:
        """The exercises serving a complaint's protocol block (R-PAIN-5), by priority; with
        ``knee``, only that slot of the block."""
        return self._by_priority(
            ex
            for ex in self._exercises
            if complaint in ex.protocols and (knee is None or ex.knee == knee)
        )

    def clearance_exercises(self) -> tuple[Exercise, ...]:
        """The exercises whose sets count for the 3x15 clearance of R-PAIN-3."""
        return self._by_priority(ex for ex in self._exercises if ex.clearance)

    def flare_hold(self, knee: Knee) -> Exercise:
        """The mid-range two-leg hold for a flare at this knee angle (R-PAIN-2b)."""
        holds = self._by_priority(ex for ex in self._exercises if ex.flare_hold and ex.knee == knee)
        if not holds:
            raise NotFoundError(f"no flare hold (R-PAIN-2b) with the knee {knee}")
        return holds[0]

    def dorsiflexors(self) -> tuple[Exercise, ...]:
        """Shin dorsiflexor strengthening exercises (R-PAIN-4), by priority."""
        return self._by_priority(ex for ex in self._exercises if ex.dorsiflexor)

    def machine_variants(
        self, exercise_id: str, equipment: Iterable[str] | None = None
    ) -> tuple[Exercise, ...]:
        """The machine forms of an exercise (R-PROG-7), by priority; with ``equipment``,
        only those the athlete has the machine for. Empty when there are none."""
        variants = self._variants.get(self.get(exercise_id).id, ())
        if equipment is None:
            return variants
        have = frozenset(equipment)
        return tuple(v for v in variants if have.issuperset(v.equipment))

    def flat_ground_form(self, exercise_id: str) -> Exercise | None:
        """What to give with ``achilles_insertional`` (R-PAIN-5: every heel raise on flat
        ground): the exercise itself when its heel stays at or above its support, else its
        ``flat_form``, else None (avoid it)."""
        ex = self.get(exercise_id)
        if not ex.heel_drop:
            return ex
        return self._by_id[ex.flat_form] if ex.flat_form else None

    @property
    def reasons(self) -> tuple[CatalogReason, ...]:
        """The catalog's reasons (R-WHY v2), in catalog order."""
        return self._reasons

    def reasons_for(
        self, exercise: Exercise, scheme: Scheme, complaints: Iterable[str] = ()
    ) -> tuple[Reason, ...]:
        """The reasons that fit a block (R-WHY v2): the exercise shares a muscle with the
        reason's fits, and its scheme and contraction are listed. A reason restricted to
        complaints is given only when ``complaints`` holds one of them. Pure and cached."""
        key = (exercise.id, scheme, frozenset(complaints))
        found = self._reasons_cache.get(key)
        if found is None:
            found = tuple(
                r.reason
                for r in self._reasons
                if r.fits_exercise(exercise, scheme)
                and (not r.fits.complaints or not key[2].isdisjoint(r.fits.complaints))
            )
            self._reasons_cache[key] = found
        return found

    @staticmethod
    def _by_priority(items: Iterable[Exercise]) -> tuple[Exercise, ...]:
        return tuple(sorted(items, key=lambda ex: (ex.priority, ex.id)))


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
