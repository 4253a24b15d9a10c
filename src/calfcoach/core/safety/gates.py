"""The plyometric gates of the safety layer (R-PAIN-3, R-PAIN-4, R-TEST-5).

The afternoon of a day in the fold: qualifying heel-raise sets (R-PAIN-3), hop tests
(R-TEST-5, with the shin's next-morning wait) and capacity tests (R-TEST-3 LSI); whether a hop
test is allowed on a day (R-TEST-5); closing a complaint after 4 calm weeks and a symmetric
test (R-PAIN-4); and the gate itself: when plyometrics/impact open and at what cap (R-PAIN-3,
R-PAIN-4, with R-PAIN-2a/2b stops and flares closing it).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

from calfcoach.core import rules
from calfcoach.core.models import ACHILLES_COMPLAINTS, LoggedSet, Reason
from calfcoach.core.races import capacity_test_barred
from calfcoach.core.safety.model import Flare, Gate, Stop

if TYPE_CHECKING:
    from calfcoach.core.safety.fold import Fold

__all__ = [
    "barred_test_day",
    "capacity_tests",
    "gate",
    "hop_allowed",
    "hop_passed",
    "hop_test",
    "may_close",
    "sets_of_day",
]

_COMPLAINT_WORDS: dict[str, str] = {
    "achilles": "Achilles pain",
    "achilles_insertional": "insertional Achilles pain",
    "plantar_heel": "plantar heel pain",
    "calf_strain": "a calf strain",
    "shin": "shin pain",
}


def may_close(fold: Fold, t: dt.date) -> bool:
    if fold.flare_start is not None or fold.red_since is not None:
        return False
    if fold.low_since is None or (t - fold.low_since).days < rules.CLOSE_DAYS - 1:
        return False
    if fold.lsi is None or fold.lsi < rules.SYMMETRY_FLAG_BELOW or fold.lsi_date is None:
        return False
    if (t - fold.lsi_date).days > rules.CLOSE_TEST_MAX_AGE_DAYS:
        return False
    month = fold.window(t, rules.CLOSE_DAYS)
    if any(r[1] > rules.CLOSE_PAIN_MAX or r[2] for r in month):
        return False
    # Every week of the four has a check-in: silence is not "pain <= 1" (D-18).
    weeks = {(t - r[0]).days // 7 for r in month}
    return len(weeks) == rules.CLOSE_DAYS // 7


def barred_test_day(fold: Fold, t: dt.date, what: str = "capacity test") -> str | None:
    """R-TEST-5: why no test of any kind belongs on ``t`` (after the morning check-in): the
    plan stopped, a pain flare, a race's window; None when none of them holds."""
    if fold.red_since is not None or (fold.ctx.referral and fold.cleared_on is None):
        return f"No {what} while the plan is stopped for a clinician's assessment."
    if fold.pain_stop_since is not None or fold.flare_start is not None:
        return "No capacity test during a pain flare."
    return capacity_test_barred(fold.ctx.races, t)


def hop_allowed(fold: Fold, t: dt.date) -> tuple[bool, str]:
    """R-TEST-5: a hop test on ``t`` (after the morning check-in)."""
    barred = barred_test_day(fold, t, "hop test")
    if barred is not None:
        return False, barred
    if fold.hop_last is not None and (t - fold.hop_last).days < rules.HOP_TEST_RETEST_DAYS:
        return False, f"The last hop test was on {fold.hop_last}: retest no sooner than 7 days."
    week = fold.window(t, rules.HOP_TEST_CHECKIN_DAYS)
    if len({r[0] for r in week}) < rules.HOP_TEST_CHECKIN_DAYS:
        return False, "A hop test needs a check-in on each of the last 7 days."
    if any(r[2] for r in week):
        return False, "A red flag was reported in the last 7 days, so no hop test."
    if any(r[1] > rules.HOP_TEST_DAILY_PAIN_MAX for r in week):
        return False, "Morning pain was above 2/10 in the last 7 days, so no hop test yet."
    return True, "A hop test is allowed: 7 days of check-ins at 2/10 or less, no red flag."


def sets_of_day(fold: Fold, t: dt.date, sets: Sequence[LoggedSet]) -> None:
    if not sets:
        return
    if fold.first_seen is None:
        fold.first_seen = t
    fold.last_set = t
    # R-PAIN-3: 3 sets of >= 15 single-leg heel raises at body weight or more, pain <= 3
    # (logged), per leg (a `both` set counts for both); any set that day above 3 voids it.
    count = [0, 0]
    spoiled = [False, False]
    for s in sets:
        legs = (0, 1) if s.side == "both" else ((0,) if s.side == "left" else (1,))
        if s.pain is not None and s.pain > rules.PLYO_CLEARANCE_PAIN_MAX:
            for leg in legs:
                spoiled[leg] = True
        if (
            s.exercise in fold.ctx.clearance
            and s.reps is not None
            and s.reps >= rules.PLYO_CLEARANCE_REPS
            and (s.load_kg is None or s.load_kg >= 0)
            and s.pain is not None
        ):
            for leg in legs:
                count[leg] += 1
    ok = [count[i] >= rules.PLYO_CLEARANCE_SETS and not spoiled[i] for i in (0, 1)]
    if ok[0] or ok[1]:
        fold.ach_pending = (
            t if ok[0] else fold.ach_pending[0],
            t if ok[1] else fold.ach_pending[1],
        )


def hop_test(fold: Fold, t: dt.date, hops: int, pain: int, side: str, allowed: bool) -> None:
    if fold.first_seen is None:
        fold.first_seen = t
    fold.hop_last = t
    if not allowed or hops < rules.HOP_TEST_HOPS or pain > fold.ctx.hop_pass_pain:
        return
    left = side in ("left", "both")
    right = side in ("right", "both")
    if fold.ctx.shin:
        prev = fold.shin_pending_legs if fold.shin_pending == t else (False, False)
        fold.shin_pending = t
        fold.shin_pending_legs = (prev[0] or left, prev[1] or right)
    else:
        fold.hop_pass = (t if left else fold.hop_pass[0], t if right else fold.hop_pass[1])


def capacity_tests(fold: Fold, t: dt.date, lsis: list[float | None], barred: bool) -> None:
    """The heel-raise tests of ``t``'s afternoon: the limb symmetry the gates read (closing a
    complaint, the calf-strain moderate band). ``barred``: R-TEST-5 keeps the day free of tests
    (``barred_test_day``)."""
    if not lsis:
        return
    if fold.first_seen is None:
        fold.first_seen = t
    # R-TEST-3: the latest test day; with two tests that day (knee angles), the lower LSI.
    known = [v for v in lsis if v is not None]
    lsi = min(known) if len(known) == len(lsis) else None
    if barred and (lsi is None or lsi >= rules.SYMMETRY_FLAG_BELOW):
        # D-164: a test R-TEST-5 keeps free (a flare, a race's window, the plan stopped) may
        # hold the gates back (a flagged side) but never opens them nor renews their date.
        return
    fold.lsi = lsi
    fold.lsi_date = t


def hop_passed(fold: Fold) -> dt.date | None:
    left, right = fold.hop_pass
    if left is None or right is None:
        return None
    return max(left, right)


def gate(
    fold: Fold, day: dt.date, strain_step: int, stop: Stop | None, flare: Flare | None
) -> Gate:
    complaints = fold.ctx.complaints
    if stop is not None:
        return Gate(
            False,
            None,
            None,
            False,
            Reason(stop.rule, "Plyometrics are off while the plan is stopped."),
        )
    if flare is not None:
        return Gate(
            False,
            None,
            None,
            False,
            Reason(
                "R-PAIN-2b", f"Plyometrics stop during the flare that started on {flare.start}."
            ),
        )
    hop = hop_passed(fold)
    # R-SCH-3a / R-PAIN-3 / R-TEST-5: with a complaint, single-leg hops only after the hop test.
    hops_ok = not complaints or hop is not None
    opened: list[dt.date] = []
    cap: int | None = None
    for c in sorted(complaints):
        name = _COMPLAINT_WORDS[c]
        if c in ACHILLES_COMPLAINTS:
            left, right = fold.ach_ok
            if left is None or right is None:
                missing = " and ".join(
                    leg for leg, ok in (("left", left), ("right", right)) if ok is None
                )
                return _closed(
                    "R-PAIN-3",
                    f"With {name}, no plyometrics until the {missing} leg logs 3 x 15 single-leg "
                    "heel raises at body weight or more with pain at most 3/10 and the next "
                    "check-in at most usual + 1.",
                )
            opened.append(max(left, right))
        elif c == "plantar_heel":
            if fold.plantar_since is None:
                return _closed(
                    "R-PAIN-4",
                    f"With {name}, no impact until at least 5 check-ins in the last 7 days all "
                    "show first-step pain at most 2/10.",
                )
            opened.append(fold.plantar_since)
        elif c == "shin":
            if hop is None:
                return _closed(
                    "R-PAIN-4",
                    f"With {name}, no plyometrics until the hop test is passed with 0/10 bone "
                    "pain during it and the next morning.",
                )
            opened.append(hop)
            cap = min(cap or rules.PLYO_LIGHT_MAX, rules.PLYO_LIGHT_MAX)
        elif c == "calf_strain":
            if strain_step < rules.CALF_STRAIN_PLYO_STEP:
                return _closed(
                    "R-PAIN-4",
                    f"With {name}, no plyometrics before step 3 of the calf-strain ladder "
                    "(single-leg heel raises) is reached.",
                )
            if hop is None:
                return _closed(
                    "R-PAIN-4",
                    f"With {name}, no plyometrics until the hop test is passed at 2/10 or less.",
                )
            opened.append(hop)
            moderate = fold.lsi is not None and fold.lsi >= rules.SYMMETRY_FLAG_BELOW
            band = rules.PLYO_MODERATE.high if moderate else rules.PLYO_LIGHT_MAX
            cap = band if cap is None else min(cap, band)
    if not opened:
        text = (
            "No complaint gates plyometrics."
            if not complaints
            else "This complaint does not gate plyometrics; single-leg hops wait for the hop test."
        )
        return Gate(True, None, None, hops_ok, Reason("R-PAIN-4", text))
    since = max(opened)
    rule = "R-PAIN-3" if complaints & ACHILLES_COMPLAINTS else "R-PAIN-4"
    text = f"The criteria for plyometrics were met on {since}" + (
        f": at most {cap} contacts a session." if cap is not None else "."
    )
    return Gate(True, since, cap, hops_ok, Reason(rule, text))


def _closed(rule: str, text: str) -> Gate:
    return Gate(False, None, None, False, Reason(rule, text))
