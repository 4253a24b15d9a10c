"""The export page and the handout in a browser: the handout printed (print media), the PDF
download, the calendar address, axe-core light and dark, screenshots (issue 8, Tests: "the
handout")."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from playwright.sync_api import Page
from tests.browser.conftest import LiveServer, check_axe, screenshot
from tests.web_history import add_runner


def test_the_export_page_passes_axe_and_makes_a_working_calendar_address(
    page: Page, live_server: LiveServer
) -> None:
    add_runner(live_server.database, dt.date.today())
    page.goto(live_server.url("/export"))
    check_axe(page)
    screenshot(page, "export")
    page.get_by_role("button", name="Make an address").click()
    address = page.get_by_label("Your new address").input_value()
    assert address.startswith(live_server.url("/calendar/")) and address.endswith(".ics")
    check_axe(page)
    feed = page.request.get(address)
    assert feed.status == 200
    assert feed.text().startswith("BEGIN:VCALENDAR")


def test_the_handout_prints_without_the_navigation_and_passes_axe(
    page: Page, live_server: LiveServer
) -> None:
    add_runner(live_server.database, dt.date.today())
    page.goto(live_server.url("/export/handout"))
    sessions = page.locator(".handout-session")
    assert sessions.count() > 0
    check_axe(page)
    screenshot(page, "handout")
    assert page.locator(".site-header").is_visible()
    page.emulate_media(media="print")
    assert not page.locator(".site-header").is_visible()
    assert not page.locator(".no-print").is_visible()
    assert (
        page.locator(".handout-exercises").evaluate("el => getComputedStyle(el).breakBefore")
        == "page"
    )
    assert sessions.first.is_visible()
    printed = page.pdf(format="A4")
    assert printed.startswith(b"%PDF-")
    assert len(printed) > 5000


def test_the_pdf_download_is_a_pdf(
    page_for: Callable[[str], Page], live_server: LiveServer
) -> None:
    add_runner(live_server.database, dt.date.today())
    page = page_for("light")
    page.goto(live_server.url("/export"))
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download PDF").click()
    download = download_info.value
    assert download.suggested_filename == f"calfcoach-plan-{dt.date.today().isoformat()}.pdf"
    path = download.path()
    assert path is not None
    with open(path, "rb") as handle:
        assert handle.read(5) == b"%PDF-"


def test_a_bad_upload_is_shown_at_the_file_field(
    page_for: Callable[[str], Page], live_server: LiveServer
) -> None:
    add_runner(live_server.database, dt.date.today())
    page = page_for("dark")
    page.goto(live_server.url("/export"))
    page.get_by_label("Export file").set_input_files(
        files=[{"name": "broken.json", "mimeType": "application/json", "buffer": b"{oops"}]
    )
    page.get_by_role("button", name="Import").click()
    error = page.locator("#file-error")
    assert "broken.json: not valid JSON" in error.inner_text()
    assert page.get_by_label("Export file").get_attribute("aria-invalid") == "true"
    check_axe(page)
