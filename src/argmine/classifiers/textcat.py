"""spaCy's text categoriser as an argmine classifier: one exclusive ``textcat`` per axis.

``fit`` converts the rows with ``exchange.spacy.to_docbin`` into train and dev ``.spacy`` files in a
temporary folder and runs spaCy's own training loop on the pipeline that
``config/textcat.cfg`` describes. The trained pipeline is kept as bytes
(``nlp.to_bytes()`` and its config string) in learned attributes, so a model file saved with
skops holds plain bytes and strings; the pipeline is rebuilt from them on first use.
spaCy's training code is imported only when a model is fitted or used.
"""

from __future__ import annotations

import contextlib
import io
import random
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin

from ..config import bundled_text
from ..scheme import load_scheme
from .features import NO_HEADING, features
from .registry import register

CONFIG = "textcat.cfg"

# The model block ([components.textcat.model]) of each architecture that can be chosen;
# DEFAULT_ARCHITECTURE is the one in config/textcat.cfg, chosen by measurement under
# leave-one-document-out (docs/textcat.md). No pretrained vectors: nothing can be downloaded.
# The small CNN tok2vec that the ensemble and cnn architectures share.
_TOK2VEC = """[model.tok2vec]
@architectures = "spacy.Tok2Vec.v2"

[model.tok2vec.embed]
@architectures = "spacy.MultiHashEmbed.v2"
width = 64
attrs = ["NORM", "PREFIX", "SUFFIX", "SHAPE"]
rows = [5000, 1000, 2500, 2500]
include_static_vectors = false

[model.tok2vec.encode]
@architectures = "spacy.MaxoutWindowEncoder.v2"
width = 64
depth = 2
window_size = 1
maxout_pieces = 3
"""

# Sparse bag of words and bigrams into a linear layer.
_BOW = """@architectures = "spacy.TextCatBOW.v3"
exclusive_classes = true
ngram_size = 2
no_output_layer = false
length = 65536
nO = null
"""
ARCHITECTURES = {
    "bow": "\n[model]\n" + _BOW,
    # The same linear model plus a small CNN tok2vec with attention, averaged.
    "ensemble": """
[model]
@architectures = "spacy.TextCatEnsemble.v2"
nO = null

[model.linear_model]
"""
    + _BOW
    + "\n"
    + _TOK2VEC,
    # A small CNN tok2vec (hashed embeddings of the lower-cased word, prefix, suffix and
    # shape; two maxout window layers), mean and max pooled, then a softmax layer.
    "cnn": """
[model]
@architectures = "spacy.TextCatReduce.v1"
exclusive_classes = true
use_reduce_first = false
use_reduce_last = false
use_reduce_max = true
use_reduce_mean = true
nO = null

"""
    + _TOK2VEC,
}
DEFAULT_ARCHITECTURE = "cnn"

# Below this many training rows (or when a label has a single row) the dev set is the training set.
MIN_ROWS_FOR_DEV = 60


class SpacyTextcat(ClassifierMixin, BaseEstimator):
    """spaCy's exclusive text categoriser for one axis, trained with spaCy's training loop.

    ``architecture`` names a model block of ``ARCHITECTURES``; ``section`` puts the section
    heading before the sentence text (off by default: it did not help on unseen documents);
    ``max_steps`` and ``patience`` (None: as in config/textcat.cfg) bound training, which
    keeps the best checkpoint on a dev set: a ``dev_fraction`` stratified split of the
    training rows, or the training rows themselves when there are too few. Training is
    seeded by ``seed`` and runs on the CPU. ``classes_`` are the scheme's labels of the axis,
    in the order of ``predict_proba``'s columns.
    """

    def __init__(
        self,
        axis="role",
        architecture=DEFAULT_ARCHITECTURE,
        section=False,
        max_steps=None,
        patience=None,
        dev_fraction=0.2,
        seed=0,
        scheme_path=None,
    ):
        self.axis = axis
        self.architecture = architecture
        self.section = section
        self.max_steps = max_steps
        self.patience = patience
        self.dev_fraction = dev_fraction
        self.seed = seed
        self.scheme_path = scheme_path

    def fit(self, X, y):
        from ..exchange.spacy import to_docbin

        scheme = load_scheme(self.scheme_path)
        names = scheme.axis(self.axis).names
        if self.architecture not in ARCHITECTURES:
            raise ValueError(f"unknown architecture '{self.architecture}'; choose one of {', '.join(ARCHITECTURES)}")
        X = features(X)
        y = np.asarray(y, dtype=object)
        if len(X) != len(y):
            raise ValueError(f"X has {len(X)} rows but y has {len(y)} labels")
        if len(y) == 0:
            raise ValueError("cannot fit on no rows")
        unknown = sorted(set(y) - set(names))
        if unknown:
            raise ValueError(f"unknown {self.axis} labels {unknown}; use those of the scheme: {', '.join(names)}")
        rows = pd.DataFrame({"text": self._inputs(X), self.axis: y})
        train_idx, dev_idx = self._split(y)
        with tempfile.TemporaryDirectory(prefix="argmine-textcat-") as tmp:
            tmp = Path(tmp)
            to_docbin(rows.iloc[train_idx], scheme, axes=[self.axis]).to_disk(tmp / "train.spacy")
            to_docbin(rows.iloc[dev_idx], scheme, axes=[self.axis]).to_disk(tmp / "dev.spacy")
            self.config_, self.pipeline_ = _train(self._config(tmp), tmp / "output")
        self.classes_ = np.array(names)
        self.n_train_ = len(train_idx)
        self.n_dev_ = len(dev_idx)
        self._nlp = None
        return self

    def _config(self, tmp: Path):
        from spacy import util
        from thinc.api import Config

        overrides = {
            "paths.train": str(tmp / "train.spacy"),
            "paths.dev": str(tmp / "dev.spacy"),
            "system.seed": int(self.seed),
        }
        if self.max_steps is not None:
            overrides["training.max_steps"] = int(self.max_steps)
        if self.patience is not None:
            overrides["training.patience"] = int(self.patience)
        source = bundled_text(CONFIG)
        config = util.load_config_from_str(source, overrides=overrides, interpolate=False)
        config["components"]["textcat"]["model"] = Config().from_str(ARCHITECTURES[self.architecture])["model"]
        return config

    def _split(self, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        from sklearn.model_selection import train_test_split

        everything = np.arange(len(y))
        counts = np.unique(y, return_counts=True)[1]
        n_dev = int(round(len(y) * self.dev_fraction))
        if self.dev_fraction <= 0 or len(y) < MIN_ROWS_FOR_DEV or counts.min() < 2 or n_dev < len(counts):
            return everything, everything
        train, dev = train_test_split(everything, test_size=n_dev, stratify=y, random_state=self.seed)
        return np.sort(train), np.sort(dev)

    def _inputs(self, X: pd.DataFrame) -> list[str]:
        if not self.section:
            return X["text"].astype(str).tolist()
        return [
            text if section == NO_HEADING else f"{section}\n{text}"
            for section, text in zip(X["section"], X["text"].astype(str))
        ]

    def _pipeline(self):
        if getattr(self, "_nlp", None) is None:
            from spacy import util

            nlp = util.load_model_from_config(util.load_config_from_str(self.config_), auto_fill=False, validate=False)
            self._nlp = nlp.from_bytes(self.pipeline_)
        return self._nlp

    def predict_proba(self, X) -> np.ndarray:
        from sklearn.utils.validation import check_is_fitted

        from ..exchange.spacy import cat_key

        check_is_fitted(self, "pipeline_")
        X = features(X)
        keys = [cat_key(self.axis, label) for label in self.classes_]
        docs = self._pipeline().pipe(self._inputs(X), batch_size=256)
        proba = np.array([[doc.cats[k] for k in keys] for doc in docs], dtype=float).reshape(len(X), len(keys))
        return proba / proba.sum(axis=1, keepdims=True)

    def predict(self, X) -> np.ndarray:
        proba = self.predict_proba(X)  # first: NotFittedError before fit
        return self.classes_[proba.argmax(axis=1)]

    def __getstate__(self):
        state = super().__getstate__()
        state.pop("_nlp", None)  # rebuilt from pipeline_ on first use
        return state


def _train(config, output: Path) -> tuple[str, bytes]:
    """Run spaCy's training loop; the best checkpoint's config (paths cleared) and bytes."""
    import spacy
    from spacy.training.initialize import init_nlp
    from spacy.training.loop import train

    quiet = io.StringIO()
    with _kept_random_state():
        output.mkdir(parents=True, exist_ok=True)
        nlp = init_nlp(config, use_gpu=-1)
        train(nlp, output, use_gpu=-1, stdout=quiet, stderr=quiet)
    best = spacy.load(output / "model-best")
    config = best.config.copy()
    config["paths"]["train"] = config["paths"]["dev"] = None  # the temporary files are gone
    best.config = config
    return config.to_str(), best.to_bytes()


@contextlib.contextmanager
def _kept_random_state():
    """spaCy seeds the global random generators for training; leave the caller's as they were."""
    py, npy = random.getstate(), np.random.get_state()
    try:
        yield
    finally:
        random.setstate(py)
        np.random.set_state(npy)


@register(
    "spacy-textcat",
    help="spaCy's text categoriser trained by spaCy's own loop (slow to fit)",
    trusted=(SpacyTextcat,),  # its learned state is plain bytes and strings
)
def spacy_textcat(axis: str) -> BaseEstimator:
    return SpacyTextcat(axis=axis)
