"""PDF: the text layer, page by page, with pdfminer.six's layout analysis."""

from __future__ import annotations

import io
import logging
import statistics
from collections import Counter
from pathlib import Path

from ...errors import InputError
from . import _LIGATURES, Extracted, register


@register(".pdf")
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
            f"{path}: is protected by a password; save an unprotected copy "
            "first, e.g. qpdf --decrypt --password=PASS in.pdf out.pdf"
        ) from None
    except Exception:  # pdfminer raises many kinds of errors on a damaged file
        raise InputError(
            f"{path}: cannot be read as a PDF (damaged, truncated or not a PDF); download or export it again"
        ) from None
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
