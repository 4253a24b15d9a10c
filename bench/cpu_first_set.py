"""CPU cost of the first set of a day against a later set of the same day (issue 8, figures).

Run: .venv/bin/python bench/cpu_first_set.py [--postgres]

``cpu_web.py``'s history (4 bench athletes with a year each), the app through Starlette's
``TestClient``; for each athlete: its first set of today (the walk, fixing the day, the ORM
session log), then 20 more sets of the same day (the fixed day's 5 statements, D-120),
athlete 1's each followed by the Today page (which was read once before the first set, as a
phone shows the day before its first set). CPU ms by ``time.process_time``.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from cpu_web import ATHLETES, history, set_bodies  # noqa: E402

from calfcoach.settings import Settings  # noqa: E402


def main() -> None:
    from fastapi.testclient import TestClient

    from calfcoach.web.app import create_app

    postgres = "--postgres" in sys.argv
    first: list[float] = []
    later: list[float] = []
    pages: list[float] = []
    with tempfile.TemporaryDirectory() as folder, history(postgres, Path(folder)) as url:
        app = create_app(Settings(home=Path(folder), database_url=url))
        with TestClient(app, client=("127.0.0.1", 50000)) as client:
            client.get("/healthz")
            for athlete in range(1, ATHLETES + 1):
                bodies = set_bodies(client, range(athlete, athlete + 1))
                if athlete == 1:  # the phone shows the day before its first set
                    assert client.get("/today").status_code == 200
                for k in range(21):
                    _, body = next(bodies)
                    started = time.process_time()
                    response = client.post(f"/api/v1/athletes/{athlete}/sets", json=body)
                    spent = (time.process_time() - started) * 1000
                    assert response.status_code == 201, response.text
                    (first if k == 0 else later).append(spent)
                    if athlete == 1:  # the page shows athlete 1 (local mode)
                        started = time.process_time()
                        assert client.get("/today").status_code == 200
                        pages.append((time.process_time() - started) * 1000)
    print(f"{'PostgreSQL' if postgres else 'SQLite'}: CPU ms")
    print(f"| first set of the day | {' / '.join(f'{x:.1f}' for x in first)} |")
    print(f"| a later set, median of {len(later)} | {statistics.median(later):.2f} |")
    print(f"| Today page after a set, first / median of the rest | {pages[0]:.1f} / "
          f"{statistics.median(pages[1:]):.2f} |")  # fmt: skip


if __name__ == "__main__":
    main()
