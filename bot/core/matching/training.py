"""Training the learned models with scikit-learn, in a child process, with an on-disk cache.

`train_models(specs, cache_dir)` returns one `LinearTextModel` per spec. The first call for a given
training set starts `python -m bot.core.matching.training`, which imports scikit-learn, fits a
`TfidfVectorizer` + `LogisticRegression` per spec and saves plain arrays; the running service only
loads those arrays (see `linear.py` for why). Later calls with the same data load the cache.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from bot.core.matching import features as features_module
from bot.core.matching.linear import FORMAT, LinearTextModel, load_bundle, save_bundle

log = logging.getLogger(__name__)
TRAINING_TIMEOUT = 300  # seconds; a normal training takes a few
# A feature seen in one training text only says nothing a model can generalise from; dropping those
# halves the vocabulary (memory, and the solver's work). The solver: see the commit that chose it.
MIN_DF = 2


class TrainingError(Exception):
    """The models could not be trained; the message says why."""


@dataclass(frozen=True)
class ModelSpec:
    """What to learn: texts with their labels, and the regularisation strength C."""

    name: str
    texts: tuple[str, ...]
    labels: tuple[str, ...]
    C: float = 10.0
    sample_weights: tuple[float, ...] = field(default=())
    balanced: bool = False  # weigh classes inversely to their size (a few urgent texts among many ordinary ones)
    # scikit-learn's solver and tolerance. Measured on the tuned set (2 cores): newton-cg fits the topic
    # model in 2.0 s with 119 MB (lbfgs: 5.6 s, 680 MB, and a worse ranking; saga did not converge on
    # the follow-up model in 1,000 rounds).
    solver: str = "newton-cg"
    tol: float = 1e-3

    def key(self) -> str:
        payload = json.dumps(asdict(self), ensure_ascii=False, sort_keys=True).encode()
        return hashlib.sha256(payload).hexdigest()


def default_cache_dir() -> Path:
    """~/.cache/fraudbot/models (or under $XDG_CACHE_HOME): derived files, safe to delete."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "fraudbot" / "models"


def _code_stamp() -> str:
    """Trained arrays are only valid for the feature code that produced them."""
    source = Path(features_module.__file__).read_bytes()
    return hashlib.sha256(source + str(FORMAT).encode()).hexdigest()[:16]


def train_models(specs: list[ModelSpec], cache_dir: Path | None = None) -> dict[str, LinearTextModel]:
    """A trained model per spec, sharing one vocabulary; from the cache when the same data was trained before."""
    cache_dir = Path(cache_dir or default_cache_dir())
    key = hashlib.sha256("".join(s.key() for s in specs).encode()).hexdigest()[:32]
    path = cache_dir / f"models-{_code_stamp()}-{key}.npz"
    try:
        return load_bundle(path)
    except (OSError, ValueError, KeyError):
        pass
    cache_dir.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    _train_in_child(specs, path)
    log.info("trained %s in %.1f s", ", ".join(s.name for s in specs), time.monotonic() - started)
    return load_bundle(path)


def _train_in_child(specs: list[ModelSpec], output: Path) -> None:
    with tempfile.TemporaryDirectory(prefix="fraudbot-train-") as tmp:
        request = Path(tmp) / "request.json"
        request.write_text(json.dumps({"specs": [asdict(s) for s in specs], "output": str(output)}, ensure_ascii=False),
                           encoding="utf-8")
        try:
            done = subprocess.run(
                [sys.executable, "-m", "bot.core.matching.training", str(request)],
                capture_output=True, text=True, timeout=TRAINING_TIMEOUT,
                env={**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"},
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise TrainingError(f"could not run the training process: {exc}") from exc
        if done.returncode != 0:
            last = (done.stderr.strip().splitlines() or ["no output"])[-1]
            raise TrainingError(f"training failed: {last}")


def fit_linear(spec: ModelSpec) -> LinearTextModel:
    """Fit one model with its own vocabulary (for experiments and cross-validation)."""
    return fit_bundle([spec])[spec.name]


def fit_bundle(specs: list[ModelSpec]) -> dict[str, LinearTextModel]:
    """Fit every spec with scikit-learn over ONE shared vocabulary (imported here: only the training
    process pays for scikit-learn). Sharing the vocabulary keeps one copy of it in the service's memory."""
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    every_text = list(dict.fromkeys(t for spec in specs for t in spec.texts))
    # Each text is analysed once (the analyser is Python, the slow part); the vectorizer gets the features.
    analysed = [features_module.text_features(t) for t in every_text]
    row_of = {t: i for i, t in enumerate(every_text)}
    vectorizer = TfidfVectorizer(analyzer=_as_is, sublinear_tf=True, min_df=MIN_DF, dtype=np.float32)
    matrix = vectorizer.fit_transform(analysed)
    vocabulary = {str(t): int(i) for t, i in vectorizer.vocabulary_.items()}
    idf = vectorizer.idf_.astype(np.float32)
    models = {}
    for spec in specs:
        model = LogisticRegression(C=spec.C, solver=spec.solver, max_iter=1000, tol=spec.tol,
                                   class_weight="balanced" if spec.balanced else None)
        rows = matrix[[row_of[t] for t in spec.texts]]
        model.fit(rows, list(spec.labels), sample_weight=list(spec.sample_weights) or None)
        coef, intercept = model.coef_, model.intercept_
        if len(model.classes_) == 2:  # scikit-learn keeps one row for two classes; make it a softmax pair
            coef = np.vstack([-coef[0] / 2, coef[0] / 2])
            intercept = np.array([-intercept[0] / 2, intercept[0] / 2])
        models[spec.name] = LinearTextModel(
            classes=tuple(str(c) for c in model.classes_), vocabulary=vocabulary, idf=idf,
            coef=np.ascontiguousarray(coef.T, dtype=np.float32), intercept=np.asarray(intercept, dtype=np.float32),
        )
    return models


def _as_is(features: list[str]) -> list[str]:
    return features


def _main(request_path: str) -> None:
    request = json.loads(Path(request_path).read_text(encoding="utf-8"))
    specs = [ModelSpec(**{**raw, "texts": tuple(raw["texts"]), "labels": tuple(raw["labels"]),
                          "sample_weights": tuple(raw.get("sample_weights") or ())}) for raw in request["specs"]]
    save_bundle(fit_bundle(specs), Path(request["output"]))


if __name__ == "__main__":
    _main(sys.argv[1])
