"""Shared fixtures: the shipped knowledge base, temporary copies of it, and fresh databases."""

from __future__ import annotations

import hashlib
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


@pytest.fixture(scope="session", autouse=True)
def knowledge_built_once():
    """Each knowledge folder is loaded and its models trained once per test session.

    Every test that starts the service builds a `KnowledgeStore`; reading and validating the shipped
    folder and loading its models took most of the web and Telegram tests' time. The result
    (`Loaded`: the knowledge base and its matcher) is immutable, so tests share it while each still
    gets a store of its own to reload. The key is the folder's path, the content of its files and the
    taught questions: an edited copy, a broken file or new taught questions build afresh.
    """
    from bot.core.knowledge import store as knowledge_store

    real_build = knowledge_store.build
    built: dict[tuple, knowledge_store.Loaded] = {}

    def build_once(folder: Path, taught: tuple = (), cache_dir: Path | None = None) -> knowledge_store.Loaded:
        folder = Path(folder).resolve()
        key = (folder, _content_digest(folder), tuple(taught), cache_dir)
        if key not in built:
            built[key] = real_build(folder, taught, cache_dir)
        return built[key]

    knowledge_store.build = build_once
    yield
    knowledge_store.build = real_build


def _content_digest(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


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
