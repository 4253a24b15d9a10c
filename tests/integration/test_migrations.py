"""Migrations: up from empty, down and up again, on first use; settings and open errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import inspect, text
from typer.testing import CliRunner

from calfcoach.core.models import Profile
from calfcoach.errors import StorageError
from calfcoach.settings import Settings, normalise_database_url
from calfcoach.storage import migrate
from calfcoach.storage.db import Database, make_engine, open_database
from calfcoach.storage.orm import Base

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
}


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
