"""The roster (issue 9, part 4): one row per athlete an actor may see, worst first.

    roster(ctx, actor, as_of=..., sort=..., descending=..., show=..., name=...)
                                    -> list[RosterRowOut], filtered and sorted
    roster_rows(ctx, actor, as_of)  -> every visible athlete's row, unsorted
    sort_rows(rows, sort, descending), filter_rows(rows, show, name)

A row holds adherence over 2 and 6 weeks (``core.load.adherence``), the last session, the
pain trend against R-PAIN-2's usual, a flare (R-PAIN-2b), red flags and stops (R-PAIN-2a,
R-PAIN-2b), the next capacity retest (``core.capacity.retest_dates``, R-TEST-4) and the days
since the athlete last logged anything. The safety verdict is the core's own: ``assess``
resumed from the engine snapshot's safety state (the state the walk keeps per athlete), so
only the evidence after it is read; with no snapshot, from the whole log.

Fast at 200 athletes (D-102): a row is a stored day answer (``day_answers``, kind
``roster.json``) kept while the athlete's ``data_revision`` is unchanged and for that day
only, like today's session (D-79). A warm roster is two queries for every athlete: the
visible athletes (filtered in the query by ``Actor.athlete_ids``) and their current rows.
A missing row is computed and stored; a write of the athlete's data raises the revision, so
a stale row is never served.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, Literal, get_args

from calfcoach.errors import InputError, NotFoundError, Problem
from calfcoach.services.access import Actor
from calfcoach.services.schemas import (
    LastSessionOut,
    RosterRowOut,
    RosterStopOut,
    RosterWeekOut,
    WindowAdherenceOut,
)

if TYPE_CHECKING:
    from calfcoach.core.catalog import Catalog
    from calfcoach.core.models import Session
    from calfcoach.services.context import ServiceContext
    from calfcoach.services.memo import RevisionMemo
    from calfcoach.storage.records import Athlete, SessionOutline
    from calfcoach.storage.uow import AbstractUnitOfWork

__all__ = [
    "ROSTER_ANSWER",
    "SHOWS",
    "SORTS",
    "Show",
    "Sort",
    "filter_rows",
    "roster",
    "roster_row_in",
    "roster_rows",
    "sort_rows",
]

ROSTER_ANSWER = "roster.json"
"""The kind of stored day answer a roster row is kept as (``storage/answers.py``)."""

Sort = Literal[
    "attention",
    "name",
    "adherence_2w",
    "adherence_6w",
    "last_session",
    "pain",
    "next_retest",
    "inactive",
]
SORTS: tuple[str, ...] = get_args(Sort)
Show = Literal["all", "attention", "stopped"]
SHOWS: tuple[str, ...] = get_args(Show)

ATTENTION_ADHERENCE = 0.5
"""Under this share of the last 2 weeks' sessions done, a row asks for attention."""
INACTIVE_DAYS = 7
"""This many days or more without anything logged, a row asks for attention."""
ROW_MEMO_SIZE = 5000
"""Rows kept in an app process (D-112): a clinic's 200 athletes for a few days, a big
club's 1,000 for the day."""
TREND_STEP = 1.0
"""A change of the weekly mean morning pain of at least this is a rise or a fall."""

WINDOW_DAYS = 42
"""The longest window a row counts (adherence over 6 weeks): the log is read from its first
day (D-124)."""

_DAY = dt.timedelta(days=1)


# --------------------------------------------------------------------------- one athlete


def _window(
    days: int,
    as_of: dt.date,
    planned: Iterable[dt.date],
    done: Iterable[dt.date],
    skipped: Iterable[dt.date],
) -> WindowAdherenceOut:
    from calfcoach.core.load import adherence

    first = as_of - dt.timedelta(days=days - 1)

    def inside(dates: Iterable[dt.date]) -> list[dt.date]:
        return [d for d in dates if first <= d <= as_of]

    counted = adherence(inside(planned), inside(done), inside(skipped), as_of)
    return WindowAdherenceOut(
        days=days, planned=counted.planned, done=counted.done, rate=counted.rate
    )


def _mean(values: Sequence[int]) -> float | None:
    return round(sum(values) / len(values), 2) if values else None


def _planned_rows(session: Session) -> int:
    """The set rows a session prescribes (each side of per-side work is a row), as
    ``training.prescribed_sets`` logs them."""
    return sum(p.sets * (2 if p.per_side else 1) for p in session.exercises)


def _last_session(
    uow: AbstractUnitOfWork,
    athlete_id: int,
    plan_id: int | None,
    sessions: Sequence[tuple[dt.date, SessionOutline]],
    day: dt.date,
    sets_logged: int,
) -> LastSessionOut:
    session: Session | None = None
    if plan_id is not None:
        versions = uow.history.versions(athlete_id, plan_id, day)  # R-HIST: as it was given
        if versions:
            session = versions[-1].session
    if session is None:
        # The plan's session of that day (after the moves), built only now (D-125).
        session = next((o.session() for d, o in sessions if d == day), None)
    planned = _planned_rows(session) if session is not None else None
    return LastSessionOut(
        date=day,
        title=session.title if session is not None else "extra session",
        status="partial" if planned is not None and sets_logged < planned else "done",
        sets_logged=sets_logged,
        sets_planned=planned,
    )


def _moved(
    sessions: Sequence[SessionOutline], moves: dict[dt.date, dt.date]
) -> list[tuple[dt.date, SessionOutline]]:
    """The plan's sessions on their days after the moves, by date, as
    ``training.effective_plan`` places them (a stable sort: the document's order within a
    day)."""
    return sorted(((moves.get(o.date, o.date), o) for o in sessions), key=lambda m: m[0])


def _safety(
    uow: AbstractUnitOfWork, catalog: Catalog, athlete: Athlete, plan_id: int | None, as_of: dt.date
) -> tuple[Any, Any]:
    """The core's safety verdict for ``as_of`` (``core.safety.assess``) and the state after
    it, resumed from the engine snapshot's safety state when there is one."""
    from calfcoach.core.engine import State
    from calfcoach.core.engine.blocks import choices_for
    from calfcoach.core.safety import SafetyState, assess

    state: SafetyState | None = None
    strain_step = 1
    snapshot = uow.snapshots.get(athlete.id, plan_id) if plan_id is not None else None
    if snapshot is not None and snapshot.as_of < as_of:
        walk_state = State.from_dict(snapshot.state)
        if walk_state is not None and walk_state.safety:
            candidate = SafetyState.from_dict(walk_state.safety)
            if candidate.through is not None and candidate.through <= as_of:
                state, strain_step = candidate, walk_state.strain_step
    since = state.through if state is not None else None
    log = uow.logs.load_training_log(athlete.id, since=since).up_to(as_of)
    profile = athlete.profile
    choices = choices_for(catalog, profile.equipment, profile.complaints)
    return assess(
        profile,
        log,
        as_of,
        clearance_exercises=choices.clearance_ids,
        state=state,
        strain_step=strain_step,
    )


def roster_row_in(
    uow: AbstractUnitOfWork, catalog: Catalog, athlete: Athlete, as_of: dt.date
) -> RosterRowOut:
    """The roster row of ``athlete`` as of the end of ``as_of``, inside a unit of work
    (the caller has checked that the actor may see the athlete)."""
    from calfcoach.core.capacity import retest_days
    from calfcoach.services.plan_inputs import athlete_races

    stored = uow.plans.active_outline(athlete.id)
    # Only the window the row reads (the latest day with sets, check-in and test however
    # old): the longest window is adherence's 42 days (D-124).
    logged = uow.logs.progress_log(athlete.id, as_of, since=as_of - (WINDOW_DAYS - 1) * _DAY)
    sessions = _moved(stored.sessions, logged.moves) if stored is not None else []
    safety, state = _safety(uow, catalog, athlete, stored.id if stored else None, as_of)
    stop = safety.stop

    sets_per_day: dict[dt.date, int] = {}
    for totals in logged.days:
        sets_per_day[totals.date] = sets_per_day.get(totals.date, 0) + totals.sets
    done_days = sorted(sets_per_day)
    planned_days = [d for d, _ in sessions]
    if stop is not None:
        # Days since the current stop began are not sessions the athlete should have done.
        planned_days = [d for d in planned_days if d < stop.since]

    last_session = None
    if done_days:
        last = done_days[-1]
        last_session = _last_session(
            uow, athlete.id, stored.id if stored else None, sessions, last, sets_per_day[last]
        )

    checkins = logged.checkins
    recent = [c.pain for c in checkins if as_of - 6 * _DAY <= c.date <= as_of]
    previous = [c.pain for c in checkins if as_of - 13 * _DAY <= c.date < as_of - 6 * _DAY]
    pain_recent, pain_previous = _mean(recent), _mean(previous)
    trend: Literal["no_checkins", "rising", "steady", "falling"] = "no_checkins"
    if pain_recent is not None:
        trend = "steady"
        if pain_previous is not None and pain_recent - pain_previous >= TREND_STEP:
            trend = "rising"
        elif pain_previous is not None and pain_previous - pain_recent >= TREND_STEP:
            trend = "falling"

    activity = [d for d in (done_days[-1:] + [c.date for c in checkins[-1:]]) if d <= as_of]
    activity += [t.date for t in logged.tests[-1:]]
    last_activity = max(activity) if activity else None
    idle = (as_of - last_activity).days if last_activity is not None else None

    retests = []
    if stored is not None:
        # R-TEST-5 (D-159): no retest in a race's window, the calendars' races included.
        outline = ((d, o.week, o.deload) for d, o in sessions)
        races = athlete_races(uow, athlete)
        retests = [d for d in retest_days(outline, stored.weeks, races) if d >= as_of]
    week_start = as_of - dt.timedelta(days=as_of.weekday())
    week_counted = _window((as_of - week_start).days + 1, as_of, planned_days, done_days, [])
    week_pain = [c.pain for c in checkins if week_start <= c.date <= as_of]
    week_out = RosterWeekOut(
        start=week_start,
        planned=week_counted.planned,
        done=week_counted.done,
        skipped=len([d for d in logged.skipped if week_start <= d <= as_of]),
        checkins=len(week_pain),
        pain_max=max(week_pain) if week_pain else None,
    )

    adherence_2w = _window(14, as_of, planned_days, done_days, logged.skipped)
    adherence_6w = _window(WINDOW_DAYS, as_of, planned_days, done_days, logged.skipped)
    red_flags = list(state.red_flags) if stop is not None and stop.kind == "red_flag" else []
    flare_since = safety.flare.start if safety.flare is not None else None

    attention: list[str] = []
    if stop is not None and stop.kind == "red_flag":
        words = ", ".join(red_flags) or "a red flag"
        when = "today" if stop.urgent else "soon"
        attention.append(f"red flag since {stop.since} ({words}): see a clinician {when}")
    elif stop is not None:
        attention.append(f"plan stopped since {stop.since} ({stop.rule})")
    if flare_since is not None:
        attention.append(f"flare since {flare_since}")
    if pain_recent is not None and pain_recent >= safety.usual + 1:
        attention.append(f"morning pain {pain_recent:g}/10 against a usual {safety.usual}")
    if adherence_2w.rate is not None and adherence_2w.rate < ATTENTION_ADHERENCE:
        attention.append(f"{adherence_2w.done} of {adherence_2w.planned} sessions in 2 weeks")
    if idle is not None and idle >= INACTIVE_DAYS:
        attention.append(f"nothing logged for {idle} days")
    if safety.ask_checkin:
        attention.append("check-in overdue")
    if stop is not None and stop.kind == "red_flag":
        rank = 0
    elif stop is not None:
        rank = 1
    elif flare_since is not None:
        rank = 2
    else:
        rank = 3 if attention else 4

    return RosterRowOut(
        athlete_id=athlete.id,
        name=athlete.name,
        as_of=as_of,
        has_plan=stored is not None,
        adherence_2w=adherence_2w,
        adherence_6w=adherence_6w,
        last_session=last_session,
        usual_pain=safety.usual,
        pain_recent=pain_recent,
        pain_previous=pain_previous,
        pain_trend=trend,
        flare_since=flare_since,
        red_flags=red_flags,
        stop=None
        if stop is None
        else RosterStopOut(
            kind=stop.kind, since=stop.since, urgent=stop.urgent, rule=stop.rule, advice=stop.advice
        ),
        next_retest=retests[0] if retests else None,
        checkin_due=safety.ask_checkin,
        last_activity=last_activity,
        days_since_activity=idle,
        week=week_out,
        attention=attention,
        rank=rank,
    )


# --------------------------------------------------------------------------- the roster


def roster_rows(ctx: ServiceContext, actor: Actor, as_of: dt.date) -> list[RosterRowOut]:
    """Every athlete ``actor`` may see, one row each, in no particular order.

    The visible athletes are chosen in the query (``Actor.athlete_ids``); their current
    stored rows are read in one more; the missing ones are computed in one read-only unit of
    work and stored in one writing unit of work (D-102)."""
    from calfcoach.code_id import answer_code
    from calfcoach.services.inputs import check_date

    check_date("date", as_of)
    code = answer_code()  # the code that made a stored row must be this one (D-163)
    # This process's copies of stored rows, each used only at the athlete's data revision
    # it was made at (D-112): a warm roster parses no row.
    memo: RevisionMemo[tuple[int, dt.date, str], RosterRowOut] = ctx.memo(
        "roster.rows", ROW_MEMO_SIZE
    )
    rows: dict[int, RosterRowOut] = {}
    missing: list[tuple[int, int]] = []  # (athlete id, revision read before computing)
    with ctx.unit_of_work(read_only=True) as uow:
        visible = uow.athletes.visible(actor.athlete_ids)
        revisions = uow.answers.revisions([a for a, _ in visible])
        for athlete_id, revision in revisions.items():
            kept = memo.get((athlete_id, as_of, code), revision)  # D-112
            if kept is not None:
                rows[athlete_id] = kept
        unknown = [a for a in revisions if a not in rows]
        stored = uow.answers.current_many(unknown, as_of, ROSTER_ANSWER, code) if unknown else {}
    for athlete_id, (revision, body) in stored.items():
        if body is not None:
            rows[athlete_id] = RosterRowOut.model_validate_json(body)
            memo.put((athlete_id, as_of, code), revision, rows[athlete_id])
        else:
            missing.append((athlete_id, revision))
    if missing:
        computed: list[tuple[int, int, RosterRowOut]] = []
        catalog = ctx.catalog()
        with ctx.unit_of_work(read_only=True) as uow:
            for athlete_id, revision in missing:
                try:
                    athlete = uow.athletes.get(athlete_id)
                except NotFoundError:
                    continue  # removed meanwhile
                computed.append((athlete_id, revision, roster_row_in(uow, catalog, athlete, as_of)))
        with ctx.unit_of_work() as uow:
            for athlete_id, revision, row in computed:
                uow.answers.store(
                    athlete_id, as_of, ROSTER_ANSWER, code, revision, row.model_dump_json()
                )
                rows[athlete_id] = row
            uow.commit()
        for athlete_id, revision, row in computed:
            memo.put((athlete_id, as_of, code), revision, row)
    # A rename does not raise the data revision (the engine does not read the name): the
    # name is the one just read, never the stored row's.
    return [
        rows[a] if rows[a].name == name else rows[a].model_copy(update={"name": name})
        for a, name in visible
        if a in rows
    ]


def _check_choice(field: str, value: str, allowed: Sequence[str]) -> None:
    if value not in allowed:
        raise InputError(
            Problem(
                "invalid",
                f"{value!r} is not one of the choices",
                field=field,
                value=value,
                allowed=", ".join(allowed),
            )
        )


def _none_last(value: Any, descending: bool) -> tuple[bool, Any]:
    """A sort key putting empty values last whichever the direction."""
    return (value is None) != descending, value


_KEYS: dict[str, Callable[[RosterRowOut], Any]] = {
    "name": lambda r: r.name.casefold(),
    "adherence_2w": lambda r: r.adherence_2w.rate,
    "adherence_6w": lambda r: r.adherence_6w.rate,
    "last_session": lambda r: r.last_session.date if r.last_session else None,
    "pain": lambda r: r.pain_recent,
    "next_retest": lambda r: r.next_retest,
    "inactive": lambda r: r.days_since_activity,
}


def sort_rows(rows: Iterable[RosterRowOut], sort: str, descending: bool) -> list[RosterRowOut]:
    """Rows by ``sort`` (one of ``SORTS``); ``attention``: red flags, then stopped plans,
    then flares, then other reasons to look, then the rest, each by name. Empty values go
    last in either direction; ties by name."""
    _check_choice("sort", sort, SORTS)
    by_name = sorted(rows, key=lambda r: (r.name.casefold(), r.athlete_id))
    if sort == "attention":
        return sorted(by_name, key=lambda r: r.rank, reverse=descending)
    key = _KEYS[sort]
    present = [r for r in by_name if key(r) is not None]
    empty = [r for r in by_name if key(r) is None]
    return sorted(present, key=key, reverse=descending) + empty


def filter_rows(rows: Iterable[RosterRowOut], show: str, name: str | None) -> list[RosterRowOut]:
    """``show``: all, attention (any reason to look) or stopped (a stopped plan); ``name``:
    rows whose name contains it, ignoring case."""
    _check_choice("show", show, SHOWS)
    if name is not None and len(name) > 100:
        raise InputError.about("name", "is longer than 100 characters", value=name[:20])
    needle = name.casefold().strip() if name else ""
    out = []
    for row in rows:
        if show == "attention" and not row.attention:
            continue
        if show == "stopped" and row.stop is None:
            continue
        if needle and needle not in row.name.casefold():
            continue
        out.append(row)
    return out


def roster(
    ctx: ServiceContext,
    actor: Actor,
    *,
    as_of: dt.date | None = None,
    sort: str = "attention",
    descending: bool = False,
    show: str = "all",
    name: str | None = None,
) -> list[RosterRowOut]:
    """The roster of ``actor`` as of ``as_of`` (the real today by default): the athletes it
    may see, filtered (``show``, ``name``) and sorted (``sort``; red flags and stopped plans
    first by default)."""
    _check_choice("sort", sort, SORTS)
    _check_choice("show", show, SHOWS)
    rows = roster_rows(ctx, actor, as_of or ctx.today())
    return sort_rows(filter_rows(rows, show, name), sort, descending)
