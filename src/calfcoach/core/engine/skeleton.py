"""The plan's skeleton: which days carry a session and what kind of main block each one
rotates to (R-SCHED-0..5, R-PROG-5). It depends on the profile and the calendar only, never on
the log; the walk (``walk.py``) turns each slot into a session from the evidence before it.

* the days come from ``schedule.build_schedule`` (R-SCHED-0..4, R-SCHED-4a windows);
* one main kind per session, rotating so that two consecutive weeks never repeat a session
  (R-SCHED-3), following the seed's rotation, extended to six weeks;
* R-SCHED-4b: no heavy or plyometric kind the day before a hard run, no plyometric kind the day
  after one: swapped inside the week where the other day is clear, else cut to light work;
* over each 2-week cycle straight- and bent-knee, heavy and light and plyometric work, with
  short extra blocks where a cycle has too few sessions (R-SCHED-5);
* a lighter week every 4th week (R-PROG-5).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Final, Literal

from calfcoach.core import rules
from calfcoach.core.catalog import Catalog
from calfcoach.core.engine.blocks import LIGHTER, Choices
from calfcoach.core.models import DatedRun, Profile
from calfcoach.core.races import RaceCalendar
from calfcoach.core.schedule import (
    LIGHT,
    ScheduleIssue,
    build_schedule,
    hard_run_checks,
    hard_run_day,
    place_week,
)

Kind = Literal[
    "plyo", "heavy_bent", "heavy_straight", "light_straight", "light_bent", "soleus", "mini_squat"
]

HEAVY_KINDS: Final[frozenset[str]] = frozenset(("heavy_bent", "heavy_straight"))
LIGHT_KINDS: Final[frozenset[str]] = frozenset(("light_straight", "light_bent", "mini_squat"))
KIND_KNEE: Final[dict[str, str]] = {
    "plyo": "none",
    "heavy_bent": "bent",
    "heavy_straight": "straight",
    "light_straight": "straight",
    "light_bent": "bent",
    "soleus": "bent",
    "mini_squat": "bent",
}
STRAIGHT_KINDS: Final = frozenset(k for k, knee in KIND_KNEE.items() if knee == "straight")
BENT_KINDS: Final = frozenset(k for k, knee in KIND_KNEE.items() if knee == "bent") - {"mini_squat"}

# The seed's 2-week example rotation (R-SCHED-3, seed 001), extended to six weeks so the heavy
# knee angle and the light blocks alternate too; six is not a multiple of the 4-week deload
# period, so lighter weeks do not always fall on the same sessions.
ROTATION: Final[tuple[Kind, ...]] = (
    "plyo",
    "heavy_bent",
    "mini_squat",
    "light_straight",
    "plyo",
    "heavy_straight",
    "soleus",
    "light_bent",
    "plyo",
    "heavy_bent",
    "soleus",
    "light_straight",
)
# For three sessions a week: six kinds, so two consecutive weeks share none.
ROTATION_3: Final[tuple[Kind, ...]] = (
    "plyo",
    "heavy_bent",
    "mini_squat",
    "light_straight",
    "heavy_straight",
    "soleus",
)


_Allowed = Callable[[str, dt.date, int], bool]
_DayTest = Callable[[dt.date], bool]


@dataclass(frozen=True, slots=True)
class Slot:
    """One session day of the skeleton."""

    date: dt.date
    week: int
    deload: bool
    kind: str | None
    extras: tuple[str, ...]
    after_hard: bool
    """On a hard-run day (the session comes after the run)."""
    before_hard: bool
    """The day before a hard run or a tune-up race (R-SCHED-4b)."""
    day_after_hard: bool = False
    """The day after a hard run or a tune-up race (R-SCHED-4b: no plyometrics)."""

    def __init__(
        self,
        date: dt.date,
        week: int,
        deload: bool,
        kind: str | None,
        extras: tuple[str, ...],
        after_hard: bool,
        before_hard: bool,
        day_after_hard: bool = False,
    ) -> None:
        # Written out: mypyc compiles it to native slot writes (D-130).
        object.__setattr__(self, "date", date)
        object.__setattr__(self, "week", week)
        object.__setattr__(self, "deload", deload)
        object.__setattr__(self, "kind", kind)
        object.__setattr__(self, "extras", extras)
        object.__setattr__(self, "after_hard", after_hard)
        object.__setattr__(self, "before_hard", before_hard)
        object.__setattr__(self, "day_after_hard", day_after_hard)


@dataclass(frozen=True, slots=True)
class Skeleton:
    start: dt.date
    weeks: int
    slots: tuple[Slot, ...]
    issues: tuple[ScheduleIssue, ...]


def is_deload(week: int, weeks: int) -> bool:
    """R-PROG-5 (D-4): every 4th week of a plan of 4 weeks or more."""
    return weeks >= rules.DELOAD_EVERY_WEEKS and week % rules.DELOAD_EVERY_WEEKS == 0


def build_skeleton(
    profile: Profile,
    catalog: Catalog,
    start: dt.date,
    weeks: int,
    choices: Choices,
    calendar: RaceCalendar,
    dated: Sequence[DatedRun] = (),
) -> Skeleton:
    """The skeleton of a plan (module doc). ``dated``: runs on dates (imported or planned,
    issue 10) beside the usual week's, for R-SCHED-4 and R-SCHED-4b."""
    schedule, found = build_schedule(profile, start, weeks, dated)
    issues = list(found)
    after_hard = hard_run_day(profile, calendar, dated)  # a hard-run day: session after the run
    before_hard, day_after_hard = hard_run_checks(profile, calendar, dated)
    # Each session date: a hard run on it, on the next day, on the day before (R-SCHED-4,
    # R-SCHED-4b). Asked again and again below: worked out once per date.
    on_hard: dict[dt.date, bool] = {}
    eve: dict[dt.date, bool] = {}
    after: dict[dt.date, bool] = {}
    for ws in schedule:
        for d in ws.dates:
            on_hard[d], eve[d], after[d] = after_hard(d), before_hard(d), day_after_hard(d)

    rotation = ROTATION_3 if rules.sessions_wanted(profile) >= 3 else ROTATION
    heavy_from = rules.NOVICE_LIGHT_ONLY_WEEKS + 1 if profile.level == "novice" else 1
    protocol = choices.has_protocol

    possible = frozenset(k for k in KIND_KNEE if choices.kind_possible(k))
    # date -> (heavy work allowed that day, plyometrics allowed): asked for every kind of the
    # rotation tried on a date, worked out once per date.
    day_ok: dict[dt.date, tuple[bool, bool]] = {}

    def allowed(kind: str, date: dt.date, week: int) -> bool:
        if kind not in possible:
            return False
        if kind != "plyo" and kind not in HEAVY_KINDS:
            return True
        ok = day_ok.get(date)
        if ok is None:
            day = calendar.day(date)
            heavy = day.taper is None and day.light_only is None and not eve[date]
            ok = day_ok[date] = (heavy, heavy and not after[date])
        if kind == "plyo":
            return ok[1]
        if protocol or week < heavy_from:
            return False  # R-SCHED-8: heavy block or protocol block; R-PROG-4a
        return ok[0]

    by_week: list[list[tuple[dt.date, str | None]]] = []
    prev: set[str] = set()
    pointer = 0
    # Kinds the rotation reached on a day that could not hold them (the eve of a hard run, a
    # race's taper, novice weeks): the next day that can hold one takes it first (D-170).
    owed: list[str] = []
    for ws in schedule:
        # A hard-run day takes its rotation slot last, so the plyometric slot (first in the
        # rotation) lands on a day without a hard run (R-PROG-4a).
        order = sorted(ws.dates, key=lambda d: (on_hard[d], d))
        chosen: list[tuple[dt.date, str | None]] = []
        used: set[str] = set()
        for date in order:
            kind, pointer = _next_kind(rotation, pointer, date, ws.week, prev, used, allowed, owed)
            if kind is not None:
                used.add(kind)
            chosen.append((date, kind))
        chosen.sort()
        chosen = _jumps_off_hard_days(chosen, ws.week, allowed, on_hard.__getitem__)
        chosen, moved = _place(chosen, ws.week, allowed, eve.__getitem__, after.__getitem__)
        issues.extend(ScheduleIssue(rule, ws.week, m) for rule, m in moved)
        by_week.append(chosen)
        prev = {k for _, k in chosen if k is not None}
        if not ws.dates:
            issues.append(
                ScheduleIssue(
                    "R-SCHED-6",
                    ws.week,
                    "no session fits this week, so no foot work either; do the foot drills on "
                    "any free day",
                )
            )
    extras = _coverage_extras(by_week, allowed, choices, on_hard.__getitem__)
    slots: list[Slot] = []
    for ws, chosen in zip(schedule, by_week, strict=True):
        deload = is_deload(ws.week, weeks)
        for date, kind in chosen:
            slots.append(
                Slot(
                    date,
                    ws.week,
                    deload,
                    kind,
                    extras.get(date, ()),
                    on_hard[date],
                    eve[date],
                    after[date],
                )
            )
    return Skeleton(start, weeks, tuple(slots), tuple(issues))


def _next_kind(
    rotation: tuple[Kind, ...],
    pointer: int,
    date: dt.date,
    week: int,
    prev: set[str],
    used: set[str],
    allowed: _Allowed,
    owed: list[str],
) -> tuple[str | None, int]:
    """Next kind in the rotation allowed on ``date`` and not in the previous week (R-SCHED-3)
    nor earlier this week; falls back to any allowed kind. A kind owed from an earlier day comes
    first; a heavy or plyometric kind passed over because this day cannot hold it becomes owed
    (D-170), so a day that cannot hold heavy work never uses up the heavy turn of a day that can.
    ``owed`` is updated in place."""
    n = len(rotation)
    for strict in (True, False):
        for kind in owed:
            if kind in used or (strict and kind in prev) or not allowed(kind, date, week):
                continue
            owed.remove(kind)
            return kind, pointer
        for step in range(n):
            kind = rotation[(pointer + step) % n]
            if kind in used or (strict and kind in prev):
                continue
            if allowed(kind, date, week):
                for passed in range(step):
                    skipped = rotation[(pointer + passed) % n]
                    if (
                        (skipped == "plyo" or skipped in HEAVY_KINDS)
                        and skipped not in owed
                        and skipped not in used
                        and not (strict and skipped in prev)
                    ):
                        owed.append(skipped)
                return kind, (pointer + step + 1) % n
    for kind in ("light_straight", "light_bent", "soleus", "mini_squat"):
        if kind not in used and allowed(kind, date, week):
            return kind, pointer
    return None, pointer


def _jumps_off_hard_days(
    chosen: list[tuple[dt.date, str | None]],
    week: int,
    allowed: _Allowed,
    hard_day: _DayTest,
) -> list[tuple[dt.date, str | None]]:
    """R-PROG-4a: plyometrics on a day without a hard run where the week has one. The
    rotation's order puts a hard-run day last, which is enough only when the plyometric kind is
    the next one due; otherwise it swaps with the kind of a day without a hard run, where both
    kinds are allowed on their new days (the week keeps its kinds, R-SCHED-3)."""
    out = list(chosen)
    for i, (day, kind) in enumerate(out):
        if kind != "plyo" or not hard_day(day):
            continue
        for j, (other, other_kind) in enumerate(out):
            if (
                other_kind is not None
                and other_kind != "plyo"
                and not hard_day(other)
                and allowed("plyo", other, week)
                and allowed(other_kind, day, week)
            ):
                out[i], out[j] = (day, other_kind), (other, "plyo")
                break
    return out


def _place(
    chosen: list[tuple[dt.date, str | None]],
    week: int,
    allowed: _Allowed,
    before_hard: _DayTest,
    day_after_hard: _DayTest,
) -> tuple[list[tuple[dt.date, str | None]], list[tuple[str, str]]]:
    """R-SCHED-4b through ``schedule.place_week`` (the rule lives there): an intense kind never
    the day before a hard run, plyometrics never the day after one; a kind that cannot be
    swapped becomes the light kind of its knee angle."""
    slots = [(d, k if k is not None else "") for d, k in chosen]
    placed, warnings = place_week(
        slots,
        intense=lambda k: k in HEAVY_KINDS or k == "plyo",
        plyo=lambda k: k == "plyo",
        before_hard=before_hard,
        after_hard=day_after_hard,
        allowed=lambda d, k: k in ("", LIGHT) or allowed(k, d, week),
    )
    if not warnings:
        return chosen, warnings  # nothing moved or cut: every move or cut is named
    by_date = dict(chosen)
    out: list[tuple[dt.date, str | None]] = []
    for date, kind in placed:
        if kind == LIGHT:
            original = by_date[date]
            kind = LIGHTER.get(original or "", original or "")
        out.append((date, kind or None))
    return out, warnings


def _label(kind: str) -> str:
    return {
        "plyo": "plyometric",
        "heavy_bent": "heavy bent-knee",
        "heavy_straight": "heavy straight-knee",
    }.get(kind, kind.replace("_", " "))


def _coverage_extras(
    by_week: list[list[tuple[dt.date, str | None]]],
    allowed: _Allowed,
    choices: Choices,
    hard_day: _DayTest,
) -> dict[dt.date, tuple[str, ...]]:
    """R-SCHED-5 (D-10): where a 2-week cycle lacks a kind of work, one short extra block on a
    session of the cycle that may hold it; a plyometric one on a day without a hard run where
    the cycle has one (R-PROG-4a)."""
    extras: dict[dt.date, list[str]] = {}
    ladder = choices.ladder_is_main()

    def held(kind: str | None) -> str | None:
        """The main block a session of this kind holds: with shin pain every one but the
        plyometric block is the soleus ladder (R-PAIN-4, D-145)."""
        return "soleus" if ladder and kind is not None and kind != "plyo" else kind

    def same_exercise(kind: str, main: str | None) -> bool:
        """An extra of the main block's own exercise (a heavy straight-knee extra on a light
        straight-knee session): one exercise appears once a session (R-SCHED-8)."""
        if main is None or main == "soleus" or kind == "soleus":
            return False
        ex = choices.exercise_for(kind)
        return ex is not None and ex is choices.exercise_for(main)

    heavy_before: set[str] = set()  # the heavy kinds of the last cycle that held any
    for c in range(0, len(by_week) - 1, rules.CYCLE_WEEKS):
        two = by_week[c] + by_week[c + 1]
        kinds = [k for _, main in two if (k := held(main)) is not None]
        slots = [(d, held(k), c + 1) for d, k in by_week[c]]
        slots += [(d, held(k), c + 2) for d, k in by_week[c + 1]]
        for need, options in missing_kinds(kinds, choices):
            if need == "heavy" and (not choices.can_load or choices.has_protocol):
                continue  # R-SCH-2a nothing makes it heavy; a protocol is the heavy work
            if need == "heavy":
                # R-SCHED-3 (D-156): the knee angle that had the heavy work last waits, so an
                # extra heavy block alternates the knee from cycle to cycle.
                options = tuple(sorted(options, key=lambda k: k in heavy_before))
            still = [n for n, _ in missing_kinds(kinds, choices)]
            if need not in still:
                continue  # an extra block placed for an earlier need covers this one too
            # One block that covers two needs first: a heavy bent-knee extra is the cycle's
            # bent-knee and heavy work at once, where a soleus block is only one (D-170).
            options = tuple(sorted(options, key=lambda k: -_covers(k, still)))
            placed = False
            for kind in options:
                order = sorted(slots, key=lambda s: kind == "plyo" and hard_day(s[0]))
                for date, main, week in order:
                    if date in extras or kind == main or not allowed(kind, date, week):
                        continue
                    if same_exercise(kind, main):
                        continue  # R-SCHED-8: the session would drop it as a repeat (D-170)
                    extras[date] = [kind]
                    kinds.append(kind)
                    placed = True
                    break
                if placed:
                    break
        heavy_before = {k for k in kinds if k in HEAVY_KINDS} or heavy_before
    return {d: tuple(k) for d, k in extras.items()}


def _covers(kind: str, needs: list[str]) -> int:
    """How many of a cycle's missing needs (R-SCHED-5) a block of this kind covers."""
    return (
        ("straight" in needs and kind in STRAIGHT_KINDS)
        + ("bent" in needs and kind in BENT_KINDS)
        + ("heavy" in needs and kind in HEAVY_KINDS)
        + ("light" in needs and kind in LIGHT_KINDS)
        + ("plyo" in needs and kind == "plyo")
    )


def missing_kinds(kinds: list[str], choices: Choices) -> list[tuple[str, tuple[str, ...]]]:
    have = set(kinds)
    missing: list[tuple[str, tuple[str, ...]]] = []
    if have.isdisjoint(STRAIGHT_KINDS):
        missing.append(("straight", ("heavy_straight", "light_straight")))
    if have.isdisjoint(BENT_KINDS):
        missing.append(("bent", ("soleus", "heavy_bent", "light_bent")))
    if not choices.has_protocol and (not choices.can_load or have.isdisjoint(HEAVY_KINDS)):
        missing.append(("heavy", ("heavy_straight", "heavy_bent")))
    if have.isdisjoint(LIGHT_KINDS) and (choices.can_load or have.isdisjoint(HEAVY_KINDS)):
        missing.append(("light", ("light_straight", "light_bent", "mini_squat")))
    if "plyo" not in have:
        missing.append(("plyo", ("plyo",)))
    return missing


__all__ = ["Kind", "Skeleton", "Slot", "build_skeleton", "is_deload"]
