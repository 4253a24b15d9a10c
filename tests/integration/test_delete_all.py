"""Deleting all of an athlete's data really removes it (issue 9, part 5): after a deletion
through the API, the Export page or ``calfcoach athlete remove``, no row of any table of the
schema (read from the ORM metadata, so a table added later is scanned too) holds the
athlete's id or the marker written into their notes; on SQLite the database file and its
WAL no longer hold the marker's bytes (``PRAGMA secure_delete``, then a checkpoint). Another
athlete's data stays. On SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.activity_files import year_of_runs
from tests.integration.cli_harness import make_cli
from tests.web_history import PROFILE

from calfcoach.core.models import CapacityTest, HopTest
from calfcoach.services import runs, training
from calfcoach.services.access import Actor
from calfcoach.services.athletes import add_athlete
from calfcoach.services.calendar_feed import new_calendar_token
from calfcoach.storage.db import sqlite_file
from calfcoach.storage.orm import Base

LOCAL = Actor.local()
TODAY = dt.date.today()


@pytest.fixture
def api(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, client=("127.0.0.1", 50000)) as client:
        yield client


def ics(marker: str) -> bytes:
    day = (TODAY + dt.timedelta(days=5)).strftime("%Y%m%d")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//calfcoach tests//EN",
        "BEGIN:VEVENT",
        f"UID:{marker}-event",
        f"DTSTART;VALUE=DATE:{day}",
        f"SUMMARY:Long run 20 km {marker}",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return ("\r\n".join(lines) + "\r\n").encode()


def athlete_with_everything(app: FastAPI, name: str, marker: str) -> int:
    """An athlete with a row in every table that can hold one of theirs."""
    from calfcoach.profile_io import profile_from_data

    ctx = app.state.service_context
    start = TODAY - dt.timedelta(days=TODAY.weekday(), weeks=2)
    added = add_athlete(ctx, LOCAL, profile_from_data(PROFILE), start=start, weeks=8, name=name)
    athlete_id = added.athlete.id
    past = [s for s in added.plan.plan.sessions if s.date < TODAY - dt.timedelta(days=2)]
    training.log_session_as_prescribed(
        ctx, LOCAL, athlete_id, past[0].date, today=TODAY, rpe=5, pain=1
    )
    training.skip_session(ctx, LOCAL, athlete_id, past[1].date, today=TODAY)
    yesterday = TODAY - dt.timedelta(days=1)
    training.record_checkin(
        ctx, LOCAL, athlete_id, yesterday, pain=2, stiffness=1, today=TODAY, red_flags=["swelling"]
    )
    training.record_clearance(ctx, LOCAL, athlete_id, TODAY, today=TODAY, note=f"cleared {marker}")
    training.record_test(
        ctx, LOCAL, athlete_id, CapacityTest(date=TODAY, left=20, right=22), today=TODAY
    )
    with ctx.unit_of_work() as uow:
        uow.logs.add_hop_test(athlete_id, HopTest(date=past[0].date, hops=30, pain=0, side="both"))
        uow.logs.add_note(athlete_id, TODAY, f"note {marker}")
        uow.commit()
    new_calendar_token(ctx, LOCAL, athlete_id)
    runs.import_bytes(ctx, LOCAL, athlete_id, year_of_runs(TODAY - dt.timedelta(days=9), 2))
    runs.import_calendar(ctx, LOCAL, athlete_id, "races.ics", today=TODAY, data=ics(marker))
    with ctx.unit_of_work() as uow:  # the engine's snapshot, as every write makes it
        training.settle(uow, uow.athletes.get(athlete_id), TODAY + dt.timedelta(days=1))
        uow.commit()
    training.today_answer(ctx, LOCAL, athlete_id, TODAY)  # a stored day answer
    with ctx.unit_of_work() as uow:  # issue 9: the athlete's login and a coach who follows
        key = marker.lower()
        uow.accounts.add(f"{key}@example.org", f"login {marker}", athlete_id=athlete_id)
        coach = uow.accounts.add(f"coach-{key}@example.org", "Coach", is_coach=True).id
        uow.accounts.add_coach_link(coach, athlete_id)
        uow.commit()
    from calfcoach.services import accounts, coaching

    with ctx.unit_of_work(read_only=True) as uow:
        coach_account = uow.accounts.get(coach)
        assert coach_account is not None
        coach_actor = accounts.actor_for_account(uow, coach_account)
    coaching.add_note(ctx, coach_actor, athlete_id, f"coach's note {marker}")  # + audit trail
    # login_throttle: a failed login of the athlete's address, a reset request of it, and a
    # failed login of the coach's (whose account stays)
    for address in (f"{key}@example.org", f"coach-{key}@example.org"):
        with pytest.raises(accounts.LoginFailed):
            accounts.login(ctx, address, "not the password", "203.0.113.9")
    with ctx.unit_of_work() as uow:
        reset_key = accounts.throttle_keys_of(f"{key}@example.org")[1]
        uow.auth.save_throttle(reset_key, 1, dt.datetime.now(dt.UTC), None)
        uow.commit()
    from calfcoach.services.roster import roster

    roster(ctx, LOCAL, as_of=TODAY)  # a stored roster row
    return athlete_id


def rows_of_everyone(app: FastAPI) -> dict[str, list[dict[str, Any]]]:
    with app.state.service_context.unit_of_work(read_only=True) as uow:
        return {
            table.name: [dict(row._mapping) for row in uow.session.execute(select(table))]
            for table in Base.metadata.sorted_tables
        }


def traces(tables: dict[str, list[dict[str, Any]]], athlete_id: int, marker: str) -> list[str]:
    found = []
    for table, rows in tables.items():
        for row in rows:
            for column, value in row.items():
                mine = column == "athlete_id" or (table == "athletes" and column == "id")
                if mine and value == athlete_id:
                    found.append(f"{table}.{column} = {athlete_id}")
                if marker in str(value):
                    found.append(f"{table}.{column} holds the marker")
    return found


def file_bytes(database_url: str) -> bytes:
    path = sqlite_file(database_url)
    assert path is not None
    wal = Path(f"{path}-wal")
    return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


@pytest.mark.parametrize("way", ["api", "page", "cli"])
def test_deleting_an_athlete_leaves_no_row_and_no_byte_of_theirs(
    way: str,
    app: FastAPI,
    api: TestClient,
    database_url: str,
    backend: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    marker = f"MARKER{secrets.token_hex(8)}"
    keeper_marker = f"KEEP{secrets.token_hex(8)}"
    victim = athlete_with_everything(app, "Zoe Victim", marker)
    keeper = athlete_with_everything(app, "Kim Keeper", keeper_marker)
    before = rows_of_everyone(app)
    covered = {t for t, rows in before.items() if any(r.get("athlete_id") == victim for r in rows)}
    # Every table with an athlete_id column holds a row of the victim: the scan means something.
    assert covered == {t.name for t in Base.metadata.sorted_tables if "athlete_id" in t.c} - {
        "access_tokens",
        "coach_invitations",  # a coach's link names an athlete once accepted: deleted too
    }, covered
    assert traces(before, victim, marker)
    if backend == "sqlite":
        assert marker.encode() in file_bytes(database_url)

    if way == "api":
        refused = api.delete(f"/api/v1/athletes/{victim}", params={"confirm": "Kim Keeper"})
        assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "confirm"
        assert rows_of_everyone(app) == before  # nothing deleted
        done = api.delete(f"/api/v1/athletes/{victim}", params={"confirm": "zoe victim"})
        assert done.status_code == 200, done.text
        assert done.json()["name"] == "Zoe Victim" and done.json()["rows"]["logged_sets"] > 0
        assert api.delete(f"/api/v1/athletes/{victim}", params={"confirm": "x"}).status_code == 404
    elif way == "page":
        api.get(f"/roster/view/{victim}", follow_redirects=False)
        wrong = api.post("/export/delete", data={"confirm": "Zoe"})
        assert wrong.status_code == 422 and "Nothing was deleted" in wrong.text
        assert rows_of_everyone(app) == before
        page = api.post("/export/delete", data={"confirm": "Zoe Victim"})
        assert page.status_code == 200 and "Zoe Victim is gone" in page.text
    else:
        cli = make_cli(database_url, tmp_path, monkeypatch)
        result = cli("athlete", "remove", "Zoe Victim", "--yes")
        assert result.code == 0, result.err

    after = rows_of_everyone(app)
    assert traces(after, victim, marker) == []
    # The victim's login counts went with their account; the coach's and the keeper's stay
    # (issue 9: deletion really removes it). Client-IP keys are nobody's account.
    throttled = {r["key"] for r in after["login_throttle"]}
    victim_keys = {k for r in before["login_throttle"] if marker.lower() in (k := r["key"])}
    assert victim_keys == {
        f"email:{marker.lower()}@example.org",
        f"reset:email:{marker.lower()}@example.org",
        f"email:coach-{marker.lower()}@example.org",
    }
    assert throttled & victim_keys == {f"email:coach-{marker.lower()}@example.org"}
    assert f"email:{keeper_marker.lower()}@example.org" in throttled
    assert traces(after, keeper, keeper_marker)  # the other athlete's data stays
    for table in covered:
        assert any(r.get("athlete_id") == keeper for r in after[table]), table
    if backend == "sqlite":
        assert marker.encode() not in file_bytes(database_url)
        assert keeper_marker.encode() in file_bytes(database_url)
