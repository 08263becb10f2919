"""A document's structured argument map: a table of the scheme's two summary axes (rows: level,
columns: role, as ``[summary]`` in labels.toml says), each cell with its count and evidence."""

from __future__ import annotations

from . import config
from .scheme import Scheme, load_scheme
from .types import SCHEMA_VERSION, Document, Sentence

__all__ = ["evidence_key", "strength", "summarize"]


def summarize(
    document: Document, sentences: list[Sentence], scheme: Scheme | None = None, per_cell: int | None = None
) -> dict:
    """Counts and evidence per (row, column) cell; plus title, byline, sections, totals per axis.

    A cell's count is all its sentences; its evidence the ``per_cell`` strongest of them (default:
    ``evidence_per_cell`` in config/run.toml), strongest first, each text once (a sentence the
    document repeats is cited at its strongest). Strength is the product of the sentence's
    confidences on the two summary axes.
    """
    scheme = scheme or load_scheme()
    per_cell = config.settings("run")["evidence_per_cell"] if per_cell is None else per_cell
    rows, columns = scheme.rows, scheme.columns
    cells = {r: {c: [] for c in columns.names} for r in rows.names}
    for s in sentences:
        cells[s.labels[rows.name]][s.labels[columns.name]].append(s)
    out_cells = {}
    for r, by_column in cells.items():
        out_cells[r] = {}
        for c, members in by_column.items():
            members.sort(key=lambda s: (-strength(s, scheme), s.sent_id))
            strongest: dict[str, Sentence] = {}
            for s in members:
                if len(strongest) == per_cell:
                    break
                strongest.setdefault(evidence_key(s.text), s)
            out_cells[r][c] = {
                "count": len(members),
                "evidence": [
                    {
                        "sent_id": s.sent_id,
                        "section": s.section,
                        "text": s.text,
                        "confidence": round(strength(s, scheme), 4),
                        **{f"{axis}_confidence": round(s.confidences[axis], 4) for axis in (columns.name, rows.name)},
                    }
                    for s in strongest.values()
                ],
            }
    return {
        "schema_version": SCHEMA_VERSION,
        "doc_id": document.doc_id,
        "path": document.path,
        "title": document.title,
        "byline": document.byline,
        "sections": document.sections,
        "warnings": document.warnings,
        "dropped": document.dropped,
        "totals": {
            "sentences": len(sentences),
            **{
                axis.name: {n: sum(1 for s in sentences if s.labels[axis.name] == n) for n in axis.names}
                for axis in (columns, rows)
            },
        },
        "per_cell": per_cell,
        "cells": out_cells,
    }


def strength(s: Sentence, scheme: Scheme | None = None) -> float:
    """How strongly a sentence is evidence for its cell: the product of its two summary confidences."""
    scheme = scheme or load_scheme()
    return s.confidences[scheme.columns.name] * s.confidences[scheme.rows.name]


def evidence_key(text: str) -> str:
    """What makes two evidence sentences the same: their text, whatever its case and spacing."""
    return " ".join(text.split()).casefold()
