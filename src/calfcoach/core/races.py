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
from bisect import bisect_left
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

    @property
    def free(self) -> bool:
        """No race rule limits this day (``after`` aside)."""
        return not self.reasons


class _Acc:
    """The fields of one day while the calendar is built (strictest race wins per field)."""

    __slots__ = ("blocked", "block_rank", "light", "taper", "no_rehab", "named", "reasons")

    def __init__(self) -> None:
        self.blocked: Race | None = None
        self.block_rank = -1
        self.light: Race | None = None
        self.taper: Race | None = None
        self.no_rehab: Race | None = None
        self.named: Race | None = None
        self.reasons: list[tuple[str, str]] = []


class RaceCalendar:
    """The days around a set of races (R-SCHED-4a)."""

    __slots__ = ("races", "_dates", "_special", "_cache", "_hard", "_blocked", "_notes")

    def __init__(self, races: Sequence[Race]) -> None:
        # A bare date (a profile copied without validation, the v1 form) is a race with no
        # distance: a half marathon is assumed.
        given = [Race(date=r) if isinstance(r, dt.date) else r for r in races]
        self.races: tuple[Race, ...] = tuple(sorted(given, key=lambda r: r.date))
        self._dates = [r.date for r in self.races]
        self._hard = frozenset(r.date for r in self.races if is_tune_up(r))
        self._cache: dict[dt.date, RaceDay] = {}
        notes: list[tuple[dt.date, str, str]] = []
        acc: dict[dt.date, _Acc] = {}

        def at(day: dt.date) -> _Acc:
            found = acc.get(day)
            if found is None:
                found = acc[day] = _Acc()
            return found

        def block(day: dt.date, race: Race, rank: int, reason: tuple[str, str]) -> None:
            # rank: 2 race day, 1 the day before a race, 0 recovery window. Among equal
            # ranks the race whose window ends later is kept (it is the one that binds).
            a = at(day)
            if rank > a.block_rank or (rank == a.block_rank and rank == 0):
                a.blocked, a.block_rank = race, rank
            a.reasons.append(reason)

        for race in self.races:
            d = race.date
            what = describe(race)
            if race.tune_up and not is_tune_up(race):
                notes.append(
                    (
                        d,
                        R4A,
                        f"{what} is marked as a tune-up, but a tune-up is a race of "
                        f"{rules.TUNE_UP_MAX_KM:g} km or less: it is planned as a race, with "
                        "its taper and recovery window",
                    )
                )
            block(d, race, 2, (R4A, f"{what} is today: no session on race day"))
            if is_tune_up(race):
                at(d - _DAY).reasons.append(
                    (
                        "R-SCHED-4b",
                        f"the day before {what}: no heavy or plyometric block where it can "
                        "be moved (R-SCHED-4)",
                    )
                )
                at(d + _DAY).reasons.append(
                    (
                        "R-SCHED-4b",
                        f"the day after {what}: no plyometric block where it can be moved",
                    )
                )
                continue
            n = recovery_days(race)
            end = d + n * _DAY
            block(d - _DAY, race, 1, ("R-SCHED-4", f"the day before {what}: no session"))
            for i in range(1, n + 1):
                block(
                    d + i * _DAY,
                    race,
                    0,
                    (
                        R4A,
                        f"recovery from {what}: no session on race day or the next {n} days "
                        f"(until {end.isoformat()})",
                    ),
                )
            for back in range(1, rules.RACE_TAPER_DAYS + 1):
                day = d - back * _DAY
                a = at(day)
                if a.taper is None or a.taper.date > d:
                    a.taper = race  # the nearest race binds
                a.reasons.append(
                    (
                        R4A,
                        f"{back} day(s) before {what}: no heavy or plyometric work; rehab "
                        f"keeps its load with {rules.RACE_REHAB_SET_CUT} set fewer",
                    )
                )
                if back < rules.RACE_REHAB_LAST_DAYS_OUT:
                    if a.no_rehab is None or a.no_rehab.date > d:
                        a.no_rehab = race
                    a.reasons.append(
                        (
                            R4A,
                            f"{back} day(s) before {what}: no rehab block (its last session is "
                            f"at least {rules.RACE_REHAB_LAST_DAYS_OUT} days before the race)",
                        )
                    )
            if is_marathon_or_longer(race):
                light_end = end + rules.POST_MARATHON_LIGHT_DAYS * _DAY
                for i in range(1, rules.POST_MARATHON_LIGHT_DAYS + 1):
                    a = at(end + i * _DAY)
                    a.light = race  # later races come later in the loop: the later end binds
                    a.reasons.append(
                        (
                            R4A,
                            f"the week after the recovery window of {what}, a marathon or "
                            f"longer: light, foot and rehab work only (until "
                            f"{light_end.isoformat()})",
                        )
                    )
                # 14 days, and at least to the end of the light week (D-16).
                last = max(rules.RACE_NAMED_DAYS_AFTER_MARATHON, n + rules.POST_MARATHON_LIGHT_DAYS)
                for i in range(1, last + 1):
                    a = at(d + i * _DAY)
                    a.named = race
        self._notes = tuple(notes)
        self._blocked = frozenset(day for day, a in acc.items() if a.blocked is not None)
        self._special = {
            day: (a.blocked, a.light, a.taper, a.no_rehab, a.named, tuple(a.reasons))
            for day, a in acc.items()
        }

    def day(self, date: dt.date) -> RaceDay:
        """What the races allow on ``date`` (memoised; a dict lookup once seen)."""
        found = self._cache.get(date)
        if found is not None:
            return found
        i = bisect_left(self._dates, date)
        after = self.races[i - 1] if i else None
        special = self._special.get(date)
        if special is None:
            found = RaceDay(date, None, None, None, None, after, None, ())
        else:
            blocked, light, taper, no_rehab, named, reasons = special
            found = RaceDay(date, blocked, light, taper, no_rehab, after, named, reasons)
        self._cache[date] = found
        return found

    def hard_run_dates(self) -> frozenset[dt.date]:
        """The tune-up races: each counts as a hard run (R-SCHED-4a, R-SCHED-4b)."""
        return self._hard

    def blocked_dates(self) -> frozenset[dt.date]:
        """Every day without a session: race days, the day before a race, recovery windows."""
        return self._blocked

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
