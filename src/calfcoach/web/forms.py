"""Reading form fields: text in, a typed value or a ``FormProblem`` naming the field out.

A form sends text; what cannot be read as the field's type is refused here with the same
message shape as the services (``value ...; allowed: ...``), shown at the field. The ranges
themselves are the services' to check (one source of truth per rule).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from typing import Any

from calfcoach.core.limits import not_whole_words, plain_number, read_iso_date

__all__ = [
    "FormProblem",
    "check_once",
    "optional_float",
    "optional_int",
    "parse_client_id",
    "parse_date",
]


class FormProblem(Exception):
    """A field that cannot be read: shown at ``field``, status 422, nothing stored."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def check_once(form: Any, names: Iterable[str]) -> None:
    """A ``FormProblem`` at the first of ``names`` the form sent more than once (a page's
    form sends each once; a hand-made post ``contacts=10&contacts=20`` stored the last one
    without a word): ``contacts: given more than once; allowed: one value``, as a profile
    file's key given twice is refused."""
    for name in names:
        if len(form.getlist(name)) > 1:
            raise FormProblem(name, "given more than once; allowed: one value")


def _blank(text: str | None) -> bool:
    return text is None or not text.strip()


def optional_int(field: str, text: str | None, allowed: str) -> int | None:
    """A whole number, or None for an empty field."""
    if _blank(text):
        return None
    assert text is not None
    try:
        plain = plain_number(text)  # as the CLI: not "1_0", "１０" nor "٥" (int() takes them)
        if not plain.lstrip("+-").isdigit():
            raise ValueError(plain)
        return int(plain)
    except ValueError:
        what = not_whole_words(text.strip())
        raise FormProblem(field, f"{text.strip()[:40]!r} {what}; allowed: {allowed}") from None


def optional_float(field: str, text: str | None, allowed: str) -> float | None:
    """A number (a decimal comma is read as a point), or None for an empty field."""
    if _blank(text):
        return None
    assert text is not None
    try:
        value = float(plain_number(text).replace(",", "."))
    except ValueError:
        raise FormProblem(
            field, f"{text.strip()[:40]!r} is not a number; allowed: {allowed}"
        ) from None
    if value != value or value in (float("inf"), float("-inf")):
        raise FormProblem(field, f"{text.strip()!r} is not a number; allowed: {allowed}")
    return value


def parse_date(field: str, text: str | None, default: dt.date | None = None) -> dt.date:
    """An ISO date (YYYY-MM-DD); ``default`` for an empty field when there is one."""
    if _blank(text):
        if default is not None:
            return default
        raise FormProblem(field, "missing; allowed: a date as YYYY-MM-DD")
    assert text is not None
    try:
        return read_iso_date(text.strip())  # not "20261204" nor "2026-W49-5", as the CLI
    except ValueError:
        raise FormProblem(
            field, f"{text.strip()[:40]!r} is not a valid date; allowed: YYYY-MM-DD"
        ) from None


def parse_client_id(text: str | None) -> str | None:
    """The set's client id (a UUID the browser made, so a retried or queued post is stored
    once); None when the form sent none."""
    if _blank(text):
        return None
    assert text is not None
    try:
        return str(uuid.UUID(text.strip()))
    except ValueError:
        raise FormProblem(
            "client_id", f"{text.strip()[:40]!r} is not a UUID; allowed: a UUID (8-4-4-4-12 hex)"
        ) from None
