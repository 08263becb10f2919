"""finetuned-minilm: the estimator contract, a one-epoch fit on a few dozen sentences, model files,
and prediction without torch."""

import os
import subprocess
import sys
import zipfile

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from argmine.classifiers import features, make_estimator
from argmine.classifiers.finetuned import FinetunedClassifier, _Tokens, input_pairs
from argmine.errors import ModelError
from argmine.gold import load_gold
from argmine.model import Model, load_model, save_model
from argmine.scheme import load_scheme
from conftest import GOLD, ROOT, needs_finetune


@pytest.fixture(scope="module")
def rows():
    gold = load_gold(GOLD / "crs-mq9-reaper.jsonl")
    return gold[~gold["exclude"]].head(40)


AXES = tuple(load_scheme().axis_names)


@pytest.fixture(scope="module")
def fitted(rows):
    """One encoder for both axes fitted for one epoch (three steps of 16 sentences), as fit_model fits it."""
    estimator = FinetunedClassifier(axis=AXES, epochs=1, max_length=48)
    estimator.fit(features(rows), rows[list(AXES)].to_numpy())
    return Model(dict.fromkeys(AXES, estimator), {"classifier": "finetuned-minilm", "scheme": load_scheme().as_dict()})


def test_init_stores_its_arguments_and_predict_needs_fit():
    estimator = FinetunedClassifier(axis="level", epochs=2, context=True)
    assert repr(clone(estimator)) == repr(estimator)
    assert estimator.get_params()["epochs"] == 2 and estimator.get_params()["context"] is True
    with pytest.raises(NotFittedError):
        estimator.predict_proba(pd.DataFrame({"text": ["x"], "section": [""], "position": [0.0]}))


def test_inputs_pair_the_sentence_with_heading_and_neighbours():
    X = features(
        pd.DataFrame(
            {
                "text": ["One.", "Two.", "Three.", "Other."],
                "section": ["Costs", "Costs", "", "Intro"],
                "position": [0.0, 0.5, 0.9, 0.0],  # two documents: rows 0-2 and 3
            }
        )
    )
    assert input_pairs(X) == (["One.", "Two.", "Three.", "Other."], ["Costs", "Costs", "", "Intro"])
    assert input_pairs(X, heading=False, context=True)[1] == [" | Two.", "One. | Three.", "Two. | ", " | "]
    assert input_pairs(X, context=True)[1][1] == "Costs | One. | Three."


def test_missing_extra_is_a_one_line_model_error(monkeypatch):
    from importlib import util

    monkeypatch.setattr(util, "find_spec", lambda name, *a: None if name == "onnx" else object())
    with pytest.raises(ModelError, match=r"^fine-tuning an encoder needs the optional extra 'finetune' \(onnx"):
        make_estimator("finetuned-minilm", "role")


@needs_finetune
@pytest.mark.slow
def test_fit_one_epoch_gives_probabilities_over_the_scheme_for_every_axis(fitted, rows):
    estimator = fitted.estimators["role"]
    assert fitted.estimators["level"] is estimator and estimator.outputs_ == AXES
    assert estimator.steps_ == 3 and estimator.n_train_ == 40 and len(estimator.loss_) == 1
    assert isinstance(estimator.onnx_, bytes) and isinstance(estimator.tokenizer_, str)
    probas = estimator.predict_proba(features(rows))
    predicted = estimator.predict(features(rows))
    assert predicted.shape == (40, len(AXES))
    for k, axis in enumerate(AXES):
        assert list(estimator.classes_[k]) == load_scheme().axis(axis).names
        assert probas[k].shape == (40, len(estimator.classes_[k]))
        np.testing.assert_allclose(probas[k].sum(axis=1), 1.0, rtol=1e-6)
        assert list(predicted[:, k]) == list(estimator.classes_[k][probas[k].argmax(axis=1)])
    assert [p.shape for p in estimator.predict_proba(features(rows.head(0)))] == [(0, 4), (0, 4)]


@needs_finetune
@pytest.mark.slow
def test_model_runs_the_shared_encoder_once_for_both_axes(fitted, rows, monkeypatch):
    estimator = fitted.estimators["role"]
    calls = []
    original = FinetunedClassifier.predict_proba
    monkeypatch.setattr(FinetunedClassifier, "predict_proba", lambda self, X: calls.append(len(X)) or original(self, X))
    decided = fitted.decide(rows)
    assert calls == [40]
    for k, axis in enumerate(AXES):
        np.testing.assert_array_equal(decided[axis][2], original(estimator, features(rows))[k])
        assert decided[axis][3] == load_scheme().axis(axis).names


@needs_finetune
@pytest.mark.slow
def test_explain_runs_the_shared_encoder_once_over_the_variants(fitted, rows, monkeypatch):
    from argmine.explain import explain

    calls = []
    original = FinetunedClassifier.predict_proba
    monkeypatch.setattr(FinetunedClassifier, "predict_proba", lambda self, X: calls.append(len(X)) or original(self, X))
    explained = explain(fitted, rows.head(3))
    assert len(calls) == 2 and calls[0] == 3 and calls[1] > 3  # the labels, then every left-out variant at once
    assert all(set(e) == set(AXES) and e["role"]["method"] == "leave-one-word-out" for e in explained)


@needs_finetune
@pytest.mark.slow
def test_temperature_divides_the_logits_of_the_axes_it_names(fitted, rows):
    import copy

    estimator = copy.deepcopy(fitted.estimators["role"])
    role, level = estimator.predict_proba(features(rows))
    estimator.temperature = {"role": 2.0}
    hotter, same = estimator.predict_proba(features(rows))
    expected = np.sqrt(role) / np.sqrt(role).sum(axis=1, keepdims=True)  # softmax(z / 2) from softmax(z)
    np.testing.assert_allclose(hotter, expected, rtol=1e-6)
    np.testing.assert_array_equal(same, level)


@needs_finetune
@pytest.mark.slow
def test_one_axis_is_a_plain_classifier(rows):
    estimator = FinetunedClassifier(axis="level", max_steps=1, max_length=32).fit(features(rows), rows["level"])
    assert not hasattr(estimator, "outputs_") and list(estimator.classes_) == load_scheme().axis("level").names
    assert estimator.predict_proba(features(rows)).shape == (40, 4) and estimator.predict(features(rows)).shape == (40,)


@needs_finetune
@pytest.mark.slow
def test_fit_is_seeded(fitted, rows):
    again = FinetunedClassifier(axis=AXES, epochs=1, max_length=48).fit(features(rows), rows[list(AXES)].to_numpy())
    np.testing.assert_allclose(again.loss_, fitted.estimators["role"].loss_, rtol=1e-5)


@needs_finetune
@pytest.mark.slow
def test_save_and_load_give_identical_probabilities(fitted, rows, tmp_path):
    path = save_model(fitted, tmp_path / "m.skops")
    loaded = load_model(path)
    assert loaded.estimators["role"] is loaded.estimators["level"]
    with zipfile.ZipFile(path) as archive:  # one encoder in the file, not one per axis
        assert sum(name.endswith(".bin") for name in archive.namelist()) == 1
    for ours, theirs in zip(
        loaded.estimators["role"].predict_proba(features(rows)), fitted.estimators["role"].predict_proba(features(rows))
    ):
        np.testing.assert_array_equal(ours, theirs)


@needs_finetune
@pytest.mark.slow
def test_predicts_where_torch_cannot_be_imported(fitted, rows, tmp_path):
    """A saved model labels sentences with onnxruntime, tokenizers and numpy: here torch cannot be
    imported at all (skops' type discovery would otherwise import it through scikit-learn)."""
    path = save_model(fitted, tmp_path / "m.skops")
    expected = fitted.predict(rows)
    code = f"""
import sys
class NoTorch:
    def find_spec(self, name, path=None, target=None):
        if name == "torch" or name.startswith("torch."):
            raise ImportError("torch is not installed here")
sys.meta_path.insert(0, NoTorch())
import pandas as pd
from argmine.model import load_model
model = load_model({str(path)!r})
rows = pd.read_json(sys.stdin, orient="records")
predicted = model.predict(rows)
assert "torch" not in sys.modules, "torch was imported"
print(",".join(predicted["role"]) + ";" + ",".join(predicted["level"]))
"""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    data = rows[["text", "section", "position"]].to_json(orient="records")
    done = subprocess.run(
        [sys.executable, "-c", code], input=data, capture_output=True, text=True, env=env, timeout=300
    )
    assert done.returncode == 0, done.stderr
    role, level = done.stdout.strip().split(";")
    assert role.split(",") == list(expected["role"]) and level.split(",") == list(expected["level"])


def _tiny_mpnet(folder):
    """A randomly initialised one-layer MPNet and a word-level tokenizer that marks sentences
    with <s> and </s> and pads with <pad> (id 1), as all-mpnet-base-v2 does."""
    from tokenizers import Tokenizer, models, pre_tokenizers, processors
    from transformers import MPNetConfig, MPNetModel

    words = "the a of to and is in we should must risk gain cost".split()
    vocab = {"<s>": 0, "<pad>": 1, "</s>": 2, "<unk>": 3, **{w: i + 4 for i, w in enumerate(words)}}
    tokenizer = Tokenizer(models.WordLevel(vocab, unk_token="<unk>"))
    tokenizer.pre_tokenizer = pre_tokenizers.Whitespace()
    tokenizer.post_processor = processors.RobertaProcessing(("</s>", 2), ("<s>", 0))
    tokenizer.enable_padding(pad_id=1, pad_token="<pad>")
    tokenizer.save(str(folder / "tokenizer.json"))
    config = MPNetConfig(
        vocab_size=len(vocab),
        hidden_size=16,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=32,
        max_position_embeddings=80,
        pad_token_id=1,
    )
    MPNetModel(config).save_pretrained(str(folder))
    return folder


@needs_finetune
@pytest.mark.slow
def test_another_encoder_folder_is_fine_tuned_with_its_own_special_tokens(rows, tmp_path):
    """An MPNet encoder (no token types, <s> and </s> for [CLS] and [SEP]) given as a folder."""
    from tokenizers import Tokenizer

    encoder = _tiny_mpnet(tmp_path)
    estimator = FinetunedClassifier(axis=AXES, max_steps=2, max_length=32, encoder=str(encoder))
    estimator.fit(features(rows), rows[list(AXES)].to_numpy())
    tokens = _Tokens(estimator.tokenizer_, 32)
    vocab = Tokenizer.from_str(estimator.tokenizer_).get_vocab()
    assert tokens(["the risk"], ["a gain"]) == [
        ([0, vocab["the"], vocab["risk"], 2, vocab["a"], vocab["gain"], 2], [0] * 4 + [1] * 3)
    ]
    assert tokens.pad == 1
    role, level = estimator.predict_proba(features(rows))
    assert [i.name for i in estimator._runtime()[0].get_inputs()] == ["input_ids", "attention_mask"]
    assert role.shape == (40, 4) and level.shape == (40, 4)
    np.testing.assert_allclose(role.sum(axis=1), 1.0, rtol=1e-6)


@needs_finetune
def test_a_folder_that_is_no_encoder_is_a_model_error(rows, tmp_path):
    with pytest.raises(ModelError, match="not an encoder folder"):
        FinetunedClassifier(axis="role", encoder=str(tmp_path)).fit(features(rows), rows["role"])
