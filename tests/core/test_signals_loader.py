"""`_signals.yaml` is validated like a topic: every problem names file, line and field."""

from pathlib import Path

import pytest

from bot.core.knowledge.loader import load_knowledge, validate_knowledge
from bot.core.knowledge.signals import BUILT_IN
from bot.core.knowledge.store import KnowledgeStore


def _edit(folder: Path, old: str, new: str) -> int:
    """Replace `old` (once) in the copy's _signals.yaml; return the line it was on."""
    path = folder / "_signals.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.count(old) >= 1, old
    line = text[: text.index(old)].count("\n") + 1
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return line


def _problems(folder: Path) -> list[str]:
    return [str(p) for p in validate_knowledge(folder)[1]]


def test_the_shipped_signals_load_into_the_knowledge_base(kb):
    signals = kb.signals
    ids = {s.id for s in signals.signals}
    assert set(BUILT_IN) <= ids
    assert {"task-job", "voicemail-link", "wrong-payment", "forward-code", "move-to-chat"} <= ids
    assert signals.high > signals.medium > 0
    assert "postnord.se" in signals.brands["postnord"]
    assert "polisen.se" in signals.real_domains  # from _authority_domains.yaml
    assert "bit.ly" in signals.shorteners and "top" in signals.risky_tlds
    assert all(s.texts["sv"] and s.texts["en"] for s in signals.signals)
    for risk in ("high", "medium", "low"):
        assert signals.actions_for(risk, set())


def test_a_bad_regex_names_file_line_and_field(kb_copy):
    line = _edit(kb_copy, "'\\b(anydesk|", "'\\b((anydesk|")
    problems = _problems(kb_copy)
    hit = [p for p in problems if "not a valid regular expression" in p]
    assert hit and hit[0].startswith(f"{kb_copy / '_signals.yaml'}:{line}: signals[") and ".patterns[0]:" in hit[0]


def test_a_pattern_that_cannot_match_folded_text_is_refused(kb_copy):
    _edit(kb_copy, "'\\b(anydesk|", "'\\b(Fjärrstyrning|anydesk|")
    assert any("folded text" in p and ".patterns[0]" in p for p in _problems(kb_copy))


def test_an_unbounded_gap_is_refused_because_it_makes_the_check_slow(kb_copy):
    _edit(kb_copy, "'\\b(anydesk|", "'\\bhej.*(anydesk|")
    assert any("unbounded gap" in p for p in _problems(kb_copy))


def test_unknown_signals_topics_risks_and_missing_built_ins(kb_copy):
    _edit(kb_copy, "needs: [link, short-link, risky-link, lookalike-link]", "needs: [link, no-such-signal]")
    _edit(kb_copy, "topics: [qr-code-scam]", "topics: [qr-code-scams]")
    _edit(kb_copy, "risks: [low]", "risks: [lowish]")
    _edit(kb_copy, "  - id: large-amount\n", "  - id: big-amount\n")
    problems = "\n".join(_problems(kb_copy))
    assert "needs[1]: no signal with id 'no-such-signal'" in problems
    assert "topics[0]: no topic with id 'qr-code-scams'" in problems
    assert "risks[0]: expected one of high, medium, low, got 'lowish'" in problems
    assert "missing the signal 'large-amount'" in problems


def test_a_number_in_the_advice_must_be_backed_by_its_topic(kb_copy):
    line = _edit(kb_copy, "Vidarebefordra det till 7726", "Vidarebefordra det till 7727")
    problems = _problems(kb_copy)
    assert f"{kb_copy / '_signals.yaml'}:{line}: actions[" in "\n".join(problems)
    assert any("the number '7727' is not in the topic 'sms-phishing'" in p for p in problems)


def test_every_risk_needs_an_action(kb_copy):
    _edit(kb_copy, "    risks: [low]\n", "    risks: [medium]\n")
    _edit(kb_copy, "    risks: [low]\n", "    risks: [medium]\n")
    assert any("no action for risk 'low'" in p for p in _problems(kb_copy))


def test_a_missing_file_is_a_problem(kb_copy):
    (kb_copy / "_signals.yaml").unlink()
    assert any("_signals.yaml: missing" in p for p in _problems(kb_copy))


def test_a_broken_signals_file_keeps_the_last_good_knowledge_serving(kb_copy):
    store = KnowledgeStore(kb_copy)
    before = store.kb.signals
    _edit(kb_copy, "'\\b(anydesk|", "'\\b((anydesk|")
    outcome = store.reload()
    assert not outcome.ok and any("_signals.yaml" in str(p) for p in outcome.problems)
    assert store.kb.signals is before


@pytest.mark.parametrize("bad,message", [
    ("  postnord: [postnord.se, postnord.com]", "expected a host name"),
    ("risk:\n  high: 5\n  medium: 3", "must not be above risk.high"),
])
def test_brand_domains_and_thresholds_are_checked(kb_copy, bad, message):
    replacement = {"expected a host name": "  postnord: [postnord.se, https://postnord.com/]",
                   "must not be above risk.high": "risk:\n  high: 3\n  medium: 5"}[message]
    _edit(kb_copy, bad, replacement)
    assert any(message in p for p in _problems(kb_copy))


def test_load_knowledge_refuses_a_broken_signals_file(kb_copy):
    _edit(kb_copy, "weight: 4\n", "weight: 9\n")
    with pytest.raises(Exception) as caught:
        load_knowledge(kb_copy)
    assert "weight: expected a whole number from 1 to 4, got 9" in str(caught.value)


def test_fast_scanning_finds_exactly_what_the_patterns_find(kb):
    """The leading-\\b shortcut (FoldedPattern) must not change a single match."""
    import yaml

    from bot.core.content.text import fold

    data = Path(__file__).resolve().parents[1] / "data" / "messages.yaml"
    texts = [fold(m["text"]) for m in yaml.safe_load(data.read_text(encoding="utf-8"))]
    texts += ["arv farv arv", "x" * 300, "hej.koden,skicka den till mig", "", "_kod koden", "é é"]
    shortcut = 0
    for signal in kb.signals.signals:
        for pattern in signal.patterns + signal.unless:
            shortcut += pattern._boundary
            for text in texts:
                expected = [(m.start(), m.end()) for m in pattern.regex.finditer(text)]
                assert [(m.start(), m.end()) for m in pattern.finditer(text)] == expected, (pattern.pattern, text)
    assert shortcut > 100  # most patterns start with a word and take the shortcut


@pytest.mark.parametrize("pattern,fast", [
    (r"\b(oppna|signera)\b", True), (r"\bfoo|\bbar", True), (r"\bfoo|bar", False),
    (r"\b\w*avgift", False), (r"\b\d+ ?kr", False), (r"(^|\s)-\s?[5-9]\d ?%", False), (r"\b(?:a|b)c", True),
])
def test_the_shortcut_applies_only_where_it_is_exact_and_fast(pattern, fast):
    import re

    from bot.core.knowledge.signals import FoldedPattern

    assert FoldedPattern(re.compile(pattern))._boundary is fast
