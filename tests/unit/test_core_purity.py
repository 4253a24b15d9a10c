"""The core does no I/O and reads no clock (core/README.md).

What the core may import is checked with the other structure rules in test_architecture.py.
"""

from __future__ import annotations

import re
from pathlib import Path

import calfcoach.core

CORE = Path(calfcoach.core.__file__).parent


def test_the_core_does_no_io_and_reads_no_clock():
    # A call of the builtin open(), not a method such as _plyo_open(.
    forbidden = (r"(?<![\w.])open\(", r"date\.today\(", r"\.now\(", r"\brandom\.", r"os\.environ")
    offenders = [
        f"{path.name}: {needle}"
        for path in sorted(CORE.rglob("*.py"))
        for needle in forbidden
        if re.search(needle, path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
