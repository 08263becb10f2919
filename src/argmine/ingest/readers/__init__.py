"""Readers of the formats that are not plain text, registered by suffix.

A reader takes the file's path (for messages), its bytes and the ingest settings
(config/ingest.toml) and returns an ``Extracted``:

- HTML and DOCX: the blocks' text (whitespace collapsed) joined by blank lines, with each
  block's place, kind (heading, paragraph, item) and heading level taken from the markup.
- PDF: the text layer, one pdfminer text box per block, pages separated by a form feed
  line, and where each page starts. The structure is left to the plain-text cleaning.

A reader is added by a module in this package that calls ``register``; every module here is
imported on the first look-up. The format libraries are imported inside the readers, so
importing argmine stays fast.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["Blocks", "Extracted", "Reader", "register", "registered"]

Reader = Callable[[Path, bytes, dict], "Extracted"]
_READERS: dict[str, Reader] = {}
_LOADED = False

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
    # What the reader left out, by reason (as Document.dropped): footnote marks, notes, tables ...
    dropped: Counter = field(default_factory=Counter)
    # PDF: spans of text (start, end, "heading" or "body") whose typography (size, weight) says what they are.
    styles: list[tuple[int, int, str]] = field(default_factory=list)


class Blocks:
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

    def extracted(self, title: str = "", dropped: Counter | None = None) -> Extracted:
        return Extracted(
            "".join(self.parts), self.blocks, title=_SPACES.sub(" ", title).strip(), dropped=dropped or Counter()
        )


def register(*suffixes: str) -> Callable[[Reader], Reader]:
    """Decorator: read files with these suffixes (".html") with the decorated function."""

    def decorator(reader: Reader) -> Reader:
        for suffix in suffixes:
            _READERS[suffix.lower()] = reader
        return reader

    return decorator


def registered() -> dict[str, Reader]:
    """Every registered reader by suffix."""
    global _LOADED
    if not _LOADED:
        _LOADED = True
        for module in pkgutil.iter_modules(__path__):
            importlib.import_module(f"{__name__}.{module.name}")
    return dict(_READERS)
