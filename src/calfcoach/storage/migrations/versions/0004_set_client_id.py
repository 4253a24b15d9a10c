"""Idempotent set logging (issue 8): ``logged_sets.client_id`` and ``logged_sets.athlete_id``.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01

Written by hand; ``tests/integration/test_migrations.py`` checks it matches ``storage/orm.py``.
A set sent with a client id (a phone that logged it offline and sends it again when the
network returns) is stored once per athlete: a unique index on ``(athlete_id, client_id)``.
A set has no athlete of its own (its session log has), so ``athlete_id`` is added beside it and
filled from the session logs; both columns are nullable and added in place (no table rebuild).
NULL client ids (every set logged before, every set of the CLI) never clash: SQLite and
PostgreSQL both treat NULLs in a unique index as distinct.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CLIENT_ID_LENGTH = 64  # storage.records.CLIENT_ID_LENGTH as of this revision


def upgrade() -> None:
    op.add_column("logged_sets", sa.Column("athlete_id", sa.Integer(), nullable=True))
    op.add_column("logged_sets", sa.Column("client_id", sa.String(CLIENT_ID_LENGTH), nullable=True))
    op.execute(
        "UPDATE logged_sets SET athlete_id = (SELECT session_logs.athlete_id FROM session_logs "
        "WHERE session_logs.id = logged_sets.session_log_id)"
    )
    op.create_index(
        "uq_logged_sets_athlete_client",
        "logged_sets",
        ["athlete_id", "client_id"],
        unique=True,
    )


def downgrade() -> None:
    op.drop_index("uq_logged_sets_athlete_client", table_name="logged_sets")
    op.drop_column("logged_sets", "client_id")
    op.drop_column("logged_sets", "athlete_id")
