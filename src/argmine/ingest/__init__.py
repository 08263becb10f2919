"""Read a document from disk and clean it into body blocks under their section headings.

Plain text and Markdown are decoded (``decode``) and cleaned (``clean``); HTML, PDF and DOCX
are first turned into text by their reader (``readers``: the main text of a page, a PDF's
text layer with pages separated by form feeds, a Word file's paragraphs). A document whose
body is not English is refused, and its paragraphs that are not English are warned about
(``language``). Every character of the cleaned text maps back to the source text through
``Document.offsets``: the file itself for .txt and .md, the extracted text otherwise
(``extract_text``).
"""

from __future__ import annotations

from pathlib import Path

from ..errors import InputError
from ..types import Document
from . import readers
from .clean import RawBlock, assemble_document, parse
from .decode import decode_text, link_problem, read_bytes
from .language import check_language
from .settings import settings

__all__ = [
    "MARKDOWN_SUFFIXES",
    "SUFFIXES",
    "TEXT_SUFFIXES",
    "decode_text",
    "extract_text",
    "ingest",
    "link_problem",
    "parse",
]

TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text"}
MARKDOWN_SUFFIXES = {".md", ".markdown"}
SUFFIXES = TEXT_SUFFIXES | set(readers.registered())


def ingest(path: str | Path, doc_id: str | None = None) -> Document:
    """Read and clean the document at ``path`` (.txt, .md, .html, .htm, .pdf or .docx)."""
    path = Path(path)
    doc_id = doc_id or path.stem
    extracted = _extract(path)
    _check_size(path, extracted if isinstance(extracted, str) else extracted.text)
    if isinstance(extracted, str):
        document = parse(extracted, doc_id, str(path), markdown=path.suffix.lower() in MARKDOWN_SUFFIXES)
    elif extracted.blocks is None:  # PDF: the structure found as in plain text, with the typography's help
        document = parse(
            extracted.text,
            doc_id,
            str(path),
            page_starts=extracted.page_starts,
            styles=extracted.styles,
            dropped=extracted.dropped,
        )
    else:
        raw = [RawBlock(start, end, kind, level=level) for start, end, kind, level in extracted.blocks]
        document = assemble_document(
            extracted.text,
            raw,
            doc_id,
            str(path),
            structured=True,
            title=extracted.title,
            dropped=extracted.dropped,
        )
    if not document.blocks:
        raise InputError(f"{path}: no body text found (only headings or whitespace); give a document with sentences")
    document.warnings = check_language(path, document)
    return document


def _check_size(path: Path, text: str) -> None:
    limit = settings()["max_chars"]
    if len(text) > limit:
        raise InputError(
            f"{path}: {len(text):,} characters of text, more than the {limit:,} "
            "argmine reads from one document; split it into smaller documents"
        )


def extract_text(path: str | Path) -> str:
    """The text that ``Document.offsets`` of ``ingest(path)`` index: the decoded file for
    .txt and .md, the extracted text (blocks separated by blank lines, PDF pages by form
    feeds) for HTML, PDF and DOCX."""
    extracted = _extract(Path(path))
    return extracted if isinstance(extracted, str) else extracted.text


def _extract(path: Path) -> str | readers.Extracted:
    suffix = path.suffix.lower()
    if suffix in TEXT_SUFFIXES:
        return decode_text(path)
    reader = readers.registered().get(suffix)
    if reader is not None:
        return reader(path, read_bytes(path), settings())
    raise InputError(
        f"{path}: unsupported file type '{path.suffix or '(none)'}'; argmine reads " + ", ".join(sorted(SUFFIXES))
    )
