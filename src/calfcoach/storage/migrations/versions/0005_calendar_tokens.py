"""Calendar subscription tokens (issue 8, part 2, "Export"): ``calendar_tokens``.

Revision ID: 0005
Revises: 0003 (see below)
Create Date: 2026-12-01

Written by hand; ``tests/integration/test_migrations.py`` checks it matches ``storage/orm.py``.
One row per athlete: the SHA-256 (hex) of the random token of their ICS subscription address,
never the token itself. A new table only: nothing existing changes.

Numbered 0005 because another branch adds 0004 (the client ids of logged sets). This branch
was written before that one merged, so ``down_revision`` names the head it was written on,
"0003". WHEN MERGING AFTER 0004: set ``down_revision = "0004"`` here (a new table depends on
nothing 0004 does) and keep ``storage/revision.HEAD_REVISION = "0005"``.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "calendar_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("athlete_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["athlete_id"],
            ["athletes.id"],
            name="fk_calendar_tokens_athlete_id_athletes",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_calendar_tokens"),
        sa.UniqueConstraint("athlete_id", name="uq_calendar_tokens_athlete_id"),
        sa.UniqueConstraint("token_hash", name="uq_calendar_tokens_token_hash"),
    )


def downgrade() -> None:
    op.drop_table("calendar_tokens")
