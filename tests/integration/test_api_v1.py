"""The REST API v1 router (issue 8, section 3) over the services, on SQLite and PostgreSQL:
the documents of the CLI, problem+json errors (422/404/409/403), idempotent set logging."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from tests.integration.test_services import PROFILE, START, TODAY, WED, snapshot
from tests.service_calls import local, on

from calfcoach.bootstrap import context_for
from calfcoach.core.models import Profile
from calfcoach.formats.plan_json import plan_to_dict
from calfcoach.services import athletes, training
from calfcoach.services.access import Actor
from calfcoach.storage.db import Database
from calfcoach.web import api_v1

LOOPBACK = ("127.0.0.1", 50000)
"""Where the tests' requests come from: this machine (local mode, D-71)."""
SET = {"date": WED.isoformat(), "exercise": "jump-rope", "set_number": 1, "contacts": 100,
       "rpe": 6, "pain": 0}  # fmt: skip


def make_app(database: Database, actor: Actor | None = None) -> FastAPI:
    """A minimal app around the router (the real factory is the web app's ``create_app``);
    on SQLite its sets go through a group-commit writer, as the web app's do (D-217)."""
    app = FastAPI()
    app.state.service_context = context_for(database, today=lambda: TODAY, group_commit=True)
    api_v1.install_problem_handlers(app)
    app.include_router(api_v1.router)
    if actor is not None:
        app.dependency_overrides[api_v1.current_actor] = lambda: actor
    return app


@pytest.fixture
def ana(database: Database) -> int:
    athletes.add_athlete(*local(database), PROFILE, start=START, weeks=8, name="ana")
    return on(database, "ana")[2]


@pytest.fixture
def client(database: Database, ana: int) -> Iterator[TestClient]:
    app = make_app(database)
    try:
        with TestClient(app, client=LOOPBACK) as client:
            yield client
    finally:
        app.state.service_context.close()  # its writer's thread, if it started one


def test_athletes_are_listed_a_page_at_a_time(client: TestClient, database: Database) -> None:
    athletes.add_athlete(*local(database), PROFILE, start=START, weeks=8, name="bo")
    page = client.get("/api/v1/athletes", params={"limit": 1, "offset": 1}).json()
    assert [a["name"] for a in page["items"]] == ["bo"]
    assert (page["total"], page["offset"], page["limit"]) == (2, 1, 1)


def test_the_plan_is_the_cli_plan_json(client: TestClient, database: Database, ana: int) -> None:
    shown = client.get(f"/api/v1/athletes/{ana}/plan", params={"date": START.isoformat()})
    assert shown.status_code == 200
    assert shown.json() == plan_to_dict(training.current_plan(*local(database), ana, START).plan)


def test_today_is_the_session_or_null_on_a_rest_day(client: TestClient, ana: int) -> None:
    session = client.get(f"/api/v1/athletes/{ana}/today", params={"date": WED.isoformat()})
    assert session.json()["date"] == WED.isoformat() and session.json()["exercises"]
    rest = client.get(f"/api/v1/athletes/{ana}/today", params={"date": "2026-03-03"})
    assert rest.status_code == 200 and rest.json() is None


def test_today_without_an_id_is_the_local_athletes_and_a_404_problem_before_there_is_one(
    client: TestClient, database: Database, ana: int
) -> None:
    params = {"date": WED.isoformat()}
    own = client.get("/api/v1/today", params=params)
    assert own.status_code == 200
    assert own.json() == client.get(f"/api/v1/athletes/{ana}/today", params=params).json()
    athletes.add_athlete(*local(database), PROFILE, start=START, weeks=8, name="bo")
    assert client.get("/api/v1/today", params=params).json() == own.json()  # the first added
    assert client.get("/api/v1/today", params={"date": "2026-03-03"}).json() is None
    bad = client.get("/api/v1/today", params={"date": "2026-02-30"})
    assert bad.status_code == 422 and bad.headers["content-type"] == "application/problem+json"


def test_today_without_an_id_is_a_404_problem_when_no_athlete_is_stored(
    database: Database,
) -> None:
    with TestClient(make_app(database), client=LOOPBACK) as empty:
        answer = empty.get("/api/v1/today")
    assert answer.status_code == 404
    assert answer.headers["content-type"] == "application/problem+json"
    assert "no athlete stored yet" in answer.text


def test_today_goes_out_gzip_encoded_to_a_client_that_takes_it_and_plain_to_one_that_does_not(
    client: TestClient, ana: int
) -> None:
    # The stored answer is compressed once per process (web/compressed.py, D-165): the same
    # document either way, a null rest day (too small to compress) as it is.
    url = f"/api/v1/athletes/{ana}/today"
    params = {"date": WED.isoformat()}
    plain = client.get(url, params=params, headers={"accept-encoding": "identity"})
    assert "content-encoding" not in plain.headers
    for _ in range(2):
        packed = client.get(url, params=params, headers={"accept-encoding": "gzip"})
        assert packed.headers["content-encoding"] == "gzip"
        assert packed.headers["content-type"] == "application/json"
        assert packed.json() == plain.json()
    rest = client.get(url, params={"date": "2026-03-03"}, headers={"accept-encoding": "gzip"})
    assert "content-encoding" not in rest.headers and rest.json() is None


def test_a_set_posted_twice_with_its_client_id_is_stored_once(
    client: TestClient, database: Database, ana: int
) -> None:
    body = {**SET, "client_id": str(uuid.uuid4())}
    first = client.post(f"/api/v1/athletes/{ana}/sets", json=body)
    assert first.status_code == 201, first.text
    before = snapshot(database)
    again = client.post(f"/api/v1/athletes/{ana}/sets", json=body)
    # hostile sweep, stop 29: the replay answered 201 as if it had stored a set
    assert again.status_code == 200 and again.json() == first.json()
    assert snapshot(database) == before
    listed = client.get(f"/api/v1/athletes/{ana}/sets").json()
    assert listed["total"] == 1 and listed["items"][0]["contacts"] == 100


def test_sets_posted_at_once_are_each_stored_once_and_a_replayed_one_once_in_all(
    client: TestClient, database: Database, ana: int
) -> None:
    # D-217: on SQLite the route awaits the group-commit writer on the event loop, so
    # requests in flight together share commits; each is still answered after its own
    # commit, a replay among them stores nothing, and a refused one takes no other with it.
    import threading

    replay = {**SET, "set_number": 1, "client_id": str(uuid.uuid4())}
    bodies = [{**SET, "set_number": n, "client_id": str(uuid.uuid4())} for n in range(2, 10)]
    bodies += [replay] * 4
    bodies.append({**SET, "set_number": 1, "client_id": str(uuid.uuid4())})  # clashes
    answers: list[int] = [0] * len(bodies)
    start = threading.Barrier(len(bodies))

    def post(k: int) -> None:
        start.wait(timeout=30)
        answers[k] = client.post(f"/api/v1/athletes/{ana}/sets", json=bodies[k]).status_code

    threads = [threading.Thread(target=post, args=(k,)) for k in range(len(bodies))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert answers[:8] == [201] * 8
    # the replay: one of the four stored it (201), the others found it (200); the set with
    # another client id and the replay's set number was refused (409) unless it came first,
    # and then the replay's first post was the refused one
    four, clash = sorted(answers[8:12]), answers[12]
    assert (four, clash) in (([200, 200, 200, 201], 409), ([409, 409, 409, 409], 201))
    listed = client.get(f"/api/v1/athletes/{ana}/sets?limit=50").json()
    assert listed["total"] == 9
    assert sorted(item["set_number"] for item in listed["items"]) == list(range(1, 10))


def test_the_openapi_document_declares_201_for_a_stored_set_and_200_for_a_replay(
    client: TestClient,
) -> None:
    post = client.get("/openapi.json").json()["paths"]["/api/v1/athletes/{athlete_id}/sets"]
    answers = post["post"]["responses"]
    assert {"200", "201"} <= set(answers)
    assert "replay" in answers["200"]["description"]
    for status in ("200", "201"):
        schema = answers[status]["content"]["application/json"]["schema"]
        assert schema["$ref"].endswith("/LoggedSetOut")


def test_a_set_posted_twice_without_a_client_id_is_a_409_problem(
    client: TestClient, ana: int
) -> None:
    assert client.post(f"/api/v1/athletes/{ana}/sets", json=SET).status_code == 201
    refused = client.post(f"/api/v1/athletes/{ana}/sets", json=SET)
    assert refused.status_code == 409
    assert refused.headers["content-type"] == api_v1.PROBLEM_JSON
    problem = refused.json()
    assert problem["status"] == 409 and problem["title"] == "Conflict with what is stored"
    assert problem["errors"][0]["field"] == "set_number"
    assert problem["errors"][0]["code"] == "conflict"


def test_a_client_id_sent_again_with_other_values_is_a_409_naming_them(
    client: TestClient, database: Database, ana: int
) -> None:
    url = f"/api/v1/athletes/{ana}/sets"
    body = {**SET, "client_id": str(uuid.uuid4())}
    first = client.post(url, json=body)
    assert first.status_code == 201, first.text
    before = snapshot(database)
    changed = client.post(url, json={**body, "contacts": 120, "pain": 7})
    assert changed.status_code == 409
    assert changed.headers["content-type"] == api_v1.PROBLEM_JSON
    (problem,) = changed.json()["errors"]
    assert (problem["field"], problem["code"], problem["value"]) == (
        "client_id",
        "conflict",
        body["client_id"],
    )
    assert "differs in contacts 120 (stored: 100), pain 7 (stored: 0)" in problem["message"]
    assert snapshot(database) == before  # the stored set stays as it was sent first
    again = client.post(url, json=body)  # the exact retry is still answered with the first
    assert again.status_code == 200 and again.json() == first.json()


def test_a_bad_value_is_a_422_problem_naming_field_value_and_allowed(
    client: TestClient, database: Database, ana: int
) -> None:
    before = snapshot(database)
    refused = client.post(f"/api/v1/athletes/{ana}/sets", json={**SET, "rpe": 11})
    assert refused.status_code == 422
    assert refused.headers["content-type"] == api_v1.PROBLEM_JSON
    assert refused.json()["errors"] == [
        {"field": "rpe", "value": 11, "allowed": "1-10", "code": "invalid",
         "message": "11 is out of range"}
    ]  # fmt: skip
    assert snapshot(database) == before


def test_a_body_of_the_wrong_shape_is_a_422_problem(client: TestClient, ana: int) -> None:
    refused = client.post(f"/api/v1/athletes/{ana}/sets", json={**SET, "set_number": "one"})
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "set_number"
    assert refused.json()["errors"][0]["value"] == "one"


def test_an_unknown_athlete_is_a_404_problem(client: TestClient) -> None:
    missing = client.get("/api/v1/athletes/999/today")
    assert missing.status_code == 404
    assert missing.json()["errors"][0] == {
        "field": "athlete", "value": 999, "allowed": "the id of a stored athlete",
        "code": "not_found", "message": "no athlete with id 999",
    }  # fmt: skip


def test_an_athlete_the_caller_may_not_see_is_a_403_problem(database: Database, ana: int) -> None:
    stranger = Actor.for_athletes("coach", 1, [ana + 1000])
    with TestClient(make_app(database, stranger), client=LOOPBACK) as client:
        refused = client.post(f"/api/v1/athletes/{ana}/sets", json=SET)
    assert refused.status_code == 403 and refused.json()["errors"][0]["code"] == "forbidden"


def test_a_check_in_and_a_heel_raise_test_are_stored_and_returned(
    client: TestClient, ana: int
) -> None:
    checkin = client.post(
        f"/api/v1/athletes/{ana}/checkins",
        json={"date": "2026-03-05", "pain": 1, "stiffness": 2, "red_flags": []},
    )
    assert checkin.status_code == 201
    assert checkin.json() == {"date": "2026-03-05", "pain": 1, "stiffness": 2, "red_flags": []}
    test = client.post(
        f"/api/v1/athletes/{ana}/tests/heel-raise",
        json={"date": "2026-03-05", "left": 20, "right": 22},
    )
    assert test.status_code == 201, test.text
    assert test.json()["evaluation"]["weaker"] == "left"
    again = client.post(
        f"/api/v1/athletes/{ana}/tests/heel-raise",
        json={"date": "2026-03-05", "left": 20, "right": 22},
    )
    assert again.status_code == 409


def test_a_hop_test_says_whether_it_passed_and_a_bad_side_is_a_422(
    client: TestClient, ana: int
) -> None:
    url = f"/api/v1/athletes/{ana}/tests/hop"
    passed = client.post(url, json={"date": "2026-03-05", "hops": 40, "pain": 0, "side": "left"})
    assert passed.status_code == 201, passed.text
    assert passed.json()["passed"] is True and passed.json()["side"] == "left"
    refused = client.post(url, json={"date": "2026-03-06", "hops": 40, "pain": 0, "side": "up"})
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "side"


def test_the_progress_report_is_the_cli_progress_json(
    client: TestClient, database: Database, ana: int
) -> None:
    from calfcoach.services.progress import progress_report, report_to_dict

    assert client.post(f"/api/v1/athletes/{ana}/sets", json=SET).status_code == 201
    shown = client.get(f"/api/v1/athletes/{ana}/progress", params={"date": TODAY.isoformat()})
    assert shown.status_code == 200
    expected = report_to_dict(progress_report(*local(database), ana, TODAY))
    assert shown.json() == expected and shown.json()["total_sets"] == 1


def test_the_exercise_library_lists_every_catalog_exercise(client: TestClient) -> None:
    from calfcoach.catalog import load_catalog

    listed = client.get("/api/v1/exercises", params={"limit": 200}).json()
    assert [e["id"] for e in listed["items"]] == [e.id for e in load_catalog()]
    assert listed["total"] == len(load_catalog())
    assert all(e["why"] and e["instructions"] for e in listed["items"])
    assert all(e["illustration"] == f"/exercises/{e['id']}.svg" for e in listed["items"])


def test_the_openapi_schema_names_the_dtos_and_the_problem_statuses(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    assert {"AthleteOut", "Plan", "Session", "LoggedSetOut"} <= set(schema["components"]["schemas"])
    post = schema["paths"]["/api/v1/athletes/{athlete_id}/sets"]["post"]
    assert {"403", "404", "409", "422"} <= set(post["responses"])


# --------------------------------------------------------------------------- athletes, profile


def test_one_athlete_is_shown_with_the_active_plan(client: TestClient, ana: int) -> None:
    shown = client.get(f"/api/v1/athletes/{ana}")
    assert shown.status_code == 200
    assert shown.json()["name"] == "ana" and shown.json()["plan_weeks"] == 8
    assert client.get(f"/api/v1/athletes/{ana + 1}").status_code == 404


def test_the_profile_is_the_profile_files_keys(client: TestClient, ana: int) -> None:
    shown = client.get(f"/api/v1/athletes/{ana}/profile")
    assert shown.status_code == 200
    assert Profile.model_validate(shown.json()) == PROFILE
    assert shown.json()["free_days"] == ["mon", "wed", "fri", "sat"]  # in week order


def test_an_athlete_id_out_of_range_is_a_422_naming_the_field(client: TestClient) -> None:
    refused = client.get("/api/v1/athletes/0/today")
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "athlete_id"
    huge = client.get(f"/api/v1/athletes/{2**70}/plan")
    assert huge.status_code == 422 and huge.json()["errors"][0]["field"] == "athlete_id"


# --------------------------------------------------------------------------- sessions


def test_a_days_session_is_shown_and_a_rest_day_is_a_404_problem(
    client: TestClient, ana: int
) -> None:
    shown = client.get(f"/api/v1/athletes/{ana}/sessions/{WED.isoformat()}")
    assert shown.status_code == 200 and shown.json()["date"] == WED.isoformat()
    rest = client.get(f"/api/v1/athletes/{ana}/sessions/2026-03-03")
    assert rest.status_code == 404
    assert rest.json()["errors"][0]["field"] == "date"


def test_a_session_is_skipped_once_and_a_second_skip_is_a_409(
    client: TestClient, database: Database, ana: int
) -> None:
    day = "2026-03-25"  # a Wednesday after TODAY: a session day of the plan
    assert client.get(f"/api/v1/athletes/{ana}/sessions/{day}").status_code == 200
    skipped = client.post(f"/api/v1/athletes/{ana}/sessions/{day}/skip")
    assert skipped.status_code == 200, skipped.text
    assert skipped.json() == {"date": day, "status": "skipped"}
    before = snapshot(database)
    again = client.post(f"/api/v1/athletes/{ana}/sessions/{day}/skip")
    assert again.status_code == 409 and again.json()["errors"][0]["field"] == "date"
    assert snapshot(database) == before


def test_a_session_moves_to_an_allowed_day_and_a_refused_move_names_the_rule(
    client: TestClient, database: Database, ana: int
) -> None:
    url = f"/api/v1/athletes/{ana}/sessions/2026-03-25/move"
    before = snapshot(database)
    refused = client.post(url, json={"to_date": "2026-03-22"})  # the long run's day
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "to_date"
    assert "R-SCHED-4" in refused.json()["detail"]
    assert snapshot(database) == before
    moved = client.post(url, json={"to_date": "2026-03-23"})
    assert moved.status_code == 200, moved.text
    assert moved.json()["date"] == "2026-03-23"
    assert client.get(f"/api/v1/athletes/{ana}/sessions/2026-03-23").status_code == 200
    assert client.get(f"/api/v1/athletes/{ana}/sessions/2026-03-25").status_code == 404


def test_a_move_with_an_extra_key_is_a_422_and_moves_nothing(
    client: TestClient, database: Database, ana: int
) -> None:
    before = snapshot(database)
    refused = client.post(
        f"/api/v1/athletes/{ana}/sessions/2026-03-25/move",
        json={"to_date": "2026-03-26", "force": True},
    )
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "force"
    assert snapshot(database) == before


# --------------------------------------------------------------------------- clearances


def test_a_clearance_lifts_the_red_flag_check_ins_before_it(client: TestClient, ana: int) -> None:
    url = f"/api/v1/athletes/{ana}/clearances"
    nothing = client.post(url, json={"date": "2026-03-10"})
    assert nothing.status_code == 422 and nothing.json()["errors"][0]["field"] == "date"
    flagged = client.post(
        f"/api/v1/athletes/{ana}/checkins",
        json={"date": "2026-03-09", "pain": 2, "stiffness": 2, "red_flags": ["numbness"]},
    )
    assert flagged.status_code == 201 and flagged.json()["red_flags"] == ["numbness"]
    stopped = client.get(f"/api/v1/athletes/{ana}/today", params={"date": "2026-03-11"})
    assert stopped.json()["title"] == "Stopped: see a clinician"  # R-PAIN-2b
    cleared = client.post(url, json={"date": "2026-03-10", "note": "physio: fine"})
    assert cleared.status_code == 201, cleared.text
    assert cleared.json()["note"] == "physio: fine"
    assert [c["date"] for c in cleared.json()["cleared"]] == ["2026-03-09"]
    after = client.get(f"/api/v1/athletes/{ana}/today", params={"date": "2026-03-11"})
    assert after.json()["title"] != "Stopped: see a clinician"


def test_an_unknown_red_flag_is_a_422_naming_the_field(client: TestClient, ana: int) -> None:
    refused = client.post(
        f"/api/v1/athletes/{ana}/checkins",
        json={"date": "2026-03-09", "pain": 2, "stiffness": 2, "red_flags": ["headache"]},
    )
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "red_flags"


# --------------------------------------------------------------------------- exercises, pages


def test_the_exercise_library_filters_by_region_knee_and_equipment(client: TestClient) -> None:
    from calfcoach.catalog import load_catalog

    catalog = list(load_catalog())
    soleus = client.get("/api/v1/exercises", params={"knee": "bent", "limit": 200}).json()
    assert soleus["total"] == sum(1 for e in catalog if e.knee == "bent") > 0
    assert all(e["knee"] == "bent" for e in soleus["items"])
    rope = client.get("/api/v1/exercises", params={"equipment": "jump_rope"}).json()
    assert rope["items"] and all("jump_rope" in e["equipment"] for e in rope["items"])
    unknown = client.get("/api/v1/exercises", params={"region": "nowhere"})  # as the page
    assert unknown.status_code == 422 and unknown.headers["content-type"] == api_v1.PROBLEM_JSON
    allowed = "allowed: calf, foot, ankle"
    assert unknown.json()["detail"] == f"region: 'nowhere' is not a region; {allowed}"


def test_one_exercise_is_shown_and_an_unknown_one_is_a_404(client: TestClient) -> None:
    shown = client.get("/api/v1/exercises/jump-rope")
    assert shown.status_code == 200 and shown.json()["id"] == "jump-rope"
    assert "illustration" in shown.json() and "<svg" not in shown.text
    missing = client.get("/api/v1/exercises/jump-ropes")
    assert missing.status_code == 404
    assert missing.headers["content-type"] == api_v1.PROBLEM_JSON


@pytest.mark.parametrize(
    ("params", "field"),
    [({"limit": 0}, "limit"), ({"limit": 201}, "limit"), ({"offset": -1}, "offset")],
)
def test_a_page_out_of_bounds_is_a_422_naming_the_field(
    client: TestClient, params: dict[str, int], field: str
) -> None:
    refused = client.get("/api/v1/exercises", params=params)
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == field


def test_a_profile_change_re_plans_the_future_only(
    client: TestClient, database: Database, ana: int
) -> None:
    url = f"/api/v1/athletes/{ana}/profile"
    past = [s for s in client.get(f"/api/v1/athletes/{ana}/plan").json()["sessions"]
            if s["date"] < TODAY.isoformat()]  # fmt: skip
    changed = {**PROFILE.model_dump(mode="json"), "level": "advanced", "name": "ana"}
    result = client.put(url, json=changed)
    assert result.status_code == 200, result.text
    assert result.json()["kind"] == "in_place"
    assert result.json()["first_day"] == TODAY.isoformat()
    assert client.get(url).json()["level"] == "advanced"
    after = [s for s in client.get(f"/api/v1/athletes/{ana}/plan").json()["sessions"]
             if s["date"] < TODAY.isoformat()]  # fmt: skip
    assert after == past  # R-HIST: what was given stays
    same = client.put(url, json=changed)
    assert same.json()["kind"] == "unchanged"


def test_a_profile_put_with_only_a_new_name_stores_it_and_re_plans_nothing(
    client: TestClient, ana: int
) -> None:
    url = f"/api/v1/athletes/{ana}/profile"
    plan = client.get(f"/api/v1/athletes/{ana}/plan").json()
    body = client.get(url).json()
    body["name"] = "Alice"
    done = client.put(url, json=body)
    assert done.status_code == 200, done.text
    assert done.json()["kind"] == "renamed" and done.json()["first_day"] is None
    assert "The name is now 'Alice'" in done.json()["message"]
    assert client.get(url).json() == body
    assert [a["name"] for a in client.get("/api/v1/athletes").json()["items"]] == ["Alice"]
    assert client.get(f"/api/v1/athletes/{ana}/plan").json() == plan


def test_a_bad_profile_is_a_422_naming_the_field_and_nothing_changes(
    client: TestClient, database: Database, ana: int
) -> None:
    before = snapshot(database)
    bad = {**PROFILE.model_dump(mode="json"), "level": "godlike"}
    refused = client.put(f"/api/v1/athletes/{ana}/profile", json=bad)
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "level"
    unknown = client.put(
        f"/api/v1/athletes/{ana}/profile", json={**PROFILE.model_dump(mode="json"), "x": 1}
    )
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "x"
    assert snapshot(database) == before
