"""The roster (issue 9, part 4) over generated histories, on the in-memory unit of work:
adherence counts only sessions due (a skipped one is not done), red flags and stopped plans
come first, and an actor limited to some athletes sees only those."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from tests.fakes import FakeStore, FakeUnitOfWork
from tests.strategies import examples, profiles

from calfcoach.core.models import CheckIn, LoggedSet, Profile, Session
from calfcoach.services import athletes
from calfcoach.services.access import Actor
from calfcoach.services.context import ServiceContext
from calfcoach.services.roster import roster, roster_rows
from calfcoach.services.training import prescribed_sets

TODAY = dt.date(2026, 3, 4)
LOCAL = Actor.local()
DAY = dt.timedelta(days=1)

Outcome = st.sampled_from(["done", "partial", "skipped", "missed"])


def context(store: FakeStore) -> ServiceContext:
    return ServiceContext(unit_of_work=lambda **_: FakeUnitOfWork(store), today=lambda: TODAY)


def add(ctx: ServiceContext, profile: Profile, name: str, weeks_ago: int) -> tuple[int, Any]:
    start = TODAY - dt.timedelta(weeks=weeks_ago, days=TODAY.weekday())
    added = athletes.add_athlete(ctx, LOCAL, profile, start=start, weeks=12, name=name)
    return added.athlete.id, added.plan.plan


def log(store: FakeStore, athlete_id: int, session: Session, outcome: str) -> None:
    sets: list[LoggedSet] = list(prescribed_sets(session, rpe=5, pain=1))
    with FakeUnitOfWork(store) as uow:
        if outcome == "done" and sets:
            uow.logs.log_session(athlete_id, session.date, sets)
        elif outcome == "partial" and len(sets) > 1:
            uow.logs.log_session(athlete_id, session.date, sets[:1])
        elif outcome == "skipped":
            uow.logs.log_session(athlete_id, session.date, status="skipped")
        uow.commit()


def checkin(store: FakeStore, athlete_id: int, checkin: CheckIn) -> None:
    with FakeUnitOfWork(store) as uow:
        uow.logs.add_checkin(athlete_id, checkin)
        uow.commit()


@given(
    profile=profiles(complaints=False),
    weeks_ago=st.integers(0, 8),
    outcomes=st.lists(Outcome, min_size=40, max_size=40),
)
@examples(ci=40, dev=8)
def test_adherence_counts_due_sessions_done_and_never_a_skipped_one(
    profile: Profile, weeks_ago: int, outcomes: list[str]
) -> None:
    store = FakeStore()
    ctx = context(store)
    athlete_id, plan = add(ctx, profile, "Ana", weeks_ago)
    due = [s for s in plan.sessions if s.date < TODAY and s.exercises]
    fates = dict(zip((s.date for s in due), outcomes, strict=False))
    for session in due:
        log(store, athlete_id, session, fates[session.date])
    (row,) = roster_rows(ctx, LOCAL, TODAY)

    for window, days in ((row.adherence_2w, 14), (row.adherence_6w, 42)):
        first = TODAY - dt.timedelta(days=days - 1)
        inside = [s for s in plan.sessions if first <= s.date < TODAY]
        done = [s for s in inside if fates.get(s.date) in ("done", "partial")]
        assert window.planned == len(inside)
        assert window.done == len(done)  # skipped and missed sessions are not done
        if inside:
            assert window.rate == round(len(done) / len(inside), 3)
        else:
            assert window.rate is None
    logged = [s for s in due if fates[s.date] in ("done", "partial")]
    if logged:
        assert row.last_session is not None
        assert row.last_session.date == logged[-1].date
        partial = fates[logged[-1].date] == "partial"
        assert row.last_session.status == ("partial" if partial else "done")
        assert row.days_since_activity == (TODAY - logged[-1].date).days
    else:
        assert row.last_session is None


Flag = st.sampled_from(["none", "red_flag", "severe_pain", "high"])


@given(
    kinds=st.lists(Flag, min_size=2, max_size=6),
    descending=st.booleans(),
)
@examples(ci=40, dev=6)
def test_red_flags_then_stopped_plans_come_first_and_each_row_says_why(
    kinds: list[str], descending: bool
) -> None:
    store = FakeStore()
    ctx = context(store)
    profile = Profile(
        name="x",
        level="intermediate",
        equipment=frozenset({"dumbbell", "step"}),
        free_days=frozenset({"mon", "wed", "fri"}),
    )
    expected: dict[int, str] = {}
    for number, kind in enumerate(kinds):
        athlete_id, _plan = add(ctx, profile, f"Runner {number:02d}", 2)
        expected[athlete_id] = kind
        if kind == "red_flag":  # R-PAIN-2a: any yes stops the plan
            checkin(store, athlete_id, CheckIn(TODAY - DAY, 1, 1, frozenset({"swelling"})))
        elif kind == "severe_pain":  # R-PAIN-2b: morning pain >= 7 stops the plan
            checkin(store, athlete_id, CheckIn(TODAY - DAY, 8, 3))
        elif kind == "high":  # usual + 3 once: a flare (R-PAIN-2)
            checkin(store, athlete_id, CheckIn(TODAY - DAY, 5, 2))

    rows = roster(ctx, LOCAL, as_of=TODAY)
    ranks = [row.rank for row in rows]
    assert ranks == sorted(ranks)
    for row in rows:
        kind = expected[row.athlete_id]
        if kind == "red_flag":
            assert row.rank == 0 and row.red_flags == ["swelling"]
            assert row.stop is not None and row.stop.kind == "red_flag"
            assert row.attention[0].startswith("red flag")
        elif kind == "severe_pain":
            assert row.rank == 1 and row.stop is not None and row.stop.kind == "pain"
        elif kind == "high":
            assert row.rank == 2 and row.flare_since == TODAY - DAY
        else:
            assert row.stop is None and row.flare_since is None and not row.red_flags
    by_name = roster(ctx, LOCAL, as_of=TODAY, sort="name", descending=descending)
    names = [row.name for row in by_name]
    assert names == sorted(names, reverse=descending)
    stopped = roster(ctx, LOCAL, as_of=TODAY, show="stopped")
    assert {r.athlete_id for r in stopped} == {
        a for a, k in expected.items() if k in ("red_flag", "severe_pain")
    }


@given(seen=st.sets(st.integers(0, 4)))
@examples(ci=20, dev=5)
def test_an_actor_limited_to_some_athletes_sees_only_those(seen: set[int]) -> None:
    store = FakeStore()
    ctx = context(store)
    profile = Profile(
        name="x",
        level="novice",
        equipment=frozenset({"step"}),
        free_days=frozenset({"tue", "thu"}),
    )
    ids = [add(ctx, profile, f"Patient {n}", 1)[0] for n in range(5)]
    visible = {ids[n] for n in seen}
    coach = Actor.for_athletes("coach", 7, visible, ["view"])
    assert {row.athlete_id for row in roster(ctx, coach, as_of=TODAY)} == visible
    assert {row.athlete_id for row in roster(ctx, LOCAL, as_of=TODAY)} == set(ids)
