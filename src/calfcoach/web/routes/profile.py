"""Onboarding (``/welcome``: the profile questions -> the athlete and the first plan -> Today,
with the plan's why) and the Profile page (a change re-plans the future only, R-HIST)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from calfcoach.errors import CalfcoachError
from calfcoach.services.access import Actor
from calfcoach.services.audit import is_coach_change
from calfcoach.services.coaching import NOTE_MAX
from calfcoach.services.context import ServiceContext
from calfcoach.web.deps import ActorDep, AthleteIdDep, ContextDep, TemplatesDep, local_athlete_id
from calfcoach.web.forms import FormProblem, optional_int, parse_date
from calfcoach.web.profile_form import PROFILE_FIELDS, choices, profile_values, read_profile_form
from calfcoach.web.views import field_errors

__all__ = ["router"]

router = APIRouter(include_in_schema=False)

LISTS = ("equipment", "free_days", "complaints")


def _render(
    request: Request,
    templates: Jinja2Templates,
    template: str,
    context: dict[str, Any],
    status_code: int = 200,
) -> HTMLResponse:
    from calfcoach.web.routes.training import real_today

    base: dict[str, Any] = {
        "choices": choices(),
        "today": real_today(),
        "errors": {},
        "values": {},
        "lists": {},
        "result": None,
    }
    base.update(context)
    return templates.TemplateResponse(request, template, base, status_code=status_code)


async def _answers(request: Request) -> tuple[dict[str, str], dict[str, list[str]]]:
    form = await request.form()
    values = {key: str(value) for key, value in form.items() if isinstance(value, str)}
    lists = {key: [str(v) for v in form.getlist(key)] for key in LISTS}
    return values, lists


def _has_athlete(ctx: ServiceContext, actor: Actor) -> bool:
    return local_athlete_id(ctx, actor) is not None


@router.get("/welcome", response_class=HTMLResponse)
def welcome_page(
    request: Request, templates: TemplatesDep, ctx: ContextDep, actor: ActorDep
) -> Response:
    """The profile questions of ``calfcoach init`` (local mode: only while nobody is stored)."""
    if _has_athlete(ctx, actor):
        return RedirectResponse("/today", status_code=303)
    values = {"level": "novice", "session_minutes": "25", "units": "metric"}
    values |= {"bone_stress_history": "no", "missed_periods": "no", "sex": ""}
    lists = {"free_days": ["mon", "wed", "fri"]}
    return _render(request, templates, "profile/welcome.html", {"values": values, "lists": lists})


@router.post("/welcome", response_class=HTMLResponse)
async def welcome_post(
    request: Request, templates: TemplatesDep, ctx: ContextDep, actor: ActorDep
) -> Response:
    """Store the athlete and the first plan, then Today with the plan's why; a refused answer
    is shown at its question (422) and nothing is stored."""
    from calfcoach.profile_io import profile_from_data
    from calfcoach.services.athletes import add_athlete
    from calfcoach.web.routes.training import real_today

    if _has_athlete(ctx, actor):
        return RedirectResponse("/today", status_code=303)
    values, lists = await _answers(request)
    read = read_profile_form(values, lists)
    errors = dict(read.errors)
    start = real_today()
    weeks: int | None = 8
    try:
        start = parse_date("start", values.get("start"), real_today())
    except FormProblem as problem:
        errors["start"] = problem.message
    try:
        weeks = optional_int("weeks", values.get("weeks"), "1-52")
    except FormProblem as problem:
        errors["weeks"] = problem.message
    if not errors:
        try:
            profile = profile_from_data(read.data)
            add_athlete(ctx, actor, profile, start=start, weeks=8 if weeks is None else weeks)
        except CalfcoachError as error:
            errors = field_errors(error.details, PROFILE_FIELDS)
    if errors:
        context = {"values": values, "lists": lists, "errors": errors}
        return _render(request, templates, "profile/welcome.html", context, 422)
    return RedirectResponse(f"/today?date={start.isoformat()}&welcome=1", status_code=303)


@router.get("/profile", response_class=HTMLResponse)
def profile_page(
    request: Request,
    templates: TemplatesDep,
    ctx: ContextDep,
    actor: ActorDep,
    athlete: AthleteIdDep,
) -> HTMLResponse:
    from calfcoach.services.athletes import get_athlete

    values, lists = profile_values(get_athlete(ctx, actor, athlete).profile)
    context = {"values": values, "lists": lists, "coach_view": is_coach_change(actor, athlete)}
    return _render(request, templates, "profile/profile.html", context)


@router.post("/profile", response_class=HTMLResponse)
async def profile_post(
    request: Request,
    templates: TemplatesDep,
    ctx: ContextDep,
    actor: ActorDep,
    athlete: AthleteIdDep,
) -> HTMLResponse:
    """Save the profile; the future is re-planned, the past stays as given (R-HIST)."""
    from calfcoach.profile_io import profile_from_data, profile_to_dict
    from calfcoach.services.athletes import get_athlete
    from calfcoach.services.replan import update_profile
    from calfcoach.web.routes.training import real_today

    values, lists = await _answers(request)
    read = read_profile_form(values, lists)
    errors = dict(read.errors)
    current = get_athlete(ctx, actor, athlete).profile
    if values.get("races", "") == profile_values(current)[0]["races"]:
        # Unchanged in the form: keep the races as stored (their names and tune-up flags,
        # which the one-line answer does not carry).
        read.data["races"] = profile_to_dict(current)["races"]
    result = None
    coach_view = is_coach_change(actor, athlete)
    # A coach's note to the athlete, saved with the change in one unit of work (D-114)
    note = values.get("coach_note", "")[: NOTE_MAX + 100] or None
    if not errors:
        try:
            profile = profile_from_data(read.data)
            result = update_profile(ctx, actor, athlete, profile, today=real_today(), note=note)
        except CalfcoachError as error:
            if error.code == "forbidden":  # the app's 403 page, not a form to correct
                raise
            errors = field_errors(
                error.details, PROFILE_FIELDS | {"coach_note"}, rename={"text": "coach_note"}
            )
    if errors:
        context = {"values": values, "lists": lists, "errors": errors, "coach_view": coach_view}
        return _render(request, templates, "profile/profile.html", context, 422)
    values.pop("coach_note", None)  # saved: the form starts empty again
    context = {"values": values, "lists": lists, "result": result, "coach_view": coach_view}
    context["noted"] = note is not None and bool(note.strip())
    return _render(request, templates, "profile/profile.html", context)
