"""The safety layer's public calls (R-PAIN-2, 2a, 2b, 3, 4, R-TEST-5).

`assess` (a `DaySafety` for a day and the `SafetyState` to resume from), `usual_pain`
(R-PAIN-2) and `hop_test_passed` (R-TEST-5), and the assembly of a `DaySafety` from the fold:
the usual and the pain limit (R-PAIN-2), the stop (R-PAIN-2a red flags and the shin referral,
R-PAIN-2b pain stops), the flare and the morning response (R-PAIN-2, R-PAIN-2b), the gate
(R-PAIN-3, R-PAIN-4) and closed complaints (R-PAIN-4).
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import replace

from calfcoach.core import rules
from calfcoach.core.models import CheckIn, Profile, Race, Reason, TrainingLog
from calfcoach.core.safety import gates
from calfcoach.core.safety.fold import DAY, Fold, advance, context
from calfcoach.core.safety.model import DaySafety, Flare, Morning, SafetyState, Stop

__all__ = ["assess", "hop_test_passed", "usual_pain"]

_FLAG_WORDS: dict[str, str] = {
    "pop": "a pop or sudden pain",
    "swelling": "calf swelling",
    "warmth": "warmth",
    "redness": "redness",
    "cant_rise": "not being able to walk normally or rise on the toes",
    "night_pain": "pain at night",
    "rest_pain": "pain at rest",
    "bone_spot": "pain on one spot of a bone",
    "worse_during_run": "pain that grows through a run",
    "numbness": "numbness, tingling or weakness in the foot",
}


def assess(
    profile: Profile,
    log: TrainingLog,
    day: dt.date,
    *,
    clearance_exercises: frozenset[str],
    races: Sequence[Race] = (),
    state: SafetyState | None = None,
    strain_step: int = 1,
) -> tuple[DaySafety, SafetyState]:
    """DaySafety for ``day``. With ``state`` (returned by the call for an earlier day) only the
    evidence after that state's day is read. Calls are made with non-decreasing ``day``.

    ``races`` are added to the profile's races. ``strain_step`` is the calf-strain ladder step
    reached (R-PAIN-4), which the engine tracks."""
    ctx = context(profile, clearance_exercises, races)
    if state is not None and state.through is not None and day < state.through:
        raise ValueError(f"assess: {day} is before the state's day {state.through}")
    fold = Fold(state or SafetyState(), ctx)
    advance(fold, log, day)
    safety = _day_safety(fold, profile, day, strain_step)
    if safety.hop_test[0] and _hop_test_on(log, day):
        # The fold stops at the morning of ``day``; a hop test already logged that day is
        # after it. Offering another the same day would break the 7-day retest (R-TEST-5).
        safety = replace(
            safety,
            hop_test=(
                False,
                f"A hop test was logged today ({day}): retest no sooner than "
                f"{rules.HOP_TEST_RETEST_DAYS} days.",
            ),
        )
    return safety, fold.freeze()


def _hop_test_on(log: TrainingLog, day: dt.date) -> bool:
    at = bisect_left(log.hop_tests, day, key=lambda h: h.date)
    return at < len(log.hop_tests) and log.hop_tests[at].date == day


def usual_pain(profile: Profile, checkins: Sequence[CheckIn], before: dt.date) -> int:
    """The usual morning pain (R-PAIN-2) that judges a check-in dated ``before``, from the
    check-ins dated before it (flare check-ins never count)."""
    earlier = tuple(c for c in checkins if c.date < before)
    fold = Fold(SafetyState(), context(profile, frozenset(), ()))
    advance(fold, TrainingLog(checkins=earlier), before - DAY)
    return fold.usual_for(before)


def hop_test_passed(profile: Profile, log: TrainingLog, day: dt.date) -> dt.date | None:
    """The day the hop test (R-TEST-5) was passed on both legs by evidence before ``day``
    (for shin: with its settled next morning), or None. A flare or a red flag voids it."""
    fold = Fold(SafetyState(), context(profile, frozenset(), ()))
    advance(fold, log, day)
    return gates.hop_passed(fold)


# --------------------------------------------------------------------------- DaySafety


def _day_safety(fold: Fold, profile: Profile, day: dt.date, strain_step: int) -> DaySafety:
    ctx = fold.ctx
    complaints = ctx.complaints
    reasons: list[Reason] = []
    usual = fold.usual_for(day + DAY)
    limit = rules.pain_limit(complaints)
    flare = Flare(fold.flare_start, None) if fold.flare_start is not None else None
    stop = _stop(fold, profile, day)
    if stop is not None:
        reasons.append(Reason(stop.rule, _first_sentence(stop.advice)))
    if limit == rules.PAIN_STRICT_MAX:
        reasons.append(
            Reason(
                "R-PAIN-2a",
                "With a calf strain or shin pain, stop any exercise above 2/10 and watch for a "
                "pop, swelling, night pain or pain on one spot of a bone.",
            )
        )
    if flare is not None:
        reasons.append(
            Reason(
                "R-PAIN-2b",
                f"The flare that started on {flare.start} is on: no dose progresses, calf blocks "
                "become 5 x 30 s mid-range holds, plyometrics stop and the running should ease.",
            )
        )
    morning: Morning = "ok"
    if fold.last_checkin is not None:
        if fold.last_rise >= rules.PAIN_MORNING_RISE:
            consumed = fold.last_set is not None and fold.last_set >= fold.last_checkin
            morning = "hold" if consumed else "one_set_fewer"
        elif fold.last_rise >= rules.MORNING_HOLD_RISE:
            morning = "hold"
        if morning != "ok":
            reasons.append(
                Reason(
                    "R-PAIN-2",
                    f"Morning pain was {fold.last_pain}/10 on {fold.last_checkin}, above your "
                    f"usual {fold.last_usual}/10: "
                    + (
                        "one set fewer this session."
                        if morning == "one_set_fewer"
                        else "every dose holds."
                    ),
                )
            )
    ask = bool(complaints) and (
        fold.last_checkin is None or (day - fold.last_checkin).days >= rules.CHECKIN_MISSING_DAYS
    )
    if ask:
        if morning == "ok":
            morning = "hold"
        reasons.append(
            Reason(
                "R-PAIN-2",
                (
                    "There has been no morning check-in yet"
                    if fold.last_checkin is None
                    else f"There has been no morning check-in for {(day - fold.last_checkin).days}"
                    f" days (the last on {fold.last_checkin})"
                )
                + ": doses hold until you record one.",
            )
        )
    if fold.flare_end is not None and (fold.last_set is None or fold.last_set < fold.flare_end):
        if flare is None and stop is None:
            reasons.append(
                Reason(
                    "R-PAIN-2b",
                    f"The flare that started on {fold.last_flare_start} ended on "
                    f"{fold.flare_end}: the plan restarts one step lower.",
                )
            )
    hop = gates.hop_allowed(fold, day)
    gate = gates.gate(fold, day, strain_step, stop, flare)
    if not gate.open and complaints:
        reasons.append(gate.reason)
    closed = frozenset(complaints) if fold.closed_on is not None else frozenset()
    if closed:
        reasons.append(
            Reason(
                "R-PAIN-4",
                f"The complaint closed on {fold.closed_on} after 4 weeks of morning pain at 1/10 "
                "or less and a symmetric heel-raise test: its protocol runs once a week for 8 "
                "more weeks.",
            )
        )
    return DaySafety(
        day=day,
        usual=usual,
        limit=limit,
        stop=stop,
        flare=flare,
        morning=morning,
        ask_checkin=ask,
        lifted_on=fold.flare_end,
        cleared_on=fold.cleared_on,
        plyo=gate,
        hop_test=hop,
        closed_complaints=closed,
        reasons=tuple(reasons),
        closed_on=fold.closed_on,
        last_checkin=fold.last_checkin,
    )


def _first_sentence(text: str) -> str:
    end = text.find(". ")
    return text if end < 0 else text[: end + 1]


def _stop(fold: Fold, profile: Profile, day: dt.date) -> Stop | None:
    if fold.red_since is not None:
        flags = ", ".join(_FLAG_WORDS.get(f, f) for f in fold.red_flags)
        when = (
            "See a doctor or sports physiotherapist today."
            if fold.red_urgent
            else "See a sports physiotherapist or doctor in the next few days."
        )
        return Stop(
            kind="red_flag",
            since=fold.red_since,
            urgent=fold.red_urgent,
            rule="R-PAIN-2a",
            advice=(
                f"You reported {flags} on {fold.red_since}, a sign that needs a clinician, so the "
                f"plan stops. {when} It restarts at the bottom of its ladder once you record "
                "their clearance."
            ),
        )
    if fold.ctx.referral and fold.cleared_on is None:
        why = (
            "a previous bone stress injury"
            if profile.bone_stress_history
            else "missed or irregular periods"
        )
        return Stop(
            kind="referral",
            since=fold.first_seen or day,
            urgent=False,
            rule="R-PAIN-2a",
            advice=(
                f"Shin pain with {why} can be a bone stress injury, so a doctor or sports "
                "physiotherapist should assess it before any training plan. The plan starts "
                "once you record their clearance."
            ),
        )
    if fold.pain_stop_since is not None:
        start = fold.flare_start or fold.pain_stop_since
        if fold.pain_stop_severe:
            why = f"Morning pain reached 7/10 or more on {fold.pain_stop_since}"
        else:
            why = f"The flare that started on {start} has lasted more than 14 days"
        return Stop(
            kind="pain",
            since=fold.pain_stop_since,
            urgent=False,
            rule="R-PAIN-2b",
            advice=(
                f"{why}, so the plan stops. Ease your running and see a sports physiotherapist "
                "or doctor. The plan restarts one step lower once two check-ins in a row are "
                "back at your usual pain + 1 or less."
            ),
        )
    return None
