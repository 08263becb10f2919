"""PDF: the text layer, page by page, with pdfminer.six's layout analysis and the text's typography."""

from __future__ import annotations

import io
import logging
import re
import statistics
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from ...errors import InputError
from . import _LIGATURES, Extracted, register

_BOLD = re.compile(r"(?i)bold|black|heavy|demi")
_MARKS = set("0123456789*†‡§¶")  # what a raised footnote mark is made of
# A glyph the font does not name ("(cid:127)"), or one in Unicode's private use area (a Symbol
# font's bullet "\uf0b7"): a bullet, mostly.
_CID = re.compile("\\(cid:\\d+\\)|[\ue000-\uf8ff]")


@register(".pdf")
def read_pdf(path: Path, data: bytes, config: dict) -> Extracted:
    """The text layer, page by page, with pdfminer.six's layout analysis: one block per run of
    lines in one style inside a text box (a paragraph, a heading, a running header, a page
    number ...). Typography decides what the cleaning cannot tell from the text alone:

    - a run in a larger font than the body text (the most common size), or in bold, is a
      heading, written on one line (with the run right under it in the same size: a heading
      wrapped over two lines);
    - raised small digits are footnote marks and are left out; a box of small text at the
      bottom of a page that starts with one is a footnote, and is left out too;
    - a heading in the left margin (a side head) is put before the paragraph beside it;
    - a first page without body text is a cover page: its largest text is the title, the rest
      is left out.
    """
    from pdfminer.pdfdocument import PDFPasswordIncorrect

    # pdfminer warns about harmless oddities; without a handler Python would print them.
    logger = logging.getLogger("pdfminer")
    if not any(isinstance(h, logging.NullHandler) for h in logger.handlers):
        logger.addHandler(logging.NullHandler())
    try:
        pages = _pdf_pages(data, False)
        if not any(page.boxes for page in pages):  # text may sit inside form objects only
            pages = _pdf_pages(data, True)
    except PDFPasswordIncorrect:
        raise InputError(
            f"{path}: is protected by a password; save an unprotected copy "
            "first, e.g. qpdf --decrypt --password=PASS in.pdf out.pdf"
        ) from None
    except Exception:  # pdfminer raises many kinds of errors on a damaged file
        raise InputError(
            f"{path}: cannot be read as a PDF (damaged, truncated or not a PDF); download or export it again"
        ) from None
    if not pages:
        raise InputError(f"{path}: the PDF has no pages; download or export it again")
    if not any(any(line.text.strip() for box in page.boxes for line in box.lines) for page in pages):
        raise InputError(f"{path}: has no text layer (scanned images?); run OCR first, e.g. ocrmypdf in.pdf out.pdf")
    return _layout(pages, config["pdf"]["heading_size_ratio"], config["heading_max_words"])


@dataclass
class _Line:
    text: str  # without raised footnote marks
    size: float  # the median size of its characters (marks aside)
    bold: float  # the share of its letters set in a bold font
    marks: int  # raised footnote marks left out
    starts_with_mark: bool


@dataclass
class _Box:
    lines: list[_Line]
    x0: float
    x1: float
    top: float
    bottom: float


@dataclass
class _Page:
    boxes: list[_Box]
    height: float


def _pdf_pages(data: bytes, all_texts: bool) -> list[_Page]:
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LAParams, LTFigure, LTTextBox

    def boxes(container):
        for element in container:
            if isinstance(element, LTTextBox):
                yield element
            elif isinstance(element, LTFigure) and all_texts:
                yield from boxes(element)

    pages = []
    for layout in extract_pages(io.BytesIO(data), laparams=LAParams(all_texts=all_texts)):
        page = []
        for box in boxes(layout):
            lines = [line for line in map(_line, box) if line.text.strip()]
            if lines:
                page.append(_Box(lines, box.x0, box.x1, box.y1, box.y0))
        pages.append(_Page(page, layout.height))
    return pages


def _line(line) -> _Line:
    """A text line's text and typography; small raised digits (footnote marks) are left out."""
    from pdfminer.layout import LTChar

    chars = [c for c in line if isinstance(c, LTChar)]
    if not chars:
        return _Line(line.get_text().translate(_LIGATURES).rstrip("\n"), 0.0, 0.0, 0, False)
    size = statistics.median(round(c.size, 1) for c in chars)
    base = statistics.median(c.y0 for c in chars if round(c.size, 1) >= size) if chars else 0.0
    out, marks, first = [], 0, True
    starts_with_mark = False
    for element in line:
        text = element.get_text()
        if isinstance(element, LTChar) and _raised(element, size, base) and text in _MARKS:
            if first:
                starts_with_mark = True
            if not out or out[-1] not in _MARKS:
                marks += 1
            out.append("")
            continue
        if text.strip():
            first = False
        out.append(text)
    letters = [c for c in chars if c.get_text().isalpha()]
    bold = sum(1 for c in letters if _BOLD.search(c.fontname)) / len(letters) if letters else 0.0
    text = _CID.sub("", "".join(out).translate(_LIGATURES)).rstrip("\n")
    return _Line(text, size, bold, marks, starts_with_mark)


def _raised(char, size: float, base: float) -> bool:
    return char.size <= 0.75 * size and char.y0 > base + 0.2 * size


def _style(line: _Line, body: float, ratio: float) -> str:
    if not body or not line.size or not any(c.isalpha() for c in line.text):
        return "body"
    if line.size > body * ratio or (line.bold >= 0.9 and line.size >= body * 0.95):
        return "heading"
    if line.size < body * 0.93:
        return "small"
    return "body"


def _layout(pages: list[_Page], ratio: float, max_words: int) -> Extracted:
    """The pages' text (blocks separated by blank lines, pages by a form feed line), where each
    page starts, the typographic style of each block, and what was left out."""
    sizes: Counter = Counter()
    for page in pages:
        for box in page.boxes:
            for line in box.lines:
                sizes[line.size] += len(line.text)
    body = sizes.most_common(1)[0][0] if sizes else 0.0
    dropped: Counter = Counter()

    text, starts, styles = "", [], []
    for number, page in enumerate(pages):
        if starts:
            text += "\n\f\n"
        starts.append(len(text))
        runs = _runs(page, body, ratio, max_words, dropped)
        if number == 0:
            runs = _cover(runs, dropped)
        out: list[str] = []
        for run in runs:
            if out:
                text += "\n\n"
            out.append(run.text)
            styles.append((len(text), len(text) + len(run.text), run.style))
            text += run.text
    dropped = Counter({reason: n for reason, n in dropped.items() if n})
    if not any(style == "heading" for _, _, style in styles):  # one size and weight: typography tells
        styles = [span for span in styles if span[2] == "margin"]  # nothing but where the page's text is
    return Extracted(text, None, starts, dropped=dropped, styles=styles)


@dataclass
class _Run:
    text: str
    style: str  # heading, body, small or margin
    size: float
    box: _Box


def _runs(page: _Page, body: float, ratio: float, max_words: int, dropped: Counter) -> list[_Run]:
    """A page's runs of lines in one style, in reading order: pdfminer's order of text boxes, a
    side head moved before the paragraph beside it, footnotes left out."""
    boxes = []
    for box in page.boxes:
        styles = [_style(line, body, ratio) for line in box.lines]
        if (
            all(s == "small" for s in styles)
            and box.top < page.height * 0.35
            and (box.lines[0].starts_with_mark or box.lines[0].text.lstrip()[:1].isdigit())
        ):
            dropped["notes"] += 1
            continue
        dropped["footnote marks"] += sum(line.marks for line in box.lines)
        boxes.append((box, styles))
    boxes = _margins(boxes)
    body_left = min((box.x0 for box, styles in boxes if styles.count("body") >= 2), default=None)

    def side_head(box: _Box, styles: list[str]) -> bool:
        return body_left is not None and box.x1 < body_left and all(s == "heading" for s in styles)

    ordered = [(box, styles) for box, styles in boxes if not side_head(box, styles)]
    for box, styles in boxes:
        if side_head(box, styles):
            at = next((i for i, (b, _) in enumerate(ordered) if b.top <= box.top + 2), len(ordered))
            ordered.insert(at, (box, styles))

    runs: list[_Run] = []
    for box, styles in ordered:
        keys = [(style, line.size if style == "heading" else 0) for line, style in zip(box.lines, styles)]
        group: list[_Line] = []
        for i, (line, style) in enumerate(zip(box.lines, styles)):
            group.append(line)
            if i + 1 == len(box.lines) or keys[i + 1] != keys[i]:
                runs.append(_run(group, style, box, max_words, body * ratio))
                group = []
    merged: list[_Run] = []
    for run in runs:
        prev = merged[-1] if merged else None
        if (
            prev is not None
            and run.style == prev.style == "heading"
            and run.size == prev.size
            and run.box is not prev.box
            and prev.box.bottom - run.box.top < 1.5 * run.size
        ):  # a heading's next line, set apart by loose line spacing
            prev.text += " " + run.text
            prev.box = run.box
            continue
        merged.append(run)
    return merged


def _margins(boxes: list[tuple[_Box, list[str]]]) -> list[tuple[_Box, list[str]]]:
    """A line of small type alone above or below all the page's body text is a page header or
    footer (a publisher's name, a date): its style becomes "margin", and the cleaning leaves it
    out when no rule for lines (page numbers, datelines ...) has."""
    text = [
        box for box, styles in boxes if any(s == "body" and _letters(line.text) for s, line in zip(styles, box.lines))
    ]
    if not text:
        return boxes
    low, high = min(box.bottom for box in text), max(box.top for box in text)
    return [
        (box, ["margin"] if styles == ["small"] and (box.top <= low or box.bottom >= high) else styles)
        for box, styles in boxes
    ]


def _letters(text: str) -> bool:
    return sum(c.isalpha() for c in text) >= 2


def _run(lines: list[_Line], style: str, box: _Box, max_words: int, large: float) -> _Run:
    size = statistics.median(line.size for line in lines)
    if style == "heading" and size <= large:
        words = sum(len(line.text.split()) for line in lines)
        if words > max_words * 2 or len(lines) > 4:
            style = "body"  # a paragraph set in bold, not a heading
    if style != "heading":
        return _Run("\n".join(line.text for line in lines), style, size, box)
    text = ""
    for line in lines:  # one line; a word broken at a hyphen keeps the hyphen ("Close-Ended")
        part = line.text.strip()
        text += part if not text or text.endswith("-") else " " + part
    return _Run(text, style, size, box)


def _cover(runs: list[_Run], dropped: Counter) -> list[_Run]:
    """A first page with no paragraph of body text is a cover page: its largest text of two
    words or more is the title (put first), the rest is left out."""
    prose = [r for r in runs if r.style == "body" and len(r.text.split()) >= 15 and "\n" in r.text]
    candidates = [r for r in runs if r.style == "heading" and len(r.text.split()) >= 2]
    if prose or not candidates:
        return runs
    title = max(candidates, key=lambda r: r.size)
    dropped["cover page"] += len(runs) - 1
    return [title]
