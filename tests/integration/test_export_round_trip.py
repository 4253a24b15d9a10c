"""Every export re-imports (R-HIST: nothing stored is lost): an athlete who skipped a session
still to come, moved another and logged sets is exported (JSON and CSV) and imported into a
store that does not hold them yet, and everything reads back the same there: the plans as
stored, the plan as given (the past as it was given, the future as the engine makes it),
each session's status and every set. Through the services (a property over what was skipped,
moved and logged), the CLI's ``export`` and ``import``, and the export page's download and
upload; on SQLite and PostgreSQL.

Today is the real today: an import refuses a log (a done session, a set, a check-in) dated
after it, never a skipped or moved session of a later plan day (``import_model``)."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.integration.test_services import PROFILE
from tests.integration.test_transfer import invoke
from tests.service_calls import local, on
from tests.strategies import examples

from calfcoach.core.models import Prescription
from calfcoach.errors import InputError
from calfcoach.services import athletes, training, transfer
from calfcoach.services.plan_documents import plan_document
from calfcoach.services.training import SetInput
from calfcoach.settings import Settings, sqlite_url
from calfcoach.storage import migrate
from calfcoach.storage.db import Database
from calfcoach.web.app import create_app

TODAY = dt.date.today()
START = TODAY - dt.timedelta(days=17)
SHIFTS = (1, -1, 2, -2, 3, -3)
LOOPBACK = ("127.0.0.1", 50000)  # the API in local mode answers this machine only


@pytest.fixture
def new_store(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[Callable[[], Database]]:
    """Makes empty stores at the head revision on the test's backend (dropped at the end)."""
    made: list[Database] = []
    dropped: list[str] = []
    server = request.getfixturevalue("postgres_server") if backend == "postgresql" else None

    def make() -> Database:
        if server is None:
            url = sqlite_url(tmp_path / f"store-{len(made)}.sqlite3")
        else:
            name = server.create()
            dropped.append(name)
            url = server.url(name)
        migrate.upgrade(url)
        made.append(Database(url))
        return made[-1]

    try:
        yield make
    finally:
        for database in made:
            database.dispose()
        for name in dropped:
            assert server is not None
            server.drop(name)


# --------------------------------------------------------------------------- the athlete


@dataclass(frozen=True)
class Story:
    """What the athlete did: which sessions still to come were skipped and moved (indexes
    wrap), the shifts tried for the move in order (the first the rules allow is taken), and
    the past sessions with sets (index, how many sets of their first exercise)."""

    skip: int
    move: int
    shifts: tuple[int, ...]
    logged: tuple[tuple[int, int], ...]
    pain: int


STORY = Story(skip=0, move=1, shifts=SHIFTS, logged=((0, 2), (2, 1)), pain=1)
stories = st.builds(
    Story,
    skip=st.integers(0, 20),
    move=st.integers(0, 20),
    shifts=st.permutations(SHIFTS).map(tuple),
    logged=st.lists(st.tuples(st.integers(0, 10), st.integers(1, 3)), max_size=3).map(tuple),
    pain=st.integers(0, 3),
)


def _dose(p: Prescription) -> dict[str, Any]:
    """The prescription's dose in the exercise's own measure (as `log` takes it)."""
    from calfcoach.catalog import load_catalog
    from calfcoach.core.dosing import unit_of

    unit = unit_of(load_catalog().get(p.exercise))
    return {unit: getattr(p, unit) or 10}


def live(database: Database, name: str, story: Story, *, late: bool = False) -> None:
    """Store the athlete ``name`` (a plan from 17 days ago) and what ``story`` says they did,
    through the services as the CLI and the API do, day by day: the sets of past sessions on
    their day (``late``: all of them today, after the days were fixed), a check-in yesterday,
    then today a skip and a move of sessions still to come."""
    athletes.add_athlete(*local(database), PROFILE, start=START, weeks=6, name=name)
    ctx, actor, athlete = on(database, name)
    sessions = training.current_plan(ctx, actor, athlete, TODAY).plan.sessions
    past = [s.date for s in sessions if s.date <= TODAY]
    future = [s for s in sessions if s.date > TODAY]
    assert past and len(future) >= 2
    chosen: dict[dt.date, int] = {}
    for index, count in story.logged:
        chosen.setdefault(past[index % len(past)], count)
    yesterday = TODAY - dt.timedelta(days=1)
    checked_in = False
    for day in sorted(chosen):  # in the order of the days, as they were lived
        if day > yesterday and not checked_in:
            training.record_checkin(
                ctx, actor, athlete, yesterday, pain=1, stiffness=1, today=yesterday
            )
            checked_in = True
        session = training.day_plan(ctx, actor, athlete, day).session_on(day)
        assert session is not None
        p = session.exercises[0]
        for number in range(1, chosen[day] + 1):
            for side in ("left", "right") if p.per_side else ("both",):
                entry = SetInput(
                    exercise=p.exercise,
                    set_number=number,
                    side=side,
                    rpe=6,
                    pain=story.pain,
                    **_dose(p),
                )
                on_day = TODAY if late else day
                training.log_set(ctx, actor, athlete, day, entry, today=on_day)
    if not checked_in:
        training.record_checkin(
            ctx, actor, athlete, yesterday, pain=1, stiffness=1, today=TODAY if late else yesterday
        )
    skipped = future[story.skip % len(future)].date
    training.skip_session(ctx, actor, athlete, skipped, today=TODAY)
    others = [s.date for s in future if s.date != skipped]
    first = story.move % len(others)
    for day in others[first:] + others[:first]:
        for shift in story.shifts:
            try:
                training.move_session(
                    ctx, actor, athlete, day, day + dt.timedelta(days=shift), today=TODAY
                )
            except InputError:
                continue  # a day the rules refuse (the same in every store): the next one
            return
    raise AssertionError("no session still to come could move")  # the plan always has one


def everything(database: Database, name: str) -> dict[str, Any]:
    """What the athlete's data reads as: the export (plans as stored, each session log with
    its status and sets, check-ins, ...) and the plan as of today (the past as given)."""
    ctx, actor, athlete = on(database, name)
    (document,) = transfer.export_document(ctx, actor, athlete)["athletes"]
    plan = plan_document(training.current_plan(ctx, actor, athlete, TODAY).plan)
    # The plan's warnings are left out: a walk from a snapshot (a store that settled its
    # past) names those of the days it walks only, a whole walk (a store just imported)
    # those of every day; they are the engine's notes, not a session given.
    return {"export": document, "plan": plan.model_dump(mode="json", exclude={"warnings"})}


def check_the_story(data: dict[str, Any]) -> None:
    """The data holds what the import used to refuse: a skip and a move still to come."""
    sessions = data["export"]["sessions"]
    later = {s["status"] for s in sessions if s["date"] > TODAY.isoformat()}
    assert later == {"skipped", "moved"}
    assert all(not s["sets"] for s in sessions if s["status"] != "done")
    assert any(s["sets"] for s in sessions if s["status"] == "done") or not any(
        s["status"] == "done" for s in sessions
    )


def export_text(database: Database, name: str, fmt: str) -> str:
    document = transfer.export_document(*on(database, name))
    return (
        transfer.document_to_json(document) if fmt == "json" else transfer.document_to_csv(document)
    )


# --------------------------------------------------------------------------- the property

_names = itertools.count()


@settings(examples(ci=20, dev=3), suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(story=stories)
def test_every_export_imports_into_a_new_store_and_reads_back_the_same(
    new_store: Callable[[], Database], story: Story
) -> None:
    name = f"athlete {next(_names)}"
    source = new_store()
    live(source, name, story)
    before = everything(source, name)
    check_the_story(before)
    for fmt in ("json", "csv"):
        target = new_store()
        text = export_text(source, name, fmt)
        document = transfer.parse_export(text.encode(), source=f"export.{fmt}")
        result = transfer.import_document(*local(target), document)  # the real today
        assert result.athletes == (name,)
        assert result.sets == sum(len(s["sets"]) for s in before["export"]["sessions"])
        assert everything(target, name) == before, fmt
        assert export_text(target, name, fmt) == text  # byte for byte, checksum and all
        target.dispose()  # (PostgreSQL: its connections closed before the next example)
    source.dispose()


def test_sets_logged_late_keep_the_past_as_it_was_given_through_an_export(
    new_store: Callable[[], Database],
) -> None:
    source, target = new_store(), new_store()
    live(source, "ana", Story(skip=0, move=1, shifts=SHIFTS, logged=((0, 1),), pain=1), late=True)
    before = everything(source, "ana")
    text = export_text(source, "ana", "json")
    transfer.import_document(*local(target), transfer.parse_export(text.encode(), source="x"))
    assert everything(target, "ana")["export"] == before["export"]  # the records: the same
    assert everything(target, "ana")["plan"] == before["plan"]  # the past as given (R-HIST)


def test_an_export_carries_every_version_of_the_sessions_as_given_R_HIST(
    new_store: Callable[[], Database],
) -> None:
    source = new_store()
    live(source, "ana", Story(skip=0, move=1, shifts=SHIFTS, logged=((0, 1),), pain=1), late=True)
    document = transfer.export_document(*on(source, "ana"))
    assert document["format_version"] == 5
    given = [g for plan in document["athletes"][0]["plans"] for g in plan["given"]]
    shown = everything(source, "ana")["plan"]
    assert given and all(g["date"] <= TODAY.isoformat() for g in given)
    # every past session the plan shows is a given one, in the given form
    latest = {g["date"]: g["session"] for g in given}
    past = [s for s in shown["sessions"] if s["date"] < TODAY.isoformat()]
    assert past and all(s["date"] in latest for s in past)


def _given_broken(document: dict[str, Any], how: str) -> dict[str, Any]:
    broken = json.loads(json.dumps(document))
    plan = next(p for p in broken["athletes"][0]["plans"] if p["given"])
    first = plan["given"][0]
    if how == "twice":
        plan["given"].append(dict(first))
    elif how == "other day":
        first["session"]["date"] = (TODAY + dt.timedelta(days=1)).isoformat()
    elif how == "future":
        first["date"] = (TODAY + dt.timedelta(days=3)).isoformat()
        first["session"]["date"] = first["date"]
    elif how == "not a session":
        first["session"] = {"exercises": "none"}
    elif how == "no reason":
        first["reason"] = ""
    elif how == "huge dose":
        first["session"]["exercises"][0]["sets"] = 10**9
    return broken


@pytest.mark.parametrize(
    ("how", "message"),
    [
        ("twice", r"\.given\[\d+\]\.version: 1 of \d{4}-\d\d-\d\d appears twice; allowed: each"),
        ("other day", r"\.given\[0\]\.session\.date: .* is not the version's date; allowed: "),
        ("future", r"\.given\[0\]\.date: .* is in the future; allowed: today"),
        (
            "not a session",
            r"\.given\[0\]\.session: does not read as a session|\.given\[0\]\.session: ",
        ),
        ("no reason", r"\.given\[0\]\.reason: "),
        ("huge dose", r"\.given\[0\]\.session\.exercises\[0\]\.sets: 1000000000 is out of range"),
    ],
)
def test_a_broken_session_as_given_is_refused_naming_its_path_and_nothing_is_imported(
    new_store: Callable[[], Database], how: str, message: str
) -> None:
    source, target = new_store(), new_store()
    live(source, "ana", STORY)
    broken = _given_broken(transfer.export_document(*on(source, "ana")), how)
    with pytest.raises(InputError) as caught:
        transfer.import_document(*local(target), broken)
    assert re.search(r"athletes\[0\]\.plans\[\d+\]" + message, str(caught.value)), str(caught.value)
    assert transfer.export_document(*local(target), None, everyone=True)["athletes"] == []


def test_a_file_before_version_5_imports_and_says_its_past_is_made_afresh(
    new_store: Callable[[], Database],
) -> None:
    source, target = new_store(), new_store()
    live(source, "ana", STORY)
    document = transfer.export_document(*on(source, "ana"))
    document["format_version"] = 4
    for plan in document["athletes"][0]["plans"]:
        del plan["given"]
    for text in (transfer.document_to_json(document), transfer.document_to_csv(document)):
        read, warnings = transfer.read_export(text.encode(), source="old.file")
        assert any(
            "format version 4 does not carry the sessions as they were given" in w for w in warnings
        ), warnings
    transfer.import_document(*local(target), read)
    assert everything(target, "ana")["export"]["sessions"] == (document["athletes"][0]["sessions"])


def test_a_done_session_or_a_set_dated_after_today_is_still_refused(
    new_store: Callable[[], Database],
) -> None:
    source = new_store()
    live(source, "ana", STORY)
    document = transfer.export_document(*on(source, "ana"))
    sessions = document["athletes"][0]["sessions"]
    later = next(i for i, s in enumerate(sessions) if s["status"] == "skipped")
    day = sessions[later]["date"]
    done = json.loads(json.dumps(document))
    done["athletes"][0]["sessions"][later]["status"] = "done"
    with_sets = json.loads(json.dumps(document))
    a_set = next(s for log in sessions for s in log["sets"])
    with_sets["athletes"][0]["sessions"][later]["sets"] = [a_set]
    target = new_store()
    for bad in (done, with_sets):
        with pytest.raises(InputError) as caught:
            transfer.import_document(*local(target), bad)
        assert f'athletes[0].sessions[{later}].date: "{day}" is in the future; allowed: ' in str(
            caught.value
        )
    assert transfer.export_document(*local(target), None, everyone=True)["athletes"] == []


# --------------------------------------------------------------------------- CLI and page


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_the_export_and_import_commands_carry_a_skip_and_a_move_still_to_come(
    new_store: Callable[[], Database], tmp_path: Path, fmt: str
) -> None:
    source, target = new_store(), new_store()
    live(source, "ana", STORY)
    env = {"CALFCOACH_HOME": str(tmp_path / "home"), "CALFCOACH_DATABASE_URL": source.url}
    out = tmp_path / f"ana.{fmt}"
    code, _, err = invoke(env, "export", "--format", fmt, "--output", str(out))
    assert code == 0, err

    other = {**env, "CALFCOACH_DATABASE_URL": target.url}
    code, stdout, err = invoke(other, "import", str(out))

    assert code == 0, err
    assert "Imported 'ana'" in stdout
    assert everything(target, "ana") == everything(source, "ana")
    code, again, _ = invoke(other, "export", "--format", fmt)
    assert again == out.read_text()


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_the_export_page_download_uploads_into_another_store_after_a_skip_and_a_move(
    new_store: Callable[[], Database], tmp_path: Path, fmt: str
) -> None:
    """The report's steps: skip and move sessions still to come through the API, download,
    upload into another store (its page needs an athlete of its own: "bo")."""
    source, target = new_store(), new_store()
    athletes.add_athlete(*local(source), PROFILE, start=START, weeks=6, name="ana")
    athletes.add_athlete(*local(target), PROFILE, start=START, weeks=6, name="bo")
    ctx, actor, ana = on(source, "ana")
    sessions = training.current_plan(ctx, actor, ana, TODAY).plan.sessions
    future = [s.date for s in sessions if s.date > TODAY]
    html = {"accept": "text/html"}
    apps = [
        create_app(Settings(home=tmp_path / home, database_url=store.url))
        for home, store in (("a", source), ("b", target))
    ]
    try:
        with TestClient(apps[0], client=LOOPBACK) as a, TestClient(apps[1]) as b:
            skipped = a.post(f"/api/v1/athletes/{ana}/sessions/{future[0].isoformat()}/skip")
            assert skipped.status_code == 200, skipped.text
            moved = [
                a.post(
                    f"/api/v1/athletes/{ana}/sessions/{future[1].isoformat()}/move",
                    json={"to_date": (future[1] + dt.timedelta(days=shift)).isoformat()},
                ).status_code
                for shift in SHIFTS
            ]
            assert 200 in moved
            exported = a.get(f"/export/download?format={fmt}", headers=html)
            assert exported.status_code == 200
            response = b.post(
                "/export/import", files={"file": (f"export.{fmt}", exported.content)}, headers=html
            )
            assert response.status_code == 200, response.text
            assert "Imported <strong>ana</strong>" in response.text
    finally:
        for app in apps:
            app.state.service_context.close()
    before = everything(source, "ana")
    check_the_story(before)
    assert everything(target, "ana") == before
