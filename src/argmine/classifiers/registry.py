"""The classifier registry, in the manner of spaCy's registries.

A classifier is added by one call in its own module::

    @register("rules", help="the cue lexicon, no learning", trusted=(RuleClassifier,))
    def rules(axis: str) -> BaseEstimator:
        return RuleClassifier(axis=axis)

The registration carries everything argmine derives from it: the factory (one estimator per
axis of the label scheme, or with ``joint=True`` one estimator for all the axes at once), the
one-line help of ``--classifier``, the line of the docs' classifier table, the types its
model files may hold (trusted when a model is loaded) and the extra it needs. Every module of
``argmine.classifiers`` is imported on the first look-up, so a new module in that package
registers itself; code outside it (a bench script, a plug-in) calls ``register`` before training.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..errors import ModelError

__all__ = [
    "Classifier",
    "register",
    "registered",
    "get",
    "joint",
    "make_estimator",
    "per_axis",
    "trusted_types",
    "qualified_name",
]

# The scikit-learn types argmine's estimators are built from. skops trusts every scikit-learn
# estimator by default, but argmine imports it without that list (model._skops_io: building it
# imports all of scikit-learn), so each type a model file may hold is named here.
_SKLEARN_TRUSTED = (
    "sklearn.calibration.CalibratedClassifierCV",
    "sklearn.calibration._CalibratedClassifier",
    "sklearn.calibration._SigmoidCalibration",
    "sklearn.compose._column_transformer.ColumnTransformer",
    "sklearn.feature_extraction.text.TfidfTransformer",
    "sklearn.feature_extraction.text.TfidfVectorizer",
    "sklearn.linear_model._logistic.LogisticRegression",
    "sklearn.pipeline.FeatureUnion",
    "sklearn.pipeline.Pipeline",
    "sklearn.preprocessing._function_transformer.FunctionTransformer",
)
_NOT_CLASSIFIERS = {"registry", "features"}


@dataclass(frozen=True)
class Classifier:
    """One registered classifier."""

    name: str
    factory: Callable[[Any], Any]  # axis (or, if joint, a tuple of axes) -> an unfitted scikit-learn estimator
    help: str  # one line, for --classifier's help
    doc: str  # one line or more, for the docs' classifier table
    trusted: tuple[str, ...]  # qualified names of the types its fitted estimators may hold
    extra: str | None = None  # the pip extra it needs, if any
    learns: bool = True  # False: fitting learns nothing from the gold (its scores on the gold are honest)
    joint: bool = False  # True: given a tuple of axes, one multi-output estimator serves them all


_REGISTRY: dict[str, Classifier] = {}
_LOADED = False


def qualified_name(kind: type | str) -> str:
    """``module.QualName`` of a type, as skops records it."""
    return kind if isinstance(kind, str) else f"{kind.__module__}.{kind.__qualname__}"


def register(
    name: str,
    *,
    help: str,
    doc: str | None = None,
    trusted: tuple = (),
    extra: str | None = None,
    learns: bool = True,
    joint: bool = False,
) -> Callable[[Callable[[Any], Any]], Callable[[Any], Any]]:
    """Decorator: register ``factory(axis) -> estimator`` as the classifier ``name``.

    ``joint``: the factory also takes a tuple of axes and returns one estimator for all of them,
    fitted on one column of labels per axis, whose ``predict_proba`` and ``classes_`` are lists
    with one entry per axis and whose ``outputs_`` names the axes (scikit-learn's multi-output
    convention); argmine then fits it once for every axis.

    Registering a name again replaces the earlier registration (a bench variant of a classifier).
    """

    def decorator(factory: Callable[[Any], Any]) -> Callable[[Any], Any]:
        trusted_names = tuple(qualified_name(t) for t in trusted)
        _REGISTRY[name] = Classifier(name, factory, help, doc or help, trusted_names, extra, learns, joint)
        return factory

    return decorator


def _load() -> None:
    """Import every classifier module of this package once, so that each registers itself."""
    global _LOADED
    if _LOADED:
        return
    _LOADED = True
    package = importlib.import_module(__package__)
    for module in pkgutil.iter_modules(package.__path__):
        if module.name not in _NOT_CLASSIFIERS and not module.name.startswith("_"):
            importlib.import_module(f"{__package__}.{module.name}")


def registered() -> dict[str, Classifier]:
    """Every registered classifier by name, in registration order."""
    _load()
    return dict(_REGISTRY)


def get(name: str) -> Classifier:
    classifiers = registered()
    if name not in classifiers:
        raise ModelError(f"unknown classifier '{name}'; choose one of {', '.join(classifiers)}")
    return classifiers[name]


def per_axis(spec: str) -> dict[str, str]:
    """{axis: name} from "role=A/level=B"; {} for a plain name."""
    if "=" not in spec:
        return {}
    pairs = [part.split("=", 1) for part in spec.split("/")]
    if any(len(pair) != 2 or not pair[0].strip() or not pair[1].strip() for pair in pairs):
        raise ModelError(f"classifier '{spec}': write one name, or AXIS=NAME pairs separated by '/'")
    return {axis.strip(): name.strip() for axis, name in pairs}


def learns(spec: str) -> bool:
    """Whether the classifier ``spec`` (one name, or one per axis) learns anything from the gold."""
    return any(get(name).learns for name in (per_axis(spec).values() if "=" in spec else [spec]))


def joint(spec: str) -> bool:
    """Whether the classifier ``spec`` is one name of a joint classifier (one estimator for all axes)."""
    return "=" not in spec and get(spec).joint


def make_estimator(spec: str, axis: str | tuple[str, ...]) -> Any:
    """The unfitted estimator the classifier ``spec`` builds for ``axis`` (a tuple of axes for a
    joint classifier); the spec may name one classifier per axis ("role=rules+words/level=words-lr"),
    otherwise one name serves every axis."""
    if not isinstance(axis, str):
        if not joint(spec):
            raise ModelError(f"classifier '{spec}' is not a joint classifier; build one estimator per axis")
        return get(spec).factory(axis)
    name = per_axis(spec).get(axis) if "=" in spec else spec
    if name is None:
        raise ModelError(f"classifier '{spec}' names no classifier for the axis '{axis}'; add {axis}=NAME")
    return get(name).factory(axis)


def trusted_types() -> list[str]:
    """The only types a model file may hold beyond those skops trusts by default (numpy's)."""
    names = set(_SKLEARN_TRUSTED)
    for classifier in registered().values():
        names.update(classifier.trusted)
    return sorted(names)
