"""The forward walk: one engine for the plan and its adaptation (issue 6, item 2).

The plan is computed by walking forward through the days. Each session is prescribed from the
state left by everything before its day (R-HIST): the plan built from a profile alone is the
same walk with no log, every session assumed done as prescribed (a projection). With a log,
days up to ``today`` use what was logged (a day with a planned session and nothing logged is a
missed session), days after it are projected. A session already given (``fixed``) is taken as
it was given and never recomputed; only a stop (R-PAIN-2a/2b) or a race entered for its day
withdraws it. The state after the day before ``today`` is returned as a snapshot, so the next
walk starts there (``State.to_dict``/``from_dict``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Final

from calfcoach.core import limits, rules
from calfcoach.core.catalog import Catalog
from calfcoach.core.engine.blocks import choices_for
from calfcoach.core.engine.coverage import coverage_issues, protocol_week_issues
from calfcoach.core.engine.evidence import outcome_of, projected
from calfcoach.core.engine.session import Decision, SessionMaker
from calfcoach.core.engine.skeleton import Skeleton, Slot, build_skeleton
from calfcoach.core.engine.state import State
from calfcoach.core.memo import MISSING, IdentityMemo
from calfcoach.core.models import (
    DatedRun,
    LoggedSet,
    Plan,
    PlanWarning,
    Profile,
    Session,
    TrainingLog,
)
from calfcoach.core.races import RaceCalendar, race_calendar
from calfcoach.core.schedule import hard_run_checks, hard_run_day
from calfcoach.errors import PlanningError

if TYPE_CHECKING:  # a plan without runs never imports the running model (issue 6, cold start)
    from calfcoach.core.running import RunningLoads

MAX_WEEKS = rules.MAX_WEEKS
EARLIEST_START = limits.EARLIEST_DATE


@dataclass(frozen=True, slots=True)
class WalkResult:
    plan: Plan
    decisions: tuple[Decision, ...]
    snapshot: tuple[dt.date, dict[str, object]] | None
    """(as_of, state): the state after every day before ``today``; None without a today."""


def check_inputs(profile: Profile, start: dt.date, weeks: int) -> None:
    if not profile.free_days:
        raise PlanningError(
            "free_days: no free day given; allowed: one or more of mon, tue, wed, thu, fri, "
            "sat, sun (the days strength work is possible)"
        )
    problem = limits.date_problem("start", start, limits.latest_plan_start(weeks))
    if problem is not None:  # the one date rule (D-25): the plan must end by LATEST_DATE
        raise PlanningError(f"{problem} for a plan of {weeks} weeks")
    if not rules.MIN_WEEKS <= weeks <= MAX_WEEKS:
        raise PlanningError(
            f"weeks: {weeks} is out of range; allowed: {rules.MIN_WEEKS}-{MAX_WEEKS}"
        )


def build_plan(
    profile: Profile,
    catalog: Catalog,
    start: dt.date,
    weeks: int,
    *,
    dated: Sequence[DatedRun] = (),
) -> Plan:
    """A ``weeks``-week plan from ``start`` for a profile alone: every session projected.
    ``dated``: runs on dates (imported or planned) beside the profile's usual week."""
    check_inputs(profile, start, weeks)
    return walk(profile, catalog, start, weeks, dated=dated).plan


def walk(
    profile: Profile,
    catalog: Catalog,
    start: dt.date,
    weeks: int,
    *,
    log: TrainingLog | None = None,
    today: dt.date | None = None,
    moves: Mapping[dt.date, dt.date] | None = None,
    fixed: Mapping[dt.date, Session] | None = None,
    state: State | None = None,
    dated: Sequence[DatedRun] = (),
    running: RunningLoads | None = None,
    until: dt.date | None = None,
) -> WalkResult:
    """The plan as of ``today`` (see the module doc). ``log`` may hold only what is dated after
    ``state.day`` when a snapshot ``state`` is given (check-ins from 28 days before it).
    ``dated``: runs on dates (imported runs, a training calendar's runs) beside the profile's
    usual week (R-SCHED-4, R-SCHED-4b; dated races come as the profile's races,
    ``races.with_races``). ``running``: the runs' loads, for the spike rule (RUN-SPIKE-1).
    ``until``: the walk stops after that day (D-200): the plan holds the sessions up to it,
    each as the whole walk makes it (a session is made from what comes before its day only),
    and no warnings, which speak of the whole plan; for a caller that needs one day's session
    (a logged set's)."""
    check_inputs(profile, start, weeks)
    log = log or TrainingLog()
    fixed = fixed or {}
    dated = tuple(dated)
    choices = choices_for(catalog, profile.equipment, profile.complaints)
    calendar = race_calendar(profile)
    skeleton = _skeleton(profile, catalog, start, weeks, choices, calendar, dated)
    slots = list(skeleton.slots)
    if moves:
        # A moved session takes its new day's neighbours (R-SCHED-4b looks at the hard runs).
        before_hard, day_after_hard = hard_run_checks(profile, calendar, dated)
        on_hard = hard_run_day(profile, calendar, dated)
        moved: list[Slot] = []
        for one in slots:
            new = moves.get(one.date, one.date)
            if new != one.date:
                one = replace(
                    one,
                    date=new,
                    after_hard=on_hard(new),
                    before_hard=before_hard(new),
                    day_after_hard=day_after_hard(new),
                )
            moved.append(one)
        slots = sorted(moved, key=lambda s: s.date)
    st = state or State()
    maker = SessionMaker(
        profile, catalog, choices, calendar, start, weeks, log, today, st, running=running
    )
    sets_by_day: dict[dt.date, list[LoggedSet]] = defaultdict(list)
    for s in log.sets:
        sets_by_day[s.date].append(s)
    skipped = frozenset(log.skipped)
    slot_days = {s.date: s for s in slots}
    events = sorted(set(slot_days) | set(sets_by_day))
    sessions: list[Session] = []
    snapshot: tuple[dt.date, dict[str, object]] | None = None
    for date in events:
        if until is not None and date > until:
            break
        if st.day is not None and date <= st.day:
            if date in slot_days and date in fixed:
                sessions.append(fixed[date])
            continue
        if today is not None and snapshot is None and date >= today and today > dt.date.min:
            maker.sync()
            snapshot = (today - dt.timedelta(days=1), st.to_dict())
        slot = slot_days.get(date)
        session: Session | None = None
        if slot is not None:
            given = fixed.get(date)
            session = maker.session(slot, given)
            if session is not None:
                sessions.append(session)
                if session.status == "planned":
                    # D-3, D-177: the contacts of the last plyometric session given, done or
                    # not: the next one climbs at most 20 above it.
                    for rx in session.exercises:
                        if rx.scheme == "plyometric" and rx.contacts is not None:
                            st.plyo_given = rx.sets * rx.contacts
        logged = sets_by_day.get(date)
        if logged:
            maker.apply_log(date, logged, session)
        elif session is not None and session.status == "planned":
            if today is None or date >= today:
                maker.apply_projection(date, session)
            elif date in skipped:
                pass  # a skipped session is a missed one: nothing progresses
        st.day = date
    if until is not None:  # a cut walk keeps a snapshot only if it walked up to today
        cut = Plan(start=start, weeks=weeks, warnings=(), sessions=tuple(sessions))
        return WalkResult(cut, tuple(maker.decisions), snapshot)
    if today is not None and snapshot is None and today > dt.date.min:
        as_of = today - dt.timedelta(days=1)
        if st.day is None or st.day <= as_of:
            maker.sync()
            snapshot = (as_of, st.to_dict())
    issues = list(skeleton.issues) + maker.issues
    if not choices.can_load and not choices.has_protocol:
        # The whole plan, not its first week: "Weeks 1-8: ..." (R-SCH-2a).
        issues += [
            (
                "R-SCH-2",
                week,
                "heavy work needs external load (dumbbell, kettlebell, barbell, weight vest, "
                "backpack or a machine); slow light heel raises stand in (R-SCH-2a)",
            )
            for week in range(1, weeks + 1)
        ]
    # Judged on the whole plan, a walk from a snapshot too: its past sessions are the fixed
    # ones (R-HIST), and leaving the warnings out made them vanish once a snapshot was stored
    # (D-181).
    issues += coverage_issues(
        tuple(sessions), weeks, choices, profile, frozenset(st.jump_weeks),
        held_back=_held_back(slots, calendar),
    )  # fmt: skip
    issues += protocol_week_issues(tuple(sessions), weeks, profile)
    stopped = _stopped_weeks(sessions)
    if stopped:
        # A week whose every session is stopped (R-PAIN-2a/2b) trains nothing: its scheduling
        # and equipment warnings would speak of sessions it does not hold (D-174).
        issues = [i for i in issues if i[1] not in stopped]
    warnings = _grouped(issues)
    plan = Plan(start=start, weeks=weeks, warnings=warnings, sessions=tuple(sessions))
    return WalkResult(plan, tuple(maker.decisions), snapshot)


def _held_back(slots: list[Slot], calendar: RaceCalendar) -> dict[tuple[int, str], frozenset[str]]:
    """(cycle, need) -> why every session day of the 2-week cycle held that need back, for
    R-SCHED-5's warnings (D-184): "race" (the 7 days before a race, the light week after a
    marathon: R-SCHED-4, R-SCHED-4a) or "eve" (the day before a hard run, and for
    plyometrics the day after one: R-SCHED-4b). A cycle with one day free of both is absent."""
    causes: dict[tuple[int, str], set[str]] = {}
    free: set[tuple[int, str]] = set()
    for slot in slots:
        day = calendar.day(slot.date)
        if day.blocked is not None:
            continue  # no session that day
        cycle = (slot.week - 1) // rules.CYCLE_WEEKS
        race = day.taper is not None or day.light_only is not None
        for need, eve in (
            ("heavy", slot.before_hard),
            ("plyo", slot.before_hard or slot.day_after_hard),
        ):
            found = ({"race"} if race else set()) | ({"eve"} if eve else set())
            if found:
                causes.setdefault((cycle, need), set()).update(found)
            else:
                free.add((cycle, need))
    return {key: frozenset(why) for key, why in causes.items() if key not in free}


# A walk's skeleton per catalog object and (profile, start, weeks, dated runs) (core.memo: the
# entry holds the catalog, so a later catalog that takes a freed id never gets its skeleton).
_SKELETONS: Final[IdentityMemo[Skeleton]] = IdentityMemo(limit=256)


def _skeleton(
    profile: Profile,
    catalog: Catalog,
    start: dt.date,
    weeks: int,
    choices: object,
    calendar: object,
    dated: tuple[DatedRun, ...] = (),
) -> Skeleton:
    key = (profile, start, weeks, dated)
    found = _SKELETONS.get(catalog, None, key)
    if found is MISSING:
        made = build_skeleton(profile, catalog, start, weeks, choices, calendar, dated)  # type: ignore[arg-type]
        found = _SKELETONS.put(catalog, None, key, made)
    return found


def _stopped_weeks(sessions: list[Session]) -> set[int]:
    """The weeks with a session, every one of them stopped."""
    status: dict[int, bool] = {}
    for s in sessions:
        status[s.week] = status.get(s.week, True) and s.status == "stopped"
    return {week for week, all_stopped in status.items() if all_stopped}


_BUDGET_KEY: Final = "\x00budget "  # no message starts with a NUL
_OVER_BUDGET: Final = re.compile(
    r"a session needs about (\d+) min, more than the (\d+) min budget, even at the minimum dose"
)


def _grouped(issues: list[tuple[str, int, str]]) -> tuple[PlanWarning, ...]:
    grouped: dict[tuple[str, str], list[int]] = {}
    over: dict[str, list[int]] = {}  # R-SCHED-7: the minutes a budget was overrun by
    for rule, week, message in issues:
        m = _OVER_BUDGET.fullmatch(message) if rule == "R-SCHED-7" else None
        if m is not None:
            # One warning for the budget, the range of minutes in it: one a distinct figure
            # listed week 1 twice and made seven lines of one fact.
            over.setdefault(m.group(2), []).append(int(m.group(1)))
            message = _BUDGET_KEY + m.group(2)
        weeks = grouped.setdefault((rule, message), [])
        if week not in weeks:
            weeks.append(week)
    out = []
    for (rule, message), weeks in grouped.items():
        if message.startswith(_BUDGET_KEY):
            budget = message[len(_BUDGET_KEY) :]
            least, most = min(over[budget]), max(over[budget])
            about = f"{least}" if least == most else f"{least}-{most}"
            message = (
                f"a session needs about {about} min, more than the {budget} min budget, "
                "even at the minimum dose"
            )
        out.append(PlanWarning(rule, f"{_weeks_label(weeks)}: {message}"))
    return tuple(out)


def _weeks_label(weeks: list[int]) -> str:
    weeks = sorted(weeks)
    parts: list[str] = []
    run_start = prev = weeks[0]
    for w in weeks[1:] + [0]:
        if w == prev + 1:
            prev = w
            continue
        parts.append(str(run_start) if run_start == prev else f"{run_start}-{prev}")
        run_start = prev = w
    return ("Week " if len(weeks) == 1 else "Weeks ") + ", ".join(parts)


def slot_of(skeleton: Skeleton, date: dt.date) -> Slot | None:
    for s in skeleton.slots:
        if s.date == date:
            return s
    return None


__all__ = ["MAX_WEEKS", "WalkResult", "build_plan", "check_inputs", "walk"]

_ = (outcome_of, projected)  # re-exported for the engine's tests
