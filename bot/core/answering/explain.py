"""Why the matcher answers what it does: for the staff "try a question" box. Nothing is logged."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.content.text import normalise
from bot.core.matching.features import text_features
from bot.core.matching.matcher import ANSWER, CLARIFY, FOLLOWUP, LANGUAGE, Matcher, MatchResult

WORDS_SHOWN = 5


@dataclass(frozen=True)
class CandidateWhy:
    topic: str
    score: float  # the model's probability
    words: tuple[str, ...]  # the question's words that pulled most towards this topic


@dataclass(frozen=True)
class MatchExplanation:
    result: MatchResult
    candidates: tuple[CandidateWhy, ...]
    out_of_scope: float  # P(not about fraud)
    reason: str  # one Swedish sentence for staff


def explain_match(matcher: Matcher, text: str, lang: str = "sv", limit: int = 5) -> MatchExplanation:
    """Match `text` as a resident's first question would be, and say what decided the outcome."""
    result = matcher.match(text, lang)
    ranked, out_of_scope = matcher.rank(text) if text.strip() else ([], 0.0)
    candidates = tuple(CandidateWhy(t, p, _pulling_words(matcher, text, t)) for t, p in ranked[:limit] if p >= 0.01)
    return MatchExplanation(result, candidates, out_of_scope, _reason(matcher, result, candidates, out_of_scope))


def _pulling_words(matcher: Matcher, text: str, topic: str) -> tuple[str, ...]:
    """The words whose features add most to `topic`'s score in this question."""
    model = matcher.topic_model
    column = model.classes.index(topic)
    idx, weights = model.vector(text)
    weight_of = dict(zip(idx.tolist(), weights.tolist()))
    pulls: dict[str, float] = {}
    for word in dict.fromkeys(normalise(text).split()):
        indexes = {model.vocabulary[f] for f in text_features(word) if f in model.vocabulary}
        pulls[word] = sum(weight_of.get(i, 0.0) * float(model.coef[i, column]) for i in indexes)
    best = sorted((w for w, v in pulls.items() if v > 0), key=lambda w: -pulls[w])
    return tuple(best[:WORDS_SHOWN])


def _reason(matcher: Matcher, result: MatchResult, candidates: tuple[CandidateWhy, ...], out_of_scope: float) -> str:
    boundary = matcher.boundary
    if result.status == LANGUAGE:
        return f"Frågan är skriven på ett annat språk ({result.language}), så boten visar de viktigaste numren på svenska och engelska."
    if result.status == FOLLOWUP:
        return f"Uppföljning ({result.followup}) på ämnet {result.topic} från nyss."
    if not candidates:
        return "Inget ämne är det minsta troligt, så boten säger ärligt att den inte vet och hänvisar vidare."
    top = candidates[0]
    sure = f"säkerheten {result.confidence:.2f}"
    if result.status == ANSWER:
        return f"Svarar med {result.topic}: {sure} når svarsgränsen {boundary.answer_at:.2f} (sannolikhet {top.score:.2f})."
    if result.status == CLARIFY:
        return (f"Frågar tillbaka mellan {len(result.candidates)} ämnen: {sure} är under svarsgränsen "
                f"{boundary.answer_at:.2f}, och flera ämnen är nästan lika troliga.")
    if out_of_scope >= top.score:
        return f"Inget svar: frågan liknar mest vardagsfrågor som inte handlar om bedrägerier ({out_of_scope:.2f})."
    return (f"Inget svar: {sure} är under svarsgränsen {boundary.answer_at:.2f} och inget annat ämne är nära nog "
            "att erbjuda. Lär boten frågan från listan över obesvarade frågor om den hör till ett ämne.")
