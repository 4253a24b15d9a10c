"""`calfcoach token ...`: personal access tokens for scripts that use the REST API.

    calfcoach token create NAME [--scope read --scope log]   the token, shown once
    calfcoach token list [--format table|json]               name, scopes, created, last used
    calfcoach token revoke ID                                stops working at once

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
