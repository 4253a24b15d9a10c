"""The results of the services as module-level pydantic models (DTOs): what ``--format json``
prints and what the API returns (its OpenAPI schema), one model per document.

    AthleteOut          one athlete of a list (``athlete list``)
    LoggedSetOut        a set as ``log_set`` stored it (the API's set-logging POST)
    ExerciseOut         one exercise of the catalog
    PlanDocument        the plan JSON, schema_version 2 (``plan --format json``; the public
                        contract of ``formats.plan_json``, byte for byte)
    SessionDocument     one session of it (``today --format json``; null on a rest day)
    SetOut              a logged set with its id (``sets``)
    CheckInOut          a next-morning check-in with its red flags
    HeelRaiseTestOut    a heel-raise test judged against the norm and the previous test
    HopTestOut          a hop test and whether it passed (R-TEST-5)
    ProgressReportOut   the progress report
    ReplanOut           what a profile change did to the plan (the future only)
    TokenOut            a personal access token, never the token itself (``token list``)
    ClearanceOut        a clinician's clearance and the red-flag check-ins it lifts
    Page[T]             a page of a list: items, total, offset, limit
    RosterRowOut        one athlete of the roster (issue 9): adherence, pain, flags, retest
    AthleteDeletedOut   what a deletion of all of an athlete's data removed

Each has a ``from_...`` builder from the service's result; the CLI dumps it with
``dump(model)`` (JSON values, the contract's key order). The documents the CLI printed before
these models are unchanged (tests/unit/test_schemas.py compares them).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from calfcoach.services.plan_documents import (
    PlanDocument,
    SessionDocument,
    dump,
    plan_document,
    session_document,
)

if TYPE_CHECKING:
    from calfcoach.core.models import CheckIn, Exercise, HopTest, LoggedSet
    from calfcoach.core.running import SpikeCheck, WeekTotals
    from calfcoach.services.athletes import AthleteSummary
    from calfcoach.services.progress import ProgressReport
    from calfcoach.services.replan import Replan
    from calfcoach.services.training import ClearanceResult, HopTestResult, TestResult
    from calfcoach.storage.access_tokens import StoredToken
    from calfcoach.storage.records import StoredSet
    from calfcoach.storage.runs import PlannedEvent, StoredRun

__all__ = [
    "MAX_PAGE",
    "AthleteDeletedOut",
    "AthleteOut",
    "CheckInOut",
    "ClearanceOut",
    "ExerciseOut",
    "HeelRaiseTestOut",
    "HopTestOut",
    "LastSessionOut",
    "LoggedSetOut",
    "Page",
    "PlanDocument",
    "ProgressReportOut",
    "CalendarImportOut",
    "FileErrorOut",
    "FileOutcomeOut",
    "PlannedEventOut",
    "StrengthImportOut",
    "RunImportOut",
    "RunOut",
    "RunningLoadOut",
    "SpikeOut",
    "WeekOut",
    "SessionDocument",
    "ReplanOut",
    "RosterRowOut",
    "RosterStopOut",
    "RosterWeekOut",
    "SetOut",
    "TokenOut",
    "WindowAdherenceOut",
    "dump",
    "page_of",
    "plan_document",
    "session_document",
]

T = TypeVar("T")
MAX_PAGE = 200
"""The most items one page holds."""


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# --------------------------------------------------------------------------- lists


class Page(_Out, Generic[T]):
    """One page of a list: ``items`` from ``offset`` on, at most ``limit`` of ``total``."""

    items: list[T]
    total: int = Field(ge=0, description="How many items the whole list has.")
    offset: int = Field(ge=0, description="Index of the first item of this page.")
    limit: int = Field(ge=1, le=MAX_PAGE, description="The most items this page may hold.")


def page_of(items: Sequence[Any], offset: int = 0, limit: int = 50) -> dict[str, Any]:
    """The fields of a ``Page`` over ``items`` (``Page[X].model_validate(page_of(...))``);
    an offset past the end gives an empty page. ``InputError`` for a bad offset or limit."""
    from calfcoach.errors import InputError

    if offset < 0:
        raise InputError.about("offset", f"{offset} is negative", value=offset, allowed="0 or more")
    if not 1 <= limit <= MAX_PAGE:
        raise InputError.about(
            "limit", f"{limit} is out of range", value=limit, allowed=f"1-{MAX_PAGE}"
        )
    return {
        "items": list(items[offset : offset + limit]),
        "total": len(items),
        "offset": offset,
        "limit": limit,
    }


# --------------------------------------------------------------------------- athletes


class AthleteOut(_Out):
    """One stored athlete and their active plan (``calfcoach athlete list``)."""

    id: int = Field(description="The athlete's id, what the services and the API take.")
    name: str
    level: str
    plan_start: dt.date | None
    plan_weeks: int | None
    sessions: int = Field(ge=0, description="Sessions in the active plan.")

    @classmethod
    def from_summary(cls, summary: AthleteSummary) -> AthleteOut:
        return cls(
            id=summary.id,
            name=summary.name,
            level=summary.level,
            plan_start=summary.plan_start,
            plan_weeks=summary.plan_weeks,
            sessions=summary.sessions,
        )


# --------------------------------------------------------------------------- plans


# plan_document and session_document: services.plan_documents (re-exported above).


# --------------------------------------------------------------------------- the log


class SetOut(_Out):
    """A logged set with its id (what ``edit-set`` and ``delete-set`` name)."""

    id: int
    date: dt.date
    exercise: str
    set_number: int
    side: Literal["both", "left", "right"]
    reps: int | None
    seconds: int | None
    distance_m: float | None
    contacts: int | None
    load_kg: float | None
    rpe: int | None
    pain: int | None

    @classmethod
    def from_stored(cls, stored: StoredSet) -> SetOut:
        s = stored.set
        return cls(
            id=stored.id,
            date=s.date,
            exercise=s.exercise,
            set_number=s.set_number,
            side=s.side,
            reps=s.reps,
            seconds=s.seconds,
            distance_m=s.distance_m,
            contacts=s.contacts,
            load_kg=s.load_kg,
            rpe=s.rpe,
            pain=s.pain,
        )


class CheckInOut(_Out):
    """A next-morning check-in (R-PAIN-1/2) and the red flags answered yes (R-PAIN-2a)."""

    date: dt.date
    pain: int = Field(ge=0, le=10)
    stiffness: int = Field(ge=0, le=10)
    red_flags: list[str]

    @classmethod
    def from_checkin(cls, checkin: CheckIn) -> CheckInOut:
        from calfcoach.core.models import RED_FLAGS

        return cls(
            date=checkin.date,
            pain=checkin.pain,
            stiffness=checkin.stiffness,
            red_flags=[f for f in RED_FLAGS if f in checkin.red_flags],
        )


# --------------------------------------------------------------------------- tests


class CapacityTestOut(_Out):
    date: dt.date
    left: int
    right: int
    knee: Literal["straight", "bent"]
    kind: str


class HeelRaiseEvaluationOut(_Out):
    """The test against the norm and for symmetry (R-TEST-1, -3, -4)."""

    date: dt.date
    knee: Literal["straight", "bent"]
    left: int
    right: int
    norm: int | None
    left_percent: float | None
    right_percent: float | None
    symmetry_index: float | None
    weaker: Literal["left", "right"] | None
    asymmetry_flag: bool
    messages: list[str]


class SideChangeOut(_Out):
    side: Literal["left", "right"]
    before: int
    after: int
    difference: int
    real: bool
    sentence: str


class ChangeOut(_Out):
    """The test beside the previous one of the same knee position (R-TEST-2)."""

    earlier: dt.date
    later: dt.date
    knee: Literal["straight", "bent"]
    left: SideChangeOut
    right: SideChangeOut


class HeelRaiseTestOut(_Out):
    """A heel-raise test, judged (``test heel-raise --format json``)."""

    test: CapacityTestOut
    evaluation: HeelRaiseEvaluationOut
    comparison: ChangeOut | None
    notes: list[str] = Field(
        default_factory=list,
        description="Why to read this test with care: it fell in a race's window or a pain "
        "flare, when R-TEST-5 plans no capacity test (it is stored as done).",
    )

    @classmethod
    def from_result(cls, result: TestResult) -> HeelRaiseTestOut:
        from calfcoach.services.progress import to_plain

        return cls.model_validate(to_plain(result))


class HopTestOut(_Out):
    """A hop test and whether it passed for the athlete's complaint (R-TEST-5)."""

    date: dt.date
    hops: int
    pain: int
    side: Literal["both", "left", "right"]
    passed: bool
    """Every hop done with pain within the complaint's limit."""
    counts: bool = True
    """Whether the plan counts it: the test was allowed on its day (R-TEST-5); one that does
    not count clears nothing, passed or not (D-166)."""
    pain_limit: int
    messages: list[str]

    @classmethod
    def from_result(cls, test: HopTest, result: HopTestResult) -> HopTestOut:
        return cls(
            date=test.date,
            hops=test.hops,
            pain=test.pain,
            side=test.side,
            passed=result.passed,
            counts=result.counts,
            pain_limit=result.pain_limit,
            messages=list(result.messages),
        )


# --------------------------------------------------------------------------- progress


class AdherenceOut(_Out):
    planned: int
    done: int
    skipped: int
    missed: int
    extra: int
    rate: float | None


class WeekVolumeOut(_Out):
    week: dt.date
    region: str
    scheme: str
    sets: int
    reps: int
    time_under_load_s: int
    contacts: int


class LoadPointOut(_Out):
    week: dt.date
    max_load_kg: float


class LoadTrendOut(_Out):
    exercise: str
    points: list[LoadPointOut]
    first_kg: float
    last_kg: float
    change_kg: float


class PainWeekOut(_Out):
    week: dt.date
    set_pain_mean: float | None
    set_pain_max: int | None
    morning_pain_mean: float | None
    morning_stiffness_mean: float | None


class TestLineOut(_Out):
    test: CapacityTestOut
    evaluation: HeelRaiseEvaluationOut
    comparison: ChangeOut | None


class ProgressReportOut(_Out):
    """The progress report (``progress --format json``)."""

    athlete: str
    as_of: dt.date
    adherence: AdherenceOut
    weekly_volume: list[WeekVolumeOut]
    load_trends: list[LoadTrendOut]
    pain_trend: list[PainWeekOut]
    usual_pain: float | None
    tests: list[TestLineOut]
    total_sets: int
    retests: list[dt.date]

    @classmethod
    def from_report(cls, report: ProgressReport) -> ProgressReportOut:
        from calfcoach.services.progress import report_to_dict

        return cls.model_validate(report_to_dict(report))


# --------------------------------------------------------------------------- the API's own


class LoggedSetOut(_Out):
    """A set as stored by ``log_set``, with the planned values beside it."""

    date: dt.date
    exercise: str
    set_number: int
    side: Literal["both", "left", "right"]
    reps: int | None
    seconds: int | None
    distance_m: float | None
    contacts: int | None
    load_kg: float | None
    rpe: int | None
    pain: int | None
    planned_reps: int | None
    planned_seconds: int | None
    planned_distance_m: float | None
    planned_contacts: int | None
    planned_load_kg: float | None
    scheme: str | None

    @classmethod
    def from_logged(cls, logged: LoggedSet) -> LoggedSetOut:
        from calfcoach.services.progress import to_plain

        return cls.model_validate(to_plain(logged))


class ExerciseOut(_Out):
    """One exercise of the catalog: what it is, how to do it and why (R-WHY)."""

    id: str
    name: str
    region: str
    knee: str
    contraction: str
    equipment: list[str]
    unit: str
    unilateral: bool
    instructions: list[str]
    cues: list[str]
    why: str
    ladder: str | None
    ladder_step: int | None
    illustration: str = Field(
        description="Where the exercise's drawing is (an SVG; not inlined: it is bulky)."
    )

    @classmethod
    def from_exercise(cls, exercise: Exercise) -> ExerciseOut:
        return cls(
            id=exercise.id,
            name=exercise.name,
            region=exercise.region,
            knee=exercise.knee,
            contraction=exercise.contraction,
            equipment=list(exercise.equipment),
            unit=exercise.unit,
            unilateral=exercise.unilateral,
            instructions=list(exercise.instructions),
            cues=list(exercise.cues),
            why=exercise.why,
            ladder=exercise.ladder,
            ladder_step=exercise.ladder_step,
            illustration=f"/exercises/{exercise.id}.svg",
        )


class ClearanceOut(_Out):
    """A clinician's clearance (R-PAIN-2a) and the red-flag check-ins it lifts."""

    date: dt.date
    note: str | None
    cleared: list[CheckInOut]

    @classmethod
    def from_result(cls, result: ClearanceResult) -> ClearanceOut:
        return cls(
            date=result.clearance.date,
            note=result.clearance.note,
            cleared=[CheckInOut.from_checkin(c) for c in result.cleared],
        )


class TokenOut(_Out):
    """A personal access token as listed: never the token, only what it is and when used."""

    id: int
    name: str
    scopes: list[str]
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None

    @classmethod
    def from_stored(cls, stored: StoredToken) -> TokenOut:
        return cls(
            id=stored.id,
            name=stored.name,
            scopes=list(stored.scopes),
            created_at=stored.created_at,
            last_used_at=stored.last_used_at,
            revoked_at=stored.revoked_at,
        )


class ReplanOut(_Out):
    """What a profile change did to the plan: the future only is re-planned (R-HIST)."""

    kind: Literal["unchanged", "in_place", "new_block", "profile_only", "renamed"] = Field(
        description="unchanged: nothing changed; in_place: the plan reads the new profile "
        "from first_day on; new_block: the session days moved, so the rest of the plan is a "
        "new block from first_day; profile_only: the plan has ended, the next block uses it; "
        "renamed: only the name changed (stored; the plan does not read it)."
    )
    first_day: dt.date | None
    weeks: int | None
    message: str

    @classmethod
    def from_replan(cls, replan: Replan) -> ReplanOut:
        return cls(
            kind=replan.kind,
            first_day=replan.first_day,
            weeks=replan.weeks,
            message=replan.message,
        )


# --------------------------------------------------------------------------- runs (issue 10)


class RunOut(_Out):
    """An imported run (``runs list``): its day, kind, distance, moving time and load."""

    id: int
    date: dt.date = Field(description="The day run (local when the file tells the offset).")
    start: dt.datetime
    sport: str
    kind: Literal["easy", "hard", "long"]
    kind_source: Literal["auto", "edited"]
    distance_km: float | None
    duration_s: float = Field(description="Moving time, pauses excluded (RUN-SUM-1).")
    elapsed_s: float
    load: float
    load_basis: Literal["rpe", "trimp", "estimate"]
    avg_hr: float | None
    max_hr: int | None
    source: str = Field(description="The file the run was read from.")

    @classmethod
    def from_stored(cls, stored: StoredRun) -> RunOut:
        a = stored.activity
        heart = a.heart_rate
        return cls(
            id=stored.id,
            date=a.local_date,
            start=a.start,
            sport=a.sport,
            kind=stored.kind,
            kind_source=stored.kind_source,
            distance_km=None if a.distance_m is None else round(a.distance_m / 1000, 3),
            duration_s=a.moving_s,
            elapsed_s=a.elapsed_s,
            load=stored.load,
            load_basis=stored.load_basis,
            avg_hr=heart.avg_bpm if heart is not None else None,
            max_hr=heart.max_bpm if heart is not None else None,
            source=a.source,
        )


class WeekOut(_Out):
    """RUN-WEEK-1: one ISO week of runs."""

    week_start: dt.date
    runs: int
    distance_km: float
    duration_s: float
    load: float
    load_basis: Literal["rpe", "trimp", "estimate"]


class SpikeOut(_Out):
    """RUN-SPIKE-1 with its figures: hold strength progression or not, and why."""

    hold: bool
    rule: str
    message: str
    load_basis: Literal["rpe", "trimp", "estimate"]
    last_7_days: float
    weeks_before: list[float] = Field(description="The 4 blocks of 7 days before, oldest first.")
    average_week: float
    ratio: float | None
    enough_history: bool


class RunningLoadOut(_Out):
    today: dt.date
    weeks: list[WeekOut]
    spike: SpikeOut

    @classmethod
    def build(
        cls, today: dt.date, weeks: Sequence[WeekTotals], spike: SpikeCheck
    ) -> RunningLoadOut:
        return cls(
            today=today,
            weeks=[
                WeekOut(
                    week_start=w.week_start,
                    runs=w.runs,
                    distance_km=round(w.distance_m / 1000, 3),
                    duration_s=w.duration_s,
                    load=w.load,
                    load_basis=w.basis,
                )
                for w in weeks
            ],
            spike=SpikeOut(
                hold=spike.hold,
                rule=spike.rule,
                message=spike.message,
                load_basis=spike.basis,
                last_7_days=spike.last_7_days,
                weeks_before=list(spike.weeks_before),
                average_week=spike.average_week,
                ratio=spike.ratio,
                enough_history=spike.enough_history,
            ),
        )


class FileErrorOut(_Out):
    source: str
    message: str


class FileOutcomeOut(_Out):
    """One file of an upload (an archive's members each on their own): what it gave."""

    source: str
    outcome: Literal["imported", "duplicate", "not a run", "error", "empty"] = Field(
        description="imported: at least one run stored; duplicate: every run already stored; "
        "not a run: only walks, rides...; error: the file could not be read (message); "
        "empty: no activity in it."
    )
    imported: int
    duplicates: int
    not_runs: int
    message: str | None = None


class RunImportOut(_Out):
    """What an import of activity files did: runs stored, duplicates, files that failed."""

    imported: int
    duplicates: int
    not_runs: int = Field(description="Activities that are not runs (walks, rides): skipped.")
    errors: list[FileErrorOut]
    runs: list[RunOut]
    files: list[FileOutcomeOut] = Field(
        default_factory=list, description="Each file's outcome, in the order sent."
    )


class PlannedEventOut(_Out):
    """A run or race of an imported training calendar, its kind guessed from its title
    (CAL-KIND-1) or edited."""

    id: int
    date: dt.date
    kind: Literal["easy", "hard", "long", "race"]
    title: str
    detail: str | None
    distance_km: float | None
    tune_up: bool
    source: str = Field(description="The calendar (file name or address) it came from.")

    @classmethod
    def from_event(cls, event: PlannedEvent) -> PlannedEventOut:
        assert event.id is not None  # stored events have ids
        return cls(
            id=event.id,
            date=event.date,
            kind=event.kind,
            title=event.title,
            detail=event.detail,
            distance_km=event.distance_km,
            tune_up=event.tune_up,
            source=event.source,
        )


class CalendarImportOut(_Out):
    """What a calendar import stored: its events in the window, what it skipped and why."""

    source: str
    runs: int
    races: int
    replaced: int = Field(description="Events of an earlier import of this calendar dropped.")
    events: list[PlannedEventOut]
    skipped: list[str]
    outside: int = Field(
        0, description="Events with no day in the import window (4 weeks back, a year ahead)."
    )
    outside_message: str | None = Field(
        None, description="The outside events in words, with the window; null when none."
    )
    encoding: str = Field(
        "UTF-8",
        description="How the file was read: UTF-8, UTF-16 or UTF-32 (by its byte order mark), "
        "else Windows-1252 (Latin-1) for a file that is not UTF-8.",
    )
    encoding_message: str | None = Field(
        None, description="What to check when the file was not UTF-8; null when it was."
    )


class StrengthImportOut(_Out):
    """What a FIT strength activity logged: its sets, those already logged, those not placed."""

    date: dt.date
    logged: list[LoggedSetOut]
    already: int = Field(description="Sets of this file stored by an earlier import.")
    unmatched: list[str] = Field(description="Sets the catalog cannot place, with the reason.")
    jump_count: int | None


# --------------------------------------------------------------------------- roster (issue 9)


class WindowAdherenceOut(_Out):
    """Planned session days due in a window that were done (``core.load.adherence``: a
    skipped day counts as not done, today's session only once it is done or skipped)."""

    days: int = Field(ge=1, description="The window's length in days, ending today.")
    planned: int = Field(ge=0)
    done: int = Field(ge=0)
    rate: float | None = Field(description="done / planned, 0-1; null with nothing due.")


class LastSessionOut(_Out):
    """The last day with logged sets: its session and whether every set was logged."""

    date: dt.date
    title: str = Field(description="The session's title, or 'extra session' when unplanned.")
    status: Literal["done", "partial"]
    sets_logged: int = Field(ge=0)
    sets_planned: int | None = Field(description="Set rows prescribed (per side counted).")


class RosterStopOut(_Out):
    """The plan is stopped (R-PAIN-2a red flag, R-PAIN-2b pain stop, referral)."""

    kind: Literal["red_flag", "pain", "referral"]
    since: dt.date
    urgent: bool
    rule: str
    advice: str


class RosterWeekOut(_Out):
    """The calendar week (Monday to Sunday) holding the roster's day, for the printable
    weekly summary."""

    start: dt.date
    planned: int = Field(ge=0, description="Session days of the week due so far.")
    done: int = Field(ge=0)
    skipped: int = Field(ge=0)
    checkins: int = Field(ge=0)
    pain_max: int | None = Field(description="The week's highest morning pain, 0-10.")


class RosterRowOut(_Out):
    """One athlete of a coach's roster (issue 9, part 4), as of ``as_of``."""

    athlete_id: int
    name: str
    as_of: dt.date
    has_plan: bool
    adherence_2w: WindowAdherenceOut
    adherence_6w: WindowAdherenceOut
    last_session: LastSessionOut | None
    usual_pain: int = Field(description="R-PAIN-2's usual morning pain, as the engine has it.")
    pain_recent: float | None = Field(description="Mean morning pain of the last 7 days.")
    pain_previous: float | None = Field(description="Mean morning pain of the 7 days before.")
    pain_trend: Literal["no_checkins", "rising", "steady", "falling"]
    flare_since: dt.date | None = Field(description="An ongoing flare's start (R-PAIN-2b).")
    red_flags: list[str] = Field(description="The open red flags (R-PAIN-2a).")
    stop: RosterStopOut | None
    next_retest: dt.date | None = Field(description="The next capacity retest (R-TEST-4).")
    checkin_due: bool = Field(description="A complaint and no check-in for 7 days (R-PAIN-2).")
    last_activity: dt.date | None
    days_since_activity: int | None
    week: RosterWeekOut
    attention: list[str] = Field(description="What the coach should look at, worst first.")
    rank: int = Field(
        ge=0, le=4, description="0 red flag, 1 stopped, 2 flare, 3 other attention, 4 none."
    )


class AthleteDeletedOut(_Out):
    """What a deletion of all of an athlete's data removed (issue 9, part 5)."""

    name: str
    rows: dict[str, int] = Field(description="Rows deleted per table (the athlete's included).")
