"""schemathesis with each role's token in server mode (issue 9, Tests): every operation of
/api/v1 about an athlete, aimed at Ana's athlete, with data the schema allows: no answer is a
5xx, and no role but Ana and her coach ever gets a 2xx (nor Ana's coach on what a coach may
not do: logging); anonymous requests get 401.

The app is ``create_app`` in server mode on a fresh SQLite database, called in-process through
ASGI; the roles' tokens have both account scopes (read, log). Example counts follow the
project's hypothesis profiles (``tests/strategies.examples``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from tests.integration.server_mode import context, make_account, server_app
from tests.integration.test_api_fuzz import _labels
from tests.integration.test_services import PROFILE
from tests.strategies import examples

from calfcoach.services import accounts, athletes, tokens
from calfcoach.services.access import Actor
from calfcoach.settings import sqlite_url

pytestmark = pytest.mark.fuzz

FUZZ_CI = 12
FUZZ_DEV = 3
ROLES = ("anonymous", "athlete", "other_athlete", "coach", "other_coach", "admin")
MAY_VIEW = {"athlete", "coach"}
MAY_CHANGE = {"athlete"}
"""With read+log tokens: Ana logs; her coach's token has no manage scope (D-89)."""


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[FastAPI, int, dict]]:
    home = tmp_path_factory.mktemp("fuzz-roles")
    app = server_app(sqlite_url(home / "db.sqlite3"), home)
    ctx = context(app)
    local = Actor.local()
    ana = athletes.add_athlete(ctx, local, PROFILE, start=dt.date.today(), name="ana").athlete.id
    bo = athletes.add_athlete(ctx, local, PROFILE, start=dt.date.today(), name="bo").athlete.id
    ids = {
        "athlete": make_account(app, "ana@example.org", athlete_id=ana),
        "other_athlete": make_account(app, "bo@example.org", athlete_id=bo),
        "coach": make_account(app, "coach@example.org", "coach"),
        "other_coach": make_account(app, "other@example.org", "coach"),
        "admin": make_account(app, "admin@example.org", "admin"),
    }
    accounts.add_coach_link(ctx, local, ids["coach"], ana)
    accounts.add_coach_link(ctx, local, ids["other_coach"], bo)
    headers: dict[str, dict[str, str]] = {"anonymous": {}}
    for role, account_id in ids.items():
        with ctx.unit_of_work(read_only=True) as uow:
            account = uow.accounts.get(account_id)
            assert account is not None
            actor = accounts.actor_for_account(uow, account)
        token = tokens.create_token(ctx, actor, role, ("read", "log")).token
        headers[role] = {"authorization": f"Bearer {token}"}
    try:
        yield app, ana, headers
    finally:
        app.state.service_context.close()


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("label", [x for x in _labels() if "{athlete_id}" in x])
def test_no_role_gets_a_server_error_or_someone_elses_data(
    world: tuple[FastAPI, int, dict], label: str, role: str
) -> None:
    app, ana, headers = world
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", app, headers=headers["athlete"])
    operation = schema.find_operation_by_label(label)
    assert operation is not None, label
    reading = label.startswith("GET ")
    allowed = role in (MAY_VIEW if reading else MAY_CHANGE)
    if label.startswith("PUT ") and role == "coach":
        allowed = False  # a coach's token has no manage scope

    @settings(examples(FUZZ_CI, FUZZ_DEV), suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(GenerationMode.POSITIVE))
    def check(case: schemathesis.Case) -> None:
        case.path_parameters = {**(case.path_parameters or {}), "athlete_id": ana}
        response = case.call(headers=headers[role])
        assert response.status_code < 500, (role, label, response.text[:300])
        if role == "anonymous":
            assert response.status_code == 401, (label, response.status_code)
        elif role not in MAY_VIEW:  # not their athlete: refused before the body is read
            assert response.status_code == 403, (role, label, response.status_code)
        elif not allowed:  # their athlete, an action the role may not do: never done
            assert not 200 <= response.status_code < 300, (role, label, response.status_code)

    check()


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    "label", [x for x in _labels() if x.split(" ")[1].startswith("/api/v1/coach/")]
)
def test_the_coach_operations_never_fail_and_answer_only_a_coach(
    world: tuple[FastAPI, int, dict], label: str, role: str
) -> None:
    """The coach's own operations (issue 9, part 3): no 5xx for any role's token; a 2xx only
    for a coach's token reading their athletes (a token never invites: no manage scope, and
    never accepts a coach: that is the athlete's own act, signed in; nor signs up)."""
    app, _, headers = world
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", app, headers=headers["athlete"])
    operation = schema.find_operation_by_label(label)
    assert operation is not None, label
    may_succeed = role in ("coach", "other_coach") and label == "GET /api/v1/coach/athletes"
    # sign-up through a link is anonymous (D-115): a made-up link is a 404, and
    # anybody with a token a 409; never a 2xx here
    public = label.endswith("/signup")

    @settings(examples(FUZZ_CI, FUZZ_DEV), suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(GenerationMode.POSITIVE))
    def check(case: schemathesis.Case) -> None:
        response = case.call(headers=headers[role])
        assert response.status_code < 500, (role, label, response.text[:300])
        if role == "anonymous" and not public:
            assert response.status_code == 401, (label, response.status_code)
        elif not may_succeed:
            assert not 200 <= response.status_code < 300, (role, label, response.status_code)
        if public and role == "anonymous" and response.status_code == 401:
            # Made-up links count against the client's address like failed logins (D-116):
            # after 5 of them the client is locked out, the login's 401 (CI's many examples).
            assert "failed logins" in response.text, response.text[:300]
        elif public:
            expected = 404 if role == "anonymous" else 409
            assert response.status_code == expected, (role, label, response.status_code)

    check()
