"""Turns calfcoach errors into exit status 2 and one line per problem on stderr."""

from __future__ import annotations

import sys

import typer

from calfcoach.errors import CalfcoachError


def fail(error: CalfcoachError) -> typer.Exit:
    """Print each problem on its own stderr line and return the Exit to raise (status 2)."""
    for line in error.problems:
        print(f"error: {line}", file=sys.stderr)
    return typer.Exit(code=2)


def run_app(app: typer.Typer) -> int:
    """Run the app; any CalfcoachError that escapes a command becomes exit status 2."""
    try:
        result = app(standalone_mode=False)
    except CalfcoachError as error:
        for line in error.problems:
            print(f"error: {line}", file=sys.stderr)
        return 2
    except typer.Exit as exit_:
        return int(exit_.exit_code or 0)
    except typer.Abort:
        print("Aborted.", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("Interrupted.", file=sys.stderr)
        return 130
    except Exception as exc:  # click usage errors (bad option values and the like)
        show = getattr(exc, "show", None)
        exit_code = getattr(exc, "exit_code", None)
        if callable(show) and isinstance(exit_code, int):
            show()
            return 2
        raise
    return result if isinstance(result, int) else 0
