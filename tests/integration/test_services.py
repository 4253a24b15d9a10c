"""The service layer on SQLite and PostgreSQL: each use case, and each refusal writing nothing."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest
from tests.service_calls import LOCAL, local, on

from calfcoach.core.models import CapacityTest, Prescription, Profile, Session
from calfcoach.errors import InputError, NotFoundError
from calfcoach.services import athletes, progress, training, transfer
from calfcoach.services.training import SetInput
from calfcoach.storage.db import Database

START = dt.date(2026, 3, 2)  # a Monday
# The demo profile's plan from START (v2): Wed 03-04 heavy bent-knee heel raises (a
# load-finding ramp, R-PROG-1a), Fri 03-06 one-leg mini-squats (light), Wed 03-11, Fri 03-13
# jump rope, ... (free days mon/wed/fri/sat; hard run tue, long run sun).
WED = dt.date(2026, 3, 4)
FRI = dt.date(2026, 3, 6)
TODAY = dt.date(2026, 3, 20)
PROFILE = Profile.model_validate(
    {
        "name": "Alex Demo",
        "sex": "female",
        "birth_year": 1988,
        "body_mass_kg": 61.5,
        "level": "intermediate",
        "equipment": ["band", "towel", "wall", "step", "dumbbell", "jump_rope"],
        "free_days": ["mon", "wed", "fri", "sat"],
        "sessions_per_week": 2,
        "runs": [
            {"day": "tue", "kind": "hard"},
            {"day": "thu", "kind": "easy"},
            {"day": "sun", "kind": "long"},
        ],
        "races": ["2027-01-31"],
    }
)


def make_athlete(database: Database, name: str = "ana", start: dt.date = START) -> str:
    athletes.add_athlete(*local(database), PROFILE, start=start, weeks=8, name=name)
    return name


def snapshot(database: Database) -> dict[str, Any]:
    """Everything in the database, as the export sees it (to prove nothing was written)."""
    return transfer.export_document(*local(database), None, everyone=True)


def a_set(**changes: Any) -> SetInput:
    base = SetInput(exercise="jump-rope", set_number=1, contacts=22, rpe=6, pain=1)
    return dataclasses.replace(base, **changes)


# ---------------------------------------------------------------- athletes


def test_adding_an_athlete_stores_the_profile_and_the_generated_plan(database: Database) -> None:
    added = athletes.add_athlete(*local(database), PROFILE, start=START, weeks=8)

    assert added.athlete.name == "Alex Demo"
    assert added.plan.plan.start == START and added.plan.plan.weeks == 8
    listed = athletes.list_athletes(*local(database))
    assert [(a.name, a.plan_start, a.sessions) for a in listed] == [
        ("Alex Demo", START, len(added.plan.plan.sessions))
    ]


def test_a_name_already_taken_is_refused_and_nothing_is_written(database: Database) -> None:
    make_athlete(database)
    before = snapshot(database)

    with pytest.raises(InputError, match="name: an athlete named 'ana' already exists"):
        athletes.add_athlete(*local(database), PROFILE, start=START, name="ana")

    assert snapshot(database) == before


def test_an_athlete_without_a_name_is_refused_with_the_way_to_give_one(database: Database) -> None:
    with pytest.raises(InputError, match="name: missing; allowed: a name .the profile.s .name."):
        athletes.add_athlete(
            *local(database), PROFILE.model_copy(update={"name": None}), start=START
        )
    assert athletes.list_athletes(*local(database)) == []


def test_an_empty_database_tells_how_to_add_an_athlete(database: Database) -> None:
    with pytest.raises(NotFoundError) as caught:
        athletes.find_athlete_id(*local(database), None)
    assert "calfcoach athlete add --profile FILE" in str(caught.value)
    assert "calfcoach demo" in str(caught.value)


def test_the_athlete_name_is_needed_only_when_several_are_stored(database: Database) -> None:
    ctx, actor = local(database)
    make_athlete(database, "ana")
    ana = athletes.find_athlete_id(ctx, actor, None)
    assert athletes.get_athlete(ctx, actor, ana).name == "ana"

    make_athlete(database, "ben")
    with pytest.raises(InputError, match="athlete: missing; 2 athletes are stored") as caught:
        athletes.find_athlete_id(ctx, actor, None)
    ben = athletes.find_athlete_id(ctx, actor, "BEN")
    assert athletes.get_athlete(ctx, actor, ben).name == "ben"
    with pytest.raises(NotFoundError, match="athlete: no athlete named 'cy'") as unknown:
        athletes.find_athlete_id(ctx, actor, "cy")
    for error in (caught.value, unknown.value):
        # The errors say how to list the names, and never name the other athletes.
        assert "calfcoach athlete list" in str(error)
        assert "'ana'" not in str(error) and "'ben'" not in str(error)


# ---------------------------------------------------------------- today and the current plan


def test_today_is_the_planned_session_on_a_session_day_and_none_on_a_rest_day(
    database: Database,
) -> None:
    make_athlete(database)

    session = training.today_session(*on(database, None), WED)
    assert session is not None and session.date == WED
    assert training.today_session(*on(database, None), WED + dt.timedelta(days=1)) is None


def test_every_past_session_is_shown_exactly_as_it_was_given_whatever_was_logged_later_R_HIST(
    database: Database,
) -> None:
    make_athlete(database)
    stored = training.current_plan(*on(database, None), START).stored.plan
    # Each day's session as `today` gave it on its day, the athlete logging as they go.
    given = {WED: training.today_session(*on(database, None), WED)}
    training.log_session_as_prescribed(*on(database, None), WED, today=WED, rpe=9, pain=4)
    given[FRI] = training.today_session(*on(database, None), FRI)
    training.log_session_as_prescribed(*on(database, None), FRI, today=FRI, rpe=8, pain=2)
    # Logged later, dated earlier: a bad morning between them, and a heel-raise test.
    training.record_checkin(
        *on(database, None), WED + dt.timedelta(days=1), pain=6, stiffness=5, today=TODAY
    )
    training.record_test(
        *on(database, None), CapacityTest(date=FRI, left=20, right=24), today=TODAY
    )

    for date in (FRI, FRI + dt.timedelta(days=1), TODAY):
        current = training.current_plan(*on(database, None), date)
        assert {s.date: s for s in current.plan.sessions if s.date <= FRI} == given
    # Nothing was logged before WED: it was given as the plan was stored.
    assert given[WED] == next(s for s in stored.sessions if s.date == WED)


# ---------------------------------------------------------------- logging


def test_a_logged_set_keeps_the_planned_dose_beside_the_actual_one(database: Database) -> None:
    make_athlete(database)
    planned = training.today_session(*on(database, None), WED)
    assert planned is not None
    lift = planned.exercises[0]
    assert (lift.exercise, lift.scheme, lift.reps) == ("bent-knee-heel-raise", "heavy", 4)
    entry = a_set(exercise=lift.exercise, contacts=None, reps=5, load_kg=7.5, side="left")

    logged = training.log_set(*on(database, None), WED, entry, today=TODAY)

    assert (logged.planned_reps, logged.planned_load_kg) == (lift.reps, lift.added_load_kg)
    assert logged.scheme == "heavy"
    log = training.current_plan(*on(database, None), TODAY).log
    assert [(s.exercise, s.reps, s.load_kg, s.planned_reps) for s in log.sets] == [
        (lift.exercise, 5, 7.5, lift.reps)
    ]


def test_sets_of_one_day_go_into_one_session_log(database: Database) -> None:
    make_athlete(database)
    for number in (1, 2, 3):
        training.log_set(*on(database, None), WED, a_set(set_number=number), today=TODAY)

    document = snapshot(database)
    sessions = document["athletes"][0]["sessions"]
    assert len(sessions) == 1 and len(sessions[0]["sets"]) == 3
    assert sessions[0]["plan_session"] is not None


BAD_SETS = [
    ("reps", a_set(contacts=None, reps=-1), "reps: -1 is out of range; allowed: 0-500"),
    ("seconds", a_set(contacts=None, seconds=-5), "seconds: -5 is out of range"),
    ("contacts", a_set(contacts=-2), "contacts: -2 is out of range; allowed: 0-2000"),
    ("rpe", a_set(rpe=0), "rpe: 0 is out of range; allowed: 1-10"),
    ("rpe", a_set(rpe=11), "rpe: 11 is out of range; allowed: 1-10"),
    ("pain", a_set(pain=-1), "pain: -1 is out of range; allowed: 0-10"),
    ("pain", a_set(pain=11), "pain: 11 is out of range; allowed: 0-10"),
    ("load_kg", a_set(load_kg=500.5), "load_kg: 500.5 is out of range; allowed: 0-500 kg"),
    ("side", a_set(side="middle"), "side: 'middle' is not allowed; allowed: left, right"),
    ("set_number", a_set(set_number=0), "set_number: 0 is out of range; allowed: 1-50"),
    ("dose", a_set(contacts=None), "dose: missing"),
]


@pytest.mark.parametrize(("field", "entry", "message"), BAD_SETS, ids=[b[2] for b in BAD_SETS])
def test_a_set_out_of_range_is_refused_naming_field_value_and_range_and_nothing_is_written(
    database: Database, field: str, entry: SetInput, message: str
) -> None:
    make_athlete(database)
    before = snapshot(database)

    with pytest.raises(InputError) as caught:
        training.log_set(*on(database, None), WED, entry, today=TODAY)

    assert str(caught.value).startswith(field) and message in str(caught.value)
    assert caught.value.details[0].field == field and caught.value.details[0].code == "invalid"
    assert snapshot(database) == before


def test_an_unknown_exercise_is_refused_with_the_closest_ids(database: Database) -> None:
    make_athlete(database)
    before = snapshot(database)
    with pytest.raises(NotFoundError, match="exercise: unknown exercise 'jump-rop'.*jump-rope"):
        training.log_set(*on(database, None), WED, a_set(exercise="jump-rop"), today=TODAY)
    assert snapshot(database) == before


def test_a_set_dated_after_today_is_refused(database: Database) -> None:
    make_athlete(database)
    before = snapshot(database)
    with pytest.raises(InputError, match="date: 2026-03-21 is in the future; allowed: today"):
        training.log_set(*on(database, None), TODAY + dt.timedelta(days=1), a_set(), today=TODAY)
    assert snapshot(database) == before


def test_the_same_set_logged_twice_is_refused(database: Database) -> None:
    make_athlete(database)
    training.log_set(*on(database, None), WED, a_set(), today=TODAY)
    before = snapshot(database)
    with pytest.raises(InputError, match="set_number: set 1 of jump-rope .* is already logged"):
        training.log_set(*on(database, None), WED, a_set(), today=TODAY)
    assert snapshot(database) == before


def test_an_unknown_athlete_is_refused(database: Database) -> None:
    make_athlete(database)
    with pytest.raises(NotFoundError, match="athlete: no athlete named 'zed'"):
        training.log_set(*on(database, "zed"), WED, a_set(), today=TODAY)


def test_a_whole_session_as_prescribed_is_every_set_of_every_exercise(database: Database) -> None:
    make_athlete(database)
    session = training.today_session(*on(database, None), WED)  # the heavy session
    assert session is not None
    expected = sum(p.sets * (2 if p.per_side else 1) for p in session.exercises)

    logged = training.log_session_as_prescribed(
        *on(database, None), WED, today=TODAY, rpe=7, pain=1
    )

    assert len(logged.sets) == expected
    sessions = snapshot(database)["athletes"][0]["sessions"]
    assert len(sessions) == 1 and len(sessions[0]["sets"]) == expected
    heavy = [s for s in sessions[0]["sets"] if s["scheme"] == "heavy"]
    assert heavy and all(s["load_kg"] == s["planned_load_kg"] for s in heavy)


def test_a_session_already_logged_cannot_be_logged_again_as_prescribed(
    database: Database,
) -> None:
    make_athlete(database)
    training.log_session_as_prescribed(*on(database, None), FRI, today=TODAY)
    before = snapshot(database)
    with pytest.raises(InputError, match="already has logged sets"):
        training.log_session_as_prescribed(*on(database, None), FRI, today=TODAY)
    assert snapshot(database) == before


def test_a_rest_day_cannot_be_logged_as_prescribed(database: Database) -> None:
    make_athlete(database)
    with pytest.raises(InputError, match="no session is planned on 2026-03-05.*2026-03-06"):
        training.log_session_as_prescribed(*on(database, None), dt.date(2026, 3, 5), today=TODAY)


# ---------------------------------------------------------------- skip and move


def test_a_skipped_session_is_in_the_log_and_takes_no_sets(database: Database) -> None:
    make_athlete(database)
    training.skip_session(*on(database, None), WED)

    assert training.current_plan(*on(database, None), TODAY).log.skipped == (WED,)
    with pytest.raises(InputError, match="is marked skipped"):
        training.log_set(*on(database, None), WED, a_set(), today=TODAY)
    with pytest.raises(InputError, match="already skipped"):
        training.skip_session(*on(database, None), WED)


def test_a_moved_session_is_on_its_new_day_and_can_be_logged_there(database: Database) -> None:
    make_athlete(database)
    # The second Friday holds light straight-knee raises and foot work: nothing that the eve
    # of Tuesday's hard run would cut (R-SCHED-4b), so it moves as it is.
    friday, monday = dt.date(2026, 3, 13), dt.date(2026, 3, 16)
    planned = training.today_session(*on(database, None), friday)
    assert planned is not None
    assert {p.scheme for p in planned.exercises}.isdisjoint({"heavy", "plyometric"})

    moved = training.move_session(*on(database, None), friday, monday, today=START)

    assert moved.date == monday
    assert training.today_session(*on(database, None), friday) is None
    session = training.today_session(*on(database, None), monday)
    assert session is not None and session.title == planned.title
    assert session.exercises == planned.exercises
    logged = training.log_session_as_prescribed(*on(database, None), monday, today=monday)
    assert logged.sets
    sessions = snapshot(database)["athletes"][0]["sessions"]
    assert sorted((s["status"], s["date"], s["moved_to"]) for s in sessions) == [
        ("done", "2026-03-16", None),
        ("moved", "2026-03-13", "2026-03-16"),
    ]
    assert sessions[0]["plan_session"] == sessions[1]["plan_session"]


def test_heavy_work_moved_to_the_day_before_a_hard_run_is_cut_or_refused_R_SCHED_4b(
    database: Database,
) -> None:
    make_athlete(database)
    monday = START  # the day before Tuesday's hard run
    planned = training.today_session(*on(database, None), WED)
    assert planned is not None and any(p.scheme == "heavy" for p in planned.exercises)

    try:
        training.move_session(*on(database, None), WED, monday, today=START)
    except InputError as refused:  # refusing the move is one way to keep the rule
        assert "R-SCHED-4" in str(refused)
        return
    session = training.today_session(*on(database, None), monday)
    assert session is not None
    assert {p.scheme for p in session.exercises}.isdisjoint({"heavy", "plyometric"})
    warnings = training.current_plan(*on(database, None), monday).plan.warnings
    assert any(w.rule == "R-SCHED-4b" for w in warnings)


@pytest.mark.parametrize(
    ("to", "rule", "reason"),
    [
        (dt.date(2026, 3, 5), "R-SCHED-2", "1 day(s) from the session on 2026-03-04"),
        (dt.date(2026, 3, 7), "R-SCHED-4", "the day before a long run"),
        (dt.date(2026, 3, 8), "R-SCHED-4", "is a long-run day"),
    ],
)
def test_a_move_that_breaks_a_scheduling_rule_is_refused_naming_the_rule(
    database: Database, to: dt.date, rule: str, reason: str
) -> None:
    make_athlete(database)
    before = snapshot(database)

    with pytest.raises(InputError) as caught:
        training.move_session(*on(database, None), FRI, to, today=START)

    assert f"to_date: {to.isoformat()} is refused by {rule}" in str(caught.value)
    assert reason in str(caught.value)
    assert snapshot(database) == before


def test_moving_heavy_work_into_the_week_before_a_race_is_refused() -> None:
    race = dt.date(2026, 3, 14)
    profile = PROFILE.model_copy(update={"races": (race,)})

    heavy = Session(
        date=FRI,
        week=1,
        deload=False,
        title="Heavy",
        exercises=(Prescription(exercise="bent-knee-heel-raise", scheme="heavy", sets=4, reps=5),),
    )
    problems = training.move_problems(profile, heavy, dt.date(2026, 3, 9), [])
    assert [rule for rule, _ in problems] == ["R-SCHED-4"]
    assert "within 7 days before the race on 2026-03-14" in problems[0][1]


def test_a_session_in_the_past_cannot_be_moved(database: Database) -> None:
    make_athlete(database)
    with pytest.raises(InputError, match="from_date: 2026-03-04 is in the past"):
        training.move_session(
            *on(database, None), WED, dt.date(2026, 3, 9), today=dt.date(2026, 3, 5)
        )


# ---------------------------------------------------------------- check-ins and tests


def test_a_checkin_is_stored_once_per_day_unless_replaced(database: Database) -> None:
    make_athlete(database)
    training.record_checkin(*on(database, None), WED, pain=2, stiffness=3, today=TODAY)
    with pytest.raises(InputError, match="already a check-in on 2026-03-04"):
        training.record_checkin(*on(database, None), WED, pain=1, stiffness=1, today=TODAY)
    training.record_checkin(
        *on(database, None), WED, pain=1, stiffness=1, today=TODAY, replace_existing=True
    )
    checkins = training.current_plan(*on(database, None), TODAY).log.checkins
    assert [(c.pain, c.stiffness) for c in checkins] == [(1, 1)]


@pytest.mark.parametrize(
    ("pain", "stiffness", "message"),
    [
        (11, 0, "pain: 11 is out of range; allowed: 0-10"),
        (-1, 0, "pain: -1 is out of range; allowed: 0-10"),
        (0, 12, "stiffness: 12 is out of range; allowed: 0-10"),
    ],
)
def test_a_checkin_out_of_range_is_refused(
    database: Database, pain: int, stiffness: int, message: str
) -> None:
    make_athlete(database)
    before = snapshot(database)
    with pytest.raises(InputError, match=message):
        training.record_checkin(
            *on(database, None), WED, pain=pain, stiffness=stiffness, today=TODAY
        )
    assert snapshot(database) == before


def test_a_heel_raise_test_is_stored_and_judged(database: Database) -> None:
    make_athlete(database)
    first = training.record_test(
        *on(database, None), CapacityTest(date=WED, left=20, right=25), today=TODAY
    )
    second = training.record_test(
        *on(database, None), CapacityTest(date=TODAY, left=27, right=26), today=TODAY
    )

    assert first.evaluation is not None and first.comparison is None
    assert second.comparison is not None
    # What is stored (CurrentPlan.log starts at the engine snapshot, so it is not the place
    # to read the whole history from).
    with database.unit_of_work(read_only=True) as uow:
        tests = uow.logs.load_training_log(uow.athletes.by_name("ana").id).tests
    assert [(t.left, t.right) for t in tests] == [(20, 25), (27, 26)]


def test_a_test_with_negative_reps_is_refused(database: Database) -> None:
    make_athlete(database)
    before = snapshot(database)
    with pytest.raises(InputError, match="left: -3 is out of range; allowed: 0-500 reps"):
        training.record_test(
            *on(database, None), CapacityTest(date=WED, left=-3, right=5), today=TODAY
        )
    assert snapshot(database) == before


# ---------------------------------------------------------------- progress


def test_the_progress_report_counts_adherence_volume_and_pain(database: Database) -> None:
    make_athlete(database)
    training.log_session_as_prescribed(*on(database, None), WED, today=TODAY, rpe=6, pain=2)
    training.skip_session(*on(database, None), FRI)
    training.record_checkin(
        *on(database, None), dt.date(2026, 3, 5), pain=1, stiffness=2, today=TODAY
    )

    report = progress.progress_report(*on(database, None), dt.date(2026, 3, 12))

    assert (report.adherence.planned, report.adherence.done) == (3, 1)
    assert (report.adherence.skipped, report.adherence.missed) == (1, 1)
    session = training.today_session(*on(database, None), WED)
    assert session is not None
    lift = next(p for p in session.exercises if p.scheme == "heavy")
    assert lift.per_side and lift.reps is not None
    heavy = [v for v in report.weekly_volume if v.scheme == "heavy"]
    assert [(v.region, v.sets, v.reps) for v in heavy] == [
        ("calf", 2 * lift.sets, 2 * lift.sets * lift.reps)
    ]
    assert report.pain_trend[0].set_pain_max == 2
    # R-PAIN-2 (v2): usual is the intake answer (2 when not given) until 3 check-ins.
    assert report.usual_pain == 2.0
    assert progress.report_to_dict(report)["adherence"]["rate"] == round(1 / 3, 3)


def test_the_database_sums_the_sets_exactly_as_the_core_defines_day_totals(
    database: Database,
) -> None:
    from calfcoach.core.load import day_totals

    make_athlete(database)
    training.log_session_as_prescribed(*on(database, None), WED, today=TODAY, rpe=6, pain=2)
    training.log_session_as_prescribed(*on(database, None), FRI, today=TODAY, rpe=8)
    # Reps with the seconds of each rep (time under load); banded-foot-pull is in reps.
    for number, (reps, seconds) in enumerate([(10, 2), (8, 5), (12, None), (0, 0)], 1):
        entry = SetInput(
            exercise="banded-foot-pull", set_number=number, reps=reps, seconds=seconds,
            load_kg=2.5 * number, rpe=5, pain=number % 3,
        )  # fmt: skip
        training.log_set(*on(database, None), dt.date(2026, 3, 9), entry, today=TODAY)

    with database.unit_of_work(read_only=True) as uow:
        athlete = uow.athletes.by_name("ana")
        in_sql = list(uow.logs.progress_log(athlete.id, TODAY).days)
        in_python = day_totals(uow.logs.load_training_log(athlete.id).sets)

    assert in_sql == in_python
    assert any(d.time_under_load_s == 10 * 2 + 40 + 12 * 2 for d in in_sql)


# ---------------------------------------------------------------- the fake unit of work (v2)


def _v2_storage_scenario(unit_of_work: Any) -> tuple[object, ...]:
    """Storage v2 through the repositories and the engine's service path (``settle``,
    ``_current_in``); what it observes, without ids."""
    from calfcoach.catalog import load_catalog
    from calfcoach.core.engine import build_plan
    from calfcoach.core.models import CheckIn, Clearance, HopTest, LoggedSet

    plan = build_plan(PROFILE, load_catalog(), START, 4)
    observed: list[object] = []
    with unit_of_work() as uow:
        athlete = uow.athletes.add("ana", PROFILE)
        plan_id = uow.plans.add(athlete.id, plan, PROFILE).id
        uow.commit()
    with unit_of_work() as uow:
        uow.logs.log_session(
            athlete.id, WED, [LoggedSet(date=WED, exercise="bent-knee-heel-raise", set_number=1)]
        )
        uow.logs.add_checkin(athlete.id, CheckIn(WED + dt.timedelta(days=1), 1, 1, frozenset()))
        uow.logs.add_checkin(athlete.id, CheckIn(FRI, 2, 1, frozenset({"pop"})))
        uow.logs.add_clearance(athlete.id, Clearance(FRI + dt.timedelta(days=2), "GP: fine"))
        uow.logs.add_hop_test(athlete.id, HopTest(FRI + dt.timedelta(days=3), 40, 0, "both"))
        uow.logs.add_test(athlete.id, CapacityTest(FRI + dt.timedelta(days=3), 25, 26))
        for bad in (
            lambda: uow.logs.add_checkin(athlete.id, CheckIn(TODAY, 1, 1, frozenset({"itch"}))),  # type: ignore[arg-type]
            lambda: uow.logs.add_hop_test(athlete.id, HopTest(TODAY, 40, 11)),
            lambda: uow.logs.add_clearance(athlete.id, Clearance(TODAY, "x" * 2001)),
            lambda: uow.history.fix(athlete.id, plan_id, plan.sessions[0], " "),
            lambda: uow.snapshots.put(athlete.id, plan_id, WED, {"day": {1, 2}}),
        ):
            with pytest.raises(InputError):
                bad()
        with pytest.raises(NotFoundError):
            uow.history.fix(athlete.id + 99, plan_id, plan.sessions[0], "first logged set")
        uow.commit()
    with unit_of_work() as uow:
        first, second = plan.sessions[0], plan.sessions[1]
        v1 = uow.history.fix(athlete.id, plan_id, first, "first logged set")
        again = uow.history.fix(athlete.id, plan_id, first, "end of its day")  # equal: no-op
        stopped = dataclasses.replace(first, exercises=(), status="stopped", advice="see a GP")
        v2 = uow.history.fix(athlete.id, plan_id, stopped, "a red flag")
        uow.history.fix(athlete.id, plan_id, second, "end of its day")
        observed += [
            (v1.version, again.version, v2.version, v2.reason, v2.session == stopped),
            {d: f.version for d, f in uow.history.fixed(athlete.id, plan_id).items()},
            list(uow.history.fixed(athlete.id, plan_id, up_to=first.date)),
            [f.reason for f in uow.history.versions(athlete.id, plan_id, first.date)],
        ]
        snapshots = []
        uow.snapshots.put(athlete.id, plan_id, FRI + dt.timedelta(days=5), {"day": "x", "n": (1,)})
        snapshots.append(uow.snapshots.get(athlete.id, plan_id))
        uow.logs.add_note(athlete.id, WED, "notes are not engine input")
        uow.logs.add_checkin(athlete.id, CheckIn(TODAY, 0, 0))  # after as_of: kept
        snapshots.append(uow.snapshots.get(athlete.id, plan_id))
        uow.logs.add_checkin(athlete.id, CheckIn(FRI + dt.timedelta(days=5), 0, 0))  # dropped
        snapshots.append(uow.snapshots.get(athlete.id, plan_id))
        uow.snapshots.put(athlete.id, plan_id, FRI, {"day": "y"})
        uow.athletes.update_profile(athlete.id, PROFILE)  # drops every snapshot
        snapshots.append(uow.snapshots.get(athlete.id, plan_id))
        observed.append(snapshots)
        uow.commit()
    with unit_of_work() as uow:
        observed += [
            uow.logs.load_training_log(athlete.id),
            uow.logs.load_training_log(athlete.id, since=FRI + dt.timedelta(days=2)),
            uow.logs.load_training_log(athlete.id, since=TODAY + dt.timedelta(days=40)),
        ]
    # The engine's service path over this unit of work: settle fixes and snapshots, and the
    # plan then shows the fixed sessions.
    with unit_of_work() as uow:
        ana = uow.athletes.by_name("ana")
        training.settle(uow, ana, TODAY)
        uow.commit()
    with unit_of_work() as uow:
        snapshot = uow.snapshots.get(athlete.id, plan_id)
        current = training._current_in(uow, LOCAL, ana.id, TODAY)
        fixed = uow.history.fixed(athlete.id, plan_id)
        observed += [
            None if snapshot is None else snapshot.as_of,
            sorted(fixed),
            [s for s in current.plan.sessions if s.date < TODAY]
            == [fixed[s.date].session for s in current.plan.sessions if s.date < TODAY],
            current.plan.sessions,
        ]
    return tuple(observed)


def test_the_fake_unit_of_work_keeps_the_storage_v2_promises_of_the_database(
    database: Database,
) -> None:
    from tests.fakes import FakeStore, FakeUnitOfWork

    noon = dt.datetime(2026, 3, 20, 12, 0, tzinfo=dt.UTC)
    store = FakeStore()
    fake = _v2_storage_scenario(lambda: FakeUnitOfWork(store, clock=lambda: noon))
    real = _v2_storage_scenario(lambda: database.unit_of_work(clock=lambda: noon))
    assert fake == real
    assert fake[-2] is True  # past sessions are the fixed ones


# ---------------------------------------------------------------- identity and access (issue 8)


def test_an_actor_limited_to_other_athletes_is_forbidden_and_nothing_is_written(
    database: Database,
) -> None:
    from calfcoach.errors import ForbiddenError
    from calfcoach.services.access import Actor

    make_athlete(database, "ana")
    make_athlete(database, "ben")
    ctx, actor = local(database)
    ana = athletes.find_athlete_id(ctx, actor, "ana")
    ben = athletes.find_athlete_id(ctx, actor, "ben")
    coach_of_ben = Actor.for_athletes("coach", 7, [ben])
    before = snapshot(database)

    with pytest.raises(ForbiddenError) as caught:
        training.log_set(ctx, coach_of_ben, ana, WED, a_set(), today=TODAY)
    (problem,) = caught.value.details
    assert (problem.code, problem.field, problem.value) == ("forbidden", "athlete", ana)
    with pytest.raises(ForbiddenError):
        training.current_plan(ctx, coach_of_ben, ana, TODAY)
    assert snapshot(database) == before
    # What the coach may see: only ben, by list and by name; ana is as unknown as a stranger.
    assert [a.name for a in athletes.list_athletes(ctx, coach_of_ben)] == ["ben"]
    assert athletes.find_athlete_id(ctx, coach_of_ben, None) == ben
    with pytest.raises(NotFoundError, match="no athlete named 'ana'"):
        athletes.find_athlete_id(ctx, coach_of_ben, "ana")
    assert training.current_plan(ctx, coach_of_ben, ben, TODAY).athlete.name == "ben"


def test_a_view_only_actor_reads_the_plan_but_cannot_log_nor_add_athletes(
    database: Database,
) -> None:
    from calfcoach.errors import ForbiddenError
    from calfcoach.services.access import Actor

    make_athlete(database, "ana")
    ctx, actor = local(database)
    ana = athletes.find_athlete_id(ctx, actor, "ana")
    reader = Actor.for_athletes("token", 3, [ana], actions=["view"])
    before = snapshot(database)

    assert training.day_plan(ctx, reader, ana, WED).athlete.id == ana
    with pytest.raises(ForbiddenError):
        training.record_checkin(ctx, reader, ana, WED, pain=1, stiffness=1, today=TODAY)
    with pytest.raises(ForbiddenError):
        athletes.add_athlete(ctx, reader, PROFILE, start=START, name="cy")
    assert snapshot(database) == before


def test_an_unknown_athlete_id_is_not_found_naming_the_id(database: Database) -> None:
    make_athlete(database, "ana")
    with pytest.raises(NotFoundError) as caught:
        training.log_set(*local(database), 999, WED, a_set(), today=TODAY)
    assert caught.value.problems == (
        "athlete: no athlete with id 999; allowed: the id of a stored athlete",
    )
