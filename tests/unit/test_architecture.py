"""The structure rules of issue 8, part 1, read from the source with ``ast``.

Every import counts: at module level, inside functions and under ``TYPE_CHECKING``;
relative imports are resolved to absolute names. A failure names the module and the line.

- the core imports only the standard library, pydantic, itself and ``calfcoach.errors``
  (core/README.md; no adapter: no storage, services, CLI, formats, settings...);
- the CLI never imports storage (nor SQLAlchemy or Alembic): it asks ``calfcoach.bootstrap``
  or the services for what it needs;
- the services never import SQLAlchemy or Alembic, and no storage module at run time except
  the two without SQLAlchemy (``storage.records``, the records repositories return, and
  ``storage.plan_doc``, the stored plan document); the abstract unit of work and
  repositories are named under ``TYPE_CHECKING`` only (issue 8, part 1).

tests/unit/test_core_purity.py keeps the core's other rule (no I/O, no clock).
"""

from __future__ import annotations

import ast
import re
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
    typing_only: bool = False  # under ``if TYPE_CHECKING:`` (annotations only)

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
    typing_only = {
        id(inner)
        for block in ast.walk(tree)
        if isinstance(block, ast.If) and _is_type_checking(block.test)
        for statement in block.body
        for inner in ast.walk(statement)
    }
    for node in sorted(nodes, key=lambda n: (n.lineno, n.col_offset)):
        hidden = id(node) in typing_only
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield Import(module, node.lineno, alias.name, hidden)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                origin = ".".join([*base, node.module] if node.module else base)
            else:
                origin = node.module or ""
            for alias in node.names:
                name = origin if alias.name == "*" else f"{origin}.{alias.name}"
                yield Import(module, node.lineno, name, hidden)


def _is_type_checking(test: ast.expr) -> bool:
    """``if TYPE_CHECKING:`` or ``if typing.TYPE_CHECKING:``."""
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


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


SERVICES_NEVER = ("sqlalchemy", "alembic")
SERVICES_STORAGE_AT_RUN_TIME = ("calfcoach.storage.records", "calfcoach.storage.plan_doc")


def services_offenders(found: list[Import]) -> list[str]:
    offenders = []
    for item in found:
        if within(item.name, *SERVICES_NEVER):
            offenders.append(str(item))
        elif (
            within(item.name, "calfcoach.storage")
            and not item.typing_only
            and not within(item.name, *SERVICES_STORAGE_AT_RUN_TIME)
        ):
            offenders.append(f"{item} at run time")
    return offenders


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


def test_the_web_never_imports_storage_sqlalchemy_or_alembic():
    offenders = cli_offenders(imports_under(PACKAGE / "web"))
    assert offenders == [], "the web reaches into storage:\n" + "\n".join(offenders)


def test_the_services_never_import_sqlalchemy_nor_storage_at_run_time():
    offenders = services_offenders(imports_under(PACKAGE / "services"))
    assert offenders == [], "the services reach into storage:\n" + "\n".join(offenders)


def test_the_storage_modules_the_services_may_import_do_not_import_sqlalchemy():
    for name in SERVICES_STORAGE_AT_RUN_TIME:
        path = SRC / (name.replace(".", "/") + ".py")
        found = [i.name for i in imports_of(path) if within(i.name, *SERVICES_NEVER)]
        assert found == [], f"{name} imports {found}"


def test_the_services_rule_tells_type_checking_imports_from_run_time_ones(tmp_path):
    services = tmp_path / "calfcoach" / "services"
    services.mkdir(parents=True)
    module = services / "uses.py"
    module.write_text(
        "import typing\n"
        "from typing import TYPE_CHECKING\n"
        "from calfcoach.storage.records import Athlete\n"
        "if TYPE_CHECKING:\n"
        "    from calfcoach.storage.uow import AbstractUnitOfWork\n"
        "if typing.TYPE_CHECKING:\n"
        "    from calfcoach.storage.db import Database\n"
        "def f():\n"
        "    from calfcoach.storage.orm import AthleteRow\n"
        "    from sqlalchemy import select\n",
        encoding="utf-8",
    )
    assert services_offenders(list(imports_of(module, root=tmp_path))) == [
        "calfcoach.services.uses (line 9) imports calfcoach.storage.orm.AthleteRow at run time",
        "calfcoach.services.uses (line 10) imports sqlalchemy.select",
    ]


def test_no_service_signature_names_a_concrete_database():
    concrete = {"Database", "SqliteReader", "SqlAlchemyUnitOfWork", "OrmSession", "Engine"}
    for path in sorted((PACKAGE / "services").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                signature = ast.unparse(node.args) + " " + ast.unparse(node.returns or ast.Pass())
                named = concrete & set(re.findall(r"\w+", signature))
                assert not named, f"{module_name(path)}.{node.name} names {named}"


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
