"""Benchmark of `today` and of logging a set against histories of 10 days, 1 year, 10 years.

Run: .venv/bin/python bench/bench_training.py [--runs N] [--cold-runs N]
     .venv/bin/python bench/bench_training.py --profile | --throughput [--no-postgres]
(throw-away SQLite files in a temporary folder; prints Markdown tables; 3-4 minutes by
default on the development machine)

The history (issue 6, "Figures"): one athlete, the demo profile with its days turned so that
the real today is a session day (the CLI refuses logs dated after the real today, and a
`calfcoach log` settles the history up to it) and its race 61 days ahead. The ACTIVE plan is
16 weeks from 10 days ago, the same for every history, so the three differ only by what came
before it:

- 10 days: the sessions of the active plan before today, logged;
- 1 year / 10 years: before it, 1 / 10 chained 52-week plans (a plan is at most 52 weeks;
  each was the active one in its year, as `uow.plans.add` makes the newest plan active),
  every session of each logged.

Every session is logged with its prescribed sets plus as many again and one more per
exercise (about 3,000 sets a year at 2 sessions a week; real loggers do more or fewer), RPE 5-8,
pain 0-2, and a check-in the morning after. The rows go in through the repositories in one
transaction (no CLI), then `training.settle` runs once as of today, as the first write of the
day would: every past session of the active plan is fixed (R-HIST) and the engine snapshot
is stored as of yesterday. That file is kept as the pristine copy; every measurement starts
from a copy of it.

Measures, for each history, with the snapshot and without it (the snapshot row deleted):
1. warm `today`: ``training.day_plan`` in a process that has everything imported and the
   database open, through SQLAlchemy (``Database``) and through the standard library's reader
   (``SqliteReader``, what the CLI's `today` uses on a SQLite file); median of N;
2. warm log of one set: ``training.log_set`` for a set of today's session (one committed
   transaction). With the snapshot: consecutive sets 1..N of one exercise (``settle`` stores
   the snapshot again at each); without: the snapshot deleted before each call; median;
3. cold `calfcoach today --date TODAY [--format json]` and cold `calfcoach log --date TODAY
   --exercise ... --set 1 ...` (the file restored before each run, not timed) as new
   processes with CALFCOACH_HOME set, against `python -c pass`: hyperfine if installed
   (``-N``, one warm-up, medians), else a loop of subprocess runs. Defaults: 11 warm runs,
   7 cold runs. The cold runs have bytecode, as a real install does (``coldstart.py``:
   ``PYTHONDONTWRITEBYTECODE`` removed, every command run once untimed before).

``--profile``: cProfile of a warm `today` and a warm `log_set` on the 10-year history, with
and without the snapshot: the top functions by cumulative time.
``--throughput``: the storage benchmark of issue 3 (sets per second through the service,
`progress` over ten years), on SQLite and on PostgreSQL at CALFCOACH_TEST_POSTGRES_URL
(default postgresql://postgres@127.0.0.1:5432/postgres; ``--no-postgres`` to skip it).
"""

from __future__ import annotations

import cProfile
import datetime as dt
import json
import os
import secrets
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from calfcoach.bootstrap import context_for
from calfcoach.catalog import load_catalog
from calfcoach.core.models import DAYS, CheckIn, LoggedSet, Profile, Race, Session
from calfcoach.core.planner import build_plan
from calfcoach.profile_io import load_profile
from calfcoach.services import athletes, progress, training
from calfcoach.services.access import Actor
from calfcoach.services.athletes import find_athlete_id
from calfcoach.services.context import ServiceContext
from calfcoach.settings import DATABASE_FILE, sqlite_url
from calfcoach.storage import migrate
from calfcoach.storage.db import Database
from calfcoach.storage.sqlite_reader import open_reader

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_plan import top_functions  # noqa: E402
from coldstart import cold_env, compile_bytecode  # noqa: E402


def local(database: Any) -> tuple[ServiceContext, Actor]:
    """A service context on ``database`` and the local user (as the CLI calls the services)."""
    return context_for(database), Actor.local()


def on(database: Any, name: str | None = None) -> tuple[ServiceContext, Actor, int]:
    """``local(database)`` and the id of the athlete named ``name`` (None: the only one)."""
    ctx, actor = local(database)
    return ctx, actor, find_athlete_id(ctx, actor, name)


ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "examples" / "demo-profile.json"
NAME = "bench"
TODAY = dt.date.today()
ACTIVE_DAYS_AGO = 10
ACTIVE_WEEKS = 16
PRIOR_WEEKS = 52
HISTORIES = (("10 days", 0), ("1 year", 1), ("10 years", 10))


OFF_PLAN_VALUE = {"reps": 10, "seconds": 30, "contacts": 20, "distance_m": 10}
"""What a set off the plan logs, by the exercise's unit."""


def loggable_sets(
    session_items: list[dict[str, Any]], catalog_items: list[dict[str, Any]]
) -> list[tuple[str, str, int]]:
    """(exercise, measure, value) of the sets the web benches log: today's session's
    exercises with their planned values, then the rest of the catalog (sets off the plan),
    so that each athlete has 100 distinct sets per exercise (set numbers 1-50, two sides):
    no run is long or fast enough to log one twice (a 409, D-26)."""
    sets = []
    for item in session_items:
        measure = next(
            (k for k in ("reps", "seconds", "contacts", "distance_m") if item.get(k)), "reps"
        )
        sets.append((item["exercise"], measure, int(item.get(measure) or 10)))
    planned = {exercise for exercise, _, _ in sets}
    for exercise in catalog_items:
        if exercise["id"] not in planned:
            measure = "distance_m" if exercise["unit"] == "distance" else exercise["unit"]
            sets.append((exercise["id"], measure, OFF_PLAN_VALUE[measure]))
    return sets


# ---------------------------------------------------------------- the history


def bench_profile(today: dt.date) -> Profile:
    """The demo profile with its week turned so that ``today`` is a session day (the demo
    trains on its first session weekday; every day moves by the same shift) and its race 61
    days ahead, so the figures do not depend on the date the bench runs."""
    demo = load_profile(DEMO)
    first = build_plan(demo, load_catalog(), dt.date(2026, 1, 5), 1).sessions[0].date
    shift = today.weekday() - first.weekday()

    def turned(day: str) -> str:
        return DAYS[(DAYS.index(day) + shift) % 7]

    return demo.model_copy(
        update={
            "free_days": frozenset(turned(d) for d in demo.free_days),
            "runs": tuple(r.model_copy(update={"day": turned(r.day)}) for r in demo.runs),
            "races": (Race(date=today + dt.timedelta(days=61), distance_km=21.1),),
        }
    )


def logged_sets(session: Session, index: int) -> list[LoggedSet]:
    """The session's prescribed sets and as many again plus one, per exercise and side."""
    out = []
    for p in session.exercises:
        sides = ("left", "right") if p.per_side else ("both",)
        for number in range(1, 2 * p.sets + 2):
            for side in sides:
                out.append(
                    LoggedSet(
                        date=session.date,
                        exercise=p.exercise,
                        set_number=number,
                        reps=p.reps,
                        seconds=p.seconds,
                        distance_m=p.distance_m,
                        contacts=p.contacts,
                        load_kg=p.added_load_kg,
                        side=side,  # type: ignore[arg-type]
                        rpe=5 + index % 4,
                        pain=index % 3,
                        planned_reps=p.reps,
                        planned_seconds=p.seconds,
                        planned_distance_m=p.distance_m,
                        planned_contacts=p.contacts,
                        planned_load_kg=p.added_load_kg,
                        scheme=p.scheme,
                    )
                )
    return out


@dataclass(frozen=True, slots=True)
class History:
    label: str
    path: Path
    """The pristine database file (settled, snapshot as of yesterday)."""
    no_snapshot: Path
    """The same without the snapshot row."""
    first_day: dt.date
    sets: int
    sessions: int
    build_seconds: float
    settle_seconds: float


def fill_history(
    database: Database, prior: int, today: dt.date = TODAY, name: str = NAME
) -> tuple[int, int, dt.date, float]:
    """Store the bench athlete's history (module docstring) in ``database`` (any backend) and
    settle it as of ``today``: (sets, sessions, first day, seconds the settling took)."""
    profile = bench_profile(today)
    catalog = load_catalog()
    active = today - dt.timedelta(days=ACTIVE_DAYS_AGO)
    starts = [active - dt.timedelta(weeks=PRIOR_WEEKS * j) for j in range(prior, 0, -1)]
    starts.append(active)
    sets = sessions = 0
    with database.unit_of_work() as uow:
        athlete = uow.athletes.add(name, profile)
        for k, start in enumerate(starts):
            weeks = ACTIVE_WEEKS if start == active else PRIOR_WEEKS
            plan = build_plan(profile, catalog, start, weeks)
            uow.plans.add(athlete.id, plan, profile)
            end = starts[k + 1] if k + 1 < len(starts) else today
            for session in plan.sessions:
                if session.date >= end or not session.exercises:
                    continue
                rows = logged_sets(session, sessions)
                uow.logs.log_session(athlete.id, session.date, rows)
                morning = session.date + dt.timedelta(days=1)
                if morning < today:
                    uow.logs.add_checkin(
                        athlete.id, CheckIn(morning, sessions % 3, (sessions + 1) % 3)
                    )
                sets += len(rows)
                sessions += 1
        uow.commit()
    t0 = time.perf_counter()
    with database.unit_of_work() as uow:
        athlete = uow.athletes.by_name(name)
        training.settle(uow, athlete, today)
        uow.commit()
    return sets, sessions, starts[0], time.perf_counter() - t0


def build_history(folder: Path, label: str, prior: int, today: dt.date = TODAY) -> History:
    t0 = time.perf_counter()
    path = folder / f"pristine-{prior}.sqlite3"
    url = sqlite_url(path)
    migrate.upgrade(url)
    with Database(url) as database:
        sets, sessions, first_day, settled = fill_history(database, prior, today)
    built = time.perf_counter() - t0 - settled
    checkpoint(path)
    bare = folder / f"pristine-{prior}-no-snapshot.sqlite3"
    shutil.copyfile(path, bare)
    with sqlite3.connect(bare) as connection:
        connection.execute("DELETE FROM engine_snapshots")
    checkpoint(bare)
    return History(label, path, bare, first_day, sets, sessions, built, settled)


def checkpoint(path: Path) -> None:
    """Fold the WAL into the file, so a plain copy of the file is the whole database."""
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()


def restore(source: Path, target: Path) -> None:
    for suffix in ("-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(source, target)


# ---------------------------------------------------------------- warm


def median_ms(
    call: Callable[[], object], repeat: int, before: Callable[[], object] | None = None
) -> tuple[float, float]:
    """Median and best wall time of ``repeat`` calls, in ms (``before`` runs untimed)."""
    times = []
    for _ in range(repeat):
        if before is not None:
            before()
        t = time.perf_counter()
        call()
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1000, min(times) * 1000


def todays_set(database: Database, today: dt.date) -> tuple[str, str, int | None, int | None]:
    """(exercise, side, reps, seconds) of the first exercise of today's session."""
    session = training.day_plan(*on(database, NAME), today).session_on(today)
    if session is None or not session.exercises:
        raise SystemExit(f"no session on {today}: the bench profile should train today")
    p = session.exercises[0]
    if p.reps is None and p.seconds is None:
        raise SystemExit(f"{p.exercise} on {today} is not dosed in reps or seconds")
    return p.exercise, "left" if p.per_side else "both", p.reps, p.seconds


def warm(
    history: History, folder: Path, snapshot: bool, runs: int
) -> dict[str, tuple[float, float]]:
    work = folder / f"warm-{history.label.replace(' ', '-')}-{snapshot}.sqlite3"
    restore(history.path if snapshot else history.no_snapshot, work)
    url = sqlite_url(work)
    out: dict[str, tuple[float, float]] = {}
    reader = open_reader(url)
    assert reader is not None
    with Database(url) as database, reader:
        # The athlete's id is found once, outside the timing (the CLI's name lookup is not
        # part of the use case).
        targets = {id(db): on(db, NAME) for db in (database, reader)}
        day = lambda db: training.day_plan(*targets[id(db)], TODAY)  # noqa: E731
        day(database), day(reader)  # warm-up: imports, catalog, skeleton cache
        out["today_db"] = median_ms(lambda: day(database), runs)
        out["today_reader"] = median_ms(lambda: day(reader), runs)
        exercise, side, reps, seconds = todays_set(database, TODAY)
        numbers = iter(range(1, 51))

        def log() -> None:
            entry = training.SetInput(
                exercise=exercise, set_number=next(numbers), reps=reps, seconds=seconds,
                side=side, rpe=6, pain=0,
            )  # fmt: skip
            training.log_set(*targets[id(database)], TODAY, entry, today=TODAY)

        def drop_snapshot() -> None:
            with database.unit_of_work() as uow:
                uow.snapshots.invalidate(uow.athletes.by_name(NAME).id, dt.date.min)
                uow.commit()

        out["log"] = median_ms(log, min(runs, 49), None if snapshot else drop_snapshot)
    return out


# ---------------------------------------------------------------- cold


def cold(history: History, folder: Path, snapshot: bool, runs: int) -> dict[str, float]:
    """Median seconds of cold processes: python -c pass, today (json, table), log one set."""
    home = folder / "home"
    home.mkdir(exist_ok=True)
    database = home / DATABASE_FILE
    source = history.path if snapshot else history.no_snapshot
    restore(source, database)
    env = {**cold_env(), "CALFCOACH_HOME": str(home)}
    env.pop("CALFCOACH_DATABASE_URL", None)
    with Database(sqlite_url(database)) as db:
        exercise, side, reps, seconds = todays_set(db, TODAY)
    restore(source, database)
    exe = str(Path(sys.executable).with_name("calfcoach"))
    day = TODAY.isoformat()
    dose = ["--reps", str(reps)] if seconds is None else ["--seconds", str(seconds)]
    commands = {
        "pass": [sys.executable, "-c", "pass"],
        "today_json": [exe, "today", "--date", day, "--format", "json"],
        "today_table": [exe, "today", "--date", day],
        "log": [exe, "log", "--date", day, "--exercise", exercise, "--set", "1", *dose,
                "--side", side, "--rpe", "6", "--pain", "0"],
    }  # fmt: skip
    script = folder / "restore.sh"
    script.write_text(f'rm -f "{database}-wal" "{database}-shm"\ncp "{source}" "{database}"\n')
    prepares = {"log": ["sh", str(script)]}
    compile_bytecode(commands.values(), env)  # a real install has bytecode (coldstart.py)
    hyperfine = shutil.which("hyperfine")
    if hyperfine:
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "hyperfine.json"
            argv = [hyperfine, "-N", "--warmup", "1", "--runs", str(runs)]
            argv += ["--export-json", str(out)]
            for label in commands:
                argv += ["--prepare", " ".join(prepares.get(label, ["true"]))]
            argv += [" ".join(command) for command in commands.values()]
            done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
            if done.returncode:
                raise SystemExit(f"hyperfine failed:\n{done.stdout}\n{done.stderr}")
            results = json.loads(out.read_text())["results"]
        return {label: r["median"] for label, r in zip(commands, results, strict=True)}
    medians = {}
    for label, command in commands.items():
        times = []
        for _ in range(runs + 1):
            if label in prepares:
                subprocess.run(prepares[label], check=True)
            t = time.perf_counter()
            subprocess.run(command, env=env, capture_output=True, check=True)
            times.append(time.perf_counter() - t)
        medians[label] = statistics.median(times[1:])
    return medians


# ---------------------------------------------------------------- profile


def profile_ten_years(folder: Path) -> None:
    history = build_history(folder, "10 years", 10)
    for snapshot in (True, False):
        work = folder / f"profile-{snapshot}.sqlite3"
        restore(history.path if snapshot else history.no_snapshot, work)
        url = sqlite_url(work)
        reader = open_reader(url)
        assert reader is not None
        with Database(url) as database, reader:
            read_target, write_target = on(reader, NAME), on(database, NAME)
            training.day_plan(*read_target, TODAY)
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(10):
                training.day_plan(*read_target, TODAY)
            profiler.disable()
            state = "with" if snapshot else "without"
            print(f"\n### warm `today` (SqliteReader), 10 years, {state} the snapshot, 10 calls\n")
            print(top_functions(profiler, 25))
            print("\nby own time:\n")
            print(top_functions(profiler, 12, own=True))
            exercise, side, reps, seconds = todays_set(database, TODAY)
            profiler = cProfile.Profile()
            for number in range(1, 11):
                if not snapshot:
                    with database.unit_of_work() as uow:
                        uow.snapshots.invalidate(uow.athletes.by_name(NAME).id, dt.date.min)
                        uow.commit()
                entry = training.SetInput(
                    exercise=exercise, set_number=number, reps=reps, seconds=seconds,
                    side=side, rpe=6, pain=0,
                )  # fmt: skip
                profiler.enable()
                training.log_set(*write_target, TODAY, entry, today=TODAY)
                profiler.disable()
            print(f"\n### warm `log_set`, 10 years, {state} the snapshot, 10 calls\n")
            print(top_functions(profiler, 25))
            print("\nby own time:\n")
            print(top_functions(profiler, 12, own=True))


# ---------------------------------------------------------------- main


def history_figures(runs: int, cold_runs: int) -> None:
    load_before = os.getloadavg()
    rows: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        print("| history | first day | sessions | sets | build (s) | first settle (s) |")
        print("|---|---|---|---|---|---|")
        histories = []
        for label, prior in HISTORIES:
            history = build_history(folder, label, prior)
            histories.append(history)
            print(
                f"| {label} | {history.first_day} | {history.sessions:,} | {history.sets:,} "
                f"| {history.build_seconds:.1f} | {history.settle_seconds:.2f} |"
            )
        base: dict[tuple[bool, str], float] = {}
        for history in histories:
            for snapshot in (True, False):
                w = warm(history, folder, snapshot, runs)
                c = cold(history, folder, snapshot, cold_runs)
                cells = [history.label, "yes" if snapshot else "no"]
                for name in ("today_db", "today_reader", "log"):
                    median, best = w[name]
                    first = base.setdefault((snapshot, name), median)
                    cells.append(f"{median:.1f} / {best:.1f} ({median / first:.1f}x)")
                for name in ("today_json", "today_table", "log"):
                    cells.append(f"{c[name] * 1000:.0f} ({c[name] / c['pass']:.0f}x)")
                cells.append(f"{c['pass'] * 1000:.1f}")
                rows.append("| " + " | ".join(cells) + " |")
    tool = "hyperfine -N" if shutil.which("hyperfine") else "subprocess loop"
    print(
        f"\nWarm: ms, median / best of {runs} (x: median against the 10-day history, same "
        f"snapshot setting). Cold: ms, {tool}, median of {cold_runs} (x: against "
        "`python -c pass`).\n"
    )
    print(
        "| history | snapshot | warm `today` (SQLAlchemy) | warm `today` (sqlite3 reader) "
        "| warm log one set | cold `today --format json` | cold `today` (table) "
        "| cold `log` one set | cold `python -c pass` |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    print("\n".join(rows))
    after = os.getloadavg()
    print(
        f"\ntoday {TODAY} ({TODAY:%a}); load average (1/5 min) before: {load_before[0]:.1f}/"
        f"{load_before[1]:.1f}, after: {after[0]:.1f}/{after[1]:.1f} on {os.cpu_count()} CPUs"
    )


def option(name: str, default: int) -> int:
    return int(sys.argv[sys.argv.index(name) + 1]) if name in sys.argv else default


def main() -> None:
    if "--profile" in sys.argv:
        with tempfile.TemporaryDirectory() as tmp:
            profile_ten_years(Path(tmp))
        return
    if "--throughput" in sys.argv:
        throughput()
        return
    history_figures(option("--runs", 11), option("--cold-runs", 7))


# ---------------------------------------------------------------- --throughput (issue 3)

START = dt.date(2016, 1, 4)  # a Monday, ten years before THEN
THEN = dt.date(2025, 12, 28)
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
    athletes.add_athlete(*local(database), load_profile(DEMO), start=START, weeks=weeks, name=NAME)
    return NAME


def sets_per_second(database: Database, n: int = 50) -> dict[str, float]:
    name = add_demo(database)
    exercises = ["toe-taps", "ankle-rotations", "short-foot", "banded-foot-pull"]

    def entry(exercise: str, number: int) -> training.SetInput:
        # Each in the exercise's own measure (a set in another one is refused).
        measure = "seconds" if exercise in ("toe-taps", "ankle-rotations") else "reps"
        return training.SetInput(
            exercise=exercise, set_number=number, rpe=5, pain=0, **{measure: 10}
        )

    t = time.perf_counter()
    for number in range(1, n + 1):
        training.log_set(*on(database, name), LOG_DAY, entry(exercises[0], number), today=THEN)
    per_set = n / (time.perf_counter() - t)

    session = training.today_session(*on(database, name), LOG_DAY)
    t = time.perf_counter()
    for number in range(1, n + 1):
        training.log_set(*on(database, name), LOG_DAY, entry(exercises[1], number), today=THEN,
            session=session, use_session=True,
        )  # fmt: skip
    interactive = n / (time.perf_counter() - t)

    days = [s.date for s in training.current_plan(*on(database, name), START).plan.sessions][1:9]
    t = time.perf_counter()
    count = 0
    for day in days:
        count += len(training.log_session_as_prescribed(*on(database, name), day, today=THEN).sets)
    whole = count / (time.perf_counter() - t)
    return {"log_set": per_set, "interactive": interactive, "whole": whole}


def ten_years(database: Database) -> int:
    """Ten years of a demo athlete's history: 3 sessions a week, about 30,000 sets."""
    name = add_demo(database, weeks=52)
    plan = training.current_plan(*on(database, name), START).stored.plan
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
            uow.logs.add_checkin(athlete.id, CheckIn(START + dt.timedelta(days=7 * week + 3),
                                                     week % 4, week % 3))  # fmt: skip
        uow.commit()
    return total


def progress_ms(database: Database, repeat: int = 15) -> tuple[int, float, float, float, float]:
    """Sets generated; service call median and best; report computation median and best (ms)."""
    from calfcoach.core import load

    total = ten_years(database)
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        progress.progress_report(*on(database, NAME), THEN)
        times.append(time.perf_counter() - t)
    with database.unit_of_work(read_only=True) as uow:
        log = uow.logs.load_training_log(uow.athletes.by_name(NAME).id)
    regions = {ex.id: ex.region for ex in load_catalog()}
    days = load.day_totals(log.sets)
    pure = []
    for _ in range(repeat):
        t = time.perf_counter()
        load.summarize(days, log.checkins, regions)
        pure.append(time.perf_counter() - t)
    return (
        total,
        statistics.median(times) * 1000,
        min(times) * 1000,
        statistics.median(pure) * 1000,
        min(pure) * 1000,
    )


def throughput() -> None:
    backends = {"SQLite": sqlite_database}
    if "--no-postgres" not in sys.argv:
        backends["PostgreSQL"] = postgres_database
    print("| measure | backend | figure |")
    print("|---|---|---|")
    for label, opener in backends.items():
        with opener() as database:
            rates = sets_per_second(database)
        print(f"| sets/s, `log_set` (plan walked per call, 1 transaction per set) | {label} | "
              f"{rates['log_set']:.0f} |")  # fmt: skip
        print(f"| sets/s, `log_set` with the day's session known (interactive log) | {label} | "
              f"{rates['interactive']:.0f} |")  # fmt: skip
        print(f"| sets/s, whole sessions as prescribed (1 transaction per session) | {label} | "
              f"{rates['whole']:.0f} |")  # fmt: skip
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
