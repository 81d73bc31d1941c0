"""Turning a match or a message check into what a resident reads, independent of the channel.

Channels (CLI, web, Telegram) take a `ReplyView` and lay it out in their own markup; `format_plain`
is the plain-text layout the CLI prints.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.knowledge.model import KnowledgeBase
from bot.core.matching.matcher import ANSWER, CLARIFY, MatchResult
from bot.core.message_check import CheckResult

LABELS = {
    "sv": {
        "signs": "Så känner du igen det",
        "what_to_do": "Gör så här nu",
        "if_it_happened": "Om det redan har hänt",
        "report": "Anmäl",
        "clarify": "Jag är inte säker på vad du menar. Gäller det något av detta?",
        "none": "Inget av dessa",
        "check_high": "Det här ser ut som ett bedrägeri.",
        "check_medium": "Det här meddelandet har varningstecken.",
        "check_low": "Inga tydliga varningstecken.",
        "signals": "Det här hittade jag",
        "related": "Läs mer",
        "not_right": "Inte rätt? Välj ett annat ämne",
        "empty": "Skriv din fråga med egna ord, till exempel: \"Någon ringde och sa att han var från banken\". Du kan också klistra in ett sms eller mejl som du vill att jag tittar på.",
    },
    "en": {
        "signs": "How to recognise it",
        "what_to_do": "What to do now",
        "if_it_happened": "If it has already happened",
        "report": "Report it",
        "clarify": "I'm not sure what you mean. Is it one of these?",
        "none": "None of these",
        "check_high": "This looks like fraud.",
        "check_medium": "This message has warning signs.",
        "check_low": "No clear warning signs.",
        "signals": "What I found",
        "related": "Read more",
        "not_right": "Not right? Choose another topic",
        "empty": "Write your question in your own words, for example: \"Someone called saying he was from my bank\". You can also paste a text message or e-mail for me to look at.",
    },
}


@dataclass(frozen=True)
class Section:
    heading: str
    items: tuple[str, ...]


@dataclass(frozen=True)
class ReplyView:
    """Everything a channel needs to show one reply. Texts are plain, never markup."""

    lang: str
    status: str  # answer | clarify | fallback | check | empty
    urgent: str = ""  # the lead line when something is happening now
    title: str = ""
    intro: str = ""
    sections: tuple[Section, ...] = ()
    topic: str | None = None
    choices: tuple[tuple[str, str], ...] = ()  # (topic id, title) to choose from or read next
    # After a direct answer, the runners-up: "Inte rätt? Välj ett annat ämne" (labels()["not_right"]).
    alternatives: tuple[tuple[str, str], ...] = ()
    footer: tuple[str, ...] = ()


def labels(lang: str) -> dict[str, str]:
    return LABELS.get(lang, LABELS["sv"])


def compose_answer(result: MatchResult, kb: KnowledgeBase) -> ReplyView:
    """The reply to a question: a topic, a choice between topics, or an honest "I don't know"."""
    lang = result.lang
    lab = labels(lang)
    contacts = kb.contacts.text(lang)
    urgent = contacts.urgent if result.urgent else ""
    footer = contacts.footer
    if not result.text.strip():
        return ReplyView(lang, "empty", intro=lab["empty"], footer=footer)
    if result.status == ANSWER and result.topic in kb.topics:
        return compose_topic(kb, result.topic, lang, urgent=urgent)
    if result.status == CLARIFY:
        choices = tuple((c.topic, kb.topics[c.topic].text(lang).title) for c in result.candidates if c.topic in kb.topics)
        return ReplyView(lang, CLARIFY, urgent=urgent, intro=lab["clarify"], choices=choices, footer=footer)
    return ReplyView(lang, "fallback", urgent=urgent, intro=contacts.fallback, footer=footer)


def compose_topic(kb: KnowledgeBase, topic_id: str, lang: str, *, urgent: str = "", happened: bool = False) -> ReplyView:
    """One topic as a reply; `happened` shows what to do if it already happened instead of the signs."""
    topic = kb.topics[topic_id]
    text = topic.text(lang)
    lab = labels(lang)
    contacts = kb.contacts.text(lang)
    if happened:
        sections = (Section(lab["if_it_happened"], text.if_it_happened), Section(lab["report"], (text.report,)))
        intro = contacts.not_your_fault
    else:
        sections = (
            Section(lab["signs"], text.signs),
            Section(lab["what_to_do"], text.what_to_do),
            Section(lab["report"], (text.report,)),
        )
        intro = text.summary
        if topic.category == "guidance" and topic_id == "already-scammed":
            intro = f"{contacts.not_your_fault} {text.summary}"
    choices = tuple((r, kb.topics[r].text(lang).title) for r in topic.related if r in kb.topics)
    return ReplyView(lang, ANSWER, urgent=urgent, title=text.title, intro=intro, sections=sections,
                     topic=topic_id, choices=choices, footer=contacts.footer)


def compose_check(result: CheckResult, kb: KnowledgeBase) -> ReplyView:
    """The reply to a pasted message: the risk, each signal in plain words, and what to do."""
    lang = result.lang
    lab = labels(lang)
    title = lab[f"check_{result.risk}"]
    sections = []
    if result.signals:
        sections.append(Section(lab["signals"], tuple(s.explanation for s in result.signals)))
    intro = result.advice
    choices = tuple((t, kb.topics[t].text(lang).title) for t in result.topics if t in kb.topics)
    return ReplyView(lang, "check", title=title, intro=intro, sections=tuple(sections), choices=choices,
                     footer=kb.contacts.text(lang).footer)


def format_plain(view: ReplyView) -> str:
    """Plain-text layout for terminals and logs of what a resident would read."""
    lines: list[str] = []
    if view.urgent:
        lines += [f"⚠ {view.urgent}", ""]
    if view.title:
        lines.append(view.title.upper() if view.status != "check" else view.title)
    if view.intro:
        lines += [view.intro, ""]
    for section in view.sections:
        lines.append(f"{section.heading}:")
        lines += [f"  • {item}" for item in section.items]
        lines.append("")
    if view.choices:
        lab = labels(view.lang)
        heading = lab["related"] if view.status in {ANSWER, "check"} else ""
        if heading:
            lines.append(f"{heading}:")
        lines += [f"  {i}. {title} ({topic_id})" for i, (topic_id, title) in enumerate(view.choices, 1)]
        if view.status == CLARIFY:
            lines.append(f"  {len(view.choices) + 1}. {lab['none']}")
        lines.append("")
    if view.alternatives:
        lines.append(f"{labels(view.lang)['not_right']}:")
        lines += [f"  – {title} ({topic_id})" for topic_id, title in view.alternatives]
        lines.append("")
    lines += [f"→ {line}" for line in view.footer]
    return "\n".join(lines).strip() + "\n"
