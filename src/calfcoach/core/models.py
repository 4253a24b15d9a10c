"""Domain objects of the coaching core.

Inputs (the athlete profile, catalog entries) are pydantic models: they are validated at the
edge and then trusted. Outputs of the engine (plans, sessions, prescriptions, warnings) are
slotted dataclasses, cheap to build in bulk, hashable and easy to render; they are defined in
``plan_types`` (compiled with the engine, no pydantic) and re-exported here.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Annotated, Any, ClassVar, Literal, get_args

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    StrictStr,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)

from calfcoach.core.illustration import Illustration
from calfcoach.core.limits import date_problem
from calfcoach.core.names import optional_name

# The engine's output types live in plan_types (no pydantic: mypyc compiles them with the
# engine); they are re-exported here, with the ``Scheme`` vocabulary they share.
from calfcoach.core.plan_types import Plan as Plan
from calfcoach.core.plan_types import PlanWarning as PlanWarning
from calfcoach.core.plan_types import Prescription as Prescription
from calfcoach.core.plan_types import Reason as Reason
from calfcoach.core.plan_types import Scheme as Scheme
from calfcoach.core.plan_types import Session as Session
from calfcoach.core.plan_types import SessionStatus as SessionStatus

Level = Literal["novice", "intermediate", "advanced"]
Sex = Literal["female", "male"]
Units = Literal["metric", "imperial"]
Day = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
RunKind = Literal["easy", "hard", "long"]
Complaint = Literal["achilles", "achilles_insertional", "plantar_heel", "calf_strain", "shin"]
RedFlag = Literal[
    "pop",
    "swelling",
    "warmth",
    "redness",
    "cant_rise",
    "night_pain",
    "rest_pain",
    "bone_spot",
    "worse_during_run",
    "numbness",
]
Equipment = Literal[
    "band",
    "towel",
    "chair",
    "wall",
    "step",
    "dumbbell",
    "kettlebell",
    "barbell",
    "weight_vest",
    "backpack",
    "leg_press",
    "seated_calf_machine",
    "jump_rope",
]
Region = Literal["calf", "foot", "ankle"]
Knee = Literal["straight", "bent", "none"]
Contraction = Literal["isotonic", "isometric", "plyometric", "mobility", "balance"]
Unit = Literal["reps", "seconds", "distance", "contacts"]

# The vocabularies in order, derived from the Literal types (one source of truth).
DAYS: tuple[Day, ...] = get_args(Day)
EQUIPMENT: tuple[Equipment, ...] = get_args(Equipment)
COMPLAINTS: tuple[Complaint, ...] = get_args(Complaint)
LEVELS: tuple[Level, ...] = get_args(Level)
RED_FLAGS: tuple[RedFlag, ...] = get_args(RedFlag)
# R-PAIN-2a: these send the athlete to a clinician "today"; the others, soon.
URGENT_RED_FLAGS: frozenset[RedFlag] = frozenset(
    {"pop", "swelling", "warmth", "redness", "cant_rise"}
)
ACHILLES_COMPLAINTS: frozenset[Complaint] = frozenset({"achilles", "achilles_insertional"})
LOADED_PROTOCOL_COMPLAINTS: frozenset[Complaint] = ACHILLES_COMPLAINTS | {"plantar_heel"}
"""The complaints whose protocol is RM-loaded heel raises every session (R-PAIN-4, R-PAIN-5)."""

ExerciseId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=60)]


# --------------------------------------------------------------------------- catalog


class Dose(BaseModel):
    """A default dose as the seed article gives it (one set's dose, and how many sets)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    sets: int = Field(ge=1, le=10)
    reps: int | None = Field(default=None, ge=1, le=100)
    seconds: int | None = Field(default=None, ge=1, le=600)
    distance_m: float | None = Field(default=None, gt=0, le=100)
    contacts: int | None = Field(default=None, ge=1, le=400)
    per_side: bool = False
    rest_seconds: int = Field(default=60, ge=0, le=600)


class Exercise(BaseModel):
    """One catalog entry (R-EX-1). The catalog is data: adding one needs no code change."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: ExerciseId
    name: str = Field(min_length=2, max_length=80)
    instructions: tuple[str, ...] = Field(min_length=1)
    cues: tuple[str, ...] = Field(min_length=1)
    muscles: tuple[str, ...] = Field(min_length=1)
    region: Region
    knee: Knee
    contraction: Contraction
    equipment: tuple[Equipment, ...] = ()
    """Equipment the exercise cannot be done without (all of it). Empty: none needed."""
    load_with: tuple[Equipment, ...] = ()
    """Any one of these adds external load (R-PROG-1, R-SCH-2a); empty: cannot be loaded."""
    unilateral: bool
    unit: Unit
    default_dose: Dose
    schemes: tuple[Scheme, ...] = Field(min_length=1)
    """The schemes the planner may prescribe this exercise in."""
    progressions: tuple[ExerciseId, ...] = ()
    regressions: tuple[ExerciseId, ...] = ()
    why: str = Field(min_length=10)
    """One sentence with its source (R-WHY)."""
    seed: tuple[Literal["000", "001", "002", "003", "004"], ...] = ()
    """The seed articles the exercise comes from; empty for an R-EX-2 extra."""
    extra_reason: str | None = None
    """For an R-EX-2 extra (no seed): why it was added, with its source."""
    ladder: str | None = None
    """Name of the progression ladder the exercise sits on (e.g. "soleus", R-PROG-3)."""
    ladder_step: int | None = Field(default=None, ge=1, le=10)
    tier: int = Field(default=1, ge=1, le=3)
    """Plyometric tier (R-SCH-3a): 1 = rope/two-foot, 2 = single-leg hops."""
    contacts_per_minute: int | None = Field(default=None, ge=30, le=400)
    """Plyometrics: contacts per minute at the usual cadence, to show time next to contacts."""
    protocol: Complaint | None = None
    """Set when the exercise is the loading protocol of a complaint (R-PAIN-3, R-PAIN-4)."""
    priority: int = Field(default=50, ge=0, le=100)
    """Lower is preferred when several exercises fill the same role."""
    # ---- v2 roles: catalog data, never ids in code (issue 6). Checked in core/catalog.py.
    protocols: tuple[Complaint, ...] = ()
    """The complaint protocols (R-PAIN-3/4/5) this exercise serves in a protocol block; its
    ``knee`` says which of the block's two slots it fills (straight or bent). ``protocol``
    (v1) is folded in."""
    steps: dict[str, int] = Field(default_factory=dict)
    """Ladder name -> step, for every ladder the exercise is on ("soleus" R-PROG-3,
    "calf_strain" R-PAIN-4). ``ladder``/``ladder_step`` (v1) are folded in."""
    clearance: bool = False
    """Counts for the 3x15 single-leg heel-raise clearance of R-PAIN-3 (and R-PAIN-4)."""
    flare_hold: bool = False
    """A mid-range two-leg heel-raise hold for a flare (R-PAIN-2b), at the exercise's knee."""
    heel_drop: bool = False
    """The heel goes below the level of its support (step edge, platform): avoided with
    ``achilles_insertional`` (R-PAIN-5), or replaced by ``flat_form``."""
    flat_form: ExerciseId | None = None
    """For a ``heel_drop`` exercise: the catalog exercise that is its flat-ground form."""
    dorsiflexor: bool = False
    """Shin dorsiflexor strengthening (toe taps, banded foot pull; not mobility), R-PAIN-4."""
    machines: tuple[ExerciseId, ...] = ()
    """The machine forms of this exercise (same knee angle and movement), which carry its
    work when the athlete has the machine (R-PROG-7); see ``Catalog.machine_variants``."""
    illustration: Illustration | None = None
    """The drawing: key poses of a side-view figure and its props (issue 8). The packaged
    catalog gives one for every exercise (``check_complete``); the SVG is drawn from it by
    ``calfcoach.formats.illustration``."""

    MACHINE_EQUIPMENT: ClassVar[frozenset[Equipment]] = frozenset(
        {"leg_press", "seated_calf_machine"}
    )

    @property
    def machine(self) -> bool:
        """Done on a machine (derived from ``equipment``): R-PROG-1a starts machine loads at
        25 % of body mass, standing raises at body weight."""
        return not self.MACHINE_EQUIPMENT.isdisjoint(self.equipment)

    def __hash__(self) -> int:
        # ``steps`` is a dict; ids are unique within a catalog, so the id is a good hash.
        return hash(self.id)

    @model_validator(mode="before")
    @classmethod
    def _fold_v1_roles(cls, data: Any) -> Any:
        """v1 ``protocol`` joins ``protocols``; v1 ``ladder``/``ladder_step`` join ``steps``."""
        if not isinstance(data, dict):
            return data
        data = dict(data)
        protocol = data.get("protocol")
        protocols = data.get("protocols")
        if isinstance(protocol, str) and isinstance(protocols, list | tuple | type(None)):
            listed = tuple(protocols or ())
            if protocol not in listed:
                data["protocols"] = (protocol, *listed)
        ladder, step = data.get("ladder"), data.get("ladder_step")
        steps = data.get("steps")
        if isinstance(ladder, str) and isinstance(step, int) and isinstance(steps, dict | None):
            merged = dict(steps or {})
            if merged.get(ladder, step) != step:
                raise ValueError(
                    f"steps: {ladder!r} is step {merged[ladder]} but ladder_step is {step}"
                )
            merged[ladder] = step
            data["steps"] = merged
        return data

    @field_validator("steps")
    @classmethod
    def _steps_in_range(cls, value: dict[str, int]) -> dict[str, int]:
        for name, step in value.items():
            if not (name and 1 <= step <= 10):
                raise ValueError(f"ladder {name!r}: step {step} is out of range 1-10")
        return value

    @field_validator("instructions", "cues", "muscles")
    @classmethod
    def _no_blank_items(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if any(not item.strip() for item in value):
            raise ValueError("must not contain blank items")
        return value


# --------------------------------------------------------------------------- profile


class Run(BaseModel):
    """One run of the athlete's usual week."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    day: Day
    kind: RunKind


STORED = "stored"
"""The validation context key of a profile read back from storage (``{STORED: True}``): a
rule added since it was stored (a race's date range) does not make it unreadable."""


class Race(BaseModel):
    """A race (R-SCHED-4a): its date, and optionally its distance, name and tune-up flag.

    In a profile file a race is an ISO date string or ``{"date", "distance_km", "name",
    "tune_up"}``. Without a distance a half marathon is assumed (``effective_km``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    date: dt.date
    distance_km: StrictFloat | None = Field(default=None, gt=0, le=400, allow_inf_nan=False)
    name: StrictStr | None = Field(default=None, max_length=100)
    tune_up: StrictBool = False
    """A race of 10 km or less run as training: it counts as a hard run (R-SCHED-4a)."""

    @field_validator("name")
    @classmethod
    def _printable_name(cls, value: str | None) -> str | None:
        # The race's name goes into reasons: the athlete-name rule (D-154), blank as no name.
        return optional_name(value)

    @field_validator("date", mode="before")
    @classmethod
    def _strict_iso_date(cls, value: object) -> object:
        # Accept only YYYY-MM-DD strings (or dates): pydantic alone would accept timestamps.
        if isinstance(value, str) and not _ISO_DATE.fullmatch(value):
            raise ValueError(f"{value!r} is not an ISO date (YYYY-MM-DD)")
        if not isinstance(value, str | dt.date):
            raise ValueError(f"{value!r} is not an ISO date (YYYY-MM-DD)")
        return value

    @field_validator("date")
    @classmethod
    def _in_the_date_rule(cls, value: dt.date, info: ValidationInfo) -> dt.date:
        # The one date rule (D-25), as every other date: a race near date.min or date.max
        # would overflow the race windows' arithmetic (core.races). A profile stored before
        # the rule held its races (``STORED``) is still read; it is refused when sent again.
        problem = date_problem("date", value)
        if problem is not None and not (info.context or {}).get(STORED):
            raise ValueError(problem.removeprefix("date: "))
        return value

    @property
    def effective_km(self) -> float:
        """The distance, or a half marathon when none was given (R-SCHED-4a)."""
        return self.distance_km if self.distance_km is not None else HALF_MARATHON_KM

    @property
    def label(self) -> str:
        """How reasons name the race: its name, else "the race of YYYY-MM-DD"."""
        return self.name or f"the race of {self.date.isoformat()}"


HALF_MARATHON_KM = 21.0975


@dataclass(frozen=True, slots=True)
class DatedRun:
    """A run on a date (issue 10): an imported run (the past) or a run of an imported training
    calendar (the future). With the usual week's runs it sets the placement rules R-SCHED-4
    and R-SCHED-4b on that date (``schedule.RunDays``)."""

    date: dt.date
    kind: RunKind


def _race_sort_key(item: object) -> str:
    if isinstance(item, Race):
        return item.date.isoformat()
    if isinstance(item, dict):
        return str(item.get("date", ""))
    return ""


class Profile(BaseModel):
    """The athlete profile file, exactly the keys of the public contract."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    # Strict scalars (issue 7, item 18): `true` or "2" is not a number, 1 is not `true`.
    name: StrictStr | None = Field(default=None, max_length=100)
    sex: Sex | None = None
    birth_year: StrictInt | None = Field(default=None, ge=1900, le=2100)
    body_mass_kg: StrictFloat | None = Field(default=None, ge=25, le=250, allow_inf_nan=False)
    level: Level
    equipment: frozenset[Equipment] = frozenset()
    free_days: frozenset[Day] = Field(default_factory=frozenset)
    sessions_per_week: StrictInt | None = Field(default=None, ge=1, le=3)
    """None: the default (2; 3 with a plantar heel or Achilles complaint where the free days
    allow, R-PAIN-4). Read it through ``rules.sessions_wanted``."""
    session_minutes: StrictInt = Field(default=25, ge=10, le=90)
    runs: tuple[Run, ...] = ()
    races: tuple[Race, ...] = ()
    complaints: frozenset[Complaint] = frozenset()
    usual_pain: StrictInt | None = Field(default=None, ge=0, le=10)
    """The intake answer: the complaint's usual morning pain 0-10 (R-PAIN-2; 2 when not given)."""
    bone_stress_history: StrictBool = False
    """A previous bone stress injury (R-PAIN-2a: with `shin`, refer before any plan)."""
    missed_periods: StrictBool = False
    """Missed or irregular periods (R-PAIN-2a: with `shin`, refer before any plan)."""
    units: Units = "metric"

    @field_validator("name")
    @classmethod
    def _printable_name(cls, value: str | None) -> str | None:
        # The rule of `athlete add --name` (core.names), blank as no name (D-154).
        return optional_name(value)

    @field_validator("races", mode="before")
    @classmethod
    def _races_as_objects(cls, value: object) -> object:
        # A race is an ISO date string (the v1 form) or an object; both become Race.
        if isinstance(value, list | tuple):
            out: list[object] = []
            for item in value:
                if isinstance(item, str) and not _ISO_DATE.fullmatch(item):
                    raise ValueError(f"{item!r} is not an ISO date (YYYY-MM-DD)")
                if isinstance(item, str | dt.date):
                    out.append({"date": item})
                elif isinstance(item, dict | Race):
                    out.append(item)
                else:
                    raise ValueError(f"{item!r} is not an ISO date (YYYY-MM-DD) nor a race object")
            return sorted(
                out,
                key=_race_sort_key,
            )
        return value

    @property
    def race_dates(self) -> tuple[dt.date, ...]:
        return tuple(r.date for r in self.races)


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


# --------------------------------------------------------------------------- log (input)

Side = Literal["left", "right", "both"]
TestKind = Literal["heel-raise"]
HopSide = Literal["left", "right", "both"]


@dataclass(frozen=True, slots=True)
class LoggedSet:
    """One set as done (issue: training log). Planned values are kept beside the actuals."""

    date: dt.date
    exercise: str
    set_number: int
    reps: int | None = None
    seconds: int | None = None
    distance_m: float | None = None
    contacts: int | None = None
    load_kg: float | None = None
    side: Side = "both"
    rpe: int | None = None
    """Rate of perceived exertion 1-10."""
    pain: int | None = None
    """Pain 0-10 during or right after the set (R-PAIN-1)."""
    planned_reps: int | None = None
    planned_seconds: int | None = None
    planned_distance_m: float | None = None
    planned_contacts: int | None = None
    planned_load_kg: float | None = None
    scheme: Scheme | None = None


@dataclass(frozen=True, slots=True)
class CheckIn:
    """Next-morning check-in (R-PAIN-1/2): pain and stiffness 0-10."""

    date: dt.date
    pain: int
    stiffness: int
    red_flags: frozenset[RedFlag] = frozenset()
    """R-PAIN-2a: the signs answered yes; any one stops the plan."""


@dataclass(frozen=True, slots=True)
class CapacityTest:
    """A single-leg heel-raise test to fatigue (R-TEST-1..4), reps per side."""

    date: dt.date
    left: int
    right: int
    knee: Knee = "straight"
    kind: TestKind = "heel-raise"


@dataclass(frozen=True, slots=True)
class HopTest:
    """The hop test (R-TEST-5): 10, then 30 single-leg hops per leg; pain 0-10 during it."""

    date: dt.date
    hops: int
    pain: int
    side: HopSide = "both"


@dataclass(frozen=True, slots=True)
class Clearance:
    """A clinician's clearance recorded by the athlete (R-PAIN-2a): lifts a red-flag stop."""

    date: dt.date
    note: str | None = None


@dataclass(frozen=True, slots=True)
class TrainingLog:
    """Everything logged for one athlete, in date order; the progression engine's input."""

    sets: tuple[LoggedSet, ...] = ()
    checkins: tuple[CheckIn, ...] = ()
    tests: tuple[CapacityTest, ...] = ()
    skipped: tuple[dt.date, ...] = ()
    """Planned session dates the athlete skipped on purpose."""
    hop_tests: tuple[HopTest, ...] = ()
    clearances: tuple[Clearance, ...] = ()

    def up_to(self, date: dt.date) -> TrainingLog:
        """The log as it stood at the end of ``date`` (a replay ignores what came later)."""
        return TrainingLog(
            sets=tuple(s for s in self.sets if s.date <= date),
            checkins=tuple(c for c in self.checkins if c.date <= date),
            tests=tuple(t for t in self.tests if t.date <= date),
            skipped=tuple(d for d in self.skipped if d <= date),
            hop_tests=tuple(h for h in self.hop_tests if h.date <= date),
            clearances=tuple(c for c in self.clearances if c.date <= date),
        )
