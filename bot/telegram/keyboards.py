"""Inline keyboards and the callback data they carry (at most 64 bytes, parsed in one place)."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.core.knowledge.model import KnowledgeBase
from bot.core.knowledge.taxonomy import CATEGORIES
from bot.core.region import MUNICIPALITIES
from bot.core.residents.service import OTHER
from bot.telegram.texts import t

# Callback data prefixes.
TOPIC, HAPPENED, FEEDBACK, NONE, MUNICIPALITY, CONSENT, SETTING, ERASE, CATEGORY, TOGGLE = (
    "t", "h", "f", "n", "m", "s", "set", "e", "c", "tg",
)


def pack(*parts: str) -> str:
    data = ":".join(parts)
    assert len(data.encode()) <= 64, data
    return data


def unpack(data: str | None) -> list[str]:
    return (data or "").split(":")


def answer_keyboard(kb: KnowledgeBase, topic_id: str, lang: str, related: tuple[tuple[str, str], ...],
                    alternatives: tuple[tuple[str, str], ...] = ()) -> InlineKeyboardMarkup:
    """"If it already happened", the runners-up ("Inte rätt?"), related topics, and feedback."""
    rows = [[InlineKeyboardButton(t(lang, "happened"), callback_data=pack(HAPPENED, topic_id))]]
    shown = {topic_id}
    for rid, title in alternatives[:2]:
        rows.append([InlineKeyboardButton(f"↪ {title}", callback_data=pack(TOPIC, rid))])
        shown.add(rid)
    rows += [[InlineKeyboardButton(title, callback_data=pack(TOPIC, rid))] for rid, title in related if rid not in shown][:3]
    rows.append([
        InlineKeyboardButton(t(lang, "useful"), callback_data=pack(FEEDBACK, topic_id, "1")),
        InlineKeyboardButton(t(lang, "not_useful"), callback_data=pack(FEEDBACK, topic_id, "0")),
    ])
    return InlineKeyboardMarkup(rows)


def choices_keyboard(choices: tuple[tuple[str, str], ...], lang: str, *, none_button: bool) -> InlineKeyboardMarkup:
    rows = [[InlineKeyboardButton(title, callback_data=pack(TOPIC, topic_id))] for topic_id, title in choices]
    if none_button:
        rows.append([InlineKeyboardButton(t(lang, "none_of_these"), callback_data=pack(NONE))])
    return InlineKeyboardMarkup(rows)


# What the message with municipality or consent buttons already says above the question, so the
# next step can be written into the same message: nothing, the welcome, the chosen municipality
# (after the welcome or alone), or the settings it came from.
PLAIN, WELCOME, CHOSEN, WELCOME_CHOSEN, FROM_SETTINGS = "", "w", "m", "wm", "st"
CONTEXTS = (PLAIN, WELCOME, CHOSEN, WELCOME_CHOSEN, FROM_SETTINGS)


def _with_context(*parts: str, context: str) -> str:
    return pack(*parts, context) if context else pack(*parts)


def municipality_keyboard(lang: str, context: str = PLAIN) -> InlineKeyboardMarkup:
    buttons = [InlineKeyboardButton(m, callback_data=_with_context(MUNICIPALITY, m, context=context)) for m in MUNICIPALITIES]
    other = InlineKeyboardButton(t(lang, "other_municipality"), callback_data=_with_context(MUNICIPALITY, OTHER, context=context))
    return InlineKeyboardMarkup([buttons, [other]])


def consent_keyboard(lang: str, context: str = PLAIN) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[
        InlineKeyboardButton(t(lang, "yes_subscribe"), callback_data=_with_context(CONSENT, "yes", context=context)),
        InlineKeyboardButton(t(lang, "no_thanks"), callback_data=_with_context(CONSENT, "no", context=context)),
    ]])


def erase_keyboard(lang: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[
        InlineKeyboardButton(t(lang, "erase_yes"), callback_data=pack(ERASE, "yes")),
        InlineKeyboardButton(t(lang, "erase_no"), callback_data=pack(ERASE, "no")),
    ]])


def category_keyboard(lang: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(labels[lang], callback_data=pack(CATEGORY, cid))] for cid, labels in CATEGORIES.items()])


def settings_keyboard(lang: str, subscribed: bool) -> InlineKeyboardMarkup:
    rows = [
        [InlineKeyboardButton(t(lang, "btn_municipality"), callback_data=pack(SETTING, "municipality"))],
        [InlineKeyboardButton(t(lang, "btn_language"), callback_data=pack(SETTING, "lang", "en" if lang == "sv" else "sv"))],
    ]
    if subscribed:
        rows.append([
            InlineKeyboardButton(t(lang, "btn_immediate"), callback_data=pack(SETTING, "delivery", "immediate")),
            InlineKeyboardButton(t(lang, "btn_digest"), callback_data=pack(SETTING, "delivery", "digest")),
        ])
        rows.append([InlineKeyboardButton(t(lang, "btn_topics"), callback_data=pack(SETTING, "topics"))])
    return InlineKeyboardMarkup(rows)


def topics_keyboard(lang: str, chosen: tuple[str, ...]) -> InlineKeyboardMarkup:
    """Toggle buttons per category; nothing chosen means all warnings."""
    rows = [
        [InlineKeyboardButton(("✅ " if cid in chosen else "▫️ ") + labels[lang], callback_data=pack(TOGGLE, cid))]
        for cid, labels in CATEGORIES.items() if cid != "guidance"
    ]
    rows.append([InlineKeyboardButton(("✅ " if not chosen else "") + t(lang, "btn_all_topics"), callback_data=pack(TOGGLE, "all"))])
    return InlineKeyboardMarkup(rows)
