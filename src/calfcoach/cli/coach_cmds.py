"""`calfcoach coach ...`: the coach's flows at the command line (issue 9, part 3), the twins
of /coach and /api/v1/coach. The command line is the machine's user (the local user, who
administers a server): it names the coach or the athlete it acts for.

    calfcoach coach invite --coach EMAIL [--url URL]    a single-use invitation link
    calfcoach coach athletes --coach EMAIL              the athletes the coach follows
    calfcoach coach accept TOKEN [--athlete NAME]       the athlete accepts the invitation
    calfcoach coach signup TOKEN --name N --email E     no account yet: make one through the
                                                        invitation (the password is asked)
    calfcoach coach leave COACH_EMAIL [--athlete NAME]  the athlete ends the coach's link
    calfcoach coach note TEXT [--date D] [--athlete NAME]  a note on the plan, or on a day
    calfcoach coach audit [--athlete NAME] [--format table|json]   what coaches changed

Module-level imports are typer and the standard library only.
"""

from __future__ import annotations

import json
from typing import Annotated

import typer

from calfcoach.cli.app import app
from calfcoach.cli.athlete_cmds import handled, local_actor, open_ctx, parse_choice, print_json

coach_app = typer.Typer(
    help="A coach's invitations, notes and audit trail (server mode's coach flows).",
    no_args_is_help=True,
)

CoachOpt = Annotated[str, typer.Option("--coach", metavar="EMAIL", help="The coach's address.")]
AthleteOpt = Annotated[
    str | None,
    typer.Option("--athlete", metavar="NAME", help="The athlete (needed with more than one)."),
]


@coach_app.command("invite")
@handled
def invite_command(
    coach: CoachOpt,
    url: Annotated[
        str, typer.Option("--url", metavar="URL", help="The server's address, for the link.")
    ] = "http://127.0.0.1:8000",
) -> None:
    """Make a single-use invitation link of the coach (valid a week; shown once)."""
    from calfcoach.services.accounts import account_id_of
    from calfcoach.services.coaching import create_invitation

    with open_ctx() as ctx:
        coach_id = account_id_of(ctx, local_actor(), coach)
        made = create_invitation(ctx, local_actor(), coach_id)
    typer.echo(f"{url.rstrip('/')}/coach/join/{made.token}")
    typer.echo(
        f"Valid once, until {made.expires_at:%Y-%m-%d %H:%M} UTC. Copy it now: it is not "
        "shown again.",
        err=True,
    )


@coach_app.command("athletes")
@handled
def athletes_command(coach: CoachOpt) -> None:
    """List the athletes the coach follows now."""
    from calfcoach.services.accounts import account_id_of
    from calfcoach.services.coaching import coached

    with open_ctx(read_only=True) as ctx:
        coach_id = account_id_of(ctx, local_actor(), coach)
        found = coached(ctx, local_actor(), coach_id)
    if not found:
        typer.echo(f"{coach} follows no athlete yet: `calfcoach coach invite --coach {coach}`.")
    for athlete in found:
        typer.echo(f"{athlete.athlete_id}\t{athlete.name}")


@coach_app.command("accept")
@handled
def accept_command(
    token: Annotated[str, typer.Argument(metavar="TOKEN", help="The invitation's token.")],
    athlete: AthleteOpt = None,
) -> None:
    """The athlete accepts a coach's invitation (the token of /coach/join/TOKEN)."""
    from calfcoach.services.athletes import find_athlete_id
    from calfcoach.services.coaching import accept_invitation

    with open_ctx() as ctx:
        athlete_id = find_athlete_id(ctx, local_actor(), athlete)
        coach = accept_invitation(ctx, local_actor(), token.rsplit("/", 1)[-1], athlete_id)
    typer.echo(f"{coach.email} now follows the athlete.")


@coach_app.command("signup")
@handled
def signup_command(
    token: Annotated[str, typer.Argument(metavar="TOKEN", help="The invitation's token or link.")],
    name: Annotated[str, typer.Option("--name", metavar="NAME", help="The person's name.")],
    email: Annotated[str, typer.Option("--email", metavar="EMAIL", help="Their address.")],
    password_stdin: Annotated[
        bool,
        typer.Option("--password-stdin", help="Read the password from standard input."),
    ] = False,
) -> None:
    """Make an athlete's account through a coach's invitation (the twin of the page the
    link opens): the password is asked twice, hidden, unless ``--password-stdin``. The
    person then signs in and answers the profile questions; the coach follows from then."""
    import sys

    from calfcoach.services.accounts import sign_up

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    with open_ctx() as ctx:
        made = sign_up(ctx, token.rsplit("/", 1)[-1], name, email, password, "cli", session=False)
    typer.echo(
        f"Account {made.account.email} made; {made.coach.email} follows the athlete once "
        "they sign in and answer the profile questions."
    )


@coach_app.command("leave")
@handled
def leave_command(
    coach: Annotated[str, typer.Argument(metavar="COACH_EMAIL", help="The coach's address.")],
    athlete: AthleteOpt = None,
) -> None:
    """The athlete ends the coach's link: the coach's access ends at once."""
    from calfcoach.services.accounts import account_id_of
    from calfcoach.services.athletes import find_athlete_id
    from calfcoach.services.coaching import leave_coach

    with open_ctx() as ctx:
        athlete_id = find_athlete_id(ctx, local_actor(), athlete)
        coach_id = account_id_of(ctx, local_actor(), coach)
        leave_coach(ctx, local_actor(), athlete_id, coach_id)
    typer.echo(f"{coach} no longer follows the athlete.")


@coach_app.command("note")
@handled
def note_command(
    text: Annotated[str, typer.Argument(metavar="TEXT", help="The note.")],
    date: Annotated[
        str | None,
        typer.Option("--date", metavar="YYYY-MM-DD", help="A comment on that day's session."),
    ] = None,
    athlete: AthleteOpt = None,
) -> None:
    """A note on the athlete's plan (shown on Today and the plan page), or a comment on a
    day's session (``--date``)."""
    from calfcoach.cli.options import parse_date
    from calfcoach.services.athletes import find_athlete_id
    from calfcoach.services.coaching import add_note

    day = parse_date("--date", date) if date is not None else None  # the one date rule (D-25)
    with open_ctx() as ctx:
        athlete_id = find_athlete_id(ctx, local_actor(), athlete)
        add_note(ctx, local_actor(), athlete_id, text, day)
    typer.echo("Note saved." if day is None else f"Comment on {day.isoformat()} saved.")


@coach_app.command("audit")
@handled
def audit_command(
    athlete: AthleteOpt = None,
    output_format: Annotated[
        str, typer.Option("--format", "-f", metavar="table|json", help="Output format.")
    ] = "table",
) -> None:
    """What coaches changed for the athlete, newest first: when, who, what, before, after."""
    from calfcoach.services.athletes import find_athlete_id
    from calfcoach.services.audit import trail

    parse_choice("--format", output_format, ("table", "json"))
    with open_ctx(read_only=True) as ctx:
        athlete_id = find_athlete_id(ctx, local_actor(), athlete)
        events = trail(ctx, local_actor(), athlete_id)
    if output_format == "json":
        print_json(
            [
                {
                    "at": e.at.isoformat(),
                    "who": e.who,
                    "what": e.what,
                    "before": e.before,
                    "after": e.after,
                }  # fmt: skip
                for e in events
            ]
        )
        return
    if not events:
        typer.echo("No coach has changed anything of the athlete's.")
    for e in events:
        before = json.dumps(e.before, sort_keys=True)
        after = json.dumps(e.after, sort_keys=True)
        typer.echo(f"{e.at:%Y-%m-%d %H:%M} UTC\t{e.who}\t{e.what}\t{before} -> {after}")


app.add_typer(coach_app, name="coach")
