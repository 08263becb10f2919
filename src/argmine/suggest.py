"""What to label next: the sentences whose predictions are least certain (uncertainty sampling).

Per axis, a sentence's uncertainty is the margin between its two most probable labels
(small: uncertain) or the entropy of its label probabilities divided by its maximum,
log(number of labels), so axes with different label counts compare (large: uncertain).
Over several axes a sentence counts by its least certain axis: the smallest margin, the
largest entropy.
"""

from __future__ import annotations

import math
from pathlib import Path

from .errors import ArgmineError, InputError, ModelError
from .model import Model

BY = ("margin", "entropy")


def margin(proba: dict[str, float]) -> float:
    """The top probability minus the second (1.0 with a single label)."""
    top = sorted(proba.values(), reverse=True)
    return top[0] - (top[1] if len(top) > 1 else 0.0)


def entropy(proba: dict[str, float]) -> float:
    """Shannon entropy of the probabilities over log(number of labels): 0 certain, 1 uniform."""
    if len(proba) < 2:
        return 0.0
    return -sum(p * math.log(p) for p in proba.values() if p > 0) / math.log(len(proba))


def suggest(paths: list[str | Path], model: Model, n: int = 50, by: str = "margin", axis: str | None = None) -> dict:
    """Label every sentence of the documents under ``paths`` and return the ``n`` least certain.

    Returns ``{"by", "axis", "sentences": [record, ...], "pool": sentences seen, "documents": n,
    "failed": [{"path", "error"}]}``. Each record is a sentence record (as in
    ``<doc_id>.sentences.jsonl``, so ``argmine export --pred`` takes the list) plus
    ``uncertainty``: ``{"by", "score", "axis"}`` and the score per axis.
    """
    from .ingest import ingest
    from .run.pipeline import collect, unique_ids
    from .segment import segment
    from .types import SCHEMA_VERSION

    if by not in BY:
        raise ValueError(f"unknown uncertainty measure '{by}'; use one of {', '.join(BY)}")
    axes = list(model.estimators)
    if axis is not None and axis not in axes:
        raise ModelError(f"the model has no axis '{axis}'; use one of {', '.join(axes)}")
    chosen = [axis] if axis else axes
    measure = margin if by == "margin" else entropy
    pool, failed, documents = [], [], 0
    files = collect(paths)
    for path, doc_id in zip(files, unique_ids(files)):
        try:
            sentences = segment(ingest(path, doc_id))
        except ArgmineError as exc:
            failed.append({"path": str(path), "error": str(exc)})
            continue
        documents += 1
        if not sentences:
            continue
        predicted = model.predict(sentences)
        for i, sentence in enumerate(sentences):
            for name in axes:
                sentence.labels[name] = str(predicted[name].iloc[i])
                sentence.confidences[name] = float(predicted[f"{name}_confidence"].iloc[i])
            scores = {name: measure(predicted[f"{name}_proba"].iloc[i]) for name in chosen}
            worst = (min if by == "margin" else max)(scores, key=scores.get)
            record = {"schema_version": SCHEMA_VERSION, **sentence.record()}
            record["uncertainty"] = {
                "by": by,
                "score": round(scores[worst], 4),
                "axis": worst,
                **{k: round(v, 4) for k, v in scores.items()},
            }
            pool.append(record)
    if not files:
        raise InputError("no .txt, .md, .html, .htm, .pdf or .docx documents found in the given paths")
    sign = 1 if by == "margin" else -1
    ranked = sorted(pool, key=lambda r: sign * r["uncertainty"]["score"])  # stable: document order breaks ties
    return {
        "by": by,
        "axis": axis or "all",
        "sentences": ranked[:n],
        "pool": len(pool),
        "documents": documents,
        "failed": failed,
    }


def format_table(result: dict, width: int = 72) -> str:
    """The suggestions as a fixed-width table, least certain first."""
    rows = result["sentences"]
    if not rows:
        return "no sentences to suggest\n"
    cells = []
    for rank, r in enumerate(rows, 1):
        labels = ", ".join(f"{k} {r[k]} ({r[f'{k}_confidence']:.2f})" for k in r if f"{k}_confidence" in r)
        text = r["text"] if len(r["text"]) <= width else r["text"][: width - 3] + "..."
        u = r["uncertainty"]
        cells.append((str(rank), f"{r['doc_id']}:{r['sent_id']}", u["axis"], f"{u['score']:.4f}", labels, text))
    head = ("#", "sentence", "axis", result["by"], "labels (confidence)", "text")
    widths = [max(len(c[i]) for c in [head, *cells]) for i in range(len(head) - 1)]

    def line(c):
        return "  ".join(
            [
                c[0].rjust(widths[0]),
                *(x.ljust(w) for x, w in zip(c[1:3], widths[1:3])),
                c[3].rjust(widths[3]),
                c[4].ljust(widths[4]),
                c[5],
            ]
        )

    out = [line(head)]
    out.append("-" * len(out[0]))
    out.extend(line(c) for c in cells)
    return "\n".join(out) + "\n"


def write_jsonl(rows: list[dict], out: str | Path) -> Path:
    """The suggested sentences as JSON Lines, ready for ``argmine export --pred FILE``."""
    import json

    from .files import write_atomic

    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(out, "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
    return out
