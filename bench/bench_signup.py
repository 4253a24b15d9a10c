"""The cost of signing up through a coach's invitation link (issue 9, D-115/-2).

    .venv/bin/python bench/bench_signup.py [--rounds 15]

CPU milliseconds per request (``time.process_time``: the shared machine's other work is not
counted, argon2 runs in this process), in-process through Starlette's ``TestClient`` on a
server-mode app over SQLite in a temporary folder:
- the sign-up page (anonymous: the invitation read, the pre-session cookie and token);
- a sign-up refused at its fields (422: no hashing, nothing counted);
- a sign-up with a bad link (404: a failure counted for the client);
- a sign-up made (the argon2id hash, the account, the invitation used, the session);
- a login with the right password, for comparison (the same hash cost).
Each round uses a new invitation, a new address and a new client address (no lockout).
Prints a Markdown table (median and best in CPU ms) with the load average.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

SECRET = "bench-secret-key-0123456789-abcdefghijklmnop"
PASSWORD = "a long enough password"


def _cpu(action: Callable[[int], object], rounds: int) -> tuple[float, float]:
    action(-1)  # warm: imports, templates, the dummy hash
    samples = []
    for i in range(rounds):
        start = time.process_time()
        action(i)
        samples.append((time.process_time() - start) * 1000)
    return statistics.median(samples), min(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()

    from fastapi.testclient import TestClient

    from calfcoach.services import accounts, coaching
    from calfcoach.services.access import Actor
    from calfcoach.settings import Settings, sqlite_url
    from calfcoach.web.app import create_app

    field = re.compile(r'name="csrf_token" value="([0-9a-f]{64})"')
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder)
        settings = Settings(
            home=home,
            database_url=sqlite_url(home / "bench.sqlite3"),
            server=True,
            secret_key=SECRET,
            mail=f"file:{home / 'mail.txt'}",
            public_url="http://testserver",
        )
        app = create_app(settings)
        ctx = app.state.service_context
        made = accounts.create_account(ctx, Actor.local(), "coach@example.org", "coach")
        accounts.accept_invitation(ctx, made.token, PASSWORD)
        coach = made.account.id
        counter = iter(range(10**6))

        def client() -> TestClient:
            n = next(counter)
            return TestClient(app, client=(f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}", 1))

        def prepared() -> tuple[TestClient, str, str]:
            token = coaching.create_invitation(ctx, Actor.local(), coach).token
            browser = client()
            page = browser.get(f"/coach/join/{token}")
            found = field.search(page.text)
            assert page.status_code == 200 and found is not None
            return browser, token, found.group(1)

        rows: list[tuple[str, float, float]] = []
        states = {i: prepared() for i in range(-1, args.rounds)}

        def page(i: int) -> None:
            browser, token, _ = states[i]
            assert browser.get(f"/coach/join/{token}").status_code == 200

        rows.append(("GET /coach/join/TOKEN (the sign-up form)", *_cpu(page, args.rounds)))

        def refused(i: int) -> None:
            browser, token, csrf = states[i]
            data = {"name": "", "email": "x", "password": "short", "csrf_token": csrf}
            assert browser.post(f"/coach/join/{token}/signup", data=data).status_code == 422

        rows.append(("POST sign-up, refused at its fields (422)", *_cpu(refused, args.rounds)))

        def bad_link(i: int) -> None:
            browser, _, csrf = states[i]
            data = {"name": "A", "email": "a@e.org", "password": PASSWORD, "csrf_token": csrf}
            assert browser.post("/coach/join/nope/signup", data=data).status_code == 404

        rows.append(("POST sign-up, a bad link (404, counted)", *_cpu(bad_link, args.rounds)))

        def signed_up(i: int) -> None:
            browser, token, csrf = states[i]
            data = {
                "name": f"Runner {i}",
                "email": f"runner{i + 1}@example.org",
                "password": PASSWORD,
                "csrf_token": csrf,
            }
            done = browser.post(f"/coach/join/{token}/signup", data=data, follow_redirects=False)
            assert done.status_code == 303, done.text[:200]

        rows.append(
            ("POST sign-up, made (argon2id + 1 transaction)", *_cpu(signed_up, args.rounds))
        )

        def login(i: int) -> None:
            data = {"email": "coach@example.org", "password": PASSWORD}
            assert client().post("/login", data=data, follow_redirects=False).status_code == 303

        rows.append(("POST /login, right password (comparison)", *_cpu(login, args.rounds)))
        ctx.close()

    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"load average {load}; {args.rounds} rounds; CPU ms (time.process_time)\n")
    print("| request | median | best |")
    print("|---|---|---|")
    for label, median, best in rows:
        print(f"| {label} | {median:.1f} | {best:.1f} |")


if __name__ == "__main__":
    main()
