"""The paced send path on its own: priorities, a chat's order, 429s and network errors.

Requests here are fake callbacks (no HTTP); the real stack against the fake Bot API with Telegram's
limits on is exercised in the end-to-end tests.
"""

from __future__ import annotations

import asyncio
import datetime as dtm
import time

import pytest
from telegram.error import BadRequest, NetworkError, RetryAfter

from bot.telegram.pacing import INTERACTIVE, NORMAL, URGENT, Pace, PacedRateLimiter, PaceLimits


class Recorder:
    """A Bot API stand-in: records (label, time) per call and fails as scripted."""

    def __init__(self):
        self.calls: list[tuple[str, float]] = []
        self.faults: dict[str, list[Exception]] = {}

    def request(self, limiter: PacedRateLimiter, label: str, chat: int | str, pace: Pace | None = None,
                endpoint: str = "sendMessage"):
        async def callback():
            self.calls.append((label, time.monotonic()))
            queue = self.faults.get(label)
            if queue:
                raise queue.pop(0)
            return {"ok": label}

        return limiter.process_request(callback, (), {}, endpoint, {"chat_id": chat}, pace)

    @property
    def labels(self) -> list[str]:
        return [label for label, _ in self.calls]


@pytest.fixture
async def limiter():
    made = []

    def make(**limits) -> PacedRateLimiter:
        made.append(PacedRateLimiter(PaceLimits(**limits)))
        return made[-1]

    yield make
    for each in made:
        await each.shutdown()


async def test_replies_first_urgent_before_normal_and_warnings_keep_a_share(limiter):
    paced = limiter(per_second=200)
    rec = Recorder()
    requests = [rec.request(paced, f"N{i}", 1000 + i, Pace(NORMAL)) for i in range(6)]
    requests += [rec.request(paced, f"U{i}", 2000 + i, Pace(URGENT)) for i in range(4)]
    requests += [rec.request(paced, f"R{i}", 3000 + i, Pace(INTERACTIVE)) for i in range(12)]
    await asyncio.gather(*requests)
    order = rec.labels
    # while residents wait, every fourth slot goes to a warning, the urgent ones first
    assert order[:8] == ["R0", "R1", "R2", "U0", "R3", "R4", "R5", "U1"]
    assert [x for x in order if not x.startswith("R")] == ["U0", "U1", "U2", "U3", *[f"N{i}" for i in range(6)]]
    assert max(order.index(f"R{i}") for i in range(12)) < order.index("N0")


async def test_unnamed_requests_are_replies_and_other_endpoints_are_not_paced(limiter):
    paced = limiter(per_second=1)
    rec = Recorder()
    await rec.request(paced, "first", 1)
    started = time.monotonic()
    # a callback answer and getMe carry no chat_id: straight through, not behind the 1/s overall rate
    await rec.request(paced, "answer", None, endpoint="answerCallbackQuery")
    await rec.request(paced, "typing", 2, endpoint="sendChatAction")
    assert time.monotonic() - started < 0.5
    assert paced.scheduler.stats().granted == 1


async def test_one_chat_in_order_with_a_short_burst_then_spaced(limiter):
    paced = limiter(per_second=100, per_chat_per_second=10, per_chat_burst=2)
    rec = Recorder()
    await asyncio.gather(*(rec.request(paced, f"m{i}", 42) for i in range(6)))
    assert rec.labels == [f"m{i}" for i in range(6)]
    stamps = [t for _, t in rec.calls]
    gaps = [b - a for a, b in zip(stamps, stamps[1:])]
    assert gaps[0] < 0.05  # two may go together
    assert all(gap >= 0.08 for gap in gaps[1:]), gaps  # then about one per 1/10 s (the bucket refills meanwhile)


async def test_a_group_gets_at_most_its_messages_a_minute(limiter):
    paced = limiter(per_second=1000, per_chat_per_second=1000, per_chat_burst=1000, per_group_minute=5)
    rec = Recorder()
    group = -100555
    tasks = [asyncio.create_task(rec.request(paced, f"g{i}", group)) for i in range(7)]
    await asyncio.gather(*(rec.request(paced, f"p{i}", 7) for i in range(10)))  # private chats are not held up
    assert [x for x in rec.labels if x.startswith("g")] == [f"g{i}" for i in range(5)]
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    assert paced.scheduler.stats().waiting == 0  # the two given up are gone from the queue


async def test_a_429_waits_retry_after_and_resends_first_in_its_chat(limiter):
    paced = limiter(per_second=100, per_chat_per_second=100, per_chat_burst=5)
    rec = Recorder()
    rec.faults["a1"] = [RetryAfter(dtm.timedelta(seconds=1))]
    results = await asyncio.gather(rec.request(paced, "a1", 5), rec.request(paced, "a2", 5), rec.request(paced, "b1", 6))
    assert results == [{"ok": "a1"}, {"ok": "a2"}, {"ok": "b1"}]
    assert [x for x in rec.labels if x.startswith("a")] == ["a1", "a1", "a2"]
    first_try = rec.calls[0][1]
    assert rec.labels[0] == "a1"
    later = [t for label, t in rec.calls[1:] if label != "b1" or t > first_try + 0.5]
    assert all(t - first_try >= 1.0 for t in later)  # a private chat's 429 pauses all sending
    assert paced.scheduler.stats().retry_afters == 1


async def test_a_groups_429_pauses_only_that_group(limiter):
    paced = limiter(per_second=100)
    rec = Recorder()
    rec.faults["g1"] = [RetryAfter(dtm.timedelta(seconds=2))]
    group = asyncio.create_task(rec.request(paced, "g1", -100777))
    await asyncio.sleep(0)
    await asyncio.gather(*(rec.request(paced, f"p{i}", 100 + i) for i in range(5)))
    assert not group.done()  # still waiting out its 2 s, while private chats went on
    assert await group == {"ok": "g1"}


async def test_network_errors_retry_for_a_reply_but_not_for_the_outbox(limiter):
    paced = limiter(per_second=100, retry_seconds=30)
    rec = Recorder()
    rec.faults["reply"] = [NetworkError("Bad Gateway"), NetworkError("Bad Gateway")]
    assert await rec.request(paced, "reply", 1) == {"ok": "reply"}
    assert rec.labels == ["reply"] * 3
    rec.faults["warning"] = [NetworkError("Bad Gateway")]
    with pytest.raises(NetworkError):
        await rec.request(paced, "warning", 2, Pace(URGENT, retry_seconds=0))
    rec.faults["refused"] = [BadRequest("Chat not found")]
    with pytest.raises(BadRequest):  # a refusal is never retried
        await rec.request(paced, "refused", 3)
    assert rec.labels.count("refused") == 1
    assert await rec.request(paced, "after", 2) == {"ok": "after"}  # chats are free again


async def test_after_stop_retrying_an_outage_no_longer_holds_a_reply(limiter):
    paced = limiter(per_second=100, retry_seconds=600)
    rec = Recorder()
    rec.faults["reply"] = [NetworkError("Bad Gateway")] * 50
    task = asyncio.create_task(rec.request(paced, "reply", 1))
    while len(rec.calls) < 2:
        await asyncio.sleep(0.05)
    paced.stop_retrying()  # the service is stopping
    with pytest.raises(NetworkError):
        await task
