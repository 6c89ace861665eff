"""core.memo.Memo: a value is built once per key, and a full memo empties itself instead of growing."""

from core.memo import Memo


def test_a_value_is_built_once_per_key_and_a_full_memo_starts_again():
    built = []

    def build(value):
        return lambda: built.append(value) or value

    memo = Memo(size=2)
    assert memo.get("a", build(1)) == 1 and memo.get("a", build(9)) == 1
    assert memo.get("b", build(2)) == 2
    assert built == [1, 2]
    assert memo.get("c", build(3)) == 3  # full: emptied, then "c" kept
    assert memo.get("a", build(4)) == 4  # "a" was dropped with the rest and is built again
    assert built == [1, 2, 3, 4]
