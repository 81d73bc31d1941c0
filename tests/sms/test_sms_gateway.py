"""The 46elks adapter against the fake gateway's answers, and the SMS outbox's handling of them."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from datetime import datetime, timezone

import aiohttp
import pytest

from bot.sms.gateway import AuthFailed, Elks46Gateway, InvalidNumber, RateLimited, TemporaryFailure
from bot.sms.sender import Pacer, ReplySender, SmsOutbox, render_warning
from bot.storage import sms as sms_store
from bot.storage.db import AsyncDatabase, open_database
from tests.fakes.elks_api import PASSWORD, USER, FakeElks
from tests.sms.helpers import add_sms_subscribers, start_warning

NUMBER = "+46766860000"


@pytest.fixture
async def elks():
    async with FakeElks(per_second=50) as fake:
        yield fake


@pytest.fixture
async def session():
    async with aiohttp.ClientSession() as s:
        yield s


def gateway(session, elks, password=PASSWORD) -> Elks46Gateway:
    return Elks46Gateway(session, base_url=elks.base_url, user=USER, password=password, sender=NUMBER)


async def test_send_returns_the_id_and_history_finds_it(session, elks):
    gw = gateway(session, elks)
    message_id = await gw.send("+46701234567", "Hej från Bedrägerikollen")
    assert message_id.startswith("s") and elks.sent[0].id == message_id and elks.sent[0].sender == NUMBER
    found = await gw.sent_to("+46701234567", datetime(2000, 1, 1))
    assert [m.id for m in found] == [message_id]
    assert await gw.sent_to("+46709999999", datetime(2000, 1, 1)) == []


async def test_typed_errors(session, elks):
    gw = gateway(session, elks)
    with pytest.raises(InvalidNumber, match="Invalid to number"):
        await gw.send("0701234567", "hej")  # not E.164
    with pytest.raises(AuthFailed):
        await gateway(session, elks, password="wrong").send("+46701234567", "hej")
    elks.fail_next(429)
    with pytest.raises(RateLimited) as limited:
        await gw.send("+46701234567", "hej")
    assert limited.value.seconds == 1.0
    elks.fail_next(503)
    with pytest.raises(TemporaryFailure):
        await gw.send("+46701234567", "hej")
    with pytest.raises(TemporaryFailure):  # nothing listening: a network error
        await Elks46Gateway(session, base_url="http://127.0.0.1:9/a1", user=USER, password=PASSWORD, sender=NUMBER).send("+46701234567", "x")
    assert elks.sent == []


async def _run_until(outbox: SmsOutbox, done, timeout: float = 20.0) -> None:
    task = asyncio.create_task(outbox.run(poll_seconds=0.05))
    try:
        deadline = time.monotonic() + timeout
        while not await done():
            assert time.monotonic() < deadline, "the outbox did not finish"
            await asyncio.sleep(0.05)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await outbox.drain()


def _states(db_path):
    with sqlite3.connect(db_path) as conn:
        return dict(conn.execute("SELECT state, COUNT(*) FROM sms_outbox GROUP BY state").fetchall())


def _setup(tmp_path, session, elks, phones):
    """A database with `phones` subscribed in Kramfors and a started warning for them."""
    raw = open_database(tmp_path / "fraudbot.db")
    add_sms_subscribers(raw, phones)
    alert = start_warning(raw)
    return raw, alert, AsyncDatabase(raw), gateway(session, elks)


async def _send_until(db, gw, tmp_path, states: dict) -> None:
    """Run a fresh outbox (as after a start) until the rows are in `states`."""
    await _run_until(SmsOutbox(db, gw, Pacer(20)), lambda: asyncio.sleep(0, result=_states(tmp_path / "fraudbot.db") == states))


async def test_outbox_retries_429_and_5xx_and_drops_an_invalid_number(tmp_path, session, elks):
    raw = open_database(tmp_path / "fraudbot.db")
    good = [f"+4670100{n:04d}" for n in range(10)]
    add_sms_subscribers(raw, [*good, "+4612"])  # the last one cannot receive SMS
    add_sms_subscribers(raw, ["+46702220000"], municipality="Härnösand")  # not targeted
    alert = start_warning(raw)
    db = AsyncDatabase(raw)
    elks.fail_next(429, 2)
    elks.fail_next(502, 2)
    outbox = SmsOutbox(db, gateway(session, elks), Pacer(20))
    try:
        await _run_until(outbox, lambda: asyncio.sleep(0, result=_states(tmp_path / "fraudbot.db") == {"sent": 10, "invalid": 1}))
    finally:
        db.close()
    assert sorted(m.to for m in elks.sent) == good  # everyone in Kramfors once, nobody else
    text = render_warning(alert, "sv")
    assert all(m.message == text for m in elks.sent)
    with sqlite3.connect(tmp_path / "fraudbot.db") as conn:
        assert conn.execute("SELECT COUNT(*) FROM sms_subscribers WHERE phone = '+4612'").fetchone()[0] == 0
        assert conn.execute("SELECT SUM(segments) FROM sms_usage WHERE kind = 'warning'").fetchone()[0] == 10 * elks.sent[0].parts


async def test_warning_sms_is_gsm7_within_three_segments_and_ends_in_the_numbers(tmp_path):
    raw = open_database(tmp_path / "fraudbot.db")
    alert = start_warning(raw, dispatch=False)
    from bot.sms.segments import count_segments, encoding_of

    text = render_warning(alert, "sv")
    assert count_segments(text) <= 3 and encoding_of(text) == "gsm7"
    assert text.splitlines()[0].startswith("BRÅDSKANDE VARNING") and "112" in text.splitlines()[-1]


async def test_recovery_after_a_crash_asks_the_gateway(tmp_path, session, elks):
    """Rows left "sending": one had reached the gateway (not sent again), the others go again."""
    phones = [f"+4670200{n:04d}" for n in range(5)]
    raw, alert, db, gw = _setup(tmp_path, session, elks, phones)
    outbox = SmsOutbox(db, gw, Pacer(20))
    try:
        await outbox.queue_started_warnings()
        claimed = await db.write(sms_store.claim, datetime.now(timezone.utc), 3)
        await gw.send(claimed[0]["phone"], render_warning(alert, "sv"))  # on the wire when the process died
        await _send_until(db, gw, tmp_path, {"sent": 5})
    finally:
        db.close()
    assert sorted(m.to for m in elks.sent) == phones  # each exactly once


async def test_reply_sender_waits_out_429(tmp_path, session, elks):
    raw = open_database(tmp_path / "fraudbot.db")
    db = AsyncDatabase(raw)
    try:
        elks.fail_next(429)
        replies = ReplySender(db, gateway(session, elks), Pacer(20))
        assert (await replies.send("+46701234567", "Svar")).startswith("s")
        assert await replies.send("0701", "Svar") is None  # an invalid number is not retried
        assert elks.requests == 3 and len(elks.sent) == 1
    finally:
        db.close()


async def test_withdrawal_goes_to_those_who_got_the_warning(tmp_path, session, elks):
    """An SMS cannot be edited: a withdrawn warning's recipients get the withdrawal notice instead."""
    from bot.core.alerts import workflow
    from bot.core.alerts.dispatch import finish_sent
    from bot.core.staff import accounts as staff_core

    phones = [f"+4670300{n:04d}" for n in range(3)]
    raw, alert, db, gw = _setup(tmp_path, session, elks, phones)
    try:
        await _send_until(db, gw, tmp_path, {"sent": 3})
        add_sms_subscribers(raw, ["+46703009999"])  # subscribed after the warning: gets no withdrawal of it
        finish_sent(raw)
        editor, _ = staff_core.create_staff(raw, "eva", "editor")
        approver, _ = staff_core.create_staff(raw, "per", "approver")
        notice = workflow.withdraw(raw, editor, alert.id, text="Det var ett övningsmeddelande.")
        workflow.approve(raw, approver, notice.id)
        await _send_until(db, gw, tmp_path, {"sent": 6})
    finally:
        db.close()
    for phone in phones:
        first, second = (m.message for m in elks.to(phone))
        assert first.startswith("BRÅDSKANDE VARNING")
        assert second.startswith("ÅTERKALLAD") and "övningsmeddelande" in second
    assert elks.to("+46703009999") == []


async def test_rows_of_a_warning_withdrawn_mid_broadcast_are_not_sent(tmp_path, session, elks):
    raw, alert, db, gw = _setup(tmp_path, session, elks, ["+46703100001", "+46703100002"])
    try:
        await SmsOutbox(db, gw, Pacer(20)).queue_started_warnings()
        raw.execute("UPDATE alerts SET withdrawn = 1 WHERE id = ?", (alert.id,))
        assert await db.write(sms_store.claim, datetime.now(timezone.utc), 10) == []
    finally:
        db.close()
    assert _states(tmp_path / "fraudbot.db") == {"cancelled": 2}


async def test_a_clean_stop_puts_back_the_rows_not_yet_sent(tmp_path, session, elks):
    phones = [f"+4670400{n:04d}" for n in range(30)]
    raw, alert, db, gw = _setup(tmp_path, session, elks, phones)
    outbox = SmsOutbox(db, gw, Pacer(10))  # slow enough to stop mid-batch
    try:
        task = asyncio.create_task(outbox.run(poll_seconds=0.05))
        while len(elks.sent) < 3:
            await asyncio.sleep(0.01)
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await outbox.drain()
        states = _states(tmp_path / "fraudbot.db")
        assert "sending" not in states and states["sent"] == len(elks.sent) and states["queued"] == 30 - len(elks.sent)
        await _send_until(db, gw, tmp_path, {"sent": 30})
    finally:
        db.close()
    assert sorted(m.to for m in elks.sent) == phones


async def test_the_fake_enforces_its_rate_limit(session):
    async with FakeElks(per_second=5) as limited:
        gw = gateway(session, limited)
        results = await asyncio.gather(*(gw.send(f"+4670500{n:04d}", "hej") for n in range(8)), return_exceptions=True)
    assert sum(isinstance(r, str) for r in results) == 5 and len(limited.sent) == 5
    assert sum(isinstance(r, RateLimited) for r in results) == 3 == limited.rate_limited
