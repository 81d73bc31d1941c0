"""Guided sessions in figures: held, participants, safe choices and confidence, per scenario.

Results are already anonymous counts (bot.storage.sessions); this only adds them up.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ScenarioSummary:
    scenario_id: str
    title: str
    held: int
    finished: int
    participants: int
    safe_answers: int
    answers: int
    confidence_before: float | None  # mean on the 1–5 scale
    confidence_after: float | None

    @property
    def safe_share(self) -> float | None:
        return self.safe_answers / self.answers if self.answers else None


def _mean(histogram: list[int]) -> float | None:
    total = sum(histogram)
    return sum((i + 1) * n for i, n in enumerate(histogram)) / total if total else None


def summarise_sessions(results: Iterable[Any], scenarios: dict[str, Any], year: int | None = None) -> list[ScenarioSummary]:
    """One summary per scenario that was held (in `year`, when given), most held first."""
    grouped: dict[str, list[Any]] = {}
    for result in results:
        if year is None or str(result.held_on).startswith(f"{year:04d}"):
            grouped.setdefault(result.scenario_id, []).append(result)
    summaries = []
    for scenario_id, held in grouped.items():
        scenario = scenarios.get(scenario_id)
        safe = answers = 0
        before = [0] * 5
        after = [0] * 5
        for result in held:
            for i, n in enumerate(result.confidence_before[:5]):
                before[i] += n
            for i, n in enumerate(result.confidence_after[:5]):
                after[i] += n
            if scenario is None:
                continue
            for step in scenario.steps:
                counts = result.answers.get(step.id, [])
                answers += sum(counts)
                safe += sum(n for i, n in enumerate(counts) if i in step.safe_options)
        summaries.append(ScenarioSummary(
            scenario_id, scenario.title if scenario else scenario_id, len(held), sum(r.finished for r in held),
            sum(r.participants for r in held), safe, answers, _mean(before), _mean(after)))
    summaries.sort(key=lambda s: (-s.held, s.scenario_id))
    return summaries
