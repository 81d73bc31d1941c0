"""_local_work.yaml and _language_cards.yaml: staff-edited data the replies show, validated like topics."""

import yaml

from bot.core.answering.reply import compose_other_language, compose_topic
from bot.core.knowledge.loader import validate_knowledge

CARD = {
    "lang": "fi", "name": "suomi", "direction": "ltr", "reviewed": "2026-11-30",
    "source": {"url": "https://example.polisen.se/fi/petos", "title": "Poliisi – petokset (suomeksi)"},
    "text": "Lopeta puhelu. Älä koskaan anna koodeja. Hätänumero 112, poliisi 114 14, tuki 116 006.",
}


def _write(path, data):
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def test_published_figures_show_in_the_local_work_topic_with_their_source(kb_copy):
    data = yaml.safe_load((kb_copy / "_local_work.yaml").read_text(encoding="utf-8"))
    data["figures"] = [{"year": 2025, "text": "120 träffar om bedrägerier med seniorer i de tre kommunerna.",
                        "source": {"url": "https://harnosand.se/uppfoljning", "title": "Uppföljning 2025"}}]
    _write(kb_copy / "_local_work.yaml", data)
    kb, problems = validate_knowledge(kb_copy)
    assert problems == []
    view = compose_topic(kb, "local-work", "sv")
    figures = next(s for s in view.sections if s.heading == "Siffror från uppföljningen")
    assert figures.items == ("2025: 120 träffar om bedrägerier med seniorer i de tre kommunerna. (Uppföljning 2025)",)


def test_without_figures_the_topic_says_none_are_published_rather_than_inventing_any(kb):
    view = compose_topic(kb, "local-work", "sv")
    figures = next(s for s in view.sections if s.heading == "Siffror från uppföljningen")
    assert figures.items[0].startswith("Inga siffror")


def test_a_language_card_is_shown_with_its_source_and_a_bad_one_is_refused(kb_copy):
    _write(kb_copy / "_language_cards.yaml", {"kind": "language-cards", "cards": [CARD]})
    kb, problems = validate_knowledge(kb_copy)
    assert problems == []
    view = compose_other_language(kb, "fi")
    assert view.intro == CARD["text"] and view.text_lang == "fi" and "Poliisi – petokset" in view.footer[0]
    assert compose_other_language(kb, "ar").intro == ""  # no card in Arabic: the numbers in Swedish and English only
    _write(kb_copy / "_language_cards.yaml", {"kind": "language-cards", "cards": [{**CARD, "text": "Lopeta puhelu.", "direction": "up"}]})
    _, problems = validate_knowledge(kb_copy)
    messages = [str(p) for p in problems]
    assert any("_language_cards.yaml" in m and "cards[0].text: must give the number 112" in m for m in messages)
    assert any("cards[0].direction: expected ltr or rtl" in m for m in messages)
