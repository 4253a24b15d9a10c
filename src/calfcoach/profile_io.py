"""Reading and writing athlete profile files (JSON or TOML): the profile adapter.

Everything a person can get wrong in a profile file becomes a ``ProfileError`` with one line
per problem, each naming the field (a dotted path such as ``runs[2].kind``), the bad value and
what is allowed. Pydantic does the validating; this module does the explaining.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, get_args

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from calfcoach.core.limits import date_problem
from calfcoach.core.models import (
    COMPLAINTS,
    DAYS,
    EQUIPMENT,
    LEVELS,
    Profile,
    Race,
    Run,
    RunKind,
    Sex,
    Units,
)
from calfcoach.core.names import printable_name
from calfcoach.errors import InputError, ProfileError
from calfcoach.formats.export_file import (
    MAX_NESTING,
    json_error_text,
    load_json,
    nesting_depth,
)

__all__ = [
    "PROFILE_KEYS",
    "duplicate_key_problem",
    "duplicate_keys",
    "dump_profile",
    "field_problems",
    "load_profile",
    "parse_profile_text",
    "profile_from_data",
    "profile_to_dict",
    "race_problems",
    "validation_problems",
]

PROFILE_KEYS: tuple[str, ...] = tuple(Profile.model_fields)
"""The profile keys in contract order (the order files are written in)."""
RUN_KEYS: tuple[str, ...] = tuple(Run.model_fields)
RACE_KEYS: tuple[str, ...] = tuple(Race.model_fields)
_RACE_TEXT = (
    'a date YYYY-MM-DD or {"date": YYYY-MM-DD, "distance_km": 0-400, "name": text, '
    '"tune_up": true/false}'
)

# The vocabulary of every closed field, keyed by the field's own name (also inside runs[i]).
_VOCABULARY: dict[str, tuple[str, ...]] = {
    "level": LEVELS,
    "sex": get_args(Sex),
    "units": get_args(Units),
    "equipment": EQUIPMENT,
    "free_days": DAYS,
    "complaints": COMPLAINTS,
    "day": DAYS,
    "kind": get_args(RunKind),
}
_SET_FIELDS = ("equipment", "free_days", "complaints")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_TOML_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)\s*$")
_RANGE_ERRORS = {"greater_than_equal", "less_than_equal", "greater_than", "less_than"}
_INT_ERRORS = {"int_parsing", "int_type", "int_from_float"}
_FLOAT_ERRORS = {"float_parsing", "float_type", "finite_number"}
_BOOL_ERRORS = {"bool_parsing", "bool_type"}
_MAX_VALUE_CHARS = 60


# ------------------------------------------------------------------------- reading


MAX_PROFILE_BYTES = 1024 * 1024
"""The largest profile file read (a profile is a few hundred bytes)."""


def load_profile(path: Path) -> Profile:
    """Read and validate a profile file; any problem raises ``ProfileError`` (one line each).

    ``.json`` is read as JSON and ``.toml`` as TOML; any other name is sniffed (a file whose
    first character is ``{`` is JSON, anything else TOML).
    """
    path = Path(path)
    try:
        with path.open("rb") as handle:  # at most the limit and a byte: /dev/zero never ends
            raw = handle.read(MAX_PROFILE_BYTES + 1)
    except FileNotFoundError:
        raise ProfileError(f"{path}: profile file not found") from None
    except IsADirectoryError:
        raise ProfileError(f"{path}: is a directory, not a profile file") from None
    except OSError as exc:
        raise ProfileError(f"{path}: cannot read the profile file ({exc.strerror})") from None
    if len(raw) > MAX_PROFILE_BYTES:
        raise ProfileError(
            f"{path}: the file is larger than {MAX_PROFILE_BYTES:,} bytes; allowed: a profile "
            "file (a few hundred bytes)"
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ProfileError(
            f"{path.name}: not UTF-8 text (bad byte at offset {exc.start}); "
            "allowed: a JSON or TOML text file"
        ) from None
    return profile_from_data(parse_profile_text(text, name=path.name, suffix=path.suffix))


def parse_profile_text(text: str, *, name: str, suffix: str = "") -> dict[str, Any]:
    """Parse JSON or TOML text into a mapping; a syntax error becomes one ProfileError line."""
    suffix = suffix.lower()
    if suffix == ".json":
        fmt = "json"
    elif suffix == ".toml":
        fmt = "toml"
    else:
        fmt = "json" if text.lstrip().startswith(("{", "[")) else "toml"
    if fmt == "json":
        duplicates: list[str] = []
        try:
            data = load_json(
                text,
                source=name,
                object_pairs_hook=lambda pairs: _object_without_duplicates(pairs, duplicates),
                parse_constant=_reject_constant,
            )
        except InputError as error:
            raise ProfileError(*error.problems) from None
        except json.JSONDecodeError as exc:
            raise ProfileError(f"{name}: not valid JSON: {json_error_text(exc)}") from None
        except ValueError as exc:
            raise ProfileError(f"{name}: not valid JSON: {exc}") from None
        if duplicates:
            raise ProfileError(*(duplicate_key_problem(key) for key in duplicates))
    else:
        try:
            data = tomllib.loads(text)
            if nesting_depth(data) > MAX_NESTING:
                raise RecursionError
        except RecursionError:
            raise ProfileError(
                f"{name}: nested too deeply; allowed: at most {MAX_NESTING} levels of lists "
                "and tables"
            ) from None
        except tomllib.TOMLDecodeError as exc:
            message = str(exc)
            where = _TOML_POSITION.search(message)
            if where:
                message = message[: where.start()]
                message += f" at line {where.group(1)}, column {where.group(2)}"
            raise ProfileError(f"{name}: not valid TOML: {message}") from None
    if not isinstance(data, dict):
        raise ProfileError(
            f"{name}: the profile is a {_json_type(data)}; allowed: an object with the keys "
            + ", ".join(PROFILE_KEYS)
        )
    return data


def duplicate_keys(text: str | bytes) -> list[str]:
    """The keys a JSON document gives more than once in one object (json.loads keeps the
    last without a word), in the order met; [] for a document that does not read (its own
    reading says why). The one rule of a profile file and an API body: each key once."""
    duplicates: list[str] = []
    try:
        json.loads(text, object_pairs_hook=lambda p: _object_without_duplicates(p, duplicates))
    except (ValueError, RecursionError):
        return []
    return duplicates


def duplicate_key_problem(key: str) -> str:
    """A key given twice, in the words of every way in."""
    return f"{key}: given more than once; allowed: each key once"


def _object_without_duplicates(pairs: list[tuple[str, Any]], duplicates: list[str]) -> Any:
    seen: dict[str, Any] = {}
    for key, value in pairs:
        if key in seen and key not in duplicates:
            duplicates.append(key)
        seen[key] = value
    return seen


def _reject_constant(constant: str) -> Any:
    raise ValueError(f"{constant} is not a number JSON allows")


def profile_from_data(data: Mapping[str, Any]) -> Profile:
    """Validate parsed profile data; a ValidationError becomes a ProfileError."""
    try:
        return Profile.model_validate(dict(data))
    except ValidationError as exc:
        raise ProfileError(*validation_problems(exc.errors(), data=data)) from None


def names_in_todays_form(data: Mapping[str, Any]) -> dict[str, Any]:
    """A profile written by an older version (an export file) with its names as today's
    rule takes them (D-154): the profile's and each race's name printable
    (``core.names.printable_name``: a control character becomes a space), blank as no name.
    Migration 0012 does the same to the stored profiles; nothing else is touched."""
    out = dict(data)
    if isinstance(out.get("name"), str):
        out["name"] = printable_name(out["name"]) or None
    races = out.get("races")
    if isinstance(races, list):
        out["races"] = [
            {**race, "name": printable_name(race["name"]) or None}
            if isinstance(race, dict) and isinstance(race.get("name"), str)
            else race
            for race in races
        ]
    return out


def field_problems(key: str, value: object) -> list[str]:
    """Problems of one profile field on its own (used to re-ask a question in ``init``)."""
    data: dict[str, object] = {"level": "novice", key: value}
    try:
        Profile.model_validate(data)
    except ValidationError as exc:
        mine = [e for e in exc.errors() if e["loc"] and e["loc"][0] == key]
        return validation_problems(mine, data=data)
    return []


# ------------------------------------------------------------------------- explaining


def validation_problems(
    errors: Iterable[ErrorDetails], *, data: Mapping[str, Any] | None = None
) -> list[str]:
    """One line per problem, in the order pydantic found them (duplicates removed).

    With ``data`` (the profile as given), problems of ``races`` are explained item by item
    from the file's own list: the model sorts races by date before it checks them, so its
    positions are not the file's.
    """
    lines: list[str] = []
    races_done = False
    for error in errors:
        loc = tuple(error["loc"])
        if data is not None and loc and loc[0] == "races" and "races" in data:
            if races_done:
                continue
            races_done = True
            explained = race_problems(data["races"])
        else:
            explained = _explain(error)
        for line in explained:
            if line not in lines:
                lines.append(line)
    return lines or ["the profile does not validate"]


def race_problems(races: object) -> list[str]:
    """One line per bad race, named by its position in the file (``races[1].distance_km``).

    A race is an ISO date string or an object ``{"date", "distance_km", "name", "tune_up"}``
    (R-SCHED-4a)."""
    if not isinstance(races, list | tuple):
        return [f"races: {_show(races)} is not a list; allowed: a list of races, each {_RACE_TEXT}"]
    lines: list[str] = []
    for index, item in enumerate(races):
        where = f"races[{index}]"
        if isinstance(item, str) and not (_ISO_DATE.fullmatch(item) and _is_date(item)):
            lines.append(f"{where}: {_show(item)} is not a valid date (YYYY-MM-DD)")
            continue
        day = _as_date(item)
        if day is not None:  # a race given as its date: the one date rule (D-25)
            problem = date_problem(where, day)
            if problem is not None:
                lines.append(problem)
            continue
        if not isinstance(item, dict):
            lines.append(f"{where}: {_show(item)} is not a race; allowed: {_RACE_TEXT}")
            continue
        try:
            Race.model_validate(item)
        except ValidationError as exc:
            for error in exc.errors():
                lines.extend(_race_item_problem(where, error))
    return lines


def _race_item_problem(where: str, error: ErrorDetails) -> list[str]:
    loc = tuple(error["loc"])
    key = str(loc[0]) if loc else ""
    path = f"{where}.{key}" if key else where
    value = error.get("input")
    kind = error["type"]
    if kind == "extra_forbidden":
        hint = _did_you_mean(key, RACE_KEYS)
        return [f"{path}: unknown key{hint}; allowed keys: {', '.join(RACE_KEYS)}"]
    if key == "date":
        if kind == "missing":
            return [f"{path}: missing; allowed: a date YYYY-MM-DD"]
        day = _as_date(value)
        problem = date_problem(path, day) if day is not None else None
        if problem is not None:  # a date, outside the one date rule (D-25)
            return [problem]
        return [f"{path}: {_show(value)} is not a valid date (YYYY-MM-DD)"]
    if key == "distance_km":
        allowed = "a distance in km, more than 0 and at most 400 (or leave it out: a half marathon)"
        if kind in _RANGE_ERRORS:
            return [f"{path}: {_show(value)} is out of range; allowed: {allowed}"]
        if kind == "finite_number":
            return [f"{path}: {_show(value)} is not a finite number; allowed: {allowed}"]
        return [f"{path}: {_show(value)} is not a number; allowed: {allowed}"]
    if key == "tune_up":
        return [f"{path}: {_show(value)} is not true or false; allowed: true, false"]
    if key == "name":
        if kind == "value_error":
            return [f"{path}: {_validator_words(error)}"]
        if kind == "string_too_long":
            return [f"{path}: too long; allowed: text of at most 100 characters"]
        return [f"{path}: {_show(value)} is not text; allowed: text"]
    return [f"{path}: {_show(value)}: {error['msg']}"]


def _explain(error: ErrorDetails) -> list[str]:
    loc = tuple(error["loc"])
    kind = error["type"]
    value = error.get("input")
    ctx = error.get("ctx") or {}
    # Set fields are sets: the position of an item means nothing to the reader.
    if len(loc) == 2 and loc[0] in _SET_FIELDS and isinstance(loc[1], int):
        loc = loc[:1]
    where = _path(loc)
    field = next((part for part in reversed(loc) if isinstance(part, str)), "")
    vocabulary = _VOCABULARY.get(field)

    if kind == "extra_forbidden":
        keys = PROFILE_KEYS
        if len(loc) > 1:
            keys = RACE_KEYS if loc[0] == "races" else RUN_KEYS
        hint = _did_you_mean(str(loc[-1]), keys)
        return [f"{where}: unknown key{hint}; allowed keys: {', '.join(keys)}"]
    if loc and loc[0] == "races" and len(loc) >= 3:
        return _race_item_problem(_path(loc[:2]), {**error, "loc": loc[2:]})
    if loc and loc[0] == "races" and kind not in {"tuple_type", "list_type"}:
        return _race_problems(loc, value)
    if kind in _BOOL_ERRORS:
        return [f"{where}: {_show(value)} is not true or false; allowed: true, false"]
    if kind == "missing":
        allowed = _allowed_text(field, vocabulary)
        return [f"{where}: missing" + (f"; allowed: {allowed}" if allowed else "")]
    if kind in {"literal_error", "enum"}:
        allowed = ", ".join(vocabulary) if vocabulary else str(ctx.get("expected", ""))
        return [f"{where}: {_show(value)} is not allowed; allowed: {allowed}"]
    if kind in _RANGE_ERRORS:
        return [f"{where}: {_show(value)} is out of range; allowed: {_range_text(field)}"]
    if kind in _INT_ERRORS:
        return [f"{where}: {_show(value)} is not a whole number; allowed: {_range_text(field)}"]
    if kind == "finite_number":  # NaN or an infinity (TOML's nan, JSON's 1e999)
        allowed = f"a finite number, {_range_text(field)}"
        return [f"{where}: {_show(value)} is not a finite number; allowed: {allowed}"]
    if kind in _FLOAT_ERRORS:
        return [f"{where}: {_show(value)} is not a number; allowed: {_range_text(field)}"]
    if kind in {"frozen_set_type", "set_type", "list_type", "tuple_type"}:
        return [f"{where}: {_show(value)} is not a list; allowed: {_list_text(field)}"]
    if kind in {"model_type", "dict_type", "model_attributes_type"}:
        return [
            f"{where}: {_show(value)} is not an object; allowed: "
            '{"day": one of '
            + "/".join(DAYS)
            + ', "kind": one of '
            + "/".join(get_args(RunKind))
            + "}"
        ]
    if kind == "string_too_long":
        limit = ctx.get("max_length")
        length = len(value) if isinstance(value, str) else "?"
        return [f"{where}: {length} characters is too long; allowed: at most {limit}"]
    if kind == "string_type":
        return [f"{where}: {_show(value)} is not text; allowed: text"]
    if kind == "value_error":
        return [f"{where}: {_validator_words(error)}"]
    return [f"{where}: {_show(value)}: {error['msg']}"]


def _validator_words(error: ErrorDetails) -> str:
    """A field validator's own sentence (it names the value and what is allowed), without
    pydantic's "Value error, " in front."""
    raised = (error.get("ctx") or {}).get("error")
    return str(raised) if raised is not None else error["msg"].removeprefix("Value error, ")


def _race_problems(loc: tuple[Any, ...], value: object) -> list[str]:
    """Per-date lines for races (the model's own check reports the whole list at once)."""
    if len(loc) >= 2:
        return [f"{_path(loc[:2])}: {_show(value)} is not a valid date (YYYY-MM-DD)"]
    items = value if isinstance(value, list | tuple) else [value]
    lines = []
    for index, item in enumerate(items):
        day = _as_date(item)
        if day is not None:
            problem = date_problem(f"races[{index}]", day)
            if problem is not None:
                lines.append(problem)
            continue
        lines.append(f"races[{index}]: {_show(item)} is not a valid date (YYYY-MM-DD)")
    return lines or ["races: not allowed; allowed: a list of dates (YYYY-MM-DD)"]


def _as_date(value: object) -> dt.date | None:
    """``value`` as a day when it is one (a date, or its text YYYY-MM-DD), else None."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str) and _ISO_DATE.fullmatch(value) and _is_date(value):
        return dt.date.fromisoformat(value)
    return None


def _is_date(text: str) -> bool:
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _path(loc: Sequence[Any]) -> str:
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text or "profile"


def _show(value: object) -> str:
    """The bad value as the person wrote it (strings quoted), cut short if long."""
    if isinstance(value, str):
        text = repr(value)
    elif value is None or isinstance(value, bool | int | float | list | dict):
        try:
            text = json.dumps(value, ensure_ascii=False, default=str)
        except ValueError:
            text = repr(value)
    else:
        text = repr(value)
    if len(text) > _MAX_VALUE_CHARS:
        text = text[: _MAX_VALUE_CHARS - 3] + "..."
    return text


def _json_type(value: object) -> str:
    names = {list: "list", str: "string", int: "number", float: "number", bool: "boolean"}
    return names.get(type(value), "null" if value is None else type(value).__name__)


def _did_you_mean(key: str, keys: Sequence[str]) -> str:
    import difflib

    close = difflib.get_close_matches(key, keys, n=1, cutoff=0.75)
    return f" (did you mean {close[0]}?)" if close else ""


def _bounds(field: str) -> tuple[float | None, float | None]:
    info = Profile.model_fields.get(field)
    low = high = None
    for item in info.metadata if info else ():
        low = getattr(item, "ge", None) if getattr(item, "ge", None) is not None else low
        low = getattr(item, "gt", None) if getattr(item, "gt", None) is not None else low
        high = getattr(item, "le", None) if getattr(item, "le", None) is not None else high
        high = getattr(item, "lt", None) if getattr(item, "lt", None) is not None else high
    return low, high


def _range_text(field: str) -> str:
    low, high = _bounds(field)
    if low is None and high is None:
        return "a number"
    if high is None:
        return f"at least {low}"
    if low is None:
        return f"at most {high}"
    return f"{low}-{high}"


def _allowed_text(field: str, vocabulary: tuple[str, ...] | None) -> str:
    if vocabulary:
        return ", ".join(vocabulary)
    low, high = _bounds(field)
    return _range_text(field) if (low, high) != (None, None) else ""


def _list_text(field: str) -> str:
    vocabulary = _VOCABULARY.get(field)
    if vocabulary:
        return "a list of " + ", ".join(vocabulary)
    if field == "runs":
        return 'a list of {"day": ..., "kind": ...} objects'
    if field == "races":
        return f"a list of races, each {_RACE_TEXT}"
    return "a list"


# ------------------------------------------------------------------------- writing


def _in_order(values: Iterable[str], vocabulary: Sequence[str]) -> list[str]:
    return sorted(values, key=vocabulary.index)


def profile_to_dict(profile: Profile) -> dict[str, Any]:
    """The profile as plain data in contract key order, sets in vocabulary order (mon..sun)."""
    return {
        "name": profile.name,
        "sex": profile.sex,
        "birth_year": profile.birth_year,
        "body_mass_kg": profile.body_mass_kg,
        "level": profile.level,
        "equipment": _in_order(profile.equipment, EQUIPMENT),
        "free_days": _in_order(profile.free_days, DAYS),
        "sessions_per_week": profile.sessions_per_week,
        "session_minutes": profile.session_minutes,
        "runs": [
            {"day": run.day, "kind": run.kind}
            for run in sorted(profile.runs, key=lambda run: DAYS.index(run.day))
        ],
        "races": [_race_to_data(race) for race in profile.races],
        "complaints": _in_order(profile.complaints, COMPLAINTS),
        "usual_pain": profile.usual_pain,
        "bone_stress_history": profile.bone_stress_history,
        "missed_periods": profile.missed_periods,
        "units": profile.units,
    }


def _race_to_data(race: Race) -> str | dict[str, Any]:
    """A race as the profile file has it: a plain date when that is all there is."""
    if race.distance_km is None and race.name is None and not race.tune_up:
        return race.date.isoformat()
    data: dict[str, Any] = {"date": race.date.isoformat()}
    if race.distance_km is not None:
        data["distance_km"] = race.distance_km
    if race.name is not None:
        data["name"] = race.name
    if race.tune_up:
        data["tune_up"] = True
    return data


def dump_profile(profile: Profile, path: Path) -> None:
    """Write the profile as JSON, or TOML when the file name ends in ``.toml``."""
    path = Path(path)
    data = profile_to_dict(profile)
    if path.suffix.lower() == ".toml":
        text = _to_toml(data)
    else:
        text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    path.write_text(text, encoding="utf-8")


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        # JSON string escapes (\", \\, \n, \uXXXX) are all valid in a TOML basic string.
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {_toml_value(v)}" for k, v in value.items()) + " }"
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(item) for item in value) + "]"
    raise TypeError(f"cannot write {value!r} as TOML")


def _to_toml(data: Mapping[str, Any]) -> str:
    """The profile is flat (runs are inline tables), so TOML is a line per key.

    TOML has no null: keys whose value is None are left out (they default to None).
    """
    lines = [f"{key} = {_toml_value(value)}" for key, value in data.items() if value is not None]
    return "\n".join(lines) + "\n"
