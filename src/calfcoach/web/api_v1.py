"""The REST API, version 1 (issue 8, section 3): ``router`` (prefix ``/api/v1``) over the services.

    GET  /api/v1/athletes                              Page[AthleteOut]
    GET  /api/v1/athletes/{athlete_id}                 AthleteOut
    GET  /api/v1/athletes/{athlete_id}/profile         Profile (the profile file's keys)
    PUT  /api/v1/athletes/{athlete_id}/profile         ReplanOut: the future only re-planned
    GET  /api/v1/today?date=                           the caller's own athlete's (D-179)
    GET  /api/v1/athletes/{athlete_id}/today?date=     SessionDocument | null (a rest day)
    GET  /api/v1/athletes/{athlete_id}/plan?date=      PlanDocument (the CLI's plan JSON)
    GET  /api/v1/athletes/{athlete_id}/sets            Page[SetOut]
    POST /api/v1/athletes/{athlete_id}/sets            LoggedSetOut, 201; idempotent with
                                                       ``client_id`` (a retry returns the
                                                       stored set, 200)
    GET  /api/v1/athletes/{athlete_id}/sessions/{date} SessionDocument (404: none that day)
    POST /api/v1/athletes/{athlete_id}/sessions/{date}/skip   SessionStatusOut
    POST /api/v1/athletes/{athlete_id}/sessions/{date}/move   SessionDocument on its new day
                                                       (422 with the rule that refuses it)
    POST /api/v1/athletes/{athlete_id}/checkins        CheckInOut, 201
    POST /api/v1/athletes/{athlete_id}/clearances      ClearanceOut, 201 (R-PAIN-2a)
    POST /api/v1/athletes/{athlete_id}/tests/heel-raise  HeelRaiseTestOut, 201
    POST /api/v1/athletes/{athlete_id}/tests/hop       HopTestOut, 201 (R-TEST-5)
    GET  /api/v1/athletes/{athlete_id}/progress?date=  ProgressReportOut
    GET  /api/v1/exercises?region=&knee=&equipment=    Page[ExerciseOut] (422: a value outside
                                                       its vocabulary)
    GET  /api/v1/exercises/{exercise_id}               ExerciseOut (its drawing: the link
                                                       ``illustration``, /exercises/ID.svg)

Errors are ``application/problem+json`` (RFC 9457): ``type``, ``title``, ``status``,
``detail`` and ``errors`` (``field``, ``value``, ``allowed``, ``code``, ``message``), with
422 for invalid input (the services' ``InputError`` and the request's own validation), 404
not found, 409 conflict, 403 forbidden. ``install_problem_handlers(app)`` installs the
mapping on an application.

Each route takes the ``ServiceContext`` and the ``Actor`` through ``Annotated`` dependencies
(``ContextDep``, ``ActorDep``): the context is ``app.state.service_context`` (built by the app
factory), the actor comes from ``current_actor``, the one place that knows how a request
authenticates (D-71): ``Authorization: Bearer TOKEN`` (a personal access token,
``services.tokens``) acts as that token with its scopes; a request without one from the
loopback interface is the local user (local single-user mode); anything else, and any bad
or revoked token, is 401 problem+json (never silently the local user). Issue 9 adds logins
here, nowhere else.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import re
from typing import Annotated, Any, Literal, cast

from fastapi import APIRouter, Depends, FastAPI, Path, Query, Request
from fastapi.exception_handlers import request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from calfcoach.core.models import Profile
from calfcoach.core.rules import HOP_TEST_MAX_HOPS, MAX_LOAD_KG
from calfcoach.errors import CalfcoachError, InputError, NotFoundError, Problem, StorageError
from calfcoach.formats.export_file import MAX_NUMBER_DIGITS
from calfcoach.services import athletes, corrections, import_model, training
from calfcoach.services.access import Actor
from calfcoach.services.context import ServiceContext
from calfcoach.services.schemas import (
    MAX_PAGE,
    AthleteOut,
    CheckInOut,
    ClearanceOut,
    ExerciseOut,
    HeelRaiseTestOut,
    HopTestOut,
    LoggedSetOut,
    Page,
    PlanDocument,
    ProgressReportOut,
    ReplanOut,
    SessionDocument,
    SetOut,
    page_of,
    plan_document,
    session_document,
)

__all__ = [
    "PROBLEM_JSON",
    "Unauthenticated",
    "current_actor",
    "install_problem_handlers",
    "problem_response",
    "router",
    "unreadable_body",
]

PROBLEM_JSON = "application/problem+json"
STATUS = {
    "invalid": 422,
    "not_found": 404,
    "conflict": 409,
    "forbidden": 403,
    "unauthorized": 401,
}
TITLES = {
    "unauthorized": "Not authenticated",
    "invalid": "Invalid input",
    "not_found": "Not found",
    "conflict": "Conflict with what is stored",
    "forbidden": "Forbidden",
}


# --------------------------------------------------------------------------- problems


def problem_response(problems: tuple[Problem, ...], code: str) -> JSONResponse:
    """The problem+json response of ``problems``; ``code`` decides the status. Every text
    goes out as UTF-8 that can be encoded: a lone surrogate the request held (and a
    message or value echoes) is written as its escape, ``\\ud800``, never a 500."""
    return JSONResponse(
        status_code=STATUS[code],
        media_type=PROBLEM_JSON,
        content={
            "type": f"https://calfcoach.app/problems/{code.replace('_', '-')}",
            "title": TITLES[code],
            "status": STATUS[code],
            "detail": _encodable("; ".join(p.text() for p in problems)),
            "errors": [
                {
                    "field": _encodable(p.field),
                    "value": _shown_value(p.value),
                    "allowed": _encodable(p.allowed),
                    "code": p.code,
                    "message": _encodable(p.message),
                }
                for p in problems
            ],
        },
    )


def _encodable(text: str | None) -> str | None:
    """``text`` with what UTF-8 cannot encode (a lone surrogate) as a backslash escape."""
    if text is None or text.isascii():
        return text
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def is_api(request: Request) -> bool:
    """Whether the request is the API's (problem+json); pages render their own errors."""
    return request.url.path.startswith("/api/")


class Unauthenticated(Exception):
    """The request has a bad, unknown or revoked token, or none from off this machine."""

    def __init__(self, message: str, field: str | None = "authorization") -> None:
        super().__init__(message)
        self.problem = Problem(
            "unauthorized",
            message,
            field=field,
            allowed="Authorization: Bearer TOKEN, a token from `calfcoach token create`",
        )


async def _service_problem(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, CalfcoachError)
    if not is_api(request):
        raise exc  # a page's error: the app's own error page (logged)
    if isinstance(exc, StorageError):
        # The database could not be used (busy past its timeout, unreachable): nothing was
        # stored; the client may try again.
        return JSONResponse(
            status_code=503,
            media_type=PROBLEM_JSON,
            headers={"Retry-After": "1"},
            content={
                "type": "https://calfcoach.app/problems/storage",
                "title": "Storage unavailable",
                "status": 503,
                "detail": exc.sentence(),
            },
        )
    return problem_response(exc.details, exc.code)


async def _profile_problems(request: Request, errors: list[Any]) -> list[Problem]:
    """A profile body's problems in the profile file's words (``profile_io``: ``birth_year:
    '1988' is not a whole number; allowed: 1900-2100``, where pydantic said "Input should be
    a valid integer"), each at the API's dotted path (``races.0.date``); [] when the body is
    not an object of fields (the generic problems say so)."""
    import json

    from pydantic_core import ErrorDetails

    from calfcoach.profile_io import validation_problems

    located = [e for e in errors if len(tuple(e.get("loc", ()))) > 1 and e["loc"][0] == "body"]
    if not located or len(located) != len(errors):
        return []
    if any(e.get("type") == "string_unicode" for e in located):
        return []  # a lone surrogate: the generic words (is not valid UTF-8 text)
    try:
        data = json.loads(await request.body())
    except (RuntimeError, ValueError, RecursionError):
        return []
    if not isinstance(data, dict):
        return []
    inner = [{**e, "loc": tuple(e["loc"])[1:]} for e in located]
    problems = []
    for line in validation_problems(cast("list[ErrorDetails]", inner), data=data):
        problem = Problem.from_line(line)
        field = re.sub(r"\[(\d+)\]", r".\1", problem.field) if problem.field else None
        problems.append(Problem("invalid", problem.message, field=field, allowed=problem.allowed))
    return problems


async def _request_problem(request: Request, exc: Exception) -> Response:
    """A request that does not fit the route's types (FastAPI's validation), as problems."""
    assert isinstance(exc, RequestValidationError)
    if not is_api(request):
        return await request_validation_exception_handler(request, exc)
    model = _body_model(request)
    if isinstance(model, type) and issubclass(model, Profile):
        profile_problems = await _profile_problems(request, list(exc.errors()))
        if profile_problems:
            return problem_response(tuple(profile_problems), "invalid")
    problems = []
    for error in exc.errors():
        where = [
            str(part) for part in error.get("loc", ()) if part not in ("body", "query", "path")
        ]
        value = error.get("input")
        message = str(error.get("msg", "is not valid"))
        allowed = None
        if error.get("type") == "calfcoach":  # the import model's own check: its words
            context = error.get("ctx") or {}
            problem = str(context.get("problem", "is not valid"))
            in_text = error.get("loc", ("body",))[0] in ("query", "path")
            typed = _typed(value, text=in_text and problem == "is out of range")
            message = f"{typed} {problem}"
            allowed = str(context.get("allowed") or "") or None
        elif error.get("type") == "missing" and len(where) == 1:
            message, allowed = "missing", import_model.allowed_of(_body_model(request), where[0])
        elif error.get("type") == "string_unicode":  # a lone surrogate (\ud800): inputs' words
            message, allowed = "is not valid UTF-8 text (a lone surrogate)", "text in UTF-8"
        elif error.get("type") == "json_invalid":  # loc ("body", offset): not the field "0"
            where, value = ["body"], None
            why = str((error.get("ctx") or {}).get("error") or "cannot be read")
            offset = error.get("loc", ("body", 0))[-1]
            message = f"is not valid JSON: {why} (at byte {offset})"
            allowed = "a JSON object in UTF-8"
        elif not where and tuple(error.get("loc", ())) == ("body",):
            # The body as a whole is the wrong shape (a list, a string, a form, no JSON type).
            where, value = ["body"], None
            message = "missing" if error.get("type") == "missing" else "is not a JSON object"
            sent = request.headers.get("content-type") or "no Content-Type"
            allowed = "a JSON object sent as application/json" + (
                "" if "json" in sent.lower() else f" (this request: {sent})"
            )
        problems.append(
            Problem(
                "invalid",
                # pydantic prefixes a validator's own words with "Value error, "
                message.removeprefix("Value error, "),
                field=".".join(where) or None,
                value=_shown_value(value),
                allowed=allowed,
            )
        )
    return problem_response(tuple(problems), "invalid")


def _body_model(request: Request) -> object:
    """The model of the request's JSON body (``CheckInIn``), None for a route without one."""
    dependant = getattr(request.scope.get("route"), "dependant", None)
    params: list[Any] = list(getattr(dependant, "body_params", None) or ())
    return params[0].field_info.annotation if len(params) == 1 else None


def _typed(value: object, *, text: bool = False) -> str:
    """A body's value in a message as the CLI echoes what was typed: text quoted (``'abc'``,
    escaped, cut short), a number as it is (``5.5``; ``1e+400`` past 15 digits), JSON's
    ``true``, ``false`` and ``null``, a list or an object by its kind. ``text``: a query's
    or a path's number out of range, where a number is text: its digits as typed (``0``,
    not ``'0'``); what is not a number or a date stays quoted as the CLI quotes it."""
    from calfcoach.services.inputs import number_text

    if value is None or isinstance(value, bool):
        return {None: "null", True: "true", False: "false"}[value]
    if isinstance(value, int | float):
        return number_text(value) if isinstance(value, int) else repr(value)
    digits = value.removeprefix("-") if text and isinstance(value, str) else ""
    if digits.isascii() and digits.isdigit():  # a query's or a path's number, as typed
        return str(value) if len(digits) <= 24 else number_text(int(str(value)))
    if isinstance(value, str):
        short = value if len(value) <= 40 else value[:40] + "..."
        return repr(short.encode("utf-8", "backslashreplace").decode("utf-8"))
    return "a list" if isinstance(value, list) else "an object"


def _shown_value(value: object) -> str | int | float | bool | None:
    """A value to echo in a problem: scalars only, long text cut (a 1 MB field is not sent
    back), non-finite numbers and whole numbers past 2**53 as text (JSON has no NaN; a
    400-digit number is shown ``1e+400``), text that UTF-8 cannot encode escaped."""
    from calfcoach.services.inputs import number_text

    if isinstance(value, bool | int):
        return value if abs(int(value)) < 2**53 else number_text(value)
    if isinstance(value, float):
        return value if value == value and abs(value) != float("inf") else str(value)
    if isinstance(value, str):
        return _encodable(value if len(value) <= 200 else value[:200] + "...")
    return None


class _LongNumber:
    """A whole number too long to read, kept as its digits to say where it was."""

    def __init__(self, text: str) -> None:
        self.text = text


def _long_numbers(body: bytes) -> list[tuple[str | None, str]]:
    """Where ``body`` (JSON) holds a whole number of more than ``MAX_NUMBER_DIGITS`` digits:
    (path, its digits) each, the path as the validation errors write one (``races.0.x``;
    None: the body itself). Empty when the body does not read even so."""
    import json

    def whole(text: str) -> object:
        return _LongNumber(text) if len(text.lstrip("-")) > MAX_NUMBER_DIGITS else 0

    try:
        data = json.loads(body, parse_int=whole)
    except (ValueError, RecursionError):
        return []
    found: list[tuple[str | None, str]] = []
    stack: list[tuple[tuple[str, ...], object]] = [((), data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, _LongNumber):
            found.append((".".join(path) or None, value.text))
        elif isinstance(value, dict):
            stack.extend(((*path, str(k)), v) for k, v in value.items())
        elif isinstance(value, list):
            stack.extend(((*path, str(i)), v) for i, v in enumerate(value))
    return sorted(found, key=lambda item: item[0] or "")


def _short_number(digits: str) -> str:
    """A whole number written short, as ``services.inputs.number_text`` writes one (5,000
    nines: ``1e+5000``), from its digits: Python will not turn them into an int."""
    from decimal import Decimal

    sign = "-" if digits.startswith("-") else ""
    digits = digits.lstrip("-").lstrip("0") or "0"
    head = Decimal(f"{digits[:7]}e{len(digits) - len(digits[:7])}")
    mantissa, exponent = f"{head:.5e}".split("e")
    return f"{sign}{mantissa.rstrip('0').rstrip('.')}e{exponent}"


async def unreadable_body(request: Request, cause: BaseException) -> Response:
    """A JSON body the parser itself gave up on (FastAPI's plain 400 "There was an error
    parsing the body"), as a 422 problem like every other bad body: a whole number of more
    than 4,300 digits (named at its field), bytes that are not UTF-8, nesting too deep."""
    problems: list[Problem] = []
    if isinstance(cause, UnicodeDecodeError):
        problems.append(
            Problem(
                "invalid",
                f"is not valid UTF-8 (byte 0x{cause.object[cause.start]:02x} at position "
                f"{cause.start})",
                field="body",
                allowed="JSON text in UTF-8",
            )
        )
    elif isinstance(cause, RecursionError):
        problems.append(
            Problem(
                "invalid",
                "is nested too deeply to read",
                field="body",
                allowed="a JSON document nested a few levels (a profile is 3)",
            )
        )
    elif isinstance(cause, ValueError) and "digits" in str(cause):
        try:
            body = await request.body()
        except RuntimeError:  # the stream was read and not kept: no field to name
            body = b""
        allowed = f"a number of at most {MAX_NUMBER_DIGITS:,} digits, within the field's range"
        for field, digits in _long_numbers(body) or [(None, "")]:
            shown = _short_number(digits) if digits else "a number"
            problems.append(
                Problem(
                    "invalid",
                    f"{shown} is out of range (more than {MAX_NUMBER_DIGITS:,} digits)",
                    field=field or "body",
                    value=shown if digits else None,
                    allowed=allowed,
                )
            )
    else:
        problems.append(
            Problem(
                "invalid",
                f"cannot be read as JSON ({type(cause).__name__})",
                field="body",
                allowed="a JSON document",
            )
        )
    return problem_response(tuple(problems), "invalid")


async def _unauthenticated(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, Unauthenticated)
    response = problem_response((exc.problem,), "unauthorized")
    response.headers["WWW-Authenticate"] = 'Bearer realm="calfcoach"'
    return response


def install_problem_handlers(app: FastAPI) -> None:
    """Every ``CalfcoachError``, request validation error and authentication failure under
    ``/api/`` as problem+json; elsewhere (the pages) the app's own handling is kept."""
    app.add_exception_handler(CalfcoachError, _service_problem)
    app.add_exception_handler(RequestValidationError, _request_problem)
    app.add_exception_handler(Unauthenticated, _unauthenticated)


# --------------------------------------------------------------------------- dependencies


def service_context(request: Request) -> ServiceContext:
    context: ServiceContext = request.app.state.service_context
    return context


async def _context_dependency(request: Request) -> ServiceContext:
    """``service_context`` as a dependency: ``async``, so FastAPI calls it on the event loop
    instead of a threadpool hop of its own per request."""
    return service_context(request)


async def current_actor(request: Request) -> Actor:
    """Who asks (D-71), as ``web.auth.guard`` found it (the one place that knows how a request
    authenticates). Local single-user mode: a bearer token's actor, or the local user for a
    request from this machine without one; otherwise ``Unauthenticated`` (401). Server mode
    (issue 9): a bearer token of an account or a signed-in browser's session; the guard has
    already answered 401 to anybody else.

    ``async`` so that the local user costs no threadpool hop; a token not yet looked up is
    looked up in the threadpool, as a sync dependency would be."""
    from calfcoach.web.auth import Identity, from_loopback

    identity: Identity | None = getattr(request.state, "identity", None)
    settings = getattr(request.app.state, "settings", None)  # a bare router's app: local
    server = settings is not None and settings.server
    header = request.headers.get("authorization")
    if not server and header is None:
        if from_loopback(request):
            return Actor.local()
        raise Unauthenticated("a request from another machine needs a token")
    if header is not None:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthenticated("not a bearer token")
    if identity is None and header is not None:  # no guard in front (a bare router)
        from starlette.concurrency import run_in_threadpool

        from calfcoach.services.tokens import actor_for_token

        actor = await run_in_threadpool(
            actor_for_token, service_context(request), header.partition(" ")[2].strip()
        )
        identity = Identity(actor, "bearer" if actor is not None else "none")
    if identity is None or identity.actor is None:
        raise Unauthenticated("the token is not valid (unknown, revoked or mistyped)")
    return identity.actor


ContextDep = Annotated[ServiceContext, Depends(_context_dependency)]
ActorDep = Annotated[Actor, Depends(current_actor)]
# A whole number of a query or a path is refused in the words of every range (``limit: 0 is
# out of range; allowed: 1-200``); ge/le stay for the OpenAPI document.
_ID_MAX = 2**31 - 1
Offset = Annotated[
    int,
    Query(ge=0, le=_ID_MAX, description="Index of the first item."),
    import_model.query_whole(0, _ID_MAX),
]
Limit = Annotated[
    int,
    Query(ge=1, le=MAX_PAGE, description="The most items on a page."),
    import_model.query_whole(1, MAX_PAGE),
]
IsoDay = BeforeValidator(import_model.date_value)
"""A day in a query or a path is written YYYY-MM-DD, nothing else (one rule for the API)."""
Day = Annotated[dt.date | None, Query(description="The day (YYYY-MM-DD); default today."), IsoDay]
AthleteId = Annotated[
    int,
    Path(ge=1, le=_ID_MAX, description="The athlete's id."),
    import_model.query_whole(1, _ID_MAX),
]
SessionDay = Annotated[dt.date, Path(description="The session's day (YYYY-MM-DD)."), IsoDay]

PROBLEMS: dict[int | str, dict[str, Any]] = {
    status: {"description": TITLES[code], "content": {PROBLEM_JSON: {}}}
    for code, status in STATUS.items()
}
PROBLEMS[413] = {"description": "The body is too large", "content": {PROBLEM_JSON: {}}}
PROBLEMS[400] = {"description": "The body cannot be read (not JSON)", "content": {PROBLEM_JSON: {}}}
router = APIRouter(prefix="/api/v1", tags=["api v1"], responses=PROBLEMS)


async def _json_keys_once(request: Request) -> None:
    """A JSON body that gives a key twice in one object is refused as a profile file that
    does (``level: given more than once; allowed: each key once``): the JSON reader kept the
    last (``{"pain": 1, "pain": 9}`` stored 9; a profile PUT with two levels re-planned on
    the second). On the routes that take a JSON body; FastAPI has read it already."""
    from calfcoach.profile_io import duplicate_key_problem, duplicate_keys

    if "json" not in (request.headers.get("content-type") or "").lower():
        return
    duplicates = duplicate_keys(await request.body())
    if duplicates:
        raise InputError(*(duplicate_key_problem(key) for key in duplicates))


KeysOnce = Depends(_json_keys_once)
"""The dependency of every route with a JSON body: each key once."""


# --------------------------------------------------------------------------- bodies


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


# A body's values are read as the import reads them (``services.import_model``): a date is
# text YYYY-MM-DD (never a Unix time), a whole number a JSON integer (never ``true`` nor
# ``"5"``), a flag ``true`` or ``false`` (never ``"yes"``), refused in the CLI's words with
# the field's range; the ranges themselves are the services' to check (one message each).
_Date = Annotated[dt.date, import_model.body_date()]
_Flag = Annotated[bool, import_model.body_flag()]
_Pain = Annotated[int, import_model.body_whole(import_model.range_text(*training.PAIN_RANGE))]
_Side = Annotated[str, import_model.body_text(", ".join(training.SIDES))]


def _whole(low: float, high: float, unit: str = "") -> BeforeValidator:
    return import_model.body_whole(import_model.range_text(low, high, unit), optional=True)


def _number(low: float, high: float, unit: str = "") -> BeforeValidator:
    return import_model.body_number(import_model.range_text(low, high, unit), optional=True)


_REPS, _SECONDS, _DISTANCE, _CONTACTS = (
    training.DOSE_LIMITS[name][1:] for name in ("reps", "seconds", "distance_m", "contacts")
)
_TEST_REPS = import_model.body_whole(import_model.range_text(*training.TEST_REPS_RANGE, "reps"))


class SetLogIn(_In):
    """One set as done; the planned values are filled in from the day's session."""

    date: _Date
    exercise: Annotated[
        str, import_model.body_text("an id from `calfcoach exercises`"), Field(max_length=60)
    ]
    set_number: Annotated[
        int, import_model.body_whole(import_model.range_text(*training.SET_NUMBER_RANGE))
    ]
    reps: Annotated[int | None, _whole(*_REPS)] = None
    seconds: Annotated[int | None, _whole(*_SECONDS)] = None
    distance_m: Annotated[float | None, _number(*_DISTANCE)] = None
    contacts: Annotated[int | None, _whole(*_CONTACTS)] = None
    load_kg: Annotated[float | None, _number(0, MAX_LOAD_KG, "kg")] = None
    side: _Side = "both"
    rpe: Annotated[int | None, _whole(*training.RPE_RANGE)] = None
    pain: Annotated[int | None, _whole(*training.PAIN_RANGE)] = None
    client_id: str | None = Field(
        default=None,
        description="The client's id of this set (a UUID): a retried request with the same "
        "id stores nothing new and returns the stored set.",
    )


class CheckInIn(_In):
    date: _Date
    pain: _Pain
    stiffness: _Pain
    red_flags: list[str] = Field(default_factory=list, max_length=20)
    replace: _Flag = False


class HopTestIn(_In):
    date: _Date
    hops: Annotated[
        int,
        import_model.body_whole(import_model.range_text(0, HOP_TEST_MAX_HOPS, "hops per leg")),
    ]
    pain: _Pain
    side: _Side = "both"
    replace: _Flag = False


class MoveIn(_In):
    to_date: Annotated[_Date, Field(description="The day to move the session to.")]


class ClearanceIn(_In):
    date: _Date
    note: str | None = Field(default=None, max_length=500)


class SessionStatusOut(BaseModel):
    date: dt.date
    status: Literal["skipped"]


class HeelRaiseIn(_In):
    date: _Date
    left: Annotated[int, _TEST_REPS]
    right: Annotated[int, _TEST_REPS]
    knee: Annotated[str, import_model.body_text(", ".join(training.KNEES))] = "straight"
    replace: _Flag = False


# --------------------------------------------------------------------------- routes


@router.get("/athletes", response_model=Page[AthleteOut])
def list_athletes(
    ctx: ContextDep, actor: ActorDep, offset: Offset = 0, limit: Limit = 50
) -> dict[str, Any]:
    """The athletes the caller may see, by name."""
    summaries = [AthleteOut.from_summary(a) for a in athletes.list_athletes(ctx, actor)]
    return page_of(summaries, offset, limit)


@router.get("/athletes/{athlete_id}", response_model=AthleteOut)
def get_athlete(ctx: ContextDep, actor: ActorDep, athlete_id: AthleteId) -> Any:
    """One athlete and their active plan."""
    athletes.get_athlete(ctx, actor, athlete_id)  # 404 or 403 when not to be seen
    for summary in athletes.list_athletes(ctx, actor):
        if summary.id == athlete_id:
            return AthleteOut.from_summary(summary)
    raise NotFoundError(f"athlete: no athlete with id {athlete_id}")  # removed meanwhile


@router.get("/athletes/{athlete_id}/profile", response_model=Profile)
def get_profile(ctx: ContextDep, actor: ActorDep, athlete_id: AthleteId) -> Any:
    """The athlete's profile: the keys of the profile file (``calfcoach init``)."""
    # A response of its own: the model would turn the lists back into sets.
    return JSONResponse(profile_document(athletes.get_athlete(ctx, actor, athlete_id).profile))


def profile_document(profile: Profile) -> dict[str, Any]:
    """The profile as JSON values, its sets (free days, equipment, ...) as lists in a fixed
    order (days in week order, the rest alphabetical): the same answer every time."""
    from calfcoach.core.models import DAYS

    document: dict[str, Any] = profile.model_dump(mode="json")
    for key in document:
        value = getattr(profile, key)
        if isinstance(value, frozenset):
            items = list(value)
            if all(item in DAYS for item in items):
                document[key] = sorted(items, key=DAYS.index)
            else:
                document[key] = sorted(items, key=str)
    return document


class ProfileChangeIn(Profile):
    """A profile, and optionally the coach's note on the change (not part of the profile)."""

    coach_note: str | None = Field(
        default=None,
        max_length=2000,
        description="A coach's note on the change, shown to the athlete on Today and the "
        "plan; stored with the change in one transaction (a coach only).",
    )


@router.put("/athletes/{athlete_id}/profile", response_model=ReplanOut, dependencies=[KeysOnce])
def put_profile(
    ctx: ContextDep, actor: ActorDep, athlete_id: AthleteId, body: ProfileChangeIn
) -> Any:
    """Replace the athlete's profile; the plan is re-planned from today on, the sessions
    before today stay as they were given (R-HIST). Needs the ``manage`` scope. A coach may
    add ``coach_note``: the note is stored with the change, or nothing is."""
    from calfcoach.services.replan import update_profile

    profile = Profile.model_validate(
        {k: getattr(body, k) for k in Profile.model_fields if k in body.model_fields_set}
    )
    replan = update_profile(
        ctx, actor, athlete_id, profile, today=ctx.today(), note=body.coach_note
    )
    return ReplanOut.from_replan(replan)


@router.get("/today", response_model=SessionDocument | None)
def own_today(request: Request, ctx: ContextDep, actor: ActorDep, date: Day = None) -> Any:
    """The session of the day of the caller's own athlete (an account's athlete; in local
    single-user mode the first stored), as ``/athletes/{athlete_id}/today`` gives it; null
    on a rest day, 404 when the caller has no athlete of their own."""
    from calfcoach.web.compressed import stored_response

    body = training.own_today_answer(ctx, actor, date or ctx.today())
    return stored_response(request, body, "application/json")


@router.get("/athletes/{athlete_id}/today", response_model=SessionDocument | None)
def today(
    request: Request, ctx: ContextDep, actor: ActorDep, athlete_id: AthleteId, date: Day = None
) -> Any:
    """The session of the day as adapted to the log before it; null on a rest day."""
    from calfcoach.web.compressed import stored_response

    day = date or ctx.today()
    # The stored answer when nothing changed since it was made (services.training), sent
    # compressed from the process's memo (web/compressed.py).
    body = training.today_answer(ctx, actor, athlete_id, day)
    return stored_response(request, body, "application/json")


@router.get("/athletes/{athlete_id}/plan", response_model=PlanDocument)
def plan(ctx: ContextDep, actor: ActorDep, athlete_id: AthleteId, date: Day = None) -> Any:
    """The plan adapted to the log up to the day: the CLI's ``plan --format json``."""
    return plan_document(training.current_plan(ctx, actor, athlete_id, date or ctx.today()).plan)


@router.get("/athletes/{athlete_id}/sessions/{day}", response_model=SessionDocument)
def get_session(ctx: ContextDep, actor: ActorDep, athlete_id: AthleteId, day: SessionDay) -> Any:
    """The session planned on the day, as adapted to the log before it; 404 on a rest day."""
    session = training.day_plan(ctx, actor, athlete_id, day).session_on(day)
    if session is None:
        raise NotFoundError(
            Problem(
                "not_found",
                f"no session is planned on {day.isoformat()}",
                field="date",
                value=day.isoformat(),
                allowed="a day of the plan with a session",
            )
        )
    return session_document(session)


@router.post("/athletes/{athlete_id}/sessions/{day}/skip", response_model=SessionStatusOut)
def skip_session(ctx: ContextDep, actor: ActorDep, athlete_id: AthleteId, day: SessionDay) -> Any:
    """Skip the session of the day (the progression engine sees it); 409 if it is already
    done or skipped."""
    training.skip_session(ctx, actor, athlete_id, day, today=ctx.today())
    return SessionStatusOut(date=day, status="skipped")


@router.post(
    "/athletes/{athlete_id}/sessions/{day}/move",
    response_model=SessionDocument,
    dependencies=[KeysOnce],
)
def move_session(
    ctx: ContextDep, actor: ActorDep, athlete_id: AthleteId, day: SessionDay, body: MoveIn
) -> Any:
    """Move the session of the day to ``to_date`` if the scheduling rules still hold
    (R-SCHED); otherwise 422 naming the rule that refuses it."""
    moved = training.move_session(ctx, actor, athlete_id, day, body.to_date, today=ctx.today())
    return session_document(moved)


@router.get("/athletes/{athlete_id}/sets", response_model=Page[SetOut])
def list_sets(
    ctx: ContextDep, actor: ActorDep, athlete_id: AthleteId, offset: Offset = 0, limit: Limit = 50
) -> dict[str, Any]:
    """The athlete's logged sets with their ids, by date."""
    listing = corrections.list_sets(ctx, actor, athlete_id)
    return page_of([SetOut.from_stored(s) for s in listing.sets], offset, limit)


@router.post(
    "/athletes/{athlete_id}/sets",
    response_model=LoggedSetOut,
    status_code=201,
    responses={
        201: {"description": "The set is stored."},
        200: {
            "model": LoggedSetOut,
            "description": "A replay: a set with this client_id and these values was stored "
            "before; nothing new is stored and the stored set is returned.",
        },
    },
    dependencies=[KeysOnce],
)
async def log_set(
    ctx: ContextDep, actor: ActorDep, athlete_id: AthleteId, body: SetLogIn, response: Response
) -> Any:
    """Log one set: 201 when it is stored. With ``client_id`` a retry stores nothing new
    (idempotent): 200 with the stored set; the same client id with other values is 409."""
    entry = training.SetInput(
        **body.model_dump(exclude={"date", "client_id"}),
    )
    today, client_id = ctx.today(), body.client_id
    # D-217: on SQLite the set is queued to the process's group-commit writer and awaited
    # here, on the event loop: no route thread waits for the commit, so every set waiting in
    # the process shares the next one. Without a writer (PostgreSQL) the service runs on a
    # route thread, as a plain route would.
    ahead = None
    if ctx.group_commit is not None and training.day_walked_ahead(ctx, athlete_id, body.date):
        # D-218: the first set of a day fixes its session, a walk of the history; walked
        # here on a route thread, outside the write lock, it holds up no other set.
        ahead = await run_in_threadpool(
            functools.partial(
                training.walk_day_ahead,
                ctx, actor, athlete_id, body.date, entry, today=today, client_id=client_id,
            )
        )  # fmt: skip
    queued = training.queue_set(
        ctx, actor, athlete_id, body.date, entry, today=today, client_id=client_id, ahead=ahead
    )
    if queued is not None:
        logged, replayed = await asyncio.wrap_future(queued)
    else:
        logged, replayed = await run_in_threadpool(
            functools.partial(
                training.log_set_once,
                ctx, actor, athlete_id, body.date, entry, today=today, client_id=client_id,
            )
        )  # fmt: skip
    if replayed:
        response.status_code = 200
    return LoggedSetOut.from_logged(logged)


@router.post(
    "/athletes/{athlete_id}/checkins",
    response_model=CheckInOut,
    status_code=201,
    dependencies=[KeysOnce],
)
def check_in(ctx: ContextDep, actor: ActorDep, athlete_id: AthleteId, body: CheckInIn) -> Any:
    """The next-morning check-in (R-PAIN-1/2) with the red flags answered yes (R-PAIN-2a)."""
    checkin = training.record_checkin(
        ctx,
        actor,
        athlete_id,
        body.date,
        pain=body.pain,
        stiffness=body.stiffness,
        today=ctx.today(),
        replace_existing=body.replace,
        red_flags=body.red_flags,
    )
    return CheckInOut.from_checkin(checkin)


@router.post(
    "/athletes/{athlete_id}/clearances",
    response_model=ClearanceOut,
    status_code=201,
    dependencies=[KeysOnce],
)
def clearance(ctx: ContextDep, actor: ActorDep, athlete_id: AthleteId, body: ClearanceIn) -> Any:
    """A clinician's clearance (R-PAIN-2a): lifts the red-flag stop of the check-ins before
    its date; 422 when there is none to lift."""
    result = training.record_clearance(
        ctx, actor, athlete_id, body.date, today=ctx.today(), note=body.note
    )
    return ClearanceOut.from_result(result)


@router.post(
    "/athletes/{athlete_id}/tests/heel-raise",
    response_model=HeelRaiseTestOut,
    status_code=201,
    dependencies=[KeysOnce],
)
def heel_raise_test(
    ctx: ContextDep, actor: ActorDep, athlete_id: AthleteId, body: HeelRaiseIn
) -> Any:
    """A single-leg heel-raise test to fatigue (R-TEST-1), judged against the norm."""
    from calfcoach.core.models import CapacityTest

    test = CapacityTest(
        date=body.date, left=body.left, right=body.right, knee=training.parse_knee(body.knee)
    )
    result = training.record_test(
        ctx, actor, athlete_id, test, today=ctx.today(), replace_existing=body.replace
    )
    return HeelRaiseTestOut.from_result(result)


@router.post(
    "/athletes/{athlete_id}/tests/hop",
    response_model=HopTestOut,
    status_code=201,
    dependencies=[KeysOnce],
)
def hop_test(ctx: ContextDep, actor: ActorDep, athlete_id: AthleteId, body: HopTestIn) -> Any:
    """A single-leg hop test (R-TEST-5) and whether it passed for the athlete's complaint."""
    from calfcoach.core.models import HopTest

    test = HopTest(
        date=body.date,
        hops=body.hops,
        pain=body.pain,
        side=body.side,  # type: ignore[arg-type]  # checked by the service
    )
    result = training.record_hop_test(
        ctx, actor, athlete_id, test, today=ctx.today(), replace_existing=body.replace
    )
    return HopTestOut.from_result(test, result)


@router.get("/athletes/{athlete_id}/progress", response_model=ProgressReportOut)
def progress(ctx: ContextDep, actor: ActorDep, athlete_id: AthleteId, date: Day = None) -> Any:
    """The progress report up to the day: adherence, weekly volume, load and pain trends,
    tests against the norms (the CLI's ``progress --format json``)."""
    from calfcoach.services.progress import progress_report

    report = progress_report(ctx, actor, athlete_id, date or ctx.today())
    return ProgressReportOut.from_report(report)


@router.get("/exercises", response_model=Page[ExerciseOut])
def exercises(
    ctx: ContextDep,
    region: Annotated[str | None, Query(max_length=40, description="Only this region.")] = None,
    knee: Annotated[str | None, Query(max_length=40, description="Only this knee angle.")] = None,
    equipment: Annotated[
        str | None, Query(max_length=40, description="Only exercises that use this equipment.")
    ] = None,
    offset: Offset = 0,
    limit: Limit = 50,
) -> dict[str, Any]:
    """The exercise library (the catalog), filtered by region, knee and equipment (``none``:
    the exercises that need no equipment); a value outside its vocabulary is 422 with the
    allowed values, checked as the /exercises page checks it (one rule)."""
    from calfcoach.errors import InputError
    from calfcoach.web.routes.exercises import NO_EQUIPMENT, read_filters

    filters = read_filters(region, knee, [equipment] if equipment is not None else [])
    if filters.errors:
        raise InputError(*filters.errors.values())
    chosen = [
        ExerciseOut.from_exercise(e)
        for e in ctx.catalog()
        if (filters.region is None or e.region == filters.region)
        and (filters.knee is None or e.knee == filters.knee)
        and (
            not filters.equipment
            or (not e.equipment if equipment == NO_EQUIPMENT else equipment in e.equipment)
        )
    ]
    return page_of(chosen, offset, limit)


@router.get("/exercises/{exercise_id}", response_model=ExerciseOut)
def exercise(ctx: ContextDep, exercise_id: Annotated[str, Path(max_length=80)]) -> Any:
    """One exercise: steps, cues, why and its place on a ladder; the drawing is linked."""
    return ExerciseOut.from_exercise(ctx.catalog().get(exercise_id))
