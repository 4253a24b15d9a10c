"""FIT activity files made with the FIT encoder (garmin-fit-sdk), for tests and the benchmark,
and the calendar files (iCalendar) of planned runs the runs' tests import.

``fit_run`` imitates what different watches write: Garmin (session, laps, timer events,
activity message with local time), a device that never closed the file (records only),
indoor runs without GPS (treadmill sub-sport), developer fields (a running-power pod),
pauses (timer stop/start) and interval sessions (fast and slow minutes).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from garmin_fit_sdk import Encoder, Profile

MESG = Profile["mesg_num"]
FIT_EPOCH = dt.datetime(1989, 12, 31, tzinfo=dt.UTC)


@dataclass
class RunSpec:
    start: dt.datetime
    minutes: float = 40
    speed_mps: float = 3.0
    interval_speed_mps: float | None = None  # alternate fast and slow minutes
    heart_rate: int | None = 140
    gps: bool = True
    pauses: list[tuple[float, float]] = field(default_factory=list)  # (at minute, seconds)
    session: bool = True
    developer_power: bool = False
    manufacturer: str = "garmin"
    sport: str = "running"
    sub_sport: str = "generic"
    utc_offset_h: float = 1.0
    seed: int = 0
    record_every_s: int = 1


def fit_run(spec: RunSpec) -> bytes:
    rng = random.Random(spec.seed)
    encoder = Encoder()
    power_key = 0
    if spec.developer_power:
        developer = {
            "mesg_num": MESG["DEVELOPER_DATA_ID"],
            "developer_data_index": 0,
            "application_version": 1,
        }
        description = {
            "mesg_num": MESG["FIELD_DESCRIPTION"],
            "developer_data_index": 0,
            "field_definition_number": 0,
            "fit_base_type_id": 0x84,  # uint16
            "field_name": "Power",
            "units": "Watts",
        }
        encoder.add_developer_field(power_key, developer, description)
    start = spec.start
    encoder.write_mesg(
        {
            "mesg_num": MESG["FILE_ID"],
            "type": "activity",
            "manufacturer": spec.manufacturer,
            "product": 1,
            "serial_number": 1000 + spec.seed,
            "time_created": start,
        }
    )
    if spec.developer_power:
        encoder.write_mesg(developer)
        encoder.write_mesg(description)
    encoder.write_mesg(
        {"mesg_num": MESG["EVENT"], "timestamp": start, "event": "timer", "event_type": "start"}
    )
    total = int(spec.minutes * 60)
    pauses = sorted((int(m * 60), int(s)) for m, s in spec.pauses)
    t = 0  # seconds of running
    clock = start
    distance = 0.0
    timer = 0.0
    heart = spec.heart_rate
    while t <= total:
        if pauses and t >= pauses[0][0]:
            _, seconds = pauses.pop(0)
            encoder.write_mesg(
                {
                    "mesg_num": MESG["EVENT"],
                    "timestamp": clock,
                    "event": "timer",
                    "event_type": "stop_all",
                }
            )
            clock += dt.timedelta(seconds=seconds)
            encoder.write_mesg(
                {
                    "mesg_num": MESG["EVENT"],
                    "timestamp": clock,
                    "event": "timer",
                    "event_type": "start",
                }
            )
        speed = spec.speed_mps
        if spec.interval_speed_mps is not None and (t // 60) % 2 == 1:
            speed = spec.interval_speed_mps
        speed *= 1 + rng.uniform(-0.03, 0.03)
        record: dict[str, object] = {
            "mesg_num": MESG["RECORD"],
            "timestamp": clock,
            "distance": round(distance, 2),
            "speed": round(speed, 3),
        }
        if heart is not None:
            target = heart + (25 if speed > spec.speed_mps * 1.2 else 0)
            record["heart_rate"] = max(40, min(220, target + rng.randint(-3, 3)))
        if spec.gps:
            record["position_lat"] = 600_000_000 + int(distance * 100)
            record["position_long"] = 100_000_000
        if spec.developer_power:
            record["developer_fields"] = {power_key: int(speed * 80)}
        encoder.write_mesg(record)
        step = spec.record_every_s
        distance += speed * step
        timer += step
        t += step
        clock += dt.timedelta(seconds=step)
    end = clock
    elapsed = (end - start).total_seconds()
    if spec.session:
        encoder.write_mesg(
            {
                "mesg_num": MESG["EVENT"],
                "timestamp": end,
                "event": "timer",
                "event_type": "stop_all",
            }
        )
        session: dict[str, object] = {
            "mesg_num": MESG["SESSION"],
            "timestamp": end,
            "start_time": start,
            "sport": spec.sport,
            "sub_sport": spec.sub_sport,
            "total_elapsed_time": elapsed,
            "total_timer_time": timer,
            "total_distance": round(distance, 1),
        }
        if heart is not None:
            session["avg_heart_rate"] = heart
            session["max_heart_rate"] = heart + 30
        encoder.write_mesg(session)
        local = end + dt.timedelta(hours=spec.utc_offset_h)
        encoder.write_mesg(
            {
                "mesg_num": MESG["ACTIVITY"],
                "timestamp": end,
                "num_sessions": 1,
                "type": "manual",
                "total_timer_time": timer,
                "local_timestamp": int((local - FIT_EPOCH).total_seconds()),
            }
        )
    return encoder.close()


def year_of_runs(first: dt.date, count: int = 300, seed: int = 7) -> list[tuple[str, bytes]]:
    """About a year of runs (easy, long and interval days), as FIT files, for the bench."""
    rng = random.Random(seed)
    files = []
    day = first
    for i in range(count):
        day += dt.timedelta(days=rng.choice((1, 1, 1, 2)))
        kind = i % 6
        spec = RunSpec(
            start=dt.datetime.combine(day, dt.time(6, 30), tzinfo=dt.UTC),
            minutes=100 if kind == 5 else rng.uniform(30, 55),
            speed_mps=rng.uniform(2.8, 3.3),
            interval_speed_mps=4.4 if kind == 2 else None,
            heart_rate=rng.choice((None, 138, 145)),
            gps=kind != 4,
            sub_sport="treadmill" if kind == 4 else "generic",
            pauses=[(10, 45)] if kind == 1 else [],
            seed=i,
        )
        files.append((f"run-{i:03d}.fit", fit_run(spec)))
    return files


def calendar_ics(
    *events: tuple[str, str], damaged: tuple[str, ...] = (), stamp: str = "20260801T000000Z"
) -> bytes:
    """An iCalendar file with one all-day event per (day as ``YYYYMMDD``, title), each
    stamped ``stamp``, then the ``damaged`` lines as they are (events a reader cannot read)."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//EN"]
    for n, (day, title) in enumerate(events):
        lines += [
            "BEGIN:VEVENT",
            f"UID:e{n}@plan",
            f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{day}",
            f"SUMMARY:{title}",
            "END:VEVENT",
        ]
    lines += damaged
    lines.append("END:VCALENDAR")
    return ("\r\n".join(lines) + "\r\n").encode()
