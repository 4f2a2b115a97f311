"""The page cache's in-process store: values last their own number of seconds, and the least recently used go
first when it is full."""
from __future__ import annotations

from shop.core.caching import LimitedStore
from tests.clock import Clock


def test_a_value_lasts_its_seconds():
    clock = Clock()
    store = LimitedStore(entries=10, clock=clock)
    store.put("page", ("etag", "marker", "body"), seconds=60)
    clock.advance(59)
    assert store.get("page") == ("etag", "marker", "body")
    clock.advance(1)
    assert store.get("page") is None


def test_the_least_recently_used_goes_first():
    store = LimitedStore(entries=2, clock=Clock())
    store.put("a", 1, 60)
    store.put("b", 2, 60)
    assert store.get("a") == 1  # "b" is now the least recently used
    store.put("c", 3, 60)
    assert (store.get("a"), store.get("b"), store.get("c")) == (1, None, 3)
