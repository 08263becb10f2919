from argmine.ingest import ingest, parse
from argmine.segment import segment
from conftest import REFERENCE


def _texts(text):
    return [s.text for s in segment(parse("Title\n\n" + text))]


def test_offset_invariant_on_every_reference_sentence():
    doc = ingest(REFERENCE)
    sentences = segment(doc)
    assert len(sentences) == 137
    for i, s in enumerate(sentences, 1):
        assert s.sent_id == i
        assert doc.text[s.start : s.end] == s.text
        assert s.text == s.text.strip()


def test_sentences_never_cross_paragraphs():
    assert _texts("One.\n\nTwo items here.") == ["One.", "Two items here."]


def test_abbreviations():
    assert _texts("H.Res. 971 and S.Res. 547 would condemn it. It passed.") == [
        "H.Res. 971 and S.Res. 547 would condemn it.",
        "It passed.",
    ]
    assert _texts("Trade rose (e.g. in steel). Dr. Smith agreed.") == [
        "Trade rose (e.g. in steel).",
        "Dr. Smith agreed.",
    ]
    assert _texts("Forces moved to the U.S. The allies agreed.") == ["Forces moved to the U.S.", "The allies agreed."]
    assert _texts("It cites 50 U.S.C. §§1701 et seq.) and other laws.") == [
        "It cites 50 U.S.C. §§1701 et seq.) and other laws."
    ]


def test_boundaries_with_no_listed_abbreviation():
    from argmine.segment import AbbreviationBoundaries, load_segmenter

    nlp = load_segmenter()
    repair = AbbreviationBoundaries(no_split_after=[], split_after_before_function_word=[])
    doc = repair(nlp.get_pipe("sentencizer")(nlp.make_doc("Forces moved to the U.S. The allies agreed. and so on.")))
    # without its list the U.S. keeps the next sentence; a lower-case start still joins its sentence
    assert [s.text for s in doc.sents] == ["Forces moved to the U.S. The allies agreed. and so on."]


def test_sections_and_positions():
    sentences = segment(ingest(REFERENCE))
    assert sentences[0].section == "Theme"
    assert sentences[-1].section == "Conclusions"
    assert sentences[0].position == 0.0 and sentences[-1].position == 1.0


def test_etc_can_end_a_sentence():
    assert _texts("They bought ships, aircraft, etc. The cost was high.") == [
        "They bought ships, aircraft, etc.",
        "The cost was high.",
    ]


def test_segmenter_rebuilt_past_the_vocabulary_limit_segments_the_same(monkeypatch, reference):
    """A long run rebuilds the segmenter when spaCy's vocabulary grows past VOCAB_LIMIT: same sentences."""
    from argmine import segment as seg
    from argmine.ingest import ingest

    document = ingest(reference)
    before = [(s.start, s.end) for s in seg.segment(document)]
    first = seg.load_segmenter()
    monkeypatch.setattr(seg, "VOCAB_LIMIT", 10)
    after = [(s.start, s.end) for s in seg.segment(document)]
    assert seg.load_segmenter() is not first
    assert after == before


def test_block_longer_than_max_length_is_cut_at_whitespace(monkeypatch):
    """spaCy refuses a text over nlp.max_length (E088): such a block is cut at whitespace."""
    from argmine import segment as seg

    document = parse("Title\n\nThe first sentence is long. A second one follows here.")
    monkeypatch.setattr(seg.load_segmenter(), "max_length", 20)
    assert [s.text for s in segment(document)] == ["The first sentence", "is long.", "A second", "one follows here."]
    assert seg._pieces("abcdefghij klm", 4) == [(0, "abcd"), (4, "efgh"), (8, "ij"), (11, "klm")]


def test_spacy_is_imported_without_torch_and_torch_still_imports_after():
    """Segmenting loads spaCy without torch (whose import took about a second of every run's start); code that
    needs torch afterwards (fine-tuning) still gets it."""
    import subprocess
    import sys
    from importlib.util import find_spec

    code = (
        "import sys\n"
        "from argmine.segment import segment\n"
        "from argmine.ingest import parse\n"
        "sentences = segment(parse('One sentence. Another one.', doc_id='d'))\n"
        "assert [s.text for s in sentences] == ['One sentence.', 'Another one.'], sentences\n"
        "assert 'torch' not in sys.modules\n"
        "import thinc.compat\n"
        "assert not thinc.compat.has_torch\n"
        f"if {find_spec('torch') is not None}:\n"
        "    import torch\n"
        "    assert torch.tensor([1.0]).sum().item() == 1.0\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
