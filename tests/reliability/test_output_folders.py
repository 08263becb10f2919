"""Output folders as a new user meets them: `argmine run` never replaces an input or a file it did not
write, stops on a usage error before writing anything, keeps one output set per input file however
its path is typed, describes every document of the folder in the collection outputs, and lets one
run at a time write into a folder. docs/reliability.md lists the cases."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from argmine.cli import main
from argmine.run import folder
from argmine.run.folder import COMBINED, LOCK, RECORD
from conftest import ROOT

PAGE = """<!doctype html><html><head><title>Alliance brief</title></head><body><main>
<h1>Alliance brief</h1>
<p>Japan and NATO should deepen their cooperation on cyber defence. The allies face a long-term
challenge from authoritarian states, and closer ties would strengthen deterrence in both regions.</p>
</main></body></html>
"""
BRIEF = (
    "Maritime security\n\nThe partners should hold joint exercises every year. Closer ties would"
    " strengthen deterrence, although the distance between them remains a real obstacle.\n"
)
NOTE = "Trade\n\nCongress could consider new tariffs. Higher tariffs would raise prices for consumers.\n"


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def snapshot(path: Path) -> dict:
    """Every file under ``path`` with its bytes and modification time."""
    return {p.relative_to(path): (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(path.rglob("*")) if p.is_file()}


def unchanged(before: dict, after: dict) -> None:
    """The documents' outputs untouched (bytes and time), the combined ones the same bytes (a run
    rewrites them), run.json and the record aside."""
    assert set(before) - {Path("run.json"), Path(RECORD)} == set(after) - {Path("run.json"), Path(RECORD)}
    for name, (data, mtime) in before.items():
        if name.name in ("run.json", RECORD):
            continue
        assert after[name][0] == data, name
        if name.name not in COMBINED:
            assert after[name][1] == mtime, name


def statuses(out: Path) -> dict:
    return {d["doc_id"]: d["status"] for d in json.loads((out / "run.json").read_text())["documents"]}


def collection_ids(out: Path) -> list[str]:
    return [d["doc_id"] for d in json.loads((out / "collection.summary.json").read_text())["documents"]]


@pytest.fixture
def docs(tmp_path):
    folder_ = tmp_path / "docs"
    folder_.mkdir()
    (folder_ / "brief.txt").write_text(BRIEF, encoding="utf-8")
    (folder_ / "note.md").write_text(NOTE, encoding="utf-8")
    return folder_


# Inputs and files argmine did not write


def test_an_html_input_in_the_output_folder_is_not_replaced_by_its_report(tmp_path):
    (tmp_path / "page.html").write_text(PAGE, encoding="utf-8")
    before = snapshot(tmp_path)
    result = invoke("run", tmp_path / "page.html", "--out", tmp_path)
    assert result.exit_code == 1
    assert result.output == (
        f"Error: {tmp_path / 'page.html'}: is a document of this run, and argmine would write its output page.html"
        f" over it; give --out a folder of its own, e.g. --out {tmp_path / 'argmine-out'}\n"
    )
    assert snapshot(tmp_path) == before  # nothing written, not even the lock or the record
    result = invoke("run", tmp_path / "page.html", "--out", tmp_path / "argmine-out", "--quiet")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "page.html").read_text(encoding="utf-8") == PAGE


def test_an_input_named_by_a_link_in_the_output_folder_is_not_replaced(tmp_path):
    (tmp_path / "page.html").write_text(PAGE, encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    os.symlink(tmp_path / "page.html", out / "page.html")
    result = invoke("run", out / "page.html", "--out", out)
    assert result.exit_code == 1 and result.output.startswith(f"Error: {out / 'page.html'}: is a document of this run")
    assert os.path.islink(out / "page.html") and (tmp_path / "page.html").read_text(encoding="utf-8") == PAGE


@pytest.mark.parametrize(
    "name",
    ["brief.html", "brief.summary.md", "brief.sentences.jsonl", "run.json", "sentences.csv", "collection.summary.md"],
)
def test_a_file_argmine_did_not_write_is_never_replaced(docs, tmp_path, name):
    out = tmp_path / "out"
    out.mkdir()
    (out / name).write_text("the user's own file\n")
    result = invoke("run", docs, "--out", out)
    assert result.exit_code == 1
    assert result.output == (
        f"Error: {out / name}: exists and argmine did not write it, so it will not replace it;"
        " move the file elsewhere, or give --out another folder\n"
    )
    assert [p.name for p in out.iterdir()] == [name]
    assert (out / name).read_text() == "the user's own file\n"


def test_other_files_in_the_output_folder_are_left_alone(docs, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    mine = {"notes.md": "mine\n", ".draft.123.tmp": "a temporary file of another program\n"}
    for name, text in mine.items():
        (out / name).write_text(text)
    for _ in range(2):
        assert invoke("run", docs, "--out", out, "--quiet").exit_code == 0
    assert {name: (out / name).read_text() for name in mine} == mine


# Usage errors write nothing


def test_no_documents_writes_nothing(docs, tmp_path):
    out = tmp_path / "out"
    assert invoke("run", docs, "--out", out, "--quiet").exit_code == 0
    before = snapshot(out)
    empty = tmp_path / "empty"
    empty.mkdir()
    for target in (out, tmp_path / "new"):
        result = invoke("run", empty, "--out", target)
        assert result.exit_code == 2
        assert result.output.endswith(
            "Error: no documents (.docx, .htm, .html, .markdown, .md, .pdf, .text, .txt) found in the given paths\n"
        )
    assert snapshot(out) == before
    assert not (tmp_path / "new").exists()


def test_a_path_that_does_not_exist_writes_nothing(docs, tmp_path):
    result = invoke("run", docs, tmp_path / "missing.txt", "--out", tmp_path / "out")
    assert result.exit_code == 2
    assert result.output.endswith(f"Error: {tmp_path / 'missing.txt'}: no such file or folder; check the path\n")
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("inside", [".", "sub"])
def test_a_folder_that_is_the_output_folder_is_a_usage_error(docs, inside):
    (docs / "sub").mkdir()
    (docs / "sub" / "extra.txt").write_text(NOTE, encoding="utf-8")
    before = snapshot(docs)
    given = docs / inside
    result = invoke("run", given, "--out", docs)
    assert result.exit_code == 2
    assert result.output.endswith(
        f"Error: {given}: is the --out folder (or inside it), whose files argmine never reads as documents;"
        f" give --out a folder of its own, e.g. --out {given / 'argmine-out'}\n"
    )
    assert snapshot(docs) == before


# The collection outputs describe the whole folder


def test_adding_a_document_keeps_the_others_in_the_collection(docs, tmp_path):
    import pandas as pd

    out = tmp_path / "out"
    assert invoke("run", docs / "brief.txt", "--out", out, "--quiet").exit_code == 0
    assert invoke("run", docs / "note.md", "--out", out, "--quiet").exit_code == 0
    assert statuses(out) == {"note": "ok"}  # run.json: this run
    assert collection_ids(out) == ["brief", "note"]  # the collection: the folder
    assert sorted(set(pd.read_parquet(out / "sentences.parquet")["doc_id"])) == ["brief", "note"]
    assert "2 documents, " in (out / "collection.summary.md").read_text()
    both = tmp_path / "both"
    assert invoke("run", docs, "--out", both, "--quiet").exit_code == 0
    for name in ("sentences.parquet", "sentences.csv", "collection.summary.json", "collection.summary.md"):
        assert (out / name).read_bytes() == (both / name).read_bytes(), name


def test_a_document_that_fails_later_keeps_its_outputs(docs, tmp_path):
    out = tmp_path / "out"
    assert invoke("run", docs, "--out", out, "--quiet").exit_code == 0
    (docs / "note.md").write_bytes(b"")
    result = invoke("run", docs, "--out", out, "--quiet")
    assert result.exit_code == 1
    assert statuses(out) == {"brief": "skipped", "note": "failed"}
    assert collection_ids(out) == ["brief", "note"]  # its earlier outputs are still in the folder


# One output set per input file


def test_the_same_file_typed_differently_is_skipped(docs, tmp_path, monkeypatch):
    out = tmp_path / "out"
    assert invoke("run", docs / "brief.txt", "--out", out, "--quiet").exit_code == 0
    before = snapshot(out)
    os.symlink(docs / "brief.txt", tmp_path / "alias.txt")
    monkeypatch.chdir(docs)
    for given, out_given in [
        ("brief.txt", out),  # relative
        (docs / "brief.txt", "../out"),  # absolute, the output folder relative
        ("../docs/./brief.txt", out),
        (tmp_path / "alias.txt", out),  # through a link, under another name
    ]:
        result = invoke("run", given, "--out", out_given, "--quiet")
        assert result.exit_code == 0, result.output
        assert statuses(out) == {"brief": "skipped"}, given
    unchanged(before, snapshot(out))


def test_another_file_with_the_same_name_gets_its_own_doc_id(docs, tmp_path):
    out = tmp_path / "out"
    assert invoke("run", docs / "brief.txt", "--out", out, "--quiet").exit_code == 0
    first = snapshot(out)
    other = tmp_path / "other"
    other.mkdir()
    (other / "brief.txt").write_text(BRIEF + "\nThe allies should also share intelligence.\n", encoding="utf-8")
    assert invoke("run", other / "brief.txt", "--out", out, "--quiet").exit_code == 0
    assert statuses(out) == {"brief-2": "ok"}
    for name, data in first.items():
        if name.name.startswith("brief."):
            assert snapshot(out)[name] == data, name  # the first file's outputs untouched
    assert collection_ids(out) == ["brief", "brief-2"]
    assert invoke("run", docs / "brief.txt", other / "brief.txt", "--out", out, "--quiet").exit_code == 0
    assert statuses(out) == {"brief": "skipped", "brief-2": "skipped"}


def test_a_moved_folder_keeps_its_doc_ids(docs, tmp_path):
    out = tmp_path / "out"
    assert invoke("run", docs, "--out", out, "--quiet").exit_code == 0
    docs.rename(tmp_path / "moved")
    assert invoke("run", tmp_path / "moved", "--out", out, "--quiet").exit_code == 0
    assert statuses(out) == {"brief": "skipped", "note": "skipped"}  # same content, same model
    assert json.loads((out / RECORD).read_text())["documents"] == {
        "brief": str((tmp_path / "moved" / "brief.txt").resolve()),
        "note": str((tmp_path / "moved" / "note.md").resolve()),
    }


def test_a_folder_written_before_the_record_existed(docs, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "out"
    assert invoke("run", "docs", "--out", "out", "--quiet").exit_code == 0
    (out / RECORD).unlink()  # as an older argmine left it: the summaries name their inputs
    before = snapshot(out)
    assert invoke("run", "docs", "--out", "out", "--quiet").exit_code == 0
    assert statuses(out) == {"brief": "skipped", "note": "skipped"}
    unchanged(before, snapshot(out))
    assert json.loads((out / RECORD).read_text())["documents"] == {
        "brief": str((tmp_path / "docs" / "brief.txt").resolve()),
        "note": str((tmp_path / "docs" / "note.md").resolve()),
    }


def test_a_damaged_record_is_named(docs, tmp_path):
    out = tmp_path / "out"
    assert invoke("run", docs, "--out", out, "--quiet").exit_code == 0
    (out / RECORD).write_text("{not json")
    result = invoke("run", docs, "--out", out)
    assert result.exit_code == 1
    assert result.output == (
        f"Error: {out / RECORD}: damaged (argmine's record of its outputs in this folder); delete it,"
        " and argmine reads the outputs' own summaries instead\n"
    )


# One run at a time


def test_a_second_run_into_the_same_folder_stops(docs, tmp_path):
    out = tmp_path / "out"
    assert invoke("run", docs / "brief.txt", "--out", out, "--quiet").exit_code == 0
    before = snapshot(out)
    with folder.locked(out):
        holder = json.loads((out / LOCK).read_text())
        result = invoke("run", docs, "--out", out)
        assert snapshot(out) == {**before, Path(LOCK): snapshot(out)[Path(LOCK)]}
    assert result.exit_code == 1
    assert result.output == (
        f"Error: {out}: another argmine run (pid {os.getpid()} on {holder['host']}, since {holder['started']})"
        " is writing into this folder; wait until it ends, or give --out another folder\n"
    )
    assert not (out / LOCK).exists()
    assert invoke("run", docs, "--out", out, "--quiet").exit_code == 0


def test_a_lock_left_by_a_killed_run_does_not_block(docs, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from pathlib import Path; from argmine.run import folder\n"
            "with folder.locked(Path(sys.argv[1])):\n    print('locked', flush=True); time.sleep(60)",
            str(out),
        ],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")])},
    )
    try:
        assert holder.stdout.readline() == "locked\n"
        assert "another argmine run (pid" in invoke("run", docs, "--out", out).output
        holder.send_signal(signal.SIGKILL)  # like kill -9: the lock file stays, its lock goes with the process
        holder.wait(timeout=10)
    finally:
        holder.kill()
    assert (out / LOCK).exists()
    started = time.monotonic()
    result = invoke("run", docs, "--out", out, "--quiet")
    assert result.exit_code == 0, result.output
    assert time.monotonic() - started < 30 and not (out / LOCK).exists()


def test_a_copied_lock_file_does_not_block(docs, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / LOCK).write_text('{"pid": 999999999, "host": "elsewhere", "started": "2020-01-01 00:00:00"}\n')
    assert invoke("run", docs, "--out", out, "--quiet").exit_code == 0
    assert not (out / LOCK).exists()
