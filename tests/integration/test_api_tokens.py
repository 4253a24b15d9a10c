"""The API in the real app (``create_app``) with personal access tokens (issue 8, part 3):
Bearer tokens with scopes, local mode only from this machine, 401 problem+json for a bad or
revoked token, ``calfcoach token create|list|revoke``, and the body limit. SQLite and
PostgreSQL (the ``database_url`` fixture)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from tests.integration.cli_harness import Cli, make_cli
from tests.integration.test_services import PROFILE, START

from calfcoach.services import athletes, tokens
from calfcoach.services.access import Actor
from calfcoach.settings import Settings
from calfcoach.storage.db import Database
from calfcoach.web.api_v1 import PROBLEM_JSON
from calfcoach.web.app import MAX_BODY_BYTES, create_app

LOOPBACK = ("127.0.0.1", 50000)
ELSEWHERE = ("192.0.2.7", 50000)  # TEST-NET-1: another machine
LOCAL = Actor.local()


@pytest.fixture
def app(database_url: str, tmp_path: Path) -> Iterator[FastAPI]:
    app = create_app(Settings(home=tmp_path, database_url=database_url))
    try:
        yield app
    finally:
        app.state.service_context.close()  # what the lifespan does at shutdown


@pytest.fixture
def ana(app: FastAPI) -> int:
    ctx = app.state.service_context
    return athletes.add_athlete(ctx, LOCAL, PROFILE, start=START, weeks=8, name="ana").athlete.id


def client_from(app: FastAPI, where: tuple[str, int], token: str | None = None) -> TestClient:
    headers = {"authorization": f"Bearer {token}"} if token else None
    return TestClient(app, client=where, headers=headers, raise_server_exceptions=False)


def new_token(app: FastAPI, *scopes: str) -> str:
    return tokens.create_token(app.state.service_context, LOCAL, "script", scopes).token


SET = {"date": "2026-03-04", "exercise": "jump-rope", "set_number": 1, "contacts": 100}


def test_the_real_app_serves_the_api_and_its_openapi(app: FastAPI, ana: int) -> None:
    with client_from(app, LOOPBACK) as client:
        listed = client.get("/api/v1/athletes")
        schema = client.get("/api/v1/openapi.json")
    assert listed.status_code == 200 and listed.json()["items"][0]["id"] == ana
    assert "/api/v1/athletes/{athlete_id}/sessions/{day}/move" in schema.json()["paths"]


def test_a_request_from_this_machine_without_a_token_is_the_local_user(
    app: FastAPI, ana: int
) -> None:
    with client_from(app, LOOPBACK) as client:
        assert client.post(f"/api/v1/athletes/{ana}/sets", json=SET).status_code == 201
    with client_from(app, ("::1", 50000)) as client:
        assert client.get(f"/api/v1/athletes/{ana}/sets").json()["total"] == 1


def test_a_request_from_another_machine_without_a_token_is_a_401_problem(
    app: FastAPI, ana: int
) -> None:
    with client_from(app, ELSEWHERE) as client:
        refused = client.get(f"/api/v1/athletes/{ana}/plan")
    assert refused.status_code == 401
    assert refused.headers["content-type"] == PROBLEM_JSON
    assert refused.headers["www-authenticate"].startswith("Bearer")
    assert refused.json()["errors"][0]["field"] == "authorization"


def test_a_token_works_from_anywhere_and_its_use_is_recorded(app: FastAPI, ana: int) -> None:
    token = new_token(app, "read", "log")
    with client_from(app, ELSEWHERE, token) as client:
        assert client.post(f"/api/v1/athletes/{ana}/sets", json=SET).status_code == 201
        assert client.get(f"/api/v1/athletes/{ana}/sets").json()["total"] == 1
    (listed,) = tokens.list_tokens(app.state.service_context, LOCAL)
    assert listed.last_used_at is not None
    assert dt.datetime.now(dt.UTC) - listed.last_used_at < dt.timedelta(minutes=5)


@pytest.mark.parametrize("where", [LOOPBACK, ELSEWHERE])
@pytest.mark.parametrize(
    "header", ["Bearer cc_" + "x" * 43, "Bearer nonsense", "Basic dXNlcjpwYXNz", "Bearer "]
)
def test_a_bad_token_is_a_401_even_from_this_machine(
    app: FastAPI, ana: int, where: tuple[str, int], header: str
) -> None:
    with TestClient(app, client=where, headers={"authorization": header}) as client:
        refused = client.get(f"/api/v1/athletes/{ana}/today")
    assert refused.status_code == 401 and refused.json()["status"] == 401


@pytest.mark.parametrize("path", ["/today", "/plan", "/export", "/runs"])
@pytest.mark.parametrize("accept", ["text/html", "*/*"])
def test_a_page_asked_with_a_token_that_does_not_exist_is_the_same_401_as_the_api(
    app: FastAPI, ana: int, path: str, accept: str
) -> None:
    """hostile sweep, stop 29: in local mode a page asked with an unknown token was served
    to a visitor who sees no athlete: 404 "No athlete is stored yet" (or a redirect to the
    welcome page), as if the data were gone. It is the API's 401 (D-71)."""
    header = {"authorization": "Bearer cc_" + "x" * 43, "accept": accept}
    with TestClient(app, client=LOOPBACK, headers=header, raise_server_exceptions=False) as c:
        page = c.get(path, follow_redirects=False)
        api = c.get(f"/api/v1/athletes/{ana}/today")
    assert page.status_code == 401, page.text
    assert page.headers["content-type"] == PROBLEM_JSON
    assert page.headers["www-authenticate"] == api.headers["www-authenticate"]
    assert page.json() == api.json()
    assert "the token is not valid" in page.json()["detail"]
    with client_from(app, LOOPBACK) as client:  # without a token: the local user, as before
        assert client.get(path, headers={"accept": "text/html"}).status_code == 200
    with client_from(app, LOOPBACK, new_token(app, "read")) as client:  # a good token: served
        assert client.get(path, headers={"accept": "text/html"}).status_code == 200


def test_a_revoked_token_stops_working_at_once(app: FastAPI, ana: int) -> None:
    token = new_token(app, "read")
    with client_from(app, ELSEWHERE, token) as client:
        assert client.get(f"/api/v1/athletes/{ana}/plan").status_code == 200
        (stored,) = tokens.list_tokens(app.state.service_context, LOCAL)
        tokens.revoke_token(app.state.service_context, LOCAL, stored.id)
        assert client.get(f"/api/v1/athletes/{ana}/plan").status_code == 401


def test_a_read_only_token_may_read_but_not_log(app: FastAPI, ana: int, database_url: str) -> None:
    token = new_token(app, "read")
    with client_from(app, ELSEWHERE, token) as client:
        assert client.get(f"/api/v1/athletes/{ana}/today").status_code == 200
        refused = client.post(f"/api/v1/athletes/{ana}/sets", json=SET)
        skip = client.post(f"/api/v1/athletes/{ana}/sessions/2026-03-04/skip")
    assert refused.status_code == 403 and refused.json()["errors"][0]["code"] == "forbidden"
    assert skip.status_code == 403
    with Database(database_url) as database, database.unit_of_work(read_only=True) as uow:
        assert uow.logs.load_training_log(ana).sets == ()


def test_tokens_are_stored_hashed_never_as_themselves(app: FastAPI, database_url: str) -> None:
    token = new_token(app, "read")
    with Database(database_url) as database, database.unit_of_work(read_only=True) as uow:
        from sqlalchemy import select

        from calfcoach.storage.orm import AccessTokenRow

        (stored_hash,) = uow.session.scalars(select(AccessTokenRow.token_hash)).all()
    assert stored_hash == tokens.token_hash(token) and token not in stored_hash
    assert token.startswith("cc_") and len(token) == 46


@pytest.mark.parametrize(
    ("name", "scopes", "field"),
    [("", ("read",), "name"), ("x" * 61, ("read",), "name"), ("ok", ("admin",), "scopes"),
     ("ok", (), "scopes")],
)  # fmt: skip
def test_a_token_with_a_bad_name_or_scope_is_refused_naming_the_field(
    app: FastAPI, name: str, scopes: tuple[str, ...], field: str
) -> None:
    from calfcoach.errors import InputError

    with pytest.raises(InputError) as refused:
        tokens.create_token(app.state.service_context, LOCAL, name, scopes)
    assert refused.value.details[0].field == field
    assert tokens.list_tokens(app.state.service_context, LOCAL) == []


def test_a_token_cannot_make_tokens(app: FastAPI) -> None:
    from calfcoach.errors import ForbiddenError

    actor = tokens.actor_for_token(app.state.service_context, new_token(app, "read", "log"))
    assert actor is not None and actor.kind == "token"
    with pytest.raises(ForbiddenError):
        tokens.create_token(app.state.service_context, actor, "more", ("read",))


def test_an_oversized_body_is_a_413_and_nothing_is_stored(app: FastAPI, ana: int) -> None:
    body = json.dumps({**SET, "exercise": "x" * (MAX_BODY_BYTES + 10)})
    with client_from(app, LOOPBACK) as client:
        refused = client.post(
            f"/api/v1/athletes/{ana}/sets",
            content=body,
            headers={"content-type": "application/json"},
        )
        assert refused.status_code == 413
        assert refused.headers["content-type"] == PROBLEM_JSON
        assert client.get(f"/api/v1/athletes/{ana}/sets").json()["total"] == 0


def test_a_service_error_on_a_page_is_not_answered_as_problem_json(app: FastAPI) -> None:
    from fastapi import APIRouter

    from calfcoach.errors import InputError

    router = APIRouter()

    @router.get("/broken-page")
    def broken() -> None:
        raise InputError("date: wrong; allowed: right")

    app.include_router(router)
    with client_from(app, LOOPBACK) as client:
        page = client.get("/broken-page", headers={"accept": "text/html"})
    assert page.status_code == 500 and page.headers["content-type"].startswith("text/html")
    assert "Traceback" not in page.text


# --------------------------------------------------------------------------- the CLI


@pytest.fixture
def cli(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Cli]:
    yield make_cli(database_url, tmp_path, monkeypatch)


def test_token_create_prints_the_token_once_and_list_never_shows_it(
    cli: Cli, database_url: str, tmp_path: Path
) -> None:
    made = cli("token", "create", "garmin sync", "--scope", "read")
    token = made.out.strip()
    assert token.startswith("cc_") and "not shown again" in made.err
    listed = cli("token", "list")
    assert "garmin sync" in listed.out and "read" in listed.out and token not in listed.out
    document = json.loads(cli("token", "list", "--format", "json").out)
    assert [(t["id"], t["name"], t["scopes"]) for t in document] == [(1, "garmin sync", ["read"])]
    assert document[0]["last_used_at"] is None and document[0]["revoked_at"] is None
    app = create_app(Settings(home=tmp_path, database_url=database_url))
    with client_from(app, ELSEWHERE, token) as client:  # disposes the database at the end
        assert client.get("/api/v1/athletes").status_code == 200
    assert cli("token", "revoke", "1").out.startswith("Token 1 (garmin sync) revoked")
    with client_from(app, ELSEWHERE, token) as client:
        assert client.get("/api/v1/athletes").status_code == 401
    assert json.loads(cli("token", "list", "--format", "json").out)[0]["revoked_at"]


def test_token_commands_refuse_bad_input_with_exit_status_2(cli: Cli) -> None:
    bad_scope = cli.run("token", "create", "x", "--scope", "admin")
    assert (
        bad_scope.code == 2 and "scopes" in bad_scope.err and "read, log, manage" in bad_scope.err
    )
    missing = cli.run("token", "revoke", "7")
    assert missing.code == 2 and "no token with id 7" in missing.err
    not_a_number = cli.run("token", "revoke", "abc")
    assert not_a_number.code == 2
    assert "ID: 'abc' is not a whole number" in not_a_number.err  # not pydantic's words
    assert "Input should be" not in not_a_number.err


def test_a_profile_change_needs_the_manage_scope(app: FastAPI, ana: int) -> None:
    changed = {**PROFILE.model_dump(mode="json"), "level": "advanced", "name": "ana"}
    url = f"/api/v1/athletes/{ana}/profile"
    with client_from(app, ELSEWHERE, new_token(app, "read", "log")) as client:
        refused = client.put(url, json=changed)
    assert refused.status_code == 403 and refused.json()["errors"][0]["code"] == "forbidden"
    with client_from(app, ELSEWHERE, new_token(app, "manage")) as client:
        assert client.put(url, json=changed).status_code == 200
        assert client.get(url).json()["level"] == "advanced"
