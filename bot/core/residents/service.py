"""What residents can do besides asking: municipality, language, subscriptions, feedback,
passing on a scam they received, and erasing everything about themselves."""

from __future__ import annotations

from bot.core.checking import check_message
from bot.core.matching.matcher import ANSWER, Matcher
from bot.core.region import MUNICIPALITIES  # noqa: E402,F401  the region file's, read at each use
from bot.core.residents.pseudonym import user_key
from bot.core.residents.redact import redact_personal_data
from bot.storage import residents as store
from bot.storage.db import AsyncDatabase

OTHER = "other"
MAX_REPORT_CHARS = 2000


class ResidentService:
    """Resident actions over storage; `channel` and the chat id become a pseudonymous key."""

    def __init__(self, db: AsyncDatabase, hash_key: str, channel: str = "telegram"):
        self.db = db
        self.hash_key = hash_key
        self.channel = channel

    def key(self, chat_id: int) -> str:
        return user_key(self.hash_key, self.channel, chat_id)

    async def get(self, chat_id: int) -> store.Resident | None:
        return await self.db.read(store.get_resident, chat_id)

    async def ensure(self, chat_id: int, lang: str) -> store.Resident:
        return await self.db.write(store.ensure_resident, chat_id, self.key(chat_id), lang)

    async def set_municipality(self, chat_id: int, municipality: str) -> None:
        if municipality not in (*MUNICIPALITIES, OTHER):
            raise ValueError(f"unknown municipality {municipality!r}")
        await self.db.write(store.set_municipality, chat_id, municipality)

    async def set_language(self, chat_id: int, lang: str) -> None:
        await self.db.write(store.set_language, chat_id, lang)

    async def subscribe(self, chat_id: int, lang: str, chat_type: str = "private") -> store.Subscription:
        """Record explicit consent; the municipality chosen earlier decides which warnings arrive."""
        resident = await self.ensure(chat_id, lang)
        return await self.db.write(
            store.subscribe, chat_id, municipality=resident.municipality or OTHER, lang=resident.lang, chat_type=chat_type
        )

    async def subscription(self, chat_id: int) -> store.Subscription | None:
        return await self.db.read(store.get_subscription, chat_id)

    async def set_delivery(self, chat_id: int, delivery: str) -> None:
        await self.db.write(store.update_subscription, chat_id, delivery=delivery)

    async def set_topics(self, chat_id: int, topics: tuple[str, ...]) -> None:
        await self.db.write(store.update_subscription, chat_id, topics=topics)

    async def unsubscribe(self, chat_id: int) -> bool:
        return await self.db.write(store.unsubscribe, chat_id)

    async def mark_blocked(self, chat_id: int, reason: str = "blocked") -> None:
        await self.db.write(store.mark_inactive, chat_id, reason)

    async def feedback(self, chat_id: int, topic: str | None, useful: bool) -> None:
        await self.db.write(store.record_feedback, self.key(chat_id), topic, useful)

    async def report_scam(self, chat_id: int, text: str, matcher: Matcher) -> tuple[int, str | None, str]:
        """Keep what a resident passed on, redacted, with the method it looks like; returns (id, method, risk)."""
        text = (text or "")[:MAX_REPORT_CHARS]
        check = check_message(text, matcher.kb.signals)
        match = matcher.match(text)
        method = match.topic if match.status == ANSWER else (check.topics[0] if check.topics else None)
        resident = await self.get(chat_id)
        report_id = await self.db.write(
            store.record_reported_scam, user_key=self.key(chat_id), municipality=resident.municipality if resident else None,
            method=method, risk=check.risk, text=redact_personal_data(text),
        )
        return report_id, method, check.risk

    async def erase(self, chat_id: int) -> dict[str, int]:
        """Remove the resident's subscription, settings, feedback, questions and reports."""
        return await self.db.write(store.erase_resident, chat_id, self.key(chat_id))
