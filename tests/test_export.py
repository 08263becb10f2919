import pandas as pd
import pytest
import spacy
from spacy.tokens import DocBin
from spacy.training import Corpus, Example

from argmine.exchange.spacy import cat_key, to_docbin
from argmine.gold import load_gold
from argmine.scheme import load_scheme
from conftest import GOLD


@pytest.fixture(scope="module")
def gold():
    return load_gold(GOLD / "crs-us-japan-relations.jsonl")


def one_hot(axis, label):
    return {cat_key(axis.name, name): float(name == label) for name in axis.names}


def test_docbin_round_trips_text_cats_and_row_data(gold):
    scheme = load_scheme()
    data = to_docbin(gold, scheme).to_bytes()
    docs = list(DocBin().from_bytes(data).get_docs(spacy.blank("en").vocab))
    assert len(docs) == len(gold)
    for doc, row in zip(docs, gold.to_dict("records")):
        assert doc.text == row["text"]
        expected = {}
        for axis in scheme.axes:
            expected.update(one_hot(axis, row[axis.name]))
        assert doc.cats == expected  # both axes, namespaced, one-hot
        assert sum(doc.cats.values()) == len(scheme.axes)
        for column in ("doc_id", "sent_id", "section", "start", "end", "exclude", "note", "annotator"):
            assert doc.user_data[column] == row[column]
        assert doc.user_data["position"] == pytest.approx(row["position"])
    assert docs[0].cats["role:none"] == 1.0 and docs[0].cats["level:grand_strategic"] == 1.0


def test_docbin_of_one_axis_and_of_unlabelled_rows():
    scheme = load_scheme()
    rows = pd.DataFrame(
        {
            "text": ["Japan should act.", "Tokyo and Brussels met.", "No label here."],
            "role": ["recommendation", "none", None],
        }
    )
    docs = list(to_docbin(rows, scheme, axes=["role"]).get_docs(spacy.blank("en").vocab))
    assert docs[0].cats == one_hot(scheme.axis("role"), "recommendation")
    assert docs[1].cats == one_hot(scheme.axis("role"), "none")
    assert docs[2].cats == {}  # unlabelled: no cats, still a Doc
    assert docs[0].user_data == {}  # no row data given, none stored
    assert [t.text for t in docs[0]] == ["Japan", "should", "act", "."]  # tokenised by blank English


def test_docbin_uses_the_given_tokenizer():
    nlp = spacy.blank("en")
    nlp.tokenizer.add_special_case("should", [{"ORTH": "sho"}, {"ORTH": "uld"}])
    docs = list(to_docbin(pd.DataFrame({"text": ["Japan should act."]}), nlp=nlp).get_docs(nlp.vocab))
    assert [t.text for t in docs[0]] == ["Japan", "sho", "uld", "act", "."]


def test_docbin_refuses_an_unknown_label():
    with pytest.raises(
        ValueError, match="unknown role label 'praise'; use one of benefit, challenge, recommendation, none"
    ):
        to_docbin(pd.DataFrame({"text": ["Good."], "role": ["praise"]}))


def test_spacy_training_corpus_reads_the_docbin(tmp_path, gold):
    """What `spacy train` does with paths.train: spacy.training.Corpus over a .spacy file yields Examples."""
    path = tmp_path / "gold.spacy"
    to_docbin(gold).to_disk(path)
    nlp = spacy.blank("en")
    examples = list(Corpus(path)(nlp))
    assert len(examples) == len(gold)
    assert all(isinstance(eg, Example) for eg in examples)
    first = gold.iloc[0]
    assert examples[0].predicted.text == examples[0].reference.text == first["text"]
    assert examples[0].reference.cats[cat_key("role", first["role"])] == 1.0
    assert examples[0].reference.cats[cat_key("level", first["level"])] == 1.0
