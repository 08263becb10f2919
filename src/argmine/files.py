"""Atomic output files: every file argmine writes appears whole or not at all."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

TEMP_SUFFIX = ".tmp"


def temp_path(path: Path) -> Path:
    """The temporary file beside ``path`` that this process writes before renaming it."""
    return path.with_name(f".{path.name}.{os.getpid()}{TEMP_SUFFIX}")


@contextmanager
def atomic(path: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success rename it to ``path``, on error remove it.

    For writers that need a file name (pyarrow, skops) or write in a stream.
    """
    path = Path(path)
    tmp = temp_path(path)
    try:
        yield tmp
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_atomic(path: str | Path, text: str) -> None:
    """Write to a temporary file beside ``path``, then rename: never a half-written output."""
    with atomic(path) as tmp:
        tmp.write_text(text, encoding="utf-8")


def is_temp(path: Path) -> bool:
    """Whether ``path`` is a temporary file left by an interrupted write."""
    return temp_target(path) is not None


def temp_target(path: Path) -> str | None:
    """The name of the file a temporary file (``temp_path``) was to become; None for any other file."""
    name = path.name
    if not (name.startswith(".") and name.endswith(TEMP_SUFFIX)):
        return None
    target, _, pid = name[1 : -len(TEMP_SUFFIX)].rpartition(".")
    return target if target and pid.isdigit() else None


def read_text(path: str | Path, error: type[Exception]) -> str:
    """The UTF-8 text of ``path`` (a byte order mark is dropped); a file that cannot be read, or
    is not UTF-8, raises ``error`` naming it (and, for a bad byte, its line)."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise error(
            f"{path}: cannot be read ({exc.strerror or type(exc).__name__}); check the path and its permissions"
        ) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise error(f"{path}:{line}: not UTF-8 text (byte 0x{data[exc.start]:02x}); save the file as UTF-8") from None


def json_lines(path: str | Path, text: str, error: type[Exception]) -> Iterator[tuple[str, dict]]:
    """``(where, object)`` for every non-blank line of a JSON Lines text, ``where`` being
    ``path:line``; a line that is not one JSON object raises ``error`` naming it."""
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            raise error(f"{where}: not valid JSON ({exc.msg}); each line must be one JSON object") from None
        if not isinstance(item, dict):
            raise error(f"{where}: not a JSON object; each line must be one JSON object")
        yield where, item
