"""The resident-facing core: answer a question or check a message, in context, and log it redacted.

Every channel calls this; none of them matches, checks or stores by itself. The reply never waits
for the statistics: the question is logged after the answer is composed, in the background, and a
locked database only delays the log row (it is retried until it is written), never the resident.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from dataclasses import dataclass

from bot.core.answering.conversation import ConversationMemory
from bot.core.answering.reply import ReplyView, compose_answer, compose_check
from bot.core.checking import CheckResult, check_message
from bot.core.knowledge.store import KnowledgeStore
from bot.core.matching.matcher import ANSWER, CLARIFY, FOLLOWUP, Context, MatchResult
from bot.core.residents.redact import redact_personal_data
from bot.storage.db import AsyncDatabase
from bot.storage.questions import log_question

log = logging.getLogger(__name__)
MAX_LOGGED_CHARS = 1000
LOG_RETRY_SECONDS = (0.5, 1, 2, 5, 10, 30, 60, 120, 300)  # a locked database: keep the row until it is written


@dataclass(frozen=True)
class Asker:
    """Who asked, as far as statistics may know: channel, pseudonymous key, municipality.

    `user_key` also keys the conversation memory, so follow-ups are answered in context.
    """

    channel: str
    user_key: str | None = None
    municipality: str | None = None


class Assistant:
    def __init__(self, store: KnowledgeStore, db: AsyncDatabase | None, default_lang: str = "sv",
                 conversations: ConversationMemory | None = None):
        self.store = store
        self.db = db
        self.default_lang = default_lang
        self.conversations = conversations or ConversationMemory()
        self._pending: set[asyncio.Task[None]] = set()

    async def ask(self, text: str, asker: Asker, lang: str | None = None) -> tuple[MatchResult, ReplyView]:
        """Match `text` in the context of the asker's conversation and compose the reply.

        The question is logged (redacted) after the reply is composed, without holding it up.
        """
        loaded = self.store.loaded  # read once: a reload swaps knowledge base and matcher together
        key = self._conversation_key(asker)
        context = self.conversations.get(key)
        result = loaded.matcher.match(text or "", lang or self.default_lang, context)
        self._remember(key, result, context)
        view = compose_answer(result, loaded.kb)
        if (text or "").strip():
            self._log_later(result, asker, text)
        return result, view

    def chosen(self, asker: Asker, topic: str) -> None:
        """The resident picked `topic` from a choice or a link: follow-ups are about it now."""
        key = self._conversation_key(asker)
        previous = self.conversations.get(key)
        offered = tuple(t for t in (previous.offered if previous else ()) if t != topic)
        self.conversations.remember(key, Context(topic, offered))

    def forget(self, asker: Asker) -> None:
        """Forget the conversation (the resident erased their data)."""
        self.conversations.forget(self._conversation_key(asker))

    async def check(self, text: str, lang: str | None = None) -> tuple[CheckResult, ReplyView]:
        """Check a pasted message. The message itself is not stored."""
        kb = self.store.kb  # read once: a reload swaps the whole knowledge base
        result = check_message(text or "", kb.signals, lang or self.default_lang)
        return result, compose_check(result, kb)

    async def flush(self) -> None:
        """Wait until every question logged so far is written (for shutdown and tests)."""
        while self._pending:
            await asyncio.gather(*list(self._pending), return_exceptions=True)

    # --- internals -------------------------------------------------------------------------------

    @staticmethod
    def _conversation_key(asker: Asker) -> str | None:
        return f"{asker.channel}:{asker.user_key}" if asker.user_key else None

    def _remember(self, key: str | None, result: MatchResult, context: Context | None) -> None:
        if result.status == ANSWER and result.topic:
            self.conversations.remember(key, Context(result.topic, tuple(c.topic for c in result.candidates if c.topic != result.topic)))
        elif result.status == CLARIFY:
            self.conversations.remember(key, Context(None, tuple(c.topic for c in result.candidates)))
        elif result.status == FOLLOWUP and context is not None:
            self.conversations.remember(key, context)  # a follow-up keeps the conversation alive

    def _log_later(self, result: MatchResult, asker: Asker, text: str) -> None:
        if self.db is None:
            return
        task = asyncio.get_running_loop().create_task(self._log(result, asker, text))
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)

    async def _log(self, result: MatchResult, asker: Asker, text: str) -> None:
        assert self.db is not None  # only called when there is a database
        row = dict(
            channel=asker.channel, lang=result.lang, status=result.status, topic=result.topic, score=result.score,
            urgent=result.urgent, municipality=asker.municipality, user_key=asker.user_key,
            text=redact_personal_data(_text_for_log(text)),
        )
        for delay in (*LOG_RETRY_SECONDS, None):
            try:
                await self.db.write(log_question, **row)
                return
            except sqlite3.OperationalError as exc:  # "database is locked": the row waits, the resident does not
                if delay is None:
                    log.error("gave up logging a question after retries: %s", exc)
                    return
                log.warning("question log waits for the database (%s); retrying in %ss", exc, delay)
                await asyncio.sleep(delay)
            except Exception:  # statistics must never cost a resident their answer
                log.exception("could not log a question")
                return


def _text_for_log(text: str) -> str:
    """At most MAX_LOGGED_CHARS characters, with lone surrogates (broken emoji) replaced so SQLite can store it."""
    return text[:MAX_LOGGED_CHARS].encode("utf-8", "replace").decode("utf-8")
