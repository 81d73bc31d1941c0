"""Residents' inline buttons: topics, feedback, municipality, consent, settings and erasure.

A step that follows a button is written into the message that had the buttons (one edit instead of
"done" plus a new question), so a senior's chat stays calm and fewer messages meet the flood
limits. Every press is answered, also a forged or stale one.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from html import escape

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler

from bot.core.answering.reply import compose_topic
from bot.core.knowledge.taxonomy import CATEGORIES
from bot.core.region import MUNICIPALITIES
from bot.core.residents.privacy import privacy_notice
from bot.core.residents.service import OTHER
from bot.telegram import keyboards as kbd
from bot.telegram import outgoing
from bot.telegram.context import AWAIT_QUESTION, Context, asker_of
from bot.telegram.render import bold, view_to_messages
from bot.telegram.texts import t


def place(municipality: str | None, lang: str) -> str:
    if municipality in (None, OTHER):
        return "din kommun" if lang == "sv" else "your municipality"
    return municipality


def welcome_html(lang: str, retention_days: int) -> str:
    """Greeting, what the bot does and the privacy notice, as one block of HTML."""
    lines = [escape(t(lang, "greeting")), "", escape(t(lang, "can_do")), "", bold(t(lang, "privacy_title"))]
    lines += [escape(p) for p in privacy_notice(lang, retention_days)]
    return "\n".join(lines)


def _paragraphs(*parts: str) -> str:
    return "\n\n".join(p for p in parts if p)


async def resident_lang(update: Update, context: Context) -> str:
    resident = await context.bot_data.residents.get(update.effective_chat.id)
    if resident and resident.lang:
        return resident.lang
    code = (update.effective_user.language_code or "") if update.effective_user else ""
    return "en" if code.lower().startswith("en") else "sv"


def register_button_handlers(application: Application) -> None:
    """One handler per kind of resident button, routed by the callback data's prefix."""
    for kind, action in _ACTIONS.items():
        application.add_handler(CallbackQueryHandler(_pressed(action), pattern=rf"^{re.escape(kind)}(:|$)"))


async def stale_button(update: Update, context: Context) -> None:
    """Answers any button no handler took (stale, forged or from an older version) as no longer valid."""
    await outgoing.answer(update.callback_query, t(await resident_lang(update, context), "stale_button"))


Action = Callable[[Update, Context, list[str], str], Awaitable[bool]]


def _pressed(action: Action):
    """The handler for one kind of button: `action` gets the data after the prefix and the resident's
    language, and returns False when the press does not fit (then it is answered as stale)."""

    async def handler(update: Update, context: Context) -> None:
        args = kbd.unpack(update.callback_query.data)[1:]
        lang = await resident_lang(update, context)
        if not await action(update, context, args, lang):
            await outgoing.answer(update.callback_query, t(lang, "stale_button"))

    handler.__name__ = handler.__qualname__ = action.__name__.lstrip("_") + "_button"
    handler.__doc__ = action.__doc__
    return handler


async def _topic(update: Update, context: Context, args: list[str], lang: str, *, happened: bool = False) -> bool:
    """Shows a topic's answer (or, after "it already happened", what to do now) with its buttons."""
    kb = context.bot_data.services.store.kb
    if len(args) != 1 or args[0] not in kb.topics:
        return False
    await outgoing.answer(update.callback_query)
    context.bot_data.services.assistant.chosen(asker_of(context, update.effective_chat.id), args[0])  # follow-ups are about it now
    view = compose_topic(kb, args[0], lang, happened=happened)
    markup = None if happened else kbd.answer_keyboard(kb, args[0], lang, view.choices)
    await outgoing.send(context.bot, update.effective_chat.id, view_to_messages(view), markup)
    return True


async def _happened(update: Update, context: Context, args: list[str], lang: str) -> bool:
    """Shows what to do now that it already happened."""
    return await _topic(update, context, args, lang, happened=True)


async def _feedback(update: Update, context: Context, args: list[str], lang: str) -> bool:
    """Thanks for a useful/not useful press and stores it."""
    kb = context.bot_data.services.store.kb
    if len(args) != 2 or args[1] not in ("0", "1"):
        return False
    await outgoing.answer(update.callback_query, t(lang, "thanks_feedback"))  # answer first, then write
    await context.bot_data.residents.feedback(update.effective_chat.id, args[0] if args[0] in kb.topics else None, args[1] == "1")
    return True


async def _none(update: Update, context: Context, args: list[str], lang: str) -> bool:
    """Answers "none of these" with where to turn instead."""
    await outgoing.answer(update.callback_query)
    await outgoing.send(context.bot, update.effective_chat.id, escape(t(lang, "none_reply")))
    return True


async def _category(update: Update, context: Context, args: list[str], lang: str) -> bool:
    """Lists the topics of one category as buttons."""
    if len(args) != 1 or args[0] not in CATEGORIES:
        return False
    await outgoing.answer(update.callback_query)
    kb = context.bot_data.services.store.kb
    choices = tuple((tp.id, tp.text(lang).title) for tp in kb.by_category().get(args[0], []))
    await _replace(update, context, escape(t(lang, "choose_topic")), kbd.choices_keyboard(choices, lang, none_button=False))
    return True


async def _municipality(update: Update, context: Context, args: list[str], lang: str) -> bool:
    """Stores the municipality and writes "you chose X" and the offer of warnings into the same message."""
    if not 1 <= len(args) <= 2 or args[0] not in (*MUNICIPALITIES, OTHER) or (len(args) == 2 and args[1] not in kbd.CONTEXTS):
        return False
    where = args[1] if len(args) == 2 else kbd.PLAIN
    residents = context.bot_data.residents
    chat_id = update.effective_chat.id
    await outgoing.answer(update.callback_query)
    await residents.ensure(chat_id, lang)
    await residents.set_municipality(chat_id, args[0])
    chosen = escape(t(lang, "municipality_set", municipality=place(args[0], lang)))
    subscription = await residents.subscription(chat_id)
    if where == kbd.FROM_SETTINGS and subscription and subscription.active:
        text, markup = await settings_view(update, context, lang, note=chosen)
        await _replace(update, context, text, markup)
        return True
    head = _paragraphs(_welcome(context, lang) if where == kbd.WELCOME else "", chosen)
    if subscription is None or not subscription.active:
        offer = escape(t(lang, "offer_subscribe", municipality=place(args[0], lang)))
        then = kbd.WELCOME_CHOSEN if where == kbd.WELCOME else kbd.CHOSEN
        await _replace(update, context, _paragraphs(head, offer), kbd.consent_keyboard(lang, then))
    else:
        await _replace(update, context, head, None)
    return True


async def _consent(update: Update, context: Context, args: list[str], lang: str) -> bool:
    """Records the yes (or no) and writes the outcome into the message that asked."""
    if not 1 <= len(args) <= 2 or args[0] not in ("yes", "no") or (len(args) == 2 and args[1] not in kbd.CONTEXTS):
        return False
    where = args[1] if len(args) == 2 else kbd.PLAIN
    residents = context.bot_data.residents
    chat_id = update.effective_chat.id
    await outgoing.answer(update.callback_query)
    resident = await residents.get(chat_id)
    municipality = resident.municipality if resident else None
    head = ""
    if where in (kbd.CHOSEN, kbd.WELCOME_CHOSEN):
        chosen = escape(t(lang, "municipality_set", municipality=place(municipality, lang)))
        head = _paragraphs(_welcome(context, lang) if where == kbd.WELCOME_CHOSEN else "", chosen)
    if args[0] == "yes":
        subscription = await residents.subscribe(chat_id, lang, update.effective_chat.type)
        outcome = t(lang, "subscribed", municipality=place(subscription.municipality, lang))
    else:
        outcome = t(lang, "not_subscribed")
    await _replace(update, context, _paragraphs(head, escape(outcome)), None)
    return True


async def _setting(update: Update, context: Context, args: list[str], lang: str) -> bool:
    """Changes one setting (municipality, language, delivery, topics) and shows the settings again."""
    residents = context.bot_data.residents
    chat_id = update.effective_chat.id
    if args == ["municipality"]:
        await outgoing.answer(update.callback_query)
        await _replace(update, context, escape(t(lang, "ask_municipality")), kbd.municipality_keyboard(lang, kbd.FROM_SETTINGS))
    elif len(args) == 2 and args[0] == "lang" and args[1] in ("sv", "en"):
        await outgoing.answer(update.callback_query)
        await residents.ensure(chat_id, lang)
        await residents.set_language(chat_id, args[1])
        text, markup = await settings_view(update, context, args[1], note=escape(t(args[1], "language_set")))
        await _replace(update, context, text, markup)
    elif len(args) == 2 and args[0] == "delivery" and args[1] in ("immediate", "digest"):
        await outgoing.answer(update.callback_query)
        await residents.set_delivery(chat_id, args[1])
        text, markup = await settings_view(update, context, lang, note=escape(t(lang, "saved")))
        await _replace(update, context, text, markup)
    elif args == ["topics"]:
        await outgoing.answer(update.callback_query)
        subscription = await residents.subscription(chat_id)
        chosen = chosen_categories(context, subscription.topics if subscription else ())
        await _replace(update, context, escape(t(lang, "topics_prompt")), kbd.topics_keyboard(lang, chosen))
    else:
        return False
    return True


async def _toggle(update: Update, context: Context, args: list[str], lang: str) -> bool:
    """Turns the warnings of one category (or all) on or off."""
    residents = context.bot_data.residents
    chat_id = update.effective_chat.id
    by_category = {c: [tp.id for tp in tps] for c, tps in context.bot_data.services.store.kb.by_category().items()}
    if len(args) != 1 or (args[0] != "all" and args[0] not in by_category):
        return False
    subscription = await residents.subscription(chat_id)
    if subscription is None:
        return False
    await outgoing.answer(update.callback_query)
    topics = set(subscription.topics)
    if args[0] == "all":
        topics = set()
    else:
        ids = set(by_category[args[0]])
        topics = topics - ids if ids <= topics else topics | ids
    await residents.set_topics(chat_id, tuple(sorted(topics)))
    chosen = chosen_categories(context, tuple(topics))
    message = update.callback_query.message
    await outgoing.set_keyboard(context.bot, chat_id, message.message_id, kbd.topics_keyboard(lang, chosen))
    return True


async def _erase(update: Update, context: Context, args: list[str], lang: str) -> bool:
    """Erases everything about the resident, or leaves it, as they chose."""
    if args not in (["yes"], ["no"]):
        return False
    await outgoing.answer(update.callback_query)
    if args[0] == "yes":
        await context.bot_data.residents.erase(update.effective_chat.id)
        context.bot_data.services.assistant.forget(asker_of(context, update.effective_chat.id))  # and the conversation
        context.chat_data.awaiting = AWAIT_QUESTION
        context.chat_data.answered.clear()
    await _replace(update, context, escape(t(lang, "erased" if args[0] == "yes" else "erase_cancelled")), None)
    return True


_ACTIONS = {
    kbd.TOPIC: _topic, kbd.HAPPENED: _happened, kbd.FEEDBACK: _feedback, kbd.NONE: _none,
    kbd.CATEGORY: _category, kbd.MUNICIPALITY: _municipality, kbd.CONSENT: _consent,
    kbd.SETTING: _setting, kbd.TOGGLE: _toggle, kbd.ERASE: _erase,
}


# --- settings -----------------------------------------------------------------------------------

def chosen_categories(context: Context, topics: tuple[str, ...]) -> tuple[str, ...]:
    groups = context.bot_data.services.store.kb.by_category()
    return tuple(c for c, tps in groups.items() if tps and {tp.id for tp in tps} <= set(topics))


async def settings_view(update: Update, context: Context, lang: str, note: str = ""):
    """The resident's settings as HTML with their buttons, after an optional note ("Saved.")."""
    residents = context.bot_data.residents
    chat_id = update.effective_chat.id
    resident = await residents.get(chat_id)
    subscription = await residents.subscription(chat_id)
    active = bool(subscription and subscription.active)
    if active:
        chosen = chosen_categories(context, subscription.topics)
        topics = ", ".join(CATEGORIES[c][lang] for c in chosen) if chosen else t(lang, "settings_topics_all")
        sub_text = f"{t(lang, f'settings_{subscription.delivery}')}; {topics}"
    else:
        sub_text = t(lang, "settings_none")
    municipality = place(resident.municipality, lang) if resident and resident.municipality else "–"
    text = escape(t(lang, "settings", municipality=municipality, subscription=sub_text))
    return _paragraphs(note, text), kbd.settings_keyboard(lang, active)


# --- helpers ------------------------------------------------------------------------------------

def _welcome(context: Context, lang: str) -> str:
    return welcome_html(lang, context.bot_data.services.config.privacy.retention_days)


async def _replace(update: Update, context: Context, text: str, markup) -> None:
    message = update.callback_query.message
    if message is None:  # too old for Telegram to say which message it was: send instead
        await outgoing.send(context.bot, update.effective_chat.id, text, markup)
        return
    await outgoing.replace(context.bot, message.chat.id, message.message_id, text, markup)
