"""Follow-up refreshers: one short question 2 and 6 weeks after a session, for those who opted in.

Each round asks the scenario's own question for that round (`Scenario.refreshers`): the same lesson,
asked differently after two weeks and after six. Due times live in SQLite, so a restart neither loses
nor repeats a refresher. The chat id is kept only until the last refresher is sent, then its row is
deleted.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from bot.core.sessions.model import Refresher, Scenario
from bot.storage import sessions as store
from bot.storage.db import AsyncDatabase

REFRESHER_DAYS = (14, 42)
MAX_ATTEMPTS = 3
RETRY_AFTER = timedelta(hours=1)


@dataclass(frozen=True)
class DueRefresher:
    id: int
    chat_id: int
    scenario: Scenario
    refresher: Refresher  # this round's question
    round: int  # 1 after two weeks, 2 after six
    attempts: int


def refresher_times(now: datetime) -> list[tuple[int, str]]:
    """(round, due time) for each refresher of a session held at `now`."""
    return [(i + 1, _iso(now + timedelta(days=days))) for i, days in enumerate(REFRESHER_DAYS)]


class FollowUps:
    """Schedules and hands out refreshers; the channel sends them and reports back."""

    def __init__(self, db: AsyncDatabase, scenarios: Mapping[str, Scenario]):
        self.db = db
        self.scenarios = scenarios

    async def opt_in(self, chat_id: int, scenario_id: str, now: datetime | None = None) -> bool:
        """Schedule both refreshers; False when the scenario has no refresher questions."""
        scenario = self.scenarios.get(scenario_id)
        if scenario is None or not scenario.refreshers:
            return False
        await self.db.write(store.schedule_refreshers, chat_id, scenario_id, refresher_times(now or _utcnow()))
        return True

    async def due(self, now: datetime | None = None, limit: int = 100) -> list[DueRefresher]:
        """Refreshers due at `now`, each with its round's question; rows whose scenario (or whose round's
        question) no longer exists are dropped."""
        rows = await self.db.write(store.due_refreshers, _iso(now or _utcnow()), limit)
        due = []
        for row in rows:
            scenario = self.scenarios.get(row.scenario_id)
            refresher = scenario.refresher_for(row.round) if scenario is not None else None
            if scenario is None or refresher is None:
                await self.db.write(store.refresher_sent, row.id)
                continue
            due.append(DueRefresher(row.id, row.chat_id, scenario, refresher, row.round, row.attempts))
        return due

    async def sent(self, refresher: DueRefresher) -> None:
        await self.db.write(store.refresher_sent, refresher.id)

    async def failed(self, refresher: DueRefresher, *, permanent: bool, now: datetime | None = None) -> None:
        """A blocked chat is given up at once; other failures are retried a few times, an hour apart."""
        if permanent or refresher.attempts + 1 >= MAX_ATTEMPTS:
            await self.db.write(store.refresher_sent, refresher.id)
        else:
            await self.db.write(store.refresher_failed, refresher.id, _iso((now or _utcnow()) + RETRY_AFTER))

    async def answered(self, scenario_id: str, round_: int, option: int, now: datetime | None = None) -> bool | None:
        """Count an answer to round `round_`'s question anonymously; returns whether it was the safe choice
        (None if the scenario, round or option is unknown)."""
        scenario = self.scenarios.get(scenario_id)
        refresher = scenario.refresher_for(round_) if scenario is not None else None
        if refresher is None or not 0 <= option < len(refresher.options):
            return None
        safe = refresher.options[option].safe
        await self.db.write(store.record_refresher_answer, scenario_id, round_, safe, (now or _utcnow()).date().isoformat())
        return safe


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


def _iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds")
