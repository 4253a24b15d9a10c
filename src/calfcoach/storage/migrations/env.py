"""Alembic environment of calfcoach, run by ``calfcoach.storage.migrate`` (no alembic.ini).

``migrate`` opens the transaction and hands its connection over in
``config.attributes["connection"]``, so the whole upgrade is one transaction on both
backends (SQLite included: ``calfcoach.storage.db`` takes BEGIN away from the sqlite3
module, which would otherwise commit before every DDL statement). Developers running the
``alembic`` command directly can give ``-x url=...`` instead.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import text
from sqlalchemy.engine import Connection

from calfcoach.storage.orm import Base

# Any fixed number: PostgreSQL advisory lock that makes concurrent first-use upgrades
# (two processes starting at once on an empty database) run one after the other.
_PG_MIGRATION_LOCK = 0x0CA1FC0AC4

config = context.config


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        transactional_ddl=True,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            connection.execute(
                text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_MIGRATION_LOCK}
            )
        context.run_migrations()


def _main() -> None:
    if context.is_offline_mode():
        raise SystemExit("calfcoach migrations do not support offline (--sql) mode")
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    from calfcoach.storage.db import make_engine

    url = context.get_x_argument(as_dictionary=True).get("url") or config.get_main_option(
        "sqlalchemy.url"
    )
    if not url:
        raise SystemExit("give the database with: alembic -x url=sqlite:///path ...")
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            _run(connection)
    finally:
        engine.dispose()


_main()
