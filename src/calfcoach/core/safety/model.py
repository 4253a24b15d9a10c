"""The safety layer's values (R-PAIN-2, 2a, 2b, 3, 4, R-TEST-5): what `assess` returns.

`Flare` (R-PAIN-2), `Stop` (R-PAIN-2a red flags and referral, R-PAIN-2b pain stops), `Gate`
(the plyometric/impact gate of R-PAIN-3, R-PAIN-4, R-TEST-5), `DaySafety` (what holds for a
session on a day) and `SafetyState` (the fold stopped after the morning of a day) with its
JSON-safe `to_dict`/`from_dict` and their field encoders/decoders.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, fields
from typing import Any, Literal, TypeVar

from calfcoach.core.models import Complaint, Reason

__all__ = ["DaySafety", "Flare", "Gate", "Morning", "SafetyState", "Stop", "StopKind"]

Morning = Literal["ok", "hold", "one_set_fewer"]
StopKind = Literal["red_flag", "pain", "referral"]


# --------------------------------------------------------------------------- public values


@dataclass(frozen=True, slots=True)
class Flare:
    """A pain flare (R-PAIN-2): from its start to the second of two settled check-ins."""

    start: dt.date
    end: dt.date | None

    def __init__(self, start: dt.date, end: dt.date | None) -> None:
        # Written out: mypyc compiles it to native slot writes (D-130).
        object.__setattr__(self, "start", start)
        object.__setattr__(self, "end", end)


@dataclass(frozen=True, slots=True)
class Stop:
    """The plan is stopped: sessions are replaced by ``advice`` (R-PAIN-2a, R-PAIN-2b)."""

    kind: StopKind
    since: dt.date
    urgent: bool
    rule: str
    advice: str

    def __init__(
        self, kind: StopKind, since: dt.date, urgent: bool, rule: str, advice: str
    ) -> None:
        # Written out: mypyc compiles it to native slot writes (D-130).
        object.__setattr__(self, "kind", kind)
        object.__setattr__(self, "since", since)
        object.__setattr__(self, "urgent", urgent)
        object.__setattr__(self, "rule", rule)
        object.__setattr__(self, "advice", advice)


@dataclass(frozen=True, slots=True)
class Gate:
    """The plyometric/impact gate (R-PAIN-3, R-PAIN-4, R-TEST-5)."""

    open: bool
    since: dt.date | None
    cap: int | None
    single_leg_hops: bool
    reason: Reason

    def __init__(
        self,
        open: bool,
        since: dt.date | None,
        cap: int | None,
        single_leg_hops: bool,
        reason: Reason,
    ) -> None:
        # Written out: mypyc compiles it to native slot writes (D-130).
        object.__setattr__(self, "open", open)
        object.__setattr__(self, "since", since)
        object.__setattr__(self, "cap", cap)
        object.__setattr__(self, "single_leg_hops", single_leg_hops)
        object.__setattr__(self, "reason", reason)


@dataclass(frozen=True, slots=True)
class DaySafety:
    """What holds for a session on ``day``: check-ins and clearances dated on or before it,
    sets and tests dated before it."""

    day: dt.date
    usual: int
    limit: int
    stop: Stop | None
    flare: Flare | None
    morning: Morning
    ask_checkin: bool
    lifted_on: dt.date | None
    cleared_on: dt.date | None
    plyo: Gate
    hop_test: tuple[bool, str]
    closed_complaints: frozenset[Complaint]
    reasons: tuple[Reason, ...]
    closed_on: dt.date | None = None
    """The day the complaints closed (R-PAIN-4: the protocol then runs once a week for 8 weeks)."""
    last_checkin: dt.date | None = None
    """The day of the last check-in on or before ``day``, however old (R-PAIN-2's "no check-in
    for N days" names it; the log a walk from a snapshot reads holds only 28 days of them)."""

    def __init__(
        self,
        day: dt.date,
        usual: int,
        limit: int,
        stop: Stop | None,
        flare: Flare | None,
        morning: Morning,
        ask_checkin: bool,
        lifted_on: dt.date | None,
        cleared_on: dt.date | None,
        plyo: Gate,
        hop_test: tuple[bool, str],
        closed_complaints: frozenset[Complaint],
        reasons: tuple[Reason, ...],
        closed_on: dt.date | None = None,
        last_checkin: dt.date | None = None,
    ) -> None:
        # Written out: mypyc compiles it to native slot writes (D-130).
        object.__setattr__(self, "day", day)
        object.__setattr__(self, "usual", usual)
        object.__setattr__(self, "limit", limit)
        object.__setattr__(self, "stop", stop)
        object.__setattr__(self, "flare", flare)
        object.__setattr__(self, "morning", morning)
        object.__setattr__(self, "ask_checkin", ask_checkin)
        object.__setattr__(self, "lifted_on", lifted_on)
        object.__setattr__(self, "cleared_on", cleared_on)
        object.__setattr__(self, "plyo", plyo)
        object.__setattr__(self, "hop_test", hop_test)
        object.__setattr__(self, "closed_complaints", closed_complaints)
        object.__setattr__(self, "reasons", reasons)
        object.__setattr__(self, "closed_on", closed_on)
        object.__setattr__(self, "last_checkin", last_checkin)


# --------------------------------------------------------------------------- the state

_D = dt.date | None
_Pair = tuple[_D, _D]


@dataclass(frozen=True, slots=True)
class SafetyState:
    """The fold after the morning of ``through`` (see the module docstring). A pure value:
    `to_dict` gives JSON-safe data and `from_dict` reads it back."""

    through: _D = None
    first_seen: _D = None
    # R-PAIN-2 usual: the last judged usual, how many baseline check-ins (capped), the last 7.
    last_usual: int | None = None
    baseline_count: int = 0
    baseline: tuple[tuple[dt.date, int], ...] = ()
    # Check-ins of the last 28 days: date, pain, any red flag, in the current flare.
    recent: tuple[tuple[dt.date, int, bool, bool], ...] = ()
    pending_high: _D = None  # a check-in at usual + 2 waiting for the next one
    pending_usual: int = 0  # the usual that judged it
    flare_usual: int = 0  # the usual when the current flare started: usual never rises above it
    pending_low: bool = False  # in a flare: the previous check-in was settled
    last_checkin: _D = None
    last_rise: int = 0  # the latest check-in's pain minus the usual that judged it
    last_pain: int = 0
    flare_start: _D = None
    flare_end: _D = None  # the last flare's end (a pain stop lifts with it)
    last_flare_start: _D = None
    pain_stop_since: _D = None
    pain_stop_severe: bool = False  # True: morning pain >= 7; False: a flare past 14 days
    red_since: _D = None
    red_last: _D = None
    red_urgent: bool = False
    red_flags: tuple[str, ...] = ()
    cleared_on: _D = None
    last_set: _D = None
    # Gate evidence per leg (left, right); cleared by a flare or a red flag.
    ach_pending: _Pair = (None, None)
    ach_ok: _Pair = (None, None)
    hop_last: _D = None
    hop_pass: _Pair = (None, None)
    shin_pending: _D = None  # a shin hop test waiting for its next-morning check-in
    shin_pending_legs: tuple[bool, bool] = (False, False)
    plantar_since: _D = None
    lsi: float | None = None
    lsi_date: _D = None
    closed_on: _D = None
    low_since: _D = None  # first check-in of the current run at <= 1/10 without a red flag

    def __init__(
        self,
        through: _D = None,
        first_seen: _D = None,
        last_usual: int | None = None,
        baseline_count: int = 0,
        baseline: tuple[tuple[dt.date, int], ...] = (),
        recent: tuple[tuple[dt.date, int, bool, bool], ...] = (),
        pending_high: _D = None,
        pending_usual: int = 0,
        flare_usual: int = 0,
        pending_low: bool = False,
        last_checkin: _D = None,
        last_rise: int = 0,
        last_pain: int = 0,
        flare_start: _D = None,
        flare_end: _D = None,
        last_flare_start: _D = None,
        pain_stop_since: _D = None,
        pain_stop_severe: bool = False,
        red_since: _D = None,
        red_last: _D = None,
        red_urgent: bool = False,
        red_flags: tuple[str, ...] = (),
        cleared_on: _D = None,
        last_set: _D = None,
        ach_pending: _Pair = (None, None),
        ach_ok: _Pair = (None, None),
        hop_last: _D = None,
        hop_pass: _Pair = (None, None),
        shin_pending: _D = None,
        shin_pending_legs: tuple[bool, bool] = (False, False),
        plantar_since: _D = None,
        lsi: float | None = None,
        lsi_date: _D = None,
        closed_on: _D = None,
        low_since: _D = None,
    ) -> None:
        # Written out: mypyc compiles it to native slot writes (D-130).
        object.__setattr__(self, "through", through)
        object.__setattr__(self, "first_seen", first_seen)
        object.__setattr__(self, "last_usual", last_usual)
        object.__setattr__(self, "baseline_count", baseline_count)
        object.__setattr__(self, "baseline", baseline)
        object.__setattr__(self, "recent", recent)
        object.__setattr__(self, "pending_high", pending_high)
        object.__setattr__(self, "pending_usual", pending_usual)
        object.__setattr__(self, "flare_usual", flare_usual)
        object.__setattr__(self, "pending_low", pending_low)
        object.__setattr__(self, "last_checkin", last_checkin)
        object.__setattr__(self, "last_rise", last_rise)
        object.__setattr__(self, "last_pain", last_pain)
        object.__setattr__(self, "flare_start", flare_start)
        object.__setattr__(self, "flare_end", flare_end)
        object.__setattr__(self, "last_flare_start", last_flare_start)
        object.__setattr__(self, "pain_stop_since", pain_stop_since)
        object.__setattr__(self, "pain_stop_severe", pain_stop_severe)
        object.__setattr__(self, "red_since", red_since)
        object.__setattr__(self, "red_last", red_last)
        object.__setattr__(self, "red_urgent", red_urgent)
        object.__setattr__(self, "red_flags", red_flags)
        object.__setattr__(self, "cleared_on", cleared_on)
        object.__setattr__(self, "last_set", last_set)
        object.__setattr__(self, "ach_pending", ach_pending)
        object.__setattr__(self, "ach_ok", ach_ok)
        object.__setattr__(self, "hop_last", hop_last)
        object.__setattr__(self, "hop_pass", hop_pass)
        object.__setattr__(self, "shin_pending", shin_pending)
        object.__setattr__(self, "shin_pending_legs", shin_pending_legs)
        object.__setattr__(self, "plantar_since", plantar_since)
        object.__setattr__(self, "lsi", lsi)
        object.__setattr__(self, "lsi_date", lsi_date)
        object.__setattr__(self, "closed_on", closed_on)
        object.__setattr__(self, "low_since", low_since)

    def to_dict(self) -> dict[str, Any]:
        return {f.name: _encode(getattr(self, f.name)) for f in fields(self)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SafetyState:
        kwargs: dict[str, Any] = {}
        for name, value in data.items():
            if name not in _DECODERS:
                raise ValueError(f"unknown safety state field {name!r}")
            kwargs[name] = _DECODERS[name](value)
        return cls(**kwargs)


def _encode(value: object) -> object:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple):
        return [_encode(item) for item in value]
    return value


def _date(value: Any) -> _D:
    return None if value is None else dt.date.fromisoformat(value)


def _pair(value: Any) -> _Pair:
    return (_date(value[0]), _date(value[1]))


_T = TypeVar("_T")


def _same(value: _T) -> _T:
    return value


_DECODERS: dict[str, Callable[[Any], Any]] = {
    name: _date
    for name in (
        "through first_seen pending_high last_checkin flare_start flare_end last_flare_start "
        "pain_stop_since red_since red_last cleared_on last_set hop_last shin_pending "
        "plantar_since lsi_date closed_on low_since"
    ).split()
}
_DECODERS.update(
    {
        name: _same
        for name in (
            "last_usual pending_usual flare_usual baseline_count pending_low last_rise last_pain "
            "pain_stop_severe "
            "red_urgent lsi"
        ).split()
    }
)
_DECODERS.update(
    {
        "baseline": lambda v: tuple((_date(d), int(p)) for d, p in v),
        "recent": lambda v: tuple((_date(d), int(p), bool(r), bool(f)) for d, p, r, f in v),
        "red_flags": lambda v: tuple(str(x) for x in v),
        "ach_pending": _pair,
        "ach_ok": _pair,
        "hop_pass": _pair,
        "shin_pending_legs": lambda v: (bool(v[0]), bool(v[1])),
    }
)
