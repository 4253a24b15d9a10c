"""What the log says about one exposure, and the next dose it calls for.

* ``outcome_of``: logged sets of one exercise on one day, against the dose prescribed that day;
* ``judge``: the next dose of a track from its last outcome (R-PROG-2, R-PROG-6, R-PROG-7,
  R-PAIN-1/2): the logged amounts, not the planned ones, drive the step; a load step needs
  every set at the prescription's top at RPE <= 8 and pain <= 3 (2 for calf strain and shin);
  a missing value holds; failed reps or RPE 9-10 hold, twice in a row step down; pain above the
  limit steps down.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from calfcoach.core import dosing, rules
from calfcoach.core.dosing import Dose
from calfcoach.core.engine.state import Outcome, Track
from calfcoach.core.models import LoggedSet, Reason, Scheme

Action = Literal["progress", "hold", "regress", "found"]


def outcome_of(
    sets: Sequence[LoggedSet], planned: Dose, date: dt.date, *, ramp: bool, pain_limit: int
) -> Outcome:
    """One exposure as logged. For contacts the total counts; for others the smallest set."""
    field = planned.unit
    values = [getattr(s, field) for s in sets]
    done = [float(v) for v in values if v is not None]
    if field == "contacts":
        least: float | None = float(sum(done)) if done else None
    else:
        least = min(done) if done else None
    rpes = [s.rpe for s in sets if s.rpe is not None]
    pains = [s.pain for s in sets if s.pain is not None]
    missing = len(rpes) < len(sets) or len(pains) < len(sets) or len(done) < len(sets)
    numbers = {s.set_number for s in sets}
    found: float | None = None
    if ramp:
        found = _ramp_base(sets, field, planned.amount, pain_limit)
    return Outcome(
        date,
        planned,
        len(numbers),
        least,
        max(rpes) if rpes else None,
        max(pains) if pains else None,
        missing,
        found,
    )


def _ramp_base(
    sets: Sequence[LoggedSet], field: str, target: float, pain_limit: int
) -> float | None:
    """R-PROG-1a: the load-finding ramp climbs set by set and stops at the first set above
    the pain limit, above RPE 9 or short of the target (D-160): a heavier set after that
    stop is not part of the ramp. The last (heaviest) set before the stop within both limits
    is the base; None when there is none. A set missing its RPE or pain is not the base."""
    ok: list[float] = []
    for number in sorted({s.set_number for s in sets}):
        group = [s for s in sets if s.set_number == number]
        if any(
            (s.pain is not None and s.pain > pain_limit)
            or (s.rpe is not None and s.rpe > rules.RAMP_RPE.high)
            or (getattr(s, field) is not None and getattr(s, field) < target)
            for s in group
        ):
            break
        ok += [
            s.load_kg or 0.0
            for s in group
            if getattr(s, field) is not None and s.rpe is not None and s.pain is not None
        ]
    return max(ok) if ok else None


def bare_base(o: Outcome, scheme: Scheme) -> bool:
    """R-PROG-1a: a logged load-finding ramp whose only set within the limits was at body
    weight gives no base for heavy work (it carries a load, R-SCH-2a), nor for rehab when body
    weight left more than 2 reps in reserve (RPE below 8): the load-finding session repeats.
    One reading for every place that turns a ramp into a base (a session, a restart)."""
    if o.projected or o.found_load is None or o.found_load > 0:
        return False
    return scheme == "heavy" or (scheme == "rehab" and (o.max_rpe or 0) < rules.RAMP_RPE.low)


def projected(planned: Dose, date: dt.date, *, ramp: bool) -> Outcome:
    """A session not yet done, assumed done as prescribed (the plan's projection)."""
    amount = dosing.total_contacts(planned) if planned.unit == "contacts" else planned.amount
    found = (planned.load or 0.0) if ramp else None
    return Outcome(date, planned, planned.sets, float(amount), 7, 0, False, found, True)


@dataclass(frozen=True, slots=True)
class Verdict:
    dose: Dose
    action: Action
    reason: Reason | None

    def __init__(self, dose: Dose, action: Action, reason: Reason | None) -> None:
        # Written out: mypyc compiles it to native slot writes (D-130).
        object.__setattr__(self, "dose", dose)
        object.__setattr__(self, "action", action)
        object.__setattr__(self, "reason", reason)


def judge(
    track: Track,
    scheme: Scheme,
    inc: float | None,
    *,
    safe_pain: int,
    stop_pain: int,
    hold_all: Reason | None,
    checkin_ok: bool,
    checkin_missing: bool = False,
) -> Verdict:
    """The next dose of ``track`` from its pending outcome (see the module doc)."""
    o = track.pending
    dose = track.dose
    if o is None:
        return Verdict(dose, "hold", None)
    if o.projected and not o.missing:
        return _progress(track, o, scheme, inc, hold_all, projected=True)
    if o.max_pain is not None and o.max_pain > stop_pain:
        step = dosing.step_down(dose, scheme, inc)
        text = (
            f"pain reached {o.max_pain}/10 on {o.date.isoformat()}, above the {stop_pain}/10 "
            f"limit, so {step.text}"
        )
        track.hard_streak = 0
        return Verdict(step.dose, "regress", dosing.reason("R-PAIN-1", text))
    if o.missing:
        return Verdict(
            dose,
            "hold",
            dosing.reason(
                "R-PROG-6",
                f"RPE, pain or the amount was not logged on every set of {o.date.isoformat()}, "
                "so the dose holds",
            ),
        )
    failed = o.least is None or o.least < o.planned.amount - 1e-9 or o.sets < o.planned.sets
    hard = o.max_rpe is not None and o.max_rpe > rules.RPE_PROGRESS_MAX
    if failed or hard:
        track.hard_streak += 1
        what = "some reps were missed" if failed else f"RPE reached {o.max_rpe}"
        if track.hard_streak >= 2:
            track.hard_streak = 0
            step = dosing.step_down(dose, scheme, inc)
            return Verdict(
                step.dose,
                "regress",
                dosing.reason("R-PROG-6", f"{what} twice in a row, so {step.text}"),
            )
        return Verdict(
            dose,
            "hold",
            dosing.reason("R-PROG-6", f"{what} on {o.date.isoformat()}: the dose holds"),
        )
    track.hard_streak = 0
    if o.max_pain is not None and o.max_pain > safe_pain:
        return Verdict(
            dose,
            "hold",
            dosing.reason(
                "R-PAIN-1",
                f"pain {o.max_pain}/10 is acceptable but not safe (0-{safe_pain}): the dose holds",
            ),
        )
    if not checkin_ok and checkin_missing:
        # R-PROG-6: "where a value is missing, the dose holds": no check-in yet after the
        # exposure. A day-wide hold (R-PAIN-2's 7 days without one, a flare) says it better.
        pain_hold = hold_all is not None and hold_all.rule in ("R-PAIN-2", "R-PAIN-2b")
        return Verdict(
            dose,
            "hold",
            hold_all
            if hold_all is not None and pain_hold
            else dosing.reason(
                "R-PROG-6",
                f"no check-in since the session of {o.date.isoformat()}: with a complaint the "
                "dose holds until the morning after is recorded",
            ),
        )
    if not checkin_ok:
        return Verdict(
            dose,
            "hold",
            dosing.reason(
                "R-PROG-6",
                "the morning after was more than 1 above your usual pain: the dose holds",
            ),
        )
    return _progress(track, o, scheme, inc, hold_all, projected=False)


def _progress(
    track: Track,
    o: Outcome,
    scheme: Scheme,
    inc: float | None,
    hold_all: Reason | None,
    *,
    projected: bool,
) -> Verdict:
    if hold_all is not None:
        return Verdict(track.dose, "hold", hold_all)
    if track.hold_until_full:
        full = o.sets >= o.planned.sets and (o.least or 0) >= o.planned.amount - 1e-9
        if not full:
            return Verdict(
                track.dose,
                "hold",
                dosing.reason(
                    "R-PROG-6",
                    "the dose holds until one full session at the lowered dose is logged",
                ),
            )
        # That session is in: the hold ends with it, and the session after it may progress
        # (so the second session back after a gap never does, R-PROG-6).
        track.hold_until_full = False
        return Verdict(
            track.dose,
            "hold",
            dosing.reason(
                "R-PROG-6",
                "a full session at the lowered dose is logged: the dose holds once more, then "
                "climbs again",
            ),
        )
    dose = track.dose
    if dose.unit == "contacts":
        return Verdict(dose, "hold", None)  # plyometrics step by plan week (plyometrics.py)
    logged = None if projected else o.least
    if not dose.fixed and logged is not None:
        # R-PROG-6: a logged amount over the top of the band counts as the top.
        b = dosing.band(scheme, dose.unit)
        if b.rungs:
            logged = min(logged, b.top)
    if dose.fixed:
        # R-PROG-6, R-PAIN-5: a logged outcome is judged against the prescription it was
        # logged for, not the protocol's next step: 15 reps done on a 15RM day (top 17) earn
        # nothing on the day the ladder moves to 12RM (whose top, 14, they would pass).
        given = o.planned if o.planned.fixed and o.planned.unit == dose.unit else dose
        top = dosing.top_of(given, scheme, inc)
        if projected or (o.least or 0) < top - 1e-9:
            return Verdict(dose, "hold", None)
        step = dosing.step_up(dose, scheme, inc)
        target = f"the target + {int(top - given.amount)}"
        if given.amount != dose.amount:  # the ladder stepped since: name the step logged
            what = f"{int(given.amount)}RM" if dose.unit == "reps" else "logged"
            target = f"the {what} target + {int(top - given.amount)}"
        text = f"every set reached {dosing.amount_text(top, dose.unit)} ({target}), so {step.text}"
        return Verdict(
            step.dose, "progress" if step.moved else "hold", dosing.reason("R-PROG-2", text)
        )
    step = dosing.step_up(dose, scheme, inc, logged)
    if not step.moved:
        return Verdict(dose, "hold", dosing.reason("R-PROG-2", step.text))
    rule = "R-PROG-6" if logged is not None and logged > dose.amount else "R-PROG-2"
    return Verdict(step.dose, "progress", dosing.reason(rule, step.text))


def with_sets(dose: Dose, sets: int) -> Dose:
    return dose.with_sets(sets)


__all__ = ["Action", "Verdict", "judge", "outcome_of", "projected"]
