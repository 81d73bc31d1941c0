"""Speed of the question matcher: questions per second and p50/p99 latency.

    python benchmarks/matcher_speed.py [--repeat 5]

Measured with the shipped knowledge base and with a synthetic one 100 times larger (every topic
copied 100 times with its phrases varied), for our matcher and for a naive baseline in the same
run: difflib's SequenceMatcher over the same normalised phrases, best ratio wins.
"""

from __future__ import annotations

import argparse
import dataclasses
import difflib
import random
import statistics
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.core.knowledge.loader import load_knowledge  # noqa: E402
from bot.core.knowledge.model import KnowledgeBase  # noqa: E402
from bot.core.matching.matcher import Matcher  # noqa: E402
from bot.core.text import normalise  # noqa: E402


def questions() -> list[str]:
    items = yaml.safe_load((ROOT / "tests/data/questions.yaml").read_text(encoding="utf-8"))
    items += yaml.safe_load((ROOT / "tests/data/holdout_questions.yaml").read_text(encoding="utf-8"))
    return [i["text"] for i in items]


def scaled(kb: KnowledgeBase, factor: int, seed: int = 1) -> KnowledgeBase:
    """`factor` copies of every topic, each copy's phrases varied with words of its own."""
    rng = random.Random(seed)
    topics = {}
    for topic in kb.topics.values():
        for n in range(factor):
            texts = {}
            for lang, text in topic.texts.items():
                phrases = tuple(f"{p} {rng.choice(['variant', 'kopia', 'typ'])}{n} ort{rng.randrange(500)}" for p in text.phrases)
                texts[lang] = dataclasses.replace(text, phrases=phrases, title=f"{text.title} {n}")
            tid = f"{topic.id}-{n}" if n else topic.id
            topics[tid] = dataclasses.replace(topic, id=tid, texts=texts, related=())
    return KnowledgeBase(topics=topics, contacts=kb.contacts, folder=kb.folder)


class DifflibBaseline:
    """The naive way: compare the question with every phrase using difflib."""

    def __init__(self, kb: KnowledgeBase):
        self.phrases = [(t.id, normalise(p)) for t in kb.topics.values() for text in t.texts.values() for p in text.phrases]

    def match(self, text: str) -> str:
        q = normalise(text)
        best = max(self.phrases, key=lambda tp: difflib.SequenceMatcher(None, q, tp[1]).ratio())
        return best[0]


def measure(fn, texts: list[str], repeat: int) -> dict:
    fn(texts[0])  # warm caches once
    latencies = []
    start = time.perf_counter()
    for _ in range(repeat):
        for text in texts:
            t0 = time.perf_counter()
            fn(text)
            latencies.append(time.perf_counter() - t0)
    total = time.perf_counter() - start
    latencies.sort()
    return {
        "qps": len(latencies) / total,
        "p50": statistics.median(latencies) * 1000,
        "p99": latencies[max(0, int(len(latencies) * 0.99) - 1)] * 1000,
        "n": len(latencies),
    }


def report(name: str, r: dict) -> None:
    print(f"  {name:<28} {r['qps']:10.0f} questions/s   p50 {r['p50']:8.3f} ms   p99 {r['p99']:8.3f} ms   ({r['n']} runs)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    texts = questions()
    kb = load_knowledge(ROOT / "knowledge")
    phrase_count = sum(len(t.phrases) for topic in kb.topics.values() for t in topic.texts.values())
    for label, base in (("shipped knowledge base", kb), ("synthetic, 100x larger", scaled(kb, 100))):
        n_phrases = sum(len(t.phrases) for topic in base.topics.values() for t in topic.texts.values())
        t0 = time.perf_counter()
        matcher = Matcher(base)
        build = time.perf_counter() - t0
        print(f"{label}: {len(base.topics)} topics, {n_phrases} phrases (index built in {build:.2f} s)")
        ours = measure(matcher.match, texts, args.repeat)
        report("fraudbot matcher", ours)
        baseline = DifflibBaseline(base)
        sample = texts if n_phrases == phrase_count else texts[:5]  # difflib takes ~25 s a question at 100x
        naive = measure(baseline.match, sample, 1)
        report("difflib baseline", naive)
        print(f"  speed-up over baseline: {ours['qps'] / naive['qps']:.0f}x throughput, p99 {naive['p99'] / ours['p99']:.0f}x lower")


if __name__ == "__main__":
    main()
