"""The pain and safety layer (rule sheet v2: R-PAIN-1, 2, 2a, 2b, gates of R-PAIN-3/4, R-TEST-5).

`assess` says what holds for a session on a day: the usual-pain baseline, the during-session
pain limit, a stop (red flag, pain, referral), an ongoing flare, the morning response, the
plyometric gate, whether a hop test is allowed, and which complaints have closed.

It is a fold over the days: for each day ``t`` the morning check-ins and clearances of ``t``
come first (they count for a session on ``t``), then the day's status (time-based rules: the
14-day flare referral, the plantar impact window, closing a complaint), then the sets, hop
tests and capacity tests of ``t`` (they count from ``t + 1``). `SafetyState` is that fold
stopped after the morning of a day, so a later call reads only the evidence after it: the
cost of a call is flat in the length of the history. The log's sequences are in date order
(`TrainingLog`); only the part after the state's day is read (found by bisection).

The package: `model` (the values and `SafetyState`), `fold` (the day-by-day fold: usual pain,
flares, red flags, pain stops), `gates` (plyometric gates, hop tests, closing a complaint) and
`api` (`assess`, `usual_pain`, `hop_test_passed`).
"""

from __future__ import annotations

from calfcoach.core.models import Reason
from calfcoach.core.safety.api import assess, hop_test_passed, usual_pain
from calfcoach.core.safety.model import DaySafety, Flare, Gate, SafetyState, Stop

__all__ = [
    "DaySafety",
    "Flare",
    "Gate",
    "Reason",
    "SafetyState",
    "Stop",
    "assess",
    "hop_test_passed",
    "usual_pain",
]
