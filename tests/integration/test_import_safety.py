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
from tests.service_calls import local, on

from calfcoach.services import transfer
from calfcoach.storage.db import Database

env = base.env  # fixtures
other_database = base.other_database
fill = base.fill
invoke = base.invoke


def everything(database: Database) -> dict[str, Any]:
    return transfer.export_document(*local(database), None, everyone=True)


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


@pytest.mark.parametrize(
    "change",
    ["windows line endings", "blank lines after the end row", "both"],
)
def test_a_csv_export_with_windows_line_endings_or_blank_lines_after_its_end_imports_whole(
    database: Database,
    other_database: Database,
    env: dict[str, str],
    tmp_path: Path,
    change: str,
) -> None:
    """What an editor, a mail program or Git on Windows does to a text file changes no
    record: the file was refused as "truncated or edited" (a JSON export with the same
    changes imported, its checksum being over the data)."""
    fill(database)
    text = export_text(database, "csv")
    if change != "blank lines after the end row":
        text = text.replace("\n", "\r\n")
    if change != "windows line endings":
        text += "\r\n\n" if change == "both" else "\n\n"
    path = tmp_path / "edited.csv"
    path.write_bytes(text.encode())
    other_env = {**env, "CALFCOACH_DATABASE_URL": other_database.url}

    code, _, err = invoke(other_env, "import", str(path))

    assert code == 0, err
    assert everything(other_database)["athletes"] == everything(database)["athletes"]


def test_a_csv_export_edited_past_its_line_endings_is_still_refused(
    database: Database,
    other_database: Database,
    env: dict[str, str],
    tmp_path: Path,
) -> None:
    fill(database)
    text = export_text(database, "csv").replace("\n", "\r\n")
    lines = text.split("\r\n")
    lines[3] = lines[3].replace("2026", "2025", 1)
    assert "\r\n".join(lines) != text
    path = tmp_path / "edited.csv"
    path.write_bytes("\r\n".join(lines).encode())
    other_env = {**env, "CALFCOACH_DATABASE_URL": other_database.url}

    err = import_refused(other_env, other_database, path)

    assert "the checksum in the end row does not match the content" in err


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

FORMULAS = ['=HYPERLINK("http://x")', "+1+1", "-2", "@SUM(A1)", "\tTAB", "\rCR", "'quoted"]


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

    cells = [cell for row in csv.reader(io.StringIO(text, newline="")) for cell in row]
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


# ---------------------------------------------------------------- 5: the CLI's rules, one model


def _set(path: list[Any], value: Any) -> Any:
    def change(document: dict[str, Any]) -> None:
        target: Any = document
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return change


def _twice(document: dict[str, Any]) -> None:
    sessions = document["athletes"][0]["sessions"]
    done = next(s for s in sessions if s["status"] == "done")
    sessions.append({**done, "status": "skipped", "sets": []})


def _plan_of_a_billion_sets(document: dict[str, Any]) -> None:
    plan = document["athletes"][0]["plans"][0]["plan"]
    plan["sessions"][0]["exercises"][0]["sets"] = 1_000_000_000


A = ["athletes", 0]
S = [*A, "sessions", 0, "sets", 0]
DOSES = ("reps", "seconds", "distance_m", "contacts")

BAD_DOCUMENTS = [
    (
        "unknown exercise",
        _set([*S, "exercise"], "moon-walk"),
        'athletes[0].sessions[0].sets[0].exercise: "moon-walk" is not an exercise of the '
        "catalog; allowed: an id from `calfcoach exercises`",
    ),
    (
        "session in 2099",
        _set([*A, "sessions", 0, "date"], "2099-06-01"),
        'athletes[0].sessions[0].date: "2099-06-01" is in the future; allowed: today (',
    ),
    (
        "check-in before 1900",
        _set([*A, "checkins", 0, "date"], "1899-12-31"),
        'athletes[0].checkins[0].date: "1899-12-31" is out of range; allowed: 1900-01-01 to ',
    ),
    (
        "two sessions on one date",
        _twice,
        "has a second done or skipped session; allowed: one done or skipped session per day",
    ),
    (
        "a plan of a billion sets",
        _plan_of_a_billion_sets,
        "athletes[0].plans[0].plan.sessions[0].exercises[0].sets: 1000000000 is out of range; "
        "allowed: 0-50",
    ),
    (
        "a plan document that does not read",
        _set([*A, "plans", 0, "plan", "schema_version"], []),
        "athletes[0].plans[0].plan: does not read as a plan; allowed: a plan as `calfcoach",
    ),
    (
        "unknown field",
        _set([*S, "mood"], "happy"),
        "athletes[0].sessions[0].sets[0].mood: unknown field; allowed: exercise, set_number",
    ),
    (
        "unknown top-level field",
        _set(["comment"], "hi"),
        "comment: unknown field; allowed: format, format_version, athletes, sha256",
    ),
    (
        "huge note",
        _set([*A, "notes", 0, "text"], "x" * 300_000),
        'athletes[0].notes[0].text: "' + "x" * 56 + "... is too long (300000 characters); "
        "allowed: text of at most 10000 characters",
    ),
    (
        "a number as text",
        _set([*S, "rpe"], "8"),
        'athletes[0].sessions[0].sets[0].rpe: "8" is not a whole number; allowed: 1-10',
    ),
    (
        "true as a number",
        _set([*S, "reps"], True),
        "athletes[0].sessions[0].sets[0].reps: true is not a whole number; allowed: 0-500 reps",
    ),
    (
        "a load out of range",
        _set([*S, "load_kg"], 1e308),
        "athletes[0].sessions[0].sets[0].load_kg: 1e+308 is out of range; allowed: 0-500 kg",
    ),
    (
        "a missing field",
        lambda d: d["athletes"][0]["checkins"][0].pop("pain"),
        "athletes[0].checkins[0].pain: missing; allowed: 0-10",
    ),
    (
        "a set without a dose",
        lambda d: [d["athletes"][0]["sessions"][0]["sets"][0].pop(k, None) for k in DOSES],
        "athletes[0].sessions[0].sets[0]: no dose; allowed: one of reps, seconds, distance_m, "
        "contacts",
    ),
    (
        "a profile value coerced",
        _set([*A, "profile", "sessions_per_week"], "2"),
        "athletes[0].profile.sessions_per_week: '2' is not a whole number; allowed: 1-3",
    ),
]


@pytest.mark.parametrize(
    ("change", "message"), [b[1:] for b in BAD_DOCUMENTS], ids=[b[0] for b in BAD_DOCUMENTS]
)
def test_an_import_that_breaks_a_rule_of_the_cli_is_refused_naming_path_value_and_allowed(
    database: Database, env: dict[str, str], tmp_path: Path, change: Any, message: str
) -> None:
    fill(database)
    document = transfer.export_document(*on(database, "ana"))
    document["athletes"][0]["name"] = "zed"  # not a name clash: the content is refused
    change(document)
    path = tmp_path / "bad.json"
    path.write_text(transfer.document_to_json(document))  # signed: only the content is wrong

    err = import_refused(env, database, path)

    assert message in err, err


def test_an_import_with_many_problems_names_the_first_ten_and_counts_the_rest(
    database: Database, env: dict[str, str], tmp_path: Path
) -> None:
    fill(database)
    document = transfer.export_document(*on(database, "ana"))
    document["athletes"][0]["name"] = "zed"
    for checkin in document["athletes"][0]["checkins"]:
        checkin["pain"] = 99
    for _ in range(14):
        document["athletes"][0]["tests"].append({**document["athletes"][0]["tests"][0], "left": -1})
    path = tmp_path / "bad.json"
    path.write_text(transfer.document_to_json(document))

    err = import_refused(env, database, path)

    assert err.count("\nerror: ") + 1 == 11
    assert "error: ... and " in err and "more problems (nothing was imported)" in err


def test_an_import_file_above_50_mb_is_refused_before_it_is_read(
    database: Database, env: dict[str, str], tmp_path: Path
) -> None:
    fill(database)
    path = tmp_path / "huge.json"
    with path.open("wb") as handle:
        handle.truncate(50 * 1024 * 1024 + 1)

    err = import_refused(env, database, path)

    assert "huge.json: 52428801 bytes is too large; allowed: at most 52428800 bytes" in err


# ---------------------------------------------------------------- 14: deep nesting


def test_a_deeply_nested_import_file_is_refused_with_a_message_not_a_recursion_error(
    database: Database, env: dict[str, str], tmp_path: Path
) -> None:
    fill(database)
    path = tmp_path / "deep.json"
    depth = 200_000
    path.write_text('{"format": "calfcoach-export", "athletes": ' + "[" * depth + "]" * depth + "}")

    err = import_refused(env, database, path)

    assert "deep.json: nested too deeply; allowed: at most 64 levels" in err
