"""The coaching pages in a browser (issue 8, Tests): onboarding with the keyboard only, a
check-in with a red flag that stops the plan (R-PAIN-2a), moving a session on the Plan page
(R-SCHED-2), and every coaching page through axe-core and a screenshot, light and dark.
Guided mode and offline logging have their own files (test_guided_browser.py,
test_offline_browser.py). What the pages stored is read back through the services."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from playwright.sync_api import Page, expect
from tests.browser.coaching import session_days, tab_to
from tests.browser.conftest import LiveServer, check_axe, screenshot
from tests.web_history import LOCAL, add_runner, context_of

from calfcoach.services.athletes import get_athlete, list_athletes
from calfcoach.services.training import day_plan, red_flag_advice


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


def test_a_check_in_with_a_red_flag_stops_the_plan_and_today_shows_only_whom_to_see(
    page: Page, live_server: LiveServer
) -> None:
    today = dt.date.today()
    athlete = add_runner(live_server.database, today, weeks_ago=1)
    upcoming = min(d for d in session_days(live_server.database, athlete, today) if d >= today)
    page.goto(live_server.url(f"/today?date={upcoming.isoformat()}"))
    expect(page.locator("article.exercise").first).to_be_visible()  # a session, before

    page.goto(live_server.url("/checkin"))
    expect(page.get_by_label("Day", exact=True)).to_have_value(today.isoformat())
    page.get_by_label("Morning pain").fill("2")
    page.get_by_label("Morning stiffness").fill("1")
    page.get_by_label("Is your calf swollen?").check()
    page.get_by_role("button", name="Save the check-in").click()

    advice = red_flag_advice(["swelling"])
    alert = page.get_by_role("alert")
    expect(alert.get_by_role("heading")).to_have_text("See a clinician")
    expect(alert).to_contain_text(advice)
    expect(alert).to_contain_text("see a clinician (a doctor or physiotherapist) today")
    changes = page.get_by_role("region", name="What it changes")
    expect(changes).to_contain_text("no session, the plan is stopped")
    check_axe(page)
    screenshot(page, "checkin-red-flag")

    page.goto(live_server.url(f"/today?date={upcoming.isoformat()}"))
    stopped = page.locator("[data-stopped]")
    expect(stopped.get_by_role("heading")).to_have_text("No session: the plan is stopped")
    expect(stopped.locator(".advice")).to_contain_text("clinician")
    main = page.get_by_role("main")
    for absent in ("article.exercise", "[data-set-form]", ".dose", "details.why"):
        expect(main.locator(absent)).to_have_count(0)
    expect(page.get_by_role("link", name="Start guided mode")).to_have_count(0)
    check_axe(page)
    screenshot(page, "today-stopped")
    # Guided mode has nothing to guide either.
    page.goto(live_server.url(f"/today/guided?date={upcoming.isoformat()}"))
    expect(page.locator("[data-stopped]")).to_be_visible()
    expect(page.locator("[data-step]")).to_have_count(0)
    current = day_plan(context_of(live_server.database), LOCAL, athlete, upcoming)
    session = current.session_on(upcoming)
    assert session is not None and session.status == "stopped"


def test_moving_a_session_on_the_plan_page_shows_the_refusing_rule_then_a_valid_move_works(
    page: Page, live_server: LiveServer
) -> None:
    today = dt.date.today()
    athlete = add_runner(live_server.database, today)
    next_monday = today + dt.timedelta(days=7 - today.weekday())
    week = [d for d in session_days(live_server.database, athlete, today) if d >= next_monday]
    moving, other = week[0], week[1]
    # The runner's free days (Mon, Wed, Fri, Sat) around a hard Tuesday and a long Sunday.
    assert (moving.strftime("%a"), other.strftime("%a")) == ("Wed", "Fri")
    page.goto(live_server.url("/plan"))
    row = page.locator(f"#day-{moving.isoformat()}")
    row.get_by_text("Move or skip").click()

    refused = other - dt.timedelta(days=1)  # Thursday: a day before Friday's session
    row.get_by_label("Move to").fill(refused.isoformat())
    row.get_by_role("button", name="Move", exact=True).click()
    row = page.locator(f"#day-{moving.isoformat()}")
    message = row.locator(".field-error")
    expect(message).to_contain_text(f"{refused.isoformat()} is refused by R-SCHED-2")
    expect(message).to_contain_text(f"1 day(s) from the session on {other.isoformat()}")
    target = row.get_by_label("Move to")
    expect(target).to_have_attribute("aria-invalid", "true")
    expect(target).to_be_focused()
    expect(target).to_have_value(refused.isoformat())
    check_axe(page)
    screenshot(page, "plan-move-refused")
    assert moving in session_days(live_server.database, athlete, today)

    allowed = moving - dt.timedelta(days=2)  # Monday: 3 days after the last, 4 before the next
    target.fill(allowed.isoformat())
    row.get_by_role("button", name="Move", exact=True).click()
    page.wait_for_url("**/plan?done=moved*")
    expect(page.get_by_role("status")).to_have_text("Session moved.")
    expect(page.locator(f"#day-{allowed.isoformat()}")).to_be_visible()
    expect(page.locator(f"#day-{moving.isoformat()}")).to_have_count(0)
    days = session_days(live_server.database, athlete, today)
    assert allowed in days and moving not in days and other in days


def test_every_coaching_page_passes_axe_and_is_kept_as_a_screenshot(
    page: Page, live_server: LiveServer
) -> None:
    """Welcome (and its refused form), Today (with the first plan's why), guided mode with a
    timer running, the check-in, the plan and the profile; ``page`` runs light and dark."""
    page.add_init_script("window.calfcoachClock = 'manual';")
    page.goto(live_server.url("/welcome"))
    check_axe(page)
    screenshot(page, "welcome")
    page.get_by_label("Name").fill("")
    page.get_by_label("Minutes per session (10-90)").fill("200")
    page.get_by_label("Races").fill("next spring")
    page.get_by_role("button", name="Make my plan").click()
    expect(page.locator('[aria-invalid="true"]').first).to_be_focused()
    # A message and a hint both describe their field.
    races = page.get_by_label("Races")
    expect(races).to_have_attribute("aria-describedby", "p-races-error p-races-hint")
    expect(races).to_have_accessible_description(re.compile("next spring.*YYYY-MM-DD"))
    check_axe(page)  # the messages at their fields
    screenshot(page, "welcome-refused")

    today = dt.date.today()
    athlete = add_runner(live_server.database, today, weeks_ago=1)
    day = max(d for d in session_days(live_server.database, athlete, today) if d <= today)
    page.goto(live_server.url(f"/today?date={day.isoformat()}&welcome=1"))
    page.locator("article.exercise details.why").first.locator("summary").click()
    check_axe(page)
    screenshot(page, "today")

    page.get_by_role("link", name="Start guided mode").click()
    step = page.locator("[data-step]:not([hidden])")
    step.get_by_role("button", name="Start set").click()
    page.evaluate("calfcoachClock.advance(2000)")
    expect(step.locator("[data-phase]")).not_to_be_empty()
    check_axe(page)
    screenshot(page, "guided")

    for name, path in (("checkin", "/checkin"), ("plan", "/plan"), ("profile", "/profile")):
        page.goto(live_server.url(path))
        check_axe(page)
        screenshot(page, name)
