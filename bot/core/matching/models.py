"""The three learned models of one knowledge base, and the training data each is built from.

- topics: which topic a question is about, or "not about fraud" (`OUT_OF_SCOPE`). Trained on every
  topic's titles, phrases and keywords, the everyday questions in `_out_of_scope.yaml`, and the
  questions staff taught the bot on the dashboard.
- urgency: whether something is happening right now, and which situation (`_urgency.yaml`).
- followups: what a message written right after an answer asks of it (`_followups.yaml`); every
  other training text is its "none" class.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.core.knowledge.model import KnowledgeBase
from bot.core.matching.linear import LinearTextModel
from bot.core.matching.training import ModelSpec, train_models

OUT_OF_SCOPE = "out-of-scope"  # the topic model's class for questions that are not about fraud
NOT_URGENT = "none"
NO_FOLLOWUP = "none"
# Regularisation (scikit-learn's C) per model, chosen by cross-validation on the tuned set.
TOPIC_C = 10.0
# The topics' summaries and signs are the bot's words, not a resident's: they count for less than phrases
# (cross-validated on the tuned set: top-1 0.853 without them, 0.867 at this weight, 0.837 at full weight).
DESCRIPTION_WEIGHT = 0.3
# Topic phrases teach the urgency model what ordinary questions look like, but a few of them tell of a
# scene going on now: they count for less than the examples written for it (on the tuned set, at full
# recall: false urgency 0.155 without them, 0.057 at this weight, 0.098 at full weight).
CALM_PHRASE_WEIGHT = 0.3
URGENCY_C = 10.0
FOLLOWUP_C = 10.0


MAX_TAUGHT = 600  # characters of a taught question


@dataclass(frozen=True)
class Taught:
    """A question staff linked to a topic (or marked as not about fraud) on the dashboard; at most
    `MAX_TAUGHT` characters (a longer one is refused, not cut: the cut-off part may change its meaning)."""

    text: str
    topic: str  # a topic id or OUT_OF_SCOPE


@dataclass(frozen=True)
class TrainedModels:
    topics: LinearTextModel
    urgency: LinearTextModel
    followups: LinearTextModel


def topic_training_set(kb: KnowledgeBase, taught: tuple[Taught, ...] = (), *, descriptions: bool = False) -> tuple[list[str], list[str], list[float]]:
    """(texts, labels, weights) for the topic model; `descriptions` adds summaries and signs at a lower weight."""
    texts: list[str] = []
    labels: list[str] = []
    weights: list[float] = []

    def add(text: str, label: str, weight: float = 1.0) -> None:
        texts.append(text)
        labels.append(label)
        weights.append(weight)

    for topic in sorted(kb.topics.values(), key=lambda t: t.id):
        for lang in sorted(topic.texts):
            text = topic.texts[lang]
            add(text.title, topic.id)
            for phrase in text.phrases:
                add(phrase, topic.id)
            if descriptions:
                for line in (text.summary, *text.signs):
                    add(line, topic.id, DESCRIPTION_WEIGHT)
        for keyword in topic.keywords:
            add(keyword, topic.id)
    for question in kb.examples.out_of_scope:
        add(question, OUT_OF_SCOPE)
    for item in taught:
        if item.topic in kb.topics or item.topic == OUT_OF_SCOPE:
            add(item.text, item.topic)
    return texts, labels, weights


def model_specs(kb: KnowledgeBase, taught: tuple[Taught, ...] = ()) -> list[ModelSpec]:
    texts, labels, weights = topic_training_set(kb, taught, descriptions=True)
    questions = [t for t, w in zip(texts, weights) if w == 1.0]  # what residents write, not the bot's own words
    urgent = kb.examples.urgent
    # Not urgent: the near misses written for it, and every ordinary question the topic model knows
    # (titles, phrases, everyday questions) – most questions are about something that already happened.
    near_misses = list(dict.fromkeys(kb.examples.not_urgent))
    ordinary = [q for q in dict.fromkeys(questions) if q not in set(near_misses)]
    calm = near_misses + ordinary
    urgency_weights = [1.0] * (len(urgent) + len(near_misses)) + [CALM_PHRASE_WEIGHT] * len(ordinary)
    followups = kb.examples.followups
    return [
        ModelSpec("topics", tuple(texts), tuple(labels), C=TOPIC_C, sample_weights=tuple(weights)),
        ModelSpec("urgency", tuple([t for t, _ in urgent] + calm), tuple([s for _, s in urgent] + [NOT_URGENT] * len(calm)),
                  C=URGENCY_C, balanced=True, sample_weights=tuple(urgency_weights)),
        # Everything that is not a follow-up: the questions residents start a conversation with.
        ModelSpec("followups", tuple([t for t, _ in followups] + questions),
                  tuple([i for _, i in followups] + [NO_FOLLOWUP] * len(questions)), C=FOLLOWUP_C, balanced=True),
    ]


def train(kb: KnowledgeBase, taught: tuple[Taught, ...] = (), cache_dir: Path | None = None) -> TrainedModels:
    """Train (or load from the cache) the three models for `kb`."""
    models = train_models(model_specs(kb, taught), cache_dir)
    return TrainedModels(models["topics"], models["urgency"], models["followups"])
