"""Issue 6, item 4: the public contract v2 at the command line, on SQLite and PostgreSQL.

Red flags in the check-in and the clinician's clearance (R-PAIN-2a), the hop test (R-TEST-5),
race objects and the new intake keys in the profile, plan JSON schema 2. Every refusal exits
with status 2, names the option, the value and what is allowed, and writes nothing.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.integration.test_cli_training import DEMO, FRI, START, THU, WED, Cli, refused
from typer.testing import CliRunner

from calfcoach.core.models import RED_FLAGS, URGENT_RED_FLAGS


@pytest.fixture
def cli(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Cli:
    env = {
        "CALFCOACH_HOME": str(tmp_path / "home"),
        "CALFCOACH_DATABASE_URL": database_url,
        "COLUMNS": "200",
    }
    return Cli(CliRunner(), env, database_url, monkeypatch)


@pytest.fixture
def demo(cli: Cli) -> Cli:
    result = cli("athlete", "add", "--profile", str(DEMO), "--start", START)
    assert result.code == 0, result.err
    return cli


def checkins_of(cli: Cli) -> list[dict[str, object]]:
    (athlete,) = cli.snapshot()["athletes"]
    return list(athlete["checkins"])


# ------------------------------------------------------------------------- red flags


@pytest.mark.parametrize("flag", sorted(URGENT_RED_FLAGS))
def test_an_urgent_red_flag_prints_see_a_clinician_today_before_anything_else_R_PAIN_2a(
    demo: Cli, flag: str
) -> None:
    result = demo("checkin", "--date", THU, "--pain", "3", "--stiffness", "2", "--red-flag", flag)
    assert result.code == 0, result.err
    first, *rest = result.out.splitlines()
    assert first.startswith("RED FLAG")
    assert "see a clinician" in first and "today" in first
    assert "stopped" in first and "clearance" in first
    assert rest[0] == "Record the clearance with `calfcoach clear --date YYYY-MM-DD`."
    assert any(line.startswith(f"Check-in of {THU} saved") for line in rest)
    assert checkins_of(demo)[0]["red_flags"] == [flag]


def test_a_non_urgent_red_flag_advises_a_clinician_soon_not_today_R_PAIN_2a(demo: Cli) -> None:
    result = demo(
        "checkin", "--date", THU, "--pain", "2", "--stiffness", "1",
        "--red-flag", "night_pain", "--red-flag", "worse_during_run",
    )  # fmt: skip
    assert result.code == 0, result.err
    first = result.out.splitlines()[0]
    assert first.startswith("RED FLAG") and "today" not in first
    assert "pain at night" in first and "grows through a run" in first
    assert checkins_of(demo)[0]["red_flags"] == ["night_pain", "worse_during_run"]


def test_a_check_in_without_red_flags_prints_no_advice(demo: Cli) -> None:
    result = demo("checkin", "--date", THU, "--pain", "2", "--stiffness", "1")
    assert result.code == 0, result.err
    assert "RED FLAG" not in result.out
    assert checkins_of(demo)[0]["red_flags"] == []


def test_an_unknown_red_flag_is_refused_naming_every_allowed_one(demo: Cli) -> None:
    result = refused(
        demo,
        "checkin", "--date", THU, "--pain", "2", "--stiffness", "1", "--red-flag", "itchy",
        expect=["--red-flag: 'itchy' is not allowed; allowed: " + ", ".join(RED_FLAGS)],
    )  # fmt: skip
    assert "RED FLAG" not in result.out


def test_replacing_a_red_flag_check_in_keeps_its_red_flags(demo: Cli) -> None:
    demo("checkin", "--date", THU, "--pain", "3", "--stiffness", "2", "--red-flag", "swelling")
    result = demo("checkin", "--date", THU, "--pain", "1", "--stiffness", "1", "--replace")
    assert result.code == 0, result.err
    assert "stay until a clearance" in result.out
    (checkin,) = checkins_of(demo)
    assert (checkin["pain"], checkin["red_flags"]) == (1, ["swelling"])


def test_the_interactive_check_in_asks_each_red_flag_as_a_yes_no_question(demo: Cli) -> None:
    answers = ["2", "1"] + ["y" if flag == "pop" else "n" for flag in RED_FLAGS]
    result = demo("checkin", "--date", THU, "--ask", input="\n".join(answers) + "\n")
    assert result.code == 0, result.err
    assert "Did you feel a pop or a sudden pain in the calf, Achilles or heel?" in result.out
    assert "Is it hard to walk normally or to rise on your toes?" in result.out
    assert "RED FLAG" in result.out and "today" in result.out
    assert checkins_of(demo)[0]["red_flags"] == ["pop"]


# ------------------------------------------------------------------------- clear


def test_clear_without_a_red_flag_check_in_is_refused(demo: Cli) -> None:
    demo("checkin", "--date", THU, "--pain", "2", "--stiffness", "1")
    refused(demo, "clear", "--date", FRI, expect=["--date: there is no red-flag check-in"])


def test_clear_records_the_clearance_once_and_a_second_clear_is_refused_R_PAIN_2a(
    demo: Cli,
) -> None:
    demo("checkin", "--date", WED, "--pain", "3", "--stiffness", "2", "--red-flag", "pop")
    result = demo("clear", "--date", FRI, "--note", "physio: no tear")
    assert result.code == 0, result.err
    assert f"Clearance of {FRI} saved" in result.out and WED in result.out
    (athlete,) = demo.snapshot()["athletes"]
    assert athlete["clearances"] == [{"date": FRI, "note": "physio: no tear"}]
    refused(demo, "clear", "--date", FRI, expect=["no red-flag check-in to clear"])


def test_a_clearance_dated_before_the_red_flag_is_refused(demo: Cli) -> None:
    demo("checkin", "--date", FRI, "--pain", "3", "--stiffness", "2", "--red-flag", "bone_spot")
    refused(demo, "clear", "--date", WED, expect=[f"the red flag of {FRI} needs a clearance"])


def test_a_clearance_on_the_red_flags_own_day_is_refused_D_18(demo: Cli) -> None:
    # Only a clearance dated strictly after the latest red flag lifts the stop (D-18).
    demo("checkin", "--date", WED, "--pain", "3", "--stiffness", "2", "--red-flag", "pop")
    demo("checkin", "--date", FRI, "--pain", "3", "--stiffness", "2", "--red-flag", "warmth")
    refused(
        demo,
        "clear", "--date", FRI,
        expect=[f"the red flag of {FRI} needs a clearance dated after it"],
    )  # fmt: skip


def test_a_clearance_in_the_future_is_refused(demo: Cli) -> None:
    demo("checkin", "--date", WED, "--pain", "3", "--stiffness", "2", "--red-flag", "pop")
    refused(demo, "clear", "--date", "2099-01-01", expect=["--date: 2099-01-01 is in the future"])


# ------------------------------------------------------------------------- hop test


def test_a_complete_pain_free_hop_test_passes_in_words_R_TEST_5(demo: Cli) -> None:
    result = demo("test", "hop", "--date", THU, "--hops", "40", "--pain", "0")
    assert result.code == 0, result.err
    assert result.out.startswith(f"Hop test {THU} (both legs): 40 hops, pain 0/10 - passed")
    assert "R-TEST-5" in result.out
    (athlete,) = demo.snapshot()["athletes"]
    assert athlete["hop_tests"] == [{"date": THU, "hops": 40, "pain": 0, "side": "both"}]


def test_a_short_or_painful_hop_test_does_not_pass_and_says_why_R_TEST_5(demo: Cli) -> None:
    result = demo(
        "test", "hop", "--date", THU, "--hops", "20", "--pain", "4", "--side", "left",
        "--format", "json",
    )  # fmt: skip
    assert result.code == 0, result.err
    document = json.loads(result.out)
    assert document["passed"] is False and document["side"] == "left"
    assert any("the test is 40" in m for m in document["messages"])
    assert any("pain 4/10 is above the 3/10 limit" in m for m in document["messages"])


@pytest.mark.parametrize(
    ("args", "expect"),
    [
        (["--hops", "101", "--pain", "0"], "--hops: 101 is out of range; allowed: 0-100"),
        (["--hops", "-1", "--pain", "0"], "--hops: -1 is out of range; allowed: 0-100"),
        (["--hops", "lots", "--pain", "0"], "--hops: 'lots' is not a whole number"),
        (["--hops", "40", "--pain", "11"], "--pain: 11 is out of range; allowed: 0-10"),
        (["--pain", "0"], "--hops: missing; allowed: 0-100 hops per leg"),
        (["--hops", "40", "--pain", "0", "--side", "up"], "--side: 'up' is not allowed"),
        (["--hops", "40", "--pain", "0", "--format", "xml"], "--format: 'xml' is not allowed"),
    ],
)
def test_a_bad_hop_test_is_refused_naming_the_option(
    demo: Cli, args: list[str], expect: str
) -> None:
    refused(demo, "test", "hop", "--date", THU, *args, expect=[expect])


def test_no_hop_test_while_a_red_flag_stop_is_on_R_TEST_5(demo: Cli) -> None:
    demo("checkin", "--date", WED, "--pain", "2", "--stiffness", "1", "--red-flag", "bone_spot")
    refused(
        demo,
        "test", "hop", "--date", FRI, "--hops", "40", "--pain", "0",
        expect=[f"--date: the plan is stopped by the red flag of {WED}"],
    )  # fmt: skip
    assert demo("clear", "--date", FRI).code == 0
    assert demo("test", "hop", "--date", FRI, "--hops", "40", "--pain", "0").code == 0


def test_heel_raise_test_is_unchanged(demo: Cli) -> None:
    result = demo("test", "heel-raise", "--date", THU, "--left", "22", "--right", "25")
    assert result.code == 0, result.err
    assert result.out.startswith(f"Heel-raise test {THU} (straight knee): left 22, right 25")


# ------------------------------------------------------------------------- plan JSON 2


def test_schema_plan_is_schema_version_2_with_status_advice_and_reasons(cli: Cli) -> None:
    result = cli("schema", "plan")
    assert result.code == 0, result.err
    schema = json.loads(result.out)
    assert schema["properties"]["schema_version"]["const"] == 2
    session = schema["$defs"]["Session"]["properties"]
    assert session["status"]["enum"] == ["planned", "stopped"]
    assert "advice" in session
    assert "reasons" in schema["$defs"]["Exercise"]["properties"]


def test_today_as_json_carries_status_and_advice(demo: Cli) -> None:
    result = demo("today", "--date", WED, "--format", "json")
    assert result.code == 0, result.err
    session = json.loads(result.out)
    assert session["status"] in ("planned", "stopped")
    assert "advice" in session
    assert all("reasons" in exercise for exercise in session["exercises"])
    if session["status"] == "stopped":
        assert session["exercises"] == [] and session["advice"]


def test_plan_json_of_a_profile_is_schema_version_2_and_matches_the_schema(cli: Cli) -> None:
    import jsonschema

    result = cli("plan", "--profile", str(DEMO), "--start", START, "--format", "json")
    assert result.code == 0, result.err
    document = json.loads(result.out)
    assert document["schema_version"] == 2
    schema = json.loads(cli("schema", "plan").out)
    jsonschema.Draft202012Validator(schema).validate(document)


# ------------------------------------------------------------------------- profile v2


def write_profile(tmp_path: Path, **changes: object) -> Path:
    data = json.loads(DEMO.read_text(encoding="utf-8")) | changes
    path = tmp_path / "v2.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_athlete_add_takes_race_objects_and_the_new_intake_keys(cli: Cli, tmp_path: Path) -> None:
    path = write_profile(
        tmp_path,
        races=["2026-05-03", {"date": "2026-04-12", "distance_km": 42.2, "name": "Spring M"}],
        complaints=["achilles_insertional"],
        usual_pain=3,
        bone_stress_history=False,
        missed_periods=False,
    )
    result = cli("athlete", "add", "--profile", str(path), "--start", START)
    assert result.code == 0, result.err
    (athlete,) = cli.snapshot()["athletes"]
    races = athlete["profile"]["races"]
    assert [r["date"] for r in races] == ["2026-04-12", "2026-05-03"]
    assert races[0]["distance_km"] == 42.2 and races[0]["name"] == "Spring M"
    assert athlete["profile"]["usual_pain"] == 3


def test_a_bad_race_object_is_refused_naming_its_path(cli: Cli, tmp_path: Path) -> None:
    path = write_profile(tmp_path, races=["2026-05-03", {"date": "2026-04-12", "distance_km": 0}])
    for command in (
        ("athlete", "add", "--profile", str(path), "--start", START),
        ("plan", "--profile", str(path), "--start", START),
    ):
        refused(cli, *command, expect=["races[1].distance_km: 0 is out of range"])


def test_init_asks_race_distance_and_the_intake_keys_only_where_they_apply(
    cli: Cli, tmp_path: Path
) -> None:
    out = tmp_path / "p.json"
    answers = [
        "Kim",  # name
        "female",  # sex
        "",  # birth year
        "",  # body mass
        "novice",  # level
        "band",  # equipment
        "mon,wed,fri",  # free days
        "",  # sessions per week: the default
        "",  # minutes
        "none",  # runs
        "2026-09-01:42.2, 2026-06-01",  # races
        "shin",  # complaints
        "4",  # usual pain
        "y",  # bone stress history
        "n",  # missed periods
        "metric",  # units
    ]
    result = cli("init", "--output", str(out), input="\n".join(answers) + "\n")
    assert result.code == 0, result.err + result.out
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["races"] == ["2026-06-01", {"date": "2026-09-01", "distance_km": 42.2}]
    assert data["sessions_per_week"] is None
    assert (data["usual_pain"], data["bone_stress_history"], data["missed_periods"]) == (
        4,
        True,
        False,
    )


def test_init_without_a_complaint_skips_the_complaint_questions(cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "p.json"
    answers = ["", "male", "", "", "novice", "none", "mon,thu", "2", "", "none", "none", "none"]
    result = cli("init", "--output", str(out), input="\n".join(answers + ["metric"]) + "\n")
    assert result.code == 0, result.err + result.out
    assert "usual morning pain" not in result.out
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["usual_pain"] is None and data["bone_stress_history"] is False


@pytest.mark.parametrize(
    "args",
    [
        ("checkin", "--date", "0001-01-02", "--pain", "1", "--stiffness", "1"),
        ("test", "hop", "--date", "0001-01-02", "--hops", "10", "--pain", "0"),
        ("test", "heel-raise", "--date", "1899-12-31", "--left", "20", "--right", "20"),
    ],
)
def test_a_log_dated_before_1900_is_refused_and_nothing_is_written(
    demo: Cli, args: tuple[str, ...]
) -> None:
    before = demo.snapshot()
    result = demo(*args)
    assert result.code == 2
    assert "is out of range; allowed: 1900-01-01 to " in result.err
    assert demo.snapshot() == before
    # and the plan still reads (the engine never met a date it cannot subtract from)
    assert demo("today", "--date", WED).code == 0


def _demo_with(cli: Cli, tmp_path: Path, complaint: str) -> Cli:
    """The demo runner with ``complaint`` and no race, stored."""
    profile = json.loads(DEMO.read_text())
    profile.update(complaints=[complaint], races=[])
    path = tmp_path / f"{complaint}.json"
    path.write_text(json.dumps(profile))
    result = cli("athlete", "add", "--profile", str(path), "--start", START)
    assert result.code == 0, result.err
    return cli


@pytest.fixture
def shin(cli: Cli, tmp_path: Path) -> Cli:
    return _demo_with(cli, tmp_path, "shin")


def _checkins(cli: Cli, first: str, count: int, pain: int) -> list[str]:
    """A morning check-in at ``pain`` on each of ``count`` days from ``first``; the days."""
    import datetime as dt

    start = dt.date.fromisoformat(first)
    days = [(start + dt.timedelta(days=n)).isoformat() for n in range(count)]
    for day in days:
        result = cli("checkin", "--date", day, "--pain", str(pain), "--stiffness", str(pain))
        assert result.code == 0, result.err
    return days


def _hop_cleared(cli: Cli, through: str) -> object:
    """The day the engine counts the hop test passed by (``core.safety.hop_test_passed``,
    the plyometric gate's evidence), from what is stored up to ``through``."""
    import datetime as dt

    from calfcoach.core.safety import hop_test_passed
    from calfcoach.storage.db import Database

    day = dt.date.fromisoformat(through)
    with Database(cli.url) as database, database.unit_of_work(read_only=True) as uow:
        (athlete,) = uow.athletes.all()
        log = uow.logs.load_training_log(athlete.id).up_to(day)
        return hop_test_passed(athlete.profile, log, day)


def test_a_hop_test_on_a_day_it_is_not_allowed_counts_for_nothing_and_says_so_R_TEST_5(
    shin: Cli,
) -> None:
    # D-166: with shin pain, 4 days of calm check-ins do not allow the test (7 are needed).
    # The answer said "passed ... This clears light plyometrics"; it now says the test is
    # not counted and why, and the engine agrees: it clears nothing.
    days = _checkins(shin, "2026-03-02", 4, pain=1)
    result = shin("test", "hop", "--date", days[-1], "--hops", "40", "--pain", "0")
    assert result.code == 0, result.err
    assert result.out.startswith(f"Hop test {days[-1]} (both legs): 40 hops, pain 0/10 - passed")
    assert ", not counted" in result.out.splitlines()[0]
    assert "Not counted: A hop test needs a check-in on each of the last 7 days" in result.out
    assert "clears light plyometrics" not in result.out
    after = _checkins(shin, "2026-03-06", 3, pain=0)  # a pain-free next morning, and more
    assert _hop_cleared(shin, after[-1]) is None  # the engine does not count it either


def test_an_allowed_hop_test_counts_clears_the_shin_and_a_retest_within_7_days_does_not(
    shin: Cli,
) -> None:
    week = _checkins(shin, "2026-03-02", 7, pain=1)
    result = shin("test", "hop", "--date", week[-1], "--hops", "40", "--pain", "0", "-f", "json")
    document = json.loads(result.out)
    assert document["passed"] is True and document["counts"] is True
    assert "This clears light plyometrics (R-PAIN-4)." in document["messages"]
    more = _checkins(shin, "2026-03-09", 14, pain=0)
    retest = shin("test", "hop", "--date", more[2], "--hops", "40", "--pain", "0", "-f", "json")
    document = json.loads(retest.out)
    assert document["counts"] is False
    assert any(f"The last hop test was on {week[-1]}" in m for m in document["messages"])
    assert _hop_cleared(shin, more[-1]) is not None  # the first one cleared it, as it said


def test_a_heel_raise_test_with_insertional_achilles_pain_says_flat_ground_R_PAIN_5(
    cli: Cli, tmp_path: Path
) -> None:
    _demo_with(cli, tmp_path, "achilles_insertional")
    result = cli("test", "heel-raise", "--date", THU, "--left", "20", "--right", "22")
    assert result.code == 0, result.err
    assert "Note: Insertional Achilles pain: the test belongs on flat ground" in result.out
