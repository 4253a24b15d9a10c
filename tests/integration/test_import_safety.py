"""Issue 7: an export checks itself (items 3, 20) and `import` obeys the CLI's rules (5, 14).

Every refusal is exit 2 with a message naming what is wrong, and the database is unchanged
(compared as an export before and after).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import pytest
from tests.integration import test_transfer as base

from calfcoach.services import transfer
from calfcoach.storage.db import Database

env = base.env  # fixtures
other_database = base.other_database
fill = base.fill
invoke = base.invoke


def everything(database: Database) -> dict[str, Any]:
    return transfer.export_document(database, None, everyone=True)


def export_text(database: Database, fmt: str) -> str:
    document = everything(database)
    return (
        transfer.document_to_json(document) if fmt == "json" else transfer.document_to_csv(document)
    )


def import_refused(env: dict[str, str], database: Database, path: Path) -> str:
    """Import ``path`` into ``database``; assert exit 2, no traceback, nothing changed."""
    before = everything(database)
    code, _, err = invoke(env, "import", str(path))
    assert code == 2, err
    assert err.startswith("error: ") and "Traceback" not in err
    assert everything(database) == before
    return err


# ---------------------------------------------------------------- 3: a cut file is refused


def test_a_csv_export_cut_by_three_lines_is_refused_as_truncated_and_writes_nothing(
    database: Database,
    other_database: Database,
    env: dict[str, str],
    tmp_path: Path,
) -> None:
    fill(database)
    lines = export_text(database, "csv").splitlines(keepends=True)
    cut = tmp_path / "cut.csv"
    cut.write_text("".join(lines[:-3]))
    other_env = {**env, "CALFCOACH_DATABASE_URL": other_database.url}

    err = import_refused(other_env, other_database, cut)

    assert "looks truncated or edited" in err
    assert everything(other_database)["athletes"] == []


@pytest.mark.parametrize("keep", [0.5, 0.9, 0.999])
def test_a_json_export_cut_short_is_refused_as_truncated_and_writes_nothing(
    database: Database,
    other_database: Database,
    env: dict[str, str],
    tmp_path: Path,
    keep: float,
) -> None:
    fill(database)
    text = export_text(database, "json")
    cut = tmp_path / "cut.json"
    cut.write_text(text[: int(len(text) * keep)])
    other_env = {**env, "CALFCOACH_DATABASE_URL": other_database.url}

    err = import_refused(other_env, other_database, cut)

    assert "looks truncated" in err
    assert everything(other_database)["athletes"] == []


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_an_edited_export_is_refused_by_its_checksum_and_writes_nothing(
    database: Database,
    other_database: Database,
    env: dict[str, str],
    tmp_path: Path,
    fmt: str,
) -> None:
    fill(database)
    text = export_text(database, fmt)
    assert "toe-taps" in text
    edited = tmp_path / f"edited.{fmt}"
    edited.write_text(text.replace("toe-taps", "toe-tops", 1))
    other_env = {**env, "CALFCOACH_DATABASE_URL": other_database.url}

    err = import_refused(other_env, other_database, edited)

    assert "checksum" in err and "looks truncated or edited" in err


def test_a_json_export_without_its_checksum_is_refused(
    database: Database,
    other_database: Database,
    env: dict[str, str],
    tmp_path: Path,
) -> None:
    fill(database)
    bare = tmp_path / "bare.json"
    bare.write_text(json.dumps(everything(database)))
    other_env = {**env, "CALFCOACH_DATABASE_URL": other_database.url}

    err = import_refused(other_env, other_database, bare)

    assert "no sha256 checksum" in err


def _as_version_2(text: str, fmt: str) -> str:
    """The file as calfcoach wrote it before issue 7: version 2, no checksum, no escapes
    (the test data has no cell that needs one)."""
    if fmt == "json":
        document = json.loads(text)
        del document["sha256"]
        document["format_version"] = 2
        return json.dumps(document, indent=2)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for row in csv.reader(io.StringIO(text)):
        if row[0] == "format":
            row[2] = "2"
        if row[0] != "end":
            writer.writerow(row)
    return out.getvalue()


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_an_old_version_2_export_without_a_checksum_still_imports_with_a_warning(
    database: Database,
    other_database: Database,
    env: dict[str, str],
    tmp_path: Path,
    fmt: str,
) -> None:
    fill(database)
    old = tmp_path / f"old.{fmt}"
    old.write_text(_as_version_2(export_text(database, fmt), fmt))
    other_env = {**env, "CALFCOACH_DATABASE_URL": other_database.url}

    code, out, err = invoke(other_env, "import", str(old))

    assert code == 0, err
    assert "Imported 'ana'" in out
    assert err.startswith("warning: old.") and "has no checksum" in err
    assert everything(other_database) == everything(database)


# ---------------------------------------------------------------- 20: no formula reaches a CSV

FORMULAS = ['=HYPERLINK("http://x")', "+1+1", "-2", "@SUM(A1)", "\tTAB", "'quoted"]


def test_cells_beginning_with_a_formula_character_are_neutralised_and_round_trip_exactly(
    database: Database,
    other_database: Database,
    env: dict[str, str],
    tmp_path: Path,
) -> None:
    fill(database, name="=cmd|' /C calc'!A0")
    with database.unit_of_work() as uow:
        athlete = uow.athletes.by_name("=cmd|' /C calc'!A0")
        for text in FORMULAS:
            uow.logs.add_note(athlete.id, dt.date(2026, 3, 3), text)
        uow.commit()
    text = export_text(database, "csv")

    cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert "'=cmd|' /C calc'!A0" in cells and "''quoted" in cells and "'-2" in cells

    path = tmp_path / "formulas.csv"
    path.write_text(text, newline="")
    other_env = {**env, "CALFCOACH_DATABASE_URL": other_database.url}
    code, _, err = invoke(other_env, "import", str(path))
    assert code == 0, err
    assert export_text(other_database, "csv") == text
    notes = [n["text"] for n in everything(other_database)["athletes"][0]["notes"]]
    assert [note for note in notes if note in FORMULAS] == FORMULAS
