"""Which embedding features help under leave-one-document-out? (quality only; see README)

Cross-validates variants of the embedding classifiers, leaving one gold document out at
a time, exactly as `argmine compare` does, and records each axis's macro-F1 with its 95%
bootstrap interval (over documents). Variants: the encoder (all-MiniLM-L6-v2, its static
distillation), the section heading (embedded and appended, or as a prefix of the text),
the neighbouring sentences (their mean embedding appended, or averaged into the sentence's),
the rule cue scores (same axis or both axes), the heading's words (TF-IDF or one-hot),
feature scaling and the regression's C.

Each text is embedded once per encoder for the whole run (a cache that `argmine compare`
does not have), so this script says nothing about speed: `argmine compare` measures it.

Run from the repository root, with the extra `embed` installed:
    .venv/bin/python bench/embeddings.py [--only static] [--static-dir DIR ...]
Writes bench/embeddings.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

import numpy as np
from sklearn.compose import ColumnTransformer
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from argmine.classifiers import embedding as embed
from argmine.classifiers import register
from argmine.classifiers.linear import CalibratedLogisticRegression
from argmine.classifiers.rules import RuleScores
from argmine.evaluation import cross_validate
from argmine.gold import load_gold

ROOT = Path(__file__).resolve().parent.parent
COLUMNS = ["text", "section", "position"]


class PrefixEmbedder(embed.SentenceEmbedder):
    """The heading as a prefix of the sentence ("Heading: sentence"), embedded together."""

    def transform(self, X):
        X = X.copy()
        X["text"] = X["section"].astype(str) + ": " + X["text"].astype(str)
        return super().transform(X)


class AveragedContext(embed.SentenceEmbedder):
    """The neighbours' mean averaged into the sentence's embedding (same width)."""

    def transform(self, X):
        vectors = super().transform(X)
        d = vectors.shape[1] // 2
        return (vectors[:, :d] + vectors[:, d:]) / 2


def variants(encoder: str, prior: str) -> dict:
    E = lambda **kw: embed.SentenceEmbedder(model=encoder, **kw)  # noqa: E731

    def pipe(features, C=4.0, scale=False):
        steps = [("features", features)]
        if scale:
            steps.append(("scale", StandardScaler()))
        return Pipeline(steps + [("classifier", CalibratedLogisticRegression(C=C, prior=prior))])

    def union(*parts):
        return ColumnTransformer(list(parts))

    rules = lambda axis: ("rules", RuleScores(axes=[axis]), COLUMNS)  # noqa: E731
    rules_all = ("rules", RuleScores(), COLUMNS)
    head_tfidf = ("heading", TfidfVectorizer(), "section")
    head_onehot = ("heading", OneHotEncoder(handle_unknown="ignore"), ["section"])
    position = ("position", "passthrough", ["position"])
    emb = lambda **kw: ("embedding", E(**kw), COLUMNS)  # noqa: E731
    return {
        "text": lambda axis: pipe(E()),
        "text C=1": lambda axis: pipe(E(), C=1.0),
        "text C=16": lambda axis: pipe(E(), C=16.0),
        "text scaled": lambda axis: pipe(E(), scale=True),
        "text+heading embedding": lambda axis: pipe(E(heading=True)),
        "heading prefix": lambda axis: pipe(PrefixEmbedder(model=encoder)),
        "text+heading tfidf": lambda axis: pipe(union(emb(), head_tfidf)),
        "text+context (appended)": lambda axis: pipe(E(context=True)),
        "text+context (averaged in)": lambda axis: pipe(AveragedContext(model=encoder, context=True)),
        "text+position": lambda axis: pipe(union(emb(), position)),
        "text+rules": lambda axis: pipe(union(emb(), rules(axis))),
        "text+rules of both axes": lambda axis: pipe(union(emb(), rules_all)),
        "text+rules scaled": lambda axis: pipe(union(emb(), rules(axis)), scale=True),
        "text+rules C=1": lambda axis: pipe(union(emb(), rules(axis)), C=1.0),
        "text+rules+heading one-hot": lambda axis: pipe(union(emb(), rules(axis), head_onehot)),
        "text+rules+heading tfidf": lambda axis: pipe(union(emb(), rules(axis), head_tfidf)),
        "text+rules+heading embedding": lambda axis: pipe(union(emb(heading=True), rules(axis))),
        "text+rules+position": lambda axis: pipe(union(emb(), rules(axis), position)),
        "text+rules+context (appended)": lambda axis: pipe(union(emb(context=True), rules(axis))),
        "text+rules+context (averaged in)": lambda axis: pipe(
            union(("embedding", AveragedContext(model=encoder, context=True), COLUMNS), rules(axis))
        ),
        "text+rules+context+heading one-hot": lambda axis: pipe(union(emb(context=True), rules(axis), head_onehot)),
    }


def cache_encoder(name: str) -> None:
    """Embed each distinct text once for the whole run."""
    encoder = embed.encoder(name)
    inner, memo = encoder._encode, {}

    def encode(texts, batch_size):
        missing = sorted({t for t in texts if t not in memo})
        if missing:
            memo.update(zip(missing, np.asarray(inner(missing, batch_size), dtype=np.float32)))
        return np.stack([memo[t] for t in texts])

    encoder._encode = encode


def add_static(folder: Path) -> str:
    """Register a static model from another folder (e.g. another PCA width) as an encoder."""
    from model2vec import StaticModel

    model = StaticModel.from_pretrained(folder, normalize=True)
    name = f"static:{folder.name}"
    embed._ENCODERS[name] = embed.Encoder(
        name, lambda texts, bs: model.encode(texts, use_multiprocessing=False), int(model.dim)
    )
    return name


def run(gold, name: str, factory) -> dict:
    register(name, help=f"bench variant {name}")(factory)
    started = time.perf_counter()
    report = cross_validate(gold, name, "documents")
    row = {
        axis: {"macro_f1": r["macro_f1"], "macro_f1_ci": r["macro_f1_ci"], "accuracy": r["accuracy"]}
        for axis, r in report["axes"].items()
    }
    print(
        f"{name:<70} role {row['role']['macro_f1']:.3f} {row['role']['macro_f1_ci']}  "
        f"level {row['level']['macro_f1']:.3f} {row['level']['macro_f1_ci']}  ({time.perf_counter() - started:.0f} s)",
        flush=True,
    )
    return row


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", choices=["static", "transformer"], help="one encoder only")
    parser.add_argument("--static-dir", type=Path, action="append", default=[], help="also try the static model in DIR")
    parser.add_argument("--variants", help="comma-separated variant names (default: all)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "embeddings.json")
    args = parser.parse_args()

    gold = load_gold(ROOT / "corpus" / "gold")
    encoders = [] if args.only == "static" else [embed.TRANSFORMER]
    encoders += [] if args.only == "transformer" else [embed.STATIC]
    encoders += [add_static(d) for d in args.static_dir]
    results = json.loads(args.out.read_text()) if args.out.exists() else {}
    results.setdefault("results", {})
    wanted = set(args.variants.split(",")) if args.variants else None
    for encoder in encoders:
        cache_encoder(encoder)
        for prior in ("empirical", "balanced"):
            for variant, factory in variants(encoder, prior).items():
                if wanted is None or variant in wanted:
                    name = f"{encoder} | {variant} | prior {prior}"
                    results["results"][name] = run(gold, name, factory)
                    args.out.write_text(json.dumps(results, indent=2) + "\n")  # keep what is done
    results.update(
        {"date": time.strftime("%Y-%m-%d"), "folds": "leave-one-document-out", "python": platform.python_version()}
    )
    args.out.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
