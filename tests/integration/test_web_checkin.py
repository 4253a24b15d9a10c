"""The next-morning check-in page (R-PAIN-1/2, 2a): pain, stiffness and the red-flag
questions, then what it changes. SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from tests.integration.web_pages import add_runner, stored, text_of

from calfcoach.core.models import RED_FLAGS
from calfcoach.services.training import RED_FLAG_QUESTIONS
from calfcoach.settings import Settings
from calfcoach.web.app import create_app


@pytest.fixture
def app(database_url: str, tmp_path: Path) -> FastAPI:
    app = create_app(Settings(home=tmp_path, database_url=database_url))
    add_runner(app, complaints=frozenset({"achilles"}), usual_pain=2)
    return app


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


def checkins(app: FastAPI) -> list[dict[str, object]]:
    return [c for a in stored(app)["athletes"] for c in a.get("checkins", [])]


def test_the_form_asks_pain_stiffness_and_every_red_flag_question(client: TestClient) -> None:
    page = client.get("/checkin")
    assert page.status_code == 200
    for name in ("pain", "stiffness"):
        assert f'<label for="checkin-{name}">' in page.text
    for flag in RED_FLAGS:
        assert f'value="{flag}"' in page.text
        assert RED_FLAG_QUESTIONS[flag].replace("'", "&#39;") in page.text


def test_a_check_in_is_saved_and_says_what_it_changes(app: FastAPI, client: TestClient) -> None:
    today = dt.date.today()
    response = client.post(
        "/checkin", data={"date": today.isoformat(), "pain": "2", "stiffness": "3"}
    )
    assert response.status_code == 200
    words = text_of(response.text)
    assert f"Check-in of {today:%a %d %b} saved" in words
    assert "Pain 2/10, stiffness 3/10" in words
    assert "What it changes" in words
    assert [(c["pain"], c["stiffness"]) for c in checkins(app)] == [(2, 3)]


def test_a_red_flag_gives_the_advice_at_once_and_stops_the_plan(
    app: FastAPI, client: TestClient
) -> None:
    today = dt.date.today()
    response = client.post(
        "/checkin",
        data={"date": today.isoformat(), "pain": "4", "stiffness": "2", "red_flag": ["pop"]},
    )
    assert response.status_code == 200
    words = text_of(response.text)
    assert "see a clinician (a doctor or physiotherapist) today" in words
    assert "red flags: pop" in words
    assert "the plan is stopped" in words
    assert checkins(app)[0]["red_flags"] == ["pop"]


@pytest.mark.parametrize(
    ("data", "field", "words"),
    [
        ({"pain": "11", "stiffness": "2"}, "pain", "11 is out of range; allowed: 0-10"),
        ({"pain": "2", "stiffness": "stiff"}, "stiffness", "is not a whole number; allowed: 0-10"),
        ({"stiffness": "2"}, "pain", "missing; allowed: 0-10"),
        ({"pain": "2", "stiffness": "2", "date": "2999-01-01"}, "date", "is in the future"),
        ({"pain": "2", "stiffness": "2", "date": "yesterday"}, "date", "is not a valid date"),
        (  # an ISO week date (2025-12-29) or one without dashes: the CLI's refusal, its words
            {"pain": "2", "stiffness": "2", "date": "2026-W01-1"},
            "date",
            "&#39;2026-W01-1&#39; is not a valid date; allowed: YYYY-MM-DD",
        ),
        ({"pain": "2", "stiffness": "2", "date": "20260105"}, "date", "is not a valid date"),
        (
            {"pain": "2", "stiffness": "2", "red_flag": ["itchy"]},
            "red-flags",
            "&#39;itchy&#39; is not allowed; allowed: pop, swelling",
        ),
    ],
)
def test_an_invalid_check_in_is_refused_at_the_field_and_nothing_is_stored(
    app: FastAPI, client: TestClient, data: dict[str, object], field: str, words: str
) -> None:
    before = stored(app)
    response = client.post("/checkin", data=data)
    assert response.status_code == 422
    assert words in response.text
    assert f'id="checkin-{field}-error"' in response.text
    assert stored(app) == before


def test_a_check_in_field_sent_twice_is_refused_at_the_field(
    app: FastAPI, client: TestClient
) -> None:
    """``pain=1&pain=9`` stored the morning pain 9 without a word."""
    before = stored(app)
    body = "pain=1&pain=9&stiffness=1"
    headers = {"content-type": "application/x-www-form-urlencoded"}
    response = client.post("/checkin", content=body, headers=headers)
    assert response.status_code == 422
    assert "given more than once; allowed: one value" in response.text
    assert 'id="checkin-pain-error"' in response.text
    assert stored(app) == before


def test_a_second_check_in_the_same_day_needs_replace(app: FastAPI, client: TestClient) -> None:
    today = dt.date.today().isoformat()
    assert client.post("/checkin", data={"date": today, "pain": "1", "stiffness": "1"}).is_success
    before = stored(app)
    again = client.post("/checkin", data={"date": today, "pain": "3", "stiffness": "1"})
    assert again.status_code == 422
    assert "there is already a check-in on" in again.text
    assert stored(app) == before
    replaced = client.post(
        "/checkin", data={"date": today, "pain": "3", "stiffness": "1", "replace": "yes"}
    )
    assert replaced.status_code == 200
    assert [c["pain"] for c in checkins(app)] == [3]


def test_a_flare_check_in_shows_the_eased_session_and_its_advice(
    app: FastAPI, client: TestClient
) -> None:
    today = dt.date.today()
    response = client.post(
        "/checkin", data={"date": today.isoformat(), "pain": "6", "stiffness": "5"}
    )
    assert response.status_code == 200
    changes = text_of(response.text.split('id="changes-heading"', 1)[1])
    assert "Flare" in changes  # R-PAIN-2b: 6/10 against a usual 2/10
    link = response.text.split('id="changes-heading"', 1)[1].split('href="/today?date=', 1)[1][:10]
    page = client.get(f"/today?date={link}")
    assert "R-PAIN-2b" in page.text and "ease the running" in page.text
