"""R-PAIN-2 / R-HIST (D-232): the "no check-in for N days" sentence counts to the session's own
day. With nothing logged one safety verdict serves every session and keeps the first
session's day, and the sentence counted from it: a session given on its day said "6 days"
where the same session walked later said "4" (found by the simulated athlete in CI)."""

from __future__ import annotations

import datetime as dt
import re

from calfcoach.catalog import load_catalog
from calfcoach.core.engine import walk
from calfcoach.core.models import Profile, TrainingLog

CATALOG = load_catalog()
START = dt.date(2026, 1, 1)
PROFILE = Profile(
    level="novice", free_days=frozenset({"mon", "wed", "fri"}), complaints=frozenset({"achilles"})
)


def test_the_no_check_in_sentence_counts_the_days_to_its_own_session() -> None:
    seen = 0
    for today in (START + dt.timedelta(days=k) for k in range(7, 22)):
        result = walk(PROFILE, CATALOG, START, 4, log=TrainingLog(), today=today)
        for session in result.plan.sessions:
            if session.date > today or session.advice is None:
                continue
            found = re.search(
                r"No check-in for (\d+) days? \(none since the plan started\)", session.advice
            )
            if found is None:
                continue
            seen += 1
            assert int(found[1]) == (session.date - START).days, (
                today,
                session.date,
                session.advice,
            )
    assert seen > 0  # the sentence was met: the check ran
