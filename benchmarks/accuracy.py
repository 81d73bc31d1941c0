"""Accuracy of the answer models and the message check, measured as a resident feels it.

    python benchmarks/accuracy.py [--show-errors]

For every labelled set in tests/data, the matcher and a standard baseline side by side:

- top-1: a DIRECT answer (status "answer") on an acceptable topic – a "did you mean" is not a hit;
- wrong: a direct answer on a topic that is not acceptable;
- reachable: the right topic answered directly or among the offered choices;
- one-option: clarifications offering a single topic (must be 0);
- out of scope not answered: questions not about fraud that got no direct answer;
- urgent recall / false urgency: questions labelled as happening right now that are flagged as
  urgent, and questions not labelled so that are;
- other languages: questions in Arabic, Somali, Persian, Tigrinya, Finnish or Ukrainian answered
  with the language card rather than matched, and Swedish/English ones mistaken for another language;
- messages: scams flagged (rated medium or high) and ordinary messages flagged (false alarms).

The baseline is scikit-learn's character n-gram TF-IDF with a logistic regression trained only on
the shipped titles, phrases and keywords plus the out-of-scope examples; it answers its top class
directly. Its urgency flag is the same model trained on `_urgency.yaml`, its message check the same
model trained on the tuned messages (cross-validated on the tuned set itself). `--show-errors`
prints the matcher's mistakes on the TUNED sets only: the held-out sets stay unread.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.core.checking import HIGH, MEDIUM, check_message  # noqa: E402
from bot.core.knowledge.loader import load_knowledge  # noqa: E402
from bot.core.knowledge.store import KnowledgeStore  # noqa: E402
from bot.core.matching.language import ANSWERED  # noqa: E402
from bot.core.matching.matcher import ANSWER, CLARIFY, LANGUAGE, Matcher  # noqa: E402
from bot.core.matching.models import NOT_URGENT, OUT_OF_SCOPE, topic_training_set  # noqa: E402

SETS = (
    ("tuned", "questions.yaml", "messages.yaml"),
    ("held out 1", "holdout_questions.yaml", "holdout_messages.yaml"),
    ("held out 2", "holdout2_questions.yaml", "holdout2_messages.yaml"),
)


def load(name: str) -> list[dict]:
    return yaml.safe_load((ROOT / "tests/data" / name).read_text(encoding="utf-8"))


class Baseline:
    """TF-IDF character n-grams + logistic regression: the floor every figure must beat."""

    def __init__(self, texts: list[str], labels: list[str]):
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        self.vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, lowercase=True)
        self.model = LogisticRegression(C=10, max_iter=2000).fit(self.vectorizer.fit_transform(texts), labels)

    def ranked(self, text: str) -> list[tuple[str, float]]:
        p = self.model.predict_proba(self.vectorizer.transform([text]))[0]
        return sorted(zip(self.model.classes_, p), key=lambda cp: -cp[1])


class BaselineAnswers:
    """The baseline as a bot: it answers its top class; the out-of-scope class means no answer."""

    def __init__(self, store: KnowledgeStore):
        kb = store.kb
        texts, labels, _ = topic_training_set(kb)
        self.topics = Baseline(texts, labels)
        urgent = [t for t, _ in kb.examples.urgent]
        calm = list(kb.examples.not_urgent)
        self.urgency = Baseline(urgent + calm, ["urgent"] * len(urgent) + [NOT_URGENT] * len(calm))

    def answer(self, text: str) -> dict:
        ranked = self.topics.ranked(text)
        top = ranked[0][0]
        urgent = dict(self.urgency.ranked(text)).get("urgent", 0.0) >= 0.5
        status = "fallback" if top == OUT_OF_SCOPE else ANSWER
        return {"status": status, "topic": None if top == OUT_OF_SCOPE else top, "offered": [], "urgent": urgent, "language": "sv"}


def leaked(store: KnowledgeStore, items: list[dict]) -> list[str]:
    """Held-out questions of five words or more that are also in the models' training data (phrases,
    examples, taught questions), compared after normalisation (case, å/ä/ö, punctuation) so a copied
    question cannot hide. Shorter ones ("falsk faktura", "hej") coincide naturally and are not counted.
    """
    from bot.core.content.text import normalise
    from bot.core.matching.models import model_specs

    trained = {normalise(t) for spec in model_specs(store.kb, store.loaded.taught) for t in spec.texts}
    return [i["text"] for i in items if len(normalise(i["text"]).split()) >= 5 and normalise(i["text"]) in trained]


def matcher_answer(matcher: Matcher, text: str) -> dict:
    r = matcher.match(text)
    return {"status": r.status, "topic": r.topic, "offered": [c.topic for c in r.candidates] if r.status == CLARIFY else [],
            "urgent": r.urgent, "language": r.language}


def evaluate_questions(answer, items: list[dict]) -> dict:
    """The resident-felt figures for one set; `answer(text) -> dict` is the matcher or the baseline."""
    n = top1 = wrong = reach = one_option = oos = oos_ok = 0
    urgent = urgent_hit = calm = calm_flagged = foreign = foreign_ok = native = native_lost = 0
    errors: list[tuple] = []
    times = []
    for item in items:
        started = time.perf_counter()
        got = answer(item["text"])
        times.append(time.perf_counter() - started)
        lang = item.get("lang", "sv")
        if lang not in ANSWERED:
            foreign += 1
            foreign_ok += got["status"] == LANGUAGE
            continue
        native += 1
        native_lost += got["status"] == LANGUAGE
        if item.get("urgent"):
            urgent += 1
            urgent_hit += got["urgent"]
        else:
            calm += 1
            calm_flagged += got["urgent"]
        one_option += got["status"] == CLARIFY and len(got["offered"]) < 2
        fair = {item["topic"], *(item.get("alt") or [])} if item.get("topic") else None
        if fair is None:
            oos += 1
            oos_ok += got["status"] != ANSWER
            if got["status"] == ANSWER:
                errors.append(("out of scope answered", item["text"], got["topic"]))
            continue
        n += 1
        if got["status"] == ANSWER:
            top1 += got["topic"] in fair
            wrong += got["topic"] not in fair
            reach += got["topic"] in fair
            if got["topic"] not in fair:
                errors.append(("wrong", item["text"], item["topic"], got["topic"]))
        else:
            hit = bool(fair & set(got["offered"]))
            reach += hit
            errors.append((got["status"] + (" (right topic offered)" if hit else ""), item["text"], item["topic"], got["offered"]))
    return {
        "questions": len(items), "in_scope": n, "top1": top1 / max(n, 1), "wrong": wrong / max(n, 1),
        "reachable": reach / max(n, 1), "one_option": one_option, "out_of_scope": oos,
        "oos_not_answered": oos_ok / max(oos, 1), "urgent": urgent, "urgent_recall": urgent_hit / max(urgent, 1),
        "false_urgency": calm_flagged / max(calm, 1), "foreign": foreign, "foreign_recognised": foreign_ok / max(foreign, 1),
        "native_taken_as_foreign": native_lost / max(native, 1), "errors": errors,
        "p99_ms": float(np.percentile(times, 99) * 1000) if times else 0.0,
    }


def evaluate_messages(items: list[dict], flag=None, signals=None) -> dict:
    """Flagged means rated medium or high; `flag(text) -> bool` replaces the message check (baseline).

    `signals` are the knowledge base's (the shipped knowledge folder's when not given).
    """
    if flag is None:
        signals = signals or load_knowledge(ROOT / "knowledge").signals
        flag = lambda text: check_message(text, signals).risk in (HIGH, MEDIUM)  # noqa: E731
    scams = [i for i in items if i["scam"]]
    ordinary = [i for i in items if not i["scam"]]
    missed = [i["text"] for i in scams if not flag(i["text"])]
    alarms = [i["text"] for i in ordinary if flag(i["text"])]
    return {"scams": len(scams), "ordinary": len(ordinary), "detection": 1 - len(missed) / max(len(scams), 1),
            "false_alarms": len(alarms) / max(len(ordinary), 1), "missed": missed, "alarms": alarms}


def baseline_message_flags(tuned: list[dict]):
    """A baseline message classifier trained on the tuned messages; cross-validated flags for the tuned set itself."""
    texts = [m["text"] for m in tuned]
    labels = ["scam" if m["scam"] else "ordinary" for m in tuned]
    whole = Baseline(texts, labels)
    flags_cv: dict[str, bool] = {}
    order = np.arange(len(texts))
    for k in range(5):
        held = order[k::5]
        keep = np.setdiff1d(order, held)
        model = Baseline([texts[i] for i in keep], [labels[i] for i in keep])
        for i in held:
            flags_cv[texts[i]] = model.ranked(texts[i])[0][0] == "scam"
    return (lambda text: flags_cv[text]), (lambda text: whole.ranked(text)[0][0] == "scam")


ROWS = (
    ("top-1 (direct, right topic)", "top1", "{:.1%}"), ("wrong direct answers", "wrong", "{:.1%}"),
    ("right topic reachable", "reachable", "{:.1%}"), ("one-option clarifications", "one_option", "{}"),
    ("out of scope not answered", "oos_not_answered", "{:.1%}"), ("urgent recall", "urgent_recall", "{:.1%}"),
    ("false urgency", "false_urgency", "{:.1%}"), ("other languages recognised", "foreign_recognised", "{:.1%}"),
    ("sv/en taken as another language", "native_taken_as_foreign", "{:.1%}"),
)


def main() -> None:
    show = "--show-errors" in sys.argv
    started = time.perf_counter()
    store = KnowledgeStore(ROOT / "knowledge")
    print(f"knowledge loaded and models ready in {time.perf_counter() - started:.1f} s (from the training cache when unchanged)")
    baseline = BaselineAnswers(store)
    tuned_messages = load("messages.yaml")
    cv_flag, baseline_flag = baseline_message_flags(tuned_messages)
    for label, questions_file, messages_file in SETS:
        items = load(questions_file)
        ours = evaluate_questions(lambda text: matcher_answer(store.matcher, text), items)
        base = evaluate_questions(baseline.answer, items)
        if label != "tuned":
            print(f"\n[{label}] held-out questions (5+ words) found in the training data: {len(leaked(store, items))}")
        messages = load(messages_file)
        m_ours = evaluate_messages(messages, signals=store.kb.signals)
        m_base = evaluate_messages(messages, cv_flag if label == "tuned" else baseline_flag)
        print(f"\n[{label}] {ours['questions']} questions: {ours['in_scope']} about fraud, {ours['out_of_scope']} out of scope, "
              f"{ours['urgent']} urgent, {ours['foreign']} in other languages; {m_ours['scams']} scam and {m_ours['ordinary']} ordinary messages")
        print(f"  {'':34} {'matcher':>9} {'baseline':>9}")
        for name, key, fmt in ROWS:
            if key.startswith("foreign") and not ours["foreign"] or key.startswith("urgent") and not ours["urgent"]:
                continue
            print(f"  {name:34} {fmt.format(ours[key]):>9} {fmt.format(base[key]):>9}")
        print(f"  {'messages: scams flagged':34} {m_ours['detection']:>9.1%} {m_base['detection']:>9.1%}")
        print(f"  {'messages: false alarms':34} {m_ours['false_alarms']:>9.1%} {m_base['false_alarms']:>9.1%}")
        if show and label == "tuned":
            for error in ours["errors"]:
                print("  Q", error)
            for text in m_ours["missed"]:
                print("  MISSED", text)
            for text in m_ours["alarms"]:
                print("  ALARM", text)


if __name__ == "__main__":
    main()
