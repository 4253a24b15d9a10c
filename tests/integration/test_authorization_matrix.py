"""The authorization matrix (issue 9): every route of the app, generated from ``app.routes``,
against every role, on one athlete's resources, each with its expected outcome.

Roles: anonymous; ``athlete`` (Ana, whose athlete the resources are); ``other_athlete``
(Bo, with his own athlete); ``coach`` (follows Ana: a ``coach_links`` row); ``other_coach``
(follows Bo); ``admin`` (accounts only). Routes with ``{athlete_id}`` are asked about Ana's
athlete; pages without one show the signed-in account's own athlete.

A route without an entry in ``EXPECTED`` fails ``test_every_route_has_an_entry``: a new
route must say who may reach it. Outcomes (``outcome`` classifies a response):

    ok      allowed: 2xx, a redirect elsewhere than /login, or the route's own answer about
            the input (404 of an absent thing, 409, 422)
    login   303 to /login (a page, anonymous)
    401     the API, anonymous
    403     refused: not this actor's athlete, or an action the role may not do
    acct    303 to /account: back to the account page, or a page of one's own training
            for an account with none
    404     not found (a bad or used link)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient
from httpx2 import Response
from tests.integration.server_mode import context, make_account, server_app, signed_in
from tests.integration.test_services import PROFILE

from calfcoach.services import accounts, athletes, tokens, training
from calfcoach.services.access import Actor

ROLES = ("anonymous", "athlete", "other_athlete", "coach", "other_coach", "admin")

PUBLIC = ("ok", "ok", "ok", "ok", "ok", "ok")
PAGE = ("login", "ok", "ok", "acct", "acct", "acct")
"""A page of the signed-in account's own training."""
PAGE_ANY = ("login", "ok", "ok", "ok", "ok", "ok")
"""A page every signed-in account may see (its account, the exercise library)."""
ADMIN_ONLY = ("login", "403", "403", "403", "403", "ok")
API_ANY = ("401", "ok", "ok", "ok", "ok", "ok")
"""The API's lists and catalog: filtered to what the actor may see."""
API_VIEW = ("401", "ok", "403", "ok", "403", "403")
"""Reading Ana's plan and log: Ana and her coach."""
API_LOG = ("401", "ok", "403", "403", "403", "403")
"""Logging Ana's training: Ana only (a coach adjusts, never logs in her name)."""
API_MANAGE = ("401", "ok", "403", "ok", "403", "403")
"""Changing Ana's profile (a re-plan): Ana and her coach."""
BAD_LINK = ("404", "404", "404", "404", "404", "404")
PAGE_OR_VIEWED = ("login", "ok", "ok", "ok", "acct", "acct")
"""A page of the athlete shown: one's own, or Ana for her coach, who chose her on the roster."""
COACH_ONLY_PAGE = ("login", "403", "403", "ok", "ok", "403")
"""A coach's own page (issue 9, part 3: invitations, the athletes followed)."""
API_COACH_ONLY = ("401", "403", "403", "ok", "ok", "403")

GET, POST, PUT, PATCH, DELETE = "GET", "POST", "PUT", "PATCH", "DELETE"
EXPECTED: dict[tuple[str, str], tuple[str, ...]] = {
    # not behind the guard: the schema and its viewer, no data
    (GET, "/api/v1/openapi.json"): PUBLIC,
    (GET, "/api/docs"): PUBLIC,
    (GET, "/docs/oauth2-redirect"): PUBLIC,
    (GET, "/healthz"): PUBLIC,
    (GET, "/manifest.webmanifest"): PUBLIC,
    (GET, "/sw.js"): PUBLIC,
    (GET, "/calendar/{token}.ics"): BAD_LINK,  # its own secret token
    # pages of one's own training
    (GET, "/"): PAGE_ANY,
    (GET, "/today"): PAGE,
    (GET, "/today/guided"): PAGE,
    (POST, "/today/sets"): PAGE,
    (POST, "/sessions/skip"): PAGE,
    (POST, "/clearance"): PAGE,
    (POST, "/sessions/move"): PAGE,
    (GET, "/plan"): PAGE,
    (GET, "/checkin"): PAGE,
    (POST, "/checkin"): PAGE,
    (GET, "/welcome"): ("login", "ok", "ok", "ok", "ok", "ok"),
    (POST, "/welcome"): ("login", "ok", "ok", "ok", "ok", "ok"),
    (GET, "/profile"): PAGE,
    (POST, "/profile"): PAGE,
    (GET, "/exercises"): PAGE_ANY,
    (GET, "/exercises/{exercise_id}.svg"): PAGE_ANY,
    (GET, "/exercises/{exercise_id}"): PAGE_ANY,
    (GET, "/progress"): PAGE,
    (GET, "/export"): PAGE,
    (GET, "/export/download"): PAGE,
    (POST, "/export/import"): PAGE,
    (POST, "/export/calendar"): PAGE,
    (GET, "/export/handout"): PAGE,
    (GET, "/export/handout.pdf"): PAGE,
    # signing in and the account
    (GET, "/login"): PUBLIC,
    (POST, "/login"): ("401", "401", "401", "401", "401", "401"),  # no password given
    (POST, "/logout"): ("login", "login", "login", "login", "login", "login"),
    (GET, "/account"): PAGE_ANY,
    (POST, "/account/password"): PAGE_ANY,  # 422: no password given
    (POST, "/account/logout-everywhere"): ("login",) * 6,
    (POST, "/account/tokens"): PAGE_ANY,  # 422: no name given
    (POST, "/account/tokens/{token_id}/revoke"): ("login", "acct", "404", "404", "404", "404"),
    (GET, "/reset"): PUBLIC,
    (POST, "/reset"): PUBLIC,
    (GET, "/reset/{token}"): PUBLIC,  # the form; the link is checked when it is sent
    (POST, "/reset/{token}"): BAD_LINK,
    (GET, "/invite/{token}"): BAD_LINK,
    (POST, "/invite/{token}"): BAD_LINK,
    # admin
    (GET, "/admin/accounts"): ADMIN_ONLY,
    (POST, "/admin/accounts"): ADMIN_ONLY,
    (POST, "/admin/accounts/{account_id}/{action}"): ADMIN_ONLY,
    # the API on Ana's athlete
    (GET, "/api/v1/athletes"): API_ANY,
    (GET, "/api/v1/athletes/{athlete_id}"): API_VIEW,
    (GET, "/api/v1/athletes/{athlete_id}/profile"): API_VIEW,
    (PUT, "/api/v1/athletes/{athlete_id}/profile"): API_MANAGE,
    (GET, "/api/v1/today"): API_ANY,  # one's own athlete; a coach's account has none: 404
    (GET, "/api/v1/athletes/{athlete_id}/today"): API_VIEW,
    (GET, "/api/v1/athletes/{athlete_id}/plan"): API_VIEW,
    (GET, "/api/v1/athletes/{athlete_id}/sessions/{day}"): API_VIEW,
    (POST, "/api/v1/athletes/{athlete_id}/sessions/{day}/skip"): API_LOG,
    (POST, "/api/v1/athletes/{athlete_id}/sessions/{day}/move"): API_LOG,
    (GET, "/api/v1/athletes/{athlete_id}/sets"): API_VIEW,
    (POST, "/api/v1/athletes/{athlete_id}/sets"): API_LOG,
    (POST, "/api/v1/athletes/{athlete_id}/checkins"): API_LOG,
    (POST, "/api/v1/athletes/{athlete_id}/clearances"): API_LOG,
    (POST, "/api/v1/athletes/{athlete_id}/tests/heel-raise"): API_LOG,
    (POST, "/api/v1/athletes/{athlete_id}/tests/hop"): API_LOG,
    (GET, "/api/v1/athletes/{athlete_id}/progress"): API_VIEW,
    (GET, "/api/v1/exercises"): API_ANY,
    (GET, "/api/v1/exercises/{exercise_id}"): API_ANY,
    (GET, "/api/v1/athletes/{athlete_id}/runs"): API_VIEW,
    (POST, "/api/v1/athletes/{athlete_id}/runs"): API_LOG,
    (GET, "/api/v1/athletes/{athlete_id}/running-load"): API_VIEW,
    (GET, "/api/v1/athletes/{athlete_id}/workout.fit"): API_VIEW,
    # issue 10: runs, training calendars and watch files (pages of one's own training)
    (GET, "/runs"): PAGE,
    (POST, "/runs/upload"): PAGE,
    (POST, "/runs/{run_id}/kind"): PAGE,
    (GET, "/runs/calendar"): PAGE,
    (POST, "/runs/calendar"): PAGE,
    (POST, "/runs/calendar/events/{event_id}"): PAGE,
    (GET, "/today/workout.fit"): PAGE,
    (POST, "/today/strength"): PAGE,
    # what was run and what was lifted is the log (Ana only); the planned calendar is a plan
    # input, which her coach may adjust like her profile (D-93)
    (PATCH, "/api/v1/athletes/{athlete_id}/runs/{run_id}"): API_LOG,
    (POST, "/api/v1/athletes/{athlete_id}/calendar"): API_MANAGE,
    (GET, "/api/v1/athletes/{athlete_id}/events"): API_VIEW,
    (PATCH, "/api/v1/athletes/{athlete_id}/events/{event_id}"): API_MANAGE,
    (POST, "/api/v1/athletes/{athlete_id}/strength-activities"): API_LOG,
    # issue 9: the roster (filtered to the athletes the account may see) and delete-all
    (GET, "/roster"): PAGE_ANY,
    (GET, "/roster/summary"): PAGE_ANY,
    (GET, "/roster/view/{athlete_id}"): ("login", "ok", "403", "ok", "403", "403"),
    # 422 for Ana and Bo (no name typed to confirm). Ana's coach, who chose her on the
    # roster just before (/roster/view), is refused: deleting is Ana's own act
    # (D-106); an account without an athlete is sent back to its account page.
    (POST, "/export/delete"): ("login", "ok", "ok", "403", "acct", "acct"),
    (GET, "/api/v1/roster"): API_ANY,
    # deleting all of Ana's data is Ana's alone, never her coach's (D-106)
    (DELETE, "/api/v1/athletes/{athlete_id}"): ("401", "ok", "403", "403", "403", "403"),
    # issue 9, part 3: the coach's flows. Inviting and the list of athletes are a coach's;
    # accepting and leaving are the athlete's own acts (a bad link: 404 to the athlete, 403
    # to an account without an athlete); notes are written by Ana's coach only (the pages'
    # note form is on the athlete shown: an account without one goes back to /account; the
    # empty note is her coach's 422), read by Ana and her coach.
    (GET, "/coach"): COACH_ONLY_PAGE,
    (POST, "/coach/invitations"): COACH_ONLY_PAGE,
    # the link is public: an anonymous visitor gets the sign-up form (D-115)
    (GET, "/coach/join/{token}"): BAD_LINK,
    (POST, "/coach/join/{token}"): ("login", "404", "404", "403", "403", "403"),
    # sign-up: anonymous only (409 signed in); without the form's pre-session token, 403
    (POST, "/coach/join/{token}/signup"): ("403", "ok", "ok", "ok", "ok", "ok"),
    # Ana's coach chose her on the roster before (/roster/view): the pages show Ana to him;
    # he reads her coaches and trail, but leaving is Ana's act alone.
    (POST, "/coach/note"): ("login", "403", "403", "ok", "acct", "acct"),
    (GET, "/account/coaches"): PAGE_OR_VIEWED,
    (POST, "/account/coaches/{coach_id}/leave"): ("login", "ok", "404", "403", "acct", "acct"),
    (GET, "/account/audit"): PAGE_OR_VIEWED,
    (POST, "/api/v1/coach/invitations"): API_COACH_ONLY,
    (GET, "/api/v1/coach/athletes"): API_COACH_ONLY,
    (POST, "/api/v1/coach/invitations/{token}/accept"): ("401", "ok", "ok", "403", "403", "403"),
    # public: the API's 404 of the bad link for the anonymous, 409 for anyone signed in or
    # with a token (test_invitation_signup tells them apart)
    (POST, "/api/v1/coach/invitations/{token}/signup"): PUBLIC,
    (GET, "/api/v1/athletes/{athlete_id}/coaches"): API_VIEW,
    (DELETE, "/api/v1/athletes/{athlete_id}/coaches/{coach_id}"): (
        "401",
        "ok",
        "403",
        "403",
        "403",
        "403",
    ),  # fmt: skip
    (GET, "/api/v1/athletes/{athlete_id}/notes"): API_VIEW,
    (POST, "/api/v1/athletes/{athlete_id}/notes"): ("401", "403", "403", "ok", "403", "403"),
    (GET, "/api/v1/athletes/{athlete_id}/audit"): API_VIEW,
}

SESSION_ENDING = {(POST, "/logout"), (POST, "/account/logout-everywhere")}
"""Asked last for each role (they end the role's session)."""

TODAY = dt.date.today()
BODIES: dict[tuple[str, str], dict[str, Any]] = {
    (POST, "/api/v1/athletes/{athlete_id}/sessions/{day}/move"): {
        "json": {"to_date": (TODAY + dt.timedelta(days=1)).isoformat()}
    },
    (POST, "/api/v1/athletes/{athlete_id}/sets"): {
        "json": {
            "date": TODAY.isoformat(),
            "exercise": "jump-rope",
            "set_number": 1,
            "contacts": 100,
            "rpe": 6,
            "pain": 0,
        }  # fmt: skip
    },
    (POST, "/api/v1/athletes/{athlete_id}/checkins"): {
        "json": {"date": TODAY.isoformat(), "pain": 0, "stiffness": 0}
    },
    (POST, "/api/v1/athletes/{athlete_id}/clearances"): {"json": {"date": TODAY.isoformat()}},
    (POST, "/api/v1/athletes/{athlete_id}/tests/heel-raise"): {
        "json": {"date": TODAY.isoformat(), "left": 20, "right": 20}
    },
    (POST, "/api/v1/athletes/{athlete_id}/tests/hop"): {
        "json": {"date": TODAY.isoformat(), "hops": 20, "pain": 0}
    },
    (POST, "/reset/{token}"): {"data": {"password": "a long enough password"}},
    (POST, "/api/v1/athletes/{athlete_id}/notes"): {"json": {"text": "Easy week."}},
    (POST, "/invite/{token}"): {"data": {"password": "a long enough password"}},
    (POST, "/coach/join/{token}/signup"): {
        "data": {"name": "Lea", "email": "lea@example.org", "password": "a long enough password"}
    },
    (POST, "/api/v1/coach/invitations/{token}/signup"): {
        "json": {"name": "Lea", "email": "lea@example.org", "password": "a long enough password"}
    },
    (POST, "/api/v1/athletes/{athlete_id}/runs"): {
        "files": [("files", ("run.gpx", b"<gpx></gpx>", "application/gpx+xml"))]
    },
    (PATCH, "/api/v1/athletes/{athlete_id}/runs/{run_id}"): {"json": {"kind": "long"}},
    (PATCH, "/api/v1/athletes/{athlete_id}/events/{event_id}"): {"json": {"kind": "long"}},
    (POST, "/api/v1/athletes/{athlete_id}/calendar"): {
        "files": [("file", ("plan.ics", b"not a calendar", "text/calendar"))]
    },
    (POST, "/api/v1/athletes/{athlete_id}/strength-activities"): {
        "files": [("file", ("strength.fit", b"not a fit file", "application/octet-stream"))]
    },
}


def outcome(response: Response) -> str:
    status = response.status_code
    if status >= 500:
        return f"{status}"
    if status in (302, 303, 307):
        location = response.headers.get("location", "")
        if location.startswith("/login"):
            return "login"
        if location == "/account":
            return "acct"
        return "ok"
    if status in (401, 403):
        return str(status)
    if status == 404 and response.headers.get("content-type", "").startswith("text/html"):
        return "404"  # a page's not found (a bad link, not someone's resource)
    if status == 429:
        return "429"
    return "ok"


def routes(app: FastAPI) -> list[tuple[str, str]]:
    """Every (method, path) of the app (HEAD is GET's)."""
    found = []
    for route in iter_route_contexts(app.routes):
        for method in sorted(route.methods or ()):
            if method != "HEAD":
                found.append((method, route.path))
    return found


class World:
    def __init__(self, app: FastAPI) -> None:
        ctx = context(app)
        local = Actor.local()
        ana = athletes.add_athlete(ctx, local, PROFILE, start=TODAY, name="ana").athlete.id
        bo = athletes.add_athlete(ctx, local, PROFILE, start=TODAY, name="bo").athlete.id
        make_account(app, "ana@example.org", "athlete", athlete_id=ana)
        make_account(app, "bo@example.org", "athlete", athlete_id=bo)
        coach = make_account(app, "coach@example.org", "coach")
        other_coach = make_account(app, "other-coach@example.org", "coach")
        make_account(app, "admin@example.org", "admin")
        self.victim = make_account(app, "victim@example.org", "athlete")
        with ctx.unit_of_work() as uow:  # the later phase's invitation flow makes these
            uow.accounts.add_coach_link(coach, ana)
            uow.accounts.add_coach_link(other_coach, bo)
            uow.commit()
        with ctx.unit_of_work(read_only=True) as uow:
            account = uow.accounts.by_email("ana@example.org")
            assert account is not None
            ana_actor = accounts.actor_for_account(uow, account)
        self.coach = coach
        self.token_id = tokens.create_token(ctx, ana_actor, "script", ["read"]).stored.id
        self.ana = ana
        self.app = app
        self.profile = athletes.get_athlete(ctx, local, ana).profile.model_dump(mode="json")
        plan = training.current_plan(ctx, local, ana, TODAY).plan
        self.session_day = min(s.date for s in plan.sessions if s.date >= TODAY)
        """A day with a session (a rest day has no watch workout: its 404 is the answer)."""

    def client(self, role: str) -> TestClient:
        emails = {
            "athlete": "ana@example.org",
            "other_athlete": "bo@example.org",
            "coach": "coach@example.org",
            "other_coach": "other-coach@example.org",
            "admin": "admin@example.org",
        }
        if role == "anonymous":
            return TestClient(self.app, raise_server_exceptions=False)
        return signed_in(self.app, emails[role])

    def request(self, client: TestClient, method: str, path: str) -> Response:
        params = {
            "athlete_id": str(self.ana),
            "day": TODAY.isoformat(),
            "exercise_id": "jump-rope",
            "token": "not-a-valid-token-at-all",
            "token_id": str(self.token_id),
            "account_id": str(self.victim),
            "action": "disable",
            "run_id": "999999",
            "event_id": "999999",
            "coach_id": str(self.coach),
        }
        url = path.format(**{k: v for k, v in params.items() if "{" + k + "}" in path})
        extra = dict(BODIES.get((method, path), {}))
        if (method, path) == (PUT, "/api/v1/athletes/{athlete_id}/profile"):
            extra = {"json": self.profile}
        if method == POST and not extra and not url.startswith("/api/"):
            extra = {"data": {}}
        if (method, path) == (GET, "/today/workout.fit"):
            url += f"?date={self.session_day.isoformat()}"
        headers = {"accept": "application/json" if url.startswith("/api/") else "text/html"}
        return client.request(method, url, headers=headers, follow_redirects=False, **extra)


@pytest.fixture
def world(database_url: str, tmp_path: Path) -> Iterator[World]:
    app = server_app(database_url, tmp_path)
    try:
        yield World(app)
    finally:
        app.state.service_context.close()


def test_every_route_has_an_entry(database_url: str, tmp_path: Path) -> None:
    app = server_app(database_url, tmp_path)
    try:
        missing = [route for route in routes(app) if route not in EXPECTED]
        stale = [route for route in EXPECTED if route not in routes(app)]
    finally:
        app.state.service_context.close()
    assert missing == [], f"routes without an entry in EXPECTED: {missing}"
    assert stale == [], f"entries of EXPECTED without a route: {stale}"


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_the_expected_answer_on_every_route(world: World, role: str) -> None:
    column = ROLES.index(role)
    client = world.client(role)
    ordered = sorted(routes(world.app), key=lambda r: r in SESSION_ENDING)
    wrong = []
    for method, path in ordered:
        expected = EXPECTED.get((method, path))
        if expected is None:
            continue  # test_every_route_has_an_entry names it
        response = world.request(client, method, path)
        got = outcome(response)
        if got != expected[column]:
            wrong.append(f"{method} {path}: {got} ({response.status_code}), "
                         f"expected {expected[column]}")  # fmt: skip
    assert wrong == [], "\n".join(wrong)
