"""Load benchmark of the web app (issue 8, "Figures").

Run: .venv/bin/python bench/bench_web.py [--seconds 20] [--connections 50] [--no-postgres]
                                          [--no-sqlite] [--only today,POST] [--gzip]

For each backend (a SQLite file in a temporary folder; a throw-away PostgreSQL database at
CALFCOACH_TEST_POSTGRES_URL, default postgresql://postgres@127.0.0.1:5432/postgres): the bench
athlete with a year of history (bench_training.fill_history: a 52-week plan and the active
16-week plan, every session logged, ~3,000 sets), then `uvicorn --factory
calfcoach.web.app:create_app_from_env --workers 2` on a free loopback port, then wrk
(Debian's package; `apt-get install wrk`) with 50 connections for 20 s per target:

- ``/healthz``: the same server's ceiling (no database, no template);
- the Today page ``/today``, ``GET /api/v1/today`` (the local athlete's, the issue's path;
  when the server has that route) and ``GET /api/v1/athletes/1/today``;
- the set-logging POST (when the server has it): each request a new set with its own client id;
  at 50 connections first (the loggers' first sets of the day, which fix their days, come at
  once), again at 50 once the days are fixed (D-217), then at 4 connections (``FEW_PHONES``: a
  few phones logging at a time, D-198).

``--gzip``: the GET targets ask for gzip (``Accept-Encoding: gzip``), as a browser does; wrk
asks for no encoding by default, so without it the pages go out uncompressed (the figures of
stops 16-23). Prints a Markdown table: requests/s, p50 and p99 latency, errors and non-2xx
answers, and the ratio to the ceiling; then the Today page's bytes (HTML as sent, and
gzip-compressed, with the assets cached by the browser they are not sent again). Client,
server and database share the machine's cores: the figures are for this machine, loopback
only.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_training import ADMIN_URL, TODAY, fill_history, loggable_sets  # noqa: E402

from calfcoach.settings import sqlite_url  # noqa: E402
from calfcoach.storage import migrate  # noqa: E402
from calfcoach.storage.db import Database  # noqa: E402

WORKERS = 2
FEW_PHONES = 4
"""The second logging target's connections: a few phones at a time (D-198)."""
LOGGERS = 50
"""Athletes, each with a year of history, whose sets the logging POST stores: one per
connection, like 50 phones in one gym (one athlete cannot log thousands of distinct sets)."""


@dataclass(frozen=True, slots=True)
class Load:
    target: str
    requests_per_s: float
    p50_ms: float
    p99_ms: float
    errors: int
    non_2xx: int
    requests: int


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def fill_athletes(database: Database) -> None:
    """The measured athlete (id 1, what `/today` shows) and the loggers, each with a year."""
    started = time.perf_counter()
    for number in range(1, LOGGERS + 1):
        fill_history(database, prior=1, today=TODAY, name=f"bench-{number:02d}")
    print(
        f"({LOGGERS} athletes with a year of history each stored in "
        f"{time.perf_counter() - started:.0f} s)",
        file=sys.stderr,
    )


@contextmanager
def sqlite_history(folder: Path) -> Iterator[str]:
    url = sqlite_url(folder / "web-bench.sqlite3")
    migrate.upgrade(url)
    with Database(url) as database:
        fill_athletes(database)
    yield url


@contextmanager
def postgres_history() -> Iterator[str]:
    import psycopg
    from sqlalchemy.engine import make_url

    name = f"calfcoach_webbench_{secrets.token_hex(4)}"
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")  # type: ignore[arg-type]
    url = make_url(ADMIN_URL).set(drivername="postgresql+psycopg", database=name)
    text = url.render_as_string(hide_password=False)
    try:
        migrate.upgrade(text)
        with Database(text) as database:
            fill_athletes(database)
        # This machine's PostgreSQL has autovacuum off; a real server (autovacuum on, the
        # default) would have vacuumed the rows the fill rewrote (the athletes' revisions).
        with psycopg.connect(ADMIN_URL.rsplit("/", 1)[0] + f"/{name}", autocommit=True) as conn:
            conn.execute("VACUUM ANALYZE")
        yield text
    finally:
        with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")  # type: ignore[arg-type]


@contextmanager
def server(database_url: str, home: Path) -> Iterator[str]:
    port = free_port()
    env = {**os.environ, "CALFCOACH_HOME": str(home), "CALFCOACH_DATABASE_URL": database_url}
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "--factory",
        "calfcoach.web.app:create_app_from_env",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(WORKERS),
        "--log-level",
        "warning",
        "--no-access-log",
    ]
    process = subprocess.Popen(command, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(base + "/healthz", timeout=2):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit("the server did not start") from None
                time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)


_LATENCY = re.compile(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", re.M)
_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def wrk(
    base: str, path: str, *, seconds: int, connections: int, script: str | None, gzip: bool = False
) -> Load:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency"]
    if gzip:  # as a phone's browser asks (wrk asks for no encoding by default)
        command += ["-H", "Accept-Encoding: gzip"]
    with tempfile.TemporaryDirectory() as folder:
        if script is not None:
            lua = Path(folder) / "request.lua"
            lua.write_text(script)
            command += ["-s", str(lua)]
        output = subprocess.run(
            [*command, base + path], capture_output=True, text=True, check=True
        ).stdout
    latency = {m[1]: float(m[2]) * _UNITS[m[3]] for m in _LATENCY.finditer(output)}
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output)[1])  # type: ignore[index]
    total = int(re.search(r"(\d+) requests in", output)[1])  # type: ignore[index]
    errors_match = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    errors = sum(int(g) for g in errors_match.groups()) if errors_match else 0
    non_match = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return Load(
        path,
        rps,
        latency["50"],
        latency["99"],
        errors,
        int(non_match[1]) if non_match else 0,
        total,
    )


def page_bytes(base: str, path: str) -> tuple[int, int]:
    with urllib.request.urlopen(base + path, timeout=10) as response:
        body = response.read()
    return len(body), len(gzip.compress(body, 6))


def post_script(base: str, run: str = "a", start: int = 0) -> str:
    """A wrk script of the set-logging POST: every request a new set (its own client id) of
    today's session, then of the catalog (``loggable_sets``), for the connection's athlete;
    thread t logs for every other athlete from t, so no two requests ever log the same set
    (D-26). A second run on the same server gives its own ``run`` tag (the client ids) and
    ``start`` (past the first run's requests, so its sets are new ones too)."""
    with urllib.request.urlopen(base + "/api/v1/athletes/1/today", timeout=30) as response:
        session = json.load(response)
    if not session:
        raise SystemExit("the bench athlete has no session today")
    with urllib.request.urlopen(base + "/api/v1/exercises?limit=200", timeout=30) as response:
        catalog = json.load(response)["items"]
    blocks = [
        f'{{"{exercise}", "{measure}", {value}}}'
        for exercise, measure, value in loggable_sets(session["exercises"], catalog)
    ]
    return f"""
local threads = 0
function setup(thread)
  thread:set("tid", threads)
  threads = threads + 1
end
local blocks = {{{", ".join(blocks)}}}
local counter = {start}
function request()
  local per = math.floor({LOGGERS} / 2)
  local k = counter
  counter = counter + 1
  local athlete = (k % per) * 2 + tid + 1
  local c = math.floor(k / per)
  local set_number = c % 50 + 1
  local side = ({{"left", "right"}})[math.floor(c / 50) % 2 + 1]
  local block = blocks[math.floor(c / 100) % #blocks + 1]
  local body = string.format(
    '{{"date": "{TODAY.isoformat()}", "exercise": "%s", "set_number": %d, "%s": %d, '
    .. '"side": "%s", "rpe": 6, "pain": 0, "client_id": "bench-{run}-%d-%d-%d"}}',
    block[1], set_number, block[2], block[3], side, tid, k, athlete)
  return wrk.format("POST", "/api/v1/athletes/" .. athlete .. "/sets",
    {{["Content-Type"] = "application/json"}}, body)
end
"""


def run_backend(label: str, url: str, home: Path, seconds: int, connections: int) -> None:
    with server(url, home) as base:
        targets: list[tuple[str, str, str | None, int]] = [  # "post": post_script's
            ("GET /healthz", "/healthz", None, connections),
            ("GET /api/v1/today", "/api/v1/today", None, connections),
            ("GET /api/v1/athletes/1/today", "/api/v1/athletes/1/today", None, connections),
            ("GET /today (page)", "/today", None, connections),
            # The loggers' first sets of the day (each fixes its day, R-HIST) come at once.
            ("POST set (API)", "/", "post", connections),
            # The same once every logger's day is fixed: the steady state of a busy gym.
            ("POST set (API), days fixed", "/", "post", connections),
            # Then a few phones at a time, each athlete's day fixed already (D-198).
            (f"POST set (API), {FEW_PHONES} connections", "/", "post", FEW_PHONES),
        ]
        posted = 0
        only = _option("--only", "")  # e.g. "healthz,POST": targets whose name holds one
        ceiling = None
        for name, path, script, clients in targets:
            if only and name != "GET /healthz" and not any(o in name for o in only.split(",")):
                continue
            logging = script == "post"
            if logging:
                script = post_script(base, run=f"r{posted}", start=posted)
            load = wrk(
                base, path, seconds=seconds, connections=clients, script=script,
                gzip=script is None and "--gzip" in sys.argv,
            )  # fmt: skip
            ceiling = ceiling or load.requests_per_s
            if logging:
                posted += load.requests
            print(
                f"| {label} | {name} | {load.requests_per_s:,.0f} | "
                f"{load.requests_per_s / ceiling:.0%} | {load.p50_ms:.1f} | {load.p99_ms:.1f} | "
                f"{load.errors} | {load.non_2xx} |",
                flush=True,
            )
        raw, packed = page_bytes(base, "/today")
        print(
            f"| {label} | Today page bytes | {raw:,} B as sent uncompressed, "
            f"{packed:,} B gzip (what a browser with the assets cached receives) | | | | | |"
        )


def main() -> None:
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: apt-get install wrk")
    seconds = int(_option("--seconds", "20"))
    connections = int(_option("--connections", "50"))
    print(f"{WORKERS} workers, wrk -t2 -c{connections} -d{seconds}s, {dt.date.today()}\n")
    print("| backend | target | req/s | of ceiling | p50 ms | p99 ms | socket errors | non-2xx |")
    print("|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder)
        if "--no-sqlite" not in sys.argv:
            with sqlite_history(home) as url:
                run_backend("SQLite", url, home, seconds, connections)
        if "--no-postgres" not in sys.argv:
            with postgres_history() as url:
                run_backend("PostgreSQL", url, home, seconds, connections)


def _option(name: str, default: str) -> str:
    if name in sys.argv:
        return sys.argv[sys.argv.index(name) + 1]
    return default


if __name__ == "__main__":
    main()
