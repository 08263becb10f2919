"""Load and validate hand-labelled gold files (JSON Lines, one sentence per line)."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from .errors import GoldError, InputError
from .files import json_lines, read_text
from .ingest import SUFFIXES, TEXT_SUFFIXES, ingest
from .scheme import Scheme, load_scheme

REQUIRED = ("doc_id", "sent_id", "section", "text")
SPLITS = "splits.tsv"
COLUMNS = ["doc_id", "sent_id", "section", "text", "start", "end", "position", "exclude", "note", "annotator"]


def gold_files(path: str | Path) -> list[Path]:
    """The gold file itself, or every *.jsonl in a folder, sorted by name."""
    path = Path(path)
    if path.is_dir():
        files = sorted(path.glob("*.jsonl"))
        if not files:
            raise GoldError(f"{path}: no *.jsonl gold files in this folder; give a gold file or a folder of them")
        return files
    if not path.exists():
        raise GoldError(f"{path}: no such gold file or folder; check the path")
    return [path]


def load_gold(
    path: str | Path, documents: str | Path | None = None, scheme: Scheme | None = None, split: str | None = None
) -> pd.DataFrame:
    """All gold rows under ``path`` as a DataFrame, validated against the scheme and the documents.

    ``documents`` is the folder holding the raw documents (default: ``raw/`` beside the
    gold folder). Each row gains ``start``/``end`` into its cleaned document and a
    relative ``position``.
    """
    scheme = scheme or load_scheme()
    files = gold_files(path)
    frames = [_load_file(p, Path(documents) if documents else None, scheme) for p in files]
    data = pd.concat(frames, ignore_index=True)
    seen: dict[str, Path] = {}
    for p, frame in zip(files, frames):
        for doc_id in frame["doc_id"].unique():
            if doc_id in seen:
                raise GoldError(
                    f"{p}: document '{doc_id}' is also labelled in {seen[doc_id]}; keep one gold file per document"
                )
            seen[doc_id] = p
    splits = load_splits(path)
    if splits is not None:  # each document's genre and split, for per-genre scores and held-out splits
        data = data.merge(splits, on="doc_id", how="left").fillna({"genre": "", "split": ""})
    if split is not None:
        if splits is None:
            raise GoldError(f"{splits_path(path)}: no such file; --split needs it (doc_id, genre, split per line)")
        data = data[data["split"] == split].reset_index(drop=True)
        if data.empty:
            raise GoldError(f"{splits_path(path)}: no gold document is in the split '{split}'; use one of its splits")
    return data


def splits_path(gold: str | Path) -> Path:
    """``splits.tsv`` beside the gold folder (or beside the folder of a gold file)."""
    gold = Path(gold)
    return (gold if gold.is_dir() else gold.parent).parent / SPLITS


def load_splits(gold: str | Path) -> pd.DataFrame | None:
    """The genre and split of each gold document, from ``splits.tsv`` beside the gold folder (tab-separated
    ``doc_id``, ``genre``, ``split``, ``#`` comments); None when there is no such file."""
    path = splits_path(gold)
    if not path.is_file():
        return None
    rows = []
    for number, line in enumerate(read_text(path, GoldError).splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) != 3:
            raise GoldError(f"{path}:{number}: expected doc_id, genre and split separated by tabs, got {line!r}")
        if fields != ["doc_id", "genre", "split"]:
            rows.append(fields)
    return pd.DataFrame(rows, columns=["doc_id", "genre", "split"])


def _load_file(path: Path, documents: Path | None, scheme: Scheme) -> pd.DataFrame:
    rows = []
    ids: set[tuple[str, int]] = set()
    texts: dict[str, str] = {}
    cursor: dict[str, int] = {}
    for where, row in json_lines(path, read_text(path, GoldError), GoldError):
        for key in (*REQUIRED, *scheme.axis_names):
            if key not in row:
                raise GoldError(
                    f"{where}: missing field '{key}'; every row needs {', '.join((*REQUIRED, *scheme.axis_names))}"
                )
        for axis in scheme.axes:
            if row[axis.name] not in axis.names:
                raise GoldError(
                    f"{where}: unknown {axis.name} label '{row[axis.name]}'; use one of {', '.join(axis.names)}"
                )
        if isinstance(row["sent_id"], bool) or not isinstance(row["sent_id"], int) or row["sent_id"] < 1:
            raise GoldError(f"{where}: sent_id must be a positive integer, got {row['sent_id']!r}")
        for key, what in (
            ("doc_id", "the document's file name without its suffix"),
            ("text", "the sentence as in the cleaned document"),
        ):
            if not isinstance(row[key], str) or not row[key].strip():
                raise GoldError(f"{where}: {key} must be a non-empty string ({what}), got {row[key]!r}")
        if row.get("exclude") is not None and not isinstance(row["exclude"], bool):
            raise GoldError(f"{where}: exclude must be true or false, got {row['exclude']!r}")
        key = (row["doc_id"], row["sent_id"])
        if key in ids:
            raise GoldError(
                f"{where}: duplicate sent_id {row['sent_id']} for document '{row['doc_id']}'; ids must be unique"
            )
        ids.add(key)
        doc_id = row["doc_id"]
        if doc_id not in texts:
            texts[doc_id] = _document_text(doc_id, documents, path, where)
        start, end = _locate(texts[doc_id], row, cursor.get(doc_id, 0), where)
        cursor[doc_id] = end
        rows.append({**row, "start": start, "end": end})
    if not rows:
        raise GoldError(f"{path}: the gold file has no rows; add one JSON object per sentence")
    frame = pd.DataFrame(rows)
    for column, default in (("exclude", False), ("note", ""), ("annotator", "")):
        frame[column] = frame[column].fillna(default) if column in frame else default
    frame["exclude"] = frame["exclude"].astype(bool)
    frame["position"] = frame.groupby("doc_id").cumcount() / frame.groupby("doc_id")["doc_id"].transform(
        lambda s: max(len(s) - 1, 1)
    )
    return frame[COLUMNS + scheme.axis_names]


def document_path(doc_id: str, documents: str | Path | None, gold_file: str | Path) -> Path | None:
    """The raw document of ``doc_id``: in ``documents``, by default ``raw/`` beside the gold folder.
    A text file wins over an HTML, PDF or DOCX file of the same name (its source, say)."""
    gold_file = Path(gold_file)
    folder = Path(documents) if documents else (gold_file if gold_file.is_dir() else gold_file.parent).parent / "raw"
    for suffix in sorted(TEXT_SUFFIXES) + sorted(SUFFIXES - TEXT_SUFFIXES):
        candidate = folder / f"{doc_id}{suffix}"
        if candidate.exists():
            return candidate
    return None


def _document_text(doc_id: str, documents: Path | None, gold_file: Path, where: str) -> str:
    path = document_path(doc_id, documents, gold_file)
    if path is None:
        folder = documents or gold_file.parent.parent / "raw"
        raise GoldError(
            f"{where}: document '{doc_id}' not found in {folder}/; put the raw document there (same name as doc_id)"
        )
    try:
        return ingest(path, doc_id).text
    except InputError as exc:
        raise GoldError(f"{where}: its document cannot be read: {exc}") from None


def _locate(text: str, row: dict, cursor: int, where: str) -> tuple[int, int]:
    """Where the row's sentence sits in the cleaned document, searching onward from the last row."""
    sentence = row["text"]
    if isinstance(row.get("start"), int) and isinstance(row.get("end"), int):
        if text[row["start"] : row["end"]] == sentence:
            return row["start"], row["end"]
    at = text.find(sentence, cursor)
    if at < 0:
        at = text.find(sentence)
    if at >= 0:
        return at, at + len(sentence)
    pattern = r"\s+".join(re.escape(w) for w in sentence.split())
    match = re.compile(pattern).search(text) if pattern else None
    if match:
        return match.start(), match.end()
    raise GoldError(
        f"{where}: the sentence does not occur in document '{row['doc_id']}' ({sentence[:60]!r}); "
        "copy the text from the cleaned document"
    )
