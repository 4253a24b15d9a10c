"""The exercise catalog (R-EX): the packaged data, and the validation that guards it."""

from __future__ import annotations

from typing import Any

import pytest

from calfcoach.catalog import load_catalog, parse_catalog
from calfcoach.core import rules
from calfcoach.core.catalog import Catalog, CatalogReason, describe_dose
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
    # v2 roles (issue 6): protocol block, calf-strain ladder, flare holds.
    "heavy-slow-bent-knee-heel-raise",
    "high-load-heel-raise-towel-flat",
    "bent-knee-isometric-heel-raise-hold",
    "two-leg-heel-raise",
    "two-leg-bent-knee-heel-raise",
    "two-leg-heel-raise-hold",
    "two-leg-bent-knee-heel-raise-hold",
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
    assert plyos["jump-rope"].contacts_per_minute == 220  # R-SCH-3a default cadence
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
    # R-SCH-3a: plyometric doses show the time next to the contacts (bouts of 8-10 s).
    assert "about 8 s at 220 contacts/min" in describe_dose(catalog.get("jump-rope"))


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


# ================================================================ v2 roles (issue 6)


def reason(**fields: Any) -> dict[str, Any]:
    """A minimal valid reason; keyword arguments override its fields."""
    data: dict[str, Any] = {
        "id": "soleus-load",
        "rule": "R-EX-3",
        "text": "The soleus carries about 6.5-8x body weight in running (Dorn 2012).",
        "fits": {"muscles": ["soleus"], "schemes": ["light"], "contractions": ["isotonic"]},
        "mentions": ["6.5-8x"],
    }
    data.update(fields)
    return data


def problems_of_doc(document: dict[str, Any], complete: bool = False) -> tuple[str, ...]:
    with pytest.raises(InputError) as caught:
        Catalog.from_data(document, complete=complete)
    return caught.value.problems


def raise_entry(**fields: Any) -> dict[str, Any]:
    """A single-leg straight-knee heel raise in reps, prescribed as rehab."""
    base = entry(
        id="test-heel-raise",
        muscles=["gastrocnemius", "soleus"],
        knee="straight",
        schemes=["rehab"],
        default_dose={"sets": 3, "reps": 15, "per_side": True},
        why="Heavy slow resistance for the Achilles (Beyer 2015).",
    )
    base.update(fields)
    return base


# ---------------------------------------------------------------- the packaged catalog's roles


def test_the_calf_strain_ladder_holds_a_straight_and_a_bent_knee_exercise_on_every_step_r_pain_4(
    catalog: Catalog,
) -> None:
    for step, top in rules.CALF_STRAIN_TOPS.items():
        members = catalog.ladder_step(rules.CALF_STRAIN_LADDER, step)
        assert [ex.knee for ex in members] == ["straight", "bent"], step
        unit = "seconds" if top.seconds is not None else "reps"
        assert all(ex.unit == unit and not ex.equipment for ex in members), step
    ids = [ex.id for ex in catalog.ladder("calf_strain")]
    assert ids[:2] == ["isometric-heel-raise-hold", "bent-knee-isometric-heel-raise-hold"]
    assert ids[2:4] == ["two-leg-heel-raise", "two-leg-bent-knee-heel-raise"]
    assert ids[4:6] == ["single-leg-calf-raise", "bent-knee-heel-raise"]
    assert ids[6:] == ["heavy-slow-heel-raise", "heavy-slow-bent-knee-heel-raise"]


def test_the_calf_strain_top_doses_are_rule_constants_r_pain_4() -> None:
    tops = rules.CALF_STRAIN_TOPS
    assert (tops[1].sets, tops[1].seconds) == (5, 45)
    assert (tops[2].sets, tops[2].reps) == (3, rules.Band(20, 20))
    assert (tops[3].sets, tops[3].reps) == (3, rules.Band(15, 15))
    assert (tops[4].sets, tops[4].reps) == (4, rules.Band(6, 8))


def test_the_soleus_ladder_is_kept_and_bent_knee_raises_sit_on_both_ladders(
    catalog: Catalog,
) -> None:
    bent = catalog.get("bent-knee-heel-raise")
    assert (bent.ladder, bent.ladder_step) == ("soleus", 3)
    assert bent.steps == {"soleus": 3, "calf_strain": 3}
    assert catalog.ladder_names() == ("calf_strain", "soleus")


def test_every_protocol_block_has_a_straight_and_a_bent_knee_heavy_slow_raise_r_pain_5(
    catalog: Catalog,
) -> None:
    for complaint in ("achilles", "achilles_insertional", "plantar_heel"):
        for knee in ("straight", "bent"):
            found = catalog.protocol_exercises(complaint, knee)
            assert found, (complaint, knee)
            assert all("rehab" in ex.schemes and ex.unit == "reps" for ex in found)
    bent = catalog.protocol_exercises("achilles", "bent")[0]
    assert bent.id == "heavy-slow-bent-knee-heel-raise"
    assert {"dumbbell", "backpack", "weight_vest"} <= set(bent.load_with)


def test_with_plantar_heel_the_straight_knee_slot_takes_the_towel_raise_r_pain_5(
    catalog: Catalog,
) -> None:
    straight = [ex.id for ex in catalog.protocol_exercises("plantar_heel", "straight")]
    assert straight == ["high-load-heel-raise-towel", "high-load-heel-raise-towel-flat"]
    assert catalog.protocol_exercises("plantar_heel", "bent")[0].id == (
        "heavy-slow-bent-knee-heel-raise"
    )


def test_achilles_insertional_gets_every_heel_raise_on_flat_ground_r_pain_5(
    catalog: Catalog,
) -> None:
    assert not any(ex.heel_drop for ex in catalog.protocol_exercises("achilles_insertional"))
    # The towel raise is done off a step: its flat-ground form stands in for it.
    flat = catalog.flat_ground_form("high-load-heel-raise-towel")
    assert flat is not None and flat.id == "high-load-heel-raise-towel-flat"
    assert not flat.heel_drop and "plantar_heel" in flat.protocols
    # An eccentric drop has no flat form: the engine avoids it.
    assert catalog.flat_ground_form("eccentric-heel-drop") is None
    assert catalog.flat_ground_form("single-leg-calf-raise") == catalog.get("single-leg-calf-raise")
    for machine in ("seated-soleus-raise", "bent-knee-heel-raise-leg-press"):
        assert catalog.get(machine).heel_drop  # the heels drop below the platform
    for ex in catalog:
        if not ex.heel_drop and ex.region == "calf" and ex.unit == "reps":
            steps = " ".join(ex.instructions).lower()
            assert "below step" not in steps or "never" in steps, ex.id


def test_the_clearance_counts_standing_single_leg_straight_knee_raises_r_pain_3(
    catalog: Catalog,
) -> None:
    ids = {ex.id for ex in catalog.clearance_exercises()}
    assert {"single-leg-calf-raise", "straight-knee-heel-raise", "heavy-slow-heel-raise"} <= ids
    assert "high-load-heel-raise-towel" in ids
    assert "two-leg-heel-raise" not in ids and "eccentric-heel-drop" not in ids
    assert all(
        ex.unilateral and ex.knee == "straight" and not ex.machine
        for ex in catalog.clearance_exercises()
    )


def test_flare_holds_are_two_leg_mid_range_holds_at_both_knee_angles_r_pain_2b(
    catalog: Catalog,
) -> None:
    for knee in ("straight", "bent"):
        hold = catalog.flare_hold(knee)
        assert hold.knee == knee and hold.contraction == "isometric" and hold.unit == "seconds"
        assert not hold.unilateral and not hold.equipment
    with pytest.raises(NotFoundError, match="no flare hold"):
        catalog.flare_hold("none")


def test_the_dorsiflexors_are_toe_taps_and_banded_foot_pulls_not_mobility_r_pain_4(
    catalog: Catalog,
) -> None:
    assert {ex.id for ex in catalog.dorsiflexors()} == {"toe-taps", "banded-foot-pull"}
    assert not catalog.get("ankle-rotations").dorsiflexor


def test_machines_are_derived_from_equipment_for_the_first_load_of_r_prog_1a(
    catalog: Catalog,
) -> None:
    machines = {ex.id for ex in catalog if ex.machine}
    assert machines == {
        "seated-soleus-raise",
        "bent-knee-heel-raise-leg-press",
        "straight-knee-heel-raise-leg-press",
    }


def test_the_seated_calf_machine_and_leg_press_carry_heavy_and_protocol_work_r_prog_7(
    catalog: Catalog,
) -> None:
    seated = catalog.get("seated-soleus-raise")
    assert seated.knee == "bent" and {"heavy", "rehab"} <= set(seated.schemes)
    assert catalog.machine_variants("heavy-slow-bent-knee-heel-raise", {"seated_calf_machine"}) == (
        seated,
    )
    both = {ex.id for ex in catalog.machine_variants("bent-knee-heel-raise")}
    assert both == {"seated-soleus-raise", "bent-knee-heel-raise-leg-press"}
    assert [ex.id for ex in catalog.machine_variants("heavy-slow-heel-raise", {"leg_press"})] == [
        "straight-knee-heel-raise-leg-press"
    ]
    assert catalog.machine_variants("heavy-slow-heel-raise", {"band"}) == ()
    assert catalog.machine_variants("toe-taps") == ()
    with pytest.raises(NotFoundError):
        catalog.machine_variants("no-such-raise")


def test_towel_crunches_are_dosed_in_seconds_never_one_rep_r_sched_8(catalog: Catalog) -> None:
    towel = catalog.get("towel-crunches")
    assert towel.unit == "seconds" and towel.default_dose.seconds == 45
    assert describe_dose(towel) == "2 sets x 45 s per side, rest 30 s"
    assert all(ex.default_dose.reps != 1 for ex in catalog)


def test_every_default_plyometric_bout_lasts_8_to_30_seconds_r_sched_8(catalog: Catalog) -> None:
    for ex in catalog:
        if ex.contraction != "plyometric" or ex.contacts_per_minute is None:
            continue
        contacts = ex.default_dose.contacts or 0
        seconds = contacts * 60 / ex.contacts_per_minute
        assert 8 <= seconds <= 30, ex.id
        if ex.unilateral:  # R-SCH-3a: at most 10 s per leg
            assert seconds / 2 <= 10, ex.id


def test_the_v1_protocol_and_ladder_fields_are_folded_into_the_v2_roles(catalog: Catalog) -> None:
    hsr = catalog.get("heavy-slow-heel-raise")
    assert hsr.protocol == "achilles"  # the old planner still reads it
    assert set(hsr.protocols) == {"achilles", "achilles_insertional"}
    built = Catalog.from_data({"exercises": [entry(ladder="soleus", ladder_step=2)]})
    assert built.get("test-raise").steps == {"soleus": 2}
    folded = Exercise.model_validate(raise_entry(protocol="achilles"))
    assert folded.protocols == ("achilles",)


def test_an_exercise_can_be_hashed_and_kept_in_a_set(catalog: Catalog) -> None:
    assert len(set(catalog)) == len(catalog)


# ---------------------------------------------------------------- R-WHY v2: reasons


def test_the_five_reasons_of_r_why_are_catalog_reasons_each_one_sentence_with_a_source(
    catalog: Catalog,
) -> None:
    texts = " ".join(r.text for r in catalog.reasons)
    for source in ("Willer", "Dorn 2012", "Heiderscheit 2011", "heavy loads stiffen", "Taddei"):
        assert source in texts, source
    for r in catalog.reasons:
        assert isinstance(r, CatalogReason)
        assert r.text.endswith(".") and r.text.replace("et al. ", "").count(". ") == 0, r.id
        assert any(mark in r.text for mark in ("seed", "R-", "19", "20")), r.id


def test_toe_taps_are_explained_as_dorsiflexor_work_not_plantar_flexor_work_r_why(
    catalog: Catalog,
) -> None:
    toe_taps = catalog.get("toe-taps")
    for scheme in toe_taps.schemes:
        texts = [r.text for r in catalog.reasons_for(toe_taps, scheme)]
        assert texts and all("dorsiflexor" in t for t in texts)
        assert not any("Plantar flexors" in t for t in texts)
    assert "plantar flexor" not in toe_taps.why.lower()


def test_a_light_block_never_claims_what_only_heavy_loads_do_r_why(catalog: Catalog) -> None:
    for ex in catalog:
        for scheme in ex.schemes:
            texts = " ".join(r.text for r in catalog.reasons_for(ex, scheme))
            if scheme not in ("heavy", "rehab"):
                assert "heavy loads" not in texts, (ex.id, scheme)
        if set(ex.schemes) - {"heavy", "rehab"}:
            assert "heavy load" not in ex.why.lower(), ex.id
    heavy = catalog.reasons_for(catalog.get("straight-knee-heel-raise"), "heavy")
    assert any("heavy loads stiffen" in r.text for r in heavy)


def test_bent_knee_reasons_go_only_to_bent_knee_exercises_r_why(catalog: Catalog) -> None:
    straight_hold = catalog.reasons_for(catalog.get("two-leg-heel-raise-hold"), "isometric")
    assert not any("Heiderscheit" in r.text or "Dorn" in r.text for r in straight_hold)
    bent_hold = catalog.reasons_for(catalog.get("two-leg-bent-knee-heel-raise-hold"), "isometric")
    assert any("Heiderscheit" in r.text for r in bent_hold)


def test_a_complaint_reason_is_given_only_to_an_athlete_with_that_complaint_r_why(
    catalog: Catalog,
) -> None:
    hsr = catalog.get("heavy-slow-heel-raise")
    assert not any("Beyer" in r.text for r in catalog.reasons_for(hsr, "rehab"))
    with_achilles = catalog.reasons_for(hsr, "rehab", {"achilles"})
    assert any(r.rule == "R-PAIN-3" and "Beyer" in r.text for r in with_achilles)
    # R-WHY (D-18x): Beyer 2015 studied mid-portion tendinopathy only; insertional pain has
    # its own reason, which says so, and is not told the trial's finding.
    insertional = catalog.reasons_for(hsr, "rehab", {"achilles_insertional"})
    assert not any("helped" in r.text and "Beyer" in r.text for r in insertional)
    assert any("mid-portion tendinopathy only" in r.text for r in insertional)
    shin = catalog.reasons_for(catalog.get("toe-taps"), "light", frozenset({"shin"}))
    assert any(r.rule == "R-PAIN-4" and "low (L)" in r.text for r in shin)


def test_every_exercise_can_say_why_in_every_scheme_it_is_prescribed_in_r_why(
    catalog: Catalog,
) -> None:
    for ex in catalog:
        for scheme in ex.schemes:
            reasons = catalog.reasons_for(ex, scheme)
            assert reasons, (ex.id, scheme)
            assert all(r.rule.startswith("R-") for r in reasons)


def test_reasons_for_is_pure_and_returns_structured_reasons(catalog: Catalog) -> None:
    ex = catalog.get("jump-rope")
    first = catalog.reasons_for(ex, "plyometric")
    assert first == catalog.reasons_for(ex, "plyometric")
    assert catalog.reasons_for(ex, "skill") == ()  # no reason fits a rope drill as skill work
    assert all(type(r).__name__ == "Reason" for r in first)


# ---------------------------------------------------------------- broken catalogs are refused


def test_an_own_why_that_claims_plantar_flexor_work_for_a_shin_exercise_is_refused_r_why() -> None:
    toe_taps = entry(
        id="toe-taps",
        muscles=["tibialis anterior"],
        region="ankle",
        knee="none",
        why="The plantar flexors tire first in hard running (Willer 2021; seed 000).",
    )
    willer = reason(
        id="plantar-flexors",
        text="Plantar flexors tire first in hard running (Willer 2021; seed 000).",
        fits={"muscles": ["soleus"], "schemes": ["light"], "contractions": ["isotonic"]},
        mentions=["plantar flexor"],
    )
    problems = problems_of_doc(
        {"exercises": [toe_taps, entry(id="calf-raise")], "reasons": [willer]}
    )
    assert problems == (
        "exercise 'toe-taps': field 'why': says 'plantar flexor', the claim of reason "
        "'plantar-flexors', which does not fit this isotonic exercise of tibialis anterior in "
        "the scheme 'light' (R-WHY)",
    )


def test_a_light_exercise_whose_own_why_claims_heavy_loads_is_refused_r_why() -> None:
    heavy = reason(
        id="heavy-loads",
        text="Tendons are springs, and heavy loads stiffen them (seed 001).",
        fits={"muscles": ["soleus"], "schemes": ["heavy"], "contractions": ["isotonic"]},
        mentions=["heavy load"],
    )
    light = entry(why="Bent-knee raises, and heavy loads stiffen the tendons (seed 001).")
    (problem,) = problems_of_doc({"exercises": [light], "reasons": [heavy]})
    assert "field 'why': says 'heavy load'" in problem and "scheme 'light'" in problem
    # In a heavy-only exercise the same sentence is fine.
    fine = entry(schemes=["heavy"], why=light["why"])
    Catalog.from_data({"exercises": [fine], "reasons": [heavy]})


def test_a_reason_naming_an_unknown_muscle_is_refused_with_the_closest_name() -> None:
    bad = reason(fits={"muscles": ["solues"], "schemes": ["light"], "contractions": ["isotonic"]})
    (problem,) = problems_of_doc({"exercises": [entry()], "reasons": [bad]})
    assert problem == (
        "reason 'soleus-load': field 'fits.muscles': 'solues' is no exercise's muscle "
        "(did you mean 'soleus'?)"
    )


def test_a_reason_with_a_bad_rule_id_or_an_unknown_scheme_is_refused() -> None:
    bad = reason(rule="EX-3", fits={"muscles": ["soleus"], "schemes": ["hard"], "contractions": []})
    problems = problems_of_doc({"exercises": [entry()], "reasons": [bad]})
    text = "\n".join(problems)
    assert "reason 'soleus-load': field 'rule'" in text
    assert "reason 'soleus-load': field 'fits.schemes[0]'" in text
    assert "reason 'soleus-load': field 'fits.contractions'" in text


def test_two_reasons_with_one_id_are_refused() -> None:
    problems = problems_of_doc({"exercises": [entry()], "reasons": [reason(), reason()]})
    assert problems == ("reason 'soleus-load': field 'id': duplicate id (2 entries)",)


def test_an_unknown_top_level_key_names_the_allowed_keys() -> None:
    problems = problems_of_doc({"exercises": [entry()], "reason": []})
    assert problems == (
        "catalog: unknown top-level key 'reason' (allowed: 'exercises', 'reasons')",
    )


def test_a_protocol_exercise_without_a_knee_angle_is_refused_r_pain_5() -> None:
    (problem,) = problems_of(raise_entry(knee="none", protocols=["achilles"]))
    assert problem.startswith("exercise 'test-heel-raise': field 'protocols': a protocol block")
    assert "knee 'none'" in problem


def test_a_protocol_exercise_not_prescribed_as_rehab_is_refused_r_pain_5() -> None:
    (problem,) = problems_of(raise_entry(schemes=["light"], protocols=["plantar_heel"]))
    assert "field 'schemes': a protocol exercise is prescribed as 'rehab'" in problem


def test_an_insertional_achilles_protocol_exercise_that_drops_the_heel_is_refused_r_pain_5() -> (
    None
):
    problems = problems_of(
        raise_entry(protocols=["achilles_insertional"], heel_drop=True, flat_form="flat-raise"),
        raise_entry(id="flat-raise", protocols=["achilles_insertional"]),
    )
    assert problems == (
        "exercise 'test-heel-raise': field 'protocols': 'achilles_insertional' needs every "
        "heel raise on flat ground (R-PAIN-5), but 'heel_drop' is true",
    )


def test_a_protocol_exercise_off_a_step_needs_its_flat_ground_form_r_pain_5() -> None:
    (problem,) = problems_of(raise_entry(protocols=["plantar_heel"], heel_drop=True))
    assert problem.startswith("exercise 'test-heel-raise': field 'flat_form': a protocol")


def test_a_flat_form_that_is_unknown_drops_the_heel_or_serves_other_protocols_is_refused() -> None:
    (unknown,) = problems_of(raise_entry(heel_drop=True, flat_form="flat-rise"))
    assert unknown == "exercise 'test-heel-raise': field 'flat_form': unknown exercise 'flat-rise'"
    problems = problems_of(
        raise_entry(protocols=["plantar_heel"], heel_drop=True, flat_form="flat-raise"),
        raise_entry(id="flat-raise", heel_drop=True, knee="bent", muscles=["soleus"]),
    )
    text = "\n".join(problems)
    assert "field 'flat_form': 'flat-raise' is a bent-knee isotonic exercise" in text
    assert "field 'flat_form': 'flat-raise' drops the heel too" in text
    assert "must serve the same protocols (plantar_heel)" in text
    (lonely,) = problems_of(raise_entry(flat_form="flat-raise"), raise_entry(id="flat-raise"))
    assert "only an exercise with 'heel_drop' has a flat-ground form" in lonely


def test_a_flare_hold_that_is_not_a_two_leg_isometric_hold_is_refused_r_pain_2b() -> None:
    (moving,) = problems_of(entry(flare_hold=True))
    assert moving.startswith("exercise 'test-raise': field 'flare_hold': a flare hold is a two-leg")
    one_leg = entry(
        contraction="isometric",
        unit="seconds",
        default_dose={"sets": 5, "seconds": 30},
        schemes=["isometric"],
        flare_hold=True,
    )
    (problem,) = problems_of(one_leg)
    assert "field 'flare_hold'" in problem
    Catalog.from_data({"exercises": [dict(one_leg, unilateral=False)]})


def test_a_bent_knee_or_two_leg_raise_cannot_count_for_the_clearance_r_pain_3() -> None:
    (bent,) = problems_of(entry(clearance=True))
    assert bent.startswith("exercise 'test-raise': field 'clearance': only standing single-leg")
    (two_leg,) = problems_of(raise_entry(clearance=True, unilateral=False, schemes=["light"]))
    assert "field 'clearance'" in two_leg
    Catalog.from_data({"exercises": [raise_entry(clearance=True)]})


def test_mobility_work_cannot_be_a_dorsiflexor_exercise_r_pain_4() -> None:
    rotations = entry(
        muscles=["tibialis anterior"],
        region="ankle",
        knee="none",
        contraction="mobility",
        unit="seconds",
        default_dose={"sets": 2, "seconds": 25},
        schemes=["skill"],
        dorsiflexor=True,
    )
    (problem,) = problems_of(rotations)
    assert "field 'dorsiflexor'" in problem and "not mobility work" in problem


def test_machine_forms_must_exist_need_a_machine_and_offer_the_heavy_schemes_r_prog_7() -> None:
    (unknown,) = problems_of(entry(machines=["seated-soleus-rise"]))
    assert "field 'machines': unknown exercise 'seated-soleus-rise'" in unknown
    standing = entry(id="standing-raise", schemes=["light", "heavy"], machines=["test-raise"])
    problems = problems_of(standing, entry())
    assert "field 'machines': 'test-raise' needs no machine" in "\n".join(problems)
    assert any("must offer the scheme(s) heavy" in p for p in problems)
    machine = entry(equipment=["seated_calf_machine"], schemes=["light", "heavy"])
    Catalog.from_data({"exercises": [standing, machine]})
    itself = "\n".join(problems_of(dict(machine, machines=["test-raise"])))
    assert "field 'machines': lists the exercise itself" in itself
    assert "field 'machines': a machine exercise lists no machine forms of itself" in itself


def test_a_calf_strain_step_outside_the_ladder_or_in_the_wrong_unit_is_refused_r_pain_4() -> None:
    (beyond,) = problems_of(entry(steps={"calf_strain": 5}))
    assert "the calf-strain ladder has steps 1-4, not 5" in beyond
    (unit,) = problems_of(entry(steps={"calf_strain": 1}))
    assert "step 1 of the calf-strain ladder is a calf exercise in 'seconds'" in unit


def test_one_ladder_step_holds_one_exercise_per_knee_angle() -> None:
    straight = raise_entry(id="a-raise", schemes=["light"], steps={"calf_strain": 3})
    bent = entry(id="b-raise", steps={"calf_strain": 3})
    Catalog.from_data({"exercises": [straight, bent]})
    (problem,) = problems_of(straight, bent, entry(id="c-raise", steps={"calf_strain": 3}))
    assert problem == (
        "exercise 'c-raise': field 'steps': step 3 of ladder 'calf_strain' (knee bent) is also "
        "taken by 'b-raise'"
    )


def test_a_ladder_step_that_disagrees_with_steps_is_refused() -> None:
    (problem,) = problems_of(entry(ladder="soleus", ladder_step=2, steps={"soleus": 3}))
    assert "'soleus' is step 3 but ladder_step is 2" in problem


def test_a_complete_catalog_must_fill_every_role_the_engine_needs() -> None:
    problems = problems_of_doc({"exercises": [entry()], "reasons": [reason()]}, complete=True)
    text = "\n".join(problems)
    assert "catalog: no flare hold (R-PAIN-2b) with the knee straight" in text
    assert "catalog: no bent-knee protocol exercise for 'achilles_insertional'" in text
    assert "catalog: step 4 of the calf-strain ladder (R-PAIN-4) has no straight-knee" in text
    assert "catalog: no clearance exercise (R-PAIN-3)" in text
    assert "catalog: no dorsiflexor exercise (R-PAIN-4)" in text
    # Without `complete` the same small catalog is fine (tests and tools build such).
    Catalog.from_data({"exercises": [entry()], "reasons": [reason()]})


def test_a_complete_catalog_needs_a_reason_for_every_exercise_and_scheme_r_why() -> None:
    problems = problems_of_doc({"exercises": [entry(schemes=["light", "heavy"])]}, complete=True)
    assert "exercise 'test-raise': no reason fits it in the scheme 'heavy' (R-WHY" in "\n".join(
        problems
    )


def test_a_complete_catalog_has_no_gap_in_a_ladder() -> None:
    problems = problems_of_doc({"exercises": [entry(ladder="soleus", ladder_step=2)]}, True)
    assert "catalog: ladder 'soleus' skips a step (has [2])" in problems


def test_the_packaged_catalog_file_is_checked_as_complete() -> None:
    from pathlib import Path

    import calfcoach.catalog as package

    text = (Path(package.__file__).parent / "exercises.yaml").read_text(encoding="utf-8")
    broken = text.replace("    flare_hold: true\n", "", 1)
    with pytest.raises(InputError, match="no flare hold"):
        parse_catalog(broken, source="exercises.yaml", complete=True)
