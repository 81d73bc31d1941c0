"""Match a resident's free-text question to knowledge topics: answer, clarify or fallback."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from bot.core.knowledge.model import KnowledgeBase
from bot.core.language import detect_language
from bot.core.matching.index import TopicIndex
from bot.core.matching.urgency import is_urgent
from bot.core.text import content_tokens

ANSWER, CLARIFY, FALLBACK = "answer", "clarify", "fallback"
MAX_WORDS = 120
PHRASE_SHARE = 0.6  # how much the single best phrase counts against the topic's whole vocabulary
FUZZ_SHARE = 0.2  # how much rapidfuzz's whole-phrase similarity counts against the word overlap  # a 4,096-character paste is cut to its first words for matching


@dataclass(frozen=True)
class Thresholds:
    """Score limits (0–1) deciding between answer, clarify and fallback; tuned on tests/data."""

    answer: float = 0.42
    margin: float = 0.06
    sure: float = 0.62
    clarify: float = 0.28
    clarify_window: float = 0.15
    evidence: float = 3.0  # summed weight of the words that matched; below it, never a direct answer


@dataclass(frozen=True)
class Candidate:
    topic: str
    score: float


@dataclass(frozen=True)
class MatchResult:
    """What the matcher decided about one question; the fields of the CLI's and API's JSON."""

    status: str
    topic: str | None
    score: float
    candidates: tuple[Candidate, ...]
    urgent: bool
    lang: str
    text: str = field(default="", repr=False)

    def as_dict(self) -> dict:
        return {
            "status": self.status,
            "topic": self.topic,
            "score": round(self.score, 3),
            "candidates": [{"topic": c.topic, "score": round(c.score, 3)} for c in self.candidates],
            "urgent": self.urgent,
            "lang": self.lang,
        }


class Matcher:
    """Scores every topic for a question with an idf-weighted token overlap plus rapidfuzz."""

    def __init__(self, kb: KnowledgeBase, thresholds: Thresholds | None = None, extra_phrases=None):
        self.kb = kb
        self.index = TopicIndex(kb, extra_phrases)
        self.thresholds = thresholds or Thresholds()

    def match(self, text: str, default_lang: str = "sv") -> MatchResult:
        """Decide what to answer for `text`. Never raises for odd input; empty text is a fallback."""
        text = text or ""
        lang = detect_language(text, default_lang)
        urgent = is_urgent(text)
        scores, evidence = self.score_topics(text)
        ranked = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
        candidates = tuple(Candidate(t, s) for t, s in ranked[:5])
        th = self.thresholds
        best = ranked[0][1] if ranked else 0.0
        second = ranked[1][1] if len(ranked) > 1 else 0.0
        if ranked and evidence[ranked[0][0]] < th.evidence:
            best = min(best, th.answer - 0.01)  # too little to go on: at most a question back
        if best >= th.answer and (best - second >= th.margin or best >= th.sure):
            status, topic = ANSWER, ranked[0][0]
        elif best >= th.clarify:
            status, topic = CLARIFY, None
            candidates = tuple(c for c in candidates[:3] if c.score >= best - th.clarify_window)
            if len(candidates) == 1:
                status, topic = ANSWER, candidates[0].topic
        else:
            status, topic = FALLBACK, None
        return MatchResult(status, topic, best, candidates[:3], urgent, lang, text)

    def score_topics(self, text: str) -> tuple[dict[str, float], dict[str, float]]:
        """Score (0–1) for every topic sharing a word with `text`, and its evidence (matched weight)."""
        words = content_tokens(text)[:MAX_WORDS]
        if not words:
            return {}, {}
        index = self.index
        query: dict[str, float] = {}  # stem -> weight
        query_norm_sq = 0.0
        for word in words:
            found = index.lookup(word)
            if not found:
                query_norm_sq += index.unknown_weight**2
                continue
            for s, confidence in found:
                w = index.idf[s] * confidence
                if w > query.get(s, 0.0):
                    query_norm_sq += w * w - query.get(s, 0.0) ** 2
                    query[s] = w
        if not query:
            return {}, {}
        query_norm = math.sqrt(query_norm_sq)
        query_text = " ".join(words)
        best_phrase: dict[str, float] = {}
        seen: set[int] = set()
        for s in query:
            for idx in index.postings.get(s, ()):
                if idx in seen:
                    continue
                seen.add(idx)
                phrase = index.phrases[idx]
                dot = sum(query[t] * pw for t, pw in phrase.weights.items() if t in query)
                cosine = dot / (query_norm * phrase.norm)
                spelling = fuzz.token_sort_ratio(query_text, phrase.text) / 100 * min(cosine * 2, 1)
                score = (1 - FUZZ_SHARE) * cosine + FUZZ_SHARE * spelling
                if score > best_phrase.get(phrase.topic, 0.0):
                    best_phrase[phrase.topic] = score
        scores: dict[str, float] = {}
        evidence: dict[str, float] = {}
        for topic_id, phrase_score in best_phrase.items():
            bag = index.topic_bags[topic_id]
            covered = [w for s, w in query.items() if s in bag]
            coverage = math.sqrt(sum(w * w for w in covered)) / query_norm
            scores[topic_id] = min(1.0, PHRASE_SHARE * phrase_score + (1 - PHRASE_SHARE) * coverage)
            evidence[topic_id] = sum(covered)
        return scores, evidence
