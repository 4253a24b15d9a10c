"""`calfcoach athlete add|list` and `calfcoach demo`, plus the helpers every stored-athlete
command shares (opening the database, `--athlete`, `--date`, error handling).

Module level: typer and the standard library only (a cold `calfcoach today` must be fast);
services, ``calfcoach.bootstrap`` (which builds the database) and rich are imported inside
the commands. The CLI never imports storage itself (tests/unit/test_architecture.py).
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, ParamSpec, TypedDict, TypeVar

import typer

from calfcoach.cli.app import app
from calfcoach.core.limits import MAX_WEEKS, MIN_WEEKS, not_whole_words, plain_number

if TYPE_CHECKING:
    from rich.console import Console

    from calfcoach.core.models import Profile, Session
    from calfcoach.services.access import Actor
    from calfcoach.services.context import ServiceContext

P = ParamSpec("P")
R = TypeVar("R")

athlete_app = typer.Typer(
    help="Stored athletes: add one (with a plan), list, rename or remove them.",
    no_args_is_help=True,
)
app.add_typer(athlete_app, name="athlete")

DEMO_PROFILE = Path("examples") / "demo-profile.json"
# Used when examples/demo-profile.json is not beside the working folder (an installed copy).
_DEMO_FALLBACK: dict[str, Any] = {
    "name": "Demo Runner",
    "sex": "female",
    "birth_year": 1990,
    "body_mass_kg": 62,
    "level": "intermediate",
    "equipment": ["band", "step", "dumbbell", "jump_rope", "wall", "towel"],
    "free_days": ["mon", "wed", "fri", "sat"],
    "sessions_per_week": 2,
    "session_minutes": 25,
    "runs": [
        {"day": "tue", "kind": "hard"},
        {"day": "thu", "kind": "easy"},
        {"day": "sun", "kind": "long"},
    ],
    "races": [],
    "complaints": [],
    "units": "metric",
}

AthleteOption = Annotated[
    str | None,
    typer.Option(
        "--athlete",
        "-a",
        metavar="NAME",
        help="The stored athlete (needed only when more than one is stored).",
    ),
]
DateOption = Annotated[
    str | None,
    typer.Option("--date", "-d", metavar="YYYY-MM-DD", help="The day (default: today)."),
]


# ------------------------------------------------------------------------- shared helpers


def handled(func: Callable[P, R]) -> Callable[P, R]:
    """Turn calfcoach errors into exit status 2 and one stderr line per problem."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        from calfcoach.errors import CalfcoachError

        try:
            return func(*args, **kwargs)
        except CalfcoachError as error:
            from calfcoach.cli.errors import fail

            raise fail(error) from None

    return wrapper


def input_error(*problems: str) -> Exception:
    from calfcoach.errors import InputError

    return InputError(*problems)


def real_today() -> dt.date:
    """The real today: the only place the training commands read the clock."""
    return dt.date.today()


def parse_date(option: str, text: str | None, default: dt.date | None = None) -> dt.date:
    from calfcoach.cli.options import parse_date as parse_date_option

    return parse_date_option(option, text, default)  # the one date rule (D-25)


def typed(text: str) -> str:
    """What was typed, for a message: ``'12.5'``; a long text by its start and its length,
    never 5,000 characters echoed back."""
    text = text.strip()
    if len(text) <= MAX_ECHO:
        return repr(text)
    return f"{text[:12]!r}... ({len(text):,} characters)"


MAX_ECHO = 24


def _out_of_range(option: str, text: str, allowed: str) -> Exception:
    """A number typed outside its range, said with what was typed (``--reps:
    99999999999999999999999 is out of range``), never a rounded ``1e+23``; a longer one
    written short as the API and the imports write it (400 nines: ``1e+400``)."""
    text = text.strip()
    shown = text if len(text) <= MAX_ECHO else _short_number(text)
    return input_error(f"{option}: {shown} is out of range; allowed: {allowed}")


def _short_number(text: str) -> str:
    """``services.inputs.number_text``'s short form of a typed number of any length
    (``1e+5000``; Python's int() stops at 4,300 digits, Decimal does not)."""
    from decimal import Decimal, InvalidOperation

    try:
        mantissa, exponent = f"{Decimal(text.replace(',', '.')):.5e}".split("e")
    except (InvalidOperation, ValueError):
        return "a number"
    return f"{mantissa.rstrip('0').rstrip('.')}e{exponent}"


def parse_int(
    option: str,
    text: str | None,
    allowed: str,
    bounds: tuple[float, float] | None = None,
) -> int | None:
    """A whole number typed on the command line (None stays None), in plain digits; with
    ``bounds`` (low, high) also inside them, else refused with what was typed (the ranges of
    commands without bounds are the service's)."""
    if text is None:
        return None
    try:
        plain = plain_number(text)
        if not plain.lstrip("+-").isdigit():
            raise ValueError(plain)
        if len(plain) > 18 and bounds is not None:  # past int()'s 4,300 digits too
            raise _out_of_range(option, text, allowed)
        value = int(plain)
    except ValueError:
        what = not_whole_words(text)  # "... in plain digits" for 1e20, 1e400, 10.0
        raise input_error(f"{option}: {typed(text)} {what}; allowed: {allowed}") from None
    if bounds is not None and not bounds[0] <= value <= bounds[1]:
        raise _out_of_range(option, text, allowed)
    return value


def parse_float(
    option: str,
    text: str | None,
    allowed: str,
    bounds: tuple[float, float] | None = None,
) -> float | None:
    """A number typed on the command line (a decimal comma is a point); with ``bounds`` also
    inside them, else refused with what was typed."""
    if text is None:
        return None
    try:
        value = float(plain_number(text).replace(",", "."))
    except ValueError:
        value = float("nan")
    if value in (float("inf"), float("-inf")) and bounds is not None and "n" not in text.lower():
        raise _out_of_range(option, text, allowed)  # 1e400, 5,000 digits: a number, too big
    if value != value or value in (float("inf"), float("-inf")):
        raise input_error(f"{option}: {typed(text)} is not a number; allowed: {allowed}")
    if bounds is not None and not bounds[0] <= value <= bounds[1]:
        raise _out_of_range(option, text, allowed)
    return value


class SetDoses(TypedDict):
    reps: int | None
    seconds: int | None
    distance_m: float | None
    contacts: int | None
    load_kg: float | None


def parse_set_doses(
    *,
    reps: str | None,
    seconds: str | None,
    distance_m: str | None,
    contacts: str | None,
    load_kg: str | None,
) -> SetDoses:
    """A set's typed dose and load (``log`` and ``edit-set``), as numbers; the ranges are
    checked by the service (``training.validate_set``)."""
    from calfcoach.core.rules import MAX_LOAD_KG
    from calfcoach.services.training import DOSE_LIMITS

    def dose(name: str) -> tuple[str, tuple[float, float]]:
        _, low, high, unit = DOSE_LIMITS[name]
        return f"{low:g}-{high:g} {unit}", (low, high)

    return SetDoses(
        reps=parse_int("--reps", reps, *dose("reps")),
        seconds=parse_int("--seconds", seconds, *dose("seconds")),
        distance_m=parse_float("--distance-m", distance_m, *dose("distance_m")),
        contacts=parse_int("--contacts", contacts, *dose("contacts")),
        load_kg=parse_float("--load-kg", load_kg, f"0-{MAX_LOAD_KG:g} kg", (0, MAX_LOAD_KG)),
    )


def parse_choice(option: str, value: str, allowed: Sequence[str]) -> str:
    if value not in allowed:
        raise input_error(f"{option}: {value!r} is not allowed; allowed: {', '.join(allowed)}")
    return value


def open_ctx(*, read_only: bool = False) -> ServiceContext:
    """The service context on the database of the environment's settings
    (``bootstrap.build_context``); ``read_only`` for a command that only reads: a SQLite file
    is then neither created nor written. Use it in a ``with`` block."""
    from calfcoach.bootstrap import build_context

    return build_context(read_only=read_only)


def open_plan_ctx() -> ServiceContext:
    """The service context for a command that only reads the current plan (`today`, `plan
    --athlete`): a SQLite file at the head revision without SQLAlchemy, anything else
    opened for reading (``bootstrap.build_plan_context``)."""
    from calfcoach.bootstrap import build_plan_context

    return build_plan_context(sqlite_reader=plan_reader_wanted())


def plan_reader_wanted() -> bool:
    """Whether `today` and `plan --athlete` read a SQLite file without SQLAlchemy (the
    cold-start shortcut, D-67); ``CALFCOACH_SQLITE_READER=0`` turns it off."""
    import os

    return os.environ.get("CALFCOACH_SQLITE_READER", "1") != "0"


def local_actor() -> Actor:
    """Who the CLI is: the machine's one local user, who may see and change everything."""
    from calfcoach.services.access import Actor

    return Actor.local()


def on_athlete(
    ctx: ServiceContext, name: str | None, *, argument: str | None = None
) -> tuple[ServiceContext, Actor, int]:
    """``(ctx, actor, athlete_id)`` for a service call: the athlete ``--athlete NAME`` names
    (None: the only athlete there is), found by ``athletes.find_athlete_id``. ``argument``:
    the name came as that positional argument (``athlete rename NAME``), and an error about
    it names the argument, not ``--athlete``."""
    from dataclasses import replace

    from calfcoach.errors import CalfcoachError
    from calfcoach.services.athletes import find_athlete_id

    actor = local_actor()
    try:
        return ctx, actor, find_athlete_id(ctx, actor, name)
    except CalfcoachError as error:
        if argument is None:
            raise
        details = [replace(p, field=argument) if p.field == "athlete" else p for p in error.details]
        raise type(error)(*details) from None


def print_json(value: Any) -> None:
    sys.stdout.write(json.dumps(value, indent=2, ensure_ascii=False) + "\n")


def console() -> Console:
    from rich.console import Console

    return Console(highlight=False)


def render_session(session: Session, profile: Profile, out: Console, *, heading: str = "") -> None:
    """One session: its title and a table of exercise, dose, rest, tempo and why."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    from calfcoach.catalog import load_catalog
    from calfcoach.formats.text import (
        describe_dose,
        describe_rest,
        loads_in_units,
        printable,
        session_advice,
    )

    catalog = load_catalog()
    minutes = f", about {session.minutes} min" if session.minutes else ""
    deload = " (lighter week, R-PROG-5)" if session.deload else ""
    title = f"{heading}{session.date:%a %Y-%m-%d}  week {session.week}: {session.title}"
    title = printable(title)  # a race's name from the profile: never raw control codes
    advice = session_advice(session)
    # As given (R-HIST): a reason of a past session may quote a race's name as an older
    # version stored it, so reasons and advice are shown escaped too (D-154).
    advice = printable(advice) if advice else advice
    if session.status == "stopped":
        # R-PAIN-2a/2b: a stopped day shows the advice, never exercises.
        out.print(Text(title + " - STOPPED", style="bold red"))
        out.print(Text(f"  {advice}", style="red"))
        return
    out.print(Text(title + minutes + deload, style="bold"))
    if advice:
        out.print(Text(f"  advice: {advice}", style="yellow"))
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    for column in ("Exercise", "Dose", "Rest", "Tempo"):
        table.add_column(column)
    names = []
    for p in session.exercises:
        exercise = catalog.get(p.exercise) if p.exercise in catalog else None
        name = exercise.name if exercise else p.exercise
        names.append(name)
        cpm = exercise.contacts_per_minute if exercise else None
        dose = describe_dose(p, profile.units, contacts_per_minute=cpm)
        table.add_row(name, dose, describe_rest(p.rest_seconds), p.tempo or "")
    out.print(table)
    # The reasons go below the table: a narrow terminal would squeeze a column out of sight.
    for name, p in zip(names, session.exercises, strict=True):
        if p.why:
            why = printable(loads_in_units(p.why, profile.units))
            out.print(Text(f"  why ({name}): {why}", style="dim"))


# ------------------------------------------------------------------------- athlete add / list


def _parse_weeks(text: str) -> int:
    try:
        weeks = int(text)
    except ValueError:
        raise input_error(
            f"--weeks: {text!r} is not a whole number; allowed: {MIN_WEEKS}-{MAX_WEEKS}"
        ) from None
    if not MIN_WEEKS <= weeks <= MAX_WEEKS:
        raise input_error(f"--weeks: {weeks} is out of range; allowed: {MIN_WEEKS}-{MAX_WEEKS}")
    return weeks


@athlete_app.command("add")
@handled
def add_command(
    profile: Annotated[
        Path,
        typer.Option("--profile", "-p", metavar="FILE", help="Athlete profile (JSON or TOML)."),
    ],
    start: Annotated[
        str | None,
        typer.Option("--start", metavar="YYYY-MM-DD", help="First day of week 1 (default: today)."),
    ] = None,
    weeks: Annotated[
        str,
        typer.Option(
            "--weeks", metavar="N", help=f"Number of weeks, {MIN_WEEKS}-{MAX_WEEKS} (default: 8)."
        ),
    ] = "8",
    name: Annotated[
        str | None,
        typer.Option("--name", metavar="NAME", help="Name to store (default: the profile's name)."),
    ] = None,
) -> None:
    """Store an athlete from a profile file and the plan built for them."""
    from calfcoach.formats.text import article, plural
    from calfcoach.profile_io import load_profile
    from calfcoach.services.athletes import add_athlete

    start_date = parse_date("--start", start, real_today())
    n_weeks = _parse_weeks(weeks)
    athlete = load_profile(profile)
    with open_ctx() as ctx:
        added = add_athlete(ctx, local_actor(), athlete, start=start_date, weeks=n_weeks, name=name)
    plan = added.plan.plan
    typer.echo(
        f"Added {added.athlete.name!r}: {article(f'{plan.weeks}-week plan')} from "
        f"{plan.start.isoformat()} with {plural(len(plan.sessions), 'session')}."
    )
    for warning in plan.warnings:
        typer.echo(f"  {warning.rule}: {warning.message}")
    typer.echo("Next: calfcoach today")


@athlete_app.command("list")
@handled
def list_command(
    output_format: Annotated[
        str, typer.Option("--format", "-f", metavar="table|json", help="Output format.")
    ] = "table",
) -> None:
    """List the stored athletes and their plans."""
    from calfcoach.formats.text import plural, printable
    from calfcoach.services.athletes import list_athletes

    parse_choice("--format", output_format, ("table", "json"))
    with open_ctx(read_only=True) as ctx:
        athletes = list_athletes(ctx, local_actor())
    if output_format == "json":
        from calfcoach.services.schemas import AthleteOut, dump

        print_json([dump(AthleteOut.from_summary(a)) for a in athletes])
        return
    if not athletes:
        typer.echo(
            "No athlete stored yet: `calfcoach athlete add --profile FILE` or `calfcoach demo`."
        )
        return
    for a in athletes:
        plan = (
            f"plan from {a.plan_start.isoformat()}, {plural(a.plan_weeks or 0, 'week')}, "
            f"{plural(a.sessions, 'session')}"
            if a.plan_start
            else "no plan"
        )
        typer.echo(f"{printable(a.name)}  ({a.level}; {plan})")


@athlete_app.command("rename")
@handled
def rename_command(
    name: Annotated[str, typer.Argument(metavar="NAME", help="The athlete's name now.")],
    new_name: Annotated[str, typer.Argument(metavar="NEW_NAME", help="The new name.")],
) -> None:
    """Rename an athlete (names are compared ignoring case)."""
    from calfcoach.services.corrections import rename_athlete

    with open_ctx() as ctx:
        renamed = rename_athlete(*on_athlete(ctx, name, argument="NAME"), new_name)
    typer.echo(f"Renamed {name!r} to {renamed.name!r}.")


@athlete_app.command("remove")
@handled
def remove_command(
    name: Annotated[str, typer.Argument(metavar="NAME", help="The athlete to remove.")],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
) -> None:
    """Delete an athlete and everything of theirs: plans, logs, check-ins, tests, notes."""
    from calfcoach.services.athletes import get_athlete
    from calfcoach.services.corrections import remove_athlete

    with open_ctx() as ctx:
        target = on_athlete(
            ctx, name, argument="NAME"
        )  # a name is required: never "the only athlete"
        if not yes:
            found = get_athlete(*target)
            typer.confirm(
                f"Remove {found.name!r} and everything logged for them? This cannot be undone",
                abort=True,
            )
        removed = remove_athlete(*target)
    rows = sum(count for table, count in removed.rows.items() if table != "athletes")
    typer.echo(f"Removed {removed.name!r} and {rows} rows of theirs.")


# ------------------------------------------------------------------------- demo


def _demo_profile() -> Profile:
    from calfcoach.profile_io import load_profile, profile_from_data

    if DEMO_PROFILE.is_file():
        return load_profile(DEMO_PROFILE)
    return profile_from_data(_DEMO_FALLBACK)


def ensure_demo_athlete(ctx: ServiceContext, today: dt.date) -> tuple[str, int]:
    """Add the demo athlete with an 8-week plan from ``today`` when no athlete is stored
    yet (``calfcoach demo`` and the first ``calfcoach serve``); the name and id of the
    athlete to show either way (the first stored one)."""
    from calfcoach.services.athletes import add_athlete, list_athletes

    stored = list_athletes(ctx, local_actor())
    if stored:
        typer.echo(f"Showing {stored[0].name!r} (already stored; see calfcoach athlete list).")
        return stored[0].name, stored[0].id
    from calfcoach.errors import ConflictError

    profile = _demo_profile()
    try:
        added = add_athlete(
            ctx, local_actor(), profile, start=today, weeks=8, name=profile.name or "demo"
        )
    except ConflictError:
        # Another process added it between the look and the write (two first runs at once):
        # the demo athlete is stored, which is all this asked for.
        stored = list_athletes(ctx, local_actor())
        if not stored:
            raise
        typer.echo(f"Showing {stored[0].name!r} (already stored; see calfcoach athlete list).")
        return stored[0].name, stored[0].id
    typer.echo(f"Added the demo athlete {added.athlete.name!r} with an 8-week plan.")
    return added.athlete.name, added.athlete.id


@app.command("demo")
@handled
def demo_command(
    date: DateOption = None,
) -> None:
    """Add the demo athlete (if no athlete is stored yet) and show today and the next 2 weeks."""
    from calfcoach.formats.text import plural
    from calfcoach.services.training import day_plan

    today = parse_date("--date", date, real_today())
    with open_ctx() as ctx:
        name, athlete_id = ensure_demo_athlete(ctx, today)
        current = day_plan(ctx, local_actor(), athlete_id, today)
    out = console()
    profile = current.athlete.profile
    session = current.session_on(today)
    out.print()
    if session is None:
        out.print(f"Today ({today:%a %Y-%m-%d}): rest day.", style="bold")
    else:
        render_session(session, profile, out, heading="Today: ")
    horizon = today + dt.timedelta(days=14)
    upcoming = [s for s in current.plan.sessions if today < s.date <= horizon]
    out.print()
    out.print(f"Next 2 weeks ({plural(len(upcoming), 'session')}):", style="bold cyan")
    for item in upcoming:
        out.print()
        render_session(item, profile, out)
    out.print()
    out.print(
        "Log a session with `calfcoach log`, see it all with `calfcoach plan --athlete "
        f"{json.dumps(name)} --format json`, check progress with `calfcoach progress`."
    )


def _check_address(host: str, port: int) -> None:
    """Refuse, before anything starts, an address that cannot be listened on (a port in
    use, a host that is not this machine's) with the reason, exit 2."""
    import socket

    from calfcoach.errors import InputError

    allowed = (
        "allowed: an address or host name of this machine (127.0.0.1, the default: this "
        "machine only; 0.0.0.0: every network)"
    )
    try:
        if not host.strip():
            raise UnicodeError(host)
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        reason = getattr(exc, "strerror", None) or "not a valid host name"
        raise InputError(
            f"--host: {typed(host)} is not an address of this machine ({reason.lower()}); {allowed}"
        ) from None
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            import errno

            reason = (exc.strerror or str(exc)).lower()
            if exc.errno == errno.EADDRNOTAVAIL:  # a real address, but another machine's
                raise InputError(
                    f"--host: {typed(host)} is not an address of this machine ({reason}); {allowed}"
                ) from None
            if exc.errno == errno.EADDRINUSE:
                raise InputError(
                    f"--port: {port} is already in use on {host} (another server listens "
                    "there); allowed: a free port, e.g. --port 8001"
                ) from None
            if exc.errno == errno.EACCES:
                raise InputError(
                    f"--port: {port} needs administrator rights on this machine ({reason}); "
                    "allowed: 1024-65535"
                ) from None
            raise InputError(
                f"cannot listen on {host}:{port}: {reason}; choose another --port or --host"
            ) from None


@app.command("serve")
@handled
def serve_command(
    host: Annotated[
        str, typer.Option("--host", help="Address to listen on (default: this machine only).")
    ] = "127.0.0.1",
    port_text: Annotated[
        str, typer.Option("--port", metavar="PORT", help="Port to listen on (1-65535).")
    ] = "8000",
    workers_text: Annotated[
        str,
        typer.Option(
            "--workers",
            metavar="N",
            help="App processes (1-64). They keep no state of their own: with PostgreSQL, "
            "N processes or N machines serve one database.",
        ),
    ] = "1",
    threads_text: Annotated[
        str | None,
        typer.Option(
            "--threads",
            metavar="N",
            help="Threads per app process that run the pages and the API (1-64; default "
            "CALFCOACH_WEB_THREADS, else 4 on SQLite and 2 on PostgreSQL). Few keep answers "
            "fast: each one competes for Python's one interpreter lock with the process's "
            "network loop.",
        ),
    ] = None,
    server: Annotated[
        bool,
        typer.Option(
            "--server",
            help="Server mode: accounts required (also CALFCOACH_SERVER=1); needs "
            "CALFCOACH_SECRET_KEY, and TLS or --proxy off this machine.",
        ),
    ] = False,
    ssl_certfile: Annotated[
        str | None, typer.Option("--ssl-certfile", help="TLS certificate (PEM), for HTTPS.")
    ] = None,
    ssl_keyfile: Annotated[
        str | None, typer.Option("--ssl-keyfile", help="TLS private key (PEM), for HTTPS.")
    ] = None,
    proxy: Annotated[
        list[str] | None,
        typer.Option(
            "--proxy",
            metavar="ADDRESS",
            help="A TLS-terminating proxy in front (repeat it): its X-Forwarded-* headers "
            "are trusted.",
        ),
    ] = None,
) -> None:
    """Run the web app at http://HOST:PORT: local single-user mode (adds the demo athlete
    on first start when no athlete is stored yet), or server mode with accounts."""
    import dataclasses
    import os

    from calfcoach.errors import InputError
    from calfcoach.settings import (
        THREADS_ALLOWED,
        Settings,
        check_server_settings,
        checked_web_threads,
    )

    port = parse_int("--port", port_text, "1-65535", (1, 65535)) or 0
    workers = parse_int("--workers", workers_text, "1-64 processes", (1, 64)) or 0
    threads = parse_int("--threads", threads_text, THREADS_ALLOWED)
    if threads is not None:
        checked_web_threads(threads, name="--threads")
    if (ssl_certfile is None) != (ssl_keyfile is None):
        raise InputError("--ssl-certfile: give both --ssl-certfile and --ssl-keyfile, or neither")
    for option, path in (("--ssl-certfile", ssl_certfile), ("--ssl-keyfile", ssl_keyfile)):
        if path is not None and not os.path.isfile(path):
            raise InputError(f"{option}: {path!r} is not a file")
    settings = Settings.from_env(web=True)
    settings = dataclasses.replace(
        settings,
        server=settings.server or server,
        tls=settings.tls or ssl_certfile is not None,
        proxy=tuple(proxy or ()) or settings.proxy,
        web_threads=settings.web_threads if threads is None else threads,
    )
    check_server_settings(settings, host)
    _check_address(host, port)
    if not settings.server:
        with open_ctx() as ctx:
            ensure_demo_athlete(ctx, real_today())
    scheme = "https" if settings.tls else "http"
    mode = "server mode" if settings.server else "local single-user mode"
    typer.echo(f"calfcoach ({mode}) is at {scheme}://{host}:{port}/ (Ctrl+C stops it)")
    # The worker processes read the same settings from the environment.
    os.environ["CALFCOACH_SERVER"] = "1" if settings.server else ""
    os.environ["CALFCOACH_TLS"] = "1" if settings.tls else ""
    os.environ["CALFCOACH_PROXY"] = ",".join(settings.proxy)
    os.environ["CALFCOACH_WEB_THREADS"] = str(settings.web_threads or "")
    # A fresh interpreter for the web process: nothing of the CLI's cold-start shortcuts
    # (cli/__init__.py's pydantic plugin-loader stand-in) may leak into it (issue 8, part 1).
    import sys

    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "--factory",
        "calfcoach.web.app:create_app_from_env",
        "--host",
        host,
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--log-level",
        "warning",
        "--no-server-header",
    ]
    if ssl_certfile is not None and ssl_keyfile is not None:
        command += ["--ssl-certfile", ssl_certfile, "--ssl-keyfile", ssl_keyfile]
    if settings.proxy:
        command += ["--proxy-headers", "--forwarded-allow-ips", ",".join(settings.proxy)]
    else:
        command += ["--no-proxy-headers"]
    sys.stdout.flush()
    os.execv(sys.executable, command)


# ------------------------------------------------------------------------- roster (issue 9)


@app.command("roster")
@handled
def roster_command(
    sort: Annotated[
        str,
        typer.Option(
            "--sort",
            metavar="COLUMN",
            help="attention (red flags, stopped plans, flares first), name, adherence_2w, "
            "adherence_6w, last_session, pain, next_retest or inactive.",
        ),
    ] = "attention",
    descending: Annotated[
        bool, typer.Option("--descending", "-d", help="Reverse the order.")
    ] = False,
    show: Annotated[
        str,
        typer.Option("--filter", metavar="all|attention|stopped", help="Which athletes."),
    ] = "all",
    name: Annotated[
        str | None, typer.Option("--name", metavar="TEXT", help="Names containing TEXT.")
    ] = None,
    output_format: Annotated[
        str, typer.Option("--format", "-f", metavar="table|json", help="Output format.")
    ] = "table",
) -> None:
    """Every athlete at a glance: adherence, last session, pain, flags, next retest."""
    from calfcoach.services.roster import SHOWS, SORTS, roster

    parse_choice("--sort", sort, SORTS)
    parse_choice("--filter", show, SHOWS)
    parse_choice("--format", output_format, ("table", "json"))
    with open_ctx(read_only=True) as ctx:
        rows = roster(ctx, local_actor(), sort=sort, descending=descending, show=show, name=name)
    if output_format == "json":
        from calfcoach.services.schemas import dump

        print_json([dump(row) for row in rows])
        return
    if not rows:
        typer.echo("No athlete to show." if show != "all" or name else "No athlete stored yet.")
        return
    _print_roster(rows)


def _print_roster(rows: Sequence[Any]) -> None:
    from rich import box
    from rich.table import Table

    from calfcoach.formats.text import printable

    def rate(window: Any) -> str:
        return "-" if window.rate is None else f"{window.rate:.0%} ({window.done}/{window.planned})"

    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    for column in ("Athlete", "Status", "2 wk", "6 wk", "Last session", "Pain", "Retest", "Idle"):
        table.add_column(column)
    for row in rows:
        status = {0: "RED FLAG", 1: "STOPPED", 2: "FLARE", 3: "look", 4: "ok"}[row.rank]
        last = row.last_session
        pain = (
            "-"
            if row.pain_recent is None
            else f"{row.pain_recent:g} (usual {row.usual_pain}, {row.pain_trend})"
        )
        table.add_row(
            printable(row.name),
            status + ("".join(f"\n  {printable(a)}" for a in row.attention)),
            rate(row.adherence_2w),
            rate(row.adherence_6w),
            "-" if last is None else f"{last.date} {last.status}",
            pain,
            "-" if row.next_retest is None else row.next_retest.isoformat(),
            "-" if row.days_since_activity is None else f"{row.days_since_activity} d",
        )
    console().print(table)
