"""Helpers for the coaching pages' tests (issue 8, part 2): an app on the test database, a
runner stored with a plan around today, and a snapshot of everything stored (to show that a
refused form stored nothing)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from fastapi import FastAPI

from calfcoach.core.models import Profile, Session
from calfcoach.services.access import Actor
from calfcoach.services.context import ServiceContext

LOCAL = Actor.local()

EVERY_DAY = frozenset({"mon", "tue", "wed", "thu", "fri", "sat", "sun"})


def runner_profile(**changes: Any) -> Profile:
    data: dict[str, Any] = {
        "name": "Ana Runner",
        "level": "intermediate",
        "equipment": frozenset({"dumbbell", "step"}),
        "free_days": EVERY_DAY,
    }
    data.update(changes)
    return Profile(**data)


def add_runner(app: FastAPI, *, days_ago: int = 6, weeks: int = 4, **changes: Any) -> list[Session]:
    """Store the runner with a plan that started ``days_ago`` days before today; its
    sessions."""
    from calfcoach.services.athletes import add_athlete

    start = dt.date.today() - dt.timedelta(days=days_ago)
    ctx = app.state.service_context
    added = add_athlete(ctx, LOCAL, runner_profile(**changes), start=start, weeks=weeks)
    return list(added.plan.plan.sessions)


def on_app(app: FastAPI) -> tuple[ServiceContext, Actor, int]:
    """The app's service context, the local user and the id of the one stored runner."""
    from calfcoach.services.athletes import find_athlete_id

    ctx: ServiceContext = app.state.service_context
    return ctx, LOCAL, find_athlete_id(ctx, LOCAL, None)


def last_session_by_today(sessions: list[Session]) -> Session:
    today = dt.date.today()
    return [s for s in sessions if s.date <= today][-1]


def stored(app: FastAPI) -> dict[str, Any]:
    from calfcoach.services import transfer

    document = transfer.export_document(app.state.service_context, LOCAL, None, everyone=True)
    document.pop("exported_at", None)
    return document


def text_of(html: str) -> str:
    """The page's visible words, tags removed and spaces collapsed (for plain assertions)."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()
