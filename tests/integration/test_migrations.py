"""Migrations: up from empty, down and up again, on first use; settings and open errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text
from typer.testing import CliRunner

from calfcoach.core.models import Profile
from calfcoach.errors import StorageError
from calfcoach.settings import Settings, normalise_database_url
from calfcoach.storage import migrate
from calfcoach.storage.db import Database, make_engine, open_database
from calfcoach.storage.orm import Base
from calfcoach.storage.plan_doc import plan_to_doc

TABLES = {
    "athletes",
    "plans",
    "planned_sessions",
    "session_logs",
    "logged_sets",
    "checkins",
    "capacity_tests",
    "notes",
    "hop_tests",
    "clearances",
    "fixed_sessions",
    "engine_snapshots",
    "calendar_tokens",  # 0005
    "day_answers",  # 0006
    "runs",  # 0007
    "planned_events",  # 0007
    "access_tokens",  # 0008
    "accounts",  # 0009
    "auth_sessions",  # 0009
    "login_throttle",  # 0009
    "one_time_tokens",  # 0009
    "coach_links",  # 0009
    "coach_invitations",  # 0010
    "coach_notes",  # 0010
    "audit_events",  # 0010
}
TABLES_0010 = {"coach_invitations", "coach_notes", "audit_events"}
TABLES_0009 = {
    "accounts",
    "auth_sessions",
    "login_throttle",
    "one_time_tokens",
    "coach_links",
} | TABLES_0010  # and the later tables, which need 0009's


def table_names(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return set(inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


def schema_differences(url: str) -> list[object]:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            return list(compare_metadata(context, Base.metadata))
    finally:
        engine.dispose()


def test_the_head_revision_constant_names_the_newest_migration() -> None:
    assert migrate.head_revision() == migrate.HEAD_REVISION


def test_an_empty_database_upgrades_to_head_and_matches_the_models(
    empty_database_url: str,
) -> None:
    assert migrate.current_revision(empty_database_url) is None

    migrate.upgrade(empty_database_url)

    assert migrate.current_revision(empty_database_url) == migrate.HEAD_REVISION
    assert table_names(empty_database_url) == TABLES
    assert schema_differences(empty_database_url) == []


def test_down_to_base_and_up_again(empty_database_url: str) -> None:
    migrate.upgrade(empty_database_url)
    with open_database(empty_database_url) as database, database.unit_of_work() as uow:
        uow.athletes.add("ana", Profile(level="novice"))
        uow.commit()

    migrate.downgrade(empty_database_url, "base")
    assert migrate.current_revision(empty_database_url) is None
    assert table_names(empty_database_url) == set()

    migrate.upgrade(empty_database_url)
    assert migrate.current_revision(empty_database_url) == migrate.HEAD_REVISION
    assert schema_differences(empty_database_url) == []
    with open_database(empty_database_url) as database, database.unit_of_work() as uow:
        assert uow.athletes.all() == []
        uow.athletes.add("ana", Profile(level="novice"))  # constraints and sequences work
        uow.commit()


def test_open_database_migrates_on_first_use_and_not_again(
    empty_database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with open_database(empty_database_url) as database:
        assert database.revision() == migrate.HEAD_REVISION

    def must_not_run(*args: object, **kwargs: object) -> None:
        raise AssertionError("upgrade ran on a database already at head")

    monkeypatch.setattr(migrate, "upgrade", must_not_run)
    with open_database(empty_database_url) as database, database.unit_of_work() as uow:
        assert uow.athletes.all() == []


def test_a_database_from_a_newer_calfcoach_is_refused_with_advice(
    empty_database_url: str,
) -> None:
    migrate.upgrade(empty_database_url)
    engine = make_engine(empty_database_url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    engine.dispose()

    with pytest.raises(StorageError, match="upgrade calfcoach") as error:
        open_database(empty_database_url)
    assert "9999" in str(error.value)


# --------------------------------------------------------------------------- settings


def test_settings_default_to_a_sqlite_file_in_the_user_data_folder(tmp_path: Path) -> None:
    import platformdirs

    default = Settings.from_env({})
    assert default.home == Path(platformdirs.user_data_dir("calfcoach", appauthor=False))
    assert default.database_url == f"sqlite:///{default.home.absolute()}/calfcoach.sqlite3"

    home = Settings.from_env({"CALFCOACH_HOME": str(tmp_path), "CALFCOACH_DATABASE_URL": ""})
    assert home.home == tmp_path
    assert home.database_url == f"sqlite:///{tmp_path}/calfcoach.sqlite3"


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgresql://u:p@db/x", "postgresql+psycopg://u:p@db/x"),
        ("postgres://u@db/x", "postgresql+psycopg://u@db/x"),
        ("postgresql+psycopg://u@db/x", "postgresql+psycopg://u@db/x"),
        ("sqlite:////data/c.sqlite3", "sqlite:////data/c.sqlite3"),
    ],
)
def test_database_urls_are_normalised_to_psycopg_3(given: str, expected: str) -> None:
    assert normalise_database_url(given) == expected
    assert Settings.from_env({"CALFCOACH_DATABASE_URL": given}).database_url == expected


def test_calfcoach_home_gets_its_database_on_first_use(tmp_path: Path) -> None:
    home = tmp_path / "new" / "folder"
    settings = Settings.from_env({"CALFCOACH_HOME": str(home)})
    with open_database(settings) as database:
        assert database.revision() == migrate.HEAD_REVISION
        with database.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    assert (home / "calfcoach.sqlite3").is_file()


# --------------------------------------------------------------------------- open errors


def test_an_unreachable_server_is_a_storage_error_with_the_password_masked() -> None:
    url = "postgresql://coach:s3cret@127.0.0.1:1/calfcoach"
    with pytest.raises(StorageError) as error:
        open_database(url)
    message = str(error.value)
    assert "s3cret" not in message
    assert "postgresql+psycopg://coach:***@127.0.0.1:1/calfcoach" in message
    assert "PostgreSQL server is running" in message


def test_an_unwritable_home_is_a_storage_error_naming_the_fix(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    settings = Settings.from_env({"CALFCOACH_HOME": str(blocker / "home")})
    with pytest.raises(StorageError, match="CALFCOACH_HOME") as error:
        open_database(settings)
    assert "cannot create the folder" in str(error.value)


def test_a_file_that_is_not_a_database_is_a_storage_error(tmp_path: Path) -> None:
    path = tmp_path / "calfcoach.sqlite3"
    path.write_bytes(b"this is not a SQLite file at all, just some text" * 50)
    with pytest.raises(StorageError, match="cannot open the database sqlite:///"):
        open_database(f"sqlite:///{path}")


@pytest.mark.parametrize("url", ["mysql://u@h/x", "not a url"])
def test_unsupported_urls_are_storage_errors(url: str) -> None:
    with pytest.raises(StorageError):
        Database(url)


# --------------------------------------------------------------------------- CLI


def test_db_current_and_upgrade_commands(empty_database_url: str, tmp_path: Path) -> None:
    from calfcoach.cli.app import app
    from calfcoach.cli.db_cmds import db_app  # noqa: F401  registers `db` on app

    runner = CliRunner()
    env = {"CALFCOACH_DATABASE_URL": empty_database_url, "CALFCOACH_HOME": str(tmp_path)}

    current = runner.invoke(app, ["db", "current"], env=env)
    assert current.exit_code == 0, current.output
    assert "revision: none" in current.output

    upgraded = runner.invoke(app, ["db", "upgrade"], env=env)
    assert upgraded.exit_code == 0, upgraded.output
    assert f"to {migrate.HEAD_REVISION}" in upgraded.output

    again = runner.invoke(app, ["db", "upgrade"], env=env)
    assert "already at revision" in again.output

    current = runner.invoke(app, ["db", "current"], env=env)
    assert f"revision: {migrate.HEAD_REVISION} (newest)" in current.output


def test_db_current_does_not_create_a_sqlite_file(tmp_path: Path) -> None:
    from calfcoach.cli.app import app
    from calfcoach.cli.db_cmds import db_app  # noqa: F401

    result = CliRunner().invoke(app, ["db", "current"], env={"CALFCOACH_HOME": str(tmp_path)})
    assert result.exit_code == 0, result.output
    assert "revision: none" in result.output
    assert not (tmp_path / "calfcoach.sqlite3").exists()


def test_db_upgrade_reports_an_unreachable_database_in_one_line() -> None:
    from calfcoach.cli.app import app
    from calfcoach.cli.db_cmds import db_app  # noqa: F401

    env = {"CALFCOACH_DATABASE_URL": "postgresql://coach:s3cret@127.0.0.1:1/calfcoach"}
    result = CliRunner().invoke(app, ["db", "upgrade"], env=env)
    assert result.exit_code == 2
    assert "s3cret" not in result.output
    assert "error: cannot open the database" in result.output


# --------------------------------------------------------------------------- 0001 -> 0002


def _fill_at_0001(url: str) -> dict[str, int]:
    """Rows as a v1 calfcoach wrote them (written through the 0001 tables, reflected)."""
    import datetime as dt

    import sqlalchemy as sa
    from tests.integration.test_storage import make_plan

    plan = make_plan()
    doc = plan_to_doc(plan)
    doc["schema_version"] = 1
    for session in doc["sessions"]:
        del session["status"], session["advice"]
    engine = make_engine(url)
    sqlite = engine.dialect.name == "sqlite"
    now = dt.datetime(2026, 3, 1, 8, 0, tzinfo=dt.UTC)
    created = now.replace(tzinfo=None) if sqlite else now
    day = plan.sessions[0].date
    try:
        with engine.begin() as connection:
            tables = sa.MetaData()
            tables.reflect(connection)
            t = tables.tables

            def insert(table: str, /, **values: object) -> int:
                row = connection.execute(
                    t[table].insert().values(**values).returning(t[table].c.id)
                ).scalar_one()
                return int(row)

            athlete = insert("athletes", name="ana", profile=V1_PROFILE, created_at=created)
            plan_id = insert(
                "plans",
                athlete_id=athlete,
                created_at=created,
                start=plan.start,
                weeks=plan.weeks,
                inputs={"profile": V1_PROFILE, "start": plan.start.isoformat(), "weeks": 2},
                plan=doc,
                active=True,
            )
            planned = [
                insert(
                    "planned_sessions",
                    plan_id=plan_id,
                    date=dt.date.fromisoformat(s["date"]),
                    week=s["week"],
                    deload=s["deload"],
                    title=s["title"],
                    minutes=s["minutes"],
                    exercises=s["exercises"],
                )
                for s in doc["sessions"]
            ]
            log = insert(
                "session_logs",
                athlete_id=athlete,
                date=day,
                plan_session_id=planned[0],
                status="done",
                moved_to=None,
                created_at=created,
            )
            for number in (1, 2):
                insert(
                    "logged_sets",
                    session_log_id=log,
                    exercise="seated-calf-raise",
                    set_number=number,
                    side="left",
                    reps=8,
                    load_kg=20.0,
                    rpe=7,
                    pain=2,
                    planned_reps=8,
                    scheme="heavy",
                    created_at=created,
                )
            insert(
                "checkins",
                athlete_id=athlete,
                date=day + dt.timedelta(days=1),
                pain=3,
                stiffness=2,
                created_at=created,
            )
            insert(
                "capacity_tests",
                athlete_id=athlete,
                date=day,
                kind="heel-raise",
                knee="straight",
                left=20,
                right=22,
                created_at=created,
            )
            insert("notes", athlete_id=athlete, date=day, text="v1 note", created_at=created)
            return {
                name: int(
                    connection.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
                )
                for name, table in t.items()
                if name != "alembic_version"
            }
    finally:
        engine.dispose()


V1_PROFILE = {
    "name": "Ana",
    "sex": "female",
    "birth_year": 1990,
    "body_mass_kg": 61.5,
    "level": "intermediate",
    "equipment": ["band", "dumbbell", "step"],
    "free_days": ["fri", "tue"],
    "sessions_per_week": 2,
    "session_minutes": 25,
    "runs": [{"day": "sat", "kind": "long"}],
    "races": ["2026-06-01"],
    "complaints": ["achilles"],
    "units": "metric",
}


def test_0002_upgrades_a_v1_database_in_place_keeping_every_row(
    empty_database_url: str,
) -> None:
    import datetime as dt

    import sqlalchemy as sa
    from tests.integration.test_storage import make_plan

    from calfcoach.core.models import CapacityTest, CheckIn, Clearance, HopTest

    migrate.upgrade(empty_database_url, "0001")
    counts = _fill_at_0001(empty_database_url)
    assert all(counts.values()), counts

    with open_database(empty_database_url) as database:  # migrates on first use
        assert database.revision() == migrate.HEAD_REVISION
        with database.engine.connect() as connection:
            after = {
                name: int(
                    connection.execute(
                        sa.select(sa.func.count()).select_from(sa.table(name))
                    ).scalar_one()
                )
                for name in counts
            }
        with database.unit_of_work() as uow:
            athlete = uow.athletes.by_name("ana")
            active = uow.plans.active(athlete.id)
            sessions = uow.plans.sessions(active.id) if active else []
            logs = uow.logs.session_logs(athlete.id)
            log = uow.logs.load_training_log(athlete.id)
            notes = uow.logs.notes(athlete.id)
            # the new tables and columns work on the upgraded database
            day = dt.date(2026, 3, 10)
            uow.logs.add_checkin(athlete.id, CheckIn(day, 2, 2, frozenset({"pop"})))
            uow.logs.add_hop_test(athlete.id, HopTest(day, 30, 0))
            uow.logs.add_clearance(athlete.id, Clearance(day, "cleared"))
            assert active is not None
            uow.history.fix(athlete.id, active.id, sessions[0].session, "end of its day")
            uow.snapshots.put(athlete.id, active.id, day, {"ok": True})
            uow.commit()
        with database.unit_of_work(read_only=True) as uow:
            new_log = uow.logs.load_training_log(athlete.id)
            assert uow.history.fixed(athlete.id, active.id)[sessions[0].session.date].version == 1

    assert after == counts
    # the stored v1 profile (races as strings, sessions_per_week 2) loads as before
    assert athlete.profile == Profile.model_validate(V1_PROFILE)
    assert athlete.profile.sessions_per_week == 2
    assert athlete.profile.race_dates == (dt.date(2026, 6, 1),)
    # the v1 plan document and its sessions load as planned sessions, unchanged
    assert active.plan == make_plan()
    assert [s.session for s in sessions] == list(make_plan().sessions)
    assert all(s.session.status == "planned" and s.session.advice is None for s in sessions)
    # logs keep their link to the planned session (no table was rebuilt)
    assert [(entry.status, entry.plan_session_id) for entry in logs] == [("done", sessions[0].id)]
    assert [(s.set_number, s.reps, s.load_kg) for s in log.sets] == [(1, 8, 20.0), (2, 8, 20.0)]
    assert log.checkins == (CheckIn(dt.date(2026, 3, 4), 3, 2),)
    assert log.checkins[0].red_flags == frozenset()
    assert log.tests == (CapacityTest(dt.date(2026, 3, 3), 20, 22),)
    assert [n.text for n in notes] == ["v1 note"]
    assert new_log.checkins[-1].red_flags == frozenset({"pop"})
    assert new_log.hop_tests == (HopTest(dt.date(2026, 3, 10), 30, 0),)


def test_0002_downgrades_to_0001_and_up_again(empty_database_url: str) -> None:
    migrate.upgrade(empty_database_url, "0001")
    counts = _fill_at_0001(empty_database_url)
    migrate.upgrade(empty_database_url)
    migrate.downgrade(empty_database_url, "0001")
    assert migrate.current_revision(empty_database_url) == "0001"
    assert table_names(empty_database_url) == TABLES - TABLES_0009 - {
        "hop_tests",
        "clearances",
        "fixed_sessions",
        "engine_snapshots",
        "calendar_tokens",
        "day_answers",
        "runs",
        "planned_events",
        "access_tokens",
    }
    migrate.upgrade(empty_database_url)
    assert schema_differences(empty_database_url) == []
    with open_database(empty_database_url) as database, database.unit_of_work() as uow:
        athlete = uow.athletes.by_name("ana")
        assert len(uow.logs.load_training_log(athlete.id).sets) == 2
    assert counts["logged_sets"] == 2


# --------------------------------------------------------------------------- 0002 -> 0003


def _athletes_at_0002(url: str, names: list[str]) -> None:
    import datetime as dt

    import sqlalchemy as sa

    engine = make_engine(url)
    now = dt.datetime(2026, 3, 1, 8, 0, tzinfo=dt.UTC)
    created = now.replace(tzinfo=None) if engine.dialect.name == "sqlite" else now
    try:
        with engine.begin() as connection:
            tables = sa.MetaData()
            tables.reflect(connection)
            athletes = tables.tables["athletes"]
            for name in names:
                connection.execute(
                    athletes.insert().values(name=name, profile=V1_PROFILE, created_at=created)
                )
    finally:
        engine.dispose()


def test_0003_keys_old_names_and_tells_case_duplicates_apart_without_failing(
    empty_database_url: str,
) -> None:
    import unicodedata

    import sqlalchemy as sa

    migrate.upgrade(empty_database_url, "0002")
    nfd = unicodedata.normalize("NFD", "José")
    names = ["Ana", "ana", "ANA", nfd, "josé", "Bo", "Cy\nDee ", "\x1b[31mEd", "\t"]
    _athletes_at_0002(empty_database_url, names)

    with open_database(empty_database_url) as database:  # migrates on first use
        assert database.revision() == migrate.HEAD_REVISION
        with database.engine.connect() as connection:
            rows = connection.execute(
                sa.text("SELECT name, name_key FROM athletes ORDER BY id")
            ).all()
        with database.unit_of_work(read_only=True) as uow:
            found = {name: uow.athletes.by_name(name).id for name in ("ANA", "ana (2)", "JOSÉ")}

    # the oldest keeps its name; later ones that differ only by case or form are told apart
    assert [r[0] for r in rows] == [
        "Ana", "ana (2)", "ANA (3)", "José", "josé (2)", "Bo", "Cy Dee", "[31mEd", "athlete 9"
    ]  # fmt: skip
    assert [r[1] for r in rows] == [
        "ana", "ana (2)", "ana (3)", "josé", "josé (2)", "bo", "cy dee", "[31med", "athlete 9"
    ]  # fmt: skip
    assert len(set(found.values())) == 3
    assert migrate.current_revision(empty_database_url) == migrate.HEAD_REVISION
    migrate.downgrade(empty_database_url, "0002")
    migrate.upgrade(empty_database_url)
    assert migrate.current_revision(empty_database_url) == migrate.HEAD_REVISION
    assert schema_differences(empty_database_url) == []


# --------------------------------------------------------------------------- 0003 -> 0004


def test_0004_gives_every_stored_set_its_athlete_and_no_client_id(
    empty_database_url: str,
) -> None:
    import datetime as dt

    import sqlalchemy as sa

    migrate.upgrade(empty_database_url, "0003")
    engine = make_engine(empty_database_url)
    now = dt.datetime(2026, 3, 1, 8, 0, tzinfo=dt.UTC)
    created = now.replace(tzinfo=None) if engine.dialect.name == "sqlite" else now
    try:
        with engine.begin() as connection:
            tables = sa.MetaData()
            tables.reflect(connection)
            athletes, logs = tables.tables["athletes"], tables.tables["session_logs"]
            sets = tables.tables["logged_sets"]
            ids = []
            for name in ("ana", "bo"):
                ids.append(
                    connection.execute(
                        athletes.insert().values(
                            name=name, name_key=name, profile=V1_PROFILE, created_at=created
                        )
                    ).inserted_primary_key[0]
                )
            for athlete_id in ids:
                log_id = connection.execute(
                    logs.insert().values(
                        athlete_id=athlete_id,
                        date=dt.date(2026, 3, 2),
                        status="done",
                        created_at=created,
                    )
                ).inserted_primary_key[0]
                connection.execute(
                    sets.insert().values(
                        session_log_id=log_id,
                        exercise="jump-rope",
                        set_number=1,
                        side="both",
                        contacts=100,
                        created_at=created,
                    )
                )
    finally:
        engine.dispose()

    migrate.upgrade(empty_database_url)

    engine = make_engine(empty_database_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                sa.text(
                    "SELECT logged_sets.athlete_id, session_logs.athlete_id, client_id "
                    "FROM logged_sets JOIN session_logs ON session_logs.id = session_log_id"
                )
            ).all()
    finally:
        engine.dispose()
    assert sorted(rows) == [(i, i, None) for i in sorted(ids)]
    assert migrate.current_revision(empty_database_url) == migrate.HEAD_REVISION
    assert schema_differences(empty_database_url) == []
    migrate.downgrade(empty_database_url, "0003")
    migrate.upgrade(empty_database_url)
    assert schema_differences(empty_database_url) == []


# --------------------------------------------------------------------------- 0003 -> 0005


def test_0005_adds_the_calendar_tokens_table_and_drops_it_on_the_way_down(
    empty_database_url: str,
) -> None:
    migrate.upgrade(empty_database_url, "0003")
    assert "calendar_tokens" not in table_names(empty_database_url)
    migrate.upgrade(empty_database_url, "0005")
    assert table_names(empty_database_url) == TABLES - TABLES_0009 - {
        "day_answers",
        "runs",
        "planned_events",
        "access_tokens",
    }
    migrate.downgrade(empty_database_url, "0003")
    assert "calendar_tokens" not in table_names(empty_database_url)
    assert table_names(empty_database_url) == TABLES - TABLES_0009 - {
        "calendar_tokens",
        "day_answers",
        "runs",
        "planned_events",
        "access_tokens",
    }
    migrate.upgrade(empty_database_url)
    assert schema_differences(empty_database_url) == []


# --------------------------------------------------------------------------- 0005 -> 0006


def test_0006_gives_every_athlete_data_revision_0_and_an_empty_answer_store(
    empty_database_url: str,
) -> None:
    import datetime as dt

    import sqlalchemy as sa

    migrate.upgrade(empty_database_url, "0005")
    engine = make_engine(empty_database_url)
    now = dt.datetime(2026, 3, 1, 8, 0, tzinfo=dt.UTC)
    created = now.replace(tzinfo=None) if engine.dialect.name == "sqlite" else now
    try:
        with engine.begin() as connection:
            tables = sa.MetaData()
            tables.reflect(connection)
            connection.execute(
                tables.tables["athletes"]
                .insert()
                .values(name="ana", name_key="ana", profile=V1_PROFILE, created_at=created)
            )
    finally:
        engine.dispose()
    migrate.upgrade(empty_database_url, "0006")
    engine = make_engine(empty_database_url)
    try:
        with engine.connect() as connection:
            revisions = connection.execute(sa.text("SELECT data_revision FROM athletes")).all()
            answers = connection.execute(sa.text("SELECT count(*) FROM day_answers")).scalar()
    finally:
        engine.dispose()
    assert revisions == [(0,)]
    assert answers == 0
    migrate.downgrade(empty_database_url, "0005")
    assert "day_answers" not in table_names(empty_database_url)
    migrate.upgrade(empty_database_url)
    assert schema_differences(empty_database_url) == []


# --------------------------------------------------------------------------- 0006 -> 0007


def test_0007_adds_the_runs_and_planned_events_tables_and_drops_them_on_the_way_down(
    empty_database_url: str,
) -> None:
    migrate.upgrade(empty_database_url, "0006")
    assert {"runs", "planned_events"} & table_names(empty_database_url) == set()
    migrate.upgrade(empty_database_url, "0007")
    assert {"runs", "planned_events"} <= table_names(empty_database_url)
    migrate.downgrade(empty_database_url, "0006")
    assert table_names(empty_database_url) == TABLES - TABLES_0009 - {
        "runs",
        "planned_events",
        "access_tokens",
    }
    migrate.upgrade(empty_database_url)
    assert schema_differences(empty_database_url) == []


# --------------------------------------------------------------------------- 0007 -> 0008


def test_0008_adds_the_access_tokens_table_and_drops_it_on_the_way_down(
    empty_database_url: str,
) -> None:
    migrate.upgrade(empty_database_url, "0007")
    assert "access_tokens" not in table_names(empty_database_url)
    migrate.upgrade(empty_database_url, "0008")
    assert "access_tokens" in table_names(empty_database_url)
    migrate.downgrade(empty_database_url, "0007")
    assert table_names(empty_database_url) == TABLES - TABLES_0009 - {"access_tokens"}


# --------------------------------------------------------------------------- 0008 -> 0009


def test_0009_adds_the_account_tables_and_drops_them_on_the_way_down(
    empty_database_url: str,
) -> None:
    migrate.upgrade(empty_database_url, "0008")
    assert TABLES_0009 & table_names(empty_database_url) == set()
    migrate.upgrade(empty_database_url, "0009")
    assert table_names(empty_database_url) == TABLES - TABLES_0010
    migrate.downgrade(empty_database_url, "0008")
    assert table_names(empty_database_url) == TABLES - TABLES_0009
    migrate.upgrade(empty_database_url)
    assert schema_differences(empty_database_url) == []


# --------------------------------------------------------------------------- 0009 -> 0010


def test_0010_adds_the_coaching_tables_and_drops_them_on_the_way_down(
    empty_database_url: str,
) -> None:
    migrate.upgrade(empty_database_url, "0009")
    assert TABLES_0010 & table_names(empty_database_url) == set()
    migrate.upgrade(empty_database_url, "0010")
    assert table_names(empty_database_url) == TABLES
    migrate.downgrade(empty_database_url, "0009")
    assert table_names(empty_database_url) == TABLES - TABLES_0010
    migrate.upgrade(empty_database_url)
    assert schema_differences(empty_database_url) == []


# --------------------------------------------------------------------------- 0010 -> 0011


def _invitation_columns(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        return {c["name"] for c in inspect(engine).get_columns("coach_invitations")}
    finally:
        engine.dispose()


def test_0011_adds_the_invitations_account_and_keeps_the_invitations_made(
    empty_database_url: str,
) -> None:
    """D-115: who signed up through a link. An invitation made before keeps its
    row (batch mode rebuilds the table on SQLite) and has no account."""
    migrate.upgrade(empty_database_url, "0010")
    engine = create_engine(empty_database_url)
    try:
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO accounts (id, email, email_key, display_name, is_admin, "
                    "is_coach, created_at) VALUES (7, 'c@e.org', 'c@e.org', 'C', false, true, "
                    "'2026-12-01 10:00:00+00:00')"
                )
            )
            connection.execute(
                text(
                    "INSERT INTO coach_invitations (token_hash, coach_account_id, created_at, "
                    "expires_at) VALUES ('h1', 7, '2026-12-01 10:00:00+00:00', "
                    "'2026-12-08 10:00:00+00:00')"
                )
            )
    finally:
        engine.dispose()
    assert "account_id" not in _invitation_columns(empty_database_url)
    migrate.upgrade(empty_database_url, "0011")
    assert "account_id" in _invitation_columns(empty_database_url)
    migrate.upgrade(empty_database_url)  # and on to the head: the schema the code expects
    assert schema_differences(empty_database_url) == []
    engine = create_engine(empty_database_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                text("SELECT token_hash, coach_account_id, account_id FROM coach_invitations")
            ).all()
    finally:
        engine.dispose()
    assert [tuple(r) for r in rows] == [("h1", 7, None)]
    migrate.downgrade(empty_database_url, "0010")
    assert "account_id" not in _invitation_columns(empty_database_url)
    migrate.upgrade(empty_database_url)
    assert schema_differences(empty_database_url) == []


# --------------------------------------------------------------------------- 0011 -> 0012


def test_0012_puts_stored_profile_and_race_names_in_todays_form_and_keeps_clean_ones(
    empty_database_url: str,
) -> None:
    """D-154: a profile or race name holding a control character no longer validates; the
    profiles stored before (the athlete's, each plan's inputs) are cleaned, so every athlete
    still loads. A clean profile is left byte for byte."""
    import datetime as dt

    import sqlalchemy as sa

    migrate.upgrade(empty_database_url, "0011")
    dirty = {
        **V1_PROFILE,
        "name": "Ana\n\x1b[31mLopes",
        "races": [
            {"date": "2027-05-02", "name": "Spring\nHalf\u202e", "distance_km": 21.1},
            {"date": "2027-06-06", "name": "\t"},
            "2027-07-04",
        ],
    }
    clean = {**V1_PROFILE, "name": "Bo", "races": [{"date": "2027-05-02", "name": "Zoë 10K"}]}
    engine = make_engine(empty_database_url)
    created = dt.datetime(2026, 3, 1, 8, 0)
    try:
        with engine.begin() as connection:
            tables = sa.MetaData()
            tables.reflect(connection)
            t = tables.tables
            for name, profile in (("ana", dirty), ("bo", clean)):
                athlete = connection.execute(
                    t["athletes"]
                    .insert()
                    .values(name=name, name_key=name, profile=profile, created_at=created)
                    .returning(t["athletes"].c.id)
                ).scalar_one()
                inputs = {"profile": profile, "start": "2027-03-01", "weeks": 8}
                connection.execute(
                    t["plans"]
                    .insert()
                    .values(
                        athlete_id=athlete,
                        created_at=created,
                        start=dt.date(2027, 3, 1),
                        weeks=8,
                        inputs=inputs,
                        plan={"sessions": []},
                        active=True,
                    )
                )
    finally:
        engine.dispose()

    migrate.upgrade(empty_database_url, "0012")
    engine = make_engine(empty_database_url)
    try:
        with engine.connect() as connection:
            profiles = dict(connection.execute(sa.text("SELECT name, profile FROM athletes")).all())
            inputs = [
                row[0]
                for row in connection.execute(sa.text("SELECT inputs FROM plans ORDER BY id"))
            ]
    finally:
        engine.dispose()
    import json

    def loaded(value: object) -> dict[str, object]:
        return json.loads(value) if isinstance(value, str) else value  # type: ignore[return-value]

    ana = loaded(profiles["ana"])
    assert ana["name"] == "Ana [31mLopes"
    assert ana["races"] == [
        {"date": "2027-05-02", "name": "Spring Half", "distance_km": 21.1},
        {"date": "2027-06-06", "name": None},
        "2027-07-04",
    ]
    assert loaded(inputs[0])["profile"] == ana
    assert loaded(profiles["bo"]) == clean and loaded(inputs[1])["profile"] == clean
    with open_database(empty_database_url) as database, database.unit_of_work() as uow:
        loaded_ana = uow.athletes.by_name("ana")
        assert loaded_ana.profile.name == "Ana [31mLopes"
        assert [r.label for r in loaded_ana.profile.races][:2] == [
            "Spring Half",
            "the race of 2027-06-06",
        ]
        Profile.model_validate(loaded(inputs[0])["profile"])
    migrate.downgrade(empty_database_url, "0011")
    migrate.upgrade(empty_database_url)
    assert schema_differences(empty_database_url) == []


def test_0013_indexes_the_athletes_by_when_they_were_added_and_drops_it_on_the_way_back(
    empty_database_url: str,
) -> None:
    # D-165: local mode's first athlete is one index entry, not a scan of a table that every
    # write of engine input rewrites a row of.
    migrate.upgrade(empty_database_url, "0012")
    assert "ix_athletes_created_at_id" not in _athlete_indexes(empty_database_url)
    migrate.upgrade(empty_database_url, "0013")
    assert _athlete_indexes(empty_database_url)["ix_athletes_created_at_id"] == [
        "created_at",
        "id",
    ]
    assert schema_differences(empty_database_url) == []
    migrate.downgrade(empty_database_url, "0012")
    assert "ix_athletes_created_at_id" not in _athlete_indexes(empty_database_url)


def _athlete_indexes(url: str) -> dict[str, list[str]]:
    engine = make_engine(url)
    try:
        return {
            str(index["name"]): [str(c) for c in index["column_names"]]
            for index in inspect(engine).get_indexes("athletes")
        }
    finally:
        engine.dispose()
