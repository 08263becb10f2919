"""Records that flow between the stages: ingest -> segment -> classify -> summarize."""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

__all__ = ["SCHEMA_VERSION", "Block", "Document", "OffsetMap", "Result", "Sentence"]

# The version of every JSON record argmine writes (sentences, summaries, run.json, reports);
# the schemas in docs/schemas/ describe it.
SCHEMA_VERSION = "1.0"


@dataclass(frozen=True)
class Block:
    """A unit of body text in the cleaned text: a paragraph or a list item."""

    start: int
    end: int
    section: str
    kind: str = "paragraph"  # or "item"


@dataclass
class OffsetMap:
    """Maps offsets in the cleaned text back to the original file's characters.

    The cleaned text is built from slices of the original: ``pieces`` holds
    ``(clean_start, orig_start, length)`` for each slice, sorted by clean_start.
    Characters that cleaning inserted map to the start of the next copied slice.
    """

    pieces: list[tuple[int, int, int]] = field(default_factory=list)

    def to_original(self, offset: int) -> int:
        if not self.pieces:
            return offset
        starts = [p[0] for p in self.pieces]
        i = bisect.bisect_right(starts, offset) - 1
        if i < 0:
            return self.pieces[0][1]
        clean_start, orig_start, length = self.pieces[i]
        if offset < clean_start + length:
            return orig_start + offset - clean_start
        if i + 1 < len(self.pieces):
            return self.pieces[i + 1][1]
        return orig_start + length


@dataclass
class Document:
    """A cleaned document: body text plus where its blocks and sections are.

    ``offsets`` leads back to the source text: the file itself for .txt and .md, the text
    extracted from it for HTML, PDF and DOCX (``argmine.ingest.extract_text``). For a PDF,
    ``page_starts[i]`` is where page i + 1 starts in that extracted text.
    """

    doc_id: str
    path: str
    text: str
    blocks: list[Block]
    title: str = ""
    byline: str = ""
    sections: list[str] = field(default_factory=list)
    offsets: OffsetMap = field(default_factory=OffsetMap)
    page_starts: list[int] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # what a reader of the labels should know (ingest)
    # What ingest left out of the body as not the author's text, by reason, e.g.
    # {"table of contents": 12, "footnote marks": 40}: lines, blocks or marks (argmine.ingest.clean).
    dropped: dict[str, int] = field(default_factory=dict)

    def page_at(self, offset: int) -> int | None:
        """The 1-based page of the cleaned text's character at ``offset``; None without pages."""
        if not self.page_starts:
            return None
        return max(bisect.bisect_right(self.page_starts, self.offsets.to_original(offset)), 1)


@dataclass
class Sentence:
    """One sentence: ``document.text[start:end] == text``."""

    doc_id: str
    sent_id: int
    start: int
    end: int
    section: str
    text: str
    position: float = 0.0  # relative position of the sentence in the document, 0..1
    labels: dict[str, str] = field(default_factory=dict)
    confidences: dict[str, float] = field(default_factory=dict)
    page: int | None = None  # 1-based page where the sentence starts (PDF); None for formats without pages
    explanation: dict | None = (
        None  # per axis, the features that pushed the label (argmine.explain); None unless asked for
    )

    def record(self) -> dict:
        row = {
            "doc_id": self.doc_id,
            "sent_id": self.sent_id,
            "start": self.start,
            "end": self.end,
            "section": self.section,
            "text": self.text,
            "page": self.page,
        }
        for axis, label in self.labels.items():
            row[axis] = label
            row[f"{axis}_confidence"] = round(self.confidences[axis], 4)
        if self.explanation is not None:
            row["explanation"] = self.explanation
        return row


@dataclass
class Result:
    """One processed document: its sentences, labelled, and its summary."""

    document: Document
    sentences: list[Sentence]
    summary: dict
