"""Helpers for the coaching pages' browser tests: the seeded runner's sessions as the pages
show them (read through the services, never from the database), the sets stored on a day,
and keyboard-only moves."""

from __future__ import annotations

import datetime as dt
from typing import Any

from playwright.sync_api import Page
from tests.web_history import LOCAL, context_of

from calfcoach.services.corrections import list_sets
from calfcoach.services.training import day_plan
from calfcoach.web.views import ExerciseView, session_view


def exercises_on(target: Any, athlete_id: int, day: dt.date) -> list[ExerciseView] | None:
    """The exercises Today and guided mode show for ``day`` (adapted to the log before it),
    or None on a day without a session (or a stopped one)."""
    current = day_plan(context_of(target), LOCAL, athlete_id, day)
    session = current.session_on(day)
    if session is None:
        return None
    view = session_view(session, current.athlete.profile.units, current.log.sets)
    return None if view.stopped else list(view.exercises)


def session_days(target: Any, athlete_id: int, today: dt.date) -> list[dt.date]:
    """The days of the athlete's planned sessions, as planned on ``today``."""
    current = day_plan(context_of(target), LOCAL, athlete_id, today)
    return [s.date for s in current.plan.sessions]


def first_day_opening_with(
    target: Any, athlete_id: int, days: list[dt.date], kind: str
) -> tuple[dt.date, ExerciseView]:
    """The first of ``days`` whose session opens with an exercise guided mode times as
    ``kind`` ("hold", "tempo", ...), with that exercise."""
    for day in days:
        exercises = exercises_on(target, athlete_id, day)
        if exercises and exercises[0].kind == kind:
            return day, exercises[0]
    raise AssertionError(f"no session on {days[0]}..{days[-1]} opens with a {kind} exercise")


def stored_sets(target: Any, athlete_id: int, day: dt.date) -> list[tuple[str, int, str]]:
    """(exercise, set number, side) of every set stored for ``day``, one per row."""
    listing = list_sets(context_of(target), LOCAL, athlete_id, first=day, last=day)
    return sorted((s.set.exercise, s.set.set_number, s.set.side) for s in listing.sets)


def stored_rows(target: Any, athlete_id: int, day: dt.date) -> list[Any]:
    """The stored sets of ``day`` themselves (``LoggedSet``), in row order."""
    listing = list_sets(context_of(target), LOCAL, athlete_id, first=day, last=day)
    return [s.set for s in listing.sets]


def tab_to(page: Page, selector: str, limit: int = 120) -> None:
    """Press Tab until the focused element matches ``selector`` (keyboard only)."""
    for _ in range(limit):
        if page.evaluate("s => !!document.activeElement?.matches(s)", selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{selector} was not reached with {limit} Tab presses")


RECORD_ANNOUNCEMENTS = """() => {
  window.announced = [];
  const live = document.querySelector('[data-announce]');
  new MutationObserver(records => {
    for (const r of records) for (const n of r.addedNodes) window.announced.push(n.textContent);
  }).observe(live, {childList: true, characterData: true, subtree: true});
}"""
