"""Compare settings of the spacy-textcat classifier under leave-one-document-out (see docs/textcat.md).

Each variant is argmine.classifiers.textcat.SpacyTextcat with some settings changed: the architecture
(bag of words, ensemble with a small CNN tok2vec, CNN alone), whether the section heading is
put before the sentence, whether a dev split is held out for choosing the checkpoint, and
two tweaks tried only here (lower-cased input, labels balanced by oversampling).
Every variant is cross-validated with argmine.evaluation.cross_validate, leaving one gold
document out at a time, exactly as `argmine compare` does.

Run from the repository root: .venv/bin/python bench/textcat.py [VARIANT ...]
Writes bench/textcat.json (variants named on the command line replace their earlier rows).
`.venv/bin/python bench/textcat.py --speed` adds the default's and the bag of words'
training and prediction costs in CPU time.
"""

from __future__ import annotations

import json
import platform
import sys
import time
from functools import partial
from pathlib import Path

import numpy as np
import spacy

from argmine.classifiers import features, register
from argmine.classifiers.textcat import ARCHITECTURES, SpacyTextcat
from argmine.evaluation import cross_validate
from argmine.gold import load_gold

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "textcat.json"

VARIANTS = {
    "bow+heading": {"architecture": "bow", "section": True},
    "bow": {"architecture": "bow", "section": False},
    "bow+heading, no dev split": {"architecture": "bow", "section": True, "dev_fraction": 0.0},
    "bow, lower-cased": {"architecture": "bow", "lowercase": True},
    "bow, balanced": {"architecture": "bow", "balance": True},
    "bow, lower-cased, balanced": {"architecture": "bow", "lowercase": True, "balance": True},
    "bow unigrams, lower-cased": {"architecture": "bow1", "lowercase": True},
    "bow unigrams, lower-cased, balanced": {"architecture": "bow1", "lowercase": True, "balance": True},
    "ensemble+heading": {"architecture": "ensemble", "section": True},
    "ensemble": {"architecture": "ensemble", "section": False},
    "cnn+heading": {"architecture": "cnn", "section": True},
    "cnn": {"architecture": "cnn", "section": False},
    "cnn, balanced": {"architecture": "cnn", "balance": True},
    "cnn, no dev split": {"architecture": "cnn", "dev_fraction": 0.0},
}
# Tried here only: bag of unigrams instead of words and bigrams.
ARCHITECTURES["bow1"] = ARCHITECTURES["bow"].replace("ngram_size = 2", "ngram_size = 1")


class Variant(SpacyTextcat):
    """SpacyTextcat with two tweaks tried here only: lower-cased input (the bag of words reads
    the exact word form) and labels balanced by repeating rows of the rarer labels."""

    def __init__(
        self,
        axis="role",
        architecture="cnn",
        section=False,
        max_steps=None,
        patience=None,
        dev_fraction=0.2,
        seed=0,
        scheme_path=None,
        lowercase=False,
        balance=False,
    ):
        super().__init__(axis, architecture, section, max_steps, patience, dev_fraction, seed, scheme_path)
        self.lowercase = lowercase
        self.balance = balance

    def _inputs(self, X):
        texts = super()._inputs(X)
        return [t.lower() for t in texts] if self.lowercase else texts

    def fit(self, X, y):
        if self.balance:
            X, y = features(X).reset_index(drop=True), np.asarray(y, dtype=object)
            rng = np.random.default_rng(self.seed)
            labels, counts = np.unique(y, return_counts=True)
            extra = [rng.choice(np.flatnonzero(y == label), counts.max() - n) for label, n in zip(labels, counts)]
            rows = np.sort(np.concatenate([np.arange(len(y)), *extra]))
            X, y = X.iloc[rows].reset_index(drop=True), y[rows]
        return super().fit(X, y)


def main(names: list[str]) -> None:
    gold = load_gold(ROOT / "corpus" / "gold")
    previous = json.loads(OUT.read_text()) if OUT.exists() else {}
    results = previous.get("results", {})
    for name in names or list(VARIANTS):
        register(name, help=f"spacy-textcat variant {name}")(
            partial(lambda axis, settings: Variant(axis=axis, **settings), settings=VARIANTS[name])
        )
        started, cpu = time.perf_counter(), time.process_time()
        report = cross_validate(gold, name, "documents")
        row = {
            "settings": VARIANTS[name],
            "folds": report["folds"],
            "seconds": round(time.perf_counter() - started, 1),
            "cpu_seconds": round(
                time.process_time() - cpu, 1
            ),  # the machine may be shared: CPU time is the fairer figure
            **report["timing"],
        }
        for axis, result in report["axes"].items():
            row[f"{axis}_macro_f1"] = result["macro_f1"]
            row[f"{axis}_macro_f1_ci"] = result["macro_f1_ci"]
            row[f"{axis}_accuracy"] = result["accuracy"]
        results[name] = row
        print(name, {k: v for k, v in row.items() if k.endswith(("macro_f1", "accuracy", "seconds"))}, flush=True)
    out = {
        "date": time.strftime("%Y-%m-%d"),
        "machine": {"python": platform.python_version(), "spacy": spacy.__version__},
        "sentences": int((~gold["exclude"]).sum()),
        "documents": int(gold["doc_id"].nunique()),
        "results": results,
        **({"speed": previous["speed"]} if "speed" in previous else {}),
    }
    OUT.write_text(json.dumps(out, indent=2) + "\n")


def speed() -> dict:
    """CPU seconds to fit one axis on the gold's 431 sentences and on 1,000 (the gold repeated),
    to rebuild the pipeline from its bytes, and sentences per CPU second when predicting."""
    import pandas as pd

    gold = load_gold(ROOT / "corpus" / "gold")
    gold = gold[~gold["exclude"]].reset_index(drop=True)
    sizes = {"431": gold, "1000": pd.concat([gold, gold, gold.head(1000 - 2 * len(gold))], ignore_index=True)}
    many = features(pd.concat([gold] * 10, ignore_index=True))
    out = {}
    for architecture in ("cnn", "bow"):
        row = {}
        for size, rows in sizes.items():
            for axis in ("role", "level"):
                cpu = time.process_time()
                model = SpacyTextcat(axis=axis, architecture=architecture).fit(features(rows), rows[axis].to_numpy())
                row[f"fit_{axis}_{size}_cpu_seconds"] = round(time.process_time() - cpu, 1)
        cpu = time.process_time()
        model._pipeline()
        row["rebuild_cpu_seconds"] = round(time.process_time() - cpu, 2)
        cpu = time.process_time()
        model.predict_proba(many)
        row["predict_sentences_per_cpu_second"] = round(len(many) / (time.process_time() - cpu))
        row["pipeline_bytes"] = len(model.pipeline_)
        out[architecture] = row
        print(architecture, row, flush=True)
    return out


if __name__ == "__main__":
    if sys.argv[1:] == ["--speed"]:
        data = json.loads(OUT.read_text())
        data["speed"] = speed()
        OUT.write_text(json.dumps(data, indent=2) + "\n")
    else:
        main(sys.argv[1:])
