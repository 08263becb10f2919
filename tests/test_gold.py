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


def test_splits_give_each_document_its_genre_and_split():
    gold = load_gold(GOLD, split="test")
    assert gold["split"].eq("test").all() and gold["doc_id"].nunique() >= 6
    assert set(gold["genre"]) >= {"speech", "strategy", "analysis", "audit", "testimony", "crs-brief"}


def test_a_bad_splits_line_is_one_line_error(tmp_path):
    import shutil

    (tmp_path / "gold").mkdir()
    shutil.copy(GOLD / "crs-mq9-reaper.jsonl", tmp_path / "gold")
    (tmp_path / "splits.tsv").write_text("doc_id\tgenre\tsplit\ncrs-mq9-reaper crs-brief train\n", encoding="utf-8")
    with pytest.raises(GoldError, match=r"splits.tsv:2: expected doc_id, genre and split separated by tabs"):
        load_gold(tmp_path / "gold", GOLD.parent / "raw")


def test_cross_validation_reports_each_genre():
    from argmine.evaluation import cross_validate

    report = cross_validate(load_gold(GOLD, split="test"), "rules", "documents")
    assert set(report["by_genre"]) == set(load_gold(GOLD, split="test")["genre"])
    assert all(0 <= g["role_macro_f1"] <= 1 and g["documents"] >= 1 for g in report["by_genre"].values())
