"""A batch killed midway and run again: every document is processed exactly once, nothing partial is left.

`argmine run FOLDER --out OUT` runs in a child process on a few dozen documents and is stopped once
some documents are finished but not all:

- by SIGKILL to the main process (``kill -9 PID``, the out-of-memory killer): nothing can clean up;
  the worker processes of ``--jobs 2`` must die with it rather than go on writing;
- by Ctrl-C: SIGINT to the process, and for ``--jobs 2`` also to its whole process group, as a
  terminal sends it; argmine must stop at once with exit code 130 and one line on stderr, with no
  traceback from any process, and no temporary file left.

Then the same command again must finish the run: the documents finished before the stop are
skipped (their files untouched), the others processed, and every output is byte for byte what an
uninterrupted run writes.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from argmine import cli
from argmine.cli import main
from argmine.files import is_temp
from argmine.render.markdown import counted
from argmine.run.folder import LOCK, RECORD
from conftest import ROOT

pytestmark = pytest.mark.slow  # runs killed and interrupted midway, in subprocesses

COPIES = 3  # of each of the 33 bundled documents: 99 documents, a few seconds of work with --model fast
DEADLINE = 60  # seconds for anything to happen; the tests never wait that long when argmine works
PROMPT = 10  # seconds within which a stopped run must have exited (it takes well under one)
PER_DOCUMENT = (".sentences.jsonl", ".summary.md", ".html", ".summary.json")
COMBINED = {"sentences.parquet", "sentences.csv", "collection.summary.json", "collection.summary.md", "run.json"}
INTERRUPTED = re.compile(r"Interrupted: (\d+) of (\d+) documents done; run the same command again to continue\n")
# The child runs this tree's argmine (installed in CI, from src/ here).
ENV = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT / "src"), os.environ.get("PYTHONPATH")]))}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """99 documents: copies of corpus/raw's .txt and .md files under distinct names."""
    folder = tmp_path_factory.mktemp("faults") / "in"
    folder.mkdir()
    for source in sorted((ROOT / "corpus" / "raw").iterdir()):
        if source.suffix in (".txt", ".md"):
            for copy in range(1, COPIES + 1):
                shutil.copy(source, folder / f"{source.stem}-{copy}{source.suffix}")
    return folder


@pytest.fixture(scope="module")
def doc_ids(corpus):
    return sorted(p.stem for p in corpus.iterdir())


@pytest.fixture(scope="module")
def reference(corpus, tmp_path_factory, doc_ids):
    """The same command, never interrupted: what the interrupted run and its rerun must add up to."""
    out = tmp_path_factory.mktemp("reference") / "out"
    done = subprocess.run(command(corpus, out, 1), capture_output=True, text=True, env=ENV, timeout=10 * DEADLINE)
    assert done.returncode == 0, done.stderr
    assert set(statuses(out).values()) == {"ok"} and list(statuses(out)) == doc_ids
    return out


def command(corpus: Path, out: Path, jobs: int) -> list[str]:
    # The fast model: these tests are about stopping and resuming runs, and 99 documents through the
    # fine-tuned default take minutes per run.
    return [
        *[sys.executable, "-m", "argmine", "run", str(corpus), "--out", str(out), "--quiet"],
        *["--jobs", str(jobs), "--model", "fast"],
    ]


def statuses(out: Path) -> dict[str, str]:
    entries = json.loads((out / "run.json").read_text())["documents"]
    assert len({e["doc_id"] for e in entries}) == len(entries), "a document listed twice"
    return {e["doc_id"]: e["status"] for e in entries}


def finished(out: Path) -> list[Path]:
    return sorted(out.glob("*.summary.json"))


def group_members(pgid: int) -> list[int]:
    """Live processes (not zombies) of a process group, from /proc."""
    members = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:  # the process ended meanwhile
            continue
        fields = text[text.rindex(")") + 2 :].split()  # after "pid (command) ": state, ppid, pgrp, ...
        if int(fields[2]) == pgid and fields[0] != "Z":
            members.append(int(stat.parent.name))
    return members


def stop_midway(proc: subprocess.Popen, out: Path, total: int, how: str) -> None:
    """Wait until some documents are finished but not all, then send the signal ``how``."""
    deadline = time.monotonic() + DEADLINE
    while not (out.exists() and 0 < len(finished(out)) < total):
        assert proc.poll() is None, f"the run ended before it could be stopped: {proc.communicate()}"
        assert time.monotonic() < deadline, "no document finished in time"
        time.sleep(0.02)
    if how == "SIGKILL":
        proc.send_signal(signal.SIGKILL)
    elif how == "SIGINT":
        proc.send_signal(signal.SIGINT)
    else:  # "SIGINT group": Ctrl-C in a terminal goes to every process of the foreground group
        os.killpg(proc.pid, signal.SIGINT)


CASES = [
    pytest.param("SIGKILL", 1, id="kill-jobs1"),
    pytest.param("SIGKILL", 2, id="kill-jobs2"),
    pytest.param("SIGINT", 1, id="ctrl-c-jobs1"),
    pytest.param("SIGINT", 2, id="ctrl-c-process-jobs2"),
    pytest.param("SIGINT group", 2, id="ctrl-c-group-jobs2"),
]


@pytest.mark.parametrize("how, jobs", CASES)
def test_a_stopped_run_continues_and_ends_as_if_never_stopped(how, jobs, corpus, doc_ids, reference, tmp_path):
    out = tmp_path / "out"
    total = len(doc_ids)
    proc = subprocess.Popen(
        command(corpus, out, jobs),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=ENV,
        start_new_session=True,
    )
    try:
        stop_midway(proc, out, total, how)
        stdout, stderr = proc.communicate(timeout=PROMPT)  # returns once every process holding the pipes is gone
        deadline = time.monotonic() + DEADLINE
        while group_members(proc.pid):  # no worker outlives the run, killed or interrupted
            assert time.monotonic() < deadline, f"processes left running: {group_members(proc.pid)}"
            time.sleep(0.05)
    finally:
        if group_members(proc.pid):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()

    names = sorted(p.name for p in out.iterdir())
    temp = [n for n in names if is_temp(out / n)]
    if how == "SIGKILL":
        assert proc.returncode == -signal.SIGKILL
    else:
        assert proc.returncode == 130, stderr
        assert stdout == ""
        match = INTERRUPTED.fullmatch(stderr)  # one line; no traceback, neither from argmine nor from a worker
        assert match, stderr
        assert int(match[2]) == total
        # N counts the results the run had received; documents already handed to a worker finish before it stops.
        assert int(match[1]) <= len(finished(out))
        assert temp == []  # an interrupted write removes its temporary file
    # Only per-document outputs and argmine's record of them (and, after SIGKILL, a temporary file the
    # kill cut short, and the lock file, which no longer locks); run.json and the combined outputs are
    # written by a run that ends.
    assert not COMBINED & set(names)
    assert (LOCK in names) == (how == "SIGKILL")
    for name in set(names) - set(temp) - {RECORD, LOCK}:
        assert any(name == doc + suffix for doc in doc_ids for suffix in PER_DOCUMENT), name

    # A summary JSON is written last: where it is, the document's outputs are complete and final.
    before = {p.name.removesuffix(".summary.json"): (p.stat().st_mtime_ns, p.read_bytes()) for p in finished(out)}
    assert 0 < len(before) < total
    for doc in before:
        for suffix in PER_DOCUMENT:
            assert (out / f"{doc}{suffix}").read_bytes() == (reference / f"{doc}{suffix}").read_bytes()

    rerun = subprocess.run(command(corpus, out, jobs), capture_output=True, text=True, env=ENV, timeout=10 * DEADLINE)
    assert rerun.returncode == 0, rerun.stderr
    reference_run = json.loads((reference / "run.json").read_text())
    sentences = sum(d["sentences"] for d in reference_run["documents"])
    assert rerun.stderr == (
        f"{counted(total - len(before), 'document')} done, {len(before)} skipped (up to date), 0 failed;"
        f" {sentences} sentences; outputs in {out}/\n"
    )
    # Every document exactly once: the finished ones skipped and untouched, the others processed.
    assert statuses(out) == {doc: "skipped" if doc in before else "ok" for doc in doc_ids}
    for doc, (mtime, data) in before.items():
        path = out / f"{doc}.summary.json"
        assert (path.stat().st_mtime_ns, path.read_bytes()) == (mtime, data)
    # The same outputs, byte for byte, as the uninterrupted run; no temporary file left.
    assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in reference.iterdir())
    for path in sorted(reference.iterdir()):
        if path.name != "run.json":
            assert (out / path.name).read_bytes() == path.read_bytes(), path.name
    run = json.loads((out / "run.json").read_text())
    del run["seconds"], reference_run["seconds"]
    for entry in run["documents"]:
        entry["status"] = "ok"
    assert run == reference_run


def test_interrupted_message_names_the_documents_done(tmp_path, monkeypatch, corpus):
    from argmine.run import pipeline
    from argmine.run.pipeline import Progress

    def interrupted(paths, out, model, progress=None, **options):
        progress(Progress(36, 0, 0, 0, 0, None))
        progress(Progress(36, 1, 70, 0, 0, {"doc_id": "a", "status": "ok"}))
        raise KeyboardInterrupt

    monkeypatch.setattr(pipeline, "run", interrupted)
    result = CliRunner().invoke(main, ["run", str(corpus), "--out", str(tmp_path / "out")])
    assert result.exit_code == 130
    assert result.output == "Interrupted: 1 of 36 documents done; run the same command again to continue\n"


def test_interrupted_before_any_document(tmp_path, monkeypatch, corpus):
    from argmine.run import pipeline

    def interrupted(*args, **options):  # e.g. while the model loads
        raise KeyboardInterrupt

    monkeypatch.setattr(pipeline, "run", interrupted)
    monkeypatch.setattr(cli, "_terminal", lambda: True)
    result = CliRunner().invoke(main, ["run", str(corpus), "--out", str(tmp_path / "out")])
    assert result.exit_code == 130
    assert result.output == "Interrupted before any document was done; run the same command again to continue\n"
