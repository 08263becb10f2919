"""scikit-learn's estimator contract for argmine's own estimators: all of scikit-learn's checks
for the numeric one, the checks that need no data for those that read sentences, and
NotFittedError before fit everywhere."""

import warnings

import pandas as pd
import pytest
from sklearn.exceptions import NotFittedError
from sklearn.utils.estimator_checks import (
    check_estimator,
    check_get_params_invariance,
    check_no_attributes_set_in_init,
    check_parameters_default_constructible,
    check_set_params,
)

from argmine.classifiers.embedding import SentenceEmbedder
from argmine.classifiers.ensemble import MeanEnsemble
from argmine.classifiers.linear import CalibratedLogisticRegression
from argmine.classifiers.rules import RuleClassifier, RuleFeatures, RuleScores
from argmine.classifiers.textcat import SpacyTextcat

SENTENCE_ESTIMATORS = [RuleClassifier, RuleFeatures, RuleScores, MeanEnsemble, SentenceEmbedder, SpacyTextcat]
X = pd.DataFrame(
    {"text": ["Japan should act.", "The summit met in 2023."], "section": ["", ""], "position": [0.0, 1.0]}
)


@pytest.mark.slow
def test_calibrated_regression_passes_every_sklearn_check():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        results = check_estimator(CalibratedLogisticRegression(), on_fail=None)
    failed = [(r["check_name"], str(r["exception"])[:200]) for r in results if r["status"] == "failed"]
    assert failed == []


@pytest.mark.parametrize("kind", SENTENCE_ESTIMATORS, ids=lambda k: k.__name__)
def test_sentence_estimators_keep_the_contract(kind):
    name = kind.__name__
    for check in (
        check_no_attributes_set_in_init,
        check_get_params_invariance,
        check_set_params,
        check_parameters_default_constructible,
    ):
        check(name, kind())


@pytest.mark.parametrize("kind", [*SENTENCE_ESTIMATORS, CalibratedLogisticRegression], ids=lambda k: k.__name__)
def test_unfitted_estimator_raises_not_fitted_error(kind):
    estimator = kind()
    for method in ("predict_proba", "predict", "transform", "decision_function"):
        if hasattr(estimator, method):
            with pytest.raises(NotFittedError):
                getattr(estimator, method)(X)
