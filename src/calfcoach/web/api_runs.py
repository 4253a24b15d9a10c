"""The REST API of runs and watch workouts (issue 10, item 5): ``router`` (prefix
``/api/v1``), beside ``api_v1`` and on its dependencies and problem+json errors.

    GET  /api/v1/athletes/{athlete_id}/runs?from=&to=&offset=&limit=   Page[RunOut]
    POST /api/v1/athletes/{athlete_id}/runs         multipart ``files`` (.fit, .gpx, .tcx,
                                                    .gz, .zip), each at most 64 MiB and
                                                    256 MiB in all: RunImportOut
    PATCH /api/v1/athletes/{athlete_id}/runs/{run_id}   {"kind": ...}: RunOut
    GET  /api/v1/athletes/{athlete_id}/running-load?date=              RunningLoadOut
    GET  /api/v1/athletes/{athlete_id}/workout.fit?date=               the FIT workout
    POST /api/v1/athletes/{athlete_id}/calendar     multipart ``file`` (.ics) or form
                                                    ``url`` (https): CalendarImportOut
    GET  /api/v1/athletes/{athlete_id}/events?from=&to=&offset=&limit= Page[PlannedEventOut]
    PATCH /api/v1/athletes/{athlete_id}/events/{event_id}   {"kind", "date"}: PlannedEventOut
    POST /api/v1/athletes/{athlete_id}/strength-activities  multipart ``file`` (a FIT
                                                    strength activity): StrengthImportOut

Each is the twin of a page action (``web/routes/runs.py``) and a CLI command.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, File, Form, Path, Query, Response, UploadFile
from pydantic import BaseModel, ConfigDict, Field

from calfcoach.errors import InputError
from calfcoach.services import import_model, runs
from calfcoach.services.inputs import check_range
from calfcoach.services.schemas import (
    CalendarImportOut,
    Page,
    PlannedEventOut,
    RunImportOut,
    RunningLoadOut,
    RunOut,
    StrengthImportOut,
)
from calfcoach.web.api_v1 import (
    PROBLEMS,
    ActorDep,
    AthleteId,
    ContextDep,
    Day,
    IsoDay,
    KeysOnce,
    Limit,
    Offset,
)

__all__ = [
    "MAX_CALENDAR_UPLOAD_BYTES",
    "MAX_STRENGTH_UPLOAD_BYTES",
    "MAX_UPLOAD_BYTES",
    "MAX_UPLOAD_FILE_BYTES",
    "read_upload",
    "router",
    "upload_limits",
]

MAX_UPLOAD_FILE_BYTES = 64 * 1024 * 1024  # the readers' own limit of one file
MAX_UPLOAD_BYTES = 256 * 1024 * 1024
MAX_CALENDAR_UPLOAD_BYTES = 5 * 1024 * 1024
"""formats.calendar_import.MAX_CALENDAR_BYTES (not imported here: it loads icalendar)."""
MAX_STRENGTH_UPLOAD_BYTES = 4 * 1024 * 1024
"""A strength activity of an hour is a few tens of KB; 4 MiB leaves room for any watch."""
FIT_MEDIA_TYPE = "application/vnd.ant.fit"

router = APIRouter(prefix="/api/v1", tags=["runs"], responses=PROBLEMS)


@router.get("/athletes/{athlete_id}/runs", response_model=Page[RunOut])
def list_runs(
    ctx: ContextDep,
    actor: ActorDep,
    athlete_id: AthleteId,
    first: Annotated[dt.date | None, Query(alias="from", description="First day."), IsoDay] = None,
    last: Annotated[dt.date | None, Query(alias="to", description="Last day."), IsoDay] = None,
    offset: Offset = 0,
    limit: Limit = 50,
) -> Page[RunOut]:
    """The athlete's imported runs, oldest first."""
    check_range(first, last, "from", "to")  # named as the query names them
    return runs.list_runs(ctx, actor, athlete_id, first, last, offset=offset, limit=limit)


@router.post("/athletes/{athlete_id}/runs", response_model=RunImportOut)
async def upload_runs(
    ctx: ContextDep,
    actor: ActorDep,
    athlete_id: AthleteId,
    files: Annotated[list[UploadFile], File(description="Activity files or zip archives.")],
) -> RunImportOut:
    """Import uploaded activity files: duplicates recognised, each bad file one error
    while the others are stored."""
    uploaded = await read_uploads(files)
    return runs.import_out(runs.import_bytes(ctx, actor, athlete_id, uploaded))


async def read_uploads(files: list[UploadFile]) -> list[tuple[str, bytes]]:
    """The uploaded activity files as (name, content), each at most
    ``MAX_UPLOAD_FILE_BYTES`` and ``MAX_UPLOAD_BYTES`` in all; ``InputError`` otherwise (the
    page's upload and the API's)."""
    uploaded: list[tuple[str, bytes]] = []
    total = 0
    for upload in files:
        name = upload.filename or "upload"
        data = await upload.read(MAX_UPLOAD_FILE_BYTES + 1)
        if len(data) > MAX_UPLOAD_FILE_BYTES:
            raise InputError.about(
                "files",
                f"{name} is larger than {MAX_UPLOAD_FILE_BYTES:,} bytes",
                value=name,
                allowed=f"files of at most {MAX_UPLOAD_FILE_BYTES:,} bytes",
            )
        total += len(data)
        if total > MAX_UPLOAD_BYTES:
            raise InputError.about(
                "files",
                f"the upload is larger than {MAX_UPLOAD_BYTES:,} bytes",
                allowed=f"at most {MAX_UPLOAD_BYTES:,} bytes in one upload",
            )
        uploaded.append((name, data))
    return uploaded


async def read_upload(upload: UploadFile | None, field: str, limit: int, allowed: str) -> bytes:
    """One uploaded file's content: ``InputError`` at ``field`` when it is missing, empty or
    larger than ``limit`` bytes."""
    if upload is None or not upload.filename:
        raise InputError.about(field, "no file given", allowed=allowed)
    data = await upload.read(limit + 1)
    if len(data) > limit:
        raise InputError.about(
            field,
            f"{upload.filename} is larger than {limit:,} bytes",
            value=upload.filename,
            allowed=f"at most {limit:,} bytes",
        )
    if not data:
        raise InputError.about(
            field, f"{upload.filename} is empty", value=upload.filename, allowed=allowed
        )
    return data


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RunKindIn(_In):
    kind: str = Field(description="easy, hard or long.")


class EventChangeIn(_In):
    kind: str | None = Field(default=None, description="easy, hard, long or race.")
    date: Annotated[dt.date | None, import_model.body_date(optional=True)] = Field(
        default=None, description="The new day (today or later)."
    )  # YYYY-MM-DD only: pydantic alone reads 1764806400 as a Unix time


def upload_limits() -> dict[str, int]:
    """The most bytes each upload form may send (its files; the multipart envelope is
    allowed on top): what the pages' progress script checks before it sends anything."""
    return {
        "upload": MAX_UPLOAD_BYTES,
        "calendar": MAX_CALENDAR_UPLOAD_BYTES,
        "strength": MAX_STRENGTH_UPLOAD_BYTES,
    }


_ID = import_model.query_whole(1, 2**31 - 1)  # "0 is out of range; allowed: 1-2147483647"
RunId = Annotated[int, Path(ge=1, le=2**31 - 1, description="The run's id (runs list)."), _ID]
EventId = Annotated[int, Path(ge=1, le=2**31 - 1, description="The planned event's id."), _ID]


@router.patch(
    "/athletes/{athlete_id}/runs/{run_id}", response_model=RunOut, dependencies=[KeysOnce]
)
def set_run_kind(
    ctx: ContextDep, actor: ActorDep, athlete_id: AthleteId, run_id: RunId, body: RunKindIn
) -> RunOut:
    """Correct a run's kind (``calfcoach runs kind``): used by the weekly load and the spike
    check; an estimated load follows the new kind."""
    return runs.set_run_kind(ctx, actor, athlete_id, run_id, body.kind)


@router.get("/athletes/{athlete_id}/running-load", response_model=RunningLoadOut)
def running_load(
    ctx: ContextDep, actor: ActorDep, athlete_id: AthleteId, date: Day = None
) -> RunningLoadOut:
    """Weekly running totals and the running-load spike check (RUN-SPIKE-1)."""
    return runs.running_load(ctx, actor, athlete_id, date or ctx.today())


@router.get(
    "/athletes/{athlete_id}/workout.fit",
    response_class=Response,
    responses={200: {"content": {FIT_MEDIA_TYPE: {}}}},
)
def workout_fit(
    ctx: ContextDep, actor: ActorDep, athlete_id: AthleteId, date: Day = None
) -> Response:
    """The day's strength session as a FIT workout file (404 on a rest day)."""
    day = date or ctx.today()
    data = runs.workout_fit(ctx, actor, athlete_id, day)
    return Response(
        content=data,
        media_type=FIT_MEDIA_TYPE,
        headers={"Content-Disposition": f'attachment; filename="calfcoach-{day}.fit"'},
    )


@router.post("/athletes/{athlete_id}/calendar", response_model=CalendarImportOut)
async def import_calendar(
    ctx: ContextDep,
    actor: ActorDep,
    athlete_id: AthleteId,
    file: Annotated[UploadFile | None, File(description="An .ics calendar file.")] = None,
    url: Annotated[str | None, Form(description="Or an https address of the calendar.")] = None,
) -> CalendarImportOut:
    """Import a training calendar (``calfcoach calendar import``): its runs and races from
    4 weeks back to a year ahead, kinds guessed from the titles. Give a file or an address,
    not both. A re-import of the same calendar replaces its events."""
    data, source = await calendar_input(file, url)
    report = runs.import_calendar(ctx, actor, athlete_id, source, today=ctx.today(), data=data)
    return runs.calendar_out(report)


async def calendar_input(file: UploadFile | None, url: str | None) -> tuple[bytes | None, str]:
    """(the uploaded file's content, its name) or (None, the address): one of the two."""
    has_file = file is not None and bool(file.filename)
    has_url = bool(url and url.strip())
    if has_file == has_url:
        raise InputError.about(
            "calendar",
            "both a file and an address given" if has_file else "no file or address given",
            allowed="an .ics file or an https address (one of the two)",
        )
    if has_file:
        assert file is not None and file.filename
        allowed = "an .ics calendar file"
        return await read_upload(file, "calendar", MAX_CALENDAR_UPLOAD_BYTES, allowed), (
            file.filename
        )
    assert url is not None
    return None, url.strip()


@router.get("/athletes/{athlete_id}/events", response_model=Page[PlannedEventOut])
def list_events(
    ctx: ContextDep,
    actor: ActorDep,
    athlete_id: AthleteId,
    first: Annotated[dt.date | None, Query(alias="from", description="First day."), IsoDay] = None,
    last: Annotated[dt.date | None, Query(alias="to", description="Last day."), IsoDay] = None,
    offset: Offset = 0,
    limit: Limit = 50,
) -> Page[PlannedEventOut]:
    """The planned runs and races of the athlete's imported calendars, by date."""
    check_range(first, last, "from", "to")  # named as the query names them
    return runs.list_events(ctx, actor, athlete_id, first, last, offset=offset, limit=limit)


@router.patch(
    "/athletes/{athlete_id}/events/{event_id}",
    response_model=PlannedEventOut,
    dependencies=[KeysOnce],
)
def edit_event(
    ctx: ContextDep,
    actor: ActorDep,
    athlete_id: AthleteId,
    event_id: EventId,
    body: EventChangeIn,
) -> PlannedEventOut:
    """Correct a planned event's kind or move it to another day (today or later)."""
    return runs.edit_event(
        ctx, actor, athlete_id, event_id, today=ctx.today(), kind=body.kind, date=body.date
    )


@router.post("/athletes/{athlete_id}/strength-activities", response_model=StrengthImportOut)
async def import_strength(
    ctx: ContextDep,
    actor: ActorDep,
    athlete_id: AthleteId,
    file: Annotated[UploadFile | None, File(description="A FIT strength activity.")] = None,
) -> StrengthImportOut:
    """Log the sets and jump count of a watch's FIT strength activity (``calfcoach log
    import``); a file imported again stores nothing twice."""
    allowed = "a FIT strength activity"
    data = await read_upload(file, "file", MAX_STRENGTH_UPLOAD_BYTES, allowed)
    assert file is not None
    report = runs.import_strength_fit(
        ctx, actor, athlete_id, data, today=ctx.today(), source=file.filename or "workout.fit"
    )
    return runs.strength_out(report)
