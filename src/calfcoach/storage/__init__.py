"""Storage: SQLAlchemy 2 models, Alembic migrations, repositories and the unit of work.

    from calfcoach.storage import open_database
    database = open_database(Settings.from_env())    # migrates on first use
    with database.unit_of_work() as uow:
        ...
        uow.commit()

Modules: ``db`` (engines, ``Database``, ``open_database``), ``orm`` (tables), ``migrate``
(Alembic, programmatic), ``repositories``, ``uow``, ``plan_doc`` (plan <-> JSON document).

The names below are imported on first access (PEP 562), so importing one submodule (say
``calfcoach.storage.migrate`` for ``calfcoach db current``) does not import them all.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from calfcoach.storage.db import Database, make_engine, mask_url, open_database
    from calfcoach.storage.repositories import (
        Athlete,
        FixedSession,
        Note,
        PlannedSession,
        SessionLog,
        Snapshot,
        StoredPlan,
    )
    from calfcoach.storage.uow import AbstractUnitOfWork, SqlAlchemyUnitOfWork

_HOMES = {
    "Database": "db",
    "make_engine": "db",
    "mask_url": "db",
    "open_database": "db",
    "Athlete": "repositories",
    "FixedSession": "repositories",
    "Note": "repositories",
    "PlannedSession": "repositories",
    "SessionLog": "repositories",
    "Snapshot": "repositories",
    "StoredPlan": "repositories",
    "AbstractUnitOfWork": "uow",
    "SqlAlchemyUnitOfWork": "uow",
}

__all__ = [
    "AbstractUnitOfWork",
    "Athlete",
    "Database",
    "FixedSession",
    "Note",
    "PlannedSession",
    "SessionLog",
    "Snapshot",
    "SqlAlchemyUnitOfWork",
    "StoredPlan",
    "make_engine",
    "mask_url",
    "open_database",
]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'calfcoach.storage' has no attribute {name!r}")
    value = getattr(import_module(f"calfcoach.storage.{home}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
