"""The CLI's cold-start shortcuts are the CLI's alone (issue 8, part 1; D-67): the SQLite
read path and pydantic's plugins turned off never reach a process that only builds service
contexts (the web app); the console script takes both. The plugin-loader stand-in was dropped
(its gain was below the noise): nothing stands in for a pydantic module any more."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "examples" / "demo-profile.json"
SQLITE_ONLY = pytest.mark.parametrize("backend", ["sqlite"])

SEEN = (
    "import os, sys\n"
    "print('reader' if 'calfcoach.storage.sqlite_reader' in sys.modules else 'no reader')\n"
    "loader = sys.modules.get('pydantic.plugin._loader')\n"
    "print('stand-in' if loader is not None and loader.__spec__ is None else 'no stand-in')\n"
    "print('plugins off' if os.environ.get('PYDANTIC_DISABLE_PLUGINS') else 'plugins on')\n"
)


def run(code: str, home: Path) -> list[str]:
    env = {**os.environ, "CALFCOACH_HOME": str(home)}
    env.pop("CALFCOACH_DATABASE_URL", None)
    env.pop("PYDANTIC_DISABLE_PLUGINS", None)
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, cwd=ROOT
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


@pytest.fixture
def home(tmp_path: Path) -> Path:
    run(
        "import sys\nfrom calfcoach.cli import main\n"
        f"sys.argv = ['calfcoach', 'athlete', 'add', '--profile', {str(DEMO)!r}, "
        "'--start', '2026-03-02']\n"
        "try:\n    main()\nexcept SystemExit as end:\n    assert end.code == 0, end.code\n",
        tmp_path,
    )
    return tmp_path


def test_a_process_that_builds_service_contexts_gets_no_shortcut(home: Path) -> None:
    code = (
        "import datetime as dt\n"
        "import calfcoach.cli\n"  # importing the CLI package applies nothing any more
        "from calfcoach import bootstrap\n"
        "from calfcoach.services.access import Actor\n"
        "from calfcoach.services.athletes import find_athlete_id\n"
        "from calfcoach.services.training import day_plan\n"
        "for build in (bootstrap.build_context, bootstrap.build_plan_context):\n"
        "    with build() as ctx:\n"
        "        athlete = find_athlete_id(ctx, Actor.local(), None)\n"
        "        day_plan(ctx, Actor.local(), athlete, dt.date(2026, 3, 4))\n" + SEEN
    )
    assert run(code, home) == ["no reader", "no stand-in", "plugins on"]


def test_the_console_script_takes_the_reader_and_turns_plugins_off_for_today(home: Path) -> None:
    code = (
        "import sys\nfrom calfcoach.cli import main\n"
        "sys.argv = ['calfcoach', 'today', '--date', '2026-03-04']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n" + SEEN
    )
    assert run(code, home)[-3:] == ["reader", "no stand-in", "plugins off"]
