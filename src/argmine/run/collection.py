"""Combined outputs of an output folder: of every document whose outputs are there, from this run
or an earlier one, built by streaming the per-document outputs back in doc_id order.

- ``sentences.parquet`` and ``sentences.csv``: one row per sentence of every document, sorted
  by (doc_id, sent_id);
- ``collection.summary.json`` and ``collection.summary.md``: per document its level x role
  counts, and the strongest evidence across the collection per level x role cell.

Only one document's sentences are in memory at a time (plus one Parquet row group), and the
evidence kept per cell is bounded by ``per_cell`` (``evidence_per_cell`` in config/run.toml); a
sentence that several documents share (a boilerplate line) is cited once, at its strongest.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

from .. import config
from ..files import atomic, write_atomic
from ..render.markdown import collection_markdown
from ..scheme import Scheme, load_scheme
from ..summarize import evidence_key
from ..types import SCHEMA_VERSION
from .outputs import complete, iter_sentences

ROW_GROUP_ROWS = 8_192  # rows held in memory before they go to the Parquet file


def columns(scheme: Scheme | None = None) -> list[str]:
    """The combined table's columns: the sentence record's fields, one label and confidence per axis."""
    scheme = scheme or load_scheme()
    names = ["doc_id", "sent_id", "start", "end", "section", "page", "text"]
    for axis in scheme.axis_names:
        names += [axis, f"{axis}_confidence"]
    return names


def _arrow_schema(names: list[str]):
    import pyarrow as pa

    types = {"sent_id": pa.int64(), "start": pa.int64(), "end": pa.int64(), "page": pa.int64()}
    return pa.schema([(n, types.get(n, pa.float64() if n.endswith("_confidence") else pa.string())) for n in names])


def write_collection(
    out: str | Path, doc_ids: list[str], per_cell: int | None = None, scheme: Scheme | None = None
) -> dict:
    """Write the combined outputs for the documents of ``doc_ids`` whose outputs are complete in ``out``.

    Returns the collection summary (without the per-document list's sentences, which stay on disk).
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    out = Path(out)
    scheme = scheme or load_scheme()
    per_cell = config.settings("run")["evidence_per_cell"] if per_cell is None else per_cell
    role, level = scheme.columns, scheme.rows
    names = columns(scheme)
    schema = _arrow_schema(names)
    done = sorted(doc_id for doc_id in doc_ids if complete(out, doc_id) is not None)
    documents = []
    evidence: dict[tuple[str, str], list] = {(lv, r): [] for lv in level.names for r in role.names}
    totals = {lv: {r: 0 for r in role.names} for lv in level.names}
    sentences = 0
    with atomic(out / "sentences.parquet") as parquet_tmp, atomic(out / "sentences.csv") as csv_tmp:
        with (
            pq.ParquetWriter(parquet_tmp, schema) as parquet,
            open(csv_tmp, "w", encoding="utf-8", newline="") as csv_file,
        ):
            table = csv.writer(csv_file, lineterminator="\n")
            table.writerow(names)
            batch: dict[str, list] = {n: [] for n in names}
            for doc_id in done:
                for record in iter_sentences(out, doc_id):
                    row = [record.get(n) for n in names]
                    table.writerow(row)
                    for n, value in zip(names, row):
                        batch[n].append(value)
                    sentences += 1
                    if len(batch["doc_id"]) >= ROW_GROUP_ROWS:
                        parquet.write_table(pa.table(batch, schema=schema))
                        batch = {n: [] for n in names}
                summary = json.loads((out / f"{doc_id}.summary.json").read_text(encoding="utf-8"))
                counts = {lv: {r: summary["cells"][lv][r]["count"] for r in role.names} for lv in level.names}
                for lv in level.names:
                    for r in role.names:
                        totals[lv][r] += counts[lv][r]
                        strongest = [{"doc_id": doc_id, **e} for e in summary["cells"][lv][r]["evidence"][:per_cell]]
                        evidence[lv, r] = _strongest(evidence[lv, r] + strongest, per_cell)
                documents.append(
                    {
                        "doc_id": doc_id,
                        "path": summary["path"],
                        "title": summary["title"],
                        "sentences": summary["totals"]["sentences"],
                        "cells": counts,
                    }
                )
            if batch["doc_id"] or not sentences:
                parquet.write_table(pa.table(batch, schema=schema))
    collection = {
        "schema_version": SCHEMA_VERSION,
        "documents": documents,
        "totals": {"documents": len(documents), "sentences": sentences, "cells": totals},
        "per_cell": per_cell,
        "evidence": {lv: {r: evidence[lv, r] for r in role.names} for lv in level.names},
    }
    write_atomic(out / "collection.summary.json", json.dumps(collection, indent=2, ensure_ascii=False) + "\n")
    write_atomic(out / "collection.summary.md", collection_markdown(collection, scheme))
    return collection


def _strongest(evidence: list[dict], per_cell: int) -> list[dict]:
    """The ``per_cell`` strongest items, each text once (at its strongest)."""
    unique: dict[str, dict] = {}
    for e in sorted(evidence, key=_strength_order):
        unique.setdefault(evidence_key(e["text"]), e)
    return list(unique.values())[:per_cell]


def _strength_order(e: dict):
    return (-e["confidence"], e["doc_id"], e["sent_id"])
