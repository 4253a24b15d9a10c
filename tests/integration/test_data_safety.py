"""Issue 7, items 1, 2, 4, 12, 13, 21: restore, the database URL, files written, read-only.

Every refusal exits 2 with a message and leaves the database as it was: `calfcoach export
--all` gives the same document before and after, and the database still works.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sqlite3
import subprocess
import sysconfig
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.integration.test_transfer import fill as fill_database
from typer.testing import CliRunner

from calfcoach import backup as backup_module
from calfcoach.cli import app
from calfcoach.errors import StorageError
from calfcoach.storage.db import Database

SQLITE_ONLY = pytest.mark.parametrize("backend", ["sqlite"])


def fill(database: Database) -> None:
    """An athlete with a bit of everything; then the test's own connections are closed, as
    a restore into SQLite needs every other connection closed (D-31)."""
    fill_database(database)
    database.dispose()


@pytest.fixture
def env(database_url: str, tmp_path: Path) -> dict[str, str]:
    return {"CALFCOACH_HOME": str(tmp_path / "home"), "CALFCOACH_DATABASE_URL": database_url}


def invoke(env: dict[str, str], *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args), env=env)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def export_all(env: dict[str, str]) -> str:
    code, out, err = invoke(env, "export", "--all")
    assert code == 0, err
    return out


def assert_usable_and_unchanged(env: dict[str, str], before: str) -> None:
    """The database answers the read and write commands and holds what it held."""
    assert export_all(env) == before
    code, out, err = invoke(env, "db", "current")
    assert code == 0 and "(newest)" in out, out + err
    code, _, err = invoke(env, "today", "--athlete", "ana", "--date", "2026-03-10")
    assert code == 0, err
    code, _, err = invoke(env, "athlete", "list")
    assert code == 0, err


def make_backup(env: dict[str, str], path: Path) -> None:
    code, _, err = invoke(env, "backup", str(path))
    assert code == 0, err


def sqlite_backup(database: Database, env: dict[str, str], path: Path) -> None:
    """A SQLite backup file at ``path``: `calfcoach backup` of a SQLite database; for
    PostgreSQL (whose backups are JSON) a SQLite database filled the same way."""
    if database.backend == "sqlite":
        make_backup(env, path)
        return
    from calfcoach.settings import sqlite_url
    from calfcoach.storage import migrate

    migrate.upgrade(sqlite_url(path))
    with Database(sqlite_url(path)) as source:
        fill_database(source, "bo")


def no_leftovers(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.startswith(".")]


# ------------------------------------------------------------------ item 1: restore


def _set_revision(path: Path, revision: str) -> None:
    connection = sqlite3.connect(path)
    try:
        connection.execute("UPDATE alembic_version SET version_num = ?", (revision,))
        connection.commit()
    finally:
        connection.close()


def test_restore_of_an_unknown_revision_leaves_the_live_database_usable(
    database: Database, env: dict[str, str], tmp_path: Path
) -> None:
    fill(database)
    before = export_all(env)
    file = tmp_path / "newer.sqlite3"
    sqlite_backup(database, env, file)
    _set_revision(file, "9999")

    code, _, err = invoke(env, "restore", str(file))

    assert code == 2 and "schema revision '9999'" in err and "Traceback" not in err
    assert "allowed: a backup at revision 0001, 0002" in err
    assert_usable_and_unchanged(env, before)


def _corrupt(path: Path) -> None:
    """Overwrite the middle of the file (table pages) with garbage."""
    data = bytearray(path.read_bytes())
    page = 4096
    for start in range(page, len(data) - page, 3 * page):
        data[start + 8 : start + 600] = b"\xde\xad\xbe\xef" * 148
    path.write_bytes(bytes(data))


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        ("corrupt", "is not a calfcoach backup"),
        ("random-bytes", "is not a calfcoach backup"),
        ("truncated", "is not a calfcoach backup"),
        # Named as the backup it should be, with what the file is instead.
        ("not-a-database", "FILE: damaged.sqlite3 is not a calfcoach backup (neither a SQLite"),
        ("empty", "FILE: damaged.sqlite3 is not a calfcoach backup (the file is empty)"),
        ("blank", "FILE: damaged.sqlite3 is not a calfcoach backup (the file is empty)"),
        ("json-cut", "not valid JSON"),
    ],
)
def test_restore_of_a_damaged_file_is_refused_and_leaves_the_live_database_usable(
    database: Database, env: dict[str, str], tmp_path: Path, damage: str, message: str
) -> None:
    fill(database)
    before = export_all(env)
    file = tmp_path / "damaged.sqlite3"
    sqlite_backup(database, env, file)
    if damage == "corrupt":
        _corrupt(file)
    elif damage == "random-bytes":
        # A hostile test: 100 random bytes in every page from the third on; the integrity
        # check's own report then held text that is not UTF-8 (a crash, exit 70).
        import random

        noise = random.Random(7)
        data = bytearray(file.read_bytes())
        for start in range(8192, len(data), 4096):
            at = start + noise.randrange(0, 4096 - 100)
            data[at : at + 100] = noise.randbytes(100)
        file.write_bytes(bytes(data))
    elif damage == "truncated":
        file.write_bytes(file.read_bytes()[: file.stat().st_size // 3])
    elif damage == "not-a-database":
        file.write_bytes(b"this is not a database\n" * 100)
    elif damage == "empty":
        file.write_bytes(b"")
    elif damage == "blank":
        file.write_bytes(b" \n\t\n")
    else:
        file.write_text(before[: len(before) // 2])

    code, _, err = invoke(env, "restore", str(file))

    assert code == 2 and message in err and "Traceback" not in err, err
    assert_usable_and_unchanged(env, before)
    assert no_leftovers(tmp_path) == []


@SQLITE_ONLY
def test_restore_that_fails_during_the_swap_leaves_the_live_database_as_it_was(
    database: Database, env: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fill(database)
    file = tmp_path / "good.sqlite3"
    make_backup(env, file)
    invoke(env, "checkin", "--athlete", "ana", "--date", "2026-04-29", "--pain", "1",
           "--stiffness", "1")  # fmt: skip
    before = export_all(env)

    def failing_replace(source: Path, target: Path) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(backup_module, "_replace", failing_replace)
    code, _, err = invoke(env, "restore", str(file))

    assert code == 2 and "cannot put the backup in place" in err and "nothing was changed" in err
    monkeypatch.undo()
    assert_usable_and_unchanged(env, before)
    live = Path(database.url.removeprefix("sqlite:///"))
    assert no_leftovers(live.parent) == []


@SQLITE_ONLY
def test_a_restore_onto_a_full_disk_says_the_disk_is_full_not_that_the_backup_is_bad(
    database: Database, env: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The staged copy beside the database runs out of room (SQLite's own SQLITE_FULL, by a
    page limit on that file): the message named the good backup "not a calfcoach backup
    (database or disk is full)"."""
    fill(database)
    file = tmp_path / "good.sqlite3"
    make_backup(env, file)
    before = export_all(env)
    real_connect = sqlite3.connect

    def cramped(target: Any, *args: Any, **kwargs: Any) -> sqlite3.Connection:
        connection = real_connect(target, *args, **kwargs)
        if Path(str(target)).name.startswith(".calfcoach-restore-"):
            connection.execute("PRAGMA max_page_count = 3")
        return connection

    monkeypatch.setattr(sqlite3, "connect", cramped)
    code, _, err = invoke(env, "restore", str(file))
    monkeypatch.undo()

    assert code == 2, err
    assert "not a calfcoach backup" not in err, err
    live = Path(database.url.removeprefix("sqlite:///"))
    assert f"no room to restore in {str(live.parent)!r}" in err, err
    assert "Traceback" not in err
    assert_usable_and_unchanged(env, before)
    assert no_leftovers(live.parent) == []


@SQLITE_ONLY
def test_restore_that_fails_after_the_swap_puts_the_live_database_back(
    database: Database, env: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fill(database)
    file = tmp_path / "good.sqlite3"
    make_backup(env, file)
    invoke(env, "checkin", "--athlete", "ana", "--date", "2026-04-29", "--pain", "1",
           "--stiffness", "1")  # fmt: skip
    before = export_all(env)
    swapped: list[str] = []

    def failing_check(database: Database, athletes: int) -> None:
        # The backup is in place now (it lacks the check-in); then the upgrade fails.
        swapped.append(export_all(env))
        raise StorageError("cannot upgrade the database: simulated failure")

    monkeypatch.setattr(backup_module, "_check_live", failing_check)
    code, _, err = invoke(env, "restore", str(file))

    assert code == 2 and "simulated failure" in err and "put back as it was" in err
    assert swapped and swapped[0] != before  # the swap had happened
    monkeypatch.undo()
    assert_usable_and_unchanged(env, before)
    live = Path(database.url.removeprefix("sqlite:///"))
    assert no_leftovers(live.parent) == []


@SQLITE_ONLY
def test_restore_while_another_process_has_the_database_open_is_refused(
    database: Database, env: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(backup_module, "LOCK_TIMEOUT_S", 0.2)
    fill(database)
    file = tmp_path / "good.sqlite3"
    make_backup(env, file)
    before = export_all(env)
    live = database.url.removeprefix("sqlite:///")
    other = sqlite3.connect(live, timeout=0.1)  # another process's open connection
    try:
        other.execute("PRAGMA busy_timeout = 100")
        other.execute("SELECT count(*) FROM athletes").fetchone()
        code, _, err = invoke(env, "restore", str(file))
    finally:
        other.close()
    assert code == 2 and "in use by another process" in err and "nothing was changed" in err
    assert_usable_and_unchanged(env, before)
    assert list((tmp_path / "home").glob("calfcoach-before-restore-*")) == []


def test_restore_of_a_good_backup_after_changes_brings_the_backup_back(
    database: Database, env: dict[str, str], tmp_path: Path
) -> None:
    fill(database)
    before = export_all(env)
    file = tmp_path / "good.sqlite3"
    make_backup(env, file)
    if database.backend == "postgresql":
        # Into a database without athletes (PostgreSQL takes the backup's athletes).
        code, _, err = invoke(env, "restore", str(file))
        assert code == 2 and "already holds 1 athlete(s)" in err
        assert "'ana'" not in err.lower()  # the count, never the athletes' names (issue 8)
        assert export_all(env) == before
        return
    invoke(env, "checkin", "--athlete", "ana", "--date", "2026-04-29", "--pain", "1",
           "--stiffness", "1")  # fmt: skip
    assert export_all(env) != before
    code, out, err = invoke(env, "restore", str(file))
    assert code == 0, err
    assert_usable_and_unchanged(env, before)
    kept = Path(out.split("kept in ")[1].strip().rstrip("."))
    assert kept.exists()
    live = Path(database.url.removeprefix("sqlite:///"))
    assert no_leftovers(live.parent) == []


def test_restore_of_an_older_revision_backup_is_upgraded_before_the_swap(
    database: Database, env: dict[str, str], tmp_path: Path
) -> None:
    """A backup written by an older calfcoach (revision 0001) is upgradable: restored."""
    from calfcoach.settings import sqlite_url
    from calfcoach.storage import migrate

    old = tmp_path / "old.sqlite3"
    migrate.upgrade(sqlite_url(old), "0001")
    before = export_all(env)
    code, out, err = invoke(env, "restore", str(old))
    assert code == 0, err
    assert "Restored 0 athlete(s)" in out
    assert export_all(env) == before  # both empty


# ------------------------------------------------------------------ item 13: folders, missing


def test_backup_into_a_folder_is_refused_naming_it(
    database: Database, env: dict[str, str], tmp_path: Path
) -> None:
    fill(database)
    code, _, err = invoke(env, "backup", str(tmp_path))
    assert code == 2 and f"FILE: '{tmp_path}' is a folder" in err and "Traceback" not in err


@pytest.mark.parametrize("what", ["folder", "missing"])
def test_restore_of_a_folder_or_a_missing_file_is_refused(
    database: Database, env: dict[str, str], tmp_path: Path, what: str
) -> None:
    fill(database)
    before = export_all(env)
    target = tmp_path if what == "folder" else tmp_path / "nope.sqlite3"
    code, _, err = invoke(env, "restore", str(target))
    expected = "is a folder" if what == "folder" else "No such file or directory"
    assert code == 2 and expected in err and "Traceback" not in err
    assert export_all(env) == before


def _only_tables(path: Path, *statements: str) -> None:
    """A SQLite database at ``path`` made of ``statements`` alone."""
    connection = sqlite3.connect(path)
    try:
        for statement in statements:
            connection.execute(statement)
        connection.commit()
    finally:
        connection.close()


NOT_OURS = "it is a SQLite database, but not one calfcoach wrote: it has none of its tables"
FAULTS = {
    "truncated": "(it is damaged or cut short: its pages do not fit together)",
    "first-100-bytes": "(it is damaged or cut short: its pages do not fit together)",
    "header-damaged": "(its first page is damaged, or it was never a SQLite file)",
    "random-bytes": "(neither a SQLite database nor a JSON or CSV export)",
    "another-sqlite": f"({NOT_OURS})",
    "a-version-table-alone": f"({NOT_OURS})",
    "no-version": "(it does not say which calfcoach version wrote it)",
    "old-version-other-tables": "cannot be upgraded or read (its tables are not those calfcoach",
    "newer-schema": "is at schema revision '9999', which this calfcoach does not know",
    "empty": "(the file is empty)",
    "folder": "is a folder",
}
SQLITE_WORDS = ("malformed", "not a database", "no such table", "sqlite:", "Error", "alembic")


@pytest.mark.parametrize("fault", FAULTS)
def test_a_restore_refusal_says_what_is_wrong_with_the_file_and_that_nothing_was_changed(
    database: Database, env: dict[str, str], tmp_path: Path, fault: str
) -> None:
    """hostile sweep, stop 29: the refusals gave SQLite's own words ("database disk image is
    malformed", "file is not a database", "no such table: alembic_version", a temporary
    file's sqlite:// address) and never said the database was left as it was."""
    fill(database)
    before = export_all(env)
    file = tmp_path / "backup.sqlite3"
    sqlite_backup(database, env, file)
    data = file.read_bytes()
    if fault == "truncated":
        file.write_bytes(data[: len(data) // 2])
    elif fault == "first-100-bytes":
        file.write_bytes(data[:100])
    elif fault == "header-damaged":
        file.write_bytes(data[:16] + bytes(84) + data[100:])
    elif fault == "random-bytes":
        file.write_bytes(os.urandom(50_000))
    elif fault == "empty":
        file.write_bytes(b"")
    elif fault == "folder":
        file.unlink()
        file.mkdir()
    elif fault == "newer-schema":
        _set_revision(file, "9999")
    else:
        file.unlink()
        version = "CREATE TABLE alembic_version (version_num TEXT)"
        _only_tables(
            file,
            *{
                "another-sqlite": ["CREATE TABLE t (x)", "INSERT INTO t VALUES (1)"],
                "a-version-table-alone": [version, "INSERT INTO alembic_version VALUES ('0013')"],
                "no-version": [version],
                "old-version-other-tables": [
                    version,
                    "INSERT INTO alembic_version VALUES ('0001')",
                    "CREATE TABLE athletes (x)",
                ],
            }[fault],
        )

    code, _, err = invoke(env, "restore", str(file))

    assert code == 2, err
    assert FAULTS[fault] in err, err
    assert "; nothing was changed; allowed: " in err, err
    assert not [word for word in SQLITE_WORDS if word in err], err
    assert "Traceback" not in err and len(err.splitlines()) == 1, err
    assert_usable_and_unchanged(env, before)


# ------------------------------------------------------------------ item 4: --force


@pytest.mark.parametrize(
    "command",
    [
        ["backup", "{file}"],
        ["export", "--all", "-o", "{file}"],
        ["plan", "--athlete", "ana", "-o", "{file}"],
        ["plan", "--profile", "examples/demo-profile.json", "-o", "{file}"],
    ],
)
def test_a_file_is_not_overwritten_without_force(
    database: Database, env: dict[str, str], tmp_path: Path, command: list[str]
) -> None:
    fill(database)
    file = tmp_path / "precious.txt"
    file.write_text("precious")
    args = [a.replace("{file}", str(file)) for a in command]

    code, _, err = invoke(env, *args)
    assert code == 2 and str(file) in err and "--force" in err
    assert file.read_text() == "precious"

    code, _, err = invoke(env, *args, "--force")
    assert code == 0, err
    assert file.read_bytes() != b"precious"
    assert no_leftovers(tmp_path) == []


def test_a_backup_of_an_empty_database_never_replaces_a_file_even_with_force(
    database: Database, env: dict[str, str], tmp_path: Path
) -> None:
    file = tmp_path / "good-backup.sqlite3"
    file.write_bytes(b"a good backup")
    code, _, err = invoke(env, "backup", str(file))
    assert code == 2 and "already exists" in err and "--force" in err
    code, _, err = invoke(env, "backup", str(file), "--force")
    assert code == 2 and "holds no athlete" in err and "not even with --force" in err
    assert file.read_bytes() == b"a good backup"
    code, _, err = invoke(env, "backup", str(tmp_path / "new.sqlite3"))
    assert code == 0, err  # a new file is fine


@pytest.mark.parametrize("command", [["backup", "--force"], ["export", "--all", "--force", "-o"]])
def test_a_write_that_fails_leaves_the_old_file_whole_and_no_temporary_file(
    database: Database,
    env: dict[str, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    command: list[str],
) -> None:
    fill(database)
    file = tmp_path / "out.file"
    file.write_text("the old file")

    def full_disk(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("calfcoach.files.os.fsync", full_disk)
    code, _, err = invoke(env, *command, str(file))
    assert code == 2 and "No space left on device" in err and "Traceback" not in err
    assert file.read_text() == "the old file"
    assert no_leftovers(tmp_path) == []


# ------------------------------------------------------------------ item 2: the URL, no creation


@pytest.mark.parametrize(
    "url",
    [
        "sqlite://",
        "sqlite:///",
        "sqlite:///:memory:",
        "sqlite:///file:calfcoach?mode=memory&uri=true",
        "sqlite+pysqlite:///:memory:",
    ],
)
def test_an_in_memory_database_url_is_refused(tmp_path: Path, url: str) -> None:
    env = {"CALFCOACH_HOME": str(tmp_path / "home"), "CALFCOACH_DATABASE_URL": url}
    for args in (
        ["athlete", "add", "--profile", "examples/demo-profile.json"],
        ["athlete", "list"],
        ["db", "current"],
        ["db", "upgrade"],
    ):
        code, _, err = invoke(env, *args)
        assert code == 2, args
        assert "CALFCOACH_DATABASE_URL" in err and "in-memory SQLite database" in err


READ_COMMANDS = [
    ["today"],
    ["plan", "--athlete", "ana"],
    ["progress"],
    ["export", "--all"],
    ["athlete", "list"],
    ["backup", "{tmp}/b.sqlite3"],
]


@pytest.mark.parametrize("how", ["home", "url"])
@pytest.mark.parametrize("command", READ_COMMANDS, ids=lambda c: c[0])
def test_a_read_command_does_not_create_the_database_or_its_folder(
    tmp_path: Path, command: list[str], how: str
) -> None:
    missing = tmp_path / "typo" / "home"
    if how == "home":
        env = {"CALFCOACH_HOME": str(missing), "CALFCOACH_DATABASE_URL": ""}
    else:
        env = {
            "CALFCOACH_HOME": str(tmp_path / "home"),
            "CALFCOACH_DATABASE_URL": f"sqlite:///{missing}/calfcoach.sqlite3",
        }
    args = [a.replace("{tmp}", str(tmp_path)) for a in command]
    code, _, err = invoke(env, *args)
    assert code == 2 and "there is no calfcoach database at" in err, err
    assert "calfcoach athlete add" in err
    assert not (tmp_path / "typo").exists()
    code, out, _ = invoke(env, "db", "current")
    assert code == 0 and "no database file yet" in out
    assert not (tmp_path / "typo").exists()
    # A writing command creates it.
    code, _, err = invoke(env, "athlete", "add", "--profile", "examples/demo-profile.json")
    assert code == 0, err
    assert (missing / "calfcoach.sqlite3").exists()


# ------------------------------------------------------------------ item 12: a malformed URL


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://postgres@[::1:5432/x",
        "postgresql://postgres:s3cret@[::1:5432/x",
        "postgresql://postgres:s3cret@host:99999/x",
        "postgresql://postgres:s3cret@host:port/x",
    ],
)
def test_a_malformed_postgresql_url_is_refused_naming_the_variable(
    tmp_path: Path, url: str
) -> None:
    env = {"CALFCOACH_HOME": str(tmp_path / "home"), "CALFCOACH_DATABASE_URL": url}
    for args in (["today"], ["athlete", "list"], ["db", "current"], ["db", "upgrade"], ["demo"]):
        code, out, err = invoke(env, *args)
        assert code == 2, (args, out, err)
        assert "CALFCOACH_DATABASE_URL" in err and "not a valid database URL" in err
        assert "s3cret" not in err + out and "Traceback" not in err


def test_a_malformed_url_given_to_the_storage_layer_is_a_storage_error() -> None:
    from calfcoach.storage.db import Database

    with pytest.raises(StorageError, match="CALFCOACH_DATABASE_URL") as info:
        Database("postgresql://u:s3cret@[::1:5432/x")
    assert "s3cret" not in str(info.value)


# ------------------------------------------------------------------ item 21: read-only folder


def _child_python() -> list[str] | None:
    """A Python the unprivileged user may run, with this checkout's packages on its path."""
    system = Path("/usr/bin/python3")
    if not system.exists():
        return None
    purelib = sysconfig.get_paths()["purelib"]
    src = str(Path(__file__).resolve().parents[2] / "src")
    code = (
        "import site, sys; "
        f"site.addsitedir({purelib!r}); sys.path.insert(0, {src!r}); "
        "from calfcoach.cli import main; sys.argv = ['calfcoach', *sys.argv[1:]]; main()"
    )
    return [str(system), "-c", code]


@pytest.fixture
def read_only_home() -> Iterator[Path]:
    """A data folder the unprivileged user can enter, read-only once filled."""
    folder = Path(tempfile.mkdtemp(prefix="calfcoach-ro-"))
    folder.chmod(0o755)
    try:
        yield folder
    finally:
        for path in (folder, *folder.rglob("*")):
            path.chmod(0o755 if path.is_dir() else 0o644)
        shutil.rmtree(folder)


def run_as_nobody(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    python = _child_python()
    assert python is not None
    command = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", *python, *args]
    return subprocess.run(
        command, env=env, capture_output=True, text=True, timeout=120, cwd="/", check=False
    )


STORED_FILES = ["calfcoach.sqlite3", "calfcoach.sqlite3-writer", "calfcoach.sqlite3-writers"]
"""A closed SQLite database's folder: the file and the writers' two lock files (D-198)."""


def _nobody_env(read_only_home: Path, home: Path) -> dict[str, str]:
    """The environment of the unprivileged user's commands on ``home``; the test is skipped
    where that user cannot run this checkout."""
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(read_only_home),
        "CALFCOACH_HOME": str(home),
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    probe = run_as_nobody(["db", "current"], env)
    if probe.returncode != 0 and "calfcoach" not in probe.stderr + probe.stdout:
        pytest.skip(f"the unprivileged user cannot run this checkout: {probe.stderr[-300:]}")
    return env


@pytest.mark.skipif(os.geteuid() != 0, reason="switching to an unprivileged user needs root")
@pytest.mark.skipif(shutil.which("setpriv") is None, reason="setpriv (util-linux) is missing")
@SQLITE_ONLY
def test_a_read_only_data_folder_serves_read_commands_and_refuses_writes(
    read_only_home: Path, tmp_path: Path, backend: str
) -> None:
    """Root ignores file modes, so the commands run as the unprivileged user 65534."""
    home = read_only_home / "home"
    env_root = {"CALFCOACH_HOME": str(home), "CALFCOACH_DATABASE_URL": ""}
    code, _, err = invoke(env_root, "demo", "--date", "2026-03-02")
    assert code == 0, err
    env = _nobody_env(read_only_home, home)
    out_folder = read_only_home / "out"
    out_folder.mkdir(mode=0o777)
    out_folder.chmod(0o777)
    for path in home.iterdir():
        path.chmod(0o444)
    home.chmod(0o555)
    # no -wal, no -shm; the writers' lock files stay (D-198), and read-only they are unused
    assert sorted(p.name for p in home.iterdir()) == STORED_FILES

    for args in (
        ["db", "current"],
        ["today", "--date", "2026-03-04"],
        ["plan", "--athlete", "Alex Demo", "--date", "2026-03-04", "--format", "json"],
        ["progress", "--date", "2026-03-04"],
        ["athlete", "list"],
        ["backup", str(out_folder / "b.sqlite3")],
    ):
        result = run_as_nobody(args, env)
        assert result.returncode == 0, (args, result.stderr)
    result = run_as_nobody(["export", "--all"], env)
    assert result.returncode == 0, result.stderr
    expected_export = result.stdout

    for args in (
        ["checkin", "--date", "2026-03-04", "--pain", "1", "--stiffness", "1"],
        ["athlete", "add", "--profile", str(Path("examples/demo-profile.json").resolve()),
         "--name", "Other"],
    ):  # fmt: skip
        result = run_as_nobody(args, env)
        assert result.returncode == 2, (args, result.stderr)
        assert "read-only" in result.stderr and "Traceback" not in result.stderr
    assert sorted(p.name for p in home.iterdir()) == STORED_FILES
    home.chmod(0o755)
    assert export_all(env_root) == expected_export  # what the unprivileged user read


@pytest.mark.skipif(os.geteuid() != 0, reason="switching to an unprivileged user needs root")
@pytest.mark.skipif(shutil.which("setpriv") is None, reason="setpriv (util-linux) is missing")
@SQLITE_ONLY
def test_sets_and_roster_only_read_so_they_work_in_a_read_only_data_folder(
    read_only_home: Path, backend: str
) -> None:
    """`sets` and `roster` list what is stored, as `today` and `export` do: a data folder
    the user may not write to does not stop them (they refused with "cannot open")."""
    home = read_only_home / "home"
    env_root = {"CALFCOACH_HOME": str(home), "CALFCOACH_DATABASE_URL": ""}
    assert invoke(env_root, "demo", "--date", "2026-03-02")[0] == 0
    code, _, err = invoke(
        env_root, "log", "--date", "2026-03-02", "-e", "toe-taps", "--set", "1",
        "--seconds", "30", "--rpe", "5", "--pain", "0",
    )  # fmt: skip
    assert code == 0, err
    env = _nobody_env(read_only_home, home)
    for path in home.iterdir():
        path.chmod(0o444)
    home.chmod(0o555)

    listed = run_as_nobody(["sets"], env)
    assert listed.returncode == 0, listed.stderr
    assert "toe-taps set 1" in listed.stdout
    roster = run_as_nobody(["roster", "--format", "json"], env)
    assert roster.returncode == 0, roster.stderr
    assert "Alex Demo" in roster.stdout
    assert sorted(p.name for p in home.iterdir()) == STORED_FILES


def test_the_reader_and_the_read_only_database_open_a_file_without_writing_it(
    tmp_path: Path,
) -> None:
    """A read opens the file mode=ro: the file's bytes do not change and no migration runs."""
    from calfcoach.settings import sqlite_url
    from calfcoach.storage.db import open_database

    env = {"CALFCOACH_HOME": str(tmp_path), "CALFCOACH_DATABASE_URL": ""}
    code, _, err = invoke(env, "demo", "--date", "2026-03-02")
    assert code == 0, err
    path = tmp_path / "calfcoach.sqlite3"
    data = path.read_bytes()
    with open_database(sqlite_url(path), read_only=True) as database:
        with pytest.raises(StorageError, match="readonly"):
            with database.unit_of_work() as uow:
                uow.logs.add_note(1, dt.date(2026, 3, 3), "x")
                uow.commit()
    assert path.read_bytes() == data


def _copy_with_open_log(source: Path, folder: Path, *, shm: bool) -> None:
    """``folder``/calfcoach.sqlite3 with a ``-wal`` holding a committed change that is not in
    the file yet (as after a crash), with or without its ``-shm``."""
    connection = sqlite3.connect(source)
    try:
        connection.execute("PRAGMA wal_autocheckpoint = 0")
        connection.execute(
            "INSERT INTO notes (athlete_id, date, text, created_at) "
            "SELECT id, '2026-03-03', 'only in the log', created_at FROM athletes"
        )
        connection.commit()
        for suffix in ("", "-wal", *(("-shm",) if shm else ())):
            shutil.copyfile(f"{source}{suffix}", folder / f"calfcoach.sqlite3{suffix}")
    finally:
        connection.close()


@pytest.mark.skipif(os.geteuid() != 0, reason="switching to an unprivileged user needs root")
@pytest.mark.skipif(shutil.which("setpriv") is None, reason="setpriv (util-linux) is missing")
@SQLITE_ONLY
@pytest.mark.parametrize("shm", [True, False], ids=["with-shm", "without-shm"])
def test_a_read_only_folder_with_a_write_ahead_log_is_read_whole_or_refused(
    read_only_home: Path, tmp_path: Path, backend: str, shm: bool
) -> None:
    """With its -shm, a log's changes are read; without it they cannot be, and the read is
    refused with the reason rather than showing the data without them (D-33)."""
    source_env = {"CALFCOACH_HOME": str(tmp_path / "source"), "CALFCOACH_DATABASE_URL": ""}
    code, _, err = invoke(source_env, "demo", "--date", "2026-03-02")
    assert code == 0, err
    home = read_only_home / "home"
    home.mkdir()
    _copy_with_open_log(tmp_path / "source" / "calfcoach.sqlite3", home, shm=shm)
    for path in home.iterdir():
        path.chmod(0o444)
    home.chmod(0o555)
    env = {"PATH": "/usr/bin:/bin", "HOME": str(read_only_home), "CALFCOACH_HOME": str(home)}
    probe = run_as_nobody(["db", "current"], env)
    if "calfcoach" not in probe.stderr + probe.stdout:
        pytest.skip(f"the unprivileged user cannot run this checkout: {probe.stderr[-300:]}")

    result = run_as_nobody(["export", "--all"], env)

    if shm:
        assert result.returncode == 0, result.stderr
        assert "only in the log" in result.stdout
    else:
        assert result.returncode == 2 and "write-ahead log" in result.stderr, result.stderr
        assert "Traceback" not in result.stderr


@SQLITE_ONLY
def test_db_current_does_not_advise_an_upgrade_for_an_unknown_revision(
    database: Database, env: dict[str, str]
) -> None:
    database.dispose()
    _set_revision(Path(database.url.removeprefix("sqlite:///")), "9999")
    code, out, err = invoke(env, "db", "current")
    assert code == 0, err
    assert "revision: 9999 (unknown to this calfcoach" in out and "db upgrade" not in out


def test_restore_of_a_json_backup_with_a_bad_record_writes_nothing(
    database: Database, env: dict[str, str], tmp_path: Path
) -> None:
    """Into a database without athletes (either backend): validated whole, then one
    transaction; a bad record anywhere leaves the database empty and usable."""
    import json

    source = tmp_path / "source.sqlite3"
    sqlite_backup_from_fill(source)
    document = json.loads(export_of(source))
    logged = [s for s in document["athletes"][0]["sessions"] if s["sets"]]
    logged[-1]["sets"][0]["rpe"] = 99  # the last set logged
    file = tmp_path / "backup.json"
    # Signed again (D-37): the record itself is refused, not only the checksum.
    from calfcoach.services.transfer import document_to_json

    file.write_text(document_to_json(document))
    before = export_all(env)

    code, _, err = invoke(env, "restore", str(file))

    assert code == 2 and "rpe" in err and "Traceback" not in err, err
    assert export_all(env) == before
    code, _, err = invoke(env, "athlete", "list")
    assert code == 0, err


def sqlite_backup_from_fill(path: Path) -> None:
    from calfcoach.settings import sqlite_url
    from calfcoach.storage import migrate

    migrate.upgrade(sqlite_url(path))
    with Database(sqlite_url(path)) as source:
        fill_database(source, "bo")


def export_of(path: Path) -> str:
    from calfcoach.settings import sqlite_url

    return export_all(
        {"CALFCOACH_HOME": str(path.parent), "CALFCOACH_DATABASE_URL": sqlite_url(path)}
    )


@SQLITE_ONLY
@pytest.mark.parametrize(
    "command",
    [
        ["export", "--all", "-o", "{file}"],
        ["plan", "--athlete", "ana", "-o", "{file}"],
        ["workout", "export", "--athlete", "ana", "-d", "2026-03-04", "-o", "{file}"],
        ["exercise", "toe-taps", "--svg", "{file}"],
        ["backup", "{file}"],
    ],
)
@pytest.mark.parametrize("suffix", ["", "-wal", "@link"])
def test_no_output_replaces_the_live_database_not_even_with_force(
    database: Database,
    env: dict[str, str],
    tmp_path: Path,
    backend: str,
    command: list[str],
    suffix: str,
) -> None:
    # Found by a hostile test: `plan -o <the database> --force` replaced it, and every later
    # command said "file is not a database".
    fill(database)
    before = export_all(env)
    live = Path(env["CALFCOACH_DATABASE_URL"].removeprefix("sqlite:///"))
    target = Path(str(live) + suffix)
    if suffix == "@link":
        target = tmp_path / "alias.sqlite3"
        target.symlink_to(live)
    args = [a.replace("{file}", str(target)) for a in command]
    code, _, err = invoke(env, *args, "--force")
    assert code == 2 and "calfcoach's own database" in err, err
    assert_usable_and_unchanged(env, before)


@SQLITE_ONLY
def test_restore_of_a_backup_holding_a_value_calfcoach_never_stores_is_refused(
    database: Database, env: dict[str, str], tmp_path: Path, backend: str
) -> None:
    # A hostile test: text in a number column passed every check, the restore replaced the
    # live database, and `sets` then stopped on an internal error.
    fill(database)
    before = export_all(env)
    file = tmp_path / "typed.sqlite3"
    sqlite_backup(database, env, file)
    with sqlite3.connect(file) as connection:
        connection.execute("UPDATE logged_sets SET reps = 'abc'")
    code, _, err = invoke(env, "restore", str(file))
    assert code == 2 and "holds values calfcoach never stores" in err and "reps" in err, err
    assert_usable_and_unchanged(env, before)


def test_restore_and_plan_read_an_endless_file_up_to_their_limit_only(
    database: Database, env: dict[str, str]
) -> None:
    fill(database)
    before = export_all(env)
    code, _, err = invoke(env, "restore", "/dev/zero")
    assert code == 2 and "too large" in err, err
    code, _, err = invoke(env, "plan", "-p", "/dev/zero")
    assert code == 2 and "larger than 1,048,576 bytes" in err, err
    assert_usable_and_unchanged(env, before)


def test_plan_never_writes_over_the_profile_it_reads(tmp_path: Path) -> None:
    profile = tmp_path / "p.json"
    shutil.copy("examples/demo-profile.json", profile)
    kept = profile.read_bytes()
    code, _, err = invoke(
        {"CALFCOACH_HOME": str(tmp_path / "home")}, "plan", "-p", str(profile), "-o",
        str(profile), "--force",
    )  # fmt: skip
    assert code == 2 and "the file this command reads" in err, err
    assert profile.read_bytes() == kept


def test_a_damaged_page_of_the_live_database_is_exit_2_saying_so_not_a_bug(
    tmp_path: Path,
) -> None:
    """A page of the athletes' table overwritten (a disk fault): ``athlete list`` said
    "calfcoach stopped on an internal error ... This is a bug in calfcoach" (exit 70, the
    SQL in the message) while ``today`` said the database cannot be read (exit 2)."""
    home = tmp_path / "home"
    env = {"CALFCOACH_HOME": str(home), "COLUMNS": "120"}
    runner = CliRunner()
    demo = Path(__file__).parents[2] / "examples" / "demo-profile.json"
    assert runner.invoke(app, ["athlete", "add", "--profile", str(demo)], env=env).exit_code == 0
    path = home / "calfcoach.sqlite3"
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        (root,) = connection.execute(
            "SELECT rootpage FROM sqlite_master WHERE name = 'athletes'"
        ).fetchone()
    with path.open("r+b") as file:
        file.seek((root - 1) * 4096)
        file.write(b"\xff" * 4096)

    for args in (["athlete", "list"], ["sets"]):
        result = runner.invoke(app, args, env=env)
        assert result.exit_code == 2, (args, result.stderr)
        assert "the database file is damaged" in result.stderr
        assert "restore a backup" in result.stderr
        assert "bug" not in result.stderr and "SELECT" not in result.stderr
