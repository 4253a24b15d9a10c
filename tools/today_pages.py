"""Write the Today pages of a logged day to a folder, to compare two versions byte for byte.

Run: .venv/bin/python tools/today_pages.py OUT_DIR
     (with ``PYTHONPATH=/other/checkout/src`` for the other version), then ``diff -r A B``.

A fresh SQLite database in a temporary folder, the tests' runner (``tests/integration/
web_pages.add_runner``) with a plan that started 6 days ago; sets of every exercise of the
last session by today (both sides, a load, beyond the prescription) through the form; then:
the plain page of that day (made, then served stored), a rest day, a day to come, guided mode,
a refused set (the page with its errors, status 422, and the htmx fragment; refused by the
service), a logged set's
htmx fragment. Each answer is written as ``NN-name.html`` with its status on the first line.
"""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main() -> None:
    from fastapi.testclient import TestClient
    from tests.integration.web_pages import add_runner

    from calfcoach.settings import Settings, sqlite_url
    from calfcoach.storage import migrate
    from calfcoach.web.app import create_app

    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        url = sqlite_url(Path(folder) / "pages.sqlite3")
        migrate.upgrade(url)
        app = create_app(Settings(home=Path(folder), database_url=url))
        with TestClient(app) as client:
            sessions = add_runner(app)
            today = dt.date.today()
            done = [s for s in sessions if s.date <= today][-1]
            later = next(s for s in sessions if s.date > today)
            planned = {s.date for s in sessions}
            rest = next(d for d in (done.date + dt.timedelta(days=k) for k in range(1, 8))
                        if d not in planned)  # fmt: skip
            answers: list[tuple[str, object]] = []
            k = 0
            for p in reversed(done.exercises):
                measure = "reps" if p.reps is not None else "seconds" if p.seconds else "contacts"
                for number in (p.sets + 1, 1, 2):
                    for side in ("right", "left") if p.per_side else ("both",):
                        k += 1
                        form = {
                            "date": done.date.isoformat(), "exercise": p.exercise,
                            "exercise_name": p.exercise, "set_number": str(number),
                            "side": side, "measure": measure, "units": "metric",
                            measure: str(getattr(p, measure) or 10),
                            "load": "2.5" if number == 2 else "", "rpe": "6",
                            "pain": str(number % 3),
                            "client_id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"pages-{k}")),
                        }  # fmt: skip
                        htmx = {"HX-Request": "true"} if k == 1 else {}
                        answer = client.post("/today/sets", data=form, headers=htmx,
                                             follow_redirects=False)  # fmt: skip
                        if k == 1:
                            answers.append(("logged-fragment", answer))
            page = f"/today?date={done.date.isoformat()}"
            answers.append(("page-made", client.get(page)))
            answers.append(("page-stored", client.get(page)))
            answers.append(("rest-day", client.get(f"/today?date={rest.isoformat()}")))
            answers.append(("day-to-come", client.get(f"/today?date={later.date.isoformat()}")))
            answers.append(("guided", client.get(f"/today/guided?date={done.date.isoformat()}")))
            p = later.exercises[0]
            refused = {
                "date": later.date.isoformat(), "exercise": p.exercise, "exercise_name": p.exercise,
                "set_number": "1", "side": "left" if p.per_side else "both", "measure": "reps",
                "units": "metric", "reps": "900", "load": "x", "rpe": "11", "pain": "1",
                "client_id": str(uuid.uuid5(uuid.NAMESPACE_URL, "pages-refused")),
            }  # fmt: skip
            answers.append(("refused-page", client.post("/today/sets", data=refused)))
            answers.append(("refused-fragment", client.post(
                "/today/sets", data=refused, headers={"HX-Request": "true"})))  # fmt: skip
            refused.update(load="", rpe="6")  # the form parses: the service refuses (reps)
            answers.append(("refused-by-service", client.post("/today/sets", data=refused)))
            for number, (name, answer) in enumerate(answers, 1):
                text = f"{answer.status_code}\n{answer.text}"  # type: ignore[attr-defined]
                (out / f"{number:02d}-{name}.html").write_text(text, encoding="utf-8")
    print(f"{len(answers)} answers in {out}")


if __name__ == "__main__":
    main()
