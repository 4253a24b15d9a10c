"""The composition root: builds, from ``Settings``, what the services work on (issue 8, part 1).

Entry points (the CLI today, the web app later) ask this module for what the services work
on, never ``calfcoach.storage`` itself (tests/unit/test_architecture.py checks it for the CLI):

- ``build_context``: a ``services.context.ServiceContext`` on the database of the settings
  (its unit-of-work factory, the clock, the catalog); what every use case takes;
- ``build_plan_context``: the same for a command that only reads the current plan (a cold
  ``calfcoach today``), on the fast read path of ``open_plan_reader`` when there is one;
- ``context_for``: a context on a database opened elsewhere (tests, backup); it does not
  close it;
- ``open_database``: the database with its units of work, migrated to the head revision;
- ``open_plan_reader``: for a command that only reads the current plan (a cold
  ``calfcoach today``): a SQLite file at the head revision is read with the standard
  library's sqlite3 (``storage.sqlite_reader``, no SQLAlchemy to import); anything else is
  ``open_database(read_only=True)``;
- ``schema_status`` and ``upgrade_schema``: the schema revision, for ``calfcoach db``.

Module level: the standard library and ``calfcoach.settings`` only. Storage (SQLAlchemy,
Alembic) is imported inside the functions, so importing this module costs a cold start
nothing. The names given under ``TYPE_CHECKING`` (``Database``, ``PlanReader``,
``StoredSet``) are for the entry points' annotations only; they are the storage classes
until the services depend on an abstract unit of work (a later step of issue 8, part 1).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeAlias, cast

from calfcoach.settings import Settings

if TYPE_CHECKING:
    from calfcoach.services.context import ServiceContext

    # Re-exported for annotations (the ``as`` form marks it for ruff and mypy).
    from calfcoach.storage.db import Database as Database
    from calfcoach.storage.repositories import StoredSet as StoredSet
    from calfcoach.storage.sqlite_reader import SqliteReader

    PlanReader: TypeAlias = Database | SqliteReader

__all__ = [
    "SchemaStatus",
    "build_context",
    "build_plan_context",
    "context_for",
    "open_database",
    "open_plan_reader",
    "schema_status",
    "upgrade_schema",
]


def _settings(settings: Settings | None) -> Settings:
    return Settings.from_env() if settings is None else settings


def open_database(settings: Settings | None = None, *, read_only: bool = False) -> Database:
    """The database of ``settings`` (default: from the environment); ``read_only`` for a
    command that only reads: a SQLite file is then neither created nor written (see
    ``storage.db.open_database``). Raises ``StorageError`` when it cannot be opened."""
    from calfcoach.storage.db import open_database as open_storage

    return open_storage(_settings(settings), read_only=read_only)


def open_plan_reader(settings: Settings | None = None) -> PlanReader:
    """The database for a command that only reads the current plan (``today``, ``plan
    --athlete``): a SQLite file at the head revision is read with the standard library's
    sqlite3 (no SQLAlchemy to import: a cold start is about 0.4 s faster); anything else
    (PostgreSQL, an older file) is ``open_database(read_only=True)`` (a missing file is not
    created: there is no database there)."""
    from calfcoach.storage.sqlite_reader import open_reader

    settings = _settings(settings)
    reader = open_reader(settings.database_url)
    if reader is not None:
        return reader
    return open_database(settings, read_only=True)


def context_for(
    database: Database | SqliteReader,
    *,
    today: Callable[[], dt.date] | None = None,
    owned: bool = False,
    group_commit: bool = False,
    server: bool = False,
) -> ServiceContext:
    """A service context on ``database`` (its units of work); ``today``: the clock (default:
    the local date); ``owned``: closing the context disposes of the database;
    ``group_commit``: sets logged together share one commit (a server on SQLite,
    D-94); ``server``: server mode (``ServiceContext.server``)."""
    from calfcoach.services.context import AnswerLookup, ServiceContext
    from calfcoach.services.group_commit import GroupCommit

    lookup: AnswerLookup | None = None
    athlete_ids: Callable[[], list[int]] | None = None
    first_answer: Callable[[dt.date, str, str], tuple[int, str | None] | None] | None = None
    engine = getattr(database, "engine", None)
    if engine is not None:  # a SQLAlchemy database (not the CLI's sqlite3 plan reader)
        from calfcoach.storage.answers import (
            answer_lookup,
            athlete_ids_lookup,
            first_answer_lookup,
        )

        lookup = cast("AnswerLookup", answer_lookup(engine))
        athlete_ids = athlete_ids_lookup(engine)
        first_answer = first_answer_lookup(engine)
    # SQLite only: its one writer at a time pays a WAL fsync per commit, which a batch
    # shares. PostgreSQL runs many transactions at once and already flushes the WAL of
    # concurrent commits together; one writer thread there would only queue them.
    sqlite = engine is not None and engine.dialect.name == "sqlite"
    writer = GroupCommit(database.unit_of_work) if group_commit and sqlite else None  # type: ignore[arg-type]
    release = database.dispose if owned else _nothing

    def close() -> None:
        if writer is not None:
            writer.close()  # what is queued is committed and answered first
        release()

    return ServiceContext(
        unit_of_work=database.unit_of_work,  # type: ignore[arg-type]
        today=today or dt.date.today,
        close=close,
        answer_lookup=lookup,
        athlete_ids=athlete_ids,
        first_answer=first_answer,
        local_reads=sqlite,
        group_commit=writer,
        server=server,
    )


def build_context(
    settings: Settings | None = None, *, read_only: bool = False, group_commit: bool = False
) -> ServiceContext:
    """The service context on the database of ``settings`` (``open_database``); close it
    (or use it in a ``with`` block) to release the database. ``group_commit``: a server's
    context, whose sets logged together share one commit (D-94). Server mode's settings make
    a server-mode context."""
    settings = _settings(settings)
    return context_for(
        open_database(settings, read_only=read_only),
        owned=True,
        group_commit=group_commit,
        server=settings.server,
    )


def build_plan_context(
    settings: Settings | None = None, *, sqlite_reader: bool = False
) -> ServiceContext:
    """The service context for a command that only reads an athlete's plan (``today``,
    ``plan --athlete``). With ``sqlite_reader`` (the CLI's opt-in cold-start shortcut,
    D-67) a SQLite file at the head revision is read without SQLAlchemy
    (``open_plan_reader``; its units of work only read); otherwise, and for anything else,
    it is ``build_context(read_only=True)``. A long-running process (the web app) never
    asks for the reader: it has SQLAlchemy loaded anyway."""
    from calfcoach.services.context import ServiceContext

    if not sqlite_reader:
        return build_context(settings, read_only=True)
    reader = open_plan_reader(settings)
    return ServiceContext(
        unit_of_work=reader.unit_of_work,  # type: ignore[arg-type]
        read_path=lambda: reader.unit_of_work(read_only=True),  # type: ignore[arg-type,return-value]
        close=reader.dispose,
    )


def _nothing() -> None:
    return None


@dataclass(frozen=True, slots=True)
class SchemaStatus:
    """Where the database is and its schema revision (``calfcoach db current``)."""

    url: str
    """The database URL with its password hidden."""
    file_missing: bool
    """A SQLite file that does not exist yet (nothing was created to look at it)."""
    revision: str | None
    """The revision the database is at; None for an empty (or missing) database."""
    head: str
    """The newest revision this calfcoach knows."""
    known: tuple[str, ...]
    """Every revision this calfcoach can upgrade from, oldest first."""


def schema_status(settings: Settings | None = None) -> SchemaStatus:
    """The schema revision of the database of ``settings``; changes nothing (a missing
    SQLite file and its folder are not created; a read-only folder works)."""
    from calfcoach.storage import migrate
    from calfcoach.storage.db import mask_url, read_only_engine, sqlite_file

    url = _settings(settings).database_url
    path = sqlite_file(url)
    file_missing = path is not None and not path.exists()
    if file_missing:
        revision = None
    elif path is not None:
        engine = read_only_engine(url, path)  # works in a read-only folder too
        try:
            revision = migrate.current_revision(engine)
        finally:
            engine.dispose()
    else:
        revision = migrate.current_revision(url)
    known = migrate.known_revisions() if revision not in (None, migrate.HEAD_REVISION) else ()
    return SchemaStatus(
        url=mask_url(url),
        file_missing=file_missing,
        revision=revision,
        head=migrate.HEAD_REVISION,
        known=known,
    )


def upgrade_schema(settings: Settings | None = None) -> tuple[str, str | None, str | None]:
    """Bring the database of ``settings`` to the newest revision: (the URL with its password
    hidden, the revision before, the revision after); before == after when it was newest."""
    from calfcoach.storage import migrate
    from calfcoach.storage.db import mask_url

    url = _settings(settings).database_url
    before = migrate.current_revision(url)
    if before == migrate.HEAD_REVISION:
        return mask_url(url), before, before
    migrate.upgrade(url)
    return mask_url(url), before, migrate.current_revision(url)
