"""Which days carry a strength session (R-SCHED-0..4, 4a, 4b).

Pure: profile + plan start + number of weeks -> session dates per week and the warnings of
every scheduling rule that had to give way. The collision order of R-SCHED-0 is the order of
the score tuple in `_best_week`:

1. hard: only free days, at least 2 days apart (also across weeks), never on or the day
   before a long run or a race, never inside a race's recovery window (R-SCHED-0, R-SCHED-2,
   R-SCHED-4, R-SCHED-4a; the race days come from `races.RaceCalendar`);
2. sessions per week (R-SCHED-1);
3. a pair 2-3 days apart where the free days allow it (R-SCHED-2, "72 h preference");
4. avoid the day before a hard run, a tune-up race included (R-SCHED-4, R-SCHED-4a);
then, as tie-breaks: prefer hard-run days (after the run) or easy-run days (R-SCHED-4), an
even spread over the week, and the earliest days.

`place_week` puts each week's blocks on its dates so placement matches its own reasons
(R-SCHED-4b); `move_problems` checks a session moved by the athlete.

The runs are the usual week's (``profile.runs``, by weekday) and the dated runs (issue 10:
imported runs and the runs of an imported training calendar, ``DatedRun``): `RunDays` is the
one answer to "which run is on this date", the strongest kind winning. Dated races come in as
races of the profile (``races.with_races``), so the race rules see them too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence, Set
from dataclasses import dataclass
from functools import lru_cache
from itertools import combinations
from typing import NamedTuple

from calfcoach.core import rules
from calfcoach.core.models import (
    ACHILLES_COMPLAINTS,
    DAYS,
    LOADED_PROTOCOL_COMPLAINTS,
    DatedRun,
    Profile,
    Session,
)
from calfcoach.core.races import RaceCalendar, describe, is_tune_up, race_calendar, recovery_days

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


_Masks = tuple[int, int, int, dict[str, int], int, int]
"""One week's bit masks: candidate days, days before a hard run, preferred (hard- or easy-run)
days, free days taken away by cause, tune-up eves, days after a hard run."""


@dataclass(frozen=True, slots=True)
class DayInfo:
    """What the athlete's usual week says about each weekday (0 = Monday)."""

    free: frozenset[int]
    run: dict[int, str]  # weekday -> strongest run kind that day

    def __init__(self, free: frozenset[int], run: dict[int, str]) -> None:
        # Written out: mypyc compiles it to native slot writes (D-130).
        object.__setattr__(self, "free", free)
        object.__setattr__(self, "run", run)


def day_info(profile: Profile) -> DayInfo:
    run: dict[int, str] = {}
    for r in profile.runs:
        wd = DAYS.index(r.day)
        if _RUN_RANK[r.kind] > _RUN_RANK.get(run.get(wd, ""), 0):
            run[wd] = r.kind
    return DayInfo(frozenset(DAYS.index(d) for d in profile.free_days), run)


class RunDays:
    """Which run is on a date (R-SCHED-4): the usual week's run of its weekday and the dated
    runs of that date (imported or planned, issue 10), the strongest kind winning (long >
    hard > easy). The dated runs add to the usual week, never replace it (D-96)."""

    __slots__ = ("weekly", "dated", "hard_weekdays", "hard_dates")

    def __init__(self, profile: Profile, dated: Sequence[DatedRun] = ()) -> None:
        self.weekly: dict[int, str] = day_info(profile).run
        by_date: dict[dt.date, str] = {}
        for r in dated:
            if _RUN_RANK[r.kind] > _RUN_RANK.get(by_date.get(r.date, ""), 0):
                by_date[r.date] = r.kind
        self.dated: dict[dt.date, str] = by_date
        self.hard_weekdays = frozenset(DAYS.index(r.day) for r in profile.runs if r.kind == "hard")
        self.hard_dates = frozenset(r.date for r in dated if r.kind == "hard")

    def has_hard(self, date: dt.date) -> bool:
        """A hard run on ``date`` (beside any other run of the day), R-SCHED-4b."""
        return date.weekday() in self.hard_weekdays or date in self.hard_dates

    def kind_on(self, date: dt.date) -> str | None:
        usual = self.weekly.get(date.weekday())
        dated = self.dated.get(date)
        if dated is None:
            return usual
        if usual is None or _RUN_RANK[dated] > _RUN_RANK[usual]:
            return dated
        return usual


def build_schedule(
    profile: Profile, start: dt.date, weeks: int, dated: Sequence[DatedRun] = ()
) -> tuple[tuple[WeekSchedule, ...], tuple[ScheduleIssue, ...]]:
    """Session dates per week and the warnings of the rules that gave way (module doc).
    ``dated``: runs on dates (imported or planned) beside the usual week's (R-SCHED-4)."""
    info = day_info(profile)
    calendar = race_calendar(profile)
    wanted = rules.sessions_wanted(profile)
    out: list[WeekSchedule] = []
    issues: list[ScheduleIssue] = []
    last: int | None = None  # ordinal of the last session so far
    # The usual week, by weekday: what each free day allows when no race is near.
    # (free, blocked by long run, before hard, good, after hard)
    base: list[tuple[bool, bool, bool, bool, bool]] = []
    for wd in range(7):
        run_today = info.run.get(wd)
        run_tomorrow = info.run.get((wd + 1) % 7)
        base.append(
            (
                wd in info.free,
                run_today == "long" or run_tomorrow == "long",
                run_tomorrow == "hard",
                run_today in ("hard", "easy"),
                info.run.get((wd - 1) % 7) == "hard",
            )
        )
    # R-SCHED-4a: race day, the day before a race and the recovery window hold no session; a
    # tune-up race is a hard run, so its eve is "the day before a hard run" (R-SCHED-4).
    start_ordinal = start.toordinal()
    wd0 = start.weekday()  # every 7-day block starts on the same weekday (R-SCHED-0)
    clean = _week_masks(base, wd0, start_ordinal, frozenset(), frozenset())
    # week index -> bits of its days blocked by races, of its tune-up eves, of its days blocked
    # by a dated long run (on it or the day before, R-SCHED-4), of the eves of its dated hard
    # runs, of its dated easy or hard run days (preferred, R-SCHED-4) and of the days after a
    # dated hard run or a tune-up (no plyometrics there, R-SCHED-4b).
    race_bits: dict[int, list[int]] = {}

    def mark(ordinal: int, field: int) -> None:
        w, i = divmod(ordinal - start_ordinal, 7)
        if 0 <= w < weeks:
            race_bits.setdefault(w, [0, 0, 0, 0, 0, 0])[field] |= 1 << i

    for o in calendar.blocked_ordinals():
        mark(o, 0)
    for d in calendar.hard_run_dates():
        mark(d.toordinal() - 1, 1)
        mark(d.toordinal() + 1, 5)
    runs = RunDays(profile, dated)
    for d, kind in runs.dated.items():
        o = d.toordinal()
        if kind == "long":
            mark(o, 2)
            mark(o - 1, 2)
        else:
            mark(o, 4)
    for d in runs.hard_dates:
        mark(d.toordinal() - 1, 3)
        mark(d.toordinal() + 1, 5)
    for date, rule, message in calendar.notes():
        w = (date.toordinal() - start_ordinal) // 7
        if 0 <= w < weeks:
            issues.append(ScheduleIssue(rule, w + 1, message))
    # Weeks without a race repeat one of a few cases (the day the week may start on); their
    # rule problems are worked out once: earliest offset -> (rule, message) pairs.
    clean_issues: dict[int, list[tuple[str, str]]] = {}
    for w in range(weeks):
        first = start_ordinal + 7 * w
        earliest = 0
        if last is not None:
            earliest = max(0, last - first + rules.MIN_DAYS_BETWEEN)
        bits = race_bits.get(w)
        race_week = bits is not None
        masks = clean if bits is None else _race_masks(clean, *bits)
        candidate, before_hard, good_day, blocked_by, tune_eve, after_hard = masks
        offsets, gap_ok = _best_week(candidate, before_hard, good_day, wanted, earliest, after_hard)
        dates = tuple([dt.date.fromordinal(first + i) for i in offsets])
        if offsets:
            last = first + offsets[-1]
        out.append(WeekSchedule(w + 1, dates))
        found = None if race_week else clean_issues.get(earliest)
        if found is None:
            found = []
            if len(offsets) < wanted or not gap_ok or any(before_hard >> i & 1 for i in offsets):
                found = _week_issues(
                    wd0, first, offsets, gap_ok, wanted, before_hard, tune_eve, blocked_by,
                    _loaded_protocol(profile),
                )  # fmt: skip
            if race_week and len(offsets) < wanted and blocked_by.get("race"):
                assert bits is not None
                runs_only = _race_masks(clean, 0, 0, bits[2], bits[3], bits[4], bits[5])
                lost = _race_loss(calendar, runs_only, base, wd0, first, offsets, wanted, earliest)
                if lost is not None:
                    found.append(lost)
            if not race_week:
                clean_issues[earliest] = found
        if found:
            issues.extend([ScheduleIssue(rule, w + 1, message) for rule, message in found])
    return tuple(out), tuple(issues)


def _race_loss(
    calendar: RaceCalendar,
    clean: _Masks,
    base: list[tuple[bool, bool, bool, bool, bool]],
    wd0: int,
    first: int,
    offsets: tuple[int, ...],
    wanted: int,
    earliest: int,
) -> tuple[str, str] | None:
    """The R-SCHED-4a warning of a week that lost sessions to a race window, or None when
    the week would have had no more sessions without its races."""
    without, _ = _best_week(clean[0], clean[1], clean[2], wanted, earliest, clean[5])
    if len(without) <= len(offsets):
        return None
    free = [first + i for i in range(7) if base[(wd0 + i) % 7][0]]
    races: list[str] = []
    for race in calendar.races:
        o = race.date.toordinal()
        low = o if is_tune_up(race) else o - 1
        high = o + recovery_days(race)
        if any(low <= d <= high for d in free):
            races.append(describe(race))
    return (
        "R-SCHED-4a",
        f"{len(offsets)} of {wanted} sessions fit: the free days fall on race day, the day "
        f"before it or in the recovery window of {' and '.join(races)} (no session on race "
        "day or in the days after it, by distance)",
    )


def _race_masks(
    clean: _Masks,
    blocked: int,
    eves: int,
    long_blocked: int = 0,
    hard_eves: int = 0,
    run_days: int = 0,
    after_hard: int = 0,
) -> _Masks:
    """A week's masks from the usual week's, with its dates: ``blocked`` days (race day, its
    eve, the recovery window) and ``long_blocked`` days (a dated long run's day and the day
    before, R-SCHED-4) are taken away; tune-up ``eves`` and dated ``hard_eves`` count as days
    before a hard run; ``run_days`` (dated easy or hard runs) are preferred days;
    ``after_hard``: the days after a dated hard run or a tune-up race."""
    candidate = clean[0] & ~blocked & ~long_blocked
    blocked_by = dict(clean[3])
    lost_long = (clean[0] & long_blocked).bit_count()
    if lost_long:
        blocked_by["long run"] = blocked_by.get("long run", 0) + lost_long
    lost = (clean[0] & ~long_blocked & blocked).bit_count()
    if lost:
        blocked_by["race"] = lost
    tune_eve = eves & candidate
    before_hard = (clean[1] | eves | hard_eves) & candidate
    good = (clean[2] | run_days) & candidate
    return candidate, before_hard, good, blocked_by, tune_eve, (clean[5] | after_hard) & candidate


def _week_masks(
    base: list[tuple[bool, bool, bool, bool, bool]],
    wd0: int,
    first: int,
    race_days: Set[int],
    tune_eves: Set[int],
) -> _Masks:
    """Bit masks over one 7-day block: candidate days, days before a hard run (tune-up races
    included), hard/easy-run days; how many free days the long runs and races took away; and
    the days before a tune-up race; the days after a hard run."""
    candidate = before_hard = good_day = tune_eve = after_hard = 0
    blocked_by: dict[str, int] = {}
    for i in range(7):
        free, long_blocked, pre_hard, good, post_hard = base[(wd0 + i) % 7]
        if not free:
            continue
        if long_blocked:
            blocked_by["long run"] = blocked_by.get("long run", 0) + 1
            continue
        if first + i in race_days:
            blocked_by["race"] = blocked_by.get("race", 0) + 1
            continue
        candidate |= 1 << i
        if first + i in tune_eves:
            tune_eve |= 1 << i
            before_hard |= 1 << i
        if pre_hard:
            before_hard |= 1 << i
        if good:
            good_day |= 1 << i
        if post_hard:
            after_hard |= 1 << i
    return candidate, before_hard, good_day, blocked_by, tune_eve, after_hard


def _loaded_protocol(profile: Profile) -> str | None:
    """What of a complaint protocol with RM-loaded sets a session on the eve of a hard run
    keeps, as a clause (R-PAIN-5: Beyer's for an Achilles complaint, Rathleff's for plantar
    heel pain), None without one. The calf-strain ladder's steps before the last are `rehab`
    blocks (R-PAIN-5) dosed as isometric holds and light raises, not RM sets; while a strain
    is open the ladder is all the calf work and the loaded protocol waits for it (D-23)."""
    if not profile.complaints & LOADED_PROTOCOL_COMPLAINTS:
        return None
    achilles = profile.complaints & ACHILLES_COMPLAINTS
    name = "Achilles protocol" if achilles else "plantar heel protocol"
    if "calf_strain" in profile.complaints:
        # It said "the Achilles protocol's loaded sets stay" to an athlete whose sessions held
        # the calf-strain ladder and none of them.
        return f"the calf-strain ladder stays (the {name}'s loaded sets once it is passed)"
    return f"the {name}'s loaded sets stay"


def _eve_of_hard_run(protocol: str | None) -> str:
    """What a session on the eve of a hard run holds (R-SCHED-4b). With a loaded protocol the
    warning must not read "keep it light": the protocol comes first (R-SCHED-0), so it says
    that the protocol's sets stay (D-180)."""
    if protocol is None:
        return "it holds no heavy or plyometric block (R-SCHED-4b)"
    return (
        "it holds no heavy or plyometric block of the rotation (R-SCHED-4b), but "
        f"{protocol}, as the complaint comes first (R-SCHED-0): if your "
        "calves still feel heavy the next day, run that hard session easy"
    )


def _week_issues(
    wd0: int,
    first: int,
    offsets: tuple[int, ...],
    gap_ok: bool,
    wanted: int,
    before_hard: int,
    tune_eve: int,
    blocked_by: dict[str, int],
    protocol: str | None = None,
) -> list[tuple[str, str]]:
    """The rules one week breaks, as (rule, message); `wd0` is the weekday the week starts on
    and `first` the ordinal of its first day; `protocol`: ``_loaded_protocol``'s."""
    issues: list[tuple[str, str]] = []
    if len(offsets) < wanted:
        why = []
        if blocked_by.get("long run"):
            why.append("no session on or the day before a long run")
        if blocked_by.get("race"):
            why.append("no session on race day, the day before it or in its recovery window")
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
                "no two sessions of a plan week 2-3 days (48-72 h) apart: its free days only "
                "allow wider gaps",
            )
        )
    for i in offsets:
        if tune_eve >> i & 1:
            race_day = dt.date.fromordinal(first + i + 1)
            issues.append(
                (
                    "R-SCHED-4",
                    f"a session falls the day before the tune-up race on {race_day.isoformat()}, "
                    "which counts as a hard run (R-SCHED-4a): the free days left no better day; "
                    + _eve_of_hard_run(protocol),
                )
            )
        elif before_hard >> i & 1:
            day = DAYS[(wd0 + i) % 7].capitalize()
            issues.append(
                (
                    "R-SCHED-4",
                    f"a session falls the day before a hard run ({day}): the free days left "
                    "no better day; " + _eve_of_hard_run(protocol),
                )
            )
    return issues


@lru_cache(maxsize=4096)
def _best_week(
    candidate: int, before_hard: int, good_day: int, wanted: int, earliest: int, after_hard: int
) -> tuple[tuple[int, ...], bool]:
    """Best offsets (0-6) for one week, and whether a pair 2-3 days apart was possible.
    Of days equal by the rules, a week of one session avoids the day after a hard run (D-162:
    that day holds no plyometric block, R-SCHED-4b, and no other session of the week could)."""
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
            # Only where the week holds one session: with two, R-SCHED-4b swaps the plyometric
            # block to the other day, and a later day could cost the next week a session.
            n_after_hard = (after_hard >> combo[0] & 1) if k == 1 else 0
            spread = max([*gaps, 7 - (combo[-1] - combo[0])]) if k >= 2 else 0
            score = (
                0 if has_pair else 1,
                wide,
                n_before_hard,
                n_other,
                n_after_hard,
                spread,
                *combo,
            )
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
    dated: Sequence[DatedRun] = (),
) -> list[tuple[str, str]]:
    """Why ``session`` may not be on ``to``, as ``(rule, message)`` pairs (empty: allowed).

    The hard rules of R-SCHED-0 hold for a moved session as for a planned one: at least
    2 days from every other session (R-SCHED-2), not on or the day before a long run or a
    race (R-SCHED-4), not inside a race's recovery window (R-SCHED-4a), and no heavy or
    plyometric work in the 7 days before a race nor in the light week after a marathon, no
    rehab block fewer than 3 days before a race (R-SCHED-4a).
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
    runs = RunDays(profile, dated)
    next_day = to + _ONE_DAY
    if runs.kind_on(to) == "long":
        problems.append(("R-SCHED-4", f"{to.isoformat()} ({_weekday(to)}) is a long-run day"))
    if runs.kind_on(next_day) == "long":
        problems.append(
            ("R-SCHED-4", f"{to.isoformat()} is the day before a long run ({_weekday(next_day)})")
        )
    calendar = race_calendar(profile)
    day = calendar.day(to)
    full_races = [r for r in calendar.races if not is_tune_up(r)]
    for race in calendar.races:
        if race.date == to:
            rule = "R-SCHED-4a" if is_tune_up(race) else "R-SCHED-4"
            problems.append((rule, f"{to.isoformat()} is a race day ({describe(race)})"))
    if any(r.date == next_day for r in full_races):
        problems.append(("R-SCHED-4", f"{to.isoformat()} is the day before a race"))
    for race in full_races:
        n = recovery_days(race)
        if 0 < (to - race.date).days <= n:
            end = race.date + n * _ONE_DAY
            problems.append(
                (
                    "R-SCHED-4a",
                    f"{to.isoformat()} is inside the recovery window of {describe(race)}: no "
                    f"session on race day or the next {n} days (until {end.isoformat()})",
                )
            )
    hard = [p.exercise for p in session.exercises if p.scheme in ("heavy", "plyometric")]
    if hard:
        for race in full_races:
            if 0 < (race.date - to).days <= rules.RACE_TAPER_DAYS and race.date != next_day:
                problems.append(
                    (
                        "R-SCHED-4",
                        f"the session has heavy or plyometric work ({', '.join(hard)}) and "
                        f"{to.isoformat()} is within {rules.RACE_TAPER_DAYS} days before the "
                        f"race on {race.date.isoformat()}",
                    )
                )
        if day.light_only is not None and day.blocked is None:
            problems.append(
                (
                    "R-SCHED-4a",
                    f"the session has heavy or plyometric work ({', '.join(hard)}) and "
                    f"{to.isoformat()} is in the week after the recovery window of "
                    f"{describe(day.light_only)}: light, foot and rehab work only",
                )
            )
    rehab = [p.exercise for p in session.exercises if p.scheme == "rehab"]
    if rehab and day.no_rehab is not None and day.blocked is None:
        problems.append(
            (
                "R-SCHED-4a",
                f"the session has a rehab block ({', '.join(rehab)}) and {to.isoformat()} is "
                f"fewer than {rules.RACE_REHAB_LAST_DAYS_OUT} days before "
                f"{describe(day.no_rehab)}: the last rehab session is at least "
                f"{rules.RACE_REHAB_LAST_DAYS_OUT} days out",
            )
        )
    return problems


# ------------------------------------------------------------------ R-SCHED-4b placement

LIGHT = "light"
"""The kind `place_week` returns for a block it had to cut: the caller makes it light and
foot work (R-SCHED-4b)."""


def hard_run_checks(
    profile: Profile, calendar: RaceCalendar | None = None, dated: Sequence[DatedRun] = ()
) -> tuple[Callable[[dt.date], bool], Callable[[dt.date], bool]]:
    """``(before_hard, after_hard)`` for `place_week`: is a date the day before (after) a hard
    run? Hard runs are the hard runs of `RunDays` (the usual week's and the dated ones) and
    the tune-up races (R-SCHED-4a, R-SCHED-4b: intervals, tempo, hills, a tune-up race)."""
    on_hard = hard_run_day(profile, calendar, dated)

    def before_hard(date: dt.date) -> bool:
        return on_hard(date + _ONE_DAY)

    def after_hard(date: dt.date) -> bool:
        return on_hard(date - _ONE_DAY)

    return before_hard, after_hard


def hard_run_day(
    profile: Profile, calendar: RaceCalendar | None = None, dated: Sequence[DatedRun] = ()
) -> Callable[[dt.date], bool]:
    """Is there a hard run on a date: a hard run of `RunDays` (the usual week's or a dated
    one) or a tune-up race (R-SCHED-4, R-SCHED-4a)."""
    cal = calendar if calendar is not None else race_calendar(profile)
    runs = RunDays(profile, dated)
    tune = cal.hard_run_dates()

    def on_hard(date: dt.date) -> bool:
        return date in tune or runs.has_hard(date)

    return on_hard


def place_week(
    slots: Sequence[tuple[dt.date, str]],
    *,
    intense: Callable[[str], bool],
    plyo: Callable[[str], bool],
    before_hard: Callable[[dt.date], bool],
    after_hard: Callable[[dt.date], bool],
    allowed: Callable[[dt.date, str], bool],
) -> tuple[list[tuple[dt.date, str]], list[tuple[str, str]]]:
    """Put one week's blocks on its dates so placement matches its reasons (R-SCHED-4b).

    ``slots``: (date, kind) in date order. A heavy or plyometric kind (``intense``) on the day
    before a hard run, or a plyometric kind (``plyo``) on the day after one, is swapped with
    another session of the week whose day is clear of both (neither before nor after a hard
    run), when ``allowed`` takes both kinds on their new days and the kind coming back is not
    misplaced itself. Otherwise the kind is replaced by the string ``"light"`` (`LIGHT`): the
    caller makes that session light and foot work. Returns the (date, kind) list (same dates,
    same order) and the warnings ``("R-SCHED-4b", message)`` naming each block moved or cut.
    """
    out = list(slots)
    warnings: list[tuple[str, str]] = []

    def misplaced(date: dt.date, kind: str) -> str | None:
        if intense(kind) and before_hard(date):
            return "the day before a hard run"
        if plyo(kind) and after_hard(date):
            return "the day after a hard run"
        return None

    for i in range(len(out)):
        date, kind = out[i]
        why = misplaced(date, kind)
        if why is None:
            continue
        for j in range(len(out)):
            other_date, other_kind = out[j]
            if j == i or before_hard(other_date) or after_hard(other_date):
                continue
            if not allowed(other_date, kind) or not allowed(date, other_kind):
                continue
            if misplaced(date, other_kind) is not None:
                continue
            out[i], out[j] = (date, other_kind), (other_date, kind)
            warnings.append(
                (
                    "R-SCHED-4b",
                    f"the {kind} block moved from {_day_label(date)} ({why}) to "
                    f"{_day_label(other_date)}, swapped with the {other_kind} block",
                )
            )
            break
        else:
            out[i] = (date, LIGHT)
            warnings.append(
                (
                    "R-SCHED-4b",
                    f"the {kind} block on {_day_label(date)} was cut to light and foot work: "
                    f"it fell on {why} and no other session of the week was clear of hard runs",
                )
            )
    return out, warnings


def _day_label(date: dt.date) -> str:
    return f"{DAYS[date.weekday()].capitalize()} {date.isoformat()}"
