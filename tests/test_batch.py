"""Running collections: globs, progress, --quiet, --jobs, skip/resume/--force, combined outputs, engines."""

import csv
import json
import os
import shutil
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from argmine import cli
from argmine.cli import main
from conftest import ROOT

DOCS = ["crs-us-japan-relations", "dod-nds2018-summary", "japan-nato-cooperation"]
# Three of the bundled documents in a folder of their own: the collection every test runs.
RAW = Path(tempfile.mkdtemp(prefix="argmine-batch-"))
for _doc in DOCS:
    shutil.copy(ROOT / "corpus" / "raw" / f"{_doc}.txt", RAW)
COMBINED = ["sentences.parquet", "sentences.csv", "collection.summary.json", "collection.summary.md"]


def need_dask():
    """The Dask tests run wherever Dask is installed, and always in CI (make installs the extra)."""
    if os.environ.get("CI"):
        import distributed  # noqa: F401  CI must run them: fail rather than skip
    else:
        pytest.importorskip("distributed")


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def outputs(out):
    """Every output file's bytes, run.json without its timing."""
    files = {p.name: p.read_bytes() for p in sorted(out.iterdir())}
    run = json.loads(files.pop("run.json"))
    del run["seconds"]
    return files, run


def statuses(out):
    return {d["doc_id"]: d["status"] for d in json.loads((out / "run.json").read_text())["documents"]}


@pytest.fixture(scope="module")
def reference_run(tmp_path_factory):
    """corpus/raw run once, single process: what every other way of running must reproduce."""
    out = tmp_path_factory.mktemp("reference") / "out"
    result = invoke("run", RAW, "--out", out, "--quiet")
    assert result.exit_code == 0, result.output
    return out


def test_progress_bar_on_a_terminal(tmp_path, monkeypatch):
    monkeypatch.setattr(cli, "_terminal", lambda: True)
    result = invoke("run", RAW, "--out", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert "documents: 100%" in result.output and "3/3" in result.output
    assert "468 sentences" in result.output and "sentences/s" in result.output
    assert "# Benefits and challenges of Japan-NATO cooperation" in result.output


def test_quiet_shows_no_bar_and_no_summaries(tmp_path, monkeypatch):
    monkeypatch.setattr(cli, "_terminal", lambda: True)
    result = invoke("run", RAW, "--out", tmp_path / "out", "--quiet")
    assert result.exit_code == 0, result.output
    assert (
        result.output
        == f"3 documents done, 0 skipped (up to date), 0 failed; 468 sentences; outputs in {tmp_path / 'out'}/\n"
    )


def test_no_bar_when_not_a_terminal(tmp_path):
    result = invoke("run", RAW / "crs-us-japan-relations.txt", "--out", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert "documents:" not in result.output and "sentences/s" not in result.output


def test_library_reports_progress_through_a_callback(tmp_path):
    from argmine.run.pipeline import run

    reports = []
    record = run([RAW], tmp_path / "out", progress=reports.append)
    assert reports[0].total == 3 and reports[0].documents == 0 and reports[0].entry is None
    assert [r.documents for r in reports[1:4]] == [1, 2, 3]
    assert [r.entry["doc_id"] for r in reports[1:4]] == DOCS
    assert reports[3].sentences == sum(d["sentences"] for d in record["documents"]) == 468
    assert reports[-1].stage == "combining"


def test_globs_are_expanded_by_argmine(tmp_path, reference_run):
    nested = tmp_path / "in" / "a" / "b"
    nested.mkdir(parents=True)
    shutil.copy(RAW / "crs-us-japan-relations.txt", nested)
    (nested / "notes.csv").write_text("not a document\n")
    out = tmp_path / "out"
    result = invoke("run", f"{RAW}/*.txt", f"{tmp_path}/in/**/*", "--out", out, "--quiet")
    assert result.exit_code == 0, result.output
    assert list(statuses(out)) == DOCS + ["crs-us-japan-relations-2"]


def test_glob_matching_nothing_is_a_usage_error(tmp_path):
    pattern = f"{tmp_path}/*.txt"
    result = invoke("run", pattern, "--out", tmp_path / "out")
    assert result.exit_code == 2
    assert result.output.endswith(
        f"Error: {pattern}: no files match this pattern; check the pattern (quote it to let argmine expand it)\n"
    )


def test_jobs_give_byte_identical_outputs(tmp_path, reference_run):
    bad = tmp_path / "in" / "broken.txt"
    bad.parent.mkdir()
    bad.write_bytes(b"")
    one, two = tmp_path / "one", tmp_path / "two"
    assert invoke("run", RAW, bad, "--out", one, "--quiet").exit_code == 1
    result = invoke("run", RAW, bad, "--out", two, "--quiet", "--jobs", "2")
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: {bad}: the file is empty; give a document with text in it\n")
    assert outputs(one) == outputs(two)
    assert statuses(two) == {**{d: "ok" for d in DOCS}, "broken": "failed"}
    files, _ = outputs(two)
    reference, _ = outputs(reference_run)
    assert {k: v for k, v in files.items()} == reference  # the failed document adds nothing


def test_rerun_skips_finished_documents_and_force_redoes_them(tmp_path):
    out = tmp_path / "out"
    assert invoke("run", RAW, "--out", out, "--quiet").exit_code == 0
    before = outputs(out)
    times = {doc: (out / f"{doc}.summary.json").stat().st_mtime_ns for doc in DOCS}
    result = invoke("run", RAW, "--out", out, "--quiet")
    assert result.exit_code == 0
    assert result.output == f"0 documents done, 3 skipped (up to date), 0 failed; 468 sentences; outputs in {out}/\n"
    assert set(statuses(out).values()) == {"skipped"}
    assert {doc: (out / f"{doc}.summary.json").stat().st_mtime_ns for doc in DOCS} == times
    files, run = outputs(out)
    assert files == before[0]
    assert [d["sentences"] for d in run["documents"]] == [d["sentences"] for d in before[1]["documents"]]
    assert invoke("run", RAW, "--out", out, "--quiet", "--force").exit_code == 0
    assert set(statuses(out).values()) == {"ok"}
    assert outputs(out) == before


def test_a_killed_run_continues_where_it_stopped(tmp_path, reference_run):
    out = tmp_path / "out"
    shutil.copytree(reference_run, out)
    # Killed while writing the second document's summary: its JSON never appeared, a temp file did.
    (out / "dod-nds2018-summary.summary.json").unlink()
    (out / ".dod-nds2018-summary.summary.json.4242.tmp").write_text('{"schema_version": "1.0", "doc_')
    # ... before the third document was started; run.json and the combined outputs never written.
    for name in ["japan-nato-cooperation.sentences.jsonl", "japan-nato-cooperation.summary.md", "run.json", *COMBINED]:
        (out / name).unlink()
    result = invoke("run", RAW, "--out", out, "--quiet")
    assert result.exit_code == 0, result.output
    assert statuses(out) == {
        "crs-us-japan-relations": "skipped",
        "dod-nds2018-summary": "ok",
        "japan-nato-cooperation": "ok",
    }
    assert outputs(out)[0] == outputs(reference_run)[0]  # temp file gone, everything whole


def test_changed_input_or_model_is_redone(tmp_path):
    docs = tmp_path / "in"
    shutil.copytree(RAW, docs)
    out = tmp_path / "out"
    assert invoke("run", docs, "--out", out, "--quiet").exit_code == 0
    changed = docs / "crs-us-japan-relations.txt"
    changed.write_text(changed.read_text() + "\nJapan should host more exercises.\n")
    assert invoke("run", docs, "--out", out, "--quiet").exit_code == 0
    assert statuses(out) == {
        "crs-us-japan-relations": "ok",
        "dod-nds2018-summary": "skipped",
        "japan-nato-cooperation": "skipped",
    }
    summary = json.loads((out / "crs-us-japan-relations.summary.json").read_text())
    assert summary["totals"]["sentences"] == 76
    assert invoke("run", docs, "--out", out, "--quiet", "--model", "rules").exit_code == 0
    assert set(statuses(out).values()) == {"ok"}


def test_combined_outputs_are_sorted_and_complete(tmp_path, reference_run):
    import pandas as pd

    table = pd.read_parquet(reference_run / "sentences.parquet")
    lines = [
        json.loads(line) for doc in DOCS for line in (reference_run / f"{doc}.sentences.jsonl").read_text().splitlines()
    ]
    assert len(table) == len(lines) == 468
    assert list(zip(table["doc_id"], table["sent_id"])) == sorted(zip(table["doc_id"], table["sent_id"]))
    expected = pd.DataFrame(lines).drop(columns="schema_version")
    expected["page"] = expected["page"].astype("float64")  # no PDF here: page is null throughout
    pd.testing.assert_frame_equal(table, expected[list(table.columns)])
    with open(reference_run / "sentences.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert [(r["doc_id"], int(r["sent_id"]), r["text"], r["role"]) for r in rows] == list(
        zip(table["doc_id"], table["sent_id"], table["text"], table["role"])
    )
    collection = json.loads((reference_run / "collection.summary.json").read_text())
    assert [d["doc_id"] for d in collection["documents"]] == DOCS
    for doc in collection["documents"]:
        summary = json.loads((reference_run / f"{doc['doc_id']}.summary.json").read_text())
        assert doc["cells"] == {lv: {r: c["count"] for r, c in cells.items()} for lv, cells in summary["cells"].items()}
    strongest = collection["evidence"]["strategic"]["recommendation"]
    assert len(strongest) == collection["per_cell"] == 10
    every = [
        {"doc_id": doc, **e}
        for doc in DOCS
        for e in json.loads((reference_run / f"{doc}.summary.json").read_text())["cells"]["strategic"][
            "recommendation"
        ]["evidence"]
    ]
    assert strongest == sorted(every, key=lambda e: (-e["confidence"], e["doc_id"], e["sent_id"]))[:10]
    markdown = (reference_run / "collection.summary.md").read_text()
    assert "3 documents, 468 sentences" in markdown and "| japan-nato-cooperation | 137 |" in markdown


def test_a_run_where_every_document_fails_still_writes_empty_combined_outputs(tmp_path):
    import pandas as pd

    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"")
    out = tmp_path / "out"
    assert invoke("run", bad, "--out", out, "--quiet").exit_code == 1
    assert len(pd.read_parquet(out / "sentences.parquet")) == 0
    assert (out / "sentences.csv").read_text().startswith("doc_id,sent_id,start,end,section,page,text,role,")
    assert json.loads((out / "collection.summary.json").read_text())["totals"]["documents"] == 0


def test_scheduler_needs_the_dask_engine(tmp_path):
    result = invoke("run", RAW, "--out", tmp_path / "out", "--scheduler", "tcp://127.0.0.1:8786")
    assert result.exit_code == 2
    assert result.output.endswith("Error: --scheduler needs --engine dask\n")


def test_dask_engine_not_installed(tmp_path, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "distributed", None)
    result = invoke("run", RAW, "--out", tmp_path / "out", "--engine", "dask")
    assert result.exit_code == 1
    assert (
        result.output
        == "Error: the dask engine needs Dask distributed, which is not installed; install it with pip install 'argmine[dask]'\n"
    )


def test_dask_scheduler_unreachable(tmp_path, monkeypatch):
    need_dask()
    from argmine.run import engines

    monkeypatch.setattr(engines, "SCHEDULER_TIMEOUT", "1s")
    result = invoke("run", RAW, "--out", tmp_path / "out", "--engine", "dask", "--scheduler", "tcp://127.0.0.1:9")
    assert result.exit_code == 1
    assert result.output == (
        "Error: tcp://127.0.0.1:9: cannot reach the Dask scheduler "
        "(OSError); check the address, or leave it out for a local cluster\n"
    )


def test_dask_engine_gives_the_same_outputs(tmp_path, reference_run):
    need_dask()
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None) as cluster:
        assert len(cluster.workers) == 2
        out = tmp_path / "out"
        result = invoke(
            "run", RAW, "--out", out, "--quiet", "--engine", "dask", "--scheduler", cluster.scheduler_address
        )
        assert result.exit_code == 0, result.output
    assert outputs(out) == outputs(reference_run)


def test_outputs_inside_the_input_folder_are_not_read_as_documents(tmp_path):
    docs = tmp_path / "reports"
    docs.mkdir()
    shutil.copy(RAW / "crs-us-japan-relations.txt", docs)
    out = docs / "out"
    for _ in range(2):
        result = invoke("run", docs, "--out", out, "--quiet")
        assert result.exit_code == 0, result.output
        assert list(statuses(out)) == ["crs-us-japan-relations"]


def test_a_folder_without_documents_is_a_usage_error(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "notes.csv").write_text("a,b\n")
    result = invoke("run", empty, "--out", tmp_path / "out")
    assert result.exit_code == 2
    assert result.output.endswith(
        "Error: no documents (.docx, .htm, .html, .markdown, .md, .pdf, .text, .txt) found in the given paths\n"
    )


def test_the_tally_counts_in_the_right_number(tmp_path):
    one = tmp_path / "one.txt"
    one.write_text("Japan should deepen its cooperation with NATO.\n", encoding="utf-8")
    out = tmp_path / "out"
    result = invoke("run", one, "--out", out, "--quiet")
    assert result.exit_code == 0, result.output
    assert result.output == f"1 document done, 0 skipped (up to date), 0 failed; 1 sentence; outputs in {out}/\n"
    assert "1 document, 1 sentence: " in (out / "collection.summary.md").read_text()
    assert "1 sentence: 0 benefits, 0 challenges, 1 recommendation." in (out / "one.summary.md").read_text()
    assert "Showing 1 of 1 sentence<" in (out / "one.html").read_text()
