"""Profile and race names that print as themselves (D-154): stored profiles cleaned.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03

Written by hand; no schema change (``tests/integration/test_migrations.py`` checks it still
matches ``storage/orm.py``). A profile's ``name`` and each race's ``name`` now follow the
rule of an athlete's name: no control, format or separator character (a newline, the ESC of
an ANSI sequence, a right-to-left override). A profile stored before may hold one, and would
then no longer validate on reading. This puts every stored profile in today's form, as
0003 did for the athletes' names: each refused character a space, runs of white space one
space, stripped, at most 100 characters; a name left blank becomes no name (a race is then
named by its date). Both the athlete's profile and the profile kept in each plan's inputs.
Nothing else changes; a profile already clean is not rewritten.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NAME_LENGTH = 100
REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"})


def _printable(text: str) -> str | None:
    """``core.names.printable_name`` as of this revision (frozen here on purpose)."""
    spaced = "".join(
        " " if unicodedata.category(char) in REFUSED_CATEGORIES else char
        for char in unicodedata.normalize("NFC", text)
    )
    return " ".join(spaced.split())[:NAME_LENGTH].strip() or None


def _clean(name: object) -> object:
    if not isinstance(name, str):
        return name
    # A clean name is kept byte for byte (not re-normalised); only one that holds a refused
    # character, or is blank, is changed.
    if name.strip() and not any(unicodedata.category(c) in REFUSED_CATEGORIES for c in name):
        return name
    return _printable(name)


def _profile(doc: Any) -> Any:
    """The profile with its names cleaned (the same object when nothing changed)."""
    if not isinstance(doc, dict):
        return doc
    out = dict(doc)
    if "name" in out:
        out["name"] = _clean(out["name"])
    races = out.get("races")
    if isinstance(races, list):
        out["races"] = [
            {**race, "name": _clean(race["name"])}
            if isinstance(race, dict) and "name" in race
            else race
            for race in races
        ]
    return doc if out == doc else out


def _json() -> Any:
    return sa.JSON().with_variant(JSONB(), "postgresql")


def _loaded(value: Any) -> Any:
    # JSON columns come back decoded on both backends; a text value (an old SQLite row
    # written by hand) is decoded here.
    return json.loads(value) if isinstance(value, str) else value


def upgrade() -> None:
    bind = op.get_bind()
    athletes = sa.table("athletes", sa.column("id", sa.Integer), sa.column("profile", _json()))
    for athlete_id, stored in bind.execute(sa.select(athletes.c.id, athletes.c.profile)).all():
        doc = _loaded(stored)
        cleaned = _profile(doc)
        if cleaned is not doc:
            bind.execute(
                athletes.update().where(athletes.c.id == athlete_id).values(profile=cleaned)
            )
    plans = sa.table("plans", sa.column("id", sa.Integer), sa.column("inputs", _json()))
    for plan_id, stored in bind.execute(sa.select(plans.c.id, plans.c.inputs)).all():
        inputs = _loaded(stored)
        if not isinstance(inputs, dict):
            continue
        cleaned = _profile(inputs.get("profile"))
        if cleaned is not inputs.get("profile"):
            bind.execute(
                plans.update()
                .where(plans.c.id == plan_id)
                .values(inputs={**inputs, "profile": cleaned})
            )


def downgrade() -> None:
    # The names stay cleaned: the old rule accepted them as they are now.
    pass
