"""Progression engine (R-PROG-2..6, R-PAIN-1..4): plan + training log -> the adapted plan.

``adapt_plan`` recomputes every session after ``today`` from the log; sessions on or before
``today`` are returned exactly as they came in. The prescription of a session dated D depends
only on logged sets and tests dated before D, on check-ins dated on or before D, on the plan,
the profile and ``today``; so logging something on or after D never changes a session on or
before D.

How one prescription of a future session is derived (per exercise and scheme, a "track"):

* the reference is the most recent logged exposure of the same exercise and scheme before D
  that was not in a lighter week: its planned dose (the logged ``planned_*`` values, else the
  plan's prescription on that day), with the load actually lifted;
* R-PAIN-1/2: pain above the limit (5/10, or 2/10 for calf strain and shin) at the latest
  exposure of the exercise -> regress one step; pain 4-5 -> hold;
* R-PROG-6: failed reps or RPE >= 9 -> hold; two exposures in a row -> regress; no training
  for 7+ days while sessions were planned -> restart one step lower;
* R-PROG-2: every set at the planned dose (or over), RPE <= 8, pain 0-3 -> reps (seconds,
  metres) climb toward the top of the scheme band; at the top, load goes up by
  ``rules.next_load`` (2-10 %) and the dose returns to the bottom of the band;
* R-PROG-3: on the soleus ladder, a step whose top dose was done at pain <= 3 moves on to the
  next step the athlete has the equipment for; without it, the step is loaded instead;
* R-PROG-4: plyometric contacts rise at most 20 a session per week, up to the level ceiling,
  and never by more than 20 from one plyometric session to the next;
* R-PAIN-3/4: with an Achilles complaint or a calf strain, no plyometrics until 3x15 single-leg
  heel raises are logged at pain <= 3 (strain: <= 2); with shin pain, until pain-free single-leg
  hops are logged, and then the light band only;
* R-PAIN-2: a morning check-in 2 or more above the usual (median of the last 7) reduces the
  next session by about 15 %, to the band minimum;
* R-PROG-5: a lighter-week session keeps its reduced dose relative to the new base.

With no logged exposure of an exercise the planned prescription stays (no evidence, no
change), apart from the pain, missed-week, check-in and plyometric rules. Future sessions are
not projected further: every future session of a track shows the next dose until the athlete
logs again.

Red flags (R-PAIN-2a: a pop or sudden calf pain, swelling or warmth, night or rest pain) stop
the plan and send the athlete to a clinician. The log has no field for them, so this engine
cannot see them: the adapters must ask and stop the plan themselves.
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
import re
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Literal

from calfcoach.core import rules
from calfcoach.core.catalog import Catalog
from calfcoach.core.models import (
    CheckIn,
    Complaint,
    Exercise,
    LoggedSet,
    Plan,
    PlanWarning,
    Prescription,
    Profile,
    Scheme,
    Session,
    TrainingLog,
)

__all__ = ["Action", "AdaptedPlan", "Decision", "adapt_plan", "usual_pain"]

Action = Literal["progress", "hold", "regress", "stop", "reduce"]
Amount = Literal["reps", "seconds", "distance_m", "contacts"]

# ------------------------------------------------------------------ constants of this module

REP_STEP: dict[Scheme, int] = {"heavy": 1, "light": 2}  # R-PROG-2: reps climb per exposure
HOLD_STEP_S = 15  # R-PROG-2: holds 30 s -> 60 s in two steps
DISTANCE_STEP_M = rules.DISTANCE_M[1] - rules.DISTANCE_M[0]  # R-PROG-2: 10 ft -> 15 ft
# R-SCH-1 "up to one minute of work" for light timed work; the 30 s floor of R-SCH-4.
LIGHT_SECONDS = rules.Band(rules.ISO_SECONDS.low, rules.LIGHT_MAX_SECONDS)
REDUCE_FRACTION = 0.15  # R-PAIN-2: reduce the next load or volume by about 10-20 %
MISSED_DAYS = 7  # R-PROG-6: a missed week or more
HARD_RPE = rules.RPE_PROGRESS_MAX + 1  # R-PROG-2/6: RPE 9-10 holds the dose
PLYO_MIN_TOTAL = rules.PLYO_WEEKLY_STEP  # R-PROG-4: a plyometric regression stops at one step
# R-PAIN-3/4: the clearance test is 3x15 single-leg heel raises (the Achilles heavy slow
# resistance exercise is one, at 3x15RM in its first week).
CLEARANCE_EXERCISES = frozenset(
    {"single-leg-calf-raise", "straight-knee-heel-raise", "heavy-slow-heel-raise"}
)
SHIN_CLEARANCE_EXERCISE = "single-leg-hops"  # R-PAIN-4: pain-free single-leg hops
_CLIMB: dict[Amount, str] = {
    "reps": "reps go up",
    "seconds": "holds go up",
    "distance_m": "the distance goes up",
    "contacts": "contacts go up",
}
_UNIT_WORD: dict[Amount, str] = {
    "reps": "reps",
    "seconds": "s",
    "distance_m": "m",
    "contacts": "contacts",
}
# The planner's own progression claims, replaced when the log decides the dose.
_PLANNER_CLAIMS = re.compile(r"(?:R-PROG-[12]: |R-SCH-3: \d+ foot contacts)[^.]*\.\s*")
_PLANNER_CLAIMS_DELOAD = re.compile(r"(?:R-PROG-[125]: |R-SCH-3: \d+ foot contacts)[^.]*\.\s*")
_SEVERITY: dict[Action, int] = {"progress": 0, "hold": 1, "reduce": 1, "regress": 2, "stop": 3}
_FIELD: dict[str, Amount] = {
    "reps": "reps",
    "seconds": "seconds",
    "distance": "distance_m",
    "contacts": "contacts",
}


# ------------------------------------------------------------------ results


@dataclass(frozen=True, slots=True)
class Decision:
    """One change the engine made to a future session, and why (rule id + sentence)."""

    exercise: str
    date: dt.date
    action: Action
    rule: str
    message: str


@dataclass(frozen=True, slots=True)
class AdaptedPlan:
    """The plan adapted to the log; sessions on or before ``today`` are unchanged."""

    plan: Plan
    decisions: tuple[Decision, ...]


# ------------------------------------------------------------------ small pure helpers


def usual_pain(checkins: Iterable[CheckIn], before: dt.date) -> float | None:
    """R-PAIN-2: the median pain of the last 7 check-ins dated before ``before``."""
    earlier = sorted((c for c in checkins if c.date < before), key=lambda c: c.date)
    recent = earlier[-rules.USUAL_PAIN_WINDOW :]
    return float(statistics.median(c.pain for c in recent)) if recent else None


@dataclass(frozen=True, slots=True)
class _Dose:
    """One prescription's numbers: sets, the dose per set, and added load."""

    sets: int
    amount: float
    load: float | None


@dataclass(frozen=True, slots=True)
class _Limits:
    """The scheme band for one scheme and unit; ``None`` where no band applies."""

    amount: tuple[float, float] | None
    sets: tuple[int, int] | None
    step: float


@dataclass(frozen=True, slots=True)
class _Outcome:
    """How a logged exposure went against its planned dose."""

    date: dt.date
    reference: _Dose
    reached: bool
    failed_reps: bool
    hard: bool
    max_rpe: int | None
    sets_logged: int

    @property
    def failed(self) -> bool:
        return self.failed_reps or self.hard


_Note = tuple[Action, str, str]


def _unit(rx: Prescription) -> Amount | None:
    """Which field carries the dose (contacts first: plyometrics also show seconds)."""
    names: tuple[Amount, ...] = ("contacts", "reps", "seconds", "distance_m")
    for name in names:
        if getattr(rx, name) is not None:
            return name
    return None


def _limits(scheme: Scheme, unit: Amount) -> _Limits:
    """The R-SCH band of a scheme for a unit (rehab, skill and plyometric sets: none)."""
    sets = (rules.ISO_SETS, rules.ISO_SETS)
    if unit == "reps" and scheme == "light":
        return _Limits(_band(rules.LIGHT_REPS), _iband(rules.LIGHT_SETS), REP_STEP["light"])
    if unit == "reps" and scheme == "heavy":
        return _Limits(_band(rules.HEAVY_REPS), _iband(rules.HEAVY_SETS), REP_STEP["heavy"])
    if unit == "seconds" and scheme == "isometric":
        return _Limits(_band(rules.ISO_SECONDS), sets, HOLD_STEP_S)
    if unit == "seconds" and scheme == "light":
        return _Limits(_band(LIGHT_SECONDS), _iband(rules.LIGHT_SETS), HOLD_STEP_S)
    if unit == "distance_m" and scheme in ("isometric", "light"):
        set_band = sets if scheme == "isometric" else _iband(rules.LIGHT_SETS)
        return _Limits(rules.DISTANCE_M, set_band, DISTANCE_STEP_M)
    return _Limits(None, None, 1)


def _band(band: rules.Band) -> tuple[float, float]:
    return float(band.low), float(band.high)


def _iband(band: rules.Band) -> tuple[int, int]:
    return band.low, band.high


def _clamp(dose: _Dose, lim: _Limits) -> _Dose:
    """A dose forced into the scheme band."""
    amount, sets = dose.amount, dose.sets
    if lim.amount is not None:
        amount = min(max(amount, lim.amount[0]), lim.amount[1])
    if lim.sets is not None:
        sets = min(max(sets, lim.sets[0]), lim.sets[1])
    return _Dose(sets, amount, dose.load)


def _num(value: float) -> str:
    return f"{value:g}"


def _amount_text(amount: float, unit: Amount) -> str:
    word = _UNIT_WORD[unit]
    return f"{_num(amount)} {word}" if word != "s" else f"{_num(amount)} s"


def _floor_load(load: float, increment: float) -> float | None:
    """A load rounded down to the increment; None when nothing is left."""
    value = round(math.floor(load / increment + 1e-9) * increment, 2)
    return value if value > 0 else None


# ------------------------------------------------------------------ dose steps (pure)


@dataclass(frozen=True, slots=True)
class _Step:
    dose: _Dose
    text: str
    moved: bool
    """False when the dose could not move (already at the end of the band)."""


def _step_up(
    dose: _Dose, lim: _Limits, unit: Amount, inc: float | None, first: float | None
) -> _Step:
    """R-PROG-2 double progression: the dose climbs, then load, back to the band bottom."""
    if lim.amount is None:
        return _load_up(dose, inc, None) or _Step(dose, "the dose stays as set", False)
    low, high = lim.amount
    if dose.amount < high:
        new = min(high, dose.amount + lim.step)
        text = f"{_CLIMB[unit]} from {_amount_text(dose.amount, unit)} to {_amount_text(new, unit)}"
        return _Step(replace(dose, amount=new), text, True)
    loaded = _load_up(dose, inc, first)
    if loaded is not None:
        back = f"; the dose returns to {_amount_text(low, unit)}"
        return _Step(replace(loaded.dose, amount=low), loaded.text + back, True)
    if lim.sets is not None and dose.sets < lim.sets[1]:
        why = (
            "no load can be added in a step of 10 % or less"
            if inc is not None
            else "there is no equipment to add load (R-PROG-1)"
        )
        return _Step(replace(dose, sets=dose.sets + 1), f"{why}, so a set is added", True)
    return _Step(dose, "the dose is at the top of the band and cannot rise further here", False)


def _load_up(dose: _Dose, inc: float | None, first: float | None) -> _Step | None:
    """One load step (``rules.next_load``), or the first added load; None when impossible."""
    if inc is None:
        return None
    if not dose.load:
        if first is None:
            return None
        return _Step(replace(dose, load=first), f"{_num(first)} kg of load is added", True)
    new = rules.next_load(dose.load, inc)
    if new <= dose.load:
        return None
    pct = round((new - dose.load) / dose.load * 100)
    return _Step(replace(dose, load=new), f"the load goes up {pct} % to {_num(new)} kg", True)


def _step_down(dose: _Dose, lim: _Limits, unit: Amount, inc: float | None) -> _Step:
    """One step lower: less load if loaded, else a smaller dose, else one set fewer."""
    if dose.load:
        step = inc if inc is not None else min(rules.LOAD_INCREMENT_KG.values())
        lighter = _floor_load(dose.load * (1 - rules.LOAD_STEP_DEFAULT), step)
        if lighter is not None and lighter >= dose.load:
            lighter = _floor_load(dose.load - step, step)
        text = f"the load comes down to {_num(lighter)} kg" if lighter else "the load comes off"
        return _Step(replace(dose, load=lighter), text, True)
    if lim.amount is None:
        smaller = max(1.0, math.floor(dose.amount * (1 - REDUCE_FRACTION)))
        if smaller < dose.amount:
            return _Step(
                replace(dose, amount=smaller),
                f"the dose comes down to {_amount_text(smaller, unit)}",
                True,
            )
        return _Step(dose, "the dose is already as low as it goes", False)
    low = lim.amount[0]
    if dose.amount > low:
        new = max(low, dose.amount - lim.step)
        return _Step(
            replace(dose, amount=new), f"the dose comes down to {_amount_text(new, unit)}", True
        )
    if lim.sets is not None and dose.sets > lim.sets[0]:
        return _Step(replace(dose, sets=dose.sets - 1), "one set fewer", True)
    return _Step(dose, "the dose is already the lowest of its band", False)


def _deload(dose: _Dose, lim: _Limits, unit: Amount) -> _Dose:
    """R-PROG-5: about 55 % of the volume, inside the band, load kept."""
    target = dose.sets * dose.amount * rules.DELOAD_VOLUME_FACTOR
    if lim.amount is None or lim.sets is None:
        if unit == "contacts":
            return _spread_total(dose, max(1, round(target)), dose.amount)
        return replace(dose, sets=max(1, round(dose.sets * rules.DELOAD_VOLUME_FACTOR)))
    low = lim.amount[0]
    amounts = (
        [low, dose.amount]
        if unit == "distance_m"
        else [float(a) for a in range(int(low), int(dose.amount) + 1)]
    )
    best = _Dose(lim.sets[0], low, dose.load)
    for sets in range(lim.sets[0], max(lim.sets[0], dose.sets) + 1):
        for amount in amounts:
            if abs(sets * amount - target) < abs(best.sets * best.amount - target):
                best = _Dose(sets, amount, dose.load)
    return best


def _reduce(dose: _Dose, lim: _Limits, unit: Amount, inc: float | None) -> _Step:
    """R-PAIN-2: about 15 % less load, or volume, never below the band minimum."""
    if dose.load:
        step = inc if inc is not None else min(rules.LOAD_INCREMENT_KG.values())
        lighter = _floor_load(dose.load * (1 - REDUCE_FRACTION), step)
        text = f"the load comes down to {_num(lighter)} kg" if lighter else "the load comes off"
        return _Step(replace(dose, load=lighter), text, True)
    if unit == "contacts":
        total = max(1, math.floor(dose.sets * dose.amount * (1 - REDUCE_FRACTION)))
        new = _spread_total(dose, total, dose.amount)
        return _Step(new, f"contacts come down to {_total(new)}", True)
    low = lim.amount[0] if lim.amount is not None else 1.0
    amount = max(low, float(math.floor(dose.amount * (1 - REDUCE_FRACTION))))
    if unit == "distance_m":
        amount = low
    if amount < dose.amount:
        return _Step(
            replace(dose, amount=amount),
            f"the dose comes down to {_amount_text(amount, unit)}",
            True,
        )
    set_low = lim.sets[0] if lim.sets is not None else 1
    if dose.sets > set_low:
        return _Step(replace(dose, sets=dose.sets - 1), "one set fewer", True)
    return _Step(dose, "the dose is already the band minimum", False)


def _total(dose: _Dose) -> int:
    return int(dose.sets * dose.amount)


def _spread_total(dose: _Dose, total: int, per_set_cap: float) -> _Dose:
    """Plyometric contacts: ``total`` over as few sets as the per-set cap allows."""
    cap = max(1, int(per_set_cap))
    sets = max(1, math.ceil(total / cap))
    per_set = max(1, total // sets)
    return _Dose(sets, float(per_set), dose.load)


# ------------------------------------------------------------------ the engine


def adapt_plan(
    plan: Plan,
    log: TrainingLog,
    profile: Profile,
    today: dt.date,
    *,
    catalog: Catalog | None = None,
) -> AdaptedPlan:
    """The plan with every session after ``today`` recomputed from the log (R-PROG, R-PAIN).

    ``catalog`` enables the soleus ladder (R-PROG-3), regressions to another exercise, exact
    load increments per exercise and plyometric bout lengths; without it the engine works on
    doses only and rounds loads to the coarsest increment of the athlete's load equipment.
    """
    return _Engine(plan, log, profile, today, catalog).run()


class _Engine:
    """Indexes of the log and the running output; every rule is a small method."""

    __slots__ = (
        "catalog",
        "checkins",
        "ex_dates",
        "limit",
        "log_dates",
        "out",
        "plan",
        "plan_dates",
        "profile",
        "sets_by",
        "today",
        "warnings",
    )

    def __init__(
        self,
        plan: Plan,
        log: TrainingLog,
        profile: Profile,
        today: dt.date,
        catalog: Catalog | None,
    ) -> None:
        self.plan = plan
        self.profile = profile
        self.today = today
        self.catalog = catalog
        self.limit = rules.pain_limit(profile.complaints)
        self.sets_by: dict[str, dict[dt.date, list[LoggedSet]]] = {}
        for logged in log.sets:
            self.sets_by.setdefault(logged.exercise, {}).setdefault(logged.date, []).append(logged)
        self.ex_dates = {ex: sorted(days) for ex, days in self.sets_by.items()}
        self.log_dates = sorted({s.date for s in log.sets})
        self.checkins = sorted(log.checkins, key=lambda c: c.date)
        self.plan_dates = sorted({s.date for s in plan.sessions})
        self.out: dict[dt.date, list[Session]] = {}
        self.warnings: list[PlanWarning] = []

    # -------------------------------------------------------------- top level

    def run(self) -> AdaptedPlan:
        sessions = self.plan.sessions
        result: list[Session] = list(sessions)
        decisions: list[Decision] = []
        last_plyo: tuple[dt.date, int] | None = None
        for index in sorted(range(len(sessions)), key=lambda i: sessions[i].date):
            session = sessions[index]
            if session.date > self.today:
                session = self._session(session, last_plyo, decisions)
            result[index] = session
            self.out.setdefault(session.date, []).append(session)
            total = _plyo_contacts(session.exercises)
            if total:
                last_plyo = (session.date, total)
        warnings = self.plan.warnings + tuple(
            w for w in dict.fromkeys(self.warnings) if w not in self.plan.warnings
        )
        adapted = replace(self.plan, sessions=tuple(result), warnings=warnings)
        return AdaptedPlan(adapted, tuple(decisions))

    def _session(
        self, session: Session, last_plyo: tuple[dt.date, int] | None, decisions: list[Decision]
    ) -> Session:
        day = session.date
        gap = self._missed_week(day)
        morning = self._morning_rise(day)
        gate = self._plyo_gate(day)
        prescriptions: list[Prescription] = []
        for rx in session.exercises:
            if rx.scheme == "plyometric" and gate is not None:
                decisions.append(Decision(rx.exercise, day, "stop", gate[0], gate[1]))
                self.warnings.append(PlanWarning(gate[0], gate[1]))
                continue
            new, notes = self._prescription(rx, session, gap)
            if morning is not None and new.scheme != "skill":
                new, note = self._reduce_rx(new, morning)
                notes.append(note)
            prescriptions.append(_explained(rx, new, notes))
            decisions.extend(Decision(new.exercise, day, a, r, _sentence(m)) for a, r, m in notes)
        prescriptions = self._cap_plyometrics(session, prescriptions, last_plyo, decisions)
        exercises = tuple(prescriptions)
        if exercises == session.exercises:
            return session
        title = session.title
        if gate is not None and len(exercises) < len(session.exercises):
            title += f" (plyometrics on hold, {gate[0]})"
        return replace(session, exercises=exercises, title=title)

    # -------------------------------------------------------------- one prescription

    def _prescription(
        self, rx: Prescription, session: Session, gap: str | None
    ) -> tuple[Prescription, list[_Note]]:
        """One future prescription from the evidence before its date (see the module doc)."""
        unit = _unit(rx)
        if unit is None:
            return rx, []
        day = session.date
        notes: list[_Note] = []
        base = rx
        ex = self._exercise(rx.exercise)
        if ex is not None and ex.ladder is not None and rx.scheme not in ("heavy", "rehab"):
            top, climbed = self._climb(ex, day)
            if top.id != ex.id:
                base = self._start_rx(top, rx)
                unit = _unit(base) or unit
                notes.append(("progress", "R-PROG-3", climbed))
        dose = _dose_of(base, unit)
        track = None if base.scheme == "skill" else self._track(base, unit, day)
        verdict: _Note | None = None
        if track is not None:
            dose = _clamp(track[0].reference, _limits(base.scheme, unit))
            if base.scheme == "rehab":  # R-PAIN-5: the protocol's own sets and reps
                dose = _Dose(base.sets, _amount_of(base, unit), track[0].reference.load)
            verdict = self._judge(track[0], track[1], unit)
        pain = self._pain_verdict(base.exercise, day)
        if pain is not None and (verdict is None or _SEVERITY[pain[0]] >= _SEVERITY[verdict[0]]):
            verdict = pain
        if gap is not None:
            verdict = ("regress", "R-PROG-6", gap)
        if verdict is not None:
            base, dose, note = self._apply(verdict, base, dose, unit, day, track, gap is None)
            unit = _unit(base) or unit
            notes.append(note)
        if not notes:
            return rx, []
        lim = _limits(base.scheme, unit)
        dose = _clamp(dose, lim)
        # Doses taken from an earlier exposure or a new ladder step are full doses: a lighter
        # week takes its reduction from them (R-PROG-5). A planned dose already has it.
        if session.deload and (track is not None or base.exercise != rx.exercise):
            dose = _deload(dose, lim, unit)
            action, rule, text = notes[-1]
            notes[-1] = (
                action,
                rule,
                f"{_sentence(text)} Lighter week (R-PROG-5): about half that volume, load kept.",
            )
        return self._with_dose(base, unit, dose), notes

    def _apply(
        self,
        verdict: _Note,
        base: Prescription,
        dose: _Dose,
        unit: Amount,
        day: dt.date,
        track: tuple[_Outcome, bool] | None,
        may_swap: bool,
    ) -> tuple[Prescription, _Dose, _Note]:
        """Carry out progress / hold / regress on the dose (or the exercise, on a ladder)."""
        action, rule, reason = verdict
        lim = _limits(base.scheme, unit)
        inc = self._increment(base.exercise)
        if action == "progress":
            if unit == "contacts":
                step = self._plyo_up(base, dose, day, track)
            else:
                step = _step_up(dose, lim, unit, inc, self._first_load(inc))
            if not step.moved:
                return base, step.dose, ("hold", rule, f"{reason}, but {step.text}.")
            return base, step.dose, (action, rule, f"{reason}, so {step.text}.")
        if action != "regress":
            return base, dose, (action, rule, f"{reason}, so the dose stays.")
        swapped = self._ladder_regression(base) if may_swap else None
        if swapped is not None:
            name = swapped.exercise.replace("-", " ")
            return (
                swapped,
                _dose_of(swapped, _unit(swapped) or unit),
                (action, rule, f"{reason}, so the soleus ladder steps back to {name} (R-PROG-3)."),
            )
        if unit == "contacts":
            total = min(_total(dose), max(PLYO_MIN_TOTAL, _total(dose) - rules.PLYO_WEEKLY_STEP))
            new = _spread_total(dose, total, dose.amount)
            step = _Step(new, f"contacts come down to {_total(new)} a session", True)
        else:
            step = _step_down(dose, lim, unit, inc)
        return base, step.dose, (action, rule, f"{reason}, so {step.text}.")

    # -------------------------------------------------------------- evidence

    def _track(self, rx: Prescription, unit: Amount, day: dt.date) -> tuple[_Outcome, bool] | None:
        """The latest non-deload exposure of this exercise and scheme before ``day``, judged;
        and whether the one before it failed too."""
        outcomes: list[_Outcome] = []
        for date in reversed(self._dates_before(rx.exercise, day)):
            if self._deload_on(date):
                continue
            outcome = self._outcome(rx, unit, date)
            if outcome is not None:
                outcomes.append(outcome)
                if len(outcomes) == 2:
                    break
        if not outcomes:
            return None
        return outcomes[0], len(outcomes) > 1 and outcomes[1].failed

    def _outcome(self, rx: Prescription, unit: Amount, date: dt.date) -> _Outcome | None:
        """How the logged sets of ``rx``'s exercise and scheme on ``date`` went."""
        planned = self._planned_on(date, rx.exercise, rx.scheme)
        same = planned if planned is not None and planned.scheme == rx.scheme else None
        sets = [
            s
            for s in self.sets_by[rx.exercise][date]
            if getattr(s, unit) is not None
            and (s.scheme == rx.scheme if s.scheme is not None else planned is None or same)
        ]
        if not sets:
            return None
        done = [float(getattr(s, unit)) for s in sets]
        targets = [_planned_amount(s, unit, same) for s in sets]
        wanted = [t if t is not None else d for t, d in zip(targets, done, strict=True)]
        sets_logged = len({s.set_number for s in sets})
        planned_sets = same.sets if same is not None else sets_logged
        rpes = [s.rpe for s in sets if s.rpe is not None]
        return _Outcome(
            date=date,
            reference=_Dose(planned_sets, min(wanted), _lifted(sets, same)),
            reached=all(d >= w for d, w in zip(done, wanted, strict=True))
            and sets_logged >= planned_sets,
            failed_reps=any(d < w for d, w in zip(done, wanted, strict=True)),
            hard=any(r >= HARD_RPE for r in rpes),
            max_rpe=max(rpes) if rpes else None,
            sets_logged=sets_logged,
        )

    def _judge(self, outcome: _Outcome, previous_failed: bool, unit: Amount) -> _Note:
        """R-PROG-2/4/6: progress, hold or regress from how the last exposure went."""
        when = outcome.date.isoformat()
        if outcome.failed:
            what = (
                f"RPE {outcome.max_rpe} on {when}"
                if outcome.hard
                else f"some sets fell short of the planned dose on {when}"
            )
            if previous_failed:
                return ("regress", "R-PROG-6", f"{what}, the second hard session in a row")
            return ("hold", "R-PROG-6", f"{what} (failed reps or RPE 9-10)")
        if not outcome.reached:
            return (
                "hold",
                "R-PROG-2",
                f"not every planned set was logged at the planned dose on {when}",
            )
        ref = outcome.reference
        effort = f" at RPE {outcome.max_rpe}" if outcome.max_rpe is not None else ""
        rule = "R-PROG-4" if unit == "contacts" else "R-PROG-2"
        return (
            "progress",
            rule,
            f"{_all_sets(ref.sets)} reached {_amount_text(ref.amount, unit)}{effort} on {when}",
        )

    def _pain_verdict(self, exercise: str, day: dt.date) -> _Note | None:
        """R-PAIN-1/2: pain at the latest exposure of the exercise (any scheme) before day."""
        dates = self._dates_before(exercise, day)
        if not dates:
            return None
        pains = [s.pain for s in self.sets_by[exercise][dates[-1]] if s.pain is not None]
        if not pains:
            return None
        worst = max(pains)
        when = dates[-1].isoformat()
        if worst > self.limit:
            return (
                "regress",
                "R-PAIN-2",
                f"pain reached {worst}/10 on {when}, above the {self.limit}/10 limit: stop this "
                "exercise when it hurts that much",
            )
        if worst > rules.PAIN_SAFE_MAX:
            return (
                "hold",
                "R-PAIN-2",
                f"pain reached {worst}/10 on {when}: acceptable, but progress only at 0-"
                f"{rules.PAIN_SAFE_MAX}/10",
            )
        return None

    def _missed_week(self, day: dt.date) -> str | None:
        """R-PROG-6: 7+ days without training before ``day`` while sessions were planned.

        Only the past counts as missed: planned sessions after ``today`` may still be done.
        With nothing logged before ``day`` there is no evidence, and no change.
        """
        last = _latest_before(self.log_dates, day)
        if last is None:
            return None
        horizon = min(day, self.today)
        if (horizon - last).days < MISSED_DAYS:
            return None
        start = bisect.bisect_right(self.plan_dates, last)
        if start >= len(self.plan_dates) or self.plan_dates[start] >= horizon:
            return None
        return (
            f"nothing was logged for {(horizon - last).days} days (since {last.isoformat()}) "
            "while sessions were planned: a missed week restarts one step lower"
        )

    def _morning_rise(self, day: dt.date) -> tuple[CheckIn, float] | None:
        """R-PAIN-2: the latest check-in since the previous session, if 2+ above usual."""
        previous = _latest_before(self.plan_dates, day)
        window = [
            c for c in self.checkins if c.date <= day and (previous is None or c.date > previous)
        ]
        if not window:
            return None
        checkin = window[-1]
        usual = usual_pain(self.checkins, checkin.date)
        if usual is None or checkin.pain < usual + rules.PAIN_MORNING_RISE:
            return None
        return checkin, usual

    def _reduce_rx(
        self, rx: Prescription, morning: tuple[CheckIn, float]
    ) -> tuple[Prescription, _Note]:
        checkin, usual = morning
        unit = _unit(rx)
        reason = (
            f"morning pain {checkin.pain}/10 on {checkin.date.isoformat()} is "
            f"{rules.PAIN_MORNING_RISE} or more above your usual {_num(usual)}/10"
        )
        if unit is None:
            return rx, ("hold", "R-PAIN-2", f"{reason}; go easy.")
        lim = _limits(rx.scheme, unit)
        step = _reduce(_dose_of(rx, unit), lim, unit, self._increment(rx.exercise))
        action: Action = "reduce" if step.moved else "hold"
        return self._with_dose(rx, unit, step.dose), (
            action,
            "R-PAIN-2",
            f"{reason}, so {step.text}.",
        )

    # -------------------------------------------------------------- plyometrics

    def _plyo_gate(self, day: dt.date) -> tuple[str, str] | None:
        """R-PAIN-3/4: the complaint and its clearance, or None when plyometrics may go on."""
        complaints = self.profile.complaints
        if "achilles" in complaints and self._cleared_heel_raises(day, rules.PAIN_SAFE_MAX) is None:
            return "R-PAIN-3", (
                "Achilles complaint: no plyometrics until 3x15 single-leg heel raises are "
                f"logged at pain <= {rules.PAIN_SAFE_MAX}/10."
            )
        if (
            "calf_strain" in complaints
            and self._cleared_heel_raises(day, rules.PAIN_STRICT_MAX) is None
        ):
            return "R-PAIN-4", (
                "calf strain: no plyometrics until 3x15 single-leg heel raises are logged at "
                f"pain <= {rules.PAIN_STRICT_MAX}/10."
            )
        if "shin" in complaints and self._cleared_hops(day) is None:
            return "R-PAIN-4", (
                "shin pain: no plyometrics until pain-free single-leg hops are logged; then "
                "the light band only."
            )
        return None

    def _cleared_heel_raises(self, day: dt.date, max_pain: int) -> dt.date | None:
        """The first date before ``day`` with 3x15 single-leg heel raises on each leg at pain
        <= ``max_pain`` (pain must be logged)."""
        by_date: dict[dt.date, dict[str, int]] = {}
        for exercise in CLEARANCE_EXERCISES:
            for date in self._dates_before(exercise, day):
                counts = by_date.setdefault(date, {"left": 0, "right": 0})
                for s in self.sets_by[exercise][date]:
                    if (
                        s.reps is not None
                        and s.reps >= rules.PLYO_CLEARANCE_REPS
                        and s.pain is not None
                        and s.pain <= max_pain
                    ):
                        for side in ("left", "right") if s.side == "both" else (s.side,):
                            counts[side] += 1
        for date in sorted(by_date):
            if min(by_date[date].values()) >= rules.PLYO_CLEARANCE_SETS:
                return date
        return None

    def _cleared_hops(self, day: dt.date) -> dt.date | None:
        for date in self._dates_before(SHIN_CLEARANCE_EXERCISE, day):
            sets = self.sets_by[SHIN_CLEARANCE_EXERCISE][date]
            if sets and all(s.pain == 0 for s in sets):
                return date
        return None

    def _plyo_up(
        self,
        rx: Prescription,
        dose: _Dose,
        day: dt.date,
        track: tuple[_Outcome, bool] | None,
    ) -> _Step:
        """R-PROG-4: +20 contacts a session, once a plan week, up to the level ceiling."""
        last = track[0].date if track is not None else day
        if self._week(day) <= self._week(last):
            return _Step(dose, "contacts rise at most once a week (R-PROG-4)", False)
        ceiling = rules.PLYO_CEILING[self.profile.level]
        total = min(ceiling, _total(dose) + rules.PLYO_WEEKLY_STEP)
        if total <= _total(dose):
            return _Step(dose, f"contacts are at the {ceiling} ceiling for your level", False)
        new = _spread_total(dose, total, self._per_set_cap(rx, dose))
        return _Step(
            new, f"contacts go up to {_total(new)} a session ({_plyo_band(_total(new))})", True
        )

    def _cap_plyometrics(
        self,
        session: Session,
        prescriptions: list[Prescription],
        last: tuple[dt.date, int] | None,
        decisions: list[Decision],
    ) -> list[Prescription]:
        """R-PROG-4/4a, R-PAIN-4: cap a session's contacts (level ceiling, +20 on the last
        plyometric session, light band for novices in weeks 1-2 and after shin pain)."""
        total = _plyo_contacts(prescriptions)
        if not total:
            return prescriptions
        cap, why = self._plyo_cap(session, last)
        if total <= cap:
            return prescriptions
        out: list[Prescription] = []
        room = cap
        for rx in prescriptions:
            if rx.scheme != "plyometric" or rx.contacts is None:
                out.append(rx)
                continue
            dose = _dose_of(rx, "contacts")
            allowed = min(_total(dose), room)
            if allowed <= 0:
                decisions.append(
                    Decision(rx.exercise, session.date, "stop", "R-PROG-4", _sentence(why))
                )
                continue
            room -= allowed
            if allowed < _total(dose):
                dose = _spread_total(dose, allowed, dose.amount)
                note: _Note = ("reduce", "R-PROG-4", _sentence(f"{why}: {allowed} contacts"))
                decisions.append(Decision(rx.exercise, session.date, "reduce", "R-PROG-4", note[2]))
                rx = _prepend(self._with_dose(rx, "contacts", dose), note)
            out.append(rx)
        return out

    def _plyo_cap(self, session: Session, last: tuple[dt.date, int] | None) -> tuple[int, str]:
        level = self.profile.level
        caps = [(rules.PLYO_CEILING[level], f"the {level} ceiling")]
        if level == "novice" and session.week <= rules.NOVICE_LIGHT_ONLY_WEEKS:
            caps.append((rules.PLYO_LIGHT_MAX, "light plyometrics in a novice's first weeks"))
        complaints = self.profile.complaints
        if "shin" in complaints:
            caps.append((rules.PLYO_LIGHT_MAX, "the light band only after shin pain (R-PAIN-4)"))
        cleared = self._clearance_date(complaints, session.date)
        if last is not None and (cleared is None or last[0] > cleared):
            caps.append(
                (
                    last[1] + rules.PLYO_WEEKLY_STEP,
                    "at most 20 more than the last plyometric session",
                )
            )
        elif cleared is not None:
            caps.append((rules.PLYO_START[level], "a light restart after the clearance"))
        cap, why = min(caps)
        return cap, f"contacts capped by {why}"

    def _clearance_date(self, complaints: frozenset[Complaint], day: dt.date) -> dt.date | None:
        dates = []
        if "achilles" in complaints:
            dates.append(self._cleared_heel_raises(day, rules.PAIN_SAFE_MAX))
        if "calf_strain" in complaints:
            dates.append(self._cleared_heel_raises(day, rules.PAIN_STRICT_MAX))
        if "shin" in complaints:
            dates.append(self._cleared_hops(day))
        known = [d for d in dates if d is not None]
        return max(known) if known and len(known) == len(dates) else None

    def _per_set_cap(self, rx: Prescription, dose: _Dose) -> float:
        """The contacts of one short bout (R-SCH-3a: 8-10 s)."""
        ex = self._exercise(rx.exercise)
        if ex is not None and ex.contacts_per_minute:
            return max(2, ex.contacts_per_minute * rules.PLYO_MAX_SET_SECONDS // 60)
        return max(dose.amount, float(rx.contacts or 1))

    # -------------------------------------------------------------- the soleus ladder

    def _climb(self, ex: Exercise, day: dt.date) -> tuple[Exercise, str]:
        """R-PROG-3: from ``ex``, each step whose top dose was logged at pain <= 3 passes."""
        current = ex
        passed: list[str] = []
        while True:
            nxt = self._next_step(current)
            if nxt is None or nxt.id == ex.id or not self._passed_top(current, day):
                break
            passed.append(current.id.replace("-", " "))
            current = nxt
        text = (
            f"the top dose of {', then '.join(passed)} was done at pain <= "
            f"{min(rules.PAIN_SAFE_MAX, self.limit)}/10, so the soleus ladder moves on to "
            f"{current.id.replace('-', ' ')} (step {current.ladder_step})."
        )
        return current, text

    def _passed_top(self, ex: Exercise, day: dt.date) -> bool:
        """The latest non-heavy exposure of ``ex`` before ``day`` reached the top of its band
        on every set, with enough sets, at pain <= 3 (R-PROG-3; <= 2 under R-PAIN-2a)."""
        field = _FIELD[ex.unit]
        lim = _limits(self._ladder_scheme(ex, None), field)
        if lim.amount is None:
            return False
        for date in reversed(self._dates_before(ex.id, day)):
            sets = [s for s in self.sets_by[ex.id][date] if s.scheme != "heavy"]
            if not sets:
                continue
            pain_ok = all((s.pain or 0) <= min(rules.PAIN_SAFE_MAX, self.limit) for s in sets)
            amounts = [getattr(s, field) for s in sets]
            reached = all(a is not None and a >= lim.amount[1] for a in amounts)
            enough = len({s.set_number for s in sets}) >= (lim.sets[0] if lim.sets else 1)
            return pain_ok and reached and enough
        return False

    def _next_step(self, ex: Exercise) -> Exercise | None:
        if self.catalog is None or ex.ladder is None or ex.ladder_step is None:
            return None
        for step in self.catalog.ladder(ex.ladder):
            if step.ladder_step == ex.ladder_step + 1:
                return step if self._usable(step) else None
        return None

    def _ladder_regression(self, rx: Prescription) -> Prescription | None:
        """On a ladder (not heavy, not rehab): the exercise's first regression, if usable."""
        ex = self._exercise(rx.exercise)
        if ex is None or ex.ladder is None or rx.scheme in ("heavy", "rehab") or not ex.regressions:
            return None
        lower = self._exercise(ex.regressions[0])
        if lower is None or not self._usable(lower):
            return None
        return self._start_rx(lower, rx)

    def _ladder_scheme(self, ex: Exercise, old: Scheme | None) -> Scheme:
        if ex.unit in ("seconds", "distance"):
            return "isometric" if "isometric" in ex.schemes else ex.schemes[0]
        if old is not None and old in ex.schemes and old != "isometric":
            return old
        return "light" if "light" in ex.schemes else ex.schemes[0]

    def _start_rx(self, ex: Exercise, old: Prescription) -> Prescription:
        """The bottom dose of a (new) ladder step, inside its scheme band."""
        scheme = self._ladder_scheme(ex, old.scheme)
        field = _FIELD[ex.unit]
        lim = _limits(scheme, field)
        d = ex.default_dose
        dose = _clamp(_Dose(d.sets, float(getattr(d, field) or 1), None), lim)
        if lim.amount is not None:
            dose = replace(dose, amount=lim.amount[0])
        rx = Prescription(
            ex.id,
            scheme,
            dose.sets,
            per_side=ex.unilateral,
            rest_seconds=rules.REST_SECONDS[scheme],
            tempo=old.tempo if scheme == old.scheme else None,
            why=ex.why,
            rule="R-PROG-3",
        )
        return self._with_dose(rx, field, dose)

    # -------------------------------------------------------------- look-ups

    def _exercise(self, exercise_id: str) -> Exercise | None:
        if self.catalog is None or exercise_id not in self.catalog:
            return None
        return self.catalog.get(exercise_id)

    def _usable(self, ex: Exercise) -> bool:
        return set(ex.equipment) <= self.profile.equipment

    def _increment(self, exercise_id: str) -> float | None:
        """The load step of the athlete's equipment for this exercise (R-PROG-2)."""
        have = self.profile.equipment
        ex = self._exercise(exercise_id)
        if ex is not None:
            machines = [e for e in ex.equipment if e in rules.LOAD_INCREMENT_KG]
            if machines:
                return rules.LOAD_INCREMENT_KG[machines[0]]
            usable = [
                rules.LOAD_INCREMENT_KG[e]
                for e in ex.load_with
                if e in have and e in rules.LOAD_INCREMENT_KG
            ]
            return min(usable) if usable else None
        usable = [rules.LOAD_INCREMENT_KG[e] for e in have if e in rules.LOAD_INCREMENT_KG]
        return max(usable) if usable else None

    def _first_load(self, inc: float | None) -> float | None:
        """R-PROG-1: the first added load, 5 % of body mass but at least the load at which
        one increment is a 10 % step, so that ``rules.next_load`` can climb from it."""
        if inc is None:
            return None
        mass = self.profile.body_mass_kg or 0.0
        return rules.round_to_increment(
            max(mass * rules.LOAD_STEP_DEFAULT, inc / rules.LOAD_STEP_MAX), inc
        )

    def _dates_before(self, exercise: str, day: dt.date) -> list[dt.date]:
        dates = self.ex_dates.get(exercise, [])
        return dates[: bisect.bisect_left(dates, day)]

    def _planned_on(self, date: dt.date, exercise: str, scheme: Scheme) -> Prescription | None:
        """The (adapted) plan's prescription of the exercise on a past date, if any."""
        fallback = None
        for session in self.out.get(date, ()):
            for rx in session.exercises:
                if rx.exercise == exercise:
                    if rx.scheme == scheme:
                        return rx
                    fallback = fallback or rx
        return fallback

    def _deload_on(self, date: dt.date) -> bool:
        return any(s.deload for s in self.out.get(date, ()))

    def _week(self, date: dt.date) -> int:
        return (date - self.plan.start).days // 7 + 1

    def _with_dose(self, rx: Prescription, unit: Amount, dose: _Dose) -> Prescription:
        amount = round(dose.amount, 2) if unit == "distance_m" else int(round(dose.amount))
        changes: dict[str, object] = {"sets": dose.sets, unit: amount, "added_load_kg": dose.load}
        if unit == "contacts" and rx.seconds is not None:
            ex = self._exercise(rx.exercise)
            if ex is not None and ex.contacts_per_minute:
                changes["seconds"] = max(1, round(int(amount) * 60 / ex.contacts_per_minute))
            elif rx.contacts:
                changes["seconds"] = max(1, round(rx.seconds * int(amount) / rx.contacts))
        return replace(rx, **changes)  # type: ignore[arg-type]


# ------------------------------------------------------------------ module helpers


def _amount_of(rx: Prescription, unit: Amount) -> float:
    value = getattr(rx, unit)
    return float(value) if value is not None else 0.0


def _dose_of(rx: Prescription, unit: Amount) -> _Dose:
    return _Dose(rx.sets, _amount_of(rx, unit), rx.added_load_kg or None)


def _lifted(sets: Sequence[LoggedSet], planned: Prescription | None) -> float | None:
    """The load actually lifted (the lowest logged), else the planned load."""
    loads = [s.load_kg for s in sets if s.load_kg is not None]
    if not loads:
        loads = [s.planned_load_kg for s in sets if s.planned_load_kg is not None]
    if not loads and planned is not None and planned.added_load_kg is not None:
        loads = [planned.added_load_kg]
    return (min(loads) or None) if loads else None


def _planned_amount(s: LoggedSet, unit: Amount, planned: Prescription | None) -> float | None:
    value = getattr(s, f"planned_{unit}")
    if value is not None:
        return float(value)
    if planned is not None and getattr(planned, unit) is not None:
        return float(getattr(planned, unit))
    return None


def _plyo_contacts(prescriptions: Sequence[Prescription]) -> int:
    return sum((rx.contacts or 0) * rx.sets for rx in prescriptions if rx.scheme == "plyometric")


def _plyo_band(total: int) -> str:
    """R-SCH-3a band of a session's contacts."""
    if total <= rules.PLYO_LIGHT_MAX:
        return "light band"
    return "moderate band" if total in rules.PLYO_MODERATE else "heavy band"


def _latest_before(dates: Sequence[dt.date], day: dt.date) -> dt.date | None:
    index = bisect.bisect_left(dates, day)
    return dates[index - 1] if index else None


def _explained(old: Prescription, new: Prescription, notes: Sequence[_Note]) -> Prescription:
    """``why`` begins with the rules applied; the planner's own progression claims go."""
    if not notes:
        return new
    lead = " ".join(f"{rule}: {_sentence(text)}" for _action, rule, text in notes)
    if new.exercise != old.exercise:
        rest = new.why
    else:
        claims = _PLANNER_CLAIMS_DELOAD if "R-PROG-5" in lead else _PLANNER_CLAIMS
        rest = claims.sub("", old.why)
    return replace(new, why=f"{lead} {rest}".strip(), rule=notes[0][1])


def _prepend(rx: Prescription, note: _Note) -> Prescription:
    """A further rule in front of an already explained prescription."""
    return replace(rx, why=f"{note[1]}: {_sentence(note[2])} {rx.why}".strip(), rule=note[1])


def _all_sets(count: int) -> str:
    return {1: "the set", 2: "both sets"}.get(count, f"all {count} sets")


def _sentence(text: str) -> str:
    text = text.strip()
    text = text[:1].upper() + text[1:]
    return text if text.endswith(".") else text + "."
