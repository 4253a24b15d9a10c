"""The exercise library in a browser: filtering with htmx and without JavaScript, axe-core
light and dark, screenshots (issue 8, part 2, "Exercises")."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Browser, Page
from tests.browser.conftest import VIEWPORT, LiveServer, check_axe, screenshot

from calfcoach.catalog import load_catalog


def test_the_library_and_an_exercise_page_pass_axe_and_are_kept_as_screenshots(
    page: Page, live_server: LiveServer
) -> None:
    page.goto(live_server.url("/exercises"))
    assert page.locator(".exercise-item").count() == len(load_catalog())
    check_axe(page)
    screenshot(page, "exercises")
    page.goto(live_server.url("/exercises/soleus-wall-sit"))
    assert page.locator('[aria-current="step"]').inner_text().startswith("Step 1:")
    check_axe(page)
    screenshot(page, "exercise-soleus-wall-sit")


def test_choosing_a_region_updates_the_list_in_place_and_the_address(
    page_for: Callable[[str], Page], live_server: LiveServer
) -> None:
    page = page_for("light")
    page.goto(live_server.url("/exercises"))
    page.evaluate("window.notReloaded = true")
    page.get_by_label("Region").select_option("foot")
    page.wait_for_url("**/exercises?region=foot*")
    foot = [ex.id for ex in load_catalog() if ex.region == "foot"]
    page.locator(f".exercise-item >> nth={len(foot) - 1}").wait_for()
    assert page.locator(".exercise-item").count() == len(foot)
    assert page.evaluate("window.notReloaded") is True  # htmx swapped the list only
    status = page.get_by_role("status")
    assert status.inner_text() == f"{len(foot)} exercises shown"  # said by screen readers
    page.get_by_label("Knee").select_option("none")
    page.get_by_label("Nothing (bodyweight only)").check()
    page.wait_for_url("**equipment=none*")
    expected = [
        ex.id
        for ex in load_catalog()
        if ex.region == "foot" and ex.knee == "none" and not ex.equipment
    ]
    page.wait_for_function(
        f"() => document.querySelectorAll('.exercise-item').length === {len(expected)}"
    )
    shown = page.locator(".exercise-item").evaluate_all("els => els.map(e => e.dataset.exercise)")
    assert shown == expected


def test_the_filters_work_without_javascript(browser: Browser, live_server: LiveServer) -> None:
    context = browser.new_context(viewport=VIEWPORT, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(live_server.url("/exercises"))
        page.get_by_label("Region").select_option("ankle")
        page.get_by_role("button", name="Show exercises").click()
        page.wait_for_url("**/exercises?region=ankle*")
        ankle = [ex.id for ex in load_catalog() if ex.region == "ankle"]
        assert page.locator(".exercise-item").count() == len(ankle)
    finally:
        context.close()
