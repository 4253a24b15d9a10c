"""Engine v2: red flags on check-ins, session status and advice, hop tests, clearances,
fixed sessions (R-HIST) and engine snapshots.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01

Written by hand; ``tests/integration/test_migrations.py`` checks it matches ``storage/orm.py``
and that a database at 0001 keeps every row. Existing tables only gain columns with a
default (``ALTER TABLE ... ADD COLUMN``): no table is rebuilt, so no row is copied and no
foreign key fires (a SQLite table rebuild would drop ``planned_sessions`` and set
``session_logs.plan_session_id`` to NULL on the way).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _json() -> sa.types.TypeEngine[Any]:
    return sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def _id() -> sa.Column[int]:
    return sa.Column("id", sa.Integer(), nullable=False)


def _created_at(name: str = "created_at") -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=False)


def _fk(table: str, column: str, target: str) -> list[sa.schema.SchemaItem]:
    return [
        sa.Column(column, sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            [column],
            [f"{target}.id"],
            name=f"fk_{table}_{column}_{target}",
            ondelete="CASCADE",
        ),
    ]


def _check(table: str, name: str, condition: str) -> sa.CheckConstraint:
    # op.f(): the name is final; the naming convention would prefix it a second time.
    return sa.CheckConstraint(condition, name=op.f(f"ck_{table}_{name}"))


_STATUS_CHECK = "status IN ('planned', 'stopped')"


def _add_status_column() -> None:
    """``planned_sessions.status`` with its named CHECK, on both backends, in place."""
    if op.get_bind().dialect.name == "sqlite":
        # SQLite cannot ADD CONSTRAINT; a column constraint in ADD COLUMN is allowed (and
        # checked against the existing rows, which all take the default).
        op.execute(
            "ALTER TABLE planned_sessions ADD COLUMN status VARCHAR(10) DEFAULT 'planned' "
            "NOT NULL CONSTRAINT ck_planned_sessions_status_values CHECK "
            f"({_STATUS_CHECK})"
        )
        return
    op.add_column(
        "planned_sessions",
        sa.Column("status", sa.String(10), nullable=False, server_default="planned"),
    )
    op.create_check_constraint(
        op.f("ck_planned_sessions_status_values"), "planned_sessions", _STATUS_CHECK
    )


def upgrade() -> None:
    # R-PAIN-2a: the red flags of a check-in; the rows of v1 had none.
    op.add_column(
        "checkins",
        sa.Column("red_flags", _json(), nullable=False, server_default=sa.text("'[]'")),
    )
    # Plan schema 2: a session is planned or stopped, with advice.
    _add_status_column()
    op.add_column("planned_sessions", sa.Column("advice", sa.Text(), nullable=True))

    op.create_table(
        "hop_tests",
        _id(),
        *_fk("hop_tests", "athlete_id", "athletes"),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("hops", sa.Integer(), nullable=False),
        sa.Column("pain", sa.Integer(), nullable=False),
        sa.Column("side", sa.String(5), nullable=False),
        _created_at(),
        sa.PrimaryKeyConstraint("id", name="pk_hop_tests"),
        _check("hop_tests", "hops_range", '"hops" BETWEEN 0 AND 500'),
        _check("hop_tests", "pain_range", '"pain" BETWEEN 0 AND 10'),
        _check("hop_tests", "side_values", "side IN ('left', 'right', 'both')"),
    )
    op.create_index("ix_hop_tests_athlete_id", "hop_tests", ["athlete_id"])

    op.create_table(
        "clearances",
        _id(),
        *_fk("clearances", "athlete_id", "athletes"),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        _created_at(),
        sa.PrimaryKeyConstraint("id", name="pk_clearances"),
        _check("clearances", "note_length", "note IS NULL OR length(note) <= 2000"),
    )
    op.create_index("ix_clearances_athlete_id", "clearances", ["athlete_id"])

    op.create_table(
        "fixed_sessions",
        _id(),
        *_fk("fixed_sessions", "athlete_id", "athletes"),
        *_fk("fixed_sessions", "plan_id", "plans"),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        _created_at("fixed_at"),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("session", _json(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_fixed_sessions"),
        sa.UniqueConstraint(
            "plan_id", "date", "version", name="uq_fixed_sessions_plan_id_date_version"
        ),
        _check("fixed_sessions", "version_range", '"version" >= 1'),
        _check("fixed_sessions", "reason_not_empty", "length(reason) > 0"),
    )
    op.create_index("ix_fixed_sessions_athlete_id", "fixed_sessions", ["athlete_id"])

    op.create_table(
        "engine_snapshots",
        _id(),
        *_fk("engine_snapshots", "athlete_id", "athletes"),
        *_fk("engine_snapshots", "plan_id", "plans"),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("state", _json(), nullable=False),
        _created_at(),
        sa.PrimaryKeyConstraint("id", name="pk_engine_snapshots"),
        sa.UniqueConstraint("athlete_id", "plan_id", name="uq_engine_snapshots_athlete_id_plan_id"),
    )
    op.create_index("ix_engine_snapshots_athlete_id", "engine_snapshots", ["athlete_id"])


def downgrade() -> None:
    op.drop_table("engine_snapshots")
    op.drop_table("fixed_sessions")
    op.drop_table("clearances")
    op.drop_table("hop_tests")
    op.drop_column("planned_sessions", "advice")
    if op.get_bind().dialect.name != "sqlite":
        op.drop_constraint(
            op.f("ck_planned_sessions_status_values"), "planned_sessions", type_="check"
        )
    # SQLite (3.35+) drops a column together with its own column constraint.
    op.drop_column("planned_sessions", "status")
    op.drop_column("checkins", "red_flags")
