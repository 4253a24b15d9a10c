"""Database fixtures: every storage test runs on SQLite and on PostgreSQL, each on fresh data.

SQLite: a new file in the test's ``tmp_path``, copied from a template migrated once per run.
PostgreSQL: one database ``calfcoach_test_<random>_shared`` per run (per xdist worker),
created through the ``postgres`` maintenance database, migrated once and dropped at the end;
each test starts by emptying every table (``TRUNCATE ... RESTART IDENTITY``, ~0.1 s; a new
database per test costs ~0.5 s on this server). Tests that need an empty database without
tables (migrations, concurrency) get a database of their own (``empty_database_url``).

The server is ``CALFCOACH_TEST_POSTGRES_URL`` (default
``postgresql://postgres@127.0.0.1:5432/postgres``). When it is not reachable the PostgreSQL
cases are skipped with the reason, unless ``CALFCOACH_REQUIRE_POSTGRES=1`` (set it on CI),
which makes them fail instead.
"""

from __future__ import annotations

import itertools
import os
import secrets
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from calfcoach.settings import sqlite_url
from calfcoach.storage.db import Database

BACKENDS = ["sqlite", "postgresql"]
DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/postgres"


@dataclass
class PostgresServer:
    """Creates and drops throw-away databases through the maintenance database.

    A test's own database (``create()`` without a name or template) is given back by
    ``drop`` emptied, not dropped, and the next ``create()`` takes it: on PostgreSQL 15 every
    ``DROP DATABASE`` waits for a checkpoint of the whole server, which under the other
    worker's writes took 5-60 s a test on CI. Emptying (every connection to it closed, every
    schema dropped, an empty ``public`` made again) leaves what ``CREATE DATABASE`` gives.
    ``close`` drops them all at the end of the run."""

    admin_url: str
    prefix: str = field(default_factory=lambda: f"calfcoach_test_{secrets.token_hex(4)}")
    _numbers: Iterator[int] = field(default_factory=itertools.count)
    _spare: list[str] = field(default_factory=list)
    _kept: set[str] = field(default_factory=set)

    def _execute(self, sql: str, *, database: str | None = None) -> None:
        import psycopg

        url = self.admin_url if database is None else self.url(database).replace("+psycopg", "")
        with psycopg.connect(url, autocommit=True, connect_timeout=5) as conn:
            conn.execute(sql)  # names are ours (prefix + counter), not user input

    def create(self, *, template: str | None = None, name: str | None = None) -> str:
        if template is None and name is None and self._spare:
            return self._spare.pop()
        kept = template is None and name is None
        name = name or f"{self.prefix}_{next(self._numbers)}"
        suffix = f" TEMPLATE {template}" if template else ""
        self._execute(f"CREATE DATABASE {name}{suffix}")
        if kept:
            self._kept.add(name)
        return name

    def drop(self, name: str) -> None:
        if name not in self._kept:
            self._execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            return
        self._execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            f"WHERE datname = '{name}' AND pid <> pg_backend_pid()"
        )
        self._execute(
            "DO $$ DECLARE s record; BEGIN "
            "FOR s IN SELECT nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%' "
            "AND nspname <> 'information_schema' LOOP "
            "EXECUTE format('DROP SCHEMA %I CASCADE', s.nspname); END LOOP; "
            "CREATE SCHEMA public AUTHORIZATION pg_database_owner; "
            "GRANT USAGE ON SCHEMA public TO PUBLIC; END $$",
            database=name,
        )
        self._spare.append(name)

    def close(self) -> None:
        """Drop every database this run made and kept for reuse."""
        for name in sorted(self._kept):
            self._execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        self._kept.clear()
        self._spare.clear()

    def url(self, name: str) -> str:
        from sqlalchemy.engine import make_url

        admin = make_url(self.admin_url)
        return admin.set(drivername="postgresql+psycopg", database=name).render_as_string(
            hide_password=False
        )


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """The PostgreSQL server, or a skip saying why there is none."""
    import psycopg

    admin_url = os.environ.get("CALFCOACH_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL)
    try:
        with psycopg.connect(admin_url, autocommit=True, connect_timeout=3) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        message = f"PostgreSQL not reachable at {_where(admin_url)}: {reason}"
        if os.environ.get("CALFCOACH_REQUIRE_POSTGRES") == "1":
            pytest.fail(message + " (CALFCOACH_REQUIRE_POSTGRES=1)")
        pytest.skip(message)
    server = PostgresServer(admin_url)
    try:
        yield server
    finally:
        server.close()


def _where(url: str) -> str:
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    return f"{parsed.host or 'localhost'}:{parsed.port or 5432}"


@pytest.fixture(scope="session")
def postgres_shared(postgres_server: PostgresServer) -> Iterator[Engine]:
    """One database for the run, migrated to head; an engine on it to empty it per test."""
    from calfcoach.storage import migrate
    from calfcoach.storage.db import make_engine

    name = postgres_server.create(name=f"{postgres_server.prefix}_shared")
    engine = make_engine(postgres_server.url(name))
    try:
        migrate.upgrade(engine)
        yield engine
    finally:
        engine.dispose()
        postgres_server.drop(name)


def _empty_all_tables(engine: Engine) -> None:
    from calfcoach.storage.orm import Base

    tables = ", ".join(table.name for table in Base.metadata.sorted_tables)
    with engine.begin() as connection:
        connection.exec_driver_sql(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from calfcoach.storage import migrate

    path = tmp_path_factory.mktemp("template") / "calfcoach.sqlite3"
    migrate.upgrade(sqlite_url(path))  # disposes its engine: WAL checkpointed into the file
    return path


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def empty_database_url(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[str]:
    """The URL of a fresh, empty database (no tables, no revision)."""
    if backend == "sqlite":
        yield sqlite_url(tmp_path / "calfcoach.sqlite3")
        return
    server: PostgresServer = request.getfixturevalue("postgres_server")
    name = server.create()
    try:
        yield server.url(name)
    finally:
        server.drop(name)


@pytest.fixture
def database_url(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    """The URL of a fresh database at the head revision."""
    if backend == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        path = tmp_path / "calfcoach.sqlite3"
        shutil.copyfile(template, path)
        yield sqlite_url(path)
        return
    engine: Engine = request.getfixturevalue("postgres_shared")
    _empty_all_tables(engine)
    yield engine.url.render_as_string(hide_password=False)


@pytest.fixture
def database(database_url: str) -> Iterator[Database]:
    """A ``Database`` on a fresh database at the head revision."""
    db = Database(database_url)
    try:
        yield db
    finally:
        db.dispose()


@pytest.fixture
def app(database_url: str, tmp_path: Path) -> FastAPI:
    """The web app on the test's database (issue 8): the pages' and the frame's tests."""
    from calfcoach.settings import Settings
    from calfcoach.web.app import create_app

    return create_app(Settings(home=tmp_path, database_url=database_url))


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    """A test client of ``app`` that shows error pages instead of raising."""
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client
