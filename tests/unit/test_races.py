"""Unit tests of races and placement (R-SCHED-4a, R-SCHED-4b): the race calendar, the
schedule around races, moved sessions, and `place_week`."""

from __future__ import annotations

import datetime as dt

import pytest

from calfcoach.core import rules
from calfcoach.core.models import Prescription, Profile, Race, Session
from calfcoach.core.races import RaceCalendar, race_calendar, recovery_days
from calfcoach.core.schedule import (
    LIGHT,
    build_schedule,
    hard_run_checks,
    move_problems,
    place_week,
)

MONDAY = dt.date(2026, 1, 5)
DAY = dt.timedelta(days=1)
SAT = MONDAY + 5 * DAY


def race(day: dt.date, km: float | None = None, *, tune_up: bool = False, name: str | None = None):
    return Race(date=day, distance_km=km, tune_up=tune_up, name=name)


def profile(**kw: object) -> Profile:
    base: dict[str, object] = {
        "level": "intermediate",
        "equipment": ["dumbbell", "jump_rope"],
        "free_days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
        "sessions_per_week": 2,
        "runs": [],
    }
    base.update(kw)
    return Profile.model_validate(base)


def blocked_after(r: Race) -> list[int]:
    cal = RaceCalendar([r])
    return [i for i in range(-3, 20) if cal.day(r.date + i * DAY).blocked is not None]


def session(*schemes: str) -> Session:
    return Session(
        date=MONDAY,
        week=1,
        deload=False,
        title="x",
        exercises=tuple(
            Prescription(exercise=f"ex-{i}", scheme=s, sets=3, reps=5)  # type: ignore[arg-type]
            for i, s in enumerate(schemes)
        ),
    )


# ------------------------------------------------------------------ the calendar (R-SCHED-4a)


@pytest.mark.parametrize(
    ("km", "days"),
    [
        (5, 2),
        (10, 2),
        (10.5, 4),
        (None, 4),  # no distance: a half marathon is assumed
        (42.0, 4),
        (42.195, 7),  # the marathon itself (D-16)
        (60, 7),
        (60.5, 10),
        (100, 10),
    ],
)
def test_the_recovery_window_after_a_race_grows_with_its_distance(km, days):
    r = race(SAT, km)
    assert recovery_days(r) == days
    # the day before, race day, and the next N days (R-SCHED-0, R-SCHED-4a)
    assert blocked_after(r) == list(range(-1, days + 1))


def test_a_tune_up_race_blocks_only_its_own_day_and_counts_as_a_hard_run():
    r = race(SAT, 5, tune_up=True)
    cal = RaceCalendar([r])
    assert blocked_after(r) == [0]
    assert cal.hard_run_dates() == frozenset({SAT})
    assert cal.day(SAT - 3 * DAY).taper is None  # no taper before a hard run
    eve = cal.day(SAT - DAY)
    assert eve.blocked is None and any(rule == "R-SCHED-4b" for rule, _ in eve.reasons)


def test_a_tune_up_flag_on_a_long_race_is_planned_as_a_race_and_says_so():
    r = race(SAT, 21.1, tune_up=True, name="Spring half")
    cal = RaceCalendar([r])
    assert cal.hard_run_dates() == frozenset()
    assert blocked_after(r) == list(range(-1, 5))
    assert [(d, rule) for d, rule, _ in cal.notes()] == [(SAT, "R-SCHED-4a")]
    assert "Spring half" in cal.notes()[0][2]


def test_the_week_after_a_marathon_window_is_light_foot_and_rehab_only():
    r = race(SAT, 42.195, name="Berlin")
    cal = RaceCalendar([r])
    light = [i for i in range(0, 30) if cal.day(SAT + i * DAY).light_only is not None]
    assert light == list(range(8, 15))  # window 1-7, then 7 light days
    assert all(cal.day(SAT + i * DAY).name_in_reasons == r for i in range(1, 15))
    assert cal.day(SAT + 15 * DAY).name_in_reasons is None
    assert any("Berlin" in text for _, text in cal.day(SAT + 9 * DAY).reasons)


def test_after_an_ultra_the_race_is_named_to_the_end_of_its_light_week():
    r = race(SAT, 100)
    cal = RaceCalendar([r])
    light = [i for i in range(0, 30) if cal.day(SAT + i * DAY).light_only is not None]
    assert light == list(range(11, 18))
    assert all(cal.day(SAT + i * DAY).name_in_reasons == r for i in range(1, 18))


def test_a_half_marathon_has_no_light_week_and_is_not_named_for_14_days():
    cal = RaceCalendar([race(SAT)])
    assert all(cal.day(SAT + i * DAY).light_only is None for i in range(30))
    assert all(cal.day(SAT + i * DAY).name_in_reasons is None for i in range(30))


def test_the_taper_stops_heavy_work_for_7_days_and_rehab_3_days_before_the_race():
    r = race(SAT, 10)
    cal = RaceCalendar([r])
    taper = [i for i in range(1, 12) if cal.day(SAT - i * DAY).taper == r]
    no_rehab = [i for i in range(1, 12) if cal.day(SAT - i * DAY).no_rehab == r]
    assert taper == list(range(1, rules.RACE_TAPER_DAYS + 1))
    assert no_rehab == [1, 2]  # the last rehab session is at least 3 days out
    assert any(
        "one set fewer" in text or "1 set fewer" in text
        for _, text in cal.day(SAT - 5 * DAY).reasons
    )


def test_overlapping_windows_take_the_strictest_rule_for_each_day():
    marathon = race(MONDAY, 42.195)
    ten_k = race(MONDAY + 10 * DAY, 10)  # inside the marathon's light week
    cal = RaceCalendar([ten_k, marathon])
    day = cal.day(MONDAY + 9 * DAY)  # light week of the marathon and the eve of the 10 km
    assert day.blocked == ten_k and day.light_only == marathon and day.taper == ten_k
    day = cal.day(MONDAY + 13 * DAY)  # 10 km window over, marathon light week still on
    assert day.blocked is None and day.light_only == marathon
    assert day.after == ten_k and day.name_in_reasons == marathon


def test_the_most_recent_race_before_a_day_is_known_for_the_first_plyometric_block():
    a, b = race(MONDAY, 5), race(MONDAY + 20 * DAY, 5, tune_up=True)
    cal = RaceCalendar([a, b])
    assert cal.day(MONDAY).after is None
    assert cal.day(MONDAY + DAY).after == a
    assert cal.day(MONDAY + 20 * DAY).after == a
    assert cal.day(MONDAY + 21 * DAY).after == b


def test_a_bare_date_in_the_races_is_a_half_marathon():
    p = profile().model_copy(update={"races": (SAT,)})  # not validated: a plain date
    cal = race_calendar(p)
    assert recovery_days(cal.races[0]) == rules.RACE_RECOVERY_DAYS_MID


@pytest.mark.parametrize(
    "day", [dt.date.min, dt.date(1899, 12, 31), dt.date(2200, 1, 1), dt.date.max]
)
def test_a_race_outside_the_one_date_rule_is_refused_by_the_model(day: dt.date) -> None:
    # Its race window (the day before, the recovery days after) overflowed date.min and
    # date.max in the race calendar: the model keeps the one date rule (D-25).
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="is out of range; allowed: 1900-01-01 to 2199-12-31"):
        Race(date=day)
    with pytest.raises(ValidationError, match=f"{day.isoformat()} is out of range"):
        profile(races=[day.isoformat()])


def test_races_at_the_edges_of_the_one_date_rule_make_a_calendar() -> None:
    p = profile(races=["1900-01-01", {"date": "2199-12-31", "distance_km": 250}])
    cal = race_calendar(p)
    assert cal.day(dt.date(1900, 1, 2)).blocked and cal.day(dt.date(2199, 12, 31)).blocked


# ------------------------------------------------------------------ the schedule


def test_no_session_is_planned_in_a_marathon_recovery_window_and_the_loss_is_warned():
    p = profile(races=[{"date": MONDAY.isoformat(), "distance_km": 42.195, "name": "Berlin"}])
    weeks, issues = build_schedule(p, MONDAY - 7 * DAY, 3)
    dates = [d for w in weeks for d in w.dates]
    assert not [d for d in dates if MONDAY - DAY <= d <= MONDAY + 7 * DAY]
    # week 2 (race Monday .. Sunday) holds no session at all
    assert weeks[1].dates == ()
    lost = [i for i in issues if i.rule == "R-SCHED-4a" and i.week == 2]
    assert lost and "Berlin" in lost[0].message


def test_a_tune_up_race_eve_is_avoided_like_the_day_before_a_hard_run():
    p = profile(
        free_days=["wed", "fri"],
        sessions_per_week=1,
        races=[{"date": "2026-01-08", "distance_km": 5, "tune_up": True}],
    )
    weeks, issues = build_schedule(p, MONDAY, 2)
    # Wed 7th is the eve of the tune-up on Thu 8th: Fri instead; week 2 keeps Wednesday
    assert [w.dates for w in weeks] == [(MONDAY + 4 * DAY,), (MONDAY + 9 * DAY,)]
    assert not issues


def test_a_forced_session_on_a_tune_up_eve_is_warned():
    p = profile(
        free_days=["wed"], races=[{"date": "2026-01-08", "distance_km": 5, "tune_up": True}]
    )
    weeks, issues = build_schedule(p, MONDAY, 1)
    assert weeks[0].dates == (MONDAY + 2 * DAY,)
    assert any(i.rule == "R-SCHED-4" and "tune-up" in i.message for i in issues)


# ------------------------------------------------------------------ moved sessions


def test_a_session_moved_into_a_recovery_window_is_refused():
    p = profile(races=[{"date": SAT.isoformat(), "distance_km": 21.1}])
    problems = move_problems(p, session("light"), SAT + 3 * DAY, [])
    assert [rule for rule, _ in problems] == ["R-SCHED-4a"]
    assert "recovery window" in problems[0][1]
    assert move_problems(p, session("light"), SAT + 5 * DAY, []) == []


def test_heavy_work_moved_into_the_light_week_after_a_marathon_is_refused():
    p = profile(races=[{"date": SAT.isoformat(), "distance_km": 42.195}])
    assert [r for r, _ in move_problems(p, session("heavy"), SAT + 9 * DAY, [])] == ["R-SCHED-4a"]
    assert move_problems(p, session("light"), SAT + 9 * DAY, []) == []


def test_a_rehab_block_moved_two_days_before_a_race_is_refused():
    p = profile(races=[SAT.isoformat()])
    assert [r for r, _ in move_problems(p, session("rehab"), SAT - 2 * DAY, [])] == ["R-SCHED-4a"]
    assert move_problems(p, session("rehab"), SAT - 3 * DAY, []) == []


def test_a_session_moved_onto_a_tune_up_race_day_is_refused_but_its_eve_is_not():
    p = profile(races=[{"date": SAT.isoformat(), "distance_km": 5, "tune_up": True}])
    assert [r for r, _ in move_problems(p, session("light"), SAT, [])] == ["R-SCHED-4a"]
    assert move_problems(p, session("heavy"), SAT - DAY, []) == []  # no taper for a tune-up


# ------------------------------------------------------------------ R-SCHED-4b placement


def intense(kind: str) -> bool:
    return kind in ("plyo", "heavy")


def is_plyo(kind: str) -> bool:
    return kind == "plyo"


def everywhere(_day: dt.date, _kind: str) -> bool:
    return True


def test_heavy_work_the_day_before_a_hard_run_swaps_with_the_other_session():
    p = profile(runs=[{"day": "tue", "kind": "hard"}])
    before, after = hard_run_checks(p)
    mon, thu = MONDAY, MONDAY + 3 * DAY
    placed, warnings = place_week(
        [(mon, "heavy"), (thu, "light")],
        intense=intense,
        plyo=is_plyo,
        before_hard=before,
        after_hard=after,
        allowed=everywhere,
    )
    assert placed == [(mon, "light"), (thu, "heavy")]
    assert [rule for rule, _ in warnings] == ["R-SCHED-4b"]
    assert "heavy block moved" in warnings[0][1]


def test_plyometrics_the_day_after_a_tune_up_race_swap_when_the_other_day_is_clear():
    p = profile(races=[{"date": MONDAY.isoformat(), "distance_km": 5, "tune_up": True}])
    before, after = hard_run_checks(p)
    tue, fri = MONDAY + DAY, MONDAY + 4 * DAY
    placed, _ = place_week(
        [(tue, "plyo"), (fri, "light")],
        intense=intense,
        plyo=is_plyo,
        before_hard=before,
        after_hard=after,
        allowed=everywhere,
    )
    assert placed == [(tue, "light"), (fri, "plyo")]


def test_a_block_that_cannot_swap_is_cut_to_light_and_warned():
    # Hard runs on Tue and Thu: Mon and Wed are eves, Wed and Fri mornings after.
    p = profile(runs=[{"day": "tue", "kind": "hard"}, {"day": "thu", "kind": "hard"}])
    before, after = hard_run_checks(p)
    mon, wed = MONDAY, MONDAY + 2 * DAY
    placed, warnings = place_week(
        [(mon, "heavy"), (wed, "light")],
        intense=intense,
        plyo=is_plyo,
        before_hard=before,
        after_hard=after,
        allowed=everywhere,
    )
    assert placed == [(mon, LIGHT), (wed, "light")]
    assert len(warnings) == 1 and "cut to light and foot work" in warnings[0][1]


def test_a_swap_the_other_day_does_not_allow_is_not_made():
    p = profile(runs=[{"day": "tue", "kind": "hard"}])
    before, after = hard_run_checks(p)
    mon, thu = MONDAY, MONDAY + 3 * DAY
    placed, _ = place_week(
        [(mon, "heavy"), (thu, "light")],
        intense=intense,
        plyo=is_plyo,
        before_hard=before,
        after_hard=after,
        allowed=lambda day, kind: not (day == thu and kind == "heavy"),  # e.g. a taper day
    )
    assert placed == [(mon, LIGHT), (thu, "light")]


def test_a_week_with_nothing_misplaced_is_returned_unchanged_and_unwarned():
    p = profile(runs=[{"day": "tue", "kind": "hard"}])
    before, after = hard_run_checks(p)
    slots = [(MONDAY + 3 * DAY, "plyo"), (MONDAY + 5 * DAY, "heavy")]  # Thu, Sat
    assert place_week(
        slots,
        intense=intense,
        plyo=is_plyo,
        before_hard=before,
        after_hard=after,
        allowed=everywhere,
    ) == (slots, [])


def test_the_plan_warns_when_a_tune_up_flag_is_ignored_on_a_long_race():
    # D-16: a "tune-up" longer than 10 km is planned as a race, and the plan says so.
    p = profile(races=[{"date": "2026-01-10", "distance_km": 21.1, "tune_up": True}])
    _, issues = build_schedule(p, MONDAY, 2)
    notes = [i for i in issues if i.rule == "R-SCHED-4a" and "tune-up" in i.message]
    assert [i.week for i in notes] == [1]


def test_the_schedule_is_the_same_for_a_bare_date_and_a_race_without_distance():
    bare = profile().model_copy(update={"races": (SAT,)})
    full = profile(races=[{"date": SAT.isoformat()}])
    assert build_schedule(bare, MONDAY, 4) == build_schedule(full, MONDAY, 4)


# ------------------------------------------------------------------ race week and protocols


def test_an_achilles_protocol_holds_its_rm_step_through_race_week_and_moves_on_after() -> None:
    # D-139, found reading a plan: a 10RM protocol became 8RM two days into the week before
    # a half marathon ("one set fewer, load kept" beside a heavier RM). It now holds the step
    # of the last session before that week, says so, and takes the next step after the race.
    from calfcoach.catalog import load_catalog
    from calfcoach.core.planner import build_plan

    start = dt.date(2026, 12, 7)
    half = race(dt.date(2027, 1, 17), 21.1)
    athlete = profile(
        level="advanced",
        equipment=["leg_press", "seated_calf_machine", "dumbbell", "step", "jump_rope"],
        runs=[
            {"day": "tue", "kind": "hard"},
            {"day": "wed", "kind": "easy"},
            {"day": "thu", "kind": "hard"},
            {"day": "sat", "kind": "long"},
        ],
        races=[{"date": "2026-12-13", "distance_km": 10, "tune_up": True}, half],
        complaints=["achilles_insertional", "plantar_heel"],
        usual_pain=4,
        session_minutes=40,
        sessions_per_week=3,
    )
    plan = build_plan(athlete, load_catalog(), start, 8)
    rehab = [
        (s.date, rx)
        for s in plan.sessions
        for rx in s.exercises
        if rx.exercise == "heavy-slow-bent-knee-heel-raise"
    ]
    taper = [(d, rx) for d, rx in rehab if 0 < (half.date - d).days <= 7]
    last_before = [rx for d, rx in rehab if (half.date - d).days > 7][-1]
    after = [rx for d, rx in rehab if d > half.date]
    assert len(taper) == 3
    assert {rx.reps for _, rx in taper} == {last_before.reps} == {10}
    assert {rx.sets for _, rx in taper} == {3}
    held = [r.text for _, rx in taper[1:] for r in rx.reasons if r.rule == "R-SCHED-4a"]
    assert held and all("the 10RM load until the race" in text for text in held), held
    assert after[0].reps == 8  # the step the weeks logged before the race earned
    # Every reason of this athlete (plyometrics gated by the complaints) leaves them out.
    texts = [r.text for s in plan.sessions for rx in s.exercises for r in rx.reasons]
    assert not [t for t in texts if "plyometric" in t.lower() and "restart" in t]
