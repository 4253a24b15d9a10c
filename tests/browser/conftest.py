"""Browser tests (issue 8, Tests): Playwright for Python driving Debian's ``chromium``.

What a browser test gets here:

- ``live_server``: the app served by uvicorn in a thread, on a free loopback port, on a fresh
  SQLite database in the test's ``tmp_path``; ``live_server.database`` writes seed data through
  the services, ``live_server.url(path)`` gives addresses.
- ``page``: a Chromium page at 390x844 (a phone), run twice: ``color_scheme`` light and dark
  (``scheme`` says which). ``page_for(scheme)`` makes more pages (one scheme only, or several).
- ``controlled_clock(page, when)``: Playwright's ``page.clock`` fixed at ``when`` before the
  page loads: the page's timers then run only when the test says (``page.clock.run_for``).
- ``check_axe(page)``: axe-core (vendored in ``tests/browser/vendor/``, see its README) run on
  the page; any serious or critical violation fails the test, listed with its nodes.
- ``screenshot(page, name)``: a full-page PNG kept in ``tests/browser/screenshots/``
  (gitignored), named ``<name>-<scheme>.png``.

Playwright's own browser download is not used: the browser is ``shutil.which("chromium")``.
Without it the tests are skipped with that reason, unless ``CALFCOACH_REQUIRE_BROWSER=1``
(set by ``.ci/run``), which makes them fail instead. All are marked ``browser``.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from calfcoach.settings import Settings, sqlite_url

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, Playwright

    from calfcoach.bootstrap import Database

HERE = Path(__file__).parent
SCREENSHOTS = HERE / "screenshots"
AXE_SCRIPT = HERE / "vendor" / "axe-4.14.1.min.js"
VIEWPORT = {"width": 390, "height": 844}
SCHEMES = ("light", "dark")
SERIOUS = ("serious", "critical")
REQUIRE_VARIABLE = "CALFCOACH_REQUIRE_BROWSER"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if Path(str(item.fspath)).is_relative_to(HERE):
            item.add_marker(pytest.mark.browser)


def chromium_path() -> str | None:
    """Debian's chromium (``apt-get install chromium``), or None."""
    return shutil.which("chromium") or shutil.which("chromium-browser")


def _no_browser(reason: str) -> None:
    if os.environ.get(REQUIRE_VARIABLE) == "1":
        pytest.fail(f"{reason} ({REQUIRE_VARIABLE}=1: browser tests must run)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as error:  # pragma: no cover - a dev dependency
        _no_browser(f"Playwright for Python is not installed: {error}")
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    executable = chromium_path()
    if executable is None:
        _no_browser("no chromium on PATH: apt-get install chromium")
    browser = playwright.chromium.launch(executable_path=executable)
    try:
        yield browser
    finally:
        browser.close()


# --------------------------------------------------------------------------- the server


@dataclass
class LiveServer:
    base_url: str
    settings: Settings
    database: Database
    """The same database as the server's, for seeding through the services."""

    def url(self, path: str = "/") -> str:
        return self.base_url + path


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture
def live_server(tmp_path: Path) -> Iterator[LiveServer]:
    """uvicorn in a thread on a free port, on a new SQLite file in ``tmp_path``."""
    import uvicorn

    from calfcoach import bootstrap
    from calfcoach.web.app import create_app

    settings = Settings(home=tmp_path, database_url=sqlite_url(tmp_path / "browser.sqlite3"))
    app = create_app(settings)
    port = _free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", workers=1)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="live-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            pytest.fail("the live server did not start", pytrace=False)
        time.sleep(0.02)
    database = bootstrap.open_database(settings)
    try:
        yield LiveServer(f"http://127.0.0.1:{port}", settings, database)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        database.dispose()


# --------------------------------------------------------------------------- pages


@pytest.fixture
def page_for(browser: Browser) -> Iterator[Callable[[str], Page]]:
    """Makes phone-sized pages in a colour scheme ("light" or "dark"); closed after the test."""
    contexts: list[Any] = []

    def make(scheme: str) -> Page:
        assert scheme in SCHEMES, scheme
        context = browser.new_context(
            viewport=VIEWPORT, color_scheme=scheme, accept_downloads=True, locale="en-GB"
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(20_000)  # generous: CI machines are shared
        page.calfcoach_scheme = scheme  # type: ignore[attr-defined]
        return page

    yield make
    for context in contexts:
        context.close()


@pytest.fixture(params=SCHEMES)
def scheme(request: pytest.FixtureRequest) -> str:
    value: str = request.param
    return value


@pytest.fixture
def page(page_for: Callable[[str], Page], scheme: str) -> Page:
    """A 390x844 page, once light and once dark."""
    return page_for(scheme)


# --------------------------------------------------------------------------- helpers


def controlled_clock(page: Page, when: dt.datetime) -> None:
    """Fix the page's clock at ``when`` (call before ``goto``): ``Date.now()`` answers
    ``when`` and timers fire only through ``page.clock.run_for``/``fast_forward``."""
    # Installed an hour early, then paused at ``when``: the installed clock runs in real time
    # until paused, and pausing in its past fails (a loaded machine takes a while between
    # the two calls). Nothing is scheduled yet, so the fast-forward fires nothing.
    page.clock.install(time=when - dt.timedelta(hours=1))
    page.clock.pause_at(when)


@pytest.fixture(name="controlled_clock")
def controlled_clock_fixture() -> Callable[[Page, dt.datetime], None]:
    return controlled_clock


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """axe-core's violations of the page's current state (all impacts)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # evaluate, not a <script> tag: a page's CSP without 'unsafe-inline' cannot block it.
        page.evaluate(AXE_SCRIPT.read_text(encoding="utf-8") + "\n;true")
    result: dict[str, Any] = page.evaluate(
        "async () => await axe.run(document, {resultTypes: ['violations']})"
    )
    violations: list[dict[str, Any]] = result["violations"]
    return violations


def check_axe(page: Page) -> None:
    """Fail on axe-core's serious or critical violations, naming each rule and node."""
    serious = [v for v in axe_violations(page) if v.get("impact") in SERIOUS]
    if serious:
        lines = [
            f"{v['impact']}: {v['id']}: {v['help']} at "
            + "; ".join(", ".join(n["target"]) for n in v["nodes"][:5])
            for v in serious
        ]
        scheme = getattr(page, "calfcoach_scheme", "?")
        pytest.fail(f"axe-core ({scheme}) on {page.url}:\n" + "\n".join(lines), pytrace=False)


@pytest.fixture(name="check_axe")
def check_axe_fixture() -> Callable[[Page], None]:
    return check_axe


def screenshot(page: Page, name: str) -> Path:
    """Save a full-page screenshot as ``tests/browser/screenshots/<name>-<scheme>.png``."""
    SCREENSHOTS.mkdir(exist_ok=True)
    scheme = getattr(page, "calfcoach_scheme", "page")
    path = SCREENSHOTS / f"{name}-{scheme}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


@pytest.fixture(name="screenshot")
def screenshot_fixture() -> Callable[[Page, str], Path]:
    return screenshot


def json_of(page: Page, selector: str) -> Any:
    """The parsed JSON of a ``<script type="application/json">`` element."""
    return json.loads(page.locator(selector).text_content() or "null")
