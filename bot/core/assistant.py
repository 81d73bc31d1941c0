"""The resident-facing core: answer a question or check a message, and log it redacted.

Every channel calls this; none of them matches, checks or stores by itself.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from bot.core.knowledge.store import KnowledgeStore
from bot.core.matching.matcher import MatchResult
from bot.core.message_check import CheckResult, check_message
from bot.core.redact import redact_personal_data
from bot.core.reply import ReplyView, compose_answer, compose_check
from bot.storage.db import AsyncDatabase
from bot.storage.questions import log_question

log = logging.getLogger(__name__)
MAX_LOGGED_CHARS = 1000


@dataclass(frozen=True)
class Asker:
    """Who asked, as far as statistics may know: channel, pseudonymous key, municipality."""

    channel: str
    user_key: str | None = None
    municipality: str | None = None


class Assistant:
    def __init__(self, store: KnowledgeStore, db: AsyncDatabase | None, default_lang: str = "sv"):
        self.store = store
        self.db = db
        self.default_lang = default_lang

    async def ask(self, text: str, asker: Asker, lang: str | None = None) -> tuple[MatchResult, ReplyView]:
        """Match `text`, log it (redacted) for statistics, and compose the reply."""
        store = self.store  # read once: a reload swaps both kb and matcher
        kb, matcher = store.kb, store.matcher
        result = matcher.match(text or "", lang or self.default_lang)
        if (text or "").strip():
            await self._log(result, asker, text)
        return result, compose_answer(result, kb)

    async def check(self, text: str, lang: str | None = None) -> tuple[CheckResult, ReplyView]:
        """Check a pasted message. The message itself is not stored."""
        result = check_message(text or "", lang or self.default_lang)
        return result, compose_check(result, self.store.kb)

    async def _log(self, result: MatchResult, asker: Asker, text: str) -> None:
        if self.db is None:
            return
        try:
            await self.db.run(
                log_question, channel=asker.channel, lang=result.lang, status=result.status, topic=result.topic,
                score=result.score, urgent=result.urgent, municipality=asker.municipality, user_key=asker.user_key,
                text=redact_personal_data(text[:MAX_LOGGED_CHARS]),
            )
        except Exception:  # statistics must never cost a resident their answer
            log.exception("could not log a question")
