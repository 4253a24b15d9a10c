"""Schema migrations (Alembic), driven from code: no alembic.ini is needed at runtime.

``ensure_at_head`` is what ``open_database`` calls on every start. It reads the
``alembic_version`` table and compares it with ``HEAD_REVISION``; only when they differ is
Alembic imported (it costs tens of milliseconds of start-up) and the upgrade run.
``HEAD_REVISION`` (defined in ``storage/revision.py``) must name the newest file in
``migrations/versions``; a test checks it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, inspect, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError

from calfcoach.errors import StorageError
from calfcoach.storage.db import SQLITE_BEGIN_OPTION, make_engine, mask_url, open_error
from calfcoach.storage.revision import HEAD_REVISION, VERSION_TABLE

if TYPE_CHECKING:
    from alembic.config import Config

__all__ = [
    "HEAD_REVISION",
    "MIGRATIONS_DIR",
    "current_revision",
    "downgrade",
    "ensure_at_head",
    "head_revision",
    "known_revisions",
    "upgrade",
]

MIGRATIONS_DIR = Path(__file__).resolve().with_name("migrations")


@contextmanager
def _engine(engine_or_url: Engine | str) -> Iterator[Engine]:
    """Use the engine given, or build one for a URL and dispose of it afterwards."""
    if isinstance(engine_or_url, Engine):
        yield engine_or_url
        return
    engine = make_engine(engine_or_url)
    try:
        yield engine
    finally:
        engine.dispose()


def _read_revision(connection: Connection) -> str | None:
    if not inspect(connection).has_table(VERSION_TABLE):
        return None
    versions = connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).all()
    if len(versions) > 1:
        raise StorageError(
            f"the database has several schema revisions ({', '.join(v[0] for v in versions)})",
            "it was changed by hand or by another program; restore a backup",
        )
    return str(versions[0][0]) if versions else None


def current_revision(engine_or_url: Engine | str) -> str | None:
    """The revision the database is at; None for an empty database. Changes nothing."""
    with _engine(engine_or_url) as engine:
        try:
            # DEFERRED: a read must not take SQLite's write lock.
            with engine.connect().execution_options(**{SQLITE_BEGIN_OPTION: "DEFERRED"}) as conn:
                return _read_revision(conn)
        except DBAPIError as exc:
            raise open_error(engine.url, exc) from None


def head_revision() -> str:
    """The head revision according to Alembic's script directory (imports Alembic)."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(_config()).get_current_head()
    if head is None:  # pragma: no cover - the package always ships a migration
        raise StorageError("no migrations found in " + str(MIGRATIONS_DIR))
    return head


def known_revisions() -> tuple[str, ...]:
    """Every revision this calfcoach can upgrade from, oldest first (imports Alembic)."""
    from alembic.script import ScriptDirectory

    scripts = ScriptDirectory.from_config(_config())
    return tuple(reversed([s.revision for s in scripts.walk_revisions()]))


def ensure_at_head(engine_or_url: Engine | str) -> bool:
    """Upgrade to the head revision unless already there; True when it migrated."""
    with _engine(engine_or_url) as engine:
        if current_revision(engine) == HEAD_REVISION:
            return False
        upgrade(engine)
        return True


def upgrade(engine_or_url: Engine | str, revision: str = "head") -> None:
    """Upgrade the schema to ``revision`` (default: the newest), in one transaction."""
    _run("upgrade", engine_or_url, revision)


def downgrade(engine_or_url: Engine | str, revision: str) -> None:
    """Downgrade the schema to ``revision`` ("base": an empty database), in one transaction."""
    _run("downgrade", engine_or_url, revision)


def _config(connection: Connection | None = None) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        # env.py runs the migrations on this connection, inside its transaction.
        config.attributes["connection"] = connection
    return config


def _run(direction: str, engine_or_url: Engine | str, revision: str) -> None:
    from alembic import command
    from alembic.util import CommandError

    with _engine(engine_or_url) as engine:
        try:
            with engine.begin() as connection:
                if direction == "upgrade":
                    command.upgrade(_config(connection), revision)
                else:
                    command.downgrade(_config(connection), revision)
        except CommandError as exc:
            at = current_revision(engine)
            raise StorageError(
                f"cannot {direction} the database {mask_url(engine.url)} to {revision!r}: "
                f"{exc} (the database is at revision {at or 'none'}, this calfcoach knows up "
                f"to {HEAD_REVISION})",
                "if a newer calfcoach wrote this database, upgrade calfcoach; "
                "otherwise restore a backup",
            ) from None
        except DBAPIError as exc:
            raise open_error(engine.url, exc, doing=f"{direction}") from None
