"""Whether a document, and each of its paragraphs, is English ([language] in config/ingest.toml)."""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import InputError
from ..types import Document
from .settings import settings

__all__ = ["check_language", "english_share"]

_WORD_TOKEN = re.compile(r"[^\W\d_]+")


def check_language(path: Path, document: Document) -> list[str]:
    """Refuse a body that is not English; return a warning for each paragraph of an English body
    that is not (see [language] in config/ingest.toml)."""
    config = settings()["language"]
    share, words = english_share(document.text)
    if words >= config["min_words"] and share < config["min_common_share"]:
        raise InputError(
            f"{path}: does not look like English (only {share:.0%} of "
            "its words are common English words, against 34-48% in"
            " English prose); argmine's classifiers read English only, so translate it into English first"
        )
    warnings = []
    for block in document.blocks:
        text = document.text[block.start : block.end]
        share, words = english_share(text)
        if words >= config["min_paragraph_words"] and share < config["min_common_share"]:
            start = " ".join(text.split()[:6])
            warnings.append(
                f'{path}: a paragraph does not look like English ("{start} '
                f'...", {words} words); argmine reads English only,'
                " so the labels of its sentences are unreliable"
            )
    return warnings


def english_share(text: str) -> tuple[float, int]:
    """The share of ``text``'s words that are common English words (spaCy's English stop words),
    and the number of words."""
    from spacy.lang.en.stop_words import STOP_WORDS

    words = _WORD_TOKEN.findall(text.lower())
    return sum(w in STOP_WORDS for w in words) / max(len(words), 1), len(words)
