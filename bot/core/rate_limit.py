"""A per-resident limit on messages, so one sender cannot flood the bot (or be silently dropped)."""

from __future__ import annotations

import time
from collections import defaultdict, deque
from typing import Callable, Hashable

OK, LIMITED, QUIET = "ok", "limited", "quiet"


class SlidingWindowLimiter:
    """At most `limit` handled messages per `window` seconds per key.

    Over the limit a message is answered politely ("limited") instead of being handled; only a
    sender going on past twice the limit (a script, not a person) gets no reply at all ("quiet").
    """

    def __init__(self, limit: int, window: float = 60.0, clock: Callable[[], float] = time.monotonic):
        self.limit = limit
        self.window = window
        self.clock = clock
        self._events: dict[Hashable, deque[float]] = defaultdict(deque)

    def check(self, key: Hashable) -> str:
        now = self.clock()
        events = self._events[key]
        while events and events[0] <= now - self.window:
            events.popleft()
        events.append(now)
        if len(events) <= self.limit:
            return OK
        return LIMITED if len(events) <= 2 * self.limit else QUIET

    def forget(self, key: Hashable) -> None:
        self._events.pop(key, None)
