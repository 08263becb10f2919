"""spaCy's DocBin of labelled sentences, for ``spacy train`` and the ``spacy-textcat`` classifier.

Both axes share ``doc.cats``, so labels are namespaced by their axis: ``role:benefit``,
``level:none`` (``cat_key``); doccano and Prodigy name labels the same way.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import pandas as pd

from ..scheme import Scheme, load_scheme

if TYPE_CHECKING:
    from spacy.tokens import DocBin

__all__ = ["DOC_META", "cat_key", "namespaced_labels", "plain", "to_docbin"]

# Row fields carried along with the text into a Doc's user_data.
DOC_META = ("doc_id", "sent_id", "section", "position", "start", "end", "exclude", "note", "annotator")


def cat_key(axis: str, label: str) -> str:
    """A label namespaced by its axis, as in ``role:benefit``: the key of ``doc.cats`` and the
    label name in doccano and Prodigy."""
    return f"{axis}:{label}"


def namespaced_labels(scheme: Scheme | None = None) -> list[str]:
    """Every label of every axis, namespaced, in scheme order."""
    scheme = scheme or load_scheme()
    return [cat_key(axis.name, label) for axis in scheme.axes for label in axis.names]


def to_docbin(rows: pd.DataFrame, scheme: Scheme | None = None, nlp=None, axes: list[str] | None = None) -> DocBin:
    """One spaCy Doc per row (sentence), for ``spacy train`` and spaCy's other tools.

    ``doc.cats`` is one-hot on every axis of the scheme (or only ``axes``), with keys
    ``axis:label`` (``role:benefit``, ``level:none``): 1.0 for the row's label and 0.0 for the
    axis's other labels, so each axis is exclusive and a Doc has one positive cat per axis
    (train it with ``textcat_multilabel``, or one exclusive ``textcat`` per axis from a
    DocBin of that axis alone). A row without a label on an axis gets no cats for it.
    ``doc.user_data`` holds the row's ``doc_id``, ``sent_id``, ``section``, ``position``,
    ``start``, ``end``, ``exclude``, ``note``, ``annotator`` and ``<axis>_confidence`` where
    present. Tokens come from ``nlp``'s tokenizer (default: blank English).
    """
    import spacy
    from spacy.tokens import DocBin

    scheme = scheme or load_scheme()
    nlp = nlp or spacy.blank("en")
    chosen = [scheme.axis(name) for name in (axes if axes is not None else scheme.axis_names)]
    meta = [c for c in (*DOC_META, *(f"{a}_confidence" for a in scheme.axis_names)) if c in rows.columns]
    docbin = DocBin(store_user_data=bool(meta))
    for record in rows.to_dict("records"):
        doc = nlp.make_doc(str(record["text"]))
        for axis in chosen:
            value = plain(record.get(axis.name))
            if value in (None, ""):
                continue
            if value not in axis.names:
                raise ValueError(f"unknown {axis.name} label '{value}'; use one of {', '.join(axis.names)}")
            for label in axis.names:
                doc.cats[cat_key(axis.name, label)] = 1.0 if label == value else 0.0
        for column in meta:
            doc.user_data[column] = plain(record[column])
        docbin.add(doc)
    return docbin


def plain(value):
    """A JSON- and msgpack-friendly Python scalar: numpy and pandas scalars become int, float, bool or
    str; NaN becomes None."""
    if value is None:
        return None
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value
