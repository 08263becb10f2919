"""Split a cleaned Document into sentences with spaCy.

The pipeline (config/segmenter.cfg) is spaCy's rule-based sentencizer plus the
registered ``argmine_boundaries`` component, which repairs its abbreviation errors.
Each block (paragraph or list item) is segmented on its own, so no sentence crosses
a paragraph, and offsets index the cleaned text: ``text[start:end] == sentence``.
A sentence of a PDF carries the page it starts on.

spaCy refuses a text longer than ``nlp.max_length`` (1,000,000 characters). A longer block
is cut, at the last whitespace before each limit (mid-word only where a stretch of that
length has none), into pieces of at most that many characters, and each piece is segmented
on its own: a sentence longer than the limit, or one that crosses a cut, ends at the cut.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

from .config import bundled_text
from .spacy_import import import_spacy
from .types import Document, Sentence

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc


def make_boundaries(nlp, name, no_split_after, split_after_before_function_word):
    return AbbreviationBoundaries(no_split_after, split_after_before_function_word)


class AbbreviationBoundaries:
    """Repair sentencizer boundaries around abbreviations.

    - no sentence starts with a lower-case word ("et seq.) and other ...");
    - no sentence starts with a number right after an abbreviation ("H.Res. 971"),
      nor after a dotted abbreviation the tokenizer splits ("H.Con. Res.");
    - no split after a listed abbreviation ("approx. Tom");
    - a split after a listed abbreviation token that the tokenizer keeps whole
      ("U.S.", "etc.") when a capitalised function word follows ("in the U.S. The ...").
    """

    def __init__(self, no_split_after, split_after_before_function_word):
        import numpy as np
        from spacy.strings import hash_string

        self.no_split = {a.rstrip(".") for a in no_split_after}
        self.split_before_function_word = set(split_after_before_function_word)
        # their tokens' ORTH ids in order, looked up with searchsorted (np.isin costs more than
        # the rest of a paragraph's repairs)
        self.split_ids = np.array(sorted(map(hash_string, self.split_before_function_word)), dtype=np.uint64)

    def __call__(self, doc: Doc) -> Doc:
        import numpy as np
        from spacy.attrs import ORTH, SENT_START

        # Only sentence starts, and tokens after a listed abbreviation, can change: find them with
        # arrays (spaCy makes a new Token object at every access, slow over every token).
        values = doc.to_array([SENT_START, ORTH])
        if len(values) < 3:
            return doc
        orths, listed = values[:-1, 1], self.split_ids
        split_after = np.zeros(len(orths), dtype=bool)
        if len(listed):
            split_after = listed[np.minimum(np.searchsorted(listed, orths), len(listed) - 1)] == orths
        candidates = np.flatnonzero((values[1:, 0] == 1) | split_after) + 1
        for i in candidates[candidates >= 2].tolist():
            token, prev = doc[i], doc[i - 1]
            if token.is_sent_start:
                word = doc[i - 2]
                after_abbreviation = prev.text == "." and not word.whitespace_ and word.text[-1].isalpha()
                if token.text[0].islower() or (
                    after_abbreviation and (token.text[0].isdigit() or "." in word.text or word.text in self.no_split)
                ):
                    token.is_sent_start = False
            elif prev.text in self.split_before_function_word and token.is_title and token.is_stop:
                token.is_sent_start = True
        return doc


@lru_cache(maxsize=1)
def load_segmenter() -> Language:
    """The spaCy pipeline built from config/segmenter.cfg (spaCy is imported here, on first use)."""
    import_spacy()
    from spacy import util
    from spacy.language import Language

    if not Language.has_factory("argmine_boundaries"):
        Language.factory(
            "argmine_boundaries", default_config={"no_split_after": [], "split_after_before_function_word": []}
        )(make_boundaries)
    text = bundled_text("segmenter.cfg")
    config = util.load_config_from_str(text)
    return util.load_model_from_config(config, auto_fill=True, validate=True)


# spaCy keeps every distinct token it has seen in the pipeline's vocabulary; past this many the
# segmenter is rebuilt, so a long run's memory stays flat (segmentation does not depend on it).
VOCAB_LIMIT = 100_000


def segment(document: Document) -> list[Sentence]:
    """Sentences of ``document`` in order, ``sent_id`` from 1."""
    nlp = load_segmenter()
    if len(nlp.vocab) > VOCAB_LIMIT:
        load_segmenter.cache_clear()
        nlp = load_segmenter()
    sentences: list[Sentence] = []
    pieces = [
        (block, block.start + offset, piece)
        for block in document.blocks
        for offset, piece in _pieces(document.text[block.start : block.end], nlp.max_length)
    ]
    for (block, offset, text), doc in zip(pieces, nlp.pipe(piece for _, _, piece in pieces)):
        for sent in doc.sents:
            # ``text`` is doc.text, which spaCy rebuilds from the tokens at every access.
            start, end = _trim(text, sent.start_char, sent.end_char)
            if start < end:
                sentences.append(
                    Sentence(
                        doc_id=document.doc_id,
                        sent_id=len(sentences) + 1,
                        start=offset + start,
                        end=offset + end,
                        section=block.section,
                        text=text[start:end],
                        page=document.page_at(offset + start),
                    )
                )
    n = max(len(sentences) - 1, 1)
    for s in sentences:
        s.position = (s.sent_id - 1) / n
    return sentences


_LAST_SPACE = re.compile(r"\s\S*$")


def _pieces(text: str, limit: int) -> list[tuple[int, str]]:
    """``text`` cut into (offset, piece) of at most ``limit`` characters, each cut at the last
    whitespace before the limit (which goes with neither piece), else at the limit."""
    pieces = []
    start = 0
    while len(text) - start > limit:
        space = _LAST_SPACE.search(text, start + 1, start + limit + 1)
        end = space.start() if space else start + limit
        pieces.append((start, text[start:end]))
        start = end + 1 if space else end
    pieces.append((start, text[start:]))
    return pieces


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
