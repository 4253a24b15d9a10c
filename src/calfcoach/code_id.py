"""What identifies the code that is running, beyond its version number (D-163).

Two things are kept for the code that made them and must not outlive it: the answers stored
in the database (``storage/answers.py``: today's session, the Today page's frame, roster rows)
and the phone's offline copy of the web app's files (``web/routes/offline.py``: the service
worker's cache). ``__version__`` alone does not tell: it changes at a release, but a checkout
brought up to date (``git pull`` then ``./run.sh``, an editable install) runs new code under the
same number, and would go on serving what the old code made until the day ends or the athlete
writes something, and the phone would keep the old scripts for good.

``code_id()`` is the version and a digest of the contents of every file of the installed
package: the same on every machine that runs the same code (N app processes or machines share
one database's stored answers, issue 8), different after any change of a byte. File times are
not part of it (two machines with the same code agree). It is worked out once per process,
when first asked (about 2 MB of files: a few milliseconds).
"""

from __future__ import annotations

import hashlib
import os
from functools import cache
from pathlib import Path

from calfcoach import __version__

__all__ = ["CODE_COLUMN_SIZE", "answer_code", "code_id", "digest_of_tree"]

PACKAGE_DIR = Path(__file__).resolve().parent
SKIPPED_DIRS = frozenset({"__pycache__"})
SKIPPED_SUFFIXES = (".pyc", ".pyo")
CODE_COLUMN_SIZE = 40
"""The size of the ``code`` column of stored answers (``storage/orm.py``, ``DayAnswerRow``)."""


def digest_of_tree(root: Path) -> str:
    """A hex SHA-256 of the names and contents of every file under ``root``, in a fixed
    order; compiled bytecode (``__pycache__``, ``.pyc``) is left out (it is made from the
    sources, and differs between Python versions)."""
    digest = hashlib.sha256()
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIPPED_DIRS)
        base = Path(dirpath)
        for name in sorted(filenames):
            if name.endswith(SKIPPED_SUFFIXES):
                continue
            path = base / name
            try:
                data = path.read_bytes()
            except OSError:  # vanished or unreadable: its name still counts
                data = b""
            relative = path.relative_to(root).as_posix().encode("utf-8", "surrogateescape")
            digest.update(len(relative).to_bytes(4, "big"))
            digest.update(relative)
            digest.update(len(data).to_bytes(8, "big"))
            digest.update(data)
    return digest.hexdigest()


@cache
def code_id() -> str:
    """``<version>+<first 12 hex digits of the package's digest>``, e.g. ``0.1.0+3fa9c2e01b7d``."""
    return f"{__version__}+{digest_of_tree(PACKAGE_DIR)[:12]}"


def answer_code(variant: str = "") -> str:
    """What a stored answer is kept for: this code (``code_id``) and ``variant`` (what else the
    answer depends on), as ``<code id>|<variant>`` while that fits the column, else as the
    first 40 hex digits of its SHA-256 (two different texts never share a code)."""
    code = f"{code_id()}|{variant}" if variant else code_id()
    if len(code) <= CODE_COLUMN_SIZE:
        return code
    return hashlib.sha256(code.encode("utf-8", "surrogateescape")).hexdigest()[:CODE_COLUMN_SIZE]
