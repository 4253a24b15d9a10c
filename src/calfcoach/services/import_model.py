"""The one validation model of an import document (issue 7, item 5).

An export document read back (JSON or CSV, ``services.transfer``) is validated here, with the
same limits and the same messages as the CLI and the services: a logged set's ranges come from
``services.training`` (``DOSE_LIMITS``, ``RPE_RANGE``, ``PAIN_RANGE``, ``SET_NUMBER_RANGE``, ...,
the ones ``validate_set`` checks for ``calfcoach log``), loads from ``rules.MAX_LOAD_KG``, dates
from the one date rule (``core.limits``, D-25; a log is dated 1900-01-01 to today), profiles
from the profile model (``profile_io``). A future API takes the same model. A session record
is a log only when it is done or holds sets: a skipped or moved session is a plan day, which
``skip`` and ``move`` take in the future too, so its date keeps the one date rule only.

The pydantic models are strict (no coercion: ``"5"`` is not 5, ``true`` is not 1) and forbid
unknown fields. Every field checks itself in one before-validator that raises the CLI's
message (``is out of range; allowed: 1-10``); pydantic contributes the structure (objects,
lists, missing and unknown keys, list lengths). What needs more than one field (one active
plan, one check-in per day, one done session per day, references between records, a plan's
own document) is checked by ``validate_document`` afterwards. Problems are reported as
``path: value ...; allowed: ...`` with the path in the file (``athletes[0].sessions[3].sets[1]
.reps``), the first ``MAX_PROBLEMS`` of them.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Callable, Iterable, Sequence
from typing import Annotated, Any, TypeVar, get_args, get_origin

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError
from pydantic import ValidationInfo as Info
from pydantic_core import ErrorDetails, PydanticCustomError

from calfcoach.core import limits, rules
from calfcoach.core.models import RED_FLAGS, STORED, Plan, Scheme, Session
from calfcoach.errors import InputError, ProfileError
from calfcoach.services.training import (
    CLEARANCE_NOTE_MAX,
    DOSE_LIMITS,
    PAIN_RANGE,
    RPE_RANGE,
    SET_NUMBER_RANGE,
    SIDES,
    TEST_REPS_RANGE,
)

__all__ = [
    "ATHLETE_NAME_MAX",
    "EXPORT_FORMAT",
    "READABLE_EXPORT_VERSIONS",
    "MAX_PROBLEMS",
    "NOTE_MAX",
    "ExportDoc",
    "allowed_of",
    "body_date",
    "body_flag",
    "body_number",
    "body_text",
    "body_whole",
    "date_value",
    "query_whole",
    "range_text",
    "validate_document",
]

EXPORT_FORMAT = "calfcoach-export"
READABLE_EXPORT_VERSIONS = (1, 2, 3, 4, 5)
MAX_PROBLEMS = 10
"""How many problems a refused file names (the first ones)."""
ATHLETE_NAME_MAX = 100
NOTE_MAX = 10_000
"""A note's text (the longest real one is a few hundred characters)."""
TEXT_MAX = 200
"""Short text fields (a catalog version)."""
MAX_ATHLETES = 1_000
MAX_PLANS = 1_000
MAX_RECORDS = 100_000
"""Per athlete and kind (sessions, check-ins, ...): 270 years of daily records."""
MAX_SETS_PER_SESSION = 1_000
MAX_PLAN_SESSIONS = 7 * limits.MAX_WEEKS
MAX_PLAN_EXERCISES = 50
MAX_VERSIONS = 1_000
"""Versions of one day's session as given (R-HIST: a stop, a race entered for the day...)."""
REASON_MAX = 500
"""Why a session was fixed (a few words)."""
"""Prescriptions in one planned session."""
SCHEMES: tuple[str, ...] = get_args(Scheme)
_SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_MAX_VALUE_CHARS = 60


# --------------------------------------------------------------------------- messages


def show(value: object) -> str:
    """The bad value as the file has it (JSON), cut short if long."""
    try:
        text = json.dumps(value, ensure_ascii=False, default=str)
    except (ValueError, RecursionError):
        text = repr(value)
    return text if len(text) <= _MAX_VALUE_CHARS else text[: _MAX_VALUE_CHARS - 3] + "..."


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _range_text(low: float, high: float, unit: str) -> str:
    return f"{_num(low)}-{_num(high)} {unit}".rstrip()


def _bad(problem: str, allowed: str) -> PydanticCustomError:
    """A field's own problem: ``problem`` follows the value in the message."""
    return PydanticCustomError("calfcoach", "{problem}; allowed: {allowed}", {
        "problem": problem,
        "allowed": allowed,
    })  # fmt: skip


# --------------------------------------------------------------------------- field types


def _field(check: Callable[[Any, Info], Any], allowed: str, base: Any) -> Any:
    return Annotated[base, BeforeValidator(check), Field(description=allowed)]


def _whole(low: float, high: float, unit: str = "", *, optional: bool = False) -> Any:
    allowed = _range_text(low, high, unit)

    def check(value: Any, info: Info) -> Any:
        if value is None and optional:
            return None
        if type(value) is not int:
            raise _bad("is not a whole number", allowed)
        if not low <= value <= high:
            raise _bad("is out of range", allowed)
        return value

    return _field(check, allowed, int | None if optional else int)


def _number(low: float, high: float, unit: str = "", *, optional: bool = False) -> Any:
    allowed = _range_text(low, high, unit)

    def check(value: Any, info: Info) -> Any:
        if value is None and optional:
            return None
        if type(value) not in (int, float) or not math.isfinite(value):
            raise _bad("is not a number", allowed)
        if not low <= value <= high:
            raise _bad("is out of range", allowed)
        return float(value)

    return _field(check, allowed, float | None if optional else float)


def _choice(values: Sequence[Any], *, optional: bool = False) -> Any:
    allowed = ", ".join(map(str, values))

    def check(value: Any, info: Info) -> Any:
        if value is None and optional:
            return None
        if isinstance(value, bool) or value not in values:
            raise _bad("is not allowed", allowed)
        return value

    kind = type(values[0])
    return _field(check, allowed, kind | None if optional else kind)


def _text(high: int, *, low: int = 0, optional: bool = False) -> Any:
    allowed = f"text of {low}-{high} characters" if low else f"text of at most {high} characters"

    def check(value: Any, info: Info) -> Any:
        if value is None and optional:
            return None
        if not isinstance(value, str):
            raise _bad("is not text", allowed)
        if len(value) > high:
            raise _bad(f"is too long ({len(value)} characters)", allowed)
        if len(value) < low or (low and not value.strip()):
            raise _bad("is too short", allowed)
        return value

    return _field(check, allowed, str | None if optional else str)


def _today(info: Info) -> dt.date:
    context = info.context or {}
    today = context.get("today")
    return today if isinstance(today, dt.date) else dt.date.today()


def _date(*, log: bool, optional: bool = False) -> Any:
    """A date YYYY-MM-DD inside the one date rule (D-25); a log's date is not after today."""
    wanted = "a date YYYY-MM-DD"

    def check(value: Any, info: Info) -> Any:
        if value is None and optional:
            return None
        try:
            if not isinstance(value, str):
                raise ValueError
            day = limits.read_iso_date(value)
        except ValueError:
            raise _bad("is not a valid date", "YYYY-MM-DD") from None
        latest = _today(info) if log else limits.LATEST_DATE
        if log and day > latest:
            raise _bad("is in the future", f"today ({latest.isoformat()}) or earlier")
        if limits.date_problem("date", day, latest) is not None:
            raise _bad("is out of range", limits.date_range_text(latest))
        return day

    allowed = f"{wanted}, {limits.date_range_text()}" + (", not after today" if log else "")
    return _field(check, allowed, dt.date | None if optional else dt.date)


def _stamp(*, optional: bool = False) -> Any:
    """A creation time: ISO date and time with its UTC offset, inside the date rule."""
    allowed = "a date and time with its UTC offset"

    def check(value: Any, info: Info) -> Any:
        if value is None and optional:
            return None
        try:
            if not isinstance(value, str) or len(value) > 40:
                raise ValueError
            moment = dt.datetime.fromisoformat(value)
            if moment.tzinfo is None:
                raise ValueError
        except ValueError:
            raise _bad("is not allowed", allowed) from None
        if limits.date_problem("date", moment.date()) is not None:
            raise _bad("is out of range", limits.date_range_text())
        return moment

    return _field(check, allowed, dt.datetime | None if optional else dt.datetime)


def _exercise() -> Any:
    allowed = "an id from `calfcoach exercises`"

    def check(value: Any, info: Info) -> Any:
        from calfcoach.catalog import load_catalog

        if not isinstance(value, str) or not _SLUG.fullmatch(value) or len(value) > 100:
            raise _bad("is not an exercise id", allowed)
        if value not in load_catalog():
            raise _bad("is not an exercise of the catalog", allowed)
        return value

    return _field(check, allowed, str)


def _red_flags() -> Any:
    allowed = "a list of " + ", ".join(RED_FLAGS)

    def check(value: Any, info: Info) -> Any:
        if value is None:
            return ()
        if not isinstance(value, list) or not all(
            isinstance(flag, str) and flag in RED_FLAGS for flag in value
        ):
            raise _bad("is not allowed", allowed)
        if len(set(value)) != len(value):
            raise _bad("names a flag twice", allowed)
        return tuple(value)

    return _field(check, allowed, tuple[str, ...])


def _plan_ref() -> Any:
    allowed = "[plan index, session index] or null"

    def check(value: Any, info: Info) -> Any:
        if value is None:
            return None
        if (
            not isinstance(value, list)
            or len(value) != 2
            or not all(type(v) is int and v >= 0 for v in value)
        ):
            raise _bad("is not allowed", allowed)
        return (value[0], value[1])

    return _field(check, allowed, tuple[int, int] | None)


def _object() -> Any:
    def check(value: Any, info: Info) -> Any:
        if not isinstance(value, dict):
            raise _bad("is not an object", "an object")
        return value

    return _field(check, "an object", dict[str, Any])


def _profile() -> Any:
    """A profile object, its names as today's rule takes them (D-154): an export written
    before that rule may hold a control character in a profile's or a race's name."""

    def check(value: Any, info: Info) -> Any:
        from calfcoach.profile_io import names_in_todays_form

        if not isinstance(value, dict):
            raise _bad("is not an object", "an object")
        return names_in_todays_form(value)

    return _field(check, "an object", dict[str, Any])


def _flag() -> Any:
    def check(value: Any, info: Info) -> Any:
        if not isinstance(value, bool):
            raise _bad("is not allowed", "true, false")
        return value

    return _field(check, "true, false", bool)


# ------------------------------------------------------------ a request body's types (the API)
# Each is a before-validator for ``Annotated[int, ...]`` (a type the checkers read): the
# import's own type checks and words, the range left to the field's service.


def _validator(check: Callable[[Any, Info], Any], allowed: str) -> BeforeValidator:
    """``check`` as a before-validator that knows what its field allows (``allowed_of``)."""
    check.allowed = allowed  # type: ignore[attr-defined]
    return BeforeValidator(check)


def allowed_of(model: object, name: str) -> str | None:
    """What the field ``name`` of a request body ``model`` allows (``0-10``), from its
    ``body_*`` validator; None for another field or model. A missing field says it."""
    fields = getattr(model, "model_fields", None)
    info = fields.get(name) if isinstance(fields, dict) else None
    for item in getattr(info, "metadata", ()):
        allowed = getattr(getattr(item, "func", None), "allowed", None)
        if isinstance(allowed, str):
            return allowed
    return None


def range_text(low: float, high: float, unit: str = "") -> str:
    """A range as every message says it: ``0-3600 seconds``, ``1-10``."""
    return _range_text(low, high, unit)


def body_whole(allowed: str, *, optional: bool = False) -> BeforeValidator:
    """A whole number of a request body (the API): a JSON integer, never ``true``, ``"5"``
    nor ``5.5``, which pydantic's lax mode would take as 1, 5 or refuse in its own words. The
    import's words (``is not a whole number; allowed: 0-10``); ``allowed`` is the field's
    range, which its service checks with the CLI's message."""

    def check(value: Any, info: Info) -> Any:
        if value is None and optional:
            return None
        if type(value) is not int:
            raise _bad("is not a whole number", allowed)
        return value

    return _validator(check, allowed)


def query_whole(low: int, high: int, unit: str = "") -> BeforeValidator:
    """A whole number of a query or a path (text: ASCII digits, a leading minus), inside
    ``low``-``high``: ``limit: 0 is out of range; allowed: 1-200`` in the words of every
    other range, where pydantic said "Input should be greater than or equal to 1" and not
    what is allowed. A number beyond any float is written short (``1e+400``)."""
    allowed = _range_text(low, high, unit)

    def check(value: Any, info: Info) -> Any:
        text = value if isinstance(value, str) else ""
        digits = text.removeprefix("-")
        if type(value) is int:
            number = value
        elif digits.isascii() and digits.isdigit() and len(digits) <= 4300:
            number = int(text)
        else:
            raise _bad("is not a whole number", allowed)
        if not low <= number <= high:
            raise _bad("is out of range", allowed)
        return number

    return _validator(check, allowed)


def body_number(allowed: str, *, optional: bool = False) -> BeforeValidator:
    """A number of a request body: a JSON number (``NaN`` too: its service says it is out
    of range), never ``true`` nor ``"5"``."""

    def check(value: Any, info: Info) -> Any:
        if value is None and optional:
            return None
        if type(value) not in (int, float):
            raise _bad("is not a number", allowed)
        return float(value)

    return _validator(check, allowed)


def body_date(*, optional: bool = False) -> BeforeValidator:
    """A date of a request body: JSON text ``YYYY-MM-DD``, never a number (pydantic reads
    ``1764806400`` as a Unix time, 2025-12-04) nor a date and time; the one date rule
    (D-25) and a log's "not after today" are the service's to check."""

    def check(value: Any, info: Info) -> Any:
        if value is None and optional:
            return None
        return date_value(value)

    return _validator(check, "YYYY-MM-DD")


def date_value(value: object) -> dt.date:
    """``value`` read as a date written ``YYYY-MM-DD``, else the import's refusal (``is not
    a valid date; allowed: YYYY-MM-DD``): a body's date, or a day in a query or a path."""
    try:
        if not isinstance(value, str):
            raise ValueError
        return limits.read_iso_date(value)
    except ValueError:
        raise _bad("is not a valid date", "YYYY-MM-DD") from None


def body_flag() -> BeforeValidator:
    """``true`` or ``false`` of a request body, never ``"yes"`` nor ``1``."""

    def check(value: Any, info: Info) -> Any:
        if not isinstance(value, bool):
            raise _bad("is not allowed", "true, false")
        return value

    return _validator(check, "true, false")


def body_text(allowed: str, *, optional: bool = False) -> BeforeValidator:
    """Text of a request body (never a number); what it may say is its service's to check."""

    def check(value: Any, info: Info) -> Any:
        if value is None and optional:
            return None
        if not isinstance(value, str):
            raise _bad("is not text", allowed)
        if any("\ud800" <= char <= "\udfff" for char in value):
            # pydantic's own type (a before-validator skips its str check): the API's words
            raise PydanticCustomError("string_unicode", "is not valid UTF-8 text")
        return value

    return _validator(check, allowed)


def _list(item: Any, high: int) -> Any:
    return Annotated[list[item], Field(max_length=high, description=f"a list of at most {high}")]


# --------------------------------------------------------------------------- the model


class _Doc(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


_reps = DOSE_LIMITS["reps"]
_seconds = DOSE_LIMITS["seconds"]
_distance = DOSE_LIMITS["distance_m"]
_contacts = DOSE_LIMITS["contacts"]


class SetDoc(_Doc):
    """A logged set: the ranges of ``calfcoach log`` (``training.validate_set``)."""

    exercise: _exercise()
    set_number: _whole(*SET_NUMBER_RANGE)
    side: _choice(SIDES)
    reps: _whole(*_reps[1:], optional=True) = None
    seconds: _whole(*_seconds[1:], optional=True) = None
    distance_m: _number(*_distance[1:], optional=True) = None
    contacts: _whole(*_contacts[1:], optional=True) = None
    load_kg: _number(0, rules.MAX_LOAD_KG, "kg", optional=True) = None
    rpe: _whole(*RPE_RANGE, optional=True) = None
    pain: _whole(*PAIN_RANGE, optional=True) = None
    planned_reps: _whole(*_reps[1:], optional=True) = None
    planned_seconds: _whole(*_seconds[1:], optional=True) = None
    planned_distance_m: _number(*_distance[1:], optional=True) = None
    planned_contacts: _whole(*_contacts[1:], optional=True) = None
    planned_load_kg: _number(0, rules.MAX_LOAD_KG, "kg", optional=True) = None
    scheme: _choice(SCHEMES, optional=True) = None


class SessionDoc(_Doc):
    # A skipped or moved session may be a later plan day; a done one, or one with sets, may
    # not (``_athlete_problems``, where the status is known).
    date: _date(log=False)
    status: _choice(("done", "skipped", "moved"))
    moved_to: _date(log=False, optional=True) = None
    plan_session: _plan_ref() = None
    created_at: _stamp()
    sets: _list(SetDoc, MAX_SETS_PER_SESSION) = []


class CheckinDoc(_Doc):
    date: _date(log=True)
    pain: _whole(*PAIN_RANGE)
    stiffness: _whole(*PAIN_RANGE)
    red_flags: _red_flags() = ()


class TestDoc(_Doc):
    date: _date(log=True)
    kind: _choice(("heel-raise",))
    knee: _choice(("straight", "bent", "none"))
    left: _whole(*TEST_REPS_RANGE, "reps")
    right: _whole(*TEST_REPS_RANGE, "reps")


class HopTestDoc(_Doc):
    date: _date(log=True)
    hops: _whole(0, rules.HOP_TEST_MAX_HOPS, "hops per leg")
    pain: _whole(*PAIN_RANGE)
    side: _choice(("left", "right", "both"))


class ClearanceDoc(_Doc):
    date: _date(log=True)
    note: _text(CLEARANCE_NOTE_MAX, optional=True) = None


class NoteDoc(_Doc):
    date: _date(log=True)
    text: _text(NOTE_MAX)
    created_at: _stamp()


class PlanInputsDoc(_Doc):
    profile: _profile()
    start: _date(log=False, optional=True) = None
    weeks: _whole(limits.MIN_WEEKS, limits.MAX_WEEKS, "weeks", optional=True) = None
    catalog_version: _text(TEXT_MAX, optional=True) = None


class GivenDoc(_Doc):
    """One version of a session as it was given (R-HIST; format version 5)."""

    date: _date(log=True)
    version: _whole(1, MAX_VERSIONS)
    fixed_at: _stamp()
    reason: _text(REASON_MAX, low=1)
    session: _object()


class PlanDoc(_Doc):
    created_at: _stamp()
    active: _flag()
    inputs: PlanInputsDoc
    plan: _object()
    given: _list(GivenDoc, MAX_RECORDS) = []


class RunDoc(_Doc):
    """An imported activity (format version 4): the whole validated activity as stored."""

    activity: _object()
    kind: _choice(("easy", "hard", "long"))
    kind_source: _choice(("auto", "edited"))
    load: _number(0, 1_000_000)
    load_basis: _choice(("rpe", "trimp", "estimate"))


class EventDoc(_Doc):
    """A run or race of an imported training calendar (format version 4)."""

    date: _date(log=False)
    kind: _choice(("easy", "hard", "long", "race"))
    title: _text(200)
    source: _text(500, low=1)
    start: _stamp(optional=True) = None
    detail: _text(40, optional=True) = None
    distance_km: _number(0.001, 400, "km", optional=True) = None
    tune_up: _flag() = False
    uid: _text(300, optional=True) = None


class AthleteDoc(_Doc):
    name: _text(ATHLETE_NAME_MAX, low=1)
    created_at: _stamp()
    profile: _profile()
    plans: _list(PlanDoc, MAX_PLANS)
    sessions: _list(SessionDoc, MAX_RECORDS)
    checkins: _list(CheckinDoc, MAX_RECORDS)
    tests: _list(TestDoc, MAX_RECORDS)
    hop_tests: _list(HopTestDoc, MAX_RECORDS) = []
    clearances: _list(ClearanceDoc, MAX_RECORDS) = []
    notes: _list(NoteDoc, MAX_RECORDS)
    runs: _list(RunDoc, MAX_RECORDS) = []
    planned_events: _list(EventDoc, MAX_RECORDS) = []
    # issue 9, part 3: what coaches wrote and changed, exported as the athlete's record; read
    # and not imported (no coach follows an imported athlete: D-110)
    coach_notes: _list(dict[str, Any], MAX_RECORDS) = []
    audit_trail: _list(dict[str, Any], MAX_RECORDS) = []


class ExportDoc(_Doc):
    """A whole export document (format versions 1-3)."""

    format: _choice((EXPORT_FORMAT,))
    format_version: _choice(READABLE_EXPORT_VERSIONS)
    athletes: _list(AthleteDoc, MAX_ATHLETES)
    sha256: _text(64, optional=True) = None


# --------------------------------------------------------------------------- explaining


def _path(loc: Iterable[Any]) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "document"


def _model_at(loc: Sequence[Any]) -> type[BaseModel] | None:
    """The model class that holds the last key of ``loc`` (None when not a model's key)."""
    model: Any = ExportDoc
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        if not (isinstance(model, type) and issubclass(model, BaseModel)):
            return None
        info = model.model_fields.get(str(part))
        if info is None:
            return None
        model = info.annotation
        while get_origin(model) is not None and get_args(model):
            model = get_args(model)[0]
    return model if isinstance(model, type) and issubclass(model, BaseModel) else None


def explain(error: ErrorDetails) -> str:
    """One ``path: value ...; allowed: ...`` line for one pydantic error."""
    loc = tuple(error["loc"])
    where = _path(loc)
    kind = error["type"]
    value = error.get("input")
    if kind == "calfcoach":
        return f"{where}: {show(value)} {error['msg']}"
    model = _model_at(loc)
    if kind == "missing":
        info = model.model_fields.get(str(loc[-1])) if model else None
        allowed = info.description if info and info.description else ""
        return f"{where}: missing" + (f"; allowed: {allowed}" if allowed else "")
    if kind == "extra_forbidden":
        keys = ", ".join(model.model_fields) if model else ""
        return f"{where}: unknown field; allowed: {keys}"
    if kind in {"model_type", "model_attributes_type", "dict_type"}:
        return f"{where}: {show(value)} is not an object; allowed: an object"
    if kind in {"list_type", "tuple_type"}:
        return f"{where}: {show(value)} is not a list; allowed: a list"
    if kind == "too_long":
        limit = (error.get("ctx") or {}).get("max_length")
        size = len(value) if isinstance(value, list) else "?"
        return f"{where}: {size} items is too many; allowed: at most {limit}"
    return f"{where}: {show(value)}: {error['msg']}"


def _refuse(problems: Sequence[str]) -> InputError:
    lines = list(problems[:MAX_PROBLEMS])
    if len(problems) > MAX_PROBLEMS:
        lines.append(f"... and {len(problems) - MAX_PROBLEMS} more problems (nothing was imported)")
    return InputError(*lines)


# --------------------------------------------------------------------------- the document


def validate_document(document: Any, *, today: dt.date | None = None) -> ExportDoc:
    """The validated document, or ``InputError`` naming its first problems (path, value,
    allowed). ``today``: the real today (a log dated after it is refused)."""
    if not isinstance(document, dict):
        raise InputError(f"document: {show(document)} is not an object; allowed: an export")
    context = {"today": today or dt.date.today()}
    try:
        doc = ExportDoc.model_validate(document, context=context)
    except ValidationError as exc:
        lines: list[str] = []
        for error in exc.errors():
            line = explain(error)
            if line not in lines:
                lines.append(line)
        raise _refuse(lines) from None
    problems = list(_cross_problems(doc, context["today"]))
    if problems:
        raise _refuse(problems)
    return doc


def _cross_problems(doc: ExportDoc, today: dt.date) -> Iterable[str]:
    names = [athlete.name for athlete in doc.athletes]
    for index, name in enumerate(names):
        if name in names[:index]:
            yield f"athletes[{index}].name: {show(name)} appears twice; allowed: each name once"
    for index, athlete in enumerate(doc.athletes):
        yield from _athlete_problems(athlete, f"athletes[{index}]", today)


def _athlete_problems(athlete: AthleteDoc, where: str, today: dt.date) -> Iterable[str]:
    yield from profile_problems(athlete.profile, f"{where}.profile")
    for index, plan in enumerate(athlete.plans):
        yield from profile_problems(plan.inputs.profile, f"{where}.plans[{index}].inputs.profile")
        yield from plan_problems(plan.plan, f"{where}.plans[{index}].plan")
        yield from given_problems(plan.given, f"{where}.plans[{index}].given")
    active = sum(plan.active for plan in athlete.plans)
    if athlete.plans and active != 1:
        yield f"{where}.plans: {active} plans are active; allowed: exactly one"
    done_days: set[dt.date] = set()
    for index, session in enumerate(athlete.sessions):
        at = f"{where}.sessions[{index}]"
        if session.date > today and (session.status == "done" or session.sets):
            # A log (a done session, sets) is not dated after today, as `log` refuses one;
            # a skipped or moved session may be a later plan day, as `skip` and `move` allow.
            yield (
                f"{at}.date: {show(session.date.isoformat())} is in the future; allowed: "
                f"today ({today.isoformat()}) or earlier for a done session or one with sets "
                "(a skipped or moved session may be later)"
            )
        if (session.status == "moved") != (session.moved_to is not None):
            yield (
                f"{at}.moved_to: {show(_iso(session.moved_to))} is not allowed; allowed: a "
                "date exactly when status is moved"
            )
        if session.status in ("done", "skipped"):  # as `log` and `skip` allow
            if session.date in done_days:
                yield (
                    f"{at}.date: {show(session.date.isoformat())} has a second done or skipped "
                    "session; allowed: one done or skipped session per day"
                )
            done_days.add(session.date)
        ref = session.plan_session
        if ref is not None and not (
            ref[0] < len(athlete.plans) and ref[1] < _session_count(athlete.plans[ref[0]].plan)
        ):
            yield (
                f"{at}.plan_session: {show(list(ref))} is not a session of a plan in the file; "
                "allowed: [plan index, session index] or null"
            )
        for number, logged in enumerate(session.sets):
            if all(getattr(logged, name) is None for name in DOSE_LIMITS):
                # as `calfcoach log` refuses a set without a dose (training.validate_set)
                yield (f"{at}.sets[{number}]: no dose; allowed: one of {', '.join(DOSE_LIMITS)}")
        keys = [(s.exercise, s.set_number, s.side) for s in session.sets]
        if len(set(keys)) != len(keys):
            yield f"{at}.sets: a set is listed twice; allowed: each (exercise, set, side) once"
    yield from _run_problems(athlete, where)
    seen: set[dt.date] = set()
    for index, checkin in enumerate(athlete.checkins):
        if checkin.date in seen:
            yield (
                f"{where}.checkins[{index}].date: {show(checkin.date.isoformat())} has a second "
                "check-in; allowed: one check-in per day"
            )
        seen.add(checkin.date)


def _run_problems(athlete: AthleteDoc, where: str) -> Iterable[str]:
    """Each run's activity is one the activity readers could have made (``Activity``), each
    file once (its fingerprint)."""
    from pydantic import ValidationError

    from calfcoach.core.running import Activity

    fingerprints: set[str] = set()
    for index, run in enumerate(athlete.runs):
        at = f"{where}.runs[{index}].activity"
        try:
            activity = Activity.model_validate(run.activity, context={STORED: True})
        except ValidationError as exc:
            first = exc.errors()[0]
            place = ".".join(str(part) for part in first["loc"])
            yield f"{at}.{place}: {first['msg']}" if place else f"{at}: {first['msg']}"
            continue
        if activity.fingerprint in fingerprints:
            yield f"{at}.fingerprint: the same file twice; allowed: each activity once"
        fingerprints.add(activity.fingerprint)
    for index, event in enumerate(athlete.planned_events):
        if event.kind == "race" and event.start is not None:
            yield (
                f"{where}.planned_events[{index}].start: a race has no start time here; "
                "allowed: null"
            )


def _iso(day: dt.date | None) -> str | None:
    return None if day is None else day.isoformat()


def _session_count(plan: dict[str, Any]) -> int:
    sessions = plan.get("sessions")
    return len(sessions) if isinstance(sessions, list) else 0


def profile_problems(data: dict[str, Any], where: str) -> list[str]:
    """The profile model's own lines (``profile_io``), under ``where``."""
    from calfcoach.profile_io import profile_from_data

    try:
        profile_from_data(data)
    except ProfileError as error:
        return [f"{where}.{line}" for line in error.problems]
    return []


def plan_problems(data: dict[str, Any], where: str) -> list[str]:
    """A stored plan document: it must read (``plan_doc``) and keep the CLI's limits (the
    one date rule, 1-52 weeks, and every prescription's sets and dose within a set's ranges:
    no plan of a billion sets)."""
    from calfcoach.storage.plan_doc import plan_from_dict

    plan, problems = _read_stored(plan_from_dict, data, where, "a plan")
    return problems if plan is None else list(_plan_limits(plan, where))


_T = TypeVar("_T")


def _read_stored(
    reader: Callable[[Any], _T], data: Any, where: str, what: str
) -> tuple[_T | None, list[str]]:
    """A stored document read by its ``plan_doc`` reader, or the lines saying why it does not
    read: ``plan_doc`` reads trusted storage, a file can hold anything (a list as a version)."""
    try:
        return reader(data), []
    except InputError as error:
        return None, [f"{where}: {line}" for line in error.problems]
    except (TypeError, ValueError, KeyError, AttributeError, OverflowError, RecursionError):
        return None, [
            f"{where}: does not read as {what}; allowed: {what} as `calfcoach export` wrote it"
        ]


def given_problems(given: Sequence[GivenDoc], where: str) -> Iterable[str]:
    """The sessions as given of one plan (R-HIST): each reads as a session on its own date,
    keeps the CLI's limits, and each (date, version) comes once."""
    from calfcoach.storage.plan_doc import session_from_dict

    seen: set[tuple[dt.date, int]] = set()
    for index, item in enumerate(given):
        at = f"{where}[{index}]"
        key = (item.date, item.version)
        if key in seen:
            yield (
                f"{at}.version: {item.version} of {item.date.isoformat()} appears twice; "
                "allowed: each version of a day once"
            )
        seen.add(key)
        session, problems = _read_stored(
            session_from_dict, item.session, f"{at}.session", "a session"
        )
        if session is None:
            yield from problems
            continue
        if session.date != item.date:
            yield (
                f"{at}.session.date: {show(session.date.isoformat())} is not the version's "
                f"date; allowed: {item.date.isoformat()}"
            )
            continue
        yield from _session_limits(session, f"{at}.session")


def _plan_limits(plan: Plan, where: str) -> Iterable[str]:
    if not limits.MIN_WEEKS <= plan.weeks <= limits.MAX_WEEKS:
        allowed = _range_text(limits.MIN_WEEKS, limits.MAX_WEEKS, "weeks")
        yield f"{where}.weeks: {plan.weeks} is out of range; allowed: {allowed}"
        return
    latest = limits.latest_plan_start(plan.weeks)
    if limits.date_problem("start", plan.start, latest):
        yield (
            f"{where}.start: {plan.start.isoformat()} is out of range; allowed: "
            f"{limits.date_range_text(latest)}"
        )
        return
    if len(plan.sessions) > MAX_PLAN_SESSIONS:
        yield (
            f"{where}.sessions: {len(plan.sessions)} items is too many; allowed: at most "
            f"{MAX_PLAN_SESSIONS}"
        )
        return
    for s_index, session in enumerate(plan.sessions):
        yield from _session_limits(session, f"{where}.sessions[{s_index}]")


def _session_limits(session: Session, at: str) -> Iterable[str]:
    """One planned session keeps the CLI's limits: its date (the one date rule), at most
    ``MAX_PLAN_EXERCISES`` prescriptions, each one's sets and dose within a set's ranges."""
    ranges = {
        "sets": (0, SET_NUMBER_RANGE[1], ""),
        **{name: spec[1:] for name, spec in DOSE_LIMITS.items()},
        "added_load_kg": (0, rules.MAX_LOAD_KG, "kg"),
        "rest_seconds": (0, _seconds[2], "seconds"),
    }
    problem = limits.date_problem(f"{at}.date", session.date)
    if problem:
        yield problem
    if len(session.exercises) > MAX_PLAN_EXERCISES:
        yield (
            f"{at}.exercises: {len(session.exercises)} items is too many; allowed: at most "
            f"{MAX_PLAN_EXERCISES}"
        )
        return
    for p_index, prescription in enumerate(session.exercises):
        for name, (low, high, unit) in ranges.items():
            value = getattr(prescription, name, None)
            if value is None:
                continue
            if not (math.isfinite(value) and low <= value <= high):
                yield (
                    f"{at}.exercises[{p_index}].{name}: {show(value)} is out of range; "
                    f"allowed: {_range_text(low, high, str(unit))}"
                )
