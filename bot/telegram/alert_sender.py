"""Delivers outbox rows over Telegram: warnings, test copies, digests and edits of sent messages.

Everything goes through `outgoing` with the row's priority; the paced path waits out 429s itself,
and network errors come back here as `delivery.Transient` for the outbox's own, durable retries.
"""

from __future__ import annotations

import dataclasses
from html import escape

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter

from bot.core.alerts import delivery
from bot.core.alerts.dispatch import CHANNEL_CHAT, digest_alerts
from bot.core.alerts.text import alert_html, alert_text, words
from bot.storage import alerts as store
from bot.storage import residents as resident_store
from bot.storage.alert_model import Alert
from bot.storage.db import AsyncDatabase
from bot.telegram import outgoing
from bot.telegram.pacing import INTERACTIVE, NORMAL, URGENT, Pace, retry_after_seconds
from bot.telegram.render import MAX_MESSAGE

REACTION = "ar"  # callback prefix: ar:<alert id>:got|thx
_PACES = {delivery.PRIORITY_STAFF: Pace(INTERACTIVE, retry_seconds=0), delivery.PRIORITY_URGENT: Pace(URGENT, retry_seconds=0),
          delivery.PRIORITY_NORMAL: Pace(NORMAL, retry_seconds=0)}


def render_alert(alert: Alert, lang: str, marker: str = "") -> str:
    """A warning as Telegram HTML; always one message (titles and texts are limited in length)."""
    text = alert_text(alert, lang, marker=marker)
    body = text.body
    while True:
        html = alert_html(text, body)
        if len(html) <= MAX_MESSAGE:
            return html
        body = body[: len(body) - (len(html) - MAX_MESSAGE) - 1].rstrip() + "…"  # cut the plain text, never the HTML


def digest_messages(week: str, alerts: list[Alert], lang: str) -> list[str]:
    """A week's warnings as as few messages as fit, each ending after a whole warning: a digest is
    never cut mid-sentence or inside an HTML tag, and nothing is dropped."""
    blocks = [f"<b>{escape(words(lang)['digest'])} ({escape(week)})</b>"] + [render_alert(a, lang) for a in alerts]
    messages: list[str] = []
    for block in blocks:
        if messages and len(messages[-1]) + 2 + len(block) <= MAX_MESSAGE:
            messages[-1] += "\n\n" + block
        else:
            messages.append(block)
    return messages


def reaction_keyboard(alert_id: int, lang: str) -> InlineKeyboardMarkup:
    w = words(lang)
    return InlineKeyboardMarkup([[
        InlineKeyboardButton(w["got_it"], callback_data=f"{REACTION}:{alert_id}:got"),
        InlineKeyboardButton(w["thanks"], callback_data=f"{REACTION}:{alert_id}:thx"),
    ]])


class TelegramAlertSender:
    """Implements `delivery.Sender` with a python-telegram-bot `Bot`."""

    def __init__(self, bot: Bot, db: AsyncDatabase, channel_id: str, timezone):
        self.bot = bot
        self.db = db
        self.channel_id = channel_id
        self.zone = timezone
        self._alerts: dict[int, Alert] = {}

    async def _alert(self, alert_id: int, fresh: bool = False) -> Alert:
        """The warning, cached for a broadcast's thousands of rows (the text does not change)."""
        alert = None if fresh else self._alerts.get(alert_id)
        if alert is None:
            alert = await self.db.read(store.get_alert, alert_id)
            if alert is None:  # a warning's rows never outlive it: this is a bug, not a resident's problem
                raise LookupError(f"warning {alert_id} is not in the database")
            if len(self._alerts) > 1000:
                self._alerts.clear()
            self._alerts[alert_id] = alert
        return alert

    async def deliver(self, row: delivery.OutboxRow) -> int | None:
        try:
            return await self._deliver(row)
        except RetryAfter as exc:  # only if the paced path ever gives one back
            raise delivery.RetryAfter(retry_after_seconds(exc)) from exc
        except Forbidden as exc:
            raise delivery.Blocked(str(exc)) from exc
        except BadRequest as exc:
            message = str(exc).lower()
            if "chat not found" in message or "user is deactivated" in message:
                raise delivery.Blocked(str(exc)) from exc
            raise delivery.Permanent(str(exc)) from exc
        except NetworkError as exc:  # includes TimedOut and 5xx
            raise delivery.Transient(str(exc)) from exc

    async def _deliver(self, row: delivery.OutboxRow) -> int | None:
        alert = await self._alert(row.alert_id, fresh=row.kind == "edit")
        chat = self.channel_id if row.chat_id == CHANNEL_CHAT else row.chat_id
        pace = _PACES.get(row.priority, _PACES[delivery.PRIORITY_NORMAL])
        if row.kind == "send":
            buttons = None if row.chat_id == CHANNEL_CHAT else reaction_keyboard(alert.id, row.lang)
            (message,) = await outgoing.send(self.bot, chat, [render_alert(alert, row.lang)], buttons, pace=pace)
            return message.message_id
        if row.kind.startswith("test:"):
            (message,) = await outgoing.send(self.bot, chat, [render_alert(alert, row.lang, "test")], pace=pace)
            return message.message_id
        if row.kind == "edit":
            sent = await self.db.write(store.sent_messages, row.alert_id)
            message_id = next((m for c, m, _, _ in sent if c == row.chat_id), None)
            if message_id is None:
                raise delivery.Permanent("no delivered message to edit")
            corrected = await self.db.write(store.has_correction, alert.id)
            shown = alert
            if not corrected:  # withdrawn: the message says why, in the approved withdrawal's words
                withdrawal = await self.db.write(store.approved_withdrawal, alert.id)
                if withdrawal is not None:
                    shown = dataclasses.replace(alert, text_sv=withdrawal.text_sv, text_en=withdrawal.text_en or alert.text_en)
            await outgoing.edit(self.bot, chat, message_id, render_alert(shown, row.lang, "corrected" if corrected else "withdrawn"),
                                pace=pace)
            return message_id
        if row.kind.startswith("digest:"):
            return await self._digest(row, chat, pace)
        raise delivery.Permanent(f"unknown outbox kind {row.kind!r}")

    async def _digest(self, row: delivery.OutboxRow, chat: int | str, pace: Pace) -> int | None:
        subscription = await self.db.write(resident_store.get_subscription, row.chat_id)
        if subscription is None or not subscription.active:
            raise delivery.Permanent("no longer subscribed")
        week = row.kind.split(":", 1)[1]
        alerts = await self.db.write(digest_alerts, week, self.zone, subscription.municipality, subscription.topics)
        if not alerts:
            raise delivery.Permanent("nothing to send this week")
        message_id = row.message_id
        parts = digest_messages(week, alerts, row.lang)
        for number, text in enumerate(parts[row.parts_sent:], start=row.parts_sent + 1):
            (message,) = await outgoing.send(self.bot, chat, [text], pace=pace)
            message_id = message.message_id
            if number < len(parts):  # remembered, so a retry after an error goes on from the next part
                await self.db.write(store.mark_part_sent, row.id, number, message_id)
        return message_id
