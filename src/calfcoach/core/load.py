"""Training load from the log: weekly volume, load trends, pain trend, adherence.

Pure and deterministic (no I/O, no clock): the progress report of ``services.progress`` is
these functions over what storage returns. They work on day totals (``DayTotals``: the sets
of one exercise and scheme on one day, summed), which the database can compute for ten
years of history (about 30,000 sets) in tens of milliseconds; ``day_totals`` is their
definition in Python, and a test checks the two agree.

Weeks are ISO weeks (Monday to Sunday), keyed by their Monday: a plan week starts on the
plan's start day, but a history spans many plans, and calendar weeks line up across them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

from calfcoach.core.models import CheckIn, LoggedSet

__all__ = [
    "Adherence",
    "LoadPoint",
    "LoadTrend",
    "PainWeek",
    "REP_SECONDS",
    "SLOW_REP_SECONDS",
    "DayTotals",
    "Summary",
    "WeekVolume",
    "adherence",
    "day_totals",
    "load_trends",
    "pain_trend",
    "summarize",
    "time_under_load",
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


class DayTotals(NamedTuple):
    """The sets of one exercise in one scheme on one day, summed.

    The progress report needs no more than this, so storage may sum in SQL (ten years are
    ~30,000 sets but ~5,000 of these rows); ``day_totals`` is the definition, in Python.
    """

    date: dt.date
    exercise: str
    scheme: str | None
    sets: int
    reps: int | None
    time_under_load_s: int | None
    contacts: int | None
    max_load_kg: float | None
    pain_total: int | None
    pain_count: int
    pain_max: int | None


def time_under_load(reps: int | None, seconds: int | None, scheme: str | None) -> int:
    """Seconds under load of one set.

    Holds count their seconds; reps count ``REP_SECONDS`` each (``SLOW_REP_SECONDS`` for
    heavy and rehab work, done slowly); reps with seconds are reps of a hold (banded foot
    pull, hold 2 s) and count reps x seconds. Contacts and distances add no time under load.
    """
    if seconds:
        return reps * seconds if reps else seconds
    if not reps:
        return 0
    return reps * (SLOW_REP_SECONDS if scheme in _SLOW_SCHEMES else REP_SECONDS)


def _add(total: int | None, value: int | None) -> int | None:
    if value is None:
        return total
    return value if total is None else total + value


def day_totals(sets: Iterable[LoggedSet]) -> list[DayTotals]:
    """Sum logged sets per (day, exercise, scheme), as SQL's GROUP BY would (NULLs skipped)."""
    groups: dict[tuple[dt.date, str, str | None], list[Any]] = {}
    for s in sets:
        key = (s.date, s.exercise, s.scheme)
        row = groups.get(key)
        if row is None:
            row = groups[key] = [0, None, None, None, None, None, 0, None]
        row[0] += 1
        row[1] = _add(row[1], s.reps)
        row[2] = _add(row[2], time_under_load(s.reps, s.seconds, s.scheme))
        row[3] = _add(row[3], s.contacts)
        if s.load_kg is not None and (row[4] is None or s.load_kg > row[4]):
            row[4] = s.load_kg
        if s.pain is not None:
            row[5] = _add(row[5], s.pain)
            row[6] += 1
            row[7] = s.pain if row[7] is None else max(row[7], s.pain)
    return [DayTotals(*key, *row) for key, row in sorted(groups.items(), key=_group_order)]


def _group_order(item: tuple[tuple[dt.date, str, str | None], list[Any]]) -> tuple[Any, ...]:
    (date, exercise, scheme), _ = item
    return (date, exercise, scheme or "")


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


@dataclass(slots=True)
class _Totals:
    volume: dict[tuple[dt.date, str, str | None], list[int]]
    """(week, exercise, scheme) -> [sets, reps, time under load, contacts]."""
    loads: dict[str, dict[dt.date, float]]
    """exercise -> week -> heaviest load."""
    pain: dict[dt.date, list[int]]
    """week -> [total, count, max] of pain during sets."""


def _aggregate(days: Iterable[DayTotals]) -> _Totals:
    """Day totals -> week totals, in one pass."""
    volume: dict[tuple[dt.date, str, str | None], list[int]] = {}
    loads: dict[str, dict[dt.date, float]] = {}
    pain_weeks: dict[dt.date, list[int]] = {}
    weeks: dict[dt.date, dt.date] = {}
    for date, exercise, scheme, sets, reps, tul, contacts, load, pain, pains, worst in days:
        week = weeks.get(date)
        if week is None:
            week = weeks[date] = week_of(date)
        key = (week, exercise, scheme)
        row = volume.get(key)
        if row is None:
            row = volume[key] = [0, 0, 0, 0]
        row[0] += sets
        row[1] += reps or 0
        row[2] += tul or 0
        row[3] += contacts or 0
        if load:
            per_week = loads.get(exercise)
            if per_week is None:
                per_week = loads[exercise] = {}
            if load > per_week.get(week, 0.0):
                per_week[week] = load
        if pains:
            hurt = pain_weeks.get(week)
            if hurt is None:
                hurt = pain_weeks[week] = [0, 0, 0]
            hurt[0] += pain or 0
            hurt[1] += pains
            if worst is not None and worst > hurt[2]:
                hurt[2] = worst
    return _Totals(volume, loads, pain_weeks)


def _volume(totals: _Totals, region_of: Mapping[str, str]) -> tuple[WeekVolume, ...]:
    by_region: dict[tuple[dt.date, str, str], list[int]] = {}
    for (week, exercise, scheme), row in totals.volume.items():
        key = (week, region_of.get(exercise, "other"), scheme or "unplanned")
        into = by_region.get(key)
        if into is None:
            by_region[key] = list(row)
        else:
            for index in range(4):
                into[index] += row[index]
    return tuple(
        WeekVolume(week, region, scheme, row[0], row[1], row[2], row[3])
        for (week, region, scheme), row in sorted(by_region.items())
    )


def weekly_volume(
    days: Iterable[DayTotals], region_of: Mapping[str, str]
) -> tuple[WeekVolume, ...]:
    """Volume per (ISO week, region, scheme), in week order then region and scheme.

    ``region_of`` maps exercise ids to regions (the catalog); an exercise it does not know
    counts as region ``"other"``; a set without a scheme as scheme ``"unplanned"``.
    Time under load as in ``time_under_load``.
    """
    return _volume(_aggregate(days), region_of)


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


def _trends(totals: _Totals) -> tuple[LoadTrend, ...]:
    return tuple(
        LoadTrend(exercise, tuple(LoadPoint(w, kg) for w, kg in sorted(weeks.items())))
        for exercise, weeks in sorted(totals.loads.items())
    )


def load_trends(days: Iterable[DayTotals]) -> tuple[LoadTrend, ...]:
    """Load trend of the main lifts: every exercise logged with added load, by exercise id.

    Bodyweight work has no load to trend (its progress shows in reps and the tests).
    """
    return _trends(_aggregate(days))


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


def _pain(totals: _Totals, checkins: Iterable[CheckIn]) -> tuple[PainWeek, ...]:
    during = totals.pain
    morning: dict[dt.date, list[int]] = {}  # pain total, stiffness total, count
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


def pain_trend(days: Iterable[DayTotals], checkins: Iterable[CheckIn]) -> tuple[PainWeek, ...]:
    """Weekly pain during sets and at the next-morning check-ins, in week order."""
    return _pain(_aggregate(days), checkins)


@dataclass(frozen=True, slots=True)
class Summary:
    weekly_volume: tuple[WeekVolume, ...]
    load_trends: tuple[LoadTrend, ...]
    pain_trend: tuple[PainWeek, ...]


def summarize(
    days: Iterable[DayTotals], checkins: Iterable[CheckIn], region_of: Mapping[str, str]
) -> Summary:
    """``weekly_volume``, ``load_trends`` and ``pain_trend`` from one pass over the days."""
    totals = _aggregate(days)
    return Summary(_volume(totals, region_of), _trends(totals), _pain(totals, checkins))


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
    """Count planned session days up to ``up_to`` that were done, skipped or missed.

    A session on ``up_to`` itself that is neither done nor skipped yet is still to come,
    not missed: the day is not over."""
    done_days = {d for d in done if d <= up_to}
    skipped_days = {d for d in skipped if d <= up_to} - done_days
    planned_days = {
        d for d in planned if d < up_to or (d == up_to and (d in done_days or d in skipped_days))
    }
    done_planned = planned_days & done_days
    skipped_planned = planned_days & skipped_days
    return Adherence(
        planned=len(planned_days),
        done=len(done_planned),
        skipped=len(skipped_planned),
        missed=len(planned_days - done_planned - skipped_planned),
        extra=len(done_days - planned_days),
    )
