"""A Bot API outage of a minute in the middle of a broadcast: nobody is lost, nobody gets it twice,
and the warning is `sent` only when every message is delivered."""

from __future__ import annotations

import asyncio
import time
from collections import Counter

import pytest

from bot.core.alerts import workflow
from bot.storage import alerts as alert_store
from bot.storage.db import AsyncDatabase
from tests.fakes import FakeTelegram
from tests.telegram.conftest import start_service
from tests.telegram.test_alerts_e2e import editor_and_approver, wait_until

SUBSCRIBERS = 2000
RATE = 200  # messages per second (the fake allows as much), so the test stays short
OUTAGE_SECONDS = 60


def subscribe_many(db, chats):
    """Run through AsyncDatabase.write: one transaction for all of them."""
    for chat in chats:
        db.execute("INSERT INTO residents (chat_id, user_key, lang, municipality, created_at)"
                   " VALUES (?, ?, 'sv', 'Kramfors', '2026-01-01')", (chat, f"k{chat}"))
        db.execute("INSERT INTO subscriptions (chat_id, municipality, lang, consented_at)"
                   " VALUES (?, 'Kramfors', 'sv', '2026-01-01')", (chat,))


@pytest.mark.slow
async def test_a_warning_survives_a_minute_of_502s(tmp_path):
    async with FakeTelegram() as tg:
        tg.flood_limit(RATE, per_chat_per_second=1, per_chat_burst=3, per_group_per_minute=20)
        service = await start_service(tmp_path, tg, alerts={"messages_per_second": float(RATE)})
        try:
            db: AsyncDatabase = service.services.db
            raw = db.db
            await tg.wait_for_call("getUpdates")
            chats = range(40_000, 40_000 + SUBSCRIBERS)
            await db.write(subscribe_many, chats)
            anna, bo = await editor_and_approver(db)
            alert = await db.write(workflow.create, anna, title="Falska bankdosor", text="Lämna aldrig ut koder.", severity="urgent")
            await db.write(workflow.approve, bo, alert.id)
            await tg.wait_for_sent(lambda m: "bankdosor" in m.text, count=SUBSCRIBERS // 4, timeout=60)
            tg.outage(502, seconds=OUTAGE_SECONDS)
            outage_ends = time.monotonic() + OUTAGE_SECONDS
            await asyncio.sleep(5)
            status = await db.write(workflow.status, alert.id, RATE)
            assert status.state == "sending" and status.retrying > 0 and status.failed == 0
            assert status.next_try is not None
            await wait_until(lambda: alert_store.get_alert(raw, alert.id).state == "sent", timeout=OUTAGE_SECONDS + 120)
            assert time.monotonic() >= outage_ends
            assert alert_store.counts(raw, alert.id) == {"sent": SUBSCRIBERS}
        finally:
            await service.client.close()
            service.services.close()
    got = Counter(m.chat_id for m in tg.sent if "bankdosor" in m.text)
    assert set(got) == set(chats) and max(got.values()) == 1
    assert sum(1 for c in tg.calls if c.status == 502) > 0
