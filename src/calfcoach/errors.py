"""Errors calfcoach raises on purpose, each with messages a person can act on.

    CalfcoachError            base: ``problems`` is one line per problem
    +-- InputError            bad input (profile file, CLI option, log entry, import file)
    |   +-- ProfileError      the athlete profile does not validate
    +-- PlanningError         the engine cannot plan at all (e.g. no free day)
    +-- NotFoundError         an unknown exercise, athlete or plan
    +-- StorageError          the database cannot be opened or migrated

Every adapter (CLI, web) turns these into a clear message and exit status 2 / HTTP 4xx;
none of them should ever surface as a traceback.
"""

from __future__ import annotations


class CalfcoachError(Exception):
    """Base class. ``problems`` holds one human-readable line per problem."""

    def __init__(self, *problems: str) -> None:
        self.problems: tuple[str, ...] = problems or ("unknown error",)
        super().__init__("\n".join(self.problems))


class InputError(CalfcoachError):
    """Input that does not validate: the message names field, value and what is allowed."""


class ProfileError(InputError):
    """The athlete profile file does not validate."""


class PlanningError(CalfcoachError):
    """The engine cannot make any plan from the input (only: no free day at all)."""


class NotFoundError(CalfcoachError):
    """An id or name that does not exist."""


class StorageError(CalfcoachError):
    """The database cannot be opened, migrated or written."""
