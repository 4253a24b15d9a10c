"""Exercise illustrations as data: key poses of a side-view figure, and their geometry.

An exercise's ``illustration`` (catalog field) lists two or three key poses (start -> end) of
a figure seen from its right side, facing right, plus the props it uses and an optional
motion arrow. A pose is a handful of joint angles, so adding an exercise needs no code
change; ``pose_figure`` turns a pose into joint positions, which the SVG renderer
(``calfcoach.formats.illustration``) draws and the tests measure (a bent knee, a foot off the
ground, both feet in the air).

Units are centimetres of a figure about 175 cm tall; ``y`` points up and the floor is
``y = 0``. Angles are in degrees:

- ``hip``: the thigh's angle from hanging straight down, positive forward (90: thigh
  horizontal, seated; 135: legs pushing up and forward in a leg press);
- ``knee``: knee flexion, 0 = straight;
- ``foot``: the sole's angle to the floor, positive when the heel is higher than the ball
  (a heel raise), negative when it is lower (heel dropped over a step's edge);
- ``toes``: the toes' bend at the ball of the foot, relative to the sole (positive: bent
  up; ``foot + 20`` points them 20 degrees above the horizontal); unset, a planted foot's
  toes lie flat on what it stands on when the heel is up or over a step's edge, and
  continue the sole otherwise.

Pure: pydantic and the standard library only.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = [
    "ARMS",
    "PROPS",
    "SEGMENTS",
    "STEP_HEIGHT",
    "Figure",
    "Illustration",
    "LegPose",
    "LegPoints",
    "Motion",
    "Point",
    "Pose",
    "ankle_angle",
    "pose_figure",
]

Prop = Literal[
    "step",
    "wall",
    "wall_back",
    "chair",
    "dumbbell",
    "backpack",
    "barbell",
    "seated_calf_machine",
    "leg_press",
    "jump_rope",
    "towel",
    "towel_bunched",
    "towel_roll",
    "band_foot",
    "band_toe",
    "band_anchor",
    "ball",
]
"""What a figure can use. ``wall``: in front, under the fingertips; ``wall_back``: behind the
back (wall sit). ``band_foot``: from the top of the foot to an anchor in front;
``band_toe``: under the big toe up to the hands; ``band_anchor``: from the hands to an
anchor in front. ``towel``: flat in front of the toes; ``towel_bunched``: gathered under
them; ``towel_roll``: rolled under the toes."""

Arms = Literal[
    "sides",
    "hips",
    "wall",
    "forward",
    "rope",
    "thigh",
    "lap",
    "band",
    "chest",
    "floor_back",
    "barbell",
    "handles",
]
"""Where the hands are: hanging at the ``sides``, on the ``hips``, fingertips on the
``wall``, held ``forward``, turning a ``rope`` at hip height, behind the ``thigh`` (holding
a leg up), on the ``lap``, holding a ``band`` up by the chest, together close to the
``chest`` (the trunk turned, arms foreshortened), on the floor behind
(``floor_back``), holding a ``barbell`` on the back, on the leg press ``handles``."""

Spot = Literal["heel", "toes", "ball", "knee", "hip", "head", "hands", "foot"]
Direction = Literal["up", "down", "forward", "back", "around"]

PROPS: tuple[str, ...] = Prop.__args__  # type: ignore[attr-defined]
ARMS: tuple[str, ...] = Arms.__args__  # type: ignore[attr-defined]

# Segment lengths (cm). The foot is drawn a little larger than life so that a heel rise of a
# few centimetres stays visible on a 360 px phone screen.
SEGMENTS: dict[str, float] = {
    "thigh": 44.0,
    "shank": 43.0,
    "foot": 21.0,  # heel to ball
    "toes": 7.0,
    "ankle_height": 8.0,  # ankle joint above the sole
    "ankle_back": 4.5,  # ankle joint ahead of the heel, along the sole
    "trunk": 52.0,  # hip to shoulder
    "neck": 6.0,
    "head": 11.0,  # radius
    "upper_arm": 29.0,
    "forearm": 30.0,  # with the hand
}
STEP_HEIGHT = 20.0
"""A step, a stair or a machine's foot platform, in cm."""


class LegPose(BaseModel):
    """One leg's joint angles (see the module for the conventions)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    hip: float = Field(ge=-90, le=150)
    knee: float = Field(default=0, ge=0, le=160)
    foot: float = Field(default=0, ge=-180, le=180)
    toes: float | None = Field(default=None, ge=-60, le=90)
    arch: float = Field(default=0, ge=0, le=4)
    """How far the arch of the foot is drawn up off the sole line, in cm (short foot)."""
    planted: bool = True
    """The foot bears weight on the floor or the step (or the machine's platform)."""


class Pose(BaseModel):
    """One key pose: the working (near) leg, the other (far) leg, trunk, arms, support."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    label: str = Field(min_length=2, max_length=40)
    """What the pose shows, short: "heel down", "up on the ball of the foot"."""
    near: LegPose
    far: LegPose | None = None
    """The other leg; unset: the same as ``near`` (both legs work together)."""
    trunk: float = Field(default=0, ge=-80, le=80)
    """The trunk's lean from upright, positive forward."""
    arms: Arms = "sides"
    surface: Literal["floor", "step"] = "floor"
    """What the planted feet stand on: the floor, or the edge of a step (the ball of the
    near foot on the edge, the heel over it)."""
    air: float = Field(default=0, ge=0, le=60)
    """How high the figure is above its support (the flight of a hop), in cm."""
    seat: float | None = Field(default=None, gt=0, le=120)
    """Hip height above the floor when no foot is planted (sitting, a leg press), in cm."""
    props: tuple[Prop, ...] = ()
    """Props shown in this pose only (e.g. a towel bunched up at the end)."""

    @model_validator(mode="after")
    def _supported(self) -> Pose:
        far = self.far or self.near
        if not (self.near.planted or far.planted) and self.seat is None:
            raise ValueError(
                "a pose with no planted foot needs 'seat' (the hip height above the floor)"
            )
        if self.surface == "step" and not self.near.planted:
            raise ValueError("surface 'step' needs the near foot planted on the step")
        return self

    @property
    def far_leg(self) -> LegPose:
        return self.far or self.near


class Motion(BaseModel):
    """A motion arrow drawn on one pose: what moves, and which way."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    pose: int = Field(default=1, ge=1, le=3)
    """The pose (1-based) that carries the arrow."""
    at: Spot
    direction: Direction


class Illustration(BaseModel):
    """The drawing of an exercise: 2 or 3 key poses, start -> end."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    poses: tuple[Pose, ...] = Field(min_length=2, max_length=3)
    props: tuple[Prop, ...] = ()
    """Props shown in every pose."""
    motion: Motion | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Illustration:
        if self.motion is not None and self.motion.pose > len(self.poses):
            raise ValueError(
                f"motion.pose: {self.motion.pose} but there are only {len(self.poses)} poses"
            )
        for number, pose in enumerate(self.poses, start=1):
            props = set(self.props) | set(pose.props)
            if pose.surface == "step" and not props & {"step", "seated_calf_machine"}:
                raise ValueError(
                    f"poses[{number}]: surface 'step' needs a 'step' or 'seated_calf_machine' prop"
                )
            if pose.arms == "rope" and "jump_rope" not in props:
                raise ValueError(f"poses[{number}]: arms 'rope' needs the 'jump_rope' prop")
        return self

    def props_of(self, pose: Pose) -> tuple[str, ...]:
        """The props shown in ``pose``: the illustration's, then the pose's own."""
        return tuple(dict.fromkeys((*self.props, *pose.props)))


# ---------------------------------------------------------------------- geometry


@dataclass(frozen=True, slots=True)
class Point:
    x: float
    y: float

    def __add__(self, other: Point) -> Point:
        return Point(self.x + other.x, self.y + other.y)

    def __sub__(self, other: Point) -> Point:
        return Point(self.x - other.x, self.y - other.y)

    def scaled(self, factor: float) -> Point:
        return Point(self.x * factor, self.y * factor)

    def length(self) -> float:
        return math.hypot(self.x, self.y)


@dataclass(frozen=True, slots=True)
class LegPoints:
    hip: Point
    knee: Point
    ankle: Point
    heel: Point
    ball: Point
    toe: Point
    planted: bool

    def lowest(self) -> float:
        return min(self.heel.y, self.ball.y, self.toe.y)

    def points(self) -> tuple[Point, ...]:
        return (self.hip, self.knee, self.ankle, self.heel, self.ball, self.toe)

    def moved(self, by: Point) -> LegPoints:
        hip, knee, ankle, heel, ball, toe = (p + by for p in self.points())
        return LegPoints(hip, knee, ankle, heel, ball, toe, self.planted)


@dataclass(frozen=True, slots=True)
class Figure:
    """A pose's joints in cm (floor at y = 0, ball of the near foot at x = 0)."""

    near: LegPoints
    far: LegPoints
    hip: Point
    shoulder: Point
    head: Point  # centre
    elbow: Point
    hand: Point
    support: float  # height of what the planted feet stand on (0: floor; a step's top)
    step_edge: float | None  # x of the step's edge, when on a step

    def clearance(self, leg: LegPoints) -> float:
        """How far ``leg``'s foot (heel, ball, toes) is above what is under it, in cm: the
        step where it reaches over the step, the floor elsewhere (a heel over the edge)."""

        def under(point: Point) -> float:
            if self.step_edge is not None and point.x >= self.step_edge:
                return self.support
            return 0.0

        return min(p.y - under(p) for p in (leg.heel, leg.ball, leg.toe))

    def points(self) -> tuple[Point, ...]:
        body = (self.hip, self.shoulder, self.elbow, self.hand)
        head = (self.head + Point(0, SEGMENTS["head"]), self.head - Point(0, SEGMENTS["head"]))
        return (*self.near.points(), *self.far.points(), *body, *head)


def _down(angle: float) -> Point:
    """Unit vector ``angle`` degrees forward of straight down."""
    radians = math.radians(angle)
    return Point(math.sin(radians), -math.cos(radians))


def _up(angle: float) -> Point:
    """Unit vector ``angle`` degrees forward of straight up."""
    radians = math.radians(angle)
    return Point(math.sin(radians), math.cos(radians))


def _leg(pose: LegPose, on_step: bool) -> LegPoints:
    """A leg hanging from a hip at the origin."""
    hip = Point(0.0, 0.0)
    knee = hip + _down(pose.hip).scaled(SEGMENTS["thigh"])
    ankle = knee + _down(pose.hip - pose.knee).scaled(SEGMENTS["shank"])
    rad = math.radians(pose.foot)
    sole = Point(math.cos(rad), -math.sin(rad))  # heel -> ball
    normal = Point(-sole.y, sole.x)  # up from the sole
    heel = ankle - sole.scaled(SEGMENTS["ankle_back"]) - normal.scaled(SEGMENTS["ankle_height"])
    ball = heel + sole.scaled(SEGMENTS["foot"])
    if pose.toes is None and pose.planted and (pose.foot >= 0 or on_step):
        toes_dir = Point(1.0, 0.0)  # flat on the floor or the step
    else:
        bend = math.radians(pose.foot - (pose.toes or 0.0))
        toes_dir = Point(math.cos(bend), -math.sin(bend))
    toe = ball + toes_dir.scaled(SEGMENTS["toes"])
    return LegPoints(hip, knee, ankle, heel, ball, toe, pose.planted)


def ankle_angle(pose: LegPose) -> float:
    """Plantarflexion of the ankle in degrees (0: foot at a right angle to the shin;
    positive: pointed, as at the top of a heel raise; negative: the shin over the toes)."""
    return pose.foot + (pose.hip - pose.knee)


def _arm(shoulder: Point, target: Point, elbow_back: bool) -> tuple[Point, Point]:
    """Elbow and hand reaching for ``target`` (two-bone inverse kinematics)."""
    upper, fore = SEGMENTS["upper_arm"], SEGMENTS["forearm"]
    reach = target - shoulder
    distance = min(max(reach.length(), abs(upper - fore) + 1.0), upper + fore - 0.01)
    unit = reach.scaled(1.0 / reach.length()) if reach.length() else Point(0.0, -1.0)
    hand = shoulder + unit.scaled(distance)
    cos_a = (upper**2 + distance**2 - fore**2) / (2 * upper * distance)
    a = math.acos(max(-1.0, min(1.0, cos_a)))
    candidates = []
    for sign in (1.0, -1.0):
        c, s = math.cos(sign * a), math.sin(sign * a)
        direction = Point(unit.x * c - unit.y * s, unit.x * s + unit.y * c)
        candidates.append(shoulder + direction.scaled(upper))
    if elbow_back:
        elbow = min(candidates, key=lambda p: (p.x, p.y))
    else:
        elbow = min(candidates, key=lambda p: (p.y, p.x))
    return elbow, hand


def _hand_target(arms: str, hip: Point, shoulder: Point, knee: Point) -> tuple[Point, bool]:
    """Where the hand goes for an arm position, and whether the elbow points back."""
    reach = SEGMENTS["upper_arm"] + SEGMENTS["forearm"]
    if arms == "hips":
        return hip + Point(6.0, 6.0), True
    if arms == "wall":
        return Point(shoulder.x + 0.88 * reach, shoulder.y - 14.0), False
    if arms == "forward":
        return shoulder + Point(0.9 * reach, -8.0), False
    if arms == "rope":
        return hip + Point(16.0, 4.0), True
    if arms == "thigh":
        return hip + (knee - hip).scaled(0.7) + Point(0.0, -7.0), True
    if arms == "lap":
        return hip + (knee - hip).scaled(0.6) + Point(0.0, 6.0), True
    if arms == "band":
        return shoulder + Point(14.0, -22.0), True
    if arms == "chest":
        return shoulder + Point(24.0, -16.0), False
    if arms == "floor_back":
        return Point(hip.x - 22.0, 2.0), True
    if arms == "barbell":  # hands on the bar behind the neck, elbows down
        return shoulder + Point(-7.0, 3.0), False
    if arms == "handles":
        return hip + Point(10.0, -2.0), True
    return shoulder + Point(10.0, -0.93 * reach), True  # sides, a little forward


def pose_figure(pose: Pose) -> Figure:
    """The joints of ``pose``: the feet on their support (or ``air`` above it), the ball of
    the near foot at x = 0."""
    on_step = pose.surface == "step"
    near, far = _leg(pose.near, on_step), _leg(pose.far_leg, on_step)
    support = STEP_HEIGHT if pose.surface == "step" else 0.0
    planted = [leg for leg in (near, far) if leg.planted]
    if pose.surface == "step":
        rise = support - near.ball.y  # the ball of the near foot on the step's edge
    elif planted:
        rise = support - min(leg.lowest() for leg in planted)
    else:
        rise = float(pose.seat or 0.0)
    shift = Point(-near.ball.x, rise + pose.air)
    near, far = near.moved(shift), far.moved(shift)
    if pose.far is None:  # the same leg behind: drawn a little back so both feet show
        far = far.moved(Point(-4.0, 0.0))
    hip = near.hip
    shoulder = hip + _up(pose.trunk).scaled(SEGMENTS["trunk"])
    head = shoulder + _up(pose.trunk * 0.6).scaled(SEGMENTS["neck"] + SEGMENTS["head"])
    target, elbow_back = _hand_target(pose.arms, hip, shoulder, near.knee)
    elbow, hand = _arm(shoulder, target, elbow_back)
    edge = None
    if pose.surface == "step":  # the edge just behind the planted balls of the feet
        edge = min(leg.ball.x for leg in (near, far) if leg.planted) - 3.0
    return Figure(near, far, hip, shoulder, head, elbow, hand, support, edge)
