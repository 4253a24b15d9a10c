"""The progress page (issue 8, part 2, "Progress"): charts drawn by the vendored Chart.js
from JSON in the page, each with its table as the text alternative."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from calfcoach.web.deps import AthleteNameDep, DatabaseDep, TemplatesDep

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


@router.get("/progress", response_class=HTMLResponse)
def progress_page(
    request: Request, templates: TemplatesDep, database: DatabaseDep, athlete: AthleteNameDep
) -> HTMLResponse:
    """Everything logged up to today, as charts and tables; an empty state before that."""
    from calfcoach.services.charts import progress_charts

    charts = progress_charts(database, athlete, dt.date.today())
    context = {"title": "Progress", "athlete": athlete, "progress": charts}
    return templates.TemplateResponse(request, "progress/progress.html", context)
