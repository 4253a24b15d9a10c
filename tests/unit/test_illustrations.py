"""Exercise illustrations (issue 8, Exercises page): the pose data in the catalog, its
geometry (a bent knee, a foot off the ground, both feet in the air), and the SVG drawn from it
(standalone, accessible, currentColor, deterministic)."""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import ValidationError

import calfcoach.catalog
from calfcoach.catalog import CATALOG_FILE, load_catalog, parse_catalog
from calfcoach.core.illustration import (
    ARMS,
    PROPS,
    Figure,
    Illustration,
    LegPoints,
    Pose,
    ankle_angle,
    pose_figure,
)
from calfcoach.core.models import Exercise
from calfcoach.errors import InputError
from calfcoach.formats.illustration import describe, render_svg

CATALOG = load_catalog()
EXERCISES = list(CATALOG)
IDS = [ex.id for ex in EXERCISES]
SVG = "{http://www.w3.org/2000/svg}"
CATALOG_TEXT = (Path(calfcoach.catalog.__file__).parent / CATALOG_FILE).read_text("utf-8")


def by_id(ex: Exercise) -> str:
    return ex.id


def illustration(ex: Exercise) -> Illustration:
    assert ex.illustration is not None, f"{ex.id} has no illustration"
    return ex.illustration


def knee_angle(leg: LegPoints) -> float:
    """The angle at the knee between thigh and shin, measured on the figure (180: straight)."""
    a = (leg.hip.x - leg.knee.x, leg.hip.y - leg.knee.y)
    b = (leg.ankle.x - leg.knee.x, leg.ankle.y - leg.knee.y)
    cos = (a[0] * b[0] + a[1] * b[1]) / (math.hypot(*a) * math.hypot(*b))
    return math.degrees(math.acos(max(-1.0, min(1.0, cos))))


def figures(ex: Exercise) -> list[tuple[Pose, Figure]]:
    return [(pose, pose_figure(pose)) for pose in illustration(ex).poses]


def stands_on_one_leg(ex: Exercise) -> bool:
    """The exercise's steps tell the athlete to stand on one leg (not only as a progression)."""
    return any(re.search(r"\bstand (barefoot )?on one leg\b", s, re.I) for s in ex.instructions)


# ---------------------------------------------------------------------- the data


def test_every_exercise_of_the_packaged_catalog_has_a_valid_illustration() -> None:
    assert len(EXERCISES) >= 30
    for ex in EXERCISES:
        drawing = illustration(ex)
        assert 2 <= len(drawing.poses) <= 3, ex.id
        assert Illustration.model_validate(drawing.model_dump()) == drawing


def test_the_packaged_catalog_is_refused_when_an_exercise_loses_its_illustration() -> None:
    data = yaml.safe_load(CATALOG_TEXT)
    del data["exercises"][3]["illustration"]
    name = data["exercises"][3]["id"]
    with pytest.raises(InputError, match=f"exercise '{name}': no illustration"):
        parse_catalog(yaml.safe_dump(data), complete=True)
    parse_catalog(yaml.safe_dump(data))  # a small test catalog may go without drawings


def test_a_bad_pose_is_refused_naming_the_exercise_and_the_field() -> None:
    data = yaml.safe_load(CATALOG_TEXT)
    data["exercises"][0]["illustration"]["poses"][1]["near"]["knee"] = 200
    data["exercises"][1]["illustration"]["poses"][0]["arms"] = "waving"
    with pytest.raises(InputError) as caught:
        parse_catalog(yaml.safe_dump(data))
    text = str(caught.value)
    assert "exercise 'toe-taps'" in text and "illustration.poses[1].near.knee" in text
    assert "less than or equal to 160" in text
    assert "exercise 'ankle-rotations'" in text and "illustration.poses[0].arms" in text


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"poses": [{"label": "only one", "near": {"hip": 0}}]}, "at least 2 items"),
        (
            {"poses": [{"label": "ab", "near": {"hip": 0}, "arms": "rope"}] * 2},
            "arms 'rope' needs the 'jump_rope' prop",
        ),
        (
            {"poses": [{"label": "ab", "near": {"hip": 0}, "surface": "step"}] * 2},
            "surface 'step' needs a 'step' or 'seated_calf_machine' prop",
        ),
        (
            {"poses": [{"label": "ab", "near": {"hip": 90, "planted": False}}] * 2},
            "needs 'seat'",
        ),
        (
            {
                "poses": [{"label": "ab", "near": {"hip": 0}}] * 2,
                "motion": {"pose": 3, "at": "heel", "direction": "up"},
            },
            "only 2 poses",
        ),
        ({"poses": [{"label": "ab", "near": {"hip": 0}}] * 2, "props": ["trampoline"]}, "props"),
    ],
)
def test_an_inconsistent_illustration_is_refused_with_its_reason(
    change: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValidationError, match=re.escape(message)):
        Illustration.model_validate(change)


# ---------------------------------------------------------------------- the geometry


@pytest.mark.parametrize("ex", [ex for ex in EXERCISES if ex.knee == "bent"], ids=by_id)
def test_a_bent_knee_exercise_shows_the_working_knee_bent_in_every_pose(ex: Exercise) -> None:
    for pose, figure in figures(ex):
        assert pose.near.knee >= 20, (ex.id, pose.label)
        assert knee_angle(figure.near) <= 160, (ex.id, pose.label)


@pytest.mark.parametrize("ex", [ex for ex in EXERCISES if ex.knee == "straight"], ids=by_id)
def test_a_straight_knee_exercise_shows_the_working_knee_nearly_straight(ex: Exercise) -> None:
    for pose, figure in figures(ex):
        assert knee_angle(figure.near) >= 165, (ex.id, pose.label)


@pytest.mark.parametrize("ex", [ex for ex in EXERCISES if stands_on_one_leg(ex)], ids=by_id)
def test_a_single_leg_exercise_stands_on_the_working_foot_with_the_other_off_the_ground(
    ex: Exercise,
) -> None:
    for pose, figure in figures(ex):
        assert figure.clearance(figure.far) >= 8, (ex.id, pose.label)
        assert figure.clearance(figure.near) <= pose.air + 0.5, (ex.id, pose.label)


def test_the_one_leg_rule_covers_the_single_leg_raises_and_hops() -> None:
    single = {ex.id for ex in EXERCISES if stands_on_one_leg(ex)}
    assert {"single-leg-calf-raise", "single-leg-hops", "one-leg-mini-squat"} <= single
    assert {"two-leg-heel-raise", "pogo-hops", "foot-tripod-drill"}.isdisjoint(single)


@pytest.mark.parametrize("ex", [ex for ex in EXERCISES if not ex.unilateral], ids=by_id)
def test_a_two_leg_exercise_keeps_both_feet_at_the_same_height(ex: Exercise) -> None:
    for pose, figure in figures(ex):
        if pose.seat is None:
            assert abs(figure.clearance(figure.far) - figure.clearance(figure.near)) < 1, ex.id


@pytest.mark.parametrize("ex", [ex for ex in EXERCISES if ex.contraction == "plyometric"], ids=str)
def test_a_hop_has_a_flight_pose_with_both_feet_off_the_ground(ex: Exercise) -> None:
    flights = [f for _, f in figures(ex) if min(f.clearance(f.near), f.clearance(f.far)) >= 5]
    landings = [f for _, f in figures(ex) if f.clearance(f.near) < 0.5]
    assert flights and landings, ex.id


def test_a_standing_pose_puts_the_planted_feet_on_the_floor_not_in_it() -> None:
    for ex in EXERCISES:
        for pose, figure in figures(ex):
            for leg in (figure.near, figure.far):
                assert figure.clearance(leg) >= -0.5, (ex.id, pose.label)
                if leg.planted and pose.air == 0 and pose.seat is None and leg is figure.near:
                    assert figure.clearance(leg) < 0.5, (ex.id, pose.label)


@pytest.mark.parametrize(
    "ex", [ex for ex in EXERCISES if "raise" in ex.id or "drop" in ex.id], ids=by_id
)
def test_a_heel_raise_moves_the_ankle_visibly_between_its_poses(ex: Exercise) -> None:
    angles = [ankle_angle(pose.near) for pose in illustration(ex).poses]
    assert max(angles) - min(angles) >= 15, ex.id
    heel_heights = [f.near.heel.y - f.near.ball.y for _, f in figures(ex)]
    if all(pose.seat is None for pose in illustration(ex).poses):  # standing or on a step
        assert max(heel_heights) - min(heel_heights) >= 5, ex.id  # cm: the heel rises


@pytest.mark.parametrize("ex", [ex for ex in EXERCISES if ex.heel_drop and not ex.machine], ids=str)
def test_a_heel_drop_exercise_stands_on_a_step_edge_with_the_heel_below_it(ex: Exercise) -> None:
    on_step = [(p, f) for p, f in figures(ex) if p.surface == "step"]
    assert on_step, ex.id
    assert any(f.near.heel.y < f.support - 2 for _, f in on_step), ex.id
    for _, figure in on_step:  # the ball stays on the step, the heel is over its edge
        assert figure.step_edge is not None
        assert figure.near.ball.x > figure.step_edge > figure.near.heel.x


def test_a_machine_heel_raise_lowers_the_heel_past_neutral_first() -> None:
    machines = [ex for ex in EXERCISES if ex.heel_drop and ex.machine]
    assert len(machines) >= 3
    for ex in machines:
        if ex.heel_drop:
            assert ankle_angle(illustration(ex).poses[0].near) < -5, ex.id


# ---------------------------------------------------------------------- the SVG


@pytest.mark.parametrize("ex", EXERCISES, ids=by_id)
def test_every_exercise_renders_a_standalone_accessible_svg(ex: Exercise) -> None:
    text = render_svg(ex)
    root = ET.fromstring(text)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    title = root.find(f"{SVG}title")
    desc = root.find(f"{SVG}desc")
    assert title is not None and title.text == ex.name
    assert desc is not None and desc.text == describe(ex, illustration(ex))
    labelled = set((root.get("aria-labelledby") or "").split())
    assert labelled == {title.get("id"), desc.get("id")}
    for pose in illustration(ex).poses:
        assert pose.label in (desc.text or "")
    tags = {element.tag.removeprefix(SVG) for element in root.iter()}
    assert not tags & {"script", "foreignObject", "image", "use", "a", "iframe"}, tags
    ids = {element.get("id") for element in root.iter()} - {None}
    assert len(ids) == sum(1 for element in root.iter() if element.get("id")), "ids repeat"
    assert all(i.startswith(f"ill-{ex.id}-") for i in ids), ids  # unique on a page of many
    for element in root.iter():
        for name, value in element.attrib.items():
            assert "href" not in name, (name, value)
            assert not name.startswith("on"), name
            assert "javascript:" not in value, value
            for ref in re.findall(r"url\(([^)]*)\)", value):  # only the drawing's own clips
                assert ref.startswith("#") and ref[1:] in ids, value
            if name in ("stroke", "fill"):
                assert value in ("currentColor", "none"), (element.tag, name, value)
    assert "http" not in text.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "@import" not in text


@pytest.mark.parametrize("ex", EXERCISES, ids=by_id)
def test_the_drawing_shows_each_key_pose_with_an_arrow_between_them(ex: Exercise) -> None:
    root = ET.fromstring(render_svg(ex))
    poses = [g for g in root.iter(f"{SVG}g") if g.get("data-pose")]
    assert [g.get("data-pose") for g in poses] == [
        str(n) for n in range(1, len(illustration(ex).poses) + 1)
    ]
    arrows = [p for p in root.findall(f"{SVG}path") if p.get("aria-hidden") == "true"]
    assert len(arrows) == len(poses) - 1
    labels = ["".join(g.itertext()) for g in poses]
    for number, (label, pose) in enumerate(zip(labels, illustration(ex).poses, strict=True), 1):
        assert f"{number}. " in label and pose.label.split()[-1] in label


@pytest.mark.parametrize("ex", EXERCISES, ids=by_id)
def test_every_pose_gets_a_close_up_of_the_foot_at_one_zoom_for_the_exercise(
    ex: Exercise,
) -> None:
    root = ET.fromstring(render_svg(ex))
    radii = []
    for group in root.iter(f"{SVG}g"):
        if group.get("data-pose"):
            clips = list(group.iter(f"{SVG}clipPath"))
            assert len(clips) == 1, ex.id  # the round close-up
            circle = clips[0].find(f"{SVG}circle")
            assert circle is not None
            radii.append(float(circle.get("r", "0")))
    assert min(radii) >= 25, ex.id  # 50 px or more across at 360 px
    # The foot outline is drawn twice per pose (figure, close-up); the close-up's is larger.
    for group in (g for g in root.iter(f"{SVG}g") if g.get("data-pose")):
        feet = [p for p in group.iter(f"{SVG}polygon") if len(p.get("points", "").split()) >= 12]
        spans = [_span(p.get("points", "")) for p in feet]
        assert max(spans) >= 1.6 * min(spans), ex.id


def _span(points: str) -> float:
    xs = [float(pair.split(",")[0]) for pair in points.split()]
    ys = [float(pair.split(",")[1]) for pair in points.split()]
    return max(max(xs) - min(xs), max(ys) - min(ys))


def test_the_same_exercise_renders_the_same_bytes_twice() -> None:
    for ex in EXERCISES:
        first = render_svg(ex)
        again = render_svg(Exercise.model_validate(ex.model_dump()))
        assert first == again, ex.id


def test_the_width_scales_the_drawing_and_keeps_its_aspect() -> None:
    ex = CATALOG.get("pogo-hops")
    small = ET.fromstring(render_svg(ex, width=360))
    large = ET.fromstring(render_svg(ex, width=720))
    assert small.get("viewBox") == large.get("viewBox")
    assert int(large.get("width", "0")) == 720
    assert int(large.get("height", "0")) == 2 * int(small.get("height", "0"))


@pytest.mark.parametrize("width", [0, 50, 10_000, True])
def test_a_width_out_of_range_is_refused_with_the_allowed_range(width: int) -> None:
    with pytest.raises(InputError, match="width: .* allowed: 120 to 4000 pixels"):
        render_svg(CATALOG.get("toe-taps"), width=width)


def test_an_exercise_without_an_illustration_is_refused_by_name() -> None:
    bare = CATALOG.get("toe-taps").model_copy(update={"illustration": None})
    with pytest.raises(InputError, match="exercise 'toe-taps': no illustration"):
        render_svg(bare)


def test_text_in_a_name_is_escaped_in_the_svg() -> None:
    odd = CATALOG.get("toe-taps").model_copy(update={"name": "Toe taps <b> & co"})
    root = ET.fromstring(render_svg(odd))
    title = root.find(f"{SVG}title")
    assert title is not None and title.text == "Toe taps <b> & co"


def test_every_prop_and_arm_position_of_the_vocabulary_draws_and_parses() -> None:
    """The catalog uses only some of them; a new exercise may use any without code change."""
    base = CATALOG.get("two-leg-heel-raise")
    poses = [
        {"label": f"arms {arms}", "near": {"hip": 0}, "arms": arms, "props": list(PROPS)}
        for arms in ARMS
    ]
    for first, second in zip(poses, poses[1:], strict=False):
        drawing = {"poses": [first, {**second, "surface": "step", "air": 5}]}
        ex = base.model_copy(update={"illustration": Illustration.model_validate(drawing)})
        root = ET.fromstring(render_svg(ex))
        assert root.tag == f"{SVG}svg"
        assert len(list(root.iter(f"{SVG}clipPath"))) == 2


def test_a_seated_pose_puts_the_chair_under_the_hip_and_the_feet_on_the_floor() -> None:
    for ex_id in ("towel-crunches", "big-toe-press", "short-foot", "ankle-rotations"):
        for pose, figure in figures(CATALOG.get(ex_id)):
            assert 35 <= figure.hip.y <= 60, (ex_id, pose.label)  # chair height
            assert "chair" in illustration(CATALOG.get(ex_id)).props_of(pose)
            planted = [leg for leg in (figure.near, figure.far) if leg.planted]
            assert planted and all(abs(figure.clearance(leg)) < 0.5 for leg in planted)
