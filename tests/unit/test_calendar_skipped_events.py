"""A training calendar's events that cannot be read (a damaged repeat rule, EXDATE or
DURATION, no start, a start that is not a date) are skipped with their reason, beside the
events that are not runs; the good events of the same file are still read. None is dropped
without a word."""

from __future__ import annotations

import pytest
from tests.unit.test_calendar_import import FIRST, LAST, event, ics

from calfcoach.formats.calendar_import import read_calendar

GOOD = event("ok", "Easy run", "DTSTART;VALUE=DATE:20270311")


@pytest.mark.parametrize(
    ("damaged", "title", "reason"),
    [
        (event("a", "Tempo run", "DTSTART;VALUE=DATE:20270310", "RRULE:FREQ=FOO"),
         "Tempo run", "cannot be read (BadRuleStringFormat: "),
        (event("b", "Tempo run", "DTSTART;VALUE=DATE:20270310",
               "RRULE:FREQ=DAILY;COUNT=999999999999"),
         "Tempo run", "cannot be read (BadRuleStringFormat: "),
        (event("c", "Easy run", "DTSTART:notadate"),
         "Easy run", "cannot be read (BrokenCalendarProperty: "),
        (event("d", "Easy run", "DTSTART;VALUE=DATE:20270310", "RRULE:FREQ=WEEKLY;COUNT=3",
               "EXDATE:garbage"),
         "Easy run", "cannot be read (BrokenCalendarProperty: "),
        (event("e", "Easy run", "DTSTART:20270310T070000Z", "DURATION:garbage"),
         "Easy run", "cannot be read (BrokenCalendarProperty: "),
        ("BEGIN:VEVENT\r\nUID:f\r\nSUMMARY:Long run\r\nEND:VEVENT",
         "Long run", "cannot be read: it has no start (DTSTART)"),
    ],
)  # fmt: skip
def test_an_event_that_cannot_be_read_is_skipped_with_its_reason_and_the_rest_is_read(
    damaged: str, title: str, reason: str
) -> None:
    result = read_calendar(ics(GOOD, damaged), FIRST, LAST)

    assert [(r.title, r.date.isoformat()) for r in result.runs] == [("Easy run", "2027-03-11")]
    assert len(result.skipped) == 1
    skipped = result.skipped[0]
    assert skipped.title == title
    assert skipped.reason.startswith(reason), skipped.reason
    assert skipped.reason.isascii()


def test_a_skipped_event_without_a_readable_start_is_listed_without_a_date() -> None:
    result = read_calendar(ics(GOOD, event("c", "Easy run", "DTSTART:notadate")), FIRST, LAST)

    assert result.skipped[0].date is None
    assert result.skipped[0].line().startswith("(no date) 'Easy run': cannot be read (")


def test_a_damaged_single_event_outside_the_window_is_passed_over_like_a_good_one() -> None:
    far = event("x", "Easy run", "DTSTART:20200310T070000Z", "DURATION:garbage")

    assert read_calendar(ics(GOOD, far), FIRST, LAST).skipped == ()
