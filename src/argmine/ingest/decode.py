"""Reading a document's bytes and decoding a text file."""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import InputError

__all__ = ["decode_text", "link_problem", "read_bytes"]


def read_bytes(path: Path) -> bytes:
    """The file's content; an empty or unreadable file is an InputError."""
    problem = link_problem(path)
    if problem:
        raise InputError(f"{path}: {problem}")
    try:
        data = path.read_bytes()
    except IsADirectoryError:
        raise InputError(
            f"{path}: is a directory, not a document; name the files inside it or the folder itself"
        ) from None
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror}); check the path and its permissions") from None
    if not data.strip():
        raise InputError(f"{path}: the file is empty; give a document with text in it")
    return data


def decode_text(path: Path) -> str:
    """Decode a text file: UTF-16 with its byte-order mark, else UTF-8, else Windows-1252, else
    the encoding charset-normalizer detects. An English text that is not UTF-8 is nearly always
    Windows-1252 or Latin-1 (which Windows-1252 extends); statistical detection goes wrong on the
    few accented letters such a text has (it read "Zürich" as "Z³rich")."""
    data = read_bytes(path)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    if b"\x00" in data[:8192] or not _mostly_text(data[:8192]):
        raise InputError(f"{path}: looks like a binary file, not text; convert it to .txt or .md first")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise InputError(f"{path}: the text encoding could not be detected; re-save the file as UTF-8")
    return str(best)


def link_problem(path: Path) -> str | None:
    """Why a symbolic link cannot be read (broken, or a loop), as the rest of an error message;
    None for anything else."""
    if not path.is_symlink():
        return None
    try:
        path.resolve(strict=True)
    except FileNotFoundError:
        return f"a broken symbolic link (to {os.readlink(path)}); fix the link or remove it"
    except (OSError, RuntimeError):
        return "a symbolic link loop (following it never reaches a file); fix the link or remove it"
    return None


def _mostly_text(sample: bytes) -> bool:
    control = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13))
    return control <= len(sample) * 0.01
