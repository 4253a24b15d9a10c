"""The plan as an iCalendar file: one all-day event per session.

Output is byte-identical for the same input: the UIDs are hashes of the plan start, the
session date and title and the profile name, and DTSTAMP is the plan start at 00:00 UTC
(not the wall clock), so re-exporting a plan updates calendar entries instead of duplicating
them and tests can compare bytes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import TYPE_CHECKING

from icalendar import Calendar, Event, vText

from calfcoach.formats.text import (
    ExerciseLookup,
    describe_line,
    is_stopped,
    loads_in_units,
    session_advice,
)

if TYPE_CHECKING:
    from calfcoach.core.models import Plan, Session, Units

PRODID = "-//calfcoach//calfcoach//EN"


def session_uid(plan: Plan, session: Session, profile_name: str | None) -> str:
    """Stable UID: the same plan and athlete give the same UID on every export."""
    key = "\x1f".join(
        (plan.start.isoformat(), session.date.isoformat(), session.title, profile_name or "")
    )
    return f"{hashlib.sha256(key.encode('utf-8')).hexdigest()[:32]}@calfcoach"


def session_description(session: Session, units: Units, catalog: ExerciseLookup) -> str:
    """The event text: week line, then one line per exercise with its dose and why."""
    head = f"Week {session.week}"
    if session.deload:
        head += ", lighter week (R-PROG-5)"
    if session.minutes:
        head += f", about {session.minutes} min"
    lines = [head, ""]
    advice = session_advice(session)
    if is_stopped(session):
        # R-PAIN-2a/2b: a stopped day shows the advice, never the exercises.
        return "\n".join([head, "", f"STOPPED: {advice}"])
    if advice:
        lines.extend([advice, ""])
    for prescription in session.exercises:
        line = describe_line(prescription, units, catalog.get(prescription.exercise))
        if prescription.why:
            line += f". Why: {loads_in_units(prescription.why, units)}"
        lines.append(line)
    return "\n".join(lines)


def plan_to_ics(
    plan: Plan,
    profile_name: str | None,
    *,
    units: Units = "metric",
    catalog: ExerciseLookup | None = None,
) -> bytes:
    """The plan as iCalendar bytes (RFC 5545). ``catalog`` defaults to the packaged one."""
    if catalog is None:
        from calfcoach.catalog import load_catalog

        catalog = load_catalog()
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", f"calfcoach: {profile_name}" if profile_name else "calfcoach plan")
    if plan.warnings:
        # vText escapes the newlines (a raw newline is not allowed in a content line).
        text = "\n".join(f"{w.rule}: {w.message}" for w in plan.warnings)
        calendar.add("x-wr-caldesc", vText(text))
    stamp = dt.datetime.combine(plan.start, dt.time(0, 0), tzinfo=dt.UTC)
    for session in plan.sessions:
        event = Event()
        event.add("uid", session_uid(plan, session, profile_name))
        event.add("dtstamp", stamp)
        event.add("dtstart", session.date)
        event.add("dtend", session.date + dt.timedelta(days=1))
        summary = f"Stopped: {session.title}" if is_stopped(session) else session.title
        event.add("summary", summary)
        event.add("description", session_description(session, units, catalog))
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    return bytes(calendar.to_ical())
