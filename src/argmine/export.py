"""Labelled datasets out of argmine: flat tables, and spaCy DocBins."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .gold import load_gold
from .scheme import Scheme, load_scheme

if TYPE_CHECKING:
    from spacy.tokens import DocBin


def export_gold(gold: str | Path, fmt: str, out: str | Path, documents: str | Path | None = None) -> int:
    """Write the gold as csv, jsonl or parquet; returns the number of rows."""
    from .pipeline import write_atomic

    data = load_gold(gold, documents)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "csv":
        write_atomic(out, data.to_csv(index=False))
    elif fmt == "jsonl":
        write_atomic(out, data.to_json(orient="records", lines=True, force_ascii=False))
    elif fmt == "parquet":
        tmp = out.with_name(f".{out.name}.tmp")
        data.to_parquet(tmp, index=False)
        tmp.replace(out)
    else:
        raise ValueError(f"unknown format {fmt}")
    return len(data)


# Columns carried into each Doc's user_data by to_docbin, when the rows have them.
DOC_META = ("doc_id", "sent_id", "section", "position", "start", "end", "exclude", "note", "annotator")


def cat_key(axis: str, label: str) -> str:
    """The ``doc.cats`` key of a label: namespaced by its axis, as in ``role:benefit``."""
    return f"{axis}:{label}"


def to_docbin(rows: pd.DataFrame, scheme: Scheme | None = None, nlp=None, axes: list[str] | None = None) -> DocBin:
    """One spaCy Doc per row (sentence), for spaCy's training tools and for exchange.

    ``doc.cats`` is one-hot on every axis of the scheme (or only ``axes``), with keys
    ``axis:label`` (``role:benefit``, ``level:none``): 1.0 for the row's label and 0.0 for the
    axis's other labels. A row without a label on an axis (no column, or empty) gets no cats
    for it. ``doc.user_data`` holds the row's ``doc_id``, ``sent_id``, ``section``,
    ``position``, ``start``, ``end``, ``exclude``, ``note`` and ``annotator`` where present.
    Tokens come from ``nlp``'s tokenizer (default: blank English).
    """
    import spacy
    from spacy.tokens import DocBin

    scheme = scheme or load_scheme()
    nlp = nlp or spacy.blank("en")
    chosen = [scheme.axis(name) for name in (axes if axes is not None else scheme.axis_names)]
    meta = [column for column in DOC_META if column in rows.columns]
    docbin = DocBin(store_user_data=bool(meta))
    for record in rows.to_dict("records"):
        doc = nlp.make_doc(str(record["text"]))
        for axis in chosen:
            value = record.get(axis.name)
            if value is None or (isinstance(value, float) and np.isnan(value)) or value == "":
                continue
            if value not in axis.names:
                raise ValueError(f"unknown {axis.name} label '{value}'; use one of {', '.join(axis.names)}")
            for label in axis.names:
                doc.cats[cat_key(axis.name, label)] = 1.0 if label == value else 0.0
        for column in meta:
            doc.user_data[column] = _plain(record[column])
        docbin.add(doc)
    return docbin


def _plain(value):
    """A msgpack-friendly Python scalar (numpy and pandas scalars become int, float, bool or str; NaN None)."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, np.generic):
        return value.item()
    return value
