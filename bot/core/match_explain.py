"""Why the matcher answers what it does: for the staff "try a question" box. Nothing is logged."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.matching.matcher import ANSWER, CLARIFY, Matcher, MatchResult
from bot.core.text import content_tokens


@dataclass(frozen=True)
class CandidateWhy:
    topic: str
    score: float
    evidence: float
    coverage: float
    words: tuple[str, ...]  # the question's words this topic knows


@dataclass(frozen=True)
class MatchExplanation:
    result: MatchResult
    candidates: tuple[CandidateWhy, ...]
    reason: str  # one Swedish sentence for staff


def explain_match(matcher: Matcher, text: str, lang: str = "sv", limit: int = 5) -> MatchExplanation:
    """Match `text` as a resident's question would be, and say which limits decided the outcome."""
    result = matcher.match(text, lang)
    scores = matcher.score_topics(text)
    ranked = sorted(scores.items(), key=lambda kv: (-kv[1].score, kv[0]))[:limit]
    index = matcher.index
    words = content_tokens(text)
    candidates = []
    for topic_id, s in ranked:
        bag = index.topic_bags[topic_id]
        known = tuple(dict.fromkeys(w for w in words if any(stem in bag for stem, _ in index.lookup(w))))
        candidates.append(CandidateWhy(topic_id, s.score, s.evidence, s.coverage, known))
    return MatchExplanation(result, tuple(candidates), _reason(matcher, result, candidates))


def _reason(matcher: Matcher, result: MatchResult, candidates: list[CandidateWhy]) -> str:
    th = matcher.thresholds
    if not candidates:
        return "Inget ämne delar ett enda ord med frågan, så boten säger ärligt att den inte vet och hänvisar vidare."
    top = candidates[0]
    second = candidates[1].score if len(candidates) > 1 else 0.0
    if result.status == ANSWER:
        lead = (f"poängen {top.score:.2f} når säkerhetsgränsen {th.sure:.2f}" if top.score >= th.sure
                else f"poängen {top.score:.2f} når svarsgränsen {th.answer:.2f} och ligger {top.score - second:.2f} före tvåan (krav {th.margin:.2f})")
        return f"Svarar med {result.topic}: {lead}, och belägget {top.evidence:.1f} räcker (krav {th.evidence:.1f})."
    reasons = []
    if top.evidence < th.evidence:
        reasons.append(f"för lite belägg ({top.evidence:.1f} av {th.evidence:.1f})")
    if top.score < th.answer:
        reasons.append(f"poängen {top.score:.2f} är under svarsgränsen {th.answer:.2f}")
    elif top.score - second < th.margin and top.score < th.sure:
        reasons.append(f"tvåan ligger för nära ({top.score - second:.2f}, krav {th.margin:.2f})")
    if result.status == CLARIFY:
        return "Frågar tillbaka mellan de närmaste ämnena: " + ("; ".join(reasons) or "flera ämnen passar lika bra") + "."
    if top.score < th.clarify:
        reasons.append(f"poängen är under gränsen för en motfråga ({th.clarify:.2f})")
    if top.coverage < th.coverage:
        reasons.append(f"ämnet förklarar bara {top.coverage:.0%} av frågan (krav {th.coverage:.0%})")
    return "Inget svar: " + ("; ".join(reasons) or "frågan handlar inte om bedrägerier") + ". Lägg gärna till en fras i rätt ämne."
