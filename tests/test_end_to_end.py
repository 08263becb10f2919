"""The README's main command on the reference paper, every output checked against its published schema."""

import json
import subprocess
import sys

import jsonschema
import pytest

from conftest import REFERENCE, ROOT

pytestmark = pytest.mark.slow  # runs the README's main command in a subprocess

SCHEMAS = ROOT / "docs" / "schemas"


def validator(name):
    schema = json.loads((SCHEMAS / f"{name}.schema.json").read_text())
    return jsonschema.Draft202012Validator(schema)


def test_run_reference_paper(tmp_path):
    out = tmp_path / "out"
    proc = subprocess.run(
        [sys.executable, "-m", "argmine", "run", str(REFERENCE), "--out", str(out)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("# Benefits and challenges of Japan-NATO cooperation")
    doc = "japan-nato-cooperation"
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [f"{doc}.html", f"{doc}.sentences.jsonl", f"{doc}.summary.json", f"{doc}.summary.md", "run.json"]
        + ["sentences.parquet", "sentences.csv", "collection.summary.json", "collection.summary.md"]
        + [".argmine-outputs.json"]  # argmine's record of the documents whose outputs it wrote here
    )
    lines = [json.loads(line) for line in (out / f"{doc}.sentences.jsonl").read_text().splitlines()]
    assert len(lines) == 137
    sentence = validator("sentence")
    for line in lines:
        sentence.validate(line)
    summary = json.loads((out / f"{doc}.summary.json").read_text())
    validator("summary").validate(summary)
    assert summary["totals"]["sentences"] == 137
    assert sum(c["count"] for cells in summary["cells"].values() for c in cells.values()) == 137
    run = json.loads((out / "run.json").read_text())
    validator("run").validate(run)
    assert run["documents"][0]["status"] == "ok"
    collection = json.loads((out / "collection.summary.json").read_text())
    validator("collection.summary").validate(collection)
    assert collection["totals"] == {
        "documents": 1,
        "sentences": 137,
        "cells": {lv: {r: c["count"] for r, c in cells.items()} for lv, cells in summary["cells"].items()},
    }
    markdown = (out / f"{doc}.summary.md").read_text()
    assert "## Grand strategic level" in markdown and "### Recommendations" in markdown


def test_python_api():
    import argmine

    model = argmine.load_model("default")
    result = argmine.process_text(
        "Title\n\nJapan should expand its cyber cooperation with NATO. The summit was held in 2023.", model
    )
    assert [s.labels["role"] for s in result.sentences] == ["recommendation", "none"]
    assert result.summary["totals"]["sentences"] == 2


def test_text_without_sentences_gives_an_empty_summary():
    import argmine

    result = argmine.process_text("", "rules")
    assert result.sentences == [] and result.summary["totals"]["sentences"] == 0
