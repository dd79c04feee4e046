"""Values kept a few seconds in this process, by key: what a hot path reads often and may
see a little late (a door's rules, an API token's name and role)."""
from __future__ import annotations

import time
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

V = TypeVar("V")


class Kept(Generic[V]):
    """Each value is read by `read()` at most once every `seconds` per key; None is kept
    like any value. At most `most` keys: past that, all are forgotten."""

    def __init__(self, seconds: float, *, most: int = 1000,
                 clock: Callable[[], float] = time.monotonic):
        self.seconds, self.most, self.clock = seconds, most, clock
        self._values: dict[Hashable, tuple[float, V]] = {}

    def get(self, key: Hashable, read: Callable[[], V]) -> V:
        now = self.clock()
        hit = self._values.get(key)
        if hit is not None and now - hit[0] < self.seconds:
            return hit[1]
        value = read()
        if len(self._values) >= self.most:
            self._values.clear()
        self._values[key] = (now, value)
        return value

    def clear(self) -> None:
        self._values.clear()
