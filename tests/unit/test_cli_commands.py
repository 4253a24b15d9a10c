"""The console script registers only the module of the command it runs (cold start)."""

from __future__ import annotations

import os
import subprocess
import sys

import typer.main

from calfcoach import cli


def test_every_command_has_its_home_module_and_nothing_else_is_registered() -> None:
    group = typer.main.get_command(cli.app)
    assert sorted(group.commands) == sorted(cli.COMMAND_HOMES)  # type: ignore[attr-defined]
    assert set(cli.COMMAND_HOMES.values()) == set(cli.COMMAND_MODULES)


def test_a_command_module_alone_registers_its_commands_as_a_group() -> None:
    code = (
        "import sys, typer.main\n"
        "from calfcoach import cli\n"
        "cli.register_commands(sys.argv[1])\n"
        "group = typer.main.get_command(cli._app_module.app)\n"
        "print(' '.join(sorted(group.commands)))\n"
    )
    for module in cli.COMMAND_MODULES:
        mine = sorted(name for name, home in cli.COMMAND_HOMES.items() if home == module)
        done = subprocess.run(
            [sys.executable, "-c", code, mine[0]], capture_output=True, text=True, check=True
        )
        assert set(mine) <= set(done.stdout.split()), module


def test_the_console_script_turns_pydantic_plugins_off_and_pydantic_still_validates() -> None:
    # D-67: importing the CLI changes nothing; the console script's shortcuts turn
    # pydantic's plugins off with pydantic's own switch (no module stands in any more).
    code = (
        "import os, sys\n"
        "import calfcoach.cli as cli\n"
        "assert 'PYDANTIC_DISABLE_PLUGINS' not in os.environ\n"
        "cli.cold_start_shortcuts()\n"
        "assert os.environ['PYDANTIC_DISABLE_PLUGINS'] == '__all__'\n"
        "from calfcoach.core.models import Run\n"
        "try:\n"
        "    Run(day='xyz', kind='easy')\n"
        "except ValueError:\n"
        "    pass\n"
        "else:\n"
        "    raise SystemExit('not validated')\n"
        "from pydantic.plugin import _loader\n"
        "assert _loader.__spec__ is not None  # the real module\n"
        "assert list(_loader.get_plugins()) == []\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "PYDANTIC_DISABLE_PLUGINS"}
    subprocess.run([sys.executable, "-c", code], check=True, env=env)
