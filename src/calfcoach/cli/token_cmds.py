"""`calfcoach token ...`: personal access tokens for scripts that use the REST API.

    calfcoach token create NAME [--scope read --scope log]   the token, shown once
    calfcoach token list [--format table|json]               name, scopes, created, last used
    calfcoach token revoke ID                                stops working at once
    calfcoach account add EMAIL --role athlete|coach|admin [--athlete NAME] [--url URL]
                                   an account (the first admin of a server), and its one-time
                                   set-password link
    calfcoach account link-coach COACH_EMAIL ATHLETE_NAME    a coach follows an athlete

Module-level imports are typer and the standard library only.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from calfcoach.cli.app import app
from calfcoach.cli.athlete_cmds import handled, local_actor, open_ctx, parse_choice, print_json

token_app = typer.Typer(
    help="Personal access tokens for scripts: `Authorization: Bearer TOKEN` on /api/v1.",
    no_args_is_help=True,
)


def _when(value: Any) -> str:
    return "never" if value is None else f"{value:%Y-%m-%d %H:%M} UTC"


@token_app.command("create")
@handled
def create_command(
    name: Annotated[str, typer.Argument(metavar="NAME", help="What the token is for.")],
    scope: Annotated[
        list[str] | None,
        typer.Option(
            "--scope",
            metavar="read|log|manage",
            help="What the token may do (repeat it); default: read and log.",
        ),
    ] = None,
) -> None:
    """Make a token and print it: the only time it is shown (only its hash is stored)."""
    from calfcoach.services.tokens import DEFAULT_SCOPES, create_token

    with open_ctx() as ctx:
        made = create_token(ctx, local_actor(), name, scope or DEFAULT_SCOPES)
    typer.echo(made.token)
    typer.echo(
        f"Token {made.stored.id} ({made.stored.name}; {' '.join(made.stored.scopes)}). "
        "Copy it now: it is not shown again. Send it as `Authorization: Bearer TOKEN`.",
        err=True,
    )


@token_app.command("list")
@handled
def list_command(
    output_format: Annotated[
        str, typer.Option("--format", "-f", metavar="table|json", help="Output format.")
    ] = "table",
) -> None:
    """List the tokens (never the tokens themselves): name, scopes, created, last used."""
    from calfcoach.formats.text import printable
    from calfcoach.services.tokens import list_tokens

    parse_choice("--format", output_format, ("table", "json"))
    with open_ctx(read_only=True) as ctx:
        tokens = list_tokens(ctx, local_actor())
    if output_format == "json":
        from calfcoach.services.schemas import TokenOut, dump

        print_json([dump(TokenOut.from_stored(t)) for t in tokens])
        return
    if not tokens:
        typer.echo("No token yet: `calfcoach token create NAME`.")
        return
    for t in tokens:
        state = (
            f"revoked {_when(t.revoked_at)}"
            if t.revoked_at
            else f"last used {_when(t.last_used_at)}"
        )
        typer.echo(
            f"{t.id}  {printable(t.name)}  ({' '.join(t.scopes)}; created "
            f"{_when(t.created_at)}; {state})"
        )


@token_app.command("revoke")
@handled
def revoke_command(
    token_id: Annotated[int, typer.Argument(metavar="ID", help="The id `token list` shows.")],
) -> None:
    """Revoke a token: requests with it are refused from now on."""
    from calfcoach.services.tokens import revoke_token

    with open_ctx() as ctx:
        stored = revoke_token(ctx, local_actor(), token_id)
    typer.echo(f"Token {stored.id} ({stored.name}) revoked {_when(stored.revoked_at)}.")


app.add_typer(token_app, name="token")


account_app = typer.Typer(
    help="Accounts of server mode (`calfcoach serve --server`): the first admin, coaches.",
    no_args_is_help=True,
)


@account_app.command("add")
@handled
def account_add_command(
    email: Annotated[str, typer.Argument(metavar="EMAIL", help="The person's e-mail address.")],
    role: Annotated[
        str, typer.Option("--role", metavar="athlete|coach|admin", help="What the account is.")
    ] = "athlete",
    athlete: Annotated[
        str | None,
        typer.Option("--athlete", metavar="NAME", help="An athlete account's own athlete."),
    ] = None,
    url: Annotated[
        str | None,
        typer.Option(
            "--url",
            metavar="URL",
            help="The server's address, for the link (default: CALFCOACH_PUBLIC_URL, else "
            "http://127.0.0.1:8000).",
        ),
    ] = None,
) -> None:
    """Make an account without a password and print its one-time set-password link (valid
    for a week; only its hash is stored)."""
    from calfcoach.services.accounts import ROLES, create_account

    parse_choice("--role", role, ROLES)
    with open_ctx() as ctx:
        athlete_id = None
        if athlete is not None:
            from calfcoach.services.athletes import find_athlete_id

            athlete_id = find_athlete_id(ctx, local_actor(), athlete)
        made = create_account(ctx, local_actor(), email, role, athlete_id=athlete_id)
    if url is None:
        from calfcoach.settings import Settings

        url = Settings.from_env().public_url or "http://127.0.0.1:8000"
    typer.echo(f"{url.rstrip('/')}/invite/{made.token}")
    typer.echo(
        f"Account {made.account.id} ({made.account.email}, {role}). Open the link above to "
        "set its password (once, within 7 days); it is not shown again.",
        err=True,
    )


@account_app.command("link-coach")
@handled
def account_link_coach_command(
    coach: Annotated[str, typer.Argument(metavar="COACH_EMAIL", help="The coach's address.")],
    athlete: Annotated[str, typer.Argument(metavar="ATHLETE", help="The athlete's name.")],
) -> None:
    """Let a coach follow an athlete (until the coach flows of server mode do it)."""
    from calfcoach.services.accounts import account_id_of, add_coach_link
    from calfcoach.services.athletes import find_athlete_id

    with open_ctx() as ctx:
        athlete_id = find_athlete_id(ctx, local_actor(), athlete)
        coach_id = account_id_of(ctx, local_actor(), coach)
        add_coach_link(ctx, local_actor(), coach_id, athlete_id)
    typer.echo(f"{coach} now follows {athlete}.")


app.add_typer(account_app, name="account")
