"""Sign-in and account pages (issue 9, server mode).

    GET  /login, POST /login              sign in (a new session each time: rotation)
    POST /logout                          end this session
    GET  /account                         password, sessions, personal access tokens
    POST /account/password                change the password (other sessions end)
    POST /account/logout-everywhere       end every session of the account
    POST /account/tokens                  a new token (scopes read, log), shown once
    POST /account/tokens/{id}/revoke      revoke one of the account's tokens
    GET  /reset, POST /reset              ask for a reset link (the same answer either way)
    GET  /reset/{token}, POST             choose a new password with the link (once)
    GET  /invite/{token}, POST            set the password of an invited account (once)
    GET  /admin/accounts, POST            an admin: the accounts; make one (its link shown)
    POST /admin/accounts/{id}/disable     an admin: disable (or ``/enable``) an account

Local single-user mode has no accounts: these pages answer 404 there, except /account,
which says so.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException

from calfcoach.errors import CalfcoachError
from calfcoach.web.auth import Identity, client_ip, cookie_name, identify
from calfcoach.web.deps import ActorDep, ContextDep, SettingsDep, TemplatesDep

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
Token = Annotated[str, Path(max_length=100)]
AccountId = Annotated[int, Path(ge=1, le=2**31 - 1)]


def _server_only(request: Request) -> None:
    if not request.app.state.settings.server:
        raise StarletteHTTPException(
            404, "Local single-user mode has no accounts (start `calfcoach serve --server`)."
        )


def _page(
    request: Request,
    templates: Jinja2Templates,
    name: str,
    context: dict[str, Any],
    status_code: int = 200,
) -> HTMLResponse:
    base: dict[str, Any] = {"errors": {}, "values": {}, "message": None}
    base.update(context)
    return templates.TemplateResponse(request, name, base, status_code=status_code)


def _errors(exc: CalfcoachError, default_field: str) -> dict[str, str]:
    """The problems of ``exc`` by form field (messages at the field)."""
    errors: dict[str, str] = {}
    for p in exc.details:
        field = p.field if p.field in _FIELDS else default_field
        text = p.message + (f" (allowed: {p.allowed})" if p.allowed else "")
        errors[field] = errors.get(field, "") + (" " if field in errors else "") + text
    return errors


_FIELDS = frozenset(
    {"email", "password", "current_password", "new_password", "role", "name", "scopes", "form"}
)


def _set_session_cookie(request: Request, response: Response, token: str) -> None:
    from calfcoach.services.accounts import SESSION_MAX

    response.set_cookie(
        cookie_name(request),
        token,
        max_age=int(SESSION_MAX.total_seconds()),
        path="/",
        secure=request.url.scheme == "https",
        httponly=True,
        samesite="lax",
    )


def _public_url(request: Request) -> str:
    """The base of links sent to people: the configured address, never the Host header (a
    forged Host would otherwise send a reset link to another site)."""
    configured: str = request.app.state.settings.public_url
    return configured.rstrip("/") or str(request.base_url).rstrip("/")


def _safe_next(target: str | None) -> str:
    """Where to go after signing in: a path of this site only (no open redirect)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


# --------------------------------------------------------------------------- login


@router.get("/login", response_class=HTMLResponse)
async def login_page(
    request: Request, templates: TemplatesDep, next: str | None = None
) -> HTMLResponse:
    _server_only(request)
    return _page(request, templates, "account/login.html", {"title": "Sign in", "next": next})


@router.post("/login", response_class=HTMLResponse, response_model=None)
def login_submit(
    request: Request,
    templates: TemplatesDep,
    ctx: ContextDep,
    email: Annotated[str, Form(max_length=300)] = "",
    password: Annotated[str, Form(max_length=2000)] = "",
    next: Annotated[str, Form(max_length=500)] = "/",
) -> Response:
    from calfcoach.services.accounts import LockedOut, login

    _server_only(request)
    old = request.cookies.get(cookie_name(request))
    try:
        made = login(ctx, email, password, client_ip(request), old_session_token=old)
    except CalfcoachError as exc:
        status = 429 if isinstance(exc, LockedOut) else 401
        return _page(
            request,
            templates,
            "account/login.html",
            {
                "title": "Sign in",
                "next": next,
                "values": {"email": email},
                "errors": _errors(exc, "password"),
            },
            status_code=status,
        )
    response = RedirectResponse(_safe_next(next), status_code=303)
    _set_session_cookie(request, response, made.token)
    return response


@router.post("/logout", response_model=None)
async def logout_submit(request: Request, ctx: ContextDep) -> Response:
    from starlette.concurrency import run_in_threadpool

    from calfcoach.services.accounts import logout

    token = request.cookies.get(cookie_name(request))
    if token:
        await run_in_threadpool(logout, ctx, token)
    target = "/login" if request.app.state.settings.server else "/"
    response = RedirectResponse(target, status_code=303)
    response.delete_cookie(cookie_name(request), path="/")
    return response


# --------------------------------------------------------------------------- account


def _account_context(request: Request, ctx: Any, actor: Any, identity: Identity) -> dict[str, Any]:
    from calfcoach.services.accounts import sessions_of
    from calfcoach.services.tokens import list_tokens

    server = request.app.state.settings.server
    return {
        "title": "Your account",
        "server": server,
        "identity": identity,
        "sessions": sessions_of(ctx, actor) if server else [],
        "tokens": list_tokens(ctx, actor),
        "new_token": None,
    }


@router.get("/account", response_class=HTMLResponse)
async def account_page(
    request: Request, templates: TemplatesDep, ctx: ContextDep, actor: ActorDep
) -> HTMLResponse:
    from starlette.concurrency import run_in_threadpool

    identity = await identify(request)
    context = await run_in_threadpool(_account_context, request, ctx, actor, identity)
    return _page(request, templates, "account/account.html", context)


@router.post("/account/password", response_class=HTMLResponse)
async def password_submit(
    request: Request,
    templates: TemplatesDep,
    ctx: ContextDep,
    actor: ActorDep,
    current_password: Annotated[str, Form(max_length=2000)] = "",
    new_password: Annotated[str, Form(max_length=2000)] = "",
) -> HTMLResponse:
    from starlette.concurrency import run_in_threadpool

    from calfcoach.services.accounts import change_password

    _server_only(request)
    identity = await identify(request)
    errors: dict[str, str] = {}
    message = None
    try:
        await run_in_threadpool(
            change_password, ctx, actor, current_password, new_password, identity.session_id
        )
        message = "Password changed. Every other session has ended."
    except CalfcoachError as exc:
        errors = _errors(exc, "new_password")
        if "email" in errors:  # locked out: said at the current password
            errors["current_password"] = errors.pop("email")
    context = await run_in_threadpool(_account_context, request, ctx, actor, identity)
    context.update(errors=errors, message=message)
    return _page(request, templates, "account/account.html", context, 422 if errors else 200)


@router.post("/account/logout-everywhere", response_model=None)
async def logout_everywhere_submit(request: Request, ctx: ContextDep, actor: ActorDep) -> Response:
    from starlette.concurrency import run_in_threadpool

    from calfcoach.services.accounts import logout_everywhere

    _server_only(request)
    await run_in_threadpool(logout_everywhere, ctx, actor)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(cookie_name(request), path="/")
    return response


@router.post("/account/tokens", response_class=HTMLResponse)
async def token_create_submit(
    request: Request,
    templates: TemplatesDep,
    ctx: ContextDep,
    actor: ActorDep,
    name: Annotated[str, Form(max_length=200)] = "",
    scope: Annotated[list[str] | None, Form(max_length=20)] = None,
) -> HTMLResponse:
    from starlette.concurrency import run_in_threadpool

    from calfcoach.services.tokens import create_token

    identity = await identify(request)
    errors: dict[str, str] = {}
    new_token = None
    try:
        made = await run_in_threadpool(create_token, ctx, actor, name, scope or [])
        new_token = made.token
    except CalfcoachError as exc:
        errors = _errors(exc, "name")
    context = await run_in_threadpool(_account_context, request, ctx, actor, identity)
    context.update(errors=errors, new_token=new_token, values={"name": name})
    return _page(request, templates, "account/account.html", context, 422 if errors else 201)


@router.post("/account/tokens/{token_id}/revoke", response_model=None)
async def token_revoke_submit(ctx: ContextDep, actor: ActorDep, token_id: AccountId) -> Response:
    from starlette.concurrency import run_in_threadpool

    from calfcoach.services.tokens import revoke_token

    await run_in_threadpool(revoke_token, ctx, actor, token_id)
    return RedirectResponse("/account", status_code=303)


# --------------------------------------------------------------------------- reset


@router.get("/reset", response_class=HTMLResponse)
async def reset_request_page(request: Request, templates: TemplatesDep) -> HTMLResponse:
    _server_only(request)
    return _page(request, templates, "account/reset_request.html", {"title": "Reset password"})


@router.post("/reset", response_class=HTMLResponse)
def reset_request_submit(
    request: Request,
    templates: TemplatesDep,
    ctx: ContextDep,
    email: Annotated[str, Form(max_length=300)] = "",
) -> HTMLResponse:
    from calfcoach.services.accounts import request_password_reset

    _server_only(request)
    request_password_reset(ctx, request.app.state.mailer, email, _public_url(request))
    return _page(
        request,
        templates,
        "account/reset_request.html",
        {
            "title": "Reset password",
            "message": "If an account has this address, a link to choose a new password is "
            "on its way. It works once, within the hour.",
        },
    )


@router.get("/reset/{token}", response_class=HTMLResponse)
async def reset_page(request: Request, templates: TemplatesDep, token: Token) -> HTMLResponse:
    _server_only(request)
    return _page(
        request,
        templates,
        "account/set_password.html",
        {"title": "Choose a new password", "action": f"/reset/{token}"},
    )


@router.post("/reset/{token}", response_class=HTMLResponse, response_model=None)
def reset_submit(
    request: Request,
    templates: TemplatesDep,
    ctx: ContextDep,
    token: Token,
    password: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    from calfcoach.services.accounts import reset_password

    _server_only(request)
    try:
        reset_password(ctx, token, password)
    except CalfcoachError as exc:
        return _page(
            request,
            templates,
            "account/set_password.html",
            {
                "title": "Choose a new password",
                "action": f"/reset/{token}",
                "errors": _errors(exc, "password"),
            },
            status_code=404 if exc.code == "not_found" else 422,
        )
    return RedirectResponse("/login", status_code=303)


# --------------------------------------------------------------------------- invitation


@router.get("/invite/{token}", response_class=HTMLResponse)
def invite_page(
    request: Request, templates: TemplatesDep, ctx: ContextDep, token: Token
) -> HTMLResponse:
    from calfcoach.services.accounts import invitation_account

    _server_only(request)
    try:
        account = invitation_account(ctx, token)
    except CalfcoachError as exc:
        raise StarletteHTTPException(404, exc.details[0].message) from None
    return _page(
        request,
        templates,
        "account/set_password.html",
        {
            "title": "Welcome to calfcoach",
            "action": f"/invite/{token}",
            "email": account.email,
        },
    )


@router.post("/invite/{token}", response_class=HTMLResponse, response_model=None)
def invite_submit(
    request: Request,
    templates: TemplatesDep,
    ctx: ContextDep,
    token: Token,
    password: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    from calfcoach.services.accounts import accept_invitation

    _server_only(request)
    try:
        accept_invitation(ctx, token, password)
    except CalfcoachError as exc:
        return _page(
            request,
            templates,
            "account/set_password.html",
            {
                "title": "Welcome to calfcoach",
                "action": f"/invite/{token}",
                "errors": _errors(exc, "password"),
            },
            status_code=404 if exc.code == "not_found" else 422,
        )
    return RedirectResponse("/login", status_code=303)


# --------------------------------------------------------------------------- admin


def _admin_page(
    request: Request,
    templates: Jinja2Templates,
    ctx: Any,
    actor: Any,
    extra: dict[str, Any] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    from calfcoach.services.accounts import ROLES, list_accounts

    context: dict[str, Any] = {
        "title": "Accounts",
        "accounts": list_accounts(ctx, actor),
        "roles": ROLES,
        "link": None,
    }
    context.update(extra or {})
    return _page(request, templates, "account/admin_accounts.html", context, status_code)


@router.get("/admin/accounts", response_class=HTMLResponse)
def admin_accounts_page(
    request: Request, templates: TemplatesDep, ctx: ContextDep, actor: ActorDep
) -> HTMLResponse:
    _server_only(request)
    return _admin_page(request, templates, ctx, actor)


@router.post("/admin/accounts", response_class=HTMLResponse)
def admin_account_create(
    request: Request,
    templates: TemplatesDep,
    ctx: ContextDep,
    actor: ActorDep,
    settings: SettingsDep,
    email: Annotated[str, Form(max_length=300)] = "",
    role: Annotated[str, Form(max_length=20)] = "athlete",
) -> HTMLResponse:
    from calfcoach.services.accounts import create_account

    _server_only(request)
    try:
        made = create_account(ctx, actor, email, role)
    except CalfcoachError as exc:
        if exc.code == "forbidden":
            raise
        return _admin_page(
            request,
            templates,
            ctx,
            actor,
            {"errors": _errors(exc, "email"), "values": {"email": email, "role": role}},
            422,
        )
    link = f"{_public_url(request)}/invite/{made.token}"
    return _admin_page(request, templates, ctx, actor, {"link": link, "made": made.account}, 201)


@router.post("/admin/accounts/{account_id}/{action}", response_model=None)
def admin_account_disable(
    request: Request,
    ctx: ContextDep,
    actor: ActorDep,
    account_id: AccountId,
    action: Annotated[str, Path(pattern="^(disable|enable)$")],
) -> Response:
    from calfcoach.services.accounts import set_disabled

    _server_only(request)
    set_disabled(ctx, actor, account_id, action == "disable")
    return RedirectResponse("/admin/accounts", status_code=303)
