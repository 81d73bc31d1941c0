"""Delivers outbox rows over Telegram: warnings, test copies, digests and edits of sent messages."""

from __future__ import annotations

from html import escape

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from bot.core.alerts import delivery
from bot.core.alerts.dispatch import CHANNEL_CHAT, digest_alerts
from bot.core.alerts.model import Alert
from bot.core.alerts.text import alert_text, words
from bot.storage import alerts as store
from bot.storage import residents as resident_store
from bot.storage.db import AsyncDatabase

REACTION = "ar"  # callback prefix: ar:<alert id>:got|thx


def render_alert(alert: Alert, lang: str, marker: str = "") -> str:
    text = alert_text(alert, lang, marker=marker)
    lines = []
    if text.marker:
        lines += [f"<b>{escape(text.marker)}</b>", ""]
    lines += [f"<b>{escape(text.heading)}</b>", "", escape(text.body), "", f"<i>{escape(text.where)}</i>", escape(text.footer)]
    return "\n".join(lines)[:4096]


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
            alert = await self.db.run(store.get_alert, alert_id)
            if len(self._alerts) > 1000:
                self._alerts.clear()
            self._alerts[alert_id] = alert
        return alert

    async def deliver(self, row: delivery.OutboxRow) -> int | None:
        try:
            return await self._deliver(row)
        except RetryAfter as exc:
            ra = exc.retry_after
            raise delivery.RetryAfter(ra.total_seconds() if hasattr(ra, "total_seconds") else float(ra)) from exc
        except Forbidden as exc:
            raise delivery.Blocked(str(exc)) from exc
        except BadRequest as exc:
            message = str(exc).lower()
            if "not modified" in message:
                return row.message_id
            if "chat not found" in message or "user is deactivated" in message:
                raise delivery.Blocked(str(exc)) from exc
            raise delivery.Permanent(str(exc)) from exc
        except (TimedOut, NetworkError) as exc:
            raise delivery.Transient(str(exc)) from exc

    async def _deliver(self, row: delivery.OutboxRow) -> int | None:
        alert = await self._alert(row.alert_id, fresh=row.kind == "edit")
        chat = self.channel_id if row.chat_id == CHANNEL_CHAT else row.chat_id
        if row.kind == "send":
            buttons = None if row.chat_id == CHANNEL_CHAT else reaction_keyboard(alert.id, row.lang)
            message = await self.bot.send_message(chat, render_alert(alert, row.lang), parse_mode=ParseMode.HTML,
                                                   reply_markup=buttons, disable_web_page_preview=True)
            return message.message_id
        if row.kind.startswith("test:"):
            message = await self.bot.send_message(chat, render_alert(alert, row.lang, "test"), parse_mode=ParseMode.HTML)
            return message.message_id
        if row.kind == "edit":
            sent = await self.db.run(store.sent_messages, row.alert_id)
            message_id = next((m for c, m, _, _ in sent if c == row.chat_id), None)
            if message_id is None:
                raise delivery.Permanent("no delivered message to edit")
            corrected = await self.db.run(store.has_correction, alert.id)
            await self.bot.edit_message_text(render_alert(alert, row.lang, "corrected" if corrected else "withdrawn"),
                                             chat_id=chat, message_id=message_id, parse_mode=ParseMode.HTML)
            return message_id
        if row.kind.startswith("digest:"):
            subscription = await self.db.run(resident_store.get_subscription, row.chat_id)
            if subscription is None:
                raise delivery.Permanent("no longer subscribed")
            week = row.kind.split(":", 1)[1]
            alerts = await self.db.run(digest_alerts, week, self.zone, subscription.municipality, subscription.topics)
            if not alerts:
                raise delivery.Permanent("nothing to send this week")
            parts = [f"<b>{escape(words(row.lang)['digest'])} ({escape(week)})</b>"]
            parts += [render_alert(a, row.lang) for a in alerts]
            message = await self.bot.send_message(chat, "\n\n".join(parts)[:4096], parse_mode=ParseMode.HTML)
            return message.message_id
        raise delivery.Permanent(f"unknown outbox kind {row.kind!r}")
