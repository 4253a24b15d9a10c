"""``calfcoach demo`` run twice at once on a new data folder (a hostile test: 1-2 of 8
parallel first runs ended "an athlete named 'Demo Runner' already exists", exit 2)."""

from __future__ import annotations

import datetime as dt

import pytest

from calfcoach.bootstrap import context_for
from calfcoach.cli.athlete_cmds import ensure_demo_athlete
from calfcoach.services import athletes
from calfcoach.services.access import Actor
from calfcoach.storage.db import Database


def test_a_demo_athlete_added_by_another_process_in_between_is_shown_not_refused(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    ctx = context_for(database)
    today = dt.date(2026, 12, 4)
    name, first = ensure_demo_athlete(ctx, today)  # the other process's run
    real = athletes.list_athletes
    calls: list[int] = []

    def stale_then_real(*args: object) -> object:
        calls.append(1)
        return [] if len(calls) == 1 else real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(athletes, "list_athletes", stale_then_real)
    assert ensure_demo_athlete(ctx, today) == (name, first)
    assert len(real(ctx, Actor.local())) == 1
