"""The Typer application object. Command modules register on it.

Keep the module-level imports of every command module light (typer only): a cold
`calfcoach plan` must start fast, so heavy modules are imported inside the commands.
"""

from __future__ import annotations

import typer

app = typer.Typer(
    name="calfcoach",
    help="Calf, Achilles, ankle and foot strength coaching for runners.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
