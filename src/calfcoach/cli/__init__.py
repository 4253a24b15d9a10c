"""Command-line interface: thin adapters over the core and the services.

``calfcoach.cli.app`` (this package's attribute) is the Typer application with every command
registered. The console script (``main``) registers only the commands of the module that
holds the command it runs (typer builds a click command for every registered one on each
start, and the other modules need not be imported): a cold start must stay fast.
"""

from __future__ import annotations

import os
import sys
from importlib import import_module
from typing import TYPE_CHECKING, Any


def cold_start_shortcuts() -> None:
    """What only the console script does to start faster (``main``; D-67): pydantic
    scans every installed package's entry points for plugins on first use and the CLI uses
    none, so plugins are turned off with pydantic's own setting. Never at import: a web
    process (or a test) that imports ``calfcoach.cli`` keeps pydantic as it is. The other
    shortcut, the SQLite read path of ``today``, is asked for by the commands
    (``athlete_cmds.open_plan_ctx``)."""
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")


# typer only. Importing the submodule `calfcoach.cli.app` binds this package's attribute
# `app` to the submodule; it is removed so that `__getattr__` gives the Typer application.
from calfcoach.cli import app as _app_module  # noqa: E402

del globals()["app"]

if TYPE_CHECKING:
    import typer

    app: typer.Typer

__all__ = ["app", "main"]

# Command modules register themselves on the application when imported; their module level
# imports only typer and the standard library. In this order for `calfcoach --help`.
COMMAND_MODULES = (
    "athlete_cmds",
    "catalog_cmds",
    "coach_cmds",
    "correction_cmds",
    "db_cmds",
    "plan_cmds",
    "runs_cmds",
    "token_cmds",
    "training_cmds",
    "transfer_cmds",
)
# Top-level command or group name -> the module that registers it. Each module registers at
# least two commands or a group, so the application stays a group of subcommands.
COMMAND_HOMES = {
    "athlete": "athlete_cmds",
    "demo": "athlete_cmds",
    "serve": "athlete_cmds",
    "roster": "athlete_cmds",
    "exercises": "catalog_cmds",
    "exercise": "catalog_cmds",
    "db": "db_cmds",
    "plan": "plan_cmds",
    "schema": "plan_cmds",
    "init": "plan_cmds",
    "token": "token_cmds",
    "coach": "coach_cmds",
    "account": "token_cmds",
    "today": "training_cmds",
    "log": "training_cmds",
    "skip": "training_cmds",
    "move": "training_cmds",
    "checkin": "training_cmds",
    "clear": "training_cmds",
    "test": "training_cmds",
    "progress": "training_cmds",
    "export": "transfer_cmds",
    "import": "transfer_cmds",
    "backup": "transfer_cmds",
    "restore": "transfer_cmds",
    "sets": "correction_cmds",
    "edit-set": "correction_cmds",
    "delete-set": "correction_cmds",
    "unskip": "correction_cmds",
    "extend-plan": "correction_cmds",
    "next-plan": "correction_cmds",
    "runs": "runs_cmds",
    "calendar": "runs_cmds",
    "workout": "runs_cmds",
}


def register_commands(command: str | None = None) -> None:
    """Register the module of ``command`` on the application, or every module (None, or a
    name that is not a command: typer then lists them all or suggests one)."""
    home = COMMAND_HOMES.get(command) if command is not None else None
    for module in (home,) if home is not None else COMMAND_MODULES:
        import_module(f"calfcoach.cli.{module}")


def __getattr__(name: str) -> Any:
    if name == "app":
        register_commands()
        return _app_module.app
    raise AttributeError(f"module 'calfcoach.cli' has no attribute {name!r}")


def main() -> None:
    """Entry point of the `calfcoach` console script."""
    from calfcoach.cli.errors import run_app

    cold_start_shortcuts()
    register_commands(sys.argv[1] if len(sys.argv) > 1 else None)
    sys.exit(run_app(_app_module.app))
