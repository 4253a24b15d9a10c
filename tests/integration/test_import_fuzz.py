"""Issue 7: a fuzz test of `import` with mutated, truncated and oversized exports.

Whatever the file: never a traceback, exit status 2 with an ``error:`` message (or, for a
change that leaves a valid file, a clean exit), and the database unchanged (an export of
everything before and after is the same). The examples per run follow the hypothesis profile
(``tests/strategies.py``: ``HYPOTHESIS_PROFILE=ci`` runs many more).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.integration import test_transfer as base
from tests.service_calls import local
from tests.strategies import examples

from calfcoach.formats.export_file import MAX_IMPORT_BYTES
from calfcoach.services import transfer
from calfcoach.storage.db import Database

env = base.env  # fixture

FUZZ_HEALTH = [
    HealthCheck.function_scoped_fixture,  # the database is filled once; it must not change
    HealthCheck.too_slow,
    HealthCheck.data_too_large,
]


def fuzz(ci: int, dev: int) -> settings:
    return settings(examples(ci, dev), suppress_health_check=FUZZ_HEALTH)


class Filled:
    """The database filled once per test, its export files and its state to compare with."""

    def __init__(self, database: Database) -> None:
        base.fill(database)
        self.database = database
        self.before = transfer.export_document(*local(database), None, everyone=True)
        self.files = {
            "json": transfer.document_to_json(self.before).encode(),
            "csv": transfer.document_to_csv(self.before).encode(),
        }

    def import_is_refused_or_harmless(self, env: dict[str, str], path: Path) -> None:
        code, _, err = base.invoke(env, "import", str(path))  # re-raises any exception
        assert "Traceback" not in err
        if code != 0:
            assert code == 2 and err.startswith("error: ") and len(err) > len("error: \n"), err
        assert transfer.export_document(*local(self.database), None, everyone=True) == self.before


# --------------------------------------------------------------------------- bytes

mutations = st.one_of(
    st.tuples(st.just("cut"), st.floats(0, 1), st.just(b"")),
    st.tuples(st.just("replace"), st.floats(0, 1), st.binary(min_size=1, max_size=8)),
    st.tuples(st.just("insert"), st.floats(0, 1), st.binary(min_size=1, max_size=64)),
    st.tuples(st.just("insert"), st.floats(0, 1), st.sampled_from([b"\n", b",", b'"', b"{"])),
    st.tuples(st.just("delete"), st.floats(0, 1), st.integers(1, 400).map(lambda n: b"x" * n)),
    st.tuples(st.just("duplicate"), st.floats(0, 1), st.integers(1, 400).map(lambda n: b"x" * n)),
    st.tuples(st.just("oversize"), st.just(0.0), st.just(b"")),
)


def mutate(data: bytes, kind: str, where: float, extra: bytes) -> bytes:
    at = min(int(len(data) * where), len(data) - 1)
    if kind == "cut":
        return data[:at]
    if kind == "replace":
        return data[:at] + extra + data[at + len(extra) :]
    if kind == "insert":
        return data[:at] + extra + data[at:]
    if kind == "delete":
        return data[:at] + data[at + len(extra) :]
    if kind == "duplicate":
        return data[:at] + data[at : at + len(extra)] + data[at:]
    raise AssertionError(kind)


@fuzz(ci=120, dev=25)
@given(fmt=st.sampled_from(["json", "csv"]), mutation=mutations)
def test_a_mutated_truncated_or_oversized_export_never_raises_and_changes_nothing(
    database: Database, env: dict[str, str], tmp_path: Path, fmt: str, mutation: Any
) -> None:
    filled = _filled(database)
    kind, where, extra = mutation
    path = tmp_path / f"fuzz.{fmt}"
    if kind == "oversize":  # a sparse file just above the cap: refused before it is read
        path.write_bytes(b"")
        with path.open("r+b") as handle:
            handle.truncate(MAX_IMPORT_BYTES + 1)
    else:
        mutated = mutate(filled.files[fmt], kind, where, extra)
        if mutated == filled.files[fmt]:
            return
        path.write_bytes(mutated)

    filled.import_is_refused_or_harmless(env, path)


# --------------------------------------------------------------------------- documents

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.sampled_from(
        ["", "2099-01-01", "1899-12-31", "0001-01-01", "moon-walk", "done", "x" * 20_001]
    )
    | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)


def _paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in the document below an athlete, except athlete names."""
    found = [path] if len(path) >= 3 else []
    if isinstance(value, dict):
        for key, child in value.items():
            if not (len(path) == 2 and key == "name"):
                found += _paths(child, (*path, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found += _paths(child, (*path, index))
    return found


@fuzz(ci=120, dev=25)
@given(data=st.data())
def test_a_signed_export_with_a_changed_value_is_refused_or_harmless_and_changes_nothing(
    database: Database, env: dict[str, str], tmp_path: Path, data: st.DataObject
) -> None:
    """The checksum is recomputed, so the content itself must be checked: every value of
    the document (set ranges, dates, plan documents, profiles ...) may change."""
    filled = _filled(database)
    document = json.loads(json.dumps(filled.before))
    paths = _paths(document)
    path = data.draw(st.sampled_from(paths))
    parent: Any = document
    for key in path[:-1]:
        parent = parent[key]
    action = data.draw(st.sampled_from(["replace", "delete", "add"]))
    if action == "replace":
        parent[path[-1]] = data.draw(json_values)
    elif action == "delete":
        del parent[path[-1]]
    elif isinstance(parent, dict):
        parent[data.draw(st.text(max_size=8))] = data.draw(json_values)
    else:
        parent.append(data.draw(json_values))
    file = tmp_path / "fuzz.json"
    file.write_text(transfer.document_to_json(document))

    filled.import_is_refused_or_harmless(env, file)


def resign_csv(body: str) -> str:
    """A CSV body with a fresh end row (count and checksum), as if calfcoach had written it."""
    import csv
    import io

    from calfcoach.formats.export_file import sha256_text

    try:
        count = sum(1 for _ in csv.reader(io.StringIO(body))) - 1
    except csv.Error:
        count = 0
    end = {"record": "end", "index": str(count), "text": f"sha256={sha256_text(body)}"}
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(
        [end.get(column, "") for column in transfer.CSV_COLUMNS]
    )
    return body + out.getvalue()


@fuzz(ci=120, dev=25)
@given(mutation=mutations.filter(lambda m: m[0] != "oversize"))
def test_a_signed_csv_with_changed_bytes_is_refused_or_harmless_and_changes_nothing(
    database: Database, env: dict[str, str], tmp_path: Path, mutation: Any
) -> None:
    """The end row is made afresh, so the CSV reader itself meets the damage."""
    filled = _filled(database)
    text = filled.files["csv"].decode()
    body = text[: text.rstrip("\n").rfind("\n") + 1]
    try:
        mutated = mutate(body.encode(), *mutation).decode()
    except UnicodeDecodeError:
        mutated = body[: len(body) // 2]
    file = tmp_path / "fuzz.csv"
    file.write_text(resign_csv(mutated), newline="")

    filled.import_is_refused_or_harmless(env, file)


_FILLED: dict[int, Filled] = {}


def _filled(database: Database) -> Filled:
    """One fill per test (hypothesis calls the test body once per example)."""
    key = id(database)
    if key not in _FILLED:
        _FILLED.clear()
        _FILLED[key] = Filled(database)
    return _FILLED[key]
