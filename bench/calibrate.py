"""Temperature scaling of a classifier's confidences, from its out-of-fold probabilities.

Reads bench/out-of-fold/NAME.K-fold.jsonl (written by `bench/finetune.py cv NAME`): per axis,
the temperature T that minimises the negative log-likelihood of the gold labels under
softmax(logits / T), which is the probabilities raised to 1/T and renormalised. Reports the
expected calibration error (argmine.evaluation.metrics.calibration) before and after, the
"after" cross-fitted: T fitted on one half of the documents and applied to the other, both ways,
so that it is not scored on the rows it was fitted on. Writes bench/calibration.json.

Run from the repository root: .venv/bin/python bench/calibrate.py "finetuned-minilm" --folds 2
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import pandas as pd

from argmine.evaluation.metrics import calibration
from argmine.scheme import load_scheme

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "calibration.json"
TEMPERATURES = np.round(np.arange(0.5, 4.001, 0.05), 2)


def scaled(proba: np.ndarray, temperature: float) -> np.ndarray:
    """softmax(logits / T) from softmax(logits)."""
    powered = np.power(np.clip(proba, 1e-12, 1.0), 1.0 / temperature)
    return powered / powered.sum(axis=1, keepdims=True)


def best_temperature(proba: np.ndarray, truth: np.ndarray) -> float:
    """The temperature of least negative log-likelihood on the grid TEMPERATURES."""
    rows = np.arange(len(truth))
    losses = [-np.log(scaled(proba, t)[rows, truth] + 1e-12).mean() for t in TEMPERATURES]
    return float(TEMPERATURES[int(np.argmin(losses))])


def predicted_frame(rows: pd.DataFrame, probas: dict[str, np.ndarray]) -> pd.DataFrame:
    """Labels, confidences and probabilities per axis, as argmine's evaluation reads them."""
    scheme = load_scheme()
    frame = {}
    for axis, proba in probas.items():
        names = scheme.axis(axis).names
        frame[axis] = [names[j] for j in proba.argmax(axis=1)]
        frame[f"{axis}_confidence"] = proba.max(axis=1)
        frame[f"{axis}_proba"] = [dict(zip(names, p)) for p in proba]
    return pd.DataFrame(frame, index=rows.index)


def study(name: str, folds: int) -> dict:
    rows = pd.read_json(ROOT / "bench" / "out-of-fold" / f"{name.replace(' ', '_')}.{folds}-fold.jsonl", lines=True)
    scheme = load_scheme()
    documents = np.array(sorted(rows["doc_id"].unique()))
    half = np.random.default_rng(0).permutation(len(documents)) < len(documents) // 2
    halves = [rows["doc_id"].isin(documents[half]).to_numpy(), rows["doc_id"].isin(documents[~half]).to_numpy()]
    before, after, temperature = {}, {}, {}
    for axis in scheme.axis_names:
        names = scheme.axis(axis).names
        proba = np.array([[p[n] for n in names] for p in rows[f"{axis}_proba"]])
        truth = np.array([names.index(label) for label in rows[axis]])
        before[axis] = proba
        temperature[axis] = best_temperature(proba, truth)
        crossed = np.zeros_like(proba)
        for fit_on, apply_to in (halves, halves[::-1]):
            crossed[apply_to] = scaled(proba[apply_to], best_temperature(proba[fit_on], truth[fit_on]))
        after[axis] = crossed
    ece_before = {a: c["ece"] for a, c in calibration(rows, predicted_frame(rows, before)).items()}
    ece_after = {a: c["ece"] for a, c in calibration(rows, predicted_frame(rows, after)).items()}
    return {
        "source": f"bench/out-of-fold/{name.replace(' ', '_')}.{folds}-fold.jsonl",
        "sentences": len(rows),
        "temperature": temperature,
        "ece_before": ece_before,
        "ece_after_cross_fitted": ece_after,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("name")
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args()
    result = study(args.name, args.folds)
    data = json.loads(OUT.read_text()) if OUT.exists() else {}
    data[f"{args.name} {args.folds}-fold"] = result
    OUT.write_text(json.dumps(data, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
