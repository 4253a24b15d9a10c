"""The printable handout of a plan and its exercises (issue 8, part 2, "Export"): the same
content for the print page (``web/templates/export/handout.html``) and the PDF download.

The PDF is drawn with fpdf2 (pure Python, no system libraries; D-63) in its
built-in Helvetica, which covers Latin-1: text outside it (a name in another script) is
transliterated where a plain form exists (quotes, dashes) and shown as "?" otherwise; the
catalog and every rule text are plain ASCII already.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING

from calfcoach.formats.text import describe_line, is_stopped, loads_in_units, session_advice

if TYPE_CHECKING:
    from calfcoach.core.catalog import Catalog
    from calfcoach.core.models import Exercise, Plan, Units

__all__ = ["Handout", "HandoutSession", "build_handout", "handout_pdf"]


@dataclass(frozen=True, slots=True)
class HandoutSession:
    date: dt.date
    week: int
    title: str
    deload: bool
    minutes: int
    stopped: bool
    advice: str | None
    lines: tuple[str, ...]
    """One line per exercise: name, dose, rest, tempo (``formats.text.describe_line``)."""


@dataclass(frozen=True, slots=True)
class Handout:
    athlete: str
    start: dt.date
    weeks: int
    warnings: tuple[str, ...]
    sessions: tuple[HandoutSession, ...]
    exercises: tuple[Exercise, ...]
    """Every exercise the plan uses, in order of first use, with its steps and cues."""


def build_handout(plan: Plan, athlete: str, units: Units, catalog: Catalog) -> Handout:
    sessions = []
    used: dict[str, Exercise] = {}
    for session in plan.sessions:
        stopped = is_stopped(session)
        lines: tuple[str, ...] = ()
        if not stopped:
            lines = tuple(
                describe_line(p, units, catalog.get(p.exercise) if p.exercise in catalog else None)
                for p in session.exercises
            )
            for p in session.exercises:
                if p.exercise in catalog:
                    used.setdefault(p.exercise, catalog.get(p.exercise))
        advice = session_advice(session)
        sessions.append(
            HandoutSession(
                date=session.date,
                week=session.week,
                title=session.title,
                deload=session.deload,
                minutes=session.minutes,
                stopped=stopped,
                advice=loads_in_units(advice, units) if advice else None,
                lines=lines,
            )
        )
    return Handout(
        athlete=athlete,
        start=plan.start,
        weeks=plan.weeks,
        warnings=_safety_notes(plan, units)
        + tuple(f"{w.rule}: {w.message}" for w in plan.warnings),
        sessions=tuple(sessions),
        exercises=tuple(used.values()),
    )


def _safety_notes(plan: Plan, units: Units) -> tuple[str, ...]:
    """What the printed page must say once, since it shows no reasons: the stricter pain limit
    and the red flags (R-PAIN-2a: plans for a calf strain and shin pain state them), what a
    protocol's "3 x 15" means (R-PAIN-5: an RM with 0-1 reps in reserve, the pain allowed) and
    how its first load is found (R-PROG-1a). Without them a protocol line read "Heavy slow heel
    raise: 3 x 15 reps each side", as easy as a light block."""
    notes: dict[str, None] = {}
    protocol = ramp = False
    for session in plan.sessions:
        for rx in session.exercises:
            for r in rx.reasons:
                if r.rule == "R-PAIN-2a" and "stop an exercise above" in r.text:
                    notes.setdefault(f"{r.rule}: {r.text}")
                elif r.rule == "R-PAIN-5" and "RM (" in r.text and not protocol:
                    protocol = True
                    notes.setdefault(f"{r.rule}: {r.text}")
                elif r.rule == "R-PROG-1a" and r.text.startswith("Load-finding") and not ramp:
                    ramp = True
                    notes.setdefault(f"{r.rule}: {r.text}")
    return tuple(loads_in_units(note, units) for note in notes)


_PLAIN = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u2026": "...",
        "\u2192": "->",
        "\u2264": "<=",
        "\u2265": ">=",
        "\u2212": "-",
        "\u00a0": " ",
    }
)


def latin1(text: str) -> str:
    """``text`` in the PDF's Latin-1 font: plain forms for typographic marks, accents kept
    where Latin-1 has the letter, "?" for the rest."""
    text = unicodedata.normalize("NFC", text.translate(_PLAIN))
    return text.encode("latin-1", "replace").decode("latin-1")


def handout_pdf(handout: Handout) -> bytes:
    """The handout as an A4 PDF: the sessions week by week, then each exercise's steps."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_title(latin1(f"calfcoach plan: {handout.athlete}"))
    pdf.set_creator("calfcoach")
    pdf.set_creation_date(dt.datetime.combine(handout.start, dt.time(0, 0), tzinfo=dt.UTC))
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()

    def heading(text: str, size: int) -> None:
        pdf.set_font("Helvetica", "B", size)
        pdf.multi_cell(0, size * 0.55, latin1(text), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)

    def para(text: str, size: int = 10, style: str = "") -> None:
        pdf.set_font("Helvetica", style, size)
        pdf.multi_cell(0, 5, latin1(text), new_x="LMARGIN", new_y="NEXT")

    heading(f"calfcoach plan for {handout.athlete}", 18)
    last = handout.start + dt.timedelta(weeks=handout.weeks) - dt.timedelta(days=1)
    para(f"{handout.weeks} weeks, {handout.start.isoformat()} to {last.isoformat()}")
    for warning in handout.warnings:
        para(warning, 9, "I")
    pdf.ln(3)
    week = None
    for session in handout.sessions:
        if session.week != week:
            week = session.week
            lighter = " (lighter week)" if session.deload else ""
            pdf.ln(2)
            heading(f"Week {week}{lighter}", 14)
        minutes = f", about {session.minutes} min" if session.minutes else ""
        para(f"{session.date.strftime('%a %d %b %Y')}: {session.title}{minutes}", 11, "B")
        if session.stopped:
            para(f"Stopped: {session.advice}")
        else:
            if session.advice:
                para(session.advice, 10, "I")
            for line in session.lines:
                para(f"- {line}")
        pdf.ln(1)
    pdf.add_page()
    heading("The exercises", 16)
    for exercise in handout.exercises:
        heading(exercise.name, 12)
        for number, step in enumerate(exercise.instructions, start=1):
            para(f"{number}. {step}")
        para("Cues: " + "; ".join(exercise.cues), 10, "I")
        para(f"Why: {exercise.why}", 9)
        pdf.ln(2)
    return bytes(pdf.output())
