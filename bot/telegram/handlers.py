"""Telegram handlers: each converts an update into a core call and the core's reply into messages.

Handlers never build SQL or match text themselves; they go through `BotData.services` and
`BotData.residents`, and send only through `bot.telegram.outgoing`.
"""

from __future__ import annotations

import asyncio
import logging
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from html import escape

from telegram import InlineKeyboardMarkup, Message, MessageEntity, Update
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import TelegramError
from telegram.ext import filters

from bot.core.alerts.public import current_warnings
from bot.core.alerts.text import alert_text
from bot.core.checking.links import find_links
from bot.core.matching.matcher import ANSWER, CLARIFY
from bot.core.residents.rate_limit import LIMITED, QUIET
from bot.core.residents.tips import MAX_TIP, TipError, submit_tip
from bot.telegram import keyboards as kbd
from bot.telegram import outgoing
from bot.telegram.buttons import place, resident_lang, settings_view, welcome_html
from bot.telegram.context import (
    AWAIT_CHECK,
    AWAIT_QUESTION,
    AWAIT_REPORT,
    AWAIT_TIP,
    Answered,
    Context,
    asker_of,
)
from bot.telegram.render import bold, plain_messages, split_lines, view_to_messages
from bot.telegram.texts import t

log = logging.getLogger(__name__)
LONG_PASTE = 280  # characters; longer texts are treated as a pasted message to check
EDIT_WAIT_SECONDS = 30.0  # an edit that arrives while its question is still being answered waits this long


@dataclass(frozen=True)
class Reply:
    """Messages to send (escaped HTML, each under Telegram's limit); the keyboard goes with the last."""

    texts: list[str]
    markup: InlineKeyboardMarkup | None = None


class MentionsThisBot(filters.MessageFilter):
    """A group message that names this bot (@username, or a mention of its account), not any @mention."""

    def filter(self, message: Message) -> bool:
        bot = message.get_bot()
        me = f"@{bot.username}".lower() if bot.username else None
        for entity, text in message.parse_entities([MessageEntity.MENTION, MessageEntity.TEXT_MENTION]).items():
            if entity.type == MessageEntity.MENTION and me and text.lower() == me:
                return True
            if entity.type == MessageEntity.TEXT_MENTION and entity.user and entity.user.id == bot.id:
                return True
        return False


def lang_of(update: Update, stored: str | None = None) -> str:
    """The resident's language: their choice, else Telegram's language code, else Swedish."""
    if stored:
        return stored
    code = (update.effective_user.language_code or "") if update.effective_user else ""
    return "en" if code.lower().startswith("en") else "sv"


async def reply(update: Update, context: Context, texts: list[str] | str, markup: InlineKeyboardMarkup | None = None) -> list[Message]:
    """Send a reply into the chat the update came from."""
    return await outgoing.send(context.bot, update.effective_chat.id, texts, markup)


# --- commands -----------------------------------------------------------------------------------

async def start(update: Update, context: Context) -> None:
    """Greets the resident, explains privacy and asks for their municipality, in one message."""
    lang = lang_of(update)
    chat_id = update.effective_chat.id
    context.chat_data.awaiting = AWAIT_QUESTION
    welcome = welcome_html(lang, context.bot_data.services.config.privacy.retention_days)
    if update.effective_chat.type == ChatType.PRIVATE:
        question = escape(t(lang, "ask_municipality"))
        await reply(update, context, [f"{welcome}\n\n{question}"], kbd.municipality_keyboard(lang, kbd.WELCOME))
    else:
        await reply(update, context, [f"{welcome}\n\n{escape(t(lang, 'group_hint'))}"])
    await context.bot_data.residents.ensure(chat_id, lang)  # after the reply: it must not wait on the database


async def help_command(update: Update, context: Context) -> None:
    """Lists what the bot can do."""
    lang = await resident_lang(update, context)
    await reply(update, context, plain_messages(t(lang, "help")))


async def unknown_command(update: Update, context: Context) -> None:
    """A command the bot does not have, in a private chat: the help text."""
    await help_command(update, context)


async def topics_command(update: Update, context: Context) -> None:
    """Shows topic categories to browse."""
    lang = await resident_lang(update, context)
    await reply(update, context, plain_messages(t(lang, "choose_category")), kbd.category_keyboard(lang))


async def check_command(update: Update, context: Context) -> None:
    """Checks the text after /kolla, or asks for the message to check."""
    lang = await resident_lang(update, context)
    text = " ".join(context.args or []).strip()
    if text:
        await _answer(update, context, AWAIT_CHECK, text, lang)
        return
    context.chat_data.awaiting = AWAIT_CHECK
    await reply(update, context, plain_messages(t(lang, "check_prompt")))


async def warnings_command(update: Update, context: Context) -> None:
    """Lists the current public warnings for the resident's municipality."""
    lang = await resident_lang(update, context)
    resident = await context.bot_data.residents.get(update.effective_chat.id)
    db = context.bot_data.services.db
    warnings = await db.read(current_warnings, resident.municipality if resident else None, datetime.now(timezone.utc))
    if not warnings:
        await reply(update, context, plain_messages(t(lang, "no_warnings")))
        return
    lines = [bold(t(lang, "warnings_title")), ""]
    for alert in warnings[:5]:
        lines += [bold(alert_text(alert, lang).heading), escape(alert.text(lang)), ""]
    await reply(update, context, split_lines(lines))


async def subscribe_command(update: Update, context: Context) -> None:
    """Asks for consent to warnings (and the municipality first if unknown)."""
    lang = await resident_lang(update, context)
    resident = await context.bot_data.residents.ensure(update.effective_chat.id, lang)
    if not resident.municipality:
        await reply(update, context, plain_messages(t(lang, "ask_municipality")), kbd.municipality_keyboard(lang))
        return
    offer = t(lang, "offer_subscribe", municipality=place(resident.municipality, lang))
    await reply(update, context, plain_messages(offer), kbd.consent_keyboard(lang))


async def settings_command(update: Update, context: Context) -> None:
    """Shows the resident's settings with buttons to change them."""
    lang = await resident_lang(update, context)
    text, markup = await settings_view(update, context, lang)
    await reply(update, context, [text], markup)


async def unsubscribe_command(update: Update, context: Context) -> None:
    """Stops warnings for this chat."""
    lang = await resident_lang(update, context)
    removed = await context.bot_data.residents.unsubscribe(update.effective_chat.id)
    await reply(update, context, plain_messages(t(lang, "unsubscribed" if removed else "not_subscribed_yet")))


async def erase_command(update: Update, context: Context) -> None:
    """Asks for confirmation before erasing everything about the resident."""
    lang = await resident_lang(update, context)
    await reply(update, context, plain_messages(t(lang, "erase_confirm")), kbd.erase_keyboard(lang))


async def report_command(update: Update, context: Context) -> None:
    """Explains how to report and invites the resident to pass on what they received."""
    lang = await resident_lang(update, context)
    kb = context.bot_data.services.store.kb
    report = kb.topics.get("report-fraud")
    lines = [bold(t(lang, "report_intro"))]
    if report:
        lines += [f"• {escape(step)}" for step in report.text(lang).what_to_do]
    lines += ["", *[escape(line) for line in kb.contacts.text(lang).footer], "", escape(t(lang, "report_prompt"))]
    context.chat_data.awaiting = AWAIT_REPORT
    await reply(update, context, split_lines(lines))


async def tip_command(update: Update, context: Context) -> None:
    """Takes an anonymous tip about welfare crime: the text after /tipsa, or the next message."""
    lang = await resident_lang(update, context)
    text = " ".join(context.args or []).strip()
    if text:
        await _store_tip(update, context, text, lang)
        return
    context.chat_data.awaiting = AWAIT_TIP
    await reply(update, context, plain_messages(t(lang, "tip_prompt")))


async def _store_tip(update: Update, context: Context, text: str, lang: str) -> None:
    services = context.bot_data.services
    resident = await context.bot_data.residents.get(update.effective_chat.id)
    try:
        await submit_tip(services.db, text, resident.municipality if resident else None, services.quiet.zone)
    except TipError as refused:
        await reply(update, context, plain_messages(t(lang, f"tip_{refused}", max=str(MAX_TIP))))
        return
    await reply(update, context, plain_messages(t(lang, "tip_thanks")))


# --- free text ----------------------------------------------------------------------------------

async def text_message(update: Update, context: Context) -> None:
    """Answers a question, checks a pasted message or stores a report, depending on what was asked for."""
    text = _text_of(update, context)
    if not await _within_limit(update, context):
        return
    lang = await resident_lang(update, context)
    if not text:
        await reply(update, context, plain_messages(t(lang, "empty")))
        return
    awaiting = context.chat_data.awaiting
    context.chat_data.awaiting = AWAIT_QUESTION
    if awaiting == AWAIT_REPORT:
        await _store_report(update, context, text, lang)
    elif awaiting == AWAIT_TIP:
        await _store_tip(update, context, text, lang)
    elif awaiting == AWAIT_CHECK or _looks_pasted(text):
        await _answer(update, context, AWAIT_CHECK, text, lang)
    else:
        await _answer(update, context, AWAIT_QUESTION, text, lang)


async def edited_message(update: Update, context: Context) -> None:
    """An edited question edits the earlier answer instead of answering twice."""
    message = update.edited_message
    earlier = context.chat_data.answered.get(message.message_id)
    if earlier is None:
        return  # not a question we answered (a command, a report, or too long ago): nothing to redo
    try:
        await asyncio.wait_for(earlier.done.wait(), EDIT_WAIT_SECONDS)
    except TimeoutError:
        return
    text = _text_of(update, context)
    if not text or not earlier.reply_ids:
        return
    lang = await resident_lang(update, context)
    answer = await (_reply_check if earlier.kind == AWAIT_CHECK else _reply_question)(update, context, text, lang)
    chat_id = update.effective_chat.id
    kept: list[int] = []
    for i, part in enumerate(answer.texts):
        markup = answer.markup if i == len(answer.texts) - 1 else None
        if i < len(earlier.reply_ids):
            await outgoing.replace(context.bot, chat_id, earlier.reply_ids[i], part, markup)
            kept.append(earlier.reply_ids[i])
        else:
            kept += [m.message_id for m in await outgoing.send(context.bot, chat_id, [part], markup)]
    for extra in earlier.reply_ids[len(answer.texts):]:
        await outgoing.delete(context.bot, chat_id, extra)
    earlier.reply_ids = kept


async def non_text_message(update: Update, context: Context) -> None:
    """Stickers, photos without captions, voice and the like get a friendly pointer to text."""
    if not await _within_limit(update, context):
        return
    if update.effective_message.caption:
        await text_message(update, context)
        return
    lang = await resident_lang(update, context)
    await reply(update, context, plain_messages(t(lang, "not_text")))


async def _answer(update: Update, context: Context, kind: str, text: str, lang: str) -> None:
    """Reply to a question or a message to check, remembering the reply so an edit can redo it."""
    answered = Answered(kind)
    question_id = update.effective_message.message_id
    context.chat_data.remember(question_id, answered)
    try:
        answer = await (_reply_check if kind == AWAIT_CHECK else _reply_question)(update, context, text, lang)
        sent = await reply(update, context, answer.texts, answer.markup)
        answered.reply_ids = [m.message_id for m in sent]
    finally:
        answered.done.set()


async def _reply_question(update: Update, context: Context, text: str, lang: str) -> Reply:
    """The answer to a resident's question, in the context of the conversation, with its buttons."""
    residents = context.bot_data.residents
    chat_id = update.effective_chat.id
    resident = await residents.get(chat_id)
    asker = asker_of(context, chat_id, resident.municipality if resident else None)
    _, view = await context.bot_data.services.assistant.ask(text, asker, lang)
    kb = context.bot_data.services.store.kb
    if view.status == ANSWER and view.topic:  # a direct answer, or a follow-up answered in context
        markup = kbd.answer_keyboard(kb, view.topic, view.lang, view.choices, view.alternatives)
    elif view.status == CLARIFY:
        markup = kbd.choices_keyboard(view.choices, view.lang, none_button=True)
    else:
        markup = None
    return Reply(view_to_messages(view), markup)


async def _reply_check(update: Update, context: Context, text: str, lang: str) -> Reply:
    """What a pasted message looks like, with the topics it resembles."""
    result, view = await context.bot_data.services.assistant.check(text, lang)
    markup = kbd.choices_keyboard(view.choices, view.lang, none_button=False) if view.choices else None
    return Reply(view_to_messages(view), markup)


async def _store_report(update: Update, context: Context, text: str, lang: str) -> None:
    services = context.bot_data.services
    _, method, _ = await context.bot_data.residents.report_scam(update.effective_chat.id, text, services.store.matcher)
    lines = [escape(t(lang, "report_thanks"))]
    topic = services.store.kb.topics.get(method or "")
    if topic:
        lines.append(escape(t(lang, "report_looks_like", title=topic.text(lang).title)))
    lines.append(bold(t(lang, "report_not_police")))
    await reply(update, context, split_lines(lines))


# --- membership and errors ----------------------------------------------------------------------

async def chat_member(update: Update, context: Context) -> None:
    """Marks the subscription inactive when the resident blocks the bot or it leaves a group."""
    change = update.my_chat_member
    if change and change.new_chat_member.status in (ChatMemberStatus.BANNED, ChatMemberStatus.LEFT):
        await context.bot_data.residents.mark_blocked(change.chat.id, "blocked" if change.chat.type == ChatType.PRIVATE else "removed")


async def on_error(update: object, context: Context) -> None:
    """Logs Telegram and handler errors without message text or chat ids; the resident hears something went wrong."""
    error = context.error
    update_id = getattr(update, "update_id", None)
    if isinstance(error, TelegramError):
        log.warning("Telegram error %s: %s (update %s)", type(error).__name__, _safe(str(error)), update_id)
    else:
        log.error("handler failed on update %s: %s", update_id, type(error).__name__, exc_info=error)
    if not isinstance(update, Update):
        return
    lang = lang_of(update)
    if update.callback_query is not None:
        await outgoing.answer(update.callback_query, t(lang, "something_wrong"))
    elif update.effective_message and update.effective_chat and update.effective_chat.type == ChatType.PRIVATE:
        try:
            await reply(update, context, plain_messages(t(lang, "something_wrong")))
        except TelegramError:
            pass


# --- helpers ------------------------------------------------------------------------------------

def _text_of(update: Update, context: Context) -> str:
    message = update.effective_message
    text = (message.text or message.caption or "").strip()
    if update.effective_chat.type != ChatType.PRIVATE:
        text = _strip_mention(text, context.bot.username)
    return text


async def _within_limit(update: Update, context: Context) -> bool:
    state = context.bot_data.limiter.check(update.effective_chat.id)
    if state == LIMITED:
        lang = await resident_lang(update, context)
        await reply(update, context, plain_messages(t(lang, "slow_down")))
    return state not in (LIMITED, QUIET)


def _looks_pasted(text: str) -> bool:
    return len(text) > LONG_PASTE or bool(find_links(text))


def _strip_mention(text: str, username: str | None) -> str:
    if username:
        text = re.sub(rf"@{re.escape(username)}\b", "", text, flags=re.I)
    return text.strip()


def _safe(text: str) -> str:
    return re.sub(r"\d{5,}", "[id]", text)[:300]
