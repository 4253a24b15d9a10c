"""Benchmark of the training log (issue: storage, services, CLI).

Run: .venv/bin/python bench/bench_training.py [--no-postgres]
(uses throw-away databases: a temporary SQLite file, and a temporary PostgreSQL database on
CALFCOACH_TEST_POSTGRES_URL, default postgresql://postgres@127.0.0.1:5432/postgres; prints a
Markdown table)

Measures
1. logged sets per second through the service layer (`training.log_set`, one transaction
   per set, as `calfcoach log --exercise ...` does; and with the day's session computed once,
   as the interactive `calfcoach log` does), and sets per second of whole sessions logged as
   prescribed (one transaction per session), on SQLite and PostgreSQL;
2. the wall time of a cold `calfcoach today` process (JSON and table) next to `python -c pass`;
3. `progress` over ten years of generated history (about 30,000 logged sets): the service
   call (database read + report) and the pure report alone.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from calfcoach.core.models import LoggedSet
from calfcoach.profile_io import load_profile
from calfcoach.services import athletes, progress, training
from calfcoach.settings import sqlite_url
from calfcoach.storage import migrate
from calfcoach.storage.db import Database

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "examples" / "demo-profile.json"
START = dt.date(2016, 1, 4)  # a Monday, ten years before TODAY
TODAY = dt.date(2025, 12, 28)
LOG_DAY = dt.date(2016, 1, 6)  # a session day of the demo plan from START
EXTRA_SETS = (1, 2)  # extra sets per exercise, alternate weeks: ~31,000 sets in all
ADMIN_URL = os.environ.get(
    "CALFCOACH_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)


@contextmanager
def sqlite_database() -> Iterator[Database]:
    with tempfile.TemporaryDirectory() as folder:
        url = sqlite_url(Path(folder) / "bench.sqlite3")
        migrate.upgrade(url)
        with Database(url) as database:
            yield database


@contextmanager
def postgres_database() -> Iterator[Database]:
    import psycopg
    from sqlalchemy.engine import make_url

    name = f"calfcoach_bench_{secrets.token_hex(4)}"
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")  # type: ignore[arg-type]
    url = make_url(ADMIN_URL).set(drivername="postgresql+psycopg", database=name)
    text = url.render_as_string(hide_password=False)
    try:
        migrate.upgrade(text)
        with Database(text) as database:
            yield database
    finally:
        with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")  # type: ignore[arg-type]


def add_demo(database: Database, weeks: int = 8) -> str:
    athletes.add_athlete(database, load_profile(DEMO), start=START, weeks=weeks, name="bench")
    return "bench"


# ---------------------------------------------------------------- 1. sets per second


def sets_per_second(database: Database, n: int = 50) -> dict[str, float]:
    name = add_demo(database)
    exercises = ["toe-taps", "ankle-rotations", "short-foot", "banded-foot-pull"]

    def entry(exercise: str, number: int) -> training.SetInput:
        return training.SetInput(exercise=exercise, set_number=number, reps=10, rpe=5, pain=0)

    t = time.perf_counter()
    for number in range(1, n + 1):
        training.log_set(database, name, LOG_DAY, entry(exercises[0], number), today=TODAY)
    per_set = n / (time.perf_counter() - t)

    session = training.today_session(database, name, LOG_DAY)
    t = time.perf_counter()
    for number in range(1, n + 1):
        training.log_set(
            database, name, LOG_DAY, entry(exercises[1], number), today=TODAY,
            session=session, use_session=True,
        )  # fmt: skip
    interactive = n / (time.perf_counter() - t)

    days = [s.date for s in training.current_plan(database, name, START).plan.sessions][1:9]
    t = time.perf_counter()
    count = 0
    for day in days:
        count += len(training.log_session_as_prescribed(database, name, day, today=TODAY).sets)
    whole = count / (time.perf_counter() - t)
    return {"log_set": per_set, "interactive": interactive, "whole": whole}


# ---------------------------------------------------------------- 2. cold `calfcoach today`


def cold_ms(command: list[str], env: dict[str, str], repeat: int = 15) -> float:
    subprocess.run(command, env=env, capture_output=True, check=True)  # warm the disk cache
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        subprocess.run(command, env=env, capture_output=True, check=True)
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1000


def cold_today() -> tuple[float, float, float]:
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "CALFCOACH_HOME": home}
        env.pop("CALFCOACH_DATABASE_URL", None)
        calfcoach = str(Path(sys.executable).with_name("calfcoach"))
        subprocess.run(
            [calfcoach, "athlete", "add", "--profile", str(DEMO), "--start", "2026-01-05"],
            env=env, capture_output=True, check=True,
        )  # fmt: skip
        today = cold_ms([calfcoach, "today", "--date", "2026-01-07", "--format", "json"], env)
        table = cold_ms([calfcoach, "today", "--date", "2026-01-07"], env)
        python = cold_ms([sys.executable, "-c", "pass"], env)
    return today, table, python


# ---------------------------------------------------------------- 3. progress over ten years


def ten_years(database: Database) -> int:
    """Ten years of a demo athlete's history: 3 sessions a week, about 30,000 sets."""
    name = add_demo(database, weeks=52)
    plan = training.current_plan(database, name, START).stored.plan
    template = [s for s in plan.sessions[:8]]
    total = 0
    with database.unit_of_work() as uow:
        athlete = uow.athletes.by_name(name)
        for week in range(520):
            for index in range(3):
                session = template[(3 * week + index) % len(template)]
                day = START + dt.timedelta(days=7 * week + 2 * index)
                sets = [
                    LoggedSet(
                        date=day,
                        exercise=p.exercise,
                        set_number=number,
                        reps=p.reps,
                        seconds=p.seconds,
                        distance_m=p.distance_m,
                        contacts=p.contacts,
                        load_kg=(p.added_load_kg or 0) + week * 0.05 if p.added_load_kg else None,
                        side=side,
                        rpe=6 + (week % 3),
                        pain=week % 4,
                        planned_reps=p.reps,
                        scheme=p.scheme,
                    )
                    for p in session.exercises
                    for number in range(1, p.sets + EXTRA_SETS[week % 2] + 1)
                    for side in (("left", "right") if p.per_side else ("both",))
                ]
                uow.logs.log_session(athlete.id, day, sets)
                total += len(sets)
            from calfcoach.core.models import CheckIn

            uow.logs.add_checkin(athlete.id, CheckIn(START + dt.timedelta(days=7 * week + 3),
                                                     week % 4, week % 3))  # fmt: skip
        uow.commit()
    return total


def progress_ms(database: Database, repeat: int = 15) -> tuple[int, float, float, float, float]:
    """Sets generated; service call median and best; report computation median and best (ms)."""
    from calfcoach.catalog import load_catalog
    from calfcoach.core import load

    total = ten_years(database)
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        progress.progress_report(database, "bench", TODAY)
        times.append(time.perf_counter() - t)
    with database.unit_of_work(read_only=True) as uow:
        log = uow.logs.load_training_log(uow.athletes.by_name("bench").id)
    regions = {ex.id: ex.region for ex in load_catalog()}
    days = load.day_totals(log.sets)
    pure = []
    for _ in range(repeat):
        t = time.perf_counter()
        load.summarize(days, log.checkins, regions)
        load.usual_pain(log.checkins)
        pure.append(time.perf_counter() - t)
    return (
        total,
        statistics.median(times) * 1000,
        min(times) * 1000,
        statistics.median(pure) * 1000,
        min(pure) * 1000,
    )


def main() -> None:
    backends = {"SQLite": sqlite_database}
    if "--no-postgres" not in sys.argv:
        backends["PostgreSQL"] = postgres_database
    print("| measure | backend | figure |")
    print("|---|---|---|")
    for label, opener in backends.items():
        with opener() as database:
            rates = sets_per_second(database)
        print(f"| sets/s, `log_set` (plan adapted per call, 1 transaction per set) | {label} | "
              f"{rates['log_set']:.0f} |")  # fmt: skip
        print(f"| sets/s, `log_set` with the day's session known (interactive log) | {label} | "
              f"{rates['interactive']:.0f} |")  # fmt: skip
        print(f"| sets/s, whole sessions as prescribed (1 transaction per session) | {label} | "
              f"{rates['whole']:.0f} |")  # fmt: skip
    today, table, python = cold_today()
    print(f"| cold `calfcoach today --format json` (median of 15) | SQLite | {today:.0f} ms |")
    print(f"| cold `calfcoach today` (table; median of 15) | SQLite | {table:.0f} ms |")
    print(f"| cold `python -c pass` (median of 15) | - | {python:.0f} ms |")
    for label, opener in backends.items():
        with opener() as database:
            total, service, service_best, pure, pure_best = progress_ms(database)
        print(f"| `progress` over ten years ({total:,} sets): service call, median (best) of 15 "
              f"| {label} | {service:.0f} ms ({service_best:.0f} ms) |")  # fmt: skip
        print(f"| `progress` over ten years: report computation alone, median (best) | {label} "
              f"| {pure:.0f} ms ({pure_best:.0f} ms) |")  # fmt: skip
    print(f"\nload average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
