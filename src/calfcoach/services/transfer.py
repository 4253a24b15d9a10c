"""Export and import (JSON, CSV), backup and restore.

The export document holds everything of an athlete except database ids, which a new
database assigns afresh: the profile, every plan ever generated (with the inputs it was made
from), every session log (done, skipped, moved) with its sets, the check-ins, the capacity
tests and the notes. Creation times are kept where storage exposes them (athlete, plan,
session log, note) and restored on import, so export -> import into an empty database ->
export gives the same document. Per-set, check-in and test creation times are not exported
(storage does not return them).

JSON: ``{"format": "calfcoach-export", "format_version": 2, "athletes": [...]}``.
CSV: the same document flattened, one row per record; the ``record`` column says which
(athlete, plan, session, set, checkin, test, hop_test, clearance, note); profile and plan
documents sit in the ``data`` column as JSON text. Both read back through the same
validation.

Format version 2 (issue 6) adds a check-in's ``red_flags`` (R-PAIN-2a), the ``hop_tests``
(R-TEST-5) and the clinician ``clearances`` of an athlete; in CSV the columns ``red_flags``
(names joined by ``;``) and ``hops``, and the records ``hop_test`` (date, hops, pain, side)
and ``clearance`` (date, note in ``text``). Version 1 files (without them) still import.
Version 2 is a new number, not an addition to 1, so that an older calfcoach refuses a file
whose red flags it would silently drop.

Format version 3 (issue 7, D-37) makes a file check itself: JSON ends with ``"sha256"``,
CSV with an ``end`` row (record count and SHA-256 of the bytes above it); CSV cells that a
spreadsheet would run as a formula begin with ``'`` (``formats.export_file``). A cut or edited
version-3 file is refused; versions 1 and 2 still import, with a warning.

Format version 4 (issue 9, part 5: an athlete exports all their data) adds the athlete's
imported ``runs`` (each the whole stored activity with its kind, load and load basis) and
``planned_events`` (the runs and races of imported training calendars); in CSV the records
``run`` and ``event``, their document as JSON in ``data``. Derived data (engine snapshots,
stored day answers) is not exported: an import makes it afresh. The calendar address is not
either: only its hash is kept, which opens nothing.

Format version 5 (R-HIST, "history is what was given") adds each plan's sessions as given:
``given``, every version of every fixed session (date, version, fixed_at, reason and the
session as `today` showed it); in CSV inside the plan record's ``data`` beside ``inputs`` and
``plan``. An import writes them back as they were, so the past after an import is the past
the athlete was given, not a walk made afresh from the log (a set logged late would change
that walk). A file of versions 1-4 has none: its past is walked afresh, and the import says
so.

Backup: on SQLite a copy of the database file made with SQLite's online backup API (a
consistent snapshot even while other processes write); on PostgreSQL the JSON export of
every athlete (use ``pg_dump`` for server-level backups). Restore reads either kind: a SQLite
backup replaces a SQLite database wholesale (the previous file is kept beside it first); a
JSON backup is imported, into a database that holds no athlete yet.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from calfcoach.core.models import (
    RED_FLAGS,
    STORED,
    CapacityTest,
    CheckIn,
    Clearance,
    HopTest,
    LoggedSet,
    Profile,
    Race,
    RedFlag,
)
from calfcoach.core.names import printable_name
from calfcoach.core.running import Activity, PlannedRun
from calfcoach.errors import InputError
from calfcoach.formats.export_file import (
    CHECKSUM_KEY,
    MAX_IMPORT_BYTES,
    check_size,
    escape_cell,
    json_checksum,
    json_error_text,
    load_json,
    looks_cut,
    sha256_text,
    unescape_cell,
)
from calfcoach.services.access import Actor, can_see, ensure_can
from calfcoach.services.athletes import athlete_in
from calfcoach.services.import_model import (
    EXPORT_FORMAT,
    READABLE_EXPORT_VERSIONS,
    AthleteDoc,
    validate_document,
)

# The two storage modules without SQLAlchemy: the plan document and the record conversions.
from calfcoach.storage.plan_doc import (
    plan_from_dict,
    plan_to_doc,
    session_from_dict,
    session_to_doc,
)
from calfcoach.storage.records import FixedSession, profile_to_doc

if TYPE_CHECKING:
    from calfcoach.services.context import ServiceContext
    from calfcoach.storage.uow import AbstractUnitOfWork

__all__ = [
    "CSV_COLUMNS",
    "EXPORT_FORMAT",
    "EXPORT_VERSION",
    "ImportResult",
    "document_from_csv",
    "document_to_csv",
    "export_document",
    "import_document",
    "parse_export",
    "read_export",
]

EXPORT_VERSION = 5
GIVEN_EXPORT_VERSION = 5
"""From this format version on a file carries the sessions as given (R-HIST)."""
CHECKED_EXPORT_VERSION = 3
"""From this format version on a file carries its checksum (and CSV cells are formula-safe)."""
SQLITE_HEADER = b"SQLite format 3\x00"

_SET_INT = ("set_number", "reps", "seconds", "contacts", "rpe", "pain")
_SET_FLOAT = ("distance_m", "load_kg")
_PLANNED_INT = ("planned_reps", "planned_seconds", "planned_contacts")
_PLANNED_FLOAT = ("planned_distance_m", "planned_load_kg")
SET_KEYS: tuple[str, ...] = (
    "exercise",
    "set_number",
    "side",
    "reps",
    "seconds",
    "distance_m",
    "contacts",
    "load_kg",
    "rpe",
    "pain",
    "planned_reps",
    "planned_seconds",
    "planned_distance_m",
    "planned_contacts",
    "planned_load_kg",
    "scheme",
)


# --------------------------------------------------------------------------- export


def _iso(value: dt.date | dt.datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _athlete_document(uow: AbstractUnitOfWork, athlete_id: int) -> dict[str, Any]:
    athlete = uow.athletes.get(athlete_id)
    plans = list(reversed(uow.plans.history(athlete.id)))  # oldest first
    planned_ids: dict[int, tuple[int, int]] = {}
    plan_docs = []
    for plan_index, stored in enumerate(plans):
        for session_index, planned in enumerate(uow.plans.sessions(stored.id)):
            planned_ids[planned.id] = (plan_index, session_index)
        plan_docs.append(
            {
                "created_at": _iso(stored.created_at),
                "active": stored.active,
                "inputs": dict(stored.inputs),
                "plan": plan_to_doc(stored.plan),
                # Format version 5: the sessions as given (R-HIST), every version.
                "given": [
                    {
                        "date": _iso(f.date),
                        "version": f.version,
                        "fixed_at": _iso(f.fixed_at),
                        "reason": f.reason,
                        "session": session_to_doc(f.session),
                    }
                    for f in uow.history.every_version(athlete.id, stored.id)
                ],
            }
        )
    logs = uow.logs.session_logs(athlete.id)
    log = uow.logs.load_training_log(athlete.id)
    # Sets carry their day, not their session log: a day's sets belong to its "done" log.
    holder: dict[dt.date, int] = {}
    for index, session_log in enumerate(logs):
        if session_log.status == "done":
            holder.setdefault(session_log.date, index)
    for index, session_log in enumerate(logs):
        holder.setdefault(session_log.date, index)
    sets_of: dict[int, list[dict[str, Any]]] = {}
    for logged in log.sets:
        sets_of.setdefault(holder[logged.date], []).append(
            {key: getattr(logged, key) for key in SET_KEYS}
        )
    sessions = []
    for index, session_log in enumerate(logs):
        ref = planned_ids.get(session_log.plan_session_id or -1)
        sessions.append(
            {
                "date": _iso(session_log.date),
                "status": session_log.status,
                "moved_to": _iso(session_log.moved_to),
                "plan_session": list(ref) if ref else None,
                "created_at": _iso(session_log.created_at),
                "sets": sets_of.get(index, []),
            }
        )
    return {
        "name": athlete.name,
        "created_at": _iso(athlete.created_at),
        "profile": profile_to_doc(athlete.profile),
        "plans": plan_docs,
        "sessions": sessions,
        "checkins": [
            {
                "date": _iso(c.date),
                "pain": c.pain,
                "stiffness": c.stiffness,
                "red_flags": _flag_list(c.red_flags),
            }
            for c in log.checkins
        ],
        "tests": [
            {
                "date": _iso(t.date),
                "kind": t.kind,
                "knee": t.knee,
                "left": t.left,
                "right": t.right,
            }
            for t in log.tests
        ],
        "hop_tests": [
            {"date": _iso(h.date), "hops": h.hops, "pain": h.pain, "side": h.side}
            for h in getattr(log, "hop_tests", ())
        ],
        "clearances": [
            {"date": _iso(c.date), "note": c.note} for c in getattr(log, "clearances", ())
        ],
        "notes": [
            {"date": _iso(n.date), "text": n.text, "created_at": _iso(n.created_at)}
            for n in uow.logs.notes(athlete.id)
        ],
        # Format version 4 (issue 9, part 5: an athlete exports all their data).
        "runs": [
            {
                "activity": run.activity.model_dump(mode="json"),
                "kind": run.kind,
                "kind_source": run.kind_source,
                "load": run.load,
                "load_basis": run.load_basis,
            }
            for run in uow.runs.all(athlete.id)
        ],
        "planned_events": [
            {
                "date": _iso(e.date),
                "kind": e.kind,
                "title": e.title,
                "source": e.source,
                "start": _iso(e.start),
                "detail": e.detail,
                "distance_km": e.distance_km,
                "tune_up": e.tune_up,
                "uid": e.uid,
            }
            for e in uow.runs.events(athlete.id)
        ],
        # issue 9, part 3: what coaches wrote to the athlete and what they changed (the
        # audit trail) are the athlete's data too; an import leaves them out (no coach
        # follows an imported athlete).
        "coach_notes": [
            {
                "coach": n.coach_name,
                "day": _iso(n.day),
                "text": n.text,
                "created_at": _iso(n.created_at),
            }
            for n in uow.coaching.notes(athlete.id)
        ],
        "audit_trail": [
            {
                "at": _iso(e.at),
                "who": e.actor_name,
                "what": e.what,
                "before": e.before,
                "after": e.after,
            }  # fmt: skip
            for e in uow.coaching.events(athlete.id)
        ],
    }


def _flag_list(flags: frozenset[RedFlag] | set[str]) -> list[str]:
    """Red flags in the vocabulary's order (a stable export)."""
    return [flag for flag in RED_FLAGS if flag in flags]


def export_document(
    ctx: ServiceContext, actor: Actor, athlete_id: int | None, *, everyone: bool = False
) -> dict[str, Any]:
    """The export document of the athlete ``athlete_id``, or (``everyone``) of every athlete
    ``actor`` may see."""
    with ctx.unit_of_work(read_only=True) as uow:
        if everyone:
            ids = [a.id for a in uow.athletes.all() if can_see(actor, a.id)]
        elif athlete_id is None:
            raise InputError("athlete: missing; allowed: an athlete's id, or everyone")
        else:
            ids = [athlete_in(uow, actor, athlete_id).id]
        athletes = [_athlete_document(uow, athlete_id) for athlete_id in ids]
    return {"format": EXPORT_FORMAT, "format_version": EXPORT_VERSION, "athletes": athletes}


def document_to_json(document: Mapping[str, Any]) -> str:
    """The export file: the document and, last, its checksum (``export_file``)."""
    body = {key: value for key, value in document.items() if key != CHECKSUM_KEY}
    signed = {**body, CHECKSUM_KEY: json_checksum(body)}
    return json.dumps(signed, indent=2, ensure_ascii=False) + "\n"


# --------------------------------------------------------------------------- CSV

CSV_COLUMNS: tuple[str, ...] = (
    "record",
    "athlete",
    "index",
    "parent",
    "date",
    "created_at",
    "status",
    "moved_to",
    "plan_session",
    "active",
    *SET_KEYS,
    "stiffness",
    "kind",
    "knee",
    "left",
    "right",
    "text",
    "data",
)
CSV_COLUMNS_V1 = CSV_COLUMNS
CSV_COLUMNS = (*CSV_COLUMNS_V1, "red_flags", "hops")
_CSV_HEADER_MARK = "format=" + EXPORT_FORMAT


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return escape_cell(str(value))


def document_to_csv(document: Mapping[str, Any]) -> str:
    """The export document as CSV rows (see the module docstring)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    rows: list[dict[str, Any]] = [
        {"record": "format", "text": _CSV_HEADER_MARK, "index": document["format_version"]}
    ]
    for a_index, athlete in enumerate(document["athletes"]):
        name = athlete["name"]
        rows.append(
            {
                "record": "athlete",
                "athlete": name,
                "index": a_index,
                "created_at": athlete["created_at"],
                "data": json.dumps(athlete["profile"], ensure_ascii=False, sort_keys=True),
            }
        )
        for index, plan in enumerate(athlete["plans"]):
            rows.append(
                {
                    "record": "plan",
                    "athlete": name,
                    "index": index,
                    "created_at": plan["created_at"],
                    "active": plan["active"],
                    "data": json.dumps(
                        {
                            "inputs": plan["inputs"],
                            "plan": plan["plan"],
                            **({"given": plan["given"]} if "given" in plan else {}),
                        },
                        ensure_ascii=False,
                    ),
                }
            )
        for index, session in enumerate(athlete["sessions"]):
            ref = session["plan_session"]
            rows.append(
                {
                    "record": "session",
                    "athlete": name,
                    "index": index,
                    "date": session["date"],
                    "created_at": session["created_at"],
                    "status": session["status"],
                    "moved_to": session["moved_to"],
                    "plan_session": None if ref is None else f"{ref[0]}:{ref[1]}",
                }
            )
            for logged in session["sets"]:
                rows.append({"record": "set", "athlete": name, "parent": index, **logged})
        for checkin in athlete["checkins"]:
            flags = ";".join(checkin.get("red_flags") or ())
            rows.append({"record": "checkin", "athlete": name, **checkin, "red_flags": flags})
        for test in athlete["tests"]:
            rows.append({"record": "test", "athlete": name, **test})
        for hop in athlete.get("hop_tests", ()):
            rows.append({"record": "hop_test", "athlete": name, **hop})
        for clearance in athlete.get("clearances", ()):
            rows.append(
                {
                    "record": "clearance",
                    "athlete": name,
                    "date": clearance["date"],
                    "text": clearance["note"],
                }
            )
        for note in athlete["notes"]:
            rows.append({"record": "note", "athlete": name, **note})
        for record, key in (("run", "runs"), ("event", "planned_events")):
            for item in athlete.get(key, ()):
                data = json.dumps(item, ensure_ascii=False, sort_keys=True)
                rows.append({"record": record, "athlete": name, "data": data})
    # The writer quotes a cell with "\n" but not one with a lone "\r", which no reader can
    # read back: a row with one has every cell quoted.
    quoting_all = csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_ALL)
    for row in rows:
        cells = [_cell(row.get(column)) for column in CSV_COLUMNS]
        (quoting_all if any("\r" in cell for cell in cells) else writer).writerow(cells)
    body = buffer.getvalue()
    end = {"record": "end", "index": len(rows), "text": f"{CHECKSUM_KEY}={sha256_text(body)}"}
    writer.writerow([_cell(end.get(column)) for column in CSV_COLUMNS])
    return buffer.getvalue()


def _csv_value(column: str, text: str, where: str) -> Any:
    if text == "":
        return None
    if column in (
        "index",
        "parent",
        "left",
        "right",
        "stiffness",
        "hops",
        *_SET_INT,
        *_PLANNED_INT,
    ):
        try:
            return int(text)
        except ValueError:
            raise InputError(f"{where}.{column}: {text!r} is not a whole number") from None
    if column in (*_SET_FLOAT, *_PLANNED_FLOAT):
        try:
            return float(text)
        except ValueError:
            raise InputError(f"{where}.{column}: {text!r} is not a number") from None
    if column == "active":
        if text not in ("true", "false"):
            raise InputError(f"{where}.active: {text!r} is not allowed; allowed: true, false")
        return text == "true"
    return text


def _not_as_written(source: str, what: str) -> InputError:
    return InputError(
        f"{source}: {what}: the file looks truncated or edited; allowed: an export file "
        "exactly as `calfcoach export` wrote it"
    )


def _split_csv_end(text: str) -> tuple[str, list[str] | None]:
    """The text above the ``end`` row, and the end row's cells (None: the file has none).
    Blank lines after the end row, which editors and transfers add, are not the content
    (nor are Windows line endings: ``_check_csv_end``)."""
    trimmed = text.rstrip("\r\n")
    start = trimmed.rfind("\n") + 1
    last = trimmed[start:]
    if not last.startswith("end,"):
        return text, None
    try:
        cells = next(csv.reader([last]), [])
    except csv.Error:
        return text, None
    return text[:start], cells


def _check_csv_end(body: str, end: list[str], source: str) -> tuple[int, str]:
    """Verify the end row against the text above it: the record count it gives, and the
    text as written (``\n`` line endings where the file's ``\r\n`` ones are all that
    differ)."""
    fields = dict(zip(CSV_COLUMNS, end, strict=False))
    count, mark = fields.get("index", ""), fields.get("text", "")
    prefix = f"{CHECKSUM_KEY}="
    if not count.isdigit() or not mark.startswith(prefix):
        raise _not_as_written(source, "the end row is not one calfcoach writes")
    for written in (body, _unix_lines(body)):
        if sha256_text(written) == mark[len(prefix) :]:
            return int(count), written
    raise _not_as_written(source, "the checksum in the end row does not match the content")


def _unix_lines(text: str) -> str:
    """``text`` with Windows line endings (``\r\n``) as the export writes them (``\n``)."""
    return text.replace("\r\n", "\n")


def document_from_csv(text: str, *, source: str = "CSV") -> dict[str, Any]:
    """Rebuild the export document from CSV (the reverse of ``document_to_csv``)."""
    return read_csv_export(text, source=source)[0]


def read_csv_export(text: str, *, source: str = "CSV") -> tuple[dict[str, Any], tuple[str, ...]]:
    """The document of a CSV export and its warnings (an old file without a checksum).

    A file of format version 3 or later must end with its ``end`` row (count and checksum);
    its cells are formula-safe (``export_file.escape_cell``) and are read back exactly."""
    body, end = _split_csv_end(text)
    expected = None
    if end is not None:
        expected, body = _check_csv_end(body, end, source)
    warnings: tuple[str, ...] = ()
    records = 0
    escaped = False
    reader = csv.reader(io.StringIO(body))
    try:
        header = next(reader)
    except (StopIteration, csv.Error):
        raise InputError(f"{source}: empty; allowed: a calfcoach export") from None
    columns = tuple(header)
    if columns not in (CSV_COLUMNS, CSV_COLUMNS_V1):
        raise InputError(
            f"{source}: line 1: the columns are not those of a calfcoach CSV export; "
            f"allowed: {','.join(CSV_COLUMNS)}"
        )
    athletes: list[dict[str, Any]] = []
    by_name: dict[str, dict[str, Any]] = {}
    version: Any = None
    try:
        for number, cells in enumerate(reader, start=2):
            where = f"{source}: line {number}"
            records += 1
            if len(cells) != len(columns):
                raise InputError(f"{where}: {len(cells)} columns; allowed: {len(columns)} columns")
            if escaped:
                cells = [unescape_cell(cell) for cell in cells]
            raw = dict(zip(columns, cells, strict=True))
            row = {c: _csv_value(c, raw.get(c, ""), where) for c in CSV_COLUMNS}
            record = row["record"]
            if (record == "format") != (number == 2):
                raise InputError(
                    f"{where}.record: {record!r} is not allowed; allowed: the format row "
                    "first, and only there"
                )
            if record == "format":
                if row["text"] != _CSV_HEADER_MARK:
                    raise InputError(f"{where}: not a calfcoach export")
                version = row["index"]
                checked = isinstance(version, int) and version >= CHECKED_EXPORT_VERSION
                if end is None and checked:
                    raise _not_as_written(source, "no end row with the record count and checksum")
                if end is None:
                    warnings = (_unchecked_warning(source, version),)
                escaped = checked
                continue
            if record == "athlete":
                athlete = {
                    "name": row["athlete"],
                    "created_at": row["created_at"],
                    "profile": _json_cell(row["data"], where),
                    "plans": [],
                    "sessions": [],
                    "checkins": [],
                    "tests": [],
                    "hop_tests": [],
                    "clearances": [],
                    "notes": [],
                    "runs": [],
                    "planned_events": [],
                }
                athletes.append(athlete)
                by_name[str(row["athlete"])] = athlete
                continue
            found = by_name.get(str(row["athlete"]))
            if found is None:
                raise InputError(
                    f"{where}.athlete: {row['athlete']!r} has no athlete row before it"
                )
            athlete = found
            if record == "plan":
                data = _json_cell(row["data"], where)
                if not isinstance(data, dict):
                    raise InputError(f"{where}.data: not an object with inputs and plan")
                athlete["plans"].append(
                    {
                        "created_at": row["created_at"],
                        "active": row["active"],
                        "inputs": data.get("inputs"),
                        "plan": data.get("plan"),
                        **({"given": data["given"]} if "given" in data else {}),
                    }
                )
            elif record == "session":
                ref = row["plan_session"]
                athlete["sessions"].append(
                    {
                        "date": row["date"],
                        "status": row["status"],
                        "moved_to": row["moved_to"],
                        "plan_session": _ref_cell(ref, where),
                        "created_at": row["created_at"],
                        "sets": [],
                    }
                )
            elif record == "set":
                parent = row["parent"]
                sessions = athlete["sessions"]
                if not isinstance(parent, int) or not 0 <= parent < len(sessions):
                    raise InputError(f"{where}.parent: {parent!r} is not a session row above")
                sessions[parent]["sets"].append({key: row[key] for key in SET_KEYS})
            elif record == "checkin":
                flags = row["red_flags"]
                athlete["checkins"].append(
                    {
                        **{k: row[k] for k in ("date", "pain", "stiffness")},
                        "red_flags": [f for f in str(flags).split(";") if f] if flags else [],
                    }
                )
            elif record == "hop_test":
                athlete["hop_tests"].append({k: row[k] for k in ("date", "hops", "pain", "side")})
            elif record == "clearance":
                athlete["clearances"].append({"date": row["date"], "note": row["text"]})
            elif record == "test":
                athlete["tests"].append(
                    {k: row[k] for k in ("date", "kind", "knee", "left", "right")}
                )
            elif record == "note":
                athlete["notes"].append(
                    {
                        "date": row["date"],
                        "text": row["text"] or "",
                        "created_at": row["created_at"],
                    }
                )
            elif record in ("run", "event"):
                key = "runs" if record == "run" else "planned_events"
                athlete[key].append(_json_cell(row["data"], where))
            else:
                raise InputError(
                    f"{where}.record: {record!r} is not allowed; allowed: athlete, plan, "
                    "session, set, checkin, test, hop_test, clearance, note, run, event"
                )
    except csv.Error as exc:
        raise InputError(f"{source}: not valid CSV: {exc}") from None
    if expected is not None and expected != records:
        raise _not_as_written(source, f"{records} records, the end row says {expected}")
    return {"format": EXPORT_FORMAT, "format_version": version, "athletes": athletes}, warnings


def _unchecked_warning(source: str, version: object) -> str:
    return (
        f"{source}: format version {version} has no checksum, so a cut or edited file cannot "
        "be told from a whole one: check the imported data (exports of this calfcoach carry "
        "one)"
    )


def _json_cell(text: Any, where: str) -> Any:
    try:
        return load_json(text or "", source=f"{where}.data", parse_constant=_no_constant)
    except ValueError as exc:
        if not isinstance(exc, json.JSONDecodeError):
            raise InputError(f"{where}.data: not valid JSON ({exc})") from None
        raise InputError(f"{where}.data: not valid JSON ({exc.msg})") from None


def _ref_cell(text: Any, where: str) -> list[int] | None:
    if text is None:
        return None
    parts = str(text).split(":")
    if len(parts) != 2 or not all(p.isdigit() for p in parts):
        raise InputError(
            f"{where}.plan_session: {text!r} is not allowed; allowed: PLAN:SESSION (numbers)"
        )
    return [int(parts[0]), int(parts[1])]


# --------------------------------------------------------------------------- parsing


def parse_export(data: bytes, *, source: str) -> dict[str, Any]:
    """JSON or CSV export bytes -> the document (not yet validated in depth)."""
    return read_export(data, source=source)[0]


def read_export(data: bytes, *, source: str) -> tuple[dict[str, Any], tuple[str, ...]]:
    """JSON or CSV export bytes -> the document (not yet validated in depth) and warnings.

    Refused before anything else: a file above ``MAX_IMPORT_BYTES``, nesting deeper than
    ``MAX_NESTING``, and a file of format version 3 or later whose checksum is missing or does
    not match (it looks truncated or edited). Versions 1 and 2 have no checksum: they are read,
    with a warning (D-37)."""
    check_size(len(data), source)
    warnings: tuple[str, ...] = ()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{source}: not UTF-8 text (bad byte at offset {exc.start}); allowed: a calfcoach "
            "export (JSON or CSV)"
        ) from None
    stripped = text.lstrip()
    if stripped.startswith("{"):
        try:
            document = load_json(text, source=source, parse_constant=_no_constant)
        except json.JSONDecodeError as exc:
            cut = " (the file looks truncated)" if looks_cut(text, exc) else ""
            raise InputError(f"{source}: not valid JSON: {json_error_text(exc)}{cut}") from None
        except ValueError as exc:
            raise InputError(f"{source}: not valid JSON: {exc}") from None
        if isinstance(document, dict):
            warnings = _check_json(document, source)
    elif stripped.startswith("record,"):
        document, warnings = read_csv_export(text, source=source)
    else:
        raise InputError(
            f"{source}: not a calfcoach export; allowed: the JSON or CSV of `calfcoach export`"
        )
    if not isinstance(document, dict) or document.get("format") != EXPORT_FORMAT:
        raise InputError(
            f"{source}: format: not {EXPORT_FORMAT!r}; allowed: the output of `calfcoach export`"
        )
    version = document.get("format_version")
    if isinstance(version, bool) or version not in READABLE_EXPORT_VERSIONS:
        raise InputError(
            f"{source}: format_version: {version!r} is not allowed; "
            f"allowed: {', '.join(map(str, READABLE_EXPORT_VERSIONS))}"
        )
    if version < GIVEN_EXPORT_VERSION and _has_logs(document):
        warnings = (*warnings, _not_given_warning(source, version))
    return document, warnings


def _has_logs(document: Mapping[str, Any]) -> bool:
    athletes = document.get("athletes")
    return isinstance(athletes, list) and any(
        isinstance(a, dict) and bool(a.get("sessions")) for a in athletes
    )


def _not_given_warning(source: str, version: object) -> str:
    return (
        f"{source}: format version {version} does not carry the sessions as they were given, "
        "so the past sessions are made afresh from the log and may differ from what was shown "
        "on their days (exports of this calfcoach carry them)"
    )


def _no_constant(constant: str) -> Any:
    raise ValueError(f"{constant} is not a number JSON allows")


def _check_json(document: dict[str, Any], source: str) -> tuple[str, ...]:
    """Verify a JSON export's checksum (format version 3 on); warnings for older files."""
    version = document.get("format_version")
    checked = (
        isinstance(version, int)
        and not isinstance(version, bool)
        and version >= CHECKED_EXPORT_VERSION
    )
    if CHECKSUM_KEY not in document:
        if checked:
            raise _not_as_written(source, f"no {CHECKSUM_KEY} checksum")
        if version in READABLE_EXPORT_VERSIONS:
            return (_unchecked_warning(source, version),)
        return ()
    if document[CHECKSUM_KEY] != json_checksum(document):
        raise _not_as_written(source, f"the {CHECKSUM_KEY} checksum does not match the content")
    del document[CHECKSUM_KEY]
    return ()


# --------------------------------------------------------------------------- validation
# The document is validated by ONE model, shared with the CLI's limits: import_model.


@dataclass(slots=True)
class _Plan:
    created_at: dt.datetime
    active: bool
    plan: Any
    profile: Profile
    catalog_version: str | None
    sessions: int
    given: list[FixedSession] = field(default_factory=list)


@dataclass(slots=True)
class _SessionLog:
    date: dt.date
    status: str
    moved_to: dt.date | None
    plan_session: tuple[int, int] | None
    created_at: dt.datetime
    sets: list[LoggedSet]


@dataclass(slots=True)
class _Athlete:
    name: str
    created_at: dt.datetime
    profile: Profile
    plans: list[_Plan]
    sessions: list[_SessionLog]
    checkins: list[CheckIn]
    tests: list[CapacityTest]
    notes: list[tuple[dt.date, str, dt.datetime]]
    hop_tests: list[HopTest]
    clearances: list[Clearance]
    runs: list[tuple[Activity, Any]] = field(default_factory=list)
    """(activity, its RunDoc: kind, kind source, load, load basis)"""
    events: dict[str, tuple[list[PlannedRun], list[Race]]] = field(default_factory=dict)
    """calendar source -> its runs and races"""


def _events(doc: AthleteDoc) -> dict[str, tuple[list[PlannedRun], list[Race]]]:
    by_source: dict[str, tuple[list[PlannedRun], list[Race]]] = {}
    for e in doc.planned_events:
        runs, races = by_source.setdefault(e.source, ([], []))
        if e.kind == "race":
            races.append(
                Race(
                    date=e.date,
                    distance_km=e.distance_km,
                    name=printable_name(e.title) or None,  # D-154
                    tune_up=e.tune_up,
                )
            )
        else:
            runs.append(
                PlannedRun(
                    date=e.date,
                    kind=e.kind,
                    detail=e.detail,
                    title=e.title,
                    start=e.start,
                    distance_km=e.distance_km,
                    uid=e.uid,
                )
            )
    return by_source


def _athlete(doc: AthleteDoc) -> _Athlete:
    """A validated athlete document as the records the repositories write."""
    from calfcoach.profile_io import profile_from_data

    plans = []
    for item in doc.plans:
        plan = plan_from_dict(item.plan)
        plans.append(
            _Plan(
                created_at=item.created_at,
                active=item.active,
                plan=plan,
                profile=profile_from_data(item.inputs.profile),
                catalog_version=item.inputs.catalog_version,
                sessions=len(plan.sessions),
                given=[
                    FixedSession(
                        date=g.date,
                        version=g.version,
                        fixed_at=g.fixed_at,
                        reason=g.reason,
                        session=session_from_dict(g.session),
                    )
                    for g in item.given
                ],
            )
        )
    sessions = [
        _SessionLog(
            date=s.date,
            status=s.status,
            moved_to=s.moved_to,
            plan_session=s.plan_session,
            created_at=s.created_at,
            sets=[
                LoggedSet(date=s.date, **{key: getattr(x, key) for key in SET_KEYS}) for x in s.sets
            ],
        )
        for s in doc.sessions
    ]
    return _Athlete(
        name=doc.name,
        created_at=doc.created_at,
        profile=profile_from_data(doc.profile),
        plans=plans,
        sessions=sessions,
        checkins=[
            CheckIn(c.date, c.pain, c.stiffness, red_flags=frozenset(c.red_flags))
            for c in doc.checkins
        ],
        tests=[
            CapacityTest(date=t.date, left=t.left, right=t.right, knee=t.knee) for t in doc.tests
        ],
        notes=[(n.date, n.text, n.created_at) for n in doc.notes],
        hop_tests=[
            HopTest(date=h.date, hops=h.hops, pain=h.pain, side=h.side) for h in doc.hop_tests
        ],
        clearances=[Clearance(date=c.date, note=c.note) for c in doc.clearances],
        runs=[(Activity.model_validate(r.activity, context={STORED: True}), r) for r in doc.runs],
        events=_events(doc),
    )


# --------------------------------------------------------------------------- import


@dataclass(frozen=True, slots=True)
class ImportResult:
    athletes: tuple[str, ...]
    sets: int
    warnings: tuple[str, ...] = ()
    """Lines to show the person (an old file without a checksum)."""


class _Clock:
    """The unit of work's clock, set to each record's creation time before it is written."""

    def __init__(self) -> None:
        self.now = dt.datetime.now(dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.now


def import_document(
    ctx: ServiceContext,
    actor: Actor,
    document: Mapping[str, Any],
    *,
    today: dt.date | None = None,
) -> ImportResult:
    """Validate the whole document (``import_model``: the CLI's limits; a log dated after
    ``today``, the real today, is refused), then write it in ONE transaction (all or nothing).

    An athlete whose name is already taken is refused (nothing is written).
    """
    ensure_can(actor, None, "manage")
    athletes = [_athlete(item) for item in validate_document(document, today=today).athletes]
    names = [a.name for a in athletes]
    clock = _Clock()
    total = 0
    with ctx.unit_of_work(clock=clock) as uow:
        for index, athlete in enumerate(athletes):
            if uow.athletes.find(athlete.name) is not None:
                raise InputError(
                    f"athletes[{index}].name: an athlete named {athlete.name!r} already exists "
                    "in this database; allowed: a name not yet used (nothing was imported)"
                )
            total += _write_athlete(uow, clock, athlete)
        uow.commit()
    return ImportResult(athletes=tuple(names), sets=total)


def _write_athlete(uow: AbstractUnitOfWork, clock: _Clock, athlete: _Athlete) -> int:
    clock.now = athlete.created_at
    stored = uow.athletes.add(athlete.name, athlete.profile)
    # The active plan goes in last: adding a plan makes it the active one.
    order = sorted(range(len(athlete.plans)), key=lambda i: (athlete.plans[i].active, i))
    session_ids: dict[int, list[int]] = {}
    for index in order:
        plan = athlete.plans[index]
        clock.now = plan.created_at
        added = uow.plans.add(
            stored.id, plan.plan, plan.profile, catalog_version=plan.catalog_version
        )
        session_ids[index] = [s.id for s in uow.plans.sessions(added.id)]
        for fixed in plan.given:  # R-HIST: the past as it was given, not walked afresh
            uow.history.restore(stored.id, added.id, fixed)
    total = 0
    for session in athlete.sessions:
        clock.now = session.created_at
        ref = session.plan_session
        uow.logs.log_session(
            stored.id,
            session.date,
            session.sets,
            status=session.status,  # type: ignore[arg-type]
            plan_session_id=session_ids[ref[0]][ref[1]] if ref else None,
            moved_to=session.moved_to,
        )
        total += len(session.sets)
    for checkin in athlete.checkins:
        uow.logs.add_checkin(stored.id, checkin)
    for test in athlete.tests:
        uow.logs.add_test(stored.id, test)
    for hop in athlete.hop_tests:
        uow.logs.add_hop_test(stored.id, hop)
    for clearance in athlete.clearances:
        uow.logs.add_clearance(stored.id, clearance)
    for date, text, created_at in athlete.notes:
        clock.now = created_at
        uow.logs.add_note(stored.id, date, text)
    for activity, run in athlete.runs:
        uow.runs.add(stored.id, activity, run.kind, run.kind_source, run.load, run.load_basis)
    for source, (planned_runs, races) in athlete.events.items():
        uow.runs.replace_events(stored.id, source, planned_runs, races)
    return total


def import_file(ctx: ServiceContext, actor: Actor, path: Path) -> ImportResult:
    """Import an export file; its size is checked before it is read (``MAX_IMPORT_BYTES``)."""
    try:
        with Path(path).open("rb") as handle:
            check_size(os.fstat(handle.fileno()).st_size, f"FILE: {Path(path).name}")
            data = handle.read(MAX_IMPORT_BYTES + 1)
    except OSError as exc:
        raise InputError(f"FILE: cannot read {str(path)!r} ({exc.strerror})") from None
    document, warnings = read_export(data, source=Path(path).name)
    result = import_document(ctx, actor, document)
    return replace(result, warnings=warnings)
