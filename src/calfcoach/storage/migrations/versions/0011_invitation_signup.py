"""Sign-up through a coach's invitation (issue 9): ``coach_invitations.account_id``.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02

Written by hand; ``tests/integration/test_migrations.py`` checks it matches ``storage/orm.py``.
A person without an account signs up through the invitation link: the invitation is used by
the new account (``account_id``) before the account has an athlete; onboarding then links the
coach to the athlete it adds and fills ``athlete_id`` (D-115). Nullable, so every
existing invitation (accepted by an athlete signed in) stays as it is. Batch mode: SQLite adds
a foreign key only by rebuilding the table (a small one).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("coach_invitations") as batch:
        batch.add_column(sa.Column("account_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            "fk_coach_invitations_account_id_accounts",
            "accounts",
            ["account_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch.create_index("ix_coach_invitations_account_id", ["account_id"])


def downgrade() -> None:
    with op.batch_alter_table("coach_invitations") as batch:
        batch.drop_index("ix_coach_invitations_account_id")
        batch.drop_constraint("fk_coach_invitations_account_id_accounts", type_="foreignkey")
        batch.drop_column("account_id")
