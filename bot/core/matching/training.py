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
from bot.core.matching.linear import FORMAT, LinearTextModel

log = logging.getLogger(__name__)
TRAINING_TIMEOUT = 300  # seconds; a normal training takes a few


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
    """A trained model per spec, from the cache when the same data was trained before."""
    cache_dir = Path(cache_dir or default_cache_dir())
    stamp = _code_stamp()
    paths = {spec.name: cache_dir / f"{spec.name}-{stamp}-{spec.key()[:32]}.npz" for spec in specs}
    models: dict[str, LinearTextModel] = {}
    missing = []
    for spec in specs:
        try:
            models[spec.name] = LinearTextModel.load(paths[spec.name])
        except (OSError, ValueError, KeyError):
            missing.append(spec)
    if missing:
        cache_dir.mkdir(parents=True, exist_ok=True)
        started = time.monotonic()
        _train_in_child(missing, {s.name: paths[s.name] for s in missing})
        log.info("trained %s in %.1f s", ", ".join(s.name for s in missing), time.monotonic() - started)
        for spec in missing:
            models[spec.name] = LinearTextModel.load(paths[spec.name])
    return models


def _train_in_child(specs: list[ModelSpec], outputs: dict[str, Path]) -> None:
    with tempfile.TemporaryDirectory(prefix="fraudbot-train-") as tmp:
        request = Path(tmp) / "request.json"
        request.write_text(json.dumps({
            "specs": [asdict(s) for s in specs], "outputs": {k: str(v) for k, v in outputs.items()},
        }, ensure_ascii=False), encoding="utf-8")
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
    """Fit one model with scikit-learn (imported here: only the training process pays for it)."""
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    vectorizer = TfidfVectorizer(analyzer=features_module.text_features, sublinear_tf=True, min_df=1, dtype=np.float32)
    matrix = vectorizer.fit_transform(spec.texts)
    model = LogisticRegression(C=spec.C, max_iter=1000, tol=1e-3)
    model.fit(matrix, list(spec.labels), sample_weight=list(spec.sample_weights) or None)
    coef = model.coef_
    intercept = model.intercept_
    if len(model.classes_) == 2:  # scikit-learn keeps one row for two classes; make it a softmax pair
        coef = np.vstack([-coef[0] / 2, coef[0] / 2])
        intercept = np.array([-intercept[0] / 2, intercept[0] / 2])
    return LinearTextModel(
        classes=tuple(str(c) for c in model.classes_),
        vocabulary={str(t): int(i) for t, i in vectorizer.vocabulary_.items()},
        idf=vectorizer.idf_.astype(np.float32),
        coef=np.ascontiguousarray(coef.T, dtype=np.float32),
        intercept=np.asarray(intercept, dtype=np.float32),
    )


def _main(request_path: str) -> None:
    request = json.loads(Path(request_path).read_text(encoding="utf-8"))
    for raw in request["specs"]:
        spec = ModelSpec(**{**raw, "texts": tuple(raw["texts"]), "labels": tuple(raw["labels"]),
                            "sample_weights": tuple(raw.get("sample_weights") or ())})
        fit_linear(spec).save(Path(request["outputs"][spec.name]))


if __name__ == "__main__":
    _main(sys.argv[1])
