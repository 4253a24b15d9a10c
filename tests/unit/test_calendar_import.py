"""Planned training calendars (issue 10, item 2): ICS events into planned runs and races,
kinds from titles (CAL-KIND-1), all-day and timed events, time zones, recurring events."""

from __future__ import annotations

import datetime as dt
import time
from zoneinfo import ZoneInfo

import pytest

from calfcoach.formats.calendar_import import (
    MAX_OCCURRENCES,
    MAX_RULE_DATES,
    CalendarFileError,
    guess_kind,
    parse_distance_km,
    read_calendar,
)

FIRST, LAST = dt.date(2027, 3, 1), dt.date(2027, 5, 31)


def ics(*events: str, extra: str = "") -> bytes:
    body = "\r\n".join(events)
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Plan//EN\r\n"
        f"{extra}{body}\r\nEND:VCALENDAR\r\n"
    ).encode()


def event(uid: str, summary: str, start: str, *more: str) -> str:
    lines = ["BEGIN:VEVENT", f"UID:{uid}", "DTSTAMP:20270101T000000Z", f"SUMMARY:{summary}", start]
    return "\r\n".join([*lines, *more, "END:VEVENT"])


@pytest.mark.parametrize(
    ("title", "what", "kind", "detail", "km"),
    [
        ("Long run 18 mi", "run", "long", None, 28.968),
        ("LSR 2h", "run", "long", None, None),
        ("Tempo 20 min", "run", "hard", "tempo", None),
        ("6 x 800 m @ 5K pace", "run", "hard", "intervals", None),
        ("Hill repeats", "run", "hard", "hills", None),
        ("Marathon pace 8 mi", "run", "hard", "tempo", 12.875),
        ("Fartlek 40 min", "run", "hard", "fartlek", None),
        ("Easy 5K", "run", "easy", None, 5.0),
        ("Recovery jog", "run", "easy", None, None),
        ("Berlin Marathon", "race", None, None, 42.195),
        ("Half Marathon", "race", None, None, 21.0975),
        ("City 10K race", "race", None, None, 10.0),
        ("Parkrun", "race", None, None, 5.0),
        ("Rest day", "skip", None, None, None),
        ("Strength", "skip", None, None, None),
        ("Long ride", "skip", None, None, None),
        ("Team meeting", "skip", None, None, None),
    ],
)
def test_a_title_names_its_run_kind_or_race_and_distance(
    title: str, what: str, kind: str | None, detail: str | None, km: float | None
) -> None:
    guess = guess_kind(title)
    assert (guess.what, guess.kind, guess.detail) == (what, kind, detail)
    assert guess.distance_km == (pytest.approx(km) if km is not None else None)


def test_a_tune_up_race_of_ten_km_or_less_is_flagged_and_a_longer_one_is_not() -> None:
    assert guess_kind("10K tune-up race").tune_up
    assert not guess_kind("Half marathon tune-up race").tune_up


def test_distances_are_read_in_km_and_miles() -> None:
    assert parse_distance_km("10 km") == 10
    assert parse_distance_km("13.1 mi") == pytest.approx(21.082, abs=0.01)
    assert parse_distance_km("5,5k") == 5.5
    assert parse_distance_km("no number") is None


def test_all_day_and_timed_events_become_planned_runs_and_races_in_date_order() -> None:
    data = ics(
        event("a", "Long run 30 km", "DTSTART;VALUE=DATE:20270321"),
        event(
            "b",
            "Intervals 5x1000",
            "DTSTART;TZID=Europe/Berlin:20270317T183000",
            "DTEND;TZID=Europe/Berlin:20270317T193000",
        ),
        event("c", "Spring Half Marathon", "DTSTART;VALUE=DATE:20270502"),
        event("d", "Yoga", "DTSTART;VALUE=DATE:20270318"),
        event("e", "Easy run", "DTSTART;VALUE=DATE:20260101"),  # outside the window
    )
    result = read_calendar(data, FIRST, LAST)
    assert [(r.date, r.kind, r.detail) for r in result.runs] == [
        (dt.date(2027, 3, 17), "hard", "intervals"),
        (dt.date(2027, 3, 21), "long", None),
    ]
    timed = result.runs[0]
    assert timed.start == dt.datetime(2027, 3, 17, 18, 30, tzinfo=ZoneInfo("Europe/Berlin"))
    assert result.runs[1].start is None and result.runs[1].distance_km == 30
    assert [(r.date, r.distance_km, r.name) for r in result.races] == [
        (dt.date(2027, 5, 2), 21.0975, "Spring Half Marathon")
    ]
    assert [(s.title, s.reason) for s in result.skipped] == [
        ("Yoga", "not a run: strength or mobility work")
    ]


def test_a_utc_time_is_dated_in_the_runners_time_zone() -> None:
    data = ics(event("a", "Easy run", "DTSTART:20270310T230000Z"))
    assert read_calendar(data, FIRST, LAST).runs[0].date == dt.date(2027, 3, 10)
    tokyo = read_calendar(data, FIRST, LAST, tz=ZoneInfo("Asia/Tokyo"))
    assert tokyo.runs[0].date == dt.date(2027, 3, 11)


def test_a_weekly_recurring_run_is_expanded_within_the_window_only() -> None:
    data = ics(
        event("w", "Tempo run", "DTSTART;VALUE=DATE:20270302", "RRULE:FREQ=WEEKLY;COUNT=52"),
        event(
            "x",
            "Long run",
            "DTSTART;VALUE=DATE:20270306",
            "RRULE:FREQ=WEEKLY;UNTIL=20270320",
            "EXDATE;VALUE=DATE:20270313",
        ),
    )
    result = read_calendar(data, FIRST, dt.date(2027, 3, 31))
    tempo = [r.date.day for r in result.runs if r.kind == "hard"]
    long = [r.date.day for r in result.runs if r.kind == "long"]
    assert tempo == [2, 9, 16, 23, 30]
    assert long == [6, 20]


def test_a_google_calendar_with_x_wr_timezone_places_utc_times_in_that_zone() -> None:
    data = ics(
        event("g", "Easy run", "DTSTART:20270310T230000Z"),
        extra="X-WR-TIMEZONE:Asia/Tokyo\r\n",
    )
    assert read_calendar(data, FIRST, LAST).runs[0].date == dt.date(2027, 3, 11)


def test_a_cancelled_event_is_left_out() -> None:
    data = ics(event("c", "Tempo", "DTSTART;VALUE=DATE:20270310", "STATUS:CANCELLED"))
    assert read_calendar(data, FIRST, LAST).runs == ()


def test_a_file_that_is_not_icalendar_is_one_clear_error() -> None:
    with pytest.raises(CalendarFileError, match="not a valid iCalendar file"):
        read_calendar(b"hello", FIRST, LAST)


def test_a_parameter_given_twice_is_one_clear_error_not_a_crash() -> None:
    # Found by the fuzz test: icalendar's parser raised AttributeError on VALUE=DATE,DATE.
    data = ics(event("v", "Long run 20 km", "DTSTART;VALUE=DATE,DATE:20270105"))
    with pytest.raises(CalendarFileError, match="not a valid iCalendar file"):
        read_calendar(data, FIRST, LAST)


def test_an_event_many_times_a_day_over_too_long_a_window_is_refused_naming_the_limit() -> None:
    hours = ",".join(str(h) for h in range(24))
    data = ics(
        event("d", "Easy run", "DTSTART:20270101T000000", f"RRULE:FREQ=DAILY;BYHOUR={hours}")
    )
    with pytest.raises(CalendarFileError, match=f"more than {MAX_OCCURRENCES:,} events"):
        read_calendar(data, dt.date(2027, 1, 1), dt.date(2027, 12, 31))


# D-191: repeats are expanded one date at a time, within bounds; these took minutes and
# gigabytes (FREQ=SECONDLY: 24 GB) when the expander listed every date first.
YEAR = (dt.date(2026, 11, 6), dt.date(2027, 12, 5))
QUICK_S = 5.0  # each answered in well under a second; generous for a loaded machine


@pytest.mark.parametrize(("freq", "unit"), [("SECONDLY", "second"), ("MINUTELY", "minute")])
def test_an_event_repeating_every_second_or_minute_is_refused_at_once(freq: str, unit: str) -> None:
    data = ics(event("1@x", "Race 10k", "DTSTART;VALUE=DATE:20261220", f"RRULE:FREQ={freq}"))
    started = time.perf_counter()
    with pytest.raises(CalendarFileError, match=f"'Race 10k' repeats every {unit}") as raised:
        read_calendar(data, *YEAR)
    assert time.perf_counter() - started < QUICK_S
    assert "allowed: events that repeat daily or less often" in str(raised.value)


def test_an_hourly_event_is_refused_even_with_a_few_repeats() -> None:
    data = ics(event("h", "Easy run", "DTSTART:20270310T060000", "RRULE:FREQ=HOURLY;COUNT=2"))
    with pytest.raises(CalendarFileError, match="repeats every hour"):
        read_calendar(data, FIRST, LAST)


@pytest.mark.parametrize("interval", ["0", "-1", "x"])
def test_an_interval_below_one_is_refused(interval: str) -> None:
    rule = f"RRULE:FREQ=YEARLY;INTERVAL={interval};BYMONTH=3"
    data = ics(event("i", "Tempo", "DTSTART;VALUE=DATE:20270302", rule))
    with pytest.raises(CalendarFileError, match="INTERVAL"):
        read_calendar(data, FIRST, LAST)


def test_a_huge_count_many_times_a_day_stops_at_the_event_limit_at_once() -> None:
    minutes = ",".join(str(m) for m in range(60))
    rule = f"RRULE:FREQ=DAILY;COUNT=100000000;BYHOUR=6,7,8,9,10,11;BYMINUTE={minutes}"
    data = ics(event("c", "Easy run", "DTSTART:20261210T060000", rule))
    started = time.perf_counter()
    with pytest.raises(CalendarFileError, match=f"more than {MAX_OCCURRENCES:,} events"):
        read_calendar(data, *YEAR)
    assert time.perf_counter() - started < QUICK_S


def test_a_huge_count_or_no_end_once_a_day_is_read_within_the_window() -> None:
    data = ics(
        event("a", "Easy run", "DTSTART;VALUE=DATE:20270301", "RRULE:FREQ=DAILY;COUNT=1000000000"),
        event("b", "Long run", "DTSTART;VALUE=DATE:20270306", "RRULE:FREQ=WEEKLY"),
    )
    result = read_calendar(data, FIRST, LAST)
    assert len([r for r in result.runs if r.kind == "easy"]) == 92
    assert len([r for r in result.runs if r.kind == "long"]) == 13


def test_a_rule_matching_no_day_is_not_walked_to_the_year_9999() -> None:
    # dateutil walks FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30 day by day until the year 9999 (3 s a
    # rule); the walk stops once it is past the window. Only DTSTART itself is an event.
    rules = ["FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30", "FREQ=WEEKLY;BYMONTH=4;BYMONTHDAY=31"]
    data = ics(
        *(
            event(f"n{i}", "Tempo", "DTSTART;VALUE=DATE:20270302", f"RRULE:{rule}")
            for i, rule in enumerate(rules * 20)
        )
    )
    started = time.perf_counter()
    result = read_calendar(data, FIRST, LAST)
    assert time.perf_counter() - started < QUICK_S
    assert {r.date for r in result.runs} == {dt.date(2027, 3, 2)}


def test_rules_starting_centuries_before_the_window_are_refused_at_once() -> None:
    never = "RRULE:FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30"
    often = "RRULE:FREQ=DAILY;BYHOUR=0,6,12,18"
    for start, rule in [("DTSTART;VALUE=DATE:00010101", never), ("DTSTART:19000101T000000", often)]:
        data = ics(event("p", "Easy run", start, rule))
        started = time.perf_counter()
        with pytest.raises(CalendarFileError, match=f"more than {MAX_RULE_DATES:,} dates"):
            read_calendar(data, FIRST, LAST)
        assert time.perf_counter() - started < QUICK_S


def test_a_daily_rule_since_1990_and_long_exdate_and_rdate_lists_are_read() -> None:
    days = [dt.date(2027, 3, 1) + dt.timedelta(days=i) for i in range(92)]
    listed = ",".join(d.strftime("%Y%m%d") for d in days[::2])
    data = ics(
        event(
            "y",
            "Easy run",
            "DTSTART;VALUE=DATE:19900101",
            "RRULE:FREQ=DAILY",
            f"EXDATE;VALUE=DATE:{listed}",
        ),
        event("r", "Tempo", "DTSTART;VALUE=DATE:20270301", f"RDATE;VALUE=DATE:{listed}"),
    )
    result = read_calendar(data, FIRST, LAST)
    assert [r.date for r in result.runs if r.kind == "easy"] == days[1::2]
    assert [r.date for r in result.runs if r.kind == "hard"] == days[::2]


def test_a_window_backwards_or_longer_than_three_years_is_refused() -> None:
    with pytest.raises(CalendarFileError, match="window"):
        read_calendar(ics(), LAST, FIRST)
    with pytest.raises(CalendarFileError, match="window"):
        read_calendar(ics(), FIRST, FIRST + dt.timedelta(days=5000))


def test_a_title_holding_a_newline_or_an_escape_becomes_a_printable_race_name_and_run_title() -> (
    None
):
    # D-154: an event's title becomes a race's name, which reasons quote; the ICS escape
    # "\n" is a real newline once read, and raw bytes may hold ESC or a direction override.
    data = ics(
        event("a", "Spring\\nHalf Marathon \x1b[2J\u202e", "DTSTART;VALUE=DATE:20270502"),
        event("b", "Tempo\\n\\n20 min", "DTSTART;VALUE=DATE:20270317"),
        event("c", "\x1b\\n", "DTSTART;VALUE=DATE:20270318"),
    )
    result = read_calendar(data, FIRST, LAST)
    assert [r.name for r in result.races] == ["Spring Half Marathon [2J"]
    assert [(r.title, r.kind) for r in result.runs] == [("Tempo 20 min", "hard")]
    assert [s.title for s in result.skipped] == [""]
