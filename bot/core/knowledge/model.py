"""The knowledge base as immutable dataclasses, built by `loader.load_knowledge`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from bot.core.knowledge.examples import Examples
from bot.core.knowledge.local import LanguageCard, LocalWork
from bot.core.knowledge.signals import Signals
from bot.core.knowledge.source import Source

LANGS = ("sv", "en")


@dataclass(frozen=True)
class TopicText:
    """One topic in one language."""

    title: str
    summary: str
    signs: tuple[str, ...]
    what_to_do: tuple[str, ...]
    if_it_happened: tuple[str, ...]
    report: str
    phrases: tuple[str, ...]


@dataclass(frozen=True)
class Topic:
    id: str
    category: str
    reviewed: date
    sources: tuple[Source, ...]
    related: tuple[str, ...]
    keywords: tuple[str, ...]
    texts: dict[str, TopicText]
    file: str = ""
    reviewed_by: str = ""  # the reviewer's role (never a person's name)
    review_note: str = ""  # what was checked against the sources on `reviewed`
    expires: date | None = None  # the topic holds dated claims ("Under 2025 ...") to recheck by then

    def text(self, lang: str) -> TopicText:
        """The topic in `lang`, falling back to Swedish."""
        return self.texts.get(lang) or self.texts["sv"]

    def is_overdue(self, today: date, review_days: int) -> bool:
        return (today - self.reviewed).days > review_days

    def is_expired(self, today: date) -> bool:
        """True when the topic's dated claims have passed their `expires` date."""
        return self.expires is not None and today > self.expires


@dataclass(frozen=True)
class ContactText:
    urgent: str
    not_your_fault: str
    footer: tuple[str, ...]
    fallback: str
    urgent_actions: dict[str, str] = field(default_factory=dict)  # situation -> the one action, then 112
    other_language: str = ""  # the key numbers, for a question in a language we do not answer in

    def urgent_lead(self, situation: str | None) -> str:
        """What an urgent reply starts with: the action for the situation, else the general line."""
        return self.urgent_actions.get(situation or "", "") or self.urgent


@dataclass(frozen=True)
class Contacts:
    """The numbers every answer ends with (from `_contacts.yaml`)."""

    reviewed: date
    sources: tuple[Source, ...]
    texts: dict[str, ContactText]

    def text(self, lang: str) -> ContactText:
        return self.texts.get(lang) or self.texts["sv"]


@dataclass(frozen=True)
class KnowledgeBase:
    topics: dict[str, Topic]
    contacts: Contacts
    folder: Path = field(default=Path("knowledge"))
    authority_domains: tuple[str, ...] = ()  # from `_authority_domains.yaml`
    examples: Examples = field(default_factory=Examples)  # what the learned models train on besides phrases
    signals: Signals = field(default_factory=Signals)  # the message check's signals (`_signals.yaml`)
    local_work: LocalWork = field(default_factory=LocalWork)  # published local figures (`_local_work.yaml`)
    language_cards: dict[str, LanguageCard] = field(default_factory=dict)  # `_language_cards.yaml`, by language

    def is_authority(self, source: Source) -> bool:
        """True when `source` is on a domain of the allowlist (or a subdomain of one)."""
        host = source.host
        return any(host == d or host.endswith("." + d) for d in self.authority_domains)

    def get(self, topic_id: str) -> Topic | None:
        return self.topics.get(topic_id)

    def by_category(self) -> dict[str, list[Topic]]:
        groups: dict[str, list[Topic]] = {}
        for topic in self.topics.values():
            groups.setdefault(topic.category, []).append(topic)
        return groups
