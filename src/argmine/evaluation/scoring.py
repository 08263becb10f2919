"""Score a model, or the output folder of a run, against the gold."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import GoldError
from ..model import Model
from .metrics import full_report

__all__ = ["evaluate_model", "evaluate_predictions"]


def evaluate_model(gold: pd.DataFrame, model: Model) -> dict:
    """Classify the gold sentences themselves (segmentation aside) and score the labels."""
    rows = gold[~gold["exclude"]].reset_index(drop=True)
    report = full_report(rows, model.predict(rows))
    report["source"] = {"model": model.metadata.get("classifier", "?")}
    seen = sorted(model.training_documents() & set(rows["doc_id"]))
    if seen:  # training-set scores: say so, they are not what unseen documents get
        report["trained_on"] = {"documents": seen, "of": int(rows["doc_id"].nunique())}
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
    report = full_report(rows, pd.DataFrame(matched).reset_index(drop=True))
    report["source"] = {"predictions": str(pred_dir)}
    return report
