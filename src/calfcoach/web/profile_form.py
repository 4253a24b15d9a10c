"""The profile questions as a form (onboarding and the Profile page): the same questions as
``calfcoach init``, validated by the same model (``profile_io.profile_from_data`` over the
core ``Profile``), so a value the CLI refuses is refused here with the same words.

A form sends text: numbers are passed on as numbers when they read as one and as the text
otherwise, so the profile model names the field and what is allowed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from calfcoach.core.models import COMPLAINTS, DAYS, EQUIPMENT, LEVELS, Profile

__all__ = [
    "PROFILE_FIELDS",
    "ProfileForm",
    "choices",
    "profile_values",
    "read_profile_form",
]

RUN_KINDS = ("easy", "hard", "long")


def choices() -> dict[str, tuple[str, ...]]:
    """The vocabularies the form offers (the profile contract's)."""
    return {
        "levels": LEVELS,
        "equipment": EQUIPMENT,
        "days": DAYS,
        "complaints": COMPLAINTS,
        "run_kinds": RUN_KINDS,
    }


def _number(text: str) -> int | float | str | None:
    text = text.strip().replace(",", ".")
    if not text:
        return None
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


def _yes_no(text: str) -> bool | str:
    answer = text.strip().lower()
    if answer in ("yes", "y", "true", "on"):
        return True
    if answer in ("", "no", "n", "false"):
        return False
    return text.strip()


_RACE = re.compile(r"^\s*(\S+?)(?:\s*:\s*(\S+))?\s*$")


@dataclass(frozen=True, slots=True)
class ProfileForm:
    data: dict[str, Any]
    """The profile data for ``profile_from_data``."""
    errors: dict[str, str]
    """Fields that could not even be read (a race without its distance after ':')."""


def read_profile_form(form: Mapping[str, Any], lists: Mapping[str, list[str]]) -> ProfileForm:
    """The answers of the profile form as profile data. ``lists``: the multi-valued fields
    (checkboxes: equipment, free_days, complaints)."""
    errors: dict[str, str] = {}
    data: dict[str, Any] = {}
    text = {key: str(value) for key, value in form.items()}
    if text.get("name", "").strip():
        data["name"] = text["name"].strip()
    for key in ("sex",):
        if text.get(key, "").strip():
            data[key] = text[key].strip().lower()
    for key in ("birth_year", "body_mass_kg", "sessions_per_week", "session_minutes", "usual_pain"):
        value = _number(text.get(key, ""))
        if value is not None:
            data[key] = value
    data["level"] = text.get("level", "").strip().lower() or None
    for key in ("equipment", "free_days", "complaints"):
        data[key] = [item.strip().lower() for item in lists.get(key, []) if item.strip()]
    runs = []
    for day in DAYS:
        kind = text.get(f"run_{day}", "").strip().lower()
        if kind and kind != "none":
            runs.append({"day": day, "kind": kind})
    data["runs"] = runs
    races: list[Any] = []
    for index, item in enumerate(
        part for part in re.split(r"[,\n;]", text.get("races", "")) if part.strip()
    ):
        match = _RACE.match(item)
        if match is None:
            # Not one date (two words, say): given to the profile's check as it is, which
            # refuses it at the races question; never dropped without a word.
            races.append(item.strip())
            continue
        date, km = match.group(1), match.group(2)
        if km is None:
            races.append(date)
            continue
        distance = _number(km.lower().removesuffix("km"))
        if not isinstance(distance, int | float):
            errors["races"] = (
                f"races[{index}]: {item.strip()!r} has no distance after ':'; allowed: "
                "YYYY-MM-DD or YYYY-MM-DD:KM, e.g. 2027-04-12:42.2"
            )
            continue
        races.append({"date": date, "distance_km": float(distance)})
    data["races"] = races
    for key in ("bone_stress_history", "missed_periods"):
        data[key] = _yes_no(text.get(key, ""))
    data["units"] = text.get("units", "metric").strip().lower() or "metric"
    return ProfileForm(data, errors)


PROFILE_FIELDS = frozenset(  # the questions a problem can be shown at (views.field_errors)
    {
        "name",
        "sex",
        "birth_year",
        "body_mass_kg",
        "level",
        "equipment",
        "free_days",
        "sessions_per_week",
        "session_minutes",
        "runs",
        "races",
        "complaints",
        "usual_pain",
        "bone_stress_history",
        "missed_periods",
        "units",
        "start",
        "weeks",
    }
)


def profile_values(profile: Profile) -> tuple[dict[str, str], dict[str, list[str]]]:
    """A stored profile as the form's values (to edit it): text fields and checkbox lists."""
    from calfcoach.profile_io import profile_to_dict

    data = profile_to_dict(profile)
    values: dict[str, str] = {}
    for key in ("name", "sex", "birth_year", "body_mass_kg", "level", "sessions_per_week"):
        values[key] = "" if data[key] is None else str(data[key])
    values["session_minutes"] = str(data["session_minutes"])
    values["usual_pain"] = "" if data["usual_pain"] is None else str(data["usual_pain"])
    for run in data["runs"]:
        values[f"run_{run['day']}"] = run["kind"]
    races = []
    for race in profile.races:
        races.append(
            race.date.isoformat()
            + (f":{race.distance_km:g}" if race.distance_km is not None else "")
        )
    values["races"] = ", ".join(races)
    values["bone_stress_history"] = "yes" if data["bone_stress_history"] else "no"
    values["missed_periods"] = "yes" if data["missed_periods"] else "no"
    values["units"] = data["units"]
    lists = {key: list(data[key]) for key in ("equipment", "free_days", "complaints")}
    return values, lists
