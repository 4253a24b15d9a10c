"""The coaching pages in a browser (issue 8, Tests): onboarding with the keyboard only, a
check-in with a red flag that stops the plan (R-PAIN-2a), moving a session on the Plan page
(R-SCHED-2), and every coaching page through axe-core and a screenshot, light and dark.
Guided mode and offline logging have their own files (test_guided_browser.py,
test_offline_browser.py). What the pages stored is read back through the services."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from playwright.sync_api import Page, expect
from tests.browser.coaching import session_days, tab_to
from tests.browser.conftest import LiveServer
from tests.web_history import LOCAL, context_of

from calfcoach.services.athletes import get_athlete, list_athletes


def test_onboarding_by_keyboard_refuses_a_bad_answer_at_its_field_then_shows_the_plan_and_why(
    page_for: Callable[[str], Page], live_server: LiveServer
) -> None:
    page = page_for("light")
    page.goto(live_server.url("/today"))
    page.wait_for_url("**/welcome")
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome to calfcoach")

    tab_to(page, "#p-name")
    page.keyboard.type("Kim Keyboard")
    tab_to(page, 'input[name="level"]:checked')
    page.keyboard.press("ArrowRight")  # a radio group: the arrows choose
    tab_to(page, 'input[name="free_days"][value="sat"]')
    page.keyboard.press("Space")
    tab_to(page, "#p-session_minutes")
    page.keyboard.press("Control+A")
    page.keyboard.type("5")  # below the allowed 10-90
    tab_to(page, 'input[name="equipment"][value="band"]')
    page.keyboard.press("Space")
    tab_to(page, "#p-run_tue")
    page.keyboard.press("ArrowDown")  # none -> easy
    page.keyboard.press("ArrowDown")  # -> hard
    tab_to(page, "#p-run_sun")
    for _ in range(3):  # none -> easy -> hard -> long
        page.keyboard.press("ArrowDown")
    tab_to(page, "#p-birth_year")
    page.keyboard.type("1991")
    page.keyboard.press("Enter")

    # Refused: the message at its field, the field marked and focused; nothing stored.
    minutes = page.locator("#p-session_minutes")
    expect(minutes).to_have_attribute("aria-invalid", "true")
    expect(minutes).to_be_focused()
    error = page.locator("#p-session_minutes-error")
    expect(error).to_contain_text("5")
    expect(error).to_contain_text("10")
    assert minutes.get_attribute("aria-describedby") == "p-session_minutes-error"
    expect(page.get_by_role("alert").first).to_be_visible()
    assert page.locator('[aria-invalid="true"]').count() == 1
    assert list_athletes(context_of(live_server.database), LOCAL) == []
    # The other answers are kept.
    expect(page.locator("#p-name")).to_have_value("Kim Keyboard")
    expect(page.locator("#p-run_sun")).to_have_value("long")

    page.keyboard.press("Control+A")
    page.keyboard.type("30")
    page.keyboard.press("Enter")
    page.wait_for_url("**/today?*welcome=1")
    first_plan = page.get_by_role("region", name="Your first plan")
    expect(first_plan).to_be_visible()
    why = first_plan.locator("details.why")
    expect(why).to_have_attribute("open", "")
    assert why.locator("li .rule").count() >= 3
    assert all(rule.startswith("R-") for rule in why.locator("li .rule").all_inner_texts())

    athletes = list_athletes(context_of(live_server.database), LOCAL)
    assert [a.name for a in athletes] == ["Kim Keyboard"]
    profile = get_athlete(context_of(live_server.database), LOCAL, athletes[0].id).profile
    assert profile.level == "intermediate"
    assert profile.session_minutes == 30
    assert set(profile.free_days) == {"mon", "wed", "fri", "sat"}
    assert {(r.day, r.kind) for r in profile.runs} == {("tue", "hard"), ("sun", "long")}
    assert "band" in profile.equipment
    # With an athlete stored, onboarding is over: /welcome leads to Today.
    page.goto(live_server.url("/welcome"))
    page.wait_for_url("**/today")
    assert session_days(live_server.database, athletes[0].id, dt.date.today())
