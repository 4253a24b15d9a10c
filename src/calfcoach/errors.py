"""Errors calfcoach raises on purpose, each with messages a person can act on.

    CalfcoachError            base: ``details`` is one typed ``Problem`` per problem,
    |                         ``problems`` the same as one text line each
    +-- InputError            bad input (profile file, option, log entry, import file): invalid
    |   +-- ProfileError      the athlete profile does not validate
    +-- PlanningError         the engine cannot plan at all (e.g. no free day): invalid
    +-- NotFoundError         an unknown exercise, athlete or plan: not_found
    +-- ConflictError         the request clashes with what is stored (a set already logged,
    |                         a name taken): conflict
    +-- ForbiddenError        the actor may not do this to this athlete: forbidden
    +-- StorageError          the database cannot be opened or migrated

A ``Problem`` is what any adapter needs to show it: its ``code`` (invalid, not_found,
conflict, forbidden), the ``field`` it is about in the domain's words (``date``, ``reps``,
``athlete``; never a CLI option), the ``value`` given, what is ``allowed`` and the
``message``. Services speak of the domain; the CLI maps fields to its option names
(``cli.errors.OPTION_NAMES``) and exits 2, the API maps codes to 422/404/409/403.

An error may still be built from text lines (``InputError("date: ...; allowed: ...")``):
a line of the form ``field: message; allowed: ...`` is read into a problem with that field.
Every adapter turns these errors into a clear message; none should surface as a traceback.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import ClassVar, Literal, Self

__all__ = [
    "CalfcoachError",
    "ConflictError",
    "ForbiddenError",
    "InputError",
    "NotFoundError",
    "PlanningError",
    "Problem",
    "ProblemCode",
    "ProfileError",
    "StorageError",
    "first_line",
]

ProblemCode = Literal["invalid", "not_found", "conflict", "forbidden", "unauthorized"]
"""``unauthorized``: the API's 401 (no valid credentials); no service raises it."""
ProblemValue = str | int | float | bool | None

# "field: rest" where field is a name, an option or a path (reps, --date, athletes[0].sets[2]).
_FIELD_LINE = re.compile(r"^(?P<field>[A-Za-z_-][\w.\[\]-]*): (?P<rest>.*)$", re.DOTALL)
_ALLOWED = "; allowed: "


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem with a request, in the domain's words."""

    code: ProblemCode
    message: str
    """What is wrong, without the field's name: ``2027-01-05 is in the future``."""
    field: str | None = None
    """The domain name of what is wrong (``date``, ``load_kg``, ``athlete``), or a path in a
    document (``athletes[0].sets[3].reps``); None for a problem of the request as a whole."""
    value: ProblemValue = None
    """The value given, when there is one to show."""
    allowed: str | None = None
    """What would be accepted, in words."""

    def text(self, field_name: str | None = None) -> str:
        """One line, ``field: message; allowed: ...``; ``field_name`` replaces the field's
        name (the CLI's option name)."""
        name = field_name if field_name is not None else self.field
        line = f"{name}: {self.message}" if name else self.message
        return f"{line}{_ALLOWED}{self.allowed}" if self.allowed is not None else line

    @classmethod
    def from_line(cls, line: str, code: ProblemCode = "invalid") -> Problem:
        """A problem read from a text line ``field: message; allowed: ...`` (field and
        allowed are optional); ``text()`` gives the line back unchanged."""
        field: str | None = None
        rest = line
        match = _FIELD_LINE.match(line)
        if match is not None:
            field, rest = match["field"], match["rest"]
        allowed: str | None = None
        if _ALLOWED in rest:
            rest, allowed = rest.split(_ALLOWED, 1)
        return cls(code=code, message=rest, field=field, allowed=allowed)


def first_line(exc: BaseException) -> str:
    """The first line of an exception's text (a driver's message), else its type's name."""
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


class CalfcoachError(Exception):
    """Base class. ``details`` holds one ``Problem`` per problem, ``problems`` the same as
    one human-readable line each."""

    code: ClassVar[ProblemCode] = "invalid"

    def __init__(self, *problems: str | Problem) -> None:
        details = tuple(
            p if isinstance(p, Problem) else Problem.from_line(p, self.code) for p in problems
        )
        self.details: tuple[Problem, ...] = details or (Problem(self.code, "unknown error"),)
        self.problems: tuple[str, ...] = tuple(p.text() for p in self.details)
        super().__init__("\n".join(self.problems))

    def sentence(self) -> str:
        """The problems as one line, each followed by the next: "what failed; what to do"."""
        return "; ".join(self.problems)

    @classmethod
    def about(
        cls,
        field: str | None,
        message: str,
        *,
        value: ProblemValue = None,
        allowed: str | None = None,
    ) -> Self:
        """An error of this class with one problem about ``field``."""
        return cls(Problem(cls.code, message, field=field, value=value, allowed=allowed))


class InputError(CalfcoachError):
    """Input that does not validate: the problem names field, value and what is allowed."""


class ProfileError(InputError):
    """The athlete profile file does not validate."""


class PlanningError(CalfcoachError):
    """The engine cannot make any plan from the input (only: no free day at all)."""


class NotFoundError(CalfcoachError):
    """An id or name that does not exist."""

    code: ClassVar[ProblemCode] = "not_found"


class ConflictError(InputError):
    """A request that clashes with what is stored: a set already logged, a name taken, a
    second check-in on a day. An ``InputError`` too, so callers that catch bad input still
    catch it."""

    code: ClassVar[ProblemCode] = "conflict"


class ForbiddenError(CalfcoachError):
    """The actor may not do this to this athlete (``services.access.ensure_can``)."""

    code: ClassVar[ProblemCode] = "forbidden"


class StorageError(CalfcoachError):
    """The database cannot be opened, migrated or written."""
