from types import SimpleNamespace

import pytest

from bot.core.sessions.summary import summarise_sessions


def _result(held_on, answers, before=(0, 0, 0, 0, 0), after=(0, 0, 0, 0, 0), participants=3):
    return SimpleNamespace(scenario_id="s1", held_on=held_on, finished=True, participants=participants, answers=answers,
                           confidence_before=list(before), confidence_after=list(after))


def test_sums_safe_choices_and_confidence_per_scenario_and_year():
    step = SimpleNamespace(id="q1", safe_options=(1,))
    scenarios = {"s1": SimpleNamespace(title="Scenario ett", steps=(step,))}
    results = [_result("2026-02-01", {"q1": [1, 3]}, before=(2, 0, 0, 0, 0), after=(0, 0, 0, 0, 2)),
               _result("2026-03-01", {"q1": [0, 4]}), _result("2025-12-01", {"q1": [9, 0]})]
    [summary] = summarise_sessions(results, scenarios, 2026)
    assert (summary.title, summary.held, summary.participants) == ("Scenario ett", 2, 6)
    assert summary.safe_share == pytest.approx(7 / 8)
    assert (summary.confidence_before, summary.confidence_after) == (1.0, 5.0)
    assert summarise_sessions(results, {}, 2025)[0].safe_share is None  # unknown scenario: no safe choices counted
