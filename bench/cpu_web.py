"""CPU cost per request of the web app's hot routes, in-process (issue 8, figures).

Run: .venv/bin/python bench/cpu_web.py [--requests 300] [--postgres] [--profile TARGET
[--profile-out FILE]]
[--only healthz,log-set+today]

The bench athlete with a year of history (``bench_training.fill_history``), the app of
``web.app.create_app`` driven through Starlette's ``TestClient`` (no sockets, no server:
what is measured is the app's own work), then N requests per target after a warm-up:

- ``healthz``: the same app's ``/healthz`` (no database, no template): the ceiling;
- ``today-api``: ``GET /api/v1/athletes/1/today``;
- ``today-page``: ``GET /today``;
- ``log-set``: ``POST /api/v1/athletes/1/sets``, every request a new set with its own
  client id (the set number, side and exercise turn, so no two clash, D-26);
- ``log-set+today``: a set logged, then the Today page read again (what a phone in guided
  mode does between two sets).

CPU milliseconds per request by ``time.process_time`` (every thread of the process: the
test client's event loop and the route's threadpool), which a busy machine distorts far less
than wall time; wall milliseconds beside it. ``--profile TARGET`` prints the cProfile of
that target's loop (top 45 by cumulative time; ``log-set+today``: athlete 1's set, then
the page).
"""

from __future__ import annotations

import cProfile
import itertools
import pstats
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_training import TODAY, fill_history, loggable_sets, postgres_database  # noqa: E402

from calfcoach.settings import Settings, sqlite_url  # noqa: E402
from calfcoach.storage import migrate  # noqa: E402
from calfcoach.storage.db import Database  # noqa: E402

ATHLETES = 4
"""Athletes with a year of history each; the sets logged go to one after another (one
athlete's session has only so many distinct sets)."""


@contextmanager
def history(postgres: bool, folder: Path) -> Iterator[str]:
    if postgres:
        with postgres_database() as database:
            for number in range(1, ATHLETES + 1):
                fill_history(database, prior=1, today=TODAY, name=f"cpu-{number}")
            yield database.engine.url.render_as_string(hide_password=False)
        return
    url = sqlite_url(folder / "cpu-web.sqlite3")
    migrate.upgrade(url)
    with Database(url) as database:
        for number in range(1, ATHLETES + 1):
            fill_history(database, prior=1, today=TODAY, name=f"cpu-{number}")
    yield url


def set_bodies(client: object, athletes: range) -> Iterator[tuple[int, dict[str, object]]]:
    """(athlete id, set): every request a new set (a new set number, side, exercise or
    athlete) for one of ``athletes``: today's session's exercises, then the catalog's."""
    session = client.get("/api/v1/athletes/1/today").json()  # type: ignore[attr-defined]
    catalog = client.get("/api/v1/exercises?limit=200").json()["items"]  # type: ignore[attr-defined]
    items = loggable_sets(session["exercises"], catalog)
    for k in itertools.count():
        exercise, measure, value = items[(k // 100) % len(items)]
        athlete = athletes[k // (100 * len(items)) % len(athletes)]
        yield (
            athlete,
            {
                "date": TODAY.isoformat(),
                "exercise": exercise,
                "set_number": k % 50 + 1,
                measure: value,
                "side": ("left", "right")[(k // 50) % 2],
                "rpe": 6,
                "pain": 0,
                "client_id": f"cpu-{k}",
            },
        )
    raise AssertionError("unreachable")


ROUNDS = 5


def measure(name: str, step: Callable[[], None], requests: int) -> None:
    """Mean CPU ms per request of the best of ``ROUNDS`` rounds (the least disturbed by the
    other processes of a shared machine), the median of all, and the wall ms."""
    for _ in range(5):
        step()  # warm-up: the first set of the day walks the engine and fixes the day
    samples = []
    rounds = []
    cpu0, wall0 = time.process_time(), time.perf_counter()
    for _ in range(ROUNDS):
        round_started = time.process_time()
        for _ in range(requests // ROUNDS):
            started = time.process_time()
            step()
            samples.append((time.process_time() - started) * 1000)
        rounds.append((time.process_time() - round_started) * 1000 / (requests // ROUNDS))
    done = ROUNDS * (requests // ROUNDS)
    cpu = (time.process_time() - cpu0) * 1000 / done
    wall = (time.perf_counter() - wall0) * 1000 / done
    print(
        f"| {name} | {min(rounds):.2f} | {cpu:.2f} | {statistics.median(samples):.2f} "
        f"| {wall:.2f} |",
        flush=True,
    )


def profile_inline(app: object, target: str, requests: int) -> None:
    """cProfile of ``target``'s requests with the sync routes run inline on the event loop
    of this thread (cProfile sees one thread only; the threadpool hops are not in it)."""
    import asyncio

    import fastapi.dependencies.utils
    import fastapi.routing
    import httpx2

    async def inline(func: Callable[..., object], *args: object, **kwargs: object) -> object:
        return func(*args, **kwargs)

    fastapi.routing.run_in_threadpool = inline  # type: ignore[assignment]
    fastapi.dependencies.utils.run_in_threadpool = inline  # type: ignore[assignment]

    async def run() -> None:
        transport = httpx2.ASGITransport(app=app, client=("127.0.0.1", 50000))  # type: ignore[arg-type]
        async with httpx2.AsyncClient(transport=transport, base_url="http://testserver") as client:
            session = (await client.get("/api/v1/athletes/1/today")).json()
            item = session["exercises"][0]
            measure = next(k for k in ("reps", "seconds", "contacts", "distance_m") if item.get(k))

            async def step(k: int) -> None:
                if target in ("log-set", "log-set+today"):
                    body = {
                        "date": TODAY.isoformat(), "exercise": item["exercise"],
                        "set_number": k % 50 + 1, measure: int(item[measure]),
                        "side": ("left", "right")[k // 50 % 2], "client_id": f"profile-{k}",
                    }  # fmt: skip
                    # log-set+today: athlete 1's set, then the page that shows athlete 1.
                    athlete = 2 if target == "log-set" else 1
                    response = await client.post(f"/api/v1/athletes/{athlete}/sets", json=body)
                    assert response.status_code == 201, response.text
                    if target == "log-set+today":
                        assert (await client.get("/today")).status_code == 200
                else:
                    path = "/today" if target == "today-page" else "/api/v1/athletes/1/today"
                    assert (await client.get(path)).status_code == 200

            for k in range(3):
                await step(k)
            profiler = cProfile.Profile()
            started = time.process_time()
            profiler.enable()
            for k in range(3, min(requests, 97) + 3):
                await step(k)
            profiler.disable()
            spent = (time.process_time() - started) * 1000 / min(requests, 97)
            print(f"{target}: {spent:.2f} CPU ms a request inline, under cProfile")
            if _option("--profile-out", ""):  # for pstats: callers, callees of anything
                profiler.dump_stats(_option("--profile-out", ""))
            stats = pstats.Stats(profiler)
            stats.sort_stats("cumulative").print_stats(45)
            stats.print_callees("training.py.*\\(log_set\\)")
            stats.print_callees("repositories.py.*\\((add_sets|_invalidate|get)\\)")
            stats.print_callers("find_spec|_uses_scopes|_find_and_load_unlocked")
            stats.sort_stats("tottime").print_stats(25)

    asyncio.run(run())


def main() -> None:
    from fastapi.testclient import TestClient

    from calfcoach.web.app import create_app

    requests = int(_option("--requests", "300"))
    postgres = "--postgres" in sys.argv
    profiled = _option("--profile", "")
    print(f"{'PostgreSQL' if postgres else 'SQLite'}, {requests} requests per target\n")
    print(
        "| target | CPU ms/request, best round | CPU ms, mean | CPU ms, median | wall ms/request |"
    )
    print("|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as folder, history(postgres, Path(folder)) as url:
        app = create_app(Settings(home=Path(folder), database_url=url))
        if profiled:
            profile_inline(app, profiled, requests)
            return
        with TestClient(app, client=("127.0.0.1", 50000)) as client:
            bodies = set_bodies(client, range(2, ATHLETES + 1))
            # The page shows athlete 1 (local mode's first athlete): its sets make it anew.
            own_bodies = set_bodies(client, range(1, 2))

            def healthz() -> None:
                assert client.get("/healthz").status_code == 200

            def today_api() -> None:
                assert client.get("/api/v1/athletes/1/today").status_code == 200

            def today_page() -> None:
                assert client.get("/today").status_code == 200

            def log_set(bodies: Iterator[tuple[int, dict[str, object]]] = bodies) -> None:
                athlete, body = next(bodies)
                response = client.post(f"/api/v1/athletes/{athlete}/sets", json=body)
                assert response.status_code == 201, response.text

            def log_then_page() -> None:
                log_set(own_bodies)
                today_page()

            only = _option("--only", "")  # e.g. "healthz,log-set+today"
            for name, step in (
                ("healthz (the ceiling)", healthz),
                ("today-api", today_api),
                ("today-page", today_page),
                ("log-set", log_set),
                ("log-set+today", log_then_page),
            ):
                if not only or name.split()[0] in only.split(","):
                    measure(name, step, requests)


def _option(name: str, default: str) -> str:
    if name in sys.argv:
        return sys.argv[sys.argv.index(name) + 1]
    return default


if __name__ == "__main__":
    main()
