"""The core may import only the standard library, pydantic and itself (core/README.md)."""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

import calfcoach.core

CORE = Path(calfcoach.core.__file__).parent
ALLOWED_THIRD_PARTY = {"pydantic", "pydantic_core", "annotated_types", "typing_extensions"}
ALLOWED_OWN = ("calfcoach.core", "calfcoach.errors")


def imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return names


def test_the_core_imports_only_the_standard_library_pydantic_and_itself():
    offenders = []
    for path in sorted(CORE.rglob("*.py")):
        for name in imports(path):
            top = name.split(".")[0]
            if top in sys.stdlib_module_names or top in ALLOWED_THIRD_PARTY:
                continue
            if name.startswith(ALLOWED_OWN):
                continue
            offenders.append(f"{path.name}: {name}")
    assert offenders == []


def test_the_core_does_no_io_and_reads_no_clock():
    # A call of the builtin open(), not a method such as _plyo_open(.
    forbidden = (r"(?<![\w.])open\(", r"date\.today\(", r"\.now\(", r"\brandom\.", r"os\.environ")
    offenders = [
        f"{path.name}: {needle}"
        for path in sorted(CORE.rglob("*.py"))
        for needle in forbidden
        if re.search(needle, path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
