"""Warnings end to end: staff write and approve, the running service delivers through the fake Bot API."""

from __future__ import annotations

import asyncio
import time
from collections import Counter

import pytest

from bot.core.alerts import workflow
from bot.core.staff import accounts as staff_core
from bot.storage import alerts as alert_store
from bot.storage import residents

PLACES = ("Härnösand", "Kramfors", "Sollefteå")


async def subscribe(db, chats, municipality):
    for chat in chats:
        await db.write(residents.ensure_resident, chat, f"k{chat}", "sv")
        await db.write(residents.subscribe, chat, municipality=municipality, lang="sv")


async def editor_and_approver(db):
    anna, _ = await db.write(staff_core.create_staff, "anna", "editor")
    bo, _ = await db.write(staff_core.create_staff, "bo", "approver")
    return anna, bo


async def wait_until(predicate, timeout=60.0):
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.05)


@pytest.mark.slow
async def test_500_subscribers_get_exactly_the_warnings_meant_for_them(running):
    tg = running.tg
    services = running.services
    raw = services.db.db
    await tg.wait_for_call("getUpdates")
    subscribers = {}
    for n in range(500):
        chat = 10_000 + n
        place = PLACES[n % 3]
        await services.db.write(residents.ensure_resident, chat, f"k{chat}", "sv")
        await services.db.write(residents.subscribe, chat, municipality=place, lang="sv")
        subscribers[chat] = place
    blocked = 10_001  # in Kramfors
    tg.block_chat(blocked)
    for chat in (10_004, 10_007, 10_010):  # three Kramfors chats answer 500 twice before it works
        tg.fail_chat(chat, 500, times=2)
    tg.fail_next("sendMessage", 3, error_code=429, retry_after=1)
    anna, bo = await editor_and_approver(services.db)
    alert = await services.db.write(workflow.create, anna, title="Falska sms om vägtull i Kramfors",
                                  text="Klicka inte på länken.", municipalities=("Kramfors", "Sollefteå"),
                                  severity="urgent")
    refused = None
    try:
        await services.db.write(workflow.approve, anna, alert.id)
    except workflow.AlertError as exc:
        refused = str(exc)
    assert refused and "approver" in refused
    await services.db.write(workflow.approve, bo, alert.id)

    await wait_until(lambda: alert_store.get_alert(raw, alert.id).state == "sent", timeout=90)
    got = Counter(m.chat_id for m in tg.sent if "vägtull" in m.text)
    targeted = {c for c, p in subscribers.items() if p in ("Kramfors", "Sollefteå")}
    assert set(got) == targeted - {blocked}
    assert all(n == 1 for n in got.values()), [c for c, n in got.items() if n > 1]
    counts = alert_store.counts(raw, alert.id)
    assert counts == {"sent": len(targeted) - 1, "blocked": 1}
    assert residents.get_subscription(raw, blocked).active is False
    assert any(c.status == 429 for c in tg.calls) and any(c.status == 500 for c in tg.calls)
    # every delivered copy has reaction buttons; a reaction is counted once
    message = next(m for m in tg.sent if m.chat_id == 10_002 and "vägtull" in m.text)
    assert {b["callback_data"] for b in message.buttons} == {f"ar:{alert.id}:got", f"ar:{alert.id}:thx"}
    for _ in range(2):
        tg.callback(10_002, message.message_id, f"ar:{alert.id}:got")
    await wait_until(lambda: alert_store.reaction_counts(raw, alert.id).get("got_it_too") == 1, timeout=10)
    # residents see it with /varningar in Telegram (Kramfors yes, Härnösand no)
    await services.db.write(residents.set_municipality, 10_002, "Kramfors")
    before = len(tg.sent)
    tg.user_message(10_002, "/varningar")
    (listing,) = await tg.wait_for_sent(lambda m: m.chat_id == 10_002, after=before)
    assert "vägtull" in listing.text
    await services.db.write(residents.set_municipality, 10_000, "Härnösand")
    before = len(tg.sent)
    tg.user_message(10_000, "/varningar")
    (listing,) = await tg.wait_for_sent(lambda m: m.chat_id == 10_000, after=before)
    assert "vägtull" not in listing.text
    # the public page and feed show it
    page = await (await running.client.get("/varningar?kommun=Kramfors")).text()
    assert "Falska sms om vägtull i Kramfors" in page
    feed = await (await running.client.get("/varningar.atom")).text()
    assert "<entry>" in feed and "vägtull" in feed
    empty = await (await running.client.get("/varningar?kommun=H%C3%A4rn%C3%B6sand")).text()
    assert "vägtull" not in empty


async def test_withdrawal_edits_the_delivered_messages(running):
    tg = running.tg
    db = running.services.db
    raw = db.db
    await tg.wait_for_call("getUpdates")
    await subscribe(db, (1, 2), "Sollefteå")
    anna, bo = await editor_and_approver(db)
    alert = await db.write(workflow.create, anna, title="Falsk hemtjänst", text="Släpp inte in.", severity="urgent")
    await db.write(workflow.approve, bo, alert.id)
    await wait_until(lambda: alert_store.get_alert(raw, alert.id).state == "sent")
    draft = await db.write(workflow.withdraw, anna, alert.id, text="Det var ett riktigt besök från kommunen.")
    cia, _ = await db.write(staff_core.create_staff, "cia", "approver")
    await db.write(workflow.approve, cia, draft.id)  # a withdrawal needs a second person, like the warning
    await wait_until(lambda: len(tg.edits) == 2)
    edited = [(tg.message(e.chat_id, e.message_id) or {}).get("text", "") for e in tg.edits]
    assert all("ÅTERKALLAD" in text and "Det var ett riktigt besök från kommunen." in text and "Släpp inte in." not in text
               for text in edited)  # the residents read why, in the approved withdrawal's words
    page = await (await running.client.get("/varningar")).text()
    assert "Släpp inte in." not in page and "Det var ett riktigt besök från kommunen." in page


async def test_staff_write_in_telegram_and_only_another_approver_can_approve(running):
    tg = running.tg
    db = running.services.db
    raw = db.db
    await tg.wait_for_call("getUpdates")
    anna, _ = await db.write(staff_core.create_staff, "anna", "approver")
    bo, _ = await db.write(staff_core.create_staff, "bo", "approver")
    for member, uid in ((anna, 501), (bo, 502)):
        code = await db.write(staff_core.create_link_code, member)
        before = len(tg.sent)
        tg.user_message(uid, f"/koppla {code}", user_id=uid)
        (reply,) = await tg.wait_for_sent(lambda m, uid=uid: m.chat_id == uid, after=before)
        assert "Kopplat" in reply.text
    before = len(tg.sent)
    tg.user_message(501, "/ny_varning", user_id=501)
    await tg.wait_for_sent(lambda m: m.chat_id == 501, after=before)
    before = len(tg.sent)
    tg.user_message(501, "Falska poliser ringer i Härnösand", user_id=501)
    await tg.wait_for_sent(lambda m: m.chat_id == 501, after=before)
    before = len(tg.sent)
    tg.user_message(501, "Polisen hämtar aldrig kort eller smycken. Lägg på och ring 114 14.", user_id=501)
    (preview,) = await tg.wait_for_sent(lambda m: m.chat_id == 501, after=before)
    assert "Förhandsvisning" in preview.text
    tg.callback(501, preview.message_id, "av:mun:Härnösand", user_id=501)
    await tg.wait_for_call("editMessageText")
    before = len(tg.sent)
    tg.callback(501, preview.message_id, "av:submit", user_id=501)
    (to_approver,) = await tg.wait_for_sent(lambda m: m.chat_id in (501, 502), after=before)
    assert to_approver.chat_id == 502 and "Att godkänna" in to_approver.text
    await wait_until(lambda: "väntar nu på godkännande" in tg.message(501, preview.message_id)["text"], timeout=10)
    (alert,) = alert_store.list_alerts(raw)
    assert alert.state == "awaiting_approval" and alert.municipalities == ("Härnösand",)
    # the author cannot approve (even with the button), and is told so in Swedish
    tg.callback(501, to_approver.message_id, f"aa:{alert.id}", user_id=501)
    (refusal,) = await tg.wait_for_call("answerCallbackQuery", lambda c: "fyra ögon" in (c.params.get("text") or ""))
    assert "approver" not in refusal.params["text"] and "En annan godkännare" in refusal.params["text"]
    assert alert_store.get_alert(raw, alert.id).state == "awaiting_approval"
    tg.callback(502, to_approver.message_id, f"aa:{alert.id}", user_id=502)
    await wait_until(lambda: alert_store.get_alert(raw, alert.id).state in ("approved", "sending", "sent"), timeout=10)
    assert alert_store.get_alert(raw, alert.id).approved_by == bo.id


async def test_broadcast_under_telegrams_limits_reaches_everyone_once(running):
    """The fake enforces Telegram's limits; the paced path stays under them and waits out any 429.

    How close to the limit a broadcast gets, and that it provokes no 429 in the steady state, is
    measured by benchmarks/broadcast.py: here the fake shares one event loop with the bot, and on a
    busy machine a stalled loop can bunch a few arrivals into one second."""
    tg = running.tg
    db = running.services.db
    raw = db.db
    await tg.wait_for_call("getUpdates")
    tg.telegram_limits()
    await subscribe(db, range(30_000, 30_150), "Härnösand")
    anna, bo = await editor_and_approver(db)
    alert = await db.write(workflow.create, anna, title="Falska fakturor", text="Betala inte.", severity="urgent")
    await db.write(workflow.approve, bo, alert.id)
    await wait_until(lambda: alert_store.get_alert(raw, alert.id).state == "sent", timeout=90)
    got = Counter(m.chat_id for m in tg.sent if "Falska fakturor" in m.text)
    assert got == Counter(range(30_000, 30_150))
    assert alert_store.counts(raw, alert.id) == {"sent": 150}
    stamps = sorted(m.time for m in tg.sent if "Falska fakturor" in m.text)
    assert (len(stamps) - 1) / (stamps[-1] - stamps[0]) <= 30
    assert tg.flood_429s <= 3, tg.flood_429s_by
