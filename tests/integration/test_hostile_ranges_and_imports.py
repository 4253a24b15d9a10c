"""Hostile input, second pass (SQLite and PostgreSQL): a from/to range given backwards, runs
no one can run, a calendar whose events cannot be read, and a JSON number of more than 4,300
digits. Each is refused with a message naming the field (or option), what was wrong and what
is allowed: exit 2 in the CLI, a 422 problem+json in the API, never a traceback; what was
stored before stays as it was."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from tests.activity_files import calendar_ics
from tests.integration import local_api
from tests.integration.cli_harness import Cli, make_demo_cli
from tests.integration.local_api import problem_at
from tests.integration.test_cli_voice import assert_refused
from tests.integration.web_pages import stored

LONG = "9" * 5000
"""A JSON whole number Python's parser will not read (more than 4,300 digits)."""


def tcx(
    start: str = "2026-05-20T06:30:00Z", seconds: float = 2400.0, meters: float = 8000.0
) -> bytes:
    """A one-lap TCX run with the lap's totals (what a watch writes)."""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2">
  <Activities><Activity Sport="Running"><Id>{start}</Id>
    <Lap StartTime="{start}"><TotalTimeSeconds>{seconds}</TotalTimeSeconds>
      <DistanceMeters>{meters}</DistanceMeters></Lap>
  </Activity></Activities>
</TrainingCenterDatabase>
""".encode()


IMPOSSIBLE = {
    "no-time.tcx": (
        tcx(seconds=0.0),
        "elapsed_s: 8.00 km in 0 s; allowed: more than 0 s for a run with a distance",
    ),
    "too-fast.tcx": (
        tcx(seconds=600.0, meters=10_000.0),
        "pace: 10.00 km in 600 s is 1:00 min/km, faster than any runner; "
        "allowed: 2:00 min/km or slower over more than 500 m",
    ),
    "too-far.tcx": (
        tcx(seconds=600_000.0, meters=1_500_000.0),
        "distance_m: 1,500.00 km in one run is more than anyone has run in a week; "
        "allowed: at most 1,200.00 km",
    ),
    "too-far-for-any.tcx": (
        tcx(seconds=600_000.0, meters=5_000_000.0),
        "distance_m: Input should be less than or equal to 2000000",
    ),
    "victorian.tcx": (
        tcx(start="1850-05-20T06:30:00Z"),
        "start: 1850-05-20 is out of range; allowed: 1900-01-01 to 2199-12-31",
    ),
    "future.tcx": (
        tcx(start="2150-05-20T06:30:00Z"),
        "start: 2150-05-20 is in the future; allowed: 1900-01-01 to ",
    ),
}


def write_runs(folder: Path) -> list[str]:
    folder.mkdir()
    (folder / "good.tcx").write_bytes(tcx())
    for name, (data, _) in IMPOSSIBLE.items():
        (folder / name).write_bytes(data)
    return [str(folder / "good.tcx"), *(str(folder / name) for name in IMPOSSIBLE)]


DAMAGED = (
    "BEGIN:VEVENT", "UID:bad-rule@plan", "DTSTART;VALUE=DATE:20260910", "RRULE:FREQ=FOO",
    "SUMMARY:Tempo run", "END:VEVENT",
    "BEGIN:VEVENT", "UID:no-start@plan", "SUMMARY:Long run 20 km", "END:VEVENT",
)  # fmt: skip
RESTS = tuple((f"202609{day:02d}", "Rest day") for day in range(10, 22))
"""12 events that are not runs."""


# --------------------------------------------------------------------------- fixtures


@pytest.fixture
def cli(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Cli:
    return make_demo_cli(database_url, tmp_path, monkeypatch)


app = local_api.app  # fixtures
client = local_api.client
athlete = local_api.athlete


# --------------------------------------------------------------------------- from after to


@pytest.mark.parametrize("command", [("sets",), ("runs", "list")])
def test_a_from_day_after_the_to_day_exits_2_naming_both_options_and_days(
    cli: Cli, command: tuple[str, ...]
) -> None:
    assert_refused(
        cli,
        (*command, "--from", "2026-03-10", "--to", "2026-03-01"),
        "--to: 2026-03-01 is before the first day, --from 2026-03-10; "
        "allowed: a day on or after 2026-03-10",
    )


def test_sets_from_and_to_on_the_same_day_or_in_order_still_list(cli: Cli) -> None:
    for first, last in (("2026-03-04", "2026-03-04"), ("2026-03-01", "2026-03-10")):
        result = cli("sets", "--from", first, "--to", last)
        assert result.code == 0, result.err


@pytest.mark.parametrize("resource", ["runs", "events"])
def test_the_api_refuses_a_from_after_to_as_a_422_naming_both_parameters(
    app: FastAPI, client: TestClient, athlete: int, resource: str
) -> None:
    response = client.get(
        f"/api/v1/athletes/{athlete}/{resource}", params={"from": "2026-09-10", "to": "2026-09-01"}
    )
    problem = problem_at(response, "to")
    assert problem["message"] == "2026-09-01 is before the first day, from 2026-09-10"
    assert problem["allowed"] == "a day on or after 2026-09-10"
    assert problem["value"] == "2026-09-01"


# --------------------------------------------------------------------------- runs no one can run


def test_runs_import_stores_the_possible_run_and_names_each_impossible_file(
    cli: Cli, tmp_path: Path
) -> None:
    cli.on("2026-06-01")
    paths = write_runs(tmp_path / "export")

    result = cli.run("runs", "import", *paths)

    assert result.code == 2, result.out
    assert "Traceback" not in result.out + result.err
    assert (
        f"Imported 1 run; 0 duplicates not stored again; {len(IMPOSSIBLE)} files with errors."
        in (result.out)
    )
    lines = result.err.splitlines()
    assert len(lines) == len(IMPOSSIBLE)
    for name, (_, reason) in IMPOSSIBLE.items():
        assert any(
            line.startswith("error: ") and name in line and reason in line for line in lines
        ), (
            name,
            result.err,
        )
    listed = json.loads(cli("runs", "list", "--format", "json").out)
    assert [(r["date"], r["distance_km"]) for r in listed] == [("2026-05-20", 8.0)]


def test_an_upload_of_impossible_runs_is_reported_per_file_and_only_the_possible_run_stored(
    app: FastAPI, client: TestClient, athlete: int
) -> None:
    files = [("files", ("good.tcx", tcx(), "text/xml"))] + [
        ("files", (name, data, "text/xml")) for name, (data, _) in IMPOSSIBLE.items()
    ]

    response = client.post(f"/api/v1/athletes/{athlete}/runs", files=files)

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["imported"] == 1
    errors = {e["source"]: e["message"] for e in body["errors"]}
    assert set(errors) == set(IMPOSSIBLE)
    for name, (_, reason) in IMPOSSIBLE.items():
        assert reason in errors[name], (name, errors[name])
    runs = client.get(f"/api/v1/athletes/{athlete}/runs").json()["items"]
    assert [r["distance_km"] for r in runs] == [8.0]


# --------------------------------------------------------------------------- calendars


def test_calendar_import_counts_the_events_that_are_not_runs_names_the_first_ten_and_exits_0(
    cli: Cli, tmp_path: Path
) -> None:
    cli.on("2026-09-01")
    path = tmp_path / "plan.ics"
    path.write_bytes(calendar_ics(("20260906", "Long run 24 km"), *RESTS))

    result = cli("calendar", "import", str(path))

    assert result.code == 0, result.err
    assert "Imported 1 planned run and 0 races" in result.out
    assert "Skipped 12 events (not runs); the first 10:" in result.out
    assert result.out.count("  skipped ") == 10
    assert "  ... and 2 more." in result.out
    assert "error:" not in result.err


def test_calendar_import_names_each_event_it_cannot_read_as_an_error_keeps_the_rest_and_exits_2(
    cli: Cli, tmp_path: Path
) -> None:
    """As `runs import` does with a bad file: the readable events are stored, each one that
    cannot be read is an `error:` line with its reason, and the exit code is 2 (it was 0, the
    damaged events mixed into the list of events that are not runs)."""
    cli.on("2026-09-01")
    path = tmp_path / "plan.ics"
    path.write_bytes(calendar_ics(("20260906", "Long run 24 km"), *RESTS, damaged=DAMAGED))

    result = cli.run("calendar", "import", str(path))

    assert result.exception is None
    assert result.code == 2, result.out
    assert "Imported 1 planned run and 0 races" in result.out
    assert "2 events that cannot be read" in result.out
    assert "Skipped 12 events (not runs); the first 10:" in result.out
    assert "cannot be read" not in result.out.split("Skipped", 1)[1]
    errors = [line for line in result.err.splitlines() if line.startswith("error: ")]
    assert errors == [
        "error: calendar: (no date) 'Long run 20 km': cannot be read: it has no start (DTSTART)",
        errors[1],
    ]
    assert errors[1].startswith(
        "error: calendar: 2026-09-10 'Tempo run': cannot be read (BadRuleStringFormat: "
    )
    events = cli.snapshot()["athletes"][0]["planned_events"]
    assert [(e["date"], e["kind"]) for e in events] == [("2026-09-06", "long")]


def test_a_calendar_upload_lists_every_skipped_event_with_why(
    app: FastAPI, client: TestClient, athlete: int
) -> None:
    soon = [dt.date.today() + dt.timedelta(days=n) for n in (5, 6, 7)]  # the app's real today
    days = [f"{d:%Y%m%d}" for d in soon]
    damaged = tuple(
        line.replace("20260910", days[2]) if line.startswith("DTSTART") else line
        for line in DAMAGED
    )
    data = calendar_ics((days[0], "Long run 24 km"), (days[1], "Rest day"), damaged=damaged)

    response = client.post(
        f"/api/v1/athletes/{athlete}/calendar", files={"file": ("plan.ics", data, "text/calendar")}
    )

    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["runs"], body["races"]) == (1, 0)
    skipped = body["skipped"]
    assert len(skipped) == 3
    assert f"{soon[1].isoformat()} 'Rest day': not a run: a rest day" in skipped
    assert "(no date) 'Long run 20 km': cannot be read: it has no start (DTSTART)" in skipped
    assert any(
        line.startswith(f"{soon[2].isoformat()} 'Tempo run': cannot be read (BadRuleStringFormat")
        for line in skipped
    )


ABSURD = (
    ("20260905", "Race 0 km"),
    ("20260906", "Long run 24 km"),
    ("20260907", "Race 10000 km"),
    ("20260908", "Race -5 km"),
    ("20260909", "Easy run 0 mi"),
    ("20260912", "10K race"),
    ("20240101", "Easy run"),  # long before the window (4 weeks back)
    ("20300101", "Marathon"),  # long after it (a year ahead)
)
OUT_OF_RANGE = "is out of range; allowed: more than 0 and at most 400 km"


def test_calendar_import_refuses_each_event_with_an_impossible_distance_and_says_what_lay_outside(
    cli: Cli, tmp_path: Path
) -> None:
    """hostile sweep, stop 29: 'Race 10000 km', 'Race 0 km' and 'Race -5 km' were imported
    (the last as a 5 km race), and events outside the window were passed over without a
    word. Each impossible distance is an error naming the event (D-208: exit 2, the readable
    events kept); the events outside are counted with the window, exit not changed by them."""
    cli.on("2026-09-01")
    path = tmp_path / "plan.ics"
    path.write_bytes(calendar_ics(*ABSURD))

    result = cli.run("calendar", "import", str(path))

    assert result.exception is None
    assert result.code == 2, result.out
    assert "Imported 1 planned run and 1 race" in result.out
    assert "4 events that cannot be read" in result.out
    assert (
        "2 events outside the import window (2026-08-04 to 2027-09-02: 4 weeks back, a year "
        "ahead) were not imported." in result.out
    )
    errors = [line for line in result.err.splitlines() if line.startswith("error: ")]
    assert errors == [
        f"error: calendar: 2026-09-05 'Race 0 km': its distance, 0 km, {OUT_OF_RANGE} "
        "(edit the title, or remove the event)",
        f"error: calendar: 2026-09-07 'Race 10000 km': its distance, 10000 km, {OUT_OF_RANGE} "
        "(edit the title, or remove the event)",
        f"error: calendar: 2026-09-08 'Race -5 km': its distance, -5 km, {OUT_OF_RANGE} "
        "(edit the title, or remove the event)",
        f"error: calendar: 2026-09-09 'Easy run 0 mi': its distance, 0 mi, {OUT_OF_RANGE} "
        "(edit the title, or remove the event)",
    ]
    events = cli.snapshot()["athletes"][0]["planned_events"]
    assert [(e["date"], e["kind"], e["distance_km"]) for e in events] == [
        ("2026-09-06", "long", 24.0),
        ("2026-09-12", "race", 10.0),
    ]


def test_a_calendar_import_inside_the_window_says_nothing_of_events_outside(
    cli: Cli, tmp_path: Path
) -> None:
    cli.on("2026-09-01")
    path = tmp_path / "plan.ics"
    path.write_bytes(calendar_ics(("20260906", "Long run 24 km")))
    result = cli("calendar", "import", str(path))
    assert result.code == 0 and "outside" not in result.out


TITLES = ("Course facile Hélène 10 km", "Long run Zürich 24 km")


@pytest.mark.parametrize(
    ("encoding", "bom", "read_as"),
    [
        ("latin-1", b"", "Windows-1252 (Latin-1)"),
        ("cp1252", b"", "Windows-1252 (Latin-1)"),
        ("utf-16-le", b"\xff\xfe", None),
        ("utf-16-be", b"\xfe\xff", None),
        ("utf-8", b"\xef\xbb\xbf", None),
    ],
)
def test_calendar_import_reads_a_latin_1_or_utf_16_file_with_its_titles_whole(
    cli: Cli, tmp_path: Path, encoding: str, bom: bytes, read_as: str | None
) -> None:
    """hostile sweep, stop 29: a UTF-16 file (with its byte order mark) was refused as 'not a
    valid iCalendar file' with a line of '?'s, and a Latin-1 one was stored with U+FFFD in
    place of each accented letter. A file that is not UTF-8 is read as Windows-1252 and
    says so; one with a BOM is read by its BOM."""
    cli.on("2026-09-01")
    path = tmp_path / "plan.ics"
    text = calendar_ics(("20260906", TITLES[0]), ("20260908", TITLES[1])).decode()
    path.write_bytes(bom + text.encode(encoding))

    result = cli("calendar", "import", str(path))

    assert result.code == 0, result.err
    events = cli.snapshot()["athletes"][0]["planned_events"]
    assert [e["title"] for e in events] == list(TITLES)
    said = "The file is not UTF-8: it was read as Windows-1252 (Latin-1); check that the titles"
    assert (said in result.out) == (read_as is not None)


def test_calendar_import_refuses_a_file_whose_byte_order_mark_is_not_its_encoding(
    cli: Cli, tmp_path: Path
) -> None:
    path = tmp_path / "plan.ics"
    path.write_bytes(b"\xff\xfe" + "BEGIN:VCALENDAR".encode("utf-16-le") + b"\x00\xd8")
    before = cli.snapshot()
    result = cli.run("calendar", "import", str(path))
    assert result.code == 2 and result.exception is None
    assert "calendar: the file starts with a UTF-16 byte order mark but is not UTF-16 text" in (
        result.err
    )
    assert "allowed: an .ics file in UTF-8, UTF-16 or Latin-1" in result.err
    assert cli.snapshot() == before


def test_calendar_import_refuses_a_utf_8_file_with_a_stray_byte_rather_than_garble_it(
    cli: Cli, tmp_path: Path
) -> None:
    path = tmp_path / "plan.ics"
    data = calendar_ics(("20260906", TITLES[0]), ("20260908", TITLES[1]))
    path.write_bytes(data.replace(b"24 km", b"24 km \xff"))  # UTF-8 letters, and one 0xFF
    before = cli.snapshot()
    result = cli.run("calendar", "import", str(path))
    assert result.code == 2 and result.exception is None
    assert "calendar: the file is UTF-8 text with a byte that is not UTF-8 (at byte " in result.err
    assert cli.snapshot() == before


def test_a_utf_16_calendar_upload_is_read(app: FastAPI, client: TestClient, athlete: int) -> None:
    day = f"{dt.date.today() + dt.timedelta(days=5):%Y%m%d}"
    data = calendar_ics((day, TITLES[1])).decode().encode("utf-16")  # with its BOM
    response = client.post(
        f"/api/v1/athletes/{athlete}/calendar", files={"file": ("plan.ics", data, "text/calendar")}
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert [e["title"] for e in body["events"]] == [TITLES[1]]
    assert (body["encoding"], body["encoding_message"]) == ("UTF-16", None)


def test_a_calendar_upload_lists_impossible_distances_and_counts_the_events_outside_the_window(
    app: FastAPI, client: TestClient, athlete: int
) -> None:
    today = dt.date.today()  # the app's real today
    days = [f"{today + dt.timedelta(days=n):%Y%m%d}" for n in (5, 6, 900)]
    data = calendar_ics((days[0], "Race 10000 km"), (days[1], "Long run 24 km"), (days[2], "Run"))

    response = client.post(
        f"/api/v1/athletes/{athlete}/calendar", files={"file": ("plan.ics", data, "text/calendar")}
    )

    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["runs"], body["races"]) == (1, 0)
    assert body["skipped"] == [
        f"{today + dt.timedelta(days=5)} 'Race 10000 km': its distance, 10000 km, {OUT_OF_RANGE} "
        "(edit the title, or remove the event)"
    ]
    assert body["outside"] == 1
    first, last = today - dt.timedelta(days=28), today + dt.timedelta(days=366)
    assert body["outside_message"] == (
        f"1 event outside the import window ({first} to {last}: 4 weeks back, a year ahead) "
        "was not imported"
    )


# --------------------------------------------------------------------------- long numbers


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("sets", f'{{"exercise":"jump-rope","set_number":1,"contacts":{LONG}}}', "contacts"),
        ("checkins", f'{{"pain":{LONG},"stiffness":0}}', "pain"),
        ("checkins", f'{{"pain":0,"stiffness":-{LONG}}}', "stiffness"),
        ("sets", LONG, "body"),
    ],
)
def test_a_number_of_more_than_4300_digits_is_a_422_problem_naming_its_field(
    app: FastAPI, client: TestClient, athlete: int, path: str, body: str, field: str
) -> None:
    before = stored(app)
    response = client.post(
        f"/api/v1/athletes/{athlete}/{path}",
        content=body.encode(),
        headers={"content-type": "application/json"},
    )
    problem = problem_at(response, field)
    sign = "-" if f"-{LONG}" in body else ""
    assert problem["message"] == f"{sign}1e+5000 is out of range (more than 4,300 digits)"
    assert problem["value"] == f"{sign}1e+5000"
    assert problem["allowed"] == "a number of at most 4,300 digits, within the field's range"
    assert len(response.content) < 2000  # the number is not echoed
    assert stored(app) == before


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            b'{"pain":0,"stiffness":0,"note":"\xff"}',
            "is not valid UTF-8 (byte 0xff at position 32)",
        ),
        (b"[" * 100_000, "is nested too deeply to read"),
    ],
)
def test_a_body_the_json_parser_gives_up_on_is_a_422_problem_not_a_plain_400(
    app: FastAPI, client: TestClient, athlete: int, body: bytes, message: str
) -> None:
    before = stored(app)
    response = client.post(
        f"/api/v1/athletes/{athlete}/checkins",
        content=body,
        headers={"content-type": "application/json"},
    )
    assert problem_at(response, "body")["message"] == message
    assert stored(app) == before


@pytest.mark.parametrize(
    ("body", "content_type", "message", "allowed"),
    [
        # A UTF-16 byte order mark, then nothing: the parser's position, not a field "0".
        (b"\xff\xfe", "application/json", "is not valid JSON: Expecting value (at byte 0)", None),
        (b'{"pain": }', "application/json", "is not valid JSON: Expecting value (at byte 9)", None),
        (b"[1, 2]", "application/json", "is not a JSON object", None),
        (b'"pain"', "application/json", "is not a JSON object", None),
        (b"", "application/json", "missing", None),
        (b"pain=3", "application/x-www-form-urlencoded", "is not a JSON object", "(this request:"),
    ],
)
def test_a_body_that_is_not_a_json_object_is_named_as_the_body_with_what_is_allowed(
    app: FastAPI,
    client: TestClient,
    athlete: int,
    body: bytes,
    content_type: str,
    message: str,
    allowed: str | None,
) -> None:
    before = stored(app)
    response = client.post(
        f"/api/v1/athletes/{athlete}/checkins", content=body, headers={"content-type": content_type}
    )
    problem = problem_at(response, "body")
    assert problem["message"] == message
    assert problem["allowed"].startswith("a JSON object")
    if allowed is not None:
        assert allowed in problem["allowed"]
    assert stored(app) == before


# --------------------------------------------------------------------------- long numbers


LONG = "9" * 5000
"""A JSON whole number longer than Python reads (4,300 digits, ``sys.int_info``)."""


@pytest.mark.parametrize("command", ["athlete add", "plan", "import"])
def test_a_json_file_with_a_whole_number_of_5000_digits_is_refused_naming_the_limit(
    cli: Cli, tmp_path: Path, command: str
) -> None:
    """It said "Exceeds the limit (4300 digits) for integer string conversion ... use
    sys.set_int_max_str_digits() to increase the limit": Python's advice, not the user's."""
    demo = Path(__file__).resolve().parents[2] / "examples" / "demo-profile.json"
    path = tmp_path / "long.json"
    if command == "import":
        path.write_text(
            f'{{"format": "calfcoach-export", "format_version": {LONG}, "athletes": []}}'
        )
        args = ["import", str(path)]
    else:
        text = demo.read_text().replace('"birth_year": 1988', f'"birth_year": {LONG}')
        assert LONG in text
        path.write_text(text)
        args = [*command.split(), "--profile", str(path)]
    before = cli.snapshot()

    result = cli.run(*args)

    assert result.exception is None
    assert result.code == 2, result.out
    assert "long.json: a whole number of 5,000 digits; allowed: at most 4,300 digits" in (
        result.err
    )
    assert "sys.set_int_max_str_digits" not in result.err
    assert cli.snapshot() == before


# --------------------------------------------------------------------------- malformed addresses


BROKEN_ADDRESSES = ["https://[::1/plan.ics", "https://[not-an-ip]/plan.ics", "https://a]b/x.ics"]
"""Addresses Python's URL parser itself refuses (``ValueError: Invalid IPv6 URL``)."""


@pytest.mark.parametrize("address", BROKEN_ADDRESSES)
def test_calendar_import_of_a_malformed_address_exits_2_saying_it_is_not_an_https_address(
    cli: Cli, address: str
) -> None:
    before = cli.snapshot()

    result = cli.run("calendar", "import", address)

    assert result.exception is None  # was an internal error, exit 70
    assert result.code == 2, result.out
    assert f"calendar: {address!r} is not an https address" in result.err
    assert cli.snapshot() == before


@pytest.mark.parametrize("address", BROKEN_ADDRESSES)
def test_a_calendar_upload_naming_a_malformed_address_is_a_422_at_the_url_field(
    client: TestClient, athlete: int, address: str
) -> None:
    response = client.post(f"/api/v1/athletes/{athlete}/calendar", data={"url": address})

    assert response.status_code == 422, response.text  # was a 500
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "is not an https address" in response.json()["detail"]


@pytest.mark.parametrize("origin", ["http://[::1", "https://a]b"])
@pytest.mark.parametrize("path", ["/api/v1/athletes/{athlete}/notes", "/checkin"])
def test_a_malformed_origin_header_is_refused_as_another_site_not_a_500(
    client: TestClient, athlete: int, origin: str, path: str
) -> None:
    """The Origin header of a POST is read to refuse another site's request (CSRF); one
    the URL parser refuses made every POST a 500."""
    url = path.format(athlete=athlete)
    if url.startswith("/api/"):
        response = client.post(url, json={"text": "x"}, headers={"Origin": origin})
    else:
        form = {"date": dt.date.today().isoformat(), "pain": "1", "stiffness": "1"}
        response = client.post(url, data=form, headers={"Origin": origin})

    assert response.status_code == 403, response.text
    if url.startswith("/api/"):
        assert response.headers["content-type"].startswith("application/problem+json")
        notes = client.get(f"/api/v1/athletes/{athlete}/notes").json()
        assert (notes["plan_note"], notes["comments"]) == (None, [])
