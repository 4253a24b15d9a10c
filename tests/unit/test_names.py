"""Athlete names (issue 7, item 20): one clean form to store, one caseless key to compare."""

from __future__ import annotations

import unicodedata

import pytest

from calfcoach.core.names import clean_name, name_key
from calfcoach.errors import InputError


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Ana", "ANA"),
        ("Ana", "  ana "),
        ("José", unicodedata.normalize("NFD", "JOSÉ")),
        ("Strauß", "STRAUSS"),
        ("Ǆemal", "ǆemal"),
    ],
)
def test_names_that_differ_only_by_case_or_unicode_form_have_one_key(one: str, other: str) -> None:
    assert name_key(one) == name_key(other)


def test_different_names_have_different_keys() -> None:
    assert name_key("Ana") != name_key("Anna") != name_key("Aná")


def test_a_clean_name_is_nfc_and_stripped() -> None:
    assert clean_name("  " + unicodedata.normalize("NFD", "José") + "\u00a0") == "José"


@pytest.mark.parametrize("char", ["\n", "\t", "\r", "\x1b", "\x00", "\x7f", "\u200b", "\u2028"])
def test_a_name_holding_a_control_or_format_character_is_refused(char: str) -> None:
    with pytest.raises(InputError, match=f"name: .* U\\+{ord(char):04X} .*; allowed: letters"):
        clean_name(f"Ana{char}Lopes")


@pytest.mark.parametrize(
    ("value", "message"),
    [(None, "missing"), ("   ", "missing"), ("x" * 101, "101 characters is too long")],
)
def test_a_missing_or_too_long_name_is_refused(value: str | None, message: str) -> None:
    with pytest.raises(InputError, match=f"--to: {message}"):
        clean_name(value, "--to")
