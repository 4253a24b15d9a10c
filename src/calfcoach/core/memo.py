"""One bounded memo keyed by object identity, for the engine's pure functions of frozen inputs.

The engine asks the same questions of the same catalog and exercise objects thousands of times
per plan (an exercise's roles, its load increment, its first dose, a catalog's reasons for it).
Keying a dict by the objects themselves hashes them through pydantic's Python-level
``__hash__`` on every call (about 5 % of a compiled plan, D-130), so the key is their ``id``.
An ``id`` is only unique while its object lives, so each entry holds its objects and a lookup
checks them with ``is``: an entry can never answer for another object that took a freed id.

The inputs are frozen (exercises, catalogs), so an answer never goes stale. The memo is
bounded: with many catalogs (the tests build thousands) it starts again rather than grow.
"""

from __future__ import annotations

from collections.abc import Hashable
from enum import Enum
from typing import Final, Generic, Literal, TypeVar

V = TypeVar("V")


class Missing(Enum):
    """What ``IdentityMemo.get`` returns when it holds no answer (an answer may be None)."""

    MISSING = 0


MISSING: Final = Missing.MISSING

DEFAULT_LIMIT: Final = 4096


class _Entry(Generic[V]):
    """An answer with the objects it answers for (a class, not a tuple: mypyc reads its
    fields directly, where a tuple from a dict is checked and unpacked item by item)."""

    __slots__ = ("first", "second", "value")

    def __init__(self, first: object, second: object, value: V) -> None:
        self.first = first
        self.second = second
        self.value = value


class IdentityMemo(Generic[V]):
    """Answers keyed by up to two objects' identity and a hashable ``extra``.

    ``get(first, second, extra)`` is the answer stored for those very objects and that
    ``extra``, or ``MISSING``; ``put`` stores one and returns it. Pass ``None`` as ``second``
    when the answer depends on one object only.
    """

    __slots__ = ("_entries", "_limit")

    def __init__(self, limit: int = DEFAULT_LIMIT) -> None:
        self._entries: dict[tuple[int, int, Hashable], _Entry[V]] = {}
        self._limit = limit

    def get(self, first: object, second: object, extra: Hashable) -> V | Literal[Missing.MISSING]:
        found = self._entries.get((id(first), id(second), extra))
        if found is not None and found.first is first and found.second is second:
            return found.value
        return MISSING

    def put(self, first: object, second: object, extra: Hashable, value: V) -> V:
        if len(self._entries) >= self._limit:
            self._entries.clear()
        self._entries[(id(first), id(second), extra)] = _Entry(first, second, value)
        return value

    def __len__(self) -> int:
        return len(self._entries)
