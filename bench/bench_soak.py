"""A soak of server mode on PostgreSQL with 4 workers (issue 9, Tests and Figures).

Run: .venv/bin/python bench/bench_soak.py [--minutes 10] [--rate 10] [--athletes 20]
                                          [--kill-at 0.5] [--workers 4]

A throw-away PostgreSQL database (CALFCOACH_TEST_POSTGRES_URL, default
postgresql://postgres@127.0.0.1:5432/postgres) with ``--athletes`` athletes, each with an
account and a read+log token, and a coach who follows all of them. Then ``calfcoach serve
--server --workers N`` on 127.0.0.1 (a child process of this one), and a steady, open-loop
request rate (``--rate`` requests a second, sent on schedule whatever the answers' times)
for ``--minutes``:

    40 %  GET /today as a signed-in athlete (the session cookie)
    40 %  POST /api/v1/athletes/{id}/sets with a client id (a token); a failed request is
          retried with the same client id, up to 3 times, as the offline queue does
    15 %  GET /roster as the coach
     5 %  POST /login (a correct password: argon2id)

Every 10 s the resident memory (VmRSS, /proc) of each worker is read. At ``--kill-at`` of
the run one worker gets SIGKILL (uvicorn's supervisor starts another). At the end: errors
(5xx, refused connections, anything not 2xx/3xx) per kind, p50/p99 per kind, each worker's
RSS first and last, and from the database: every acknowledged set (a 2xx answer) is stored
exactly once, and no client id is stored twice. Prints the load average.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.cookiejar
import json
import os
import random
import secrets
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ADMIN_URL = os.environ.get(
    "CALFCOACH_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
PASSWORD = "a long enough soak password"
SECRET = "soak-" + secrets.token_urlsafe(32)
HISTORY_DAYS = 14


def _database() -> tuple[str, str]:
    import psycopg
    from sqlalchemy.engine import make_url

    name = f"calfcoach_soak_{secrets.token_hex(4)}"
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")  # type: ignore[arg-type]
    url = make_url(ADMIN_URL).set(drivername="postgresql+psycopg", database=name)
    return name, url.render_as_string(hide_password=False)


def _drop(name: str) -> None:
    import psycopg

    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")  # type: ignore[arg-type]


def _seed(url: str, home: Path, athletes: int) -> list[tuple[int, str, str]]:
    """(athlete id, email, token) per athlete; the coach follows them all."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from tests.integration.test_services import PROFILE

    from calfcoach import bootstrap
    from calfcoach.services import accounts, tokens
    from calfcoach.services import athletes as athlete_service
    from calfcoach.services.access import Actor
    from calfcoach.settings import Settings
    from calfcoach.storage import migrate

    migrate.upgrade(url)
    settings = Settings(home=home, database_url=url)
    ctx = bootstrap.build_context(settings)
    local = Actor.local()
    start = dt.date.today() - dt.timedelta(days=HISTORY_DAYS)
    made = []
    try:
        coach = accounts.create_account(ctx, local, "coach@soak.example", "coach")
        accounts.accept_invitation(ctx, coach.token, PASSWORD)
        for number in range(athletes):
            name = f"soak{number:03d}"
            athlete = athlete_service.add_athlete(ctx, local, PROFILE, start=start, name=name)
            email = f"{name}@soak.example"
            account = accounts.create_account(
                ctx, local, email, "athlete", athlete_id=athlete.athlete.id
            )
            accounts.accept_invitation(ctx, account.token, PASSWORD)
            accounts.add_coach_link(ctx, local, coach.account.id, athlete.athlete.id)
            with ctx.unit_of_work(read_only=True) as uow:
                stored = uow.accounts.get(account.account.id)
                assert stored is not None
                actor = accounts.actor_for_account(uow, stored)
            token = tokens.create_token(ctx, actor, "soak", ("read", "log")).token
            made.append((athlete.athlete.id, email, token))
    finally:
        ctx.close()
    return made


class User:
    """A browser: its own cookie jar; signs in once."""

    def __init__(self, base: str, email: str) -> None:
        self.base = base
        self.email = email
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def login(self) -> int:
        data = urllib.parse.urlencode({"email": self.email, "password": PASSWORD}).encode()
        request = urllib.request.Request(self.base + "/login", data=data, method="POST")
        return _status(self.opener, request)

    def get(self, path: str) -> int:
        return _status(self.opener, urllib.request.Request(self.base + path))


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def _status(opener: urllib.request.OpenerDirector, request: urllib.request.Request) -> int:
    try:
        with opener.open(request, timeout=30) as response:
            response.read()
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return 0  # no answer (a killed worker's connection)


def _workers(parent: int) -> list[int]:
    """The uvicorn worker processes: the children of the supervisor ``parent``."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) != parent:
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as handle:
                command = handle.read()
        except OSError:
            continue
        if b"resource_tracker" not in command:  # multiprocessing's helper, not a worker
            found.append(int(entry))
    return sorted(found)


def _rss_kib(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--rate", type=float, default=10.0, help="requests a second")
    parser.add_argument("--athletes", type=int, default=20)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--kill-at", type=float, default=0.5, help="fraction of the run")
    parser.add_argument("--port", type=int, default=18765)
    args = parser.parse_args()

    import tempfile

    home = Path(tempfile.mkdtemp(prefix="calfcoach-soak-"))
    name, url = _database()
    server: subprocess.Popen[bytes] | None = None
    try:
        print(f"seeding {args.athletes} athletes on {name} ...", flush=True)
        seeded = _seed(url, home, args.athletes)
        base = f"http://127.0.0.1:{args.port}"
        env = {
            **os.environ,
            "CALFCOACH_DATABASE_URL": url,
            "CALFCOACH_HOME": str(home),
            "CALFCOACH_SECRET_KEY": SECRET,
            "CALFCOACH_PUBLIC_URL": base,
            "CALFCOACH_MAIL": f"file:{home / 'mail.txt'}",
        }
        command = [sys.executable, "-m", "calfcoach", "serve", "--server", "--port",
                   str(args.port), "--workers", str(args.workers)]  # fmt: skip
        server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while True:
            if _status(urllib.request.build_opener(), urllib.request.Request(base + "/login")):
                if len(_workers(server.pid)) >= args.workers:
                    break
            if time.monotonic() > deadline or server.poll() is not None:
                raise SystemExit("the server did not start")
            time.sleep(0.5)
        athletes = [User(base, email) for _, email, _ in seeded]
        coach = User(base, "coach@soak.example")
        for user in [*athletes, coach]:
            assert user.login() in (200, 303), user.email
        print(f"server up: workers {_workers(server.pid)}", flush=True)

        lock = threading.Lock()
        times: dict[str, list[float]] = defaultdict(list)
        errors: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
        acknowledged: list[str] = []
        sent_sets: list[str] = []
        counters = {
            a: iter((d, n) for d in range(HISTORY_DAYS + 1) for n in range(1, 51))
            for a, _, _ in seeded
        }
        no_redirect = urllib.request.build_opener(_NoRedirect())

        def log_set(index: int) -> int:
            athlete_id, _, token = seeded[index]
            with lock:
                days_ago, number = next(counters[athlete_id])
                client_id = str(uuid.uuid4())
                sent_sets.append(client_id)
            body = {
                "date": (dt.date.today() - dt.timedelta(days=days_ago)).isoformat(),
                "exercise": "jump-rope",
                "set_number": number,
                "contacts": 100,
                "rpe": 6,
                "pain": 0,
                "client_id": client_id,
            }
            data = json.dumps(body).encode()
            status = 0
            for _attempt in range(3):
                request = urllib.request.Request(
                    f"{base}/api/v1/athletes/{athlete_id}/sets",
                    data=data,
                    method="POST",
                    headers={"Authorization": f"Bearer {token}",
                             "Content-Type": "application/json"},
                )  # fmt: skip
                status = _status(no_redirect, request)
                if status and status < 500:
                    break
                time.sleep(0.2)
            if 200 <= status < 300:
                with lock:
                    acknowledged.append(client_id)
            return status

        def one(kind: str, index: int) -> None:
            started = time.perf_counter()
            if kind == "today":
                status = athletes[index].get("/today")
            elif kind == "log":
                status = log_set(index)
            elif kind == "roster":
                status = coach.get("/roster")
            else:
                status = User(base, seeded[index][1]).login()
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                times[kind].append(elapsed)
                if not 200 <= status < 400:
                    errors[kind][status] += 1

        rss: dict[int, list[int]] = defaultdict(list)
        killed: list[int] = []
        duration = args.minutes * 60
        interval = 1.0 / args.rate
        rng = random.Random(9)
        pool = ThreadPoolExecutor(max_workers=32)
        begin = time.monotonic()
        next_sample = begin
        tick = 0
        while (now := time.monotonic()) - begin < duration:
            if now >= next_sample:
                for pid in _workers(server.pid):
                    value = _rss_kib(pid)
                    if value is not None:
                        rss[pid].append(value)
                next_sample += 10
            if not killed and now - begin >= duration * args.kill_at:
                victim = _workers(server.pid)[0]
                os.kill(victim, signal.SIGKILL)
                killed.append(victim)
                print(f"SIGKILL worker {victim} at {now - begin:.0f} s", flush=True)
            roll = rng.random()
            kind = "today" if roll < 0.4 else "log" if roll < 0.8 else (
                "roster" if roll < 0.95 else "login")  # fmt: skip
            pool.submit(one, kind, rng.randrange(len(seeded)))
            tick += 1
            time.sleep(max(0.0, begin + tick * interval - time.monotonic()))
        pool.shutdown(wait=True)
        elapsed = time.monotonic() - begin

        import psycopg

        plain = url.replace("postgresql+psycopg://", "postgresql://")
        with psycopg.connect(plain) as conn:
            rows = conn.execute(
                "SELECT client_id, count(*) FROM logged_sets WHERE client_id IS NOT NULL "
                "GROUP BY client_id"
            ).fetchall()
        stored = {client: count for client, count in rows}
        lost = [c for c in acknowledged if stored.get(c, 0) == 0]
        twice = {c: n for c, n in stored.items() if n > 1}
        unacknowledged_stored = len(set(stored) - set(acknowledged))

        def pct(values: list[float], q: float) -> float:
            ordered = sorted(values)
            return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]

        total = sum(len(v) for v in times.values())
        print(f"\n{total} requests in {elapsed:.0f} s ({total / elapsed:.1f}/s), "
              f"{args.workers} workers, PostgreSQL")  # fmt: skip
        for kind in ("today", "log", "roster", "login"):
            values = times.get(kind, [])
            if values:
                p50, p99 = statistics.median(values), pct(values, 0.99)
                failed = dict(errors[kind]) or 0
                print(f"  {kind:7s} n={len(values):5d}  p50 {p50:7.1f} ms  p99 {p99:7.1f} ms"
                      f"  errors {failed}")  # fmt: skip
        print("worker RSS (MiB): first -> last (growth)")
        for pid, values in sorted(rss.items()):
            note = " (killed)" if pid in killed else ""
            first, last = values[0] / 1024, values[-1] / 1024
            print(f"  {pid}: {first:.1f} -> {last:.1f} ({last - first:+.1f}) "
                  f"over {len(values)} samples{note}")  # fmt: skip
        print(f"sets: {len(sent_sets)} sent, {len(acknowledged)} acknowledged, "
              f"{len(stored)} stored; acknowledged but lost: {len(lost)}; stored twice: "
              f"{len(twice)}; stored unacknowledged: {unacknowledged_stored}")  # fmt: skip
        print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        if lost or twice:
            raise SystemExit("FAILED: a set was lost or duplicated")
    finally:
        if server is not None:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
        _drop(name)


if __name__ == "__main__":
    main()
