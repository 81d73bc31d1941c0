"""A guided session as plain data for the big screen, the phones and their JSON polling."""

from __future__ import annotations

from bot.core.knowledge.model import KnowledgeBase
from bot.core.sessions.engine import (
    AFTER,
    BEFORE,
    FINISHED,
    QUESTION,
    REVEALED,
    SessionState,
    Summary,
    summarise,
    tally,
)
from bot.core.sessions.model import CONFIDENCE_SCALE, Scenario

LETTERS = "ABCD"


def session_view(state: SessionState, scenario: Scenario, kb: KnowledgeBase, *, facilitator: bool = False,
                 viewer: str | None = None) -> dict:
    """Everything a page shows for the current phase; `viewer` is the participant's key, if any.

    Counts only, never who answered what; `mine` is the viewer's own answer.
    """
    view: dict = {
        "code": state.code, "phase": state.phase, "title": scenario.title, "step": state.step,
        "steps": len(scenario.steps), "participants": len(state.joined), "facilitator": facilitator,
        "version": f"{state.phase}:{state.step}", "answered": 0, "practice": state.practice, "mine": None, "scale": list(CONFIDENCE_SCALE),
    }
    if state.phase in (BEFORE, AFTER):
        answers = state.before if state.phase == BEFORE else state.after
        view["confidence_question"] = scenario.confidence_question if state.phase == BEFORE else scenario.confidence_after
        view["answered"] = len(answers)
        view["mine"] = answers.get(viewer) if viewer else None
    elif state.phase in (QUESTION, REVEALED):
        step = scenario.steps[state.step]
        votes = state.step_votes()
        view.update({
            "kind": step.kind, "kind_label": step.kind_label, "situation": step.situation, "question": step.question,
            "options": [{"letter": LETTERS[i], "text": o.text} for i, o in enumerate(step.options)],
            "answered": len(votes), "mine": votes.get(viewer) if viewer else None,
        })
        if state.phase == REVEALED:
            counts = tally(state, scenario, state.step).counts
            view["reveal"] = {
                "counts": list(counts),
                "options": [{"letter": LETTERS[i], "text": o.text, "safe": o.safe, "feedback": o.feedback, "count": counts[i]}
                            for i, o in enumerate(step.options)],
                "explanation": step.explanation, "discussion": step.discussion,
                "last": state.step + 1 >= len(scenario.steps),
                # How the big screen shares its width: options beside their feedback, the
                # explanation beside the discussion, in proportion to their length (in tens of %).
                "option_split": _split([o.text for o in step.options], [o.feedback for o in step.options], 30, 70),
                "explanation_split": _split(["Varför? " + step.explanation], ["Prata om " + step.discussion], 50, 70),
            }
    if state.phase == FINISHED:
        view["summary"] = summary_view(summarise(state, scenario), scenario, kb)
    if facilitator:
        view["notes"] = scenario.facilitator_notes
    return view


def _split(left: list[str], right: list[str], lowest: int, highest: int) -> int:
    """The left column's share of the width, in percent rounded to tens, by the length of its texts."""
    a, b = sum(map(len, left)), sum(map(len, right))
    share = round(10 * a / (a + b)) * 10 if a + b else 50
    return max(lowest, min(highest, share))


def summary_view(summary: Summary, scenario: Scenario, kb: KnowledgeBase) -> dict:
    steps = []
    for i, t in enumerate(summary.steps):
        safe = sum(t.counts[j] for j in t.safe)
        steps.append({"number": i + 1, "question": scenario.steps[i].question, "safe": safe, "answered": t.answered})
    before, after = Summary.average(summary.before), Summary.average(summary.after)
    return {
        "participants": summary.participants, "steps": steps,
        "before": None if before is None else round(before, 1), "after": None if after is None else round(after, 1),
        "topics": [{"id": tid, "title": kb.topics[tid].text("sv").title} for tid in scenario.topics if tid in kb.topics],
    }
