"""The export file's own checks (issue 7: items 3, 14, 20)."""

from __future__ import annotations

import json

import pytest

from calfcoach.errors import InputError
from calfcoach.formats import export_file


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@A1", "\tx", "\rx", "'x", "''"])
def test_a_cell_beginning_with_a_formula_character_is_prefixed_and_read_back_exactly(
    text: str,
) -> None:
    escaped = export_file.escape_cell(text)
    assert escaped == "'" + text
    assert export_file.unescape_cell(escaped) == text


@pytest.mark.parametrize("text", ["", "ana", "2026-03-02", "12.5", "a=b", " =x"])
def test_a_harmless_cell_is_written_as_it_is(text: str) -> None:
    assert export_file.escape_cell(text) == text
    assert export_file.unescape_cell(text) == text


def test_the_json_checksum_ignores_its_own_key_and_sees_any_change() -> None:
    document = {"format": "x", "athletes": [{"name": "ana", "pain": 2}]}
    checksum = export_file.json_checksum(document)
    assert export_file.json_checksum({**document, "sha256": "whatever"}) == checksum
    assert export_file.json_checksum({**document, "athletes": []}) != checksum


def test_deeply_nested_json_is_refused_with_a_message_not_a_recursion_error() -> None:
    deep = "[" * 100_000 + "]" * 100_000
    with pytest.raises(InputError, match="nested too deeply; allowed: at most 64 levels"):
        export_file.load_json(deep, source="deep.json")
    moderate = "[" * 65 + "]" * 65  # parses, but deeper than the cap
    with pytest.raises(InputError, match="deep.json: nested too deeply"):
        export_file.load_json(moderate, source="deep.json")
    assert export_file.load_json("[" * 64 + "]" * 64, source="ok.json") is not None
    assert export_file.load_json(json.dumps({"a": [1]}), source="ok.json") == {"a": [1]}


def test_a_file_above_the_size_cap_is_refused_naming_the_cap() -> None:
    export_file.check_size(export_file.MAX_IMPORT_BYTES, "ok")
    with pytest.raises(InputError, match="too large; allowed: at most 52428800 bytes"):
        export_file.check_size(export_file.MAX_IMPORT_BYTES + 1, "big.json")
