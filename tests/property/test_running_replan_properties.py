"""R-HIST when the running changes (issue 10, item 3), as a property over many generated
profiles and calendars, through the services on the in-memory unit of work (tests/fakes.py):
importing a training calendar, or importing it again with a run moved, re-plans the days
from today on around the dated runs and races; every session before today stays exactly as
it was given (the same JSON, byte for byte)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from hypothesis import given
from hypothesis import strategies as st
from tests.activity_files import calendar_ics
from tests.fakes import FakeStore, FakeUnitOfWork
from tests.strategies import blocked, dates, examples, profiles

from calfcoach.core.models import Profile, Race, Session
from calfcoach.services.access import Actor
from calfcoach.services.athletes import add_athlete
from calfcoach.services.context import ServiceContext
from calfcoach.services.runs import import_calendar
from calfcoach.services.schemas import session_document
from calfcoach.services.training import current_plan

ME = Actor.local()
DAY = dt.timedelta(days=1)
TITLES = {"long": "Long run 24 km", "hard": "Intervals 6 x 800 m", "race": "Half marathon"}


def fake_ctx(store: FakeStore, today: dt.date) -> ServiceContext:
    def factory(*, read_only: bool = False, clock: Callable[[], dt.datetime] | None = None):  # type: ignore[no-untyped-def]
        return FakeUnitOfWork(store)

    return ServiceContext(unit_of_work=factory, today=lambda: today)


def ics(events: list[tuple[dt.date, str]]) -> bytes:
    days = ((f"{day:%Y%m%d}", TITLES[kind]) for day, kind in events)
    return calendar_ics(*days, stamp="20250101T000000Z")


@st.composite
def cases(
    draw: st.DrawFn,
) -> tuple[Profile, dt.date, int, dt.date, list[tuple[dt.date, str]], int, dt.date]:
    """A profile, a plan, today inside it, a calendar (runs and races from 2 weeks back to
    the plan's end) and one of its long runs moved to another day from today on."""
    profile = draw(profiles(complaints=False))
    start = draw(dates)
    weeks = draw(st.integers(3, 8))
    today = start + draw(st.integers(3, 7 * weeks - 3)) * DAY
    left = (start + 7 * weeks * DAY - today).days
    events = draw(
        st.lists(
            st.tuples(
                st.integers(-14, left).map(lambda d: today + d * DAY),
                st.sampled_from(("long", "long", "hard", "race")),
            ),
            min_size=1,
            max_size=8,
        )
    )
    events.append((today + draw(st.integers(0, left)) * DAY, "long"))
    moved = len(events) - 1
    to = today + draw(st.integers(0, left)) * DAY
    return profile, start, weeks, today, events, moved, to


def document(session: Session) -> str:
    doc = session_document(session)
    assert doc is not None
    return doc.model_dump_json()


def documents(ctx: ServiceContext, athlete: int, today: dt.date) -> dict[dt.date, str]:
    """The plan as ``plan``/``today`` show it on ``today``: the active block's sessions."""
    return {s.date: document(s) for s in current_plan(ctx, ME, athlete, today).plan.sessions}


def given_before(store: FakeStore, athlete: int, today: dt.date) -> dict[dt.date, str]:
    """Every session fixed before ``today`` (R-HIST), in whichever block gave it: a change
    that moves the past session days starts a new block and keeps the old one (D-52)."""
    out: dict[dt.date, str] = {}
    with FakeUnitOfWork(store) as uow:
        for plan in uow.plans.history(athlete):
            for day, fixed in uow.history.fixed(athlete, plan.id).items():
                if day < today:
                    out[day] = document(fixed.session)
    return out


def planned_around(
    events: list[tuple[dt.date, str]], profile: Profile
) -> tuple[set[dt.date], Profile]:
    """The days no session may fall on from the calendar's long runs (R-SCHED-4), and the
    profile with the calendar's races (half marathons) added (R-SCHED-4a)."""
    long_days = {d for d, k in events if k == "long"}
    races = [
        Race(date=d, distance_km=21.0975, name="Half marathon") for d, k in events if k == "race"
    ]
    own = {r.date for r in profile.races}
    both = sorted([*profile.races, *(r for r in races if r.date not in own)], key=lambda r: r.date)
    return long_days | {d - DAY for d in long_days}, profile.model_copy(
        update={"races": tuple(both)}
    )


@examples(ci=40, dev=6)
@given(cases())
def test_a_moved_run_moves_the_strength_sessions_from_today_on_and_never_the_past(
    case: tuple[Profile, dt.date, int, dt.date, list[tuple[dt.date, str]], int, dt.date],
) -> None:
    profile, start, weeks, today, events, moved, to = case
    store = FakeStore()
    ctx = fake_ctx(store, today)
    athlete = add_athlete(ctx, ME, profile, start=start, weeks=weeks, name="ana").athlete.id
    shown = {d: doc for d, doc in documents(ctx, athlete, today).items() if d < today}

    import_calendar(ctx, ME, athlete, "plan.ics", today=today, data=ics(events))
    first = documents(ctx, athlete, today)
    events[moved] = (to, "long")
    import_calendar(ctx, ME, athlete, "plan.ics", today=today, data=ics(events))
    second = documents(ctx, athlete, today)

    # R-HIST: every session before today is kept exactly as it was shown, byte for byte,
    # and where the plan still shows the past it shows the same sessions.
    assert given_before(store, athlete, today) == shown
    for after in (first, second):
        past = {d: doc for d, doc in after.items() if d < today}
        assert past == {d: doc for d, doc in shown.items() if d in past}
        assert set(past) in (set(shown), set())  # in place, or a new block from today
    # From today on, the sessions are placed around the calendar as it now is (R-SCHED-4,
    # R-SCHED-4a): the moved long run's day and its eve hold none.
    no_session, planned = planned_around(events, profile)
    for day in second:
        if day >= today:
            assert day not in no_session, (day, to, events)
            assert not blocked(planned, day), (day, events)
