"""Scenarios for guided sessions as immutable dataclasses, built by `loader.load_scenarios`."""

from __future__ import annotations

from dataclasses import dataclass

# What a step shows, with the label used on screens and in chats.
KINDS = {
    "sms": "Sms",
    "call": "Telefonsamtal",
    "door": "Vid dörren",
    "ad": "Annons",
    "chat": "Chatt",
    "email": "Mejl",
    "letter": "Brev",
}
CONFIDENCE_SCALE = (1, 2, 3, 4, 5)


@dataclass(frozen=True)
class Option:
    text: str
    safe: bool
    feedback: str


@dataclass(frozen=True)
class Step:
    """One situation the group talks through: what happens, what to do, and why."""

    id: str
    kind: str
    situation: str
    question: str
    options: tuple[Option, ...]
    explanation: str
    discussion: str

    @property
    def safe_options(self) -> tuple[int, ...]:
        return tuple(i for i, option in enumerate(self.options) if option.safe)

    @property
    def kind_label(self) -> str:
        return KINDS.get(self.kind, self.kind)


@dataclass(frozen=True)
class Refresher:
    """The one short question sent to opted-in participants 2 and 6 weeks later."""

    question: str
    options: tuple[Option, ...]


@dataclass(frozen=True)
class Scenario:
    id: str
    title: str
    audience: str
    minutes: int
    facilitator_notes: str
    topics: tuple[str, ...]
    steps: tuple[Step, ...]
    confidence_question: str = ""
    confidence_after: str = ""
    refresher: Refresher | None = None
    file: str = ""

    @property
    def has_confidence(self) -> bool:
        return bool(self.confidence_question)

    def step_index(self, step_id: str) -> int:
        for i, step in enumerate(self.steps):
            if step.id == step_id:
                return i
        raise KeyError(step_id)
