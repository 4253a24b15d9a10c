"""The progress charts in a browser: every chart drawn by Chart.js from the page's JSON,
its table as the text alternative, axe-core light and dark, screenshots (issue 8, Tests:
"the progress charts")."""

from __future__ import annotations

import datetime as dt
from typing import Any

from playwright.sync_api import Page
from tests.browser.conftest import LiveServer, check_axe, json_of, screenshot
from tests.web_history import add_history, add_runner

CHARTS = ("volume", "contacts", "loads", "capacity", "adherence")

DRAWN = """canvas => {
  const chart = Chart.getChart(canvas);
  const ctx = canvas.getContext('2d');
  const pixels = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
  let painted = 0;
  for (let i = 3; i < pixels.length; i += 4) { if (pixels[i] > 0) painted++; }
  return {
    type: chart.config.type,
    labels: chart.data.labels,
    data: chart.data.datasets.map(d => d.data),
    names: chart.data.datasets.map(d => d.label),
    painted: painted,
    width: canvas.width,
  };
}"""


def test_every_chart_is_drawn_from_the_page_data_and_passes_axe(
    page: Page, live_server: LiveServer
) -> None:
    add_history(live_server.database, dt.date.today(), weeks=3)
    page.goto(live_server.url("/progress"))
    data: dict[str, Any] = json_of(page, "#progress-data")
    assert set(data) == set(CHARTS)
    for chart_id in CHARTS:
        canvas = page.locator(f'canvas[data-chart="{chart_id}"][data-drawn="true"]')
        drawn = canvas.evaluate(DRAWN)
        assert drawn["labels"] == data[chart_id]["labels"], chart_id
        assert drawn["data"] == [s["values"] for s in data[chart_id]["series"]], chart_id
        assert drawn["names"] == [s["name"] for s in data[chart_id]["series"]], chart_id
        # Not a blank canvas: bars, lines and axes were painted (a few % of the pixels).
        assert drawn["painted"] > 2000, chart_id
        assert 300 <= drawn["width"] // page.evaluate("devicePixelRatio") <= 390
    check_axe(page)
    page.locator("#chart-capacity summary").click()
    table = page.locator("#chart-capacity table")
    assert table.is_visible()
    assert table.locator("tbody tr").count() == 2
    check_axe(page)  # with a table open too
    screenshot(page, "progress")


def test_before_anything_is_logged_the_page_shows_its_empty_state(
    page: Page, live_server: LiveServer
) -> None:
    add_runner(live_server.database, dt.date.today())
    page.goto(live_server.url("/progress"))
    assert page.get_by_role("heading", name="Nothing logged yet").is_visible()
    assert page.locator("canvas").count() == 0
    assert page.evaluate("typeof window.Chart") == "undefined"
    check_axe(page)
    screenshot(page, "progress-empty")
