"""Ensembles of registered classifiers."""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.validation import check_is_fitted

from ..scheme import load_scheme
from .features import features
from .registry import make_estimator, register

__all__ = ["MeanEnsemble"]


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
        check_is_fitted(self, "estimators_")
        weights = np.asarray(self.weights if self.weights is not None else [1.0] * len(self.members), dtype=float)
        total = np.zeros((len(features(X)), len(self.classes_)))
        for weight, estimator in zip(weights / weights.sum(), self.estimators_):
            proba = estimator.predict_proba(X)
            for j, label in enumerate(estimator.classes_):
                total[:, list(self.classes_).index(label)] += weight * proba[:, j]
        return total

    def predict(self, X) -> np.ndarray:
        proba = self.predict_proba(X)  # first: NotFittedError before fit
        return self.classes_[proba.argmax(axis=1)]


@register(
    "rules+words",
    help="the mean of rules' and words-lr's probabilities",
    trusted=(MeanEnsemble,),
)
def rules_words(axis: str) -> BaseEstimator:
    return MeanEnsemble(axis=axis, members=("rules", "words-lr"))
