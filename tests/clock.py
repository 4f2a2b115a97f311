"""A clock for code that takes one (the cache, the job runner): it moves only when the test moves it."""
from __future__ import annotations


class Clock:
    """Seconds, like time.monotonic, starting at an arbitrary point."""

    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        """Move the clock on by `seconds`."""
        self.now += seconds
