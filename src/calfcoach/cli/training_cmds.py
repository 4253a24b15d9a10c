"""`calfcoach today|log|skip|move|checkin|test|progress`: the training log at the terminal.

Every command takes `--athlete NAME` (needed only when several athletes are stored) and
`--date YYYY-MM-DD` (default: the real today), so a history can be replayed; a log dated
after the real today is refused. Module level: typer and the standard library only.
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Annotated, Any

import typer

from calfcoach.cli.app import app
from calfcoach.cli.athlete_cmds import (
    AthleteOption,
    DateOption,
    console,
    handled,
    input_error,
    on_athlete,
    open_ctx,
    open_plan_ctx,
    parse_choice,
    parse_date,
    parse_float,
    parse_int,
    parse_set_doses,
    print_json,
    real_today,
    render_session,
)

if TYPE_CHECKING:
    from rich.console import Console

    from calfcoach.core.models import Knee, LoggedSet, Prescription, Units
    from calfcoach.services.access import Actor
    from calfcoach.services.context import ServiceContext
    from calfcoach.services.progress import ProgressReport

test_app = typer.Typer(help="Capacity tests (R-TEST).", no_args_is_help=True)
app.add_typer(test_app, name="test")


# ------------------------------------------------------------------------- today


@app.command("today")
@handled
def today_command(
    athlete: AthleteOption = None,
    date: DateOption = None,
    output_format: Annotated[
        str, typer.Option("--format", "-f", metavar="table|json", help="Output format.")
    ] = "table",
) -> None:
    """Today's session, adapted to what was logged (JSON: the session, or null on a rest day)."""
    from calfcoach.services.training import day_plan

    parse_choice("--format", output_format, ("table", "json"))
    day = parse_date("--date", date, real_today())
    with open_plan_ctx() as ctx:
        current = day_plan(*on_athlete(ctx, athlete), day)
    session = current.session_on(day)
    if output_format == "json":
        from calfcoach.services.plan_documents import dump, session_document

        document = session_document(session)
        print_json(None if document is None else dump(document))
        return
    out = console()
    if session is None:
        from calfcoach.services.corrections import plan_ended

        if (ended := plan_ended(current, day, athlete=athlete)) is not None:
            out.print(f"{day:%a %Y-%m-%d}: {ended.message}")  # issue 7, item 16
            return
        later = [s for s in current.plan.sessions if s.date > day]
        following = ""
        if later:  # as the Today page: the next session's day and title (a stop's says so)
            from calfcoach.formats.text import printable

            upcoming = later[0]
            following = f"; next session {upcoming.date:%a %Y-%m-%d}, {printable(upcoming.title)}"
        out.print(f"{day:%a %Y-%m-%d}: rest day{following}.")
        return
    render_session(session, current.athlete.profile, out)
    # Decisions already explained in a prescription's "why" are not repeated.
    whys = " ".join(p.why for p in session.exercises)
    mine = [d for d in current.decisions if d.date == day and d.message not in whys]
    from calfcoach.formats.text import loads_in_units

    units = current.athlete.profile.units
    for decision in mine:
        out.print(
            f"  {decision.exercise}: {decision.action} ({decision.rule}) - "
            + loads_in_units(decision.message, units)
        )


# ------------------------------------------------------------------------- log


@app.command("log")
@handled
def log_command(
    action: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="[import FILE.fit]",
            help="`log import FILE.fit`: the strength sets and jump count a watch recorded.",
        ),
    ] = None,
    athlete: AthleteOption = None,
    date: DateOption = None,
    exercise: Annotated[
        str | None, typer.Option("--exercise", "-e", metavar="ID", help="Exercise id.")
    ] = None,
    set_number: Annotated[
        str | None, typer.Option("--set", metavar="N", help="Set number.")
    ] = None,
    reps: Annotated[
        str | None, typer.Option("--reps", metavar="R", help="Reps done, 0-500.")
    ] = None,
    seconds: Annotated[
        str | None, typer.Option("--seconds", metavar="S", help="Seconds held, 0-3600.")
    ] = None,
    distance_m: Annotated[
        str | None, typer.Option("--distance-m", metavar="M", help="Metres walked, 0-1000.")
    ] = None,
    contacts: Annotated[
        str | None, typer.Option("--contacts", metavar="C", help="Foot contacts, 0-2000.")
    ] = None,
    load_kg: Annotated[
        str | None, typer.Option("--load-kg", metavar="KG", help="Added load, 0-500 kg.")
    ] = None,
    load_lb: Annotated[
        str | None,
        typer.Option(
            "--load-lb", metavar="LB", help="Added load in pounds, 0-1102 lb (stored in kg)."
        ),
    ] = None,
    side: Annotated[
        str, typer.Option("--side", metavar="left|right|both", help="Side of the set.")
    ] = "both",
    rpe: Annotated[str | None, typer.Option("--rpe", metavar="X", help="Effort 1-10.")] = None,
    pain: Annotated[str | None, typer.Option("--pain", metavar="P", help="Pain 0-10.")] = None,
    as_prescribed: Annotated[
        bool,
        typer.Option("--as-prescribed", help="Log the whole session as prescribed (one write)."),
    ] = False,
) -> None:
    """Log one set (--exercise ...), a whole session as prescribed, or walk through today's
    session set by set (no options): the planned values are the defaults."""
    from calfcoach.services import training

    if action:
        if action[0] != "import" or len(action) != 2:
            raise input_error(
                f"{' '.join(action)!r}: not a log action; allowed: `log import FILE.fit`, "
                "or options only"
            )
        from calfcoach.cli.runs_cmds import log_import

        log_import(action[1], athlete)
        return
    day = parse_date("--date", date, real_today())
    today = real_today()
    rpe_value = parse_int("--rpe", rpe, "1-10", training.RPE_RANGE)
    pain_value = parse_int("--pain", pain, "0-10", training.PAIN_RANGE)
    if as_prescribed:
        if exercise is not None:
            raise input_error("--as-prescribed: cannot be used with --exercise")
        with open_ctx() as ctx:
            logged = training.log_session_as_prescribed(
                *on_athlete(ctx, athlete), day, today=today, rpe=rpe_value, pain=pain_value
            )
        typer.echo(f"Logged the session of {day.isoformat()}: {len(logged.sets)} sets.")
        return
    if exercise is None:
        training.check_log_date(day, today)
        with open_ctx() as ctx:
            _interactive_log(*on_athlete(ctx, athlete), day, today)
        return
    missing = [
        option
        for option, value in (("--set", set_number), ("--rpe", rpe), ("--pain", pain))
        if value is None
    ]
    doses = [
        option
        for option, value in (
            ("--reps", reps),
            ("--seconds", seconds),
            ("--distance-m", distance_m),
            ("--contacts", contacts),
        )
        if value is not None
    ]
    if not doses:
        missing.append("one of --reps, --seconds, --distance-m, --contacts")
    if missing:
        ranges = {"--set": "1-50", "--rpe": "1-10", "--pain": "0-10"}
        raise input_error(
            *(
                f"{option}: missing" + (f"; allowed: {ranges[option]}" if option in ranges else "")
                for option in missing
            )
        )
    if len(doses) > 1:
        raise input_error(
            f"{' and '.join(doses)}: give only one; allowed: one of --reps, --seconds, "
            "--distance-m, --contacts"
        )
    entry = training.SetInput(
        exercise=exercise,
        set_number=parse_int("--set", set_number, "1-50", training.SET_NUMBER_RANGE) or 0,
        **parse_set_doses(
            reps=reps,
            seconds=seconds,
            distance_m=distance_m,
            contacts=contacts,
            load_kg=load_kg,
        ),
        load_lb=parse_float(
            "--load-lb", load_lb, f"0-{training.MAX_LOAD_LB} lb", (0, training.MAX_LOAD_LB)
        ),
        side=side,
        rpe=rpe_value,
        pain=pain_value,
    )
    with open_ctx() as ctx:
        target = on_athlete(ctx, athlete)
        saved = training.log_set(*target, day, entry, today=today)
        units = _units_of(*target)
    typer.echo(f"Logged {_set_words(saved, units)} on {day.isoformat()}.")


def _units_of(ctx: ServiceContext, actor: Actor, athlete_id: int) -> Units:
    """The athlete's units (the profile's ``units``): how loads are shown and asked."""
    from calfcoach.services.athletes import get_athlete

    return get_athlete(ctx, actor, athlete_id).profile.units


def _set_words(logged: LoggedSet, units: Units) -> str:
    """The set in words, in the athlete's units: ``set 1 of x (left): 5 reps, +35.5 lb``."""
    from calfcoach.formats.text import describe_distance, describe_load

    side = "" if logged.side == "both" else f" ({logged.side})"
    if logged.distance_m is not None:
        dose = describe_distance(logged.distance_m, units)
    else:
        dose = next(
            f"{value} {name}"
            for name, value in (
                ("reps", logged.reps),
                ("s", logged.seconds),
                ("contacts", logged.contacts),
            )
            if value is not None
        )
    load = f", +{describe_load(logged.load_kg, units)}" if logged.load_kg else ""
    return f"set {logged.set_number} of {logged.exercise}{side}: {dose}{load}"


def _dose_field(p: Prescription) -> tuple[str, int | float | None]:
    for name in ("reps", "contacts", "seconds", "distance_m"):
        value = getattr(p, name)
        if value is not None:
            return name, value
    return "reps", None


def _stopped_by_end_of_input(label: str, saved: int) -> None:
    """The interactive log ended at a prompt (Ctrl-D, Ctrl-C, or standard input closed):
    the set being entered is not logged, the sets saved before it stay; exit status 1, as
    for every abort."""
    where = f" before {label} was complete" if label else ""
    if saved == 0:
        kept = "nothing was logged"
    else:
        before = "the set saved before it stays" if saved == 1 else "the sets saved before it stay"
        kept = f"that set was not logged; {before} ({saved} saved)"
    typer.echo(f"log: stopped: the input ended{where}; {kept}.", err=True)
    raise typer.Exit(1)


def _ask_int(question: str, default: int | float | None) -> str:
    shown = "" if default is None else str(default)
    return str(typer.prompt(question, default=shown, show_default=default is not None))


def _number(text: str, field: str) -> int | float:
    from calfcoach.cli.athlete_cmds import plain_number

    text = plain_number(text)
    return float(text) if field in ("distance_m", "load") else int(text)


def _unreadable(answers: dict[str, str]) -> list[str]:
    """The interactive log's answers that are not numbers (an empty load is body weight)."""
    wrong = []
    for key, text in answers.items():
        if key == "load" and not text.strip():
            continue
        try:
            _number(text.strip(), key)
        except ValueError:
            wrong.append(key)
    return wrong


def _named_fields(problems: Sequence[str], answers: dict[str, str], dose_field: str) -> list[str]:
    """The answers a refusal names (``--rpe: 11 is out of range``), to ask again; every
    answer when it names none of them."""
    options = {
        dose_field: "--" + dose_field.replace("_", "-"),
        "load": "--load",
        "rpe": "--rpe",
        "pain": "--pain",
    }
    named = [
        key
        for key, option in options.items()
        if key in answers and any(problem.startswith(option) for problem in problems)
    ]
    return named or list(answers)


_LOAD_UNIT: dict[str, str] = {"metric": "kg", "imperial": "lb"}


def _shown_load(p: Prescription, units: Units) -> float | None:
    """The planned load as the athlete is asked it: kg, or lb to the half pound."""
    if p.added_load_kg is None or units == "metric":
        return p.added_load_kg
    from calfcoach.core.units import lb_from_kg

    pounds = round(lb_from_kg(p.added_load_kg) * 2) / 2
    return int(pounds) if pounds.is_integer() else pounds


def _typed_load(text: str, units: Units, field_units: Units) -> float | None:
    """The typed load for the ``SetInput`` field of ``field_units`` (``load_kg`` or
    ``load_lb``): the athlete types in their own units; the service converts to kg and
    checks the range."""
    return float(text) if text and units == field_units else None


def _interactive_log(
    ctx: ServiceContext, actor: Actor, athlete_id: int, day: dt.date, today: dt.date
) -> None:
    from dataclasses import replace

    from calfcoach.cli.errors import problem_lines
    from calfcoach.errors import CalfcoachError
    from calfcoach.services import training

    current = training.day_plan(ctx, actor, athlete_id, day)
    session = current.session_on(day)
    out = console()
    if session is None:
        raise input_error(
            f"--date: no session is planned on {day.isoformat()}; allowed: a session day"
        )
    render_session(session, current.athlete.profile, out)
    units = current.athlete.profile.units
    day_sets = [s for s in current.log.sets if s.date == day]
    typer.echo("Enter accepts the planned value; 'skip' skips the rest of an exercise, 'q' quits.")
    rpe_default: int = 7
    saved = 0
    label = ""
    try:
        for p in session.exercises:
            field, planned = _dose_field(p)
            sides = ("left", "right") if p.per_side else ("both",)
            skip = False
            for number in range(1, p.sets + 1):
                for side in sides:
                    if skip or training.side_conflict(day_sets, day, p.exercise, number, side):
                        continue  # logged already (D-26: a side, or both sides at once)
                    label = f"{p.exercise} set {number}/{p.sets}" + (
                        "" if side == "both" else f" {side}"
                    )
                    # Answers are kept between tries: a wrong value re-asks only its own field.
                    answers: dict[str, str] = {}
                    while True:
                        if field not in answers:
                            answer = _ask_int(f"{label}: {field.replace('_', ' ')}", planned)
                            if answer.strip().lower() == "q":
                                typer.echo("Stopped; every set entered so far is saved.")
                                return
                            if answer.strip().lower() == "skip":
                                skip = True
                                break
                            answers[field] = answer
                        # Heavy and loaded rehab work carries a load (kg or lb), 0 for body weight
                        # (a load-finding ramp starts there, R-PROG-1a): ask for it.
                        if "load" not in answers:
                            answers["load"] = (
                                _ask_int(f"  added load {_LOAD_UNIT[units]}", _shown_load(p, units))
                                if p.added_load_kg is not None
                                else ""
                            )
                        if "rpe" not in answers:
                            answers["rpe"] = _ask_int("  RPE 1-10", rpe_default)
                        if "pain" not in answers:
                            answers["pain"] = _ask_int("  pain 0-10", 0)
                        wrong = _unreadable(answers)
                        if wrong:
                            typer.echo(f"  {', '.join(wrong)}: not a number; try again", err=True)
                            for key in wrong:
                                del answers[key]
                            continue
                        load_text = answers["load"].strip()
                        rpe, pain = int(answers["rpe"]), int(answers["pain"])
                        dose: dict[str, Any] = {field: _number(answers[field], field)}
                        entry = replace(
                            training.SetInput(
                                exercise=p.exercise,
                                set_number=number,
                                side=side,
                                load_kg=_typed_load(load_text, units, "metric"),
                                load_lb=_typed_load(load_text, units, "imperial"),
                                rpe=rpe,
                                pain=pain,
                            ),
                            **dose,
                        )
                        try:
                            training.log_set(
                                ctx,
                                actor,
                                athlete_id,
                                day,
                                entry,
                                today=today,
                                session=session,
                                use_session=True,
                            )
                        except CalfcoachError as error:
                            lines = problem_lines(error)
                            for line in lines:
                                typer.echo(f"  {line}", err=True)
                            for key in _named_fields(lines, answers, field):
                                del answers[key]
                            continue
                        rpe_default = rpe
                        typer.echo("  saved")
                        saved += 1
                        break
    except typer.Abort:  # Ctrl-D, Ctrl-C or a closed stdin at a prompt: never a traceback
        typer.echo()  # the prompt's line ends
        _stopped_by_end_of_input(label, saved)
    typer.echo(f"Session of {day.isoformat()} logged.")


# ------------------------------------------------------------------------- skip / move


@app.command("skip")
@handled
def skip_command(athlete: AthleteOption = None, date: DateOption = None) -> None:
    """Mark the planned session of a day as skipped."""
    from calfcoach.services.training import skip_session

    day = parse_date("--date", date, real_today())
    with open_ctx() as ctx:
        skip_session(*on_athlete(ctx, athlete), day)
    typer.echo(f"Skipped the session of {day.isoformat()}.")


@app.command("move")
@handled
def move_command(
    athlete: AthleteOption = None,
    from_date: Annotated[
        str | None, typer.Option("--from", metavar="YYYY-MM-DD", help="The session's day.")
    ] = None,
    to_date: Annotated[
        str | None, typer.Option("--to", metavar="YYYY-MM-DD", help="The new day.")
    ] = None,
    date: Annotated[
        str | None,
        typer.Option(
            "--date", "-d", metavar="YYYY-MM-DD", hidden=True, help="Deprecated: use --from."
        ),
    ] = None,
) -> None:
    """Move the session of --from to --to, if the scheduling rules (R-SCHED) still hold: within
    6 days of its planned day, inside the plan, from today on."""
    from calfcoach.services.training import move_session

    if date is not None:
        # `move --date` once meant "today" (replaying a history); a day in `move` is the
        # session's day, so it is now an old name of --from.
        if from_date is not None:
            raise input_error("--date: an old name of --from; allowed: --from DATE alone")
        typer.echo("note: `move --date` is deprecated; use --from", err=True)
        from_date = date
    today = real_today()
    source = parse_date("--from", from_date)
    target = parse_date("--to", to_date)
    with open_ctx() as ctx:
        moved = move_session(*on_athlete(ctx, athlete), source, target, today=today)
    typer.echo(f"Moved the session of {source.isoformat()} to {moved.date:%a %Y-%m-%d}.")


# ------------------------------------------------------------------------- checkin


@app.command("checkin")
@handled
def checkin_command(
    athlete: AthleteOption = None,
    date: DateOption = None,
    pain: Annotated[str | None, typer.Option("--pain", metavar="P", help="Pain 0-10.")] = None,
    stiffness: Annotated[
        str | None, typer.Option("--stiffness", metavar="S", help="Stiffness 0-10.")
    ] = None,
    red_flag: Annotated[
        list[str] | None,
        typer.Option(
            "--red-flag",
            metavar="NAME",
            help="A warning sign you have (R-PAIN-2a), repeat for several: pop, swelling, "
            "warmth, redness, cant_rise, night_pain, rest_pain, bone_spot, worse_during_run, "
            "numbness. Any one stops the plan until `calfcoach clear`.",
        ),
    ] = None,
    replace: Annotated[
        bool, typer.Option("--replace", help="Overwrite the day's check-in.")
    ] = False,
    ask: Annotated[
        bool,
        typer.Option(
            "--ask", help="Ask the questions one by one (also without --pain in a terminal)."
        ),
    ] = False,
) -> None:
    """Record the next-morning check-in: pain and stiffness 0-10 (R-PAIN-2) and any red
    flags (R-PAIN-2a)."""
    from calfcoach.services.training import parse_red_flags, record_checkin, red_flag_advice

    day = parse_date("--date", date, real_today())
    flags = parse_red_flags(red_flag or ())
    if pain is None and stiffness is None and (ask or sys.stdin.isatty()):
        pain, stiffness, asked = _ask_checkin()
        flags = flags | asked
    missing = [o for o, v in (("--pain", pain), ("--stiffness", stiffness)) if v is None]
    if missing:
        raise input_error(*(f"{o}: missing; allowed: 0-10" for o in missing))
    pain_value = parse_int("--pain", pain, "0-10") or 0
    stiffness_value = parse_int("--stiffness", stiffness, "0-10") or 0
    if flags:
        # R-PAIN-2a: the advice comes at once, before anything else (even a refused write).
        typer.secho(red_flag_advice(flags), fg="red", bold=True)
        typer.secho(
            "Record the clearance with `calfcoach clear --date YYYY-MM-DD`.", fg="red", bold=True
        )
    with open_ctx() as ctx:
        saved = record_checkin(
            *on_athlete(ctx, athlete),
            day,
            pain=pain_value,
            stiffness=stiffness_value,
            today=real_today(),
            replace_existing=replace,
            red_flags=flags,
        )
    line = (
        f"Check-in of {day.isoformat()} saved: pain {pain_value}/10, stiffness {stiffness_value}/10"
    )
    if saved.red_flags:
        from calfcoach.core.models import RED_FLAGS

        line += ", red flags: " + ", ".join(f for f in RED_FLAGS if f in saved.red_flags)
    typer.echo(line + ".")
    if saved.red_flags - flags:
        typer.echo("  The red flags recorded earlier that day stay until a clearance (R-PAIN-2a).")


def _ask_checkin() -> tuple[str, str, frozenset[Any]]:
    """The interactive check-in: pain, stiffness, then each red flag as a yes/no question in
    plain words (R-PAIN-2a)."""
    from calfcoach.services.training import RED_FLAG_QUESTIONS, parse_red_flags

    pain = str(typer.prompt("Morning pain, 0 (none) to 10 (worst)"))
    stiffness = str(typer.prompt("Morning stiffness, 0 (none) to 10 (worst)"))
    typer.echo("A few yes/no questions about warning signs (R-PAIN-2a):")
    yes = [
        flag
        for flag, question in RED_FLAG_QUESTIONS.items()
        if typer.confirm(f"  {question}", default=False)
    ]
    return pain, stiffness, parse_red_flags(yes)


# ------------------------------------------------------------------------- clear


@app.command("clear")
@handled
def clear_command(
    athlete: AthleteOption = None,
    date: DateOption = None,
    note: Annotated[
        str | None,
        typer.Option("--note", metavar="TEXT", help="What the clinician said (optional)."),
    ] = None,
) -> None:
    """Record a clinician's clearance after a red flag (R-PAIN-2a): the plan restarts."""
    from calfcoach.services.training import record_clearance

    day = parse_date("--date", date, real_today())
    with open_ctx() as ctx:
        result = record_clearance(*on_athlete(ctx, athlete), day, today=real_today(), note=note)
    dates = ", ".join(sorted({c.date.isoformat() for c in result.cleared}))
    typer.echo(
        f"Clearance of {day.isoformat()} saved: it lifts the red flags of {dates}. The plan "
        "restarts at the bottom of your complaint's ladder (R-PAIN-2a): `calfcoach today`."
    )


# ------------------------------------------------------------------------- test heel-raise


@test_app.command("heel-raise")
@handled
def heel_raise_command(
    athlete: AthleteOption = None,
    date: DateOption = None,
    left: Annotated[str | None, typer.Option("--left", metavar="N", help="Reps, left.")] = None,
    right: Annotated[str | None, typer.Option("--right", metavar="N", help="Reps, right.")] = None,
    knee: Annotated[str, typer.Option("--knee", metavar="straight|bent")] = "straight",
    output_format: Annotated[
        str, typer.Option("--format", "-f", metavar="table|json", help="Output format.")
    ] = "table",
    replace: Annotated[
        bool, typer.Option("--replace", help="Overwrite the day's test of this knee position.")
    ] = False,
) -> None:
    """Single-leg heel-raise test to fatigue (R-TEST-1). Without --left/--right: a live
    60 bpm metronome in the terminal, one key press per rep, per side."""
    from calfcoach.core.models import CapacityTest
    from calfcoach.services.training import (
        check_test_day,
        parse_knee,
        record_test,
        validate_test,
    )

    day = parse_date("--date", date, real_today())
    today = real_today()
    knee_value = parse_knee(knee)
    parse_choice("--format", output_format, ("table", "json"))
    left_reps = parse_int("--left", left, "0-500")
    right_reps = parse_int("--right", right, "0-500")
    if (left_reps is None) != (right_reps is None):
        raise input_error(f"--{'right' if right is None else 'left'}: missing; give both sides")
    if left_reps is None or right_reps is None:
        from calfcoach.services.athletes import get_athlete

        planned = CapacityTest(date=day, left=0, right=0, knee=knee_value)
        validate_test(planned, today)
        with open_ctx() as ctx:
            who = on_athlete(ctx, athlete)
            if not replace:
                check_test_day(*who, planned)
            complaints = get_athlete(*who).profile.complaints  # the steps to show
        left_reps, right_reps = live_test(knee_value, complaints)
    test = CapacityTest(date=day, left=left_reps, right=right_reps, knee=knee_value)
    with open_ctx() as ctx:
        result = record_test(*on_athlete(ctx, athlete), test, today=today, replace_existing=replace)
    if output_format == "json":
        from calfcoach.services.schemas import HeelRaiseTestOut, dump

        print_json(dump(HeelRaiseTestOut.from_result(result)))
        return
    typer.echo(
        f"Heel-raise test {day.isoformat()} ({knee_value} knee): left {left_reps}, "
        f"right {right_reps}"
    )
    _print_evaluation(result.evaluation, result.comparison)
    for note in result.notes:  # R-TEST-5 (D-161)
        typer.echo(f"Note: {note}")


@test_app.command("hop")
@handled
def hop_command(
    athlete: AthleteOption = None,
    date: DateOption = None,
    hops: Annotated[
        str | None,
        typer.Option("--hops", metavar="N", help="Hops done per leg (the test is 10 + 30)."),
    ] = None,
    pain: Annotated[
        str | None, typer.Option("--pain", metavar="P", help="Pain 0-10 during the test.")
    ] = None,
    side: Annotated[
        str, typer.Option("--side", metavar="left|right|both", help="Leg(s) tested.")
    ] = "both",
    output_format: Annotated[
        str, typer.Option("--format", "-f", metavar="table|json", help="Output format.")
    ] = "table",
    replace: Annotated[
        bool, typer.Option("--replace", help="Overwrite the day's hop test of these legs.")
    ] = False,
) -> None:
    """Single-leg hop test (R-TEST-5): 10, then after 60 s another 30 hops per leg at about
    2 a second; the result says whether it passed for your complaint."""
    from calfcoach.core.models import HopTest
    from calfcoach.services.training import SIDES, record_hop_test

    day = parse_date("--date", date, real_today())
    parse_choice("--format", output_format, ("table", "json"))
    parse_choice("--side", side, SIDES)
    missing = [o for o, v in (("--hops", hops), ("--pain", pain)) if v is None]
    if missing:
        allowed = {"--hops": "0-100 hops per leg", "--pain": "0-10"}
        raise input_error(*(f"{o}: missing; allowed: {allowed[o]}" for o in missing))
    test = HopTest(
        date=day,
        hops=parse_int("--hops", hops, "0-100 hops per leg") or 0,
        pain=parse_int("--pain", pain, "0-10") or 0,
        side=side,  # type: ignore[arg-type]  # checked by parse_choice
    )
    with open_ctx() as ctx:
        result = record_hop_test(
            *on_athlete(ctx, athlete), test, today=real_today(), replace_existing=replace
        )
    if output_format == "json":
        from calfcoach.services.schemas import HopTestOut, dump

        print_json(dump(HopTestOut.from_result(test, result)))
        return
    legs = "both legs" if test.side == "both" else f"{test.side} leg"
    typer.echo(
        f"Hop test {day.isoformat()} ({legs}): {test.hops} hops, pain {test.pain}/10 - "
        + ("passed" if result.passed else "not passed")
        + ("" if result.counts else ", not counted")
    )
    for line in result.messages:
        typer.echo(f"  {line}")


def _print_evaluation(evaluation: object, comparison: object | None) -> None:
    for item in (evaluation, comparison):
        if item is None:
            continue
        messages = getattr(item, "messages", None)
        message = getattr(item, "message", None)
        if messages:
            for line in messages:
                typer.echo(f"  {line}")
        elif message:
            typer.echo(f"  {message}")
        else:
            typer.echo(f"  {item}")


def live_test(knee: Knee = "straight", complaints: Iterable[str] = ()) -> tuple[int, int]:
    """Count reps per side to a metronome (R-TEST-1: 60 bpm, up on one beat, down on the next),
    after the test's steps for the knee angle and the athlete's complaints
    (``core.capacity.heel_raise_test_steps``).

    Needs a terminal: a visible tick and the terminal bell on every beat; each key press is
    a rep, Enter (or q) ends the side.
    """
    from calfcoach.core.capacity import heel_raise_test_steps
    from calfcoach.core.rules import METRONOME_BPM

    if not sys.stdin.isatty():
        raise input_error(
            "--left/--right: missing; allowed: both counts, or run in a terminal for the live "
            "metronome mode"
        )
    counts = []
    for step in heel_raise_test_steps(knee, complaints):
        typer.echo(step)
    for side in ("left", "right"):
        typer.echo(
            f"{side.upper()} leg. Press any key at each rep; Enter when you stop (R-TEST-1)."
        )
        typer.prompt("Ready? Press Enter to start", default="", show_default=False)
        counts.append(_metronome_count(60.0 / METRONOME_BPM))
        typer.echo(f"  {side}: {counts[-1]} reps")
    return counts[0], counts[1]


def _metronome_count(interval: float) -> int:
    """Tick every ``interval`` seconds until Enter; return the key presses counted."""
    import os
    import select
    import termios
    import tty

    fd = sys.stdin.fileno()
    saved = termios.tcgetattr(fd)
    reps = 0
    beat = 0
    try:
        tty.setcbreak(fd)
        next_tick = time.monotonic()
        while True:
            now = time.monotonic()
            if now >= next_tick:
                beat += 1
                word = "UP  " if beat % 2 else "down"
                sys.stdout.write(f"\r\a  tick {beat:3d}  {word}   reps: {reps:3d} ")
                sys.stdout.flush()
                next_tick += interval
                continue
            ready, _, _ = select.select([fd], [], [], next_tick - now)
            if not ready:
                continue
            # os.read, not sys.stdin: a buffered reader could hold key presses select()
            # no longer sees.
            keys = os.read(fd, 64).decode("utf-8", "replace")
            if not keys:
                break
            ended = False
            for key in keys:
                if key in ("\n", "\r", "q"):
                    ended = True
                    break
                reps += 1
            sys.stdout.write(f"\r  tick {beat:3d}        reps: {reps:3d} ")
            sys.stdout.flush()
            if ended:
                break
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, saved)
        sys.stdout.write("\n")
    return reps


# ------------------------------------------------------------------------- progress


@app.command("progress")
@handled
def progress_command(
    athlete: AthleteOption = None,
    date: DateOption = None,
    weeks: Annotated[
        str, typer.Option("--weeks", metavar="N", help="Weeks of volume to show (table).")
    ] = "8",
    output_format: Annotated[
        str, typer.Option("--format", "-f", metavar="table|json", help="Output format.")
    ] = "table",
) -> None:
    """Adherence, weekly volume per region and scheme, load and pain trends, tests vs norms."""
    from calfcoach.services.progress import progress_report
    from calfcoach.services.schemas import ProgressReportOut, dump

    parse_choice("--format", output_format, ("table", "json"))
    day = parse_date("--date", date, real_today())
    n_weeks = parse_int("--weeks", weeks, "1-520") or 0
    if not 1 <= n_weeks <= 520:
        raise input_error(f"--weeks: {n_weeks} is out of range; allowed: 1-520")
    with open_ctx(read_only=True) as ctx:
        report = progress_report(*on_athlete(ctx, athlete), day)
        units = _units_of(*on_athlete(ctx, athlete))
    if output_format == "json":
        print_json(dump(ProgressReportOut.from_report(report)))
        return
    _render_progress(report, console(), n_weeks, units)


def _render_progress(
    report: ProgressReport, out: Console, weeks: int, units: Units = "metric"
) -> None:
    from rich import box
    from rich.table import Table

    from calfcoach.formats.text import describe_load

    a = report.adherence
    from calfcoach.formats.text import plural, printable

    out.print(
        f"Progress of {printable(report.athlete)} up to {report.as_of:%a %Y-%m-%d}", style="bold"
    )
    rate = f"{a.rate:.0%}" if a.rate is not None else "n/a"
    out.print(
        f"Adherence: {a.done} of {a.planned} planned sessions done ({rate}), {a.skipped} skipped, "
        f"{a.missed} missed, {plural(a.extra, 'extra day')}; "
        f"{plural(report.total_sets, 'set')} logged in all."
    )
    recent_weeks = sorted({v.week for v in report.weekly_volume})[-weeks:]
    if report.weekly_volume:
        table = Table(title="Weekly volume", box=box.SIMPLE_HEAD, title_justify="left")
        for column in ("Week", "Region", "Scheme", "Sets", "Reps", "Time under load", "Contacts"):
            table.add_column(
                column,
                justify="right"
                if column[0] in "SRTC" and column != "Scheme" and column != "Region"
                else "left",
            )
        for v in report.weekly_volume:
            if v.week in recent_weeks:
                table.add_row(
                    v.week.isoformat(),
                    v.region,
                    v.scheme,
                    str(v.sets),
                    str(v.reps),
                    f"{v.time_under_load_s} s",
                    str(v.contacts),
                )
        out.print(table)
    if report.load_trends:
        out.print("Load trend of the main lifts (heaviest added load per week):", style="bold")
        for trend in report.load_trends:
            recent = ", ".join(describe_load(p.max_load_kg, units) for p in trend.points[-6:])
            change = trend.change_kg
            sign = "-" if change < 0 else "+"
            out.print(
                f"  {trend.exercise}: {describe_load(trend.first_kg, units)} -> "
                f"{describe_load(trend.last_kg, units)} ({sign}{describe_load(abs(change), units)}"
                f"); last weeks: {recent}"
            )
    if report.pain_trend:
        out.print("Pain trend (during sets / next morning):", style="bold")
        for p in report.pain_trend[-weeks:]:
            during = (
                f"{p.set_pain_mean:g} avg, {p.set_pain_max} max"
                if p.set_pain_mean is not None
                else "-"
            )
            morning = (
                f"{p.morning_pain_mean:g} pain, {p.morning_stiffness_mean:g} stiffness"
                if p.morning_pain_mean is not None
                else "-"
            )
            out.print(f"  week of {p.week.isoformat()}: sets {during}; mornings {morning}")
        if report.usual_pain is not None:
            out.print(
                "  usual morning pain (median of the last 7 check-ins, R-PAIN-2): "
                f"{report.usual_pain:g}"
            )
    if report.tests:
        out.print("Capacity tests (R-TEST):", style="bold")
        for line in report.tests:
            t = line.test
            out.print(f"  {t.date.isoformat()} {t.knee} knee: left {t.left}, right {t.right}")
            _print_evaluation(line.evaluation, line.comparison)
    elif not report.weekly_volume:
        out.print("Nothing logged yet: `calfcoach log` after a session.")
    if report.retests:
        out.print(
            f"Next capacity retest: {report.retests[0]:%a %Y-%m-%d}, in a lighter week "
            "(R-PROG-5, R-TEST-4): `calfcoach test heel-raise`."
        )
