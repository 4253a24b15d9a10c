"""The athletes in the order they were added, by an index (D-165).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04

Local mode's pages ask first for the first athlete added (``ORDER BY created_at, id``). Every
write of engine input raises the athlete's ``data_revision``, an update of its row, so on
PostgreSQL the table holds many dead row versions between two vacuums: the bench's 50
athletes with a year of history each filled 951 pages (7.8 MB), and the query read all of
them for every page (0.6-2.5 ms of the server's CPU). With this index it reads one entry and
its row. Neither column ever changes, so the revision's updates stay heap-only (HOT).
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_athletes_created_at_id", "athletes", ["created_at", "id"])


def downgrade() -> None:
    op.drop_index("ix_athletes_created_at_id", table_name="athletes")
