"""Command-line interface: thin adapters over the core and the services."""

from __future__ import annotations

import sys

from calfcoach.cli.app import app

# Command modules register themselves on `app` when imported.
from calfcoach.cli import catalog_cmds as _catalog_cmds  # noqa: F401,E402  isort: skip
from calfcoach.cli import plan_cmds as _plan_cmds  # noqa: F401,E402  isort: skip

__all__ = ["app", "main"]


def main() -> None:
    """Entry point of the `calfcoach` console script."""
    from calfcoach.cli.errors import run_app

    sys.exit(run_app(app))


# Stored athletes, the training log and data transfer (register on `app` when imported).
from calfcoach.cli import athlete_cmds as _athlete_cmds  # noqa: F401,E402  isort: skip
from calfcoach.cli import training_cmds as _training_cmds  # noqa: F401,E402  isort: skip
from calfcoach.cli import transfer_cmds as _transfer_cmds  # noqa: F401,E402  isort: skip
