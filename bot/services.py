"""The composition root: builds the core objects once from the settings and hands them to channels."""

from __future__ import annotations

from dataclasses import dataclass

from bot.config import Config, resolve_content_dir
from bot.core.assistant import Assistant
from bot.core.knowledge.store import KnowledgeStore
from bot.storage.db import AsyncDatabase, open_database
from bot.storage.settings import get_or_create_secret


@dataclass
class Services:
    config: Config
    store: KnowledgeStore
    db: AsyncDatabase
    assistant: Assistant
    hash_key: str

    def close(self) -> None:
        self.db.close()


def build_services(config: Config) -> Services:
    """Open the database and load the knowledge base; raises KnowledgeError if it is unusable."""
    store = KnowledgeStore(resolve_content_dir(config.knowledge.path))
    raw_db = open_database(config.storage.path)
    hash_key = config.privacy.hash_key.reveal() or get_or_create_secret(raw_db, "pseudonym_key")
    db = AsyncDatabase(raw_db)
    return Services(config, store, db, Assistant(store, db, config.default_language), hash_key)
