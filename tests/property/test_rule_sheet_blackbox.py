"""A black-box reviewer of plans against the rule sheet (version 2).

Written from the rule sheet, not from the engine or the other property tests' helpers: the
input is a profile as the JSON a user writes (``examples/*.json``, README "profile") and the
plan JSON that ``calfcoach plan --profile P --format json`` prints (schema_version 2). The only
other knowledge used is the public exercise catalog (``calfcoach exercises -f json``: region,
knee, muscles, equipment, load_with, heel_drop, ladder).

The profiles come from this file's own generator, wider than ``tests/strategies``: every level,
1-7 free days, 0-14 weekly runs with doubles, races as ISO dates and objects from 1 km to a
161 km ultra (clustered, back to back, on the start day, in week 1, on the last day), every
complaint and mixes, bone-stress history, no equipment / machines / a full gym, ages 16-90,
short sessions, 1-52 weeks and odd start days (29 February, 31 December).

``check_plan`` returns every finding as ``(rule, message)``; each test asserts that the
findings of one rule family are empty, so a failure names the rule it breaks.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from itertools import combinations
from typing import Any

from hypothesis import assume, example, given
from hypothesis import strategies as st
from tests.strategies import examples

from calfcoach.catalog import load_catalog
from calfcoach.core.planner import build_plan
from calfcoach.errors import CalfcoachError
from calfcoach.formats.plan_json import plan_to_dict
from calfcoach.profile_io import profile_from_data

Json = dict[str, Any]
Finding = tuple[str, str]

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
EQUIPMENT = (
    "band towel chair wall step dumbbell kettlebell barbell weight_vest backpack leg_press "
    "seated_calf_machine jump_rope"
).split()
FREE_WEIGHTS = frozenset({"dumbbell", "kettlebell", "barbell", "weight_vest", "backpack"})
MACHINES = frozenset({"leg_press", "seated_calf_machine"})
COMPLAINTS = ("achilles", "achilles_insertional", "plantar_heel", "calf_strain", "shin")
ACHILLES = frozenset({"achilles", "achilles_insertional"})
MARATHON_KM = 42.195  # the sheet's "42.2" is the marathon distance rounded (D-16)
HALF_KM = 21.0975  # a race without a distance (R-SCHED-4a)
DAY = dt.timedelta(days=1)

# Every rule id of the rule sheet (version 2): a reason or a warning cites one of these.
SHEET_RULES = frozenset(
    """R-EX-1 R-EX-2 R-EX-3 R-SCH-1 R-SCH-2 R-SCH-2a R-SCH-3 R-SCH-3a R-SCH-4 R-SCH-5 R-SCH-6
    R-SCHED-0 R-SCHED-1 R-SCHED-2 R-SCHED-3 R-SCHED-4 R-SCHED-4a R-SCHED-4b R-SCHED-5 R-SCHED-6
    R-SCHED-7 R-SCHED-8 R-PROG-1 R-PROG-1a R-PROG-2 R-PROG-3 R-PROG-4 R-PROG-4a R-PROG-5 R-PROG-6
    R-PROG-7 R-HIST R-PAIN-1 R-PAIN-2 R-PAIN-2a R-PAIN-2b R-PAIN-3 R-PAIN-4 R-PAIN-5 R-TEST-1
    R-TEST-2 R-TEST-3 R-TEST-4 R-TEST-5 R-WHY R-EX R-SCH R-SCHED R-PROG R-PAIN R-TEST""".split()
)
# The protocols' week ladders (sets, reps): Beyer 2015 (R-PAIN-3), Rathleff 2015 (R-PAIN-4).
BEYER = frozenset({(3, 15), (3, 12), (4, 10), (4, 8), (4, 6)})
RATHLEFF = frozenset({(3, 12), (4, 10), (5, 8)})


# ================================================================ the catalog (public data)


@dataclass(frozen=True)
class Ex:
    id: str
    name: str
    region: str
    knee: str
    contraction: str
    muscles: frozenset[str]
    equipment: frozenset[str]
    load_with: frozenset[str]
    heel_drop: bool
    dorsiflexor: bool
    ladder: str | None
    cadence: int | None


@cache
def catalog() -> dict[str, Ex]:
    out = {}
    cat = load_catalog()
    for i in cat.ids():
        e = cat.get(i)
        out[e.id] = Ex(
            id=e.id,
            name=e.name,
            region=e.region,
            knee=e.knee,
            contraction=e.contraction,
            muscles=frozenset(e.muscles),
            equipment=frozenset(e.equipment),
            load_with=frozenset(e.load_with),
            heel_drop=bool(e.heel_drop),
            dorsiflexor=bool(e.dorsiflexor),
            ladder=e.ladder,
            cadence=e.contacts_per_minute,
        )
    return out


def ex(rx: Mapping[str, Any]) -> Ex:
    return catalog()[rx["exercise"]]


def is_calf(rx: Mapping[str, Any]) -> bool:
    e = ex(rx)
    return e.region == "calf" and bool(e.muscles & {"gastrocnemius", "soleus"})


def is_foot(rx: Mapping[str, Any]) -> bool:
    return ex(rx).region == "foot"


def total_contacts(rx: Mapping[str, Any]) -> int:
    return int(rx["sets"]) * int(rx["contacts"] or 0)


def reason_texts(rx: Mapping[str, Any]) -> str:
    return " ".join(r["text"] for r in rx["reasons"]) + " " + (rx["why"] or "")


# ================================================================ the profile, as given


@dataclass(frozen=True)
class RaceDay:
    date: dt.date
    km: float
    name: str | None
    tune_up: bool  # a tune-up of 10 km or less: a hard run, not a race window (D-16)

    @property
    def window(self) -> int:
        """R-SCHED-4a: race day and the next N days hold no session."""
        if self.tune_up:
            return 0
        if self.km <= 10:
            return 2
        if self.km < MARATHON_KM:
            return 4
        if self.km <= 60:
            return 7
        return 10

    @property
    def long(self) -> bool:
        return not self.tune_up and self.km >= MARATHON_KM


def races_of(profile: Mapping[str, Any]) -> list[RaceDay]:
    out = []
    for item in profile.get("races", []):
        if isinstance(item, str):
            out.append(RaceDay(dt.date.fromisoformat(item), HALF_KM, None, False))
        else:
            km = item.get("distance_km")
            km = HALF_KM if km is None else float(km)
            tune = bool(item.get("tune_up", False)) and km <= 10
            out.append(RaceDay(dt.date.fromisoformat(item["date"]), km, item.get("name"), tune))
    return sorted(out, key=lambda r: r.date)


def weekday(d: dt.date) -> str:
    return DAYS[d.weekday()]


@dataclass
class Calendar:
    """What the profile says about each day (R-SCHED-0, R-SCHED-4, R-SCHED-4a)."""

    profile: Mapping[str, Any]

    def __post_init__(self) -> None:
        runs = self.profile.get("runs", [])
        self.free = set(self.profile.get("free_days", []))
        self.long_days = {r["day"] for r in runs if r["kind"] == "long"}
        self.hard_days = {r["day"] for r in runs if r["kind"] == "hard"}
        self.races = races_of(self.profile)
        self.full = [r for r in self.races if not r.tune_up]
        self.complaints = set(self.profile.get("complaints", []))

    def hard(self, d: dt.date) -> bool:
        """A hard run that day: a weekly hard run or a tune-up race (R-SCHED-4a)."""
        return weekday(d) in self.hard_days or any(r.tune_up and r.date == d for r in self.races)

    def allowed(self, d: dt.date) -> bool:
        """R-SCHED-0 (1): a free day, not on or the day before a long run or race, not in a
        race's recovery window."""
        if weekday(d) not in self.free:
            return False
        if weekday(d) in self.long_days or weekday(d + DAY) in self.long_days:
            return False
        for r in self.races:
            if d == r.date:
                return False
            if not r.tune_up and (d + DAY == r.date or 0 < (d - r.date).days <= r.window):
                return False
        return True

    def why_not(self, d: dt.date) -> str:
        if weekday(d) not in self.free:
            return "not a free day"
        if weekday(d) in self.long_days:
            return "a long-run day"
        if weekday(d + DAY) in self.long_days:
            return "the day before a long run"
        for r in self.races:
            if d == r.date:
                return f"race day ({r.date})"
            if not r.tune_up and d + DAY == r.date:
                return f"the day before the race of {r.date}"
            if not r.tune_up and 0 < (d - r.date).days <= r.window:
                return f"inside the {r.window}-day window of the {r.km} km race of {r.date}"
        return "allowed"

    def taper(self, d: dt.date) -> list[RaceDay]:
        """Full races in the 7 days after d (R-SCHED-4, R-SCHED-4a)."""
        return [r for r in self.full if 0 < (r.date - d).days <= 7]

    def light_only(self, d: dt.date) -> RaceDay | None:
        """The 7 days after a marathon-or-longer's window (R-SCHED-4a)."""
        for r in self.full:
            if r.long and r.window < (d - r.date).days <= r.window + 7:
                return r
        return None

    def wanted(self) -> int:
        spw = self.profile.get("sessions_per_week")
        if spw is not None:
            return int(spw)
        return 3 if self.complaints & (ACHILLES | {"plantar_heel"}) else 2


# ================================================================ the plan


def make_plan(profile: Mapping[str, Any], start: dt.date, weeks: int) -> Json:
    """The plan JSON of ``calfcoach plan --profile P --start S --weeks W --format json``,
    as a dict (the CLI prints ``to_json_text`` of this; see the byte-identity test)."""
    athlete = profile_from_data(profile)
    return plan_to_dict(build_plan(athlete, load_catalog(), start, weeks))


def warned(plan: Json, *rules: str) -> bool:
    return any(w["rule"] in rules for w in plan["warnings"])


def blocks(s: Json) -> list[Json]:
    return list(s["exercises"])


def rest_blocks(s: Json, scheme: str) -> list[Json]:
    return [rx for rx in s["exercises"] if rx["scheme"] == scheme]


def tempo_seconds(tempo: str | None) -> int:
    return sum(int(x) for x in re.findall(r"(\d+) s", tempo or "")) or 3


def seconds_under_load(rx: Json) -> int:
    """Per side, over the block's working sets."""
    if rx["reps"] is not None:
        return int(rx["sets"]) * int(rx["reps"]) * tempo_seconds(rx["tempo"])
    if rx["seconds"] is not None and rx["scheme"] != "plyometric":
        return int(rx["sets"]) * int(rx["seconds"])
    if rx["distance_m"] is not None:
        return int(rx["sets"]) * int(float(rx["distance_m"]) / 0.3)  # about 1 step per 0.3 m
    return 0


def session_minutes_estimate(s: Json) -> float:
    """A reviewer's estimate of a session's length: work (both sides where per side), the
    rests between sets, 30 s to set up each exercise, 2 min warm-up."""
    total = 120.0
    for rx in s["exercises"]:
        sides = 2 if rx["per_side"] else 1
        sets = int(rx["sets"])
        if rx["reps"] is not None:
            work = int(rx["reps"]) * tempo_seconds(rx["tempo"])
        elif rx["seconds"] is not None:
            work = int(rx["seconds"])
        elif rx["distance_m"] is not None:
            work = float(rx["distance_m"]) / 0.5
        else:
            work = 10
        total += 30 + sets * sides * work + (sets - 1) * int(rx["rest_seconds"] or 0)
    return total / 60


# ================================================================ the review

STRAIN_STEP_1 = frozenset({"isometric-heel-raise-hold", "bent-knee-isometric-heel-raise-hold"})


def is_protocol(cal: Calendar, rx: Mapping[str, Any]) -> bool:
    """A complaint protocol's block (R-PAIN-5): its blocks use the scheme `rehab`, the
    calf-strain ladder's too (checked in ``complaints``)."""
    del cal
    return bool(rx["scheme"] == "rehab")


def check_plan(profile: Mapping[str, Any], start: dt.date, weeks: int, plan: Json) -> list[Finding]:
    out: list[Finding] = []
    cal = Calendar(profile)
    for fn in CHECKS:
        out.extend(fn(profile, cal, start, weeks, plan))
    return out


Check = Callable[[Mapping[str, Any], Calendar, dt.date, int, Json], Iterable[Finding]]
CHECKS: list[Check] = []


def check(fn: Check) -> Check:
    CHECKS.append(fn)
    return fn


def planned(plan: Json) -> list[Json]:
    return [s for s in plan["sessions"] if s["status"] == "planned"]


def by_week(plan: Json) -> dict[int, list[Json]]:
    out: dict[int, list[Json]] = defaultdict(list)
    for s in plan["sessions"]:
        out[s["week"]].append(s)
    return out


def d_(s: Json) -> dt.date:
    return dt.date.fromisoformat(s["date"])


# ---------------------------------------------------------------- the contract and rule ids


@check
def contract(profile: Any, cal: Calendar, start: dt.date, weeks: int, plan: Json) -> Any:
    if plan["schema_version"] != 2 or plan["start"] != start.isoformat() or plan["weeks"] != weeks:
        yield ("contract", "schema_version/start/weeks do not echo the request")
    for w in plan["warnings"]:
        if w["rule"] not in SHEET_RULES or not w["message"].strip():
            yield ("R-SCHED-0", f"warning without a sheet rule or message: {w}")
    dates = [s["date"] for s in plan["sessions"]]
    if dates != sorted(set(dates)):
        yield ("contract", "sessions not in date order, or two on one day")
    for s in plan["sessions"]:
        d = d_(s)
        if not start <= d < start + dt.timedelta(weeks=weeks):
            yield ("R-SCHED-0", f"{d} lies outside the plan")
        if s["week"] != (d - start).days // 7 + 1:
            yield ("R-SCHED-0", f"{d}: week {s['week']} is not its 7-day block from the start")
        if s["status"] == "stopped":
            advice = (s["advice"] or "").lower()
            if s["exercises"] or not re.search(r"clinician|doctor|physio", advice):
                yield ("R-PAIN-2a", f"{d}: a stopped session must hold advice to see a clinician")
            continue
        for rx in s["exercises"]:
            for r in rx["reasons"]:
                if r["rule"] not in SHEET_RULES:
                    yield ("R-WHY", f"{d} {rx['exercise']}: reason cites unknown rule {r['rule']}")


# ---------------------------------------------------------------- placement (R-SCHED-0/2/4/4a)


@check
def placement(profile: Any, cal: Calendar, start: dt.date, weeks: int, plan: Json) -> Any:
    sessions = plan["sessions"]
    for s in sessions:
        d = d_(s)
        if not cal.allowed(d):
            yield ("R-SCHED-0", f"{d} ({weekday(d)}): a session on {cal.why_not(d)}")
    for a, b in zip(sessions, sessions[1:], strict=False):
        if (d_(b) - d_(a)).days < 2:
            yield ("R-SCHED-2", f"sessions on consecutive days {a['date']} and {b['date']}")


def _week_days(start: dt.date, week: int) -> list[dt.date]:
    first = start + dt.timedelta(weeks=week - 1)
    return [first + i * DAY for i in range(7)]


def _spaced(days: Iterable[dt.date]) -> bool:
    days = sorted(days)
    return all((b - a).days >= 2 for a, b in zip(days, days[1:], strict=False))


@check
def frequency(profile: Any, cal: Calendar, start: dt.date, weeks: int, plan: Json) -> Any:
    """R-SCHED-1 / R-SCHED-0 (2): the sessions a week; fewer only when the allowed days,
    with the neighbouring weeks' sessions as planned, cannot hold them; and then a warning.
    R-SCHED-2 (72 h): where a pair 2-3 days apart fits, a 2-session week uses one."""
    want = cal.wanted()
    if not planned(plan):
        return  # a plan stopped from day one warns of nothing it does not hold (D-174)
    weekly = by_week(plan)
    all_dates = [d_(s) for s in plan["sessions"]]
    for week in range(1, weeks + 1):
        got = [d_(s) for s in weekly.get(week, [])]
        days = _week_days(start, week)
        before = [d for d in all_dates if d < days[0]]
        after = [d for d in all_dates if d > days[-1]]
        ok_days = [
            d
            for d in days
            if cal.allowed(d)
            and (not before or (d - before[-1]).days >= 2)
            and (not after or (after[0] - d).days >= 2)
        ]
        if len(got) > want:
            yield ("R-SCHED-1", f"week {week}: {len(got)} sessions, more than {want}")
        if len(got) < want:
            fits = [c for c in combinations(ok_days, want) if _spaced(c)]
            if fits:
                yield (
                    "R-SCHED-0",
                    f"week {week}: {len(got)} sessions where {want} fit "
                    f"({', '.join(map(str, fits[0]))})",
                )
            elif not warned(plan, "R-SCHED-1", "R-SCHED-0", "R-SCHED-4a", "R-PAIN-4"):
                yield ("R-SCHED-1", f"week {week}: {len(got)} of {want} sessions and no warning")
        if len(got) == 2 and not 2 <= (got[1] - got[0]).days <= 3:
            pairs = [c for c in combinations(ok_days, 2) if 2 <= (c[1] - c[0]).days <= 3]
            if not warned(plan, "R-SCHED-2"):
                yield ("R-SCHED-2", f"week {week}: {got[0]} and {got[1]} too far apart, unwarned")
            if pairs and not warned(plan, "R-SCHED-2"):
                yield (
                    "R-SCHED-2",
                    f"week {week}: sessions {got[0]} and {got[1]} are "
                    f"{(got[1] - got[0]).days} days apart; {pairs[0][0]} and {pairs[0][1]} fit",
                )


@check
def around_hard_runs(profile: Any, cal: Calendar, start: dt.date, weeks: int, plan: Json) -> Any:
    """R-SCHED-4b: no heavy or plyometric block the day before a hard run, no plyometrics the
    day after one; a plan never says "keep it light" and then prescribes heavy work."""
    for s in planned(plan):
        d = d_(s)
        kinds = {rx["scheme"] for rx in s["exercises"]}
        if cal.hard(d + DAY) and kinds & {"heavy", "plyometric"}:
            yield (
                "R-SCHED-4b",
                f"{d}: {sorted(kinds & {'heavy', 'plyometric'})} before a hard run",
            )
        if cal.hard(d - DAY) and "plyometric" in kinds:
            yield ("R-SCHED-4b", f"{d}: plyometrics the day after a hard run")
        # R-PROG-4a: jumps on a day without a hard run where the week has one.
        if "plyometric" in kinds and cal.hard(d):
            week = [q for q in planned(plan) if q["week"] == s["week"] and q is not s]
            calm = [
                q["date"]
                for q in week
                if not cal.hard(d_(q))
                and not cal.hard(d_(q) + DAY)
                and not cal.hard(d_(q) - DAY)
                and not cal.taper(d_(q))
                and not cal.light_only(d_(q))
                and not any(rx["scheme"] == "plyometric" for rx in q["exercises"])
                # room for it: one calf block (a main block and one short extra, D-10)
                and sum(1 for rx in q["exercises"] if is_calf(rx)) < 2
            ]
            if calm and not warned(plan, "R-PROG-4a", "R-SCHED-4", "R-SCHED-4b"):
                yield ("R-PROG-4a", f"{d}: jumps on a hard-run day while {calm[0]} has none")
        texts = " ".join(reason_texts(rx) for rx in s["exercises"]).lower()
        if "keep it light" in texts and "heavy" in kinds:
            yield ("R-SCHED-4b", f"{d}: says keep it light and prescribes heavy work")
        if cal.hard(d + DAY) and not warned(plan, "R-SCHED-4", "R-SCHED-4b", "R-SCHED-0"):
            yield ("R-SCHED-4", f"{d}: a session the day before a hard run, and no warning")


@check
def races(profile: Any, cal: Calendar, start: dt.date, weeks: int, plan: Json) -> Any:
    """R-SCHED-4 / R-SCHED-4a: the week before a race, the light week after a marathon, the
    first plyometric block after a race, and sessions that name the race."""
    sessions = planned(plan)
    for s in sessions:
        d = d_(s)
        kinds = {rx["scheme"] for rx in s["exercises"]}
        ahead = cal.taper(d)
        if ahead and kinds & {"heavy", "plyometric"}:
            yield ("R-SCHED-4", f"{d}: heavy or plyometric work {ahead[0].date - d} before a race")
        if any((r.date - d).days <= 2 for r in ahead) and "rehab" in kinds:
            yield ("R-SCHED-4a", f"{d}: a rehab block less than 3 days before a race")
        after = cal.light_only(d)
        kinds = {rx["scheme"] for rx in s["exercises"] if not is_protocol(cal, rx)}
        # "Light, foot and rehab work only": body-weight holds (the soleus ladder's first
        # steps) are read as light work; heavy and plyometric blocks are not.
        if after and kinds & {"heavy", "plyometric"}:
            yield (
                "R-SCHED-4a",
                f"{d}: {sorted(kinds & {'heavy', 'plyometric'})} in the light week after "
                f"the {after.km} km race of {after.date}",
            )
    for r in cal.races:
        later = [s for s in sessions if d_(s) > r.date]
        plyo = [s for s in later if rest_blocks(s, "plyometric")]
        if plyo:
            first = plyo[0]
            # A later race resets the count again; judge only a block before the next race.
            nxt = [q.date for q in cal.races if q.date > r.date]
            if not nxt or d_(first) < nxt[0]:
                n = sum(total_contacts(rx) for rx in rest_blocks(first, "plyometric"))
                if n > 50:
                    yield ("R-SCHED-4a", f"{first['date']}: first jumps after {r.date}: {n} > 50")
        named = [later[0]] if later else []
        if r.long:
            named += [s for s in later if (d_(s) - r.date).days <= 14]
        for s in named:
            text = " ".join(reason_texts(rx) for rx in s["exercises"]) + (s["advice"] or "")
            # Back-to-back long races: naming the latest one whose light week holds the
            # session is enough (both made it light).
            near = [
                q for q in cal.races if q.date == r.date or (q.long and r.date < q.date < d_(s))
            ]
            names = {q.name for q in near if q.name} | {q.date.isoformat() for q in near}
            if not any(n in text for n in names):
                yield ("R-SCHED-4a", f"{s['date']}: does not name the race of {r.date}")


# ---------------------------------------------------------------- scheme bands (R-SCH)


@check
def schemes(profile: Any, cal: Calendar, start: dt.date, weeks: int, plan: Json) -> Any:
    owned = set(profile.get("equipment", []))
    for s in planned(plan):
        d = d_(s)
        for rx in s["exercises"]:
            e = ex(rx)
            sets, reps, secs = rx["sets"], rx["reps"], rx["seconds"]
            tag = f"{d} {rx['exercise']} {rx['scheme']} {sets}x{reps or secs or rx['contacts']}"
            doses = [rx[k] for k in ("reps", "seconds", "distance_m", "contacts")]
            if rx["scheme"] not in {"light", "heavy", "plyometric", "isometric", "skill", "rehab"}:
                yield ("R-SCH-6", f"{tag}: unknown scheme")
            if sets < 1 or all(v is None for v in doses) or rx["rest_seconds"] is None:
                yield ("R-SCH-6", f"{tag}: names no sets, dose or rest")
            if reps == 1:
                yield ("R-SCHED-8", f"{tag}: a dose of 1 rep")
            if rx["scheme"] == "light" and reps is not None:
                if not (8 <= reps <= 20 and 2 <= sets <= 4):
                    yield ("R-SCH-1", f"{tag}: outside 8-20 reps x 2-3 sets (8x4)")
            if rx["scheme"] == "light" and secs is not None and secs > 60:
                yield ("R-SCH-1", f"{tag}: more than a minute of work")
            if rx["scheme"] == "heavy":
                if not (reps is not None and 3 <= reps <= 6 and 3 <= sets <= 6):
                    yield ("R-SCH-2", f"{tag}: outside 3-6 reps x 3-6 sets")
                if rx["added_load_kg"] is None or not rx["tempo"]:
                    yield ("R-PROG-1a", f"{tag}: a heavy block without a load in kg or a tempo")
                elif not any(r["rule"] == "R-PROG-1a" for r in rx["reasons"]):
                    # Without a log the load is the ramp's start, and the plan says so.
                    yield ("R-PROG-1a", f"{tag}: a load not said to be the ramp's start")
                if not ((e.load_with | e.equipment) & owned & (FREE_WEIGHTS | MACHINES)):
                    yield ("R-SCH-2a", f"{tag}: heavy without external load the athlete owns")
            dist = rx["distance_m"]
            if rx["scheme"] == "isometric" and dist is not None and not 3.0 <= dist <= 4.6:
                yield ("R-PROG-2", f"{tag}: a walk of {dist} m (10-15 ft)")
            if rx["scheme"] == "isometric" and secs is not None and not is_protocol(cal, rx):
                if not (30 <= secs <= 60 and 2 <= sets <= 3):
                    yield ("R-SCH-4", f"{tag}: holds outside 3 x 30-60 s")
            if rx["scheme"] == "plyometric":
                if rx["contacts"] is None or rx["per_side"] or secs is None:
                    yield ("R-SCH-3a", f"{tag}: contacts over both feet and the time, please")
                    continue
                if not 8 <= secs <= 30:
                    yield ("R-SCH-3a", f"{tag}: a bout of {secs} s (8-30 s)")
                if e.cadence and abs(rx["contacts"] - secs * e.cadence / 60) > 0.2 * rx["contacts"]:
                    yield ("R-SCH-3a", f"{tag}: {rx['contacts']} contacts in {secs} s")
                # A light dose is 2 bouts of 8-10 s; one bout only where two of 8 s would
                # overshoot it (a 50-contact restart: one bout of about 14 s, D-207).
                if 50 < total_contacts(rx) <= 75 and sets >= 2 and secs > 10:
                    yield ("R-SCH-3a", f"{tag}: a light dose in bouts of {secs} s (8-10 s)")
                for r in rx["reasons"]:
                    said = re.match(r"(\d+) foot contacts \((\w+) band\)", r["text"])
                    if said and int(said.group(1)) != total_contacts(rx):
                        yield (
                            "R-SCH-3a",
                            f"{tag}: says {said.group(0)}, holds {total_contacts(rx)}",
                        )
                if rx["exercise"] == "single-leg-hops":
                    yield ("R-SCH-3a", f"{tag}: single-leg hops before rope skipping is easy")
            # R-SCH-6 "tempo where it matters": heavy work and the RM protocols (R-PAIN-3/4);
            # the sheet gives the calf-strain ladder's holds none (R-PAIN-4 step 1: 5 x 45 s).
            strain_hold = rx["exercise"] in STRAIN_STEP_1 and "calf_strain" in cal.complaints
            if rx["scheme"] in {"heavy", "rehab"} and not rx["tempo"] and not strain_hold:
                yield ("R-SCH-6", f"{tag}: no tempo")


# ---------------------------------------------------------------- equipment (R-EX, R-PROG-7)


@check
def equipment(profile: Any, cal: Calendar, start: dt.date, weeks: int, plan: Json) -> Any:
    owned = set(profile.get("equipment", []))
    for s in planned(plan):
        for rx in s["exercises"]:
            e = ex(rx)
            if not e.equipment <= owned:
                yield ("R-EX", f"{s['date']} {e.id} needs {sorted(e.equipment - owned)}")
            load = rx["added_load_kg"]
            if load and not e.equipment & MACHINES and not e.load_with & owned:
                yield ("R-EX", f"{s['date']} {e.id}: {load} kg with nothing to carry it")
            if rx["scheme"] == "heavy" and not cal.complaints & {"achilles_insertional"}:
                if e.knee == "bent" and "seated_calf_machine" in owned:
                    if e.id != "seated-soleus-raise":
                        yield ("R-PROG-7", f"{s['date']} {e.id}: the seated calf machine unused")
                if e.knee == "straight" and "leg_press" in owned and "leg_press" not in e.equipment:
                    yield ("R-PROG-7", f"{s['date']} {e.id}: the leg press unused")
                if e.knee == "bent" and owned & MACHINES and not e.equipment & MACHINES:
                    yield ("R-PROG-7", f"{s['date']} {e.id}: heavy bent-knee work off the machine")
            if (
                rx["scheme"] == "rehab"
                and e.knee == "bent"
                and "seated_calf_machine" in owned
                and not cal.complaints & {"achilles_insertional", "calf_strain"}
                and e.id != "seated-soleus-raise"
            ):
                yield (
                    "R-PROG-7",
                    f"{s['date']} {e.id}: the protocol's bent-knee slot off the machine",
                )


# ---------------------------------------------------------------- session shape (R-SCHED-7/8)


@check
def shape(profile: Any, cal: Calendar, start: dt.date, weeks: int, plan: Json) -> Any:
    minutes = profile.get("session_minutes", 25)
    for s in planned(plan):
        d = d_(s)
        rxs = s["exercises"]
        ids = [rx["exercise"] for rx in rxs]
        if len(ids) != len(set(ids)):
            yield ("R-SCHED-8", f"{d}: an exercise twice: {ids}")
        heavy = [rx for rx in rxs if rx["scheme"] == "heavy" and is_calf(rx)]
        rehab = [rx for rx in rxs if rx["scheme"] == "rehab"]
        if len(heavy) > 1 or (heavy and rehab):
            yield ("R-SCHED-8", f"{d}: heavy {len(heavy)} and protocol {len(rehab)} blocks")
        if len(rehab) > 2:
            yield ("R-PAIN-5", f"{d}: a protocol block of {len(rehab)} exercises")
        if not rxs:
            yield ("R-SCHED-8", f"{d}: a planned session with nothing in it")
            continue
        calf = [rx for rx in rxs if is_calf(rx)]
        real = [
            rx
            for rx in calf
            if total_contacts(rx) >= 50
            or (rx["sets"] >= 3 and seconds_under_load(rx) >= 60)
            or (is_protocol(cal, rx) and rx["sets"] >= 2)  # D-22: a cut protocol is real work
            or ((s["deload"] or cal.taper(d)) and rx["sets"] >= 2)
        ]
        if calf and not real:
            yield (
                "R-SCHED-8",
                f"{d}: no main block of real work: {[(r['exercise'], r['sets']) for r in calf]}",
            )
        if calf and all(rx["exercise"] == "tip-toe-walking" for rx in calf):
            yield ("R-SCHED-8", f"{d}: a tip-toe walk alone is a finisher")
        # Order (R-PROG-4a): plyometrics first, heavy before light, foot work last.
        schemes_ = [rx["scheme"] for rx in rxs]
        if "plyometric" in schemes_ and schemes_[0] != "plyometric":
            yield ("R-PROG-4a", f"{d}: plyometrics not first: {schemes_}")
        if "heavy" in schemes_ and "light" in schemes_:
            if schemes_.index("light") < schemes_.index("heavy"):
                yield ("R-PROG-4a", f"{d}: light before heavy: {ids}")
        foot_at = [i for i, rx in enumerate(rxs) if is_foot(rx)]
        calf_at = [i for i, rx in enumerate(rxs) if is_calf(rx)]
        if foot_at and calf_at and min(foot_at) < max(calf_at) and not cal.complaints:
            yield ("R-PROG-4a", f"{d}: foot work before calf work: {ids}")
        # The title names what the session holds (R-SCHED-8).
        title = s["title"].lower()
        if s["deload"] != title.startswith("lighter week"):
            yield ("R-SCHED-8", f"{d}: title {s['title']!r} for deload={s['deload']}")
        if "heavy" in title and not heavy and not rehab:
            yield ("R-SCHED-8", f"{d}: title {s['title']!r} names heavy work it does not hold")
        if "plyometric" in title and "plyometric" not in schemes_:
            yield ("R-SCHED-8", f"{d}: title {s['title']!r} names jumps it does not hold")
        for rx in calf:
            if is_protocol(cal, rx):  # named by its protocol ("Achilles protocol")
                if "protocol" not in title and "ladder" not in title:
                    yield ("R-SCHED-8", f"{d}: title {s['title']!r} does not name the protocol")
                continue
            if catalog()[rx["exercise"]].name.lower() not in title:
                yield ("R-SCHED-8", f"{d}: title {s['title']!r} does not name {rx['exercise']}")
        est = session_minutes_estimate(s)
        if est > 1.5 * minutes + 5 and not warned(plan, "R-SCHED-7", "R-SCHED-8"):
            yield ("R-SCHED-7", f"{d}: about {est:.0f} min for a {minutes}-min budget")


# ------------------------------------------------------- rotation, coverage (R-SCHED-3/5/6)


def _signature(sessions: list[Json]) -> tuple[Any, ...]:
    return tuple(
        tuple(sorted((rx["exercise"], rx["scheme"]) for rx in s["exercises"])) for s in sessions
    )


@check
def rotation(profile: Any, cal: Calendar, start: dt.date, weeks: int, plan: Json) -> Any:
    weekly = by_week(plan)
    for week in range(1, weeks):
        a = [s for s in weekly.get(week, []) if s["status"] == "planned"]
        b = [s for s in weekly.get(week + 1, []) if s["status"] == "planned"]
        if a and b and _signature(a) == _signature(b):
            yield ("R-SCHED-3", f"weeks {week} and {week + 1} repeat the same sessions")
        same = set(_signature(a)) & set(_signature(b))
        if same and not warned(plan, "R-SCHED-3"):
            yield (
                "R-SCHED-3",
                f"week {week + 1} repeats a session of week {week}: {sorted(same)[0]}",
            )
    for week in range(1, weeks + 1):
        sessions = [s for s in weekly.get(week, []) if s["status"] == "planned"]
        if sessions and not any(is_foot(rx) for s in sessions for rx in s["exercises"]):
            yield ("R-SCHED-6", f"week {week}: no foot work")
    for first in range(1, weeks, 2):
        cyc = [s for w in (first, first + 1) for s in weekly.get(w, []) if s["status"] == "planned"]
        if not cyc:
            continue
        rxs = [rx for s in cyc for rx in s["exercises"] if is_calf(rx)]
        have = {
            "straight-knee": any(
                ex(rx).knee == "straight" and rx["scheme"] != "plyometric" for rx in rxs
            ),
            "bent-knee": any(ex(rx).knee == "bent" for rx in rxs),
            "heavy": any(rx["scheme"] in {"heavy", "rehab"} for rx in rxs),
            "light": any(rx["scheme"] in {"light", "isometric", "rehab"} for rx in rxs),
            "plyometric": any(rx["scheme"] == "plyometric" for rx in rxs),
        }
        missing = [k for k, v in have.items() if not v]
        if missing and not warned(plan, "R-SCHED-5", "R-SCH-2", "R-SCH-2a", "R-PROG-4a"):
            yield ("R-SCHED-5", f"weeks {first}-{first + 1}: no {missing} and no warning")


# ---------------------------------------------------------------- progression (R-PROG)


@check
def progression(profile: Any, cal: Calendar, start: dt.date, weeks: int, plan: Json) -> Any:
    level = profile["level"]
    last = None
    for s in planned(plan):
        d = d_(s)
        if level == "novice" and s["week"] <= 2:
            for rx in s["exercises"]:
                if rx["scheme"] == "heavy":
                    yield ("R-PROG-4a", f"{d}: heavy {rx['exercise']} in a novice's first 2 weeks")
        n = sum(total_contacts(rx) for rx in rest_blocks(s, "plyometric"))
        if n:
            if last is None and level == "novice" and n > 80:
                yield ("R-PROG-4", f"{d}: a novice's first jumps are {n} contacts (light <= 80)")
            if level == "novice" and s["week"] <= 2 and n > 80:
                yield ("R-PROG-4a", f"{d}: {n} contacts in a novice's first 2 weeks")
            if last is not None and n > last + ABOUT_20:
                yield ("R-PROG-4", f"{d}: contacts {last} -> {n} (about +20 at most)")
            last = n
    # First loads are found (R-PROG-1a): the first heavy exposure of each exercise is a ramp.
    seen: set[str] = set()
    for s in planned(plan):
        for rx in s["exercises"]:
            if rx["scheme"] != "heavy" or rx["exercise"] in seen:
                continue
            seen.add(rx["exercise"])
            if not any(r["rule"] == "R-PROG-1a" for r in rx["reasons"]) or rx["sets"] > 4:
                yield ("R-PROG-1a", f"{s['date']} {rx['exercise']}: first heavy block not a ramp")
            # The ramp starts at body weight standing, 25 % of body mass on a machine.
            mass = float(profile.get("body_mass_kg") or 70.0)
            start_kg = 0.25 * mass if ex(rx).equipment & MACHINES else 0.0
            if abs(float(rx["added_load_kg"] or 0.0) - start_kg) > 2.5:
                yield (
                    "R-PROG-1a",
                    f"{s['date']} {rx['exercise']}: ramp starts at {rx['added_load_kg']} kg, "
                    f"not {start_kg:.1f}",
                )
    # A lighter week every 4-6 weeks (R-PROG-5), frequency kept, volume cut.
    weekly = by_week(plan)
    # A lighter week every 4-6 weeks: never more than 5 full weeks in a row (a week without
    # a session, a race's window or no free day, rests too), never two within 4 weeks.
    flagged = sorted({s["week"] for s in plan["sessions"] if s["deload"]})
    for a, b in zip(flagged, flagged[1:], strict=False):
        if b - a < 4:
            yield ("R-PROG-5", f"lighter weeks {flagged}: {b - a} weeks apart")
    run = 0
    for w in range(1, weeks + 1):
        sessions = [s for s in weekly.get(w, []) if s["status"] == "planned"]
        run = 0 if not sessions or sessions[0]["deload"] else run + 1
        if run > 5:
            yield ("R-PROG-5", f"week {w}: {run} weeks in a row without a lighter week")
            break


# ---------------------------------------------------------------- complaints (R-PAIN-2a/3/4/5)


@check
def complaints(profile: Any, cal: Calendar, start: dt.date, weeks: int, plan: Json) -> Any:
    c = cal.complaints
    sessions = plan["sessions"]
    if "shin" in c and (profile.get("bone_stress_history") or profile.get("missed_periods")):
        if any(s["status"] != "stopped" for s in sessions):
            yield ("R-PAIN-2a", "shin with a bone stress history or missed periods not stopped")
        return
    if c and profile.get("sessions_per_week") is None and c & (ACHILLES | {"plantar_heel"}):
        pass  # the 3-session default is checked by `frequency`
    for s in planned(plan):
        d = d_(s)
        rxs = s["exercises"]
        ids = {rx["exercise"] for rx in rxs}
        kinds = {rx["scheme"] for rx in rxs}
        all_text = " ".join(reason_texts(rx) for rx in rxs)
        if c and "plyometric" in kinds:
            yield ("R-PAIN-3/4", f"{d}: jumps with {sorted(c)} and no clearance logged")
        rehab = [rx for rx in rxs if rx["scheme"] == "rehab"]
        race_eve = any((r.date - d).days <= 2 for r in cal.taper(d))  # R-SCHED-4a: 3 days out
        strain = "calf_strain" in c  # D-23: while a strain is open its ladder is all calf work
        if c & ACHILLES and not race_eve and not strain:
            hsr = [rx for rx in rehab if ex(rx).knee == "straight"]
            if not hsr:
                yield (
                    "R-PAIN-3",
                    f"{d}: no heavy slow resistance block with {sorted(c & ACHILLES)}",
                )
            for rx in rehab:
                if (rx["sets"], rx["reps"]) not in BEYER | {(s_ + 1, r) for s_, r in BEYER} and (
                    rx["sets"] + 1,
                    rx["reps"],
                ) not in BEYER:
                    yield (
                        "R-PAIN-3",
                        f"{d}: {rx['exercise']} {rx['sets']}x{rx['reps']} not Beyer's",
                    )
                if "plantar_heel" not in c and rx["tempo"] != "3 s up, 3 s down":
                    yield ("R-PAIN-3", f"{d}: {rx['exercise']} tempo {rx['tempo']!r}")
        if "plantar_heel" in c:
            towel = [rx for rx in rehab if "towel" in rx["exercise"]]
            if not towel and not race_eve and not strain:
                yield ("R-PAIN-4", f"{d}: no high-load towel heel raise with plantar_heel")
            for rx in towel:
                if rx["tempo"] != "3 s up, 2 s hold, 3 s down":
                    yield ("R-PAIN-4", f"{d}: towel raise tempo {rx['tempo']!r}")
                table = BEYER if c & ACHILLES else RATHLEFF
                if (rx["sets"], rx["reps"]) not in table and (
                    rx["sets"] + 1,
                    rx["reps"],
                ) not in table:
                    yield ("R-PAIN-4", f"{d}: towel raise {rx['sets']}x{rx['reps']}")
            if not any(is_foot(rx) for rx in rxs):
                yield ("R-PAIN-4", f"{d}: no foot work in a plantar_heel session")
        if "achilles_insertional" in c:
            for rx in rxs:
                if ex(rx).heel_drop:
                    yield ("R-PAIN-5", f"{d}: {rx['exercise']} drops the heel (insertional)")
        if "calf_strain" in c:
            # Without a log the ladder stays at step 1: straight- and bent-knee holds, top
            # 5 x 45 s; nothing from the rotation beside it (D-23).
            for rx in rxs:
                if is_calf(rx) and rx["scheme"] in {"heavy", "plyometric"}:
                    yield (
                        "R-PAIN-4",
                        f"{d}: {rx['exercise']} {rx['scheme']} beside the strain ladder",
                    )
            if not c & (ACHILLES | {"plantar_heel"}):
                holds = [rx for rx in rxs if rx["exercise"] in STRAIN_STEP_1]
                if {ex(rx).knee for rx in holds} != {"straight", "bent"} and not race_eve:
                    yield ("R-PAIN-4", f"{d}: strain step 1 is holds at both knee angles")
                for rx in rxs:
                    if is_calf(rx) and rx["exercise"] not in STRAIN_STEP_1:
                        yield ("R-PAIN-4", f"{d}: {rx['exercise']} beside the strain ladder")
                for rx in holds:
                    if rx["sets"] > 5 or (rx["seconds"] or 0) > 45:
                        yield ("R-PAIN-4", f"{d}: holds above 5 x 45 s")
            # R-PAIN-5: "A complaint protocol (..., the calf-strain ladder) ...: its blocks use
            # the scheme `rehab`".
            for rx in rxs:
                if rx["exercise"] in STRAIN_STEP_1 and rx["scheme"] != "rehab":
                    yield (
                        "R-PAIN-5",
                        f"{d}: calf-strain ladder block {rx['exercise']} is {rx['scheme']!r}, "
                        "not 'rehab'",
                    )
        if c & {"calf_strain", "shin"}:
            if "2/10" not in all_text:
                yield ("R-PAIN-2a", f"{d}: the 0-2/10 limit is not stated")
            if not all(w in all_text.lower() for w in ("pop", "swelling", "numbness", "night")):
                yield ("R-PAIN-2a", f"{d}: the red-flag signs are not stated")
        # Set cuts (R-PAIN-5, R-SCHED-4a, R-PROG-5): the protocol's own sets, one fewer in a
        # race week or a lighter week (never both, never below 2).
        table = BEYER if c & ACHILLES else RATHLEFF
        for rx in rehab:
            own = {r: s_ for s_, r in table}.get(rx["reps"])
            if own is None or rx["exercise"] in STRAIN_STEP_1:
                continue
            cut = s["deload"] or bool(cal.taper(d))
            want = max(2, own - 1) if cut else own
            if rx["sets"] != want:
                yield (
                    "R-PAIN-5",
                    f"{d}: {rx['exercise']} {rx['sets']}x{rx['reps']}, want {want} sets",
                )
        if c & ACHILLES and "plantar_heel" in c and not strain:
            straight = [rx["exercise"] for rx in rehab if ex(rx).knee == "straight"]
            if straight and not all("towel" in x for x in straight):
                yield (
                    "R-PAIN-5",
                    f"{d}: merged protocols' straight slot is {straight}, not the towel",
                )
        if "shin" in c:
            if not any(ex(rx).dorsiflexor for rx in rxs):
                yield ("R-PAIN-4", f"{d}: shin without a dorsiflexor accessory")
            if not any(ex(rx).ladder == "soleus" for rx in rxs) and not rehab and not strain:
                yield ("R-PAIN-4", f"{d}: shin without the soleus ladder as main block")
            for rx in rxs:
                if ex(rx).dorsiflexor:
                    t = reason_texts(rx)
                    if "(L)" not in t or "running load" not in t.lower():
                        yield (
                            "R-PAIN-4",
                            f"{d}: {rx['exercise']}: its reason does not say the evidence is low",
                        )
        for rx in rehab:
            t = reason_texts(rx).lower()
            words = {
                "achilles": "achilles",
                "achilles_insertional": "achilles",
                "plantar_heel": "heel",
                "calf_strain": "strain",
                "shin": "shin",
            }
            if not any(words[k] in t for k in c):
                yield ("R-PAIN-5", f"{d}: {rx['exercise']}: its reasons do not name the complaint")
        if not c and rehab:
            yield ("R-PAIN-5", f"{d}: a rehab block without a complaint")
        del ids


# ---------------------------------------------------------------- reasons (R-WHY)

PLANTAR = frozenset({"gastrocnemius", "soleus"})
ABOUT_20 = 20  # R-PROG-4 "at most about 20 contacts" a session: whole bouts never above it (D-216)


@check
def reasons(profile: Any, cal: Calendar, start: dt.date, weeks: int, plan: Json) -> Any:
    for s in planned(plan):
        for rx in s["exercises"]:
            e = ex(rx)
            tag = f"{s['date']} {e.id} ({rx['scheme']})"
            if not rx["reasons"] or not rx["why"]:
                yield ("R-WHY", f"{tag}: no reason")
            for r in rx["reasons"]:
                t = r["text"]
                if r["text"] not in rx["why"]:
                    yield ("R-WHY", f"{tag}: reason not in why: {t[:60]}")
                if ("Willer" in t or "Plantar flexors tire" in t) and not e.muscles & PLANTAR:
                    yield ("R-WHY", f"{tag}: plantar-flexor claim on {sorted(e.muscles)}")
                if ("Dorn" in t or "soleus carries" in t) and "soleus" not in e.muscles:
                    yield ("R-WHY", f"{tag}: soleus claim without the soleus")
                if "Heiderscheit" in t and e.knee != "bent":
                    yield ("R-WHY", f"{tag}: bent-knee carry-over on a {e.knee} knee")
                if "heavy loads stiffen" in t.lower() and rx["scheme"] not in {"heavy", "rehab"}:
                    yield ("R-WHY", f"{tag}: a heavy-load claim on a {rx['scheme']} block")
                if "Taddei" in t and e.region != "foot":
                    yield ("R-WHY", f"{tag}: foot-strengthening evidence on a {e.region} exercise")
                if r["rule"] == "R-SCH-2" and t.startswith("Heavy:") and rx["scheme"] != "heavy":
                    yield ("R-WHY", f"{tag}: the heavy band's reason on a {rx['scheme']} block")
                if r["rule"] == "R-SCH-1" and t.startswith("Light") and rx["scheme"] == "heavy":
                    yield ("R-WHY", f"{tag}: the light band's reason on a heavy block")
                if "Beyer" in t and "achilles" not in cal.complaints and "only" not in t:
                    yield ("R-WHY", f"{tag}: Beyer's trial cited without mid-portion achilles")


# ================================================================ the generator


ODD_STARTS = (
    dt.date(2028, 2, 29),
    dt.date(2024, 2, 29),
    dt.date(2026, 12, 31),
    dt.date(2027, 12, 31),
    dt.date(2027, 1, 1),
)
KMS = (
    1.0,
    3.0,
    5.0,
    10.0,
    10.01,
    15.0,
    21.0975,
    30.0,
    42.0,
    42.195,
    42.2,
    50.0,
    60.0,
    60.5,
    80.0,
    100.0,
    161.0,
)
EQUIPMENT_SETS = (
    [],
    EQUIPMENT,
    ["leg_press", "seated_calf_machine"],
    ["leg_press"],
    ["seated_calf_machine"],
    ["band", "towel", "jump_rope"],
    ["dumbbell", "step", "band"],
    ["backpack"],
)


@st.composite
def requests(draw: st.DrawFn) -> tuple[Json, dt.date, int]:
    start = draw(st.sampled_from(ODD_STARTS) | st.dates(dt.date(2025, 1, 1), dt.date(2029, 12, 31)))
    weeks = draw(st.sampled_from((1, 2, 3, 4, 6, 8, 12, 52)) | st.integers(1, 52))
    last = 7 * weeks - 1
    profile: Json = {"level": draw(st.sampled_from(("novice", "intermediate", "advanced")))}
    if draw(st.booleans()):
        profile["sex"] = draw(st.sampled_from(("female", "male")))
    if draw(st.booleans()):
        profile["birth_year"] = start.year - draw(st.integers(16, 90))
    if draw(st.booleans()):
        profile["body_mass_kg"] = draw(st.sampled_from((25.0, 45.5, 70.0, 110.0, 250.0)))
    profile["equipment"] = draw(
        st.sampled_from(EQUIPMENT_SETS) | st.lists(st.sampled_from(EQUIPMENT), unique=True)
    )
    profile["free_days"] = draw(
        st.lists(st.sampled_from(DAYS), min_size=1, max_size=7, unique=True)
    )
    spw = draw(st.none() | st.integers(1, 3))
    if spw is not None:
        profile["sessions_per_week"] = spw
    profile["session_minutes"] = draw(st.sampled_from((10, 12, 15, 20, 25, 30, 45, 90)))
    profile["runs"] = draw(
        st.lists(
            st.fixed_dictionaries(
                {"day": st.sampled_from(DAYS), "kind": st.sampled_from(("easy", "hard", "long"))}
            ),
            max_size=14,
        )
    )
    offsets = st.sampled_from((0, 1, 2, 3, 5, 6, last, last - 1, last + 1, -1, -3)) | st.integers(
        -14, last + 14
    )
    races: list[Any] = []
    for _ in range(draw(st.integers(0, 4))):
        if races and draw(st.booleans()):  # clustered or back to back
            base = dt.date.fromisoformat(
                races[-1] if isinstance(races[-1], str) else races[-1]["date"]
            )
            day = base + dt.timedelta(days=draw(st.integers(0, 9)))
        else:
            day = start + dt.timedelta(days=draw(offsets))
        if draw(st.integers(0, 3)) == 0:
            races.append(day.isoformat())
        else:
            race: Json = {"date": day.isoformat()}
            km = draw(
                st.none() | st.sampled_from(KMS) | st.floats(1.0, 161.0).map(lambda x: round(x, 1))
            )
            if km is not None:
                race["distance_km"] = km
            if draw(st.booleans()):
                race["name"] = draw(st.sampled_from(("City 10k", "Spring half", "Berlin", "UTMB")))
            if draw(st.booleans()):
                race["tune_up"] = draw(st.booleans())
            races.append(race)
    profile["races"] = races
    profile["complaints"] = draw(st.lists(st.sampled_from(COMPLAINTS), max_size=5, unique=True))
    if profile["complaints"] and draw(st.booleans()):
        profile["usual_pain"] = draw(st.integers(0, 10))
    if draw(st.integers(0, 5)) == 0:
        profile["bone_stress_history"] = True
    if draw(st.integers(0, 5)) == 0:
        profile["missed_periods"] = True
    return profile, start, weeks


def reviewed(req: tuple[Json, dt.date, int]) -> list[Finding]:
    profile, start, weeks = req
    try:
        plan = make_plan(profile, start, weeks)
    except CalfcoachError:
        assume(False)
        raise
    return check_plan(profile, start, weeks, plan)


# ================================================================ the tests

MANY = examples(300, 10)
ONE_FOOT_WEEK = (
    {"level": "advanced", "equipment": [], "free_days": ["mon"], "session_minutes": 10},
    dt.date(2029, 7, 29),
    8,
)


def findings_of(req: tuple[Json, dt.date, int], *rules: str) -> list[Finding]:
    return [f for f in reviewed(req) if f[0] in rules]


def test_the_checker_reads_the_same_json_the_cli_prints(tmp_path: Any) -> None:
    """``make_plan`` is the CLI's plan JSON: byte for byte, on the demo and odd profiles."""
    import json
    from pathlib import Path

    from typer.testing import CliRunner

    from calfcoach.cli import app
    from calfcoach.formats.plan_json import to_json_text

    demo = json.loads((Path(__file__).parents[2] / "examples" / "demo-profile.json").read_text())
    cases = [
        (demo, dt.date(2026, 12, 7), 8),
        ONE_FOOT_WEEK,
        (
            {
                "level": "novice",
                "equipment": ["leg_press", "seated_calf_machine"],
                "free_days": ["mon", "wed", "sat"],
                "runs": [{"day": "sun", "kind": "long"}, {"day": "thu", "kind": "hard"}],
                "races": ["2028-03-04", {"date": "2028-03-12", "distance_km": 161.0}],
                "complaints": ["achilles_insertional", "plantar_heel"],
            },
            dt.date(2028, 2, 29),
            12,
        ),
    ]
    for profile, start, weeks in cases:
        path = tmp_path / "p.json"
        path.write_text(json.dumps(profile))
        args = ["plan", "--profile", str(path), "--start", start.isoformat()]
        result = CliRunner().invoke(app, [*args, "--weeks", str(weeks), "--format", "json"])
        assert result.exit_code == 0, result.output
        assert result.stdout == to_json_text(make_plan(profile, start, weeks))


@MANY
@given(requests())
def test_sessions_fall_on_allowed_days_at_least_2_days_apart_R_SCHED_0_R_SCHED_2(
    req: tuple[Json, dt.date, int],
) -> None:
    """Free days only; never on or the day before a long run or race, nor in a race's
    recovery window (2/4/7/10 days by distance); 48 h between sessions; a plan week holds
    the sessions asked for where its days allow them, and a 2-3 day pair where one fits."""
    assert findings_of(req, "contract", "R-SCHED-0", "R-SCHED-1", "R-SCHED-2") == []


@MANY
@given(requests())
def test_no_heavy_or_jumps_before_a_hard_run_or_a_race_and_races_are_named_R_SCHED_4_4a_4b(
    req: tuple[Json, dt.date, int],
) -> None:
    """The eve of a hard run holds no heavy or plyometric block (nor jumps the day after);
    the week before a race no heavy or plyometric work and no rehab 1-2 days out; the light
    week after a marathon; 50 contacts first after a race; sessions name the race."""
    assert findings_of(req, "R-SCHED-4", "R-SCHED-4a", "R-SCHED-4b") == []


TRIMMED_JUMPS = (
    {
        "level": "intermediate",
        "equipment": ["band", "towel", "jump_rope"],
        "free_days": ["thu", "sun", "wed"],
        "sessions_per_week": 1,
        "session_minutes": 10,
        "runs": [{"day": "wed", "kind": "easy"}],
    },
    dt.date(2026, 12, 3),
    14,
)


@MANY
@given(requests())
@example(TRIMMED_JUMPS)
def test_every_prescription_is_inside_its_scheme_band_R_SCH_1_to_6(
    req: tuple[Json, dt.date, int],
) -> None:
    """Light 8-20 x 2-3 (8x4), heavy 3-6 x 3-6 with load and tempo, holds 30-60 s, jumps in
    contacts over both feet in 8-30 s bouts at the rope's cadence, heavy only with a load
    the athlete owns (R-SCH-2a); no 1-rep doses."""
    assert (
        findings_of(req, "R-SCH-1", "R-SCH-2", "R-SCH-2a", "R-SCH-3a", "R-SCH-4", "R-SCH-6") == []
    )


@MANY
@given(requests())
def test_no_exercise_needs_kit_the_athlete_lacks_and_owned_machines_are_used_R_EX_R_PROG_7(
    req: tuple[Json, dt.date, int],
) -> None:
    assert findings_of(req, "R-EX", "R-PROG-7") == []


@MANY
@given(requests())
def test_a_session_is_one_main_block_in_order_within_its_time_R_SCHED_7_R_SCHED_8(
    req: tuple[Json, dt.date, int],
) -> None:
    """No exercise twice, never heavy beside a protocol, real work, jumps first, heavy before
    light, foot work last, a title that names what the session holds."""
    assert findings_of(req, "R-SCHED-7", "R-SCHED-8", "R-PAIN-5", "R-PROG-4a") == []


@MANY
@given(requests())
@example(ONE_FOOT_WEEK)
def test_weeks_rotate_cover_both_knee_angles_and_hold_foot_work_R_SCHED_3_5_6(
    req: tuple[Json, dt.date, int],
) -> None:
    """Two weeks never repeat; each 2-week cycle covers straight and bent knee, heavy, light
    and jumps or warns; every week with a session holds foot work (a foot exercise: ankle
    mobility is not the foot strengthening of R-SCHED-6)."""
    assert findings_of(req, "R-SCHED-3", "R-SCHED-5", "R-SCHED-6") == []


# Whole bouts rounded a +20 step up to +22 (104 -> 126 contacts in week 25): D-216.
BOUTS_OVER_THE_STEP = (
    {
        "level": "advanced",
        "birth_year": 1992,
        "body_mass_kg": 110.0,
        "equipment": [],
        "free_days": ["mon", "tue", "thu", "sun", "sat", "wed"],
        "sessions_per_week": 1,
        "session_minutes": 90,
        "runs": [
            {"day": "fri", "kind": "long"},
            {"kind": "long", "day": "sat"},
            {"day": "thu", "kind": "easy"},
        ],
        "races": [{"date": "2027-01-06"}],
        "complaints": [],
        "bone_stress_history": True,
    },
    dt.date(2027, 1, 1),
    30,
)


@MANY
@given(requests())
@example(BOUTS_OVER_THE_STEP)
def test_progression_novice_start_first_loads_and_lighter_weeks_R_PROG_1a_4_4a_5(
    req: tuple[Json, dt.date, int],
) -> None:
    assert findings_of(req, "R-PROG-1a", "R-PROG-4", "R-PROG-4a", "R-PROG-5") == []


@MANY
@given(requests())
def test_complaint_protocols_gates_and_referral_R_PAIN_2a_3_4_5(
    req: tuple[Json, dt.date, int],
) -> None:
    """Achilles: heavy slow resistance on Beyer's weeks, every session, no jumps; insertional:
    nothing below floor level; plantar heel: Rathleff's towel raise and foot work every session;
    calf strain: step-1 holds at both knee angles, nothing else for the calf; shin: the soleus
    ladder, dorsiflexors with low evidence said, and referral with bone-stress history."""
    assert findings_of(req, "R-PAIN-2a", "R-PAIN-3", "R-PAIN-4", "R-PAIN-5", "R-PAIN-3/4") == []


@MANY
@given(requests())
@example(ONE_FOOT_WEEK)
def test_every_reason_fits_its_exercise_R_WHY(req: tuple[Json, dt.date, int]) -> None:
    """Foot-strengthening evidence (Taddei 2020) only on foot exercises, plantar-flexor and
    soleus claims only where those muscles work, bent-knee carry-over only with a bent knee,
    heavy-load claims only on heavy or protocol blocks; reasons cite the sheet's rules."""
    assert findings_of(req, "R-WHY") == []


JUMPS_ON_THE_HARD_DAY = (
    {
        "level": "novice",
        "equipment": ["jump_rope"],
        "free_days": ["sat", "sun", "wed", "thu", "fri"],
        "session_minutes": 10,
        "runs": [{"kind": "hard", "day": "sat"}],
    },
    dt.date(2025, 11, 11),
    4,
)


EXTRA_JUMPS_ON_THE_HARD_DAY = (
    {
        "level": "novice",
        "birth_year": 1981,
        "equipment": ["seated_calf_machine"],
        "free_days": ["tue", "fri", "mon", "wed", "sat", "sun", "thu"],
        "session_minutes": 90,
        "runs": [{"day": "tue", "kind": "long"}, {"day": "wed", "kind": "hard"}],
        "races": [
            {"date": "2030-03-18", "distance_km": 142.3, "name": "Berlin"},
            {"date": "2030-04-29", "tune_up": False},
        ],
    },
    dt.date(2029, 11, 12),
    16,
)


@MANY
@given(requests())
@example(JUMPS_ON_THE_HARD_DAY)
@example(EXTRA_JUMPS_ON_THE_HARD_DAY)
def test_jumps_go_on_a_day_without_a_hard_run_where_the_week_has_one_R_PROG_4a(
    req: tuple[Json, dt.date, int],
) -> None:
    """Week 4 of the first example jumped on Saturday after the hard run while Wednesday, free
    of hard runs, held light raises; in the second a cycle's extra jump block (R-SCHED-5) went
    beside the heavy block of the hard-run Wednesday, not to the calm Saturday."""
    assert [f for f in findings_of(req, "R-PROG-4a") if "hard-run day" in f[1]] == []
