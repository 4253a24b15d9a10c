"""The Plan page: a calendar of weeks, lighter weeks and races marked, each session with its
type and what became of it; move or skip a session from here (issue 8, part 2)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from calfcoach.errors import CalfcoachError
from calfcoach.web.deps import AthleteNameDep, DatabaseDep, TemplatesDep

if TYPE_CHECKING:
    from calfcoach.bootstrap import Database

__all__ = ["render_plan", "router"]

router = APIRouter(include_in_schema=False)

NOTICES = {"skipped": "Session skipped.", "moved": "Session moved."}


def render_plan(
    request: Request,
    templates: Jinja2Templates,
    database: Database,
    athlete: str,
    *,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    notice: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    """The plan page (also after a refused move or skip: ``errors`` at the session's form)."""
    from calfcoach.services.calendar import plan_calendar
    from calfcoach.web.routes.training import real_today

    today = real_today()
    try:
        calendar = plan_calendar(database, athlete, today)
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
    }
    return templates.TemplateResponse(request, "plan/plan.html", context, status_code=status_code)


@router.get("/plan", response_class=HTMLResponse)
def plan_page(
    request: Request,
    templates: TemplatesDep,
    database: DatabaseDep,
    athlete: AthleteNameDep,
    done: str | None = None,
) -> HTMLResponse:
    return render_plan(request, templates, database, athlete, notice=NOTICES.get(done or ""))
