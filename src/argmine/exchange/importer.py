"""Annotations from Label Studio, doccano and Prodigy back into a gold file.

Each reader turns a tool's export into gold rows (the fields of ``argmine.gold``: ``doc_id,
sent_id, section, text``, one label per axis, ``annotator``, and ``exclude`` and ``note``
where known), checked against the label scheme; a problem is one line naming the file and
the line of the offending task. The fields argmine exported beside the text (``doc_id``,
``sent_id``, ``section`` ...) come back from the task's data or meta; a task without them
takes the default document id and its position.
"""

from __future__ import annotations

import json
from pathlib import Path

from ..errors import AnnotationError
from ..files import json_lines, read_text, write_atomic
from ..scheme import Scheme, load_scheme
from .export import LABEL_STUDIO_TEXT, TASK_META

FORMATS = ("label-studio", "doccano", "prodigy")


def import_annotations(
    path: str | Path, fmt: str, doc_id: str = "", annotator: str | None = None, scheme: Scheme | None = None
) -> dict:
    """Read a tool's export; returns ``{"rows": [gold row, ...], "skipped": n}``.

    ``doc_id`` is the document id of tasks that carry none; a task without ``sent_id`` takes
    its position among the file's tasks (sentences, for Prodigy's binary answers). ``annotator``, where given, keeps
    only that annotator's annotations (an export may hold several per sentence) and names
    the annotator of rows whose export names none. Tasks without a usable annotation
    (unlabelled, cancelled, rejected or ignored) are skipped and counted.
    """
    scheme = scheme or load_scheme()
    path = Path(path)
    if not path.is_file():
        raise AnnotationError(f"{path}: no such annotation file; check the path")
    readers = {"label-studio": _label_studio, "doccano": _doccano, "prodigy": _prodigy}
    if fmt not in readers:
        raise AnnotationError(f"{path}: unknown format '{fmt}'; use one of {', '.join(FORMATS)}")
    text = read_text(path, AnnotationError)
    found, skipped = readers[fmt](path, text, scheme, annotator)
    rows = []
    ids: dict[tuple[str, int], str] = {}
    for where, row in found:
        row["doc_id"] = str(row.get("doc_id") or doc_id)
        if not row["doc_id"]:
            raise AnnotationError(f"{where}: no doc_id in the task; give the document id (--doc-id)")
        if not isinstance(row["sent_id"], int) or isinstance(row["sent_id"], bool) or row["sent_id"] < 1:
            raise AnnotationError(f"{where}: sent_id must be a positive integer, got {row['sent_id']!r}")
        key = (row["doc_id"], row["sent_id"])
        if key in ids:
            raise AnnotationError(
                f"{where}: sentence {row['sent_id']} of '{row['doc_id']}' is labelled "
                f"again (first at {ids[key]}); keep one annotation per sentence"
            )
        ids[key] = where
        if annotator and not row.get("annotator"):
            row["annotator"] = annotator
        rows.append(_gold_row(row, scheme))
    if not rows:
        raise AnnotationError(f"{path}: no labelled sentences in the file ({skipped} skipped); label some first")
    rows.sort(key=lambda r: (r["doc_id"], r["sent_id"]))
    return {"rows": rows, "skipped": skipped}


def write_gold(rows: list[dict], out: str | Path) -> Path:
    """Write gold rows as JSON Lines (atomically)."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(out, "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
    return out


def _gold_row(row: dict, scheme: Scheme) -> dict:
    gold = {key: row[key] for key in ("doc_id", "sent_id", "section", "text")}
    gold.update({axis: row[axis] for axis in scheme.axis_names})
    gold["annotator"] = str(row.get("annotator") or "")
    if row.get("exclude"):
        gold["exclude"] = True
    if row.get("note"):
        gold["note"] = str(row["note"])
    return gold


def _check(where: str, labels: dict[str, list[str]], scheme: Scheme) -> dict[str, str]:
    """One known label per axis, or a one-line error."""
    out = {}
    for axis in scheme.axes:
        chosen = labels.get(axis.name, [])
        if not chosen:
            raise AnnotationError(f"{where}: no {axis.name} label; label every axis ({', '.join(scheme.axis_names)})")
        if len(chosen) > 1:
            raise AnnotationError(f"{where}: {len(chosen)} {axis.name} labels ({', '.join(chosen)}); keep one per axis")
        if chosen[0] not in axis.names:
            raise AnnotationError(
                f"{where}: unknown {axis.name} label '{chosen[0]}'; use one of {', '.join(axis.names)}"
            )
        out[axis.name] = chosen[0]
    return out


def _namespaced(where: str, names, scheme: Scheme) -> dict[str, list[str]]:
    """``["role:benefit", "level:none"]`` -> ``{"role": ["benefit"], "level": ["none"]}``."""
    if not isinstance(names, list):
        raise AnnotationError(f"{where}: labels must be a list of axis:label names, got {names!r}")
    labels: dict[str, list[str]] = {}
    for name in names:
        axis, sep, label = str(name).partition(":")
        if not sep or axis not in scheme.axis_names:
            raise AnnotationError(
                f"{where}: label '{name}' names no axis; write it as axis:label, "
                f"e.g. {scheme.axes[0].name}:{scheme.axes[0].names[0]}"
            )
        labels.setdefault(axis, []).append(label)
    return labels


def _fields(where: str, source: dict, text, position: int) -> dict:
    """The sentence and the fields argmine exported beside it; ``sent_id`` defaults to ``position``."""
    if not isinstance(text, str) or not text.strip():
        raise AnnotationError(f"{where}: the task has no text")
    row = {"text": text, "section": str(source.get("section") or ""), "sent_id": position}
    for key in TASK_META:
        if key in source and key != "section" and source[key] is not None:
            row[key] = source[key]
    return row


def _json_array(path: Path, text: str):
    """The items of a JSON array (or one object), each with the line it starts on."""
    decoder = json.JSONDecoder()
    try:
        whole = json.loads(text)
    except json.JSONDecodeError as exc:
        raise AnnotationError(
            f"{path}:{exc.lineno}: not valid JSON ({exc.msg}); give Label Studio's JSON export"
        ) from None
    if isinstance(whole, dict):
        yield f"{path}:{text[: len(text) - len(text.lstrip())].count(chr(10)) + 1}", whole
        return
    if not isinstance(whole, list):
        raise AnnotationError(f"{path}:1: not a list of tasks; give Label Studio's JSON export")
    at = text.index("[") + 1
    for _ in whole:
        while text[at] in " \t\r\n,":
            at += 1
        item, end = decoder.raw_decode(text, at)
        where = f"{path}:{text.count(chr(10), 0, at) + 1}"
        if not isinstance(item, dict):
            raise AnnotationError(f"{where}: not a task object; give Label Studio's JSON export")
        yield where, item
        at = end


def _label_studio(path: Path, text: str, scheme: Scheme, annotator: str | None):
    """Label Studio's JSON export: a list of tasks with ``data`` and ``annotations`` (older
    versions: ``completions``), each annotation a ``result`` list of ``choices`` items whose
    ``from_name`` is an axis; ``completed_by`` (a user id, or an object with ``email``) is the annotator."""
    found, skipped = [], 0
    for position, (where, task) in enumerate(_json_array(path, text), 1):
        data = task.get("data", task)
        if not isinstance(data, dict):
            raise AnnotationError(f"{where}: the task's data is not an object")
        annotations = [
            a
            for a in task.get("annotations", task.get("completions")) or []
            if isinstance(a, dict) and not a.get("was_cancelled")
        ]
        if annotator:
            annotations = [a for a in annotations if _ls_annotator(a) == annotator]
        if not annotations:
            skipped += 1
            continue
        if len(annotations) > 1:
            by = ", ".join(_ls_annotator(a) or "?" for a in annotations)
            raise AnnotationError(
                f"{where}: {len(annotations)} annotations of one task (by {by}); choose one annotator with --annotator"
            )
        annotation = annotations[0]
        labels: dict[str, list[str]] = {}
        for item in annotation.get("result") or []:
            if item.get("type") == "choices" and item.get("from_name") in scheme.axis_names:
                labels.setdefault(item["from_name"], []).extend((item.get("value") or {}).get("choices") or [])
        row = _fields(where, data, data.get(LABEL_STUDIO_TEXT), position)
        row.update(_check(where, labels, scheme))
        if _ls_annotator(annotation):
            row["annotator"] = _ls_annotator(annotation)
        found.append((where, row))
    return found, skipped


def _ls_annotator(annotation: dict) -> str:
    who = annotation.get("completed_by")
    if isinstance(who, dict):
        who = who.get("email") or who.get("id")
    return "" if who is None else str(who)


def _doccano(path: Path, text: str, scheme: Scheme, annotator: str | None):
    """doccano's text-classification JSONL: ``text`` and ``label`` (namespaced labels, one per
    axis); argmine's fields beside them or under ``meta``; the annotator in ``annotator`` or ``user``."""
    found, skipped = [], 0
    for position, (where, item) in enumerate(json_lines(path, text, AnnotationError), 1):
        source = {**(item.get("meta") if isinstance(item.get("meta"), dict) else {}), **item}
        labels = item.get("label", item.get("labels"))
        if not labels:
            skipped += 1
            continue
        who = source.get("annotator") or source.get("user") or source.get("username")
        if annotator and who and str(who) != annotator:
            skipped += 1
            continue
        row = _fields(where, source, item.get("text"), position)
        row.update(_check(where, _namespaced(where, labels, scheme), scheme))
        if who:
            row["annotator"] = str(who)
        found.append((where, row))
    return found, skipped


def _prodigy(path: Path, text: str, scheme: Scheme, annotator: str | None):
    """Prodigy's JSONL (``db-out``): choice tasks with ``accept`` (namespaced option ids), or
    binary tasks with one ``label`` each, merged per sentence; only ``"answer": "accept"``
    counts. argmine's fields are in ``meta``; the annotator is ``_annotator_id`` or ``_session_id``."""
    merged: dict[tuple, tuple[str, dict, dict[str, list[str]]]] = {}
    positions: dict[tuple, int] = {}
    skipped = 0
    for where, item in json_lines(path, text, AnnotationError):
        meta = item.get("meta") if isinstance(item.get("meta"), dict) else {}
        sentence = (meta.get("doc_id"), meta.get("sent_id"), item.get("text"))
        position = positions.setdefault(sentence, len(positions) + 1)
        who = item.get("_annotator_id") or item.get("_session_id") or meta.get("annotator")
        if annotator and who and str(who) != annotator:
            skipped += 1
            continue
        if item.get("answer") != "accept":
            skipped += 1
            continue
        if "accept" in item:
            labels = _namespaced(where, item["accept"], scheme)
        elif "label" in item:
            labels = _namespaced(where, [item["label"]], scheme)
        else:
            raise AnnotationError(
                f"{where}: neither 'accept' nor 'label'; give Prodigy's choice or binary textcat annotations"
            )
        row = _fields(where, meta, item.get("text"), position)
        if who:
            row["annotator"] = str(who)
        key = (row.get("doc_id"), row["sent_id"])
        if key not in merged:
            merged[key] = (where, row, {})
        for axis, names in labels.items():
            merged[key][2].setdefault(axis, []).extend(names)
    found = []
    for where, row, labels in merged.values():
        row.update(_check(where, labels, scheme))
        found.append((where, row))
    return found, skipped
