"""The schema revision this calfcoach writes and reads (no SQLAlchemy, no Alembic here).

``HEAD_REVISION`` must name the newest file in ``migrations/versions``; a test checks it.
``calfcoach.storage.migrate`` re-exports both names.
"""

from __future__ import annotations

__all__ = ["HEAD_REVISION", "VERSION_TABLE"]

HEAD_REVISION = "0013"
"""The newest revision in ``migrations/versions`` (checked against Alembic by a test)."""

VERSION_TABLE = "alembic_version"
