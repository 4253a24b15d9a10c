"""The handout's content and PDF (formats/handout.py, issue 8 part 2)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

from tests.web_history import PROFILE

from calfcoach.catalog import load_catalog
from calfcoach.core.models import Plan
from calfcoach.core.planner import build_plan
from calfcoach.formats.handout import build_handout, handout_pdf, latin1
from calfcoach.profile_io import profile_from_data

START = dt.date(2026, 3, 2)


def plan() -> Plan:
    return build_plan(profile_from_data(PROFILE), load_catalog(), START, 4)


def test_the_handout_has_every_session_with_a_line_per_exercise_and_each_exercise_once() -> None:
    built = plan()
    handout = build_handout(built, "Ana", "metric", load_catalog())
    assert [s.date for s in handout.sessions] == [s.date for s in built.sessions]
    for session, shown in zip(built.sessions, handout.sessions, strict=True):
        assert len(shown.lines) == len(session.exercises)
        for prescription, line in zip(session.exercises, shown.lines, strict=True):
            assert line.startswith(load_catalog().get(prescription.exercise).name + ": ")
    used = list(dict.fromkeys(p.exercise for s in built.sessions for p in s.exercises))
    assert [e.id for e in handout.exercises] == used


def test_a_stopped_session_shows_its_advice_and_no_exercises() -> None:
    built = plan()
    first = dataclasses.replace(built.sessions[0], status="stopped", advice="See a clinician.")
    built = dataclasses.replace(built, sessions=(first, *built.sessions[1:]))
    shown = build_handout(built, "Ana", "metric", load_catalog()).sessions[0]
    assert shown.stopped and shown.lines == () and shown.advice == "See a clinician."


def test_the_pdf_is_the_same_bytes_for_the_same_plan_and_has_pages() -> None:
    handout = build_handout(plan(), "Zoë “Z” 李", "metric", load_catalog())
    first, second = handout_pdf(handout), handout_pdf(handout)
    assert first.startswith(b"%PDF-") and first == second
    pages = re.search(rb"/Count (\d+)", first)
    assert pages is not None and int(pages.group(1)) >= 2  # the sessions, then the exercises


def test_text_outside_latin1_is_made_plain_for_the_pdf_font() -> None:
    assert latin1("Zoë “Z” – 3×10 → rest") == 'Zoë "Z" - 3×10 -> rest'
    assert latin1("李") == "?"
