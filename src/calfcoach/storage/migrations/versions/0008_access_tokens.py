"""Personal access tokens for scripts (issue 8, part 3, "REST API"): ``access_tokens``.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01

Written by hand; ``tests/integration/test_migrations.py`` checks it matches ``storage/orm.py``.
One row per token: its name, the SHA-256 (hex) of the random token (never the token
itself), its scopes, when it was made, last used and revoked, and an account id that stays
NULL until accounts exist (issue 9). A new table only: nothing existing changes.

Follows 0007 (runs and planned events). A new table only, depending on nothing before it:
if another revision lands first, only ``down_revision`` (and the number) change.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "access_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(60), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("scopes", sa.String(100), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_access_tokens"),
        sa.UniqueConstraint("token_hash", name="uq_access_tokens_token_hash"),
        sa.CheckConstraint("length(name) > 0", name=op.f("ck_access_tokens_token_name_not_empty")),
    )


def downgrade() -> None:
    op.drop_table("access_tokens")
