"""Training: fit a classifier on the gold and record its cross-validated scores and provenance."""

from __future__ import annotations

import hashlib
import platform
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from .model import MODEL_FORMAT, MODEL_FORMAT_VERSION, Model, fit_model

__all__ = ["distill", "train"]


def train(
    gold_path: str | Path,
    classifier: str,
    documents: str | Path | None = None,
    folds: int | str = "documents",
    progress: Callable[[str, int, int], None] | None = None,
    split: str | None = None,
    teacher: Model | None = None,
    unlabelled: list[str | Path] | None = None,
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
    folds : int, "documents", "documents:K" or "none", default "documents"
        The cross-validation recorded in the model: K stratified folds, leave one document out, K
        folds of whole documents, or none (the metadata then says so).
    progress : callable, optional
        Called as ``progress(stage, done, total)``: ``("cross-validation", fold, folds)`` after
        every fold, then ``("fitting", 0, 1)`` and ``("fitting", 1, 1)`` around the final fit.
    split : str, optional
        Train on the documents of this split only (``splits.tsv`` beside the gold folder).
    teacher : Model, optional
        Distil: the classifier learns this model's probabilities over the ``unlabelled`` documents
        as well as the gold (``distill``). No cross-validation is recorded then (it would need a
        teacher trained per fold): score the student on gold neither model saw.
    unlabelled : list of str or Path, optional
        Documents or folders for distillation.

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
    report = None
    if teacher is None and folds != "none":
        report = cross_validate(
            gold, classifier, folds, lambda done, total: report_progress("cross-validation", done, total)
        )
    report_progress("fitting", 0, 1)
    model = (
        fit_model(gold, classifier) if teacher is None else distill(teacher, gold, list(unlabelled or []), classifier)
    )
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
            "cross_validation": {"folds": "none (distilled)" if teacher is not None else "none"}
            if report is None
            else {
                "folds": report["folds"],
                **{f"{axis}_macro_f1": report["axes"][axis]["macro_f1"] for axis in model.estimators},
                **{f"{axis}_accuracy": report["axes"][axis]["accuracy"] for axis in model.estimators},
            },
        }
    )
    return model


def distill(
    teacher: Model,
    gold: pd.DataFrame,
    unlabelled: list[str | Path],
    student: str = "static-lr",
    unlabelled_weight: float = 1.0,
) -> Model:
    """Train a fast student on the gold and on a teacher's probabilities over unlabelled documents.

    Every unlabelled sentence becomes one row per label, weighted by the teacher's probability of
    that label times ``unlabelled_weight`` (so the student learns the teacher's uncertainty, not only
    its choice); every gold sentence (not excluded) is one row of weight 1 with its gold label.

    Parameters
    ----------
    teacher : Model
        The model whose probabilities the student learns (a slow, accurate one).
    gold : pandas.DataFrame
        Gold rows (``argmine.gold.load_gold``).
    unlabelled : list of str or Path
        Documents, or folders searched for the documents argmine reads.
    student : str, default "static-lr"
        A registered classifier whose final step takes ``sample_weight``.
    unlabelled_weight : float, default 1.0
        The weight of the unlabelled sentences against the gold's.

    Returns
    -------
    Model
        The student; its metadata records the teacher, the unlabelled documents and sentences.
    """
    from .classifiers import features, make_estimator
    from .ingest import SUFFIXES, ingest
    from .scheme import load_scheme
    from .segment import segment

    files = sorted(
        {
            f
            for p in map(Path, unlabelled)
            for f in (p.rglob("*") if p.is_dir() else [p])
            if f.suffix.lower() in SUFFIXES
        }
    )
    sentences = [s for f in files for s in segment(ingest(f))]
    rows = gold[~gold["exclude"]]
    X_gold, X_free = features(rows).reset_index(drop=True), features(sentences)
    decided = teacher.decide(X_free)
    estimators = {}
    for axis in load_scheme().axis_names:
        _, _, proba, classes = decided[axis]
        free_rows, free_labels = np.nonzero(proba >= 0.01)  # one row per label the teacher gives any weight
        X = pd.concat([X_gold, X_free.iloc[free_rows]], ignore_index=True)
        y = np.concatenate([rows[axis].to_numpy(), np.asarray(classes, dtype=object)[free_labels]])
        weights = np.concatenate([np.ones(len(rows)), unlabelled_weight * proba[free_rows, free_labels]])
        estimator = make_estimator(student, axis)
        final = f"{estimator.steps[-1][0]}__sample_weight" if hasattr(estimator, "steps") else "sample_weight"
        estimators[axis] = estimator.fit(X, y, **{final: weights})
    model = Model(estimators, {"classifier": student, "scheme": load_scheme().as_dict()})
    model.metadata["distilled_from"] = {
        "teacher": teacher.metadata.get("classifier", "?"),
        "teacher_training_data": teacher.metadata.get("training_data", {}),
        "unlabelled_documents": [f.name for f in files],
        "unlabelled_sentences": len(sentences),
        "unlabelled_weight": unlabelled_weight,
    }
    return model
