"""A document's output files in a run's folder: written atomically, the summary JSON last, so that
its presence with matching hashes marks the document complete."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from ..files import write_atomic
from ..render.html import to_html
from ..render.markdown import summary_markdown
from ..types import SCHEMA_VERSION, Result

__all__ = ["complete", "finished_summary", "iter_sentences", "write_outputs"]


def complete(out: Path, doc_id: str) -> dict | None:
    """The summary of a document whose outputs are all in ``out``, else None.

    The summary JSON is written last, so its presence means the other outputs were written whole
    before it.
    """
    try:
        summary = json.loads((out / f"{doc_id}.summary.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(summary, dict) or summary.get("doc_id") != doc_id:
        return None
    if not all((out / f"{doc_id}{suffix}").is_file() for suffix in (".sentences.jsonl", ".summary.md", ".html")):
        return None
    return summary


def finished_summary(
    out: Path, doc_id: str, input_sha256: str, model_sha256: str, explained: bool = False
) -> dict | None:
    """The summary of a document whose outputs are complete for this input content, model and
    ``explained`` setting, else None (which file the doc_id belongs to is ``folder``'s record)."""
    summary = complete(out, doc_id)
    if summary is None or (
        summary.get("input_sha256"),
        summary.get("model_sha256"),
        summary.get("explained", False),
    ) != (input_sha256, model_sha256, explained):
        return None
    return summary


def write_outputs(result: Result, out: Path, provenance: dict | None = None) -> None:
    """The document's sentences (JSONL), summary (Markdown) and summary (JSON, last), each atomically.

    ``provenance`` (input and model hashes) is recorded in the summary JSON after ``path``.
    """
    doc_id = result.document.doc_id
    lines = [
        json.dumps({"schema_version": SCHEMA_VERSION, **s.record()}, ensure_ascii=False) + "\n"
        for s in result.sentences
    ]
    write_atomic(out / f"{doc_id}.sentences.jsonl", "".join(lines))
    write_atomic(out / f"{doc_id}.summary.md", summary_markdown(result.summary))
    write_atomic(out / f"{doc_id}.html", to_html(result))
    summary = {}
    for key, value in result.summary.items():
        summary[key] = value
        if key == "path":
            summary.update(provenance or {})
    write_atomic(out / f"{doc_id}.summary.json", json.dumps(summary, indent=2, ensure_ascii=False) + "\n")


def iter_sentences(out: Path, doc_id: str) -> Iterator[dict]:
    """The sentence records of one document's JSONL output, read line by line."""
    with open(out / f"{doc_id}.sentences.jsonl", encoding="utf-8") as f:
        for line in f:
            yield json.loads(line)
