"""The rule sheet (shared/training-rules.md) as data and small pure functions.

One source of truth: every dosage band, spacing limit and protocol table lives here, and the
planner, the progression engine, the presenters and the tests read it from here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Final

from calfcoach.core.limits import MAX_WEEKS as MAX_WEEKS
from calfcoach.core.limits import MIN_WEEKS as MIN_WEEKS
from calfcoach.core.models import Complaint, Equipment, Level, Profile, Scheme


@dataclass(frozen=True, slots=True)
class Band:
    """An inclusive range."""

    low: int
    high: int

    def __contains__(self, value: object) -> bool:
        return isinstance(value, int | float) and self.low <= value <= self.high

    def clamp(self, value: int) -> int:
        return max(self.low, min(self.high, value))


# ------------------------------------------------------------------ R-SCH: loading schemes

# R-SCH-1 light: 8-20 reps x 2-3 sets, or up to one minute of work.
LIGHT_REPS: Final[Band] = Band(8, 20)  # typed: the compiled build (mypyc) needs it
LIGHT_SETS: Final = Band(2, 3)
LIGHT_MAX_SECONDS: Final = 60
# R-SCH-2 heavy: 3-6 reps x 3-6 sets, last reps hard (1-3 reps in reserve).
HEAVY_REPS: Final = Band(3, 6)
HEAVY_SETS: Final = Band(3, 6)
HEAVY_TEMPO: Final = "3 s up, 3 s down"  # R-SCH-6 (Evidence H, Beyer 2015)
SLOW_LIGHT_TEMPO: Final = "3 s up, 3 s down"  # R-SCH-2a: the stand-in for heavy without load
# R-SCH-4 isometric: holds of 30-60 s, 3 sets.
ISO_SECONDS: Final = Band(30, 60)
ISO_SETS: Final = 3
# R-PROG-2 distances: 10 ft -> 15 ft (3.0 m -> 4.5 m), then load.
# Typed as a variable-length tuple: mypyc (the compiled build) mis-reads a Final tuple of
# floats from another module (D-36).
DISTANCE_M: Final[tuple[float, ...]] = (3.0, 4.5)
# R-SCH-3 / R-SCH-3a plyometric contact bands, per session, counted over both feet.
PLYO_LIGHT_MAX: Final = 80
PLYO_LIGHT_MIN: Final = 50
PLYO_MODERATE: Final = Band(81, 140)
PLYO_HEAVY_MIN: Final = 141
# R-PROG-4: weekly increase at most about 20 contacts per session.
PLYO_WEEKLY_STEP: Final = 20
# Starting and ceiling volumes per level. Novices start light (R-PROG-4); the ceilings follow
# the NSCA session volumes quoted in R-SCH-3 (beginner 80-100, intermediate 100-120,
# advanced 120-140), the protective reading of the seed's open-ended "140+".
PLYO_START: Final[dict[Level, int]] = {"novice": 50, "intermediate": 70, "advanced": 90}
PLYO_CEILING: Final[dict[Level, int]] = {"novice": 100, "intermediate": 120, "advanced": 140}
# A light two-foot rope bout is 8-10 s (R-SCH-3a): keep sets short.
PLYO_MAX_SET_SECONDS: Final = 10
PLYO_REST_SECONDS: Final = 60

# Rest between sets, by scheme.
REST_SECONDS: Final[dict[Scheme, int]] = {
    "light": 60,
    "heavy": 150,
    "plyometric": PLYO_REST_SECONDS,
    "isometric": 60,
    "skill": 30,
    "rehab": 120,
}

# ------------------------------------------------------------------ R-SCHED: scheduling

MIN_DAYS_BETWEEN: Final = 2  # R-SCHED-0/2: 48 h = at least 2 calendar days apart
PREFERRED_MAX_DAYS_BETWEEN: Final = 3  # R-SCHED-2: 72 h
RACE_TAPER_DAYS: Final = 7  # R-SCHED-4: no heavy or plyometric work in the 7 days before
DEFAULT_SESSIONS_PER_WEEK: Final = 2  # R-SCHED-1
# R-PAIN-4: plantar heel pain or an Achilles complaint default to 3 sessions a week.
THREE_SESSION_COMPLAINTS: Final[frozenset[Complaint]] = frozenset(
    {"plantar_heel", "achilles", "achilles_insertional"}
)


def sessions_wanted(profile: Profile) -> int:
    """Sessions a week (R-SCHED-1): the profile's own number, else 2, or 3 with a plantar
    heel or Achilles complaint (R-PAIN-4; the schedule warns where the free days allow fewer)."""
    if profile.sessions_per_week is not None:
        return profile.sessions_per_week
    if profile.complaints & THREE_SESSION_COMPLAINTS:
        return 3
    return DEFAULT_SESSIONS_PER_WEEK


CYCLE_WEEKS: Final = 2  # R-SCHED-3 / R-SCHED-5

# ------------------------------------------------------------------ R-SCHED-4a: races

# No session on race day or the next N days: N by distance (km). A marathon is 42.195 km; the
# sheet's "42.2" is that distance rounded, so 42.195 counts as a marathon (D-16).
RACE_SHORT_MAX_KM: Final = 10.0  # up to 10 km: 2 days
MARATHON_KM: Final = 42.195  # below: 4 days; a marathon up to 60 km: 7 days
RACE_ULTRA_ABOVE_KM: Final = 60.0  # beyond 60 km: 10 days
RACE_RECOVERY_DAYS_SHORT: Final = 2
RACE_RECOVERY_DAYS_MID: Final = 4
RACE_RECOVERY_DAYS_MARATHON: Final = 7
RACE_RECOVERY_DAYS_ULTRA: Final = 10
# A tune-up race (10 km or less, run as training) counts as a hard run instead.
TUNE_UP_MAX_KM: Final = 10.0
# After a marathon or longer: the 7 days after the window hold light, foot and rehab work only.
POST_MARATHON_LIGHT_DAYS: Final = 7
# The first plyometric block after any race is 50 contacts.
POST_RACE_PLYO_CONTACTS: Final = 50
# In the 7 days before a race (RACE_TAPER_DAYS) rehab keeps its load with one set fewer, and
# its last session is at least 3 days before the race.
RACE_REHAB_SET_CUT: Final = 1
RACE_REHAB_LAST_DAYS_OUT: Final = 3
# Every session in the 14 days after a marathon or longer names the race in its reasons.
RACE_NAMED_DAYS_AFTER_MARATHON: Final = 14

# ------------------------------------------------------------------ R-PROG: progression

LOAD_STEP_MIN: Final = 0.02  # R-PROG-2: add 2-10 % load
LOAD_STEP_DEFAULT: Final = 0.05
LOAD_STEP_MAX: Final = 0.10
DELOAD_EVERY_WEEKS: Final = 4  # R-PROG-5: a lighter week every 4-6 weeks (protective: 4)
DELOAD_VOLUME_FACTOR: Final = 0.55  # R-PROG-5: volume cut by about 40-50 %
NOVICE_LIGHT_ONLY_WEEKS: Final = 2  # R-PROG-4a
RPE_PROGRESS_MAX: Final = 8  # R-PROG-2: progress only with RPE <= 8

# Load equipment and its increments (kg) for rounding (R-PROG-2).
LOAD_EQUIPMENT: Final[frozenset[Equipment]] = frozenset(
    {
        "dumbbell",
        "kettlebell",
        "barbell",
        "weight_vest",
        "backpack",
        "leg_press",
        "seated_calf_machine",
    }
)
LOAD_INCREMENT_KG: Final[dict[Equipment, float]] = {
    "dumbbell": 1.0,
    "kettlebell": 2.0,
    "barbell": 2.5,
    "weight_vest": 1.0,
    "backpack": 1.0,
    "leg_press": 5.0,
    "seated_calf_machine": 5.0,
}
MAX_LOAD_KG: Final = 500.0

# ------------------------------------------------------------------ R-PAIN: pain monitoring

PAIN_SAFE_MAX: Final = 3  # R-PAIN-1: 0-3 safe
PAIN_ACCEPTABLE_MAX: Final = 5  # R-PAIN-1: 4-5 acceptable, above 5 not
PAIN_STRICT_MAX: Final = 2  # R-PAIN-2a: calf strain and shin
PAIN_MORNING_RISE: Final = 2  # R-PAIN-2: next morning >= usual + 2 -> reduce
USUAL_PAIN_WINDOW: Final = 7  # R-PAIN-2: median of the last 7 check-ins
STRICT_PAIN_COMPLAINTS: Final[frozenset[Complaint]] = frozenset({"calf_strain", "shin"})
NO_PLYO_COMPLAINTS: Final[frozenset[Complaint]] = frozenset(
    {"achilles", "achilles_insertional", "calf_strain", "shin"}
)
PLYO_CLEARANCE_REPS: Final = 15  # R-PAIN-3/4: 3x15 single-leg heel raises before plyometrics
PLYO_CLEARANCE_SETS: Final = 3


def pain_limit(complaints: frozenset[Complaint]) -> int:
    """Highest pain (0-10) allowed during and after a session (R-PAIN-1, R-PAIN-2a)."""
    return PAIN_STRICT_MAX if complaints & STRICT_PAIN_COMPLAINTS else PAIN_ACCEPTABLE_MAX


@dataclass(frozen=True, slots=True)
class ProtocolStep:
    first_week: int
    sets: int
    reps: int
    label: str


# R-PAIN-3: Beyer 2015 heavy slow resistance, 3 s up / 3 s down.
ACHILLES_HSR: Final = (
    ProtocolStep(1, 3, 15, "3x15RM"),
    ProtocolStep(2, 3, 12, "3x12RM"),
    ProtocolStep(4, 4, 10, "4x10RM"),
    ProtocolStep(6, 4, 8, "4x8RM"),
    ProtocolStep(9, 4, 6, "4x6RM"),
)
ACHILLES_HSR_TEMPO: Final = "3 s up, 3 s down"
# R-PAIN-5: a protocol week counts only with at least 2 logged protocol sessions; an RM step
# passes to the next only after as many sessions at it (outside a flare).
PROTOCOL_WEEK_MIN_SESSIONS: Final = 2
# R-PAIN-4: Rathleff 2015 high-load heel raise, 12RM progressing to 8RM.
PLANTAR_HEEL_RAISE: Final = (
    ProtocolStep(1, 3, 12, "3x12RM"),
    ProtocolStep(3, 4, 10, "4x10RM"),
    ProtocolStep(5, 5, 8, "5x8RM"),
)
PLANTAR_HEEL_TEMPO: Final = "3 s up, 2 s hold, 3 s down"


def protocol_step(table: tuple[ProtocolStep, ...], week: int) -> ProtocolStep:
    """The protocol step for a plan week (1-based); the last step holds after the table."""
    current = table[0]
    for step in table:
        if week >= step.first_week:
            current = step
    return current


# ------------------------------------------------------------------ v2 dosing (core/dosing.py)

ASSUMED_BODY_MASS_KG: Final = 70.0  # only to size ramp steps when no body mass is given
RAMP_MACHINE_START_FRACTION: Final = 0.25  # R-PROG-1a: machines start at 25 % of body mass
RAMP_STEP_FRACTION: Final = 0.075  # R-PROG-1a: add 5-10 % of body mass a ramp set
RAMP_MAX_SETS: Final = 4  # R-PROG-1a: at most 4 ramp sets per side
RAMP_RPE: Final = Band(8, 9)  # R-PROG-1a: stop at RPE 8-9 at the target reps
# R-PROG-5 "effort eased" (D-171): a ramp in a lighter week or a race week stops at RPE 7.
RAMP_EASED_RPE: Final = 7
RM_TOP_EXTRA_REPS: Final = 2  # R-PROG-2/6: fixed or RM prescription: target + 2
RM_TOP_EXTRA_REPS_COARSE: Final = 4  # R-PROG-7: increment > 10 % of the load: target + 4
MIN_CUT_SETS: Final = 2  # R-PAIN-5: set cuts never go below 2 sets
DEFAULT_CONTACTS_PER_MINUTE: Final = 220  # R-SCH-3a: two-foot skipping
PLYO_LIGHT_BOUT_S: Final = 10  # R-SCH-3a: light two-foot bouts of 8-10 s
PLYO_BOUT_MIN_S: Final = 8  # R-SCHED-8: a plyometric bout lasts 8-30 s
PLYO_BOUT_MAX_S: Final = 15  # (above the light band; the rule allows up to 30 s)
PLYO_RESTART_CONTACTS: Final = 50  # R-SCHED-4a, R-PROG-6, R-PAIN-3: restarts at 50 contacts
FLARE_HOLD_SETS: Final = 5  # R-PAIN-2b: 5 x 30 s mid-range holds, 2 min rest
FLARE_HOLD_SECONDS: Final = 30
FLARE_HOLD_REST_SECONDS: Final = 120
MAIN_BLOCK_MIN_SETS: Final = 3  # R-SCHED-8: a main block is at least 3 working sets
MAIN_BLOCK_MIN_SECONDS: Final = 60  # ... and 60 s under load per side
MAIN_BLOCK_MIN_CONTACTS: Final = 50  # ... or at least 50 contacts
GAP_STEP_DOWN_DAYS: Final = 8  # R-PROG-6: 8-13 days since the last logged session
GAP_HOLD_DAYS: Final = 14  # 14-27: also hold until one full session at the lowered dose
GAP_REFIND_DAYS: Final = 28  # 28+: find loads again, plyometrics restart at 50 contacts


# ------------------------------------------------------------------ R-PAIN-4 calf-strain ladder


@dataclass(frozen=True, slots=True)
class LadderTop:
    """The top dose of a criteria-ladder step: ``sets`` x ``reps`` (a range) or ``seconds``.

    The step is passed when every set reaches it with pain within the limit (R-PAIN-4)."""

    sets: int
    reps: Band | None = None
    seconds: int | None = None


# R-PAIN-4 (v2): calf strain progresses by criteria, not by calendar. The ladder's exercises
# are catalog data (``Exercise.steps["calf_strain"]``); its top doses are these constants.
CALF_STRAIN_LADDER: Final = "calf_strain"
CALF_STRAIN_TOPS: Final[dict[int, LadderTop]] = {
    1: LadderTop(5, seconds=45),  # straight- and bent-knee isometric holds, 5 x 45 s
    2: LadderTop(3, reps=Band(20, 20)),  # two-leg heel raises, 3 x 20
    3: LadderTop(3, reps=Band(15, 15)),  # single-leg heel raises at both knee angles, 3 x 15
    4: LadderTop(4, reps=Band(6, 8)),  # heavy slow raises, 4 x 6-8
}
CALF_STRAIN_STEP_PAIN_MAX: Final = 2  # R-PAIN-4: each step passed with pain <= 2/10
# R-PAIN-4: the ladder's first step dosed as rehab work (heavy slow raises, 4 x 6-8, with the
# protocol's tempo); steps before it are dosed as their exercises' own isometric or light work,
# under the scheme `rehab` all the same (R-PAIN-5).
STRAIN_LADDER_REHAB_STEP: Final = 4
STRAIN_RUNNING_STEP: Final = 3  # R-PAIN-4: running advice from calf-strain ladder step 3
SOLEUS_LADDER: Final = "soleus"  # R-PROG-3: wall sit -> tip-toe walk -> bent-knee -> leg press


# ------------------------------------------------------------------ R-TEST: capacity tests

HEEL_RAISE_MEDIAN: Final = {"male": 24, "female": 21}  # R-TEST-1 (Hebert-Losier 2017)
# R-TEST-1 age bands (men, women).
HEEL_RAISE_AGE_NORMS: Final = (
    (20, 29, 37, 30),
    (30, 39, 32, 27),
    (40, 49, 28, 24),
    (50, 59, 23, 21),
    (60, 69, 19, 19),
    (70, 79, 14, 16),
)
TEST_NOISE_REPS: Final = 6  # R-TEST-2: a change under 6 reps is noise
SYMMETRY_FLAG_BELOW: Final = 90.0  # R-TEST-3
METRONOME_BPM: Final = 60  # R-TEST-1

# ------------------------------------------------------------------ R-TEST-5: hop test (CLI input)

HOP_TEST_HOPS: Final = 40  # R-TEST-5: 10, then (after 60 s) 30 single-leg hops per leg
HOP_TEST_MAX_HOPS: Final = 100  # input bound per leg: catches typing slips (an extra zero)
HOP_TEST_PASS_PAIN: Final = 3  # R-TEST-5: other complaints pass at <= 3/10
HOP_TEST_STRICT_PASS_PAIN: Final[dict[Complaint, int]] = {"shin": 0, "calf_strain": 2}
HOP_TEST_RETEST_DAYS: Final = 7  # R-TEST-5: retest no sooner than 7 days

# ------------------------------------------------------------------ safety layer (core/safety/)

USUAL_PAIN_DEFAULT: Final = 2  # R-PAIN-2: the intake answer when the profile gives none
USUAL_MIN_CHECKINS: Final = 3  # R-PAIN-2: intake until 3 check-ins outside a flare
USUAL_WINDOW_DAYS: Final = 28  # R-PAIN-2: ... of the last 7 such check-ins within 28 days
MORNING_HOLD_RISE: Final = 1  # R-PAIN-2: usual + 1 -> hold every dose
FLARE_ONCE_RISE: Final = 3  # R-PAIN-2: a flare starts at usual + 3 once (usual + 2 twice)
FLARE_MORNING_PAIN: Final = 5  # R-PAIN-2: ... or at >= 5/10 once; it ends below 5
FLARE_MORNING_PAIN_STRICT: Final = 3  # R-PAIN-2a: calf strain and shin: a flare at >= 3/10
PAIN_STOP_MORNING: Final = 7  # R-PAIN-2b: morning pain >= 7/10 stops the plan
FLARE_REFERRAL_DAYS: Final = 14  # R-PAIN-2b: a flare still on after 14 days ...
FLARE_REFERRAL_CHECKINS: Final = 2  # ... with at least 2 flare check-ins ...
FLARE_REFERRAL_WINDOW_DAYS: Final = 7  # ... in the last 7 days stops the plan
CHECKIN_MISSING_DAYS: Final = 7  # R-PAIN-2: a complaint and no check-in for 7 days
PLYO_CLEARANCE_PAIN_MAX: Final = 3  # R-PAIN-3: 3x15 single-leg heel raises at pain <= 3/10
PLANTAR_IMPACT_CHECKINS: Final = 5  # R-PAIN-4: at least 5 check-ins in the last 7 days ...
PLANTAR_IMPACT_WINDOW_DAYS: Final = 7
PLANTAR_IMPACT_PAIN_MAX: Final = 2  # ... all showing first-step pain <= 2/10
CALF_STRAIN_PLYO_STEP: Final = 3  # R-PAIN-4: plyometrics after calf-strain ladder step 3
HOP_TEST_CHECKIN_DAYS: Final = 7  # R-TEST-5: allowed after 7 days with check-ins ...
HOP_TEST_DAILY_PAIN_MAX: Final = 2  # ... no red flag and pain <= 2/10 in daily life
CAPACITY_TEST_RACE_BEFORE_DAYS: Final = 7  # R-TEST-5: no capacity test 7 days before a race
CAPACITY_TEST_RACE_AFTER_DAYS: Final = 7  # ... nor 7 days after one
CAPACITY_TEST_RACE_AFTER_LONG_DAYS: Final = 14  # ... 14 after a marathon or longer
CLOSE_PAIN_MAX: Final = 1  # R-PAIN-4: a complaint closes after 4 weeks at <= 1/10 ...
CLOSE_DAYS: Final = 28
CLOSE_TEST_MAX_AGE_DAYS: Final = 42  # ... with an LSI >= 90 from a test at most 6 weeks old (D-18)
CLOSED_PROTOCOL_WEEKS: Final = 8  # R-PAIN-4: the protocol then runs once a week for 8 weeks


# ------------------------------------------------------------------ load arithmetic


def round_to_increment(value: float, increment: float) -> float:
    """Round a load to the nearest available increment (never below one increment)."""
    return max(increment, round(value / increment) * increment)


def next_load(load_kg: float, increment: float, fraction: float = LOAD_STEP_DEFAULT) -> float:
    """The load after one R-PROG-2 step: +2-10 % (default 5 %), rounded to the increment.

    When the smallest available increment is more than 10 % of the load, the load holds
    (the progression then climbs by reps or sets instead).
    """
    wanted = round(load_kg * fraction / increment) * increment
    ceiling = math.floor(load_kg * LOAD_STEP_MAX / increment + 1e-9) * increment
    step = min(max(wanted, increment), ceiling)
    if step <= 0:
        return load_kg
    return round(load_kg + step, 2)


def heel_raise_norm(sex: str | None, age: int | None) -> int | None:
    """Expected single-leg heel raises (R-TEST-1): the age band if known, else the median."""
    if sex not in HEEL_RAISE_MEDIAN:
        return None
    if age is not None:
        for low, high, men, women in HEEL_RAISE_AGE_NORMS:
            if low <= age <= high:
                return men if sex == "male" else women
    return HEEL_RAISE_MEDIAN[sex]
