"""The packaged exercise catalog: ``exercises.yaml`` read once and validated (R-EX).

The data lives in ``exercises.yaml`` beside this file; validation and look-ups are in the pure
``calfcoach.core.catalog.Catalog``. This module only does the I/O.

Reading the YAML costs a cold ``plan`` or ``today`` about as much as the plan itself
(importing PyYAML and building its Python objects: ~50 ms of CPU; issue 6, D-118).
So the first ``load_catalog`` of a given ``exercises.yaml`` keeps the parsed data as JSON in
the user's cache folder, named by the SHA-256 of the YAML text, and later processes read that
instead. The cache holds the YAML's data, not a validated catalog: every load still goes
through ``Catalog.from_data`` (the one validation model). A changed YAML has another name, so
a stale copy is never read; a cache that cannot be read or written is ignored.
``CALFCOACH_CATALOG_CACHE=0`` turns it off (the benchmark, debugging).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
from pathlib import Path
from typing import Any

from calfcoach.core.catalog import Catalog
from calfcoach.errors import InputError

__all__ = ["CATALOG_FILE", "cache_file", "load_catalog", "parse_catalog"]

CATALOG_FILE = "exercises.yaml"
CACHE_VARIABLE = "CALFCOACH_CATALOG_CACHE"
CACHE_FORMAT = 1
"""Part of the cache file's name: a change of what the cache holds makes new files."""


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
    cache = cache_file(text)
    data = _read_cache(cache) if cache is not None else None
    if data is None:
        data = _yaml_data(text, CATALOG_FILE)
        if cache is not None:
            _write_cache(cache, data)
    return _validated(data, CATALOG_FILE, complete=True)


def parse_catalog(text: str, source: str = "catalog", *, complete: bool = False) -> Catalog:
    """Build a ``Catalog`` from YAML text; every problem line starts with ``source``.

    ``complete``: also require every role the engine needs (see ``Catalog.from_data``)."""
    return _validated(_yaml_data(text, source), source, complete=complete)


def cache_file(text: str) -> Path | None:
    """Where the parsed data of the catalog YAML ``text`` is kept; None when turned off."""
    if os.environ.get(CACHE_VARIABLE, "1").strip() == "0":
        return None
    import platformdirs

    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]
    folder = Path(platformdirs.user_cache_dir("calfcoach", appauthor=False))
    return folder / f"catalog-{CACHE_FORMAT}-{digest}.json"


def _read_cache(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):  # missing, unreadable or cut short: parse the YAML
        return None


def _write_cache(path: Path, data: Any) -> None:
    """Keep ``data`` as JSON at ``path`` when JSON gives it back unchanged (only strings,
    numbers, booleans, null, lists and string-keyed mappings), written whole or not at all."""
    try:
        text = json.dumps(data, ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError):
        return
    if json.loads(text) != data:
        return
    partial = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial.write_text(text, encoding="utf-8")
        os.replace(partial, path)  # atomic: a reader sees the old name missing or whole
    except OSError:  # read-only, full, or not a folder: the next process parses the YAML
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)


def _yaml_data(text: str, source: str) -> Any:
    import yaml

    loader: type[yaml.CSafeLoader] | type[yaml.SafeLoader]
    try:  # libyaml is several times faster; the pure-Python loader gives the same result.
        loader = yaml.CSafeLoader
    except AttributeError:  # pragma: no cover - PyYAML built without libyaml
        loader = yaml.SafeLoader
    try:
        return yaml.load(text, Loader=loader)  # noqa: S506 - a safe loader
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        problem = getattr(error, "problem", None) or str(error)
        raise InputError(f"{source}: not valid YAML{where}: {problem}") from None


def _validated(data: Any, source: str, *, complete: bool) -> Catalog:
    try:
        return Catalog.from_data(data, complete=complete)
    except InputError as error:
        raise InputError(*(f"{source}: {line}" for line in error.problems)) from None
