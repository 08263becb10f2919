"""The unit of work of every engine: one document (a ``Task``) processed into the output folder,
never raising for a bad document, within its time limit."""

from __future__ import annotations

import hashlib
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..errors import ArgmineError
from ..ingest import ingest
from ..model import Model, load_model
from .document import process
from .outputs import finished_summary, write_outputs

__all__ = ["Task", "TimeUp", "failed_entry", "file_digest", "internal_error", "process_document", "time_limit", "warm"]


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


def process_document(task: Task) -> dict:
    """Process one document into ``task.out`` and return its run.json entry.

    Never raises for a bad document: the error goes into the entry. Skips the document when its
    outputs exist for the same input content and model, unless ``task.force``. The model is
    loaded once per process.
    """
    entry = {
        "path": task.path,
        "doc_id": task.doc_id,
        "status": "ok",
        "error": None,
        "sentences": 0,
        "warnings": [],
        "dropped": {},
    }
    try:
        with time_limit(task.time_limit):
            _process_task(task, entry)
    except TimeUp:
        error = (
            f"{task.path}: took longer than {task.time_limit:g} s, the limit for one document;"
            " split it, or raise the limit with --time-limit"
        )
    except ArgmineError as exc:
        error = _as_given(str(exc), task)
    except Exception as exc:  # one bad document must never stop the batch
        error = _as_given(internal_error(task, exc), task)
    else:
        return entry
    return failed_entry(task, error)


def internal_error(task: Task, exc: BaseException) -> str:
    """The message of a failure argmine did not foresee (a bug, or a worker that died)."""
    return f"{task.path}: internal error ({type(exc).__name__}: {exc}); please report it"


def failed_entry(task: Task, error: str) -> dict:
    """The run.json entry of a document that failed with ``error``."""
    return {
        "path": task.path,
        "doc_id": task.doc_id,
        "status": "failed",
        "error": error,
        "sentences": 0,
        "warnings": [],
        "dropped": {},
    }


def _process_task(task: Task, entry: dict) -> None:
    """Skip the document when it is up to date, else process it and write its outputs; record
    which in ``entry``."""
    out = Path(task.out)
    digest = file_digest(task.source)
    if digest is not None and not task.force:
        finished = finished_summary(out, task.doc_id, digest, task.model_sha256, task.explain)
        if finished is not None:
            entry.update(
                status="skipped",
                sentences=int(finished["totals"]["sentences"]),
                warnings=finished.get("warnings", []),
                dropped=finished.get("dropped", {}),
            )
            return
    document = ingest(task.source, task.doc_id)
    document.path = task.path
    document.warnings = [_as_given(w, task) for w in document.warnings]
    model = warm(task.model)
    result = process(document, model)
    if task.explain:
        from ..explain import explain_sentences

        explain_sentences(model, result.sentences)
    write_outputs(result, out, {"input_sha256": digest, "model_sha256": task.model_sha256, "explained": task.explain})
    entry.update(sentences=len(result.sentences), warnings=document.warnings, dropped=document.dropped)


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


@lru_cache(maxsize=2)
def warm(model: str) -> Model:
    """The model, loaded once per process, and the segmenter loaded with it. The model first:
    skops, when imported, looks for each of numpy's and scipy's functions through the loaded
    modules in import order, and spaCy loads about a thousand (more with torch, which spacy_import keeps out)."""
    from ..segment import load_segmenter

    loaded = load_model(model)
    load_segmenter()
    return loaded


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
