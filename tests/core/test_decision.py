import random

import yaml

from bot.core.matching.decision import DECISION_FILE, Boundary, decide, load_boundary


def test_never_a_choice_with_one_option():
    boundary = Boundary.conservative()
    rng = random.Random(3)
    for _ in range(5000):
        raw = [rng.random() ** rng.choice([1, 3, 8]) for _ in range(6)]
        total = sum(raw) + rng.random()
        ranked = sorted(((f"t{i}", v / total) for i, v in enumerate(raw)), key=lambda tp: -tp[1])
        decision = decide(boundary, ranked, 1 - sum(p for _, p in ranked), rng.randint(1, 80))
        if decision.status == "clarify":
            assert len(decision.offered) >= 2
        if decision.status == "answer":
            assert decision.topic == ranked[0][0]


def test_a_clear_winner_is_answered_and_close_ones_are_offered():
    boundary = Boundary.conservative()
    assert decide(boundary, [("a", 0.95), ("b", 0.02)], 0.01, 5).status == "answer"
    close = decide(boundary, [("a", 0.40), ("b", 0.35), ("c", 0.05)], 0.1, 5)
    assert close.status == "clarify" and [t for t, _ in close.offered] == ["a", "b"]
    assert decide(boundary, [("a", 0.2), ("b", 0.01)], 0.75, 3).status == "fallback"
    assert decide(boundary, [], 1.0, 0).status == "fallback"


def test_the_fitted_boundary_is_read_and_a_broken_file_is_reported(tmp_path):
    boundary, note = load_boundary(tmp_path)
    assert boundary == Boundary.conservative() and "missing" in note
    (tmp_path / DECISION_FILE).write_text("answer_at: [oops\n", encoding="utf-8")
    boundary, note = load_boundary(tmp_path)
    assert boundary == Boundary.conservative() and "unusable" in note
    data = {"temperature": 0.8, "confidence": {"weights": {"top": 5, "margin": 2, "out_of_scope": -4, "log_words": 0.1}, "bias": -2},
            "answer_at": 0.6, "offer_ratio": 0.3, "offer_min": 0.05, "urgent_at": 0.4, "followup_at": 0.7, "fitted": {"by": "test"}}
    (tmp_path / DECISION_FILE).write_text(yaml.safe_dump(data), encoding="utf-8")
    boundary, note = load_boundary(tmp_path)
    assert note is None and boundary.answer_at == 0.6 and boundary.weights == (5.0, 2.0, -4.0, 0.1) and boundary.fitted == {"by": "test"}
