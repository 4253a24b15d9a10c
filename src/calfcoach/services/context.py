"""What every use case works on: a ``ServiceContext`` built by the composition root.

    ctx = bootstrap.build_context(settings)       # the CLI, the web app, the tests
    with ctx.unit_of_work() as uow: ...           # one transaction per use case
    with ctx.read_unit_of_work() as uow: ...      # the fast read path of the plan, if any
    ctx.today()                                   # the real today (tests pass a fixed one)
    ctx.catalog()                                 # the exercise catalog, loaded once
    ctx.memo("roster.rows", 5000)                 # copies of stored answers (D-112)

Services see only the abstract unit of work (``storage.uow.AbstractUnitOfWork`` and its
repositories, named under ``TYPE_CHECKING``) and never a concrete database, a
``SqliteReader`` or SQLAlchemy: the factory behind ``unit_of_work`` is the composition
root's business. A context may own resources (a database engine): ``close()`` it, or use it
in a ``with`` block.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from types import TracebackType
from typing import TYPE_CHECKING, Any, Protocol, Self

from calfcoach.services.memo import RevisionMemo

if TYPE_CHECKING:
    from calfcoach.core.catalog import Catalog
    from calfcoach.services.group_commit import GroupCommit
    from calfcoach.storage.uow import AbstractUnitOfWork

__all__ = ["AnswerLookup", "ServiceContext", "UnitOfWorkFactory"]


class AnswerLookup(Protocol):
    """The stored answer of (athlete id, date, kind) made by calfcoach ``code`` if it is
    current (its revision is the athlete's data revision), else None."""

    def __call__(self, athlete_id: int, date: dt.date, kind: str, code: str) -> str | None: ...


class UnitOfWorkFactory(Protocol):
    """Makes a new unit of work; ``read_only`` for a use case that only reads; ``clock``
    the creation time of what it writes (an import keeps the exported times)."""

    def __call__(
        self, *, read_only: bool = False, clock: Callable[[], dt.datetime] | None = None
    ) -> AbstractUnitOfWork: ...


def _load_catalog() -> Catalog:
    from calfcoach.catalog import load_catalog

    return load_catalog()


def _nothing() -> None:
    return None


@dataclass(frozen=True, slots=True)
class ServiceContext:
    """The unit-of-work factory, the clock and the catalog a use case works with."""

    unit_of_work: UnitOfWorkFactory
    """A new unit of work per use case (``unit_of_work(read_only=True)`` to only read)."""
    read_path: Callable[[], AbstractUnitOfWork] | None = None
    """A faster read-only unit of work for the plan of an athlete (a cold ``calfcoach
    today`` on a SQLite file), or None to read through ``unit_of_work``."""
    today: Callable[[], dt.date] = dt.date.today
    """The real today (the local date); the only clock services read."""
    catalog: Callable[[], Catalog] = _load_catalog
    close: Callable[[], None] = field(default=_nothing)
    """Releases what the context owns (the database's connections)."""
    answer_lookup: AnswerLookup | None = None
    """A direct read of a current stored day answer (``storage/answers.py``): one query
    without a unit of work, for the hot path of ``training.today_answer``; None: read it
    through a read-only unit of work."""
    group_commit: GroupCommit | None = None
    """The writer that commits the sets logged together in one transaction (a server's
    context, ``bootstrap.build_context(group_commit=True)``); None: each set commits alone."""
    athlete_ids: Callable[[], list[int]] | None = None
    """Every athlete's id, the first added first, by one statement without a unit of work
    (``storage/answers.py``: what every page of local mode asks, ``athletes.
    first_athlete_id``); None: read it through a read-only unit of work. Read anew on
    every call: nothing is kept."""
    first_answer: Callable[[dt.date, str, str], tuple[int, str | None] | None] | None = None
    """The first athlete added and its current stored answer of (date, kind, code), in one
    statement (``storage/answers.first_answer_lookup``; local mode's pages, D-165); None:
    asked apart."""

    server: bool = False
    """Server mode (``Settings.server``: accounts, people other than the machine's owner);
    False: local single-user mode. What a service does for whoever asks may then differ: a
    calendar address is not fetched from this machine or its network (D-191)."""

    local_reads: bool = False
    """The database is a file on this machine (SQLite): a short read is a few microseconds
    of work in this process, never a wait on a network. The web app then makes the reads
    every page asks first in place, on its event loop, rather than hop to a thread for them
    (D-134)."""

    days_given: dict[tuple[int, dt.date], None] = field(default_factory=dict, compare=False)
    """(athlete id, day) this process has logged a set on, so the day's session is fixed
    (R-HIST): the API's set POST walks no day ahead for them (``training.walk_day_ahead``,
    D-218). A hint only, never what a check reads; at most ``DAYS_GIVEN_KEPT`` are kept."""
    memos: dict[str, RevisionMemo[Any, Any]] = field(default_factory=dict, compare=False)
    """This context's copies of stored answers (``memo``), by name."""

    def memo(self, name: str, size: int) -> RevisionMemo[Any, Any]:
        """The memo ``name`` of this context (made on first use, holding at most ``size``
        values): copies of stored answers, each used only at the data revision it was made
        at (``services/memo.py``, D-112). One per context, so two databases in one process
        never share a copy."""
        found = self.memos.get(name)
        if found is None:
            found = self.memos.setdefault(name, RevisionMemo(size))
        return found

    def read_unit_of_work(self) -> AbstractUnitOfWork:
        """A read-only unit of work, on the fast read path when there is one."""
        if self.read_path is not None:
            return self.read_path()
        return self.unit_of_work(read_only=True)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
