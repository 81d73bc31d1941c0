"""Deciding between a direct answer, a choice of two or three topics, and an honest "I don't know".

The boundary is learned, not hand-set: `benchmarks/fit_decision.py` fits it on the labelled tuned
questions with cross-validation and writes `knowledge/_decision.yaml` (with how it was fitted);
the held-out sets are only used to check it afterwards. The model's probabilities feed a small
logistic model of "the top topic is right"; the thresholds on it and on the runners-up come from
the same fit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

DECISION_FILE = "_decision.yaml"
# What the confidence model looks at, in this order.
CONFIDENCE_FEATURES = ("top", "margin", "out_of_scope", "log_words")


@dataclass(frozen=True)
class Boundary:
    """Everything the decision needs; `conservative()` is used until a fit exists."""

    weights: tuple[float, ...]  # over CONFIDENCE_FEATURES
    bias: float
    answer_at: float  # answer directly when P(top topic is right) reaches this
    offer_ratio: float  # otherwise offer a runner-up whose probability is at least this share of the top's
    offer_min: float  # ... and at least this probability
    temperature: float = 1.0  # divides the topic model's scores before the softmax (calibration)
    urgent_at: float = 0.5  # P(happening now) at which a reply leads with the action and 112
    followup_at: float = 0.6  # P(follow-up intent) at which a message is read as a follow-up
    fitted: dict[str, Any] = field(default_factory=dict[str, Any])  # how and on what it was fitted, for the README and staff

    @classmethod
    def conservative(cls) -> Boundary:
        """Until a fit exists: answer only when the model is clearly sure, offer close runners-up."""
        return cls(weights=(8.0, 4.0, -6.0, 0.0), bias=-5.0, answer_at=0.7, offer_ratio=0.5, offer_min=0.15)

    def confidence(self, top: float, second: float, out_of_scope: float, words: int) -> float:
        """P(the top topic is the right answer), from the confidence model."""
        x = (top, top - second, out_of_scope, math.log1p(words))
        z = self.bias + sum(w * v for w, v in zip(self.weights, x))
        return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))


@dataclass(frozen=True)
class Decision:
    status: str  # answer | clarify | fallback
    topic: str | None
    offered: tuple[tuple[str, float], ...]  # the choice (clarify), or the best three with the answer first
    confidence: float


def decide(boundary: Boundary, ranked: list[tuple[str, float]], out_of_scope: float, words: int) -> Decision:
    """Answer, clarify or fall back, given topics ranked by probability (best first)."""
    if not ranked:
        return Decision("fallback", None, (), 0.0)
    top_topic, top = ranked[0]
    second = ranked[1][1] if len(ranked) > 1 else 0.0
    confidence = boundary.confidence(top, second, out_of_scope, words)
    if confidence >= boundary.answer_at:
        return Decision("answer", top_topic, tuple(ranked[:3]), confidence)
    floor = max(boundary.offer_min, boundary.offer_ratio * top)
    offered = tuple((t, p) for t, p in ranked[:3] if p >= floor)
    if len(offered) >= 2:
        return Decision("clarify", None, offered, confidence)
    # One plausible topic the model is unsure of is not a question worth asking back ("did you
    # mean X?" with one option): say honestly that we do not know, and who to contact.
    return Decision("fallback", None, tuple(ranked[:3]), confidence)


def load_boundary(folder: Path) -> tuple[Boundary, str | None]:
    """The fitted boundary from `folder/_decision.yaml`, or the conservative one and why."""
    path = Path(folder) / DECISION_FILE
    if not path.is_file():
        return Boundary.conservative(), f"{path.name} missing: run `python benchmarks/fit_decision.py` to fit the answer boundary"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        confidence = data["confidence"]
        weights = tuple(float(confidence["weights"][name]) for name in CONFIDENCE_FEATURES)
        boundary = Boundary(
            weights=weights, bias=float(confidence["bias"]), answer_at=float(data["answer_at"]),
            offer_ratio=float(data["offer_ratio"]), offer_min=float(data["offer_min"]),
            temperature=float(data.get("temperature", 1.0)), urgent_at=float(data["urgent_at"]),
            followup_at=float(data["followup_at"]), fitted=dict(data.get("fitted") or {}),
        )
    except (OSError, yaml.YAMLError, KeyError, TypeError, ValueError) as exc:
        return Boundary.conservative(), f"{path.name} unusable ({type(exc).__name__}: {exc}); using the conservative boundary"
    return boundary, None
