"""The knowledge base the running service answers from, reloadable without a restart."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from bot.core.knowledge.loader import load_knowledge, KnowledgeError
from bot.core.knowledge.model import KnowledgeBase
from bot.core.matching.matcher import Matcher
from bot.core.yaml_lines import Problem

log = logging.getLogger(__name__)


@dataclass
class ReloadOutcome:
    ok: bool
    problems: list[Problem] = field(default_factory=list)
    at: datetime = field(default_factory=lambda: datetime.now(timezone.utc))


class KnowledgeStore:
    """Holds the last good knowledge base and its matcher; a broken edit never replaces them."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.kb: KnowledgeBase = load_knowledge(self.folder)  # the first load must succeed
        self.matcher = Matcher(self.kb)
        self.last_outcome = ReloadOutcome(ok=True)
        self._stamp = self._fingerprint()

    def reload(self) -> ReloadOutcome:
        """Load the folder again; on any problem keep serving the previous version and say why."""
        stamp = self._fingerprint()
        try:
            kb = load_knowledge(self.folder)
        except KnowledgeError as exc:
            log.warning("knowledge reload refused, still serving the previous version: %s", exc)
            self.last_outcome = ReloadOutcome(ok=False, problems=exc.problems)
            self._stamp = stamp
            return self.last_outcome
        matcher = Matcher(kb)
        # One assignment each: readers see either the old pair or the new one.
        self.kb, self.matcher = kb, matcher
        self._stamp = stamp
        self.last_outcome = ReloadOutcome(ok=True)
        log.info("knowledge reloaded: %d topics", len(kb.topics))
        return self.last_outcome

    def reload_if_changed(self) -> ReloadOutcome | None:
        """Reload when a file in the folder was added, removed or changed since the last look."""
        if self._fingerprint() == self._stamp:
            return None
        return self.reload()

    def _fingerprint(self) -> tuple:
        try:
            return tuple(
                sorted((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in self.folder.glob("*.y*ml"))
            )
        except OSError:
            return ()
