"""The web app's frame (issue 8, part 2): factory, health, static assets, error pages, body
limit. Run on SQLite and PostgreSQL (the ``database_url`` fixture)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import APIRouter, FastAPI, Request
from fastapi.testclient import TestClient

from calfcoach.web.app import MAX_BODY_BYTES


def test_health_answers_ok_without_a_page(client: TestClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_start_page_is_html_with_a_viewport_for_phones(client: TestClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert 'name="viewport"' in response.text
    assert 'href="#main"' in response.text  # skip link for keyboard users


def test_vendored_htmx_is_served_from_the_app_itself(client: TestClient) -> None:
    response = client.get("/static/vendor/htmx-2.0.11.min.js")
    assert response.status_code == 200
    assert "htmx" in response.text[:2000]


def test_unknown_page_is_a_friendly_404_page(client: TestClient) -> None:
    response = client.get("/no-such-page", headers={"accept": "text/html"})
    assert response.status_code == 404
    assert "Not found" in response.text
    assert "Traceback" not in response.text


def test_unknown_api_path_is_problem_json(client: TestClient) -> None:
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["status"] == 404


def test_a_declared_oversized_body_is_refused_before_the_route_runs(client: TestClient) -> None:
    response = client.post("/", content=b"x" * (MAX_BODY_BYTES + 1))
    assert response.status_code == 413
    assert "larger than" in response.json()["detail"]


def test_a_streamed_oversized_body_is_refused(app: FastAPI) -> None:
    seen: list[int] = []
    router = APIRouter()

    @router.post("/echo-size")
    async def echo_size(request: Request) -> dict[str, int]:
        body = await request.body()
        seen.append(len(body))
        return {"size": len(body)}

    app.include_router(router)

    def chunks() -> Iterator[bytes]:
        for _ in range(MAX_BODY_BYTES // 65536 + 2):
            yield b"x" * 65536

    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.post("/echo-size", content=chunks())
    assert response.status_code == 413
    assert seen == []


def test_an_unexpected_error_shows_no_stack_trace(app: FastAPI) -> None:
    router = APIRouter()

    @router.get("/boom")
    def boom() -> None:
        raise RuntimeError("secret internals /etc/passwd")

    app.include_router(router)
    with TestClient(app, raise_server_exceptions=False) as client:
        page = client.get("/boom", headers={"accept": "text/html"})
    assert page.status_code == 500
    assert "secret internals" not in page.text
    assert "Traceback" not in page.text
    assert "Something went wrong" in page.text


def _serve(tmp_path: Path, *args: str) -> tuple[int, str]:
    from typer.testing import CliRunner

    from calfcoach.cli import app as cli_app

    result = CliRunner().invoke(
        cli_app, ["serve", *args], env={"CALFCOACH_HOME": str(tmp_path)}, catch_exceptions=False
    )
    return result.exit_code, result.output + (result.stderr or "")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--port", "0"], "--port: 0 is out of range; allowed: 1-65535"),
        (["--port", "70000"], "--port: 70000 is out of range; allowed: 1-65535"),
        (["--port", "-1"], "--port: -1 is out of range; allowed: 1-65535"),
        (["--port", "abc"], "--port: 'abc' is not a whole number; allowed: 1-65535"),
        (["--port", "80.5"], "--port: '80.5' is not a whole number; allowed: 1-65535"),
        (["--workers", "0"], "--workers: 0 is out of range; allowed: 1-64 processes"),
        (["--workers", "many"], "--workers: 'many' is not a whole number; allowed: 1-64"),
        (["--threads", "x"], "--threads: 'x' is not a whole number; allowed: 1-64 (default"),
        (
            ["--threads", "0"],
            "--threads: 0 is out of range; allowed: 1-64 (default 4 on SQLite, 2 on PostgreSQL)",
        ),
        (["--threads", "65"], "--threads: 65 is out of range; allowed: 1-64"),
        (
            ["--host", "no-such-host.invalid"],
            "--host: 'no-such-host.invalid' is not an address of this machine (",
        ),
        (["--host", ""], "--host: '' is not an address of this machine (not a valid host name)"),
        (["--host", "bad host"], "allowed: an address or host name of this machine (127.0.0.1"),
        (
            ["--host", "192.0.2.1"],  # TEST-NET-1: a real address, never this machine's
            "--host: '192.0.2.1' is not an address of this machine (cannot assign requested",
        ),
    ],
)
def test_serve_refuses_an_impossible_address_with_exit_2(
    tmp_path: Path, args: list[str], message: str
) -> None:
    """The option named with a colon, what was typed and what is allowed; never pydantic's
    "Input should be a valid integer" nor an errno (hostile sweep, stop 29)."""
    code, output = _serve(tmp_path, *args)
    assert code == 2
    assert message in output
    assert "Input should be" not in output and "Errno" not in output
    assert not (tmp_path / "calfcoach.sqlite3").exists()  # refused before anything is made


def test_serve_refuses_a_bad_thread_count_in_the_environment_with_exit_2(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from calfcoach.cli import app as cli_app

    result = CliRunner().invoke(
        cli_app,
        ["serve"],
        env={"CALFCOACH_HOME": str(tmp_path), "CALFCOACH_WEB_THREADS": "many"},
    )
    assert result.exit_code == 2
    assert "CALFCOACH_WEB_THREADS: 'many' is not a whole number; allowed: 1-64" in (
        result.output + (result.stderr or "")
    )
    assert "Traceback" not in result.output


@pytest.mark.parametrize(("value", "threads"), [("", None), (" 8 ", 8), ("1", 1), ("64", 64)])
def test_the_web_thread_count_comes_from_the_environment_with_a_default_by_database(
    value: str, threads: int | None
) -> None:
    from calfcoach.settings import Settings

    assert Settings.from_env({"CALFCOACH_WEB_THREADS": value}, web=True).web_threads == threads


def test_a_bad_web_thread_count_stops_only_the_web_server_not_the_other_commands(
    tmp_path: Path,
) -> None:
    from typer.testing import CliRunner

    from calfcoach.cli import app as cli_app
    from calfcoach.settings import Settings

    assert Settings.from_env({"CALFCOACH_WEB_THREADS": "0"}).web_threads is None
    result = CliRunner().invoke(
        cli_app,
        ["exercises", "--format", "json"],
        env={"CALFCOACH_HOME": str(tmp_path), "CALFCOACH_WEB_THREADS": "0"},
    )
    assert result.exit_code == 0, result.output


def test_the_app_runs_its_routes_on_4_threads_on_sqlite_and_2_on_postgresql_by_default(
    database_url: str, backend: str, tmp_path: Path
) -> None:
    # D-133, measured: SQLite's pages were fastest with 4, PostgreSQL's tail shortest with 2.
    import anyio.to_thread

    from calfcoach.settings import Settings
    from calfcoach.web.app import create_app

    app = create_app(Settings(home=tmp_path, database_url=database_url))
    with TestClient(app) as client:
        tokens = client.portal.call(
            lambda: anyio.to_thread.current_default_thread_limiter().total_tokens
        )
    assert tokens == (4 if backend == "sqlite" else 2)


def test_the_apps_sets_share_commits_through_one_writer_on_sqlite_and_not_on_postgresql(
    database_url: str, backend: str, tmp_path: Path
) -> None:
    # D-217 (D-94, D-122): on SQLite, sets posted at once are committed together by one
    # writer thread of the process; PostgreSQL runs many writers at once and has none.
    from calfcoach.settings import Settings
    from calfcoach.web.app import create_app

    app = create_app(Settings(home=tmp_path, database_url=database_url))
    with TestClient(app):
        writer = app.state.service_context.group_commit
        assert (writer is not None) == (backend == "sqlite")


def test_the_app_runs_its_routes_on_the_configured_number_of_threads(
    database_url: str, tmp_path: Path
) -> None:
    # D-133: anyio's default is 40 threads, under which the event loop starved for the GIL.
    import anyio.to_thread

    from calfcoach.settings import Settings
    from calfcoach.web.app import create_app

    app = create_app(Settings(home=tmp_path, database_url=database_url, web_threads=3))
    with TestClient(app) as client:
        tokens = client.portal.call(
            lambda: anyio.to_thread.current_default_thread_limiter().total_tokens
        )
        assert client.get("/healthz").status_code == 200
    assert tokens == 3


def test_serve_refuses_a_port_in_use_with_exit_2(tmp_path: Path) -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code, output = _serve(tmp_path, "--port", str(port))
    assert code == 2
    assert f"--port: {port} is already in use on 127.0.0.1 (another server listens there); " in (
        output
    )
    assert "allowed: a free port, e.g. --port 8001" in output


def test_large_answers_are_gzip_compressed_for_clients_that_ask(client: TestClient) -> None:
    response = client.get("/static/vendor/htmx-2.0.11.min.js", headers={"accept-encoding": "gzip"})
    assert response.status_code == 200
    assert response.headers.get("content-encoding") == "gzip"


def test_an_upload_route_has_its_own_larger_limit_and_other_routes_keep_1_mb() -> None:
    from calfcoach.formats.export_file import MAX_IMPORT_BYTES
    from calfcoach.web.api_runs import MAX_UPLOAD_BYTES
    from calfcoach.web.limits import BodySizeLimit

    async def app(scope: object, receive: object, send: object) -> None:  # pragma: no cover
        raise AssertionError

    limit = BodySizeLimit(
        app,  # type: ignore[arg-type]
        MAX_BODY_BYTES,
        uploads=[(r"/api/v1/athletes/\d+/runs", MAX_UPLOAD_BYTES), (r"/export/import", 5)],
    )
    assert limit.limit_for("/api/v1/athletes/12/runs") == MAX_UPLOAD_BYTES
    assert limit.limit_for("/api/v1/athletes/12/runs/x") == MAX_BODY_BYTES
    assert limit.limit_for("/export/import") == 5
    assert limit.limit_for("/today/sets") == MAX_BODY_BYTES
    assert MAX_IMPORT_BYTES > MAX_BODY_BYTES


def test_an_export_file_over_1_mb_reaches_the_import_route(client: TestClient) -> None:
    big = b'{"format": "calfcoach-export", "padding": "' + b"x" * 1_200_000 + b'"}'
    response = client.post(
        "/export/import",
        files={"file": ("big.json", big, "application/json")},
        headers={"accept": "text/html"},
    )
    assert response.status_code != 413  # the import's own checks answer, not the 1 MB limit


@pytest.mark.parametrize("path", ["/api/v1/boom-busy", "/boom-busy"])
def test_a_busy_database_is_a_503_with_retry_after_not_a_500(app: FastAPI, path: str) -> None:
    from calfcoach.errors import StorageError

    router = APIRouter()

    @router.get(path)
    def busy() -> None:
        raise StorageError("the database is busy: another process held it", "nothing was stored")

    app.include_router(router)
    with TestClient(app, raise_server_exceptions=False, client=("127.0.0.1", 5000)) as client:
        response = client.get(path, headers={"accept": "text/html"})
    assert response.status_code == 503
    assert response.headers["retry-after"] == "1"
    assert "the database is busy: another process held it; nothing was stored" in response.text
    assert "Traceback" not in response.text


def test_the_today_page_finds_its_athlete_on_its_own_thread_and_other_pages_where_d134_says(
    app: FastAPI, client: TestClient, backend: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # D-134: a read of a local SQLite file is cheaper than a hop to a thread; a read over
    # the network to PostgreSQL must not hold up the event loop. D-138: the Today page and
    # guided mode ask for their athlete on the route's own thread, one hop a request on
    # either backend; a page on AthleteIdDep takes a hop of its own for it on PostgreSQL.
    import anyio.to_thread
    from tests.integration.web_pages import add_runner

    hops: list[str] = []
    real_run_sync = anyio.to_thread.run_sync

    async def counting(func: Any, *args: Any, **kwargs: Any) -> Any:
        # A partial: FastAPI's runner with the route inside, or a function and its arguments
        called = getattr(func, "keywords", {}).get("function") or getattr(func, "func", func)
        hops.append(called.__name__)
        return await real_run_sync(func, *args, **kwargs)

    monkeypatch.setattr(anyio.to_thread, "run_sync", counting)
    html = {"accept": "text/html"}
    for path in ("/today", "/today/guided"):
        hops.clear()
        page = client.get(path, headers=html, follow_redirects=False)
        assert page.headers["location"] == "/welcome"  # no athlete yet, raised by the route
        assert hops == [path.rsplit("/", 1)[1] + "_page"]
    add_runner(app)
    for path in ("/today", "/today/guided", "/today"):  # made, then served as stored
        hops.clear()
        assert client.get(path, headers=html).status_code == 200
        assert hops == [path.rsplit("/", 1)[1] + "_page"]
    hops.clear()
    assert client.get("/plan", headers=html).status_code == 200
    assert hops == (["plan_page"] if backend == "sqlite" else ["_find_athlete_id", "plan_page"])


def _routes_in_order(routes: list[Any]) -> Iterator[Any]:
    """The app's routes in the order FastAPI tries them, an included router's in its place."""
    for route in routes:
        included = getattr(route, "original_router", None)
        if included is not None:
            yield from _routes_in_order(included.routes)
        else:
            yield route


def test_no_route_shadows_another_so_the_hot_routers_may_come_first(
    app: FastAPI,
    client: TestClient,  # its start and stop close the app's pool
) -> None:
    # D-138 includes the Today page's router and the API's before the other pages: FastAPI
    # tries the routes in order. That changes nothing only while no two routes can answer
    # one request: for every route, a path made from its own pattern, with its method, is
    # matched by that route first.
    import re

    routes = [r for r in _routes_in_order(app.router.routes) if getattr(r, "methods", None)]
    tried = 0
    for route in routes:
        sample = re.sub(r"\{[^}:]+(:path)?\}", lambda m: "x/y" if m[1] else "7", route.path)
        for method in sorted(route.methods - {"HEAD"}):
            first = next(r for r in routes if method in r.methods and r.path_regex.match(sample))
            assert first is route, (method, sample, first.path)
            tried += 1
    assert tried > 100
    hot = [r.path for r in routes]
    assert hot.index("/today") < 5
    assert hot.index("/api/v1/today") < 16
    assert hot.index("/api/v1/athletes/{athlete_id}/today") < 16
    assert hot.index("/api/v1/athletes/{athlete_id}/sets") < 21


def test_a_server_worker_freezes_its_startup_objects_and_an_app_in_another_process_does_not(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # D-137: a `calfcoach serve` worker (the uvicorn factory) moves what it holds for its
    # whole life out of the garbage collector's reach at start-up, so that a full collection
    # does not stall it ~110 ms; an app built inside another process (tests) does not touch
    # that process's collector.
    import gc

    from calfcoach.settings import Settings
    from calfcoach.web.app import create_app, create_app_from_env

    monkeypatch.setenv("CALFCOACH_HOME", str(tmp_path))
    monkeypatch.setenv("CALFCOACH_DATABASE_URL", database_url)
    assert gc.get_freeze_count() == 0
    with TestClient(create_app(Settings(home=tmp_path, database_url=database_url))) as client:
        assert client.get("/healthz").status_code == 200
        assert gc.get_freeze_count() == 0
    with TestClient(create_app_from_env()) as client:
        assert gc.get_freeze_count() > 0
        assert client.get("/healthz").status_code == 200
    assert gc.get_freeze_count() == 0  # given back when the worker stops


_FIRST_REQUESTS = """
import json, sys
from fastapi.testclient import TestClient
from calfcoach.web.app import create_app_from_env

app = create_app_from_env()
with TestClient(app, client=("127.0.0.1", 50000)) as client:
    env = app.state.templates.env
    compiled = set(env.cache.keys()) if env.cache is not None else set()
    pages = set(env.list_templates(extensions=("html",)))
    modules = set(sys.modules)
    import fastapi.routing
    built_later = []  # the handlers FastAPI reads (dependencies, parameters) on a request
    read_handler = fastapi.routing.get_dependant
    def counting(*args, **kwargs):
        built_later.append(getattr(kwargs.get("call"), "__name__", "?"))
        return read_handler(*args, **kwargs)
    fastapi.routing.get_dependant = counting
    answers = {path: client.get(path).status_code for path in ("/today", "/api/v1/today")}
    print(json.dumps({
        "answers": answers,
        "built_later": sorted(set(built_later)),
        "uncompiled": sorted(pages - {name for _, name in compiled}),
        "imported": sorted(m for m in set(sys.modules) - modules if m.startswith("calfcoach")),
        "compiled_later": sorted(
            name for _, name in set(env.cache.keys()) - compiled
        ),
    }))
"""


def test_a_server_worker_is_warm_before_its_first_request(tmp_path: Path) -> None:
    # D-197: a fresh worker's first `GET /api/v1/today` imported the engine and read the
    # catalog (~200 ms) and its first Today page compiled 7 templates (~140 ms), stalling the
    # worker's other connections under load. A worker now does that at start-up, so its first
    # requests import no module of ours and compile no template. A process of its own, as a
    # worker is (this test process has imported everything already).
    import json
    import subprocess
    import sys

    env = {**os.environ, "CALFCOACH_HOME": str(tmp_path)}
    env.pop("CALFCOACH_DATABASE_URL", None)
    calfcoach = str(Path(sys.executable).with_name("calfcoach"))
    demo = subprocess.run([calfcoach, "demo"], env=env, capture_output=True, text=True)
    assert demo.returncode == 0, demo.stderr
    run = subprocess.run(
        [sys.executable, "-c", _FIRST_REQUESTS], env=env, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr
    seen = json.loads(run.stdout.strip().splitlines()[-1])
    assert seen["answers"] == {"/today": 200, "/api/v1/today": 200}
    assert seen["uncompiled"] == []
    assert seen["compiled_later"] == []
    assert seen["imported"] == []
    # D-201: nor build FastAPI's routes (each handler's dependencies and parameter models),
    # which FastAPI does on a router's first request: ~85 ms for the API, ~225 for the page.
    assert seen["built_later"] == []


def test_a_chunked_body_over_the_limit_is_a_413_even_where_the_framework_reads_it(
    client: TestClient,
) -> None:
    # No Content-Length: the limit counts the chunks as they come; FastAPI reads a JSON body
    # itself and would answer its own 400 ("error parsing the body") to the refused read.
    def chunks() -> Iterator[bytes]:
        yield b'{"date": "2026-03-04", "exercise": "'
        for _ in range(MAX_BODY_BYTES // 65536 + 2):
            yield b"x" * 65536
        yield b'", "set_number": 1}'

    response = client.post(
        "/api/v1/athletes/1/sets", content=chunks(), headers={"content-type": "application/json"}
    )
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"
    assert f"larger than {MAX_BODY_BYTES:,} bytes" in response.json()["detail"]


@pytest.mark.parametrize("path", ["/healthz", "/", "/exercises", "/api/v1/openapi.json"])
def test_head_answers_wherever_get_does_with_the_gets_headers_and_no_body(
    client: TestClient, path: str
) -> None:
    got = client.get(path, headers={"accept-encoding": "identity"})
    head = client.head(path, headers={"accept-encoding": "identity"})
    assert head.status_code == got.status_code == 200
    assert head.content == b""
    assert head.headers["content-type"] == got.headers["content-type"]
    assert head.headers["content-length"] == str(len(got.content))


def test_head_on_a_route_without_get_is_still_a_405(client: TestClient) -> None:
    assert client.head("/api/v1/athletes/1/checkins").status_code == 405


def test_a_405_names_every_method_the_path_answers(client: TestClient) -> None:
    # /api/v1/athletes/{id}/sets has a GET route and a POST route; Starlette's 405 named the
    # first route's methods only.
    refused = client.delete("/api/v1/athletes/1/sets")
    assert refused.status_code == 405
    assert refused.headers["allow"] == "GET, HEAD, POST"
    assert "allowed: GET, HEAD, POST" in refused.json()["detail"]
    page = client.put("/exercises", headers={"accept": "text/html"})
    assert page.status_code == 405 and page.headers["allow"] == "GET, HEAD"
    static = client.post("/static/vendor/htmx-2.0.11.min.js")
    assert static.status_code == 405 and static.headers["allow"] == "GET, HEAD"
