"""Sentence classifiers for every axis of the label scheme, behind one interface.

A classifier name (a key of ``CLASSIFIERS``: ``rules``, ``tfidf-lr``, ``cues-lr``, ``words-lr``,
the ensemble ``rules+words``, ``spacy-textcat`` (textcat.py), and the sentence-embedding
classifiers ``static-lr``, ``static-rules-lr``, ``embed-lr``, ``embed-rules-lr`` whose encoders
live in ``embed.py``), or one name per axis (``role=A/level=B``), builds one scikit-learn
estimator per axis; each takes a DataFrame with ``text``, ``section`` and ``position`` columns. A ``Model``
holds the estimators of all axes with their metadata and is saved with skops, which
loads only the types listed in ``TRUSTED_TYPES``.
"""

from __future__ import annotations

import hashlib
import json
import platform
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Callable, Iterable

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin, TransformerMixin

from .errors import ModelError
from .scheme import Scheme, load_scheme

MODEL_FORMAT = "argmine-model"
MODEL_FORMAT_VERSION = 1
NO_HEADING = "(no heading)"


def features(rows: pd.DataFrame | Iterable) -> pd.DataFrame:
    """The classifier input: text, section heading and relative position of each sentence."""
    if isinstance(rows, pd.DataFrame) and rows.attrs.get(_FEATURES):
        return rows
    if not isinstance(rows, pd.DataFrame):
        rows = list(rows)
        frame = pd.DataFrame(
            {
                "text": [s.text for s in rows],
                "section": [s.section or NO_HEADING for s in rows],
                "position": [float(s.position) for s in rows],
            },
            columns=["text", "section", "position"],
        )
    else:
        frame = rows[["text", "section", "position"]].copy()
        frame["section"] = frame["section"].fillna("").replace("", NO_HEADING)
        frame["position"] = frame["position"].astype(float)
    frame.attrs[_FEATURES] = True  # built here: features(frame) returns it as it is
    return frame


_FEATURES = "argmine.features"


class RuleClassifier(ClassifierMixin, BaseEstimator):
    """Cue phrases and section-heading cues from the label scheme; fitting learns nothing from data.

    A label's score is the count of its cues in the sentence times the label's ``rules_weight``
    plus ``heading_weight`` when a heading cue matches the section; the axis's ``rules_fallback``
    label starts at ``default_score``. Scores become probabilities by a softmax.
    """

    def __init__(self, axis="role", scheme_path=None, heading_weight=0.75, default_score=0.9, temperature=1.5):
        self.axis = axis
        self.scheme_path = scheme_path
        self.heading_weight = heading_weight
        self.default_score = default_score
        self.temperature = temperature

    def fit(self, X, y=None):
        axis = load_scheme(self.scheme_path).axis(self.axis)
        self.classes_ = np.array(axis.names)
        self.default_ = axis.rules_fallback
        self.cues_ = {label.name: list(label.cues) for label in axis.labels}
        self.heading_cues_ = {label.name: list(label.heading_cues) for label in axis.labels}
        self.weights_ = {label.name: label.rules_weight for label in axis.labels}
        return self

    def decision_function(self, X) -> np.ndarray:
        X = features(X)
        texts, sections = _prepare(X["text"].tolist()), _prepare(X["section"].tolist())
        scores = np.zeros((len(X), len(self.classes_)))
        for j, label in enumerate(self.classes_):
            text_hits = _count(self.cues_[label], texts)
            head_hits = _count(self.heading_cues_[label], sections) > 0
            scores[:, j] = self.weights_[label] * text_hits + self.heading_weight * head_hits
            if label == self.default_:
                scores[:, j] += self.default_score
        return scores

    def predict_proba(self, X) -> np.ndarray:
        scores = self.decision_function(X) * self.temperature
        scores -= scores.max(axis=1, keepdims=True)
        exp = np.exp(scores)
        return exp / exp.sum(axis=1, keepdims=True)

    def predict(self, X) -> np.ndarray:
        return self.classes_[self.predict_proba(X).argmax(axis=1)]


class RuleScores(TransformerMixin, BaseEstimator):
    """The rules classifier's label scores (``RuleClassifier.decision_function``) as features.

    One column per label of each axis in ``axes`` (all axes of the scheme when None), so a
    learned classifier can weigh the cue lexicon against its other features.
    """

    def __init__(self, axes=None, scheme_path=None):
        self.axes = axes
        self.scheme_path = scheme_path

    def fit(self, X=None, y=None):
        axes = self.axes if self.axes is not None else load_scheme(self.scheme_path).axis_names
        self.rules_ = [RuleClassifier(axis=axis, scheme_path=self.scheme_path).fit(None) for axis in axes]
        self.n_features_out_ = sum(len(rules.classes_) for rules in self.rules_)
        return self

    def transform(self, X) -> np.ndarray:
        return np.hstack([rules.decision_function(X) for rules in self.rules_])

    def get_feature_names_out(self, input_features=None):
        return np.array([f"{r.axis}_{label}" for r in self.rules_ for label in r.classes_], dtype=object)


def _prepare(texts: list[str]) -> list[tuple[str, bool]]:
    """Each text with whether it was lower-cased: done when lower-case matching finds exactly what
    IGNORECASE matching finds, i.e. every character outside ASCII is one without case (quotes, dashes)."""
    prepared = []
    for text in texts:
        if text.isascii() or all(c.isascii() or c.lower() == c == c.upper() for c in set(text)):
            prepared.append((text.lower(), True))
        else:
            prepared.append((text, False))
    return prepared


def _count(cues: list[str], texts: list[tuple[str, bool]]) -> np.ndarray:
    """Non-overlapping cue matches in each prepared text (a longer cue wins where two start together)."""
    if not cues:
        return np.zeros(len(texts))
    pattern, folded = _cue_patterns(tuple(cues))
    counts: dict[tuple[str, bool], int] = {}  # section headings repeat: count each distinct text once
    for key in texts:
        if key not in counts:
            text, lowered = key
            counts[key] = len((folded if lowered and folded is not None else pattern).findall(text))
    return np.fromiter((counts[key] for key in texts), dtype=float, count=len(texts))


@lru_cache(maxsize=256)
def _cue_patterns(cues: tuple[str, ...]) -> tuple[re.Pattern, re.Pattern | None]:
    """The case-insensitive cue pattern, and for ASCII cues the same pattern in lower case.

    Matching lower-cased text (see ``_prepare``) against lower-case ASCII cues finds exactly what
    IGNORECASE finds, about five times faster; other text uses the IGNORECASE pattern.
    """
    ordered = sorted(cues, key=len, reverse=True)
    body = r"(?<![\w-])(?:{})"
    pattern = re.compile(body.format("|".join(re.escape(c) for c in ordered)), re.IGNORECASE)
    if not all(c.isascii() for c in cues):
        return pattern, None
    return pattern, re.compile(body.format("|".join(re.escape(c.lower()) for c in ordered)))


class RuleFeatures(TransformerMixin, BaseEstimator):
    """The cue lexicon as features: per label of every axis, the count of its cues in the
    sentence and whether a heading cue matches the section. Learns nothing from data."""

    def __init__(self, scheme_path=None):
        self.scheme_path = scheme_path

    def fit(self, X, y=None):
        scheme = load_scheme(self.scheme_path)
        self.cues_ = [(label.cues, label.heading_cues) for axis in scheme.axes for label in axis.labels]
        self.feature_names_ = [f"{axis.name}:{label.name}:{kind}" for axis in scheme.axes for label in axis.labels for kind in ("text", "heading")]
        return self

    def transform(self, X) -> np.ndarray:
        X = features(X)
        texts, sections = _prepare(X["text"].tolist()), _prepare(X["section"].tolist())
        columns = []
        for cues, heading_cues in self.cues_:
            columns.append(np.log1p(_count(list(cues), texts)))
            columns.append((_count(list(heading_cues), sections) > 0).astype(float))
        return np.column_stack(columns) if columns else np.zeros((len(X), 0))

    def get_feature_names_out(self, input_features=None):
        return np.array(self.feature_names_, dtype=object)


def _rules(axis: str) -> BaseEstimator:
    return RuleClassifier(axis=axis)


def _cues_lr(axis: str) -> BaseEstimator:
    """Logistic regression over the cue lexicon's features plus words and the heading: prior
    knowledge that holds across documents, corrected by what the gold teaches."""
    from sklearn.compose import ColumnTransformer
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import Pipeline

    columns = ColumnTransformer(
        [
            ("cues", RuleFeatures(), ["text", "section", "position"]),
            ("words", TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=2), "text"),
            ("heading", TfidfVectorizer(min_df=2), "section"),
        ]
    )
    return Pipeline([("features", columns), ("classifier", CalibratedLogisticRegression(C=1.0))])


def _tfidf_lr(axis: str) -> BaseEstimator:
    from sklearn.compose import ColumnTransformer
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import Pipeline

    columns = ColumnTransformer(
        [
            ("words", TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True), "text"),
            ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2), "text"),
            ("heading", TfidfVectorizer(), "section"),
            ("position", "passthrough", ["position"]),
        ]
    )
    return Pipeline(
        [
            ("features", columns),
            ("classifier", CalibratedLogisticRegression()),
        ]
    )


class CalibratedLogisticRegression(ClassifierMixin, BaseEstimator):
    """Logistic regression whose probabilities are calibrated by cross-validation (sigmoid).

    Uses as many calibration folds as the rarest label allows (at most ``cv``); with a label
    seen only once it falls back to the uncalibrated regression.

    ``prior`` says which label frequencies the probabilities assume. ``"empirical"``: the
    regression weighs labels equally (class-balanced) but the calibration restores the
    training data's frequencies, so rare labels are seldom predicted. ``"balanced"``: every
    sample is weighted by the inverse frequency of its label in the regression and in the
    calibration, so the probabilities assume equally frequent labels; this favours rare
    labels, which macro-F1 rewards and a document whose label mix differs from the
    training data's needs.

    ``predict`` decides as if labels were equally frequent either way: under ``"empirical"``
    it takes the label with the highest probability relative to its share of the training
    data, so rare labels are not drowned by the common ``none``.
    """

    def __init__(self, C=4.0, cv=3, prior="empirical"):
        self.C = C
        self.cv = cv
        self.prior = prior

    def fit(self, X, y):
        from sklearn.calibration import CalibratedClassifierCV
        from sklearn.linear_model import LogisticRegression
        from sklearn.utils.class_weight import compute_sample_weight

        if self.prior not in ("empirical", "balanced"):
            raise ValueError(f"prior must be 'empirical' or 'balanced', got {self.prior!r}")
        y = np.asarray(y)
        balanced = self.prior == "balanced"
        base = LogisticRegression(C=self.C, class_weight=None if balanced else "balanced", max_iter=5000)
        folds = min(self.cv, int(np.unique(y, return_counts=True)[1].min()))
        self.estimator_ = CalibratedClassifierCV(base, method="sigmoid", cv=folds) if folds >= 2 else base
        self.estimator_.fit(X, y, sample_weight=compute_sample_weight("balanced", y) if balanced else None)
        self.classes_ = self.estimator_.classes_
        # The label shares the probabilities assume, which predict divides out.
        self.priors_ = np.full(len(self.classes_), 1.0) if balanced else np.array([np.mean(y == c) for c in self.classes_])
        return self

    def predict_proba(self, X):
        return self.estimator_.predict_proba(X)

    def predict(self, X):
        return self.classes_[(self.predict_proba(X) / self.priors_).argmax(axis=1)]


class MeanEnsemble(ClassifierMixin, BaseEstimator):
    """The mean of its members' probabilities over the scheme's labels of ``axis``.

    ``members`` names registered classifiers; ``weights`` (default equal) weigh them.
    """

    def __init__(self, axis="role", members=("rules", "words-lr"), weights=None):
        self.axis = axis
        self.members = members
        self.weights = weights

    def fit(self, X, y):
        self.classes_ = np.array(load_scheme().axis(self.axis).names)
        self.estimators_ = [make_estimator(name, self.axis).fit(X, y) for name in self.members]
        return self

    def predict_proba(self, X) -> np.ndarray:
        weights = np.asarray(self.weights if self.weights is not None else [1.0] * len(self.members), dtype=float)
        total = np.zeros((len(features(X)), len(self.classes_)))
        for weight, estimator in zip(weights / weights.sum(), self.estimators_):
            proba = estimator.predict_proba(X)
            for j, label in enumerate(estimator.classes_):
                total[:, list(self.classes_).index(label)] += weight * proba[:, j]
        return total

    def predict(self, X) -> np.ndarray:
        return self.classes_[self.predict_proba(X).argmax(axis=1)]


def _words_lr(axis: str) -> BaseEstimator:
    """Word uni- and bigrams with class-balanced logistic regression (uncalibrated): the learned
    half of the ``rules+words`` ensemble."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.compose import ColumnTransformer

    columns = ColumnTransformer([("words", TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=2), "text")])
    return Pipeline([("features", columns), ("classifier", LogisticRegression(C=1.0, class_weight="balanced", max_iter=3000))])


def _rules_words(axis: str) -> BaseEstimator:
    return MeanEnsemble(axis=axis, members=("rules", "words-lr"))


def _spacy_textcat(axis: str) -> BaseEstimator:
    from .textcat import SpacyTextcat  # spaCy's training code is imported only on fit and predict

    return SpacyTextcat(axis=axis)


def _embedding_lr(encoder: str, axis: str, rules: bool = False) -> BaseEstimator:
    """Sentence embeddings (and the rules' label scores of ``axis``) into a calibrated regression
    whose probabilities assume equally frequent labels (see CalibratedLogisticRegression)."""
    from sklearn.compose import ColumnTransformer
    from sklearn.pipeline import Pipeline

    from .embed import SentenceEmbedder

    columns = ["text", "section", "position"]
    parts = [("embedding", SentenceEmbedder(model=encoder), columns)]
    if rules:
        parts.append(("rules", RuleScores(axes=[axis]), columns))
    return Pipeline([("features", ColumnTransformer(parts)), ("classifier", CalibratedLogisticRegression(prior="balanced"))])


def _embed_lr(axis: str) -> BaseEstimator:
    from .embed import TRANSFORMER, require_embed_extra

    require_embed_extra()
    return _embedding_lr(TRANSFORMER, axis)


def _embed_rules_lr(axis: str) -> BaseEstimator:
    from .embed import TRANSFORMER, require_embed_extra

    require_embed_extra()
    return _embedding_lr(TRANSFORMER, axis, rules=True)


def _static_lr(axis: str) -> BaseEstimator:
    from .embed import STATIC

    return _embedding_lr(STATIC, axis)


def _static_rules_lr(axis: str) -> BaseEstimator:
    from .embed import STATIC

    return _embedding_lr(STATIC, axis, rules=True)


CLASSIFIERS: dict[str, Callable[[str], BaseEstimator]] = {
    "rules": _rules,
    "tfidf-lr": _tfidf_lr,
    "cues-lr": _cues_lr,
    "words-lr": _words_lr,
    "rules+words": _rules_words,
    "spacy-textcat": _spacy_textcat,


    "embed-lr": _embed_lr,
    "embed-rules-lr": _embed_rules_lr,
    "static-lr": _static_lr,
    "static-rules-lr": _static_rules_lr,
}

# The only types a model file may hold beyond those skops trusts by default (scikit-learn, numpy).
TRUSTED_TYPES = [
    "argmine.classify.RuleClassifier",
    "argmine.classify.RuleFeatures",
    "argmine.classify.MeanEnsemble",
    "argmine.classify.CalibratedLogisticRegression",
    "sklearn.calibration._CalibratedClassifier",
    "sklearn.calibration._SigmoidCalibration",
    "argmine.textcat.SpacyTextcat",  # its learned state is plain bytes and strings


    "argmine.classify.RuleScores",
    "argmine.embed.SentenceEmbedder",
]


def make_estimator(classifier: str, axis: str) -> BaseEstimator:
    """The estimator ``classifier`` builds for ``axis``; the spec may name one per axis
    ("role=rules+words/level=words-lr"), otherwise one name serves every axis."""
    name = per_axis(classifier).get(axis) if "=" in classifier else classifier
    if name is None:
        raise ModelError(f"classifier '{classifier}' names no classifier for the axis '{axis}'; add {axis}=NAME")
    try:
        return CLASSIFIERS[name](axis)
    except KeyError:
        raise ModelError(f"unknown classifier '{name}'; choose one of {', '.join(CLASSIFIERS)}") from None


def per_axis(classifier: str) -> dict[str, str]:
    """{axis: name} from "role=A/level=B"; {} for a plain name."""
    if "=" not in classifier:
        return {}
    pairs = [part.split("=", 1) for part in classifier.split("/")]
    if any(len(pair) != 2 or not pair[0].strip() or not pair[1].strip() for pair in pairs):
        raise ModelError(f"classifier '{classifier}': write one name, or AXIS=NAME pairs separated by '/'")
    return {axis.strip(): name.strip() for axis, name in pairs}


@dataclass
class Model:
    """One fitted estimator per axis of the scheme, with the metadata saved beside them."""

    estimators: dict[str, BaseEstimator]
    metadata: dict = field(default_factory=dict)

    def predict(self, rows) -> pd.DataFrame:
        """Per axis: the label and its confidence (``<axis>``, ``<axis>_confidence``) and all probabilities."""
        X = features(rows)
        out = pd.DataFrame(index=X.index)
        if X.empty:
            for axis in self.estimators:
                out[axis], out[f"{axis}_confidence"] = pd.Series(dtype=str), pd.Series(dtype=float)
            return out
        for axis, estimator in self.estimators.items():
            proba = estimator.predict_proba(X)
            classes = list(estimator.classes_)
            labels = estimator.predict(X)
            out[axis] = labels
            out[f"{axis}_confidence"] = proba[np.arange(len(X)), [classes.index(label) for label in labels]]
            out[f"{axis}_proba"] = [dict(zip(estimator.classes_, map(float, p))) for p in proba]
        return out

    def label(self, sentences) -> None:
        """Set ``labels`` and ``confidences`` on Sentence records in place."""
        if not sentences:
            return
        X = features(sentences)
        rows = np.arange(len(X))
        for axis, estimator in self.estimators.items():
            proba = estimator.predict_proba(X)
            best = proba.argmax(axis=1)
            labels = np.asarray(estimator.classes_)[best].tolist()
            for sentence, label, confidence in zip(sentences, labels, proba[rows, best].tolist()):
                sentence.labels[axis] = str(label)
                sentence.confidences[axis] = float(confidence)


def fit_model(gold: pd.DataFrame, classifier: str, scheme: Scheme | None = None) -> Model:
    """Fit ``classifier`` on every axis of the gold rows that are not excluded."""
    scheme = scheme or load_scheme()
    rows = gold[~gold["exclude"]]
    estimators = {}
    for axis in scheme.axis_names:
        estimators[axis] = make_estimator(classifier, axis).fit(features(rows), rows[axis].to_numpy())
    return Model(estimators, {"classifier": classifier, "scheme": scheme.as_dict()})


def train(gold_path: str | Path, classifier: str, documents: str | Path | None = None, folds: int | str = "documents") -> Model:
    """Fit a model on all gold under ``gold_path`` and record its cross-validated scores and provenance."""
    from . import __version__
    from .evaluate import cross_validate
    from .gold import gold_files, load_gold

    gold = load_gold(gold_path, documents)
    model = fit_model(gold, classifier)
    report = cross_validate(gold, classifier, folds)
    digest = hashlib.sha256()
    for path in gold_files(gold_path):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    import sklearn
    import spacy

    model.metadata.update(
        {
            "format": MODEL_FORMAT,
            "format_version": MODEL_FORMAT_VERSION,
            "training_data": {
                "sha256": digest.hexdigest(),
                "files": [p.name for p in gold_files(gold_path)],
                "sentences": int((~gold["exclude"]).sum()),
                "documents": int(gold["doc_id"].nunique()),
            },
            "versions": {
                "argmine": __version__,
                "python": platform.python_version(),
                "scikit-learn": sklearn.__version__,
                "spacy": spacy.__version__,
                "numpy": np.__version__,
            },
            "cross_validation": {
                "folds": report["folds"],
                **{f"{axis}_macro_f1": report["axes"][axis]["macro_f1"] for axis in model.estimators},
                **{f"{axis}_accuracy": report["axes"][axis]["accuracy"] for axis in model.estimators},
            },
        }
    )
    return model


def save_model(model: Model, path: str | Path) -> Path:
    import skops.io as sio

    from .files import atomic

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic(path) as tmp:
        sio.dump({"metadata": json.dumps(model.metadata, sort_keys=True), "estimators": model.estimators}, tmp)
    return path


def bundled_models() -> dict[str, Path]:
    folder = resources.files("argmine").joinpath("models")
    return {Path(str(p)).stem: Path(str(p)) for p in folder.iterdir() if str(p).endswith(".skops")}


def model_path(name_or_path: str | Path) -> Path | None:
    """The file a model name or path refers to; None for ``rules`` (built, not read)."""
    path = Path(name_or_path)
    if path.exists():
        return path
    bundled = bundled_models()
    if str(name_or_path) in bundled:
        return bundled[str(name_or_path)]
    if str(name_or_path) == "rules":
        return None
    names = ", ".join(sorted([*bundled, "rules"]))
    raise ModelError(f"{name_or_path}: no such model file or bundled model; give a .skops path or one of: {names}")


def model_digest(name_or_path: str | Path = "default") -> str:
    """SHA-256 identifying a model: of its file, or for ``rules`` of the label scheme file its cues come from."""
    path = model_path(name_or_path)
    if path is None:
        data = b"rules\0" + resources.files("argmine").joinpath("config/labels.toml").read_bytes()
    else:
        data = path.read_bytes()
    return hashlib.sha256(data).hexdigest()


def load_model(name_or_path: str | Path = "default", scheme: Scheme | None = None) -> Model:
    """A model by bundled name ("default"), by file path, or an untrained classifier name ("rules")."""
    scheme = scheme or load_scheme()
    path = model_path(name_or_path)
    if path is None:  # rules: needs no training
        estimators = {axis: make_estimator("rules", axis).fit(None) for axis in scheme.axis_names}
        return Model(estimators, {"classifier": "rules", "scheme": scheme.as_dict()})
    return _read(path, scheme)


def _read(path: Path, scheme: Scheme) -> Model:
    import zipfile

    import skops.io as sio

    try:
        untrusted = sio.get_untrusted_types(file=path)
        refused = sorted(set(untrusted) - set(TRUSTED_TYPES))
        if refused:
            raise ModelError(f"{path}: refused: the file holds types argmine does not trust ({', '.join(refused)}); use a model trained by argmine")
        data = sio.load(path, trusted=sorted(set(untrusted)))
    except ModelError:
        raise
    except (zipfile.BadZipFile, EOFError, KeyError, ValueError, OSError, TypeError) as exc:
        raise ModelError(f"{path}: not a readable argmine model file ({type(exc).__name__}); retrain it with `argmine train`") from None
    try:
        metadata = json.loads(data["metadata"])
        estimators = data["estimators"]
    except (TypeError, KeyError, ValueError):
        raise ModelError(f"{path}: not an argmine model file (no metadata); retrain it with `argmine train`") from None
    if not isinstance(metadata, dict) or "scheme" not in metadata:
        raise ModelError(f"{path}: not an argmine model file (no label scheme in its metadata); retrain it with `argmine train`")
    if metadata["scheme"] != scheme.as_dict():
        raise ModelError(
            f"{path}: trained with another label scheme ({_describe(metadata['scheme'])}) than the current one"
            f" ({_describe(scheme.as_dict())}); retrain it with the current config/labels.toml"
        )
    for axis in scheme.axis_names:
        if not isinstance(estimators, dict) or not hasattr(estimators.get(axis), "predict_proba"):
            raise ModelError(f"{path}: not an argmine model file (no classifier for the axis '{axis}'); retrain it with `argmine train`")
    return Model(estimators, metadata)


def _describe(scheme: object) -> str:
    """'role: a, b; level: c, d' for a scheme as a model file records it (Scheme.as_dict)."""
    if not isinstance(scheme, dict):
        return repr(scheme)
    return "; ".join(
        f"{axis}: {', '.join(map(str, labels)) if isinstance(labels, list) else repr(labels)}" for axis, labels in scheme.items()
    )
