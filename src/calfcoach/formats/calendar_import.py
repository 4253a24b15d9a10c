"""A planned training calendar (an ICS file the runner exports from a plan) read into planned
runs and races (issue 10, item 2).

Events are expanded within a window (recurring ones with ``recurring-ical-events``, which
also repairs Google's ``X-WR-TIMEZONE`` calendars); all-day events give a date, timed ones a
start time and the date in the event's own time zone (UTC times in ``tz``, default UTC). The
kind comes from the title (CAL-KIND-1 in docs/running-load.md): race, long, hard (tempo,
intervals, hills...) or easy; events that are not runs (rest, strength, cross-training) and
titles naming no run are skipped, each with its reason, so the runner can see and edit them.

Repeating events are expanded lazily and within bounds (D-191): a rule repeating more often
than daily (FREQ=HOURLY, MINUTELY, SECONDLY) or with an INTERVAL below 1 is refused before
anything is expanded; the others are walked one date at a time, stopping at the window's end
(even where a rule's BYxxx parts match no day, which dateutil would walk to the year 9999), at
``MAX_OCCURRENCES`` events in the window, or at ``MAX_RULE_DATES`` dates (``MAX_RULE_MONTHS``
months) walked through from the rules' first days: time and memory do not grow with what a
rule could generate.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import recurring_ical_events  # type: ignore[import-untyped]
from dateutil.rrule import rrule  # type: ignore[import-untyped]
from icalendar import Calendar
from pydantic import ValidationError

from calfcoach.core.models import Race, RunKind
from calfcoach.core.names import printable_name
from calfcoach.core.running import PlannedRun
from calfcoach.errors import InputError

__all__ = [
    "MAX_CALENDAR_BYTES",
    "MAX_EVENT_KM",
    "MAX_OCCURRENCES",
    "MAX_RULE_DATES",
    "MAX_RULE_MONTHS",
    "CalendarFileError",
    "CalendarImport",
    "LEGACY_ENCODING",
    "Guess",
    "Skipped",
    "decode_calendar",
    "distance_problem",
    "guess_kind",
    "parse_distance_km",
    "read_calendar",
]

MAX_CALENDAR_BYTES = 5 * 1024 * 1024  # a year of daily events with long notes is ~1 MB
MAX_OCCURRENCES = 5_000  # events in the window, counted while they are expanded
MAX_RULE_DATES = 100_000  # dates the repeat rules may walk through, from their first day
MAX_RULE_MONTHS = 12_000  # months they may walk through (a rule whose BYxxx match no day)
SUB_DAILY = {"HOURLY": "hour", "MINUTELY": "minute", "SECONDLY": "second"}
MAX_WINDOW_DAYS = 3 * 366
HALF_MARATHON_KM = 21.0975
MARATHON_KM = 42.195
MILE_KM = 1.609344


class CalendarFileError(InputError):
    """The calendar file cannot be read; the message says why."""


@dataclass(frozen=True, slots=True)
class Skipped:
    date: dt.date | None
    """None: an event whose start cannot be read."""
    title: str
    reason: str
    unreadable: bool = False
    """True: the event cannot be read (a damaged rule or start, a value out of range), an
    error of the file; False: a readable event that is not a run or race."""

    def line(self) -> str:
        """``2027-03-10 'Yoga': not a run: strength or mobility work``."""
        day = self.date.isoformat() if self.date is not None else "(no date)"
        return f"{day} {self.title!r}: {self.reason}"


@dataclass(frozen=True, slots=True)
class CalendarImport:
    runs: tuple[PlannedRun, ...]
    races: tuple[Race, ...]
    skipped: tuple[Skipped, ...]
    outside: int = 0
    """Events (a repeating one counts once) with no day inside the window: not imported."""
    encoding: str = "UTF-8"
    """How the file's bytes were read (``decode_calendar``)."""


@dataclass(frozen=True, slots=True)
class Guess:
    """What a title says: a race, a run of a kind (with a detail), or no run (and why)."""

    what: str  # "race", "run" or "skip"
    kind: RunKind | None = None
    detail: str | None = None
    distance_km: float | None = None
    tune_up: bool = False
    reason: str = ""
    problem: str | None = None
    """A distance in the title no run or race can have (0 km, -5 km, 10000 km): the event is
    not imported and is an error of the file, said with what is allowed."""


# --------------------------------------------------------------------------- titles

_WORD = r"(?<![a-z0-9]){}(?![a-z0-9])"


def _has(text: str, *patterns: str) -> str | None:
    for pattern in patterns:
        match = re.search(_WORD.format(pattern), text)
        if match:
            return match.group(0)
    return None


_RACE = (r"race", r"racing", r"parkrun", r"competition", r"time trial", r"tt")
_RACE_DISTANCE = (
    r"ultra",
    r"half[- ]?marathon",
    r"marathon",
    r"hm",
    r"\d+(?:[.,]\d+)?\s*(?:k|km)",
)
_RUN_WORD = (
    r"run",
    r"running",
    r"jog",
    r"tempo",
    r"intervals?",
    r"fartlek",
    r"parkrun",
    r"strides",
    r"lsr",
    r"race",
    r"marathon",
)
_TRAINING = (
    r"pace",
    r"mp",
    r"tempo",
    r"long",
    r"easy",
    r"training",
    r"workout",
    r"recovery",
    r"intervals?",
    r"repeats?",
    r"run",
)
_LONG = (r"long run", r"long", r"lsr", r"lr")
_REPEATS = r"\d+\s*x\s*\d+(?:[.,]\d+)?\s*(?:m|k|km|mi|miles?|s|sec|min|minutes?)?"
_HARD: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("hills", (r"hill repeats", r"hills?")),
    (
        "intervals",
        (
            r"intervals?",
            r"repeats?",
            r"reps",
            _REPEATS,
            r"vo2\s*max",
            r"vo2",
            r"speed( work)?",
            r"track",
        ),
    ),
    (
        "tempo",
        (
            r"tempo",
            r"threshold",
            r"lt",
            r"cruise",
            r"marathon pace",
            r"mp",
            r"race pace",
            r"progression",
            r"steady state",
        ),
    ),
    ("fartlek", (r"fartlek",)),
)
_EASY = (
    r"easy",
    r"recovery",
    r"base",
    r"aerobic",
    r"jog",
    r"shake ?out",
    r"general aerobic",
    r"run",
    r"running",
    r"strides",
)
_NOT_RUN: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("a rest day", (r"rest", r"off", r"day off", r"rest day")),
    (
        "strength or mobility work",
        (
            r"strength",
            r"gym",
            r"weights",
            r"yoga",
            r"pilates",
            r"mobility",
            r"stretch(ing)?",
            r"core",
        ),
    ),
    (
        "cross-training",
        (
            r"cross[- ]?training",
            r"xt",
            r"bike",
            r"cycling",
            r"ride",
            r"swim",
            r"swimming",
            r"elliptical",
            r"row(ing)?",
        ),
    ),
)
_TUNE_UP = (r"tune[- ]?up", r"b race", r"c race", r"parkrun")


def parse_distance_km(text: str) -> float | None:
    """A distance written in a title: "10K", "5 km", "13.1 mi", "half marathon", "marathon"."""
    lower = text.lower()
    if _has(lower, r"half[- ]?marathon", r"hm", r"half"):
        return HALF_MARATHON_KM
    match = re.search(
        r"(\d+(?:[.,]\d+)?)\s*(km|k|kilometers?|kilometres?|mi|miles?)(?![a-z])", lower
    )
    if match:
        number = float(match.group(1).replace(",", "."))
        km = number * MILE_KM if match.group(2).startswith("mi") else number
        return round(km, 3) if 0 < km <= 400 else None
    if _has(lower, r"marathon") and not _has(lower, r"marathon pace"):
        return MARATHON_KM
    return None


MAX_EVENT_KM = 400.0  # the longest distance parse_distance_km reads: a multi-day ultra
_SIGNED_DISTANCE = re.compile(
    r"(?<![\w.,])([-\u2212]?\d+(?:[.,]\d+)?)\s*(km|k|kilometers?|kilometres?|mi|miles?)(?![a-z])"
)


def distance_problem(title: str) -> str | None:
    """The problem of a distance written in a title that no run or race can have: 0 or less,
    or more than ``MAX_EVENT_KM`` (``Race 10000 km``, ``Race -5 km``); None when the title
    gives a possible distance or none (``parse_distance_km`` reads the possible ones)."""
    match = _SIGNED_DISTANCE.search(title.lower())
    if match is None:
        return None
    written = match.group(1).replace("\u2212", "-")
    number = float(written.replace(",", "."))
    km = number * MILE_KM if match.group(2).startswith("mi") else number
    if 0 < km <= MAX_EVENT_KM:
        return None
    return (
        f"its distance, {written} {match.group(2)}, is out of range; allowed: more than 0 and "
        f"at most {MAX_EVENT_KM:g} km (edit the title, or remove the event)"
    )


def guess_kind(title: str, description: str = "") -> Guess:
    """CAL-KIND-1: a title's run kind. Precedence: race > long > hard > easy; a title with
    no run word but a rest, strength or cross-training word is skipped with that reason."""
    text = f"{title} {description}".lower().strip()
    head = title.lower()
    # "6 x 800 m" names a repeat's distance, not the run's.
    distance = None if _has(head, _REPEATS) else parse_distance_km(title)
    if _has(head, r"parkrun"):
        distance = 5.0
    if not _has(head, *_RUN_WORD):
        for reason, patterns in _NOT_RUN:
            if _has(head, *patterns):
                return Guess("skip", reason=f"not a run: {reason}")
    race_word = _has(head.replace("race pace", "pace"), *_RACE)
    race_distance = _has(head, *_RACE_DISTANCE)
    training = _has(head, *_TRAINING)
    problem = None if _has(head, _REPEATS) else distance_problem(title)
    if problem is not None:
        return Guess("race" if race_word or race_distance else "run", problem=problem)
    if race_word or (race_distance and not training):
        tune_up = bool(_has(text, *_TUNE_UP)) and (distance or HALF_MARATHON_KM) <= 10
        return Guess("race", distance_km=distance, tune_up=tune_up, reason="a race in the title")
    long_word = _has(head, *_LONG)
    if long_word:
        return Guess("run", "long", None, distance, reason=f"title says {long_word!r}")
    for detail, patterns in _HARD:
        word = _has(head, *patterns)
        if word:
            return Guess("run", "hard", detail, distance, reason=f"title says {word!r}")
    easy_word = _has(head, *_EASY)
    if easy_word:
        return Guess("run", "easy", None, distance, reason=f"title says {easy_word!r}")
    if distance is not None:
        return Guess("run", "easy", None, distance, reason="a distance and no other word")
    return Guess("skip", reason="the title names no run (easy, long, tempo, intervals, race...)")


# --------------------------------------------------------------------------- the file


def _text(component: Any, name: str) -> str:
    value = component.get(name)
    return str(value).strip() if value is not None else ""


def _event_key(component: Any) -> str:
    """Which event a component is: its UID (a repeating event's occurrences share it), else
    its title."""
    return _text(component, "UID") or "\0" + _text(component, "SUMMARY")


def _when(component: Any, tz: dt.tzinfo) -> tuple[dt.date, dt.datetime | None]:
    value = component.get("DTSTART")
    if value is None:
        raise CalendarFileError("calendar: an event has no DTSTART")
    start = value.dt
    if isinstance(start, dt.datetime):
        if start.tzinfo is None:  # floating time: the runner's own clock
            start = start.replace(tzinfo=tz)
        elif start.utcoffset() == dt.timedelta(0):
            start = start.astimezone(tz)
        return start.date(), start
    if isinstance(start, dt.date):
        return start, None
    raise CalendarFileError(f"calendar: DTSTART {start!r} is not a date or a time")


# --------------------------------------------------------------------------- repeats


def _rule_texts(component: Any) -> list[str]:
    rules = component.get("RRULE")
    if rules is None:
        return []
    return [
        rule.to_ical().decode() if hasattr(rule, "to_ical") else str(rule)
        for rule in (rules if isinstance(rules, list) else [rules])
    ]


def _rule_part(text: str, name: str) -> str | None:
    match = re.search(rf"(?:^|;){name}=([^;]*)", text, re.IGNORECASE)
    return match.group(1).strip().upper() if match else None


def _check_rules(calendar: Calendar) -> None:
    """D-191: a training calendar plans days. An event repeating every hour, minute or second
    is no plan of runs (and a year of it is millions of events): the file is refused, naming
    the event, before anything is expanded. So is an INTERVAL below 1 (dateutil would repeat
    one date for ever)."""
    for component in calendar.walk("VEVENT"):
        for text in _rule_texts(component):
            title = printable_name(_text(component, "SUMMARY"), 80)
            freq = _rule_part(text, "FREQ")
            if freq in SUB_DAILY:
                raise CalendarFileError(
                    f"calendar: the event {title!r} repeats every {SUB_DAILY[freq]} "
                    f"(RRULE FREQ={freq}); allowed: events that repeat daily or less often "
                    "(a training calendar plans days: one event a run or race)"
                )
            interval = _rule_part(text, "INTERVAL")
            if interval is not None and not (interval.isdigit() and int(interval) >= 1):
                raise CalendarFileError(
                    f"calendar: the event {title!r} has RRULE INTERVAL={interval[:20]!r}; "
                    "allowed: a whole number of at least 1"
                )


class _PastTheWindow(Exception):
    """dateutil's walk through a rule has moved past the window's last day."""


@dataclass
class _Expansion:
    """What the repeat rules of one calendar have walked through so far (D-191)."""

    first: dt.date
    last: dt.date
    dates: int = 0
    months: int = 0

    def too_much(self) -> CalendarFileError:
        return CalendarFileError(
            f"calendar: its repeating events go through more than {MAX_RULE_DATES:,} dates "
            f"(or {MAX_RULE_MONTHS:,} months) from their first days to {self.last}; allowed: "
            f"repeating events that start within a few years of {self.first} (a calendar "
            "of the training plan alone)"
        )

    def date(self) -> None:
        self.dates += 1
        if self.dates > MAX_RULE_DATES:
            raise self.too_much()

    def month(self) -> None:
        self.months += 1
        if self.months > MAX_RULE_MONTHS:
            raise self.too_much()


@dataclass
class _Walk:
    """One walk through a rule: how many of dateutil's month steps it may still take before it
    is past the window (each step moves at least one month on)."""

    expansion: _Expansion
    months_left: int

    def month(self) -> None:
        self.expansion.month()
        self.months_left -= 1
        if self.months_left < 0:
            raise _PastTheWindow


class _WindowRule(rrule):  # type: ignore[misc]
    """A dateutil rule walked lazily within one calendar's bounds (D-191).

    dateutil's ``between`` builds the list of every date in the span (34 million for a year
    of FREQ=SECONDLY), and its walk only stops when a date passes the end: a rule whose BYxxx
    parts match no day (FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30) walks day by day to the year
    9999 first. Here ``between`` yields one date at a time, each counted; and dateutil reads
    ``_byeaster`` once at the start of a walk and once per month it moves to (``_iterinfo.
    rebuild``), so that read counts the months: past the window's month the walk stops.
    Rules become this class in place (``_bound``); nothing else about them changes."""

    @property
    def _byeaster(self) -> Any:
        walk: _Walk | None = self.__dict__.get("_calfcoach_walk")
        if walk is not None:
            walk.month()
        return self.__dict__["_byeaster"]

    def between(
        self, after: dt.datetime, before: dt.datetime, inc: bool = False, count: int = 1
    ) -> Iterator[dt.datetime]:
        expansion: _Expansion = self.__dict__["_calfcoach_expansion"]
        start = self._dtstart
        months = (before.year - start.year) * 12 + before.month - start.month
        walker = copy.copy(self)  # this walk's own count, whoever else walks the rule
        walker.__dict__["_calfcoach_walk"] = _Walk(expansion, max(months, 0) + 3)
        try:
            for value in walker._iter():
                expansion.date()
                if value > before or (not inc and value == before):
                    return
                if value > after or (inc and value == after):
                    yield value
        except _PastTheWindow:
            return


def _bound(query: Any, expansion: _Expansion) -> None:
    """The rules of every series of ``query`` walked as ``_WindowRule``s."""
    for series in query.series:
        for rule in getattr(series.recurrence, "rrules", ()):
            if type(rule) is rrule:  # the RRULEs; RDATEs are dates of the file itself
                rule.__class__ = _WindowRule
                rule.__dict__["_calfcoach_expansion"] = expansion
                rule._cache = None  # walked anew each time, never kept


class _EventSeries(recurring_ical_events.SelectComponents):  # type: ignore[misc]
    """The calendar's VEVENT series, grouped by UID as ``recurring_ical_events`` groups them;
    a series that cannot be read (a damaged RRULE, EXDATE or DURATION, no DTSTART) is kept
    in ``damaged`` with its error, where the library's ``skip_bad_series`` dropped it
    without a word."""

    def __init__(self) -> None:
        self.damaged: list[tuple[Any, Exception]] = []
        self.first_of: dict[str, Any] = {}
        """Each series' first component, by UID: what a later failure names."""

    def collect_series_from(self, source: Any, suppress_errors: Any) -> list[Any]:
        groups: dict[str, list[Any]] = {}
        for component in source.walk("VEVENT"):
            adapter = recurring_ical_events.EventAdapter(component)
            uid = str(adapter.uid)
            groups.setdefault(uid, []).append(adapter)
            self.first_of.setdefault(uid, component)
        series = []
        for uid, adapters in groups.items():
            try:
                series.append(recurring_ical_events.Series(adapters))
            except Exception as error:  # the parsers' own failure on this event (D-45)
                self.damaged.append((self.first_of[uid], error))
        return series


def _events(
    calendar: Calendar, first: dt.date, last: dt.date, damaged: list[tuple[Any, Exception]]
) -> Iterator[Any]:
    """The events of the window, one occurrence at a time; each series that cannot be read
    or expanded goes to ``damaged`` (with its error) and the others are still read."""
    _check_rules(calendar)
    collected = _EventSeries()
    query = recurring_ical_events.of(calendar, components=[collected])
    damaged.extend(collected.damaged)
    _bound(query, _Expansion(first, last))
    count = 0
    for series in query.series:  # one occurrence at a time, counted as it comes
        try:
            for occurrence in series.between(first, last + dt.timedelta(days=1)):
                count += 1
                if count > MAX_OCCURRENCES:
                    raise CalendarFileError(
                        f"calendar: more than {MAX_OCCURRENCES:,} events between {first} and "
                        f"{last}; allowed: at most that many (choose a shorter window)"
                    )
                yield occurrence.as_component(False)
        except CalendarFileError:
            raise  # a limit of the whole file (D-191)
        except Exception as error:  # this series alone cannot be expanded: named, not dropped
            damaged.append((collected.first_of.get(str(series.uid)), error))
            continue


def _damaged(component: Any, error: Exception, first: dt.date, last: dt.date) -> Skipped | None:
    """A damaged event as a skipped one, with the parser's reason in printable ASCII; None
    for a single event (no repeats) whose readable day lies outside the window, which would
    have been passed over anyway."""
    title = printable_name(_text(component, "SUMMARY"), 200) if component is not None else ""
    day: dt.date | None = None
    try:
        start = component.get("DTSTART").dt
        day = start.date() if isinstance(start, dt.datetime) else start
    except Exception:  # no DTSTART, or one that is not a date: the event is named without
        day = None
    if not isinstance(day, dt.date):
        day = None
    repeats = component is not None and any(component.get(k) for k in ("RRULE", "RDATE"))
    if day is not None and not repeats and not first <= day <= last:
        return None
    if isinstance(error, KeyError) and "DTSTART" in str(error):
        return Skipped(day, title, "cannot be read: it has no start (DTSTART)", unreadable=True)
    text = "".join(c if " " <= c <= "~" else "?" for c in str(error))[:120]
    said = f"{type(error).__name__}: {text}" if text else type(error).__name__
    return Skipped(day, title, f"cannot be read ({said})", unreadable=True)


_BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig", "UTF-8"),
    (b"\xff\xfe\x00\x00", "utf-32", "UTF-32"),  # before UTF-16 LE: its BOM starts the same
    (b"\x00\x00\xfe\xff", "utf-32", "UTF-32"),
    (b"\xff\xfe", "utf-16", "UTF-16"),
    (b"\xfe\xff", "utf-16", "UTF-16"),
)
LEGACY_ENCODING = "Windows-1252 (Latin-1)"


def decode_calendar(data: bytes) -> tuple[str, str]:
    """The file's text and how it was read: by its byte order mark (UTF-8, UTF-16, UTF-32),
    else as UTF-8 (RFC 5545's charset), else as Windows-1252, the superset of Latin-1 that
    Windows programs write (a byte it leaves undefined read as Latin-1). Every byte of an
    iCalendar file's structure is ASCII, the same in all of these: only titles and notes can
    read differently, so a file that is not UTF-8 is read, not refused, and the import says
    how it was read (``LEGACY_ENCODING``). A file with a BOM that does not decode is refused,
    and so is one with UTF-8 letters and a byte that is not UTF-8 (UTF-8, damaged: read as
    Windows-1252 each of its letters would be stored as two wrong ones)."""
    for bom, codec, name in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(codec), name
            except UnicodeDecodeError as error:
                raise CalendarFileError(
                    f"calendar: the file starts with a {name} byte order mark but is not "
                    f"{name} text (at byte {error.start:,}); allowed: an .ics file in UTF-8, "
                    "UTF-16 or Latin-1"
                ) from None
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError as error:
        if _UTF8_LETTER.search(data):  # UTF-8 letters and a stray byte: UTF-8, damaged
            raise CalendarFileError(
                f"calendar: the file is UTF-8 text with a byte that is not UTF-8 (at byte "
                f"{error.start:,}); allowed: an .ics file wholly in UTF-8 (or wholly in "
                "Latin-1 or UTF-16)"
            ) from None
    return data.decode("latin-1").translate(_CP1252), LEGACY_ENCODING


_UTF8_LETTER = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)
"""A letter written in UTF-8's two to four bytes: Latin-1 text almost never holds one."""


def _cp1252_table() -> dict[int, str]:
    """Latin-1's character of each byte to Windows-1252's, where that one defines it."""
    table = {}
    for byte in range(0x80, 0xA0):
        try:
            table[byte] = bytes([byte]).decode("cp1252")
        except UnicodeDecodeError:
            continue  # 0x81, 0x8D, 0x8F, 0x90, 0x9D: read as Latin-1
    return table


_CP1252 = _cp1252_table()


def read_calendar(
    data: bytes, first: dt.date, last: dt.date, tz: dt.tzinfo = dt.UTC
) -> CalendarImport:
    """Planned runs and races between ``first`` and ``last`` (inclusive), in date order."""
    if len(data) > MAX_CALENDAR_BYTES:
        raise CalendarFileError(
            f"calendar: file is too large ({len(data):,} bytes); allowed: at most "
            f"{MAX_CALENDAR_BYTES:,} bytes"
        )
    if last < first or (last - first).days > MAX_WINDOW_DAYS:
        raise CalendarFileError(
            f"calendar: window {first} to {last}; allowed: up to {MAX_WINDOW_DAYS} days, "
            "first day not after the last"
        )
    text, encoding = decode_calendar(data)
    try:
        calendar = Calendar.from_ical(text)
    except (ValueError, KeyError, IndexError, TypeError, UnicodeError, AttributeError) as error:
        # The parser's own words quote the bad line: only printable ASCII of it is shown.
        # AttributeError: icalendar's parser on a parameter given twice (VALUE=DATE,DATE).
        said = "".join(c if " " <= c <= "~" else "?" for c in str(error))[:120]
        raise CalendarFileError(
            f"calendar: not a valid iCalendar file ({said}); allowed: an .ics file "
            "(BEGIN:VCALENDAR ... END:VCALENDAR), as a training plan or calendar app exports it"
        ) from None
    if not isinstance(calendar, Calendar):
        raise CalendarFileError(
            "calendar: not a VCALENDAR; allowed: an .ics file (BEGIN:VCALENDAR ... END:VCALENDAR)"
        )
    runs: list[PlannedRun] = []
    races: list[Race] = []
    skipped: list[Skipped] = []
    damaged: list[tuple[Any, Exception]] = []
    try:
        events = list(_events(calendar, first, last, damaged))
    except CalendarFileError:
        raise
    except Exception as error:  # the expander's own failure on a damaged rule (D-45)
        raise CalendarFileError(
            f"calendar: events cannot be expanded ({type(error).__name__}: {str(error)[:160]})"
        ) from None
    inside: set[str] = set()  # the UIDs with a day in the window
    for event in events:
        if event.name != "VEVENT" or _text(event, "STATUS").upper() == "CANCELLED":
            continue
        # A title prints as itself (D-154): a newline or an escape in it becomes a space.
        title = printable_name(_text(event, "SUMMARY"), 200)
        day, start = _when(event, tz)
        if not first <= day <= last:
            continue
        inside.add(_event_key(event))
        guess = guess_kind(title, _text(event, "DESCRIPTION"))
        if guess.what == "skip":
            skipped.append(Skipped(day, title, guess.reason))
            continue
        if guess.problem is not None:
            skipped.append(Skipped(day, title, guess.problem, unreadable=True))
            continue
        try:
            if guess.what == "race":
                races.append(
                    Race(
                        date=day,
                        distance_km=guess.distance_km,
                        name=printable_name(title) or None,
                        tune_up=guess.tune_up,
                    )
                )
            else:
                assert guess.kind is not None
                runs.append(
                    PlannedRun(
                        date=day,
                        kind=guess.kind,
                        detail=guess.detail,
                        title=title,
                        start=start,
                        distance_km=guess.distance_km,
                        uid=_text(event, "UID")[:300] or None,
                    )
                )
        except ValidationError as error:
            problem = error.errors()[0]
            where = ".".join(str(part) for part in problem["loc"])
            said = f"{where}: {problem['msg']}" if where else problem["msg"]
            skipped.append(Skipped(day, title, f"not valid: {said}", unreadable=True))
    for component, failure in damaged:
        named = _damaged(component, failure, first, last)
        if named is not None:
            skipped.append(named)
    broken = {_event_key(component) for component, _ in damaged if component is not None}
    outside = (
        {
            _event_key(component)
            for component in calendar.walk("VEVENT")
            if _text(component, "STATUS").upper() != "CANCELLED"
        }
        - inside
        - broken
    )
    runs.sort(key=lambda r: (r.date, r.start or dt.datetime.min.replace(tzinfo=dt.UTC)))
    races.sort(key=lambda r: r.date)
    skipped.sort(key=lambda s: s.date or dt.date.min)
    return CalendarImport(tuple(runs), tuple(races), tuple(skipped), len(outside), encoding)
