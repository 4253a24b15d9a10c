"""What routes depend on, as ``Annotated`` aliases (style notes, 5): one place to change how
a route gets its settings, templates, service context, actor and athlete.

    ContextDep      the app's one ``ServiceContext`` (``create_app`` builds it with
                    ``bootstrap.build_context`` and closes it at shutdown)
    ActorDep        who asks: the local user (``Actor.local()``) in local single-user mode;
                    issue 9 builds it from the signed-in account here, in one place
    AthleteIdDep    the athlete the pages show: the one chosen on the roster (a cookie,
                    ``VIEW_COOKIE``) if the actor may see it, else in local mode the first
                    stored athlete (by when it was added); none yet -> ``NoAthleteYet``
    AthleteRefDep   the same athlete, found when the route first asks (``AthleteRef.id``):
                    a plain route asks on its own thread, so the lookup takes no thread hop
                    of its own (the Today page, D-138)

Routes call the services as ``f(ctx, actor, athlete_id, ...)`` and never touch a database.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.templating import Jinja2Templates

from calfcoach.services.access import Actor
from calfcoach.services.context import ServiceContext
from calfcoach.settings import Settings

__all__ = [
    "ActorDep",
    "AthleteIdDep",
    "AthleteRef",
    "AthleteRefDep",
    "ContextDep",
    "NoAthleteYet",
    "VIEW_COOKIE",
    "SettingsDep",
    "TemplatesDep",
    "local_athlete_id",
    "viewed_athlete",
]


# The dependencies that only read ``app.state`` are ``async``: FastAPI runs a sync
# dependency in the threadpool, a hop of its own per dependency and request (the Today
# page had five). Anything that waits on the database stays sync.


class NoAthleteYet(Exception):
    """No athlete is stored: pages send the visitor to onboarding (``/welcome``)."""


async def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def _templates(request: Request) -> Jinja2Templates:
    templates: Jinja2Templates = request.app.state.templates
    return templates


async def _context(request: Request) -> ServiceContext:
    context: ServiceContext = request.app.state.service_context
    return context


async def _actor(request: Request) -> Actor:
    """Who asks: the local user in local single-user mode, the signed-in account (or a
    bearer token's) in server mode: what ``web.auth.guard`` found, here and nowhere else."""
    from calfcoach.web.auth import request_actor

    return request_actor(request)


SettingsDep = Annotated[Settings, Depends(_settings)]
TemplatesDep = Annotated[Jinja2Templates, Depends(_templates)]
ContextDep = Annotated[ServiceContext, Depends(_context)]
ActorDep = Annotated[Actor, Depends(_actor)]


def local_athlete_id(ctx: ServiceContext, actor: Actor) -> int | None:
    """The athlete the pages show: an account's own athlete (server mode, issue 9); in
    local single-user mode the first one stored (by when it was added) among those
    ``actor`` may see; None when there is none yet."""
    from calfcoach.services.athletes import first_athlete_id

    if actor.account_id is not None:
        return actor.own_athlete_id

    return first_athlete_id(ctx, actor)


VIEW_COOKIE = "calfcoach_athlete"
"""The athlete chosen on the roster (``/roster/view/{id}``, D-103): the pages show
this one instead of the first stored, while the actor may see it and it exists."""


def viewed_athlete(ctx: ServiceContext, actor: Actor, raw: str | None) -> tuple[int, str] | None:
    """The (id, name) the roster cookie ``raw`` names, if ``actor`` may see that athlete and
    it still exists; None otherwise (the pages then fall back to the first athlete)."""
    from calfcoach.services.athletes import visible_athlete

    if raw is None or not raw.isdigit() or len(raw) > 12:
        return None
    return visible_athlete(ctx, actor, int(raw))


async def _athlete_id(request: Request, ctx: ContextDep, actor: ActorDep) -> int:
    """``AthleteIdDep``. In place when it reads nothing (an account's own athlete) or only a
    local SQLite file (``ServiceContext.local_reads``); else on a thread, like the routes. A
    hop to a thread of its own cost the Today page 17 % of its requests a second (D-134)."""
    cookie = request.cookies.get(VIEW_COOKIE)
    if ctx.local_reads or (cookie is None and actor.account_id is not None):
        return _find_athlete_id(request, ctx, actor)
    return await run_in_threadpool(_find_athlete_id, request, ctx, actor)


def _find_athlete_id(request: Request, ctx: ServiceContext, actor: Actor) -> int:
    viewed = viewed_athlete(ctx, actor, request.cookies.get(VIEW_COOKIE))
    if viewed is not None:
        request.state.viewing = viewed  # base.html names the athlete shown
        return viewed[0]
    athlete_id = local_athlete_id(ctx, actor)
    if athlete_id is None:
        raise NoAthleteYet
    return athlete_id


AthleteIdDep = Annotated[int, Depends(_athlete_id)]
"""The id of the athlete the pages show (issue 9: the signed-in account's athlete)."""


class AthleteRef:
    """``AthleteIdDep``'s athlete, found on first use of ``id`` (then kept for the request).

    A plain (``def``) route runs on a worker thread, and a dependency that reads the database
    would need a thread of its own first (``_athlete_id``): on PostgreSQL two hops and two
    pool checkouts a page. Asked for in the route, the lookup runs on the route's thread
    (D-138). ``NoAthleteYet`` is raised from the route then, and handled the same way."""

    __slots__ = ("_actor", "_ctx", "_id", "_request")

    def __init__(self, request: Request, ctx: ServiceContext, actor: Actor) -> None:
        self._request = request
        self._ctx = ctx
        self._actor = actor
        self._id: int | None = None

    @property
    def id(self) -> int:
        if self._id is None:
            self._id = _find_athlete_id(self._request, self._ctx, self._actor)
        return self._id

    def first_answer(self, day: dt.date, kind: str, variant: str) -> str | None:
        """In local mode with no athlete chosen on the roster: the first athlete's current
        stored answer of ``kind`` about ``day`` (``services.training.stored_answer``), read
        with the athlete by one statement (``training.first_athlete_answer``, D-165), and
        the athlete kept as this request's. None when there is none; ``id`` then finds the
        athlete the usual way where this read did not."""
        from calfcoach.services.training import first_athlete_answer

        if self._id is not None or self._request.cookies.get(VIEW_COOKIE) is not None:
            return None
        found = first_athlete_answer(self._ctx, self._actor, day, kind, variant=variant)
        if found is None:
            return None
        self._id, body = found
        return body


async def _athlete_ref(request: Request, ctx: ContextDep, actor: ActorDep) -> AthleteRef:
    return AthleteRef(request, ctx, actor)


AthleteRefDep = Annotated[AthleteRef, Depends(_athlete_ref)]
"""``AthleteIdDep``, looked up on the route's own thread when it asks (``AthleteRef.id``)."""
