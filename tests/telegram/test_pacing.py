"""The paced send path on its own: priorities, a chat's order, 429s and network errors.

Requests here are fake callbacks (no HTTP) and time is a fake clock: the scheduler sleeps on it, so
every pause and gap is checked exactly and nothing waits for real. The real stack against the fake
Bot API with Telegram's limits on is exercised in the end-to-end tests.
"""

from __future__ import annotations

import asyncio
import datetime as dtm

import pytest
from telegram.error import BadRequest, NetworkError, RetryAfter

from bot.telegram.pacing import (
    GROUP_MARGIN_SECONDS,
    HEADROOM,
    INTERACTIVE,
    NORMAL,
    RETRY_BACKOFF,
    URGENT,
    Pace,
    PacedRateLimiter,
    PaceLimits,
)
from tests.fakes.clock import FakeClock


class Recorder:
    """A Bot API stand-in: records (label, time on the fake clock) per call and fails as scripted."""

    def __init__(self, clock: FakeClock):
        self.clock = clock
        self.calls: list[tuple[str, float]] = []
        self.faults: dict[str, list[Exception]] = {}

    def request(self, limiter: PacedRateLimiter, label: str, chat: int | str | None, pace: Pace | None = None,
                endpoint: str = "sendMessage"):
        async def callback():
            self.calls.append((label, self.clock()))
            queue = self.faults.get(label)
            if queue:
                raise queue.pop(0)
            return {"ok": label}

        return limiter.process_request(callback, (), {}, endpoint, {"chat_id": chat}, pace)

    @property
    def labels(self) -> list[str]:
        return [label for label, _ in self.calls]

    def times(self, label: str) -> list[float]:
        return [t for each, t in self.calls if each == label]


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def limiter(clock):
    made = []

    def make(**limits) -> PacedRateLimiter:
        made.append(PacedRateLimiter(PaceLimits(**limits), clock=clock, sleep=clock.sleep))
        return made[-1]

    yield make
    for each in made:
        await each.shutdown()


async def test_replies_first_urgent_before_normal_and_warnings_keep_a_share(limiter, clock):
    paced = limiter(per_second=200)
    rec = Recorder(clock)
    requests = [rec.request(paced, f"N{i}", 1000 + i, Pace(NORMAL)) for i in range(6)]
    requests += [rec.request(paced, f"U{i}", 2000 + i, Pace(URGENT)) for i in range(4)]
    requests += [rec.request(paced, f"R{i}", 3000 + i, Pace(INTERACTIVE)) for i in range(12)]
    await clock.run_until(asyncio.gather(*requests))
    order = rec.labels
    # while residents wait, every fourth slot goes to a warning, the urgent ones first
    assert order[:8] == ["R0", "R1", "R2", "U0", "R3", "R4", "R5", "U1"]
    assert [x for x in order if not x.startswith("R")] == ["U0", "U1", "U2", "U3", *[f"N{i}" for i in range(6)]]
    assert max(order.index(f"R{i}") for i in range(12)) < order.index("N0")
    # one slot each, evenly spaced just under the limit
    stamps = [t for _, t in rec.calls]
    assert [b - a for a, b in zip(stamps, stamps[1:])] == pytest.approx([1 / (200 * HEADROOM)] * 21)


async def test_unnamed_requests_are_replies_and_other_endpoints_are_not_paced(limiter, clock):
    paced = limiter(per_second=1)
    rec = Recorder(clock)
    await clock.run_until(rec.request(paced, "first", 1))
    started = clock()
    # a callback answer and getMe carry no chat_id: straight through, not behind the 1/s overall rate
    await clock.run_until(rec.request(paced, "answer", None, endpoint="answerCallbackQuery"))
    await clock.run_until(rec.request(paced, "typing", 2, endpoint="sendChatAction"))
    assert clock() == started  # neither waited for a slot
    assert paced.scheduler.stats().granted == 1
    await clock.run_until(rec.request(paced, "second", 2))  # a paced one does wait for its slot
    assert clock() == pytest.approx(started + 1 / HEADROOM)


async def test_one_chat_in_order_with_a_short_burst_then_spaced(limiter, clock):
    paced = limiter(per_second=100, per_chat_per_second=10, per_chat_burst=2)
    rec = Recorder(clock)
    await clock.run_until(asyncio.gather(*(rec.request(paced, f"m{i}", 42) for i in range(6))))
    assert rec.labels == [f"m{i}" for i in range(6)]
    stamps = [t for _, t in rec.calls]
    gaps = [b - a for a, b in zip(stamps, stamps[1:])]
    slot = 1 / (100 * HEADROOM)
    # two go together (one overall slot apart), then one per 1/10 s; the bucket refilled meanwhile
    assert gaps == pytest.approx([slot, 0.1 - slot, 0.1, 0.1, 0.1])


async def test_a_group_gets_at_most_its_messages_a_minute(limiter, clock):
    paced = limiter(per_second=1000, per_chat_per_second=1000, per_chat_burst=1000, per_group_minute=5)
    rec = Recorder(clock)
    group = -100555
    tasks = [asyncio.create_task(rec.request(paced, f"g{i}", group)) for i in range(7)]
    # private chats are not held up
    await clock.run_until(asyncio.gather(*(rec.request(paced, f"p{i}", 7) for i in range(10))))
    assert [x for x in rec.labels if x.startswith("g")] == [f"g{i}" for i in range(5)]
    await clock.run_until(tasks[5])  # the sixth goes a minute after the first
    assert rec.times("g5")[0] == pytest.approx(rec.times("g0")[0] + 60 + GROUP_MARGIN_SECONDS)
    # The seventh is due at once (the minute has passed for the rest too) and given up just then,
    # before its task has run to withdraw it: granting it used to end the dispatcher for good.
    tasks[6].cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    assert tasks[6].cancelled() and "g6" not in rec.labels
    assert paced.scheduler.stats().waiting == 0  # the one given up is gone from the queue
    dispatcher = paced.scheduler._task
    assert dispatcher is not None and not dispatcher.done()  # requests already waiting would hang
    assert await clock.run_until(rec.request(paced, "after", 8)) == {"ok": "after"}


async def test_a_429_waits_retry_after_pauses_everyone_and_resends_first_in_its_chat(limiter, clock):
    paced = limiter(per_second=100, per_chat_per_second=100, per_chat_burst=5)
    rec = Recorder(clock)
    rec.faults["a1"] = [RetryAfter(dtm.timedelta(seconds=1))]
    results = await clock.run_until(asyncio.gather(
        rec.request(paced, "a1", 5), rec.request(paced, "a2", 5), rec.request(paced, "b1", 6)))
    assert results == [{"ok": "a1"}, {"ok": "a2"}, {"ok": "b1"}]
    assert rec.labels == ["a1", "a1", "a2", "b1"]  # a1 keeps its place, first in its chat and overall
    first_try = rec.calls[0][1]
    resumed = first_try + 1.0 + 0.1  # retry_after and a tenth of a second to spare
    # b1, another private chat, was ready at once but waited out the pause as well
    assert rec.times("a1")[1] == pytest.approx(resumed)
    assert min(rec.times("b1") + rec.times("a2")) >= resumed
    assert paced.scheduler.stats().retry_afters == 1


async def test_a_groups_429_pauses_only_that_group(limiter, clock):
    paced = limiter(per_second=100)
    rec = Recorder(clock)
    rec.faults["g1"] = [RetryAfter(dtm.timedelta(seconds=2))]
    group = asyncio.create_task(rec.request(paced, "g1", -100777))
    await clock.run_until(asyncio.gather(*(rec.request(paced, f"p{i}", 100 + i) for i in range(5))))
    first_try = rec.times("g1")[0]
    assert all(t < first_try + 0.1 for t in rec.times("p4"))  # private chats went on at once
    assert not group.done()  # still waiting out its 2 s
    assert await clock.run_until(group) == {"ok": "g1"}
    assert rec.times("g1")[1] == pytest.approx(first_try + 2.1)


async def test_network_errors_retry_for_a_reply_but_not_for_the_outbox(limiter, clock):
    paced = limiter(per_second=100, retry_seconds=30)
    rec = Recorder(clock)
    rec.faults["reply"] = [NetworkError("Bad Gateway"), NetworkError("Bad Gateway")]
    assert await clock.run_until(rec.request(paced, "reply", 1)) == {"ok": "reply"}
    assert rec.labels == ["reply"] * 3
    tries = rec.times("reply")
    assert [b - a for a, b in zip(tries, tries[1:])] == pytest.approx(list(RETRY_BACKOFF[:2]))  # backing off
    rec.faults["warning"] = [NetworkError("Bad Gateway")]
    with pytest.raises(NetworkError):
        await clock.run_until(rec.request(paced, "warning", 2, Pace(URGENT, retry_seconds=0)))
    rec.faults["refused"] = [BadRequest("Chat not found")]
    with pytest.raises(BadRequest):  # a refusal is never retried
        await clock.run_until(rec.request(paced, "refused", 3))
    assert rec.labels.count("refused") == 1
    assert await clock.run_until(rec.request(paced, "after", 2)) == {"ok": "after"}  # chats are free again


async def test_after_stop_retrying_an_outage_no_longer_holds_a_reply(limiter, clock):
    paced = limiter(per_second=100, retry_seconds=600)
    rec = Recorder(clock)
    rec.faults["reply"] = [NetworkError("Bad Gateway")] * 50
    task = asyncio.create_task(rec.request(paced, "reply", 1))

    async def two_tries():
        while len(rec.calls) < 2:
            await asyncio.sleep(0)

    await clock.run_until(two_tries())
    paced.stop_retrying()  # the service is stopping
    with pytest.raises(NetworkError):
        await clock.run_until(task)
    assert len(rec.calls) < 50

