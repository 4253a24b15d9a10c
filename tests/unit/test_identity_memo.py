"""``core.memo.IdentityMemo``: the one memo the engine keeps per catalog and exercise object
(its roles, load increments, first doses, catalog reasons, foot blocks, index, skeletons)."""

from __future__ import annotations

from calfcoach.catalog import load_catalog
from calfcoach.core.catalog import Catalog
from calfcoach.core.engine import blocks
from calfcoach.core.memo import MISSING, IdentityMemo, _Entry


class Thing:
    """A plain object: equal only to itself, like a frozen exercise seen by identity."""


def test_an_answer_is_given_back_for_the_same_objects_and_extra_only() -> None:
    memo: IdentityMemo[str] = IdentityMemo()
    a, b = Thing(), Thing()
    assert memo.put(a, None, ("heavy", "novice"), "answer") == "answer"
    assert memo.get(a, None, ("heavy", "novice")) == "answer"
    assert memo.get(a, None, ("heavy", "advanced")) is MISSING
    assert memo.get(b, None, ("heavy", "novice")) is MISSING
    assert memo.get(a, b, ("heavy", "novice")) is MISSING


def test_a_second_object_is_part_of_the_key() -> None:
    memo: IdentityMemo[int] = IdentityMemo()
    catalog, ex, other = Thing(), Thing(), Thing()
    memo.put(catalog, ex, False, 1)
    memo.put(catalog, other, False, 2)
    assert memo.get(catalog, ex, False) == 1
    assert memo.get(catalog, other, False) == 2
    assert memo.get(ex, catalog, False) is MISSING


def test_none_is_an_answer_and_not_a_miss() -> None:
    memo: IdentityMemo[float | None] = IdentityMemo()
    ex = Thing()
    assert memo.get(ex, None, "dumbbell") is MISSING
    memo.put(ex, None, "dumbbell", None)
    assert memo.get(ex, None, "dumbbell") is None


def test_an_object_that_takes_a_freed_id_never_gets_the_old_objects_answer() -> None:
    # Plant the entry an earlier object left under the id the new one now has: the memo holds
    # the objects it answers for and checks them with ``is``, so the id alone never answers.
    memo: IdentityMemo[str] = IdentityMemo()
    old, new = Thing(), Thing()
    memo._entries[(id(new), id(None), "x")] = _Entry(old, None, "old answer")
    assert memo.get(new, None, "x") is MISSING
    memo.put(new, None, "x", "new answer")
    assert memo.get(new, None, "x") == "new answer"


def test_the_memo_starts_again_rather_than_grow_past_its_limit() -> None:
    memo: IdentityMemo[int] = IdentityMemo(limit=8)
    kept = [Thing() for _ in range(50)]
    for i, thing in enumerate(kept):
        memo.put(thing, None, None, i)
        assert len(memo) <= 8
    assert memo.get(kept[-1], None, None) == 49


def test_a_catalog_loaded_again_gets_its_own_index_not_the_first_ones() -> None:
    first = load_catalog()
    second = Catalog([ex for ex in first if ex.region == "foot"])
    one, two = blocks._index(first), blocks._index(second)
    assert one is blocks._index(first)
    assert two is blocks._index(second)
    assert {e.ex.id for e in two.entries} == {ex.id for ex in second}
    assert len(one.entries) > len(two.entries)
