"""Typed context data for the Telegram handlers."""

from __future__ import annotations

from dataclasses import dataclass, field

from telegram.ext import CallbackContext, ExtBot

from bot.core.residents.rate_limit import SlidingWindowLimiter
from bot.core.residents.service import ResidentService
from bot.services import Services

# What the next plain message in a chat is: a question (default), a message to check, or a report.
AWAIT_QUESTION, AWAIT_CHECK, AWAIT_REPORT = "question", "check", "report"


@dataclass
class ChatData:
    awaiting: str = AWAIT_QUESTION
    alert_draft: dict | None = None  # a staff member writing a warning with /ny_varning


@dataclass
class BotData:
    """Set once when the application is built; handlers reach the core only through this."""

    services: Services | None = None
    residents: ResidentService | None = None
    limiter: SlidingWindowLimiter | None = None
    extras: dict = field(default_factory=dict)


Context = CallbackContext[ExtBot, dict, ChatData, BotData]
