"""Benchmark of the activity import (issue 10, item 7): a year of runs as FIT files.

Run: .venv/bin/python bench/bench_activities.py [--files 300] [--passes 3]

About 300 FIT files (``tests/activity_files.year_of_runs``: easy, long, interval, treadmill
and paused runs of 30-100 minutes at 1 record a second, made with garmin-fit-sdk's encoder)
are written to a temporary folder (not timed). Then, in alternating passes:

- raw decode: each file read and decoded by the parser alone (``garmin_fit_sdk.Decoder``
  with its default options, what our reader calls);
- our reader: ``calfcoach.formats.activities.read_paths`` over the folder (listing, reading,
  decoding, summarising, validating each ``Activity``), every result consumed.

Prints files per second for both (median pass; wall clock and CPU time) and the ratio of
our reader's time to the raw decode time (target <= 1.3x).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from garmin_fit_sdk import Decoder, Stream  # noqa: E402
from tests.activity_files import year_of_runs  # noqa: E402

from calfcoach.formats.activities import read_paths  # noqa: E402


def raw_decode(paths: list[Path]) -> int:
    count = 0
    for path in paths:
        messages, errors = Decoder(Stream.from_byte_array(bytearray(path.read_bytes()))).read()
        assert not errors
        count += len(messages.get("record_mesgs", ()))
    return count


def reader(folder: Path) -> int:
    count = 0
    for result in read_paths([folder]):
        assert result.ok, result.error
        count += len(result.activities)
    return count


def store(folder: Path) -> tuple[float, int]:
    """The whole service import (``services.runs.import_paths``: read, duplicates, classify,
    load, store in one unit of work) into a fresh SQLite database; (wall s, runs stored)."""
    from calfcoach.bootstrap import context_for
    from calfcoach.profile_io import load_profile
    from calfcoach.services import athletes, runs
    from calfcoach.services.access import Actor
    from calfcoach.storage.db import open_database

    profile = load_profile(Path(__file__).resolve().parents[1] / "examples/demo-profile.json")
    with tempfile.TemporaryDirectory() as tmp:
        with open_database(f"sqlite:///{tmp}/bench.sqlite3") as database:
            ctx, actor = context_for(database), Actor.local()
            athletes.add_athlete(ctx, actor, profile, start=dt.date(2026, 1, 5), name="bench")
            athlete_id = athletes.find_athlete_id(ctx, actor, "bench")
            wall = time.perf_counter()
            report = runs.import_paths(ctx, actor, athlete_id, [folder])
            return time.perf_counter() - wall, report.imported


def timed(fn: object, arg: object) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    fn(arg)  # type: ignore[operator]
    return time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=300)
    parser.add_argument("--passes", type=int, default=3)
    parser.add_argument(
        "--store", action="store_true", help="Also time the whole import into SQLite."
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        made = time.perf_counter()
        files = year_of_runs(dt.date(2026, 1, 1), args.files)
        for name, data in files:
            (folder / name).write_bytes(data)
        made = time.perf_counter() - made
        paths = sorted(folder.glob("*.fit"))
        size = sum(len(data) for _, data in files)
        print(
            f"{len(paths)} FIT files, {size / 1e6:.1f} MB, made in {made:.1f} s; "
            f"load average {os.getloadavg()[0]:.1f}"
        )
        raw: list[tuple[float, float]] = []
        ours: list[tuple[float, float]] = []
        for _ in range(args.passes):
            raw.append(timed(raw_decode, paths))
            ours.append(timed(reader, folder))
        n = len(paths)
        raw_wall = statistics.median(w for w, _ in raw)
        raw_cpu = statistics.median(c for _, c in raw)
        our_wall = statistics.median(w for w, _ in ours)
        our_cpu = statistics.median(c for _, c in ours)
        print()
        print("| measure | raw decode (parser alone) | our reader | ratio (target <= 1.3x) |")
        print("|---|---|---|---|")
        print(
            f"| files/s, wall | {n / raw_wall:.1f} | {n / our_wall:.1f} | "
            f"**{our_wall / raw_wall:.2f}x** |"
        )
        print(
            f"| files/s, CPU time | {n / raw_cpu:.1f} | {n / our_cpu:.1f} | "
            f"{our_cpu / raw_cpu:.2f}x |"
        )
        print(
            f"| passes (wall s) | {', '.join(f'{w:.1f}' for w, _ in raw)} | "
            f"{', '.join(f'{w:.1f}' for w, _ in ours)} | |"
        )
        if args.store:
            wall, stored = store(folder)
            print(
                f"| whole import into SQLite (services.runs.import_paths), wall | "
                f"{n / raw_wall:.1f} | {n / wall:.1f} ({stored} runs) | {wall / raw_wall:.2f}x |"
            )
        print(f"\nload average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
