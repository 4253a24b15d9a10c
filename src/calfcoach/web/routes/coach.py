"""The coach's pages (issue 9, part 3) and the athlete's side of them.

    GET  /coach                        a coach: the athletes followed, make an invitation
    POST /coach/invitations            a new invitation link (shown once)
    GET  /coach/join/{token}           an athlete (signed in): accept the coach? Anybody
                                       else (server mode): the sign-up form
    POST /coach/join/{token}           accept: the coach follows the athlete from now
    POST /coach/join/{token}/signup    a person without an account: the account, signed
                                       in, then onboarding (D-115)
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

from calfcoach.core.limits import read_iso_date
from calfcoach.errors import CalfcoachError, ConflictError, InputError, Problem
from calfcoach.services import audit, coaching
from calfcoach.web.auth import (
    check_presession_csrf,
    client_ip,
    cookie_name,
    presession_csrf,
    set_presession_cookie,
)
from calfcoach.web.deps import ActorDep, AthleteIdDep, ContextDep, SettingsDep, TemplatesDep

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
Token = Annotated[str, Path(max_length=100)]
AccountId = Annotated[int, Path(ge=1, le=2**31 - 1)]


LOCAL_MODE_COACH = (
    "Coach pages are part of server mode (calfcoach serve --server), for a coach's account; "
    "local single-user mode has no accounts."
)


def _server_mode_only(request: Request) -> None:
    """A coach's page in local single-user mode: a 404 that says why, not an error."""
    if not request.app.state.settings.server:
        raise StarletteHTTPException(404, LOCAL_MODE_COACH)


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
    _server_mode_only(request)
    return _coach_page(request, templates, ctx, actor)


@router.post("/coach/invitations", response_class=HTMLResponse)
def invitation_create(
    request: Request,
    templates: TemplatesDep,
    ctx: ContextDep,
    actor: ActorDep,
    settings: SettingsDep,
) -> HTMLResponse:
    _server_mode_only(request)
    made = coaching.create_invitation(ctx, actor)
    base = (settings.public_url or str(request.base_url)).rstrip("/")
    link = f"{base}/coach/join/{made.token}"
    return _coach_page(request, templates, ctx, actor, link, made.expires_at)


def _signup_page(
    request: Request,
    templates: TemplatesDep,
    coach: coaching.CoachOut,
    token: str,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    csrf, fresh = presession_csrf(request)
    context = {
        "title": "A coach invites you",
        "coach": coach,
        "action": f"/coach/join/{token}/signup",
        "login": f"/login?next=/coach/join/{token}",
        "presession_csrf": csrf,
        "errors": errors or {},
        "values": values or {},
    }
    response = templates.TemplateResponse(
        request, "coach/signup.html", context, status_code=status_code
    )
    if fresh is not None:
        set_presession_cookie(request, response, fresh)
    return response


def _anonymous(request: Request) -> bool:
    identity = getattr(request.state, "identity", None)
    return request.app.state.settings.server and getattr(identity, "actor", None) is None


@router.get("/coach/join/{token}", response_class=HTMLResponse)
def join_page(
    request: Request, templates: TemplatesDep, ctx: ContextDep, token: Token
) -> HTMLResponse:
    try:
        coach = coaching.invitation_coach(ctx, token)
    except CalfcoachError as exc:
        raise StarletteHTTPException(404, exc.details[0].message) from None
    if _anonymous(request):  # no account yet: sign up and accept in one go
        return _signup_page(request, templates, coach, token)
    context = {"title": "A coach invites you", "coach": coach, "action": f"/coach/join/{token}"}
    return templates.TemplateResponse(request, "coach/join.html", context)


@router.post("/coach/join/{token}", response_model=None)
def join_submit(request: Request, ctx: ContextDep, actor: ActorDep, token: Token) -> Response:
    if _anonymous(request):  # accepting is an account's act: sign in first, then back here
        return RedirectResponse(f"/login?next=/coach/join/{token}", status_code=303)
    try:
        coaching.accept_invitation(ctx, actor, token)
    except CalfcoachError as exc:
        if exc.code == "not_found":
            raise StarletteHTTPException(404, exc.details[0].message) from None
        raise
    return RedirectResponse("/account/coaches", status_code=303)


_SIGNUP_FIELDS = frozenset({"name", "email", "password"})


@router.post("/coach/join/{token}/signup", response_model=None)
def signup_submit(
    request: Request,
    templates: TemplatesDep,
    ctx: ContextDep,
    token: Token,
    name: Annotated[str, Form(max_length=300)] = "",
    email: Annotated[str, Form(max_length=300)] = "",
    password: Annotated[str, Form(max_length=2000)] = "",
    csrf_token: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Sign up through the invitation: the account, signed in, then the profile questions
    (``/welcome``). Errors are shown at their field; a link no longer valid is a 404."""
    from calfcoach.services.accounts import LockedOut, sign_up
    from calfcoach.web.routes.account import _set_session_cookie

    if not request.app.state.settings.server:
        raise StarletteHTTPException(404, "Local single-user mode has no accounts.")
    if not _anonymous(request):
        raise ConflictError(
            Problem(
                "conflict",
                "you are signed in: accept the invitation with this account, or sign out "
                "first to make another",
                field="account",
            )
        )
    check_presession_csrf(request, csrf_token)
    values = {"name": name, "email": email}
    try:
        made = sign_up(
            ctx,
            token,
            name,
            email,
            password,
            client_ip(request),
            old_session_token=request.cookies.get(cookie_name(request)),
        )
    except CalfcoachError as exc:
        if exc.code == "not_found":
            raise StarletteHTTPException(404, exc.details[0].message) from None
        status = 429 if isinstance(exc, LockedOut) else 409 if exc.code == "conflict" else 422
        errors: dict[str, str] = {}
        for p in exc.details:
            field = p.field if p.field in _SIGNUP_FIELDS else "password"
            errors[field] = (errors.get(field, "") + " " + p.text("")).strip()
        coach = coaching.invitation_coach(ctx, token)
        return _signup_page(request, templates, coach, token, errors, values, status)
    assert made.session is not None  # asked for (the default)
    response = RedirectResponse("/welcome", status_code=303)
    _set_session_cookie(request, response, made.session.token)
    return response


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
            on = read_iso_date(day) if day else None
        except ValueError:
            raise InputError.about(
                "day", f"{day!r} is not a valid date", value=day, allowed="YYYY-MM-DD"
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
