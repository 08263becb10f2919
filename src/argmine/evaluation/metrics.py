"""Scores of predicted labels against gold labels: per-label and macro-F1 with bootstrap
intervals, accuracy, confusion, calibration, and the summary built from each."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..scheme import Scheme, load_scheme
from ..types import SCHEMA_VERSION

__all__ = ["BOOTSTRAP_SAMPLES", "calibration", "full_report", "score", "summary_agreement"]

BOOTSTRAP_SAMPLES = 1000
CALIBRATION_BINS = 10


def score(gold: pd.DataFrame, predicted: pd.DataFrame, scheme: Scheme | None = None, groups=None) -> dict:
    """Per axis: per-label precision, recall, F1 and support; macro-F1; accuracy; confusion matrix.

    Macro-F1, accuracy and every label's F1 carry a 95% bootstrap interval (``*_ci``):
    sentences are resampled, or whole documents when ``groups`` names each row's document.
    """
    from sklearn.metrics import confusion_matrix, precision_recall_fscore_support

    scheme = scheme or load_scheme()
    samples = _bootstrap_samples(len(gold), groups)
    axes = {}
    for axis in scheme.axes:
        labels = axis.names
        y_true, y_pred = gold[axis.name].to_numpy(), predicted[axis.name].to_numpy()
        p, r, f, s = precision_recall_fscore_support(y_true, y_pred, labels=labels, zero_division=0)
        present = s > 0
        boot_f1, boot_macro, boot_acc = _bootstrap(y_true, y_pred, labels, samples)
        axes[axis.name] = {
            "labels": {
                label: {
                    "precision": round(float(p[i]), 4),
                    "recall": round(float(r[i]), 4),
                    "f1": round(float(f[i]), 4),
                    "f1_ci": _interval(boot_f1[:, i]),
                    "support": int(s[i]),
                }
                for i, label in enumerate(labels)
            },
            # Macro-F1 over the labels that occur in the gold, so an absent label does not count as 0.
            "macro_f1": round(float(f[present].mean()) if present.any() else 0.0, 4),
            "macro_f1_ci": _interval(boot_macro),
            "accuracy": round(float((y_true == y_pred).mean()) if len(y_true) else 0.0, 4),
            "accuracy_ci": _interval(boot_acc),
            "confusion": {"labels": labels, "matrix": confusion_matrix(y_true, y_pred, labels=labels).tolist()},
        }
    return {"schema_version": SCHEMA_VERSION, "sentences": int(len(gold)), "axes": axes}


def _bootstrap_samples(n: int, groups=None, samples: int = BOOTSTRAP_SAMPLES, seed: int = 0) -> list[np.ndarray]:
    """Row indices of each bootstrap resample: of sentences, or of whole groups (documents)."""
    rng = np.random.default_rng(seed)
    if n == 0:
        return []
    if groups is None:
        return [rng.integers(0, n, n) for _ in range(samples)]
    members = [np.flatnonzero(mask) for mask in (np.asarray(groups)[None, :] == np.unique(groups)[:, None])]
    return [np.concatenate([members[i] for i in rng.integers(0, len(members), len(members))]) for _ in range(samples)]


def _bootstrap(y_true, y_pred, labels, samples):
    """Per-label F1, macro-F1 (over labels present in the resample's gold) and accuracy of each resample."""
    index = {label: i for i, label in enumerate(labels)}
    t = np.array([index[v] for v in y_true], dtype=int)
    q = np.array([index.get(v, -1) for v in y_pred], dtype=int)
    k = len(labels)
    f1s, macros, accs = [], [], []
    for rows in samples:
        ti, qi = t[rows], q[rows]
        tp = np.bincount(ti[ti == qi], minlength=k).astype(float)
        support = np.bincount(ti, minlength=k).astype(float)
        predicted = np.bincount(qi[qi >= 0], minlength=k).astype(float)
        denom = support + predicted
        f1 = np.divide(2 * tp, denom, out=np.zeros(k), where=denom > 0)
        f1s.append(f1)
        macros.append(f1[support > 0].mean() if (support > 0).any() else 0.0)
        accs.append((ti == qi).mean())
    return np.array(f1s).reshape(-1, k), np.array(macros), np.array(accs)


def _interval(values: np.ndarray) -> list[float] | None:
    if len(values) == 0:
        return None
    low, high = np.percentile(values, [2.5, 97.5])
    return [round(float(low), 4), round(float(high), 4)]


def calibration(gold: pd.DataFrame, predicted: pd.DataFrame, scheme: Scheme | None = None) -> dict:
    """Per axis: expected calibration error of the confidences, the multi-class Brier score where all
    probabilities are known, and the reliability table (per confidence bin: mean confidence,
    accuracy, count)."""
    scheme = scheme or load_scheme()
    out = {}
    for axis in scheme.axes:
        name = axis.name
        if f"{name}_confidence" not in predicted:
            continue
        confidence = predicted[f"{name}_confidence"].to_numpy(dtype=float)
        correct = (gold[name].to_numpy() == predicted[name].to_numpy()).astype(float)
        bins = np.minimum((confidence * CALIBRATION_BINS).astype(int), CALIBRATION_BINS - 1)
        table, ece = [], 0.0
        for b in range(CALIBRATION_BINS):
            mask = bins == b
            if mask.any():
                table.append(
                    {
                        "bin": [b / CALIBRATION_BINS, (b + 1) / CALIBRATION_BINS],
                        "confidence": round(float(confidence[mask].mean()), 4),
                        "accuracy": round(float(correct[mask].mean()), 4),
                        "count": int(mask.sum()),
                    }
                )
                ece += mask.mean() * abs(confidence[mask].mean() - correct[mask].mean())
        brier = None
        if f"{name}_proba" in predicted and len(gold):
            proba = np.array([[p.get(label, 0.0) for label in axis.names] for p in predicted[f"{name}_proba"]])
            truth = gold[name].to_numpy()[:, None] == np.array(axis.names)[None, :]
            brier = round(float(((proba - truth) ** 2).sum(axis=1).mean()), 4)
        out[name] = {"ece": round(float(ece), 4), "brier": brier, "reliability": table}
    return out


def summary_agreement(gold: pd.DataFrame, predicted: pd.DataFrame, scheme: Scheme | None = None) -> dict:
    """The summary built from predicted labels against the one built from gold labels.

    Per level x role cell, over all documents: the cell counts side by side, and the precision
    and recall of the predicted cell's evidence sentences against the gold cell's.
    """
    scheme = scheme or load_scheme()
    gold_cells = list(zip(gold["doc_id"], gold["sent_id"], gold["level"], gold["role"]))
    pred_cells = list(zip(gold["doc_id"], gold["sent_id"], predicted["level"], predicted["role"]))
    cells = {}
    for level in scheme.axis("level").names:
        cells[level] = {}
        for role in scheme.axis("role").names:
            g = {(d, i) for d, i, lv, r in gold_cells if lv == level and r == role}
            p = {(d, i) for d, i, lv, r in pred_cells if lv == level and r == role}
            both = len(g & p)
            cells[level][role] = {
                "gold_count": len(g),
                "predicted_count": len(p),
                "precision": round(both / len(p), 4) if p else None,
                "recall": round(both / len(g), 4) if g else None,
            }
    return {"cells": cells}


def full_report(rows: pd.DataFrame, predicted: pd.DataFrame, by_document: bool = True) -> dict:
    """Scores with bootstrap intervals (over documents when ``by_document`` and there are several),
    calibration and summary agreement."""
    by_document = by_document and rows["doc_id"].nunique() > 1
    report = score(rows, predicted, groups=rows["doc_id"].to_numpy() if by_document else None)
    report["bootstrap"] = f"{BOOTSTRAP_SAMPLES} resamples of {'documents' if by_document else 'sentences'}"
    report["calibration"] = calibration(rows, predicted)
    report["summary_agreement"] = summary_agreement(rows, predicted)
    if "genre" in rows and rows["genre"].ne("").any():
        report["by_genre"] = by_genre(rows, predicted)
    return report


def by_genre(rows: pd.DataFrame, predicted: pd.DataFrame, scheme: Scheme | None = None) -> dict:
    """Per genre (the gold's ``genre`` column): documents, sentences and each axis's macro-F1 over
    the labels present in that genre's gold."""
    from sklearn.metrics import f1_score

    scheme = scheme or load_scheme()
    out = {}
    for genre, members in rows.groupby("genre", sort=True):
        index = members.index
        entry = {"documents": int(members["doc_id"].nunique()), "sentences": int(len(members))}
        for axis in scheme.axis_names:
            truth, guess = members[axis].to_numpy(), predicted.loc[index, axis].to_numpy()
            entry[f"{axis}_macro_f1"] = round(
                float(f1_score(truth, guess, labels=sorted(set(truth)), average="macro")), 4
            )
        out[genre or "(none)"] = entry
    return out
