"""The segmenter's sentence boundaries against the gold's."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..gold import document_path
from ..ingest import ingest
from ..segment import segment

__all__ = ["segmentation_scores"]


def segmentation_scores(gold: pd.DataFrame, documents: str | Path | None, gold_path: str | Path) -> dict:
    """Boundary precision, recall and F1 of the segmenter against gold sentences.

    Only boundaries inside a paragraph count: paragraph starts come from ingest, not the segmenter.
    """
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
