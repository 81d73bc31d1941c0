"""kill -9 in the middle of an SMS broadcast to 2,000 subscribers: after a restart each number has
the warning exactly once, and the sending stayed under the gateway's rate limit throughout."""

from __future__ import annotations

import asyncio
import os
import random
import signal
import sqlite3
import sys
import time
from collections import Counter

import pytest

import bot
from bot.storage.db import open_database
from tests.fakes.elks_api import PASSWORD, USER, FakeElks
from tests.helpers import free_port
from tests.sms.helpers import add_sms_subscribers, start_warning

SUBSCRIBERS = 2000
GATEWAY_LIMIT = 200  # requests per second the fake allows before it answers 429
RATE = 150  # sms.rate_per_second: what we aim at


async def _serve(tmp_path, elks, db_path):
    config = tmp_path / "config.yaml"
    config.write_text(
        "alerts:\n  quiet_start: '00:00'\n  quiet_end: '00:00'\n"
        f"sms:\n  provider: 46elks\n  api_user: {USER}\n  number: '+46766860000'\n"
        f"  webhook_secret: crash-test-secret-0123456789\n  base_url: {elks.base_url}\n  rate_per_second: {RATE}\n")
    env = {**os.environ, "FRAUDBOT_DB": str(db_path), "FRAUDBOT_CONFIG": str(config), "FRAUDBOT_SMS_API_PASSWORD": PASSWORD}
    env.pop("FRAUDBOT_TELEGRAM_TOKEN", None)
    root = os.path.dirname(os.path.dirname(bot.__file__))  # the child imports this checkout's bot, whatever is installed
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "serve", "--port", str(free_port()), env=env, cwd=tmp_path,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL)


def _sent_rows(db_path) -> int:
    with sqlite3.connect(db_path) as conn:
        return conn.execute("SELECT COUNT(*) FROM sms_outbox WHERE state = 'sent'").fetchone()[0]


@pytest.mark.slow
async def test_sigkill_mid_sms_broadcast_serves_everyone_exactly_once(tmp_path):
    db_path = tmp_path / "fraudbot.db"
    db = open_database(db_path)
    phones = [f"+467030{n:05d}" for n in range(SUBSCRIBERS)]
    add_sms_subscribers(db, phones)
    start_warning(db, "Falska poliser ringer i Kramfors", dispatch=False)  # the service's scheduler starts it
    db.conn.close()

    async with FakeElks(per_second=GATEWAY_LIMIT, latency=0.05) as elks:
        first = await _serve(tmp_path, elks, db_path)
        kill_at = random.randint(SUBSCRIBERS // 5, SUBSCRIBERS // 2)
        deadline = time.monotonic() + 90
        while len(elks.sent) < kill_at:
            assert time.monotonic() < deadline, "the broadcast did not start"
            await asyncio.sleep(0.005)
        first.send_signal(signal.SIGKILL)
        await first.wait()
        before_restart = len(elks.sent)
        assert before_restart < SUBSCRIBERS  # really killed mid-broadcast
        await asyncio.sleep(0.5)  # requests the dead process had on the wire have landed
        with sqlite3.connect(db_path) as conn:  # the rows whose fate only the gateway knows
            in_doubt = {r[0] for r in conn.execute("SELECT phone FROM sms_outbox WHERE state = 'sending'")}
        reached = in_doubt & {m.to for m in elks.sent}
        assert reached  # the kill really left SMS the gateway took but the database had not marked sent

        second = await _serve(tmp_path, elks, db_path)
        try:
            deadline = time.monotonic() + 120
            while _sent_rows(db_path) < SUBSCRIBERS:
                assert time.monotonic() < deadline, f"the broadcast did not finish after the restart ({_sent_rows(db_path)})"
                await asyncio.sleep(0.1)
        finally:
            second.terminate()
            await second.wait()

    got = Counter(m.to for m in elks.sent)
    assert set(got) == set(phones)
    assert max(got.values()) == 1, [p for p, n in got.items() if n > 1][:10]  # exactly once, across the kill
    assert elks.rate_limited == 0  # never over the gateway's limit, so never a 429
    times = sorted(m.at for m in elks.sent)
    busiest = max(sum(1 for t in times[i:i + GATEWAY_LIMIT + 1] if t - times[i] < 1.0) for i in range(len(times)))
    assert busiest <= GATEWAY_LIMIT
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT COUNT(*) FROM sms_outbox WHERE state != 'sent'").fetchone()[0] == 0
    print(f"killed after {before_restart} of {SUBSCRIBERS}, {len(in_doubt)} rows in doubt of which {len(reached)} had"
          f" reached the gateway; busiest second {busiest} (limit {GATEWAY_LIMIT}, aim {RATE})")
