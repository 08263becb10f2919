"""Readers for HTML, PDF and DOCX: each turns a file into the text that ingest cleans.

A reader takes the file's path (for messages), its bytes and the ingest settings
(config/ingest.toml) and returns an ``Extracted``:

- HTML and DOCX: the blocks' text (whitespace collapsed) joined by blank lines, with each
  block's place, kind (heading, paragraph, item) and heading level taken from the markup:
  h1-h6 in HTML; Word's Title and Heading 1-6 styles (and list styles) in DOCX.
- PDF: the text layer, one pdfminer text box per block, pages separated by a form feed
  line, and where each page starts. The structure is left to ingest's plain-text cleaning
  (running headers, page numbers, hyphenation, page-break joins, heading detection).

``Document.offsets`` of these formats index this extracted text. The format libraries
are imported inside the readers, so importing argmine stays fast.
"""

from __future__ import annotations

import io
import logging
import re
import statistics
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from .errors import InputError

_SPACES = re.compile(r"\s+")
_BREAK = "\u2028"  # an HTML <br> while a block is collected; two in a row split the block
_LIGATURES = str.maketrans({"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st", "ﬆ": "st"})


@dataclass
class Extracted:
    """The text taken from a file and what is known of its structure."""

    text: str
    blocks: list[tuple[int, int, str, int]] | None = None  # (start, end, kind, heading level); None: find them in text
    page_starts: list[int] = field(default_factory=list)  # where each page starts in text (PDF)
    title: str = ""  # the title in the file's metadata, used when no level-1 heading names the document


class _Blocks:
    """Collects blocks into one text, remembering where each is."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.blocks: list[tuple[int, int, str, int]] = []

    def add(self, text: str, kind: str, level: int = 0) -> None:
        text = _SPACES.sub(" ", text).strip()
        if not text:
            return
        if self.parts:
            self.parts.append("\n\n")
            self.length += 2
        self.blocks.append((self.length, self.length + len(text), kind, level))
        self.parts.append(text)
        self.length += len(text)

    def extracted(self, title: str = "") -> Extracted:
        return Extracted("".join(self.parts), self.blocks, title=_SPACES.sub(" ", title).strip())


# --- HTML -----------------------------------------------------------------------------

_HEADINGS = {f"h{i}": i for i in range(1, 7)}
_HTML_BLOCKS = {
    "address", "article", "blockquote", "body", "caption", "center", "dd", "details", "div", "dl", "dt",
    "fieldset", "figcaption", "figure", "footer", "header", "hr", "html", "li", "main", "menu", "nav",
    "ol", "p", "pre", "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
}  # fmt: skip
_CAMEL = re.compile(r"[-_\s:]+|(?<=[a-z])(?=[A-Z])")


def read_html(path: Path, data: bytes, config: dict) -> Extracted:
    """The main text of a web page: the <main> element (else [role=main], else the first
    <article>, else <body>), without navigation, scripts, styles, headers and footers, asides,
    forms, cookie banners, hidden elements, data tables and link lists. h1-h6 become
    headings (the first h1, even outside the main element, is the title), list items items,
    every other block of text a paragraph."""
    from bs4 import BeautifulSoup

    try:
        soup = BeautifulSoup(data, "lxml")
    except Exception:
        raise InputError(f"{path}: cannot be read as HTML; save the page again as .html") from None
    settings = {**config["html"], "drop_words": set(config["html"]["drop_words"])}
    body = soup.body or soup
    root = body.find("main") or body.find(attrs={"role": "main"}) or body.find("article") or body
    outside = ("nav", "aside", "footer")
    title = next((h for h in root.find_all("h1") if not h.find_parent(outside)), None) or next(
        (h for h in body.find_all("h1") if not h.find_parent(outside)), None
    )
    keep = {id(title), *(id(t) for t in title.parents)} if title else set()
    for tag in root.find_all(True):
        if not tag.decomposed and id(tag) not in keep and _html_boilerplate(tag, settings):
            tag.decompose()
    for tag in root.find_all(True):
        if not tag.decomposed and id(tag) not in keep and _html_link_list(tag, settings):
            tag.decompose()

    blocks = _Blocks()
    walker = _HtmlWalker(blocks)
    if title is not None and not any(p is root for p in title.parents):
        walker.walk_block(title, "heading", 1)
    walker.walk(root, "paragraph", 0)
    walker.flush()
    return blocks.extracted(soup.title.get_text(" ") if soup.title else "")


def _html_boilerplate(tag, settings: dict) -> bool:
    name = tag.name
    if name in settings["drop_tags"]:
        return True
    if name == "header" and not tag.find_parent(("article", "main", "section")):
        return True  # the page's banner; an article's or section's header holds its heading
    if name == "table" and tag.find(("th", "caption")):
        return True  # a data table; a layout table (no header cells, no caption) is walked
    attrs = tag.attrs
    if "hidden" in attrs or attrs.get("aria-hidden") == "true" or attrs.get("role") in settings["drop_roles"]:
        return True
    style = attrs.get("style", "").replace(" ", "").lower()
    if "display:none" in style or "visibility:hidden" in style:
        return True
    words = settings["drop_words"]
    for token in [*(attrs.get("class") or []), attrs.get("id") or ""]:
        parts = {p.lower() for p in _CAMEL.split(token) if p}
        if parts & words or re.sub(r"[-_]", "", token.lower()) in words:
            return True
    return False


def _html_link_list(tag, settings: dict) -> bool:
    """A container whose text is almost all links: a menu, a tag cloud, a list of related pages."""
    if tag.name not in ("div", "ul", "ol", "section", "p", "dl", "table"):
        return False
    links = tag.find_all("a")
    if len(links) < settings["link_list_min_links"]:
        return False
    text = len(_SPACES.sub("", tag.get_text()))
    linked = sum(len(_SPACES.sub("", a.get_text())) for a in links)
    return text > 0 and linked >= settings["link_list_share"] * text


class _HtmlWalker:
    """Walks the tree in document order, collecting text until a block element ends it."""

    def __init__(self, blocks: _Blocks) -> None:
        self.blocks = blocks
        self.buffer: list[str] = []
        self.kind, self.level = "paragraph", 0

    def flush(self) -> None:
        text = "".join(self.buffer)
        self.buffer = []
        for part in re.split(f"{_BREAK}\\s*{_BREAK}", text):
            self.blocks.add(part.replace(_BREAK, " "), self.kind, self.level)

    def walk_block(self, tag, kind: str, level: int) -> None:
        self.flush()
        self.walk(tag, kind, level)
        self.flush()

    def walk(self, node, kind: str, level: int) -> None:
        from bs4.element import NavigableString, PreformattedString

        for child in node.children:
            if isinstance(child, NavigableString):
                if not isinstance(child, PreformattedString):  # comments, CDATA, doctype
                    self.buffer.append(str(child))
                    self.kind, self.level = kind, level
            elif child.name in _HEADINGS:
                self.walk_block(child, "heading", _HEADINGS[child.name])
            elif child.name == "li":
                self.walk_block(child, "item", 0)
            elif child.name in ("ul", "ol"):
                self.walk_block(child, "paragraph", 0)
            elif child.name == "br":
                self.buffer.append(_BREAK)
            elif child.name in _HTML_BLOCKS:
                self.walk_block(child, kind, level)
            else:
                self.walk(child, kind, level)


# --- PDF ------------------------------------------------------------------------------


def read_pdf(path: Path, data: bytes, config: dict) -> Extracted:
    """The text layer, page by page, with pdfminer.six's layout analysis: one text box
    (a paragraph, a heading, a running header, a page number ...) per block. A box set in
    a larger font than the body text is written on one line, together with the boxes
    right after it in the same size, so that a heading wrapped over two lines still reads
    as a heading."""
    from pdfminer.pdfdocument import PDFPasswordIncorrect

    # pdfminer warns about harmless oddities; without a handler Python would print them.
    logger = logging.getLogger("pdfminer")
    if not any(isinstance(h, logging.NullHandler) for h in logger.handlers):
        logger.addHandler(logging.NullHandler())
    try:
        ratio = config["pdf"]["heading_size_ratio"]
        pages = _pdf_pages(data, False, ratio)
        if not any(p.strip() for p in pages):  # text may sit inside form objects only
            pages = _pdf_pages(data, True, ratio)
    except PDFPasswordIncorrect:
        raise InputError(
            f"{path}: is protected by a password; save an unprotected copy first, e.g. qpdf --decrypt --password=PASS in.pdf out.pdf"
        ) from None
    except Exception:  # pdfminer raises many kinds of errors on a damaged file
        raise InputError(f"{path}: cannot be read as a PDF (damaged, truncated or not a PDF); download or export it again") from None
    if not pages:
        raise InputError(f"{path}: the PDF has no pages; download or export it again")
    if not any(p.strip() for p in pages):
        raise InputError(f"{path}: has no text layer (scanned images?); run OCR first, e.g. ocrmypdf in.pdf out.pdf")
    text, starts = "", []
    for page in pages:
        if starts:
            text += "\n\f\n"
        starts.append(len(text))
        text += page
    return Extracted(text, None, starts)


def _pdf_pages(data: bytes, all_texts: bool, heading_size_ratio: float) -> list[str]:
    """Each page's text boxes joined by blank lines."""
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LAParams, LTChar, LTFigure, LTTextBox

    def boxes(container):
        for element in container:
            if isinstance(element, LTTextBox):
                yield element
            elif isinstance(element, LTFigure) and all_texts:
                yield from boxes(element)

    pages: list[list[tuple[str, float]]] = []
    sizes: Counter = Counter()  # characters per font size: the most common is the body text's
    for layout in extract_pages(io.BytesIO(data), laparams=LAParams(all_texts=all_texts)):
        page = []
        for box in boxes(layout):
            text = box.get_text().translate(_LIGATURES).strip()
            chars = [round(c.size, 1) for line in box for c in line if isinstance(c, LTChar)]
            if text:
                sizes.update(chars)
                page.append((text, statistics.median(chars) if chars else 0.0))
        pages.append(page)
    body = sizes.most_common(1)[0][0] if sizes else 0.0
    texts = []
    for page in pages:
        out: list[str] = []
        previous = None  # the size of the heading just written
        for text, size in page:
            if body and size > body * heading_size_ratio:
                text = text.replace("\n", " ")
                if size == previous:  # a heading's next line, set apart by loose line spacing
                    out[-1] += " " + text
                    continue
                previous = size
            else:
                previous = None
            out.append(text)
        texts.append("\n\n".join(out))
    return texts


# --- DOCX -----------------------------------------------------------------------------

_WORD_HEADING = re.compile(r"^Heading ([1-6])$")


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
        raise InputError(f"{path}: cannot be read as a Word .docx file (damaged, or another format); save it again as .docx") from None
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
    blocks = _Blocks()
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


READERS = {".html": read_html, ".htm": read_html, ".pdf": read_pdf, ".docx": read_docx}
