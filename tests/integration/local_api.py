"""The real app in local single-user mode with a runner stored, for the hostile-input tests
(``test_hostile_inputs.py``, ``test_hostile_ranges_and_imports.py``): its fixtures and the
check of a 422 problem+json answer.

The fixtures are bound in each of those modules (``app = local_api.app``): they override
``app`` and ``client`` of ``conftest.py`` there only.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from tests.integration.web_pages import add_runner, on_app

from calfcoach.settings import Settings
from calfcoach.web.app import create_app

LOOPBACK = ("127.0.0.1", 50000)
"""Where the requests come from: this machine (local single-user mode, D-71)."""


@pytest.fixture
def app(database_url: str, tmp_path: Path) -> Iterator[FastAPI]:
    app = create_app(Settings(home=tmp_path, database_url=database_url))
    app.state.runner_sessions = add_runner(app)
    try:
        yield app
    finally:
        app.state.service_context.close()


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False, client=LOOPBACK) as client:
        yield client


@pytest.fixture
def athlete(app: FastAPI) -> int:
    return on_app(app)[2]


def problem_at(response: Any, field: str) -> dict[str, Any]:
    """The error at ``field`` of a 422 problem+json answer."""
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    errors = response.json()["errors"]
    found = [e for e in errors if e["field"] == field]
    assert found, errors
    return dict(found[0])
