"""Cold `plan` and `today` against `python -c pass`, by CPU time (issue 6 figure).

Run: .venv/bin/python bench/bench_cold.py [--runs 21] [--before SRC] [--importtime]

Each command runs in a new process, all of them interleaved round after round (so a change of
load hits every command alike), ``--runs`` rounds (default 21). The figure is the child's
user + system CPU time (``resource.getrusage(RUSAGE_CHILDREN)`` before and after each run),
which a shared machine distorts far less than wall time; the wall time's median is printed
beside it. The ratio is each median against the median of ``python -c pass``.

Commands: the floor (``import typer, pydantic``; ``import typer`` with pydantic's
``BaseModel``, which ``import pydantic`` alone does not load), cold ``calfcoach plan --profile
examples/demo-profile.json`` (``--format json`` and the table) and cold ``calfcoach today``
(``--format json`` and the table) against a demo athlete with two weeks logged in a fresh
SQLite file. Bytecode is written first, as an install has it (``coldstart.py``).

``--before SRC`` also runs every calfcoach command with ``PYTHONPATH=SRC`` (a copy of another
checkout's ``src`` folder, e.g. ``git -C /work/main archive HEAD src | tar -x -C /tmp/before``),
in the same rounds, and checks that both give the same output. ``plan --format json, no catalog
cache`` is the same command with ``CALFCOACH_CATALOG_CACHE=0`` (the YAML parsed every time).
``--importtime`` prints the largest cumulative imports of each command (``python -X importtime``).
"""

from __future__ import annotations

import compileall
import datetime as dt
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from coldstart import cold_env, compile_bytecode  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
SCRIPT = str(Path(PYTHON).with_name("calfcoach"))
PROFILE = str(ROOT / "examples" / "demo-profile.json")
DAY = dt.date(2026, 12, 2)
START = DAY - dt.timedelta(days=14)

FLOORS = {
    "python -c pass": [PYTHON, "-c", "pass"],
    "import typer, pydantic": [PYTHON, "-c", "import typer, pydantic"],
    "import typer; from pydantic import BaseModel": [
        PYTHON,
        "-c",
        "import typer; from pydantic import BaseModel",
    ],
}
COMMANDS = {
    "plan --format json": [SCRIPT, "plan", "--profile", PROFILE, "--format", "json"],
    "plan (table)": [SCRIPT, "plan", "--profile", PROFILE],
    "today --format json": [SCRIPT, "today", "--date", DAY.isoformat(), "--format", "json"],
    "today (table)": [SCRIPT, "today", "--date", DAY.isoformat()],
}


def setup(env: dict[str, str]) -> None:
    """The demo athlete, its plan started two weeks before DAY, every day logged as given."""
    for args in (
        ["athlete", "add", "--profile", PROFILE, "--start", START.isoformat()],
        *(["log", "--as-prescribed", "--date", (START + dt.timedelta(days=d)).isoformat(),
           "--rpe", "6", "--pain", "1"] for d in range(0, 14)),
    ):  # fmt: skip
        subprocess.run([SCRIPT, *args], env=env, capture_output=True, check=False)


def run_once(command: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """CPU ms (user + system of the child), wall ms, stdout."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    begin = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    wall = (time.perf_counter() - begin) * 1000
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{command}: exit {done.returncode}\n{done.stderr}")
    cpu = (after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime) * 1000
    return cpu, wall, done.stdout


def importtime(command: list[str], env: dict[str, str], top: int = 12) -> list[str]:
    done = subprocess.run(
        [PYTHON, "-X", "importtime", *command],
        env=env,
        capture_output=True,
        text=True,
    )
    rows = []
    for line in done.stderr.splitlines():
        if line.startswith("import time:") and "cumulative" not in line:
            own, total, name = line.removeprefix("import time:").split("|")
            rows.append((int(total), int(own), name.strip()))
    rows.sort(reverse=True)
    return [f"{t / 1000:7.1f} ms cumulative {o / 1000:6.1f} own  {n}" for t, o, n in rows[:top]]


def main() -> None:
    runs = int(sys.argv[sys.argv.index("--runs") + 1]) if "--runs" in sys.argv else 21
    before_src = sys.argv[sys.argv.index("--before") + 1] if "--before" in sys.argv else None
    with tempfile.TemporaryDirectory() as folder:
        # The catalog cache (D-118) in the temporary folder, written by the warm-up run.
        env = cold_env(
            {**os.environ, "CALFCOACH_HOME": folder, "XDG_CACHE_HOME": f"{folder}/cache"}
        )
        for name in ("CALFCOACH_DATABASE_URL", "PYTHONPATH", "CALFCOACH_SQLITE_READER"):
            env.pop(name, None)
        if (ROOT / "src").is_dir():
            # The console script of this venv may be installed from another checkout.
            env["PYTHONPATH"] = str(ROOT / "src")
        setup(env)
        configs: dict[str, tuple[list[str], dict[str, str]]] = {
            name: (command, env) for name, command in FLOORS.items()
        }
        for name, command in COMMANDS.items():
            configs[name] = (command, env)
            if name.startswith("plan --format json"):  # the catalog cache's share (D-118)
                configs[f"{name}, no catalog cache"] = (
                    command,
                    {**env, "CALFCOACH_CATALOG_CACHE": "0"},
                )
            if before_src:
                configs[f"{name}, before"] = (command, {**env, "PYTHONPATH": before_src})
        compile_bytecode([], env)
        if before_src:
            compileall.compile_dir(Path(before_src), quiet=1, workers=0)
        for command, command_env in configs.values():  # every .pyc written, untimed
            run_once(command, command_env)
        cpu: dict[str, list[float]] = {name: [] for name in configs}
        wall: dict[str, list[float]] = {name: [] for name in configs}
        outputs: dict[str, str] = {}
        load = [os.getloadavg()[0]]
        for _ in range(runs):
            for name, (command, command_env) in configs.items():
                used, took, out = run_once(command, command_env)
                cpu[name].append(used)
                wall[name].append(took)
                outputs[name] = out
            load.append(os.getloadavg()[0])
        base = statistics.median(cpu["python -c pass"])
        print(
            f"{runs} rounds interleaved; load average (1 min) {min(load):.1f}-{max(load):.1f}; "
            "CPU = user + sys of the child"
        )
        print("| process | CPU ms, median [q1-q3] | x `python -c pass` | wall ms, median |")
        print("|---|---|---|---|")
        for name in configs:
            q1, median, q3 = statistics.quantiles(cpu[name], n=4)
            print(
                f"| {name} | {median:.0f} [{q1:.0f}-{q3:.0f}] | {median / base:.1f}x | "
                f"{statistics.median(wall[name]):.0f} |"
            )
        if before_src:
            for name in COMMANDS:
                same = outputs[name] == outputs[f"{name}, before"]
                print(f"same output as before: {name}: {same}")
        if "--importtime" in sys.argv:
            for name, command in COMMANDS.items():
                print(f"\n{name}: largest cumulative imports")
                print("\n".join(importtime(command, env)))


if __name__ == "__main__":
    main()
