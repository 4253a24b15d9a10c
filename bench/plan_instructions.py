"""Instructions per 16-week plan (valgrind callgrind): a figure the machine's load cannot move.

Run: .venv/bin/python bench/plan_instructions.py [--plans 200] [--warm 20]
     (the compiled core: PYTHONPATH=build/compiled .venv/bin/python bench/plan_instructions.py)

Runs this file twice under ``valgrind --tool=callgrind`` (``PYTHONHASHSEED=0``): both runs
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


def instructions(plans: int, warm: int, build: bool) -> int:
    env = dict(os.environ, PYTHONHASHSEED="0")
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "callgrind.out"
        command = [
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
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
        found = re.search(r"Collected : (\d+)", done.stderr)
        if found is None:
            raise SystemExit(f"no instruction count from callgrind:\n{done.stderr[-2000:]}")
        print(done.stdout.strip(), file=sys.stderr)
        return int(found.group(1))


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
    base = instructions(args.plans, args.warm, build=False)
    full = instructions(args.plans, args.warm, build=True)
    per_plan = (full - base) / args.plans
    print(
        f"{args.plans} plans after {args.warm} warm-up ones: {full:,} - {base:,} instructions "
        f"= {per_plan / 1e6:.2f} M a plan"
    )


if __name__ == "__main__":
    main()
