"""Athlete names (issue 7, item 20): one clean form to store, one key to compare.

A name is stored NFC-normalised and stripped; control and format characters (newline, tab,
ESC of an ANSI sequence, NUL, zero-width and direction marks: Unicode categories Cc and Cf,
and the line and paragraph separators Zl/Zp) are refused, so a name prints as what it is.
Two names are the same athlete when their ``name_key`` is equal: the caseless match of
Unicode (NFD, casefold, then NFC), so "Ana", "ANA" and "Ana" typed with a combining accent
are one name. Standard library only: the read path of a cold `calfcoach today` uses it.
"""

from __future__ import annotations

import unicodedata

from calfcoach.errors import InputError

__all__ = [
    "JOINERS",
    "MAX_NAME_LENGTH",
    "REFUSED_CATEGORIES",
    "clean_name",
    "name_key",
    "name_problem",
    "optional_name",
    "printable_name",
]

MAX_NAME_LENGTH = 100
REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"})
"""Control, format, separator, surrogate, private-use and unassigned characters."""


JOINERS = frozenset({"\u200c", "\u200d"})
"""Zero width non-joiner and joiner: format characters that a name may hold between two
printing characters, where they are part of what is written (an emoji sequence such as
"🏃\u200d♀️", Persian and Indic spelling), D-194. Anywhere else (first, last, beside a space
or another joiner) they would only hide a difference, and are refused; ``name_key`` ignores
them, so "Ana" and "An\u200da" are one name."""


def name_key(name: str) -> str:
    """The form two names are compared in (stored beside the name, unique per database)."""
    folded = unicodedata.normalize("NFD", name.strip()).casefold()
    if not JOINERS.isdisjoint(folded):
        folded = "".join(char for char in folded if char not in JOINERS)
    return unicodedata.normalize("NFC", folded)


def _joins(name: str, index: int) -> bool:
    """Whether the joiner at ``index`` stands between two printing characters."""
    if index == 0 or index == len(name) - 1:
        return False
    before, after = name[index - 1], name[index + 1]
    return all(
        not char.isspace()
        and char not in JOINERS
        and unicodedata.category(char) not in REFUSED_CATEGORIES
        for char in (before, after)
    )


def name_problem(name: str) -> str | None:
    """Why ``name`` (NFC, stripped) would not print as itself, or None: the first control,
    format or separator character it holds (a joiner between two printing characters is
    part of the name: ``JOINERS``). The one rule for every name: an athlete's, a profile's,
    a race's (D-154)."""
    for index, char in enumerate(name):
        if char in JOINERS and _joins(name, index):
            continue
        if unicodedata.category(char) in REFUSED_CATEGORIES:
            return (
                f"{name!r} holds the control character U+{ord(char):04X} "
                f"({_char_name(char)}); allowed: letters, digits, spaces and punctuation"
            )
    return None


def clean_name(value: str | None, field: str = "name") -> str:
    """``value`` NFC-normalised and stripped; ``InputError`` naming ``field`` when it is
    missing, too long or holds a character that does not print as itself."""
    if value is None or not value.strip():
        raise InputError(f"{field}: missing; allowed: a name of 1-{MAX_NAME_LENGTH} characters")
    name = unicodedata.normalize("NFC", value).strip()
    problem = name_problem(name)
    if problem is not None:
        raise InputError(f"{field}: {problem}")
    if len(name) > MAX_NAME_LENGTH:
        raise InputError(
            f"{field}: {len(name)} characters is too long; allowed: at most {MAX_NAME_LENGTH}"
        )
    return name


def optional_name(value: str | None) -> str | None:
    """A name that may be left out (a profile's, a race's), as stored: None when blank, else
    NFC-normalised and stripped. ``ValueError`` (for a pydantic validator) with
    ``name_problem``'s words when it holds a character that does not print as itself."""
    if value is None or not value.strip():
        return None
    name = unicodedata.normalize("NFC", value).strip()
    problem = name_problem(name)
    if problem is not None:
        raise ValueError(problem)
    return name


def printable_name(text: str, max_length: int = MAX_NAME_LENGTH) -> str:
    """A name that came from elsewhere (a calendar event's title, a file written by an older
    version) in the form ``clean_name`` accepts: NFC, each refused character a space, runs
    of white space one space, stripped, at most ``max_length`` characters. Blank stays
    blank."""
    normal = unicodedata.normalize("NFC", text)
    spaced = "".join(
        " "
        if unicodedata.category(char) in REFUSED_CATEGORIES
        and not (char in JOINERS and _joins(normal, index))
        else char
        for index, char in enumerate(normal)
    )
    # Cut to length, never leaving a joiner at the end (it joins nothing there).
    return " ".join(spaced.split())[:max_length].rstrip("".join(JOINERS) + " ").strip()


def _char_name(char: str) -> str:
    names = {"\n": "newline", "\t": "tab", "\r": "carriage return", "\x1b": "escape", "\0": "NUL"}
    return names.get(char) or unicodedata.name(char, "unnamed").lower()
