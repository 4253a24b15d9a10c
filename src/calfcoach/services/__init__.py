"""Use cases that need both the core and storage: one module per family, a transaction per call.

    athletes   add an athlete with a plan, list athletes, resolve ``--athlete NAME``
    training   log a set or a whole session, skip or move a session, check-ins, capacity
               tests, today's session and the current (adapted) plan
    progress   the progress report (adherence, weekly volume, load and pain trends, tests)
    transfer   export / import (JSON, CSV) and backup / restore

Services take a ``Database`` (and dates) as arguments: they never read the clock
(``date.today()``) or the environment. The CLI passes the real today; tests pass any day.
Input is validated here, before anything is written, with ``InputError`` naming the field,
the value and what is allowed.
"""

from __future__ import annotations

from calfcoach.services.athletes import add_athlete, list_athletes, resolve_athlete

__all__ = ["add_athlete", "list_athletes", "resolve_athlete"]
