"""Updates per second and latency of the Telegram bot against the fake Bot API on loopback.

    python benchmarks/telegram_throughput.py [--updates 2000] [--residents 400]

Simulated residents send questions at once. For every update it measures the time from the update
being offered to the bot (queued on the fake server) until the bot's reply reaches the fake server.
The same load is run first through a bare python-telegram-bot echo bot (the baseline: PTB's own
polling and HTTP cost) and then through `fraudbot serve`; the ratio shows what our handlers add.
Each bot runs in a process of its own, as it would with Telegram on another machine.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.fakes import TEST_TOKEN, FakeTelegram  # noqa: E402


def questions() -> list[str]:
    items = yaml.safe_load((ROOT / "tests/data/questions.yaml").read_text(encoding="utf-8"))
    return [i["text"] for i in items]


async def drive(tg: FakeTelegram, texts: list[str], n_updates: int, residents: int, rate: float | None) -> dict:
    """Offer `n_updates` messages from `residents` chats (at `rate` per second, or all at once when
    None) and time each from being offered until its reply reaches the fake server."""
    await tg.wait_for_call("getUpdates", timeout=10)
    before = len(tg.sent)
    offered: dict[int, list[float]] = {}
    start = time.monotonic()
    for i in range(n_updates):
        if rate:
            delay = start + i / rate - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
        elif i % 50 == 49:
            await asyncio.sleep(0)  # let the server hand out updates while we keep offering
        chat = 10_000 + i % residents
        offered.setdefault(chat, []).append(time.monotonic())
        tg.user_message(chat, texts[i % len(texts)])
    replies = await tg.wait_for_sent(lambda m: m.chat_id >= 10_000, count=n_updates, after=before, timeout=300)
    elapsed = max(r.time for r in replies) - start
    latencies = []
    seen: dict[int, int] = {}
    for reply in sorted(replies, key=lambda r: r.time):
        k = seen.get(reply.chat_id, 0)
        seen[reply.chat_id] = k + 1
        latencies.append(reply.time - offered[reply.chat_id][k])
    latencies.sort()
    return {
        "updates_per_s": n_updates / elapsed,
        "p50_ms": statistics.median(latencies) * 1000,
        "p99_ms": latencies[int(len(latencies) * 0.99) - 1] * 1000,
    }


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


async def run_bot_process(command: list[str], env: dict, texts: list[str], n: int, residents: int, rate: float | None,
                          tg: FakeTelegram) -> dict:
    """Run the bot in its own process (as in production, where Telegram is another machine)."""
    proc = await asyncio.create_subprocess_exec(*command, env=env, stdout=asyncio.subprocess.DEVNULL,
                                                stderr=asyncio.subprocess.DEVNULL)
    try:
        return await drive(tg, texts, n, residents, rate)
    finally:
        proc.terminate()
        await proc.wait()


async def echo_baseline(n: int, residents: int, texts: list[str], rate: float | None) -> dict:
    async with FakeTelegram() as tg:
        code = ECHO_BOT.format(root=str(ROOT), token=TEST_TOKEN, base=tg.base_url)
        return await run_bot_process([sys.executable, "-c", code], dict(os.environ), texts, n, residents, rate, tg)


async def fraudbot(n: int, residents: int, texts: list[str], rate: float | None) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        async with FakeTelegram() as tg:
            env = {**os.environ, "FRAUDBOT_DB": str(Path(tmp) / "bench.db"), "FRAUDBOT_TELEGRAM_TOKEN": TEST_TOKEN,
                   "FRAUDBOT_TELEGRAM_BASE_URL": tg.base_url, "PYTHONPATH": str(ROOT)}
            env.pop("FRAUDBOT_CONFIG", None)
            profile = ["-m", "cProfile", "-o", os.environ["BENCH_PROFILE"]] if os.environ.get("BENCH_PROFILE") else []
            command = [sys.executable, *profile, "-m", "bot", "serve", "--port", str(_free_port())]
            return await run_bot_process(command, env, texts, n, residents, rate, tg)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--updates", type=int, default=2000)
    parser.add_argument("--residents", type=int, default=400)
    parser.add_argument("--rate", type=float, default=200.0, help="updates offered per second in the paced run")
    args = parser.parse_args()
    texts = questions()
    print(f"{args.updates} updates from {args.residents} simulated residents; the bot runs in its own process"
          " (`fraudbot serve`), the fake Bot API and the load in this one")
    for label, rate in ((f"paced at {args.rate:.0f}/s", args.rate), ("burst (all at once)", None)):
        base = asyncio.run(echo_baseline(args.updates, args.residents, texts, rate))
        ours = asyncio.run(fraudbot(args.updates, args.residents, texts, rate))
        print(label)
        for name, r in (("  echo bot (baseline)", base), ("  fraudbot", ours)):
            print(f"{name:<22} {r['updates_per_s']:8.1f} updates/s   p50 {r['p50_ms']:8.1f} ms   p99 {r['p99_ms']:8.1f} ms")
        print(f"  fraudbot / baseline: throughput {ours['updates_per_s'] / base['updates_per_s']:.2f}x, "
              f"p99 {ours['p99_ms'] / base['p99_ms']:.2f}x")


if __name__ == "__main__":
    main()
