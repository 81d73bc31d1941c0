"""The loader/validator: every problem names file, line and field."""

from pathlib import Path

import yaml

from bot.core.knowledge.loader import validate_knowledge
from bot.core.knowledge.taxonomy import TOPIC_IDS


def _problems(folder: Path) -> list[str]:
    return [str(p) for p in validate_knowledge(folder)[1]]


def test_shipped_knowledge_has_no_problems(kb_copy):
    kb, problems = validate_knowledge(kb_copy)
    assert problems == []
    assert set(kb.topics) == set(TOPIC_IDS)


def test_syntax_error_names_file_and_line(kb_copy):
    path = kb_copy / "sms-phishing.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines.insert(4, "  broken: [unclosed")
    path.write_text("\n".join(lines), encoding="utf-8")
    problems = _problems(kb_copy)
    assert any(p.startswith("knowledge/sms-phishing.yaml:") or "sms-phishing.yaml:" in p for p in problems)
    assert any("not valid YAML" in p for p in problems)


def test_missing_field_names_line_and_field(kb_copy):
    path = kb_copy / "romance-scam.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    del data["sv"]["summary"]
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    sv_line = next(i for i, line in enumerate(path.read_text().splitlines(), 1) if line.startswith("sv:"))
    problems = _problems(kb_copy)
    assert f"romance-scam.yaml:{sv_line}: sv.summary: missing" in "\n".join(problems)


def test_wrong_types_unknown_fields_and_too_few_phrases(kb_copy):
    path = kb_copy / "job-scam.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["en"]["phrases"] = data["en"]["phrases"][:2]
    data["sv"]["signs"] = "just one string"
    data["sumary"] = "typo"
    data["reviewed"] = "last week"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    text = "\n".join(_problems(kb_copy))
    assert "en.phrases: needs at least 5 item(s), has 2" in text
    assert "sv.signs: expected a list, got text" in text
    assert "sumary: unknown field" in text
    assert "reviewed: expected a date as YYYY-MM-DD" in text


def test_dangling_related_duplicate_and_missing_ids(kb_copy):
    path = kb_copy / "rental-scam.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["related"] = ["no-such-topic"]
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    (kb_copy / "loan-fraud.yaml").unlink()
    text = "\n".join(_problems(kb_copy))
    assert "rental-scam.yaml" in text and "related: no topic with id 'no-such-topic'" in text
    assert "required topic 'loan-fraud' is missing" in text


def test_missing_language_and_sources(kb_copy):
    path = kb_copy / "charity-scam.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    del data["en"]
    data["sources"] = []
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    text = "\n".join(_problems(kb_copy))
    assert "charity-scam.yaml:" in text
    assert "en: missing" in text
    assert "sources: needs at least one source" in text


def test_id_must_match_file_and_be_unique(kb_copy):
    original = (kb_copy / "fake-webshop.yaml").read_text(encoding="utf-8")
    (kb_copy / "fake-webshop-copy.yaml").write_text(original, encoding="utf-8")
    text = "\n".join(_problems(kb_copy))
    assert "fake-webshop-copy.yaml" in text and "does not match the file name" in text


def test_missing_folder():
    kb, problems = validate_knowledge(Path("/nonexistent/knowledge"))
    assert kb is None and "not found" in str(problems[0])


def test_sources_off_the_allowlist_are_warnings_with_their_note(kb_copy):
    from bot.core.knowledge.loader import source_warnings

    path = kb_copy / "card-fraud.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["sources"] = [
        {"url": "https://polisen.se/a", "title": "Polisen"},
        {"url": "https://www.hallakonsument.se/b", "title": "Hallå konsument"},
        {"url": "https://example-news.com/c", "title": "A news site"},
        {"url": "https://www.gov.uk/d", "title": "UK", "note": "no Swedish authority describes skimming at fuel pumps"},
    ]
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    kb, problems = validate_knowledge(kb_copy)
    assert problems == []
    mine = [str(w) for w in source_warnings(kb) if "card-fraud" in w.file]
    assert len(mine) == 2
    assert "example-news.com) and no note says why" in mine[0]
    assert "kept: no Swedish authority describes skimming" in mine[1]


def test_review_fields_and_expiry(kb_copy):
    from datetime import date

    path = kb_copy / "card-fraud.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["reviewed_by"] = "brottsförebyggande samordnare"
    data["review_note"] = "numbers and advice checked against polisen.se"
    data["expires"] = "2027-01-31"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    kb, problems = validate_knowledge(kb_copy)
    assert problems == []
    topic = kb.topics["card-fraud"]
    assert topic.reviewed_by == "brottsförebyggande samordnare"
    assert topic.expires == date(2027, 1, 31)
    assert topic.is_expired(date(2027, 2, 1)) and not topic.is_expired(date(2027, 1, 31))
