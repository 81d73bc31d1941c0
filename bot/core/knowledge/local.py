"""Two files staff edit beside the topics: the local follow-up figures and the other-language cards.

- `_local_work.yaml`: what the police and the municipalities published about their promise (figures
  with their sources, where the yearly follow-up is, local contacts). The topic `local-work` shows
  exactly this and never a figure of its own.
- `_language_cards.yaml`: short cards in other languages, each resting on a Swedish authority's page
  in that language. A question in such a language gets its card; without a card, the key numbers in
  Swedish and English.

Both are validated like topics (file, line and field in every problem); both may be missing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from bot.core.content.fields import FieldReader, is_url, read_document
from bot.core.content.yaml_lines import Problem
from bot.core.knowledge.source import Source
from bot.core.region import current as current_region

T = TypeVar("T")

LOCAL_WORK_FILE = "_local_work.yaml"
LANGUAGE_CARDS_FILE = "_language_cards.yaml"


@dataclass(frozen=True)
class Figure:
    year: int
    text: str
    text_en: str
    source: Source


@dataclass(frozen=True)
class LocalContact:
    name: str
    name_en: str
    phone: str
    url: str


@dataclass(frozen=True)
class LocalWork:
    updated: date | None = None
    published_at: Source | None = None
    figures: tuple[Figure, ...] = ()
    contacts: tuple[LocalContact, ...] = ()


@dataclass(frozen=True)
class LanguageCard:
    lang: str
    name: str
    direction: str
    text: str
    source: Source


def read_local_files(folder: Path, problems: list[Problem]) -> tuple[LocalWork, dict[str, LanguageCard]]:
    """Read both files in `folder` (a missing file means nothing published yet)."""
    return _read(folder / LOCAL_WORK_FILE, problems, _local_work, LocalWork()), _read(folder / LANGUAGE_CARDS_FILE, problems, _cards, {})


def _read(path: Path, problems: list[Problem], reader: Callable[[dict[str, Any], FieldReader], T], empty: T) -> T:
    """An optional file: `empty` when it is missing or has problems (which are added)."""
    if not path.is_file():
        return empty
    result = read_document(path, problems, reader, needed_for="")
    return empty if result is None else result


def _source(r: FieldReader, data: Any, path: tuple[Any, ...]) -> Source:
    block = r.mapping(data, path)
    if not block:
        return Source("", "")
    r.unknown(block, {"url", "title"}, path)
    url, title = r.text(block, "url", path), r.text(block, "title", path)
    if url and not is_url(url):
        r.problem((*path, "url"), f"expected an http(s):// address, got {url!r}")
    return Source(url, title)


def _local_work(data: dict[str, Any], r: FieldReader) -> LocalWork:
    r.unknown(data, {"kind", "updated", "published_at", "figures", "contacts"})
    updated = r.day(data, "updated")
    published = data.get("published_at")
    published_at = _source(r, published, ("published_at",)) if isinstance(published, dict) else None
    figures = []
    for i, item in enumerate(data.get("figures") or []):
        path = ("figures", i)
        item = r.mapping(item, path)
        r.unknown(item, {"year", "text", "text_en", "source"}, path)
        figures.append(Figure(r.integer(item, "year", path, low=2000, high=2100), r.text(item, "text", path, max_len=300),
                              r.text(item, "text_en", path, required=False, max_len=300), _source(r, item.get("source"), (*path, "source"))))
    contacts = []
    for i, item in enumerate(data.get("contacts") or []):
        path = ("contacts", i)
        item = r.mapping(item, path)
        r.unknown(item, {"name", "name_en", "phone", "url", "source"}, path)
        contacts.append(LocalContact(r.text(item, "name", path, max_len=120), r.text(item, "name_en", path, required=False, max_len=120),
                                     r.text(item, "phone", path, required=False, max_len=40), r.text(item, "url", path, max_len=300)))
        _source(r, item.get("source"), (*path, "source"))
    return LocalWork(updated, published_at, tuple(figures), tuple(contacts))


def _cards(data: dict[str, Any], r: FieldReader) -> dict[str, LanguageCard]:
    r.unknown(data, {"kind", "cards"})
    cards: dict[str, LanguageCard] = {}
    for i, item in enumerate(data.get("cards") or []):
        path = ("cards", i)
        item = r.mapping(item, path)
        r.unknown(item, {"lang", "name", "direction", "reviewed", "source", "note", "text"}, path)
        lang = r.text(item, "lang", path, max_len=3)
        direction = r.text(item, "direction", path, max_len=3)
        if direction and direction not in ("ltr", "rtl"):
            r.problem((*path, "direction"), f"expected ltr or rtl, got {direction!r}")
        r.day(item, "reviewed", path)
        text = r.text(item, "text", path, max_len=1200)
        for number in current_region().numbers.values():  # the region's emergency, police and support numbers
            if text and number not in text:
                r.problem((*path, "text"), f"must give the number {number}")
        cards[lang] = LanguageCard(lang, r.text(item, "name", path, max_len=40), direction or "ltr", text,
                                   _source(r, item.get("source"), (*path, "source")))
    return cards
