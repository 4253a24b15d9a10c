"""The one dosing model (issue 6, item 1).

Every dose the engine prescribes comes from here: scheme bands and their rungs, load steps and
increments, first loads and the load-finding ramp (R-PROG-1a), contacts and bouts (R-SCH-3a),
lighter-week and race-week set cuts (R-PROG-5, R-SCHED-4a, R-PAIN-5), and the steps up and down
(R-PROG-2, R-PROG-6, R-PROG-7). The plan built from a profile alone (a projection) and the plan
adapted to the log walk through the same functions; only the evidence differs. The numbers come
from ``rules`` (the rule sheet in one place); this module holds the arithmetic.

Everything is pure and small: a ``Dose`` in, a ``Dose`` (and a ``Reason``) out.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Final, Literal

from calfcoach.core import rules
from calfcoach.core.memo import MISSING, IdentityMemo
from calfcoach.core.models import Equipment, Exercise, Level, Profile, Reason, Scheme

Amount = Literal["reps", "seconds", "distance_m", "contacts"]

UNIT_FIELD: Final[dict[str, Amount]] = {
    "reps": "reps",
    "seconds": "seconds",
    "distance": "distance_m",
    "contacts": "contacts",
}

# ------------------------------------------------------------------ rungs (R-PROG-2)

# Double progression climbs these rungs, then adds load and returns to the first rung.
LIGHT_REP_RUNGS: Final = (10, 12, 15, 20)  # inside R-SCH-1's 8-20 reps
HEAVY_REP_RUNGS: Final = (4, 5, 6)  # inside R-SCH-2's 3-6 reps
HOLD_RUNGS: Final = (30, 45, 60)  # R-PROG-2 holds 30 s -> 60 s (R-SCH-4)
LIGHT_SECOND_RUNGS: Final = (30, 45, 60)  # R-SCH-1: up to one minute of light work
DISTANCE_RUNGS: Final = rules.DISTANCE_M  # R-PROG-2: 10 ft -> 15 ft
LIGHT_START_RUNG: Final[dict[Level, int]] = {"novice": 0, "intermediate": 1, "advanced": 2}
LIGHT_SETS: Final[dict[Level, int]] = {"novice": 2, "intermediate": 3, "advanced": 3}
HEAVY_SETS: Final[dict[Level, int]] = {"novice": 3, "intermediate": 4, "advanced": 4}


@dataclass(frozen=True, slots=True)
class Dose:
    """One prescription's numbers: sets, the dose per set in ``unit``, and added load (kg).

    ``load`` None means body weight. ``fixed`` marks a protocol (RM) dose whose sets and
    reps come from the protocol, not from a band (R-PAIN-5): only its load moves."""

    sets: int
    amount: float
    unit: Amount
    load: float | None = None
    fixed: bool = False

    def __init__(
        self, sets: int, amount: float, unit: Amount, load: float | None = None, fixed: bool = False
    ) -> None:
        # Written out: mypyc compiles it to native slot writes (D-130).
        object.__setattr__(self, "sets", sets)
        object.__setattr__(self, "amount", amount)
        object.__setattr__(self, "unit", unit)
        object.__setattr__(self, "load", load)
        object.__setattr__(self, "fixed", fixed)

    # Written out as ``dataclass`` makes them (the caches of ``step_up``, ``step_down`` and
    # ``deload`` hash and compare doses): mypyc compiles these, the generated ones stay
    # interpreted in the compiled build (D-130).
    def __eq__(self, other: object) -> bool:
        if other.__class__ is self.__class__:
            return (self.sets, self.amount, self.unit, self.load, self.fixed) == (
                other.sets,
                other.amount,
                other.unit,
                other.load,
                other.fixed,
            )
        return NotImplemented

    def __hash__(self) -> int:
        return hash((self.sets, self.amount, self.unit, self.load, self.fixed))

    # Changed copies. Equal to ``dataclasses.replace(dose, ...)``, which walks the fields on
    # every call: a 16-week plan derives about 90 doses, and ``replace`` was 7 % of a plan (a
    # quarter of it in the compiled build, where the rest got faster; D-36).

    def with_sets(self, sets: int) -> Dose:
        return Dose(sets, self.amount, self.unit, self.load, self.fixed)

    def with_amount(self, amount: float, sets: int | None = None) -> Dose:
        return Dose(self.sets if sets is None else sets, amount, self.unit, self.load, self.fixed)

    def with_load(self, load: float | None, sets: int | None = None) -> Dose:
        return Dose(self.sets if sets is None else sets, self.amount, self.unit, load, self.fixed)


@dataclass(frozen=True, slots=True)
class Band:
    """The rungs of a scheme for a unit and its set range; empty rungs: no band applies."""

    rungs: tuple[float, ...]
    sets: tuple[int, int]

    @property
    def low(self) -> float:
        return self.rungs[0]

    @property
    def top(self) -> float:
        return self.rungs[-1]


_NO_BAND = Band((), (1, 10))


@lru_cache(maxsize=64)
def band(scheme: Scheme, unit: Amount) -> Band:
    """The R-SCH band of a scheme for a unit (R-SCH-1, -2, -4); rehab and plyometrics: none."""
    light_sets = (rules.LIGHT_SETS.low, rules.LIGHT_SETS.high)
    heavy_sets = (rules.HEAVY_SETS.low, rules.HEAVY_SETS.high)
    iso_sets = (rules.ISO_SETS, rules.ISO_SETS)
    if unit == "reps" and scheme == "light":
        return Band(tuple(float(r) for r in LIGHT_REP_RUNGS), light_sets)
    if unit == "reps" and scheme == "heavy":
        return Band(tuple(float(r) for r in HEAVY_REP_RUNGS), heavy_sets)
    if unit == "seconds" and scheme == "isometric":
        return Band(tuple(float(s) for s in HOLD_RUNGS), iso_sets)
    if unit == "seconds" and scheme in ("light", "skill"):
        return Band(tuple(float(s) for s in LIGHT_SECOND_RUNGS), light_sets)
    if unit == "distance_m" and scheme in ("isometric", "light"):
        return Band(DISTANCE_RUNGS, iso_sets if scheme == "isometric" else light_sets)
    return _NO_BAND


def unit_of(ex: Exercise) -> Amount:
    return UNIT_FIELD[ex.unit]


def rung_above(rungs: tuple[float, ...], amount: float) -> float | None:
    for rung in rungs:
        if rung > amount + 1e-9:
            return rung
    return None


def _rung_below(rungs: tuple[float, ...], amount: float) -> float | None:
    for rung in reversed(rungs):
        if rung < amount - 1e-9:
            return rung
    return None


def _snap(rungs: tuple[float, ...], amount: float) -> float:
    """The highest rung at or below ``amount`` (the lowest rung if none)."""
    best = rungs[0]
    for rung in rungs:
        if rung <= amount + 1e-9:
            best = rung
    return best


# ------------------------------------------------------------------ load (R-PROG-1, -2, -7)

LOAD_PREFERENCE: Final[tuple[Equipment, ...]] = (
    "dumbbell",
    "kettlebell",
    "weight_vest",
    "backpack",
    "barbell",
)
MACHINES: Final[tuple[Equipment, ...]] = ("leg_press", "seated_calf_machine")


def load_equipment(ex: Exercise, equipment: frozenset[Equipment]) -> Equipment | None:
    """The athlete's equipment that loads ``ex``: the machine it needs, else one of load_with."""
    for machine in MACHINES:
        if machine in ex.equipment:
            return machine
    for eq in LOAD_PREFERENCE:
        if eq in equipment and eq in ex.load_with:
            return eq
    return None


# The answers of ``increment`` and ``first_dose``: pure functions of frozen inputs asked for
# every block, remembered per exercise object (core.memo; an lru_cache hashed the exercise
# through its Python-level ``__hash__`` on every call: about 5 % of a compiled plan).
_INCREMENTS: Final[IdentityMemo[float | None]] = IdentityMemo()
_FIRST_DOSES: Final[IdentityMemo[Dose]] = IdentityMemo()


def increment(ex: Exercise, equipment: frozenset[Equipment]) -> float | None:
    """The smallest load step the athlete can make on ``ex`` (R-PROG-7: actual increments)."""
    found = _INCREMENTS.get(ex, None, equipment)
    if found is not MISSING:
        return found
    return _INCREMENTS.put(ex, None, equipment, _increment(ex, equipment))


def _increment(ex: Exercise, equipment: frozenset[Equipment]) -> float | None:
    for machine in MACHINES:
        if machine in ex.equipment:
            return rules.LOAD_INCREMENT_KG[machine]
    steps = [
        rules.LOAD_INCREMENT_KG[e]
        for e in ex.load_with
        if e in equipment and e in rules.LOAD_INCREMENT_KG  # a band adds no kg
    ]
    return min(steps) if steps else None


def is_machine(ex: Exercise) -> bool:
    return ex.machine


def ramp_start(ex: Exercise, profile: Profile) -> float:
    """R-PROG-1a: where the load-finding ramp starts: body weight (0 kg added) for standing
    raises, 25 % of body mass on machines."""
    if not is_machine(ex):
        return 0.0
    mass = profile.body_mass_kg or rules.ASSUMED_BODY_MASS_KG
    inc = increment(ex, profile.equipment) or 5.0
    return rules.round_to_increment(mass * rules.RAMP_MACHINE_START_FRACTION, inc)


def ramp_step(ex: Exercise, profile: Profile) -> float:
    """R-PROG-1a: the load added per ramp set, 5-10 % of body mass, rounded to the increment."""
    mass = profile.body_mass_kg or rules.ASSUMED_BODY_MASS_KG
    inc = increment(ex, profile.equipment) or 1.0
    return rules.round_to_increment(mass * rules.RAMP_STEP_FRACTION, inc)


def load_step(load: float, inc: float, *, coarse: bool = False) -> float | None:
    """The next load (R-PROG-2: +2-10 %, rounded to the increment). When the smallest
    increment is more than 10 % of the load: None, unless ``coarse`` (R-PROG-7: the reps have
    climbed further first, now the smallest increment is the step)."""
    if load <= 0:
        return inc
    new = rules.next_load(load, inc)
    if new > load:
        return new
    return round(load + inc, 2) if coarse else None


def load_down(load: float, inc: float | None) -> float | None:
    """One load step lower (about 5 %, at least one increment); None: the load comes off."""
    step = inc if inc is not None else 1.0
    lighter = math.floor(load * (1 - rules.LOAD_STEP_DEFAULT) / step + 1e-9) * step
    if lighter >= load:
        lighter = load - step
    lighter = round(lighter, 2)
    return lighter if lighter > 0 else None


# ------------------------------------------------------------------ first doses


def first_dose(ex: Exercise, scheme: Scheme, level: Level) -> Dose:
    """The dose of an exercise's first exposure in a scheme (R-SCH-*, R-PROG-3/4)."""
    key = (scheme, level)
    found = _FIRST_DOSES.get(ex, None, key)
    if found is not MISSING:
        return found
    return _FIRST_DOSES.put(ex, None, key, _first_dose(ex, scheme, level))


def _first_dose(ex: Exercise, scheme: Scheme, level: Level) -> Dose:
    unit = unit_of(ex)
    b = band(scheme, unit)
    if scheme == "heavy":
        return Dose(HEAVY_SETS[level], float(HEAVY_REP_RUNGS[0]), unit, 0.0)
    if scheme == "light" and unit == "reps":
        rung = LIGHT_REP_RUNGS[LIGHT_START_RUNG[level]]
        return Dose(LIGHT_SETS[level], float(rung), unit)
    if b.rungs:
        return Dose(max(b.sets[0], min(b.sets[1], ex.default_dose.sets)), b.low, unit)
    d = ex.default_dose
    amount = getattr(d, unit)
    return Dose(d.sets, float(amount if amount is not None else 1), unit)


# ------------------------------------------------------------------ steps

# ``step_up``, ``step_down`` and ``deload`` are pure functions of small immutable values, asked
# for every block of every session: their results are cached. Equal numbers of another type
# (10 and 10.0) hash alike but could come back as the other type (a plan's JSON shows 10.0,
# not 10), so only doses whose numbers have their declared types are served from the cache.


def _exact(dose: Dose, a: float | None = None, b: float | None = None) -> bool:
    """Every number of ``dose``, ``a`` and ``b`` of its declared type (or None)."""
    load = dose.load
    return (
        type(dose.amount) is float
        and type(dose.sets) is int
        and (load is None or type(load) is float)
        and (a is None or type(a) is float)
        and (b is None or type(b) is float)
    )


@dataclass(frozen=True, slots=True)
class Step:
    dose: Dose
    text: str
    moved: bool


def _num(value: float) -> str:
    return f"{value:g}"


_WORD: Final[dict[Amount, str]] = {
    "reps": "reps",
    "seconds": "s",
    "distance_m": "m",
    "contacts": "contacts",
}


def amount_text(amount: float, unit: Amount) -> str:
    word = _WORD[unit]
    return f"{_num(amount)} s" if word == "s" else f"{_num(amount)} {word}"


def top_of(dose: Dose, scheme: Scheme, inc: float | None) -> float:
    """What every logged set must reach for a load step (R-PROG-2, R-PROG-6, R-PROG-7): the
    band's top; for a fixed (RM) prescription target + 2, or target + 4 where the smallest
    load step is more than 10 % of the working load."""
    b = band(scheme, dose.unit)
    if b.rungs and not dose.fixed:
        return b.top
    extra = rules.RM_TOP_EXTRA_REPS
    if dose.load and inc is not None and inc > dose.load * rules.LOAD_STEP_MAX:
        extra = rules.RM_TOP_EXTRA_REPS_COARSE
    return dose.amount + extra


PLANNED_STEP: Final = "planned on every set before it being done"
"""How a step in a session not given yet names its evidence (D-141): the log decides."""


def _step_up(dose: Dose, scheme: Scheme, inc: float | None, logged: float | None) -> Step:
    """R-PROG-2 double progression, driven by the logged amount when there is one (R-PROG-6):
    the next rung above what was done; at the top, load goes up and the dose returns to the
    band's first rung; with no load to add, one set more; at the end of everything, hold."""
    done = max(dose.amount, logged) if logged is not None else dose.amount
    b = band(scheme, dose.unit)
    if b.rungs and not dose.fixed:
        if done < b.top - 1e-9:
            new = rung_above(b.rungs, done) or b.top
            if logged is not None and logged > dose.amount:
                text = (
                    f"you did {amount_text(logged, dose.unit)} where "
                    f"{amount_text(dose.amount, dose.unit)} were set, so the dose goes to "
                    f"{amount_text(new, dose.unit)}"
                )
            elif logged is None:
                # A session not given yet (D-141): the step is planned on the sets before it
                # being done, and the log decides when that session comes.
                text = (
                    f"the dose goes up from {amount_text(dose.amount, dose.unit)} to "
                    f"{amount_text(new, dose.unit)}, {PLANNED_STEP} (what you log decides)"
                )
            else:
                text = (
                    f"every set was done, so the dose goes up from "
                    f"{amount_text(dose.amount, dose.unit)} to {amount_text(new, dose.unit)}"
                )
            return Step(dose.with_amount(new), text, True)
        loaded = _load_up(dose, inc)
        if loaded is None and dose.amount < b.top - 1e-9:
            # The top was done but no load can be added: the top is the dose now.
            text = (
                f"you did {amount_text(done, dose.unit)}, the top of the range, so the dose "
                f"goes to {amount_text(b.top, dose.unit)}"
            )
            return Step(dose.with_amount(b.top), text, True)
        if loaded is not None:
            back = f"; the dose returns to {amount_text(b.low, dose.unit)}"
            return Step(loaded.dose.with_amount(b.low), loaded.text + back, True)
        if dose.sets < b.sets[1]:
            why = (
                "there is no equipment to add load (R-PROG-1)"
                if inc is None
                else "no load step of 10 % or less is possible"
            )
            return Step(
                dose.with_sets(dose.sets + 1),
                f"top of the range; {why}, so a set is added",
                True,
            )
        # R-PROG-7: the smallest increment is over 10 % of the load and the sets are at the
        # band's top: that increment is the step, and the reps return to the first rung.
        coarse = _load_up(dose, inc, coarse=True)
        if coarse is not None:
            back = f"; the dose returns to {amount_text(b.low, dose.unit)}"
            return Step(coarse.dose.with_amount(b.low), coarse.text + back, True)
        return Step(dose, "the dose is at the top of its band and holds", False)
    # A fixed (protocol, RM) dose or a dose without band: only the load moves (R-PAIN-5);
    # ``top_of`` already asked for target + 4 where the increment is coarse (R-PROG-7).
    loaded = _load_up(dose, inc, coarse=True)
    if loaded is not None:
        return loaded
    return Step(dose, "no load can be added, so the dose holds", False)


def _load_up(dose: Dose, inc: float | None, *, coarse: bool = False) -> Step | None:
    if inc is None:
        return None
    new = load_step(dose.load or 0.0, inc, coarse=coarse)
    if new is None:
        return None
    if not dose.load:
        return Step(dose.with_load(new), f"{_num(new)} kg of load is added", True)
    if new - dose.load <= inc + 1e-9:
        # R-PROG-2/R-PROG-7 (D-18x): the athlete's smallest increment is the step. A percentage
        # of the added load misleads (+1 kg on 1 kg read "100 %", yet on a standing raise the
        # load lifted is body weight plus 2 kg); the step is named as what it is.
        step = _num(round(new - dose.load, 2))
        return Step(
            dose.with_load(new),
            f"the load goes up by the smallest step, +{step} kg, to {_num(new)} kg",
            True,
        )
    pct = round((new - dose.load) / dose.load * 100)
    return Step(dose.with_load(new), f"the load goes up {pct} % to {_num(new)} kg", True)


def _step_down(dose: Dose, scheme: Scheme, inc: float | None) -> Step:
    """One step lower (R-PROG-6, R-PAIN-2): less load if loaded, else the rung below, else one
    set fewer; never below the band's floor nor below 2 sets."""
    if dose.load:
        lighter = load_down(dose.load, inc)
        text = f"the load comes down to {_num(lighter)} kg" if lighter else "the load comes off"
        return Step(dose.with_load(lighter), text, True)
    b = band(scheme, dose.unit)
    if dose.unit == "contacts":
        total = max(rules.PLYO_RESTART_CONTACTS, total_contacts(dose) - rules.PLYO_WEEKLY_STEP)
        if total < total_contacts(dose):
            return Step(dose.with_amount(float(total)), f"contacts come down to {total}", True)
        return Step(dose, "contacts would come down, but they are at the restart volume", False)
    if b.rungs and not dose.fixed:
        lower = _rung_below(b.rungs, dose.amount)
        if lower is not None:
            text = f"the dose comes down to {amount_text(lower, dose.unit)}"
            return Step(dose.with_amount(lower), text, True)
    floor = b.sets[0] if b.rungs else rules.MIN_CUT_SETS
    if dose.sets > floor:
        return Step(dose.with_sets(dose.sets - 1), "one set fewer", True)
    return Step(dose, "the dose would come down, but it is already the lowest of its band", False)


def _deload(dose: Dose, scheme: Scheme, min_sets: int) -> Dose:
    """R-PROG-5: about 55 % of the volume inside the band (where the floor stops it, the floor
    wins), load kept, at least ``min_sets`` sets (a main block keeps 3, R-SCHED-8); fixed
    protocol doses lose one set instead (R-PAIN-5, never below 2)."""
    if dose.fixed:
        return cut_sets(dose, 1)
    if dose.unit == "contacts":
        total = max(
            rules.PLYO_LIGHT_MIN // 2, round(total_contacts(dose) * rules.DELOAD_VOLUME_FACTOR)
        )
        return dose.with_amount(float(total))
    b = band(scheme, dose.unit)
    if not b.rungs:
        return dose.with_sets(max(1, round(dose.sets * rules.DELOAD_VOLUME_FACTOR)))
    target = dose.sets * dose.amount * rules.DELOAD_VOLUME_FACTOR
    least_sets = max(b.sets[0], min(min_sets, dose.sets))
    floor = _BAND_FLOOR.get((scheme, dose.unit), b.low)
    # The band's own floor (8 reps light, 3 heavy) below the first rung, then the rungs.
    amounts = sorted({floor, *b.rungs})
    best = (least_sets, floor)
    for sets in range(least_sets, max(least_sets, dose.sets) + 1):
        for amount in amounts:
            if amount > dose.amount + 1e-9:
                continue
            if abs(sets * amount - target) < abs(best[0] * best[1] - target):
                best = (sets, amount)
    return dose.with_amount(best[1], sets=best[0])


_step_up_cached = lru_cache(maxsize=4096)(_step_up)
_step_down_cached = lru_cache(maxsize=4096)(_step_down)
_deload_cached = lru_cache(maxsize=4096)(_deload)


def step_up(dose: Dose, scheme: Scheme, inc: float | None, logged: float | None = None) -> Step:
    """R-PROG-2 double progression, driven by the logged amount when there is one (R-PROG-6):
    the next rung above what was done; at the top, load goes up and the dose returns to the
    band's first rung; with no load to add, one set more; at the end of everything, hold."""
    if _exact(dose, inc, logged):
        return _step_up_cached(dose, scheme, inc, logged)
    return _step_up(dose, scheme, inc, logged)


def step_down(dose: Dose, scheme: Scheme, inc: float | None) -> Step:
    """One step lower (R-PROG-6, R-PAIN-2): less load if loaded, else the rung below, else one
    set fewer; never below the band's floor nor below 2 sets."""
    if _exact(dose, inc):
        return _step_down_cached(dose, scheme, inc)
    return _step_down(dose, scheme, inc)


def deload(dose: Dose, scheme: Scheme, min_sets: int = 1) -> Dose:
    """R-PROG-5: about 55 % of the volume inside the band (where the floor stops it, the floor
    wins), load kept, at least ``min_sets`` sets (a main block keeps 3, R-SCHED-8); fixed
    protocol doses lose one set instead (R-PAIN-5, never below 2)."""
    if _exact(dose) and type(min_sets) is int:
        return _deload_cached(dose, scheme, min_sets)
    return _deload(dose, scheme, min_sets)


# Below the first rung a lighter week may go to the band's own floor (D-24: the lighter week
# wins over R-SCHED-8's 60 s): 8 light reps (R-SCH-1) and 3 heavy ones (R-SCH-2), so 4 x 4
# heavy becomes 3 x 3 (about 44 % less volume), not 3 x 4 (25 %, below R-PROG-5's 40-50 %;
# D-171).
_BAND_FLOOR: Final[dict[tuple[str, str], float]] = {
    ("light", "reps"): float(rules.LIGHT_REPS.low),
    ("heavy", "reps"): float(rules.HEAVY_REPS.low),
}


def lighter_of(dose: Dose, done: Dose | None) -> Dose:
    """The lighter of a dose and the one last logged (by load, then amount, then sets): what a
    hold or a restart keeps when the dose moved on without being done (R-PAIN-2, R-PROG-6).
    A protocol (RM) dose reads its reps the other way: fewer reps at xRM is the heavier step
    (12RM asks more than 15RM at the same load, R-PROG-1a), so of two RM steps the one with
    more reps is the lighter (a restart after a clearance's return to the ladder's bottom
    never goes back up to the step done before the red flag, R-PAIN-2a, R-PROG-6)."""
    if done is None or done.unit != dose.unit or done.fixed != dose.fixed:
        return dose
    if dose.fixed and done.amount == dose.amount:
        # One step of a protocol's ladder: its sets are the protocol's own (R-PAIN-5). A
        # session given a set fewer (a morning at usual + 2, race week, a lighter week) was a
        # cut for that session only, never the base a restart or a hold keeps; a set a
        # regression took off is in ``dose`` already. Only the load can be lighter.
        if (done.load or 0.0) < (dose.load or 0.0):
            return dose.with_load(done.load)
        return dose
    sign = -1.0 if dose.fixed else 1.0
    if ((done.load or 0.0), sign * done.amount, done.sets) < (
        (dose.load or 0.0),
        sign * dose.amount,
        dose.sets,
    ):
        return Dose(done.sets, done.amount, dose.unit, done.load, dose.fixed)
    return dose


def min_sets(scheme: str) -> int:
    """The fewest sets a scheme may be trimmed to (R-SCH-1/2/4, R-PAIN-5); foot skill work 1."""
    if scheme == "skill":
        return 1
    if scheme == "heavy":
        return rules.HEAVY_SETS.low
    if scheme == "isometric":
        return rules.ISO_SETS
    if scheme == "rehab":
        return rules.MIN_CUT_SETS
    return rules.LIGHT_SETS.low


def cut_sets(dose: Dose, n: int) -> Dose:
    """``n`` sets fewer, never below 2 (R-PAIN-5: set cuts never stack below 2)."""
    return dose.with_sets(max(min(dose.sets, rules.MIN_CUT_SETS), dose.sets - n))


# ------------------------------------------------------------------ plyometrics (R-SCH-3/3a)


def total_contacts(dose: Dose) -> int:
    """Plyometric doses carry the session total in ``amount`` (split into bouts by
    ``bouts``)."""
    return int(round(dose.amount))


def plyo_band(total: int) -> str:
    if total <= rules.PLYO_LIGHT_MAX:
        return "light"
    return "moderate" if total in rules.PLYO_MODERATE else "heavy"


@dataclass(frozen=True, slots=True)
class Bouts:
    sets: int
    contacts: int
    seconds: int


def bouts(total: int, ex: Exercise, most: int | None = None) -> Bouts:
    """A session's contacts as bouts a person can do (R-SCH-3a, R-SCHED-8), at the exercise's
    cadence, two-foot landings in pairs, never leaving the band of ``total``:

    1. bouts of 8-10 s in the light band (single-leg hops: always at most 10 s per leg), or
       8-15 s above it, holding ``total`` or down to 10 % less;
    2. where no such split exists (50 rope contacts at 220 a minute are one bout of 14 s or
       two of 7 s), bouts of 8-15 s holding ``total`` (R-SCHED-8's 8-30 s wins over 8-10 s).

    Whole bouts may hold up to 4 contacts more than ``total``, never more than ``most``: the
    +20 a session of R-PROG-4 (D-177) and a cap are ceilings, not targets (D-216).
    """
    cpm = ex.contacts_per_minute or rules.DEFAULT_CONTACTS_PER_MINUTE
    return _bouts(total, cpm, ex.tier, total + 4 if most is None else min(total + 4, most))


@lru_cache(maxsize=1024)
def _bouts(total: int, cpm: int, tier: int, most: int) -> Bouts:
    unit = 2 if tier == 1 else 1
    band = plyo_band(total)
    light = total <= rules.PLYO_LIGHT_MAX or tier >= 2
    short = rules.PLYO_LIGHT_BOUT_S if light else rules.PLYO_BOUT_MAX_S
    relaxed = rules.PLYO_LIGHT_BOUT_S if tier >= 2 else rules.PLYO_BOUT_MAX_S

    def search(longest: int, least: float) -> tuple[int, int] | None:
        # A bout's length is shown in whole seconds: it counts as 8 s from 7.5 s on, and as
        # ``longest`` s up to half a second over.
        low_per = math.ceil((rules.PLYO_BOUT_MIN_S - 0.5) * cpm / 60 / unit) * unit
        high_per = math.floor((longest + 0.49) * cpm / 60 / unit) * unit
        best: tuple[float, int, int] | None = None
        for sets in range(1, 13):
            for per in range(max(unit, low_per), high_per + 1, unit):
                done = sets * per
                if done > most or done < least or plyo_band(done) != band:
                    continue
                key = (abs(done - total) + (0.5 if done > total else 0), sets, per)
                if best is None or key < best:
                    best = key
        return None if best is None else (best[1], best[2])

    found = search(short, total * 0.9) or search(relaxed, 0)
    if found is None:  # a total too small for one 8 s bout: one bout of it
        per = max(unit, total // unit * unit)
        found = (1, per)
    sets, per_set = found
    seconds = max(rules.PLYO_BOUT_MIN_S, round(per_set * 60 / cpm))
    return Bouts(sets, per_set, seconds)


def plyo_start(level: Level) -> int:
    return rules.PLYO_START[level]


def plyo_next(last_total: int, level: Level, cap: int | None) -> int:
    """R-PROG-4: +20 contacts a session per week at most, up to the level's ceiling and ``cap``."""
    ceiling = rules.PLYO_CEILING[level]
    if cap is not None:
        ceiling = min(ceiling, cap)
    return max(min(ceiling, last_total + rules.PLYO_WEEKLY_STEP), min(last_total, ceiling))


# ------------------------------------------------------------------ flare holds (R-PAIN-2b)


def flare_hold() -> Dose:
    """R-PAIN-2b: 5 x 30 s two-leg mid-range heel-raise holds, 2 min rest."""
    return Dose(rules.FLARE_HOLD_SETS, float(rules.FLARE_HOLD_SECONDS), "seconds", None, True)


@lru_cache(maxsize=2048)  # pure; the same step texts recur session after session
def reason(rule: str, text: str) -> Reason:
    text = text.strip()
    text = text[:1].upper() + text[1:]
    if not text.endswith("."):
        text += "."
    return Reason(rule, text)


__all__ = [
    "Amount",
    "Band",
    "Bouts",
    "Dose",
    "Step",
    "amount_text",
    "band",
    "bouts",
    "cut_sets",
    "deload",
    "first_dose",
    "flare_hold",
    "increment",
    "is_machine",
    "load_down",
    "load_equipment",
    "load_step",
    "plyo_band",
    "plyo_next",
    "plyo_start",
    "ramp_start",
    "ramp_step",
    "reason",
    "step_down",
    "step_up",
    "top_of",
    "total_contacts",
    "unit_of",
]
