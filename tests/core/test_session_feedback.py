"""The wording of one's own answer in /ova and in refreshers: right or wrong is said once, in the
heading, and a wrong answer says which option was chosen."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.sessions.engine import QUESTION, SessionState, tally
from bot.core.sessions.loader import load_scenarios
from bot.telegram.session_messages import refresher_feedback, reveal_message

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


@pytest.fixture(scope="module")
def parcel():
    return load_scenarios(SCENARIOS)["parcel-fee-sms"]


def _alone(step: int) -> SessionState:
    return SessionState(code="ABC234", scenario_id="parcel-fee-sms", channel="telegram", facilitator="k", phase=QUESTION, step=step)


def test_a_right_answer_says_so_once(parcel):
    state = _alone(0)
    safe = parcel.steps[0].safe_options[0]
    text, _ = reveal_message(parcel, state, tally(state, parcel, 0), mine=safe)
    first, feedback = text.splitlines()[:2]
    assert first == "✅ <b>Rätt val!</b>"
    assert feedback == parcel.steps[0].options[safe].feedback and not feedback.startswith("Rätt")
    assert text.count("Rätt") == 1


def test_a_wrong_answer_says_which_option_was_chosen(parcel):
    state = _alone(0)
    step = parcel.steps[0]
    wrong = next(i for i, o in enumerate(step.options) if not o.safe and i > 0)
    text, _ = reveal_message(parcel, state, tally(state, parcel, 0), mine=wrong)
    first, feedback = text.splitlines()[:2]
    assert first.startswith("❌ <b>Inte det säkraste valet.</b> Du valde " + "ABCD"[wrong] + ": ")
    assert step.options[wrong].text in first and feedback == step.options[wrong].feedback
    # the others, the safe one among them, follow with their letters
    safe = step.safe_options[0]
    assert f"✅ <b>{'ABCD'[safe]}</b> – {step.options[safe].feedback}" in text


def test_refresher_feedback_for_each_round(parcel):
    first, second = parcel.refreshers
    right = refresher_feedback(first, 0)
    assert right.startswith("✅ <b>Rätt!</b>\n") and right.count("Rätt") == 1
    wrong = refresher_feedback(second, 0)
    assert wrong.startswith(f"❌ <b>Inte det säkraste valet.</b> Du valde A: {second.options[0].text}\n")
    assert second.options[0].feedback in wrong
