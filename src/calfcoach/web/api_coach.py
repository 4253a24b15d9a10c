"""The REST API of the coach's flows (issue 9, part 3): ``router`` (prefix ``/api/v1``),
beside ``api_v1`` and on its dependencies and problem+json errors.

    POST   /api/v1/coach/invitations                     InvitationOut (the token, once)
    GET    /api/v1/coach/athletes                        list[CoachedAthleteOut]
    POST   /api/v1/coach/invitations/{token}/accept      CoachOut (the athlete accepts)
    POST   /api/v1/coach/invitations/{token}/signup      SignUpOut (no account yet: makes one)
    GET    /api/v1/athletes/{athlete_id}/coaches         list[CoachOut]
    DELETE /api/v1/athletes/{athlete_id}/coaches/{coach_id}   204: the athlete leaves
    GET    /api/v1/athletes/{athlete_id}/notes?date=     DayNotesOut
    POST   /api/v1/athletes/{athlete_id}/notes           NoteOut (a coach's note/comment)
    GET    /api/v1/athletes/{athlete_id}/audit           list[AuditEventOut]
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from calfcoach.services import audit, coaching
from calfcoach.web.api_v1 import PROBLEMS, ActorDep, AthleteId, ContextDep, IsoDay, KeysOnce

__all__ = ["router"]

router = APIRouter(prefix="/api/v1", responses=PROBLEMS)
Token = Annotated[str, Path(max_length=100)]
CoachId = Annotated[int, Path(ge=1, le=2**31 - 1)]


class InvitationOut(BaseModel):
    token: str = Field(description="Shown once; only its SHA-256 is stored.")
    path: str = Field(description="The page the athlete opens: /coach/join/TOKEN.")
    expires_at: dt.datetime


class CoachOut(BaseModel):
    account_id: int
    name: str
    email: str


class SignUpIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=100)
    email: str = Field(min_length=3, max_length=254)
    password: str = Field(min_length=1, max_length=1024, description="At least 10 characters.")


class SignUpOut(BaseModel):
    account_id: int
    email: str
    name: str
    coach: CoachOut
    next: str = Field(
        description="What follows: sign in, then the profile questions (/welcome); the "
        "coach follows the athlete they add."
    )


class CoachedAthleteOut(BaseModel):
    athlete_id: int
    name: str


class NoteIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: str = Field(min_length=1, max_length=coaching.NOTE_MAX)
    date: dt.date | None = Field(
        default=None, description="A comment on that day's session; none: a note on the plan."
    )


class NoteOut(BaseModel):
    id: int
    coach: str
    date: dt.date | None
    text: str
    created_at: dt.datetime


class DayNotesOut(BaseModel):
    plan_note: NoteOut | None
    comments: list[NoteOut]


class AuditEventOut(BaseModel):
    at: dt.datetime
    who: str
    what: str
    before: Any
    after: Any


def _note(note: coaching.NoteOut) -> NoteOut:
    return NoteOut(
        id=note.id, coach=note.coach, date=note.day, text=note.text, created_at=note.created_at
    )


@router.post("/coach/invitations", response_model=InvitationOut, status_code=201, tags=["coach"])
def create_invitation(ctx: ContextDep, actor: ActorDep) -> InvitationOut:
    """A single-use invitation link for an athlete, valid for a week (a coach)."""
    made = coaching.create_invitation(ctx, actor)
    return InvitationOut(
        token=made.token, path=f"/coach/join/{made.token}", expires_at=made.expires_at
    )


@router.get("/coach/athletes", response_model=list[CoachedAthleteOut], tags=["coach"])
def coached_athletes(ctx: ContextDep, actor: ActorDep) -> list[CoachedAthleteOut]:
    """The athletes the coach follows now."""
    return [
        CoachedAthleteOut(athlete_id=a.athlete_id, name=a.name)
        for a in coaching.coached(ctx, actor)
    ]


@router.post("/coach/invitations/{token}/accept", response_model=CoachOut, tags=["coach"])
def accept_invitation(ctx: ContextDep, actor: ActorDep, token: Token) -> CoachOut:
    """The signed-in athlete accepts a coach's invitation (once)."""
    coach = coaching.accept_invitation(ctx, actor, token)
    return CoachOut(account_id=coach.account_id, name=coach.name, email=coach.email)


@router.post(
    "/coach/invitations/{token}/signup",
    response_model=SignUpOut,
    status_code=201,
    tags=["coach"],
    dependencies=[KeysOnce],
)
def sign_up(request: Request, ctx: ContextDep, token: Token, body: SignUpIn) -> SignUpOut:
    """A person without an account signs up through a coach's invitation (no token, no
    session): an athlete's account with this password; the invitation is used. Failures
    count toward the login's lockout (then 401, "too many failed logins", like the login).
    The session made is not handed out here: the
    client signs in (/login) and answers the profile questions."""
    from calfcoach.errors import ConflictError, NotFoundError, Problem
    from calfcoach.services.accounts import sign_up as sign_up_service
    from calfcoach.web.auth import client_ip

    if not request.app.state.settings.server:
        raise NotFoundError.about("token", "local single-user mode has no accounts")
    identity = getattr(request.state, "identity", None)
    if getattr(identity, "actor", None) is not None:
        raise ConflictError(
            Problem(
                "conflict",
                "signed in already: accept the invitation with this account instead",
                field="account",
            )
        )
    made = sign_up_service(
        ctx, token, body.name, body.email, body.password, client_ip(request), session=False
    )
    return SignUpOut(
        account_id=made.account.id,
        email=made.account.email,
        name=made.account.display_name,
        coach=CoachOut(
            account_id=made.coach.account_id, name=made.coach.name, email=made.coach.email
        ),
        next="/login",
    )


@router.get("/athletes/{athlete_id}/coaches", response_model=list[CoachOut], tags=["coach"])
def list_coaches(ctx: ContextDep, actor: ActorDep, athlete_id: AthleteId) -> list[CoachOut]:
    """The coaches who follow the athlete now."""
    return [
        CoachOut(account_id=c.account_id, name=c.name, email=c.email)
        for c in coaching.coaches_of(ctx, actor, athlete_id)
    ]


@router.delete("/athletes/{athlete_id}/coaches/{coach_id}", status_code=204, tags=["coach"])
def leave_coach(
    ctx: ContextDep, actor: ActorDep, athlete_id: AthleteId, coach_id: CoachId
) -> Response:
    """The athlete ends the coach's link: the coach's access ends at once."""
    coaching.leave_coach(ctx, actor, athlete_id, coach_id)
    return Response(status_code=204)


@router.get("/athletes/{athlete_id}/notes", response_model=DayNotesOut, tags=["coach"])
def day_notes(
    ctx: ContextDep,
    actor: ActorDep,
    athlete_id: AthleteId,
    date: Annotated[dt.date | None, Query(description="The day (default: today)."), IsoDay] = None,
) -> DayNotesOut:
    """The coach's latest note on the plan and the comments on the day's session."""
    found = coaching.notes_for(ctx, actor, athlete_id, date or ctx.today())
    return DayNotesOut(
        plan_note=_note(found.plan_note) if found.plan_note else None,
        comments=[_note(c) for c in found.comments],
    )


@router.post(
    "/athletes/{athlete_id}/notes",
    response_model=NoteOut,
    status_code=201,
    tags=["coach"],
    dependencies=[KeysOnce],
)
def add_note(ctx: ContextDep, actor: ActorDep, athlete_id: AthleteId, body: NoteIn) -> NoteOut:
    """A coach's note on the athlete's plan, or (``date``) a comment on that day's session."""
    return _note(coaching.add_note(ctx, actor, athlete_id, body.text, body.date))


@router.get("/athletes/{athlete_id}/audit", response_model=list[AuditEventOut], tags=["coach"])
def audit_trail(ctx: ContextDep, actor: ActorDep, athlete_id: AthleteId) -> list[AuditEventOut]:
    """Every change a coach made to the athlete, newest first: who, when, what, before and
    after."""
    return [
        AuditEventOut(at=e.at, who=e.who, what=e.what, before=e.before, after=e.after)
        for e in audit.trail(ctx, actor, athlete_id)
    ]
