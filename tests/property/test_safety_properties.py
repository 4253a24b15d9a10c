"""The pain and safety layer's promises (core/safety.py) over random check-in histories and
profiles. The checks read the logs directly; they do not reuse the layer's internals."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from calfcoach.core import rules
from calfcoach.core.capacity import symmetry_index
from calfcoach.core.models import (
    ACHILLES_COMPLAINTS,
    COMPLAINTS,
    RED_FLAGS,
    CapacityTest,
    CheckIn,
    Clearance,
    HopTest,
    LoggedSet,
    Profile,
    Race,
    TrainingLog,
)
from calfcoach.core.safety import DaySafety, assess, usual_pain

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
D0 = dt.date(2026, 1, 5)
CLEAR = frozenset({"single-leg-calf-raise", "straight-knee-heel-raise", "heavy-slow-heel-raise"})


def day(n: int) -> dt.date:
    return D0 + dt.timedelta(days=n)


@st.composite
def profiles(draw: st.DrawFn) -> Profile:
    return Profile(
        level="intermediate",
        free_days=frozenset({"mon", "thu"}),
        complaints=frozenset(draw(st.sets(st.sampled_from(COMPLAINTS), max_size=2))),
        usual_pain=draw(st.none() | st.integers(0, 5)),
        bone_stress_history=draw(st.booleans()),
        missed_periods=draw(st.booleans()),
    )


@dataclass(frozen=True)
class History:
    log: TrainingLog
    days: int
    races: tuple[Race, ...]


PAIN = st.integers(0, 3) | st.integers(0, 3) | st.integers(0, 10)


@st.composite
def histories(draw: st.DrawFn, *, max_days: int = 50, flags: bool = True) -> History:
    days = draw(st.integers(5, max_days))
    checkins: list[CheckIn] = []
    sets: list[LoggedSet] = []
    hops: list[HopTest] = []
    clearances: list[Clearance] = []
    tests: list[CapacityTest] = []
    for n in range(days):
        if draw(st.integers(0, 9)) < 8:
            red = (
                frozenset(draw(st.sets(st.sampled_from(RED_FLAGS), max_size=2)))
                if flags and draw(st.integers(0, 19)) == 0
                else frozenset()
            )
            checkins.append(CheckIn(date=day(n), pain=draw(PAIN), stiffness=0, red_flags=red))
        if draw(st.integers(0, 3)) == 0:
            side = draw(st.sampled_from(("both", "left", "right")))
            reps = draw(st.sampled_from((10, 15, 16)))
            pain = draw(st.none() | st.integers(0, 4))
            for k in (1, 2, 3):
                sets.append(
                    LoggedSet(
                        date=day(n),
                        exercise=draw(st.sampled_from(sorted(CLEAR) + ["towel-crunches"])),
                        set_number=k,
                        reps=reps,
                        side=side,
                        pain=pain,
                    )
                )
        if draw(st.integers(0, 9)) == 0:
            hops.append(
                HopTest(
                    date=day(n),
                    hops=draw(st.sampled_from((30, 40))),
                    pain=draw(st.integers(0, 3)),
                    side=draw(st.sampled_from(("both", "left", "right"))),
                )
            )
        if draw(st.integers(0, 14)) == 0:
            clearances.append(Clearance(date=day(n)))
        if draw(st.integers(0, 14)) == 0:
            tests.append(
                CapacityTest(
                    date=day(n), left=draw(st.integers(15, 30)), right=draw(st.integers(15, 30))
                )
            )
    races = tuple(
        Race(date=day(n), distance_km=km)
        for n, km in draw(
            st.lists(
                st.tuples(st.integers(0, days), st.sampled_from((5.0, 21.1, 42.195))), max_size=2
            )
        )
    )
    log = TrainingLog(
        sets=tuple(sets),
        checkins=tuple(checkins),
        tests=tuple(tests),
        hop_tests=tuple(hops),
        clearances=tuple(clearances),
    )
    return History(log, days, races)


def fresh(profile: Profile, h: History, n: int, strain_step: int = 1) -> DaySafety:
    return assess(
        profile, h.log, day(n), clearance_exercises=CLEAR, races=h.races, strain_step=strain_step
    )[0]


# ----------------------------------------------------------------- the incremental state


@FAST
@given(profiles(), histories(), st.integers(1, 4))
def test_the_incremental_state_gives_exactly_the_fresh_answer_on_every_day(profile, h, strain_step):
    state = None
    for n in range(h.days + 2):
        inc, state = assess(
            profile,
            h.log,
            day(n),
            clearance_exercises=CLEAR,
            races=h.races,
            state=state,
            strain_step=strain_step,
        )
        assert inc == fresh(profile, h, n, strain_step)


@FAST
@given(profiles(), histories(), st.lists(st.integers(0, 60), min_size=1, max_size=6))
def test_the_state_snapshot_survives_json_and_skipped_days(profile, h, calls):
    state = None
    for n in sorted(calls):
        if state is not None:
            state = type(state).from_dict(state.to_dict())
        inc, state = assess(
            profile, h.log, day(n), clearance_exercises=CLEAR, races=h.races, state=state
        )
        assert inc == fresh(profile, h, n)


# ----------------------------------------------------------------- R-PAIN-2


@FAST
@given(
    st.integers(0, 4),
    st.lists(st.integers(0, 5), max_size=20),
    st.integers(14, 60),
    st.data(),
)
def test_a_flare_never_moves_the_usual_baseline_R_PAIN_2(intake, before, weeks_days, data):
    profile = Profile(
        level="novice",
        free_days=frozenset({"mon"}),
        complaints=frozenset({"achilles"}),
        usual_pain=intake,
    )
    calm = [CheckIn(date=day(i), pain=p, stiffness=0) for i, p in enumerate(before)]
    start = len(before)
    u0 = usual_pain(profile, calm, day(start))
    flare = [
        CheckIn(date=day(start + i), pain=data.draw(st.integers(min(u0 + 2, 10), 10)), stiffness=0)
        for i in range(weeks_days)
    ]
    checkins = tuple(calm + flare)
    for i in range(weeks_days + 1):
        assert usual_pain(profile, checkins, day(start + i)) <= u0
    s = assess(
        profile, TrainingLog(checkins=checkins), day(start + weeks_days), clearance_exercises=CLEAR
    )[0]
    assert s.usual <= u0
    assert s.flare is not None or s.stop is not None


@FAST
@given(profiles(), histories(flags=False))
def test_calf_strain_and_shin_limits_are_2_else_5_R_PAIN_2a(profile, h):
    s = fresh(profile, h, h.days)
    strict = bool(profile.complaints & {"calf_strain", "shin"})
    assert s.limit == (2 if strict else 5)


@FAST
@given(profiles(), histories(flags=False))
def test_no_checkin_for_7_days_with_a_complaint_asks_for_one_R_PAIN_2(profile, h):
    for n in range(h.days + 10):
        s = fresh(profile, h, n)
        last = max((c.date for c in h.log.checkins if c.date <= day(n)), default=None)
        silent = last is None or (day(n) - last).days >= 7
        assert s.ask_checkin == (bool(profile.complaints) and silent)
        if s.ask_checkin:
            assert s.morning != "ok"


# ----------------------------------------------------------------- R-PAIN-2a / 2b stops


@FAST
@given(profiles(), histories())
def test_any_red_flag_stops_the_plan_until_a_later_clearance_R_PAIN_2a(profile, h):
    for n in range(h.days + 2):
        s = fresh(profile, h, n)
        flagged = [c.date for c in h.log.checkins if c.red_flags and c.date <= day(n)]
        if not flagged:
            assert s.stop is None or s.stop.kind != "red_flag"
            continue
        latest = max(flagged)
        cleared = any(latest < c.date <= day(n) for c in h.log.clearances)
        assert (s.stop is not None and s.stop.kind == "red_flag") == (not cleared)
        if not cleared:
            assert s.stop is not None and s.stop.rule == "R-PAIN-2a"
            assert ("physiotherapist" in s.stop.advice) and ("doctor" in s.stop.advice)
            assert not s.plyo.open


@FAST
@given(profiles(), histories())
def test_morning_pain_7_or_more_always_stops_R_PAIN_2b(profile, h):
    for c in h.log.checkins:
        if c.pain >= rules.PAIN_STOP_MORNING:
            n = (c.date - D0).days
            s = fresh(profile, h, n)
            assert s.stop is not None and s.flare is not None
            assert s.stop.kind != "pain" or s.stop.rule == "R-PAIN-2b"


@FAST
@given(profiles(), histories(flags=False))
def test_shin_with_bone_stress_or_missed_periods_is_stopped_until_a_clearance_R_PAIN_2a(profile, h):
    referred = "shin" in profile.complaints and (
        profile.bone_stress_history or profile.missed_periods
    )
    for n in range(h.days + 1):
        s = fresh(profile, h, n)
        cleared = any(c.date <= day(n) for c in h.log.clearances)
        if referred and not cleared:
            assert s.stop is not None and s.stop.kind == "referral"
        if not referred:
            assert s.stop is None or s.stop.kind != "referral"


# ----------------------------------------------------------------- gates (R-PAIN-3/4, R-TEST-5)


def _qualifying_legs(h: History, before: dt.date) -> set[str]:
    """Legs with some day of 3 clearance sets of >= 15 reps at logged pain <= 3."""
    legs: set[str] = set()
    dates = {s.date for s in h.log.sets if s.date < before}
    for d in dates:
        for leg in ("left", "right"):
            good = [
                s
                for s in h.log.sets
                if s.date == d
                and s.side in (leg, "both")
                and s.exercise in CLEAR
                and (s.reps or 0) >= 15
                and s.pain is not None
                and s.pain <= 3
            ]
            if len(good) >= 3:
                legs.add(leg)
    return legs


def _hop_passed_somewhere(profile: Profile, h: History, before: dt.date) -> bool:
    limit = min(
        [3]
        + [
            {"shin": 0, "calf_strain": 2}[c]
            for c in profile.complaints
            if c in ("shin", "calf_strain")
        ]
    )
    legs: set[str] = set()
    for t in h.log.hop_tests:
        if t.date < before and t.hops >= 40 and t.pain <= limit:
            legs |= {"left", "right"} if t.side == "both" else {t.side}
    return legs == {"left", "right"}


@FAST
@given(profiles(), histories(), st.integers(1, 4))
def test_gates_never_open_without_their_criterion_R_PAIN_3_R_PAIN_4(profile, h, strain_step):
    for n in range(h.days + 2):
        s = fresh(profile, h, n, strain_step)
        g = s.plyo
        if s.flare is not None or s.stop is not None:
            assert not g.open
        if not g.open:
            assert not g.single_leg_hops and g.since is None
            continue
        if profile.complaints and g.single_leg_hops:
            assert _hop_passed_somewhere(profile, h, day(n))
        if profile.complaints & ACHILLES_COMPLAINTS:
            assert _qualifying_legs(h, day(n)) == {"left", "right"}
        if "plantar_heel" in profile.complaints:
            week = [c for c in h.log.checkins if 0 <= (day(n) - c.date).days < 7]
            assert len(week) >= 5 and all(c.pain <= 2 for c in week)
        if "shin" in profile.complaints:
            assert _hop_passed_somewhere(profile, h, day(n)) and g.cap == rules.PLYO_LIGHT_MAX
        if "calf_strain" in profile.complaints:
            assert strain_step >= 3 and _hop_passed_somewhere(profile, h, day(n))
            assert g.cap is not None and g.cap <= rules.PLYO_MODERATE.high
        assert g.since is None or g.since <= day(n)


@FAST
@given(profiles(), histories())
def test_a_hop_test_is_never_allowed_in_a_flare_near_a_race_or_without_a_week_of_checkins_R_TEST_5(
    profile, h
):
    for n in range(h.days + 2):
        s = fresh(profile, h, n)
        if not s.hop_test[0]:
            continue
        assert s.flare is None and s.stop is None
        week = {c.date for c in h.log.checkins if 0 <= (day(n) - c.date).days < 7}
        assert len(week) == 7
        assert all(
            c.pain <= 2 and not c.red_flags
            for c in h.log.checkins
            if 0 <= (day(n) - c.date).days < 7
        )
        for r in h.races:
            after = 14 if r.effective_km >= rules.MARATHON_KM else 7
            assert not (-7 <= (day(n) - r.date).days <= after)
        assert all(not (0 <= (day(n) - t.date).days < 7) for t in h.log.hop_tests)


@st.composite
def calm_histories(draw: st.DrawFn) -> History:
    """Daily check-ins at 0-1 (now and then a flare of 3-4) for 35-70 days, heel-raise tests
    on random days, races near them: complaints close often, so the property below bites."""
    days = draw(st.integers(35, 70))
    flare_start = draw(st.none() | st.integers(0, days))
    checkins = tuple(
        CheckIn(
            date=day(n),
            pain=(
                draw(st.integers(3, 4))
                if flare_start is not None and flare_start <= n < flare_start + 3
                else draw(st.integers(0, 1))
            ),
            stiffness=0,
        )
        for n in range(days)
    )
    tests = tuple(
        CapacityTest(date=day(n), left=draw(st.integers(22, 30)), right=draw(st.integers(22, 30)))
        for n in sorted(draw(st.sets(st.integers(0, days - 1), min_size=1, max_size=4)))
    )
    races = tuple(
        Race(date=day(n), distance_km=km)
        for n, km in draw(
            st.lists(
                st.tuples(st.integers(0, days), st.sampled_from((5.0, 21.1, 42.195))), max_size=2
            )
        )
    )
    return History(TrainingLog(checkins=checkins, tests=tests), days, races)


def _free_test_day(profile: Profile, h: History, t: dt.date) -> bool:
    """R-TEST-5: no race's window (7 days before, 7 after, 14 after a marathon), no flare,
    not stopped."""
    for r in h.races:
        after = 14 if r.effective_km >= rules.MARATHON_KM else 7
        if -7 <= (t - r.date).days <= after:
            return False
    s = fresh(profile, h, (t - D0).days)
    return s.flare is None and s.stop is None


@FAST
@given(
    st.sampled_from(("achilles", "achilles_insertional", "plantar_heel", "calf_strain", "shin")),
    calm_histories(),
)
def test_a_complaint_closes_only_on_a_symmetric_test_taken_on_a_free_day_R_PAIN_4_D_164(
    complaint, h
):
    profile = Profile(
        level="intermediate",
        free_days=frozenset({"mon", "thu"}),
        complaints=frozenset({complaint}),
        usual_pain=1,
    )
    s = fresh(profile, h, h.days + 1)
    event("closed" if s.closed_on is not None else "still open")
    if s.closed_on is None:
        return
    lsi: dict[dt.date, list[float | None]] = {}
    for t in h.log.tests:
        lsi.setdefault(t.date, []).append(symmetry_index(t.left, t.right))

    def symmetric(d: dt.date) -> bool:
        return all(v is not None and v >= rules.SYMMETRY_FLAG_BELOW for v in lsi[d])

    backing = [
        d
        for d in lsi
        if symmetric(d)
        and d < s.closed_on
        and (s.closed_on - d).days <= rules.CLOSE_TEST_MAX_AGE_DAYS
        and _free_test_day(profile, h, d)
    ]
    assert backing, (s.closed_on, h.log.tests, h.races)
    # Nothing that counts against it came after: a lopsided test on any day (D-164: it
    # still holds closing back), an incomplete one on a free day.
    last = max(backing)
    for d, values in lsi.items():
        if last < d < s.closed_on:
            assert not any(v is not None and v < rules.SYMMETRY_FLAG_BELOW for v in values), d
            assert not (None in values and _free_test_day(profile, h, d)), d
