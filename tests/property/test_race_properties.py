"""R-SCHED-4a and R-SCHED-4b as properties over many random profiles with races of random
distances and tune-up flags. The expected windows are worked out here from the rule sheet's
own numbers, independently of `core.races`."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.strategies import dates
from tests.strategies_races import race_lists, race_plan_requests

from calfcoach.core import rules
from calfcoach.core.models import DAYS, Race
from calfcoach.core.races import RaceCalendar, race_calendar
from calfcoach.core.schedule import LIGHT, build_schedule, hard_run_checks, place_week

MANY = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
DAY = dt.timedelta(days=1)


# ------------------------------------------------------------------ the rule sheet, by hand


def km(race: Race) -> float:
    return 21.0975 if race.distance_km is None else race.distance_km


def tune_up(race: Race) -> bool:
    return race.tune_up and km(race) <= 10


def window(race: Race) -> int:
    """N of R-SCHED-4a: 2 up to 10 km, 4 below a marathon, 7 to 60 km, 10 beyond."""
    if tune_up(race):
        return 0
    d = km(race)
    return 2 if d <= 10 else 4 if d < 42.195 else 7 if d <= 60 else 10


def no_session_days(races: tuple[Race, ...]) -> set[dt.date]:
    out: set[dt.date] = set()
    for r in races:
        out.add(r.date)
        if not tune_up(r):
            out.add(r.date - DAY)
            out.update(r.date + i * DAY for i in range(1, window(r) + 1))
    return out


def light_days(races: tuple[Race, ...]) -> set[dt.date]:
    out: set[dt.date] = set()
    for r in races:
        if not tune_up(r) and km(r) >= 42.195:
            end = r.date + window(r) * DAY
            out.update(end + i * DAY for i in range(1, 8))
    return out


def all_dates(schedule) -> list[dt.date]:  # type: ignore[no-untyped-def]
    return [d for ws in schedule for d in ws.dates]


# ------------------------------------------------------------------ the calendar


@MANY
@given(dates, st.data())
def test_the_calendar_blocks_race_day_the_eve_and_the_recovery_window_by_distance(start, data):
    # R-SCHED-4a: no session on race day or the next N days; R-SCHED-0: nor the day before.
    races = data.draw(race_lists(start, 60))
    cal = RaceCalendar(races)
    blocked = no_session_days(races)
    light = light_days(races)
    for i in range(-30, 90):
        day = start + i * DAY
        info = cal.day(day)
        assert (info.blocked is not None) == (day in blocked), day
        if day not in blocked:
            assert (info.light_only is not None) == (day in light), day


@MANY
@given(dates, st.data())
def test_the_taper_and_the_last_rehab_day_count_down_to_the_nearest_full_race(start, data):
    # R-SCHED-4a: 7 days before a race heavy/plyo stop, rehab's last session >= 3 days out.
    races = data.draw(race_lists(start, 60))
    cal = RaceCalendar(races)
    for i in range(-30, 90):
        day = start + i * DAY
        ahead = [(r.date - day).days for r in races if not tune_up(r) and r.date > day]
        info = cal.day(day)
        assert (info.taper is not None) == any(d <= 7 for d in ahead)
        assert (info.no_rehab is not None) == any(d < 3 for d in ahead)
        if info.taper is not None:
            assert (info.taper.date - day).days == min(ahead)
        before = [r.date for r in races if r.date < day]
        assert (info.after.date if info.after else None) == (max(before) if before else None)


@MANY
@given(dates, st.data())
def test_every_day_in_the_14_days_after_a_marathon_names_it(start, data):
    # R-SCHED-4a: every session in the 14 days after a marathon or longer names the race.
    races = data.draw(race_lists(start, 60))
    cal = RaceCalendar(races)
    for r in races:
        if tune_up(r) or km(r) < 42.195:
            continue
        for i in range(1, 15):
            assert cal.day(r.date + i * DAY).name_in_reasons is not None


# ------------------------------------------------------------------ the schedule


@MANY
@given(race_plan_requests())
def test_no_session_falls_on_a_race_day_its_eve_or_inside_its_recovery_window(req):
    # R-SCHED-0 (1), R-SCHED-4, R-SCHED-4a.
    profile, start, weeks = req
    schedule, _ = build_schedule(profile, start, weeks)
    forbidden = no_session_days(profile.races)
    for d in all_dates(schedule):
        assert d not in forbidden, d


@MANY
@given(race_plan_requests())
def test_sessions_stay_on_free_days_at_least_two_days_apart_in_seven_day_blocks(req):
    # R-SCHED-0, R-SCHED-2.
    profile, start, weeks = req
    schedule, _ = build_schedule(profile, start, weeks)
    dates_ = all_dates(schedule)
    assert dates_ == sorted(dates_)
    for a, b in zip(dates_, dates_[1:], strict=False):
        assert (b - a).days >= rules.MIN_DAYS_BETWEEN
    for ws in schedule:
        for d in ws.dates:
            assert DAYS[d.weekday()] in profile.free_days
            assert (d - start).days // 7 + 1 == ws.week


@MANY
@given(race_plan_requests())
def test_no_session_on_or_the_day_before_a_long_run(req):  # R-SCHED-4
    profile, start, weeks = req
    schedule, _ = build_schedule(profile, start, weeks)
    long_days = {DAYS.index(r.day) for r in profile.runs if r.kind == "long"}
    for d in all_dates(schedule):
        assert d.weekday() not in long_days
        assert (d.weekday() + 1) % 7 not in long_days


@MANY
@given(race_plan_requests())
def test_a_week_short_of_sessions_says_why_and_names_the_race_window_when_it_cost_one(req):
    # R-SCHED-0: every rule that gives way is warned; R-SCHED-4a names the race window.
    profile, start, weeks = req
    schedule, issues = build_schedule(profile, start, weeks)
    no_races, _ = build_schedule(profile.model_copy(update={"races": ()}), start, weeks)
    wanted = rules.sessions_wanted(profile)
    for ws, free_ws in zip(schedule, no_races, strict=True):
        if len(ws.dates) < wanted:
            assert any(i.rule == "R-SCHED-1" and i.week == ws.week for i in issues)
        if ws.week == 1 and len(ws.dates) < len(free_ws.dates):
            # week 1 starts alike with or without races, so the races took the session
            assert any(i.rule == "R-SCHED-4a" and i.week == 1 for i in issues)


@MANY
@given(race_plan_requests())
def test_a_session_on_the_eve_of_a_hard_run_or_tune_up_race_is_warned(req):
    # R-SCHED-4 (a tune-up race counts as a hard run, R-SCHED-4a).
    profile, start, weeks = req
    schedule, issues = build_schedule(profile, start, weeks)
    before_hard, _ = hard_run_checks(profile)
    for ws in schedule:
        for d in ws.dates:
            if before_hard(d):
                assert any(i.rule == "R-SCHED-4" and i.week == ws.week for i in issues)


# ------------------------------------------------------------------ R-SCHED-4b placement

KINDS = ("plyo", "heavy_bent", "heavy_straight", "light_straight", "light_bent", "soleus")


def intense(kind: str) -> bool:
    return kind in ("plyo", "heavy_bent", "heavy_straight")


def plyo(kind: str) -> bool:
    return kind == "plyo"


@MANY
@given(race_plan_requests(), st.data())
def test_place_week_never_leaves_intense_work_before_a_hard_run_nor_plyometrics_after_one(
    req, data
):
    profile, start, weeks = req
    schedule, _ = build_schedule(profile, start, weeks)
    before_hard, after_hard = hard_run_checks(profile, race_calendar(profile))
    refused = data.draw(st.sets(st.tuples(st.integers(0, 6), st.sampled_from(KINDS))))

    def allowed(day: dt.date, kind: str) -> bool:
        return (day.weekday(), kind) not in refused

    for ws in schedule:
        kinds = data.draw(
            st.lists(st.sampled_from(KINDS), min_size=len(ws.dates), max_size=len(ws.dates))
        )
        slots = list(zip(ws.dates, kinds, strict=True))
        placed, warnings = place_week(
            slots,
            intense=intense,
            plyo=plyo,
            before_hard=before_hard,
            after_hard=after_hard,
            allowed=allowed,
        )
        assert [d for d, _ in placed] == list(ws.dates)
        for day, kind in placed:
            assert not (intense(kind) and before_hard(day)), (day, kind)
            assert not (plyo(kind) and after_hard(day)), (day, kind)
        # every block is still there, or was cut to light; each change is warned (R-SCHED-4b)
        kept = Counter(k for _, k in placed if k != LIGHT)
        cut = sum(k == LIGHT for _, k in placed)
        assert kept <= Counter(kinds) and kept.total() + cut == len(kinds)
        assert len([w for w in warnings if "cut to light" in w[1]]) == cut
        moved = sum(1 for (d0, k0), (d1, k1) in zip(slots, placed, strict=True) if k0 != k1)
        if moved:
            assert warnings and all(rule == "R-SCHED-4b" for rule, _ in warnings)


# ------------------------------------------------------------------ R-TEST-5 retests


@MANY
@given(race_plan_requests())
def test_no_capacity_retest_falls_within_7_days_of_a_race_nor_14_after_a_marathon_R_TEST_5(req):
    # D-159: the retest of a lighter week (R-PROG-5) fell in race week when the two met.
    from calfcoach.catalog import load_catalog
    from calfcoach.core.capacity import retest_dates
    from calfcoach.core.planner import build_plan

    profile, start, weeks = req
    plan = build_plan(profile, load_catalog(), start, weeks)
    days = retest_dates(plan, profile.races)
    session_days = {s.date for s in plan.sessions}
    lighter = sorted(s.date for s in plan.sessions if s.deload)
    for day in days:
        assert day in session_days, day
        for race in profile.races:
            after = 14 if km(race) >= 42.195 and not tune_up(race) else 7
            assert not (race.date - 7 * DAY <= day <= race.date), (day, race)
            assert not (race.date < day <= race.date + after * DAY), (day, race)
        if lighter:
            # in a lighter week, or at most two weeks after one (R-TEST-4: every 4-6 weeks)
            assert any(0 <= (day - d).days <= 14 + 6 for d in lighter), (day, lighter)
    assert list(days) == sorted(set(days))
