"""Guided sessions in Telegram: /session in a group, /ova alone, and refreshers weeks later.

Handlers only translate: a button press becomes a `SessionService` call, the new state becomes a
message. The facilitator is whoever picked the scenario; only they can reveal and move on.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime

from telegram import Bot, InlineKeyboardMarkup, Update
from telegram.constants import ChatType
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, filters

from bot.core.sessions.engine import (
    AFTER,
    BEFORE,
    FINISHED,
    QUESTION,
    REVEALED,
    Refused,
    SessionState,
    summarise,
    tally,
)
from bot.core.sessions.setup import GuidedSessions
from bot.telegram import outgoing
from bot.telegram import session_messages as msg
from bot.telegram.context import Context
from bot.telegram.keyboards import unpack
from bot.telegram.pacing import NORMAL, Pace

log = logging.getLogger(__name__)
REFRESHER_POLL_SECONDS = 60.0
_GROUPS: tuple[str, ...] = (ChatType.GROUP, ChatType.SUPERGROUP)


def register_session_handlers(application: Application) -> None:
    """Adds /session, /ova and one handler per kind of `ses:` button; any other `ses:` press falls to the catch-all."""
    application.add_handler(CommandHandler("session", session_command, filters.UpdateType.MESSAGE))
    application.add_handler(CommandHandler("ova", practice_command, filters.UpdateType.MESSAGE))
    prefix = f"^{msg.PREFIX}:"
    application.add_handler(CallbackQueryHandler(_scenario_button, pattern=f"{prefix}({msg.NEW}|{msg.PRACTICE}):"))
    application.add_handler(CallbackQueryHandler(_refresher_button, pattern=f"{prefix}{msg.REFRESHER}:"))
    steps = "|".join((msg.VOTE, msg.CONFIDENCE, msg.REVEAL, msg.NEXT, msg.FOLLOW_UP))
    application.add_handler(CallbackQueryHandler(_session_step_button, pattern=f"{prefix}({steps}):"))


def guided_sessions(bot_data) -> GuidedSessions:
    """The session services (built once, in `Services`)."""
    return bot_data.services.guided_sessions


# --- commands -----------------------------------------------------------------------------------

async def session_command(update: Update, context: Context) -> None:
    """Offers the scenarios to start a group session with; `/session fortsätt` reposts the current step."""
    guided = guided_sessions(context.bot_data)
    chat_id = update.effective_chat.id
    if update.effective_chat.type not in _GROUPS:
        await outgoing.send(context.bot, chat_id,
                            "Gruppsessioner startar du i en grupp där jag är med: skriv /session där.\n"
                            "Vill du öva själv? Skriv /ova. Storbild för en lokal: öppna /session/ny på webbplatsen.")
        return
    if context.args and context.args[0].lower() in msg.CONTINUE_WORDS:
        state = await guided.service.current_in_chat("telegram", chat_id)
        if state is None:
            await outgoing.send(context.bot, chat_id, msg.NO_SESSION)
            return
        await _send_phase(context, guided, chat_id, state, alone=False)
        return
    await outgoing.send(context.bot, chat_id, "<b>Välj scenario för gruppen.</b> Den som väljer blir ledare.\n"
                        "<i>Försvann ett steg? Skriv /session fortsätt så visas det igen.</i>",
                        msg.scenario_keyboard(guided.scenarios, msg.NEW, update.effective_user.id))


async def practice_command(update: Update, context: Context) -> None:
    """Offers the scenarios to practise alone, in a private chat."""
    guided = guided_sessions(context.bot_data)
    chat_id = update.effective_chat.id
    if update.effective_chat.type != ChatType.PRIVATE:
        await outgoing.send(context.bot, chat_id, "Öva själv gör du i en privat chatt med mig: skriv /ova där.")
        return
    await outgoing.send(context.bot, chat_id, "<b>Vad vill du öva på?</b> Du får svar direkt efter varje fråga.",
                        msg.scenario_keyboard(guided.scenarios, msg.PRACTICE, update.effective_user.id))


# --- buttons ------------------------------------------------------------------------------------

def _answered(step):
    """A `ses:` button handler from `step(update, context, guided, args)`: every press is answered,
    a forged or stale one (a `Refused`, or data that does not parse) with a friendly word."""

    async def handler(update: Update, context: Context) -> None:
        query = update.callback_query
        try:
            await step(update, context, guided_sessions(context.bot_data), unpack(query.data)[2:])
        except Refused as refused:
            await outgoing.answer(query, msg.REFUSALS.get(refused.reason, msg.REFUSALS["other"]))
        except (IndexError, ValueError, KeyError):
            await outgoing.answer(query, msg.REFUSALS["stale"])

    handler.__name__ = handler.__qualname__ = step.__name__.lstrip("_")
    handler.__doc__ = step.__doc__
    return handler


@_answered
async def _scenario_button(update: Update, context: Context, guided: GuidedSessions, args: list[str]) -> None:
    """Starts the chosen scenario, in the group or alone; only the one who asked for the menu may choose."""
    if args[0] not in guided.scenarios:
        raise Refused("stale")
    if int(args[1]) != update.effective_user.id:
        raise Refused("not_owner")
    alone = unpack(update.callback_query.data)[1] == msg.PRACTICE
    await _start(update, context, guided, args[0], alone=alone)


@_answered
async def _refresher_button(update: Update, context: Context, guided: GuidedSessions, args: list[str]) -> None:
    """Takes the answer to a refresher question weeks after a session."""
    await _refresher_answer(update, context, guided, args[0], int(args[1]), int(args[2]))


@_answered
async def _session_step_button(update: Update, context: Context, guided: GuidedSessions, args: list[str]) -> None:
    """A vote, a confidence, reveal, next or the follow-up offer in a running session."""
    handler = {msg.VOTE: _vote, msg.CONFIDENCE: _confidence, msg.REVEAL: _reveal, msg.NEXT: _next,
               msg.FOLLOW_UP: _follow_up}[unpack(update.callback_query.data)[1]]
    state = await guided.service.get(args[0])
    if state is None:
        raise Refused("unknown_session")
    await handler(update, context, guided, state, args[1:])


def _check_where(state: SessionState, args: list[str]) -> None:
    """Buttons made before this version carry no marker and are taken as they come."""
    if args and args[0] != msg.where(state):
        raise Refused("finished" if state.phase == FINISHED else "stale")


async def _start(update: Update, context: Context, guided: GuidedSessions, scenario_id: str, *, alone: bool) -> None:
    query, chat_id, user_id = update.callback_query, update.effective_chat.id, update.effective_user.id
    if not alone and update.effective_chat.type not in _GROUPS:
        raise Refused("wrong_step")
    state = await guided.service.start(scenario_id, "alone" if alone else "telegram", user_id, chat=None if alone else chat_id)
    scenario = guided.service.scenario(state)
    await outgoing.answer(query)
    text, markup = _phase(context, guided, state, alone=alone)
    # the menu becomes the introduction and the first question: one message, so nothing can come between
    await _replace(context, query, msg.intro(scenario, state.code, group=not alone) + "\n\n" + text, markup)
    if not alone:
        try:  # the notes are for the facilitator only; works when they have talked to the bot before
            await outgoing.send(context.bot, user_id, msg.facilitator_notes(scenario, state.code))
        except TelegramError:
            pass


async def _vote(update: Update, context: Context, guided: GuidedSessions, state: SessionState, args: list[str]) -> None:
    query, user_id = update.callback_query, update.effective_user.id
    step, option = int(args[0]), int(args[1])
    if state.channel == "alone":
        state = await guided.service.answer_alone(state.code, user_id, step, option)
        await outgoing.answer(query)
        scenario = guided.service.scenario(state)
        text, markup = msg.revealed_step_message(scenario, state, tally(state, scenario, state.step), mine=option)
        await _replace(context, query, text, markup)
        return
    _, changed = await guided.service.vote(state.code, "telegram", user_id, step, option)
    letter = msg.LETTERS[option]
    await outgoing.answer(query, f"Ändrat till {letter}." if changed else f"Du valde {letter}. Du kan ändra dig tills svaret visas.")


async def _confidence(update: Update, context: Context, guided: GuidedSessions, state: SessionState, args: list[str]) -> None:
    query, user_id = update.callback_query, update.effective_user.id
    moment, value = ("before" if args[0] == "b" else "after"), int(args[1])
    channel = "alone" if state.channel == "alone" else "telegram"
    await guided.service.confidence(state.code, channel, user_id, moment, value)
    await outgoing.answer(query, f"Tack! Du svarade {value}.")
    if channel == "alone":  # nobody else to wait for: the question becomes the next step
        state = await guided.service.advance(state.code, "alone", user_id)
        text, markup = _phase(context, guided, state, alone=True)
        await _replace(context, query, text, markup)


async def _reveal(update: Update, context: Context, guided: GuidedSessions, state: SessionState, args: list[str]) -> None:
    query = update.callback_query
    if state.phase != REVEALED:
        _check_where(state, args)
    state = await guided.service.reveal(state.code, "telegram", update.effective_user.id)
    await outgoing.answer(query)
    scenario = guided.service.scenario(state)
    text, markup = msg.revealed_step_message(scenario, state, tally(state, scenario, state.step))
    await _replace(context, query, text, markup)


async def _next(update: Update, context: Context, guided: GuidedSessions, state: SessionState, args: list[str]) -> None:
    query = update.callback_query
    alone = state.channel == "alone"
    if await guided.service.is_facilitator(state, "alone" if alone else "telegram", update.effective_user.id):
        _check_where(state, args)  # a second tap, or an older message's button, must not skip a step
    state = await guided.service.advance(state.code, "alone" if alone else "telegram", update.effective_user.id)
    await outgoing.answer(query)
    await _send_phase(context, guided, update.effective_chat.id, state, alone=alone)
    if alone and query.message is not None:
        # In a group the old buttons stay: Telegram allows a group 20 messages a minute, edits
        # included, and a session must not spend them on tidying. A press on them is answered as
        # no longer valid (the buttons carry their step).
        await outgoing.set_keyboard(context.bot, query.message.chat.id, query.message.message_id, None)


async def _follow_up(update: Update, context: Context, guided: GuidedSessions, state: SessionState, args: list[str]) -> None:
    query = update.callback_query
    if await guided.followups.opt_in(update.effective_user.id, state.scenario_id):
        await outgoing.answer(query, "Klart! Jag skickar en fråga om 2 och 6 veckor i en privat chatt. "
                              "Har du aldrig skrivit till mig? Skicka /start till mig först.", alert=True)
    else:
        await outgoing.answer(query, "Det här scenariot har ingen repetitionsfråga.")


async def _refresher_answer(update: Update, context: Context, guided: GuidedSessions, scenario_id: str, round_: int, option: int) -> None:
    query = update.callback_query
    safe = await guided.followups.answered(scenario_id, round_, option)
    if safe is None:
        raise Refused("stale")
    await outgoing.answer(query)
    refresher = guided.scenarios[scenario_id].refresher_for(round_)
    if refresher is None:  # answered() found the round, so it has a refresher
        raise Refused("stale")
    text, _ = msg.refresher_message(guided.scenarios[scenario_id], refresher, round_)
    await _replace(context, query, text + "\n\n" + msg.refresher_feedback(refresher, option), None)


def _phase(context: Context, guided: GuidedSessions, state: SessionState, *, alone: bool):
    """What the session's current phase shows: a confidence question, a step (revealed or not), or the summary."""
    scenario = guided.service.scenario(state)
    if state.phase in (BEFORE, AFTER):
        return msg.confidence_question(scenario, state, "b" if state.phase == BEFORE else "a", group=not alone)
    if state.phase == QUESTION:
        return msg.step_message(scenario, state, group=not alone)
    if state.phase == REVEALED:
        return msg.revealed_step_message(scenario, state, tally(state, scenario, state.step))
    return msg.summary_message(scenario, summarise(state, scenario), context.bot_data.services.store.kb,
                               state.code, group=not alone)


async def _send_phase(context: Context, guided: GuidedSessions, chat_id: int, state: SessionState, *, alone: bool) -> None:
    """Posts the session's current phase as a new message (a step, or its repost with /session fortsätt)."""
    text, markup = _phase(context, guided, state, alone=alone)
    await outgoing.send(context.bot, chat_id, text, markup)


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
        try:  # the followups table keeps retrying on its own schedule, so no retries here
            await outgoing.send(bot, due.chat_id, text, markup, pace=Pace(NORMAL, retry_seconds=0))
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

async def _replace(context: Context, query, text: str, markup: InlineKeyboardMarkup | None) -> None:
    """Write the next thing into the message whose button was pressed (or send it, if unknown)."""
    if query.message is None:
        await outgoing.send(context.bot, query.from_user.id, text, markup)
        return
    await outgoing.replace(context.bot, query.message.chat.id, query.message.message_id, text, markup)
