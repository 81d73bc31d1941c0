"""kill -9 in the middle of a broadcast: after a restart everyone has the warning, and only the
sends in flight at the moment of the crash may repeat."""

from __future__ import annotations

import asyncio
import os
import random
import signal
import sqlite3
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from bot.core.alerts import workflow
from bot.core.staff import accounts as staff_core
from bot.storage import residents
from bot.storage.db import open_database
from tests.fakes import TEST_TOKEN, FakeTelegram
from tests.helpers import free_port

ROOT = Path(__file__).resolve().parents[2]
SUBSCRIBERS = 400
RATE = 100  # messages per second, so the test stays short


def _state(db_path, alert_id):
    with sqlite3.connect(db_path) as conn:
        return conn.execute("SELECT state FROM alerts WHERE id = ?", (alert_id,)).fetchone()[0]


async def _serve(tmp_path, tg, db_path):
    config = tmp_path / "config.yaml"
    config.write_text(f"alerts:\n  messages_per_second: {RATE}\n  quiet_start: '00:00'\n  quiet_end: '00:00'\n")
    env = {**os.environ, "FRAUDBOT_DB": str(db_path), "FRAUDBOT_TELEGRAM_TOKEN": TEST_TOKEN,
           "FRAUDBOT_TELEGRAM_BASE_URL": tg.base_url, "FRAUDBOT_CONFIG": str(config),
           "PYTHONPATH": str(ROOT)}  # this checkout's bot/, not whichever one is installed
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "serve", "--port", str(free_port()), env=env, cwd=tmp_path,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
    )


@pytest.mark.slow
async def test_sigkill_mid_broadcast_loses_nobody(tmp_path):
    db_path = tmp_path / "fraudbot.db"
    db = open_database(db_path)
    for n in range(SUBSCRIBERS):
        residents.ensure_resident(db, 20_000 + n, f"k{n}", "sv")
        residents.subscribe(db, 20_000 + n, municipality="Kramfors", lang="sv")
    anna, _ = staff_core.create_staff(db, "anna", "editor")
    bo, _ = staff_core.create_staff(db, "bo", "approver")
    alert = workflow.create(db, anna, title="Bluffsamtal från falska banken", text="Lägg på.", severity="urgent")
    workflow.approve(db, bo, alert.id)
    db.conn.close()

    async with FakeTelegram() as tg:
        first = await _serve(tmp_path, tg, db_path)
        kill_at = random.randint(SUBSCRIBERS // 5, SUBSCRIBERS // 2)
        deadline = time.monotonic() + 60
        while sum("falska banken" in m.text for m in tg.sent) < kill_at:
            assert time.monotonic() < deadline, "the broadcast did not start"
            await asyncio.sleep(0.01)
        first.send_signal(signal.SIGKILL)
        await first.wait()
        before_restart = sum("falska banken" in m.text for m in tg.sent)
        assert before_restart < SUBSCRIBERS  # really killed mid-broadcast

        second = await _serve(tmp_path, tg, db_path)
        try:
            deadline = time.monotonic() + 90
            while _state(db_path, alert.id) != "sent":
                assert time.monotonic() < deadline, "the broadcast did not finish after the restart"
                await asyncio.sleep(0.1)
        finally:
            second.terminate()
            await second.wait()

    got = Counter(m.chat_id for m in tg.sent if "falska banken" in m.text)
    assert set(got) == {20_000 + n for n in range(SUBSCRIBERS)}
    duplicates = sum(n - 1 for n in got.values())
    # at most the requests in flight when the process died (the worker keeps about a second's worth)
    assert duplicates <= RATE, duplicates
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT COUNT(*) FROM outbox WHERE alert_id = ? AND state = 'sent'", (alert.id,)).fetchone()[0] == SUBSCRIBERS
