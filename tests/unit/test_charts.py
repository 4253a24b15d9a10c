"""The progress charts' series and tables, from the report's parts (services/charts.py)."""

from __future__ import annotations

import datetime as dt

from calfcoach.core.capacity import evaluate_heel_raise
from calfcoach.core.load import LoadPoint, LoadTrend, PainWeek, WeekVolume
from calfcoach.core.models import CapacityTest
from calfcoach.services import progress
from calfcoach.services.charts import (
    ProgressCharts,
    WeekAdherence,
    adherence_pain_chart,
    capacity_chart,
    contacts_chart,
    loads_chart,
    volume_chart,
)

W1, W2 = dt.date(2026, 3, 2), dt.date(2026, 3, 9)


def volume(week: dt.date, region: str, scheme: str, sets: int, contacts: int = 0) -> WeekVolume:
    return WeekVolume(week, region, scheme, sets, sets * 10, sets * 30, contacts)


def test_volume_bars_stack_per_region_and_scheme_with_gaps_where_nothing_was_done() -> None:
    chart = volume_chart(
        [
            volume(W1, "calf", "heavy", 8),
            volume(W1, "foot", "skill", 4),
            volume(W2, "calf", "heavy", 6),
        ]
    )
    assert chart.labels == ("2026-03-02", "2026-03-09")
    assert [(s.name, s.values) for s in chart.series] == [
        ("calf · heavy", (8.0, 6.0)),
        ("foot · skill", (4.0, None)),
    ]
    assert chart.stacked and all(s.stack == "sets" for s in chart.series)
    assert chart.rows[0] == ("2026-03-02", "calf", "heavy", 8, 80, 240, 0)
    assert chart.summary.endswith("week of 2026-03-09: 6 sets.")


def test_contacts_per_week_count_only_weeks_with_contacts() -> None:
    chart = contacts_chart(
        [volume(W1, "calf", "plyometric", 3, 60), volume(W1, "foot", "skill", 2, 20),
         volume(W2, "calf", "heavy", 4)]
    )  # fmt: skip
    assert chart.labels == ("2026-03-02",)
    assert chart.series[0].values == (80.0,)
    assert chart.rows == (("2026-03-02", 80),)


def test_loads_use_the_exercise_names_and_leave_weeks_without_a_load_empty() -> None:
    trends = [
        LoadTrend("heavy-slow-heel-raise", (LoadPoint(W1, 10.0), LoadPoint(W2, 12.5))),
        LoadTrend("seated-soleus-raise", (LoadPoint(W2, 20.0),)),
    ]
    names = {"heavy-slow-heel-raise": "Heavy slow heel raise"}
    chart = loads_chart(trends, names)
    assert [(s.name, s.values) for s in chart.series] == [
        ("Heavy slow heel raise", (10.0, 12.5)),
        ("seated-soleus-raise", (None, 20.0)),  # not in the catalog: its id stands in
    ]
    assert "Heavy slow heel raise 10 to 12.5 kg" in chart.summary


def line(test: CapacityTest, sex: str | None = "male", age: int | None = 35) -> progress.TestLine:
    return progress.TestLine(test, evaluate_heel_raise(test, sex=sex, age=age), None)


def test_a_straight_knee_test_has_a_band_and_a_bent_knee_test_has_none() -> None:
    chart = capacity_chart(
        [
            line(CapacityTest(W1, left=25, right=30)),
            line(CapacityTest(W1, left=20, right=21, knee="bent")),
        ]
    )
    by_name = {s.name: s for s in chart.series}
    # Men 30-39: 32 reps (R-TEST-1), give or take 6 (R-TEST-2).
    assert by_name["norm band low"].values == (26, None)
    assert by_name["norm band (norm ± 6 reps)"].values == (38, None)
    assert by_name["left"].values == (25.0, 20.0)
    assert chart.labels == ("2026-03-02 straight", "2026-03-02 bent")
    assert chart.rows[1][4:6] == (None, None)


def test_without_a_known_sex_there_is_no_norm_and_no_band() -> None:
    chart = capacity_chart([line(CapacityTest(W1, left=25, right=30), sex=None)])
    assert [s.name for s in chart.series] == ["left", "right"]


def test_adherence_and_pain_share_the_weeks_of_either() -> None:
    chart = adherence_pain_chart(
        [WeekAdherence(W1, planned=2, done=1, skipped=1, missed=0)],
        [PainWeek(W2, 2.5, 4, 1.0, 2.0)],
    )
    assert chart.labels == ("2026-03-02", "2026-03-09")
    assert [s.values for s in chart.series] == [(50.0, None), (None, 2.5), (None, 1.0)]
    assert [s.axis for s in chart.series] == ["y", "y2", "y2"]


def test_charts_without_data_are_left_out_of_the_page_data() -> None:
    empty = (volume_chart([]), contacts_chart([]), loads_chart([], {}), capacity_chart([]))
    assert not any(c.has_data for c in empty)
    assert all(c.empty for c in empty)
    charts = ProgressCharts(dt.date(2026, 3, 9), False, 0, None, empty)
    assert charts.chart_data() == {}
