"""Human text for prescriptions: one place that says how a dose reads.

The CLI table, the iCalendar export and (later) the PDF handout all call these functions,
so "3 x 12 reps each side, +10 kg" is spelled the same way everywhere.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Protocol

from calfcoach.core.units import LB_PER_KG  # the one conversion, in and out

if TYPE_CHECKING:
    from calfcoach.core.models import Exercise, Prescription, Session, Units

FT_PER_M = 1 / 0.3048


class ExerciseLookup(Protocol):
    """What the presenters need from the catalog: an exercise by id."""

    def get(self, exercise_id: str, /) -> Exercise: ...


def _number(value: float) -> str:
    """12.0 -> "12", 4.5 -> "4.5" (at most one decimal)."""
    rounded = round(value, 1)
    return str(int(rounded)) if rounded == int(rounded) else f"{rounded:.1f}"


def describe_duration(seconds: int) -> str:
    """60 -> "60 s", 120 -> "2 min", 150 -> "2 min 30 s" (seconds up to 90 stay seconds)."""
    if seconds <= 90:
        return f"{seconds} s"
    minutes, rest = divmod(seconds, 60)
    return f"{minutes} min" if rest == 0 else f"{minutes} min {rest} s"


def describe_rest(seconds: int) -> str:
    """Rest between sets: "60 s", "2 min 30 s", or "none"."""
    return "none" if seconds <= 0 else describe_duration(seconds)


def describe_distance(distance_m: float, units: Units) -> str:
    """Metric in metres; imperial in whole feet (the seed doses tip-toe walks as 10-15 ft)."""
    if units == "imperial":
        return f"{round(distance_m * FT_PER_M)} ft"
    return f"{_number(distance_m)} m"


def describe_load(load_kg: float, units: Units) -> str:
    """Metric in kg; imperial in lb (1 kg = 2.20462 lb), rounded to half a pound."""
    if units == "imperial":
        return f"{_number(round(load_kg * LB_PER_KG * 2) / 2)} lb"
    return f"{_number(load_kg)} kg"


def describe_dose(
    prescription: Prescription, units: Units, *, contacts_per_minute: int | None = None
) -> str:
    """The dose of one prescription as a person reads it, without the exercise name or rest.

    Examples: "3 x 12 reps each side, +10 kg", "3 x 45 s", "3 x 10 ft",
    "3 x 24 contacts (~8 s)". ``contacts_per_minute`` (from the catalog) adds the time
    equivalent of a contact dose, which R-SCH-3a asks the plan to show.
    """
    p = prescription
    parts: list[str] = []
    if p.reps is not None:
        parts.append(f"{p.reps} reps")
    if p.contacts is not None:
        # R-SCH-3a: show the contacts and the equivalent time of a bout. The planner may give
        # the time itself in ``seconds``; otherwise it comes from the catalog's cadence.
        seconds = p.seconds
        if seconds is None and contacts_per_minute:
            seconds = round(p.contacts * 60 / contacts_per_minute)
        parts.append(f"{p.contacts} contacts" + (f" (~{seconds} s)" if seconds else ""))
    elif p.seconds is not None:
        # Reps with seconds means a hold on each rep (e.g. banded foot pull, hold 2 s).
        parts.append(f"{p.seconds} s hold" if parts else describe_duration(p.seconds))
    if p.distance_m is not None:
        parts.append(describe_distance(p.distance_m, units))
    text = f"{p.sets} x {', '.join(parts)}" if parts else f"{p.sets} sets"
    if p.per_side:
        text += " each side"
    if p.added_load_kg:
        text += f", +{describe_load(p.added_load_kg, units)}"
    return text


def describe_line(
    prescription: Prescription, units: Units, exercise: Exercise | None = None
) -> str:
    """One line per exercise: "Jump rope: 3 x 24 contacts (~8 s), rest 60 s, tempo ...".

    Without the catalog entry the exercise id stands in for the name.
    """
    name = exercise.name if exercise is not None else prescription.exercise
    cpm = exercise.contacts_per_minute if exercise is not None else None
    line = f"{name}: {describe_dose(prescription, units, contacts_per_minute=cpm)}"
    line += f", rest {describe_rest(prescription.rest_seconds)}"
    if prescription.tempo:
        line += f", tempo {prescription.tempo}"
    return line


def session_advice(session: Session) -> str | None:
    """What a session says instead of (or beside) its exercises: the advice of a stopped
    session (R-PAIN-2a/2b; a stopped session always has some), else its advice or None."""
    if session.status == "stopped":
        from calfcoach.formats.plan_json import STOPPED_ADVICE

        return session.advice or STOPPED_ADVICE
    return session.advice


def is_stopped(session: Session) -> bool:
    """A stopped session shows its advice and no exercises, whatever it holds."""
    return session.status == "stopped"


# ---------------------------------------------------------------------- words and safe text


def plural(count: int, word: str, many: str | None = None) -> str:
    """``1 week``, ``2 weeks``, ``0 sessions``; ``many`` for an irregular plural."""
    return f"{count} {word if count == 1 else (many or word + 's')}"


def article(phrase: str) -> str:
    """The phrase with "a" or "an" as it is spoken: ``an 8-week plan``, ``a 12-week plan``,
    ``an 11-week plan``, ``an easy run``."""
    digits = ""
    for char in phrase:
        if not char.isdigit():
            break
        digits += char
    if digits:
        spoken_an = digits[0] == "8" or (
            digits[:2] in ("11", "18") and len(digits) % 3 == 2  # eleven, eighteen (thousand)
        )
    else:
        spoken_an = phrase[:1].lower() in ("a", "e", "i", "o")
    return f"{'an' if spoken_an else 'a'} {phrase}"


_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
# Bidirectional overrides and isolates reorder what follows them on a terminal.
_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _escape(char: str) -> str:
    if char in _ESCAPES:
        return _ESCAPES[char]
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # an undecodable byte (surrogate escape)
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def printable(text: str) -> str:
    """Stored text (a name, a note) as it may be printed in a table or a line: newline, tab,
    ANSI escapes and every other control character are shown escaped (``\\n``, ``\\t``,
    ``\\x1b``), never sent raw to the terminal. Ordinary text comes back unchanged."""
    if text.isprintable():
        return text
    import unicodedata

    out = []
    for char in text:
        category = unicodedata.category(char)
        if category in ("Cc", "Cs", "Zl", "Zp") or char in _BIDI:
            out.append(_escape(char))
        else:
            out.append(char)
    return "".join(out)


def fit_widths(natural: list[int], available: int, minimum: list[int]) -> list[int]:
    """Column widths that fit ``available`` characters: the widest column gives way first,
    never below its ``minimum`` (then the row is as narrow as it can be)."""
    widths = list(natural)
    while sum(widths) > available:
        shrinkable = [i for i, w in enumerate(widths) if w > minimum[i]]
        if not shrinkable:
            break
        widest = max(shrinkable, key=lambda i: widths[i])
        widths[widest] -= 1
    return widths


def column_lines(cells: tuple[str, ...], widths: list[int], indent: str = "  ") -> list[str]:
    """One table row as lines: each cell wrapped inside its column (words kept whole where
    they fit, never broken at a hyphen), columns two spaces apart."""
    if all(len(cell) <= width for cell, width in zip(cells, widths, strict=True)):
        padded = [cell.ljust(width) for cell, width in zip(cells, widths, strict=True)]
        return [(indent + "  ".join(padded)).rstrip()]  # the usual case, without textwrap
    import textwrap
    from itertools import zip_longest

    wrapped = [
        textwrap.wrap(cell, width, break_on_hyphens=False) or [""]
        for cell, width in zip(cells, widths, strict=True)
    ]
    lines = []
    for parts in zip_longest(*wrapped, fillvalue=""):
        padded = [part.ljust(width) for part, width in zip(parts, widths, strict=True)]
        lines.append((indent + "  ".join(padded)).rstrip())
    return lines


KM_PER_MI = 1.609344
CM_PER_IN = 2.54
_NUM = r"(?<![\w.])(\d+(?:\.\d+)?)"
# "10 to 15 ft (about 3 to 4.5 m)": the metric gloss of an imperial amount, dropped for imperial.
_METRIC_GLOSS = re.compile(r" \(about [\d.]+(?: to [\d.]+)? (?:m|cm|km)\)")
_IMPERIAL_GLOSSED = re.compile(
    r"[\d.]+(?: to [\d.]+)? (?:ft|in|mi) \(about ([\d.]+(?: to [\d.]+)? (?:m|cm|km))\)"
)
_RANGE = re.compile(_NUM + r" to (\d+(?:\.\d+)?) (m|cm|km)\b")
_AMOUNT = re.compile(_NUM + r" (kg|m|cm|km)\b")


def _imperial(value: float, unit: str) -> str:
    if unit == "kg":
        return describe_load(value, "imperial")
    if unit == "m":
        return describe_distance(value, "imperial")
    if unit == "cm":
        return f"{_number(value / CM_PER_IN)} in"
    return f"{_number(value / KM_PER_MI)} mi"


def _imperial_number(value: float, unit: str) -> str:
    return _imperial(value, unit).split(" ")[0]


def loads_in_units(text: str, units: Units) -> str:
    """A reason or decision of the engine (written in kg and metres, the stored units) with
    every load ("22.5 kg") and distance ("3 m", "15 km") in the athlete's units, so an
    imperial athlete reads pounds, feet and miles everywhere, as on the dose line (D-27,
    R-WHY, D-18x). Metric text is returned as it is."""
    if units != "imperial":
        # "10 to 15 ft (about 3 to 4.5 m)" (the seeds' feet, glossed) reads "3 to 4.5 m".
        return _IMPERIAL_GLOSSED.sub(lambda m: m.group(1), text) if " ft (" in text else text
    if not _AMOUNT.search(text):
        return text
    text = _METRIC_GLOSS.sub("", text)
    text = _RANGE.sub(
        lambda m: (
            f"{_imperial_number(float(m.group(1)), m.group(3))} to "
            f"{_imperial(float(m.group(2)), m.group(3))}"
        ),
        text,
    )
    return _AMOUNT.sub(lambda m: _imperial(float(m.group(1)), m.group(2)), text)
