"""Command-line interface: thin adapters over the core and the services."""

from __future__ import annotations

import os
import sys

# pydantic scans every installed package's entry points for plugins on first use (~25 ms of a
# cold start); the CLI uses none.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")

# Command modules register themselves on `app` when imported; their module level imports
# only typer and the standard library (a cold start must stay fast).
from calfcoach.cli import athlete_cmds as _athlete_cmds  # noqa: F401
from calfcoach.cli import catalog_cmds as _catalog_cmds  # noqa: F401
from calfcoach.cli import db_cmds as _db_cmds  # noqa: F401
from calfcoach.cli import plan_cmds as _plan_cmds  # noqa: F401
from calfcoach.cli import training_cmds as _training_cmds  # noqa: F401
from calfcoach.cli import transfer_cmds as _transfer_cmds  # noqa: F401
from calfcoach.cli.app import app

__all__ = ["app", "main"]


def main() -> None:
    """Entry point of the `calfcoach` console script."""
    from calfcoach.cli.errors import run_app

    sys.exit(run_app(app))
