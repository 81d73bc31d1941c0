"""Speed and size of the answer models: latency per question, training time at load, memory.

    python benchmarks/matcher_speed.py [--repeat 5]

- latency: every labelled question (tuned and held-out sets) answered `--repeat` times by the
  matcher (language, urgency, topic model and decision), against the standard baseline in the same
  run: scikit-learn's TfidfVectorizer + LogisticRegression `predict_proba` on the same questions;
- training: the three models trained from scratch in the child process, as at a service start or a
  knowledge reload with changed content (wall time, and the child's peak memory);
- memory: what the knowledge base and its trained models add to the service's resident memory.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.core.knowledge.loader import load_knowledge  # noqa: E402
from bot.core.knowledge.store import KnowledgeStore  # noqa: E402
from bot.core.matching.models import model_specs  # noqa: E402
from bot.core.matching.training import train_models  # noqa: E402


def questions() -> list[str]:
    texts = []
    for name in ("questions.yaml", "holdout_questions.yaml", "holdout2_questions.yaml"):
        texts += [i["text"] for i in yaml.safe_load((ROOT / "tests/data" / name).read_text(encoding="utf-8"))]
    return texts


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS"):
            return int(line.split()[1]) / 1024
    return 0.0


def measure(fn, texts: list[str], repeat: int) -> dict:
    times = []
    for _ in range(repeat):
        for text in texts:
            started = time.perf_counter()
            fn(text)
            times.append(time.perf_counter() - started)
    times.sort()
    return {"per_s": len(times) / sum(times), "p50": statistics.median(times) * 1000, "p99": times[int(len(times) * 0.99)] * 1000}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    texts = questions()

    before = rss_mb()
    with tempfile.TemporaryDirectory() as cache:
        started = time.perf_counter()
        kb = load_knowledge(ROOT / "knowledge")
        loaded = time.perf_counter() - started
        started = time.perf_counter()
        train_models(model_specs(kb), Path(cache))
        trained = time.perf_counter() - started
        store = KnowledgeStore(ROOT / "knowledge", cache_dir=Path(cache))  # from the cache just filled
    added = rss_mb() - before
    child_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    models = store.matcher.models
    print(f"knowledge: {len(store.kb.topics)} topics; shared vocabulary {len(models.topics.vocabulary):,} features")
    print(f"reading and validating the knowledge files: {loaded:.1f} s")
    print(f"training the three models at load (child process, empty cache): {trained:.1f} s wall; child peak memory {child_peak:.0f} MB")
    print(f"memory the knowledge base and models add to the service: {added:.0f} MB")

    store.matcher.match("värm upp")  # lingua loads its models on first use
    ours = measure(store.matcher.match, texts, args.repeat)

    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    from bot.core.matching.models import topic_training_set

    x, y, _ = topic_training_set(store.kb)
    vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True)
    baseline = LogisticRegression(C=10, max_iter=2000).fit(vectorizer.fit_transform(x), y)
    theirs = measure(lambda text: baseline.predict_proba(vectorizer.transform([text])), texts, args.repeat)

    print(f"\n{len(texts)} questions x {args.repeat} rounds")
    print(f"{'':34} {'questions/s':>12} {'p50 ms':>8} {'p99 ms':>8}")
    print(f"{'matcher (all four steps)':34} {ours['per_s']:>12,.0f} {ours['p50']:>8.2f} {ours['p99']:>8.2f}")
    print(f"{'baseline (scikit-learn predict)':34} {theirs['per_s']:>12,.0f} {theirs['p50']:>8.2f} {theirs['p99']:>8.2f}")
    print(f"ratio: {ours['per_s'] / theirs['per_s']:.2f}x the baseline's throughput")


if __name__ == "__main__":
    main()
