"""Values a process may keep for a little while: read-mostly figures that every page would otherwise recompute.

Each process keeps its own copy (the app stays stateless across hosts); a value is at most `seconds` old.
`seconds` = 0 switches keeping off (the tests do that). The stores at the end keep rendered pages
(shop.web.pagecache): bounded in memory per process, or in Redis shared by all.
"""
from __future__ import annotations

import json
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, TypeVar, cast

T = TypeVar("T")
logger = logging.getLogger(__name__)


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


class LimitedStore:
    """Values kept by key for their own number of seconds, at most `entries` of them (the least recently used
    go first), by `clock`; safe to share between threads. One per process: the page cache without Redis."""

    def __init__(self, entries: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.entries = entries
        self.clock = clock
        self._kept: OrderedDict[str, tuple[float, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> Any | None:
        """The value kept under `key`, or None if there is none or it is too old."""
        with self._lock:
            kept = self._kept.get(key)
            if kept is None:
                return None
            if kept[0] <= self.clock():
                del self._kept[key]
                return None
            self._kept.move_to_end(key)
            return kept[1]

    def put(self, key: str, value: Any, seconds: int) -> None:
        """Keep `value` under `key` for `seconds`, dropping the least recently used value when full."""
        with self._lock:
            self._kept[key] = (self.clock() + seconds, value)
            self._kept.move_to_end(key)
            while len(self._kept) > self.entries:
                self._kept.popitem(last=False)


class RedisStore:
    """Tuples of strings kept in Redis, shared by every worker and host; Redis being down is a miss, never an
    error (the page is rendered instead)."""

    def __init__(self, url: str, prefix: str) -> None:
        import redis

        self.prefix = prefix
        self._redis = redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)
        self._errors: tuple[type[Exception], ...] = (redis.RedisError, OSError)

    def get(self, key: str) -> tuple[str, ...] | None:
        """The tuple kept under `key`, or None (also when Redis cannot be reached)."""
        try:
            raw = self._redis.get(self.prefix + key)
        except self._errors as exc:
            logger.warning("page cache: Redis unreachable: %s", exc)
            return None
        return tuple(json.loads(raw)) if raw is not None else None

    def put(self, key: str, value: tuple[str, ...], seconds: int) -> None:
        """Keep `value` under `key` for `seconds` (nothing happens if Redis cannot be reached)."""
        try:
            self._redis.set(self.prefix + key, json.dumps(value, ensure_ascii=False), ex=seconds)
        except self._errors as exc:
            logger.warning("page cache: Redis unreachable: %s", exc)
