"""The running rules of issue 10 (docs/running-load.md): summaries, run kinds, load, weekly
totals, the spike rule and duplicates. Pure: no files."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError
from tests.strategies import examples

from calfcoach.core.running import (
    Activity,
    HeartRate,
    Pace,
    Physiology,
    Sample,
    classify,
    classify_all,
    common_basis,
    duplicates,
    run_load,
    same_activity,
    spike_check,
    summarize,
    trimp,
    weekly_totals,
)

TODAY = dt.date(2026, 6, 30)  # a Tuesday


def run(
    day: dt.date,
    minutes: float = 40,
    km: float | None = 8.0,
    *,
    hour: int = 7,
    bpm: int | None = None,
    hist: tuple[tuple[int, float], ...] = (),
    cv: float | None = 0.03,
    rpe: int | None = None,
    sport: str = "running",
    seed: str = "",
) -> Activity:
    start = dt.datetime.combine(day, dt.time(hour), tzinfo=dt.UTC)
    seconds = minutes * 60
    key = f"{start.isoformat()}{minutes}{km}{bpm}{rpe}{sport}{seed}".encode()
    return Activity(
        start=start,
        sport=sport,  # type: ignore[arg-type]
        elapsed_s=seconds,
        moving_s=seconds,
        distance_m=None if km is None else km * 1000,
        pace=None if km is None else Pace(avg_speed_mps=km * 1000 / seconds, cv=cv, windows=10),
        heart_rate=None
        if bpm is None
        else HeartRate(avg_bpm=bpm, max_bpm=bpm + 10, seconds_by_bpm=hist),
        rpe=rpe,
        source="test",
        fingerprint=hashlib.sha256(key).hexdigest(),
    )


# --------------------------------------------------------------------------- RUN-SUM


def test_moving_time_leaves_out_pauses_long_gaps_and_standing_still() -> None:
    samples = [Sample(t, distance_m=3.0 * t) for t in range(0, 601)]  # 10 min at 3 m/s
    samples += [Sample(700 + t, distance_m=1800.0) for t in range(0, 60)]  # standing, after a gap
    samples += [Sample(800 + t, distance_m=1800.0 + 3.0 * t, resume=t == 0) for t in range(0, 301)]
    summary = summarize(samples)
    assert summary.moving_s == pytest.approx(900)
    assert summary.elapsed_s == 1100
    assert summary.distance_m == pytest.approx(2700)


def test_a_steady_run_has_a_small_pace_variation_and_intervals_a_large_one() -> None:
    steady = summarize([Sample(t, speed_mps=3.0) for t in range(0, 1800)])
    fast_slow = summarize(
        [Sample(t, speed_mps=4.5 if (t // 60) % 2 else 2.5) for t in range(0, 1800)]
    )
    assert steady.pace is not None and steady.pace.cv == 0
    assert fast_slow.pace is not None and fast_slow.pace.cv is not None
    assert fast_slow.pace.cv > 0.2


def test_device_totals_win_over_totals_computed_from_samples() -> None:
    summary = summarize(
        [Sample(t, distance_m=3.0 * t, heart_rate=140) for t in range(0, 600)],
        moving_s=500,
        distance_m=1000,
        avg_hr=150,
        max_hr=180,
    )
    assert (summary.moving_s, summary.distance_m) == (500, 1000)
    assert summary.heart_rate is not None
    assert (summary.heart_rate.avg_bpm, summary.heart_rate.max_bpm) == (150, 180)
    assert summary.heart_rate.seconds_by_bpm == ((140, 599.0),)


def test_an_activity_needs_an_aware_start_and_moving_time_within_elapsed_time() -> None:
    base = run(TODAY).model_dump()
    with pytest.raises(ValidationError, match="time zone"):
        Activity(**{**base, "start": dt.datetime(2026, 6, 30, 7)})
    with pytest.raises(ValidationError, match="exceeds elapsed"):
        Activity(**{**base, "moving_s": base["elapsed_s"] + 100})
    local = Activity(
        **{**base, "start": dt.datetime(2026, 6, 30, 23, tzinfo=dt.UTC), "utc_offset_s": 7200}
    )
    assert local.local_date == dt.date(2026, 7, 1)


# --------------------------------------------------------------------------- RUN-CLASS


def test_ninety_minutes_or_more_is_a_long_run() -> None:
    result = classify(run(TODAY, 95, 16))
    assert (result.kind, result.rule) == ("long", "RUN-CLASS-1")


def test_an_hour_is_long_for_someone_whose_runs_are_half_an_hour() -> None:
    history = [run(TODAY - dt.timedelta(days=d), 30, 5) for d in (3, 6, 9, 12)]
    assert classify(run(TODAY, 60, 10), history).kind == "long"
    assert classify(run(TODAY, 60, 10)).kind == "easy"  # without history: not long


def test_twenty_minutes_above_eighty_two_percent_of_hrmax_is_hard() -> None:
    phys = Physiology(hr_max=190)  # 82%: 155.8 bpm, 87%: 165.3 bpm
    hard = run(TODAY, 50, 10, bpm=158, hist=((140, 1500.0), (160, 1500.0)))
    easy = run(TODAY, 50, 10, bpm=140, hist=((140, 2400.0), (160, 600.0)))
    result = classify(hard, physiology=phys)
    assert (result.kind, result.rule) == ("hard", "RUN-CLASS-2")
    assert "190" in result.reason
    assert classify(easy, physiology=phys).kind == "easy"


def test_ten_minutes_above_eighty_seven_percent_of_hrmax_is_hard() -> None:
    phys = Physiology(hr_max=190)
    result = classify(
        run(TODAY, 45, 9, bpm=150, hist=((140, 2100.0), (170, 600.0))), physiology=phys
    )
    assert result.kind == "hard"


def test_without_hrmax_heart_rate_does_not_classify() -> None:
    result = classify(run(TODAY, 45, 9, bpm=175, hist=((175, 2700.0),), cv=0.02))
    assert result.kind == "easy"


def test_a_varied_pace_without_heart_rate_reads_as_intervals() -> None:
    result = classify(run(TODAY, 45, 9, cv=0.2))
    assert (result.kind, result.rule, result.detail) == ("hard", "RUN-CLASS-3", "intervals")


def test_a_pace_ten_percent_faster_than_usual_reads_as_tempo() -> None:
    history = [run(TODAY - dt.timedelta(days=d), 40, 8) for d in (2, 4, 6)]  # 12 km/h
    result = classify(run(TODAY, 30, 6.7), history)  # 13.4 km/h: 11.7% faster
    assert (result.kind, result.detail) == ("hard", "tempo")
    assert classify(run(TODAY, 30, 6.3), history).kind == "easy"  # 5% faster


def test_an_indoor_run_is_not_judged_by_its_pace() -> None:
    treadmill = run(TODAY, 45, 9, cv=0.3).model_copy(update={"indoor": True})
    assert classify(treadmill).kind == "easy"


def test_hrmax_is_given_else_from_age_else_the_highest_seen() -> None:
    assert Physiology.build(hr_max=185).hr_max_source == "given"
    assert Physiology.build(age=40).hr_max == 180  # Tanaka: 208 - 0.7 x 40
    seen = Physiology.build(activities=[run(TODAY, bpm=170)])
    assert (seen.hr_max, seen.hr_max_source) == (180, "observed")
    assert Physiology.build().hr_max is None


# --------------------------------------------------------------------------- RUN-LOAD


def test_load_is_session_rpe_times_minutes_when_rpe_is_known() -> None:
    load = run_load(run(TODAY, 50, rpe=6, bpm=150), "easy", Physiology(hr_max=190))
    assert load is not None and (load.value, load.basis, load.rule) == (300, "rpe", "RUN-LOAD-1")


def test_load_is_banister_trimp_when_heart_rate_and_hrmax_are_known() -> None:
    phys = Physiology(hr_max=200, hr_rest=60)
    activity = run(TODAY, 60, bpm=130)  # HRr 0.5: 60 x 0.5 x 0.64 x e^0.96 = 50.1
    load = run_load(activity, "easy", phys)
    assert load is not None and load.basis == "trimp"
    assert load.value == pytest.approx(50.1, abs=0.1)
    women = trimp(activity, Physiology(hr_max=200, hr_rest=60, sex="female"))
    assert women == pytest.approx(60 * 0.5 * 0.86 * 2.3034, abs=0.2)


def test_without_rpe_or_heart_rate_the_load_is_an_estimate_that_says_so() -> None:
    load = run_load(run(TODAY, 40), "hard")
    assert load is not None and (load.value, load.basis) == (280, "estimate")
    assert "estimate" in load.explanation


def test_loads_are_compared_on_the_best_basis_every_run_has() -> None:
    phys = Physiology(hr_max=190)
    assert common_basis([run(TODAY, rpe=5), run(TODAY, rpe=6)], phys) == "rpe"
    assert common_basis([run(TODAY, rpe=5, bpm=140), run(TODAY, bpm=150)], phys) == "trimp"
    assert common_basis([run(TODAY, rpe=5), run(TODAY, bpm=150)], phys) == "estimate"


# --------------------------------------------------------------------------- RUN-WEEK


def test_weekly_totals_count_runs_only_by_iso_week() -> None:
    monday = dt.date(2026, 6, 22)
    acts = [
        run(monday, 30, 6),
        run(monday + dt.timedelta(days=6), 60, 12),
        run(monday + dt.timedelta(days=7), 40, 8),
        run(monday, 90, 30, sport="cycling"),
    ]
    weeks = weekly_totals(acts)
    assert [(w.week_start, w.runs, w.distance_m, w.duration_s) for w in weeks] == [
        (monday, 2, 18000, 5400),
        (monday + dt.timedelta(days=7), 1, 8000, 2400),
    ]
    assert weeks[0].basis == "estimate" and weeks[0].load == 3 * 30 + 3 * 60


# --------------------------------------------------------------------------- RUN-SPIKE


def steady_history(weeks: int = 5, minutes: float = 40) -> list[Activity]:
    days = range(1, 7 * weeks, 2)
    return [run(TODAY - dt.timedelta(days=d), minutes, 8) for d in days]


def test_a_week_well_above_the_four_before_holds_progression_with_the_figures() -> None:
    history = steady_history()
    extra = [run(TODAY - dt.timedelta(days=d), 60, 12, seed="x") for d in (0, 2, 4)]
    check = spike_check(history + extra, TODAY)
    assert check.hold and check.enough_history and check.rule == "RUN-SPIKE-1"
    assert check.ratio is not None and check.ratio > 1.5
    assert f"last 7 days {check.last_7_days:g}" in check.message
    assert "held" in check.message


def test_a_steady_month_does_not_hold_progression() -> None:
    check = spike_check(steady_history(), TODAY)
    assert not check.hold and check.ratio is not None and 0.8 <= check.ratio <= 1.25


def test_without_five_weeks_of_history_there_is_no_verdict() -> None:
    check = spike_check(steady_history(weeks=3), TODAY)
    assert not check.hold and not check.enough_history
    assert "not enough running history" in check.message


def test_running_again_after_four_empty_weeks_is_a_spike() -> None:
    acts = [run(TODAY - dt.timedelta(days=60), 30, 5), run(TODAY, 40, 8)]
    check = spike_check(acts, TODAY)
    assert check.hold and check.ratio is None and "up from none" in check.message


loads = st.lists(st.integers(min_value=0, max_value=120), min_size=35, max_size=35)


@examples(ci=200, dev=30)
@given(minutes=loads)
def test_the_spike_rule_holds_exactly_when_the_last_week_exceeds_one_and_a_half_the_average(
    minutes: list[int],
) -> None:
    # One run a day (0 = rest), day 34 is today; loads on the estimate basis (easy: RPE 3).
    acts = [
        run(TODAY - dt.timedelta(days=34 - i), m, None, seed=str(i))
        for i, m in enumerate(minutes)
        if m > 0
    ]
    check = spike_check(acts, TODAY, history_start=TODAY - dt.timedelta(days=40))
    kinds = [classify(a, acts).kind for a in acts]
    per_day = [0.0] * 35
    for a, kind in zip(acts, kinds, strict=True):
        per_day[34 - (TODAY - a.local_date).days] = {"easy": 3, "long": 4, "hard": 7}[kind] * (
            a.moving_s / 60
        )
    acute = sum(per_day[28:])
    chronic = sum(per_day[:28]) / 4
    assert check.last_7_days == pytest.approx(acute, abs=0.5)
    assert check.average_week == pytest.approx(chronic, abs=0.5)
    if chronic > 0.5 and abs(acute - 1.5 * chronic) > 1:
        assert check.hold == (acute > 1.5 * chronic)
    if acute == 0:
        assert not check.hold


@examples(ci=200, dev=30)
@given(scale=st.floats(min_value=0.1, max_value=10), minutes=loads)
def test_scaling_every_run_leaves_the_spike_verdict_unchanged(
    scale: float, minutes: list[int]
) -> None:
    def acts(factor: float) -> list[Activity]:
        return [
            run(TODAY - dt.timedelta(days=34 - i), m * factor, None, cv=None, seed=str(i))
            for i, m in enumerate(minutes)
            if m > 0
        ]

    start = TODAY - dt.timedelta(days=40)
    base = spike_check(acts(1.0), TODAY, history_start=start)
    scaled = spike_check(acts(scale), TODAY, history_start=start)
    # Every run's kind may change (90 min makes a long run), so compare without long runs.
    if all(m * max(scale, 1.0) < 60 for m in minutes):
        if base.ratio is not None and abs(base.ratio - 1.5) > 0.05:
            assert base.hold == scaled.hold


@examples(ci=200, dev=30)
@given(minutes=st.integers(min_value=1, max_value=89), cv=st.floats(0, 0.149))
def test_a_run_under_an_hour_with_a_steady_pace_and_no_heart_rate_is_easy(
    minutes: int, cv: float
) -> None:
    assert classify(run(TODAY, minutes, minutes / 6, cv=cv)).kind == "easy"


# --------------------------------------------------------------------------- RUN-DUP


def test_the_same_run_from_two_sources_is_a_duplicate_and_another_run_is_not() -> None:
    fit = run(TODAY, 40, 8, seed="fit")
    gpx = run(TODAY, 41, 8.1, seed="gpx").model_copy(
        update={"start": fit.start + dt.timedelta(seconds=30)}
    )
    later = run(TODAY, 40, 8, hour=18)
    assert same_activity(fit, gpx) and not same_activity(fit, later)
    assert duplicates([gpx, later], [fit]) == [(0, fit)]
    assert duplicates([fit, fit]) == [(1, fit)]


history_runs = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=60),  # days before TODAY
        st.integers(min_value=10, max_value=150),  # minutes
        st.floats(min_value=2.0, max_value=5.0),  # m/s
        st.none() | st.floats(min_value=0, max_value=0.3),  # pace variation
    ),
    max_size=40,
)


def runs_from(drawn: list[tuple[int, int, float, float | None]]) -> list[Activity]:
    return [
        run(TODAY - dt.timedelta(days=d), m, m * 60 * speed / 1000, cv=cv, seed=str(i))
        for i, (d, m, speed, cv) in enumerate(drawn)
    ]


@examples(ci=200, dev=30)
@given(drawn=history_runs)
def test_classifying_all_runs_at_once_agrees_with_classifying_each(
    drawn: list[tuple[int, int, float, float | None]],
) -> None:
    acts = runs_from(drawn)
    assert classify_all(acts) == [classify(a, acts) for a in acts]


@examples(ci=200, dev=30)
@given(drawn=history_runs, minutes=st.integers(30, 200), more=st.integers(1, 60))
def test_a_long_run_made_longer_stays_long(
    drawn: list[tuple[int, int, float, float | None]], minutes: int, more: int
) -> None:
    acts = runs_from(drawn)
    shorter = run(TODAY, minutes, minutes * 0.18, seed="s")
    longer = run(TODAY, minutes + more, (minutes + more) * 0.18, seed="l")
    if classify(shorter, acts).kind == "long":
        assert classify(longer, acts).kind == "long"


@examples(ci=200, dev=30)
@given(drawn=history_runs, day=st.integers(0, 6), minutes=st.integers(10, 120))
def test_another_run_in_the_last_seven_days_never_lifts_a_hold(
    drawn: list[tuple[int, int, float, float | None]], day: int, minutes: int
) -> None:
    acts = runs_from(drawn)
    extra = run(TODAY - dt.timedelta(days=day), minutes, None, seed="extra")
    kinds = {a.fingerprint: "easy" for a in [*acts, extra]}  # kinds fixed: loads only grow
    start = TODAY - dt.timedelta(days=70)
    before = spike_check(acts, TODAY, history_start=start, kinds=kinds)  # type: ignore[arg-type]
    after = spike_check([*acts, extra], TODAY, history_start=start, kinds=kinds)  # type: ignore[arg-type]
    assert after.last_7_days > before.last_7_days
    assert after.weeks_before == before.weeks_before
    if before.hold:
        assert after.hold
