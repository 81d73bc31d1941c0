"""Sending SMS: one pace for replies and warnings, and the durable outbox for warnings.

Every request to the gateway takes a slot from one `Pacer`, evenly spaced a little under
`sms.rate_per_second`; the worker takes its slots one at a time just before each send, so a reply
waits for at most one warning. A 429 pauses the pace for the time the gateway asks.

Exactly once across a crash: a row is marked "sending" (with the moment) in SQLite before it is
handed to the gateway, and "sent" with the gateway's id right after. After a kill -9 only rows
marked "sending" are in doubt; on start each is looked up in the gateway's own record of what it
sent to that number since the row was claimed (46elks: GET /sms?to=…&end=…). Found: it is marked
sent, never sent again. Not found: it was never received and goes back to the queue. So a warning is
sent twice only if the gateway lost its own record.

Retries: 429 waits its Retry-After (no attempt counted); network errors and 5xx are retried with
capped back-off until `alerts.retry_hours` after the first; an invalid number is final and ends the
subscription (the number cannot receive SMS); refused credentials pause everything a minute at a
time, since no message can go until staff fix the settings.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone

from bot.core.alerts.dispatch import wants
from bot.core.alerts.text import alert_text
from bot.sms.gateway import AuthFailed, GatewayError, InvalidNumber, RateLimited, SmsGateway, TemporaryFailure
from bot.sms.render import warning_sms
from bot.sms.segments import count_segments
from bot.storage import alerts as alert_store
from bot.storage import sms as store
from bot.storage.alert_model import Alert
from bot.storage.db import AsyncDatabase

log = logging.getLogger(__name__)
HEADROOM = 0.9  # requests leave with some jitter: aim a little under the gateway's limit
AUTH_PAUSE_SECONDS = 60.0
MAX_BACKOFF_SECONDS = 300.0
QUEUE_WINDOW = timedelta(hours=24)  # warnings started longer ago than this are not sent by SMS any more
RECOVERY_MARGIN = timedelta(seconds=5)  # clocks of ours and the gateway's may differ a little
PURGE_EVERY = timedelta(hours=1)  # unconfirmed requests to subscribe are forgotten after a day


class Pacer:
    """Evenly spaced slots under a per-second limit, shared by every request to the gateway."""

    def __init__(self, per_second: float, clock: Callable[[], float] = time.monotonic):
        self.interval = 1.0 / (per_second * HEADROOM)
        self.clock = clock
        self._next = 0.0

    async def slot(self) -> None:
        """Wait for the next free slot. A stalled loop does not make up for lost slots (no burst)."""
        now = self.clock()
        at = max(now, self._next)
        self._next = at + self.interval
        if at > now:
            await asyncio.sleep(at - now)

    def pause(self, seconds: float) -> None:
        self._next = max(self._next, self.clock() + seconds)


def render_warning(alert: Alert, lang: str) -> str:
    """A warning as an SMS; a withdrawal notice leads with the core's "withdrawn" line (an SMS
    cannot be edited, so the notice is a new one to those who got the warning)."""
    text = alert_text(alert, lang, marker="withdrawn" if alert.withdrawal_of else "")
    heading = f"{text.marker}\n{text.heading}" if text.marker else text.heading
    return warning_sms(heading, text.body, text.where, text.footer)


class SmsOutbox:
    """Queues started warnings for SMS subscribers and sends them. One per process."""

    def __init__(self, db: AsyncDatabase, gateway: SmsGateway, pacer: Pacer, *, retry_hours: float = 6.0,
                 concurrency: int = 20, batch: int = 50, clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc)):
        self.db = db
        self.gateway = gateway
        self.pacer = pacer
        self.retry_hours = retry_hours
        self.batch = batch
        self.clock = clock
        self._room = asyncio.Semaphore(concurrency)
        self._tasks: set[asyncio.Task] = set()
        self._alerts: dict[int, Alert] = {}
        self._waiting: list[int] = []  # claimed rows not yet handed to the gateway

    async def run(self, poll_seconds: float = 1.0) -> None:
        await self.recover()
        last_purge = None
        while True:
            try:
                now = self.clock()
                if last_purge is None or now - last_purge >= PURGE_EVERY:
                    last_purge = now
                    if forgotten := await self.db.write(store.purge_pending, now):
                        log.info("forgot %d numbers that never confirmed a subscription", forgotten)
                await self.queue_started_warnings()
                worked = await self.send_due()
            except Exception:  # a busy database or a bug: log it and keep delivering
                log.exception("SMS outbox round failed; trying again")
                worked = 0
            if not worked:
                await asyncio.sleep(poll_seconds)

    async def recover(self) -> None:
        """Settle rows left "sending" by a crash, asking the gateway what it really sent."""
        rows = await self.db.read(store.in_flight)
        if not rows:
            return
        pause = 1.0
        while True:
            try:
                await self._settle(rows)
                return
            except GatewayError as exc:
                log.warning("cannot ask the SMS gateway what it sent (%s); asking again in %.0f s", exc, pause)
                await asyncio.sleep(pause)
                pause = min(pause * 2, MAX_BACKOFF_SECONDS)

    async def _settle(self, rows: list[dict]) -> None:
        back: list[int] = []
        found = 0
        for row in rows:
            text = render_warning(await self._alert(row["alert_id"]), row["lang"])
            since = (row["claimed_at"] or self.clock()) - RECOVERY_MARGIN
            sent = [m for m in await self.gateway.sent_to(row["phone"], since) if m.message == text]
            if sent:
                found += 1
                await self.db.write(store.mark_sent, row["id"], sent[0].id, count_segments(text), self.clock())
            else:
                back.append(row["id"])
        if back:
            await self.db.write(store.requeue, back)
        log.info("after a restart: %d SMS in doubt had reached the gateway, %d go again", found, len(back))

    async def queue_started_warnings(self) -> int:
        """Queue every warning that started going out (and is not queued yet) for its SMS subscribers."""
        now = self.clock()
        queued = 0
        for alert_id in await self.db.read(store.alerts_to_queue, now - QUEUE_WINDOW):
            alert = await self._alert(alert_id)
            if alert.withdrawal_of:  # to those who got the withdrawn warning
                rows = await self.db.read(store.recipients_of, alert.withdrawal_of)
            elif alert.is_expired(now):
                rows = []
            else:  # a correction goes to the same audience as a new warning
                rows = [(s["phone"], s["lang"]) for s in await self.db.read(store.active_subscribers)
                        if wants(alert, s["municipality"], ())]
            queued += await self.db.write(store.queue_broadcast, alert_id, rows, now)
            log.info("warning %s queued for %d SMS subscribers", alert_id, len(rows))
        return queued

    async def send_due(self) -> int:
        """Claim due rows and send them, each in its paced slot; returns how many were claimed."""
        rows = await self.db.write(store.claim, self.clock(), self.batch)
        self._waiting = [row["id"] for row in rows]
        for row in rows:
            await self._room.acquire()
            await self.pacer.slot()
            self._waiting.remove(row["id"])
            task = asyncio.create_task(self._send(row))
            self._tasks.add(task)
            task.add_done_callback(self._done)
        return len(rows)

    def _done(self, task: asyncio.Task) -> None:
        self._tasks.discard(task)
        self._room.release()

    async def drain(self) -> None:
        """After the worker is cancelled: finish the sends under way and put back the rows claimed
        but not yet handed over (never sent, so no need to ask the gateway about them on the next start)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)
        if self._waiting:
            waiting, self._waiting = self._waiting, []
            await self.db.write(store.requeue, waiting)

    async def _alert(self, alert_id: int) -> Alert:
        alert = self._alerts.get(alert_id)
        if alert is None:
            found = await self.db.read(alert_store.get_alert, alert_id)
            if found is None:
                raise LookupError(f"warning {alert_id} is not in the database")
            alert = self._alerts[alert_id] = found
        return alert

    async def _send(self, row: dict) -> None:
        text = render_warning(await self._alert(row["alert_id"]), row["lang"])
        now = self.clock()
        try:
            message_id = await self.gateway.send(row["phone"], text)
        except RateLimited as exc:
            self.pacer.pause(exc.seconds)
            await self.db.write(store.mark_retry, row["id"], str(exc), now + timedelta(seconds=exc.seconds), now, count_attempt=False)
        except InvalidNumber as exc:
            await self.db.write(store.mark_final, row["id"], "invalid", str(exc))
            await self.db.write(store.stop_subscription, row["phone"])
        except AuthFailed as exc:
            log.error("the SMS gateway refused our credentials (%s): check sms.api_user and FRAUDBOT_SMS_API_PASSWORD", exc)
            self.pacer.pause(AUTH_PAUSE_SECONDS)
            await self.db.write(store.mark_retry, row["id"], str(exc), now + timedelta(seconds=AUTH_PAUSE_SECONDS), now,
                              count_attempt=False)
        except Exception as exc:  # TemporaryFailure, or a bug: retried until the deadline
            if not isinstance(exc, TemporaryFailure):
                log.exception("sending SMS outbox row %s failed unexpectedly", row["id"])
            await self._retry_or_fail(row, f"{type(exc).__name__}: {exc}", now)
        else:
            await self.db.write(store.mark_sent, row["id"], message_id, count_segments(text), self.clock())

    async def _retry_or_fail(self, row: dict, error: str, now: datetime) -> None:
        first = row["first_error_at"] or now
        if now - first >= timedelta(hours=self.retry_hours):
            await self.db.write(store.mark_final, row["id"], "failed", f"gave up after {self.retry_hours:g} h: {error}")
            return
        wait = min(2.0 ** row["attempts"], MAX_BACKOFF_SECONDS)
        await self.db.write(store.mark_retry, row["id"], error, now + timedelta(seconds=wait), now)


class ReplySender:
    """Sends a reply to an incoming SMS in its paced slot, retrying a short while (a resident waits)."""

    RETRIES = (1.0, 2.0, 5.0, 10.0, 30.0)

    def __init__(self, db: AsyncDatabase, gateway: SmsGateway, pacer: Pacer,
                 clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc)):
        self.db = db
        self.gateway = gateway
        self.pacer = pacer
        self.clock = clock

    async def send(self, to: str, text: str) -> str | None:
        """The gateway's id, or None if the reply could not be sent (logged, never the number)."""
        for delay in (*self.RETRIES, None):
            await self.pacer.slot()
            try:
                message_id = await self.gateway.send(to, text)
            except RateLimited as exc:
                self.pacer.pause(exc.seconds)
                wait: float | None = exc.seconds
            except (InvalidNumber, AuthFailed) as exc:
                log.warning("an SMS reply was refused: %s", exc)
                return None
            except TemporaryFailure as exc:
                log.warning("an SMS reply failed (%s)%s", exc, "; trying again" if delay is not None else "; giving up")
                wait = delay
            else:
                await self.db.write(store.record_usage, "reply", count_segments(text), self.clock())
                return message_id
            if delay is None:
                return None
            await asyncio.sleep(wait or 0)
        return None
