"""The cold roster's rows, compared before/after a change, and their CPU per row (issue 9).

Run: .venv/bin/python bench/roster_rows.py --db /tmp/roster200.sqlite3 --out rows.json
     .venv/bin/python bench/roster_rows.py --db /tmp/roster200.sqlite3 --compare rows.json
     .venv/bin/python bench/roster_rows.py --db /tmp/roster200.sqlite3 --cpu 20

``--db`` is bench_roster's kept SQLite file (``bench_roster.py --keep FILE``); it is copied
into a temporary folder and never written. In the copy, some athletes' histories are varied
so the rows differ in more than the red flags and flares bench_roster gives (every 3rd
athlete: a session of the last 6 weeks skipped; every 4th: one moved a day later; every 5th:
a capacity test 5 days ago; every 6th: settled again after that, so both the snapshot path
and the whole-log path of the safety verdict are met). Then ``roster_row_in`` is computed for
every athlete on several days (``--days``, offsets from the bench's today) and the rows
written as JSON (``--out``) or compared with such a file (``--compare``: exit 1 on any
difference, each printed). ``--cpu N``: the CPU time (``time.process_time``) of the rows of
the first N athletes as of today, each in its own read-only unit of work, median and total
over ``--rounds`` rounds.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_training import TODAY  # noqa: E402

from calfcoach.catalog import load_catalog  # noqa: E402
from calfcoach.core.models import CapacityTest  # noqa: E402
from calfcoach.services import training  # noqa: E402
from calfcoach.services.roster import roster_row_in  # noqa: E402
from calfcoach.settings import sqlite_url  # noqa: E402
from calfcoach.storage import migrate  # noqa: E402
from calfcoach.storage.db import Database  # noqa: E402

DAYS = "0,-1,-9,-40,3,30"


def vary(database: Database, ids: list[int]) -> None:
    """Skipped, moved and tested days for some athletes (see the module)."""
    for k, athlete_id in enumerate(ids):
        with database.unit_of_work() as uow:
            stored = uow.plans.active(athlete_id)
            assert stored is not None
            past = [
                s.date
                for s in stored.plan.sessions
                if TODAY - dt.timedelta(days=40) <= s.date < TODAY and s.exercises
            ]
            free = [d for d in past if not uow.logs.session_logs(athlete_id, on=d)]
            future = [s.date for s in stored.plan.sessions if s.date > TODAY and s.exercises]
            changed = False
            if k % 3 == 0 and past:
                uow.logs.log_session(
                    athlete_id, (free or past)[k % len(free or past)], status="skipped"
                )
                changed = True
            if k % 4 == 0 and future:
                day = future[k % len(future)]
                uow.logs.log_session(
                    athlete_id, day, status="moved", moved_to=day + dt.timedelta(days=1)
                )
                changed = True
            if k % 5 == 0:
                uow.logs.add_test(
                    athlete_id, CapacityTest(TODAY - dt.timedelta(days=5), 20 + k % 7, 22)
                )
                changed = True
            if changed and k % 6 == 0:
                training.settle(uow, uow.athletes.get(athlete_id), TODAY)
            uow.commit()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--compare", type=Path)
    parser.add_argument("--days", default=DAYS, help=f"offsets from today (default {DAYS})")
    parser.add_argument("--cpu", type=int, default=0, metavar="N")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    catalog = load_catalog()
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "rows.sqlite3"
        shutil.copyfile(args.db, target)
        url = sqlite_url(target)
        migrate.upgrade(url)
        with Database(url) as database:
            with database.unit_of_work(read_only=True) as uow:
                ids = [a for a, _ in uow.athletes.visible(None)]
            if args.cpu:
                rounds: list[list[float]] = []
                for _ in range(args.rounds):
                    times = []
                    for athlete_id in ids[: args.cpu]:
                        started = time.process_time()
                        with database.unit_of_work(read_only=True) as uow:
                            roster_row_in(uow, catalog, uow.athletes.get(athlete_id), TODAY)
                        times.append((time.process_time() - started) * 1000)
                    rounds.append(times)
                per_row = [t for r in rounds for t in r]
                totals = sorted(sum(r) for r in rounds)
                load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
                print(
                    f"CPU per row (process_time, {args.cpu} athletes x {args.rounds} rounds): "
                    f"median {statistics.median(per_row):.1f} ms, best {min(per_row):.1f} ms; "
                    f"{args.cpu} rows: median {statistics.median(totals):.0f} ms; "
                    f"load average {load}"
                )
            if not (args.out or args.compare):
                return
            vary(database, ids)
            days = [TODAY + dt.timedelta(days=int(x)) for x in args.days.split(",")]
            rows: dict[str, object] = {}
            with database.unit_of_work(read_only=True) as uow:
                for athlete_id in ids:
                    athlete = uow.athletes.get(athlete_id)
                    for day in days:
                        row = roster_row_in(uow, catalog, athlete, day)
                        rows[f"{athlete_id} {day}"] = row.model_dump(mode="json")
    if args.out:
        args.out.write_text(json.dumps(rows, indent=0, sort_keys=True))
        print(f"{len(rows)} rows written to {args.out}")
    if args.compare:
        before = json.loads(args.compare.read_text())
        differ = [k for k in sorted(set(before) | set(rows)) if before.get(k) != rows.get(k)]
        for key in differ[:20]:
            print(f"{key}:\n  before {before.get(key)}\n  after  {rows.get(key)}")
        print(f"{len(rows)} rows, {len(differ)} differ from {args.compare}")
        if differ:
            raise SystemExit(1)


if __name__ == "__main__":
    main()
