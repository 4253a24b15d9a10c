"""The REST API, version 1 (issue 8, section 3): ``router`` (prefix ``/api/v1``) over the services.

    GET  /api/v1/athletes                              Page[AthleteOut]
    GET  /api/v1/athletes/{athlete_id}/today?date=     SessionDocument | null (a rest day)
    GET  /api/v1/athletes/{athlete_id}/plan?date=      PlanDocument (the CLI's plan JSON)
    GET  /api/v1/athletes/{athlete_id}/sets            Page[SetOut]
    POST /api/v1/athletes/{athlete_id}/sets            LoggedSetOut, 201; idempotent with
                                                       ``client_id`` (a retry returns the
                                                       stored set)
    POST /api/v1/athletes/{athlete_id}/checkins        CheckInOut, 201
    POST /api/v1/athletes/{athlete_id}/tests/heel-raise  HeelRaiseTestOut, 201
    POST /api/v1/athletes/{athlete_id}/tests/hop       HopTestOut, 201 (R-TEST-5)
    GET  /api/v1/athletes/{athlete_id}/progress?date=  ProgressReportOut
    GET  /api/v1/exercises                             list[ExerciseOut]

Errors are ``application/problem+json`` (RFC 9457): ``type``, ``title``, ``status``,
``detail`` and ``errors`` (``field``, ``value``, ``allowed``, ``code``, ``message``), with
422 for invalid input (the services' ``InputError`` and the request's own validation), 404
not found, 409 conflict, 403 forbidden. ``install_problem_handlers(app)`` installs the
mapping on an application.

Each route takes the ``ServiceContext`` and the ``Actor`` through ``Annotated`` dependencies
(``ContextDep``, ``ActorDep``): the context is ``app.state.service_context`` (built by the app
factory with ``bootstrap.build_context``), the actor is the local user (local single-user
mode; issue 9 builds it from a login or a token here, in one place).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from calfcoach.errors import CalfcoachError, Problem
from calfcoach.services import athletes, corrections, training
from calfcoach.services.access import Actor
from calfcoach.services.context import ServiceContext
from calfcoach.services.schemas import (
    MAX_PAGE,
    AthleteOut,
    CheckInOut,
    ExerciseOut,
    HeelRaiseTestOut,
    HopTestOut,
    LoggedSetOut,
    Page,
    PlanDocument,
    ProgressReportOut,
    SessionDocument,
    SetOut,
    page_of,
    plan_document,
)

__all__ = ["PROBLEM_JSON", "install_problem_handlers", "problem_response", "router"]

PROBLEM_JSON = "application/problem+json"
STATUS = {"invalid": 422, "not_found": 404, "conflict": 409, "forbidden": 403}
TITLES = {
    "invalid": "Invalid input",
    "not_found": "Not found",
    "conflict": "Conflict with what is stored",
    "forbidden": "Forbidden",
}


# --------------------------------------------------------------------------- problems


def problem_response(problems: tuple[Problem, ...], code: str) -> JSONResponse:
    """The problem+json response of ``problems``; ``code`` decides the status."""
    return JSONResponse(
        status_code=STATUS[code],
        media_type=PROBLEM_JSON,
        content={
            "type": f"https://calfcoach.app/problems/{code.replace('_', '-')}",
            "title": TITLES[code],
            "status": STATUS[code],
            "detail": "; ".join(p.text() for p in problems),
            "errors": [
                {
                    "field": p.field,
                    "value": p.value,
                    "allowed": p.allowed,
                    "code": p.code,
                    "message": p.message,
                }
                for p in problems
            ],
        },
    )


def _service_problem(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, CalfcoachError)
    return problem_response(exc.details, exc.code)


def _request_problem(request: Request, exc: Exception) -> JSONResponse:
    """A request that does not fit the route's types (FastAPI's validation), as problems."""
    assert isinstance(exc, RequestValidationError)
    problems = []
    for error in exc.errors():
        where = [str(part) for part in error.get("loc", ()) if part not in ("body", "query")]
        value = error.get("input")
        problems.append(
            Problem(
                "invalid",
                str(error.get("msg", "is not valid")),
                field=".".join(where) or None,
                value=value if isinstance(value, str | int | float | bool) else None,
            )
        )
    return problem_response(tuple(problems), "invalid")


def install_problem_handlers(app: FastAPI) -> None:
    """Every ``CalfcoachError`` and every request validation error as problem+json."""
    app.add_exception_handler(CalfcoachError, _service_problem)
    app.add_exception_handler(RequestValidationError, _request_problem)


# --------------------------------------------------------------------------- dependencies


def service_context(request: Request) -> ServiceContext:
    context: ServiceContext = request.app.state.service_context
    return context


def current_actor(request: Request) -> Actor:
    """Who asks: the local user in local single-user mode (issue 9: from a login or a
    token, here and nowhere else)."""
    return Actor.local()


ContextDep = Annotated[ServiceContext, Depends(service_context)]
ActorDep = Annotated[Actor, Depends(current_actor)]
Offset = Annotated[int, Query(ge=0, description="Index of the first item.")]
Limit = Annotated[int, Query(ge=1, le=MAX_PAGE, description="The most items on a page.")]
Day = Annotated[dt.date | None, Query(description="The day (YYYY-MM-DD); default today.")]

PROBLEMS: dict[int | str, dict[str, Any]] = {
    status: {"description": TITLES[code], "content": {PROBLEM_JSON: {}}}
    for code, status in STATUS.items()
}
router = APIRouter(prefix="/api/v1", tags=["api v1"], responses=PROBLEMS)


# --------------------------------------------------------------------------- bodies


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SetLogIn(_In):
    """One set as done; the planned values are filled in from the day's session."""

    date: dt.date
    exercise: str = Field(max_length=60)
    set_number: int
    reps: int | None = None
    seconds: int | None = None
    distance_m: float | None = None
    contacts: int | None = None
    load_kg: float | None = None
    side: str = "both"
    rpe: int | None = None
    pain: int | None = None
    client_id: str | None = Field(
        default=None,
        description="The client's id of this set (a UUID): a retried request with the same "
        "id stores nothing new and returns the stored set.",
    )


class CheckInIn(_In):
    date: dt.date
    pain: int
    stiffness: int
    red_flags: list[str] = Field(default_factory=list, max_length=20)
    replace: bool = False


class HopTestIn(_In):
    date: dt.date
    hops: int
    pain: int
    side: str = "both"
    replace: bool = False


class HeelRaiseIn(_In):
    date: dt.date
    left: int
    right: int
    knee: str = "straight"
    replace: bool = False


# --------------------------------------------------------------------------- routes


@router.get("/athletes", response_model=Page[AthleteOut])
def list_athletes(
    ctx: ContextDep, actor: ActorDep, offset: Offset = 0, limit: Limit = 50
) -> dict[str, Any]:
    """The athletes the caller may see, by name."""
    summaries = [AthleteOut.from_summary(a) for a in athletes.list_athletes(ctx, actor)]
    return page_of(summaries, offset, limit)


@router.get("/athletes/{athlete_id}/today", response_model=SessionDocument | None)
def today(ctx: ContextDep, actor: ActorDep, athlete_id: int, date: Day = None) -> Any:
    """The session of the day as adapted to the log before it; null on a rest day."""
    day = date or ctx.today()
    # The stored answer when nothing changed since it was made (services.training).
    body = training.today_answer(ctx, actor, athlete_id, day)
    return Response(body, media_type="application/json")


@router.get("/athletes/{athlete_id}/plan", response_model=PlanDocument)
def plan(ctx: ContextDep, actor: ActorDep, athlete_id: int, date: Day = None) -> Any:
    """The plan adapted to the log up to the day: the CLI's ``plan --format json``."""
    return plan_document(training.current_plan(ctx, actor, athlete_id, date or ctx.today()).plan)


@router.get("/athletes/{athlete_id}/sets", response_model=Page[SetOut])
def list_sets(
    ctx: ContextDep, actor: ActorDep, athlete_id: int, offset: Offset = 0, limit: Limit = 50
) -> dict[str, Any]:
    """The athlete's logged sets with their ids, by date."""
    listing = corrections.list_sets(ctx, actor, athlete_id)
    return page_of([SetOut.from_stored(s) for s in listing.sets], offset, limit)


@router.post("/athletes/{athlete_id}/sets", response_model=LoggedSetOut, status_code=201)
def log_set(ctx: ContextDep, actor: ActorDep, athlete_id: int, body: SetLogIn) -> Any:
    """Log one set; with ``client_id`` a retry stores nothing new (idempotent)."""
    entry = training.SetInput(
        **body.model_dump(exclude={"date", "client_id"}),
    )
    logged = training.log_set(
        ctx, actor, athlete_id, body.date, entry, today=ctx.today(), client_id=body.client_id
    )
    return LoggedSetOut.from_logged(logged)


@router.post("/athletes/{athlete_id}/checkins", response_model=CheckInOut, status_code=201)
def check_in(ctx: ContextDep, actor: ActorDep, athlete_id: int, body: CheckInIn) -> Any:
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
    "/athletes/{athlete_id}/tests/heel-raise", response_model=HeelRaiseTestOut, status_code=201
)
def heel_raise_test(ctx: ContextDep, actor: ActorDep, athlete_id: int, body: HeelRaiseIn) -> Any:
    """A single-leg heel-raise test to fatigue (R-TEST-1), judged against the norm."""
    from calfcoach.core.models import CapacityTest

    test = CapacityTest(
        date=body.date, left=body.left, right=body.right, knee=training.parse_knee(body.knee)
    )
    result = training.record_test(
        ctx, actor, athlete_id, test, today=ctx.today(), replace_existing=body.replace
    )
    return HeelRaiseTestOut.from_result(result)


@router.post("/athletes/{athlete_id}/tests/hop", response_model=HopTestOut, status_code=201)
def hop_test(ctx: ContextDep, actor: ActorDep, athlete_id: int, body: HopTestIn) -> Any:
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
def progress(ctx: ContextDep, actor: ActorDep, athlete_id: int, date: Day = None) -> Any:
    """The progress report up to the day: adherence, weekly volume, load and pain trends,
    tests against the norms (the CLI's ``progress --format json``)."""
    from calfcoach.services.progress import progress_report

    report = progress_report(ctx, actor, athlete_id, date or ctx.today())
    return ProgressReportOut.from_report(report)


@router.get("/exercises", response_model=list[ExerciseOut])
def exercises(ctx: ContextDep) -> Any:
    """The exercise library (the catalog)."""
    return [ExerciseOut.from_exercise(exercise) for exercise in ctx.catalog()]
