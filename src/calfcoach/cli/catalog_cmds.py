"""Catalog commands: ``calfcoach exercises`` (the list) and ``calfcoach exercise ID`` (one page).

Only typer and the standard library are imported at module level: every command module is
imported on each start, and a cold ``calfcoach plan`` must stay fast. The catalog, pydantic
and Rich are imported inside the commands.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, cast

import typer

from calfcoach.cli.app import app

if TYPE_CHECKING:
    from calfcoach.core.catalog import Catalog
    from calfcoach.core.models import Exercise, Region


# ---------------------------------------------------------------------- option checks


def _allowed_regions() -> tuple[str, ...]:
    from typing import get_args

    from calfcoach.core.models import Region

    return get_args(Region)


def _allowed_equipment() -> tuple[str, ...]:
    from calfcoach.core.models import EQUIPMENT

    return EQUIPMENT


def _check(value: str, allowed: tuple[str, ...], hidden: tuple[str, ...] = ()) -> str:
    """The choice ``value`` names (case-insensitive), or a usage error in the project's form
    (``cli/errors.py`` adds the option: ``error: --region: 'leg' is not allowed; ...``)."""
    choice = value.strip().lower()
    if choice not in allowed + hidden:
        raise typer.BadParameter(f"{value!r} is not allowed; allowed: {', '.join(allowed)}")
    return choice


def _choice(*allowed: str, hidden: tuple[str, ...] = ()) -> Callable[[str], str]:
    return lambda value: _check(value, allowed, hidden)


def _check_region(value: str | None) -> str | None:
    return None if value is None else _check(value, _allowed_regions())


def _check_equipment(values: list[str] | None) -> list[str] | None:
    if values:
        allowed = _allowed_equipment()
        return [_check(value, allowed) for value in values]
    return values


def _catalog() -> Catalog:
    from calfcoach.catalog import load_catalog
    from calfcoach.cli.errors import fail
    from calfcoach.errors import CalfcoachError

    try:
        return load_catalog()
    except CalfcoachError as error:
        raise fail(error) from None


def _as_json(payload: object) -> None:
    typer.echo(json.dumps(payload, indent=2, ensure_ascii=False))


# ---------------------------------------------------------------------- exercises


@app.command("exercises")
def list_exercises(
    output_format: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            metavar="table|json",
            callback=_choice("table", "json"),
            help="Output format: table or json.",
        ),
    ] = "table",
    region: Annotated[
        str | None,
        typer.Option(
            "--region",
            metavar="REGION",
            callback=_check_region,
            help="Only this region: calf, foot or ankle.",
        ),
    ] = None,
    equipment: Annotated[
        list[str] | None,
        typer.Option(
            "--equipment",
            metavar="NAME",
            callback=_check_equipment,
            help=(
                "Equipment you have; repeat for each item. Shows only what you can do with it "
                "(exercises needing nothing else). Example: --equipment band --equipment step."
            ),
        ),
    ] = None,
) -> None:
    """List the exercises of the catalog (R-EX-1 and the R-EX-2 extras)."""
    catalog = _catalog()
    # No --equipment at all means "show everything", not "I have nothing".
    found = catalog.filter(region=cast("Region | None", region), equipment=equipment or None)
    if output_format == "json":
        _as_json({"exercises": [ex.model_dump(mode="json") for ex in found]})
        return
    if not found:
        wanted = [f"region {region!r}"] if region else []
        if equipment:
            wanted.append("equipment " + ", ".join(equipment))
        typer.echo(f"no exercises match {' and '.join(wanted)}; try fewer filters")
        return
    _print_table(found)


def _print_table(exercises: tuple[Exercise, ...]) -> None:
    from rich import box
    from rich.console import Console
    from rich.table import Table

    from calfcoach.core.catalog import short_dose
    from calfcoach.formats.text import printable

    # Piped output is not wrapped to 80 columns (grep-friendly) unless COLUMNS says so.
    piped = not sys.stdout.isatty() and "COLUMNS" not in os.environ
    console = Console(highlight=False, width=160 if piped else None)
    # Narrow terminals (80 columns) keep the id and the name and drop the columns the
    # exercise's page shows anyway (knee, contraction, equipment).
    wide = console.width >= 120
    table = Table(
        title=f"{len(exercises)} exercises",
        title_justify="left",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        collapse_padding=True,
    )
    table.add_column("id", no_wrap=True, style="bold")
    table.add_column("name", ratio=1)
    table.add_column("region", no_wrap=True)
    if wide:
        table.add_column("knee", no_wrap=True)
        table.add_column("contraction", no_wrap=True)
        table.add_column("equipment")
    table.add_column("dose", no_wrap=True)
    for ex in exercises:
        cells: list[str] = [ex.id, printable(ex.name), ex.region]
        if wide:
            cells += [ex.knee, ex.contraction, _words(ex.equipment) if ex.equipment else "-"]
        table.add_row(*cells, short_dose(ex))
    console.print(table)
    typer.echo("Details: calfcoach exercise ID")


# ---------------------------------------------------------------------- exercise ID


@app.command("exercise")
def show_exercise(
    exercise_id: Annotated[str, typer.Argument(metavar="ID", help="Exercise id, e.g. toe-taps.")],
    output_format: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            metavar="table|json",
            # "text" was this command's name for "table" before the commands spoke one way.
            callback=_choice("table", "json", hidden=("text",)),
            help="Output format: table (the readable page) or json.",
        ),
    ] = "table",
    svg: Annotated[
        Path | None,
        typer.Option(
            "--svg",
            metavar="FILE",
            dir_okay=False,
            help="Also write the exercise's drawing (key poses, side view) as an SVG file.",
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Overwrite the --svg FILE if it exists.")
    ] = False,
) -> None:
    """Show one exercise: steps, cues, default dose, why, and its place in a progression."""
    from calfcoach.cli.errors import fail
    from calfcoach.errors import InputError, NotFoundError

    catalog = _catalog()
    try:
        exercise = catalog.get(exercise_id)
    except NotFoundError as error:
        raise fail(
            NotFoundError(
                f"ID: {error.problems[0]}; allowed: an id of `calfcoach exercises` (it lists them)"
            )
        ) from None
    if svg is not None:
        from calfcoach.files import write_file
        from calfcoach.formats.illustration import render_svg

        try:
            write_file(svg, render_svg(exercise).encode("utf-8"), force=force, field="--svg")
        except InputError as error:
            raise fail(error) from None
    if output_format == "json":
        _as_json({"exercise": exercise.model_dump(mode="json")})
        return
    typer.echo(render_exercise(exercise, catalog))


def render_exercise(exercise: Exercise, catalog: Catalog) -> str:
    """The readable page of one exercise, as plain text wrapped to the terminal."""
    from calfcoach.core.catalog import describe_dose

    width = max(50, min(shutil.get_terminal_size().columns, 100))
    lines: list[str] = []

    def wrap(text: str, first: str = "", rest: str = "  ") -> list[str]:
        # Never break at a hyphen: ids and words like "heel-raise" stay whole.
        return textwrap.wrap(
            text, width, initial_indent=first, subsequent_indent=rest, break_on_hyphens=False
        )

    def para(label: str, text: str) -> None:
        lines.extend(wrap(f"{label}: {text}"))

    ex = exercise
    lines.append(f"{ex.name}  [{ex.id}]")
    lines.append("=" * min(width, len(lines[0])))
    side = "one side at a time" if ex.unilateral else "both sides together"
    lines.append(f"Region: {ex.region} | knee: {_knee(ex)} | {ex.contraction} | {side}")
    para("Muscles", ", ".join(ex.muscles))
    para("Equipment", _words(ex.equipment) if ex.equipment else "none needed")
    if ex.load_with:
        para("Load with", _words(ex.load_with, last="or"))
    lines.append("")
    lines.append("Steps")
    for number, step in enumerate(ex.instructions, start=1):
        lines.extend(wrap(step, first=f"  {number}. ", rest="     "))
    lines.append("Cues")
    for cue in ex.cues:
        lines.extend(wrap(cue, first="  - ", rest="    "))
    lines.append("")
    para("Default dose", describe_dose(ex))
    para("Schemes", ", ".join(ex.schemes))
    if ex.contraction == "plyometric":
        para(
            "Plyometric tier",
            f"{ex.tier} (R-SCH-3a); about {ex.contacts_per_minute} foot contacts a minute",
        )
    if ex.protocols:
        para(
            "Protocol",
            f"the {ex.knee}-knee raise of the protocol block for {_words(ex.protocols)} (R-PAIN-5)",
        )
    if ex.heel_drop:
        flat = f"; use {ex.flat_form} instead" if ex.flat_form else ""
        para(
            "Heel drop",
            f"the heel goes below its support: not with insertional Achilles pain{flat}",
        )
    if ex.machines:
        para("Machine forms", _names(ex.machines, catalog) + " (R-PROG-7)")
    para("Why", ex.why)
    if ex.seed:
        label = "Seed article" + ("s" if len(ex.seed) > 1 else "")
        para(label, ", ".join(ex.seed))
    else:
        para("Why it was added", ex.extra_reason or "")
    if ex.ladder:
        para("Ladder", _ladder_position(ex, catalog))
    for name, rung in ex.steps.items():
        if name != ex.ladder:
            para(f"{name.replace('_', '-').capitalize()} ladder", f"step {rung} (R-PAIN-4)")
    para("Progressions", _names(ex.progressions, catalog))
    para("Regressions", _names(ex.regressions, catalog))
    return "\n".join(lines)


def _knee(ex: Exercise) -> str:
    return "n/a" if ex.knee == "none" else ex.knee


def _words(items: tuple[str, ...], last: str = "and") -> str:
    words = [item.replace("_", " ") for item in items]
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} {last} {words[-1]}"


def _names(ids: tuple[str, ...], catalog: Catalog) -> str:
    return "; ".join(f"{catalog.get(i).name} [{i}]" for i in ids) or "none"


def _ladder_position(ex: Exercise, catalog: Catalog) -> str:
    """ "soleus ladder, step 2 of 4: after soleus-wall-sit, before bent-knee-heel-raise"."""
    assert ex.ladder is not None
    steps = catalog.ladder(ex.ladder)
    index = next(i for i, step in enumerate(steps) if step.id == ex.id)
    text = f"{ex.ladder} ladder, step {index + 1} of {len(steps)}"
    around = []
    if index > 0:
        around.append(f"after {steps[index - 1].id}")
    if index + 1 < len(steps):
        around.append(f"before {steps[index + 1].id}")
    return text + (": " + ", ".join(around) if around else "")
