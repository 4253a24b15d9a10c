"""The exercise catalog (R-EX): the packaged data, and the validation that guards it."""

from __future__ import annotations

from typing import Any

import pytest

from calfcoach.catalog import load_catalog, parse_catalog
from calfcoach.core.catalog import Catalog, describe_dose
from calfcoach.core.models import Exercise
from calfcoach.errors import InputError, NotFoundError

# R-EX-1: every row of the table, by the ids the planner and the plans use.
R_EX_1_IDS = {
    "toe-taps": "000",
    "ankle-rotations": "000",
    "single-leg-calf-raise": "000",
    "banded-foot-pull": "000",
    "towel-crunches": "000",
    "jump-rope": "000",
    "straight-knee-heel-raise": "001",
    "straight-knee-heel-raise-leg-press": "001",
    "bent-knee-heel-raise": "001",
    "bent-knee-heel-raise-leg-press": "001",
    "one-leg-mini-squat": "001",
    "tip-toe-walking": "002",
    "soleus-wall-sit": "003",
    "big-toe-press": "004",
    "foot-tripod-drill": "004",
    "single-leg-balance-rotation": "004",
}
R_EX_2_IDS = {
    "pogo-hops",
    "single-leg-hops",
    "eccentric-heel-drop",
    "seated-soleus-raise",
    "short-foot",
    "high-load-heel-raise-towel",
    "heavy-slow-heel-raise",
    "isometric-heel-raise-hold",
}


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog()


def entry(**fields: Any) -> dict[str, Any]:
    """A minimal valid catalog entry; keyword arguments override its fields."""
    data: dict[str, Any] = {
        "id": "test-raise",
        "name": "Test raise",
        "instructions": ["Rise.", "Lower."],
        "cues": ["Slow"],
        "muscles": ["soleus"],
        "region": "calf",
        "knee": "bent",
        "contraction": "isotonic",
        "unilateral": True,
        "unit": "reps",
        "default_dose": {"sets": 3, "reps": 10, "per_side": True},
        "schemes": ["light"],
        "why": "Bent-knee work biases the soleus (seed 003).",
        "seed": ["003"],
    }
    data.update(fields)
    return data


def problems_of(*entries: dict[str, Any]) -> tuple[str, ...]:
    with pytest.raises(InputError) as caught:
        Catalog.from_data({"exercises": list(entries)})
    return caught.value.problems


# ---------------------------------------------------------------- the packaged catalog


def test_the_packaged_catalog_loads_and_every_entry_is_a_valid_exercise(catalog: Catalog) -> None:
    assert len(catalog) == len(R_EX_1_IDS) + len(R_EX_2_IDS)
    assert all(isinstance(ex, Exercise) for ex in catalog)


def test_every_r_ex_1_row_is_in_the_catalog_with_its_seed(catalog: Catalog) -> None:
    for exercise_id, seed in R_EX_1_IDS.items():
        assert seed in catalog.get(exercise_id).seed, exercise_id


def test_every_extra_exercise_has_no_seed_and_a_reason_naming_its_source(
    catalog: Catalog,
) -> None:
    extras = {ex.id for ex in catalog if not ex.seed}
    assert extras == R_EX_2_IDS
    for exercise_id in extras:
        reason = catalog.get(exercise_id).extra_reason or ""
        assert "R-" in reason or any(year in reason for year in ("1998", "2015", "2020"))


def test_the_catalog_is_cached_so_it_is_read_once() -> None:
    assert load_catalog() is load_catalog()


def test_ids_are_in_catalog_order_and_unique(catalog: Catalog) -> None:
    ids = catalog.ids()
    assert ids[0] == "toe-taps"
    assert len(set(ids)) == len(ids) == len(catalog)


def test_both_knee_positions_are_covered_for_heavy_work_as_r_ex_3_requires(
    catalog: Catalog,
) -> None:
    heavy = [ex for ex in catalog if "heavy" in ex.schemes]
    assert {ex.knee for ex in heavy} == {"straight", "bent"}
    assert all(ex.load_with for ex in heavy), "heavy work needs external load (R-SCH-2a)"


def test_the_soleus_ladder_follows_r_prog_3_in_order(catalog: Catalog) -> None:
    assert [ex.id for ex in catalog.ladder("soleus")] == [
        "soleus-wall-sit",
        "tip-toe-walking",
        "bent-knee-heel-raise",
        "bent-knee-heel-raise-leg-press",
    ]


def test_plyometrics_are_counted_in_contacts_with_a_cadence_and_a_tier(catalog: Catalog) -> None:
    plyos = {ex.id: ex for ex in catalog if ex.contraction == "plyometric"}
    assert set(plyos) == {"jump-rope", "pogo-hops", "single-leg-hops"}
    assert all(ex.unit == "contacts" and not ex.default_dose.per_side for ex in plyos.values())
    assert plyos["jump-rope"].contacts_per_minute == 200
    assert plyos["pogo-hops"].contacts_per_minute == 240
    assert plyos["single-leg-hops"].tier == 2 > plyos["jump-rope"].tier


def test_the_complaint_protocols_are_rehab_exercises(catalog: Catalog) -> None:
    protocols = {ex.protocol: ex.id for ex in catalog if ex.protocol}
    assert protocols == {
        "achilles": "heavy-slow-heel-raise",
        "plantar_heel": "high-load-heel-raise-towel",
    }
    assert all(catalog.get(i).schemes == ("rehab",) for i in protocols.values())


def test_every_why_names_a_source(catalog: Catalog) -> None:
    for ex in catalog:
        assert any(mark in ex.why for mark in ("seed", "R-", "19", "20")), ex.id


def test_an_unknown_id_is_not_found_and_the_message_suggests_the_closest(
    catalog: Catalog,
) -> None:
    with pytest.raises(NotFoundError, match="did you mean 'toe-taps'"):
        catalog.get("toe-tap")
    assert "toe-taps" in catalog and "toe-tap" not in catalog


def test_an_unknown_ladder_is_not_found_and_the_message_lists_the_ladders(
    catalog: Catalog,
) -> None:
    with pytest.raises(NotFoundError, match="'soleus'"):
        catalog.ladder("gastroc")


# ---------------------------------------------------------------- filter


def test_filter_by_equipment_keeps_only_what_the_athlete_can_do(catalog: Catalog) -> None:
    nothing = {ex.id for ex in catalog.filter(equipment=())}
    assert "soleus-wall-sit" in nothing  # a wall is everywhere: no equipment listed
    assert "jump-rope" not in nothing and "pogo-hops" in nothing
    assert "bent-knee-heel-raise-leg-press" not in nothing

    gym = {ex.id for ex in catalog.filter(equipment=frozenset({"leg_press", "jump_rope"}))}
    assert {"bent-knee-heel-raise-leg-press", "jump-rope"} <= gym
    assert nothing < gym
    assert "seated-soleus-raise" not in gym


def test_filter_without_equipment_means_no_equipment_filter(catalog: Catalog) -> None:
    assert catalog.filter() == tuple(catalog)


def test_filter_by_region_and_equipment_combine(catalog: Catalog) -> None:
    foot_with_band = catalog.filter(region="foot", equipment={"band"})
    assert {ex.region for ex in foot_with_band} == {"foot"}
    assert "big-toe-press" in {ex.id for ex in foot_with_band}
    assert "big-toe-press" not in {ex.id for ex in catalog.filter(region="foot", equipment=[])}


# ---------------------------------------------------------------- dose in words


def test_the_default_dose_reads_as_words_with_sets_side_and_rest(catalog: Catalog) -> None:
    assert describe_dose(catalog.get("single-leg-calf-raise")) == (
        "3 sets x 12 reps per side, rest 60 s"
    )
    assert describe_dose(catalog.get("tip-toe-walking")).startswith("3 sets x 3 m (about 10 ft)")
    # R-SCH-3a: plyometric doses show the time next to the contacts.
    assert "about 7 s at 200 contacts/min" in describe_dose(catalog.get("jump-rope"))


# ---------------------------------------------------------------- validation of broken data


def test_a_minimal_entry_builds_a_catalog() -> None:
    assert Catalog.from_data({"exercises": [entry()]}).ids() == ("test-raise",)


def test_a_duplicate_id_is_rejected_naming_the_exercise_and_field() -> None:
    problems = problems_of(entry(), entry(name="Another"))
    assert problems == ("exercise 'test-raise': field 'id': duplicate id (2 entries)",)


def test_a_dangling_progression_is_rejected_naming_the_exercise_field_and_id() -> None:
    (problem,) = problems_of(entry(progressions=["bent-knee-heel-rise"]))
    assert "exercise 'test-raise'" in problem
    assert "field 'progressions'" in problem
    assert "unknown exercise 'bent-knee-heel-rise'" in problem


def test_an_extra_without_a_reason_is_rejected_under_r_ex_2() -> None:
    (problem,) = problems_of(entry(seed=[]))
    assert problem.startswith("exercise 'test-raise': field 'extra_reason'")
    assert "R-EX-2" in problem
    # With a reason it is fine.
    Catalog.from_data({"exercises": [entry(seed=[], extra_reason="Because (Dorn 2012).")]})


def test_unknown_equipment_is_rejected_naming_the_exercise_the_field_and_the_value() -> None:
    (problem,) = problems_of(entry(equipment=["band", "kettle"]))
    assert problem.startswith("exercise 'test-raise': field 'equipment[1]'")
    assert "'kettlebell'" in problem  # the allowed values are listed
    assert "(got 'kettle')" in problem


def test_every_problem_is_reported_not_just_the_first() -> None:
    problems = problems_of(
        entry(id="a-raise", equipment=["kettle"]),
        entry(id="b-raise", seed=[], regressions=["nope"]),
        entry(id="c-raise", unit="contacts", contraction="plyometric"),
    )
    text = "\n".join(problems)
    assert "exercise 'a-raise': field 'equipment[0]'" in text
    assert "exercise 'b-raise': field 'extra_reason'" in text
    assert "exercise 'b-raise': field 'regressions': unknown exercise 'nope'" in text
    assert "exercise 'c-raise': field 'contacts_per_minute'" in text
    assert "exercise 'c-raise': field 'default_dose.contacts'" in text
    assert len(problems) >= 5


def test_a_plyometric_counted_in_reps_is_rejected() -> None:
    problems = problems_of(entry(contraction="plyometric", contacts_per_minute=200))
    assert any("field 'unit'" in p and "contacts" in p for p in problems)


def test_two_exercises_on_the_same_ladder_step_are_rejected() -> None:
    (problem,) = problems_of(
        entry(id="a-raise", ladder="soleus", ladder_step=2),
        entry(id="b-raise", ladder="soleus", ladder_step=2),
    )
    assert problem == (
        "exercise 'b-raise': field 'ladder_step': step 2 of ladder 'soleus' is also taken by "
        "'a-raise'"
    )


def test_a_missing_field_is_reported_by_name() -> None:
    broken = entry()
    del broken["why"]
    assert problems_of(broken) == ("exercise 'test-raise': field 'why': field required",)


def test_a_reference_to_an_entry_that_is_itself_broken_is_not_reported_twice() -> None:
    problems = problems_of(entry(id="a-raise", unit="meters"), entry(progressions=["a-raise"]))
    assert len(problems) == 1 and "field 'unit'" in problems[0]


def test_a_document_without_an_exercises_list_is_rejected() -> None:
    with pytest.raises(InputError, match="'exercises' must be a non-empty list"):
        Catalog.from_data({"exercise": []})
    with pytest.raises(InputError, match="expected a mapping"):
        Catalog.from_data(["toe-taps"])


def test_a_broken_catalog_file_names_the_file_and_each_problem() -> None:
    with pytest.raises(InputError) as caught:
        parse_catalog("exercises:\n  - id: x-y\n    name: [", source="exercises.yaml")
    assert caught.value.problems[0].startswith("exercises.yaml: not valid YAML (line ")

    data = entry(region="knee")
    text = "exercises:\n  - " + "\n    ".join(f"{k}: {v!r}" for k, v in data.items())
    with pytest.raises(InputError) as caught:
        parse_catalog(text.replace("True", "true"), source="exercises.yaml")
    assert caught.value.problems[0].startswith(
        "exercises.yaml: exercise 'test-raise': field 'region'"
    )


def test_a_catalog_built_from_exercises_checks_the_cross_references_too(
    catalog: Catalog,
) -> None:
    with pytest.raises(InputError, match="field 'regressions': unknown exercise 'tip-toe"):
        Catalog([catalog.get("bent-knee-heel-raise")])
