"""Export (issue 8, part 2, "Export"): the CLI's JSON/CSV export as a download and its
import as an upload (all or nothing, ``services.transfer``), the calendar subscription
address (``/calendar/{token}.ics``, ``services.calendar_feed``), and the printable handout
of the plan with its PDF (``formats.handout``).

A refused upload or choice is shown at its field with status 422 and nothing is stored
(issue 8, "Bad input").
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import HTMLResponse, Response

from calfcoach.errors import CalfcoachError, InputError, NotFoundError
from calfcoach.web.deps import AthleteNameDep, DatabaseDep, TemplatesDep

__all__ = ["router"]

router = APIRouter(include_in_schema=False)

FORMATS = ("json", "csv")
_MEDIA = {"json": "application/json", "csv": "text/csv; charset=utf-8"}


def _page(
    request: Request,
    templates: TemplatesDep,
    database: DatabaseDep,
    athlete: str,
    status: int = 200,
    **context: Any,
) -> HTMLResponse:
    from calfcoach.services.calendar_feed import calendar_address_since

    base = {
        "title": "Export",
        "athlete": athlete,
        "formats": FORMATS,
        "calendar_since": calendar_address_since(database, athlete),
        "errors": {},
    }
    base.update(context)
    return templates.TemplateResponse(request, "export/export.html", base, status_code=status)


@router.get("/export", response_class=HTMLResponse)
def export_page(
    request: Request, templates: TemplatesDep, database: DatabaseDep, athlete: AthleteNameDep
) -> HTMLResponse:
    """Download, upload, calendar address and handout, on one page."""
    return _page(request, templates, database, athlete)


@router.get("/export/download", response_model=None)
def export_download(
    request: Request,
    templates: TemplatesDep,
    database: DatabaseDep,
    athlete: AthleteNameDep,
    format: str = "json",
) -> Response:
    """The athlete's export file (``calfcoach export --format json|csv``), as a download."""
    from calfcoach.services.transfer import document_to_csv, document_to_json, export_document

    if format not in FORMATS:
        message = f"format: {format!r} is not an export format; allowed: {', '.join(FORMATS)}"
        return _page(request, templates, database, athlete, 422, errors={"format": message})
    document = export_document(database, athlete)
    text = document_to_csv(document) if format == "csv" else document_to_json(document)
    filename = f"calfcoach-export-{dt.date.today().isoformat()}.{format}"
    return Response(
        text.encode("utf-8"),
        media_type=_MEDIA[format],
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@router.post("/export/import", response_class=HTMLResponse)
def import_upload(
    request: Request,
    templates: TemplatesDep,
    database: DatabaseDep,
    athlete: AthleteNameDep,
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
        result = replace(import_document(database, document), warnings=warnings)
    except CalfcoachError as error:
        return _page(
            request,
            templates,
            database,
            athlete,
            422,
            errors={"file": list(error.problems)},
            imported=None,
        )
    return _page(request, templates, database, athlete, imported=result)


@router.post("/export/calendar", response_class=HTMLResponse)
def calendar_address(
    request: Request,
    templates: TemplatesDep,
    database: DatabaseDep,
    athlete: AthleteNameDep,
    action: Annotated[str, Form()] = "",
) -> HTMLResponse:
    """Make (or rotate) the calendar address, shown once; or stop it."""
    from calfcoach.services.calendar_feed import new_calendar_token, stop_calendar_address

    if action == "rotate":
        token = new_calendar_token(database, athlete)
        address = str(request.url_for("calendar_feed", token=token))
        return _page(request, templates, database, athlete, calendar_address=address)
    if action == "stop":
        stopped = stop_calendar_address(database, athlete)
        return _page(request, templates, database, athlete, calendar_stopped=stopped)
    message = f"action: {action!r} is not an action; allowed: rotate, stop"
    return _page(request, templates, database, athlete, 422, errors={"calendar": message})


@router.get("/calendar/{token}.ics", name="calendar_feed", response_model=None)
def calendar_feed(database: DatabaseDep, token: str) -> Response:
    """The plan as iCalendar for a calendar app's subscription (the token is the secret)."""
    from calfcoach.services.calendar_feed import calendar_for_token

    try:
        body = calendar_for_token(database, token, dt.date.today())
    except NotFoundError as error:
        raise HTTPException(status_code=404, detail=str(error).capitalize()) from None
    return Response(
        body,
        media_type="text/calendar; charset=utf-8",
        headers={"Cache-Control": "private, max-age=300"},
    )


def _handout(database: Any, athlete: str) -> Any:
    from calfcoach.catalog import load_catalog
    from calfcoach.formats.handout import build_handout
    from calfcoach.services.training import current_plan

    current = current_plan(database, athlete, dt.date.today())
    units = current.athlete.profile.units
    return build_handout(current.plan, current.athlete.name, units, load_catalog())


@router.get("/export/handout", response_class=HTMLResponse)
def handout_page(
    request: Request, templates: TemplatesDep, database: DatabaseDep, athlete: AthleteNameDep
) -> HTMLResponse:
    """The plan and its exercises on a page made for printing (print CSS)."""
    context = {"title": "Plan handout", "handout": _handout(database, athlete)}
    return templates.TemplateResponse(request, "export/handout.html", context)


@router.get("/export/handout.pdf", response_model=None)
def handout_pdf_download(database: DatabaseDep, athlete: AthleteNameDep) -> Response:
    """The handout as a PDF (fpdf2)."""
    from calfcoach.formats.handout import handout_pdf

    body = handout_pdf(_handout(database, athlete))
    filename = f"calfcoach-plan-{dt.date.today().isoformat()}.pdf"
    return Response(
        body,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
