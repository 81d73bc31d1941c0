"""Grouping similar unanswered questions, so staff see themes instead of a long list."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import fuzz

from bot.core.content.text import normalise

SIMILAR = 62  # rapidfuzz token_set_ratio (0–100) from which two questions count as the same theme


@dataclass
class QuestionGroup:
    """Questions that read alike; `example` is the first (newest) one."""

    example: dict[str, Any]
    questions: list[dict[str, Any]] = field(default_factory=list)

    @property
    def ids(self) -> list[int]:
        return [q["id"] for q in self.questions]


def group_similar(questions: list[dict[str, Any]], threshold: int = SIMILAR) -> list[QuestionGroup]:
    """Greedy grouping by similarity of the normalised text; largest groups first.

    Each question joins the first group whose example it resembles enough, else starts a new one.
    Good enough for the few hundred unanswered questions a month this service sees.
    """
    groups: list[tuple[str, QuestionGroup]] = []
    for question in questions:
        text = normalise(question.get("text") or "")
        for key, group in groups:
            if text and key and fuzz.token_set_ratio(text, key) >= threshold:
                group.questions.append(question)
                break
        else:
            groups.append((text, QuestionGroup(question, [question])))
    ordered = [g for _, g in groups]
    ordered.sort(key=lambda g: -len(g.questions))
    return ordered
