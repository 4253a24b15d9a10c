"""A CLI runner on a fresh database (SQLite and PostgreSQL) for the tests of the CLI's voice
and the CLI fuzz test: every run returns the exit status, stdout and stderr, and
``snapshot()`` is the full export the tests compare before and after a refused command."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from tests.service_calls import local
from typer.testing import CliRunner

from calfcoach.cli import app
from calfcoach.services import transfer
from calfcoach.storage.db import Database

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "examples" / "demo-profile.json"
START = "2026-03-02"  # the demo athlete's plan: Wed 03-04 heavy bent-knee raises (a ramp)
WED = "2026-03-04"


@dataclass
class Result:
    code: int
    out: str
    err: str
    exception: BaseException | None = None


@dataclass
class Cli:
    runner: CliRunner
    env: dict[str, str]
    url: str
    monkeypatch: pytest.MonkeyPatch

    def on(self, day: str) -> None:
        """Set the real today the commands read."""
        today = dt.date.fromisoformat(day)
        for module in (
            "calfcoach.cli.athlete_cmds",
            "calfcoach.cli.training_cmds",
            "calfcoach.cli.correction_cmds",
            "calfcoach.cli.runs_cmds",
        ):
            self.monkeypatch.setattr(f"{module}.real_today", lambda: today)

    def run(self, *args: str, input: str | None = None) -> Result:
        """Run without raising: an exception that escaped is in ``exception``."""
        result = self.runner.invoke(app, list(args), env=self.env, input=input)
        escaped = result.exception
        if isinstance(escaped, SystemExit):
            escaped = None
        return Result(result.exit_code, result.stdout, result.stderr, escaped)

    def __call__(self, *args: str, input: str | None = None) -> Result:
        result = self.run(*args, input=input)
        if result.exception is not None:
            raise result.exception
        return result

    def snapshot(self) -> dict[str, Any]:
        with Database(self.url) as database:
            return transfer.export_document(*local(database), None, everyone=True)


def make_cli(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Cli:
    env = {
        "CALFCOACH_HOME": str(tmp_path / "home"),
        "CALFCOACH_DATABASE_URL": database_url,
        "COLUMNS": "200",
    }
    cli = Cli(CliRunner(), env, database_url, monkeypatch)
    cli.on("2026-06-01")
    return cli


def make_demo_cli(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Cli:
    """``make_cli`` with the demo athlete added (its plan from ``START``)."""
    cli = make_cli(database_url, tmp_path, monkeypatch)
    result = cli("athlete", "add", "--profile", str(DEMO), "--start", START)
    assert result.code == 0, result.err
    return cli
