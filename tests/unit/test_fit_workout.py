"""Watch workouts (issue 10, item 4): a strength session exported as a FIT workout and read
back by the decoder; a FIT strength activity's sets and jump count as logged sets."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from garmin_fit_sdk import Decoder, Encoder, Profile, Stream
from tests.unit.test_formats import HEAVY, HOLD, ROPE, WALK

from calfcoach.catalog import load_catalog
from calfcoach.core.models import Exercise, Prescription, Session
from calfcoach.formats.activities import ActivityFileError
from calfcoach.formats.fit_workout import (
    FIT_EXERCISES,
    read_strength_activity,
    session_to_fit,
    workout_steps,
)

MESG = Profile["mesg_num"]
_catalog = load_catalog()
CATALOG: dict[str, Exercise] = {i: _catalog.get(i) for i in _catalog.ids()}
DAY = dt.date(2027, 1, 6)
SESSION = Session(DAY, 1, False, "Rope and heavy", (ROPE, HEAVY, HOLD, WALK), 25)


def decode(data: bytes) -> dict[str, list[dict[str, Any]]]:
    messages, errors = Decoder(Stream.from_byte_array(bytearray(data))).read()
    assert errors == []
    return messages  # type: ignore[return-value]


def test_every_fit_exercise_name_in_the_table_exists_in_the_fit_profile() -> None:
    for exercise_id, (category, name, loaded) in FIT_EXERCISES.items():
        assert exercise_id in CATALOG, exercise_id
        assert category in Profile["types"]["exercise_category"].values()
        names = Profile["types"].get(f"{category}_exercise_name", {}).values()
        for fit_name in (name, loaded):
            assert fit_name is None or fit_name in names, (exercise_id, fit_name)


def test_a_session_exports_as_a_workout_the_decoder_reads_step_by_step() -> None:
    messages = decode(session_to_fit(SESSION, CATALOG))
    assert messages["file_id_mesgs"][0]["type"] == "workout"
    (workout,) = messages["workout_mesgs"]
    steps = messages["workout_step_mesgs"]
    assert workout["sub_sport"] == "strength_training"
    assert workout["num_valid_steps"] == len(steps) == len(workout_steps(SESSION))
    rope = steps[0]
    assert (rope["duration_type"], rope["duration_reps"]) == ("reps", 24)
    assert (rope["exercise_category"], rope["intensity"]) == ("cardio", "active")
    assert steps[1]["intensity"] == "rest" and steps[1]["duration_time"] == 60
    heavy = [s for s in steps if s["wkt_step_name"].startswith("Bent-knee heel raise")]
    assert len(heavy) == 4 * 2  # 4 sets, each side
    assert heavy[0]["wkt_step_name"].endswith(", left") and heavy[1]["wkt_step_name"].endswith(
        ", right"
    )
    assert heavy[0]["exercise_category"] == "calf_raise"
    assert heavy[0]["exercise_weight"] == 10.0 and heavy[0]["duration_reps"] == 5
    assert "tempo 3 s up, 3 s down" in heavy[0]["notes"]
    hold = next(s for s in steps if s["wkt_step_name"] == "Soleus wall sit")
    assert (hold["duration_type"], hold["duration_time"]) == ("time", 45)
    walk = [s for s in steps if s["wkt_step_name"] == "Tip-toe walking"]
    assert walk[-1]["duration_distance"] == 3.0
    assert steps[-1]["intensity"] == "active"  # no rest after the last set
    assert [s["message_index"] for s in steps] == list(range(len(steps)))


def test_the_same_session_exports_the_same_bytes() -> None:
    assert session_to_fit(SESSION, CATALOG) == session_to_fit(SESSION, CATALOG)


def test_a_stopped_session_has_nothing_to_export() -> None:
    stopped = Session(DAY, 1, False, "Stopped", (), 0, status="stopped", advice="See a doctor.")
    with pytest.raises(ValueError, match="no exercises"):
        session_to_fit(stopped, CATALOG)


def strength_activity(
    sets: list[dict[str, Any]],
    jump_count: int | None = None,
    start: dt.datetime = dt.datetime(2027, 1, 6, 18, 0, tzinfo=dt.UTC),
) -> bytes:
    encoder = Encoder()
    encoder.write_mesg(
        {
            "mesg_num": MESG["FILE_ID"],
            "type": "activity",
            "manufacturer": "garmin",
            "product": 1,
            "serial_number": 9,
            "time_created": start,
        }
    )
    clock = start
    for s in sets:
        encoder.write_mesg(
            {
                "mesg_num": MESG["SET"],
                "timestamp": clock + dt.timedelta(seconds=40),
                "start_time": clock,
                "duration": 40.0,
                **s,
            }
        )
        clock += dt.timedelta(seconds=100)
    session: dict[str, Any] = {
        "mesg_num": MESG["SESSION"],
        "timestamp": clock,
        "start_time": start,
        "sport": "training",
        "sub_sport": "strength_training",
        "total_elapsed_time": (clock - start).total_seconds(),
        "total_timer_time": (clock - start).total_seconds(),
    }
    if jump_count is not None:
        session["jump_count"] = jump_count
    encoder.write_mesg(session)
    encoder.write_mesg(
        {
            "mesg_num": MESG["ACTIVITY"],
            "timestamp": clock,
            "num_sessions": 1,
            "local_timestamp": int(
                (
                    clock + dt.timedelta(hours=9) - dt.datetime(1989, 12, 31, tzinfo=dt.UTC)
                ).total_seconds()
            ),
        }
    )
    return encoder.close()


def test_sets_done_from_an_exported_workout_map_back_to_exercise_set_and_side() -> None:
    steps = workout_steps(SESSION)
    heavy_left_2 = next(
        s
        for s in steps
        if not s.rest and s.prescription == 1 and s.set_number == 2 and s.side == "left"
    )
    rope_1 = steps[0]
    data = strength_activity(
        [
            {
                "set_type": "active",
                "repetitions": 26,
                "wkt_step_index": rope_1.index,
                "category": ["cardio"],
                "category_subtype": [6],
            },
            {"set_type": "rest"},
            {
                "set_type": "active",
                "repetitions": 6,
                "weight": 10.0,
                "wkt_step_index": heavy_left_2.index,
                "category": ["calf_raise"],
            },
        ]
    )
    result = read_strength_activity("s.fit", data, CATALOG, SESSION)
    assert result.date == dt.date(2027, 1, 7)  # 18:00 UTC + 9 h: the watch's local day
    rope, heavy = result.sets
    assert (rope.exercise, rope.contacts, rope.reps, rope.set_number) == ("jump-rope", 26, None, 1)
    assert (heavy.exercise, heavy.reps, heavy.load_kg, heavy.side, heavy.set_number) == (
        "bent-knee-heel-raise",
        6,
        10.0,
        "left",
        2,
    )
    assert result.unmatched == ()


def test_sets_without_a_workout_are_placed_by_their_fit_exercise_or_reported() -> None:
    seated = Profile["types"]["calf_raise_exercise_name"]
    number = next(k for k, v in seated.items() if v == "weighted_seated_calf_raise")
    data = strength_activity(
        [
            {
                "set_type": "active",
                "repetitions": 12,
                "weight": 20.0,
                "category": ["calf_raise"],
                "category_subtype": [number],
            },
            {
                "set_type": "active",
                "repetitions": 12,
                "weight": 20.0,
                "category": ["calf_raise"],
                "category_subtype": [number],
            },
            {
                "set_type": "active",
                "repetitions": 8,
                "category": ["bench_press"],
                "category_subtype": [0],
            },
        ]
    )
    result = read_strength_activity("s.fit", data, CATALOG)
    assert [(s.exercise, s.set_number, s.reps) for s in result.sets] == [
        ("seated-soleus-raise", 1, 12),
        ("seated-soleus-raise", 2, 12),
    ]
    assert len(result.unmatched) == 1 and "set 3" in result.unmatched[0]


def test_a_jump_count_becomes_rope_contacts_two_per_jump() -> None:
    result = read_strength_activity("j.fit", strength_activity([], jump_count=150), CATALOG)
    assert [(s.exercise, s.contacts) for s in result.sets] == [("jump-rope", 300)]
    assert result.jump_count == 150


def test_a_strength_file_without_sets_or_jumps_is_refused() -> None:
    with pytest.raises(ActivityFileError, match="no strength sets"):
        read_strength_activity("e.fit", strength_activity([]), CATALOG)


def test_a_fit_workout_file_is_not_a_strength_activity() -> None:
    with pytest.raises(ActivityFileError, match="workout file, not an activity"):
        read_strength_activity("w.fit", session_to_fit(SESSION, CATALOG), CATALOG)


def test_a_per_side_prescription_gives_a_step_per_side_and_one_rest_per_set() -> None:
    block = Prescription(
        "single-leg-calf-raise", "light", 2, reps=12, per_side=True, rest_seconds=45
    )
    steps = workout_steps(Session(DAY, 1, False, "x", (block,), 10))
    assert [(s.set_number, s.side, s.rest) for s in steps] == [
        (1, "left", False),
        (1, "right", False),
        (0, "both", True),
        (2, "left", False),
        (2, "right", False),
    ]
