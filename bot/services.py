"""The composition root: builds the core objects once from the settings and hands them to channels."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.config import Config, resolve_content_dir
from bot.core.answering.assistant import Assistant
from bot.core.answering.conversation import ConversationMemory
from bot.core.knowledge.store import KnowledgeStore
from bot.core.matching.models import Taught
from bot.storage.db import AsyncDatabase, open_database
from bot.storage.settings import get_or_create_secret
from bot.storage.taught import list_taught


@dataclass
class Services:
    config: Config
    store: KnowledgeStore
    db: AsyncDatabase
    assistant: Assistant
    hash_key: str

    def close(self) -> None:
        self.db.close()


def taught_questions(rows: list[dict]) -> tuple[Taught, ...]:
    """The taught questions as the answer model's training data."""
    return tuple(Taught(row["text"], row["topic"]) for row in rows)


def build_services(config: Config) -> Services:
    """Open the database, load the knowledge base and train (or load) the answer models.

    Raises KnowledgeError if the knowledge base is unusable, TrainingError if the models cannot be trained.
    """
    raw_db = open_database(config.storage.path)
    cache = Path(config.knowledge.model_cache).expanduser() if config.knowledge.model_cache else None
    store = KnowledgeStore(resolve_content_dir(config.knowledge.path), taught_questions(list_taught(raw_db)), cache)
    hash_key = config.privacy.hash_key.reveal() or get_or_create_secret(raw_db, "pseudonym_key")
    db = AsyncDatabase(raw_db)
    conversations = ConversationMemory(ttl=config.privacy.conversation_minutes * 60.0)
    return Services(config, store, db, Assistant(store, db, config.default_language, conversations), hash_key)
