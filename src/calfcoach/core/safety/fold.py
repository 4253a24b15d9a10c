"""The day-by-day fold of the safety layer (R-PAIN-2, R-PAIN-2a, R-PAIN-2b, closing of R-PAIN-4).

For each day ``t`` the morning check-ins and clearances of ``t`` come first (they count for a
session on ``t``), then the day's status (time-based rules: the 14-day flare referral, the
plantar impact window, closing a complaint), then the sets, hop tests and capacity tests of
``t`` (they count from ``t + 1``; their evidence is kept by `calfcoach.core.safety.gates`).

`Fold` is the mutable working copy of a `SafetyState`; `advance` runs it up to the morning of a
day, reading only the part of the date-ordered log after the state's day (found by bisection).
Here: the usual-pain baseline (R-PAIN-2), flares and their end (R-PAIN-2), red flags,
clearances and the shin referral (R-PAIN-2a), pain stops (R-PAIN-2b), the plantar impact
window (R-PAIN-4) and the next-morning confirmation of gate evidence (R-PAIN-3, R-TEST-5).
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, fields
from typing import Any

from calfcoach.core import rules
from calfcoach.core.capacity import symmetry_index
from calfcoach.core.models import (
    URGENT_RED_FLAGS,
    CheckIn,
    Complaint,
    Profile,
    Race,
    TrainingLog,
)
from calfcoach.core.safety import gates
from calfcoach.core.safety.model import SafetyState

__all__ = ["DAY", "Ctx", "Fold", "advance", "context"]

DAY = dt.timedelta(days=1)

_D = dt.date | None
_Pair = tuple[_D, _D]
# The state's field names, read once (``dataclasses.fields`` walks the class on every call).
_STATE_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(SafetyState))


@dataclass(slots=True)
class Ctx:
    """What the fold needs besides the state: fixed for one athlete."""

    complaints: frozenset[Complaint]
    intake: int
    flare_pain: int  # morning pain that starts a flare once (5, or 3 for calf strain/shin)
    hop_pass_pain: int
    shin: bool
    referral: bool  # R-PAIN-2a: shin with a bone stress history or missed periods
    clearance: frozenset[str]
    races: tuple[Race, ...]


def context(profile: Profile, clearance: frozenset[str], races: Sequence[Race]) -> Ctx:
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
    return Ctx(
        complaints=complaints,
        intake=profile.usual_pain if profile.usual_pain is not None else rules.USUAL_PAIN_DEFAULT,
        flare_pain=rules.FLARE_MORNING_PAIN_STRICT if strict else rules.FLARE_MORNING_PAIN,
        hop_pass_pain=pass_pain,
        shin="shin" in complaints,
        referral="shin" in complaints and (profile.bone_stress_history or profile.missed_periods),
        clearance=clearance,
        # Built from races already validated: not validated again (a race stored before the
        # one date rule held races is read as stored, models.STORED).
        races=tuple(Race.model_construct(date=d, distance_km=km) for d, km in sorted(merged)),
    )


class Fold:
    """The mutable working copy of a `SafetyState` (same fields)."""

    def __init__(self, state: SafetyState, ctx: Ctx) -> None:
        for name in _STATE_FIELDS:
            setattr(self, name, getattr(state, name))
        self.ctx = ctx

    def freeze(self) -> SafetyState:
        return SafetyState(**{name: getattr(self, name) for name in _STATE_FIELDS})

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
            if t == self.shin_pending + DAY and c.pain <= usual and not c.red_flags:
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
        if self.ctx.complaints and self.closed_on is None and gates.may_close(self, t):
            self.closed_on = t


def _first_date(seq: Sequence[Any], after: dt.date | None) -> dt.date | None:
    """The first date in a date-ordered sequence, after ``after`` when given."""
    i = 0 if after is None else bisect_right(seq, after, key=_date_of)
    return _date_of(seq[i]) if i < len(seq) else None


def _date_of(item: Any) -> dt.date:
    return item.date  # type: ignore[no-any-return]


def advance(fold: Fold, log: TrainingLog, day: dt.date) -> None:
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
        gates.sets_of_day(fold, t, sets[si:j])
        si = j
        if hi < len(hops) and hops[hi].date <= t:
            allowed = gates.hop_allowed(fold, t)[0]
            while hi < len(hops) and hops[hi].date <= t:
                h = hops[hi]
                gates.hop_test(fold, t, h.hops, h.pain, h.side, allowed)
                hi += 1
        lsis: list[float | None] = []
        while ti < len(tests) and tests[ti].date <= t:
            lsis.append(symmetry_index(tests[ti].left, tests[ti].right))
            ti += 1
        if lsis:
            gates.capacity_tests(fold, t, lsis, gates.barred_test_day(fold, t) is not None)
        t = t + DAY
    fold.through = day
