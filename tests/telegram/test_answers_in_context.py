"""Issue 9 in Telegram: urgent replies lead with the action, runners-up are offered, follow-ups are
answered in the conversation's context and forgotten after /glom."""

from __future__ import annotations

from tests.telegram.test_resident_journey import buttons, press, press_edit, say

CHAT = 5151


async def test_an_urgent_reply_leads_with_the_action_that_fits(running):
    reply = await say(running.tg, "HAN FRÅN BANKEN LÅTER MIG INTE LÄGGA PÅ VAD GÖR JAG", chat=CHAT)
    assert reply.plain_text.startswith("⚠️ Lägg på nu")
    reply = await say(running.tg, "det står en polis utanför dörren och vill ha mitt bankkort", chat=CHAT + 1)
    assert reply.plain_text.startswith("⚠️ Öppna inte dörren")


async def test_a_direct_answer_offers_the_runners_up_quietly(running):
    reply = await say(running.tg, "Någon ringde och sa att de var från banken och ville att jag skulle logga in med BankID", chat=CHAT)
    assert "Inte rätt? Välj ett annat ämne" in reply.plain_text
    alternatives = [text for text in buttons(reply).values() if text.startswith("↪ ")]
    assert 1 <= len(alternatives) <= 2


async def test_follow_ups_are_answered_in_context_and_forgotten_after_glom(running):
    tg = running.tg
    police = running.services.store.kb.topics["police-impersonation"].text("sv").title
    first = await say(tg, "en polis ringde och sa att de skickar ett bud för att hämta mitt bankkort", chat=CHAT)
    assert police in first.plain_text
    already = await say(tg, "jag har redan gett dem koden", chat=CHAT)
    assert police in already.plain_text and "Om det redan har hänt" in already.plain_text and "inte ditt fel" in already.plain_text
    right = await say(tg, "jag lade på, gjorde jag rätt?", chat=CHAT)
    assert right.plain_text.startswith("Ja, du gjorde rätt")
    confirm = await say(tg, "/glom", chat=CHAT)
    await press_edit(tg, confirm, "e:yes", chat=CHAT)
    after = await say(tg, "vad gör jag nu?", chat=CHAT)
    assert police not in after.plain_text


async def test_a_chosen_topic_becomes_the_context(running):
    tg = running.tg
    reply = await say(tg, "jag fick ett konstigt sms om ett paket", chat=CHAT + 2)
    sms = running.services.store.kb.topics["sms-phishing"].text("sv").title
    target = next((data for data, text in buttons(reply).items() if text.endswith(sms) or text == sms), None)
    if target is None:  # the answer was sms-phishing itself: pick a related topic instead
        target = next(data for data in buttons(reply) if data.startswith("t:"))
    (shown,) = await press(tg, reply, target, chat=CHAT + 2)
    title = shown.plain_text.split("\n")[0]
    follow = await say(tg, "vad gör jag nu?", chat=CHAT + 2)
    assert title in follow.plain_text
