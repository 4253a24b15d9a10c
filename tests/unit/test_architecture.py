"""The structure rules of issue 8, part 1, read from the source with ``ast``.

Every import counts: at module level, inside functions and under ``TYPE_CHECKING``;
relative imports are resolved to absolute names. A failure names the module and the line.

- the core imports only the standard library, pydantic, itself and ``calfcoach.errors``
  (core/README.md; no adapter: no storage, services, CLI, formats, settings...);
- the CLI never imports storage (nor SQLAlchemy or Alembic): it asks ``calfcoach.bootstrap``
  or the services for what it needs.

tests/unit/test_core_purity.py keeps the core's other rule (no I/O, no clock).
"""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import calfcoach

PACKAGE = Path(calfcoach.__file__).parent
SRC = PACKAGE.parent


class Import(NamedTuple):
    module: str  # the importing module, e.g. calfcoach.cli.db_cmds
    line: int
    name: str  # the absolute name imported, e.g. calfcoach.storage.db

    def __str__(self) -> str:
        return f"{self.module} (line {self.line}) imports {self.name}"


def module_name(path: Path, root: Path = SRC) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path, root: Path = SRC) -> Iterator[Import]:
    """Every import in ``path`` (below ``root``), wherever it stands, in line order;
    ``from a import b`` gives ``a.b`` (``b`` may be a submodule: ``from calfcoach import
    storage``), ``from a import *`` gives ``a``."""
    module = module_name(path, root)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    nodes = [n for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom))]
    for node in sorted(nodes, key=lambda n: (n.lineno, n.col_offset)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield Import(module, node.lineno, alias.name)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                origin = ".".join([*base, node.module] if node.module else base)
            else:
                origin = node.module or ""
            for alias in node.names:
                name = origin if alias.name == "*" else f"{origin}.{alias.name}"
                yield Import(module, node.lineno, name)


def imports_under(folder: Path) -> list[Import]:
    return [found for path in sorted(folder.rglob("*.py")) for found in imports_of(path)]


def within(name: str, *packages: str) -> bool:
    return any(name == package or name.startswith(package + ".") for package in packages)


CORE_THIRD_PARTY = ("pydantic", "pydantic_core", "annotated_types", "typing_extensions")
CORE_OWN = ("calfcoach.core", "calfcoach.errors")
CLI_FORBIDDEN = ("calfcoach.storage", "sqlalchemy", "alembic")


def core_offenders(found: list[Import]) -> list[str]:
    offenders = []
    for item in found:
        if within(item.name, "calfcoach"):
            if not within(item.name, *CORE_OWN):
                offenders.append(str(item))
        elif not (
            item.name.split(".")[0] in sys.stdlib_module_names
            or within(item.name, *CORE_THIRD_PARTY)
        ):
            offenders.append(str(item))
    return offenders


def cli_offenders(found: list[Import]) -> list[str]:
    return [str(item) for item in found if within(item.name, *CLI_FORBIDDEN)]


def test_the_rules_see_the_whole_package():
    modules = {module_name(path) for path in PACKAGE.rglob("*.py")}
    assert {"calfcoach.core", "calfcoach.cli.app", "calfcoach.bootstrap"} <= modules
    assert imports_under(PACKAGE)  # every module parses


def test_the_core_imports_only_the_standard_library_pydantic_itself_and_errors():
    offenders = core_offenders(imports_under(PACKAGE / "core"))
    assert offenders == [], "the core imports outside its allowed set:\n" + "\n".join(offenders)


def test_the_cli_never_imports_storage_sqlalchemy_or_alembic():
    offenders = cli_offenders(imports_under(PACKAGE / "cli"))
    assert offenders == [], "the CLI reaches into storage:\n" + "\n".join(offenders)


def test_the_web_app_never_imports_storage_sqlalchemy_or_alembic():
    offenders = cli_offenders(imports_under(PACKAGE / "web"))
    assert offenders == [], "the web app reaches into storage:\n" + "\n".join(offenders)


def test_the_web_app_never_imports_the_clis_cold_start_shortcuts():
    found = imports_under(PACKAGE / "web")
    offenders = [str(item) for item in found if within(item.name, "calfcoach.cli")]
    assert offenders == [], "the web app imports the CLI:\n" + "\n".join(offenders)


def test_the_rules_catch_every_kind_of_import(tmp_path):
    # A fake package shaped like src/calfcoach, so that a rule cannot pass by seeing nothing.
    cli = tmp_path / "calfcoach" / "cli"
    cli.mkdir(parents=True)
    bad = cli / "bad.py"
    bad.write_text(
        "from typing import TYPE_CHECKING\n"
        "import sqlalchemy.orm\n"
        "if TYPE_CHECKING:\n"
        "    from calfcoach.storage.db import Database\n"
        "def f():\n"
        "    from ..storage import migrate\n"
        "    from calfcoach import storage\n",
        encoding="utf-8",
    )
    found = list(imports_of(bad, root=tmp_path))
    assert cli_offenders(found) == [
        "calfcoach.cli.bad (line 2) imports sqlalchemy.orm",
        "calfcoach.cli.bad (line 4) imports calfcoach.storage.db.Database",
        "calfcoach.cli.bad (line 6) imports calfcoach.storage.migrate",
        "calfcoach.cli.bad (line 7) imports calfcoach.storage",
    ]
    assert "calfcoach.cli.bad (line 7) imports calfcoach.storage" in core_offenders(found)
    assert not core_offenders([Import("calfcoach.core.x", 1, "calfcoach.errors")])
    assert not core_offenders([Import("calfcoach.core.x", 1, "pydantic.fields")])
    assert core_offenders([Import("calfcoach.core.x", 1, "calfcoach.corex")])


def test_importing_the_composition_root_costs_a_cold_start_nothing():
    # The CLI imports bootstrap on every stored-athlete command; storage, pydantic and rich
    # must wait until a function of it is called.
    code = (
        "import sys\n"
        "import calfcoach.bootstrap\n"
        "heavy = sorted({m.split('.')[0] for m in sys.modules}"
        " & {'sqlalchemy', 'alembic', 'pydantic', 'rich'})\n"
        "assert not heavy, heavy\n"
        "assert not [m for m in sys.modules if m.startswith('calfcoach.storage')]\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
