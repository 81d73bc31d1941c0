"""Load and validate the knowledge folder: a pure function of the files in it."""

from __future__ import annotations

from pathlib import Path

from bot.core import region as regions
from bot.core.content.fields import check_file_id, display_path, open_document
from bot.core.content.text import normalise
from bot.core.content.yaml_lines import Problem
from bot.core.knowledge.examples import SITUATIONS, read_examples
from bot.core.knowledge.local import read_local_files
from bot.core.knowledge.model import LANGS, Contacts, ContactText, KnowledgeBase, Topic, TopicText
from bot.core.knowledge.signals import read_signals
from bot.core.knowledge.source import Source
from bot.core.knowledge.taxonomy import CATEGORIES, TOPIC_IDS

CONTACTS_FILE = "_contacts.yaml"
AUTHORITIES_FILE = "_authority_domains.yaml"
MIN_PHRASES = {"sv": 12, "en": 5}
_TOPIC_FIELDS = {"id", "category", "reviewed", "reviewed_by", "review_note", "expires", "sources", "related", "keywords", *LANGS}
_TEXT_FIELDS = {"title", "summary", "signs", "what_to_do", "if_it_happened", "report", "phrases"}


class KnowledgeError(Exception):
    """The folder does not hold a valid knowledge base; `problems` says where and why."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s) in the knowledge base:\n" + "\n".join(map(str, problems)))


def load_knowledge(folder: Path) -> KnowledgeBase:
    """Load every topic in `folder`, or raise KnowledgeError listing every problem found."""
    kb, problems = validate_knowledge(folder)
    if problems or kb is None:
        raise KnowledgeError(problems)
    return kb


def validate_knowledge(folder: Path) -> tuple[KnowledgeBase | None, list[Problem]]:
    """Check every file in `folder`; return the knowledge base (None when unusable) and all problems."""
    folder = Path(folder)
    if not folder.is_dir():
        return None, [Problem(str(folder), 0, "", "knowledge folder not found")]
    problems: list[Problem] = []
    topics: dict[str, Topic] = {}
    files = sorted(p for p in folder.iterdir() if p.suffix in {".yaml", ".yml"})
    contacts = None
    authorities: tuple[str, ...] = ()
    for path in files:
        display = display_path(path)
        if path.name == CONTACTS_FILE:
            contacts = _read_contacts(path, display, problems)
            continue
        if path.name == AUTHORITIES_FILE:
            authorities = _read_authorities(path, display, problems)
            continue
        if path.name.startswith("_"):
            continue
        topic = _read_topic(path, display, problems)
        if topic is None:
            continue
        if topic.id in topics:
            problems.append(Problem(display, 1, "id", f"duplicate id {topic.id!r} (also in {topics[topic.id].file})"))
            continue
        topics[topic.id] = topic
    if contacts is None and not any(p.file.endswith(CONTACTS_FILE) for p in problems):
        problems.append(Problem(str(folder / CONTACTS_FILE), 0, "", "missing: the numbers every answer ends with"))
    for missing in sorted(set(TOPIC_IDS) - set(topics)):
        problems.append(Problem(str(folder / f"{missing}.yaml"), 0, "id", f"required topic {missing!r} is missing"))
    problems.extend(_cross_checks(topics))
    examples = read_examples(folder, problems)
    signals = read_signals(folder, problems, topics, authorities)
    local_work, language_cards = read_local_files(folder, problems)
    if contacts is None or not topics or signals is None:
        return None, problems
    return KnowledgeBase(topics=topics, contacts=contacts, folder=folder, authority_domains=authorities,
                         examples=examples, signals=signals, local_work=local_work, language_cards=language_cards), problems


def source_warnings(kb: KnowledgeBase) -> list[Problem]:
    """Sources that are not on the authority allowlist: weak ground, shown to staff but not an error.

    A source kept on purpose (no Swedish authority says it) carries a `note` saying why; the warning
    then repeats the note so a reader sees the reason at a glance.
    """
    warnings: list[Problem] = []
    for topic in sorted(kb.topics.values(), key=lambda t: t.id):
        for i, source in enumerate(topic.sources):
            if kb.is_authority(source):
                continue
            line = _line(topic, "sources")
            if source.note:
                warnings.append(Problem(topic.file, line, f"sources[{i}]", f"not an authority ({source.host}), kept: {source.note}"))
            else:
                warnings.append(Problem(topic.file, line, f"sources[{i}]", f"not an authority ({source.host}) and no note says why it is kept"))
    return warnings


def _read_topic(path: Path, display: str, problems: list[Problem]) -> Topic | None:
    opened = open_document(path, display, problems)
    if opened is None:
        return None
    data, r = opened
    r.unknown(data, _TOPIC_FIELDS)
    topic_id = r.text(data, "id")
    if check_file_id(r, topic_id, path) and topic_id not in TOPIC_IDS:
        r.problem(("id",), f"unknown topic id {topic_id!r}: ids are stable API keys, add new ones to bot/core/knowledge/taxonomy.py")
    category = r.text(data, "category")
    if category and category not in CATEGORIES:
        r.problem(("category",), f"expected one of {', '.join(CATEGORIES)}, got {category!r}")
    reviewed = r.day(data, "reviewed")
    reviewed_by = r.text(data, "reviewed_by", max_len=120)
    review_note = r.text(data, "review_note", max_len=600)
    expires = r.day(data, "expires", future_ok=True) if data.get("expires") is not None else None
    sources = tuple(Source(url, title, note) for url, title, note in r.urls(data, "sources"))
    related = r.text_list(data, "related", min_items=0, required=False)
    keywords = tuple(k.lower() for k in r.text_list(data, "keywords", min_items=0, required=False, max_len=40))
    texts: dict[str, TopicText] = {}
    for lang in LANGS:
        block = data.get(lang)
        if block is None:
            r.problem((lang,), f"missing: every topic needs both {' and '.join(LANGS)}")
            continue
        block = r.mapping(block, (lang,))
        r.unknown(block, _TEXT_FIELDS, (lang,))
        texts[lang] = TopicText(
            title=r.text(block, "title", (lang,), max_len=120),
            summary=r.text(block, "summary", (lang,), max_len=600),
            signs=r.text_list(block, "signs", (lang,)),
            what_to_do=r.text_list(block, "what_to_do", (lang,)),
            if_it_happened=r.text_list(block, "if_it_happened", (lang,)),
            report=r.text(block, "report", (lang,), max_len=600),
            phrases=r.text_list(block, "phrases", (lang,), min_items=MIN_PHRASES[lang], max_len=900),
        )
        seen: dict[str, int] = {}
        for i, phrase in enumerate(texts[lang].phrases):
            key = normalise(phrase)
            if key in seen:
                r.problem((lang, "phrases", i), f"same phrase as item {seen[key]} once normalised")
            seen.setdefault(key, i)
    problems.extend(r.problems)
    if r.problems or not topic_id:
        return None
    return Topic(topic_id, category, reviewed, sources, related, keywords, texts, display,
                 reviewed_by=reviewed_by, review_note=review_note, expires=expires)


def _read_contacts(path: Path, display: str, problems: list[Problem]) -> Contacts | None:
    opened = open_document(path, display, problems)
    if opened is None:
        return None
    data, r = opened
    r.unknown(data, {"kind", "reviewed", "sources", *LANGS})
    reviewed = r.day(data, "reviewed")
    sources = tuple(Source(url, title, note) for url, title, note in r.urls(data, "sources"))
    texts: dict[str, ContactText] = {}
    for lang in LANGS:
        block = r.mapping(data.get(lang), (lang,))
        r.unknown(block, {"urgent", "urgent_actions", "not_your_fault", "footer", "fallback", "other_language"}, (lang,))
        actions = r.mapping(block.get("urgent_actions"), (lang, "urgent_actions"))
        r.unknown(actions, set(SITUATIONS), (lang, "urgent_actions"))
        texts[lang] = ContactText(
            urgent=r.text(block, "urgent", (lang,), max_len=300),
            not_your_fault=r.text(block, "not_your_fault", (lang,), max_len=400),
            footer=r.text_list(block, "footer", (lang,), min_items=2),
            fallback=r.text(block, "fallback", (lang,), max_len=600),
            urgent_actions={s: r.text(actions, s, (lang, "urgent_actions"), max_len=200) for s in SITUATIONS},
            other_language=r.text(block, "other_language", (lang,), max_len=400),
        )
        emergency = regions.current().numbers["emergency"]
        for situation, action in texts[lang].urgent_actions.items():
            if action and emergency not in action:
                r.problem((lang, "urgent_actions", situation), f"must end with calling {emergency} (the region's emergency number)")
    problems.extend(r.problems)
    if r.problems:
        return None
    return Contacts(reviewed, sources, texts)


def _read_authorities(path: Path, display: str, problems: list[Problem]) -> tuple[str, ...]:
    """The allowlist of authority domains: `domains:` a list of host names (subdomains count too)."""
    opened = open_document(path, display, problems)
    if opened is None:
        return ()
    data, r = opened
    r.unknown(data, {"kind", "domains"})
    domains = tuple(d.lower().removeprefix("www.") for d in r.text_list(data, "domains", max_len=100))
    for i, domain in enumerate(domains):
        if "/" in domain or "." not in domain or " " in domain:
            r.problem(("domains", i), f"expected a host name such as polisen.se, got {domain!r}")
    problems.extend(r.problems)
    return domains


def _cross_checks(topics: dict[str, Topic]) -> list[Problem]:
    problems: list[Problem] = []
    owner: dict[str, str] = {}
    for topic in topics.values():
        for rel in topic.related:
            if rel == topic.id:
                problems.append(Problem(topic.file, _line(topic, "related"), "related", "a topic cannot relate to itself"))
            elif rel not in topics:
                problems.append(Problem(topic.file, _line(topic, "related"), "related", f"no topic with id {rel!r}"))
        for lang, text in topic.texts.items():
            for phrase in text.phrases:
                key = normalise(phrase)
                if key in owner and owner[key] != topic.id:
                    problems.append(
                        Problem(topic.file, _line(topic, lang), f"{lang}.phrases", f"phrase {phrase!r} is also in {owner[key]!r}: the matcher cannot tell them apart")
                    )
                owner.setdefault(key, topic.id)
    return problems


def _line(topic: Topic, field: str) -> int:
    """Re-find a field's line for cross-file problems (rare, so reading again is fine)."""
    try:
        for number, line in enumerate(Path(topic.file).read_text(encoding="utf-8").splitlines(), 1):
            if line.startswith(f"{field}:"):
                return number
    except OSError:
        pass
    return 1
