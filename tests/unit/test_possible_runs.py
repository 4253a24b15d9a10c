"""RUN-SUM-4: an activity no one can run is refused with a message naming the field, what
was wrong and what is allowed; a run stored before the rule is still read; a planned run's
distance must be a finite number."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

import pytest
from pydantic import ValidationError

from calfcoach.core.models import STORED
from calfcoach.core.running import (
    Activity,
    PlannedRun,
    run_date_problem,
    run_problem,
)

START = dt.datetime(2026, 9, 8, 6, 30, tzinfo=dt.UTC)


def activity_data(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "start": START,
        "sport": "running",
        "elapsed_s": 2400.0,
        "moving_s": 2400.0,
        "distance_m": 8000.0,
        "source": "run.tcx",
        "fingerprint": hashlib.sha256(b"run").hexdigest(),
    }
    return {**data, **changes}


def refusal(**changes: Any) -> str:
    with pytest.raises(ValidationError) as caught:
        Activity(**activity_data(**changes))
    return str(caught.value.errors()[0]["msg"])


def test_an_ordinary_run_and_a_fast_short_sprint_are_possible() -> None:
    assert run_problem(Activity(**activity_data())) is None
    # 400 m in 44 s (9.1 m/s, faster than 2:00 min/km): a sprint of at most 500 m
    sprint = Activity(**activity_data(distance_m=400.0, elapsed_s=44.0, moving_s=44.0))
    assert run_problem(sprint) is None


def test_a_distance_run_in_no_time_is_refused_naming_the_time() -> None:
    assert refusal(elapsed_s=0.0, moving_s=0.0) == (
        "elapsed_s: 8.00 km in 0 s; allowed: more than 0 s for a run with a distance"
    )


def test_a_negative_duration_is_refused_at_its_field() -> None:
    with pytest.raises(ValidationError) as caught:
        Activity(**activity_data(elapsed_s=-60.0, moving_s=-60.0))
    assert caught.value.errors()[0]["loc"] == ("elapsed_s",)


def test_a_pace_faster_than_two_minutes_a_kilometre_over_more_than_500_m_is_refused() -> None:
    assert refusal(distance_m=10_000.0, elapsed_s=600.0, moving_s=600.0) == (
        "pace: 10.00 km in 600 s is 1:00 min/km, faster than any runner; "
        "allowed: 2:00 min/km or slower over more than 500 m"
    )
    # the 800 m world record's pace (1:40.91, 2:06 min/km) is possible
    record = Activity(**activity_data(distance_m=800.0, elapsed_s=101.0, moving_s=101.0))
    assert run_problem(record) is None


def test_thousands_of_kilometres_in_one_run_are_refused() -> None:
    week = 7 * 86400.0
    assert refusal(distance_m=1_500_000.0, elapsed_s=week, moving_s=week) == (
        "distance_m: 1,500.00 km in one run is more than anyone has run in a week; "
        "allowed: at most 1,200.00 km"
    )
    with pytest.raises(ValidationError, match="less than or equal to 2000000"):
        Activity(**activity_data(distance_m=5_000_000.0, elapsed_s=week, moving_s=week))


@pytest.mark.parametrize("year", [1, 1850, 1899, 2200, 9999])
def test_a_start_outside_the_one_date_rule_is_refused(year: int) -> None:
    day = dt.date(year, 1, 1)
    assert refusal(start=START.replace(year=year, month=1, day=1)) == (
        f"start: {day.isoformat()} is out of range; allowed: 1900-01-01 to 2199-12-31"
    )


def test_a_walk_or_ride_is_not_judged_as_a_run_but_keeps_the_date_rule() -> None:
    ride = Activity(**activity_data(sport="cycling", distance_m=60_000.0))  # 1:00 min/km
    assert run_problem(ride) is None
    assert "start: 1850-09-08 is out of range" in refusal(
        sport="walking", start=START.replace(year=1850)
    )


@pytest.mark.parametrize("value", [float("nan"), float("inf"), float("-inf")])
def test_an_activity_time_or_distance_must_be_a_finite_number(value: float) -> None:
    for field in ("elapsed_s", "moving_s", "distance_m"):
        with pytest.raises(ValidationError) as caught:
            Activity(**activity_data(**{field: value}))
        first = caught.value.errors()[0]
        assert (first["loc"], first["msg"]) == ((field,), "Input should be a finite number")


def test_a_run_stored_before_the_rule_is_still_read() -> None:
    stored = Activity(**activity_data()).model_dump(mode="json")
    stored.update(elapsed_s=0.0, moving_s=0.0)
    with pytest.raises(ValidationError, match="elapsed_s: 8.00 km in 0 s"):
        Activity.model_validate(stored)
    read = Activity.model_validate(stored, context={STORED: True})
    assert (read.elapsed_s, read.distance_m) == (0.0, 8000.0)


def test_a_run_more_than_a_year_after_today_is_refused_by_date() -> None:
    today = dt.date(2026, 9, 1)
    run = Activity(**activity_data())
    assert run_date_problem(run, today) is None
    late = Activity(**activity_data(start=dt.datetime(2150, 6, 1, 7, tzinfo=dt.UTC)))
    assert run_date_problem(late, today) == (
        "start: 2150-06-01 is in the future; allowed: 1900-01-01 to 2027-09-02 "
        "(a year after today at most)"
    )


@pytest.mark.parametrize("value", [float("nan"), float("inf"), "NaN", "-Infinity"])
def test_a_planned_runs_distance_must_be_a_finite_number(value: object) -> None:
    with pytest.raises(ValidationError) as caught:
        PlannedRun(date=dt.date(2027, 3, 1), kind="easy", title="Easy", distance_km=value)  # type: ignore[arg-type]
    first = caught.value.errors()[0]
    assert (first["loc"], first["msg"]) == (("distance_km",), "Input should be a finite number")
