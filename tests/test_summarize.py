"""Summaries a reader can trust: full counts with a bounded list of evidence per cell, each text
cited once (in a document and across a collection), and counted nouns in the right number."""

import json
from pathlib import Path

import jsonschema
from click.testing import CliRunner

from argmine import config
from argmine.cli import main
from argmine.render.markdown import collection_markdown, counted, summary_markdown
from argmine.summarize import summarize
from argmine.types import Block, Document, Sentence
from conftest import ROOT

SCHEMAS = ROOT / "docs" / "schemas"


def labelled(texts_and_strengths):
    """A document of recommendations at the strategic level, one sentence per (text, confidence)."""
    text = " ".join(t for t, _ in texts_and_strengths)
    document = Document("doc", "doc.txt", text, [Block(0, len(text), "")])
    sentences, start = [], 0
    for number, (sentence, confidence) in enumerate(texts_and_strengths, 1):
        sentences.append(
            Sentence(
                "doc",
                number,
                start,
                start + len(sentence),
                "",
                sentence,
                labels={"role": "recommendation", "level": "strategic"},
                confidences={"role": confidence, "level": 1.0},
            )
        )
        start += len(sentence) + 1
    return document, sentences


def test_evidence_is_capped_and_the_count_is_not():
    document, sentences = labelled([(f"Congress should act on item {i}.", 0.5 + i / 100) for i in range(25)])
    summary = summarize(document, sentences, per_cell=4)
    cell = summary["cells"]["strategic"]["recommendation"]
    assert cell["count"] == 25 and summary["totals"]["sentences"] == 25
    assert [e["sent_id"] for e in cell["evidence"]] == [25, 24, 23, 22]  # the strongest, strongest first
    assert summary["per_cell"] == 4


def test_the_cap_is_a_run_setting(tmp_path, monkeypatch):
    monkeypatch.delenv(config.ENV, raising=False)
    assert config.settings("run")["evidence_per_cell"] == 10
    document, sentences = labelled([(f"Congress should act on item {i}.", 0.5) for i in range(25)])
    assert len(summarize(document, sentences)["cells"]["strategic"]["recommendation"]["evidence"]) == 10
    user = tmp_path / "mine.toml"
    user.write_text("[run]\nevidence_per_cell = 3\n", encoding="utf-8")
    monkeypatch.setenv(config.ENV, str(user))
    assert len(summarize(document, sentences)["cells"]["strategic"]["recommendation"]["evidence"]) == 3


def test_a_repeated_sentence_is_cited_once_at_its_strongest():
    repeated = "The Department should modernize the nuclear triad."
    document, sentences = labelled(
        [(repeated, 0.6), ("Allies should spend more on defense.", 0.7), (repeated, 0.9), (repeated.upper(), 0.8)]
        + [(f"  {repeated}  ".replace(" ", "  "), 0.95)]
    )
    cell = summarize(document, sentences)["cells"]["strategic"]["recommendation"]
    assert cell["count"] == 5
    assert [(e["sent_id"], e["confidence"]) for e in cell["evidence"]] == [(5, 0.95), (2, 0.7)]


def test_markdown_counts_what_it_does_not_show():
    document, sentences = labelled([("The Department should act now.", 0.9)] * 8 + [("Allies should act.", 0.5)])
    markdown = summary_markdown(summarize(document, sentences))
    assert "9 sentences: 0 benefits, 0 challenges, 9 recommendations." in markdown
    assert "- ... and 7 more in the sentences file" in markdown  # 2 cited, 7 more
    document, sentences = labelled([("The Department should act now.", 0.9)])
    assert "1 sentence: 0 benefits, 0 challenges, 1 recommendation." in summary_markdown(summarize(document, sentences))


def test_counted():
    assert [counted(n, "document") for n in (0, 1, 2)] == ["0 documents", "1 document", "2 documents"]
    assert counted(1, "strategy") == "1 strategy" and counted(3, "strategy") == "3 strategies"


def run(*args):
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert result.exit_code == 0, result.output
    return result


def test_a_sentence_many_documents_share_fills_one_place_in_the_collection(tmp_path):
    shared = "The United States should lead with diplomacy."
    docs = tmp_path / "docs"
    docs.mkdir()
    for i in range(6):
        (docs / f"speech-{i}.txt").write_text(
            f"Remarks {i}\n\n{shared} Congress should fund program {i} next year.\n", encoding="utf-8"
        )
    out = tmp_path / "out"
    result = run("run", docs, "--out", out, "--quiet")
    assert result.output.startswith("6 documents done, 0 skipped (up to date), 0 failed; 12 sentences;")
    collection = json.loads((out / "collection.summary.json").read_text())
    texts = [e["text"] for cells in collection["evidence"].values() for items in cells.values() for e in items]
    assert texts.count(shared) == 1 and len(texts) == len(set(texts))
    cited = [e for cells in collection["evidence"].values() for items in cells.values() for e in items]
    assert len(cited) == 7  # the shared sentence once, and each document's own
    markdown = (out / "collection.summary.md").read_text()
    assert markdown.count(shared) == 1 and "6 documents, 12 sentences:" in markdown
    jsonschema.Draft202012Validator(json.loads((SCHEMAS / "collection.summary.schema.json").read_text())).validate(
        collection
    )


def test_a_long_document_has_a_small_summary(tmp_path):
    """Every sentence of a long document used to be evidence: 6.4 MB of summary.json for a 619-page PDF."""
    docs = tmp_path / "docs"
    docs.mkdir()
    corpus = sorted((ROOT / "corpus" / "raw").glob("*.md"))[:12]
    (docs / "long.md").write_text("\n\n".join(p.read_text(encoding="utf-8") for p in corpus), encoding="utf-8")
    out = tmp_path / "out"
    run("run", docs, "--out", out, "--quiet")
    summary = json.loads((out / "long.summary.json").read_text())
    counts = [c["count"] for cells in summary["cells"].values() for c in cells.values()]
    evidence = [len(c["evidence"]) for cells in summary["cells"].values() for c in cells.values()]
    assert sum(counts) == summary["totals"]["sentences"] > 1500
    assert max(evidence) == 10 and all(e <= min(c, 10) for e, c in zip(evidence, counts))
    assert (out / "long.summary.json").stat().st_size < 100_000  # at most 10 sentences in each of 16 cells
    jsonschema.Draft202012Validator(json.loads((SCHEMAS / "summary.schema.json").read_text())).validate(summary)


def test_collection_markdown_escapes_document_text():
    evidence = {"doc_id": "a_b", "sent_id": 1, "text": "Adopt <script>alert(1)</script> [now](x).", "confidence": 0.5}
    empty = {r: [] for r in ("benefit", "challenge", "recommendation", "none")}
    collection = {
        "documents": [{"doc_id": "a_b", "sentences": 1, "cells": {lv: dict.fromkeys(empty, 0) for lv in LEVELS}}],
        "totals": {"documents": 1, "sentences": 1, "cells": {lv: dict.fromkeys(empty, 0) for lv in LEVELS}},
        "evidence": {lv: {**empty, "recommendation": [evidence] if lv == "strategic" else []} for lv in LEVELS},
    }
    collection["totals"]["cells"]["strategic"]["recommendation"] = 1
    markdown = collection_markdown(collection)
    assert "1 document, 1 sentence: 0 benefits, 0 challenges, 1 recommendation." in markdown
    assert "<script>" not in markdown and "&lt;script&gt;" in markdown and "\\[now\\](x)" in markdown
    assert "| a\\_b | 1 |" in markdown


LEVELS = ("grand_strategic", "strategic", "practical", "none")


def test_the_schemas_parse():
    for name in ("summary", "collection.summary", "run"):
        jsonschema.Draft202012Validator.check_schema(json.loads(Path(SCHEMAS / f"{name}.schema.json").read_text()))
