"""The coach's flows (issue 9, part 3): invitations, notes and comments, the audit trail.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01

Written by hand; ``tests/integration/test_migrations.py`` checks it matches ``storage/orm.py``.
New tables only:

- ``coach_invitations``: a coach's invitation link (its SHA-256), single use, expiring, and
  the athlete who accepted it;
- ``coach_notes``: a coach's note on an athlete's plan (``day`` NULL) or comment on a day;
- ``audit_events``: every change a coach makes to an athlete, before and after (JSON).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _json() -> sa.types.TypeEngine[object]:
    return sa.JSON().with_variant(JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "coach_invitations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("coach_account_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("athlete_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["coach_account_id"],
            ["accounts.id"],
            name="fk_coach_invitations_coach_account_id_accounts",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["athlete_id"],
            ["athletes.id"],
            name="fk_coach_invitations_athlete_id_athletes",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_coach_invitations"),
        sa.UniqueConstraint("token_hash", name="uq_coach_invitations_token_hash"),
    )
    op.create_index(
        "ix_coach_invitations_coach_account_id", "coach_invitations", ["coach_account_id"]
    )
    op.create_index("ix_coach_invitations_athlete_id", "coach_invitations", ["athlete_id"])
    op.create_table(
        "coach_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("athlete_id", sa.Integer(), nullable=False),
        sa.Column("coach_account_id", sa.Integer(), nullable=True),
        sa.Column("coach_name", sa.String(100), nullable=False),
        sa.Column("day", sa.Date(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["athlete_id"],
            ["athletes.id"],
            name="fk_coach_notes_athlete_id_athletes",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["coach_account_id"],
            ["accounts.id"],
            name="fk_coach_notes_coach_account_id_accounts",
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_coach_notes"),
    )
    op.create_index("ix_coach_notes_athlete_id", "coach_notes", ["athlete_id"])
    op.create_table(
        "audit_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("athlete_id", sa.Integer(), nullable=False),
        sa.Column("actor_account_id", sa.Integer(), nullable=True),
        sa.Column("actor_name", sa.String(254), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("what", sa.String(40), nullable=False),
        sa.Column("before", _json(), nullable=True),
        sa.Column("after", _json(), nullable=True),
        sa.ForeignKeyConstraint(
            ["athlete_id"],
            ["athletes.id"],
            name="fk_audit_events_athlete_id_athletes",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["actor_account_id"],
            ["accounts.id"],
            name="fk_audit_events_actor_account_id_accounts",
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_audit_events"),
    )
    op.create_index("ix_audit_events_athlete_id", "audit_events", ["athlete_id"])


def downgrade() -> None:
    op.drop_table("audit_events")
    op.drop_table("coach_notes")
    op.drop_table("coach_invitations")
