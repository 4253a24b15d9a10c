"""Runs and training calendars (issue 10): import activity files, list and edit runs, weekly
totals and the spike check, import a planned calendar, and watch workouts both ways.

    import_paths(ctx, actor, athlete_id, paths, progress=...)    files, folders, zips
    list_runs(ctx, actor, athlete_id, first, last, offset, limit) -> Page[RunOut]
    running_load(ctx, actor, athlete_id, today) -> RunningLoadOut  (weeks + RUN-SPIKE-1)
    set_run_kind(ctx, actor, athlete_id, run_id, kind) -> RunOut
    import_calendar(ctx, actor, athlete_id, file_or_url, today=...) -> CalendarReport
    workout_fit(ctx, actor, athlete_id, date) -> bytes             the day's session as FIT
    import_strength_fit(ctx, actor, athlete_id, data, ...) -> StrengthReport

Files are read before the unit of work opens (parsing is the slow part); every good
activity of a batch is then stored in one unit of work, so a batch is stored whole or not at
all, while a bad file is one error of the report (issue 10, item 6). Only runs are stored
(RUN-WEEK-1: walks and rides do not count toward running load; D-74).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import urllib.parse
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal, get_args

from calfcoach.core.models import RunKind
from calfcoach.core.running import (
    Activity,
    classify,
    duplicates,
    is_run,
    run_load,
    spike_check,
    weekly_totals,
)
from calfcoach.errors import InputError, NotFoundError, Problem
from calfcoach.services.athletes import athlete_in
from calfcoach.services.audit import record
from calfcoach.services.calendar_fetch import CALENDAR_TIMEOUT_S, fetch_calendar
from calfcoach.services.inputs import check_range
from calfcoach.services.plan_inputs import physiology
from calfcoach.services.schemas import (
    CalendarImportOut,
    FileErrorOut,
    FileOutcomeOut,
    LoggedSetOut,
    Page,
    PlannedEventOut,
    RunImportOut,
    RunningLoadOut,
    RunOut,
    StrengthImportOut,
    page_of,
)

if TYPE_CHECKING:
    from calfcoach.core.models import LoggedSet
    from calfcoach.services.access import Actor
    from calfcoach.services.context import ServiceContext
    from calfcoach.services.replan import Replan
    from calfcoach.storage.records import PlannedEvent

__all__ = [
    "CALENDAR_TIMEOUT_S",
    "CalendarReport",
    "FileOutcome",
    "ImportReport",
    "StrengthReport",
    "EVENT_KINDS",
    "calendar_out",
    "edit_event",
    "import_calendar",
    "import_out",
    "list_events",
    "strength_out",
    "import_paths",
    "import_strength_fit",
    "list_runs",
    "running_load",
    "set_run_kind",
    "workout_fit",
]

Progress = Callable[[int, int, str], None]
RUN_KINDS: tuple[RunKind, ...] = get_args(RunKind)
EVENT_KINDS: tuple[str, ...] = (*RUN_KINDS, "race")
CALENDAR_PAST_DAYS = 28  # D-76: a calendar's window: 4 weeks back, a year ahead
CALENDAR_FUTURE_DAYS = 366


# --------------------------------------------------------------------------- import runs


@dataclass(frozen=True, slots=True)
class FileOutcome:
    """One file of a batch: what it gave (imported, duplicates, not runs) or its error."""

    source: str
    imported: int = 0
    duplicates: int = 0
    not_runs: int = 0
    error: str | None = None

    @property
    def outcome(self) -> Literal["imported", "duplicate", "not a run", "error", "empty"]:
        """imported, duplicate, not a run, error, or empty (what the upload page shows)."""
        if self.error is not None:
            return "error"
        if self.imported:
            return "imported"
        if self.duplicates:
            return "duplicate"
        if self.not_runs:
            return "not a run"
        return "empty"


@dataclass(frozen=True, slots=True)
class ImportReport:
    files: tuple[FileOutcome, ...]
    runs: tuple[RunOut, ...]
    """The runs stored by this import, oldest first."""
    replan: Replan | None = None
    """How the plan followed the new runs (issue 10, item 3); None when none was stored."""

    @property
    def imported(self) -> int:
        return sum(f.imported for f in self.files)

    @property
    def duplicates(self) -> int:
        return sum(f.duplicates for f in self.files)

    @property
    def not_runs(self) -> int:
        return sum(f.not_runs for f in self.files)

    @property
    def errors(self) -> tuple[FileOutcome, ...]:
        return tuple(f for f in self.files if f.error is not None)


def _distinct(activities: Sequence[Activity]) -> list[Activity]:
    """A file with several activities (a multisport FIT) shares one file fingerprint; each
    after the first gets one of its own, derived from the file's and its index."""
    seen: dict[str, int] = {}
    result = []
    for a in activities:
        n = seen.get(a.fingerprint, 0)
        seen[a.fingerprint] = n + 1
        if n:
            digest = hashlib.sha256(f"{a.fingerprint}:{n}".encode()).hexdigest()
            a = a.model_copy(update={"fingerprint": digest})
        result.append(a)
    return result


def import_paths(
    ctx: ServiceContext,
    actor: Actor,
    athlete_id: int,
    paths: Sequence[Path],
    *,
    progress: Progress | None = None,
    today: dt.date | None = None,
) -> ImportReport:
    """Import the activity files under ``paths`` (files, folders, zip archives): duplicates
    of stored runs or of each other are recognised (RUN-DUP-1) and not stored; each bad file
    is one error of the report while the others are imported; runs are classified
    (RUN-CLASS-*) and their load computed (RUN-LOAD-*) against the athlete's stored runs."""
    from calfcoach.formats.activities import read_paths

    if not paths:
        raise InputError.about("paths", "no file given", allowed="activity files, folders, zips")
    with ctx.unit_of_work(read_only=True) as uow:
        athlete_in(uow, actor, athlete_id, "log")  # refused before any file is read
    read = [(r.source, r.error, _distinct(r.activities)) for r in read_paths(list(paths), progress)]
    return _store(ctx, actor, athlete_id, read, today)


def import_bytes(
    ctx: ServiceContext,
    actor: Actor,
    athlete_id: int,
    files: Sequence[tuple[str, bytes]],
    *,
    today: dt.date | None = None,
) -> ImportReport:
    """The same as ``import_paths`` for files uploaded as (name, content): .fit, .gpx or
    .tcx (optionally .gz), or zip archives (the web upload and the API)."""
    import tempfile

    from calfcoach.formats.activities import ActivityFileError, read_activity_bytes, read_paths

    if not files:
        raise InputError.about("files", "no file given", allowed="activity files or zips")
    with ctx.unit_of_work(read_only=True) as uow:
        athlete_in(uow, actor, athlete_id, "log")
    read: list[tuple[str, Exception | None, list[Activity]]] = []
    for name, data in files:
        shown = Path(name).name or "upload"
        if shown.lower().endswith(".zip"):
            with tempfile.TemporaryDirectory(prefix="calfcoach-") as folder:
                archive = Path(folder) / "upload.zip"
                archive.write_bytes(data)
                for result in read_paths([archive]):
                    source = shown + result.source[len(str(archive)) :]
                    error = (
                        ActivityFileError(source, result.error.problem) if result.error else None
                    )
                    read.append((source, error, _distinct(result.activities)))
            continue
        try:
            read.append((shown, None, _distinct(read_activity_bytes(shown, data))))
        except ActivityFileError as error:
            read.append((shown, error, []))
    return _store(ctx, actor, athlete_id, read, today)


def _dated(
    entry: tuple[str, Exception | None, list[Activity]], today: dt.date
) -> tuple[str, Exception | None, list[Activity]]:
    """A file whose run is dated more than a year after today (RUN-SUM-4) is refused as a
    file the reader refused (D-74: one error of the report, the other files stored)."""
    from calfcoach.core.running import run_date_problem
    from calfcoach.formats.activities import ActivityFileError

    source, error, activities = entry
    for activity in activities if error is None else ():
        problem = run_date_problem(activity, today) if is_run(activity) else None
        if problem is not None:
            return source, ActivityFileError(source, problem), []
    return entry


def _store(
    ctx: ServiceContext,
    actor: Actor,
    athlete_id: int,
    read: Sequence[tuple[str, Exception | None, list[Activity]]],
    today: dt.date | None = None,
) -> ImportReport:
    from calfcoach.services.corrections import begin_write
    from calfcoach.services.plan_inputs import plan_inputs
    from calfcoach.services.replan import replan_running

    today = today if today is not None else ctx.today()
    read = [_dated(entry, today) for entry in read]
    with ctx.unit_of_work() as uow:
        # R-HIST: the past is fixed before the runs change what the engine plans with.
        athlete = begin_write(uow, actor, athlete_id, today, "log")
        before = plan_inputs(uow, athlete, today)
        stored = uow.runs.all(athlete.id)
        existing = [s.activity for s in stored]
        new = [a for _, _, acts in read for a in acts if is_run(a)]
        repeated = {i for i, _ in duplicates(new, existing)}
        fresh = [a for i, a in enumerate(new) if i not in repeated]
        history = existing + fresh
        phys = physiology(athlete.profile, today, history)
        saved: list[RunOut] = []
        outcomes: list[FileOutcome] = []
        index = 0
        for source, error, activities in read:
            if error is not None:
                outcomes.append(FileOutcome(source, error=str(error)))
                continue
            counts = {"imported": 0, "duplicates": 0, "not_runs": 0}
            for a in activities:
                if not is_run(a):
                    counts["not_runs"] += 1
                    continue
                if index in repeated:
                    counts["duplicates"] += 1
                else:
                    kind = classify(a, history, phys).kind
                    load = run_load(a, kind, phys)
                    assert load is not None  # the best basis always exists (RUN-LOAD-3)
                    run = uow.runs.add(athlete.id, a, kind, "auto", load.value, load.basis)
                    saved.append(RunOut.from_stored(run))
                    counts["imported"] += 1
                index += 1
            outcomes.append(
                FileOutcome(
                    source,
                    imported=counts["imported"],
                    duplicates=counts["duplicates"],
                    not_runs=counts["not_runs"],
                )
            )
        replan = None
        if saved:
            # Issue 10, item 3: the new runs feed placement (R-SCHED-4/4b) and the spike
            # rule (RUN-SPIKE-1) from their first day on; the future is re-planned.
            replan = replan_running(
                uow,
                athlete,
                ctx.catalog(),
                before,
                today,
                cause="runs",
                changed_from=min(r.date for r in saved) - dt.timedelta(days=1),
            )
            uow.commit()  # nothing imported (every file failed or repeated): nothing written,
            # not even the past fixed by begin_write (a refusal changes nothing)
    saved.sort(key=lambda r: r.start)
    return ImportReport(tuple(outcomes), tuple(saved), replan)


def import_out(report: ImportReport) -> RunImportOut:
    """The report as the API returns it (and the upload page shows it)."""
    return RunImportOut(
        imported=report.imported,
        duplicates=report.duplicates,
        not_runs=report.not_runs,
        errors=[FileErrorOut(source=f.source, message=f.error or "") for f in report.errors],
        runs=list(report.runs),
        files=[
            FileOutcomeOut(
                source=f.source,
                outcome=f.outcome,
                imported=f.imported,
                duplicates=f.duplicates,
                not_runs=f.not_runs,
                message=f.error,
            )
            for f in report.files
        ],
    )


# --------------------------------------------------------------------------- list, edit


def list_runs(
    ctx: ServiceContext,
    actor: Actor,
    athlete_id: int,
    first: dt.date | None = None,
    last: dt.date | None = None,
    *,
    offset: int = 0,
    limit: int = 50,
) -> Page[RunOut]:
    """The athlete's runs from ``first`` to ``last`` (inclusive; None: open), oldest first."""
    check_range(first, last)
    with ctx.unit_of_work(read_only=True) as uow:
        athlete = athlete_in(uow, actor, athlete_id, "view")
        runs = [RunOut.from_stored(r) for r in uow.runs.between(athlete.id, first, last)]
    return Page[RunOut].model_validate(page_of(runs, offset, limit))


def set_run_kind(
    ctx: ServiceContext,
    actor: Actor,
    athlete_id: int,
    run_id: int,
    kind: str,
    *,
    today: dt.date | None = None,
) -> RunOut:
    """Correct a run's kind (easy, hard, long): kept as "edited" and used by the weekly
    totals and the spike check; an estimated load (RUN-LOAD-3) follows the new kind."""
    if kind not in RUN_KINDS:
        raise InputError.about(
            "kind", f"{kind!r} is not a kind of run", value=kind, allowed=", ".join(RUN_KINDS)
        )
    from calfcoach.services.corrections import begin_write
    from calfcoach.services.plan_inputs import plan_inputs
    from calfcoach.services.replan import replan_running

    today = today if today is not None else ctx.today()
    with ctx.unit_of_work() as uow:
        athlete = begin_write(uow, actor, athlete_id, today, "log")  # R-HIST first
        before = plan_inputs(uow, athlete, today)
        found = next((r for r in uow.runs.all(athlete.id) if r.id == run_id), None)
        if found is None:
            raise NotFoundError(
                Problem(
                    "not_found",
                    f"no run with id {run_id}",
                    field="run",
                    value=run_id,
                    allowed="the id of one of the athlete's runs (runs list)",
                )
            )
        activities = [r.activity for r in uow.runs.all(athlete.id)]
        phys = physiology(athlete.profile, today, activities)
        load = run_load(found.activity, kind, phys)
        assert load is not None
        run = uow.runs.set_kind(athlete.id, run_id, kind, "edited", load.value, load.basis)
        # A run's kind moves strength sessions around it (R-SCHED-4/4b) and its load counts
        # toward the spike rule (RUN-SPIKE-1): the future is re-planned, the past stays.
        replan_running(
            uow,
            athlete,
            ctx.catalog(),
            before,
            today,
            cause="runs",
            changed_from=found.activity.local_date - dt.timedelta(days=1),
        )
        uow.commit()
    return RunOut.from_stored(run)


def running_load(
    ctx: ServiceContext,
    actor: Actor,
    athlete_id: int,
    today: dt.date,
    *,
    weeks: int = 8,
) -> RunningLoadOut:
    """RUN-WEEK-1 weekly totals of the last ``weeks`` weeks, and the RUN-SPIKE-1 check with
    its figures (the last 7 days against the average week of the 4 before). ``today`` keeps
    the one date rule (D-25), as every dated read does."""
    from calfcoach.services.inputs import check_date

    check_date("date", today)
    if not 1 <= weeks <= 104:
        raise InputError.about("weeks", f"{weeks} is out of range", value=weeks, allowed="1-104")
    with ctx.unit_of_work(read_only=True) as uow:
        athlete = athlete_in(uow, actor, athlete_id, "view")
        stored = uow.runs.all(athlete.id)
    activities = [r.activity for r in stored]
    kinds = {r.activity.fingerprint: r.kind for r in stored}
    phys = physiology(athlete.profile, today, activities)
    first_monday = today - dt.timedelta(days=today.weekday() + 7 * (weeks - 1))
    recent = [a for a in activities if first_monday <= a.local_date <= today]
    totals = weekly_totals(recent, phys, kinds)
    spike = spike_check(activities, today, phys, kinds=kinds)
    return RunningLoadOut.build(today, totals, spike)


# --------------------------------------------------------------------------- calendar


@dataclass(frozen=True, slots=True)
class CalendarReport:
    source: str
    events: tuple[PlannedEvent, ...]
    skipped: tuple[str, ...]
    """Every event passed over, with why: those not runs and those that cannot be read."""
    replaced: int
    """Events of the same calendar stored before and replaced by this import."""
    replan: Replan | None = None
    """How the plan followed the calendar (issue 10, item 3)."""
    unreadable: tuple[str, ...] = ()
    """The lines of ``skipped`` about events that cannot be read: errors of the file."""
    outside: int = 0
    """Events of the file with no day in the import window: not imported."""
    window: tuple[dt.date, dt.date] | None = None
    """The import window, first and last day (4 weeks back, a year ahead)."""
    encoding: str = "UTF-8"
    """How the file's bytes were read (``formats.calendar_import.decode_calendar``)."""

    def encoding_line(self) -> str | None:
        """What the import says of a file that is not UTF-8, or None for one that is."""
        from calfcoach.formats.calendar_import import LEGACY_ENCODING

        if self.encoding != LEGACY_ENCODING:
            return None
        return (
            f"the file is not UTF-8: it was read as {LEGACY_ENCODING}; check that the "
            "titles read right (or save the calendar as UTF-8 and import it again)"
        )

    def outside_line(self) -> str | None:
        """``2 events outside the import window (2026-11-06 to 2027-12-06) were not
        imported``, or None when every event has a day inside it."""
        if not self.outside or self.window is None:
            return None
        first, last = self.window
        events = "1 event" if self.outside == 1 else f"{self.outside} events"
        verb = "was" if self.outside == 1 else "were"
        return (
            f"{events} outside the import window ({first.isoformat()} to {last.isoformat()}: "
            f"4 weeks back, a year ahead) {verb} not imported"
        )


def _read_calendar_file(path: str) -> bytes:
    from calfcoach.formats.calendar_import import MAX_CALENDAR_BYTES

    file = Path(path)
    try:
        if not file.is_file():
            raise InputError.about(
                "calendar",
                f"{path!r} is not a file",
                value=path,
                allowed="an .ics file or an https address",
            )
        size = file.stat().st_size
        if size > MAX_CALENDAR_BYTES:
            raise InputError.about(
                "calendar",
                f"{path!r} is too large ({size:,} bytes)",
                value=path,
                allowed=f"at most {MAX_CALENDAR_BYTES:,} bytes",
            )
        return file.read_bytes()
    except OSError as error:
        raise InputError.about(
            "calendar",
            f"{path!r} cannot be read ({error.strerror or type(error).__name__})",
            value=path,
            allowed="a readable .ics file",
        ) from None


def import_calendar(
    ctx: ServiceContext,
    actor: Actor,
    athlete_id: int,
    file_or_url: str,
    *,
    today: dt.date,
    data: bytes | None = None,
) -> CalendarReport:
    """The runs and races of a training calendar (an .ics file, an https address, or the
    uploaded ``data``) from 4 weeks before ``today`` to a year after, kinds guessed from the
    titles (CAL-KIND-1). A re-import of the same calendar replaces its events."""
    from calfcoach.formats.calendar_import import read_calendar

    source = file_or_url.strip()
    if not source:
        raise InputError.about(
            "calendar", "no file or address given", allowed="an .ics file or an https address"
        )
    with ctx.unit_of_work(read_only=True) as uow:
        athlete_in(uow, actor, athlete_id, "manage")  # refused before anything is fetched
    if data is None:
        try:
            scheme = urllib.parse.urlsplit(source).scheme.lower()
        except ValueError:  # "https://[::1/x": an address, malformed (fetch_calendar says so)
            scheme = "https"
        if "://" in source or scheme in ("http", "https", "ftp", "file", "webcal"):
            # D-191: an account's address (server mode) may not reach this machine or its
            # network; the local user's may, but never a link-local (cloud metadata) one.
            data = fetch_calendar(source, server=ctx.server or actor.account_id is not None)
        else:
            data = _read_calendar_file(source)
    first = today - dt.timedelta(days=CALENDAR_PAST_DAYS)
    last = today + dt.timedelta(days=CALENDAR_FUTURE_DAYS)
    calendar = read_calendar(data, first, last)
    skipped = tuple(s.line() for s in calendar.skipped)
    unreadable = tuple(s.line() for s in calendar.skipped if s.unreadable)
    from calfcoach.services.corrections import begin_write
    from calfcoach.services.plan_inputs import plan_inputs
    from calfcoach.services.replan import replan_running

    with ctx.unit_of_work() as uow:
        # R-HIST: the past is fixed before the calendar changes what the engine plans with.
        athlete = begin_write(uow, actor, athlete_id, today, "manage")
        before = plan_inputs(uow, athlete, today)
        old = [e.date for e in uow.runs.events(athlete.id) if e.source == source[:500]]
        replaced = uow.runs.replace_events(athlete.id, source[:500], calendar.runs, calendar.races)
        events = [e for e in uow.runs.events(athlete.id, first, last) if e.source == source[:500]]
        touched = old + [e.date for e in events]
        # Its runs and races feed R-SCHED-4/4a/4b on their dates: the future is re-planned.
        replan = replan_running(
            uow,
            athlete,
            ctx.catalog(),
            before,
            today,
            cause="calendar",
            changed_from=min(touched) - dt.timedelta(days=1) if touched else today,
        )
        record(  # issue 9: a coach's change is recorded
            uow,
            actor,
            athlete.id,
            "calendar",
            {"events": sorted(d.isoformat() for d in old)},
            {"events": sorted(e.date.isoformat() for e in events), "replan": replan.kind},
        )
        uow.commit()
    return CalendarReport(
        source,
        tuple(events),
        skipped,
        replaced,
        replan,
        unreadable,
        outside=calendar.outside,
        window=(first, last),
        encoding=calendar.encoding,
    )


def calendar_out(report: CalendarReport) -> CalendarImportOut:
    """The report as the API returns it (and the calendar page shows it)."""
    events = [PlannedEventOut.from_event(e) for e in report.events]
    races = sum(1 for e in events if e.kind == "race")
    return CalendarImportOut(
        source=report.source,
        runs=len(events) - races,
        races=races,
        replaced=report.replaced,
        events=events,
        skipped=list(report.skipped),
        outside=report.outside,
        outside_message=report.outside_line(),
        encoding=report.encoding,
        encoding_message=report.encoding_line(),
    )


def list_events(
    ctx: ServiceContext,
    actor: Actor,
    athlete_id: int,
    first: dt.date | None = None,
    last: dt.date | None = None,
    *,
    offset: int = 0,
    limit: int = 50,
) -> Page[PlannedEventOut]:
    """The planned runs and races of the athlete's imported calendars from ``first`` to
    ``last`` (inclusive; None: open), by date."""
    check_range(first, last)
    with ctx.unit_of_work(read_only=True) as uow:
        athlete = athlete_in(uow, actor, athlete_id, "view")
        events = [PlannedEventOut.from_event(e) for e in uow.runs.events(athlete.id, first, last)]
    return Page[PlannedEventOut].model_validate(page_of(events, offset, limit))


def edit_event(
    ctx: ServiceContext,
    actor: Actor,
    athlete_id: int,
    event_id: int,
    *,
    today: dt.date,
    kind: str | None = None,
    date: dt.date | None = None,
) -> PlannedEventOut:
    """Correct a planned event's kind (easy, hard, long, race) or move it to another day.

    Only the future is changed (R-HIST, D-83): an event before ``today`` stays as
    it was, and no event moves before ``today`` or past the calendar's window (a year
    ahead, D-76). A later import of the same calendar replaces its events, edits included
    (D-84)."""
    if kind is None and date is None:
        raise InputError.about(
            "kind", "nothing to change", allowed="a new kind or a new day (or both)"
        )
    if kind is not None and kind not in EVENT_KINDS:
        raise InputError.about(
            "kind",
            f"{kind!r} is not a kind of planned event",
            value=kind,
            allowed=", ".join(EVENT_KINDS),
        )
    last_day = today + dt.timedelta(days=CALENDAR_FUTURE_DAYS)
    if date is not None and not today <= date <= last_day:
        raise InputError.about(
            "date",
            f"{date.isoformat()} is outside the days a planned event may move to",
            value=date.isoformat(),
            allowed=f"{today.isoformat()} to {last_day.isoformat()} (the past is not re-planned)",
        )
    from calfcoach.services.corrections import begin_write
    from calfcoach.services.plan_inputs import plan_inputs
    from calfcoach.services.replan import replan_running

    with ctx.unit_of_work() as uow:
        athlete = begin_write(uow, actor, athlete_id, today, "manage")  # R-HIST first
        before = plan_inputs(uow, athlete, today)
        found = next((e for e in uow.runs.events(athlete.id) if e.id == event_id), None)
        if found is None:
            raise NotFoundError(
                Problem(
                    "not_found",
                    f"no planned event with id {event_id}",
                    field="event",
                    value=event_id,
                    allowed="the id of one of the athlete's planned events",
                )
            )
        if found.date < today:
            raise InputError.about(
                "event",
                f"the event of {found.date.isoformat()} is in the past: it is history now",
                value=event_id,
                allowed="an event of today or later",
            )
        new_kind = kind if kind is not None else found.kind
        changed = uow.runs.update_event(
            athlete.id,
            event_id,
            kind=new_kind,  # type: ignore[arg-type]  # checked against EVENT_KINDS above
            date=date if date is not None else found.date,
        )
        # A moved or re-kinded run or race moves the strength sessions around it
        # (R-SCHED-4/4a/4b): the future is re-planned from the day before the earlier of
        # its old and new days; the past stays as given (D-98).
        replan_running(
            uow,
            athlete,
            ctx.catalog(),
            before,
            today,
            cause="calendar",
            changed_from=min(found.date, changed.date) - dt.timedelta(days=1),
        )
        record(  # issue 9: a coach's change is recorded
            uow,
            actor,
            athlete.id,
            "planned_event",
            {"id": found.id, "date": found.date.isoformat(), "kind": found.kind},
            {"id": changed.id, "date": changed.date.isoformat(), "kind": changed.kind},
        )
        uow.commit()
    return PlannedEventOut.from_event(changed)


# --------------------------------------------------------------------------- watch workouts


def workout_fit(ctx: ServiceContext, actor: Actor, athlete_id: int, date: dt.date) -> bytes:
    """The session of ``date`` (as adapted to the log before it) as a FIT workout file;
    ``NotFoundError`` on a rest day and on a day the plan is stopped (R-PAIN-2a/2b)."""
    from calfcoach.formats.fit_workout import session_to_fit
    from calfcoach.services.training import today_session

    session = today_session(ctx, actor, athlete_id, date)
    if session is None:
        raise NotFoundError(
            Problem(
                "not_found",
                f"{date.isoformat()} is a rest day: there is no session to export",
                field="date",
                value=date.isoformat(),
                allowed="a day with a strength session",
            )
        )
    if session.status == "stopped" or not session.exercises:
        # R-PAIN-2a/2b: a stopped day is its advice, never a workout for the watch to guide.
        raise NotFoundError(
            Problem(
                "not_found",
                f"the plan is stopped on {date.isoformat()}: there is no session to export"
                + (f" ({session.advice})" if session.advice else ""),
                field="date",
                value=date.isoformat(),
                allowed="a day with a strength session",
            )
        )
    catalog = ctx.catalog()
    exercises = {p.exercise: catalog.get(p.exercise) for p in session.exercises}
    return session_to_fit(session, exercises)


@dataclass(frozen=True, slots=True)
class StrengthReport:
    date: dt.date
    logged: tuple[LoggedSet, ...]
    """The sets stored by this import."""
    already: int
    """Sets of this file stored by an earlier import of it (not stored again)."""
    unmatched: tuple[str, ...]
    """Sets the catalog cannot place, each with its reason (log them by hand)."""
    jump_count: int | None


def client_id_for(fingerprint: str, index: int) -> str:
    """The idempotent client id of the ``index``-th set of a file (D-68): the same
    file imported again gives the same ids, so nothing is stored twice."""
    return f"fit:{fingerprint[:48]}:{index}"


def import_strength_fit(
    ctx: ServiceContext,
    actor: Actor,
    athlete_id: int,
    data: bytes,
    *,
    today: dt.date,
    source: str = "workout.fit",
) -> StrengthReport:
    """The sets and jump count of a FIT strength activity logged through ``log_set`` (the
    same checks as a set typed in), each with a client id derived from the file's
    fingerprint and the set's index, so a re-import stores nothing twice. With the day's
    session, a set's workout step names its exercise, set and side (D-48)."""
    from calfcoach.formats.activities import ActivityFileError
    from calfcoach.formats.activities.common import fingerprint
    from calfcoach.formats.fit_workout import read_strength_activity
    from calfcoach.services.training import SetInput, log_set, today_session, validate_set

    with ctx.unit_of_work(read_only=True) as uow:
        athlete_in(uow, actor, athlete_id, "log")  # refused before the file is decoded
    catalog = ctx.catalog()
    exercises = {i: catalog.get(i) for i in catalog.ids()}
    try:
        first = read_strength_activity(source, data, exercises)
        session = today_session(ctx, actor, athlete_id, first.date) if first.date <= today else None
        read = read_strength_activity(source, data, exercises, session) if session else first
    except ActivityFileError as error:
        raise InputError.about(
            "file",
            f"{source}: {error.problem}",
            value=source,
            allowed="a FIT strength activity",
        ) from None
    digest = fingerprint(data)
    logged: list[LoggedSet] = []
    already = 0
    with ctx.unit_of_work(read_only=True) as uow:
        athlete = athlete_in(uow, actor, athlete_id, "log")
        known = {
            index
            for index in range(len(read.sets))
            if uow.logs.set_by_client_id(athlete.id, client_id_for(digest, index)) is not None
        }
    entries: list[tuple[int, SetInput]] = []
    for index, s in enumerate(read.sets):
        if index in known:
            already += 1
            continue
        entry = SetInput(
            exercise=s.exercise,
            set_number=s.set_number,
            reps=s.reps,
            seconds=s.seconds,
            contacts=s.contacts,
            load_kg=s.load_kg,
            side=s.side,
        )
        # Every set checked before the first is stored: a file with one impossible set (a
        # day after today, a count out of range) is refused whole, nothing half-logged.
        validate_set(entry, read.date, today)
        entries.append((index, entry))
    for index, entry in entries:
        logged.append(
            log_set(
                ctx,
                actor,
                athlete_id,
                read.date,
                entry,
                today=today,
                client_id=client_id_for(digest, index),
            )
        )
    return StrengthReport(read.date, tuple(logged), already, read.unmatched, read.jump_count)


def strength_out(report: StrengthReport) -> StrengthImportOut:
    """The report as the API returns it (and Today shows it)."""
    return StrengthImportOut(
        date=report.date,
        logged=[LoggedSetOut.from_logged(s) for s in report.logged],
        already=report.already,
        unmatched=list(report.unmatched),
        jump_count=report.jump_count,
    )
