"""A run's output folder: one run at a time, and which files in it are argmine's.

- ``locked``: a run holds the folder for its whole length (``.argmine.lock``); a second run into
  the same folder stops with an OutputError. The lock is the kernel's (``flock``), released when
  the process that holds it ends, however it ends: a killed run never leaves the folder locked.
- ``claim``: the documents whose outputs argmine wrote in the folder, each with the file it was
  read from (its resolved path), are recorded in ``.argmine-outputs.json``. A document keeps its
  doc_id whatever path it is given by (relative, absolute, through a link); another file with the
  same stem gets a new doc_id instead of taking over the first one's outputs. No output may
  replace an input document or a file argmine did not write: ``claim`` refuses before anything
  is written.

A folder written before the record existed is read from its summaries (each names its input).
"""

from __future__ import annotations

import json
import os
import socket
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from ..errors import OutputError
from ..files import temp_target, write_atomic
from ..types import SCHEMA_VERSION

__all__ = [
    "COMBINED",
    "DOCUMENT_SUFFIXES",
    "LOCK",
    "RECORD",
    "claim",
    "documents",
    "forget_missing",
    "locked",
    "remove_temp_files",
]

LOCK = ".argmine.lock"
RECORD = ".argmine-outputs.json"
DOCUMENT_SUFFIXES = (".sentences.jsonl", ".summary.md", ".html", ".summary.json")  # the summary JSON last
COMBINED = ("sentences.parquet", "sentences.csv", "collection.summary.json", "collection.summary.md", "run.json")


@contextmanager
def locked(out: Path) -> Iterator[None]:
    """Hold ``out`` (an existing folder) while the block runs; raise OutputError if another run holds it.

    The lock file records who holds it (pid, host, start), for the message of a run refused.
    """
    try:
        import fcntl
    except ImportError:  # no flock (Windows): runs are not kept apart
        yield
        return
    path = out / LOCK
    while True:
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise OutputError(
                f"{out}: cannot write in this folder ({exc.strerror}); check its permissions,"
                " or give --out another folder"
            ) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _holder(fd)
            os.close(fd)
            raise OutputError(
                f"{out}: another argmine run{holder} is writing into this folder; wait until it ends,"
                " or give --out another folder"
            ) from None
        except OSError:  # a file system without flock: runs are not kept apart
            break
        try:  # the lock file may have been removed (by the run that held it) after we opened it
            same = os.stat(path).st_ino == os.fstat(fd).st_ino
        except FileNotFoundError:
            same = False
        if same:
            break
        os.close(fd)
    holder = {"pid": os.getpid(), "host": socket.gethostname(), "started": time.strftime("%Y-%m-%d %H:%M:%S")}
    os.ftruncate(fd, 0)
    os.write(fd, (json.dumps(holder) + "\n").encode("utf-8"))
    try:
        yield
    finally:
        try:
            os.unlink(path)  # before the lock ends, so a run that opened this file retries with a new one
        except OSError:
            pass
        try:
            fcntl.flock(fd, fcntl.LOCK_UN)  # for worker processes forked with the file open too
        except OSError:
            pass
        os.close(fd)


def _holder(fd: int) -> str:
    """' (pid 123 on host, since ...)' from a lock file, or '' when it cannot be read."""
    try:
        holder = json.loads(os.pread(fd, 4096, 0))
        return f" (pid {holder['pid']} on {holder['host']}, since {holder['started']})"
    except (OSError, ValueError, TypeError, KeyError):
        return ""


def claim(out: Path, files: Sequence[Path]) -> list[str]:
    """The doc_id of every file, recorded in ``out`` before any output is written.

    A file whose outputs are in ``out`` already keeps its doc_id; a new file gets its stem, or the
    stem with -2, -3 ... when that doc_id belongs to another file that still exists. Raises
    OutputError, having written nothing, when an output would replace an input document or a file
    argmine did not write.
    """
    record, combined_ours = _read_record(out)
    record = _present(out, record)
    by_source = {source: doc_id for doc_id, source in record.items()}
    inputs = {_entry(f): f for f in files} | {Path(os.path.realpath(f)): f for f in files}
    ids: list[str] = []
    new: list[str] = []
    for f in files:
        source = os.path.realpath(f)
        doc_id = by_source.get(source)
        if doc_id is None:
            doc_id = _free_id(f.stem, record, set(ids))
            if doc_id not in record:
                new.append(doc_id)
            record[doc_id] = by_source[source] = source
        ids.append(doc_id)
    for doc_id in dict.fromkeys(ids):
        for suffix in DOCUMENT_SUFFIXES:
            _check(out / f"{doc_id}{suffix}", inputs, ours=doc_id not in new)
    for name in COMBINED:
        _check(out / name, inputs, ours=combined_ours)
    _write_record(out, record)
    return ids


def documents(out: Path) -> list[str]:
    """The doc_ids recorded in ``out``, sorted (their outputs may be incomplete: see ``outputs.complete``)."""
    return sorted(_read_record(out)[0])


def forget_missing(out: Path) -> None:
    """Take out of the record the documents none of whose outputs are in ``out`` (those that failed
    in their first run)."""
    record = _read_record(out)[0]
    kept = _present(out, record)
    if kept != record:
        _write_record(out, kept)


def remove_temp_files(out: Path) -> None:
    """Temporary files that a killed or stopped run left for its outputs (never another file)."""
    record = _read_record(out)[0]
    ours = {RECORD, *COMBINED, *(f"{d}{suffix}" for d in record for suffix in DOCUMENT_SUFFIXES)}
    for f in out.iterdir():
        if temp_target(f) in ours:
            f.unlink(missing_ok=True)


def _present(out: Path, record: dict[str, str]) -> dict[str, str]:
    return {d: s for d, s in record.items() if any((out / f"{d}{suffix}").exists() for suffix in DOCUMENT_SUFFIXES)}


def _free_id(stem: str, record: dict[str, str], taken: set[str]) -> str:
    """The first of stem, stem-2, stem-3 ... that no document of this run has, and that no other
    document's outputs in the folder have, unless that document's file is gone (moved or deleted)."""
    number = 1
    while True:
        doc_id = stem if number == 1 else f"{stem}-{number}"
        if doc_id not in taken and (doc_id not in record or not os.path.exists(record[doc_id])):
            return doc_id
        number += 1


def _check(path: Path, inputs: dict[Path, Path], ours: bool) -> None:
    given = inputs.get(_entry(path))
    if given is not None:
        raise OutputError(
            f"{given}: is a document of this run, and argmine would write its output {path.name} over it;"
            f" give --out a folder of its own, e.g. --out {path.parent / 'argmine-out'}"
        )
    if not ours and (path.exists() or path.is_symlink()):
        raise OutputError(
            f"{path}: exists and argmine did not write it, so it will not replace it;"
            " move the file elsewhere, or give --out another folder"
        )


def _entry(path: Path) -> Path:
    """The folder entry a path names: its folder resolved, its own name kept (a link stays a link)."""
    return Path(os.path.realpath(path.parent)) / path.name


def _read_record(out: Path) -> tuple[dict[str, str], bool]:
    """doc_id -> resolved input path of the documents whose outputs argmine wrote in ``out``, and
    whether the combined outputs there are argmine's."""
    path = out / RECORD
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return {str(d): str(s) for d, s in data["documents"].items()}, True
    except FileNotFoundError:
        return _from_summaries(out)
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        raise OutputError(
            f"{path}: damaged (argmine's record of its outputs in this folder); delete it,"
            " and argmine reads the outputs' own summaries instead"
        ) from None


def _from_summaries(out: Path) -> tuple[dict[str, str], bool]:
    """The record of a folder written without one (by an older argmine, or after it was deleted):
    every summary JSON that argmine wrote names its document and input."""
    record = {}
    for path in sorted(out.glob("*.summary.json")) if out.is_dir() else []:
        summary = _argmine_json(path)
        doc_id = path.name.removesuffix(".summary.json")
        if summary is not None and summary.get("doc_id") == doc_id and isinstance(summary.get("path"), str):
            record[doc_id] = os.path.realpath(summary["path"])
    combined = _argmine_json(out / "run.json") is not None or _argmine_json(out / "collection.summary.json") is not None
    return record, combined


def _argmine_json(path: Path) -> dict | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and "schema_version" in data else None


def _write_record(out: Path, record: dict[str, str]) -> None:
    data = {"schema_version": SCHEMA_VERSION, "documents": dict(sorted(record.items()))}
    write_atomic(out / RECORD, json.dumps(data, indent=2, ensure_ascii=False) + "\n")
