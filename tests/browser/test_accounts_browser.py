"""Server mode in Chromium (issue 9, Tests): sign-in, a lockout after failed logins, a CSRF
refusal, and the account pages axe-clean in light and dark."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from tests.browser.conftest import LiveServer, _free_port, check_axe
from tests.integration.server_mode import PASSWORD, make_account, server_settings
from tests.integration.test_services import PROFILE

from calfcoach.services import accounts, athletes
from calfcoach.services.access import Actor
from calfcoach.settings import sqlite_url

ANA = "ana@example.org"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[LiveServer]:
    """The app in server mode (uvicorn in a thread, loopback), with Ana's account."""
    import uvicorn

    from calfcoach import bootstrap
    from calfcoach.web.app import create_app

    port = _free_port()
    settings = server_settings(
        sqlite_url(tmp_path / "browser.sqlite3"), tmp_path, public_url=f"http://127.0.0.1:{port}"
    )
    app = create_app(settings)
    ctx = app.state.service_context
    added = athletes.add_athlete(ctx, Actor.local(), PROFILE, start=dt.date.today(), name="ana")
    make_account(app, ANA, "athlete", athlete_id=added.athlete.id)
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", workers=1)
    uv = uvicorn.Server(config)
    thread = threading.Thread(target=uv.run, name="live-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not uv.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            pytest.fail("the live server did not start", pytrace=False)
        time.sleep(0.02)
    database = bootstrap.open_database(settings)
    try:
        yield LiveServer(f"http://127.0.0.1:{port}", settings, database)
    finally:
        uv.should_exit = True
        thread.join(timeout=10)
        database.dispose()


def sign_in(page: Page, server: LiveServer, password: str) -> None:
    page.goto(server.url("/login"))
    page.get_by_label("E-mail address").fill(ANA)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_sign_in_reaches_today_and_the_login_page_is_axe_clean(
    page: Page, server: LiveServer
) -> None:
    page.goto(server.url("/today"))
    expect(page).to_have_url(server.url("/login?next=/today"))
    check_axe(page)
    page.get_by_label("E-mail address").fill(ANA)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(server.url("/today"))
    page.goto(server.url("/account"))
    expect(page.get_by_role("heading", name=f"Signed in as {ANA}")).to_be_visible()
    check_axe(page)


def test_failed_logins_lock_the_account_even_for_the_right_password(
    page: Page, server: LiveServer
) -> None:
    for _ in range(accounts.LOCK_AFTER):
        sign_in(page, server, "a wrong password")
        error = page.locator("#f-password-error, #f-email-error")
        expect(error).to_contain_text("the e-mail address or the password is wrong")
    sign_in(page, server, PASSWORD)
    expect(page.locator("#f-email-error")).to_contain_text("too many failed logins")
    expect(page).to_have_url(server.url("/login"))
    check_axe(page)


@pytest.fixture
def other_site(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """Another web site on this machine (127.0.0.1, another port: the same site for the
    cookie's SameSite=Lax, another origin), serving the files of a folder."""
    import functools
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    folder = tmp_path / "other-site"
    folder.mkdir()
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(folder))
    httpd = ThreadingHTTPServer(("127.0.0.1", _free_port()), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", folder
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_a_form_posted_from_another_site_is_refused(
    page: Page, server: LiveServer, other_site: tuple[str, Path]
) -> None:
    sign_in(page, server, PASSWORD)
    expect(page).to_have_url(server.url("/"))
    # Another site's page posts a form to calfcoach: the browser sends the session cookie
    # (SameSite=Lax lets a same-site post through), but neither the form's CSRF token nor a
    # calfcoach Origin.
    base, folder = other_site
    (folder / "prize.html").write_text(
        "<!doctype html><title>Prize</title>"
        f'<form method="post" action="{server.url("/account/tokens")}">'
        '<input name="name" value="stolen"><input name="scope" value="read">'
        '<button type="submit">Win a prize</button></form>',
        encoding="utf-8",
    )
    page.goto(f"{base}/prize.html")
    page.get_by_role("button", name="Win a prize").click()
    expect(page.get_by_role("heading", name="Refused")).to_be_visible()
    page.goto(server.url("/account"))
    expect(page.get_by_role("heading", name="Personal access tokens")).to_be_visible()
    expect(page.get_by_text("stolen")).to_have_count(0)


def test_the_admin_invites_a_person_who_sets_a_password_and_every_page_is_axe_clean(
    page: Page, server: LiveServer
) -> None:
    from calfcoach.web.app import create_app

    # the admin, made on the server's database (as `calfcoach account add` would)
    helper = create_app(server.settings)
    try:
        make_account(helper, "admin@example.org", "admin")
    finally:
        helper.state.service_context.close()
    page.goto(server.url("/reset"))
    check_axe(page)
    page.goto(server.url("/login"))
    page.get_by_label("E-mail address").fill("admin@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(server.url("/admin/accounts"))
    page.get_by_label("E-mail address").fill("not an address")
    page.get_by_role("button", name="Make the account").click()
    expect(page.locator("#f-email-error")).to_contain_text("is not an e-mail address")
    check_axe(page)
    page.get_by_label("E-mail address").fill("cy@example.org")
    page.get_by_label("Role").select_option("coach")
    page.get_by_role("button", name="Make the account").click()
    link = page.get_by_role("status").locator("code").inner_text()
    expect(page.get_by_role("cell", name="cy@example.org", exact=True)).to_be_visible()
    check_axe(page)
    page.context.clear_cookies()
    page.goto(link)
    expect(page.get_by_text("cy@example.org")).to_be_visible()
    check_axe(page)
    page.get_by_label("New password").fill("cy's long password")
    page.get_by_role("button", name="Save the password").click()
    expect(page).to_have_url(server.url("/login"))
