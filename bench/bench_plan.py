"""Benchmark of the plan engine (v2, issue 6) and of the CLI's cold start.

Run: .venv/bin/python bench/bench_plan.py [--profile] [--no-cold]
(writes nothing; prints a Markdown table; about a minute on the development machine)

Measures
1. the time to build one 16-week plan (median of many, the demo profile);
2. 16-week plans per second on one core, median of 3 passes; each pass builds the plans of
   1,000 seeded random v2 profiles of its own (races with distances and tune-ups, every
   complaint including ``achilles_insertional``, intake pain, the default sessions per week),
   so no pass is helped by the engine's per-profile skeleton cache; each plan is dropped
   once counted (none is kept alive for the rest of the pass, which the product never does);
3. cold `calfcoach plan --profile examples/demo-profile.json` (JSON and table) against
   `python -c pass`, as a ratio (target <= 10x), with hyperfine when it is installed, else
   a loop of subprocess runs (median of 15). The cold runs have bytecode, as a real install
   does: ``PYTHONDONTWRITEBYTECODE`` is removed from their environment and every command runs
   once, untimed, before (``coldstart.py``).
With ``--profile``: cProfile of ``build_plan`` over 300 random profiles, the top functions by
cumulative time (percent of the total).
"""

from __future__ import annotations

import cProfile
import datetime as dt
import io
import json
import os
import pstats
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from coldstart import cold_env, compile_bytecode

from calfcoach.catalog import load_catalog
from calfcoach.core.models import COMPLAINTS, DAYS, EQUIPMENT, LEVELS, Profile, Race, Run
from calfcoach.core.planner import build_plan

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "examples" / "demo-profile.json"
START = dt.date(2026, 1, 5)
WEEKS = 16
PASS_SEEDS = (20261123, 20261124, 20261125)
DISTANCES = (None, 5.0, 10.0, 21.1, 42.2, 50.0, 100.0)


def random_race(rng: random.Random) -> Race:
    distance = rng.choice(DISTANCES)
    return Race(
        date=START + dt.timedelta(days=rng.randint(-21, WEEKS * 7 + 14)),
        distance_km=distance,
        name=rng.choice((None, "club race")),
        tune_up=distance is not None and distance <= 10 and rng.random() < 0.5,
    )


def random_profile(rng: random.Random) -> Profile:
    """A random v2 profile: every field of the contract varies, as in tests/strategies.py."""
    runs = [
        Run(day=rng.choice(DAYS), kind=rng.choice(("easy", "hard", "long")))
        for _ in range(rng.randint(0, 6))
    ]
    complaints = frozenset(rng.sample(COMPLAINTS, rng.choice((0, 0, 0, 1, 1, 2))))
    return Profile(
        level=rng.choice(LEVELS),
        sex=rng.choice((None, "female", "male")),
        birth_year=rng.choice((None, rng.randint(1950, 2008))),
        body_mass_kg=rng.choice((None, round(rng.uniform(45, 110), 1))),
        equipment=frozenset(rng.sample(EQUIPMENT, rng.randint(0, len(EQUIPMENT)))),
        free_days=frozenset(rng.sample(DAYS, rng.randint(1, 7))),
        sessions_per_week=rng.choice((None, 1, 2, 3)),
        session_minutes=rng.randint(10, 90),
        runs=tuple(runs),
        races=tuple(random_race(rng) for _ in range(rng.choice((0, 0, 1, 1, 2, 3)))),
        complaints=complaints,
        usual_pain=rng.choice((None, None, rng.randint(0, 5))) if complaints else None,
        # A rare referral (R-PAIN-2a: shin with a bone stress history) keeps them honest.
        bone_stress_history=rng.random() < 0.03,
    )


def one_plan_ms(catalog, profile: Profile, repeat: int = 200) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        build_plan(profile, catalog, START, WEEKS)
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1000


def plans_per_second(catalog, n: int = 1000) -> tuple[float, list[float], int, float]:
    """Median of the passes' rates (each over its own ``n`` seeded profiles), the rates, the
    number of plans that came out stopped (a referral) or with no session, and the median
    rate by the process's CPU time (``time.process_time``: on a busy shared machine the wall
    clock also counts the time the process waited for its core)."""
    warm = random.Random(1)
    for _ in range(100):
        build_plan(random_profile(warm), catalog, START, WEEKS)
    rates = []
    cpu_rates = []
    empty = 0
    for seed in PASS_SEEDS:
        rng = random.Random(seed)
        profiles = [random_profile(rng) for _ in range(n)]
        t = time.perf_counter()
        cpu = time.process_time()
        for profile in profiles:
            # Each plan is dropped once looked at, as a request or a command does. A pass
            # that kept its 1,000 plans alive spent ~40 % of its time in the garbage
            # collector, walking them again and again (bench/README.md, stop 18).
            plan = build_plan(profile, catalog, START, WEEKS)
            empty += not any(s.exercises for s in plan.sessions)
        cpu_rates.append(n / (time.process_time() - cpu))
        rates.append(n / (time.perf_counter() - t))
    return statistics.median(rates), rates, empty, statistics.median(cpu_rates)


# ---------------------------------------------------------------- cold processes


def cold_wall(commands: dict[str, list[str]], env: dict[str, str], runs: int = 15) -> dict:
    """Median wall time (s) of each command as a cold process: hyperfine when installed
    (3 warm-up runs, ``--runs``), else a loop of subprocess runs after one warm-up."""
    hyperfine = shutil.which("hyperfine")
    if hyperfine:
        with tempfile.TemporaryDirectory() as folder:
            out = Path(folder) / "hyperfine.json"
            argv = [hyperfine, "--warmup", "3", "--runs", str(runs), "-N", "--export-json"]
            argv += [str(out), *(" ".join(map(_quote, c)) for c in commands.values())]
            subprocess.run(argv, env=env, capture_output=True, check=True)
            results = json.loads(out.read_text())["results"]
        return {label: r["median"] for label, r in zip(commands, results, strict=True)}
    medians = {}
    for label, command in commands.items():
        subprocess.run(command, capture_output=True, env=env, check=False)  # warm the cache
        times = []
        for _ in range(runs):
            t = time.perf_counter()
            subprocess.run(command, capture_output=True, env=env, check=True)
            times.append(time.perf_counter() - t)
        medians[label] = statistics.median(times)
    return medians


def _quote(arg: str) -> str:
    return arg if arg and all(c.isalnum() or c in "/._-=:" for c in arg) else repr(arg)


def cold_plan() -> dict[str, float]:
    exe = str(Path(sys.executable).with_name("calfcoach"))
    plan = [exe, "plan", "--profile", str(DEMO), "--start", "2026-01-05", "--weeks", "16"]
    commands = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "calfcoach plan --format json": [*plan, "--format", "json"],
        "calfcoach plan (table)": plan,
    }
    env = cold_env()
    compile_bytecode(commands.values(), env)
    return cold_wall(commands, env)


# ---------------------------------------------------------------- profile


def profile_build_plan(catalog, n: int = 300, top: int = 25) -> str:
    rng = random.Random(7)
    profiles = [random_profile(rng) for _ in range(n)]
    profiler = cProfile.Profile()
    profiler.enable()
    for p in profiles:
        build_plan(p, catalog, START, WEEKS)
    profiler.disable()
    return (
        f"### build_plan, {n} random profiles, by cumulative time\n\n"
        f"{top_functions(profiler, top)}\n\n### by own time\n\n"
        f"{top_functions(profiler, 15, own=True)}"
    )


def top_functions(profiler: cProfile.Profile, top: int, *, own: bool = False) -> str:
    """The ``top`` functions by cumulative time (by own time with ``own``), as a Markdown
    table with percents of the whole profiled run."""
    stats = pstats.Stats(profiler, stream=io.StringIO())
    entries = stats.stats  # type: ignore[attr-defined]
    total = max(ct for (_cc, _nc, _tt, ct, _callers) in entries.values())
    column = 2 if own else 3
    rows = sorted(entries.items(), key=lambda item: item[1][column], reverse=True)
    lines = ["| function | calls | cumulative | own |", "|---|---|---|---|"]
    for (file, line, name), (_cc, calls, own, cumulative, _callers) in rows[:top]:
        where = file.split("/src/")[-1] if "/src/" in file else Path(file).name
        lines.append(
            f"| `{where}:{line} {name}` | {calls:,} | {100 * cumulative / total:.1f} % "
            f"| {100 * own / total:.1f} % |"
        )
    return "\n".join(lines)


def main() -> None:
    try:
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})  # one core
    except (AttributeError, OSError):
        pass
    catalog = load_catalog()
    from calfcoach.profile_io import load_profile

    if "--profile" in sys.argv:
        print(profile_build_plan(catalog))
        return
    load_before = os.getloadavg()[0]
    engine = sys.modules["calfcoach.core.engine.walk"]
    build = "compiled (mypyc)" if str(engine.__file__).endswith(".so") else "pure Python"
    print(f"core build: {build} ({engine.__file__})\n")
    demo = load_profile(DEMO)
    single = one_plan_ms(catalog, demo)
    pps, rates, empty, cpu_pps = plans_per_second(catalog)
    print("| measure | figure | target |")
    print("|---|---|---|")
    print(f"| one 16-week plan (demo profile, median of 200) | {single:.2f} ms | |")
    passes = ", ".join(f"{r:,.0f}" for r in rates)
    print(
        f"| 16-week plans per second, one core, median of 3 passes of 1,000 random v2 "
        f"profiles ({passes}) | {pps:,.0f} | >= 1,000 |"
    )
    print(f"| the same by CPU time (median of the 3 passes) | {cpu_pps:,.0f} | >= 1,000 |")
    if "--no-cold" not in sys.argv:
        cold = cold_plan()
        base = cold["python -c pass"]
        tool = "hyperfine" if shutil.which("hyperfine") else "subprocess loop"
        print(f"| `python -c pass`, cold ({tool}, median of 15) | {base * 1000:.0f} ms | |")
        for label in ("calfcoach plan --format json", "calfcoach plan (table)"):
            print(
                f"| `{label} --profile examples/demo-profile.json`, cold | "
                f"{cold[label] * 1000:.0f} ms = {cold[label] / base:.1f}x | <= 10x |"
            )
    print(
        f"\nload average (1 min) before: {load_before:.1f}, after: {os.getloadavg()[0]:.1f} on "
        f"{os.cpu_count()} CPUs; {empty} of {len(PASS_SEEDS) * 1000} plans had no exercise "
        "(referrals, stops)"
    )


if __name__ == "__main__":
    main()
