"""Deleting all of an athlete's data from the Export page (issue 9, part 5): the form names
the athlete and asks for their name typed; a wrong name is shown at the field (422) and
nothing is deleted (``services.privacy``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from calfcoach.errors import InputError
from calfcoach.web.deps import VIEW_COOKIE, ActorDep, AthleteIdDep, ContextDep, TemplatesDep

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


@router.post("/export/delete", response_model=None)
def delete_all(
    request: Request,
    templates: TemplatesDep,
    ctx: ContextDep,
    actor: ActorDep,
    athlete: AthleteIdDep,
    confirm: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Delete the athlete shown and everything of theirs, once their name is typed."""
    from calfcoach.services.privacy import delete_athlete_data
    from calfcoach.web.routes.export import _page

    try:
        removed = delete_athlete_data(ctx, actor, athlete, confirm=confirm)
    except InputError as exc:
        message = "; ".join(p.message for p in exc.details)
        errors = {"confirm": f"The name {message}. Nothing was deleted."}
        return _page(request, templates, ctx, actor, athlete, 422, errors=errors)
    rows = sum(count for table, count in removed.rows.items() if table != "athletes")
    context = {"title": "Data deleted", "name": removed.name, "rows": rows}
    response: HTMLResponse = templates.TemplateResponse(request, "export/deleted.html", context)
    response.delete_cookie(VIEW_COOKIE, path="/")
    return response
