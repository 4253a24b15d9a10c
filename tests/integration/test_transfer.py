"""Export, import, backup and restore: round trips lose nothing, refusals write nothing."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.integration.test_services import PROFILE, START
from tests.service_calls import local, on
from typer.testing import CliRunner

from calfcoach.cli import app
from calfcoach.core.models import CapacityTest, HopTest, Race
from calfcoach.errors import InputError
from calfcoach.services import athletes, training, transfer
from calfcoach.services.training import SetInput
from calfcoach.settings import sqlite_url
from calfcoach.storage import migrate
from calfcoach.storage.db import Database

TODAY = dt.date(2026, 4, 30)
DAYS = [START + dt.timedelta(days=n) for n in range(0, 28)]


def fill(database: Database, name: str = "ana") -> None:
    """An athlete with a bit of everything: sets, a whole session, a skip, a move, a
    check-in, tests, a note and a second (re-)plan."""
    athletes.add_athlete(*local(database), PROFILE, start=START, weeks=6, name=name)
    current = training.current_plan(*on(database, name), START)
    sessions = [s for s in current.plan.sessions if s.date < START + dt.timedelta(days=28)]
    training.log_session_as_prescribed(
        *on(database, name), sessions[0].date, today=TODAY, rpe=6, pain=1
    )
    training.skip_session(*on(database, name), sessions[1].date)
    training.move_session(
        *on(database, name), sessions[3].date, sessions[3].date + dt.timedelta(days=3), today=START
    )
    day = sessions[2].date
    training.log_set(*on(database, name), day,
        SetInput(exercise="toe-taps", set_number=1, seconds=55, side="left", rpe=3, pain=0),
        today=TODAY,
    )  # fmt: skip
    training.log_set(*on(database, name), day,
        SetInput(exercise="bent-knee-heel-raise", set_number=1, reps=8, load_kg=12.5, rpe=8,
                 pain=2),
        today=TODAY,
    )  # fmt: skip
    training.record_checkin(*on(database, name), day + dt.timedelta(days=1), pain=2, stiffness=1,
                            today=TODAY)  # fmt: skip
    training.record_test(
        *on(database, name), CapacityTest(date=day, left=21, right=24), today=TODAY
    )
    training.record_test(
        *on(database, name), CapacityTest(date=day, left=30, right=28, knee="bent"), today=TODAY
    )
    with database.unit_of_work() as uow:
        athlete = uow.athletes.by_name(name)
        uow.logs.add_note(athlete.id, day, 'felt "bouncy", left calf tight,\nnew line')
        uow.commit()
    # A re-plan: the first plan stays in the history, inactive.
    with database.unit_of_work() as uow:
        athlete = uow.athletes.by_name(name)
        stored = uow.plans.active(athlete.id)
        assert stored is not None
        uow.plans.add(athlete.id, stored.plan, athlete.profile, catalog_version="test")
        uow.commit()


@pytest.fixture
def other_database(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[Database]:
    """A second, empty database at the head revision, on the same backend."""
    if backend == "sqlite":
        url = sqlite_url(tmp_path / "other.sqlite3")
        migrate.upgrade(url)
        with Database(url) as database:
            yield database
        return
    server = request.getfixturevalue("postgres_server")
    name = server.create()
    try:
        url = server.url(name)
        migrate.upgrade(url)
        with Database(url) as database:
            yield database
    finally:
        server.drop(name)


def test_export_import_export_gives_the_same_json(
    database: Database, other_database: Database
) -> None:
    fill(database)
    first = transfer.export_document(*on(database, "ana"))

    transfer.import_document(*local(other_database), json.loads(transfer.document_to_json(first)))
    second = transfer.export_document(*on(other_database, "ana"))

    assert second == first
    athlete = first["athletes"][0]
    assert len(athlete["plans"]) == 2 and [p["active"] for p in athlete["plans"]] == [False, True]
    assert {s["status"] for s in athlete["sessions"]} == {"done", "skipped", "moved"}
    assert athlete["notes"][0]["text"].endswith("new line")


def test_export_import_export_gives_the_same_csv(
    database: Database, other_database: Database
) -> None:
    fill(database)
    text = transfer.document_to_csv(transfer.export_document(*on(database, "ana")))

    transfer.import_document(
        *local(other_database), transfer.parse_export(text.encode(), source="x.csv")
    )

    assert transfer.document_to_csv(transfer.export_document(*on(other_database, "ana"))) == text
    assert transfer.export_document(*on(other_database, "ana")) == transfer.export_document(
        *on(database, "ana")
    )


def test_importing_an_athlete_that_exists_is_refused_and_writes_nothing(
    database: Database,
) -> None:
    fill(database)
    document = transfer.export_document(*on(database, "ana"))
    before = transfer.export_document(*local(database), None, everyone=True)

    with pytest.raises(InputError, match="athletes\\[0\\].name: an athlete named 'ana'"):
        transfer.import_document(*local(database), document)

    assert transfer.export_document(*local(database), None, everyone=True) == before


def _corrupt(document: dict[str, Any], path: list[Any], value: Any) -> dict[str, Any]:
    copy = json.loads(json.dumps(document))
    target = copy
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return copy


CORRUPTIONS = [
    (
        ["athletes", 0, "sessions", 0, "sets", 0, "rpe"],
        11,
        "sets[0].rpe: 11 is out of range; allowed: 1-10",
    ),
    (
        ["athletes", 0, "sessions", 0, "sets", 0, "reps"],
        -1,
        "sets[0].reps: -1 is out of range; allowed: 0-500 reps",
    ),
    (["athletes", 0, "sessions", 0, "sets", 0, "load_kg"], 900, "load_kg: 900"),
    (["athletes", 0, "sessions", 0, "date"], "yesterday", 'sessions[0].date: "yesterday"'),
    (
        ["athletes", 0, "checkins", 0, "pain"],
        12,
        "checkins[0].pain: 12 is out of range; allowed: 0-10",
    ),
    (
        ["athletes", 0, "tests", 0, "left"],
        -2,
        "tests[0].left: -2 is out of range; allowed: 0-500 reps",
    ),
    (["athletes", 0, "profile", "level"], "elite", "athletes[1].profile.level: 'elite'"),
    (["athletes", 0, "plans", 0, "plan", "schema_version"], 7, "schema_version is 7"),
    (["format_version"], 9, "format_version: 9 is not allowed; allowed: 1, 2, 3"),
]


@pytest.mark.parametrize(("path", "value", "message"), CORRUPTIONS, ids=[c[2] for c in CORRUPTIONS])
def test_a_corrupt_import_is_refused_naming_the_field_and_writes_nothing(
    database: Database, other_database: Database, path: list[Any], value: Any, message: str
) -> None:
    fill(database)
    document = transfer.export_document(*on(database, "ana"))
    # A good athlete first and the corrupt one second, so "nothing" really means nothing.
    good = json.loads(json.dumps(document["athletes"][0]))
    good["name"] = "first"
    document = _corrupt(document, path, value)
    document["athletes"].insert(0, good)

    with pytest.raises(InputError) as caught:
        transfer.import_document(
            *local(other_database),
            # Signed again: the content itself is refused, not only its checksum.
            transfer.parse_export(transfer.document_to_json(document).encode(), source="f"),
        )

    assert message in str(caught.value)
    assert transfer.export_document(*local(other_database), None, everyone=True)["athletes"] == []


# ---------------------------------------------------------------- the commands


@pytest.fixture
def env(database_url: str, tmp_path: Path) -> dict[str, str]:
    return {"CALFCOACH_HOME": str(tmp_path / "home"), "CALFCOACH_DATABASE_URL": database_url}


def invoke(env: dict[str, str], *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args), env=env)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_the_export_and_import_commands_round_trip(
    database: Database, other_database: Database, env: dict[str, str], tmp_path: Path, fmt: str
) -> None:
    fill(database)
    out = tmp_path / f"ana.{fmt}"
    code, _, err = invoke(env, "export", "--format", fmt, "--output", str(out))
    assert code == 0, err

    other_env = {**env, "CALFCOACH_DATABASE_URL": other_database.url}
    code, stdout, err = invoke(other_env, "import", str(out))
    assert code == 0, err
    assert "Imported 'ana'" in stdout
    code, again, _ = invoke(other_env, "export", "--format", fmt)
    assert again == out.read_text()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\xff\xfe\x00garbage", "not UTF-8 text"),
        (b'{"format": "calfcoach-export", ', "not valid JSON"),
        (b"hello,world\n1,2\n", "not a calfcoach export"),
        (b'{"format": "something-else"}', "format: not 'calfcoach-export'"),
        (b"record,athlete\nathlete,x\n", "line 1: the columns are not those"),
    ],
)
def test_the_import_command_refuses_a_corrupt_file_with_status_2_and_writes_nothing(
    database: Database, env: dict[str, str], tmp_path: Path, content: bytes, message: str
) -> None:
    fill(database)
    before = transfer.export_document(*local(database), None, everyone=True)
    bad = tmp_path / "bad.json"
    bad.write_bytes(content)

    code, _, err = invoke(env, "import", str(bad))

    assert code == 2 and message in err and "Traceback" not in err
    assert transfer.export_document(*local(database), None, everyone=True) == before


def test_the_export_command_refuses_a_bad_format(database: Database, env: dict[str, str]) -> None:
    fill(database)
    code, _, err = invoke(env, "export", "--format", "xml")
    assert code == 2 and "--format: 'xml' is not allowed; allowed: json, csv" in err


def test_backup_then_restore_brings_back_the_data_as_it_was(
    database: Database, env: dict[str, str], tmp_path: Path
) -> None:
    fill(database)
    before = transfer.export_document(*local(database), None, everyone=True)
    backup_file = tmp_path / "backup.db"
    code, out, err = invoke(env, "backup", str(backup_file))
    assert code == 0, err

    # Later changes are undone by the restore (SQLite) ...
    training.record_checkin(*on(database, "ana"), TODAY, pain=0, stiffness=0, today=TODAY)
    if database.backend == "sqlite":
        database.dispose()  # a SQLite restore needs every other connection closed (D-31)
        code, out, err = invoke(env, "restore", str(backup_file))
        assert code == 0, err
        assert "kept in" in out
        assert transfer.export_document(*local(database), None, everyone=True) == before
    else:
        # ... while on PostgreSQL the JSON backup goes into a database without athletes.
        code, _, err = invoke(env, "restore", str(backup_file))
        assert code == 2 and "already holds 1 athlete(s)" in err


def test_restore_of_a_json_backup_fills_an_empty_database(
    database: Database, other_database: Database, env: dict[str, str], tmp_path: Path
) -> None:
    fill(database)
    backup_file = tmp_path / "backup.json"
    backup_file.write_text(
        transfer.document_to_json(transfer.export_document(*local(database), None, everyone=True))
    )
    other_env = {**env, "CALFCOACH_DATABASE_URL": other_database.url}
    code, _, err = invoke(other_env, "restore", str(backup_file))
    assert code == 0, err
    assert transfer.export_document(*local(other_database), None, everyone=True) == (
        transfer.export_document(*local(database), None, everyone=True)
    )


def test_restore_refuses_a_file_that_is_not_a_backup(
    database: Database, env: dict[str, str], tmp_path: Path
) -> None:
    fill(database)
    before = transfer.export_document(*local(database), None, everyone=True)
    bad = tmp_path / "bad.sqlite3"
    bad.write_bytes(b"SQLite format 3\x00" + b"\x00" * 200)
    code, _, err = invoke(env, "restore", str(bad))
    assert code == 2 and "not a calfcoach backup" in err
    assert transfer.export_document(*local(database), None, everyone=True) == before


# ---------------------------------------------------------------- v2 data (issue 6)

V2_PROFILE = PROFILE.model_copy(
    update={
        # In date order, as a validated profile has them (model_copy does not validate).
        "races": (
            Race(date=START + dt.timedelta(days=20), distance_km=5, tune_up=True),
            Race(date=START + dt.timedelta(days=40), distance_km=42.195, name="City marathon"),
        ),
        "complaints": frozenset({"achilles_insertional", "shin"}),
        "usual_pain": 3,
        "bone_stress_history": True,
        "missed_periods": True,
        "sessions_per_week": None,
    }
)


def fill_v2(database: Database, name: str = "bo") -> None:
    """An athlete with the v2 records: a red-flag check-in and its clearance (R-PAIN-2a),
    hop tests (R-TEST-5), race objects and the new intake keys."""
    athletes.add_athlete(*local(database), V2_PROFILE, start=START, weeks=6, name=name)
    training.record_checkin(
        *on(database, name),
        START + dt.timedelta(days=1),
        pain=4,
        stiffness=2,
        today=TODAY,
        red_flags=("bone_spot", "pop"),
    )
    training.record_checkin(
        *on(database, name), START + dt.timedelta(days=2), pain=1, stiffness=1, today=TODAY
    )
    training.record_clearance(
        *on(database, name), START + dt.timedelta(days=5), today=TODAY, note='Dr "K": fine, go on'
    )
    training.record_hop_test(
        *on(database, name),
        HopTest(date=START + dt.timedelta(days=9), hops=40, pain=0),
        today=TODAY,
    )
    training.record_hop_test(*on(database, name),
        HopTest(date=START + dt.timedelta(days=17), hops=12, pain=3, side="left"), today=TODAY,
    )  # fmt: skip


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_red_flags_hop_tests_clearances_and_race_objects_round_trip(
    database: Database, other_database: Database, fmt: str
) -> None:
    fill(database)
    fill_v2(database)
    first = transfer.export_document(*local(database), None, everyone=True)
    text = transfer.document_to_json(first) if fmt == "json" else transfer.document_to_csv(first)

    transfer.import_document(
        *local(other_database), transfer.parse_export(text.encode(), source="f")
    )
    second = transfer.export_document(*local(other_database), None, everyone=True)

    assert second == first
    assert first["format_version"] == 5
    bo = next(a for a in first["athletes"] if a["name"] == "bo")
    assert bo["checkins"][0]["red_flags"] == ["pop", "bone_spot"]
    assert bo["checkins"][1]["red_flags"] == []
    assert bo["clearances"] == [
        {"date": (START + dt.timedelta(days=5)).isoformat(), "note": 'Dr "K": fine, go on'}
    ]
    assert [(h["hops"], h["pain"], h["side"]) for h in bo["hop_tests"]] == [
        (40, 0, "both"),
        (12, 3, "left"),
    ]
    with other_database.unit_of_work(read_only=True) as uow:
        profile = uow.athletes.by_name("bo").profile
        log = uow.logs.load_training_log(uow.athletes.by_name("bo").id)
    assert profile == V2_PROFILE
    assert log.checkins[0].red_flags == frozenset({"pop", "bone_spot"})
    assert len(log.hop_tests) == 2 and len(log.clearances) == 1


def _as_version_1(document: dict[str, Any]) -> dict[str, Any]:
    """An export as calfcoach wrote it before issue 6: no red flags, hop tests, clearances."""
    old = json.loads(json.dumps(document))
    old["format_version"] = 1
    for athlete in old["athletes"]:
        del athlete["hop_tests"], athlete["clearances"]
        for checkin in athlete["checkins"]:
            del checkin["red_flags"]
    return old


def test_an_old_json_export_without_the_v2_records_still_imports(
    database: Database, other_database: Database
) -> None:
    fill(database)
    old = _as_version_1(transfer.export_document(*on(database, "ana")))

    transfer.import_document(
        *local(other_database), transfer.parse_export(json.dumps(old).encode(), source="old.json")
    )

    assert transfer.export_document(*on(other_database, "ana")) == transfer.export_document(
        *on(database, "ana")
    )


def test_an_old_csv_export_with_the_version_1_columns_still_imports(
    database: Database, other_database: Database
) -> None:
    import csv
    import io

    fill(database)
    text = transfer.document_to_csv(transfer.export_document(*on(database, "ana")))
    rows = list(csv.reader(io.StringIO(text)))
    width = len(transfer.CSV_COLUMNS_V1)
    old = io.StringIO()
    writer = csv.writer(old, lineterminator="\n")
    for row in rows:
        if row[0] == "format":
            row[2] = "1"
        if row[0] != "end":  # version 1 had no end row (no checksum)
            writer.writerow(row[:width])

    transfer.import_document(
        *local(other_database), transfer.parse_export(old.getvalue().encode(), source="old.csv")
    )

    assert transfer.export_document(*on(other_database, "ana")) == transfer.export_document(
        *on(database, "ana")
    )


V2_CORRUPTIONS = [
    (["athletes", 0, "checkins", 0, "red_flags"], ["pop", "itch"], "checkins[0].red_flags"),
    (["athletes", 0, "hop_tests", 0, "hops"], -1, "hop_tests[0].hops: -1 is out of range"),
    (["athletes", 0, "hop_tests", 0, "side"], "up", 'hop_tests[0].side: "up"'),
    (["athletes", 0, "clearances", 0, "date"], "soon", 'clearances[0].date: "soon"'),
]


@pytest.mark.parametrize(
    ("path", "value", "message"), V2_CORRUPTIONS, ids=[c[2] for c in V2_CORRUPTIONS]
)
def test_a_corrupt_v2_record_is_refused_naming_the_field_and_writes_nothing(
    database: Database, other_database: Database, path: list[Any], value: Any, message: str
) -> None:
    fill_v2(database)
    document = _corrupt(transfer.export_document(*on(database, "bo")), path, value)

    with pytest.raises(InputError) as caught:
        transfer.import_document(
            *local(other_database),
            # Signed again: the content itself is refused, not only its checksum.
            transfer.parse_export(transfer.document_to_json(document).encode(), source="f"),
        )

    assert message in str(caught.value)
    assert transfer.export_document(*local(other_database), None, everyone=True)["athletes"] == []


def test_an_older_export_whose_names_hold_control_characters_still_imports_cleaned(
    database: Database, other_database: Database
) -> None:
    """D-154: a profile or race name with a control character was allowed before; an export
    file of that time restores, its names put in today's form (as migration 0012 does)."""
    fill(database)
    old = json.loads(transfer.document_to_json(transfer.export_document(*on(database, "ana"))))
    dirty = {"date": "2026-05-10", "name": "Spring\n\x1b[2JHalf\u202e"}
    athlete = old["athletes"][0]
    for profile in [athlete["profile"]] + [p["inputs"]["profile"] for p in athlete["plans"]]:
        profile["name"] = "Ana\tLopes"
        profile["races"] = [*profile["races"], dirty]
    from calfcoach.formats.export_file import CHECKSUM_KEY, json_checksum

    old[CHECKSUM_KEY] = json_checksum(old)  # as that version wrote it

    transfer.import_document(
        *local(other_database), transfer.parse_export(json.dumps(old).encode(), source="old.json")
    )

    (restored,) = transfer.export_document(*on(other_database, "ana"))["athletes"]
    for profile in [restored["profile"]] + [p["inputs"]["profile"] for p in restored["plans"]]:
        assert profile["name"] == "Ana Lopes"
        (race,) = [r for r in profile["races"] if r["date"] == "2026-05-10"]
        assert race == {
            "date": "2026-05-10",
            "distance_km": None,
            "name": "Spring [2JHalf",
            "tune_up": False,
        }
