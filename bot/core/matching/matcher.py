"""Matching a resident's text to what they need: a topic, a choice, a follow-up, or an honest "I don't know".

`Matcher.match` runs four steps, each a separate model or rule with its own module:
1. the language (`bot.core.matching.language`): other languages than Swedish and English get a card;
2. urgency (`TrainedModels.urgency`): is it happening right now, and what kind of situation;
3. a follow-up (`TrainedModels.followups`), only when the conversation has a recent topic;
4. the topic (`TrainedModels.topics`) and the learned decision (`bot.core.matching.decision`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from bot.core.knowledge.model import KnowledgeBase
from bot.core.matching.decision import Boundary, decide
from bot.core.matching.features import text_features
from bot.core.matching.language import ANSWERED, identify_language
from bot.core.matching.models import NO_FOLLOWUP, NOT_URGENT, OUT_OF_SCOPE, TrainedModels

ANSWER, CLARIFY, FALLBACK, FOLLOWUP, LANGUAGE = "answer", "clarify", "fallback", "followup", "language"
FOLLOWUP_MAX_WORDS = 16  # a longer message is a new question, even right after an answer


@dataclass(frozen=True)
class Candidate:
    topic: str
    score: float


@dataclass(frozen=True)
class Context:
    """What the conversation was about a moment ago (see `bot.core.answering.conversation`)."""

    topic: str | None
    offered: tuple[str, ...] = ()  # the other topics that were offered with it


@dataclass(frozen=True)
class MatchResult:
    """What the matcher decided about one message; the fields of the CLI's and API's JSON.

    status: answer (one topic), clarify (two or three topics to choose from), fallback (nothing
    fits), followup (a follow-up to the previous answer: see `followup`) or language (written in a
    language we do not answer in: see `language`).
    """

    status: str
    topic: str | None
    score: float  # the model's probability for `topic` (or for the best candidate)
    candidates: tuple[Candidate, ...]  # answer: the best three, answer first; clarify: the choice; else best guesses
    urgent: bool
    lang: str  # the language of the reply: sv or en
    text: str = field(default="", repr=False)
    situation: str | None = None  # when urgent: call | door | inside | pay | remote
    followup: str | None = None  # what_now | already_did | did_right | not_that
    language: str = ""  # the language the text was written in (ISO 639-1), e.g. "ar"
    confidence: float = 0.0  # P(the answer is right), from the decision's confidence model

    def as_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "topic": self.topic,
            "score": round(self.score, 3),
            "confidence": round(self.confidence, 3),
            "candidates": [{"topic": c.topic, "score": round(c.score, 3)} for c in self.candidates],
            "urgent": self.urgent,
            "situation": self.situation,
            "followup": self.followup,
            "lang": self.lang,
            "language": self.language or self.lang,
        }


class Matcher:
    """Answers `match(text)` from the trained models of one knowledge base; never raises on odd input."""

    def __init__(self, kb: KnowledgeBase, models: TrainedModels, boundary: Boundary):
        self.kb = kb
        self.models = models
        self.boundary = boundary
        self.topic_model = models.topics.with_temperature(boundary.temperature)

    def match(self, text: str, default_lang: str = "sv", context: Context | None = None) -> MatchResult:
        text = text or ""
        if not text.strip():
            return MatchResult(FALLBACK, None, 0.0, (), False, default_lang, text)
        language = identify_language(text, default_lang)
        if language not in ANSWERED and self._speaks_our_words(text):
            language = default_lang  # "kapat konto facebook": short Swedish that only looks foreign to trigrams
        lang = language if language in ANSWERED else default_lang
        vector = self.topic_model.vector(text)  # the three models share one vocabulary: one vector serves all
        situation = self._situation(vector)
        urgent = situation is not None
        if language not in ANSWERED:
            return MatchResult(LANGUAGE, None, 0.0, (), urgent, lang, text, situation, language=language)
        words = len(re.findall(r"\w+", text))
        if context is not None and context.topic and words <= FOLLOWUP_MAX_WORDS:
            intent = self._followup(vector)
            if intent:
                return MatchResult(FOLLOWUP, context.topic, 1.0, tuple(Candidate(t, 0.0) for t in context.offered),
                                   urgent, lang, text, situation, intent, language)
        ranked, out_of_scope = self._rank(vector)
        decision = decide(self.boundary, ranked, out_of_scope, words)
        candidates = tuple(Candidate(t, p) for t, p in decision.offered)
        score = ranked[0][1] if ranked else 0.0
        return MatchResult(decision.status, decision.topic, score, candidates, urgent, lang, text, situation,
                           language=language, confidence=decision.confidence)

    def _speaks_our_words(self, text: str) -> bool:
        """True when most of a Latin-script text's words are words the knowledge base itself uses."""
        words = [w for w in re.findall(r"[^\W\d_]+", text.lower()) if len(w) > 2]
        if not words or any(not ("a" <= ch <= "z" or ch in "åäöéü") for w in words for ch in w):
            return False
        vocabulary = self.topic_model.vocabulary
        known = sum(any(f in vocabulary for f in text_features(w) if f.startswith("w:")) for w in words)
        return known * 2 > len(words)

    def rank(self, text: str) -> tuple[list[tuple[str, float]], float]:
        """Topics by probability (best first, only those the knowledge base has) and P(not about fraud)."""
        return self._rank(self.topic_model.vector(text))

    def _rank(self, vector: tuple[Any, Any]) -> tuple[list[tuple[str, float]], float]:
        probabilities = self.topic_model.probabilities_of(vector)
        out_of_scope = probabilities.pop(OUT_OF_SCOPE, 0.0)
        ranked = sorted(((t, p) for t, p in probabilities.items() if t in self.kb.topics), key=lambda tp: (-tp[1], tp[0]))
        return ranked, out_of_scope

    def situation(self, text: str) -> str | None:
        """The situation going on right now (call, door, inside, pay, remote), or None."""
        return self._situation(self.topic_model.vector(text))

    def _situation(self, vector: tuple[Any, Any]) -> str | None:
        probabilities = self.models.urgency.probabilities_of(vector)
        if 1.0 - probabilities.get(NOT_URGENT, 1.0) < self.boundary.urgent_at:
            return None
        probabilities.pop(NOT_URGENT, None)
        return max(probabilities, key=probabilities.__getitem__)

    def followup(self, text: str) -> str | None:
        """The follow-up intent of a short message written right after an answer, or None."""
        return self._followup(self.topic_model.vector(text))

    def _followup(self, vector: tuple[Any, Any]) -> str | None:
        probabilities = self.models.followups.probabilities_of(vector)
        probabilities.pop(NO_FOLLOWUP, None)
        if not probabilities:
            return None
        intent = max(probabilities, key=probabilities.__getitem__)
        return intent if probabilities[intent] >= self.boundary.followup_at else None
