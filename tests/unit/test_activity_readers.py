"""Activity files (issue 10, item 1): FIT, GPX and TCX as real devices and services write
them, folders and bulk-export archives, and the refusals (entities, bombs, oversize)."""

from __future__ import annotations

import datetime as dt
import gzip
import io
import re
import zipfile
from pathlib import Path

import pytest
from tests.activity_files import RunSpec, fit_run

from calfcoach.formats.activities import (
    MAX_FILE_BYTES,
    ActivityFileError,
    read_activity_bytes,
    read_fit,
    read_gpx,
    read_paths,
    read_tcx,
)
from calfcoach.formats.activities import archive as archive_module

DATA = Path(__file__).resolve().parents[1] / "data" / "activities"
START = dt.datetime(2026, 3, 1, 6, 30, tzinfo=dt.UTC)


def data(name: str) -> bytes:
    return (DATA / name).read_bytes()


# --------------------------------------------------------------------------- FIT


def test_a_garmin_fit_run_gives_its_session_totals_heart_rate_and_local_offset() -> None:
    (run,) = read_fit("run.fit", fit_run(RunSpec(START, minutes=40, utc_offset_h=-5)))
    assert run.start == START and run.sport == "running" and not run.indoor
    assert run.moving_s == pytest.approx(2401, abs=1)
    assert run.distance_m == pytest.approx(7200, rel=0.02)
    assert run.heart_rate is not None and run.heart_rate.max_bpm == 170  # the session's
    assert run.utc_offset_s == -5 * 3600
    assert run.local_date == dt.date(2026, 3, 1)
    assert run.pace is not None and run.pace.cv is not None and run.pace.cv < 0.05


def test_a_fit_pause_counts_in_elapsed_time_but_not_in_moving_time() -> None:
    (run,) = read_fit("p.fit", fit_run(RunSpec(START, minutes=30, pauses=[(10, 300)])))
    assert run.elapsed_s - run.moving_s == pytest.approx(300, abs=2)
    assert run.duration_s == run.moving_s


def test_a_treadmill_fit_without_gps_or_heart_rate_is_an_indoor_run() -> None:
    spec = RunSpec(START, gps=False, heart_rate=None, sub_sport="treadmill")
    (run,) = read_fit("t.fit", fit_run(spec))
    assert run.indoor and run.heart_rate is None and run.sport == "running"


def test_developer_fields_from_a_power_pod_do_not_disturb_the_reading() -> None:
    plain = read_fit("a.fit", fit_run(RunSpec(START, seed=3)))[0]
    with_power = read_fit("b.fit", fit_run(RunSpec(START, seed=3, developer_power=True)))[0]
    assert with_power.moving_s == plain.moving_s and with_power.distance_m == plain.distance_m


def test_a_fit_file_the_device_never_closed_is_read_from_its_records_with_a_guessed_sport() -> None:
    (run,) = read_fit("c.fit", fit_run(RunSpec(START, minutes=20, session=False)))
    assert run.sport == "running" and run.sport_guessed
    assert run.moving_s == pytest.approx(1200, abs=2)
    assert run.utc_offset_s is None


def test_a_wahoo_fit_file_reads_like_a_garmin_one() -> None:
    (run,) = read_fit("w.fit", fit_run(RunSpec(START, manufacturer="wahoo_fitness")))
    assert run.sport == "running" and run.distance_m is not None


def test_intervals_in_a_fit_file_show_as_a_large_pace_variation() -> None:
    (run,) = read_fit("i.fit", fit_run(RunSpec(START, interval_speed_mps=4.6)))
    assert run.pace is not None and run.pace.cv is not None and run.pace.cv > 0.15


def test_a_fit_workout_file_is_refused_as_not_an_activity() -> None:
    from calfcoach.core.models import Prescription, Session
    from calfcoach.formats.fit_workout import session_to_fit

    session = Session(
        dt.date(2026, 3, 2),
        1,
        False,
        "S",
        (Prescription("pogo-hops", "plyometric", 2, contacts=50),),
    )
    with pytest.raises(ActivityFileError, match="FIT workout file, not an activity"):
        read_fit("w.fit", session_to_fit(session, {}))


def test_bytes_that_are_not_fit_are_refused_with_the_file_name() -> None:
    with pytest.raises(ActivityFileError, match=r"^x\.fit: not a FIT file"):
        read_fit("x.fit", b"hello, this is not a fit file at all")


def test_a_fit_file_with_a_wrong_checksum_is_refused_as_damaged() -> None:
    blob = bytearray(fit_run(RunSpec(START, minutes=5)))
    blob[-1] ^= 0xFF
    with pytest.raises(ActivityFileError, match="damaged FIT file"):
        read_fit("crc.fit", bytes(blob))


def test_the_same_content_gives_the_same_fingerprint_and_another_one_another() -> None:
    a = read_fit("a.fit", fit_run(RunSpec(START, seed=1)))[0]
    b = read_fit("b.fit", fit_run(RunSpec(START, seed=1)))[0]
    c = read_fit("c.fit", fit_run(RunSpec(START, seed=2)))[0]
    assert a.fingerprint == b.fingerprint != c.fingerprint


# --------------------------------------------------------------------------- GPX and TCX


def test_a_garmin_connect_gpx_gives_distance_from_positions_and_heart_rate_from_extensions() -> (
    None
):
    (run,) = read_gpx("g.gpx", data("garmin_connect_easy_run.gpx"))
    assert run.sport == "running" and not run.sport_guessed
    assert run.moving_s == 1800 and run.distance_m == pytest.approx(5220, rel=0.01)
    assert run.heart_rate is not None and 132 <= run.heart_rate.avg_bpm <= 138


def test_a_strava_gpx_with_its_numeric_type_and_two_segments_has_a_pause() -> None:
    (run,) = read_gpx("s.gpx", data("strava_run_with_pause.gpx"))
    assert run.sport == "running"
    assert (run.elapsed_s, run.moving_s) == (1500, 1200)
    assert run.heart_rate is not None and run.heart_rate.max_bpm == 150


def test_a_gpx_route_without_times_is_refused_as_not_a_recorded_run() -> None:
    with pytest.raises(ActivityFileError, match="no times"):
        read_gpx("r.gpx", data("route_without_times.gpx"))


def _gpx_with(attribute: str, value: str, *, points: int | None = 1) -> bytes:
    """The Garmin GPX with the ``attribute`` (lat or lon) of its first ``points`` track
    points (None: every point) set to ``value``."""
    text = data("garmin_connect_easy_run.gpx").decode()
    head, marker, rest = text.partition("<trkpt ")
    parts = rest.split("<trkpt ")
    count = len(parts) if points is None else points
    changed = [
        re.sub(rf'{attribute}="[^"]*"', f'{attribute}="{value}"', part, count=1)
        if index < count
        else part
        for index, part in enumerate(parts)
    ]
    return (head + marker + "<trkpt ".join(changed)).encode()


@pytest.mark.parametrize(
    ("attribute", "value", "points", "allowed"),
    [
        ("lat", "91", None, "-90 to 90"),  # was stored as a run of 0 km, 0 s and load 0
        ("lat", "1e308", None, "-90 to 90"),
        ("lat", "91", 1, "-90 to 90"),  # was "distance_m: ... less than or equal to 2000000"
        ("lat", "nan", 1, "-90 to 90"),
        ("lat", "inf", 1, "-90 to 90"),  # was a ValueError: math domain error
        ("lon", "500", 1, "-180 to 180"),
        ("lon", "-inf", 1, "-180 to 180"),
    ],
)
def test_a_gpx_track_point_off_the_globe_refuses_the_file_naming_the_point_and_the_range(
    attribute: str, value: str, points: int | None, allowed: str
) -> None:
    word = {"lat": "latitude", "lon": "longitude"}[attribute]

    with pytest.raises(ActivityFileError) as caught:
        read_gpx("g.gpx", _gpx_with(attribute, value, points=points))

    message = str(caught.value)
    assert message.startswith("g.gpx: track point 1: "), message
    assert f"{word} {float(value):g} is not on the globe; allowed: {allowed}" in message


def test_a_polar_treadmill_tcx_without_positions_is_indoor_and_keeps_the_lap_totals() -> None:
    (run,) = read_tcx("p.tcx", data("polar_treadmill.tcx"))
    assert run.indoor and run.sport == "running"
    assert (run.moving_s, run.distance_m) == (2100, 5880)
    assert run.heart_rate is not None and run.heart_rate.avg_bpm == 133


def test_a_garmin_tcx_with_offset_times_is_stored_in_utc() -> None:
    (run,) = read_tcx("g.tcx", data("garmin_intervals.tcx"))
    assert run.start == dt.datetime(2026, 5, 9, 5, 0, tzinfo=dt.UTC)
    assert run.pace is not None and run.pace.cv is not None and run.pace.cv > 0.15


def test_a_tcx_saying_other_without_heart_rate_or_lap_totals_gets_a_guessed_sport() -> None:
    (run,) = read_tcx("s.tcx", data("suunto_other_no_hr.tcx"))
    assert run.sport == "running" and run.sport_guessed
    assert run.heart_rate is None and run.distance_m == pytest.approx(4500)
    assert run.start.tzinfo is not None  # a time without a zone is read as UTC


@pytest.mark.parametrize(
    ("name", "kind"), [("billion_laughs.gpx", "GPX"), ("external_entity.tcx", "TCX")]
)
def test_xml_with_a_dtd_or_entities_is_refused_with_a_message(name: str, kind: str) -> None:
    with pytest.raises(ActivityFileError, match=f"{kind} file refused: it declares a DTD"):
        read_activity_bytes(name, data(name))


def test_a_file_of_an_unknown_kind_is_refused_naming_what_is_allowed() -> None:
    with pytest.raises(ActivityFileError, match=r"allowed: \.fit, \.gpx, \.tcx"):
        read_activity_bytes("notes.txt", b"hello")


# --------------------------------------------------------------------------- batches


def test_a_folder_is_read_file_by_file_and_a_bad_file_does_not_stop_the_batch(
    tmp_path: Path,
) -> None:
    (tmp_path / "a.fit").write_bytes(fit_run(RunSpec(START, minutes=10)))
    (tmp_path / "b.fit").write_bytes(b"garbage")
    (tmp_path / "c.gpx").write_bytes(data("garmin_connect_easy_run.gpx"))
    (tmp_path / "readme.json").write_text("{}")  # not an activity file: not listed
    seen: list[tuple[int, int, str]] = []
    results = list(read_paths([tmp_path], lambda d, t, n: seen.append((d, t, n))))
    assert [Path(r.source).name for r in results] == ["a.fit", "b.fit", "c.gpx"]
    assert [r.ok for r in results] == [True, False, True]
    assert [(d, t) for d, t, _ in seen] == [(1, 3), (2, 3), (3, 3)]


def test_a_missing_path_is_one_error_and_the_others_are_still_read(tmp_path: Path) -> None:
    (tmp_path / "a.fit").write_bytes(fit_run(RunSpec(START, minutes=10)))
    results = list(read_paths([tmp_path / "nope.fit", tmp_path / "a.fit"]))
    assert results[0].error is not None and "no such file" in str(results[0].error)
    assert results[1].ok


def strava_export(tmp_path: Path) -> Path:
    path = tmp_path / "export_12345.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("activities.csv", "Activity ID,Activity Date\n1,2026\n")
        z.writestr("activities/111.fit.gz", gzip.compress(fit_run(RunSpec(START, minutes=10))))
        z.writestr("activities/222.gpx", data("strava_run_with_pause.gpx"))
        z.writestr("activities/333.tcx.gz", gzip.compress(data("polar_treadmill.tcx")))
        z.writestr("activities/444.fit.gz", b"not gzip")
    return path


def test_a_strava_bulk_export_reads_its_gzipped_members_and_reports_the_bad_one(
    tmp_path: Path,
) -> None:
    results = list(read_paths([strava_export(tmp_path)]))
    names = [r.source.rsplit("/", 1)[-1] for r in results]
    assert names == ["111.fit.gz", "222.gpx", "333.tcx.gz", "444.fit.gz"]
    assert [r.ok for r in results] == [True, True, True, False]
    assert "not a valid gzip file" in str(results[3].error)


def test_a_gzipped_file_has_the_fingerprint_of_its_content() -> None:
    raw = fit_run(RunSpec(START, minutes=5))
    assert (
        read_activity_bytes("a.fit.gz", gzip.compress(raw))[0].fingerprint
        == read_activity_bytes("a.fit", raw)[0].fingerprint
    )


def test_a_garmin_export_with_a_zip_inside_the_zip_is_read_one_level_deep(
    tmp_path: Path,
) -> None:
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as z:
        z.writestr("user_123_1.fit", fit_run(RunSpec(START, minutes=10, seed=1)))
        z.writestr("user_123_2.fit", fit_run(RunSpec(START, minutes=12, seed=2)))
    deeper = io.BytesIO()
    with zipfile.ZipFile(deeper, "w") as z:
        z.writestr("x.zip", b"PK")
    path = tmp_path / "garmin.zip"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("DI_CONNECT/DI-Connect-Fitness/profile.json", "{}")
        z.writestr(
            "DI_CONNECT/DI-Connect-Uploaded-Files/UploadedFiles_0-_Part1.zip", inner.getvalue()
        )
    results = list(read_paths([path]))
    assert [r.ok for r in results] == [True, True]
    assert results[0].source.endswith("UploadedFiles_0-_Part1.zip/user_123_1.fit")


def test_a_zip_bomb_member_is_refused_by_its_ratio_without_inflating_it(tmp_path: Path) -> None:
    path = tmp_path / "bomb.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("activities/bomb.gpx", b"\0" * (20 * 1024 * 1024))
        z.writestr("activities/ok.fit", fit_run(RunSpec(START, minutes=5)))
    results = list(read_paths([path]))
    assert not results[0].ok and "zip bomb" in str(results[0].error)
    assert results[1].ok


def test_a_gzip_bomb_is_refused_by_its_ratio() -> None:
    with pytest.raises(ActivityFileError, match="zip bomb"):
        read_activity_bytes("a.gpx.gz", gzip.compress(b" " * (8 * 1024 * 1024)))


def test_an_oversized_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    big = tmp_path / "big.fit"
    with big.open("wb") as handle:
        handle.truncate(MAX_FILE_BYTES + 1)  # sparse: no real disk used
    (result,) = read_paths([big])
    assert result.error is not None and "too large" in str(result.error)


def test_an_archive_whose_members_add_up_past_the_limit_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(archive_module, "MAX_ARCHIVE_BYTES", 1000)
    path = tmp_path / "big.zip"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("a.gpx", b"x" * 600)
        z.writestr("b.gpx", b"x" * 600)
    (result,) = read_paths([path])
    assert result.error is not None and "add up to 1,200 bytes" in str(result.error)


def test_a_file_that_is_not_a_zip_is_one_error(tmp_path: Path) -> None:
    path = tmp_path / "fake.zip"
    path.write_bytes(b"not a zip")
    (result,) = read_paths([path])
    assert result.error is not None and "not a readable zip archive" in str(result.error)


def test_a_fit_summary_without_records_gives_the_session_totals_and_no_pace_variation() -> None:
    from garmin_fit_sdk import Encoder, Profile

    mesg = Profile["mesg_num"]
    encoder = Encoder()
    encoder.write_mesg(
        {
            "mesg_num": mesg["FILE_ID"],
            "type": "activity",
            "manufacturer": "polar_electro",
            "time_created": START,
        }
    )
    encoder.write_mesg(
        {
            "mesg_num": mesg["SESSION"],
            "timestamp": START + dt.timedelta(minutes=50),
            "start_time": START,
            "sport": "running",
            "total_elapsed_time": 3000.0,
            "total_timer_time": 2900.0,
            "total_distance": 9000.0,
            "avg_heart_rate": 150,
        }
    )
    (run,) = read_fit("summary.fit", encoder.close())
    assert (run.elapsed_s, run.moving_s, run.distance_m) == (3000, 2900, 9000)
    assert run.pace is not None and run.pace.cv is None and not run.indoor
    assert run.heart_rate is not None and run.heart_rate.avg_bpm == 150
