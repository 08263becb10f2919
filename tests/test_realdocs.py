"""Real public-domain documents (tests/realdocs/): hand-checked sections and sentences come out
whole and under the right heading, and furniture stays rare: at most 3% of any document's
sentences, 1% on average (bench/furniture.py reports the figures; docs/ingest.md)."""

import re
import tomllib

import pytest

from argmine.ingest import ingest
from argmine.segment import segment
from conftest import ROOT

REALDOCS = ROOT / "tests" / "realdocs"
EXPECTATIONS = tomllib.loads((REALDOCS / "expectations.toml").read_text(encoding="utf-8"))
MAX_SHARE, MEAN_SHARE = 0.03, 0.01  # of a document's sentences that are furniture: in any one, on average

pytestmark = pytest.mark.slow  # a dozen PDFs, pages and Word files read for real


def matches(pattern: str, text: str) -> bool:
    return bool(re.search(pattern[3:], text)) if pattern.startswith("re:") else pattern in text


@pytest.fixture(scope="module")
def documents():
    """Every document ingested once: its expectations, the Document and its sentences."""
    read = {}
    for name, expected in EXPECTATIONS.items():
        document = ingest(REALDOCS / name)
        read[name] = expected, document, segment(document)
    return read


@pytest.fixture(params=sorted(EXPECTATIONS))
def case(request, documents):
    return documents[request.param]


def furniture(expected, sentences) -> list[str]:
    return [s.text for s in sentences if any(matches(p, s.text) for p in expected["absent"])]


def test_at_least_twelve_documents_in_five_formats():
    assert len(EXPECTATIONS) >= 12
    assert {name.rsplit(".", 1)[1] for name in EXPECTATIONS} == {"pdf", "html", "docx", "md", "txt"}
    assert all((REALDOCS / name).exists() for name in EXPECTATIONS)


def test_hand_checked_sentences_under_their_sections(case):
    expected, document, sentences = case
    found = {(s.section, s.text) for s in sentences}
    for section, text in expected["sentences"]:
        assert (section, text) in found, text
    headings = iter(document.sections)
    assert all(any(h == want for h in headings) for want in expected["sections"]), document.sections


def test_furniture_is_rare_in_every_document(case):
    expected, _, sentences = case
    found = furniture(expected, sentences)
    assert len(found) <= MAX_SHARE * len(sentences), found


def test_furniture_is_rarer_on_average(documents):
    shares = [len(furniture(expected, sentences)) / len(sentences) for expected, _, sentences in documents.values()]
    assert sum(shares) / len(shares) <= MEAN_SHARE, shares


def test_dropped_is_counted(case):
    _, document, _ = case
    assert all(isinstance(n, int) and n > 0 for n in document.dropped.values())
