"""The progress page and its chart data (issue 8, part 2, "Progress"), on SQLite and
PostgreSQL."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from tests.web_history import LOCAL, add_history, add_runner

from calfcoach import bootstrap
from calfcoach.core import rules
from calfcoach.core.load import week_of
from calfcoach.services.charts import norm_band, progress_charts, weekly_adherence
from calfcoach.services.progress import progress_report
from calfcoach.settings import Settings, sqlite_url
from calfcoach.web.app import create_app

if TYPE_CHECKING:
    from calfcoach.services.context import ServiceContext

HTML = {"accept": "text/html"}
TODAY = dt.date.today()


@pytest.fixture
def app(database_url: str, tmp_path: Path) -> Iterator[FastAPI]:
    app = create_app(Settings(home=tmp_path, database_url=database_url))
    yield app
    app.state.service_context.close()  # tests that seed without a client too


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ServiceContext, int]]:
    """Three weeks of history on SQLite, shared by the chart tests that only read it (the
    page test above runs on both backends)."""
    home = tmp_path_factory.mktemp("charts")
    database = bootstrap.open_database(
        Settings(home=home, database_url=sqlite_url(home / "charts.sqlite3"))
    )
    try:
        yield bootstrap.context_for(database), add_history(database, TODAY, weeks=3)
    finally:
        database.dispose()


def chart_json(text: str) -> dict[str, dict[str, object]]:
    found = re.search(
        r'<script type="application/json" id="progress-data">(.*?)</script>', text, re.S
    )
    assert found is not None
    data: dict[str, dict[str, object]] = json.loads(html.unescape(found.group(1)))
    return data


def test_without_an_athlete_the_progress_page_sends_to_onboarding(client: TestClient) -> None:
    response = client.get("/progress", headers=HTML, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/welcome"


def test_before_anything_is_logged_the_page_says_so_and_loads_no_chart_code(
    app: FastAPI, client: TestClient
) -> None:
    add_runner(app.state.service_context, TODAY)
    response = client.get("/progress", headers=HTML)
    assert response.status_code == 200
    assert "Nothing logged yet" in response.text
    assert "chart-4.6.1" not in response.text
    assert "<canvas" not in response.text


def test_the_page_carries_every_chart_as_json_with_its_table(
    app: FastAPI, client: TestClient
) -> None:
    athlete = add_history(app.state.service_context, TODAY, weeks=3)
    response = client.get("/progress", headers=HTML)
    assert response.status_code == 200
    text = response.text
    data = chart_json(text)
    assert set(data) == {"volume", "contacts", "loads", "capacity", "adherence"}
    for chart_id in data:
        assert f'<canvas data-chart="{chart_id}"' in text
    assert text.count("<details>") == 5
    assert text.count("<table>") == 5
    assert '/static/js/progress.js"' in text
    assert "<script>" not in text  # no inline script (issue 9's CSP)
    # The JSON is what the service made.
    charts = progress_charts(app.state.service_context, LOCAL, athlete, TODAY)
    assert data == json.loads(json.dumps(charts.chart_data()))


def test_weekly_volume_adds_up_to_every_logged_set(seeded: tuple[ServiceContext, int]) -> None:
    ctx, name = seeded
    charts = progress_charts(ctx, LOCAL, name, TODAY)
    report = progress_report(ctx, LOCAL, name, TODAY)
    volume = next(c for c in charts.charts if c.id == "volume")
    drawn = sum(v for s in volume.series for v in s.values if v is not None)
    assert drawn == report.total_sets == sum(row[3] for row in volume.rows)  # type: ignore[misc]
    contacts = next(c for c in charts.charts if c.id == "contacts")
    assert sum(contacts.series[0].values) == sum(w.contacts for w in report.weekly_volume)  # type: ignore[arg-type]


def test_the_loads_chart_follows_the_load_trends(seeded: tuple[ServiceContext, int]) -> None:
    ctx, name = seeded
    charts = progress_charts(ctx, LOCAL, name, TODAY)
    report = progress_report(ctx, LOCAL, name, TODAY)
    loads = next(c for c in charts.charts if c.id == "loads")
    assert report.load_trends
    assert len(loads.series) == len(report.load_trends)
    highest = max(p.max_load_kg for t in report.load_trends for p in t.points)
    assert max(v for s in loads.series for v in s.values if v is not None) == highest


def test_capacity_tests_are_drawn_left_and_right_inside_a_norm_band(
    seeded: tuple[ServiceContext, int],
) -> None:
    ctx, name = seeded
    charts = progress_charts(ctx, LOCAL, name, TODAY)
    capacity = next(c for c in charts.charts if c.id == "capacity")
    by_name = {s.name: s for s in capacity.series}
    assert by_name["left"].values == (22.0, 27.0)
    assert by_name["right"].values == (26.0, 28.0)
    # Born 1990: the 30-39 band of R-TEST-1 for women (27), give or take R-TEST-2's 6 reps.
    age = TODAY.year - 1990
    expected = rules.heel_raise_norm("female", age)
    assert expected is not None
    assert by_name["norm band low"].values[0] == expected - rules.TEST_NOISE_REPS
    assert by_name["norm band (norm ± 6 reps)"].values[0] == expected + rules.TEST_NOISE_REPS


def test_a_norm_band_needs_a_norm() -> None:
    assert norm_band(None) is None
    assert norm_band(24) == (18, 30)
    assert norm_band(3) == (0, 9)


def test_adherence_per_week_counts_done_skipped_and_missed_sessions() -> None:
    monday = dt.date(2026, 3, 2)
    planned = [monday, monday + dt.timedelta(days=3), monday + dt.timedelta(days=7)]
    planned += [monday + dt.timedelta(days=10), monday + dt.timedelta(days=14)]
    done = [monday, monday + dt.timedelta(days=10), monday + dt.timedelta(days=11)]
    skipped = [monday + dt.timedelta(days=7)]
    weeks = weekly_adherence(planned, done, skipped, as_of=monday + dt.timedelta(days=14))
    assert [(w.week, w.planned, w.done, w.skipped, w.missed) for w in weeks] == [
        (monday, 2, 1, 0, 1),
        (monday + dt.timedelta(days=7), 2, 1, 1, 0),
        # The session of as_of itself, not yet done, is still to come.
    ]
    assert weeks[0].percent == 50.0


def test_the_adherence_chart_has_one_bar_per_week_with_a_planned_session(
    seeded: tuple[ServiceContext, int],
) -> None:
    ctx, name = seeded
    charts = progress_charts(ctx, LOCAL, name, TODAY)
    chart = next(c for c in charts.charts if c.id == "adherence")
    bars = dict(zip(chart.labels, chart.series[0].values, strict=True))
    start = week_of(TODAY) - dt.timedelta(weeks=3)
    assert bars[start.isoformat()] == 100.0
    # The first session of the second week was skipped (tests/web_history.py).
    assert bars[(start + dt.timedelta(weeks=1)).isoformat()] == 50.0
    assert chart.y_max == 100 and chart.y2_max == 10
