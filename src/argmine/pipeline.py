"""Run documents through ingest -> segment -> classify -> summarize and write the outputs."""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from pathlib import Path

from .classify import Model, load_model
from .errors import ArgmineError, InputError
from .ingest import SUFFIXES, ingest, parse
from .report import to_html
from .segment import segment
from .summarize import SCHEMA_VERSION, summarize, to_markdown
from .types import Document, Sentence


@dataclass
class Result:
    document: Document
    sentences: list[Sentence]
    summary: dict


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


def collect(paths: list[str | Path]) -> list[Path]:
    """Files named directly, and the supported documents inside named folders (sorted, recursive)."""
    files: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            files.extend(sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in SUFFIXES))
        else:
            files.append(p)
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


def run(paths: list[str | Path], out: str | Path, model: str = "default", explain: bool = False) -> dict:
    """Process every document; one failure never stops the others. Returns the run record (run.json).
    ``explain`` adds to each sentence the features that pushed its labels (argmine.explain)."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    loaded = load_model(model)
    files = collect(paths)
    record = {"schema_version": SCHEMA_VERSION, "model": str(model), "documents": []}
    started = time.perf_counter()
    for path, doc_id in zip(files, unique_ids(files)):
        entry = {"path": str(path), "doc_id": doc_id, "status": "ok", "error": None, "sentences": 0}
        try:
            result = process(ingest(path, doc_id), loaded)
            if explain:
                from .explain import explain_sentences

                explain_sentences(loaded, result.sentences)
            write_outputs(result, out)
            entry["sentences"] = len(result.sentences)
        except ArgmineError as exc:
            entry.update(status="failed", error=str(exc))
        except Exception as exc:  # one bad document must never stop the batch
            entry.update(status="failed", error=f"{path}: internal error ({type(exc).__name__}: {exc}); please report it")
        record["documents"].append(entry)
    record["seconds"] = round(time.perf_counter() - started, 3)
    write_atomic(out / "run.json", json.dumps(record, indent=2, ensure_ascii=False) + "\n")
    return record


def write_outputs(result: Result, out: Path) -> None:
    doc_id = result.document.doc_id
    lines = []
    for s in result.sentences:
        lines.append(json.dumps({"schema_version": SCHEMA_VERSION, **s.record()}, ensure_ascii=False))
    write_atomic(out / f"{doc_id}.sentences.jsonl", "".join(line + "\n" for line in lines))
    write_atomic(out / f"{doc_id}.summary.json", json.dumps(result.summary, indent=2, ensure_ascii=False) + "\n")
    write_atomic(out / f"{doc_id}.summary.md", to_markdown(result.summary))
    write_atomic(out / f"{doc_id}.html", to_html(result))


def write_atomic(path: Path, text: str) -> None:
    """Write to a temporary file beside ``path``, then rename: never a half-written output."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


def check_paths(paths) -> None:
    for p in map(Path, paths):
        if not p.exists():
            raise InputError(f"{p}: no such file or folder; check the path")
