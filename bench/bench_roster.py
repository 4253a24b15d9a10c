"""The roster with 200 athletes, each with a year of history (issue 9, "Figures").

Run: .venv/bin/python bench/bench_roster.py [--athletes 200] [--renders 200] [--no-postgres]

For each backend (a SQLite file in a temporary folder; a throw-away PostgreSQL database at
CALFCOACH_TEST_POSTGRES_URL, default postgresql://postgres@127.0.0.1:5432/postgres):
``--athletes`` athletes like bench_training's bench athlete (a 52-week plan and the active
16-week plan, every session logged, ~3,000 sets and a check-in the morning after each
session), settled as every write settles them (the engine snapshot). Every 10th athlete has a
red-flag check-in today, every 7th a flare (morning pain 5), so the rows differ.

Then, in this process (no server, no network):

- the cold roster: the first one of the day computes every row (``services.roster``) and
  stores it (``day_answers``, D-102);
- ``--renders`` warm rosters through the service (``roster(ctx, Actor.local())``), through
  the page (``GET /roster`` with FastAPI's TestClient) and through the API
  (``GET /api/v1/roster?limit=200``);
- a coach's roster of 20 of the athletes (the filter is in the query).

Prints p50 and p99 per target and the load average (the machine is shared: the figures are
for this machine).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import secrets
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_training import (  # noqa: E402
    ACTIVE_DAYS_AGO,
    ACTIVE_WEEKS,
    ADMIN_URL,
    PRIOR_WEEKS,
    TODAY,
    bench_profile,
    logged_sets,
)

from calfcoach.catalog import load_catalog  # noqa: E402
from calfcoach.core.models import CheckIn, Plan  # noqa: E402
from calfcoach.core.planner import build_plan  # noqa: E402
from calfcoach.services import training  # noqa: E402
from calfcoach.services.access import Actor  # noqa: E402
from calfcoach.services.roster import ROSTER_ANSWER  # noqa: E402
from calfcoach.settings import Settings, sqlite_url  # noqa: E402
from calfcoach.storage import migrate  # noqa: E402
from calfcoach.storage.db import Database  # noqa: E402

COACH_ATHLETES = 20


@cache
def plans() -> tuple[tuple[dt.date, Plan], ...]:
    """The prior year's plan and the active one, planned once (every athlete has the same)."""
    profile = bench_profile(TODAY)
    active = TODAY - dt.timedelta(days=ACTIVE_DAYS_AGO)
    prior = active - dt.timedelta(weeks=PRIOR_WEEKS)
    return tuple(
        (start, build_plan(profile, load_catalog(), start, weeks))
        for start, weeks in ((prior, PRIOR_WEEKS), (active, ACTIVE_WEEKS))
    )


def fill(database: Database, number: int) -> int:
    """One athlete with a year of history (see the module), settled; its id."""
    profile = bench_profile(TODAY)
    stored = plans()
    with database.unit_of_work() as uow:
        athlete = uow.athletes.add(f"Athlete {number:03d}", profile)
        sessions = 0
        for k, (_start, plan) in enumerate(stored):
            uow.plans.add(athlete.id, plan, profile)
            end = stored[k + 1][0] if k + 1 < len(stored) else TODAY
            for session in plan.sessions:
                if session.date >= end or not session.exercises:
                    continue
                uow.logs.log_session(athlete.id, session.date, logged_sets(session, sessions))
                morning = session.date + dt.timedelta(days=1)
                if morning < TODAY:
                    uow.logs.add_checkin(athlete.id, CheckIn(morning, sessions % 3, 1))
                sessions += 1
        if number % 10 == 0:
            uow.logs.add_checkin(athlete.id, CheckIn(TODAY, 2, 1, frozenset({"swelling"})))
        elif number % 7 == 0:
            uow.logs.add_checkin(athlete.id, CheckIn(TODAY, 5, 2))
        uow.commit()
    with database.unit_of_work() as uow:
        training.settle(uow, uow.athletes.get(athlete.id), TODAY)
        uow.commit()
    return athlete.id


def fill_all(database: Database, count: int) -> list[int]:
    started = time.perf_counter()
    ids = [fill(database, number) for number in range(1, count + 1)]
    print(
        f"({count} athletes with a year of history each stored and settled in "
        f"{time.perf_counter() - started:.0f} s)",
        file=sys.stderr,
    )
    return ids


@contextmanager
def sqlite_history(
    folder: Path, count: int, keep: Path | None = None
) -> Iterator[tuple[str, list[int]]]:
    """The SQLite history in ``folder``; with ``keep``, copied from that file when it
    exists (made for the same ``count``), else made and copied there for the next run."""
    target = folder / "roster-bench.sqlite3"
    url = sqlite_url(target)
    if keep is not None and keep.exists():
        shutil.copyfile(keep, target)
        migrate.upgrade(url)
        with Database(url) as database, database.unit_of_work(read_only=True) as uow:
            ids = [a for a, _ in uow.athletes.visible(None)]
        if len(ids) != count:
            raise SystemExit(f"{keep} holds {len(ids)} athletes, not {count}")
        yield url, ids
        return
    migrate.upgrade(url)
    with Database(url) as database:
        ids = fill_all(database, count)
    if keep is not None:
        with sqlite3.connect(target) as source, sqlite3.connect(keep) as copy:
            source.backup(copy)
    yield url, ids


@contextmanager
def postgres_history(count: int, keep: str | None = None) -> Iterator[tuple[str, list[int]]]:
    """A throw-away PostgreSQL database with the history; with ``keep``, the database of
    that name, reused when it exists (made and left there otherwise)."""
    import psycopg
    from sqlalchemy.engine import make_url

    name = keep or f"calfcoach_rosterbench_{secrets.token_hex(4)}"
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if not exists:
            conn.execute(f"CREATE DATABASE {name}")  # type: ignore[arg-type]
    url = make_url(ADMIN_URL).set(drivername="postgresql+psycopg", database=name)
    text = url.render_as_string(hide_password=False)
    try:
        migrate.upgrade(text)
        with Database(text) as database:
            if exists:
                with database.unit_of_work(read_only=True) as uow:
                    ids = [a for a, _ in uow.athletes.visible(None)]
                with psycopg.connect(
                    url.set(drivername="postgresql").render_as_string(hide_password=False)
                ) as conn:  # the rows of an earlier run: the cold roster computes them
                    conn.execute("DELETE FROM day_answers WHERE kind = %s", (ROSTER_ANSWER,))
                if len(ids) != count:
                    raise SystemExit(f"database {name} holds {len(ids)} athletes, not {count}")
            else:
                ids = fill_all(database, count)
        # This machine's PostgreSQL runs with autovacuum off; a real server has it on (the
        # default), and it would have vacuumed the athletes' rows that every write
        # rewrites (the data revision): without it a roster reads ~30 MB of dead rows.
        with psycopg.connect(
            url.set(drivername="postgresql").render_as_string(hide_password=False),
            autocommit=True,
        ) as conn:
            conn.execute("VACUUM ANALYZE")
        yield text, ids
    finally:
        if keep is None:
            with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
                conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")  # type: ignore[arg-type]


def timed(action: Callable[[], object], renders: int) -> tuple[float, float]:
    """p50 and p99 of ``renders`` calls, in ms."""
    times = []
    for _ in range(renders):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    p99 = times[min(len(times) - 1, round(0.99 * (len(times) - 1)))]
    return statistics.median(times), p99


def measure(label: str, url: str, ids: list[int], renders: int, home: Path) -> list[str]:
    from fastapi.testclient import TestClient

    from calfcoach.services.roster import roster
    from calfcoach.web.app import create_app

    app = create_app(Settings(home=home, database_url=url))
    lines = []
    with TestClient(app, client=("127.0.0.1", 50000)) as client:
        ctx = app.state.service_context
        local = Actor.local()
        started, cpu = time.perf_counter(), time.process_time()
        rows = roster(ctx, local, as_of=TODAY)
        cold = (time.perf_counter() - started) * 1000
        cold_cpu = (time.process_time() - cpu) * 1000
        assert len(rows) == len(ids), (len(rows), len(ids))
        flagged = sum(1 for r in rows if r.rank == 0)
        lines.append(
            f"| {label} | cold roster (computes and stores {len(ids)} rows) | {cold:.0f} | - |"
        )
        # The wall time counts the other engineers' load; this process's CPU time does not.
        print(
            f"({label}: cold roster {cold_cpu:.0f} ms of CPU, {cold:.0f} ms wall)", file=sys.stderr
        )
        coach = Actor.for_athletes("coach", 1, ids[:COACH_ATHLETES], ["view"])
        targets: list[tuple[str, Callable[[], object]]] = [
            ("service, local user (every athlete)", lambda: roster(ctx, local, as_of=TODAY)),
            (f"service, a coach of {COACH_ATHLETES}", lambda: roster(ctx, coach, as_of=TODAY)),
            ("page `GET /roster`", lambda: _ok(client.get("/roster"))),
            ("API `GET /api/v1/roster?limit=200`", lambda: _ok(client.get(API))),
            ("page `GET /roster/summary`", lambda: _ok(client.get("/roster/summary"))),
        ]
        for name, action in targets:
            action()  # warm
            p50, p99 = timed(action, renders)
            lines.append(f"| {label} | {name} | {p50:.1f} | {p99:.1f} |")
        print(f"({label}: {flagged} rows with a red flag first)", file=sys.stderr)
    return lines


API = "/api/v1/roster?limit=200"


def _ok(response: object) -> object:
    status = getattr(response, "status_code", None)
    if status != 200:
        raise SystemExit(f"status {status}")
    return response


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--athletes", type=int, default=200)
    parser.add_argument("--renders", type=int, default=200)
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument(
        "--keep-postgres",
        metavar="DATABASE",
        help="a PostgreSQL database to reuse the history from (made and left there on the "
        "first run)",
    )
    parser.add_argument(
        "--keep",
        type=Path,
        help="a SQLite file to reuse the history from (made there on the first run; about "
        "7 minutes for 200 athletes): later runs skip the filling",
    )
    args = parser.parse_args()
    lines = ["| backend | target | p50 ms | p99 ms |", "|---|---|---:|---:|"]
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder)
        with sqlite_history(home, args.athletes, args.keep) as (url, ids):
            lines += measure("SQLite", url, ids, args.renders, home)
        if not args.no_postgres:
            with postgres_history(args.athletes, args.keep_postgres) as (url, ids):
                lines += measure("PostgreSQL", url, ids, args.renders, home)
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"{args.athletes} athletes, {args.renders} warm renders each, load average {load}")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
