"""The REST API of runs and watch workouts (issue 10, item 5): ``router`` (prefix
``/api/v1``), beside ``api_v1`` and on its dependencies and problem+json errors.

    GET  /api/v1/athletes/{athlete_id}/runs?from=&to=&offset=&limit=   Page[RunOut]
    POST /api/v1/athletes/{athlete_id}/runs         multipart ``files`` (.fit, .gpx, .tcx,
                                                    .gz, .zip), each at most 64 MiB and
                                                    256 MiB in all: RunImportOut
    GET  /api/v1/athletes/{athlete_id}/running-load?date=              RunningLoadOut
    GET  /api/v1/athletes/{athlete_id}/workout.fit?date=               the FIT workout
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, File, Query, Response, UploadFile

from calfcoach.errors import InputError
from calfcoach.services import runs
from calfcoach.services.schemas import (
    FileErrorOut,
    Page,
    RunImportOut,
    RunningLoadOut,
    RunOut,
)
from calfcoach.web.api_v1 import PROBLEMS, ActorDep, AthleteId, ContextDep, Day, Limit, Offset

__all__ = ["MAX_UPLOAD_BYTES", "MAX_UPLOAD_FILE_BYTES", "router"]

MAX_UPLOAD_FILE_BYTES = 64 * 1024 * 1024  # the readers' own limit of one file
MAX_UPLOAD_BYTES = 256 * 1024 * 1024
FIT_MEDIA_TYPE = "application/vnd.ant.fit"

router = APIRouter(prefix="/api/v1", tags=["runs"], responses=PROBLEMS)


@router.get("/athletes/{athlete_id}/runs", response_model=Page[RunOut])
def list_runs(
    ctx: ContextDep,
    actor: ActorDep,
    athlete_id: AthleteId,
    first: Annotated[dt.date | None, Query(alias="from", description="First day.")] = None,
    last: Annotated[dt.date | None, Query(alias="to", description="Last day.")] = None,
    offset: Offset = 0,
    limit: Limit = 50,
) -> Page[RunOut]:
    """The athlete's imported runs, oldest first."""
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
    report = runs.import_bytes(ctx, actor, athlete_id, uploaded)
    return RunImportOut(
        imported=report.imported,
        duplicates=report.duplicates,
        not_runs=report.not_runs,
        errors=[FileErrorOut(source=f.source, message=f.error or "") for f in report.errors],
        runs=list(report.runs),
    )


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
