"""One voice for every command: errors become exit status 2 and one ``error: ...`` line per
problem on stderr, in the form ``error: <field>: <value> ...; allowed: ...``.

``run_command`` runs the application's group (``cli.app.CalfcoachGroup.main``) and maps:

- a ``CalfcoachError`` (from a service or a command) to its problems, status 2;
- click's usage errors of every command (a bad option value, a missing option or argument,
  an unknown option or command, an option without its value) to the same form, status 2;
- a bare ``calfcoach`` (or ``calfcoach athlete``) to the help on stdout, status 0;
- an argument that is not valid UTF-8 (``--athlete $'bad\\xff'``: Python hands it over with
  surrogate escapes) to a message naming the option, status 2, before any command runs; file
  and folder names are left alone (a Linux file name may be any bytes);
- a value the database refuses (a driver's ``DataError``, text that is not valid Unicode) to a
  message, status 2: the transaction was rolled back, nothing was written;
- a file nested too deeply for its parser (a hostile profile) to a message, status 2 (a
  ``RecursionError`` anywhere else is a bug and keeps its traceback);
- standard output that cannot be written (``> /dev/full``, a closed pipe) to a message on
  stderr, status 1 (D-39): the command did its work, only its output was lost.

Standard output and error never fail on a character their encoding lacks
(``PYTHONIOENCODING=ascii``): "×" prints as "x", "é" as "e", other characters as "?".

Module level: typer and the standard library only (every command's cold start passes here).
"""

from __future__ import annotations

import codecs
import errno
import os
import sys
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import typer

from calfcoach.errors import CalfcoachError

if TYPE_CHECKING:
    from typer._click.core import Command, Context, Parameter

OUTPUT_FAILED = 1
"""Exit status when standard output cannot be written (D-39)."""


OPTION_NAMES: dict[str, str] = {
    "athlete": "--athlete",
    "contacts": "--contacts",
    "date": "--date",
    "distance_m": "--distance-m",
    "exercise": "--exercise",
    "from_date": "--from",
    "hops": "--hops",
    "knee": "--knee",
    "left": "--left",
    "load_kg": "--load-kg",
    "load_lb": "--load-lb",
    "new_name": "NEW_NAME",
    "note": "--note",
    "pain": "--pain",
    "red_flags": "--red-flag",
    "reps": "--reps",
    "right": "--right",
    "rpe": "--rpe",
    "seconds": "--seconds",
    "set_number": "--set",
    "side": "--side",
    "start": "--start",
    "stiffness": "--stiffness",
    "to_date": "--to",
    "weeks": "--weeks",
}
"""The one table from a problem's field (the domain's name, ``services`` speak of ``date``,
``load_kg``) to the CLI option that sets it; a field not in it (a path in a file, ``dose``,
``name``) is printed as it is."""


def problem_lines(error: CalfcoachError) -> tuple[str, ...]:
    """The problems of ``error`` as the CLI prints them: each field by its option name, and
    an ``allowed`` that is itself a field (``reps: ... ; allowed: contacts``) by its option."""
    lines = []
    for problem in error.details:
        allowed = problem.allowed
        if allowed is not None and allowed in OPTION_NAMES:
            problem = replace(problem, allowed=OPTION_NAMES[allowed])
        lines.append(problem.text(OPTION_NAMES.get(problem.field) if problem.field else None))
    return tuple(lines)


def fail(error: CalfcoachError) -> typer.Exit:
    """Print each problem on its own stderr line and return the Exit to raise (status 2)."""
    for line in problem_lines(error):
        print(f"error: {line}", file=sys.stderr)
    return typer.Exit(code=2)


def run_app(app: typer.Typer) -> int:
    """Run the app (its group's ``main`` maps every error) and return the exit status."""
    result = app(standalone_mode=False)
    return result if isinstance(result, int) else 0


# ---------------------------------------------------------------------------- the run


def run_command(
    group: Command,
    call: Callable[[list[str]], Any],
    args: Sequence[str] | None,
    *,
    standalone_mode: bool,
) -> Any:
    """Run ``call(argv)`` (click's main, not standalone) and turn every way it can end into an
    exit status; with ``standalone_mode`` exit with it, as click would, else return it."""
    protect_streams()
    argv = list(sys.argv[1:] if args is None else args)
    try:
        code = _run(group, call, argv)
    except Exception as exc:  # a bug: said in words, the traceback only on request
        if os.environ.get("CALFCOACH_DEBUG"):
            raise
        code = _internal_error(exc)
    if standalone_mode:
        sys.exit(code)
    return code


def _run(group: Command, call: Callable[[list[str]], Any], argv: list[str]) -> int:
    from typer._click import exceptions as click_errors

    problems = argument_problems(group, argv)
    if problems:
        return _problems(problems)
    try:
        result = call(argv)
        sys.stdout.flush()
    except CalfcoachError as error:
        return _problems(problem_lines(error))
    except click_errors.NoArgsIsHelpError as exc:
        # A bare `calfcoach` (or `calfcoach athlete`) asks what there is: the help, status 0.
        typer.echo(exc.ctx.get_help())
        return 0
    except click_errors.UsageError as exc:
        return _problems((usage_problem(exc, _command_of(group, argv)[0]),))
    except click_errors.ClickException as exc:
        return _problems((exc.format_message(),), exc.exit_code)
    except typer.Exit as exit_:
        return int(exit_.exit_code or 0)
    except typer.Abort:
        print("Aborted.", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("Interrupted.", file=sys.stderr)
        return 130
    except RecursionError as exc:
        if not _from_a_parser(exc):
            raise
        return _problems(
            (
                "file: nested too deeply to be read; allowed: a profile or an export as "
                "calfcoach writes them (a few levels deep)",
            )
        )
    except OSError as exc:
        if _stdout_broken(exc):
            return _output_failed(exc)
        if exc.filename is None:
            raise
        return _problems((f"{exc.filename}: {exc.strerror or type(exc).__name__}",))
    except Exception as exc:
        problem = stored_value_problem(exc)
        if problem is None:
            raise
        return _problems((problem,))
    return result if isinstance(result, int) else 0


INTERNAL_ERROR_STATUS = 70
"""A bug in calfcoach, not the input (``EX_SOFTWARE`` of sysexits.h): not 2, which says that
the input was refused."""


def _internal_error(exc: Exception) -> int:
    """A bug reached the top: one plain message instead of a traceback (the brief: never a
    traceback). Each use case writes in one unit of work that commits whole or not at all,
    so the message can say what became of the data; ``CALFCOACH_DEBUG=1`` shows where."""
    what = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    print(
        f"error: calfcoach stopped on an internal error ({what[:300]}). This is a bug in "
        "calfcoach, not your input; a change it was making is saved whole or not at all. Run "
        "the command again with CALFCOACH_DEBUG=1 to see where it happened, and report it.",
        file=sys.stderr,
    )
    return INTERNAL_ERROR_STATUS


def _from_a_parser(exc: BaseException) -> bool:
    """Whether ``exc`` was raised while a JSON, TOML or YAML document was being read (a
    deeply nested file), not by calfcoach's own code (a bug, which keeps its traceback)."""
    traceback = exc.__traceback__
    innermost = ""
    while traceback is not None:
        innermost = traceback.tb_frame.f_code.co_filename
        traceback = traceback.tb_next
    parsers = (f"{os.sep}json{os.sep}", "tomllib", f"{os.sep}yaml{os.sep}")
    return "while decoding a JSON" in str(exc) or any(p in innermost for p in parsers)


def _problems(problems: Sequence[str], code: int = 2) -> int:
    for line in problems:
        print(f"error: {line}", file=sys.stderr)
    return code


# ---------------------------------------------------------------------------- usage errors


def _option_names(param: Parameter) -> list[str]:
    return [*param.opts, *param.secondary_opts]


def _hint(param: Parameter | None, fallback: str = "value") -> str:
    """The option's long name (``--format``), or an argument's metavar (``ID``)."""
    if param is None:
        return fallback
    names = _option_names(param)
    if param.param_type_name == "option" and names:
        return max(names, key=len)
    return str(getattr(param, "metavar", None) or param.name or fallback).upper()


def _expects(param: Parameter) -> str:
    """What a parameter takes, for "allowed:": its metavar and its help."""
    metavar = getattr(param, "metavar", None) or str(param.name or "a value").upper()
    help_text = str(getattr(param, "help", None) or "").strip().rstrip(".")
    return f"{metavar} ({help_text})" if help_text else str(metavar)


def _visible_options(ctx: Context | None) -> list[str]:
    if ctx is None:
        return []
    names: list[str] = []
    for param in ctx.command.get_params(ctx):
        if param.param_type_name == "option" and not getattr(param, "hidden", False):
            names.extend(name for name in _option_names(param) if name.startswith("--"))
    return names


def _conversion_problem(exc: Exception) -> str | None:
    """A typed option or argument whose text does not convert, in the project's words
    (``'abc' is not a whole number``), not pydantic's ("Input should be a valid integer,
    unable to parse string as an integer"); None for any other problem."""
    cause = exc.__cause__
    errors = getattr(cause, "errors", None)
    if not callable(errors):
        return None
    try:
        first = errors()[0]
    except (IndexError, TypeError, AttributeError):
        return None
    kind = str(first.get("type", ""))
    value = first.get("input")
    shown = repr(value if not isinstance(value, str) or len(value) <= 24 else value[:12] + "...")
    if kind.startswith("int_"):
        return f"{shown} is not a whole number"
    if kind.startswith("float_"):
        return f"{shown} is not a number"
    return f"{shown} is not allowed"


def usage_problem(exc: Exception, command: Command | None = None) -> str:
    """A click usage error as one ``field: value ...; allowed: ...`` line (``command``: the
    command the arguments name, for an error raised without a context)."""
    from typer._click import exceptions as click_errors

    ctx: Context | None = getattr(exc, "ctx", None)
    if ctx is None and command is not None:
        from typer._click.core import Context

        ctx = Context(command, info_name=command.name)
    message = str(getattr(exc, "message", "") or exc).strip().rstrip(".")
    if isinstance(exc, click_errors.MissingParameter):
        param = exc.param
        allowed = _expects(param) if param is not None else "a value"
        return f"{_hint(param)}: missing; allowed: {allowed}"
    if isinstance(exc, click_errors.BadParameter):
        message = _conversion_problem(exc) or message
        text = message if "allowed:" in message else f"{message}; allowed: see --help"
        return f"{_hint(exc.param)}: {text}"
    if isinstance(exc, click_errors.NoSuchOption):
        suggestion = ""
        if exc.possibilities:
            suggestion = f" (did you mean {', '.join(sorted(exc.possibilities))}?)"
        allowed = ", ".join(_visible_options(ctx)) or "none"
        return f"{exc.option_name}: no such option{suggestion}; allowed: {allowed}"
    if isinstance(exc, click_errors.BadOptionUsage):
        found = _find_param(ctx, exc.option_name)
        allowed = _expects(found) if found is not None else "see --help"
        if "requires an argument" in message:
            return f"{exc.option_name}: missing its value; allowed: {allowed}"
        return f"{exc.option_name}: {message}; allowed: {allowed}"
    if ctx is not None and message.startswith("No such command"):
        commands = [
            name
            for name in getattr(ctx.command, "commands", {})
            if not getattr(ctx.command.commands[name], "hidden", False)  # type: ignore[attr-defined]
        ]
        rest = message.removeprefix("No such command").strip()
        name, _, suggestion = rest.partition(". Did you mean ")
        guess = f" (did you mean {suggestion.rstrip('?')}?)" if suggestion else ""
        return f"command: {name} is not a command{guess}; allowed: {', '.join(commands)}"
    if ctx is not None and message == "Missing command":
        commands = list(getattr(ctx.command, "commands", {}))
        return f"command: missing; allowed: {', '.join(commands)}"
    if message.startswith("Got unexpected extra argument"):
        extra = message.rpartition("(")[2].rstrip(")")
        where = ctx.command_path if ctx is not None else "calfcoach"
        return f"argument: {extra!r} is not expected; allowed: the options of `{where} --help`"
    where = ctx.command_path if ctx is not None else "calfcoach"
    return f"{where}: {message}; allowed: see `{where} --help`"


def _find_param(ctx: Context | None, option: str) -> Parameter | None:
    if ctx is None:
        return None
    for param in ctx.command.get_params(ctx):
        if option in _option_names(param):
            return param
    return None


# ---------------------------------------------------------------------------- arguments


def has_surrogates(text: str) -> bool:
    """True when ``text`` holds a lone surrogate (bytes that were not UTF-8, escaped)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def shown_bytes(text: str) -> str:
    """``'bad\\xff'``: the text with its undecodable bytes shown as escapes."""
    try:
        raw = text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a lone surrogate (e.g. "\\ud800" in a JSON file), shown escaped
        raw = text.encode("utf-8", "backslashreplace")
    return repr(raw.decode("utf-8", "backslashreplace")).replace("\\\\x", "\\x")


def _command_of(group: Command, argv: list[str]) -> tuple[Command, list[str]]:
    """The (sub)command ``argv`` names and the arguments after its name."""
    command, rest = group, argv
    while True:
        commands = getattr(command, "commands", None)
        if not commands:
            return command, rest
        index = next((i for i, arg in enumerate(rest) if not arg.startswith("-")), None)
        if index is None or rest[index] not in commands:
            return command, rest
        command, rest = commands[rest[index]], rest[index + 1 :]


def _is_path(param: Parameter | None) -> bool:
    """True for a parameter typed ``Path`` (typer's ``TyperPath``; typer 0.29 and later
    describe it with ``type_descriptor.is_path`` instead)."""
    if param is None:
        return False
    descriptor = getattr(param, "type_descriptor", None)
    if descriptor is not None:
        return bool(getattr(descriptor, "is_path", False))
    return type(param.type).__name__ == "TyperPath"


def _takes_value(option: Parameter | None) -> bool:
    """True for an option given as ``--name VALUE`` (not a flag, not a counter)."""
    return (
        option is not None
        and option.param_type_name == "option"
        and not getattr(option, "is_flag", False)
        and not getattr(option, "count", False)
    )


def _positionals(
    rest: list[str], by_name: dict[str, Parameter], arguments: list[Parameter], *, offset: int
) -> dict[int, Parameter]:
    """The argument each positional of ``rest`` (the words after the command's name) fills,
    by its index in the whole command line (``offset``: where ``rest`` starts): options and
    their values are skipped, ``--`` ends the options, an argument of ``nargs=-1`` takes the
    rest."""
    out: dict[int, Parameter] = {}
    slot = 0
    options_end = False
    takes_value = False
    for index, arg in enumerate(rest, start=offset):
        if takes_value:
            takes_value = False
            continue
        if not options_end and arg == "--":
            options_end = True
            continue
        if not options_end and arg.startswith("-") and arg != "-":
            takes_value = "=" not in arg and _takes_value(by_name.get(arg))
            continue
        if slot < len(arguments):
            out[index] = arguments[slot]
            if arguments[slot].nargs != -1:
                slot += 1
    return out


def argument_problems(group: Command, argv: list[str]) -> list[str]:
    """One problem per argument that is not valid UTF-8 text (file names excepted)."""
    if not any(has_surrogates(arg) for arg in argv):
        return []
    command, rest = _command_of(group, argv)
    params = list(getattr(command, "params", []))
    by_name = {name: param for param in params for name in _option_names(param)}
    arguments = [param for param in params if param.param_type_name == "argument"]
    positional = _positionals(rest, by_name, arguments, offset=len(argv) - len(rest))
    problems = []
    for index, arg in enumerate(argv):
        if not has_surrogates(arg):
            continue
        name, value = None, arg
        if arg.startswith("--") and "=" in arg:
            name, _, value = arg.partition("=")
        elif index > 0 and _takes_value(by_name.get(argv[index - 1])):
            name = argv[index - 1]
        param = by_name.get(name) if name else None
        if _is_path(param):
            continue
        if param is None and name is None:
            param = positional.get(index)
            if _is_path(param):
                continue  # a positional file name
        field = name or (_hint(param) if param is not None else "argument")
        problems.append(
            f"{field}: {shown_bytes(value)} is not valid UTF-8 text; allowed: text in UTF-8 "
            "(check the terminal's or the script's encoding)"
        )
    return problems


# ---------------------------------------------------------------------------- stored values


def stored_value_problem(exc: BaseException) -> str | None:
    """A last resort for a value the database refuses (a psycopg ``DataError`` such as a NUL
    character, text with lone surrogates): the message, or None for any other exception."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, UnicodeEncodeError):
            return (
                f"text: {shown_bytes(current.object[current.start : current.end])} cannot be "
                "stored; allowed: valid UTF-8 text; nothing was written"
            )
        kind = type(current)
        if kind.__name__ == "DataError" and kind.__module__.split(".")[0] in (
            "sqlalchemy",
            "psycopg",
            "psycopg2",
        ):
            detail = str(getattr(current, "orig", None) or current).strip().splitlines()
            reason = detail[0] if detail else "a value was refused"
            return (
                f"database: a value was refused ({reason}); allowed: text without NUL or "
                "control characters, numbers in range; nothing was written"
            )
        current = current.__cause__ or current.__context__
    return None


# ---------------------------------------------------------------------------- output


def _stdout_broken(exc: OSError) -> bool:
    """Whether ``exc`` came from standard output: it still cannot be flushed, or even an
    empty write to it fails (``/dev/full``)."""
    if exc.errno == errno.EPIPE:
        return True
    if exc.errno not in (errno.ENOSPC, errno.EIO, errno.EDQUOT, errno.EFBIG):
        return False
    try:
        sys.stdout.flush()
        os.write(sys.stdout.fileno(), b"")
    except OSError:
        return True
    except (ValueError, AttributeError):  # no file descriptor (a test's captured output)
        return False
    return False


def _output_failed(exc: OSError) -> int:
    """Report a standard output that cannot be written, and make sure the interpreter's last
    flush at exit does not fail again (a second, uglier message)."""
    try:
        fd = sys.stdout.fileno()
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, fd)
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass
    if exc.errno == errno.EPIPE:
        return OUTPUT_FAILED  # the reader went away (`| head`): nothing to say
    reason = exc.strerror or type(exc).__name__
    print(f"error: output: cannot write to standard output ({reason})", file=sys.stderr)
    return OUTPUT_FAILED


# Characters an ASCII terminal lacks, as people write them there.
_ASCII = {
    "×": "x",
    "–": "-",
    "—": "-",
    "−": "-",
    "─": "-",
    "‘": "'",
    "’": "'",
    "“": '"',
    "”": '"',
    "…": "...",
    "≥": ">=",
    "≤": "<=",
    "→": "->",
    "±": "+/-",
    "°": " deg",
    "·": ".",
    "•": "*",
    "½": "1/2",
    "ß": "ss",
    "æ": "ae",
    "ø": "o",
    "Ø": "O",
    "ł": "l",
}
ERRORS = "calfcoach-plain"


def _plain(error: UnicodeError) -> tuple[str, int]:
    """Codec error handler: an unencodable character as its nearest plain form."""
    if not isinstance(error, UnicodeEncodeError):
        raise error
    out = []
    for char in error.object[error.start : error.end]:
        if 0xDC80 <= ord(char) <= 0xDCFF:  # an undecodable byte of an argument
            out.append(f"\\x{ord(char) - 0xDC00:02x}")
            continue
        plain = _ASCII.get(char)
        if plain is None:
            decomposed = unicodedata.normalize("NFKD", char)
            plain = "".join(c for c in decomposed if ord(c) < 128) or "?"
        try:
            plain.encode(error.encoding)
        except (UnicodeEncodeError, LookupError):
            plain = "?"
        out.append(plain)
    return "".join(out), error.end


PLAIN_ASCII = "calfcoach_ascii"
"""ASCII under another name: click takes a stream whose encoding is "ascii" for a
misconfigured one and writes UTF-8 to it anyway; under this name it writes what the user
asked for, as Rich and ``print`` do."""


def _find_codec(name: str) -> codecs.CodecInfo | None:
    if name != PLAIN_ASCII:
        return None
    ascii_codec = codecs.lookup("ascii")
    return codecs.CodecInfo(
        ascii_codec.encode,
        ascii_codec.decode,
        name=PLAIN_ASCII,
        incrementalencoder=ascii_codec.incrementalencoder,
        incrementaldecoder=ascii_codec.incrementaldecoder,
        streamwriter=ascii_codec.streamwriter,
        streamreader=ascii_codec.streamreader,
    )


def protect_streams() -> None:
    """Make standard output and error write what their encoding lacks in a plain form
    instead of raising ``UnicodeEncodeError`` (``PYTHONIOENCODING=ascii``, a C locale), and
    standard input read what it cannot decode as surrogate escapes."""
    try:
        codecs.lookup_error(ERRORS)
    except LookupError:
        codecs.register_error(ERRORS, _plain)
        codecs.register(_find_codec)
    # Typed answers that do not decode (non-ASCII keys on an ASCII terminal) arrive as
    # surrogate escapes, which the answer's check refuses, instead of UnicodeDecodeError.
    stdin_reconfigure = getattr(sys.stdin, "reconfigure", None)
    if stdin_reconfigure is not None and getattr(sys.stdin, "errors", None) == "strict":
        try:
            stdin_reconfigure(errors="surrogateescape")
        except (OSError, ValueError):
            pass
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is None:
            continue
        encoding = str(getattr(stream, "encoding", None) or "")
        changes: dict[str, str] = {}
        try:
            if codecs.lookup(encoding).name == "ascii":
                changes["encoding"] = PLAIN_ASCII
        except LookupError:
            pass
        if getattr(stream, "errors", None) in ("strict", None) or changes:
            changes["errors"] = ERRORS
        if not changes:
            continue
        try:
            reconfigure(**changes)
        except (OSError, ValueError):
            pass
