"""DOCX: the body's paragraphs with their styles."""

from __future__ import annotations

import io
import re
from collections import Counter
from pathlib import Path

from ...errors import InputError
from . import Blocks, Extracted, register

_WORD_HEADING = re.compile(r"^Heading ([1-6])$")
_TERMINAL = re.compile(r"""[.!?;]["'’”)\]]*$""")
_MARK = re.compile(r"^\s*(?:\d{1,3}|[*†‡§])\s*$")


@register(".docx")
def read_docx(path: Path, data: bytes, config: dict) -> Extracted:
    """The body's paragraphs in order (not tables, headers, footers, footnotes or content
    controls such as a generated table of contents). A paragraph styled Title, or (in a
    document without one) a lone Heading 1 that opens it, is the title; Heading 1-6 (or a
    style based on one) are section headings; list styles and numbered paragraphs are items."""
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
        paragraphs = [(*_text(p), _style_names(p.style), _numbered(p)) for p in document.paragraphs]
        meta_title = document.core_properties.title or ""
    except Exception:  # a damaged zip, a missing part, broken XML
        raise InputError(
            f"{path}: cannot be read as a Word .docx file (damaged, or another format); save it again as .docx"
        ) from None
    skip = re.compile(config["docx"]["skip_styles"])
    entries = []
    dropped: Counter = Counter()
    for text, marks, bold, styles, numbered in paragraphs:
        if not text.strip():
            continue
        if any(skip.match(s) for s in styles):
            dropped[_skip_reason(styles)] += 1
            continue
        dropped["footnote marks"] += marks
        heading = next((int(m.group(1)) for m in map(_WORD_HEADING.match, styles) if m), None)
        if heading is None and bold and len(text.split()) <= config["heading_max_words"] and not _TERMINAL.search(text):
            heading = 2  # a paragraph in bold alone: a heading without a heading style
        if "Title" in styles:
            entries.append((text, "heading", 1))
        elif heading is not None:
            entries.append((text, "heading", heading + 1))  # level 1 is the title's
        elif numbered or any(s.startswith("List") for s in styles):
            entries.append((text, "item", 0))
        else:
            entries.append((text, "paragraph", 0))
    heading_1 = [i for i, (_, kind, level) in enumerate(entries) if kind == "heading" and level <= 2]
    if heading_1 == [0]:  # no Title, and a lone Heading 1 opens the document: it is the title
        entries[0] = (entries[0][0], "heading", 1)
    blocks = Blocks()
    for text, kind, level in entries:
        blocks.add(text, kind, level)
    return blocks.extracted(meta_title, Counter({k: n for k, n in dropped.items() if n}))


def _text(paragraph) -> tuple[str, int, bool]:
    """The paragraph's text without raised note numbers typed as text, how many there were, and
    whether all of its text is bold."""
    out, marks, bold = [], 0, True
    for run in paragraph.runs:
        text = run.text
        if run.font.superscript and _MARK.match(text):
            marks += 1
            continue
        out.append(text)
        if text.strip() and not (run.bold or (run.bold is None and paragraph.style.font.bold)):
            bold = False
    text = "".join(out) if paragraph.runs else paragraph.text
    return text, marks, bold and bool(text.strip())


def _skip_reason(styles: list[str]) -> str:
    name = " ".join(styles).lower()
    if name.startswith("toc") or "table of" in name:
        return "table of contents"
    if "footnote" in name or "endnote" in name:
        return "notes"
    if "caption" in name:
        return "figures and tables"
    return "running heads"


def _style_names(style) -> list[str]:
    """The style's name and those of the styles it is based on."""
    names = []
    while style is not None and len(names) < 10:
        names.append(style.name or "")
        style = style.base_style
    return names


def _numbered(paragraph) -> bool:
    p_pr = paragraph._p.pPr  # python-docx has no public API for list numbering
    return p_pr is not None and p_pr.numPr is not None
