"""Athlete names (issue 7, item 20): one clean form to store, one caseless key to compare."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

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


# ------------------------------------------------- D-154: one rule for every name we print

REFUSED = ["\n", "\t", "\x1b", "\x00", "\u200b", "\u202e", "\u2028"]


@pytest.mark.parametrize("char", REFUSED)
def test_a_profile_or_race_name_is_refused_by_the_same_words_as_an_athlete_name(
    char: str,
) -> None:
    from calfcoach.core.names import name_problem, optional_name

    with pytest.raises(InputError) as refused:
        clean_name(f"Ana{char}Lopes")
    problem = name_problem(f"Ana{char}Lopes")
    assert problem is not None and refused.value.problems[0] == f"name: {problem}"
    with pytest.raises(ValueError, match=problem.replace("\\", "\\\\").replace("+", "\\+")[:40]):
        optional_name(f"Ana{char}Lopes")


def test_a_blank_optional_name_is_no_name_and_a_good_one_is_nfc_and_stripped() -> None:
    from calfcoach.core.names import optional_name

    assert optional_name(None) is None and optional_name("  ") is None and optional_name("") is None
    assert optional_name(" " + unicodedata.normalize("NFD", "Zoë") + " ") == "Zoë"


def test_a_name_from_elsewhere_is_made_printable_and_kept_otherwise() -> None:
    from calfcoach.core.names import printable_name

    assert printable_name("Big\nRace\x1b[2J\u202e 10K") == "Big Race [2J 10K"
    assert printable_name("Valencia Marathon") == "Valencia Marathon"
    assert printable_name("\t\n") == ""
    assert printable_name("x" * 300, 200) == "x" * 200


@given(st.text(max_size=300))
def test_a_printable_name_is_always_accepted_by_the_name_rule_or_blank(text: str) -> None:
    from calfcoach.core.names import name_problem, optional_name, printable_name

    shown = printable_name(text)
    assert len(shown) <= 100
    assert printable_name(shown) == shown  # once is enough
    if shown:
        assert name_problem(shown) is None
        assert optional_name(shown) == shown


@pytest.mark.parametrize(
    "name",
    [
        "Zoë \U0001f3c3\u200d\u2640\ufe0f",  # woman running: an emoji ZWJ sequence
        "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645",  # Persian: a ZWNJ inside a word
        "Team \U0001f468\u200d\U0001f469\u200d\U0001f467",
    ],
)
def test_a_joiner_between_two_printing_characters_is_part_of_the_name(name: str) -> None:
    # D-194: emoji sequences and Persian or Indic spelling are written with joiners.
    assert clean_name(name) == unicodedata.normalize("NFC", name)


@pytest.mark.parametrize(
    "name",
    ["\u200dAna", "Ana\u200d", "An \u200da", "An\u200d a", "An\u200d\u200da", "An\u200c\u200da"],
)
def test_a_joiner_that_joins_nothing_is_refused(name: str) -> None:
    with pytest.raises(InputError, match="U\\+200[CD]"):
        clean_name(name, "name")


def test_a_joiner_never_makes_two_names_of_one() -> None:
    assert name_key("An\u200da") == name_key("ana")
    assert name_key("\U0001f3c3\u200d\u2640\ufe0f") == name_key("\U0001f3c3\u2640\ufe0f")
