"""A per-resident limit on messages, so one sender cannot flood the bot (or be silently dropped)."""

from __future__ import annotations

import time
from collections import defaultdict, deque
from collections.abc import Callable, Hashable

OK, LIMITED, QUIET = "ok", "limited", "quiet"


class SlidingWindowLimiter:
    """At most `limit` handled messages per `window` seconds per key.

    Over the limit a message is answered politely ("limited") instead of being handled; only a
    sender going on past twice the limit (a script, not a person) gets no reply at all ("quiet").
    """

    def __init__(self, limit: int, window: float = 60.0, clock: Callable[[], float] = time.monotonic,
                 max_keys: int = 50_000):
        self.limit = limit
        self.window = window
        self.clock = clock
        self.max_keys = max_keys  # senders remembered at most; quiet ones are swept out first
        self._events: dict[Hashable, deque[float]] = defaultdict(deque)

    def check(self, key: Hashable) -> str:
        now = self.clock()
        if key not in self._events and len(self._events) >= self.max_keys:
            self._sweep(now)
        events = self._events[key]
        while events and events[0] <= now - self.window:
            events.popleft()
        events.append(now)
        if len(events) <= self.limit:
            return OK
        return LIMITED if len(events) <= 2 * self.limit else QUIET

    def _sweep(self, now: float) -> None:
        """Drop senders with nothing inside the window; if all are busy, the longest quiet ones."""
        for key in [k for k, events in self._events.items() if not events or events[-1] <= now - self.window]:
            del self._events[key]
        while len(self._events) >= self.max_keys:
            oldest = min(self._events, key=lambda k: self._events[k][-1])
            del self._events[oldest]

    def __len__(self) -> int:
        return len(self._events)
