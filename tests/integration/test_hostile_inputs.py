"""A hostile tester's inputs (lone surrogates, numbers past any float, dates near date.min
and date.max, NUL, NaN, unknown filter values) on the real app in local single-user mode,
on SQLite and PostgreSQL: each is a 422 problem+json naming the field, what was wrong and
what is allowed (an inline message on a page, a 404 page where a page cannot be), never a
500, and nothing is stored."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from tests.integration import local_api
from tests.integration.cli_harness import DEMO, START, WED, make_cli
from tests.integration.local_api import problem_at
from tests.integration.test_cli_voice import assert_refused
from tests.integration.test_web_today import set_form
from tests.integration.web_pages import (
    last_session_by_today,
    runner_profile,
    stored,
    text_of,
)

HUGE = "9" * 400
"""A JSON whole number no float holds (``int too large to convert to float``)."""
TODAY = dt.date.today().isoformat()


app = local_api.app  # fixtures
client = local_api.client
athlete = local_api.athlete


def _raw(client: TestClient, method: str, url: str, body: str | bytes) -> Any:
    """The request with ``body`` sent as it is (JSON text with escapes httpx would not
    write, or bytes that are not UTF-8)."""
    content = body.encode("ascii") if isinstance(body, str) else body
    headers = {"content-type": "application/json"}
    return client.request(method, url, content=content, headers=headers)


def _profile(**changes: Any) -> dict[str, Any]:
    from calfcoach.web.api_v1 import profile_document

    return {**profile_document(runner_profile()), **changes}


# --------------------------------------------------------------------------- lone surrogates


@pytest.mark.parametrize(
    ("method", "path", "body", "field"),
    [
        ("POST", "sets", f'{{"date":"{TODAY}","exercise":"\\ud800","set_number":1}}', "exercise"),
        ("POST", "notes", '{"text":"\\ud800"}', "text"),
        ("POST", "notes", b'{"text":"\xed\xa0\x80"}', "text"),
        ("POST", "clearances", f'{{"date":"{TODAY}","note":"\\ud800"}}', "note"),
    ],
)
def test_a_lone_surrogate_in_a_text_field_is_a_422_naming_the_field_not_a_500(
    app: FastAPI, client: TestClient, athlete: int, method: str, path: str, body: Any, field: str
) -> None:
    before = stored(app)
    response = _raw(client, method, f"/api/v1/athletes/{athlete}/{path}", body)
    problem = problem_at(response, field)
    assert problem["message"] == "is not valid UTF-8 text (a lone surrogate)"
    assert problem["allowed"] == "text in UTF-8"
    assert problem["value"] == "\\ud800"  # echoed escaped: the answer is UTF-8
    response.content.decode("utf-8")
    assert stored(app) == before


def test_a_lone_surrogate_in_the_profile_name_is_a_422_naming_the_field(
    app: FastAPI, client: TestClient, athlete: int
) -> None:
    before = stored(app)
    body = json.dumps(_profile(name="\ud800"))  # ensure_ascii: the escape \ud800
    response = _raw(client, "PUT", f"/api/v1/athletes/{athlete}/profile", body)
    assert problem_at(response, "name")["allowed"] == "text in UTF-8"
    assert stored(app) == before


def test_a_problem_echoing_a_lone_surrogate_is_rendered_escaped() -> None:
    from calfcoach.errors import Problem
    from calfcoach.web.api_v1 import problem_response

    problem = Problem("invalid", "no exercise '\ud800'", field="exercise", value="a\ud800")
    response = problem_response((problem,), "invalid")
    document = json.loads(response.body.decode("utf-8"))
    assert document["errors"][0]["value"] == "a\\ud800"
    assert document["detail"] == "exercise: no exercise '\\ud800'"


# --------------------------------------------------------------------------- huge numbers


@pytest.mark.parametrize(
    ("path", "body", "field", "allowed"),
    [
        ("sets", {"exercise": "jump-rope", "set_number": 1, "contacts": HUGE}, "contacts",
         "0-2000 contacts"),
        ("sets", {"exercise": "jump-rope", "set_number": HUGE, "contacts": 10}, "set_number",
         "1-50"),
        ("sets", {"exercise": "jump-rope", "set_number": 1, "contacts": 10, "rpe": HUGE}, "rpe",
         "1-10"),
        ("checkins", {"pain": HUGE, "stiffness": 0}, "pain", "0-10"),
        ("checkins", {"pain": 0, "stiffness": HUGE}, "stiffness", "0-10"),
        ("tests/heel-raise", {"left": HUGE, "right": 20}, "left", "0-500 reps"),
        ("tests/hop", {"hops": HUGE, "pain": 0}, "hops", "0-100 hops per leg"),
    ],
)  # fmt: skip
def test_a_whole_number_beyond_any_float_is_a_422_out_of_range_with_the_range(
    app: FastAPI,
    client: TestClient,
    athlete: int,
    path: str,
    body: dict[str, Any],
    field: str,
    allowed: str,
) -> None:
    before = stored(app)
    text = json.dumps({"date": TODAY, **body}).replace(f'"{HUGE}"', HUGE)
    problem = problem_at(_raw(client, "POST", f"/api/v1/athletes/{athlete}/{path}", text), field)
    assert problem["message"] == "1e+400 is out of range"
    assert problem["allowed"] == allowed
    assert problem["value"] == "1e+400"
    assert stored(app) == before


def test_a_whole_number_beyond_any_float_on_the_set_and_check_in_forms_is_shown_at_its_field(
    app: FastAPI, client: TestClient
) -> None:
    before = stored(app)
    form = set_form(last_session_by_today(app.state.runner_sessions))
    page = client.post("/today/sets", data={**form, form["measure"]: HUGE})
    assert page.status_code == 422
    assert "1e+400 is out of range; allowed: 0-" in text_of(page.text)
    page = client.post("/checkin", data={"date": TODAY, "pain": HUGE, "stiffness": "0"})
    assert page.status_code == 422
    assert "1e+400 is out of range; allowed: 0-10" in text_of(page.text)
    assert stored(app) == before


# --------------------------------------------------------------------------- races, NaN


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_a_race_outside_the_one_date_rule_is_a_422_at_the_races_field(
    app: FastAPI, client: TestClient, athlete: int, day: str
) -> None:
    before = stored(app)
    for races, field in (([{"date": day}], "races.0.date"), ([day], "races.0")):
        response = client.put(f"/api/v1/athletes/{athlete}/profile", json=_profile(races=races))
        problem = problem_at(response, field)  # as the profile file names it (races[0])
        assert (problem["message"], problem["allowed"]) == (
            f"{day} is out of range",
            "1900-01-01 to 2199-12-31",
        )
    page = client.post("/profile", data={"level": "intermediate", "races": day})
    assert page.status_code == 422
    assert f"races[0]: {day} is out of range; allowed: 1900-01-01 to 2199-12-31" in text_of(
        page.text
    )
    assert stored(app) == before


def test_a_race_stored_before_the_date_rule_held_races_is_still_read_and_planned(
    app: FastAPI, client: TestClient, athlete: int, database_url: str
) -> None:
    # A race of 2300 was taken before (only one near date.min or date.max failed): the
    # stored profile is read and planned; sent again unchanged it is refused, at the race.
    from sqlalchemy import text

    from calfcoach.storage.db import Database

    document = _profile(races=[{"date": "2300-01-01"}])
    with Database(database_url) as database, database.engine.begin() as connection:
        connection.execute(
            text("UPDATE athletes SET profile = :profile"), {"profile": json.dumps(document)}
        )
    shown = client.get(f"/api/v1/athletes/{athlete}/profile")
    assert shown.status_code == 200 and shown.json()["races"][0]["date"] == "2300-01-01"
    assert client.get(f"/api/v1/athletes/{athlete}/plan").status_code == 200
    assert client.get("/today").status_code == 200
    again = client.put(f"/api/v1/athletes/{athlete}/profile", json=shown.json())
    assert "2300-01-01 is out of range" in problem_at(again, "races.0.date")["message"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [({"body_mass_kg": "NaN"}, "body_mass_kg"),
     ({"races": [{"date": "2027-01-01", "distance_km": "NaN"}]}, "races.0.distance_km")],
)  # fmt: skip
def test_a_nan_body_mass_or_race_distance_must_be_a_finite_number(
    app: FastAPI, client: TestClient, athlete: int, changes: dict[str, Any], field: str
) -> None:
    body = json.dumps(_profile(**changes)).replace('"NaN"', "NaN")
    response = _raw(client, "PUT", f"/api/v1/athletes/{athlete}/profile", body)
    problem = problem_at(response, field)
    assert problem["message"] == "NaN is not a finite number"  # the profile file's words
    assert problem["allowed"]  # what is allowed, as the profile file says it


# --------------------------------------------------------------------------- running load


@pytest.mark.parametrize("day", ["0001-01-01", "1899-12-31", "2200-01-01", "9999-12-31"])
def test_the_running_load_of_a_day_outside_the_one_date_rule_is_a_422(
    client: TestClient, athlete: int, day: str
) -> None:
    response = client.get(f"/api/v1/athletes/{athlete}/running-load", params={"date": day})
    problem = problem_at(response, "date")
    assert problem["message"] == f"{day} is out of range"
    assert problem["allowed"] == "1900-01-01 to 2199-12-31"


# --------------------------------------------------------------------------- coach


def test_the_coach_pages_in_local_mode_are_a_404_that_says_why_not_a_500(
    client: TestClient,
) -> None:
    for response in (client.get("/coach"), client.post("/coach/invitations")):
        assert response.status_code == 404, response.text
        assert "server mode" in text_of(response.text)


def test_the_coach_api_in_local_mode_speaks_of_the_coachs_account_not_a_cli_option(
    client: TestClient,
) -> None:
    for response in (
        client.get("/api/v1/coach/athletes"),
        client.post("/api/v1/coach/invitations"),
    ):
        problem = problem_at(response, "coach")
        assert "--coach" not in response.text
        assert problem["allowed"] == "a coach's account (server mode)"


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        ({"text": "hi", "date": "9999-12-31"}, "date", "9999-12-31 is out of range"),
        ({"text": "hi", "date": "0001-01-01"}, "date", "0001-01-01 is out of range"),
        ({"text": "a\u0000b"}, "text", "holds a NUL character"),
        ({"text": "a\u001b[31mb"}, "text", "holds the control character"),
    ],
)
def test_a_coachs_note_out_of_the_date_rule_or_with_a_control_character_is_a_422(
    app: FastAPI, client: TestClient, athlete: int, body: dict[str, str], field: str, words: str
) -> None:
    before = stored(app)
    response = client.post(f"/api/v1/athletes/{athlete}/notes", json=body)
    assert words in problem_at(response, field)["message"]
    assert stored(app) == before
    page = client.post("/coach/note", data={"text": body["text"], "day": body.get("date", "")})
    assert page.status_code == 422
    assert words in text_of(page.text)
    assert stored(app) == before


def test_a_coachs_note_from_the_form_keeps_its_lines_as_newlines(
    client: TestClient, athlete: int
) -> None:
    sent = client.post("/coach/note", data={"text": "one\r\ntwo\tthree"}, follow_redirects=False)
    assert sent.status_code == 303, sent.text
    notes = client.get(f"/api/v1/athletes/{athlete}/notes").json()
    assert notes["plan_note"]["text"] == "one\ntwo\tthree"


# --------------------------------------------------------------------------- exercises


@pytest.mark.parametrize(
    ("param", "value", "allowed"),
    [("region", "zzz", "calf, foot, ankle"),
     ("knee", "zzz", "straight, bent, none"),
     ("equipment", "laser", "none, band, towel")],
)  # fmt: skip
def test_an_unknown_exercise_filter_is_a_422_on_the_api_as_on_the_page(
    client: TestClient, param: str, value: str, allowed: str
) -> None:
    problem = problem_at(client.get("/api/v1/exercises", params={param: value}), param)
    assert problem["allowed"].startswith(allowed)
    page = client.get("/exercises", params={param: value})
    assert page.status_code == 422
    assert f"{param}: {problem['message']}; allowed: {problem['allowed']}" in text_of(
        page.text
    ).replace("&#39;", "'")


def test_the_api_equipment_filter_none_lists_the_exercises_that_need_nothing(
    client: TestClient,
) -> None:
    listed = client.get("/api/v1/exercises", params={"equipment": "none", "limit": 200}).json()
    assert listed["total"] > 0
    assert all(item["equipment"] == [] for item in listed["items"])
    band = client.get("/api/v1/exercises", params={"equipment": "band", "limit": 200}).json()
    assert band["total"] > 0 and all("band" in item["equipment"] for item in band["items"])


# --------------------------------------------------------------------------- the CLI twins


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("log", "--date", WED, "--exercise", "jump-rope", "--set", "1", "--contacts", HUGE,
          "--rpe", "5", "--pain", "0"), "--contacts: 1e+400 is out of range; allowed: 0-2000"),
        (("log", "--date", WED, "--exercise", "jump-rope", "--set", HUGE, "--contacts", "10",
          "--rpe", "5", "--pain", "0"), "--set: 1e+400 is out of range; allowed: 1-50"),
        (("checkin", "--date", WED, "--pain", HUGE, "--stiffness", "0"),
         "--pain: 1e+400 is out of range; allowed: 0-10"),
        (("test", "hop", "--date", WED, "--hops", HUGE, "--pain", "0"),
         "--hops: 1e+400 is out of range"),
        (("coach", "note", "a\x00b"), "text: 'a\\x00b' holds a NUL character"),
        (("coach", "note", "hi", "--date", "9999-12-31"), "--date: 9999-12-31 is out of range"),
        (("runs", "load", "--date", "0001-01-01"), "--date: 0001-01-01 is out of range"),
    ],
)  # fmt: skip
def test_the_cli_twins_exit_2_with_the_message_and_store_nothing(
    database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    args: tuple[str, ...],
    expected: str,
) -> None:
    cli = make_cli(database_url, tmp_path, monkeypatch)
    assert cli("athlete", "add", "--profile", str(DEMO), "--start", START).code == 0
    cli.on(WED)
    assert_refused(cli, args, expected)


def test_the_cli_plan_refuses_a_race_dated_year_one_in_its_profile(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cli = make_cli(database_url, tmp_path, monkeypatch)
    profile = tmp_path / "races.json"
    profile.write_text(json.dumps({"level": "novice", "races": [{"date": "0001-01-01"}]}))
    assert_refused(
        cli,
        ("plan", "--profile", str(profile)),
        "races[0].date: 0001-01-01 is out of range; allowed: 1900-01-01 to 2199-12-31",
    )


# ------------------------------------------------------------- a body's JSON types (stop 31)

_SET = {"exercise": "jump-rope", "set_number": 1, "contacts": 10}


@pytest.mark.parametrize(
    ("path", "body", "field", "message", "allowed"),
    [
        ("checkins", {"date": 1764806400, "pain": 1, "stiffness": 1}, "date",
         "1764806400 is not a valid date", "YYYY-MM-DD"),
        ("checkins", {"date": f"{TODAY}T00:00:00", "pain": 1, "stiffness": 1}, "date",
         f"'{TODAY}T00:00:00' is not a valid date", "YYYY-MM-DD"),
        ("checkins", {"date": "2026-W49-5", "pain": 1, "stiffness": 1}, "date",
         "'2026-W49-5' is not a valid date", "YYYY-MM-DD"),
        ("checkins", {"pain": True, "stiffness": 1}, "pain", "true is not a whole number",
         "0-10"),
        ("checkins", {"pain": 1, "stiffness": 1.0}, "stiffness", "1.0 is not a whole number",
         "0-10"),
        ("checkins", {"pain": 1, "stiffness": 1, "replace": "yes"}, "replace",
         "'yes' is not allowed", "true, false"),
        ("checkins", {"stiffness": 1}, "pain", "missing", "0-10"),
        ("sets", {**_SET, "contacts": "12abc"}, "contacts", "'12abc' is not a whole number",
         "0-2000 contacts"),
        ("sets", {**_SET, "rpe": 5.5}, "rpe", "5.5 is not a whole number", "1-10"),
        ("sets", {**_SET, "load_kg": "5"}, "load_kg", "'5' is not a number", "0-500 kg"),
        ("sets", {**_SET, "side": 5}, "side", "5 is not text", "left, right, both"),
        ("tests/hop", {"hops": "10", "pain": 0}, "hops", "'10' is not a whole number",
         "0-100 hops per leg"),
        ("tests/heel-raise", {"left": 20, "right": [20]}, "right", "a list is not a whole number",
         "0-500 reps"),
    ],
)  # fmt: skip
def test_a_body_value_of_the_wrong_json_type_is_refused_in_the_clis_words_and_stores_nothing(
    app: FastAPI,
    client: TestClient,
    athlete: int,
    path: str,
    body: dict[str, Any],
    field: str,
    message: str,
    allowed: str,
) -> None:
    """pydantic's lax reading took a number as a Unix time (a check-in stored on
    2025-12-04), ``true`` as 1 and ``"yes"`` as true, and refused the rest in its own words
    without what is allowed ("Input should be a valid integer"); a body is read as an import
    file is, in the words the CLI says of the same value."""
    before = stored(app)
    response = client.post(f"/api/v1/athletes/{athlete}/{path}", json={"date": TODAY, **body})
    problem = problem_at(response, field)
    assert (problem["message"], problem["allowed"]) == (message, allowed)
    assert stored(app) == before


def test_a_day_in_a_path_or_query_that_is_not_a_date_is_refused_in_the_clis_words(
    client: TestClient, athlete: int
) -> None:
    for url, field in (
        (f"/api/v1/athletes/{athlete}/sessions/2026-02-30", "day"),
        (f"/api/v1/athletes/{athlete}/plan?date=2026-02-30", "date"),
    ):
        problem = problem_at(client.get(url), field)
        assert problem["message"] == "'2026-02-30' is not a valid date", url
        assert problem["allowed"] == "YYYY-MM-DD"


@pytest.mark.parametrize(
    ("query", "field", "message", "allowed"),
    [
        ("sets?limit=0", "limit", "0 is out of range", "1-200"),
        ("sets?limit=-1", "limit", "-1 is out of range", "1-200"),
        ("sets?limit=1000000000", "limit", "1000000000 is out of range", "1-200"),
        ("sets?limit=1e3", "limit", "'1e3' is not a whole number", "1-200"),
        ("sets?offset=-1", "offset", "-1 is out of range", "0-2147483647"),
        ("sets?offset=" + "9" * 30, "offset", "1e+30 is out of range", "0-2147483647"),
        ("runs?limit=0", "limit", "0 is out of range", "1-200"),
        ("runs/0", "run_id", "0 is out of range", "1-2147483647"),
    ],
)  # fmt: skip
def test_a_page_or_id_out_of_range_says_the_range_in_the_words_of_every_range(
    client: TestClient, athlete: int, query: str, field: str, message: str, allowed: str
) -> None:
    """pydantic's "Input should be greater than or equal to 1", with no allowed, was the
    answer; an offset of 30 digits was a page of nothing."""
    method = "PATCH" if query.startswith("runs/") else "GET"
    response = client.request(
        method,
        f"/api/v1/athletes/{athlete}/{query}",
        json={"kind": "easy"} if method == "PATCH" else None,
    )
    problem = problem_at(response, field)
    assert (problem["message"], problem["allowed"]) == (message, allowed)


def test_a_json_body_giving_a_key_twice_is_refused_as_a_profile_file_giving_it_twice(
    app: FastAPI, client: TestClient, athlete: int
) -> None:
    """json.loads keeps the last: ``{"pain": 1, "pain": 9}`` stored a morning pain of 9, a
    profile PUT with two levels re-planned on the second; the profile file is refused."""
    before = stored(app)
    shown = client.get(f"/api/v1/athletes/{athlete}/profile").json()
    profile = json.dumps(shown).replace('"level": ', '"level": "advanced", "level": ', 1)
    checkin = f'{{"date": "{TODAY}", "pain": 1, "stiffness": 1, "pain": 9}}'
    for method, path, body, field in (
        ("PUT", "profile", profile, "level"),
        ("POST", "checkins", checkin, "pain"),
        ("POST", "notes", '{"text": "rest", "text": "race"}', "text"),
    ):
        problem = problem_at(
            _raw(client, method, f"/api/v1/athletes/{athlete}/{path}", body), field
        )
        assert (problem["message"], problem["allowed"]) == ("given more than once", "each key once")
    assert stored(app) == before


@pytest.mark.parametrize("number", [2**63, 2**31])
def test_a_set_number_past_a_databases_integer_is_a_422_not_a_500(
    app: FastAPI, client: TestClient, athlete: int, number: int
) -> None:
    """The set POST's walk ahead (D-218) asked the database about set 2**63 before the
    set's ranges were checked: SQLite's OverflowError, a 500 (found by test_api_fuzz)."""
    before = stored(app)
    body = {"date": TODAY, **_SET, "set_number": number}
    response = client.post(f"/api/v1/athletes/{athlete}/sets", json=body)
    problem = problem_at(response, "set_number")
    shown = "9.22337e+18" if number > 10**15 else str(number)  # services.inputs.number_text
    assert (problem["message"], problem["allowed"]) == (f"{shown} is out of range", "1-50")
    assert stored(app) == before


@pytest.mark.parametrize(
    ("changes", "line"),
    [
        ({"birth_year": "1988"}, "birth_year: '1988' is not a whole number; allowed: 1900-2100"),
        ({"sessions_per_week": 2.0}, "sessions_per_week: 2.0 is not a whole number; allowed: 1-3"),
        ({"bone_stress_history": "yes"},
         "bone_stress_history: 'yes' is not true or false; allowed: true, false"),
        ({"free_days": "mon"},
         "free_days: 'mon' is not a list; allowed: a list of mon, tue, wed, thu, fri, sat, sun"),
    ],
)  # fmt: skip
def test_a_profile_put_is_refused_in_the_profile_files_words(
    app: FastAPI,
    client: TestClient,
    athlete: int,
    tmp_path: Path,
    changes: dict[str, Any],
    line: str,
) -> None:
    """The PUT said pydantic's "Input should be a valid integer" (no allowed) where the same
    profile as a file says what is allowed; one validation model, one message."""
    from calfcoach.errors import ProfileError
    from calfcoach.profile_io import profile_from_data

    before = stored(app)
    profile = _profile(**changes)
    response = client.put(f"/api/v1/athletes/{athlete}/profile", json=profile)
    field = line.partition(":")[0]
    problem = problem_at(response, field)
    assert f"{field}: {problem['message']}; allowed: {problem['allowed']}" == line
    with pytest.raises(ProfileError) as as_a_file:
        profile_from_data(profile)
    assert line in as_a_file.value.problems
    assert stored(app) == before
