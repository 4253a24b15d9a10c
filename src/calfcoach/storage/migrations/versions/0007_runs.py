"""Imported runs and planned calendar events (issue 10): ``runs`` and ``planned_events``.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01

Written by hand; ``tests/integration/test_migrations.py`` checks it matches ``storage/orm.py``.
Two new tables only: nothing existing changes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _json() -> sa.types.TypeEngine[Any]:
    return sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def _athlete(table: str) -> list[sa.schema.SchemaItem]:
    return [
        sa.Column("athlete_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["athlete_id"],
            ["athletes.id"],
            name=f"fk_{table}_athlete_id_athletes",
            ondelete="CASCADE",
        ),
    ]


def _check(table: str, name: str, condition: str) -> sa.CheckConstraint:
    # op.f(): the name is final; the naming convention would prefix it a second time.
    return sa.CheckConstraint(condition, name=op.f(f"ck_{table}_{name}"))


def upgrade() -> None:
    op.create_table(
        "runs",
        sa.Column("id", sa.Integer(), nullable=False),
        *_athlete("runs"),
        sa.Column("start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("local_date", sa.Date(), nullable=False),
        sa.Column("sport", sa.String(20), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("kind_source", sa.String(10), nullable=False),
        sa.Column("distance_m", sa.Float(), nullable=True),
        sa.Column("duration_s", sa.Float(), nullable=False),
        sa.Column("moving_s", sa.Float(), nullable=False),
        sa.Column("load", sa.Float(), nullable=False),
        sa.Column("load_basis", sa.String(10), nullable=False),
        sa.Column("avg_hr", sa.Float(), nullable=True),
        sa.Column("max_hr", sa.Integer(), nullable=True),
        sa.Column("source", sa.String(500), nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("activity", _json(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_runs"),
        sa.UniqueConstraint("athlete_id", "fingerprint", name="uq_runs_athlete_id_fingerprint"),
        _check("runs", "kind_known", "kind IN ('easy', 'hard', 'long')"),
        _check("runs", "kind_source_known", "kind_source IN ('auto', 'edited')"),
        _check("runs", "load_basis_known", "load_basis IN ('rpe', 'trimp', 'estimate')"),
        _check("runs", "duration_range", '"duration_s" >= 0'),
        _check("runs", "moving_range", '"moving_s" >= 0'),
        _check("runs", "load_range", '"load" >= 0'),
    )
    op.create_index("ix_runs_athlete_id", "runs", ["athlete_id"])
    op.create_index("ix_runs_athlete_id_local_date", "runs", ["athlete_id", "local_date"])

    op.create_table(
        "planned_events",
        sa.Column("id", sa.Integer(), nullable=False),
        *_athlete("planned_events"),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("start", sa.DateTime(timezone=True), nullable=True),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("detail", sa.String(40), nullable=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("distance_km", sa.Float(), nullable=True),
        sa.Column("tune_up", sa.Boolean(), nullable=False),
        sa.Column("source", sa.String(500), nullable=False),
        sa.Column("uid", sa.String(300), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_planned_events"),
        _check("planned_events", "kind_known", "kind IN ('easy', 'hard', 'long', 'race')"),
    )
    op.create_index("ix_planned_events_athlete_id", "planned_events", ["athlete_id"])


def downgrade() -> None:
    op.drop_table("planned_events")
    op.drop_table("runs")
