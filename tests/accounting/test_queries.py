"""The register says whether its numbering is whole."""
from __future__ import annotations

from types import SimpleNamespace

from festival.accounting.queries import Register


def _register(sequences, last, truncated=False) -> Register:
    rows = [SimpleNamespace(sequence=n) for n in sequences]
    return Register(2027, rows, last, 0, 0, truncated)


def test_a_hole_or_a_missing_end_is_seen():
    assert _register([1, 2, 3], 3).is_unbroken
    assert _register([], 0).is_unbroken
    assert not _register([1, 3], 3).is_unbroken       # a hole
    assert not _register([1, 2], 3).is_unbroken       # a number given, no receipt
    assert _register([1, 2], 3, truncated=True).is_unbroken  # the rest is not shown
