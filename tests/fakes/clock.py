"""A fake monotonic clock with its own sleep, for code that takes `clock` and `sleep` arguments.

Time stands still until the test moves it: `run_until(awaitable)` lets every ready task run and,
only when nothing can happen before the next sleeper wakes, jumps the clock to that sleeper. So a
test sees exact times (a 1 s pause is 1 s on the clock) and never waits for real.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
from collections.abc import Awaitable
from typing import TypeVar

T = TypeVar("T")

# Yields to the event loop before the clock may jump: enough for the callbacks, futures and tasks
# that one step of the code under test chains together (it makes no I/O of its own).
SETTLE_STEPS = 50


class FakeClock:
    def __init__(self, start: float = 1000.0) -> None:
        self.now = start
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._n = itertools.count()

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        """Returns once the clock has been moved `seconds` on (at once for zero or less)."""
        if seconds <= 0:
            await asyncio.sleep(0)
            return
        woken: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._sleepers, (self.now + seconds, next(self._n), woken))
        await woken

    def advance(self, seconds: float) -> None:
        """Move the clock on and wake whoever sleeps until then."""
        self._move_to(self.now + seconds)

    def _move_to(self, at: float) -> None:
        self.now = max(self.now, at)
        while self._sleepers and self._sleepers[0][0] <= self.now:
            _, _, woken = heapq.heappop(self._sleepers)
            if not woken.done():
                woken.set_result(None)

    async def run_until(self, awaitable: Awaitable[T], limit: float = 3600.0) -> T:
        """Await `awaitable`, moving the clock to the next sleeper whenever everything else waits."""
        task = asyncio.ensure_future(awaitable)
        give_up = self.now + limit
        while True:
            for _ in range(SETTLE_STEPS):
                if task.done():
                    return task.result()
                await asyncio.sleep(0)
            while self._sleepers and self._sleepers[0][2].done():  # cancelled sleeps
                heapq.heappop(self._sleepers)
            if not self._sleepers:
                task.cancel()
                raise AssertionError("nothing sleeps and nothing runs: the awaited work is stuck")
            at = self._sleepers[0][0]
            if at > give_up:
                task.cancel()
                raise AssertionError(f"not done within {limit:g} s of fake time")
            self._move_to(at)
