"""The progress page (issue 8, part 2, "Progress"): charts drawn by the vendored Chart.js
from JSON in the page, each with its table as the text alternative."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from calfcoach.web.deps import ActorDep, AthleteIdDep, ContextDep, TemplatesDep

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


@router.get("/progress", response_class=HTMLResponse)
def progress_page(
    request: Request,
    templates: TemplatesDep,
    ctx: ContextDep,
    actor: ActorDep,
    athlete: AthleteIdDep,
) -> HTMLResponse:
    """Everything logged up to today, as charts and tables; an empty state before that."""
    from calfcoach.services.charts import progress_charts
    from calfcoach.web.routes.training import real_today

    charts = progress_charts(ctx, actor, athlete, real_today())
    context = {"title": "Progress", "progress": charts}
    return templates.TemplateResponse(request, "progress/progress.html", context)
