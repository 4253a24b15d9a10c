"""Hypothesis strategies: random athlete profiles (rule sheet v2) and plan requests.

Example counts: ``examples(ci, dev)`` gives a ``settings`` with the full count ``ci`` when the
hypothesis profile is "ci" and a few (``dev``) otherwise. The profile is the environment
variable ``HYPOTHESIS_PROFILE`` ("ci" or "dev"); when it is not set, "ci" on a CI machine (the
``CI`` variable set) and "dev" elsewhere. "deep" (by hand, before a stop) runs four times the
full count on new random examples each run, where "ci" runs the same examples every time.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections import defaultdict
from itertools import combinations

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from calfcoach.catalog import load_catalog
from calfcoach.core.models import (
    COMPLAINTS,
    DAYS,
    EQUIPMENT,
    LEVELS,
    Plan,
    Prescription,
    Profile,
    Race,
    Run,
    Session,
)

HYPOTHESIS_PROFILE = os.environ.get("HYPOTHESIS_PROFILE") or (
    "ci" if os.environ.get("CI") else "dev"
)


def examples(ci: int, dev: int = 25) -> settings:
    """Settings with ``ci`` examples in the "ci" profile and ``min(dev, ci)`` in "dev"."""
    if HYPOTHESIS_PROFILE == "deep":
        return settings(
            max_examples=4 * ci,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        )
    return settings(
        max_examples=ci if HYPOTHESIS_PROFILE == "ci" else min(dev, ci),
        derandomize=HYPOTHESIS_PROFILE == "ci",  # CI: the same examples on every run
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


dates = st.dates(min_value=dt.date(2025, 1, 1), max_value=dt.date(2028, 12, 31))

# Race distances around every threshold of R-SCHED-4a (10 km, 42.195 km, 60 km), and any.
RACE_DISTANCES = (3.0, 5.0, 10.0, 10.01, 15.0, 21.0975, 30.0, 42.0, 42.195, 42.2, 50.0, 60.0, 60.5)
race_distances = (
    st.none()
    | st.sampled_from(RACE_DISTANCES)
    | st.floats(1.0, 250.0, allow_nan=False).map(lambda x: round(x, 2))
)
PRINTABLE = st.characters(exclude_categories=("Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"))
"""Characters a name may hold (D-154, ``core.names``)."""
race_names = st.none() | st.sampled_from(("City 10k", "Spring half", "Berlin", "UTMB"))


def races_on(day: st.SearchStrategy[dt.date]) -> st.SearchStrategy[Race]:
    """A race (R-SCHED-4a) on a drawn day, with a random distance and tune-up flag."""
    return st.builds(
        Race, date=day, distance_km=race_distances, name=race_names, tune_up=st.booleans()
    )


def rarely() -> st.SearchStrategy[bool]:
    """True about one time in eight (flags that stop a plan, so most plans still run)."""
    return st.integers(0, 7).map(lambda x: x == 0)


@st.composite
def profiles(draw: st.DrawFn, *, complaints: bool = True) -> Profile:
    runs = draw(
        st.lists(
            st.builds(
                Run, day=st.sampled_from(DAYS), kind=st.sampled_from(("easy", "hard", "long"))
            ),
            max_size=7,
        )
    )
    races = draw(st.lists(races_on(dates), max_size=3))
    return Profile(
        name=draw(st.none() | st.text(PRINTABLE, min_size=1, max_size=20)),
        sex=draw(st.none() | st.sampled_from(("female", "male"))),
        birth_year=draw(st.none() | st.integers(1940, 2010)),
        body_mass_kg=draw(
            st.none() | st.floats(40, 130, allow_nan=False).map(lambda x: round(x, 1))
        ),
        level=draw(st.sampled_from(LEVELS)),
        equipment=frozenset(draw(st.sets(st.sampled_from(EQUIPMENT)))),
        free_days=frozenset(draw(st.sets(st.sampled_from(DAYS), min_size=1))),
        sessions_per_week=draw(st.none() | st.integers(1, 3)),
        session_minutes=draw(st.integers(10, 90)),
        runs=tuple(runs),
        races=tuple(sorted(races, key=lambda r: r.date)),
        complaints=frozenset(draw(st.sets(st.sampled_from(COMPLAINTS), max_size=3)))
        if complaints
        else frozenset(),
        usual_pain=draw(st.none() | st.integers(0, 10)),
        bone_stress_history=draw(rarely()),
        missed_periods=draw(rarely()),
        units=draw(st.sampled_from(("metric", "imperial"))),
    )


def with_races(profile: Profile, races: list[Race] | tuple[Race, ...]) -> Profile:
    """The profile with these races added, in date order (as a stored profile lists them)."""
    both = sorted((*profile.races, *races), key=lambda r: r.date)
    return profile.model_copy(update={"races": tuple(both)})


@st.composite
def plan_requests(
    draw: st.DrawFn, *, complaints: bool = True, max_weeks: int = 20
) -> tuple[Profile, dt.date, int]:
    """A profile, a start date and a number of weeks (1-``max_weeks``); races near the plan,
    with random distances and tune-up flags, so the race rules are exercised often."""
    profile = draw(profiles(complaints=complaints))
    start = draw(dates)
    weeks = draw(st.integers(1, max_weeks))
    near = draw(st.lists(st.integers(-20, 7 * weeks + 3), max_size=3))
    races = [draw(races_on(st.just(start + dt.timedelta(days=d)))) for d in near]
    return with_races(profile, races), start, weeks


# ================================================================== reading a plan
# Shared by the plan properties: the days the rule sheet allows, the races around a day,
# warnings by week, blocks by kind. Worked out from the rule sheet (v2) and the catalog data,
# never from the engine's internals.

CATALOG = load_catalog()
DAY = dt.timedelta(days=1)
MARATHON_KM = 42.195  # D-16: the sheet's 42.2 is the marathon rounded
PROTOCOL_COMPLAINTS = frozenset({"achilles", "achilles_insertional", "plantar_heel", "calf_strain"})
NO_JUMP_COMPLAINTS = frozenset(
    {"achilles", "achilles_insertional", "plantar_heel", "calf_strain", "shin"}
)
RULE_ID = re.compile(r"^R-[A-Z]+(-[0-9]+[a-z]?)?$")


# ------------------------------------------------------------------ races (R-SCHED-4a)


def km(race: Race) -> float:
    return race.distance_km if race.distance_km is not None else 21.0975


def tune_up(race: Race) -> bool:
    """A tune-up counts as a hard run only when 10 km or less (D-16)."""
    return race.tune_up and km(race) <= 10.0


def recovery(race: Race) -> int:
    if tune_up(race):
        return 0
    d = km(race)
    if d <= 10.0:
        return 2
    if d < MARATHON_KM:
        return 4
    if d <= 60.0:
        return 7
    return 10


def full_races(profile: Profile) -> list[Race]:
    return [r for r in profile.races if not tune_up(r)]


def long_race(race: Race) -> bool:
    return not tune_up(race) and km(race) >= MARATHON_KM


def blocked(profile: Profile, d: dt.date) -> bool:
    """Race day, the day before a race, or inside its recovery window (R-SCHED-0, 4, 4a)."""
    for r in profile.races:
        if d == r.date:
            return True
        if tune_up(r):
            continue
        if d + DAY == r.date or 0 < (d - r.date).days <= recovery(r):
            return True
    return False


def in_taper(profile: Profile, d: dt.date) -> bool:
    return any(0 < (r.date - d).days <= 7 for r in full_races(profile))


def light_only(profile: Profile, d: dt.date) -> bool:
    """The 7 days after a marathon's (or longer race's) recovery window."""
    return any(
        recovery(r) < (d - r.date).days <= recovery(r) + 7 for r in profile.races if long_race(r)
    )


# ------------------------------------------------------------------ the athlete's week


def run_days(profile: Profile, kind: str) -> set[int]:
    return {DAYS.index(r.day) for r in profile.runs if r.kind == kind}


def before_hard(profile: Profile, d: dt.date) -> bool:
    """The day before a hard run or a tune-up race (R-SCHED-4, 4a, 4b)."""
    nxt = d + DAY
    return nxt.weekday() in run_days(profile, "hard") or any(
        tune_up(r) and r.date == nxt for r in profile.races
    )


def after_hard(profile: Profile, d: dt.date) -> bool:
    prev = d - DAY
    return prev.weekday() in run_days(profile, "hard") or any(
        tune_up(r) and r.date == prev for r in profile.races
    )


def candidate(profile: Profile, d: dt.date) -> bool:
    """A day the hard rules of R-SCHED-0 (1) allow, the 2-day spacing aside."""
    long_days = run_days(profile, "long")
    return (
        DAYS[d.weekday()] in profile.free_days
        and d.weekday() not in long_days
        and (d + DAY).weekday() not in long_days
        and not blocked(profile, d)
    )


def wanted(profile: Profile) -> int:
    """R-SCHED-1 and R-PAIN-4: the profile's number, else 2, or 3 with plantar heel/Achilles."""
    if profile.sessions_per_week is not None:
        return profile.sessions_per_week
    if profile.complaints & {"plantar_heel", "achilles", "achilles_insertional"}:
        return 3
    return 2


def spaced(combo: tuple[dt.date, ...]) -> bool:
    return all((b - a).days >= 2 for a, b in zip(combo, combo[1:], strict=False))


def week_options(profile: Profile, week_start: dt.date, earliest: dt.date | None) -> list[dt.date]:
    days = [week_start + i * DAY for i in range(7)]
    return [d for d in days if (earliest is None or d >= earliest) and candidate(profile, d)]


def combos(days: list[dt.date], n: int) -> list[tuple[dt.date, ...]]:
    return [c for c in combinations(days, n) if spaced(c)]


def gaps(dates: list[dt.date]) -> list[int]:
    return [(b - a).days for a, b in zip(dates, dates[1:], strict=False)]


# ------------------------------------------------------------------ plan structure


def week_sessions(plan: Plan) -> dict[int, list[Session]]:
    out: dict[int, list[Session]] = defaultdict(list)
    for s in plan.sessions:
        out[s.week].append(s)
    return out


def planned(plan: Plan) -> list[Session]:
    return [s for s in plan.sessions if s.status == "planned"]


def week_label_weeks(message: str) -> set[int]:
    """The weeks a grouped warning names ("Week 3: ...", "Weeks 1-2, 5: ...")."""
    m = re.match(r"^Weeks? ([0-9, -]+):", message)
    if not m:
        return set()
    out: set[int] = set()
    for part in m.group(1).split(","):
        part = part.strip()
        if "-" in part:
            a, b = part.split("-")
            out.update(range(int(a), int(b) + 1))
        elif part:
            out.add(int(part))
    return out


def warned(plan: Plan, rules: str | tuple[str, ...], week: int | None = None) -> bool:
    """Whether a warning of ``rules`` names ``week``; a week whose every session is stopped
    (R-PAIN-2a/2b) trains nothing and needs no warning (D-174)."""
    rules = (rules,) if isinstance(rules, str) else rules
    if week is not None:
        held = [s for s in plan.sessions if s.week == week]
        if held and all(s.status == "stopped" for s in held):
            return True
    return any(
        w.rule in rules and (week is None or week in week_label_weeks(w.message))
        for w in plan.warnings
    )


def region(rx: Prescription) -> str:
    return CATALOG.get(rx.exercise).region


def calf_blocks(s: Session) -> list[Prescription]:
    return [rx for rx in s.exercises if region(rx) == "calf"]


def is_protocol(rx: Prescription) -> bool:
    """A complaint protocol block (R-PAIN-5): rehab, or a step of the calf-strain ladder."""
    return rx.scheme == "rehab" or any(
        r.rule == "R-PAIN-4" and "calf strain" in r.text.lower() for r in rx.reasons
    )


STEP_TO = re.compile(
    r"goes (?:up )?(?:from [\d.]+ (?:s|reps|m|contacts) )?to ([\d.]+) (s|reps|m|contacts)"
)
"""The amount a dose step says it goes to ("... goes up from 45 s to 60 s")."""


def step_claims(rx: Prescription) -> list[tuple[str, float, float | None]]:
    """(reason, amount it names, amount prescribed) of each dose step in ``rx``'s reasons."""
    out = []
    for r in rx.reasons:
        m = STEP_TO.search(r.text)
        if m and r.rule in ("R-PROG-2", "R-PROG-6", "R-PAIN-4"):
            unit = {"s": rx.seconds, "reps": rx.reps, "m": rx.distance_m, "contacts": rx.contacts}
            shown = unit[m[2]]
            out.append((r.text, float(m[1]), None if shown is None else float(shown)))
    return out


LIGHTER_CUT = re.compile(
    r"Lighter week: (?:(\d+) x )?([\d.]+) (reps|s|m|contacts) -> (?:(\d+) x )?([\d.]+) "
    r"(?:reps|s|m|contacts) \(about (\d+) % less volume\)"
)


SETS_TRIM = re.compile(r"(?:Sets|A short extra block:) \d+ -> (\d+)")
TRIM_TAILS = ("-min session.", "allows.")


def lighter_week_reason_problems(rx: Prescription) -> list[str]:
    """R-PROG-5 and R-WHY (D-143): where a lighter week's reason does not tell the dose given,
    or gets its own cut wrong."""
    out: list[str] = []
    if rx.contacts is not None:
        given = f"{rx.sets * rx.contacts} contacts"
    else:
        amount, unit = next(
            (a, u) for a, u in ((rx.reps, "reps"), (rx.seconds, "s"), (rx.distance_m, "m")) if a
        )
        given = f"{rx.sets} x {amount:g} {unit}"
    # A session trimmed to its minutes (R-SCHED-7) or a short extra block (R-SCHED-5) cuts
    # sets after the lighter week, and says so: that reason names the sets given.
    trims = [r.text for r in rx.reasons if SETS_TRIM.search(r.text)]
    for text in trims:
        m = SETS_TRIM.search(text)
        if m is None or m[1] != str(rx.sets) or not text.endswith(TRIM_TAILS):
            out.append(f"{text!r} does not name the sets given, {rx.sets}")
    for r in rx.reasons:
        if r.rule != "R-PROG-5" or not r.text.startswith("Lighter week:"):
            continue
        if "halved" in r.text or (given not in r.text and not trims):
            out.append(f"{r.text!r} does not name the dose given, {given}")
        m = LIGHTER_CUT.search(r.text)
        if m:
            before = int(m[1] or 1) * float(m[2])
            after = int(m[4] or 1) * float(m[5])
            if abs(100 * (1 - after / before) - int(m[6])) > 1:
                out.append(f"{r.text!r}: the cut is not {m[6]} %")
    return out


ONE_SET_FEWER = re.compile(r"one set fewer \((\d+) -> (\d+) x")


def stacked_set_cuts(rx: Prescription) -> list[str]:
    """R-PAIN-5 (D-146): a protocol block's set cuts (lighter week, race week) never stack:
    the reasons of each cut that took sets away, where there are two or more."""
    if not is_protocol(rx):
        return []
    cuts = []
    for r in rx.reasons:
        if r.rule == "R-SCHED-4a" and r.text.startswith("Race week") and "one set fewer" in r.text:
            cuts.append(r.text)
        elif r.rule == "R-PROG-5" and r.text.startswith("Lighter week:"):
            m = ONE_SET_FEWER.search(r.text) or LIGHTER_CUT.search(r.text)
            if m is None:
                continue
            groups = (m[1], m[2]) if m.re is ONE_SET_FEWER else (m[1] or "1", m[4] or "1")
            if int(groups[1]) < int(groups[0]):
                cuts.append(r.text)
    return cuts if len(cuts) > 1 else []


STEPS_UP = re.compile(r"goes up|is added|moves on to|begins\.|A set is added")
STEP_RULES = frozenset({"R-PROG-2", "R-PROG-3", "R-PROG-6", "R-PAIN-4"})


def held_steps_up(profile: Profile, s: Session) -> list[str]:
    """R-SCHED-4a (D-147, D-149): in the 7 days before a race and in the light week after a
    marathon's window no dose goes up and no ladder moves on; nor in a lighter week (R-PROG-5,
    D-151). The reasons of a session in those days that say otherwise."""
    if not (in_taper(profile, s.date) or light_only(profile, s.date) or s.deload):
        return []
    return [
        f"{rx.exercise}: {r.text}"
        for rx in s.exercises
        for r in rx.reasons
        if r.rule in STEP_RULES and STEPS_UP.search(r.text)
    ]


def repeated_claims(rx: Prescription) -> list[str]:
    """R-WHY (D-142): what a block's reasons say twice: a text given twice, or a catalog
    reason whose claim (one of its ``mentions``) the reasons before it already make."""
    claims = {c.text: c for c in CATALOG.reasons}
    said = ""
    seen: set[str] = set()
    out: list[str] = []
    for r in rx.reasons:
        text = r.text.strip()
        claim = claims.get(r.text)
        if text in seen:
            out.append(f"said twice: {text}")
        elif r.rule != "R-WHY" and claim is not None and claim.claimed_by(said):
            out.append(f"{claim.id} already said ({claim.claimed_by(said)!r}): {text}")
        seen.add(text)
        said += " " + text
    # D-148: the pain limit to stop at is told once (R-PAIN-2a's session reason).
    if sum("stop an exercise above" in r.text for r in rx.reasons) > 1:
        out.append("the limit to stop an exercise at is told twice")
    return out


def race_week_rm_rises(profile: Profile, sessions: list[Session]) -> list[tuple[object, ...]]:
    """Protocol blocks in the 7 days before a race, in the light week after a marathon's
    window or in a lighter week, with fewer reps (a heavier RM step) than the exercise's last
    session before those days (R-SCHED-4a: rehab keeps its load, D-139, D-149; R-PROG-5: "load
    kept", D-153): (date, exercise, reps, reps before); load-finding sessions are left out."""
    before: dict[str, int] = {}
    out: list[tuple[object, ...]] = []
    for s in sessions:
        taper = in_taper(profile, s.date) or light_only(profile, s.date) or s.deload
        for rx in s.exercises:
            if rx.scheme != "rehab" or rx.reps is None or is_ramp(rx):
                continue
            if not taper:
                before[rx.exercise] = rx.reps
            elif rx.exercise in before and rx.reps < before[rx.exercise]:
                out.append((s.date, rx.exercise, rx.reps, before[rx.exercise]))
    return out


def title_parts(title: str) -> list[tuple[str, list[str]]]:
    """A session title as its parts (R-SCHED-8, D-140): (head, exercise names) in the title's
    order, lower case: "Heavy bent-knee work: x + soleus strength: y and z (after your hard
    run)" -> [("heavy bent-knee work", ["x"]), ("soleus strength", ["y", "z"])]. A part
    without a colon (a complaint protocol, "foot and ankle work") has no names."""
    text = title.lower().replace(" (after your hard run)", "").strip()
    text = text.removeprefix("lighter week - ")
    out: list[tuple[str, list[str]]] = []
    for part in text.split(" + "):
        head, _, names = part.partition(": ")
        out.append((head, names.split(" and ") if names else []))
    return out


def titled_names(title: str) -> list[str]:
    """The exercise names a session title names, in order, lower case."""
    return [name for _, names in title_parts(title) for name in names]


def is_ramp(rx: Prescription) -> bool:
    return any(
        r.rule == "R-PROG-1a" and "starting point" in r.text and "oad-finding session:" in r.text
        for r in rx.reasons
    )


def contacts(rx: Prescription) -> int:
    return (rx.contacts or 0) * rx.sets if rx.scheme == "plyometric" else 0


def session_contacts(s: Session) -> int:
    return sum(contacts(rx) for rx in s.exercises)


def reasons_text(s: Session) -> str:
    return " ".join(r.text for rx in s.exercises for r in rx.reasons)


def plan_end(plan: Plan) -> dt.date:
    return plan.start + dt.timedelta(days=7 * plan.weeks - 1)


def first_after(plan: Plan, day: dt.date) -> Session | None:
    return next((s for s in plan.sessions if s.date > day), None)


def referred(profile: Profile) -> bool:
    """R-PAIN-2a: shin with a bone stress history or missed periods: refer before any plan."""
    return "shin" in profile.complaints and (profile.bone_stress_history or profile.missed_periods)


def describe(profile: Profile, start: dt.date, weeks: int) -> str:
    return f"{profile.model_dump_json()} start={start} weeks={weeks}"


def demo_like_profile(**kw: object) -> Profile:
    """The demo athlete's week (hard Tue, easy Thu, long Sun), with ``kw`` changed."""
    base: dict[str, object] = {
        "level": "intermediate",
        "equipment": ["dumbbell", "jump_rope", "band", "towel"],
        "free_days": ["mon", "wed", "fri", "sat"],
        "runs": [
            {"day": "tue", "kind": "hard"},
            {"day": "thu", "kind": "easy"},
            {"day": "sun", "kind": "long"},
        ],
    }
    base.update(kw)
    return Profile.model_validate(base)
