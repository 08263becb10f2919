"""Why a sentence got its labels: the features that pushed each axis's label.

For an estimator whose final step is linear (logistic regression, also inside argmine's
calibrated wrapper), a feature's push is its weight for the label times its value in the
sentence (``coef_[label] * x``, a contribution to the label's score before calibration),
named by the pipeline's ``get_feature_names_out`` (``words__should``,
``cues__role:recommendation:text``, ``heading__options``). For any other estimator (the
``rules`` classifier) the method is model-agnostic: leave one word out at a time, and the
section heading, and measure how much the label's probability falls.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from .classifiers import NO_HEADING, features
from .model import Model, axis_proba

WEIGHTS = "weights"
LEAVE_ONE_OUT = "leave-one-word-out"
WORD = re.compile(r"\w[\w'’-]*")
TOP_K = 5


def explain(model: Model, rows, top_k: int = TOP_K) -> list[dict]:
    """Per row (sentence): ``{axis: {"label", "confidence", "method", "features": [{"feature",
    "weight"}, ...]}}`` with the ``top_k`` features that pushed the predicted label most,
    strongest first (only those that pushed it up)."""
    X = features(rows).reset_index(drop=True)
    if X.empty:
        return []
    predicted = model.predict(X)
    out: list[dict] = [{} for _ in range(len(X))]
    variants: tuple[pd.DataFrame, list] | None = None
    scored: dict[int, object] = {}  # per estimator, its probabilities over the variants: a joint one scores once
    for axis, estimator in model.estimators.items():
        labels = [str(v) for v in predicted[axis]]
        linear = _linear(estimator)
        if linear is not None:
            pushes, method = _by_weights(linear, X, labels), WEIGHTS
        else:
            if variants is None:
                variants = _leave_one_out_variants(X)
            if id(estimator) not in scored:
                scored[id(estimator)] = estimator.predict_proba(variants[0])
            proba, classes = axis_proba(estimator, axis, scored[id(estimator)])
            pushes, method = _by_leaving_out(proba, classes, variants[1], labels), LEAVE_ONE_OUT
        for i, found in enumerate(pushes):
            rounded = ((name, round(float(w), 4)) for name, w in found.items())  # a push under 0.00005 is none
            ranked = sorted(((name, w) for name, w in rounded if w > 0), key=lambda item: (-item[1], item[0]))[:top_k]
            out[i][axis] = {
                "label": labels[i],
                "confidence": round(float(predicted[f"{axis}_confidence"].iloc[i]), 4),
                "method": method,
                "features": [{"feature": name, "weight": w} for name, w in ranked],
            }
    return out


def explain_text(text: str, model: Model, section: str = "", top_k: int = TOP_K) -> dict:
    """Explain one sentence given as text (under ``section``, position 0)."""
    return explain(model, pd.DataFrame({"text": [text], "section": [section], "position": [0.0]}), top_k)[0]


def explain_sentences(model: Model, sentences, top_k: int = TOP_K) -> None:
    """Set ``explanation`` on Sentence records in place (``argmine run --explain``)."""
    for sentence, explanation in zip(sentences, explain(model, sentences, top_k)):
        sentence.explanation = explanation


def _linear(estimator):
    """(preprocessing, coef [n_labels x n_features], labels, feature names) when the final step is
    linear; None otherwise."""
    from sklearn.pipeline import Pipeline

    prep, final = (estimator[:-1], estimator[-1]) if isinstance(estimator, Pipeline) else (None, estimator)
    coef, classes = None, None
    for candidate in (final, getattr(final, "estimator_", None)):
        if candidate is None:
            continue
        if hasattr(candidate, "coef_"):
            coef, classes = np.asarray(candidate.coef_), list(candidate.classes_)
        elif hasattr(candidate, "calibrated_classifiers_"):
            inner = [c.estimator for c in candidate.calibrated_classifiers_]
            if inner and all(hasattr(e, "coef_") for e in inner):
                coef, classes = np.mean([e.coef_ for e in inner], axis=0), list(inner[0].classes_)
        if coef is not None:
            break
    if coef is None:
        return None
    if coef.shape[0] == 1 and len(classes) == 2:  # binary: one row of weights for the second class
        coef = np.vstack([-coef[0], coef[0]])
    if prep is not None:
        names = list(prep.get_feature_names_out())
    else:
        names = list(getattr(final, "feature_names_in_", [f"x{j}" for j in range(coef.shape[1])]))
    return prep, coef, [str(c) for c in classes], names


def _by_weights(linear, X: pd.DataFrame, labels: list[str]) -> list[dict[str, float]]:
    prep, coef, classes, names = linear
    values = prep.transform(X) if prep is not None else X.to_numpy()
    pushes = []
    for i, label in enumerate(labels):
        row = values[i]
        if hasattr(row, "tocoo"):
            row = row.tocoo()
            index, data = row.col, row.data
        else:
            row = np.asarray(row, dtype=float).ravel()
            index = np.flatnonzero(row)
            data = row[index]
        weights = coef[classes.index(label), index] * data
        pushes.append({names[j]: float(w) for j, w in zip(index, weights)})
    return pushes


def _leave_one_out_variants(X: pd.DataFrame) -> tuple[pd.DataFrame, list[tuple[int, str | None]]]:
    """Each sentence as it is, without each of its words in turn, and without its section heading,
    all in one frame (scored in one batch); and per variant its sentence and what was left out
    (None for the sentence itself)."""
    variants, owners = [], []
    for i, row in enumerate(X.itertuples(index=False)):
        variants.append({"text": row.text, "section": row.section, "position": row.position})
        owners.append((i, None))
        for m in WORD.finditer(row.text):
            variants.append(
                {"text": _without(row.text, m.start(), m.end()), "section": row.section, "position": row.position}
            )
            owners.append((i, m.group()))
        if row.section not in ("", NO_HEADING):
            variants.append({"text": row.text, "section": NO_HEADING, "position": row.position})
            owners.append((i, f"heading: {row.section}"))
    return pd.DataFrame(variants), owners


def _by_leaving_out(proba, classes: list[str], owners, labels: list[str]) -> list[dict[str, float]]:
    """The fall in the label's probability when each word, or the section heading, is left out."""
    pushes: list[dict[str, float]] = [{} for _ in labels]
    base = [0.0] * len(labels)
    for (i, name), p in zip(owners, proba):
        j = classes.index(labels[i])
        if name is None:
            base[i] = p[j]
            continue
        fall = base[i] - p[j]
        pushes[i][name] = max(fall, pushes[i].get(name, fall))
    return pushes


def _without(text: str, start: int, end: int) -> str:
    return re.sub(r"\s{2,}", " ", (text[:start] + text[end:]).strip())


def format_explanation(explanation: dict) -> str:
    """One block per axis: the label, its confidence and method, then the features and their pushes."""
    lines = []
    for axis, entry in explanation.items():
        lines.append(f"{axis}: {entry['label']} (confidence {entry['confidence']:.2f}; {entry['method']})")
        if not entry["features"]:
            lines.append("  (no feature pushed it up: the label is the model's fallback or prior)")
        width = max((len(f["feature"]) for f in entry["features"]), default=0)
        for f in entry["features"]:
            lines.append(f"  {f['feature']:<{width}}  +{f['weight']:.4f}")
    return "\n".join(lines) + "\n"
