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
# Refresher rounds: round 1 is sent two weeks after a session, round 2 six weeks after (followup.py).
REFRESHER_ROUNDS = 2


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
    """One short question on the scenario's lesson, sent to opted-in participants weeks later."""

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
    refreshers: tuple[Refresher, ...] = ()  # one per round: [0] after two weeks, [1] after six
    file: str = ""

    @property
    def has_confidence(self) -> bool:
        return bool(self.confidence_question)

    def refresher_for(self, round_: int) -> Refresher | None:
        """The question for refresher round `round_` (1 or 2); None when the scenario has none for it."""
        if 1 <= round_ <= len(self.refreshers):
            return self.refreshers[round_ - 1]
        return None

    @property
    def refresher(self) -> Refresher | None:
        """Round 1's question, or None without refreshers.

        Only for callers that just need to know whether there are refreshers: a caller that answers a
        refresher knows its round and must use `refresher_for(round_)`.
        """
        return self.refresher_for(1)

    def step_index(self, step_id: str) -> int:
        for i, step in enumerate(self.steps):
            if step.id == step_id:
                return i
        raise KeyError(step_id)
