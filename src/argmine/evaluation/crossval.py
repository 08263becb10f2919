"""Cross-validation: out-of-fold predictions for every gold sentence, scored; several classifiers
compared on the same folds."""

from __future__ import annotations

import time
from collections.abc import Callable

import pandas as pd

from ..classifiers import make_estimator
from ..errors import GoldError
from ..model import fit_model
from ..scheme import load_scheme
from ..types import SCHEMA_VERSION
from .metrics import full_report

__all__ = ["compare", "cross_validate", "grouped_folds", "out_of_fold"]


def out_of_fold(
    gold: pd.DataFrame, classifier: str, folds: int | str = 5, progress: Callable[[int, int], None] | None = None
) -> tuple[pd.DataFrame, pd.DataFrame, str, dict]:
    """The non-excluded gold rows and the out-of-fold prediction for each, with how the folds were made
    and timings (seconds spent fitting; sentences per second predicting). ``progress(done, total)``
    is called after every fold."""
    from sklearn.model_selection import GroupKFold, LeaveOneGroupOut, StratifiedKFold

    rows = gold[~gold["exclude"]].reset_index(drop=True)
    documents = rows["doc_id"].nunique()
    grouped = grouped_folds(folds)
    if folds == "documents" and documents > 1:
        splits = list(LeaveOneGroupOut().split(rows, groups=rows["doc_id"]))
        described = f"leave-one-document-out ({documents} documents)"
    elif grouped is not None and documents > 1:
        splitter = GroupKFold(n_splits=min(grouped, documents), shuffle=True, random_state=0)
        splits = list(splitter.split(rows, groups=rows["doc_id"]))
        described = f"{splitter.n_splits}-fold grouped by document ({documents} documents)"
    else:
        k = 5 if folds == "documents" else grouped or int(folds)
        if k < 2:
            raise GoldError(f"--cv must be at least 2 folds, got {k}")
        smallest = int(rows["role"].value_counts().min())
        splitter = StratifiedKFold(n_splits=min(k, max(smallest, 2)), shuffle=True, random_state=0)
        splits = list(splitter.split(rows, rows["role"]))
        described = f"{splitter.n_splits}-fold stratified by role"
    parts, fit_seconds, predict_seconds, fits = [], 0.0, 0.0, 0
    for train_idx, test_idx in splits:
        fits += 1
        started = time.perf_counter()
        model = fit_model(rows.iloc[train_idx], classifier)
        fit_seconds += time.perf_counter() - started
        started = time.perf_counter()
        parts.append(model.predict(rows.iloc[test_idx]))
        predict_seconds += time.perf_counter() - started
        if progress is not None:
            progress(fits, len(splits))
    predicted = pd.concat(parts).sort_index()
    timing = {
        "fit_seconds": round(fit_seconds / max(fits, 1), 3),  # mean per fold
        "predict_sentences_per_second": round(len(rows) / predict_seconds, 1) if predict_seconds else None,
    }
    return rows, predicted, described, timing


def grouped_folds(folds: int | str) -> int | None:
    """K of ``"documents:K"`` (K folds of whole documents), else None."""
    if isinstance(folds, str) and folds.startswith("documents:"):
        k = folds.partition(":")[2]
        if not k.isdigit() or int(k) < 2:
            raise GoldError(f"--cv documents:K needs K of at least 2 folds, got '{folds}'")
        return int(k)
    return None


def cross_validate(
    gold: pd.DataFrame, classifier: str, folds: int | str = 5, progress: Callable[[int, int], None] | None = None
) -> dict:
    """Out-of-fold predictions for every gold sentence, scored, with calibration and summary agreement.

    ``folds="documents"`` leaves one whole document out at a time (falling back to 5
    stratified folds when the gold holds a single document) and bootstraps over documents;
    ``"documents:K"`` gives K folds of whole documents (scikit-learn's GroupKFold, shuffled
    with a fixed seed), also bootstrapped over documents; an integer K gives K stratified
    folds over sentences, shuffled with a fixed seed.
    """
    rows, predicted, described, timing = out_of_fold(gold, classifier, folds, progress)
    report = full_report(rows, predicted, by_document="document" in described)
    report["folds"] = described
    report["source"] = {"classifier": classifier, "cv": str(folds)}
    report["timing"] = timing
    return report


def compare(gold: pd.DataFrame, classifiers: list[str], folds: int | str = "documents") -> dict:
    """Cross-validate each classifier on the same folds; one row per classifier plus the full reports."""
    for name in classifiers:  # an unknown name fails before any work
        for axis in load_scheme().axis_names:
            make_estimator(name, axis)
    reports = {name: cross_validate(gold, name, folds) for name in classifiers}
    rows = []
    for name, report in reports.items():
        row = {"classifier": name}
        for axis, result in report["axes"].items():
            row[f"{axis}_macro_f1"] = result["macro_f1"]
            row[f"{axis}_macro_f1_ci"] = result["macro_f1_ci"]
            row[f"{axis}_accuracy"] = result["accuracy"]
            row[f"{axis}_ece"] = report["calibration"].get(axis, {}).get("ece")
        row.update(report["timing"])
        rows.append(row)
    first = next(iter(reports.values()))
    return {
        "schema_version": SCHEMA_VERSION,
        "folds": first["folds"],
        "bootstrap": first["bootstrap"],
        "sentences": first["sentences"],
        "documents": int(gold.loc[~gold["exclude"], "doc_id"].nunique()),
        "rows": rows,
        "reports": reports,
    }
