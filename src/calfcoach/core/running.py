"""Running activities and running load (issue 10): pure rules over imported runs.

The rules are written in ``docs/running-load.md`` with their evidence and limits; each
function cites its rule id (RUN-SUM-1, RUN-CLASS-1..4, RUN-LOAD-1..3, RUN-WEEK-1, RUN-SPIKE-1,
RUN-DUP-1). Readers of activity files (``calfcoach.formats.activities``) turn a file into
samples and call ``summarize`` here; everything else works on ``Activity`` objects.

Pure and deterministic: no I/O, no clock. "Today" comes in as an argument.
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal, NamedTuple, get_args

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from calfcoach.core.limits import date_problem, date_range_text
from calfcoach.core.models import STORED, RunKind, Sex

__all__ = [
    "Activity",
    "Classification",
    "DayLoad",
    "HeartRate",
    "LoadBasis",
    "Pace",
    "Physiology",
    "PlannedRun",
    "RunLoad",
    "RunningLoads",
    "Sample",
    "Sport",
    "SpikeCheck",
    "Summary",
    "WeekTotals",
    "available_bases",
    "classify",
    "classify_all",
    "common_basis",
    "duplicates",
    "is_run",
    "run_date_problem",
    "run_load",
    "run_loads",
    "run_problem",
    "same_activity",
    "spike_check",
    "summarize",
    "trimp",
    "weekly_totals",
]

Sport = Literal["running", "walking", "hiking", "cycling", "swimming", "strength", "other"]
SPORTS: tuple[Sport, ...] = get_args(Sport)
LoadBasis = Literal["rpe", "trimp", "estimate"]
"""RUN-LOAD-1: session RPE x minutes; RUN-LOAD-2: Banister TRIMP; RUN-LOAD-3: an estimate."""
LOAD_BASES: tuple[LoadBasis, ...] = get_args(LoadBasis)  # best first

# --------------------------------------------------------------------------- numbers
# Each number is a rule's; docs/running-load.md gives the reason for each.

PAUSE_GAP_S = 30.0  # RUN-SUM-1: a gap longer than this between samples is a pause
STILL_SPEED_MPS = 0.5  # RUN-SUM-1: slower than this is standing, not moving
PACE_WINDOW_S = 60.0  # RUN-SUM-2: pace variation over windows of 60 s of moving time
PACE_MIN_WINDOWS = 3
LONG_RUN_S = 90 * 60  # RUN-CLASS-1
LONG_RUN_MIN_S = 60 * 60  # RUN-CLASS-1, relative branch
LONG_RUN_FACTOR = 1.5
HISTORY_DAYS = 28  # RUN-CLASS-1 and -3: the runs of the 28 days before set the references
HR_THRESHOLD_1 = 0.82  # RUN-CLASS-2: about the first ventilatory threshold, % of HRmax
HR_THRESHOLD_2 = 0.87  # RUN-CLASS-2: about the second ventilatory threshold
HARD_ABOVE_T1_S = 20 * 60
HARD_ABOVE_T2_S = 10 * 60
HARD_AVG_HR = 0.82  # RUN-CLASS-2 without a histogram: the average alone
INTERVAL_PACE_CV = 0.15  # RUN-CLASS-3
TEMPO_SPEED_FACTOR = 1.10  # RUN-CLASS-3
TEMPO_MIN_S = 15 * 60
ESTIMATED_RPE: dict[RunKind, int] = {"easy": 3, "long": 4, "hard": 7}  # RUN-LOAD-3
DEFAULT_HR_REST = 60  # RUN-LOAD-2 when the resting heart rate is not known
SPIKE_FACTOR = 1.5  # RUN-SPIKE-1
SPIKE_WEEKS = 4
DUPLICATE_START_S = 120  # RUN-DUP-1
DUPLICATE_DURATION_SHARE = 0.10
RUN_SPORTS: frozenset[Sport] = frozenset({"running"})
MAX_RUN_DISTANCE_M = 1_200_000  # RUN-SUM-4: the 6-day record is 1,036.8 km (Kouros, 1984)
MAX_RUN_SPEED_MPS = 1000 / 120  # RUN-SUM-4: 2:00 min/km; the 800 m record is 2:06 min/km
FAST_FROM_M = 500  # RUN-SUM-4: shorter sprints may pass it (the 400 m record is 1:48 min/km)
FUTURE_RUN_DAYS = 366  # RUN-SUM-4: a run dated later than this after today is refused


# --------------------------------------------------------------------------- samples


class Sample(NamedTuple):
    """One recorded point: seconds since the first sample, and whatever the device gave."""

    t: float
    distance_m: float | None = None
    speed_mps: float | None = None
    heart_rate: int | None = None
    resume: bool = False
    """The gap before this sample is a pause (timer stopped, a new GPX segment)."""


class Pace(BaseModel):
    """RUN-SUM-2: average moving speed and how much it varied."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    avg_speed_mps: float = Field(ge=0, le=15)
    cv: float | None = Field(default=None, ge=0)
    """Coefficient of variation of the speed over 60-s windows of moving time."""
    windows: int = Field(default=0, ge=0)


class HeartRate(BaseModel):
    """Heart-rate stats; ``seconds_by_bpm`` is the time at each beat rate (a histogram)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    avg_bpm: float = Field(ge=20, le=250)
    max_bpm: int = Field(ge=20, le=250)
    seconds_by_bpm: tuple[tuple[int, float], ...] = ()

    def seconds_at_or_above(self, bpm: float) -> float:
        return sum(s for b, s in self.seconds_by_bpm if b >= bpm)


class Summary(NamedTuple):
    elapsed_s: float
    moving_s: float
    distance_m: float | None
    pace: Pace | None
    heart_rate: HeartRate | None


def summarize(
    samples: Sequence[Sample],
    *,
    elapsed_s: float | None = None,
    moving_s: float | None = None,
    distance_m: float | None = None,
    avg_hr: float | None = None,
    max_hr: int | None = None,
) -> Summary:
    """RUN-SUM-1/2: durations, distance, pace variation and heart rate from samples.

    Totals the device wrote (a FIT session's timer time, a TCX lap's) win over totals
    computed from samples; samples still give the pace variation and the histogram."""
    moving = 0.0
    hist: dict[int, float] = {}
    window_t = window_d = 0.0
    speeds: list[float] = []
    dist_total = 0.0
    have_dist = False
    prev: Sample | None = None
    for s in samples:
        if prev is not None:
            dt_s = s.t - prev.t
            if 0 < dt_s <= PAUSE_GAP_S and not s.resume:
                step: float | None = None
                if s.distance_m is not None and prev.distance_m is not None:
                    step = max(s.distance_m - prev.distance_m, 0.0)
                elif s.speed_mps is not None:
                    step = s.speed_mps * dt_s
                speed = (
                    s.speed_mps
                    if s.speed_mps is not None
                    else (step / dt_s if step is not None else None)
                )
                if step is not None:
                    dist_total += step
                    have_dist = True
                if speed is None or speed >= STILL_SPEED_MPS:
                    moving += dt_s
                    if step is not None:
                        window_t += dt_s
                        window_d += step
                        if window_t >= PACE_WINDOW_S:
                            speeds.append(window_d / window_t)
                            window_t = window_d = 0.0
                if s.heart_rate is not None:
                    hist[s.heart_rate] = hist.get(s.heart_rate, 0.0) + dt_s
        prev = s
    span = samples[-1].t - samples[0].t if samples else 0.0
    elapsed = elapsed_s if elapsed_s is not None else max(span, 0.0)
    moving_total = moving_s if moving_s is not None else moving
    moving_total = min(moving_total, elapsed) if elapsed > 0 else moving_total
    distance = distance_m if distance_m is not None else (dist_total if have_dist else None)
    pace: Pace | None = None
    if distance is not None and moving_total > 0:
        cv: float | None = None
        if len(speeds) >= PACE_MIN_WINDOWS:
            mean = sum(speeds) / len(speeds)
            if mean > 0:
                var = sum((v - mean) ** 2 for v in speeds) / len(speeds)
                cv = round(math.sqrt(var) / mean, 4)
        avg_speed = min(distance / moving_total, 15.0)
        pace = Pace(avg_speed_mps=round(avg_speed, 4), cv=cv, windows=len(speeds))
    heart: HeartRate | None = None
    if hist:
        total = sum(hist.values())
        mean_hr = sum(b * s for b, s in hist.items()) / total
        heart = HeartRate(
            avg_bpm=round(avg_hr if avg_hr is not None else mean_hr, 1),
            max_bpm=max_hr if max_hr is not None else max(hist),
            seconds_by_bpm=tuple(sorted((b, round(s, 1)) for b, s in hist.items())),
        )
    elif avg_hr is not None:
        heart = HeartRate(avg_bpm=avg_hr, max_bpm=max_hr if max_hr is not None else round(avg_hr))
    return Summary(elapsed, moving_total, distance, pace, heart)


# --------------------------------------------------------------------------- the activity


class Activity(BaseModel):
    """One activity read from a file, validated (issue 10, item 1)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    start: dt.datetime
    """Aware, in UTC."""
    utc_offset_s: int | None = Field(default=None, ge=-14 * 3600, le=14 * 3600)
    """The device's local time offset when the file tells it (FIT), else unknown."""
    sport: Sport
    sport_guessed: bool = False
    """The file did not name a sport; it was guessed (RUN-SUM-3)."""
    indoor: bool = False
    elapsed_s: float = Field(ge=0, le=7 * 86400, allow_inf_nan=False)
    moving_s: float = Field(ge=0, le=7 * 86400, allow_inf_nan=False)
    distance_m: float | None = Field(default=None, ge=0, le=2_000_000, allow_inf_nan=False)
    pace: Pace | None = None
    heart_rate: HeartRate | None = None
    rpe: int | None = Field(default=None, ge=1, le=10)
    source: str = Field(min_length=1, max_length=500)
    fingerprint: str = Field(pattern=r"^[0-9a-f]{64}$")
    """SHA-256 of the file's content (exact duplicates); RUN-DUP-1 finds the others."""

    @field_validator("start")
    @classmethod
    def _aware_utc(cls, value: dt.datetime) -> dt.datetime:
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError("start must carry a time zone")
        return value.astimezone(dt.UTC)

    @model_validator(mode="after")
    def _moving_within_elapsed(self) -> Activity:
        if self.moving_s > self.elapsed_s + 1:
            raise ValueError(
                f"moving time {self.moving_s:.0f} s exceeds elapsed time {self.elapsed_s:.0f} s"
            )
        return self

    @model_validator(mode="after")
    def _possible(self, info: ValidationInfo) -> Activity:
        # RUN-SUM-4: a run no one can run is refused, naming why. A run stored before the
        # rule (``STORED``: read back, or in an export) is still read.
        problem = run_problem(self)
        if problem is not None and not (info.context or {}).get(STORED):
            raise PydanticCustomError("impossible_run", "{problem}", {"problem": problem})
        return self

    @property
    def duration_s(self) -> float:
        """Moving time: pauses excluded (RUN-SUM-1)."""
        return self.moving_s

    @property
    def local_date(self) -> dt.date:
        """The day the athlete ran it: local when the offset is known, else the UTC date."""
        offset = dt.timedelta(seconds=self.utc_offset_s or 0)
        return (self.start + offset).date()


def is_run(activity: Activity) -> bool:
    """Only runs count toward running load (RUN-WEEK-1): not walks, rides or strength."""
    return activity.sport in RUN_SPORTS


def _km(metres: float) -> str:
    return f"{metres / 1000:,.2f} km"


def _pace(speed_mps: float) -> str:
    seconds = round(1000 / speed_mps)
    return f"{seconds // 60}:{seconds % 60:02d} min/km"


def run_problem(activity: Activity) -> str | None:
    """RUN-SUM-4: why an activity is no possible run (``field: what; allowed: ...``), or
    None. Every activity keeps the one date rule (D-25); a run (``is_run``) with a
    distance also needs time to cover it, at most 2:00 min/km over more than 500 m and
    at most 1,200 km. Walks and rides are not stored (RUN-WEEK-1), so only dates count."""
    day = activity.start.date()
    problem = date_problem("start", day)
    if problem is not None:
        return problem
    distance = activity.distance_m
    if not is_run(activity) or distance is None or distance <= 0:
        return None
    if distance > MAX_RUN_DISTANCE_M:
        return (
            f"distance_m: {_km(distance)} in one run is more than anyone has run in a week; "
            f"allowed: at most {_km(MAX_RUN_DISTANCE_M)}"
        )
    seconds = activity.moving_s if activity.moving_s > 0 else activity.elapsed_s
    if seconds <= 0:
        return (
            f"elapsed_s: {_km(distance)} in 0 s; allowed: more than 0 s for a run with a distance"
        )
    speed = distance / seconds
    if distance > FAST_FROM_M and speed > MAX_RUN_SPEED_MPS:
        return (
            f"pace: {_km(distance)} in {seconds:,.0f} s is {_pace(speed)}, faster than any "
            f"runner; allowed: {_pace(MAX_RUN_SPEED_MPS)} or slower over more than "
            f"{FAST_FROM_M} m"
        )
    return None


def run_date_problem(activity: Activity, today: dt.date) -> str | None:
    """RUN-SUM-4: a run dated more than a year after today (``FUTURE_RUN_DAYS``, as far as
    a calendar or a plan looks ahead) is a device's wrong clock, not a run: ``start: ...;
    allowed: ...``. Nearer days are taken: a watch or a zone ahead of the server's clock."""
    latest = today + dt.timedelta(days=FUTURE_RUN_DAYS)
    if activity.local_date <= latest and activity.start.date() <= latest:
        return None
    return (
        f"start: {activity.local_date.isoformat()} is in the future; allowed: "
        f"{date_range_text(latest)} (a year after today at most)"
    )


class PlannedRun(BaseModel):
    """A run from the athlete's training calendar (issue 10, item 2)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    date: dt.date
    kind: RunKind
    detail: str | None = Field(default=None, max_length=40)
    """What the title said beyond the kind: "tempo", "intervals", "hills"..."""
    title: str = Field(max_length=200)
    start: dt.datetime | None = None
    """Aware start time of a timed event (None: an all-day event)."""
    distance_km: float | None = Field(default=None, gt=0, le=400, allow_inf_nan=False)
    uid: str | None = Field(default=None, max_length=300)


# --------------------------------------------------------------------------- physiology


@dataclass(frozen=True, slots=True)
class Physiology:
    """What heart-rate rules need about the athlete. ``hr_max_source`` says where it came
    from ("given", "age" (Tanaka 208 - 0.7 x age), "observed" (highest seen), or None)."""

    hr_max: int | None = None
    hr_rest: int = DEFAULT_HR_REST
    sex: Sex | None = None
    hr_max_source: str | None = None

    @staticmethod
    def build(
        *,
        hr_max: int | None = None,
        hr_rest: int | None = None,
        age: int | None = None,
        sex: Sex | None = None,
        activities: Iterable[Activity] = (),
    ) -> Physiology:
        """RUN-CLASS-2: HRmax given, else from age (Tanaka 2001), else the highest seen."""
        rest = hr_rest if hr_rest is not None else DEFAULT_HR_REST
        if hr_max is not None:
            return Physiology(hr_max, rest, sex, "given")
        if age is not None:
            return Physiology(round(208 - 0.7 * age), rest, sex, "age")
        seen = [a.heart_rate.max_bpm for a in activities if a.heart_rate is not None]
        if seen:
            return Physiology(max(seen), rest, sex, "observed")
        return Physiology(None, rest, sex, None)


# --------------------------------------------------------------------------- classification


@dataclass(frozen=True, slots=True)
class Classification:
    kind: RunKind
    rule: str
    reason: str
    detail: str | None = None
    """"tempo" or "intervals" when a hard run was recognised by its pace."""


class _History:
    """The athlete's runs sorted by start, to find the 28 days before any run quickly."""

    def __init__(self, activities: Iterable[Activity]) -> None:
        self.runs = sorted((a for a in activities if is_run(a) and a.moving_s > 0), key=_start)
        self.starts = [a.start for a in self.runs]

    def before(self, activity: Activity) -> list[Activity]:
        lo = bisect.bisect_left(self.starts, activity.start - dt.timedelta(days=HISTORY_DAYS))
        hi = bisect.bisect_left(self.starts, activity.start)
        return self.runs[lo:hi]


def _start(activity: Activity) -> dt.datetime:
    return activity.start


def _median(values: Sequence[float]) -> float:
    ordered = sorted(values)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def classify(
    activity: Activity, history: Iterable[Activity] = (), physiology: Physiology | None = None
) -> Classification:
    """Easy, hard or long (RUN-CLASS-1..4). ``history``: the athlete's other activities (the
    28 days before this one set what is long and what is fast for this athlete)."""
    return _classify(activity, _History(history).before(activity), physiology or Physiology())


def _classify(activity: Activity, before: list[Activity], phys: Physiology) -> Classification:
    minutes = activity.moving_s / 60
    # RUN-CLASS-1: long by duration, absolute or relative to the athlete's usual run.
    if activity.moving_s >= LONG_RUN_S:
        return Classification("long", "RUN-CLASS-1", f"{minutes:.0f} min: 90 min or more")
    if activity.moving_s >= LONG_RUN_MIN_S and len(before) >= 3:
        usual = _median([h.moving_s for h in before])
        if activity.moving_s >= LONG_RUN_FACTOR * usual:
            return Classification(
                "long",
                "RUN-CLASS-1",
                f"{minutes:.0f} min: 60 min or more and at least 1.5x the usual run "
                f"of the 28 days before ({usual / 60:.0f} min)",
            )
    # RUN-CLASS-2: hard by heart rate.
    hr = activity.heart_rate
    if hr is not None and phys.hr_max is not None:
        t1 = HR_THRESHOLD_1 * phys.hr_max
        t2 = HR_THRESHOLD_2 * phys.hr_max
        if hr.seconds_by_bpm:
            above1 = hr.seconds_at_or_above(t1)
            above2 = hr.seconds_at_or_above(t2)
            if above2 >= HARD_ABOVE_T2_S or above1 >= HARD_ABOVE_T1_S:
                return Classification(
                    "hard",
                    "RUN-CLASS-2",
                    f"{above1 / 60:.0f} min at or above {t1:.0f} bpm (82% of HRmax "
                    f"{phys.hr_max}), {above2 / 60:.0f} min at or above {t2:.0f} bpm (87%)",
                )
        elif hr.avg_bpm >= HARD_AVG_HR * phys.hr_max and activity.moving_s >= TEMPO_MIN_S:
            return Classification(
                "hard",
                "RUN-CLASS-2",
                f"average {hr.avg_bpm:.0f} bpm: at or above 82% of HRmax {phys.hr_max}",
            )
    # RUN-CLASS-3: hard by pace: intervals (a varied pace) or tempo (faster than usual).
    pace = activity.pace
    if pace is not None and not activity.indoor:
        if pace.cv is not None and pace.cv >= INTERVAL_PACE_CV:
            return Classification(
                "hard",
                "RUN-CLASS-3",
                f"pace varied {pace.cv:.0%} (coefficient of variation over 1-min windows; "
                "15% or more reads as intervals)",
                "intervals",
            )
        speeds = [h.pace.avg_speed_mps for h in before if h.pace is not None and not h.indoor]
        if len(speeds) >= 3 and activity.moving_s >= TEMPO_MIN_S:
            usual_speed = _median(speeds)
            if usual_speed > 0 and pace.avg_speed_mps >= TEMPO_SPEED_FACTOR * usual_speed:
                return Classification(
                    "hard",
                    "RUN-CLASS-3",
                    f"average pace {_pace_text(pace.avg_speed_mps)} is 10% or more faster "
                    f"than the usual {_pace_text(usual_speed)} of the 28 days before",
                    "tempo",
                )
    # RUN-CLASS-4: otherwise easy.
    return Classification("easy", "RUN-CLASS-4", "no sign of a long or hard run")


def classify_all(
    activities: Sequence[Activity], physiology: Physiology | None = None
) -> list[Classification]:
    """Each activity classified against the others (its history is the runs before it)."""
    history = _History(activities)
    phys = physiology or Physiology()
    return [_classify(a, history.before(a), phys) for a in activities]


def _pace_text(speed_mps: float) -> str:
    seconds = round(1000 / speed_mps)
    return f"{seconds // 60}:{seconds % 60:02d}/km"


# --------------------------------------------------------------------------- load


@dataclass(frozen=True, slots=True)
class RunLoad:
    value: float
    basis: LoadBasis
    rule: str
    explanation: str


def trimp(activity: Activity, physiology: Physiology) -> float | None:
    """RUN-LOAD-2: Banister's TRIMP, sum over time of minutes x HRr x a x e^(b x HRr)
    (a, b = 0.64, 1.92 for men and unknown sex, 0.86, 1.67 for women). None without heart
    rate or HRmax."""
    hr = activity.heart_rate
    if hr is None or physiology.hr_max is None:
        return None
    a, b = (0.86, 1.67) if physiology.sex == "female" else (0.64, 1.92)
    reserve = physiology.hr_max - physiology.hr_rest
    if reserve <= 0:
        return None

    def weight(bpm: float) -> float:
        ratio = min(max((bpm - physiology.hr_rest) / reserve, 0.0), 1.0)
        return ratio * a * math.exp(b * ratio)

    if hr.seconds_by_bpm:
        recorded = sum(s for _, s in hr.seconds_by_bpm)
        # The histogram covers the recorded time; scale it to the moving time.
        scale = activity.moving_s / recorded if recorded > 0 else 0.0
        return sum(s / 60 * weight(b) for b, s in hr.seconds_by_bpm) * scale
    return activity.moving_s / 60 * weight(hr.avg_bpm)


def run_load(
    activity: Activity,
    kind: RunKind,
    physiology: Physiology | None = None,
    basis: LoadBasis | None = None,
) -> RunLoad | None:
    """The load of one run, on ``basis`` or the best one it has (RUN-LOAD-1 > -2 > -3).
    None when the requested basis is not available for this run."""
    phys = physiology or Physiology()
    minutes = activity.moving_s / 60
    if basis in (None, "rpe") and activity.rpe is not None:
        return RunLoad(
            round(activity.rpe * minutes, 1),
            "rpe",
            "RUN-LOAD-1",
            f"session RPE {activity.rpe} x {minutes:.0f} min",
        )
    if basis == "rpe":
        return None
    if basis in (None, "trimp"):
        value = trimp(activity, phys)
        if value is not None:
            return RunLoad(
                round(value, 1),
                "trimp",
                "RUN-LOAD-2",
                f"TRIMP (Banister) over {minutes:.0f} min, HRmax {phys.hr_max}, "
                f"HRrest {phys.hr_rest}",
            )
        if basis == "trimp":
            return None
    rpe = ESTIMATED_RPE[kind]
    return RunLoad(
        round(rpe * minutes, 1),
        "estimate",
        "RUN-LOAD-3",
        f"estimate: RPE {rpe} assumed for an {kind} run x {minutes:.0f} min",
    )


def available_bases(activity: Activity, physiology: Physiology) -> set[LoadBasis]:
    bases: set[LoadBasis] = {"estimate"}
    if activity.rpe is not None:
        bases.add("rpe")
    if activity.heart_rate is not None and physiology.hr_max is not None:
        bases.add("trimp")
    return bases


def common_basis(activities: Iterable[Activity], physiology: Physiology) -> LoadBasis:
    """RUN-LOAD-4: loads are compared only on one basis: the best that every run has."""
    shared: set[LoadBasis] = set(LOAD_BASES)
    for a in activities:
        shared &= available_bases(a, physiology)
    return next(b for b in LOAD_BASES if b in shared)


# --------------------------------------------------------------------------- weeks


@dataclass(frozen=True, slots=True)
class WeekTotals:
    """RUN-WEEK-1: one ISO week (Monday to Sunday) of runs."""

    week_start: dt.date
    runs: int
    distance_m: float
    duration_s: float
    load: float
    basis: LoadBasis


def _kinds(
    runs: Sequence[Activity],
    kinds: dict[str, RunKind] | None,
    physiology: Physiology,
    history: Sequence[Activity] | None = None,
) -> dict[str, RunKind]:
    """The kind of each of ``runs`` by fingerprint: as given in ``kinds``, else classified
    against ``history`` (default: the runs themselves)."""
    known = dict(kinds or {})
    index = _History(history if history is not None else runs)
    for a in runs:
        if a.fingerprint not in known:
            known[a.fingerprint] = _classify(a, index.before(a), physiology).kind
    return known


def weekly_totals(
    activities: Sequence[Activity],
    physiology: Physiology | None = None,
    kinds: dict[str, RunKind] | None = None,
) -> list[WeekTotals]:
    """RUN-WEEK-1: distance, moving time and load per ISO week, runs only, by local date.
    The load of a week is on the best basis all its runs share (RUN-LOAD-4). ``kinds``
    (by fingerprint) overrides the classification, e.g. a kind the athlete corrected."""
    phys = physiology or Physiology()
    runs = [a for a in activities if is_run(a)]
    known = _kinds(runs, kinds, phys)
    by_week: dict[dt.date, list[Activity]] = {}
    for a in runs:
        day = a.local_date
        by_week.setdefault(day - dt.timedelta(days=day.weekday()), []).append(a)
    result = []
    for monday in sorted(by_week):
        week = by_week[monday]
        basis = common_basis(week, phys)
        loads = [run_load(a, known[a.fingerprint], phys, basis) for a in week]
        result.append(
            WeekTotals(
                week_start=monday,
                runs=len(week),
                distance_m=round(sum(a.distance_m or 0.0 for a in week), 1),
                duration_s=round(sum(a.moving_s for a in week), 1),
                load=round(sum(x.value for x in loads if x is not None), 1),
                basis=basis,
            )
        )
    return result


# --------------------------------------------------------------------------- spike


@dataclass(frozen=True, slots=True)
class SpikeCheck:
    """RUN-SPIKE-1: the last 7 days against the average week of the 28 days before."""

    hold: bool
    rule: str
    message: str
    basis: LoadBasis
    last_7_days: float
    weeks_before: tuple[float, ...]
    """The 4 blocks of 7 days before, oldest first."""
    average_week: float
    ratio: float | None
    enough_history: bool


@dataclass(frozen=True, slots=True)
class DayLoad:
    """One run's load on every basis it has (RUN-LOAD-1..3), by its local date: what the
    spike rule needs of a run, so the engine can take it without the activity files."""

    date: dt.date
    estimate: float
    rpe: float | None = None
    trimp: float | None = None

    def bases(self) -> set[LoadBasis]:
        found: set[LoadBasis] = {"estimate"}
        if self.rpe is not None:
            found.add("rpe")
        if self.trimp is not None:
            found.add("trimp")
        return found

    def on(self, basis: LoadBasis) -> float:
        value = self.rpe if basis == "rpe" else self.trimp if basis == "trimp" else None
        return value if value is not None else self.estimate


@dataclass(frozen=True, slots=True)
class RunningLoads:
    """The runs' loads as the engine takes them (RUN-SPIKE-1): built by the service from the
    stored runs (``run_loads``), passed into the walk, so the core stays pure."""

    runs: tuple[DayLoad, ...] = ()
    known_from: dt.date | None = None
    """The first day the athlete's runs are known from (default: the first run's day)."""

    def spike(self, today: dt.date) -> SpikeCheck:
        """RUN-SPIKE-1 on ``today`` (see ``spike_check``)."""
        return _spike_on(self.runs, today, self.known_from)


def run_loads(
    activities: Sequence[Activity],
    physiology: Physiology | None = None,
    kinds: dict[str, RunKind] | None = None,
    history_start: dt.date | None = None,
) -> RunningLoads:
    """Each run's load on every basis it has (RUN-LOAD-1..3), runs only (RUN-WEEK-1);
    ``kinds`` (by fingerprint) overrides the classification, as in ``weekly_totals``."""
    phys = physiology or Physiology()
    runs = [a for a in activities if is_run(a)]
    known = _kinds(runs, kinds, phys)
    loads: list[DayLoad] = []
    for a in runs:
        kind = known[a.fingerprint]
        estimate = run_load(a, kind, phys, "estimate")
        rpe = run_load(a, kind, phys, "rpe")
        heart = run_load(a, kind, phys, "trimp")
        loads.append(
            DayLoad(
                a.local_date,
                estimate.value if estimate is not None else 0.0,
                rpe.value if rpe is not None else None,
                heart.value if heart is not None and heart.basis == "trimp" else None,
            )
        )
    loads.sort(key=_load_date)
    start = history_start or (loads[0].date if loads else None)
    return RunningLoads(tuple(loads), start)


def _load_date(load: DayLoad) -> dt.date:
    return load.date


def spike_check(
    activities: Sequence[Activity],
    today: dt.date,
    physiology: Physiology | None = None,
    history_start: dt.date | None = None,
    kinds: dict[str, RunKind] | None = None,
) -> SpikeCheck:
    """RUN-SPIKE-1: hold strength progression when the last 7 days (today and the 6 before)
    carry more than 1.5x the average 7 days of the 28 before. ``history_start``: the first
    day the athlete's runs are known from (default: the first run's day); when it is later
    than the oldest of the 4 weeks before, there is no verdict, and nothing is held."""
    return run_loads(activities, physiology, kinds, history_start).spike(today)


def _spike_on(loads: Sequence[DayLoad], today: dt.date, known_from: dt.date | None) -> SpikeCheck:
    """RUN-SPIKE-1, the one place of the rule: the last 7 days against the average of the
    four 7-day blocks before them, on the best basis every run of the 5 blocks has
    (RUN-LOAD-4)."""
    first = today - dt.timedelta(days=7 * (SPIKE_WEEKS + 1) - 1)
    runs = [x for x in loads if first <= x.date <= today]
    shared: set[LoadBasis] = set(LOAD_BASES)
    for x in runs:
        shared &= x.bases()
    basis = next(b for b in LOAD_BASES if b in shared)
    blocks = [0.0] * (SPIKE_WEEKS + 1)  # oldest first; the last is the last 7 days
    for x in runs:
        blocks[(x.date - first).days // 7] += x.on(basis)
    blocks = [round(b, 1) for b in blocks]
    acute, before = blocks[-1], tuple(blocks[:-1])
    average = round(sum(before) / SPIKE_WEEKS, 1)
    # Enough history: the runs are known from some day of the oldest of the 4 weeks on.
    enough = known_from is not None and known_from <= first + dt.timedelta(days=6)
    ratio = round(acute / average, 2) if average > 0 else None
    figures = (
        f"last 7 days {acute:g}, average week of the 4 before {average:g} "
        f"({', '.join(f'{b:g}' for b in before)}; load basis: {basis})"
    )
    if not enough:
        return SpikeCheck(
            False,
            "RUN-SPIKE-1",
            f"not enough running history for the spike rule (runs known from the oldest of "
            f"the 4 weeks before, {first} to {first + dt.timedelta(days=6)}): {figures}",
            basis,
            acute,
            before,
            average,
            ratio,
            False,
        )
    spike = acute > SPIKE_FACTOR * average if average > 0 else acute > 0
    if spike:
        times = f"{ratio:g}x" if ratio is not None else "up from none"
        message = (
            f"running load spike ({times}, above 1.5x): strength progression held this week; "
            f"{figures}"
        )
    else:
        times = f"{ratio:g}x" if ratio is not None else "no load"
        message = f"no running load spike ({times}, limit 1.5x): {figures}"
    return SpikeCheck(spike, "RUN-SPIKE-1", message, basis, acute, before, average, ratio, True)


# --------------------------------------------------------------------------- duplicates


def same_activity(a: Activity, b: Activity) -> bool:
    """RUN-DUP-1: the same file, or the same sport started within 2 minutes with moving
    times within 10% (the same run exported twice, e.g. FIT from the watch, GPX from Strava)."""
    if a.fingerprint == b.fingerprint:
        return True
    if a.sport != b.sport:
        return False
    if abs((a.start - b.start).total_seconds()) > DUPLICATE_START_S:
        return False
    longest = max(a.moving_s, b.moving_s)
    return longest == 0 or abs(a.moving_s - b.moving_s) <= DUPLICATE_DURATION_SHARE * longest


def duplicates(
    new: Sequence[Activity], existing: Sequence[Activity] = ()
) -> list[tuple[int, Activity]]:
    """RUN-DUP-1: each new activity (by index) that repeats an existing one or an earlier new
    one, with the activity it repeats."""
    by_print = {b.fingerprint: b for b in existing}
    seen = sorted(existing, key=lambda x: x.start)
    starts = [b.start for b in seen]
    window = dt.timedelta(seconds=DUPLICATE_START_S)
    found = []
    for i, a in enumerate(new):
        match = by_print.get(a.fingerprint)
        if match is None:
            lo = bisect.bisect_left(starts, a.start - window)
            hi = bisect.bisect_right(starts, a.start + window)
            match = next((b for b in seen[lo:hi] if same_activity(a, b)), None)
        if match is not None:
            found.append((i, match))
            continue
        by_print[a.fingerprint] = a
        at = bisect.bisect_right(starts, a.start)
        starts.insert(at, a.start)
        seen.insert(at, a)
    return found
