"""The cost of a password (issue 9, "Login: the argon2 cost chosen and its time").

    .venv/bin/python bench/bench_login.py [--rounds 20]

Times, on this machine:
- one argon2id hash at calfcoach's parameters (``services.accounts``), and at the nearby
  costs considered, so the choice can be re-made on other hardware;
- a verification of the right password, of a wrong one, and of an unknown address (the
  dummy hash: it must cost the same, or the timing tells which addresses have accounts);
- a whole login through the service (SQLite in a temporary folder: the throttle read, the
  hash, the session write), right and wrong password.

Prints a Markdown table (median and p90 in ms) for bench/README.md, with the load average.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path


def _times(action: Callable[[], object], rounds: int) -> tuple[float, float]:
    action()  # warm (imports, the dummy hash)
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        action()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[min(len(samples) - 1, int(0.9 * len(samples)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()

    from argon2 import PasswordHasher, Type

    from calfcoach.bootstrap import build_context
    from calfcoach.errors import CalfcoachError
    from calfcoach.services import accounts
    from calfcoach.services.access import Actor
    from calfcoach.settings import Settings, sqlite_url

    rows: list[tuple[str, float, float]] = []
    chosen = (accounts.ARGON2_TIME_COST, accounts.ARGON2_MEMORY_KIB)
    for time_cost, memory in sorted({(2, 19 * 1024), (2, 32 * 1024), chosen, (3, 64 * 1024)}):
        hasher = PasswordHasher(
            time_cost=time_cost, memory_cost=memory, parallelism=1, type=Type.ID
        )
        mark = " (chosen)" if (time_cost, memory) == chosen else ""
        label = f"hash, t={time_cost} m={memory // 1024} MiB p=1{mark}"
        rows.append((label, *_times(lambda h=hasher: h.hash("correct horse battery"), args.rounds)))

    stored = accounts.hash_password("correct horse battery")
    rows.append(
        ("verify, right password", *_times(
            lambda: accounts.verify_password(stored, "correct horse battery"), args.rounds))
    )  # fmt: skip
    rows.append(
        ("verify, wrong password", *_times(
            lambda: accounts.verify_password(stored, "wrong"), args.rounds))
    )  # fmt: skip
    rows.append(
        ("verify, unknown address (dummy hash)", *_times(
            lambda: accounts.verify_password(None, "wrong"), args.rounds))
    )  # fmt: skip

    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder)
        settings = Settings(home=home, database_url=sqlite_url(home / "bench.sqlite3"))
        with build_context(settings) as ctx:
            made = accounts.create_account(ctx, Actor.local(), "bench@example.org", "athlete")
            accounts.accept_invitation(ctx, made.token, "correct horse battery")
            ips = iter(range(10**6))

            def good() -> None:
                accounts.login(ctx, "bench@example.org", "correct horse battery", "127.0.0.1")

            def bad() -> None:
                n = next(ips)  # a new address and client each time: no lockout measured
                try:
                    accounts.login(ctx, f"nobody{n}@example.org", "wrong", f"10.0.{n}")
                except CalfcoachError:
                    pass

            rows.append(("login (service, SQLite), right password", *_times(good, args.rounds)))
            rows.append(("login (service, SQLite), unknown address", *_times(bad, args.rounds)))

    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"load average: {load}; {args.rounds} rounds each\n")
    print("| what | median ms | p90 ms |")
    print("|---|---|---|")
    for label, median, p90 in rows:
        print(f"| {label} | {median:.1f} | {p90:.1f} |")


if __name__ == "__main__":
    main()
