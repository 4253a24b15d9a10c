"""The DTOs of the services (issue 8, part 1): the documents ``--format json`` printed before
them come out of them unchanged, and lists page."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from tests.unit.test_formats import make_plan

from calfcoach.catalog import load_catalog
from calfcoach.core.models import CheckIn, HopTest, Profile
from calfcoach.core.planner import build_plan
from calfcoach.errors import InputError
from calfcoach.formats.plan_json import plan_to_dict, plan_to_json, session_to_dict, to_json_text
from calfcoach.services.schemas import (
    CheckInOut,
    HopTestOut,
    Page,
    PlanDocument,
    SetOut,
    dump,
    page_of,
    plan_document,
    session_document,
)
from calfcoach.services.training import HopTestResult

DEMO = Path(__file__).resolve().parents[2] / "examples" / "demo-profile.json"


def demo_plan():
    profile = Profile.model_validate(json.loads(DEMO.read_text()))
    return build_plan(profile, load_catalog(), dt.date(2026, 3, 2), 8)


@pytest.mark.parametrize("plan", [make_plan(), demo_plan()], ids=["hand-built", "demo"])
def test_the_plan_document_is_the_plan_json_byte_for_byte(plan) -> None:
    document = plan_document(plan)
    assert isinstance(document, PlanDocument)
    assert dump(document) == plan_to_dict(plan)
    assert to_json_text(dump(document)) == plan_to_json(plan)


def test_a_session_document_is_the_session_shape_and_a_rest_day_is_none() -> None:
    plan = demo_plan()
    for session in plan.sessions:
        document = session_document(session)
        assert document is not None and dump(document) == session_to_dict(session)
    assert session_document(None) is None


def test_the_plan_document_refuses_what_the_contract_does_not_allow() -> None:
    document = plan_to_dict(make_plan())
    with pytest.raises(ValueError):
        PlanDocument.model_validate({**document, "schema_version": 3})
    with pytest.raises(ValueError):
        PlanDocument.model_validate({**document, "extra": 1})


def test_a_page_holds_a_slice_and_the_total() -> None:
    page = Page[int].model_validate(page_of(list(range(7)), offset=5, limit=3))
    assert (page.items, page.total, page.offset, page.limit) == ([5, 6], 7, 5, 3)
    assert Page[int].model_validate(page_of([1, 2], offset=9)).items == []


@pytest.mark.parametrize(("offset", "limit", "field"), [(-1, 10, "offset"), (0, 0, "limit")])
def test_a_bad_page_is_refused_naming_the_field(offset: int, limit: int, field: str) -> None:
    with pytest.raises(InputError) as caught:
        page_of([1], offset=offset, limit=limit)
    assert caught.value.details[0].field == field


def test_a_check_in_lists_its_red_flags_in_the_vocabularys_order() -> None:
    checkin = CheckIn(dt.date(2026, 3, 5), 2, 1, frozenset({"swelling", "pop"}))
    assert dump(CheckInOut.from_checkin(checkin)) == {
        "date": "2026-03-05",
        "pain": 2,
        "stiffness": 1,
        "red_flags": ["pop", "swelling"],
    }


def test_the_hop_test_document_keeps_the_keys_the_cli_printed() -> None:
    test = HopTest(date=dt.date(2026, 3, 5), hops=40, pain=1, side="left")
    result = HopTestResult(test=test, passed=True, pain_limit=3, messages=("Passed.",))
    assert list(dump(HopTestOut.from_result(test, result))) == [
        "date",
        "hops",
        "pain",
        "side",
        "passed",
        "counts",  # D-166: whether the plan counts it (allowed on its day), added after
        "pain_limit",
        "messages",
    ]


def test_a_set_document_has_its_id_and_every_measure() -> None:
    assert list(SetOut.model_fields) == [
        "id",
        "date",
        "exercise",
        "set_number",
        "side",
        "reps",
        "seconds",
        "distance_m",
        "contacts",
        "load_kg",
        "rpe",
        "pain",
    ]
