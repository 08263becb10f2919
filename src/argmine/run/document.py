"""One document through the stages: ingest -> segment -> label -> summarize."""

from __future__ import annotations

from pathlib import Path

from ..ingest import ingest, parse
from ..model import Model, load_model
from ..segment import segment
from ..summarize import summarize
from ..types import Document, Result

__all__ = ["process", "process_file", "process_text"]


def process(document: Document, model: Model) -> Result:
    sentences = segment(document)
    model.label(sentences)
    return Result(document, sentences, summarize(document, sentences))


def process_text(text: str, model: Model | str = "default", doc_id: str = "text", markdown: bool = False) -> Result:
    """Label the sentences of ``text`` and summarise them."""
    model = load_model(model) if isinstance(model, str) else model
    return process(parse(text, doc_id, "<text>", markdown), model)


def process_file(path: str | Path, model: Model | str = "default", doc_id: str | None = None) -> Result:
    model = load_model(model) if isinstance(model, str) else model
    return process(ingest(path, doc_id), model)
