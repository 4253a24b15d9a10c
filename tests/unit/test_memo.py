"""``services.memo.RevisionMemo`` and the context's memos (D-112): a copy of a stored
answer is used only at the revision it was made at, and never across databases."""

from __future__ import annotations

import threading

import pytest

from calfcoach.services.context import ServiceContext
from calfcoach.services.memo import RevisionMemo


def _no_unit_of_work(**_: object) -> object:
    raise AssertionError("not used")


def test_a_kept_value_is_given_only_at_the_revision_it_was_made_at() -> None:
    memo: RevisionMemo[int, str] = RevisionMemo(10)
    memo.put(1, 5, "row at 5")
    assert memo.get(1, 5) == "row at 5"
    assert memo.get(1, 6) is None  # a write raised the revision: never served
    assert memo.get(1, 4) is None
    assert memo.get(2, 5) is None
    memo.put(1, 6, "row at 6")
    assert memo.get(1, 5) is None and memo.get(1, 6) == "row at 6"


def test_the_memo_drops_the_least_recently_used_value_past_its_size() -> None:
    memo: RevisionMemo[int, int] = RevisionMemo(3)
    for key in range(3):
        memo.put(key, 1, key)
    assert memo.get(0, 1) == 0  # 0 is used again: 1 is now the oldest
    memo.put(3, 1, 3)
    assert len(memo) == 3
    assert memo.get(1, 1) is None
    assert [memo.get(k, 1) for k in (0, 2, 3)] == [0, 2, 3]
    with pytest.raises(ValueError, match="at least one"):
        RevisionMemo(0)


def test_two_contexts_never_share_a_memo() -> None:
    """Two databases in one process (the tests, a tool) have their own copies."""
    first = ServiceContext(unit_of_work=_no_unit_of_work)  # type: ignore[arg-type]
    second = ServiceContext(unit_of_work=_no_unit_of_work)  # type: ignore[arg-type]
    first.memo("roster.rows", 10).put(1, 1, "first database's row")
    assert second.memo("roster.rows", 10).get(1, 1) is None
    assert first.memo("roster.rows", 10) is first.memo("roster.rows", 10)


def test_threads_putting_and_getting_at_once_leave_the_memo_bounded_and_whole() -> None:
    memo: RevisionMemo[int, int] = RevisionMemo(50)

    def work(offset: int) -> None:
        for i in range(2000):
            memo.put((offset + i) % 120, i, i)
            memo.get((offset + i * 7) % 120, i)

    threads = [threading.Thread(target=work, args=(k * 31,)) for k in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(memo) == 50
