"""Guided mode in a browser on a controlled clock (issue 8, Tests: "a guided session with
timers on a controlled clock"): guided.js's clock is the manual one (``window.calfcoachClock
= "manual"`` before the page's scripts run), so the hold timer, the tempo metronome and the
rest timer move only when the test advances them: no real waiting. Each set is logged from
its prefilled form as it is done, and read back through the services."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from playwright.sync_api import Locator, Page, expect
from tests.browser.coaching import (
    RECORD_ANNOUNCEMENTS,
    first_day_opening_with,
    session_days,
    stored_rows,
    stored_sets,
)
from tests.browser.conftest import LiveServer
from tests.web_history import add_runner

MANUAL_CLOCK = "window.calfcoachClock = 'manual';"


def clock_text(seconds: int) -> str:
    """As guided mode's timer shows it: m:ss."""
    return f"{seconds // 60}:{seconds % 60:02d}"


def advance(page: Page, ms: int) -> None:
    page.evaluate(f"calfcoachClock.advance({ms})")


def announcements(page: Page) -> list[str]:
    said: list[str] = page.evaluate("window.announced.splice(0)")
    return said


def open_guided(page: Page, live_server: LiveServer, day: dt.date) -> Locator:
    page.goto(live_server.url(f"/today/guided?date={day.isoformat()}"))
    page.evaluate(RECORD_ANNOUNCEMENTS)
    step = page.locator("[data-step]:not([hidden])")
    expect(step).to_have_count(1)
    return step


def log_with_enter(page: Page, step: Locator, number: int, side: str) -> None:
    """The focus is in the set's prefilled form: Enter logs it (htmx), the row says so."""
    form = step.locator(f'[data-set-form][data-set-number="{number}"][data-side="{side}"]')
    expect(form.locator("[data-measure]")).to_be_focused()
    page.keyboard.press("Enter")
    expect(form).to_have_count(0)


def seeded(live_server: LiveServer) -> tuple[int, list[dt.date]]:
    """A runner whose plan began three weeks ago, and their past session days (loggable)."""
    today = dt.date.today()
    athlete = add_runner(live_server.database, today, weeks_ago=3)
    days = [d for d in session_days(live_server.database, athlete, today) if d < today]
    return athlete, days


def test_a_hold_runs_per_side_on_the_clock_each_set_is_stored_when_logged_then_rest_leads_on(
    page_for: Callable[[str], Page], live_server: LiveServer
) -> None:
    athlete, days = seeded(live_server)
    day, hold = first_day_opening_with(live_server.database, athlete, days, "hold")
    seconds = hold.prescription.seconds
    sets = hold.prescription.sets
    assert seconds and sets >= 2
    sides = ["left", "right"] if hold.prescription.per_side else ["both"]
    page = page_for("light")
    page.add_init_script(MANUAL_CLOCK)
    step = open_guided(page, live_server, day)

    expect(step.get_by_role("heading", level=2)).to_have_text(hold.name)
    expect(step.locator("[data-set-counter]")).to_have_text(f"Set 1 of {sets}")
    expect(page.locator("[data-announce]")).to_have_text(f"{hold.name}, set 1 of {sets}")
    expect(step.get_by_role("timer")).to_have_text(clock_text(seconds))
    # Only the forms of the current set are shown.
    expect(step.locator("[data-set-form]:visible")).to_have_count(len(sides))

    step.get_by_role("button", name="Start set").click()
    for side in sides:
        word = f"{side.capitalize()} side: " if side != "both" else ""
        expect(step.locator("[data-phase]")).to_have_text(f"{word}hold")
        expect(step.get_by_role("timer")).to_have_text(clock_text(seconds))
        advance(page, (seconds - 3) * 1000)
        expect(step.get_by_role("timer")).to_have_text("0:03")
        advance(page, 3000)
    words = [f"{s.capitalize()} side: " if s != "both" else "" for s in sides]
    expected = [f"{w}{what}" for w in words for what in (f"hold {seconds} seconds", "done")]
    assert announcements(page) == [*expected, "Set 1 done. Log it."]
    expect(step.locator("[data-phase]")).to_have_text("Log the set below.")
    # As rendered: a sentence, not every word capitalised ("Log The Set Below.").
    expect(step.locator("[data-phase]")).to_have_text("Log the set below.", use_inner_text=True)
    assert page.evaluate("window.calfcoachBeeps") >= 4 * len(sides)  # start, 3-2-1, end
    assert stored_sets(live_server.database, athlete, day) == []  # not before it is logged

    for number, side in enumerate(sides, start=1):
        log_with_enter(page, step, 1, side)
        logged = [(hold.id, 1, s) for s in sides[:number]]
        assert stored_sets(live_server.database, athlete, day) == sorted(logged)
    row = stored_rows(live_server.database, athlete, day)[-1]
    assert row.seconds == seconds  # the planned value, prefilled
    expect(step.locator("[data-set-logged]")).to_have_count(len(sides))

    # Both sides logged: the rest timer, then set 2.
    rest = hold.prescription.rest_seconds
    expect(step.locator("[data-phase]")).to_have_text("Rest")
    expect(page.locator("[data-announce]")).to_have_text(f"Rest {rest} seconds")
    expect(step.get_by_role("button", name="Skip rest")).to_be_visible()
    expect(step.get_by_role("timer")).to_have_text(clock_text(rest))
    advance(page, (rest - 1) * 1000)
    expect(step.get_by_role("timer")).to_have_text("0:01")
    expect(step.locator("[data-set-counter]")).to_have_text(f"Set 1 of {sets}")
    advance(page, 1000)
    expect(step.locator("[data-set-counter]")).to_have_text(f"Set 2 of {sets}")
    expect(page.locator("[data-announce]")).to_have_text(f"{hold.name}, set 2 of {sets}")
    steps = page.locator("[data-step]").count()
    expect(page.locator("[data-progress]")).to_have_text(f"Exercise 1 of {steps} · set 2 of {sets}")
    expect(step.get_by_role("button", name="Start set")).to_be_visible()
    expect(step.locator('[data-set-form][data-set-number="2"]:visible')).to_have_count(len(sides))


def test_the_tempo_metronome_calls_each_phase_of_each_rep_and_the_set_is_logged_once_done(
    page_for: Callable[[str], Page], live_server: LiveServer
) -> None:
    athlete, days = seeded(live_server)
    day, tempo = first_day_opening_with(live_server.database, athlete, days, "tempo")
    reps = tempo.prescription.reps
    assert reps and reps >= 2
    phases = [(name, int(s)) for name, s in (p.split(":") for p in tempo.tempo_phases.split(","))]
    cycle = sum(s for _, s in phases)
    sides = ["left", "right"] if tempo.prescription.per_side else ["both"]
    page = page_for("dark")
    page.add_init_script(MANUAL_CLOCK)
    step = open_guided(page, live_server, day)
    expect(step.get_by_role("timer")).to_have_text(f"{reps} reps")

    step.get_by_role("button", name="Start set").click()
    for side in sides:
        word = f"{side.capitalize()} side: " if side != "both" else ""
        # The first two reps phase by phase, then the rest of the side at once.
        for rep in (1, 2):
            for name, seconds in phases:
                expect(step.locator("[data-phase]")).to_have_text(f"{word}{name}")
                expect(step.locator("[data-count]")).to_have_text(f"Rep {rep} of {reps}")
                expect(step.get_by_role("timer")).to_have_text(clock_text(seconds))
                advance(page, seconds * 1000)
        advance(page, (reps - 2) * cycle * 1000)
    said = announcements(page)
    per_side = [f"{w}{reps} slow reps" for w in ("Left side: ", "Right side: ")]
    if sides == ["both"]:
        per_side = [f"{reps} slow reps"]
    assert [s for s in said if "slow reps" in s] == per_side
    # The metronome called every phase of every rep, on each side.
    assert [s for s in said if s in {n for n, _ in phases}] == [n for n, _ in phases] * reps * len(
        sides
    )
    assert said[-1] == "Set 1 done. Log it."

    for side in sides:
        log_with_enter(page, step, 1, side)
    assert stored_sets(live_server.database, athlete, day) == sorted(
        (tempo.id, 1, s) for s in sides
    )
    assert [r.reps for r in stored_rows(live_server.database, athlete, day)] == [reps] * len(sides)
    expect(step.locator("[data-phase]")).to_have_text("Rest")
    step.get_by_role("button", name="Skip rest").click()
    expect(step.locator("[data-set-counter]")).to_have_text(f"Set 2 of {tempo.prescription.sets}")


def test_the_links_out_of_today_guided_mode_and_the_plan_s_days_are_tall_enough_to_tap(
    page: Page, live_server: LiveServer
) -> None:
    """Between two sets a runner leaves guided mode with one thumb: its 'Back to the day's
    list' link, Today's check-in and plan links, and the plan's day links are at least 44 px
    high (they were 19)."""
    _athlete, days = seeded(live_server)
    page.goto(live_server.url(f"/today?date={days[-1].isoformat()}"))
    links = [
        page.get_by_role("link", name="Morning check-in", exact=True).first,
        page.get_by_role("link", name="The plan", exact=True).first,
    ]
    for link in links:
        box = link.bounding_box()
        assert box is not None and box["height"] >= 44, (link, box)
    open_guided(page, live_server, days[-1])
    box = page.get_by_role("link", name="Back to the day's list").bounding_box()
    assert box is not None and box["height"] >= 44, box
    page.goto(live_server.url("/plan"))
    day_link = page.locator(".plan-days > li > a").first
    box = day_link.bounding_box()
    assert box is not None and box["height"] >= 44, box


def test_the_header_s_home_link_is_tall_enough_to_tap(page: Page, live_server: LiveServer) -> None:
    """The 'calfcoach' link at the top of every page is a 44 px target, like the nav beside it
    (it was 24 px high)."""
    seeded(live_server)
    page.goto(live_server.url("/today"))
    box = page.locator(".site-header .brand").bounding_box()
    assert box is not None and box["height"] >= 44, box
