"""Training: fit a classifier on the gold and record its cross-validated scores and provenance."""

from __future__ import annotations

import hashlib
import platform
from pathlib import Path

import numpy as np

from .model import MODEL_FORMAT, MODEL_FORMAT_VERSION, Model, fit_model

__all__ = ["train"]


def train(
    gold_path: str | Path, classifier: str, documents: str | Path | None = None, folds: int | str = "documents"
) -> Model:
    """Fit a model on all gold under ``gold_path`` and record its cross-validated scores and provenance."""
    from . import __version__
    from .evaluation.crossval import cross_validate
    from .gold import gold_files, load_gold

    gold = load_gold(gold_path, documents)
    model = fit_model(gold, classifier)
    report = cross_validate(gold, classifier, folds)
    digest = hashlib.sha256()
    for path in gold_files(gold_path):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    import sklearn
    import spacy

    model.metadata.update(
        {
            "format": MODEL_FORMAT,
            "format_version": MODEL_FORMAT_VERSION,
            "training_data": {
                "sha256": digest.hexdigest(),
                "files": [p.name for p in gold_files(gold_path)],
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
