"""`calfcoach runs|calendar|workout`: imported runs, training calendars and watch workouts
(issue 10, item 5), and `calfcoach log import FILE.fit` (called from `log`).

    runs import PATH... [--athlete NAME]      files, folders, zip archives; exit 2 when a
                                              file failed (the others are kept)
    runs list [--from DATE] [--to DATE] [--format table|json]
    runs kind RUN_ID easy|hard|long           correct a run's kind
    runs load [--date DATE] [--format table|json]   weekly totals and the spike check
    calendar import FILE_OR_URL [--athlete NAME]
    workout export --date DATE -o FILE.fit [--force] [--athlete NAME]

Module level: typer and the standard library only.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from calfcoach.cli.app import app
from calfcoach.cli.athlete_cmds import (
    AthleteOption,
    DateOption,
    handled,
    on_athlete,
    open_ctx,
    parse_choice,
    parse_date,
    parse_int,
    print_json,
    real_today,
)

if TYPE_CHECKING:
    from calfcoach.services.replan import Replan
    from calfcoach.services.runs import ImportReport

SKIPPED_SHOWN = 10
"""How many skipped calendar events `calendar import` names (it counts them all)."""

runs_app = typer.Typer(help="Imported runs (issue 10).", no_args_is_help=True)
calendar_app = typer.Typer(help="Planned training calendars.", no_args_is_help=True)
workout_app = typer.Typer(help="Watch workouts (FIT).", no_args_is_help=True)
app.add_typer(runs_app, name="runs")
app.add_typer(calendar_app, name="calendar")
app.add_typer(workout_app, name="workout")

FormatOption = Annotated[
    str, typer.Option("--format", "-f", metavar="table|json", help="Output format.")
]


# ------------------------------------------------------------------------- runs import


def _summary(report: ImportReport) -> None:
    from calfcoach.formats.text import plural

    line = (
        f"Imported {plural(report.imported, 'run')}; "
        f"{plural(report.duplicates, 'duplicate')} not stored again; "
        f"{plural(len(report.errors), 'file')} with errors"
    )
    if report.not_runs:
        line += f"; {plural(report.not_runs, 'activity', 'activities')} not runs, skipped"
    typer.echo(line + ".")
    _replanned(report.replan)
    for outcome in report.errors:
        typer.echo(f"error: {outcome.error}", err=True)


def _replanned(replan: Replan | None) -> None:
    """How the plan followed the running (issue 10, item 3): the future re-planned, the past
    as it was given (R-HIST)."""
    if replan is not None and replan.kind in ("in_place", "new_block"):
        typer.echo(replan.message)


@runs_app.command("import")
@handled
def runs_import_command(
    paths: Annotated[
        list[Path],
        typer.Argument(
            metavar="PATH...", help="Activity files (.fit, .gpx, .tcx, .gz), folders or zips."
        ),
    ],
    athlete: AthleteOption = None,
) -> None:
    """Import activity files: files, folders and zip archives (Garmin and Strava bulk
    exports). Duplicates are recognised; a bad file is reported and the others are kept."""
    import sys

    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from calfcoach.services.runs import import_paths

    with open_ctx() as ctx:
        target = on_athlete(ctx, athlete)
        err = Console(stderr=True, highlight=False)
        with Progress(
            TextColumn("reading"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.description}"),
            console=err,
            transient=True,
            disable=not sys.stderr.isatty(),
        ) as bar:
            task = bar.add_task("", total=None)

            def progress(done: int, total: int, source: str) -> None:
                bar.update(task, completed=done, total=total, description=Path(source).name)

            report = import_paths(*target, paths, progress=progress, today=real_today())
    _summary(report)
    if report.errors:
        raise typer.Exit(2)


# ------------------------------------------------------------------------- runs list


@runs_app.command("list")
@handled
def runs_list_command(
    athlete: AthleteOption = None,
    first: Annotated[
        str | None, typer.Option("--from", metavar="YYYY-MM-DD", help="First day listed.")
    ] = None,
    last: Annotated[
        str | None, typer.Option("--to", metavar="YYYY-MM-DD", help="Last day listed.")
    ] = None,
    output_format: FormatOption = "table",
) -> None:
    """List imported runs: date, kind, distance_km, duration_s (moving), load, source file."""
    from calfcoach.cli.options import parse_date_range
    from calfcoach.services.runs import list_runs
    from calfcoach.services.schemas import MAX_PAGE, RunOut, dump

    parse_choice("--format", output_format, ("table", "json"))
    low, high = parse_date_range("--from", first, "--to", last)
    runs: list[RunOut] = []
    with open_ctx(read_only=True) as ctx:
        target = on_athlete(ctx, athlete)
        while True:
            page = list_runs(*target, low, high, offset=len(runs), limit=MAX_PAGE)
            runs += page.items
            if not page.items or len(runs) >= page.total:
                break
    if output_format == "json":
        print_json([dump(r) for r in runs])
        return
    if not runs:
        typer.echo("No runs imported" + (" in that range." if low or high else " yet."))
        return
    from rich import box
    from rich.console import Console
    from rich.table import Table

    table = Table(box=box.SIMPLE)
    for name in ("id", "date", "kind", "distance_km", "duration_s", "load", "source"):
        table.add_column(name, justify="right" if name not in ("kind", "source") else "left")
    for r in runs:
        table.add_row(
            str(r.id),
            r.date.isoformat(),
            r.kind + ("*" if r.kind_source == "edited" else ""),
            "" if r.distance_km is None else f"{r.distance_km:.2f}",
            f"{r.duration_s:.0f}",
            f"{r.load:g} ({r.load_basis})",
            Path(r.source).name,
        )
    Console(highlight=False, width=200).print(table)


@runs_app.command("kind")
@handled
def runs_kind_command(
    run_id: Annotated[str, typer.Argument(metavar="RUN_ID", help="The id from `runs list`.")],
    kind: Annotated[str, typer.Argument(metavar="easy|hard|long", help="The run's kind.")],
    athlete: AthleteOption = None,
) -> None:
    """Correct the kind of an imported run (used by the weekly load and the spike check)."""
    from calfcoach.services.runs import set_run_kind

    number = parse_int("RUN_ID", run_id, "a run id from `runs list`") or 0
    with open_ctx() as ctx:
        run = set_run_kind(*on_athlete(ctx, athlete), number, kind, today=real_today())
    typer.echo(f"Run {run.id} of {run.date.isoformat()} is now {run.kind} (load {run.load:g}).")


@runs_app.command("load")
@handled
def runs_load_command(
    athlete: AthleteOption = None,
    date: DateOption = None,
    output_format: FormatOption = "table",
) -> None:
    """Weekly running totals and the running-load spike check (RUN-SPIKE-1) with figures."""
    from calfcoach.services.runs import running_load
    from calfcoach.services.schemas import dump

    parse_choice("--format", output_format, ("table", "json"))
    day = parse_date("--date", date, real_today())
    with open_ctx(read_only=True) as ctx:
        load = running_load(*on_athlete(ctx, athlete), day)
    if output_format == "json":
        print_json(dump(load))
        return
    for w in load.weeks:
        typer.echo(
            f"week of {w.week_start.isoformat()}: {w.runs} runs, {w.distance_km:.1f} km, "
            f"{w.duration_s / 60:.0f} min, load {w.load:g} ({w.load_basis})"
        )
    typer.echo(f"{load.spike.rule}: {load.spike.message}")


# ------------------------------------------------------------------------- calendar


@calendar_app.command("import")
@handled
def calendar_import_command(
    source: Annotated[
        str, typer.Argument(metavar="FILE_OR_URL", help="An .ics file or an https address.")
    ],
    athlete: AthleteOption = None,
) -> None:
    """Import the runs and races of a training calendar (kinds guessed from the titles).
    Events that are not runs are listed as skipped; an event that cannot be read is an
    error (exit 2) and the readable ones are kept."""
    from calfcoach.formats.text import plural
    from calfcoach.services.runs import import_calendar

    with open_ctx() as ctx:
        report = import_calendar(*on_athlete(ctx, athlete), source, today=real_today())
    runs = sum(1 for e in report.events if e.kind != "race")
    races = len(report.events) - runs
    unreadable = report.unreadable
    typer.echo(
        f"Imported {plural(runs, 'planned run')} and {plural(races, 'race')} from {source}"
        + (f" (replacing {report.replaced} events of an earlier import)" if report.replaced else "")
        + (f"; {plural(len(unreadable), 'event')} that cannot be read" if unreadable else "")
        + "."
    )
    for e in report.events:
        distance = f" {e.distance_km:g} km" if e.distance_km else ""
        typer.echo(f"  {e.date.isoformat()}  {e.kind:<5} {e.title}{distance}")
    not_runs = [line for line in report.skipped if line not in unreadable]
    if not_runs:
        count = len(not_runs)
        shown = not_runs[:SKIPPED_SHOWN]
        typer.echo(
            f"Skipped {plural(count, 'event')} (not runs)"
            + (f"; the first {len(shown)}:" if count > len(shown) else ":")
        )
        for line in shown:
            typer.echo(f"  skipped {line}")
        if count > len(shown):
            typer.echo(f"  ... and {count - len(shown)} more.")
    for line in (report.outside_line(), report.encoding_line()):
        if line is not None:
            typer.echo(line[0].upper() + line[1:] + ".")
    _replanned(report.replan)
    if unreadable:
        # As `runs import` says of a bad file: the readable events are kept, each one that
        # cannot be read is an error, and the exit code says the file was not read whole.
        for line in unreadable[:SKIPPED_SHOWN]:
            typer.echo(f"error: calendar: {line}", err=True)
        if len(unreadable) > SKIPPED_SHOWN:
            more = len(unreadable) - SKIPPED_SHOWN
            typer.echo(f"error: calendar: ... and {plural(more, 'more event')}", err=True)
        raise typer.Exit(2)


# ------------------------------------------------------------------------- workout


@workout_app.command("export")
@handled
def workout_export_command(
    date: Annotated[
        str | None, typer.Option("--date", "-d", metavar="YYYY-MM-DD", help="The session's day.")
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", metavar="FILE.fit", help="File to write.")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite FILE if it exists.")] = False,
    athlete: AthleteOption = None,
) -> None:
    """Write the day's strength session as a FIT workout file a watch can guide."""
    from calfcoach.errors import InputError
    from calfcoach.files import check_target, write_file
    from calfcoach.services.runs import workout_fit

    if output is None:
        raise InputError("--output: missing; allowed: -o FILE.fit")
    if date is None:
        raise InputError("--date: missing; allowed: a day YYYY-MM-DD")
    day = parse_date("--date", date)
    check_target(output, force=force, field="--output")
    with open_ctx(read_only=True) as ctx:
        data = workout_fit(*on_athlete(ctx, athlete), day)
    write_file(output, data, force=force, field="--output")
    typer.echo(f"Wrote the session of {day.isoformat()} to {output} ({len(data):,} bytes).")


def log_import(file: str, athlete: str | None) -> None:
    """`calfcoach log import FILE.fit`: the watch's strength sets and jump count, logged."""
    from calfcoach.errors import InputError
    from calfcoach.formats.activities import MAX_FILE_BYTES
    from calfcoach.services.runs import import_strength_fit

    path = Path(file)
    try:
        if not path.is_file():
            raise InputError(f"FILE: {file!r} is not a file; allowed: a FIT strength activity")
        if path.stat().st_size > MAX_FILE_BYTES:
            raise InputError(f"FILE: {file!r} is too large; allowed: {MAX_FILE_BYTES:,} bytes")
        data = path.read_bytes()
    except OSError as error:
        raise InputError(f"FILE: {file!r} cannot be read ({error.strerror})") from None
    with open_ctx() as ctx:
        report = import_strength_fit(
            *on_athlete(ctx, athlete), data, today=real_today(), source=path.name
        )
    typer.echo(
        f"Logged {len(report.logged)} sets of {report.date.isoformat()} from {path.name}"
        + (f" ({report.already} already imported)" if report.already else "")
        + (f"; jump count {report.jump_count}" if report.jump_count else "")
        + "."
    )
    for line in report.unmatched:
        typer.echo(f"  not logged: {line}")
