"""Profile files: every kind of bad input gives one specific line (field, value, allowed)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from calfcoach.core import rules
from calfcoach.core.models import Profile, Race, Run
from calfcoach.errors import ProfileError
from calfcoach.profile_io import dump_profile, field_problems, load_profile, profile_to_dict

GOOD: dict[str, Any] = {
    "name": "Sam",
    "sex": "male",
    "birth_year": 1985,
    "body_mass_kg": 72.5,
    "level": "intermediate",
    "equipment": ["dumbbell", "band", "jump_rope", "band"],
    "free_days": ["fri", "mon", "wed"],
    "sessions_per_week": 2,
    "session_minutes": 30,
    "runs": [{"day": "sun", "kind": "long"}, {"day": "tue", "kind": "hard"}],
    "races": ["2027-03-14"],
    "complaints": ["achilles"],
    "units": "imperial",
}

GOOD_TOML = """\
name = "Sam"
sex = "male"
birth_year = 1985
body_mass_kg = 72.5
level = "intermediate"
equipment = ["dumbbell", "band", "jump_rope"]
free_days = ["fri", "mon", "wed"]
sessions_per_week = 2
session_minutes = 30
races = [2027-03-14]
complaints = ["achilles"]
units = "imperial"

[[runs]]
day = "sun"
kind = "long"

[[runs]]
day = "tue"
kind = "hard"
"""


def write_json(tmp_path: Path, data: object, name: str = "profile.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def problems_of(path: Path) -> tuple[str, ...]:
    with pytest.raises(ProfileError) as caught:
        load_profile(path)
    return caught.value.problems


def problems_with(tmp_path: Path, **changes: Any) -> tuple[str, ...]:
    return problems_of(write_json(tmp_path, {**GOOD, **changes}))


def test_a_good_json_profile_loads(tmp_path: Path) -> None:
    profile = load_profile(write_json(tmp_path, GOOD))
    assert profile.level == "intermediate"
    assert profile.equipment == frozenset({"dumbbell", "band", "jump_rope"})
    assert profile.runs == (Run(day="sun", kind="long"), Run(day="tue", kind="hard"))
    assert profile.race_dates == (dt.date(2027, 3, 14),)
    assert profile.races == (Race(date=dt.date(2027, 3, 14)),)


def test_good_json_and_toml_load_to_equal_profiles(tmp_path: Path) -> None:
    toml_path = tmp_path / "profile.toml"
    toml_path.write_text(GOOD_TOML, encoding="utf-8")
    assert load_profile(toml_path) == load_profile(write_json(tmp_path, GOOD))


def test_a_file_with_another_suffix_is_sniffed_as_json_or_toml(tmp_path: Path) -> None:
    as_json = write_json(tmp_path, GOOD, name="athlete.txt")
    as_toml = tmp_path / "athlete.conf"
    as_toml.write_text(GOOD_TOML, encoding="utf-8")
    assert load_profile(as_json) == load_profile(as_toml)


def test_duplicates_in_set_fields_are_accepted(tmp_path: Path) -> None:
    profile = load_profile(
        write_json(tmp_path, {**GOOD, "free_days": ["mon", "mon"], "complaints": ["shin"] * 2})
    )
    assert profile.free_days == frozenset({"mon"})


def test_an_unknown_key_names_the_key_and_the_allowed_keys(tmp_path: Path) -> None:
    (line,) = problems_with(tmp_path, foo=1)
    assert line.startswith("foo: unknown key; allowed keys: name, sex, birth_year, ")
    assert line.endswith("complaints, usual_pain, bone_stress_history, missed_periods, units")


def test_a_misspelt_key_suggests_the_right_one(tmp_path: Path) -> None:
    data = {k: v for k, v in GOOD.items() if k != "units"} | {"unit": "metric"}
    (line,) = problems_of(write_json(tmp_path, data))
    assert line.startswith("unit: unknown key (did you mean units?); allowed keys: ")


def test_unknown_equipment_names_the_value_and_the_vocabulary(tmp_path: Path) -> None:
    (line,) = problems_with(tmp_path, equipment=["band", "rowing_machine"])
    assert line == (
        "equipment: 'rowing_machine' is not allowed; allowed: band, towel, chair, wall, step, "
        "dumbbell, kettlebell, barbell, weight_vest, backpack, leg_press, seated_calf_machine, "
        "jump_rope"
    )


def test_an_unknown_day_names_the_days(tmp_path: Path) -> None:
    (line,) = problems_with(tmp_path, free_days=["mon", "funday"])
    assert line == "free_days: 'funday' is not allowed; allowed: mon, tue, wed, thu, fri, sat, sun"


def test_a_bad_run_is_named_by_its_dotted_path(tmp_path: Path) -> None:
    runs = [
        {"day": "mon", "kind": "easy"},
        {"day": "tue", "kind": "hard"},
        {"day": "sun", "kind": "tempo"},
    ]
    (line,) = problems_with(tmp_path, runs=runs)
    assert line == "runs[2].kind: 'tempo' is not allowed; allowed: easy, hard, long"


def test_a_level_out_of_the_vocabulary_names_the_levels(tmp_path: Path) -> None:
    (line,) = problems_with(tmp_path, level="expert")
    assert line == "level: 'expert' is not allowed; allowed: novice, intermediate, advanced"


def test_a_missing_level_says_missing_and_names_the_levels(tmp_path: Path) -> None:
    data = {k: v for k, v in GOOD.items() if k != "level"}
    assert problems_of(write_json(tmp_path, data)) == (
        "level: missing; allowed: novice, intermediate, advanced",
    )


@pytest.mark.parametrize("value", [0, 4])
def test_sessions_per_week_out_of_range_names_1_to_3(tmp_path: Path, value: int) -> None:
    assert problems_with(tmp_path, sessions_per_week=value) == (
        f"sessions_per_week: {value} is out of range; allowed: 1-3",
    )


@pytest.mark.parametrize("value", [5, 95])
def test_session_minutes_out_of_range_names_10_to_90(tmp_path: Path, value: int) -> None:
    assert problems_with(tmp_path, session_minutes=value) == (
        f"session_minutes: {value} is out of range; allowed: 10-90",
    )


def test_a_number_that_is_not_a_number_says_so(tmp_path: Path) -> None:
    assert problems_with(tmp_path, session_minutes="lots") == (
        "session_minutes: 'lots' is not a whole number; allowed: 10-90",
    )


@pytest.mark.parametrize("bad", ["2026-13-01", "2026-02-30", "2026-1-1", "next sunday"])
def test_a_malformed_race_date_is_named_by_its_index(tmp_path: Path, bad: str) -> None:
    assert problems_with(tmp_path, races=["2027-03-14", bad]) == (
        f"races[1]: {bad!r} is not a valid date (YYYY-MM-DD)",
    )


def test_several_problems_give_one_line_each(tmp_path: Path) -> None:
    lines = problems_with(tmp_path, foo=1, level="pro", equipment=["rower"], session_minutes=5)
    assert len(lines) == 4
    assert [line.split(":")[0] for line in lines] == [
        "level",
        "equipment",
        "session_minutes",
        "foo",
    ]


def test_a_file_that_is_not_json_names_the_file_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{\n  "level": "novice",\n  "units" "metric"\n}\n', encoding="utf-8")
    assert problems_of(path) == (
        "broken.json: not valid JSON: Expecting ':' delimiter at line 3, column 11",
    )


def test_a_string_that_never_ends_reads_as_one_sentence(tmp_path: Path) -> None:
    # The parser's "Unterminated string starting at" is not followed by a second "at".
    path = tmp_path / "cut.json"
    path.write_text('{\n  "level": "nov', encoding="utf-8")
    assert problems_of(path) == (
        "cut.json: not valid JSON: Unterminated string starting at line 2, column 12",
    )


def test_a_file_that_is_not_toml_names_the_file_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "broken.toml"
    path.write_text('level = "novice"\nunits = \n', encoding="utf-8")
    (line,) = problems_of(path)
    assert line.startswith("broken.toml: not valid TOML: ")
    assert line.endswith("at line 2, column 9")


def test_a_json_list_instead_of_an_object_is_refused(tmp_path: Path) -> None:
    (line,) = problems_of(write_json(tmp_path, [GOOD]))
    assert line.startswith("profile.json: the profile is a list; allowed: an object with the keys")


def test_a_key_given_twice_in_json_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "twice.json"
    path.write_text('{"level": "novice", "level": "advanced"}', encoding="utf-8")
    assert problems_of(path) == ("level: given more than once; allowed: each key once",)


def test_a_missing_file_gives_a_clear_message(tmp_path: Path) -> None:
    path = tmp_path / "nope.json"
    assert problems_of(path) == (f"{path}: profile file not found",)


def test_dump_then_load_gives_the_same_profile_in_json_and_toml(tmp_path: Path) -> None:
    profile = load_profile(write_json(tmp_path, GOOD))
    for name in ("out.json", "out.toml"):
        dump_profile(profile, tmp_path / name)
        again = load_profile(tmp_path / name)
        # Equal up to order: runs are written in day order (tue before sun).
        assert profile_to_dict(again) == profile_to_dict(profile)
        assert set(again.runs) == set(profile.runs)
        first = (tmp_path / name).read_bytes()
        dump_profile(again, tmp_path / name)
        assert (tmp_path / name).read_bytes() == first


def test_dump_writes_contract_key_order_and_vocabulary_order(tmp_path: Path) -> None:
    profile = Profile(
        level="novice",
        equipment=frozenset({"jump_rope", "band", "dumbbell"}),
        free_days=frozenset({"sat", "mon", "wed"}),
        runs=(Run(day="sun", kind="long"), Run(day="tue", kind="hard")),
        races=(Race(date=dt.date(2027, 5, 1)), Race(date=dt.date(2027, 2, 1))),
    )
    path = tmp_path / "p.json"
    dump_profile(profile, path)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert list(data) == list(Profile.model_fields)
    assert data["equipment"] == ["band", "dumbbell", "jump_rope"]
    assert data["free_days"] == ["mon", "wed", "sat"]
    assert [run["day"] for run in data["runs"]] == ["tue", "sun"]
    assert data["races"] == ["2027-02-01", "2027-05-01"]
    assert data == profile_to_dict(profile)


def test_a_name_with_quotes_and_accents_survives_toml(tmp_path: Path) -> None:
    profile = Profile(level="novice", name='Zoë "the calf" Ångström\\')
    dump_profile(profile, tmp_path / "p.toml")
    assert load_profile(tmp_path / "p.toml") == profile


def test_field_problems_checks_one_field_on_its_own() -> None:
    assert field_problems("units", "metric") == []
    assert field_problems("units", "furlongs") == [
        "units: 'furlongs' is not allowed; allowed: metric, imperial"
    ]


# ------------------------------------------------------------------------- v2 keys (issue 6)

RACE_OBJECT = {"date": "2027-04-12", "distance_km": 42.2, "name": "City marathon"}


def test_races_may_mix_plain_dates_and_race_objects_R_SCHED_4a(tmp_path: Path) -> None:
    tune_up = {"date": "2027-03-01", "distance_km": 5, "tune_up": True}
    profile = load_profile(
        write_json(tmp_path, {**GOOD, "races": ["2027-03-14", RACE_OBJECT, tune_up]})
    )
    assert profile.races == (
        Race(date=dt.date(2027, 3, 1), distance_km=5, tune_up=True),
        Race(date=dt.date(2027, 3, 14)),
        Race(date=dt.date(2027, 4, 12), distance_km=42.2, name="City marathon"),
    )


@pytest.mark.parametrize(
    ("races", "line"),
    [
        (
            ["2027-03-14", {"date": "2027-04-12", "distance_km": -5}],
            "races[1].distance_km: -5 is out of range; allowed: a distance in km, more than 0 "
            "and at most 400 (or leave it out: a half marathon)",
        ),
        (
            ["2027-03-14", {"date": "2027-04-12", "distance_km": "far"}],
            "races[1].distance_km: 'far' is not a number; allowed: a distance in km, more than "
            "0 and at most 400 (or leave it out: a half marathon)",
        ),
        (
            [{"date": "2027-02-30"}],
            "races[0].date: '2027-02-30' is not a valid date (YYYY-MM-DD)",
        ),
        ([{"distance_km": 10}], "races[0].date: missing; allowed: a date YYYY-MM-DD"),
        (
            [{"date": "2027-04-12", "tune_up": "maybe"}],
            "races[0].tune_up: 'maybe' is not true or false; allowed: true, false",
        ),
        (
            [{"date": "2027-04-12", "km": 10}],
            "races[0].km: unknown key; allowed keys: date, distance_km, name, tune_up",
        ),
        (
            [{"date": "2027-04-12", "distanse_km": 10}],
            "races[0].distanse_km: unknown key (did you mean distance_km?); allowed keys: "
            "date, distance_km, name, tune_up",
        ),
    ],
)
def test_a_bad_race_object_names_the_field_path_the_value_and_what_is_allowed(
    tmp_path: Path, races: list[Any], line: str
) -> None:
    assert problems_with(tmp_path, races=races) == (line,)


def test_a_race_that_is_neither_a_date_nor_an_object_says_both_forms(tmp_path: Path) -> None:
    (line,) = problems_with(tmp_path, races=["2027-03-14", 42])
    assert line.startswith("races[1]: 42 is not a race; allowed: a date YYYY-MM-DD or {")


def test_race_problems_are_named_by_their_place_in_the_file_not_by_date(tmp_path: Path) -> None:
    # The model sorts races by date; the message must still point at the file's own line.
    races = ["2027-09-01", {"date": "2027-01-01", "distance_km": 0}]
    (line,) = problems_with(tmp_path, races=races)
    assert line.startswith("races[1].distance_km: 0 is out of range")


def test_achilles_insertional_is_a_complaint(tmp_path: Path) -> None:
    profile = load_profile(write_json(tmp_path, {**GOOD, "complaints": ["achilles_insertional"]}))
    assert profile.complaints == frozenset({"achilles_insertional"})


@pytest.mark.parametrize(
    ("key", "value", "line"),
    [
        ("usual_pain", 11, "usual_pain: 11 is out of range; allowed: 0-10"),
        ("usual_pain", -1, "usual_pain: -1 is out of range; allowed: 0-10"),
        ("usual_pain", "low", "usual_pain: 'low' is not a whole number; allowed: 0-10"),
        (
            "bone_stress_history",
            "perhaps",
            "bone_stress_history: 'perhaps' is not true or false; allowed: true, false",
        ),
        ("missed_periods", 3, "missed_periods: 3 is not true or false; allowed: true, false"),
    ],
)
def test_the_new_intake_keys_are_checked_with_one_line_each(
    tmp_path: Path, key: str, value: object, line: str
) -> None:
    assert problems_with(tmp_path, **{key: value}) == (line,)


def test_the_new_intake_keys_load_and_round_trip_in_json_and_toml(tmp_path: Path) -> None:
    data = {
        **GOOD,
        "sex": "female",
        "complaints": ["shin"],
        "usual_pain": 3,
        "bone_stress_history": True,
        "missed_periods": True,
        "races": ["2027-03-14", RACE_OBJECT, {"date": "2027-05-01", "tune_up": True}],
    }
    profile = load_profile(write_json(tmp_path, data))
    assert (profile.usual_pain, profile.bone_stress_history, profile.missed_periods) == (
        3,
        True,
        True,
    )
    for name in ("out.json", "out.toml"):
        dump_profile(profile, tmp_path / name)
        # Equal up to the order of runs (written in day order).
        assert profile_to_dict(load_profile(tmp_path / name)) == profile_to_dict(profile)
    written = profile_to_dict(profile)
    assert written["races"] == [
        "2027-03-14",
        RACE_OBJECT,
        {"date": "2027-05-01", "tune_up": True},
    ]


def test_an_old_profile_file_without_the_new_keys_still_loads(tmp_path: Path) -> None:
    old = {k: v for k, v in GOOD.items() if k != "sessions_per_week"}
    profile = load_profile(write_json(tmp_path, old))
    assert profile.sessions_per_week is None
    assert profile.usual_pain is None
    assert not profile.bone_stress_history and not profile.missed_periods
    # R-PAIN-4: with an Achilles complaint and no sessions_per_week, 3 a week.
    assert rules.sessions_wanted(profile) == 3


def test_a_profile_without_sessions_per_week_is_written_back_without_it_in_toml(
    tmp_path: Path,
) -> None:
    profile = Profile(level="novice", complaints=frozenset({"plantar_heel"}))
    dump_profile(profile, tmp_path / "p.toml")
    text = (tmp_path / "p.toml").read_text(encoding="utf-8")
    assert "sessions_per_week" not in text
    assert load_profile(tmp_path / "p.toml") == profile


def test_field_problems_explains_a_race_object_by_its_path() -> None:
    assert field_problems("races", [{"date": "2027-04-12", "distance_km": 500}]) == [
        "races[0].distance_km: 500 is out of range; allowed: a distance in km, more than 0 "
        "and at most 400 (or leave it out: a half marathon)"
    ]
