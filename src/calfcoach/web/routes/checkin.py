"""The next-morning check-in (R-PAIN-1/2): pain and stiffness 0-10 and the red-flag questions
(R-PAIN-2a), then what it changes: the day's session as the check-in leaves it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from calfcoach.errors import CalfcoachError
from calfcoach.services.access import Actor
from calfcoach.services.context import ServiceContext
from calfcoach.web.deps import ActorDep, AthleteIdDep, ContextDep, TemplatesDep
from calfcoach.web.forms import FormProblem, check_once, optional_int, parse_date
from calfcoach.web.views import field_errors

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


def _questions() -> list[tuple[str, str]]:
    from calfcoach.services.training import RED_FLAG_QUESTIONS

    return list(RED_FLAG_QUESTIONS.items())


def _render(
    request: Request,
    templates: Jinja2Templates,
    context: dict[str, Any],
    status_code: int = 200,
) -> HTMLResponse:
    from calfcoach.web.routes.training import real_today

    base: dict[str, Any] = {
        "title": "Morning check-in",
        "questions": _questions(),
        "today": real_today(),
        "errors": {},
        "values": {},
        "flags": [],
        "saved": None,
        "advice": None,
        "outcome": None,
    }
    base.update(context)
    return templates.TemplateResponse(
        request, "checkin/checkin.html", base, status_code=status_code
    )


@router.get("/checkin", response_class=HTMLResponse)
def checkin_page(
    request: Request, templates: TemplatesDep, athlete: AthleteIdDep, date: str | None = None
) -> HTMLResponse:
    from calfcoach.web.routes.training import real_today

    try:
        day = parse_date("date", date, real_today())
    except FormProblem as problem:
        return _render(
            request, templates, {"day": real_today(), "errors": {"date": problem.message}}, 422
        )
    return _render(request, templates, {"day": day})


def _outcome(ctx: ServiceContext, actor: Actor, athlete_id: int, day: dt.date) -> dict[str, Any]:
    """What the check-in changes: the session of its day as adapted now (or the next one),
    with the decisions the engine made on that day (R-PAIN-2, 2a, 2b)."""
    from calfcoach.services.training import day_plan

    current = day_plan(ctx, actor, athlete_id, day)
    session = current.session_on(day)
    if session is None:
        later = [s for s in current.plan.sessions if s.date > day]
        session = later[0] if later else None
    decisions = [d for d in current.decisions if session is not None and d.date == session.date]
    return {"session": session, "decisions": decisions}


CHECKIN_FIELDS = frozenset({"date", "pain", "stiffness", "red_flags"})


@router.post("/checkin", response_class=HTMLResponse)
async def checkin_post(
    request: Request,
    templates: TemplatesDep,
    ctx: ContextDep,
    actor: ActorDep,
    athlete: AthleteIdDep,
) -> HTMLResponse:
    from calfcoach.services.training import record_checkin, red_flag_advice
    from calfcoach.web.routes.training import real_today

    form = await request.form()
    values = {k: str(v) for k, v in form.items() if isinstance(v, str)}
    flags = [str(v) for v in form.getlist("red_flag")]
    context: dict[str, Any] = {"values": values, "flags": flags, "day": real_today()}
    errors: dict[str, str] = {}
    try:
        check_once(form, ("date", "pain", "stiffness", "replace"))
        context["day"] = parse_date("date", values.get("date"), real_today())
    except FormProblem as problem:
        errors[problem.field] = problem.message
    numbers: dict[str, int | None] = {}
    for name in ("pain", "stiffness"):
        try:
            numbers[name] = optional_int(name, values.get(name), "0-10")
        except FormProblem as problem:
            errors[name] = problem.message
            continue
        if numbers[name] is None:
            errors[name] = "missing; allowed: 0-10"
    if flags:
        # R-PAIN-2a: the advice comes at once, even when the form is refused.
        try:
            context["advice"] = red_flag_advice(flags)
        except CalfcoachError:
            pass
    if errors:
        return _render(request, templates, {**context, "errors": errors}, 422)
    day: dt.date = context["day"]
    try:
        saved = record_checkin(
            ctx,
            actor,
            athlete,
            day,
            pain=numbers["pain"] or 0,
            stiffness=numbers["stiffness"] or 0,
            today=real_today(),
            replace_existing=values.get("replace") == "yes",
            red_flags=flags,
        )
    except CalfcoachError as error:
        errors = field_errors(error.details, CHECKIN_FIELDS)
        return _render(request, templates, {**context, "errors": errors}, 422)
    if saved.red_flags:
        context["advice"] = red_flag_advice(saved.red_flags)
    context.update(saved=saved, outcome=_outcome(ctx, actor, athlete, day))
    return _render(request, templates, context)
