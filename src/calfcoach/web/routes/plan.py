"""The Plan page: a calendar of weeks, lighter weeks and races marked, each session with its
type and what became of it; move or skip a session from here (issue 8, part 2)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from calfcoach.errors import CalfcoachError
from calfcoach.services.access import Actor
from calfcoach.services.context import ServiceContext
from calfcoach.web.deps import ActorDep, AthleteIdDep, ContextDep, TemplatesDep

__all__ = ["render_plan", "router"]

router = APIRouter(include_in_schema=False)

NOTICES = {"skipped": "Session skipped.", "moved": "Session moved."}


def render_plan(
    request: Request,
    templates: Jinja2Templates,
    ctx: ServiceContext,
    actor: Actor,
    athlete_id: int,
    *,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    notice: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    """The plan page (also after a refused move or skip: ``errors`` at the session's form)."""
    from calfcoach.services.calendar import plan_calendar
    from calfcoach.web.routes.training import coach_context, real_today

    today = real_today()
    try:
        calendar = plan_calendar(ctx, actor, athlete_id, today)
    except CalfcoachError as error:
        context = {"title": "Invalid input", "detail": " ".join(error.problems), "status": 422}
        return templates.TemplateResponse(request, "error.html", context, status_code=422)
    context = {
        "title": "Plan",
        "calendar": calendar,
        "today": today,
        "errors": errors or {},
        "values": values or {},
        "notice": notice,
        **coach_context(ctx, actor, athlete_id, today),
    }
    return templates.TemplateResponse(request, "plan/plan.html", context, status_code=status_code)


@router.get("/plan", response_class=HTMLResponse)
def plan_page(
    request: Request,
    templates: TemplatesDep,
    ctx: ContextDep,
    actor: ActorDep,
    athlete: AthleteIdDep,
    done: str | None = None,
) -> HTMLResponse:
    notice = NOTICES.get(done or "")
    return render_plan(request, templates, ctx, actor, athlete, notice=notice)
