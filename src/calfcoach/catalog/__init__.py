"""The packaged exercise catalog: ``exercises.yaml`` read once and validated (R-EX).

The data lives in ``exercises.yaml`` beside this file; validation and look-ups are in the pure
``calfcoach.core.catalog.Catalog``. This module only does the I/O.
"""

from __future__ import annotations

import functools
from pathlib import Path

import yaml

from calfcoach.core.catalog import Catalog
from calfcoach.errors import InputError

__all__ = ["CATALOG_FILE", "load_catalog", "parse_catalog"]

CATALOG_FILE = "exercises.yaml"

_Loader: type[yaml.CSafeLoader] | type[yaml.SafeLoader]
try:  # libyaml is several times faster; the pure-Python loader gives the same result.
    _Loader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _Loader = yaml.SafeLoader


@functools.cache
def load_catalog() -> Catalog:
    """The packaged catalog, read and validated on first use and cached afterwards.

    A broken catalog file raises ``InputError`` with one line per problem. The packaged
    catalog must be complete: every role the engine needs is filled (``Catalog.from_data``).
    """
    path = Path(__file__).with_name(CATALOG_FILE)
    if path.is_file():
        text = path.read_text(encoding="utf-8")
    else:  # pragma: no cover - a zipped install: no file beside this module
        from importlib import resources

        text = resources.files(__name__).joinpath(CATALOG_FILE).read_text(encoding="utf-8")
    return parse_catalog(text, source=CATALOG_FILE, complete=True)


def parse_catalog(text: str, source: str = "catalog", *, complete: bool = False) -> Catalog:
    """Build a ``Catalog`` from YAML text; every problem line starts with ``source``.

    ``complete``: also require every role the engine needs (see ``Catalog.from_data``)."""
    try:
        data = yaml.load(text, Loader=_Loader)  # noqa: S506 - a safe loader
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        problem = getattr(error, "problem", None) or str(error)
        raise InputError(f"{source}: not valid YAML{where}: {problem}") from None
    try:
        return Catalog.from_data(data, complete=complete)
    except InputError as error:
        raise InputError(*(f"{source}: {line}" for line in error.problems)) from None
