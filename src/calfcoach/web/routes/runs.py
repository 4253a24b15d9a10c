"""Runs, the training calendar and watch workouts (issue 10, the web app's side).

    GET  /runs?from=&to=&offset=        the imported runs, weekly totals, the spike check
    POST /runs/upload                   activity files (FIT, GPX, TCX, zip): per-file outcome
    POST /runs/{run_id}/kind            correct a run's kind
    GET  /runs/calendar                 the planned runs and races, from today on
    POST /runs/calendar                 import an .ics file or an https address
    POST /runs/calendar/events/{id}     correct a planned event's kind or day
    GET  /today/workout.fit?date=       the day's session as a FIT workout (the watch)
    POST /today/strength                a watch's FIT strength activity, logged

Each action calls the same service function as its API twin (``web/api_runs.py``) and CLI
command. A refused action shows its message at the field with status 422, and nothing is
stored (the services check before they write, in one unit of work). The uploads work as
plain forms; ``static/js/upload.js`` adds the progress display (bytes sent) and shows the
answer in place.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from calfcoach.core.limits import read_iso_date
from calfcoach.errors import CalfcoachError, InputError, NotFoundError
from calfcoach.services import runs
from calfcoach.services.inputs import check_range
from calfcoach.web.api_runs import (
    FIT_MEDIA_TYPE,
    MAX_STRENGTH_UPLOAD_BYTES,
    calendar_input,
    read_upload,
    read_uploads,
)
from calfcoach.web.deps import ActorDep, AthleteIdDep, ContextDep, TemplatesDep
from calfcoach.web.forms import FormProblem
from calfcoach.web.forms import parse_date as parse_form_date
from calfcoach.web.routes.training import real_today, render_day
from calfcoach.web.views import field_errors

__all__ = ["hms", "router"]

router = APIRouter(include_in_schema=False)

PAGE_SIZE = 100
KIND_LABELS = {"easy": "Easy", "hard": "Hard", "long": "Long", "race": "Race"}
NOTICES = {
    "kind": "The run's kind was changed: the weekly load and the spike check follow it.",
    "event": "The planned event was changed.",
}


def hms(seconds: float | None) -> str:
    """A duration as h:mm:ss (``3725`` -> ``1:02:05``); empty for None."""
    if seconds is None:
        return ""
    whole = round(seconds)
    return f"{whole // 3600}:{whole % 3600 // 60:02d}:{whole % 60:02d}"


def _problems(error: CalfcoachError) -> list[str]:
    return [p.text() for p in error.details]


# ---------------------------------------------------------------------------- runs page


def _runs_page(
    request: Request,
    templates: TemplatesDep,
    ctx: ContextDep,
    actor: ActorDep,
    athlete: int,
    *,
    first_text: str | None = None,
    last_text: str | None = None,
    offset: int | None = None,
    status: int = 200,
    errors: dict[str, Any] | None = None,
    **context: Any,
) -> HTMLResponse:
    errors = dict(errors or {})
    first = last = None
    try:
        first = parse_form_date("from", first_text) if first_text else None
    except FormProblem as problem:
        errors["from"], status = problem.message, 422
    try:
        last = parse_form_date("to", last_text) if last_text else None
    except FormProblem as problem:
        errors["to"], status = problem.message, 422
    listed = None
    try:
        check_range(first, last, "from", "to")  # the form's names (the service checks too)
        if offset is None:  # the latest runs first seen: the last page of the list
            total = runs.list_runs(ctx, actor, athlete, first, last, limit=1).total
            offset = max(0, total - PAGE_SIZE)
        listed = runs.list_runs(ctx, actor, athlete, first, last, offset=offset, limit=PAGE_SIZE)
    except CalfcoachError as error:
        errors.update(
            field_errors(error.details, {"from", "to", "offset"}, rename={"to_date": "to"})
        )
        status = 422
    today = real_today()
    base: dict[str, Any] = {
        "title": "Runs",
        "runs": listed,
        "load": runs.running_load(ctx, actor, athlete, today),
        "today": today,
        "first": first_text or "",
        "last": last_text or "",
        "offset": offset,
        "page_size": PAGE_SIZE,
        "kinds": runs.RUN_KINDS,
        "kind_labels": KIND_LABELS,
        "hms": hms,
        "errors": errors,
        "upload": None,
        "notice": None,
    }
    base.update(context)
    return templates.TemplateResponse(request, "runs/runs.html", base, status_code=status)


@router.get("/runs", response_class=HTMLResponse)
def runs_page(
    request: Request,
    templates: TemplatesDep,
    ctx: ContextDep,
    actor: ActorDep,
    athlete: AthleteIdDep,
    done: str | None = None,
    offset: str | None = None,
) -> HTMLResponse:
    """The imported runs (filtered by from/to), weekly totals and the running-load spike
    check (RUN-SPIKE-1), each run's kind editable; the upload form."""
    first_text = request.query_params.get("from")
    last_text = request.query_params.get("to")
    start = None
    errors: dict[str, Any] = {}
    if offset:
        try:
            start = max(0, int(offset))
        except ValueError:
            errors["offset"] = f"{offset[:20]!r} is not a whole number; allowed: 0 or more"
    return _runs_page(
        request, templates, ctx, actor, athlete,
        first_text=first_text, last_text=last_text, offset=start,
        status=422 if errors else 200, errors=errors, notice=NOTICES.get(done or ""),
    )  # fmt: skip


@router.post("/runs/upload", response_class=HTMLResponse)
async def runs_upload(
    request: Request,
    templates: TemplatesDep,
    ctx: ContextDep,
    actor: ActorDep,
    athlete: AthleteIdDep,
    files: Annotated[list[UploadFile] | None, File()] = None,
) -> HTMLResponse:
    """Import uploaded activity files (the API's ``POST .../runs``): the good ones stored,
    each file's outcome shown (imported, duplicate, not a run, or its error)."""
    chosen = [f for f in files or [] if f.filename]
    try:
        if not chosen:
            raise InputError.about(
                "files", "no file given", allowed="activity files (.fit, .gpx, .tcx) or zips"
            )
        uploaded = await read_uploads(chosen)
        report = runs.import_out(runs.import_bytes(ctx, actor, athlete, uploaded))
    except CalfcoachError as error:
        return _runs_page(
            request, templates, ctx, actor, athlete, status=422,
            errors={"files": _problems(error)},
        )  # fmt: skip
    # Every file refused: the upload as a whole is bad input (422), each file's message shown.
    refused = bool(report.files) and all(f.outcome == "error" for f in report.files)
    return _runs_page(
        request, templates, ctx, actor, athlete, upload=report, status=422 if refused else 200
    )


@router.post("/runs/{run_id}/kind", response_class=HTMLResponse)
async def run_kind_post(
    request: Request,
    templates: TemplatesDep,
    ctx: ContextDep,
    actor: ActorDep,
    athlete: AthleteIdDep,
    run_id: int,
    kind: Annotated[str, Form()] = "",
    first: Annotated[str, Form(alias="from")] = "",
    last: Annotated[str, Form(alias="to")] = "",
) -> Response:
    """Correct one run's kind; back to the list it was on."""
    try:
        runs.set_run_kind(ctx, actor, athlete, run_id, kind)
    except CalfcoachError as error:
        message = " ".join(p.text("") for p in error.details)
        return _runs_page(
            request, templates, ctx, actor, athlete, first_text=first or None,
            last_text=last or None, status=404 if isinstance(error, NotFoundError) else 422,
            errors={f"run-{run_id}": message, "kind_run": run_id},
        )  # fmt: skip
    query = "&".join(f"{k}={v}" for k, v in (("from", first), ("to", last)) if _iso(v))
    return RedirectResponse(f"/runs?done=kind{'&' + query if query else ''}", status_code=303)


def _iso(text: str) -> bool:
    try:
        read_iso_date(text)
    except ValueError:
        return False
    return True


# ---------------------------------------------------------------------------- calendar


def _calendar_page(
    request: Request,
    templates: TemplatesDep,
    ctx: ContextDep,
    actor: ActorDep,
    athlete: int,
    *,
    status: int = 200,
    **context: Any,
) -> HTMLResponse:
    from calfcoach.services.schemas import MAX_PAGE

    today = real_today()
    base: dict[str, Any] = {
        "title": "Training calendar",
        "events": runs.list_events(ctx, actor, athlete, today, None, limit=MAX_PAGE),
        "today": today,
        "last_day": today + dt.timedelta(days=runs.CALENDAR_FUTURE_DAYS),
        "kinds": runs.EVENT_KINDS,
        "kind_labels": KIND_LABELS,
        "errors": {},
        "values": {},
        "imported": None,
        "notice": None,
    }
    base.update(context)
    return templates.TemplateResponse(request, "runs/calendar.html", base, status_code=status)


@router.get("/runs/calendar", response_class=HTMLResponse)
def calendar_page(
    request: Request,
    templates: TemplatesDep,
    ctx: ContextDep,
    actor: ActorDep,
    athlete: AthleteIdDep,
    done: str | None = None,
) -> HTMLResponse:
    """The planned runs and races from today on, each editable; the import form."""
    return _calendar_page(request, templates, ctx, actor, athlete, notice=NOTICES.get(done or ""))


@router.post("/runs/calendar", response_class=HTMLResponse)
async def calendar_import(
    request: Request,
    templates: TemplatesDep,
    ctx: ContextDep,
    actor: ActorDep,
    athlete: AthleteIdDep,
    file: Annotated[UploadFile | None, File()] = None,
    url: Annotated[str | None, Form()] = None,
) -> HTMLResponse:
    """Import a training calendar from an .ics file or an https address (the API's
    ``POST .../calendar``): one clear message and nothing stored when it cannot be read."""
    try:
        data, source = await calendar_input(file, url)
        report = runs.import_calendar(ctx, actor, athlete, source, today=real_today(), data=data)
    except CalfcoachError as error:
        return _calendar_page(
            request, templates, ctx, actor, athlete, status=422,
            errors={"calendar": _problems(error)}, values={"url": (url or "")[:500]},
        )  # fmt: skip
    return _calendar_page(
        request, templates, ctx, actor, athlete, imported=runs.calendar_out(report)
    )


@router.post("/runs/calendar/events/{event_id}", response_class=HTMLResponse)
async def event_post(
    request: Request,
    templates: TemplatesDep,
    ctx: ContextDep,
    actor: ActorDep,
    athlete: AthleteIdDep,
    event_id: int,
    kind: Annotated[str, Form()] = "",
    date: Annotated[str, Form()] = "",
) -> Response:
    """Correct a planned event's kind or move it to another day (today or later)."""
    key = f"event-{event_id}"
    try:
        day = parse_form_date("date", date) if date.strip() else None
        runs.edit_event(
            ctx, actor, athlete, event_id, today=real_today(), kind=kind or None, date=day
        )
    except FormProblem as problem:
        errors: dict[str, Any] = {key: {"date": problem.message}}
        return _calendar_page(request, templates, ctx, actor, athlete, status=422, errors=errors)
    except CalfcoachError as error:
        at = field_errors(error.details, {"kind", "date"}, default="event")
        status = 404 if isinstance(error, NotFoundError) else 422
        errors = {key: at} if not isinstance(error, NotFoundError) else {"event": at["event"]}
        return _calendar_page(
            request, templates, ctx, actor, athlete, status=status, errors=errors,
            values={key: {"kind": kind, "date": date}},
        )  # fmt: skip
    return RedirectResponse("/runs/calendar?done=event", status_code=303)


# ---------------------------------------------------------------------------- watch


@router.get("/today/workout.fit", response_model=None)
def workout_download(
    ctx: ContextDep, actor: ActorDep, athlete: AthleteIdDep, date: str | None = None
) -> Response:
    """The day's session as a FIT workout file (the bytes of the API's ``workout.fit``)."""
    try:
        day = parse_form_date("date", date, real_today())
    except FormProblem as problem:
        raise HTTPException(status_code=422, detail=f"date: {problem.message}") from None
    try:
        data = runs.workout_fit(ctx, actor, athlete, day)
    except NotFoundError as error:
        detail = error.details[0].message
        raise HTTPException(status_code=404, detail=detail[:1].upper() + detail[1:]) from None
    except CalfcoachError as error:
        raise HTTPException(status_code=422, detail=" ".join(error.problems)) from None
    return Response(
        content=data,
        media_type=FIT_MEDIA_TYPE,
        headers={"Content-Disposition": f'attachment; filename="calfcoach-{day}.fit"'},
    )


@router.post("/today/strength", response_class=HTMLResponse)
async def strength_upload(
    request: Request,
    templates: TemplatesDep,
    ctx: ContextDep,
    actor: ActorDep,
    athlete: AthleteIdDep,
    file: Annotated[UploadFile | None, File()] = None,
    date: Annotated[str, Form()] = "",
) -> HTMLResponse:
    """Log a watch's FIT strength activity (its sets and jump count; the API's
    ``POST .../strength-activities``); Today of the activity's day shows what was logged."""
    today = real_today()
    try:
        page_day = parse_form_date("date", date, today)
    except FormProblem:
        page_day = today
    try:
        data = await read_upload(file, "file", MAX_STRENGTH_UPLOAD_BYTES, "a FIT strength activity")
        assert file is not None
        report = runs.import_strength_fit(
            ctx, actor, athlete, data, today=today, source=file.filename or "workout.fit"
        )
    except CalfcoachError as error:
        return render_day(
            request, templates, ctx, actor, athlete, page_day, "today/today.html",
            errors={"strength": _problems(error)}, status_code=422,
        )  # fmt: skip
    return render_day(
        request, templates, ctx, actor, athlete, report.date, "today/today.html",
        extra={"strength": runs.strength_out(report)},
    )  # fmt: skip
