"""The monthly SMS cost estimate: segments sent in the last 30 days × sms.price_per_segment, on the dashboard."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from bot.storage import sms as sms_store
from bot.storage.db import open_database
from tests.sms.conftest import ask, sms_app
from tests.web.conftest import add_staff, login


def test_estimate_counts_only_the_last_30_days(tmp_path):
    db = open_database(tmp_path / "fraudbot.db")
    now = datetime(2026, 12, 1, 12, tzinfo=timezone.utc)
    sms_store.record_usage(db, "reply", 3, now - timedelta(days=2))
    sms_store.record_usage(db, "warning", 2, now - timedelta(days=29))
    sms_store.record_usage(db, "warning", 7, now - timedelta(days=31))  # older: not this month
    estimate = sms_store.monthly_cost_estimate(db, 0.5, now)
    assert (estimate["segments"], estimate["replies"], estimate["warnings"], estimate["cost"]) == (5, 3, 2, 2.5)


async def test_dashboard_shows_the_estimate(tmp_path, elks):
    async with sms_app(tmp_path, elks, price_per_segment=0.52) as client:
        reply = await ask(client, elks, "+46701234567", "Vad är en bluffaktura?")
        parts = elks.sent[-1].parts
        assert parts >= 1 and reply
        add_staff(client.services, "vera", "viewer")
        await login(client, "vera")
        page = await (await client.get("/staff")).text()
        assert "Sms" in page and f"{parts} sms-delar" in page
        assert f"{parts * 0.52:.2f} kr" in page


def test_unconfirmed_numbers_are_forgotten_after_a_day(tmp_path):
    db = open_database(tmp_path / "fraudbot.db")
    now = datetime(2026, 12, 1, 12, tzinfo=timezone.utc)
    sms_store.ask_to_subscribe(db, "+46701111111", "Kramfors", "sv", now - timedelta(hours=25))
    sms_store.ask_to_subscribe(db, "+46702222222", "Kramfors", "sv", now - timedelta(hours=2))
    sms_store.ask_to_subscribe(db, "+46703333333", "Kramfors", "sv", now - timedelta(days=40))
    sms_store.confirm_subscription(db, "+46703333333", now - timedelta(days=40))  # consented: kept
    assert sms_store.purge_pending(db, now) == 1
    assert [r[0] for r in db.execute("SELECT phone FROM sms_subscribers ORDER BY phone")] == ["+46702222222", "+46703333333"]
