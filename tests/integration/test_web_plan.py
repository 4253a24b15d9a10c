"""The Plan page (issue 8, part 2): weeks, lighter weeks and races marked, each session's
status, and move or skip with the rule check's message. SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import uuid

from fastapi import FastAPI
from fastapi.testclient import TestClient
from tests.integration.web_pages import add_runner, last_session_by_today, on_app, stored, text_of


def test_the_plan_is_a_calendar_of_weeks_with_lighter_weeks_and_races_marked(
    app: FastAPI, client: TestClient
) -> None:
    race_day = dt.date.today() + dt.timedelta(days=30)
    sessions = add_runner(
        app,
        weeks=8,
        races=({"date": race_day.isoformat(), "distance_km": 21.1, "name": "City Half"},),
    )
    page = client.get("/plan")
    assert page.status_code == 200
    words = text_of(page.text)
    for number in range(1, 9):
        assert f"Week {number}" in words
    lighter = sorted({s.week for s in sessions if s.deload})
    assert lighter  # an 8-week plan has lighter weeks (R-PROG-5)
    for number in lighter:
        heading = page.text.split(f'id="week-{number}"', 1)[1].split("</h2>", 1)[0]
        assert "Lighter week (R-PROG-5)" in heading
    assert f"Race {race_day:%a %d %b}: City Half (21.1 km)" in words
    assert page.text.count('class="plan-days"') >= 1


def test_each_session_shows_what_became_of_it(app: FastAPI, client: TestClient) -> None:
    sessions = add_runner(app)
    today = dt.date.today()
    done = last_session_by_today(sessions)
    p = done.exercises[0]
    measure = "reps" if p.reps is not None else "seconds" if p.seconds else "contacts"
    logged = client.post(
        "/today/sets",
        data={
            "date": done.date.isoformat(),
            "exercise": p.exercise,
            "set_number": "1",
            "side": "left" if p.per_side else "both",
            "measure": measure,
            measure: str(getattr(p, measure) or 10),
            "client_id": str(uuid.uuid4()),
        },
        headers={"HX-Request": "true"},
    )
    assert logged.status_code == 200, logged.text
    upcoming = [s for s in sessions if s.date > today]
    skipped = client.post(
        "/sessions/skip",
        data={"date": upcoming[0].date.isoformat(), "back": "plan"},
        follow_redirects=False,
    )
    assert skipped.status_code == 303
    assert skipped.headers["location"].startswith("/plan?done=skipped")
    page = client.get(skipped.headers["location"])
    assert "Session skipped." in page.text

    def status_of(day: dt.date) -> str:
        item = page.text.split(f'id="day-{day.isoformat()}"', 1)[1].split("</li>", 1)[0]
        return item.split('class="badge ', 1)[1].split('"', 1)[0]

    assert status_of(done.date) == "done"
    assert status_of(upcoming[0].date) == "skipped"
    assert status_of(upcoming[1].date) == "planned"
    missed = [s for s in sessions if s.date < today and s.date != done.date]
    for s in missed:
        assert status_of(s.date) == "missed"


def test_a_stopped_plan_shows_stopped_sessions(app: FastAPI, client: TestClient) -> None:
    from calfcoach.services.training import record_checkin

    sessions = add_runner(app)
    today = dt.date.today()
    record_checkin(*on_app(app), today, pain=2, stiffness=2, today=today, red_flags=["swelling"])
    page = client.get("/plan")
    upcoming = next(s for s in sessions if s.date >= today)
    item = page.text.split(f'id="day-{upcoming.date.isoformat()}"', 1)[1].split("</li>", 1)[0]
    assert 'class="badge stopped"' in item
    assert "Move to" not in item


def test_a_refused_move_from_the_plan_shows_the_rule_at_the_session(
    app: FastAPI, client: TestClient
) -> None:
    sessions = add_runner(app)
    upcoming = [s for s in sessions if s.date >= dt.date.today()]
    before = stored(app)
    response = client.post(
        "/sessions/move",
        data={
            "from_date": upcoming[0].date.isoformat(),
            "to_date": upcoming[1].date.isoformat(),
            "back": "plan",
        },
    )
    assert response.status_code == 422
    assert "<h1>Plan</h1>" in response.text
    assert f'id="err-{upcoming[0].date.isoformat()}-to_date"' in response.text
    assert "is refused by R-SCHED" in response.text
    assert stored(app) == before


def test_a_move_with_an_unreadable_day_is_refused_at_the_field(
    app: FastAPI, client: TestClient
) -> None:
    sessions = add_runner(app)
    upcoming = next(s for s in sessions if s.date >= dt.date.today())
    before = stored(app)
    response = client.post(
        "/sessions/move",
        data={"from_date": upcoming.date.isoformat(), "to_date": "next tuesday", "back": "plan"},
    )
    assert response.status_code == 422
    assert "&#39;next tuesday&#39; is not a valid date; allowed: YYYY-MM-DD" in response.text
    assert stored(app) == before
