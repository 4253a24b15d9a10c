"""`calfcoach sets|edit-set|delete-set|unskip|extend-plan|next-plan`: corrections (issue 7,
item 16), thin adapters over ``services.corrections``.

A set is named by its id (`calfcoach sets` lists them) or by `--date`, `--exercise`, `--set`
(and `--side` when both sides are logged). Module level: typer and the standard library only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from calfcoach.cli.app import app
from calfcoach.cli.athlete_cmds import (
    AthleteOption,
    DateOption,
    handled,
    input_error,
    on_athlete,
    open_ctx,
    parse_choice,
    parse_date,
    parse_int,
    parse_set_doses,
    print_json,
    real_today,
)
from calfcoach.core.limits import MAX_WEEKS, MIN_WEEKS

if TYPE_CHECKING:
    from calfcoach.bootstrap import StoredSet
    from calfcoach.services.corrections import SetRef

SetIdArgument = Annotated[
    str | None,
    typer.Argument(metavar="[ID]", help="The set's id (see `calfcoach sets`)."),
]
ExerciseOption = Annotated[
    str | None, typer.Option("--exercise", "-e", metavar="ID", help="Exercise id.")
]
SetOption = Annotated[str | None, typer.Option("--set", metavar="N", help="Set number.")]
SideOption = Annotated[
    str | None,
    typer.Option("--side", metavar="left|right|both", help="Needed when both sides are logged."),
]
YesOption = Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")]


def _set_ref(
    set_id: str | None,
    date: str | None,
    exercise: str | None,
    set_number: str | None,
    side: str | None,
) -> SetRef:
    from calfcoach.services.corrections import SetRef

    if set_id is not None:
        if any(v is not None for v in (date, exercise, set_number, side)):
            raise input_error(
                "ID: given with --date/--exercise/--set/--side; allowed: an id, or those options"
            )
        number = parse_int("ID", set_id, "a set id from `calfcoach sets`")
        return SetRef(id=number)
    if side is not None:
        parse_choice("--side", side, ("left", "right", "both"))
    return SetRef(
        date=parse_date("--date", date) if date is not None else None,
        exercise=exercise,
        set_number=parse_int("--set", set_number, "1-50"),
        side=side,
    )


def _dose(stored: StoredSet) -> str:
    s = stored.set
    parts = []
    for value, unit in (
        (s.reps, "reps"),
        (s.seconds, "s"),
        (s.distance_m, "m"),
        (s.contacts, "contacts"),
    ):
        if value is not None:
            parts.append(f"{value:g} {unit}")
    if s.load_kg:
        parts.append(f"+{s.load_kg:g} kg")
    return ", ".join(parts)


def _line(stored: StoredSet) -> str:
    s = stored.set
    rpe = "-" if s.rpe is None else s.rpe
    pain = "-" if s.pain is None else s.pain
    effort = f"RPE {rpe}, pain {pain}"
    return (
        f"#{stored.id}  {s.date.isoformat()}  {s.exercise} set {s.set_number} ({s.side}): "
        f"{_dose(stored)}; {effort}"
    )


# ------------------------------------------------------------------------- sets


@app.command("sets")
@handled
def sets_command(
    athlete: AthleteOption = None,
    date: DateOption = None,
    first: Annotated[
        str | None, typer.Option("--from", metavar="YYYY-MM-DD", help="First day listed.")
    ] = None,
    last: Annotated[
        str | None, typer.Option("--to", metavar="YYYY-MM-DD", help="Last day listed.")
    ] = None,
    output_format: Annotated[
        str, typer.Option("--format", "-f", metavar="table|json", help="Output format.")
    ] = "table",
) -> None:
    """List logged sets with their ids (one day with --date; default: every set)."""
    from calfcoach.cli.options import parse_date_range
    from calfcoach.services.corrections import list_sets

    parse_choice("--format", output_format, ("table", "json"))
    if date is not None and (first is not None or last is not None):
        raise input_error("--date: given with --from/--to; allowed: --date, or --from and --to")
    low, high = parse_date_range("--from", first, "--to", last)
    if date is not None:
        low = high = parse_date("--date", date)
    with open_ctx(read_only=True) as ctx:
        listing = list_sets(*on_athlete(ctx, athlete), first=low, last=high)
    if output_format == "json":
        from calfcoach.services.schemas import SetOut, dump

        print_json([dump(SetOut.from_stored(s)) for s in listing.sets])
        return
    if not listing.sets:
        where = " in that range" if low is not None or high is not None else " yet"
        typer.echo(f"No sets logged for {listing.athlete!r}{where}.")
        return
    for stored in listing.sets:
        typer.echo(_line(stored))


@app.command("edit-set")
@handled
def edit_set_command(
    set_id: SetIdArgument = None,
    athlete: AthleteOption = None,
    date: Annotated[
        str | None, typer.Option("--date", "-d", metavar="YYYY-MM-DD", help="The set's day.")
    ] = None,
    exercise: ExerciseOption = None,
    set_number: SetOption = None,
    side: SideOption = None,
    reps: Annotated[str | None, typer.Option("--reps", metavar="R", help="Reps, 0-500.")] = None,
    seconds: Annotated[
        str | None, typer.Option("--seconds", metavar="S", help="Seconds, 0-3600.")
    ] = None,
    distance_m: Annotated[
        str | None, typer.Option("--distance-m", metavar="M", help="Metres, 0-1000.")
    ] = None,
    contacts: Annotated[
        str | None, typer.Option("--contacts", metavar="C", help="Foot contacts, 0-2000.")
    ] = None,
    load_kg: Annotated[
        str | None, typer.Option("--load-kg", metavar="KG", help="Added load, 0-500 kg.")
    ] = None,
    rpe: Annotated[str | None, typer.Option("--rpe", metavar="X", help="Effort 1-10.")] = None,
    pain: Annotated[str | None, typer.Option("--pain", metavar="P", help="Pain 0-10.")] = None,
) -> None:
    """Correct a logged set: the given values replace the logged ones (the rules of `log`).
    Sessions already given stay as they were; the coming ones adapt (R-HIST)."""
    from calfcoach.services.corrections import SetChanges, edit_set

    ref = _set_ref(set_id, date, exercise, set_number, side)
    changes = SetChanges(
        **parse_set_doses(
            reps=reps,
            seconds=seconds,
            distance_m=distance_m,
            contacts=contacts,
            load_kg=load_kg,
        ),
        rpe=parse_int("--rpe", rpe, "1-10"),
        pain=parse_int("--pain", pain, "0-10"),
    )
    with open_ctx() as ctx:
        before, after = edit_set(*on_athlete(ctx, athlete), ref, changes, today=real_today())
    typer.echo(f"Was: {_line(before)}")
    typer.echo(f"Now: {_line(after)}")


@app.command("delete-set")
@handled
def delete_set_command(
    set_id: SetIdArgument = None,
    athlete: AthleteOption = None,
    date: Annotated[
        str | None, typer.Option("--date", "-d", metavar="YYYY-MM-DD", help="The set's day.")
    ] = None,
    exercise: ExerciseOption = None,
    set_number: SetOption = None,
    side: SideOption = None,
    yes: YesOption = False,
) -> None:
    """Delete a logged set. Sessions already given stay as they were (R-HIST)."""
    from calfcoach.services.corrections import delete_set, find_set

    ref = _set_ref(set_id, date, exercise, set_number, side)
    with open_ctx() as ctx:
        if not yes:
            found = find_set(*on_athlete(ctx, athlete), ref)
            typer.confirm(f"Delete {_line(found)}?", abort=True)
        deleted = delete_set(*on_athlete(ctx, athlete), ref, today=real_today())
    typer.echo(f"Deleted {_line(deleted)}")


# ------------------------------------------------------------------------- skip


@app.command("unskip")
@handled
def unskip_command(athlete: AthleteOption = None, date: DateOption = None) -> None:
    """Undo `calfcoach skip`: the session of the day is planned again."""
    from calfcoach.services.corrections import undo_skip

    today = real_today()
    day = parse_date("--date", date, today)
    with open_ctx() as ctx:
        undo_skip(*on_athlete(ctx, athlete), day, today=today)
    typer.echo(f"The session of {day.isoformat()} is no longer skipped.")


# ------------------------------------------------------------------------- plans


def _weeks(text: str | None, *, required: bool) -> int | None:
    if text is None:
        if required:
            raise input_error(f"--weeks: missing; allowed: {MIN_WEEKS}-{MAX_WEEKS}")
        return None
    return parse_int("--weeks", text, f"{MIN_WEEKS}-{MAX_WEEKS}")


@app.command("extend-plan")
@handled
def extend_plan_command(
    athlete: AthleteOption = None,
    weeks: Annotated[
        str | None, typer.Option("--weeks", metavar="N", help="Weeks to add (52 in all).")
    ] = None,
) -> None:
    """Add weeks to the end of the plan; what was given stays as it was (R-HIST)."""
    from calfcoach.services.corrections import extend_plan

    n_weeks = _weeks(weeks, required=True) or 0
    with open_ctx() as ctx:
        change = extend_plan(*on_athlete(ctx, athlete), n_weeks, today=real_today())
    typer.echo(
        f"Extended the plan of {change.athlete!r} to {change.weeks} weeks from "
        f"{change.start.isoformat()}; the added weeks start on "
        f"{change.first_new_day.isoformat()}."
    )


@app.command("next-plan")
@handled
def next_plan_command(
    athlete: AthleteOption = None,
    weeks: Annotated[
        str | None,
        typer.Option("--weeks", metavar="N", help="Length (default: as long as the last plan)."),
    ] = None,
    start: Annotated[
        str | None,
        typer.Option("--start", metavar="YYYY-MM-DD", help="First day (default: as soon as can)."),
    ] = None,
) -> None:
    """Start the next block when the plan has ended; it continues from what was done."""
    from calfcoach.services.corrections import next_plan

    n_weeks = _weeks(weeks, required=False)
    first = parse_date("--start", start) if start is not None else None
    with open_ctx() as ctx:
        change = next_plan(
            *on_athlete(ctx, athlete), today=real_today(), weeks=n_weeks, start=first
        )
    typer.echo(
        f"Started the next block of {change.athlete!r}: {change.weeks} weeks from "
        f"{change.start.isoformat()}."
    )
    typer.echo("Next: calfcoach today")
