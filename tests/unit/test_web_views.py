"""The coaching pages' helpers: a refused service call at its form field, the tempo as
metronome phases, a stopped session without exercises (issue 8, part 2)."""

from __future__ import annotations

import datetime as dt

import pytest

from calfcoach.core.models import Prescription, Reason, Session
from calfcoach.web.forms import FormProblem, optional_float, optional_int, parse_client_id
from calfcoach.web.views import field_errors, session_view, tempo_phases


def test_a_service_message_lands_at_the_field_it_names_without_the_option() -> None:
    errors = field_errors(
        (
            "--rpe: 11 is out of range; allowed: 1-10",
            "--load-kg: 900 is out of range; allowed: 0-500 kg",
        )
    )
    assert errors == {
        "rpe": "11 is out of range; allowed: 1-10",
        "load_kg": "900 is out of range; allowed: 0-500 kg",
    }


def test_a_message_naming_no_field_goes_to_the_default() -> None:
    assert field_errors(("Something odd happened",), default="to_date") == {
        "to_date": "Something odd happened"
    }
    assert field_errors(("--set: set 1 is already logged",)) == {
        "set_number": "set 1 is already logged"
    }


@pytest.mark.parametrize(
    ("tempo", "phases"),
    [
        ("3 s up, 3 s down", "up:3,down:3"),
        ("3 s up, 2 s hold, 3 s down", "up:3,hold:2,down:3"),
        (None, ""),
        ("explosive", ""),
    ],
)
def test_a_tempo_reads_as_metronome_phases(tempo: str | None, phases: str) -> None:
    assert tempo_phases(tempo) == phases


def test_form_numbers_are_read_or_refused_naming_the_field() -> None:
    assert optional_int("rpe", " 7 ", "1-10") == 7
    assert optional_int("rpe", "", "1-10") is None
    assert optional_float("load", "12,5", "0-500 kg") == 12.5
    with pytest.raises(FormProblem) as caught:
        optional_int("rpe", "seven", "1-10")
    assert caught.value.field == "rpe"
    assert caught.value.message == "'seven' is not a whole number; allowed: 1-10"
    with pytest.raises(FormProblem):
        optional_float("load", "nan", "0-500 kg")
    assert parse_client_id("") is None
    with pytest.raises(FormProblem):
        parse_client_id("12345")


def _session(status: str = "planned") -> Session:
    rx = Prescription(
        exercise="bent-knee-heel-raise",
        scheme="heavy",
        sets=3,
        reps=8,
        per_side=True,
        added_load_kg=10.0,
        tempo="3 s up, 3 s down",
        rule="R-SCH-2",
        why="R-SCH-2: heavy work",
        reasons=(Reason("R-SCH-2", "heavy loads stiffen tendons (10 kg)"),),
    )
    return Session(
        date=dt.date(2026, 3, 2),
        week=1,
        deload=False,
        title="Heavy",
        exercises=(rx,),
        status=status,  # type: ignore[arg-type]
        advice="See a physiotherapist." if status == "stopped" else None,
    )


def test_a_session_view_has_a_set_slot_per_set_and_side_with_the_dose_and_reasons() -> None:
    view = session_view(_session(), "imperial")
    (ex,) = view.exercises
    assert [(s.number, s.side) for s in ex.slots] == [
        (1, "left"), (1, "right"), (2, "left"), (2, "right"), (3, "left"), (3, "right"),
    ]  # fmt: skip
    assert ex.kind == "tempo" and ex.tempo_phases == "up:3,down:3"
    assert ex.dose == "3 x 8 reps each side, +22 lb"
    assert ex.load_value == 22.0
    assert ex.reasons == (("R-SCH-2", "heavy loads stiffen tendons (22 lb)"),)
    assert ex.cues  # from the catalog


def test_a_stopped_session_view_has_its_advice_and_no_exercises() -> None:
    view = session_view(_session("stopped"), "metric")
    assert view.stopped
    assert view.exercises == ()
    assert view.advice == "See a physiotherapist."
