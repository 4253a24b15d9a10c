"""The code a stored answer or the phone's offline copy is kept for (D-163, ``code_id``)."""

from __future__ import annotations

import os
import re
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from calfcoach import __version__
from calfcoach.code_id import CODE_COLUMN_SIZE, answer_code, code_id, digest_of_tree


def _tree(root: Path) -> Path:
    (root / "core").mkdir(parents=True)
    (root / "core" / "rules.py").write_text("LIMIT = 2\n", encoding="utf-8")
    (root / "static").mkdir()
    (root / "static" / "app.js").write_text("var a = 1;\n", encoding="utf-8")
    return root


def test_a_changed_byte_in_any_file_of_the_package_changes_the_digest(tmp_path: Path) -> None:
    root = _tree(tmp_path / "pkg")
    before = digest_of_tree(root)
    (root / "core" / "rules.py").write_text("LIMIT = 3\n", encoding="utf-8")
    after_code = digest_of_tree(root)
    (root / "static" / "app.js").write_text("var a = 2;\n", encoding="utf-8")
    after_asset = digest_of_tree(root)
    assert len({before, after_code, after_asset}) == 3


def test_a_renamed_or_added_file_changes_the_digest(tmp_path: Path) -> None:
    root = _tree(tmp_path / "pkg")
    before = digest_of_tree(root)
    (root / "core" / "rules.py").rename(root / "core" / "limits.py")
    renamed = digest_of_tree(root)
    (root / "core" / "empty.py").write_text("", encoding="utf-8")
    assert len({before, renamed, digest_of_tree(root)}) == 3


def test_the_same_code_on_another_machine_has_the_same_digest(tmp_path: Path) -> None:
    # Another place, other file times, compiled bytecode beside it: the same code.
    one = _tree(tmp_path / "one")
    other = _tree(tmp_path / "other")
    os.utime(other / "core" / "rules.py", (1_000_000, 1_000_000))
    (other / "core" / "__pycache__").mkdir()
    (other / "core" / "__pycache__" / "rules.cpython-311.pyc").write_bytes(b"\x00\x01")
    (other / "core" / "stray.pyc").write_bytes(b"\x02")
    assert digest_of_tree(one) == digest_of_tree(other)


def test_the_code_id_is_the_version_and_a_digest_of_the_installed_package() -> None:
    assert re.fullmatch(re.escape(__version__) + r"\+[0-9a-f]{12}", code_id())
    assert code_id() == code_id()  # once per process


@given(st.text(max_size=80))
def test_an_answer_code_always_fits_its_column_and_tells_variants_apart(variant: str) -> None:
    code = answer_code(variant)
    assert 0 < len(code) <= CODE_COLUMN_SIZE
    assert code != answer_code(variant + "x")
    assert answer_code(variant) == code


def test_a_short_answer_code_stays_readable() -> None:
    assert answer_code() == code_id()
    assert answer_code("coach") == f"{code_id()}|coach"
    long = answer_code("2026-12-03|admin|viewing" * 2)
    assert re.fullmatch(r"[0-9a-f]{40}", long)
