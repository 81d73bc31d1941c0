"""Typed context data for the Telegram handlers."""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from dataclasses import dataclass, field

from telegram.ext import CallbackContext, ExtBot
from telegram.request import BaseRequest

from bot.core.answering.assistant import Asker
from bot.core.residents.rate_limit import SlidingWindowLimiter
from bot.core.residents.service import ResidentService
from bot.services import Services

# What the next plain message in a chat is: a question (default), a message to check, or a report.
AWAIT_QUESTION, AWAIT_CHECK, AWAIT_REPORT, AWAIT_TIP = "question", "check", "report", "tip"


ANSWERS_REMEMBERED = 20  # per chat, so an edited question can edit its answer


@dataclass
class Answered:
    """What the bot replied to one question (or checked message), so an edit of it edits the reply."""

    kind: str  # AWAIT_QUESTION or AWAIT_CHECK
    reply_ids: list[int] = field(default_factory=list)
    done: asyncio.Event = field(default_factory=asyncio.Event)


@dataclass
class WarningDraft:
    """A warning being written in Telegram (the conversation's state says which step is next)."""

    title: str = ""
    text: str = ""
    severity: str = "warning"
    municipalities: list[str] = field(default_factory=list)


@dataclass
class ChatData:
    awaiting: str = AWAIT_QUESTION
    warning_draft: WarningDraft | None = None  # a staff member writing a warning with /ny_varning
    answered: OrderedDict[int, Answered] = field(default_factory=OrderedDict)  # by the question's message id

    def remember(self, message_id: int, answer: Answered) -> None:
        self.answered[message_id] = answer
        self.answered.move_to_end(message_id)
        while len(self.answered) > ANSWERS_REMEMBERED:
            self.answered.popitem(last=False)


@dataclass
class BotData:
    """Set once when the application is built; handlers reach the core only through this."""

    services: Services | None = None
    residents: ResidentService | None = None
    limiter: SlidingWindowLimiter | None = None
    requests: tuple[BaseRequest, ...] = ()  # the bot's HTTP clients, shut down when it stops


Context = CallbackContext[ExtBot, dict, ChatData, BotData]


def asker_of(context: Context, chat_id: int, municipality: str | None = None) -> Asker:
    """The resident as the core knows them: a pseudonymous key, also the key of their conversation."""
    return Asker("telegram", context.bot_data.residents.key(chat_id), municipality)
