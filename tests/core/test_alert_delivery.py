"""The outbox worker against a scripted channel: rate limits, 429, 403, retries, crash recovery."""

import asyncio
import time
from datetime import datetime, timezone

import pytest

from bot.core.alerts import delivery
from bot.storage import alerts as store
from bot.storage import residents
from bot.storage.db import AsyncDatabase, open_database
from bot.core.staff import accounts as staff_core


class ScriptedChannel:
    """A channel that fails in scripted ways per chat, and records what it delivered and when."""

    def __init__(self, script=None):
        self.script = script or {}
        self.delivered: list[tuple[int, float]] = []

    async def deliver(self, row):
        plan = self.script.get(row.chat_id)
        if plan:
            outcome = plan.pop(0)
            if outcome is not None:
                raise outcome
        self.delivered.append((row.chat_id, time.monotonic()))
        return 1000 + row.chat_id


@pytest.fixture
def world(tmp_path):
    raw = open_database(tmp_path / "d.db")
    author, _ = staff_core.create_staff(raw, "anna", "editor")
    alert = store.insert_alert(raw, title_sv="T", text_sv="X", title_en=None, text_en=None, severity="warning", topics=(),
                               municipalities=(), expires_at=None, scheduled_at=None, state="sending",
                               created_by=author.id, now=datetime.now(timezone.utc))
    db = AsyncDatabase(raw)
    yield raw, db, alert
    db.close()


def queue(raw, alert, chats):
    for chat in chats:
        residents.ensure_resident(raw, chat, f"k{chat}", "sv")
        residents.subscribe(raw, chat, municipality="Kramfors", lang="sv")
    store.enqueue(raw, alert.id, [(c, "sv", "private") for c in chats])


async def run_until_done(worker, raw, alert, timeout=20.0):
    deadline = time.monotonic() + timeout
    while store.has_open_rows(raw, alert.id):
        await worker.run_once()
        await asyncio.sleep(0.01)
        assert time.monotonic() < deadline, store.counts(raw, alert.id)
    await worker.stop()


async def test_every_row_delivered_once_within_the_overall_rate(world):
    raw, db, alert = world
    queue(raw, alert, range(1, 61))
    channel = ScriptedChannel()
    worker = delivery.OutboxWorker(db, channel, delivery.Limits(per_second=40))
    start = time.monotonic()
    await run_until_done(worker, raw, alert)
    elapsed = time.monotonic() - start
    assert sorted(c for c, _ in channel.delivered) == list(range(1, 61))
    assert elapsed >= 59 / 40 * 0.9  # never faster than the configured rate
    stamps = sorted(t for _, t in channel.delivered)
    worst = max(sum(1 for t in stamps if s <= t < s + 1.0) for s in stamps)
    assert worst <= 40 + 3  # a few milliseconds of scheduling jitter on a busy machine, never a burst


async def test_429_pauses_everything_then_retries(world):
    raw, db, alert = world
    queue(raw, alert, [1, 2, 3])
    channel = ScriptedChannel({1: [delivery.RetryAfter(1.0)]})
    worker = delivery.OutboxWorker(db, channel, delivery.Limits(per_second=100))
    await run_until_done(worker, raw, alert)
    assert sorted(c for c, _ in channel.delivered) == [1, 2, 3]
    assert worker.retry_afters == 1
    assert store.counts(raw, alert.id) == {"sent": 3}


async def test_blocked_chat_is_not_retried_and_subscription_goes_inactive(world):
    raw, db, alert = world
    queue(raw, alert, [1, 2])
    channel = ScriptedChannel({2: [delivery.Blocked("Forbidden: bot was blocked by the user")]})
    await run_until_done(delivery.OutboxWorker(db, channel, delivery.Limits(per_second=100)), raw, alert)
    assert store.counts(raw, alert.id) == {"sent": 1, "blocked": 1}
    assert residents.get_subscription(raw, 2).active is False
    (error,) = raw.execute("SELECT last_error FROM outbox WHERE chat_id = 2").fetchone()
    assert "blocked" in error


async def test_transient_errors_retry_with_backoff_then_fail(world):
    raw, db, alert = world
    queue(raw, alert, [1, 2])
    channel = ScriptedChannel({1: [delivery.Transient("502 Bad Gateway")], 2: [delivery.Transient("timeout")] * 10})
    worker = delivery.OutboxWorker(db, channel, delivery.Limits(per_second=100, max_attempts=2))
    await run_until_done(worker, raw, alert, timeout=30)
    assert store.counts(raw, alert.id) == {"sent": 1, "failed": 1}
    (attempts, error) = raw.execute("SELECT attempts, last_error FROM outbox WHERE chat_id = 2").fetchone()
    assert attempts == 2 and "timeout" in error


async def test_rows_in_flight_at_a_crash_are_sent_again_after_restart(world):
    raw, db, alert = world
    queue(raw, alert, [1, 2, 3])
    store.claim(raw, datetime.now(timezone.utc), 2)  # two rows were being sent when the process died
    assert store.counts(raw, alert.id) == {"sending": 2, "queued": 1}
    channel = ScriptedChannel()
    worker = delivery.OutboxWorker(db, channel, delivery.Limits(per_second=100))
    task = asyncio.create_task(worker.run(poll_seconds=0.05))
    for _ in range(200):
        if store.counts(raw, alert.id) == {"sent": 3}:
            break
        await asyncio.sleep(0.02)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert sorted(c for c, _ in channel.delivered) == [1, 2, 3]


async def test_one_chat_gets_at_most_one_message_a_second(world):
    raw, db, alert = world
    queue(raw, alert, [1])
    store.enqueue(raw, alert.id, [(1, "sv", "private")], kind="test:a")
    store.enqueue(raw, alert.id, [(1, "sv", "private")], kind="test:b")
    channel = ScriptedChannel()
    await run_until_done(delivery.OutboxWorker(db, channel, delivery.Limits(per_second=100)), raw, alert)
    stamps = [t for _, t in channel.delivered]
    assert len(stamps) == 3
    assert all(b - a >= 0.8 for a, b in zip(stamps, stamps[1:]))  # 1 s apart, less scheduling jitter
