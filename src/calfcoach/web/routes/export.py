"""Export (issue 8, part 2, "Export"): the CLI's JSON/CSV export as a download and its
import as an upload (all or nothing, ``services.transfer``), the calendar subscription
address (``/calendar/{token}.ics``, ``services.calendar_feed``), and the printable handout
of the plan with its PDF (``formats.handout``).

A refused upload or choice is shown at its field with status 422 and nothing is stored
(issue 8, "Bad input").
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

from fastapi import APIRouter, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates

from calfcoach.errors import CalfcoachError, InputError, NotFoundError
from calfcoach.services.access import Actor
from calfcoach.services.context import ServiceContext
from calfcoach.web.deps import ActorDep, AthleteIdDep, ContextDep, TemplatesDep
from calfcoach.web.routes.training import real_today

if TYPE_CHECKING:
    from calfcoach.formats.handout import Handout

__all__ = ["router"]

router = APIRouter(include_in_schema=False)

FORMATS = ("json", "csv")
_MEDIA = {"json": "application/json", "csv": "text/csv; charset=utf-8"}


def _page(
    request: Request,
    templates: Jinja2Templates,
    ctx: ServiceContext,
    actor: Actor,
    athlete_id: int,
    status: int = 200,
    **context: Any,
) -> HTMLResponse:
    from calfcoach.services.athletes import get_athlete
    from calfcoach.services.calendar_feed import calendar_address_since

    base: dict[str, Any] = {
        "title": "Export",
        "athlete": get_athlete(ctx, actor, athlete_id).name,
        "formats": FORMATS,
        "calendar_since": calendar_address_since(ctx, actor, athlete_id),
        "errors": {},
    }
    base.update(context)
    return templates.TemplateResponse(request, "export/export.html", base, status_code=status)


@router.get("/export", response_class=HTMLResponse)
def export_page(
    request: Request,
    templates: TemplatesDep,
    ctx: ContextDep,
    actor: ActorDep,
    athlete: AthleteIdDep,
) -> HTMLResponse:
    """Download, upload, calendar address and handout, on one page."""
    return _page(request, templates, ctx, actor, athlete)


@router.get("/export/download", response_model=None)
def export_download(
    request: Request,
    templates: TemplatesDep,
    ctx: ContextDep,
    actor: ActorDep,
    athlete: AthleteIdDep,
    format: str = "json",
) -> Response:
    """The athlete's export file (``calfcoach export --format json|csv``), as a download."""
    from calfcoach.services.transfer import document_to_csv, document_to_json, export_document

    if format not in FORMATS:
        message = f"format: {format!r} is not an export format; allowed: {', '.join(FORMATS)}"
        return _page(request, templates, ctx, actor, athlete, 422, errors={"format": message})
    document = export_document(ctx, actor, athlete)
    text = document_to_csv(document) if format == "csv" else document_to_json(document)
    filename = f"calfcoach-export-{real_today().isoformat()}.{format}"
    return Response(
        text.encode("utf-8"),
        media_type=_MEDIA[format],
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@router.post("/export/import", response_class=HTMLResponse)
def import_upload(
    request: Request,
    templates: TemplatesDep,
    ctx: ContextDep,
    actor: ActorDep,
    athlete: AthleteIdDep,
    file: Annotated[UploadFile | None, File()] = None,
) -> HTMLResponse:
    """Import an export file (JSON or CSV): every athlete in it, or nothing."""
    from dataclasses import replace

    from calfcoach.formats.export_file import MAX_IMPORT_BYTES, check_size
    from calfcoach.services.transfer import import_document, read_export

    source = (file.filename or "the file") if file is not None else "the file"
    try:
        if file is None or not file.filename:
            raise InputError("file: missing; allowed: a calfcoach export file (JSON or CSV)")
        data = file.file.read(MAX_IMPORT_BYTES + 1)
        check_size(len(data), f"file: {source}")
        if not data:
            raise InputError(f"file: {source} is empty; allowed: a calfcoach export file")
        document, warnings = read_export(data, source=source)
        result = replace(
            import_document(ctx, actor, document, today=real_today()), warnings=warnings
        )
    except CalfcoachError as error:
        return _page(
            request,
            templates,
            ctx,
            actor,
            athlete,
            422,
            errors={"file": list(error.problems)},
            imported=None,
        )
    return _page(request, templates, ctx, actor, athlete, imported=result)


@router.post("/export/calendar", response_class=HTMLResponse)
def calendar_address(
    request: Request,
    templates: TemplatesDep,
    ctx: ContextDep,
    actor: ActorDep,
    athlete: AthleteIdDep,
    action: Annotated[str, Form()] = "",
) -> HTMLResponse:
    """Make (or rotate) the calendar address, shown once; or stop it."""
    from calfcoach.services.calendar_feed import new_calendar_token, stop_calendar_address

    if action == "rotate":
        token = new_calendar_token(ctx, actor, athlete)
        address = str(request.url_for("calendar_feed", token=token))
        return _page(request, templates, ctx, actor, athlete, calendar_address=address)
    if action == "stop":
        stopped = stop_calendar_address(ctx, actor, athlete)
        return _page(request, templates, ctx, actor, athlete, calendar_stopped=stopped)
    message = f"action: {action!r} is not an action; allowed: rotate, stop"
    return _page(request, templates, ctx, actor, athlete, 422, errors={"calendar": message})


@router.get("/calendar/{token}.ics", name="calendar_feed", response_model=None)
def calendar_feed(ctx: ContextDep, token: str) -> Response:
    """The plan as iCalendar for a calendar app's subscription (the token is the secret and
    the actor: it may view its own athlete only)."""
    from calfcoach.services.calendar_feed import calendar_for_token

    try:
        body = calendar_for_token(ctx, token, real_today())
    except NotFoundError as error:
        detail = error.details[0].message
        raise HTTPException(status_code=404, detail=detail[:1].upper() + detail[1:]) from None
    return Response(
        body,
        media_type="text/calendar; charset=utf-8",
        headers={"Cache-Control": "private, max-age=300"},
    )


def _handout(ctx: ServiceContext, actor: Actor, athlete_id: int) -> Handout:
    from calfcoach.formats.handout import build_handout
    from calfcoach.services.training import current_plan

    current = current_plan(ctx, actor, athlete_id, real_today())
    units = current.athlete.profile.units
    return build_handout(current.plan, current.athlete.name, units, ctx.catalog())


@router.get("/export/handout", response_class=HTMLResponse)
def handout_page(
    request: Request,
    templates: TemplatesDep,
    ctx: ContextDep,
    actor: ActorDep,
    athlete: AthleteIdDep,
) -> HTMLResponse:
    """The plan and its exercises on a page made for printing (print CSS)."""
    context = {"title": "Plan handout", "handout": _handout(ctx, actor, athlete)}
    return templates.TemplateResponse(request, "export/handout.html", context)


@router.get("/export/handout.pdf", response_model=None)
def handout_pdf_download(ctx: ContextDep, actor: ActorDep, athlete: AthleteIdDep) -> Response:
    """The handout as a PDF (fpdf2)."""
    from calfcoach.formats.handout import handout_pdf

    body = handout_pdf(_handout(ctx, actor, athlete))
    filename = f"calfcoach-plan-{real_today().isoformat()}.pdf"
    return Response(
        body,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
