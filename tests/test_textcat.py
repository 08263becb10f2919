import pickle
import random
from importlib import resources

import numpy as np
import pytest
from sklearn.base import clone

from argmine.classifiers import features, make_estimator, trusted_types
from argmine.classifiers.textcat import ARCHITECTURES, DEFAULT_ARCHITECTURE, SpacyTextcat
from argmine.exchange.spacy import cat_key
from argmine.gold import load_gold
from argmine.model import Model, load_model, save_model
from argmine.scheme import load_scheme
from conftest import GOLD

TRUSTED_TYPES = trusted_types()

STEPS = 30  # enough to learn something, quick to run


@pytest.fixture(scope="module")
def gold():
    rows = load_gold(GOLD / "crs-us-japan-relations.jsonl")
    return rows[~rows["exclude"]].reset_index(drop=True)


@pytest.fixture(scope="module")
def fitted(gold):
    return {
        axis: SpacyTextcat(axis=axis, max_steps=STEPS).fit(features(gold), gold[axis].to_numpy())
        for axis in ("role", "level")
    }


def test_registered_and_a_plain_estimator():
    estimator = make_estimator("spacy-textcat", "level")
    assert isinstance(estimator, SpacyTextcat) and estimator.axis == "level"
    assert repr(clone(estimator)) == repr(estimator)


def test_classes_are_the_scheme_labels_in_predict_proba_order(fitted, gold):
    scheme = load_scheme()
    for axis, estimator in fitted.items():
        assert list(estimator.classes_) == scheme.axis(axis).names
        proba = estimator.predict_proba(features(gold))
        assert proba.shape == (len(gold), len(estimator.classes_))
        np.testing.assert_allclose(proba.sum(axis=1), 1.0)
        assert ((proba >= 0) & (proba <= 1)).all()
        docs = list(estimator._pipeline().pipe(estimator._inputs(features(gold.head(3)))))
        for doc, row in zip(docs, proba):
            cats = np.array([doc.cats[cat_key(axis, label)] for label in estimator.classes_])
            np.testing.assert_allclose(row, cats / cats.sum())
        assert list(estimator.predict(features(gold))) == list(estimator.classes_[proba.argmax(axis=1)])


def test_it_learns_the_training_rows(fitted, gold):
    predicted = fitted["role"].predict(features(gold))
    assert (predicted == gold["role"].to_numpy()).mean() > 0.5


def test_empty_input_gives_no_rows(fitted, gold):
    assert fitted["role"].predict_proba(features(gold.head(0))).shape == (0, 4)


def test_save_and_load_give_identical_probabilities(tmp_path, fitted, gold):
    import skops.io as sio

    model = Model(dict(fitted), {"classifier": "spacy-textcat", "scheme": load_scheme().as_dict()})
    path = save_model(model, tmp_path / "textcat.skops")
    assert sio.get_untrusted_types(file=path) == [
        "argmine.classifiers.textcat.SpacyTextcat"
    ]  # bytes and str need no trust
    assert set(sio.get_untrusted_types(file=path)) <= set(TRUSTED_TYPES)
    loaded = load_model(path)
    for axis, estimator in fitted.items():
        again = loaded.estimators[axis]
        assert getattr(again, "_nlp", None) is None  # not saved: rebuilt from the bytes on first use
        np.testing.assert_array_equal(again.predict_proba(features(gold)), estimator.predict_proba(features(gold)))
        assert list(again.classes_) == list(estimator.classes_)


def test_the_cached_pipeline_is_neither_saved_nor_pickled(fitted, gold):
    estimator = fitted["role"]
    estimator.predict_proba(features(gold.head(2)))
    assert estimator._nlp is not None
    assert "_nlp" not in estimator.__getstate__()
    copy = pickle.loads(pickle.dumps(estimator))
    np.testing.assert_array_equal(copy.predict_proba(features(gold)), estimator.predict_proba(features(gold)))


def test_refitting_is_deterministic(fitted, gold):
    state = random.getstate(), np.random.get_state()[1].copy()
    again = clone(fitted["level"]).fit(features(gold), gold["level"].to_numpy())
    assert (
        random.getstate() == state[0] and (np.random.get_state()[1] == state[1]).all()
    )  # the caller's generators untouched
    np.testing.assert_array_equal(again.predict_proba(features(gold)), fitted["level"].predict_proba(features(gold)))
    assert again.pipeline_ == fitted["level"].pipeline_


def test_a_dev_split_is_held_out_when_there_are_enough_rows(fitted, gold):
    assert fitted["role"].n_train_ + fitted["role"].n_dev_ == len(gold)
    assert fitted["role"].n_dev_ == round(0.2 * len(gold))
    tiny = gold.head(20)
    estimator = SpacyTextcat(max_steps=5).fit(features(tiny), tiny["role"].to_numpy())
    assert estimator.n_train_ == estimator.n_dev_ == 20  # too few to split: dev is the training rows


def test_heading_goes_before_the_text_when_asked(gold):
    X = features(gold.head(1))
    assert SpacyTextcat(section=True)._inputs(X) == [f"{gold['section'][0]}\n{gold['text'][0]}"]
    assert SpacyTextcat(section=False)._inputs(X) == [gold["text"][0]]
    X["section"] = "(no heading)"
    assert SpacyTextcat(section=True)._inputs(X) == [gold["text"][0]]


def test_fit_refuses_bad_input(gold):
    X, y = features(gold), gold["role"].to_numpy()
    with pytest.raises(ValueError, match="X has 73 rows but y has 72 labels"):
        SpacyTextcat().fit(X, y[:-1])
    with pytest.raises(ValueError, match=r"unknown role labels \['praise'\]"):
        SpacyTextcat().fit(X.head(1), ["praise"])
    with pytest.raises(ValueError, match="unknown architecture 'gpt'; choose one of bow, ensemble, cnn"):
        SpacyTextcat(architecture="gpt").fit(X, y)


def test_the_shipped_config_holds_the_default_architecture():
    from thinc.api import Config

    shipped = Config().from_str(resources.files("argmine").joinpath("config/textcat.cfg").read_text())
    assert shipped["components"]["textcat"]["model"] == Config().from_str(ARCHITECTURES[DEFAULT_ARCHITECTURE])["model"]


def test_spacy_train_runs_the_shipped_config(tmp_path, gold):
    """`python -m spacy train config/textcat.cfg` works on a one-axis DocBin from to_docbin."""
    import spacy
    from spacy.cli.train import train

    from argmine.exchange.spacy import to_docbin

    to_docbin(gold, axes=["level"]).to_disk(tmp_path / "level.spacy")
    config = resources.files("argmine").joinpath("config/textcat.cfg")
    overrides = {
        "paths.train": str(tmp_path / "level.spacy"),
        "paths.dev": str(tmp_path / "level.spacy"),
        "training.max_steps": 5,
    }
    train(str(config), tmp_path / "out", overrides=overrides)
    nlp = spacy.load(tmp_path / "out" / "model-last")
    assert set(nlp("Japan should act.").cats) == {
        cat_key("level", label) for label in load_scheme().axis("level").names
    }


@pytest.mark.slow
def test_choosing_it_does_not_import_spacy():
    """spaCy's training code loads on fit and predict, not when the classifier is named (CLI start-up)."""
    import subprocess
    import sys

    code = "import sys; from argmine.classifiers import make_estimator; make_estimator('spacy-textcat', 'role'); print('spacy' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout == "False\n"
