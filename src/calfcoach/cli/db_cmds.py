"""`calfcoach db ...`: the database's schema revision, and upgrading it.

Module-level imports are typer and the standard library only; ``calfcoach.bootstrap``
(which imports SQLAlchemy and Alembic when called) is imported inside the commands.
"""

from __future__ import annotations

import typer

from calfcoach.cli.app import app
from calfcoach.cli.errors import fail
from calfcoach.errors import CalfcoachError

db_app = typer.Typer(
    help="The database: where it is, its schema revision, and upgrading it.",
    no_args_is_help=True,
)


@db_app.command("upgrade")
def upgrade_command() -> None:
    """Bring the database schema to the newest revision (calfcoach also does it on first use)."""
    from calfcoach.bootstrap import upgrade_schema

    try:
        url, before, after = upgrade_schema()
    except CalfcoachError as error:
        raise fail(error) from None
    if before == after:
        typer.echo(f"{url}: already at revision {before} (newest)")
        return
    typer.echo(f"{url}: upgraded from revision {before or 'none (empty)'} to {after}")


@db_app.command("current")
def current_command() -> None:
    """Show which database calfcoach uses and its schema revision; changes nothing."""
    from calfcoach.bootstrap import schema_status

    try:
        status = schema_status()  # creates nothing, works in a read-only folder
    except CalfcoachError as error:
        raise fail(error) from None
    revision = status.revision
    typer.echo(f"database: {status.url}")
    if status.file_missing:
        typer.echo(
            "revision: none (no database file yet; a command that stores something creates "
            "it, e.g. `calfcoach athlete add --profile FILE`, or `calfcoach db upgrade`)"
        )
    elif revision == status.head:
        typer.echo(f"revision: {revision} (newest)")
    elif revision is None:
        typer.echo("revision: none (empty; created on first use or by `calfcoach db upgrade`)")
    elif revision not in status.known:
        typer.echo(
            f"revision: {revision} (unknown to this calfcoach, which knows up to "
            f"{status.head}: a newer calfcoach wrote it; use that version, or "
            "restore a backup with `calfcoach restore FILE`)"
        )
    else:
        typer.echo(f"revision: {revision} (newest is {status.head}; run `calfcoach db upgrade`)")


app.add_typer(db_app, name="db")
