"""What a conversation was about a moment ago, so follow-ups are answered in context.

Kept in memory only, for `ttl` seconds after the last message (30 minutes by default) and for at
most `capacity` conversations: nothing of it reaches the database or outlives a restart, and
`/glom` (or the web's "radera mina frågor") forgets it at once. Keys are the channels' pseudonymous
user keys, never chat ids.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable

from bot.core.matching.matcher import Context

DEFAULT_TTL = 30 * 60.0
DEFAULT_CAPACITY = 50_000


class ConversationMemory:
    """Last topic per conversation, forgotten after a while of silence (least recently used first)."""

    def __init__(self, ttl: float = DEFAULT_TTL, capacity: int = DEFAULT_CAPACITY, clock: Callable[[], float] = time.monotonic):
        self.ttl = ttl
        self.capacity = capacity
        self.clock = clock
        self._items: OrderedDict[str, tuple[float, Context]] = OrderedDict()

    def get(self, key: str | None) -> Context | None:
        if not key:
            return None
        item = self._items.get(key)
        if item is None:
            return None
        at, context = item
        if self.clock() - at > self.ttl:
            del self._items[key]
            return None
        return context

    def remember(self, key: str | None, context: Context) -> None:
        if not key:
            return
        self._items[key] = (self.clock(), context)
        self._items.move_to_end(key)
        while len(self._items) > self.capacity:
            self._items.popitem(last=False)

    def forget(self, key: str | None) -> None:
        if key:
            self._items.pop(key, None)

    def __len__(self) -> int:
        return len(self._items)
