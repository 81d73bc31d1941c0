"""Telegram handlers: each converts an update into a core call and the core's reply into messages.

Handlers never build SQL or match text themselves; they go through `BotData.services` and
`BotData.residents`.
"""

from __future__ import annotations

import logging
import re
from html import escape

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatMemberStatus, ChatType, ParseMode
from telegram.error import TelegramError

from bot.core.answering.assistant import Asker
from bot.core.knowledge.taxonomy import CATEGORIES
from bot.core.matching.matcher import ANSWER, CLARIFY
from bot.core.residents.privacy import privacy_notice
from bot.core.residents.rate_limit import LIMITED, QUIET
from bot.core.answering.reply import compose_topic
from bot.core.residents.service import OTHER
from bot.telegram import keyboards as kbd
from bot.telegram.context import AWAIT_CHECK, AWAIT_QUESTION, AWAIT_REPORT, Context
from bot.telegram.render import bold, plain_messages, view_to_messages
from bot.telegram.texts import t

log = logging.getLogger(__name__)
_URL = re.compile(r"(https?://|www\.)\S+|\b[\w-]+\.(se|com|net|org|nu|top|xyz|info|online|site|shop|link)\b/?", re.I)
LONG_PASTE = 280  # characters; longer texts are treated as a pasted message to check


def lang_of(update: Update, stored: str | None = None) -> str:
    """The resident's language: their choice, else Telegram's language code, else Swedish."""
    if stored:
        return stored
    code = (update.effective_user.language_code or "") if update.effective_user else ""
    return "en" if code.lower().startswith("en") else "sv"


async def send(message_target: Message, texts: list[str], markup: InlineKeyboardMarkup | None = None) -> None:
    """Send already-escaped HTML messages; the keyboard goes with the last one."""
    for i, text in enumerate(texts):
        await message_target.reply_text(
            text, parse_mode=ParseMode.HTML, reply_markup=markup if i == len(texts) - 1 else None,
            do_quote=False, disable_web_page_preview=True,
        )


async def _resident_lang(update: Update, context: Context) -> str:
    resident = await context.bot_data.residents.get(update.effective_chat.id)
    return lang_of(update, resident.lang if resident else None)


# --- commands -----------------------------------------------------------------------------------

async def start(update: Update, context: Context) -> None:
    """Greets the resident, explains privacy and asks for their municipality."""
    lang = lang_of(update)
    chat_id = update.effective_chat.id
    await context.bot_data.residents.ensure(chat_id, lang)
    context.chat_data.awaiting = AWAIT_QUESTION
    retention = context.bot_data.services.config.privacy.retention_days
    lines = [escape(t(lang, "greeting")), "", escape(t(lang, "can_do")), "", bold(t(lang, "privacy_title"))]
    lines += [escape(p) for p in privacy_notice(lang, retention)]
    await send(update.effective_message, ["\n".join(lines)])
    if update.effective_chat.type == ChatType.PRIVATE:
        await send(update.effective_message, plain_messages(t(lang, "ask_municipality")), kbd.municipality_keyboard(lang))
    else:
        await send(update.effective_message, plain_messages(t(lang, "group_hint")))


async def help_command(update: Update, context: Context) -> None:
    """Lists what the bot can do."""
    lang = await _resident_lang(update, context)
    await send(update.effective_message, plain_messages(t(lang, "help")))


async def topics_command(update: Update, context: Context) -> None:
    """Shows topic categories to browse."""
    lang = await _resident_lang(update, context)
    await send(update.effective_message, plain_messages(t(lang, "choose_category")), kbd.category_keyboard(lang))


async def check_command(update: Update, context: Context) -> None:
    """Checks the text after /kolla, or asks for the message to check."""
    lang = await _resident_lang(update, context)
    text = " ".join(context.args or []).strip()
    if text:
        await _reply_check(update, context, text, lang)
        return
    context.chat_data.awaiting = AWAIT_CHECK
    await send(update.effective_message, plain_messages(t(lang, "check_prompt")))


async def warnings_command(update: Update, context: Context) -> None:
    """Lists the current public warnings for the resident's municipality."""
    lang = await _resident_lang(update, context)
    resident = await context.bot_data.residents.get(update.effective_chat.id)
    provider = context.bot_data.extras.get("current_warnings")
    warnings = await provider(resident.municipality if resident else None, lang) if provider else []
    if not warnings:
        await send(update.effective_message, plain_messages(t(lang, "no_warnings")))
        return
    lines = [bold(t(lang, "warnings_title")), ""]
    for title, body in warnings[:5]:
        lines += [bold(title), escape(body), ""]
    await send(update.effective_message, plain_messages_from_lines(lines))


def plain_messages_from_lines(lines: list[str]) -> list[str]:
    from bot.telegram.render import split_lines

    return split_lines(lines)


async def subscribe_command(update: Update, context: Context) -> None:
    """Asks for consent to warnings (and the municipality first if unknown)."""
    lang = await _resident_lang(update, context)
    resident = await context.bot_data.residents.ensure(update.effective_chat.id, lang)
    if not resident.municipality:
        await send(update.effective_message, plain_messages(t(lang, "ask_municipality")), kbd.municipality_keyboard(lang))
        return
    await send(update.effective_message, plain_messages(t(lang, "offer_subscribe", municipality=_place(resident.municipality, lang))), kbd.consent_keyboard(lang))


async def settings_command(update: Update, context: Context) -> None:
    """Shows the resident's settings with buttons to change them."""
    await _show_settings(update, context, update.effective_message)


async def unsubscribe_command(update: Update, context: Context) -> None:
    """Stops warnings for this chat."""
    lang = await _resident_lang(update, context)
    removed = await context.bot_data.residents.unsubscribe(update.effective_chat.id)
    await send(update.effective_message, plain_messages(t(lang, "unsubscribed" if removed else "not_subscribed_yet")))


async def erase_command(update: Update, context: Context) -> None:
    """Asks for confirmation before erasing everything about the resident."""
    lang = await _resident_lang(update, context)
    await send(update.effective_message, plain_messages(t(lang, "erase_confirm")), kbd.erase_keyboard(lang))


async def report_command(update: Update, context: Context) -> None:
    """Explains how to report and invites the resident to pass on what they received."""
    lang = await _resident_lang(update, context)
    kb = context.bot_data.services.store.kb
    report = kb.topics.get("report-fraud")
    lines = [bold(t(lang, "report_intro"))]
    if report:
        lines += [f"• {escape(step)}" for step in report.text(lang).what_to_do]
    lines += ["", *[escape(line) for line in kb.contacts.text(lang).footer], "", escape(t(lang, "report_prompt"))]
    context.chat_data.awaiting = AWAIT_REPORT
    await send(update.effective_message, plain_messages_from_lines(lines))


# --- free text ----------------------------------------------------------------------------------

async def text_message(update: Update, context: Context) -> None:
    """Answers a question, checks a pasted message or stores a report, depending on what was asked for."""
    message = update.effective_message
    text = (message.text or message.caption or "").strip()
    if update.effective_chat.type != ChatType.PRIVATE:
        text = _strip_mention(text, context.bot.username)
    if not await _within_limit(update, context):
        return
    lang = await _resident_lang(update, context)
    if not text:
        await send(message, plain_messages(t(lang, "empty")))
        return
    if context.chat_data.alert_draft is not None and update.effective_chat.type == ChatType.PRIVATE:
        from bot.telegram.staff_handlers import draft_text

        await draft_text(update, context, text)
        return
    awaiting = context.chat_data.awaiting
    context.chat_data.awaiting = AWAIT_QUESTION
    if awaiting == AWAIT_REPORT:
        await _store_report(update, context, text, lang)
    elif awaiting == AWAIT_CHECK or _looks_pasted(text):
        await _reply_check(update, context, text, lang)
    else:
        await _reply_question(update, context, text, lang)


async def non_text_message(update: Update, context: Context) -> None:
    """Stickers, photos without captions, voice and the like get a friendly pointer to text."""
    if not await _within_limit(update, context):
        return
    if update.effective_message.caption:
        await text_message(update, context)
        return
    lang = await _resident_lang(update, context)
    await send(update.effective_message, plain_messages(t(lang, "not_text")))


async def _reply_question(update: Update, context: Context, text: str, lang: str) -> None:
    residents = context.bot_data.residents
    chat_id = update.effective_chat.id
    resident = await residents.get(chat_id)
    asker = Asker("telegram", residents.key(chat_id), resident.municipality if resident else None)
    result, view = await context.bot_data.services.assistant.ask(text, asker, lang)
    kb = context.bot_data.services.store.kb
    if result.status == ANSWER and view.topic:
        markup = kbd.answer_keyboard(kb, view.topic, view.lang, view.choices)
    elif result.status == CLARIFY:
        markup = kbd.choices_keyboard(view.choices, view.lang, none_button=True)
    else:
        markup = None
    await send(update.effective_message, view_to_messages(view), markup)


async def _reply_check(update: Update, context: Context, text: str, lang: str) -> None:
    result, view = await context.bot_data.services.assistant.check(text, lang)
    markup = kbd.choices_keyboard(view.choices, view.lang, none_button=False) if view.choices else None
    await send(update.effective_message, view_to_messages(view), markup)


async def _store_report(update: Update, context: Context, text: str, lang: str) -> None:
    services = context.bot_data.services
    _, method, _ = await context.bot_data.residents.report_scam(update.effective_chat.id, text, services.store.matcher)
    lines = [escape(t(lang, "report_thanks"))]
    topic = services.store.kb.topics.get(method or "")
    if topic:
        lines.append(escape(t(lang, "report_looks_like", title=topic.text(lang).title)))
    lines.append(bold(t(lang, "report_not_police")))
    await send(update.effective_message, plain_messages_from_lines(lines))


# --- buttons ------------------------------------------------------------------------------------

async def button(update: Update, context: Context) -> None:
    """Handles every inline button: topics, feedback, municipality, consent, settings, erasure."""
    query = update.callback_query
    parts = kbd.unpack(query.data)
    lang = await _resident_lang(update, context)
    chat_id = update.effective_chat.id
    residents = context.bot_data.residents
    kb = context.bot_data.services.store.kb
    kind = parts[0]
    message = query.message
    if kind == kbd.FEEDBACK and len(parts) == 3:
        await residents.feedback(chat_id, parts[1] if parts[1] in kb.topics else None, parts[2] == "1")
    await query.answer(t(lang, "thanks_feedback") if kind == kbd.FEEDBACK else None)
    if kind in (kbd.TOPIC, kbd.HAPPENED) and len(parts) == 2 and parts[1] in kb.topics:
        view = compose_topic(kb, parts[1], lang, happened=kind == kbd.HAPPENED)
        markup = kbd.answer_keyboard(kb, parts[1], lang, view.choices) if kind == kbd.TOPIC else None
        await send(message, view_to_messages(view), markup)
    elif kind == kbd.NONE:
        await send(message, plain_messages(t(lang, "none_reply")))
    elif kind == kbd.CATEGORY and len(parts) == 2 and parts[1] in CATEGORIES:
        choices = tuple((tp.id, tp.text(lang).title) for tp in kb.by_category().get(parts[1], []))
        await send(message, plain_messages(t(lang, "choose_topic")), kbd.choices_keyboard(choices, lang, none_button=False))
    elif kind == kbd.MUNICIPALITY and len(parts) == 2:
        await _choose_municipality(update, context, parts[1], lang)
    elif kind == kbd.CONSENT and len(parts) == 2:
        await _consent(update, context, parts[1] == "yes", lang)
    elif kind == kbd.SETTING:
        await _change_setting(update, context, parts[1:], lang)
    elif kind == kbd.TOGGLE and len(parts) == 2:
        await _toggle_topics(update, context, parts[1], lang)
    elif kind == kbd.ERASE and len(parts) == 2:
        await _drop_keyboard(query)
        if parts[1] == "yes":
            await residents.erase(chat_id)
            context.chat_data.awaiting = AWAIT_QUESTION
            await send(message, plain_messages(t(lang, "erased")))
        else:
            await send(message, plain_messages(t(lang, "erase_cancelled")))
    else:
        extra = context.bot_data.extras.get("buttons", {}).get(kind)
        if extra:
            await extra(update, context, parts)


async def _choose_municipality(update: Update, context: Context, municipality: str, lang: str) -> None:
    residents = context.bot_data.residents
    chat_id = update.effective_chat.id
    await residents.ensure(chat_id, lang)
    try:
        await residents.set_municipality(chat_id, municipality)
    except ValueError:
        return
    await _drop_keyboard(update.callback_query)
    place = _place(municipality, lang)
    await send(update.callback_query.message, plain_messages(t(lang, "municipality_set", municipality=place)))
    subscription = await residents.subscription(chat_id)
    if subscription is None:
        await send(update.callback_query.message, plain_messages(t(lang, "offer_subscribe", municipality=place)), kbd.consent_keyboard(lang))


async def _consent(update: Update, context: Context, yes: bool, lang: str) -> None:
    await _drop_keyboard(update.callback_query)
    message = update.callback_query.message
    if not yes:
        await send(message, plain_messages(t(lang, "not_subscribed")))
        return
    subscription = await context.bot_data.residents.subscribe(update.effective_chat.id, lang, update.effective_chat.type)
    await send(message, plain_messages(t(lang, "subscribed", municipality=_place(subscription.municipality, lang))))


async def _change_setting(update: Update, context: Context, args: list[str], lang: str) -> None:
    residents = context.bot_data.residents
    chat_id = update.effective_chat.id
    message = update.callback_query.message
    if args[:1] == ["municipality"]:
        await send(message, plain_messages(t(lang, "ask_municipality")), kbd.municipality_keyboard(lang))
    elif args[:1] == ["lang"] and len(args) == 2 and args[1] in ("sv", "en"):
        await residents.ensure(chat_id, lang)
        await residents.set_language(chat_id, args[1])
        await send(message, plain_messages(t(args[1], "language_set")))
        await _show_settings(update, context, message)
    elif args[:1] == ["delivery"] and len(args) == 2 and args[1] in ("immediate", "digest"):
        await residents.set_delivery(chat_id, args[1])
        await send(message, plain_messages(t(lang, "saved")))
        await _show_settings(update, context, message)
    elif args[:1] == ["topics"]:
        subscription = await residents.subscription(chat_id)
        chosen = _chosen_categories(context, subscription.topics if subscription else ())
        await send(message, plain_messages(t(lang, "topics_prompt")), kbd.topics_keyboard(lang, chosen))


async def _toggle_topics(update: Update, context: Context, category: str, lang: str) -> None:
    residents = context.bot_data.residents
    chat_id = update.effective_chat.id
    subscription = await residents.subscription(chat_id)
    if subscription is None:
        return
    by_category = {c: [tp.id for tp in tps] for c, tps in context.bot_data.services.store.kb.by_category().items()}
    topics = set(subscription.topics)
    if category == "all":
        topics = set()
    elif category in by_category:
        ids = set(by_category[category])
        topics = topics - ids if ids <= topics else topics | ids
    await residents.set_topics(chat_id, tuple(sorted(topics)))
    chosen = _chosen_categories(context, tuple(topics))
    try:
        await update.callback_query.edit_message_reply_markup(kbd.topics_keyboard(lang, chosen))
    except TelegramError as exc:  # "message is not modified" and the like: nothing to fix for the resident
        log.debug("could not update the topics keyboard: %s", type(exc).__name__)


def _chosen_categories(context: Context, topics: tuple[str, ...]) -> tuple[str, ...]:
    groups = context.bot_data.services.store.kb.by_category()
    return tuple(c for c, tps in groups.items() if tps and {tp.id for tp in tps} <= set(topics))


async def _show_settings(update: Update, context: Context, message: Message) -> None:
    residents = context.bot_data.residents
    chat_id = update.effective_chat.id
    resident = await residents.get(chat_id)
    lang = lang_of(update, resident.lang if resident else None)
    subscription = await residents.subscription(chat_id)
    if subscription and subscription.active:
        mode = t(lang, f"settings_{subscription.delivery}")
        chosen = _chosen_categories(context, subscription.topics)
        topics = ", ".join(CATEGORIES[c][lang] for c in chosen) if chosen else t(lang, "settings_topics_all")
        sub_text = f"{mode}; {topics}"
    else:
        sub_text = t(lang, "settings_none")
    municipality = _place(resident.municipality, lang) if resident and resident.municipality else "–"
    text = t(lang, "settings", municipality=municipality, subscription=sub_text)
    await send(message, plain_messages(text), kbd.settings_keyboard(lang, bool(subscription and subscription.active)))


# --- membership and errors ----------------------------------------------------------------------

async def chat_member(update: Update, context: Context) -> None:
    """Marks the subscription inactive when the resident blocks the bot or it leaves a group."""
    change = update.my_chat_member
    if change and change.new_chat_member.status in (ChatMemberStatus.BANNED, ChatMemberStatus.LEFT):
        await context.bot_data.residents.mark_blocked(change.chat.id, "blocked" if change.chat.type == ChatType.PRIVATE else "removed")


async def on_error(update: object, context: Context) -> None:
    """Logs Telegram and handler errors without message text or chat ids."""
    error = context.error
    update_id = getattr(update, "update_id", None)
    if isinstance(error, TelegramError):
        log.warning("Telegram error %s: %s (update %s)", type(error).__name__, _safe(str(error)), update_id)
    else:
        log.error("handler failed on update %s: %s", update_id, type(error).__name__, exc_info=(type(error), error, error.__traceback__))
    if isinstance(update, Update) and update.effective_message and update.effective_chat and update.effective_chat.type == ChatType.PRIVATE:
        try:
            lang = lang_of(update)
            await update.effective_message.reply_text(
                "Något gick fel hos oss. Försök igen om en stund. Händer det just nu? Ring 112."
                if lang == "sv" else "Something went wrong on our side. Please try again shortly. Is it happening now? Call 112.",
                do_quote=False,
            )
        except TelegramError:
            pass


# --- helpers ------------------------------------------------------------------------------------

async def _within_limit(update: Update, context: Context) -> bool:
    state = context.bot_data.limiter.check(update.effective_chat.id)
    if state == LIMITED:
        lang = await _resident_lang(update, context)
        await send(update.effective_message, plain_messages(t(lang, "slow_down")))
    return state not in (LIMITED, QUIET)


async def _drop_keyboard(query) -> None:
    try:
        await query.edit_message_reply_markup(None)
    except TelegramError:
        pass


def _looks_pasted(text: str) -> bool:
    return len(text) > LONG_PASTE or bool(_URL.search(text))


def _strip_mention(text: str, username: str | None) -> str:
    if username:
        text = re.sub(rf"@{re.escape(username)}\b", "", text, flags=re.I)
    return text.strip()


def _place(municipality: str | None, lang: str) -> str:
    if municipality in (None, OTHER):
        return "din kommun" if lang == "sv" else "your municipality"
    return municipality


def _safe(text: str) -> str:
    return re.sub(r"\d{5,}", "[id]", text)[:300]
