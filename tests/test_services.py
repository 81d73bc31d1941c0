"""The composition root never shows the pseudonym key: not in repr(services), nor in the services that hold it."""

from __future__ import annotations

from bot.config import resolve_content_dir
from bot.core.residents.service import ResidentService
from bot.core.sessions.setup import open_guided_sessions
from bot.storage.settings import get_or_create_secret
from tests.helpers import make_services

KEY_FROM_ENVIRONMENT = "hemlig-nyckel-som-aldrig-far-synas-0123456789"


def test_repr_of_services_and_of_what_holds_the_key_hides_it(tmp_path):
    services = make_services(tmp_path, FRAUDBOT_HASH_KEY=KEY_FROM_ENVIRONMENT)
    try:
        assert services.hash_key == KEY_FROM_ENVIRONMENT
        sessions = open_guided_sessions(resolve_content_dir(services.config.knowledge.scenarios_path), services.db,
                                        services.hash_key, set(services.store.kb.topics))
        holders = [services, services.config, services.config.privacy, ResidentService(services.db, services.hash_key),
                   sessions, sessions.service, sessions.codes]
        for holder in holders:
            assert KEY_FROM_ENVIRONMENT not in repr(holder), type(holder).__name__
            assert KEY_FROM_ENVIRONMENT not in str(holder), type(holder).__name__
    finally:
        services.close()


def test_a_generated_key_kept_in_the_database_is_not_shown_either(tmp_path):
    services = make_services(tmp_path)
    try:
        stored = get_or_create_secret(services.db.db, "pseudonym_key")
        assert services.hash_key == stored and len(stored) >= 32
        assert stored not in repr(services)
    finally:
        services.close()
