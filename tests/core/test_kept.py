"""Values kept a few seconds per process."""
from festival.core.kept import Kept


def test_a_value_is_read_once_per_key_until_it_is_too_old():
    now = [100.0]
    kept = Kept(5.0, most=2, clock=lambda: now[0])
    reads = []

    def read(value):
        def reader():
            reads.append(value)
            return value
        return reader

    assert kept.get("a", read(1)) == 1
    assert kept.get("a", read(2)) == 1          # kept
    assert kept.get("b", read(None)) is None
    assert kept.get("b", read(3)) is None       # None is kept too
    now[0] += 5.0
    # Too old: read again; and with `most` keys kept already, the others are forgotten.
    assert kept.get("a", read(4)) == 4
    assert kept.get("b", read(5)) == 5
    assert reads == [1, None, 4, 5]
    kept.clear()
    assert kept.get("a", read(6)) == 6
