"""Values a process may keep for a little while: read-mostly figures that every page would otherwise recompute.

Each process keeps its own copy (the app stays stateless across hosts); a value is at most `seconds` old.
`seconds` = 0 switches keeping off (the tests do that).
"""
from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar, cast

T = TypeVar("T")
_kept: dict[object, tuple[float, object]] = {}


def kept(key: object, seconds: int, compute: Callable[[], T]) -> T:
    """`compute()`, or the value kept under `key` if it is younger than `seconds`."""
    if seconds:
        cached = _kept.get(key)
        if cached is not None and cached[0] > time.monotonic():
            return cast(T, cached[1])  # kept by the compute() of the same key
    value = compute()
    if seconds:
        _kept[key] = (time.monotonic() + seconds, value)
    return value


def forget() -> None:
    """Drop everything kept (for tests)."""
    _kept.clear()
