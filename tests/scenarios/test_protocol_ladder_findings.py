"""A clinician's review of the Achilles heavy slow resistance protocol (R-PAIN-3, R-PAIN-5):
the step to a heavier RM, a missing check-in, and the ladder through held weeks. Each history is
the one the reviewer lived through the CLI (``calfcoach today`` is the forward walk with the log
so far, ``today`` the day asked)."""

from __future__ import annotations

import datetime as dt

from calfcoach.core.engine import build_plan, walk
from calfcoach.core.models import CheckIn, LoggedSet, Profile, Session, TrainingLog
from tests.sim import CATALOG

START = dt.date(2026, 9, 7)  # a Monday
HSR = ("heavy-slow-heel-raise", "heavy-slow-bent-knee-heel-raise")


def profile_a(**more: object) -> Profile:
    data: dict[str, object] = {
        "name": "HistB",
        "sex": "male",
        "birth_year": 1978,
        "body_mass_kg": 80.0,
        "level": "intermediate",
        "equipment": ["dumbbell", "step", "band", "towel", "jump_rope"],
        "free_days": ["mon", "wed", "fri", "sat"],
        "runs": [
            {"day": "tue", "kind": "hard"},
            {"day": "thu", "kind": "easy"},
            {"day": "sun", "kind": "long"},
        ],
        "races": [],
        "complaints": ["achilles"],
        "usual_pain": 2,
        "units": "metric",
    }
    return Profile.model_validate({**data, **more})


def _sets(day: dt.date, reps: int, load: float, rpe: int, pain: int) -> tuple[LoggedSet, ...]:
    return tuple(
        LoggedSet(day, ex, n, reps=reps, load_kg=load, rpe=rpe, pain=pain)
        for ex in HSR
        for n in (1, 2, 3)
    )


def history_h(*, checkins: bool = True) -> TrainingLog:
    """History H: load-finding on 09-07 (15 reps at 0/6/12 kg, RPE 5/7/9, pain 1/2/3), then
    3 x 15 at +12 kg, RPE 8, pain 2 on 09-09 and 09-11; check-ins of 2 on 09-08, -10, -12."""
    ramp = tuple(
        LoggedSet(START, ex, n, reps=15, load_kg=load, rpe=rpe, pain=pain)
        for ex in HSR
        for n, load, rpe, pain in ((1, 0.0, 5, 1), (2, 6.0, 7, 2), (3, 12.0, 9, 3))
    )
    sets = ramp + _sets(dt.date(2026, 9, 9), 15, 12.0, 8, 2)
    sets += _sets(dt.date(2026, 9, 11), 15, 12.0, 8, 2)
    cks = tuple(CheckIn(dt.date(2026, 9, d), 2, 1) for d in (8, 10, 12)) if checkins else ()
    return TrainingLog(sets=sets, checkins=cks)


def session_on(p: Profile, log: TrainingLog, day: dt.date) -> Session:
    plan = walk(p, CATALOG, START, 12, log=log, today=day).plan
    return next(s for s in plan.sessions if s.date == day)


def _protocol(s: Session) -> list:
    return [rx for rx in s.exercises if rx.exercise in HSR]


def test_a_heavier_rm_step_keeps_the_load_15_reps_on_15rm_earned_R_PROG_6_R_PAIN_5():
    """15 reps logged on a 15RM prescription (its top is 17) earn no load step; the step to
    12RM keeps the load (D-176), with one reason, not two contradicting ones."""
    s = session_on(profile_a(), history_h(), dt.date(2026, 9, 14))
    blocks = _protocol(s)
    assert len(blocks) == 2
    for rx in blocks:
        assert rx.reps == 12 and rx.sets == 3, rx
        assert rx.added_load_kg == 12.0, rx
        text = " ".join(r.text for r in rx.reasons)
        assert "moves from 15RM to 12RM" in text
        assert "load goes up" not in text, text


def test_a_heavier_rm_step_takes_a_load_step_17_reps_on_15rm_earned_R_PROG_2():
    """17 reps (15RM's target + 2) at RPE 8 and pain 2 did earn a load step: it is taken."""
    log = history_h()
    log = TrainingLog(
        sets=tuple(s for s in log.sets if s.date != dt.date(2026, 9, 11))
        + _sets(dt.date(2026, 9, 11), 17, 12.0, 8, 2),
        checkins=log.checkins,
    )
    s = session_on(profile_a(), log, dt.date(2026, 9, 14))
    for rx in _protocol(s):
        assert rx.reps == 12 and (rx.added_load_kg or 0) > 12.0, rx
        text = " ".join(r.text for r in rx.reasons)
        assert "17 reps" in text and "15RM" in text, text
        assert "with the load you had" not in text, text


def test_no_check_in_for_9_days_holds_the_dose_says_so_and_asks_for_one_R_PAIN_2():
    """History H without check-ins, then 3 x 14 at +12 kg, RPE 7, pain 1 on 09-14: on 09-16 the
    dose holds because no check-in came (R-PAIN-2), never "the morning after was more than 1
    above your usual pain" (there was no morning), and the session asks for a check-in."""
    log = history_h(checkins=False)
    log = TrainingLog(sets=log.sets + _sets(dt.date(2026, 9, 14), 14, 12.0, 7, 1))
    day = dt.date(2026, 9, 16)
    s = session_on(profile_a(), log, day)
    assert s.advice and "no check-in for 9 days" in s.advice.lower(), s.advice
    assert "record" in s.advice and "R-PAIN-2" in s.advice
    for rx in _protocol(s):
        assert rx.reps == 12 and rx.added_load_kg == 12.0, rx
        text = " ".join(r.text for r in rx.reasons)
        assert "more than 1 above your usual" not in text, text
        assert "above your usual" not in text, text
        held = [r for r in rx.reasons if "no check-in for 9 days" in r.text.lower()]
        assert held and held[0].rule == "R-PAIN-2", text


def test_a_check_in_not_yet_recorded_after_a_session_is_not_called_a_painful_morning_R_PROG_6():
    """With the last check-in 2 days old, the session after one not yet followed by a check-in
    holds for the missing value (R-PROG-6), not for a morning above usual + 1."""
    log = history_h()
    log = TrainingLog(
        sets=log.sets + _sets(dt.date(2026, 9, 14), 14, 12.0, 7, 1),
        checkins=log.checkins + (CheckIn(dt.date(2026, 9, 13), 2, 1),),
    )
    s = session_on(profile_a(), log, dt.date(2026, 9, 16))
    assert not s.advice
    for rx in _protocol(s):
        text = " ".join(r.text for r in rx.reasons)
        assert "above your usual" not in text, text
        assert "no check-in since the session of 2026-09-14" in text.lower(), text


def test_a_lighter_week_then_race_week_do_not_skip_achilles_10rm_R_PAIN_3_R_PAIN_5():
    """Achy Mid: week 4 (lighter) and week 5 (race week) hold 3x12RM (D-153, D-139); the
    step after them is 4x10RM, the one after the last given, never 4x8RM (a skipped step)."""
    p = profile_a(name="Achy Mid", races=[{"date": "2027-01-10", "distance_km": 21.1}])
    plan = build_plan(p, CATALOG, dt.date(2026, 12, 7), 8)
    given = [
        (s.week, rx.reps)
        for s in plan.sessions
        if s.status == "planned"
        for rx in s.exercises
        if rx.exercise == HSR[0]
    ]
    by_week = {w: sorted({r for ww, r in given if ww == w}) for w, _ in given}
    assert by_week[4] == [12] and by_week[5] == [12], by_week
    first_after = next(r for w, r in given if w > 5)
    assert first_after == 10, given
    ladder = [15, 12, 10, 8, 6]
    steps = [r for _, r in given]
    for a, b in zip(steps, steps[1:], strict=False):
        assert ladder.index(b) <= ladder.index(a) + 1, steps
