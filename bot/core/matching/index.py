"""A token index over every topic's titles, phrases and keywords, built once per knowledge base."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz, process

from bot.core.knowledge.model import KnowledgeBase
from bot.core.text import content_tokens, stem

# Words that mark a question as being about fraud even when no topic title uses them.
FRAUD_WORDS = (
    "bedrägeri bedragare bluff bluffa lurad lura svindel svindlare falsk falska fejk misstänkt "
    "konstig konstigt oseriös varning hackad kapad stulen "
    "scam scammer fraud fake suspicious hacked stolen trick swindle"
).split()

# How sure a fuzzy token match is compared with an exact one.
FUZZY_WEIGHT = 0.85
SPLIT_WEIGHT = 0.9


@dataclass(frozen=True)
class Phrase:
    topic: str
    text: str  # normalised, stopwords removed
    weights: dict[str, float]  # stem -> weight
    norm: float


class TopicIndex:
    """Stems, their weights (idf over topics) and the phrases they occur in."""

    def __init__(self, kb: KnowledgeBase, extra_phrases: dict[str, list[str]] | None = None):
        raw: list[tuple[str, str]] = []  # topic, phrase text
        headlines: list[str] = list(FRAUD_WORDS)  # titles and keywords: what the topics are about
        for topic in kb.topics.values():
            for text in topic.texts.values():
                raw.append((topic.id, text.title))
                raw.extend((topic.id, p) for p in text.phrases)
                headlines.append(text.title)
            raw.extend((topic.id, k) for k in topic.keywords)
            headlines.extend(topic.keywords)
        for topic_id, phrases in (extra_phrases or {}).items():
            raw.extend((topic_id, p) for p in phrases)
        tokenised = [(t, content_tokens(p)) for t, p in raw]
        self.vocabulary: set[str] = {stem(w) for _, words in tokenised for w in words}
        self._vocab_list = sorted(self.vocabulary)
        topics_with: dict[str, set[str]] = defaultdict(set)
        stemmed: list[tuple[str, list[str], str]] = []
        for topic_id, words in tokenised:
            stems = [s for w in words for s, _ in self.expand(w)]
            stemmed.append((topic_id, stems, " ".join(words)))
            for s in stems:
                topics_with[s].add(topic_id)
        n_topics = max(len(kb.topics), 1)
        # idf over topics: a word in every topic says nothing, a word in one topic says a lot.
        self.idf = {s: math.log((n_topics + 1) / len(ts)) for s, ts in topics_with.items()}
        self.topic_share = {s: len(ts) / n_topics for s, ts in topics_with.items()}
        # A word the knowledge base has never seen counts as informative as the rarest known word:
        # a question made mostly of unknown words is about something else.
        self.unknown_weight = max(self.idf.values(), default=1.0)
        self.phrases: list[Phrase] = []
        self.postings: dict[str, list[tuple[int, float]]] = defaultdict(list)  # stem -> (phrase, weight)
        self.topic_bags: dict[str, dict[str, float]] = defaultdict(dict)
        for topic_id, stems, text in stemmed:
            if not stems:
                continue
            weights = {s: self.idf[s] for s in stems}
            norm = math.sqrt(sum(w * w for w in weights.values()))
            idx = len(self.phrases)
            self.phrases.append(Phrase(topic_id, text, weights, norm))
            for s, w in weights.items():
                self.postings[s].append((idx, w))
                self.topic_bags[topic_id][s] = weights[s]
        # Stems that say what the topics are about. Without one, a question is not offered topics to
        # choose from: "when is the library open?" shares a word with a phrase but is not about fraud.
        self.headline_stems = {s for h in headlines for w in content_tokens(h) for s, _ in self.expand(w)}
        self._lookup = lru_cache(maxsize=50_000)(self._lookup_uncached)

    def expand(self, word: str) -> list[tuple[str, float]]:
        """The stem of a knowledge-base word plus its compound parts, so both spellings meet."""
        return [(stem(word), 1.0)] + [(p, SPLIT_WEIGHT) for p in self._split(word)]

    def _split(self, word: str) -> list[str]:
        """Split a Swedish compound ("kortbedrägeri") into two known stems, if it is one."""
        vocab = self.vocabulary
        if len(word) < 7:
            return []
        for i in range(3, len(word) - 2):
            left, right = word[:i], word[i:]
            right_stem = stem(right)
            if right_stem not in vocab:
                continue
            for candidate in (left, left[:-1] if left.endswith("s") else None):
                if candidate and len(candidate) >= 3 and stem(candidate) in vocab:
                    return [stem(candidate), right_stem]
        return []

    def lookup(self, word: str) -> tuple[tuple[str, float], ...]:
        """Known stems for a resident's word: exact, compound parts, or the closest spelling."""
        return self._lookup(word)

    def _lookup_uncached(self, word: str) -> tuple[tuple[str, float], ...]:
        s = stem(word)
        if s in self.vocabulary:
            return ((s, 1.0),)
        parts = self._split(word)
        if parts:
            return tuple((p, SPLIT_WEIGHT) for p in parts)
        if len(word) < 5:
            return ()
        cutoff = 90 if len(word) < 7 else 85
        best = process.extractOne(s, self._vocab_list, scorer=fuzz.ratio, score_cutoff=cutoff)
        if best:
            return ((best[0], FUZZY_WEIGHT * (best[1] / 100) ** 2),)
        return ()
