"""Athlete names compared without case (issue 7, item 20): ``athletes.name_key``, unique.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01

Written by hand; ``tests/integration/test_migrations.py`` checks it matches ``storage/orm.py``.
The column is added in place (no table rebuild: a SQLite rebuild of ``athletes`` would fire
the cascades of every table that refers to it) and filled from the stored names.

An older database may hold athletes whose names differ only by case or Unicode form ("Ana"
and "ana"). The migration never fails on them and never merges them (D-35): the
oldest keeps its name, each later one gets " (2)", " (3)", ... appended to its name, so the
list shows them apart and ``--athlete`` can name each. A stored name is also put in today's
form: NFC, stripped, each control character (a newline, a tab, the ESC of an ANSI sequence)
replaced by a space, so no stored name prints raw. Nothing else of theirs changes.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NAME_LENGTH = 100


def _key(name: str) -> str:
    """``calfcoach.core.names.name_key`` as of this revision (frozen here on purpose)."""
    return unicodedata.normalize("NFC", unicodedata.normalize("NFD", name.strip()).casefold())


REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"})


def _clean(name: str, athlete_id: int) -> str:
    """The stored name in today's form (``core.names.clean_name``, frozen here): NFC, each
    control or format character replaced by a space, stripped; "athlete N" if nothing is
    left."""
    text = "".join(
        " " if unicodedata.category(char) in REFUSED_CATEGORIES else char
        for char in unicodedata.normalize("NFC", name)
    )
    return text.strip()[:NAME_LENGTH] or f"athlete {athlete_id}"


def _distinct_name(name: str, taken: set[str]) -> str:
    number = 2
    while True:
        suffix = f" ({number})"
        candidate = name[: NAME_LENGTH - len(suffix)] + suffix
        if _key(candidate) not in taken:
            return candidate
        number += 1


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        op.execute("ALTER TABLE athletes ADD COLUMN name_key VARCHAR(400) DEFAULT '' NOT NULL")
    else:
        op.add_column("athletes", sa.Column("name_key", sa.String(400), nullable=True))
    athletes = sa.table(
        "athletes", sa.column("id", sa.Integer), sa.column("name", sa.String), sa.column("name_key")
    )
    rows = bind.execute(sa.select(athletes.c.id, athletes.c.name).order_by(athletes.c.id)).all()
    taken: set[str] = set()
    for athlete_id, name in rows:
        name = _clean(name, athlete_id)
        key = _key(name)
        if key in taken:
            name = _distinct_name(name, taken)
            key = _key(name)
        taken.add(key)
        bind.execute(
            athletes.update().where(athletes.c.id == athlete_id).values(name=name, name_key=key)
        )
    if bind.dialect.name != "sqlite":
        op.alter_column("athletes", "name_key", existing_type=sa.String(400), nullable=False)
    op.create_index("uq_athletes_name_key", "athletes", ["name_key"], unique=True)


def downgrade() -> None:
    op.drop_index("uq_athletes_name_key", table_name="athletes")
    op.drop_column("athletes", "name_key")
