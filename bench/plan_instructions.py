"""Instructions per 16-week plan (valgrind callgrind): a figure the machine's load cannot move.

Run: .venv/bin/python bench/plan_instructions.py [--plans 200] [--warm 20]
     (the compiled core: PYTHONPATH=build/compiled .venv/bin/python bench/plan_instructions.py)

Runs this file twice (at once) under ``valgrind --tool=callgrind`` (``PYTHONHASHSEED=0``): both runs
import the core, load the catalog, draw ``--warm`` + ``--plans`` seeded random v2 profiles
(``bench_plan.random_profile``, the bench's own profiles) and build the ``--warm`` plans; only
the second run then builds the ``--plans`` plans. (second - first) / plans is the cost of one
plan, without the imports, the catalog and the profile drawing. Needs valgrind (apt-get install
valgrind); about 2-4 minutes.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
SEED = 20261202


def child(plans: int, warm: int, build: bool) -> None:
    sys.path.insert(0, str(HERE))
    from bench_plan import START, WEEKS, random_profile

    from calfcoach.catalog import load_catalog
    from calfcoach.core.planner import build_plan

    catalog = load_catalog()
    rng = random.Random(SEED)
    warmups = [random_profile(rng) for _ in range(warm)]
    profiles = [random_profile(rng) for _ in range(plans)]
    for p in warmups:
        build_plan(p, catalog, START, WEEKS)
    if build:
        for p in profiles:
            build_plan(p, catalog, START, WEEKS)
    engine = sys.modules["calfcoach.core.engine.walk"]
    print(f"engine {engine.__file__}")


def command(plans: int, warm: int, build: bool, out: Path) -> list[str]:
    return [
        "valgrind",
        "--tool=callgrind",
        f"--callgrind-out-file={out}",
        sys.executable,
        __file__,
        "--child",
        "--plans",
        str(plans),
        "--warm",
        str(warm),
        *(["--build"] if build else []),
    ]


def instructions(plans: int, warm: int) -> tuple[int, int]:
    """Instructions of the run without the plans and of the run with them (both at once)."""
    env = dict(os.environ, PYTHONHASHSEED="0")
    with tempfile.TemporaryDirectory() as folder:
        runs = [
            subprocess.Popen(
                command(plans, warm, build, Path(folder) / f"callgrind.{build}"),
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for build in (False, True)
        ]
        counts = []
        for run in runs:
            stdout, stderr = run.communicate()
            found = re.search(r"Collected : (\d+)", stderr)
            if run.returncode or found is None:
                raise SystemExit(f"no instruction count from callgrind:\n{stderr[-2000:]}")
            print(stdout.strip(), file=sys.stderr)
            counts.append(int(found.group(1)))
        return counts[0], counts[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--plans", type=int, default=200)
    parser.add_argument("--warm", type=int, default=20)
    parser.add_argument("--child", action="store_true")
    parser.add_argument("--build", action="store_true")
    args = parser.parse_args()
    if args.child:
        child(args.plans, args.warm, args.build)
        return
    base, full = instructions(args.plans, args.warm)
    per_plan = (full - base) / args.plans
    print(
        f"{args.plans} plans after {args.warm} warm-up ones: {full:,} - {base:,} instructions "
        f"= {per_plan / 1e6:.2f} M a plan"
    )


if __name__ == "__main__":
    main()
