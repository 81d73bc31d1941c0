"""The knowledge base the running service answers from, reloadable without a restart.

A reload reads the folder, retrains the models (or takes them from the training cache) and swaps
knowledge base and matcher in one assignment. A broken file, or a training that fails, keeps the
last good pair serving and says why.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from bot.core.content.yaml_lines import Problem
from bot.core.knowledge.loader import KnowledgeError, load_knowledge
from bot.core.knowledge.model import KnowledgeBase
from bot.core.matching.decision import load_boundary
from bot.core.matching.matcher import Matcher
from bot.core.matching.models import Taught, train
from bot.core.matching.training import TrainingError

log = logging.getLogger(__name__)


@dataclass
class ReloadOutcome:
    ok: bool
    problems: list[Problem] = field(default_factory=list)
    at: datetime = field(default_factory=lambda: datetime.now(timezone.utc))


@dataclass(frozen=True)
class Loaded:
    """A knowledge base with the matcher trained on it: always replaced together."""

    kb: KnowledgeBase
    matcher: Matcher
    taught: tuple[Taught, ...]
    note: str | None = None  # e.g. the decision boundary is not fitted yet


def build(folder: Path, taught: tuple[Taught, ...] = (), cache_dir: Path | None = None) -> Loaded:
    """Load, validate and train; raises KnowledgeError or TrainingError."""
    kb = load_knowledge(folder)
    boundary, note = load_boundary(folder)
    models = train(kb, taught, cache_dir)
    return Loaded(kb, Matcher(kb, models, boundary), taught, note)


class KnowledgeStore:
    """Holds the last good knowledge base and its matcher; a broken edit never replaces them."""

    def __init__(self, folder: Path, taught: tuple[Taught, ...] = (), cache_dir: Path | None = None):
        self.folder = Path(folder)
        self.cache_dir = cache_dir
        self._stamp = self._fingerprint()
        self.loaded = build(self.folder, tuple(taught), cache_dir)  # the first load must succeed
        if self.loaded.note:
            log.warning("%s", self.loaded.note)
        self.last_outcome = ReloadOutcome(ok=True)

    @property
    def kb(self) -> KnowledgeBase:
        return self.loaded.kb

    @property
    def matcher(self) -> Matcher:
        return self.loaded.matcher

    def reload(self, taught: tuple[Taught, ...] | None = None) -> ReloadOutcome:
        """Load the folder again and retrain; on any problem keep serving the previous version."""
        stamp = self._fingerprint()
        taught = self.loaded.taught if taught is None else tuple(taught)
        try:
            loaded = build(self.folder, taught, self.cache_dir)
        except KnowledgeError as exc:
            log.warning("knowledge reload refused, still serving the previous version: %s", exc)
            self.last_outcome = ReloadOutcome(ok=False, problems=exc.problems)
            self._stamp = stamp
            return self.last_outcome
        except TrainingError as exc:
            log.error("retraining failed, still serving the previous version: %s", exc)
            self.last_outcome = ReloadOutcome(ok=False, problems=[Problem(str(self.folder), 0, "", str(exc))])
            self._stamp = stamp
            return self.last_outcome
        self.loaded = loaded  # one assignment: readers see the old pair or the new one
        self._stamp = stamp
        self.last_outcome = ReloadOutcome(ok=True)
        log.info("knowledge reloaded: %d topics, %d taught questions", len(loaded.kb.topics), len(taught))
        return self.last_outcome

    def reload_if_changed(self, taught: tuple[Taught, ...] | None = None) -> ReloadOutcome | None:
        """Reload when a file changed or the taught questions differ from those trained on."""
        taught_changed = taught is not None and tuple(taught) != self.loaded.taught
        if self._fingerprint() == self._stamp and not taught_changed:
            return None
        return self.reload(taught)

    def _fingerprint(self) -> tuple[Any, ...]:
        try:
            return tuple(
                sorted((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in self.folder.glob("*.y*ml"))
            )
        except OSError:
            return ()
