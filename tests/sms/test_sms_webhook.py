"""Residents by SMS: a forwarded message gets the check, a question the answer, commands work, and
the number is stored only with consent."""

from __future__ import annotations

import sqlite3

from bot.core.residents.pseudonym import user_key
from bot.sms.segments import count_segments, encoding_of
from tests.sms.conftest import SECRET, ask

PHONE = "+46701234567"
PARCEL_SMS = "PostNord: Ditt paket kunde inte levereras. Betala tullavgift 29 kr här: https://postnord-tull.top/betala"


def _rows(client, sql, *args):
    with sqlite3.connect(client.services.config.storage.path) as conn:
        return conn.execute(sql, args).fetchall()


def _numbers(client) -> list[str]:
    """The footer lines from the knowledge base's contacts, which every reply must end with."""
    return list(client.services.store.kb.contacts.text("sv").footer)


async def test_forwarded_sms_gets_the_check_within_three_segments(sms_client, elks):
    reply = await ask(sms_client, elks, PHONE, PARCEL_SMS)
    assert reply.startswith("Det här ser ut som ett bedrägeri.")  # the core's verdict at high risk
    assert "Klicka inte på länken" in reply  # the first thing to do comes right after it
    assert count_segments(reply) <= 3 and encoding_of(reply) == "gsm7"
    assert reply.endswith(_numbers(sms_client)[-1])  # ends in the numbers, as the contacts give them
    assert "112" in reply and "114 14" in reply and "116 006" in reply
    assert "–" not in reply and "å" in reply  # typographic dashes replaced, Swedish letters kept


async def test_question_gets_the_answer_logged_under_a_pseudonym_redacted(sms_client, elks):
    question = "Jag fick en faktura på något jag inte beställt, ska jag betala? Ring mig på 070-123 45 67"
    reply = await ask(sms_client, elks, PHONE, question)
    assert count_segments(reply) <= 3
    assert "Betala inte" in reply
    assert reply.rstrip().endswith(_numbers(sms_client)[-1])
    await sms_client.services.assistant.flush()
    rows = _rows(sms_client, "SELECT channel, user_key, text FROM questions")
    key = user_key(sms_client.services.hash_key, "sms", PHONE)
    assert rows == [("sms", key, rows[0][2])]
    assert "070-123 45 67" not in rows[0][2] and "[telefon]" in rows[0][2]
    # a question stores no phone number anywhere
    assert _rows(sms_client, "SELECT COUNT(*) FROM sms_subscribers") == [(0,)]


async def test_urgent_situation_leads_with_112(sms_client, elks):
    reply = await ask(sms_client, elks, PHONE, "Det ringer en man från banken just nu och han vill att jag loggar in med BankID")
    first_line = reply.splitlines()[0]
    assert "112" in first_line
    assert count_segments(reply) <= 3


async def test_consent_flow_then_stopp_in_any_spelling(sms_client, elks):
    from bot.core.residents.rate_limit import SlidingWindowLimiter

    sms_client.channel.conversation.limiter = SlidingWindowLimiter(100)  # this test writes more than a person would
    reply = await ask(sms_client, elks, PHONE, "VARNING KRAMFORS")
    assert "JA" in reply and "STOPP" in reply and "nummer" in reply  # asks, says what is kept and how to stop
    assert count_segments(reply) <= 2
    assert _rows(sms_client, "SELECT state, consent_at FROM sms_subscribers") == [("pending", None)]

    reply = await ask(sms_client, elks, PHONE, "Ja")
    assert "Kramfors" in reply
    [(state, consent_at, municipality)] = _rows(sms_client, "SELECT state, consent_at, municipality FROM sms_subscribers")
    assert (state, municipality) == ("active", "Kramfors") and consent_at  # consent recorded with its date

    for n, spelling in enumerate(["STOPP", "stop", "Stopp.", "STOP", " stopp tack ", "Stpp"]):
        if n:  # subscribe again (consent again) so each spelling has something to stop
            await ask(sms_client, elks, PHONE, "varning kramfors")
            await ask(sms_client, elks, PHONE, "JA")
        reply = await ask(sms_client, elks, PHONE, spelling)
        assert "inga fler varningar" in reply, spelling
        assert _rows(sms_client, "SELECT COUNT(*) FROM sms_subscribers") == [(0,)], spelling


async def test_stopp_without_subscription_still_answers_and_stores_nothing(sms_client, elks):
    reply = await ask(sms_client, elks, PHONE, "STOPP")
    assert "inte ditt nummer sparat" in reply
    assert _rows(sms_client, "SELECT COUNT(*) FROM sms_subscribers") == [(0,)]


async def test_misspelt_municipality_and_unknown_one(sms_client, elks):
    reply = await ask(sms_client, elks, PHONE, "varningar sollefte")
    assert "Sollefteå" in reply and "JA" in reply
    reply = await ask(sms_client, elks, "+46707654321", "VARNING STOCKHOLM")
    assert "Vilken kommun?" in reply and "Kramfors" in reply
    assert _rows(sms_client, "SELECT phone FROM sms_subscribers") == [(PHONE,)]


async def test_ja_without_a_request_stores_nothing(sms_client, elks):
    reply = await ask(sms_client, elks, PHONE, "JA")
    assert "inget att bekräfta" in reply
    assert _rows(sms_client, "SELECT COUNT(*) FROM sms_subscribers") == [(0,)]


async def test_radera_erases_everything_about_the_number(sms_client, elks):
    await ask(sms_client, elks, PHONE, "VARNING HÄRNÖSAND")
    await ask(sms_client, elks, PHONE, "JA")
    await ask(sms_client, elks, PHONE, "Vad är en bluffaktura?")
    await ask(sms_client, elks, "+46709999999", "Vad är en bluffaktura?")  # someone else's question stays
    await sms_client.services.assistant.flush()
    assert _rows(sms_client, "SELECT COUNT(*) FROM questions") == [(2,)]

    reply = await ask(sms_client, elks, PHONE, "Radera")
    assert "raderat" in reply
    key = user_key(sms_client.services.hash_key, "sms", PHONE)
    assert _rows(sms_client, "SELECT COUNT(*) FROM questions WHERE user_key = ?", key) == [(0,)]
    assert _rows(sms_client, "SELECT COUNT(*) FROM questions") == [(1,)]
    assert _rows(sms_client, "SELECT COUNT(*) FROM sms_subscribers") == [(0,)]
    with sqlite3.connect(sms_client.services.config.storage.path) as conn:  # the number is nowhere in the database
        for (table,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'"):
            for row in conn.execute(f"SELECT * FROM {table}"):
                assert PHONE not in " ".join(map(str, row)), table


async def test_radera_right_after_a_question_erases_it_too(sms_client, elks):
    """RADERA sent right after a question erases that question too (it is logged after its answer)."""
    await elks.send_incoming(sms_client.webhook, PHONE, "Vad är en bluffaktura?")
    await sms_client.channel.flush()  # the answer is sent; its log row may still be on its way
    reply = await ask(sms_client, elks, PHONE, "RADERA")
    assert "raderat" in reply
    await sms_client.services.assistant.flush()
    key = user_key(sms_client.services.hash_key, "sms", PHONE)
    assert _rows(sms_client, "SELECT COUNT(*) FROM questions WHERE user_key = ?", key) == [(0,)]


async def test_wrong_secret_is_not_found_and_answers_nothing(sms_client, elks):
    url = sms_client.webhook.replace(SECRET, SECRET[:-1] + "x")
    assert await elks.send_incoming(url, PHONE, "Vad är en bluffaktura?") == 404
    await sms_client.channel.flush()
    assert elks.sent == []


async def test_a_retried_webhook_is_answered_once(sms_client, elks):
    for _ in range(2):  # 46elks retries a webhook it thinks failed, with the same id
        assert await elks.send_incoming(sms_client.webhook, PHONE, "Vad är en bluffaktura?", sms_id="s42") == 204
    await sms_client.channel.flush()
    assert len(elks.to(PHONE)) == 1


async def test_replies_are_counted_for_the_cost_estimate(sms_client, elks):
    reply = await ask(sms_client, elks, PHONE, PARCEL_SMS)
    assert _rows(sms_client, "SELECT kind, segments FROM sms_usage") == [("reply", count_segments(reply))]


async def test_a_flooding_number_is_slowed_then_ignored_but_stopp_still_works(sms_client, elks):
    from bot.sms.inbound import REPLIES_PER_WINDOW

    await ask(sms_client, elks, PHONE, "VARNING KRAMFORS")
    await ask(sms_client, elks, PHONE, "JA")
    for _ in range(REPLIES_PER_WINDOW - 2):
        assert "Betala inte" in await ask(sms_client, elks, PHONE, "Vad är en bluffaktura?")
    for _ in range(REPLIES_PER_WINDOW):  # one polite "wait" per message up to twice the limit
        assert "Vänta en stund" in await ask(sms_client, elks, PHONE, "Vad är en bluffaktura?")
    before = len(elks.to(PHONE))
    assert await elks.send_incoming(sms_client.webhook, PHONE, "Vad är en bluffaktura?") == 204
    await sms_client.channel.flush()
    assert len(elks.to(PHONE)) == before  # past twice the limit: no reply, no cost
    assert await elks.send_incoming(sms_client.webhook, PHONE, "STOPP") == 204
    await sms_client.channel.flush()
    assert _rows(sms_client, "SELECT COUNT(*) FROM sms_subscribers") == [(0,)]  # STOPP is carried out all the same


async def test_the_privacy_page_says_what_sms_stores_when_sms_is_on(sms_client):
    html = await (await sms_client.get("/integritet")).text()
    assert "<h2>Med sms</h2>" in html and "STOPP" in html and "RADERA" in html


async def test_the_privacy_page_has_no_sms_part_when_sms_is_off(tmp_path):
    from tests.web.conftest import running_app

    async with running_app(tmp_path) as client:
        html = await (await client.get("/integritet")).text()
        assert "I Telegram-boten" in html and "Med sms" not in html


async def test_english_keywords_are_answered_and_subscribed_in_english(sms_client, elks):
    reply = await ask(sms_client, elks, PHONE, "WARNING Kramfors")
    assert reply.startswith("Do you want fraud warnings for Kramfors")
    reply = await ask(sms_client, elks, PHONE, "yes")
    assert reply.startswith("Done! You will get fraud warnings for Kramfors")
    assert _rows(sms_client, "SELECT municipality, lang, state FROM sms_subscribers") == [("Kramfors", "en", "active")]
    assert (await ask(sms_client, elks, PHONE, "Stopp")).startswith("You will get no more warnings")
