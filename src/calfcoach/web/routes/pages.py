"""HTML pages (server-rendered, htmx for partial updates)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from calfcoach.web.deps import TemplatesDep

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def home(request: Request, templates: TemplatesDep) -> HTMLResponse:
    """The start page: where to go next."""
    return templates.TemplateResponse(request, "index.html", {"title": "calfcoach"})
