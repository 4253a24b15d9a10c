"""What a cold `calfcoach plan --format json` and `calfcoach today` import (issue 6: cold start
at most 10x `python -c pass`; D-117..3). Each command runs as the console script does,
in a new process; the modules it loaded are read from ``sys.modules`` at exit. A module named
here costs a cold start tens of milliseconds and the command has no use for it: the ORM and
the web stack (the SQLite read path serves `today`, D-67), every DTO of the API (only the plan
and session documents are printed), rich for JSON, the running model without runs, and PyYAML
once the parsed catalog is in the cache (D-118)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "examples" / "demo-profile.json"

NEVER = (
    "sqlalchemy",
    "alembic",
    "fastapi",
    "starlette",
    "jinja2",
    "icalendar",
    "calfcoach.storage.orm",
    "calfcoach.web",
    "calfcoach.services.schemas",
    "calfcoach.core.running",
    "calfcoach.formats.illustration",
)
NOT_FOR_JSON = ("rich",)
NOT_WITH_A_WARM_CACHE = ("yaml",)

RUN = (
    "import atexit, json, os, sys\n"
    "def seen():\n"
    "    with open(os.environ['SEEN_MODULES'], 'w') as out:\n"
    "        json.dump(sorted(sys.modules), out)\n"
    "atexit.register(seen)\n"
    "from calfcoach.cli import main\n"
    "sys.argv = ['calfcoach', *json.loads(os.environ['ARGS'])]\n"
    "main()\n"
)


def imported(args: list[str], folder: Path) -> set[str]:
    """The modules a cold `calfcoach ARGS` loaded (it must succeed)."""
    seen = folder / "seen.json"
    env = {
        **os.environ,
        "CALFCOACH_HOME": str(folder / "home"),
        "XDG_CACHE_HOME": str(folder / "cache"),
        "SEEN_MODULES": str(seen),
        "ARGS": json.dumps(args),
    }
    for name in ("CALFCOACH_DATABASE_URL", "CALFCOACH_CATALOG_CACHE", "CALFCOACH_SQLITE_READER"):
        env.pop(name, None)
    done = subprocess.run(
        [sys.executable, "-c", RUN], env=env, capture_output=True, text=True, cwd=ROOT
    )
    assert done.returncode == 0, done.stderr
    return set(json.loads(seen.read_text()))


def packages(modules: set[str], names: tuple[str, ...]) -> list[str]:
    """The modules of ``modules`` that are one of ``names`` or inside one of them."""
    return sorted(m for m in modules if any(m == n or m.startswith(n + ".") for n in names))


PLAN = ["plan", "--profile", str(DEMO), "--start", "2026-03-02"]
TODAY = ["today", "--date", "2026-03-04"]


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("cold")
    imported(["athlete", "add", "--profile", str(DEMO), "--start", "2026-03-02"], folder)
    return folder


@pytest.mark.parametrize(
    ("args", "not_here"),
    [
        (PLAN + ["--format", "json"], NEVER + NOT_FOR_JSON + NOT_WITH_A_WARM_CACHE),
        (PLAN, NEVER + NOT_WITH_A_WARM_CACHE),
        (TODAY + ["--format", "json"], NEVER + NOT_FOR_JSON + NOT_WITH_A_WARM_CACHE),
        (TODAY, NEVER + NOT_WITH_A_WARM_CACHE),
    ],
    ids=["plan json", "plan table", "today json", "today table"],
)
def test_a_cold_command_imports_nothing_it_has_no_use_for(
    folder: Path, args: list[str], not_here: tuple[str, ...]
) -> None:
    imported(args, folder)  # the catalog cache written, if it was not yet
    modules = imported(args, folder)
    assert packages(modules, not_here) == []
    assert "calfcoach.core.planner" in modules or "calfcoach.core.engine" in modules


def test_the_first_run_parses_the_yaml_and_the_second_does_not(tmp_path: Path) -> None:
    args = PLAN + ["--format", "json"]
    assert packages(imported(args, tmp_path), ("yaml",)) != []
    assert packages(imported(args, tmp_path), ("yaml",)) == []
    assert list((tmp_path / "cache" / "calfcoach").glob("catalog-*.json"))


def test_the_table_imports_rich(folder: Path) -> None:
    """The check above can see an import: the table output does load rich."""
    assert packages(imported(PLAN, folder), ("rich",)) != []
