"""Turning a match or a message check into what a resident reads, independent of the channel.

Channels (CLI, web, Telegram) take a `ReplyView` and lay it out in their own markup; `format_plain`
is the plain-text layout the CLI prints.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from bot.core import words
from bot.core.checking import CheckResult
from bot.core.knowledge.model import KnowledgeBase
from bot.core.matching.matcher import ANSWER, CLARIFY, FOLLOWUP, LANGUAGE, MatchResult

LABELS = words.Section("reply")  # {lang: {name: text}} from bot/locale/<lang>/LC_MESSAGES/fraudbot.po


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
    text_lang: str = ""  # the language of `title` and `intro` when it is not `lang` (a language card)
    direction: str = "ltr"  # of `title` and `intro`: "rtl" for Arabic and Persian cards


def labels(lang: str) -> dict[str, str]:
    return LABELS.get(lang) or LABELS["sv"]


def compose_answer(result: MatchResult, kb: KnowledgeBase) -> ReplyView:
    """The reply to a message: a topic, a follow-up in context, a choice, or an honest "I don't know".

    When something is happening right now, `urgent` holds the one action that fits the situation
    and 112; every channel shows it first.
    """
    lang = result.lang
    lab = labels(lang)
    contacts = kb.contacts.text(lang)
    urgent = contacts.urgent_lead(result.situation) if result.urgent else ""
    footer = contacts.footer
    if not result.text.strip():
        return ReplyView(lang, "empty", intro=lab["empty"], footer=footer)
    if result.status == LANGUAGE:
        return compose_other_language(kb, result.language, urgent=urgent)
    if result.status == FOLLOWUP and result.topic in kb.topics:
        return compose_followup(kb, result, urgent)
    if result.status == ANSWER and result.topic in kb.topics:
        alternatives = _titles(kb, (c.topic for c in result.candidates if c.topic != result.topic), lang)
        return replace(compose_topic(kb, result.topic, lang, urgent=urgent), alternatives=alternatives)
    if result.status == CLARIFY:
        choices = _titles(kb, (c.topic for c in result.candidates), lang)
        return ReplyView(lang, CLARIFY, urgent=urgent, intro=lab["clarify"], choices=choices, footer=footer)
    return ReplyView(lang, "fallback", urgent=urgent, intro=contacts.fallback, footer=footer)


def compose_followup(kb: KnowledgeBase, result: MatchResult, urgent: str = "") -> ReplyView:
    """A follow-up answered in the context of the topic a moment ago."""
    lang, topic_id = result.lang, result.topic
    assert topic_id is not None  # a follow-up is about the topic of a moment ago
    lab = labels(lang)
    text = kb.topics[topic_id].text(lang)
    offered = tuple(c.topic for c in result.candidates)
    if result.followup == "already_did":
        return compose_topic(kb, topic_id, lang, urgent=urgent, happened=True)
    if result.followup == "did_right":
        return ReplyView(lang, ANSWER, urgent=urgent, title=lab["did_right"], intro=lab["did_right_why"],
                         sections=(Section(lab["report"], (text.report,)),), topic=topic_id,
                         footer=kb.contacts.text(lang).footer)
    if result.followup == "not_that":
        choices = _titles(kb, (t for t in offered if t != topic_id), lang)
        if len(choices) < 2:
            choices = _titles(kb, (t for t in kb.topics[topic_id].related if t != topic_id), lang)[:3]
        return ReplyView(lang, CLARIFY, urgent=urgent, intro=lab["not_that"], choices=choices,
                         footer=kb.contacts.text(lang).footer)
    # what_now: the steps for right now first, then how to report
    return ReplyView(lang, ANSWER, urgent=urgent, title=text.title,
                     sections=(Section(lab["what_to_do"], text.what_to_do), Section(lab["report"], (text.report,))),
                     topic=topic_id, alternatives=_titles(kb, offered, lang), footer=kb.contacts.text(lang).footer)


def compose_other_language(kb: KnowledgeBase, language: str, *, urgent: str = "") -> ReplyView:
    """A question in a language we do not answer in: its card if an authority's page gives one
    (`_language_cards.yaml`), and the key numbers in Swedish and English."""
    sv, en = kb.contacts.text("sv"), kb.contacts.text("en")
    sections = (Section("Svenska", (sv.other_language,)), Section("English", (en.other_language,)))
    card = kb.language_cards.get(language)
    if card is not None:
        return ReplyView("sv", LANGUAGE, urgent=urgent, title=card.name, intro=card.text, sections=sections,
                         footer=(f"{card.source.title}: {card.source.url}", *sv.footer), text_lang=card.lang,
                         direction=card.direction)
    return ReplyView("sv", LANGUAGE, urgent=urgent, title=f"{labels('sv')['other_language']} / {labels('en')['other_language']}",
                     sections=sections, footer=sv.footer)


def _titles(kb: KnowledgeBase, topic_ids: Iterable[str], lang: str) -> tuple[tuple[str, str], ...]:
    return tuple((t, kb.topics[t].text(lang).title) for t in dict.fromkeys(topic_ids) if t in kb.topics)


def compose_topic(kb: KnowledgeBase, topic_id: str, lang: str, *, urgent: str = "", happened: bool = False) -> ReplyView:
    """One topic as a reply; `happened` shows what to do if it already happened instead of the signs."""
    topic = kb.topics[topic_id]
    text = topic.text(lang)
    lab = labels(lang)
    contacts = kb.contacts.text(lang)
    if happened:
        sections: tuple[Section, ...] = (
            Section(lab["if_it_happened"], text.if_it_happened), Section(lab["report"], (text.report,)))
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
    if topic_id == LOCAL_WORK and not happened:
        sections = sections + _local_sections(kb, lang)
    choices = tuple((r, kb.topics[r].text(lang).title) for r in topic.related if r in kb.topics)
    return ReplyView(lang, ANSWER, urgent=urgent, title=text.title, intro=intro, sections=sections,
                     topic=topic_id, choices=choices, footer=contacts.footer)


LOCAL_WORK = "local-work"  # the guidance topic that reports back: it shows the figures staff publish


def _local_sections(kb: KnowledgeBase, lang: str) -> tuple[Section, ...]:
    """The published follow-up figures (each with its source), where it is published, local contacts."""
    lab = labels(lang)
    local = kb.local_work
    figures = tuple(f"{f.year}: {(f.text_en if lang == 'en' and f.text_en else f.text)} ({f.source.title})" for f in local.figures)
    sections = [Section(lab["local_figures"], figures or (lab["local_no_figures"],))]
    if local.published_at:
        sections.append(Section(lab["local_published"], (f"{local.published_at.title}: {local.published_at.url}",)))
    if local.contacts:
        sections.append(Section(lab["local_contacts"], tuple(
            " – ".join(p for p in ((c.name_en if lang == "en" and c.name_en else c.name), c.phone, c.url) if p) for c in local.contacts)))
    return tuple(sections)


def compose_check(result: CheckResult, kb: KnowledgeBase) -> ReplyView:
    """The reply to a pasted message: the risk, what to do now, then each signal in plain words.

    "Gör så här nu" comes right after the verdict, before the reasons: it is what the resident
    needs first. A low result never says the message is safe (`advice` says why not).
    """
    lang = result.lang
    lab = labels(lang)
    title = lab[f"check_{result.risk}"]
    sections = []
    if result.actions:
        sections.append(Section(lab["what_to_do"], result.actions))
    if result.signals:
        # At low the signs found are no verdict, only something to keep in mind.
        heading = lab["noticed"] if result.risk == "low" else lab["signals"]
        sections.append(Section(heading, tuple(s.explanation for s in result.signals)))
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
