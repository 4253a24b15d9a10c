"""Activity files (issue 10): FIT, GPX and TCX readers, and bulk imports.

Each reader turns one file's bytes into validated ``calfcoach.core.running.Activity``
objects (one per activity; most files hold one) or raises ``ActivityFileError``, the only
exception a bad file can cause. ``read_paths`` walks files, folders and zip archives (Garmin
and Strava bulk exports) and yields one ``FileResult`` per file, so a batch goes on after a
bad one. The rules the summaries follow (moving time, pace variation) are in the core
(``core/running.py``, RUN-SUM-*).
"""

from calfcoach.formats.activities.archive import (
    ACTIVITY_SUFFIXES,
    MAX_ARCHIVE_BYTES,
    MAX_RATIO,
    FileResult,
    Progress,
    is_activity_name,
    read_activity_bytes,
    read_paths,
)
from calfcoach.formats.activities.common import MAX_FILE_BYTES, ActivityFileError
from calfcoach.formats.activities.fit import read_fit
from calfcoach.formats.activities.gpx import read_gpx
from calfcoach.formats.activities.tcx import read_tcx

__all__ = [
    "ACTIVITY_SUFFIXES",
    "MAX_ARCHIVE_BYTES",
    "MAX_FILE_BYTES",
    "MAX_RATIO",
    "ActivityFileError",
    "FileResult",
    "Progress",
    "is_activity_name",
    "read_activity_bytes",
    "read_fit",
    "read_gpx",
    "read_paths",
    "read_tcx",
]
