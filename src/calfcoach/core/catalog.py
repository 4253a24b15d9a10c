"""The exercise catalog (R-EX): validated entries, their cross-references, fast look-ups.

Pure: the entries come in already parsed (``Catalog.from_data``); reading the YAML file is the
job of ``calfcoach.catalog.load_catalog``. Every problem in the data is collected, not just the
first, and raised together as one ``InputError`` whose lines name the exercise and the field.
"""

from __future__ import annotations

import difflib
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from calfcoach.core import rules
from calfcoach.core.models import (
    Complaint,
    Contraction,
    Dose,
    Exercise,
    ExerciseId,
    Knee,
    Reason,
    Region,
    Scheme,
    Unit,
)
from calfcoach.errors import InputError, NotFoundError

__all__ = ["Catalog", "CatalogReason", "Fits", "describe_dose", "short_dose"]

_TOP_KEYS = ("exercises", "reasons")
_KNEES: tuple[Knee, ...] = ("straight", "bent", "none")
# Complaints with a heavy-slow protocol block of a straight- and a bent-knee raise (R-PAIN-5).
_BLOCK_PROTOCOLS: tuple[Complaint, ...] = ("achilles", "achilles_insertional", "plantar_heel")


class Fits(BaseModel):
    """What a reason fits (R-WHY v2): it is attached only to a block whose exercise shares a
    muscle with ``muscles`` and whose scheme and contraction are listed; with ``complaints``,
    only when the athlete has one of them; with ``knees``, only at those knee angles (a
    reason about bent-knee work does not fit a straight-knee raise that also works the soleus,
    D-20)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    muscles: tuple[str, ...] = Field(min_length=1)
    schemes: tuple[Scheme, ...] = Field(min_length=1)
    contractions: tuple[Contraction, ...] = Field(min_length=1)
    complaints: tuple[Complaint, ...] = ()
    knees: tuple[Knee, ...] = ()


class CatalogReason(BaseModel):
    """One reason of the catalog's ``reasons:`` list: one sentence with its source (R-WHY)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: ExerciseId
    rule: str = Field(pattern=r"^R-[A-Z]+(-[0-9]+[a-z]?)?$")
    text: str = Field(min_length=10)
    fits: Fits
    mentions: tuple[str, ...] = ()
    """Phrases (any case) that make this claim. An exercise's own ``why`` that contains one
    must fit this reason in every scheme it is prescribed in (R-WHY: a light block does not
    claim what only heavy loads do)."""

    @property
    def reason(self) -> Reason:
        return Reason(self.rule, self.text)

    def fits_exercise(self, ex: Exercise, scheme: str) -> bool:
        """Muscle overlap, scheme, contraction (and knee, when listed) all match; complaints
        are not looked at."""
        fits = self.fits
        return (
            scheme in fits.schemes
            and ex.contraction in fits.contractions
            and not set(fits.muscles).isdisjoint(ex.muscles)
            and (not fits.knees or ex.knee in fits.knees)
        )

    def claimed_by(self, text: str) -> str | None:
        """The first of ``mentions`` that ``text`` contains, if any."""
        low = text.lower()
        return next((m for m in self.mentions if m.lower() in low), None)


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
        problems = _cross_check(items, frozenset())
        problems += _check_reasons(items, why)
        if complete:
            problems += _check_complete(items, why)
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
                f"catalog: expected a mapping with an 'exercises' list, got {_kind(data)}"
            )
        allowed = ", ".join(repr(k) for k in _TOP_KEYS)
        problems: list[str] = [
            f"catalog: unknown top-level key {key!r} (allowed: {allowed})"
            for key in data
            if key not in _TOP_KEYS
        ]
        entries = data.get("exercises")
        if not isinstance(entries, list) or not entries:
            problems.append(f"catalog: 'exercises' must be a non-empty list, got {_kind(entries)}")
            raise InputError(*problems)
        reasons, reason_problems = _parse_reasons(data.get("reasons", []))
        problems += reason_problems

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
        if not problems:  # the reasons' checks need sound exercises
            problems.extend(_check_reasons(exercises, reasons))
            if complete:
                problems.extend(_check_complete(exercises, reasons))
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
        if ex.protocols and "rehab" not in ex.schemes:
            problems.append(
                f"{where}: field 'schemes': a protocol exercise is prescribed as 'rehab' (R-PAIN-5)"
            )
        problems.extend(f"{where}: {p}" for p in _role_problems(ex))
    by_id = {ex.id: ex for ex in items}
    for ex in items:
        problems.extend(f"exercise {ex.id!r}: {p}" for p in _reference_problems(ex, by_id, known))
    # One exercise per ladder step and knee angle (the calf-strain steps hold a straight- and
    # a bent-knee exercise, R-PAIN-4; the soleus ladder one bent-knee exercise a step).
    steps: dict[tuple[str, int, str], str] = {}
    for ex in items:
        for name, step in ex.steps.items():
            key = (name, step, ex.knee)
            if key not in steps:
                steps[key] = ex.id
            elif name == ex.ladder:
                problems.append(
                    f"exercise {ex.id!r}: field 'ladder_step': step {step} of ladder "
                    f"{name!r} is also taken by {steps[key]!r}"
                )
            else:
                problems.append(
                    f"exercise {ex.id!r}: field 'steps': step {step} of ladder {name!r} "
                    f"(knee {ex.knee}) is also taken by {steps[key]!r}"
                )
    return problems


def _role_problems(ex: Exercise) -> list[str]:
    """The v2 roles of one exercise against its own fields (issue 6)."""
    out: list[str] = []
    calf_raise = ex.region == "calf" and ex.contraction == "isotonic" and ex.unit == "reps"
    if ex.protocols:
        if not calf_raise or ex.knee == "none":
            out.append(
                "field 'protocols': a protocol block holds straight- or bent-knee heel raises "
                "in reps (R-PAIN-5), not a "
                f"{ex.contraction} {ex.region} exercise with the knee {ex.knee!r} in {ex.unit!r}"
            )
        if "achilles_insertional" in ex.protocols and ex.heel_drop:
            out.append(
                "field 'protocols': 'achilles_insertional' needs every heel raise on flat "
                "ground (R-PAIN-5), but 'heel_drop' is true"
            )
        if ex.heel_drop and not ex.flat_form:
            out.append(
                "field 'flat_form': a protocol exercise that drops the heel needs its "
                "flat-ground form, for a block merged with 'achilles_insertional' (R-PAIN-5)"
            )
    if ex.clearance and not (
        calf_raise and ex.unilateral and ex.knee == "straight" and not ex.machine
    ):
        out.append(
            "field 'clearance': only standing single-leg straight-knee heel raises in reps "
            "count for the 3x15 clearance (R-PAIN-3)"
        )
    if ex.flare_hold and not (
        ex.region == "calf"
        and ex.contraction == "isometric"
        and ex.unit == "seconds"
        and not ex.unilateral
        and ex.knee != "none"
    ):
        out.append(
            "field 'flare_hold': a flare hold is a two-leg isometric calf hold in seconds at "
            "a straight or bent knee (R-PAIN-2b)"
        )
    if ex.flat_form and not ex.heel_drop:
        out.append("field 'flat_form': only an exercise with 'heel_drop' has a flat-ground form")
    if ex.dorsiflexor and (
        ex.contraction not in ("isotonic", "isometric") or "tibialis anterior" not in ex.muscles
    ):
        out.append(
            "field 'dorsiflexor': dorsiflexor strengthening works the tibialis anterior "
            f"against resistance, not {ex.contraction} work (R-PAIN-4)"
        )
    if ex.machines and ex.machine:
        out.append("field 'machines': a machine exercise lists no machine forms of itself")
    for name, step in ex.steps.items():
        if name != rules.CALF_STRAIN_LADDER:
            continue
        top = rules.CALF_STRAIN_TOPS.get(step)
        if top is None:
            out.append(
                f"field 'steps': the calf-strain ladder has steps 1-"
                f"{max(rules.CALF_STRAIN_TOPS)}, not {step} (R-PAIN-4)"
            )
            continue
        unit = "seconds" if top.seconds is not None else "reps"
        if ex.unit != unit or ex.region != "calf" or ex.knee == "none":
            out.append(
                f"field 'steps': step {step} of the calf-strain ladder is a calf exercise "
                f"in {unit!r} at a straight or bent knee (R-PAIN-4)"
            )
    return out


def _reference_problems(
    ex: Exercise, by_id: Mapping[str, Exercise], known: frozenset[str]
) -> list[str]:
    """``flat_form`` and ``machines`` point at sound exercises of the right kind."""
    out: list[str] = []
    refs = [("flat_form", ex.flat_form)] if ex.flat_form else []
    refs += [("machines", m) for m in ex.machines]
    for field, ref in refs:
        if ref == ex.id:
            out.append(f"field {field!r}: lists the exercise itself")
            continue
        if ref not in known:
            close = difflib.get_close_matches(ref, known, n=1, cutoff=0.6)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            out.append(f"field {field!r}: unknown exercise {ref!r}{hint}")
            continue
        target = by_id.get(ref)
        if target is None:  # itself broken: reported there
            continue
        if target.knee != ex.knee or target.contraction != ex.contraction:
            out.append(
                f"field {field!r}: {ref!r} is a {target.knee}-knee {target.contraction} "
                f"exercise, not {ex.knee}-knee {ex.contraction} like this one"
            )
        if field == "flat_form":
            if target.heel_drop:
                out.append(f"field 'flat_form': {ref!r} drops the heel too ('heel_drop')")
            if not set(ex.protocols) <= set(target.protocols):
                out.append(
                    f"field 'flat_form': {ref!r} must serve the same protocols "
                    f"({', '.join(ex.protocols)}) to stand in for it"
                )
        else:
            if not target.machine:
                out.append(f"field 'machines': {ref!r} needs no machine")
            missing = [s for s in ex.schemes if s in ("heavy", "rehab") and s not in target.schemes]
            if missing:
                out.append(
                    f"field 'machines': {ref!r} must offer the scheme(s) "
                    f"{', '.join(missing)} to carry this exercise's work (R-PROG-7)"
                )
    return out


# ---------------------------------------------------------------------- reasons (R-WHY)


def _parse_reasons(entries: object) -> tuple[tuple[CatalogReason, ...], list[str]]:
    if not isinstance(entries, list):
        return (), [f"catalog: 'reasons' must be a list, got {_kind(entries)}"]
    reasons: list[CatalogReason] = []
    problems: list[str] = []
    for number, entry in enumerate(entries, start=1):
        label = _label(entry, number).replace("exercise", "reason", 1)
        if not isinstance(entry, Mapping):
            problems.append(f"{label}: expected a mapping of fields, got {_kind(entry)}")
            continue
        try:
            reasons.append(CatalogReason.model_validate(entry))
        except ValidationError as error:
            problems.extend(f"{label}: {_describe(detail)}" for detail in error.errors())
    return tuple(reasons), problems


def _check_reasons(exercises: Sequence[Exercise], reasons: Sequence[CatalogReason]) -> list[str]:
    """Reason ids unique, fits naming known muscles, and every exercise's own ``why`` fitting
    each reason it claims in every scheme it is prescribed in (R-WHY v2)."""
    problems: list[str] = []
    counts = Counter(r.id for r in reasons)
    problems += [
        f"reason {i!r}: field 'id': duplicate id ({n} entries)" for i, n in counts.items() if n > 1
    ]
    muscles = {m for ex in exercises for m in ex.muscles}
    for r in reasons:
        for muscle in r.fits.muscles:
            if muscle not in muscles:
                close = difflib.get_close_matches(muscle, muscles, n=1, cutoff=0.6)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                problems.append(
                    f"reason {r.id!r}: field 'fits.muscles': {muscle!r} is no exercise's "
                    f"muscle{hint}"
                )
    for ex in exercises:
        for r in reasons:
            phrase = r.claimed_by(ex.why)
            if phrase is None:
                continue
            for scheme in ex.schemes:
                if not r.fits_exercise(ex, scheme):
                    problems.append(
                        f"exercise {ex.id!r}: field 'why': says {phrase!r}, the claim of reason "
                        f"{r.id!r}, which does not fit this {ex.contraction} exercise of "
                        f"{', '.join(ex.muscles)} in the scheme {scheme!r} (R-WHY)"
                    )
    return problems


def _check_complete(exercises: Sequence[Exercise], reasons: Sequence[CatalogReason]) -> list[str]:
    """Every role the engine needs is filled (the packaged catalog)."""
    problems: list[str] = []
    free = [ex for ex in exercises if not ex.equipment]
    for knee in ("straight", "bent"):
        if not any(ex.flare_hold and ex.knee == knee for ex in free):
            problems.append(
                f"catalog: no flare hold (R-PAIN-2b) with the knee {knee} that needs no equipment"
            )
        for complaint in _BLOCK_PROTOCOLS:
            if not any(complaint in ex.protocols and ex.knee == knee for ex in free):
                problems.append(
                    f"catalog: no {knee}-knee protocol exercise for {complaint!r} that needs "
                    "no equipment (R-PAIN-5)"
                )
        for step in rules.CALF_STRAIN_TOPS:
            if not any(
                ex.steps.get(rules.CALF_STRAIN_LADDER) == step and ex.knee == knee for ex in free
            ):
                problems.append(
                    f"catalog: step {step} of the calf-strain ladder (R-PAIN-4) has no "
                    f"{knee}-knee exercise that needs no equipment"
                )
    ladders: dict[str, set[int]] = {}
    for ex in exercises:
        for name, step in ex.steps.items():
            ladders.setdefault(name, set()).add(step)
    for name, taken in sorted(ladders.items()):
        if taken != set(range(1, max(taken) + 1)):
            problems.append(f"catalog: ladder {name!r} skips a step (has {sorted(taken)})")
    if not any(ex.clearance for ex in free):
        problems.append("catalog: no clearance exercise (R-PAIN-3) that needs no equipment")
    if not any(ex.dorsiflexor for ex in exercises):
        problems.append("catalog: no dorsiflexor exercise (R-PAIN-4)")
    general = [r for r in reasons if not r.fits.complaints]
    for ex in exercises:
        for scheme in ex.schemes:
            if not any(r.fits_exercise(ex, scheme) for r in general):
                problems.append(
                    f"exercise {ex.id!r}: no reason fits it in the scheme {scheme!r} (R-WHY: "
                    "every prescription can say why)"
                )
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
