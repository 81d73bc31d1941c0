"""The one paced path for everything the bot sends: Telegram's flood limits, priorities, retries.

`PacedRateLimiter` is python-telegram-bot's `BaseRateLimiter` hook, so every Bot API request the
Application's bot makes passes through it: replies, edits, session steps, warnings, digests and
staff notices alike. Requests that post or change a message in a chat (`send*`, `edit*`, ...) are
paced; the rest (answerCallbackQuery, getMe, setMyCommands, ...) go straight through, because
Telegram does not count them and a button's spinner must stop at once.

Pacing keeps under all three of Telegram's limits at the same time: an even overall rate a little
below `per_second`, at most one message a second to a chat (a token bucket that lets a reply in two
parts go out together), and twenty a minute to a group. When several requests could go next, the
`Pace.priority` decides: conversational replies and session steps first, then urgent warnings, then
other warnings; while residents are waiting, warnings still get `warning_share` of the slots so a
flood of questions can never stall a warning completely. Requests to one chat leave in order, one at
a time, so a 429 or a retry never reorders a conversation.

A 429 is never the end: the request waits its `retry_after` and goes again, first in its chat's
line. A 429 on a private chat pauses everything (our own per-chat pacing makes it the overall
limit); on a group or channel only that chat pauses (its per-minute limit). Network errors and 5xx
are retried with capped back-off for `Pace.retry_seconds`; the outbox passes 0 and keeps its own
much longer, durable schedule.

Why our own limiter rather than PTB's `AIORateLimiter` (aiolimiter): that one holds a request
until an overall and a per-group leaky bucket both have room, in arrival order. It has no notion
of priority (a 10,000-message broadcast already queued there delays every reply behind it), no
per-chat spacing for private chats, retries 429s only when told to and then pauses everything,
and does not retry network errors. `benchmarks/telegram_throughput.py --section limiters` shows
the difference under a broadcast.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import logging
import time
from bisect import insort
from collections import deque
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from telegram.error import BadRequest, NetworkError, RetryAfter
from telegram.ext import BaseRateLimiter

log = logging.getLogger(__name__)

INTERACTIVE, URGENT, NORMAL = 0, 1, 2
PRIORITIES = (INTERACTIVE, URGENT, NORMAL)

# Requests leave evenly spaced but arrive with a few milliseconds of jitter; aiming at exactly the
# limit trips it now and then, and every 429 costs at least a second. 4 % below keeps clear of it.
HEADROOM = 0.96
# A group's twentieth message in a minute: wait this much longer than the minute, for the same jitter.
GROUP_MARGIN_SECONDS = 0.5
# A slot this late means the event loop stalled (at high rates a millisecond late is ordinary).
STALL_SECONDS = 0.02
CATCH_UP_SECONDS = 0.005
RETRY_BACKOFF = (0.5, 1.0, 2.0, 4.0, 8.0, 15.0, 30.0)  # seconds; the last repeats
_PACED_PREFIXES = ("send", "edit", "copy", "forward", "stop", "delete")
_UNPACED = {"sendChatAction"}


@dataclass(frozen=True)
class Pace:
    """How one request is paced: its priority, and how long network errors and 5xx are retried
    (None: the limiter's default for conversation; 0: not at all, the caller retries)."""

    priority: int = INTERACTIVE
    retry_seconds: float | None = None


REPLY = Pace(INTERACTIVE)


@dataclass(frozen=True)
class PaceLimits:
    per_second: float = 30.0  # overall, every chat together
    per_chat_per_second: float = 1.0
    per_chat_burst: int = 2  # Telegram lets short bursts to one chat through; we use little of it
    per_group_minute: int = 20
    warning_share: float = 0.25  # of the slots while replies are waiting too
    retry_seconds: float = 600.0  # replies and session steps: network errors and 5xx, this long


@dataclass(frozen=True)
class PacingStats:
    granted: int
    waiting: int
    peak_waiting: int
    retry_afters: int
    network_retries: int


class _Chat:
    __slots__ = ("key", "group", "pending", "busy", "tokens", "stamp", "sends", "paused_until")

    def __init__(self, key: int | str, group: bool, burst: int, now: float):
        self.key = key
        self.group = group
        self.pending: list[_Ticket] = []  # by (priority, seq)
        self.busy = False  # one request per chat at a time keeps the chat's order
        self.tokens = float(burst)
        self.stamp = now
        self.sends: deque[float] = deque()  # groups: grant times within the last minute
        self.paused_until = 0.0


class _Ticket:
    __slots__ = ("priority", "seq", "chat", "granted")

    def __init__(self, priority: int, seq: int, chat: _Chat):
        self.priority = priority
        self.seq = seq
        self.chat = chat
        self.granted: asyncio.Future | None = None

    @property
    def order(self) -> tuple[int, int]:
        return self.priority, self.seq


class SendScheduler:
    """Decides which waiting request goes next and when; see the module docstring.

    Callers `acquire` a ticket (waiting for its slot), make the request, then either `release` it
    or `hold` it for a later try, which keeps its place at the front of its chat's line.
    """

    def __init__(self, limits: PaceLimits, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep):
        self.limits = limits
        self.clock = clock  # `clock` and `sleep` go together: tests pass a fake clock and its sleep
        self.sleep = sleep
        self._interval = 1.0 / (limits.per_second * HEADROOM)
        # Only where waking up takes a good part of a slot (fast limits) is lateness made up for; at
        # Telegram's 30/s even a few milliseconds of it brought 429s back in a long broadcast.
        self._catch_up = CATCH_UP_SECONDS if self._interval < CATCH_UP_SECONDS else 0.0
        self._next_slot = 0.0
        self._paused_until = 0.0
        self._chats: dict[int | str, _Chat] = {}
        self._ready: list[list[tuple[int, int | str]]] = [[] for _ in PRIORITIES]  # heaps of (seq, chat)
        self._timers: list[tuple[float, int, int | str]] = []  # heap of (ready at, n, chat)
        self._timer_n = itertools.count()
        self._seq = itertools.count()
        self._credit = 0.0
        self._wake: asyncio.Event | None = None
        self._task: asyncio.Task | None = None
        self._closed = False
        self.granted = self.waiting = self.peak_waiting = self.retry_afters = self.network_retries = 0

    # --- for callers ----------------------------------------------------------------------------

    def ticket(self, chat_id: int | str, priority: int) -> _Ticket:
        chat = self._chats.get(chat_id)
        if chat is None:
            group = isinstance(chat_id, str) or chat_id < 0  # groups, supergroups and channels
            chat = self._chats[chat_id] = _Chat(chat_id, group, self.limits.per_chat_burst, self.clock())
        return _Ticket(priority, next(self._seq), chat)

    async def acquire(self, ticket: _Ticket) -> None:
        """Wait until `ticket` may be sent; the chat is then busy until `release` or `hold`."""
        if self._closed:
            raise NetworkError("the bot is shutting down; message not sent")
        self._start()
        ticket.granted = asyncio.get_running_loop().create_future()
        chat = ticket.chat
        insort(chat.pending, ticket, key=lambda t: t.order)
        self.waiting += 1
        self.peak_waiting = max(self.peak_waiting, self.waiting)
        if not chat.busy and chat.pending[0] is ticket:
            self._schedule(chat, self.clock())
        try:
            await ticket.granted
        except asyncio.CancelledError:
            if ticket.granted.done() and not ticket.granted.cancelled():
                self.release(ticket)  # granted just as the caller gave up
            else:
                self._withdraw(ticket)
            raise

    def release(self, ticket: _Ticket) -> None:
        """The request is done (sent, or failed for good): the chat's next one may go."""
        chat = ticket.chat
        chat.busy = False
        if chat.pending:
            self._schedule(chat, self.clock())

    def hold(self, ticket: _Ticket, seconds: float, *, everyone: bool) -> None:
        """Pause the chat (and with `everyone` all sending) for `seconds`; `ticket` keeps its place
        and is acquired again by its caller."""
        now = self.clock()
        chat = ticket.chat
        chat.paused_until = max(chat.paused_until, now + seconds)
        if everyone:
            self._paused_until = max(self._paused_until, now + seconds)
            self._next_slot = max(self._next_slot, self._paused_until)
        chat.busy = False

    def stats(self) -> PacingStats:
        return PacingStats(self.granted, self.waiting, self.peak_waiting, self.retry_afters, self.network_retries)

    async def close(self) -> None:
        """Stop dispatching; requests still waiting fail with a NetworkError."""
        self._closed = True
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
            self._task = None
        for chat in self._chats.values():
            for ticket in chat.pending:
                if ticket.granted is not None and not ticket.granted.done():
                    ticket.granted.set_exception(NetworkError("the bot is shutting down; message not sent"))
            chat.pending.clear()

    # --- bookkeeping ----------------------------------------------------------------------------

    def _start(self) -> None:
        if self._task is None or self._task.done():
            self._wake = asyncio.Event()
            self._task = asyncio.get_running_loop().create_task(self._dispatch(), name="telegram-pacing")

    def _withdraw(self, ticket: _Ticket) -> None:
        chat = ticket.chat
        if ticket in chat.pending:
            chat.pending.remove(ticket)
            self.waiting -= 1
            if chat.pending and not chat.busy:
                self._schedule(chat, self.clock())

    def _tokens(self, chat: _Chat, now: float) -> float:
        return min(float(self.limits.per_chat_burst), chat.tokens + (now - chat.stamp) * self.limits.per_chat_per_second)

    def _ready_at(self, chat: _Chat, now: float) -> float:
        at = chat.paused_until
        tokens = self._tokens(chat, now)
        if tokens < 1.0:
            at = max(at, now + (1.0 - tokens) / self.limits.per_chat_per_second)
        if chat.group:
            while chat.sends and chat.sends[0] <= now - 60.0:
                chat.sends.popleft()
            if len(chat.sends) >= self.limits.per_group_minute:
                at = max(at, chat.sends[-self.limits.per_group_minute] + 60.0 + GROUP_MARGIN_SECONDS)
        return at

    def _schedule(self, chat: _Chat, now: float) -> None:
        """Put a free chat with waiting requests where the dispatcher will find it."""
        at = self._ready_at(chat, now)
        if at <= now:
            head = chat.pending[0]
            heapq.heappush(self._ready[head.priority], (head.seq, chat.key))
        else:
            heapq.heappush(self._timers, (at, next(self._timer_n), chat.key))
        if self._wake is not None:
            self._wake.set()

    def _top(self, priority: int, now: float) -> _Chat | None:
        heap = self._ready[priority]
        while heap:
            seq, key = heap[0]
            chat = self._chats.get(key)
            if chat is None or chat.busy or not chat.pending or chat.pending[0].order != (priority, seq):
                heapq.heappop(heap)  # stale entry: the chat moved on
                continue
            if self._ready_at(chat, now) > now:  # paused since it was listed
                heapq.heappop(heap)
                self._schedule(chat, now)
                continue
            return chat
        return None

    def _pick(self, now: float) -> _Chat | None:
        while self._timers and self._timers[0][0] <= now:
            _, _, key = heapq.heappop(self._timers)
            chat = self._chats.get(key)
            if chat is not None and not chat.busy and chat.pending:
                self._schedule(chat, now)
        reply = self._top(INTERACTIVE, now)
        warning = self._top(URGENT, now) or self._top(NORMAL, now)
        if reply is not None and warning is not None:
            self._credit += self.limits.warning_share
            if self._credit >= 1.0:
                self._credit -= 1.0
                return warning
            return reply
        return reply or warning

    def _grant(self, chat: _Chat, now: float, late: float = 0.0) -> None:
        ticket = chat.pending.pop(0)
        if ticket.granted is not None and ticket.granted.cancelled():
            # Its caller was cancelled a moment ago and has not run yet to withdraw it: granting
            # it would fail (and end the dispatcher); skip it, its slot goes to the next one.
            self.waiting -= 1
            if chat.pending:
                self._schedule(chat, now)
            return
        chat.busy = True
        chat.tokens, chat.stamp = self._tokens(chat, now) - 1.0, now
        if chat.group:
            chat.sends.append(now)
        # A slot that came late is made up for only within `_catch_up` (the ordinary lateness of
        # waking at high rates): catching up more bunches requests. After a real stall of the
        # event loop, requests granted just before it were written only after it and arrive together
        # with this one: one slot is left out to make room for them.
        stalled = late > max(self._interval / 2, STALL_SECONDS)
        self._next_slot = max(self._next_slot, now - self._catch_up) + self._interval * (2 if stalled else 1)
        self.waiting -= 1
        self.granted += 1
        assert ticket.granted is not None
        ticket.granted.set_result(None)
        if self.granted % 1000 == 0 and len(self._chats) > 2000:
            self._forget_idle_chats(now)

    def _forget_idle_chats(self, now: float) -> None:
        """Chats with nothing waiting and full buckets carry no state worth keeping."""
        for key in [k for k, c in self._chats.items()
                    if not c.busy and not c.pending and c.paused_until <= now
                    and self._tokens(c, now) >= self.limits.per_chat_burst
                    and not (c.group and c.sends and c.sends[-1] > now - 60.0)]:
            del self._chats[key]

    async def _dispatch(self) -> None:
        assert self._wake is not None
        due = None  # the slot slept for, to tell how late the loop woke
        while True:
            now = self.clock()
            wait = max(self._paused_until, self._next_slot) - now
            if wait > 0:
                due = now + wait
                await self.sleep(wait)
                continue
            chat = self._pick(now)
            if chat is not None:
                self._grant(chat, now, now - due if due is not None else 0.0)
                due = None
                continue
            due = None
            self._wake.clear()
            await self._idle(self._timers[0][0] - now if self._timers else None)

    async def _idle(self, timeout: float | None) -> None:
        """Until a request may be ready (`_wake`) or, with a `timeout`, the first timer is due."""
        assert self._wake is not None
        if timeout is None:
            await self._wake.wait()
            return
        woken = asyncio.ensure_future(self._wake.wait())
        timer = asyncio.ensure_future(self.sleep(timeout))
        try:
            await asyncio.wait((woken, timer), return_when=asyncio.FIRST_COMPLETED)
        finally:
            woken.cancel()
            timer.cancel()


def _paced(endpoint: str, data: dict[str, Any]) -> bool:
    return data.get("chat_id") is not None and endpoint.startswith(_PACED_PREFIXES) and endpoint not in _UNPACED


def retry_after_seconds(exc: RetryAfter) -> float:
    # The timedelta itself, as PTB's own AIORateLimiter reads it: the public `retry_after` still
    # warns about its type changing unless PTB_TIMEDELTA is set.
    value = getattr(exc, "_retry_after", None) or exc.retry_after
    return value.total_seconds() if hasattr(value, "total_seconds") else float(value)


class PacedRateLimiter(BaseRateLimiter[Pace]):
    """python-telegram-bot's rate-limiter hook, running every paced request through one scheduler.

    Pass a `Pace` as `rate_limit_args` to choose the priority; without one a request is a reply.
    """

    def __init__(self, limits: PaceLimits | None = None, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep):
        self.limits = limits or PaceLimits()
        self.clock = clock
        self.scheduler = SendScheduler(self.limits, clock, sleep)
        self._stop_retrying = False

    async def initialize(self) -> None:
        """Nothing to set up: the scheduler starts with the first request."""

    async def shutdown(self) -> None:
        stats = self.scheduler.stats()
        log.info("paced sends: %d sent, %d still waiting, queue peak %d, %d x 429, %d network retries",
                 stats.granted, stats.waiting, stats.peak_waiting, stats.retry_afters, stats.network_retries)
        await self.scheduler.close()

    def stop_retrying(self) -> None:
        """At shutdown: network errors are no longer retried, so stopping cannot hang on an outage."""
        self._stop_retrying = True

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: Pace | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        if not _paced(endpoint, data):
            return await callback(*args, **kwargs)
        pace = rate_limit_args or REPLY
        retry_for = self.limits.retry_seconds if pace.retry_seconds is None else pace.retry_seconds
        deadline = self.clock() + retry_for
        chat_id = data["chat_id"]
        try:
            chat_id = int(chat_id)
        except (TypeError, ValueError):
            pass  # an @channelname
        scheduler = self.scheduler
        ticket = scheduler.ticket(chat_id, pace.priority)
        failures = 0
        while True:
            await scheduler.acquire(ticket)
            try:
                result = await callback(*args, **kwargs)
            except RetryAfter as exc:
                scheduler.retry_afters += 1
                seconds = retry_after_seconds(exc) + 0.1
                log.info("Telegram asked to wait %.1f s (%s); the message keeps its place", seconds, endpoint)
                scheduler.hold(ticket, seconds, everyone=not ticket.chat.group)
                continue
            except BadRequest:
                scheduler.release(ticket)
                raise
            except NetworkError as exc:  # includes TimedOut and 5xx
                wait = RETRY_BACKOFF[min(failures, len(RETRY_BACKOFF) - 1)]
                if self._stop_retrying or self.clock() + wait > deadline:
                    scheduler.release(ticket)
                    raise
                failures += 1
                scheduler.network_retries += 1
                log.warning("%s failed (%s); trying again in %.1f s", endpoint, type(exc).__name__, wait)
                scheduler.hold(ticket, wait, everyone=False)
                continue
            except BaseException:
                scheduler.release(ticket)
                raise
            scheduler.release(ticket)
            return result
