"""The outbox worker against a scripted channel: priorities, 429, 403, retries through long outages,
the retry deadline, and crash recovery. (Pacing under Telegram's limits is tests/telegram/test_pacing.py.)"""

import asyncio
from datetime import datetime, timedelta, timezone

import pytest

from bot.core.alerts import delivery, workflow
from bot.core.alerts.dispatch import finish_sent
from bot.core.staff import accounts as staff_core
from bot.storage import alerts as store
from bot.storage import residents
from bot.storage.db import AsyncDatabase, open_database


class ScriptedChannel:
    """A channel that fails in scripted ways per chat, and records what it delivered, in order."""

    def __init__(self, script=None, default=None):
        self.script = script or {}
        self.default = default  # raised for every chat without a script, while set
        self.delivered: list[int] = []
        self.tries: list[int] = []

    async def deliver(self, row):
        self.tries.append(row.chat_id)
        plan = self.script.get(row.chat_id)
        if plan:
            outcome = plan.pop(0)
            if outcome is not None:
                raise outcome
        elif self.default is not None:
            raise self.default
        self.delivered.append(row.chat_id)
        return 1000 + row.chat_id


class Clock:
    """UTC time that the test moves on, so hours of back-off pass at once."""

    def __init__(self):
        self.now = datetime(2026, 12, 1, 12, 0, tzinfo=timezone.utc)

    def __call__(self):
        return self.now


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


def queue(raw, alert, chats, priority=delivery.PRIORITY_NORMAL):
    for chat in chats:
        residents.ensure_resident(raw, chat, f"k{chat}", "sv")
        residents.subscribe(raw, chat, municipality="Kramfors", lang="sv")
    store.enqueue(raw, alert.id, [(c, "sv", "private") for c in chats], priority=priority)


async def run_until_done(worker, raw, alert, clock=None, step=timedelta(minutes=10), rounds=500):
    """Run rounds until no row is open; with a clock, time moves on `step` between rounds."""
    for _ in range(rounds):
        if not store.has_open_rows(raw, alert.id):
            break
        await worker.run_once()
        await worker._drain()
        if clock is not None:
            clock.now += step
    else:
        raise AssertionError(store.counts(raw, alert.id))
    await worker.stop()


async def test_every_row_delivered_once_most_urgent_first(world):
    raw, db, alert = world
    queue(raw, alert, range(1, 31))
    queue(raw, alert, range(100, 106), priority=delivery.PRIORITY_URGENT)  # queued later, claimed first
    channel = ScriptedChannel()
    await run_until_done(delivery.OutboxWorker(db, channel, delivery.Limits(in_flight=4, batch=4)), raw, alert)
    assert sorted(channel.delivered) == [*range(1, 31), *range(100, 106)]
    assert set(channel.delivered[:6]) == set(range(100, 106))
    assert store.counts(raw, alert.id) == {"sent": 36}


async def test_a_429_given_back_requeues_without_counting_an_attempt(world):
    raw, db, alert = world
    queue(raw, alert, [1, 2, 3])
    clock = Clock()
    channel = ScriptedChannel({1: [delivery.RetryAfter(5.0)]})
    worker = delivery.OutboxWorker(db, channel, delivery.Limits(), clock=clock)
    await run_until_done(worker, raw, alert, clock, step=timedelta(seconds=6))
    assert sorted(channel.delivered) == [1, 2, 3] and worker.retry_afters == 1
    assert raw.execute("SELECT attempts FROM outbox WHERE chat_id = 1").fetchone() == (1,)


async def test_blocked_chat_is_not_retried_and_subscription_goes_inactive(world):
    raw, db, alert = world
    queue(raw, alert, [1, 2])
    channel = ScriptedChannel({2: [delivery.Blocked("Forbidden: bot was blocked by the user")]})
    await run_until_done(delivery.OutboxWorker(db, channel), raw, alert)
    assert store.counts(raw, alert.id) == {"sent": 1, "blocked": 1}
    assert residents.get_subscription(raw, 2).active is False
    (error,) = raw.execute("SELECT last_error FROM outbox WHERE chat_id = 2").fetchone()
    assert "blocked" in error


async def test_network_errors_are_retried_for_hours_not_five_attempts(world):
    raw, db, alert = world
    queue(raw, alert, [1, 2])
    clock = Clock()
    channel = ScriptedChannel({1: [delivery.Transient("502 Bad Gateway")] * 12})
    worker = delivery.OutboxWorker(db, channel, delivery.Limits(retry_hours=6), clock=clock, sleep=_no_sleep)
    await run_until_done(worker, raw, alert, clock, step=timedelta(minutes=5))
    assert store.counts(raw, alert.id) == {"sent": 2}
    (attempts, error) = raw.execute("SELECT attempts, last_error FROM outbox WHERE chat_id = 1").fetchone()
    assert attempts == 13 and error is None


async def test_only_the_deadline_makes_a_network_error_final(world):
    raw, db, alert = world
    queue(raw, alert, [1])
    clock = Clock()
    channel = ScriptedChannel(default=delivery.Transient("NetworkError: Bad Gateway"))
    worker = delivery.OutboxWorker(db, channel, delivery.Limits(retry_hours=6, max_backoff_seconds=600),
                                   clock=clock, sleep=_no_sleep)
    started = clock.now
    while store.has_open_rows(raw, alert.id):
        await worker.run_once()
        await worker._drain()
        status = workflow.status(raw, alert.id, 30.0)
        if store.has_open_rows(raw, alert.id):  # still queued: shown as retrying, with the next try
            assert status.retrying == 1 and status.next_try > clock.now and status.state == "sending"
            assert finish_sent(raw, clock.now) == []  # not "sent" while a message is still being tried
        clock.now += timedelta(minutes=11)
    assert clock.now - started >= timedelta(hours=6)
    assert store.counts(raw, alert.id) == {"failed": 1}
    (error,) = raw.execute("SELECT last_error FROM outbox").fetchone()
    assert error.startswith("gave up after 6 h") and "Bad Gateway" in error
    assert finish_sent(raw, clock.now) == [alert.id]


async def test_an_outage_is_probed_one_message_at_a_time(world):
    raw, db, alert = world
    queue(raw, alert, range(1, 201))
    clock = Clock()
    pauses: list[float] = []

    async def sleep(seconds):
        pauses.append(seconds)
        clock.now += timedelta(seconds=seconds)

    channel = ScriptedChannel(default=delivery.Transient("502 Bad Gateway"))
    worker = delivery.OutboxWorker(db, channel, delivery.Limits(in_flight=20, batch=20), clock=clock, sleep=sleep)
    for _ in range(8):
        await worker.run_once()
        await worker._drain()
    # the first round finds the outage; after that one message per round, with growing pauses
    assert len(channel.tries) == 20 + 7 and worker.in_outage
    assert pauses == [1, 2, 4, 8, 16, 32, 60]
    channel.default = None  # the channel is back: the next probe succeeds and sending resumes
    await run_until_done(worker, raw, alert, clock, step=timedelta(minutes=5))
    assert sorted(channel.delivered) == list(range(1, 201))
    assert store.counts(raw, alert.id) == {"sent": 200}


async def test_rows_in_flight_at_a_crash_are_sent_again_after_restart(world):
    raw, db, alert = world
    queue(raw, alert, [1, 2, 3])
    store.claim(raw, datetime.now(timezone.utc), 2)  # two rows were being sent when the process died
    assert store.counts(raw, alert.id) == {"sending": 2, "queued": 1}
    channel = ScriptedChannel()
    worker = delivery.OutboxWorker(db, channel)
    task = asyncio.create_task(worker.run(poll_seconds=0.05))
    for _ in range(200):
        if store.counts(raw, alert.id) == {"sent": 3}:
            break
        await asyncio.sleep(0.02)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert sorted(channel.delivered) == [1, 2, 3]


async def test_stopping_gives_back_rows_still_waiting_for_the_channel(world):
    raw, db, alert = world
    queue(raw, alert, [1, 2, 3])
    release = asyncio.Event()

    class SlowChannel:
        async def deliver(self, row):
            await release.wait()  # waiting for its turn in the channel's paced path
            return 1

    worker = delivery.OutboxWorker(db, SlowChannel())
    await worker.run_once()
    assert store.counts(raw, alert.id) == {"sending": 3}
    await worker.stop()
    assert store.counts(raw, alert.id) == {"queued": 3}


async def _no_sleep(seconds):
    return None
