"""Group commit or not (D-94), by CPU time: sets logged by many threads at once on SQLite.

Run: .venv/bin/python bench/cpu_group_commit.py [--athletes 8] [--sets 60] [--rounds 3]

``--athletes`` athletes with a year of history each (``bench_training.fill_history``) in a
SQLite file (``synchronous=FULL``), one thread per athlete logging ``--sets`` sets of
today's session through ``services.training.log_set`` at once (a server's threadpool, one
process), with each set committed alone and then through the group-commit writer
(``bootstrap.context_for(group_commit=True)``), interleaved for ``--rounds`` rounds. Prints,
per mode and round: CPU ms per set (``time.process_time``, every thread of the process,
which a shared machine distorts far less than wall time), commits per set (counted by an
engine event) and sets per second of wall time.
"""

from __future__ import annotations

import itertools
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_training import TODAY, fill_history  # noqa: E402

from calfcoach.bootstrap import context_for  # noqa: E402
from calfcoach.services import training  # noqa: E402
from calfcoach.services.access import Actor  # noqa: E402
from calfcoach.settings import sqlite_url  # noqa: E402
from calfcoach.storage import migrate  # noqa: E402
from calfcoach.storage.db import Database  # noqa: E402

LOCAL = Actor.local()
CLIENT_IDS = itertools.count()


def entries(ctx: object, athlete: int) -> list[training.SetInput]:
    """Distinct sets of the athlete's session today (set number, side, exercise turn)."""
    session = training.today_session(ctx, LOCAL, athlete, TODAY)  # type: ignore[arg-type]
    assert session is not None, "the bench athlete trains today"
    out = []
    for p, number, side in itertools.product(session.exercises, range(1, 51), ("left", "right")):
        measure = next(k for k in ("reps", "seconds", "contacts", "distance_m") if getattr(p, k))
        out.append(
            training.SetInput(
                exercise=p.exercise,
                set_number=number,
                side=side,
                rpe=6,
                pain=0,
                **{measure: getattr(p, measure)},
            )
        )
    return out


def run(database: Database, group: bool, athletes: list[int], queues: dict[int, list]) -> str:
    import sqlalchemy as sa

    ctx = context_for(database, today=lambda: TODAY, group_commit=group)
    commits = 0

    def counted(*args: object) -> None:
        nonlocal commits
        commits += 1

    sa.event.listen(database.engine, "commit", counted)
    per_thread = len(next(iter(queues.values())))

    def logger(athlete: int, sets: list[training.SetInput]) -> None:
        for entry in sets:
            client_id = f"group-{next(CLIENT_IDS)}"
            training.log_set(ctx, LOCAL, athlete, TODAY, entry, today=TODAY, client_id=client_id)

    threads = [threading.Thread(target=logger, args=(a, queues[a])) for a in athletes]
    cpu, wall = time.process_time(), time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    sa.event.remove(database.engine, "commit", counted)
    ctx.close()
    done = per_thread * len(athletes)
    return (
        f"| {'group commit' if group else 'each set alone'} | {cpu * 1000 / done:.2f} "
        f"| {commits / done:.2f} | {done / wall:,.0f} |"
    )


def main() -> None:
    count = int(_option("--athletes", "8"))
    sets = int(_option("--sets", "60"))
    rounds = int(_option("--rounds", "3"))
    with tempfile.TemporaryDirectory() as folder:
        url = sqlite_url(Path(folder) / "group.sqlite3")
        migrate.upgrade(url)
        with Database(url) as database:
            for number in range(1, count + 1):
                fill_history(database, prior=1, today=TODAY, name=f"group-{number}")
            ctx = context_for(database, today=lambda: TODAY)
            athletes = list(range(1, count + 1))
            pools = {a: entries(ctx, a) for a in athletes}
            for a in athletes:  # the first set of the day fixes it (a walk): not measured
                training.log_set(ctx, LOCAL, a, TODAY, pools[a].pop(), today=TODAY)
            print(f"SQLite, {count} threads x {sets} sets at once, {rounds} rounds interleaved\n")
            print("| mode | CPU ms/set | commits/set | sets/s (wall) |")
            print("|---|---|---|---|")
            for _round in range(rounds):
                for group in (False, True):
                    queues = {a: [pools[a].pop() for _ in range(sets)] for a in athletes}
                    print(run(database, group, athletes, queues), flush=True)


def _option(name: str, default: str) -> str:
    if name in sys.argv:
        return sys.argv[sys.argv.index(name) + 1]
    return default


if __name__ == "__main__":
    main()
