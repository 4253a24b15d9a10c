"""Output formats: the plan JSON matches its schema, ICS parses back, doses read well."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

import icalendar
import jsonschema
import pytest

from calfcoach.core.models import (
    Dose,
    Exercise,
    Plan,
    PlanWarning,
    Prescription,
    Reason,
    Session,
)
from calfcoach.formats.ics import PRODID, plan_to_ics
from calfcoach.formats.plan_json import (
    STOPPED_ADVICE,
    plan_json_schema,
    plan_to_dict,
    plan_to_json,
    session_to_dict,
    upgrade_plan_dict,
)
from calfcoach.formats.text import describe_dose, describe_line, describe_rest

START = dt.date(2027, 1, 4)


def make_exercise(exercise_id: str, name: str, **extra: Any) -> Exercise:
    return Exercise(
        id=exercise_id,
        name=name,
        instructions=("Do it.",),
        cues=("Slowly.",),
        muscles=("soleus",),
        region="calf",
        knee="bent",
        contraction="isotonic",
        unilateral=True,
        unit="reps",
        default_dose=Dose(sets=3, reps=10),
        schemes=("light",),
        why="Because the rule sheet says so (test).",
        **extra,
    )


class FakeCatalog:
    def __init__(self, *exercises: Exercise) -> None:
        self.by_id = {e.id: e for e in exercises}

    def get(self, exercise_id: str, /) -> Exercise:
        return self.by_id[exercise_id]


CATALOG = FakeCatalog(
    make_exercise("jump-rope", "Jump rope", contacts_per_minute=180),
    make_exercise("bent-knee-heel-raise", "Bent-knee heel raise"),
    make_exercise("tip-toe-walking", "Tip-toe walking"),
    make_exercise("soleus-wall-sit", "Soleus wall sit"),
)

ROPE = Prescription(
    "jump-rope", "plyometric", 3, contacts=24, rest_seconds=60, why="R-SCH-3: light band."
)
HEAVY = Prescription(
    "bent-knee-heel-raise",
    "heavy",
    4,
    reps=5,
    per_side=True,
    added_load_kg=10.0,
    rest_seconds=150,
    tempo="3 s up, 3 s down",
    why="R-SCH-2: heavy, slow.",
)
WALK = Prescription("tip-toe-walking", "light", 3, distance_m=3.0, rest_seconds=30, why="R-PROG-2.")
HOLD = Prescription("soleus-wall-sit", "isometric", 3, seconds=45, rest_seconds=60, why="R-SCH-4.")


def make_plan(*, warnings: tuple[PlanWarning, ...] = ()) -> Plan:
    return Plan(
        start=START,
        weeks=2,
        warnings=warnings,
        sessions=(
            Session(START + dt.timedelta(days=2), 1, False, "Rope and heavy", (ROPE, HEAVY), 25),
            Session(START + dt.timedelta(days=4), 1, False, "Soleus", (HOLD, WALK), 20),
            Session(START + dt.timedelta(days=9), 2, True, "Light week", (WALK,), 15),
        ),
    )


def validator() -> jsonschema.Draft202012Validator:
    schema = plan_json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


# ------------------------------------------------------------------------- plan JSON


def test_plan_to_dict_gives_exactly_the_contract_keys_in_order() -> None:
    document = plan_to_dict(make_plan(warnings=(PlanWarning("R-SCHED-4", "No free day."),)))
    assert list(document) == ["schema_version", "start", "weeks", "warnings", "sessions"]
    assert document["start"] == "2027-01-04"
    assert document["warnings"] == [{"rule": "R-SCHED-4", "message": "No free day."}]
    session = document["sessions"][0]
    assert list(session) == ["date", "week", "deload", "title", "status", "advice", "exercises"]
    assert document["schema_version"] == 2
    assert (session["status"], session["advice"]) == ("planned", None)
    assert list(session["exercises"][1]) == [
        "exercise",
        "scheme",
        "sets",
        "reps",
        "seconds",
        "distance_m",
        "contacts",
        "per_side",
        "added_load_kg",
        "rest_seconds",
        "tempo",
        "why",
        "reasons",
    ]
    assert session["exercises"][1]["tempo"] == "3 s up, 3 s down"
    assert session["exercises"][0]["contacts"] == 24
    assert session["exercises"][0]["per_side"] is False


def test_hand_built_plans_match_the_json_schema() -> None:
    check = validator()
    for plan in (make_plan(), make_plan(warnings=(PlanWarning("R-SCH-2a", "No load."),))):
        document = json.loads(plan_to_json(plan))
        assert list(check.iter_errors(document)) == []


def test_an_empty_plan_matches_the_json_schema() -> None:
    plan = Plan(start=START, weeks=1, warnings=(), sessions=())
    assert list(validator().iter_errors(plan_to_dict(plan))) == []


@pytest.mark.parametrize(
    ("path", "bad"),
    [
        (("sessions", 0, "exercises", 0, "scheme"), "medium"),
        (("sessions", 0, "date"), "2027-13-01"),
        (("sessions", 0, "exercises", 0, "sets"), 0),
        (("warnings",), [{"rule": "R-SCHED-4"}]),
        (("schema_version",), 1),
        (("sessions", 0, "status"), "paused"),
        (("sessions", 0, "exercises", 0, "reasons"), [{"rule": "R-WHY"}]),
    ],
)
def test_the_schema_rejects_documents_outside_the_contract(
    path: tuple[Any, ...], bad: object
) -> None:
    document: Any = plan_to_dict(make_plan())
    target = document
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = bad
    assert list(validator().iter_errors(document))


def test_the_schema_refuses_extra_keys() -> None:
    document = plan_to_dict(make_plan())
    document["sessions"][0]["minutes"] = 25
    assert list(validator().iter_errors(document))


def test_the_schema_describes_every_field() -> None:
    schema = plan_json_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["title"]
    for model in [schema, *schema["$defs"].values()]:
        assert model.get("description"), model.get("title")
        for name, prop in model["properties"].items():
            assert prop.get("description"), name


def test_session_to_dict_is_one_element_of_the_plan_sessions() -> None:
    plan = make_plan()
    assert session_to_dict(plan.sessions[1]) == plan_to_dict(plan)["sessions"][1]


def test_plan_json_is_deterministic_utf8_with_a_final_newline() -> None:
    plan = make_plan(warnings=(PlanWarning("R-SCHED-4", "Pas de jour libre: é"),))
    text = plan_to_json(plan)
    assert text == plan_to_json(make_plan(warnings=plan.warnings))
    assert text.endswith("}\n")
    assert "é" in text


# ------------------------------------------------------------------------- ICS


def events_of(data: bytes) -> list[Any]:
    calendar = icalendar.Calendar.from_ical(data)
    return [c for c in calendar.walk() if c.name == "VEVENT"]


def test_ics_parses_back_with_one_all_day_event_per_session() -> None:
    plan = make_plan()
    data = plan_to_ics(plan, "Sam", catalog=CATALOG)
    calendar = icalendar.Calendar.from_ical(data)
    assert str(calendar["PRODID"]) == PRODID
    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["CALSCALE"]) == "GREGORIAN"
    assert "Sam" in str(calendar["X-WR-CALNAME"])
    events = events_of(data)
    assert len(events) == len(plan.sessions)
    for event, session in zip(events, plan.sessions, strict=True):
        assert event.decoded("DTSTART") == session.date
        assert event.decoded("DTEND") == session.date + dt.timedelta(days=1)
        assert str(event["SUMMARY"]) == session.title
        assert str(event["UID"]).endswith("@calfcoach")
    assert b"DTSTART;VALUE=DATE:20270106" in data
    assert len({str(e["UID"]) for e in events}) == len(events)


def test_ics_description_has_one_line_per_exercise_with_dose_and_why() -> None:
    (first, *_) = events_of(plan_to_ics(make_plan(), None, catalog=CATALOG))
    lines = str(first["DESCRIPTION"]).splitlines()
    assert "Jump rope: 3 x 24 contacts (~8 s), rest 60 s. Why: R-SCH-3: light band." in lines
    assert (
        "Bent-knee heel raise: 4 x 5 reps each side, +10 kg, rest 2 min 30 s, "
        "tempo 3 s up, 3 s down. Why: R-SCH-2: heavy, slow."
    ) in lines


def test_ics_puts_the_plan_warnings_in_the_calendar_description() -> None:
    plan = make_plan(warnings=(PlanWarning("R-SCHED-4", "Long run on every free day."),))
    calendar = icalendar.Calendar.from_ical(plan_to_ics(plan, "Sam", catalog=CATALOG))
    assert str(calendar["X-WR-CALDESC"]) == "R-SCHED-4: Long run on every free day."


def test_ics_output_is_byte_identical_for_the_same_input() -> None:
    first = plan_to_ics(make_plan(), "Sam", catalog=CATALOG)
    assert plan_to_ics(make_plan(), "Sam", catalog=CATALOG) == first
    stamp = events_of(first)[0].decoded("DTSTAMP")
    assert stamp == dt.datetime(2027, 1, 4, tzinfo=dt.UTC)


def test_ics_uids_depend_on_the_profile_name() -> None:
    sam = events_of(plan_to_ics(make_plan(), "Sam", catalog=CATALOG))
    kim = events_of(plan_to_ics(make_plan(), "Kim", catalog=CATALOG))
    assert str(sam[0]["UID"]) != str(kim[0]["UID"])


# ------------------------------------------------------------------------- dose text


def test_describe_dose_in_metric() -> None:
    assert describe_dose(HEAVY, "metric") == "4 x 5 reps each side, +10 kg"
    assert describe_dose(WALK, "metric") == "3 x 3 m"
    assert describe_dose(HOLD, "metric") == "3 x 45 s"
    assert describe_dose(ROPE, "metric", contacts_per_minute=180) == "3 x 24 contacts (~8 s)"
    assert describe_dose(ROPE, "metric") == "3 x 24 contacts"


def test_describe_dose_in_imperial_uses_feet_and_pounds() -> None:
    assert describe_dose(HEAVY, "imperial") == "4 x 5 reps each side, +22 lb"
    assert describe_dose(WALK, "imperial") == "3 x 10 ft"
    half = Prescription("tip-toe-walking", "light", 3, distance_m=4.5, added_load_kg=2.5)
    assert describe_dose(half, "imperial") == "3 x 15 ft, +5.5 lb"
    assert describe_dose(half, "metric") == "3 x 4.5 m, +2.5 kg"


def test_describe_dose_uses_the_planners_bout_time_for_contacts() -> None:
    rope = Prescription("jump-rope", "plyometric", 3, seconds=7, contacts=22)
    assert describe_dose(rope, "metric", contacts_per_minute=180) == "3 x 22 contacts (~7 s)"


def test_describe_dose_reads_reps_with_a_hold() -> None:
    pull = Prescription("banded-foot-pull", "skill", 2, reps=12, seconds=2, per_side=True)
    assert describe_dose(pull, "metric") == "2 x 12 reps, 2 s hold each side"


def test_describe_rest_and_line() -> None:
    assert describe_rest(60) == "60 s"
    assert describe_rest(150) == "2 min 30 s"
    assert describe_rest(120) == "2 min"
    assert describe_rest(0) == "none"
    assert describe_line(WALK, "metric") == "tip-toe-walking: 3 x 3 m, rest 30 s"


# ------------------------------------------------------------------------- schema 2 (issue 6)

ADVICE = "Red flag (a pop): see a clinician today. The plan is stopped until `calfcoach clear`."


def stopped_plan(advice: str | None = ADVICE) -> Plan:
    # The engine may leave the exercises in place; a stopped session never shows them.
    stopped = Session(
        START + dt.timedelta(days=2),
        1,
        False,
        "Stopped: see a clinician",
        (ROPE, HEAVY),
        0,
        status="stopped",
        advice=advice,
    )
    return Plan(start=START, weeks=1, warnings=(), sessions=(stopped,))


@dataclass(slots=True, unsafe_hash=True)
class ReasonedPrescription(Prescription):
    """A Prescription with structured reasons, as the lead's engine gives them (R-WHY)."""

    reasons: tuple[Reason, ...] = ()


def test_a_stopped_session_has_status_stopped_advice_and_no_exercises_R_PAIN_2a() -> None:
    document = plan_to_dict(stopped_plan())
    (session,) = document["sessions"]
    assert session["status"] == "stopped"
    assert session["advice"] == ADVICE
    assert session["exercises"] == []
    assert list(validator().iter_errors(document)) == []


def test_a_stopped_session_without_advice_still_says_whom_to_see() -> None:
    (session,) = plan_to_dict(stopped_plan(advice=None))["sessions"]
    assert session["advice"] == STOPPED_ADVICE
    assert "clinician" in session["advice"]


def test_each_exercise_carries_its_structured_reasons_when_the_engine_gives_them() -> None:
    rx = ReasonedPrescription(
        "bent-knee-heel-raise",
        "rehab",
        3,
        reps=15,
        per_side=True,
        why="R-PAIN-3: heavy slow resistance.",
        reasons=(Reason("R-PAIN-3", "Achilles: heavy slow resistance (Beyer 2015)."),),
    )
    plan = Plan(START, 1, (), (Session(START, 1, False, "Rehab", (rx,), 20),))
    document = plan_to_dict(plan)
    (exercise,) = document["sessions"][0]["exercises"]
    assert exercise["reasons"] == [
        {"rule": "R-PAIN-3", "text": "Achilles: heavy slow resistance (Beyer 2015)."}
    ]
    assert exercise["why"] == "R-PAIN-3: heavy slow resistance."
    assert list(validator().iter_errors(document)) == []


def test_a_prescription_without_reasons_gives_an_empty_list() -> None:
    assert plan_to_dict(make_plan())["sessions"][0]["exercises"][0]["reasons"] == []


def test_a_schema_1_plan_document_reads_as_schema_2() -> None:
    old = plan_to_dict(make_plan())
    old["schema_version"] = 1
    for session in old["sessions"]:
        del session["status"], session["advice"]
        for exercise in session["exercises"]:
            del exercise["reasons"]
    upgraded = upgrade_plan_dict(old)
    assert upgraded == plan_to_dict(make_plan())
    assert list(validator().iter_errors(upgraded)) == []


@pytest.mark.parametrize("version", [0, 3, None, "2", True])
def test_an_unknown_plan_schema_version_is_refused_naming_the_allowed_ones(
    version: object,
) -> None:
    document = plan_to_dict(make_plan())
    document["schema_version"] = version
    with pytest.raises(ValueError, match="schema_version: .* allowed: 1, 2"):
        upgrade_plan_dict(document)


def test_ics_shows_a_stopped_sessions_advice_instead_of_its_exercises() -> None:
    (event,) = events_of(plan_to_ics(stopped_plan(), "Sam", catalog=CATALOG))
    description = str(event["description"])
    assert "see a clinician today" in description
    assert "Jump rope" not in description and "heel raise" not in description
    assert str(event["summary"]).startswith("Stopped")


def test_the_plan_table_shows_a_stopped_sessions_advice_instead_of_its_exercises() -> None:
    import io

    from rich.console import Console

    from calfcoach.cli.plan_cmds import render_plan_table
    from calfcoach.core.models import Profile

    buffer = io.StringIO()
    render_plan_table(
        stopped_plan(), Profile(level="novice"), CATALOG, Console(file=buffer, width=100)
    )
    text = buffer.getvalue()
    assert "STOPPED" in text and "see a clinician today" in text
    assert "Jump rope" not in text and "Exercise" not in text
