"""Copies of stored answers kept in an app process, checked on every use (D-112).

A ``RevisionMemo`` maps a key (an athlete, a day, a kind...) to a value and the athlete's
data revision it was made at. ``get`` returns the value only when the caller passes the same
revision, read from the database in the request that asks: a write anywhere (another
process, another machine) raises the revision in the database, so a stale copy is never
used. The memo is therefore not state of the process in the sense of issue 8 (it changes no
answer, only how fast it comes): N processes still serve one database, each with its own
copies. Bounded (least recently used out) and safe across the threadpool's threads.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import Generic, TypeVar

__all__ = ["RevisionMemo"]

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class RevisionMemo(Generic[K, V]):
    """At most ``size`` values, each with the revision it was made at."""

    def __init__(self, size: int) -> None:
        if size < 1:
            raise ValueError("a memo holds at least one value")
        self._size = size
        self._items: OrderedDict[K, tuple[int, V]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: K, revision: int) -> V | None:
        """The value kept for ``key`` if it was made at ``revision``, else None."""
        with self._lock:
            found = self._items.get(key)
            if found is None or found[0] != revision:
                return None
            self._items.move_to_end(key)
            return found[1]

    def put(self, key: K, revision: int, value: V) -> None:
        """Keep ``value`` as made at ``revision`` (replacing what ``key`` held)."""
        with self._lock:
            self._items[key] = (revision, value)
            self._items.move_to_end(key)
            while len(self._items) > self._size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def __len__(self) -> int:
        return len(self._items)
