"""Plan engine: profile + start date + number of weeks -> Plan.

Pure and deterministic. The days come from `schedule.build_schedule` (R-SCHED-0..4); this
module decides what each session holds:

* one main calf block per session, rotating week to week so that two consecutive weeks never
  repeat a session (R-SCHED-3), following the seed's rotation (plyometrics, heavy bent-knee,
  mini-squat, light straight-knee, ...);
* over each 2-week cycle: straight- and bent-knee, heavy and light, and plyometrics where
  allowed (R-SCHED-5) - a cycle with too few sessions gets short extra blocks;
* foot or ankle work in every session (R-SCHED-6), last in the session (R-PROG-4a);
* a complaint's protocol block in every session (R-PAIN-3..5);
* doses inside the scheme bands (R-SCH-*), progressing by exposure (R-PROG-2..4), a lighter
  week every 4th week (R-PROG-5), no heavy work for novices in weeks 1-2 (R-PROG-4a), no heavy
  or plyometric work in the 7 days before a race (R-SCHED-4);
* each session fits the athlete's time budget (R-SCHED-7).

Every prescription carries its reason (rule id + sentence) and every rule that gave way is a
warning.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import lru_cache
from operator import attrgetter
from typing import Literal

from calfcoach.core import rules
from calfcoach.core.catalog import Catalog
from calfcoach.core.models import (
    DAYS,
    Equipment,
    Exercise,
    Plan,
    PlanWarning,
    Prescription,
    Profile,
    Scheme,
    Session,
)
from calfcoach.core.schedule import ScheduleIssue, build_schedule
from calfcoach.errors import PlanningError

Kind = Literal[
    "plyo", "heavy_bent", "heavy_straight", "light_straight", "light_bent", "soleus", "mini_squat"
]

MAX_WEEKS = 52
_HEAVY_KINDS: frozenset[Kind] = frozenset(("heavy_bent", "heavy_straight"))
_TAPER_KINDS: frozenset[Kind] = _HEAVY_KINDS | {"plyo"}
DEFAULT_BODY_MASS_KG = 70.0
WARM_UP_MINUTES = 2.0

# The seed's 2-week example rotation (R-SCHED-3, seed 001), extended to six weeks so the heavy
# knee angle and the light blocks alternate too; six is not a multiple of the 4-week deload
# period, so lighter weeks do not always fall on the same sessions.
ROTATION: tuple[Kind, ...] = (
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
ROTATION_3: tuple[Kind, ...] = (
    "plyo",
    "heavy_bent",
    "mini_squat",
    "light_straight",
    "heavy_straight",
    "soleus",
)

KIND_TITLE: dict[Kind, str] = {
    "plyo": "Plyometrics",
    "heavy_bent": "Heavy bent-knee heel raises",
    "heavy_straight": "Heavy straight-knee heel raises",
    "light_straight": "Light straight-knee heel raises",
    "light_bent": "Light bent-knee heel raises",
    "soleus": "Soleus strength",
    "mini_squat": "One-leg mini-squats",
}
KIND_KNEE: dict[Kind, str] = {
    "plyo": "none",
    "heavy_bent": "bent",
    "heavy_straight": "straight",
    "light_straight": "straight",
    "light_bent": "bent",
    "soleus": "bent",
    "mini_squat": "bent",
}
# What counts towards R-SCHED-5's coverage (see _missing); mini-squats are not bent-knee work.
_STRAIGHT_KINDS = frozenset(k for k, knee in KIND_KNEE.items() if knee == "straight")
_BENT_KINDS = frozenset(k for k, knee in KIND_KNEE.items() if knee == "bent") - {"mini_squat"}
_LIGHT_KINDS: frozenset[Kind] = frozenset(("light_straight", "light_bent", "mini_squat"))
# Heavy start loads as a fraction of body mass per leg, by level (conservative: the athlete
# adjusts to 1-3 reps in reserve, R-SCH-2). Bent-knee: the soleus is usually stronger (seed 001).
HEAVY_START_FRACTION = {"novice": 0.10, "intermediate": 0.20, "advanced": 0.30}
BENT_KNEE_FACTOR = 1.25
MACHINE_FACTOR = {"leg_press": 4.0, "seated_calf_machine": 3.0}
LOAD_PREFERENCE: tuple[Equipment, ...] = (
    "dumbbell",
    "kettlebell",
    "weight_vest",
    "backpack",
    "barbell",
)
HEAVY_SETS = {"novice": 3, "intermediate": 4, "advanced": 5}
HEAVY_REP_CYCLE = (4, 5, 6)  # R-PROG-2 double progression inside R-SCH-2's 3-6 reps
LIGHT_REP_LADDER = (10, 12, 15, 20)  # R-PROG-2 inside R-SCH-1's 8-20 reps
LIGHT_START = {"novice": 0, "intermediate": 1, "advanced": 2}
LIGHT_SETS = {"novice": 2, "intermediate": 3, "advanced": 3}
HOLD_LADDER = (30, 45, 60)  # R-PROG-2 holds 30 s -> 60 s, R-SCH-4
MINI_SQUAT_LADDER = (30, 45, 60)  # R-SCH-1: up to one minute of light work
SOLEUS_START_STEP = {"novice": 1, "intermediate": 2, "advanced": 3}  # R-PROG-3

# The fewest sets a scheme may be trimmed to (R-SCH-*); any other scheme: 2.
_MIN_SETS: dict[Scheme, int] = {
    "light": rules.LIGHT_SETS.low,
    "heavy": rules.HEAVY_SETS.low,
    "isometric": rules.ISO_SETS,
}

# Session order (R-PROG-4a): plyometrics first, heavy before light, foot work last.
ORDER: dict[Scheme, int] = {
    "plyometric": 0,
    "rehab": 1,
    "heavy": 2,
    "isometric": 3,
    "light": 4,
    "skill": 6,
}


@dataclass(slots=True, eq=False)
class _Block:
    kind: Kind | None
    ex: Exercise
    scheme: Scheme
    rx: Prescription
    role: Literal["main", "extra", "rehab", "foot", "iso_first"]
    order: int  # place in the session (R-PROG-4a), see _block_order
    minutes: float  # estimated duration (_rx_minutes)
    on_keep: tuple[Callable[[], None], ...] = ()
    """Progression state updates, run only if the block survives the time budget."""


@dataclass(slots=True)
class _State:
    """Counters that make the plan progress (exposures per exercise, plyo volume)."""

    exposures: dict[tuple[str, str], int] = field(default_factory=lambda: defaultdict(int))
    soleus_step: int = 1
    soleus_exposures: int = 0
    plyo_weeks: int = 0
    plyo_last_week: int = 0
    plyo_last_contacts: int | None = None
    foot_index: int = 0


def build_plan(profile: Profile, catalog: Catalog, start: dt.date, weeks: int) -> Plan:
    """Build a `weeks`-week plan from `start` (R-SCHED-0: weeks are 7-day blocks from start)."""
    if not profile.free_days:
        raise PlanningError(
            "free_days: no free day given; allowed: one or more of mon, tue, wed, thu, fri, "
            "sat, sun (the days strength work is possible)"
        )
    if not 1 <= weeks <= MAX_WEEKS:
        raise PlanningError(f"weeks: {weeks} is out of range; allowed: 1-{MAX_WEEKS}")
    return _Planner(profile, catalog, start, weeks).run()


_Index = tuple[list[Exercise], list[Exercise], list[Exercise], dict[str, tuple[str, str]]]


@lru_cache(maxsize=512)
def _equipment_index(catalog: Catalog, equipment: frozenset[Equipment]) -> _Index:
    """What an athlete with `equipment` can do: usable exercises by preference, foot/ankle
    drills, the soleus ladder steps (R-PROG-3); and region/knee by id. Pure, so cached."""
    usable = sorted(
        (e for e in catalog if equipment.issuperset(e.equipment)),
        key=lambda e: (e.priority, e.id),
    )
    foot = [e for e in usable if e.region in ("foot", "ankle") and e.protocol is None]
    ladder = [e for e in catalog.ladder("soleus") if equipment.issuperset(e.equipment)]
    meta: dict[str, tuple[str, str]] = {e.id: (e.region, e.knee) for e in catalog}
    return usable, foot, ladder, meta


@lru_cache(maxsize=8)
def _calf_knees(catalog: Catalog) -> dict[str, str]:
    """Knee angle of each calf exercise by id (R-SCHED-5 coverage). Pure, so cached per
    catalog; read only."""
    return {e.id: e.knee for e in catalog if e.region == "calf"}


class _Planner:
    def __init__(self, profile: Profile, catalog: Catalog, start: dt.date, weeks: int) -> None:
        self.p = profile
        self.catalog = catalog
        self.start = start
        self.weeks = weeks
        self.equipment = profile.equipment
        self.load_eq = profile.equipment & rules.LOAD_EQUIPMENT
        self.body_mass = profile.body_mass_kg or DEFAULT_BODY_MASS_KG
        self.level = profile.level
        self.complaints = profile.complaints
        self.pain_limit = rules.pain_limit(profile.complaints)
        self.races = sorted(profile.race_dates)
        self.warn: list[tuple[str, int, str]] = []
        self.state = _State(soleus_step=SOLEUS_START_STEP[profile.level])
        self._pending_plyo: tuple[int, int, int] | None = None
        self._commits: list[Callable[[], None]] = []
        index = _equipment_index(catalog, profile.equipment)
        self.usable, self.foot, self.soleus_ladder, self.meta = index
        self._calf_knee = _calf_knees(catalog)
        self.plyo_ex = next(
            (e for e in self.usable if e.contraction == "plyometric" and e.tier == 1), None
        )
        self.hard_days = frozenset(DAYS.index(r.day) for r in profile.runs if r.kind == "hard")
        self.taper: dict[dt.date, dt.date] = {}  # date -> the race it precedes (R-SCHED-4)
        for race in sorted(profile.race_dates, reverse=True):
            for back in range(1, rules.RACE_TAPER_DAYS + 1):
                self.taper[race - dt.timedelta(days=back)] = race
        self._kind_cache: dict[Kind, Exercise | None] = {}
        self._kind_ok: dict[Kind, bool] = {}
        self._soleus_cache: dict[int, Exercise | None] = {}  # soleus step -> exercise
        self._load_cache: dict[str, Equipment | None] = {}
        # (exercise id, scheme or kind) -> the loads of successive R-PROG-2 steps, increment.
        self._load_ladders: dict[tuple[str, str], tuple[list[float], float]] = {}
        self._whys: dict[tuple[str | bool, ...], str] = {}  # reasons that repeat, see _heavy_why
        # First week with heavy work (R-PROG-4a novices, R-PAIN-4 calf strain).
        self._heavy_from_week = (
            rules.NOVICE_LIGHT_ONLY_WEEKS + 1
            if profile.level == "novice" or "calf_strain" in profile.complaints
            else 1
        )
        self._rehab_cache: dict[tuple[str, int], _Block | None] = {}
        self._iso_cache: dict[int, _Block] = {}
        self._trim_cache: dict[tuple[int, int], tuple[Prescription, Prescription, float]] = {}
        self.calf_strain = "calf_strain" in profile.complaints
        self._protocols = [
            proto
            for proto in (
                ("achilles", rules.ACHILLES_HSR, rules.ACHILLES_HSR_TEMPO, "R-PAIN-3"),
                ("plantar_heel", rules.PLANTAR_HEEL_RAISE, rules.PLANTAR_HEEL_TEMPO, "R-PAIN-4"),
            )
            if proto[0] in profile.complaints
        ]
        self._foot_cache: dict[tuple[str, bool], _Block] = {}
        self._foot_sets: dict[tuple[int, int, bool], tuple[_Block, ...]] = {}
        self._titles: dict[tuple[Kind | None, str | None, bool, bool], str] = {}
        dorsi = [e for e in self.foot if "tibialis anterior" in e.muscles]
        self.dorsi = dorsi if "shin" in profile.complaints else []
        # Catalog ids are unique, so an id test is the same as equality (and much cheaper).
        self._dorsi_ids = frozenset(e.id for e in self.dorsi)
        pool = [e for e in self.foot if e.id not in self._dorsi_ids]
        if "plantar_heel" in profile.complaints:
            pool = [e for e in pool if e.region == "foot"] or pool
        self.foot_pool = pool

    # ------------------------------------------------------------------ top level

    def run(self) -> Plan:
        weeks, issues = build_schedule(self.p, self.start, self.weeks)
        for issue in issues:
            self.warn.append((issue.rule, issue.week, issue.message))
        sessions: list[Session] = []
        prev_kinds: set[Kind] = set()
        pointer = 0
        rotation = ROTATION_3 if rules.sessions_wanted(self.p) >= 3 else ROTATION
        by_week: list[list[tuple[dt.date, Kind | None]]] = []
        for ws in weeks:
            chosen: list[tuple[dt.date, Kind | None]] = []
            used: set[Kind] = set()
            for date in self._plyo_friendly_order(ws.dates):
                kind, pointer = self._next_kind(rotation, pointer, date, ws.week, prev_kinds, used)
                if kind is not None:
                    used.add(kind)
                chosen.append((date, kind))
            if self.hard_days:  # else the dates were taken in date order already
                chosen.sort()
            by_week.append(chosen)
            prev_kinds = used
            if not ws.dates:
                self.warn.append(
                    (
                        "R-SCHED-6",
                        ws.week,
                        "no session fits this week, so no foot "
                        "work either; do the foot drills on any free day",
                    )
                )
        extras = self._coverage_extras(by_week)
        for ws, chosen in zip(weeks, by_week, strict=True):
            deload = self._is_deload(ws.week)
            for date, kind in chosen:
                sessions.append(self._session(ws.week, date, kind, deload, extras.get(date, ())))
        sessions = self._no_repeats(sessions)
        self._check_coverage(sessions, by_week)
        return Plan(
            start=self.start,
            weeks=self.weeks,
            warnings=self._grouped_warnings(),
            sessions=tuple(sessions),
        )

    def _plyo_friendly_order(self, dates: tuple[dt.date, ...]) -> list[dt.date]:
        """Dates in the order they take rotation slots: a hard-run day last, so the plyometric
        slot (first in the rotation) lands on a day without a hard run (R-PROG-4a)."""
        if not self.hard_days:
            return list(dates)  # the schedule gives the dates in order already
        return sorted(dates, key=lambda d: (d.weekday() in self.hard_days, d))

    def _is_deload(self, week: int) -> bool:
        return self.weeks >= rules.DELOAD_EVERY_WEEKS and week % rules.DELOAD_EVERY_WEEKS == 0

    # ------------------------------------------------------------------ what may be done

    def _in_taper(self, date: dt.date) -> dt.date | None:
        return self.taper.get(date)

    def _heavy_blocked(self, date: dt.date, week: int) -> str | None:
        if self.level == "novice" and week <= rules.NOVICE_LIGHT_ONLY_WEEKS:
            return "R-PROG-4a"
        if "calf_strain" in self.complaints and week <= rules.NOVICE_LIGHT_ONLY_WEEKS:
            return "R-PAIN-4"
        if self._in_taper(date):
            return "R-SCHED-4"
        return None

    def _plyo_blocked(self, date: dt.date) -> str | None:
        if self.complaints & rules.NO_PLYO_COMPLAINTS:
            return "R-PAIN-3" if "achilles" in self.complaints else "R-PAIN-4"
        if self.plyo_ex is None:
            return "R-SCHED-5"
        if self._in_taper(date):
            return "R-SCHED-4"
        return None

    def _allowed(self, kind: Kind, date: dt.date, week: int) -> bool:
        """`_plyo_blocked`/`_heavy_blocked` is None, or an exercise exists for the kind; the
        date-independent part is worked out once per plan (this is called a lot)."""
        ok = self._kind_ok.get(kind)
        if ok is None:
            if kind == "plyo":
                ok = not (self.complaints & rules.NO_PLYO_COMPLAINTS) and self.plyo_ex is not None
            elif kind in _HEAVY_KINDS:
                ok = True
            else:
                # Only which soleus step is chosen changes over the plan, never whether one is.
                ok = self._exercise_for(kind) is not None
            self._kind_ok[kind] = ok
        if not ok:
            return False
        if kind in _TAPER_KINDS:
            if week < self._heavy_from_week and kind != "plyo":
                return False
            return date not in self.taper
        return True

    def _next_kind(
        self,
        rotation: tuple[Kind, ...],
        pointer: int,
        date: dt.date,
        week: int,
        prev: set[Kind],
        used: set[Kind],
    ) -> tuple[Kind | None, int]:
        """Next kind in the rotation that is allowed on `date` and was not in the previous
        week (R-SCHED-3) nor earlier this week. Falls back to any allowed kind."""
        n = len(rotation)
        for strict in (True, False):
            for step in range(n):
                kind = rotation[(pointer + step) % n]
                if kind in used or (strict and kind in prev):
                    continue
                if self._allowed(kind, date, week):
                    return kind, (pointer + step + 1) % n
        for kind in ("light_straight", "light_bent", "soleus", "mini_squat"):
            if kind not in used and self._allowed(kind, date, week):
                return kind, pointer
        return None, pointer

    # ------------------------------------------------------------------ exercise choice

    def _exercise_for(self, kind: Kind) -> Exercise | None:
        if kind == "soleus":
            return self._soleus_exercise()
        if kind not in self._kind_cache:
            self._kind_cache[kind] = self._find_exercise(kind)
        return self._kind_cache[kind]

    def _soleus_exercise(self) -> Exercise | None:
        step = self.state.soleus_step
        try:
            return self._soleus_cache[step]
        except KeyError:
            ex = self._soleus_cache[step] = self._soleus_for_step()
            return ex

    def _soleus_for_step(self) -> Exercise | None:
        ladder = self.soleus_ladder
        if not ladder:
            return None
        step = min(self.state.soleus_step, max(e.ladder_step or 1 for e in ladder))
        fitting = [e for e in ladder if (e.ladder_step or 1) <= step]
        return fitting[-1] if fitting else ladder[0]

    def _find_exercise(self, kind: Kind) -> Exercise | None:
        if kind == "plyo":
            return self.plyo_ex
        knee = KIND_KNEE[kind]
        for e in self.usable:
            if e.region != "calf" or e.knee != knee or e.protocol is not None:
                continue
            if e.contraction == "plyometric":
                continue
            if kind.startswith("heavy"):
                if "heavy" in e.schemes and self._load_for(e) is not None:
                    return e
            elif kind == "mini_squat":
                if "light" in e.schemes and e.unit == "seconds":
                    return e
            elif "light" in e.schemes and e.unit == "reps":
                return e
        if kind.startswith("heavy"):  # R-SCH-2a: no load -> slow-tempo light work instead
            return self._exercise_for("light_bent" if kind == "heavy_bent" else "light_straight")
        return None

    def _load_for(self, e: Exercise) -> Equipment | None:
        """The athlete's equipment that loads `e`: the machine it needs, or one of load_with."""
        try:
            return self._load_cache[e.id]
        except KeyError:
            found = self._find_load(e)
            self._load_cache[e.id] = found
            return found

    def _find_load(self, e: Exercise) -> Equipment | None:
        for machine in ("leg_press", "seated_calf_machine"):
            if machine in e.equipment:
                return machine
        for eq in LOAD_PREFERENCE:
            if eq in self.load_eq and eq in e.load_with:
                return eq
        return None

    # ------------------------------------------------------------------ coverage (R-SCHED-5)

    def _coverage_extras(
        self, by_week: list[list[tuple[dt.date, Kind | None]]]
    ) -> dict[dt.date, tuple[Kind, ...]]:
        extras: dict[dt.date, list[Kind]] = {}
        for c in range(0, len(by_week) - 1, rules.CYCLE_WEEKS):
            kinds = [k for _, k in by_week[c] if k is not None]
            kinds += [k for _, k in by_week[c + 1] if k is not None]
            missing = self._missing(kinds)
            if not missing:
                continue
            slots = [(d, k, c + 1) for d, k in by_week[c]]
            slots += [(d, k, c + 2) for d, k in by_week[c + 1]]
            for need, options in missing:
                if need == "heavy" and not self.load_eq:
                    continue  # R-SCH-2a: nothing can make a block heavy
                placed = False
                for kind in options:
                    for date, main, week in slots:  # at most one extra per session
                        if date in extras or kind == main or not self._allowed(kind, date, week):
                            continue
                        extras[date] = [kind]
                        kinds.append(kind)
                        placed = True
                        break
                    if placed:
                        break
        return {d: tuple(k) for d, k in extras.items()}

    def _missing(self, kinds: list[Kind]) -> list[tuple[str, tuple[Kind, ...]]]:
        heavy_ok = bool(self.load_eq)
        have = set(kinds)
        any_heavy = not have.isdisjoint(_HEAVY_KINDS)
        have_heavy = heavy_ok and any_heavy
        have_light = not have.isdisjoint(_LIGHT_KINDS) or (not heavy_ok and any_heavy)
        missing: list[tuple[str, tuple[Kind, ...]]] = []
        if have.isdisjoint(_STRAIGHT_KINDS):
            missing.append(("straight", ("heavy_straight", "light_straight")))
        if have.isdisjoint(_BENT_KINDS):
            missing.append(("bent", ("soleus", "heavy_bent", "light_bent")))
        if not have_heavy:
            missing.append(("heavy", ("heavy_straight", "heavy_bent")))
        if not have_light:
            missing.append(("light", ("light_straight", "light_bent", "mini_squat")))
        if "plyo" not in have:
            missing.append(("plyo", ("plyo",)))
        return missing

    def _check_coverage(
        self, sessions: list[Session], by_week: list[list[tuple[dt.date, Kind | None]]]
    ) -> None:
        """R-SCHED-5 on the finished sessions: name every gap of every complete cycle."""
        found: dict[int, set[str]] = defaultdict(set)  # cycle index -> kinds of work seen
        calf_knee = self._calf_knee
        for s in sessions:
            seen = found[(s.week - 1) // rules.CYCLE_WEEKS]
            for rx in s.exercises:
                knee = calf_knee.get(rx.exercise)
                if knee is None:  # not calf work
                    continue
                if rx.scheme == "plyometric":
                    seen.add("plyo")
                    continue
                seen.add(knee)
                if rx.scheme in ("heavy", "light"):
                    seen.add(rx.scheme)
        for c in range(0, len(by_week) - 1, rules.CYCLE_WEEKS):
            seen = found.get(c // rules.CYCLE_WEEKS, set())
            for need in ("straight", "bent", "heavy", "light", "plyo"):
                if need not in seen:
                    self._coverage_warning(need, (c + 1, c + 2), by_week[c] + by_week[c + 1])

    def _coverage_warning(
        self, need: str, weeks: tuple[int, int], cycle: list[tuple[dt.date, Kind | None]]
    ) -> None:
        dates = [d for d, _ in cycle]
        reason = "the sessions and minutes of these two weeks do not hold it"
        if need == "heavy":
            if not self.load_eq:
                reason = (
                    "there is no equipment to load it (dumbbell, kettlebell, barbell, "
                    "weight vest, backpack or machine; R-SCH-2a)"
                )
            elif dates and all(
                self._heavy_blocked(
                    d, weeks[0] if d < self.start + dt.timedelta(days=7 * weeks[0]) else weeks[1]
                )
                for d in dates
            ):
                rule = self._heavy_blocked(dates[0], weeks[0])
                reason = {
                    "R-PROG-4a": "novices do light and isometric work only in weeks 1-2 "
                    "(R-PROG-4a)",
                    "R-PAIN-4": "with a calf strain, isometric and light work come first "
                    "(R-PAIN-4)",
                    "R-SCHED-4": "no heavy work in the 7 days before a race (R-SCHED-4)",
                }.get(rule or "", reason)
        elif need == "plyo":
            blocked = {self._plyo_blocked(d) for d in dates} or {self._plyo_blocked(self.start)}
            if "R-PAIN-3" in blocked:
                reason = (
                    "with an Achilles complaint, no plyometrics until 3x15 single-leg "
                    "heel raises at pain <= 3/10 (R-PAIN-3)"
                )
            elif "R-PAIN-4" in blocked:
                reason = (
                    "no plyometrics with this complaint until the clearance test is "
                    "passed (R-PAIN-4)"
                )
            elif self.plyo_ex is None:
                reason = "no plyometric exercise fits the equipment"
            elif "R-SCHED-4" in blocked:
                reason = "no plyometrics in the 7 days before a race (R-SCHED-4)"
        label = {
            "straight": "straight-knee",
            "bent": "bent-knee",
            "heavy": "heavy",
            "light": "light",
            "plyo": "plyometric",
        }[need]
        for week in weeks:
            self.warn.append(("R-SCHED-5", week, f"no {label} block in the 2-week cycle: {reason}"))

    # ------------------------------------------------------------------ one session

    def _session(
        self, week: int, date: dt.date, kind: Kind | None, deload: bool, extras: tuple[Kind, ...]
    ) -> Session:
        blocks: list[_Block] = []
        if self.calf_strain:
            blocks.append(self._iso_first(week))
        if self._protocols:
            blocks += self._rehab_blocks(week)
        main = None  # the main block's exercise (_fit_time never drops the main block)
        if kind is not None:
            block = self._calf_block(kind, date, week, deload, main=True)
            if block is not None:
                blocks.append(block)
                main = block.ex
        for k in extras:
            block = self._calf_block(k, date, week, deload, main=False)
            if block is not None:
                blocks.append(block)
        blocks += self._foot_blocks(week, deload)
        blocks, minutes = self._fit_time(blocks, week)
        for b in blocks:
            for keep in b.on_keep:
                keep()
        if self._pending_plyo is not None:
            done = 0
            for b in blocks:
                if b.scheme == "plyometric":
                    done += (b.rx.contacts or 0) * b.rx.sets
            if done:
                st = self.state
                st.plyo_weeks, st.plyo_last_week, _ = self._pending_plyo
                st.plyo_last_contacts = done
            self._pending_plyo = None
        blocks.sort(key=_BY_ORDER)
        title = self._title(kind, main, deload, date)
        return Session(date, week, deload, title, tuple([b.rx for b in blocks]), round(minutes))

    def _title(self, kind: Kind | None, main: Exercise | None, deload: bool, date: dt.date) -> str:
        named = main.name if main is not None and kind in ("soleus", "plyo") else None
        after_hard = date.weekday() in self.hard_days
        key = (kind, named, deload, after_hard)
        title = self._titles.get(key)  # a plan has only a handful of distinct titles
        if title is not None:
            return title
        title = KIND_TITLE[kind] if kind else "Foot and ankle work"
        if named is not None and kind is not None:
            title = f"{KIND_TITLE[kind]}: {named.lower()}"
        if after_hard:
            title += " (after your hard run)"
        if deload:
            title = "Lighter week - " + title
        self._titles[key] = title
        return title

    def _calf_block(
        self, kind: Kind, date: dt.date, week: int, deload: bool, main: bool
    ) -> _Block | None:
        ex = self._exercise_for(kind)
        if ex is None:
            return None
        role: Literal["main", "extra"] = "main" if main else "extra"
        self._commits = []
        if kind == "plyo":
            rx = self._plyo_rx(ex, week, deload)
        elif kind == "soleus":
            rx = self._soleus_rx(ex, deload)
        elif kind in _HEAVY_KINDS and "heavy" in ex.schemes and self._load_for(ex):
            rx = self._heavy_rx(ex, kind, deload)
        elif kind in _HEAVY_KINDS:
            rx = self._light_rx(ex, deload, slow=True)
            self.warn.append(
                (
                    "R-SCH-2",
                    week,
                    "heavy work needs external load (dumbbell, "
                    "kettlebell, barbell, weight vest, backpack or a machine); slow "
                    "light heel raises stand in (R-SCH-2a)",
                )
            )
        elif kind == "mini_squat":
            rx = self._seconds_rx(ex, deload)
        else:
            rx = self._light_rx(ex, deload, slow=False)
        if not main:  # rx is a fresh object: adjust in place
            rx.sets = _MIN_SETS.get(rx.scheme, 2)
            rx.why += " Extra block so the 2-week cycle covers every kind of work (R-SCHED-5)."
        order = _block_order(rx.scheme, role)
        minutes = self._rx_minutes(rx, ex)
        return _Block(kind, ex, rx.scheme, rx, role, order, minutes, tuple(self._commits))

    # ------------------------------------------------------------------ doses

    def _exposure(self, ex: Exercise, scheme: str, deload: bool) -> int:
        """How many times the dose has progressed; counted when the block is kept."""
        key = (ex.id, scheme)
        exposures = self.state.exposures
        n = exposures[key]
        if deload:
            return max(0, n - 1)

        def count() -> None:
            exposures[key] += 1

        self._commits.append(count)
        return n

    def _heavy_rx(self, ex: Exercise, kind: Kind, deload: bool) -> Prescription:
        n = self._exposure(ex, "heavy", deload)
        sets = HEAVY_SETS[self.level]
        reps = HEAVY_REP_CYCLE[n % len(HEAVY_REP_CYCLE)]
        load = self._stepped_load(ex, kind, n // len(HEAVY_REP_CYCLE))
        stepped = bool(n) and n % len(HEAVY_REP_CYCLE) == 0
        why = self._whys.get((ex.id, "heavy", stepped, deload))
        if why is None:
            why = self._heavy_why(ex, reps, stepped, deload)
        if deload:
            sets, reps = _deload_pair(sets, reps, rules.HEAVY_SETS, rules.HEAVY_REPS)
        return Prescription(
            ex.id,
            "heavy",
            sets,
            reps=reps,
            per_side=ex.unilateral,
            added_load_kg=load,
            rest_seconds=rules.REST_SECONDS["heavy"],
            tempo=rules.HEAVY_TEMPO,
            why=why,
            rule="R-SCH-2",
        )

    def _heavy_why(self, ex: Exercise, reps: int, stepped: bool, deload: bool) -> str:
        """The reason of a heavy block; it repeats all plan long, so it is cached per plan.
        `reps` only shows when `stepped`, and is then always the bottom of the cycle."""
        why = (
            f"R-SCH-2: heavy, {rules.HEAVY_REPS.low}-{rules.HEAVY_REPS.high} reps with the "
            f"last reps hard (1-3 in reserve), slow tempo (R-SCH-6). {ex.why}"
        )
        if stepped:
            why = (
                f"R-PROG-2: reps reached the top of the range, so the load goes up "
                f"{rules.LOAD_STEP_DEFAULT:.0%} and reps return to {reps}. " + why
            )
        if self.p.body_mass_kg is None:
            why += (
                f" Start load assumes {DEFAULT_BODY_MASS_KG:.0f} kg body mass: adjust it "
                "so the last rep is hard."
            )
        if deload:
            why = "R-PROG-5: lighter week, volume about halved, load kept. " + why
        self._whys[(ex.id, "heavy", stepped, deload)] = why
        return why

    def _stepped_load(self, ex: Exercise, kind: str, steps: int) -> float:
        """The start load of `ex` for `kind` ("light" or a heavy kind) after `steps` R-PROG-2
        load steps. Each step builds on the one before, so the ladder is kept per plan."""
        ladder = self._load_ladders.get((ex.id, kind))
        if ladder is None:
            equipment = self._load_for(ex)
            assert equipment is not None
            inc = rules.LOAD_INCREMENT_KG[equipment]
            if kind == "light":
                start = rules.round_to_increment(max(self.body_mass * 0.05, inc * 10), inc)
            else:
                fraction = HEAVY_START_FRACTION[self.level]
                if kind == "heavy_bent":
                    fraction *= BENT_KNEE_FACTOR
                fraction *= MACHINE_FACTOR.get(equipment, 1.0)
                if not ex.unilateral:
                    fraction *= 2
                start = rules.round_to_increment(
                    max(self.body_mass * fraction, inc / rules.LOAD_STEP_MAX), inc
                )
            ladder = self._load_ladders[(ex.id, kind)] = ([start], inc)
        loads, inc = ladder
        while len(loads) <= steps:
            loads.append(rules.next_load(loads[-1], inc))
        return loads[steps]

    def _light_rx(self, ex: Exercise, deload: bool, slow: bool) -> Prescription:
        n = self._exposure(ex, "light", deload)
        step = LIGHT_START[self.level] + n
        top = len(LIGHT_REP_LADDER) - 1
        sets = LIGHT_SETS[self.level]
        load: float | None = None
        if step <= top:
            reps = LIGHT_REP_LADDER[step]
        else:
            reps = LIGHT_REP_LADDER[top]
            sets = rules.LIGHT_SETS.high
            if not slow and self._load_for(ex) is not None:
                # R-PROG-1/2: top of the range reached -> add load, back to the bottom.
                load = self._stepped_load(ex, "light", (step - top - 1) // 3)
                reps = LIGHT_REP_LADDER[1 + (step - top - 1) % 3]
        loaded = load is not None
        why = self._whys.get((ex.id, "light", loaded, slow, deload))
        if why is None:
            why = self._light_why(ex, loaded, slow, deload)
        if deload:
            sets, reps = _deload_pair(sets, reps, rules.LIGHT_SETS, rules.LIGHT_REPS)
        return Prescription(
            ex.id,
            "light",
            sets,
            reps=reps,
            per_side=ex.unilateral,
            added_load_kg=load,
            rest_seconds=rules.REST_SECONDS["light"],
            tempo=rules.SLOW_LIGHT_TEMPO if slow else None,
            why=why,
            rule="R-SCH-1",
        )

    def _light_why(self, ex: Exercise, loaded: bool, slow: bool, deload: bool) -> str:
        """The reason of a light block; it repeats all plan long, so it is cached per plan."""
        why = (
            f"R-SCH-1: light, {rules.LIGHT_REPS.low}-{rules.LIGHT_REPS.high} reps: blood flow, "
            f"muscle mass and durability. {ex.why}"
        )
        if loaded:
            why = "R-PROG-1: top of the rep range reached, so resistance is added. " + why
        if slow:
            why = (
                "R-SCH-2a: no equipment to load heavy work, so slow light heel raises stand "
                "in. " + why
            )
        if deload:
            why = "R-PROG-5: lighter week, volume about halved. " + why
        self._whys[(ex.id, "light", loaded, slow, deload)] = why
        return why

    def _seconds_rx(self, ex: Exercise, deload: bool) -> Prescription:
        n = self._exposure(ex, "light", deload)
        seconds = MINI_SQUAT_LADDER[min(n + LIGHT_START[self.level], len(MINI_SQUAT_LADDER) - 1)]
        sets = 2
        why = (
            f"R-SCH-1: light work up to one minute; reach at different angles with the free "
            f"foot. {ex.why}"
        )
        if deload:
            seconds = max(MINI_SQUAT_LADDER[0], round(seconds * rules.DELOAD_VOLUME_FACTOR))
            why = "R-PROG-5: lighter week, volume about halved. " + why
        return Prescription(
            ex.id,
            "light",
            sets,
            seconds=seconds,
            per_side=ex.unilateral,
            rest_seconds=rules.REST_SECONDS["light"],
            why=why,
            rule="R-SCH-1",
        )

    def _soleus_rx(self, ex: Exercise, deload: bool) -> Prescription:
        """R-PROG-3 soleus ladder: each step's top dose done -> the next step."""
        state = self.state
        if state.soleus_step < SOLEUS_START_STEP[self.level]:
            state.soleus_step = SOLEUS_START_STEP[self.level]
            ex = self._exercise_for("soleus") or ex
        n = state.soleus_exposures if not deload else max(0, state.soleus_exposures - 1)
        step_name = f"step {ex.ladder_step} of the soleus ladder (R-PROG-3)"
        top_done = False
        if ex.unit == "seconds":
            idx = min(n, len(HOLD_LADDER) - 1)
            seconds = HOLD_LADDER[idx]
            top_done = idx == len(HOLD_LADDER) - 1
            rx = Prescription(
                ex.id,
                "isometric",
                rules.ISO_SETS,
                seconds=seconds,
                per_side=ex.unilateral,
                rest_seconds=rules.REST_SECONDS["isometric"],
                why=f"R-SCH-4: isometric holds of 30-60 s, {step_name}; depth sets "
                f"the load. {ex.why}",
                rule="R-PROG-3",
            )
            if deload:
                rx.seconds = rules.ISO_SECONDS.low
        elif ex.unit == "distance":
            idx = min(n, len(rules.DISTANCE_M) - 1)
            top_done = idx == len(rules.DISTANCE_M) - 1
            rx = Prescription(
                ex.id,
                "isometric",
                rules.ISO_SETS,
                distance_m=rules.DISTANCE_M[0] if deload else rules.DISTANCE_M[idx],
                per_side=False,
                rest_seconds=rules.REST_SECONDS["isometric"],
                why=f"R-PROG-2: 10 ft -> 15 ft down and back, then load; {step_name}. {ex.why}",
                rule="R-PROG-3",
            )
        else:
            rx = self._light_rx(ex, deload, slow=False)
            rx.why = f"R-PROG-3: {step_name}. " + rx.why
            rx.rule = "R-PROG-3"
        if not deload:
            step = ex.ladder_step or 0

            def climb() -> None:
                state.soleus_exposures += 1
                if top_done:
                    nxt = [e for e in self.soleus_ladder if (e.ladder_step or 0) > step]
                    if nxt:
                        state.soleus_step = nxt[0].ladder_step or state.soleus_step
                        state.soleus_exposures = 0

            self._commits.append(climb)
        return rx

    def _plyo_rx(self, ex: Exercise, week: int, deload: bool) -> Prescription:
        """R-SCH-3/3a, R-PROG-4: contacts per session, +<= 20 a week, short bouts."""
        st = self.state
        plyo_weeks = st.plyo_weeks
        if week != st.plyo_last_week and st.plyo_last_week and not deload:
            plyo_weeks += 1
        target = min(
            rules.PLYO_CEILING[self.level],
            rules.PLYO_START[self.level] + rules.PLYO_WEEKLY_STEP * plyo_weeks,
        )
        if self.level == "novice" and week <= rules.NOVICE_LIGHT_ONLY_WEEKS:
            target = min(target, rules.PLYO_LIGHT_MAX)  # R-PROG-4a: plyometrics light
        if deload:
            target = max(rules.PLYO_LIGHT_MIN // 2, round(target * rules.DELOAD_VOLUME_FACTOR))
        if st.plyo_last_contacts is not None:
            target = min(target, st.plyo_last_contacts + rules.PLYO_WEEKLY_STEP)
        cpm = ex.contacts_per_minute or 200
        per_set_cap = max(2, cpm * rules.PLYO_MAX_SET_SECONDS // 60)
        sets = max(2, math.ceil(target / per_set_cap))
        per_set = max(2, 2 * (target // sets // 2))  # pairs (two-foot); never above target
        total = per_set * sets
        # Committed by _session only if the block survives the time budget.
        self._pending_plyo = (plyo_weeks, week, total)
        seconds = max(1, round(per_set * 60 / cpm))
        band = (
            "light"
            if total <= rules.PLYO_LIGHT_MAX
            else "moderate"
            if total in rules.PLYO_MODERATE
            else "heavy"
        )
        why = (
            f"R-SCH-3: {total} foot contacts ({band} band), counted over both feet, in short "
            f"bouts of about {seconds} s (R-SCH-3a). {ex.why}"
        )
        if deload:
            why = "R-PROG-5: lighter week, contacts about halved. " + why
        return Prescription(
            ex.id,
            "plyometric",
            sets,
            seconds=seconds,
            contacts=per_set,
            per_side=False,
            rest_seconds=rules.REST_SECONDS["plyometric"],
            why=why,
            rule="R-SCH-3",
        )

    # ------------------------------------------------------------------ complaints

    def _rehab_blocks(self, week: int) -> list[_Block]:
        """R-PAIN-5: a complaint's protocol repeats every session, scheme `rehab`."""
        blocks = []
        for complaint, table, tempo, rule in self._protocols:
            step = rules.protocol_step(table, week)
            key = (complaint, step.first_week)
            if key not in self._rehab_cache:
                self._rehab_cache[key] = self._rehab_block(complaint, step, tempo, rule)
            cached = self._rehab_cache[key]
            if cached is not None:
                blocks.append(cached)  # shared: _fit_time never mutates a block in place
        return blocks

    def _rehab_block(
        self, complaint: str, step: rules.ProtocolStep, tempo: str, rule: str
    ) -> _Block | None:
        ex = next((e for e in self.usable if e.protocol == complaint), None)
        if ex is None:
            return None
        name = "Achilles" if complaint == "achilles" else "plantar heel pain"
        why = (
            f"{rule}: {name} protocol, {step.label} ({tempo}); repeats every session "
            f"while the complaint lasts (R-PAIN-5). Pain up to "
            f"{self.pain_limit}/10 is acceptable and must settle by the next morning "
            f"(R-PAIN-1). {ex.why}"
        )
        if complaint == "achilles":
            why += " Insertional pain: do not drop the heel below step level."
        rx = Prescription(
            ex.id,
            "rehab",
            step.sets,
            reps=step.reps,
            per_side=ex.unilateral,
            rest_seconds=rules.REST_SECONDS["rehab"],
            tempo=tempo,
            why=why,
            rule=rule,
        )
        order = _block_order("rehab", "rehab")
        return _Block(None, ex, "rehab", rx, "rehab", order, self._rx_minutes(rx, ex))

    def _iso_first(self, week: int) -> _Block:
        """R-PAIN-4 calf strain: isometric holds first."""
        seconds = HOLD_LADDER[min(week - 1, len(HOLD_LADDER) - 1)]
        cached = self._iso_cache.get(seconds)
        if cached is not None:
            return cached
        iso = [
            e
            for e in self.usable
            if e.region == "calf" and "isometric" in e.schemes and e.unit == "seconds"
        ]
        ex = iso[0]
        rx = Prescription(
            ex.id,
            "isometric",
            rules.ISO_SETS,
            seconds=seconds,
            per_side=ex.unilateral,
            rest_seconds=rules.REST_SECONDS["isometric"],
            why=f"R-PAIN-4: calf strain - isometric holds first, pain no higher "
            f"than {rules.PAIN_STRICT_MAX}/10 (R-PAIN-2a). {ex.why}",
            rule="R-PAIN-4",
        )
        order = _block_order("isometric", "iso_first")
        block = _Block(None, ex, "isometric", rx, "iso_first", order, self._rx_minutes(rx, ex))
        self._iso_cache[seconds] = block
        return block

    def _foot_blocks(self, week: int, deload: bool) -> tuple[_Block, ...]:
        """R-SCHED-6 foot work every session (so every week); R-PAIN-4 shin: dorsiflexors.

        Two drills a session, rotating through the athlete's pool. The few combinations
        repeat all plan long, so each is put together once."""
        pool = self.foot_pool
        n = len(pool)
        i = self.state.foot_index
        if n:
            self.state.foot_index = i + 2
        dorsi = self.dorsi
        key = (week % len(dorsi) if dorsi else -1, i % n if n else -1, deload)
        cached = self._foot_sets.get(key)
        if cached is not None:
            return cached
        out: list[_Block] = []
        if dorsi:
            out.append(self._foot_block(dorsi[week % len(dorsi)], deload))
        if n:
            out.append(self._foot_block(pool[i % n], deload))
            if n > 1:
                out.append(self._foot_block(pool[(i + 1) % n], deload))
        self._foot_sets[key] = blocks = tuple(out)
        return blocks

    def _foot_block(self, ex: Exercise, deload: bool) -> _Block:
        cached = self._foot_cache.get((ex.id, deload))
        if cached is not None:
            return cached  # shared: _fit_time never mutates a block in place
        d = ex.default_dose
        scheme: Scheme = "skill" if "skill" in ex.schemes else ex.schemes[0]
        sets = max(1, round(d.sets * rules.DELOAD_VOLUME_FACTOR)) if deload else d.sets
        if scheme == "light":
            sets = max(sets, rules.LIGHT_SETS.low)
        why = (
            "R-SCHED-6: foot work every week - runners who strengthened their feet had "
            "fewer injuries (Taddei 2020). " + ex.why
        )
        if ex.id in self._dorsi_ids:
            why = "R-PAIN-4: shin complaint - dorsiflexor work. " + why
        rx = Prescription(
            ex.id,
            scheme,
            sets,
            reps=d.reps,
            seconds=d.seconds,
            distance_m=d.distance_m,
            contacts=d.contacts,
            per_side=d.per_side,
            rest_seconds=rules.REST_SECONDS[scheme],
            why=why,
            rule="R-SCHED-6",
        )
        order = _block_order(scheme, "foot")
        block = _Block(None, ex, scheme, rx, "foot", order, self._rx_minutes(rx, ex))
        self._foot_cache[(ex.id, deload)] = block
        return block

    # ------------------------------------------------------------------ time budget

    def _rx_minutes(self, rx: Prescription, ex: Exercise) -> float:
        if rx.contacts is not None:
            work = rx.contacts * 60 / (ex.contacts_per_minute or 200)
        elif rx.seconds is not None:
            work = float(rx.seconds)
        elif rx.distance_m is not None:
            work = 20.0 * rx.distance_m / 3.0
        else:
            per_rep = 6.0 if rx.tempo else 3.0
            if rx.tempo and "hold" in rx.tempo:
                per_rep = 8.0
            work = (rx.reps or 1) * per_rep
        if rx.per_side:
            work *= 2
        rest = rx.rest_seconds * (rx.sets - 1)
        return (rx.sets * work + rest + 30) / 60

    def _minutes(self, blocks: list[_Block]) -> float:
        total = WARM_UP_MINUTES
        for b in blocks:
            total += b.minutes
        return total

    def _fit_time(self, blocks: list[_Block], week: int) -> tuple[list[_Block], float]:
        """R-SCHED-7: fit the budget - trim sets and rest, then drop extras and accessories.

        Returns the blocks and the session's estimated minutes."""
        budget = self.p.session_minutes
        total = self._minutes(blocks)
        if total <= budget:
            return blocks, total
        # Blocks may be shared between sessions (foot, rehab): replace, never mutate them.
        for i, b in enumerate(blocks):  # shorter rests first (still 90 s)
            if b.role in ("main", "extra") and b.rx.rest_seconds > 90:
                b.rx.rest_seconds = 90  # main/extra prescriptions are fresh objects
                minutes = self._rx_minutes(b.rx, b.ex)
                blocks[i] = _Block(
                    b.kind, b.ex, b.scheme, b.rx, b.role, b.order, minutes, b.on_keep
                )
        total = self._minutes(blocks)
        for role in ("foot", "extra", "main"):
            for i, b in enumerate(blocks):
                if total <= budget:
                    break
                if b.role == role:
                    low = 1 if b.scheme == "skill" else _MIN_SETS.get(b.scheme, 2)
                    if b.rx.sets > low:
                        rx, minutes = self._trimmed(b, low)
                        blocks[i] = _Block(
                            b.kind, b.ex, b.scheme, rx, b.role, b.order, minutes, b.on_keep
                        )
                        total = self._minutes(blocks)
        while total > budget:
            foot = [b for b in blocks if b.role == "foot"]
            extra = [b for b in blocks if b.role == "extra"]
            if len(foot) > 1:
                blocks.remove(foot[-1])
            elif extra:
                blocks.remove(extra[-1])
            else:
                break
            total = self._minutes(blocks)
        if total > budget:
            self.warn.append(
                (
                    "R-SCHED-7",
                    week,
                    f"a session needs about "
                    f"{round(total)} min, more than the "
                    f"{budget} min budget, even at the minimum dose",
                )
            )
        return blocks, total

    def _trimmed(self, b: _Block, sets: int) -> tuple[Prescription, float]:
        """`b`'s prescription with fewer sets, and its minutes; shared (cached) prescriptions
        are copied once and reused."""
        rx = b.rx
        key = (id(rx), sets)
        out = self._trim_cache.get(key)
        if out is None or out[0] is not rx:
            trimmed = replace(rx, sets=sets)
            out = (rx, trimmed, self._rx_minutes(trimmed, b.ex))
            self._trim_cache[key] = out
        return out[1], out[2]

    # ------------------------------------------------------------------ R-SCHED-3

    def _no_repeats(self, sessions: list[Session]) -> list[Session]:
        """Two consecutive weeks never repeat a session: swap the foot drill if they would."""
        sigs = [_signature(x) for x in sessions]
        prev_week = 0
        prev_sigs: set[frozenset[tuple[str, str]]] = set()
        this_sigs: set[frozenset[tuple[str, str]]] = set()
        for i, s in enumerate(sessions):
            if s.week != prev_week:
                prev_sigs = this_sigs if s.week == prev_week + 1 else set()
                this_sigs = set()
                prev_week = s.week
            if sigs[i] in prev_sigs:
                alt = self._swap_foot(s, prev_sigs)
                if alt is not None:
                    sessions[i] = alt
                    sigs[i] = _signature(alt)
                else:
                    self.warn.append(
                        (
                            "R-SCHED-3",
                            s.week,
                            "a session repeats one of the week "
                            "before: the athlete's options allow no other",
                        )
                    )
            this_sigs.add(sigs[i])
        return sessions

    def _swap_foot(self, s: Session, taken: set[frozenset[tuple[str, str]]]) -> Session | None:
        for pos, rx in enumerate(s.exercises):
            if rx.rule != "R-SCHED-6":
                continue
            for ex in self.foot:
                if ex.id in {r.exercise for r in s.exercises}:
                    continue
                new = replace(
                    rx,
                    exercise=ex.id,
                    why=rx.why.split(" ")[0]
                    + " "
                    + rx.why.split(" ", 1)[1].replace(self.catalog.get(rx.exercise).why, ex.why),
                )
                d = ex.default_dose
                new = replace(
                    new,
                    reps=d.reps,
                    seconds=d.seconds,
                    distance_m=d.distance_m,
                    contacts=d.contacts,
                    per_side=d.per_side,
                )
                exercises = s.exercises[:pos] + (new,) + s.exercises[pos + 1 :]
                cand = replace(s, exercises=exercises)
                if _signature(cand) not in taken:
                    return cand
        return None

    # ------------------------------------------------------------------ warnings

    def _grouped_warnings(self) -> tuple[PlanWarning, ...]:
        grouped: dict[tuple[str, str], list[int]] = {}
        for rule, week, message in self.warn:
            weeks = grouped.setdefault((rule, message), [])
            if week not in weeks:
                weeks.append(week)
        out = []
        for (rule, message), weeks in grouped.items():
            out.append(PlanWarning(rule, f"{_weeks_label(weeks)}: {message}"))
        return tuple(out)


@lru_cache(maxsize=256)
def _deload_pair(
    sets: int, reps: int, set_band: rules.Band, rep_band: rules.Band
) -> tuple[int, int]:
    """Sets and reps inside the bands whose volume is closest to 55 % (R-PROG-5).

    Pure arithmetic on a handful of small numbers, so cached across plans."""
    target = sets * reps * rules.DELOAD_VOLUME_FACTOR
    best = (set_band.low, rep_band.low)
    for s in range(set_band.low, sets + 1):
        for r in range(rep_band.low, reps + 1):
            if abs(s * r - target) < abs(best[0] * best[1] - target):
                best = (s, r)
    return best


def _block_order(scheme: Scheme, role: str) -> int:
    return ORDER[scheme] + (0 if role == "iso_first" else 10)


_BY_ORDER = attrgetter("order")  # a C-level sort key: sessions are sorted by it


def _signature(s: Session) -> frozenset[tuple[str, str]]:
    return frozenset([(r.exercise, r.scheme) for r in s.exercises])


def _weeks_label(weeks: list[int]) -> str:
    weeks = sorted(weeks)
    parts: list[str] = []
    run_start = prev = weeks[0]
    for w in weeks[1:] + [0]:
        if w == prev + 1:
            prev = w
            continue
        parts.append(str(run_start) if run_start == prev else f"{run_start}-{prev}")
        run_start = prev = w
    return ("Week " if len(weeks) == 1 else "Weeks ") + ", ".join(parts)


__all__ = ["build_plan", "MAX_WEEKS", "ScheduleIssue"]
