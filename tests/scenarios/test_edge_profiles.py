"""The unusual profiles of a review (``edge_profiles/``: one or seven free days, free days next
to every hard run, doubles, race clusters and a race in week 1, no equipment or a gym, every
complaint and their mixes, 1-3 sessions, 10-minute sessions, 52 weeks, odd start days), kept as
regression examples: each plan keeps the placement, shape and equipment rules the property
tests draw at random."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from calfcoach.core.models import Profile
from calfcoach.core.planner import build_plan
from tests.sim import CATALOG
from tests.strategies import after_hard, before_hard, blocked, in_taper, planned, run_days

HERE = Path(__file__).parent / "edge_profiles"
# file -> (first day, weeks): odd start days on purpose (29 February, 31 December)
STARTS = {
    "01_one_free_day": ("2026-12-31", 8),
    "02_seven_free_days_doubles": ("2028-02-29", 10),
    "03_adjacent_hard": ("2027-01-06", 8),
    "04_races_cluster": ("2027-02-15", 12),
    "05_race_week1": ("2027-03-01", 6),
    "06_no_equipment_novice": ("2027-01-01", 10),
    "07_gym_machines": ("2027-01-04", 12),
    "08_all_complaints": ("2026-12-31", 12),
    "09_insertional_machines": ("2027-01-07", 14),
    "10_shin_bsi": ("2027-01-04", 4),
    "11_shin_plain": ("2027-01-05", 10),
    "12_calf_strain_1x": ("2027-01-02", 12),
    "13_plantar_10min": ("2027-01-03", 10),
    "14_ultra_long": ("2027-02-28", 52),
    "15_ach_plus_shin": ("2027-01-04", 12),
    "16_missed_periods_ach": ("2027-01-04", 8),
    "17_two_days_adjacent": ("2027-01-04", 8),
    "18_sun_mon_wrap": ("2026-12-27", 6),
    "19_calf_strain_gym": ("2027-01-05", 16),
    "20_plantar_ach_insert_noequip": ("2027-01-04", 14),
    "21_race_nodistance_eve": ("2026-12-28", 6),
    "22_ach_race_day3": ("2027-01-04", 5),
}
INTENSE = ("heavy", "plyometric")


def test_every_edge_profile_has_its_start_and_is_valid():
    assert {p.stem for p in HERE.glob("*.json")} == set(STARTS)


@pytest.mark.parametrize("name", sorted(STARTS))
def test_an_edge_profiles_plan_keeps_placement_shape_and_equipment_R_SCHED_0_4_4b_8(name):
    profile = Profile.model_validate(json.loads((HERE / f"{name}.json").read_text()))
    first, weeks = STARTS[name]
    plan = build_plan(profile, CATALOG, dt.date.fromisoformat(first), weeks)
    sessions = planned(plan)
    long_days = run_days(profile, "long")
    dates = [s.date for s in sessions]
    assert all((b - a).days >= 2 for a, b in zip(dates, dates[1:], strict=False)), dates
    for s in sessions:
        d = s.date
        assert d.strftime("%a").lower() in profile.free_days, d
        assert d.weekday() not in long_days and (d.weekday() + 1) % 7 not in long_days, d
        assert not blocked(profile, d), d
        schemes = [rx.scheme for rx in s.exercises]
        if before_hard(profile, d) or in_taper(profile, d):
            assert not set(schemes) & set(INTENSE), (d, schemes)
        if after_hard(profile, d):
            assert "plyometric" not in schemes, (d, schemes)
        ids = [rx.exercise for rx in s.exercises]
        assert len(ids) == len(set(ids)), (d, ids)  # R-SCHED-8
        for rx in s.exercises:
            assert set(CATALOG.get(rx.exercise).equipment) <= profile.equipment, (d, rx.exercise)
