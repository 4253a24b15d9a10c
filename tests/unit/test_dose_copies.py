"""``Dose.with_sets/with_amount/with_load`` (the engine's fast copies, D-36) give exactly
what ``dataclasses.replace`` gives."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given
from hypothesis import strategies as st

from calfcoach.core.dosing import Dose

doses = st.builds(
    Dose,
    sets=st.integers(1, 10),
    amount=st.floats(0.5, 600, allow_nan=False),
    unit=st.sampled_from(("reps", "seconds", "distance_m", "contacts")),
    load=st.none() | st.floats(0, 200, allow_nan=False),
    fixed=st.booleans(),
)
sets = st.none() | st.integers(1, 10)


@given(doses, st.integers(1, 10))
def test_a_dose_with_other_sets_equals_dataclasses_replace(dose: Dose, n: int) -> None:
    assert dose.with_sets(n) == replace(dose, sets=n)


@given(doses, st.floats(0.5, 600, allow_nan=False), sets)
def test_a_dose_with_another_amount_equals_dataclasses_replace(
    dose: Dose, amount: float, n: int | None
) -> None:
    expected = replace(dose, amount=amount, sets=dose.sets if n is None else n)
    assert dose.with_amount(amount, sets=n) == expected


@given(doses, st.none() | st.floats(0, 200, allow_nan=False), sets)
def test_a_dose_with_another_load_equals_dataclasses_replace(
    dose: Dose, load: float | None, n: int | None
) -> None:
    expected = replace(dose, load=load, sets=dose.sets if n is None else n)
    assert dose.with_load(load, sets=n) == expected
