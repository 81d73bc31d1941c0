"""Delivering the outbox: durable retries through long outages, blocked chats, crash-safe bookkeeping.

The worker knows nothing of Telegram: a channel adapter gives it a `Sender` that raises the
exceptions below, and the channel paces the requests (Telegram's limits and the priority between
replies and warnings are `bot.telegram.pacing`'s business). The worker keeps a bounded number of rows
in the channel's hands, most urgent first.

Every row is marked "sending" in SQLite before it is handed over and "sent" right after, so after a
crash only the requests on the wire at that moment can repeat (rows still waiting for their turn were
never sent and simply go again). A network error or 5xx keeps the row queued and retried with capped
back-off until `Limits.retry_hours` after its first error; only a refusal (400/403) or that deadline
make it final. While every send fails (an outage), the worker stops handing rows over and sends one
probe at a time, with growing pauses, instead of burning through the queue.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Protocol

from bot.storage import alerts as store
from bot.storage import residents as resident_store
from bot.storage.alert_model import Alert
from bot.storage.db import AsyncDatabase

log = logging.getLogger(__name__)

# The order rows are claimed in (and the channel's priority for them).
PRIORITY_STAFF, PRIORITY_URGENT, PRIORITY_NORMAL = 0, 1, 2
OUTAGE_AFTER = 5  # transient failures in a row with no success in between mean the channel is down
MAX_PROBE_PAUSE = 60.0  # seconds between probes during an outage, at most


def priority_of(alert: Alert) -> int:
    return PRIORITY_URGENT if alert.urgent else PRIORITY_NORMAL


class Blocked(Exception):
    """The chat is gone for good (the resident blocked the bot, the account was deleted)."""


class RetryAfter(Exception):
    """The platform asks us to pause sending for `seconds`."""

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
    priority: int = PRIORITY_NORMAL
    parts_sent: int = 0
    first_error_at: datetime | None = None


class Sender(Protocol):
    async def deliver(self, row: OutboxRow) -> int | None:
        """Send (or edit) what `row` stands for; return the platform's message id."""


@dataclass
class Limits:
    in_flight: int = 60  # rows in the channel's hands at once (about two seconds of Telegram's rate)
    retry_hours: float = 6.0  # network errors and 5xx: keep trying this long after the first one
    max_backoff_seconds: float = 300.0
    batch: int = 100


def backoff_seconds(attempts: int, cap: float) -> float:
    return min(2.0 ** attempts, cap)


class OutboxWorker:
    """Sends queued outbox rows until stopped. One worker per process."""

    def __init__(self, db: AsyncDatabase, sender: Sender, limits: Limits | None = None,
                 on_idle: Callable[[], Awaitable[None]] | None = None,
                 clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep):
        self.db = db
        self.sender = sender
        self.limits = limits or Limits()
        self.on_idle = on_idle
        self.clock = clock
        self.sleep = sleep
        self.retry_afters = 0
        self.failures_in_a_row = 0
        self.probes = 0  # rounds of one probe each, in the current outage
        self._in_flight: set[asyncio.Task[None]] = set()
        self._rows: dict[asyncio.Task[None], int] = {}  # task -> outbox row id

    @property
    def in_outage(self) -> bool:
        return self.failures_in_a_row >= OUTAGE_AFTER

    async def run(self, poll_seconds: float = 0.5) -> None:
        await self.db.write(store.recover_in_flight)
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
        """Hand the channel as many due rows as it has room for; returns how many were claimed."""
        if self.in_outage:
            await self._drain()  # let the rows already out fail (or succeed) first
            if self.in_outage:  # still: wait a little longer each time, then try one message
                pause = backoff_seconds(self.probes, MAX_PROBE_PAUSE)
                self.probes += 1
                log.warning("sending keeps failing; trying one message in %.0f s", pause)
                await self.sleep(pause)
            room = 1
        else:
            while len(self._in_flight) >= self.limits.in_flight:
                await asyncio.wait(self._in_flight, return_when=asyncio.FIRST_COMPLETED)
            room = min(self.limits.batch, self.limits.in_flight - len(self._in_flight))
        rows = [OutboxRow(**r) for r in await self.db.write(store.claim, self.clock(), room)]
        for row in rows:
            task = asyncio.create_task(self._send(row))
            self._in_flight.add(task)
            self._rows[task] = row.id
            task.add_done_callback(self._forget)
        if room == 1 and self.failures_in_a_row:
            await self._drain()  # the probe decides whether the outage is over
        return len(rows)

    async def _drain(self) -> None:
        if self._in_flight:
            await asyncio.wait(set(self._in_flight))

    def _forget(self, task: asyncio.Task[None]) -> None:
        self._in_flight.discard(task)
        if not task.cancelled():
            self._rows.pop(task, None)

    async def stop(self) -> None:
        """Rows handed to the channel go back to the queue: most were still waiting for their turn
        and were never sent; one on the wire at this moment may arrive twice, as after a crash."""
        for task in list(self._in_flight):
            task.cancel()
        await self._drain()
        given_back, self._rows = list(self._rows.values()), {}
        if given_back:
            await self.db.write(store.give_back, given_back)

    async def _send(self, row: OutboxRow) -> None:
        try:
            message_id = await self.sender.deliver(row)
        except RetryAfter as exc:
            self.retry_afters += 1
            await self.db.write(store.mark_retry, row.id, str(exc), self.clock() + timedelta(seconds=exc.seconds),
                              count_attempt=False)
        except Blocked as exc:
            self.failures_in_a_row = self.probes = 0
            await self.db.write(store.mark_final, row.id, "blocked", str(exc) or "blocked")
            if row.kind == "send":
                await self.db.write(resident_store.mark_inactive, row.chat_id, "blocked")
        except Permanent as exc:
            self.failures_in_a_row = self.probes = 0
            await self.db.write(store.mark_final, row.id, "failed", str(exc))
        except Exception as exc:  # noqa: BLE001 - Transient, or a bug: retried until the deadline
            if not isinstance(exc, Transient):
                log.exception("delivering outbox row %s failed unexpectedly", row.id)
            await self._retry_or_fail(row, f"{type(exc).__name__}: {exc}")
        else:
            self.failures_in_a_row = self.probes = 0
            await self.db.write(store.mark_sent, row.id, message_id, self.clock())

    async def _retry_or_fail(self, row: OutboxRow, error: str) -> None:
        self.failures_in_a_row += 1
        now = self.clock()
        first = row.first_error_at or now
        if now - first >= timedelta(hours=self.limits.retry_hours):
            await self.db.write(store.mark_final, row.id, "failed", f"gave up after {self.limits.retry_hours:g} h: {error}")
            return
        wait = backoff_seconds(row.attempts, self.limits.max_backoff_seconds)
        await self.db.write(store.mark_retry, row.id, error, now + timedelta(seconds=wait), now=now)
