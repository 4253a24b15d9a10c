"""Corrections (issue 7, item 16) and athlete names (item 20), on SQLite and PostgreSQL.

Every correction re-adapts only the future (R-HIST): the sessions given before it stay
exactly as they were. Every refusal writes nothing (an export before and after is equal).
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from tests.activity_files import RunSpec, fit_run
from tests.integration.test_services import FRI, PROFILE, START, TODAY, WED, a_set, make_athlete
from tests.service_calls import local, on
from typer.testing import CliRunner

from calfcoach.core.models import CapacityTest, HopTest, Session
from calfcoach.errors import InputError, NotFoundError
from calfcoach.services import athletes, corrections, runs, training, transfer
from calfcoach.services.calendar_feed import new_calendar_token
from calfcoach.services.corrections import SetChanges, SetRef
from calfcoach.storage.db import Database
from calfcoach.storage.orm import Base


def export(database: Database) -> dict[str, Any]:
    return transfer.export_document(*local(database), None, everyone=True)


def given_before(database: Database, day: dt.date) -> dict[dt.date, Session]:
    """The sessions of the plan dated before ``day``, as the plan shows them on ``day``."""
    plan = training.current_plan(*on(database, None), day).plan
    return {s.date: s for s in plan.sessions if s.date < day}


def log_as_they_go(database: Database, days: int = 3) -> list[dt.date]:
    """The athlete logs the first ``days`` sessions on their own day, as prescribed."""
    dates = [s.date for s in training.current_plan(*on(database, None), START).plan.sessions][:days]
    for date in dates:
        training.log_session_as_prescribed(*on(database, None), date, today=date, rpe=7, pain=1)
    return dates


NOT_AN_ATHLETES = {"access_tokens"}
"""Tables whose rows belong to no athlete: the installation's API tokens (issue 8)."""


def row_counts(database: Database) -> dict[str, int]:
    """The rows of every table that holds athletes' data."""
    with database.engine.connect() as connection:
        return {
            name: int(
                connection.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
            )
            for name, table in Base.metadata.tables.items()
            if name not in NOT_AN_ATHLETES
        }


# ---------------------------------------------------------------- sets


def test_editing_a_set_replaces_only_the_given_values(database: Database) -> None:
    make_athlete(database)
    training.log_set(*on(database, None), WED, a_set(set_number=1), today=TODAY)

    before, after = corrections.edit_set(
        *on(database, None),
        SetRef(date=WED, exercise="jump-rope", set_number=1),
        SetChanges(contacts=30, rpe=8),
        today=TODAY,
    )

    assert (before.set.contacts, before.set.rpe, before.set.pain) == (22, 6, 1)
    assert (after.set.contacts, after.set.rpe, after.set.pain) == (30, 8, 1)
    [stored] = corrections.list_sets(*on(database, None)).sets
    assert stored.id == before.id and stored.set == after.set


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (SetChanges(rpe=11), "rpe: 11 is out of range; allowed: 1-10"),
        (SetChanges(pain=-1), "pain: -1 is out of range; allowed: 0-10"),
        (SetChanges(contacts=5000), "contacts: 5000 is out of range; allowed: 0-2000"),
        (SetChanges(load_kg=900.0), "load_kg: 900 is out of range"),
        (SetChanges(), "change: missing"),
        (SetChanges(reps=10), "reps: this set is logged in contacts; allowed: contacts"),
    ],
)
def test_an_edit_is_checked_by_the_rules_of_logging_and_a_refused_one_writes_nothing(
    database: Database, changes: SetChanges, message: str
) -> None:
    make_athlete(database)
    training.log_set(*on(database, None), WED, a_set(set_number=1), today=TODAY)
    before = export(database)

    with pytest.raises(InputError, match=message.replace("(", r"\(")):
        corrections.edit_set(
            *on(database, None),
            SetRef(date=WED, exercise="jump-rope", set_number=1),
            changes,
            today=TODAY,
        )

    assert export(database) == before


def test_a_set_is_named_by_its_id_or_by_day_exercise_number_and_side_when_both_are_logged(
    database: Database,
) -> None:
    make_athlete(database)
    for side in ("left", "right"):
        training.log_set(*on(database, None), WED, a_set(side=side), today=TODAY)
    ref = SetRef(date=WED, exercise="jump-rope", set_number=1)

    with pytest.raises(InputError, match="side: missing; .* logged for left, right"):
        corrections.delete_set(*on(database, None), ref, today=TODAY)
    with pytest.raises(NotFoundError, match="set_number: no set 2 of jump-rope .*allowed: one of"):
        corrections.delete_set(
            *on(database, None), SetRef(date=WED, exercise="jump-rope", set_number=2), today=TODAY
        )
    with pytest.raises(NotFoundError, match="id: no logged set #999"):
        corrections.delete_set(*on(database, None), SetRef(id=999), today=TODAY)

    right = corrections.delete_set(
        *on(database, None),
        SetRef(date=WED, exercise="jump-rope", set_number=1, side="right"),
        today=TODAY,
    )
    left = corrections.list_sets(*on(database, None)).sets[0]
    corrections.delete_set(*on(database, None), SetRef(id=left.id), today=TODAY)

    assert right.set.side == "right" and left.set.side == "left"
    assert corrections.list_sets(*on(database, None)).sets == ()


def test_deleting_the_last_set_of_a_day_leaves_the_day_unlogged(database: Database) -> None:
    make_athlete(database)
    training.log_set(*on(database, None), WED, a_set(), today=TODAY)

    corrections.delete_set(
        *on(database, None), SetRef(date=WED, exercise="jump-rope", set_number=1), today=TODAY
    )

    # no empty "done" day is left behind: the day can be skipped or logged again
    training.skip_session(*on(database, None), WED, today=TODAY)
    assert training.current_plan(*on(database, None), TODAY).log.skipped == (WED,)


def test_a_set_of_another_athlete_cannot_be_corrected_by_its_id(database: Database) -> None:
    make_athlete(database, "ana")
    make_athlete(database, "bea")
    training.log_set(*on(database, "ana"), WED, a_set(), today=TODAY)
    [stored] = corrections.list_sets(*on(database, "ana")).sets
    before = export(database)

    with pytest.raises(NotFoundError, match=f"id: no logged set #{stored.id} of 'bea'"):
        corrections.delete_set(*on(database, "bea"), SetRef(id=stored.id), today=TODAY)

    assert export(database) == before


@pytest.mark.parametrize("correction", ["edit", "delete"])
def test_a_correction_of_a_past_day_never_changes_the_sessions_given_before_it_R_HIST(
    database: Database, correction: str
) -> None:
    make_athlete(database)
    logged = log_as_they_go(database, days=3)
    training.record_test(*on(database, None), CapacityTest(date=FRI, left=20, right=24), today=FRI)
    # Sessions after the last logged day were given (shown) but not logged: the correction
    # of that day would change them, were they not fixed before it (training.settle).
    today = logged[-1] + dt.timedelta(days=22)
    given = given_before(database, today)
    corrected = [
        s for s in corrections.list_sets(*on(database, None)).sets if s.set.date == logged[-1]
    ]
    assert corrected and len(given) >= 8

    for stored in corrected:
        if correction == "edit":
            corrections.edit_set(
                *on(database, None),
                SetRef(id=stored.id),
                SetChanges(reps=1 if stored.set.reps else None, rpe=10, pain=9),
                today=today,
            )
        else:
            corrections.delete_set(*on(database, None), SetRef(id=stored.id), today=today)

    assert given_before(database, today) == given
    assert given_before(database, today + dt.timedelta(days=14)).items() >= given.items()
    sets = corrections.list_sets(*on(database, None)).sets
    if correction == "edit":
        assert {(s.set.rpe, s.set.pain) for s in sets if s.set.date == logged[-1]} == {(10, 9)}
    else:
        assert all(s.set.date != logged[-1] for s in sets)


def test_a_correction_re_adapts_the_coming_sessions(database: Database) -> None:
    make_athlete(database)
    logged = log_as_they_go(database, days=4)
    today = logged[-1] + dt.timedelta(days=1)
    coming = training.current_plan(*on(database, None), today).plan.sessions
    for stored in corrections.list_sets(*on(database, None)).sets:
        corrections.edit_set(
            *on(database, None), SetRef(id=stored.id), SetChanges(rpe=10, pain=6), today=today
        )

    after = training.current_plan(*on(database, None), today).plan.sessions
    assert [s for s in after if s.date >= today] != [s for s in coming if s.date >= today]


# ---------------------------------------------------------------- skip


def test_undoing_a_skip_plans_the_session_again(database: Database) -> None:
    make_athlete(database)
    training.skip_session(*on(database, None), WED, today=TODAY)

    corrections.undo_skip(*on(database, None), WED, today=TODAY)

    assert training.current_plan(*on(database, None), TODAY).log.skipped == ()
    training.log_set(*on(database, None), WED, a_set(), today=TODAY)  # loggable again


def test_undoing_a_skip_of_a_day_that_is_not_skipped_is_refused(database: Database) -> None:
    make_athlete(database)
    training.log_set(*on(database, None), WED, a_set(), today=TODAY)
    before = export(database)

    for day in (WED, FRI):
        with pytest.raises(InputError, match=f"date: the session of {day} is not skipped"):
            corrections.undo_skip(*on(database, None), day, today=TODAY)
    with pytest.raises(InputError, match="date: 0001-01-01 is out of range"):
        corrections.undo_skip(*on(database, None), dt.date(1, 1, 1), today=TODAY)

    assert export(database) == before


# ---------------------------------------------------------------- athletes


def test_renaming_an_athlete_keeps_everything_of_theirs(database: Database) -> None:
    make_athlete(database, "ana")
    training.log_set(*on(database, None), WED, a_set(), today=TODAY)
    plan = training.current_plan(*on(database, None), TODAY).plan

    renamed = corrections.rename_athlete(*on(database, "ANA"), "  Ana Lopes ")

    assert renamed.name == "Ana Lopes" and renamed.profile.name == "Ana Lopes"
    assert [a.name for a in athletes.list_athletes(*local(database))] == ["Ana Lopes"]
    assert training.current_plan(*on(database, "ana lopes"), TODAY).plan == plan
    assert len(corrections.list_sets(*on(database, "Ana Lopes")).sets) == 1
    # only the case of one's own name may change too
    assert corrections.rename_athlete(*on(database, "Ana Lopes"), "ANA LOPES").name == "ANA LOPES"


@pytest.mark.parametrize(
    ("new", "message"),
    [
        ("BEA", "new_name: an athlete named 'bea' already exists"),
        ("", "new_name: missing"),
        ("a\nb", "new_name: 'a\\\\nb' holds the control character U\\+000A \\(newline\\)"),
        ("x" * 101, "new_name: 101 characters is too long; allowed: at most 100"),
    ],
)
def test_a_rename_is_checked_like_a_new_name_and_a_refused_one_writes_nothing(
    database: Database, new: str, message: str
) -> None:
    make_athlete(database, "ana")
    make_athlete(database, "bea")
    before = export(database)

    with pytest.raises(InputError, match=message):
        corrections.rename_athlete(*on(database, "ana"), new)

    assert export(database) == before


ACCOUNT_TABLES = {
    "accounts",
    "auth_sessions",
    "login_throttle",
    "one_time_tokens",
    "coach_invitations",  # a coach's link: it names an athlete only once accepted
}
"""Logins (issue 9), not training data: counted apart. Removing an athlete deletes the
athlete's own account with its sessions and tokens and ends its coach links (D-107)."""


def test_removing_an_athlete_deletes_every_row_of_theirs_in_every_table_and_nothing_else(
    database: Database,
) -> None:
    make_athlete(database, "bea")
    training.log_set(*on(database, "bea"), WED, a_set(), today=TODAY)
    others = row_counts(database)
    bea = export(database)
    make_athlete(database, "ana")
    log_as_they_go_for(database, "ana")
    with database.unit_of_work() as uow:
        ana = uow.athletes.by_name("ana")
        uow.logs.add_note(ana.id, WED, "a note")
        uow.commit()
    training.record_checkin(*on(database, "ana"), WED, pain=2, stiffness=1, today=TODAY)
    training.record_test(
        *on(database, "ana"), CapacityTest(date=WED, left=20, right=22), today=TODAY
    )
    training.record_hop_test(*on(database, "ana"), HopTest(date=WED, hops=30, pain=0), today=TODAY)
    thu = WED + dt.timedelta(days=1)
    training.record_checkin(
        *on(database, "ana"), thu, pain=3, stiffness=2, today=TODAY, red_flags=["swelling"]
    )
    training.record_clearance(*on(database, "ana"), FRI, today=TODAY)
    new_calendar_token(*on(database, "ana"))  # issue 8: the calendar subscription address
    runs.import_bytes(*on(database, "ana"), [("r.fit", fit_run(RunSpec(RUN_START)))])  # issue 10
    runs.import_calendar(*on(database, "ana"), "plan.ics", today=TODAY, data=PLAN_ICS)
    training.log_set(*on(database, "ana"), TODAY, a_set(), today=TODAY)  # keeps a snapshot
    training.today_answer(*on(database, "ana"), TODAY)  # a stored day answer (issue 8)
    with database.unit_of_work() as uow:  # issue 9: ana's account, and a coach who follows her
        ana_id = uow.athletes.by_name("ana").id
        own = uow.accounts.add("ana@example.org", "Ana", athlete_id=ana_id).id
        coach = uow.accounts.add("coach@example.org", "Coach", is_coach=True).id
        uow.accounts.add_coach_link(coach, ana_id)
        uow.coaching.add_note(ana_id, coach, "Coach", None, "Keep the long run easy.")
        uow.coaching.add_event(ana_id, coach, "coach@example.org", "note", None, {"text": "x"})
        uow.commit()
    full = row_counts(database)
    assert [t for t in full if full[t] <= others[t] and t not in ACCOUNT_TABLES] == []

    removed = corrections.remove_athlete(*on(database, "ANA"))

    assert removed.name == "ana" and removed.rows["athletes"] == 1
    assert removed.rows["coach_links"] == 1
    after = row_counts(database)
    assert {t: n for t, n in after.items() if t not in ACCOUNT_TABLES} == {
        t: n for t, n in others.items() if t not in ACCOUNT_TABLES
    }
    assert export(database) == bea
    assert removed.rows["accounts"] == 1  # ana's own login goes with her (D-107)
    with database.unit_of_work(read_only=True) as uow:
        assert uow.accounts.get(own) is None
        assert uow.accounts.get(coach) is not None  # the coach stays, following nobody
        assert uow.accounts.coached_athletes(coach) == frozenset()

    with pytest.raises(NotFoundError, match="athlete: no athlete named 'ana'"):
        training.current_plan(*on(database, "ana"), TODAY)


RUN_START = dt.datetime(2026, 3, 17, 7, 0, tzinfo=dt.UTC)
PLAN_ICS = (
    b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:1@t\r\n"
    b"DTSTAMP:20260301T000000Z\r\nDTSTART;VALUE=DATE:20260322\r\nSUMMARY:Long run\r\n"
    b"END:VEVENT\r\nEND:VCALENDAR\r\n"
)


def log_as_they_go_for(database: Database, name: str) -> None:
    plan = training.current_plan(*on(database, name), START).plan
    for session in plan.sessions[:2]:
        training.log_session_as_prescribed(
            *on(database, name), session.date, today=session.date, rpe=7, pain=1
        )
    training.skip_session(*on(database, name), plan.sessions[2].date, today=plan.sessions[2].date)


def test_removing_an_athlete_needs_their_name(database: Database) -> None:
    make_athlete(database, "ana")
    with pytest.raises(NotFoundError, match="athlete: no athlete named 'bob'"):
        corrections.remove_athlete(*on(database, "bob"))
    assert [a.name for a in athletes.list_athletes(*local(database))] == ["ana"]


# ---------------------------------------------------------------- names (item 20)


@pytest.mark.parametrize(
    ("first", "same"),
    [
        ("Ana", "ANA"),
        ("Ana", "ana"),
        ("Ana", " aNa "),
        ("Aná", unicodedata.normalize("NFD", "Aná")),
        ("Aná", "ANÁ"),
        ("Strauß", "STRAUSS"),
    ],
)
def test_names_that_differ_only_by_case_or_unicode_form_are_one_athlete(
    database: Database, first: str, same: str
) -> None:
    athletes.add_athlete(*local(database), PROFILE, start=START, name=first)
    before = export(database)

    with pytest.raises(InputError, match="name: an athlete named .* already exists"):
        athletes.add_athlete(*local(database), PROFILE, start=START, name=same)

    assert export(database) == before
    ctx, actor = local(database)
    found = athletes.find_athlete_id(ctx, actor, same)
    assert athletes.get_athlete(ctx, actor, found).name == first


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("Ana\nLopes", "U+000A (newline)"),
        ("Ana\tLopes", "U+0009 (tab)"),
        ("\x1b[31mAna", "U+001B (escape)"),
        ("Ana\x00", "U+0000 (NUL)"),
        ("An\u200ba", "U+200B (zero width space)"),
        ("Ana\u202eLopes", "U+202E (right-to-left override)"),
    ],
)
def test_a_name_with_a_control_character_is_refused_naming_it(
    database: Database, name: str, shown: str
) -> None:
    with pytest.raises(InputError) as raised:
        athletes.add_athlete(*local(database), PROFILE, start=START, name=name)

    assert f"holds the control character {shown}" in raised.value.problems[0]
    assert raised.value.problems[0].startswith("name: ")
    assert athletes.list_athletes(*local(database)) == []


def test_a_name_is_stored_nfc_and_stripped(database: Database) -> None:
    added = athletes.add_athlete(
        *local(database),
        PROFILE,
        start=START,
        name="  " + unicodedata.normalize("NFD", "José") + " ",
    )
    assert added.athlete.name == "José" == unicodedata.normalize("NFC", added.athlete.name)


def test_an_import_cannot_add_an_athlete_whose_name_differs_only_by_case(
    database: Database,
) -> None:
    make_athlete(database, "ana")
    document = transfer.export_document(*on(database, "ana"))
    document["athletes"][0]["name"] = "ANA"
    before = export(database)

    with pytest.raises(InputError, match="already exists"):
        transfer.import_document(*local(database), document)

    assert export(database) == before


# ---------------------------------------------------------------- plans


def test_extending_a_plan_adds_weeks_and_keeps_every_session_given_R_HIST(
    database: Database,
) -> None:
    make_athlete(database)  # 8 weeks from START
    log_as_they_go(database, days=4)
    today = START + dt.timedelta(weeks=5)
    given = given_before(database, today)

    change = corrections.extend_plan(*on(database, None), 4, today=today)

    assert (change.weeks, change.first_new_day) == (12, START + dt.timedelta(weeks=8))
    current = training.current_plan(*on(database, None), today)
    assert current.stored.plan.weeks == 12
    assert given_before(database, today) == given
    added = [s for s in current.plan.sessions if s.date >= change.first_new_day]
    assert added and max(s.week for s in added) == 12
    with database.unit_of_work() as uow:
        assert [p.session.date for p in uow.plans.sessions(current.stored.id)] == [
            s.date for s in current.stored.plan.sessions
        ]


def test_a_plan_is_extended_to_at_most_52_weeks_and_not_after_it_has_ended(
    database: Database,
) -> None:
    make_athlete(database)
    before = export(database)
    with pytest.raises(InputError, match=r"weeks: 45 is out of range; allowed: 1-44"):
        corrections.extend_plan(*on(database, None), 45, today=START)
    with pytest.raises(InputError, match=r"weeks: 0 is out of range; allowed: 1-44"):
        corrections.extend_plan(*on(database, None), 0, today=START)
    ended = START + dt.timedelta(weeks=8, days=1)
    with pytest.raises(InputError, match="the plan ended on 2026-04-26; allowed: start the next"):
        corrections.extend_plan(*on(database, None), 4, today=ended)
    assert export(database) == before


def test_the_next_block_starts_after_the_plan_and_continues_from_what_was_done(
    database: Database,
) -> None:
    athletes.add_athlete(*local(database), PROFILE, start=START, weeks=4, name="ana")
    for session in training.current_plan(*on(database, None), START).plan.sessions:
        training.log_session_as_prescribed(
            *on(database, None), session.date, today=session.date, rpe=6, pain=0
        )
    end = START + dt.timedelta(weeks=4)
    given = given_before(database, end)

    change = corrections.next_plan(*on(database, None), today=end)

    assert (change.start, change.weeks) == (end, 4)
    following = training.current_plan(*on(database, "ana"), end).plan
    fresh = athletes.add_athlete(
        *local(database), PROFILE, start=end, weeks=4, name="bea"
    ).plan.plan
    # not a plan from the profile alone: the doses go on from the log
    assert following.sessions != fresh.sessions
    reps = {p.exercise: p.reps for s in following.sessions[:4] for p in s.exercises if p.reps}
    fresh_reps = {p.exercise: p.reps for s in fresh.sessions[:4] for p in s.exercises if p.reps}
    assert any(reps[k] > fresh_reps[k] for k in reps.keys() & fresh_reps.keys())
    # the ended plan and every session given in it stay stored as they were
    with database.unit_of_work(read_only=True) as uow:
        ana = uow.athletes.by_name("ana")
        old = uow.plans.history(ana.id)[1]
        fixed = {d: f.session for d, f in uow.history.fixed(ana.id, old.id).items()}
    assert fixed == given


def test_the_next_block_is_refused_while_the_plan_runs_or_before_it_could_start(
    database: Database,
) -> None:
    make_athlete(database)
    before = export(database)
    with pytest.raises(InputError, match="plan: the plan of 'ana' runs until 2026-04-26"):
        corrections.next_plan(*on(database, None), today=TODAY)
    end = START + dt.timedelta(weeks=8)
    with pytest.raises(InputError, match="start: 2026-04-26 is before the next block"):
        corrections.next_plan(*on(database, None), today=end, start=end - dt.timedelta(days=1))
    with pytest.raises(InputError, match="weeks: 53 is out of range; allowed: 1-52"):
        corrections.next_plan(*on(database, None), today=end, weeks=53)
    assert export(database) == before


def test_today_says_when_the_plan_has_ended_and_how_to_go_on(database: Database) -> None:
    make_athlete(database)
    end = START + dt.timedelta(weeks=8)

    before_end = training.day_plan(*on(database, None), end - dt.timedelta(days=1))
    at_end = training.day_plan(*on(database, None), end)
    later = training.day_plan(*on(database, None), end + dt.timedelta(days=10))

    assert corrections.plan_ended(before_end, end - dt.timedelta(days=1)) is None
    ended = corrections.plan_ended(at_end, end, athlete="ana")
    assert ended is not None and ended.last_day == end - dt.timedelta(days=1)
    assert "calfcoach extend-plan --athlete ana --weeks 4" in ended.message
    assert "calfcoach next-plan --athlete ana" in ended.message
    long_ago = corrections.plan_ended(later, end + dt.timedelta(days=10))
    assert long_ago is not None and "extend-plan" not in long_ago.message


# ---------------------------------------------------------------- the CLI


def run(url: str, tmp_path: Path, *args: str, input: str | None = None) -> Any:
    from calfcoach.cli import app

    env = {"CALFCOACH_HOME": str(tmp_path / "home"), "CALFCOACH_DATABASE_URL": url}
    result = CliRunner().invoke(app, list(args), env=env, input=input)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


def test_the_correction_commands_as_a_user_runs_them(
    database: Database, database_url: str, tmp_path: Path
) -> None:
    make_athlete(database, "ana")
    training.log_set(*on(database, None), WED, a_set(), today=TODAY)

    listed = run(database_url, tmp_path, "sets", "--date", WED.isoformat())
    assert listed.exit_code == 0 and "jump-rope set 1 (both): 22 contacts" in listed.stdout
    bad = run(
        database_url,
        tmp_path,
        "edit-set",
        "--date",
        WED.isoformat(),
        "--exercise",
        "jump-rope",
        "--set",
        "1",
        "--rpe",
        "12",
    )
    assert bad.exit_code == 2 and "error: --rpe: 12 is out of range" in bad.stderr
    edited = run(
        database_url,
        tmp_path,
        "edit-set",
        "--date",
        WED.isoformat(),
        "--exercise",
        "jump-rope",
        "--set",
        "1",
        "--contacts",
        "25",
    )
    assert edited.exit_code == 0 and "Now: #" in edited.stdout
    kept = run(
        database_url,
        tmp_path,
        "delete-set",
        "--date",
        WED.isoformat(),
        "--exercise",
        "jump-rope",
        "--set",
        "1",
        input="n\n",
    )
    assert kept.exit_code == 1 and len(corrections.list_sets(*on(database, None)).sets) == 1
    gone = run(
        database_url,
        tmp_path,
        "delete-set",
        "--date",
        WED.isoformat(),
        "--exercise",
        "jump-rope",
        "--set",
        "1",
        "--yes",
    )
    assert gone.exit_code == 0 and corrections.list_sets(*on(database, None)).sets == ()

    kept = run(database_url, tmp_path, "athlete", "remove", "ana", input="n\n")
    assert kept.exit_code == 1 and [a.name for a in athletes.list_athletes(*local(database))] == [
        "ana"
    ]
    bad = run(database_url, tmp_path, "athlete", "rename", "ana", "tab\there")
    assert bad.exit_code == 2 and "error: NEW_NAME: 'tab\\there' holds the control" in bad.stderr
    renamed = run(database_url, tmp_path, "athlete", "rename", "ANA", "Ana")
    assert renamed.exit_code == 0, renamed.stderr
    removed = run(database_url, tmp_path, "athlete", "remove", "ana", "--yes")
    assert removed.exit_code == 0 and athletes.list_athletes(*local(database)) == []


def test_today_after_the_plan_prints_that_it_ended_and_the_next_command(
    database: Database, database_url: str, tmp_path: Path
) -> None:
    make_athlete(database, "ana")
    day = (START + dt.timedelta(weeks=8)).isoformat()

    result = run(database_url, tmp_path, "today", "--date", day)

    assert result.exit_code == 0
    text = " ".join(result.stdout.split())
    assert "The plan ended on Sun 2026-04-26" in text and "calfcoach next-plan" in text
    assert "rest day" not in text


def test_today_of_the_next_block_is_the_same_on_the_sqlite_fast_read_path(
    database: Database, database_url: str, tmp_path: Path
) -> None:
    import json

    from calfcoach.formats.plan_json import session_to_dict

    athletes.add_athlete(*local(database), PROFILE, start=START, weeks=2, name="ana")
    for session in training.current_plan(*on(database, None), START).plan.sessions:
        training.log_session_as_prescribed(
            *on(database, None), session.date, today=session.date, rpe=6, pain=0
        )
    end = START + dt.timedelta(weeks=2)
    corrections.next_plan(*on(database, None), today=end)
    first = training.current_plan(*on(database, None), end).plan.sessions[0]

    result = run(database_url, tmp_path, "today", "--date", first.date.isoformat(), "-f", "json")

    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == session_to_dict(first)


def test_an_import_of_two_athletes_whose_names_differ_only_by_case_writes_nothing(
    database: Database,
) -> None:
    import copy

    make_athlete(database, "ana")
    document = transfer.export_document(*on(database, "ana"))
    corrections.remove_athlete(*on(database, "ana"))
    twin = copy.deepcopy(document["athletes"][0])
    twin["name"] = "ANA"
    document["athletes"].append(twin)

    with pytest.raises(InputError, match="already exists"):
        transfer.import_document(*local(database), document)

    assert athletes.list_athletes(*local(database)) == []
