"""Run documents through ingest -> segment -> classify -> summarize and write the outputs.

A run streams: ``process_document`` handles one document (reads it, writes its outputs,
returns its run.json entry) and is the unit of work of every engine (``engines.py``:
in this process, in worker processes, or on Dask). The combined outputs are built
afterwards by reading the per-document files back one at a time (``collection.py``),
so memory does not grow with the number of documents.
"""

from __future__ import annotations

import glob
import hashlib
import json
import os
import re
import signal
import threading
import time
import tomllib
from contextlib import closing, contextmanager
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path
from typing import Callable, Iterator

from .classify import Model, load_model, model_digest
from .errors import ArgmineError, InputError, ModelError
from .files import is_temp, write_atomic
from .ingest import SUFFIXES, ingest, link_problem, parse
from .report import to_html
from .segment import segment
from .summarize import SCHEMA_VERSION, summarize, to_markdown
from .types import Document, Sentence

__all__ = [
    "Progress", "Result", "Task", "check_paths", "collect", "process", "process_document",
    "process_file", "process_text", "run", "unique_ids", "write_atomic", "write_outputs",
]

_GLOB = re.compile(r"[*?\[]")


@dataclass
class Result:
    document: Document
    sentences: list[Sentence]
    summary: dict


@dataclass(frozen=True)
class Task:
    """One document to process: picklable, so any engine can send it to a worker."""

    path: str  # as collected from the command line; recorded in the outputs
    source: str  # the same file as an absolute path, for workers in other folders
    doc_id: str
    out: str  # absolute output folder
    model: str  # a bundled model's name, "rules" or an absolute model file path
    model_sha256: str
    force: bool = False
    explain: bool = False
    time_limit: float = 0  # seconds the document may take; 0: no limit


@dataclass(frozen=True)
class Progress:
    """How far a run is; the ``progress`` callback of ``run`` receives one after every document."""

    total: int  # documents in the run
    documents: int  # documents finished so far (ok, skipped or failed)
    sentences: int  # sentences of the finished documents
    failed: int
    skipped: int
    entry: dict | None  # run.json entry of the document just finished; None in the first call
    stage: str = "documents"  # "documents", then "combining" while the combined outputs are written


def process(document: Document, model: Model) -> Result:
    sentences = segment(document)
    model.label(sentences)
    return Result(document, sentences, summarize(document, sentences))


def process_text(text: str, model: Model | str = "default", doc_id: str = "text", markdown: bool = False) -> Result:
    """Label the sentences of ``text`` and summarise them."""
    model = load_model(model) if isinstance(model, str) else model
    return process(parse(text, doc_id, "<text>", markdown), model)


def process_file(path: str | Path, model: Model | str = "default", doc_id: str | None = None) -> Result:
    model = load_model(model) if isinstance(model, str) else model
    return process(ingest(path, doc_id), model)


def _is_pattern(p: str | Path) -> bool:
    return not Path(p).exists() and bool(_GLOB.search(str(p)))


def _supported(f: Path) -> bool:
    """A document argmine reads, or a broken link named like one (it fails with a clear error
    rather than disappear from the run)."""
    return f.suffix.lower() in SUFFIXES and not is_temp(f) and (f.is_file() or link_problem(f) is not None)


def collect(paths: list[str | Path], exclude: str | Path | None = None) -> list[Path]:
    """Files named directly, the supported documents inside named folders (sorted, recursive), and
    those a glob pattern matches (sorted; ``**`` matches folders at any depth). A file found twice
    is kept once, where it was first found. Folders and patterns skip what is inside ``exclude``
    (the output folder, whose Markdown summaries are not documents)."""
    files: list[Path] = []
    seen: set[Path] = set()
    skipped = Path(exclude).resolve() if exclude is not None else None

    def add(f: Path, found: bool = True) -> None:
        key = Path(os.path.realpath(f))  # unlike Path.resolve, never raises on a symlink loop
        if found and skipped is not None and key.is_relative_to(skipped):
            return
        if key not in seen:
            seen.add(key)
            files.append(f)

    for p in paths:
        if _is_pattern(p):
            for match in map(Path, sorted(glob.glob(str(p), recursive=True))):
                if match.is_dir():
                    for f in sorted(f for f in match.rglob("*") if _supported(f)):
                        add(f)
                elif _supported(match):
                    add(match)
        elif Path(p).is_dir():
            for f in sorted(f for f in Path(p).rglob("*") if _supported(f)):
                add(f)
        else:
            add(Path(p), found=False)
    return files


def unique_ids(files: list[Path]) -> list[str]:
    """File stems, with -2, -3 ... appended where two files share a stem."""
    seen: dict[str, int] = {}
    ids = []
    for f in files:
        stem = f.stem
        seen[stem] = seen.get(stem, 0) + 1
        ids.append(stem if seen[stem] == 1 else f"{stem}-{seen[stem]}")
    return ids


def check_paths(paths) -> None:
    """Every path exists, and every glob pattern matches at least one file or folder."""
    for p in paths:
        if _is_pattern(p):
            if not glob.glob(str(p), recursive=True):
                raise InputError(f"{p}: no files match this pattern; check the pattern (quote it to let argmine expand it)")
        elif not Path(p).exists():
            raise InputError(f"{p}: {link_problem(Path(p)) or 'no such file or folder; check the path'}")


def run(
    paths: list[str | Path],
    out: str | Path,
    model: str = "default",
    *,
    jobs: int = 1,
    force: bool = False,
    engine: str = "local",
    scheduler: str | None = None,
    progress: Callable[[Progress], None] | None = None,
    explain: bool = False,
    time_limit: float | None = None,
) -> dict:
    """Process every document and write the per-document and combined outputs; one failure never
    stops the others. Returns the run record (run.json).

    Documents whose outputs are already there for the same input content and model are skipped
    (status "skipped") unless ``force``. ``jobs`` > 1 processes documents in worker processes;
    ``engine="dask"`` sends them to Dask workers (a local cluster of ``jobs`` workers, or the
    scheduler at ``scheduler``). ``progress`` is called with a ``Progress`` after every document.
    ``explain`` adds to each sentence the features that pushed its labels (argmine.explain).
    ``time_limit``: seconds one document may take (default: config/run.toml; 0: no limit).
    """
    from .collection import write_collection
    from .engines import run_tasks

    spec = str(Path(model).resolve()) if Path(model).exists() else str(model)
    try:
        _warm(spec)  # a bad model fails the run before any document, and before the output folder is made
    except ModelError as exc:  # named as the user gave it, not by its absolute path
        message = str(exc)
        raise ModelError(str(model) + message[len(spec) :] if message.startswith(spec) else message) from None
    digest = model_digest(spec)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    files = collect(paths, exclude=out)
    ids = unique_ids(files)
    _remove_temp_files(out)
    limit = settings()["time_limit_seconds"] if time_limit is None else time_limit
    tasks = [
        Task(str(f), os.path.abspath(f), doc_id, str(out.resolve()), spec, digest, force, explain, limit)
        for f, doc_id in zip(files, ids)
    ]
    record = {"schema_version": SCHEMA_VERSION, "model": str(model), "model_sha256": digest, "documents": []}
    entries: list[dict | None] = [None] * len(tasks)
    report = progress or (lambda _: None)
    done = sentences = failed = skipped = 0
    report(Progress(len(tasks), 0, 0, 0, 0, None))
    started = time.perf_counter()
    try:  # closed on Ctrl-C too: the engine stops its workers before the run raises
        with closing(run_tasks(tasks, engine=engine, jobs=jobs, scheduler=scheduler)) as results:
            for index, entry in results:
                entries[index] = entry
                done += 1
                sentences += entry["sentences"]
                failed += entry["status"] == "failed"
                skipped += entry["status"] == "skipped"
                report(Progress(len(tasks), done, sentences, failed, skipped, entry))
    except BaseException:
        _remove_temp_files(out)  # what a stopped worker left; the finished documents' outputs stay
        raise
    record["documents"] = entries
    report(Progress(len(tasks), done, sentences, failed, skipped, None, stage="combining"))
    write_collection(out, entries)
    record["seconds"] = round(time.perf_counter() - started, 3)
    write_atomic(out / "run.json", json.dumps(record, indent=2, ensure_ascii=False) + "\n")
    return record


def process_document(task: Task) -> dict:
    """Process one document into ``task.out`` and return its run.json entry.

    Never raises for a bad document: the error goes into the entry. Skips the document when its
    outputs exist for the same input content and model, unless ``task.force``. The model is
    loaded once per process.
    """
    entry = {"path": task.path, "doc_id": task.doc_id, "status": "ok", "error": None, "sentences": 0, "warnings": []}
    try:
        with time_limit(task.time_limit):
            _process_task(task, entry)
    except TimeUp:
        error = f"{task.path}: took longer than {task.time_limit:g} s, the limit for one document; split it, or raise the limit with --time-limit"
    except ArgmineError as exc:
        error = _as_given(str(exc), task)
    except Exception as exc:  # one bad document must never stop the batch
        error = _as_given(f"{task.path}: internal error ({type(exc).__name__}: {exc}); please report it", task)
    else:
        return entry
    entry.update(status="failed", error=error, sentences=0, warnings=[])
    return entry


def _process_task(task: Task, entry: dict) -> None:
    """Skip the document when it is up to date, else process it and write its outputs; record
    which in ``entry``."""
    out = Path(task.out)
    digest = file_digest(task.source)
    if digest is not None and not task.force:
        finished = finished_summary(out, task.doc_id, task.path, digest, task.model_sha256, task.explain)
        if finished is not None:
            entry.update(status="skipped", sentences=int(finished["totals"]["sentences"]), warnings=finished.get("warnings", []))
            return
    document = ingest(task.source, task.doc_id)
    document.path = task.path
    document.warnings = [_as_given(w, task) for w in document.warnings]
    model = _warm(task.model)
    result = process(document, model)
    if task.explain:
        from .explain import explain_sentences

        explain_sentences(model, result.sentences)
    write_outputs(result, out, {"input_sha256": digest, "model_sha256": task.model_sha256, "explained": task.explain})
    entry.update(sentences=len(result.sentences), warnings=document.warnings)


class TimeUp(BaseException):
    """Raised inside a document that outlives its time limit. A BaseException, like
    KeyboardInterrupt, so that no ``except Exception`` of a parser swallows it."""


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise TimeUp in this thread after ``seconds`` (0: never). In the main thread a timer signal
    interrupts the Python code running then (pdfminer is pure Python); in another thread (a Dask
    worker's) a timer thread raises it there, at the next Python instruction. Neither can stop a
    single call into compiled code that never returns."""
    if not seconds:
        yield
        return
    if threading.current_thread() is threading.main_thread():

        def expire(signum, frame):
            raise TimeUp

        previous = signal.signal(signal.SIGALRM, expire)
        signal.setitimer(signal.ITIMER_REAL, seconds)
        try:
            yield
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
        return
    import ctypes

    set_async = ctypes.pythonapi.PyThreadState_SetAsyncExc
    target = ctypes.c_ulong(threading.get_ident())
    timer = threading.Timer(seconds, set_async, (target, ctypes.py_object(TimeUp)))
    timer.start()
    try:
        yield
    finally:
        timer.cancel()
        timer.join()
        set_async(target, None)  # a TimeUp set just as the document finished is not raised later


@cache
def settings() -> dict:
    """Run settings from config/run.toml."""
    return tomllib.loads(resources.files("argmine").joinpath("config/run.toml").read_text(encoding="utf-8"))


@lru_cache(maxsize=2)
def _warm(model: str) -> Model:
    """The model, loaded once per process, and the segmenter loaded with it."""
    from .segment import load_segmenter

    load_segmenter()
    return load_model(model)


def _as_given(message: str, task: Task) -> str:
    """Error messages name the file as the user gave it, not the absolute path the worker read."""
    return task.path + message[len(task.source) :] if message.startswith(task.source) else message


def file_digest(path: str | Path) -> str | None:
    """SHA-256 of a file's bytes; None when it cannot be read (ingest then reports why)."""
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as f:
            while chunk := f.read(1 << 20):
                digest.update(chunk)
    except OSError:
        return None
    return digest.hexdigest()


def finished_summary(out: Path, doc_id: str, path: str, input_sha256: str, model_sha256: str, explained: bool = False) -> dict | None:
    """The summary of a document whose outputs are complete for this input, model and
    ``explained`` setting, else None.

    The summary JSON is written last, so its presence with matching hashes means the other
    outputs were written whole before it.
    """
    try:
        summary = json.loads((out / f"{doc_id}.summary.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(summary, dict) or (
        summary.get("path"), summary.get("input_sha256"), summary.get("model_sha256"), summary.get("explained", False)
    ) != (path, input_sha256, model_sha256, explained):
        return None
    if not all((out / f"{doc_id}{suffix}").is_file() for suffix in (".sentences.jsonl", ".summary.md", ".html")):
        return None
    return summary


def write_outputs(result: Result, out: Path, provenance: dict | None = None) -> None:
    """The document's sentences (JSONL), summary (Markdown) and summary (JSON, last), each atomically.

    ``provenance`` (input and model hashes) is recorded in the summary JSON after ``path``.
    """
    doc_id = result.document.doc_id
    lines = [json.dumps({"schema_version": SCHEMA_VERSION, **s.record()}, ensure_ascii=False) + "\n" for s in result.sentences]
    write_atomic(out / f"{doc_id}.sentences.jsonl", "".join(lines))
    write_atomic(out / f"{doc_id}.summary.md", to_markdown(result.summary))
    write_atomic(out / f"{doc_id}.html", to_html(result))
    summary = {}
    for key, value in result.summary.items():
        summary[key] = value
        if key == "path":
            summary.update(provenance or {})
    write_atomic(out / f"{doc_id}.summary.json", json.dumps(summary, indent=2, ensure_ascii=False) + "\n")


def _remove_temp_files(out: Path) -> None:
    """Temporary files a killed run left behind (never complete outputs)."""
    for f in out.iterdir():
        if is_temp(f):
            f.unlink(missing_ok=True)


def iter_sentences(out: Path, doc_id: str) -> Iterator[dict]:
    """The sentence records of one document's JSONL output, read line by line."""
    with open(out / f"{doc_id}.sentences.jsonl", encoding="utf-8") as f:
        for line in f:
            yield json.loads(line)
