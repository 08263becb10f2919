"""Explanations: the model's own weights for a linear model, leave-one-word-out for the rules."""

import json

import jsonschema
import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from argmine.cli import main
from argmine.explain import LEAVE_ONE_OUT, WEIGHTS, explain, explain_text
from argmine.gold import load_gold
from argmine.model import Model, fit_model, load_model, save_model
from conftest import GOLD, ROOT

SENTENCE = "Japan and NATO should deepen cyber cooperation to strengthen deterrence."


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture(scope="module")
def linear(tmp_path_factory):
    """cues-lr (cue-lexicon features, words, heading; calibrated logistic regression) on one gold
    document with all four roles."""
    model = fit_model(load_gold(GOLD / "crs-russia-north-korea.jsonl"), "cues-lr")
    path = save_model(model, tmp_path_factory.mktemp("model") / "cues-lr.skops")
    return load_model(path), path


def test_rules_are_explained_by_leaving_words_out():
    explanation = explain_text(SENTENCE, load_model("rules"), section="Recommendations")
    role = explanation["role"]
    assert (role["label"], role["method"]) == ("recommendation", LEAVE_ONE_OUT)
    assert role["features"][0]["feature"] == "should"  # the cue that decided it
    assert "heading: Recommendations" in [f["feature"] for f in role["features"]]
    weights = [f["weight"] for f in role["features"]]
    assert weights == sorted(weights, reverse=True) and all(w > 0 for w in weights)
    assert explanation["level"]["features"][0]["feature"] == "deterrence"
    # the weight is the fall in probability without the word
    without = explain_text(SENTENCE.replace("should ", ""), load_model("rules"), section="Recommendations")
    assert without["role"]["label"] != "recommendation"


def test_linear_model_is_explained_by_its_weights(linear):
    model, _ = linear
    explanation = explain_text(SENTENCE, model, section="Recommendations", top_k=3)
    estimator = model.estimators["role"]
    names = list(estimator[:-1].get_feature_names_out())
    for entry in explanation.values():
        assert entry["method"] == WEIGHTS
        assert 0 < len(entry["features"]) <= 3
        assert all(f["feature"] in names for f in entry["features"])
    # each weight is coef_[label] x feature value, the coefficients averaged over the calibration folds
    role = explanation["role"]
    x = (
        estimator[:-1]
        .transform(pd.DataFrame({"text": [SENTENCE], "section": ["Recommendations"], "position": [0.0]}))
        .toarray()[0]
    )
    inner = [c.estimator for c in estimator[-1].estimator_.calibrated_classifiers_]
    coef = np.mean([e.coef_ for e in inner], axis=0)[list(inner[0].classes_).index(role["label"])]
    pushes = coef * x
    top = np.argsort(-pushes)[:3]
    assert [f["feature"] for f in role["features"]] == [names[j] for j in top]
    assert [f["weight"] for f in role["features"]] == pytest.approx([pushes[j] for j in top], abs=1e-4)


def test_binary_logistic_regression_on_dense_features():
    """One row of coefficients for two labels (the second label's; the first's are negated)."""
    from sklearn.compose import ColumnTransformer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline

    X = pd.DataFrame({"text": ["a", "b", "c", "d"], "section": [""] * 4, "position": [0.0, 0.1, 0.9, 1.0]})
    pipeline = Pipeline(
        [
            ("features", ColumnTransformer([("position", "passthrough", ["position"])])),
            ("lr", LogisticRegression(C=100)),
        ]
    )
    pipeline.fit(X, ["early", "early", "late", "late"])
    explained = explain(Model({"time": pipeline}), X)
    assert [e["time"]["label"] for e in explained] == ["early", "early", "late", "late"]
    assert explained[3]["time"]["features"] == [
        {"feature": "position__position", "weight": pytest.approx(pipeline[-1].coef_[0, 0], abs=1e-4)}
    ]
    assert explained[0]["time"]["features"] == []  # position 0 pushes nothing
    assert explained[1]["time"]["features"] == []  # position 0.1 pushes towards "late", not "early"


def test_explain_command(linear):
    result = invoke("explain", "--model", "rules", "Japan should deepen its cyber cooperation with NATO.")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "role: recommendation (confidence 0.88; leave-one-word-out)"
    assert lines[1].split() == ["should", "+0.6386"]  # without it no cue matches: undecided
    _, path = linear
    result = invoke("explain", "--model", path, "--json", "-k", "2", SENTENCE)
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert (
        set(data) == {"role", "level"} and data["role"]["method"] == "weights" and len(data["level"]["features"]) == 2
    )


def test_run_explain_adds_an_explanation_per_sentence(tmp_path):
    out = tmp_path / "out"
    result = invoke("run", ROOT / "corpus" / "raw" / "crs-sri-lanka-election.md", "--out", out, "--explain")
    assert result.exit_code == 0, result.output
    lines = [json.loads(x) for x in (out / "crs-sri-lanka-election.sentences.jsonl").read_text().splitlines()]
    schema = json.loads((ROOT / "docs" / "schemas" / "sentence.schema.json").read_text())
    validator = jsonschema.Draft202012Validator(schema)
    for line in lines:
        validator.validate(line)
        assert line["explanation"]["role"]["label"] == line["role"]
        assert line["explanation"]["level"]["confidence"] == line["level_confidence"]
    assert any(line["explanation"]["role"]["features"] for line in lines)


def test_without_explain_no_field(tmp_path):
    out = tmp_path / "out"
    assert invoke("run", ROOT / "corpus" / "raw" / "crs-sri-lanka-election.md", "--out", out).exit_code == 0
    first = json.loads((out / "crs-sri-lanka-election.sentences.jsonl").read_text().splitlines()[0])
    assert "explanation" not in first


def test_explain_many_rows_at_once_matches_one_by_one():
    model = load_model("rules")
    gold = load_gold(GOLD / "crs-sri-lanka-election.jsonl").head(8)
    together = explain(model, gold)
    for i in range(len(gold)):
        alone = explain(model, gold.iloc[[i]])
        assert alone[0] == together[i]
