"""Training: fit a classifier on the gold and record its cross-validated scores and provenance."""

from __future__ import annotations

import hashlib
import platform
from collections.abc import Callable
from pathlib import Path

import numpy as np

from .model import MODEL_FORMAT, MODEL_FORMAT_VERSION, Model, fit_model

__all__ = ["train"]


def train(
    gold_path: str | Path,
    classifier: str,
    documents: str | Path | None = None,
    folds: int | str = "documents",
    progress: Callable[[str, int, int], None] | None = None,
    split: str | None = None,
) -> Model:
    """Fit a model on all gold under ``gold_path`` and record its cross-validated scores and provenance.

    Parameters
    ----------
    gold_path : str or Path
        A gold file or a folder of them.
    classifier : str
        A registered classifier's name, or one per axis (``role=A/level=B``).
    documents : str or Path, optional
        The folder of the gold's documents; by default ``raw/`` beside the gold folder.
    folds : int or "documents", default "documents"
        The cross-validation recorded in the model: K stratified folds, or leave one document out.
    progress : callable, optional
        Called as ``progress(stage, done, total)``: ``("cross-validation", fold, folds)`` after
        every fold, then ``("fitting", 0, 1)`` and ``("fitting", 1, 1)`` around the final fit.
    split : str, optional
        Train on the documents of this split only (``splits.tsv`` beside the gold folder).

    Returns
    -------
    Model
        The model fitted on all the gold, its metadata recording the training data (the documents
        and a SHA-256 per gold file, so that ``argmine evaluate`` can tell training data from
        unseen gold), the versions and the cross-validated scores.
    """
    from . import __version__
    from .evaluation.crossval import cross_validate
    from .gold import gold_files, load_gold

    report_progress = progress or (lambda stage, done, total: None)
    gold = load_gold(gold_path, documents, split=split)
    report = cross_validate(
        gold, classifier, folds, lambda done, total: report_progress("cross-validation", done, total)
    )
    report_progress("fitting", 0, 1)
    model = fit_model(gold, classifier)
    report_progress("fitting", 1, 1)
    digest = hashlib.sha256()
    file_digests = {}
    used = set(gold["doc_id"])
    for path in gold_files(gold_path):
        if path.stem not in used:  # a file of another split
            continue
        data = path.read_bytes()
        digest.update(path.name.encode() + b"\0" + data)
        file_digests[path.name] = hashlib.sha256(data).hexdigest()
    import sklearn
    import spacy

    model.metadata.update(
        {
            "format": MODEL_FORMAT,
            "format_version": MODEL_FORMAT_VERSION,
            "training_data": {
                "sha256": digest.hexdigest(),
                "files": sorted(file_digests),
                "file_sha256": file_digests,
                "doc_ids": sorted(gold["doc_id"].unique().tolist()),
                "sentences": int((~gold["exclude"]).sum()),
                "documents": int(gold["doc_id"].nunique()),
            },
            "versions": {
                "argmine": __version__,
                "python": platform.python_version(),
                "scikit-learn": sklearn.__version__,
                "spacy": spacy.__version__,
                "numpy": np.__version__,
            },
            "cross_validation": {
                "folds": report["folds"],
                **{f"{axis}_macro_f1": report["axes"][axis]["macro_f1"] for axis in model.estimators},
                **{f"{axis}_accuracy": report["axes"][axis]["accuracy"] for axis in model.estimators},
            },
        }
    )
    return model
