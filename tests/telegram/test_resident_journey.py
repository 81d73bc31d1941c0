"""End to end: a resident talks to the real bot through the fake Telegram Bot API."""

from __future__ import annotations

import asyncio

CHAT = 4242


def buttons(message) -> dict[str, str]:
    return {b["callback_data"]: b["text"] for b in message.buttons if "callback_data" in b}


async def say(tg, text, chat=CHAT, **kw):
    before = len(tg.sent)
    tg.user_message(chat, text, **kw)
    return (await tg.wait_for_sent(lambda m: m.chat_id == chat, after=before))[0]


async def press(tg, message, data, chat=CHAT, count=1):
    before = len(tg.sent)
    tg.callback(chat, message.message_id, data)
    return await tg.wait_for_sent(lambda m: m.chat_id == chat, count=count, after=before)


async def press_edit(tg, message, data, chat=CHAT) -> dict:
    """Press a button whose next step is written into the same message; returns that message now."""
    before = len(tg.edits)
    tg.callback(chat, message.message_id, data)
    await tg.wait_for_edit(lambda e: e.chat_id == chat and e.message_id == message.message_id, after=before)
    return tg.message(chat, message.message_id)


def keyboard_data(stored: dict) -> set[str]:
    rows = (stored.get("reply_markup") or {}).get("inline_keyboard", [])
    return {b["callback_data"] for row in rows for b in row}


async def test_whole_resident_journey(running):
    tg = running.tg
    tg.telegram_limits()  # Telegram's flood limits: the whole flow must get through them, nothing dropped
    # /start: greeting, privacy notice and the municipality question in one message
    welcome = await say(tg, "/start", language_code="sv")
    assert "Om dina uppgifter" in welcome.text and "/glom" in welcome.text and "30 dagar" in welcome.text
    assert "Vilken kommun" in welcome.text
    assert {"m:Härnösand:w", "m:Kramfors:w", "m:Sollefteå:w", "m:other:w"} <= set(buttons(welcome))

    # picks Kramfors: the same message now says so and offers warnings; says yes
    sent_before = len(tg.sent)
    offer = await press_edit(tg, welcome, "m:Kramfors:w")
    assert "Om dina uppgifter" in offer["text"] and "Du har valt Kramfors." in offer["text"]
    assert "Vill du få varningar" in offer["text"] and "s:yes:wm" in keyboard_data(offer)
    confirmed = await press_edit(tg, welcome, "s:yes:wm")
    assert "Du har valt Kramfors." in confirmed["text"] and "Du får nu varningar för Kramfors" in confirmed["text"]
    assert "reply_markup" not in confirmed
    assert len(tg.sent) == sent_before  # two steps, no new message: one calm card
    (municipality, lang, delivery, consented, active) = running.rows(
        "SELECT municipality, lang, delivery, consented_at, active FROM subscriptions WHERE chat_id = ?", CHAT)[0]
    assert (municipality, lang, delivery, active) == ("Kramfors", "sv", "immediate", 1) and consented

    # a question with typos and no å/ä/ö gets the topic, with buttons
    answer = await say(tg, "ngn ringde fran banken o sa att ja maste flytta pengarna till ett sakert konto")
    assert "<b>" in answer.text and "114 14" in answer.text and "116 006" in answer.text
    data = buttons(answer)
    assert "h:bank-impersonation" in data and "f:bank-impersonation:1" in data

    # "if it already happened" says it is not your fault
    (happened,) = await press(tg, answer, "h:bank-impersonation")
    assert "inte ditt fel" in happened.text.lower()

    # feedback is recorded and acknowledged
    tg.callback(CHAT, answer.message_id, "f:bank-impersonation:1")
    await tg.wait_for_call("answerCallbackQuery", lambda c: c.params.get("text"), timeout=5)
    for _ in range(100):
        if running.rows("SELECT topic, useful FROM feedback"):
            break
        await asyncio.sleep(0.05)
    assert running.rows("SELECT topic, useful FROM feedback") == [("bank-impersonation", 1)]

    # a pasted scam SMS is checked, not matched
    check = await say(tg, "PostNord: Ditt paket väntar. Betala 29 kr i tullavgift här: https://postnord-tull.top/x")
    assert "ser ut som ett bedrägeri" in check.text

    # settings: weekly digest, then English; each choice updates the settings message itself
    settings = await say(tg, "/installningar")
    assert "set:delivery:digest" in buttons(settings)
    saved = await press_edit(tg, settings, "set:delivery:digest")
    assert saved["text"].startswith("Sparat.") and "en gång i veckan" in saved["text"]
    assert running.rows("SELECT delivery FROM subscriptions WHERE chat_id = ?", CHAT) == [("digest",)]
    english = await press_edit(tg, settings, "set:lang:en")
    assert english["text"].startswith("I will answer in English now.") and "once a week" in english["text"]
    assert running.rows("SELECT lang FROM residents WHERE chat_id = ?", CHAT) == [("en",)]

    # the question was logged redacted, with a pseudonymous key
    await say(tg, "en kvinna ringde från banken och ville ha mitt personnummer 19450312-1234")
    await running.services.assistant.flush()  # the question is logged after the answer
    texts = [r[0] for r in running.rows("SELECT text FROM questions")]
    assert texts and not any("19450312" in t for t in texts) and any("[personnummer]" in t for t in texts)
    keys = {r[0] for r in running.rows("SELECT user_key FROM questions")}
    assert str(CHAT) not in "".join(keys)

    # /glom erases everything after confirmation
    confirm = await say(tg, "/glom")
    done = await press_edit(tg, confirm, "e:yes")
    assert "erased" in done["text"].lower()
    user_key = running.services.hash_key and keys.pop()
    leftovers = []
    for (table,) in running.rows("SELECT name FROM sqlite_master WHERE type = 'table'"):
        for row in running.rows(f"SELECT * FROM [{table}]"):
            if any(str(v) in (str(CHAT), user_key) for v in row):
                leftovers.append((table, row))
    assert leftovers == []
    assert tg.flood_429s == 0


async def test_commands_are_registered_in_swedish_and_english(running):
    sv = [c["command"] for c in running.tg.my_commands("sv")]
    en = [c["command"] for c in running.tg.my_commands("en")]
    expected = ["start", "hjalp", "amnen", "kolla", "varningar", "prenumerera", "installningar", "avsluta", "anmal", "tipsa", "glom", "session", "ova"]
    assert sv == en == expected
    assert [c["command"] for c in running.tg.my_commands("")] == expected


async def test_english_speaker_gets_english(running):
    tg = running.tg
    greeting = await say(tg, "/start", chat=77, language_code="en-GB")
    assert "welcome" in greeting.text.lower() and "Which municipality" in greeting.text
    reply = await say(tg, "someone called saying they were from my bank and wanted me to log in", chat=77, language_code="en")
    assert "Report" in reply.text or "report" in reply.text


async def test_clarify_offers_candidates_and_none_of_these(running):
    reply = await say(running.tg, "bluff")
    data = buttons(reply)
    if "n" in data:  # clarify
        assert 2 <= len(data) <= 4
    else:
        assert "116 006" in reply.text  # fallback still says who to contact


async def test_not_about_fraud_is_an_honest_fallback_and_kept_for_staff(running):
    reply = await say(running.tg, "när öppnar biblioteket i Sollefteå?")
    assert "114 14" in reply.text
    await running.services.assistant.flush()  # the question is logged after the answer
    assert running.rows("SELECT status, text FROM questions") == [("fallback", "när öppnar biblioteket i Sollefteå?")]


async def test_urgent_reply_leads_with_112(running):
    reply = await say(running.tg, "en polis ringer just nu och säger att ett bud ska hämta mina kort")
    first_line = reply.text.splitlines()[0]
    assert "112" in first_line


async def test_topics_browse_by_category(running):
    tg = running.tg
    menu = await say(tg, "/amnen")
    assert "c:phone-and-door" in buttons(menu)
    topics = await press_edit(tg, menu, "c:phone-and-door")  # the menu becomes the list of topics
    assert "t:police-impersonation" in keyboard_data(topics)
    (topic,) = await press(tg, menu, "t:police-impersonation")
    assert "<b>" in topic.text


async def test_anmal_stores_a_redacted_report_and_says_it_is_not_a_police_report(running):
    tg = running.tg
    await say(tg, "/start")
    intro = await say(tg, "/anmal")
    assert "114 14" in intro.text and "inte en polisanmälan" in intro.text
    reply = await say(tg, "Jag fick sms: Hej mamma, jag har nytt nummer 070-123 45 67, kan du swisha 3000 kr?")
    assert "inte en polisanmälan" in reply.text
    ((method, text),) = running.rows("SELECT method, text FROM reported_scams")
    assert method == "family-impersonation"
    assert "070-123" not in text


async def test_blocking_the_bot_marks_subscription_inactive(running):
    tg = running.tg
    ask = await say(tg, "/prenumerera", chat=9)
    offer = await press_edit(tg, ask, "m:Härnösand", chat=9)
    assert "s:yes:m" in keyboard_data(offer)
    done = await press_edit(tg, ask, "s:yes:m", chat=9)
    assert done["text"].startswith("Du har valt Härnösand.") and "Du får nu varningar" in done["text"]
    tg.my_chat_member(9, "kicked")
    await tg.wait_for_call("getUpdates", count=2)
    for _ in range(50):
        if running.rows("SELECT active FROM subscriptions WHERE chat_id = 9") == [(0,)]:
            break
        await asyncio.sleep(0.05)
    assert running.rows("SELECT active, inactive_reason FROM subscriptions WHERE chat_id = 9") == [(0, "blocked")]


async def test_avsluta_removes_the_subscription(running):
    tg = running.tg
    ask = await say(tg, "/prenumerera", chat=11)
    await press_edit(tg, ask, "m:Sollefteå", chat=11)
    await press_edit(tg, ask, "s:yes:m", chat=11)
    reply = await say(tg, "/avsluta", chat=11)
    assert "/prenumerera" in reply.text
    assert running.rows("SELECT * FROM subscriptions WHERE chat_id = 11") == []
