"""A trained linear text classifier, answering with numpy alone.

Models are trained with scikit-learn (`bot.core.matching.training`) in a separate process, because
importing scikit-learn and SciPy would add about 70 MB to the running service. What the service
keeps is what `TfidfVectorizer` + `LogisticRegression` learned – vocabulary, idf, coefficients –
and this class applies it exactly as scikit-learn would (a test compares the two).
"""

from __future__ import annotations

import json
import math
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bot.core.matching.features import text_features

FORMAT = 2  # bump when the saved arrays change meaning


@dataclass(frozen=True)
class LinearTextModel:
    """Class probabilities for a text: softmax(coef · tfidf(text) + intercept) / temperature."""

    classes: tuple[str, ...]
    vocabulary: dict[str, int]
    idf: np.ndarray  # (n_features,) float32
    coef: np.ndarray  # (n_features, n_classes) float32: one row per feature, so a text gathers few rows
    intercept: np.ndarray  # (n_classes,) float32
    temperature: float = 1.0

    def vector(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """The text's known features as (indexes, l2-normalised sublinear tf-idf weights)."""
        counts = Counter(i for i in map(self.vocabulary.get, text_features(text)) if i is not None)
        if not counts:
            return np.empty(0, dtype=np.intp), np.empty(0, dtype=np.float32)
        idx = np.fromiter(counts.keys(), dtype=np.intp, count=len(counts))
        tf = np.fromiter((1.0 + math.log(c) for c in counts.values()), dtype=np.float32, count=len(counts))
        weights = tf * self.idf[idx]
        norm = float(np.sqrt(weights @ weights))
        return idx, weights / norm if norm else weights

    def scores(self, text: str) -> np.ndarray:
        """The raw decision values per class (before the softmax)."""
        return self.scores_of(self.vector(text))

    def scores_of(self, vector: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
        idx, weights = vector
        scores: np.ndarray = weights @ self.coef[idx] + self.intercept
        return scores

    def probabilities(self, text: str) -> dict[str, float]:
        """Calibrated probability per class; they sum to 1."""
        return self.probabilities_of(self.vector(text))

    def probabilities_of(self, vector: tuple[np.ndarray, np.ndarray]) -> dict[str, float]:
        """As `probabilities`, from a vector already computed (models sharing a vocabulary share it)."""
        z = self.scores_of(vector) / self.temperature
        z = np.exp(z - z.max())
        p = z / z.sum()
        return dict(zip(self.classes, map(float, p)))

    def with_temperature(self, temperature: float) -> LinearTextModel:
        return LinearTextModel(self.classes, self.vocabulary, self.idf, self.coef, self.intercept, temperature)



# --- saving: plain arrays and JSON, never pickle -------------------------------------------------

def save_bundle(models: dict[str, LinearTextModel], path: Path) -> None:
    """Save models that share one vocabulary and idf into one .npz file, atomically."""
    first = next(iter(models.values()))
    terms = sorted(first.vocabulary, key=first.vocabulary.__getitem__)
    meta = {"format": FORMAT, "models": {name: {"classes": list(m.classes), "temperature": m.temperature} for name, m in models.items()}}
    arrays = {"terms": np.array(terms, dtype=str), "idf": first.idf, "meta": np.array(json.dumps(meta))}
    for name, model in models.items():
        if model.vocabulary is not first.vocabulary:
            raise ValueError("models in one bundle must share their vocabulary")
        arrays[f"{name}.coef"] = model.coef
        arrays[f"{name}.intercept"] = model.intercept
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as f:
        np.savez_compressed(f, **arrays)  # type: ignore[arg-type]
    tmp.replace(path)  # a reader never sees half a file


def load_bundle(path: Path) -> dict[str, LinearTextModel]:
    with np.load(path, allow_pickle=False) as data:
        meta = json.loads(str(data["meta"]))
        if meta.get("format") != FORMAT:
            raise ValueError(f"{path}: model format {meta.get('format')}, expected {FORMAT}")
        vocabulary = {t: i for i, t in enumerate(data["terms"].tolist())}
        idf = data["idf"].astype(np.float32)
        return {
            name: LinearTextModel(
                classes=tuple(info["classes"]), vocabulary=vocabulary, idf=idf,
                coef=np.ascontiguousarray(data[f"{name}.coef"], dtype=np.float32),
                intercept=data[f"{name}.intercept"].astype(np.float32), temperature=float(info.get("temperature", 1.0)),
            )
            for name, info in meta["models"].items()
        }
