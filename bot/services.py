"""The composition root: builds the core objects once from the settings and hands them to channels."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.config import AlertsConfig, Config, resolve_content_dir
from bot.core.alerts.delivery import Limits, OutboxWorker, Sender
from bot.core.alerts.dispatch import QuietHours
from bot.core.answering.assistant import Assistant
from bot.core.answering.conversation import ConversationMemory
from bot.core.knowledge.store import KnowledgeStore
from bot.core.matching.models import Taught
from bot.core.region import load_region, use_region
from bot.core.residents.service import ResidentService
from bot.core.sessions.setup import GuidedSessions, open_guided_sessions
from bot.storage.db import AsyncDatabase, open_database
from bot.storage.settings import get_or_create_secret
from bot.storage.taught import list_taught


@dataclass
class Services:
    config: Config
    store: KnowledgeStore
    db: AsyncDatabase
    assistant: Assistant
    hash_key: str = field(repr=False)  # the pseudonym key: never in a repr, a log or a traceback

    def close(self) -> None:
        self.db.close()

    @property
    def quiet(self) -> QuietHours:
        """When warnings wait (night), in the configured time zone."""
        return quiet_hours(self.config.alerts)

    @property
    def scenarios_dir(self) -> Path:
        return resolve_content_dir(self.config.knowledge.scenarios_path)

    def residents(self, channel: str) -> ResidentService:
        """Residents as one channel knows them (pseudonymous keys of that channel's ids)."""
        return ResidentService(self.db, self.hash_key, channel)

    def outbox_worker(self, sender: Sender) -> OutboxWorker:
        """The one worker that delivers queued warnings through a channel's sender."""
        alerts = self.config.alerts
        # about two seconds of sending in the paced path's hands: enough to keep it busy, little to give back
        return OutboxWorker(self.db, sender, Limits(in_flight=max(8, int(2 * alerts.messages_per_second)),
                                                    retry_hours=alerts.retry_hours))

    @cached_property
    def guided_sessions(self) -> GuidedSessions:
        """The guided-session services, shared by every channel; built on first use (scenarios load then)."""
        return open_guided_sessions(self.scenarios_dir, self.db, self.hash_key, set(self.store.kb.topics))


def quiet_hours(config: AlertsConfig) -> QuietHours:
    """The settings' quiet hours as the core's `QuietHours`."""
    return QuietHours(config.quiet_start, config.quiet_end, ZoneInfo(config.timezone))


def taught_questions(rows: list[dict]) -> tuple[Taught, ...]:
    """The taught questions as the answer model's training data."""
    return tuple(Taught(row["text"], row["topic"]) for row in rows)


def build_services(config: Config) -> Services:
    """Open the database, load the knowledge base and train (or load) the answer models.

    Raises RegionError if the region file is unusable, KnowledgeError if the knowledge base is unusable, TrainingError if the models cannot be trained.
    """
    use_region(load_region(resolve_content_dir(config.region.path)))  # raises RegionError naming file, line, field
    raw_db = open_database(config.storage.path)
    cache = Path(config.knowledge.model_cache).expanduser() if config.knowledge.model_cache else None
    store = KnowledgeStore(resolve_content_dir(config.knowledge.path), taught_questions(list_taught(raw_db)), cache)
    hash_key = config.privacy.hash_key.reveal() or get_or_create_secret(raw_db, "pseudonym_key")
    db = AsyncDatabase(raw_db)
    conversations = ConversationMemory(ttl=config.privacy.conversation_minutes * 60.0)
    return Services(config, store, db, Assistant(store, db, config.default_language, conversations), hash_key)
