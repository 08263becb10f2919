"""Logistic regressions over words, characters, the heading and the cue lexicon."""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.validation import check_is_fitted

from .registry import register
from .rules import RuleFeatures

__all__ = ["CalibratedLogisticRegression"]


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

    ``predict`` takes the most probable label, as argmine's one decision rule does
    (``Model.decide``).
    """

    def __init__(self, C=4.0, cv=3, prior="empirical"):
        self.C = C
        self.cv = cv
        self.prior = prior

    def fit(self, X, y, sample_weight=None):
        """Fit; ``sample_weight`` weighs rows (distillation passes a teacher's probabilities as weights
        of one row per label), on top of the label balancing of ``prior="balanced"``."""
        from sklearn.calibration import CalibratedClassifierCV
        from sklearn.linear_model import LogisticRegression

        if self.prior not in ("empirical", "balanced"):
            raise ValueError(f"prior must be 'empirical' or 'balanced', got {self.prior!r}")
        y = np.asarray(y)
        balanced = self.prior == "balanced"
        weights = None if sample_weight is None else np.asarray(sample_weight, dtype=float)
        if balanced:  # each label's rows weigh as much in all as every other label's
            weights = np.ones(len(y)) if weights is None else weights
            totals = {label: weights[y == label].sum() for label in np.unique(y)}
            weights = weights * np.array([weights.sum() / (len(totals) * totals[label]) for label in y])
        base = LogisticRegression(C=self.C, class_weight=None if balanced else "balanced", max_iter=5000)
        if isinstance(self.cv, int):  # as many folds as the rarest label allows
            folds = min(self.cv, int(np.unique(y, return_counts=True)[1].min()))
            self.estimator_ = CalibratedClassifierCV(base, method="sigmoid", cv=folds) if folds >= 2 else base
        else:  # a splitter or a list of splits
            self.estimator_ = CalibratedClassifierCV(base, method="sigmoid", cv=self.cv)
        self.estimator_.fit(X, y, sample_weight=weights)
        self.classes_ = self.estimator_.classes_
        self.n_features_in_ = self.estimator_.n_features_in_
        return self

    def predict_proba(self, X):
        check_is_fitted(self, "estimator_")
        proba = _sigmoid_calibrated_proba(self.estimator_, X)
        return self.estimator_.predict_proba(X) if proba is None else proba

    def predict(self, X):
        proba = self.predict_proba(X)
        return self.classes_[proba.argmax(axis=1)]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True  # the word n-gram features are sparse
        return tags


def _sigmoid_calibrated_proba(calibrated, X) -> np.ndarray | None:
    """``calibrated.predict_proba(X)`` computed from its fitted parts; None unless ``calibrated`` is a
    CalibratedClassifierCV of sigmoid-calibrated logistic regressions and ``X`` a finite 2-D float
    array (dense, CSR or CSC) of as many features as it was fitted on: any other input goes to
    scikit-learn, which converts it or says what is wrong with it.

    The same arithmetic as scikit-learn's: per fold, each class's decision score through its
    sigmoid, the classes normalised to sum to 1 (uniform where all are 0), then the mean over the
    folds. scikit-learn also checks its input at every step, which costs several times the
    arithmetic at `run`'s one call per document and axis. A test holds the two equal.
    """
    from scipy import sparse
    from scipy.special import expit
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.linear_model import LogisticRegression

    if not isinstance(calibrated, CalibratedClassifierCV) or calibrated.method != "sigmoid":
        return None
    compressed = sparse.issparse(X) and X.format in ("csr", "csc")
    if not (isinstance(X, np.ndarray) or compressed) or X.ndim != 2 or X.dtype.kind != "f":
        return None
    if X.shape[1] != calibrated.n_features_in_ or not np.isfinite(X.data if compressed else X).all():
        return None
    classes = calibrated.classes_
    total = np.zeros((X.shape[0], len(classes)))
    for fold in calibrated.calibrated_classifiers_:
        regression = fold.estimator
        if not isinstance(regression, LogisticRegression):
            return None
        scores = np.asarray(X @ regression.coef_.T) + regression.intercept_
        proba = np.zeros_like(total)
        if len(classes) == 2:  # one score and one sigmoid, for the second class
            proba[:, 1] = expit(-(fold.calibrators[0].a_ * scores[:, 0] + fold.calibrators[0].b_))
            proba[:, 0] = 1.0 - proba[:, 1]
        else:
            columns = np.searchsorted(classes, regression.classes_)  # the classes this fold saw
            for column, score, sigmoid in zip(columns, scores.T, fold.calibrators):
                proba[:, column] = expit(-(sigmoid.a_ * score + sigmoid.b_))
            sums = proba.sum(axis=1, keepdims=True)
            proba = np.divide(proba, sums, out=np.full_like(proba, 1 / len(classes)), where=sums != 0)
        proba[(1.0 < proba) & (proba <= 1.0 + 1e-5)] = 1.0
        total += proba
    return total / len(calibrated.calibrated_classifiers_)


@register(
    "tfidf-lr",
    help="word and character n-grams, heading and position; calibrated logistic regression",
    trusted=(CalibratedLogisticRegression,),
)
def tfidf_lr(axis: str) -> BaseEstimator:
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


@register(
    "cues-lr",
    help="the cue lexicon's counts plus words and the heading; calibrated logistic regression",
    trusted=(CalibratedLogisticRegression, RuleFeatures),
)
def cues_lr(axis: str) -> BaseEstimator:
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


@register("words-lr", help="word uni- and bigrams; class-balanced logistic regression (uncalibrated)")
def words_lr(axis: str) -> BaseEstimator:
    """Word uni- and bigrams with class-balanced logistic regression (uncalibrated): the learned
    half of the ``rules+words`` ensemble."""
    from sklearn.compose import ColumnTransformer
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline

    columns = ColumnTransformer([("words", TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=2), "text")])
    return Pipeline(
        [("features", columns), ("classifier", LogisticRegression(C=1.0, class_weight="balanced", max_iter=3000))]
    )
