"""Initial schema: athletes, plans, planned sessions, session logs, sets, check-ins, tests, notes.

Revision ID: 0001
Revises:
Create Date: 2026-11-23

Written by hand; ``tests/integration/test_migrations.py`` checks it matches ``storage/orm.py``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _json() -> sa.types.TypeEngine[Any]:
    return sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def _id() -> sa.Column[int]:
    return sa.Column("id", sa.Integer(), nullable=False)


def _created_at() -> sa.Column[object]:
    return sa.Column("created_at", sa.DateTime(timezone=True), nullable=False)


def _athlete_id(table: str) -> list[sa.schema.SchemaItem]:
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
        "athletes",
        _id(),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("profile", _json(), nullable=False),
        _created_at(),
        sa.PrimaryKeyConstraint("id", name="pk_athletes"),
        sa.UniqueConstraint("name", name="uq_athletes_name"),
        _check("athletes", "name_not_empty", "length(name) > 0"),
    )

    op.create_table(
        "plans",
        _id(),
        *_athlete_id("plans"),
        _created_at(),
        sa.Column("start", sa.Date(), nullable=False),
        sa.Column("weeks", sa.Integer(), nullable=False),
        sa.Column("inputs", _json(), nullable=False),
        sa.Column("plan", _json(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_plans"),
        _check("plans", "weeks_range", '"weeks" BETWEEN 1 AND 52'),
    )
    op.create_index("ix_plans_athlete_id", "plans", ["athlete_id"])
    # At most one active plan per athlete: a re-plan deactivates the old one, never deletes it.
    op.create_index(
        "uq_plans_one_active_per_athlete",
        "plans",
        ["athlete_id"],
        unique=True,
        sqlite_where=sa.text("active"),
        postgresql_where=sa.text("active"),
    )

    op.create_table(
        "planned_sessions",
        _id(),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("week", sa.Integer(), nullable=False),
        sa.Column("deload", sa.Boolean(), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("exercises", _json(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_planned_sessions"),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["plans.id"],
            name="fk_planned_sessions_plan_id_plans",
            ondelete="CASCADE",
        ),
        _check("planned_sessions", "week_range", '"week" >= 1'),
    )
    op.create_index("ix_planned_sessions_plan_id_date", "planned_sessions", ["plan_id", "date"])

    op.create_table(
        "session_logs",
        _id(),
        *_athlete_id("session_logs"),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("plan_session_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("moved_to", sa.Date(), nullable=True),
        _created_at(),
        sa.PrimaryKeyConstraint("id", name="pk_session_logs"),
        sa.ForeignKeyConstraint(
            ["plan_session_id"],
            ["planned_sessions.id"],
            name="fk_session_logs_plan_session_id_planned_sessions",
            ondelete="SET NULL",
        ),
        _check("session_logs", "status_values", "status IN ('done', 'skipped', 'moved')"),
        _check(
            "session_logs",
            "moved_to_iff_moved",
            "(status = 'moved' AND moved_to IS NOT NULL) "
            "OR (status <> 'moved' AND moved_to IS NULL)",
        ),
    )
    op.create_index("ix_session_logs_athlete_id_date", "session_logs", ["athlete_id", "date"])

    dose = ("reps", "seconds", "distance_m", "contacts", "load_kg")
    op.create_table(
        "logged_sets",
        _id(),
        sa.Column("session_log_id", sa.Integer(), nullable=False),
        sa.Column("exercise", sa.String(60), nullable=False),
        sa.Column("set_number", sa.Integer(), nullable=False),
        sa.Column("side", sa.String(5), nullable=False),
        sa.Column("reps", sa.Integer(), nullable=True),
        sa.Column("seconds", sa.Integer(), nullable=True),
        sa.Column("distance_m", sa.Float(), nullable=True),
        sa.Column("contacts", sa.Integer(), nullable=True),
        sa.Column("load_kg", sa.Float(), nullable=True),
        sa.Column("rpe", sa.Integer(), nullable=True),
        sa.Column("pain", sa.Integer(), nullable=True),
        sa.Column("planned_reps", sa.Integer(), nullable=True),
        sa.Column("planned_seconds", sa.Integer(), nullable=True),
        sa.Column("planned_distance_m", sa.Float(), nullable=True),
        sa.Column("planned_contacts", sa.Integer(), nullable=True),
        sa.Column("planned_load_kg", sa.Float(), nullable=True),
        sa.Column("scheme", sa.String(20), nullable=True),
        _created_at(),
        sa.PrimaryKeyConstraint("id", name="pk_logged_sets"),
        sa.ForeignKeyConstraint(
            ["session_log_id"],
            ["session_logs.id"],
            name="fk_logged_sets_session_log_id_session_logs",
            ondelete="CASCADE",
        ),
        # A retried write of the same set cannot duplicate it.
        sa.UniqueConstraint(
            "session_log_id",
            "exercise",
            "set_number",
            "side",
            name="uq_logged_sets_session_log_id_exercise_set_number_side",
        ),
        _check("logged_sets", "set_number_range", '"set_number" >= 1'),
        _check("logged_sets", "side_values", "side IN ('left', 'right', 'both')"),
        _check("logged_sets", "rpe_range", '"rpe" BETWEEN 1 AND 10'),
        _check("logged_sets", "pain_range", '"pain" BETWEEN 0 AND 10'),
        *(
            _check(
                "logged_sets",
                f"{prefix}{column}_range",
                f'"{prefix}{column}" BETWEEN 0 AND 500'
                if column == "load_kg"
                else f'"{prefix}{column}" >= 0',
            )
            for prefix in ("", "planned_")
            for column in dose
        ),
    )

    op.create_table(
        "checkins",
        _id(),
        *_athlete_id("checkins"),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("pain", sa.Integer(), nullable=False),
        sa.Column("stiffness", sa.Integer(), nullable=False),
        _created_at(),
        sa.PrimaryKeyConstraint("id", name="pk_checkins"),
        sa.UniqueConstraint("athlete_id", "date", name="uq_checkins_athlete_id_date"),
        _check("checkins", "pain_range", '"pain" BETWEEN 0 AND 10'),
        _check("checkins", "stiffness_range", '"stiffness" BETWEEN 0 AND 10'),
    )

    op.create_table(
        "capacity_tests",
        _id(),
        *_athlete_id("capacity_tests"),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("knee", sa.String(10), nullable=False),
        sa.Column("left", sa.Integer(), nullable=False),
        sa.Column("right", sa.Integer(), nullable=False),
        _created_at(),
        sa.PrimaryKeyConstraint("id", name="pk_capacity_tests"),
        _check("capacity_tests", "knee_values", "knee IN ('straight', 'bent', 'none')"),
        _check("capacity_tests", "left_range", '"left" BETWEEN 0 AND 500'),
        _check("capacity_tests", "right_range", '"right" BETWEEN 0 AND 500'),
    )
    op.create_index("ix_capacity_tests_athlete_id", "capacity_tests", ["athlete_id"])

    op.create_table(
        "notes",
        _id(),
        *_athlete_id("notes"),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        _created_at(),
        sa.PrimaryKeyConstraint("id", name="pk_notes"),
    )
    op.create_index("ix_notes_athlete_id", "notes", ["athlete_id"])


def downgrade() -> None:
    op.drop_table("notes")
    op.drop_table("capacity_tests")
    op.drop_table("checkins")
    op.drop_table("logged_sets")
    op.drop_table("session_logs")
    op.drop_table("planned_sessions")
    op.drop_table("plans")
    op.drop_table("athletes")
