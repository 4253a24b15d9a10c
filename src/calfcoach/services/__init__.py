"""Use cases that need both the core and storage: one module per family, a transaction per call.

    context    ServiceContext: the unit-of-work factory, the clock and the catalog
    access     Actor (who asks) and ensure_can, the one access check
    athletes   add an athlete with a plan, list athletes, find an athlete's id by name (the
               CLI's ``--athlete NAME``)
    training   log a set or a whole session, skip or move a session, check-ins, capacity
               tests, today's session and the current (adapted) plan
    corrections  edit or delete a set, undo a skip, rename or remove an athlete, extend a
               plan or start the next block
    progress   the progress report (adherence, weekly volume, load and pain trends, tests)
    transfer   export / import (JSON, CSV)

A use case takes ``(ctx, actor, athlete_id, ...)``: a ``ServiceContext`` built by
``calfcoach.bootstrap``, the ``Actor`` who asks and an athlete id (never a name nor "the only
athlete"); it checks access with ``access.ensure_can`` and runs in ONE unit of work with its
checks inside. Services never import storage (nor SQLAlchemy) at run time: they see the
abstract unit of work and its repositories (tests/unit/test_architecture.py). They raise
typed problems (``calfcoach.errors``: field, value, allowed; invalid / not_found / conflict
/ forbidden) in the domain's words. Dates come in as arguments (``today``) or from
``ctx.today()``; services never read the clock themselves.
"""

from __future__ import annotations

from calfcoach.services.access import Actor, ensure_can
from calfcoach.services.athletes import add_athlete, find_athlete_id, list_athletes
from calfcoach.services.context import ServiceContext

__all__ = [
    "Actor",
    "ServiceContext",
    "add_athlete",
    "ensure_can",
    "find_athlete_id",
    "list_athletes",
]
