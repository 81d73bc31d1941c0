"""Shared fixtures: the shipped knowledge base, temporary copies of it, and fresh databases."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.core.knowledge.loader import load_knowledge
from bot.core.knowledge.store import KnowledgeStore

ROOT = Path(__file__).resolve().parent.parent
KNOWLEDGE = ROOT / "knowledge"
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="session", autouse=True)
def cheap_password_hashing():
    """Staff passwords hashed with cheap argon2 parameters: the suite logs in hundreds of times."""
    from bot.core.staff import accounts as staff

    saved = dict(staff.PASSWORD_HASHING)
    staff.use_password_hashing(time_cost=1, memory_cost=8, parallelism=1)
    yield
    staff.use_password_hashing(**saved)


@pytest.fixture(scope="session")
def kb():
    return load_knowledge(KNOWLEDGE)


@pytest.fixture(scope="session")
def store():
    """The shipped knowledge base with its trained models: built once per test session."""
    return KnowledgeStore(KNOWLEDGE)


@pytest.fixture(scope="session")
def matcher(store):
    return store.matcher


@pytest.fixture
def kb_copy(tmp_path: Path) -> Path:
    """A writable copy of the shipped knowledge folder."""
    target = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, target)
    return target


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "fraudbot.db"
