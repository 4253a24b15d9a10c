"""A prescription's ``why`` is its reasons as "rule: text" joined by spaces (R-WHY), also where
the engine reuses a text it made before (the catalog's reasons, a block's own reasons under a
session's head reasons; D-130)."""

from __future__ import annotations

from calfcoach.core.engine.doses import _why_text, _with_head, _with_reasons
from calfcoach.core.plan_types import Prescription, Reason

HEAD = (Reason("R-PAIN-2a", "Stricter limit."), Reason("R-SCHED-4a", "After a race."))
OWN = (Reason("R-SCH-1", "Light work."), Reason("R-WHY", "Why this exercise."))


def test_a_head_put_before_a_blocks_reasons_gives_the_text_of_all_of_them() -> None:
    rx = _with_reasons(Prescription("heel_raise", "light", 3, reps=12), OWN)
    assert rx.why == "R-SCH-1: Light work. R-WHY: Why this exercise."
    headed = _with_head(rx, HEAD)
    assert headed == _with_reasons(rx, HEAD + OWN)
    assert headed.why == _why_text(HEAD + OWN) and headed.rule == "R-PAIN-2a"
    assert _with_head(rx, ()) == rx
    bare = Prescription("heel_raise", "light", 3, reps=12)
    assert _with_head(bare, HEAD) == _with_reasons(bare, HEAD)
