"""One decision rule: what `run` writes, what `evaluate --model` scores and what `explain` explains
are the same labels and confidences, for every registered classifier."""

import numpy as np
import pytest

from argmine.classifiers import features, joint, make_estimator, registered
from argmine.evaluation import evaluate_model
from argmine.explain import explain
from argmine.gold import load_gold
from argmine.ingest import ingest
from argmine.model import Model, load_model, save_model
from argmine.run import process_file
from argmine.scheme import load_scheme
from argmine.segment import segment
from conftest import GOLD, REFERENCE, classifier_params

SLOW = {"spacy-textcat", "embed-lr", "embed-rules-lr"}


def params():
    return [
        pytest.param(*p.values, marks=[*p.marks, *([pytest.mark.slow] if p.values[0] in SLOW else [])])
        for p in classifier_params(sorted(registered()))
    ]


@pytest.fixture(scope="module")
def gold():
    return load_gold(GOLD / "japan-nato-cooperation.jsonl")


@pytest.mark.parametrize("name", params())
def test_run_evaluate_and_explain_agree(name, gold, tmp_path):
    rows = gold[~gold["exclude"]]
    axes = load_scheme().axis_names
    estimators = {}
    for axis in [tuple(axes)] if joint(name) else axes:  # a joint classifier: one estimator for all axes
        estimator = make_estimator(name, axis)
        if "max_steps" in estimator.get_params():
            estimator.set_params(max_steps=20)  # spacy-textcat, finetuned-*: the rule, not the quality
        estimator.fit(features(rows), rows[list(axis) if joint(name) else axis].to_numpy())
        estimators.update(dict.fromkeys(axis, estimator) if joint(name) else {axis: estimator})
    model = Model(estimators, {"classifier": name})
    sentences = segment(ingest(REFERENCE, "japan-nato-cooperation"))
    ran = process_file(REFERENCE, model, "japan-nato-cooperation").sentences  # what `run` writes
    predicted = model.predict(sentences)  # what `evaluate --model`, cross-validation and `suggest` use
    explained = explain(model, sentences, top_k=1)
    for axis in model.estimators:
        labels = [s.labels[axis] for s in ran]
        assert labels == list(predicted[axis])
        assert labels == [e[axis]["label"] for e in explained]
        np.testing.assert_allclose([s.confidences[axis] for s in ran], predicted[f"{axis}_confidence"])
        # the confidence is the probability of the label written
        np.testing.assert_allclose(
            predicted[f"{axis}_confidence"], [p[label] for p, label in zip(predicted[f"{axis}_proba"], labels)]
        )
    # its model file loads, trusting only the types argmine names (skops' own list is empty)
    from skops.io._trusted_types import SKLEARN_ESTIMATOR_TYPE_NAMES

    assert SKLEARN_ESTIMATOR_TYPE_NAMES == []
    loaded = load_model(
        save_model(Model(estimators, {"classifier": name, "scheme": load_scheme().as_dict()}), tmp_path / "m.skops")
    )
    for axis in model.estimators:
        np.testing.assert_array_equal(loaded.predict(sentences)[axis], predicted[axis])
    report = evaluate_model(gold, model)
    for axis in model.estimators:
        accuracy = float((model.predict(rows)[axis].to_numpy() == rows[axis].to_numpy()).mean())
        assert report["axes"][axis]["accuracy"] == round(accuracy, 4)
