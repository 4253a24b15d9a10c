"""Who a request is, and the checks every request passes (issue 9): one place.

    guard              the app-wide dependency of every route: finds who asks
                       (``identify``), refuses anonymous requests in server mode (pages:
                       303 to /login; the API: 401 problem+json), and refuses unsafe
                       requests that could be forged by another site (CSRF)
    request_actor      the ``Actor`` of the request (``web.deps`` and ``web.api_v1`` read it)
    SecurityHeaders    the ASGI middleware that puts the security headers on every response
    csrf_field         the Jinja global of every ``<form method="post">``

Who asks:
- local single-user mode (the default): the local user, as before; the API keeps D-71 (a
  bearer token acts as the token, a request without one only from this machine);
- server mode: ``Authorization: Bearer TOKEN`` (a personal access token of an account), or
  the session cookie of a signed-in browser; anybody else is anonymous and reaches only the
  public routes (``PUBLIC``).

CSRF (D-90): an unsafe request (POST, PUT, PATCH, DELETE) authenticated by the
session cookie must carry the session's synchronizer token, in the ``X-CSRF-Token`` header
(htmx: ``hx-headers`` on ``<body>``) or the ``csrf_token`` form field (``csrf_field()``).
Bearer-token requests carry no ambient credential and are exempt. In local mode there is no
session, so no token: an unsafe request whose ``Sec-Fetch-Site`` is ``cross-site`` or
``same-site``, or whose ``Origin`` is not this server's, is refused (403), in both modes.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import re
import secrets
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import urlsplit

from fastapi import Request
from markupsafe import Markup, escape
from starlette.concurrency import run_in_threadpool

from calfcoach.services.access import Actor, can_see, ensure_can
from calfcoach.services.context import ServiceContext
from calfcoach.settings import Settings

__all__ = [
    "COOKIE",
    "CSRF_FIELD",
    "CSRF_HEADER",
    "PUBLIC_PATHS",
    "PUBLIC_PREFIXES",
    "CrossSiteRefused",
    "Identity",
    "LoginRequired",
    "SecurityHeaders",
    "check_presession_csrf",
    "cookie_name",
    "csrf_field",
    "docs_csp",
    "guard",
    "identify",
    "is_public",
    "presession_csrf",
    "request_actor",
    "set_presession_cookie",
]

COOKIE = "calfcoach_session"
SECURE_COOKIE = "__Host-calfcoach_session"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
PUBLIC_PATHS = frozenset(
    {"/login", "/reset", "/healthz", "/manifest.webmanifest", "/sw.js", "/favicon.ico"}
)
PUBLIC_PREFIXES = ("/reset/", "/invite/", "/static/", "/calendar/", "/coach/join/")
"""Server mode: what an anonymous visitor may reach (the ICS feed has its own token; a
coach's invitation link shows an anonymous visitor the sign-up form, D-115)."""
PUBLIC_API = re.compile(r"^/api/v1/coach/invitations/[^/]+/signup$")
"""The API's one anonymous route: sign-up through a coach's invitation (its own token)."""
PRESESSION_COOKIE = "calfcoach_presession"
SECURE_PRESESSION_COOKIE = "__Host-calfcoach_presession"


class LoginRequired(Exception):
    """An anonymous request for a page of server mode: 303 to /login."""

    def __init__(self, path: str) -> None:
        super().__init__(path)
        self.path = path


class CrossSiteRefused(Exception):
    """An unsafe request another site could have sent (CSRF): 403."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Identity:
    actor: Actor | None
    """None: anonymous (server mode)."""
    via: Literal["local", "session", "bearer", "none"]
    session_token: str | None = None
    session_id: int | None = None
    csrf_token: str | None = None
    email: str | None = None
    is_admin: bool = False


def cookie_name(request: Request) -> str:
    """``__Host-`` prefixed (Secure, path /, no domain) over HTTPS, plain otherwise."""
    return SECURE_COOKIE if request.url.scheme == "https" else COOKIE


def is_public(path: str) -> bool:
    return path in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIXES) or bool(PUBLIC_API.match(path))


def is_api(path: str) -> bool:
    return path.startswith("/api/")


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _context(request: Request) -> ServiceContext:
    context: ServiceContext = request.app.state.service_context
    return context


def csrf_token_of(settings: Settings, csrf_secret: str) -> str:
    """The form token of a session: its stored CSRF secret signed with the server's
    secret key (a copy of the database alone does not give the tokens)."""
    key = settings.secret_key.encode("utf-8")
    return hmac.new(key, csrf_secret.encode("ascii"), hashlib.sha256).hexdigest()


def from_loopback(request: Request) -> bool:
    host = request.client.host if request.client is not None else ""
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def client_ip(request: Request) -> str:
    return request.client.host if request.client is not None else "unknown"


def _identify_sync(request: Request, bearer: str | None, cookie: str | None) -> Identity:
    settings = _settings(request)
    ctx = _context(request)
    if bearer is not None:
        from calfcoach.services.tokens import actor_for_token

        actor = actor_for_token(ctx, bearer)
        if actor is not None and settings.server and actor.account_id is None:
            actor = None  # server mode: only accounts' tokens (D-89)
        return Identity(actor, "bearer") if actor is not None else Identity(None, "none")
    if cookie:
        from calfcoach.services.accounts import session_actor

        signed_in = session_actor(ctx, cookie)
        if signed_in is not None:
            return Identity(
                signed_in.actor,
                "session",
                session_token=cookie,
                session_id=signed_in.session_id,
                csrf_token=csrf_token_of(settings, signed_in.csrf_token),
                email=signed_in.account.email,
                is_admin="admin" in signed_in.account.roles,
            )
    return Identity(None, "none")


async def identify(request: Request) -> Identity:
    """Who the request is (cached on ``request.state``)."""
    known: Identity | None = getattr(request.state, "identity", None)
    if known is not None:
        return known
    settings = _settings(request)
    header = request.headers.get("authorization")
    bearer: str | None = None
    if header is not None:
        scheme, _, value = header.partition(" ")
        bearer = value.strip() if scheme.lower() == "bearer" and value.strip() else ""
    if not settings.server:
        if bearer is None:
            identity = Identity(Actor.local(), "local")
        else:
            identity = await run_in_threadpool(_identify_sync, request, bearer or "-", None)
    else:
        cookie = request.cookies.get(cookie_name(request))
        identity = await run_in_threadpool(
            _identify_sync, request, None if bearer is None else bearer or "-", cookie
        )
    request.state.identity = identity
    return identity


def _same_origin(request: Request) -> bool:
    """Whether an unsafe request may come from this server's own pages."""
    site = request.headers.get("sec-fetch-site")
    if site is not None and site not in ("same-origin", "none"):
        return False
    origin = request.headers.get("origin")
    if origin is None:
        return True  # not a browser's cross-site form or fetch (they send Origin)
    if origin == "null":
        return False
    try:
        parts = urlsplit(origin)
    except ValueError:  # "http://[::1": no origin at all, so not this server's
        return False
    host = request.headers.get("host", "")
    return parts.netloc.lower() == host.lower()


async def _check_csrf(request: Request, identity: Identity) -> None:
    if request.method in SAFE_METHODS or identity.via == "bearer":
        return
    if not _same_origin(request):
        raise CrossSiteRefused("the request came from another site")
    if identity.via != "session":
        return
    expected = identity.csrf_token or ""
    given = request.headers.get(CSRF_HEADER)
    if given is None:
        kind = request.headers.get("content-type", "")
        if kind.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            form = await request.form()
            value = form.get(CSRF_FIELD)
            given = value if isinstance(value, str) else None
    if not given or not hmac.compare_digest(given, expected):
        raise CrossSiteRefused("the form's security token is missing or out of date")


async def guard(request: Request) -> None:
    """The app-wide dependency: who asks, whether they may reach the route, CSRF."""
    identity = await identify(request)
    settings = _settings(request)
    path = request.url.path
    if settings.server and identity.actor is None and not is_public(path):
        if is_api(path):
            from calfcoach.web.api_v1 import Unauthenticated

            raise Unauthenticated(
                "sign in: a bearer token of an account, or the session of a signed-in browser"
            )
        raise LoginRequired(path)
    if not settings.server and is_api(path) and identity.via == "local":
        if not from_loopback(request):
            from calfcoach.web.api_v1 import Unauthenticated

            raise Unauthenticated("a request from another machine needs a token")
    if identity.via == "none" and request.headers.get("authorization") is not None:
        # A token that is not valid is 401 problem+json (D-71), on a page of local mode too:
        # it was served as a visitor who sees no athlete, "No athlete yet" (404). Server
        # mode sends a page's visitor to sign in (above); public paths need no token.
        if is_api(path) or (not settings.server and not is_public(path)):
            from calfcoach.web.api_v1 import Unauthenticated

            raise Unauthenticated("the token is not valid (unknown, revoked or mistyped)")
    _check_athlete_in_path(request, identity)
    await _check_csrf(request, identity)


def _check_athlete_in_path(request: Request, identity: Identity) -> None:
    """A route about ``{athlete_id}`` is refused (403) before its body is even read when the
    actor may not see that athlete; the service's ``ensure_can`` still checks the action."""
    raw = request.path_params.get("athlete_id")
    if raw is None or identity.actor is None:
        return
    try:
        athlete_id = int(raw)
    except (TypeError, ValueError):
        return  # the route's own validation answers
    if not can_see(identity.actor, athlete_id):
        ensure_can(identity.actor, athlete_id, "view")


def request_actor(request: Request) -> Actor:
    """The actor ``guard`` found (anonymous on a public route: an actor who sees nothing)."""
    identity: Identity | None = getattr(request.state, "identity", None)
    if identity is None or identity.actor is None:
        return Actor.for_athletes("athlete", None, (), ())
    return identity.actor


# ------------------------------------------------ CSRF of a form sent before signing in


def presession_cookie_name(request: Request) -> str:
    return SECURE_PRESESSION_COOKIE if request.url.scheme == "https" else PRESESSION_COOKIE


def presession_csrf(request: Request) -> tuple[str, str | None]:
    """The synchronizer token of a form an anonymous visitor sends (the sign-up form), and
    the new pre-session cookie value to set (None: the browser has one). Double submit,
    signed: the cookie holds 256 random bits, the form the HMAC of them under the server's
    secret key, so a site that can neither read the cookie nor knows the key cannot forge
    the pair (D-116)."""
    current = request.cookies.get(presession_cookie_name(request), "")
    fresh = None
    if not (16 <= len(current) <= 100):
        fresh = current = secrets.token_urlsafe(32)
    return _presession_token(_settings(request), current), fresh


def _presession_token(settings: Settings, value: str) -> str:
    key = settings.secret_key.encode("utf-8")
    return hmac.new(key, b"presession:" + value.encode("utf-8"), hashlib.sha256).hexdigest()


def set_presession_cookie(request: Request, response: Any, value: str) -> None:
    response.set_cookie(
        presession_cookie_name(request),
        value,
        max_age=3600,
        path="/",
        secure=request.url.scheme == "https",
        httponly=True,
        samesite="strict",
    )


def check_presession_csrf(request: Request, given: str) -> None:
    """``CrossSiteRefused`` unless ``given`` (the form's ``csrf_token``) is the token of the
    browser's pre-session cookie (``presession_csrf``)."""
    cookie = request.cookies.get(presession_cookie_name(request), "")
    expected = _presession_token(_settings(request), cookie) if cookie else ""
    if not cookie or not given or not hmac.compare_digest(given, expected):
        raise CrossSiteRefused("the form's security token is missing or out of date")


def csrf_value(request: Request) -> str:
    identity: Identity | None = getattr(request.state, "identity", None)
    return "" if identity is None or identity.csrf_token is None else identity.csrf_token


def csrf_field(context: Any) -> Markup:
    """``{{ csrf_field() }}``: the hidden synchronizer-token field of a post form (empty in
    local mode, where there is no session); on a page for an anonymous visitor with a
    ``presession_csrf`` in its context (the sign-up form), that token."""
    request = context.get("request")
    value = csrf_value(request) if request is not None else ""
    if not value:  # a form sent before signing in: its own token (``presession_csrf``)
        value = str(context.get("presession_csrf") or "")
    return Markup('<input type="hidden" name="csrf_token" value="{}">').format(escape(value))


# --------------------------------------------------------------------------- headers

CSP = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "manifest-src 'self'",
        "worker-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
"""No inline script, no eval, nothing from elsewhere (D-91)."""
HSTS = "max-age=31536000; includeSubDomains"

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def docs_csp(app: Any) -> str:
    """The CSP of FastAPI's API docs page (/api/docs): Swagger UI's files from its CDN and
    the page's one inline script allowed by its SHA-256 only (no 'unsafe-inline')."""
    import base64
    import re

    from fastapi.openapi.docs import get_swagger_ui_html

    page = get_swagger_ui_html(
        openapi_url=app.openapi_url,
        title=f"{app.title} - Swagger UI",
        oauth2_redirect_url=app.swagger_ui_oauth2_redirect_url,
        init_oauth=app.swagger_ui_init_oauth,
        swagger_ui_parameters=app.swagger_ui_parameters,
    )
    html = bytes(page.body).decode("utf-8")
    hashes = " ".join(
        "'sha256-"
        + base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode("ascii")
        + "'"
        for body in re.findall(r"<script>(.*?)</script>", html, re.S)
    )
    cdn = "https://cdn.jsdelivr.net"
    return (
        CSP.replace("script-src 'self'", f"script-src 'self' {cdn} {hashes}")
        .replace("style-src 'self'", f"style-src 'self' {cdn}")
        .replace("img-src 'self' data:", "img-src 'self' data: https://fastapi.tiangolo.com")
    )


class SecurityHeaders:
    """Adds the security headers to every HTTP response (pages, API, static files, errors);
    HSTS in server mode only. ``csp_by_path``: another CSP for a path (the API docs)."""

    def __init__(
        self, app: ASGIApp, *, hsts: bool, csp_by_path: dict[str, str] | None = None
    ) -> None:
        self.app = app
        self.hsts = hsts
        self.csp_by_path = {k: v.encode() for k, v in (csp_by_path or {}).items()}
        self.headers: list[tuple[bytes, bytes]] = [
            (b"content-security-policy", CSP.encode()),
            (b"x-content-type-options", b"nosniff"),
            (b"x-frame-options", b"DENY"),
            (b"referrer-policy", b"same-origin"),
            (b"cross-origin-opener-policy", b"same-origin"),
            (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
        ]
        if hsts:
            self.headers.append((b"strict-transport-security", HSTS.encode()))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        special = self.csp_by_path.get(scope.get("path", ""))
        static = str(scope.get("path", "")).startswith("/static/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {k.lower() for k, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in self.headers if k not in present]
                if self.hsts and b"cache-control" not in present and not static:
                    # server mode: health data stays out of shared and back-button caches
                    extra.append((b"cache-control", b"no-store"))
                if special is not None:
                    extra = [
                        (k, special if k == b"content-security-policy" else v) for k, v in extra
                    ]
                message["headers"] = list(message.get("headers", [])) + extra
            await send(message)

        await self.app(scope, receive, send_with_headers)
