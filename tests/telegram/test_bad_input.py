"""Odd input and Telegram faults never stop the bot or reach the resident as an error."""

from __future__ import annotations

import pytest

from tests.telegram.test_resident_journey import say


async def test_sticker_and_photo_get_a_pointer_to_text(running):
    tg = running.tg
    before = len(tg.sent)
    tg.sticker(5)
    (reply,) = await tg.wait_for_sent(lambda m: m.chat_id == 5, after=before)
    assert "text" in reply.text
    before = len(tg.sent)
    tg.photo(5)
    (reply,) = await tg.wait_for_sent(lambda m: m.chat_id == 5, after=before)
    assert "text" in reply.text


async def test_photo_caption_is_read_as_text(running):
    tg = running.tg
    before = len(tg.sent)
    tg.photo(6, caption="Hej mamma jag har nytt nummer kan du swisha")
    (reply,) = await tg.wait_for_sent(lambda m: m.chat_id == 6, after=before)
    assert "<b>" in reply.text


async def test_html_emoji_rtl_and_4096_characters(running):
    tg = running.tg
    for i, text in enumerate([
        "<b>bold</b> <script>alert('x')</script> & co ringde från banken",
        "🙂🙂 någon ringde 📞 från banken 🏦",
        "مرحبا، اتصل بي شخص من البنك",
        "x " * 2048,
        "å" * 4096,
    ]):
        reply = await say(tg, text, chat=100 + i)
        assert reply.text  # the fake rejects malformed HTML and texts over 4,096 characters with 400


@pytest.mark.slow
async def test_rate_limit_answers_politely(running):
    tg = running.tg
    before = len(tg.sent)
    for i in range(23):
        tg.user_message(300, f"fråga nummer {i} om bluffsms")
    # one chat gets about one message a second (Telegram's limit), so 23 replies take 20-odd seconds
    replies = await tg.wait_for_sent(lambda m: m.chat_id == 300, count=23, after=before, timeout=60)
    assert sum("många meddelanden" in r.text for r in replies) == 3


async def test_429_and_5xx_on_a_reply_do_not_stop_the_bot(running):
    tg = running.tg
    tg.fail_next("sendMessage", 1, error_code=429, retry_after=1)
    tg.user_message(400, "någon ringde från banken")
    await tg.wait_for_call("sendMessage", lambda c: c.status == 429)
    tg.fail_next("sendMessage", 1, error_code=502)
    tg.user_message(401, "någon ringde från banken")
    await tg.wait_for_call("sendMessage", lambda c: c.status == 502)
    reply = await say(tg, "någon ringde från banken", chat=402)
    assert "114 14" in reply.text


async def test_blocked_chat_403_is_logged_without_personal_data(running, caplog):
    tg = running.tg
    tg.block_chat(500)
    update = tg.user_message(500, "mitt personnummer är 19450312-1234, ringde banken?")
    await running.handled(update)  # the refused reply and whatever was logged about it are done
    assert [c.status for c in tg.calls if c.method == "sendMessage"][-1] == 403
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "Forbidden" in logged
    assert "19450312" not in logged and "500" not in logged.replace("5000", "")
    reply = await say(tg, "hej, ringde banken?", chat=501)
    assert reply.text


async def test_group_answers_commands_and_mentions_only(running):
    tg = running.tg
    group = -1001
    ignored = tg.user_message(group, "någon ringde från banken", chat_type="supergroup", group_title="PRO Kramfors")
    await running.handled(ignored)  # handled, and nothing sent: a reply would have been sent by now
    assert tg.messages_to(group) == []
    reply = await say(tg, "@bedragerikollen_test_bot någon ringde från banken och ville att jag skulle logga in med bankid",
                      chat=group, chat_type="supergroup", group_title="PRO Kramfors",
                      entities=[{"type": "mention", "offset": 0, "length": 25}])
    assert "116 006" in reply.text  # answered (or asked back) with what to do
    help_reply = await say(tg, "/hjalp", chat=group, chat_type="supergroup", group_title="PRO Kramfors")
    assert "/kolla" in help_reply.text
