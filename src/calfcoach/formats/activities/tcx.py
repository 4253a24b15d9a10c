"""TCX (Training Center XML: Garmin, Polar Flow, Wahoo, Suunto, Strava exports), parsed
with defusedxml and ElementTree. One ``Activity`` per ``<Activity>``: totals from the laps
(``TotalTimeSeconds`` is timer time, pauses excluded), samples from the trackpoints; a
track without positions is an indoor run (treadmill)."""

from __future__ import annotations

import datetime as dt
from xml.etree.ElementTree import Element

from calfcoach.core.running import Activity, Sample, Sport
from calfcoach.formats.activities.common import ActivityFileError, build_activity
from calfcoach.formats.activities.xml_safety import parse_xml

__all__ = ["read_tcx"]

SPORTS: dict[str, Sport] = {"running": "running", "biking": "cycling", "walking": "walking"}


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _child(element: Element, name: str) -> Element | None:
    for child in element:
        if _local(child.tag) == name:
            return child
    return None


def _children(element: Element, name: str) -> list[Element]:
    return [child for child in element if _local(child.tag) == name]


def _text(element: Element | None, name: str) -> str | None:
    if element is None:
        return None
    child = _child(element, name)
    return child.text.strip() if child is not None and child.text else None


def _float(source: str, value: str | None, what: str) -> float | None:
    if value is None:
        return None
    try:
        number = float(value)
    except ValueError:
        raise ActivityFileError(source, f"{what}: {value[:40]!r} is not a number") from None
    if number != number or number in (float("inf"), float("-inf")):
        raise ActivityFileError(source, f"{what}: {value[:40]!r} is not a finite number")
    return number


def _time(source: str, value: str | None, what: str) -> dt.datetime | None:
    if value is None:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ActivityFileError(source, f"{what}: {value[:40]!r} is not an ISO time") from None
    # A time without a zone: TCX times are UTC (the schema's xsd:dateTime, as devices write it).
    return parsed.replace(tzinfo=dt.UTC) if parsed.tzinfo is None else parsed.astimezone(dt.UTC)


def read_tcx(source: str, data: bytes, digest: str | None = None) -> list[Activity]:
    root = parse_xml(source, data, "TCX")
    if _local(root.tag) != "TrainingCenterDatabase":
        raise ActivityFileError(source, f"not a TCX file (root element {_local(root.tag)!r})")
    folder = _child(root, "Activities")
    activities = _children(folder, "Activity") if folder is not None else []
    if not activities:
        raise ActivityFileError(source, "TCX file holds no activity (courses are not runs)")
    result = []
    for index, element in enumerate(activities):
        name = source if len(activities) == 1 else f"{source} (activity {index + 1})"
        result.append(_activity(name, data, element, digest))
    return result


def _activity(source: str, data: bytes, element: Element, digest: str | None) -> Activity:
    laps = _children(element, "Lap")
    start = _time(source, _text(element, "Id"), "Activity Id")
    if laps:
        start = _time(source, laps[0].get("StartTime"), "Lap StartTime") or start
    if start is None:
        raise ActivityFileError(source, "TCX activity has no start time (Id or Lap StartTime)")
    timer = distance = 0.0
    have_timer = have_distance = False
    hr_sum = 0.0
    hr_max: float | None = None
    samples: list[Sample] = []
    has_position = False
    for lap_index, lap in enumerate(laps):
        seconds = _float(source, _text(lap, "TotalTimeSeconds"), "Lap TotalTimeSeconds")
        meters = _float(source, _text(lap, "DistanceMeters"), "Lap DistanceMeters")
        if seconds is not None:
            timer += seconds
            have_timer = True
        if meters is not None:
            distance += meters
            have_distance = True
        avg = _float(source, _text(_child(lap, "AverageHeartRateBpm"), "Value"), "Lap HR")
        top = _float(source, _text(_child(lap, "MaximumHeartRateBpm"), "Value"), "Lap HR")
        if avg is not None and seconds:
            hr_sum += avg * seconds
        if top is not None:
            hr_max = top if hr_max is None else max(hr_max, top)
        for track_index, track in enumerate(_children(lap, "Track")):
            first_point = True
            for point in _children(track, "Trackpoint"):
                when = _time(source, _text(point, "Time"), "Trackpoint Time")
                if when is None:
                    continue
                has_position = has_position or _child(point, "Position") is not None
                bpm = _float(source, _text(_child(point, "HeartRateBpm"), "Value"), "HR")
                samples.append(
                    Sample(
                        t=(when - start).total_seconds(),
                        distance_m=_float(source, _text(point, "DistanceMeters"), "Distance"),
                        speed_mps=_speed(source, point),
                        heart_rate=int(bpm) if bpm is not None and 20 <= bpm <= 250 else None,
                        # A new track inside a lap, or a lap after the first: Garmin and Polar
                        # start one after a pause.
                        resume=first_point and (track_index > 0 or lap_index > 0),
                    )
                )
                first_point = False
    samples.sort(key=lambda s: s.t)
    if samples and samples[0].t < -60:
        raise ActivityFileError(source, "TCX trackpoints start before the activity")
    # TCX knows only Running, Biking and Other: "Other" (Suunto, Wahoo for anything else)
    # names no sport, so it is guessed from the speed like a missing one (RUN-SUM-3).
    kind = (element.get("Sport") or "").strip().lower()
    sport = SPORTS.get(kind)
    elapsed = max(samples[-1].t, timer) if samples else (timer if have_timer else 0.0)
    avg_hr = hr_sum / timer if hr_sum and timer else None
    return build_activity(
        source,
        data,
        start=start,
        sport=sport,
        samples=samples,
        indoor=not has_position,
        elapsed_s=max(elapsed, 0.0),
        moving_s=timer if have_timer else None,
        distance_m=distance if have_distance else None,
        avg_hr=avg_hr if avg_hr is not None and 20 <= avg_hr <= 250 else None,
        max_hr=int(hr_max) if hr_max is not None and 20 <= hr_max <= 250 else None,
        digest=digest,
    )


def _speed(source: str, point: Element) -> float | None:
    # Garmin's ActivityExtension v2: <Extensions><TPX><Speed>
    extensions = _child(point, "Extensions")
    if extensions is None:
        return None
    for element in extensions.iter():
        if _local(element.tag) == "Speed" and element.text:
            return _float(source, element.text.strip(), "Speed")
    return None
