"""A fitted model: one estimator per axis of the scheme, its metadata, its one decision rule,
and the model files that hold it (skops, loading only the types the classifier registry trusts)."""

from __future__ import annotations

import hashlib
import json
import sys
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import pandas as pd

from .classifiers import features, joint, learns, make_estimator, trusted_types
from .config import bundled_text
from .errors import ModelError
from .files import atomic
from .scheme import Scheme, load_scheme
from .types import Sentence

__all__ = [
    "MODEL_FORMAT",
    "MODEL_FORMAT_VERSION",
    "Model",
    "axis_proba",
    "bundled_models",
    "fit_model",
    "load_model",
    "model_digest",
    "model_path",
    "save_model",
]

MODEL_FORMAT = "argmine-model"
# 2: classifiers moved to argmine.classifiers (type names in the files); 3: a joint estimator is
# stored once, under its first axis, and "same_as" names the axes that share it.
MODEL_FORMAT_VERSION = 3


@dataclass
class Model:
    """One fitted estimator per axis of the scheme, with the metadata saved beside them."""

    estimators: dict[str, Any]  # scikit-learn estimators, one per axis (a joint one under each of its axes)
    metadata: dict = field(default_factory=dict)

    def decide(self, rows: Any) -> dict[str, tuple[np.ndarray, np.ndarray, np.ndarray, list[str]]]:
        """The one decision rule: per axis the most probable label and its probability as confidence.

        Returns ``{axis: (labels, confidences, probabilities, classes)}``. ``run``, ``evaluate``,
        cross-validation, ``compare``, ``suggest`` and ``explain`` all label through this method.
        """
        X = features(rows)
        decided, computed = {}, {}
        for axis, estimator in self.estimators.items():
            if id(estimator) not in computed:  # a joint estimator predicts every axis at once
                computed[id(estimator)] = estimator.predict_proba(X) if len(X) else None
            proba, classes = axis_proba(estimator, axis, computed[id(estimator)])
            if proba is None:
                proba = np.zeros((0, len(classes)))
            best = proba.argmax(axis=1)
            decided[axis] = (np.asarray(classes, dtype=object)[best], proba[np.arange(len(X)), best], proba, classes)
        return decided

    def predict(self, rows: Any) -> pd.DataFrame:
        """Per axis: the label and its confidence (``<axis>``, ``<axis>_confidence``) and all
        probabilities (``<axis>_proba``), by ``decide``."""
        X = features(rows)
        out = pd.DataFrame(index=X.index)
        for axis, (labels, confidences, proba, classes) in self.decide(X).items():
            out[axis] = pd.Series(labels, index=X.index, dtype=object if len(X) else str)
            out[f"{axis}_confidence"] = pd.Series(confidences, index=X.index, dtype=float)
            out[f"{axis}_proba"] = pd.Series(
                [dict(zip(classes, map(float, p))) for p in proba], index=X.index, dtype=object
            )
        return out

    def training_documents(self) -> set[str]:
        """The documents (doc_ids) whose gold the model learned from; empty for a classifier that
        learns nothing from the gold (``rules``)."""
        data = self.metadata.get("training_data") or {}
        if not learns(str(self.metadata.get("classifier", "rules"))):
            return set()
        if "doc_ids" in data:
            return set(data["doc_ids"])
        return {name.removesuffix(".jsonl") for name in data.get("files", [])}  # one gold file per document

    def label(self, sentences: list[Sentence]) -> None:
        """Set ``labels`` and ``confidences`` on Sentence records in place, by ``decide``."""
        if not sentences:
            return
        for axis, (labels, confidences, _, _) in self.decide(sentences).items():
            for sentence, label, confidence in zip(sentences, labels.tolist(), confidences.tolist()):
                sentence.labels[axis] = label
                sentence.confidences[axis] = float(confidence)


def axis_proba(estimator: Any, axis: str, proba: Any) -> tuple[np.ndarray | None, list[str]]:
    """The probabilities and the classes of ``axis`` from ``estimator.predict_proba``'s result:
    the result itself for an estimator of one axis, its part for the axis for a joint one
    (``outputs_`` names its axes). None stays None."""
    outputs = getattr(estimator, "outputs_", None)
    if outputs is None:
        return proba, [str(c) for c in estimator.classes_]
    k = list(outputs).index(axis)
    return None if proba is None else proba[k], [str(c) for c in estimator.classes_[k]]


def fit_model(gold: pd.DataFrame, classifier: str, scheme: Scheme | None = None) -> Model:
    """Fit a classifier on every axis of the gold rows that are not excluded.

    Parameters
    ----------
    gold : pandas.DataFrame
        Gold rows, as ``argmine.gold.load_gold`` returns them.
    classifier : str
        A registered classifier's name (``argmine.classifiers.registered``), or one per axis:
        ``"role=rules+words/level=static-rules-lr"``.
    scheme : Scheme, optional
        The label scheme; by default the bundled one.

    Returns
    -------
    Model
        One fitted estimator per axis (a joint classifier: one estimator, fitted once, under
        every axis); metadata records the classifier and the scheme.
    """
    scheme = scheme or load_scheme()
    rows = gold[~gold["exclude"]]
    axes = list(scheme.axis_names)
    if joint(classifier):
        estimator = make_estimator(classifier, tuple(axes)).fit(features(rows), rows[axes].to_numpy())
        estimators = dict.fromkeys(axes, estimator)
    else:
        estimators = {
            axis: make_estimator(classifier, axis).fit(features(rows), rows[axis].to_numpy()) for axis in axes
        }
    return Model(estimators, {"classifier": classifier, "scheme": scheme.as_dict()})


def _skops_io() -> ModuleType:
    """skops.io, imported without its default list of trusted scikit-learn estimators.

    skops builds that list when imported by importing every module of scikit-learn (and torch,
    through scikit-learn's array-API shims, when it is installed): seconds at every start.
    argmine does not use the list: it trusts only the types its registry names
    (``classifiers.trusted_types``), scikit-learn's included.
    """
    if "skops.io" not in sys.modules:
        import sklearn.utils

        every_estimator = sklearn.utils.all_estimators
        sklearn.utils.all_estimators = lambda *args, **kwargs: []
        try:
            import skops.io  # noqa: F401
        finally:
            sklearn.utils.all_estimators = every_estimator
    return sys.modules["skops.io"]


def save_model(model: Model, path: str | Path) -> Path:
    """Write a model to a skops file atomically (a file is there whole or not at all).

    Parameters
    ----------
    model : Model
        The model and its metadata.
    path : str or Path
        The file to write (``.skops``); its folder is created.

    Returns
    -------
    Path
        The file written.
    """
    sio = _skops_io()

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    first: dict[int, str] = {}  # a joint estimator, stored once (skops would write its state per reference)
    same_as = {axis: first.setdefault(id(e), axis) for axis, e in model.estimators.items()}
    same_as = {axis: other for axis, other in same_as.items() if other != axis}
    estimators = {axis: e for axis, e in model.estimators.items() if axis not in same_as}
    with atomic(path) as tmp:
        sio.dump(
            {"metadata": json.dumps(model.metadata, sort_keys=True), "estimators": estimators, "same_as": same_as}, tmp
        )
    return path


def bundled_models() -> dict[str, Path]:
    folder = resources.files("argmine").joinpath("models")
    return {Path(str(p)).stem: Path(str(p)) for p in folder.iterdir() if str(p).endswith(".skops")}


def model_path(name_or_path: str | Path) -> Path | None:
    """The file a model name or path refers to; None for ``rules`` (built, not read)."""
    path = Path(name_or_path)
    if path.exists():
        return path
    bundled = bundled_models()
    if str(name_or_path) in bundled:
        return bundled[str(name_or_path)]
    if str(name_or_path) == "rules":
        return None
    raise ModelError(f"{name_or_path}: no such model file or bundled model; give a .skops path or one of: {_names()}")


def model_digest(name_or_path: str | Path = "default") -> str:
    """SHA-256 identifying a model: of its file, or for ``rules`` of the label scheme file its cues come from."""
    path = model_path(name_or_path)
    if path is None:
        data = b"rules\0" + bundled_text("labels.toml").encode("utf-8")
    else:
        data = path.read_bytes()
    return hashlib.sha256(data).hexdigest()


def load_model(name_or_path: str | Path = "default", scheme: Scheme | None = None) -> Model:
    """Load a model: a bundled one by name, a model file, or the rules, which need no training.

    Parameters
    ----------
    name_or_path : str or Path, default "default"
        A bundled model's name (``default``), ``"rules"``, or a ``.skops`` file
        written by ``argmine train`` / ``save_model``.
    scheme : Scheme, optional
        The label scheme the model must have been trained with; by default the bundled one.

    Returns
    -------
    Model

    Raises
    ------
    ModelError
        No such model; a file that is not an argmine model, is damaged, holds types argmine does
        not trust, or was trained with another label scheme.
    """
    scheme = scheme or load_scheme()
    path = model_path(name_or_path)
    if path is None:  # rules: needs no training
        estimators = {axis: make_estimator("rules", axis).fit(None) for axis in scheme.axis_names}
        return Model(estimators, {"classifier": "rules", "scheme": scheme.as_dict()})
    return _read(path, scheme)


def _read(path: Path, scheme: Scheme) -> Model:
    import zipfile

    sio = _skops_io()

    problem = _not_a_model(path)
    if problem is not None:
        raise ModelError(f"{path}: {problem}")
    try:
        untrusted = sio.get_untrusted_types(file=path)
        refused = sorted(set(untrusted) - set(trusted_types()))
        if refused:
            raise ModelError(
                f"{path}: refused: the file holds types argmine does not "
                f"trust ({', '.join(refused)}); use a model trained by argmine"
            )
        data = sio.load(path, trusted=sorted(set(untrusted)))
    except ModelError:
        raise
    except (zipfile.BadZipFile, EOFError, KeyError, ValueError, OSError, TypeError) as exc:
        raise ModelError(
            f"{path}: not a readable argmine model file ({type(exc).__name__}); retrain it with `argmine train`"
        ) from None
    try:
        metadata = json.loads(data["metadata"])
        estimators = data["estimators"]
        for axis, other in data.get("same_as", {}).items():
            estimators[axis] = estimators[other]
    except (TypeError, KeyError, ValueError):
        raise ModelError(f"{path}: not an argmine model file (no metadata); retrain it with `argmine train`") from None
    if not isinstance(metadata, dict) or "scheme" not in metadata:
        raise ModelError(
            f"{path}: not an argmine model file (no label scheme in its metadata); retrain it with `argmine train`"
        )
    if metadata["scheme"] != scheme.as_dict():
        raise ModelError(
            f"{path}: trained with another label scheme ({_describe(metadata['scheme'])}) than the current one"
            f" ({_describe(scheme.as_dict())}); retrain it with the current config/labels.toml"
        )
    for axis in scheme.axis_names:
        if not isinstance(estimators, dict) or not hasattr(estimators.get(axis), "predict_proba"):
            raise ModelError(
                f"{path}: not an argmine model file (no classifier for "
                f"the axis '{axis}'); retrain it with `argmine train`"
            )
    return Model(estimators, metadata)


def _not_a_model(path: Path) -> str | None:
    """What a file that cannot be a skops model file is, and the fix, for the message; None when it
    may be one (a zip archive holding a skops schema)."""
    import zipfile

    choose = f"give a model file written by `argmine train` (.skops), or a bundled model: {_names()}"
    if path.is_dir():
        return f"a folder, not a model file; give the .skops file inside it, or a bundled model: {_names()}"
    try:
        with open(path, "rb") as f:
            head = f.read(4096)
    except OSError:
        return None  # the loader reports it
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if not head:
        return "an empty file, not a model file (a copy or download cut short?); copy it again, or " + choose
    if start.startswith(b"%pdf"):
        return "a PDF document, not a model file; " + choose
    if start.startswith((b"<!doctype html", b"<html")) or b"<html" in start[:1024]:
        return (
            "an HTML page, not a model file (a web page saved instead of the file it links to?);"
            " download the .skops file itself, or " + choose
        )
    if head.startswith(b"PK"):
        try:
            with zipfile.ZipFile(path) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, OSError):
            return "a damaged or truncated zip archive (a model file cut short?); copy it again, or " + choose
        if "schema.json" in names:
            return None
        if "word/document.xml" in names:
            return "a Word document, not a model file; " + choose
        return "a zip archive that is not a skops model file; " + choose
    kind = "pickle" if head.startswith(b"\x80") else "gzip" if head.startswith(b"\x1f\x8b") else None
    if kind is not None:
        return (
            f"a {kind} file, not a skops model file (argmine loads only skops files, which cannot run"
            " code when loaded); " + choose
        )
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 3:  # not just a character cut at the end of the 4 KB read
            return "a binary file that is not a model file; " + choose
    return "a text file, not a model file; " + choose


def _names() -> str:
    return ", ".join(sorted([*bundled_models(), "rules"]))


def _describe(scheme: object) -> str:
    """'role: a, b; level: c, d' for a scheme as a model file records it (Scheme.as_dict)."""
    if not isinstance(scheme, dict):
        return repr(scheme)
    return "; ".join(
        f"{axis}: {', '.join(map(str, labels)) if isinstance(labels, list) else repr(labels)}"
        for axis, labels in scheme.items()
    )
