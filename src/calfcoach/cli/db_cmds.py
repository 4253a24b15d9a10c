"""`calfcoach db ...`: the database's schema revision, and upgrading it.

Module-level imports are typer and the standard library only; storage (SQLAlchemy,
Alembic) is imported inside the commands.
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
    from calfcoach.settings import Settings
    from calfcoach.storage import migrate
    from calfcoach.storage.db import mask_url

    try:
        settings = Settings.from_env()
        before = migrate.current_revision(settings.database_url)
        if before == migrate.HEAD_REVISION:
            typer.echo(f"{mask_url(settings.database_url)}: already at revision {before} (newest)")
            return
        migrate.upgrade(settings.database_url)
        after = migrate.current_revision(settings.database_url)
    except CalfcoachError as error:
        raise fail(error) from None
    typer.echo(
        f"{mask_url(settings.database_url)}: upgraded from revision {before or 'none (empty)'} "
        f"to {after}"
    )


@db_app.command("current")
def current_command() -> None:
    """Show which database calfcoach uses and its schema revision; changes nothing."""
    from calfcoach.settings import Settings
    from calfcoach.storage import migrate
    from calfcoach.storage.db import mask_url, read_only_engine, sqlite_file

    try:
        settings = Settings.from_env()
        url = settings.database_url
        path = sqlite_file(url)
        if path is not None and not path.exists():
            revision = None  # do not create the file (nor its folder) just to look at it
        elif path is not None:
            engine = read_only_engine(url, path)  # works in a read-only folder too
            try:
                revision = migrate.current_revision(engine)
            finally:
                engine.dispose()
        else:
            revision = migrate.current_revision(url)
    except CalfcoachError as error:
        raise fail(error) from None
    typer.echo(f"database: {mask_url(url)}")
    if path is not None and not path.exists():
        typer.echo(
            "revision: none (no database file yet; a command that stores something creates "
            "it, e.g. `calfcoach athlete add --profile FILE`, or `calfcoach db upgrade`)"
        )
    elif revision == migrate.HEAD_REVISION:
        typer.echo(f"revision: {revision} (newest)")
    elif revision is None:
        typer.echo("revision: none (empty; created on first use or by `calfcoach db upgrade`)")
    elif revision not in migrate.known_revisions():
        typer.echo(
            f"revision: {revision} (unknown to this calfcoach, which knows up to "
            f"{migrate.HEAD_REVISION}: a newer calfcoach wrote it; use that version, or "
            "restore a backup with `calfcoach restore FILE`)"
        )
    else:
        typer.echo(
            f"revision: {revision} (newest is {migrate.HEAD_REVISION}; run `calfcoach db upgrade`)"
        )


app.add_typer(db_app, name="db")
