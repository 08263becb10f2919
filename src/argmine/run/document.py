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
    """Segment an ingested document, label its sentences and summarise them.

    Parameters
    ----------
    document : Document
        A cleaned document, from ``argmine.ingest.ingest`` or ``argmine.ingest.parse``.
    model : Model
        A loaded model (``argmine.model.load_model``).

    Returns
    -------
    Result
        The document, its labelled sentences and its summary (``argmine.summarize.summarize``).
    """
    sentences = segment(document)
    model.label(sentences)
    return Result(document, sentences, summarize(document, sentences))


def process_text(text: str, model: Model | str = "default", doc_id: str = "text", markdown: bool = False) -> Result:
    """Label the sentences of a text and summarise them.

    Parameters
    ----------
    text : str
        Plain text (or Markdown with ``markdown=True``); paragraphs separated by blank lines.
    model : Model or str, default "default"
        A loaded model, or a bundled model's name, ``"rules"`` or a model file's path.
    doc_id : str, default "text"
        The document id recorded in the sentences and the summary.
    markdown : bool, default False
        Read Markdown markup (headings, lists, links, emphasis).

    Returns
    -------
    Result
        ``result.sentences[i].labels["role"]``, ``.confidences["role"]`` ... and ``result.summary``.

    Examples
    --------
    >>> from argmine import process_text
    >>> process_text("Japan should expand cyber cooperation.").sentences[0].labels["role"]
    'recommendation'
    """
    model = load_model(model) if isinstance(model, str) else model
    return process(parse(text, doc_id, "<text>", markdown), model)


def process_file(path: str | Path, model: Model | str = "default", doc_id: str | None = None) -> Result:
    """Read a document (.txt, .md, .html, .pdf, .docx), label its sentences and summarise them.

    Parameters
    ----------
    path : str or Path
        The document.
    model : Model or str, default "default"
        A loaded model, or a bundled model's name, ``"rules"`` or a model file's path.
    doc_id : str, optional
        The document id; by default the file's name without its suffix.

    Returns
    -------
    Result
        The document, its labelled sentences and its summary.

    Raises
    ------
    InputError
        The file cannot be read, is empty, is not English or has no body text.
    ModelError
        The model cannot be loaded.
    """
    model = load_model(model) if isinstance(model, str) else model
    return process(ingest(path, doc_id), model)
