"""Server mode (issue 9) for the tests: an app with accounts, accounts with passwords, a
signed-in client with its CSRF token.

    app = server_app(database_url, tmp_path)
    ana = make_account(app, "ana@example.org", "athlete", athlete_id=...)
    client = signed_in(app, "ana@example.org")      # a TestClient with the session cookie
    client.headers["X-CSRF-Token"]                   # set for unsafe requests
"""

from __future__ import annotations

import re
from pathlib import Path

from fastapi import FastAPI
from fastapi.testclient import TestClient

from calfcoach.services import accounts
from calfcoach.services.access import Actor
from calfcoach.services.context import ServiceContext
from calfcoach.settings import Settings
from calfcoach.web.app import create_app

SECRET = "kR3v8-Zq1xW7uJm2Hc9Ls4Td6Yb0NaPe5GfQo8IwUz"
PASSWORD = "a long enough password"
_CSRF = re.compile(r'"X-CSRF-Token": "([0-9a-f]{64})"')


def server_settings(database_url: str, home: Path, **changes: object) -> Settings:
    values: dict[str, object] = {
        "home": home,
        "database_url": database_url,
        "server": True,
        "secret_key": SECRET,
        "mail": f"file:{home / 'mail.txt'}",
        "public_url": "http://testserver",
    }
    values.update(changes)
    return Settings(**values)  # type: ignore[arg-type]


def server_app(database_url: str, home: Path, **changes: object) -> FastAPI:
    return create_app(server_settings(database_url, home, **changes))


def context(app: FastAPI) -> ServiceContext:
    ctx: ServiceContext = app.state.service_context
    return ctx


def make_account(
    app: FastAPI,
    email: str,
    role: str = "athlete",
    *,
    athlete_id: int | None = None,
    password: str = PASSWORD,
) -> int:
    """An account with ``password`` set (through its invitation link, as a person would)."""
    ctx = context(app)
    made = accounts.create_account(ctx, Actor.local(), email, role, athlete_id=athlete_id)
    accounts.accept_invitation(ctx, made.token, password)
    return made.account.id


def csrf_token(client: TestClient) -> str:
    """The signed-in client's CSRF token, read from a page (the <body>'s hx-headers)."""
    page = client.get("/account")
    found = _CSRF.search(page.text)
    assert found is not None, page.text[:500]
    return found.group(1)


def sign_in(client: TestClient, email: str, password: str = PASSWORD) -> TestClient:
    response = client.post(
        "/login", data={"email": email, "password": password}, follow_redirects=False
    )
    assert response.status_code == 303, response.text[:300]
    client.headers["X-CSRF-Token"] = csrf_token(client)
    return client


def signed_in(app: FastAPI, email: str, password: str = PASSWORD) -> TestClient:
    client = TestClient(app, raise_server_exceptions=False)
    return sign_in(client, email, password)
