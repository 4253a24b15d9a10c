"""The sqlite3 read path (``storage.sqlite_reader``) returns what the SQLAlchemy one does."""

from __future__ import annotations

import dataclasses
import datetime as dt
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from tests.integration.test_storage import DAY, add_athlete, make_plan, make_profile, make_set

from calfcoach.core.models import CapacityTest, CheckIn, Clearance, HopTest
from calfcoach.settings import sqlite_url
from calfcoach.storage.db import Database
from calfcoach.storage.sqlite_reader import open_reader


@pytest.fixture
def sqlite_database(sqlite_template: Path, tmp_path: Path) -> Database:
    path = tmp_path / "calfcoach.sqlite3"
    path.write_bytes(sqlite_template.read_bytes())
    return Database(sqlite_url(path))


def _fill(database: Database) -> None:
    ana = add_athlete(database, "ana")
    add_athlete(database, "bo", make_profile(level="novice", complaints=[]))
    with database.unit_of_work() as uow:
        uow.plans.add(ana, make_plan(title="Old"), make_profile())
        uow.plans.add(ana, make_plan(title="New"), make_profile(level="advanced"))
        log = uow.logs.log_session(ana, DAY, [make_set(1), make_set(2, side="right")])
        uow.logs.add_sets(log.id, [make_set(3, reps=None, seconds=30, load_kg=None, rpe=None)])
        uow.logs.log_session(ana, DAY + dt.timedelta(days=2), status="skipped")
        uow.logs.log_session(
            ana, DAY + dt.timedelta(days=4), status="moved", moved_to=DAY + dt.timedelta(days=5)
        )
        uow.logs.add_checkin(ana, CheckIn(DAY + dt.timedelta(days=1), 3, 4))
        uow.logs.add_checkin(ana, CheckIn(DAY + dt.timedelta(days=3), 5, 4, frozenset({"pop"})))
        uow.logs.add_test(ana, CapacityTest(DAY, 20, 22, knee="bent"))
        uow.logs.add_hop_test(ana, HopTest(DAY + dt.timedelta(days=2), 30, 1, "left"))
        uow.logs.add_clearance(ana, Clearance(DAY + dt.timedelta(days=6), "cleared"))
        uow.logs.add_clearance(ana, Clearance(DAY + dt.timedelta(days=7)))
        new = uow.plans.active(ana)
        assert new is not None
        first, second = new.plan.sessions[:2]
        uow.history.fix(ana, new.id, first, "end of its day")
        uow.history.fix(ana, new.id, second, "first logged set")
        stopped = dataclasses.replace(second, exercises=(), status="stopped", advice="See one.")
        uow.history.fix(ana, new.id, stopped, "R-PAIN-2a stop")
        uow.snapshots.put(ana, new.id, DAY + dt.timedelta(days=1), {"usual": 2, "flare": None})
        uow.commit()


def _reads(uow: object) -> tuple[object, ...]:
    athletes = uow.athletes  # type: ignore[attr-defined]
    plans = uow.plans  # type: ignore[attr-defined]
    logs = uow.logs  # type: ignore[attr-defined]
    everyone = athletes.all()
    return (
        everyone,
        athletes.find("ana"),
        athletes.find("ANA"),  # names match ignoring case (issue 7, item 20)
        athletes.find(" Ana "),
        athletes.find("nobody"),
        athletes.get(everyone[0].id),
        [plans.active(a.id) for a in everyone],
        [plans.get(p.id) for a in everyone if (p := plans.active(a.id)) is not None],
        [logs.session_logs(a.id) for a in everyone],
        [logs.load_training_log(a.id) for a in everyone],
        [
            logs.load_training_log(a.id, since=DAY + dt.timedelta(days=days))
            for a in everyone
            for days in (0, 2, 3, 30)
        ],
        _history_and_snapshots(uow, everyone),
    )


def _history_and_snapshots(uow: object, everyone: list[object]) -> list[object]:
    history = uow.history  # type: ignore[attr-defined]
    snapshots = uow.snapshots  # type: ignore[attr-defined]
    reads: list[object] = []
    for athlete in everyone:
        plan = uow.plans.active(athlete.id)  # type: ignore[attr-defined]
        if plan is None:
            continue
        days = [s.date for s in plan.plan.sessions[:3]]
        reads += [
            history.fixed(athlete.id, plan.id),
            [history.fixed(athlete.id, plan.id, up_to=day) for day in days],
            [history.versions(athlete.id, plan.id, day) for day in days],
            snapshots.get(athlete.id, plan.id),
            snapshots.get(athlete.id, plan.id + 1000),
        ]
    return reads


def test_the_reader_returns_the_records_the_repositories_do(sqlite_database: Database) -> None:
    _fill(sqlite_database)
    with sqlite_database.unit_of_work(read_only=True) as uow:
        expected = _reads(uow)
    sqlite_database.dispose()
    reader = open_reader(sqlite_database.url)
    assert reader is not None
    with reader, reader.unit_of_work(read_only=True) as uow:
        assert _reads(uow) == expected
    assert expected[1] == expected[2] == expected[3] is not None
    assert expected[6][0] is not None and expected[6][0].plan.sessions[0].title == "New w1"
    assert expected[7] == [p for p in expected[6] if p is not None]
    history = expected[11]
    assert isinstance(history, list) and len(history[0]) == 2  # what is compared is not empty
    assert [v.version for v in history[2][1]] == [1, 2] and history[3] is not None


def test_the_reader_is_only_for_a_sqlite_file_at_the_head_revision(
    sqlite_database: Database, tmp_path: Path
) -> None:
    assert open_reader(sqlite_url(tmp_path / "missing.sqlite3")) is None
    assert open_reader("sqlite://") is None
    assert open_reader("sqlite:///:memory:") is None
    assert open_reader("postgresql+psycopg://u@localhost/db") is None
    empty = tmp_path / "empty.sqlite3"
    sqlite3.connect(empty).close()
    assert open_reader(sqlite_url(empty)) is None  # no tables: open_database migrates it
    not_a_database = tmp_path / "text.sqlite3"
    not_a_database.write_text("hello")
    assert open_reader(sqlite_url(not_a_database)) is None  # open_database reports it
    with sqlite_database.engine.begin() as connection:
        connection.exec_driver_sql("UPDATE alembic_version SET version_num = '9999'")
    sqlite_database.dispose()
    assert open_reader(sqlite_database.url) is None


def test_the_reader_only_reads(sqlite_database: Database) -> None:
    reader = open_reader(sqlite_database.url)
    assert reader is not None
    with reader, pytest.raises(RuntimeError):
        reader.unit_of_work()


def test_today_on_sqlite_imports_no_sqlalchemy(sqlite_database: Database, tmp_path: Path) -> None:
    _fill(sqlite_database)
    sqlite_database.dispose()
    code = (
        "import sys\n"
        "from calfcoach.cli import main\n"
        "sys.argv = ['calfcoach', 'today', '--athlete', 'ana', '--date', '2026-03-03']\n"
        "try:\n"
        "    main()\n"
        "except SystemExit as exit:\n"
        "    assert not exit.code, exit.code\n"
        "assert not [m for m in sys.modules if m.startswith('sqlalchemy')], 'sqlalchemy'\n"
    )
    env = {"CALFCOACH_DATABASE_URL": sqlite_database.url, "PATH": ""}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=False
    )
    assert done.returncode == 0, done.stderr
    assert "2026-03-03" in done.stdout
