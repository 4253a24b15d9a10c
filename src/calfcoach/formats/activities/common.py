"""What every activity reader shares: the one error type, the limits, the fingerprint,
and building a validated ``Activity`` from what a file gave."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence

from pydantic import ValidationError

from calfcoach.core.running import Activity, Sample, Sport, summarize
from calfcoach.errors import InputError

__all__ = [
    "MAX_FILE_BYTES",
    "ActivityFileError",
    "build_activity",
    "fingerprint",
    "guess_sport",
]

MAX_FILE_BYTES = 64 * 1024 * 1024
"""One activity file, uncompressed. A 24-hour ultra recorded every second as FIT is about
10 MB, as GPX with extensions about 30 MB; anything larger is refused, not read."""

MAX_SOURCE_CHARS = 500


class ActivityFileError(InputError):
    """One activity file that cannot be read; the message names the file and the reason.

    The only exception the readers raise for a bad file (issue 10, item 6)."""

    def __init__(self, source: str, problem: str) -> None:
        self.source = source
        self.problem = problem
        super().__init__(f"{source}: {problem}")


def fingerprint(data: bytes) -> str:
    """SHA-256 of the (uncompressed) content: the same file twice is found by this alone."""
    return hashlib.sha256(data).hexdigest()


def check_size(source: str, size: int) -> None:
    if size > MAX_FILE_BYTES:
        raise ActivityFileError(
            source,
            f"file is too large ({size:,} bytes); allowed: at most {MAX_FILE_BYTES:,} bytes",
        )


def guess_sport(avg_speed_mps: float | None) -> Sport:
    """RUN-SUM-3: a file without a sport is guessed from its average moving speed."""
    if avg_speed_mps is None:
        return "other"
    if avg_speed_mps < 1.8:
        return "walking"
    if avg_speed_mps <= 6.5:
        return "running"
    return "cycling"


def short_source(source: str) -> str:
    return source if len(source) <= MAX_SOURCE_CHARS else "..." + source[-MAX_SOURCE_CHARS + 3 :]


def build_activity(
    source: str,
    data: bytes,
    *,
    start: dt.datetime,
    sport: Sport | None,
    samples: Sequence[Sample],
    indoor: bool,
    elapsed_s: float | None = None,
    moving_s: float | None = None,
    distance_m: float | None = None,
    avg_hr: float | None = None,
    max_hr: int | None = None,
    utc_offset_s: int | None = None,
    digest: str | None = None,
) -> Activity:
    """Summarise the samples (core RUN-SUM-1/2) and validate; a value out of range is one
    clear error naming the field."""
    summary = summarize(
        samples,
        elapsed_s=elapsed_s,
        moving_s=moving_s,
        distance_m=distance_m,
        avg_hr=avg_hr,
        max_hr=max_hr,
    )
    guessed = sport is None
    if sport is None:
        sport = guess_sport(summary.pace.avg_speed_mps if summary.pace else None)
    try:
        return Activity(
            start=start,
            utc_offset_s=utc_offset_s,
            sport=sport,
            sport_guessed=guessed,
            indoor=indoor,
            elapsed_s=round(summary.elapsed_s, 1),
            moving_s=round(summary.moving_s, 1),
            distance_m=None if summary.distance_m is None else round(summary.distance_m, 1),
            pace=summary.pace,
            heart_rate=summary.heart_rate,
            source=short_source(source),
            fingerprint=digest or fingerprint(data),
        )
    except ValidationError as error:
        first = error.errors()[0]
        if first["type"] == "impossible_run":  # RUN-SUM-4's own words: field, what, allowed
            raise ActivityFileError(source, first["msg"]) from None
        where = ".".join(str(p) for p in first["loc"]) or "activity"
        value = repr(first.get("input"))
        value = value if len(value) <= 80 else value[:77] + "..."
        raise ActivityFileError(source, f"{where}: {first['msg']} (value {value})") from None
