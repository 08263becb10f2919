"""DOCX: the body's paragraphs with their styles."""

from __future__ import annotations

import io
import re
from pathlib import Path

from ...errors import InputError
from . import Blocks, Extracted, register

_WORD_HEADING = re.compile(r"^Heading ([1-6])$")


@register(".docx")
def read_docx(path: Path, data: bytes, config: dict) -> Extracted:
    """The body's paragraphs in order (not tables, headers, footers, footnotes or content
    controls such as a generated table of contents). A paragraph styled Title, or (in a
    document without one) a lone Heading 1 that opens it, is the title; Heading 1-6 (or a
    style based on one) are section headings; list styles and numbered paragraphs are items."""
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
        paragraphs = [(p.text, _style_names(p.style), _numbered(p)) for p in document.paragraphs]
        meta_title = document.core_properties.title or ""
    except Exception:  # a damaged zip, a missing part, broken XML
        raise InputError(
            f"{path}: cannot be read as a Word .docx file (damaged, or another format); save it again as .docx"
        ) from None
    skip = re.compile(config["docx"]["skip_styles"])
    entries = []
    for text, styles, numbered in paragraphs:
        if not text.strip() or any(skip.match(s) for s in styles):
            continue
        heading = next((int(m.group(1)) for m in map(_WORD_HEADING.match, styles) if m), None)
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
    return blocks.extracted(meta_title)


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
