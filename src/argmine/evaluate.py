"""Score classifiers and the segmenter against the gold set."""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np
import pandas as pd

from .classify import Model, fit_model
from .errors import GoldError
from .scheme import Scheme, load_scheme

SCHEMA_VERSION = "1.0"


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


def evaluate_model(gold: pd.DataFrame, model: Model) -> dict:
    """Classify the gold sentences themselves (segmentation aside) and score the labels."""
    rows = gold[~gold["exclude"]].reset_index(drop=True)
    report = full_report(rows, model.predict(rows))
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
    report = full_report(rows, pd.DataFrame(matched).reset_index(drop=True))
    report["source"] = {"predictions": str(pred_dir)}
    return report


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
                table.append({"bin": [b / CALIBRATION_BINS, (b + 1) / CALIBRATION_BINS], "confidence": round(float(confidence[mask].mean()), 4),
                              "accuracy": round(float(correct[mask].mean()), 4), "count": int(mask.sum())})
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


def out_of_fold(gold: pd.DataFrame, classifier: str, folds: int | str = 5) -> tuple[pd.DataFrame, pd.DataFrame, str, dict]:
    """The non-excluded gold rows and the out-of-fold prediction for each, with how the folds were made
    and timings (seconds spent fitting; sentences per second predicting)."""
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
    parts, fit_seconds, predict_seconds, fits = [], 0.0, 0.0, 0
    for train_idx, test_idx in splits:
        fits += 1
        started = time.perf_counter()
        model = fit_model(rows.iloc[train_idx], classifier)
        fit_seconds += time.perf_counter() - started
        started = time.perf_counter()
        parts.append(model.predict(rows.iloc[test_idx]))
        predict_seconds += time.perf_counter() - started
    predicted = pd.concat(parts).sort_index()
    timing = {
        "fit_seconds": round(fit_seconds / max(fits, 1), 3),  # mean per fold
        "predict_sentences_per_second": round(len(rows) / predict_seconds, 1) if predict_seconds else None,
    }
    return rows, predicted, described, timing


def cross_validate(gold: pd.DataFrame, classifier: str, folds: int | str = 5) -> dict:
    """Out-of-fold predictions for every gold sentence, scored, with calibration and summary agreement.

    ``folds="documents"`` leaves one whole document out at a time (falling back to 5
    stratified folds when the gold holds a single document) and bootstraps over documents;
    an integer K gives K stratified folds over sentences, shuffled with a fixed seed.
    """
    rows, predicted, described, timing = out_of_fold(gold, classifier, folds)
    report = full_report(rows, predicted, by_document=described.startswith("leave-one-document-out"))
    report["folds"] = described
    report["source"] = {"classifier": classifier, "cv": str(folds)}
    report["timing"] = timing
    return report


def full_report(rows: pd.DataFrame, predicted: pd.DataFrame, by_document: bool = True) -> dict:
    """Scores with bootstrap intervals (over documents when ``by_document`` and there are several),
    calibration and summary agreement."""
    by_document = by_document and rows["doc_id"].nunique() > 1
    report = score(rows, predicted, groups=rows["doc_id"].to_numpy() if by_document else None)
    report["bootstrap"] = f"{BOOTSTRAP_SAMPLES} resamples of {'documents' if by_document else 'sentences'}"
    report["calibration"] = calibration(rows, predicted)
    report["summary_agreement"] = summary_agreement(rows, predicted)
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


def _ci(interval) -> str:
    return f"[{interval[0]:.3f}, {interval[1]:.3f}]" if interval else ""


def format_table(report: dict) -> str:
    """The report as plain-text tables, one per axis."""
    lines = []
    if "folds" in report:
        lines.append(f"cross-validation: {report['folds']}")
    lines.append(f"sentences: {report['sentences']}" + (f"  (95% intervals: {report['bootstrap']})" if "bootstrap" in report else ""))
    for axis, result in report["axes"].items():
        lines += ["", f"{axis}: macro-F1 {result['macro_f1']:.3f} {_ci(result.get('macro_f1_ci'))}  accuracy {result['accuracy']:.3f} {_ci(result.get('accuracy_ci'))}"]
        lines.append(f"  {'label':<16}{'precision':>10}{'recall':>8}{'f1':>8}  {'f1 95% CI':<16}{'support':>8}")
        for label, m in result["labels"].items():
            lines.append(f"  {label:<16}{m['precision']:>10.3f}{m['recall']:>8.3f}{m['f1']:>8.3f}  {_ci(m.get('f1_ci')):<16}{m['support']:>8}")
        names = result["confusion"]["labels"]
        width = max(len(n) for n in names) + 2
        lines.append("  confusion (rows gold, columns predicted):")
        lines.append("  " + " " * width + "".join(f"{n[:8]:>10}" for n in names))
        for name, row in zip(names, result["confusion"]["matrix"]):
            lines.append(f"  {name:<{width}}" + "".join(f"{v:>10}" for v in row))
        cal = report.get("calibration", {}).get(axis)
        if cal:
            brier = f"  Brier {cal['brier']:.3f}" if cal["brier"] is not None else ""
            lines.append(f"  calibration: expected calibration error {cal['ece']:.3f}{brier}")
    if "summary_agreement" in report:
        lines += ["", "summary from predicted vs gold labels (per level x role cell; evidence precision/recall):"]
        lines.append(f"  {'level':<16}{'role':<16}{'gold':>6}{'pred':>6}{'precision':>11}{'recall':>8}")
        for level, by_role in report["summary_agreement"]["cells"].items():
            for role, c in by_role.items():
                if c["gold_count"] or c["predicted_count"]:
                    fmt = lambda v: f"{v:.3f}" if v is not None else "-"
                    lines.append(f"  {level:<16}{role:<16}{c['gold_count']:>6}{c['predicted_count']:>6}{fmt(c['precision']):>11}{fmt(c['recall']):>8}")
    if "timing" in report:
        t = report["timing"]
        lines += ["", f"timing: fitting {t['fit_seconds']:.1f} s per fold; predicting {t['predict_sentences_per_second']} sentences/s"]
    if "segmentation" in report:
        seg = report["segmentation"]
        lines += ["", f"segmentation: boundary precision {seg['precision']:.3f}  recall {seg['recall']:.3f}  F1 {seg['f1']:.3f}  ({seg['boundaries']} gold boundaries inside paragraphs)"]
    return "\n".join(lines) + "\n"


def compare(gold: pd.DataFrame, classifiers: list[str], folds: int | str = "documents") -> dict:
    """Cross-validate each classifier on the same folds; one row per classifier plus the full reports."""
    from .classify import make_estimator

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


def compare_markdown(result: dict) -> str:
    """The comparison as one Markdown table."""
    axes = [k[: -len("_macro_f1")] for k in result["rows"][0] if k.endswith("_macro_f1")]
    head = ["classifier"] + [f"{a} macro-F1 (95% CI)" for a in axes] + [f"{a} accuracy" for a in axes] + [f"{a} ECE" for a in axes]
    head += ["fit s/fold", "predict sent/s"]
    lines = [
        f"Cross-validation: {result['folds']}, {result['sentences']} sentences; intervals from {result['bootstrap']}.",
        "",
        "| " + " | ".join(head) + " |",
        "|" + "---|" * len(head),
    ]
    for row in result["rows"]:
        cells = [row["classifier"]]
        cells += [f"{row[f'{a}_macro_f1']:.3f} {_ci(row[f'{a}_macro_f1_ci'])}" for a in axes]
        cells += [f"{row[f'{a}_accuracy']:.3f}" for a in axes]
        cells += [f"{row[f'{a}_ece']:.3f}" if row[f"{a}_ece"] is not None else "-" for a in axes]
        cells += [f"{row['fit_seconds']:.2f}", f"{row['predict_sentences_per_second']:,.0f}" if row["predict_sentences_per_second"] else "-"]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def write_comparison(result: dict, prefix: str | Path) -> list[Path]:
    """Write PREFIX.md (the table) and PREFIX.json (everything)."""
    from .pipeline import write_atomic

    md, js = Path(f"{prefix}.md"), Path(f"{prefix}.json")
    write_atomic(md, compare_markdown(result))
    write_json(result, js)
    return [md, js]


def write_plots(report: dict, folder: str | Path) -> list[Path]:
    """PNG figures: a confusion matrix and a reliability diagram per axis. Returns the files written."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    title = report.get("source", {}).get("classifier") or report.get("source", {}).get("model") or "predictions"
    for axis, result in report["axes"].items():
        names = result["confusion"]["labels"]
        matrix = np.array(result["confusion"]["matrix"])
        fig, ax = plt.subplots(figsize=(5.5, 4.5))
        ax.imshow(matrix, cmap="Blues")
        ax.set_xticks(range(len(names)), names, rotation=30, ha="right")
        ax.set_yticks(range(len(names)), names)
        for i in range(len(names)):
            for j in range(len(names)):
                color = "white" if matrix[i, j] > matrix.max() / 2 else "black"
                ax.text(j, i, str(matrix[i, j]), ha="center", va="center", color=color)
        ax.set_xlabel("predicted")
        ax.set_ylabel("gold")
        ax.set_title(f"{title}: {axis} (macro-F1 {result['macro_f1']:.2f})")
        written.append(_save(fig, folder / f"confusion-{axis}.png"))
        cal = report.get("calibration", {}).get(axis)
        if cal:
            fig, ax = plt.subplots(figsize=(4.5, 4.5))
            ax.plot([0, 1], [0, 1], linestyle="--", color="grey", label="perfect calibration")
            ax.plot([b["confidence"] for b in cal["reliability"]], [b["accuracy"] for b in cal["reliability"]], marker="o", label=title)
            ax.set_xlim(0, 1)
            ax.set_ylim(0, 1)
            ax.set_xlabel("confidence")
            ax.set_ylabel("accuracy")
            ax.set_title(f"{axis}: ECE {cal['ece']:.3f}" + (f", Brier {cal['brier']:.3f}" if cal["brier"] is not None else ""))
            ax.legend(loc="upper left")
            written.append(_save(fig, folder / f"reliability-{axis}.png"))
    return written


def _save(fig, path: Path) -> Path:
    import matplotlib.pyplot as plt

    tmp = path.with_name(path.name + ".tmp.png")
    fig.tight_layout()
    fig.savefig(tmp, dpi=100)
    plt.close(fig)
    tmp.replace(path)
    return path


def write_json(report: dict, path: str | Path) -> None:
    from .files import write_atomic

    write_atomic(Path(path), json.dumps(report, indent=2) + "\n")
