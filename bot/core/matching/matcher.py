"""Match a resident's free-text question to knowledge topics: answer, clarify or fallback."""

from __future__ import annotations

import heapq
import math
from collections import defaultdict
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from bot.core.knowledge.model import KnowledgeBase
from bot.core.language import detect_language
from bot.core.matching.index import TopicIndex
from bot.core.matching.urgency import is_urgent
from bot.core.text import content_tokens

ANSWER, CLARIFY, FALLBACK = "answer", "clarify", "fallback"
MAX_WORDS = 120
PHRASE_SHARE = 0.8  # how much the single best phrase counts against the topic's whole vocabulary
FUZZ_SHARE = 0.2  # how much rapidfuzz's whole-phrase similarity counts against the word overlap
FUZZ_TOP = 40  # phrases (best word overlap first) that also get the whole-phrase comparison
COMMON_SHARE = 0.25  # words in more than this share of topics do not select candidates on their own  # a 4,096-character paste is cut to its first words for matching


@dataclass(frozen=True)
class Thresholds:
    """Score limits (0–1) deciding between answer, clarify and fallback; tuned on tests/data."""

    answer: float = 0.44
    margin: float = 0.06
    sure: float = 0.62
    clarify: float = 0.30
    clarify_window: float = 0.15
    coverage: float = 0.4  # below this share of the question explained, not even a question back
    evidence: float = 5.0  # summed weight of the words that matched; below it, never a direct answer


@dataclass(frozen=True)
class TopicScore:
    score: float  # 0–1
    evidence: float  # summed weight of the question's words found in the topic
    coverage: float  # share (0–1) of the question's meaning the topic accounts for
    about_fraud: bool = True  # the question has a word from a topic title or keyword


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
        scores = self.score_topics(text)
        ranked = sorted(scores.items(), key=lambda kv: (-kv[1].score, kv[0]))
        candidates = tuple(Candidate(t, s.score) for t, s in ranked[:5])
        th = self.thresholds
        top = ranked[0][1] if ranked else TopicScore(0.0, 0.0, 0.0)
        best = top.score
        second = ranked[1][1].score if len(ranked) > 1 else 0.0
        # Too few matching words (e.g. one everyday word) never gives a direct answer, and a question
        # mostly about something else (words the knowledge base does not know) not even a question back.
        confident = top.evidence >= th.evidence
        if confident and best >= th.answer and (best - second >= th.margin or best >= th.sure):
            status, topic = ANSWER, ranked[0][0]
        elif best >= th.clarify and top.coverage >= th.coverage and top.about_fraud:
            status, topic = CLARIFY, None
            candidates = tuple(c for c in candidates[:3] if c.score >= best - th.clarify_window)
            if len(candidates) == 1 and confident:
                status, topic = ANSWER, candidates[0].topic
        else:
            status, topic = FALLBACK, None
        return MatchResult(status, topic, best, candidates[:3], urgent, lang, text)

    def score_topics(self, text: str) -> dict[str, TopicScore]:
        """Score every topic that shares at least one word with `text`."""
        words = content_tokens(text)[:MAX_WORDS]
        if not words:
            return {}
        index = self.index
        query: dict[str, float] = {}  # stem -> weight
        query_norm_sq = 0.0
        for word in words:
            found = index.lookup(word)
            if not found:
                if not word.isdigit():  # a phone number or amount says nothing about the topic
                    query_norm_sq += index.unknown_weight**2
                continue
            for s, confidence in found:
                w = index.idf[s] * confidence
                if w > query.get(s, 0.0):
                    query_norm_sq += w * w - query.get(s, 0.0) ** 2
                    query[s] = w
        if not query:
            return {}
        query_norm = math.sqrt(query_norm_sq)
        about_fraud = any(s in index.headline_stems for s in query)
        query_text = " ".join(words)
        phrases = index.phrases
        best_phrase: dict[str, float] = {}
        cosines = {idx: dot / (query_norm * phrases[idx].norm) for idx, dot in self._dot_products(query).items()}
        for idx, cosine in cosines.items():
            topic = phrases[idx].topic
            if (1 - FUZZ_SHARE) * cosine > best_phrase.get(topic, 0.0):
                best_phrase[topic] = (1 - FUZZ_SHARE) * cosine
        # Whole-phrase similarity (typos, word order) only for the phrases that could win.
        for idx in heapq.nlargest(FUZZ_TOP, cosines, key=cosines.__getitem__):
            phrase, cosine = phrases[idx], cosines[idx]
            spelling = fuzz.token_sort_ratio(query_text, phrase.text) / 100 * min(cosine * 2, 1)
            score = (1 - FUZZ_SHARE) * cosine + FUZZ_SHARE * spelling
            if score > best_phrase.get(phrase.topic, 0.0):
                best_phrase[phrase.topic] = score
        scores: dict[str, TopicScore] = {}
        for topic_id, phrase_score in best_phrase.items():
            bag = index.topic_bags[topic_id]
            covered = [w for s, w in query.items() if s in bag]
            coverage = math.sqrt(sum(w * w for w in covered)) / query_norm
            score = min(1.0, PHRASE_SHARE * phrase_score + (1 - PHRASE_SHARE) * coverage)
            scores[topic_id] = TopicScore(score, sum(covered), coverage, about_fraud)
        return scores

    def _dot_products(self, query: dict[str, float]) -> dict[int, float]:
        """Weighted overlap of the query with every phrase that shares a distinctive word with it.

        Words found in most topics ("ringde", "pengar") do not pull in candidates by themselves
        (that is most of the index); they still add to the phrases found through rarer words.
        """
        index = self.index
        rare = [s for s in query if index.topic_share[s] <= COMMON_SHARE] or list(query)
        dots: dict[int, float] = defaultdict(float)
        for s in rare:
            weight = query[s]
            for idx, phrase_weight in index.postings[s]:
                dots[idx] += weight * phrase_weight
        phrases = index.phrases
        for s in query.keys() - set(rare):
            weight = query[s]
            for idx in dots:
                phrase_weight = phrases[idx].weights.get(s)
                if phrase_weight:
                    dots[idx] += weight * phrase_weight
        return dots
