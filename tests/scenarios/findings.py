"""Helpers shared by the findings' scenarios (``test_clinical_findings.py``,
``test_physio_review_findings.py``): the week they start on, the athlete they start from and
the words of a prescription's reasons."""

from __future__ import annotations

import datetime as dt

from calfcoach.core.models import Prescription, Profile

MON = dt.date(2026, 1, 5)  # a Monday
DAY = dt.timedelta(days=1)


def profile(**data: object) -> Profile:
    base: dict[str, object] = {
        "level": "intermediate",
        "free_days": ["mon", "wed", "fri"],
        "equipment": ["dumbbell", "step", "towel", "band", "jump_rope"],
        "body_mass_kg": 70,
    }
    return Profile.model_validate({**base, **data})


def texts(rx: Prescription) -> str:
    return " ".join(r.text for r in rx.reasons)
