"""The Typer application object. Command modules register on it.

Keep the module-level imports of every command module light (typer only): a cold
`calfcoach plan` must start fast, so heavy modules are imported inside the commands.

The application's click group is ``CalfcoachGroup``: every run (the console script, ``python
-m calfcoach`` and typer's ``CliRunner`` in the tests) goes through its ``main``, which speaks
with one voice (``cli/errors.py``): a usage mistake of any command, a calfcoach error, text
that is not UTF-8, a value the database refuses or an output that cannot be written each end
with one ``error: ...`` line per problem, never a traceback.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any

import typer
from typer.core import TyperGroup


class CalfcoachGroup(TyperGroup):
    """The application's group: runs every command through ``cli.errors.run_command``."""

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **extra: Any,
    ) -> Any:
        from calfcoach.cli.errors import run_command

        def call(argv: list[str]) -> Any:
            return super(CalfcoachGroup, self).main(
                argv,
                prog_name,
                complete_var,
                standalone_mode=False,
                windows_expand_args=windows_expand_args,
                **extra,
            )

        return run_command(self, call, args, standalone_mode=standalone_mode)


app = typer.Typer(
    name="calfcoach",
    cls=CalfcoachGroup,
    help="Calf, Achilles, ankle and foot strength coaching for runners.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def _print_version(value: bool) -> None:
    if value:
        from calfcoach import __version__

        typer.echo(f"calfcoach {__version__}")
        raise typer.Exit()


@app.callback()
def _main_options(
    version: Annotated[
        bool,
        typer.Option(
            "--version", is_eager=True, callback=_print_version, help="Print the version."
        ),
    ] = False,
) -> None:
    """Calf, Achilles, ankle and foot strength coaching for runners."""
