"""The browser-test harness on the app's frame: the server, both colour schemes, the clock,
axe-core and the screenshots (issue 8, Tests)."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Page
from tests.browser.conftest import (
    REQUIRE_VARIABLE,
    SCREENSHOTS,
    LiveServer,
    _no_browser,
    axe_violations,
    check_axe,
    controlled_clock,
    screenshot,
)


def test_the_start_page_loads_from_the_live_server_in_the_page_colour_scheme(
    page: Page, live_server: LiveServer, scheme: str
) -> None:
    page.goto(live_server.url("/"))
    assert page.locator("h1").inner_text() == "calfcoach"
    dark = page.evaluate("matchMedia('(prefers-color-scheme: dark)').matches")
    assert dark is (scheme == "dark")
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert (background == "rgb(255, 255, 255)") is (scheme == "light")
    assert page.viewport_size == {"width": 390, "height": 844}


def test_the_start_page_has_no_serious_axe_violations_and_is_kept_as_a_screenshot(
    page: Page, live_server: LiveServer, scheme: str
) -> None:
    page.goto(live_server.url("/"))
    check_axe(page)
    path = screenshot(page, "start")
    assert path == SCREENSHOTS / f"start-{scheme}.png"
    assert path.read_bytes().startswith(b"\x89PNG")


def test_the_axe_check_fails_on_a_serious_violation(
    page_for: object, live_server: LiveServer
) -> None:
    page = page_for("light")  # type: ignore[operator]
    page.goto(live_server.url("/"))
    # An image without a text alternative is a critical axe violation (image-alt).
    page.evaluate("document.querySelector('main').append(Object.assign(new Image(), {src: '/x'}))")
    assert any(v["id"] == "image-alt" for v in axe_violations(page))
    with pytest.raises(pytest.fail.Exception, match="image-alt"):
        check_axe(page)


def test_the_controlled_clock_fixes_the_page_time_and_runs_timers_only_when_told(
    page_for: object, live_server: LiveServer
) -> None:
    page = page_for("light")  # type: ignore[operator]
    when = dt.datetime(2026, 3, 2, 7, 30, tzinfo=dt.UTC)
    controlled_clock(page, when)
    page.goto(live_server.url("/"))
    assert page.evaluate("Date.now()") == int(when.timestamp() * 1000)
    page.evaluate("window.ticks = 0; setInterval(() => window.ticks++, 1000)")
    assert page.evaluate("window.ticks") == 0
    page.clock.run_for(5000)
    assert page.evaluate("window.ticks") == 5


def test_without_chromium_the_tests_skip_with_the_reason_unless_required(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(REQUIRE_VARIABLE, raising=False)
    with pytest.raises(pytest.skip.Exception, match="no chromium"):
        _no_browser("no chromium on PATH")
    monkeypatch.setenv(REQUIRE_VARIABLE, "1")
    with pytest.raises(pytest.fail.Exception, match="must run"):
        _no_browser("no chromium on PATH")
