"""FIT activities (Garmin, Wahoo, Coros, Suunto, Polar...), read with Garmin's own
``garmin-fit-sdk`` decoder: one ``Activity`` per session message (a multisport file holds
several). Pauses come from the timer events; totals from the session message when the
device wrote one, else from the records."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from garmin_fit_sdk import Decoder, Stream

from calfcoach.core.running import Activity, Sample, Sport
from calfcoach.formats.activities.common import ActivityFileError, build_activity, check_size

__all__ = ["decode", "read_fit"]

INDOOR_SUB_SPORTS = frozenset({"treadmill", "indoor_running", "virtual_activity", "indoor_walking"})
SPORTS: dict[str, Sport] = {
    "running": "running",
    "walking": "walking",
    "hiking": "hiking",
    "cycling": "cycling",
    "e_biking": "cycling",
    "swimming": "swimming",
}

Messages = dict[str, list[dict[str, Any]]]


def decode(source: str, data: bytes) -> Messages:
    """The decoded messages, or one clear error: not FIT, damaged, or not an activity."""
    check_size(source, len(data))
    stream = Stream.from_byte_array(bytearray(data))
    decoder = Decoder(stream)
    if not decoder.is_fit():
        raise ActivityFileError(source, "not a FIT file (no FIT file header)")
    try:
        messages, errors = decoder.read()
    except (RecursionError, MemoryError) as error:  # read() catches every other Exception
        raise ActivityFileError(source, f"damaged FIT file ({type(error).__name__})") from None
    if errors:
        raise ActivityFileError(source, f"damaged FIT file: {_first_line(errors[0])}")
    return cast(Messages, messages)


def _first_line(error: object) -> str:
    text = str(error).strip().splitlines()
    line = text[0] if text else type(error).__name__
    return line if len(line) <= 200 else line[:197] + "..."


def file_type(messages: Messages) -> str | None:
    ids = messages.get("file_id_mesgs") or [{}]
    value = ids[0].get("type")
    return value if isinstance(value, str) else None


def read_fit(source: str, data: bytes, digest: str | None = None) -> list[Activity]:
    """Every session of a FIT activity file as an ``Activity``."""
    messages = decode(source, data)
    kind = file_type(messages)
    if kind not in (None, "activity"):
        raise ActivityFileError(source, f"a FIT {kind} file, not an activity")
    return activities_from(source, data, messages, digest)


def _time(value: object) -> dt.datetime | None:
    return value if isinstance(value, dt.datetime) else None


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def activities_from(
    source: str, data: bytes, messages: Messages, digest: str | None = None
) -> list[Activity]:
    records = [r for r in messages.get("record_mesgs", []) if _time(r.get("timestamp"))]
    sessions = messages.get("session_mesgs", [])
    if not sessions:
        if not records:
            raise ActivityFileError(source, "FIT file holds no session and no records")
        sessions = [{}]  # a file the device never closed: the records alone
    stops = _timer_stops(messages.get("event_mesgs", []))
    offset = _utc_offset(messages.get("activity_mesgs", []))
    result = []
    for index, session in enumerate(sessions):
        first = _time(session.get("start_time"))
        last = _time(session.get("timestamp"))
        mine = [
            r
            for r in records
            if (first is None or r["timestamp"] >= first)
            and (last is None or r["timestamp"] <= last)
        ]
        start = first or (mine[0]["timestamp"] if mine else None)
        if start is None:
            raise ActivityFileError(source, f"session {index + 1} has no start time")
        name = source if len(sessions) == 1 else f"{source} (session {index + 1})"
        result.append(_activity(name, data, session, mine, start, stops, offset, digest))
    return result


def _timer_stops(events: list[dict[str, Any]]) -> list[float]:
    """The times the timer stopped (a pause starts): a record after one resumes."""
    return sorted(
        t.timestamp()
        for e in events
        if e.get("event") == "timer"
        and e.get("event_type") in ("stop", "stop_all", "stop_disable", "stop_disable_all")
        and (t := _time(e.get("timestamp"))) is not None
    )


def _utc_offset(activities: list[dict[str, Any]]) -> int | None:
    if not activities:
        return None
    utc, local = activities[0].get("timestamp"), activities[0].get("local_timestamp")
    if isinstance(utc, dt.datetime) and isinstance(local, int | float):
        # local_timestamp is seconds since the FIT epoch in local time
        fit_epoch = dt.datetime(1989, 12, 31, tzinfo=dt.UTC)
        offset = round((fit_epoch + dt.timedelta(seconds=local) - utc).total_seconds())
        return offset if abs(offset) <= 14 * 3600 else None
    return None


def _activity(
    source: str,
    data: bytes,
    session: dict[str, Any],
    records: list[dict[str, Any]],
    start: dt.datetime,
    stops: list[float],
    offset: int | None,
    digest: str | None,
) -> Activity:
    origin = records[0]["timestamp"].timestamp() if records else start.timestamp()
    samples = []
    stop_at = 0
    previous = origin
    has_position = False
    for r in records:
        now = r["timestamp"].timestamp()
        resume = False
        while stop_at < len(stops) and stops[stop_at] < now:
            resume = resume or stops[stop_at] >= previous
            stop_at += 1
        speed = _number(r.get("enhanced_speed"))
        if speed is None:
            speed = _number(r.get("speed"))
        hr = _number(r.get("heart_rate"))
        samples.append(
            Sample(
                t=now - origin,
                distance_m=_number(r.get("distance")),
                speed_mps=speed,
                heart_rate=int(hr) if hr is not None and 20 <= hr <= 250 else None,
                resume=resume,
            )
        )
        has_position = has_position or r.get("position_lat") is not None
        previous = now
    sport_name = session.get("sport")
    sub_sport = session.get("sub_sport")
    sport: Sport | None
    if sub_sport == "strength_training":
        sport = "strength"
    elif isinstance(sport_name, str):
        sport = SPORTS.get(sport_name, "other")
    else:
        sport = None
    # No position in any record: indoor. A summary without records says nothing either way.
    indoor = sub_sport in INDOOR_SUB_SPORTS or (bool(records) and not has_position)
    avg_hr = _number(session.get("avg_heart_rate"))
    max_hr = _number(session.get("max_heart_rate"))
    return build_activity(
        source,
        data,
        start=start,
        sport=sport,
        samples=samples,
        indoor=indoor,
        elapsed_s=_number(session.get("total_elapsed_time")),
        moving_s=_number(session.get("total_timer_time")),
        distance_m=_number(session.get("total_distance")),
        avg_hr=avg_hr if avg_hr is not None and 20 <= avg_hr <= 250 else None,
        max_hr=int(max_hr) if max_hr is not None and 20 <= max_hr <= 250 else None,
        utc_offset_s=offset,
        digest=digest,
    )
