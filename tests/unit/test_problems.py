"""Typed problems (issue 8, part 1): errors carry field, value, allowed and a code; services
speak of the domain and the CLI names its options from one table."""

from __future__ import annotations

import datetime as dt

import pytest

from calfcoach.cli.errors import OPTION_NAMES, problem_lines
from calfcoach.errors import (
    CalfcoachError,
    ConflictError,
    ForbiddenError,
    InputError,
    NotFoundError,
    Problem,
)
from calfcoach.services.training import SetInput, validate_set

TODAY = dt.date(2026, 12, 1)


def test_a_text_line_is_read_into_field_message_and_allowed_and_printed_back_unchanged() -> None:
    line = "date: 2027-01-05 is in the future; allowed: today (2026-12-01) or earlier"
    problem = Problem.from_line(line)
    assert problem == Problem(
        "invalid",
        "2027-01-05 is in the future",
        field="date",
        allowed="today (2026-12-01) or earlier",
    )
    assert problem.text() == line


def test_a_line_without_a_field_is_a_problem_of_the_whole_request() -> None:
    problem = Problem.from_line("no athlete stored yet")
    assert problem.field is None and problem.allowed is None
    assert problem.text() == "no athlete stored yet"


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (InputError("x"), "invalid"),
        (NotFoundError("x"), "not_found"),
        (ConflictError("x"), "conflict"),
        (ForbiddenError("x"), "forbidden"),
    ],
)
def test_each_error_class_gives_its_problems_its_code(error: CalfcoachError, code: str) -> None:
    assert [p.code for p in error.details] == [code]
    assert error.problems == ("x",)


def test_a_conflict_is_still_bad_input_for_callers_that_catch_input_errors() -> None:
    with pytest.raises(InputError):
        raise ConflictError("date: there is already a check-in")


def test_a_service_names_the_domain_field_with_the_value_and_the_cli_prints_its_option() -> None:
    entry = SetInput(exercise="jump-rope", set_number=1, contacts=100, rpe=11)
    with pytest.raises(InputError) as caught:
        validate_set(entry, TODAY, TODAY)
    (problem,) = caught.value.details
    assert (problem.code, problem.field, problem.allowed) == ("invalid", "rpe", "1-10")
    assert caught.value.problems == ("rpe: 11 is out of range; allowed: 1-10",)
    assert problem_lines(caught.value) == ("--rpe: 11 is out of range; allowed: 1-10",)


def test_a_future_date_is_refused_as_date_and_printed_as_the_date_option() -> None:
    entry = SetInput(exercise="jump-rope", set_number=1, contacts=100)
    with pytest.raises(InputError) as caught:
        validate_set(entry, dt.date(2027, 1, 5), TODAY)
    assert caught.value.details[0].field == "date"
    assert not any("--" in line for line in caught.value.problems)
    assert problem_lines(caught.value)[0].startswith("--date: 2027-01-05 is in the future")


def test_an_allowed_that_is_a_field_is_printed_as_its_option_too() -> None:
    entry = SetInput(exercise="jump-rope", set_number=1, reps=22)
    with pytest.raises(InputError) as caught:
        validate_set(entry, TODAY, TODAY)
    assert caught.value.details[0].allowed == "contacts"
    assert problem_lines(caught.value)[0].endswith("allowed: --contacts")


def test_a_field_the_table_does_not_know_is_printed_as_it_is() -> None:
    error = InputError("athletes[0].sets[2].reps: -1 is out of range; allowed: 0-500")
    assert problem_lines(error) == error.problems


def test_the_option_table_maps_domain_names_to_options_of_the_cli() -> None:
    assert all(not field.startswith("-") for field in OPTION_NAMES)
    assert OPTION_NAMES["load_kg"] == "--load-kg" and OPTION_NAMES["date"] == "--date"
