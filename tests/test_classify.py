import numpy as np
import pytest
from sklearn.base import clone
from sklearn.dummy import DummyClassifier

from argmine.classifiers import features, make_estimator, register, registered
from argmine.errors import ModelError
from argmine.gold import load_gold
from argmine.model import fit_model, load_model, save_model
from argmine.scheme import load_scheme
from conftest import GOLD, classifier_params

CLASSIFIERS = registered()


@pytest.fixture(scope="module")
def gold():
    return load_gold(GOLD / "japan-nato-cooperation.jsonl")


@pytest.mark.parametrize("name", classifier_params(sorted(CLASSIFIERS)))
def test_sklearn_contract(name, gold):
    estimator = make_estimator(name, "role")
    assert repr(clone(estimator)) == repr(estimator)  # __init__ only stores its arguments
    if "max_steps" in estimator.get_params():
        estimator.set_params(max_steps=20)  # spacy-textcat: the contract, not the quality (tests/test_textcat.py)
    fitted = estimator.fit(features(gold), gold["role"].to_numpy())
    assert fitted is estimator
    proba = estimator.predict_proba(features(gold.head(5)))
    assert proba.shape == (5, len(estimator.classes_))
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    final = estimator[-1] if hasattr(estimator, "steps") else estimator
    decision = proba / getattr(final, "priors_", 1.0)  # calibrated LR decides relative to label shares
    assert list(estimator.predict(features(gold.head(5)))) == list(estimator.classes_[decision.argmax(axis=1)])


def test_rules_follow_prescription_first():
    model = load_model("rules")
    out = model.predict(
        features_of(
            ["Japan should expand cooperation to overcome this obstacle.", "In 2021 the EU published its strategy."]
        )
    )
    assert list(out["role"]) == ["recommendation", "none"]


def features_of(texts):
    import pandas as pd

    return pd.DataFrame({"text": texts, "section": "", "position": 0.5})


@pytest.mark.slow
def test_tfidf_lr_learns_the_gold(gold):
    model = fit_model(gold, "tfidf-lr")
    predicted = model.predict(gold)
    assert (predicted["role"] == gold["role"]).mean() > 0.8
    assert predicted["role_confidence"].between(0, 1).all()


@pytest.mark.slow
def test_save_and_load_roundtrip(tmp_path, gold):
    model = fit_model(gold, "tfidf-lr")
    path = save_model(model, tmp_path / "m.skops")
    loaded = load_model(path)
    assert loaded.metadata["classifier"] == "tfidf-lr"
    assert loaded.predict(gold)["role"].tolist() == model.predict(gold)["role"].tolist()


@pytest.mark.parametrize("name", ["default", "accurate", "fast"])
def test_bundled_model_metadata(name):
    meta = load_model(name).metadata
    assert meta["scheme"] == load_scheme().as_dict()
    assert len(meta["training_data"]["sha256"]) == 64
    assert set(meta["versions"]) >= {"argmine", "scikit-learn", "spacy"}


def test_model_errors(tmp_path):
    with pytest.raises(
        ModelError,
        match=r"^nope: no such model file or bundled model; give a .skops path or one of: accurate, default, fast, rules$",
    ):
        load_model("nope")
    broken = tmp_path / "broken.skops"
    broken.write_bytes(b"not a zip")
    with pytest.raises(
        ModelError,
        match=r"broken.skops: a text file, not a model file; give a model file written by `argmine train`",
    ):
        load_model(broken)


def test_model_of_another_scheme_is_refused(tmp_path, gold):
    model = fit_model(gold, "rules")
    model.metadata["scheme"] = {"role": ["a", "b"]}
    path = save_model(model, tmp_path / "other.skops")
    with pytest.raises(ModelError, match="trained with another label scheme"):
        load_model(path)


def test_untrusted_types_are_refused(tmp_path):
    import skops.io as sio
    from sklearn.preprocessing import FunctionTransformer

    path = tmp_path / "evil.skops"
    sio.dump({"metadata": "{}", "estimators": {"role": FunctionTransformer(func=np.linalg.inv)}}, path)
    with pytest.raises(ModelError, match="refused: the file holds types argmine does not trust"):
        load_model(path)


def test_ensemble_averages_its_members(gold):
    from argmine.classifiers.ensemble import MeanEnsemble

    X, y = features(gold), gold["level"].to_numpy()
    ensemble = MeanEnsemble(axis="level", members=("rules", "words-lr")).fit(X, y)
    parts = [make_estimator(name, "level").fit(X, y) for name in ("rules", "words-lr")]
    expected = np.zeros((len(X), len(ensemble.classes_)))
    for part in parts:
        for j, label in enumerate(part.classes_):
            expected[:, list(ensemble.classes_).index(label)] += part.predict_proba(X)[:, j] / 2
    np.testing.assert_allclose(ensemble.predict_proba(X), expected)


def test_one_classifier_per_axis(gold):
    model = fit_model(gold, "role=rules/level=words-lr")
    assert type(model.estimators["role"]).__name__ == "RuleClassifier"
    assert type(model.estimators["level"]).__name__ == "Pipeline"


def test_lower_case_cue_matching_counts_what_ignorecase_counts():
    """The fast path (lower-cased text, lower-case cues) must find exactly what IGNORECASE finds,
    including in text with curly quotes, and falls back for letters whose case folding is special."""
    import re

    from argmine.classifiers.rules import _count, _prepare

    cues = ["should", "must", "risk", "cost of", "U.S.", "state"]
    texts = [
        "The U.S. MUST act; the risk-taking Cost of delay is ‘high’.",
        "Japan should—and must—act.",
        "The ſtate should act.",  # long s: IGNORECASE matches it to 's'
        "İstanbul must, the KELVIN K risk.",
        "straße costs of",
        "",
    ]
    reference = re.compile(
        r"(?<![\w-])(?:" + "|".join(re.escape(c) for c in sorted(cues, key=len, reverse=True)) + ")", re.I
    )
    assert _count(cues, _prepare(texts)).tolist() == [float(len(reference.findall(t))) for t in texts]
    assert [lowered for _, lowered in _prepare(texts)] == [True, True, False, False, False, True]


@pytest.mark.parametrize("name", ["default", "accurate", "fast"])
def test_bundled_model_labels_with_the_scheme(gold, name):
    model = load_model(name)
    predicted = model.predict(gold.head(20))
    scheme = load_scheme()
    for axis in scheme.axes:
        assert set(predicted[axis.name]) <= set(axis.names)
        confidence = predicted[f"{axis.name}_confidence"]
        assert ((1 / len(axis.names) <= confidence) & (confidence <= 1)).all()


class JointPrior(DummyClassifier):
    """A joint classifier for the test: the most frequent label of every axis, from one estimator."""

    def __init__(self, axis=("role", "level"), strategy="prior"):
        self.axis = axis
        super().__init__(strategy=strategy)

    def fit(self, X, y):
        self.fits_ = getattr(self, "fits_", 0) + 1
        super().fit(X, y)
        if not isinstance(self.axis, str):
            self.outputs_ = tuple(self.axis)
        return self


@pytest.fixture
def joint_prior():
    from argmine.classifiers import registry

    register("test-joint-prior", help="the most frequent label of each axis", joint=True)(
        lambda axis: JointPrior(axis=axis)
    )
    yield "test-joint-prior"
    registry._REGISTRY.pop("test-joint-prior")


def test_a_joint_classifier_is_fitted_once_for_all_axes_and_labels_each(gold, joint_prior):
    rows = gold[~gold["exclude"]]
    model = fit_model(gold, joint_prior)
    estimator = model.estimators["role"]
    assert model.estimators["level"] is estimator and estimator.fits_ == 1 and estimator.outputs_ == ("role", "level")
    predicted = model.predict(gold.head(5))
    for axis in ("role", "level"):
        assert set(predicted[axis]) == {rows[axis].value_counts().idxmax()}
        share = float((rows[axis] == rows[axis].value_counts().idxmax()).mean())
        np.testing.assert_allclose(predicted[f"{axis}_confidence"], share)
    # named for one axis it is a plain classifier of that axis
    mixed = fit_model(gold, f"role={joint_prior}/level=rules")
    assert mixed.estimators["role"].axis == "role" and not hasattr(mixed.estimators["role"], "outputs_")
    assert set(mixed.predict(gold.head(5))["role"]) == {rows["role"].value_counts().idxmax()}


@pytest.mark.parametrize("n_classes", [2, 4])
@pytest.mark.parametrize("sparse_input", [False, True])
def test_calibrated_regression_probabilities_equal_scikit_learns(n_classes, sparse_input):
    """CalibratedLogisticRegression computes its probabilities from the fitted parts; they equal
    scikit-learn's own, for two and four classes (one rare: two calibration folds), dense and sparse."""
    from scipy import sparse

    from argmine.classifiers.linear import CalibratedLogisticRegression, _sigmoid_calibrated_proba

    rng = np.random.default_rng(0)
    X = rng.normal(size=(120, 6))
    y = np.array(["a", "b", "c", "d"][:n_classes])[rng.integers(0, n_classes, 120)]
    y[:3] = y[0]
    if n_classes == 4:
        y[y == "d"] = "c"
        y[[5, 6]] = "d"  # two rows: two calibration folds
    model = CalibratedLogisticRegression(prior="balanced").fit(X, y)
    X_test = rng.normal(size=(40, 6)) * 3
    if sparse_input:
        X_test = sparse.csr_matrix(X_test)
    direct = _sigmoid_calibrated_proba(model.estimator_, X_test)
    assert direct is not None and len(model.estimator_.calibrated_classifiers_) == (2 if n_classes == 4 else 3)
    np.testing.assert_allclose(direct, model.estimator_.predict_proba(X_test), rtol=1e-12, atol=1e-12)
    np.testing.assert_array_equal(model.predict_proba(X_test), direct)
