"""Labelled datasets out of argmine, as flat tables."""

from __future__ import annotations

from pathlib import Path

from .gold import load_gold


def export_gold(gold: str | Path, fmt: str, out: str | Path, documents: str | Path | None = None) -> int:
    """Write the gold as csv, jsonl or parquet; returns the number of rows."""
    from .files import atomic, write_atomic

    data = load_gold(gold, documents)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "csv":
        write_atomic(out, data.to_csv(index=False))
    elif fmt == "jsonl":
        write_atomic(out, data.to_json(orient="records", lines=True, force_ascii=False))
    elif fmt == "parquet":
        with atomic(out) as tmp:
            data.to_parquet(tmp, index=False)
    else:
        raise ValueError(f"unknown format {fmt}")
    return len(data)
