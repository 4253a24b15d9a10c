"""Watch workouts (issue 10, item 4): a strength session as a FIT workout file, and a FIT
strength activity (the watch's set messages and jump count) as logged sets.

Written and read with Garmin's ``garmin-fit-sdk`` (its Python encoder is new in the 21.2xx
releases). The workout is unrolled: one step per set (and per side for a per-side
prescription) with its reps, time, distance or contacts, then a rest step; no repeat steps,
so every watch shows the same thing and a set message's ``wkt_step_index`` points back to one
set of one prescription (``workout_steps`` is that map, for export and import alike).

Exercise categories: heel raises are ``calf_raise`` (with the closest FIT exercise name where
one exists), rope skipping ``cardio/jump_rope``, hops ``plyo``, the mini-squat and the wall sit
``squat``; foot and balance work has no FIT category and goes by its step name. A logged set
for a set message without a workout step is matched back by category and name; a set the
catalog cannot place is reported, not guessed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from garmin_fit_sdk import Encoder, Profile

from calfcoach.core.models import Exercise, LoggedSet, Prescription, Session, Side
from calfcoach.formats.activities.common import ActivityFileError
from calfcoach.formats.activities.fit import decode, file_type

__all__ = [
    "FIT_EXERCISES",
    "StrengthImport",
    "WorkoutStep",
    "read_strength_activity",
    "session_to_fit",
    "workout_steps",
]

MESG = Profile["mesg_num"]
NAME_MAX = 50  # Garmin shows about this much of a step name
NOTES_MAX = 200
JUMP_CONTACTS = 2  # R-SCH-3: a two-foot jump is 2 contacts (a watch cannot tell one-foot skips)

# catalog id -> (FIT exercise category, FIT exercise name or None, the name with load or None)
FIT_EXERCISES: dict[str, tuple[str, str | None, str | None]] = {
    "single-leg-calf-raise": (
        "calf_raise",
        "single_leg_standing_calf_raise",
        "single_leg_standing_dumbbell_calf_raise",
    ),
    "straight-knee-heel-raise": (
        "calf_raise",
        "standing_calf_raise",
        "weighted_standing_calf_raise",
    ),
    "straight-knee-heel-raise-leg-press": ("calf_raise", None, None),
    "bent-knee-heel-raise": (
        "calf_raise",
        "single_leg_bent_knee_calf_raise",
        "weighted_single_leg_bent_knee_calf_raise",
    ),
    "bent-knee-heel-raise-leg-press": ("calf_raise", None, None),
    "seated-soleus-raise": ("calf_raise", "seated_calf_raise", "weighted_seated_calf_raise"),
    "eccentric-heel-drop": ("calf_raise", "single_leg_standing_calf_raise", None),
    "heavy-slow-heel-raise": ("calf_raise", "standing_calf_raise", "weighted_standing_calf_raise"),
    "heavy-slow-bent-knee-heel-raise": (
        "calf_raise",
        "single_leg_bent_knee_calf_raise",
        "weighted_single_leg_bent_knee_calf_raise",
    ),
    "high-load-heel-raise-towel": (
        "calf_raise",
        "single_leg_standing_calf_raise",
        "single_leg_standing_dumbbell_calf_raise",
    ),
    "high-load-heel-raise-towel-flat": (
        "calf_raise",
        "single_leg_standing_calf_raise",
        "single_leg_standing_dumbbell_calf_raise",
    ),
    "isometric-heel-raise-hold": ("calf_raise", None, None),
    "bent-knee-isometric-heel-raise-hold": ("calf_raise", None, None),
    "two-leg-heel-raise": ("calf_raise", "standing_calf_raise", "weighted_standing_calf_raise"),
    "two-leg-bent-knee-heel-raise": ("calf_raise", None, None),
    "two-leg-heel-raise-hold": ("calf_raise", None, None),
    "two-leg-bent-knee-heel-raise-hold": ("calf_raise", None, None),
    "tip-toe-walking": ("calf_raise", None, None),
    "jump-rope": ("cardio", "jump_rope", "weighted_jump_rope"),
    "pogo-hops": ("plyo", None, None),
    "single-leg-hops": ("plyo", None, None),
    "one-leg-mini-squat": (
        "squat",
        "partial_single_leg_squat",
        "weighted_partial_single_leg_squat",
    ),
    "soleus-wall-sit": ("squat", "body_weight_wall_squat", "weighted_wall_squat"),
}


def _type_value(type_name: str, name: str) -> int:
    for number, value in Profile["types"][type_name].items():
        if value == name:
            return int(number)
    raise KeyError(f"{name!r} is not a FIT {type_name}")


def _fit_exercise(exercise_id: str, loaded: bool) -> tuple[str | None, int | None]:
    entry = FIT_EXERCISES.get(exercise_id)
    if entry is None:
        return None, None
    category, name, loaded_name = entry
    chosen = loaded_name if loaded and loaded_name else name
    if chosen is None:
        return category, None
    return category, _type_value(f"{category}_exercise_name", chosen)


@dataclass(frozen=True, slots=True)
class WorkoutStep:
    """One step of the unrolled workout. ``prescription`` indexes the session's exercises;
    rest steps have ``set_number`` 0."""

    index: int
    prescription: int
    set_number: int
    side: Side
    rest: bool


def workout_steps(session: Session) -> list[WorkoutStep]:
    """Every step, in order: for each prescription, each set (each side), then a rest
    (none after the very last set)."""
    steps: list[WorkoutStep] = []
    blocks = session.exercises
    for p_index, p in enumerate(blocks):
        sides: tuple[Side, ...] = ("left", "right") if p.per_side else ("both",)
        for set_number in range(1, p.sets + 1):
            for side in sides:
                steps.append(WorkoutStep(len(steps), p_index, set_number, side, False))
            last = p_index == len(blocks) - 1 and set_number == p.sets
            if not last and p.rest_seconds > 0:
                steps.append(WorkoutStep(len(steps), p_index, 0, "both", True))
    return steps


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _dose(p: Prescription) -> tuple[str, int, str]:
    """FIT duration type, its raw value, and the dose in words."""
    if p.reps is not None:
        return "reps", p.reps, f"{p.reps} reps"
    if p.contacts is not None:
        return "reps", p.contacts, f"{p.contacts} contacts"
    if p.seconds is not None:
        return "time", p.seconds * 1000, f"{p.seconds} s"  # duration_time: ms
    if p.distance_m is not None:
        return "distance", round(p.distance_m * 100), f"{p.distance_m:g} m"  # cm
    return "open", 0, "as prescribed"


def session_to_fit(session: Session, catalog: Mapping[str, Exercise]) -> bytes:
    """The session as a FIT workout file. The same session gives the same bytes (the file's
    time is the session's date at 00:00 UTC, its serial number a hash of date and title)."""
    if session.status == "stopped" or not session.exercises:
        raise ValueError(f"session of {session.date} has no exercises to export")
    created = dt.datetime.combine(session.date, dt.time(0, 0), tzinfo=dt.UTC)
    key = f"{session.date.isoformat()}\x1f{session.title}".encode()
    serial = int.from_bytes(hashlib.sha256(key).digest()[:4], "big") or 1
    steps = workout_steps(session)
    encoder = Encoder()
    encoder.write_mesg(
        {
            "mesg_num": MESG["FILE_ID"],
            "type": "workout",
            "manufacturer": "development",
            "product": 0,
            "serial_number": serial,
            "time_created": created,
        }
    )
    encoder.write_mesg(
        {
            "mesg_num": MESG["WORKOUT"],
            "sport": "training",
            "sub_sport": "strength_training",
            "num_valid_steps": len(steps),
            "wkt_name": _clip(session.title or f"Strength {session.date}", NAME_MAX),
        }
    )
    titles: dict[tuple[str, int], str] = {}
    for step in steps:
        p = session.exercises[step.prescription]
        exercise = catalog.get(p.exercise)
        name = exercise.name if exercise is not None else p.exercise
        message: dict[str, Any] = {"mesg_num": MESG["WORKOUT_STEP"], "message_index": step.index}
        if step.rest:
            message.update(
                wkt_step_name="Rest",
                duration_type="time",
                duration_value=p.rest_seconds * 1000,
                target_type="open",
                intensity="rest",
            )
        else:
            duration_type, value, words = _dose(p)
            side = "" if step.side == "both" else f", {step.side}"
            category, fit_name = _fit_exercise(p.exercise, bool(p.added_load_kg))
            message.update(
                wkt_step_name=_clip(f"{name}{side}", NAME_MAX),
                duration_type=duration_type,
                duration_value=value,
                target_type="open",
                intensity="active",
                notes=_clip(
                    f"Set {step.set_number} of {p.sets}: {words}"
                    + (f", tempo {p.tempo}" if p.tempo else ""),
                    NOTES_MAX,
                ),
            )
            if category is not None:
                message["exercise_category"] = category
            if fit_name is not None:
                message["exercise_name"] = fit_name
                titles.setdefault((category or "", fit_name), _clip(name, NAME_MAX))
            if p.added_load_kg:
                message["exercise_weight"] = p.added_load_kg
                message["weight_display_unit"] = "kilogram"
        encoder.write_mesg(message)
    for index, ((category, fit_name), title) in enumerate(sorted(titles.items())):
        encoder.write_mesg(
            {
                "mesg_num": MESG["EXERCISE_TITLE"],
                "message_index": index,
                "exercise_category": category,
                "exercise_name": fit_name,
                "wkt_step_name": title,
            }
        )
    return encoder.close()


# --------------------------------------------------------------------------- strength activity


@dataclass(frozen=True, slots=True)
class StrengthImport:
    """What a FIT strength activity logged: sets the catalog places, and the rest, each
    with its reason."""

    date: dt.date
    sets: tuple[LoggedSet, ...]
    unmatched: tuple[str, ...]
    jump_count: int | None


def _reverse_table() -> dict[tuple[str, int | None], str]:
    table: dict[tuple[str, int | None], str] = {}
    for exercise_id, (category, name, loaded) in FIT_EXERCISES.items():
        for fit_name in (name, loaded):
            if fit_name is not None:
                key = (category, _type_value(f"{category}_exercise_name", fit_name))
                table.setdefault(key, exercise_id)
    return table


def _first(value: object) -> object:
    return value[0] if isinstance(value, list) and value else value


def read_strength_activity(
    source: str,
    data: bytes,
    catalog: Mapping[str, Exercise] | None = None,
    workout: Session | None = None,
) -> StrengthImport:
    """The sets of a FIT strength activity (``set`` messages of type active: reps, weight,
    duration, category) and its jump count, as logged sets. With ``workout`` (the session
    the file was exported from), a set's workout step names its exercise, set and side; the
    exercise's unit in ``catalog`` says whether the watch's count is reps or contacts (D-26:
    a set is measured in its exercise's unit)."""
    messages = decode(source, data)
    kind = file_type(messages)
    if kind not in (None, "activity"):
        raise ActivityFileError(source, f"a FIT {kind} file, not an activity")
    sessions = messages.get("session_mesgs", [])
    start = next(
        (s.get("start_time") for s in sessions if isinstance(s.get("start_time"), dt.datetime)),
        None,
    )
    set_messages = [s for s in messages.get("set_mesgs", []) if s.get("set_type") in ("active", 1)]
    if start is None:
        times = [s.get("start_time") or s.get("timestamp") for s in set_messages]
        start = next((t for t in times if isinstance(t, dt.datetime)), None)
    if start is None:
        raise ActivityFileError(source, "FIT file has no start time (no session and no sets)")
    offset = 0
    activity = (messages.get("activity_mesgs") or [{}])[0]
    local = activity.get("local_timestamp")
    if isinstance(local, int | float) and isinstance(activity.get("timestamp"), dt.datetime):
        fit_epoch = dt.datetime(1989, 12, 31, tzinfo=dt.UTC)
        offset = round(
            (fit_epoch + dt.timedelta(seconds=local) - activity["timestamp"]).total_seconds()
        )
        offset = offset if abs(offset) <= 14 * 3600 else 0
    day = (start + dt.timedelta(seconds=offset)).date()
    steps = workout_steps(workout) if workout is not None else []
    reverse = _reverse_table()
    logged: list[LoggedSet] = []
    unmatched: list[str] = []
    counts: dict[tuple[str, Side], int] = {}
    for number, message in enumerate(set_messages, start=1):
        reps = _int(message.get("repetitions"), 1, 1000)
        seconds = _number(message.get("duration"))
        weight = _number(message.get("weight"))
        exercise_id: str | None = None
        side: Side = "both"
        set_number: int | None = None
        step_index = _int(message.get("wkt_step_index"), 0, 65533)
        prescription: Prescription | None = None
        if workout is not None and step_index is not None and step_index < len(steps):
            step = steps[step_index]
            if not step.rest:
                prescription = workout.exercises[step.prescription]
                exercise_id, side, set_number = prescription.exercise, step.side, step.set_number
        if exercise_id is None:
            category = _first(message.get("category"))
            subtype = _first(message.get("category_subtype"))
            name = subtype if isinstance(subtype, int) else None
            if isinstance(category, str):
                exercise_id = reverse.get((category, name))
            if exercise_id is None:
                unmatched.append(
                    f"set {number}: exercise {category!r}/{subtype!r} is not one the catalog "
                    "can place; log it by hand"
                )
                continue
        key = (exercise_id, side)
        counts[key] = counts.get(key, 0) + 1
        unit = _unit(exercise_id, catalog, prescription, reps)
        if unit in ("reps", "contacts") and reps is None:
            unmatched.append(f"set {number}: {exercise_id} without a count of {unit}")
            continue
        if unit == "seconds" and not seconds:
            unmatched.append(f"set {number}: {exercise_id} without a duration")
            continue
        if unit == "distance":
            unmatched.append(f"set {number}: {exercise_id} is dosed in metres; log it by hand")
            continue
        logged.append(
            LoggedSet(
                date=day,
                exercise=exercise_id,
                set_number=set_number or counts[key],
                reps=reps if unit == "reps" else None,
                contacts=reps if unit == "contacts" else None,
                seconds=round(seconds) if unit == "seconds" and seconds else None,
                load_kg=round(weight, 2) if weight else None,
                side=side,
            )
        )
    jumps = next(
        (j for s in sessions if (j := _int(s.get("jump_count"), 1, 100_000)) is not None),
        None,
    )
    if jumps is not None and not any(s.exercise == "jump-rope" for s in logged):
        logged.append(
            LoggedSet(date=day, exercise="jump-rope", set_number=1, contacts=jumps * JUMP_CONTACTS)
        )
    if not logged and not unmatched:
        raise ActivityFileError(source, "FIT file holds no strength sets and no jump count")
    return StrengthImport(day, tuple(logged), tuple(unmatched), jumps)


def _unit(
    exercise_id: str,
    catalog: Mapping[str, Exercise] | None,
    prescription: Prescription | None,
    reps: int | None,
) -> str:
    exercise = catalog.get(exercise_id) if catalog is not None else None
    if exercise is not None:
        return exercise.unit
    if prescription is not None:
        for unit, value in (
            ("reps", prescription.reps),
            ("contacts", prescription.contacts),
            ("seconds", prescription.seconds),
            ("distance", prescription.distance_m),
        ):
            if value is not None:
                return unit
    return "reps" if reps is not None else "seconds"


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
        return None
    return float(value)


def _int(value: object, low: int, high: int) -> int | None:
    number = _number(value)
    if number is None or not low <= number <= high:
        return None
    return int(number)
