"""The console script registers only the module of the command it runs (cold start)."""

from __future__ import annotations

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


def test_pydantic_still_validates_with_its_plugins_switched_off() -> None:
    # D-NEW-svc-4: the plugin-loader stand-in is gone; what stays is pydantic's documented
    # switch, which the console script sets (cli.cold_start_shortcuts).
    code = (
        "import os\n"
        "os.environ['PYDANTIC_DISABLE_PLUGINS'] = '__all__'\n"
        "import calfcoach.cli\n"
        "from calfcoach.core.models import Run\n"
        "try:\n"
        "    Run(day='xyz', kind='easy')\n"
        "except ValueError:\n"
        "    pass\n"
        "else:\n"
        "    raise SystemExit('not validated')\n"
        "from pydantic.plugin import _loader\n"
        "assert _loader.get_plugins() == ()\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
