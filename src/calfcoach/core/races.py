"""Races (R-SCHED-4a): what each day around a race allows, as data and pure functions.

A race is a ``models.Race``: a date, a distance (a half marathon when none is given,
``Race.effective_km``), a name and a ``tune_up`` flag. Around each race:

- no session on race day or the next N days (the recovery window), N by distance: 2 up to
  10 km, 4 below a marathon, 7 for a marathon up to 60 km, 10 beyond 60 km; and none the
  day before a race (R-SCHED-0, R-SCHED-4);
- a tune-up race (10 km or less, run as training) counts as a hard run instead: no recovery
  window, no taper; its eve is "the day before a hard run" (R-SCHED-4, R-SCHED-4b). Its own
  day still holds no session (D-16);
- after a marathon or longer, the 7 days after the window hold light, foot and rehab only;
- in the 7 days before a race heavy and plyometric work stop and rehab keeps its load with
  one set fewer, its last session at least 3 days before the race;
- the first plyometric block after any race is 50 contacts (``RaceDay.after``); the first
  session after a race, and every session in the 14 days after a marathon or longer, names
  the race in its reasons.

Overlapping windows take the strictest rule for each day: every field is set when any race
sets it. The calendar is built once per set of races; ``RaceCalendar.day`` is a dict lookup.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from calfcoach.core import rules
from calfcoach.core.models import Profile, Race

_DAY = dt.timedelta(days=1)
R4A = "R-SCHED-4a"


def is_tune_up(race: Race) -> bool:
    """A tune-up race counts as a hard run (R-SCHED-4a). The flag holds only for a race of
    10 km or less; a longer (or unmeasured, so half-marathon) "tune-up" is a race (D-16)."""
    return race.tune_up and race.effective_km <= rules.TUNE_UP_MAX_KM


def is_marathon_or_longer(race: Race) -> bool:
    return not is_tune_up(race) and race.effective_km >= rules.MARATHON_KM


def light_week_end(race: Race) -> dt.date:
    """The last day of the light week after a marathon's (or longer race's) recovery window
    (R-SCHED-4a: light, foot and rehab work only)."""
    return race.date + (recovery_days(race) + rules.POST_MARATHON_LIGHT_DAYS) * _DAY


def recovery_days(race: Race) -> int:
    """N: the days after race day without a session (R-SCHED-4a); 0 for a tune-up race."""
    if is_tune_up(race):
        return 0
    km = race.effective_km
    if km <= rules.RACE_SHORT_MAX_KM:
        return rules.RACE_RECOVERY_DAYS_SHORT
    if km < rules.MARATHON_KM:
        return rules.RACE_RECOVERY_DAYS_MID
    if km <= rules.RACE_ULTRA_ABOVE_KM:
        return rules.RACE_RECOVERY_DAYS_MARATHON
    return rules.RACE_RECOVERY_DAYS_ULTRA


def capacity_test_barred(races: Sequence[Race], day: dt.date) -> str | None:
    """R-TEST-5: why no capacity test (the heel-raise test, the hop test) may fall on ``day``
    because of a race: within the 7 days before it (race day included) or the 7 days after it
    (14 after a marathon or longer); None when no race bars it."""
    for race in races:
        before = race.date - dt.timedelta(days=rules.CAPACITY_TEST_RACE_BEFORE_DAYS)
        after_days = (
            rules.CAPACITY_TEST_RACE_AFTER_LONG_DAYS
            if race.effective_km >= rules.MARATHON_KM
            else rules.CAPACITY_TEST_RACE_AFTER_DAYS
        )
        if before <= day <= race.date:
            return f"No capacity test in the 7 days before the race of {race.date}."
        if race.date < day <= race.date + dt.timedelta(days=after_days):
            return f"No capacity test in the {after_days} days after the race of {race.date}."
    return None


def describe(race: Race) -> str:
    """The race as reasons name it: its label and distance ("Berlin (42.2 km)")."""
    if race.distance_km is None:
        dist = "distance not given, a half marathon assumed"
    else:
        dist = f"{race.distance_km:g} km"
    kind = ", a tune-up run as a hard run" if is_tune_up(race) else ""
    return f"{race.label} ({dist}{kind})"


@dataclass(frozen=True, slots=True)
class RaceDay:
    """What the races allow on one day (R-SCHED-4a). A field holds the race that sets it."""

    date: dt.date
    blocked: Race | None
    """Race day, the day before a race, or inside a race's recovery window: no session."""
    light_only: Race | None
    """The week after a marathon's (or longer race's) window: light, foot and rehab only."""
    taper: Race | None
    """Within the 7 days before a race: no heavy or plyometric work, rehab one set fewer."""
    no_rehab: Race | None
    """Fewer than 3 days before a race: no rehab block (its last session >= 3 days out)."""
    after: Race | None
    """The most recent race before this day (the first plyometric block after it is 50)."""
    name_in_reasons: Race | None
    """The marathon (or longer) whose 14 days (and light week) this day falls in: the session
    names it. The first session after any race names it too; the engine decides that one."""
    reasons: tuple[tuple[str, str], ...]
    """(rule, sentence) for every race rule that holds on the day."""

    def __init__(
        self,
        date: dt.date,
        blocked: Race | None,
        light_only: Race | None,
        taper: Race | None,
        no_rehab: Race | None,
        after: Race | None,
        name_in_reasons: Race | None,
        reasons: tuple[tuple[str, str], ...],
    ) -> None:
        # Written out: mypyc compiles it to native slot writes (D-130).
        object.__setattr__(self, "date", date)
        object.__setattr__(self, "blocked", blocked)
        object.__setattr__(self, "light_only", light_only)
        object.__setattr__(self, "taper", taper)
        object.__setattr__(self, "no_rehab", no_rehab)
        object.__setattr__(self, "after", after)
        object.__setattr__(self, "name_in_reasons", name_in_reasons)
        object.__setattr__(self, "reasons", reasons)

    @property
    def free(self) -> bool:
        """No race rule limits this day (``after`` aside)."""
        return not self.reasons


# How far a race reaches: its taper before it; its window, light week and naming after it.
_REACH_BEFORE = rules.RACE_TAPER_DAYS
_REACH_AFTER = max(
    rules.RACE_RECOVERY_DAYS_ULTRA + rules.POST_MARATHON_LIGHT_DAYS,
    rules.RACE_NAMED_DAYS_AFTER_MARATHON,
)


class RaceCalendar:
    """The days around a set of races (R-SCHED-4a).

    Built in O(races); the blocked days are known at once (the scheduler needs only those),
    and each day's full `RaceDay` (with its reasons) is worked out on first use from the
    races within reach of it (bisect) and memoised."""

    __slots__ = ("races", "_ords", "_cache", "_hard", "_blocked", "_blocked_ords", "_notes")

    def __init__(self, races: Sequence[Race]) -> None:
        # A bare date (a profile copied without validation, the v1 form) is a race with no
        # distance: a half marathon is assumed.
        given = [Race(date=r) if isinstance(r, dt.date) else r for r in races]
        self.races: tuple[Race, ...] = tuple(sorted(given, key=lambda r: r.date))
        self._ords = [r.date.toordinal() for r in self.races]
        self._hard = frozenset(r.date for r in self.races if is_tune_up(r))
        self._cache: dict[dt.date, RaceDay] = {}
        blocked: set[int] = set()
        notes: list[tuple[dt.date, str, str]] = []
        for race, o in zip(self.races, self._ords, strict=True):
            if is_tune_up(race):
                blocked.add(o)  # race day only (D-16)
                continue
            # the day before, race day and the recovery window (R-SCHED-0, R-SCHED-4a)
            blocked.update(range(o - 1, o + recovery_days(race) + 1))
            if race.tune_up:
                notes.append(
                    (
                        race.date,
                        R4A,
                        f"{describe(race)} is marked as a tune-up, but a tune-up is a race of "
                        f"{rules.TUNE_UP_MAX_KM:g} km or less: it is planned as a race, with "
                        "its taper and recovery window",
                    )
                )
        self._blocked_ords = frozenset(blocked)
        self._blocked = frozenset(dt.date.fromordinal(o) for o in blocked)
        self._notes = tuple(notes)

    def day(self, date: dt.date) -> RaceDay:
        """What the races allow on ``date`` (memoised)."""
        found = self._cache.get(date)
        if found is None:
            found = self._cache[date] = self._work_out(date)
        return found

    def _work_out(self, date: dt.date) -> RaceDay:
        o = date.toordinal()
        ords = self._ords
        k = bisect_left(ords, o)
        after = self.races[k - 1] if k else None
        lo = bisect_left(ords, o - _REACH_AFTER)
        hi = bisect_right(ords, o + _REACH_BEFORE)
        if lo >= hi:
            return RaceDay(date, None, None, None, None, after, None, ())
        blocked: Race | None = None
        rank = -1
        light = taper = no_rehab = named = None
        reasons: list[tuple[str, str]] = []
        # Races in date order: among races ahead, the first is the nearest (it binds the taper);
        # among races behind, a later one's window overrides an earlier one's.
        for race, r_ord in zip(self.races[lo:hi], ords[lo:hi], strict=True):
            delta = o - r_ord  # > 0: days after the race; < 0: days before it
            what = describe(race)
            if delta == 0:
                blocked, rank = race, 2
                reasons.append((R4A, f"{what} is today: no session on race day"))
                continue
            if is_tune_up(race):
                if delta == -1:
                    reasons.append(
                        (
                            "R-SCHED-4b",
                            f"the day before {what}: no heavy or plyometric block where it "
                            "can be moved (R-SCHED-4)",
                        )
                    )
                elif delta == 1:
                    reasons.append(
                        (
                            "R-SCHED-4b",
                            f"the day after {what}: no plyometric block where it can be moved",
                        )
                    )
                continue
            if delta < 0:
                back = -delta
                if back == 1 and rank < 1:
                    blocked, rank = race, 1
                if back == 1:
                    reasons.append(("R-SCHED-4", f"the day before {what}: no session"))
                if back <= rules.RACE_TAPER_DAYS:
                    taper = taper or race
                    reasons.append(
                        (
                            R4A,
                            f"{back} day(s) before {what}: no heavy or plyometric work; rehab "
                            f"keeps its load with {rules.RACE_REHAB_SET_CUT} set fewer",
                        )
                    )
                if back < rules.RACE_REHAB_LAST_DAYS_OUT:
                    no_rehab = no_rehab or race
                    reasons.append(
                        (
                            R4A,
                            f"{back} day(s) before {what}: no rehab block (its last session is "
                            f"at least {rules.RACE_REHAB_LAST_DAYS_OUT} days before the race)",
                        )
                    )
                continue
            n = recovery_days(race)
            end = race.date + n * _DAY
            if delta <= n:
                if rank <= 0:
                    blocked, rank = race, 0
                reasons.append(
                    (
                        R4A,
                        f"recovery from {what}: no session on race day or the next {n} days "
                        f"(until {end.isoformat()})",
                    )
                )
            if is_marathon_or_longer(race):
                light_days = rules.POST_MARATHON_LIGHT_DAYS
                if n < delta <= n + light_days:
                    light = race
                    reasons.append(
                        (
                            R4A,
                            f"the week after the recovery window of {what}, a marathon or "
                            f"longer: light, foot and rehab work only (until "
                            f"{light_week_end(race).isoformat()})",
                        )
                    )
                # 14 days, and at least to the end of the light week (D-16).
                if delta <= max(rules.RACE_NAMED_DAYS_AFTER_MARATHON, n + light_days):
                    named = race
        return RaceDay(date, blocked, light, taper, no_rehab, after, named, tuple(reasons))

    def hard_run_dates(self) -> frozenset[dt.date]:
        """The tune-up races: each counts as a hard run (R-SCHED-4a, R-SCHED-4b)."""
        return self._hard

    def blocked_dates(self) -> frozenset[dt.date]:
        """Every day without a session: race days, the day before a race, recovery windows."""
        return self._blocked

    def blocked_ordinals(self) -> frozenset[int]:
        """`blocked_dates` as ``date.toordinal()`` values (for the scheduler's bit masks)."""
        return self._blocked_ords

    def notes(self) -> tuple[tuple[dt.date, str, str], ...]:
        """(race date, rule, message) about the races themselves (a "tune-up" too long to be
        one, planned as a race)."""
        return self._notes


@lru_cache(maxsize=256)
def _calendar(races: tuple[Race, ...]) -> RaceCalendar:
    return RaceCalendar(races)


def race_calendar(profile: Profile) -> RaceCalendar:
    """The calendar of the profile's races, cached per set of races."""
    return _calendar(profile.races)


def with_races(profile: Profile, races: Sequence[Race]) -> Profile:
    """The profile the engine plans with when dated races come from elsewhere (an imported
    training calendar, issue 10): its own races and ``races`` in date order, so every race
    rule (R-SCHED-4, R-SCHED-4a) sees them. A date the profile already has a race on keeps the
    profile's race (the athlete typed it; D-97); of two dated races on one day the
    stricter is kept. The profile itself is not changed."""
    if not races:
        return profile
    own = {r.date for r in profile.races}
    extra: dict[dt.date, Race] = {}
    for race in races:
        if race.date in own:
            continue
        other = extra.get(race.date)
        # Two dated races on one day: the stricter one (a full race over a tune-up, the
        # longer distance) is planned around.
        if other is None or _strictness(race) > _strictness(other):
            extra[race.date] = race
    if not extra:
        return profile
    merged = tuple(sorted((*profile.races, *extra.values()), key=_race_date))
    return profile.model_copy(update={"races": merged})


def _race_date(race: Race) -> dt.date:
    return race.date


def _strictness(race: Race) -> tuple[bool, float]:
    return (not is_tune_up(race), race.effective_km)
