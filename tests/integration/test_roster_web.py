"""The roster page, its weekly summary, the view link and the API and CLI twins (issue 9,
part 4), on SQLite and PostgreSQL (the ``client`` fixture runs on both)."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from tests.integration.cli_harness import make_cli
from tests.web_history import PROFILE, context_of

from calfcoach.services.access import Actor
from calfcoach.services.athletes import add_athlete

LOCAL = Actor.local()
TODAY = dt.date.today()


def add(app: FastAPI, name: str) -> int:
    from calfcoach.profile_io import profile_from_data

    ctx = context_of(app.state.service_context)
    start = TODAY - dt.timedelta(days=TODAY.weekday(), weeks=2)
    added = add_athlete(ctx, LOCAL, profile_from_data(PROFILE), start=start, weeks=8, name=name)
    return added.athlete.id


def red_flag(app: FastAPI, athlete_id: int) -> None:
    from calfcoach.services.training import record_checkin

    ctx = app.state.service_context
    record_checkin(
        ctx, LOCAL, athlete_id, TODAY, pain=2, stiffness=1, today=TODAY, red_flags=["swelling"]
    )


@pytest.fixture
def api(app: FastAPI) -> Iterator[TestClient]:
    """A client on the loopback address: the local user without a token (D-71)."""
    with TestClient(app, client=("127.0.0.1", 50000)) as client:
        yield client


def names_in(html: str) -> list[str]:
    return re.findall(r'<th scope="row"><a href="/roster/view/\d+\?to=today">([^<]+)</a>', html)


def test_the_roster_lists_red_flags_first_with_sortable_headers(
    app: FastAPI, client: TestClient
) -> None:
    ids = {name: add(app, name) for name in ("Ana", "Bea", "Cy")}
    red_flag(app, ids["Cy"])

    page = client.get("/roster")
    assert page.status_code == 200
    assert names_in(page.text) == ["Cy", "Ana", "Bea"]  # R-PAIN-2a first, then by name
    assert 'aria-sort="ascending"><a href="/roster?sort=attention&amp;dir=desc' in page.text
    assert "Red flag" in page.text and "see a clinician today" in page.text

    by_name = client.get("/roster", params={"sort": "name", "dir": "desc"})
    assert names_in(by_name.text) == ["Cy", "Bea", "Ana"]
    assert 'aria-sort="descending"><a href="/roster?sort=name&amp;dir=asc' in by_name.text

    stopped = client.get("/roster", params={"show": "stopped"})
    assert names_in(stopped.text) == ["Cy"]
    found = client.get("/roster", params={"q": "be"})
    assert names_in(found.text) == ["Bea"]
    nobody = client.get("/roster", params={"q": "zed"})
    assert "No athlete matches" in nobody.text


def test_a_bad_sort_or_filter_is_a_422_page_at_its_field(client: TestClient) -> None:
    page = client.get("/roster", params={"sort": "shoe-size", "show": "everyone"})
    assert page.status_code == 422
    assert "Choose one of the columns." in page.text
    assert 'id="roster-show" name="show" aria-invalid="true"' in page.text


def test_an_empty_roster_says_how_to_add_an_athlete(client: TestClient) -> None:
    page = client.get("/roster")
    assert page.status_code == 200
    assert "No athletes yet" in page.text


def test_the_view_link_shows_that_athlete_on_the_other_pages(
    app: FastAPI, client: TestClient
) -> None:
    add(app, "Ana")
    bea = add(app, "Bea")
    today = client.get("/today")
    assert "Showing <strong>" not in today.text  # local mode: the first athlete

    moved = client.get(f"/roster/view/{bea}", params={"to": "progress"}, follow_redirects=False)
    assert moved.status_code == 303 and moved.headers["location"] == "/progress"
    assert "calfcoach_athlete" in moved.headers["set-cookie"]
    shown = client.get("/export")
    assert "Showing <strong>Bea</strong>" in shown.text
    assert "Delete all of Bea's data" in shown.text

    assert client.get("/roster/view/999999").status_code == 404
    assert client.get(f"/roster/view/{bea}", params={"to": "https:"}).status_code == 422


def test_the_weekly_summary_lists_each_athlete_with_what_to_look_at(
    app: FastAPI, client: TestClient
) -> None:
    ana = add(app, "Ana")
    red_flag(app, ana)
    page = client.get("/roster/summary")
    assert page.status_code == 200
    assert "Weekly summary" in page.text and "Sessions this week" in page.text
    assert "Look at" in page.text and "red flag since" in page.text


def test_the_api_roster_is_a_page_of_the_same_rows(app: FastAPI, api: TestClient) -> None:
    from calfcoach.services.roster import roster

    for name in ("Ana", "Bea", "Cy"):
        add(app, name)
    answer = api.get("/api/v1/roster", params={"sort": "name", "limit": 2})
    assert answer.status_code == 200
    body = answer.json()
    assert body["total"] == 3 and body["limit"] == 2
    assert [row["name"] for row in body["items"]] == ["Ana", "Bea"]
    rows = roster(app.state.service_context, LOCAL, sort="name")
    assert body["items"] == [row.model_dump(mode="json") for row in rows[:2]]

    bad = api.get("/api/v1/roster", params={"sort": "shoe-size"})
    assert bad.status_code == 422
    assert bad.headers["content-type"].startswith("application/problem+json")
    assert bad.json()["errors"][0]["field"] == "sort"


def test_the_cli_roster_prints_the_same_rows_as_json(
    database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    app: FastAPI,
    client: TestClient,  # closes the app's connections at the end
) -> None:
    add(app, "Ana")
    ana_red = add(app, "Bea")
    red_flag(app, ana_red)
    cli = make_cli(database_url, tmp_path, monkeypatch)
    result = cli("roster", "--format", "json")
    assert result.code == 0, result.err
    rows = json.loads(result.out)
    assert [row["name"] for row in rows] == ["Bea", "Ana"]
    table = cli("roster", "--filter", "stopped")
    assert "Bea" in table.out and "Ana" not in table.out
    bad = cli.run("roster", "--sort", "shoe-size")
    assert bad.code == 2 and "--sort" in bad.err


def test_a_renamed_athlete_shows_the_new_name_at_once(app: FastAPI, api: TestClient) -> None:
    from calfcoach.services.corrections import rename_athlete

    ana = add(app, "Ana")
    assert [r["name"] for r in api.get("/api/v1/roster").json()["items"]] == ["Ana"]
    rename_athlete(app.state.service_context, LOCAL, ana, "Ana Maria")
    assert [r["name"] for r in api.get("/api/v1/roster").json()["items"]] == ["Ana Maria"]


def test_a_coach_sees_only_their_athletes_and_a_stored_row_never_leaks(
    app: FastAPI, api: TestClient
) -> None:
    from calfcoach.services.roster import roster

    ids = {name: add(app, name) for name in ("Ana", "Bea", "Cy")}
    ctx = app.state.service_context
    assert len(roster(ctx, LOCAL)) == 3  # every row computed and stored
    coach = Actor.for_athletes("coach", 9, [ids["Bea"]], ["view"])
    assert [row.name for row in roster(ctx, coach)] == ["Bea"]
    nobody = Actor.for_athletes("coach", 10, [], ["view"])
    assert roster(ctx, nobody) == []


def test_a_write_after_a_warm_roster_shows_at_once_on_the_page(
    app: FastAPI, client: TestClient
) -> None:
    """The process's copies of rows and their HTML (D-112) are used only at the revision
    they were made at: a red flag logged after two warm rosters is on the very next one."""
    ids = {name: add(app, name) for name in ("Ana", "Bea")}
    for _ in range(2):
        page = client.get("/roster")
        assert names_in(page.text) == ["Ana", "Bea"] and RED_TAG not in page.text
    red_flag(app, ids["Bea"])
    page = client.get("/roster")
    assert names_in(page.text) == ["Bea", "Ana"]
    assert page.text.count(RED_TAG) == 1 and "swelling" in page.text


RED_TAG = '<span class="tag danger">Red flag</span>'
