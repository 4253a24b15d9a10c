"""One computation of a stored answer at a time per process (D-199).

When an athlete's stored answer is missing or out of date (the first request of a day, or the
first after a write), every request that arrives before it is stored would compute it: under
load the Today page's or ``GET /api/v1/today``'s first second saw a worker's 2-4 route threads
all walk the same athlete's history, holding the interpreter's lock in turn, while its other
connections waited. ``one_at_a_time(key)`` lets one thread compute; the others wait for it and
then read what it stored. Processes do not share it (each computes at most once at a time);
the stored answer is what they share.
"""

from __future__ import annotations

import threading
from collections.abc import Hashable, Iterator
from contextlib import contextmanager

__all__ = ["one_at_a_time"]

_GUARD = threading.Lock()
_FLIGHTS: dict[Hashable, tuple[threading.RLock, list[int]]] = {}


@contextmanager
def one_at_a_time(key: Hashable) -> Iterator[bool]:
    """Hold the computation of ``key``; yields True when another thread held it first (so
    the caller looks again for what that thread stored before computing)."""
    with _GUARD:
        flight = _FLIGHTS.get(key)
        if flight is None:
            flight = _FLIGHTS[key] = (threading.RLock(), [0])
        flight[1][0] += 1
    lock, users = flight
    try:
        waited = not lock.acquire(blocking=False)
        if waited:
            lock.acquire()
        try:
            yield waited
        finally:
            lock.release()
    finally:
        with _GUARD:
            users[0] -= 1
            if users[0] == 0:
                del _FLIGHTS[key]
