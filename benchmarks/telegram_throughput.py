"""The Telegram bot under Telegram's flood limits, against the fake Bot API on loopback.

    python benchmarks/telegram_throughput.py [--section conversation|broadcast|limiters|capacity|all]

`fraudbot serve` runs in a process of its own (as with Telegram on another machine); the fake Bot
API, which enforces Telegram's limits (30 messages a second overall, one a second per chat with
bursts of 3, 20 a minute per group) and answers 429 with retry_after like Telegram, and the
simulated residents run in this one.

- conversation: 200 residents ask 66.7 questions a second for 30 s, more than Telegram's overall
  budget, so replies must queue. Every reply is checked against what the bot's core answers to that
  question (so a lost or reordered message is found), with its latency from the question being
  offered to its last part reaching the fake, and the paced path's queue peak (from the bot's log).
- broadcast: a warning to 10,000 subscribers while residents ask 10 questions a second: reply
  latency during the broadcast, and all sends together as a share of the overall limit.
- limiters: the same mix through our `PacedRateLimiter` and python-telegram-bot's `AIORateLimiter`
  (aiolimiter, `pip install aiolimiter`) with a stand-in for the Bot API (no network): how long a
  reply waits behind a queued broadcast. This is why the bot has its own limiter.
- capacity: the bot's handler throughput with the overall limit raised to 1,000/s and the fake's
  limits off, against a bare python-telegram-bot echo bot (the baseline: PTB's own polling and HTTP).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import re
import socket
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.broadcast import prepare  # noqa: E402
from bot.core.answering.assistant import Assistant  # noqa: E402
from bot.core.knowledge.store import KnowledgeStore  # noqa: E402
from bot.telegram.handlers import _looks_pasted  # noqa: E402
from bot.telegram.render import view_to_messages  # noqa: E402
from tests.fakes import TEST_TOKEN, FakeTelegram  # noqa: E402
from tests.fakes.telegram_api import parse_telegram_html  # noqa: E402

FIRST_CHAT = 10_000


def questions() -> list[str]:
    items = yaml.safe_load((ROOT / "tests/data/questions.yaml").read_text(encoding="utf-8"))
    return [i["text"] for i in items]


async def expected_replies(texts: list[str]) -> dict[str, list[str]]:
    """The plain text of every message the bot sends for each question, from the bot's own core."""
    assistant = Assistant(KnowledgeStore(ROOT / "knowledge"), None)
    replies = {}
    for text in set(texts):
        _, view = await (assistant.check(text, "sv") if _looks_pasted(text) else assistant.ask(text, None, "sv"))
        replies[text] = [parse_telegram_html(m) for m in view_to_messages(view)]
    return replies


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Bot:
    """`fraudbot serve` in its own process, with its log kept for the paced path's figures."""

    def __init__(self, tg: FakeTelegram, folder: Path, config: str = ""):
        self.tg, self.folder, self.config = tg, folder, config
        self.log = folder / "serve.log"

    async def __aenter__(self) -> Bot:
        (self.folder / "config.yaml").write_text(self.config or "{}\n")
        env = {**os.environ, "FRAUDBOT_DB": str(self.folder / "bench.db"), "FRAUDBOT_TELEGRAM_TOKEN": TEST_TOKEN,
               "FRAUDBOT_TELEGRAM_BASE_URL": self.tg.base_url, "FRAUDBOT_CONFIG": str(self.folder / "config.yaml"),
               "PYTHONPATH": str(ROOT)}
        self._log = self.log.open("wb")
        self.proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "serve", "--port", str(_free_port()), env=env,
            stdout=asyncio.subprocess.DEVNULL, stderr=self._log)
        await self.tg.wait_for_call("getUpdates", timeout=30)
        return self

    async def __aexit__(self, *exc) -> None:
        self.proc.terminate()
        await self.proc.wait()
        self._log.close()

    def queue_peak(self) -> int | None:
        found = re.findall(r"queue peak (\d+)", self.log.read_text(errors="replace"))
        return int(found[-1]) if found else None


async def ask(tg: FakeTelegram, texts: list[str], residents: int, rate: float, seconds: float,
              first_chat: int = FIRST_CHAT) -> dict[int, list[tuple[str, float]]]:
    """Residents ask questions at `rate` a second for `seconds`, round robin; returns what each chat asked when."""
    asked: dict[int, list[tuple[str, float]]] = {}
    start = time.monotonic()
    total = int(rate * seconds)
    for i in range(total):
        delay = start + i / rate - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        chat = first_chat + i % residents
        text = texts[(i * 7) % len(texts)]
        asked.setdefault(chat, []).append((text, time.monotonic()))
        tg.user_message(chat, text)
    return asked


async def check_replies(tg: FakeTelegram, asked: dict[int, list[tuple[str, float]]], expected: dict[str, list[str]],
                        timeout: float) -> dict:
    """Wait for every reply, then compare each chat's messages with the expected ones, in order."""
    want = sum(len(expected[text]) for qs in asked.values() for text, _ in qs)
    chats = set(asked)
    seen, counted = 0, 0

    def enough() -> bool:  # counts only what is new: scanning every message on each request would stall the fake
        nonlocal seen, counted
        new = tg.sent[seen:]
        seen += len(new)
        counted += sum(1 for m in new if m.chat_id in chats)
        return counted >= want

    try:
        await wait_for(enough, timeout)
    except TimeoutError:
        pass
    latencies, out_of_order, lost, peak = [], 0, 0, 0
    answered_at: list[tuple[float, int]] = []
    for chat, qs in asked.items():
        got = [m for m in tg.sent if m.chat_id == chat]
        position = 0
        for text, offered in qs:
            parts = expected[text]
            mine = got[position:position + len(parts)]
            position += len(parts)
            if len(mine) < len(parts):
                lost += len(parts) - len(mine)
                continue
            if [m.plain_text for m in mine] != parts:
                out_of_order += 1
            latencies.append(mine[-1].time - offered)
            answered_at += [(offered, 1), (mine[-1].time, -1)]
    waiting = 0
    for _, change in sorted(answered_at):
        waiting += change
        peak = max(peak, waiting)
    return {"expected": want, "lost": lost, "out_of_order": out_of_order, "answered": len(latencies),
            "p50": percentile(latencies, 0.5) if latencies else float("nan"),
            "p99": percentile(latencies, 0.99) if latencies else float("nan"), "waiting_peak": peak}


async def conversation(args) -> None:
    texts = questions()
    expected = await expected_replies(texts)
    with tempfile.TemporaryDirectory() as tmp:
        async with FakeTelegram() as tg:
            tg.telegram_limits()
            async with Bot(tg, Path(tmp)) as bot:
                started = time.monotonic()
                asked = await ask(tg, texts, args.residents, args.rate, args.seconds)
                result = await check_replies(tg, asked, expected, timeout=600)
                elapsed = max(m.time for m in tg.sent) - started
            peak = bot.queue_peak()
        print(f"conversation: {args.residents} residents ask {args.rate:g} questions/s for {args.seconds:g} s "
              f"({sum(len(q) for q in asked.values())} questions, {result['expected']} reply messages); "
              f"Telegram's limits on in the fake")
        print(f"  lost {result['lost']}, out of order {result['out_of_order']}, 429s {tg.flood_429s} "
              f"{dict(tg.flood_429s_by)}{when_429s(tg, started)}")
        print(f"  reply latency p50 {result['p50']:.1f} s, p99 {result['p99']:.1f} s; questions waiting at most "
              f"{result['waiting_peak']}; paced path queue peak {peak}; all replies out after {elapsed:.0f} s "
              f"({result['expected'] / elapsed:.1f} messages/s)")


async def broadcast(args) -> None:
    texts = questions()
    expected = await expected_replies(texts)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        alert_id = prepare(folder / "bench.db", args.subscribers)
        async with FakeTelegram() as tg:
            tg.telegram_limits()
            async with Bot(tg, folder, "alerts:\n  quiet_start: '00:00'\n  quiet_end: '00:00'\n") as bot:
                await wait_for(lambda: len(tg.sent) >= 100, 60)  # the broadcast is under way
                seconds = args.subscribers / 30 * 0.75  # residents ask while the broadcast runs
                asked = await ask(tg, texts, 100, args.question_rate, seconds, first_chat=FIRST_CHAT)
                result = await check_replies(tg, asked, expected, timeout=120)
                await wait_for(lambda: alert_state(folder / "bench.db", alert_id) == "sent", 3600)
            sends = [m.time for m in tg.sent if m.text and "Benchmark" in m.text]
            window = (min(sends), max(sends))
            together = [m for m in tg.sent if window[0] <= m.time <= window[1]]
            replies = sum(1 for m in together if m.chat_id < 1_000_000)
            rate = (len(together) - 1) / (window[1] - window[0])
        print(f"broadcast: a warning to {args.subscribers} subscribers while residents ask "
              f"{args.question_rate:g} questions/s; Telegram's limits on in the fake")
        print(f"  delivered {len(set(m.chat_id for m in tg.sent if m.text and 'Benchmark' in m.text))}, replies lost "
              f"{result['lost']}, out of order {result['out_of_order']}, 429s {tg.flood_429s} {dict(tg.flood_429s_by)}"
              f"{when_429s(tg, window[0])}")
        print(f"  reply latency during the broadcast p50 {result['p50']:.2f} s, p99 {result['p99']:.2f} s")
        print(f"  all sends together {rate:.1f}/s = {rate / 30:.3f} of the limit ({replies} replies among them); "
              f"queue peak {bot.queue_peak()}")


def when_429s(tg: FakeTelegram, start: float) -> str:
    times = [c.time - start for c in tg.calls if c.status == 429]
    return f" at {', '.join(f'{t:.1f}' for t in times)} s" if times else ""


def alert_state(db_path: Path, alert_id: int) -> str:
    with sqlite3.connect(db_path) as conn:
        return conn.execute("SELECT state FROM alerts WHERE id = ?", (alert_id,)).fetchone()[0]


async def wait_for(condition, timeout: float) -> None:
    """Poll a cheap condition a few times a second (the fake shares this process: keep it unhurried)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("condition not met")
        await asyncio.sleep(0.25)


async def limiters(args) -> None:
    """A broadcast of 600 queued, then 10 replies a second for 10 s, through each limiter."""
    from telegram.ext import AIORateLimiter

    from bot.telegram.pacing import NORMAL, Pace, PacedRateLimiter, PaceLimits

    async def run(limiter, pace_warning) -> dict:
        reply_waits, sends = [], []

        async def request(chat: int, pace) -> None:
            offered = time.monotonic()

            async def callback():
                sends.append(time.monotonic())
                await asyncio.sleep(0.02)  # a Bot API round trip
                return True

            await limiter.process_request(callback, (), {}, "sendMessage", {"chat_id": chat}, pace)
            if pace is None:
                reply_waits.append(time.monotonic() - offered)

        await limiter.initialize()
        broadcast = [asyncio.create_task(request(1_000_000 + n, pace_warning)) for n in range(600)]
        await asyncio.sleep(0.5)
        replies = []
        for i in range(100):
            replies.append(asyncio.create_task(request(10_000 + i % 50, None)))
            await asyncio.sleep(0.1)
        await asyncio.gather(*replies)
        for task in broadcast:
            task.cancel()
        await asyncio.gather(*broadcast, return_exceptions=True)
        await limiter.shutdown()
        span = sends[-1] - sends[0]
        return {"p50": percentile(reply_waits, 0.5), "p99": percentile(reply_waits, 0.99), "rate": (len(sends) - 1) / span}

    ours = await run(PacedRateLimiter(PaceLimits(per_second=30)), Pace(NORMAL, retry_seconds=0))
    theirs = await run(AIORateLimiter(overall_max_rate=30, overall_time_period=1), None)
    print("limiters: 600 warnings queued, then residents ask 10 questions/s for 10 s; 30 requests/s allowed")
    for name, r in (("PacedRateLimiter (ours)", ours), ("AIORateLimiter (PTB, aiolimiter)", theirs)):
        print(f"  {name:<34} reply wait p50 {r['p50']:6.2f} s, p99 {r['p99']:6.2f} s; {r['rate']:.1f} requests/s")


async def capacity(args) -> None:
    """The old figure: handler throughput with the limits out of the way, against a bare echo bot."""
    texts = questions()
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name in ("echo", "fraudbot"):
            async with FakeTelegram() as tg:
                if name == "echo":
                    code = ECHO_BOT.format(root=str(ROOT), token=TEST_TOKEN, base=tg.base_url)
                    proc = await asyncio.create_subprocess_exec(sys.executable, "-c", code, stdout=asyncio.subprocess.DEVNULL,
                                                                stderr=asyncio.subprocess.DEVNULL)
                    await tg.wait_for_call("getUpdates", timeout=30)
                    try:
                        results[name] = await timed(tg, texts, 2000, 400, 200.0)
                    finally:
                        proc.terminate()
                        await proc.wait()
                else:
                    folder = Path(tmp) / name
                    folder.mkdir()
                    async with Bot(tg, folder, "alerts:\n  messages_per_second: 1000\n"):
                        results[name] = await timed(tg, texts, 2000, 400, 200.0)
    print("capacity: 2,000 updates from 400 residents offered at 200/s, limits out of the way")
    for name, r in results.items():
        print(f"  {name:<10} {r['rate']:7.1f} updates/s   p50 {r['p50'] * 1000:7.1f} ms   p99 {r['p99'] * 1000:7.1f} ms")


async def timed(tg: FakeTelegram, texts: list[str], n: int, residents: int, rate: float) -> dict:
    before = len(tg.sent)
    offered: dict[int, list[float]] = {}
    start = time.monotonic()
    for i in range(n):
        delay = start + i / rate - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        chat = FIRST_CHAT + i % residents
        offered.setdefault(chat, []).append(time.monotonic())
        tg.user_message(chat, texts[i % len(texts)])
    replies = await tg.wait_for_sent(lambda m: m.chat_id >= FIRST_CHAT, count=n, after=before, timeout=300)
    seen: dict[int, int] = {}
    latencies = []
    for reply in sorted(replies, key=lambda r: r.time):
        k = seen.get(reply.chat_id, 0)
        seen[reply.chat_id] = k + 1
        if k < len(offered[reply.chat_id]):
            latencies.append(reply.time - offered[reply.chat_id][k])
    return {"rate": n / (max(r.time for r in replies) - start), "p50": percentile(latencies, 0.5),
            "p99": percentile(latencies, 0.99)}


ECHO_BOT = """
import asyncio, sys
from telegram.ext import ApplicationBuilder, MessageHandler, filters
sys.path.insert(0, {root!r})
from bot.telegram.runner import CONCURRENT_UPDATES, CONNECTION_POOL
from bot.telegram.http import AiohttpRequest

async def main():
    app = (ApplicationBuilder().token({token!r}).base_url({base!r}).concurrent_updates(CONCURRENT_UPDATES)
           .request(AiohttpRequest(CONNECTION_POOL)).get_updates_request(AiohttpRequest(1)).build())
    async def echo(update, context):
        await update.effective_message.reply_text(update.effective_message.text[:100])
    app.add_handler(MessageHandler(filters.TEXT, echo))
    await app.initialize(); await app.start(); await app.updater.start_polling(poll_interval=0.0, timeout=10)
    await asyncio.Event().wait()

asyncio.run(main())
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--section", choices=("conversation", "broadcast", "limiters", "capacity", "all"), default="all")
    parser.add_argument("--residents", type=int, default=200)
    parser.add_argument("--rate", type=float, default=66.7, help="questions a second in the conversation run")
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--subscribers", type=int, default=10_000)
    parser.add_argument("--question-rate", type=float, default=10.0, help="questions a second during the broadcast")
    args = parser.parse_args()
    # The fake stands in for Telegram's servers, which do not pause with this process: a full garbage
    # collection over tens of thousands of recorded messages would stall it and bunch the arrivals
    # it counts. Objects made while setting up are frozen, and full collections made rare.
    gc.freeze()
    gc.set_threshold(10_000, 50, 1_000)
    print(f"load average before: {os.getloadavg()[0]:.2f} (1 min) on {os.cpu_count()} cores")
    sections = ("limiters", "conversation", "broadcast", "capacity") if args.section == "all" else (args.section,)
    for section in sections:
        asyncio.run(globals()[section](args))
    print(f"load average after: {os.getloadavg()[0]:.2f} (1 min)")


if __name__ == "__main__":
    main()
