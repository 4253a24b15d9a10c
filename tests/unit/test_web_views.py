"""The coaching pages' helpers: a refused service call at its form field, the tempo as
metronome phases, a stopped session without exercises (issue 8, part 2)."""

from __future__ import annotations

import datetime as dt

import pytest

from calfcoach.core.models import Prescription, Reason, Session
from calfcoach.errors import InputError, Problem
from calfcoach.web.forms import FormProblem, optional_float, optional_int, parse_client_id
from calfcoach.web.views import FORM_FIELDS, field_errors, form_field, session_view, tempo_phases


def test_a_typed_problem_lands_at_its_field_with_its_domain_message() -> None:
    errors = field_errors(
        (
            Problem("invalid", "11 is out of range", field="rpe", value=11, allowed="1-10"),
            Problem("invalid", "900 is out of range", field="load_kg", allowed="0-500 kg"),
        )
    )
    assert errors == {
        "rpe": "11 is out of range; allowed: 1-10",
        "load": "900 is out of range; allowed: 0-500 kg",  # FORM_FIELDS: one load field
    }


def test_a_problem_naming_no_field_of_the_form_goes_to_the_default_naming_its_field() -> None:
    problems = (
        Problem("invalid", "Something odd happened"),
        Problem("conflict", "set 1 is already logged", field="set_number"),
        Problem("invalid", "is not a session day", field="plan", allowed="a session day"),
    )
    assert field_errors(problems, {"set_number"}, default="to_date") == {
        "to_date": "Something odd happened plan: is not a session day; allowed: a session day",
        "set_number": "set 1 is already logged",
    }


def test_a_path_in_a_document_lands_at_its_first_name_and_keeps_the_path() -> None:
    problem = Problem("invalid", "'sprint' is not allowed", field="runs[1].kind")
    assert form_field(problem) == "runs"
    assert field_errors((problem,)) == {"runs": "runs[1].kind: 'sprint' is not allowed"}


def test_a_form_may_call_a_domain_field_by_its_own_name() -> None:
    problem = Problem("invalid", "2020-01-01 is in the past", field="date")
    assert field_errors((problem,), rename={"date": "from_date"}) == {
        "from_date": "2020-01-01 is in the past"
    }
    assert FORM_FIELDS["red_flag"] == "red_flags"


def test_an_error_built_from_a_text_line_is_read_into_its_field() -> None:
    error = InputError("date: 2099-01-01 is in the future; allowed: today or earlier")
    assert field_errors(error.details) == {
        "date": "2099-01-01 is in the future; allowed: today or earlier"
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
