"""The engine's output on many seeded random inputs, as text: to prove that two builds of the
core (the pure-Python modules and the mypyc-compiled ones, or the code before and after a
performance edit) coach exactly alike.

Run: .venv/bin/python bench/plan_fingerprint.py [--plans N] [--athletes M] [--out FILE]

Prints (or writes to FILE) one line per input, then a SHA-256 of all lines:
- ``plan <i>``: the plan JSON of ``build_plan`` for the i-th seeded random v2 profile of
  ``bench_plan.random_profile`` (16 weeks);
- ``athlete <i>``: a simulated athlete (``tests/sim.py``) following a 6-week plan, with
  seeded behaviour (skips, flares, red flags, missed weeks, hop and heel-raise tests): every
  session ``today`` showed and the plan walked at the end, as plan JSON.
The first line names the file of ``calfcoach.core.engine.walk`` (``.py`` or a compiled
module), so a caller can check which build ran.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for folder in (ROOT, ROOT / "bench"):  # tests.sim and bench_plan, from any working directory
    if str(folder) not in sys.path:
        sys.path.append(str(folder))

from bench_plan import START, WEEKS, random_profile  # noqa: E402

from calfcoach.catalog import load_catalog  # noqa: E402
from calfcoach.core.models import Plan, Profile  # noqa: E402
from calfcoach.core.planner import build_plan  # noqa: E402
from calfcoach.formats.plan_json import plan_to_dict  # noqa: E402

SEED = 20261201
SIM_WEEKS = 6


def engine_file() -> str:
    module = sys.modules["calfcoach.core.engine.walk"]
    return str(getattr(module, "__file__", "?"))


def one_line(plan: Plan) -> str:
    return json.dumps(plan_to_dict(plan), ensure_ascii=False, separators=(",", ":"))


def plan_lines(count: int, seed: int = SEED) -> list[str]:
    catalog = load_catalog()
    rng = random.Random(seed)
    lines = []
    for i in range(count):
        plan = build_plan(random_profile(rng), catalog, START, WEEKS)
        lines.append(f"plan {i} {one_line(plan)}")
    return lines


def random_behaviour(rng: random.Random, profile: Profile, weeks: int):  # type: ignore[no-untyped-def]
    """A seeded ``tests.sim.Behaviour``, drawn like its hypothesis strategy ``behaviours``."""
    from tests.sim import RED_FLAGS, Behaviour, Flare, RedFlag, intake

    days = 7 * weeks
    rate = (0.0, 0.05, 0.15, 0.3, 0.6)
    flares = tuple(
        Flare(rng.randrange(days), rng.randint(2, 18), rng.randint(2, 4))
        for _ in range(rng.choice((0, 0, 1, 2)))
    )
    red = None
    if rng.random() < 0.3:
        clear_after = rng.choice((None, rng.randint(1, 20)))
        red = RedFlag(rng.randrange(days), rng.choice(RED_FLAGS), clear_after)
    away = tuple((rng.randrange(days), rng.randint(8, 30)) for _ in range(rng.choice((0, 0, 1))))
    return Behaviour(
        seed=rng.randrange(2**32),
        checkin_rate=rng.choice((0.0, 0.5, 0.9, 1.0, 1.0)),
        calm=rng.randint(0, intake(profile)),
        skip_rate=rng.choice((0.0, 0.0, 0.1, 0.3)),
        more_rate=rng.choice(rate),
        fewer_rate=rng.choice(rate),
        high_rpe_rate=rng.choice(rate),
        pain_rate=rng.choice(rate),
        missing_rate=rng.choice((0.0, 0.0, 0.05)),
        flares=flares,
        red_flag=red,
        away=away,
        hop_days=tuple(sorted(rng.sample(range(days), rng.choice((0, 0, 1, 2))))),
        hop_pain=rng.randint(0, 3),
        test_days=tuple(sorted(rng.sample(range(days), rng.choice((0, 1))))),
    )


def athlete_lines(count: int, seed: int = SEED) -> list[str]:
    from tests.sim import simulate

    rng = random.Random(seed + 1)
    lines = []
    for i in range(count):
        profile = random_profile(rng)
        result = simulate(profile, START, SIM_WEEKS, random_behaviour(rng, profile, SIM_WEEKS))
        shown = tuple(result.shown[day] for day in sorted(result.shown))
        for label, sessions in (("shown", shown), ("final", result.final)):
            plan = Plan(start=START, weeks=SIM_WEEKS, warnings=(), sessions=sessions)
            lines.append(f"athlete {i} {label} {one_line(plan)}")
    return lines


def fingerprint(plans: int, athletes: int) -> list[str]:
    lines = plan_lines(plans) + athlete_lines(athletes)
    digest = hashlib.sha256("\n".join(lines).encode()).hexdigest()
    return [f"engine {engine_file()}", *lines, f"sha256 {digest}"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--plans", type=int, default=300)
    parser.add_argument("--athletes", type=int, default=30)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    started = dt.datetime.now()
    lines = fingerprint(args.plans, args.athletes)
    text = "\n".join(lines) + "\n"
    if args.out:
        args.out.write_text(text)
    else:
        sys.stdout.write(text)
    seconds = (dt.datetime.now() - started).total_seconds()
    print(f"{lines[0]}\n{lines[-1]} ({seconds:.1f} s)", file=sys.stderr)


if __name__ == "__main__":
    main()
