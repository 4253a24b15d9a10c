"""Benchmark of the plan engine and of the CLI's cold start (issue: coaching core).

Run: .venv/bin/python bench/bench_plan.py   (writes nothing; prints a Markdown table)

Measures
1. the time to build one 16-week plan (median of many, a typical profile);
2. plans per second over 1,000 random profiles (seeded), 16 weeks each, on one core;
3. the wall time of a cold `calfcoach plan --format json` process next to `python -c pass`.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

from calfcoach.catalog import load_catalog
from calfcoach.core.models import COMPLAINTS, DAYS, EQUIPMENT, LEVELS, Profile, Run
from calfcoach.core.planner import build_plan

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "examples" / "demo-profile.json"
START = dt.date(2026, 1, 5)


def random_profile(rng: random.Random) -> Profile:
    runs = [
        Run(day=rng.choice(DAYS), kind=rng.choice(("easy", "hard", "long")))
        for _ in range(rng.randint(0, 6))
    ]
    return Profile(
        level=rng.choice(LEVELS),
        body_mass_kg=rng.choice((None, round(rng.uniform(45, 110), 1))),
        equipment=frozenset(rng.sample(EQUIPMENT, rng.randint(0, len(EQUIPMENT)))),
        free_days=frozenset(rng.sample(DAYS, rng.randint(1, 7))),
        sessions_per_week=rng.randint(1, 3),
        session_minutes=rng.randint(10, 90),
        runs=tuple(runs),
        races=tuple(
            START + dt.timedelta(days=rng.randint(0, 16 * 7)) for _ in range(rng.randint(0, 2))
        ),
        complaints=frozenset(rng.sample(COMPLAINTS, rng.choice((0, 0, 0, 1, 2)))),
    )


def one_plan_ms(catalog, profile: Profile, repeat: int = 200) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        build_plan(profile, catalog, START, 16)
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1000


def plans_per_second(catalog, n: int = 1000, runs: int = 3) -> float:
    """Median over `runs` passes of `n` seeded random profiles, after a warm-up on 100 other
    profiles (a different seed, so the measured profiles' own results are never cached)."""
    warm = random.Random(1)
    for _ in range(100):
        build_plan(random_profile(warm), catalog, START, 16)
    rng = random.Random(20261123)
    profiles = [random_profile(rng) for _ in range(n)]
    rates = []
    for _ in range(runs):
        t = time.perf_counter()
        for p in profiles:
            build_plan(p, catalog, START, 16)
        rates.append(n / (time.perf_counter() - t))
    return statistics.median(rates)


def cold_wall(cmd: list[str], runs: int = 15) -> float:
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="0")
    subprocess.run(cmd, capture_output=True, env=env, check=False)  # warm the OS file cache
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run(cmd, capture_output=True, env=env, check=True)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> None:
    try:
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})  # one core
    except (AttributeError, OSError):
        pass
    catalog = load_catalog()
    from calfcoach.profile_io import load_profile

    demo = load_profile(DEMO)
    single = one_plan_ms(catalog, demo)
    pps = plans_per_second(catalog)
    exe = str(Path(sys.executable).with_name("calfcoach"))
    py_pass = cold_wall([sys.executable, "-c", "pass"])
    cli = cold_wall(
        [
            exe,
            "plan",
            "--profile",
            str(DEMO),
            "--start",
            "2026-01-05",
            "--weeks",
            "16",
            "--format",
            "json",
        ]
    )
    cli_table = cold_wall(
        [exe, "plan", "--profile", str(DEMO), "--start", "2026-01-05", "--weeks", "16"]
    )
    print("| measure | figure | target |")
    print("|---|---|---|")
    print(f"| one 16-week plan (demo profile, median of 200) | {single:.2f} ms | |")
    print(
        f"| 16-week plans per second, 1,000 random profiles, one core (median of 3) | {pps:,.0f} "
        "| >= 1,000 |"
    )
    print(f"| `python -c pass`, cold process (median of 15) | {py_pass * 1000:.0f} ms | |")
    print(
        f"| `calfcoach plan --format json`, cold process (median of 15) | {cli * 1000:.0f} ms "
        "| <= 400 ms |"
    )
    print(
        f"| `calfcoach plan` (table), cold process (median of 15) | {cli_table * 1000:.0f} ms "
        "| <= 400 ms |"
    )


if __name__ == "__main__":
    main()
