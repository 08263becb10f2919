"""Score classifiers and the segmenter against the gold set."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from .classify import Model, fit_model
from .errors import GoldError
from .scheme import Scheme, load_scheme

SCHEMA_VERSION = "1.0"


def score(gold: pd.DataFrame, predicted: pd.DataFrame, scheme: Scheme | None = None) -> dict:
    """Per axis: per-label precision, recall, F1 and support; macro-F1; accuracy; confusion matrix."""
    from sklearn.metrics import confusion_matrix, precision_recall_fscore_support

    scheme = scheme or load_scheme()
    axes = {}
    for axis in scheme.axes:
        labels = axis.names
        y_true, y_pred = gold[axis.name].to_numpy(), predicted[axis.name].to_numpy()
        p, r, f, s = precision_recall_fscore_support(y_true, y_pred, labels=labels, zero_division=0)
        present = s > 0
        axes[axis.name] = {
            "labels": {
                label: {"precision": round(float(p[i]), 4), "recall": round(float(r[i]), 4), "f1": round(float(f[i]), 4), "support": int(s[i])}
                for i, label in enumerate(labels)
            },
            # Macro-F1 over the labels that occur in the gold, so an absent label does not count as 0.
            "macro_f1": round(float(f[present].mean()) if present.any() else 0.0, 4),
            "accuracy": round(float((y_true == y_pred).mean()) if len(y_true) else 0.0, 4),
            "confusion": {"labels": labels, "matrix": confusion_matrix(y_true, y_pred, labels=labels).tolist()},
        }
    return {"schema_version": SCHEMA_VERSION, "sentences": int(len(gold)), "axes": axes}


def evaluate_model(gold: pd.DataFrame, model: Model) -> dict:
    """Classify the gold sentences themselves (segmentation aside) and score the labels."""
    rows = gold[~gold["exclude"]].reset_index(drop=True)
    report = score(rows, model.predict(rows))
    report["source"] = {"model": model.metadata.get("classifier", "?")}
    return report


def evaluate_predictions(gold: pd.DataFrame, pred_dir: str | Path) -> dict:
    """Score an `argmine run` output folder: each gold sentence takes the predicted sentence overlapping it most."""
    pred_dir = Path(pred_dir)
    rows = gold[~gold["exclude"]].reset_index(drop=True)
    matched = []
    for doc_id, group in rows.groupby("doc_id", sort=False):
        path = pred_dir / f"{doc_id}.sentences.jsonl"
        if not path.exists():
            raise GoldError(f"{path}: no predictions for gold document '{doc_id}'; run `argmine run` on it first")
        pred = pd.read_json(path, lines=True)
        for _, g in group.iterrows():
            overlap = (np.minimum(pred["end"], g["end"]) - np.maximum(pred["start"], g["start"])).clip(lower=0)
            matched.append(pred.loc[overlap.idxmax()])
    report = score(rows, pd.DataFrame(matched).reset_index(drop=True))
    report["source"] = {"predictions": str(pred_dir)}
    return report


def cross_validate(gold: pd.DataFrame, classifier: str, folds: int | str = 5) -> dict:
    """Out-of-fold predictions for every gold sentence, scored.

    ``folds="documents"`` leaves one whole document out at a time (falling back to 5
    stratified folds when the gold holds a single document); an integer K gives K
    stratified folds over sentences, shuffled with a fixed seed.
    """
    from sklearn.model_selection import LeaveOneGroupOut, StratifiedKFold

    rows = gold[~gold["exclude"]].reset_index(drop=True)
    if folds == "documents" and rows["doc_id"].nunique() > 1:
        splits = LeaveOneGroupOut().split(rows, groups=rows["doc_id"])
        described = f"leave-one-document-out ({rows['doc_id'].nunique()} documents)"
    else:
        k = 5 if folds == "documents" else int(folds)
        if k < 2:
            raise GoldError(f"--cv must be at least 2 folds, got {k}")
        smallest = int(rows["role"].value_counts().min())
        splitter = StratifiedKFold(n_splits=min(k, max(smallest, 2)), shuffle=True, random_state=0)
        splits = splitter.split(rows, rows["role"])
        described = f"{splitter.n_splits}-fold stratified by role"
    predicted = pd.DataFrame(index=rows.index, columns=load_scheme().axis_names, dtype=object)
    for train_idx, test_idx in splits:
        model = fit_model(rows.iloc[train_idx], classifier)
        out = model.predict(rows.iloc[test_idx])
        for axis in predicted.columns:
            predicted.loc[rows.index[test_idx], axis] = out[axis].to_numpy()
    report = score(rows, predicted)
    report["folds"] = described
    report["source"] = {"classifier": classifier, "cv": str(folds)}
    return report


def segmentation_scores(gold: pd.DataFrame, documents: str | Path | None, gold_path: str | Path) -> dict:
    """Boundary precision, recall and F1 of the segmenter against gold sentences.

    Only boundaries inside a paragraph count: paragraph starts come from ingest, not the segmenter.
    """
    from .gold import document_path
    from .ingest import ingest
    from .segment import segment

    tp = fp = fn = 0
    for doc_id, group in gold.groupby("doc_id", sort=False):
        document = ingest(document_path(doc_id, documents, gold_path), doc_id)
        block_starts = {b.start for b in document.blocks}
        truth = set(group["start"]) - block_starts
        found = {s.start for s in segment(document)} - block_starts
        tp += len(truth & found)
        fp += len(found - truth)
        fn += len(truth - found)
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"boundaries": tp + fn, "precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}


def format_table(report: dict) -> str:
    """The report as plain-text tables, one per axis."""
    lines = []
    if "folds" in report:
        lines.append(f"cross-validation: {report['folds']}")
    lines.append(f"sentences: {report['sentences']}")
    for axis, result in report["axes"].items():
        lines += ["", f"{axis}: macro-F1 {result['macro_f1']:.3f}  accuracy {result['accuracy']:.3f}"]
        lines.append(f"  {'label':<16}{'precision':>10}{'recall':>8}{'f1':>8}{'support':>9}")
        for label, m in result["labels"].items():
            lines.append(f"  {label:<16}{m['precision']:>10.3f}{m['recall']:>8.3f}{m['f1']:>8.3f}{m['support']:>9}")
        names = result["confusion"]["labels"]
        width = max(len(n) for n in names) + 2
        lines.append("  confusion (rows gold, columns predicted):")
        lines.append("  " + " " * width + "".join(f"{n[:8]:>10}" for n in names))
        for name, row in zip(names, result["confusion"]["matrix"]):
            lines.append(f"  {name:<{width}}" + "".join(f"{v:>10}" for v in row))
    if "segmentation" in report:
        seg = report["segmentation"]
        lines += ["", f"segmentation: boundary precision {seg['precision']:.3f}  recall {seg['recall']:.3f}  F1 {seg['f1']:.3f}  ({seg['boundaries']} gold boundaries inside paragraphs)"]
    return "\n".join(lines) + "\n"


def write_json(report: dict, path: str | Path) -> None:
    from .files import write_atomic

    write_atomic(Path(path), json.dumps(report, indent=2) + "\n")
