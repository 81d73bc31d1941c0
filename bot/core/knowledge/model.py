"""The knowledge base as immutable dataclasses, built by `loader.load_knowledge`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

LANGS = ("sv", "en")


@dataclass(frozen=True)
class Source:
    url: str
    title: str


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

    def text(self, lang: str) -> TopicText:
        """The topic in `lang`, falling back to Swedish."""
        return self.texts.get(lang) or self.texts["sv"]

    def is_overdue(self, today: date, review_days: int) -> bool:
        return (today - self.reviewed).days > review_days


@dataclass(frozen=True)
class ContactText:
    urgent: str
    not_your_fault: str
    footer: tuple[str, ...]
    fallback: str


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

    def get(self, topic_id: str) -> Topic | None:
        return self.topics.get(topic_id)

    def by_category(self) -> dict[str, list[Topic]]:
        groups: dict[str, list[Topic]] = {}
        for topic in self.topics.values():
            groups.setdefault(topic.category, []).append(topic)
        return groups
