"""Whether a document, and each of its paragraphs, is English ([language] in config/ingest.toml).

A paragraph is judged only when it is prose: tables of contents (dot leaders, page numbers),
acronym and name lists (mostly capitalised words), URL lists and tables (mostly numbers) hold
few common words in any language, and would otherwise look foreign.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import InputError
from ..types import Document
from .settings import settings

__all__ = ["check_language", "english_share", "is_prose", "looks_foreign"]

# A character of a script written without spaces (Chinese, Japanese, Thai) counts as a word.
_WORD_TOKEN = re.compile(r"[\u0e00-\u0e7f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]|[^\W\d_]+")
_DOMAINS = ("gov", "com", "org", "net", "edu", "int", "mil", "io", "eu", "uk")
_ADDRESS = re.compile(
    rf"(?:https?://|ftp://|www\.)\S+|\S+@\S+\.\w+|\b[\w-]+(?:\.[\w-]+)*\.(?:{'|'.join(_DOMAINS)})\b\S*",
    re.IGNORECASE,
)
# Every address holds one of these (in lower case); a text without any has none to take out.
_ADDRESS_SIGNS = ("://", "www.", "@", *(f".{domain}" for domain in _DOMAINS))
_NUMBER = re.compile(r"\d+")
_LEADER = re.compile(r"(?:\.\s?){4,}|…{2,}|·{3,}|_{4,}")
_SEPARATOR = re.compile(r"[,;:|•·]")


def check_language(path: Path, document: Document) -> list[str]:
    """Refuse a body that is not English; return one warning for the paragraphs of an English body
    that are prose in another language (see [language] in config/ingest.toml)."""
    config = settings()["language"]
    # The body is its blocks joined by blank lines, so its words are theirs: each is counted once.
    paragraphs = [document.text[b.start : b.end] for b in document.blocks]
    shares = [english_share(paragraph) for paragraph in paragraphs]
    words = sum(n for _, n in shares)
    share = sum(round(s * n) for s, n in shares) / max(words, 1)
    if words >= config["min_words"] and share < config["min_common_share"]:
        raise InputError(
            f"{path}: does not look like English (only {share:.0%} of "
            "its words are common English words, against 34-48% in"
            " English prose); argmine's classifiers read English only, so translate it into English first"
        )
    foreign = [(text, n) for text, (s, n) in zip(paragraphs, shares) if _foreign(text, s, n)]
    if not foreign:
        return []
    text, words = foreign[0]
    start = " ".join(text.split()[:6])
    what = "a paragraph does not" if len(foreign) == 1 else f"{len(foreign)} paragraphs do not"
    first = "" if len(foreign) == 1 else "the first: "
    return [
        f'{path}: {what} look like English ({first}"{start} ...", {words} words); argmine reads English only,'
        f" so the labels of {'its' if len(foreign) == 1 else 'their'} sentences are unreliable"
    ]


def looks_foreign(paragraph: str) -> bool:
    """Whether a paragraph of an English document is prose in another language: prose, long enough
    to judge, and few of its words common English words."""
    return _foreign(paragraph, *english_share(paragraph))


def _foreign(paragraph: str, share: float, words: int) -> bool:
    """``looks_foreign`` for a paragraph whose ``english_share`` is known."""
    config = settings()["language"]
    return words >= config["min_paragraph_words"] and share < config["min_common_share"] and is_prose(paragraph)


def is_prose(text: str) -> bool:
    """Whether a paragraph reads as running text in some language, rather than a table of contents
    (dot leaders), a table or list of numbers, a list of names, titles or acronyms (mostly
    capitalised words), or a list of terms (a comma, semicolon or colon every few words); web and
    e-mail addresses are left out first."""
    config = settings()["language"]
    text = _without_addresses(text)
    if len(_LEADER.findall(text)) >= 2:
        return False
    words = _WORD_TOKEN.findall(text)
    if not words or len(_NUMBER.findall(text)) > config["max_number_share"] * len(words):
        return False
    if len(_SEPARATOR.findall(text)) > config["max_separator_share"] * len(words):
        return False
    lower = sum(1 for w in words if not w[0].isupper())  # lower case, or a script without case
    return lower >= config["min_lowercase_share"] * len(words)


def english_share(text: str) -> tuple[float, int]:
    """The share of ``text``'s words that are common English words (spaCy's English stop words),
    and the number of words (web and e-mail addresses left out)."""
    from ..spacy_import import import_spacy

    import_spacy()
    from spacy.lang.en.stop_words import STOP_WORDS

    words = _WORD_TOKEN.findall(_without_addresses(text).lower())
    return sum(map(STOP_WORDS.__contains__, words)) / max(len(words), 1), len(words)


def _without_addresses(text: str) -> str:
    """``text`` with its web and e-mail addresses replaced by a space."""
    lower = text.lower()
    return _ADDRESS.sub(" ", text) if any(sign in lower for sign in _ADDRESS_SIGNS) else text
