"""The numpy-only model answers exactly as scikit-learn would, saves without pickle, and is cached."""

import numpy as np
import pytest

from bot.core.matching import training
from bot.core.matching.linear import load_bundle, save_bundle
from bot.core.matching.training import ModelSpec, TrainingError, fit_bundle, train_models

TEXTS = (
    "banken ringde och ville att jag loggade in", "en från banken bad om min kod", "falsk bankman ringde",
    "polisen vill hämta mitt kort", "en polis ringde om inbrott", "polis vid dörren vill ha smycken",
    "när öppnar biblioteket", "vad blir det för väder", "hur byter jag pinkod",
)
LABELS = ("bank",) * 3 + ("police",) * 3 + ("other",) * 3
SPEC = ModelSpec("t", TEXTS, LABELS, C=5.0)


def test_probabilities_equal_scikit_learns():
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    from bot.core.matching.features import text_features
    from bot.core.matching.training import MIN_DF

    model = fit_bundle([SPEC])["t"]
    vectorizer = TfidfVectorizer(analyzer=text_features, sublinear_tf=True, min_df=MIN_DF)
    reference = LogisticRegression(C=5.0, solver=SPEC.solver, max_iter=1000, tol=SPEC.tol).fit(vectorizer.fit_transform(TEXTS), LABELS)
    for question in ["ringde banken verkligen?", "POLISEN står här", "väder", "", "🙂 <b>x</b>", "x" * 3000]:
        ours = model.probabilities(question)
        theirs = dict(zip(reference.classes_, reference.predict_proba(vectorizer.transform([question]))[0]))
        for label in LABELS:
            assert ours[label] == pytest.approx(theirs[label], abs=2e-3), (question, label)


def test_models_in_a_bundle_share_the_vocabulary_and_survive_a_round_trip(tmp_path):
    other = ModelSpec("u", TEXTS[:6], ("a",) * 3 + ("b",) * 3)
    models = fit_bundle([SPEC, other])
    assert models["t"].vocabulary is models["u"].vocabulary
    save_bundle(models, tmp_path / "m.npz")
    loaded = load_bundle(tmp_path / "m.npz")
    assert loaded["t"].vocabulary is loaded["u"].vocabulary
    for text in TEXTS:
        assert loaded["t"].probabilities(text) == pytest.approx(models["t"].probabilities(text))
    assert np.load(tmp_path / "m.npz", allow_pickle=False)["terms"].dtype.kind == "U"  # no pickled objects


def test_training_runs_in_a_child_process_once_then_comes_from_the_cache(tmp_path, monkeypatch):
    first = train_models([SPEC], tmp_path)
    assert list(tmp_path.glob("models-*.npz"))

    def no_training(*args, **kwargs):
        raise AssertionError("trained again although the data did not change")

    monkeypatch.setattr(training, "_train_in_child", no_training)
    again = train_models([SPEC], tmp_path)
    assert again["t"].probabilities("banken ringde") == pytest.approx(first["t"].probabilities("banken ringde"))


def test_a_failing_training_says_why(tmp_path):
    with pytest.raises(TrainingError, match="training failed"):
        train_models([ModelSpec("t", ("only one class",), ("x",))], tmp_path)
