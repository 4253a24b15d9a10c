"""The export file's own safety: a size cap, a nesting cap, a checksum and formula-safe CSV.

- Size: a file above ``MAX_IMPORT_BYTES`` is refused before it is read or parsed.
- Nesting: JSON nested deeper than ``MAX_NESTING`` (a profile or an export) is refused with a
  message, never a ``RecursionError`` (``load_json``).
- Checksum (format version 3, D-37): a JSON export ends with ``"sha256"``, the SHA-256 of
  the document without it in a canonical form (``json_checksum``); a CSV export ends with an
  ``end`` row that gives the number of records before it and the SHA-256 of every byte above
  it. A file without it, or with a mismatch, looks truncated or edited and is refused; files of
  format versions 1 and 2 (written before the check existed) have none and still import, with
  a warning.
- Formulas (OWASP "CSV injection"): a CSV cell that begins with ``=``, ``+``, ``-``, ``@``, a
  tab or a carriage return would be run by a spreadsheet; the export prefixes it with ``'``.
  A cell that already begins with ``'`` gets one too, so the import can take exactly one
  ``'`` off every cell that has one and the round trip stays byte for byte.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from typing import Any

from calfcoach.errors import InputError

__all__ = [
    "CHECKSUM_KEY",
    "MAX_IMPORT_BYTES",
    "MAX_NESTING",
    "MAX_NUMBER_DIGITS",
    "check_size",
    "escape_cell",
    "json_checksum",
    "load_json",
    "looks_cut",
    "nesting_depth",
    "sha256_text",
    "unescape_cell",
]

MAX_IMPORT_BYTES = 50 * 1024 * 1024
"""The largest import file (50 MB: a 20-year log of several athletes is about 2 MB)."""
MAX_NESTING = 64
"""The deepest JSON nesting accepted (an export is about 10 levels deep, a profile 3)."""
MAX_NUMBER_DIGITS = 4300
"""Python reads a JSON whole number of at most this many digits (``sys.int_info``'s default
``default_max_str_digits``); a longer one stops the parser itself."""
CHECKSUM_KEY = "sha256"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_ESCAPE = "'"


def check_size(size: int, source: str) -> None:
    """Refuse a file larger than ``MAX_IMPORT_BYTES`` (before reading or parsing it)."""
    if size > MAX_IMPORT_BYTES:
        raise InputError(
            f"{source}: {size} bytes is too large; allowed: at most {MAX_IMPORT_BYTES} bytes "
            f"({MAX_IMPORT_BYTES // (1024 * 1024)} MB)"
        )


def nesting_depth(value: Any, limit: int = MAX_NESTING) -> int:
    """How deeply lists and objects nest in ``value`` (a scalar is 0); stops counting past
    ``limit``. Iterative: a deep value cannot exhaust the stack here."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list | tuple):
            children = item
        else:
            continue
        depth += 1
        deepest = max(deepest, depth)
        if deepest > limit:
            return deepest
        stack.extend((child, depth) for child in children)
    return deepest


def _too_deep(source: str) -> InputError:
    return InputError(
        f"{source}: nested too deeply; allowed: at most {MAX_NESTING} levels of lists and objects"
    )


def load_json(text: str, *, source: str, **options: Any) -> Any:
    """``json.loads`` that refuses a document nested deeper than ``MAX_NESTING``, or a whole
    number of more than ``MAX_NUMBER_DIGITS`` digits, with an ``InputError`` (a deep one
    made ``json`` raise ``RecursionError``, a long one Python's advice to call
    ``sys.set_int_max_str_digits``). Syntax errors are left to the caller
    (``json.JSONDecodeError``)."""

    def whole(digits: str) -> int:
        length = len(digits.lstrip("-"))
        if length > MAX_NUMBER_DIGITS:
            raise InputError(
                f"{source}: a whole number of {length:,} digits; allowed: at most "
                f"{MAX_NUMBER_DIGITS:,} digits (a number within the field's range)"
            )
        return int(digits)

    options.setdefault("parse_int", whole)
    try:
        data = json.loads(text, **options)
    except RecursionError:
        raise _too_deep(source) from None
    if nesting_depth(data) > MAX_NESTING:
        raise _too_deep(source)
    return data


_LAST_TOKEN = re.compile(r"[-+.0-9eEtrufalsn]*\Z")
_PARTIAL_NUMBER = re.compile(r"-?[0-9]*\.?[0-9]*(?:[eE][-+]?[0-9]*)?")


def json_error_text(error: json.JSONDecodeError) -> str:
    """The JSON parser's words and where: "Expecting value at line 3, column 5",
    "Unterminated string starting at line 6, column 15" (its message ends in "at" there)."""
    return f"{error.msg.removesuffix(' at')} at line {error.lineno}, column {error.colno}"


def looks_cut(text: str, error: json.JSONDecodeError) -> bool:
    """A JSON syntax error at the very end of the text, a string that never ends, or an error
    inside a last value cut short (``nu`` of ``null``, ``fal``, ``-``, ``12.``, ``1e``): the
    file was most likely cut."""
    end = len(text.rstrip())
    if error.pos >= end or error.msg.startswith("Unterminated string"):
        return True
    if error.msg.startswith("Invalid \\uXXXX escape") and error.pos >= end - 6:
        return True  # cut inside a \uXXXX escape
    found = _LAST_TOKEN.search(text, 0, end)
    token = found.group() if found is not None else ""
    if not token or error.pos < end - len(token):
        return False
    return any(word.startswith(token) for word in ("true", "false", "null")) or bool(
        _PARTIAL_NUMBER.fullmatch(token)
    )


# --------------------------------------------------------------------------- checksums


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def json_checksum(document: Mapping[str, Any]) -> str:
    """The SHA-256 of the document without its checksum key, in a canonical form (sorted
    keys, no spaces): the same for the file as written and as read back."""
    body = {key: value for key, value in document.items() if key != CHECKSUM_KEY}
    canonical = json.dumps(
        body, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False
    )
    return sha256_text(canonical)


# --------------------------------------------------------------------------- CSV formulas


def escape_cell(text: str) -> str:
    """A CSV cell a spreadsheet will not run as a formula (see the module docstring)."""
    if text.startswith((*FORMULA_STARTS, _ESCAPE)):
        return _ESCAPE + text
    return text


def unescape_cell(text: str) -> str:
    """The reverse of ``escape_cell``."""
    return text[1:] if text.startswith(_ESCAPE) else text
