"""Run documents through ingest -> segment -> label -> summarize and write the outputs.

A run streams: ``worker.process_document`` handles one document (reads it, writes its outputs,
returns its run.json entry) and is the unit of work of every engine (``engines``: in this
process, in worker processes, or on Dask). The combined outputs are built afterwards by
reading the per-document files back one at a time (``collection``), so memory does not grow
with the number of documents.
"""

from __future__ import annotations

import glob
import json
import os
import re
import time
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from .. import config
from ..errors import InputError, ModelError, OutputError
from ..files import is_temp, write_atomic
from ..ingest import SUFFIXES, link_problem
from ..model import model_digest
from ..types import SCHEMA_VERSION
from . import folder
from .collection import write_collection
from .engines import check_engine, run_tasks
from .worker import Task, warm

__all__ = ["Progress", "check_paths", "collect", "run", "unique_ids"]

_GLOB = re.compile(r"[*?\[]")


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
    """File stems, with -2, -3 ... appended where a stem is taken by an earlier file."""
    ids: list[str] = []
    for f in files:
        number, doc_id = 1, f.stem
        while doc_id in ids:
            number += 1
            doc_id = f"{f.stem}-{number}"
        ids.append(doc_id)
    return ids


def check_paths(paths) -> None:
    """Every path exists, and every glob pattern matches at least one file or folder."""
    for p in paths:
        if _is_pattern(p):
            if not glob.glob(str(p), recursive=True):
                raise InputError(
                    f"{p}: no files match this pattern; check the pattern (quote it to let argmine expand it)"
                )
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

    Raises InputError (a path that does not exist, no documents, a folder inside ``out``) and
    OutputError (another run is writing into ``out``, or an output would replace an input or a
    file argmine did not write) before anything is written. The combined outputs cover every
    document whose outputs are in ``out``, from this run or an earlier one.

    Documents whose outputs are already there for the same input file (its resolved path), the
    same content and model are skipped (status "skipped") unless ``force``. ``jobs`` > 1
    processes documents in worker processes; ``engine="dask"`` sends them to Dask workers (a
    local cluster of ``jobs`` workers, or the scheduler at ``scheduler``). ``progress`` is
    called with a ``Progress`` after every document. ``explain`` adds to each sentence the
    features that pushed its labels (argmine.explain).
    ``time_limit``: seconds one document may take (default: config/run.toml; 0: no limit).
    """
    check_paths(paths)
    out = Path(out)
    _check_not_inside(paths, out)
    files = collect(paths, exclude=out)
    if not files:
        raise InputError(f"no documents ({', '.join(sorted(SUFFIXES))}) found in the given paths")
    check_engine(engine, jobs, scheduler)
    made = not out.exists()
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(
            f"{out}: cannot make the output folder ({exc.strerror or type(exc).__name__});"
            " give --out a folder you can write in"
        ) from None
    try:
        with folder.locked(out):
            spec, digest = _load(model)
            ids = folder.claim(out, files)
            started = time.perf_counter()
            limit = config.settings("run")["time_limit_seconds"] if time_limit is None else time_limit
            absolute = str(out.resolve())
            tasks = [
                Task(str(f), os.path.abspath(f), doc_id, absolute, spec, digest, force, explain, limit)
                for f, doc_id in zip(files, ids)
            ]
            record = {"schema_version": SCHEMA_VERSION, "model": str(model), "model_sha256": digest, "documents": []}
            record["documents"] = _process(tasks, out, engine, jobs, scheduler, progress or (lambda _: None))
            folder.forget_missing(out)  # documents that failed without outputs
            write_collection(out, folder.documents(out))
            record["seconds"] = round(time.perf_counter() - started, 3)
            write_atomic(out / "run.json", json.dumps(record, indent=2, ensure_ascii=False) + "\n")
            return record
    except BaseException:
        if made and out.is_dir() and not any(out.iterdir()):  # stopped before writing: no folder left behind
            out.rmdir()
        raise


def _load(model: str) -> tuple[str, str]:
    """The model's spec for the workers (a file by its absolute path) and its digest; the model is
    loaded here, so a bad one stops the run before any document."""
    spec = str(Path(model).resolve()) if Path(model).exists() else str(model)
    try:
        warm(spec)
    except ModelError as exc:  # named as the user gave it, not by its absolute path
        message = str(exc)
        raise ModelError(str(model) + message[len(spec) :] if message.startswith(spec) else message) from None
    return spec, model_digest(spec)


def _process(
    tasks: list[Task], out: Path, engine: str, jobs: int, scheduler: str | None, report: Callable[[Progress], None]
) -> list[dict]:
    """Run every task on the engine, reporting progress; their run.json entries in task order."""
    entries: list[dict] = [{}] * len(tasks)
    done = sentences = failed = skipped = 0
    folder.remove_temp_files(out)
    report(Progress(len(tasks), 0, 0, 0, 0, None))
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
        folder.remove_temp_files(out)  # what a stopped worker left; the finished documents' outputs stay
        raise
    report(Progress(len(tasks), done, sentences, failed, skipped, None, stage="combining"))
    return entries


def _check_not_inside(paths, out: Path) -> None:
    """A folder given is not the output folder, or inside it: argmine never reads its outputs as documents."""
    for p in paths:
        if not _is_pattern(p) and Path(p).is_dir() and Path(p).resolve().is_relative_to(out.resolve()):
            raise InputError(
                f"{p}: is the --out folder (or inside it), whose files argmine never reads as documents;"
                f" give --out a folder of its own, e.g. --out {Path(p) / 'argmine-out'}"
            )
