"""Every shipped scenario validates; broken copies are reported with file, line and field."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.core.knowledge.taxonomy import TOPIC_IDS
from bot.core.sessions.loader import ScenarioError, load_scenarios, validate_scenarios
from bot.core.sessions.model import KINDS, REFRESHER_ROUNDS

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    target = tmp_path / "scenarios"
    shutil.copytree(SCENARIOS, target)
    return target


def test_every_shipped_scenario_loads_and_validates(kb):
    scenarios, problems = validate_scenarios(SCENARIOS, set(kb.topics))
    assert problems == []
    assert len(scenarios) >= 8
    assert {p.stem for p in SCENARIOS.glob("*.yaml")} == set(scenarios)
    for scenario in scenarios.values():
        assert scenario.title and scenario.audience and scenario.facilitator_notes
        assert set(scenario.topics) <= set(kb.topics)
        assert scenario.has_confidence
        # one question per refresher round, and the rounds ask different things
        assert len(scenario.refreshers) == REFRESHER_ROUNDS
        assert len({r.question for r in scenario.refreshers}) == REFRESHER_ROUNDS
        assert scenario.refresher_for(1) is scenario.refreshers[0] and scenario.refresher_for(2) is scenario.refreshers[1]
        assert 3 <= len(scenario.steps) <= 6
        for step in scenario.steps:
            assert step.kind in KINDS
            assert 2 <= len(step.options) <= 4
            assert step.safe_options and len(step.safe_options) < len(step.options)
            assert all(o.feedback for o in step.options)
            assert step.explanation and step.discussion


def _texts(scenario) -> list[str]:
    texts = [scenario.title, scenario.facilitator_notes, scenario.confidence_question]
    for step in scenario.steps:
        texts += [step.situation, step.question, step.explanation, step.discussion]
        texts += [t for o in step.options for t in (o.text, o.feedback)]
    for refresher in scenario.refreshers:
        texts += [refresher.question, *(t for o in refresher.options for t in (o.text, o.feedback))]
    return texts


def test_shipped_feedback_leaves_right_and_wrong_to_the_heading(kb):
    """/ova, the phone page and refreshers say "Rätt val!"/"Rätt!" above the feedback: it must not repeat it."""
    scenarios, _ = validate_scenarios(SCENARIOS, set(kb.topics))
    for scenario in scenarios.values():
        options = [o for step in scenario.steps for o in step.options] + [o for r in scenario.refreshers for o in r.options]
        for option in options:
            assert not option.feedback.lower().startswith(("rätt", "fel!", "bra!")), (scenario.id, option.feedback)


def test_shipped_scenarios_follow_the_content_rules(kb):
    """Where to report and the tone for victims (BRIEF-content): phone fraud goes to 114 14 or a police
    station, never "114 14 eller polisen.se"; no "skäms inte", no "du har inte gjort något dumt"."""
    scenarios, _ = validate_scenarios(SCENARIOS, set(kb.topics))
    for scenario in scenarios.values():
        for text in _texts(scenario):
            flat = " ".join(text.lower().split())
            for wrong in ("114 14 eller polisen.se", "polisen.se eller 114 14", "skäms inte", "skäm dig inte",
                          "inte gjort något dumt", "har du själv", "telefonkatalog"):
                assert wrong not in flat, (scenario.id, wrong, text)


def _break(folder: Path, name: str, old: str, new: str) -> Path:
    path = folder / name
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def _line_of(path: Path, needle: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if needle in line:
            return number
    raise AssertionError(needle)


def test_unknown_topic_is_named_with_file_and_line(copy):
    path = _break(copy, "parcel-fee-sms.yaml", "topics: [sms-phishing,", "topics: [sms-fishing,")
    _, problems = validate_scenarios(copy)
    assert [str(p) for p in problems] == [f"{path}:{_line_of(path, 'topics:')}: topics[0]: no knowledge topic with id 'sms-fishing'"]


def test_topic_ids_come_from_the_caller(copy):
    _, problems = validate_scenarios(copy, topic_ids=set(TOPIC_IDS) - {"romance-scam"})
    assert [p.field for p in problems] == ["topics[0]"]
    assert "romance-scam" in problems[0].message and problems[0].file.endswith("romance-online.yaml")


def test_a_step_without_a_safe_option(copy):
    path = _break(copy, "parcel-fee-sms.yaml", "        safe: true\n        feedback: \"Finns", "        safe: false\n        feedback: \"Finns")
    _, problems = validate_scenarios(copy)
    (problem,) = problems
    assert problem.field == "steps[0].options" and "safe" in problem.message
    assert problem.line == _line_of(path, "    options:")


def test_option_count_type_and_kind_mistakes(copy):
    path = _break(copy, "bank-security-call.yaml", "kind: call", "kind: telegram")
    _break(copy, "bank-security-call.yaml", "safe: false", "safe: nej")
    _, problems = validate_scenarios(copy)
    fields = {p.field: p for p in problems}
    assert "steps[0].kind" in fields and "telegram" in fields["steps[0].kind"].message
    assert fields["steps[0].kind"].line == _line_of(path, "kind: telegram")
    assert "steps[0].options[0].safe" in fields and "true or false" in fields["steps[0].options[0].safe"].message


def test_too_few_options_missing_fields_and_unknown_fields(tmp_path):
    (tmp_path / "tiny.yaml").write_text(
        "id: tiny\ntitle: Liten\naudience: Alla\nminutes: 10\ntopics: [sms-phishing]\nfacilitator_notes: x\ncolour: red\n"
        "steps:\n  - id: one\n    kind: sms\n    situation: s\n    question: q\n    options:\n"
        "      - text: a\n        safe: true\n        feedback: f\n    explanation: e\n", encoding="utf-8")
    _, problems = validate_scenarios(tmp_path)
    text = [str(p) for p in problems]
    assert any(t.endswith(":7: colour: unknown field (expected one of audience, confidence, facilitator_notes, id, minutes, refreshers, steps, title, topics)") for t in text)
    assert any(":13: steps[0].options: needs 2 to 4 options, has 1" in t for t in text)
    assert any(":9: steps[0].discussion: missing" in t for t in text)


def test_syntax_error_and_id_mismatch(copy):
    (copy / "broken.yaml").write_text("id: broken\ntitle: [oops\n", encoding="utf-8")
    _break(copy, "romance-online.yaml", "id: romance-online", "id: romance")
    with pytest.raises(ScenarioError) as err:
        load_scenarios(copy)
    text = "\n".join(map(str, err.value.problems))
    assert "broken.yaml:3: not valid YAML" in text or "broken.yaml:2: not valid YAML" in text
    assert "romance-online.yaml:1: id: id 'romance' does not match the file name" in text


def test_missing_folder(tmp_path):
    scenarios, problems = validate_scenarios(tmp_path / "nope")
    assert scenarios == {} and "not found" in str(problems[0])


def test_refreshers_are_read_in_round_order(copy):
    scenario = load_scenarios(copy)["parcel-fee-sms"]
    first, second = scenario.refreshers
    assert first.question.startswith("Du får ett sms") and second.question.startswith("Du har fyllt i ditt kortnummer")
    assert [o.safe for o in first.options] == [True, False] and [o.safe for o in second.options] == [False, True]
    assert scenario.refresher_for(1) is first and scenario.refresher_for(2) is second
    assert scenario.refresher_for(0) is None and scenario.refresher_for(3) is None


def test_a_scenario_with_only_one_refresher_is_a_problem(copy):
    path = copy / "parcel-fee-sms.yaml"
    text = path.read_text(encoding="utf-8")
    second = text.index("  - question: \"Du har fyllt i ditt kortnummer")
    path.write_text(text[:second], encoding="utf-8")
    _, problems = validate_scenarios(copy)
    assert [str(p) for p in problems] == [
        f"{path}:{_line_of(path, 'refreshers:')}: refreshers: needs exactly 2 questions, one per round "
        "(after two weeks, then after six); has 1"]


def test_the_old_single_refresher_field_is_refused_with_a_hint(copy):
    path = _break(copy, "parcel-fee-sms.yaml", "refreshers:\n  - question:", "refresher:\n  - question:")
    _, problems = validate_scenarios(copy)
    (problem,) = problems
    assert (problem.file, problem.line, problem.field) == (str(path), _line_of(path, "refresher:"), "refresher")
    assert "replaced by refreshers" in problem.message


def test_both_rounds_asking_the_same_question_is_a_problem(copy):
    path = copy / "parcel-fee-sms.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("Du har fyllt i ditt kortnummer på en sida som såg ut som PostNord. Sedan förstår du att den var falsk. Vad gör du först?",
                                 "Du får ett sms om att ditt paket har en obetald avgift, med en länk. Vad gör du?"), encoding="utf-8")
    _, problems = validate_scenarios(copy)
    (problem,) = problems
    assert problem.field == "refreshers[1].question" and "same question as refreshers[0]" in problem.message
    lines = path.read_text(encoding="utf-8").splitlines()
    assert problem.line > _line_of(path, "refreshers:") and lines[problem.line - 1].strip().startswith("- question:")


def test_a_refresher_without_a_safe_option_names_the_round(copy):
    path = copy / "parcel-fee-sms.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("refreshers:")
    tail = text[start:].replace("        safe: true\n        feedback: \"Spärra först", "        safe: false\n        feedback: \"Spärra först")
    path.write_text(text[:start] + tail, encoding="utf-8")
    _, problems = validate_scenarios(copy)
    (problem,) = problems
    assert problem.field == "refreshers[1].options" and "no option is marked safe" in problem.message
