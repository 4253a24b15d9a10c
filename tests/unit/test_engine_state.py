"""The walk state as a snapshot (core/engine/state.py, issue 6 item 2): ``to_dict`` gives plain
JSON data and ``from_dict`` reads it back to an equal state, for random states; a snapshot of
another version reads as None (the walk is rebuilt).

The random states are drawn from the dataclasses' own field lists, so a field added to
``State``, ``Track``, ``Outcome`` or ``Dose`` is generated too (and a new field type makes
the strategy fail loudly until it is taught that type): a field the snapshot forgets to write
or read fails the round trip.

Hypothesis: ``HYPOTHESIS_PROFILE=ci`` runs the full example counts, anything else (dev) a few.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.strategies import examples as shared_examples

from calfcoach.catalog import load_catalog
from calfcoach.core.dosing import Dose
from calfcoach.core.engine import walk
from calfcoach.core.engine.state import STATE_VERSION, Outcome, State, Track
from calfcoach.core.models import CheckIn, LoggedSet, Profile, TrainingLog


def examples(ci: int, dev: int = 40) -> settings:
    """This file's default dev count on the shared profile switch (tests/strategies.py)."""
    return shared_examples(ci, dev)


dates = st.dates(dt.date(2020, 1, 1), dt.date(2035, 12, 31))
small = st.integers(0, 60)
amounts = st.floats(0, 500, allow_nan=False, allow_infinity=False)
keys = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=30)
json_scalars = st.none() | st.booleans() | st.integers(-(2**40), 2**40) | amounts | keys
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=4),
    max_leaves=12,
)


def _of(cls: type) -> st.SearchStrategy[Any]:
    """A strategy for a dataclass from its field list and their (string) annotations."""
    kwargs = {}
    for f in dataclasses.fields(cls):
        kwargs[f.name] = _TYPES.get(f.type) if isinstance(f.type, str) else None
        if kwargs[f.name] is None:
            raise AssertionError(
                f"{cls.__name__}.{f.name}: type {f.type!r} is new; teach test_engine_state.py "
                "to draw it so the snapshot round trip covers it"
            )
    return st.builds(cls, **kwargs)


_TYPES: dict[str, st.SearchStrategy[Any]] = {
    "int": small,
    "int | None": st.none() | small,
    "bool": st.booleans(),
    "str": keys,
    "float": amounts,
    "float | None": st.none() | amounts,
    "Amount": st.sampled_from(["reps", "seconds", "distance_m", "contacts"]),
    "dt.date": dates,
    "dt.date | None": st.none() | dates,
    "list[list[str]]": st.lists(st.lists(keys, max_size=5), max_size=5),
    "list[int]": st.lists(small, max_size=8),
    "dict[str, Any] | None": st.none() | st.dictionaries(keys, json_values, max_size=6),
}
_TYPES["Dose"] = _of(Dose)
_TYPES["Dose | None"] = st.none() | _TYPES["Dose"]
_TYPES["Outcome | None"] = st.none() | _of(Outcome)
_TYPES["dict[str, Track]"] = st.dictionaries(keys, _of(Track), max_size=6)
states = _of(State)


def through_json(data: dict[str, Any]) -> dict[str, Any]:
    return json.loads(json.dumps(data, allow_nan=False))


# ------------------------------------------------------------------ round trip


@examples(400)
@given(states)
def test_a_random_state_comes_back_equal_through_json(state: State) -> None:
    back = State.from_dict(through_json(state.to_dict()))
    assert back == state


@examples(200)
@given(states)
def test_a_snapshot_is_plain_json_data_and_says_its_version(state: State) -> None:
    data = state.to_dict()
    assert data["version"] == STATE_VERSION
    assert through_json(data) == data  # nothing but dicts, lists, str, numbers, bools, None


@examples(200)
@given(states)
def test_writing_a_restored_state_gives_the_same_snapshot(state: State) -> None:
    first = through_json(state.to_dict())
    back = State.from_dict(first)
    assert back is not None
    assert through_json(back.to_dict()) == first


@examples(100)
@given(states)
def test_a_restored_state_shares_nothing_mutable_with_the_snapshot_data(state: State) -> None:
    data = through_json(state.to_dict())
    back = State.from_dict(data)
    assert back is not None
    back.prev_sigs.append(["changed"])
    back.jump_weeks.append(99)
    back.tracks["new"] = Track(Dose(1, 1.0, "reps"), True)
    assert through_json(state.to_dict()) == data


def test_the_empty_state_round_trips() -> None:
    assert State.from_dict(through_json(State().to_dict())) == State()


# ------------------------------------------------------------------ versions


@pytest.mark.parametrize("version", [None, 0, STATE_VERSION - 1, STATE_VERSION + 1, "2"])
def test_a_snapshot_of_another_version_reads_as_none(version: object) -> None:
    data = State().to_dict()
    if version is None:
        del data["version"]
    else:
        data["version"] = version
    if data.get("version") == STATE_VERSION:
        pytest.skip("the same version")
    assert State.from_dict(data) is None


# ------------------------------------------------------------------ a real walk's snapshot

MONDAY = dt.date(2026, 1, 5)


def test_the_snapshot_of_a_walk_with_a_log_and_check_ins_round_trips_through_json() -> None:
    profile = Profile.model_validate(
        {
            "level": "intermediate",
            "equipment": ["dumbbell", "jump_rope", "band", "towel"],
            "free_days": ["mon", "wed", "fri", "sat"],
            "runs": [{"day": "tue", "kind": "hard"}, {"day": "sun", "kind": "long"}],
            "complaints": ["achilles"],
            "usual_pain": 2,
        }
    )
    catalog = load_catalog()
    plan = walk(profile, catalog, MONDAY, 6).plan
    first = plan.sessions[0]
    sets = tuple(
        LoggedSet(first.date, rx.exercise, n + 1, reps=rx.reps, rpe=7, pain=2, load_kg=5.0 * n)
        for rx in first.exercises
        if rx.reps is not None
        for n in range(rx.sets)
    )
    checkins = tuple(
        CheckIn(MONDAY + dt.timedelta(days=d), pain=2 + d % 3, stiffness=1) for d in range(12)
    )
    log = TrainingLog(sets=sets, checkins=checkins)
    today = MONDAY + dt.timedelta(days=12)
    result = walk(profile, catalog, MONDAY, 6, log=log, today=today)
    assert result.snapshot is not None
    as_of, data = result.snapshot
    assert as_of == today - dt.timedelta(days=1)
    assert data["safety"] is not None  # the pain layer's state travels with the snapshot
    state = State.from_dict(through_json(dict(data)))
    assert state is not None
    assert through_json(state.to_dict()) == through_json(dict(data))
    assert state.tracks, "the logged session left tracks"
