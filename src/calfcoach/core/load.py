"""Training load from the log: weekly volume, load trends, pain trend, adherence.

Pure and deterministic (no I/O, no clock): the progress report of ``services.progress`` is
these functions over what storage returns. One pass over the sets per function, so ten years
of history (about 30,000 sets) takes milliseconds.

Weeks are ISO weeks (Monday to Sunday), keyed by their Monday: a plan week starts on the
plan's start day, but a history spans many plans, and calendar weeks line up across them.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from calfcoach.core.models import CheckIn, LoggedSet

__all__ = [
    "Adherence",
    "LoadPoint",
    "LoadTrend",
    "PainWeek",
    "REP_SECONDS",
    "SLOW_REP_SECONDS",
    "WeekVolume",
    "adherence",
    "load_trends",
    "pain_trend",
    "time_under_load",
    "usual_pain",
    "week_of",
    "weekly_volume",
]

REP_SECONDS = 2
"""Time under load of one rep at a normal tempo (about 1 s up, 1 s down)."""
SLOW_REP_SECONDS = 6
"""One rep of heavy or rehab work: 3 s up, 3 s down (R-SCH-6, R-PAIN-3)."""
_SLOW_SCHEMES = frozenset({"heavy", "rehab"})


def week_of(date: dt.date) -> dt.date:
    """The Monday of the ISO week ``date`` falls in."""
    return date - dt.timedelta(days=date.weekday())


def time_under_load(logged: LoggedSet) -> int:
    """Seconds under load of one set.

    Holds count their seconds; reps count ``REP_SECONDS`` each (``SLOW_REP_SECONDS`` for
    heavy and rehab work, done slowly); reps with seconds are reps of a hold (banded foot
    pull, hold 2 s) and count reps x seconds. Contacts and distances add no time under load.
    """
    reps = logged.reps or 0
    seconds = logged.seconds or 0
    if reps and seconds:
        return reps * seconds
    if seconds:
        return seconds
    per_rep = SLOW_REP_SECONDS if logged.scheme in _SLOW_SCHEMES else REP_SECONDS
    return reps * per_rep


@dataclass(frozen=True, slots=True)
class WeekVolume:
    """What was done in one week, for one body region and loading scheme."""

    week: dt.date
    region: str
    scheme: str
    sets: int
    reps: int
    time_under_load_s: int
    contacts: int


def weekly_volume(
    sets: Iterable[LoggedSet], region_of: Mapping[str, str]
) -> tuple[WeekVolume, ...]:
    """Volume per (ISO week, region, scheme), in week order then region and scheme.

    ``region_of`` maps exercise ids to regions (the catalog); an exercise it does not know
    counts as region ``"other"``; a set without a scheme as scheme ``"unplanned"``.
    """
    totals: dict[tuple[dt.date, str, str], list[int]] = {}
    for s in sets:
        key = (week_of(s.date), region_of.get(s.exercise, "other"), s.scheme or "unplanned")
        row = totals.get(key)
        if row is None:
            row = totals[key] = [0, 0, 0, 0]
        row[0] += 1
        row[1] += s.reps or 0
        row[2] += time_under_load(s)
        row[3] += s.contacts or 0
    return tuple(
        WeekVolume(week, region, scheme, row[0], row[1], row[2], row[3])
        for (week, region, scheme), row in sorted(totals.items())
    )


@dataclass(frozen=True, slots=True)
class LoadPoint:
    week: dt.date
    max_load_kg: float


@dataclass(frozen=True, slots=True)
class LoadTrend:
    """The heaviest added load of one exercise per week, and its change overall."""

    exercise: str
    points: tuple[LoadPoint, ...]

    @property
    def first_kg(self) -> float:
        return self.points[0].max_load_kg

    @property
    def last_kg(self) -> float:
        return self.points[-1].max_load_kg

    @property
    def change_kg(self) -> float:
        return round(self.last_kg - self.first_kg, 2)


def load_trends(sets: Iterable[LoggedSet]) -> tuple[LoadTrend, ...]:
    """Load trend of the main lifts: every exercise logged with added load, by exercise id.

    Bodyweight work has no load to trend (its progress shows in reps and the tests).
    """
    best: dict[str, dict[dt.date, float]] = {}
    for s in sets:
        if s.load_kg:
            weeks = best.setdefault(s.exercise, {})
            week = week_of(s.date)
            if s.load_kg > weeks.get(week, 0.0):
                weeks[week] = s.load_kg
    return tuple(
        LoadTrend(exercise, tuple(LoadPoint(w, kg) for w, kg in sorted(weeks.items())))
        for exercise, weeks in sorted(best.items())
    )


@dataclass(frozen=True, slots=True)
class PainWeek:
    """Pain in one week: during sets (R-PAIN-1) and next morning (R-PAIN-2)."""

    week: dt.date
    set_pain_mean: float | None
    set_pain_max: int | None
    morning_pain_mean: float | None
    morning_stiffness_mean: float | None


def _mean(total: int, count: int) -> float | None:
    return round(total / count, 1) if count else None


def pain_trend(sets: Iterable[LoggedSet], checkins: Iterable[CheckIn]) -> tuple[PainWeek, ...]:
    """Weekly pain during sets and at the next-morning check-ins, in week order."""
    during: dict[dt.date, list[int]] = {}  # total, count, max
    morning: dict[dt.date, list[int]] = {}  # pain total, stiffness total, count
    for s in sets:
        if s.pain is None:
            continue
        row = during.setdefault(week_of(s.date), [0, 0, 0])
        row[0] += s.pain
        row[1] += 1
        row[2] = max(row[2], s.pain)
    for c in checkins:
        row = morning.setdefault(week_of(c.date), [0, 0, 0])
        row[0] += c.pain
        row[1] += c.stiffness
        row[2] += 1
    out = []
    for week in sorted(during.keys() | morning.keys()):
        d = during.get(week)
        m = morning.get(week)
        out.append(
            PainWeek(
                week=week,
                set_pain_mean=_mean(d[0], d[1]) if d else None,
                set_pain_max=d[2] if d else None,
                morning_pain_mean=_mean(m[0], m[2]) if m else None,
                morning_stiffness_mean=_mean(m[1], m[2]) if m else None,
            )
        )
    return tuple(out)


def usual_pain(checkins: Sequence[CheckIn], window: int = 7) -> float | None:
    """R-PAIN-2: "usual" pain is the median of the last ``window`` check-ins."""
    recent = sorted(checkins, key=lambda c: c.date)[-window:]
    return float(statistics.median(c.pain for c in recent)) if recent else None


@dataclass(frozen=True, slots=True)
class Adherence:
    """Planned sessions up to a day, and what became of them."""

    planned: int
    done: int
    skipped: int
    missed: int
    extra: int
    """Days with sets logged that had no planned session (moved by hand, or extra work)."""

    @property
    def rate(self) -> float | None:
        """Done / planned, 0-1 (None before the first planned session)."""
        return round(self.done / self.planned, 3) if self.planned else None


def adherence(
    planned: Iterable[dt.date],
    done: Iterable[dt.date],
    skipped: Iterable[dt.date],
    up_to: dt.date,
) -> Adherence:
    """Count planned session days up to ``up_to`` that were done, skipped or missed."""
    planned_days = {d for d in planned if d <= up_to}
    done_days = {d for d in done if d <= up_to}
    skipped_days = {d for d in skipped if d <= up_to} - done_days
    done_planned = planned_days & done_days
    skipped_planned = planned_days & skipped_days
    return Adherence(
        planned=len(planned_days),
        done=len(done_planned),
        skipped=len(skipped_planned),
        missed=len(planned_days - done_planned - skipped_planned),
        extra=len(done_days - planned_days),
    )
