"""Onboarding (the profile questions -> the athlete and the first plan -> Today with why) and
the Profile page (a change re-plans the future only, R-HIST). SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from tests.integration.web_pages import add_runner, stored, text_of

HTML = {"accept": "text/html"}


def answers(**changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "name": "Kim Park",
        "level": "intermediate",
        "free_days": ["mon", "wed", "fri"],
        "sessions_per_week": "",
        "session_minutes": "30",
        "equipment": ["dumbbell", "step"],
        "run_tue": "hard",
        "run_sun": "long",
        "races": "",
        "complaints": ["achilles"],
        "usual_pain": "3",
        "bone_stress_history": "no",
        "missed_periods": "no",
        "sex": "female",
        "birth_year": "1988",
        "body_mass_kg": "61.5",
        "units": "metric",
        "start": dt.date.today().isoformat(),
        "weeks": "8",
    }
    data.update(changes)
    return data


def test_onboarding_asks_the_profile_questions(client: TestClient) -> None:
    page = client.get("/today", headers=HTML)  # nobody stored: onboarding
    assert page.url.path == "/welcome"
    for name in ("name", "session_minutes", "races", "usual_pain", "birth_year", "weeks"):
        assert f'for="p-{name}"' in page.text
    for legend in ("Free days for strength work", "Equipment you have", "Complaints", "Level"):
        assert legend in page.text


def test_onboarding_stores_the_athlete_and_shows_today_with_the_plans_why(
    app: FastAPI, client: TestClient
) -> None:
    response = client.post("/welcome", data=answers(), follow_redirects=False)
    assert response.status_code == 303, response.text
    assert "welcome=1" in response.headers["location"]
    page = client.get(response.headers["location"])
    words = text_of(page.text)
    assert "Your first plan" in words
    assert "8 weeks from" in words
    assert "Why this plan" in words and "R-PAIN" in words  # the Achilles protocol's rule
    (athlete,) = stored(app)["athletes"]
    assert athlete["name"] == "Kim Park"
    assert athlete["profile"]["complaints"] == ["achilles"]
    assert athlete["profile"]["runs"] == [
        {"day": "tue", "kind": "hard"},
        {"day": "sun", "kind": "long"},
    ]
    # Once someone is stored, onboarding sends them to Today.
    again = client.get("/welcome", follow_redirects=False)
    assert again.status_code == 303 and again.headers["location"] == "/today"


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"level": "expert"}, "level", "&#39;expert&#39; is not allowed; allowed: novice"),
        ({"free_days": []}, "free_days", "no free day given"),
        ({"session_minutes": "5"}, "session_minutes", "5 is out of range"),
        ({"birth_year": "nineteen"}, "birth_year", "is not a whole number"),
        ({"races": "2027-02-30"}, "races", "is not a valid date"),
        ({"races": "2027-04-12:far"}, "races", "has no distance after"),
        ({"name": ""}, "name", "missing; allowed: a name"),
        ({"weeks": "60"}, "weeks", "60 is out of range; allowed: 1-52"),
        ({"start": "soon"}, "start", "is not a valid date"),
        ({"usual_pain": "12"}, "usual_pain", "12 is out of range"),
        # Not one date: refused at the question, never dropped without a word.
        ({"races": "next spring"}, "races", "&#39;next spring&#39; is not a valid date"),
    ],
)
def test_a_refused_answer_is_shown_at_its_question_and_nothing_is_stored(
    app: FastAPI, client: TestClient, changes: dict[str, object], field: str, words: str
) -> None:
    response = client.post("/welcome", data=answers(**changes))
    assert response.status_code == 422
    assert words in response.text
    assert f'id="p-{field}-error"' in response.text
    assert stored(app)["athletes"] == []


def test_the_profile_page_shows_the_stored_answers(app: FastAPI, client: TestClient) -> None:
    add_runner(app, runs=({"day": "tue", "kind": "hard"},), body_mass_kg=70.0)
    page = client.get("/profile")
    assert page.status_code == 200
    assert 'value="Ana Runner"' in page.text
    assert 'value="70.0"' in page.text
    assert '<option value="hard" selected>' in page.text


def test_a_profile_change_keeps_the_past_and_re_plans_the_future(
    app: FastAPI, client: TestClient
) -> None:
    sessions = add_runner(app)
    today = dt.date.today()
    past = [s for s in sessions if s.date < today]
    before = {s.date: s for s in past}
    form = answers(name="Ana Runner", level="advanced", complaints=[], usual_pain="",
                   free_days=["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
                   run_tue="none", run_sun="none")  # fmt: skip
    response = client.post("/profile", data=form)
    assert response.status_code == 200, text_of(response.text)
    assert "Profile saved" in response.text and "R-HIST" in response.text
    (athlete,) = stored(app)["athletes"]
    assert athlete["profile"]["level"] == "advanced"
    plan = client.get("/plan")
    for day, session in before.items():  # every past session as it was given
        if f'id="day-{day.isoformat()}"' in plan.text:
            assert session.title in plan.text.split(f'id="day-{day.isoformat()}"', 1)[1][:400]


def test_a_change_of_the_name_alone_is_saved_and_said(app: FastAPI, client: TestClient) -> None:
    from calfcoach.web.profile_form import profile_values

    add_runner(app)
    (athlete,) = stored(app)["athletes"]
    plans = athlete["plans"]
    with app.state.service_context.unit_of_work(read_only=True) as uow:
        (current,) = uow.athletes.all()
    values, lists = profile_values(current.profile)
    response = client.post("/profile", data={**values, **lists, "name": "Ana Lee"})
    assert response.status_code == 200, text_of(response.text)
    assert "The name is now &#39;Ana Lee&#39;" in response.text
    (athlete,) = stored(app)["athletes"]
    assert (athlete["name"], athlete["profile"]["name"]) == ("Ana Lee", "Ana Lee")
    # Nothing re-planned: the same plans; the sessions as given (R-HIST, export version 5)
    # may only grow, as the page settles the days before today.
    assert _without_given(athlete["plans"]) == _without_given(plans)
    for before, after in zip(plans, athlete["plans"], strict=True):
        assert all(version in after["given"] for version in before["given"])


def _without_given(plans: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{key: value for key, value in plan.items() if key != "given"} for plan in plans]


def test_a_refused_profile_change_stores_nothing(app: FastAPI, client: TestClient) -> None:
    add_runner(app)
    before = stored(app)
    response = client.post("/profile", data=answers(name="Ana Runner", session_minutes="200"))
    assert response.status_code == 422
    assert "200 is out of range" in response.text
    assert 'id="p-session_minutes-error"' in response.text
    assert stored(app) == before


def test_after_a_change_of_the_session_days_the_plan_still_shows_the_sessions_given(
    app: FastAPI, client: TestClient
) -> None:
    sessions = add_runner(app, free_days=frozenset({"mon", "wed", "fri"}), days_ago=10)
    today = dt.date.today()
    given = [s for s in sessions if s.date < today]
    assert given
    form = answers(name="Ana Runner", complaints=[], usual_pain="", free_days=["tue", "sat"],
                   run_tue="none", run_sun="none")  # fmt: skip
    response = client.post("/profile", data=form)
    assert response.status_code == 200, text_of(response.text)
    assert "new" in text_of(response.text) and "block" in text_of(response.text)
    plan = client.get("/plan")
    assert "Earlier blocks" in plan.text
    for session in given:
        item = plan.text.split(f'id="day-{session.date.isoformat()}"', 1)[1].split("</li>", 1)[0]
        assert session.title in item
        assert 'class="badge missed"' in item
