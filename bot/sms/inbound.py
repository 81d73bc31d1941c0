"""An incoming SMS to the reply it gets: commands first, then the same core as Telegram and the web.

"STOPP" is read before anything else and always works. A forwarded message (a link, or a long text)
gets the message check; anything else is a question for the assistant, logged – redacted, under a
keyed pseudonym of the number – like a Telegram user's. A number is stored only when its owner asks
for warnings and confirms with "JA".
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timezone

from bot.core.answering.assistant import Asker
from bot.core.answering.reply import labels
from bot.core.checking.links import find_links
from bot.core.matching.matcher import ANSWER
from bot.core.region import MUNICIPALITIES
from bot.core.residents.pseudonym import user_key
from bot.core.residents.rate_limit import LIMITED, QUIET, SlidingWindowLimiter
from bot.core.residents.redact import without_lone_surrogates
from bot.services import Services
from bot.sms.commands import CONFIRM, ERASE, STOP, SUBSCRIBE, match_municipality, parse_command
from bot.sms.render import reply_sms
from bot.sms.segments import to_gsm7
from bot.sms.texts import choice_list, sms_text
from bot.storage import sms as store

log = logging.getLogger(__name__)
CHANNEL = "sms"
LONG_PASTE = 200  # characters; a longer text is a forwarded message to check
MAX_TEXT = 2000
# Every reply costs money: a number gets this many answers per window; then one polite "wait", then
# silence (a script, not a person). STOPP and RADERA are carried out whatever the count.
REPLIES_PER_WINDOW, WINDOW_SECONDS = 6, 600.0


def looks_forwarded(text: str) -> bool:
    """A forwarded SMS or e-mail rather than a question: it holds a link, or it is long."""
    return len(text) > LONG_PASTE or bool(find_links(text))


class SmsConversation:
    """Turns one incoming SMS into the reply text (or none)."""

    def __init__(self, services: Services, clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
                 limiter: SlidingWindowLimiter | None = None):
        self.services = services
        self.clock = clock
        self.limiter = limiter or SlidingWindowLimiter(REPLIES_PER_WINDOW, WINDOW_SECONDS)

    def asker(self, phone: str, municipality: str | None = None) -> Asker:
        return Asker(CHANNEL, user_key(self.services.hash_key, CHANNEL, phone), municipality)

    async def reply_to(self, phone: str, text: str) -> str:
        """The reply to send; "" for none (a number flooding the service)."""
        text = without_lone_surrogates(text or "")[:MAX_TEXT]
        db = self.services.db
        state = self.limiter.check(self.asker(phone).user_key)
        subscriber = await db.read(store.get_subscriber, phone)
        lang = subscriber["lang"] if subscriber else self.services.config.default_language
        command = parse_command(text)
        if command is not None and command.lang:  # "WARNING <municipality>": answered, and subscribed, in English
            lang = command.lang
        if command is not None and command.kind in (STOP, ERASE):  # always carried out
            reply = await self._command(phone, command.kind, command.argument, lang)
            return "" if state == QUIET else reply
        if state == QUIET:
            return ""
        if state == LIMITED:
            return sms_text(lang, "slow_down")
        if command is not None:
            return await self._command(phone, command.kind, command.argument, lang)
        municipality = subscriber["municipality"] if subscriber and subscriber["state"] == store.ACTIVE else None
        if not text.strip():
            return to_gsm7(labels(lang)["empty"])
        if looks_forwarded(text):
            _, view = await self.services.assistant.check(text)
            return reply_sms(view)
        _, view = await self.services.assistant.ask(text, self.asker(phone, municipality))
        if view.status != ANSWER and not view.urgent:
            result, checked = await self.services.assistant.check(text)
            if result.risk != "low":  # a short pasted message without a link
                return reply_sms(checked)
        return reply_sms(view)

    async def _command(self, phone: str, kind: str, argument: str, lang: str) -> str:
        db = self.services.db
        choices = choice_list(lang, MUNICIPALITIES)
        if kind == STOP:
            stopped = await db.write(store.stop_subscription, phone)
            log.info("an SMS subscriber stopped" if stopped else "STOPP from a number that did not subscribe")
            return sms_text(lang, "stopped" if stopped else "not_subscribed")
        if kind == ERASE:
            self.services.assistant.forget(self.asker(phone))  # the conversation's last topic, too
            await self.services.assistant.flush()  # questions still on their way to the log are erased too
            counts = await db.write(store.erase_number, phone, self.asker(phone).user_key)
            log.info("erased an SMS number: %s", {k: v for k, v in counts.items() if v})
            return sms_text(lang, "erased")
        if kind == SUBSCRIBE:
            municipality = match_municipality(argument, MUNICIPALITIES)
            if municipality is None:
                return sms_text(lang, "which_municipality", choices=choices)
            state = await db.write(store.ask_to_subscribe, phone, municipality, lang, self.clock())
            return sms_text(lang, "moved" if state == store.ACTIVE else "ask_consent", municipality=municipality)
        if kind == CONFIRM:
            confirmed = await db.write(store.confirm_subscription, phone, self.clock())
            if confirmed is None:
                return sms_text(lang, "nothing_to_confirm", choices=choices)
            return sms_text(lang, "subscribed", municipality=confirmed["municipality"])
        raise ValueError(f"unknown SMS command {kind!r}")
