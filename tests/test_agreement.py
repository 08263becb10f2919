"""`argmine agreement` on the project's two annotation passes."""

import json

import jsonschema
import pytest
from click.testing import CliRunner
from sklearn.metrics import cohen_kappa_score

from argmine.cli import main
from argmine.evaluation.agreement import agreement, krippendorff_alpha
from conftest import ROOT

PASSES = ROOT / "corpus" / "annotations"
DOCS = sorted(p.name.removesuffix(".A.jsonl") for p in PASSES.glob("*.A.jsonl"))
SCHEMA = json.loads((ROOT / "docs" / "schemas" / "agreement.schema.json").read_text())


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def read(path):
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_krippendorff_alpha_on_the_published_example():
    """Krippendorff (2011), 'Computing Krippendorff's Alpha-Reliability': 4 coders, 12 units,
    missing values; nominal alpha = 0.743."""
    n = None
    coders = [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, n, n, n],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, n, 3],
        [n, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, n],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, n],
    ]
    assert krippendorff_alpha([list(unit) for unit in zip(*coders)]) == pytest.approx(0.743, abs=5e-4)
    assert krippendorff_alpha([["a", "a"], ["b", "b"]]) == 1.0
    assert krippendorff_alpha([["a", "a"], ["a", "a"]]) == 1.0  # no variation, no disagreement
    assert krippendorff_alpha([["a", None], [None, "b"]]) is None  # nothing pairable


@pytest.mark.parametrize("doc", DOCS)
def test_kappa_matches_scikit_learn_on_every_annotation_pass(doc, tmp_path):
    a, b = PASSES / f"{doc}.A.jsonl", PASSES / f"{doc}.B.jsonl"
    report = agreement(a, b, documents=tmp_path)  # no documents there: no texts, faster
    rows_a, rows_b = read(a), read(b)
    compared = [(x, y) for x, y in zip(rows_a, rows_b) if not (x["exclude"] and y["exclude"])]
    assert report["rows"]["compared"] == len(compared)
    assert report["rows"]["both_excluded"] == len(rows_a) - len(compared)
    for axis in ("role", "level"):
        kappa = cohen_kappa_score([x[axis] for x, _ in compared], [y[axis] for _, y in compared])
        assert report["axes"][axis]["kappa"] == pytest.approx(kappa, abs=5e-5)
        assert report["axes"][axis]["alpha"] == pytest.approx(kappa, abs=0.01)  # two coders: alpha is close to kappa
        assert sum(map(sum, report["axes"][axis]["confusion"]["matrix"])) == len(compared)
    differing = {x["sent_id"] for x, y in compared if (x["role"], x["level"]) != (y["role"], y["level"])}
    assert {d["sent_id"] for d in report["disagreements"]} == differing
    jsonschema.Draft202012Validator(SCHEMA).validate(report)


def test_the_guidelines_table_is_reproduced():
    """docs/annotation-guidelines.md: crs-mq9-reaper, 64 rows compared, role 0.946, level 0.882."""
    report = agreement(PASSES / "crs-mq9-reaper.A.jsonl", PASSES / "crs-mq9-reaper.B.jsonl", documents=PASSES)
    assert report["rows"]["compared"] == 64
    assert (round(report["axes"]["role"]["kappa"], 3), round(report["axes"]["level"]["kappa"], 3)) == (0.946, 0.882)


def test_cli_table_with_the_disagreeing_sentences(tmp_path):
    a, b = PASSES / "crs-mq9-reaper.A.jsonl", PASSES / "crs-mq9-reaper.B.jsonl"
    result = invoke("agreement", a, b, "--json", tmp_path / "agreement.json")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[2] == "sentences compared: 64 (A 68, B 68; both excluded 4, only in A 0, only in B 0)"
    assert lines[4] == "role: Cohen's kappa 0.946, Krippendorff's alpha 0.947, observed agreement 0.984"
    assert lines[5].split() == ["A", "\\", "B", "benefit", "challenge", "recommendation", "none"]
    assert lines[9].split() == ["none", "0", "1", "0", "53"]
    assert "disagreements: 2" in lines
    at = lines.index("- sentence 28: role none / challenge")
    # the text comes from the document, segmented as the annotators saw it
    assert lines[at + 1].startswith(
        "    Some Members of Congress, as well as human rights and media organizations, have raised concerns"
    )
    report = json.loads((tmp_path / "agreement.json").read_text())
    assert report["disagreements"][1]["a"] == {"role": "none", "level": "practical"}
    assert report["disagreements"][1]["b"] == {"role": "challenge", "level": "practical"}
    jsonschema.Draft202012Validator(SCHEMA).validate(report)


def test_cli_json_to_stdout_and_gold_files(tmp_path):
    """Two gold-format files (doc_id and text in the rows), e.g. from `argmine import` of two annotators."""
    gold = [
        json.loads(line)
        for line in (ROOT / "corpus" / "gold" / "crs-sri-lanka-election.jsonl").read_text().splitlines()
    ]
    other = [dict(r) for r in gold]
    other[3]["level"] = "none" if gold[3]["level"] != "none" else "practical"
    (tmp_path / "a.jsonl").write_text("".join(json.dumps(r) + "\n" for r in gold))
    (tmp_path / "b.jsonl").write_text("".join(json.dumps(r) + "\n" for r in other))
    result = invoke("agreement", tmp_path / "a.jsonl", tmp_path / "b.jsonl", "--json", "-")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["axes"]["role"]["kappa"] == 1.0
    (d,) = report["disagreements"]
    assert (d["doc_id"], d["sent_id"], d["text"], d["axes"]) == (
        gold[3]["doc_id"],
        gold[3]["sent_id"],
        gold[3]["text"],
        ["level"],
    )


def test_errors_name_file_and_line(tmp_path):
    a = tmp_path / "doc.A.jsonl"
    a.write_text('{"sent_id": 1, "role": "none", "level": "none"}\n{"sent_id": 2, "role": "advice", "level": "none"}\n')
    result = invoke("agreement", a, a)
    assert result.exit_code == 1
    assert (
        result.output
        == f"Error: {a}:2: unknown role label 'advice'; use one of benefit, challenge, recommendation, none\n"
    )
    b = tmp_path / "doc.B.jsonl"
    a.write_text('{"sent_id": 1, "role": "none", "level": "none"}\n')
    b.write_text('{"sent_id": 5, "role": "none", "level": "none"}\n')
    result = invoke("agreement", a, b)
    assert (
        result.output
        == f"Error: {b}: no sentence pairs with {a} (rows pair by doc_id and sent_id); compare two annotations of the same document\n"
    )
    b.write_text('{"sent_id": 1, "role": "none"}\n')
    result = invoke("agreement", a, b)
    assert result.output == f"Error: {b}:1: missing field 'level'; every row needs sent_id, role, level\n"
