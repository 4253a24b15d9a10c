"""Issue 6, "What was found": each clinical finding as the situation it describes, asserting
what rule sheet v2 requires there. The histories are lived through with the simulated athlete
(``tests/sim.py``: the engine is asked for each day's session as ``calfcoach today`` does) or
built by hand; the last test runs R-HIST end to end through the CLI on SQLite.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import replace
from pathlib import Path

import pytest
from typer.testing import CliRunner

from calfcoach.core import rules
from calfcoach.core.engine import build_plan, walk
from calfcoach.core.models import (
    CheckIn,
    LoggedSet,
    Prescription,
    Profile,
    Session,
    TrainingLog,
)
from tests.scenarios.findings import DAY, MON, profile, texts
from tests.sim import CATALOG, Flare, behaviour, simulate

AS_PRESCRIBED = behaviour(seed=7, checkin_rate=1.0, calm=1)


def schemes(s: Session) -> set[str]:
    return {rx.scheme for rx in s.exercises}


def contacts(s: Session) -> int:
    return sum((rx.contacts or 0) * rx.sets for rx in s.exercises if rx.scheme == "plyometric")


def session_on(p: Profile, start: dt.date, weeks: int, log: TrainingLog, day: dt.date) -> Session:
    """What ``today`` shows on ``day`` (the forward walk with the log so far)."""
    plan = walk(p, CATALOG, start, weeks, log=log, today=day).plan
    return next(s for s in plan.sessions if s.date == day)


# ------------------------------------------------------------------ past sessions change


def test_past_sessions_are_shown_later_exactly_as_today_gave_them_R_HIST():
    p = profile(complaints=["achilles"])
    behaviour = replace(AS_PRESCRIBED, more_rate=0.3, skip_rate=0.3)
    sim = simulate(p, MON, 6, behaviour)
    final = {s.date: s for s in sim.final}
    changed = [d for d, s in sim.shown.items() if final.get(d) != s]
    assert not changed, f"{len(changed)} of {len(sim.shown)} past sessions differ: {changed}"


# ------------------------------------------------------------------ a flare as the new normal


def test_a_week_of_morning_pain_6_stays_a_flare_and_never_brings_heavy_work_back_R_PAIN_2_2b():
    p = profile(complaints=["achilles"], usual_pain=2)
    behaviour = replace(AS_PRESCRIBED, flares=(Flare(start=14, days=12, rise=4),))  # 6/10
    sim = simulate(p, MON, 6, behaviour)
    flare_days = [d for d in sim.shown if MON + 15 * DAY <= d < MON + 26 * DAY]
    assert flare_days
    for d in flare_days:
        s = sim.shown[d]
        if s.status == "stopped":
            continue
        assert not schemes(s) & {"heavy", "rehab", "plyometric", "light"}, (d, s.title)
        assert s.advice and "running" in s.advice
        assert any(r.rule == "R-PAIN-2b" for rx in s.exercises for r in rx.reasons)


def test_morning_pain_9_stops_the_plan_and_sends_the_athlete_to_a_clinician_R_PAIN_2b():
    p = profile(complaints=["achilles"], usual_pain=2)
    behaviour = replace(AS_PRESCRIBED, flares=(Flare(start=14, days=6, rise=7),))  # 9/10
    sim = simulate(p, MON, 4, behaviour)
    days = [d for d in sim.shown if MON + 14 * DAY <= d < MON + 20 * DAY]
    assert days
    for d in days:
        s = sim.shown[d]
        assert s.status == "stopped" and not s.exercises, (d, s.title)
        assert s.advice and any(w in s.advice for w in ("clinician", "physio", "doctor"))


def test_other_exercises_do_not_progress_during_a_flare_R_PAIN_2b():
    p = profile(complaints=["plantar_heel"], usual_pain=1)
    behaviour = replace(AS_PRESCRIBED, calm=0, flares=(Flare(start=14, days=10, rise=3),))
    sim = simulate(p, MON, 6, behaviour)
    for d in sim.shown:
        if MON + 15 * DAY <= d < MON + 24 * DAY and sim.shown[d].status == "planned":
            for rx in sim.shown[d].exercises:
                assert not any(r.rule.startswith("R-PROG") for r in rx.reasons), (d, rx.exercise)
                assert "added" not in texts(rx) and "goes up" not in texts(rx), (d, texts(rx))


# ------------------------------------------------------------------ races forgotten once run


def test_after_a_race_no_session_in_its_window_then_plyometrics_at_50_contacts_R_SCHED_4a():
    race = MON + 10 * DAY
    p = profile(
        level="advanced",
        free_days=["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
        races=[{"date": race.isoformat(), "distance_km": 10, "name": "City 10k"}],
    )
    sim = simulate(p, MON, 6, AS_PRESCRIBED)
    after = sorted(d for d in sim.shown if d > race)
    assert after and (after[0] - race).days > rules.RACE_RECOVERY_DAYS_SHORT
    first = sim.shown[after[0]]
    assert "City 10k" in " ".join(texts(rx) for rx in first.exercises)
    plyo = [sim.shown[d] for d in after if contacts(sim.shown[d])]
    assert plyo and contacts(plyo[0]) <= rules.POST_RACE_PLYO_CONTACTS


def test_three_days_after_a_marathon_there_is_no_session_then_a_light_week_naming_it_R_SCHED_4a():
    race = MON + 12 * DAY
    p = profile(
        level="advanced",
        free_days=["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
        races=[{"date": race.isoformat(), "distance_km": 42.195, "name": "Berlin"}],
    )
    sim = simulate(p, MON, 6, AS_PRESCRIBED)
    window = rules.RACE_RECOVERY_DAYS_MARATHON
    assert not [d for d in sim.shown if race <= d <= race + window * DAY]
    light_week = [
        sim.shown[d]
        for d in sim.shown
        if window < (d - race).days <= window + rules.POST_MARATHON_LIGHT_DAYS
    ]
    assert light_week
    for s in light_week:
        assert not schemes(s) & {"heavy", "plyometric"}, (s.date, s.title)
    named = [sim.shown[d] for d in sim.shown if 0 < (d - race).days <= 14]
    for s in named:
        assert "Berlin" in " ".join(texts(rx) for rx in s.exercises), s.date


# ------------------------------------------------------------------ stacked calf loading


@pytest.mark.parametrize("complaints", [["achilles"], ["achilles", "plantar_heel"]])
def test_one_calf_block_of_near_maximal_work_a_session_R_PAIN_5_R_SCHED_8(complaints):
    p = profile(complaints=complaints)
    for s in build_plan(p, CATALOG, MON, 6).sessions:
        rehab = [rx for rx in s.exercises if rx.scheme == "rehab"]
        assert not (rehab and "heavy" in schemes(s)), (s.date, s.title)
        assert len(rehab) <= 2, (s.date, [rx.exercise for rx in rehab])
        if "plantar_heel" in complaints and rehab:
            straight = [rx for rx in rehab if CATALOG.get(rx.exercise).knee == "straight"]
            assert all("towel" in rx.exercise for rx in straight), straight


# ------------------------------------------------------------------ calf strain by the calendar


def test_a_calf_strain_starts_with_isometric_holds_and_climbs_only_by_criteria_R_PAIN_4():
    p = profile(complaints=["calf_strain"], usual_pain=1)
    # Every set at pain 3 (above the 2/10 limit): the ladder must never climb.
    behaviour = replace(AS_PRESCRIBED, calm=1, pain_rate=1.0)
    sim = simulate(p, MON, 4, behaviour)
    planned = [s for s in sim.given() if s.status == "planned"]
    first = build_plan(p, CATALOG, MON, 4).sessions[0]
    steps = {CATALOG.get(rx.exercise).steps.get("calf_strain") for rx in first.exercises}
    assert 1 in steps, first.exercises
    holds = [rx for rx in first.exercises if CATALOG.get(rx.exercise).contraction == "isometric"]
    assert holds
    for s in [first, *planned]:
        for rx in s.exercises:
            ex = CATALOG.get(rx.exercise)
            assert rx.scheme != "heavy", (s.date, rx.exercise)
            if ex.region == "calf" and ex.unilateral and ex.knee == "straight":
                assert ex.contraction == "isometric", (s.date, rx.exercise)


# ------------------------------------------------------------------ plantar heel hops, gates


def test_plantar_heel_pain_gets_no_impact_on_day_1_R_PAIN_4():
    p = profile(complaints=["plantar_heel"])
    first = build_plan(p, CATALOG, MON, 4).sessions[0]
    assert "plyometric" not in schemes(first)
    sim = simulate(p, MON, 2, replace(AS_PRESCRIBED, checkin_rate=0.0))
    assert all("plyometric" not in schemes(s) for s in sim.given())


def test_the_achilles_gate_reopens_after_3x15_at_low_pain_with_50_contacts_R_PAIN_3():
    p = profile(complaints=["achilles"], usual_pain=1, session_minutes=60)
    sim = simulate(p, MON, 8, replace(AS_PRESCRIBED, calm=0))
    plyo = [s for s in sim.given() if contacts(s)]
    assert plyo, "the gate never reopened though 3x15 was logged at low pain"
    assert contacts(plyo[0]) <= rules.PLYO_RESTART_CONTACTS
    assert plyo[0].week > 1


# ------------------------------------------------------------------ progression ignores the log


def _heavy_history(reps: int, rpe: int) -> tuple[Profile, TrainingLog, Prescription, Session]:
    """An athlete whose heavy block was found (ramp) and then logged at ``reps`` x RPE."""
    p = profile(free_days=["mon", "thu"], equipment=["dumbbell"], level="advanced")
    log = TrainingLog()
    found: dict[str, float] = {}
    for day in (MON + i * DAY for i in range(7 * 8)):
        plan = walk(p, CATALOG, MON, 8, log=log, today=day).plan
        s = next((x for x in plan.sessions if x.date == day), None)
        if s is None:
            continue
        heavy = [rx for rx in s.exercises if rx.scheme == "heavy"]
        if heavy and heavy[0].exercise in found:
            return p, log, heavy[0], s
        sets = []
        for rx in heavy:
            load = rx.added_load_kg or 0.0
            for n in range(1, rx.sets + 1):
                sets.append(
                    LoggedSet(
                        day,
                        rx.exercise,
                        n,
                        reps=reps,
                        load_kg=load + 5 * (n - 1),
                        rpe=rpe,
                        pain=0,
                        scheme="heavy",
                        planned_reps=rx.reps,
                    )
                )
            found[rx.exercise] = load
        # The rest of the session as prescribed: no gap in the log (R-PROG-6 would hold).
        for rx in s.exercises:
            if rx.scheme == "heavy":
                continue
            for n in range(1, rx.sets + 1):
                sets.append(
                    LoggedSet(
                        day,
                        rx.exercise,
                        n,
                        reps=rx.reps,
                        seconds=rx.seconds,
                        distance_m=rx.distance_m,
                        contacts=rx.contacts,
                        load_kg=rx.added_load_kg,
                        rpe=6,
                        pain=0,
                        scheme=rx.scheme,
                    )
                )
        log = TrainingLog(sets=log.sets + tuple(sets))
    pytest.fail("no second heavy exposure in 8 weeks")


def test_six_reps_logged_at_rpe_6_where_4_were_planned_steps_the_load_R_PROG_6():
    p, log, rx, s = _heavy_history(6, 6)
    sets = tuple(
        LoggedSet(
            s.date,
            rx.exercise,
            n,
            reps=6,
            load_kg=rx.added_load_kg,
            rpe=6,
            pain=0,
            scheme="heavy",
            planned_reps=rx.reps,
        )
        for n in range(1, rx.sets + 1)
    )
    log = TrainingLog(sets=log.sets + sets)
    later = walk(p, CATALOG, MON, 8, log=log, today=s.date + DAY).plan.sessions
    nxt = next(
        (
            r
            for x in later
            if x.date > s.date
            for r in x.exercises
            if r.exercise == rx.exercise and r.scheme == "heavy"
        ),
        None,
    )
    assert nxt is not None
    assert (nxt.added_load_kg or 0) > (rx.added_load_kg or 0), (rx, nxt)


def test_twenty_reps_logged_on_a_light_3x12_do_not_give_3x14_R_PROG_6():
    p = profile(free_days=["mon", "thu"], equipment=[], level="advanced")
    plan = build_plan(p, CATALOG, MON, 6)
    s, rx = next(
        (x, r) for x in plan.sessions for r in x.exercises if r.scheme == "light" and r.reps
    )
    log = TrainingLog(
        sets=tuple(
            LoggedSet(
                s.date, rx.exercise, n, reps=20, rpe=7, pain=0, scheme="light", planned_reps=rx.reps
            )
            for n in range(1, rx.sets + 1)
        ),
        checkins=tuple(CheckIn(s.date + i * DAY, 0, 0) for i in range(1, 30)),
    )
    later = walk(p, CATALOG, MON, 6, log=log, today=s.date + DAY).plan.sessions
    nxt = next(
        r
        for x in later
        if x.date > s.date and not x.deload  # a lighter week cuts any dose (R-PROG-5)
        for r in x.exercises
        if (r.exercise, r.scheme) == (rx.exercise, "light")
    )
    assert (nxt.reps or 0) >= rules.LIGHT_REPS.high or (nxt.added_load_kg or 0) > 0, nxt


# ------------------------------------------------------------------ two missed weeks


def test_after_two_missed_weeks_the_second_session_back_does_not_progress_R_PROG_6():
    p = profile(free_days=["mon", "thu"], equipment=[], level="novice")
    behaviour = replace(AS_PRESCRIBED, away=((21, 16),))
    sim = simulate(p, MON, 9, behaviour)
    back = [d for d in sorted(sim.logged_days) if d >= MON + 37 * DAY]
    assert len(back) >= 2
    before: dict[tuple[str, str], Prescription] = {}
    for d in sorted(sim.shown):
        for rx in sim.shown[d].exercises:
            if rx.scheme in ("light", "heavy", "isometric") and d < MON + 21 * DAY:
                before[(rx.exercise, rx.scheme)] = rx
    for d in back[:2]:
        for rx in sim.shown[d].exercises:
            old = before.get((rx.exercise, rx.scheme))
            if old is None or sim.shown[d].deload:
                continue
            for field in ("reps", "seconds", "added_load_kg"):
                assert (getattr(rx, field) or 0) <= (getattr(old, field) or 0), (d, rx, old)


# ------------------------------------------------------------------ placement and warnings


def test_no_heavy_work_or_rope_the_day_before_a_hard_run_when_other_days_are_free_R_SCHED_4b():
    p = profile(
        free_days=["mon", "wed", "fri"],
        runs=[{"day": "tue", "kind": "hard"}, {"day": "sun", "kind": "long"}],
    )
    sim = simulate(p, MON, 8, AS_PRESCRIBED)
    for s in sim.given():
        if s.date.weekday() == 0:  # Monday, the day before the hard run
            assert not schemes(s) & {"heavy", "plyometric"}, (s.date, s.title)
    plan = build_plan(p, CATALOG, MON, 8)
    for w in plan.warnings:
        if "light" in w.message and "hard run" in w.message:
            assert all(
                not schemes(s) & {"heavy", "plyometric"}
                for s in plan.sessions
                if s.date.weekday() == 0
            )


# ------------------------------------------------------------------ shape and words


def test_doses_a_person_can_do_towel_lengths_rope_bouts_and_no_tip_toe_main_block_R_SCHED_8():
    p = profile(level="novice", equipment=["towel", "jump_rope", "wall"])
    sim = simulate(p, MON, 8, replace(AS_PRESCRIBED, more_rate=0.3))
    for s in [*build_plan(p, CATALOG, MON, 8).sessions, *sim.given()]:
        for rx in s.exercises:
            if rx.exercise == "towel-crunches":
                assert rx.reps is None or rx.reps >= 2, rx
            if rx.scheme == "plyometric":
                assert rx.seconds is not None and 8 <= rx.seconds <= 30, rx
        calf = [rx for rx in s.exercises if CATALOG.get(rx.exercise).region == "calf"]
        if calf:
            assert not all(rx.exercise == "tip-toe-walking" for rx in calf), (s.date, s.title)


def test_a_title_names_what_the_session_holds_after_adaptation_R_SCHED_8():
    p = profile(complaints=["achilles"], usual_pain=1)
    sim = simulate(p, MON, 6, replace(AS_PRESCRIBED, flares=(Flare(14, 8, 3),)))
    for s in sim.given():
        if s.status != "planned":
            continue
        names = [CATALOG.get(rx.exercise).name.lower() for rx in s.exercises]
        if ":" in s.title and "Flare" not in s.title:
            named = s.title.split(":", 1)[1].strip().lower().removesuffix(" (after your hard run)")
            assert any(named in n for n in names), (s.date, s.title, names)
        if all(rx.scheme in ("isometric", "skill") for rx in s.exercises if rx.exercise):
            assert not re.search(r"\b(heavy|light)\b", s.title.lower()), s.title


def test_toe_taps_are_not_plantar_flexor_work_nor_light_blocks_tendon_stiffening_R_WHY():
    for complaints in ([], ["shin"]):
        p = profile(complaints=complaints, equipment=["band", "towel"])
        for s in build_plan(p, CATALOG, MON, 8).sessions:
            for rx in s.exercises:
                why = texts(rx).lower()
                if CATALOG.get(rx.exercise).dorsiflexor:
                    assert "plantar flex" not in why and "plantarflex" not in why, why
                if rx.scheme in ("light", "skill", "isometric"):
                    assert "stiffen" not in why, (rx.exercise, rx.scheme, why)


# ------------------------------------------------------------------ R-HIST end to end


@pytest.fixture
def sqlite_cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    from calfcoach.cli import app
    from calfcoach.settings import sqlite_url

    env = {
        "CALFCOACH_HOME": str(tmp_path / "home"),
        "CALFCOACH_DATABASE_URL": sqlite_url(tmp_path / "calfcoach.sqlite3"),
        "COLUMNS": "200",
    }
    runner = CliRunner()
    clock = {"today": MON}
    monkeypatch.setattr("calfcoach.cli.training_cmds.real_today", lambda: clock["today"])

    def run(*args: str, on: dt.date | None = None) -> str:
        clock["today"] = on or clock["today"]
        result = runner.invoke(app, list(args), env=env)
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise result.exception
        assert result.exit_code == 0, (args, result.stdout, result.stderr)
        return result.stdout

    return run


def test_plan_later_shows_every_session_exactly_as_today_showed_it_on_sqlite_R_HIST(
    sqlite_cli, tmp_path
):
    path = tmp_path / "athlete.json"
    data = {
        "name": "Kim",
        "level": "intermediate",
        "free_days": ["mon", "wed", "fri"],
        "equipment": ["dumbbell", "step", "towel"],
        "complaints": ["achilles"],
        "body_mass_kg": 70,
    }
    path.write_text(json.dumps(data))
    sqlite_cli("athlete", "add", "--profile", str(path), "--start", MON.isoformat(), on=MON)
    shown: dict[str, dict] = {}
    for i in range(28):
        day = MON + i * DAY
        d = day.isoformat()
        sqlite_cli("checkin", "--date", d, "--pain", "1", "--stiffness", "1", on=day)
        session = json.loads(sqlite_cli("today", "--date", d, "--format", "json", on=day))
        if not session:
            continue
        shown[d] = session
        if i % 9 == 4:
            sqlite_cli("skip", "--date", d, on=day)
            continue
        rx = session["exercises"][0]
        amount = {k: rx[k] for k in ("reps", "seconds", "contacts") if rx.get(k)}
        key, value = next(iter(amount.items()))
        for n in range(1, rx["sets"] + 1):
            args = ["log", "--date", d, "--exercise", rx["exercise"], "--set", str(n)]
            args += [f"--{key}", str(value + (2 if key == "reps" else 0))]
            if rx.get("added_load_kg") is not None:
                args += ["--load-kg", str(rx["added_load_kg"])]
            sqlite_cli(*args, "--rpe", "7", "--pain", "1", on=day)
    later = (MON + 35 * DAY).isoformat()
    plan = json.loads(
        sqlite_cli(
            "plan", "--athlete", "Kim", "--date", later, "--format", "json", on=MON + 35 * DAY
        )
    )
    by_day = {s["date"]: s for s in plan["sessions"]}
    assert len(shown) >= 8
    changed = [d for d, s in shown.items() if by_day.get(d) != s]
    assert not changed, f"{len(changed)} of {len(shown)} past sessions changed: {changed}"


def test_a_rehab_ramp_done_at_body_weight_with_reps_in_reserve_finds_its_load_again_R_PROG_1a():
    # "4 x 6 reps each side at body weight is not a 6-rep max": body weight is a rehab base
    # only while it leaves 2 or fewer reps in reserve (RPE 8+).
    p = profile(complaints=["achilles"], equipment=["dumbbell"], free_days=["mon", "wed", "fri"])
    first = walk(p, CATALOG, MON, 4, today=MON).plan.sessions[0]
    assert first.date == MON
    ramp = [rx for rx in first.exercises if rx.scheme == "rehab"]
    assert ramp and all(rx.added_load_kg == 0.0 for rx in ramp)
    sets = tuple(
        LoggedSet(
            MON, rx.exercise, n, reps=rx.reps, load_kg=0.0, side=side, rpe=7, pain=0, scheme="rehab"
        )
        for rx in ramp
        for n in range(1, rx.sets + 1)
        for side in ("left", "right")
    )
    log = TrainingLog(sets=sets, checkins=(CheckIn(MON + DAY, 1, 1),))
    nxt = walk(p, CATALOG, MON, 4, log=log, today=MON + 2 * DAY).plan.sessions[1]
    for rx in (r for r in nxt.exercises if r.scheme == "rehab"):
        texts = " ".join(r.text for r in rx.reasons)
        assert "Load-finding session" in texts, texts
        assert "more than 2 reps in reserve" in texts, texts
