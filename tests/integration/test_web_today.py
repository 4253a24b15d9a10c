"""Today, guided mode, logging a set, skip and move (issue 8, part 2), on SQLite and
PostgreSQL. A refused form answers 422 with the message at its field and stores nothing."""

from __future__ import annotations

import datetime as dt
import uuid
from urllib.parse import urlencode

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from tests.integration.web_pages import (
    LOCAL,
    add_runner,
    last_session_by_today,
    on_app,
    stored,
    text_of,
)

from calfcoach.core.models import Session
from calfcoach.services.context import ServiceContext

HTMX = {"HX-Request": "true"}


@pytest.fixture
def sessions(app: FastAPI) -> list[Session]:
    return add_runner(app)


def set_form(session: Session, **changes: str) -> dict[str, str]:
    """The form of set 1 of the session's first exercise, as the page prefills it."""
    p = session.exercises[0]
    measure = "reps" if p.reps is not None else "seconds" if p.seconds else "contacts"
    form = {
        "date": session.date.isoformat(),
        "exercise": p.exercise,
        "exercise_name": p.exercise,
        "set_number": "1",
        "side": "left" if p.per_side else "both",
        "measure": measure,
        "units": "metric",
        measure: str(getattr(p, measure) or 10),
        "load": "",
        "rpe": "6",
        "pain": "1",
        "client_id": str(uuid.uuid4()),
    }
    form.update(changes)
    return form


def logged_sets(app: FastAPI) -> list[dict[str, object]]:
    document = stored(app)
    return [
        s
        for athlete in document["athletes"]
        for log in athlete.get("sessions", [])
        for s in log.get("sets", [])
    ]


def test_no_athlete_yet_sends_today_to_onboarding(client: TestClient) -> None:
    response = client.get("/today", headers={"accept": "text/html"}, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/welcome"


def test_today_shows_each_exercise_with_dose_cues_and_why(
    client: TestClient, sessions: list[Session]
) -> None:
    session = last_session_by_today(sessions)
    page = client.get(f"/today?date={session.date.isoformat()}")
    assert page.status_code == 200
    words = text_of(page.text)
    assert session.title in words
    for p in session.exercises:
        assert f'id="ex-{p.exercise}"' in page.text
        for reason in p.reasons:
            assert reason.rule in words
    assert "Cues" in words and "Why" in words
    assert f"{session.exercises[0].sets} x" in words  # the dose, as the CLI spells it
    assert 'name="client_id"' in page.text and "data-client-id" in page.text
    assert "Start guided mode" in words


def test_a_rest_day_says_so_and_names_the_next_session(
    client: TestClient, sessions: list[Session]
) -> None:
    days = {s.date for s in sessions}
    rest = next(
        sessions[0].date + dt.timedelta(days=n)
        for n in range(1, 14)
        if sessions[0].date + dt.timedelta(days=n) not in days
    )
    following = min(d for d in days if d > rest)
    page = client.get(f"/today?date={rest.isoformat()}")
    assert page.status_code == 200
    words = text_of(page.text)
    assert "Rest day" in words
    assert f"Next session: {following:%a %d %b}" in words
    assert "data-set-form" not in page.text


def test_a_stopped_day_shows_its_advice_and_no_exercise(
    app: FastAPI, client: TestClient, sessions: list[Session]
) -> None:
    from calfcoach.services.training import record_checkin

    today = dt.date.today()
    record_checkin(
        *on_app(app), today, pain=3, stiffness=2, today=today, red_flags=["pop"]
    )  # R-PAIN-2a: a pop stops the plan until a clearance
    upcoming = next(s for s in sessions if s.date >= today)
    for path in ("/today", "/today/guided"):
        page = client.get(f"{path}?date={upcoming.date.isoformat()}")
        assert page.status_code == 200
        assert "data-stopped" in page.text
        assert "clinician" in page.text
        assert "data-set-form" not in page.text
        assert "ex-" + upcoming.exercises[0].exercise not in page.text
        assert "data-step" not in page.text


def test_a_bad_date_in_the_address_is_a_422_page_naming_the_field(
    client: TestClient, sessions: list[Session]
) -> None:
    page = client.get("/today?date=2026-13-40")
    assert page.status_code == 422
    assert "date: &#39;2026-13-40&#39; is not a valid date; allowed: YYYY-MM-DD" in page.text


def test_a_set_logged_from_its_form_is_stored_with_its_planned_values(
    app: FastAPI, client: TestClient, sessions: list[Session]
) -> None:
    session = last_session_by_today(sessions)
    response = client.post("/today/sets", data=set_form(session), headers=HTMX)
    assert response.status_code == 200, response.text
    assert "data-set-logged" in response.text
    assert "set 1" in response.text
    sets = logged_sets(app)
    assert len(sets) == 1
    assert sets[0]["exercise"] == session.exercises[0].exercise
    assert sets[0]["rpe"] == 6 and sets[0]["pain"] == 1
    page = client.get(f"/today?date={session.date.isoformat()}")
    assert "1 of" in text_of(page.text) and "data-set-logged" in page.text


def test_a_set_form_without_htmx_goes_back_to_today(
    app: FastAPI, client: TestClient, sessions: list[Session]
) -> None:
    session = last_session_by_today(sessions)
    response = client.post("/today/sets", data=set_form(session), follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == f"/today?date={session.date.isoformat()}"
    assert len(logged_sets(app)) == 1


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"rpe": "11"}, "rpe", "11 is out of range; allowed: 1-10"),
        ({"pain": "-1"}, "pain", "-1 is out of range; allowed: 0-10"),
        ({"pain": "lots"}, "pain", "&#39;lots&#39; is not a whole number; allowed: 0-10"),
        ({"load": "900"}, "load", "900 is out of range; allowed: 0-500 kg"),
        ({"load": "heavy"}, "load", "&#39;heavy&#39; is not a number"),
        ({"set_number": "0"}, "set_number", "0 is out of range; allowed: 1-50"),
        ({"side": "middle"}, "side", "&#39;middle&#39; is not allowed; allowed: left, right, both"),
        ({"client_id": "not-a-uuid"}, "client_id", "is not a UUID"),
        # the CLI's rule and words for a typed number (int() alone takes "1_0" and "１")
        (
            {"rpe": "1_0"},
            "rpe",
            "&#39;1_0&#39; is not a whole number in plain digits; allowed: 1-10",
        ),
        ({"pain": "\uff11"}, "pain", "&#39;\uff11&#39; is not a whole number in plain digits"),
        ({"load": "\u0665"}, "load", "&#39;\u0665&#39; is not a number"),
    ],
)
def test_an_invalid_set_gets_its_message_at_the_field_and_nothing_is_stored(
    app: FastAPI,
    client: TestClient,
    sessions: list[Session],
    changes: dict[str, str],
    field: str,
    words: str,
) -> None:
    session = last_session_by_today(sessions)
    before = stored(app)
    response = client.post("/today/sets", data=set_form(session, **changes), headers=HTMX)
    assert response.status_code == 422
    assert words in response.text
    assert f'-{field}-error"' in response.text
    assert 'aria-invalid="true"' in response.text or field in ("set_number", "side", "client_id")
    assert "data-set-form" in response.text  # the form again, with what was typed
    assert stored(app) == before


def test_an_invalid_set_without_htmx_shows_today_again_with_the_message(
    app: FastAPI, client: TestClient, sessions: list[Session]
) -> None:
    session = last_session_by_today(sessions)
    before = stored(app)
    response = client.post("/today/sets", data=set_form(session, rpe="0"))
    assert response.status_code == 422
    assert "0 is out of range; allowed: 1-10" in response.text
    assert session.title in response.text
    assert stored(app) == before


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"set_number": "1.5"}, "set_number: &#39;1.5&#39; is not a whole number; allowed: 1-50"),
        ({"set_number": "0"}, "set_number: 0 is out of range; allowed: 1-50"),
        ({"side": "middle"}, "side: &#39;middle&#39; is not allowed; allowed: left, right, both"),
    ],
)
def test_an_invalid_set_without_htmx_whose_form_is_not_on_the_page_still_says_why(
    app: FastAPI,
    client: TestClient,
    sessions: list[Session],
    changes: dict[str, str],
    words: str,
) -> None:
    """The page showed a set's problem only at the form of its set: a set number or side
    the session has no form for gave a 422 page without a word of why."""
    session = last_session_by_today(sessions)
    before = stored(app)
    response = client.post("/today/sets", data=set_form(session, **changes))
    assert response.status_code == 422
    assert f'<p class="field-error" role="alert">{words}</p>' in response.text
    assert stored(app) == before


def test_a_set_posted_again_without_htmx_once_it_is_logged_says_it_is_logged(
    app: FastAPI, client: TestClient, sessions: list[Session]
) -> None:
    """Its form is gone (the set shows as logged), so the refusal is said at the top."""
    session = last_session_by_today(sessions)
    first = client.post("/today/sets", data=set_form(session), follow_redirects=False)
    assert first.status_code == 303
    before = stored(app)
    again = client.post("/today/sets", data=set_form(session, rpe="7"), follow_redirects=False)
    assert again.status_code in (409, 422), again.status_code
    assert 'role="alert">' in again.text and "already" in text_of(again.text)
    assert stored(app) == before


def test_a_set_form_field_sent_twice_is_refused_at_the_field_not_stored_as_the_last(
    app: FastAPI, client: TestClient, sessions: list[Session]
) -> None:
    """``rpe=6&rpe=9`` stored RPE 9 without a word."""
    session = last_session_by_today(sessions)
    form = set_form(session)
    before = stored(app)
    body = urlencode([*form.items(), ("rpe", "9")])
    headers = {**HTMX, "content-type": "application/x-www-form-urlencoded"}
    response = client.post("/today/sets", content=body, headers=headers)
    assert response.status_code == 422
    assert "given more than once; allowed: one value" in response.text
    assert '-rpe-error"' in response.text
    assert stored(app) == before


def test_a_set_dated_after_today_is_refused(
    app: FastAPI, client: TestClient, sessions: list[Session]
) -> None:
    session = next(s for s in sessions if s.date > dt.date.today())
    before = stored(app)
    response = client.post("/today/sets", data=set_form(session), headers=HTMX)
    assert response.status_code == 422
    assert "is in the future" in response.text
    assert stored(app) == before


def test_posting_the_same_client_id_twice_stores_one_set(
    app: FastAPI, client: TestClient, sessions: list[Session]
) -> None:
    session = last_session_by_today(sessions)
    form = set_form(session)
    first = client.post("/today/sets", data=form, headers=HTMX)
    again = client.post("/today/sets", data=form, headers=HTMX)  # a retried, queued post
    assert first.status_code == 200
    assert again.status_code == 200  # acknowledged again, not refused as a duplicate
    assert len(logged_sets(app)) == 1
    # The answer to the retry is the stored set's row, as the first answer was.
    assert "data-set-logged" in again.text and "field-error" not in again.text
    assert text_of(again.text) == text_of(first.text)


def test_a_retried_post_without_htmx_goes_back_to_today_and_stores_nothing_new(
    app: FastAPI, client: TestClient, sessions: list[Session]
) -> None:
    session = last_session_by_today(sessions)
    form = set_form(session)
    client.post("/today/sets", data=form, follow_redirects=False)
    again = client.post("/today/sets", data=form, follow_redirects=False)
    assert again.status_code == 303
    assert len(logged_sets(app)) == 1


def test_a_client_id_reused_for_another_set_is_refused_at_the_form(
    app: FastAPI, client: TestClient, sessions: list[Session]
) -> None:
    session = last_session_by_today(sessions)
    form = set_form(session)
    assert client.post("/today/sets", data=form, headers=HTMX).status_code == 200
    before = stored(app)
    other = dict(form, set_number="2")  # the same client id on another set (D-68)
    response = client.post("/today/sets", data=other, headers=HTMX)
    assert response.status_code == 422
    assert 'id="' in response.text and "-client_id-error" in response.text
    assert "allowed: a new client id for each set" in response.text
    assert stored(app) == before


def test_a_client_id_sent_again_with_other_values_is_refused_at_the_form(
    app: FastAPI, client: TestClient, sessions: list[Session]
) -> None:
    """A resubmitted form with new values under the id of a stored set: refused where the
    page refuses a set (422, the message at the form, as the offline queue reads it), never
    answered "logged" with the old values."""
    session = last_session_by_today(sessions)
    form = set_form(session)
    measure = form["measure"]
    assert client.post("/today/sets", data=form, headers=HTMX).status_code == 200
    before = stored(app)
    changed = dict(form, pain="7", **{measure: str(int(form[measure]) + 3)})
    response = client.post("/today/sets", data=changed, headers=HTMX)
    assert response.status_code == 422
    assert "-client_id-error" in response.text and "data-set-logged" not in response.text
    shown = text_of(response.text)
    assert f"this request differs in {measure} {changed[measure]} (stored: {form[measure]})" in (
        shown
    )
    assert "pain 7 (stored: 1)" in shown
    assert stored(app) == before
    again = client.post("/today/sets", data=form, headers=HTMX)  # the same values: a retry
    assert again.status_code == 200 and "data-set-logged" in again.text


def test_skip_marks_the_session_skipped_and_a_second_skip_is_refused(
    app: FastAPI, client: TestClient, sessions: list[Session]
) -> None:
    upcoming = next(s for s in sessions if s.date >= dt.date.today())
    form = {"date": upcoming.date.isoformat(), "back": "today"}
    response = client.post("/sessions/skip", data=form, follow_redirects=False)
    assert response.status_code == 303
    page = client.get(response.headers["location"])
    assert "Session skipped." in page.text
    before = stored(app)
    again = client.post("/sessions/skip", data=form)
    assert again.status_code == 422
    assert "is already skipped" in again.text
    assert stored(app) == before


def test_a_move_the_rules_refuse_shows_the_rule_check_message(
    app: FastAPI, client: TestClient, sessions: list[Session]
) -> None:
    upcoming = [s for s in sessions if s.date >= dt.date.today()]
    first, second = upcoming[0], upcoming[1]
    before = stored(app)
    response = client.post(
        "/sessions/move",
        data={"from_date": first.date.isoformat(), "to_date": second.date.isoformat()},
    )
    assert response.status_code == 422
    assert f"{second.date.isoformat()} is refused by R-SCHED" in response.text
    assert 'id="move-error"' in response.text
    assert stored(app) == before


def test_a_move_far_away_is_refused_with_the_days_allowed(
    app: FastAPI, client: TestClient, sessions: list[Session]
) -> None:
    upcoming = next(s for s in sessions if s.date >= dt.date.today())
    far = upcoming.date + dt.timedelta(days=20)
    before = stored(app)
    response = client.post(
        "/sessions/move", data={"from_date": upcoming.date.isoformat(), "to_date": far.isoformat()}
    )
    assert response.status_code == 422
    assert "allowed:" in response.text and "a session moves at most 6 days" in response.text
    assert stored(app) == before


def test_a_move_the_rules_allow_puts_the_session_on_its_new_day(
    app: FastAPI, client: TestClient, sessions: list[Session]
) -> None:
    from calfcoach.services.training import move_problems  # noqa: F401  (the rule check)

    today = dt.date.today()
    days = {s.date for s in sessions}
    upcoming = [s for s in sessions if s.date > today]
    for session in upcoming:
        for shift in (1, -1, 2, -2):
            target = session.date + dt.timedelta(days=shift)
            if target < today or target in days:
                continue
            response = client.post(
                "/sessions/move",
                data={"from_date": session.date.isoformat(), "to_date": target.isoformat()},
                follow_redirects=False,
            )
            if response.status_code == 303:
                page = client.get(response.headers["location"])
                assert session.title in page.text
                assert "Session moved to this day." in page.text
                return
    pytest.fail("no allowed move found in the plan")


def test_guided_mode_lists_each_exercise_as_a_step_with_its_timer_data(
    client: TestClient, sessions: list[Session]
) -> None:
    session = last_session_by_today(sessions)
    page = client.get(f"/today/guided?date={session.date.isoformat()}")
    assert page.status_code == 200
    assert page.text.count("data-step ") == len(session.exercises)
    first = session.exercises[0]
    assert f'data-sets="{first.sets}"' in page.text
    assert f'data-rest="{first.rest_seconds}"' in page.text
    assert "js/guided.js" in page.text
    assert 'aria-live="assertive"' in page.text
    next_morning = session.date + dt.timedelta(days=1)
    assert f'href="/checkin?date={next_morning.isoformat()}"' in page.text
    assert "<script>" not in page.text  # no inline script (CSP, issue 9)
    assert " onclick=" not in page.text


def test_the_plain_today_page_is_served_again_without_the_engine_until_a_set_is_logged(
    client: TestClient, sessions: list[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    from calfcoach.services import training

    session = last_session_by_today(sessions)
    day = f"/today?date={session.date.isoformat()}"
    first = client.get(day)
    assert first.status_code == 200
    real = training._current_in

    def no_engine(*args: object, **kwargs: object) -> object:
        raise AssertionError("the engine ran although the stored page is current")

    monkeypatch.setattr(training, "_current_in", no_engine)
    assert client.get(day).text == first.text  # stored (services.training.stored_answer)
    monkeypatch.setattr(training, "_current_in", real)

    logged = client.post("/today/sets", data=set_form(session), headers=HTMX)
    assert logged.status_code == 200
    after = client.get(day)
    assert after.status_code == 200
    assert after.text != first.text  # the logged set shows: the page was made anew


def test_an_error_page_is_never_stored_as_the_days_page(
    client: TestClient, sessions: list[Session]
) -> None:
    assert client.get("/today?date=not-a-date").status_code == 422
    assert client.get("/today?date=not-a-date").status_code == 422
    assert client.get("/today").status_code == 200


def test_a_clearance_recorded_on_the_stopped_today_page_restarts_the_plan(
    app: FastAPI, client: TestClient, sessions: list[Session]
) -> None:
    from calfcoach.services.training import record_checkin

    today = dt.date.today()
    yesterday = today - dt.timedelta(days=1)
    record_checkin(*on_app(app), yesterday, pain=3, stiffness=2, today=today, red_flags=["pop"])
    stopped = client.get("/today")
    assert 'action="/clearance"' in stopped.text  # R-PAIN-2a: the way out is on the page
    assert "calfcoach clear" not in stopped.text  # the web names no CLI command

    refused = client.post("/clearance", data={"date": "someday"})
    assert refused.status_code == 422
    assert 'id="clearance-date-error"' in refused.text

    done = client.post("/clearance", data={"date": (today + dt.timedelta(days=1)).isoformat()})
    assert done.status_code == 422  # after today: refused at its field, nothing stored
    before = stored(app)
    assert before["athletes"][0].get("clearances", []) == []

    cleared = client.post(
        "/clearance", data={"date": today.isoformat(), "note": "Dr. Ana"}, follow_redirects=False
    )
    assert cleared.status_code == 303
    page = client.get(cleared.headers["location"])
    assert "Clearance recorded" in page.text


def test_a_clearance_without_a_red_flag_is_refused_at_its_field(
    client: TestClient, sessions: list[Session]
) -> None:
    refused = client.post("/clearance", data={"date": dt.date.today().isoformat()})
    assert refused.status_code == 422
    assert 'id="clearance-date-error"' in refused.text or "clearance" in refused.text


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_a_date_outside_the_allowed_range_is_a_422_page_naming_the_range(
    client: TestClient, sessions: list[Session], day: str
) -> None:
    page = client.get(f"/today?date={day}", headers={"accept": "text/html"})
    assert page.status_code == 422
    assert "1900-01-01 to 2199-12-31" in page.text
    assert "Traceback" not in page.text


def test_the_stored_pages_frame_gives_the_context_the_walk_gives(
    app: FastAPI,
    sessions: list[Session],
    client: TestClient,  # its lifespan closes the app's context (the pooled connections)
) -> None:
    """The plain Today page is made from the stored frame and the day's sets
    (``_frame_context``, D-121); every other page from the walk (``_day_context``).
    Both give the same page context on a day with sets, a rest day and a day to come."""
    from calfcoach.services.training import SetInput, log_set
    from calfcoach.web.routes.training import _day_context, _frame_context

    ctx, actor, athlete = on_app(app)
    done = last_session_by_today(sessions)
    p = done.exercises[0]
    measure = "reps" if p.reps is not None else "seconds" if p.seconds else "contacts"
    entry = SetInput(exercise=p.exercise, set_number=1, side="left" if p.per_side else "both",
                     rpe=6, pain=1, **{measure: getattr(p, measure) or 10})  # fmt: skip
    log_set(ctx, actor, athlete, done.date, entry, today=dt.date.today())
    planned = {s.date for s in sessions}
    rest = next(
        d for d in (done.date + dt.timedelta(days=k) for k in range(1, 8)) if d not in planned
    )
    later = [s.date for s in sessions if s.date > dt.date.today()][:1]
    for day in (done.date, rest, *later):
        full = _day_context(ctx, actor, athlete, day)
        framed = _frame_context(ctx, actor, athlete, day)
        for key in ("plan", "plan_why"):  # the welcome page's only (never stored)
            full.pop(key), framed.pop(key)
        assert framed == full, day


def test_the_page_after_sets_is_byte_identical_to_the_one_made_from_the_orm_read(
    app: FastAPI,
    sessions: list[Session],
    client: TestClient,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The Today page of a logged day made with the day's sets read by one Core statement
    (``LogRepository.day_sets``, D-126) is, byte for byte, the page made with
    the sets read as before (the ORM's ``stored_sets`` and the athlete's row): sets of
    several exercises, both sides, a load, a set beyond the prescription, logged out of
    order."""
    import sqlalchemy as sa

    from calfcoach.core.models import LoggedSet
    from calfcoach.services import training
    from calfcoach.services.access import Actor
    from calfcoach.services.athletes import athlete_in

    done = last_session_by_today(sessions)
    posted = 0
    for p in reversed(done.exercises):
        measure = "reps" if p.reps is not None else "seconds" if p.seconds else "contacts"
        for number in (p.sets + 1, 1, 2):
            for side in ("right", "left") if p.per_side else ("both",):
                form = {k: v for k, v in set_form(done).items()
                        if k not in ("reps", "seconds", "contacts", "distance_m")}  # fmt: skip
                form.update(exercise=p.exercise, exercise_name=p.exercise,
                            set_number=str(number), side=side, measure=measure,
                            load="2.5" if number == 2 else "", client_id=str(uuid.uuid4()),
                            **{measure: str(getattr(p, measure) or 10)})  # fmt: skip
                answer = client.post("/today/sets", data=form, follow_redirects=False)
                assert answer.status_code == 303
                posted += 1
    path = f"/today?date={done.date.isoformat()}"
    made = client.get(path)
    assert made.status_code == 200
    assert made.text.count("data-set-logged") >= len(done.exercises) * 2
    assert client.get(path).content == made.content  # the stored page, served again

    def orm_read(
        ctx: ServiceContext, actor: Actor, athlete_id: int, date: dt.date
    ) -> tuple[LoggedSet, ...]:
        """``day_sets`` as it was before D-126."""
        with ctx.read_unit_of_work() as uow:
            athlete_in(uow, actor, athlete_id)
            return tuple(s.set for s in uow.logs.stored_sets(athlete_id, first=date, last=date))

    ctx = app.state.service_context
    with ctx.unit_of_work() as uow:
        uow.session.execute(sa.text("DELETE FROM day_answers WHERE kind = 'page.today'"))
        uow.commit()
    monkeypatch.setattr(training, "day_sets", orm_read)
    before = client.get(path)
    assert before.status_code == 200
    assert before.content == made.content
    assert posted > len(done.exercises)


def test_a_stored_today_page_is_one_statement_and_goes_out_compressed_as_made(
    app: FastAPI, client: TestClient, sessions: list[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    # D-165: in local mode the second request of the page reads the first athlete and the
    # stored page together (no lookup of the athletes' ids, no engine), and the text is
    # sent gzip-encoded from the process's memo when the browser takes gzip, as made.
    from calfcoach.services import athletes, training

    made = client.get("/today", headers={"accept-encoding": "identity"})
    assert made.status_code == 200
    assert "content-encoding" not in made.headers

    def refused(*args: object, **kwargs: object) -> object:
        raise AssertionError("asked apart although the stored page is current")

    monkeypatch.setattr(athletes, "first_athlete_id", refused)
    monkeypatch.setattr(training, "stored_answer", refused)
    for _ in range(2):
        again = client.get("/today", headers={"accept-encoding": "gzip"})
        assert again.status_code == 200
        assert again.headers["content-encoding"] == "gzip"
        assert "accept-encoding" in again.headers["vary"].lower()
        assert again.text == made.text  # httpx decodes it
    plain = client.get("/today", headers={"accept-encoding": "identity"})
    assert "content-encoding" not in plain.headers
    assert plain.text == made.text


def test_the_today_page_follows_the_first_athlete_when_it_is_removed(
    app: FastAPI, client: TestClient
) -> None:
    # D-165: the one statement reads anew each time: no page of a removed athlete is served.
    from calfcoach.services.athletes import find_athlete_id
    from calfcoach.services.corrections import remove_athlete

    add_runner(app, name="Ana First")  # her plan started 6 days ago
    later = add_runner(app, name="Bob Second", days_ago=-20)  # his starts in 20 days
    bobs_first = f"Next session: {later[0].date:%a %d %b}"
    for _ in range(2):  # made, then served from the store
        page = client.get("/today")
        assert page.status_code == 200
        assert bobs_first not in text_of(page.text)
    ctx: ServiceContext = app.state.service_context
    remove_athlete(ctx, LOCAL, find_athlete_id(ctx, LOCAL, "Ana First"))
    page = client.get("/today")
    assert page.status_code == 200
    assert bobs_first in text_of(page.text)
