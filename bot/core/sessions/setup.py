"""Building the session services once per channel from the scenarios folder."""

from __future__ import annotations

import logging
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path

from bot.core.content.yaml_lines import Problem
from bot.core.sessions.facilitator_codes import FacilitatorCodes
from bot.core.sessions.followup import FollowUps
from bot.core.sessions.loader import validate_scenarios
from bot.core.sessions.model import Scenario
from bot.core.sessions.service import SessionService
from bot.storage.db import AsyncDatabase

log = logging.getLogger(__name__)


@dataclass
class GuidedSessions:
    service: SessionService
    followups: FollowUps
    codes: FacilitatorCodes
    problems: list[Problem] = field(default_factory=list)

    @property
    def scenarios(self) -> dict[str, Scenario]:
        return dict(self.service.scenarios)


def open_guided_sessions(folder: Path, db: AsyncDatabase, hash_key: str, topic_ids: Collection[str]) -> GuidedSessions:
    """Load the scenarios; broken files are logged and left out, the valid ones are offered."""
    scenarios, problems = validate_scenarios(folder, topic_ids)
    for problem in problems:
        log.warning("scenario problem: %s", problem)
    return GuidedSessions(SessionService(db, scenarios, hash_key), FollowUps(db, scenarios), FacilitatorCodes(db, hash_key), problems)
