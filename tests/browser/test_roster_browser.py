"""The roster in a browser at 390x844, light and dark (issue 9, part 4): red flags first,
sorting by a header link (``aria-sort`` follows), the filter form, the name kept in view
while the table scrolls sideways, the view link, the weekly summary; axe-core clean."""

from __future__ import annotations

import datetime as dt

from playwright.sync_api import Page
from tests.browser.conftest import LiveServer, check_axe, screenshot
from tests.web_history import PROFILE, context_of

from calfcoach.services.access import Actor
from calfcoach.services.athletes import add_athlete
from calfcoach.services.training import record_checkin

LOCAL = Actor.local()


def seed(live_server: LiveServer) -> dict[str, int]:
    from calfcoach.profile_io import profile_from_data

    ctx = context_of(live_server.database)
    today = dt.date.today()
    start = today - dt.timedelta(days=today.weekday(), weeks=2)
    ids = {}
    for name in ("Ana Lopes", "Bea Smith", "Cy Ng"):
        added = add_athlete(ctx, LOCAL, profile_from_data(PROFILE), start=start, weeks=8, name=name)
        ids[name] = added.athlete.id
    record_checkin(
        ctx, LOCAL, ids["Cy Ng"], today, pain=2, stiffness=1, today=today, red_flags=["pop"]
    )
    return ids


def row_names(page: Page) -> list[str]:
    return page.locator("table.roster tbody th > a").all_inner_texts()


def test_the_roster_sorts_filters_and_passes_axe_on_a_phone(
    page: Page, live_server: LiveServer
) -> None:
    ids = seed(live_server)
    page.goto(live_server.url("/roster"))
    assert row_names(page) == ["Cy Ng", "Ana Lopes", "Bea Smith"]
    assert page.locator("tbody tr").first.get_by_text("Red flag", exact=True).is_visible()
    check_axe(page)
    screenshot(page, "roster")

    # The page fits the phone; the table scrolls inside its region with the name in view.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    region = page.locator(".roster-scroll")
    region.evaluate("el => el.scrollLeft = el.scrollWidth")
    name = page.locator("table.roster tbody th").first.bounding_box()
    assert name is not None and 0 <= name["x"] < 60

    page.get_by_role("link", name="Athlete", exact=True).click()
    page.wait_for_url("**sort=name**")
    assert row_names(page) == ["Ana Lopes", "Bea Smith", "Cy Ng"]
    assert page.locator("th[aria-sort]").get_attribute("aria-sort") == "ascending"
    page.get_by_role("link", name="Athlete", exact=True).click()
    page.wait_for_url("**dir=desc**")
    assert row_names(page) == ["Cy Ng", "Bea Smith", "Ana Lopes"]
    assert page.locator("th[aria-sort]").get_attribute("aria-sort") == "descending"

    page.get_by_label("Show").select_option("stopped")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url("**show=stopped**")
    assert row_names(page) == ["Cy Ng"]
    page.get_by_label("Show").select_option("all")
    page.get_by_label("Name contains").fill("zzz")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url("**q=zzz**")
    assert page.get_by_role("heading", name="No athlete matches").is_visible()
    check_axe(page)

    page.goto(live_server.url("/roster"))
    page.get_by_role("link", name="Bea Smith", exact=True).click()
    page.wait_for_url("**/today")
    assert "Showing Bea Smith" in page.locator(".viewing").inner_text()
    assert ids["Bea Smith"]

    page.goto(live_server.url("/roster/summary"))
    assert page.locator(".summary-athlete h2").first.inner_text().startswith("Cy Ng")
    check_axe(page)
    page.emulate_media(media="print")
    assert not page.locator(".site-header").is_visible()
    screenshot(page, "roster-summary-print")
