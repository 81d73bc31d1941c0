"""Broadcast speed: `fraudbot serve` delivers one warning to many subscribers through the fake Bot API.

    python benchmarks/broadcast.py [--subscribers 10000] [--limits 30,1000]

For each configured limit it prints the achieved messages per second as a share of the limit,
the 429 answers the fake server gave (it enforces the same limit, so any 429 means we pushed too
hard), and the peak memory (VmHWM) of the serving process.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import socket
import sqlite3
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.core.alerts import workflow  # noqa: E402
from bot.core.staff import accounts as staff_core  # noqa: E402
from bot.storage import residents  # noqa: E402
from bot.storage.db import open_database  # noqa: E402
from tests.fakes import TEST_TOKEN, FakeTelegram  # noqa: E402


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(db_path: Path, subscribers: int) -> int:
    db = open_database(db_path)
    with db.conn:
        db.conn.execute("BEGIN")
        for n in range(subscribers):
            chat = 1_000_000 + n
            db.conn.execute("INSERT INTO residents (chat_id, user_key, lang, municipality, created_at) VALUES (?, ?, 'sv', 'Kramfors', '2026-01-01')",
                            (chat, f"k{chat}"))
            db.conn.execute("INSERT INTO subscriptions (chat_id, municipality, lang, consented_at) VALUES (?, 'Kramfors', 'sv', '2026-01-01')", (chat,))
    anna, _ = staff_core.create_staff(db, "anna", "editor")
    bo, _ = staff_core.create_staff(db, "bo", "approver")
    alert = workflow.create(db, anna, title="Benchmark", text="Varning till alla.", severity="urgent")
    workflow.approve(db, bo, alert.id)
    db.conn.close()
    assert residents  # imported for the schema the insert above relies on
    return alert.id


def peak_memory_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def run(limit: float, subscribers: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        db_path = Path(tmp) / "bench.db"
        alert_id = prepare(db_path, subscribers)
        config = Path(tmp) / "config.yaml"
        config.write_text(f"alerts:\n  messages_per_second: {limit}\n  quiet_start: '00:00'\n  quiet_end: '00:00'\n")
        async with FakeTelegram() as tg:
            tg.flood_limit(per_second=int(limit))
            env = {**os.environ, "FRAUDBOT_DB": str(db_path), "FRAUDBOT_TELEGRAM_TOKEN": TEST_TOKEN,
                   "FRAUDBOT_TELEGRAM_BASE_URL": tg.base_url, "FRAUDBOT_CONFIG": str(config), "PYTHONPATH": str(ROOT)}
            proc = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot", "serve", "--port", str(_free_port()),
                                                        env=env, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL)
            try:
                while True:
                    with sqlite3.connect(db_path) as conn:
                        state = conn.execute("SELECT state FROM alerts WHERE id = ?", (alert_id,)).fetchone()[0]
                    if state == "sent":
                        break
                    await asyncio.sleep(0.5)
                memory = peak_memory_mb(proc.pid)
            finally:
                proc.terminate()
                await proc.wait()
        sends = [m.time for m in tg.sent if m.text and "Benchmark" in m.text]
        elapsed = max(sends) - min(sends)
        rate = (len(sends) - 1) / elapsed if elapsed > 0 else float("inf")
        return {"sent": len(sends), "rate": rate, "share": rate / limit, "429s": tg.flood_429s, "memory_mb": memory}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--subscribers", type=int, default=10_000)
    parser.add_argument("--limits", default="30,1000")
    args = parser.parse_args()
    gc.freeze()  # the fake must not stall on full collections where Telegram would not (see telegram_throughput.py)
    gc.set_threshold(10_000, 50, 1_000)
    print(f"one warning to {args.subscribers} subscribers; fraudbot serve in its own process, fake Bot API in this one;"
          f" load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    for limit in (float(x) for x in args.limits.split(",")):
        r = asyncio.run(run(limit, args.subscribers))
        print(f"  limit {limit:6.0f}/s: {r['sent']} delivered at {r['rate']:7.1f}/s = {r['share']:.3f} of the limit, "
              f"{r['429s']} x 429, peak memory {r['memory_mb']:.0f} MB (load average now {os.getloadavg()[0]:.2f})")


if __name__ == "__main__":
    main()
