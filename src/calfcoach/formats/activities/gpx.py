"""GPX tracks (Strava, Garmin Connect, Komoot, phone apps) read with ``gpxpy``.

GPX has no pauses and no totals: moving time is computed from the points (RUN-SUM-1), a
new track segment is a pause, heart rate comes from the Garmin TrackPointExtension
(``gpxtpx:hr``) that Strava and Garmin write. A track without a ``type`` gets its sport
guessed from its speed (RUN-SUM-3). Times without a zone are taken as UTC (GPX 1.1 says UTC)."""

from __future__ import annotations

import datetime as dt
import math

import gpxpy
import gpxpy.gpx
from gpxpy.gpx import GPXException

from calfcoach.core.running import Activity, Sample, Sport
from calfcoach.formats.activities.common import ActivityFileError, build_activity
from calfcoach.formats.activities.xml_safety import parse_xml

__all__ = ["read_gpx"]

# Strava writes a name ("running") in new exports and its numeric type in old ones.
GPX_TYPES: dict[str, Sport] = {
    "running": "running",
    "run": "running",
    "trail_running": "running",
    "treadmill_running": "running",
    "virtualrun": "running",
    "9": "running",
    "walking": "walking",
    "walk": "walking",
    "10": "walking",
    "hiking": "hiking",
    "hike": "hiking",
    "4": "hiking",
    "cycling": "cycling",
    "biking": "cycling",
    "ride": "cycling",
    "1": "cycling",
    "swimming": "swimming",
    "swim": "swimming",
}

EARTH_RADIUS_M = 6_371_000.0


def _utc(value: dt.datetime) -> dt.datetime:
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def _haversine(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


def _check_position(source: str, number: int, point: gpxpy.gpx.GPXTrackPoint) -> None:
    """A track point is on the globe: a latitude off it (91, 1e308, nan, inf) made a run of
    0 km and load 0, or one of 20,000 km, or a math error."""
    for word, value, limit in (
        ("latitude", point.latitude, 90),
        ("longitude", point.longitude, 180),
    ):
        if not (
            isinstance(value, float | int) and math.isfinite(value) and -limit <= value <= limit
        ):
            raise ActivityFileError(
                source,
                f"track point {number}: {word} {_shown(value)} is not on the globe; allowed: "
                f"-{limit} to {limit}",
            )


def _shown(value: object) -> str:
    return f"{value:g}" if isinstance(value, float | int) else repr(value)


def _heart_rate(point: gpxpy.gpx.GPXTrackPoint) -> int | None:
    for extension in point.extensions:
        for element in extension.iter():
            if element.tag.rsplit("}", 1)[-1].lower() in ("hr", "heartrate") and element.text:
                try:
                    value = int(float(element.text))
                except ValueError:
                    return None
                return value if 20 <= value <= 250 else None
    return None


def read_gpx(source: str, data: bytes, digest: str | None = None) -> list[Activity]:
    parse_xml(source, data, "GPX")  # refuses DTDs and entities before gpxpy sees the file
    try:
        document = gpxpy.parse(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise ActivityFileError(source, "GPX file is not UTF-8 text") from None
    except (GPXException, ValueError, TypeError, AttributeError, IndexError) as error:
        raise ActivityFileError(source, f"not a valid GPX file: {error}") from None
    tracks = [t for t in document.tracks if any(s.points for s in t.segments)]
    if not tracks:
        raise ActivityFileError(source, "GPX file holds no track points (routes are not runs)")
    result = []
    for index, track in enumerate(tracks):
        name = source if len(tracks) == 1 else f"{source} (track {index + 1})"
        result.append(_track(name, data, track, digest))
    return result


def _track(source: str, data: bytes, track: gpxpy.gpx.GPXTrack, digest: str | None) -> Activity:
    points = [
        (p, i > 0 and j == 0)
        for i, segment in enumerate(track.segments)
        for j, p in enumerate(segment.points)
    ]
    for number, (point, _) in enumerate(points, start=1):
        _check_position(source, number, point)
    timed = [(p, resume) for p, resume in points if p.time is not None]
    if not timed:
        raise ActivityFileError(source, "GPX track has no times: a route, not a recorded run")
    origin = _utc(timed[0][0].time)  # type: ignore[arg-type]
    samples = []
    distance = 0.0
    previous: gpxpy.gpx.GPXTrackPoint | None = None
    for point, resume in timed:
        if previous is not None and not resume:
            distance += _haversine(
                previous.latitude, previous.longitude, point.latitude, point.longitude
            )
        samples.append(
            Sample(
                t=(_utc(point.time) - origin).total_seconds(),  # type: ignore[arg-type]
                distance_m=distance,
                heart_rate=_heart_rate(point),
                resume=resume,
            )
        )
        previous = point
    if any(b.t < a.t for a, b in zip(samples, samples[1:], strict=False)):
        raise ActivityFileError(source, "GPX track points are not in time order")
    kind = (track.type or "").strip().lower()
    sport = GPX_TYPES.get(kind, "other") if kind else None
    indoor = kind in ("treadmill_running", "virtualrun")
    return build_activity(
        source, data, start=origin, sport=sport, samples=samples, indoor=indoor, digest=digest
    )
