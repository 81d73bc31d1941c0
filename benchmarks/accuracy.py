"""Accuracy of the matcher and the message check on the labelled sets in tests/data.

    python benchmarks/accuracy.py [--show-errors]

Prints top-1 and top-3 accuracy, out-of-scope rejection, message-check detection and false alarms,
for the tuned sets and for the held-out sets.
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.core.knowledge.loader import load_knowledge  # noqa: E402
from bot.core.matching.matcher import ANSWER, Matcher  # noqa: E402
from bot.core.message_check import HIGH, MEDIUM, check_message  # noqa: E402


def evaluate_questions(matcher: Matcher, items: list[dict]) -> dict:
    """Top-1 counts an answer (or a clarify whose first candidate is right); out of scope must not answer."""
    top1 = top3 = in_scope = oos = oos_ok = 0
    errors = []
    for item in items:
        result = matcher.match(item["text"])
        expected = item.get("topic")
        fair = {expected, *(item.get("alt") or [])}
        ranked = [c.topic for c in result.candidates]
        if expected is None:
            oos += 1
            if result.status != ANSWER:
                oos_ok += 1
            else:
                errors.append((item["text"], None, result.status, result.topic, round(result.score, 3)))
            continue
        in_scope += 1
        first = result.topic if result.status == ANSWER else (ranked[0] if result.status == "clarify" else None)
        if first in fair:
            top1 += 1
        else:
            errors.append((item["text"], expected, result.status, first or (ranked[:1] or [None])[0], round(result.score, 3)))
        if result.status != "fallback" and fair & set(ranked[:3]):
            top3 += 1
    return {
        "questions": len(items),
        "in_scope": in_scope,
        "top1": top1 / max(in_scope, 1),
        "top3": top3 / max(in_scope, 1),
        "out_of_scope": oos,
        "oos_rejected": oos_ok / max(oos, 1),
        "errors": errors,
    }


def evaluate_messages(items: list[dict]) -> dict:
    """Flagged means rated medium or high, for scams (detected) and ordinary messages (false alarm) alike."""
    scams = [i for i in items if i["scam"]]
    ordinary = [i for i in items if not i["scam"]]
    missed = [i["text"] for i in scams if check_message(i["text"]).risk not in (HIGH, MEDIUM)]
    alarms = [i["text"] for i in ordinary if check_message(i["text"]).risk in (HIGH, MEDIUM)]
    high = [i["text"] for i in ordinary if check_message(i["text"]).risk == HIGH]
    return {
        "scams": len(scams),
        "ordinary": len(ordinary),
        "detection": 1 - len(missed) / max(len(scams), 1),
        "false_alarms": len(alarms) / max(len(ordinary), 1),
        "ordinary_high": len(high) / max(len(ordinary), 1),
        "missed": missed,
        "alarms": alarms,
    }


SETS = (
    ("tuned", "questions.yaml", "messages.yaml"),
    ("held out", "holdout_questions.yaml", "holdout_messages.yaml"),
)


def load(name: str) -> list[dict]:
    return yaml.safe_load((ROOT / "tests/data" / name).read_text(encoding="utf-8"))


def main() -> None:
    kb = load_knowledge(ROOT / "knowledge")
    matcher = Matcher(kb)
    print("The tuned sets were used to choose phrases, thresholds and signals; the held-out sets were")
    print("written separately, without seeing the knowledge base (see README for how they were used).")
    for label, questions_file, messages_file in SETS:
        q = evaluate_questions(matcher, load(questions_file))
        m = evaluate_messages(load(messages_file))
        print(f"\n[{label}] {q['questions']} questions ({q['in_scope']} about fraud, {q['out_of_scope']} out of scope), "
              f"{m['scams']} scam and {m['ordinary']} ordinary messages")
        print(f"  top-1 accuracy:          {q['top1']:.1%}")
        print(f"  top-3 accuracy:          {q['top3']:.1%}")
        print(f"  out-of-scope rejected:   {q['oos_rejected']:.1%}")
        print(f"  scams flagged:           {m['detection']:.1%}  (rated medium or high)")
        print(f"  false alarms:            {m['false_alarms']:.1%}  (ordinary rated medium or high; high: {m['ordinary_high']:.1%})")
        if "--show-errors" in sys.argv:
            for e in q["errors"]:
                print("  Q", e)
            for t in m["missed"]:
                print("  MISSED", t)
            for t in m["alarms"]:
                print("  ALARM", t)


if __name__ == "__main__":
    main()
