"""Checking a pasted SMS, e-mail or chat message for the signs of fraud.

The signals, their weights and the advice are data (`knowledge/_signals.yaml`, read into
`KnowledgeBase.signals`); this module finds them in a message and rates the risk:

- every signal found adds its weight;
- a message that asks for nothing – no link, no code, no money, no call, no app – stays low,
  unless a signal is fraud on its own (weight 4);
- high: a weight-4 signal, or something asked and the weights reach `risk.high`; medium: something
  asked and the weights reach `risk.medium`.

The check never calls a message safe: a low result says so, and every result ends with what to do
now ("Gör så här nu"), fitted to the risk and the signals found.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from bot.core.checking.links import Link, find_links
from bot.core.content.text import fold
from bot.core.knowledge.signals import Signals
from bot.core.matching.language import detect_language

HIGH, MEDIUM, LOW = "high", "medium", "low"
MAX_CHARS = 20_000  # a pasted message longer than this is checked up to here


@dataclass(frozen=True)
class FoundSignal:
    id: str
    explanation: str


@dataclass(frozen=True)
class CheckResult:
    risk: str
    signals: tuple[FoundSignal, ...]  # strongest first
    topics: tuple[str, ...]  # the knowledge topics the signals point to, strongest first
    lang: str
    advice: str  # at low: why low is not "safe"; empty otherwise
    actions: tuple[str, ...] = ()  # what to do now, in order

    def as_dict(self) -> dict[str, Any]:
        return {
            "risk": self.risk,
            "signals": [{"id": s.id, "explanation": s.explanation} for s in self.signals],
            "topics": list(self.topics),
            "lang": self.lang,
            "advice": self.advice,
            "actions": list(self.actions),
        }


def check_message(text: str, signals: Signals, default_lang: str = "sv") -> CheckResult:
    """Look for the signs of fraud in a pasted message and rate the risk high, medium or low.

    `signals` is the knowledge base's `signals`. Never raises, whatever the text holds.
    """
    text = (text or "")[:MAX_CHARS]
    lang = detect_language(text, default_lang)
    folded = fold(text)
    found = link_signals(find_links(text), signals)
    if largest_amount(folded) >= signals.large_amount:
        found.append("large-amount")
    for signal in signals.signals:
        if signal.patterns and _affirmed(signal.patterns, folded, signals.negation) \
                and not any(p.search(folded) for p in signal.unless):
            found.append(signal.id)
    present = set(found)
    counted = [i for i in dict.fromkeys(found) if not signals.by_id[i].needs or present.intersection(signals.by_id[i].needs)]
    counted.sort(key=lambda i: -signals.by_id[i].weight)  # stable: ties keep the file's order
    risk = rate(counted, signals)
    topics = list(dict.fromkeys(t for i in counted for t in signals.by_id[i].topics))
    actions = [a.text(lang) for a in signals.actions_for(risk, set(counted))]
    return CheckResult(
        risk=risk,
        signals=tuple(FoundSignal(i, signals.by_id[i].explanation(lang)) for i in counted),
        topics=tuple(topics[:4]),
        lang=lang,
        advice=signals.low_text(lang) if risk == LOW else "",
        actions=tuple(actions),
    )


def rate(found: list[str], signals: Signals) -> str:
    """The risk of a message with the signals `found` (see the module docstring)."""
    weights = [signals.by_id[i].weight for i in found]
    asks = any(signals.by_id[i].asks for i in found)
    score = sum(weights)
    if any(w >= 4 for w in weights) or asks and score >= signals.high:
        return HIGH
    if asks and score >= signals.medium:
        return MEDIUM
    return LOW


def link_signals(links: tuple[Link, ...], signals: Signals) -> list[str]:
    """Signals from the links in a message. A link to a real domain is no warning sign in itself."""
    found: list[str] = []
    real = signals.real_domains
    unique = {link.ascii_host: link for link in links}  # a paste may repeat one link many times
    for link in unique.values():
        if link.is_under(real):
            continue
        found.append("link")
        if link.ascii_host in signals.shorteners:
            found.append("short-link")
            continue
        if link.is_ip or link.is_idn or link.tld in signals.risky_tlds or link.ascii_host.count("-") >= 2:
            found.append("risky-link")
        if _imitated_brand(link, signals) is not None:
            found.append("lookalike-link")
    return found


def _imitated_brand(link: Link, signals: Signals) -> str | None:
    """The brand a host name imitates ("postnord-se.delivery-track.com"), if any."""
    host = fold(link.host)
    parts = re.split(r"[.\-]", host)
    squashed = "".join(parts)
    for brand, domains in signals.brands.items():
        named = brand in parts or len(brand) >= 5 and brand in squashed
        if named and not link.is_under(domains):
            return brand
    return None


# Thousands as "4 850", "4.850" or "4,850"; a decimal part of one or two digits ("19,50 kr").
_AMOUNT = re.compile(r"\b(\d{1,3}(?:[ .,\u00a0]\d{3})+|\d+)(?:[.,]\d{1,2})? ?(?:kr|kronor|sek|:-)(?!\w)")


def largest_amount(folded: str) -> int:
    """The largest sum in kronor written in the text (0 when none)."""
    amounts = [int(re.sub(r"\D", "", m.group(1))[:12]) for m in _AMOUNT.finditer(folded)]
    return max(amounts, default=0)


_CLAUSE_BREAK = re.compile(r"[.!?\n,;]|\bmen\b|\bbut\b")


def _affirmed(patterns: Iterable[Any], folded: str, negation: re.Pattern[str] | None) -> bool:
    """True when a pattern occurs without a negation just before it in its clause ("vi ber aldrig om koder")."""
    for pattern in patterns:
        for match in pattern.finditer(folded):
            if negation is None:
                return True
            before = folded[max(0, match.start() - 80): match.start()]
            clause = _CLAUSE_BREAK.split(before)[-1]
            if not negation.search(clause):
                return True
    return False
