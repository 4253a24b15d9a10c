"""The CLI's ``--format json`` and the API return the same DTOs (issue 8, section 3): the
plan, today, the logged sets and the progress report of one athlete, read both ways from
one database (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from tests.integration.cli_harness import DEMO, Cli, make_cli

from calfcoach.services import training
from calfcoach.services.access import Actor
from calfcoach.settings import Settings
from calfcoach.web.app import create_app

START = "2026-03-02"
WED = dt.date(2026, 3, 4)
DAY = "2026-03-20"
LOOPBACK = ("127.0.0.1", 50000)


@pytest.fixture
def both(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[Cli, TestClient, int]]:
    cli = make_cli(database_url, tmp_path, monkeypatch)
    cli.on(DAY)
    assert cli("athlete", "add", "--profile", str(DEMO), "--start", START).code == 0
    app = create_app(Settings(home=tmp_path, database_url=database_url))
    ctx = app.state.service_context
    (athlete,) = json.loads(cli("athlete", "list", "--format", "json").out)
    entry = training.SetInput(exercise="jump-rope", set_number=1, contacts=100, rpe=6, pain=0)
    training.log_set(ctx, Actor.local(), athlete["id"], WED, entry, today=dt.date(2026, 3, 20))
    with TestClient(app, client=LOOPBACK) as client:  # the lifespan disposes the database
        yield cli, client, athlete["id"]


def cli_json(cli: Cli, *args: str) -> object:
    result = cli(*args, "--format", "json")
    assert result.code == 0, result.err
    return json.loads(result.out)


def test_the_plan_is_the_same_document_from_the_cli_and_the_api(
    both: tuple[Cli, TestClient, int],
) -> None:
    cli, api, athlete = both
    from_cli = cli_json(cli, "plan", "--athlete", "Alex Demo", "--date", DAY)
    from_api = api.get(f"/api/v1/athletes/{athlete}/plan", params={"date": DAY}).json()
    assert from_api == from_cli and from_api["sessions"]


@pytest.mark.parametrize("day", [WED.isoformat(), "2026-03-03", DAY])
def test_today_is_the_same_document_from_the_cli_and_the_api(
    both: tuple[Cli, TestClient, int], day: str
) -> None:
    cli, api, athlete = both
    from_cli = cli_json(cli, "today", "--date", day)
    from_api = api.get(f"/api/v1/athletes/{athlete}/today", params={"date": day}).json()
    assert from_api == from_cli


def test_the_logged_sets_are_the_same_items_from_the_cli_and_the_api(
    both: tuple[Cli, TestClient, int],
) -> None:
    cli, api, athlete = both
    from_cli = cli_json(cli, "sets")
    page = api.get(f"/api/v1/athletes/{athlete}/sets").json()
    assert page["items"] == from_cli and page["total"] == 1


def test_the_progress_report_is_the_same_from_the_cli_and_the_api(
    both: tuple[Cli, TestClient, int],
) -> None:
    cli, api, athlete = both
    from_cli = cli_json(cli, "progress", "--date", DAY)
    from_api = api.get(f"/api/v1/athletes/{athlete}/progress", params={"date": DAY}).json()
    assert from_api == from_cli and from_api["total_sets"] == 1


def test_the_runs_and_the_running_load_are_the_same_from_the_cli_and_the_api(
    both: tuple[Cli, TestClient, int], tmp_path: Path
) -> None:
    from tests.integration.test_runs import run_file

    cli, api, athlete = both
    for day in (0, 2):
        (tmp_path / f"run-{day}.fit").write_bytes(run_file(day))
    assert cli("runs", "import", str(tmp_path / "run-0.fit"), str(tmp_path / "run-2.fit")).code == 0
    from_cli = cli_json(cli, "runs", "list", "--from", "2026-09-01")
    page = api.get(f"/api/v1/athletes/{athlete}/runs", params={"from": "2026-09-01"}).json()
    assert page["items"] == from_cli and page["total"] == 2
    load_cli = cli_json(cli, "runs", "load", "--date", "2026-09-10")
    load_api = api.get(f"/api/v1/athletes/{athlete}/running-load", params={"date": "2026-09-10"})
    assert load_api.json() == load_cli and load_cli["weeks"]  # type: ignore[index]


def test_a_race_name_holding_an_escape_is_refused_alike_by_the_cli_and_the_api(
    both: tuple[Cli, TestClient, int], tmp_path: Path
) -> None:
    """D-154: one validation model. The race's name is quoted in reasons, so it follows the
    athlete-name rule on every way in; nothing is stored."""
    cli, api, athlete = both
    profile = json.loads(DEMO.read_text())
    profile["races"] = [{"date": "2026-04-26", "name": "Spring\x1b[2J Half"}]
    path = tmp_path / "evil.json"
    path.write_text(json.dumps(profile))
    words = "races[0].name: 'Spring\\x1b[2J Half' holds the control character U+001B (escape)"
    before = cli_json(cli, "plan", "--athlete", "Alex Demo", "--date", DAY)
    for args in (
        ("plan", "--profile", str(path), "--start", START),
        ("athlete", "add", "--profile", str(path), "--start", START, "--name", "Bo"),
    ):
        refused = cli(*args)
        assert refused.code == 2, (args, refused.out, refused.err)
        assert words in refused.err, (args, refused.err)
        assert "Traceback" not in refused.err
    put = api.put(f"/api/v1/athletes/{athlete}/profile", json=profile)
    assert put.status_code == 422
    (error,) = put.json()["errors"]
    assert error["field"] == "races.0.name", error
    assert "holds the control character U+001B (escape)" in error["message"], error
    assert [a["name"] for a in cli_json(cli, "athlete", "list")] == ["Alex Demo"]
    assert cli_json(cli, "plan", "--athlete", "Alex Demo", "--date", DAY) == before
