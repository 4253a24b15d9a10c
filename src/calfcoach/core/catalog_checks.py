"""The catalog's validation (R-EX, R-WHY, roles of issue 6): every problem, as readable lines.

Cross-checks of individually valid exercises (`cross_check`: unique and existing ids, R-EX-2
reasons, doses per unit, plyometric units R-SCH-3/3a, protocol schemes R-PAIN-5, ladder steps,
and the v2 roles: protocols R-PAIN-5, clearance R-PAIN-3, flare holds R-PAIN-2b, flat forms,
dorsiflexors R-PAIN-4, machines R-PROG-7, the calf-strain ladder R-PAIN-4); the reasons list
(`parse_reasons`, `check_reasons`: R-WHY v2); the packaged catalog's completeness
(`check_complete`); and the wording of pydantic errors (`entry_label`, `describe_error`,
`kind_of`).
"""

from __future__ import annotations

import difflib
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from pydantic import ValidationError

from calfcoach.core import rules
from calfcoach.core.catalog_reasons import CatalogReason
from calfcoach.core.models import Complaint, Exercise, Unit

__all__ = [
    "check_complete",
    "check_reasons",
    "cross_check",
    "describe_error",
    "entry_label",
    "kind_of",
    "parse_reasons",
]

# Complaints with a heavy-slow protocol block of a straight- and a bent-knee raise (R-PAIN-5).
_BLOCK_PROTOCOLS: tuple[Complaint, ...] = ("achilles", "achilles_insertional", "plantar_heel")

# Which Dose field carries the dose of each unit (a "reps" exercise must say how many reps).
_DOSE_FIELD: dict[Unit, str] = {
    "reps": "reps",
    "seconds": "seconds",
    "distance": "distance_m",
    "contacts": "contacts",
}


def cross_check(exercises: Iterable[Exercise], also_known: frozenset[str]) -> list[str]:
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


def parse_reasons(entries: object) -> tuple[tuple[CatalogReason, ...], list[str]]:
    if not isinstance(entries, list):
        return (), [f"catalog: 'reasons' must be a list, got {kind_of(entries)}"]
    reasons: list[CatalogReason] = []
    problems: list[str] = []
    for number, entry in enumerate(entries, start=1):
        label = entry_label(entry, number).replace("exercise", "reason", 1)
        if not isinstance(entry, Mapping):
            problems.append(f"{label}: expected a mapping of fields, got {kind_of(entry)}")
            continue
        try:
            reasons.append(CatalogReason.model_validate(entry))
        except ValidationError as error:
            problems.extend(f"{label}: {describe_error(detail)}" for detail in error.errors())
    return tuple(reasons), problems


def check_reasons(exercises: Sequence[Exercise], reasons: Sequence[CatalogReason]) -> list[str]:
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


def check_complete(exercises: Sequence[Exercise], reasons: Sequence[CatalogReason]) -> list[str]:
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
    problems.extend(
        f"exercise {ex.id!r}: no illustration (issue 8: every exercise has a drawing)"
        for ex in exercises
        if ex.illustration is None
    )
    general = [r for r in reasons if not r.fits.complaints]
    for ex in exercises:
        for scheme in ex.schemes:
            if not any(r.fits_exercise(ex, scheme) for r in general):
                problems.append(
                    f"exercise {ex.id!r}: no reason fits it in the scheme {scheme!r} (R-WHY: "
                    "every prescription can say why)"
                )
    return problems


def entry_label(entry: object, number: int) -> str:
    if isinstance(entry, Mapping) and isinstance(entry.get("id"), str) and entry["id"]:
        return f"exercise {entry['id']!r}"
    return f"exercise #{number} (no id)"


def describe_error(detail: Mapping[str, Any]) -> str:
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


def kind_of(value: object) -> str:
    return "nothing" if value is None else type(value).__name__
