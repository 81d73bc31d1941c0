"""The guided-session state machine, the same for Telegram groups, the big screen and practice alone.

A session moves through phases: confidence before (when the scenario asks it) -> for each step:
question (votes open, changeable) -> revealed -> ... -> confidence after -> finished. Only the
facilitator reveals and moves on. Participants are opaque keys (keyed hashes made per session by
the channel), so the state never holds a chat or user id.

The pure functions below change a `SessionState`; `bot.core.sessions.service.SessionService` runs
them atomically against SQLite, so every channel sees one truth and a restart loses nothing.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import asdict, dataclass, field
from typing import Any

from bot.core.sessions.model import CONFIDENCE_SCALE, Scenario

BEFORE, QUESTION, REVEALED, AFTER, FINISHED = "before", "question", "revealed", "after", "finished"
CHANNELS = ("telegram", "web", "alone")
# Join codes: no 0/O, 1/I/L, 2/Z, 5/S, 8/B, so a code read off a projector is typed right.
CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
CODE_LENGTH = 6


class Refused(Exception):
    """The action is not allowed now; `reason` is a stable key the channels turn into text."""

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(reason)


@dataclass
class SessionState:
    code: str
    scenario_id: str
    channel: str
    facilitator: str
    phase: str
    step: int = 0
    started_on: str = ""
    result_id: int | None = None
    joined: list[str] = field(default_factory=list)
    votes: dict[str, dict[str, int]] = field(default_factory=dict)  # step index -> key -> option
    before: dict[str, int] = field(default_factory=dict)
    after: dict[str, int] = field(default_factory=dict)
    # Started without a facilitator code: it runs like any other but leaves no figures behind.
    practice: bool = False

    def to_json(self) -> str:
        return json.dumps(asdict(self), separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> SessionState:
        return cls(**json.loads(text))

    def step_votes(self, step: int | None = None) -> dict[str, int]:
        return self.votes.get(str(self.step if step is None else step), {})

    def vote_of(self, key: str) -> int | None:
        return self.step_votes().get(key)


@dataclass(frozen=True)
class StepTally:
    step_id: str
    counts: tuple[int, ...]
    safe: tuple[int, ...]

    @property
    def answered(self) -> int:
        return sum(self.counts)

    @property
    def safe_share(self) -> float | None:
        return sum(self.counts[i] for i in self.safe) / self.answered if self.answered else None


@dataclass(frozen=True)
class Summary:
    """What the group did, without anyone's identity: the same figures that are stored."""

    scenario_id: str
    participants: int
    steps: tuple[StepTally, ...]
    before: tuple[int, ...]  # how many answered 1..5
    after: tuple[int, ...]

    @staticmethod
    def average(distribution: tuple[int, ...]) -> float | None:
        n = sum(distribution)
        return sum(v * c for v, c in zip(CONFIDENCE_SCALE, distribution)) / n if n else None

    def as_result(self) -> dict[str, Any]:
        return {
            "participants": self.participants,
            "answers": {t.step_id: list(t.counts) for t in self.steps},
            "confidence_before": list(self.before),
            "confidence_after": list(self.after),
        }


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(text: str) -> str:
    """What a person typed, as a code: case and spaces do not matter."""
    return "".join(ch for ch in (text or "").upper() if not ch.isspace() and ch != "-")[:20]


def new_state(code: str, scenario: Scenario, channel: str, facilitator: str, today: str) -> SessionState:
    if channel not in CHANNELS:
        raise ValueError(f"channel must be one of {CHANNELS}")
    return SessionState(code, scenario.id, channel, facilitator, BEFORE if scenario.has_confidence else QUESTION, started_on=today)


def join(state: SessionState, key: str) -> None:
    if state.phase == FINISHED:
        raise Refused("finished")
    if key not in state.joined:
        state.joined.append(key)


def cast_vote(state: SessionState, scenario: Scenario, key: str, step: int, option: int) -> bool:
    """Record or change `key`'s answer to `step`; returns True when it changed an earlier vote."""
    if state.phase == FINISHED:
        raise Refused("finished")
    if step != state.step or state.phase not in (QUESTION, REVEALED):
        raise Refused("wrong_step")
    if state.phase == REVEALED:
        raise Refused("revealed")
    if not 0 <= option < len(scenario.steps[step].options):
        raise Refused("bad_option")
    join(state, key)
    votes = state.votes.setdefault(str(step), {})
    changed = key in votes and votes[key] != option
    votes[key] = option
    return changed


def set_confidence(state: SessionState, key: str, moment: str, value: int) -> None:
    """Record how sure `key` is (1-5) before or after; changeable until the facilitator moves on."""
    if value not in CONFIDENCE_SCALE:
        raise Refused("bad_option")
    expected = BEFORE if moment == "before" else AFTER
    if state.phase != expected:
        raise Refused("wrong_step")
    join(state, key)
    (state.before if moment == "before" else state.after)[key] = value


def reveal(state: SessionState, actor: str) -> None:
    _only_facilitator(state, actor)
    if state.phase == REVEALED:
        return  # pressing twice is harmless
    if state.phase != QUESTION:
        raise Refused("wrong_step")
    state.phase = REVEALED


def advance(state: SessionState, scenario: Scenario, actor: str) -> None:
    """The facilitator moves on: to the next step, the closing confidence question, or the end."""
    _only_facilitator(state, actor)
    if state.phase == BEFORE:
        state.phase, state.step = QUESTION, 0
    elif state.phase == QUESTION:
        raise Refused("not_revealed")
    elif state.phase == REVEALED and state.step + 1 < len(scenario.steps):
        state.phase, state.step = QUESTION, state.step + 1
    elif state.phase == REVEALED:
        state.phase = AFTER if scenario.has_confidence else FINISHED
    elif state.phase == AFTER:
        state.phase = FINISHED
    else:
        raise Refused("finished")


def finish(state: SessionState, actor: str) -> None:
    """End early (the facilitator's choice); what was answered so far is kept."""
    _only_facilitator(state, actor)
    state.phase = FINISHED


def forget_people(state: SessionState) -> None:
    """At the end only the figures stay: drop every participant key from the live state."""
    state.joined = [f"p{i}" for i in range(len(state.joined))]
    state.votes = {step: {f"p{i}": option for i, option in enumerate(votes.values())} for step, votes in state.votes.items()}
    state.before = {f"p{i}": v for i, v in enumerate(state.before.values())}
    state.after = {f"p{i}": v for i, v in enumerate(state.after.values())}
    state.facilitator = ""


def tally(state: SessionState, scenario: Scenario, step: int) -> StepTally:
    counts = [0] * len(scenario.steps[step].options)
    for option in state.step_votes(step).values():
        if 0 <= option < len(counts):
            counts[option] += 1
    return StepTally(scenario.steps[step].id, tuple(counts), scenario.steps[step].safe_options)


def summarise(state: SessionState, scenario: Scenario) -> Summary:
    def distribution(answers: dict[str, int]) -> tuple[int, ...]:
        return tuple(sum(1 for v in answers.values() if v == n) for n in CONFIDENCE_SCALE)

    reached = state.step + 1 if state.phase in (REVEALED, AFTER, FINISHED) else state.step
    steps = tuple(tally(state, scenario, i) for i in range(min(reached, len(scenario.steps))))
    return Summary(scenario.id, len(state.joined), steps, distribution(state.before), distribution(state.after))


def _only_facilitator(state: SessionState, actor: str) -> None:
    if state.phase == FINISHED:
        raise Refused("finished")
    if not actor or actor != state.facilitator:
        raise Refused("not_facilitator")
