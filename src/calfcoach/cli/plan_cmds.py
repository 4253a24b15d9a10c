"""`calfcoach plan`, `calfcoach schema plan` and `calfcoach init`.

Startup speed matters (a cold `calfcoach plan` must finish in 0.4 s), so this module imports
only typer and the standard library at module level; pydantic models, the planner, rich and
icalendar are imported inside the functions that need them, and the JSON and ICS outputs never
import rich.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from calfcoach.cli.app import app
from calfcoach.core.limits import MAX_WEEKS, MIN_WEEKS

if TYPE_CHECKING:
    from rich.console import Console

    from calfcoach.core.models import Plan, Profile
    from calfcoach.errors import CalfcoachError
    from calfcoach.formats.text import ExerciseLookup

FORMATS = ("table", "json", "ics")
DEFAULT_WEEKS = 8

schema_app = typer.Typer(
    help="Print the JSON Schema of a public JSON format.", no_args_is_help=True
)
app.add_typer(schema_app, name="schema")


def _fail(*problems: str) -> typer.Exit:
    """Exit status 2 with one stderr line per problem (bad command-line input)."""
    from calfcoach.cli.errors import fail
    from calfcoach.errors import InputError

    return fail(InputError(*problems))


def _fail_with(error: CalfcoachError) -> typer.Exit:
    from calfcoach.cli.errors import fail

    return fail(error)


def _parse_start(text: str | None) -> dt.date:
    from calfcoach.cli.options import parse_date
    from calfcoach.errors import InputError

    try:
        return parse_date("--start", text, dt.date.today())  # the one date rule (D-25)
    except InputError as error:
        raise _fail_with(error) from None


def _parse_weeks(text: str) -> int:
    allowed = f"allowed: {MIN_WEEKS}-{MAX_WEEKS}"
    try:
        weeks = int(text)
    except ValueError:
        raise _fail(f"--weeks: {text!r} is not a whole number; {allowed}") from None
    if not MIN_WEEKS <= weeks <= MAX_WEEKS:
        raise _fail(f"--weeks: {weeks} is out of range; {allowed}")
    return weeks


@app.command("plan")
def plan_command(
    profile: Annotated[
        Path | None,
        typer.Option("--profile", "-p", metavar="FILE", help="Athlete profile (JSON or TOML)."),
    ] = None,
    start: Annotated[
        str | None,
        typer.Option("--start", metavar="YYYY-MM-DD", help="First day of week 1 (default: today)."),
    ] = None,
    weeks: Annotated[
        str | None,
        typer.Option(
            "--weeks",
            metavar="N",
            help=f"Number of weeks, {MIN_WEEKS}-{MAX_WEEKS} (default: 8; with --athlete: the "
            "weeks to show from --start, default the whole plan).",
        ),
    ] = None,
    output_format: Annotated[
        str,
        typer.Option("--format", "-f", metavar="table|json|ics", help="Output format."),
    ] = "table",
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", metavar="FILE", help="Write to FILE, not stdout."),
    ] = None,
    athlete_name: Annotated[
        str | None,
        typer.Option(
            "--athlete",
            "-a",
            metavar="NAME",
            help="A stored athlete's plan instead of a profile file (as of --date).",
        ),
    ] = None,
    date: Annotated[
        str | None,
        typer.Option(
            "--date",
            metavar="YYYY-MM-DD",
            help="With --athlete: the day the plan reflects the log up to (default: today).",
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="With --output: overwrite FILE if it exists.")
    ] = False,
) -> None:
    """Build a training plan for the athlete in a profile file (or show a stored athlete's
    plan, adapted to their log) and print it."""
    # Options are parsed by hand (not by click types) so that every mistake gets the same
    # one-line "option: value; allowed: ..." message and exit status 2.
    if output_format not in FORMATS:
        raise _fail(f"--format: {output_format!r} is not allowed; allowed: {', '.join(FORMATS)}")
    if output is not None:
        if profile is not None:
            from calfcoach.files import protect

            protect(profile)  # never the output: `-p p.json -o p.json --force`
        _check_output(output, force)
    start_date = _parse_start(start)
    n_weeks = _parse_weeks(weeks if weeks is not None else str(DEFAULT_WEEKS))
    if profile is not None and athlete_name is not None:
        raise _fail("--profile and --athlete: give one, not both")
    if profile is not None and date is not None:
        raise _fail("--date: only with --athlete (a profile's plan starts at --start)")
    if athlete_name is not None or date is not None:
        window = None
        if weeks is not None or start is not None:
            # A stored plan keeps its own start: --start and --weeks choose the weeks shown.
            window = (start_date if start is not None else None, n_weeks if weeks else None)
        _stored_plan(athlete_name, date, output_format, output, window)
        return
    if profile is None:
        raise _fail(
            "--profile: missing; allowed: a profile file (make one with calfcoach init), "
            "or --athlete NAME for a stored athlete"
        )

    from calfcoach.errors import CalfcoachError
    from calfcoach.profile_io import load_profile

    try:
        athlete = load_profile(profile)
        from calfcoach.catalog import load_catalog
        from calfcoach.core.planner import build_plan

        catalog = load_catalog()
        plan = build_plan(athlete, catalog, start_date, n_weeks)
    except CalfcoachError as error:
        raise _fail_with(error) from None

    if output_format == "json":
        from calfcoach.formats.plan_json import to_json_text
        from calfcoach.services.plan_documents import dump, plan_document

        _emit_text(to_json_text(dump(plan_document(plan))), output)
    elif output_format == "ics":
        from calfcoach.formats.ics import plan_to_ics

        _emit_bytes(plan_to_ics(plan, athlete.name, units=athlete.units, catalog=catalog), output)
    else:
        _emit_table(plan, athlete, catalog, output)


def _stored_plan(
    athlete_name: str | None,
    date: str | None,
    output_format: str,
    output: Path | None,
    window: tuple[dt.date | None, int | None] | None = None,
) -> None:
    """`plan --athlete NAME [--date DATE] [--start DAY] [--weeks N]`: the stored plan adapted
    to the log up to DATE; with --start/--weeks only N of its weeks from the plan week of DAY
    (default: the week of DATE, or today)."""
    from calfcoach.cli.athlete_cmds import on_athlete, open_plan_ctx, parse_date, real_today
    from calfcoach.errors import CalfcoachError
    from calfcoach.services.training import current_plan, plan_window

    try:
        day = parse_date("--date", date, real_today())
        with open_plan_ctx() as ctx:
            current = current_plan(*on_athlete(ctx, athlete_name), day)
        plan = current.plan
        if window is not None:
            first, n_weeks = window
            plan = plan_window(
                plan,
                first if first is not None else day,
                n_weeks if n_weeks is not None else plan.weeks,
                "--start" if first is not None else "--date",
            )
    except CalfcoachError as error:
        raise _fail_with(error) from None
    athlete = current.athlete.profile
    if output_format == "json":
        from calfcoach.formats.plan_json import to_json_text
        from calfcoach.services.plan_documents import dump, plan_document

        _emit_text(to_json_text(dump(plan_document(plan))), output)
        return
    from calfcoach.catalog import load_catalog

    catalog = load_catalog()
    if output_format == "ics":
        from calfcoach.formats.ics import plan_to_ics

        _emit_bytes(
            plan_to_ics(plan, current.athlete.name, units=athlete.units, catalog=catalog), output
        )
    else:
        _emit_table(
            plan, athlete.model_copy(update={"name": current.athlete.name}), catalog, output
        )


def _emit_text(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    _write(output, text.encode("utf-8"))


def _emit_bytes(data: bytes, output: Path | None) -> None:
    if output is None:
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    _write(output, data)


def _check_output(output: Path, force: bool) -> None:
    """Before any work: refuse a folder, or an existing file without --force (issue 7, item 4)."""
    from calfcoach.errors import CalfcoachError
    from calfcoach.files import check_target

    try:
        check_target(output, force=force, field="--output")
    except CalfcoachError as error:
        raise _fail_with(error) from None


def _write(output: Path, data: bytes) -> None:
    """Write the whole file, or nothing (a temporary file moved into place). Whether it may
    overwrite was checked by ``_check_output`` before the plan was made."""
    from calfcoach.errors import CalfcoachError
    from calfcoach.files import write_file

    try:
        write_file(output, data, force=True, field="--output")
    except CalfcoachError as error:
        raise _fail_with(error) from None


def _emit_table(plan: Plan, athlete: Profile, catalog: ExerciseLookup, output: Path | None) -> None:
    from rich.console import Console

    if output is None:
        render_plan_table(plan, athlete, catalog, Console())
        return
    import io

    buffer = io.StringIO()
    render_plan_table(plan, athlete, catalog, Console(file=buffer, width=120, no_color=True))
    _write(output, buffer.getvalue().encode("utf-8"))


def render_plan_table(
    plan: Plan, athlete: Profile, catalog: ExerciseLookup, console: Console
) -> None:
    """The plan week by week: warnings first, then each session with its exercises.

    The exercise table is laid out by hand (aligned columns, the why wrapped under each row)
    rather than with ``rich.table.Table``: a 16-week plan is 30+ tables, and Rich measures and
    wraps every cell, which took about 260 ms against about 40 ms for this (the cold-start
    budget of `calfcoach plan` is 400 ms). Rich still does the colour and the warning panel.
    When the console shows no styles at all (output to a pipe or a file), the weeks are
    written as they are: even one plain ``Text`` of a 16-week plan takes Rich ~15 ms.
    """
    import textwrap

    from rich.text import Text

    from calfcoach.formats.text import (
        column_lines,
        describe_dose,
        describe_rest,
        fit_widths,
        loads_in_units,
        plural,
        printable,
        session_advice,
    )

    width = max(60, console.width)
    title = f"Plan for {printable(athlete.name)}" if athlete.name else "Plan"
    end = plan.start + dt.timedelta(days=7 * plan.weeks - 1)
    console.print(
        Text(
            f"{title}: {plural(plan.weeks, 'week')}, {plan.start:%a %Y-%m-%d} to {end:%a %Y-%m-%d}"
        ),
        style="bold",
        highlight=False,
    )
    if plan.warnings:
        from rich.panel import Panel

        lines = Text()
        for index, warning in enumerate(plan.warnings):
            if index:
                lines.append("\n")
            lines.append(f"{warning.rule}  ", style="bold")
            lines.append(printable(warning.message))
        console.print(Panel(lines, title="Warnings", border_style="yellow", style="yellow"))

    # One row per prescription: name, dose, rest, tempo; columns aligned over the whole plan.
    rows = {
        id(p): (
            catalog.get(p.exercise).name,
            describe_dose(
                p, athlete.units, contacts_per_minute=catalog.get(p.exercise).contacts_per_minute
            ),
            describe_rest(p.rest_seconds),
            p.tempo or "",
        )
        for session in plan.sessions
        if session.status != "stopped"
        for p in session.exercises
    }
    headers = ("Exercise", "Dose", "Rest", "Tempo")
    natural = [max([len(headers[i])] + [len(row[i]) for row in rows.values()]) for i in range(4)]
    # The columns fit the terminal (80 columns too): the widest gives way and wraps.
    widths = fit_widths(natural, width - 1 - 2 - 2 * 3, [12, 12, 6, 8])

    def columns(cells: tuple[str, ...]) -> str:
        return "\n".join(column_lines(cells, widths))

    out: list[tuple[str, str | None]] = []  # (text, style)
    by_week: dict[int, list[int]] = {}
    for index, session in enumerate(plan.sessions):
        by_week.setdefault(session.week, []).append(index)
    for week in range(1, plan.weeks + 1):
        sessions = [plan.sessions[i] for i in by_week.get(week, [])]
        first = plan.start + dt.timedelta(days=7 * (week - 1))
        last = first + dt.timedelta(days=6)
        header = f"Week {week}: {first:%a %d %b} - {last:%a %d %b %Y}"
        if any(s.deload for s in sessions):
            header += " - lighter week (R-PROG-5)"
        out.append(("\n" + header + "\n", "bold cyan"))
        out.append(("─" * min(width, 100) + "\n", "cyan"))
        if not sessions:
            out.append(("  no sessions this week\n", "dim"))
        for number, session in enumerate(sessions):
            if number:
                out.append(("\n", None))
            heading = f"{session.date:%a %Y-%m-%d}  {printable(session.title)}"
            minutes = f"  (about {session.minutes} min)" if session.minutes else ""
            if len(heading + minutes) >= width and session.status != "stopped":
                heading = textwrap.fill(
                    heading + minutes, width - 1, subsequent_indent="  ", break_on_hyphens=False
                )
                minutes = ""
            out.append((heading, "bold"))
            advice = session_advice(session)
            advice = printable(advice) if advice else advice  # as stored (R-HIST, D-154)
            if session.status == "stopped":
                # R-PAIN-2a/2b: a stopped day shows the advice instead of exercises.
                out.append(("  STOPPED\n", "bold red"))
                stop = textwrap.fill(
                    advice or "", width - 1, initial_indent="  ", subsequent_indent="  "
                )
                out.append((stop + "\n", "red"))
                continue
            if minutes:
                out.append((minutes, None))
            if advice:
                note = textwrap.fill(
                    advice, width - 1, initial_indent="  advice: ", subsequent_indent="    "
                )
                out.append(("\n" + note, "yellow"))
            out.append(("\n" + columns(headers) + "\n", "underline"))
            for p in session.exercises:
                out.append((columns(rows[id(p)]) + "\n", None))
                if p.why:
                    why = textwrap.fill(
                        printable(loads_in_units(p.why, athlete.units)),
                        width - 1,
                        initial_indent="      why: ",
                        subsequent_indent="      ",
                    )
                    out.append((why + "\n", "dim"))
    text = "".join(piece for piece, _ in out)
    if console.color_system is None and not (console.record or console.quiet) and "\t" not in text:
        from rich.control import strip_control_codes

        console.file.write(strip_control_codes(text))
        console.file.flush()
        return
    styled = Text()
    for piece, style in out:
        styled.append(piece, style=style)
    console.print(styled, end="", highlight=False, soft_wrap=True)


@schema_app.command("plan")
def schema_plan_command() -> None:
    """Print the JSON Schema (draft 2020-12) of `calfcoach plan --format json`."""
    from calfcoach.formats.plan_json import plan_json_schema, to_json_text

    sys.stdout.write(to_json_text(plan_json_schema()))


# ------------------------------------------------------------------------------ init


class _BadAnswer(Exception):
    pass


def _split(text: str) -> list[str]:
    items = [item.strip().lower() for item in text.replace(";", ",").split(",")]
    items = [item for part in items for item in part.split()]
    return [] if items in ([], ["none"], ["-"]) else items


def _optional_text(text: str) -> str | None:
    return text.strip() or None


def _word(text: str) -> str:
    """A choice answer (level, units): case does not matter ("Intermediate")."""
    return text.strip().lower()


def _optional_word(text: str) -> str | None:
    return _word(text) or None


def _optional_number(text: str) -> int | float | str | None:
    """A number if it reads as one; otherwise the text, which the profile model explains."""
    text = text.strip().replace(",", ".")
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text or None


def _runs(text: str) -> list[dict[str, str]]:
    runs = []
    for item in _split(text):
        day, sep, kind = item.partition(":")
        if not sep:
            raise _BadAnswer(f"runs: {item!r} is not day:kind; allowed: e.g. tue:hard, sun:long")
        runs.append({"day": day.strip(), "kind": kind.strip()})
    return runs


def _races(text: str) -> list[str | dict[str, Any]]:
    """Race answers: YYYY-MM-DD, or YYYY-MM-DD:KM with the distance (R-SCHED-4a)."""
    races: list[str | dict[str, Any]] = []
    for item in _split(text):
        date, sep, km = item.partition(":")
        if not sep:
            races.append(date)
            continue
        distance = _optional_number(km)
        if not isinstance(distance, int | float):
            raise _BadAnswer(
                f"races: {item!r} has no distance after ':'; allowed: YYYY-MM-DD or "
                "YYYY-MM-DD:KM, e.g. 2027-04-12:42.2"
            )
        races.append({"date": date, "distance_km": distance})
    return races


def _yes_no(text: str) -> bool | str:
    answer = text.strip().lower()
    if answer in ("y", "yes", "true"):
        return True
    if answer in ("n", "no", "false", ""):
        return False
    return text.strip()


def _asked(key: str, data: dict[str, Any]) -> bool:
    """The intake questions that only some athletes get, so ``init`` stays short."""
    complaints = set(data.get("complaints") or ())
    if key == "usual_pain":
        return bool(complaints)
    if key == "bone_stress_history":
        return "shin" in complaints
    if key == "missed_periods":
        return "shin" in complaints and data.get("sex") != "male"
    return True


def _questions() -> list[tuple[str, str, str, Callable[[str], Any]]]:
    from calfcoach.core.models import COMPLAINTS, DAYS, EQUIPMENT, LEVELS

    return [
        ("name", "Name (optional)", "", _optional_text),
        ("sex", "Sex: female or male (optional, for test norms)", "", _optional_word),
        ("birth_year", "Birth year (optional)", "", _optional_number),
        ("body_mass_kg", "Body mass in kg (optional)", "", _optional_number),
        ("level", f"Level ({', '.join(LEVELS)})", "novice", _word),
        (
            "equipment",
            f"Equipment, comma-separated ({', '.join(EQUIPMENT)}; or none)",
            "none",
            _split,
        ),
        ("free_days", f"Free days for strength work ({', '.join(DAYS)})", "mon,wed,fri", _split),
        (
            "sessions_per_week",
            "Sessions per week, 1-3 (Enter: 2, or 3 with heel or Achilles pain)",
            "",
            _optional_number,
        ),
        ("session_minutes", "Minutes per session (10-90)", "25", _optional_number),
        (
            "runs",
            "Your runs in a usual week, day:kind with kind easy, hard or long "
            "(e.g. tue:hard, thu:easy, sun:long; or none)",
            "none",
            _runs,
        ),
        (
            "races",
            "Races, comma-separated YYYY-MM-DD or YYYY-MM-DD:KM with the distance "
            "(e.g. 2027-04-12:42.2; or none)",
            "none",
            _races,
        ),
        ("complaints", f"Complaints ({', '.join(COMPLAINTS)}; or none)", "none", _split),
        (
            "usual_pain",
            "Your usual morning pain from it, 0-10 (Enter: 2)",
            "",
            _optional_number,
        ),
        (
            "bone_stress_history",
            "Have you had a bone stress injury (stress fracture) before? (y/n)",
            "n",
            _yes_no,
        ),
        (
            "missed_periods",
            "Are your periods missed or irregular? (y/n; Enter: no)",
            "n",
            _yes_no,
        ),
        ("units", "Units (metric or imperial)", "metric", _word),
    ]


def _output_problem(output: Path, force: bool) -> str | None:
    """Why ``init`` could not write ``output`` (checked before the first question), or None."""
    import os

    shown = repr(str(output))
    folder = output.parent
    if output.is_dir():
        return f"--output: {shown} is a folder; allowed: a file name ending in .json or .toml"
    if not folder.is_dir():
        return f"--output: the folder {str(folder)!r} does not exist; allowed: an existing folder"
    if not os.access(folder, os.W_OK | os.X_OK):
        return f"--output: the folder {str(folder)!r} is not writable; allowed: a writable folder"
    if output.exists() and not force:
        return (
            f"--output: {shown} already exists; allowed: another name, or --force to overwrite it"
        )
    return None


@app.command("init")
def init_command(
    output: Annotated[
        Path,
        typer.Option("--output", "-o", metavar="FILE", help="Profile file to write (.json/.toml)."),
    ] = Path("profile.json"),
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
) -> None:
    """Ask the profile questions one by one and write a profile file."""
    problem = _output_problem(output, force)
    if problem is not None:  # before the questions, not after them
        raise _fail(problem)

    from calfcoach.errors import CalfcoachError
    from calfcoach.profile_io import dump_profile, field_problems, profile_from_data

    data: dict[str, Any] = {}
    for key, question, default, parse in _questions():
        if not _asked(key, data):
            continue
        while True:
            try:
                answer = typer.prompt(question, default=default, show_default=bool(default))
            except typer.Abort:  # Ctrl-D, Ctrl-C or a closed stdin at a question
                typer.echo(
                    f"\ninit: stopped: the input ended at the question {question!r}; "
                    f"nothing was written to {output}.",
                    err=True,
                )
                raise typer.Exit(1) from None
            try:
                value = parse(str(answer))
                problems = field_problems(key, value) if value is not None else []
            except _BadAnswer as bad:
                problems = [str(bad)]
            if not problems:
                break
            for problem in problems:
                typer.echo(f"  {problem}", err=True)
        if value is not None:
            data[key] = value

    try:
        profile = profile_from_data(data)
        dump_profile(profile, output)
    except CalfcoachError as error:
        raise _fail_with(error) from None
    except OSError as exc:
        raise _fail(f"--output: cannot write {str(output)!r} ({exc.strerror})") from None

    import shlex

    typer.echo(f"Wrote {output}")
    typer.echo("Next, store yourself with your plan, to log sessions and be coached from them:")
    typer.echo(f"  calfcoach athlete add --profile {shlex.quote(str(output))}")
    typer.echo("or only look at a plan:")
    typer.echo(f"  calfcoach plan --profile {shlex.quote(str(output))}")
