"""The fake Bot API server, exercised through the real python-telegram-bot stack over HTTP."""

from __future__ import annotations

import asyncio
import datetime as dtm
import json
import time
from collections.abc import AsyncIterator

import aiohttp
import pytest
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeAllPrivateChats,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Update,
)
from telegram.error import BadRequest, Conflict, Forbidden, InvalidToken, NetworkError, RetryAfter
from telegram.ext import (
    ApplicationBuilder,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from tests.fakes.telegram_api import TEST_TOKEN, FakeTelegram, parse_telegram_html

CHAT = 4711


@pytest.fixture(autouse=True)
def _ptb_timedelta(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without PTB_TIMEDELTA, merely constructing RetryAfter (i.e. receiving any 429) emits a
    PTBDeprecationWarning (RetryAfter.__init__ reads its own retry_after property); with it,
    retry_after is a timedelta and nothing warns."""
    monkeypatch.setenv("PTB_TIMEDELTA", "true")


@pytest.fixture
async def tg() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram(token=TEST_TOKEN) as server:
        yield server


@pytest.fixture
async def bot(tg: FakeTelegram) -> AsyncIterator[Bot]:
    async with Bot(TEST_TOKEN, base_url=tg.base_url) as b:
        yield b


def keyboard(*data: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(d.upper(), callback_data=d) for d in data]])


async def test_get_me_and_initialize(tg: FakeTelegram, bot: Bot) -> None:
    me = await bot.get_me()
    assert me.is_bot and me.id == 123456789 and me.username == "bedragerikollen_test_bot"
    assert me.can_join_groups is True and me.supports_inline_queries is False
    assert [c.method for c in tg.calls] == ["getMe", "getMe"]  # initialize() + explicit call


async def test_wrong_token_is_unauthorized(tg: FakeTelegram) -> None:
    with pytest.raises(InvalidToken):
        async with Bot("987654321:WrongTokenWrongTokenWrong", base_url=tg.base_url):
            pass
    assert tg.calls[-1].status == 401


async def test_send_message_html_and_markup(tg: FakeTelegram, bot: Bot) -> None:
    html = '<b>Varning</b> &amp; råd: <a href="https://polisen.se">polisen</a>'
    first = await bot.send_message(CHAT, html, parse_mode="HTML",
                                   reply_markup=keyboard("yes", "no"))
    second = await bot.send_message(CHAT, "igen")
    assert (first.message_id, second.message_id) == (1, 2)
    assert first.text == "Varning & råd: polisen" and first.from_user.is_bot
    assert first.reply_markup.inline_keyboard[0][1].callback_data == "no"
    sent = tg.messages_to(CHAT)
    assert sent[0].text.startswith("<b>Varning</b>") and sent[0].parse_mode == "HTML"
    assert sent[0].plain_text == "Varning & råd: polisen"
    assert [b["callback_data"] for b in sent[0].buttons] == ["yes", "no"]
    assert tg.calls[-1].params == {"chat_id": CHAT, "text": "igen"}  # coerced from form strings


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("<b>öppen", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b><i>fel</b></i>", 'Unmatched end tag at byte offset 9, expected "</i>", found "</b>"'),
        ("<div>x</div>", 'Unsupported start tag "div" at byte offset 0'),
        ("1 < 2", 'Unsupported start tag "" at byte offset 2'),
        ("Fisk & chips", 'character "&"'),
        ("a&nbsp;b", 'entity "&nbsp;"'),
        ('<span class="x">s</span>', 'Tag "span" must have class "tg-spoiler"'),
    ],
)
async def test_broken_html_is_bad_request(
    tg: FakeTelegram, bot: Bot, text: str, fragment: str
) -> None:
    # PTB strips "Bad Request: " and .capitalize()s the rest, lower-casing everything after the
    # first letter -- so compare against the raw description the fake sent.
    with pytest.raises(BadRequest, match="^Can't parse entities: "):
        await bot.send_message(CHAT, text, parse_mode="HTML")
    assert tg.calls[-1].description.startswith("Bad Request: can't parse entities: ")
    assert fragment in tg.calls[-1].description


def test_html_parser_accepts_telegram_subset() -> None:
    html = ('<b>b</b><strong>s</strong><i>i</i><em>e</em><u>u</u><ins>n</ins><s>s</s>'
            '<strike>k</strike><del>d</del><code>c</code><pre><code class="language-py">p</code>'
            '</pre><tg-spoiler>x</tg-spoiler><span class="tg-spoiler">y</span>'
            '<blockquote expandable>q</blockquote> &lt;&gt;&quot;&#39;&#x27;')
    assert parse_telegram_html(html) == "bsieunskdcpxyq <>\"''"
    assert parse_telegram_html("Fisk & chips", strict_entities=False) == "Fisk & chips"


async def test_length_and_empty_text(bot: Bot) -> None:
    await bot.send_message(CHAT, "<b>" + "x" * 4096 + "</b>", parse_mode="HTML")  # tags don't count
    with pytest.raises(BadRequest, match="Message is too long"):
        await bot.send_message(CHAT, "x" * 4097)
    with pytest.raises(BadRequest, match="Message text is empty"):
        await bot.send_message(CHAT, "<b> </b>", parse_mode="HTML")


async def test_fail_next_429_is_retry_after(tg: FakeTelegram, bot: Bot) -> None:
    tg.fail_next("sendMessage", 2, retry_after=5)
    for _ in range(2):
        with pytest.raises(RetryAfter) as info:
            await bot.send_message(CHAT, "hej")
        assert info.value.retry_after == dtm.timedelta(seconds=5)
    assert (await bot.send_message(CHAT, "hej")).message_id == 1
    assert [c.status for c in tg.calls if c.method == "sendMessage"] == [429, 429, 200]


async def test_raw_429_body_shape(tg: FakeTelegram) -> None:
    tg.fail_next("sendMessage", retry_after=5)
    async with aiohttp.ClientSession() as session:
        async with session.post(f"{tg.base_url}{TEST_TOKEN}/sendMessage",
                                data={"chat_id": "1", "text": "x"}) as resp:
            assert resp.status == 429
            assert await resp.json() == {"ok": False, "error_code": 429,
                                         "description": "Too Many Requests: retry after 5",
                                         "parameters": {"retry_after": 5}}
        async with session.post(f"{tg.base_url}{TEST_TOKEN}/sendMessage",
                                json={"chat_id": 1, "text": "json body",
                                      "reply_markup": json.dumps({"inline_keyboard": []})}) as resp:
            assert (await resp.json())["result"]["text"] == "json body"
        async with session.get(f"{tg.base_url}{TEST_TOKEN}/noSuchMethod") as resp:
            assert resp.status == 404
            assert (await resp.json())["description"] == "Not Found: method not found"
    assert tg.sent[-1].reply_markup == {"inline_keyboard": []}


async def test_blocked_chat_is_forbidden(tg: FakeTelegram, bot: Bot) -> None:
    tg.block_chat(CHAT)
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_message(CHAT, "hej")
    await bot.send_message(CHAT + 1, "andra chatten går bra")
    tg.my_chat_member(CHAT + 2)  # resident blocks the bot -> also blocks sends
    with pytest.raises(Forbidden):
        await bot.send_message(CHAT + 2, "hej")
    assert [m.chat_id for m in tg.sent] == [CHAT + 1]


@pytest.mark.parametrize(("code", "phrase"), [(500, "Internal Server Error"), (502, "Bad Gateway")])
async def test_5xx_is_network_error_then_recovers(
    tg: FakeTelegram, bot: Bot, code: int, phrase: str
) -> None:
    tg.fail_chat(CHAT, code, times=2)
    for _ in range(2):
        with pytest.raises(NetworkError, match=phrase):
            await bot.send_message(CHAT, "hej")
    assert (await bot.send_message(CHAT, "hej")).text == "hej"


async def test_flood_limit(tg: FakeTelegram, bot: Bot) -> None:
    tg.flood_limit(per_second=3)
    await bot.send_message(1, "a")
    with pytest.raises(RetryAfter):  # second message to the same private chat within 1 s
        await bot.send_message(1, "b")
    await bot.send_message(2, "c")
    await bot.send_message(-100123, "group")
    with pytest.raises(RetryAfter):  # 4th send overall within the rolling second
        await bot.send_message(3, "d")
    assert tg.flood_429s == 2 and len(tg.sent) == 3


async def test_telegram_limits_per_chat_allow_a_short_burst(tg: FakeTelegram, bot: Bot) -> None:
    tg.telegram_limits()
    for text in ("a", "b", "c"):  # a burst of three to one chat passes
        await bot.send_message(CHAT, text)
    with pytest.raises(RetryAfter) as info:
        await bot.send_message(CHAT, "d")
    assert info.value.retry_after == dtm.timedelta(seconds=1)
    await bot.send_message(CHAT + 1, "another chat is not held up")
    await asyncio.sleep(info.value.retry_after.total_seconds())  # wait as told, then it passes
    await bot.send_message(CHAT, "d")
    assert [m.text for m in tg.messages_to(CHAT)] == ["a", "b", "c", "d"]
    assert tg.flood_429s_by == {"chat": 1}


async def test_telegram_limits_overall_per_second(tg: FakeTelegram, bot: Bot) -> None:
    tg.telegram_limits()
    for chat in range(1, 31):
        await bot.send_message(chat, "hej")
    with pytest.raises(RetryAfter) as info:
        await bot.send_message(31, "hej")
    assert info.value.retry_after == dtm.timedelta(seconds=1)
    assert tg.flood_429s_by == {"global": 1} and len(tg.sent) == 30


async def test_group_limit_per_minute(tg: FakeTelegram, bot: Bot) -> None:
    tg.flood_limit(1000, per_chat_per_second=1000, per_chat_burst=1000, per_group_per_minute=20)
    group = -100777
    for n in range(20):
        await bot.send_message(group, f"steg {n}")
    with pytest.raises(RetryAfter) as info:
        await bot.send_message(group, "en för mycket")
    assert 59 <= info.value.retry_after.total_seconds() <= 60
    for n in range(25):  # private chats have no per-minute limit
        await bot.send_message(CHAT, f"privat {n}")
    assert tg.flood_429s_by == {"group": 1}


async def test_edits_count_against_the_limits_but_callback_answers_do_not(tg: FakeTelegram, bot: Bot) -> None:
    tg.telegram_limits()
    first = await bot.send_message(CHAT, "fråga", reply_markup=keyboard("a", "b"))
    await bot.edit_message_text("fråga 2", chat_id=CHAT, message_id=first.message_id)
    await bot.edit_message_reply_markup(chat_id=CHAT, message_id=first.message_id, reply_markup=keyboard("c"))
    with pytest.raises(RetryAfter):
        await bot.edit_message_text("fråga 3", chat_id=CHAT, message_id=first.message_id)
    for _ in range(5):
        tg.callback(CHAT, first.message_id, "a")
        assert await bot.answer_callback_query(f"cbq-{tg.pending[-1]['update_id']}", text="ok")
    assert tg.flood_429s == 1


async def test_outage_answers_every_call_until_it_ends(tg: FakeTelegram, bot: Bot) -> None:
    tg.outage(502)
    with pytest.raises(NetworkError, match="Bad Gateway"):
        await bot.send_message(CHAT, "hej")
    with pytest.raises(NetworkError, match="Bad Gateway"):
        await bot.get_me()
    tg.end_outage()
    assert (await bot.send_message(CHAT, "hej")).text == "hej"
    tg.outage(503, methods={"sendMessage"}, seconds=60)
    assert (await bot.get_me()).is_bot  # other methods keep working
    with pytest.raises(NetworkError, match="Service Unavailable"):
        await bot.send_message(CHAT, "igen")
    tg.outage(500, seconds=0)  # an outage that is already over
    assert (await bot.send_message(CHAT, "igen")).text == "igen"
    assert [c.status for c in tg.calls if c.method == "sendMessage"] == [502, 200, 503, 200]


async def test_long_poll_wakes_on_user_message(tg: FakeTelegram, bot: Bot) -> None:
    assert await bot.get_updates(timeout=0) == ()
    started = time.monotonic()
    poll = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.05)
    update_id = tg.user_message(CHAT, "/start", language_code="sv")
    updates = await poll
    assert time.monotonic() - started < 1
    (update,) = updates
    assert update.update_id == update_id and update.message.text == "/start"
    assert update.message.entities[0].type == "bot_command"
    assert update.effective_user.language_code == "sv" and update.effective_chat.type == "private"
    # unconfirmed updates are delivered again; offset confirms them
    assert len(await bot.get_updates(timeout=0)) == 1
    assert await bot.get_updates(offset=update_id + 1, timeout=0) == ()
    assert tg.pending == []


async def test_get_updates_limit_timeout_and_allowed(tg: FakeTelegram, bot: Bot) -> None:
    started = time.monotonic()
    assert await bot.get_updates(timeout=1) == ()
    assert 0.9 < time.monotonic() - started < 2
    tg.sticker(CHAT)
    tg.photo(CHAT, caption="Är detta bedrägeri?")
    tg.user_message(-100777, "hej gruppen", chat_type="supergroup", group_title="PRO Härnösand")
    updates = await bot.get_updates(limit=2, timeout=0)
    assert updates[0].message.sticker.emoji == "👍"
    assert updates[1].message.caption.startswith("Är")
    updates = await bot.get_updates(
        offset=updates[-1].update_id + 1, allowed_updates=["callback_query"]
    )
    assert updates == () and tg.pending == []  # the message update was filtered out


async def test_callback_query_and_edits(tg: FakeTelegram, bot: Bot) -> None:
    sent = await bot.send_message(CHAT, "Fråga?", reply_markup=keyboard("yes", "no"))
    tg.callback(CHAT, sent.message_id, "yes")
    (update,) = await bot.get_updates(timeout=1)
    query = update.callback_query
    assert query.data == "yes" and query.message.message_id == sent.message_id
    assert query.message.reply_markup.inline_keyboard[0][0].text == "YES"
    assert await query.answer("Tack!") is True
    with pytest.raises(BadRequest, match="(?i)query is too old"):
        await query.answer()
    edited = await query.edit_message_text("Tack för svaret", reply_markup=keyboard("again"))
    assert edited.text == "Tack för svaret" and edited.edit_date is not None
    with pytest.raises(BadRequest, match="Message is not modified"):
        await bot.edit_message_text("Tack för svaret", chat_id=CHAT, message_id=sent.message_id,
                                    reply_markup=keyboard("again"))
    await bot.edit_message_reply_markup(CHAT, sent.message_id, reply_markup=None)
    assert [e.method for e in tg.edits] == ["editMessageText", "editMessageReplyMarkup"]
    assert tg.message(CHAT, sent.message_id).get("reply_markup") is None
    assert await bot.delete_message(CHAT, sent.message_id) is True
    with pytest.raises(BadRequest, match="Message to delete not found"):
        await bot.delete_message(CHAT, sent.message_id)


async def test_commands_per_language_and_scope(tg: FakeTelegram, bot: Bot) -> None:
    await bot.set_my_commands([BotCommand("start", "Börja"), BotCommand("hjalp", "Hjälp")],
                              language_code="sv")
    await bot.set_my_commands([BotCommand("start", "Start")])
    await bot.set_my_commands(
        [BotCommand("start", "Privat")], scope=BotCommandScopeAllPrivateChats()
    )
    assert [c["description"] for c in tg.my_commands("sv")] == ["Börja", "Hjälp"]
    assert tg.my_commands()[0]["description"] == "Start"
    assert tg.my_commands(scope={"type": "all_private_chats"})[0]["description"] == "Privat"
    assert [c.command for c in await bot.get_my_commands(language_code="sv")] == ["start", "hjalp"]
    with pytest.raises(BadRequest, match="(?i)bot_command_invalid"):
        await bot.set_my_commands([BotCommand("Hjälp", "versaler och å är inte tillåtna")])


async def test_misc_methods(tg: FakeTelegram, bot: Bot) -> None:
    assert await bot.set_webhook("https://example.org/hook") is True
    assert (await bot.get_webhook_info()).url == "https://example.org/hook"
    with pytest.raises(Exception, match="webhook is active"):
        await bot.get_updates()
    assert await bot.delete_webhook(drop_pending_updates=True) is True
    poll = await bot.send_poll(CHAT, "Har du fått ett misstänkt sms?", ["Ja", "Nej", "Vet inte"])
    assert [o.text for o in poll.poll.options] == ["Ja", "Nej", "Vet inte"]
    assert tg.sent[-1].kind == "poll"
    assert await bot.send_chat_action(CHAT, "typing") is True
    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.get_chat(999)
    tg.user_message(CHAT, "hej", first_name="Berit")
    assert (await bot.get_chat(CHAT)).first_name == "Berit"
    assert await bot.leave_chat(-100123) is True
    with pytest.raises(BadRequest, match="Button_data_invalid"):
        await bot.send_message(CHAT, "x", reply_markup=keyboard("x" * 65))


async def test_latency_and_wait_for_sent_timeout(tg: FakeTelegram, bot: Bot) -> None:
    tg.latency = 0.2
    started = time.monotonic()
    await bot.send_message(CHAT, "långsamt")
    assert time.monotonic() - started >= 0.2
    with pytest.raises(TimeoutError, match="expected 2 matching sent"):
        await tg.wait_for_sent(count=2, timeout=0.1)


async def test_application_echoes_over_long_polling(tg: FakeTelegram) -> None:
    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        text = update.effective_message.text
        await update.effective_message.reply_text(f"Du skrev: <i>{text}</i>", parse_mode="HTML")

    async def pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.callback_query.answer()
        await update.callback_query.edit_message_text(f"Valt: {update.callback_query.data}")

    app = ApplicationBuilder().token(TEST_TOKEN).base_url(tg.base_url).build()
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    app.add_handler(CallbackQueryHandler(pressed))
    await app.initialize()
    await app.start()
    await app.updater.start_polling(poll_interval=0, timeout=1)
    try:
        tg.user_message(CHAT, "Är det här ett bedrägeri?")
        (reply,) = await tg.wait_for_sent(lambda m: m.chat_id == CHAT, timeout=5)
        assert reply.plain_text == "Du skrev: Är det här ett bedrägeri?"
        tg.callback(CHAT, reply.message_id, "ok")
        await tg.wait_for_call("editMessageText", timeout=5)
        assert tg.message(CHAT, reply.message_id)["text"] == "Valt: ok"
        assert tg.answered_callbacks
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()
    assert tg.pending == [] and tg.conflicts == 0
    assert all(c.status == 200 for c in tg.calls), [(c.method, c.status) for c in tg.calls]


async def test_concurrent_long_polls_conflict(tg: FakeTelegram, bot: Bot) -> None:
    first = asyncio.create_task(bot.get_updates(timeout=5))
    await tg.wait_for_call("getUpdates")
    async with Bot(TEST_TOKEN, base_url=tg.base_url) as second:  # a second bot instance
        assert await second.get_updates(timeout=0) == ()
    with pytest.raises(Conflict, match="terminated by other getUpdates request"):
        await first
    assert tg.conflicts == 1
    # a poll the client abandoned (PTB cancels it on shutdown) is not a conflict
    abandoned = asyncio.create_task(bot.get_updates(timeout=5))
    await tg.wait_for_call("getUpdates", count=3)
    abandoned.cancel()
    await asyncio.sleep(0.05)
    assert await bot.get_updates(timeout=0) == ()
    assert tg.conflicts == 1
