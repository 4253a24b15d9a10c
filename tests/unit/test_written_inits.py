"""The core's hot dataclasses write their ``__init__`` out (D-130: mypyc compiles a
written one to native slot writes, the generated one stays interpreted): each must take exactly
the fields, in order, with the same defaults, as the one ``dataclasses`` would generate, and
the frozen ones must stay frozen."""

from __future__ import annotations

import dataclasses
import datetime as dt
import inspect

import pytest

from calfcoach.core.dosing import Dose
from calfcoach.core.engine.budget import Block
from calfcoach.core.engine.evidence import Verdict
from calfcoach.core.engine.skeleton import Slot
from calfcoach.core.engine.state import Outcome, Track
from calfcoach.core.plan_types import PlanWarning, Prescription, Reason, Session
from calfcoach.core.races import RaceDay
from calfcoach.core.safety.model import DaySafety, Flare, Gate, SafetyState, Stop
from calfcoach.core.schedule import DayInfo

WRITTEN = (
    Dose,
    Reason,
    PlanWarning,
    Prescription,
    Session,
    Slot,
    Verdict,
    Block,
    RaceDay,
    Outcome,
    Track,
    Flare,
    Stop,
    Gate,
    DaySafety,
    SafetyState,
    DayInfo,
)


@pytest.mark.parametrize("cls", WRITTEN, ids=lambda c: c.__name__)
def test_a_written_init_takes_the_fields_in_order_with_their_defaults(cls: type) -> None:
    fields = [f for f in dataclasses.fields(cls) if f.init]
    params = list(inspect.signature(cls.__init__).parameters.values())[1:]
    assert [p.name for p in params] == [f.name for f in fields]
    for p, f in zip(params, fields, strict=True):
        assert p.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD
        assert f.default_factory is dataclasses.MISSING  # type: ignore[misc]
        expected = inspect.Parameter.empty if f.default is dataclasses.MISSING else f.default
        assert p.default == expected and type(p.default) is type(expected), f.name


def test_values_built_through_a_written_init_equal_and_copy_as_before() -> None:
    dose = Dose(3, 12.0, "reps")
    assert dose == Dose(3, 12.0, "reps", None, False)
    assert dataclasses.replace(dose, sets=4) == dose.with_sets(4)
    assert hash(dose) == hash(Dose(3, 12.0, "reps"))
    rx = Prescription("x", "light", 3, reps=12)
    assert rx == Prescription("x", "light", 3, 12, None, None, None, False, None, 60, None, "", "")
    slot = Slot(dt.date(2026, 1, 5), 1, False, "plyo", (), False, False)
    assert slot.day_after_hard is False
    assert repr(Reason("R-X", "a")) == "Reason(rule='R-X', text='a')"


@pytest.mark.parametrize(
    "value",
    [
        Dose(3, 12.0, "reps"),
        Reason("R-X", "a"),
        Slot(dt.date(2026, 1, 5), 1, False, None, (), False, False),
        Verdict(Dose(3, 12.0, "reps"), "hold", None),
    ],
    ids=lambda v: type(v).__name__,
)
def test_frozen_values_stay_frozen(value: object) -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        value.__setattr__(dataclasses.fields(value)[0].name, None)  # type: ignore[arg-type]


def test_a_dose_hashes_and_compares_as_the_generated_methods_did() -> None:
    dose = Dose(3, 12.0, "reps", 2.5, True)
    assert hash(dose) == hash((3, 12.0, "reps", 2.5, True))
    assert dose == Dose(3, 12.0, "reps", 2.5, True)
    assert dose != Dose(3, 12.0, "reps", 2.5, False)
    assert dose.__eq__((3, 12.0, "reps", 2.5, True)) is NotImplemented
    assert {dose: 1}[Dose(3, 12.0, "reps", 2.5, True)] == 1


def test_increment_and_first_dose_answer_per_exercise_object() -> None:
    from calfcoach.catalog import load_catalog
    from calfcoach.core import dosing

    catalog = load_catalog()
    gear: frozenset = frozenset({"dumbbell", "leg_press"})  # type: ignore[type-arg]
    for ex in catalog:
        assert dosing.increment(ex, gear) == dosing._increment(ex, gear)
        for scheme in ex.schemes:
            assert dosing.first_dose(ex, scheme, "novice") == dosing._first_dose(
                ex, scheme, "novice"
            )
    ex = next(iter(catalog))
    copy = ex.model_copy(update={"load_with": ()})  # a changed exercise of the same id
    assert dosing.increment(ex, gear) == dosing._increment(ex, gear)
    assert dosing.increment(copy, gear) == dosing._increment(copy, gear)
