"""Which days carry a strength session (R-SCHED-0..4).

Pure: profile + plan start + number of weeks -> session dates per week and the warnings of
every scheduling rule that had to give way. The collision order of R-SCHED-0 is the order of
the score tuple in `_best_week`:

1. hard: only free days, at least 2 days apart (also across weeks), never on or the day
   before a long run or a race (R-SCHED-0, R-SCHED-2, R-SCHED-4);
2. sessions per week (R-SCHED-1);
3. a pair 2-3 days apart where the free days allow it (R-SCHED-2, "72 h preference");
4. avoid the day before a hard run (R-SCHED-4);
then, as tie-breaks: prefer hard-run days (after the run) or easy-run days (R-SCHED-4), an
even spread over the week, and the earliest days.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Set
from dataclasses import dataclass
from functools import lru_cache
from itertools import combinations
from typing import NamedTuple

from calfcoach.core import rules
from calfcoach.core.models import DAYS, Profile, Session

_ONE_DAY = dt.timedelta(days=1)
_RUN_RANK = {"easy": 1, "hard": 2, "long": 3}


class WeekSchedule(NamedTuple):
    week: int  # 1-based
    dates: tuple[dt.date, ...]


class ScheduleIssue(NamedTuple):
    """A rule that gave way in one week; grouped over weeks into a PlanWarning later."""

    rule: str
    week: int
    message: str


@dataclass(frozen=True, slots=True)
class DayInfo:
    """What the athlete's usual week says about each weekday (0 = Monday)."""

    free: frozenset[int]
    run: dict[int, str]  # weekday -> strongest run kind that day


def day_info(profile: Profile) -> DayInfo:
    run: dict[int, str] = {}
    for r in profile.runs:
        wd = DAYS.index(r.day)
        if _RUN_RANK[r.kind] > _RUN_RANK.get(run.get(wd, ""), 0):
            run[wd] = r.kind
    return DayInfo(frozenset(DAYS.index(d) for d in profile.free_days), run)


def build_schedule(
    profile: Profile, start: dt.date, weeks: int
) -> tuple[tuple[WeekSchedule, ...], tuple[ScheduleIssue, ...]]:
    info = day_info(profile)
    races = frozenset(profile.race_dates)
    wanted = rules.sessions_wanted(profile)
    out: list[WeekSchedule] = []
    issues: list[ScheduleIssue] = []
    last: int | None = None  # ordinal of the last session so far
    # The usual week, by weekday: what each free day allows when no race is near.
    base: list[tuple[bool, bool, bool, bool]] = []  # (free, blocked by long run, before hard, good)
    for wd in range(7):
        run_today = info.run.get(wd)
        run_tomorrow = info.run.get((wd + 1) % 7)
        base.append(
            (
                wd in info.free,
                run_today == "long" or run_tomorrow == "long",
                run_tomorrow == "hard",
                run_today in ("hard", "easy"),
            )
        )
    race_days = {r.toordinal() for r in races} | {r.toordinal() - 1 for r in races}
    start_ordinal = start.toordinal()
    wd0 = start.weekday()  # every 7-day block starts on the same weekday (R-SCHED-0)
    clean = _week_masks(base, wd0, start_ordinal, frozenset())
    race_weeks = {(d - start_ordinal) // 7 for d in race_days}
    # Weeks without a race repeat one of a few cases (the day the week may start on); their
    # rule problems are worked out once: earliest offset -> (rule, message) pairs.
    clean_issues: dict[int, list[tuple[str, str]]] = {}
    for w in range(weeks):
        first = start_ordinal + 7 * w
        earliest = 0
        if last is not None:
            earliest = max(0, last - first + rules.MIN_DAYS_BETWEEN)
        race_week = w in race_weeks
        masks = _week_masks(base, wd0, first, race_days) if race_week else clean
        candidate, before_hard, good_day, blocked_by = masks
        offsets, gap_ok = _best_week(candidate, before_hard, good_day, wanted, earliest)
        dates = tuple([dt.date.fromordinal(first + i) for i in offsets])
        if offsets:
            last = first + offsets[-1]
        out.append(WeekSchedule(w + 1, dates))
        found = None if race_week else clean_issues.get(earliest)
        if found is None:
            found = []
            if len(offsets) < wanted or not gap_ok or any(before_hard >> i & 1 for i in offsets):
                found = _week_issues(wd0, offsets, gap_ok, wanted, before_hard, blocked_by)
            if not race_week:
                clean_issues[earliest] = found
        if found:
            issues.extend([ScheduleIssue(rule, w + 1, message) for rule, message in found])
    return tuple(out), tuple(issues)


def _week_masks(
    base: list[tuple[bool, bool, bool, bool]], wd0: int, first: int, race_days: Set[int]
) -> tuple[int, int, int, dict[str, int]]:
    """Bit masks over one 7-day block: candidate days, days before a hard run, hard/easy-run
    days; and how many free days the long runs and races took away."""
    candidate = before_hard = good_day = 0
    blocked_by: dict[str, int] = {}
    for i in range(7):
        free, long_blocked, pre_hard, good = base[(wd0 + i) % 7]
        if not free:
            continue
        if long_blocked:
            blocked_by["long run"] = blocked_by.get("long run", 0) + 1
            continue
        if first + i in race_days:
            blocked_by["race"] = blocked_by.get("race", 0) + 1
            continue
        candidate |= 1 << i
        if pre_hard:
            before_hard |= 1 << i
        if good:
            good_day |= 1 << i
    return candidate, before_hard, good_day, blocked_by


def _week_issues(
    wd0: int,
    offsets: tuple[int, ...],
    gap_ok: bool,
    wanted: int,
    before_hard: int,
    blocked_by: dict[str, int],
) -> list[tuple[str, str]]:
    """The rules one week breaks, as (rule, message); `wd0` is the weekday the week starts on."""
    issues: list[tuple[str, str]] = []
    if len(offsets) < wanted:
        why = []
        if blocked_by.get("long run"):
            why.append("no session on or the day before a long run")
        if blocked_by.get("race"):
            why.append("no session on or the day before a race")
        why.append("sessions at least 2 days apart")
        issues.append(
            (
                "R-SCHED-1",
                f"{len(offsets)} of {wanted} sessions fit: the free days allow no more "
                f"({'; '.join(why)}; R-SCHED-0)",
            )
        )
    if len(offsets) >= 2 and not gap_ok:
        issues.append(
            (
                "R-SCHED-2",
                "no two sessions 2-3 days (48-72 h) apart: the free days only allow wider gaps",
            )
        )
    for i in offsets:
        if before_hard >> i & 1:
            day = DAYS[(wd0 + i) % 7].capitalize()
            issues.append(
                (
                    "R-SCHED-4",
                    f"a session falls the day before a hard run ({day}): the free days left "
                    "no better day; keep it light and short",
                )
            )
    return issues


@lru_cache(maxsize=4096)
def _best_week(
    candidate: int, before_hard: int, good_day: int, wanted: int, earliest: int
) -> tuple[tuple[int, ...], bool]:
    """Best offsets (0-6) for one week, and whether a pair 2-3 days apart was possible."""
    days = [i for i in range(earliest, 7) if candidate >> i & 1]
    for k in range(min(wanted, len(days)), 0, -1):
        best: tuple[tuple[int, ...], tuple[int, ...]] | None = None
        for combo in combinations(days, k):
            if any(b - a < rules.MIN_DAYS_BETWEEN for a, b in zip(combo, combo[1:], strict=False)):
                continue
            gaps = [b - a for a, b in zip(combo, combo[1:], strict=False)]
            has_pair = k < 2 or any(g <= rules.PREFERRED_MAX_DAYS_BETWEEN for g in gaps)
            wide = sum(g > rules.PREFERRED_MAX_DAYS_BETWEEN for g in gaps)
            n_before_hard = sum(before_hard >> i & 1 for i in combo)
            n_other = sum(not (good_day >> i & 1) for i in combo)
            spread = max([*gaps, 7 - (combo[-1] - combo[0])]) if k >= 2 else 0
            score = (0 if has_pair else 1, wide, n_before_hard, n_other, spread, *combo)
            if best is None or score < best[1]:
                best = (combo, score)
        if best is not None:
            return best[0], best[1][0] == 0
    return (), True


def _weekday(date: dt.date) -> str:
    return DAYS[date.weekday()]


def move_problems(
    profile: Profile,
    session: Session,
    to: dt.date,
    other_dates: Iterable[dt.date],
) -> list[tuple[str, str]]:
    """Why ``session`` may not be on ``to``, as ``(rule, message)`` pairs (empty: allowed).

    The hard rules of R-SCHED-0 hold for a moved session as for a planned one: at least
    2 days from every other session (R-SCHED-2), not on or the day before a long run or a
    race (R-SCHED-4), and no heavy or plyometric work in the 7 days before a race.
    """
    problems: list[tuple[str, str]] = []
    for other in sorted(set(other_dates)):
        gap = abs((to - other).days)
        if gap < rules.MIN_DAYS_BETWEEN:
            problems.append(
                (
                    "R-SCHED-2",
                    f"it is {gap} day(s) from the session on {other.isoformat()}; sessions are "
                    f"at least {rules.MIN_DAYS_BETWEEN} days apart",
                )
            )
    long_days = {run.day for run in profile.runs if run.kind == "long"}
    next_day = to + dt.timedelta(days=1)
    if _weekday(to) in long_days:
        problems.append(("R-SCHED-4", f"{to.isoformat()} ({_weekday(to)}) is a long-run day"))
    if _weekday(next_day) in long_days:
        problems.append(
            ("R-SCHED-4", f"{to.isoformat()} is the day before a long run ({_weekday(next_day)})")
        )
    races = set(profile.race_dates)
    if to in races:
        problems.append(("R-SCHED-4", f"{to.isoformat()} is a race day"))
    if next_day in races:
        problems.append(("R-SCHED-4", f"{to.isoformat()} is the day before a race"))
    hard = [p.exercise for p in session.exercises if p.scheme in ("heavy", "plyometric")]
    if hard:
        for race in sorted(races):
            if 0 < (race - to).days <= rules.RACE_TAPER_DAYS and race != next_day:
                problems.append(
                    (
                        "R-SCHED-4",
                        f"the session has heavy or plyometric work ({', '.join(hard)}) and "
                        f"{to.isoformat()} is within {rules.RACE_TAPER_DAYS} days before the "
                        f"race on {race.isoformat()}",
                    )
                )
    return problems
