"""Calling the services from tests: ``(ctx, actor)`` and ``(ctx, actor, athlete_id)`` for a
database, as the local user (``Actor.local()``), the athlete found by name like the CLI's
``--athlete NAME`` (None: the only athlete)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from calfcoach.bootstrap import context_for
from calfcoach.services.access import Actor
from calfcoach.services.athletes import find_athlete_id

if TYPE_CHECKING:
    from calfcoach.services.context import ServiceContext

LOCAL = Actor.local()


def local(database: Any) -> tuple[ServiceContext, Actor]:
    """A context on ``database`` (it is not closed with it) and the local user."""
    return context_for(database), LOCAL


def on(database: Any, name: str | None = None) -> tuple[ServiceContext, Actor, int]:
    """``local(database)`` and the id of the athlete named ``name`` (None: the only one)."""
    ctx = context_for(database)
    return ctx, LOCAL, find_athlete_id(ctx, LOCAL, name)
