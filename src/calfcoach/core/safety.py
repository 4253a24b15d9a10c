"""The pain and safety layer (rule sheet v2: R-PAIN-1, 2, 2a, 2b, gates of R-PAIN-3/4, R-TEST-5).

`assess` says what holds for a session on a day: the usual-pain baseline, the during-session
pain limit, a stop (red flag, pain, referral), an ongoing flare, the morning response, the
plyometric gate, whether a hop test is allowed, and which complaints have closed.

It is a fold over the days: for each day ``t`` the morning check-ins and clearances of ``t``
come first (they count for a session on ``t``), then the day's status (time-based rules: the
14-day flare referral, the plantar impact window, closing a complaint), then the sets, hop
tests and capacity tests of ``t`` (they count from ``t + 1``). `SafetyState` is that fold
stopped after the morning of a day, so a later call reads only the evidence after it: the
cost of a call is flat in the length of the history. The log's sequences are in date order
(`TrainingLog`); only the part after the state's day is read (found by bisection).
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields
from typing import Any, Literal, TypeVar

from calfcoach.core import rules
from calfcoach.core.capacity import symmetry_index
from calfcoach.core.models import (
    ACHILLES_COMPLAINTS,
    URGENT_RED_FLAGS,
    CheckIn,
    Complaint,
    LoggedSet,
    Profile,
    Race,
    Reason,
    TrainingLog,
)

__all__ = [
    "DaySafety",
    "Flare",
    "Gate",
    "Reason",
    "SafetyState",
    "Stop",
    "assess",
    "hop_test_passed",
    "usual_pain",
]

Morning = Literal["ok", "hold", "one_set_fewer"]
StopKind = Literal["red_flag", "pain", "referral"]

_DAY = dt.timedelta(days=1)

_FLAG_WORDS: dict[str, str] = {
    "pop": "a pop or sudden pain",
    "swelling": "calf swelling",
    "warmth": "warmth",
    "redness": "redness",
    "cant_rise": "not being able to walk normally or rise on the toes",
    "night_pain": "pain at night",
    "rest_pain": "pain at rest",
    "bone_spot": "pain on one spot of a bone",
    "worse_during_run": "pain that grows through a run",
    "numbness": "numbness, tingling or weakness in the foot",
}

_COMPLAINT_WORDS: dict[str, str] = {
    "achilles": "Achilles pain",
    "achilles_insertional": "insertional Achilles pain",
    "plantar_heel": "plantar heel pain",
    "calf_strain": "a calf strain",
    "shin": "shin pain",
}


# --------------------------------------------------------------------------- public values


@dataclass(frozen=True, slots=True)
class Flare:
    """A pain flare (R-PAIN-2): from its start to the second of two settled check-ins."""

    start: dt.date
    end: dt.date | None


@dataclass(frozen=True, slots=True)
class Stop:
    """The plan is stopped: sessions are replaced by ``advice`` (R-PAIN-2a, R-PAIN-2b)."""

    kind: StopKind
    since: dt.date
    urgent: bool
    rule: str
    advice: str


@dataclass(frozen=True, slots=True)
class Gate:
    """The plyometric/impact gate (R-PAIN-3, R-PAIN-4, R-TEST-5)."""

    open: bool
    since: dt.date | None
    cap: int | None
    single_leg_hops: bool
    reason: Reason


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


# --------------------------------------------------------------------------- the fold


@dataclass(slots=True)
class _Ctx:
    """What the fold needs besides the state: fixed for one athlete."""

    complaints: frozenset[Complaint]
    intake: int
    flare_pain: int  # morning pain that starts a flare once (5, or 3 for calf strain/shin)
    hop_pass_pain: int
    shin: bool
    referral: bool  # R-PAIN-2a: shin with a bone stress history or missed periods
    clearance: frozenset[str]
    races: tuple[Race, ...]


def _ctx(profile: Profile, clearance: frozenset[str], races: Sequence[Race]) -> _Ctx:
    complaints = profile.complaints
    strict = bool(complaints & rules.STRICT_PAIN_COMPLAINTS)
    # R-TEST-5: shin passes at 0/10, calf strain at <= 2, others at <= 3; the strictest wins.
    pass_pain = min(
        [rules.HOP_TEST_PASS_PAIN]
        + [
            rules.HOP_TEST_STRICT_PASS_PAIN[c]
            for c in complaints
            if c in rules.HOP_TEST_STRICT_PASS_PAIN
        ]
    )
    merged = {(r.date, r.effective_km) for r in profile.races} | {
        (r.date, r.effective_km) for r in races
    }
    return _Ctx(
        complaints=complaints,
        intake=profile.usual_pain if profile.usual_pain is not None else rules.USUAL_PAIN_DEFAULT,
        flare_pain=rules.FLARE_MORNING_PAIN_STRICT if strict else rules.FLARE_MORNING_PAIN,
        hop_pass_pain=pass_pain,
        shin="shin" in complaints,
        referral="shin" in complaints and (profile.bone_stress_history or profile.missed_periods),
        clearance=clearance,
        races=tuple(Race(date=d, distance_km=km) for d, km in sorted(merged)),
    )


class _Fold:
    """The mutable working copy of a `SafetyState` (same fields)."""

    def __init__(self, state: SafetyState, ctx: _Ctx) -> None:
        for f in fields(SafetyState):
            setattr(self, f.name, getattr(state, f.name))
        self.ctx = ctx

    def freeze(self) -> SafetyState:
        return SafetyState(**{f.name: getattr(self, f.name) for f in fields(SafetyState)})

    # Attributes (declared for mypy; set in __init__ from the state).
    through: _D
    first_seen: _D
    last_usual: int | None
    baseline_count: int
    baseline: tuple[tuple[dt.date, int], ...]
    recent: tuple[tuple[dt.date, int, bool, bool], ...]
    pending_high: _D
    pending_usual: int
    flare_usual: int
    pending_low: bool
    last_checkin: _D
    last_rise: int
    last_pain: int
    flare_start: _D
    flare_end: _D
    last_flare_start: _D
    pain_stop_since: _D
    pain_stop_severe: bool
    red_since: _D
    red_last: _D
    red_urgent: bool
    red_flags: tuple[str, ...]
    cleared_on: _D
    last_set: _D
    ach_pending: _Pair
    ach_ok: _Pair
    hop_last: _D
    hop_pass: _Pair
    shin_pending: _D
    shin_pending_legs: tuple[bool, bool]
    plantar_since: _D
    lsi: float | None
    lsi_date: _D
    closed_on: _D
    low_since: _D

    # ------------------------------------------------------------------ R-PAIN-2 usual

    def usual_for(self, day: dt.date) -> int:
        """The usual that judges a check-in dated ``day`` (R-PAIN-2): the intake answer until 3
        check-ins outside a flare, then the median (rounded up) of the last 7 of them within the
        28 days before; with none there the last usual stands."""
        usual = self._usual_for(day)
        if self.flare_start is not None:
            # While a flare is on, the usual never rises above its value at the flare's start:
            # calm check-ins ageing out of the window must not lift it either (D-18).
            return min(usual, self.flare_usual)
        return usual

    def _usual_for(self, day: dt.date) -> int:
        if self.baseline_count < rules.USUAL_MIN_CHECKINS:
            return self.ctx.intake
        low = day - dt.timedelta(days=rules.USUAL_WINDOW_DAYS)
        values = sorted(p for d, p in self.baseline if low <= d < day)
        if not values:
            return self.last_usual if self.last_usual is not None else self.ctx.intake
        n = len(values)
        if n % 2:
            return values[n // 2]
        return (values[n // 2 - 1] + values[n // 2] + 1) // 2

    # ------------------------------------------------------------------ morning of a day

    def checkin(self, c: CheckIn) -> None:
        ctx = self.ctx
        t = c.date
        if self.first_seen is None:
            self.first_seen = t
        usual = self.usual_for(t)
        self.last_usual = usual
        # A shin hop test passes only with a settled next morning (R-TEST-5; D-18).
        if self.shin_pending is not None:
            if t == self.shin_pending + _DAY and c.pain <= usual and not c.red_flags:
                left, right = self.shin_pending_legs
                self.hop_pass = (t if left else self.hop_pass[0], t if right else self.hop_pass[1])
            self.shin_pending = None
            self.shin_pending_legs = (False, False)
        # R-PAIN-3: the first check-in after a qualifying 3x15 session must be <= usual + 1.
        if self.ach_pending != (None, None):
            if c.pain <= usual + rules.MORNING_HOLD_RISE and not c.red_flags:
                self.ach_ok = (
                    t if self.ach_pending[0] is not None else self.ach_ok[0],
                    t if self.ach_pending[1] is not None else self.ach_ok[1],
                )
            self.ach_pending = (None, None)
        if c.red_flags:
            # R-PAIN-2a: any red flag stops the plan until a clearance dated after it.
            if self.red_since is None:
                self.red_since = t
                self.red_urgent = False
                self.red_flags = ()
            self.red_last = t
            self.red_urgent = self.red_urgent or bool(c.red_flags & URGENT_RED_FLAGS)
            self.red_flags = tuple(sorted(set(self.red_flags) | set(c.red_flags)))
            self._reset_evidence()
        rise = c.pain - usual
        high = rise >= rules.PAIN_MORNING_RISE
        if self.flare_start is None:
            started: dt.date | None = None
            if rise >= rules.FLARE_ONCE_RISE or c.pain >= ctx.flare_pain:
                started = t
                self.flare_usual = usual
            elif high and self.pending_high is not None:
                started = self.pending_high  # two consecutive at usual + 2: from the first (D-18)
                self.flare_usual = min(usual, self.pending_usual)
            if started is not None:
                self.flare_start = started
                self.last_flare_start = started
                self.pending_high = None
                self.pending_low = False
                self._reset_evidence()
            else:
                self.pending_high = t if high else None
                self.pending_usual = usual
                if not high:
                    # Only a check-in at <= usual + 1 outside a flare enters the baseline (D-18).
                    self.baseline = (self.baseline + ((t, c.pain),))[-rules.USUAL_PAIN_WINDOW :]
                    self.baseline_count = min(self.baseline_count + 1, rules.USUAL_MIN_CHECKINS)
        else:
            settled = rise <= rules.MORNING_HOLD_RISE and c.pain < ctx.flare_pain
            if settled and self.pending_low:
                # R-PAIN-2: the flare ends at the second settled check-in; a pain stop lifts.
                self.flare_end = t
                self.flare_start = None
                self.pending_low = False
                self.pain_stop_since = None
                self.pain_stop_severe = False
            else:
                self.pending_low = settled
        if c.pain >= rules.PAIN_STOP_MORNING and self.flare_start is not None:
            # R-PAIN-2b: morning pain >= 7 stops the plan (the flare is on: 7 >= 5).
            if self.pain_stop_since is None or not self.pain_stop_severe:
                self.pain_stop_since = self.pain_stop_since or t
                self.pain_stop_severe = True
        in_flare = self.flare_start is not None
        keep = t - dt.timedelta(days=rules.USUAL_WINDOW_DAYS)
        self.recent = tuple(r for r in self.recent if r[0] > keep) + (
            (t, c.pain, bool(c.red_flags), in_flare),
        )
        if c.pain <= rules.CLOSE_PAIN_MAX and not c.red_flags:
            self.low_since = self.low_since or t
        else:
            self.low_since = None
        self.last_checkin = t
        self.last_rise = rise
        self.last_pain = c.pain

    def clearance(self, t: dt.date) -> None:
        if self.first_seen is None:
            self.first_seen = t
        if self.red_last is not None and t > self.red_last:
            self.red_since = None
            self.red_last = None
            self.red_urgent = False
            self.red_flags = ()
            self.cleared_on = t
        elif self.ctx.referral and self.red_since is None:
            # R-PAIN-2a: a clearance also lifts the shin referral (bone stress or missed periods).
            self.cleared_on = self.cleared_on or t

    def _reset_evidence(self) -> None:
        """A flare or a red flag voids the gate evidence gathered before it (D-18)."""
        self.ach_pending = (None, None)
        self.ach_ok = (None, None)
        self.hop_pass = (None, None)
        self.shin_pending = None
        self.shin_pending_legs = (False, False)
        self.closed_on = None

    # ------------------------------------------------------------------ status of a day

    def window(self, day: dt.date, days: int) -> list[tuple[dt.date, int, bool, bool]]:
        low = day - dt.timedelta(days=days - 1)
        return [r for r in self.recent if low <= r[0] <= day]

    def status(self, t: dt.date) -> None:
        # R-PAIN-2b: a flare still on after 14 days with >= 2 flare check-ins in the last 7.
        if (
            self.flare_start is not None
            and self.pain_stop_since is None
            and (t - self.flare_start).days >= rules.FLARE_REFERRAL_DAYS
        ):
            inside = [
                r
                for r in self.window(t, rules.FLARE_REFERRAL_WINDOW_DAYS)
                if r[3] and r[0] >= self.flare_start
            ]
            if len(inside) >= rules.FLARE_REFERRAL_CHECKINS:
                self.pain_stop_since = t
                self.pain_stop_severe = False
        # R-PAIN-4 plantar heel: >= 5 check-ins in the last 7 days, all <= 2/10.
        week = self.window(t, rules.PLANTAR_IMPACT_WINDOW_DAYS)
        plantar_ok = (
            len(week) >= rules.PLANTAR_IMPACT_CHECKINS
            and all(r[1] <= rules.PLANTAR_IMPACT_PAIN_MAX for r in week)
            and self.flare_start is None
        )
        if not plantar_ok:
            self.plantar_since = None
        elif self.plantar_since is None:
            self.plantar_since = t
        # R-PAIN-4: a complaint closes after 4 weeks of morning pain <= 1 and an LSI >= 90.
        if self.ctx.complaints and self.closed_on is None and self._may_close(t):
            self.closed_on = t

    def _may_close(self, t: dt.date) -> bool:
        if self.flare_start is not None or self.red_since is not None:
            return False
        if self.low_since is None or (t - self.low_since).days < rules.CLOSE_DAYS - 1:
            return False
        if self.lsi is None or self.lsi < rules.SYMMETRY_FLAG_BELOW or self.lsi_date is None:
            return False
        if (t - self.lsi_date).days > rules.CLOSE_TEST_MAX_AGE_DAYS:
            return False
        month = self.window(t, rules.CLOSE_DAYS)
        if any(r[1] > rules.CLOSE_PAIN_MAX or r[2] for r in month):
            return False
        # Every week of the four has a check-in: silence is not "pain <= 1" (D-18).
        weeks = {(t - r[0]).days // 7 for r in month}
        return len(weeks) == rules.CLOSE_DAYS // 7

    def hop_allowed(self, t: dt.date) -> tuple[bool, str]:
        """R-TEST-5: a hop test on ``t`` (after the morning check-in)."""
        if self.red_since is not None or (self.ctx.referral and self.cleared_on is None):
            return False, "No hop test while the plan is stopped for a clinician's assessment."
        if self.pain_stop_since is not None or self.flare_start is not None:
            return False, "No capacity test during a pain flare."
        for race in self.ctx.races:
            before = race.date - dt.timedelta(days=rules.CAPACITY_TEST_RACE_BEFORE_DAYS)
            after_days = (
                rules.CAPACITY_TEST_RACE_AFTER_LONG_DAYS
                if race.effective_km >= rules.MARATHON_KM
                else rules.CAPACITY_TEST_RACE_AFTER_DAYS
            )
            if before <= t <= race.date:
                return False, f"No capacity test in the 7 days before the race of {race.date}."
            if race.date < t <= race.date + dt.timedelta(days=after_days):
                return (
                    False,
                    f"No capacity test in the {after_days} days after the race of {race.date}.",
                )
        if self.hop_last is not None and (t - self.hop_last).days < rules.HOP_TEST_RETEST_DAYS:
            return False, f"The last hop test was on {self.hop_last}: retest no sooner than 7 days."
        week = self.window(t, rules.HOP_TEST_CHECKIN_DAYS)
        if len({r[0] for r in week}) < rules.HOP_TEST_CHECKIN_DAYS:
            return False, "A hop test needs a check-in on each of the last 7 days."
        if any(r[2] for r in week):
            return False, "A red flag was reported in the last 7 days, so no hop test."
        if any(r[1] > rules.HOP_TEST_DAILY_PAIN_MAX for r in week):
            return False, "Morning pain was above 2/10 in the last 7 days, so no hop test yet."
        return True, "A hop test is allowed: 7 days of check-ins at 2/10 or less, no red flag."

    # ------------------------------------------------------------------ the rest of a day

    def sets_of_day(self, t: dt.date, sets: Sequence[LoggedSet]) -> None:
        if not sets:
            return
        if self.first_seen is None:
            self.first_seen = t
        self.last_set = t
        # R-PAIN-3: 3 sets of >= 15 single-leg heel raises at body weight or more, pain <= 3
        # (logged), per leg (a `both` set counts for both); any set that day above 3 voids it.
        count = [0, 0]
        spoiled = [False, False]
        for s in sets:
            legs = (0, 1) if s.side == "both" else ((0,) if s.side == "left" else (1,))
            if s.pain is not None and s.pain > rules.PLYO_CLEARANCE_PAIN_MAX:
                for leg in legs:
                    spoiled[leg] = True
            if (
                s.exercise in self.ctx.clearance
                and s.reps is not None
                and s.reps >= rules.PLYO_CLEARANCE_REPS
                and (s.load_kg is None or s.load_kg >= 0)
                and s.pain is not None
            ):
                for leg in legs:
                    count[leg] += 1
        ok = [count[i] >= rules.PLYO_CLEARANCE_SETS and not spoiled[i] for i in (0, 1)]
        if ok[0] or ok[1]:
            self.ach_pending = (
                t if ok[0] else self.ach_pending[0],
                t if ok[1] else self.ach_pending[1],
            )

    def hop_test(self, t: dt.date, hops: int, pain: int, side: str, allowed: bool) -> None:
        if self.first_seen is None:
            self.first_seen = t
        self.hop_last = t
        if not allowed or hops < rules.HOP_TEST_HOPS or pain > self.ctx.hop_pass_pain:
            return
        left = side in ("left", "both")
        right = side in ("right", "both")
        if self.ctx.shin:
            prev = self.shin_pending_legs if self.shin_pending == t else (False, False)
            self.shin_pending = t
            self.shin_pending_legs = (prev[0] or left, prev[1] or right)
        else:
            self.hop_pass = (t if left else self.hop_pass[0], t if right else self.hop_pass[1])

    def capacity_tests(self, t: dt.date, lsis: list[float | None]) -> None:
        if not lsis:
            return
        if self.first_seen is None:
            self.first_seen = t
        # R-TEST-3: the latest test day; with two tests that day (knee angles), the lower LSI.
        known = [v for v in lsis if v is not None]
        self.lsi = min(known) if len(known) == len(lsis) else None
        self.lsi_date = t


def _first_date(seq: Sequence[Any], after: dt.date | None) -> dt.date | None:
    """The first date in a date-ordered sequence, after ``after`` when given."""
    i = 0 if after is None else bisect_right(seq, after, key=_date_of)
    return _date_of(seq[i]) if i < len(seq) else None


def _date_of(item: Any) -> dt.date:
    return item.date  # type: ignore[no-any-return]


def _advance(fold: _Fold, log: TrainingLog, day: dt.date) -> None:
    """Run the fold up to the morning of ``day`` (non-decreasing days)."""
    through = fold.through
    if through is not None and day <= through:
        return
    # Pointers into the date-ordered log: first entry not yet read.
    if through is None:
        starts = [
            d
            for d in (
                _first_date(log.checkins, None),
                _first_date(log.clearances, None),
                _first_date(log.sets, None),
                _first_date(log.hop_tests, None),
                _first_date(log.tests, None),
            )
            if d is not None
        ]
        first = min(starts) if starts else None
        if first is None or first > day:
            fold.through = None  # nothing yet: the state stays empty (days before are quiet)
            return
        t = first
        ci = cl = 0
        si = hi = ti = 0
        afternoon_first = False
    else:
        t = through
        ci = bisect_right(log.checkins, through, key=_date_of)
        cl = bisect_right(log.clearances, through, key=_date_of)
        si = bisect_left(log.sets, through, key=_date_of)
        hi = bisect_left(log.hop_tests, through, key=_date_of)
        ti = bisect_left(log.tests, through, key=_date_of)
        afternoon_first = True
    checkins, clearances, sets = log.checkins, log.clearances, log.sets
    hops, tests = log.hop_tests, log.tests
    while True:
        if not afternoon_first:
            while ci < len(checkins) and checkins[ci].date <= t:
                fold.checkin(checkins[ci])
                ci += 1
            while cl < len(clearances) and clearances[cl].date <= t:
                fold.clearance(clearances[cl].date)
                cl += 1
            fold.status(t)
            if t >= day:
                break
        afternoon_first = False
        # The afternoon of t: sets, hop tests and capacity tests count from t + 1.
        j = si
        while j < len(sets) and sets[j].date <= t:
            j += 1
        fold.sets_of_day(t, sets[si:j])
        si = j
        if hi < len(hops) and hops[hi].date <= t:
            allowed = fold.hop_allowed(t)[0]
            while hi < len(hops) and hops[hi].date <= t:
                h = hops[hi]
                fold.hop_test(t, h.hops, h.pain, h.side, allowed)
                hi += 1
        lsis: list[float | None] = []
        while ti < len(tests) and tests[ti].date <= t:
            lsis.append(symmetry_index(tests[ti].left, tests[ti].right))
            ti += 1
        fold.capacity_tests(t, lsis)
        t = t + _DAY
    fold.through = day


# --------------------------------------------------------------------------- the public API


def assess(
    profile: Profile,
    log: TrainingLog,
    day: dt.date,
    *,
    clearance_exercises: frozenset[str],
    races: Sequence[Race] = (),
    state: SafetyState | None = None,
    strain_step: int = 1,
) -> tuple[DaySafety, SafetyState]:
    """DaySafety for ``day``. With ``state`` (returned by the call for an earlier day) only the
    evidence after that state's day is read. Calls are made with non-decreasing ``day``.

    ``races`` are added to the profile's races. ``strain_step`` is the calf-strain ladder step
    reached (R-PAIN-4), which the engine tracks."""
    ctx = _ctx(profile, clearance_exercises, races)
    if state is not None and state.through is not None and day < state.through:
        raise ValueError(f"assess: {day} is before the state's day {state.through}")
    fold = _Fold(state or SafetyState(), ctx)
    _advance(fold, log, day)
    return _day_safety(fold, profile, day, strain_step), fold.freeze()


def usual_pain(profile: Profile, checkins: Sequence[CheckIn], before: dt.date) -> int:
    """The usual morning pain (R-PAIN-2) that judges a check-in dated ``before``, from the
    check-ins dated before it (flare check-ins never count)."""
    earlier = tuple(c for c in checkins if c.date < before)
    fold = _Fold(SafetyState(), _ctx(profile, frozenset(), ()))
    _advance(fold, TrainingLog(checkins=earlier), before - _DAY)
    return fold.usual_for(before)


def hop_test_passed(profile: Profile, log: TrainingLog, day: dt.date) -> dt.date | None:
    """The day the hop test (R-TEST-5) was passed on both legs by evidence before ``day``
    (for shin: with its settled next morning), or None. A flare or a red flag voids it."""
    fold = _Fold(SafetyState(), _ctx(profile, frozenset(), ()))
    _advance(fold, log, day)
    return _hop_passed(fold)


def _hop_passed(fold: _Fold) -> dt.date | None:
    left, right = fold.hop_pass
    if left is None or right is None:
        return None
    return max(left, right)


# --------------------------------------------------------------------------- DaySafety


def _day_safety(fold: _Fold, profile: Profile, day: dt.date, strain_step: int) -> DaySafety:
    ctx = fold.ctx
    complaints = ctx.complaints
    reasons: list[Reason] = []
    usual = fold.usual_for(day + _DAY)
    limit = rules.pain_limit(complaints)
    flare = Flare(fold.flare_start, None) if fold.flare_start is not None else None
    stop = _stop(fold, profile, day)
    if stop is not None:
        reasons.append(Reason(stop.rule, _first_sentence(stop.advice)))
    if limit == rules.PAIN_STRICT_MAX:
        reasons.append(
            Reason(
                "R-PAIN-2a",
                "With a calf strain or shin pain, stop any exercise above 2/10 and watch for a "
                "pop, swelling, night pain or pain on one spot of a bone.",
            )
        )
    if flare is not None:
        reasons.append(
            Reason(
                "R-PAIN-2b",
                f"The flare that started on {flare.start} is on: no dose progresses, calf blocks "
                "become 5 x 30 s mid-range holds, plyometrics stop and the running should ease.",
            )
        )
    morning: Morning = "ok"
    if fold.last_checkin is not None:
        if fold.last_rise >= rules.PAIN_MORNING_RISE:
            consumed = fold.last_set is not None and fold.last_set >= fold.last_checkin
            morning = "hold" if consumed else "one_set_fewer"
        elif fold.last_rise >= rules.MORNING_HOLD_RISE:
            morning = "hold"
        if morning != "ok":
            reasons.append(
                Reason(
                    "R-PAIN-2",
                    f"Morning pain was {fold.last_pain}/10 on {fold.last_checkin}, above your "
                    f"usual {fold.last_usual}/10: "
                    + (
                        "one set fewer this session."
                        if morning == "one_set_fewer"
                        else "every dose holds."
                    ),
                )
            )
    ask = bool(complaints) and (
        fold.last_checkin is None or (day - fold.last_checkin).days >= rules.CHECKIN_MISSING_DAYS
    )
    if ask:
        if morning == "ok":
            morning = "hold"
        reasons.append(
            Reason(
                "R-PAIN-2",
                "There has been no morning check-in for 7 days: doses hold until you record one.",
            )
        )
    if fold.flare_end is not None and (fold.last_set is None or fold.last_set < fold.flare_end):
        if flare is None and stop is None:
            reasons.append(
                Reason(
                    "R-PAIN-2b",
                    f"The flare that started on {fold.last_flare_start} ended on "
                    f"{fold.flare_end}: the plan restarts one step lower.",
                )
            )
    hop = fold.hop_allowed(day)
    gate = _gate(fold, day, strain_step, stop, flare)
    if not gate.open and complaints:
        reasons.append(gate.reason)
    closed = frozenset(complaints) if fold.closed_on is not None else frozenset()
    if closed:
        reasons.append(
            Reason(
                "R-PAIN-4",
                f"The complaint closed on {fold.closed_on} after 4 weeks of morning pain at 1/10 "
                "or less and a symmetric heel-raise test: its protocol runs once a week for 8 "
                "more weeks.",
            )
        )
    return DaySafety(
        day=day,
        usual=usual,
        limit=limit,
        stop=stop,
        flare=flare,
        morning=morning,
        ask_checkin=ask,
        lifted_on=fold.flare_end,
        cleared_on=fold.cleared_on,
        plyo=gate,
        hop_test=hop,
        closed_complaints=closed,
        reasons=tuple(reasons),
        closed_on=fold.closed_on,
    )


def _first_sentence(text: str) -> str:
    end = text.find(". ")
    return text if end < 0 else text[: end + 1]


def _stop(fold: _Fold, profile: Profile, day: dt.date) -> Stop | None:
    if fold.red_since is not None:
        flags = ", ".join(_FLAG_WORDS.get(f, f) for f in fold.red_flags)
        when = (
            "See a doctor or sports physiotherapist today."
            if fold.red_urgent
            else "See a sports physiotherapist or doctor in the next few days."
        )
        return Stop(
            kind="red_flag",
            since=fold.red_since,
            urgent=fold.red_urgent,
            rule="R-PAIN-2a",
            advice=(
                f"You reported {flags} on {fold.red_since}, a sign that needs a clinician, so the "
                f"plan stops. {when} It restarts at the bottom of its ladder once you record "
                "their clearance."
            ),
        )
    if fold.ctx.referral and fold.cleared_on is None:
        why = (
            "a previous bone stress injury"
            if profile.bone_stress_history
            else "missed or irregular periods"
        )
        return Stop(
            kind="referral",
            since=fold.first_seen or day,
            urgent=False,
            rule="R-PAIN-2a",
            advice=(
                f"Shin pain with {why} can be a bone stress injury, so a doctor or sports "
                "physiotherapist should assess it before any training plan. The plan starts "
                "once you record their clearance."
            ),
        )
    if fold.pain_stop_since is not None:
        start = fold.flare_start or fold.pain_stop_since
        if fold.pain_stop_severe:
            why = f"Morning pain reached 7/10 or more on {fold.pain_stop_since}"
        else:
            why = f"The flare that started on {start} has lasted more than 14 days"
        return Stop(
            kind="pain",
            since=fold.pain_stop_since,
            urgent=False,
            rule="R-PAIN-2b",
            advice=(
                f"{why}, so the plan stops. Ease your running and see a sports physiotherapist "
                "or doctor. The plan restarts one step lower once two check-ins in a row are "
                "back at your usual pain + 1 or less."
            ),
        )
    return None


def _gate(
    fold: _Fold, day: dt.date, strain_step: int, stop: Stop | None, flare: Flare | None
) -> Gate:
    complaints = fold.ctx.complaints
    if stop is not None:
        return Gate(
            False,
            None,
            None,
            False,
            Reason(stop.rule, "Plyometrics are off while the plan is stopped."),
        )
    if flare is not None:
        return Gate(
            False,
            None,
            None,
            False,
            Reason(
                "R-PAIN-2b", f"Plyometrics stop during the flare that started on {flare.start}."
            ),
        )
    hop = _hop_passed(fold)
    # R-SCH-3a / R-PAIN-3 / R-TEST-5: with a complaint, single-leg hops only after the hop test.
    hops_ok = not complaints or hop is not None
    opened: list[dt.date] = []
    cap: int | None = None
    for c in sorted(complaints):
        name = _COMPLAINT_WORDS[c]
        if c in ACHILLES_COMPLAINTS:
            left, right = fold.ach_ok
            if left is None or right is None:
                missing = " and ".join(
                    leg for leg, ok in (("left", left), ("right", right)) if ok is None
                )
                return _closed(
                    "R-PAIN-3",
                    f"With {name}, no plyometrics until the {missing} leg logs 3 x 15 single-leg "
                    "heel raises at body weight or more with pain at most 3/10 and the next "
                    "check-in at most usual + 1.",
                )
            opened.append(max(left, right))
        elif c == "plantar_heel":
            if fold.plantar_since is None:
                return _closed(
                    "R-PAIN-4",
                    f"With {name}, no impact until at least 5 check-ins in the last 7 days all "
                    "show first-step pain at most 2/10.",
                )
            opened.append(fold.plantar_since)
        elif c == "shin":
            if hop is None:
                return _closed(
                    "R-PAIN-4",
                    f"With {name}, no plyometrics until the hop test is passed with 0/10 bone "
                    "pain during it and the next morning.",
                )
            opened.append(hop)
            cap = min(cap or rules.PLYO_LIGHT_MAX, rules.PLYO_LIGHT_MAX)
        elif c == "calf_strain":
            if strain_step < rules.CALF_STRAIN_PLYO_STEP:
                return _closed(
                    "R-PAIN-4",
                    f"With {name}, no plyometrics before step 3 of the calf-strain ladder "
                    "(single-leg heel raises) is reached.",
                )
            if hop is None:
                return _closed(
                    "R-PAIN-4",
                    f"With {name}, no plyometrics until the hop test is passed at 2/10 or less.",
                )
            opened.append(hop)
            moderate = fold.lsi is not None and fold.lsi >= rules.SYMMETRY_FLAG_BELOW
            band = rules.PLYO_MODERATE.high if moderate else rules.PLYO_LIGHT_MAX
            cap = band if cap is None else min(cap, band)
    if not opened:
        text = (
            "No complaint gates plyometrics."
            if not complaints
            else "This complaint does not gate plyometrics; single-leg hops wait for the hop test."
        )
        return Gate(True, None, None, hops_ok, Reason("R-PAIN-4", text))
    since = max(opened)
    rule = "R-PAIN-3" if complaints & ACHILLES_COMPLAINTS else "R-PAIN-4"
    text = f"The criteria for plyometrics were met on {since}" + (
        f": at most {cap} contacts a session." if cap is not None else "."
    )
    return Gate(True, since, cap, hops_ok, Reason(rule, text))


def _closed(rule: str, text: str) -> Gate:
    return Gate(False, None, None, False, Reason(rule, text))
