"""Values a process may keep for a little while: read-mostly figures that every page would otherwise recompute.

Each process keeps its own copy (the app stays stateless across hosts); a value is at most `seconds` old.
`seconds` = 0 switches keeping off (the tests do that).
"""
from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TypeVar, cast

T = TypeVar("T")


class Cache:
    """Values kept by key until they are `seconds` old, by `clock` (seconds; tests give their own)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._kept: dict[object, tuple[float, Any]] = {}

    def kept(self, key: object, seconds: int, compute: Callable[[], T]) -> T:
        """`compute()`, or the value kept under `key` if it is younger than `seconds`."""
        if seconds:
            cached = self._kept.get(key)
            if cached is not None and cached[0] > self.clock():
                return cast(T, cached[1])  # kept by the compute() of the same key
        value = compute()
        if seconds:
            self._kept[key] = (self.clock() + seconds, value)
        return value

    def forget(self) -> None:
        """Drop everything kept (for tests)."""
        self._kept.clear()


cache = Cache()
"""The process's cache; `kept` and `forget` below are its methods."""
kept = cache.kept
forget = cache.forget
