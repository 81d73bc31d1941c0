"""Every message the bot sends, edits or deletes goes through these functions, and nowhere else.

Each call names its `Pace` (priority and retries), and the Application's bot runs it through
`bot.telegram.pacing.PacedRateLimiter`; `tests/telegram/test_send_path.py` fails if any other module
calls a Bot API send method itself. Texts are HTML that is already escaped (see `render`).
"""

from __future__ import annotations

import logging

from telegram import Bot, CallbackQuery, InlineKeyboardMarkup, Message
from telegram.constants import ParseMode
from telegram.error import BadRequest, TelegramError

from bot.telegram.pacing import REPLY, Pace
from bot.telegram.render import split_lines

log = logging.getLogger(__name__)
MAX_ANSWER = 200  # characters Telegram takes in a button's answer; a longer reason goes out as a message
Markup = InlineKeyboardMarkup | None
# `rate_limit_args` below: the Application's bot is an ExtBot, whose methods take it; `Bot`'s
# signatures (what callers hold) do not declare it, hence the `type: ignore[call-arg]`.


async def send(bot: Bot, chat_id: int | str, texts: list[str] | str, markup: Markup = None, *,
               pace: Pace = REPLY) -> list[Message]:
    """Send HTML messages in order (a string is split between lines under Telegram's limit); the
    keyboard goes with the last one. Returns the messages as Telegram stored them."""
    parts = split_lines(texts.split("\n")) if isinstance(texts, str) else texts
    sent = []
    for i, part in enumerate(parts):
        sent.append(await bot.send_message(
            chat_id, part, parse_mode=ParseMode.HTML, reply_markup=markup if i == len(parts) - 1 else None,
            disable_web_page_preview=True, rate_limit_args=pace,  # type: ignore[call-arg]
        ))
    return sent


async def edit(bot: Bot, chat_id: int | str, message_id: int, text: str, markup: Markup = None, *,
               pace: Pace = REPLY) -> None:
    """Replace a message's text (and keyboard: none unless given). An edit that changes nothing is fine."""
    try:
        await bot.edit_message_text(text, chat_id=chat_id, message_id=message_id, parse_mode=ParseMode.HTML,
                                    reply_markup=markup, disable_web_page_preview=True, rate_limit_args=pace)  # type: ignore[call-arg]
    except BadRequest as exc:
        if "not modified" not in str(exc).lower():
            raise


async def replace(bot: Bot, chat_id: int | str, message_id: int, text: str, markup: Markup = None, *,
                  pace: Pace = REPLY) -> None:
    """Turn the message with the buttons into the next step, one request instead of two; where
    Telegram refuses the edit (too old, too long, deleted) the step is sent as a new message."""
    try:
        await edit(bot, chat_id, message_id, text, markup, pace=pace)
    except BadRequest as exc:
        log.info("could not edit a message (%s); sending it instead", exc)
        await send(bot, chat_id, text, markup, pace=pace)


async def set_keyboard(bot: Bot, chat_id: int | str, message_id: int, markup: Markup, *, pace: Pace = REPLY) -> None:
    """Change (or with None remove) a message's buttons; a refusal is logged, not raised: the
    buttons are a convenience and every stale button is answered anyway."""
    try:
        await bot.edit_message_reply_markup(chat_id=chat_id, message_id=message_id, reply_markup=markup,  # type: ignore[call-arg]
                                            rate_limit_args=pace)
    except TelegramError as exc:
        if "not modified" not in str(exc).lower():
            log.info("could not change a keyboard: %s", type(exc).__name__)


async def delete(bot: Bot, chat_id: int | str, message_id: int, *, pace: Pace = REPLY) -> None:
    try:
        await bot.delete_message(chat_id, message_id, rate_limit_args=pace)  # type: ignore[call-arg]
    except TelegramError as exc:
        log.info("could not delete a message: %s", type(exc).__name__)


async def answer(query: CallbackQuery | None, text: str | None = None, *, alert: bool = False) -> None:
    """Stop a button's spinner, with an optional short note. Not paced: Telegram does not count
    callback answers against the limits, and they must come within seconds. An answer Telegram
    refuses (the press is too old, or already answered) or cannot take is nothing to stop for.

    A note longer than `MAX_ANSWER` is a mistake in the caller, never cut short: raises ValueError.
    """
    if text and len(text) > MAX_ANSWER:
        raise ValueError(f"a button's answer takes at most {MAX_ANSWER} characters, not {len(text)}: send it as a message")
    try:
        await query.answer(text, show_alert=alert)
    except TelegramError as exc:
        log.info("callback answer not given: %s", type(exc).__name__)
