"""`argmine suggest`: the least certain sentences, ready for an annotation tool."""

import json
import math

import jsonschema
import pytest
from click.testing import CliRunner

from argmine.cli import main
from argmine.ingest import ingest
from argmine.model import load_model
from argmine.segment import segment
from argmine.suggest import entropy, margin, suggest
from conftest import ROOT

RAW = ROOT / "corpus" / "raw"
DOCS = [RAW / "crs-mq9-reaper.md", RAW / "crs-sri-lanka-election.md"]


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_margin_and_entropy():
    assert margin({"a": 0.7, "b": 0.2, "c": 0.1}) == pytest.approx(0.5)
    assert margin({"a": 1.0}) == 1.0
    assert entropy({"a": 0.5, "b": 0.5}) == pytest.approx(1.0)
    assert entropy({"a": 1.0, "b": 0.0, "c": 0.0}) == 0.0
    p = {"a": 0.7, "b": 0.2, "c": 0.1}
    assert entropy(p) == pytest.approx(-sum(x * math.log(x) for x in p.values()) / math.log(3))


@pytest.fixture(scope="module")
def pool():
    """Every sentence of DOCS with the default model's probabilities, computed independently."""
    model = load_model("default")
    rows = []
    for path in DOCS:
        sentences = segment(ingest(path))
        predicted = model.predict(sentences)
        for i, s in enumerate(sentences):
            rows.append(
                {"key": (s.doc_id, s.sent_id), **{a: predicted[f"{a}_proba"].iloc[i] for a in ("role", "level")}}
            )
    return rows


@pytest.mark.parametrize("by", ["margin", "entropy"])
def test_the_least_certain_come_first(pool, by):
    result = suggest(DOCS, load_model("default"), n=10, by=by)
    assert result["pool"] == len(pool) == 103 and result["documents"] == 2 and result["failed"] == []
    measure = margin if by == "margin" else entropy
    worst = min if by == "margin" else max
    expected = {row["key"]: worst(measure(row["role"]), measure(row["level"])) for row in pool}
    scores = [r["uncertainty"]["score"] for r in result["sentences"]]
    assert len(scores) == 10
    assert scores == sorted(scores, reverse=(by == "entropy"))
    for record in result["sentences"]:
        assert record["uncertainty"]["score"] == pytest.approx(expected[record["doc_id"], record["sent_id"]], abs=1e-4)
    cut = scores[-1]
    others = [v for k, v in expected.items() if k not in {(r["doc_id"], r["sent_id"]) for r in result["sentences"]}]
    assert all(
        (v >= cut - 1e-4) if by == "margin" else (v <= cut + 1e-4) for v in others
    )  # nothing left out was less certain


def test_one_axis(pool):
    result = suggest(DOCS, load_model("default"), n=5, by="margin", axis="level")
    assert {r["uncertainty"]["axis"] for r in result["sentences"]} == {"level"}
    assert all(set(r["uncertainty"]) == {"by", "score", "axis", "level"} for r in result["sentences"])


def test_cli_table_jsonl_and_export(tmp_path):
    out = tmp_path / "next.jsonl"
    result = invoke("suggest", *DOCS, "-n", "4", "--by", "entropy", "--out", out)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split()[:5] == ["#", "sentence", "axis", "entropy", "labels"]
    assert len([x for x in lines if x[:3].strip().isdigit()]) == 4
    assert "4 of 103 sentences in 2 documents, by entropy" in lines
    records = [json.loads(x) for x in out.read_text().splitlines()]
    assert len(records) == 4
    validator = jsonschema.Draft202012Validator(
        json.loads((ROOT / "docs" / "schemas" / "sentence.schema.json").read_text())
    )
    for record in records:
        validator.validate(record)  # sentence records plus `uncertainty`
    ls = tmp_path / "ls"
    result = invoke("export", "--pred", out, "--format", "label-studio", "--out", ls)
    assert result.exit_code == 0, result.output
    tasks = json.loads((ls / "tasks.json").read_text())
    assert [t["data"]["text"] for t in tasks] == [r["text"] for r in records]
    assert all(t["predictions"][0]["result"] for t in tasks)


def test_cli_errors(tmp_path):
    result = invoke("suggest", RAW / "crs-mq9-reaper.md", "--axis", "tone")
    assert result.exit_code == 1
    assert result.output == "Error: the model has no axis 'tone'; use one of role, level\n"
    result = invoke("suggest", tmp_path / "nope")
    assert result.exit_code == 2
    assert result.output.endswith(f"Error: {tmp_path / 'nope'}: no such file or folder; check the path\n")
