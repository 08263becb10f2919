"""Real public-domain documents (tests/realdocs/): hand-checked sections and sentences come out
whole and under the right heading, and the furniture share stays within what bench/furniture.py
measured (docs/ingest.md)."""

import re
import tomllib

import pytest

from argmine.ingest import ingest
from argmine.segment import segment
from conftest import ROOT

REALDOCS = ROOT / "tests" / "realdocs"
EXPECTATIONS = tomllib.loads((REALDOCS / "expectations.toml").read_text(encoding="utf-8"))

# The share of furniture sentences that documents with known, unsolved leaks may keep.
KNOWN_LEAKS = {"sba-sop-9081": 0.25, "gao-06-282": 0.08, "gao-06-1046": 0.12}

pytestmark = pytest.mark.slow  # a dozen PDFs, pages and Word files read for real


def matches(pattern: str, text: str) -> bool:
    return bool(re.search(pattern[3:], text)) if pattern.startswith("re:") else pattern in text


@pytest.fixture(scope="module", params=sorted(EXPECTATIONS))
def case(request):
    document = ingest(REALDOCS / request.param)
    return EXPECTATIONS[request.param], document, segment(document)


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


def test_furniture_is_rare(case):
    """At most 3% of a document's sentences are furniture, except in the documents where
    docs/ingest.md says why (a form page; GAO's notice and addressee list glued to a paragraph)."""
    expected, document, sentences = case
    furniture = [s.text for s in sentences if any(matches(p, s.text) for p in expected["absent"])]
    limit = next((n for name, n in KNOWN_LEAKS.items() if name in document.path), 0.03)
    assert len(furniture) <= limit * len(sentences), furniture


def test_dropped_is_counted(case):
    _, document, _ = case
    assert all(isinstance(n, int) and n > 0 for n in document.dropped.values())
