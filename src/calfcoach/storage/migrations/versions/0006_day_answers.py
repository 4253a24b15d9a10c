"""Stored day answers (issue 8, figures): ``athletes.data_revision`` and ``day_answers``.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01

Written by hand; ``tests/integration/test_migrations.py`` checks it matches ``storage/orm.py``.
``data_revision`` starts at 0 for every athlete; ``day_answers`` starts empty (answers are
derived data, computed again on the first request).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "athletes", sa.Column("data_revision", sa.Integer(), nullable=False, server_default="0")
    )
    op.create_table(
        "day_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("athlete_id", sa.Integer(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(40), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["athlete_id"],
            ["athletes.id"],
            name="fk_day_answers_athlete_id_athletes",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_day_answers"),
        sa.UniqueConstraint(
            "athlete_id", "date", "kind", name="uq_day_answers_athlete_id_date_kind"
        ),
    )
    op.create_index("ix_day_answers_athlete_id", "day_answers", ["athlete_id"])


def downgrade() -> None:
    op.drop_table("day_answers")
    op.drop_column("athletes", "data_revision")
