"""Bad gold files end in one line naming the file (and line) and the fix: a typed GoldError in
the library, `Error: ...` and exit 1 from every command that reads gold, never a traceback,
and no output file written."""

import json
import shutil

import pytest
from click.testing import CliRunner

from argmine.cli import main
from argmine.errors import AnnotationError, GoldError
from argmine.evaluation.agreement import read_annotations
from argmine.gold import load_gold
from conftest import GOLD, ROOT

DOC = "crs-sri-lanka-election"
NAME = f"{DOC}.jsonl"
ROWS = [json.loads(line) for line in (GOLD / NAME).read_text(encoding="utf-8").splitlines()[:3]]
FIELDS = "doc_id, sent_id, section, text, role, level"
ROLES = "benefit, challenge, recommendation, none"
LEVELS = "grand_strategic, strategic, practical, none"


def _line(row) -> str:
    return row if isinstance(row, str) else json.dumps(row, ensure_ascii=False)


def _second(**changes) -> dict:
    """The real second gold row with ``changes`` (a value of None drops the field)."""
    row = {**ROWS[1], **changes}
    return {k: v for k, v in row.items() if v is not None}


# (case, second line of the gold file, message after "PATH:2: ")
BAD_ROWS = [
    (
        "not-json",
        _line(ROWS[1])[:40],
        "not valid JSON (Unterminated string starting at); each line must be one JSON object",
    ),
    ("not-an-object", "[1, 2]", "not a JSON object; each line must be one JSON object"),
    ("unknown-role", _second(role="advice"), f"unknown role label 'advice'; use one of {ROLES}"),
    ("unknown-level", _second(level="tactical"), f"unknown level label 'tactical'; use one of {LEVELS}"),
    ("missing-field", _second(text=None), f"missing field 'text'; every row needs {FIELDS}"),
    ("missing-label", _second(level=None), f"missing field 'level'; every row needs {FIELDS}"),
    ("duplicate-sent-id", _second(sent_id=1), f"duplicate sent_id 1 for document '{DOC}'; ids must be unique"),
    ("sent-id-not-integer", _second(sent_id="2"), "sent_id must be a positive integer, got '2'"),
    (
        "doc-id-not-string",
        _second(doc_id=["x"]),
        "doc_id must be a non-empty string (the document's file name without its suffix), got ['x']",
    ),
    (
        "text-empty",
        _second(text=" "),
        "text must be a non-empty string (the sentence as in the cleaned document), got ' '",
    ),
    ("exclude-not-boolean", _second(exclude="yes"), "exclude must be true or false, got 'yes'"),
    (
        "text-not-in-document",
        _second(text="Sri Lanka held no election at all."),
        f"the sentence does not occur in document '{DOC}' ('Sri Lanka held "
        "no election at all.'); copy the text from the cleaned document",
    ),
]


@pytest.fixture
def corpus(tmp_path, monkeypatch):
    """tmp_path/gold (empty) and tmp_path/raw holding the real document; the working folder is tmp_path."""
    (tmp_path / "gold").mkdir()
    (tmp_path / "raw").mkdir()
    shutil.copy(ROOT / "corpus" / "raw" / f"{DOC}.md", tmp_path / "raw")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def write_gold(folder, lines, name=NAME):
    path = folder / "gold" / name
    path.write_text("".join(_line(row) + "\n" for row in lines), encoding="utf-8")
    return path


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


# Every command that reads gold, with the file it would write (which must not appear).
COMMANDS = {
    "evaluate": (["evaluate", "--gold", "gold", "--model", "rules", "--json", "report.json"], "report.json"),
    "train": (["train", "--gold", "gold", "--classifier", "rules", "--out", "model.skops"], "model.skops"),
    "export": (["export", "--gold", "gold", "--format", "csv", "--out", "gold.csv"], "gold.csv"),
}


def assert_cli_error(result, message, corpus, written):
    assert result.exit_code == 1
    assert result.output == f"Error: {message}\n"
    assert "Traceback" not in result.output
    assert not (corpus / written).exists()


def assert_refused_everywhere(corpus, gold, message):
    """``load_gold(gold)`` raises GoldError(message), and every command that reads gold prints it
    as its one line (paths are relative to the working folder, as a user types them)."""
    with pytest.raises(GoldError) as err:
        load_gold(gold)
    assert str(err.value) == message
    for args, written in COMMANDS.values():
        assert_cli_error(invoke(*args), message, corpus, written)


def test_the_real_rows_load(corpus):
    """The baseline every case below breaks one line of."""
    gold = load_gold(write_gold(corpus, ROWS))
    assert gold["sent_id"].tolist() == [1, 2, 3]


@pytest.mark.parametrize("second, message", [case[1:] for case in BAD_ROWS], ids=[case[0] for case in BAD_ROWS])
def test_bad_row_library(corpus, second, message):
    path = write_gold(corpus, [ROWS[0], second, ROWS[2]])
    with pytest.raises(GoldError) as err:
        load_gold(corpus / "gold")
    assert str(err.value) == f"{path}:2: {message}"


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("second, message", [case[1:] for case in BAD_ROWS], ids=[case[0] for case in BAD_ROWS])
def test_bad_row_cli(corpus, command, second, message):
    write_gold(corpus, [ROWS[0], second, ROWS[2]])
    args, written = COMMANDS[command]
    assert_cli_error(invoke(*args), f"gold/{NAME}:2: {message}", corpus, written)


def test_line_numbers_count_blank_lines(corpus):
    path = write_gold(corpus, [ROWS[0], "", _second(role="advice")])
    with pytest.raises(GoldError) as err:
        load_gold(path)
    assert str(err.value) == f"{path}:3: unknown role label 'advice'; use one of {ROLES}"


def test_document_not_found(corpus):
    write_gold(corpus, [ROWS[0], _second(doc_id="no-such-report")])
    message = (
        f"gold/{NAME}:2: document 'no-such-report' not found in raw/; put the raw document there (same name as doc_id)"
    )
    assert_refused_everywhere(corpus, "gold", message)


def test_not_utf8(corpus):
    path = corpus / "gold" / NAME
    second = _line(ROWS[1]).encode()
    path.write_bytes((_line(ROWS[0]) + "\n").encode() + second[:30] + b"\xed" + second[30:] + b"\n")
    assert_refused_everywhere(corpus, "gold", f"gold/{NAME}:2: not UTF-8 text (byte 0xed); save the file as UTF-8")


def test_byte_order_mark_is_accepted(corpus):
    """A gold file saved with a UTF-8 byte order mark (Windows editors) loses no row."""
    path = write_gold(corpus, ROWS)
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert load_gold(path)["sent_id"].tolist() == [1, 2, 3]


@pytest.mark.parametrize("content", ["", "\n\n"], ids=["empty", "blank-lines"])
def test_empty_gold_file(corpus, content):
    (corpus / "gold" / NAME).write_text(content)
    assert_refused_everywhere(
        corpus, "gold", f"gold/{NAME}: the gold file has no rows; add one JSON object per sentence"
    )


def test_empty_gold_folder(corpus):
    (corpus / "gold" / "notes.txt").write_text("not gold\n")
    assert_refused_everywhere(
        corpus, "gold", "gold: no *.jsonl gold files in this folder; give a gold file or a folder of them"
    )


def test_missing_gold_path(corpus):
    shutil.rmtree(corpus / "gold")
    assert_refused_everywhere(corpus, "gold", "gold: no such gold file or folder; check the path")


def test_gold_entry_that_is_a_folder(corpus):
    write_gold(corpus, ROWS)
    (corpus / "gold" / "zz.jsonl").mkdir()
    with pytest.raises(GoldError) as err:
        load_gold(corpus / "gold")
    assert (
        str(err.value)
        == f"{corpus / 'gold' / 'zz.jsonl'}: cannot be read (Is a directory); check the path and its permissions"
    )


def test_document_labelled_in_two_files(corpus):
    write_gold(corpus, ROWS[:2], "a.jsonl")
    write_gold(corpus, ROWS[2:], "b.jsonl")
    message = f"gold/b.jsonl: document '{DOC}' is also labelled in gold/a.jsonl; keep one gold file per document"
    assert_refused_everywhere(corpus, "gold", message)


# `argmine agreement A B` reads gold files (or annotation passes) with its own checks: no
# document is needed, and a sentence labelled twice names the line of its first row.
AGREEMENT_ROWS = [
    (
        "not-json",
        _line(ROWS[1])[:40],
        "not valid JSON (Unterminated string starting at); each line must be one JSON object",
    ),
    ("unknown-role", _second(role="advice"), f"unknown role label 'advice'; use one of {ROLES}"),
    ("unknown-level", _second(level="tactical"), f"unknown level label 'tactical'; use one of {LEVELS}"),
    ("missing-field", _second(level=None), "missing field 'level'; every row needs sent_id, role, level"),
    ("duplicate-sent-id", _second(sent_id=1), "sentence 1 is labelled twice (also line 1); keep one row per sentence"),
]


@pytest.mark.parametrize(
    "second, message", [case[1:] for case in AGREEMENT_ROWS], ids=[case[0] for case in AGREEMENT_ROWS]
)
def test_bad_row_agreement(corpus, second, message):
    good = write_gold(corpus, ROWS, "a.jsonl")
    bad = write_gold(corpus, [ROWS[0], second, ROWS[2]], "b.jsonl")
    with pytest.raises(AnnotationError) as err:
        read_annotations(bad)
    assert str(err.value) == f"{bad}:2: {message}"
    for a, b in ((good, bad), (bad, good)):  # whichever side is bad
        result = invoke("agreement", a.relative_to(corpus), b.relative_to(corpus), "--json", "agreement.json")
        assert_cli_error(result, f"gold/b.jsonl:2: {message}", corpus, "agreement.json")


def test_agreement_empty_and_not_utf8(corpus):
    good = write_gold(corpus, ROWS, "a.jsonl")
    bad = corpus / "gold" / "b.jsonl"
    bad.write_text("")
    result = invoke("agreement", "gold/a.jsonl", "gold/b.jsonl")
    assert_cli_error(result, "gold/b.jsonl: no rows; add one JSON object per sentence", corpus, "agreement.json")
    bad.write_bytes(good.read_bytes() + b"\xff\n")
    result = invoke("agreement", "gold/a.jsonl", "gold/b.jsonl")
    assert_cli_error(
        result, "gold/b.jsonl:4: not UTF-8 text (byte 0xff); save the file as UTF-8", corpus, "agreement.json"
    )


def test_import_not_utf8(corpus):
    """Annotation-tool exports read back by `argmine import` are checked the same way."""
    export = corpus / "tasks.jsonl"
    export.write_bytes(b'{"text": "A sentence."}\n{"text": "caf\xe9"}\n')
    result = invoke("import", "--format", "doccano", "tasks.jsonl", "--out", "gold/imported.jsonl")
    assert_cli_error(
        result, "tasks.jsonl:2: not UTF-8 text (byte 0xe9); save the file as UTF-8", corpus, "gold/imported.jsonl"
    )


@pytest.mark.parametrize(
    "line, message",
    [
        ('{"text": "A sentence."', "not valid JSON (Expecting ',' delimiter); each line must be one JSON object"),
        ("[1, 2]", "not a JSON object; each line must be one JSON object"),
        ('{"sent_id": 1}', "not a sentence record (no 'text'); give `argmine run` sentences"),
    ],
)
def test_export_of_bad_predictions(corpus, line, message):
    """`argmine export --pred` reads sentence files through the same checks."""
    (corpus / "doc.sentences.jsonl").write_text(line + "\n", encoding="utf-8")
    result = invoke("export", "--pred", "doc.sentences.jsonl", "--format", "csv", "--out", "pred.csv")
    assert_cli_error(result, f"doc.sentences.jsonl:1: {message}", corpus, "pred.csv")
