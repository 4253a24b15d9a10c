"""What is wrong with a backup file, in the user's words: SQLite's own ("file is not a
database", "database disk image is malformed", "no such table: alembic_version") name its
internals, not what the user can do about them. Standard library only.

``backup.restore`` finds its refusals with the reason SQLite gave, and gives them to its
caller through ``restore_refusal``: each in the project's voice, saying that nothing was
changed, for every interface that restores.
"""

from __future__ import annotations

import dataclasses
import re

from calfcoach.errors import InputError

__all__ = ["NOTHING_CHANGED", "backup_reason", "restore_refusal"]

NOTHING_CHANGED = "nothing was changed"

NOT_OURS = "it is a SQLite database, but not one calfcoach wrote: it has none of its tables"
_WORDS: tuple[tuple[str, str], ...] = (
    ("it is damaged:", "it is damaged: it fails SQLite's integrity check"),
    ("cannot upgrade the database", "its tables are not those calfcoach writes at its version"),
    ("file is not a database", "its first page is damaged, or it was never a SQLite file"),
    ("malformed", "it is damaged or cut short: its pages do not fit together"),
    ("no such table", NOT_OURS),
    ("no such column", "it is a SQLite database with tables calfcoach did not write"),
    ("schema revisions, not one", "it does not say which calfcoach version wrote it"),
    ("unable to open", "it cannot be opened"),
    ("database is locked", "another program is writing it; try again when it has finished"),
    ("I/O error", "it cannot be read from the disk (an input/output error)"),
    ("Error:", "it cannot be read as a calfcoach database"),  # a driver's or SQLAlchemy's own
)
_REASON = re.compile(
    r"^(?P<head>.*? (?:is not a calfcoach backup|cannot be upgraded or read)) \((?P<why>.*)\)$",
    re.S,
)


def backup_reason(why: str) -> str:
    """SQLite's reason a backup cannot be read, said as what is wrong with the file; a
    reason already in the project's words ("the file is empty") as it is."""
    for said, words in _WORDS:
        if said in why:
            return words
    return why


def restore_refusal(error: InputError) -> InputError:
    """``error`` of a restore that changed nothing, in the project's words: the reason of
    "is not a calfcoach backup (...)" or "cannot be upgraded or read (...)" as
    ``backup_reason`` says it, and the first problem saying that nothing was changed."""
    details = []
    for index, problem in enumerate(error.details):
        message = problem.message
        match = _REASON.match(message)
        if match is not None:
            message = f"{match['head']} ({backup_reason(match['why'])})"
        if index == 0 and NOTHING_CHANGED not in message:
            message = f"{message}; {NOTHING_CHANGED}"
        details.append(dataclasses.replace(problem, message=message))
    return type(error)(*details)
