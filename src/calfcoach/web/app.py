"""The app factory: ``create_app(settings)`` builds the FastAPI application.

Nothing is built at import time (style notes, 6): the settings, the ONE service context
(``bootstrap.build_context``: the database's units of work, the clock, the catalog) and the
templates are made here and kept on ``app.state``; routes reach them through ``web.deps``.
The context is closed (the database's pool disposed of) when the app shuts down.
``uvicorn`` starts it with ``factory=True`` (``calfcoach serve``), so each worker process
builds its own app and keeps no state of its own beyond its connection pool: N workers, or
N machines, serve one database (issue 8, part 2).
"""

from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from jinja2 import pass_context
from starlette.exceptions import HTTPException as StarletteHTTPException

from calfcoach import __version__, bootstrap
from calfcoach.errors import CalfcoachError, StorageError
from calfcoach.settings import Settings, check_server_settings, web_threads_for
from calfcoach.web import api_v1, compressed
from calfcoach.web.auth import (
    CrossSiteRefused,
    LoginRequired,
    SecurityHeaders,
    csrf_field,
    csrf_value,
    docs_csp,
    guard,
)
from calfcoach.web.deps import NoAthleteYet
from calfcoach.web.head import HeadAsGet
from calfcoach.web.limits import BodySizeLimit

__all__ = ["MAX_BODY_BYTES", "STATIC_DIR", "TEMPLATE_DIR", "create_app", "create_app_from_env"]

HERE = Path(__file__).parent
STATIC_DIR = HERE / "static"
TEMPLATE_DIR = HERE / "templates"
MAX_BODY_BYTES = 1_000_000
"""Bodies over this are refused with 413 (issue 8, "Bad input"): an export file of a few
years of training is well under it; uploads that need more get their own limit."""

logger = logging.getLogger("calfcoach.web")


def create_app(settings: Settings | None = None, *, server_process: bool = False) -> FastAPI:
    """The application for ``settings`` (default: from the environment). Opens (and
    migrates) the database once, in the service context; a database that cannot be opened
    fails here, at start-up, with the ``StorageError`` message, not on the first request.
    ``server_process``: the app is the whole of its process (a ``calfcoach serve`` worker),
    so at start-up it may freeze the process's objects for the garbage collector (D-137);
    an app built inside another process (a test) leaves that process's collector alone."""
    settings = Settings.from_env(web=True) if settings is None else settings
    check_server_settings(settings)  # server mode: no app with a weak secret (issue 9)
    from calfcoach.mail import mailer_from_setting

    mailer = mailer_from_setting(settings.mail)
    # D-217: on SQLite the sets logged at once share one transaction and one commit (D-94);
    # bootstrap leaves PostgreSQL, which runs many writers at once, without a writer thread.
    context = bootstrap.build_context(settings, group_commit=True)
    from calfcoach.code_id import code_id

    code_id()  # worked out once per process, at start-up rather than on a first request (D-163)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # D-133: the routes (plain functions) run on a few threads, not anyio's 40. Every
        # thread that runs Python competes with the event loop for the GIL, and with dozens
        # of them the loop waited in 5 ms turns to read and answer the sockets (p99 of
        # /healthz 47 ms at 50 connections; with 4 threads 8 ms, and more requests a second;
        # with 2 the PostgreSQL pages' tail shrank too).
        import anyio.to_thread

        limiter = anyio.to_thread.current_default_thread_limiter()
        limiter.total_tokens = web_threads_for(settings, sqlite=context.local_reads)
        if server_process:
            _warm_up(app)
            _freeze_startup_objects()
        try:
            yield
        finally:
            context.close()  # the pool's connections, at shutdown
            if server_process:
                gc.unfreeze()

    app = FastAPI(
        lifespan=lifespan,
        title="calfcoach",
        version=__version__,
        summary="Calf, Achilles, ankle and foot strength coaching for runners.",
        docs_url="/api/docs",
        redoc_url=None,
        openapi_url="/api/v1/openapi.json",
        dependencies=[Depends(guard)],  # who asks, sign-in required, CSRF (issue 9)
    )
    app.state.settings = settings
    app.state.mailer = mailer
    app.state.service_context = context  # also what web.api_v1's dependencies read
    app.state.templates = _templates()
    app.add_middleware(BodySizeLimit, max_bytes=MAX_BODY_BYTES, uploads=_upload_limits())
    # Pages and JSON compressed for phones on a gym's network (the Today page: ~40 KB -> ~4 KB).
    # Level 6, not Starlette's 9: the roster's 145 KB in 1.1 ms against 1.8, 1% larger.
    app.add_middleware(
        GZipMiddleware,
        minimum_size=compressed.MINIMUM_SIZE,
        compresslevel=compressed.COMPRESS_LEVEL,
    )
    app.add_middleware(  # every response
        SecurityHeaders, hsts=settings.server, csp_by_path={"/api/docs": docs_csp(app)}
    )
    app.add_middleware(HeadAsGet)  # outermost: HEAD is a GET without its body
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    _install_error_pages(app)
    api_v1.install_problem_handlers(app)  # problem+json under /api/ only

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, str]:
        """Liveness: answers without touching the database (the load benchmark's ceiling)."""
        return {"status": "ok"}

    from calfcoach.web.routes import (
        account,
        checkin,
        exercises,
        export,
        offline,
        pages,
        plan,
        privacy,
        profile,
        progress,
        roster,
        runs,
        training,
    )

    # The hot routes first (D-138): FastAPI tries the routes in order, twice a request (to
    # match, then to handle), about a microsecond each. The Today page and its sets, then the
    # API's athletes (today, sets): `GET /api/v1/athletes/1/today` came 61st, 133 µs of
    # matching. No two routers share a path, so the order changes nothing else.
    app.include_router(training.router)
    app.include_router(api_v1.router)
    pages_then_issues_9_10 = (pages, plan, checkin, offline, profile, exercises, progress)
    for module in (*pages_then_issues_9_10, export, runs, roster, privacy):
        app.include_router(module.router)
    app.include_router(account.router)  # sign-in, the account page, admin (issue 9)
    from calfcoach.web.api_runs import router as runs_api  # issue 10: runs, FIT workouts

    app.include_router(runs_api)
    from calfcoach.web.api_roster import router as roster_api  # issue 9: roster, deletion

    app.include_router(roster_api)
    from calfcoach.web.api_coach import router as coach_api  # issue 9: the coach's flows
    from calfcoach.web.routes import coach as coach_pages

    app.include_router(coach_api)
    app.include_router(coach_pages.router)
    return app


def _upload_limits() -> list[tuple[str, int]]:
    """The uploads that may be larger than ``MAX_BODY_BYTES``, each with its own limit (the
    multipart envelope adds a little to the file limits the routes check themselves)."""
    from calfcoach.formats.export_file import MAX_IMPORT_BYTES
    from calfcoach.web.api_runs import (
        MAX_CALENDAR_UPLOAD_BYTES,
        MAX_STRENGTH_UPLOAD_BYTES,
        MAX_UPLOAD_BYTES,
    )

    envelope = 64 * 1024
    return [
        (r"/api/v1/athletes/\d+/runs", MAX_UPLOAD_BYTES + envelope),
        (r"/export/import", MAX_IMPORT_BYTES + envelope),
        # issue 10: the pages' uploads have the limits of their API twins
        (r"/runs/upload", MAX_UPLOAD_BYTES + envelope),
        (r"/api/v1/athletes/\d+/calendar|/runs/calendar", MAX_CALENDAR_UPLOAD_BYTES + envelope),
        (
            r"/api/v1/athletes/\d+/strength-activities|/today/strength",
            MAX_STRENGTH_UPLOAD_BYTES + envelope,
        ),
    ]


def _allowed_methods(request: Request) -> str:
    """Every method some route of the request's path answers (HEAD with GET: ``HeadAsGet``),
    for a 405's ``Allow`` header: each method is tried on the app's routes (an included
    router answers for its own)."""
    from starlette.routing import Match, Mount

    routes = [r for r in request.app.router.routes if not isinstance(r, Mount)]  # any method
    methods = {
        method
        for method in ("GET", "POST", "PUT", "PATCH", "DELETE")
        if any(
            route.matches({**request.scope, "method": method})[0] is Match.FULL for route in routes
        )
    }
    if "GET" in methods:
        methods.add("HEAD")
    return ", ".join(sorted(methods))


def create_app_from_env() -> FastAPI:
    """The uvicorn factory of ``calfcoach serve`` (each worker builds its own app, in a
    process of its own: ``server_process``)."""
    return create_app(server_process=True)


WARM_PACKAGES = ("core", "catalog", "services", "storage", "web")
"""The packages a worker imports whole at start-up (D-197); the CLI's and the file formats'
modules are imported by the routes that use them."""


def _warm_up(app: FastAPI) -> None:
    """D-197: what the first requests of a worker would otherwise do under load, each while
    holding the interpreter's lock: import the engine and the services that the routes import
    lazily (for the CLI's cold start), read the catalog, and compile every page template
    (Jinja compiles a template on its first use). The first `GET /api/v1/today` of a fresh
    worker took ~200 ms and its first Today page ~140 ms, stalling the worker's other
    connections: under 50 connections the first 2 s of a run had a p99 of 260-730 ms. Done
    before the freeze (D-137), so what it builds is out of the collector's reach too.

    D-201: and FastAPI's routes. FastAPI builds the routes of an included router (each
    handler's dependencies and parameter models) when a request first reaches that router:
    after the steps above a fresh worker's first `GET /api/v1/today` still took ~85 ms and
    its first Today page ~225 ms, against 5-10 ms after. Building the OpenAPI document
    builds every router's routes (pages too), with FastAPI's own public call, and the
    document is then ready for `/api/v1/openapi.json`."""
    import importlib
    import pkgutil

    from calfcoach.catalog import load_catalog

    templates: Jinja2Templates = app.state.templates

    for package in WARM_PACKAGES:
        module = importlib.import_module(f"calfcoach.{package}")
        for info in pkgutil.walk_packages(module.__path__, f"{module.__name__}."):
            if ".migrations" not in info.name:  # Alembic's scripts run only under Alembic
                importlib.import_module(info.name)
    load_catalog()
    for name in templates.env.list_templates(extensions=("html",)):
        templates.env.get_template(name)
    app.openapi()


def _freeze_startup_objects() -> None:
    """D-137: what a worker holds from its start to its end (modules, the app, the catalog,
    SQLAlchemy's and pydantic's models: ~120,000 objects) is moved out of the garbage
    collector's reach, once, before the first request. A full collection walked all of them:
    ~110 ms in which the worker answered nobody, about once per 10 s under load; after the
    freeze it takes 5-8 ms. Objects made later are collected as before."""
    gc.collect()  # what is garbage already is freed, not kept for the process's life
    gc.freeze()


def _templates() -> Jinja2Templates:
    templates = Jinja2Templates(directory=TEMPLATE_DIR)
    templates.env.globals["version"] = __version__
    from calfcoach.web.api_runs import upload_limits

    templates.env.globals["upload_limits"] = upload_limits()  # the runs pages' forms (D-78)
    templates.env.globals["csrf_field"] = pass_context(csrf_field)
    templates.env.globals["csrf_token"] = pass_context(
        lambda context: csrf_value(context["request"])
    )
    return templates


def _wants_html(request: Request) -> bool:
    if request.url.path.startswith("/api/"):
        return False
    return "text/html" in request.headers.get("accept", "text/html")


def _install_error_pages(app: FastAPI) -> None:
    """Errors as pages (or JSON under /api/), never a stack trace (issue 8, "Bad input")."""

    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, exc: LoginRequired) -> Response:
        from urllib.parse import quote

        target = "/login" if exc.path in ("/", "") else f"/login?next={quote(exc.path)}"
        response = RedirectResponse(target, status_code=303)
        if request.headers.get("hx-request"):
            response.headers["HX-Redirect"] = target
        return response

    @app.exception_handler(CrossSiteRefused)
    async def cross_site(request: Request, exc: CrossSiteRefused) -> Response:
        title = "Refused: this request may not come from another site"
        detail = f"{exc.reason}. Reload the page and send the form again; nothing was changed."
        if _wants_html(request):
            return _error_page(request, 403, title, detail)
        return JSONResponse(
            {"title": title, "status": 403, "detail": detail},
            status_code=403,
            media_type="application/problem+json",
        )

    @app.exception_handler(NoAthleteYet)
    async def no_athlete(request: Request, exc: NoAthleteYet) -> Response:
        if _wants_html(request):
            identity = getattr(request.state, "identity", None)
            actor = getattr(identity, "actor", None)
            if actor is not None and actor.account_id is not None and actor.kind != "athlete":
                return RedirectResponse("/account", status_code=303)  # no training of theirs
            return RedirectResponse("/welcome", status_code=303)
        return JSONResponse(
            {"title": "No athlete yet", "status": 404, "detail": "No athlete is stored yet."},
            status_code=404,
            media_type="application/problem+json",
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 400 and exc.__cause__ is not None and api_v1.is_api(request):
            # FastAPI's "error parsing the body" (a number of 5,000 digits, bytes that are not
            # UTF-8, nesting too deep): a 422 problem like every other bad body.
            return await api_v1.unreadable_body(request, exc.__cause__)
        title = _TITLES.get(exc.status_code, "Something went wrong")
        detail = exc.detail if isinstance(exc.detail, str) else title
        headers = dict(getattr(exc, "headers", None) or {})
        if exc.status_code == 405:
            # Starlette names the methods of the first route of the path only: /sets has a
            # GET route and a POST route, and its 405 said "Allow: GET".
            headers["Allow"] = _allowed_methods(request) or headers.get("Allow", "")
            detail = f"{request.method} is not allowed here; allowed: {headers['Allow']}"
        if _wants_html(request):
            page = _error_page(request, exc.status_code, title, detail)
            page.headers.update(headers)
            return page
        return JSONResponse(
            {"title": title, "status": exc.status_code, "detail": detail},
            status_code=exc.status_code,
            media_type="application/problem+json",
            headers=headers or None,
        )

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> Response:
        if isinstance(exc, StorageError):  # busy, unreachable or lost: nothing was stored
            title, detail = "The database is unavailable", exc.sentence()
            if _wants_html(request):
                page = _error_page(request, 503, title, detail)
                page.headers["Retry-After"] = "1"
                return page
            return JSONResponse(
                {"title": title, "status": 503, "detail": detail},
                status_code=503,
                media_type="application/problem+json",
                headers={"Retry-After": "1"},
            )
        if isinstance(exc, CalfcoachError) and exc.code in _PAGE_STATUS:
            status = _PAGE_STATUS[exc.code]  # a page's forbidden or not found: its page
            detail = "; ".join(p.text() for p in exc.details)
            if _wants_html(request):
                return _error_page(request, status, _TITLES[status], detail)
            return JSONResponse(
                {"title": _TITLES[status], "status": status, "detail": detail},
                status_code=status,
                media_type="application/problem+json",
            )
        logger.exception("unexpected error on %s %s", request.method, request.url.path)
        title = "Something went wrong on our side"
        detail = "The error was logged. Nothing you sent was half-stored; please try again."
        if _wants_html(request):
            return _error_page(request, 500, title, detail)
        return JSONResponse(
            {"title": title, "status": 500, "detail": detail},
            status_code=500,
            media_type="application/problem+json",
        )


_PAGE_STATUS = {"forbidden": 403, "not_found": 404, "unauthorized": 401, "conflict": 409}
_TITLES = {
    400: "Bad request",
    401: "Sign in first",
    403: "Forbidden",
    404: "Not found",
    409: "Conflict",
    405: "Method not allowed",
    413: "Too large",
    422: "Invalid input",
}


def _error_page(request: Request, status: int, title: str, detail: str) -> HTMLResponse:
    templates: Jinja2Templates = request.app.state.templates
    context: dict[str, Any] = {"title": title, "detail": detail, "status": status}
    return templates.TemplateResponse(request, "error.html", context, status_code=status)
