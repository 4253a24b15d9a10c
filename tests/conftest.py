"""Set-up shared by every test folder.

typer's ``CliRunner.invoke`` turns the whole Typer application into a click command on every
call (``typer.main.get_command``: each of the ~80 commands' signatures read with
``typing.get_type_hints``, its parameters built anew). The tests invoke the CLI thousands of
times, and by cProfile that rebuild was about a third of the CPU of the CLI suites. The
console script builds its command once per process too, so the tests build it once per
application (and again should commands be registered on it later) and invoke that same
command: what runs is what a user runs.
"""

from __future__ import annotations

from typing import Any

import typer.testing
from typer.main import get_command

_BUILT: dict[int, tuple[Any, int, int, Any]] = {}


def _get_command_once(app: Any) -> Any:
    """``get_command(app)``, built once per application and its set of commands."""
    shape = (len(app.registered_commands), len(app.registered_groups))
    kept = _BUILT.get(id(app))
    if kept is not None and kept[0] is app and kept[1:3] == shape:
        return kept[3]
    command = get_command(app)
    _BUILT[id(app)] = (app, *shape, command)
    return command


typer.testing._get_command = _get_command_once  # type: ignore[attr-defined]


def pytest_collection_modifyitems(items: list[Any]) -> None:
    """The compiled core's tests run last: ./test.sh builds that core in the background while
    the rest runs (``tests/unit/test_compiled_core.py`` waits for the build)."""
    last = [item for item in items if item.nodeid.startswith("tests/unit/test_compiled_core.py")]
    if last:
        items[:] = [item for item in items if item not in last] + last
