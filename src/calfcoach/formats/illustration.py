"""An exercise's illustration as a standalone SVG (issue 8: "a clear drawn illustration, SVG,
no stock video, for every exercise").

``render_svg(exercise)`` draws the key poses of the exercise's ``illustration`` (catalog data,
``calfcoach.core.illustration``) side by side with an arrow between them: a pictogram figure
seen from its right side, facing right, the working leg solid and the other faded, with a
proper foot (heel, ball, toes) on the floor or a step, and the props.

The output is deterministic (same bytes for the same exercise), has no scripts and no
external references, and is accessible (``role="img"``, ``<title>``, ``<desc>``). Every
stroke and fill is ``currentColor``, so the figure takes the text colour of the page (light
or dark theme); opened on its own it follows the browser's colour scheme.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

from calfcoach.core.illustration import (
    SEGMENTS,
    STEP_HEIGHT,
    Figure,
    Illustration,
    LegPoints,
    Point,
    Pose,
    pose_figure,
)
from calfcoach.core.models import Exercise
from calfcoach.errors import InputError

__all__ = ["DEFAULT_WIDTH", "describe", "render_svg"]

DEFAULT_WIDTH = 360
"""Width in CSS pixels: a phone screen (the drawing scales to any width)."""

_VIEW_W = 360.0  # the drawing's own units; ``width`` only scales it
_MAX_FIGURE_H = 200.0  # the figures' height at most (a standing figure), in the same units
_MARGIN = 6.0
_LABEL_H = 40.0  # room for two lines of pose label under the figures
_GAP = 30.0  # between two poses, for the arrow
_MAX_SCALE = 1.9  # px per cm: small figures (sitting on the floor) are drawn larger

_PROP_WORDS = {
    "step": "a step",
    "wall": "a wall",
    "wall_back": "a wall behind the back",
    "chair": "a chair",
    "dumbbell": "a dumbbell",
    "backpack": "a loaded backpack",
    "barbell": "a barbell",
    "seated_calf_machine": "a seated calf machine",
    "leg_press": "a leg press",
    "jump_rope": "a jump rope",
    "towel": "a towel",
    "towel_bunched": "a bunched towel",
    "towel_roll": "a rolled towel",
    "band_foot": "a resistance band",
    "band_toe": "a resistance band",
    "band_anchor": "a resistance band",
    "ball": "a ball",
}


def describe(exercise: Exercise, illustration: Illustration) -> str:
    """The text alternative: what the figure shows, pose by pose."""
    poses = "; ".join(
        f"{number}, {pose.label}" for number, pose in enumerate(illustration.poses, start=1)
    )
    props = sorted(
        {_PROP_WORDS[p] for pose in illustration.poses for p in illustration.props_of(pose)}
    )
    text = (
        f"{exercise.name}: a figure seen from the side, facing right, in "
        f"{len(illustration.poses)} key poses: {poses}."
    )
    if props:
        text += " With " + _join(props) + "."
    text += (
        " The working leg is drawn solid, the other leg faded; under each pose, a close-up"
        " of the working foot."
    )
    return text


def _join(words: Sequence[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


# ---------------------------------------------------------------------- drawing primitives


@dataclass(frozen=True, slots=True)
class _Shape:
    """One element in world coordinates (cm, y up); ``size`` is in px."""

    kind: str  # line, poly, circle, rect, curve
    points: tuple[Point, ...]
    size: float = 2.0  # stroke width, or a circle's radius in cm
    fill: float = 0.0  # fill opacity (0: none)
    opacity: float = 1.0


def _line(*points: Point, width: float = 2.0, opacity: float = 1.0) -> _Shape:
    return _Shape("line", points, width, 0.0, opacity)


def _poly(*points: Point, fill: float = 1.0, opacity: float = 1.0, width: float = 1.5) -> _Shape:
    return _Shape("poly", points, width, fill, opacity)


def _rect(a: Point, b: Point, fill: float = 0.15, opacity: float = 0.8) -> _Shape:
    return _Shape("rect", (a, b), 2.0, fill, opacity)


def _circle(centre: Point, radius: float, fill: float = 1.0, opacity: float = 1.0) -> _Shape:
    return _Shape("circle", (centre,), radius, fill, opacity)


def _curve(*points: Point, width: float = 2.0, opacity: float = 0.8) -> _Shape:
    """A path through cubic Bezier segments: start, then (c1, c2, end) triples."""
    return _Shape("curve", points, width, 0.0, opacity)


_At = Callable[[Point], tuple[float, float]]


def _num(value: float) -> str:
    text = f"{value:.1f}"
    return "0" if text in ("0.0", "-0.0") else text.removesuffix(".0")


# ---------------------------------------------------------------------- the figure


def _unit(vector: Point) -> Point:
    length = vector.length() or 1.0
    return vector.scaled(1.0 / length)


def _normal(vector: Point) -> Point:
    """``vector`` turned a quarter turn anticlockwise (left of it; up from a sole)."""
    return Point(-vector.y, vector.x)


def _foot(leg: LegPoints, opacity: float, arch_lift: float) -> _Shape:
    """The foot as a filled outline: a rounded heel, the sole (its arch lifted by
    ``arch_lift`` cm), the ball, the toes, the instep and the ankle."""
    sole = _unit(leg.ball - leg.heel)
    up = _normal(sole)
    toes_up = _normal(_unit(leg.toe - leg.ball))

    def at(along: float, above: float) -> Point:  # cm along the sole from the heel, and up
        return leg.heel + sole.scaled(along) + up.scaled(above)

    return _poly(
        at(0.6, 0.0),
        at(SEGMENTS["foot"] * 0.55, arch_lift),
        leg.ball,
        leg.toe,
        leg.toe + toes_up.scaled(2.4),
        leg.ball + up.scaled(3.8) + sole.scaled(-0.8),
        at(14.0, 6.0),
        at(8.8, 9.5),
        at(1.4, 10.0),
        at(-1.0, 6.0),
        at(-1.7, 3.0),
        at(-1.1, 0.9),
        opacity=opacity,
    )


def _leg_shapes(leg: LegPoints, opacity: float, arch_lift: float) -> list[_Shape]:
    return [
        _line(leg.hip, leg.knee, leg.ankle, width=7.0, opacity=opacity),
        _foot(leg, opacity, arch_lift),
    ]


def _body(figure: Figure, pose: Pose) -> list[_Shape]:
    shapes = _leg_shapes(figure.far, 0.4, pose.far_leg.arch)
    shapes += [
        _line(figure.hip, figure.shoulder, width=10.0),
        _circle(figure.head, SEGMENTS["head"]),
    ]
    shapes += _leg_shapes(figure.near, 1.0, pose.near.arch)
    shapes.append(_line(figure.shoulder, figure.elbow, figure.hand, width=5.5))
    return shapes


# ---------------------------------------------------------------------- props


def _props(figure: Figure, pose: Pose, props: Iterable[str]) -> tuple[list[_Shape], list[_Shape]]:
    """Shapes drawn behind the figure and in front of it."""
    behind: list[_Shape] = []
    front: list[_Shape] = []
    near = figure.near
    for prop in props:
        if prop in ("step", "seated_calf_machine") and figure.step_edge is not None:
            edge = figure.step_edge
            behind.append(_rect(Point(edge, 0.0), Point(edge + 40.0, STEP_HEIGHT), fill=0.2))
        wall_top = max(figure.shoulder.y, figure.hand.y) + 20.0
        if prop == "wall":
            x = figure.hand.x + 1.0
            behind.append(_rect(Point(x, 0.0), Point(x + 5.0, wall_top), fill=0.25, opacity=0.6))
        elif prop == "wall_back":
            x = min(figure.hip.x, figure.shoulder.x, figure.head.x - SEGMENTS["head"])
            behind.append(_rect(Point(x - 5.0, 0.0), Point(x, wall_top), fill=0.25, opacity=0.6))
        elif prop == "chair":
            behind += _chair(figure)
        elif prop == "dumbbell":
            hand = figure.hand
            front.append(_line(hand + Point(0.0, 4.0), hand + Point(0.0, -4.0), width=3.0))
            front.append(_circle(hand + Point(0.0, -1.0), 5.5, fill=0.55))
        elif prop == "backpack":
            behind.append(_backpack(figure))
        elif prop == "barbell":
            back = _normal(_unit(figure.shoulder - figure.hip))  # points backward
            centre = figure.shoulder + back.scaled(6.0) + Point(0.0, -3.0)
            front.append(_circle(centre, 12.0, fill=0.3, opacity=0.9))
            front.append(_circle(centre, 2.0))
        elif prop == "seated_calf_machine":
            behind += _calf_machine(figure)
        elif prop == "leg_press":
            behind += _leg_press(figure)
        elif prop == "jump_rope":
            front.append(_rope(figure, pose))
        elif prop == "towel":  # flat on the floor, from under the toes forward
            x = near.ball.x + 2.0
            behind.append(_rect(Point(x, 0.0), Point(x + 38.0, 2.0), fill=0.5))
        elif prop == "towel_bunched":  # gathered up under the toes
            x = near.ball.x - 1.0
            behind.append(
                _poly(
                    Point(x, 0.0),
                    Point(x + 3.0, 3.5),
                    Point(x + 8.0, 5.5),
                    Point(x + 13.0, 4.5),
                    Point(x + 16.0, 6.0),
                    Point(x + 20.0, 0.0),
                    fill=0.5,
                    opacity=0.9,
                )
            )
        elif prop == "towel_roll":
            base = figure.support if figure.step_edge is not None else 0.0
            centre = Point(near.ball.x + 3.5, base + 3.5)
            behind.append(_circle(centre, 3.5, fill=0.35, opacity=0.9))
        elif prop == "band_foot":
            instep = near.ball + (near.ankle - near.ball).scaled(0.45)
            post = max(near.toe.x, instep.x) + 38.0
            behind.append(_rect(Point(post, 0.0), Point(post + 4.0, 40.0), fill=0.3))
            front.append(_line(instep, Point(post, instep.y + 1.0), width=2.5, opacity=0.9))
        elif prop == "band_toe":
            front.append(_line(near.toe, figure.hand, width=2.0, opacity=0.9))
        elif prop == "band_anchor":
            post = figure.hand.x + 40.0
            behind.append(_rect(Point(post, 0.0), Point(post + 4.0, figure.hand.y + 15), 0.3))
            front.append(_line(figure.hand, Point(post, figure.hand.y), width=2.5, opacity=0.9))
        elif prop == "ball":  # on the floor under the arch (a foot lifted onto it rolls it)
            arch = near.heel + (near.ball - near.heel).scaled(0.5)
            behind.append(_circle(Point(arch.x, 4.0), 4.0, fill=0.3, opacity=0.9))
    return behind, front


def _chair(figure: Figure) -> list[_Shape]:
    hip = figure.hip
    seat = hip.y - 9.0
    if seat < 8.0:  # sitting on the floor: no chair to draw
        return []
    back, front = hip.x - 22.0, hip.x + 12.0
    return [
        _rect(Point(back, seat - 3.0), Point(front, seat), fill=0.35),
        _line(Point(back + 2, seat - 3), Point(back + 2, 0.0), width=2.5, opacity=0.7),
        _line(Point(front - 2, seat - 3), Point(front - 2, 0.0), width=2.5, opacity=0.7),
        _line(Point(back + 1, seat), Point(back - 2, seat + 42.0), width=3.0, opacity=0.7),
    ]


def _backpack(figure: Figure) -> _Shape:
    trunk = _unit(figure.shoulder - figure.hip)
    back = _normal(trunk)  # a quarter turn anticlockwise from up: backward
    low = figure.hip + trunk.scaled(14.0) + back.scaled(5.0)
    high = figure.hip + trunk.scaled(46.0) + back.scaled(5.0)
    return _poly(
        low,
        high,
        high + back.scaled(11.0),
        low + back.scaled(13.0),
        fill=0.35,
        opacity=0.9,
        width=2.0,
    )


def _calf_machine(figure: Figure) -> list[_Shape]:
    knee = figure.near.knee
    pad_low = knee + Point(-16.0, 5.0)
    pad = _rect(pad_low, pad_low + Point(14.0, 7.0), fill=0.45, opacity=0.9)
    column_x = knee.x + 22.0
    arm = _line(
        pad_low + Point(14.0, 4.0),
        Point(column_x, pad_low.y + 4.0),
        Point(column_x, 0.0),
        width=3.0,
        opacity=0.7,
    )
    return [pad, arm, *_chair(figure)]


def _leg_press(figure: Figure) -> list[_Shape]:
    near = figure.near
    axis = _unit(near.ankle - near.hip)  # along the legs, toward the platform
    across = _normal(axis)
    if across.y < 0:
        across = across.scaled(-1.0)  # up the platform
    platform_low = near.ball + across.scaled(-2.0) + axis.scaled(1.5)
    platform_high = near.ball + across.scaled(30.0) + axis.scaled(1.5)
    thick = axis.scaled(5.0)
    trunk = _unit(figure.shoulder - figure.hip)
    back = _normal(trunk)
    rest_low = figure.hip + back.scaled(7.0) + trunk.scaled(-6.0)
    rest_high = figure.shoulder + back.scaled(7.0) + trunk.scaled(8.0)
    seat_bottom = Point(figure.hip.x + 6.0, figure.hip.y - 9.0)
    rail_start = platform_low + platform_high
    rail_mid = rail_start.scaled(0.5) + thick
    return [
        _poly(
            platform_low,
            platform_high,
            platform_high + thick,
            platform_low + thick,
            fill=0.45,
            opacity=0.9,
            width=2.0,
        ),
        _line(rest_low, rest_high, width=5.0, opacity=0.6),
        _line(rest_low, seat_bottom, width=5.0, opacity=0.6),
        _line(seat_bottom, Point(seat_bottom.x, 0.0), width=3.0, opacity=0.6),
        _line(rail_mid, rail_mid + axis.scaled(14.0), width=3.0, opacity=0.6),
        _line(Point(rest_low.x - 10.0, 0.0), Point(near.toe.x + 30.0, 0.0), width=3, opacity=0.6),
    ]


def _rope(figure: Figure, pose: Pose) -> _Shape:
    hand = figure.hand
    near = figure.near
    if pose.air > 0:  # the rope passes under the feet
        low = min(near.lowest(), figure.far.lowest()) - 3.0
        return _curve(
            hand,
            hand + Point(26.0, -25.0),
            Point(near.toe.x + 22.0, low),
            Point(near.ball.x - 6.0, low),
            Point(near.heel.x - 26.0, low),
            Point(figure.hip.x - 34.0, hand.y - 24.0),
            hand,
        )
    top = figure.head.y + SEGMENTS["head"] + 18.0
    return _curve(
        hand,
        hand + Point(34.0, 30.0),
        Point(figure.head.x + 34.0, top),
        Point(figure.head.x, top),
        Point(figure.head.x - 36.0, top),
        Point(figure.hip.x - 36.0, hand.y + 34.0),
        hand,
    )


def _motion(figure: Figure, spot: str, direction: str) -> list[_Shape]:
    """A motion arrow beside ``spot``: 16 cm long, pointing ``direction``."""
    near = figure.near
    anchor = {
        "heel": near.heel + Point(-9.0, 6.0),
        "toes": near.toe + Point(6.0, 7.0),
        "ball": near.ball + Point(1.0, 14.0),
        "knee": near.knee + Point(9.0, 4.0),
        "hip": figure.hip + Point(-14.0, 0.0),
        "head": figure.head + Point(-20.0, 0.0),
        "hands": figure.hand + Point(0.0, 9.0),
        "foot": near.ankle + Point(6.0, 12.0),
    }[spot]
    if direction == "around":
        r = 7.0
        points = [
            anchor + Point(r * math.cos(math.radians(a)), r * math.sin(math.radians(a)))
            for a in range(-60, 250, 20)
        ]
        tip, before = points[-1], points[-2]
        return [_line(*points, width=2.2, opacity=0.85), _arrowhead(before, tip)]
    step = {"up": Point(0, 1), "down": Point(0, -1), "forward": Point(1, 0), "back": Point(-1, 0)}
    vector = step[direction].scaled(16.0)
    start = anchor - vector.scaled(0.5)
    tip = anchor + vector.scaled(0.5)
    return [_line(start, tip, width=2.2, opacity=0.85), _arrowhead(start, tip)]


def _arrowhead(start: Point, tip: Point, size: float = 5.0) -> _Shape:
    along = _unit(tip - start)
    side = _normal(along)
    base = tip - along.scaled(size)
    return _poly(
        tip + along.scaled(1.5),
        base + side.scaled(size * 0.6),
        base - side.scaled(size * 0.6),
        opacity=0.85,
        width=1.0,
    )


# ---------------------------------------------------------------------- layout


def _bounds(shapes: Iterable[_Shape]) -> tuple[float, float, float, float]:
    xs: list[float] = []
    ys: list[float] = []
    for shape in shapes:
        pad = shape.size if shape.kind == "circle" else 0.0
        for p in shape.points:
            xs += [p.x - pad, p.x + pad]
            ys += [p.y - pad, p.y + pad]
    return min(xs), min(ys), max(xs), max(ys)


def _panel_shapes(illustration: Illustration, number: int, pose: Pose) -> list[_Shape]:
    figure = pose_figure(pose)
    behind, front = _props(figure, pose, illustration.props_of(pose))
    shapes = behind + _body(figure, pose) + front
    motion = illustration.motion
    if motion is not None and motion.pose == number:
        shapes += _motion(figure, motion.at, motion.direction)
    return shapes


def render_svg(exercise: Exercise, *, width: int = DEFAULT_WIDTH) -> str:
    """The exercise's illustration as a standalone SVG document (see the module).

    ``width`` is the drawing's width in CSS pixels (its height follows the aspect ratio);
    ``InputError`` when the exercise has no illustration or the width is out of range."""
    if exercise.illustration is None:
        raise InputError(f"exercise {exercise.id!r}: no illustration in the catalog")
    if isinstance(width, bool) or not isinstance(width, int) or not 120 <= width <= 4000:
        raise InputError(f"width: {width!r} is out of range; allowed: 120 to 4000 pixels")
    illustration = exercise.illustration
    poses = illustration.poses
    panels = [
        _panel_shapes(illustration, number, pose) for number, pose in enumerate(poses, start=1)
    ]
    count = len(panels)
    panel_w = (_VIEW_W - 2 * _MARGIN - _GAP * (count - 1)) / count
    boxes = [_bounds(shapes) for shapes in panels]
    top = max(max(box[3] for box in boxes), 1.0)
    bottom = min(0.0, min(box[1] for box in boxes))
    widest = max(box[2] - box[0] for box in boxes)
    tallest = top - bottom
    radius = _inset_radius(panel_w)
    scale = min(panel_w * 0.94 / widest, _MAX_FIGURE_H / tallest, _MAX_SCALE)
    used_h = tallest * scale
    floor_y = _MARGIN + top * scale
    row_top = floor_y + 6.0  # the close-ups of the feet, in a row under the figures
    zoom = min(_close_up_zoom(pose, radius) for pose in poses)  # one scale: comparable
    label_y = row_top + 2 * radius + 17.0
    view_h = round(label_y + _LABEL_H - 12.0)

    title_id = f"ill-{exercise.id}-title"
    desc_id = f"ill-{exercise.id}-desc"
    height = round(width * view_h / _VIEW_W)
    out = [
        '<svg xmlns="http://www.w3.org/2000/svg" version="1.1" role="img"'
        f' width="{width}" height="{height}" viewBox="0 0 {_num(_VIEW_W)} {view_h}"'
        f' aria-labelledby="{title_id} {desc_id}" class="exercise-illustration"'
        ' fill="none" stroke="currentColor" stroke-linecap="round" stroke-linejoin="round">',
        f'<title id="{title_id}">{escape(exercise.name)}</title>',
        f'<desc id="{desc_id}">{escape(describe(exercise, illustration))}</desc>',
        # Opened on its own (not inlined in a page), follow the browser's colour scheme.
        "<style>@media (prefers-color-scheme: dark){:root:where(svg){color:#e6e6e6}}</style>",
    ]
    for index, (pose, shapes, box) in enumerate(zip(poses, panels, boxes, strict=True)):
        left = _MARGIN + index * (panel_w + _GAP)
        centre_x = left + panel_w / 2
        offset_x = centre_x - (box[0] + box[2]) / 2 * scale

        def at(p: Point, ox: float = offset_x) -> tuple[float, float]:
            return ox + p.x * scale, floor_y - p.y * scale

        clip_id = f"ill-{exercise.id}-foot-{index + 1}"
        row = (left, row_top, left + panel_w)
        inset = _inset(pose, shapes, at, row, radius, zoom, clip_id)
        out.append(f'<g aria-hidden="true" data-pose="{index + 1}">')
        out.append(
            f'<line x1="{_num(left)}" y1="{_num(floor_y)}" x2="{_num(left + panel_w)}"'
            f' y2="{_num(floor_y)}" stroke-width="2" opacity="0.6"/>'
        )
        out.extend(_svg(shape, at, scale) for shape in shapes)
        out.extend(inset)
        out.extend(_label(index + 1, pose.label, centre_x, label_y, panel_w))
        out.append("</g>")
        if index < count - 1:
            out.append(_between(left + panel_w, floor_y - used_h * 0.5))
    out.append("</svg>")
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------------- the foot, magnified


def _inset(
    pose: Pose,
    shapes: Sequence[_Shape],
    at: _At,
    row: tuple[float, float, float],
    radius: float,
    zoom: float,
    clip_id: str,
) -> list[str]:
    """A round close-up of the near foot (two to three times the figure's scale) under it,
    so the heel's height reads on a phone. It draws the panel's own shapes (foot, floor or
    step, towel...) clipped to the circle."""
    left, top, right = row
    foot = _close_up_points(pose)
    low_x, high_x = min(p.x for p in foot), max(p.x for p in foot)
    low_y, high_y = min(p.y for p in foot), max(p.y for p in foot)
    middle = Point((low_x + high_x) / 2, (low_y + high_y) / 2 + 3.0)

    under = at(middle)[0]
    centre = Point(min(max(under, left + radius + 1.0), right - radius - 1.0), top + radius)

    def close(p: Point) -> tuple[float, float]:
        return centre.x + (p.x - middle.x) * zoom, centre.y - (p.y - middle.y) * zoom

    floor = _line(Point(middle.x - 200.0, 0.0), Point(middle.x + 200.0, 0.0), width=2.0)
    c = f'cx="{_num(centre.x)}" cy="{_num(centre.y)}" r="{_num(radius)}"'
    return [
        f'<clipPath id="{clip_id}"><circle {c}/></clipPath>',
        f'<g clip-path="url(#{clip_id})">',
        _svg(floor, close, zoom),
        *(_svg(shape, close, zoom) for shape in shapes),
        "</g>",
        f'<circle {c} stroke-width="1.5" opacity="0.7"/>',
    ]


def _inset_radius(panel_w: float) -> float:
    return min(42.0, panel_w * 0.32)


def _close_up_points(pose: Pose) -> tuple[Point, ...]:
    """What a close-up must show: the near foot and ankle; in a hop's flight, the floor too."""
    near = pose_figure(pose).near
    foot = (near.heel, near.ball, near.toe, near.ankle)
    return (*foot, Point(near.ball.x, 0.0)) if pose.air else foot


def _close_up_zoom(pose: Pose, radius: float) -> float:
    """px per cm that fits the near foot (heel, ball, toes, ankle) in a close-up."""
    foot = _close_up_points(pose)
    wide = max(p.x for p in foot) - min(p.x for p in foot)
    high = max(p.y for p in foot) - min(p.y for p in foot)
    return (2 * radius - 16.0) / max(wide, high + 6.0, 22.0)


def _svg(shape: _Shape, at: _At, scale: float) -> str:
    style = []
    if shape.opacity < 1:
        style.append(f' opacity="{_num(shape.opacity)}"')
    if shape.fill:
        style.append(f' fill="currentColor" fill-opacity="{shape.fill:g}"')
    extra = "".join(style)
    if shape.kind == "circle":
        x, y = at(shape.points[0])
        return (
            f'<circle cx="{_num(x)}" cy="{_num(y)}" r="{_num(shape.size * scale)}"'
            f' stroke-width="1.5"{extra}/>'
        )
    if shape.kind == "rect":
        (x1, y1), (x2, y2) = at(shape.points[0]), at(shape.points[1])
        return (
            f'<rect x="{_num(min(x1, x2))}" y="{_num(min(y1, y2))}" width="{_num(abs(x2 - x1))}"'
            f' height="{_num(abs(y2 - y1))}" rx="1.5" stroke-width="{_num(shape.size)}"{extra}/>'
        )
    coords = [at(p) for p in shape.points]
    if shape.kind == "curve":
        head = f"M{_num(coords[0][0])} {_num(coords[0][1])}"
        rest = " ".join(f"{_num(x)} {_num(y)}" for x, y in coords[1:])
        return f'<path d="{head} C{rest}" stroke-width="{_num(shape.size)}"{extra}/>'
    points = " ".join(f"{_num(x)},{_num(y)}" for x, y in coords)
    tag = "polygon" if shape.kind == "poly" else "polyline"
    return f'<{tag} points="{points}" stroke-width="{_num(shape.size)}"{extra}/>'


def _label(number: int, text: str, centre_x: float, y: float, panel_w: float) -> list[str]:
    """The pose's number and label under it, wrapped to the panel's width."""
    limit = max(10, int(panel_w / 6.6))
    words = f"{number}. {text}".split()
    lines = [" ".join(words)]
    if len(lines[0]) > limit:  # two lines of about the same length
        cut = min(
            range(1, len(words)),
            key=lambda i: max(len(" ".join(words[:i])), len(" ".join(words[i:]))),
        )
        lines = [" ".join(words[:cut]), " ".join(words[cut:])]
    return [
        f'<text x="{_num(centre_x)}" y="{_num(y + 15.0 * i)}" text-anchor="middle"'
        f' font-family="system-ui, sans-serif" font-size="13" fill="currentColor"'
        f' stroke="none">{escape(line)}</text>'
        for i, line in enumerate(lines[:2])
    ]


def _between(x: float, y: float) -> str:
    """The arrow from one pose to the next."""
    start, end = x + 5.0, x + _GAP - 5.0
    return (
        f'<path aria-hidden="true" d="M{_num(start)} {_num(y)} H{_num(end - 2)}'
        f' M{_num(end - 8)} {_num(y - 6)} L{_num(end)} {_num(y)} L{_num(end - 8)} {_num(y + 6)}"'
        ' stroke-width="3"/>'
    )
