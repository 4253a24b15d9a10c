"""The REST API of the roster and of deleting an athlete's data (issue 9, parts 4 and 5):
``router`` (prefix ``/api/v1``), beside ``api_v1`` and on its dependencies and problem+json
errors.

    GET    /api/v1/roster?sort=&descending=&show=&q=&offset=&limit=    Page[RosterRowOut]
    DELETE /api/v1/athletes/{athlete_id}?confirm=NAME                  AthleteDeletedOut
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from calfcoach.services.roster import roster
from calfcoach.services.schemas import AthleteDeletedOut, Page, RosterRowOut, page_of
from calfcoach.web.api_v1 import PROBLEMS, ActorDep, AthleteId, ContextDep, Limit, Offset

__all__ = ["router"]

router = APIRouter(prefix="/api/v1", responses=PROBLEMS)


@router.get("/roster", response_model=Page[RosterRowOut], tags=["roster"])
def get_roster(
    ctx: ContextDep,
    actor: ActorDep,
    sort: Annotated[
        str,
        Query(
            max_length=20,
            description="attention (default: red flags, stopped plans, flares first), name, "
            "adherence_2w, adherence_6w, last_session, pain, next_retest or inactive.",
        ),
    ] = "attention",
    descending: Annotated[bool, Query(description="Reverse the order.")] = False,
    show: Annotated[str, Query(max_length=20, description="all, attention or stopped.")] = "all",
    q: Annotated[str | None, Query(max_length=100, description="Name contains.")] = None,
    offset: Offset = 0,
    limit: Limit = 50,
) -> dict[str, Any]:
    """One row per athlete the caller may see, as of today: adherence over 2 and 6 weeks,
    the last session, the pain trend against the usual (R-PAIN-2), flares (R-PAIN-2b), red
    flags and stops (R-PAIN-2a), the next capacity retest and the days since the last
    activity."""
    rows = roster(ctx, actor, sort=sort, descending=descending, show=show, name=q or None)
    return page_of(rows, offset, limit)


@router.delete("/athletes/{athlete_id}", response_model=AthleteDeletedOut, tags=["athletes"])
def delete_athlete(
    ctx: ContextDep,
    actor: ActorDep,
    athlete_id: AthleteId,
    confirm: Annotated[
        str | None,
        Query(max_length=200, description="The athlete's name: confirms the deletion."),
    ] = None,
) -> AthleteDeletedOut:
    """Delete the athlete and all their data for good (every row of every table that refers
    to them), once ``confirm`` is their name; export it first (``/export``)."""
    from calfcoach.services.privacy import delete_athlete_data

    removed = delete_athlete_data(ctx, actor, athlete_id, confirm=confirm)
    return AthleteDeletedOut(name=removed.name, rows=removed.rows)
