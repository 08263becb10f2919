import json

import pytest

from argmine.errors import GoldError
from argmine.gold import load_gold
from argmine.scheme import load_scheme
from conftest import GOLD, REFERENCE


def test_reference_gold_is_complete_and_valid():
    gold = load_gold(GOLD / "japan-nato-cooperation.jsonl")
    assert len(gold) == 137
    assert list(gold["sent_id"]) == list(range(1, 138))
    scheme = load_scheme()
    for axis in scheme.axes:
        assert set(gold[axis.name]) <= set(axis.names)
    # gold offsets point at the sentence in the cleaned document
    from argmine.ingest import ingest

    text = ingest(REFERENCE).text
    for row in gold.itertuples():
        assert text[row.start : row.end] == row.text


def test_every_label_occurs_in_the_gold():
    gold = load_gold(GOLD)
    for axis in load_scheme().axes:
        assert set(gold[axis.name]) == set(axis.names)


def _write(tmp_path, rows):
    gold = tmp_path / "gold"
    raw = tmp_path / "raw"
    gold.mkdir()
    raw.mkdir()
    (raw / "doc.txt").write_text("Title\n\nJapan should act now. The alliance is old.\n")
    path = gold / "doc.jsonl"
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows))
    return path


GOOD = {
    "doc_id": "doc",
    "sent_id": 1,
    "section": "",
    "text": "Japan should act now.",
    "role": "recommendation",
    "level": "strategic",
}


@pytest.mark.parametrize(
    "second, message",
    [
        (
            "{not json",
            ":2: not valid JSON (Expecting property name enclosed in double quotes); each line must be one JSON object",
        ),
        (
            {**GOOD, "sent_id": 2, "role": "advice"},
            ":2: unknown role label 'advice'; use one of benefit, challenge, recommendation, none",
        ),
        (
            {k: v for k, v in GOOD.items() if k != "level"} | {"sent_id": 2},
            ":2: missing field 'level'; every row needs doc_id, sent_id, section, text, role, level",
        ),
        (GOOD, ":2: duplicate sent_id 1 for document 'doc'; ids must be unique"),
        (
            {**GOOD, "sent_id": 2, "text": "A sentence that is not there."},
            ":2: the sentence does not occur in document 'doc' ('A sentence "
            "that is not there.'); copy the text from the cleaned document",
        ),
    ],
)
def test_bad_gold_rows_name_file_and_line(tmp_path, second, message):
    path = _write(tmp_path, [GOOD, second])
    with pytest.raises(GoldError) as err:
        load_gold(path)
    assert str(err.value) == f"{path}{message}"


def test_missing_document_is_named(tmp_path):
    path = _write(tmp_path, [{**GOOD, "doc_id": "other"}])
    with pytest.raises(
        GoldError, match=r"doc.jsonl:1: document 'other' not found in .*raw/; put the raw document there"
    ):
        load_gold(path)
