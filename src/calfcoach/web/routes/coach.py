"""The coach's pages (issue 9, part 3) and the athlete's side of them.

    GET  /coach                        a coach: the athletes followed, make an invitation
    POST /coach/invitations            a new invitation link (shown once)
    GET  /coach/join/{token}           an athlete (signed in): accept the coach?
    POST /coach/join/{token}           accept: the coach follows the athlete from now
    POST /coach/note                   the coach's note on the shown athlete's plan, or a
                                       comment on a day (``day``), then back to the plan
    GET  /account/coaches              the athlete's coaches, each with "leave"
    POST /account/coaches/{id}/leave   end that coach's access at once
    GET  /account/audit                what coaches changed, before and after

The services decide who may do what (``services/coaching.py``, ``services/audit.py``).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated, Any

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from calfcoach.errors import CalfcoachError, InputError
from calfcoach.services import audit, coaching
from calfcoach.web.deps import ActorDep, AthleteIdDep, ContextDep, SettingsDep, TemplatesDep

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
Token = Annotated[str, Path(max_length=100)]
AccountId = Annotated[int, Path(ge=1, le=2**31 - 1)]


def _coach_page(
    request: Request,
    templates: TemplatesDep,
    ctx: ContextDep,
    actor: ActorDep,
    link: str | None = None,
    expires: dt.datetime | None = None,
) -> HTMLResponse:
    athletes = coaching.coached(ctx, actor)
    context = {"title": "Your athletes", "athletes": athletes, "link": link, "expires": expires}
    return templates.TemplateResponse(request, "coach/coach.html", context)


@router.get("/coach", response_class=HTMLResponse)
def coach_page(
    request: Request, templates: TemplatesDep, ctx: ContextDep, actor: ActorDep
) -> HTMLResponse:
    return _coach_page(request, templates, ctx, actor)


@router.post("/coach/invitations", response_class=HTMLResponse)
def invitation_create(
    request: Request,
    templates: TemplatesDep,
    ctx: ContextDep,
    actor: ActorDep,
    settings: SettingsDep,
) -> HTMLResponse:
    made = coaching.create_invitation(ctx, actor)
    base = (settings.public_url or str(request.base_url)).rstrip("/")
    link = f"{base}/coach/join/{made.token}"
    return _coach_page(request, templates, ctx, actor, link, made.expires_at)


@router.get("/coach/join/{token}", response_class=HTMLResponse)
def join_page(
    request: Request, templates: TemplatesDep, ctx: ContextDep, token: Token
) -> HTMLResponse:
    try:
        coach = coaching.invitation_coach(ctx, token)
    except CalfcoachError as exc:
        raise StarletteHTTPException(404, exc.details[0].message) from None
    context = {"title": "A coach invites you", "coach": coach, "action": f"/coach/join/{token}"}
    return templates.TemplateResponse(request, "coach/join.html", context)


@router.post("/coach/join/{token}", response_model=None)
def join_submit(ctx: ContextDep, actor: ActorDep, token: Token) -> Response:
    try:
        coaching.accept_invitation(ctx, actor, token)
    except CalfcoachError as exc:
        if exc.code == "not_found":
            raise StarletteHTTPException(404, exc.details[0].message) from None
        raise
    return RedirectResponse("/account/coaches", status_code=303)


@router.post("/coach/note", response_model=None)
def note_submit(
    request: Request,
    templates: TemplatesDep,
    ctx: ContextDep,
    actor: ActorDep,
    athlete_id: AthleteIdDep,
    text: Annotated[str, Form(max_length=coaching.NOTE_MAX + 100)] = "",
    day: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    try:
        try:
            on = dt.date.fromisoformat(day) if day else None
        except ValueError:
            raise InputError.about(
                "day", "is not a date", value=day, allowed="YYYY-MM-DD"
            ) from None
        coaching.add_note(ctx, actor, athlete_id, text, on)
    except InputError as error:  # the note is not sent; the page says why
        context = {"title": "Invalid input", "detail": " ".join(error.problems), "status": 422}
        return templates.TemplateResponse(request, "error.html", context, status_code=422)
    return RedirectResponse("/plan" if on is None else f"/plan#day-{day}", status_code=303)


@router.get("/account/coaches", response_class=HTMLResponse)
def coaches_page(
    request: Request,
    templates: TemplatesDep,
    ctx: ContextDep,
    actor: ActorDep,
    athlete_id: AthleteIdDep,
) -> HTMLResponse:
    coaches = coaching.coaches_of(ctx, actor, athlete_id)
    context = {"title": "Your coaches", "coaches": coaches}
    return templates.TemplateResponse(request, "coach/coaches.html", context)


@router.post("/account/coaches/{coach_id}/leave", response_model=None)
def leave_submit(
    ctx: ContextDep, actor: ActorDep, athlete_id: AthleteIdDep, coach_id: AccountId
) -> Response:
    coaching.leave_coach(ctx, actor, athlete_id, coach_id)
    return RedirectResponse("/account/coaches", status_code=303)


def _shown(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True) if value is not None else "-"


@router.get("/account/audit", response_class=HTMLResponse)
def audit_page(
    request: Request,
    templates: TemplatesDep,
    ctx: ContextDep,
    actor: ActorDep,
    athlete_id: AthleteIdDep,
) -> HTMLResponse:
    events = audit.trail(ctx, actor, athlete_id)
    rows = [(e.at, e.who, e.what, _shown(e.before), _shown(e.after)) for e in events]
    context = {"title": "Changes by your coaches", "rows": rows}
    return templates.TemplateResponse(request, "coach/audit.html", context)
