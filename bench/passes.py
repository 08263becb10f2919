"""How well the gold's two independent annotation passes agree, in the classifiers' measure.

For every gold document, corpus/annotations/<doc>.A.jsonl and .B.jsonl hold the two passes
(each by a reader of the guidelines who saw neither the other pass nor a model's output).
Rows pair by sent_id; a row either pass excluded is left out. Macro-F1 of each pass scored
against the other, the two averaged, per axis: pooled over all documents, per split of
corpus/splits.tsv and per genre. What a careful reader reaches is the yardstick for the
classifiers' macro-F1 (``argmine agreement`` gives kappa per document).

Run from the repository root: .venv/bin/python bench/passes.py (writes bench/passes.json).
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
from sklearn.metrics import f1_score

from argmine.evaluation.agreement import read_annotations
from argmine.gold import load_splits

ROOT = Path(__file__).resolve().parent.parent
AXES = ("role", "level")


def rows() -> pd.DataFrame:
    splits = load_splits(ROOT / "corpus" / "gold").set_index("doc_id")
    found = []
    for a in sorted((ROOT / "corpus" / "annotations").glob("*.A.jsonl")):
        doc_id = a.name.removesuffix(".A.jsonl")
        first, second = (
            {r["sent_id"]: r for r in read_annotations(path)} for path in (a, a.with_name(f"{doc_id}.B.jsonl"))
        )
        for sent_id, one in first.items():
            other = second.get(sent_id)
            if other is None or one.get("exclude") or other.get("exclude"):
                continue
            found.append(
                {
                    "doc_id": doc_id,
                    **splits.loc[doc_id, ["split", "genre"]].to_dict(),
                    **{f"{axis}_a": one[axis] for axis in AXES},
                    **{f"{axis}_b": other[axis] for axis in AXES},
                }
            )
    return pd.DataFrame(found)


def agreement(part: pd.DataFrame) -> dict:
    scores = {"documents": int(part["doc_id"].nunique()), "sentences": len(part)}
    for axis in AXES:
        a, b = part[f"{axis}_a"], part[f"{axis}_b"]
        both = (f1_score(a, b, average="macro") + f1_score(b, a, average="macro")) / 2
        scores[f"{axis}_macro_f1"] = round(float(both), 3)
    return scores


def main() -> dict:
    table = rows()
    result = {
        "all": agreement(table),
        "splits": {name: agreement(part) for name, part in table.groupby("split")},
        "genres": {name: agreement(part) for name, part in table.groupby("genre")},
    }
    (ROOT / "bench" / "passes.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return result


if __name__ == "__main__":
    print(json.dumps(main(), indent=2))
