"""Delivering the outbox: rate limits, retries, blocked chats, and crash-safe bookkeeping.

The worker knows nothing of Telegram: a channel adapter gives it a `Sender` that raises the
exceptions below. Every row is marked "sending" in SQLite before its request goes out and "sent"
right after, so after a crash only the requests in flight at that moment can repeat.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Awaitable, Callable, Protocol

from bot.storage import alerts as store
from bot.storage import residents as resident_store
from bot.storage.db import AsyncDatabase

log = logging.getLogger(__name__)


class Blocked(Exception):
    """The chat is gone for good (the resident blocked the bot, the account was deleted)."""


class RetryAfter(Exception):
    """The platform asks us to pause all sending for `seconds`."""

    def __init__(self, seconds: float):
        super().__init__(f"retry after {seconds} s")
        self.seconds = seconds


class Transient(Exception):
    """A network error or a server error: worth trying again later."""


class Permanent(Exception):
    """This message can never be delivered as it is (e.g. the message to edit is gone)."""


@dataclass(frozen=True)
class OutboxRow:
    id: int
    alert_id: int
    chat_id: int
    kind: str
    lang: str
    chat_type: str
    message_id: int | None
    attempts: int


class Sender(Protocol):
    async def deliver(self, row: OutboxRow) -> int | None:
        """Send (or edit) what `row` stands for; return the platform's message id."""


@dataclass
class Limits:
    per_second: float = 30.0
    per_chat_seconds: float = 1.0  # at most one message a second to the same chat
    per_group_minute: int = 20  # and twenty a minute to the same group
    max_attempts: int = 5
    batch: int = 100


# Requests leave evenly spaced but arrive with a few milliseconds of jitter; aiming at exactly the
# limit then trips it now and then, and every 429 costs a whole second. 4 % below keeps clear of it.
HEADROOM = 0.96


class RateGate:
    """Spaces sends to stay under the overall, per-chat and per-group limits, and holds everything
    while a 429 pause lasts."""

    def __init__(self, limits: Limits, clock: Callable[[], float] = time.monotonic):
        self.limits = limits
        self.clock = clock
        self._next_slot = clock()
        self._chat_last: dict[int, float] = {}
        self._group_sends: dict[int, deque[float]] = {}
        self.paused_until = 0.0

    def chat_ready_at(self, chat_id: int, group: bool) -> float:
        at = self._chat_last.get(chat_id, -1e9) + self.limits.per_chat_seconds
        if group:
            sends = self._group_sends.get(chat_id)
            if sends and len(sends) >= self.limits.per_group_minute:
                at = max(at, sends[0] + 60.0)
        return at

    async def wait_turn(self, chat_id: int, group: bool) -> None:
        """Sleep until this chat may get a message and a slot in the overall rate is free."""
        while True:
            now = self.clock()
            ready = max(self.paused_until, self.chat_ready_at(chat_id, group))
            if ready > now:
                await asyncio.sleep(ready - now)
                continue
            slot = max(self._next_slot, now)
            self._next_slot = slot + 1.0 / (self.limits.per_second * HEADROOM)
            if slot > now:
                await asyncio.sleep(slot - now)
                if self.paused_until > self.clock():
                    continue  # a 429 arrived while we waited: queue again behind the pause
            stamp = self.clock()
            self._chat_last[chat_id] = stamp
            if group:
                sends = self._group_sends.setdefault(chat_id, deque())
                sends.append(stamp)
                while sends and sends[0] <= stamp - 60.0:
                    sends.popleft()
            return

    def pause(self, seconds: float) -> None:
        self.paused_until = max(self.paused_until, self.clock() + seconds)
        self._next_slot = max(self._next_slot, self.paused_until)


class OutboxWorker:
    """Sends queued outbox rows until stopped. One worker per process."""

    def __init__(self, db: AsyncDatabase, sender: Sender, limits: Limits | None = None,
                 on_idle: Callable[[], Awaitable[None]] | None = None):
        self.db = db
        self.sender = sender
        self.limits = limits or Limits()
        self.gate = RateGate(self.limits)
        self.on_idle = on_idle
        self.retry_afters = 0
        self._in_flight: set[asyncio.Task] = set()
        self._max_in_flight = max(4, int(self.limits.per_second))  # about one second of sends at once

    async def run(self, poll_seconds: float = 0.5) -> None:
        await self.db.run(store.recover_in_flight)
        while True:
            try:
                worked = await self.run_once()
            except Exception:  # the database was busy or similar: never stop delivering for good
                log.exception("outbox round failed; trying again")
                worked = 0
            if not worked:
                if self.on_idle:
                    await self.on_idle()
                await asyncio.sleep(poll_seconds)

    async def run_once(self) -> int:
        """Claim and send one batch; returns how many rows were claimed."""
        now = datetime.now(timezone.utc)
        room = self.limits.batch
        rows = [OutboxRow(*r) for r in await self.db.run(store.claim, now, room)]
        if not rows:
            await self._drain()
            return 0
        # Rows for chats that must wait (per-chat spacing) go last, so one busy chat does not stall the rest.
        rows.sort(key=lambda r: self.gate.chat_ready_at(r.chat_id, r.chat_type in ("group", "supergroup")))
        for row in rows:
            await self.gate.wait_turn(row.chat_id, row.chat_type in ("group", "supergroup"))
            while len(self._in_flight) >= self._max_in_flight:
                await asyncio.wait(self._in_flight, return_when=asyncio.FIRST_COMPLETED)
            task = asyncio.create_task(self._send(row))
            self._in_flight.add(task)
            task.add_done_callback(self._in_flight.discard)
        return len(rows)

    async def _drain(self) -> None:
        if self._in_flight:
            await asyncio.wait(set(self._in_flight))

    async def stop(self) -> None:
        await self._drain()

    async def _send(self, row: OutboxRow) -> None:
        try:
            message_id = await self.sender.deliver(row)
        except RetryAfter as exc:
            self.retry_afters += 1
            self.gate.pause(exc.seconds)
            await self.db.run(store.mark_retry, row.id, str(exc), datetime.now(timezone.utc) + timedelta(seconds=exc.seconds),
                              count_attempt=False)
        except Blocked as exc:
            await self.db.run(store.mark_final, row.id, "blocked", str(exc) or "blocked")
            if row.kind == "send":
                await self.db.run(resident_store.mark_inactive, row.chat_id, "blocked")
        except Permanent as exc:
            await self.db.run(store.mark_final, row.id, "failed", str(exc))
        except (Transient, Exception) as exc:  # noqa: BLE001 - any other failure is retried, then failed
            if not isinstance(exc, Transient):
                log.exception("delivering outbox row %s failed unexpectedly", row.id)
            if row.attempts + 1 >= self.limits.max_attempts:
                await self.db.run(store.mark_final, row.id, "failed", f"{type(exc).__name__}: {exc}")
            else:
                backoff = min(2 ** row.attempts, 60)
                await self.db.run(store.mark_retry, row.id, f"{type(exc).__name__}: {exc}",
                                  datetime.now(timezone.utc) + timedelta(seconds=backoff))
        else:
            await self.db.run(store.mark_sent, row.id, message_id, datetime.now(timezone.utc))
