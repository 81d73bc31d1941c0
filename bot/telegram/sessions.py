"""Guided sessions in Telegram: /session in a group, /ova alone, and refreshers weeks later.

Handlers only translate: a button press becomes a `SessionService` call, the new state becomes a
message. The facilitator is whoever picked the scenario; only they can reveal and move on.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime

from telegram import Bot, InlineKeyboardMarkup, Update
from telegram.constants import ChatType, ParseMode
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.config import resolve_content_dir
from bot.core.sessions.engine import AFTER, BEFORE, FINISHED, QUESTION, Refused, SessionState, summarise, tally
from bot.core.sessions.setup import GuidedSessions, open_guided_sessions
from bot.telegram import session_messages as msg
from bot.telegram.context import Context
from bot.telegram.keyboards import unpack
from bot.telegram.render import split_lines

log = logging.getLogger(__name__)
REFRESHER_POLL_SECONDS = 60.0
_GROUPS = (ChatType.GROUP, ChatType.SUPERGROUP)


def register_session_handlers(application: Application) -> None:
    """Adds /session, /ova and the `ses:` buttons (before the generic button handler)."""
    application.add_handler(CommandHandler("session", session_command))
    application.add_handler(CommandHandler("ova", practice_command))
    application.add_handler(CallbackQueryHandler(session_button, pattern=r"^ses:"))


def guided_sessions(bot_data) -> GuidedSessions:
    """The session services, built on first use from the configured scenarios folder."""
    guided = bot_data.extras.get("sessions")
    if guided is None:
        services = bot_data.services
        guided = open_guided_sessions(
            resolve_content_dir(services.config.knowledge.scenarios_path), services.db, services.hash_key,
            set(services.store.kb.topics),
        )
        bot_data.extras["sessions"] = guided
    return guided


# --- commands -----------------------------------------------------------------------------------

async def session_command(update: Update, context: Context) -> None:
    """Offers the scenarios to start a group session with; whoever sent /session picks and leads."""
    guided = guided_sessions(context.bot_data)
    if update.effective_chat.type not in _GROUPS:
        await _send(context.bot, update.effective_chat.id,
                    "Gruppsessioner startar du i en grupp där jag är med: skriv /session där.\n"
                    "Vill du öva själv? Skriv /ova. Storbild för en lokal: öppna /session/ny på webbplatsen.")
        return
    await _send(context.bot, update.effective_chat.id, "<b>Välj scenario för gruppen.</b> Den som väljer blir ledare.",
                msg.scenario_keyboard(guided.scenarios, msg.NEW, update.effective_user.id))


async def practice_command(update: Update, context: Context) -> None:
    """Offers the scenarios to practise alone, in a private chat."""
    guided = guided_sessions(context.bot_data)
    if update.effective_chat.type != ChatType.PRIVATE:
        await _send(context.bot, update.effective_chat.id, "Öva själv gör du i en privat chatt med mig: skriv /ova där.")
        return
    await _send(context.bot, update.effective_chat.id, "<b>Vad vill du öva på?</b> Du får svar direkt efter varje fråga.",
                msg.scenario_keyboard(guided.scenarios, msg.PRACTICE, update.effective_user.id))


# --- buttons ------------------------------------------------------------------------------------

async def session_button(update: Update, context: Context) -> None:
    """Handles every `ses:` button: choosing a scenario, votes, confidence, reveal, next, follow-up."""
    query = update.callback_query
    parts = unpack(query.data)[1:]
    guided = guided_sessions(context.bot_data)
    try:
        action, args = parts[0], parts[1:]
        if action in (msg.NEW, msg.PRACTICE):
            if int(args[1]) != update.effective_user.id:
                raise Refused("not_owner")
            await _start(update, context, guided, args[0], alone=action == msg.PRACTICE)
        elif action == msg.REFRESHER:
            await _refresher_answer(update, context, guided, args[0], int(args[1]), int(args[2]))
        else:
            state = await guided.service.get(args[0])
            if state is None:
                raise Refused("unknown_session")
            handler = {msg.VOTE: _vote, msg.CONFIDENCE: _confidence, msg.REVEAL: _reveal, msg.NEXT: _next,
                       msg.FOLLOW_UP: _follow_up}[action]
            await handler(update, context, guided, state, args[1:])
    except Refused as refused:
        await query.answer(msg.REFUSALS.get(refused.reason, "Det går inte just nu."))
    except (IndexError, ValueError, KeyError):
        await query.answer()


async def _start(update: Update, context: Context, guided: GuidedSessions, scenario_id: str, *, alone: bool) -> None:
    query, chat_id, user_id = update.callback_query, update.effective_chat.id, update.effective_user.id
    if not alone and update.effective_chat.type not in _GROUPS:
        raise Refused("wrong_step")
    state = await guided.service.start(scenario_id, "alone" if alone else "telegram", user_id, chat=None if alone else chat_id)
    scenario = guided.service.scenario(state)
    await query.answer()
    await _drop_keyboard(query)
    await _send(context.bot, chat_id, msg.intro(scenario, state.code, group=not alone))
    if not alone:
        try:  # the notes are for the facilitator only; works when they have talked to the bot before
            await _send(context.bot, user_id, msg.facilitator_notes(scenario, state.code))
        except TelegramError:
            pass
    await _send_phase(context, guided, chat_id, state, alone=alone)


async def _vote(update: Update, context: Context, guided: GuidedSessions, state: SessionState, args: list[str]) -> None:
    query, user_id = update.callback_query, update.effective_user.id
    step, option = int(args[0]), int(args[1])
    if state.channel == "alone":
        state = await guided.service.answer_alone(state.code, user_id, step, option)
        await query.answer()
        await _drop_keyboard(query)
        scenario = guided.service.scenario(state)
        text, markup = msg.reveal_message(scenario, state, tally(state, scenario, state.step), mine=option)
        await _send(context.bot, update.effective_chat.id, text, markup)
        return
    _, changed = await guided.service.vote(state.code, "telegram", user_id, step, option)
    letter = msg.LETTERS[option]
    await query.answer(f"Ändrat till {letter}." if changed else f"Du valde {letter}. Du kan ändra dig tills svaret visas.")


async def _confidence(update: Update, context: Context, guided: GuidedSessions, state: SessionState, args: list[str]) -> None:
    query, user_id = update.callback_query, update.effective_user.id
    moment, value = ("before" if args[0] == "b" else "after"), int(args[1])
    channel = "alone" if state.channel == "alone" else "telegram"
    await guided.service.confidence(state.code, channel, user_id, moment, value)
    await query.answer(f"Tack! Du svarade {value}.")
    if channel == "alone":  # nobody else to wait for: go straight on
        await _drop_keyboard(query)
        state = await guided.service.advance(state.code, "alone", user_id)
        await _send_phase(context, guided, update.effective_chat.id, state, alone=True)


async def _reveal(update: Update, context: Context, guided: GuidedSessions, state: SessionState, args: list[str]) -> None:
    query = update.callback_query
    state = await guided.service.reveal(state.code, "telegram", update.effective_user.id)
    await query.answer()
    await _drop_keyboard(query)
    scenario = guided.service.scenario(state)
    text, markup = msg.reveal_message(scenario, state, tally(state, scenario, state.step))
    await _send(context.bot, update.effective_chat.id, text, markup)


async def _next(update: Update, context: Context, guided: GuidedSessions, state: SessionState, args: list[str]) -> None:
    query = update.callback_query
    alone = state.channel == "alone"
    state = await guided.service.advance(state.code, "alone" if alone else "telegram", update.effective_user.id)
    await query.answer()
    await _drop_keyboard(query)
    await _send_phase(context, guided, update.effective_chat.id, state, alone=alone)


async def _follow_up(update: Update, context: Context, guided: GuidedSessions, state: SessionState, args: list[str]) -> None:
    query = update.callback_query
    if await guided.followups.opt_in(update.effective_user.id, state.scenario_id):
        await query.answer("Klart! Jag skickar en fråga om 2 och 6 veckor i en privat chatt. "
                           "Har du aldrig skrivit till mig? Skicka /start till mig först.", show_alert=True)
    else:
        await query.answer("Det här scenariot har ingen repetitionsfråga.")


async def _refresher_answer(update: Update, context: Context, guided: GuidedSessions, scenario_id: str, round_: int, option: int) -> None:
    query = update.callback_query
    safe = await guided.followups.answered(scenario_id, round_, option)
    await query.answer()
    if safe is None:
        return
    await _drop_keyboard(query)
    refresher = guided.scenarios[scenario_id].refresher_for(round_)
    await _send(context.bot, update.effective_chat.id, msg.refresher_feedback(refresher, option))


async def _send_phase(context: Context, guided: GuidedSessions, chat_id: int, state: SessionState, *, alone: bool) -> None:
    """Posts what the session's current phase needs: a confidence question, a step, or the summary."""
    scenario = guided.service.scenario(state)
    if state.phase in (BEFORE, AFTER):
        text, markup = msg.confidence_question(scenario, state, "b" if state.phase == BEFORE else "a", group=not alone)
    elif state.phase == QUESTION:
        text, markup = msg.step_message(scenario, state, group=not alone)
    elif state.phase == FINISHED:
        text, markup = msg.summary_message(scenario, summarise(state, scenario), context.bot_data.services.store.kb,
                                           state.code, group=not alone)
    else:
        return
    await _send(context.bot, chat_id, text, markup)


# --- refreshers ---------------------------------------------------------------------------------

def start_refresher_loop(application: Application, ready: asyncio.Event) -> asyncio.Task:
    """Every minute once the bot runs, send the refreshers that are due (due times are in SQLite)."""

    async def loop() -> None:
        await ready.wait()
        while True:
            try:
                await send_due_refreshers(application.bot, guided_sessions(application.bot_data))
            except Exception:
                log.exception("sending session refreshers failed; will try again")
            await asyncio.sleep(REFRESHER_POLL_SECONDS)

    return asyncio.create_task(loop(), name="session-refreshers")


async def send_due_refreshers(bot: Bot, guided: GuidedSessions, now: datetime | None = None) -> int:
    """Send each due refresher once; a blocked or vanished chat is given up. Returns how many were sent."""
    sent = 0
    for due in await guided.followups.due(now):
        text, markup = msg.refresher_message(due.scenario, due.refresher, due.round)
        try:
            await _send(bot, due.chat_id, text, markup)
        except (Forbidden, BadRequest):
            await guided.followups.failed(due, permanent=True, now=now)
        except TelegramError as exc:
            log.warning("refresher not sent (%s); will retry", type(exc).__name__)
            await guided.followups.failed(due, permanent=False, now=now)
        else:
            await guided.followups.sent(due)
            sent += 1
    return sent


# --- helpers ------------------------------------------------------------------------------------

async def _send(bot: Bot, chat_id: int, html: str, markup: InlineKeyboardMarkup | None = None) -> None:
    """Send escaped HTML, split under Telegram's limit; the keyboard goes with the last part."""
    parts = split_lines(html.split("\n"))
    for i, part in enumerate(parts):
        await bot.send_message(chat_id, part, parse_mode=ParseMode.HTML, disable_web_page_preview=True,
                               reply_markup=markup if i == len(parts) - 1 else None)


async def _drop_keyboard(query) -> None:
    try:
        await query.edit_message_reply_markup(None)
    except TelegramError:
        pass
