"""Capacity tests (R-TEST-1..4): the single-leg heel-raise test against norms and over time.

Pure: the test, the athlete's sex and age, and the plan come in as arguments. Every result
carries sentences that name their rule, so the CLI, the web page and the PDF can show them
as they are.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from calfcoach.core import rules
from calfcoach.core.models import CapacityTest, Knee, Plan, Race
from calfcoach.errors import InputError

__all__ = [
    "Change",
    "HeelRaiseResult",
    "SideChange",
    "age_on",
    "compare_tests",
    "evaluate_heel_raise",
    "heel_raise_test_steps",
    "retest_dates",
    "retest_days",
]

TestSide = Literal["left", "right"]

RETEST_DELAY_MAX_DAYS = 14
"""How far a retest a race bars may move past its lighter week (D-159): from a lighter week
every 4 weeks it stays within R-TEST-4's 6 weeks."""


@dataclass(frozen=True, slots=True)
class HeelRaiseResult:
    """One heel-raise test judged against the norm and for symmetry (R-TEST-1, -3, -4)."""

    date: dt.date
    knee: Knee
    left: int
    right: int
    norm: int | None
    """Expected reps (R-TEST-1); None for the bent-knee test or when sex is unknown."""
    left_percent: float | None
    right_percent: float | None
    symmetry_index: float | None
    """Weaker / stronger x 100 (R-TEST-3); None when both sides are 0."""
    weaker: TestSide | None
    """The side with fewer reps; None when equal."""
    asymmetry_flag: bool
    """Symmetry index below 90 (R-TEST-3)."""
    messages: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SideChange:
    """One side's change between two tests (R-TEST-2)."""

    side: TestSide
    before: int
    after: int
    difference: int
    real: bool
    """True only when |difference| >= 6 reps: a smaller change is within test noise."""
    sentence: str


@dataclass(frozen=True, slots=True)
class Change:
    """Two tests of the same kind and knee position compared side by side (R-TEST-2)."""

    earlier: dt.date
    later: dt.date
    knee: Knee
    left: SideChange
    right: SideChange

    @property
    def messages(self) -> tuple[str, ...]:
        return (self.left.sentence, self.right.sentence)


# --------------------------------------------------------------------------- evaluation


def heel_raise_test_steps(knee: Knee, complaints: Iterable[str] = ()) -> tuple[str, ...]:
    """How to do the single-leg heel-raise test, one sentence a step (R-TEST-1; the bent-knee
    version R-TEST-4; with insertional Achilles pain on flat ground only, R-PAIN-5)."""
    if "achilles_insertional" in frozenset(complaints):
        surface = (
            "Stand on flat ground: with insertional Achilles pain no incline, no step and no "
            "drop below floor level (R-PAIN-5)."
        )
    else:
        surface = "Stand on a 10-degree incline if one is at hand, else on flat ground (R-TEST-1)."
    leg = (
        "knee bent and kept bent, for the soleus (R-TEST-4)" if knee == "bent" else "knee straight"
    )
    return (
        surface,
        f"One leg, {leg}, fingertips on a wall for balance only.",
        f"Up on one beat, down on the next ({rules.METRONOME_BPM} beats a minute), as high as "
        "you can every time.",
        "Stop when the heel can no longer rise fully, you lose the pace or your form, or you "
        "need more than fingertip support (R-TEST-1).",
    )


def age_on(birth_year: int | None, on: dt.date) -> int | None:
    """Age in years reached during the year of ``on`` (only the birth year is known).

    None when the birth year is unknown or after ``on``. Without the birthday the age may be
    one year high for a date before it.
    """
    if birth_year is None or birth_year > on.year:
        return None
    return on.year - birth_year


def evaluate_heel_raise(test: CapacityTest, *, sex: str | None, age: int | None) -> HeelRaiseResult:
    """Per side reps, the norm, percent of norm, limb symmetry, and what they mean."""
    norm = rules.heel_raise_norm(sex, age) if test.knee == "straight" else None
    left_pct = _percent(test.left, norm)
    right_pct = _percent(test.right, norm)
    lsi = symmetry_index(test.left, test.right)
    weaker: TestSide | None = None
    if test.left != test.right:
        weaker = "left" if test.left < test.right else "right"
    flag = lsi is not None and lsi < rules.SYMMETRY_FLAG_BELOW
    messages = (
        f"{test.knee.capitalize()}-knee single-leg heel raises to fatigue: left {test.left}, "
        f"right {test.right} reps.",
        _norm_sentence(test, sex, age, norm, left_pct, right_pct),
        _symmetry_sentence(lsi, weaker, flag),
        "R-TEST-4: reps to fatigue measure endurance, not maximal strength; heavy-load "
        "strength is judged separately (Sara 2021). Retest every 4-6 weeks, in a lighter week.",
    )
    return HeelRaiseResult(
        date=test.date,
        knee=test.knee,
        left=test.left,
        right=test.right,
        norm=norm,
        left_percent=left_pct,
        right_percent=right_pct,
        symmetry_index=lsi,
        weaker=weaker,
        asymmetry_flag=flag,
        messages=messages,
    )


def symmetry_index(left: int, right: int) -> float | None:
    """Limb symmetry index, weaker / stronger x 100 (R-TEST-3); None when both are 0."""
    stronger = max(left, right)
    if stronger <= 0:
        return None
    return round(min(left, right) / stronger * 100, 1)


def _percent(reps: int, norm: int | None) -> float | None:
    return None if not norm else round(reps / norm * 100, 1)


def _norm_sentence(
    test: CapacityTest,
    sex: str | None,
    age: int | None,
    norm: int | None,
    left_pct: float | None,
    right_pct: float | None,
) -> str:
    if test.knee != "straight":
        return (
            "R-TEST-4: there is no published norm for the bent-knee (soleus) test here; "
            "compare it with your own earlier bent-knee tests."
        )
    if norm is None:
        return "R-TEST-1: no norm without the athlete's sex; compare with your own earlier tests."
    band = _age_band(age)
    if band is not None:
        source = f"the norm for {sex} athletes aged {band[0]}-{band[1]}"
    else:
        source = f"the median for {sex} athletes (Hebert-Losier 2017; age unknown or outside 20-79)"
    return (
        f"R-TEST-1: {source} is {norm} reps; left is {left_pct:g} % of it, right {right_pct:g} %."
    )


def _age_band(age: int | None) -> tuple[int, int] | None:
    if age is None:
        return None
    for low, high, _men, _women in rules.HEEL_RAISE_AGE_NORMS:
        if low <= age <= high:
            return low, high
    return None


def _symmetry_sentence(lsi: float | None, weaker: TestSide | None, flag: bool) -> str:
    limit = f"{rules.SYMMETRY_FLAG_BELOW:g}"
    if lsi is None:
        return "R-TEST-3: no symmetry index when both sides scored 0 reps."
    if flag:
        return (
            f"R-TEST-3: limb symmetry index {lsi:g} % (weaker / stronger x 100) is below "
            f"{limit} %: the {weaker} side is flagged as the weaker one."
        )
    return f"R-TEST-3: limb symmetry index {lsi:g} % (weaker / stronger x 100), {limit} % or more."


# --------------------------------------------------------------------------- over time


def compare_tests(earlier: CapacityTest, later: CapacityTest) -> Change:
    """Per side change from ``earlier`` to ``later``; real only when >= 6 reps (R-TEST-2)."""
    if earlier.knee != later.knee or earlier.kind != later.kind:
        raise InputError(
            f"tests: a {earlier.knee}-knee test cannot be compared with a {later.knee}-knee "
            "test; compare tests of the same knee position"
        )
    if earlier.date > later.date:
        raise InputError(
            f"tests: the earlier test ({earlier.date.isoformat()}) is dated after the later "
            f"one ({later.date.isoformat()})"
        )
    return Change(
        earlier=earlier.date,
        later=later.date,
        knee=later.knee,
        left=_side_change("left", earlier.left, later.left),
        right=_side_change("right", earlier.right, later.right),
    )


def _side_change(side: TestSide, before: int, after: int) -> SideChange:
    diff = after - before
    real = abs(diff) >= rules.TEST_NOISE_REPS
    if diff == 0:
        sentence = f"R-TEST-2: {side} side unchanged at {after} reps."
    elif real:
        word = "up" if diff > 0 else "down"
        sentence = (
            f"R-TEST-2: {side} side {word} {abs(diff)} reps ({before} -> {after}): a real "
            f"change ({rules.TEST_NOISE_REPS} reps or more)."
        )
    else:
        sentence = (
            f"R-TEST-2: {side} side {diff:+d} reps ({before} -> {after}): within test noise "
            f"(a change under {rules.TEST_NOISE_REPS} reps is not a real change)."
        )
    return SideChange(side, before, after, diff, real, sentence)


def retest_dates(plan: Plan, races: Sequence[Race] = ()) -> tuple[dt.date, ...]:
    """When to retest (R-PROG-5: in the lighter week; R-TEST-4: every 4-6 weeks; R-TEST-5:
    never in the 7 days before a race nor the 7 (14 after a marathon) after one).

    The first session of each lighter (deload) week that no race bars; a plan without one but
    at least 4 weeks long gets the last session of weeks 4, 8, ... instead. Where a race bars
    every session of that week, the first session after it that no race bars, within the
    next two weeks (still inside R-TEST-4's 6 weeks); else none that time (D-159).
    """
    return retest_days(((s.date, s.week, s.deload) for s in plan.sessions), plan.weeks, races)


def retest_days(
    sessions: Iterable[tuple[dt.date, int, bool]], weeks: int, races: Sequence[Race] = ()
) -> tuple[dt.date, ...]:
    """``retest_dates`` from each session's (date, week, deload) and the plan's weeks, for a
    reader that has not built the prescriptions (the roster, D-125)."""
    from calfcoach.core.races import capacity_test_barred

    by_week: dict[int, list[tuple[dt.date, bool]]] = {}
    for date, week, deload in sessions:
        by_week.setdefault(week, []).append((date, deload))
    deload_weeks = sorted(w for w, ss in by_week.items() if any(d for _, d in ss))
    if deload_weeks:
        wanted = [sorted(date for date, d in by_week[w] if d) for w in deload_weeks]
    elif weeks < rules.DELOAD_EVERY_WEEKS:
        return ()
    else:
        wanted = [
            sorted((date for date, _ in by_week[w]), reverse=True)
            for w in range(rules.DELOAD_EVERY_WEEKS, weeks + 1, rules.DELOAD_EVERY_WEEKS)
            if w in by_week
        ]
    every = sorted(date for ss in by_week.values() for date, _ in ss)
    out: list[dt.date] = []
    for dates in wanted:
        found = next((d for d in dates if capacity_test_barred(races, d) is None), None)
        if found is None and dates:
            # R-TEST-5 over R-PROG-5: a race bars the week; the first free session after it.
            last = max(dates)
            found = next(
                (
                    d
                    for d in every
                    if last < d <= last + dt.timedelta(days=RETEST_DELAY_MAX_DAYS)
                    and capacity_test_barred(races, d) is None
                ),
                None,
            )
        if found is not None and (not out or found > out[-1]):
            out.append(found)
    return tuple(out)
