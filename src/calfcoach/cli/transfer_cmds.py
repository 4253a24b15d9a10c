"""`calfcoach export|import|backup|restore`: everything of an athlete in and out.

Formats and guarantees are described in ``calfcoach.services.transfer``. Module level:
typer and the standard library only.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Annotated

import typer

from calfcoach.cli.app import app
from calfcoach.cli.athlete_cmds import (
    AthleteOption,
    handled,
    input_error,
    local_actor,
    on_athlete,
    open_ctx,
    parse_choice,
)

ForceOption = Annotated[
    bool, typer.Option("--force", help="Overwrite FILE if it exists (see `backup --help`).")
]


def _write_output(text: str, output: Path | None, *, force: bool) -> None:
    """To stdout, or to FILE in one piece (never over an existing file without --force)."""
    from calfcoach.files import write_file

    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    write_file(output, text.encode("utf-8"), force=force, field="--output")


@app.command("export")
@handled
def export_command(
    athlete: AthleteOption = None,
    output_format: Annotated[
        str, typer.Option("--format", "-f", metavar="json|csv", help="Output format.")
    ] = "json",
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", metavar="FILE", help="Write to FILE, not stdout."),
    ] = None,
    everyone: Annotated[bool, typer.Option("--all", help="Every athlete, not one.")] = False,
    force: ForceOption = False,
) -> None:
    """Export everything of an athlete (profile, plans, log, check-ins, tests, notes)."""
    from calfcoach.files import check_target
    from calfcoach.services.transfer import document_to_csv, document_to_json, export_document

    parse_choice("--format", output_format, ("json", "csv"))
    if everyone and athlete is not None:
        raise input_error("--all: cannot be used with --athlete")
    if output is not None:
        check_target(output, force=force, field="--output")
    with open_ctx(read_only=True) as ctx:
        if everyone:
            document = export_document(ctx, local_actor(), None, everyone=True)
        else:
            document = export_document(*on_athlete(ctx, athlete))
    text = document_to_csv(document) if output_format == "csv" else document_to_json(document)
    _write_output(text, output, force=force)


@app.command("import")
@handled
def import_command(
    file: Annotated[Path, typer.Argument(metavar="FILE", help="A `calfcoach export` file.")],
) -> None:
    """Import athletes from an export (JSON or CSV); all or nothing."""
    from calfcoach.services.transfer import import_file

    with open_ctx() as ctx:
        result = import_file(ctx, local_actor(), file)
    for line in result.warnings:
        typer.echo(f"warning: {line}", err=True)
    names = ", ".join(repr(n) for n in result.athletes) or "no athlete"
    typer.echo(f"Imported {names}: {result.sets} logged sets.")


@app.command("backup")
@handled
def backup_command(
    file: Annotated[Path, typer.Argument(metavar="FILE", help="The backup file to write.")],
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="Overwrite FILE if it exists (never with a backup of a database that holds "
            "no athlete).",
        ),
    ] = False,
) -> None:
    """Back up the whole database (SQLite: a database file; PostgreSQL: a JSON export)."""
    from calfcoach.backup import backup
    from calfcoach.bootstrap import open_database
    from calfcoach.files import check_target

    check_target(file, force=force, field="FILE")
    with open_database(read_only=True) as database:
        result = backup(database, file, force=force)
    typer.echo(f"Backed up {result.athletes} athlete(s) to {file} ({result.kind}).")


@app.command("restore")
@handled
def restore_command(
    file: Annotated[Path, typer.Argument(metavar="FILE", help="A `calfcoach backup` file.")],
) -> None:
    """Restore a backup. A SQLite backup replaces a SQLite database (the old one is kept
    beside it); otherwise the backup's athletes go into a database that has none."""
    from calfcoach.backup import restore
    from calfcoach.bootstrap import open_database
    from calfcoach.settings import Settings

    settings = Settings.from_env()
    with open_database(settings) as database:
        now = dt.datetime.now(dt.UTC)
        result = restore(database, file, keep_folder=settings.home, now=now)
    typer.echo(f"Restored {result.athletes} athlete(s) from {file}.")
    if result.kept is not None:
        typer.echo(f"The database as it was before is kept in {result.kept}.")
